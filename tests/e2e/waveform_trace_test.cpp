// The waveform beyond the devices: a state signal per thread and GIL
// signals per python process (declared before the run, filled as threads
// appear), the time window (--trace-from, --trace-to), and FST output made
// from the VCD by vcd2fst. Each is checked against the report of the same
// run or against the full VCD, so a signal that drifts from what the kernel
// did fails here.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// One signal's history: (time, value) in file order, the first at the dump's start.
using History = std::vector<std::pair<std::int64_t, std::uint64_t>>;

struct Vcd {
  std::map<std::string, History> signals;  // by "scope.name", every declared signal
  std::vector<std::int64_t> stamps;        // every "#T", in order
};

// Reads our VCD, or one fst2vcd wrote (which pads vectors with zeros).
Vcd read_vcd(const std::string& text) {
  std::istringstream in(text);
  std::map<std::string, std::string> name_of;  // code -> scope.name
  std::string scope, word;
  Vcd out;
  std::int64_t now = 0;
  while (in >> word) {
    if (word == "$scope") {
      in >> word >> scope;
    } else if (word == "$var") {
      std::string type, width, code, name;
      in >> type >> width >> code >> name;
      name_of[code] = scope + "." + name;
      out.signals[scope + "." + name];
    } else if (word == "$comment" || word == "$date" || word == "$version") {
      while (in >> word && word != "$end") {
      }
    } else if (word[0] == '#') {
      now = std::stoll(word.substr(1));
      out.stamps.push_back(now);
    } else if (word[0] == 'b') {
      std::string code;
      in >> code;
      out.signals[name_of.at(code)].emplace_back(now, std::stoull(word.substr(1), nullptr, 2));
    } else if ((word[0] == '0' || word[0] == '1') && name_of.count(word.substr(1))) {
      out.signals[name_of.at(word.substr(1))].emplace_back(now, word[0] == '1' ? 1 : 0);
    }
  }
  return out;
}

// The value a history holds at time `t` (after every change at t).
std::uint64_t value_at(const History& h, std::int64_t t) {
  std::uint64_t value = 0;
  for (const auto& [at, v] : h)
    if (at <= t) value = v;
  return value;
}

// Time spent at each value, up to `end`.
std::map<std::uint64_t, std::int64_t> time_at(const History& h, std::int64_t end) {
  std::map<std::uint64_t, std::int64_t> out;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const std::int64_t until = i + 1 < h.size() ? h[i + 1].first : end;
    out[h[i].second] += until - h[i].first;
  }
  return out;
}

// The integral of a count over time, up to `end` (e.g. thread-ns of waiting).
std::int64_t area(const History& h, std::int64_t end) {
  std::int64_t total = 0;
  for (const auto& [value, ns] : time_at(h, end))
    total += static_cast<std::int64_t>(value) * ns;
  return total;
}

