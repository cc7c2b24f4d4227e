// A ready queue in policy order, with affinity. Every built-in policy keeps
// its ready tasks in one or more of these: ordered by a rank the policy
// chooses (smaller runs first: an expected length, a priority, a pass, a
// vruntime), then by a tie value (the policy's enqueue counter, or the id).
// pop_first(core) takes the first task in that order that may run on `core`,
// which is the one place where "skip tasks whose affinity excludes the core"
// is implemented.
//
// Tasks are kept in one ordered set per distinct affinity mask, so a pick
// compares only the first task of each mask allowed on the core. Cost: push
// O(log n); pop_first O(g + log n), g = distinct masks queued (1 when nothing
// is pinned, a handful in practice), however many pinned tasks wait ahead.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "kernel/scheduler.h"

namespace iosim {

class ReadyQueue {
 public:
  struct Entry {
    std::int64_t rank = 0;
    std::uint64_t tie = 0;
    std::uint64_t id = IOSIM_NO_TASK;
    std::uint64_t affinity = 0;
  };

  void push(const sched::Task& task, std::int64_t rank, std::uint64_t tie);
  void push(const Entry& entry);
  // Removes and returns the first entry allowed on `core`, if any.
  std::optional<Entry> pop_first(int core);
  // The first entry allowed on `core`, left in place.
  std::optional<Entry> peek_first(int core) const;
  // The smallest rank in the queue, whatever the affinity.
  std::optional<std::int64_t> min_rank() const;
  // Removes every entry, in order.
  std::vector<Entry> drain();

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

 private:
  struct Key {
    std::int64_t rank;
    std::uint64_t tie;
    std::uint64_t id;
    auto operator<=>(const Key&) const = default;
  };
  using Group = std::set<Key>;
  using Groups = std::map<std::uint64_t, Group>;  // affinity mask -> its tasks in order

  Groups::const_iterator first_group(int core) const;

  Groups groups_;  // no empty groups
  std::size_t size_ = 0;
};

}  // namespace iosim
