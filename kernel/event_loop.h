// An asyncio-style event loop, run by one thread over coroutine tasks. Ready
// tasks run in FIFO order until they await something; awaited I/O is
// submitted without blocking and its completion makes the task ready again;
// when no task is ready the thread blocks in a poll (freeing its core) until
// an I/O completion, an executor result or the earliest timer.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernel/context.h"

namespace iosim {

struct LoopTask {
  std::uint64_t id = 0;
  const std::string* coroutine = nullptr;  // its coroutine's name
  Context ctx;
  LoopTask* parent = nullptr;  // the task awaiting it (gather / await), or null
  bool root = false;           // one of the tasks the thread's own `gather` waits for
  std::uint64_t pending_children = 0;
  bool done = false;
};

struct EventLoop {
  std::deque<std::unique_ptr<LoopTask>> tasks;  // every task created, in order
  std::deque<LoopTask*> ready;
  std::multimap<Ns, LoopTask*> timers;  // awaited sleeps, by wake-up time
  std::vector<LoopTask*> woken;         // finished I/O or executor work, not yet collected
  LoopTask* current = nullptr;
  bool active = false;             // the thread's `gather` is running the loop
  std::uint64_t root_pending = 0;  // tasks the thread's `gather` still waits for
  bool polling = false;            // the thread is blocked in its poll
  std::uint64_t poll_seq = 0;      // tells a poll timeout it is stale
  std::uint64_t alive = 0, peak_alive = 0, switches = 0, polls = 0;
};

}  // namespace iosim
