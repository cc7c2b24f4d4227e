// The command line's contracts: determinism, error positions and exit
// statuses, limits, and the VCD trace.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/checksum.h"
#include "support/run_iosim.h"

namespace iosim {
namespace {

using testing::read_file;
using testing::run_iosim;
using testing::workload;

std::string temp_path(const std::string& name) {
  return "/tmp/iosim-" + std::to_string(getpid()) + "-" + name;
}

TEST(Determinism, TwoRunsOfTheSameScenarioGiveIdenticalReportsAndTraces) {
  std::string vcd1 = temp_path("a.vcd"), vcd2 = temp_path("b.vcd");
  auto a = run_iosim("run --quiet --json " + workload("cpu-free-during-io/dma.toml") +
                     " --no-gtkw --vcd " + vcd1);
  auto b = run_iosim("run --quiet --json " + workload("cpu-free-during-io/dma.toml") +
                     " --no-gtkw --vcd " + vcd2);
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  std::string t1 = read_file(vcd1), t2 = read_file(vcd2);
  EXPECT_FALSE(t1.empty());
  EXPECT_TRUE(t1 == t2) << "VCD traces differ";
  std::remove(vcd1.c_str());
  std::remove(vcd2.c_str());
}

TEST(Determinism, PioRunsAreIdenticalToo) {
  auto a = run_iosim("run --quiet --json " + workload("cpu-free-during-io/pio.toml"));
  auto b = run_iosim("run --quiet --json " + workload("cpu-free-during-io/pio.toml"));
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
}

// --brief leaves out the per-thread and per-process rows and nothing else:
// the metrics still cover every thread, and the console names its threads.
TEST(Brief, TheReportIsTheFullOneWithoutItsRows) {
  const std::string scenario = workload("examples/kernel-tour.toml");
  auto full = run_iosim("run --quiet --json " + scenario);
  auto brief = run_iosim("run --quiet --json --brief " + scenario);
  ASSERT_EQ(full.status, 0) << full.err;
  ASSERT_EQ(brief.status, 0) << brief.err;
  nlohmann::json expected = nlohmann::json::parse(full.out);
  const nlohmann::json got = nlohmann::json::parse(brief.out);
  ASSERT_FALSE(expected["threads"].empty());
  ASSERT_FALSE(expected["console"].empty()) << "the scenario should print, to test the names";
  expected["threads"] = nlohmann::json::array();
  expected["processes"] = nlohmann::json::array();
  EXPECT_EQ(got, expected) << "brief:\n" << got.dump(1).substr(0, 2000);
}

TEST(Vcd, TraceHasTheTeachingSignalsAndNoLeftoverTempFile) {
  std::string vcd = temp_path("trace.vcd");
  auto r = run_iosim("run --quiet --no-gtkw " + workload("cpu-free-during-io/dma.toml") +
                     " --vcd " + vcd);
  ASSERT_EQ(r.status, 0) << r.err;
  std::string trace = read_file(vcd);
  for (const char* signal : {"$timescale 1ns $end", "core0_state", "core0_thread", "irq2_disk",
                             "irq0_timer0", "ch0_busy", "firmware_state", "$enddefinitions"})
    EXPECT_NE(trace.find(signal), std::string::npos) << signal;
  EXPECT_FALSE(std::ifstream(vcd + ".tmp").good()) << "the temporary file was not renamed";
  std::remove(vcd.c_str());
}

std::string write_scenario(const std::string& name, const std::string& text) {
  std::string path = temp_path(name);
  std::ofstream(path) << text;
  return path;
}

TEST(Check, PointsAtTheLineAndColumnOfABadValueAndExitsWith2) {
  std::string path = write_scenario("bad.toml",
                                    "[machine]\n"
                                    "cores = 1\n"
                                    "[kernel]\n"
                                    "quantum = \"5mss\"\n"
                                    "[[process]]\n"
                                    "name = \"p\"\n"
                                    "  [[process.thread]]\n"
                                    "  name = \"t\"\n"
                                    "  program = \"compute 1ms\"\n");
  auto r = run_iosim("check " + path);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(path + ":4:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mss"), std::string::npos) << r.err;
  std::remove(path.c_str());
}

TEST(Check, ReportsAProgramErrorAtItsLineInTheFile) {
  std::string path = write_scenario("badprog.toml",
                                    "[[process]]\n"
                                    "name = \"p\"\n"
                                    "  [[process.thread]]\n"
                                    "  name = \"t\"\n"
                                    "  program = '''\n"
                                    "  compute 1ms\n"
                                    "  comput 2ms\n"
                                    "  '''\n");
  auto r = run_iosim("check " + path);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(path + ":7:3: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'compute'"), std::string::npos) << r.err;
  auto run = run_iosim("run " + path);
  EXPECT_EQ(run.status, 2) << "run refuses what check refuses";
  std::remove(path.c_str());
}

