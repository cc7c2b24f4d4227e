#include "app/html_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <tuple>

#include "app/explain.h"
#include "app/gantt.h"
#include "app/platform.h"
#include "app/recorded_run.h"
#include "app/report.h"
#include "app/simulation.h"
#include "app/xml_escape.h"
#include "sim/probe_log.h"
#include "sim/units.h"

namespace iosim {
namespace {

constexpr int kChartWidth = 900, kLabelWidth = 200, kRow = 22;
constexpr std::size_t kThreadRows = 40;
constexpr std::int64_t kAtWork = std::numeric_limits<std::int64_t>::max();  // a device row's mark

// Thread colours: distinct hues, the same thread the same colour everywhere.
std::string thread_colour(std::int64_t id) {
  return fmt::format("hsl({},62%,52%)", (id * 47) % 360);
}

const char* state_colour(int state) {
  switch (static_cast<ThreadState>(state)) {
    case ThreadState::kRunning:
      return "#2e8b57";
    case ThreadState::kReady:
      return "#f0c419";
    case ThreadState::kBlocked:
      return "#4a7ab8";
    case ThreadState::kSleeping:
      return "#a0a0c8";
    case ThreadState::kWaiting:
      return "#d2553f";
    default:
      return "none";
  }
}

// One SVG row per entry of `rows`, each a run of columns drawn as rects of
// the colour `colour(value)` (values < 0 are left blank), with a time axis.
template <typename Value, typename Colour>
std::string chart_svg(const std::vector<std::string>& labels,
                      const std::vector<std::vector<Value>>& rows, Colour colour, Ns end) {
  const int height = static_cast<int>(rows.size()) * kRow + 30;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      kLabelWidth + kChartWidth + 60, height);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const int y = static_cast<int>(r) * kRow;
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", kLabelWidth - 6,
                       y + 15, xml_escape(labels[r]));
    const auto& row = rows[r];
    for (std::size_t c = 0; c < row.size();) {
      std::size_t run = c;
      while (run < row.size() && row[run] == row[c])
        ++run;
      if (row[c] >= 0)
        svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                           kLabelWidth + static_cast<int>(c), y + 3, static_cast<int>(run - c),
                           kRow - 6, colour(row[c]));
      c = run;
    }
  }
  const int axis = static_cast<int>(rows.size()) * kRow + 4;
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#444\"/>\n",
                     kLabelWidth, axis, kLabelWidth + kChartWidth, axis);
  for (int tick = 0; tick <= 4; ++tick) {
    const int x = kLabelWidth + tick * kChartWidth / 4;
    svg += fmt::format(
        "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#444\"/>"
        "<text x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
        x, axis, axis + 5, axis + 18, units::format_duration(end * tick / 4));
  }
  return svg + "</svg>\n";
}

std::string cores_section(const Report& r) {
  std::string html =
      "<h2>Cores</h2>\n<table><tr><th>core</th><th>where its time went</th>"
      "<th>busy</th><th>user</th><th>kernel</th><th>irq</th><th>idle</th></tr>\n";
  for (const CoreReport& c : r.cores) {
    const Ns all = std::max<Ns>(1, c.busy + c.idle);
    std::string bar = "<svg width=\"300\" height=\"14\">";
    double x = 0;
    for (auto [part, colour] : {std::pair{c.user, "#2e8b57"}, std::pair{c.kernel, "#e08a2e"},
                                std::pair{c.irq, "#d2553f"}, std::pair{c.idle, "#dddddd"}}) {
      const double w = 300.0 * static_cast<double>(part) / static_cast<double>(all);
      bar += fmt::format("<rect x=\"{:.1f}\" y=\"0\" width=\"{:.1f}\" height=\"14\" fill=\"{}\"/>",
                         x, w, colour);
      x += w;
    }
    bar += "</svg>";
    html += fmt::format(
        "<tr><td>core{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "</tr>\n",
        c.id, bar, percent(c.busy, all), percent(c.user, all), percent(c.kernel, all),
        percent(c.irq, all), percent(c.idle, all));
  }
  return html +
         "</table>\n<p class=\"legend\"><span style=\"background:#2e8b57\"></span>user "
         "<span style=\"background:#e08a2e\"></span>kernel <span "
         "style=\"background:#d2553f\"></span>interrupts <span "
         "style=\"background:#dddddd\"></span>idle</p>\n";
}

