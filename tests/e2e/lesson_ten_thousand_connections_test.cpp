// workloads/ten-thousand-connections end to end: 10,000 threads with 8 MiB
// stacks exhaust an 8 GiB machine after 1,019 of them; 10,000 asyncio tasks
// fit in a few tens of MiB.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

constexpr double kMiB = 1 << 20;

TEST(LessonTenThousandConnections, ThreadsRunOutOfMemoryAfterAThousand) {
  CommandResult r =
      run_iosim("run " + workload("ten-thousand-connections/threads.toml") + " --json --quiet");
  EXPECT_EQ(r.status, 3) << "out of memory is exit status 3: " << r.err;
  EXPECT_NE(r.err.find("out of memory at 40.418 ms: thread 'conn[1019]'"), std::string::npos)
      << "stderr says when and at which thread: " << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["status"], "out_of_memory");
  ASSERT_EQ(report["memory"]["failures"].size(), 1u) << "the run stops at the first failure";
  const json& failure = report["memory"]["failures"][0];
  EXPECT_EQ(failure["what"], "thread 'conn[1019]' of process 'app'")
      << "1,019 connection threads fit in 8 GiB, not 10,000";
  EXPECT_EQ(failure["requested_bytes"], 8 * (1 << 20) + 16 * 1024)
      << "the next thread's 8 MiB stack and 16 KiB of kernel memory";
  EXPECT_LT(failure["time_ns"].get<double>(), 50e6) << "it fails while creating the threads";
  EXPECT_EQ(report["counters"]["threads_created"], 1020) << "main and conn[0..1018]";
  EXPECT_GT(report["memory"]["peak_bytes"].get<double>(),
            0.99 * report["memory"]["capacity_bytes"].get<double>())
      << "the stacks fill the machine";
}

TEST(LessonTenThousandConnections, AsyncioHoldsThemAllInAFewTensOfMiB) {
  CommandResult r =
      run_iosim("run " + workload("ten-thousand-connections/asyncio.toml") + " --json --quiet");
  ASSERT_EQ(r.status, 0) << r.err;
  json report = json::parse(r.out);
  const json& main = report["threads"][0];
  EXPECT_EQ(main["tasks"], 10000);
  EXPECT_EQ(main["peak_tasks"], 10000) << "all 10,000 connections open at once";
  EXPECT_EQ(main["fetches"], 10000);
  EXPECT_LT(report["memory"]["peak_bytes"].get<double>(), 80 * kMiB)
      << "10,000 tasks of 2 KiB and a 4 KiB page each, one interpreter, one stack";
  EXPECT_GT(report["memory"]["peak_bytes"].get<double>(), 70 * kMiB);
  EXPECT_LT(report["sim_time_ns"].get<double>(), 650e6) << "about one answer's time (500 ms)";
}

}  // namespace
}  // namespace iosim::testing
