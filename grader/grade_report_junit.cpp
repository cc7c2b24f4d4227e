// JUnit XML, the format CI systems (GitLab, Jenkins, GitHub actions) show as
// test results: one testsuite for the assignment, one testcase per case.
// A case that lost points is a <failure>, one the grader could not run an
// <error>, one not run a <skipped>.
#include <fmt/format.h>

#include "grader/grade_report.h"

namespace iosim::grader {
namespace {

// Text safe inside XML text and double-quoted attributes. Characters XML 1.0
// cannot hold at all (C0 controls but tab, newline, return) become U+FFFD.
std::string xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '"') {
      out += "&quot;";
    } else if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      out += "\xEF\xBF\xBD";
    } else {
      out += c;
    }
  }
  return out;
}

std::string seconds(double s) {
  return fmt::format("{:.3f}", s);
}

std::string details(const CaseResult& c) {
  std::string out;
  for (const CheckResult& k : c.checks)
    out += fmt::format("[{}] {} ({}/{}): {}\n", k.passed ? "pass" : "FAIL", k.name,
                       score_text(k.score), score_text(k.max_score), k.message);
  return out;
}

std::string testcase(const GradeResult& r, const CaseResult& c) {
  std::string out =
      fmt::format(R"(    <testcase classname="{}.{}" name="{}" time="{}">)"
                  "\n",
                  xml(r.assignment), xml(r.submission), xml(c.name), seconds(c.seconds));
  const std::string message = xml(fmt::format("{} ({}/{}): {}", c.status, score_text(c.score),
                                              score_text(c.max_score), c.message));
  const std::string body = c.redacted ? "" : xml(details(c));
  if (c.status == "skipped")
    out += fmt::format(R"(      <skipped message="{}"/>)"
                       "\n",
                       xml(c.message));
  else if (c.status == "error")
    out += fmt::format(R"(      <error message="{}" type="error">{}</error>)"
                       "\n",
                       message, body);
  else if (c.status != "passed")
    out += fmt::format(R"(      <failure message="{}" type="{}">{}</failure>)"
                       "\n",
                       message, xml(c.status), body);
  if (!c.output.empty()) out += fmt::format("      <system-out>{}</system-out>\n", xml(c.output));
  return out + "    </testcase>\n";
}

}  // namespace

std::string junit_report(const GradeResult& r) {
  int failures = 0, errors = 0, skipped = 0;
  for (const CaseResult& c : r.cases) {
    skipped += c.status == "skipped";
    errors += c.status == "error";
    failures += c.status != "skipped" && c.status != "error" && c.status != "passed";
  }
  const auto tests = r.cases.size();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      R"(<testsuites name="iosim grade" tests="{}" failures="{}" errors="{}" skipped="{}" time="{}">)"
      "\n",
      tests, failures, errors, skipped, seconds(r.seconds));
  out += fmt::format(
      R"(  <testsuite name="{}" tests="{}" failures="{}" errors="{}" skipped="{}" time="{}">)"
      "\n",
      xml(r.assignment), tests, failures, errors, skipped, seconds(r.seconds));
  out += "    <properties>\n";
  for (const auto& [name, value] : {std::pair<const char*, std::string>{"submission", r.submission},
                                    {"status", r.status},
                                    {"score", score_text(r.score)},
                                    {"max_score", score_text(r.max_score)}})
    out += fmt::format(R"(      <property name="{}" value="{}"/>)"
                       "\n",
                       name, xml(value));
  out += "    </properties>\n";
  for (const CaseResult& c : r.cases)
    out += testcase(r, c);
  if (r.status == "ungradable")
    out += fmt::format("    <system-err>{}</system-err>\n", xml(r.build_output));
  return out + "  </testsuite>\n</testsuites>\n";
}

}  // namespace iosim::grader
