// `iosim compare`: one table from several runs, in the order given,
// whatever the number of parallel jobs.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

// A lesson folder of its own: the DMA and PIO variants, PIO listed first.
std::string lesson_folder() {
  const std::string dir = "/tmp/iosim-compare-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  for (const char* f : {"dma.toml", "pio.toml"})
    std::filesystem::copy_file(workload(std::string("cpu-free-during-io/") + f), dir + "/" + f,
                               std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir + "/lesson.toml") << "title = \"DMA or PIO\"\n"
                                         "question = \"Who moves the bytes?\"\n"
                                         "variants = [\"pio.toml\", \"dma.toml\"]\n";
  return dir;
}

TEST(Compare, ALessonFolderRunsItsVariantsInTheIndexOrder) {
  auto r = run_iosim("compare --quiet " + lesson_folder());
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("DMA or PIO\n  Who moves the bytes?\n", 0), 0u) << r.out;
  const auto pio = r.out.find("pio.toml"), dma = r.out.find("dma.toml");
  ASSERT_NE(pio, std::string::npos);
  EXPECT_LT(pio, dma) << "the rows follow variants = [...]";
  EXPECT_NE(r.out.find("1.46x"), std::string::npos)
      << "DMA finishes 1.46 times sooner than PIO, the baseline:\n"
      << r.out;
}

TEST(Compare, TheTableDoesNotDependOnTheNumberOfJobs) {
  const std::string dir = lesson_folder();
  auto one = run_iosim("compare --quiet --jobs 1 " + dir + " " + workload("examples"));
  auto two = run_iosim("compare --quiet --jobs 2 " + dir + " " + workload("examples"));
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
}

TEST(Compare, JsonAndCsvCarryTheRawNumbersAndAskedMetrics) {
  const std::string dir = lesson_folder();
  auto j = run_iosim("compare --quiet --json --metric metrics.avg_turnaround_ns " + dir);
  ASSERT_EQ(j.status, 0) << j.err;
  auto report = nlohmann::json::parse(j.out);
  ASSERT_EQ(report["runs"].size(), 2u);
  EXPECT_EQ(report["runs"][0]["file"], "pio.toml");
  EXPECT_DOUBLE_EQ(report["runs"][0]["speedup"].get<double>(), 1.0);
  EXPECT_GT(report["runs"][1]["speedup"].get<double>(), 1.4);
  EXPECT_GT(report["runs"][1]["metrics.avg_turnaround_ns"].get<std::int64_t>(), 0);

  auto c = run_iosim("compare --quiet --csv " + dir);
  ASSERT_EQ(c.status, 0) << c.err;
  EXPECT_EQ(c.out.substr(0, c.out.find('\n')),
            "file,scenario,status,time_ns,speedup,cpu_utilisation,peak_memory_bytes,"
            "context_switches");
  EXPECT_EQ(std::count(c.out.begin(), c.out.end(), '\n'), 3);
}

TEST(Compare, AnUnknownMetricOrPathIsABadInput) {
  auto metric = run_iosim("compare --quiet --metric metrics.nope " + lesson_folder());
  EXPECT_EQ(metric.status, 2);
  EXPECT_NE(metric.err.find("--metric metrics.nope is not in any report"), std::string::npos)
      << metric.err;
  auto path = run_iosim("compare --quiet /nonexistent/lesson");
  EXPECT_EQ(path.status, 2);
  EXPECT_NE(path.err.find("no such file or folder"), std::string::npos) << path.err;
}

TEST(Sweep, RunsEveryCombinationOfTheValuesFirstParameterSlowest) {
  auto r = run_iosim("sweep --quiet --json " + workload("cpu-free-during-io/dma.toml") +
                     " --param kernel.disk_driver=dma,pio --param kernel.quantum=1ms,10ms");
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["runs"].size(), 4u);
  EXPECT_EQ(j["runs"][0]["file"], "kernel.disk_driver=dma kernel.quantum=1ms");
  EXPECT_EQ(j["runs"][3]["file"], "kernel.disk_driver=pio kernel.quantum=10ms");
  EXPECT_LT(j["runs"][3]["speedup"].get<double>(), 1.0) << "PIO is slower than the DMA baseline";
}

TEST(Sweep, ABadValueIsReportedByTheRunThatGotIt) {
  auto r = run_iosim("sweep --quiet " + workload("cpu-free-during-io/dma.toml") +
                     " --param kernel.quantum=1ms,fast");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("fast"), std::string::npos) << r.err;
}

TEST(Compare, PlotWritesTheBarsAsAnSvgFile) {
  const std::string svg = "/tmp/iosim-compare-" + std::to_string(getpid()) + ".svg";
  auto r = run_iosim("compare --quiet --plot " + svg + " " + lesson_folder());
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = read_file(svg);
  EXPECT_EQ(text.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  for (const char* panel : {"simulated time", "speed-up against the first", "peak memory"})
    EXPECT_NE(text.find(panel), std::string::npos) << panel;
  EXPECT_NE(text.find(">1.46x<"), std::string::npos) << "the DMA bar's value";
  std::remove(svg.c_str());
}

}  // namespace
}  // namespace iosim::testing
