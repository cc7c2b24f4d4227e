#include "kernel/policies/ready_queue.h"

#include <algorithm>

#include "kernel/policies/affinity.h"

namespace iosim {

void ReadyQueue::push(const sched::Task& task, std::int64_t rank, std::uint64_t tie) {
  push(Entry{rank, tie, task.id, task.affinity});
}

// FIFO policies push in increasing order of their enqueue counter: hinting
// the end makes their push constant time instead of a walk down the tree
// (a scenario may queue a million threads at boot); any other order costs
// no more than before.
void ReadyQueue::push(const Entry& entry) {
  Group& group = groups_[entry.affinity];
  const std::size_t before = group.size();
  group.emplace_hint(group.end(), Key{entry.rank, entry.tie, entry.id});
  size_ += group.size() - before;
}

// The group whose first task comes first in policy order among those allowed on `core`.
ReadyQueue::Groups::const_iterator ReadyQueue::first_group(int core) const {
  auto best = groups_.end();
  for (auto it = groups_.begin(); it != groups_.end(); ++it) {
    if (!allows_core(it->first, core)) continue;
    if (best == groups_.end() || *it->second.begin() < *best->second.begin()) best = it;
  }
  return best;
}

std::optional<ReadyQueue::Entry> ReadyQueue::pop_first(int core) {
  auto it = first_group(core);
  if (it == groups_.end()) return std::nullopt;
  Key key = *it->second.begin();
  Entry e{key.rank, key.tie, key.id, it->first};
  auto& group = groups_.at(it->first);
  group.erase(group.begin());
  if (group.empty()) groups_.erase(it);
  --size_;
  return e;
}

std::optional<ReadyQueue::Entry> ReadyQueue::peek_first(int core) const {
  auto it = first_group(core);
  if (it == groups_.end()) return std::nullopt;
  const Key& key = *it->second.begin();
  return Entry{key.rank, key.tie, key.id, it->first};
}

std::optional<std::int64_t> ReadyQueue::min_rank() const {
  std::optional<std::int64_t> lowest;
  for (const auto& [mask, group] : groups_) {
    std::int64_t rank = group.begin()->rank;
    if (!lowest || rank < *lowest) lowest = rank;
  }
  return lowest;
}

std::vector<ReadyQueue::Entry> ReadyQueue::drain() {
  std::vector<std::pair<Key, std::uint64_t>> all;
  all.reserve(size_);
  for (const auto& [mask, group] : groups_) {
    for (const Key& key : group)
      all.emplace_back(key, mask);
  }
  std::sort(all.begin(), all.end());
  groups_.clear();
  size_ = 0;
  std::vector<Entry> entries;
  entries.reserve(all.size());
  for (const auto& [key, mask] : all)
    entries.push_back({key.rank, key.tie, key.id, mask});
  return entries;
}

}  // namespace iosim