TEST(Check, AcceptsEveryScenarioInTheWorkloadLibrary) {
  int checked = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(workload(""))) {
    // lesson.toml files index a lesson's variants (iosim compare): not scenarios.
    if (entry.path().extension() != ".toml" || entry.path().filename() == "lesson.toml") continue;
    auto r = run_iosim("check " + entry.path().string());
    EXPECT_EQ(r.status, 0) << entry.path() << ": " << r.err;
    ++checked;
  }
  EXPECT_GE(checked, 5);
}

TEST(Limits, SimulatedTimeLimitEndsTheRunWithAPartialReportAndStatus3) {
  auto r = run_iosim("run --quiet --json " + workload("cpu-free-during-io/dma.toml") +
                     " --set limits.sim_time=50ms");
  EXPECT_EQ(r.status, 3) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "sim_time_limit");
  EXPECT_EQ(j["sim_time_ns"], 50'000'000);
  EXPECT_NE(r.err.find("time limit"), std::string::npos) << r.err;
}

TEST(Limits, RunningOutOfMemoryEndsTheRunWithThePartialReportAndStatus3) {
  // 40 MiB: the kernel (1 MiB), the app and one pool worker (python
  // processes: 10 MiB and an 8 MiB stack each) fit; the second worker does not.
  auto r = run_iosim("run --quiet --json " + workload("examples/kernel-tour.toml") +
                     " --set machine.ram=40MiB");
  EXPECT_EQ(r.status, 3) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["status"], "out_of_memory");
  ASSERT_EQ(j["memory"]["failures"].size(), 1u);
  EXPECT_EQ(j["memory"]["failures"][0]["what"], "process 'app/crunch[1]'");
  EXPECT_NE(r.err.find("out of memory at"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("on_exhausted"), std::string::npos) << "says how to carry on: " << r.err;
}

TEST(Usage, AnUnwritableTracePathIsABadInputNotACrash) {
  auto r = run_iosim("run --quiet --vcd /nonexistent-dir/t.vcd");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot write trace file '/nonexistent-dir/t.vcd.tmp'"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
}

TEST(Usage, UnknownOptionsAndMissingFilesExitWith2) {
  EXPECT_EQ(run_iosim("run --no-such-flag").status, 2);
  auto r = run_iosim("run /nonexistent/scenario.toml");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("/nonexistent/scenario.toml"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// A disk image named in the scenario (relative to the scenario's folder) is
// what the disk holds at the start; save_image receives what it holds at the end.
TEST(DiskImage, LoadsTheImageBesideTheScenarioAndSavesTheResult) {
  std::string dir = "/tmp/iosim-image-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/in.img", std::ios::binary)
      << std::string(512, 'A') << std::string(512, 'B');
  std::ofstream(dir + "/s.toml") << "[machine.disk]\n"
                                    "image = \"in.img\"\n"
                                    "save_image = \"out.img\"\n"
                                    "[[process]]\nname = \"p\"\n"
                                    "  [[process.thread]]\n  name = \"t\"\n"
                                    "  program = \"read 1KiB at lba 0\\nwrite 512B at lba 1\"\n";
  auto r = run_iosim("run --quiet --json " + dir + "/s.toml");
  ASSERT_EQ(r.status, 0) << r.err;
  // The read returned the file's bytes: the checksum of 512 'A' then 512 'B'.
  Checksum expected;
  std::string file = std::string(512, 'A') + std::string(512, 'B');
  expected.add({reinterpret_cast<const std::uint8_t*>(file.data()), file.size()});
  auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["threads"][0]["read_checksum"], fmt::format("{:016x}", expected.value()));
  // The saved image: sector 0 from the file, sector 1 overwritten by the thread.
  std::string saved = read_file(dir + "/out.img");
  ASSERT_EQ(saved.size(), 1024u);
  EXPECT_EQ(saved.substr(0, 512), std::string(512, 'A'));
  EXPECT_NE(saved.substr(512, 512), std::string(512, 'B'));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iosim
