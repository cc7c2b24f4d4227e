// Trace controls: --trace-limit keeps a trace file from growing past a size
// (it stays valid, says it was cut and how big it would have been),
// --trace-scopes keeps only some groups, --trace-from and --trace-to a time
// window (what a window keeps: waveform_trace_test.cpp, perfetto_test.cpp).
#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "sim/units.h"
#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

std::string temp(const std::string& name) {
  return "/tmp/iosim-trace-" + std::to_string(getpid()) + "-" + name;
}

TEST(TraceLimit, ATraceStopsGrowingAtTheLimitStaysValidAndSaysSo) {
  const std::string vcd = temp("limit.vcd"), json = temp("limit.json");
  auto r = run_iosim("run --quiet --trace-limit 50KiB --vcd " + vcd + " --perfetto " + json + " " +
                     workload("cpu-free-during-io/dma.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string v = read_file(vcd);
  EXPECT_LE(v.size(), 50u * 1024 + 512) << "at most one time step and the closing lines over";
  EXPECT_NE(v.find("$comment truncated: the size limit (51200 bytes) was reached"),
            std::string::npos);
  const std::string p = read_file(json);
  EXPECT_LE(p.size(), 50u * 1024 + 512);
  EXPECT_TRUE(nlohmann::json::accept(p)) << "a cut Perfetto trace still parses";
  EXPECT_NE(r.err.find("the VCD reached its size limit (50.00 KiB)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the Perfetto trace reached its size limit"), std::string::npos) << r.err;
}

// The writers count what they drop, byte for byte, so a cut file knows
// the size of the whole one.
TEST(TraceLimit, TheWarningSaysHowBigTheWholeTraceWouldHaveBeen) {
  const std::string scenario = workload("cpu-free-during-io/dma.toml");
  const std::string vcd = temp("whole.vcd"), json = temp("whole.json");
  ASSERT_EQ(run_iosim("run --quiet --no-gtkw --vcd " + vcd + " --perfetto " + json + " " + scenario)
                .status,
            0);
  auto r = run_iosim("run --quiet --no-gtkw --trace-limit 50KiB --vcd " + temp("cut.vcd") +
                     " --perfetto " + temp("cut.json") + " " + scenario);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = read_file(temp("cut.vcd"));
  const std::string said = "without it the file would have been ";
  const auto at = text.find(said);
  ASSERT_NE(at, std::string::npos) << text.substr(text.size() - 300);
  EXPECT_EQ(std::stoull(text.substr(at + said.size())), read_file(vcd).size())
      << "the VCD's closing comment: the whole file's size";
  for (const std::string& whole : {vcd, json}) {
    const std::string size = units::format_size(read_file(whole).size());
    EXPECT_NE(r.err.find("the whole trace would have been about " + size), std::string::npos)
        << whole << " has " << size << "; the warnings say:\n"
        << r.err;
  }
}

TEST(TraceScopes, OnlyTheNamedGroupsAreTracedAndTheSaveFileMatches) {
  const std::string vcd = temp("scopes.vcd");
  auto r = run_iosim("run --quiet --trace-scopes cores,disk --vcd " + vcd + " " +
                     workload("cpu-free-during-io/dma.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string v = read_file(vcd);
  EXPECT_NE(v.find("$scope module cores $end"), std::string::npos);
  EXPECT_NE(v.find("$scope module disk $end"), std::string::npos);
  EXPECT_EQ(v.find("$scope module dma $end"), std::string::npos);
  const std::string gtkw = read_file(vcd.substr(0, vcd.size() - 4) + ".gtkw");
  EXPECT_EQ(gtkw.find("iosim.dma."), std::string::npos) << "the save file names a missing signal";
}

TEST(TraceScopes, ThreadsAloneGivesTheThreadStatesOnly) {
  const std::string vcd = temp("threads.vcd");
  auto r = run_iosim("run --quiet --no-gtkw --trace-scopes threads --vcd " + vcd + " " +
                     workload("cpu-free-during-io/dma.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string v = read_file(vcd);
  EXPECT_NE(v.find("$scope module threads $end"), std::string::npos);
  EXPECT_NE(v.find(" t1_state $end"), std::string::npos);
  EXPECT_EQ(v.find("$scope module cores $end"), std::string::npos);
}

TEST(TraceScopes, AnUnknownGroupIsABadInputWithASuggestion) {
  auto r = run_iosim("run --quiet --trace-scopes cores,dsk --vcd " + temp("bad.vcd"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown group 'dsk': did you mean 'disk'?"), std::string::npos) << r.err;
}

TEST(TraceWindow, AWindowThatEndsBeforeItStartsIsABadInput) {
  auto r = run_iosim("run --quiet --trace-from 20ms --trace-to 5ms --vcd " + temp("w.vcd"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--trace-from 20ms is not before --trace-to 5ms"), std::string::npos)
      << r.err;
  EXPECT_EQ(run_iosim("run --quiet --trace-from 5ms --trace-to 5ms").status, 2) << "empty";
}

TEST(TraceWindow, ATimeWithoutAUnitIsABadInput) {
  auto r = run_iosim("run --quiet --trace-from 5 --vcd " + temp("w.vcd"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--trace-from 5:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace iosim::testing
