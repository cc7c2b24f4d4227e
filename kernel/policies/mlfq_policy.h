// Multi-level feedback queue, following OSTEP's rules (chapter 8):
//   1. If A's level is more urgent than B's, A runs (level 0 is the top).
//   2. At the same level, Round-Robin (FIFO by enqueue) with the level's quantum.
//   3. A new task enters the top level.
//   4. Once a task has used `allotment` of CPU at a level, summed over all its
//      stretches there whether or not it gave up the core early (so a task
//      cannot stay on top by yielding just before its slice ends), it moves
//      down one level (never below the last) and its use starts again at 0.
//      allotment = 0 means "one quantum of that level" (OSTEP's first rule 4).
//   5. Every `boost` of simulated time (at t = boost, 2*boost, ...) every task
//      goes back to the top level with its use reset. Applied lazily: the
//      first call after a boost time moves the queued tasks up (keeping their
//      enqueue order), and a task not queued then (running or blocked) is reset
//      the next time the policy sees it. CPU a running task used across a
//      boost is charged at its old level first, then the boost resets it.
// CPU is charged whenever the policy sees a task's cpu_ns (enqueue, slice
// renewal, tick, preempt, block, exit), so a task that runs alone through
// several slices still moves down.
// preempt(): a task that wakes at a more urgent level than a running one
// takes its core. tick(): preempt when a more urgent level has a ready task
// that may run on this core.
#pragma once

#include <cstdint>
#include <vector>

#include "kernel/policies/cpu_meter.h"
#include "kernel/policies/policy_params.h"
#include "kernel/policies/ready_queue.h"
#include "kernel/policies/task_table.h"
#include "kernel/scheduler.h"

namespace iosim {

class MlfqPolicy : public sched::Policy {
 public:
  MlfqPolicy(Ns quantum, MlfqParams params);

  const char* name() const override { return "mlfq"; }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task& task, int core) override;
  void block(const sched::Task& task, std::int64_t now_ns) override;
  void exit(const sched::Task& task, std::int64_t now_ns) override;
  bool tick(int core, const sched::Task& running, std::int64_t now_ns) override;
  bool preempt(const sched::Task& woken, const sched::Task& running, int core,
               std::int64_t now_ns) override;

  // The task's level as of the last call that saw it (0 = top); for tests and traces.
  int level_of(std::uint64_t id) const { return rows_.get(id).level; }

 private:
  struct Row {
    int level = 0;
    Ns used = 0;             // CPU used at this level
    std::int64_t epoch = 0;  // boost period in which the row was last brought up to date
  };

  std::int64_t epoch_at(std::int64_t now_ns) const;
  void boost_queues(std::int64_t now_ns);
  Row& account(const sched::Task& task, std::int64_t now_ns);
  Ns allotment(int level) const;
  Ns quantum(int level) const;

  int levels_;
  std::vector<Ns> quanta_;  // one per level
  Ns allotment_;
  Ns boost_;
  std::vector<ReadyQueue> queues_;  // one per level
  TaskTable<Row> rows_;
  CpuMeter meter_;
  std::uint64_t seq_ = 0;
  std::int64_t boosted_epoch_ = 0;  // the last boost period applied to the queues
  std::int64_t now_ = 0;            // the latest time seen (timeslice_ns has none)
};

}  // namespace iosim
