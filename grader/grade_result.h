// The grader's one internal result, from which every report format is made
// (grade_report.h). `iosim grade --format json` prints it as it is: that
// document is the contract the class tools build on (docs/grading.md).
// Scores depend only on the submission, the assignment and the seed; the
// wall-clock times are kept apart (`seconds`) and only the formats that ask
// for them (JUnit, Gradescope) print them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace iosim::grader {

enum class Visibility { kVisible, kHidden, kAfterDueDate };

const char* visibility_name(Visibility v);  // "visible", "hidden", "after_due_date"

struct CheckResult {
  std::string name;
  double score = 0, max_score = 0;
  bool passed = false;
  std::string message;  // what was measured, and against what
};

struct CaseResult {
  std::string name;
  Visibility visibility = Visibility::kVisible;
  double score = 0, max_score = 0;
  // "passed", "partial", "failed"; how the policy's process failed ("crash",
  // "timeout", "memory_limit", "forbidden_syscall", "protocol_error",
  // "invalid_decision", "exited"); "error" (the grader could not run the case:
  // a bad scenario, a failed reference); "skipped" (not run: a practice run's
  // hidden case, or a submission that does not build).
  std::string status;
  std::string message;  // one line for the table
  std::vector<CheckResult> checks;
  std::string output;     // what the policy printed (truncated)
  bool redacted = false;  // details removed: a hidden case shown to a student
  double seconds = 0;     // wall-clock time of the case's runs (not in the JSON)
};

struct GradeResult {
  std::string assignment;  // the assignment's name
  std::string title;
  std::string submission;    // the submission's folder or library name
  std::string status;        // "graded" or "ungradable"
  std::string build_output;  // when ungradable: why (the compiler's output, truncated)
  double score = 0, max_score = 0;
  std::optional<std::uint64_t> seed;  // --seed, when given
  bool practice = false;
  std::vector<CaseResult> cases;
  struct Leader {
    std::string name;
    double value = 0;
    std::string order;  // "asc" or "desc"
  };
  std::vector<Leader> leaderboard;
  double seconds = 0;  // wall-clock time of the whole grading (not in the JSON)
};

}  // namespace iosim::grader
