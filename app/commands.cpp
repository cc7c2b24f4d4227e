#include "app/commands.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>

#include "app/default_scenario.h"
#include "app/gantt.h"
#include "app/perfetto_trace.h"
#include "app/platform.h"
#include "app/report.h"
#include "app/scenario_loader.h"
#include "app/simulation.h"
#include "app/waveform.h"
#include "grader/decision_log.h"
#include "sim/did_you_mean.h"
#include "sim/units.h"

namespace iosim {

// SystemC prints its own info messages ("Simulation stopped by user") on
// stdout, which would corrupt --json output: silence info, send the rest to
// stderr.
void quiet_systemc_reports() {
  using sc_core::sc_report_handler;
  sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_report_handler::set_handler(
      [](const sc_core::sc_report& report, const sc_core::sc_actions& actions) {
        if (actions & sc_core::SC_DISPLAY) std::fprintf(stderr, "systemc: %s\n", report.get_msg());
        if (actions & (sc_core::SC_THROW | sc_core::SC_ABORT | sc_core::SC_STOP))
          sc_core::sc_report_handler::default_handler(report, actions & ~sc_core::SC_DISPLAY);
      });
}

std::optional<Scenario> load_for_run(const RunOptions& options) {
  LoadResult result =
      options.file ? load_scenario_file(*options.file, options.overrides)
                   : load_scenario_text(default_scenario_text(),
                                        std::string(default_scenario_name()), options.overrides);
  for (const Diagnostic& d : result.errors)
    std::fprintf(stderr, "%s\n", d.format().c_str());
  return result.scenario;
}

namespace {

// Shows how far a long run has got, on a terminal only; never in the output.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}
  void update() {
    if (!enabled_) return;
    double wall = seconds();
    if (wall < 1.0 || wall - last_ < 0.25) return;
    last_ = wall;
    double rate = static_cast<double>(sc_core::sc_delta_count()) / wall;
    std::fprintf(stderr, "\r  simulated %s, %.1fM events/s   ",
                 units::format_duration(now_ns()).c_str(), rate / 1e6);
    shown_ = true;
  }
  ~Progress() {
    if (shown_) std::fprintf(stderr, "\r%60s\r", "");
  }

