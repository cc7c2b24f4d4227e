// Textbook schedules, computed by hand and replayed on the reference harness
// (policy_harness.h): OSTEP chapter 7 (FIFO, SJF, STCF, RR), chapter 8 (MLFQ)
// and chapter 9 (stride). Units are milliseconds; the working is in the comments.
#include <gtest/gtest.h>

#include "kernel/policies/fifo_policy.h"
#include "kernel/policies/mlfq_policy.h"
#include "kernel/policies/priority_policy.h"
#include "kernel/policies/sjf_policy.h"
#include "kernel/policies/srtf_policy.h"
#include "kernel/policies/stride_policy.h"
#include "policies/policy_harness.h"

namespace iosim {
namespace {

using testing::Job;
using testing::PolicyHarness;

// A job of `length` ms arriving at `arrival` ms, declaring its length (for SJF/STCF).
Job job(const char* name, Ns arrival, Ns length) {
  return Job{
      .name = name, .arrival = arrival * kMs, .length = length * kMs, .expected = length * kMs};
}

TEST(Ostep7, FifoWithThreeEqualJobsAveragesTwentyTurnaround) {
  // A, B, C (10 each) at 0: they finish at 10, 20, 30 -> (10 + 20 + 30) / 3 = 20.
  FifoPolicy fifo("fcfs", 0);
  PolicyHarness h(fifo, {job("A", 0, 10), job("B", 0, 10), job("C", 0, 10)});
  h.run();
  EXPECT_EQ(h.timeline(), "A 0-10, B 10-20, C 20-30");
  EXPECT_DOUBLE_EQ(h.average_turnaround(), 20);
}

TEST(Ostep7, FifoConvoyBehindALongJobAveragesOneHundredTen) {
  // A = 100, B = C = 10 at 0: finish at 100, 110, 120 -> 330 / 3 = 110.
  FifoPolicy fifo("fcfs", 0);
  PolicyHarness h(fifo, {job("A", 0, 100), job("B", 0, 10), job("C", 0, 10)});
  h.run();
  EXPECT_DOUBLE_EQ(h.average_turnaround(), 110);
}

TEST(Ostep7, SjfRunsTheShortJobsFirstAndAveragesFifty) {
  // Same jobs: B 0-10, C 10-20, A 20-120 -> (10 + 20 + 120) / 3 = 50.
  SjfPolicy sjf;
  PolicyHarness h(sjf, {job("A", 0, 100), job("B", 0, 10), job("C", 0, 10)});
  h.run();
  EXPECT_EQ(h.timeline(), "B 0-10, C 10-20, A 20-120");
  EXPECT_DOUBLE_EQ(h.average_turnaround(), 50);
}

TEST(Ostep7, SjfCannotHelpJobsThatArriveAfterTheLongOneStarted) {
  // A = 100 at 0, B = C = 10 at 10: A runs to 100, then B, C.
  // Turnarounds 100, 100 - 10 + 10 = 100, 110 - 10 + 10 = 110 -> 310 / 3.
  SjfPolicy sjf;
  PolicyHarness h(sjf, {job("A", 0, 100), job("B", 10, 10), job("C", 10, 10)});
  h.run();
  EXPECT_EQ(h.timeline(), "A 0-100, B 100-110, C 110-120");
  EXPECT_NEAR(h.average_turnaround(), 310.0 / 3, 1e-9);
}

TEST(Ostep7, StcfPreemptsTheLongJobAndAveragesFifty) {
  // At 10, B arrives with 10 left against A's 90: B preempts. C (10) waits for
  // B (a tie does not preempt). B 10-20, C 20-30, A 30-120:
  // turnarounds 120, 10, 20 -> 150 / 3 = 50.
  SrtfPolicy stcf("stcf");
  PolicyHarness h(stcf, {job("A", 0, 100), job("B", 10, 10), job("C", 10, 10)});
  h.run();
  EXPECT_EQ(h.timeline(), "A 0-10, B 10-20, C 20-30, A 30-120");
  EXPECT_DOUBLE_EQ(h.average_turnaround(), 50);
}

TEST(Ostep7, RoundRobinWithAOneUnitSliceAveragesOneResponse) {
  // A, B, C (5 each) at 0, quantum 1: ABCABC... First runs at 0, 1, 2 ->
  // response (0 + 1 + 2) / 3 = 1. Last slices: A 12-13, B 13-14, C 14-15 ->
  // turnaround (13 + 14 + 15) / 3 = 14.
  FifoPolicy rr("rr", 1 * kMs);
  PolicyHarness h(rr, {job("A", 0, 5), job("B", 0, 5), job("C", 0, 5)});
  h.run();
  EXPECT_DOUBLE_EQ(h.average_response(), 1);
  EXPECT_DOUBLE_EQ(h.average_turnaround(), 14);
  EXPECT_EQ(h.stats("C").finish, 15 * kMs);
}

TEST(Ostep7, SjfOnTheSameJobsAveragesFiveResponseButTenTurnaround) {
  // A 0-5, B 5-10, C 10-15: response (0 + 5 + 10) / 3 = 5; turnaround (5 + 10 + 15) / 3 = 10.
  SjfPolicy sjf;
  PolicyHarness h(sjf, {job("A", 0, 5), job("B", 0, 5), job("C", 0, 5)});
  h.run();
  EXPECT_DOUBLE_EQ(h.average_response(), 5);
  EXPECT_DOUBLE_EQ(h.average_turnaround(), 10);
  EXPECT_DOUBLE_EQ(h.average_waiting(), 5);
}

// MLFQ with 3 levels, quanta 10/20/40, allotment 20. A (400) starts at 0, an
// interactive B (15) at 100, C (10) at 210.
//  - A alone: slices 10, 10 on level 0 (20 used: down), 20 on level 1 (down),
//    then 40s on level 2 (renewed at 40, 80: next slice end 120).
//  - 100: B enters level 0 and preempts A. B's slice ends at 110 with A ready,
//    but B (10 of 20 used) is still on level 0 and runs on; it ends at 115.
//  - A runs from 115 on level 2 (slices end at 155, 195, 235).
MlfqParams ostep8(Ns boost_ms) {
  MlfqParams m;
  m.levels = 3;
  m.quanta = {10 * kMs, 20 * kMs, 40 * kMs};
  m.allotment = 20 * kMs;
  m.boost = boost_ms * kMs;
  return m;
}

TEST(Ostep8, WithoutABoostANewJobPreemptsTheDemotedLongOne) {
  // 210: C enters level 0, A is on level 2: C preempts, runs 210-220.
  // A has used 100 + 95 = 195: its last 205 run 220-425.
  MlfqPolicy mlfq(10 * kMs, ostep8(0));
  PolicyHarness h(mlfq, {job("A", 0, 400), job("B", 100, 15), job("C", 210, 10)});
  h.run();
  EXPECT_EQ(h.timeline(), "A 0-100, B 100-115, A 115-210, C 210-220, A 220-425");
  EXPECT_EQ(h.stats("B").response(), 0) << "the short job stays on the top level";
  EXPECT_EQ(h.stats("C").turnaround(), 10 * kMs);
}

TEST(Ostep8, TheBoostBringsTheLongJobBackToTheTop) {
  // Boost every 200: at 210, C's arrival finds A on level 0 again (the boost
  // at 200), so C does not preempt. A's slice (from 195) ends at 235 with C
  // ready: A is charged 25 on level 0 (>= 20: down to level 1) and C runs
  // 235-245; A's last 180 run 245-425.
  MlfqPolicy mlfq(10 * kMs, ostep8(200));
  PolicyHarness h(mlfq, {job("A", 0, 400), job("B", 100, 15), job("C", 210, 10)});
  h.run();
  EXPECT_EQ(h.timeline(), "A 0-100, B 100-115, A 115-235, C 235-245, A 245-425");
  EXPECT_EQ(h.stats("C").turnaround(), 35 * kMs);
}

TEST(Ostep9, StrideGivesCpuInExactProportionToTickets) {
  // Tickets 100 : 50 : 250, quantum 10: every 80 ms is one cycle of 2 + 1 + 5 quanta.
  StridePolicy stride(10 * kMs);
  PolicyHarness h(stride,
                  {{.name = "A", .length = 10 * kSec, .tickets = 100},
                   {.name = "B", .length = 10 * kSec, .tickets = 50},
                   {.name = "C", .length = 10 * kSec, .tickets = 250}},
                  {.until = 800 * kMs});
  h.run();
  EXPECT_EQ(h.stats("A").cpu, 200 * kMs);
  EXPECT_EQ(h.stats("B").cpu, 100 * kMs);
  EXPECT_EQ(h.stats("C").cpu, 500 * kMs);
}

TEST(PriorityExample, PreemptiveLetsTheUrgentJobInAtOnce) {
  // L (priority 5, 50) at 0; H (priority 0, 10) at 20 preempts: L 0-20, H 20-30, L 30-60.
  PriorityParams params;
  PriorityPolicy prio(10 * kMs, params);
  PolicyHarness h(prio, {{.name = "L", .length = 50 * kMs, .priority = 5},
                         {.name = "H", .arrival = 20 * kMs, .length = 10 * kMs}});
  h.run();
  EXPECT_EQ(h.timeline(), "L 0-20, H 20-30, L 30-60");
}

TEST(PriorityExample, NonPreemptiveMakesTheUrgentJobWaitForTheSliceEnd) {
  // Same jobs, preemptive = false: H waits for L's slice (20-30) to end.
  PriorityParams params;
  params.preemptive = false;
  PriorityPolicy prio(10 * kMs, params);
  PolicyHarness h(prio, {{.name = "L", .length = 50 * kMs, .priority = 5},
                         {.name = "H", .arrival = 20 * kMs, .length = 10 * kMs}});
  h.run();
  EXPECT_EQ(h.timeline(), "L 0-30, H 30-40, L 40-60");
}

}  // namespace
}  // namespace iosim
