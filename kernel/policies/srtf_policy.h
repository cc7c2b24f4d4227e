// Shortest remaining time first (also called STCF, shortest time-to-completion
// first): SJF made preemptive. A task's remaining time is
// max(0, expected_ns - cpu_ns); the ready task with the least runs next, and a
// task that wakes or arrives with less remaining than a running one takes its
// core. Tasks that declare no length (expected_ns = 0) rank after every
// declared one, FIFO among themselves, and never preempt. Ties: enqueue order.
#pragma once

#include <cstdint>
#include <string>

#include "kernel/policies/ready_queue.h"
#include "kernel/scheduler.h"

namespace iosim {

class SrtfPolicy : public sched::Policy {
 public:
  // `name` is "srtf" or its alias "stcf", as the scenario wrote it.
  explicit SrtfPolicy(std::string name = "srtf") : name_(std::move(name)) {}

  const char* name() const override { return name_.c_str(); }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task&, int) override { return 0; }
  bool preempt(const sched::Task& woken, const sched::Task& running, int core,
               std::int64_t now_ns) override;

  // Remaining CPU time by the task's declaration; undeclared = the largest value.
  static std::int64_t remaining_ns(const sched::Task& task);

 private:
  std::string name_;
  ReadyQueue queue_;
  std::uint64_t seq_ = 0;
};

}  // namespace iosim
