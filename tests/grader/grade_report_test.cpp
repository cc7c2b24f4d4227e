// Every report format made from one hand-made result: each has the shape its
// reader expects, and no format a student reads shows a hidden case's details.
#include "grader/grade_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace iosim::grader {
namespace {

using Json = nlohmann::json;

// What a hidden case's details would give away.
constexpr const char* kSecret = "secret-thread-name";

CaseResult make_case(const std::string& name, Visibility v, const std::string& status,
                     double score) {
  CaseResult c;
  c.name = name;
  c.visibility = v;
  c.status = status;
  c.score = score;
  c.max_score = 10;
  c.message = std::string("schedule: at 1 ms core 0 picked ") + kSecret;
  c.checks = {{"valid", 2, 2, true, "no invalid decision"},
              {"schedule", score - 2, 8, score == 10, std::string("ready: ") + kSecret}};
  c.output = std::string("debug: ") + kSecret + " <&> \x01\n";
  c.seconds = 0.25;
  return c;
}

GradeResult make_result() {
  GradeResult r;
  r.assignment = "mlfq";
  r.title = "MLFQ";
  r.submission = "alice";
  r.status = "graded";
  r.cases = {make_case("visible-one", Visibility::kVisible, "passed", 10),
             make_case("visible-two", Visibility::kVisible, "partial", 7.5),
             make_case("hidden-one", Visibility::kHidden, "crash", 0),
             make_case("later-one", Visibility::kAfterDueDate, "failed", 2),
             make_case("broken", Visibility::kVisible, "error", 0)};
  r.cases.back().message = "the reference's run failed";
  r.score = 19.5;
  r.max_score = 50;
  r.leaderboard = {{"turnaround (ms)", 12.5, "asc"}};
  r.seconds = 3.5;
  return r;
}

GradeResult ungradable() {
  GradeResult r;
  r.assignment = "mlfq";
  r.title = "MLFQ";
  r.submission = "bob";
  r.status = "ungradable";
  r.build_output = "policy.c:3:1: error: expected ';'";
  CaseResult c = make_case("visible-one", Visibility::kVisible, "skipped", 0);
  c.message = "not run: the submission could not be built";
  c.output.clear();
  r.cases = {c};
  r.max_score = 10;
  return r;
}

// A small checker of XML well-formedness: one root, tags that nest and
// close, quoted attributes, known entities, no raw '<' or '&' in text.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  std::size_t i = 0;
  if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
  bool root_seen = false;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const std::size_t semi = xml.find(';', i);
      const std::string entity = xml.substr(i, semi == std::string::npos ? 0 : semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;")
        return "bad entity at " + std::to_string(i);
      i = semi + 1;
      continue;
    }
    if (static_cast<unsigned char>(xml[i]) < 0x20 && xml[i] != '\n' && xml[i] != '\t' &&
        xml[i] != '\r')
      return "control character at " + std::to_string(i);
    if (xml[i] != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(xml[i])))
        return "text outside the root at " + std::to_string(i);
      ++i;
      continue;
    }
    const std::size_t close = xml.find('>', i);
    if (close == std::string::npos) return "unclosed tag at " + std::to_string(i);
    std::string tag = xml.substr(i + 1, close - i - 1);
    if (tag.find('<') != std::string::npos) return "'<' inside a tag at " + std::to_string(i);
    if (std::count(tag.begin(), tag.end(), '"') % 2) return "unbalanced quotes in <" + tag + ">";
    const bool closing = tag[0] == '/', empty = tag.back() == '/';
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find_first_of(" /"));
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> closes nothing open";
      open.pop_back();
    } else if (!empty) {
      if (open.empty() && root_seen) return "a second root <" + name + ">";
      root_seen = true;
      open.push_back(name);
    }
    i = close + 1;
  }
  return open.empty() ? "" : "<" + open.back() + "> is never closed";
}

