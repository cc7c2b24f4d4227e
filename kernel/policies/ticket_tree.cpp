#include "kernel/policies/ticket_tree.h"

namespace iosim {

void TicketTree::grow(std::uint64_t id) {
  std::size_t capacity = tree_.empty() ? 64 : tree_.size() - 1;
  while (capacity <= id)
    capacity *= 2;
  plain_.resize(capacity, 0);
  tree_.assign(capacity + 1, 0);
  // O(n) build: each node passes its sum to its parent.
  for (std::size_t i = 1; i <= capacity; ++i) {
    tree_[i] += plain_[i - 1];
    std::size_t parent = i + (i & (~i + 1));
    if (parent <= capacity) tree_[parent] += tree_[i];
  }
}

void TicketTree::add(std::uint64_t id, std::int64_t tickets) {
  if (tree_.empty() || id >= tree_.size() - 1) grow(id);
  plain_[id] += tickets;
  total_ += tickets;
  for (std::size_t i = id + 1; i < tree_.size(); i += i & (~i + 1))
    tree_[i] += tickets;
}

std::uint64_t TicketTree::find(std::int64_t r) const {
  // Descend from the top bit: pos ends as the largest index whose prefix sum is <= r.
  std::size_t pos = 0;
  for (std::size_t step = tree_.size() - 1; step > 0; step /= 2) {
    if (pos + step < tree_.size() && tree_[pos + step] <= r) {
      pos += step;
      r -= tree_[pos];
    }
  }
  return pos;  // the 1-based index pos + 1 holds it, i.e. id pos
}

}  // namespace iosim
