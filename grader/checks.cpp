#include "grader/checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "sim/units.h"

namespace iosim::grader {
namespace {

using Kind = Decision::Kind;

std::string when(Ns t) {
  return units::format_duration(t);
}

std::string names(const DecisionLog& log, const std::vector<std::uint64_t>& ids) {
  if (ids.empty()) return "none";
  std::string out;
  for (std::uint64_t id : ids)
    out += (out.empty() ? "" : ", ") + log.name(id);
  return out;
}

std::vector<std::string> split(const std::string& dotted) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = dotted.find('.', start);
    parts.push_back(dotted.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

Ns end_of(const RunRecord& run) {
  return run.report.value("sim_time_ns", Ns{0});
}

CheckResult scored(const CheckSpec& spec, double share, std::string message) {
  CheckResult r;
  r.name = spec.name;
  r.max_score = spec.points;
  r.score = spec.points * share;
  r.passed = share >= 1;
  r.message = std::move(message);
  return r;
}

CheckResult pass_fail(const CheckSpec& spec, bool passed, std::string message) {
  return scored(spec, passed ? 1 : 0, std::move(message));
}

// ---------------------------------------------------------------- each check

CheckResult check_valid(const CheckSpec& spec, const RunRecord& run) {
  if (auto wrong = invalid_pick(run.log)) return pass_fail(spec, false, *wrong);
  if (!run.report.contains("policy_fault")) return pass_fail(spec, true, "no invalid decision");
  const auto& f = run.report["policy_fault"];
  return pass_fail(spec, false,
                   fmt::format("{} at {}: {}", f.value("kind", "invalid_decision"),
                               when(f.value("time_ns", Ns{0})), f.value("message", "")));
}

CheckResult check_finishes(const CheckSpec& spec, const RunRecord& run) {
  std::vector<std::string> unfinished;
  std::size_t total = 0;
  for (const auto& t : run.report.value("threads", nlohmann::json::array())) {
    ++total;
    const std::string end = t.value("end", "");
    if (end != "finished" && end != "killed")
      unfinished.push_back(
          fmt::format("{}/{} ({})", t.value("process", ""), t.value("name", ""), end));
  }
  const std::string status = run.report.value("status", "");
  if (status == "completed" && unfinished.empty())
    return pass_fail(spec, true, fmt::format("all {} tasks finished", total));
  std::string list;
  for (std::size_t i = 0; i < unfinished.size() && i < 5; ++i)
    list += (i ? ", " : "") + unfinished[i];
  if (unfinished.size() > 5) list += fmt::format(" and {} more", unfinished.size() - 5);
  return pass_fail(
      spec, false,
      fmt::format("{} of {} tasks did not finish: the run ended ({}) at {}{}{}", unfinished.size(),
                  total, status, when(end_of(run)), list.empty() ? "" : "; ", list));
}

CheckResult check_work_conserving(const CheckSpec& spec, const RunRecord& run) {
  const IdleWhileReady idle = idle_while_ready(run.log, end_of(run));
  if (idle.longest <= spec.tolerance)
    return pass_fail(spec, true,
                     fmt::format("no core idled more than {} while a task was ready "
                                 "({} in all)",
                                 when(spec.tolerance), when(idle.total)));
  return pass_fail(spec, false,
                   fmt::format("core {} was idle for {} from {} while {} was ready and allowed "
                               "on it ({} in all; tolerance {} at a stretch)",
                               idle.core, when(idle.longest), when(idle.from),
                               run.log.name(idle.task), when(idle.total), when(spec.tolerance)));
}

CheckResult check_quantum(const CheckSpec& spec, const RunRecord& run) {
  if (auto problem = quantum_violation(run.log, spec.quanta, spec.boost))
    return pass_fail(spec, false, *problem);
  std::size_t slices = 0;
  for (const Decision& d : run.log.decisions)
    slices += d.kind == Kind::kSlice;
  return pass_fail(spec, true, fmt::format("all {} slices follow the quanta", slices));
}

CheckResult check_max_wait(const CheckSpec& spec, const RunRecord& run) {
  const LongestWait w = longest_wait(run.log, end_of(run));
  if (w.wait <= spec.bound)
    return pass_fail(
        spec, true,
        fmt::format("the longest wait was {} (bound {})", when(w.wait), when(spec.bound)));
  return pass_fail(
      spec, false,
      fmt::format("{} waited {} for a core from {}{} (bound {})", run.log.name(w.task),
                  when(w.wait), when(w.from), w.to_end ? ", still waiting when the run ended" : "",
                  when(spec.bound)));
}

std::string metric_text(const std::string& path, double value) {
  if (path.size() > 3 && path.ends_with("_ns")) return when(static_cast<Ns>(std::llround(value)));
  return fmt::format("{:.4g}", value);
}

CheckResult check_metric(const CheckSpec& spec, const RunRecord& sub, const RunRecord& ref) {
  std::string error;
  const auto path = split(spec.metric);
  const auto s = json_number(sub.report, path, &error);
  if (!s) return pass_fail(spec, false, fmt::format("the submission's {}", error));
  const auto r = json_number(ref.report, path, &error);
  if (!r) return pass_fail(spec, false, fmt::format("the reference's {}", error));
  double relative = *s == *r  ? 0.0
                    : *r != 0 ? (*s - *r) / std::fabs(*r)
                              : std::numeric_limits<double>::infinity();
  const double counted = spec.direction == "lower"    ? std::max(0.0, relative)
                         : spec.direction == "higher" ? std::max(0.0, -relative)
                                                      : std::fabs(relative);
  const double share = band_share(spec.bands, counted);
  return scored(spec, share,
                fmt::format("{} {}, the reference {} ({:+.1f}%): {} of the points", spec.metric,
                            metric_text(spec.metric, *s), metric_text(spec.metric, *r),
                            std::isfinite(relative) ? relative * 100 : 100.0,
                            share >= 1   ? std::string("all")
                            : share <= 0 ? std::string("none")
                                         : fmt::format("{:.0f}%", share * 100)));
}

CheckResult check_schedule(const CheckSpec& spec, const RunRecord& sub, const RunRecord& ref) {
  if (auto divergence = first_divergence(sub.log, ref.log, sub.report.value("status", "")))
    return pass_fail(spec, false, *divergence);
  std::size_t picks = 0;
  for (const Decision& d : sub.log.decisions)
    picks += d.kind == Kind::kPick;
  return pass_fail(spec, true, fmt::format("all {} picks match the reference", picks));
}

// What `schedule.x` means in an expression.
std::optional<double> schedule_value(const RunRecord& run, const std::string& name,
                                     std::string* error) {
  const Ns end = end_of(run);
  if (name == "max_wait_ns") return static_cast<double>(longest_wait(run.log, end).wait);
  if (name == "idle_while_ready_ns")
    return static_cast<double>(idle_while_ready(run.log, end).total);
  if (name == "longest_idle_ns") return static_cast<double>(idle_while_ready(run.log, end).longest);
  std::size_t n = 0;
  if (name == "picks") {
    for (const Decision& d : run.log.decisions)
      n += d.kind == Kind::kPick && d.task != kNoTask;
    return static_cast<double>(n);
  }
  if (name == "preemptions") {
    for (const Decision& d : run.log.decisions)
      n += d.kind == Kind::kEnd && d.why == "preempted";
    return static_cast<double>(n);
  }
  if (error)
    *error = fmt::format(
        "schedule.{} is unknown (expected max_wait_ns, idle_while_ready_ns, "
        "longest_idle_ns, picks or preemptions)",
        name);
  return std::nullopt;
}

std::optional<double> resolve(const RunRecord& sub, const RunRecord& ref,
                              const std::vector<std::string>& path, std::string* error) {
  const RunRecord* run = &sub;
  std::vector<std::string> rest = path;
  if (rest.size() > 1 && (rest[0] == "reference" || rest[0] == "submission")) {
    run = rest[0] == "reference" ? &ref : &sub;
    rest.erase(rest.begin());
  }
  if (rest[0] == "schedule") {
    if (rest.size() != 2) {
      if (error) *error = "schedule.NAME takes one name";
      return std::nullopt;
    }
    return schedule_value(*run, rest[1], error);
  }
  auto v = json_number(run->report, rest, error);
  if (!v && error && run == &ref) *error = "reference." + *error;
  return v;
}

CheckResult check_expr(const CheckSpec& spec, const RunRecord& sub, const RunRecord& ref) {
  std::string error;
  auto lookup = [&](const std::vector<std::string>& path, std::string* e) {
    return resolve(sub, ref, path, e);
  };
  const auto value = spec.expr->evaluate(lookup, &error);
  if (!value) return pass_fail(spec, false, fmt::format("cannot evaluate: {}", error));
  std::string values;
  for (const std::string& p : spec.expr->paths()) {
    if (values.find(p + " = ") != std::string::npos) continue;
    if (auto v = lookup(split(p), nullptr))
      values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", p, metric_text(p, *v));
  }
  const bool holds = *value != 0;
  return pass_fail(
      spec, holds,
      fmt::format("{}{}{}", holds ? "holds" : "does not hold", values.empty() ? "" : ": ", values));
}

// ---------------------------------------------------------------- schedule comparison

std::string describe(const DecisionLog& log, const Decision& d) {
  switch (d.kind) {
    case Kind::kPick:
      return d.task == kNoTask ? "picked nothing (the core went idle)"
                               : fmt::format("picked {}", log.name(d.task));
    case Kind::kSlice:
      return fmt::format("gave {} a {} slice", log.name(d.task),
                         d.slice_ns ? when(d.slice_ns) : std::string("unlimited"));
    case Kind::kEnd:
      return fmt::format("saw {} leave the core ({})", log.name(d.task), d.why);
    case Kind::kReady:
      break;
  }
  return "?";
}

bool same(const Decision& a, const Decision& b) {
  if (a.kind != b.kind || a.t != b.t || a.core != b.core || a.task != b.task) return false;
  if (a.kind == Kind::kSlice) return a.slice_ns == b.slice_ns;
  if (a.kind == Kind::kEnd) return a.why == b.why;
  return true;
}

std::vector<const Decision*> schedule_of(const DecisionLog& log) {
  std::vector<const Decision*> out;
  for (const Decision& d : log.decisions)
    if (d.kind != Kind::kReady) out.push_back(&d);
  return out;
}

}  // namespace

// ---------------------------------------------------------------- measurements

LongestWait longest_wait(const DecisionLog& log, Ns end) {
  LongestWait longest;
  std::map<std::uint64_t, Ns> since;  // waiting tasks, ordered: ties go to the lower id
  auto consider = [&](std::uint64_t task, Ns from, Ns to, bool to_end) {
    if (to - from > longest.wait) longest = {to - from, task, from, to_end};
  };
  for (const Decision& d : log.decisions) {
    if (d.kind == Kind::kReady) since.emplace(d.task, d.t);
    if (d.kind != Kind::kPick || d.task == kNoTask) continue;
    auto it = since.find(d.task);
    if (it == since.end()) continue;
    consider(d.task, it->second, d.t, false);
    since.erase(it);
  }
  for (const auto& [task, from] : since)
    consider(task, from, std::max(end, from), true);
  return longest;
}

IdleWhileReady idle_while_ready(const DecisionLog& log, Ns end) {
  IdleWhileReady out;
  std::set<std::uint64_t> waiting;
  std::map<int, Ns> idle_since;  // cores whose last pick returned nothing
  std::map<int, Ns> stretch;     // cores idle while a task waits: since when
  std::map<int, std::uint64_t> example;
  auto waiting_for = [&](int core) -> std::uint64_t {
    for (std::uint64_t task : waiting)
      if (log.allowed(task, core)) return task;
    return kNoTask;
  };
  auto close = [&](int core, Ns t) {
    auto it = stretch.find(core);
    if (it == stretch.end()) return;
    const Ns length = t - it->second;
    out.total += length;
    if (length > out.longest) out = {out.total, length, core, it->second, example[core]};
    stretch.erase(it);
  };
  for (const Decision& d : log.decisions) {
    if (d.kind == Kind::kReady) waiting.insert(d.task);
    if (d.kind == Kind::kPick) {
      waiting.erase(d.task);
      if (d.task == kNoTask)
        idle_since.emplace(d.core, d.t);
      else
        idle_since.erase(d.core);
    }
    for (const auto& [core, since] : idle_since) {
      const std::uint64_t task = waiting_for(core);
      if (task == kNoTask) {
        close(core, d.t);
      } else if (!stretch.count(core)) {
        stretch[core] = d.t;
        example[core] = task;
      }
    }
    for (auto it = stretch.begin(); it != stretch.end();) {
      const int core = (it++)->first;
      if (!idle_since.count(core)) close(core, d.t);
    }
  }
  while (!stretch.empty())
    close(stretch.begin()->first, std::max(end, stretch.begin()->second));
  return out;
}

std::optional<std::string> invalid_pick(const DecisionLog& log) {
  for (const Decision& d : log.decisions) {
    if (d.kind != Kind::kPick || d.task == kNoTask) continue;
    if (std::find(d.ready.begin(), d.ready.end(), d.task) != d.ready.end()) continue;
    return fmt::format(
        "at {} on core {}, the policy picked {}, which was not ready to be picked "
        "(ready: {})",
        when(d.t), d.core, log.name(d.task), names(log, d.ready));
  }
  return std::nullopt;
}

std::optional<std::string> quantum_violation(const DecisionLog& log, const std::vector<Ns>& quanta,
                                             Ns boost) {
  std::map<int, Ns> picked_at;  // per core: its last pick
  struct Last {
    Ns slice;
    std::int64_t period;
  };
  std::map<std::uint64_t, Last> last;  // per task: its last slice at dispatch
  std::string list;
  for (Ns q : quanta)
    list += (list.empty() ? "" : ", ") + when(q);
  for (const Decision& d : log.decisions) {
    if (d.kind == Kind::kPick) picked_at[d.core] = d.t;
    if (d.kind != Kind::kSlice) continue;
    const std::string who = log.name(d.task);
    if (std::find(quanta.begin(), quanta.end(), d.slice_ns) == quanta.end())
      return fmt::format("at {} on core {}, {} got a {} slice; the quanta are {}", when(d.t),
                         d.core, who, d.slice_ns ? when(d.slice_ns) : std::string("unlimited"),
                         list);
    if (d.renew) continue;
    const Ns at = picked_at.count(d.core) ? picked_at[d.core] : d.t;
    const std::int64_t period = boost > 0 && at > 0 ? at / boost : 0;
    auto it = last.find(d.task);
    const bool fresh = it == last.end() || it->second.period != period;
    if (fresh && d.slice_ns != quanta.front())
      return fmt::format(
          "at {} on core {}, {} got a {} slice, but {} is on the top level then{} "
          "and its quantum is {}",
          when(d.t), d.core, who, when(d.slice_ns), who,
          it == last.end() ? " (it had not run yet)" : " (after a boost)", when(quanta.front()));
    if (!fresh && d.slice_ns < it->second.slice)
      return fmt::format(
          "at {} on core {}, {} got a {} slice after a {} one: between boosts a "
          "task never moves up a level",
          when(d.t), d.core, who, when(d.slice_ns), when(it->second.slice));
    last[d.task] = {d.slice_ns, period};
  }
  return std::nullopt;
}

std::optional<std::string> first_divergence(const DecisionLog& sub, const DecisionLog& ref,
                                            const std::string& submission_status) {
  const auto a = schedule_of(sub), b = schedule_of(ref);
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && same(*a[i], *b[i]))
    ++i;
  if (i == a.size() && i == b.size()) return std::nullopt;
  if (i == a.size())
    return fmt::format(
        "the submission's run ended ({}) after {} matching decisions; the "
        "reference's goes on: at {} on core {} it {}",
        submission_status, i, when(b[i]->t), b[i]->core, describe(ref, *b[i]));
  if (i == b.size())
    return fmt::format(
        "after {} matching decisions the reference's run ended, but at {} on core "
        "{} the submission {}",
        i, when(a[i]->t), a[i]->core, describe(sub, *a[i]));
  const Decision& x = *a[i];
  const Decision& y = *b[i];
  std::string ready;
  if (x.kind == Kind::kPick) ready = fmt::format("; ready: {}", names(sub, x.ready));
  if (x.t == y.t && x.core == y.core)
    return fmt::format("at {} on core {}, the submission {} where the reference {}{}", when(x.t),
                       x.core, describe(sub, x), describe(ref, y), ready);
  return fmt::format(
      "the schedules part after {} matching decisions: next, the submission {} "
      "(at {} on core {}){}, the reference {} (at {} on core {})",
      i, describe(sub, x), when(x.t), x.core, ready, describe(ref, y), when(y.t), y.core);
}

double band_share(const std::vector<Band>& bands, double relative) {
  for (const Band& b : bands)
    if (relative <= b.limit + 1e-12) return b.share;
  return 0;
}

std::optional<double> json_number(const nlohmann::json& doc, const std::vector<std::string>& path,
                                  std::string* error) {
  const nlohmann::json* node = &doc;
  std::string so_far;
  for (const std::string& part : path) {
    so_far += (so_far.empty() ? "" : ".") + part;
    if (node->is_object() && node->contains(part)) {
      node = &(*node)[part];
    } else if (node->is_array() && !part.empty() &&
               part.find_first_not_of("0123456789") == std::string::npos &&
               std::stoull(part) < node->size()) {
      node = &(*node)[std::stoull(part)];
    } else {
      if (error) *error = fmt::format("{} is not in the report", so_far);
      return std::nullopt;
    }
  }
  if (node->is_number()) return node->get<double>();
  if (node->is_boolean()) return node->get<bool>() ? 1.0 : 0.0;
  if (error) *error = fmt::format("{} is {}", so_far, node->is_null() ? "null" : "not a number");
  return std::nullopt;
}

CheckResult evaluate_check(const CheckSpec& spec, const RunRecord& sub, const RunRecord& ref) {
  switch (spec.kind) {
    case CheckKind::kValid:
      return check_valid(spec, sub);
    case CheckKind::kFinishes:
      return check_finishes(spec, sub);
    case CheckKind::kWorkConserving:
      return check_work_conserving(spec, sub);
    case CheckKind::kQuantum:
      return check_quantum(spec, sub);
    case CheckKind::kMaxWait:
      return check_max_wait(spec, sub);
    case CheckKind::kMetric:
      return check_metric(spec, sub, ref);
    case CheckKind::kSchedule:
      return check_schedule(spec, sub, ref);
    case CheckKind::kExpr:
      return check_expr(spec, sub, ref);
  }
  return pass_fail(spec, false, "unknown check");
}

}  // namespace iosim::grader
