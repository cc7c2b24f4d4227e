#include "bench/bench_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "bench/scenario_generator.h"

namespace iosim::bench {
namespace {

constexpr double kGiB = 1024.0;  // in MiB

// The report without its per-thread and per-process arrays: a million
// threads would make a document of a gigabyte that the runner never reads.
nlohmann::json parse_report(const std::string& text) {
  const nlohmann::json::parser_callback_t drop_rows =
      [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        return !(depth == 1 && event == nlohmann::json::parse_event_t::key &&
                 (parsed == "threads" || parsed == "processes"));
      };
  return nlohmann::json::parse(text, drop_rows);
}

void progress(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
}

Row row(std::string section, std::string figure, double value, const std::string& unit,
        std::optional<Target> target = std::nullopt) {
  Row r;
  r.section = std::move(section);
  r.figure = std::move(figure);
  r.value = value;
  r.unit = unit;
  r.shown = human(value, unit);
  r.target = std::move(target);
  return r;
}

std::uint64_t counter(const nlohmann::json& report, const char* group, const char* name) {
  return report.at(group).at(name).get<std::uint64_t>();
}

std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
  return path;
}

}  // namespace

void BenchRunner::run(BenchTable& table) {
  baseline(table);
  cpu_jobs(table);
  io_sweeps(table);
  connection_sweeps(table);
  core_sweep(table);
  tracing(table);
  grading(table);
  micro(table);
}

// ------------------------------------------------------------------ helpers

BenchRunner::IosimRun BenchRunner::iosim(const std::string& label, const std::string& toml,
                                         const std::vector<std::string>& extra) {
  const std::string path = write_file(config_.scratch + "/" + label + ".toml", toml);
  std::vector<std::string> argv = {config_.iosim, "run", path, "--json", "--brief", "-q"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  IosimRun run;
  run.timed = run_timed(argv, config_.scratch);
  if (run.timed.status != 0)
    throw std::runtime_error(fmt::format("iosim run {} exited with status {}:\n{}", path,
                                         run.timed.status, run.timed.err));
  run.report = parse_report(run.timed.out);
  run.timed.out.clear();
  return run;
}

// The run of median CPU time out of three: for the short scenarios whose
// figures a noisy machine moves most (page faults of a large heap, the
// ratios of the tracing runs).
BenchRunner::IosimRun BenchRunner::iosim_median(const std::string& label, const std::string& toml,
                                                const std::vector<std::string>& extra) {
  std::vector<IosimRun> runs;
  for (int i = 0; i < 3; ++i)
    runs.push_back(iosim(label, toml, extra));
  std::sort(runs.begin(), runs.end(),
            [](const IosimRun& a, const IosimRun& b) { return a.timed.seconds < b.timed.seconds; });
  return std::move(runs[1]);
}

std::vector<std::uint64_t> BenchRunner::decades(std::uint64_t from, std::uint64_t to) const {
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t n = from; n <= to; n *= 10)
    sizes.push_back(n);
  return sizes;
}

void BenchRunner::scenario_rows(BenchTable& table, const std::string& what, const IosimRun& run,
                                std::optional<Target> wall_target,
                                std::optional<Target> rss_target) {
  const double secs = run.timed.seconds;
  const double events = run.report.at("events").get<double>();
  Row time = row(what, "time (CPU; wall in brackets)", secs, "s", wall_target);
  time.shown += fmt::format(" ({:.3g} s)", run.timed.wall);
  table.add(time);
  table.add(row(what, "peak resident memory", run.timed.peak_rss_mib, "MiB", rss_target));
  Row rate = row(what, "kernel events (SystemC delta cycles) per second", events / secs, "/s");
  rate.shown += fmt::format(" ({:.0f}% of SystemC)", 100.0 * events / secs / baseline_rate_);
  table.add(rate);
  table.add(row(what, "cost of one event, in bare SystemC notifications",
                baseline_rate_ * secs / events, "x", Target::at_most(4, "<= 4x")));
}

