#include "kernel/policies/cfs_policy.h"

#include <algorithm>

#include "kernel/policies/nice_weights.h"

namespace iosim {

// Brings the task's vruntime up to date with the CPU it used since the last look.
CfsPolicy::Row& CfsPolicy::charge(const sched::Task& task) {
  Row& row = rows_[task.id];
  if (row.weight == 0) row.weight = nice_to_weight(task.nice);
  row.vruntime += meter_.take(task) * kNiceZeroWeight / row.weight;
  if (row.core >= 0) advance_min_vruntime(row.vruntime);
  return row;
}

void CfsPolicy::advance_min_vruntime(std::int64_t candidate) {
  std::int64_t lowest = std::min(candidate, queue_.min_rank().value_or(candidate));
  min_vruntime_ = std::max(min_vruntime_, lowest);
}

void CfsPolicy::leave_core(Row& row) {
  running_weight_ -= row.weight;
  row.core = -1;
}

void CfsPolicy::enqueue(const sched::Task& task, std::int64_t) {
  Row& row = charge(task);
  if (row.core >= 0) leave_core(row);
  if (!row.known || task.reason == IOSIM_READY_ARRIVED) {
    row.vruntime = min_vruntime_;
  } else if (task.reason == IOSIM_READY_WOKEN) {
    row.vruntime = std::max(row.vruntime, min_vruntime_ - params_.latency / 2);
  }
  row.known = true;
  row.weight = nice_to_weight(task.nice);
  ready_weight_ += row.weight;
  queue_.push(task, row.vruntime, task.id);
}

std::uint64_t CfsPolicy::pick(int core, std::int64_t) {
  auto e = queue_.pop_first(core);
  if (!e) return IOSIM_NO_TASK;
  Row& row = rows_[e->id];
  ready_weight_ -= row.weight;
  running_weight_ += row.weight;
  row.core = core;
  advance_min_vruntime(row.vruntime);
  return e->id;
}

std::int64_t CfsPolicy::timeslice_ns(const sched::Task& task, int) {
  Row& row = charge(task);
  std::int64_t total = ready_weight_ + running_weight_;
  if (row.core < 0) total += row.weight;  // asked about a task not on a core
  total = std::max(total, row.weight);
  row.slice = std::max(params_.min_granularity, params_.latency * row.weight / total);
  row.slice_cpu = task.cpu_ns;
  return row.slice;
}

void CfsPolicy::block(const sched::Task& task, std::int64_t) {
  Row& row = charge(task);
  if (row.core >= 0) leave_core(row);
}

void CfsPolicy::exit(const sched::Task& task, std::int64_t now_ns) {
  block(task, now_ns);
  rows_.reset(task.id);
  meter_.forget(task.id);
}

bool CfsPolicy::tick(int core, const sched::Task& running, std::int64_t) {
  const Row& row = charge(running);
  bool slice_used = row.slice > 0 && running.cpu_ns - row.slice_cpu >= row.slice;
  return slice_used && queue_.peek_first(core).has_value();
}

bool CfsPolicy::preempt(const sched::Task& woken, const sched::Task& running, int, std::int64_t) {
  std::int64_t running_vruntime = charge(running).vruntime;
  return rows_[woken.id].vruntime + params_.wakeup_granularity < running_vruntime;
}

}  // namespace iosim
