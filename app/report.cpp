#include "app/report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/platform.h"
#include "sim/units.h"

namespace iosim {

namespace {

const char* end_name(const Thread& t) {
  return t.killed ? "killed" : state_name(t.state);
}

// CPU-bound when it computed most of its life (above 80%), I/O-bound when
// it mostly waited (below 20%): waiting for a core does not count against
// it, since a CPU-bound thread waits for a core too.
const char* bound(const ThreadStats& st, Ns end) {
  const Ns life = (st.finish >= 0 ? st.finish : end) - st.arrival - st.ready_wait;
  if (life <= 0) return "mixed";
  const double share = static_cast<double>(st.user + st.sys) / static_cast<double>(life);
  return share > 0.8 ? "cpu" : share < 0.2 ? "io" : "mixed";
}

ThreadReport thread_report(const Thread& t) {
  const ThreadStats& st = t.stats;
  ThreadReport r{};
  r.name = t.name;
  r.process = t.process->name;
  r.end = end_name(t);
  r.bound = bound(st, now_ns());
  r.arrival = st.arrival;
  r.first_run = st.first_run;
  r.finish = st.finish;
  r.turnaround = st.finish >= 0 && !t.killed ? st.finish - st.arrival : -1;
  r.response = st.first_run >= 0 ? st.first_run - st.arrival : -1;
  r.cpu = st.user + st.sys;
  r.user = st.user;
  r.sys = st.sys;
  r.ready_wait = st.ready_wait;
  r.io_wait = st.io_wait;
  r.sleep = st.sleep;
  r.lock_wait = st.lock_wait;
  r.gil_wait = st.gil_wait;
  r.join_wait = st.join_wait;
  r.context_switches = st.context_switches;
  r.preemptions = st.preemptions;
  r.migrations = st.migrations;
  r.reads = st.reads;
  r.writes = st.writes;
  r.bytes_read = st.bytes_read;
  r.bytes_written = st.bytes_written;
  r.fetches = st.fetches;
  r.bytes_fetched = st.bytes_fetched;
  r.io_errors = st.io_errors;
  r.read_checksum = st.read_sum.value();
  r.write_checksum = st.write_sum.value();
  if (const EventLoop* loop = t.loop.get()) {
    r.tasks = loop->tasks.size();
    r.peak_tasks = loop->peak_alive;
    r.task_switches = loop->switches;
    r.loop_polls = loop->polls;
  }
  return r;
}

ProcessReport process_report(const Process& p) {
  ProcessReport r{};
  r.name = p.name;
  r.runtime = p.runtime == Runtime::kPython ? "python" : "native";
  r.parent = p.parent ? p.parent->name : "";
  r.start = p.start;
  r.finish = p.done ? p.finish : -1;
  r.threads = p.threads.size();
  for (const Thread* t : p.threads)
    r.cpu += t->stats.user + t->stats.sys;
  r.peak_memory = p.peak_memory;
  r.gil_switches = p.gil.switches;
  r.gil_drop_requests = p.gil.drop_requests;
  if (p.spec && !p.worker_of) {
    for (std::size_t i = 0; i < p.spec->objects.variables.size(); ++i)
      r.variables.emplace_back(p.spec->objects.variables[i].name, p.objects.variables[i]);
  }
  return r;
}

// Averages over threads that finished (killed daemons do not count);
// Jain's index J = (sum x)^2 / (n * sum x^2) over x = CPU time / lifetime:
// 1 when every thread got the same share of the CPU while it lived. Summed
// thread by thread, so it needs no list of rows.
class MetricsSum {
 public:
  void add(const ThreadReport& t) {
    if (t.turnaround < 0) return;
    ++finished_;
    turnaround_ += static_cast<double>(t.turnaround);
    response_ += static_cast<double>(t.response);
    waiting_ += static_cast<double>(t.ready_wait);
    const double x =
        t.turnaround > 0 ? static_cast<double>(t.cpu) / static_cast<double>(t.turnaround) : 0;
    sum_ += x;
    squares_ += x * x;
  }

