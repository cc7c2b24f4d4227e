// FCFS and Round-Robin (FifoPolicy): one FIFO queue, with or without a slice.
#include "kernel/policies/fifo_policy.h"

#include <gtest/gtest.h>

#include "policies/policy_harness.h"
#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::cores;
using testing::drain;
using testing::Ids;
using testing::Job;
using testing::PolicyHarness;
using testing::TestTask;

TEST(Fifo, ServesInEnqueueOrderWhateverTheReasonOrId) {
  FifoPolicy p("fcfs", 0);
  p.enqueue(TestTask(5), 0);
  p.enqueue(TestTask(2).woken(), 1);
  p.enqueue(TestTask(9).preempted(), 2);
  EXPECT_EQ(drain(p), (Ids{5, 2, 9}));
  EXPECT_EQ(p.pick(0, 3), IOSIM_NO_TASK);
}

TEST(Fifo, APreemptedTaskGoesToTheBack) {
  FifoPolicy p("rr", 10 * kMs);
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1), 0);
  EXPECT_EQ(p.pick(0, 0), 0u);
  p.enqueue(TestTask(0).preempted().cpu(10 * kMs), 10 * kMs);
  EXPECT_EQ(drain(p), (Ids{1, 0}));
}

TEST(Fifo, SkipsTasksPinnedElsewhereAndKeepsTheirPlace) {
  FifoPolicy p("rr", 10 * kMs);
  p.enqueue(TestTask(0).on(cores({1})), 0);
  p.enqueue(TestTask(1), 0);
  p.enqueue(TestTask(2), 0);
  EXPECT_EQ(p.pick(0, 0), 1u) << "task 0 may not run on core 0";
  EXPECT_EQ(p.pick(1, 0), 0u) << "task 0 is still first for core 1";
  EXPECT_EQ(p.pick(0, 0), 2u);
}

TEST(Fifo, FcfsHasNoSliceAndRoundRobinTheQuantum) {
  EXPECT_EQ(FifoPolicy("fcfs", 0).timeslice_ns(TestTask(0), 0), 0);
  EXPECT_EQ(FifoPolicy("rr", 3 * kMs).timeslice_ns(TestTask(0), 0), 3 * kMs);
}

TEST(Fifo, TwoCoresShareOneQueue) {
  // A, B, C, D arrive at 0 with 10, 20, 10, 10 ms on two cores, FCFS:
  // core 0 takes A (0-10), core 1 B (0-20); at 10 core 0 takes C (10-20);
  // at 20 both free: core 0 takes D (20-30).
  FifoPolicy p("fcfs", 0);
  PolicyHarness h(p,
                  {{"A", 0, 10 * kMs}, {"B", 0, 20 * kMs}, {"C", 0, 10 * kMs}, {"D", 0, 10 * kMs}},
                  {.cores = 2});
  h.run();
  EXPECT_EQ(h.timeline(), "0:A 0-10, 1:B 0-20, 0:C 10-20, 0:D 20-30");
}

}  // namespace
}  // namespace iosim
