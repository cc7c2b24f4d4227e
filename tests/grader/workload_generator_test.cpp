// Generated workloads: the same spec gives the same text, another seed
// another workload, and every kind is a scenario iosim accepts and runs.
#include "grader/workload_generator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "grader/temp_folder.h"
#include "support/run_iosim.h"

namespace iosim::grader {
namespace {

using testing::run_iosim;
using testing::TempFolder;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST(WorkloadGeneratorTest, TheSameSpecGivesTheSameText) {
  for (std::string_view kind : generator_kinds()) {
    const GeneratorSpec spec{std::string(kind), 12, 7};
    EXPECT_EQ(generate_scenario(spec), generate_scenario(spec)) << kind;
    GeneratorSpec other = spec;
    other.seed = 8;
    EXPECT_NE(generate_scenario(spec), generate_scenario(other)) << kind;
  }
}

TEST(WorkloadGeneratorTest, AGradingSeedChangesEveryCaseDifferently) {
  EXPECT_EQ(mixed_seed(7, 99), mixed_seed(7, 99));
  EXPECT_NE(mixed_seed(7, 99), mixed_seed(7, 100));
  EXPECT_NE(mixed_seed(7, 99), mixed_seed(8, 99));
}

TEST(WorkloadGeneratorTest, EveryKindHasItsTasksAndRunsToCompletion) {
  TempFolder folder;
  for (std::string_view kind : generator_kinds()) {
    const std::string text = generate_scenario({std::string(kind), 15, 3});
    EXPECT_EQ(count(text, "[[process.thread]]"), 15u) << kind;
    const std::string path = folder.write(std::string(kind) + ".toml", text);
    const auto run = run_iosim("run " + path + " --json -q");
    ASSERT_EQ(run.status, 0) << kind << ":\n" << run.err << "\n" << text;
    const auto report = nlohmann::json::parse(run.out);
    EXPECT_EQ(report["metrics"]["finished_threads"], 15) << kind;
  }
}

TEST(WorkloadGeneratorTest, AStreamsJobsArriveBackToBack) {
  // One hog at 0; then each job arrives when the previous one would end.
  const std::string text = generate_scenario({"stream", 6, 1});
  const std::regex job(R"re(start = "(\d+)(us|ms|s)"\n  expected = "(\d+)(us|ms|s)")re");
  auto ns = [](const std::string& n, const std::string& unit) {
    return std::stoll(n) * (unit == "s" ? 1'000'000'000 : unit == "ms" ? 1'000'000 : 1'000);
  };
  std::vector<std::pair<long long, long long>> jobs;  // start, length
  for (auto it = std::sregex_iterator(text.begin(), text.end(), job); it != std::sregex_iterator();
       ++it)
    jobs.emplace_back(ns((*it)[1], (*it)[2]), ns((*it)[3], (*it)[4]));
  ASSERT_EQ(jobs.size(), 6u) << text;
  EXPECT_EQ(jobs[0].first, 0) << "the hog starts at once";
  for (std::size_t i = 2; i < jobs.size(); ++i)
    EXPECT_EQ(jobs[i].first, jobs[i - 1].first + jobs[i - 1].second) << "job " << i << "\n" << text;
}

}  // namespace
}  // namespace iosim::grader
