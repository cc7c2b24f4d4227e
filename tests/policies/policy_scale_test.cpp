// Every built-in policy with 100,000 tasks: each ready task is picked exactly
// once, and a run of preempt-and-pick cycles completes. An O(n) pick would
// make this take minutes and time out.
#include <gtest/gtest.h>

#include <string>

#include "kernel/policies/policy_registry.h"
#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::TestTask;

constexpr std::uint64_t kTasks = 100'000;

TestTask varied(std::uint64_t id) {
  return TestTask(id)
      .prio(static_cast<int>(id % 5))
      .with_nice(static_cast<int>(id % 40) - 20)
      .with_tickets(static_cast<std::uint32_t>(1 + id % 300))
      .expected(static_cast<Ns>(1 + id % 1000) * kMs);
}

void drains_each_task_once(const std::string& name, const PolicyParams& params) {
  auto p = make_builtin_policy(name, params);
  ASSERT_TRUE(p) << name;
  for (std::uint64_t id = 0; id < kTasks; ++id)
    p->enqueue(varied(id), 0);
  std::vector<char> seen(kTasks, 0);
  std::uint64_t picks = 0;
  for (std::uint64_t id = p->pick(0, 1); id != IOSIM_NO_TASK; id = p->pick(0, 1)) {
    ASSERT_LT(id, kTasks) << name;
    ASSERT_EQ(seen[id], 0) << name << " picked task " << id << " twice";
    seen[id] = 1;
    ++picks;
  }
  EXPECT_EQ(picks, kTasks) << name;
}

void cycles_through_preemptions(const std::string& name, const PolicyParams& params) {
  auto p = make_builtin_policy(name, params);
  std::vector<Ns> cpu(kTasks, 0);
  for (std::uint64_t id = 0; id < kTasks; ++id)
    p->enqueue(varied(id), 0);
  Ns now = 0;
  for (std::uint64_t i = 0; i < kTasks; ++i, now += kMs) {
    int core = static_cast<int>(i % static_cast<std::uint64_t>(params.cores));
    std::uint64_t id = p->pick(core, now);
    ASSERT_NE(id, IOSIM_NO_TASK) << name << " lost tasks after " << i << " cycles";
    p->timeslice_ns(varied(id).cpu(cpu[id]).last(core), core);
    cpu[id] += kMs;
    p->enqueue(varied(id).cpu(cpu[id]).last(core).preempted(), now + kMs);
  }
}

// Half the tasks are pinned to core 1 and queued first: core 0 must not walk
// past them on every pick.
void skips_pinned_tasks_cheaply(const std::string& name) {
  PolicyParams params;
  params.cores = 2;
  auto p = make_builtin_policy(name, params);
  for (std::uint64_t id = 0; id < kTasks; ++id) {
    TestTask t = varied(id);
    p->enqueue(id < kTasks / 2 ? t.on(testing::cores({1})) : t, 0);
  }
  for (std::uint64_t i = 0; i < kTasks / 2; ++i) {
    std::uint64_t id = p->pick(0, 1);
    ASSERT_GE(id, kTasks / 2) << name << " gave core 0 a task pinned to core 1";
    ASSERT_LT(id, kTasks) << name;
  }
  EXPECT_EQ(p->pick(0, 1), IOSIM_NO_TASK) << name;
  EXPECT_LT(p->pick(1, 1), kTasks / 2) << name;
}

TEST(PolicyScale, PinnedTasksDoNotSlowDownOtherCores) {
  for (const std::string& name : builtin_policy_names())
    skips_pinned_tasks_cheaply(name);
}

TEST(PolicyScale, EveryPolicyDrainsAHundredThousandTasksOnce) {
  for (const std::string& name : builtin_policy_names())
    drains_each_task_once(name, {});
}

TEST(PolicyScale, EveryPolicyOnPerCoreQueuesDrainsAHundredThousandTasksOnce) {
  PolicyParams params;
  params.cores = 4;
  params.per_core_queues = true;
  for (const std::string& name : builtin_policy_names())
    drains_each_task_once(name, params);
}

TEST(PolicyScale, EveryPolicyCyclesAHundredThousandPreemptions) {
  PolicyParams params;
  params.cores = 2;
  for (const std::string& name : builtin_policy_names())
    cycles_through_preemptions(name, params);
}

}  // namespace
}  // namespace iosim