// A directory of its own per test, removed at the end.
class WaveformTrace : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path("/tmp") / ("iosim-waveform-" + std::to_string(getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `scenario` with --json and `args`; returns the report.
  json run(const std::string& scenario, const std::string& args) {
    auto r = run_iosim("run --quiet --json " + workload(scenario) + " " + args);
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? json::parse(r.out) : json();
  }

  fs::path dir_;
};

// Thread slot values: the state + 1 (docs/traces.md).
enum Slot : std::uint64_t {
  kNoThread,
  kNew,
  kReady,
  kRunning,
  kBlocked,
  kSleeping,
  kWaiting,
  kDone
};

class ThreadStateTrace : public WaveformTrace, public ::testing::WithParamInterface<const char*> {};

TEST_P(ThreadStateTrace, EachSlotSpendsAsLongInEachStateAsTheReportSays) {
  const json report = run(GetParam(), "--vcd " + path("run.vcd"));
  const Vcd vcd = read_vcd(read_file(path("run.vcd")));
  const std::int64_t end = report["sim_time_ns"];
  const json& threads = report["threads"];
  ASSERT_LE(threads.size(), 64u) << "this check needs a slot for every thread";
  for (std::size_t id = 0; id < threads.size(); ++id) {
    const json& t = threads[id];
    const std::string who = "t" + std::to_string(id) + " (" + t["process"].get<std::string>() +
                            "/" + t["name"].get<std::string>() + ")";
    const auto signal = vcd.signals.find("threads.t" + std::to_string(id) + "_state");
    ASSERT_NE(signal, vcd.signals.end()) << "no slot for " << who;
    auto times = time_at(signal->second, end);
    EXPECT_EQ(times[kReady], t["ready_wait_ns"]) << who << ": ready in the waveform vs the report";
    EXPECT_EQ(times[kBlocked], t["io_wait_ns"]) << who << ": blocked vs io_wait_ns";
    EXPECT_EQ(times[kSleeping], t["sleep_ns"]) << who << ": sleeping vs sleep_ns";
    EXPECT_EQ(times[kWaiting], t["lock_wait_ns"].get<std::int64_t>() +
                                   t["gil_wait_ns"].get<std::int64_t>() +
                                   t["join_wait_ns"].get<std::int64_t>())
        << who << ": waiting vs the lock, GIL and join waits";
    EXPECT_EQ(value_at(signal->second, end), kDone) << who << " ends finished";
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ThreadStateTrace,
                         ::testing::Values("cpu-free-during-io/dma.toml",
                                           "cpu-bound-work/threads-python.toml",
                                           "examples/kernel-tour.toml"));

TEST_F(WaveformTrace, TheGilSignalsFollowItsHolderAndItsWaiters) {
  const json report = run("cpu-bound-work/threads-python.toml", "--vcd " + path("run.vcd"));
  const Vcd vcd = read_vcd(read_file(path("run.vcd")));
  const std::int64_t end = report["sim_time_ns"];
  ASSERT_TRUE(vcd.signals.count("gil.app_holder")) << "python process 'app' has GIL signals";
  const History& holder = vcd.signals.at("gil.app_holder");
  const History& waiting = vcd.signals.at("gil.app_waiting");

  std::int64_t gil_wait = 0;
  for (const json& t : report["threads"])
    gil_wait += t["gil_wait_ns"].get<std::int64_t>();
  EXPECT_EQ(area(waiting, end), gil_wait)
      << "the waiting count over time adds up to the threads' GIL waits";
  std::uint64_t most = 0;
  for (const auto& [at, n] : waiting)
    most = std::max(most, n);
  EXPECT_EQ(most, 3u) << "four workers: one holds the GIL, three wait";

  int handovers = 0;
  for (const auto& [at, id] : holder) {
    EXPECT_LE(id, report["threads"].size()) << "a holder that is not a thread of the run";
    handovers += at > 0 && id != 0;
  }
  EXPECT_EQ(handovers, report["processes"][0]["gil_switches"])
      << "each change of holder is one of the process's GIL switches";
}

TEST_F(WaveformTrace, OnlyTheFirstNThreadsHaveSlotsAndTheSaveFileSaysSo) {
  run("cpu-bound-work/threads-python.toml", "--trace-threads 2 --vcd " + path("run.vcd"));
  const Vcd vcd = read_vcd(read_file(path("run.vcd")));
  std::vector<std::string> slots;
  for (const auto& [name, history] : vcd.signals)
    if (name.rfind("threads.", 0) == 0) slots.push_back(name);
  EXPECT_EQ(slots, (std::vector<std::string>{"threads.t0_state", "threads.t1_state"}));
  EXPECT_NE(read_file(path("run.gtkw")).find("\n-Threads (the first 2 of 5)\n"), std::string::npos)
      << "the Threads group's title says how many threads the run had";
}

TEST_F(WaveformTrace, ZeroThreadSlotsMeansNoThreadOrGilSignals) {
  run("cpu-bound-work/threads-python.toml", "--trace-threads 0 --vcd " + path("run.vcd"));
  const std::string text = read_file(path("run.vcd"));
  EXPECT_EQ(text.find("$scope module threads"), std::string::npos);
  EXPECT_EQ(text.find("$scope module gil"), std::string::npos);
}

// The slots are declared before the run from a bound on the threads the
// scenario can create: for these it is exact, or the limit (64).
TEST_F(WaveformTrace, TheSlotsMatchTheThreadsTheScenarioCreates) {
  for (const char* scenario :
       {"cpu-free-during-io/dma.toml", "cpu-bound-work/threads-python.toml",
        "io-bound-work/threads-10.toml", "io-bound-work/threads-100.toml",
        "examples/kernel-tour.toml", "mixed-work/asyncio-process-pool.toml"}) {
    const json report = run(scenario, "--no-gtkw --vcd " + path("run.vcd"));
    const Vcd vcd = read_vcd(read_file(path("run.vcd")));
    std::size_t slots = 0;
    for (const auto& [name, history] : vcd.signals)
      slots += name.rfind("threads.", 0) == 0;
    EXPECT_EQ(slots, std::min<std::size_t>(64, report["threads"].size())) << scenario;
  }
}

TEST_F(WaveformTrace, AWindowStartsWithEveryValueAtItsStartAndHoldsOnlyItsChanges) {
  constexpr std::int64_t kFrom = 25'000'000, kTo = 60'000'000;
  run("cpu-free-during-io/dma.toml", "--no-gtkw --vcd " + path("full.vcd"));
  run("cpu-free-during-io/dma.toml",
      "--trace-from 25ms --trace-to 60ms --vcd " + path("window.vcd"));
  const Vcd full = read_vcd(read_file(path("full.vcd")));
  const Vcd window = read_vcd(read_file(path("window.vcd")));
  ASSERT_FALSE(window.stamps.empty());
  EXPECT_EQ(window.stamps.front(), kFrom) << "the file starts at the window's start";
  for (std::int64_t t : window.stamps) {
    EXPECT_GE(t, kFrom);
    EXPECT_LE(t, kTo);
  }
  ASSERT_EQ(window.signals.size(), full.signals.size());
  for (const auto& [name, history] : full.signals) {
    const History& cut = window.signals.at(name);
    ASSERT_FALSE(cut.empty()) << name << " has no value at the window's start";
    EXPECT_EQ(cut.front(), std::make_pair(kFrom, value_at(history, kFrom))) << name;
    History inside;
    for (const auto& change : history)
      if (change.first > kFrom && change.first <= kTo) inside.push_back(change);
    EXPECT_EQ(History(cut.begin() + 1, cut.end()), inside) << name << ": changes in the window";
  }
  const std::string gtkw = read_file(path("window.gtkw"));
  EXPECT_NE(gtkw.find("[timestart] 25000000\n"), std::string::npos) << "the view opens at 25 ms";
}

// --fst: vcd2fst and fst2vcd come with GTKWave (scripts/setup-deps.sh).
bool have_fst_tools() {
  return std::system("command -v vcd2fst >/dev/null && command -v fst2vcd >/dev/null") == 0;
}

TEST_F(WaveformTrace, AnFstHoldsTheSameChangesAsTheVcd) {
  if (!have_fst_tools()) GTEST_SKIP() << "vcd2fst or fst2vcd is not installed (package gtkwave)";
  run("cpu-free-during-io/dma.toml", "--vcd " + path("run.vcd") + " --fst " + path("run.fst"));
  const std::string back = path("back.vcd");
  ASSERT_EQ(std::system(("fst2vcd -o " + back + " " + path("run.fst") + " >/dev/null").c_str()), 0);
  const Vcd from_fst = read_vcd(read_file(back));
  const Vcd vcd = read_vcd(read_file(path("run.vcd")));
  ASSERT_GT(vcd.signals.size(), 20u);
  EXPECT_EQ(from_fst.signals.size(), vcd.signals.size());
  for (const auto& [name, history] : vcd.signals) {
    auto it = from_fst.signals.find(name);
    ASSERT_NE(it, from_fst.signals.end()) << name << " is missing from the FST";
    EXPECT_EQ(it->second, history) << name << ": the FST's changes differ from the VCD's";
  }
  EXPECT_NE(read_file(path("run.gtkw")).find("[dumpfile] \"" + path("run.fst") + "\""),
            std::string::npos)
      << "run.vcd and run.fst share run.gtkw, which names the FST";
}

TEST_F(WaveformTrace, AnFstIsTheSameEveryRunAndLeavesNoIntermediateFile) {
  if (!have_fst_tools()) GTEST_SKIP() << "vcd2fst is not installed (package gtkwave)";
  run("cpu-free-during-io/dma.toml", "--fst " + path("a.fst"));
  run("cpu-free-during-io/dma.toml", "--fst " + path("b.fst"));
  EXPECT_FALSE(read_file(path("a.fst")).empty());
  EXPECT_TRUE(read_file(path("a.fst")) == read_file(path("b.fst"))) << "the FSTs differ";
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename().string();
    EXPECT_FALSE(name.ends_with(".vcd") || name.ends_with(".tmp")) << name << " was left behind";
  }
  EXPECT_NE(read_file(path("a.gtkw")).find("[dumpfile] \"" + path("a.fst") + "\""),
            std::string::npos);
}

TEST_F(WaveformTrace, AnFstWithoutVcd2fstIsABadInputBeforeTheRun) {
  fs::create_directories(dir_ / "empty");
  const std::string command = "PATH=" + path("empty") + " " + IOSIM_BINARY + " run --quiet --fst " +
                              path("run.fst") + " 2>" + path("err.txt") + " >/dev/null";
  const int status = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(read_file(path("err.txt")).find("--fst needs vcd2fst"), std::string::npos)
      << read_file(path("err.txt"));
  EXPECT_FALSE(fs::exists(path("run.fst")));
  EXPECT_FALSE(fs::exists(path("run.fst.vcd.tmp"))) << "nothing is written before the check";
}

}  // namespace
}  // namespace iosim::testing
