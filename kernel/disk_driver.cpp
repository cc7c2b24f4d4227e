#include "kernel/disk_driver.h"

#include <algorithm>

#include "devices/disk_controller.h"

namespace iosim {

using DC = DiskController;

QueuedDeviceDriver make_disk_driver(const KernelConfig& config, DriverHooks hooks) {
  const DeviceMap& map = config.map;
  QueuedDeviceRegs regs{map.disk,     DC::kFlags,    DC::kDoorbell,   DC::kStatus,
                        DC::kData,    DC::kComplete, DC::kQueueDepth, DC::kFlagDma,
                        DC::kFlagIrq, DC::kDrq,      DC::kDone,       DC::kNoCompletion};
  const std::uint64_t sector = map.sector_bytes;
  auto chunk = [&map, sector](const IoRequest& r) {
    return std::min<std::uint64_t>(r.total_bytes - r.done_bytes, map.disk_max_sectors * sector);
  };
  auto program = [base = map.disk, sector](Core& core, const IoRequest& r) {
    core.write(base + DC::kCmd, r.to_device() ? DC::kWrite : DC::kRead);
    core.write(base + DC::kLba, r.lba + r.done_bytes / sector);
    core.write(base + DC::kCount, r.chunk_bytes / sector);
    core.write(base + DC::kAddr, r.buffer + r.done_bytes);
  };
  return QueuedDeviceDriver(regs, config.io, config.costs, program, chunk, std::move(hooks));
}

}  // namespace iosim