  Metrics result(const Report& r) const {
    Metrics m;
    m.finished = finished_;
    if (finished_ > 0) {
      const auto n = static_cast<double>(finished_);
      m.avg_turnaround = static_cast<Ns>(turnaround_ / n);
      m.avg_response = static_cast<Ns>(response_ / n);
      m.avg_waiting = static_cast<Ns>(waiting_ / n);
      m.fairness = squares_ > 0 ? sum_ * sum_ / (n * squares_) : 1;
      if (r.sim_time > 0) m.throughput = n * 1e9 / static_cast<double>(r.sim_time);
    }
    Ns busy = 0, all = 0;
    for (const CoreReport& c : r.cores) {
      busy += c.busy;
      all += c.busy + c.idle;
    }
    m.utilisation = all > 0 ? static_cast<double>(busy) / static_cast<double>(all) : 0;
    return m;
  }

 private:
  std::uint64_t finished_ = 0;
  double turnaround_ = 0, response_ = 0, waiting_ = 0, sum_ = 0, squares_ = 0;
};

// The per-thread rows and the metrics; without rows, only the metrics.
void collect_threads(Report& r, const Kernel& kernel, bool rows) {
  MetricsSum sum;
  for (const auto& t : kernel.threads()) {
    ThreadReport row = thread_report(*t);
    sum.add(row);
    if (rows) r.threads.push_back(std::move(row));
  }
  r.metrics = sum.result(r);
}

// Names for the console and the stall: every thread's with rows, else only
// those the report mentions (a million names would cost more than the run).
void collect_thread_names(Report& r, const Kernel& kernel, bool rows) {
  const auto& threads = kernel.threads();
  r.thread_names.resize(threads.size());
  auto name = [&](std::uint64_t id) {
    if (id < threads.size() && r.thread_names[id].empty())
      r.thread_names[id] = qualified_name(*threads[id]);
  };
  if (rows) {
    for (std::uint64_t id = 0; id < threads.size(); ++id)
      name(id);
    return;
  }
  for (const ConsoleLine& line : r.console)
    name(line.thread);
  for (const WaitInfo& w : r.waits) {
    name(w.thread);
    if (w.held_by >= 0) name(static_cast<std::uint64_t>(w.held_by));
  }
  for (std::uint64_t id : r.cycle)
    name(id);
}

}  // namespace

FaultReport fault_report(Platform& platform) {
  const Kernel& kernel = platform.kernel();
  const grader::RemotePolicy* remote = platform.remote_policy();
  // A sandboxed policy that failed answers pick with an id the kernel rejects:
  // then the failure is the story. A failure after an invalid decision is not.
  const bool failed_first = remote && remote->failure() &&
                            (remote->rejected() || kernel.stopped() != KernelStop::kPolicyFault);
  if (!failed_first) return {kernel.fault(), "invalid_decision", "pick"};
  const grader::PolicyFailure& f = *remote->failure();
  return {PolicyFault{f.time_ns, f.core, f.message}, grader::failure_kind_name(f.kind), f.call};
}

Report collect_report(Platform& platform, const std::string& status, bool rows) {
  const Scenario& s = platform.scenario();
  Report r;
  r.scenario = s.name;
  r.source = s.source;
  r.seed = s.seed;
  r.status = status;
  r.policy = platform.kernel().policy().name();
  r.mode = s.kernel.mode == SchedMode::kPreemptive ? "preemptive" : "cooperative";
  r.disk_driver = s.kernel.io.transfer == TransferMode::kDma ? "dma" : "pio";
  r.completion = s.kernel.io.completion == CompletionMode::kInterrupt ? "interrupt" : "polling";
  r.timer = s.kernel.timer == TimerMode::kTickless ? "tickless" : "periodic";
  r.sim_time = now_ns();
  r.events = sc_core::sc_delta_count();
  for (int c = 0; c < platform.cpu().cores(); ++c) {
    Core& core = platform.cpu().core(c);
    CoreReport cr{c,
                  0,
                  core.time_in(CoreMode::kUser),
                  core.time_in(CoreMode::kKernel),
                  core.time_in(CoreMode::kIrq),
                  core.time_in(CoreMode::kIdle)};
    cr.busy = cr.user + cr.kernel + cr.irq;
    r.cores.push_back(cr);
  }
  const Kernel& kernel = platform.kernel();
  collect_threads(r, kernel, rows);
  if (rows) {
    for (const Process& p : kernel.processes())
      r.processes.push_back(process_report(p));
  }
  r.memory_capacity = kernel.memory().capacity();
  r.memory_peak = kernel.memory().peak();
  r.memory_in_use = kernel.memory().in_use();
  r.memory_failures = kernel.memory().failures();
  const Workload& w = s.workload;
  for (std::size_t i = 0; i < w.shared.variables.size(); ++i)
    r.shared_variables.emplace_back(w.shared.variables[i].name, kernel.shared().variables[i]);
  r.console = kernel.console();
  if (status == "policy_fault") {
    FaultReport f = fault_report(platform);
    r.fault = std::move(f.fault);
    r.fault_kind = std::move(f.kind);
    r.fault_call = std::move(f.call);
  }
  if (const grader::RemotePolicy* remote = platform.remote_policy())
    r.policy_output = remote->output().text();
  if (status == "stalled") {
    r.waits = kernel.waits();
    r.cycle = kernel.wait_cycle();
  }
  collect_thread_names(r, kernel, rows);
  r.devices.push_back({"disk", platform.disk().stats()});
  r.devices.push_back({"dma", platform.dma().stats()});
  r.devices.push_back({"nic", platform.nic().stats()});
  r.devices.push_back({"bus", platform.bus().stats()});
  r.counters = platform.kernel().counters();
  r.bus_initiators = platform.bus().initiator_stats();
  r.bus_utilisation = platform.bus().utilisation(r.sim_time);
  const InterruptController& ic = platform.ic();
  for (int l = 0; l < ic.line_count(); ++l)
    r.irq_lines.push_back({ic.line_name(l), ic.raised(l), ic.coalesced(l)});
  return r;
}

namespace {

// Times that may not have happened (a thread that never ran) are null.
nlohmann::ordered_json maybe(Ns t) {
  return t < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(t);
}

std::string hex(std::uint64_t v) {
  return fmt::format("{:016x}", v);
}

}  // namespace

std::string report_json(const Report& r) {
  nlohmann::ordered_json j;
  j["scenario"] = r.scenario;
  j["source"] = r.source;
  j["seed"] = r.seed;
  j["status"] = r.status;
  j["sim_time_ns"] = r.sim_time;
  j["events"] = r.events;
  j["kernel"] = {{"policy", r.policy},
                 {"mode", r.mode},
                 {"disk_driver", r.disk_driver},
                 {"completion", r.completion},
                 {"timer", r.timer}};
  j["cores"] = nlohmann::ordered_json::array();
  for (const CoreReport& c : r.cores)
    j["cores"].push_back({{"id", c.id},
                          {"busy_ns", c.busy},
                          {"user_ns", c.user},
                          {"kernel_ns", c.kernel},
                          {"irq_ns", c.irq},
                          {"idle_ns", c.idle}});
  j["threads"] = nlohmann::ordered_json::array();
  for (const ThreadReport& t : r.threads)
    j["threads"].push_back({{"name", t.name},
                            {"process", t.process},
                            {"end", t.end},
                            {"bound", t.bound},
                            {"arrival_ns", t.arrival},
                            {"first_run_ns", maybe(t.first_run)},
                            {"finish_ns", maybe(t.finish)},
                            {"turnaround_ns", maybe(t.turnaround)},
                            {"response_ns", maybe(t.response)},
                            {"cpu_ns", t.cpu},
                            {"user_ns", t.user},
                            {"sys_ns", t.sys},
                            {"ready_wait_ns", t.ready_wait},
                            {"io_wait_ns", t.io_wait},
                            {"sleep_ns", t.sleep},
                            {"lock_wait_ns", t.lock_wait},
                            {"gil_wait_ns", t.gil_wait},
                            {"join_wait_ns", t.join_wait},
                            {"context_switches", t.context_switches},
                            {"preemptions", t.preemptions},
                            {"migrations", t.migrations},
                            {"reads", t.reads},
                            {"writes", t.writes},
                            {"bytes_read", t.bytes_read},
                            {"bytes_written", t.bytes_written},
                            {"fetches", t.fetches},
                            {"bytes_fetched", t.bytes_fetched},
                            {"io_errors", t.io_errors},
                            {"read_checksum", hex(t.read_checksum)},
                            {"write_checksum", hex(t.write_checksum)},
                            {"tasks", t.tasks},
                            {"peak_tasks", t.peak_tasks},
                            {"task_switches", t.task_switches},
                            {"loop_polls", t.loop_polls}});
  j["processes"] = nlohmann::ordered_json::array();
  for (const ProcessReport& p : r.processes) {
    nlohmann::ordered_json vars = nlohmann::ordered_json::object();
    for (const auto& [name, value] : p.variables)
      vars[name] = value;
    j["processes"].push_back(
        {{"name", p.name},
         {"runtime", p.runtime},
         {"parent", p.parent.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(p.parent)},
         {"start_ns", p.start},
         {"finish_ns", maybe(p.finish)},
         {"threads", p.threads},
         {"cpu_ns", p.cpu},
         {"peak_memory_bytes", p.peak_memory},
         {"gil_switches", p.gil_switches},
         {"gil_drop_requests", p.gil_drop_requests},
         {"variables", vars}});
  }
  const Metrics& m = r.metrics;
  j["metrics"] = {{"finished_threads", m.finished},
                  {"throughput_per_s", m.throughput},
                  {"avg_turnaround_ns", m.avg_turnaround},
                  {"avg_response_ns", m.avg_response},
                  {"avg_waiting_ns", m.avg_waiting},
                  {"cpu_utilisation", m.utilisation},
                  {"jain_fairness", m.fairness}};
  j["memory"] = {{"capacity_bytes", r.memory_capacity},
                 {"peak_bytes", r.memory_peak},
                 {"in_use_bytes", r.memory_in_use},
                 {"failures", nlohmann::ordered_json::array()}};
  for (const MemoryFailure& f : r.memory_failures)
    j["memory"]["failures"].push_back({{"time_ns", f.time},
                                       {"what", f.what},
                                       {"requested_bytes", f.requested},
                                       {"in_use_bytes", f.in_use},
                                       {"capacity_bytes", f.capacity}});
  j["shared_variables"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : r.shared_variables)
    j["shared_variables"][name] = value;
  j["console"] = nlohmann::ordered_json::array();
  for (const ConsoleLine& line : r.console)
    j["console"].push_back(
        {{"time_ns", line.time},
         {"thread", r.thread_names[line.thread]},
         {"task", line.task.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(line.task)},
         {"text", line.text}});
  if (r.status == "stalled") {
    j["stall"] = {{"waiting", nlohmann::ordered_json::array()},
                  {"deadlock", nlohmann::ordered_json::array()}};
    for (const WaitInfo& w : r.waits)
      j["stall"]["waiting"].push_back(
          {{"thread", r.thread_names[w.thread]},
           {"waits_for", w.what},
           {"held_by", w.held_by < 0 ? nlohmann::ordered_json()
                                     : nlohmann::ordered_json(
                                           r.thread_names[static_cast<std::size_t>(w.held_by)])}});
    for (std::uint64_t id : r.cycle)
      j["stall"]["deadlock"].push_back(r.thread_names[id]);
  }
  if (!r.policy_output.empty()) j["policy_output"] = r.policy_output;
  if (r.fault)
    j["policy_fault"] = {{"time_ns", r.fault->time},    {"core", r.fault->core},
                         {"message", r.fault->message}, {"kind", r.fault_kind},
                         {"call", r.fault_call},        {"output", r.policy_output}};
  j["devices"] = nlohmann::ordered_json::object();
  for (const DeviceReport& d : r.devices)
    j["devices"][d.name] = {
        {"requests", d.stats.requests}, {"bytes", d.stats.bytes}, {"busy_ns", d.stats.busy_ns}};
  j["counters"] = {{"context_switches", r.counters.context_switches},
                   {"preemptions", r.counters.preemptions},
                   {"interrupts", r.counters.interrupts},
                   {"nested_interrupts", r.counters.nested_interrupts},
                   {"syscalls", r.counters.syscalls},
                   {"migrations", r.counters.migrations},
                   {"gil_switches", r.counters.gil_switches},
                   {"program_errors", r.counters.program_errors},
                   {"threads_created", r.counters.threads_created},
                   {"processes_created", r.counters.processes_created},
                   {"tasks_created", r.counters.tasks_created}};
  j["interrupt_lines"] = nlohmann::ordered_json::object();
  for (const IrqLineReport& l : r.irq_lines)
    j["interrupt_lines"][l.name] = {{"raised", l.raised}, {"coalesced", l.coalesced}};
  j["bus"] = {{"utilisation", r.bus_utilisation}, {"initiators", nlohmann::ordered_json::object()}};
  for (const BusInitiatorStats& b : r.bus_initiators)
    j["bus"]["initiators"][b.name] = {{"requests", b.requests},
                                      {"bytes", b.bytes},
                                      {"busy_ns", b.busy_ns},
                                      {"wait_ns", b.wait_ns},
                                      {"held_ns", b.held_ns}};
  return j.dump(2) + "\n";
}

std::string percent(Ns part, Ns whole) {
  return whole > 0 ? fmt::format("{:.1f}%",
                                 100.0 * static_cast<double>(part) / static_cast<double>(whole))
                   : "-";
}

std::string when(Ns t) {
  return t < 0 ? "never" : units::format_duration(t);
}

namespace {

// One table row: a left-aligned label, then right-aligned cells.
std::string row(const std::string& label, std::size_t label_width,
                const std::vector<std::string>& cells, std::size_t cell_width = 12) {
  std::string line = fmt::format("{:<{}}", label, label_width);
  for (const std::string& cell : cells)
    line += fmt::format("{:>{}}", cell, cell_width);
  return line + "\n";
}

void cores_table(std::string& out, const Report& r) {
  out += "\n" + row("Cores", 12, {"busy", "user", "kernel", "irq", "idle"}, 10);
  for (const CoreReport& c : r.cores) {
    Ns all = c.busy + c.idle;
    out += row(fmt::format("  core{}", c.id), 12,
               {percent(c.busy, all), percent(c.user, all), percent(c.kernel, all),
                percent(c.irq, all), percent(c.idle, all)},
               10);
  }
}

// Large scenarios list their first threads only: the JSON has them all.
constexpr std::size_t kThreadRows = 40;

void threads_table(std::string& out, const Report& r) {
  bool sync = false;
  for (const ThreadReport& t : r.threads)
    sync = sync || t.lock_wait > 0 || t.gil_wait > 0 || t.join_wait > 0;
  const std::size_t shown = std::min(r.threads.size(), kThreadRows);
  std::size_t w = 12;
  for (std::size_t i = 0; i < shown; ++i)
    w = std::max(w, r.threads[i].process.size() + r.threads[i].name.size() + 5);
  std::vector<std::string> head{"arrival",    "first run", "finish", "cpu",
                                "ready wait", "io wait",   "sleep"};
  if (sync) head.insert(head.end(), {"lock wait", "gil wait", "join wait"});
  head.push_back("bound");
  out += "\n" + row("Threads", w, head);
  for (std::size_t i = 0; i < shown; ++i) {
    const ThreadReport& t = r.threads[i];
    std::vector<std::string> cells{when(t.arrival),
                                   when(t.first_run),
                                   t.end == "killed" ? "killed" : when(t.finish),
                                   units::format_duration(t.cpu),
                                   units::format_duration(t.ready_wait),
                                   units::format_duration(t.io_wait),
                                   units::format_duration(t.sleep)};
    if (sync)
      cells.insert(cells.end(),
                   {units::format_duration(t.lock_wait), units::format_duration(t.gil_wait),
                    units::format_duration(t.join_wait)});
    cells.push_back(t.bound);
    out += row("  " + t.process + "/" + t.name, w, cells);
  }
  if (r.threads.size() > shown)
    out += fmt::format("  ... and {} more threads (--json lists them all)\n",
                       r.threads.size() - shown);
}

// Only when there is something to say: several processes, or a runtime.
void processes_table(std::string& out, const Report& r) {
  bool python = false;
  for (const ProcessReport& p : r.processes)
    python = python || p.runtime == "python";
  if (r.processes.size() < 2 && !python) return;
  const std::size_t shown = std::min(r.processes.size(), kThreadRows);
  std::size_t w = 12;
  for (std::size_t i = 0; i < shown; ++i)
    w = std::max(w, r.processes[i].name.size() + 4);
  out +=
      "\n" + row("Processes", w,
                 {"runtime", "start", "finish", "threads", "cpu", "peak mem", "gil switches"}, 13);
  for (std::size_t i = 0; i < shown; ++i) {
    const ProcessReport& p = r.processes[i];
    out += row("  " + p.name, w,
               {p.runtime, when(p.start), when(p.finish), std::to_string(p.threads),
                units::format_duration(p.cpu), units::format_size(p.peak_memory),
                p.runtime == "python" ? std::to_string(p.gil_switches) : "-"},
               13);
  }
  if (r.processes.size() > shown)
    out += fmt::format("  ... and {} more processes\n", r.processes.size() - shown);
}

void variables_lines(std::string& out, const Report& r) {
  std::string vars;
  for (const ProcessReport& p : r.processes)
    for (const auto& [name, value] : p.variables)
      vars += fmt::format("{}{}.{} = {}", vars.empty() ? "" : ", ", p.name, name, value);
  for (const auto& [name, value] : r.shared_variables)
    vars += fmt::format("{}shared.{} = {}", vars.empty() ? "" : ", ", name, value);
  if (!vars.empty()) out += "Variables: " + vars + "\n";
}

void console_lines(std::string& out, const Report& r) {
  if (r.console.empty()) return;
  out += "\nConsole\n";
  for (const ConsoleLine& line : r.console) {
    const std::string who =
        r.thread_names[line.thread] + (line.task.empty() ? "" : " " + line.task);
    out += fmt::format("  {:>12}  {:<20} {}\n", units::format_duration(line.time), who, line.text);
  }
}

void devices_table(std::string& out, const Report& r) {
  out += "\n" + row("Devices", 12, {"requests", "bytes", "busy", "of run"});
  for (const DeviceReport& d : r.devices)
    out += row("  " + d.name, 12,
               {std::to_string(d.stats.requests), units::format_size(d.stats.bytes),
                units::format_duration(d.stats.busy_ns), percent(d.stats.busy_ns, r.sim_time)});
}

}  // namespace

std::string report_text(const Report& r) {
  std::string out = fmt::format("{}\n", r.scenario);
  if (r.source != r.scenario) out += fmt::format("  from {}\n", r.source);
  out += fmt::format("  seed {}, policy {} ({}, {} timer), I/O by {} with {} completion\n", r.seed,
                     r.policy, r.mode, r.timer, r.disk_driver, r.completion);
  out += fmt::format("  simulated time {}", units::format_duration(r.sim_time));
  if (r.status != "completed") out += fmt::format("  [stopped early: {}]", r.status);
  out += "\n";
  cores_table(out, r);
  threads_table(out, r);
  processes_table(out, r);
  devices_table(out, r);
  out +=
      fmt::format("\nCounters: {} context switches, {} preemptions, {} interrupts, {} syscalls\n",
                  r.counters.context_switches, r.counters.preemptions, r.counters.interrupts,
                  r.counters.syscalls);
  const Metrics& m = r.metrics;
  if (m.finished > 0)
    out += fmt::format(
        "Metrics: {} threads finished; average turnaround {}, response {}, waiting {}; "
        "throughput {:.2f}/s; CPU utilisation {:.1f}%; fairness (Jain) {:.3f}\n",
        m.finished, units::format_duration(m.avg_turnaround),
        units::format_duration(m.avg_response), units::format_duration(m.avg_waiting), m.throughput,
        100 * m.utilisation, m.fairness);
  out += fmt::format("Memory: peak {} of {}", units::format_size(r.memory_peak),
                     units::format_size(r.memory_capacity));
  if (!r.memory_failures.empty())
    out += fmt::format("; {} allocation{} failed, the first at {}: {}", r.memory_failures.size(),
                       r.memory_failures.size() == 1 ? "" : "s",
                       units::format_duration(r.memory_failures.front().time),
                       r.memory_failures.front().what);
  out += "\n";
  variables_lines(out, r);
  console_lines(out, r);
  if (!r.policy_output.empty())
    out += fmt::format("\nThe policy printed:\n{}{}", r.policy_output,
                       r.policy_output.ends_with('\n') ? "" : "\n");
  if (r.fault && r.fault_kind != "invalid_decision")
    out += fmt::format("\nPolicy fault ({}): {}\n", r.fault_kind, r.fault->message);
  else if (r.fault)
    out += fmt::format("\nPolicy fault at {} on core {}: {}\n",
                       units::format_duration(r.fault->time), r.fault->core, r.fault->message);
  return out;
}

}  // namespace iosim
