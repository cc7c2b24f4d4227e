#include "kernel/policies/mlfq_policy.h"

#include <algorithm>

namespace iosim {

MlfqPolicy::MlfqPolicy(Ns quantum, MlfqParams params)
    : levels_(std::max(1, params.levels)),
      quanta_(std::move(params.quanta)),
      allotment_(params.allotment),
      boost_(params.boost),
      queues_(static_cast<std::size_t>(levels_)) {
  // The loader makes quanta one per level; if not, missing levels repeat the
  // last quantum (or the scenario quantum when none is given).
  if (quanta_.empty()) quanta_.push_back(quantum);
  quanta_.resize(static_cast<std::size_t>(levels_), quanta_.back());
}

Ns MlfqPolicy::quantum(int level) const {
  return quanta_[static_cast<std::size_t>(level)];
}

Ns MlfqPolicy::allotment(int level) const {
  return allotment_ > 0 ? allotment_ : quantum(level);
}

std::int64_t MlfqPolicy::epoch_at(std::int64_t now_ns) const {
  return boost_ > 0 && now_ns > 0 ? now_ns / boost_ : 0;
}

// Rule 5 for the queued tasks: all of them to the top, in their enqueue order
// (the tie values are global enqueue counters, so merging keeps FIFO).
void MlfqPolicy::boost_queues(std::int64_t now_ns) {
  now_ = std::max(now_, now_ns);
  std::int64_t epoch = epoch_at(now_);
  if (epoch <= boosted_epoch_) return;
  boosted_epoch_ = epoch;
  for (std::size_t level = 1; level < queues_.size(); ++level) {
    for (const ReadyQueue::Entry& e : queues_[level].drain()) {
      rows_[e.id] = Row{0, 0, epoch};
      queues_[0].push(e);
    }
  }
}

// Charges the CPU used since the last look (rule 4), then applies a boost the
// task has not seen yet (rule 5).
MlfqPolicy::Row& MlfqPolicy::account(const sched::Task& task, std::int64_t now_ns) {
  boost_queues(now_ns);
  Row& row = rows_[task.id];
  row.used += meter_.take(task);
  if (row.used >= allotment(row.level)) {
    row.level = std::min(row.level + 1, levels_ - 1);
    row.used = 0;
  }
  std::int64_t epoch = epoch_at(now_);
  if (row.epoch < epoch) row = Row{0, 0, epoch};
  return row;
}

void MlfqPolicy::enqueue(const sched::Task& task, std::int64_t now_ns) {
  Row& row = account(task, now_ns);
  queues_[static_cast<std::size_t>(row.level)].push(task, 0, seq_++);
}

std::uint64_t MlfqPolicy::pick(int core, std::int64_t now_ns) {
  boost_queues(now_ns);
  for (ReadyQueue& queue : queues_) {
    if (auto e = queue.pop_first(core)) return e->id;
  }
  return IOSIM_NO_TASK;
}

std::int64_t MlfqPolicy::timeslice_ns(const sched::Task& task, int) {
  return quantum(account(task, now_).level);
}

void MlfqPolicy::block(const sched::Task& task, std::int64_t now_ns) {
  account(task, now_ns);
}

void MlfqPolicy::exit(const sched::Task& task, std::int64_t now_ns) {
  boost_queues(now_ns);
  rows_.reset(task.id);
  meter_.forget(task.id);
}

bool MlfqPolicy::tick(int core, const sched::Task& running, std::int64_t now_ns) {
  int level = account(running, now_ns).level;
  for (int l = 0; l < level; ++l) {
    if (queues_[static_cast<std::size_t>(l)].peek_first(core)) return true;
  }
  return false;
}

bool MlfqPolicy::preempt(const sched::Task& woken, const sched::Task& running, int,
                         std::int64_t now_ns) {
  int running_level = account(running, now_ns).level;
  return rows_[woken.id].level < running_level;
}

}  // namespace iosim
