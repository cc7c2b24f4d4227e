// The JSON formats: the grader's own result, Gradescope's and PrairieLearn's.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "grader/grade_report.h"

namespace iosim::grader {
namespace {

using Json = nlohmann::ordered_json;

// A whole score prints as an integer (10, not 10.0).
Json number(double x) {
  if (std::fabs(x - std::round(x)) < 1e-9) return Json(std::llround(x));
  return Json(x);
}

// What a student reads about a case: its message, each check, what the policy printed.
std::string case_text(const CaseResult& c) {
  std::string out = c.message + "\n";
  if (c.redacted || c.status == "skipped") return out;
  for (const CheckResult& k : c.checks)
    out += fmt::format("[{}] {} ({}/{}): {}\n", k.passed ? "pass" : "FAIL", k.name,
                       score_text(k.score), score_text(k.max_score), k.message);
  if (!c.output.empty()) out += "\nThe policy printed:\n" + c.output;
  return out;
}

std::string summary(const GradeResult& r) {
  if (r.status == "ungradable") return "The submission could not be graded:\n" + r.build_output;
  return fmt::format("{}: {}/{}", r.title, score_text(r.score), score_text(r.max_score));
}

}  // namespace

std::string json_report(const GradeResult& r) {
  Json j;
  j["assignment"] = r.assignment;
  j["title"] = r.title;
  j["submission"] = r.submission;
  j["status"] = r.status;
  if (r.status == "ungradable") j["build_output"] = r.build_output;
  j["score"] = number(r.score);
  j["max_score"] = number(r.max_score);
  if (r.seed) j["seed"] = *r.seed;
  j["practice"] = r.practice;
  j["cases"] = Json::array();
  for (const CaseResult& c : r.cases) {
    Json jc;
    jc["name"] = c.name;
    jc["visibility"] = visibility_name(c.visibility);
    jc["score"] = number(c.score);
    jc["max_score"] = number(c.max_score);
    jc["status"] = c.status;
    jc["message"] = c.message;
    jc["checks"] = Json::array();
    for (const CheckResult& k : c.checks)
      jc["checks"].push_back({{"name", k.name},
                              {"score", number(k.score)},
                              {"max_score", number(k.max_score)},
                              {"passed", k.passed},
                              {"message", k.message}});
    jc["output"] = c.output;
    j["cases"].push_back(std::move(jc));
  }
  if (!r.leaderboard.empty()) {
    j["leaderboard"] = Json::array();
    for (const GradeResult::Leader& l : r.leaderboard)
      j["leaderboard"].push_back({{"name", l.name}, {"value", l.value}, {"order", l.order}});
  }
  return j.dump(2) + "\n";
}

// https://gradescope-autograders.readthedocs.io/en/latest/specs/
std::string gradescope_report(const GradeResult& r) {
  Json j;
  j["score"] = number(r.score);
  j["execution_time"] = std::round(r.seconds * 1000) / 1000;
  j["output"] = summary(r);
  j["tests"] = Json::array();
  if (r.status != "ungradable") {
    for (const CaseResult& c : r.cases) {
      j["tests"].push_back({{"name", c.name},
                            {"score", number(c.score)},
                            {"max_score", number(c.max_score)},
                            {"status", c.status == "passed" ? "passed" : "failed"},
                            {"output", case_text(c)},
                            {"visibility", visibility_name(c.visibility)}});
    }
  }
  if (!r.leaderboard.empty()) {
    j["leaderboard"] = Json::array();
    for (const GradeResult::Leader& l : r.leaderboard)
      j["leaderboard"].push_back({{"name", l.name}, {"value", l.value}, {"order", l.order}});
  }
  return j.dump(2) + "\n";
}

// https://prairielearn.readthedocs.io/en/latest/externalGrading/
std::string prairielearn_report(const GradeResult& r) {
  Json j;
  j["gradable"] = r.status != "ungradable";
  j["score"] = r.max_score > 0 ? r.score / r.max_score : 0.0;
  j["message"] = summary(r);
  if (r.status == "ungradable") {
    j["format_errors"] = Json::array({r.build_output});
    return j.dump(2) + "\n";
  }
  j["tests"] = Json::array();
  for (const CaseResult& c : r.cases) {
    j["tests"].push_back({{"name", c.name},
                          {"points", number(c.score)},
                          {"max_points", number(c.max_score)},
                          {"message", c.message},
                          {"output", case_text(c)}});
  }
  return j.dump(2) + "\n";
}

}  // namespace iosim::grader
