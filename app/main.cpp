// iosim: the command line. It parses arguments and hands over to
// app/commands.cpp; everything else lives in the layers below.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "app/commands.h"
#include "app/compare.h"
#include "app/explain.h"
#include "app/grade_command.h"
#include "app/html_report.h"
#include "sim/units.h"

// libsystemc.so calls sc_main from its own main(); iosim has its own main()
// (to parse arguments first) and drives SystemC directly, but the symbol must exist.
extern "C" int sc_main(int, char**) {
  return iosim::kExitInternal;
}

// What compare and sweep share: how many runs at once, the table's columns
// and formats, and overrides for every run.
void add_table_options(CLI::App& cmd, iosim::CompareOptions& o) {
  o.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  cmd.add_option("--jobs,-j", o.jobs, "runs at once (default: the number of CPUs)")
      ->check(CLI::Range(1, 256));
  cmd.add_option("--metric", o.metrics,
                 "add a column: a dotted path into the JSON report, e.g. "
                 "metrics.avg_turnaround_ns");
  cmd.add_option("--set", o.overrides, "override a value in every run")->type_name("KEY=VALUE");
  auto* csv = cmd.add_flag("--csv", o.csv, "print the table as CSV (raw numbers)");
  cmd.add_flag("--json", o.json, "print the table as JSON")->excludes(csv);
  cmd.add_flag("--quiet,-q", o.quiet, "no progress line on stderr");
  cmd.add_option("--plot", o.plot, "also draw the table as bar charts (SVG)")
      ->type_name("FILE.svg");
}

// --trace-from and --trace-to, as typed, into run's window; false after
// saying on stderr what is wrong.
bool trace_window(const std::string& from, const std::string& to, iosim::RunOptions& run) {
  iosim::units::Error error;
  for (auto [option, text, out] : {std::tuple{"--trace-from", &from, &run.trace_from},
                                   std::tuple{"--trace-to", &to, &run.trace_to}}) {
    if (text->empty()) continue;
    const auto ns = iosim::units::parse_duration_ns(*text, &error);
    if (!ns) {
      std::fprintf(stderr, "iosim: error: %s %s: %s\n", option, text->c_str(),
                   error.message.c_str());
      return false;
    }
    *out = *ns;
  }
  if (run.trace_to >= 0 && run.trace_from >= run.trace_to) {
    std::fprintf(stderr, "iosim: error: --trace-from %s is not before --trace-to %s\n",
                 from.empty() ? "0s" : from.c_str(), to.c_str());
    return false;
  }
  return true;
}

// iosim run --sandbox and its limits, as typed.
struct SandboxArgs {
  bool on = false;
  std::string timeout = "1s", memory = "256MiB", cpu = "10s";
};

