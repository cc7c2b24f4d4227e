// The disk driver, in its two modes.
//
// DMA: start() programs the controller (five register writes and a doorbell)
// and returns; the thread blocks. The controller and the DMA engine do the
// work; the interrupt handler (interrupt()) reaps completions, starts the next
// chunk or the next queued request, and hands finished requests back to the
// kernel, which wakes their threads.
//
// PIO: transfer_pio() does everything on the calling core: it starts the
// command, busy-polls the status register until the data is ready, and moves
// every word through the controller's DATA register itself.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>

#include "devices/cpu.h"
#include "kernel/kernel_config.h"
#include "kernel/thread.h"

namespace iosim {

class DiskDriver {
 public:
  using Completion = std::function<void(Core&, IoRequest&)>;

  DiskDriver(const KernelConfig& config, Completion on_complete);

  void start(Core& core, IoRequest& request);
  void interrupt(Core& core);
  void transfer_pio(Core& core, IoRequest& request);
  std::size_t in_flight() const { return in_flight_.size(); }

 private:
  std::uint64_t chunk_sectors(const IoRequest& r) const;
  void program(Core& core, const IoRequest& r, std::uint64_t flags, std::uint64_t tag);
  void submit(Core& core, IoRequest& r);
  void fill_queue(Core& core);
  void poll_until(Core& core, std::uint64_t status_bits);
  std::uint64_t poll_completion(Core& core);

  const KernelConfig& config_;
  Completion on_complete_;
  std::uint64_t depth_ = 0;  // controller queue depth, read at first use
  std::uint64_t next_tag_ = 0;
  std::map<std::uint64_t, IoRequest*> in_flight_;  // by tag
  std::deque<IoRequest*> waiting_;                 // for a free slot in the controller
  bool pio_busy_ = false;  // the controller's DATA port serves one PIO transfer at a time
};

}  // namespace iosim
