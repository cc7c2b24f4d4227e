// Lottery scheduling (Waldspurger & Weihl 1994; OSTEP chapter 9): every ready
// task holds its `tickets` (0 counts as 1, so every task can win), and each
// pick draws one ticket uniformly from those of the ready tasks allowed on the
// core. Slice = the quantum. The draws come from SplitMix64 seeded with the
// scenario seed, so a run repeats exactly. Over many draws a task's share of
// the picks tends to its share of the tickets.
//
// The ready tasks are grouped by affinity mask, each group's tickets in a
// Fenwick tree over slots: a pick sums the totals of the groups allowed on
// the core, draws r, walks the groups (in mask order) to the one holding r
// and finds its holder there. Cost O(g + log n), g = distinct masks queued.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "kernel/policies/split_mix64.h"
#include "kernel/policies/task_table.h"
#include "kernel/policies/ticket_tree.h"
#include "kernel/scheduler.h"
#include "sim/ns.h"

namespace iosim {

class LotteryPolicy : public sched::Policy {
 public:
  LotteryPolicy(Ns quantum, std::uint64_t seed) : quantum_(quantum), rng_(seed) {}

  const char* name() const override { return "lottery"; }
  void enqueue(const sched::Task& task, std::int64_t now_ns) override;
  std::uint64_t pick(int core, std::int64_t now_ns) override;
  std::int64_t timeslice_ns(const sched::Task&, int) override { return quantum_; }

 private:
  struct Group {
    TicketTree tickets;                  // by slot
    std::vector<std::uint64_t> holders;  // slot -> task id (IOSIM_NO_TASK when free)
    std::vector<std::size_t> free;       // slots to reuse
    std::size_t count = 0;
  };
  struct Ready {
    std::int64_t tickets = 0;
    std::uint64_t mask = 0;
    std::size_t slot = 0;
  };

  void remove(std::uint64_t id);

  Ns quantum_;
  SplitMix64 rng_;
  std::map<std::uint64_t, Group> groups_;  // affinity mask -> its ready tasks; none empty
  TaskTable<Ready> ready_;
};

}  // namespace iosim
