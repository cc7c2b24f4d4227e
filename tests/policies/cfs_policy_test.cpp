// CFS: vruntime scaled by Linux's nice weights, min_vruntime placement,
// weighted slices, wakeup preemption.
#include "kernel/policies/cfs_policy.h"

#include <gtest/gtest.h>

#include "kernel/policies/nice_weights.h"
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

CfsParams defaults() {
  return CfsParams{};
}  // latency 24 ms, min 3 ms, wakeup 1 ms

// Picks `id` at `now`, lets it run `ran` from `cpu`, and puts it back preempted.
void run_once(CfsPolicy& p, TestTask t, Ns ran) {
  ASSERT_EQ(p.pick(0, 0), t.id);
  p.timeslice_ns(t, 0);
  p.enqueue(t.cpu(t.cpu_ns + ran).preempted(), 0);
}

TEST(Cfs, UsesLinuxNiceWeights) {
  EXPECT_EQ(nice_to_weight(0), 1024);
  EXPECT_EQ(nice_to_weight(-20), 88761);
  EXPECT_EQ(nice_to_weight(19), 15);
  EXPECT_EQ(nice_to_weight(5), 335);
  EXPECT_EQ(nice_to_weight(-40), 88761) << "clamped to -20..19";
}

TEST(Cfs, VruntimeGrowsByCpuTimesNiceZeroWeightOverWeight) {
  CfsPolicy p(defaults());
  p.enqueue(TestTask(0).with_nice(5), 0);
  run_once(p, TestTask(0).with_nice(5), 10 * kMs);
  EXPECT_EQ(p.vruntime_of(0), 10 * kMs * 1024 / 335);
  CfsPolicy q(defaults());
  q.enqueue(TestTask(0), 0);
  run_once(q, TestTask(0), 10 * kMs);
  EXPECT_EQ(q.vruntime_of(0), 10 * kMs) << "nice 0: virtual time is real time";
}

TEST(Cfs, PicksTheSmallestVruntimeTiesToTheLowerId) {
  CfsPolicy p(defaults());
  p.enqueue(TestTask(3), 0);
  p.enqueue(TestTask(1), 0);
  p.enqueue(TestTask(2), 0);
  EXPECT_EQ(p.pick(0, 0), 1u) << "all at min_vruntime 0";
  p.timeslice_ns(TestTask(1), 0);
  p.enqueue(TestTask(1).cpu(1 * kMs).preempted(), 0);
  EXPECT_EQ(drain(p), (Ids{2, 3, 1}));
}

TEST(Cfs, ANewTaskStartsAtMinVruntime) {
  CfsPolicy p(defaults());
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1), 0);
  run_once(p, TestTask(0), 30 * kMs);
  run_once(p, TestTask(1), 30 * kMs);
  run_once(p, TestTask(0).cpu(30 * kMs), 30 * kMs);
  // vruntimes: 0 at 60 ms, 1 at 30 ms; min_vruntime has reached 30 ms.
  EXPECT_EQ(p.min_vruntime(), 30 * kMs);
  p.enqueue(TestTask(2), 0);
  EXPECT_EQ(p.vruntime_of(2), 30 * kMs);
}

TEST(Cfs, ASleeperWakesAtMostHalfALatencyBehind) {
  CfsPolicy p(defaults());
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1), 0);
  // Task 1 runs a little and blocks; task 0 then runs 200 ms.
  ASSERT_EQ(p.pick(0, 0), 0u);
  ASSERT_EQ(p.pick(1, 0), 1u);
  p.timeslice_ns(TestTask(1), 1);
  p.block(TestTask(1).cpu(1 * kMs), 1 * kMs);
  p.timeslice_ns(TestTask(0), 0);
  p.enqueue(TestTask(0).cpu(200 * kMs).preempted(), 200 * kMs);
  ASSERT_EQ(p.min_vruntime(), 200 * kMs);
  p.enqueue(TestTask(1).cpu(1 * kMs).woken(), 200 * kMs);
  EXPECT_EQ(p.vruntime_of(1), 200 * kMs - 12 * kMs);
}

TEST(Cfs, SliceIsTheLatencySharedByWeight) {
  CfsPolicy p(defaults());
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1).with_nice(-5), 0);  // weight 3121
  ASSERT_EQ(p.pick(0, 0), 0u);
  // 24 ms * 1024 / (1024 + 3121)
  EXPECT_EQ(p.timeslice_ns(TestTask(0), 0), 24 * kMs * 1024 / 4145);
}

TEST(Cfs, SliceIsNeverBelowTheMinimumGranularity) {
  CfsPolicy p(defaults());
  for (std::uint64_t id = 0; id < 20; ++id)
    p.enqueue(TestTask(id), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  EXPECT_EQ(p.timeslice_ns(TestTask(0), 0), 3 * kMs) << "24 ms / 20 = 1.2 ms < 3 ms";
}

TEST(Cfs, AWokenTaskPreemptsOnlyWhenFurtherBehindThanTheWakeupGranularity) {
  CfsPolicy p(defaults());
  p.enqueue(TestTask(0), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  p.timeslice_ns(TestTask(0), 0);
  p.enqueue(TestTask(1), 0);  // vruntime 0
  EXPECT_FALSE(p.preempt(TestTask(1), TestTask(0).cpu(1 * kMs), 0, 1 * kMs))
      << "1 ms ahead is not more than the 1 ms granularity";
  EXPECT_TRUE(p.preempt(TestTask(1), TestTask(0).cpu(2 * kMs), 0, 2 * kMs));
}

TEST(Cfs, TickPreemptsOnceTheSliceIsUsedAndSomeoneIsReady) {
  CfsPolicy p(defaults());
  p.enqueue(TestTask(0), 0);
  p.enqueue(TestTask(1).on(cores({1})), 0);
  ASSERT_EQ(p.pick(0, 0), 0u);
  Ns slice = p.timeslice_ns(TestTask(0), 0);  // 12 ms: two tasks of equal weight
  EXPECT_FALSE(p.tick(0, TestTask(0).cpu(slice - 1), slice - 1));
  EXPECT_FALSE(p.tick(0, TestTask(0).cpu(slice), slice)) << "the ready one may not run on core 0";
  p.enqueue(TestTask(2), slice);
  EXPECT_TRUE(p.tick(0, TestTask(0).cpu(slice), slice));
}

TEST(Cfs, CpuIsSharedInProportionToWeight) {
  // Nice 0 (1024) and nice 5 (335) on one core for 10 s: CPU in 1024:335.
  CfsPolicy p(defaults());
  PolicyHarness h(p, {{"heavy", 0, 100 * kSec}, {"light", 0, 100 * kSec, 0, 5}},
                  {.until = 10 * kSec});
  h.run();
  double heavy = double(h.stats("heavy").cpu), light = double(h.stats("light").cpu);
  EXPECT_NEAR(heavy / (heavy + light), 1024.0 / 1359.0, 0.01)
      << "heavy " << heavy / kMs << " ms, light " << light / kMs << " ms";
}

TEST(Cfs, EqualWeightsShareEquallyOnTwoCores) {
  CfsPolicy p(defaults());
  std::vector<Job> jobs;
  for (const char* name : {"a", "b", "c"})
    jobs.push_back({name, 0, 100 * kSec});
  PolicyHarness h(p, jobs, {.cores = 2, .until = 6 * kSec});
  h.run();
  for (const char* name : {"a", "b", "c"})
    EXPECT_NEAR(double(h.stats(name).cpu) / kSec, 4.0, 0.1) << name << ": 12 core-s over 3 tasks";
}

}  // namespace
}  // namespace iosim
