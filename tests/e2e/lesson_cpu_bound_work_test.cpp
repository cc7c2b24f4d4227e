// workloads/cpu-bound-work end to end: four tasks of 400 ms on 4 cores.
// Python threads and asyncio give no speed-up, native threads about 4x,
// Python processes about 3.6x (4x minus their start-up).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file) {
  CommandResult r = run_iosim("run " + workload("cpu-bound-work/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

double seconds(const json& report) {
  return report["sim_time_ns"].get<double>() / 1e9;
}

// How many times faster than sequential.toml.
double speedup(const json& report) {
  return seconds(run_lesson("sequential.toml")) / seconds(report);
}

// Cores that were busy for most of the run.
int busy_cores(const json& report) {
  int n = 0;
  for (const json& c : report["cores"])
    n += c["busy_ns"].get<double>() > 0.9 * report["sim_time_ns"].get<double>();
  return n;
}

TEST(LessonCpuBoundWork, SequentialTakesTheSumOfTheFourTasks) {
  json r = run_lesson("sequential.toml");
  EXPECT_NEAR(seconds(r), 1.620, 0.005) << "20 ms of start-up + 4 x 400 ms";
  EXPECT_EQ(busy_cores(r), 1) << "one thread keeps one core busy, the other three idle";
}

TEST(LessonCpuBoundWork, PythonThreadsGetNoSpeedUpBecauseOfTheGil) {
  json r = run_lesson("threads-python.toml");
  EXPECT_NEAR(speedup(r), 1.0, 0.02) << "four threads, one GIL: as slow as one thread";
  int workers = 0;
  for (const json& t : r["threads"]) {
    if (t["name"] == "main") continue;
    ++workers;
    EXPECT_NEAR(t["cpu_ns"].get<double>(), 400e6, 1e6) << t["name"];
    EXPECT_GT(t["gil_wait_ns"].get<double>(), 1.1e9)
        << t["name"] << " waits for the GIL while the other three compute";
  }
  EXPECT_EQ(workers, 4);
  EXPECT_GT(r["processes"][0]["gil_drop_requests"].get<int>(), 200)
      << "the holder is asked to drop the GIL every 5 ms";
  EXPECT_LT(busy_cores(r), 2) << "the threads take turns: about one core's worth of work";
}

TEST(LessonCpuBoundWork, NativeThreadsRunFourTimesFaster) {
  json r = run_lesson("threads-native.toml");
  EXPECT_NEAR(speedup(r), 4.05, 0.05) << "400 ms on 4 cores against 1620 ms";
  EXPECT_EQ(busy_cores(r), 4) << "every core computes";
}

TEST(LessonCpuBoundWork, PythonProcessesRunInParallelMinusTheirStartUp) {
  json r = run_lesson("processes.toml");
  const double s = speedup(r);
  EXPECT_NEAR(s, 3.65, 0.1) << "4x, minus 20 ms + 4 x 1 ms + 20 ms of start-up";
  EXPECT_LT(s, 3.9) << "the start-up is not free";
  ASSERT_EQ(r["processes"].size(), 5u) << "app and worker[0..3]";
  for (const json& p : r["processes"]) {
    EXPECT_EQ(p["runtime"], "python") << p["name"];
    EXPECT_GE(p["peak_memory_bytes"].get<double>(), 18.0 * (1 << 20))
        << p["name"] << ": each process is a whole interpreter (10 MiB) and a stack (8 MiB)";
  }
  for (const json& t : r["threads"])
    EXPECT_EQ(t["gil_wait_ns"], 0) << t["process"] << ": each process has its own GIL";
  EXPECT_GE(busy_cores(r), 4);
}

TEST(LessonCpuBoundWork, AsyncioGetsNoSpeedUpBecauseComputationNeverAwaits) {
  json r = run_lesson("asyncio.toml");
  EXPECT_NEAR(speedup(r), 1.0, 0.01) << "one event loop, one thread, one core";
  const json& main = r["threads"][0];
  EXPECT_EQ(main["tasks"], 4);
  EXPECT_EQ(main["task_switches"], 4) << "each task runs to its end in one go";
  EXPECT_EQ(main["loop_polls"], 0) << "the loop never had anything to wait for";
  EXPECT_EQ(busy_cores(r), 1);
}

}  // namespace
}  // namespace iosim::testing
