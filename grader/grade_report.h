// Every report format, made from the one GradeResult:
//   table         the terminal: case, points, status, message (with --practice,
//                 each check's message and the policy's output too)
//   json          the result itself: the contract other tools read
//   junit         JUnit XML for CI: testsuite / testcase / failure / error / skipped
//   gradescope    Gradescope's results.json (score, execution_time, tests[], leaderboard)
//   prairielearn  PrairieLearn's results.json (gradable, score as a fraction, tests[])
// Students read these, so a hidden case shows only its name, status and
// points ("hidden until grading is released"): never its messages or the
// policy's output, which could name its workload's threads or show its
// schedule. An after-the-due-date case is shown the same way, except to
// Gradescope, which keeps it from students itself until the due date.
// `reveal` (for instructors) shows everything.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "grader/grade_result.h"

namespace iosim::grader {

enum class ReportFormat { kTable, kJson, kJunit, kGradescope, kPrairieLearn };

// "table", "json", "junit", "gradescope", "prairielearn"
std::optional<ReportFormat> report_format(std::string_view name);

constexpr std::string_view kHiddenText = "hidden until grading is released";

// What a student may see of `result` in `format`.
GradeResult student_view(const GradeResult& result, ReportFormat format);

// The report, as a student sees it unless `reveal`.
std::string format_report(const GradeResult& result, ReportFormat format, bool reveal = false);

// Each format on its own, of a result already made fit to show.
std::string table_report(const GradeResult& r);
std::string json_report(const GradeResult& r);
std::string junit_report(const GradeResult& r);
std::string gradescope_report(const GradeResult& r);
std::string prairielearn_report(const GradeResult& r);

// A score as reports print it: 10, 7.5, 3.33.
std::string score_text(double score);

}  // namespace iosim::grader
