// Trace controls: --trace-limit keeps a trace file from growing past a size
// (it stays valid and says it was cut), --trace-scopes keeps only some groups.
#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

std::string temp(const std::string& name) {
  return "/tmp/iosim-trace-" + std::to_string(getpid()) + "-" + name;
}

TEST(TraceLimit, ATraceStopsGrowingAtTheLimitStaysValidAndSaysSo) {
  const std::string vcd = temp("limit.vcd"), json = temp("limit.json");
  auto r = run_iosim("run --quiet --trace-limit 100KiB --vcd " + vcd + " --perfetto " + json + " " +
                     workload("cpu-free-during-io/dma.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string v = read_file(vcd);
  EXPECT_LE(v.size(), 100u * 1024 + 512) << "at most one time step and the closing lines over";
  EXPECT_NE(v.find("$comment truncated: the size limit (102400 bytes) was reached"),
            std::string::npos);
  const std::string p = read_file(json);
  EXPECT_LE(p.size(), 100u * 1024 + 512);
  EXPECT_TRUE(nlohmann::json::accept(p)) << "a cut Perfetto trace still parses";
  EXPECT_NE(r.err.find("the VCD reached its size limit (100.00 KiB)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the Perfetto trace reached its size limit"), std::string::npos) << r.err;
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

TEST(TraceScopes, AnUnknownGroupIsABadInputWithASuggestion) {
  auto r = run_iosim("run --quiet --trace-scopes cores,dsk --vcd " + temp("bad.vcd"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown group 'dsk': did you mean 'disk'?"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace iosim::testing
