// The disk controller: a small computer of its own. Its firmware (one
// SC_THREAD) takes commands from a queue, runs them on the medium (a hard
// disk, HddModel, or a solid-state drive, SsdModel), stages the sectors in its
// own buffer, and then either hands them to the DMA engine or serves them word
// by word through the DATA register (programmed I/O). It signals its interrupt
// line when a command completes (and, for PIO, when DRQ rises), if asked to:
// by a pulse (edge) or by holding it high (level), as IRQ_MODE says (below).
// None of this time is spent by a CPU core: decoding a command (`overhead`) is
// the firmware's own work.
//
//   HDD mode: one command at a time; the queue policy (FCFS, SSTF, LOOK;
//             devices/disk_queue.h) picks which waiting command goes next.
//   SSD mode: up to queue_depth commands at once. The firmware decodes them
//             one by one (FCFS) and reserves flash dies, channels and the host
//             link for each (SsdModel); each completes at its own time, so
//             completions can come OUT OF ORDER. COMPLETE returns tags in the
//             order the commands completed.
// In both modes the disk behaves as if commands took effect in doorbell
// order: a read returns the data of every write rung before it.
//
// Registers (64-bit):
//   0x00 CMD       rw  1 = read, 2 = write
//   0x08 LBA       rw  first sector
//   0x10 COUNT     rw  sectors (1 .. max_sectors)
//   0x18 ADDR      rw  RAM bus address the DMA engine copies to/from
//   0x20 FLAGS     rw  bit 0: use DMA (else PIO); bit 1: interrupt on completion
//                      and, in PIO mode, also when DRQ rises (data ready / room)
//   0x28 DOORBELL  wo  queues CMD/LBA/COUNT/ADDR/FLAGS under the written tag;
//                      refused (STATUS.ERROR) when the queue is full
//   0x30 STATUS    ro  bit 0 BUSY   a command is queued or in progress
//                      bit 1 DRQ    PIO: data ready to read / room to write
//                      bit 2 FULL   queue_depth commands are queued or in progress
//                      bit 3 ERROR  the last doorbell was refused
//                      bit 4 DONE   a completion is waiting in COMPLETE
//   0x38 DATA      rw  PIO data port: each access moves the next 1/2/4/8 bytes
//   0x40 COMPLETE  ro  pops the oldest completion: (tag << 1) | failed, or
//                      kNoCompletion when none is waiting
//   0x48 QDEPTH    ro  command queue capacity (queue_depth)
//   0x70 IRQ_MODE  rw  0 = pulse (edge), 1 = level; other values are ignored.
//                      Reset value: params.level_irq. Pulse: one pulse per
//                      completion with FLAGS bit 1, and per PIO DRQ rise with
//                      FLAGS bit 1. Level: the line is high exactly while a
//                      cause waits: a completion in COMPLETE whose command had
//                      FLAGS bit 1, or (PIO, FLAGS bit 1) DRQ is up and bytes
//                      are left to move through DATA. Popping the last such
//                      completion / moving the last PIO byte lowers it.
//                      Switching to level raises the line at once if a cause
//                      waits; switching to pulse lowers it.
// 0x50..0x68 are reserved (an address error); 0x70 is IRQ_MODE on the network
// card too.
// The staging buffer is also mapped on the bus (socket `buffer`), which is
// where the DMA engine reads from and writes to.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "devices/completion_queue.h"
#include "devices/disk_image.h"
#include "devices/disk_queue.h"
#include "devices/hdd_model.h"
#include "devices/irq_source.h"
#include "devices/register_bank.h"
#include "devices/ssd_model.h"
#include "sim/device_stats.h"
#include "sim/probe.h"

namespace iosim {

enum class DiskKind { kHdd, kSsd };

struct DiskControllerParams {
  DiskKind kind = DiskKind::kHdd;
  HddParams hdd;                            // the medium when kind == kHdd (HP 97560 defaults)
  SsdParams ssd;                            // the medium when kind == kSsd
  QueuePolicy policy = QueuePolicy::kFcfs;  // HDD: which waiting command next; SSD: always FCFS
  // Firmware decode time per command; unset, it depends on the medium (see
  // command_overhead()).
  std::optional<Ns> overhead;
  static constexpr Ns kHddOverhead = 2'200'000;  // the HP 97560's 2.2 ms
  static constexpr Ns kSsdOverhead = 20'000;     // 20 us, typical of an SSD controller
  std::uint32_t queue_depth = 4;    // commands accepted at once, counting those in progress
  std::uint32_t max_sectors = 256;  // sectors per command; the staging buffer's size
  std::uint64_t dma_regs = 0;       // bus address of the DMA channel the firmware uses
  std::uint64_t buffer_base = 0;    // bus address where the staging buffer is mapped
  bool dma_burst_mode = false;      // start DMA in burst mode (holds the bus) or cycle stealing
  bool level_irq = false;           // IRQ_MODE at reset: false = pulse (edge), true = level