// Per column, whether any of the signals `scope.prefix*` was non-zero for
// at least half of it: a device at work (kAtWork), or not (-1).
std::vector<std::int64_t> busy_columns(const ProbeLog& log, const std::string& scope,
                                       const std::string& prefix, Ns end) {
  std::vector<Ns> busy(kChartWidth, 0);
  const double per = static_cast<double>(end) / kChartWidth;
  const ColumnScale scale{end, kChartWidth};
  auto add = [&](Ns from, Ns to) {
    scale.spread(from, to,
                 [&](int c, Ns overlap) { busy[static_cast<std::size_t>(c)] += overlap; });
  };
  std::map<int, std::pair<std::uint64_t, Ns>> state;  // signal -> value, since
  for (const ProbeLog::Change& ch : log.changes()) {
    const ProbeLog::Signal& s = log.signals()[static_cast<std::size_t>(ch.id)];
    if (s.scope != scope || s.name.rfind(prefix, 0) != 0) continue;
    auto& [value, since] = state[ch.id];
    if (value != 0) add(since, ch.at);
    value = ch.value;
    since = ch.at;
  }
  for (const auto& [id, vs] : state)
    if (vs.first != 0) add(vs.second, end);
  std::vector<std::int64_t> out;
  for (Ns b : busy)
    out.push_back(static_cast<double>(b) * 2 >= per ? kAtWork : -1);
  return out;
}

std::string gantt_section(Platform& p, const ProbeLog& log, Ns end) {
  const Kernel& kernel = p.kernel();
  const int cores = p.cpu().cores();
  std::vector<std::string> labels;
  for (int c = 0; c < cores; ++c)
    labels.push_back(fmt::format("core{}", c));
  auto rows = core_columns(kernel, cores, end, kChartWidth);
  // The devices at work, beside the cores: the CPU runs others meanwhile.
  for (auto [label, scope, prefix] : {std::tuple{"disk at work", "disk", "firmware_state"},
                                      std::tuple{"DMA at work", "dma", "ch"},
                                      std::tuple{"network card at work", "nic", "state"}}) {
    labels.push_back(label);
    rows.push_back(busy_columns(log, scope, prefix, end));
  }
  std::string html = "<h2>Who ran where</h2>\n";
  html += chart_svg(
      labels, rows,
      [](std::int64_t v) { return v == kAtWork ? std::string("#555") : thread_colour(v); }, end);
  html += "<p class=\"legend\">";
  for (const auto& t : kernel.threads()) {
    if (t->id >= kThreadRows) {
      html += fmt::format("and {} more threads", kernel.threads().size() - kThreadRows);
      break;
    }
    html += fmt::format("<span style=\"background:{}\"></span>{} ",
                        thread_colour(static_cast<std::int64_t>(t->id)),
                        xml_escape(qualified_name(*t)));
  }
  html += "</p>\n<h2>Threads over time</h2>\n";
  labels.clear();
  for (std::size_t i = 0; i < std::min(kernel.threads().size(), kThreadRows); ++i)
    labels.push_back(qualified_name(*kernel.threads()[i]));
  html += chart_svg(
      labels, thread_columns(kernel, end, kChartWidth, kThreadRows),
      [](int s) { return std::string(state_colour(s)); }, end);
  html += "<p class=\"legend\">";
  for (ThreadState s : {ThreadState::kRunning, ThreadState::kReady, ThreadState::kBlocked,
                        ThreadState::kSleeping, ThreadState::kWaiting})
    html += fmt::format("<span style=\"background:{}\"></span>{} ",
                        state_colour(static_cast<int>(s)), state_name(s));
  return html + "</p>\n";
}

