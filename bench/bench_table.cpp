#include "bench/bench_table.h"

#include <fmt/format.h>

#include <cmath>

namespace iosim::bench {
namespace {

// NaN (a figure that could not be measured) as null: JSON has no NaN.
nlohmann::json number(double v) {
  return std::isnan(v) ? nlohmann::json() : nlohmann::json(v);
}

nlohmann::json points_json(const std::vector<SizePoint>& points) {
  nlohmann::json out = nlohmann::json::array();
  for (const SizePoint& p : points)
    out.push_back({{"n", p.n}, {"seconds", p.seconds}});
  return out;
}

}  // namespace

std::string human(double value, const std::string& unit) {
  if (std::isnan(value)) return "n/a";
  const double a = std::fabs(value);
  const bool per_second = unit == "/s";
  if (per_second && a >= 1e6) return fmt::format("{:.3g} M/s", value / 1e6);
  if (per_second && a >= 1e3) return fmt::format("{:.3g} k/s", value / 1e3);
  if (unit == "%") return fmt::format("{:.1f}%", value);
  if (unit == "x") return fmt::format("{:.2f}x", value);
  return fmt::format("{:.3g} {}", value, unit);
}

std::string BenchTable::verdict(const std::optional<Target>& target, double value) const {
  if (!target) return "-";
  if (!judging_) return "(quick run)";
  if (std::isnan(value)) return "n/a";
  return target->met(value) ? "ok" : "MISSED";
}

std::string BenchTable::text() const {
  constexpr const char* kRow = "{:<58} {:>26}  {:>12}  {}\n";
  std::string out =
      "Times are each run's CPU seconds (user + system), which are its wall time on an idle\n"
      "machine; every rate is per CPU second. Wall times are shown in brackets.\n\n" +
      fmt::format(kRow, "figure", "value", "target", "verdict");
  std::string section;
  for (const Row& r : rows_) {
    if (r.section != section) {
      section = r.section;
      out += fmt::format("-- {}\n", section);
    }
    out += fmt::format(kRow, r.figure, r.shown, r.target ? r.target->text : "-",
                       verdict(r.target, r.value));
  }
  out += "\n-- scaling (growth exponent: least-squares slope of log(time) over log(n))\n";
  for (const Sweep& s : sweeps_) {
    std::string curve;
    for (const SizePoint& p : s.points)
      curve += fmt::format("{}{:g}: {:.3g} s", curve.empty() ? "" : ", ", p.n, p.seconds);
    out += fmt::format(kRow, fmt::format("{} ({})", s.name, s.what),
                       fmt::format("exponent {:.2f}", s.exponent), s.target.text,
                       verdict(s.target, s.exponent));
    out += fmt::format("   {}\n", curve);
  }
  if (!micro_.empty()) {
    out += "\n-- micro-benchmarks (Google Benchmark, per item)\n";
    for (const Micro& m : micro_)
      out += fmt::format("{:<58} {:>26}\n", m.name, fmt::format("{:.1f} ns", m.ns));
  }
  return out;
}

nlohmann::json BenchTable::json() const {
  nlohmann::json rows = nlohmann::json::array();
  for (const Row& r : rows_) {
    nlohmann::json row = {{"section", r.section},     {"figure", r.figure},
                          {"value", number(r.value)}, {"unit", r.unit},
                          {"shown", r.shown},         {"verdict", verdict(r.target, r.value)}};
    row["target"] = r.target ? nlohmann::json(r.target->text) : nlohmann::json();
    rows.push_back(row);
  }
  nlohmann::json sweeps = nlohmann::json::array();
  for (const Sweep& s : sweeps_)
    sweeps.push_back({{"name", s.name},
                      {"n", s.what},
                      {"points", points_json(s.points)},
                      {"fitted", points_json(s.fitted)},
                      {"exponent", number(s.exponent)},
                      {"target", s.target.text},
                      {"verdict", verdict(s.target, s.exponent)}});
  nlohmann::json micro = nlohmann::json::array();
  for (const Micro& m : micro_)
    micro.push_back({{"name", m.name}, {"ns_per_item", m.ns}});
  return {{"rows", rows}, {"sweeps", sweeps}, {"micro", micro}};
}

int BenchTable::missed() const {
  int n = 0;
  for (const Row& r : rows_)
    n += verdict(r.target, r.value) == "MISSED";
  for (const Sweep& s : sweeps_)
    n += verdict(s.target, s.exponent) == "MISSED";
  return n;
}

}  // namespace iosim::bench
