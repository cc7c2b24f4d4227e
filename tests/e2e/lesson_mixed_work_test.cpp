// workloads/mixed-work end to end: 20 items of a 200 ms request and 50 ms of
// computation on 4 cores. Threads and asyncio overlap the requests but
// compute on one core; asyncio with a process pool uses all four.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file) {
  CommandResult r = run_iosim("run " + workload("mixed-work/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

double time_ns(const json& report) {
  return report["sim_time_ns"].get<double>();
}

TEST(LessonMixedWork, SequentialAddsUpTheWaitsAndTheComputations) {
  json r = run_lesson("sequential.toml");
  EXPECT_NEAR(time_ns(r), 5.03e9, 0.02e9) << "20 ms + 20 x (200 ms + 50 ms)";
  const json& main = r["threads"][0];
  EXPECT_NEAR(main["cpu_ns"].get<double>(), 1.02e9, 0.01e9) << "20 ms + 20 x 50 ms";
  EXPECT_GT(main["io_wait_ns"].get<double>(), 4e9) << "20 x 200 ms";
}

TEST(LessonMixedWork, PythonThreadsOverlapTheRequestsButNotTheComputations) {
  json seq = run_lesson("sequential.toml");
  json r = run_lesson("threads.toml");
  // 20 ms + one 200 ms round of requests + 20 x 50 ms on one GIL.
  EXPECT_NEAR(time_ns(r), 1.22e9, 0.02e9);
  EXPECT_NEAR(time_ns(seq) / time_ns(r), 4.1, 0.1);
  int workers = 0;
  for (const json& t : r["threads"]) {
    if (t["name"] == "main") continue;
    ++workers;
    EXPECT_GT(t["gil_wait_ns"].get<double>(), 0.8e9)
        << t["name"] << " waits for the GIL while the others compute";
    EXPECT_LT(t["io_wait_ns"].get<double>(), 0.21e9) << t["name"] << ": the requests overlap";
  }
  EXPECT_EQ(workers, 20);
}

TEST(LessonMixedWork, AsyncioIsAsFastAsThreadsAndComputesOnOneThread) {
  json threads = run_lesson("threads.toml");
  json r = run_lesson("asyncio.toml");
  EXPECT_NEAR(time_ns(r) / time_ns(threads), 1.0, 0.01);
  ASSERT_EQ(r["threads"].size(), 1u) << "one thread runs the loop";
  const json& main = r["threads"][0];
  EXPECT_EQ(main["tasks"], 20);
  EXPECT_EQ(main["task_switches"], 40) << "each task resumed twice: start, then its answer";
  EXPECT_NEAR(main["cpu_ns"].get<double>(), 1.02e9, 0.01e9) << "all 20 computations";
  EXPECT_NEAR(main["io_wait_ns"].get<double>(), 0.2e9, 0.01e9) << "one round of requests";
  EXPECT_LT(r["memory"]["peak_bytes"].get<double>(),
            0.2 * threads["memory"]["peak_bytes"].get<double>())
      << "no stack per item";
}

TEST(LessonMixedWork, AProcessPoolComputesOnAllFourCores) {
  json seq = run_lesson("sequential.toml");
  json threads = run_lesson("threads.toml");
  json r = run_lesson("asyncio-process-pool.toml");
  EXPECT_GT(time_ns(r), 0.47e9) << "200 ms of requests + 21 ms of worker start-up + 5 x 50 ms";
  EXPECT_LT(time_ns(r), 0.52e9);
  EXPECT_NEAR(time_ns(seq) / time_ns(r), 10.1, 0.3);
  EXPECT_NEAR(time_ns(threads) / time_ns(r), 2.46, 0.1) << "four cores instead of one GIL";
  ASSERT_EQ(r["processes"].size(), 5u) << "app and app/crunch[0..3]";
  for (std::size_t i = 1; i < 5; ++i) {
    const json& p = r["processes"][i];
    // Each worker: 20 ms of interpreter start-up, then 5 items of 50 ms.
    EXPECT_NEAR(p["cpu_ns"].get<double>(), 270e6, 1e6)
        << p["name"] << " ran a quarter of the items";
  }
  for (const json& t : r["threads"])
    EXPECT_EQ(t["gil_wait_ns"], 0) << t["name"] << ": every worker has its own GIL";
}

}  // namespace
}  // namespace iosim::testing
