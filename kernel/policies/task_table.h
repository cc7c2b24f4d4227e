// Per-task state of a policy, indexed by task id. The kernel's ids are 0-based
// and dense, so a vector that grows on demand is both the simplest map and
// the fastest, and iterating it is in id order (deterministic).
#pragma once

#include <cstdint>
#include <vector>

namespace iosim {

template <class Row>
class TaskTable {
 public:
  Row& operator[](std::uint64_t id) {
    if (id >= rows_.size()) rows_.resize(id + 1);
    return rows_[id];
  }
  // A task the table has never seen reads as a default Row.
  Row get(std::uint64_t id) const { return id < rows_.size() ? rows_[id] : Row{}; }
  void reset(std::uint64_t id) {
    if (id < rows_.size()) rows_[id] = Row{};
  }

 private:
  std::vector<Row> rows_;
};

}  // namespace iosim
