#include "kernel/policies/lottery_policy.h"

#include <algorithm>

#include "kernel/policies/affinity.h"

namespace iosim {

void LotteryPolicy::enqueue(const sched::Task& task, std::int64_t) {
  Group& group = groups_[task.affinity];
  std::size_t slot = group.holders.size();
  if (group.free.empty()) {
    group.holders.push_back(task.id);
  } else {
    slot = group.free.back();
    group.free.pop_back();
    group.holders[slot] = task.id;
  }
  std::int64_t tickets = std::max<std::int64_t>(1, task.tickets);
  group.tickets.add(slot, tickets);
  ++group.count;
  ready_[task.id] = Ready{tickets, task.affinity, slot};
}

void LotteryPolicy::remove(std::uint64_t id) {
  const Ready r = ready_[id];
  auto it = groups_.find(r.mask);
  Group& group = it->second;
  group.tickets.add(r.slot, -r.tickets);
  group.holders[r.slot] = IOSIM_NO_TASK;
  group.free.push_back(r.slot);
  if (--group.count == 0) groups_.erase(it);
}

std::uint64_t LotteryPolicy::pick(int core, std::int64_t) {
  std::uint64_t total = 0;
  for (const auto& [mask, group] : groups_) {
    if (allows_core(mask, core)) total += static_cast<std::uint64_t>(group.tickets.total());
  }
  if (total == 0) return IOSIM_NO_TASK;
  auto winner = static_cast<std::int64_t>(rng_.below(total));
  for (const auto& [mask, group] : groups_) {
    if (!allows_core(mask, core)) continue;
    if (winner < group.tickets.total()) {
      std::uint64_t id = group.holders[group.tickets.find(winner)];
      remove(id);
      return id;
    }
    winner -= group.tickets.total();
  }
  return IOSIM_NO_TASK;  // not reached: winner < total
}

}  // namespace iosim
