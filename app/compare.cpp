#include "app/compare.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "app/bar_chart.h"
#include "app/commands.h"
#include "sim/units.h"

namespace iosim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kLessonIndex = "lesson.toml";

// One run to make: a scenario, the overrides that make this variant, and
// the row's label.
struct Entry {
  std::string file, label;
  std::vector<std::string> overrides;
};

// What the runs are, and the lesson they belong to (if a folder said).
struct Plan {
  std::string title, question;
  std::vector<Entry> entries;
};

void add_file(Plan& plan, const std::string& file) {
  plan.entries.push_back(Entry{file, fs::path(file).filename().string(), {}});
}

// One finished run: its exit status, its report (when it printed one), and
// the first line of what it said on stderr.
struct Run {
  int status = -1;
  std::optional<json> report;
  std::string out, err;
};

std::optional<toml::table> parse_index(const fs::path& path, std::string* error) {
#if TOML_EXCEPTIONS
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    *error = std::string(e.description());
    return std::nullopt;
  }
#else
  toml::parse_result result = toml::parse_file(path.string());
  if (!result) {
    *error = std::string(result.error().description());
    return std::nullopt;
  }
  return std::move(result).table();
#endif
}

// A lesson folder's index: its title, question and variants, in order.
bool read_index(const fs::path& folder, Plan& plan) {
  const fs::path index = folder / kLessonIndex;
  std::string error;
  std::optional<toml::table> table = parse_index(index, &error);
  if (!table) {
    std::fprintf(stderr, "%s: error: %s\n", index.c_str(), error.c_str());
    return false;
  }
  if (plan.title.empty()) {
    plan.title = table->get_as<std::string>("title") ? **table->get_as<std::string>("title") : "";
    plan.question =
        table->get_as<std::string>("question") ? **table->get_as<std::string>("question") : "";
  }
  const toml::array* variants = table->get_as<toml::array>("variants");
  if (!variants || variants->empty()) {
    std::fprintf(stderr,
                 "%s: error: expected variants = [\"first.toml\", ...], the scenarios to compare "
                 "in order\n",
                 index.c_str());
    return false;
  }
  for (const toml::node& v : *variants) {
    const auto* name = v.as_string();
    if (!name) {
      std::fprintf(stderr, "%s: error: each variant must be a file name in quotes\n",
                   index.c_str());
      return false;
    }
    add_file(plan, (folder / name->get()).string());
  }
  return true;
}

// Files stand for themselves; a folder for its lesson's variants, or for
// every scenario in it.
bool expand(const std::vector<std::string>& paths, Plan& plan) {
  for (const std::string& path : paths) {
    if (!fs::is_directory(path)) {
      if (!fs::exists(path)) {
        std::fprintf(stderr, "iosim: error: %s: no such file or folder\n", path.c_str());
        return false;
      }
      add_file(plan, path);
      continue;
    }
    if (fs::exists(fs::path(path) / kLessonIndex)) {
      if (!read_index(path, plan)) return false;
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(path))
      if (entry.path().extension() == ".toml") found.push_back(entry.path().string());
    std::sort(found.begin(), found.end());
    if (found.empty()) {
      std::fprintf(stderr, "iosim: error: %s: no scenarios (*.toml) in this folder\n",
                   path.c_str());
      return false;
    }
    for (const std::string& f : found)
      add_file(plan, f);
  }
  return true;
}

// Starts `iosim run FILE --json` with its stdout and stderr on pipes.
struct Child {
  pid_t pid = -1;
  int out = -1, err = -1;
  std::size_t index = 0;
};