 private:
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  bool enabled_, shown_ = false;
  double last_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// Who waits for what, and the deadlock cycle when there is one.
std::string describe_stall(const Kernel& kernel) {
  auto name = [&](std::uint64_t id) { return qualified_name(*kernel.threads()[id]); };
  std::string out;
  for (const WaitInfo& w : kernel.waits()) {
    out += fmt::format("  {} waits for {}", name(w.thread), w.what);
    if (w.held_by >= 0)
      out += fmt::format(", held by {}", name(static_cast<std::uint64_t>(w.held_by)));
    out += "\n";
  }
  const std::vector<std::uint64_t> cycle = kernel.wait_cycle();
  if (!cycle.empty()) {
    out += "  deadlock: ";
    for (std::uint64_t id : cycle)
      out += name(id) + " -> ";
    out += name(cycle.front()) + "\n";
  }
  return out;
}

// The terminal's width for pictures: the terminal's own, $COLUMNS, or 100.
int terminal_width() {
  winsize size{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
    return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const int n = std::atoi(columns);
    if (n > 0) return n;
  }
  return 100;
}

void print_pictures(Platform& platform, const RunOptions& options) {
  const Kernel& kernel = platform.kernel();
  const int cores = platform.cpu().cores();
  if (options.gantt)
    std::fputs(
        gantt_chart(kernel, cores, now_ns(), std::max(40, terminal_width()), options.per_thread)
            .c_str(),
        stdout);
  if (!options.timeline) return;
  constexpr std::size_t kMaxRows = 200;
  const std::string table = timeline_table(kernel, cores, now_ns(), kMaxRows);
  if (table.empty())
    std::fprintf(stderr,
                 "iosim: --timeline is for small scenarios: this run's schedule changes more "
                 "than %zu times (use --gantt)\n",
                 kMaxRows);
  std::fputs(table.c_str(), stdout);
}

int report_and_exit(Platform& platform, const RunOptions& options, const std::string& status) {
  // --brief: a million rows would cost more than the run (docs/performance.md).
  const Report report = collect_report(platform, status, /*rows=*/!options.brief);
  std::fputs((options.json ? report_json(report) : report_text(report)).c_str(), stdout);
  if (!options.json) print_pictures(platform, options);
  return end_of_run(platform, status);
}

}  // namespace

int end_of_run(Platform& platform, const std::string& status) {
  const LimitsSpec& limits = platform.scenario().limits;
  if (status == "sim_time_limit") {
    std::fprintf(stderr, "iosim: stopped at the simulated-time limit (%s); the report is partial\n",
                 units::format_duration(limits.sim_time).c_str());
    return kExitLimit;
  }
  if (status == "event_limit") {
    std::fprintf(stderr,
                 "iosim: stopped at %s after %llu events, the limit ([limits] events = %llu); "
                 "the report is partial\n",
                 units::format_duration(now_ns()).c_str(),
                 static_cast<unsigned long long>(sc_core::sc_delta_count()),
                 static_cast<unsigned long long>(limits.events));
    return kExitLimit;
  }
  if (status == "wall_time_limit") {
    std::fprintf(stderr,
                 "iosim: stopped at %s of simulated time after %s of real time, the limit "
                 "([limits] wall_time); the report is partial\n",
                 units::format_duration(now_ns()).c_str(),
                 units::format_duration(limits.wall_time).c_str());
    return kExitLimit;
  }
  if (status == "interrupted") {
    std::fprintf(stderr, "iosim: interrupted at %s; the report and traces are partial\n",
                 units::format_duration(now_ns()).c_str());
    return kExitInterrupted;
  }
  if (status == "stalled") {
    std::fprintf(stderr,
                 "iosim: stalled since %s: threads are waiting but nothing in the machine can "
                 "wake them; the report is partial\n%s",
                 units::format_duration(platform.kernel().last_state_change()).c_str(),
                 describe_stall(platform.kernel()).c_str());
    return kExitStalled;
  }
  if (status == "policy_fault") {
    const FaultReport r = fault_report(platform);
    const PolicyFault& f = r.fault;
    if (r.kind == "invalid_decision")
      std::fprintf(stderr, "iosim: policy fault at %s on core %d: %s; the report is partial\n",
                   units::format_duration(f.time).c_str(), f.core, f.message.c_str());
    else  // the sandboxed policy's process failed
      std::fprintf(stderr, "iosim: policy fault (%s): %s; the report is partial\n", r.kind.c_str(),
                   f.message.c_str());
    return kExitPolicyFault;
  }
  if (status == "out_of_memory") {
    const MemoryFailure& f = platform.kernel().memory().failures().back();
    std::fprintf(stderr,
                 "iosim: out of memory at %s: %s needs %s but %s of %s are in use; the report is "
                 "partial (set [kernel.memory] on_exhausted = \"continue\" to skip what does not "
                 "fit)\n",
                 units::format_duration(f.time).c_str(), f.what.c_str(),
                 units::format_size(f.requested).c_str(), units::format_size(f.in_use).c_str(),
                 units::format_size(f.capacity).c_str());
    return kExitLimit;
  }
  return kExitOk;
}

// Every --trace-scopes name must be a group the traces have.
bool check_trace_scopes(Platform& platform, const std::vector<std::string>& scopes) {
  std::vector<std::string> known{"threads", "kernel", "gil"};
  for (Probe* p : platform.probes())
    if (std::find(known.begin(), known.end(), p->scope()) == known.end())
      known.push_back(p->scope());
  for (const std::string& scope : scopes) {
    if (std::find(known.begin(), known.end(), scope) != known.end()) continue;
    std::string list;
    for (const std::string& k : known)
      list += (list.empty() ? "" : ", ") + k;
    const auto suggestion = closest_match(scope, known);
    std::fprintf(
        stderr, "iosim: error: --trace-scopes: unknown group '%s'%s (expected %s)\n", scope.c_str(),
        suggestion ? fmt::format(": did you mean '{}'?", *suggestion).c_str() : "", list.c_str());
    return false;
  }
  return true;
}

// A trace that reached --trace-limit stopped growing: say so, how big it
// would have been (the writers count what they drop), and how to get more.
void warn_if_full(const char* what, bool full, Ns at, std::uint64_t limit, std::uint64_t whole) {
  if (!full) return;
  std::fprintf(stderr,
               "iosim: warning: the %s reached its size limit (%s) at %s of simulated time; "
               "what came later is not in it: the whole trace would have been about %s (raise "
               "--trace-limit, trace a window with --trace-from and --trace-to, or fewer groups "
               "with --trace-scopes)\n",
               what, units::format_size(limit).c_str(), units::format_duration(at).c_str(),
               units::format_size(whole).c_str());
}

WaveformOptions waveform_options(const RunOptions& o) {
  return WaveformOptions{o.vcd,        o.fst,      !o.no_gtkw,     o.trace_limit,
                         o.trace_from, o.trace_to, o.trace_threads};
}

// Ctrl-C (or a kill) ends the run at its next look, with the partial report.
void stop_on_signals() {
  struct sigaction action {};
  action.sa_handler = [](int) { request_stop(); };
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int run_command(const RunOptions& options) {
  std::optional<Scenario> scenario = load_for_run(options);
  if (!scenario) return kExitBadInput;
  stop_on_signals();
  set_time_resolution();
  quiet_systemc_reports();
  std::unique_ptr<Platform> platform;
  try {
    const bool pictures = options.gantt || options.timeline || !options.perfetto.empty();
    platform = std::make_unique<Platform>(*scenario, /*record_schedule=*/pictures,
                                          options.sandbox ? &*options.sandbox : nullptr);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", scenario->source.c_str(), e.what());
    return kExitBadInput;
  }
  if (!check_trace_scopes(*platform, options.trace_scopes)) return kExitBadInput;
  // --trace-scopes: the groups to trace, all when none are named.
  auto traced = [&](const std::string& scope) {
    return options.trace_scopes.empty() ||
           std::find(options.trace_scopes.begin(), options.trace_scopes.end(), scope) !=
               options.trace_scopes.end();
  };
  std::unique_ptr<Waveform> waveform;
  std::unique_ptr<PerfettoTrace> perfetto;
  std::unique_ptr<grader::DecisionLogWriter> decisions;
  try {  // an unwritable trace path is the user's to fix: say so before running
    if (!options.decisions.empty()) {
      decisions = std::make_unique<grader::DecisionLogWriter>(options.decisions, platform->kernel(),
                                                              platform->cpu().cores());
      platform->kernel().observe_decisions(decisions.get());
    }
    if (!options.vcd.empty() || !options.fst.empty())
      waveform = std::make_unique<Waveform>(waveform_options(options), *platform, traced);
    if (!options.perfetto.empty())
      perfetto =
          std::make_unique<PerfettoTrace>(options.perfetto, *platform, traced, options.trace_limit,
                                          options.trace_from, options.trace_to);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error: %s\n", e.what());
    return kExitBadInput;
  }
  try {
    RunEnd end;
    {  // the progress line is erased before the report is printed
      Progress progress(!options.quiet);
      end = simulate(*platform, [&progress] { progress.update(); });
    }
    if (perfetto) {
      perfetto->finish(now_ns());
      const PerfettoWriter& w = perfetto->writer();
      warn_if_full("Perfetto trace", w.full(), w.full_at(), options.trace_limit,
                   w.unlimited_size());
    }
    if (waveform) {
      waveform->finish(now_ns(),
                       end == RunEnd::kCompleted
                           ? ""
                           : fmt::format("truncated: the run ended early ({})", run_end_name(end)));
      const VcdWriter& w = waveform->vcd();
      warn_if_full(options.vcd.empty() ? "VCD the FST is made from" : "VCD", w.full(), w.full_at(),
                   options.trace_limit, w.unlimited_size());
    }
    if ((waveform || perfetto) && now_ns() < options.trace_from)
      std::fprintf(stderr,
                   "iosim: warning: the run ended at %s, before --trace-from: the traces hold "
                   "only the values at its end\n",
                   units::format_duration(now_ns()).c_str());
    platform->finish();
    std::string status = run_end_name(end);
    if (grader::RemotePolicy* remote = platform->remote_policy()) {
      remote->finish();  // its last output; a failure after the last decision is still a fault
      if (status == "completed" && remote->failure()) status = "policy_fault";
    }
    return report_and_exit(*platform, options, status);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error at %s: %s\n", units::format_duration(now_ns()).c_str(),
                 e.what());
    return kExitInternal;
  }
}

int check_command(const std::string& file, const std::vector<std::string>& overrides) {
  LoadResult result = load_scenario_file(file, overrides);
  for (const Diagnostic& d : result.errors)
    std::fprintf(stderr, "%s\n", d.format().c_str());
  if (!result.scenario) {
    std::fprintf(stderr, "%zu error%s\n", result.errors.size(),
                 result.errors.size() == 1 ? "" : "s");
    return kExitBadInput;
  }
  std::printf("%s: ok\n", file.c_str());
  return kExitOk;
}

}  // namespace iosim