Sweep BenchRunner::sweep(const std::string& name, const std::string& what,
                         const std::vector<std::uint64_t>& sizes, Generator scenario,
                         IosimRun* largest) {
  Sweep s;
  s.name = name;
  s.what = what;
  for (std::uint64_t n : sizes) {
    progress(fmt::format("{}: {}", name, n));
    IosimRun run = iosim(fmt::format("{}-{}", name, n), scenario(n));
    s.points.push_back({static_cast<double>(n), run.timed.seconds});
    if (largest && n == sizes.back()) *largest = std::move(run);
  }
  fit(s);
  return s;
}

// Process start-up and exit are a fixed cost that flattens the curve at
// small sizes: fit only the sizes whose run took at least ten times the
// smallest run's time, and at least the three largest sizes.
void BenchRunner::fit(Sweep& s) const {
  if (s.points.empty()) return;
  const double floor = 10 * s.points.front().seconds;
  for (std::size_t i = 0; i < s.points.size(); ++i)
    if (s.points[i].seconds >= floor || i + 3 >= s.points.size()) s.fitted.push_back(s.points[i]);
  s.exponent = growth_exponent(s.fitted);
}

// ------------------------------------------------------------------ figures

void BenchRunner::baseline(BenchTable& table) {
  const std::uint64_t n = config_.quick ? 1'000'000 : 20'000'000;
  progress(fmt::format("SystemC baseline: {} timed notifications", n));
  const TimedRun run = run_timed({config_.baseline, std::to_string(n)}, config_.scratch);
  if (run.status != 0) throw std::runtime_error("the SystemC baseline failed:\n" + run.err);
  const nlohmann::json j = nlohmann::json::parse(run.out);
  baseline_rate_ = j.at("events").get<double>() / j.at("seconds").get<double>();
  Row rate = row("baseline", "bare SystemC: timed notifications per second", baseline_rate_, "/s");
  rate.shown += fmt::format(" (wall {:.3g} s)", j.at("wall").get<double>());
  table.add(rate);
  table.add(row("baseline", "bare SystemC: cost of one notification", 1e9 / baseline_rate_, "ns"));
}

void BenchRunner::cpu_jobs(BenchTable& table) {
  const std::uint64_t jobs = config_.quick ? 10'000 : 1'000'000;
  const std::string what = fmt::format("{} single-burst jobs, 4 cores, Round-Robin", jobs);
  progress(what);
  const IosimRun run = iosim_median("cpu-jobs", cpu_jobs_scenario(jobs, 4));
  scenario_rows(table, what, run, Target::at_most(2, "< 2 s"), std::nullopt);
  const double secs = run.timed.seconds;
  table.add(row(what, "context switches per second",
                counter(run.report, "counters", "context_switches") / secs, "/s"));
  table.add(row(what, "completed jobs per second",
                counter(run.report, "metrics", "finished_threads") / secs, "/s"));
}

void BenchRunner::io_sweeps(BenchTable& table) {
  const std::uint64_t top = config_.quick ? 10'000 : 1'000'000;
  IosimRun disk, net;
  table.add(sweep("disk requests", "reads of 4 KiB, one thread", decades(1000, top),
                  disk_reads_scenario, &disk));
  table.add(sweep("network requests", "fetches of 1 KiB, one thread", decades(1000, top),
                  net_requests_scenario, &net));
  disk_rows(table, fmt::format("{} disk reads through the full path (64-byte DMA bursts)", top),
            disk);
  // The same reads with one bus grant per 4 KiB page: the DMA engine's bus
  // accesses are most of the work above (128 per read).
  progress("disk requests, one DMA burst per page");
  disk_rows(table, fmt::format("{} disk reads through the full path (4 KiB DMA bursts)", top),
            iosim("disk-page-dma", disk_reads_page_dma_scenario(top)));
  const std::string net_what = fmt::format("{} network requests", top);
  scenario_rows(table, net_what, net, std::nullopt, std::nullopt);
  table.add(row(net_what, "network requests per second",
                counter(net.report.at("devices"), "nic", "requests") / net.timed.seconds, "/s"));
}

void BenchRunner::disk_rows(BenchTable& table, const std::string& what, const IosimRun& run) {
  scenario_rows(table, what, run, Target::at_most(10, "< 10 s"), std::nullopt);
  table.add(row(what, "I/O requests per second (syscall to wake-up)",
                counter(run.report.at("devices"), "disk", "requests") / run.timed.seconds, "/s"));
  table.add(row(what, "bus accesses per read",
                counter(run.report.at("devices"), "bus", "requests") /
                    counter(run.report.at("devices"), "disk", "requests"),
                ""));
}

