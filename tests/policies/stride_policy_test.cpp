// Stride scheduling: deterministic shares by tickets, charged for actual CPU.
#include "kernel/policies/stride_policy.h"

#include <gtest/gtest.h>

#include <map>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::cores;
using testing::TestTask;

constexpr Ns kQ = 10 * kMs;

// The running task's cpu, by id, for a test that drives full quanta.
struct Driver {
  StridePolicy policy{kQ};
  std::map<std::uint64_t, TestTask> tasks;
  std::map<std::uint64_t, int> picks;

  void add(TestTask t) {
    tasks.emplace(t.id, t);
    policy.enqueue(t, 0);
  }
  // Picks, runs the winner for `ran`, and puts it back (preempted).
  std::uint64_t step(Ns ran = kQ) {
    std::uint64_t id = policy.pick(0, 0);
    TestTask& t = tasks.at(id);
    policy.timeslice_ns(t, 0);
    t.cpu(t.cpu_ns + ran).preempted();
    policy.enqueue(t, 0);
    ++picks[id];
    return id;
  }
};

TEST(Stride, TicketsOf100To50To250GiveExactly2To1To5PicksPerCycle) {
  // Strides are 7,207,200 : 14,414,400 : 2,882,880, so one cycle (every pass
  // advanced by 14,414,400) is 2 + 1 + 5 = 8 quanta. Over 100 cycles the
  // counts are exact, not approximately proportional.
  Driver d;
  d.add(TestTask(0).with_tickets(100));
  d.add(TestTask(1).with_tickets(50));
  d.add(TestTask(2).with_tickets(250));
  for (int i = 0; i < 800; ++i)
    d.step();
  EXPECT_EQ(d.picks[0], 200);
  EXPECT_EQ(d.picks[1], 100);
  EXPECT_EQ(d.picks[2], 500);
}

TEST(Stride, TiesGoToTheLowerIdAndTheFirstCycleIsAsByHand) {
  // All start at pass 0. Picks: A(0) B(0) C(0) C(2.9M) C(5.8M) A(7.2M) C(8.6M) C(11.5M).
  Driver d;
  d.add(TestTask(0).with_tickets(100));
  d.add(TestTask(1).with_tickets(50));
  d.add(TestTask(2).with_tickets(250));
  std::vector<std::uint64_t> order;
  for (int i = 0; i < 8; ++i)
    order.push_back(d.step());
  EXPECT_EQ(order, (std::vector<std::uint64_t>{0, 1, 2, 2, 2, 0, 2, 2}));
}

TEST(Stride, ChargesOnlyTheCpuActuallyUsed) {
  // Half a quantum costs half a stride, a whole one a whole stride.
  Driver d;
  d.add(TestTask(0).with_tickets(100));
  d.step(kQ / 2);
  EXPECT_EQ(d.policy.pass_of(0), StridePolicy::kStrideOne / 100 / 2);
  d.step(kQ);
  EXPECT_EQ(d.policy.pass_of(0), StridePolicy::kStrideOne / 100 * 3 / 2);
}

TEST(Stride, BlockingChargesTheStretchToo) {
  StridePolicy p(kQ);
  p.enqueue(TestTask(0).with_tickets(50), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  p.timeslice_ns(TestTask(0).with_tickets(50), 0);
  p.block(TestTask(0).with_tickets(50).cpu(3 * kQ), 30 * kMs);
  EXPECT_EQ(p.pass_of(0), 3 * StridePolicy::stride_of(TestTask(0).with_tickets(50)));
}

TEST(Stride, ANewcomerStartsAtTheGlobalPassNotAtZero) {
  Driver d;
  d.add(TestTask(0).with_tickets(100));
  d.add(TestTask(1).with_tickets(100));
  for (int i = 0; i < 10; ++i)
    d.step();  // both at pass 5 strides
  std::int64_t global = std::min(d.policy.pass_of(0), d.policy.pass_of(1));
  d.add(TestTask(2).with_tickets(100));
  EXPECT_EQ(d.policy.pass_of(2), global);
}

TEST(Stride, ASleeperWakesNoLowerThanTheGlobalPass) {
  Driver d;
  d.add(TestTask(0).with_tickets(100));
  d.add(TestTask(1).with_tickets(100));
  // Task 1 runs once and sleeps; task 0 runs alone for 20 quanta.
  ASSERT_EQ(d.step(), 0u);
  std::uint64_t id = d.policy.pick(0, 0);
  ASSERT_EQ(id, 1u);
  d.policy.timeslice_ns(d.tasks.at(1), 0);
  d.policy.block(d.tasks.at(1).cpu(kQ), 0);
  for (int i = 0; i < 20; ++i)
    d.step();
  d.tasks.at(1).woken();
  d.policy.enqueue(d.tasks.at(1), 0);
  EXPECT_EQ(d.policy.pass_of(1), d.policy.pass_of(0))
      << "it joins at task 0's pass instead of running 20 quanta in a row";
}

TEST(Stride, SkipsATaskPinnedElsewhere) {
  StridePolicy p(kQ);
  p.enqueue(TestTask(0).on(cores({1})), 0);
  p.enqueue(TestTask(1), 0);
  EXPECT_EQ(p.pick(0, 0), 1u);
  EXPECT_EQ(p.pick(0, 0), IOSIM_NO_TASK);
  EXPECT_EQ(p.pick(1, 0), 0u);
}

}  // namespace
}  // namespace iosim
