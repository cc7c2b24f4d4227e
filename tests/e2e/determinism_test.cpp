// Runs are deterministic (design decision 6): the same scenario, seed and
// build give the same report and the same traces, byte for byte. Every
// scenario of workloads/ (one test per lesson folder; lesson.toml is an
// index, not a scenario) runs twice, each in its own empty folder, with
// --json, --vcd and --perfetto, and the two folders must hold the same files
// with the same bytes (the VCD's GTKWave save file and filters too), and
// stdout must match. All of workloads/ runs twice in about 30 s on 2 cores.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> lesson_folders() {
  std::vector<std::string> folders;
  for (const auto& entry : fs::directory_iterator(workload("")))
    if (entry.is_directory()) folders.push_back(entry.path().filename().string());
  std::sort(folders.begin(), folders.end());
  return folders;
}

std::vector<std::string> scenarios_in(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(workload(folder))) {
    const fs::path& p = entry.path();
    if (p.extension() == ".toml" && p.filename() != "lesson.toml") files.push_back(p.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "line N: `...` vs `...`", where two texts first differ.
std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t line = 1, start = 0;
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  for (; i < n && a[i] == b[i]; ++i) {
    if (a[i] == '\n') {
      ++line;
      start = i + 1;
    }
  }
  auto line_of = [start](const std::string& s) {
    if (start >= s.size()) return std::string("(end of file)");
    return s.substr(start, std::min<std::size_t>(s.find('\n', start) - start, 200));
  };
  return "line " + std::to_string(line) + ": `" + line_of(a) + "` vs `" + line_of(b) + "`";
}

// `text` with every occurrence of `dir` replaced by "<dir>".
std::string without(const std::string& dir, std::string text) {
  for (std::size_t at = text.find(dir); at != std::string::npos; at = text.find(dir, at))
    text.replace(at, dir.size(), "<dir>");
  return text;
}

// What a run left in its folder: file name -> bytes. The GTKWave save file
// names the VCD by its absolute path, so the folder's own path is masked.
std::map<std::string, std::string> files_in(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string bytes = read_file(entry.path().string());
    files[name] = entry.path().extension() == ".gtkw" ? without(dir, bytes) : bytes;
  }
  return files;
}

struct Run {
  std::string dir;
  CommandResult result;
};

Run run_in_fresh_folder(const std::string& scenario) {
  char templ[] = "/tmp/iosim-determinism-XXXXXX";
  Run run{mkdtemp(templ), {}};
  run.result =
      run_iosim("run " + scenario + " --json --vcd a.vcd --perfetto a.json --quiet", run.dir);
  return run;
}

void expect_same_runs(const std::string& scenario) {
  SCOPED_TRACE(scenario);
  const Run first = run_in_fresh_folder(scenario), second = run_in_fresh_folder(scenario);
  bool same = true;
  auto expect = [&same](bool ok) {
    same = same && ok;
    return ok;
  };
  EXPECT_TRUE(expect(first.result.status == second.result.status))
      << "exit statuses " << first.result.status << " and " << second.result.status;
  EXPECT_TRUE(expect(first.result.out == second.result.out))
      << "the JSON reports differ at " << first_difference(first.result.out, second.result.out);
  const auto a = files_in(first.dir), b = files_in(second.dir);
  for (const auto& [name, bytes] : a) {
    const auto other = b.find(name);
    if (!expect(other != b.end())) {
      ADD_FAILURE() << "only the first run wrote " << name;
    } else {
      EXPECT_TRUE(expect(bytes == other->second))
          << name << " differs at " << first_difference(bytes, other->second);
    }
  }
  for (const auto& [name, bytes] : b)
    EXPECT_TRUE(expect(a.count(name) == 1)) << "only the second run wrote " << name;
  EXPECT_TRUE(expect(a.count("a.vcd") && a.count("a.json"))) << "the traces were not written";
  if (!same) {
    ADD_FAILURE() << "kept for a look: " << first.dir << " and " << second.dir;
    return;
  }
  fs::remove_all(first.dir);
  fs::remove_all(second.dir);
}

class WorkloadDeterminism : public ::testing::TestWithParam<std::string> {};

TEST_P(WorkloadDeterminism, EveryScenarioGivesTheSameReportAndTracesTwice) {
  const std::vector<std::string> scenarios = scenarios_in(GetParam());
  ASSERT_FALSE(scenarios.empty()) << "no scenario in workloads/" << GetParam();
  for (const std::string& scenario : scenarios)
    expect_same_runs(scenario);
}

std::string folder_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(Workloads, WorkloadDeterminism, ::testing::ValuesIn(lesson_folders()),
                         folder_name);

// Tracing watches the run and must not change it: a report with a trace
// running is the report without one, byte for byte (delta cycles included).
// A model that did work only when a trace was attached (say, an event to
// update a probe) could reorder processes that wake at the same nanosecond.
TEST(TracingDeterminism, TheReportIsTheSameWithAndWithoutTraces) {
  char templ[] = "/tmp/iosim-tracing-XXXXXX";
  const std::string dir = mkdtemp(templ);
  for (const char* scenario : {"examples/kernel-tour.toml", "cpu-free-during-io/dma.toml",
                               "ten-thousand-connections/threads.toml"}) {
    SCOPED_TRACE(scenario);
    const std::string run = "run " + workload(scenario) + " --json --quiet";
    const CommandResult plain = run_iosim(run, dir);
    // threads.toml runs out of (simulated) memory on purpose: a partial report.
    ASSERT_TRUE(plain.status == 0 || plain.status == 3) << plain.err;
    for (const char* traces :
         {" --vcd a.vcd", " --perfetto a.json", " --vcd a.vcd --perfetto a.json"}) {
      const CommandResult traced = run_iosim(run + traces, dir);
      ASSERT_EQ(traced.status, plain.status) << traced.err;
      EXPECT_TRUE(plain.out == traced.out)
          << "with" << traces << ", " << first_difference(plain.out, traced.out);
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace iosim::testing
