// How much CPU a task used since its policy last looked. The kernel reports
// only the running total (iosim_task::cpu_ns); a policy that charges for CPU
// (MLFQ, stride, CFS) keeps a mark per task and charges the difference.
// take() is idempotent for a given cpu_ns, so a policy may call it from every
// notification (enqueue, timeslice_ns, tick, preempt, block, exit) without
// charging a stretch twice.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernel/policies/task_table.h"
#include "kernel/scheduler.h"

namespace iosim {

class CpuMeter {
 public:
  // CPU used since the last take(); 0 the first time the task is seen (it may
  // arrive with CPU already used elsewhere, e.g. stolen from another queue).
  std::int64_t take(const sched::Task& task) {
    Mark& m = marks_[task.id];
    std::int64_t used = m.known ? std::max<std::int64_t>(0, task.cpu_ns - m.cpu_ns) : 0;
    m = Mark{true, task.cpu_ns};
    return used;
  }
  // What take() would return now, without moving the mark.
  std::int64_t peek(const sched::Task& task) const {
    Mark m = marks_.get(task.id);
    return m.known ? std::max<std::int64_t>(0, task.cpu_ns - m.cpu_ns) : 0;
  }
  void forget(std::uint64_t id) { marks_.reset(id); }

 private:
  struct Mark {
    bool known = false;
    std::int64_t cpu_ns = 0;
  };
  TaskTable<Mark> marks_;
};

}  // namespace iosim
