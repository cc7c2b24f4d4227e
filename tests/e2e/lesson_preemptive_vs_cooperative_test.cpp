// workloads/preemptive-vs-cooperative end to end: with preemption an
// interactive thread gets the core within a quantum of a CPU hog; without,
// it waits for the hog to finish. In an event loop, a blocking call stops
// every task; an awaited one does not.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

constexpr double kQuantum = 10e6;

json run_lesson(const std::string& file) {
  CommandResult r =
      run_iosim("run " + workload("preemptive-vs-cooperative/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

const json& thread(const json& report, const std::string& name) {
  for (const json& t : report["threads"])
    if (t["name"] == name) return t;
  throw std::runtime_error("no thread " + name);
}

double ns(const json& t, const char* field) {
  return t[field].get<double>();
}

// The heartbeat's "tick" lines: their times, and the largest gap between two.
std::vector<double> ticks(const json& report) {
  std::vector<double> times;
  for (const json& line : report["console"])
    if (line["text"] == "tick") times.push_back(line["time_ns"].get<double>());
  return times;
}

double largest_gap(const std::vector<double>& times) {
  double gap = 0;
  for (std::size_t i = 1; i < times.size(); ++i)
    gap = std::max(gap, times[i] - times[i - 1]);
  return gap;
}

TEST(LessonPreemptiveVsCooperative, WithPreemptionTheEditorWaitsAtMostAQuantum) {
  json r = run_lesson("hog-preemptive.toml");
  const json& editor = thread(r, "editor");
  const json& hog = thread(r, "hog");
  EXPECT_NEAR(ns(editor, "response_ns"), 5e6, 0.1e6) << "the rest of the hog's first slice";
  EXPECT_LE(ns(editor, "response_ns"), kQuantum);
  ASSERT_EQ(editor["context_switches"], 11) << "its first turn and one per keystroke";
  EXPECT_LE(ns(editor, "ready_wait_ns") / 11, kQuantum) << "on average, less than a quantum";
  EXPECT_NEAR(ns(editor, "ready_wait_ns"), 55e6, 1e6) << "about 5 ms per turn";
  EXPECT_NEAR(ns(editor, "finish_ns"), 320e6, 1e6);
  EXPECT_LT(ns(editor, "finish_ns"), ns(hog, "finish_ns"))
      << "the editor does not wait for the hog";
  EXPECT_EQ(hog["preemptions"], 11) << "the hog loses the core when the editor is ready";
}

TEST(LessonPreemptiveVsCooperative, WithoutPreemptionTheEditorWaitsForTheHog) {
  json r = run_lesson("hog-cooperative.toml");
  const json& editor = thread(r, "editor");
  const json& hog = thread(r, "hog");
  EXPECT_NEAR(ns(editor, "response_ns"), 495e6, 0.1e6) << "half a second for the first keystroke";
  EXPECT_GE(ns(editor, "first_run_ns"), ns(hog, "finish_ns")) << "its first turn is the hog's end";
  EXPECT_NEAR(ns(editor, "finish_ns"), 760e6, 1e6);
  EXPECT_EQ(r["counters"]["preemptions"], 0);
  EXPECT_NEAR(ns(hog, "finish_ns"), 500e6, 0.1e6) << "the hog itself finishes sooner";
  EXPECT_LT(ns(hog, "finish_ns"),
            ns(thread(run_lesson("hog-preemptive.toml"), "hog"), "finish_ns"));
}

TEST(LessonPreemptiveVsCooperative, AnAwaitedCallKeepsTheHeartbeatTicking) {
  json r = run_lesson("awaiting-coroutine.toml");
  const std::vector<double> times = ticks(r);
  ASSERT_EQ(times.size(), 40u);
  EXPECT_LT(largest_gap(times), 10.1e6) << "a tick every 10 ms, however long the server takes";
  EXPECT_EQ(r["threads"][0]["fetches"], 1);
  EXPECT_EQ(r["threads"][0]["tasks"], 3) << "start, heartbeat, handler";
  EXPECT_LT(r["sim_time_ns"].get<double>(), 425e6);
}

TEST(LessonPreemptiveVsCooperative, ABlockingCallFreezesTheWholeLoop) {
  json r = run_lesson("blocking-coroutine.toml");
  const std::vector<double> times = ticks(r);
  ASSERT_EQ(times.size(), 40u);
  EXPECT_GT(largest_gap(times), 300e6) << "no tick while the handler waits for the server";
  EXPECT_LT(largest_gap(times), 310e6) << "the server's 300 ms and the network";
  EXPECT_LT(times[3], 61e6) << "the heartbeat ticked normally before the call";
  EXPECT_GT(times[4], 360e6) << "and its next tick came only after the answer";
  EXPECT_GT(r["sim_time_ns"].get<double>(), 700e6) << "40 ticks take 0.72 s instead of 0.42 s";
}

}  // namespace
}  // namespace iosim::testing
