// The DMA engine: moves bytes between two bus addresses without a CPU core.
// Each channel is programmed with a source, a destination and a length, then
// started; it copies in bursts of `burst` bytes, each burst a bus read then a
// bus write (so each costs bus time twice), and pulses its `done` line when
// the last byte has landed.
//
// Registers, per channel c at c * 0x40 (64-bit):
//   0x00 SRC     rw  source bus address
//   0x08 DST     rw  destination bus address
//   0x10 LEN     rw  bytes to move
//   0x18 CTRL    wo  1 = start (ignored while the channel is busy)
//   0x20 STATUS  ro  bit 0 busy, bit 1 error (a bus error stopped the transfer)
//   0x28 MOVED   ro  bytes moved by the current or last transfer
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>
#include <vector>

#include "devices/irq_source.h"
#include "devices/register_bank.h"
#include "sim/device_stats.h"
#include "sim/probe.h"

namespace iosim {

class DmaEngine : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kSrc = 0x00, kDst = 0x08, kLen = 0x10, kCtrl = 0x18,
                                 kStatus = 0x20, kMoved = 0x28, kChannelStride = 0x40;
  static constexpr std::uint64_t kBusy = 1, kError = 2;

  tlm_utils::simple_target_socket<DmaEngine> regs{"regs"};
  tlm_utils::simple_initiator_socket<DmaEngine> bus{"bus"};
  sc_core::sc_vector<IrqSource> done;  // one per channel

  DmaEngine(sc_core::sc_module_name name, int channels, std::uint32_t burst);

  int channels() const { return static_cast<int>(channels_.size()); }
  std::uint64_t regs_size() const { return kChannelStride * channels_.size(); }
  const DeviceStats& stats() const { return stats_; }
  std::vector<Probe*> probes();

 private:
  struct Channel {
    std::uint64_t src = 0, dst = 0, len = 0, moved = 0, status = 0;
    sc_core::sc_event start;
    std::unique_ptr<Probe> busy;
  };

  void run_channel(int index);
  bool transfer(Channel& ch);
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::uint32_t burst_;
  std::vector<std::unique_ptr<Channel>> channels_;
  RegisterBank regs_bank_;
  DeviceStats stats_;
};

}  // namespace iosim
