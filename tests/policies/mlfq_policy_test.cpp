// MLFQ, OSTEP's rules: top level first, RR within a level, demotion after the
// allotment (summed across stretches), priority boost.
#include "kernel/policies/mlfq_policy.h"

#include <gtest/gtest.h>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::cores;
using testing::drain;
using testing::Ids;
using testing::TestTask;

// 3 levels with quanta 10/20/40 ms, 20 ms of allotment per level.
MlfqParams three_levels(Ns boost = 0) {
  MlfqParams m;
  m.levels = 3;
  m.quanta = {10 * kMs, 20 * kMs, 40 * kMs};
  m.allotment = 20 * kMs;
  m.boost = boost;
  return m;
}

// Task `id` is picked at `now`, runs `ran` on top of `cpu`, and blocks. Returns its new cpu.
Ns run_and_block(MlfqPolicy& p, std::uint64_t id, Ns cpu, Ns ran, Ns now) {
  p.enqueue(TestTask(id).woken().cpu(cpu), now);
  EXPECT_EQ(p.pick(0, now), id);
  p.timeslice_ns(TestTask(id).cpu(cpu), 0);
  p.block(TestTask(id).cpu(cpu + ran), now + ran);
  return cpu + ran;
}

TEST(Mlfq, NewTasksEnterTheTopLevelWithItsQuantum) {
  MlfqPolicy p(10 * kMs, three_levels());
  p.enqueue(TestTask(0), 0);
  EXPECT_EQ(p.level_of(0), 0);
  EXPECT_EQ(p.pick(0, 0), 0u);
  EXPECT_EQ(p.timeslice_ns(TestTask(0), 0), 10 * kMs);
}

TEST(Mlfq, GivingUpTheCoreEarlyDoesNotResetTheAllotment) {
  // OSTEP's gaming fix: 9 ms stretches that block before the 10 ms slice ends
  // still add up. After 9 + 9 = 18 ms the task is on level 0; at 27 >= 20 it moves down.
  MlfqPolicy p(10 * kMs, three_levels());
  Ns cpu = run_and_block(p, 0, 0, 9 * kMs, 0);
  cpu = run_and_block(p, 0, cpu, 9 * kMs, 100 * kMs);
  EXPECT_EQ(p.level_of(0), 0) << "18 ms used of a 20 ms allotment";
  run_and_block(p, 0, cpu, 9 * kMs, 200 * kMs);
  EXPECT_EQ(p.level_of(0), 1);
  p.enqueue(TestTask(0).woken().cpu(27 * kMs), 300 * kMs);
  EXPECT_EQ(p.pick(0, 300 * kMs), 0u);
  EXPECT_EQ(p.timeslice_ns(TestTask(0).cpu(27 * kMs), 0), 20 * kMs) << "level 1's quantum";
}

