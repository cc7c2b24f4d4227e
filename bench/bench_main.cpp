// iosim_bench: runs every benchmark of issue 8 and prints one table (figure,
// value, target, verdict) and the scaling exponents; writes the same as JSON.
// scripts/bench.sh builds it in Release and runs it.
//
//   iosim_bench [--quick] [--json FILE] [--scratch DIR]
//
// Exit status: 0 when every target is met (a --quick run judges none), 1
// when one is missed, 2 when a benchmark could not run.
#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/bench_runner.h"
#include "bench/bench_table.h"

namespace {

// What the figures were measured on, for docs/performance.md.
nlohmann::json machine() {
  std::string model = "unknown";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  utsname u{};
  uname(&u);
  return {{"cpu", model},
          {"cpus", sysconf(_SC_NPROCESSORS_ONLN)},
          {"kernel", fmt::format("{} {}", u.sysname, u.release)}};
}

}  // namespace

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  CLI::App app{"iosim_bench: iosim's benchmarks, against the targets of issue 8"};
  iosim::bench::BenchConfig config{
      IOSIM_BENCH_IOSIM, IOSIM_BENCH_BASELINE, IOSIM_BENCH_MICRO, IOSIM_BENCH_POLICY, "", false};
  std::string json_path = "bench-results.json";
  app.add_flag("--quick", config.quick, "small sizes: a smoke run (timings judge nothing)");
  app.add_option("--json", json_path, "where to write the results as JSON");
  app.add_option("--scratch", config.scratch, "a directory for scenarios and traces");
  CLI11_PARSE(app, argc, argv);

  namespace fs = std::filesystem;
  const bool own_scratch = config.scratch.empty();
  if (own_scratch) {
    std::string pattern = (fs::temp_directory_path() / "iosim-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::perror("iosim_bench: mkdtemp");
      return 2;
    }
    config.scratch = pattern;
  }
  iosim::bench::BenchTable table;
  if (config.quick) table.judge_nothing();
  try {
    iosim::bench::BenchRunner(config).run(table);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim_bench: %s\n", e.what());
    return 2;
  }
  if (own_scratch) fs::remove_all(config.scratch);

  std::fputs(table.text().c_str(), stdout);
  nlohmann::json out = table.json();
  out["machine"] = machine();
  out["quick"] = config.quick;
  std::ofstream(json_path) << out.dump(2) << "\n";
  std::printf("\nresults written to %s\n", json_path.c_str());
  return table.missed() > 0 ? 1 : 0;
}
