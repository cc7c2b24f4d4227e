// First-come first-served and Round-Robin: the same FIFO ready queue, with
// and without a time slice. FCFS runs each task until it blocks or exits;
// Round-Robin puts a task that used up its quantum at the back of the queue.
// Order: enqueue order (a woken or preempted task goes to the back).
#pragma once

#include <cstdint>
#include <string>

#include "kernel/policies/ready_queue.h"
#include "kernel/scheduler.h"

namespace iosim {

class FifoPolicy : public sched::Policy {
 public:
  // quantum_ns 0 = FCFS (no slice).
  FifoPolicy(std::string name, std::int64_t quantum_ns)
      : name_(std::move(name)), quantum_(quantum_ns) {}

  const char* name() const override { return name_.c_str(); }
  void enqueue(const sched::Task& task, std::int64_t) override { queue_.push(task, 0, seq_++); }
  std::uint64_t pick(int core, std::int64_t) override {
    auto e = queue_.pop_first(core);
    return e ? e->id : IOSIM_NO_TASK;
  }
  std::int64_t timeslice_ns(const sched::Task&, int) override { return quantum_; }

 private:
  std::string name_;
  std::int64_t quantum_;
  ReadyQueue queue_;
  std::uint64_t seq_ = 0;
};

}  // namespace iosim
