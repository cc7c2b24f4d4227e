// workloads/io-bound-work end to end: 100 requests of 500 ms. Ten threads
// take 10 rounds, 100 threads and 100 asyncio tasks one round (but the
// threads need 100 stacks), and a pool of 4 processes 25 rounds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

constexpr double kMiB = 1 << 20;
constexpr double kRound = 500e6;  // the server's latency: one request, in ns

json run_lesson(const std::string& file) {
  CommandResult r = run_iosim("run " + workload("io-bound-work/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

double time_ns(const json& report) {
  return report["sim_time_ns"].get<double>();
}
double peak(const json& report) {
  return report["memory"]["peak_bytes"].get<double>();
}

int fetches(const json& report) {
  int n = 0;
  for (const json& t : report["threads"])
    n += t["fetches"].get<int>();
  return n;
}

TEST(LessonIoBoundWork, SequentialWaitsForOneRequestAtATime) {
  json r = run_lesson("sequential.toml");
  EXPECT_EQ(fetches(r), 100);
  EXPECT_GT(time_ns(r), 100 * kRound);
  EXPECT_LT(time_ns(r), 100 * kRound + 100e6) << "100 rounds of 500 ms, little else";
  EXPECT_LT(r["threads"][0]["cpu_ns"].get<double>(), 0.001 * time_ns(r))
      << "the CPU is idle: the program only waits";
}

TEST(LessonIoBoundWork, TenThreadsTakeTenRounds) {
  json seq = run_lesson("sequential.toml");
  json r = run_lesson("threads-10.toml");
  EXPECT_EQ(fetches(r), 100);
  EXPECT_GT(time_ns(r), 10 * kRound);
  EXPECT_LT(time_ns(r), 10 * kRound + 50e6) << "10 requests in flight at a time: 10 rounds";
  EXPECT_NEAR(time_ns(seq) / time_ns(r), 10.0, 0.2) << "10 times faster than one at a time";
  for (const json& t : r["threads"])
    EXPECT_LT(t["gil_wait_ns"].get<double>(), 1e6) << t["name"] << ": waiting releases the GIL";
}

TEST(LessonIoBoundWork, AsyncioTakesOneRequestsTimeInAFractionOfTheThreadsMemory) {
  json threads = run_lesson("threads-100.toml");
  json tasks = run_lesson("asyncio-100.toml");
  EXPECT_EQ(fetches(threads), 100);
  EXPECT_EQ(tasks["threads"][0]["tasks"], 100);
  EXPECT_EQ(tasks["threads"][0]["peak_tasks"], 100) << "all 100 requests in flight together";
  // One round: 20 ms of start-up, 500 ms of server, 16 ms of transfer.
  EXPECT_LT(time_ns(tasks), kRound + 40e6) << "asyncio: about one request's time";
  EXPECT_LT(time_ns(threads), kRound + 40e6) << "100 threads: about one request's time too";
  EXPECT_NEAR(time_ns(tasks) / time_ns(threads), 1.0, 0.01);
  EXPECT_GT(peak(threads), 100 * 8 * kMiB) << "100 stacks of 8 MiB";
  EXPECT_LT(peak(tasks), 20 * kMiB) << "one interpreter, one stack, 100 tasks of 6 KiB";
  EXPECT_GT(peak(threads), 40 * peak(tasks)) << "threads need over 40 times the memory";
}

TEST(LessonIoBoundWork, FourProcessesTakeTwentyFiveRoundsAndFourInterpreters) {
  json threads = run_lesson("threads-10.toml");
  json r = run_lesson("process-pool-4.toml");
  EXPECT_EQ(fetches(r), 100);
  EXPECT_GT(time_ns(r), 25 * kRound);
  EXPECT_LT(time_ns(r), 25 * kRound + 100e6) << "4 requests in flight at a time: 25 rounds";
  EXPECT_NEAR(time_ns(r) / time_ns(threads), 2.5, 0.05) << "slower than 10 threads";
  ASSERT_EQ(r["processes"].size(), 5u) << "app and its 4 worker processes";
  for (std::size_t i = 1; i < 5; ++i) {
    EXPECT_EQ(r["processes"][i]["runtime"], "python");
    EXPECT_GE(r["processes"][i]["peak_memory_bytes"].get<double>(), 18 * kMiB)
        << r["processes"][i]["name"] << ": an interpreter (10 MiB) and a stack (8 MiB)";
  }
  EXPECT_GT(peak(r), 5 * 18 * kMiB) << "five interpreters";
  EXPECT_LT(peak(r), peak(run_lesson("threads-100.toml")));
}

}  // namespace
}  // namespace iosim::testing
