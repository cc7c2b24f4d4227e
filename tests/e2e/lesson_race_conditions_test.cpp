// workloads/race-conditions end to end: two threads on two cores add 1 to a
// shared counter 10 000 times each. Without synchronisation about half of the
// updates are lost; a mutex makes the count right at a small cost (it is
// hardly contended: a would-be sleeper finds it free once in the kernel, as
// with a real futex)
// it, 7 times slower; an atomic add is right and as fast as the racy code.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file) {
  CommandResult r = run_iosim("run " + workload("race-conditions/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

double ms(const json& ns) {
  return ns.get<double>() / 1e6;
}

int counter(const json& report) {
  return report["processes"][0]["variables"]["counter"].get<int>();
}

TEST(LessonRaceConditions, UnsynchronisedAddsLoseAboutHalfOfTheUpdates) {
  json r = run_lesson("unsynchronised.toml");
  EXPECT_EQ(counter(r), 10197) << "the header says 9 803 of 20 000 updates were lost";
  EXPECT_LT(counter(r), 20000) << "two threads inside load-add-store at once lose updates";
  EXPECT_GT(counter(r), 10000) << "at worst every add of one thread is lost";
  EXPECT_NEAR(ms(r["sim_time_ns"]), 10.3, 0.1);
  EXPECT_EQ(r["counters"]["program_errors"], 0) << "a race is no error: just a wrong number";
}

TEST(LessonRaceConditions, OnOneCoreTheRaceHidesInThisRun) {
  CommandResult out = run_iosim("run " + workload("race-conditions/unsynchronised.toml") +
                                " --json --quiet --set machine.cores=1");
  ASSERT_EQ(out.status, 0) << out.err;
  EXPECT_EQ(counter(json::parse(out.out)), 20000)
      << "the header says no preemption lands inside an add on one core";
}

TEST(LessonRaceConditions, ALockGivesTheRightCountForTwoLockOperationsPerIncrement) {
  json racy = run_lesson("unsynchronised.toml");
  json r = run_lesson("with-lock.toml");
  EXPECT_EQ(counter(r), 20000);
  EXPECT_NEAR(ms(r["sim_time_ns"]), 11.3, 0.1);
  EXPECT_NEAR(ms(r["sim_time_ns"]) - ms(racy["sim_time_ns"]), 1.0, 0.05)
      << "10,000 increments x 2 uncontended lock operations x 50 ns";
  for (const json& t : r["threads"]) {
    EXPECT_EQ(t["lock_wait_ns"], 0) << t["name"] << ": it never sleeps on the lock";
    EXPECT_EQ(t["context_switches"], 1) << t["name"] << ": only its first dispatch";
  }
  EXPECT_EQ(r["counters"]["syscalls"], racy["counters"]["syscalls"].get<int>() + 1)
      << "one futex wait that found the lock free once in the kernel";
}

TEST(LessonRaceConditions, AnAtomicAddIsRightAndAsFastAsTheRace) {
  json racy = run_lesson("unsynchronised.toml");
  json locked = run_lesson("with-lock.toml");
  json r = run_lesson("atomic.toml");
  EXPECT_EQ(counter(r), 20000);
  EXPECT_EQ(r["sim_time_ns"], racy["sim_time_ns"]) << "an atomic add costs the same 20 ns";
  EXPECT_LT(r["sim_time_ns"].get<std::int64_t>(), locked["sim_time_ns"].get<std::int64_t>())
      << "no lock operations to pay";
  for (const json& t : r["threads"]) {
    EXPECT_EQ(t["lock_wait_ns"], 0) << t["name"];
    EXPECT_EQ(t["context_switches"], 1) << t["name"] << ": only its first dispatch";
  }
}

}  // namespace
}  // namespace iosim::testing
