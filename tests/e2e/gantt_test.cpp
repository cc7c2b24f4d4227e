// Pictures in the terminal: --gantt (per core, and per thread) and
// --timeline (one row per schedule change).
#include <gtest/gtest.h>

#include <sstream>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

const std::string kOneRead = std::string(IOSIM_SOURCE_DIR) + "/tests/golden/one-read.toml";

// The chart's row for `label` (the summary's tables have rows named alike,
// without the chart's '|').
std::string chart_row(const std::string& text, const std::string& label) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("  " + label, 0) == 0 && line.find('|') != std::string::npos) return line;
  return "";
}

TEST(Gantt, DrawsEachCoreAsWideAsTheTerminal) {
  setenv("COLUMNS", "100", 1);  // not a terminal: iosim reads $COLUMNS
  auto r =
      run_iosim("run --quiet --gantt " + workload("cpu-free-during-io/dma.toml"), IOSIM_SOURCE_DIR);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string core = chart_row(r.out, "core0");
  ASSERT_EQ(core.size(), 100u) << r.out;
  const std::string bars = core.substr(core.find('|') + 1);
  EXPECT_GT(std::count(bars.begin(), bars.end(), 'B'), 80)
      << "the cruncher (B) holds the core nearly all the run: " << core;
  EXPECT_NE(r.out.find("A app/reader  B app/cruncher"), std::string::npos) << r.out;
}

TEST(Gantt, PerThreadRowsShowTheReaderBlockedOnIo) {
  auto r = run_iosim("run --quiet --gantt --per-thread " + kOneRead);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string reader = chart_row(r.out, "p/reader");
  EXPECT_GT(std::count(reader.begin(), reader.end(), 'I'), 80) << r.out;
  const std::string worker = chart_row(r.out, "p/worker");
  EXPECT_GT(std::count(worker.begin(), worker.end(), '#'), 25) << r.out;
}

TEST(Timeline, ListsEveryScheduleChangeWithTheReadySet) {
  auto r = run_iosim("run --quiet --timeline " + kOneRead);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string expected =
      "Timeline\n"
      "          time  core0     ready\n"
      "          0 ns  -         p/reader p/worker\n"
      "      2.000 us  p/reader  p/worker\n"
      "      2.288 us  -         p/worker\n"
      "      4.288 us  p/worker\n"
      "      3.009 ms  -\n"
      "      8.338 ms  p/reader\n"
      "      8.439 ms  -\n";
  EXPECT_NE(r.out.find(expected), std::string::npos) << r.out;
}

TEST(Timeline, RefusesALongRunAndPointsToTheGantt) {
  auto r = run_iosim("run --quiet --timeline " + workload("io-bound-work/threads-100.toml"));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.err.find("use --gantt"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("Timeline"), std::string::npos);
}

TEST(Gantt, PerThreadNeedsGantt) {
  auto r = run_iosim("run --quiet --per-thread " + kOneRead);
  EXPECT_EQ(r.status, 2);
}

}  // namespace
}  // namespace iosim::testing
