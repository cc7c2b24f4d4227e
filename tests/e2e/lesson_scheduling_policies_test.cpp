// workloads/scheduling-policies end to end: one mix of five jobs on one core
// (three CPU-bound batch jobs, a disk-bound indexer, an interactive editor)
// under FIFO, SJF, SRTF, RR, MLFQ and CFS. Measured with the files as they
// are (avg turnaround / avg response / the editor's total ready wait, ms):
//   fifo 480.0 / 258.0 / 243.4     sjf 384.2 / 90.0 / 259.5
//   srtf 283.5 /  32.0 /   0.0     rr  363.8 / 12.0 /  40.2
//   mlfq 336.5 /   8.0 /   5.5     cfs 326.7 /  6.4 /   0.0
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& policy) {
  CommandResult r =
      run_iosim("run " + workload("scheduling-policies/" + policy + ".toml") + " --json --quiet");
  EXPECT_EQ(r.status, 0) << policy << ": " << r.err;
  return json::parse(r.out);
}

struct Figures {
  double turnaround, response, editor_wait;  // ms
};

Figures figures(const json& r) {
  Figures f{r["metrics"]["avg_turnaround_ns"].get<double>() / 1e6,
            r["metrics"]["avg_response_ns"].get<double>() / 1e6, -1};
  for (const json& t : r["threads"])
    if (t["name"] == "editor") f.editor_wait = t["ready_wait_ns"].get<double>() / 1e6;
  return f;
}

const std::map<std::string, Figures>& all() {
  static const std::map<std::string, Figures> measured = [] {
    std::map<std::string, Figures> m;
    for (const char* p : {"fifo", "sjf", "srtf", "rr", "mlfq", "cfs"}) {
      json r = run_lesson(p);
      EXPECT_EQ(r["metrics"]["finished_threads"], 5) << p;
      m[p] = figures(r);
    }
    return m;
  }();
  return measured;
}

TEST(LessonSchedulingPolicies, EachFileRunsTheSameMixUnderItsPolicy) {
  const std::map<std::string, std::string> policy = {{"fifo", "fcfs"}, {"sjf", "sjf"},
                                                     {"srtf", "srtf"}, {"rr", "rr"},
                                                     {"mlfq", "mlfq"}, {"cfs", "cfs"}};
  for (const auto& [file, name] : policy) {
    json r = run_lesson(file);
    EXPECT_EQ(r["kernel"]["policy"], name) << file;
    ASSERT_EQ(r["threads"].size(), 5u) << file;
    double cpu = 0;
    for (const json& t : r["threads"])
      cpu += t["user_ns"].get<double>() / 1e6;
    EXPECT_NEAR(cpu, 300 + 100 + 40 + 50 + 20, 0.1) << file << ": the same work everywhere";
  }
}

TEST(LessonSchedulingPolicies, TurnaroundSrtfBeatsSjfBeatsFifo) {
  const auto& m = all();
  EXPECT_NEAR(m.at("fifo").turnaround, 480.0, 2.0);
  EXPECT_NEAR(m.at("sjf").turnaround, 384.2, 2.0);
  EXPECT_NEAR(m.at("srtf").turnaround, 283.5, 2.0);
  EXPECT_LT(m.at("srtf").turnaround, m.at("sjf").turnaround) << "preemption helps short jobs";
  EXPECT_LT(m.at("sjf").turnaround, 0.85 * m.at("fifo").turnaround)
      << "short jobs first: no convoy behind the 300 ms render";
  for (const auto& [name, f] : m)
    EXPECT_LE(m.at("srtf").turnaround, f.turnaround) << "SRTF is optimal; " << name << " is not";
}

TEST(LessonSchedulingPolicies, RoundRobinHasTheBestResponseOfFifoSjfAndRr) {
  const auto& m = all();
  EXPECT_NEAR(m.at("rr").response, 12.0, 1.0);
  EXPECT_NEAR(m.at("sjf").response, 90.0, 2.0);
  EXPECT_NEAR(m.at("fifo").response, 258.0, 2.0);
  EXPECT_LT(m.at("rr").response, m.at("sjf").response);
  EXPECT_LT(m.at("sjf").response, m.at("fifo").response);
  EXPECT_GT(m.at("rr").turnaround, m.at("srtf").turnaround) << "response costs turnaround";
}

TEST(LessonSchedulingPolicies, MlfqKeepsTheEditorSnappyWithoutBeingTold) {
  const auto& m = all();
  EXPECT_NEAR(m.at("mlfq").editor_wait, 5.5, 1.0);
  EXPECT_LT(m.at("mlfq").editor_wait, 0.25 * m.at("rr").editor_wait)
      << "the editor stays on the top level and preempts the sunk batch jobs";
  EXPECT_LT(m.at("mlfq").editor_wait, 0.05 * m.at("fifo").editor_wait);
  EXPECT_GT(m.at("fifo").editor_wait, 200.0) << "under FIFO keystrokes wait for whole jobs";
  EXPECT_GT(m.at("sjf").editor_wait, 200.0) << "SJF does not preempt either";
  EXPECT_LT(m.at("mlfq").response, m.at("rr").response);
  EXPECT_LT(m.at("mlfq").turnaround, m.at("rr").turnaround);
}

TEST(LessonSchedulingPolicies, CfsRunsTheSleepersAtOnce) {
  const auto& m = all();
  EXPECT_LT(m.at("cfs").editor_wait, 0.1) << "a woken sleeper has the smallest vruntime";
  EXPECT_NEAR(m.at("cfs").response, 6.4, 1.0);
  EXPECT_NEAR(m.at("cfs").turnaround, 326.7, 2.0);
  for (const auto& [name, f] : m)
    EXPECT_LE(m.at("cfs").response, f.response) << name;
}

}  // namespace
}  // namespace iosim::testing
