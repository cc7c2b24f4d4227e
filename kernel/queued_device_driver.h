// The driver for a device with a command queue. The disk controller and the
// network card share this shape: a command is written into registers and
// queued by writing its tag to DOORBELL; finished commands are popped from
// COMPLETE as (tag << 1) | failed; data moves either by the device's DMA or
// word by word through DATA (programmed I/O, while STATUS.DRQ is set).
//
// Four ways to run a request, chosen for all drivers at once by one IoPolicy
// (kernel.disk_driver and kernel.completion in the scenario):
//
//   DMA + interrupt  start() queues the command and the thread blocks; the
//                    device interrupts when done; interrupt() reaps it.
//   DMA + polling    the thread's core spins on COMPLETE every poll interval
//                    until its request is done; the core never idles.
//   PIO + polling    the core spins on STATUS until DRQ, copies every word,
//                    then spins on COMPLETE (one PIO request at a time: the
//                    DATA port serves one transfer).
//   PIO + interrupt  the thread blocks; the device interrupts when its data
//                    is ready (DRQ) and the handler copies every word, in
//                    interrupt context; a second interrupt completes it.
//
// Requests larger than the device takes at once are split into chunks, sent
// one after the other.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>

#include "devices/cpu.h"
#include "kernel/kernel_config.h"
#include "kernel/thread.h"

namespace iosim {

// Where the shared registers are, and their bits.
struct QueuedDeviceRegs {
  std::uint64_t base = 0;
  std::uint64_t flags, doorbell, status, data, complete, queue_depth;  // offsets
  std::uint64_t flag_dma, flag_irq;                                    // FLAGS bits
  std::uint64_t status_drq, status_done;                               // STATUS bits
  std::uint64_t no_completion;                                         // COMPLETE when empty
};

// What a driver calls back into the kernel for.
struct DriverHooks {
  std::function<void(Core&, IoRequest&)> done;  // a request finished (interrupt completion)
  std::function<void(Core&)> window;            // long work may take pending interrupts here
};

class QueuedDeviceDriver {
 public:
  // Writes the device-specific command registers for the request's next
  // chunk (everything but FLAGS and DOORBELL).
  using ProgramFn = std::function<void(Core&, const IoRequest&)>;
  // Bytes in the request's next chunk.
  using ChunkFn = std::function<std::uint64_t(const IoRequest&)>;

  QueuedDeviceDriver(QueuedDeviceRegs regs, const IoPolicy& policy, const KernelCosts& costs,
                     ProgramFn program, ChunkFn chunk, DriverHooks hooks);

  // Starts `r`. Returns true when it is already finished (the polling modes:
  // the calling core did all the work); false when the caller must block
  // until hooks.done is called for it, from interrupt().
  bool start(Core& core, IoRequest& r);
  void interrupt(Core& core);
  std::size_t in_flight() const { return in_flight_.size(); }

 private:
  std::uint64_t flags() const;
  std::uint64_t reg(std::uint64_t offset) const { return regs_.base + offset; }
  void submit(Core& core, IoRequest& r);
  void fill_queue(Core& core);
  void reap(Core& core, std::uint64_t completion);
  bool reap_all(Core& core);
  void finish(Core& core, IoRequest& r);
  void copy_words(Core& core, IoRequest& r);
  void poll(Core& core);
  void poll_until_done(Core& core, IoRequest& r);
  bool pio_polled(Core& core, IoRequest& r);
  void pio_next(Core& core);

  QueuedDeviceRegs regs_;
  const IoPolicy& policy_;
  const KernelCosts& costs_;
  ProgramFn program_;
  ChunkFn chunk_;
  DriverHooks hooks_;
  std::uint64_t depth_ = 0;  // the device's queue capacity, read at first use
  std::uint64_t next_tag_ = 0;
  std::map<std::uint64_t, IoRequest*> in_flight_;  // by tag
  std::deque<IoRequest*> waiting_;                 // for a free slot (or the DATA port)
  IoRequest* pio_owner_ = nullptr;                 // the request using the DATA port
  bool programming_ = false;  // a core is writing the command registers (a spinlock)
};

}  // namespace iosim
