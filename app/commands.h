// The iosim subcommands, callable from main() and from tests. Each returns
// the process exit status:
//   0  success
//   1  internal error (a bug in iosim: please report it)
//   2  bad input: the scenario or the command line is wrong (messages say where)
//   3  the run hit a limit: simulated time, events, wall-clock time or memory
//      (the report is partial)
//   4  the run stalled: threads wait but nothing in the machine can wake them
//   5  the scheduling policy made an invalid decision, or its sandboxed process
//      failed (--sandbox: crash, timeout...) (the report is partial)
//   6  interrupted by SIGINT or SIGTERM (the report and traces are partial)
//   7  iosim grade: the submission is ungradable (it does not build or load)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/scenario.h"
#include "grader/sandbox.h"

namespace iosim {

enum ExitStatus : int {
  kExitOk = 0,
  kExitInternal = 1,
  kExitBadInput = 2,
  kExitLimit = 3,
  kExitStalled = 4,      // every thread waits and nothing can wake them (a deadlock)
  kExitPolicyFault = 5,  // the scheduling policy made an invalid decision
  kExitInterrupted = 6,  // SIGINT or SIGTERM: the report and traces are partial
  kExitUngradable = 7,   // iosim grade: the submission does not build or load
};

struct RunOptions {
  std::optional<std::string> file;     // none: the built-in default scenario
  std::vector<std::string> overrides;  // --set KEY=VALUE
  bool json = false;
  bool quiet = false;
  bool brief = false;       // --brief: no per-thread or per-process rows in the report
  std::string vcd;          // --vcd FILE, empty for none
  bool no_gtkw = false;     // --no-gtkw: no GTKWave save file beside the VCD
  bool gantt = false;       // --gantt: a per-core Gantt chart after the summary
  bool per_thread = false;  // --per-thread: with --gantt, a row per thread too
  bool timeline = false;    // --timeline: an OSTEP-style table of the schedule
  std::string perfetto;     // --perfetto FILE: a timeline for ui.perfetto.dev, "" for none
  std::vector<std::string> trace_scopes;  // --trace-scopes: only these groups (all if empty)
  std::uint64_t trace_limit = std::uint64_t{1} << 30;  // --trace-limit: bytes per trace file
  std::string fst;                   // --fst FILE: the waveform as FST (by vcd2fst), "" for none
  std::uint64_t trace_threads = 64;  // --trace-threads: thread slots in the waveform, 0 for none
  Ns trace_from = 0, trace_to = -1;  // --trace-from, --trace-to: the traces' window (-1: the end)
  // --sandbox (and --policy-timeout, --policy-memory, --policy-cpu): a policy
  // library runs in a sandboxed child process. Built-in policies are unaffected.
  std::optional<grader::SandboxOptions> sandbox;
  std::string decisions;  // --decisions FILE: every scheduling decision (grader/decision_log.h)
};

int run_command(const RunOptions& options);

// What run_command and explain_command share: the scenario the options name
// (the built-in default when none), errors printed; and SystemC's own
// messages kept off stdout.
std::optional<Scenario> load_for_run(const RunOptions& options);

// Says on stderr why a run that did not complete ended (`status`, as in the
// report) and returns its exit status (kExitOk when it completed).
class Platform;
int end_of_run(Platform& platform, const std::string& status);
void quiet_systemc_reports();
int check_command(const std::string& file, const std::vector<std::string>& overrides);

}  // namespace iosim
