#include "kernel/policies/sjf_policy.h"

#include <limits>

namespace iosim {

void SjfPolicy::enqueue(const sched::Task& task, std::int64_t) {
  // Undeclared lengths rank last; among themselves the tie (enqueue order) is FIFO.
  std::int64_t rank =
      task.expected_ns > 0 ? task.expected_ns : std::numeric_limits<std::int64_t>::max();
  queue_.push(task, rank, seq_++);
}

std::uint64_t SjfPolicy::pick(int core, std::int64_t) {
  auto e = queue_.pop_first(core);
  return e ? e->id : IOSIM_NO_TASK;
}

}  // namespace iosim
