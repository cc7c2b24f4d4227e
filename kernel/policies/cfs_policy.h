// A Completely Fair Scheduler after Linux's CFS (OSTEP chapter 9): each task
// has a virtual runtime, its CPU time scaled by weight, and the ready task with
// the smallest vruntime runs next (ties: lower id).
//
//  - Weight: Linux's nice-to-weight table (nice 0 = 1024).
//  - Charging: vruntime += used * 1024 / weight for the CPU used since the
//    last look (at leaving the core, at slice renewal, tick and preempt).
//  - min_vruntime: never decreases; after a pick or a charge it moves up to
//    the smaller of the charged/picked task's vruntime and the leftmost ready
//    one (as Linux does with the current task and the leftmost, here with
//    the task at hand instead of every running one).
//  - Placement: a new task starts at min_vruntime; a woken task at
//    max(its vruntime, min_vruntime - latency / 2), so a sleeper gets a
//    bounded head start but cannot bank its sleep. A preempted or yielding
//    task keeps its vruntime.
//  - Slice: max(min_granularity, latency * weight / total weight), the total
//    over the ready tasks and the running ones.
//  - preempt(woken, running): woken.vruntime + wakeup_granularity < the
//    running task's vruntime (brought up to date from its cpu_ns).
//  - tick(): preempt once the running task has used its slice and a task that
//    may run on this core is ready (the kernel's slice end does the same;
//    this covers a kernel that runs on ticks).
#pragma once

#include <cstdint>
#include <vector>

#include "kernel/policies/cpu_meter.h"
#include "kernel/policies/policy_params.h"
#include "kernel/policies/ready_queue.h"
#include "kernel/policies/task_table.h"
#include "kernel/scheduler.h"

namespace iosim {

class CfsPolicy : public sched::Policy {
 public:
  explicit CfsPolicy(CfsParams params) : params_(params) {}

  const char* name() const override { return "cfs"; }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task& task, int core) override;
  void block(const sched::Task& task, std::int64_t now_ns) override;
  void exit(const sched::Task& task, std::int64_t now_ns) override;
  bool tick(int core, const sched::Task& running, std::int64_t now_ns) override;
  bool preempt(const sched::Task& woken, const sched::Task& running, int core,
               std::int64_t now_ns) override;

  std::int64_t vruntime_of(std::uint64_t id) const { return rows_.get(id).vruntime; }
  std::int64_t min_vruntime() const { return min_vruntime_; }

 private:
  struct Row {
    bool known = false;
    std::int64_t vruntime = 0;
    std::int64_t weight = 0;     // as of its last enqueue
    int core = -1;               // the core it runs on, -1 when not running
    std::int64_t slice = 0;      // its current slice
    std::int64_t slice_cpu = 0;  // its cpu_ns when the slice began
  };

  Row& charge(const sched::Task& task);
  void leave_core(Row& row);
  void advance_min_vruntime(std::int64_t candidate);

  CfsParams params_;
  ReadyQueue queue_;  // rank = vruntime, tie = id
  TaskTable<Row> rows_;
  CpuMeter meter_;
  std::int64_t min_vruntime_ = 0;
  std::int64_t ready_weight_ = 0;
  std::int64_t running_weight_ = 0;
};

}  // namespace iosim
