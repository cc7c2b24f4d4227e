// Reading an assignment: the example's contents, and each kind of mistake
// reported at its file:line:column with a useful message.
#include "grader/assignment.h"

#include <gtest/gtest.h>

#include <string>

#include "grader/temp_folder.h"

namespace iosim::grader {
namespace {

using testing::TempFolder;

std::string example() {
  return std::string(IOSIM_SOURCE_DIR) + "/grader/examples/mlfq/assignment.toml";
}

// A small valid assignment; `extra` is appended (more keys or tables).
std::string minimal(const std::string& extra = "") {
  return "name = \"demo\"\n"           // 1
         "[reference]\n"               // 2
         "policy = \"rr\"\n"           // 3
         "[[case]]\n"                  // 4
         "name = \"one\"\n"            // 5
         "scenario = \"case.toml\"\n"  // 6
         "  [[case.check]]\n"          // 7
         "  kind = \"valid\"\n"        // 8
         "  points = 2\n" +            // 9
         extra;
}

// The errors of `text` read as an assignment in a folder holding case.toml.
std::vector<std::string> errors_of(const std::string& text) {
  TempFolder folder;
  folder.write("case.toml", "[[process]]\nname = \"p\"\n");
  const std::string path = folder.write("a.toml", text);
  std::vector<std::string> out;
  for (const AssignmentError& e : load_assignment(path).errors) {
    std::string line = e.format();
    out.push_back(line.substr(line.find("a.toml")));
  }
  return out;
}

TEST(AssignmentTest, TheExampleHasItsCasesChecksAndPoints) {
  const AssignmentLoad load = load_assignment(example());
  ASSERT_TRUE(load.assignment) << load.errors.front().format();
  const Assignment& a = *load.assignment;
  EXPECT_EQ(a.name, "mlfq");
  EXPECT_EQ(a.reference.policy, "mlfq");
  EXPECT_EQ(a.reference.set.size(), 4u);
  ASSERT_EQ(a.cases.size(), 6u);
  EXPECT_EQ(a.cases[0].name, "three-jobs");
  EXPECT_TRUE(a.cases[0].scenario.ends_with("/cases/three-jobs.toml")) << a.cases[0].scenario;
  EXPECT_EQ(a.cases[0].checks.size(), 7u)
      << "the [[check]] defaults apply to a case without checks";
  ASSERT_TRUE(a.cases[3].generate);
  EXPECT_EQ(a.cases[3].generate->kind, "stream");
  EXPECT_EQ(a.cases[3].generate->seed, 3u);
  EXPECT_EQ(a.cases[3].points, 12);
  EXPECT_EQ(a.cases[4].visibility, Visibility::kHidden);
  EXPECT_EQ(a.cases[4].set, std::vector<std::string>{"machine.cores=2"});
  EXPECT_EQ(a.cases[5].visibility, Visibility::kAfterDueDate);
  EXPECT_EQ(a.max_score(), 62);
  EXPECT_EQ(a.due, "2025-05-02T23:59:00Z");
  ASSERT_EQ(a.leaderboard.size(), 1u);
  EXPECT_EQ(a.leaderboard[0].metric, "metrics.avg_turnaround_ns");
}

TEST(AssignmentTest, AMinimalAssignmentHasNoErrors) {
  EXPECT_EQ(errors_of(minimal()), std::vector<std::string>{});
}

TEST(AssignmentTest, AnUnknownKeyIsShownWhereItIsWithASuggestion) {
  EXPECT_EQ(errors_of(minimal("  pionts = 3\n")),
            std::vector<std::string>{"a.toml:10:3: error: unknown key 'pionts' in a 'valid' "
                                     "check: did you mean 'points'?"});
}

TEST(AssignmentTest, AMisspeltChoiceGetsASuggestion) {
  std::string text = minimal();
  text.replace(text.find("\"valid\""), 7, "\"vaild\"");
  EXPECT_EQ(errors_of(text),
            std::vector<std::string>{
                "a.toml:8:10: error: 'kind' must be one of valid, finishes, work_conserving, "
                "quantum, max_wait, metric, schedule, expr, got 'vaild': did you mean 'valid'?"});
}

TEST(AssignmentTest, AnUnknownReferencePolicyIsAnError) {
  std::string text = minimal();
  text.replace(text.find("\"rr\""), 4, "\"mlqf\"");
  const auto errors = errors_of(text);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("a.toml:3:10: error: 'policy' must be one of")) << errors[0];
  EXPECT_TRUE(errors[0].ends_with("did you mean 'mlfq'?")) << errors[0];
}

TEST(AssignmentTest, CasePointsMustEqualTheirChecks) {
  std::string text = minimal();
  text.replace(text.find("scenario"), 0, "points = 5\n");
  EXPECT_EQ(errors_of(text), std::vector<std::string>{"a.toml:6:10: error: case 'one' has points "
                                                      "= 5 but its checks add up to 2"});
}

TEST(AssignmentTest, AnExpressionErrorPointsInsideTheString) {
  const auto errors = errors_of(minimal(
      "  [[case.check]]\n  kind = \"expr\"\n  points = 1\n  expr = \"metrics.x <= * 2\"\n"));
  // Line 13: '  expr = "metrics.x <= * 2"': the text starts at column 11, '*' is 13 further.
  EXPECT_EQ(errors, std::vector<std::string>{"a.toml:13:24: error: 'expr': expected a number or "
                                             "a name, found '*'"});
}

TEST(AssignmentTest, MissingAndDuplicatedThingsAreNamed) {
  const auto errors = errors_of(
      "name = \"demo\"\n"
      "[[case]]\n"
      "name = \"one\"\n"
      "scenario = \"nowhere.toml\"\n"
      "[[case]]\n"
      "name = \"one\"\n"
      "generate = { kind = \"cpu-mix\" }\n");
  ASSERT_EQ(errors.size(), 5u) << ::testing::PrintToString(errors);
  EXPECT_EQ(errors[0], "a.toml:1:1: error: missing 'reference' in the assignment");
  EXPECT_TRUE(errors[1].starts_with("a.toml:2:1: error: case 'one' has no checks")) << errors[1];
  EXPECT_TRUE(errors[2].starts_with("a.toml:4:12: error: 'scenario': no such file")) << errors[2];
  EXPECT_TRUE(errors[3].starts_with("a.toml:5:1: error: case 'one' has no checks")) << errors[3];
  EXPECT_EQ(errors[4], "a.toml:6:8: error: a case named 'one' already exists");
}

TEST(AssignmentTest, BandsMustGrowAndSharesStayWithinOne) {
  const auto errors = errors_of(minimal(
      "  [[case.check]]\n  kind = \"metric\"\n  metric = \"avg_response_ns\"\n  points = 1\n"
      "  bands = [[0.1, 1.0], [0.05, 1.5]]\n"));
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "a.toml:14:24: error: bands must be in increasing order of relative "
                        "difference",
                        "a.toml:14:31: error: a band's share of the points is at most 1"}));
}

