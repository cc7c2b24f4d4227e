// First-come first-served and Round-Robin: the same FIFO ready queue, with
// and without a time slice. FCFS runs each task until it blocks or exits;
// Round-Robin puts a task that used up its quantum at the back of the queue.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "kernel/scheduler.h"

namespace iosim {

class FifoPolicy : public sched::Policy {
 public:
  FifoPolicy(std::string name, int64_t quantum_ns) : name_(std::move(name)), quantum_(quantum_ns) {}

  const char* name() const override { return name_.c_str(); }
  void enqueue(const sched::Task& task, int64_t) override { queue_.push_back(task.id); }
  uint64_t pick(int, int64_t) override {
    if (queue_.empty()) return IOSIM_NO_TASK;
    uint64_t id = queue_.front();
    queue_.pop_front();
    return id;
  }
  int64_t timeslice_ns(const sched::Task&) override { return quantum_; }

 private:
  std::string name_;
  int64_t quantum_;
  std::deque<uint64_t> queue_;
};

}  // namespace iosim