std::string threads_section(const Report& r) {
  std::string html =
      "<h2>Threads</h2>\n<table><tr><th>thread</th><th>end</th><th>arrival</th><th>first "
      "run</th><th>finish</th><th>cpu</th><th>ready wait</th><th>io wait</th><th>sleep</th>"
      "<th>lock wait</th><th>gil wait</th><th>join wait</th><th>bound</th></tr>\n";
  for (std::size_t i = 0; i < std::min(r.threads.size(), std::size_t{500}); ++i) {
    const ThreadReport& t = r.threads[i];
    html += fmt::format(
        "<tr><td>{}/{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        xml_escape(t.process), xml_escape(t.name), t.end, when(t.arrival), when(t.first_run),
        when(t.finish), when(t.cpu), when(t.ready_wait), when(t.io_wait), when(t.sleep),
        when(t.lock_wait), when(t.gil_wait), when(t.join_wait), t.bound);
  }
  html += "</table>\n";
  const Metrics& m = r.metrics;
  html += fmt::format(
      "<p>{} threads finished: average turnaround {}, response {}, waiting {}; throughput "
      "{:.2f}/s; CPU utilisation {:.1f}%; fairness (Jain) {:.3f}. Peak memory {} of {}.</p>\n",
      m.finished, when(m.avg_turnaround), when(m.avg_response), when(m.avg_waiting), m.throughput,
      100 * m.utilisation, m.fairness, units::format_size(r.memory_peak),
      units::format_size(r.memory_capacity));
  html +=
      "<h2>Devices</h2>\n<table><tr><th>device</th><th>requests</th><th>bytes</th>"
      "<th>busy</th><th>of the run</th></tr>\n";
  for (const DeviceReport& d : r.devices)
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        d.name, d.stats.requests, units::format_size(d.stats.bytes),
                        when(d.stats.busy_ns), percent(d.stats.busy_ns, r.sim_time));
  return html + "</table>\n";
}

std::string story_section(Platform& p, const ProbeLog& log, const HtmlReportOptions& o) {
  std::string error;
  std::optional<RequestStory> story = tell_request(p, log, o.thread, o.request, &error);
  std::string html = "<h2>The life of one I/O request</h2>\n";
  if (!story) return html + "<p>" + xml_escape(error) + "</p>\n";
  html += fmt::format("<p><b>{}</b><br>{}</p>\n<pre>", xml_escape(story->title),
                      xml_escape(story->setup));
  for (const std::string& line : story->steps)
    html += xml_escape(line) + "\n";
  html += "\n" + xml_escape(story->window) + "\n";
  for (const std::string& line : story->cores)
    html += xml_escape(line) + "\n";
  return html + "</pre>\n<p class=\"answer\">" + xml_escape(story->answer) + "</p>\n";
}

const char* kStyle =
    "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:2px "
    "8px;text-align:right}td:first-child,th:first-child{text-align:left}"
    ".legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}"
    "pre{background:#f6f6f6;padding:1em;overflow-x:auto}.answer{font-weight:bold}";

}  // namespace

int html_report_command(const HtmlReportOptions& options) {
  RecordedRun run;
  if (const int code = record_run(options.run, run); code != kExitOk) return code;
  Platform& platform = *run.platform;
  const ProbeLog& log = run.log;
  const RunEnd end = run.end;
  const std::string status = run_end_name(end);
  const Report r = collect_report(platform, status);
  std::string html = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>iosim: {0}</title>"
      "<style>{1}</style></head>\n<body>\n<h1>{0}</h1>\n<p>{2}, seed {3}, policy {4} ({5}), I/O "
      "by {6} with {7} completion. Simulated time {8}; {9}.</p>\n",
      xml_escape(r.scenario), kStyle, xml_escape(r.source), r.seed, r.policy, r.mode, r.disk_driver,
      r.completion, when(r.sim_time), status);
  html += cores_section(r) + gantt_section(platform, log, std::max<Ns>(1, now_ns())) +
          threads_section(r) + story_section(platform, log, options);
  html += "<p><small>Made by iosim. Times are simulated.</small></p>\n</body></html>\n";
  const std::string tmp = options.output + ".tmp";
  std::ofstream out(tmp, std::ios::binary);
  out << html;
  out.close();
  if (!out || std::rename(tmp.c_str(), options.output.c_str()) != 0) {
    std::remove(tmp.c_str());
    std::fprintf(stderr, "iosim: error: cannot write %s\n", options.output.c_str());
    return kExitBadInput;
  }
  std::fprintf(stderr, "iosim: wrote %s\n", options.output.c_str());
  return end_of_run(platform, status);
}

}  // namespace iosim
