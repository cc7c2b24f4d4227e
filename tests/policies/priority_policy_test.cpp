// Priority scheduling: smallest value first, RR within a level, optional
// preemption and aging.
#include "kernel/policies/priority_policy.h"

#include <gtest/gtest.h>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::drain;
using testing::Ids;
using testing::TestTask;

PriorityParams params(bool preemptive, Ns aging) {
  PriorityParams p;
  p.preemptive = preemptive;
  p.aging = aging;
  return p;
}

TEST(Priority, SmallestValueFirstFifoWithinALevel) {
  PriorityPolicy p(10 * kMs, params(true, 0));
  p.enqueue(TestTask(0).prio(2), 0);
  p.enqueue(TestTask(1).prio(-1), 0);
  p.enqueue(TestTask(2).prio(2), 0);
  p.enqueue(TestTask(3).prio(0), 0);
  p.enqueue(TestTask(4).prio(-1), 0);
  EXPECT_EQ(drain(p), (Ids{1, 4, 3, 0, 2}));
}

TEST(Priority, SliceIsTheQuantumForRoundRobinWithinALevel) {
  PriorityPolicy p(4 * kMs, params(true, 0));
  EXPECT_EQ(p.timeslice_ns(TestTask(0), 0), 4 * kMs);
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1), 0);
  EXPECT_EQ(p.pick(0, 0), 0u);
  p.enqueue(TestTask(0).preempted(), 4 * kMs);
  EXPECT_EQ(p.pick(0, 4 * kMs), 1u) << "a preempted task goes behind its level";
}

TEST(Priority, PreemptiveOnlyForAStrictlyMoreUrgentTask) {
  PriorityPolicy p(10 * kMs, params(true, 0));
  TestTask running = TestTask(0).prio(3);
  EXPECT_TRUE(p.preempt(TestTask(1).prio(2), running, 0, 0));
  EXPECT_FALSE(p.preempt(TestTask(2).prio(3), running, 0, 0));
  EXPECT_FALSE(p.preempt(TestTask(3).prio(4), running, 0, 0));
}

TEST(Priority, NonPreemptiveNeverPreempts) {
  PriorityPolicy p(10 * kMs, params(false, 0));
  EXPECT_FALSE(p.preempt(TestTask(1).prio(-20), TestTask(0).prio(20), 0, 0));
}

TEST(Priority, WithoutAgingALowPriorityTaskWaitsBehindEveryNewcomer) {
  PriorityPolicy p(10 * kMs, params(true, 0));
  p.enqueue(TestTask(0).prio(5), 0);
  p.enqueue(TestTask(1).prio(0), 900 * kMs);
  EXPECT_EQ(p.pick(0, 900 * kMs), 1u);
}

TEST(Priority, AgingRaisesAWaitingTaskOneLevelPerAgingPeriod) {
  // aging 100 ms. Task 0 (priority 5) waits from 0; at 450 ms its effective
  // priority is 5 - 4 = 1. Task 1 (priority 2) enqueued at 450 has 2: 0 wins.
  PriorityPolicy p(10 * kMs, params(true, 100 * kMs));
  p.enqueue(TestTask(0).prio(5), 0);
  p.enqueue(TestTask(1).prio(2), 450 * kMs);
  EXPECT_EQ(p.pick(0, 450 * kMs), 0u);
}

TEST(Priority, AgingIsNotYetEnoughBeforeTheFullPeriods) {
  // At 250 ms task 0 has aged 2 levels: 5 - 2 = 3, less urgent than 2.
  PriorityPolicy p(10 * kMs, params(true, 100 * kMs));
  p.enqueue(TestTask(0).prio(5), 0);
  p.enqueue(TestTask(1).prio(2), 250 * kMs);
  EXPECT_EQ(p.pick(0, 250 * kMs), 1u);
}

TEST(Priority, AgingStartsAgainAfterTheTaskRuns) {
  // Task 0 (priority 5) waited 400 ms, ran, and is back at 500 ms: it starts
  // again at 5 and loses to task 1 (priority 2) enqueued at 500 ms.
  PriorityPolicy p(10 * kMs, params(true, 100 * kMs));
  p.enqueue(TestTask(0).prio(5), 0);
  EXPECT_EQ(p.pick(0, 400 * kMs), 0u);
  p.enqueue(TestTask(0).prio(5).preempted(), 500 * kMs);
  p.enqueue(TestTask(1).prio(2), 500 * kMs);
  EXPECT_EQ(p.pick(0, 500 * kMs), 1u);
}

}  // namespace
}  // namespace iosim
