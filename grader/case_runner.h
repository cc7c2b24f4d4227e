// One run of a case: a child `iosim run SCENARIO --json --decisions LOG`
// (one simulation per process, in the grader's own process tree), with the
// policy to use, under a wall-clock deadline that kills its process group.
// The outcome is read from what the simulator wrote (its exit status, its
// JSON report, its decision log), never from what the policy says.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grader/checks.h"
#include "sim/ns.h"

namespace iosim::grader {

struct SandboxLimits {
  Ns decision_timeout = 1 * kSec;
  std::uint64_t memory = 256ull << 20;
  Ns cpu = 10 * kSec;
};

struct RunRequest {
  std::string iosim;             // the iosim binary
  std::string scenario_path;     // a scenario file...
  std::string scenario_text;     // ...or its text (a generated case), given on stdin
  std::vector<std::string> set;  // --set overrides, in order (later ones win)
  std::string policy;            // kernel.policy: a built-in name or a library's absolute path
  std::optional<SandboxLimits> sandbox;  // run the library sandboxed (iosim run --sandbox)
  std::string log_path;                  // where the decision log goes
  Ns deadline = 60 * kSec;               // wall-clock
};

struct RunOutcome {
  // Empty when the run gave a report the checks can read (it completed, hit
  // the time limit or stalled). Otherwise what went wrong, as a case status:
  // how the policy failed ("crash", "timeout", "memory_limit",
  // "forbidden_syscall", "protocol_error", "invalid_decision", "exited"),
  // "load_error" (the library does not load: no case can run) or "error".
  std::string failure;
  std::string message;  // one line: what happened
  std::string output;   // what the policy printed, when known
  std::optional<RunRecord> record;
  double seconds = 0;
};

RunOutcome run_case(const RunRequest& request);

// The command line run_case uses, for messages and tests.
std::vector<std::string> run_command_line(const RunRequest& request);

}  // namespace iosim::grader
