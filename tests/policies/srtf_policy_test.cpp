// Shortest remaining time first (STCF): remaining = expected - cpu used.
#include "kernel/policies/srtf_policy.h"

#include <gtest/gtest.h>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::drain;
using testing::Ids;
using testing::TestTask;

TEST(Srtf, RanksByRemainingTimeNotByDeclaredLength) {
  SrtfPolicy p;
  // 0 declared 100 ms but has used 95: 5 left. 1 declared 10 and used none.
  p.enqueue(TestTask(0).expected(100 * kMs).cpu(95 * kMs).preempted(), 0);
  p.enqueue(TestTask(1).expected(10 * kMs), 0);
  EXPECT_EQ(drain(p), (Ids{0, 1}));
}

TEST(Srtf, RemainingNeverGoesBelowZero) {
  TestTask overran = TestTask(0).expected(10 * kMs).cpu(25 * kMs);
  EXPECT_EQ(SrtfPolicy::remaining_ns(overran), 0);
}

TEST(Srtf, AWokenTaskWithLessRemainingPreempts) {
  SrtfPolicy p;
  TestTask running = TestTask(0).expected(100 * kMs).cpu(40 * kMs);  // 60 left
  EXPECT_TRUE(p.preempt(TestTask(1).expected(59 * kMs), running, 0, 0));
  EXPECT_FALSE(p.preempt(TestTask(2).expected(60 * kMs), running, 0, 0))
      << "a tie does not preempt";
}

TEST(Srtf, UndeclaredTasksComeLastAndNeverPreempt) {
  SrtfPolicy p;
  TestTask undeclared = TestTask(0);
  TestTask declared = TestTask(1).expected(500 * kMs);
  EXPECT_FALSE(p.preempt(undeclared, declared, 0, 0));
  EXPECT_FALSE(p.preempt(TestTask(2), undeclared, 0, 0));
  EXPECT_TRUE(p.preempt(declared, undeclared, 0, 0))
      << "a declared task outranks an undeclared one";
  p.enqueue(undeclared, 0);
  p.enqueue(declared, 0);
  EXPECT_EQ(drain(p), (Ids{1, 0}));
}

TEST(Srtf, KeepsTheNameItWasCalledByAndHasNoSlice) {
  EXPECT_STREQ(SrtfPolicy("stcf").name(), "stcf");
  EXPECT_STREQ(SrtfPolicy().name(), "srtf");
  EXPECT_EQ(SrtfPolicy().timeslice_ns(TestTask(0), 0), 0);
}

}  // namespace
}  // namespace iosim
