// Grades one submission against an assignment: builds it if it is a source
// folder, runs every case's reference and submission as child `iosim run`
// processes (case_runner.h), evaluates the checks (checks.h) and returns the
// one internal result (grade_result.h) every report format is made from.
// The same submission, assignment and seed always get the same scores.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "grader/assignment.h"
#include "grader/grade_result.h"

namespace iosim::grader {

struct GradeOptions {
  std::string submission;                // a source folder, or a built library (.so)
  bool practice = false;                 // visible cases only (the rest are listed as skipped)
  std::optional<std::uint64_t> seed;     // --seed: changes every generated workload
  int jobs = 1;                          // cases graded at once
  std::string iosim = "/proc/self/exe";  // the binary each run executes
  bool sandbox = true;                   // run the submission's library in a sandboxed process
  // Called as each case starts ("case 2/6: two-cores"), e.g. for a progress line.
  std::function<void(const std::string&)> progress;
};

// Throws std::runtime_error when the grader itself cannot work (no temporary
// folder); a submission that does not build or load is an "ungradable" result.
GradeResult grade(const Assignment& assignment, const GradeOptions& options);

// The scenario text of a generated case, as grading makes it (with --seed).
std::string case_scenario_text(const CaseSpec& spec, std::optional<std::uint64_t> seed);

}  // namespace iosim::grader
