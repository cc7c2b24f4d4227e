// A thread's (or a coroutine's, or a pool work item's) program: a flat list
// of steps the kernel interprets one at a time (design decision 2: threads
// are data). Loops are flattened into RepeatBegin/RepeatEnd pairs that point
// at each other, so the interpreter is a program counter plus a stack of loop
// counters.
//
// Steps that name something (a lock, a thread, a pool...) carry the name as
// written and, once the scenario loader has resolved it, a Ref: which table
// it is in and its index there (see kernel/workload.h for the tables).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/ns.h"

namespace iosim {

enum class OpKind {
  kCompute,        // run on a core for `duration` ns, or `cycles` cycles; `nogil`: without the GIL
  kRead,           // read `bytes` from the disk into the buffer; `await`: without blocking the loop
  kWrite,          // write `bytes` from the buffer to the disk; `await` as for read
  kSleep,          // block for `duration` ns; `await`: only this coroutine waits
  kYield,          // give up the core, stay ready
  kExit,           // end the thread now
  kFetch,          // a network request: send `send_bytes`, receive `bytes`; `await` as for read
  kRepeatBegin,    // start of a loop run `count` times; `jump` = index of its RepeatEnd
  kRepeatEnd,      // end of a loop; `jump` = index of its RepeatBegin
  kPrint,          // write `text` to the console log, stamped with the simulated time
  kSpawn,          // start thread(s) or process(es) `ref` (all instances when it has a count)
  kJoin,           // wait until thread(s) or process(es) `ref` end
  kLock,           // take mutex `ref`, blocking while another thread holds it
  kUnlock,         // release mutex `ref` (the caller must hold it)
  kAcquire,        // semaphore `ref`: wait until its count is > 0, then decrement it
  kRelease,        // semaphore `ref`: increment its count, waking one waiter
  kWait,           // condition `ref`: release its mutex, wait for a notify, re-take the mutex
  kNotify,         // condition `ref`: wake one waiter
  kNotifyAll,      // condition `ref`: wake every waiter
  kAdd,            // shared variable `ref` += `amount`: load, add, store (`atomic`: one step)
  kSend,           // queue `ref`: put a message of `bytes` (blocks while the queue is full)
  kRecv,           // queue `ref`: take the oldest message (blocks while it is empty)
  kMap,            // pool `ref`: run `count` work items on its workers, wait for all of them
  kGather,         // run `count` instances of coroutine `ref` on an event loop in this
                   // thread (or, inside a coroutine, as subtasks) and wait for all of them
  kCreateTask,     // inside a coroutine: start coroutine `ref` as a new task, do not wait
  kAwaitTask,      // inside a coroutine: `await NAME`, run coroutine `ref` and wait for it
  kRunInExecutor,  // inside a coroutine: `await run_in_executor POOL`, one work item of pool `ref`
};

// Where a step's name points. Indexes are into the tables of the thread's
// own ProcessSpec (threads, coroutines, pools, locks, ...), into the
// Workload's processes, or into the Workload's shared objects.
enum class RefKind : std::uint8_t {
  kNone,
  kThread,     // ProcessSpec::threads
  kProcess,    // Workload::processes
  kLock,       // SyncObjects::locks
  kSemaphore,  // SyncObjects::semaphores
  kCondition,  // SyncObjects::conditions
  kVariable,   // SyncObjects::variables
  kQueue,      // Workload::queues (always scenario-wide)
  kPool,       // ProcessSpec::pools
  kCoroutine,  // ProcessSpec::coroutines
};

struct Ref {
  RefKind kind = RefKind::kNone;
  bool shared = false;      // a lock/semaphore/condition/variable of Workload::shared
  std::uint32_t index = 0;  // into the table `kind` names
};

struct Op {
  OpKind kind = OpKind::kExit;
  Ns duration = 0;                   // Compute (when cycles == 0), Sleep
  std::uint64_t cycles = 0;          // Compute given in cycles (0 = use duration)
  double mem_share = 0;              // Compute: fraction of the time spent on memory (bus) access
  bool nogil = false;                // Compute: runs without the GIL (like a C extension)
  bool await = false;                // Read, Write, Fetch, Sleep inside a coroutine: `await ...`
  bool atomic = false;               // Add: one indivisible step
  std::uint64_t bytes = 0;           // Read, Write, Send; Fetch: the response size
  std::uint64_t send_bytes = 0;      // Fetch: the request size
  std::optional<std::uint64_t> lba;  // Read, Write: explicit position; none = continue
                                     // where the thread's previous disk access ended
  std::uint64_t count = 0;           // RepeatBegin, Map, Gather (>= 1)
  std::int64_t amount = 1;           // Add
  std::size_t jump = 0;              // RepeatBegin <-> RepeatEnd
  std::string name;                  // the name a step refers to, as written ("" = none)
  std::string text;                  // Print
  Ref ref;                           // `name`, resolved by the scenario loader
  int line = 0;                      // 1-based position in the scenario file, for messages
  int column = 0;
};

struct Program {
  std::vector<Op> ops;
};

}  // namespace iosim
