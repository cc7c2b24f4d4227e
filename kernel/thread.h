// A simulated thread is data (design decision 2): where it is in its
// program, its state, and its accounting. No SystemC process belongs to it;
// a core runs it by interpreting its program one step at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernel/context.h"
#include "kernel/event_loop.h"
#include "kernel/pool.h"
#include "kernel/program.h"
#include "kernel/workload.h"
#include "sim/checksum.h"
#include "sim/ns.h"
#include "sim/random_stream.h"

namespace iosim {

struct Process;

enum class ThreadState : std::uint8_t {
  kNew,       // created, its start time not reached yet
  kReady,     // in the policy's ready queue
  kRunning,   // on a core
  kBlocked,   // waiting for I/O (or, running an event loop, for any of its tasks' events)
  kSleeping,  // waiting for a time
  kWaiting,   // waiting for another thread: a lock, the GIL, a join, a queue, a pool
  kDone
};

// How reports and messages name a state.
inline const char* state_name(ThreadState s) {
  switch (s) {
    case ThreadState::kNew:
      return "not started";
    case ThreadState::kReady:
      return "ready";
    case ThreadState::kRunning:
      return "running";
    case ThreadState::kBlocked:
      return "blocked";
    case ThreadState::kSleeping:
      return "sleeping";
    case ThreadState::kWaiting:
      return "waiting";
    case ThreadState::kDone:
      return "finished";
  }
  return "?";
}

// What a kWaiting thread waits for, for its accounting.
enum class WaitKind : std::uint8_t { kNone, kLock, kGil, kJoin };

struct ThreadStats {
  Ns arrival = 0, first_run = -1, finish = -1;
  Ns user = 0, sys = 0;  // CPU time: user code, and kernel work on its behalf
  Ns ready_wait = 0, io_wait = 0, sleep = 0;
  Ns lock_wait = 0, gil_wait = 0, join_wait = 0;  // waiting for other threads
  std::uint64_t context_switches = 0, preemptions = 0, migrations = 0;
  std::uint64_t reads = 0, writes = 0, bytes_read = 0, bytes_written = 0;
  std::uint64_t fetches = 0, bytes_fetched = 0;  // network requests and their responses
  std::uint64_t io_errors = 0;                   // requests a device reported as failed
  Checksum read_sum;   // over every byte received (disk reads, network responses), in order
  Checksum write_sum;  // over every byte written to the disk, in order
};

struct Thread {
  Thread(std::uint64_t id, std::string name, Process& process, const ThreadSpec& spec,
         const Program& program, std::uint64_t seed)
      : id(id),
        name(std::move(name)),
        process(&process),
        spec(&spec),
        data(seed, "thread-data/", this->name) {
    main.thread = this;
    main.program = &program;
    ctx = &main;
  }

  std::uint64_t id;
  std::string name;
  Process* process;
  const ThreadSpec* spec;  // priority, nice, tickets, expected, affinity, daemon
  Context main;            // its own program
  Context* ctx;            // what it runs now: `main`, or a task of its event loop
  ThreadState state = ThreadState::kNew;
  WaitKind wait = WaitKind::kNone;
  Thread* blocker = nullptr;  // while waiting: the thread that holds what it waits for, if one does
  Ns state_since = 0;
  Ns startup = 0;                  // interpreter start-up still to run before its program
  bool owes_syscall_exit = false;  // blocked inside a syscall: pays the exit cost on resume
  bool holds_gil = false, gil_drop = false;  // gil_drop: asked to give the GIL up
  bool killed = false;                       // a daemon whose process ended
  int last_core = -1;
  Ns burst_start = 0, last_burst = 0;
  Pool* pool = nullptr;  // the pool it works for, if it is a pool worker
  WorkItem work;         // the item it works on (a pool worker), or none
  std::unique_ptr<EventLoop> loop;
  std::vector<Thread*> joiners;  // threads waiting in `join` for this one
  RandomStream data;             // the bytes it writes
  ThreadStats stats;
};

}  // namespace iosim
