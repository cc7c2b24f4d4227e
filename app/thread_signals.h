// The waveform's view of the kernel: each thread's state and each python
// process's GIL. Threads and processes are created while the run goes,
// after the VCD's header is written, so their signals are slots declared
// before the run:
//   threads.tN_state  thread N's state (ids are 0-based, in creation order),
//                     for N below the number of slots: `limit`, or
//                     fewer when the scenario cannot create that many;
//   gil.PROC_holder   the thread holding python process PROC's GIL: its id
//                     + 1, 0 when free;
//   gil.PROC_waiting  how many threads wait for that GIL;
// the GIL pair for each python process the scenario names (each instance of
// a python [[process]], at most `limit` of them). The first process
// to bear a name takes its signals; process-pool workers (one thread each,
// so a GIL nobody waits for) have none.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/platform.h"
#include "sim/gtkw_writer.h"

namespace iosim {

class ThreadSignals : public KernelObserver {
 public:
  ThreadSignals(Platform& platform, std::uint64_t limit);
  ThreadSignals(const ThreadSignals&) = delete;
  ThreadSignals& operator=(const ThreadSignals&) = delete;

  // The thread slots, then the GIL signals.
  std::vector<Probe*> probes();
  // After the run, for the save file: a label per thread slot that held a
  // thread ("t0 app/reader"), and the Threads group's title, which says when
  // the run had more threads than slots.
  void name_signals(GtkwNames& names) const;

  void thread_state(Ns at, const Thread& t, ThreadState from, ThreadState to) override;
  void ready_count(Ns, std::uint64_t) override {}
  void memory_in_use(Ns, std::uint64_t) override {}
  void io_finished(const IoRecord&) override {}
  void gil_changed(Ns at, const Process& p, const Thread* holder, std::uint64_t waiting) override;

 private:
  struct Gil {
    std::string process;  // the name of the process it follows
    Probe holder, waiting;
    bool taken = false;  // a process of that name has it
  };
  Gil* gil_of(const Process& p);

  Kernel& kernel_;
  std::vector<Probe> threads_;                    // by thread id; never resized after construction
  std::vector<Gil> gils_;                         // never resized after construction
  std::map<std::uint64_t, Gil*> gil_by_process_;  // by process id; null: no signals
};

}  // namespace iosim
