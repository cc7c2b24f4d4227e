#include "app/report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/platform.h"
#include "sim/units.h"

namespace iosim {

Report collect_report(Platform& platform, const std::string& status) {
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
  for (const auto& t : platform.kernel().threads()) {
    const ThreadStats& st = t->stats;
    r.threads.push_back(ThreadReport{t->name,
                                     t->process,
                                     st.arrival,
                                     st.first_run,
                                     st.finish,
                                     st.user + st.sys,
                                     st.user,
                                     st.sys,
                                     st.ready_wait,
                                     st.io_wait,
                                     st.sleep,
                                     st.reads,
                                     st.writes,
                                     st.bytes_read,
                                     st.bytes_written,
                                     st.fetches,
                                     st.bytes_fetched,
                                     st.io_errors,
                                     st.read_sum.value(),
                                     st.write_sum.value()});
  }
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
                            {"arrival_ns", t.arrival},
                            {"first_run_ns", maybe(t.first_run)},
                            {"finish_ns", maybe(t.finish)},
                            {"cpu_ns", t.cpu},
                            {"user_ns", t.user},
                            {"sys_ns", t.sys},
                            {"ready_wait_ns", t.ready_wait},
                            {"io_wait_ns", t.io_wait},
                            {"sleep_ns", t.sleep},
                            {"reads", t.reads},
                            {"writes", t.writes},
                            {"bytes_read", t.bytes_read},
                            {"bytes_written", t.bytes_written},
                            {"fetches", t.fetches},
                            {"bytes_fetched", t.bytes_fetched},
                            {"io_errors", t.io_errors},
                            {"read_checksum", hex(t.read_checksum)},
                            {"write_checksum", hex(t.write_checksum)}});
  j["devices"] = nlohmann::ordered_json::object();
  for (const DeviceReport& d : r.devices)
    j["devices"][d.name] = {
        {"requests", d.stats.requests}, {"bytes", d.stats.bytes}, {"busy_ns", d.stats.busy_ns}};
  j["counters"] = {{"context_switches", r.counters.context_switches},
                   {"preemptions", r.counters.preemptions},
                   {"interrupts", r.counters.interrupts},
                   {"nested_interrupts", r.counters.nested_interrupts},
                   {"syscalls", r.counters.syscalls}};
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

namespace {

std::string percent(Ns part, Ns whole) {
  return whole > 0 ? fmt::format("{:.1f}%",
                                 100.0 * static_cast<double>(part) / static_cast<double>(whole))
                   : "-";
}

std::string when(Ns t) {
  return t < 0 ? "never" : units::format_duration(t);
}

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

void threads_table(std::string& out, const Report& r) {
  std::size_t w = 12;
  for (const ThreadReport& t : r.threads)
    w = std::max(w, t.process.size() + t.name.size() + 5);
  out += "\n" + row("Threads", w,
                    {"arrival", "first run", "finish", "cpu", "ready wait", "io wait", "sleep"});
  for (const ThreadReport& t : r.threads)
    out += row("  " + t.process + "/" + t.name, w,
               {when(t.arrival), when(t.first_run), when(t.finish), units::format_duration(t.cpu),
                units::format_duration(t.ready_wait), units::format_duration(t.io_wait),
                units::format_duration(t.sleep)});
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
  devices_table(out, r);
  out +=
      fmt::format("\nCounters: {} context switches, {} preemptions, {} interrupts, {} syscalls\n",
                  r.counters.context_switches, r.counters.preemptions, r.counters.interrupts,
                  r.counters.syscalls);
  return out;
}

}  // namespace iosim
