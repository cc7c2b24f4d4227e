// workloads/cpu-or-io-bound end to end: CPU time over wall time classifies a
// number cruncher (CPU-bound), a file copier and a web fetcher (I/O-bound),
// and a crawler (mixed), alone and side by side.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file, const std::string& extra = "") {
  CommandResult r =
      run_iosim("run " + workload("cpu-or-io-bound/" + file) + " --json --quiet" + extra);
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

const json& thread_of(const json& report, const std::string& process) {
  for (const json& t : report["threads"])
    if (t["process"] == process) return t;
  throw std::runtime_error("no thread in process " + process);
}

// CPU time over wall time (turnaround), the number the lesson is about.
double cpu_share(const json& t) {
  return t["cpu_ns"].get<double>() / t["turnaround_ns"].get<double>();
}

// The classes of the report's `bound` field: above 0.8 cpu, below 0.2 io.
std::string bound_of(double share) {
  return share > 0.8 ? "cpu" : share < 0.2 ? "io" : "mixed";
}

// Checks the share and, when the report has it, the `bound` field.
void expect_bound(const json& t, const std::string& expected, double low, double high) {
  const double share = cpu_share(t);
  EXPECT_EQ(t["end"], "finished") << t["process"];
  EXPECT_GE(share, low) << t["process"] << ": CPU / wall time below what the lesson states";
  EXPECT_LE(share, high) << t["process"] << ": CPU / wall time above what the lesson states";
  EXPECT_EQ(bound_of(share), expected) << t["process"] << " classified from " << share;
  if (t.contains("bound")) {
    EXPECT_EQ(t["bound"], expected) << t["process"] << ": the report's bound field";
  }
}

TEST(LessonCpuOrIoBound, TheCruncherSpendsAllItsTimeOnTheCpu) {
  json r = run_lesson("cruncher.toml");
  const json& t = thread_of(r, "cruncher");
  expect_bound(t, "cpu", 0.99, 1.01);
  EXPECT_EQ(t["io_wait_ns"], 0);
  EXPECT_NEAR(r["sim_time_ns"].get<double>(), 300e6, 1e6) << "300 ms of computation";
}

TEST(LessonCpuOrIoBound, TheFileCopierWaitsForTheDisk) {
  json r = run_lesson("file-copier.toml");
  const json& t = thread_of(r, "copier");
  expect_bound(t, "io", 0.0002, 0.005);
  EXPECT_EQ(t["reads"], 4);
  EXPECT_EQ(t["writes"], 4);
  EXPECT_EQ(t["bytes_written"], 256 * 1024) << "the copy is the whole 256 KiB file";
  EXPECT_GT(t["io_wait_ns"].get<double>(), 0.99 * t["turnaround_ns"].get<double>());
  EXPECT_GT(r["devices"]["disk"]["busy_ns"].get<double>(), 0.95 * r["sim_time_ns"].get<double>())
      << "the disk, not the core, is busy the whole run";
}

TEST(LessonCpuOrIoBound, TheWebFetcherWaitsForTheServer) {
  json r = run_lesson("web-fetcher.toml");
  const json& t = thread_of(r, "fetcher");
  expect_bound(t, "io", 0.02, 0.05);
  EXPECT_EQ(t["fetches"], 5);
  EXPECT_NEAR(t["cpu_ns"].get<double>(), 10e6, 0.5e6) << "5 x 2 ms of computation";
  EXPECT_GT(t["turnaround_ns"].get<double>(), 5 * 50e6) << "5 answers of 50 ms, one at a time";
}

TEST(LessonCpuOrIoBound, TheCrawlerIsMixed) {
  json r = run_lesson("crawler.toml");
  const json& t = thread_of(r, "crawler");
  expect_bound(t, "mixed", 0.38, 0.46);
  EXPECT_NEAR(t["cpu_ns"].get<double>(), 200e6, 1e6) << "5 x 40 ms of parsing";
  EXPECT_GT(t["io_wait_ns"].get<double>(), 5 * 50e6) << "and 5 waits for the server";
}

TEST(LessonCpuOrIoBound, SideBySideOnFourCoresEachKeepsItsClass) {
  json together = run_lesson("all-four.toml");
  const struct {
    const char* process;
    const char* file;
    const char* bound;
  } programs[] = {{"cruncher", "cruncher.toml", "cpu"},
                  {"copier", "file-copier.toml", "io"},
                  {"fetcher", "web-fetcher.toml", "io"},
                  {"crawler", "crawler.toml", "mixed"}};
  for (const auto& p : programs) {
    const json& t = thread_of(together, p.process);
    const double alone = cpu_share(thread_of(run_lesson(p.file), p.process));
    expect_bound(t, p.bound, 0.0, 1.01);
    EXPECT_NEAR(cpu_share(t), alone, 0.02)
        << p.process << ": with a core each, the share is the same as alone";
    EXPECT_LT(t["ready_wait_ns"].get<double>(), 1e6) << p.process << " never waits for a core";
  }
}

TEST(LessonCpuOrIoBound, OnOneCoreTheCruncherWaitsAndNoLongerLooksCpuBound) {
  // The header's "try --set machine.cores=1": the share counts waiting for
  // a core as not computing, so the same program drops below 0.8.
  json r = run_lesson("all-four.toml", " --set machine.cores=1");
  const json& t = thread_of(r, "cruncher");
  EXPECT_NEAR(t["cpu_ns"].get<double>(), 300e6, 1e6);
  EXPECT_GT(t["ready_wait_ns"].get<double>(), 50e6) << "it now shares the core with the others";
  EXPECT_LT(cpu_share(t), 0.8) << "so its share falls below the CPU-bound threshold";
  EXPECT_GT(cpu_share(t), 0.6);
}

}  // namespace
}  // namespace iosim::testing