TEST(AssignmentTest, DurationsAndGeneratorsAreChecked) {
  const auto errors = errors_of(
      minimal("  [[case.check]]\n  kind = \"max_wait\"\n  bound = \"1.5 parsecs\"\n  points = 1\n"
              "[[case]]\nname = \"two\"\ngenerate = { kind = \"cpu-max\", tasks = 0 }\n"
              "  [[case.check]]\n  kind = \"valid\"\n  points = 1\n"));
  ASSERT_EQ(errors.size(), 2u) << ::testing::PrintToString(errors);
  EXPECT_TRUE(errors[0].starts_with("a.toml:12:11: error: 'bound': ")) << errors[0];
  EXPECT_TRUE(errors[1].starts_with("a.toml:16:21: error: 'kind' must be one of cpu-mix"))
      << errors[1];
  EXPECT_TRUE(errors[1].ends_with("did you mean 'cpu-mix'?")) << errors[1];
}

TEST(AssignmentTest, ATomlSyntaxErrorHasItsPosition) {
  const auto errors = errors_of("name = \"demo\"\n[reference\npolicy = \"rr\"\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("a.toml:2:")) << errors[0];
}

TEST(AssignmentTest, AnUnreadableFileIsOneError) {
  const AssignmentLoad load = load_assignment("/nonexistent/assignment.toml");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].format(),
            "/nonexistent/assignment.toml: error: cannot read the assignment: No such file or "
            "directory");
}

}  // namespace
}  // namespace iosim::grader
