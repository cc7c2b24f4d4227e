// The parameters of the built-in scheduling policies, as a scenario sets them
// (the [kernel] table and its [kernel.priority], [kernel.mlfq] and
// [kernel.cfs] sub-tables; see docs/policies.md). Defaults are the documented
// defaults.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ns.h"

namespace iosim {

struct PriorityParams {
  bool preemptive = true;  // a more urgent task that wakes takes the core at once
  Ns aging = 0;            // every `aging` of waiting raises a ready task one level (0 = off)
};

struct MlfqParams {
  int levels = 3;                                        // queue 0 is the most urgent
  std::vector<Ns> quanta{10 * kMs, 20 * kMs, 40 * kMs};  // per level (size == levels)
  Ns allotment = 50 * kMs;  // CPU time a task may use at one level before it moves down
  Ns boost = 1 * kSec;      // every `boost`, all tasks go back to the top level (0 = never)
};

struct CfsParams {
  Ns latency = 24 * kMs;            // target period in which every runnable task runs once
  Ns min_granularity = 3 * kMs;     // shortest slice
  Ns wakeup_granularity = 1 * kMs;  // a woken task preempts only if it is this far behind
};

// Everything a built-in policy may need; custom policies get iosim_policy_config.
struct PolicyParams {
  Ns quantum = 10 * kMs;  // RR, and the default slice of the others that take one
  int cores = 1;
  std::uint64_t seed = 1;
  bool per_core_queues = false;  // one queue per core with work stealing, else one global queue
  PriorityParams priority;
  MlfqParams mlfq;
  CfsParams cfs;
};

}  // namespace iosim
