// An assignment: what students implement, the reference it is compared with,
// and the test cases with their checks and points. Read from a TOML file
// (docs/grading.md has the full format); every problem is reported as
// "file:line:col: error: ...", like the scenario loader's.
//
//   name = "mlfq"
//   title = "MLFQ with priority boost"
//   policy = "mlfq"                 # what students implement (shown in reports)
//   due = 2025-05-02T23:59:00Z      # optional
//   [reference]                     # a built-in policy with its parameters...
//   policy = "mlfq"
//   set = ["kernel.mlfq.boost=1s"]  # ...or library = "ref/mlfq.so" (next to this file)
//   [limits]                        # optional; the defaults are shown
//   case_timeout = "60s"            # wall-clock deadline of each run
//   build_timeout = "120s"
//   policy_timeout = "1s"           # per policy call (sandbox)
//   policy_memory = "256MiB"
//   policy_cpu = "10s"
//   [[case]]
//   name = "two-hogs"
//   scenario = "cases/two-hogs.toml"   # or generate = { kind = "cpu-mix", tasks = 20, seed = 7 }
//   visibility = "visible"             # or "hidden", "after_due_date"
//   set = ["machine.cores=2"]
//   points = 10                        # optional: must equal the checks' sum
//     [[case.check]]
//     kind = "schedule"
//     points = 4
//   [[check]]                          # checks for every case that has none of its own
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grader/expression.h"
#include "grader/grade_result.h"
#include "sim/ns.h"

namespace iosim::grader {

enum class CheckKind {
  kValid,           // every decision valid: no policy fault
  kFinishes,        // every thread finishes (the run completes)
  kWorkConserving,  // no core idle while a task that may run there is ready
  kQuantum,         // the slices follow the levels' quanta
  kMaxWait,         // no task waits in the ready state longer than a bound
  kMetric,          // a report metric close to the reference's
  kSchedule,        // the same decisions as the reference, in the same order
  kExpr,            // an expression over the reports holds
};

const char* check_kind_name(CheckKind kind);

// Partial credit: the first band whose limit the relative difference does
// not exceed gives its share of the points.
struct Band {
  double limit = 0;  // relative difference, e.g. 0.05 for 5%
  double share = 0;  // of the check's points, 0..1
};

struct CheckSpec {
  CheckKind kind = CheckKind::kValid;
  std::string name;  // shown in reports
  double points = 0;
  Ns tolerance = 0;         // work_conserving: the longest idle stretch forgiven
  std::vector<Ns> quanta;   // quantum: one per level, the top level first
  Ns boost = 0;             // quantum: the boost period (0: none)
  Ns bound = 0;             // max_wait
  std::string metric;       // metric: a dotted path into the report
  std::string direction;    // metric: "both", "lower" (lower is better) or "higher"
  std::vector<Band> bands;  // metric
  std::optional<Expression> expr;
};

struct GeneratorSpec {
  std::string kind;  // workload_generator.h
  int tasks = 10;
  std::uint64_t seed = 1;
};

struct CaseSpec {
  std::string name;
  Visibility visibility = Visibility::kVisible;
  std::string scenario;                   // an absolute path, or empty with `generate`
  std::optional<GeneratorSpec> generate;  // a workload made at grading time
  std::vector<std::string> set;           // overrides for both runs
  std::vector<CheckSpec> checks;
  double points = 0;  // the sum of the checks' points
};

struct ReferenceSpec {
  std::string policy;            // a built-in policy name, or empty
  std::string library;           // an absolute path to an instructor's library, or empty
  std::vector<std::string> set;  // overrides for the reference's runs only
};

struct AssignmentLimits {
  Ns case_timeout = 60 * kSec;
  Ns build_timeout = 120 * kSec;
  Ns policy_timeout = 1 * kSec;
  std::uint64_t policy_memory = 256ull << 20;
  Ns policy_cpu = 10 * kSec;
};

struct LeaderboardSpec {
  std::string name;    // the column's title
  std::string case_;   // the case whose run it reads
  std::string metric;  // a dotted path into that run's report
  std::string order;   // "asc" (smaller is better) or "desc"
  double scale = 1;    // multiplies the value (e.g. 1e-6: ns to ms)
};

struct Assignment {
  std::string path;  // the file as given
  std::string dir;   // its folder (paths in it are relative to this)
  std::string name, title, policy;
  std::string due;  // as written, or empty
  ReferenceSpec reference;
  AssignmentLimits limits;
  std::vector<CaseSpec> cases;
  std::vector<LeaderboardSpec> leaderboard;
  double max_score() const;
};

struct AssignmentError {
  std::string file;
  int line = 0, column = 0;
  std::string message;
  std::string format() const;  // "file:line:col: error: message"
};

struct AssignmentLoad {
  std::optional<Assignment> assignment;  // set only when there are no errors
  std::vector<AssignmentError> errors;   // in file order
};

AssignmentLoad load_assignment(const std::string& path);
AssignmentLoad parse_assignment(std::string_view text, const std::string& path);

}  // namespace iosim::grader
