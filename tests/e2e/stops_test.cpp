// Runs that end early say why, keep what they have, and exit with a status
// of their own: a deadlock (4, with the wait-for cycle), the event and
// wall-clock limits (3), and an interruption by a signal (6).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

std::string scenario_file(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/iosim-stops-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

// Two threads take two locks in opposite orders.
const char* kDeadlock = R"(
[machine]
cores = 2
[[process]]
name = "app"
locks = ["a", "b"]
  [[process.thread]]
  name = "t1"
  program = "lock a; compute 1ms; lock b; unlock b; unlock a"
  [[process.thread]]
  name = "t2"
  program = "lock b; compute 1ms; lock a; unlock a; unlock b"
)";

TEST(Stops, ADeadlockNamesTheCycleAndExitsWith4) {
  auto r = run_iosim("run --quiet --json " + scenario_file("deadlock.toml", kDeadlock));
  EXPECT_EQ(r.status, 4);
  EXPECT_NE(r.err.find("app/t1 waits for lock 'b' (line 9), held by app/t2"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("deadlock: app/t1 -> app/t2 -> app/t1"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "stalled");
  EXPECT_EQ(j["stall"]["deadlock"], nlohmann::json::array({"app/t1", "app/t2"}));
}

// A periodic tick is always pending in SystemC: the kernel, not the event
// queue, must tell that nothing can wake anyone. Without that the run would
// go on ticking to the 3600 s limit.
TEST(Stops, ADeadlockUnderAPeriodicTimerStopsWithin20msAndNamesTheCycle) {
  auto r = run_iosim("run --quiet --json " + scenario_file("deadlock.toml", kDeadlock) +
                     " --set kernel.timer=periodic --set limits.wall_time=60s");
  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_NE(r.err.find("deadlock: app/t1 -> app/t2 -> app/t1"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "stalled");
  EXPECT_EQ(j["stall"]["deadlock"], nlohmann::json::array({"app/t1", "app/t2"}));
  // The threads deadlock after about 1 ms; the run looks every 10 ms.
  EXPECT_LE(j["sim_time_ns"].get<std::int64_t>(), 20'000'000)
      << "the stall was noticed late (ticks kept the run going)";
}

// A thread waits for a lock whose holder sleeps 45 ms: under a periodic tick
// nothing is pending but the sleep's wake-up, which is enough to go on.
const char* kSleepingHolder = R"(
[kernel]
timer = "periodic"
[[process]]
name = "app"
locks = ["m"]
  [[process.thread]]
  name = "sleeper"
  program = "lock m; sleep 45ms; unlock m"
  [[process.thread]]
  name = "waiter"
  program = "sleep 1ms; lock m; unlock m; sleep 30ms"
)";

TEST(Stops, ThreadsThatSleepUnderAPeriodicTimerAreNotStalled) {
  auto r = run_iosim("run --quiet --json " + scenario_file("sleeping.toml", kSleepingHolder));
  EXPECT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "completed") << "sleeping threads were taken for a stall";
  EXPECT_GE(j["sim_time_ns"].get<std::int64_t>(), 75'000'000);
}

TEST(Stops, TheEventLimitEndsTheRunWithStatus3) {
  auto r = run_iosim("run --quiet --json " + workload("cpu-free-during-io/dma.toml") +
                     " --set limits.events=1000");
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "event_limit");
  EXPECT_NE(r.err.find("[limits] events = 1000"), std::string::npos) << r.err;
}

TEST(Stops, TheWallClockLimitEndsTheRunWithStatus3) {
  auto r = run_iosim("run --quiet --json " + workload("io-bound-work/sequential.toml") +
                     " --set limits.wall_time=1ms");
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "wall_time_limit");
}

// A run long enough to interrupt: two threads fighting over a lock for ever.
const char* kEndless = R"(
[machine]
cores = 2
[[process]]
name = "app"
locks = ["m"]
  [[process.thread]]
  name = "t"
  count = 2
  program = "repeat 1000000000 { lock m; compute 1us; unlock m }"
)";

TEST(Stops, SigintFlushesThePartialReportAndAMarkedTraceAndExitsWith6) {
  const std::string dir = "/tmp/iosim-stops-" + std::to_string(getpid());
  const std::string command = "timeout --preserve-status -s INT 0.5 " + std::string(IOSIM_BINARY) +
                              " run --quiet --json " + scenario_file("endless.toml", kEndless) +
                              " --vcd " + dir + ".vcd > " + dir + ".json 2>/dev/null";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 6);
  auto j = nlohmann::json::parse(read_file(dir + ".json"));
  EXPECT_EQ(j["status"], "interrupted");
  EXPECT_GT(j["sim_time_ns"].get<std::int64_t>(), 0);
  const std::string vcd = read_file(dir + ".vcd");
  EXPECT_NE(vcd.find("$comment truncated: the run ended early (interrupted) $end"),
            std::string::npos);
  EXPECT_FALSE(std::ifstream(dir + ".vcd.tmp").good()) << "no half-written file is left";
}

}  // namespace
}  // namespace iosim::testing
