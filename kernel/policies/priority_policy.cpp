#include "kernel/policies/priority_policy.h"

#include <limits>

namespace iosim {

std::int64_t PriorityPolicy::rank(const sched::Task& task, std::int64_t now_ns) const {
  if (params_.aging <= 0) return task.priority;
  // priority * aging + enqueue time, saturated: extreme values only lose
  // resolution, never wrap around and invert the order.
  std::int64_t key = 0;
  if (__builtin_mul_overflow(std::int64_t{task.priority}, params_.aging, &key) ||
      __builtin_add_overflow(key, now_ns, &key)) {
    return task.priority < 0 ? std::numeric_limits<std::int64_t>::min()
                             : std::numeric_limits<std::int64_t>::max();
  }
  return key;
}

void PriorityPolicy::enqueue(const sched::Task& task, std::int64_t now_ns) {
  queue_.push(task, rank(task, now_ns), seq_++);
}

std::uint64_t PriorityPolicy::pick(int core, std::int64_t) {
  auto e = queue_.pop_first(core);
  return e ? e->id : IOSIM_NO_TASK;
}

bool PriorityPolicy::preempt(const sched::Task& woken, const sched::Task& running, int,
                             std::int64_t) {
  // The woken task has not waited yet, and the running one is back at its own
  // priority: compare the base priorities.
  return params_.preemptive && woken.priority < running.priority;
}

}  // namespace iosim
