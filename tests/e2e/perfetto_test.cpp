// --perfetto: a Chrome trace JSON that ui.perfetto.dev opens. Checked for
// what the viewer relies on: well-formed JSON, a name for every track, a
// duration for every complete event, flows whose every step lands inside a
// slice of its track; and the same bytes every run.
#include <gtest/gtest.h>

#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>

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
