#include "kernel/policies/srtf_policy.h"

#include <algorithm>
#include <limits>

namespace iosim {

std::int64_t SrtfPolicy::remaining_ns(const sched::Task& task) {
  if (task.expected_ns <= 0) return std::numeric_limits<std::int64_t>::max();
  return std::max<std::int64_t>(0, task.expected_ns - task.cpu_ns);
}

void SrtfPolicy::enqueue(const sched::Task& task, std::int64_t) {
  // A ready task uses no CPU, so its remaining time is fixed while it waits.
  queue_.push(task, remaining_ns(task), seq_++);
}

std::uint64_t SrtfPolicy::pick(int core, std::int64_t) {
  auto e = queue_.pop_first(core);
  return e ? e->id : IOSIM_NO_TASK;
}

bool SrtfPolicy::preempt(const sched::Task& woken, const sched::Task& running, int, std::int64_t) {
  return remaining_ns(woken) < remaining_ns(running);
}

}  // namespace iosim
