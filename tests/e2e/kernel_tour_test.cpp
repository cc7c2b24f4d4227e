// workloads/examples/kernel-tour.toml end to end: the features of the
// kernel together, from the command line, and the same bytes every run.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

const std::string kTour = "examples/kernel-tour.toml";

nlohmann::json tour_report() {
  CommandResult r = run_iosim("run " + workload(kTour) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

const nlohmann::json& process(const nlohmann::json& report, const std::string& name) {
  for (const auto& p : report["processes"])
    if (p["name"] == name) return p;
  throw std::runtime_error("no process " + name);
}

TEST(KernelTour, TheRaceLosesUpdatesAndTheLockedCounterDoesNot) {
  nlohmann::json r = tour_report();
  const nlohmann::json& vars = process(r, "counters")["variables"];
  EXPECT_LT(vars["racy"].get<int>(), 4000);
  EXPECT_EQ(vars["safe"].get<int>(), 4000);
}

TEST(KernelTour, SpawnsTheCountersAndTwoPoolWorkersThatAreKilledAtExit) {
  nlohmann::json r = tour_report();
  ASSERT_EQ(r["processes"].size(), 4u);
  EXPECT_EQ(process(r, "counters")["parent"], "app");
  EXPECT_EQ(process(r, "app/crunch[1]")["runtime"], "python");
  int killed = 0;
  for (const auto& t : r["threads"])
    killed += t["end"] == "killed";
  EXPECT_EQ(killed, 2) << "the pool's workers end with their owner";
  ASSERT_EQ(r["console"].size(), 4u);
  EXPECT_EQ(r["console"][3]["text"], "crunching done");
}

TEST(KernelTour, TheTenDownloadsOverlap) {
  nlohmann::json r = tour_report();
  const auto& console = r["console"];
  const auto downloads =
      console[2]["time_ns"].get<std::int64_t>() - console[1]["time_ns"].get<std::int64_t>();
  EXPECT_LT(downloads, 100'000'000) << "10 requests of 50 ms each, all in flight together";
  EXPECT_EQ(r["threads"][0]["tasks"], 10);
}

TEST(Determinism, TheKernelTourGivesIdenticalReportsTwice) {
  CommandResult a = run_iosim("run " + workload(kTour) + " --json --quiet");
  CommandResult b = run_iosim("run " + workload(kTour) + " --json --quiet");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
}

}  // namespace
}  // namespace iosim::testing
