// The disk controller: a small computer of its own. Its firmware (one
// SC_THREAD) takes commands from a queue, moves the disk's head and waits for
// the platter (HddModel), stages the sectors in its own buffer, and then
// either hands them to the DMA engine or serves them word by word through the
// DATA register (programmed I/O). It pulses its interrupt line when a command
// completes, if asked to. None of this time is spent by a CPU core.
//
// Registers (64-bit):
//   0x00 CMD       rw  1 = read, 2 = write
//   0x08 LBA       rw  first sector
//   0x10 COUNT     rw  sectors (1 .. buffer size / sector size)
//   0x18 ADDR      rw  RAM bus address the DMA engine copies to/from
//   0x20 FLAGS     rw  bit 0: use DMA (else PIO); bit 1: interrupt on completion
//   0x28 DOORBELL  wo  queues CMD/LBA/COUNT/ADDR/FLAGS under the written tag;
//                      refused (STATUS.ERROR) when the queue is full
//   0x30 STATUS    ro  bit 0 BUSY   a command is queued or in progress
//                      bit 1 DRQ    PIO: data ready to read / room to write
//                      bit 2 FULL   the command queue is full
//                      bit 3 ERROR  the last doorbell was refused
//                      bit 4 DONE   a completion is waiting in COMPLETE
//   0x38 DATA      rw  PIO data port: each access moves the next 1/2/4/8 bytes
//   0x40 COMPLETE  ro  pops the oldest completion: (tag << 1) | failed, or
//                      kNoCompletion when none is waiting
//   0x48 QDEPTH    ro  command queue capacity
// The staging buffer is also mapped on the bus (socket `buffer`), which is
// where the DMA engine reads from and writes to.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <vector>

#include "devices/disk_image.h"
#include "devices/hdd_model.h"
#include "devices/irq_source.h"
#include "devices/register_bank.h"
#include "sim/device_stats.h"
#include "sim/probe.h"

namespace iosim {

struct DiskControllerParams {
  HddParams hdd;
  Ns overhead = 50'000;           // per-command firmware processing, 50 us
  std::uint32_t queue_depth = 4;  // commands the controller accepts at once
  std::uint32_t max_sectors = 256;
  std::uint64_t dma_regs = 0;     // bus address of the DMA channel the firmware uses
  std::uint64_t buffer_base = 0;  // bus address where the staging buffer is mapped
};

class DiskController : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kCmd = 0x00, kLba = 0x08, kCount = 0x10, kAddr = 0x18,
                                 kFlags = 0x20, kDoorbell = 0x28, kStatus = 0x30, kData = 0x38,
                                 kComplete = 0x40, kQueueDepth = 0x48, kRegsSize = 0x100;
  static constexpr std::uint64_t kRead = 1, kWrite = 2;
  static constexpr std::uint64_t kFlagDma = 1, kFlagIrq = 2;
  static constexpr std::uint64_t kBusy = 1, kDrq = 2, kFull = 4, kError = 8, kDone = 16;
  static constexpr std::uint64_t kNoCompletion = ~std::uint64_t{0};
  // Firmware states, as traced.
  enum State : std::uint64_t { kIdle, kDecode, kSeek, kRotate, kTransfer, kDma, kPio };

  tlm_utils::simple_target_socket<DiskController> regs{"regs"};
  tlm_utils::simple_target_socket<DiskController> buffer{"buffer"};
  tlm_utils::simple_initiator_socket<DiskController> bus{"bus"};  // to program the DMA engine
  sc_core::sc_in<bool> dma_done{"dma_done"};
  IrqSource irq{"irq"};

  DiskController(sc_core::sc_module_name name, DiskControllerParams params);

  const HddModel& hdd() const { return hdd_; }
  DiskImage& image() { return image_; }
  std::uint64_t buffer_bytes() const { return staging_.size(); }
  const DeviceStats& stats() const { return stats_; }
  std::vector<Probe*> probes() { return {&state_, &cylinder_, &queued_}; }

 private:
  SC_HAS_PROCESS(DiskController);

  struct Command {
    std::uint64_t op, lba, count, addr, flags, tag;
  };

  void firmware();
  bool execute(const Command& c);
  void media(const Command& c);
  bool dma_copy(std::uint64_t src, std::uint64_t dst, std::uint64_t bytes);
  void pio_exchange(std::uint64_t bytes);
  void doorbell(std::uint64_t tag);
  std::uint64_t status() const;
  std::uint64_t pio_read(unsigned width);
  void pio_write(std::uint64_t value, unsigned width);
  void count_dma_done();
  void regs_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void buffer_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  DiskControllerParams p_;
  HddModel hdd_;
  DiskImage image_;
  std::vector<std::uint8_t> staging_;
  RegisterBank bank_;
  Command next_{};  // the registers being filled in
  std::deque<Command> queue_;
  std::deque<std::uint64_t> completions_;
  bool working_ = false, refused_ = false;
  std::uint32_t head_cylinder_ = 0;
  std::uint64_t pio_pos_ = 0, pio_end_ = 0;
  bool drq_ = false;
  std::uint64_t dma_dones_ = 0;
  sc_core::sc_event doorbell_ev_, pio_ev_, dma_ev_;
  DeviceStats stats_;
  Probe state_{"disk", "firmware_state", 4};
  Probe cylinder_{"disk", "head_cylinder", 32};
  Probe queued_{"disk", "queue_depth", 8};
};

}  // namespace iosim
