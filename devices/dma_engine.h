// The DMA engine: moves bytes between two bus addresses without a CPU core.
// Each channel is programmed with a source, a destination and a length (or a
// descriptor list), then started; it copies in bursts of `burst` bytes, each
// burst a bus read then a bus write (so each costs bus time twice), and
// pulses its `done` line once when the last byte has landed.
//
// Modes, chosen by the CTRL value that starts the transfer:
//   cycle stealing (CTRL bit 1 = 0, as before): each burst's read and write
//       compete for the bus like any access, so other initiators' accesses
//       interleave between them (a core waits at most for one burst access)
//   burst (CTRL bit 1 = 1): the channel holds the bus (Bus::hold) from its
//       start to its end; no other initiator's access starts meanwhile. The
//       engine's other channels wait too.
//   scatter-gather (CTRL bit 2 = 1): the channel walks a descriptor list in
//       memory starting at DESC. A descriptor is 32 bytes, four little-endian
//       u64: {src, dst, len, next}, read as one 32-byte bus access; next = 0
//       ends the list. Each descriptor is loaded into SRC/DST/LEN and copied
//       as above. MOVED counts the bytes of all descriptors; done pulses once,
//       after the last one.
//
// Registers, per channel c at c * 0x40 (64-bit):
//   0x00 SRC     rw  source bus address (scatter-gather: the current descriptor's)
//   0x08 DST     rw  destination bus address (idem)
//   0x10 LEN     rw  bytes to move (idem)
//   0x18 CTRL    rw  bit 0 = 1 starts (ignored while the channel is busy);
//                    bit 1 burst mode; bit 2 scatter-gather. Reads the value
//                    that started the current or last transfer
//   0x20 STATUS  ro  bit 0 busy, bit 1 error (a bus error stopped the transfer)
//   0x28 MOVED   ro  bytes moved by the current or last transfer
//   0x30 DESC    rw  bus address of the first descriptor (scatter-gather)
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
                                 kStatus = 0x20, kMoved = 0x28, kDesc = 0x30, kChannelStride = 0x40;
  static constexpr std::uint64_t kBusy = 1, kError = 2;                     // STATUS bits
  static constexpr std::uint64_t kStart = 1, kBurstMode = 2, kScatter = 4;  // CTRL bits
  static constexpr std::uint32_t kDescriptorBytes = 32;                     // {src, dst, len, next}

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
    int index = 0;
    std::uint64_t src = 0, dst = 0, len = 0, moved = 0, status = 0, ctrl = 0, desc = 0;
    sc_core::sc_event start;
    std::unique_ptr<Probe> busy;
  };

  void run_channel(int index);
  bool transfer(Channel& ch);
  bool copy(Channel& ch, std::uint64_t src, std::uint64_t dst, std::uint64_t len);
  bool access(Channel& ch, tlm::tlm_command cmd, std::uint64_t address, std::uint8_t* data,
              std::uint32_t length);
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::uint32_t burst_;
  std::vector<std::unique_ptr<Channel>> channels_;
  int holder_ = -1;  // channel holding the bus in burst mode, or -1
  sc_core::sc_event holder_free_;
  RegisterBank regs_bank_;
  DeviceStats stats_;
};

}  // namespace iosim
