// --perfetto: a Chrome trace JSON that ui.perfetto.dev opens. Checked for
// what the viewer relies on: well-formed JSON, a name for every track, a
// duration for every complete event, flows whose every step lands inside a
// slice of its track; and the same bytes every run. The bus utilisation
// counter and the GIL tracks are checked against the report, and a time
// window against what it must leave out.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

std::string trace_path(const std::string& name) {
  return "/tmp/iosim-perfetto-" + std::to_string(getpid()) + "-" + name;
}

json run_with_trace(const std::string& scenario, const std::string& name) {
  const std::string path = trace_path(name);
  auto r = run_iosim("run --quiet --perfetto " + path + " " + scenario);
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(read_file(path));
}

using TrackKey = std::pair<int, int>;  // pid, tid

TEST(Perfetto, EveryTrackIsNamedAndEveryCompleteEventHasADuration) {
  json trace = run_with_trace(workload("cpu-free-during-io/dma.toml"), "names.json");
  std::map<TrackKey, std::string> names;
  std::map<int, std::string> processes;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name")
      names[{e["pid"], e["tid"]}] = e["args"]["name"];
    if (e["ph"] == "M" && e["name"] == "process_name") processes[e["pid"]] = e["args"]["name"];
  }
  int slices = 0;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] == "M") continue;
    EXPECT_TRUE(processes.count(e["pid"])) << e.dump();
    if (e["ph"] != "X") continue;
    ++slices;
    EXPECT_TRUE(names.count({e["pid"], e["tid"]})) << "an unnamed track: " << e.dump();
    ASSERT_TRUE(e.contains("dur")) << e.dump();
    EXPECT_GT(e["dur"].get<double>(), 0) << e.dump();
  }
  EXPECT_GT(slices, 100);
  for (const char* track : {"app/reader", "app/cruncher", "firmware_state", "core0_thread"}) {
    bool found = false;
    for (const auto& [key, name] : names)
      found = found || name == track;
    EXPECT_TRUE(found) << "no track " << track;
  }
}

TEST(Perfetto, EachRequestFlowsFromTheSyscallThroughTheDeviceAndTheHandlerBackToTheThread) {
  json trace = run_with_trace(workload("cpu-free-during-io/dma.toml"), "flows.json");
  std::map<TrackKey, std::vector<std::pair<double, double>>> slices;
  for (const json& e : trace["traceEvents"])
    if (e["ph"] == "X")
      slices[{e["pid"], e["tid"]}].emplace_back(e["ts"].get<double>(),
                                                e["ts"].get<double>() + e["dur"].get<double>());
  std::map<std::uint64_t, std::string> phases;
  for (const json& e : trace["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph != "s" && ph != "t" && ph != "f") continue;
    phases[e["id"]] += ph;
    const double ts = e["ts"];
    bool inside = false;
    for (const auto& [begin, end] : slices[{e["pid"], e["tid"]}])
      inside = inside || (begin <= ts && ts <= end);
    EXPECT_TRUE(inside) << "a flow step outside every slice of its track: " << e.dump();
  }
  ASSERT_EQ(phases.size(), 25u) << "one flow per read";
  for (const auto& [id, steps] : phases)
    EXPECT_EQ(steps, "sttf") << "flow " << id << ": syscall, device, handler, return";
}

// A counter's time-weighted mean over [0, end].
double mean(const std::vector<std::pair<double, double>>& points, double end) {
  double total = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const double until = i + 1 < points.size() ? points[i + 1].first : end;
    total += points[i].second * (until - points[i].first);
  }
  return total / end;
}

