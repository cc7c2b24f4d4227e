// Shortest job first, non-preemptive: the ready task with the smallest
// declared CPU length (iosim_task::expected_ns, scenario `expected`) runs
// next, to completion or until it blocks. Tasks that declare nothing (0) come
// after every declared one, in FIFO order. Ties: enqueue order.
#pragma once

#include <cstdint>

#include "kernel/policies/ready_queue.h"
#include "kernel/scheduler.h"

namespace iosim {

class SjfPolicy : public sched::Policy {
 public:
  const char* name() const override { return "sjf"; }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task&, int) override { return 0; }

 private:
  ReadyQueue queue_;
  std::uint64_t seq_ = 0;
};

}  // namespace iosim
