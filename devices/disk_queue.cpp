#include "devices/disk_queue.h"

#include <limits>

namespace iosim {

bool must_follow(const QueueEntry& earlier, const QueueEntry& later) {
  if (earlier.count == 0 || later.count == 0) return false;  // touches no sector
  bool overlap = later.lba < earlier.lba + earlier.count && earlier.lba < later.lba + later.count;
  return overlap && (earlier.write || later.write);
}

// The nearest eligible entry with direction 0 (either side), +1 (cylinder >=
// head) or -1 (cylinder <= head); ties to the oldest. waiting.size() if none.
std::size_t DiskQueue::nearest(std::span<const QueueEntry> waiting,
                               const std::vector<bool>& eligible, std::uint32_t head,
                               int direction) const {
  std::size_t best = waiting.size();
  std::uint64_t best_distance = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    std::uint32_t c = waiting[i].cylinder;
    if (!eligible[i] || (direction > 0 && c < head) || (direction < 0 && c > head)) continue;
    std::uint64_t distance = c > head ? c - head : head - c;
    if (distance < best_distance) {  // strictly nearer: an equal one that is older stays
      best = i;
      best_distance = distance;
    }
  }
  return best;
}

std::size_t DiskQueue::pick(std::span<const QueueEntry> waiting, std::uint32_t head) {
  if (policy_ == QueuePolicy::kFcfs || waiting.size() <= 1) return 0;
  std::vector<bool> eligible(waiting.size(), true);
  for (std::size_t i = 1; i < waiting.size(); ++i)
    for (std::size_t j = 0; j < i && eligible[i]; ++j)
      if (must_follow(waiting[j], waiting[i])) eligible[i] = false;
  if (policy_ == QueuePolicy::kSstf) return nearest(waiting, eligible, head, 0);
  std::size_t ahead = nearest(waiting, eligible, head, up_ ? 1 : -1);
  if (ahead < waiting.size()) return ahead;
  up_ = !up_;  // nothing left ahead: reverse
  return nearest(waiting, eligible, head, up_ ? 1 : -1);
}

std::vector<std::uint32_t> service_order(QueuePolicy policy, std::uint32_t head,
                                         std::vector<std::uint32_t> cylinders) {
  DiskQueue queue(policy);
  std::vector<QueueEntry> waiting;
  for (std::size_t i = 0; i < cylinders.size(); ++i)
    waiting.push_back({cylinders[i], i, 1, false});  // distinct sectors: no ordering constraints
  std::vector<std::uint32_t> order;
  while (!waiting.empty()) {
    std::size_t i = queue.pick(waiting, head);
    head = waiting[i].cylinder;
    order.push_back(head);
    waiting.erase(waiting.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return order;
}

}  // namespace iosim
