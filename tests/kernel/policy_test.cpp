// The scheduler interface (kernel/scheduler.h): built-in policies and a
// policy loaded from a C shared library, driven directly (no simulation).
#include <gtest/gtest.h>

#include <stdexcept>

#include "kernel/policy_registry.h"

namespace iosim {
namespace {

sched::Task task(std::uint64_t id) {
  return sched::Task{id, "t", 0, 0, 0, IOSIM_READY_ARRIVED, 0};
}

TEST(BuiltinPolicies, FcfsServesInArrivalOrderWithoutATimeSlice) {
  auto p = make_builtin_policy("fcfs", 10'000'000);
  ASSERT_TRUE(p);
  for (std::uint64_t id : {3, 1, 2})
    p->enqueue(task(id), 0);
  EXPECT_EQ(p->pick(0, 0), 3u);
  EXPECT_EQ(p->pick(0, 0), 1u);
  EXPECT_EQ(p->pick(0, 0), 2u);
  EXPECT_EQ(p->pick(0, 0), IOSIM_NO_TASK);
  EXPECT_EQ(p->timeslice_ns(task(1)), 0) << "FCFS never preempts";
}

TEST(BuiltinPolicies, RoundRobinGivesTheScenarioQuantum) {
  auto p = make_builtin_policy("rr", 7'000'000);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->timeslice_ns(task(1)), 7'000'000);
  EXPECT_STREQ(p->name(), "rr");
}

TEST(BuiltinPolicies, UnknownNameGivesNothing) {
  EXPECT_EQ(make_builtin_policy("lottery", 1), nullptr);
}

TEST(CPolicyLibrary, LoadsAndDrivesAPolicyWrittenInC) {
  auto p = load_policy_library(IOSIM_TEST_C_POLICY, 5'000'000);
  ASSERT_TRUE(p);
  EXPECT_STREQ(p->name(), "lifo");
  for (std::uint64_t id : {1, 2, 3})
    p->enqueue(task(id), 0);
  EXPECT_EQ(p->pick(0, 0), 3u) << "last in, first out";
  EXPECT_EQ(p->pick(1, 0), 2u);
  EXPECT_EQ(p->timeslice_ns(task(1)), 5'000'000);
}

TEST(CPolicyLibrary, AMissingLibraryIsAClearError) {
  try {
    load_policy_library("/nonexistent/policy.so", 1);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot load policy"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace iosim