Child start_run(const Entry& entry, const CompareOptions& options, std::size_t index) {
  std::vector<std::string> args{"iosim", "run", entry.file, "--json", "--quiet"};
  std::vector<std::string> overrides = options.overrides;
  overrides.insert(overrides.end(), entry.overrides.begin(), entry.overrides.end());
  for (const std::string& o : overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("cannot create a pipe");
  Child child{fork(), out[0], err[0], index};
  if (child.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err[1], STDERR_FILENO);
    close(out[0]);
    close(err[0]);
    std::vector<char*> argv;
    for (std::string& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(kExitInternal);
  }
  close(out[1]);
  close(err[1]);
  if (child.pid < 0) throw std::runtime_error("cannot fork");
  return child;
}

// Reaps a child whose pipes are both closed, and reads its report.
Run reap(const Child& child, std::string out, std::string err) {
  Run run;
  run.out = std::move(out);
  run.err = std::move(err);
  int status = 0;
  waitpid(child.pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : kExitInternal;
  if (!run.out.empty()) {
    json parsed = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) run.report = std::move(parsed);
  }
  return run;
}

// Runs every entry, `jobs` at a time, and returns the runs in entry order.
// Every running child's pipes are read as data arrives, so none blocks on
// a full pipe while another is being waited for.
std::vector<Run> run_all(const std::vector<Entry>& entries, const CompareOptions& options) {
  struct Live {
    Child child;
    std::string out, err;
  };
  std::vector<Run> runs(entries.size());
  const bool progress = !options.quiet && isatty(STDERR_FILENO);
  std::size_t next = 0, done = 0;
  std::vector<Live> live;
  char buffer[65536];
  while (done < entries.size()) {
    while (next < entries.size() && live.size() < static_cast<std::size_t>(options.jobs)) {
      live.push_back(Live{start_run(entries[next], options, next), {}, {}});
      ++next;
    }
    std::vector<pollfd> fds;
    for (const Live& l : live)
      for (int fd : {l.child.out, l.child.err})
        if (fd >= 0) fds.push_back(pollfd{fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    for (const pollfd& p : fds) {
      if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
      for (Live& l : live) {
        int* fd = l.child.out == p.fd ? &l.child.out : l.child.err == p.fd ? &l.child.err : nullptr;
        if (!fd) continue;
        const ssize_t n = read(*fd, buffer, sizeof buffer);
        if (n > 0) {
          (fd == &l.child.out ? l.out : l.err).append(buffer, static_cast<std::size_t>(n));
        } else {
          close(*fd);
          *fd = -1;
        }
      }
    }
    for (auto it = live.begin(); it != live.end();) {
      if (it->child.out >= 0 || it->child.err >= 0) {
        ++it;
        continue;
      }
      runs[it->child.index] = reap(it->child, std::move(it->out), std::move(it->err));
      it = live.erase(it);
      ++done;
      if (progress)
        std::fprintf(stderr, "\r  compare: %zu of %zu runs done ", done, entries.size());
    }
  }
  if (progress) std::fprintf(stderr, "\r%40s\r", "");
  return runs;
}

// A dotted path into the report: "metrics.avg_turnaround_ns", "threads.0.cpu_ns".
const json* lookup(const json& report, const std::string& path) {
  const json* node = &report;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t dot = std::min(path.find('.', start), path.size());
    const std::string key = path.substr(start, dot - start);
    if (node->is_array()) {
      if (key.empty() || !std::all_of(key.begin(), key.end(), ::isdigit)) return nullptr;
      const std::size_t i = std::stoul(key);
      if (i >= node->size()) return nullptr;
      node = &(*node)[i];
    } else if (node->is_object() && node->contains(key)) {
      node = &(*node)[key];
    } else {
      return nullptr;
    }
    start = dot + 1;
  }
  return node;
}

// One row of the table: named cells, as numbers where they are numbers.
struct Row {
  std::string file, scenario, status;
  json cells = json::object();
};

std::vector<std::string> columns(const CompareOptions& options) {
  std::vector<std::string> names{"time_ns", "speedup", "cpu_utilisation", "peak_memory_bytes",
                                 "context_switches"};
  names.insert(names.end(), options.metrics.begin(), options.metrics.end());
  return names;
}

Row make_row(const Entry& entry, const Run& run, const Run& first, const CompareOptions& options) {
  Row row{entry.label, "", "", json::object()};
  if (!run.report) {
    const std::string err = run.err.substr(0, run.err.find('\n'));
    row.status = fmt::format("error (exit {}): {}", run.status, err);
    return row;
  }
  const json& r = *run.report;
  row.scenario = r.value("scenario", "");
  row.status = r.value("status", "");
  const auto time = r["sim_time_ns"].get<std::int64_t>();
  row.cells["time_ns"] = time;
  // A speed-up means something only between two runs that did all their work.
  if (first.report && time > 0 && row.status == "completed" &&
      (*first.report)["status"] == "completed")
    row.cells["speedup"] = static_cast<double>((*first.report)["sim_time_ns"].get<std::int64_t>()) /
                           static_cast<double>(time);
  row.cells["cpu_utilisation"] = r["metrics"]["cpu_utilisation"];
  row.cells["peak_memory_bytes"] = r["memory"]["peak_bytes"];
  row.cells["context_switches"] = r["counters"]["context_switches"];
  for (const std::string& m : options.metrics)
    if (const json* v = lookup(r, m)) row.cells[m] = *v;
  return row;
}

std::string cell_text(const std::string& column, const json& v) {
  if (v.is_null()) return "-";
  if (column == "speedup") return fmt::format("{:.2f}x", v.get<double>());
  if (column == "cpu_utilisation") return fmt::format("{:.1f}%", 100 * v.get<double>());
  if (column.ends_with("_bytes")) return units::format_size(v.get<std::uint64_t>());
  if (column.ends_with("_ns") && v.is_number_integer())
    return units::format_duration(v.get<std::int64_t>());
  if (v.is_number_float()) return fmt::format("{:.4g}", v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string header_text(const std::string& column) {
  if (column == "time_ns") return "time";
  if (column == "cpu_utilisation") return "cpu use";
  if (column == "peak_memory_bytes") return "peak memory";
  if (column == "context_switches") return "switches";
  return column;
}

void print_text(const Plan& plan, const std::vector<Row>& rows, const CompareOptions& options) {
  if (!plan.title.empty()) std::printf("%s\n", plan.title.c_str());
  if (!plan.question.empty()) std::printf("  %s\n", plan.question.c_str());
  if (!plan.title.empty() || !plan.question.empty()) std::printf("\n");
  const std::vector<std::string> cols = columns(options);
  std::size_t name_w = 8;
  for (const Row& r : rows)
    name_w = std::max(name_w, r.file.size() + 2);
  std::vector<std::size_t> widths;
  for (const std::string& c : cols) {
    std::size_t w = header_text(c).size();
    for (const Row& r : rows)
      w = std::max(w, cell_text(c, r.cells.value(c, json())).size());
    widths.push_back(w + 2);
  }
  std::string line = fmt::format("{:<{}}", "scenario", name_w);
  for (std::size_t i = 0; i < cols.size(); ++i)
    line += fmt::format("{:>{}}", header_text(cols[i]), widths[i]);
  std::printf("%s  status\n", line.c_str());
  for (const Row& r : rows) {
    line = fmt::format("{:<{}}", r.file, name_w);
    for (std::size_t i = 0; i < cols.size(); ++i)
      line += fmt::format("{:>{}}", cell_text(cols[i], r.cells.value(cols[i], json())), widths[i]);
    std::printf("%s  %s\n", line.c_str(), r.status.c_str());
  }
}

// CSV keeps raw numbers (ns, bytes, ratios): it is for spreadsheets.
void print_csv(const std::vector<Row>& rows, const CompareOptions& options) {
  const std::vector<std::string> cols = columns(options);
  std::string line = "file,scenario,status";
  for (const std::string& c : cols)
    line += "," + c;
  std::printf("%s\n", line.c_str());
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char ch : s)
      q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return q + "\"";
  };
  for (const Row& r : rows) {
    line = quote(r.file) + "," + quote(r.scenario) + "," + quote(r.status);
    for (const std::string& c : cols) {
      const json v = r.cells.value(c, json());
      line += "," + (v.is_null()     ? std::string()
                     : v.is_string() ? quote(v.get<std::string>())
                                     : v.dump());
    }
    std::printf("%s\n", line.c_str());
  }
}

void print_json(const Plan& plan, const std::vector<Row>& rows) {
  nlohmann::ordered_json out;
  out["title"] = plan.title;
  out["question"] = plan.question;
  out["runs"] = nlohmann::ordered_json::array();
  for (const Row& r : rows) {
    nlohmann::ordered_json run = {{"file", r.file}, {"scenario", r.scenario}, {"status", r.status}};
    for (const auto& [k, v] : r.cells.items())
      run[k] = v;
    out["runs"].push_back(run);
  }
  std::printf("%s\n", out.dump(2).c_str());
}

// Time, speed-up and peak memory as bars, for people who would rather look than read.
bool write_plot(const std::string& path, const Plan& plan, const std::vector<Row>& rows) {
  std::vector<std::string> labels;
  for (const Row& r : rows)
    labels.push_back(r.file);
  std::vector<BarPanel> panels;
  for (const char* column : {"time_ns", "speedup", "peak_memory_bytes"}) {
    BarPanel panel{std::string(column) == "time_ns"   ? "simulated time"
                   : std::string(column) == "speedup" ? "speed-up against the first"
                                                      : "peak memory",
                   {},
                   {}};
    for (const Row& r : rows) {
      const json v = r.cells.value(column, json());
      panel.values.push_back(v.is_number() ? v.get<double>() : -1);
      panel.shown.push_back(cell_text(column, v));
    }
    panels.push_back(std::move(panel));
  }
  const std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary);
  out << bar_chart_svg(plan.title.empty() ? "iosim compare" : plan.title, labels, panels);
  out.close();
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::fprintf(stderr, "iosim: error: cannot write %s\n", path.c_str());
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

// Every combination of the swept values, the first parameter varying slowest.
bool sweep_plan(const CompareOptions& options, Plan& plan) {
  std::vector<std::pair<std::string, std::vector<std::string>>> params;
  for (const std::string& p : options.params) {
    const std::size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == p.size()) {
      std::fprintf(stderr,
                   "iosim: error: --param %s: expected KEY=V1,V2,... such as "
                   "kernel.quantum=1ms,10ms\n",
                   p.c_str());
      return false;
    }
    std::vector<std::string> values;
    for (std::size_t start = eq + 1; start <= p.size();) {
      const std::size_t comma = std::min(p.find(',', start), p.size());
      values.push_back(p.substr(start, comma - start));
      start = comma + 1;
    }
    params.emplace_back(p.substr(0, eq), values);
  }
  std::vector<Entry> entries{Entry{options.paths.front(), "", {}}};
  for (const auto& [key, values] : params) {
    std::vector<Entry> next;
    for (const Entry& e : entries) {
      for (const std::string& v : values) {
        Entry more = e;
        more.label += (more.label.empty() ? "" : " ") + key + "=" + v;
        more.overrides.push_back(key + "=" + v);
        next.push_back(more);
      }
    }
    entries = std::move(next);
  }
  plan.entries = std::move(entries);
  plan.title = "Sweep of " + fs::path(options.paths.front()).filename().string();
  return true;
}

}  // namespace

