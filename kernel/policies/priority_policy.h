// Priority scheduling: the ready task with the smallest `priority` value runs
// next, Round-Robin within a level (slice = the quantum; FIFO by enqueue).
//
// PriorityParams::preemptive: a task that wakes or arrives strictly more
// urgent than a running one takes its core.
//
// PriorityParams::aging > 0: a ready task's effective priority improves by 1
// for every `aging` it has waited since its enqueue, so low-priority tasks
// cannot starve. When it runs, it goes back to its own priority (its next
// enqueue starts a new wait). Computed without touching the queue: at time t
// the effective priority of a task enqueued at e is
//     priority - floor((t - e) / aging) = ceil((priority * aging + e - t) / aging),
// which is ordered like the fixed key priority * aging + e. So the queue is
// ranked by that key: the most urgent effective priority first, and among
// equal effective priorities the smaller key (then enqueue order).
#pragma once

#include <cstdint>

#include "kernel/policies/policy_params.h"
#include "kernel/policies/ready_queue.h"
#include "kernel/scheduler.h"

namespace iosim {

class PriorityPolicy : public sched::Policy {
 public:
  PriorityPolicy(Ns quantum, PriorityParams params) : quantum_(quantum), params_(params) {}

  const char* name() const override { return "priority"; }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task&, int) override { return quantum_; }
  bool preempt(const sched::Task& woken, const sched::Task& running, int core,
               std::int64_t now_ns) override;

 private:
  std::int64_t rank(const sched::Task& task, std::int64_t now_ns) const;

  Ns quantum_;
  PriorityParams params_;
  ReadyQueue queue_;
  std::uint64_t seq_ = 0;
};

}  // namespace iosim