// The limits in numbers, or nullopt after saying on stderr what is wrong.
std::optional<iosim::grader::SandboxOptions> sandbox_options(const SandboxArgs& args) {
  iosim::grader::SandboxOptions o;
  iosim::units::Error error;
  auto bad = [&](const char* option, const std::string& value, const std::string& why) {
    std::fprintf(stderr, "iosim: error: %s %s: %s\n", option, value.c_str(), why.c_str());
    return std::nullopt;
  };
  const auto timeout = iosim::units::parse_duration_ns(args.timeout, &error);
  if (!timeout || *timeout <= 0)
    return bad("--policy-timeout", args.timeout, timeout ? "must be more than 0s" : error.message);
  const auto memory = iosim::units::parse_size_bytes(args.memory, &error);
  if (!memory || *memory < (std::uint64_t{16} << 20))
    return bad("--policy-memory", args.memory, memory ? "must be at least 16MiB" : error.message);
  const auto cpu = iosim::units::parse_duration_ns(args.cpu, &error);
  if (!cpu || *cpu < 1'000'000'000)
    return bad("--policy-cpu", args.cpu, cpu ? "must be at least 1s" : error.message);
  o.decision_timeout_ns = *timeout;
  o.memory_bytes = *memory;
  o.cpu_seconds = (*cpu + 999'999'999) / 1'000'000'000;  // RLIMIT_CPU counts whole seconds
  return o;
}

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);

  CLI::App app{
      "iosim: a simulated computer and teaching kernel that shows why the CPU stays "
      "free during I/O"};
  app.set_version_flag("--version", "iosim 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Exit status: 0 completed; 1 internal error; 2 bad input (file:line:col messages);\n"
      "3 a limit was reached (simulated time, events, wall-clock time, memory);\n"
      "4 stalled (every thread waits and nothing can wake them: a deadlock);\n"
      "5 the scheduling policy made an invalid decision (or, with --sandbox, its process\n"
      "failed); 6 interrupted (SIGINT, SIGTERM);\n"
      "7 (grade) the submission does not build or load. See docs/json-report.md.");

  iosim::RunOptions run;
  std::string run_file;
  auto* run_cmd = app.add_subcommand("run", "run a scenario (the built-in default if no FILE)");
  run_cmd->add_option("FILE", run_file, "scenario file (TOML)");
  run_cmd->add_flag("--json", run.json, "print the report as one JSON document");
  run_cmd->add_option("--vcd", run.vcd, "write a VCD waveform (GTKWave, Surfer) to this file");
  run_cmd->add_option("--perfetto", run.perfetto,
                      "write a timeline (Chrome trace JSON) for ui.perfetto.dev to this file");
  run_cmd
      ->add_option("--trace-scopes", run.trace_scopes,
                   "trace only these groups: cores, interrupts, timers, bus, dma, disk, nic, "
                   "kernel, threads, gil")
      ->delimiter(',');
  run_cmd->add_option("--fst", run.fst,
                      "write the waveform as FST (compressed, for GTKWave) to this file; needs "
                      "vcd2fst");
  run_cmd
      ->add_option("--trace-threads", run.trace_threads,
                   "in the waveform, a state signal for each of the first N threads, and GIL "
                   "signals for up to N python processes (default 64; 0: none)")
      ->type_name("N");
  std::string trace_from, trace_to;
  run_cmd->add_option("--trace-from", trace_from, "traces start at this simulated time, e.g. 5ms")
      ->type_name("TIME");
  run_cmd->add_option("--trace-to", trace_to, "traces end at this simulated time, e.g. 20ms")
      ->type_name("TIME");
  std::string trace_limit;
  run_cmd
      ->add_option("--trace-limit", trace_limit,
                   "stop a trace file from growing past this size (default 1GiB)")
      ->type_name("SIZE");
  run_cmd->add_flag("--no-gtkw", run.no_gtkw,
                    "with --vcd: do not write the GTKWave save file (FILE.gtkw) and its filters");
  run_cmd->add_option("--set", run.overrides, "override a scenario value, e.g. kernel.quantum=5ms")
      ->type_name("KEY=VALUE");
  run_cmd->add_flag("--quiet,-q", run.quiet, "no progress line on stderr");
  run_cmd->add_flag("--brief", run.brief,
                    "leave the per-thread and per-process rows out of the report (for runs with "
                    "very many threads; with --json, threads and processes are empty)");
  auto* gantt = run_cmd->add_flag("--gantt", run.gantt,
                                  "after the summary, a per-core Gantt chart as wide as the "
                                  "terminal");
  run_cmd->add_flag("--per-thread", run.per_thread, "with --gantt: a row per thread too")
      ->needs(gantt);
  run_cmd->add_flag("--timeline", run.timeline,
                    "after the summary, the schedule as a table, one row per change (small "
                    "scenarios)");
  run_cmd->add_option("--decisions", run.decisions,
                      "write every scheduling decision to this file, one JSON object per line "
                      "(docs/json-report.md)");
  SandboxArgs sandbox;
  auto* sandbox_flag = run_cmd->add_flag(
      "--sandbox", sandbox.on,
      "run a policy library (kernel.policy = FILE.so) in a sandboxed child process: resource "
      "limits, a deadline per call, a system-call filter (docs/grading.md)");
  run_cmd->add_option("--policy-timeout", sandbox.timeout, "with --sandbox: per call (default 1s)")
      ->type_name("DURATION")
      ->needs(sandbox_flag);
  run_cmd
      ->add_option("--policy-memory", sandbox.memory,
                   "with --sandbox: the policy's address space (default 256MiB)")
      ->type_name("SIZE")
      ->needs(sandbox_flag);
  run_cmd
      ->add_option("--policy-cpu", sandbox.cpu,
                   "with --sandbox: the policy's CPU time for the whole run, in whole seconds "
                   "(default 10s)")
      ->type_name("DURATION")
      ->needs(sandbox_flag);

  std::string check_file;
  std::vector<std::string> check_overrides;
  auto* check_cmd = app.add_subcommand("check", "validate a scenario and report every problem");
  check_cmd->add_option("FILE", check_file, "scenario file (TOML)")->required();
  check_cmd->add_option("--set", check_overrides, "override a scenario value")
      ->type_name("KEY=VALUE");

  iosim::CompareOptions compare;
  auto* compare_cmd = app.add_subcommand(
      "compare", "run several scenarios (or a lesson folder) and print one table");
  compare_cmd->add_option("PATH", compare.paths, "scenario files, or folders of them")->required();
  add_table_options(*compare_cmd, compare);

  iosim::CompareOptions sweep;
  auto* sweep_cmd = app.add_subcommand(
      "sweep", "run one scenario over values of its parameters and print one table");
  sweep_cmd->add_option("FILE", sweep.paths, "scenario file (TOML)")->required()->expected(1);
  sweep_cmd->add_option("--param", sweep.params, "a parameter and its values")
      ->type_name("KEY=V1,V2,...")
      ->required();
  add_table_options(*sweep_cmd, sweep);

  iosim::ExplainOptions explain;
  std::string explain_file;
  auto* explain_cmd = app.add_subcommand(
      "explain",
      "tell the story of one I/O request, step by step (the default scenario if no FILE)");
  explain_cmd->add_option("FILE", explain_file, "scenario file (TOML)");
  explain_cmd->add_option("--thread", explain.thread,
                          "whose request: NAME or PROCESS/NAME (default: the first to do I/O)");
  explain_cmd->add_option("--request", explain.request, "which of its requests, from 1")
      ->check(CLI::PositiveNumber);
  explain_cmd->add_option("--set", explain.run.overrides, "override a scenario value")
      ->type_name("KEY=VALUE");

  iosim::HtmlReportOptions html;
  std::string html_file;
  auto* report_cmd = app.add_subcommand(
      "report", "write a self-contained HTML report of a run (the default scenario if no FILE)");
  report_cmd->add_option("FILE", html_file, "scenario file (TOML)");
  report_cmd->add_option("-o,--output", html.output, "the HTML file to write")->required();
  report_cmd->add_option("--thread", html.thread, "whose I/O request to tell (NAME or PROC/NAME)");
  report_cmd->add_option("--request", html.request, "which of its requests, from 1")
      ->check(CLI::PositiveNumber);
  report_cmd->add_option("--set", html.run.overrides, "override a scenario value")
      ->type_name("KEY=VALUE");

  iosim::GradeCli grade(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return iosim::kExitBadInput;
  }
  if (*run_cmd && !trace_limit.empty()) {
    iosim::units::Error error;
    const auto bytes = iosim::units::parse_size_bytes(trace_limit, &error);
    if (!bytes || *bytes == 0) {
      std::fprintf(stderr, "iosim: error: --trace-limit %s: %s\n", trace_limit.c_str(),
                   bytes ? "must be more than 0B" : error.message.c_str());
      return iosim::kExitBadInput;
    }
    run.trace_limit = *bytes;
  }
  if (*run_cmd && !trace_window(trace_from, trace_to, run)) return iosim::kExitBadInput;
  if (*run_cmd && sandbox.on) {
    run.sandbox = sandbox_options(sandbox);
    if (!run.sandbox) return iosim::kExitBadInput;
  }
  if (*run_cmd) {
    if (!run_file.empty()) run.file = run_file;
    return iosim::run_command(run);
  }
  if (*compare_cmd) return iosim::compare_command(compare);
  if (grade.parsed()) return grade.run();
  if (*report_cmd) {
    if (!html_file.empty()) html.run.file = html_file;
    return iosim::html_report_command(html);
  }
  if (*explain_cmd) {
    if (!explain_file.empty()) explain.run.file = explain_file;
    return iosim::explain_command(explain);
  }
  if (*sweep_cmd) return iosim::compare_command(sweep);
  return iosim::check_command(check_file, check_overrides);
}
