// The checks of a case, evaluated on what the simulator itself recorded: the
// JSON report and the decision log of the submission's run, and of the
// reference's. Nothing here trusts the policy: every fact comes from the
// kernel's side.
//
// What each check means exactly (docs/grading.md says it for instructors):
// - valid: the run has no policy fault (the kernel checks every pick), and
//   every pick chose from its ready set as the log shows it (which also
//   excludes a task another core picked and has not yet started).
// - finishes: the run completed and every thread finished.
// - work_conserving: a core is idle from a pick that returned no task until
//   its next pick. It must not stay idle longer than `tolerance` at a stretch
//   while a ready task that may run on it waits (the kernel's own wake-up of an
//   idle core takes a few microseconds, hence the tolerance).
// - quantum: with quanta q0, q1, ... (the top level first) and a boost period
//   B (0: none), for every task: (a) every slice the policy grants is one of
//   the quanta; (b) its first slice, and its first slice after each boost
//   (at B, 2B, ...: by the time of the pick that dispatched it), is q0, since
//   a new or boosted task is on the top level; (c) between boosts its slices
//   never shrink, since a task only moves down. Renewed slices (a task that
//   runs on alone) are checked by (a) only.
// - max_wait: no task waits in the ready state (from becoming ready until a
//   pick takes it, or the end of the run) longer than `bound`.
// - metric: the submission's value against the reference's, by relative
//   difference (s - r) / |r|: "both" counts either way, "lower" only worse
//   (higher) values, "higher" only worse (lower) ones. The first band whose
//   limit it does not exceed gives its share of the points.
// - schedule: the same picks, slices and departures as the reference, in the
//   same order at the same times; else the first divergence.
// - expr: the expression holds (expression.h). Paths: `metrics.x` (or
//   `submission.metrics.x`) is the submission's report, `reference.x` the
//   reference's, and `schedule.x` (`reference.schedule.x`) what the decision
//   log shows: max_wait_ns, idle_while_ready_ns, longest_idle_ns, picks,
//   preemptions.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "grader/assignment.h"
#include "grader/decision_log.h"
#include "grader/grade_result.h"

namespace iosim::grader {

// One run as the checks see it.
struct RunRecord {
  nlohmann::json report;
  DecisionLog log;
};

CheckResult evaluate_check(const CheckSpec& spec, const RunRecord& submission,
                           const RunRecord& reference);

// What the checks measure, also for tests.
struct LongestWait {
  Ns wait = 0;
  std::uint64_t task = kNoTask;
  Ns from = 0;
  bool to_end = false;  // still waiting when the run ended
};
LongestWait longest_wait(const DecisionLog& log, Ns end);

struct IdleWhileReady {
  Ns total = 0;    // summed over cores
  Ns longest = 0;  // the longest stretch on one core
  int core = -1;
  Ns from = 0;
  std::uint64_t task = kNoTask;  // a task that was ready at its start
};
IdleWhileReady idle_while_ready(const DecisionLog& log, Ns end);

// The first pick of a task outside the ready set the log shows for it (one
// another core picked a moment before, say), described; nullopt if none.
std::optional<std::string> invalid_pick(const DecisionLog& log);

// The first slice that breaks the quantum rules, described; nullopt if none.
std::optional<std::string> quantum_violation(const DecisionLog& log, const std::vector<Ns>& quanta,
                                             Ns boost);

// The first difference between two schedules, described; nullopt if none.
std::optional<std::string> first_divergence(const DecisionLog& submission,
                                            const DecisionLog& reference,
                                            const std::string& submission_status);

// The share of the points a relative difference earns under `bands`.
double band_share(const std::vector<Band>& bands, double relative);

// A number at a dotted path of a JSON document ("metrics.avg_turnaround_ns",
// "threads.0.cpu_ns"); nullopt with *error when there is none.
std::optional<double> json_number(const nlohmann::json& doc, const std::vector<std::string>& path,
                                  std::string* error);

}  // namespace iosim::grader
