// PerCoreQueues: one inner policy per core, cache-affine placement, work
// stealing that respects affinity, and forwarding of the notifications.
#include "kernel/policies/per_core_queues.h"

#include <gtest/gtest.h>

#include "kernel/policies/fifo_policy.h"
#include "kernel/policies/mlfq_policy.h"
#include "policies/policy_harness.h"
#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::cores;
using testing::drain;
using testing::Ids;
using testing::PolicyHarness;
using testing::TestTask;

PerCoreQueues fifo_per_core(int n, Ns quantum = 10 * kMs) {
  return PerCoreQueues(n, [quantum](int) { return std::make_unique<FifoPolicy>("rr", quantum); });
}

TEST(PerCoreQueues, NewTasksGoToTheLeastLoadedCoreTiesToTheLowest) {
  PerCoreQueues p = fifo_per_core(3);
  for (std::uint64_t id = 0; id < 5; ++id)
    p.enqueue(TestTask(id), 0);
  EXPECT_EQ(p.owner_of(0), 0);
  EXPECT_EQ(p.owner_of(1), 1);
  EXPECT_EQ(p.owner_of(2), 2);
  EXPECT_EQ(p.owner_of(3), 0);
  EXPECT_EQ(p.owner_of(4), 1);
  EXPECT_EQ(p.queued_on(0), 2u);
  EXPECT_EQ(p.queued_on(2), 1u);
}

TEST(PerCoreQueues, ATaskReturnsToTheCoreItLastRanOn) {
  PerCoreQueues p = fifo_per_core(2);
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1), 0);
  p.enqueue(TestTask(2).woken().last(1), 0);
  EXPECT_EQ(p.owner_of(2), 1) << "core 1 has more queued, but task 2's cache is there";
}

TEST(PerCoreQueues, PlacementHonoursAffinity) {
  PerCoreQueues p = fifo_per_core(3);
  p.enqueue(TestTask(0).on(cores({2})), 0);
  p.enqueue(TestTask(1).on(cores({1, 2})), 0);
  p.enqueue(TestTask(2).woken().last(0).on(cores({1})), 0);
  EXPECT_EQ(p.owner_of(0), 2);
  EXPECT_EQ(p.owner_of(1), 1) << "cores 1 and 2 allowed; 2 is busier";
  EXPECT_EQ(p.owner_of(2), 1) << "its last core is no longer allowed";
}

TEST(PerCoreQueues, EachCoreServesItsOwnQueueFirst) {
  PerCoreQueues p = fifo_per_core(2);
  for (std::uint64_t id = 0; id < 4; ++id)
    p.enqueue(TestTask(id), 0);
  EXPECT_EQ(p.pick(1, 0), 1u);
  EXPECT_EQ(p.pick(0, 0), 0u);
  EXPECT_EQ(p.pick(1, 0), 3u);
}

TEST(PerCoreQueues, AnIdleCoreStealsFromTheBusiestQueue) {
  PerCoreQueues p = fifo_per_core(3);
  p.enqueue(TestTask(0).woken().last(0), 0);
  p.enqueue(TestTask(1).woken().last(1), 0);
  p.enqueue(TestTask(2).woken().last(1), 0);
  EXPECT_EQ(p.pick(2, 0), 1u) << "core 1 has two queued; its first goes to core 2";
  EXPECT_EQ(p.owner_of(1), 2);
  EXPECT_EQ(p.queued_on(1), 1u);
  EXPECT_EQ(p.queued_on(2), 0u);
}

TEST(PerCoreQueues, StealingTakesOnlyTasksAllowedOnTheThief) {
  PerCoreQueues p = fifo_per_core(2);
  p.enqueue(TestTask(0).woken().last(0).on(cores({0})), 0);
  p.enqueue(TestTask(1).woken().last(0), 0);
  p.enqueue(TestTask(2).woken().last(0).on(cores({0})), 0);
  EXPECT_EQ(p.pick(1, 0), 1u) << "tasks 0 and 2 are pinned to core 0";
  EXPECT_EQ(p.pick(1, 0), IOSIM_NO_TASK);
  EXPECT_EQ(drain(p, 0), (Ids{0, 2}));
}