  std::uint32_t sector_bytes() const {
    return kind == DiskKind::kHdd ? hdd.sector_bytes : ssd.sector_bytes;
  }
  Ns command_overhead() const {
    return overhead.value_or(kind == DiskKind::kHdd ? kHddOverhead : kSsdOverhead);
  }
};

class DiskController : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kCmd = 0x00, kLba = 0x08, kCount = 0x10, kAddr = 0x18,
                                 kFlags = 0x20, kDoorbell = 0x28, kStatus = 0x30, kData = 0x38,
                                 kComplete = 0x40, kQueueDepth = 0x48, kIrqMode = 0x70,
                                 kRegsSize = 0x100;
  static constexpr std::uint64_t kRead = 1, kWrite = 2;
  static constexpr std::uint64_t kFlagDma = 1, kFlagIrq = 2;
  static constexpr std::uint64_t kBusy = 1, kDrq = 2, kFull = 4, kError = 8, kDone = 16;
  static constexpr std::uint64_t kNoCompletion = CompletionQueue::kEmpty;
  static constexpr std::uint64_t kIrqPulse = 0, kIrqLevel = 1;  // IRQ_MODE values
  // Firmware states, as traced.
  enum State : std::uint64_t { kIdle, kDecode, kSeek, kRotate, kTransfer, kDma, kPio, kHeadSwitch };

  tlm_utils::simple_target_socket<DiskController> regs{"regs"};
  tlm_utils::simple_target_socket<DiskController> buffer{"buffer"};
  tlm_utils::simple_initiator_socket<DiskController> bus{"bus"};  // to program the DMA engine
  sc_core::sc_in<bool> dma_done{"dma_done"};
  IrqSource irq{"irq"};

  DiskController(sc_core::sc_module_name name, DiskControllerParams params);

  const DiskControllerParams& params() const { return p_; }
  const HddModel& hdd() const { return hdd_; }
  const SsdModel& ssd() const { return ssd_; }
  const TrackBuffer& track_buffer() const { return track_buffer_; }
  // The medium of `kind`, as the host sees it.
  std::uint64_t capacity_sectors() const { return image_.sectors(); }
  std::uint32_t sector_bytes() const { return image_.sector_bytes(); }
  DiskImage& image() { return image_; }
  std::uint64_t buffer_bytes() const { return staging_.size(); }
  const DeviceStats& stats() const { return stats_; }
  std::vector<Probe*> probes() { return {&state_, &cylinder_, &queued_, &in_flight_}; }
  bool level_irq() const { return level_irq_; }  // IRQ_MODE == 1

 private:
  SC_HAS_PROCESS(DiskController);

  struct Command {
    std::uint64_t op, lba, count, addr, flags, tag;
    std::vector<std::uint8_t> data;  // SSD: a read's bytes, kept until it is delivered
  };

  void firmware();
  void run_hdd();
  void run_ssd();
  Command take(std::size_t index);
  void finish(const Command& c, bool ok);
  std::size_t next_for_hdd();
  bool valid(const Command& c) const;
  bool decode(const Command& c);
  bool execute_hdd(const Command& c);
  void platter(const Command& c);
  void start_ssd(Command c);
  void deliver_ssd(const Command& c);
  bool from_host(const Command& c, std::span<std::uint8_t> staged);
  bool to_host(const Command& c, std::span<std::uint8_t> staged);
  bool dma_copy(std::uint64_t src, std::uint64_t dst, std::uint64_t bytes);
  void pio_exchange(std::uint64_t bytes, bool interrupt);
  void doorbell(std::uint64_t tag);
  std::size_t in_use() const { return queue_.size() + taken_; }
  std::uint64_t status() const;
  std::uint64_t pio_read(unsigned width);
  void pio_write(std::uint64_t value, unsigned width);
  std::uint64_t pop_completion();
  void set_irq_mode(std::uint64_t mode);
  bool irq_cause() const;
  void update_irq_level();
  void count_dma_done();
  void regs_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  void buffer_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  DiskControllerParams p_;
  HddModel hdd_;
  SsdModel ssd_;
  TrackBuffer track_buffer_{hdd_};
  DiskQueue scheduler_;
  DiskImage image_;
  std::vector<std::uint8_t> staging_;
  RegisterBank bank_;
  Command next_{};             // the registers being filled in
  std::deque<Command> queue_;  // rung, not yet taken by the firmware
  // SSD: commands on the medium, by (completion time, order taken).
  std::map<std::pair<Ns, std::uint64_t>, Command> on_medium_;
  std::uint64_t medium_seq_ = 0;  // orders commands that complete in the same ns
  CompletionQueue completions_;
  std::size_t taken_ = 0;  // taken by the firmware and not yet completed
  Ns busy_since_ = 0;
  bool refused_ = false;
  std::uint32_t head_cylinder_ = 0;
  HddAccess plan_;  // the command on the platter (platter())
  std::uint64_t pio_pos_ = 0, pio_end_ = 0;
  bool drq_ = false;
  bool pio_irq_ = false;  // the PIO exchange in progress is for a command with FLAGS bit 1
  bool level_irq_ = false;
  std::uint64_t dma_dones_ = 0;
  sc_core::sc_event doorbell_ev_, pio_ev_, dma_ev_;
  DeviceStats stats_;
  Probe state_{"disk", "firmware_state", 4};
  Probe cylinder_{"disk", "head_cylinder", 32};
  Probe queued_{"disk", "queue_depth", 8};
  Probe in_flight_{"disk", "in_flight", 16};
};

}  // namespace iosim
