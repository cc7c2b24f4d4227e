// Stride scheduling (Waldspurger 1995; OSTEP chapter 9): lottery's shares
// without the randomness. Each task has stride = kStrideOne / tickets (0
// tickets count as 1) and a pass; the ready task with the smallest pass runs
// (ties: lower id), slice = the quantum.
//
// The exact rules:
//  - Charging: whenever the task's CPU is seen (it leaves the core: enqueue
//    PREEMPTED or YIELDED, block, exit; or its slice is renewed), the CPU used
//    since the last look is charged as pass += stride * used / quantum
//    (integer, rounded down), i.e. one stride per full quantum of actual CPU.
//    A task that blocks early pays only for what it used. (quantum 0 charges
//    one stride per millisecond.)
//  - Joining: a new task starts at, and a woken one at no less than, the
//    global pass: the smallest pass among the ready tasks, or, when none is
//    ready, the pass of the task picked last. A task that slept therefore
//    cannot claim the CPU it did not use while asleep.
// kStrideOne = 720,720,000 is divisible by every count of tickets from 1 to
// 16 and by 25, 50, 100, 125, 200, 250, 500, 1000 and 10000, so usual shares are
// exact: tickets 100:50:250 give picks in exactly 2:1:5.
#pragma once

#include <cstdint>

#include "kernel/policies/cpu_meter.h"
#include "kernel/policies/ready_queue.h"
#include "kernel/policies/task_table.h"
#include "kernel/scheduler.h"
#include "sim/ns.h"

namespace iosim {

class StridePolicy : public sched::Policy {
 public:
  static constexpr std::int64_t kStrideOne = 720'720'000;

  explicit StridePolicy(Ns quantum) : quantum_(quantum) {}

  const char* name() const override { return "stride"; }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task& task, int core) override;
  void block(const sched::Task& task, std::int64_t now_ns) override;
  void exit(const sched::Task& task, std::int64_t now_ns) override;

  static std::int64_t stride_of(const sched::Task& task);
  std::int64_t pass_of(std::uint64_t id) const { return rows_.get(id).pass; }

 private:
  struct Row {
    bool known = false;
    std::int64_t pass = 0;
  };

  void charge(const sched::Task& task);
  std::int64_t global_pass() const;

  Ns quantum_;
  ReadyQueue queue_;  // rank = pass, tie = id
  TaskTable<Row> rows_;
  CpuMeter meter_;
  std::int64_t last_picked_pass_ = 0;
};

}  // namespace iosim
