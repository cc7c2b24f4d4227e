// `iosim grade` end to end on the example assignment (grader/examples/mlfq):
// every example submission with an expected.txt gets exactly that outcome;
// grading is repeatable; hidden cases leak nothing; exit statuses.
//
// expected.txt: '#' comments, then either the word "ungradable", or one line
// per case "CASE STATUS SCORE"; a line "* STATUS SCORE" stands for every case
// not listed. A hostile submission without one states its outcome in its
// policy.c's header instead, "Expected: KIND" (a policy failure: every case
// has that status and no points) or "Expected: no fault".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "grader/temp_folder.h"
#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string example_dir() {
  return std::string(IOSIM_SOURCE_DIR) + "/grader/examples/mlfq";
}
std::string assignment() {
  return example_dir() + "/assignment.toml";
}
std::string submission(const std::string& name) {
  return example_dir() + "/submissions/" + name;
}

CommandResult grade(const std::string& name, const std::string& options = "") {
  return run_iosim("grade --assignment " + assignment() + " --submission " + submission(name) +
                   " " + options);
}

// "KIND" of an "Expected: KIND" in a policy.c's header, or "".
std::string stated_kind(const std::string& name) {
  const std::string source = read_file(submission(name) + "/policy.c");
  const std::size_t at = source.find("Expected: ");
  if (at == std::string::npos || at > source.find("*/")) return "";
  std::string kind = source.substr(at + 10);
  return kind.substr(0, kind.find_first_of(" ,.("));
}

