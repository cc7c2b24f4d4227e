// A ThreadPoolExecutor or ProcessPoolExecutor: work items wait in a FIFO
// queue; up to `workers` workers (threads of the owning process, or child
// processes of the same runtime) each take one item at a time and run the
// pool's item program. Workers are created on demand and live until the
// owning process ends.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "kernel/workload.h"

namespace iosim {

struct LoopTask;
struct Process;
struct Thread;

// Who is waiting for an item: a thread in `map` (counting down its items),
// or a coroutine task in `await run_in_executor`.
struct WorkItem {
  Thread* thread = nullptr;
  LoopTask* task = nullptr;
};

struct Pool {
  const PoolSpec* spec = nullptr;
  Process* owner = nullptr;
  std::deque<WorkItem> queue;
  std::vector<Thread*> workers;  // created so far
  std::deque<Thread*> idle;      // workers waiting for an item
  std::uint64_t items_done = 0;
};

}  // namespace iosim
