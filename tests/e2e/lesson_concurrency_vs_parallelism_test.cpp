// workloads/concurrency-vs-parallelism end to end: four threads of 200 ms of
// computation take the sum of their lengths on one core (concurrency) and one
// task's length on four (parallelism); four threads that mostly wait for a
// server overlap their waits even on one core, so four cores add little.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file) {
  CommandResult r =
      run_iosim("run " + workload("concurrency-vs-parallelism/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

double ms(const json& ns) {
  return ns.get<double>() / 1e6;
}

TEST(LessonConcurrencyVsParallelism, OneCoreInterleavesTheFourTasksAndTakesTheirSum) {
  json r = run_lesson("one-core.toml");
  EXPECT_NEAR(ms(r["sim_time_ns"]), 800.4, 1.0) << "4 x 200 ms, one after another in slices";
  ASSERT_EQ(r["threads"].size(), 4u);
  for (const json& t : r["threads"]) {
    EXPECT_NEAR(ms(t["cpu_ns"]), 200.0, 0.2) << t["name"];
    EXPECT_NEAR(ms(t["ready_wait_ns"]), 600.0, 2.0)
        << t["name"] << " waits for the core while the other three run";
    EXPECT_GT(ms(t["finish_ns"]), 790.0) << t["name"] << ": round robin makes every task late";
    EXPECT_EQ(t["preemptions"], 20) << t["name"] << ": about one per 10 ms quantum";
  }
}

TEST(LessonConcurrencyVsParallelism, FourCoresRunTheTasksInParallelFourTimesFaster) {
  json one = run_lesson("one-core.toml");
  json four = run_lesson("four-cores.toml");
  EXPECT_NEAR(ms(four["sim_time_ns"]), 200.1, 1.0) << "as long as one task";
  EXPECT_NEAR(ms(one["sim_time_ns"]) / ms(four["sim_time_ns"]), 4.0, 0.05);
  for (const json& t : four["threads"]) {
    EXPECT_LT(ms(t["ready_wait_ns"]), 0.1) << t["name"] << " has a core of its own";
    EXPECT_EQ(t["preemptions"], 0) << t["name"];
  }
  for (const json& c : four["cores"])
    EXPECT_GT(c["user_ns"].get<double>(), 0.99 * four["sim_time_ns"].get<double>())
        << "core " << c["id"] << " computes the whole run";
}

TEST(LessonConcurrencyVsParallelism, ThreadsThatWaitOverlapTheirWaitsOnOneCore) {
  json r = run_lesson("one-core-io.toml");
  const double alone = 4 * (5.0 + 100.0);  // 4 requests of 100 ms, 5 ms of work after each
  EXPECT_NEAR(ms(r["sim_time_ns"]), 437.3, 2.0);
  EXPECT_LT(ms(r["sim_time_ns"]), 1.05 * alone) << "little more than one thread's time";
  EXPECT_NEAR(4 * alone / ms(r["sim_time_ns"]), 3.84, 0.05)
      << "against running the four threads one after another";
  for (const json& t : r["threads"]) {
    EXPECT_EQ(t["fetches"], 4) << t["name"];
    EXPECT_NEAR(ms(t["io_wait_ns"]), 402.0, 2.0) << t["name"] << " mostly waits for the server";
    EXPECT_NEAR(ms(t["cpu_ns"]), 20.0, 0.2)
        << t["name"] << ": 4 x 5 ms (the last also ends the process)";
  }
  EXPECT_GT(r["cores"][0]["idle_ns"].get<double>(), 0.8 * r["sim_time_ns"].get<double>())
      << "the one core is mostly idle: there is little to compute";
}

TEST(LessonConcurrencyVsParallelism, FourCoresAddLittleWhenTheThreadsMostlyWait) {
  json one = run_lesson("one-core-io.toml");
  json four = run_lesson("four-cores-io.toml");
  EXPECT_NEAR(ms(four["sim_time_ns"]), 423.3, 2.0) << "one thread's chain of 4 x (100 + 5) ms";
  const double speedup = ms(one["sim_time_ns"]) / ms(four["sim_time_ns"]);
  EXPECT_NEAR(speedup, 1.03, 0.02) << "parallelism only divides the 20 ms of computing";
  EXPECT_LT(speedup, 1.1);
  for (const json& c : four["cores"])
    EXPECT_GT(c["idle_ns"].get<double>(), 0.9 * four["sim_time_ns"].get<double>())
        << "core " << c["id"];
}

}  // namespace
}  // namespace iosim::testing
