// workloads/interleaved-output end to end: two workers print 1..5 every
// 100 ms and a..e every 160 ms, as python threads, processes or coroutines.
// The console interleaves them by time, 1 a 2 3 b 4 c 5 d e, in all three;
// processes start about 21 ms later (a fork and an interpreter each).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file) {
  CommandResult r = run_iosim("run " + workload("interleaved-output/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

const std::vector<std::string> kOrder = {"1", "a", "2", "3", "b", "4", "c", "5", "d", "e", "done"};

std::vector<std::string> texts(const json& report) {
  std::vector<std::string> out;
  for (const json& line : report["console"])
    out.push_back(line["text"]);
  return out;
}

// The console line with this text, in ms.
double at(const json& report, const std::string& text) {
  for (const json& line : report["console"])
    if (line["text"] == text) return line["time_ns"].get<double>() / 1e6;
  ADD_FAILURE() << "no console line '" << text << "'";
  return 0;
}

// Each number comes 100 ms after the previous one, each letter 160 ms after
// the previous one (to within the microseconds a print and a wake-up cost).
void expect_the_sleeps_set_the_pace(const json& r, const std::string& variant) {
  for (const char* pair : {"12", "23", "34", "45"})
    EXPECT_NEAR(at(r, std::string(1, pair[1])) - at(r, std::string(1, pair[0])), 100.0, 0.05)
        << variant << ": " << pair;
  for (const char* pair : {"ab", "bc", "cd", "de"})
    EXPECT_NEAR(at(r, std::string(1, pair[1])) - at(r, std::string(1, pair[0])), 160.0, 0.05)
        << variant << ": " << pair;
}

TEST(LessonInterleavedOutput, ThreadsInterleaveByTime) {
  json r = run_lesson("threads.toml");
  EXPECT_EQ(texts(r), kOrder);
  expect_the_sleeps_set_the_pace(r, "threads");
  EXPECT_NEAR(at(r, "1"), 120.0, 0.1) << "20 ms of interpreter start-up, then 100 ms";
  EXPECT_NEAR(at(r, "a"), 180.1, 0.1);
  EXPECT_NEAR(at(r, "e"), 820.1, 0.1);
  EXPECT_EQ(r["console"][0]["thread"], "app/numbers");
  EXPECT_EQ(r["console"][1]["thread"], "app/letters");
  EXPECT_NEAR(r["sim_time_ns"].get<double>() / 1e6, 820.2, 0.1)
      << "as long as the longer sequence, not the sum of both";
  EXPECT_NEAR(r["processes"][0]["peak_memory_bytes"].get<double>() / (1 << 20), 34.05, 0.01)
      << "one interpreter (10 MiB) and three 8 MiB stacks";
}

TEST(LessonInterleavedOutput, ProcessesInterleaveTheSameWayButStartLater) {
  json threads = run_lesson("threads.toml");
  json r = run_lesson("processes.toml");
  EXPECT_EQ(texts(r), kOrder);
  expect_the_sleeps_set_the_pace(r, "processes");
  EXPECT_NEAR(at(r, "1"), 141.0, 0.1);
  EXPECT_NEAR(at(r, "a"), 202.0, 0.1);
  EXPECT_NEAR(at(r, "e"), 842.0, 0.1);
  EXPECT_EQ(r["console"][0]["thread"], "numbers/main");
  EXPECT_EQ(r["console"][1]["thread"], "letters/main");
  for (const char* text : {"1", "a", "e"})
    EXPECT_NEAR(at(r, text) - at(threads, text), 21.5, 0.6)
        << text << ": a fork (1 ms) and an interpreter start-up (20 ms) later than a thread";
  ASSERT_EQ(r["processes"].size(), 3u);
  for (const json& p : r["processes"])
    EXPECT_NEAR(p["peak_memory_bytes"].get<double>() / (1 << 20), 18.02, 0.01)
        << p["name"] << ": each process is a whole interpreter and a stack";
  EXPECT_NEAR(r["sim_time_ns"].get<double>() / 1e6, 842.2, 0.1);
}

TEST(LessonInterleavedOutput, CoroutinesInterleaveOnOneThreadWithHalfTheMemory) {
  json threads = run_lesson("threads.toml");
  json r = run_lesson("coroutines.toml");
  EXPECT_EQ(texts(r), kOrder);
  expect_the_sleeps_set_the_pace(r, "coroutines");
  for (const char* text : {"1", "a", "2", "3", "b", "4", "c", "5", "d", "e"})
    EXPECT_NEAR(at(r, text), at(threads, text), 0.1) << text << ": the same times as threads";
  ASSERT_EQ(r["threads"].size(), 1u) << "one thread runs the event loop";
  for (const json& line : r["console"])
    EXPECT_EQ(line["thread"], "app/main");
  EXPECT_EQ(r["threads"][0]["tasks"], 3) << "both, numbers and letters";
  EXPECT_NEAR(r["threads"][0]["io_wait_ns"].get<double>() / 1e6, 800.0, 0.1)
      << "the loop waits for its timers in the poll";
  EXPECT_NEAR(r["processes"][0]["peak_memory_bytes"].get<double>() / (1 << 20), 18.02, 0.01);
  EXPECT_LT(r["processes"][0]["peak_memory_bytes"].get<double>(),
            0.6 * threads["processes"][0]["peak_memory_bytes"].get<double>());
}

}  // namespace
}  // namespace iosim::testing
