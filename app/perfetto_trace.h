// `iosim run --perfetto FILE`: a timeline for ui.perfetto.dev. Every probe
// becomes a track (cores' modes and running threads, interrupt lines, DMA
// channels, the disk's firmware states, the network card; counters for
// queue depths and the like); the bus gets a utilisation counter; the
// kernel adds a track per thread (running, ready, blocked, sleeping,
// waiting), counters for the run-queue length and memory in use, a track
// per python process's GIL (who holds it, and how many wait), and a flow
// arrow per I/O request from its syscall through the device and the
// interrupt handler to the thread's return.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "app/platform.h"
#include "sim/busy_share.h"
#include "sim/perfetto_writer.h"

namespace iosim {

class PerfettoTrace : public KernelObserver {
 public:
  // The bus's utilisation is its busy share over windows of this length.
  static constexpr Ns kBusWindow = 100'000;  // 100 us

  // Attaches to the platform's probes and kernel; the platform must record
  // its schedule (for the I/O log the flows come from).
  // `traced(scope)` says which groups to write ("cores", "disk"..., and the
  // kernel's own "threads", "kernel" and "gil"); past `limit` bytes the file
  // stops growing; only [from, to] is written (`to` < 0: to the end).
  PerfettoTrace(const std::string& path, Platform& platform,
                const std::function<bool(const std::string&)>& traced, std::uint64_t limit,
                Ns from = 0, Ns to = -1);
  const PerfettoWriter& writer() const { return writer_; }
  void finish(Ns end);

  void thread_state(Ns at, const Thread& t, ThreadState from, ThreadState to) override;
  void ready_count(Ns at, std::uint64_t ready) override;
  void memory_in_use(Ns at, std::uint64_t bytes) override;
  void io_finished(const IoRecord& r) override;
  void gil_changed(Ns at, const Process& p, const Thread* holder, std::uint64_t waiting) override;

 private:
  struct ThreadTrack {
    int track;
    ThreadState state;
    Ns since;
  };
  struct GilTrack {
    int track;
    const Thread* holder;
    Ns since;
  };
  ThreadTrack& thread_track(const Thread& t);

  Platform& platform_;
  PerfettoWriter writer_;
  std::map<std::uint64_t, ThreadTrack> threads_;  // by id, in id order
  std::map<std::uint64_t, GilTrack> gils_;        // by process id
  int run_queue_ = -1, memory_ = -1;
  bool threads_traced_ = true, gil_traced_ = true;
  int disk_track_ = -1, nic_track_ = -1;
  std::vector<int> core_tracks_;  // each core's mode track
  std::uint64_t flows_ = 0;
  std::unique_ptr<BusyShare> bus_use_;  // feeds the bus utilisation counter
};

}  // namespace iosim