void BenchRunner::connection_sweeps(BenchTable& table) {
  const std::uint64_t top = config_.quick ? 1'000 : 100'000;
  IosimRun threads, tasks;
  table.add(
      sweep("threads", "threads, each a request", decades(10, top), threads_scenario, &threads));
  table.add(sweep("asyncio tasks", "tasks of one event loop, each a request", decades(10, top),
                  tasks_scenario, &tasks));
  scenario_rows(table, fmt::format("{} threads in one scenario", top), threads,
                Target::at_most(5, "< 5 s"), Target::at_most(kGiB, "< 1 GiB"));
  scenario_rows(table, fmt::format("{} asyncio tasks in one scenario", top), tasks,
                Target::at_most(5, "< 5 s"), Target::at_most(kGiB, "< 1 GiB"));
}

// The same work per core, 1 to 64 cores: the curve is linear when a core
// costs the same however many there are.
void BenchRunner::core_sweep(BenchTable& table) {
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t cores = 1; cores <= (config_.quick ? 8 : 64); cores *= 2)
    sizes.push_back(cores);
  table.add(sweep("cores", "cores, 8 threads of 500 bursts each per core", sizes, cores_scenario,
                  nullptr));
}

void BenchRunner::tracing(BenchTable& table) {
  const std::uint64_t threads = config_.quick ? 20 : 200;
  const std::string toml = traced_scenario(threads);
  const std::string what = fmt::format("tracing: {} threads computing and reading", threads);
  progress(what);
  const double none = iosim_median("traced-none", toml).timed.seconds;
  const double vcd =
      iosim_median("traced-vcd", toml, {"--vcd", config_.scratch + "/trace.vcd", "--no-gtkw"})
          .timed.seconds;
  const double perfetto =
      iosim_median("traced-perfetto", toml, {"--perfetto", config_.scratch + "/trace.json"})
          .timed.seconds;
  table.add(row(what, "time, no trace", none, "s"));
  table.add(row(what, "time, VCD", vcd, "s"));
  table.add(row(what, "time, Perfetto", perfetto, "s"));
  table.add(row(what, "VCD / no trace", vcd / none, "x", Target::at_most(3, "<= 3x")));
  table.add(row(what, "Perfetto / no trace", perfetto / none, "x", Target::at_most(2, "<= 2x")));
}

// Each graded case is one `iosim run` with the policy in a sandboxed child.
void BenchRunner::grading(BenchTable& table) {
  const std::string what = "grading with the out-of-process policy";
  const TimedRun help = run_timed({config_.iosim, "run", "--help"}, config_.scratch);
  if (help.out.find("--sandbox") == std::string::npos) {
    Row r = row(what, "cases graded per second", std::nan(""), "/s");
    r.shown = "n/a (no --sandbox yet)";
    table.add(r);
    return;
  }
  const int cases = config_.quick ? 3 : 20;
  progress(fmt::format("{}: {} cases", what, cases));
  // The policy library (tests/fixtures/lifo_policy.c) holds at most 64 ready tasks.
  const std::string toml = cpu_jobs_scenario(50, 2);
  double total = 0;
  for (int i = 0; i < cases; ++i)
    total += iosim("grading-case", toml, {"--sandbox", "--set", "kernel.policy=" + config_.policy})
                 .timed.seconds;
  table.add(row(what, "cases graded per second (50 jobs, 2 cores)", cases / total, "/s"));
}

void BenchRunner::micro(BenchTable& table) {
  progress("micro-benchmarks");
  const std::string min_time =
      config_.quick ? "--benchmark_min_time=0.01" : "--benchmark_min_time=0.2";
  const TimedRun run =
      run_timed({config_.micro, "--benchmark_format=json", min_time}, config_.scratch);
  if (run.status != 0) throw std::runtime_error("the micro-benchmarks failed:\n" + run.err);
  const nlohmann::json results = nlohmann::json::parse(run.out);
  for (const nlohmann::json& b : results.at("benchmarks")) {
    const double per_second = b.value("items_per_second", 0.0);
    table.add_micro(b.at("name").get<std::string>(), per_second > 0 ? 1e9 / per_second : 0);
  }
}

}  // namespace iosim::bench
