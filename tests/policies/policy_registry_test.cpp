// The policy registry: every built-in name makes a policy, per-core queues
// wrap it, and a policy written in C loads from a shared library and is
// driven through the same C++ interface (kernel/scheduler.h, ABI v2).
#include "kernel/policies/policy_registry.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::drain;
using testing::Ids;
using testing::TestTask;

TEST(PolicyRegistry, EveryListedNameMakesAPolicyOfThatName) {
  for (const std::string& name : builtin_policy_names()) {
    auto p = make_builtin_policy(name, PolicyParams{});
    ASSERT_TRUE(p) << name;
    EXPECT_EQ(std::string(p->name()), name) << "stcf is an alias but keeps the scenario's name";
  }
}

TEST(PolicyRegistry, ListsTheAliasAndEveryPolicyInAFixedOrder) {
  EXPECT_EQ(builtin_policy_names(),
            (std::vector<std::string>{"fcfs", "sjf", "srtf", "stcf", "rr", "priority", "mlfq",
                                      "lottery", "stride", "cfs"}));
}

TEST(PolicyRegistry, UnknownNameGivesNothing) {
  EXPECT_EQ(make_builtin_policy("fifo", PolicyParams{}), nullptr);
  PolicyParams per_core;
  per_core.per_core_queues = true;
  EXPECT_EQ(make_builtin_policy("fifo", per_core), nullptr);
}

TEST(PolicyRegistry, FcfsServesInArrivalOrderWithoutATimeSlice) {
  auto p = make_builtin_policy("fcfs", PolicyParams{});
  for (std::uint64_t id : {3, 1, 2})
    p->enqueue(TestTask(id), 0);
  EXPECT_EQ(drain(*p), (Ids{3, 1, 2}));
  EXPECT_EQ(p->timeslice_ns(TestTask(1), 0), 0) << "FCFS never preempts";
}

TEST(PolicyRegistry, SlicedPoliciesGiveTheScenarioQuantum) {
  PolicyParams params;
  params.quantum = 7 * kMs;
  for (const char* name : {"rr", "priority", "lottery", "stride"}) {
    auto p = make_builtin_policy(name, params);
    EXPECT_EQ(p->timeslice_ns(TestTask(1), 0), 7 * kMs) << name;
  }
}

TEST(PolicyRegistry, PerCoreQueuesKeepThePolicyNameAndServeEachCore) {
  PolicyParams params;
  params.cores = 2;
  params.per_core_queues = true;
  for (const std::string& name : builtin_policy_names()) {
    auto p = make_builtin_policy(name, params);
    ASSERT_TRUE(p) << name;
    EXPECT_EQ(std::string(p->name()), name);
    p->enqueue(TestTask(0), 0);
    p->enqueue(TestTask(1), 0);
    // One task on each core's queue (fewest queued, ties to the lowest core).
    EXPECT_EQ(p->pick(1, 0), 1u) << name;
    EXPECT_EQ(p->pick(0, 0), 0u) << name;
  }
}

TEST(CPolicyLibrary, LoadsAndDrivesAPolicyWrittenInC) {
  sched::Config config{5 * kMs, 2, 0, 1};
  auto p = load_policy_library(IOSIM_TEST_C_POLICY, config);
  ASSERT_TRUE(p);
  EXPECT_STREQ(p->name(), "lifo");
  for (std::uint64_t id : {1, 2, 3})
    p->enqueue(TestTask(id), 0);
  EXPECT_EQ(p->pick(0, 0), 3u) << "last in, first out";
  EXPECT_EQ(p->pick(1, 0), 2u);
  EXPECT_EQ(p->timeslice_ns(TestTask(1), 0), 5 * kMs);
}

TEST(CPolicyLibrary, MissingOptionalCallbacksMeanNoPreemption) {
  auto p = load_policy_library(IOSIM_TEST_C_POLICY, sched::Config{5 * kMs, 1, 0, 1});
  TestTask running(1), woken(2);
  p->block(running, 0);
  p->exit(running, 0);
  EXPECT_FALSE(p->tick(0, running, 0));
  EXPECT_FALSE(p->preempt(woken, running, 0, 0));
}

TEST(CPolicyLibrary, AMissingLibraryIsAClearError) {
  try {
    load_policy_library("/nonexistent/policy.so", sched::Config{1, 1, 0, 1});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load policy"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace iosim
