// Runs the whole benchmark: the SystemC baseline, the scenario figures,
// the scaling sweeps, the tracing costs, the grading throughput and the
// micro-benchmarks, each program in its own child process, and fills a
// BenchTable. Every scenario is generated (scenario_generator.h) into a
// scratch directory, so the sizes are parameters.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_table.h"
#include "bench/timed_run.h"

namespace iosim::bench {

struct BenchConfig {
  std::string iosim;     // the iosim binary
  std::string baseline;  // iosim_systemc_baseline
  std::string micro;     // iosim_micro_bench
  std::string policy;    // a policy library, for the grading row
  std::string scratch;   // a directory for scenarios, traces and outputs
  bool quick = false;    // smaller sizes: a smoke run whose timings judge nothing
};

class BenchRunner {
 public:
  explicit BenchRunner(BenchConfig config) : config_(std::move(config)) {}

  // Runs everything, in the order the table shows it; progress on stderr.
  void run(BenchTable& table);

 private:
  struct IosimRun {
    TimedRun timed;
    nlohmann::json report;  // without its per-thread and per-process arrays
  };
  using Generator = std::string (*)(std::uint64_t);

  void baseline(BenchTable& table);
  void cpu_jobs(BenchTable& table);
  void io_sweeps(BenchTable& table);
  void disk_rows(BenchTable& table, const std::string& what, const IosimRun& run);
  void connection_sweeps(BenchTable& table);
  void core_sweep(BenchTable& table);
  void tracing(BenchTable& table);
  void grading(BenchTable& table);
  void micro(BenchTable& table);

  // One run per size, and the growth exponent; the largest size's run is
  // left in `largest` for the figure rows.
  Sweep sweep(const std::string& name, const std::string& what,
              const std::vector<std::uint64_t>& sizes, Generator scenario, IosimRun* largest);
  // Fits the sweep's growth exponent on the sizes large enough to show it.
  void fit(Sweep& sweep) const;
  // `iosim run FILE --json -q EXTRA...` on a generated scenario; throws
  // with iosim's stderr unless the run completed.
  IosimRun iosim(const std::string& label, const std::string& toml,
                 const std::vector<std::string>& extra = {});
  IosimRun iosim_median(const std::string& label, const std::string& toml,
                        const std::vector<std::string>& extra = {});
  // Wall time, peak memory, events per second (and as a share of what
  // SystemC does), and the cost of one event relative to SystemC's.
  void scenario_rows(BenchTable& table, const std::string& what, const IosimRun& run,
                     std::optional<Target> wall_target, std::optional<Target> rss_target);
  // Sizes from `from` to `to` by factors of ten (the quick run stops early).
  std::vector<std::uint64_t> decades(std::uint64_t from, std::uint64_t to) const;

  BenchConfig config_;
  double baseline_rate_ = 0;  // SystemC timed notifications per second
};

}  // namespace iosim::bench