// The counter `name`'s (ts, value) points, in time order.
std::vector<std::pair<double, double>> counter(const json& trace, const std::string& name) {
  std::vector<std::pair<double, double>> out;
  for (const json& e : trace["traceEvents"])
    if (e["ph"] == "C" && e["name"] == name)
      out.emplace_back(e["ts"].get<double>(), e["args"]["value"].get<double>());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Perfetto, TheBusUtilisationCounterAveragesToTheReportsUtilisation) {
  const std::string path = trace_path("bus.json");
  auto r = run_iosim("run --quiet --json --perfetto " + path + " " +
                     workload("examples/kernel-tour.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const json report = json::parse(r.out);
  const json trace = json::parse(read_file(path));
  const auto points = counter(trace, "bus utilisation (%)");
  ASSERT_GT(points.size(), 10u);
  for (const auto& [ts, value] : points) {
    EXPECT_GE(value, 0);
    EXPECT_LE(value, 100);
  }
  const double end_us = report["sim_time_ns"].get<double>() / 1000;
  // Each 100 us window is rounded to 0.1 %, so the mean is within 0.05 points.
  EXPECT_NEAR(mean(points, end_us), 100 * report["bus"]["utilisation"].get<double>(), 0.05)
      << "the counter's mean over the run vs bus.utilisation in the report";
  EXPECT_TRUE(counter(trace, "owner").empty())
      << "the bus owner (two changes per access) belongs to the VCD, not the timeline";
}

TEST(Perfetto, EachPythonProcessHasAGilTrackOfItsHoldersAndWaiters) {
  const std::string path = trace_path("gil.json");
  auto r = run_iosim("run --quiet --json --perfetto " + path + " " +
                     workload("cpu-bound-work/threads-python.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const json report = json::parse(r.out);
  const json trace = json::parse(read_file(path));
  int gil_pid = -1;
  for (const json& e : trace["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "process_name" && e["args"]["name"] == "gil")
      gil_pid = e["pid"];
  ASSERT_GE(gil_pid, 0) << "no gil group";
  double held_us = 0;
  int slices = 0;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] != "X" || e["pid"] != gil_pid) continue;
    ++slices;
    held_us += e["dur"].get<double>();
    EXPECT_EQ(e["name"].get<std::string>().rfind("app/", 0), 0u) << "held by a thread of app";
  }
  EXPECT_GE(slices, report["processes"][0]["gil_switches"].get<int>())
      << "a slice per holder stretch";
  EXPECT_LE(held_us, report["sim_time_ns"].get<double>() / 1000);
  double most = 0;
  for (const auto& [ts, n] : counter(trace, "app GIL waiting"))
    most = std::max(most, n);
  EXPECT_EQ(most, 3) << "four workers: one holds the GIL, three wait";
}

TEST(Perfetto, AWindowKeepsOnlyWhatHappenedInsideIt) {
  const std::string path = trace_path("window.json");
  auto r = run_iosim("run --quiet --trace-from 25ms --trace-to 60ms --perfetto " + path + " " +
                     workload("cpu-free-during-io/dma.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const json trace = json::parse(read_file(path));
  constexpr double kFrom = 25000, kTo = 60000;  // us
  int slices = 0, at_start = 0, flows = 0;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] == "M") continue;
    const double ts = e["ts"];
    EXPECT_GE(ts, kFrom) << e.dump();
    EXPECT_LE(ts + (e.contains("dur") ? e["dur"].get<double>() : 0), kTo) << e.dump();
    slices += e["ph"] == "X";
    at_start += e["ph"] == "C" && ts == kFrom;
    flows += e["ph"] == "s";
  }
  EXPECT_GT(slices, 10);
  EXPECT_GT(at_start, 0) << "counters start with their value at the window's start";
  EXPECT_GT(flows, 0) << "the requests wholly inside the window keep their flows";
}

TEST(Perfetto, TheTraceIsTheSameEveryRunAndNoTemporaryFileIsLeft) {
  const std::string a = trace_path("a.json"), b = trace_path("b.json");
  const std::string scenario = workload("examples/kernel-tour.toml");
  ASSERT_EQ(run_iosim("run --quiet --perfetto " + a + " " + scenario).status, 0);
  ASSERT_EQ(run_iosim("run --quiet --perfetto " + b + " " + scenario).status, 0);
  EXPECT_EQ(read_file(a), read_file(b));
  EXPECT_FALSE(std::ifstream(a + ".tmp").good());
}

}  // namespace
}  // namespace iosim::testing
