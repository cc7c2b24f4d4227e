#include "kernel/nic_driver.h"

#include "devices/nic.h"

namespace iosim {

QueuedDeviceDriver make_nic_driver(const KernelConfig& config, DriverHooks hooks) {
  QueuedDeviceRegs regs{config.map.nic, Nic::kFlags,    Nic::kDoorbell,   Nic::kStatus,
                        Nic::kData,     Nic::kComplete, Nic::kQueueDepth, Nic::kFlagDma,
                        Nic::kFlagIrq,  Nic::kDrq,      Nic::kDone,       Nic::kNoCompletion};
  // The scenario loader keeps every fetch within the card's largest transfer,
  // so a request is always one chunk.
  auto chunk = [](const IoRequest& r) { return r.total_bytes - r.done_bytes; };
  auto program = [base = config.map.nic](Core& core, const IoRequest& r) {
    core.write(base + Nic::kReqBytes, r.send_bytes);
    core.write(base + Nic::kRespBytes, r.total_bytes);
    core.write(base + Nic::kAddr, r.buffer);
  };
  return QueuedDeviceDriver(regs, config.io, config.costs, program, chunk, std::move(hooks));
}

}  // namespace iosim
