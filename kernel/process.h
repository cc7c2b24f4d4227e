// A process: an address space holding threads, the objects they share
// (mutexes, semaphores, conditions, variables, pools), its GIL when it runs
// the `python` runtime, and its memory accounting.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "kernel/pool.h"
#include "kernel/sync.h"
#include "kernel/workload.h"
#include "sim/ns.h"

namespace iosim {

struct Thread;

// The instances of the sync objects a SyncObjects declares.
struct SyncSet {
  std::deque<Mutex> locks;  // deques: conditions point at their mutex
  std::vector<Semaphore> semaphores;
  std::vector<Condition> conditions;
  std::vector<std::int64_t> variables;
};

struct Process {
  std::uint64_t id = 0;
  std::string name;
  const ProcessSpec* spec = nullptr;
  Runtime runtime = Runtime::kNative;
  Process* parent = nullptr;
  Pool* worker_of = nullptr;  // set for a process-pool worker process
  std::vector<Thread*> threads;
  Thread* main = nullptr;  // its first thread: the process ends when it and every non-daemon end
  std::vector<std::vector<Thread*>> by_spec;  // instances of each ThreadSpec, by index
  SyncSet objects;
  std::deque<Pool> pools;                  // one per PoolSpec
  std::vector<Process*> worker_processes;  // of its process pools
  Gil gil;
  std::uint64_t memory = 0, peak_memory = 0;
  std::uint64_t base_bytes = 0;  // its base size while it lives
  std::uint64_t live_threads = 0, live_non_daemon = 0;
  bool started = false, done = false, main_done = false;
  Ns start = 0, finish = -1;
  std::vector<Thread*> joiners;  // threads waiting in `join` for it
};

}  // namespace iosim
