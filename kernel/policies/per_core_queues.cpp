#include "kernel/policies/per_core_queues.h"

#include <algorithm>
#include <stdexcept>

#include "kernel/policies/affinity.h"

namespace iosim {

PerCoreQueues::PerCoreQueues(int cores, const Factory& make) {
  if (cores < 1) throw std::invalid_argument("per-core queues need at least one core");
  for (int core = 0; core < cores; ++core)
    queues_.push_back(make(core));
  queued_.assign(queues_.size(), 0);
}

int PerCoreQueues::place(const sched::Task& task) const {
  if (valid(task.last_core) && allows_core(task.affinity, task.last_core)) return task.last_core;
  int best = -1;
  for (int core = 0; core < static_cast<int>(queues_.size()); ++core) {
    if (!allows_core(task.affinity, core)) continue;
    if (best < 0 || queued_[core] < queued_[best]) best = core;
  }
  return best < 0 ? 0 : best;
}

void PerCoreQueues::enqueue(const sched::Task& task, std::int64_t now_ns) {
  int core = place(task);
  Row& row = rows_[task.id];
  // Leaving the instance that ran it: let that one forget it.
  if (row.owner >= 0 && row.owner != core) queue(row.owner).exit(task, now_ns);
  row.owner = core;
  row.last = task;
  row.last.name = "";
  row.last.process = "";
  queue(core).enqueue(task, now_ns);
  ++queued_[core];
}

std::uint64_t PerCoreQueues::pick(int core, std::int64_t now_ns) {
  if (!valid(core)) return IOSIM_NO_TASK;
  std::uint64_t id = queue(core).pick(core, now_ns);
  if (id == IOSIM_NO_TASK) return steal(core, now_ns);
  --queued_[core];
  rows_[id].owner = core;
  return id;
}

std::vector<int> PerCoreQueues::victims(int thief) const {
  std::vector<int> order;
  for (int core = 0; core < static_cast<int>(queues_.size()); ++core) {
    if (core != thief && queued_[core] > 0) order.push_back(core);
  }
  std::stable_sort(order.begin(), order.end(),
                   [this](int a, int b) { return queued_[a] > queued_[b]; });
  return order;
}

std::uint64_t PerCoreQueues::steal(int thief, std::int64_t now_ns) {
  for (int victim : victims(thief)) {
    // The victim's own order, restricted to tasks allowed on the thief.
    std::uint64_t id = queue(victim).pick(thief, now_ns);
    if (id == IOSIM_NO_TASK) continue;
    --queued_[victim];
    Row& row = rows_[id];
    queue(victim).exit(row.last, now_ns);
    row.owner = thief;
    queue(thief).enqueue(row.last, now_ns);
    ++queued_[thief];
    std::uint64_t got = queue(thief).pick(thief, now_ns);
    if (got != IOSIM_NO_TASK) {
      --queued_[thief];
      rows_[got].owner = thief;
    }
    return got;
  }
  return IOSIM_NO_TASK;
}

std::int64_t PerCoreQueues::timeslice_ns(const sched::Task& task, int core) {
  int owner = valid(core) ? core : rows_.get(task.id).owner;
  return valid(owner) ? queue(owner).timeslice_ns(task, core) : 0;
}

void PerCoreQueues::block(const sched::Task& task, std::int64_t now_ns) {
  int owner = rows_.get(task.id).owner;
  if (valid(owner)) queue(owner).block(task, now_ns);
}

void PerCoreQueues::exit(const sched::Task& task, std::int64_t now_ns) {
  Row& row = rows_[task.id];
  if (valid(row.owner)) queue(row.owner).exit(task, now_ns);
  row = Row{};
}

bool PerCoreQueues::tick(int core, const sched::Task& running, std::int64_t now_ns) {
  return valid(core) && queue(core).tick(core, running, now_ns);
}

bool PerCoreQueues::preempt(const sched::Task& woken, const sched::Task& running, int core,
                            std::int64_t now_ns) {
  if (!valid(core) || rows_.get(woken.id).owner != core) return false;
  return queue(core).preempt(woken, running, core, now_ns);
}

}  // namespace iosim
