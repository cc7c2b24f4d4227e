// Per-core ready queues with work stealing, around any policy: one instance
// of the inner policy per core, each seeing only the tasks placed on its core.
//
//  - Placement (enqueue): on the task's last core when its affinity allows it
//    (its cache is warm there); otherwise (new tasks, or a last core it may no
//    longer use) on the allowed core with the fewest queued tasks (ties: the
//    lowest index). A task whose affinity names no core goes to core 0's queue.
//  - pick(core) asks that core's instance. If it has nothing, the core steals:
//    it asks the other instances, busiest first (most queued; ties: lowest
//    index), pick(thief core), which by every policy's rule returns only a task
//    allowed on the thief core, in that instance's own order.
//  - A stolen task moves: its old instance gets exit() (every built-in policy
//    forgets a task on exit), and the thief's instance gets it through
//    enqueue() with its last reason, then picks it.
//  - tick, timeslice_ns and preempt go to the instance of the core asked
//    about; block and exit to the instance that owns the task. preempt() says
//    no when the woken task is queued on another core: preempting this core
//    would not run it.
//
// Caveat: a task that moves to another core's instance (stolen, or its
// affinity changed) starts afresh there, as the policy treats a task it has
// never seen: MLFQ puts it on the top level, CFS at that queue's
// min_vruntime, stride at that queue's global pass, priority aging restarts.
// Lottery instances draw from their own streams (seed mixed with the core).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "kernel/policies/task_table.h"
#include "kernel/scheduler.h"

namespace iosim {

class PerCoreQueues : public sched::Policy {
 public:
  using Factory = std::function<std::unique_ptr<sched::Policy>(int core)>;

  PerCoreQueues(int cores, const Factory& make);

  const char* name() const override { return queues_.front()->name(); }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task& task, int core) override;
  void block(const sched::Task& task, std::int64_t now_ns) override;
  void exit(const sched::Task& task, std::int64_t now_ns) override;
  bool tick(int core, const sched::Task& running, std::int64_t now_ns) override;
  bool preempt(const sched::Task& woken, const sched::Task& running, int core,
               std::int64_t now_ns) override;

  // The core whose queue holds (or last ran) the task, -1 if none; for tests.
  int owner_of(std::uint64_t id) const { return rows_.get(id).owner; }
  std::size_t queued_on(int core) const { return queued_[static_cast<std::size_t>(core)]; }

 private:
  struct Row {
    int owner = -1;
    sched::Task last{};  // as of its last enqueue, names cleared (they do not outlive the call)
  };

  int place(const sched::Task& task) const;
  std::uint64_t steal(int thief, std::int64_t now_ns);
  std::vector<int> victims(int thief) const;
  sched::Policy& queue(int core) { return *queues_[static_cast<std::size_t>(core)]; }
  bool valid(int core) const { return core >= 0 && core < static_cast<int>(queues_.size()); }

  std::vector<std::unique_ptr<sched::Policy>> queues_;
  std::vector<std::size_t> queued_;
  TaskTable<Row> rows_;
};

}  // namespace iosim