TEST(PerCoreQueues, PreemptIsAskedOnlyOfTheCoreWhoseQueueHoldsTheWokenTask) {
  MlfqParams m;
  m.allotment = 5 * kMs;
  PerCoreQueues q(2, [m](int) { return std::make_unique<MlfqPolicy>(10 * kMs, m); });
  // Core 0 runs task 0, which has used up its top-level allotment.
  q.enqueue(TestTask(0).woken().last(0), 0);
  ASSERT_EQ(q.pick(0, 0), 0u);
  q.timeslice_ns(TestTask(0), 0);
  TestTask running = TestTask(0).last(0).cpu(6 * kMs);
  // Task 1 wakes on core 1's queue: preempting core 0 would not run it.
  q.enqueue(TestTask(1).woken().last(1), 6 * kMs);
  EXPECT_FALSE(q.preempt(TestTask(1), running, 0, 6 * kMs));
  // Task 2 wakes on core 0's queue, on the top level: it preempts.
  q.enqueue(TestTask(2).woken().last(0), 6 * kMs);
  EXPECT_TRUE(q.preempt(TestTask(2), running, 0, 6 * kMs));
}

TEST(PerCoreQueues, AStolenTaskIsForgottenByItsOldQueue) {
  MlfqParams m;
  m.allotment = 5 * kMs;
  PerCoreQueues p(2, [m](int) { return std::make_unique<MlfqPolicy>(10 * kMs, m); });
  p.enqueue(TestTask(0).woken().last(0), 0);
  p.enqueue(TestTask(1).woken().last(0), 0);
  EXPECT_EQ(p.pick(1, 0), 0u);
  EXPECT_EQ(p.timeslice_ns(TestTask(0).last(0), 1), 10 * kMs);
  // It runs and blocks on core 1: the notification goes to core 1's instance.
  p.block(TestTask(0).last(1).cpu(6 * kMs), 6 * kMs);
  p.enqueue(TestTask(0).woken().last(1).cpu(6 * kMs), 7 * kMs);
  EXPECT_EQ(p.owner_of(0), 1);
  EXPECT_EQ(p.pick(1, 7 * kMs), 0u);
  EXPECT_EQ(p.timeslice_ns(TestTask(0).last(1).cpu(6 * kMs), 1), 20 * kMs)
      << "core 1's MLFQ charged the 6 ms and moved it down";
}

TEST(PerCoreQueues, TwoCoresDrainFourJobsByStealing) {
  // RR 10 ms, 2 cores; A, B, C, D arrive at 0, each 20 ms of CPU. Placement:
  // A->0, B->1, C->0, D->1. Each core round-robins its own two:
  // core 0 A 0-10, C 10-20, A 20-30, C 30-40; core 1 likewise with B and D.
  PerCoreQueues p = fifo_per_core(2);
  PolicyHarness h(p,
                  {{"A", 0, 20 * kMs}, {"B", 0, 20 * kMs}, {"C", 0, 20 * kMs}, {"D", 0, 20 * kMs}},
                  {.cores = 2});
  h.run();
  EXPECT_EQ(h.timeline(),
            "0:A 0-10, 1:B 0-10, 0:C 10-20, 1:D 10-20, 0:A 20-30, 1:B 20-30, 0:C 30-40, 1:D 30-40");
}

TEST(PerCoreQueues, AnIdleCoreStealsInsteadOfIdling) {
  // A (30 ms) and B, C (10 ms) arrive at 0 on 2 cores, FCFS: A->0, B->1, C->0.
  // Core 1 finishes B at 10 and steals C from core 0, which is busy with A.
  PerCoreQueues p(2, [](int) { return std::make_unique<FifoPolicy>("fcfs", 0); });
  PolicyHarness h(p, {{"A", 0, 30 * kMs}, {"B", 0, 10 * kMs}, {"C", 0, 10 * kMs}}, {.cores = 2});
  h.run();
  EXPECT_EQ(h.timeline(), "0:A 0-30, 1:B 0-10, 1:C 10-20");
}

}  // namespace
}  // namespace iosim