// The submissions that say what grading them must give.
std::vector<std::string> with_expectations() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(example_dir() + "/submissions")) {
    const std::string name = entry.path().filename();
    if (fs::exists(entry.path() / "expected.txt") || !stated_kind(name).empty())
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Expected {
  bool ungradable = false;
  std::map<std::string, std::pair<std::string, double>> cases;  // name -> status, score
};

// A status that says the policy's process failed, or the kernel caught a bad pick.
bool is_failure(const std::string& status) {
  for (const char* kind : {"crash", "timeout", "memory_limit", "forbidden_syscall",
                           "protocol_error", "invalid_decision", "exited", "error"})
    if (status == kind) return true;
  return false;
}

Expected read_expected(const std::string& name) {
  Expected e;
  if (!fs::exists(submission(name) + "/expected.txt")) {
    const std::string kind = stated_kind(name);
    e.cases["*"] = kind == "no" ? std::pair<std::string, double>{"no fault", -1}
                                : std::pair<std::string, double>{kind, 0};
    return e;
  }
  std::istringstream in(read_file(submission(name) + "/expected.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line == "ungradable") {
      e.ungradable = true;
      continue;
    }
    std::istringstream words(line);
    std::string c, status;
    double score = -1;
    words >> c >> status >> score;
    e.cases[c] = {status, score};
  }
  return e;
}

class ExampleSubmission : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleSubmission, GetsItsExpectedOutcome) {
  const Expected expected = read_expected(GetParam());
  const CommandResult run = grade(GetParam(), "--format json --reveal");
  ASSERT_EQ(run.status, expected.ungradable ? 7 : 0) << run.err;
  const Json result = Json::parse(run.out);
  ASSERT_EQ(result["status"], expected.ungradable ? "ungradable" : "graded") << run.out;
  if (expected.ungradable) {
    EXPECT_FALSE(result["build_output"].get<std::string>().empty());
    return;
  }
  for (const Json& c : result["cases"]) {
    const std::string name = c["name"];
    auto it = expected.cases.count(name) ? expected.cases.find(name) : expected.cases.find("*");
    ASSERT_NE(it, expected.cases.end()) << "expected.txt says nothing of case " << name;
    if (it->second.first == "no fault") {
      EXPECT_FALSE(is_failure(c["status"])) << "case " << name << ": " << c["message"];
      continue;
    }
    EXPECT_EQ(c["status"], it->second.first)
        << "case " << name << ": " << c["message"].get<std::string>();
    EXPECT_DOUBLE_EQ(c["score"].get<double>(), it->second.second)
        << "case " << name << ": " << c["message"].get<std::string>();
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleSubmission, ::testing::ValuesIn(with_expectations()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// The scores, every case's status and message: everything but wall-clock times.
TEST(GradeExamplesTest, GradingTwiceGivesTheSameResult) {
  const CommandResult first = grade("no-boost", "--format json --reveal");
  const CommandResult second = grade("no-boost", "--format json --reveal");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.out, second.out);
}

TEST(GradeExamplesTest, AGradingSeedChangesTheWorkloadsNotTheModelSolutionsScore) {
  const Json plain = Json::parse(grade("no-boost", "--format json --reveal").out);
  const CommandResult seeded = grade("no-boost", "--format json --reveal --seed 99");
  ASSERT_EQ(seeded.status, 0) << seeded.err;
  const Json other = Json::parse(seeded.out);
  EXPECT_EQ(other["seed"], 99);
  EXPECT_NE(plain["cases"][3]["message"], other["cases"][3]["message"])
      << "the generated starvation case is another workload";
  const Json correct = Json::parse(grade("correct", "--format json --seed 99").out);
  EXPECT_EQ(correct["score"], correct["max_score"]);
}

TEST(GradeExamplesTest, APracticeRunGradesTheVisibleCasesOnly) {
  const CommandResult run = grade("correct", "--practice --format json");
  ASSERT_EQ(run.status, 0) << run.err;
  const Json result = Json::parse(run.out);
  EXPECT_EQ(result["practice"], true);
  EXPECT_EQ(result["max_score"], 42) << "4 visible cases";
  for (const Json& c : result["cases"])
    EXPECT_EQ(c["status"] == "skipped", c["visibility"] != "visible") << c["name"];
  const CommandResult table = grade("quantum-off-by-one", "--practice");
  EXPECT_NE(table.out.find("[FAIL] time slices follow the quanta (0/2): at "), std::string::npos)
      << table.out;
}

// An assignment with a hidden case whose threads have names found nowhere
// else, graded with a wrong policy so that its messages would name them.
TEST(GradeExamplesTest, AHiddenCaseLeaksNothingInAnyFormat) {
  TempFolder folder;
  std::string scenario = read_file(example_dir() + "/cases/two-cores.toml");
  for (const char* from : {"\"a\"", "\"b\"", "\"c\""})
    scenario.replace(scenario.find(from), 3, std::string("\"zebra-") + from[1] + "\"");
  folder.write("secret.toml", scenario);
  std::string text = read_file(assignment());
  text = text.substr(0, text.find("[[case]]")) +
         "[[case]]\nname = \"secret\"\nvisibility = \"hidden\"\nscenario = \"" + folder.path() +
         "/secret.toml\"\n";
  const std::string hidden_assignment = folder.write("a.toml", text);
  for (const char* format : {"table", "json", "junit", "gradescope", "prairielearn"}) {
    const CommandResult run =
        run_iosim("grade --assignment " + hidden_assignment + " --submission " +
                  submission("idle-core") + " --format " + format);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_NE(run.out.find("secret"), std::string::npos) << format << ": the case is listed";
    EXPECT_EQ(run.out.find("zebra"), std::string::npos) << format << ":\n" << run.out;
    EXPECT_EQ(run.out.find("secret.toml"), std::string::npos) << format << ":\n" << run.out;
    EXPECT_EQ(run.err.find("zebra"), std::string::npos) << format << ":\n" << run.err;
  }
  const CommandResult revealed =
      run_iosim("grade --assignment " + hidden_assignment + " --submission " +
                submission("idle-core") + " --format json --reveal");
  EXPECT_NE(revealed.out.find("zebra"), std::string::npos)
      << "the policy's mistakes do name the threads, so the searches above could find them";
}

TEST(GradeExamplesTest, ABuiltLibraryIsGradedLikeItsSource) {
  TempFolder folder;
  const std::string include = folder.path() + "/include/iosim";
  fs::create_directories(include);
  fs::copy_file(std::string(IOSIM_SOURCE_DIR) + "/kernel/scheduler.h", include + "/scheduler.h");
  const std::string library = folder.path() + "/correct.so";
  ASSERT_EQ(std::system(("cc -shared -fPIC -O2 -I" + folder.path() + "/include -o " + library +
                         " " + submission("correct") + "/policy.c")
                            .c_str()),
            0);
  const CommandResult run = run_iosim("grade --assignment " + assignment() + " --submission " +
                                      library + " --format json -o " + folder.path() + "/r.json");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "") << "-o writes the report to the file";
  const Json result = Json::parse(read_file(folder.path() + "/r.json"));
  EXPECT_EQ(result["submission"], "correct");
  EXPECT_EQ(result["score"], 62);
}

TEST(GradeExamplesTest, ExitStatusesSayWhatHappened) {
  TempFolder folder;
  const std::string bad = folder.write("bad.toml", "name = \"x\"\nreferense = 1\n");
  const CommandResult bad_run =
      run_iosim("grade --assignment " + bad + " --submission " + submission("correct"));
  EXPECT_EQ(bad_run.status, 2);
  EXPECT_NE(bad_run.err.find("bad.toml:2:1: error: unknown key 'referense' in the assignment: "
                             "did you mean 'reference'?"),
            std::string::npos)
      << bad_run.err;
  const CommandResult missing =
      run_iosim("grade --assignment " + assignment() + " --submission /nonexistent/alice");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no such file or folder"), std::string::npos) << missing.err;
  EXPECT_EQ(run_iosim("grade --submission " + submission("correct")).status, 2);
  EXPECT_EQ(grade("does-not-compile").status, 7);
  folder.write("no-symbol/policy.c", "int not_a_policy = 1;\n");
  const CommandResult no_symbol = run_iosim("grade --assignment " + assignment() +
                                            " --submission " + folder.path() + "/no-symbol");
  EXPECT_EQ(no_symbol.status, 7) << "it builds but does not load: ungradable, not a zero";
  EXPECT_NE(no_symbol.out.find("does not export iosim_scheduler_policy"), std::string::npos)
      << no_symbol.out;
  EXPECT_EQ(grade("no-boost").status, 0) << "graded, whatever the score";
}

}  // namespace
}  // namespace iosim::testing
