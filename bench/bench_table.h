// What the benchmark found: one row per figure (with its target and
// verdict), one curve per scaling sweep (with its growth exponent), printed
// as a table and written as JSON for docs/performance.md.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "bench/growth_fit.h"

namespace iosim::bench {

// A target a figure is held to: "at most" or "at least" a limit.
struct Target {
  enum class Kind { kAtMost, kAtLeast } kind;
  double limit;
  std::string text;  // as the table shows it, e.g. "< 2 s"

  static Target at_most(double limit, std::string text) {
    return {Kind::kAtMost, limit, std::move(text)};
  }
  bool met(double value) const { return kind == Kind::kAtMost ? value <= limit : value >= limit; }
};

struct Row {
  std::string section;  // "scenarios", "tracing", ...
  std::string figure;
  double value = 0;
  std::string unit;   // "s", "MiB", "/s", "x"...
  std::string shown;  // value as printed, with its unit and any note
  std::optional<Target> target;
};

struct Sweep {
  std::string name;  // "threads", "disk requests"...
  std::string what;  // what n counts
  std::vector<SizePoint> points;
  std::vector<SizePoint> fitted;  // the points the exponent is fitted on
  double exponent = 0;
  Target target = Target::at_most(1.1, "<= 1.1");
};

class BenchTable {
 public:
  // A quick run's sizes are too small to hold anything to its target.
  void judge_nothing() { judging_ = false; }
  void add(Row row) { rows_.push_back(std::move(row)); }
  void add(Sweep sweep) { sweeps_.push_back(std::move(sweep)); }
  void add_micro(std::string name, double ns_per_item) {
    micro_.push_back({std::move(name), ns_per_item});
  }

  // The table (figure, value, target, verdict), then the sweeps, then the
  // micro-benchmarks.
  std::string text() const;
  nlohmann::json json() const;
  // Targets missed (none when nothing is judged).
  int missed() const;

 private:
  struct Micro {
    std::string name;
    double ns;
  };
  std::string verdict(const std::optional<Target>& target, double value) const;

  bool judging_ = true;
  std::vector<Row> rows_;
  std::vector<Sweep> sweeps_;
  std::vector<Micro> micro_;
};

// "1.23 s", "12.3 M/s", "456 MiB": three significant figures, a unit.
std::string human(double value, const std::string& unit);

}  // namespace iosim::bench
