// Shortest job first (non-preemptive), by the declared CPU length.
#include "kernel/policies/sjf_policy.h"

#include <gtest/gtest.h>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::cores;
using testing::drain;
using testing::Ids;
using testing::TestTask;

TEST(Sjf, ShortestDeclaredLengthFirst) {
  SjfPolicy p;
  p.enqueue(TestTask(0).expected(30 * kMs), 0);
  p.enqueue(TestTask(1).expected(10 * kMs), 0);
  p.enqueue(TestTask(2).expected(20 * kMs), 0);
  EXPECT_EQ(drain(p), (Ids{1, 2, 0}));
}

TEST(Sjf, UndeclaredTasksGoLastInFifoOrder) {
  SjfPolicy p;
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1).expected(90 * kMs), 0);
  p.enqueue(TestTask(2), 0);
  p.enqueue(TestTask(3).expected(5 * kMs), 0);
  EXPECT_EQ(drain(p), (Ids{3, 1, 0, 2}));
}

TEST(Sjf, EqualLengthsKeepEnqueueOrderNotIdOrder) {
  SjfPolicy p;
  for (std::uint64_t id : {4, 2, 7})
    p.enqueue(TestTask(id).expected(10 * kMs), 0);
  EXPECT_EQ(drain(p), (Ids{4, 2, 7}));
}

TEST(Sjf, NeverSlicesNorPreempts) {
  SjfPolicy p;
  TestTask running = TestTask(0).expected(100 * kMs);
  TestTask woken = TestTask(1).expected(1 * kMs);
  EXPECT_EQ(p.timeslice_ns(running, 0), 0);
  EXPECT_FALSE(p.preempt(woken, running, 0, 0));
}

TEST(Sjf, TheShortestMayBePinnedElsewhere) {
  SjfPolicy p;
  p.enqueue(TestTask(0).expected(1 * kMs).on(cores({1})), 0);
  p.enqueue(TestTask(1).expected(50 * kMs), 0);
  EXPECT_EQ(p.pick(0, 0), 1u);
  EXPECT_EQ(p.pick(1, 0), 0u);
}

}  // namespace
}  // namespace iosim
