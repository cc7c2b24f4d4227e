// workloads/daemon-threads end to end: a python program whose background
// thread prints ten lines, 50 ms apart. As a daemon it is killed when the
// main thread ends (after 3 lines); as an ordinary thread it keeps the
// process alive until its tenth line.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file) {
  CommandResult r = run_iosim("run " + workload("daemon-threads/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

double ms(const json& ns) {
  return ns.get<double>() / 1e6;
}

const json& thread(const json& report, const std::string& name) {
  for (const json& t : report["threads"])
    if (t["name"] == name) return t;
  throw std::runtime_error("no thread " + name);
}

int lines(const json& report, const std::string& text) {
  int n = 0;
  for (const json& line : report["console"])
    n += line["text"] == text;
  return n;
}

TEST(LessonDaemonThreads, TheDaemonIsKilledWhenMainEnds) {
  json r = run_lesson("daemon.toml");
  EXPECT_EQ(r["status"], "completed");
  const json& main = thread(r, "main");
  const json& monitor = thread(r, "monitor");
  EXPECT_EQ(main["end"], "finished");
  EXPECT_EQ(monitor["end"], "killed") << "a daemon does not keep its process alive";
  EXPECT_TRUE(monitor["turnaround_ns"].is_null()) << "a killed thread has no turnaround";
  EXPECT_NEAR(ms(main["finish_ns"]), 220.1, 0.5) << "20 ms of start-up, then 200 ms of work";
  // Killed as the process ends; main's exit returns once the process is torn down.
  EXPECT_NEAR(ms(monitor["finish_ns"]), ms(main["finish_ns"]), 0.2)
      << "killed the moment main ended";
  EXPECT_NEAR(ms(r["processes"][0]["finish_ns"]), 220.2, 0.5);
  EXPECT_NEAR(ms(r["sim_time_ns"]), 220.2, 0.5) << "the run ends right after main";
  EXPECT_EQ(lines(r, "still alive"), 3) << "3 of its 10 lines before it was killed";
  EXPECT_EQ(r["console"].back()["text"], "main done");
  EXPECT_EQ(r["metrics"]["finished_threads"], 1) << "killed threads are not counted";
}

TEST(LessonDaemonThreads, AnOrdinaryThreadKeepsTheProcessAlive) {
  json daemon = run_lesson("daemon.toml");
  json r = run_lesson("non-daemon.toml");
  const json& main = thread(r, "main");
  const json& monitor = thread(r, "monitor");
  EXPECT_EQ(main["end"], "finished");
  EXPECT_EQ(monitor["end"], "finished");
  // (Here main's exit does not tear the process down: the monitor still runs.)
  EXPECT_NEAR(ms(main["finish_ns"]), ms(thread(daemon, "main")["finish_ns"]), 0.2)
      << "main does the same work either way";
  EXPECT_NEAR(ms(monitor["finish_ns"]), 535.1, 0.5);
  EXPECT_NEAR(ms(monitor["sleep_ns"]), 500.0, 0.1) << "ten sleeps of 50 ms";
  EXPECT_NEAR(ms(r["processes"][0]["finish_ns"]), 535.2, 0.5)
      << "the process ends with its last non-daemon thread";
  EXPECT_NEAR(ms(r["sim_time_ns"]) / ms(daemon["sim_time_ns"]), 2.43, 0.02);
  EXPECT_EQ(lines(r, "still alive"), 10);
  int after_main = 0;
  bool main_done = false;
  for (const json& line : r["console"]) {
    if (line["text"] == "main done") main_done = true;
    after_main += main_done && line["text"] == "still alive";
  }
  EXPECT_EQ(after_main, 7) << "seven lines come after main is done";
}

}  // namespace
}  // namespace iosim::testing