TEST(Mlfq, ATaskRunningAloneMovesDownAsItsSlicesAreRenewed) {
  // Slices 10, 10 (level 0: 20 used), 20 (level 1), then 40s at the bottom.
  MlfqPolicy p(10 * kMs, three_levels());
  p.enqueue(TestTask(0), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  Ns cpu = 0;
  std::vector<Ns> slices;
  for (int i = 0; i < 6; ++i) {
    Ns slice = p.timeslice_ns(TestTask(0).cpu(cpu), 0);
    slices.push_back(slice / kMs);
    cpu += slice;
  }
  EXPECT_EQ(slices, (std::vector<Ns>{10, 10, 20, 40, 40, 40})) << "never below the last level";
  EXPECT_EQ(p.level_of(0), 2);
}

TEST(Mlfq, TopLevelFirstAndFifoWithinALevel) {
  MlfqPolicy p(10 * kMs, three_levels());
  run_and_block(p, 0, 0, 25 * kMs, 0);  // now on level 1
  p.enqueue(TestTask(0).woken().cpu(25 * kMs), 100 * kMs);
  p.enqueue(TestTask(1), 100 * kMs);
  p.enqueue(TestTask(2), 100 * kMs);
  EXPECT_EQ(drain(p, 0, 100 * kMs), (Ids{1, 2, 0}));
}

TEST(Mlfq, ABoostBringsQueuedTasksToTheTopInTheirEnqueueOrder) {
  MlfqPolicy p(10 * kMs, three_levels(1 * kSec));
  run_and_block(p, 0, 0, 25 * kMs, 0);         // level 1
  run_and_block(p, 2, 0, 25 * kMs, 50 * kMs);  // level 1
  p.enqueue(TestTask(0).woken().cpu(25 * kMs), 900 * kMs);
  p.enqueue(TestTask(1), 901 * kMs);
  p.enqueue(TestTask(2).woken().cpu(25 * kMs), 902 * kMs);
  EXPECT_EQ(drain(p, 0, 1 * kSec), (Ids{0, 1, 2})) << "after the boost at 1 s all are on level 0";
  EXPECT_EQ(p.level_of(2), 0);
}

TEST(Mlfq, WithoutABoostTheSameTasksStayDown) {
  MlfqPolicy p(10 * kMs, three_levels(0));
  run_and_block(p, 0, 0, 25 * kMs, 0);
  run_and_block(p, 2, 0, 25 * kMs, 50 * kMs);
  p.enqueue(TestTask(0).woken().cpu(25 * kMs), 900 * kMs);
  p.enqueue(TestTask(1), 901 * kMs);
  p.enqueue(TestTask(2).woken().cpu(25 * kMs), 902 * kMs);
  EXPECT_EQ(drain(p, 0, 5 * kSec), (Ids{1, 0, 2}));
}

TEST(Mlfq, ABoostResetsARunningTaskAtItsNextSlice) {
  MlfqPolicy p(10 * kMs, three_levels(1 * kSec));
  p.enqueue(TestTask(0), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  Ns cpu = 0;
  for (int i = 0; i < 4; ++i)
    cpu += p.timeslice_ns(TestTask(0).cpu(cpu), 0);
  ASSERT_EQ(p.level_of(0), 2);
  // Something else is enqueued after the boost time: the policy now knows it is 1.2 s.
  p.enqueue(TestTask(1), 1200 * kMs);
  EXPECT_EQ(p.timeslice_ns(TestTask(0).cpu(cpu), 0), 10 * kMs);
  EXPECT_EQ(p.level_of(0), 0);
}

TEST(Mlfq, AWokenTaskOnAHigherLevelPreempts) {
  MlfqPolicy p(10 * kMs, three_levels());
  p.enqueue(TestTask(0), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  p.timeslice_ns(TestTask(0), 0);
  p.enqueue(TestTask(1), 5 * kMs);
  EXPECT_FALSE(p.preempt(TestTask(1), TestTask(0).cpu(5 * kMs), 0, 5 * kMs)) << "same level";
  // Task 0 has used 25 ms by now: it is charged, moves to level 1, and loses the core.
  p.enqueue(TestTask(2), 25 * kMs);
  EXPECT_TRUE(p.preempt(TestTask(2), TestTask(0).cpu(25 * kMs), 0, 25 * kMs));
}

TEST(Mlfq, TickPreemptsWhenAHigherLevelHasATaskForThisCore) {
  MlfqPolicy p(10 * kMs, three_levels());
  p.enqueue(TestTask(0), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  p.timeslice_ns(TestTask(0), 0);
  EXPECT_FALSE(p.tick(0, TestTask(0).cpu(22 * kMs), 22 * kMs)) << "nobody is ready";
  p.enqueue(TestTask(1).on(cores({1})), 23 * kMs);
  EXPECT_FALSE(p.tick(0, TestTask(0).cpu(24 * kMs), 24 * kMs)) << "the ready one may not run here";
  p.enqueue(TestTask(2), 25 * kMs);
  EXPECT_TRUE(p.tick(0, TestTask(0).cpu(26 * kMs), 26 * kMs));
}

TEST(Mlfq, ZeroAllotmentMeansOneQuantumPerLevel) {
  MlfqParams m = three_levels();
  m.allotment = 0;
  MlfqPolicy p(10 * kMs, m);
  p.enqueue(TestTask(0), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  Ns cpu = 0;
  std::vector<Ns> slices;
  for (int i = 0; i < 4; ++i) {
    Ns slice = p.timeslice_ns(TestTask(0).cpu(cpu), 0);
    slices.push_back(slice / kMs);
    cpu += slice;
  }
  EXPECT_EQ(slices, (std::vector<Ns>{10, 20, 40, 40}));
}

}  // namespace
}  // namespace iosim
