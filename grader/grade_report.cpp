#include "grader/grade_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace iosim::grader {
namespace {

// The first `lines` lines of `text`, and a note of how many were left out.
std::string head(const std::string& text, std::size_t lines) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < lines; ++i) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) return text;
    ++pos;
  }
  if (pos >= text.size()) return text;
  const auto rest =
      static_cast<std::size_t>(std::count(text.begin() + static_cast<long>(pos), text.end(), '\n'));
  return text.substr(0, pos) + fmt::format("[... {} more lines]\n", std::max<std::size_t>(rest, 1));
}

std::string indented(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    out += prefix + text.substr(pos, nl == std::string::npos ? nl : nl - pos) + "\n";
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

void redact(CaseResult& c) {
  c.redacted = true;
  c.message = std::string(kHiddenText);
  c.output.clear();
  for (CheckResult& check : c.checks)
    check.message.clear();
}

}  // namespace

std::optional<ReportFormat> report_format(std::string_view name) {
  if (name == "table") return ReportFormat::kTable;
  if (name == "json") return ReportFormat::kJson;
  if (name == "junit") return ReportFormat::kJunit;
  if (name == "gradescope") return ReportFormat::kGradescope;
  if (name == "prairielearn") return ReportFormat::kPrairieLearn;
  return std::nullopt;
}

std::string score_text(double score) {
  if (std::fabs(score - std::round(score)) < 1e-9) return fmt::format("{}", std::llround(score));
  std::string text = fmt::format("{:.2f}", score);
  while (text.back() == '0')
    text.pop_back();
  return text;
}

GradeResult student_view(const GradeResult& result, ReportFormat format) {
  GradeResult view = result;
  for (CaseResult& c : view.cases) {
    const bool hidden =
        c.visibility == Visibility::kHidden ||
        (c.visibility == Visibility::kAfterDueDate && format != ReportFormat::kGradescope);
    if (hidden && c.status != "skipped") redact(c);
  }
  return view;
}

std::string format_report(const GradeResult& result, ReportFormat format, bool reveal) {
  const GradeResult r = reveal ? result : student_view(result, format);
  switch (format) {
    case ReportFormat::kTable:
      return table_report(r);
    case ReportFormat::kJson:
      return json_report(r);
    case ReportFormat::kJunit:
      return junit_report(r);
    case ReportFormat::kGradescope:
      return gradescope_report(r);
    case ReportFormat::kPrairieLearn:
      return prairielearn_report(r);
  }
  return {};
}

std::string table_report(const GradeResult& r) {
  std::string out = fmt::format("{} ({}): {}{}\n", r.title, r.assignment, r.submission,
                                r.practice ? ", practice run (visible cases only)" : "");
  if (r.status == "ungradable") {
    out += "\nThe submission could not be graded: ";
    out += r.build_output.empty() ? "it does not build.\n"
                                  : "\n" + indented(head(r.build_output, 40), "  ");
    return out;
  }
  std::size_t width = 4;
  for (const CaseResult& c : r.cases)
    width = std::max(width, c.name.size());
  out += fmt::format("\n{:<{}}  {:>9}  {:<17}  {}\n", "case", width, "points", "status", "message");
  for (const CaseResult& c : r.cases) {
    const std::string points = fmt::format("{}/{}", score_text(c.score), score_text(c.max_score));
    out += fmt::format("{:<{}}  {:>9}  {:<17}  {}\n", c.name, width, points, c.status, c.message);
    if (!r.practice || c.redacted || c.status == "skipped") continue;
    for (const CheckResult& k : c.checks)
      out += fmt::format("{:<{}}    [{}] {} ({}/{}): {}\n", "", width, k.passed ? "pass" : "FAIL",
                         k.name, score_text(k.score), score_text(k.max_score), k.message);
    if (!c.output.empty())
      out += fmt::format("{:<{}}    the policy printed:\n{}", "", width,
                         indented(head(c.output, 20), std::string(width + 6, ' ')));
  }
  out += fmt::format("{:<{}}  {:>9}\n", "total", width,
                     fmt::format("{}/{}", score_text(r.score), score_text(r.max_score)));
  return out;
}

}  // namespace iosim::grader