int compare_command(const CompareOptions& options) {
  Plan plan;
  if (options.params.empty() ? !expand(options.paths, plan) : !sweep_plan(options, plan))
    return kExitBadInput;
  std::vector<Run> runs;
  try {
    runs = run_all(plan.entries, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error: %s\n", e.what());
    return kExitInternal;
  }
  int status = kExitOk;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].report) continue;
    std::fprintf(stderr, "%s", runs[i].err.c_str());
    status = std::max<int>(status, runs[i].status == kExitBadInput ? kExitBadInput : kExitInternal);
  }
  for (const std::string& m : options.metrics) {
    bool found = false;
    for (const Run& r : runs)
      found = found || (r.report && lookup(*r.report, m));
    if (!found && !runs.empty()) {
      std::fprintf(stderr,
                   "iosim: error: --metric %s is not in any report (use a dotted path such as "
                   "metrics.avg_turnaround_ns or threads.0.cpu_ns; see docs/json-report.md)\n",
                   m.c_str());
      return kExitBadInput;
    }
  }
  std::vector<Row> rows;
  for (std::size_t i = 0; i < runs.size(); ++i)
    rows.push_back(make_row(plan.entries[i], runs[i], runs.front(), options));
  if (!options.plot.empty() && !write_plot(options.plot, plan, rows)) return kExitBadInput;
  if (options.json)
    print_json(plan, rows);
  else if (options.csv)
    print_csv(rows, options);
  else
    print_text(plan, rows, options);
  return status;
}

}  // namespace iosim