TEST(GradeReportTest, TheXmlCheckerCatchesBrokenXml) {
  EXPECT_EQ(xml_problem("<a><b></b></a>"), "");
  EXPECT_NE(xml_problem("<a><b></a></b>"), "");
  EXPECT_NE(xml_problem("<a>x & y</a>"), "");
  EXPECT_NE(xml_problem("<a title=\"x></a>"), "");
}

TEST(GradeReportTest, JsonIsTheContract) {
  const Json j = Json::parse(format_report(make_result(), ReportFormat::kJson, true));
  for (const char* key : {"assignment", "submission", "status", "score", "max_score", "cases"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["score"], 19.5);
  EXPECT_EQ(j["max_score"], 50) << "a whole number prints as an integer";
  EXPECT_TRUE(j["max_score"].is_number_integer());
  ASSERT_EQ(j["cases"].size(), 5u);
  const Json& c = j["cases"][1];
  for (const char* key :
       {"name", "visibility", "score", "max_score", "status", "message", "checks", "output"})
    EXPECT_TRUE(c.contains(key)) << key;
  EXPECT_EQ(c["status"], "partial");
  EXPECT_EQ(c["checks"][1]["score"], 5.5);
  for (const char* key : {"name", "score", "max_score", "passed", "message"})
    EXPECT_TRUE(c["checks"][0].contains(key)) << key;
  EXPECT_EQ(j["cases"][3]["visibility"], "after_due_date");
  EXPECT_FALSE(j.contains("build_output")) << "only an ungradable result has one";
  const std::string text = format_report(make_result(), ReportFormat::kJson, true);
  EXPECT_EQ(text.find("0.25"), std::string::npos) << "no wall-clock times in the JSON";
}

TEST(GradeReportTest, AStudentSeesNoHiddenDetailsInAnyFormat) {
  for (ReportFormat f : {ReportFormat::kTable, ReportFormat::kJson, ReportFormat::kJunit,
                         ReportFormat::kGradescope, ReportFormat::kPrairieLearn}) {
    const GradeResult view = student_view(make_result(), f);
    const CaseResult& hidden = view.cases[2];
    EXPECT_TRUE(hidden.redacted);
    EXPECT_EQ(hidden.message, kHiddenText);
    EXPECT_EQ(hidden.output, "");
    EXPECT_EQ(hidden.checks[1].message, "");
    EXPECT_EQ(hidden.checks[1].max_score, 8) << "its checks' names and points stay";
    const bool later_hidden = f != ReportFormat::kGradescope;
    EXPECT_EQ(view.cases[3].redacted, later_hidden)
        << "Gradescope keeps after_due_date cases from students until the due date itself";
  }
}

TEST(GradeReportTest, EveryFormatNamesTheHiddenCaseButNotItsSecrets) {
  for (ReportFormat f : {ReportFormat::kTable, ReportFormat::kJson, ReportFormat::kJunit,
                         ReportFormat::kGradescope, ReportFormat::kPrairieLearn}) {
    GradeResult r = make_result();
    r.cases = {r.cases[2]};  // the hidden case alone
    const std::string text = format_report(r, f);
    EXPECT_NE(text.find("hidden-one"), std::string::npos) << text;
    EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
    EXPECT_NE(format_report(r, f, /*reveal=*/true).find(kSecret), std::string::npos)
        << "with --reveal the details are there, so the search above could find them";
  }
}

TEST(GradeReportTest, JunitIsWellFormedAndCountsOutcomes) {
  const std::string xml = format_report(make_result(), ReportFormat::kJunit, true);
  EXPECT_EQ(xml_problem(xml), "") << xml;
  EXPECT_NE(xml.find(R"(<testsuite name="mlfq" tests="5" failures="3" errors="1" skipped="0")"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(R"(<testcase classname="mlfq.alice" name="visible-one" time="0.250">)"),
            std::string::npos);
  EXPECT_NE(xml.find(R"(<failure message="partial (7.5/10): )"), std::string::npos);
  EXPECT_NE(xml.find(R"(<error message="error (0/10): the reference's run failed")"),
            std::string::npos);
  EXPECT_NE(xml.find("&lt;&amp;&gt; \xEF\xBF\xBD"), std::string::npos)
      << "markup is escaped and a control character replaced";
  const std::string broken = format_report(ungradable(), ReportFormat::kJunit);
  EXPECT_EQ(xml_problem(broken), "") << broken;
  EXPECT_NE(broken.find(R"(<skipped message="not run: the submission could not be built"/>)"),
            std::string::npos)
      << broken;
}

TEST(GradeReportTest, GradescopeResultsHaveTheirFields) {
  const Json j = Json::parse(format_report(make_result(), ReportFormat::kGradescope));
  EXPECT_EQ(j["score"], 19.5);
  EXPECT_EQ(j["execution_time"], 3.5);
  ASSERT_EQ(j["tests"].size(), 5u);
  for (const Json& t : j["tests"]) {
    for (const char* key : {"name", "score", "max_score", "status", "output", "visibility"})
      EXPECT_TRUE(t.contains(key)) << key;
    EXPECT_TRUE(t["status"] == "passed" || t["status"] == "failed") << t["status"];
  }
  EXPECT_EQ(j["tests"][2]["visibility"], "hidden");
  EXPECT_EQ(j["tests"][2]["output"], std::string(kHiddenText) + "\n");
  EXPECT_EQ(j["leaderboard"][0]["name"], "turnaround (ms)");
  EXPECT_EQ(j["leaderboard"][0]["order"], "asc");
  const Json broken = Json::parse(format_report(ungradable(), ReportFormat::kGradescope));
  EXPECT_EQ(broken["score"], 0);
  EXPECT_NE(broken["output"].get<std::string>().find("expected ';'"), std::string::npos);
}

TEST(GradeReportTest, PrairieLearnScoresAFraction) {
  const Json j = Json::parse(format_report(make_result(), ReportFormat::kPrairieLearn));
  EXPECT_EQ(j["gradable"], true);
  EXPECT_DOUBLE_EQ(j["score"].get<double>(), 19.5 / 50);
  ASSERT_EQ(j["tests"].size(), 5u);
  for (const char* key : {"name", "points", "max_points", "message", "output"})
    EXPECT_TRUE(j["tests"][0].contains(key)) << key;
  const Json broken = Json::parse(format_report(ungradable(), ReportFormat::kPrairieLearn));
  EXPECT_EQ(broken["gradable"], false);
  EXPECT_EQ(broken["format_errors"][0], "policy.c:3:1: error: expected ';'");
}

TEST(GradeReportTest, TheTableHasARowPerCaseAndATotal) {
  const std::string table = format_report(make_result(), ReportFormat::kTable);
  EXPECT_NE(table.find("visible-two     7.5/10  partial"), std::string::npos) << table;
  EXPECT_NE(table.find("total          19.5/50"), std::string::npos) << table;
  EXPECT_EQ(table.find("[pass]"), std::string::npos) << "check lines only in a practice run";
  GradeResult practice = make_result();
  practice.practice = true;
  const std::string detailed = format_report(practice, ReportFormat::kTable);
  EXPECT_NE(detailed.find("[FAIL] schedule (5.5/8): ready: "), std::string::npos) << detailed;
  const std::string broken = format_report(ungradable(), ReportFormat::kTable);
  EXPECT_NE(broken.find("could not be graded"), std::string::npos) << broken;
  EXPECT_NE(broken.find("policy.c:3:1: error: expected ';'"), std::string::npos) << broken;
}

TEST(GradeReportTest, ScoresPrintWithoutNoise) {
  EXPECT_EQ(score_text(10), "10");
  EXPECT_EQ(score_text(7.5), "7.5");
  EXPECT_EQ(score_text(10.0 / 3), "3.33");
  EXPECT_EQ(score_text(0.1 + 0.2), "0.3");
}

TEST(GradeReportTest, FormatNamesAreKnown) {
  EXPECT_EQ(report_format("junit"), ReportFormat::kJunit);
  EXPECT_EQ(report_format("prairielearn"), ReportFormat::kPrairieLearn);
  EXPECT_EQ(report_format("xml"), std::nullopt);
}

}  // namespace
}  // namespace iosim::grader
