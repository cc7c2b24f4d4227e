// The tickets of the ready tasks, indexed by task id, in a Fenwick tree: add
// or remove a task's tickets and find the holder of the r-th ticket in
// O(log n). Ticket r belongs to the task whose range of tickets, counted in id
// order, contains it.
#pragma once

#include <cstdint>
#include <vector>

namespace iosim {

class TicketTree {
 public:
  void add(std::uint64_t id, std::int64_t tickets);
  std::int64_t total() const { return total_; }
  // The id holding ticket r, 0 <= r < total().
  std::uint64_t find(std::int64_t r) const;

 private:
  void grow(std::uint64_t id);

  std::vector<std::int64_t> tree_;   // 1-based Fenwick sums; size = a power of two + 1
  std::vector<std::int64_t> plain_;  // each id's tickets, to rebuild when growing
  std::int64_t total_ = 0;
};

}  // namespace iosim
