// Each check on crafted decision logs and reports, where the right answer can
// be worked out by hand (the comments do).
#include "grader/checks.h"

#include <gtest/gtest.h>

#include <string>

namespace iosim::grader {
namespace {

using Json = nlohmann::json;
constexpr Ns kMsNs = 1'000'000;

DecisionLog log_of(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines)
    text += line + "\n";
  std::string error;
  auto log = parse_decision_log(text, &error);
  EXPECT_TRUE(log) << error;
  return log ? *log : DecisionLog{};
}

std::string ready(Ns t, int task, const char* name = nullptr, std::uint64_t affinity = 0) {
  std::string line = R"({"t":)" + std::to_string(t) + R"(,"ev":"ready","task":)" +
                     std::to_string(task) + R"(,"reason":"arrived")";
  if (name) line += std::string(R"(,"name":")") + name + "\"";
  if (affinity) line += R"(,"affinity":)" + std::to_string(affinity);
  return line + "}";
}
std::string pick(Ns t, int core, int task, const std::string& ready_set) {
  return R"({"t":)" + std::to_string(t) + R"(,"ev":"pick","core":)" + std::to_string(core) +
         R"(,"task":)" + (task < 0 ? std::string("null") : std::to_string(task)) + R"(,"ready":[)" +
         ready_set + "]}";
}
std::string slice(Ns t, int core, int task, Ns ns, bool renew = false) {
  return R"({"t":)" + std::to_string(t) + R"(,"ev":"slice","core":)" + std::to_string(core) +
         R"(,"task":)" + std::to_string(task) + R"(,"slice_ns":)" + std::to_string(ns) +
         R"(,"renew":)" + (renew ? "true" : "false") + "}";
}
std::string end(Ns t, int core, int task, Ns start, const char* why) {
  return R"({"t":)" + std::to_string(t) + R"(,"ev":"end","core":)" + std::to_string(core) +
         R"(,"task":)" + std::to_string(task) + R"(,"start":)" + std::to_string(start) +
         R"(,"why":")" + why + "\"}";
}

// Two tasks on one core, round robin with 10 ms slices: a runs 0-10, b 10-20, a 20-25 (exit), b
// 25-30.
std::vector<std::string> round_robin() {
  return {ready(0, 0, "p/a"),
          ready(0, 1, "p/b"),
          pick(0, 0, 0, "0,1"),
          slice(0, 0, 0, 10 * kMsNs),
          end(10 * kMsNs, 0, 0, 0, "preempted"),
          ready(10 * kMsNs, 0),
          pick(10 * kMsNs, 0, 1, "0,1"),
          slice(10 * kMsNs, 0, 1, 10 * kMsNs),
          end(20 * kMsNs, 0, 1, 10 * kMsNs, "preempted"),
          ready(20 * kMsNs, 1),
          pick(20 * kMsNs, 0, 0, "0,1"),
          slice(20 * kMsNs, 0, 0, 10 * kMsNs),
          end(25 * kMsNs, 0, 0, 20 * kMsNs, "exit"),
          pick(25 * kMsNs, 0, 1, "1"),
          slice(25 * kMsNs, 0, 1, 10 * kMsNs),
          end(30 * kMsNs, 0, 1, 25 * kMsNs, "exit"),
          pick(30 * kMsNs, 0, -1, "")};
}

RunRecord run_of(const std::vector<std::string>& lines, Json report = Json::object()) {
  if (!report.contains("sim_time_ns")) report["sim_time_ns"] = 30 * kMsNs;
  if (!report.contains("status")) report["status"] = "completed";
  return RunRecord{report, log_of(lines)};
}

CheckSpec spec(CheckKind kind) {
  CheckSpec s;
  s.kind = kind;
  s.name = check_kind_name(kind);
  s.points = 2;
  return s;
}

TEST(ChecksTest, TheLongestWaitRunsFromReadyToPick) {
  // b waits 0-10 ms, a waits 10-20 ms, b 20-25 ms: the first is the longest (ties go to the
  // earlier).
  const LongestWait w = longest_wait(log_of(round_robin()), 30 * kMsNs);
  EXPECT_EQ(w.wait, 10 * kMsNs);
  EXPECT_EQ(w.task, 1u);
  EXPECT_EQ(w.from, 0);
  EXPECT_FALSE(w.to_end);
}

TEST(ChecksTest, ATaskNeverPickedWaitsUntilTheEnd) {
  const LongestWait w = longest_wait(
      log_of({ready(0, 0, "p/a"), ready(5, 1, "p/starved"), pick(5, 0, 0, "0,1")}), 1000);
  EXPECT_EQ(w.wait, 995);
  EXPECT_EQ(w.task, 1u);
  EXPECT_TRUE(w.to_end);
}

TEST(ChecksTest, AnIdleCoreCountsOnlyWhileATaskItMayRunWaits) {
  // Two cores. Task 0 may run on core 0 only: core 1 idling beside it is no fault. Task 1
  // (anywhere) is ready from 100 ns, and core 1 stays idle until its next pick at 5000 ns.
  const DecisionLog log =
      log_of({ready(0, 0, "p/pinned", 1), pick(1, 1, -1, "0"), ready(100, 1, "p/free"),
              pick(5000, 1, 1, "0,1"), pick(6000, 0, 0, "0")});
  const IdleWhileReady idle = idle_while_ready(log, 10000);
  EXPECT_EQ(idle.total, 4900);
  EXPECT_EQ(idle.longest, 4900);
  EXPECT_EQ(idle.core, 1);
  EXPECT_EQ(idle.from, 100);
  EXPECT_EQ(idle.task, 1u);
}

TEST(ChecksTest, WorkConservationForgivesStretchesWithinTheTolerance) {
  const std::vector<std::string> lines{ready(0, 0, "p/a"), pick(0, 0, -1, "0"),
                                       pick(3000, 0, 0, "0")};
  CheckSpec s = spec(CheckKind::kWorkConserving);
  s.tolerance = 3000;
  EXPECT_TRUE(evaluate_check(s, run_of(lines), run_of({})).passed);
  s.tolerance = 2999;
  const CheckResult r = evaluate_check(s, run_of(lines), run_of({}));
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.score, 0);
  EXPECT_EQ(r.message,
            "core 0 was idle for 3.000 us from 0 ns while p/a was ready and allowed on "
            "it (3.000 us in all; tolerance 2.999 us at a stretch)");
}

TEST(ChecksTest, SlicesMustBeQuantaStartOnTopAndNeverShrinkBetweenBoosts) {
  const std::vector<Ns> quanta{10, 20, 40};
  // a: 10 then 20 then 20 then (after the boost at 100) 10: fine; a renewal of 40 is fine too.
  const std::vector<std::string> good{
      ready(0, 0, "p/a"),   pick(0, 0, 0, "0"),        slice(0, 0, 0, 10),  pick(10, 0, 0, "0"),
      slice(10, 0, 0, 20),  slice(30, 0, 0, 40, true), pick(70, 0, 0, "0"), slice(70, 0, 0, 20),
      pick(100, 0, 0, "0"), slice(101, 0, 0, 10)};
  EXPECT_EQ(quantum_violation(log_of(good), quanta, 100), std::nullopt);

  auto with = [&](std::vector<std::string> lines, std::size_t at, std::string line) {
    lines[at] = std::move(line);
    return quantum_violation(log_of(lines), quanta, 100).value_or("(none)");
  };
  EXPECT_EQ(with(good, 2, slice(0, 0, 0, 11)),
            "at 0 ns on core 0, p/a got a 11 ns slice; the quanta are 10 ns, 20 ns, 40 ns");
  EXPECT_EQ(with(good, 2, slice(0, 0, 0, 20)),
            "at 0 ns on core 0, p/a got a 20 ns slice, but p/a is on the top level then (it had "
            "not run yet) and its quantum is 10 ns");
  EXPECT_EQ(with(good, 7, slice(70, 0, 0, 10)),
            "at 70 ns on core 0, p/a got a 10 ns slice after a 20 ns one: between boosts a task "
            "never moves up a level");
  EXPECT_EQ(with(good, 9, slice(101, 0, 0, 20)),
            "at 101 ns on core 0, p/a got a 20 ns slice, but p/a is on the top level then (after "
            "a boost) and its quantum is 10 ns");
  EXPECT_EQ(quantum_violation(log_of(good), quanta, 0).value_or("(none)"),
            "at 101 ns on core 0, p/a got a 10 ns slice after a 20 ns one: between boosts a task "
            "never moves up a level")
      << "without a boost, the last slice is a move up";
}

TEST(ChecksTest, WithoutABoostASliceThatShrinksIsAMoveUp) {
  const std::vector<std::string> lines{
      ready(0, 0, "p/a"),  pick(0, 0, 0, "0"),    slice(0, 0, 0, 10),   pick(10, 0, 0, "0"),
      slice(10, 0, 0, 20), pick(2000, 0, 0, "0"), slice(2000, 0, 0, 10)};
  EXPECT_EQ(quantum_violation(log_of(lines), {10, 20}, 1000), std::nullopt);
  EXPECT_NE(quantum_violation(log_of(lines), {10, 20}, 0), std::nullopt);
}

TEST(ChecksTest, TheSameScheduleHasNoDivergence) {
  EXPECT_EQ(first_divergence(log_of(round_robin()), log_of(round_robin()), "completed"),
            std::nullopt);
}

TEST(ChecksTest, TheFirstDivergenceNamesTimeCoreChoicesAndReadySet) {
  std::vector<std::string> other = round_robin();
  other[6] = pick(10 * kMsNs, 0, 0, "0,1");  // picks a again where the reference picks b
  EXPECT_EQ(first_divergence(log_of(other), log_of(round_robin()), "completed"),
            "at 10.000 ms on core 0, the submission picked p/a where the reference picked p/b; "
            "ready: p/a, p/b");
}

TEST(ChecksTest, ADivergenceInTimeOrSliceIsShownBothWays) {
  std::vector<std::string> longer = round_robin();
  longer[3] = slice(0, 0, 0, 20 * kMsNs);
  EXPECT_EQ(first_divergence(log_of(longer), log_of(round_robin()), "completed"),
            "at 0 ns on core 0, the submission gave p/a a 20.000 ms slice where the reference "
            "gave p/a a 10.000 ms slice");
  std::vector<std::string> early = round_robin();
  early[4] = end(5 * kMsNs, 0, 0, 0, "preempted");
  EXPECT_EQ(first_divergence(log_of(early), log_of(round_robin()), "completed"),
            "the schedules part after 2 matching decisions: next, the submission saw p/a leave "
            "the core (preempted) (at 5.000 ms on core 0), the reference saw p/a leave the core "
            "(preempted) (at 10.000 ms on core 0)");
}

TEST(ChecksTest, AScheduleThatStopsEarlyIsADivergence) {
  std::vector<std::string> cut = round_robin();
  cut.resize(5);
  EXPECT_EQ(first_divergence(log_of(cut), log_of(round_robin()), "policy_fault"),
            "the submission's run ended (policy_fault) after 3 matching decisions; the "
            "reference's goes on: at 10.000 ms on core 0 it picked p/b");
}

TEST(ChecksTest, BandsGiveTheShareOfTheFirstLimitNotExceeded) {
  const std::vector<Band> bands{{0.05, 1.0}, {0.15, 0.5}};
  EXPECT_EQ(band_share(bands, 0.0), 1.0);
  EXPECT_EQ(band_share(bands, 0.05), 1.0);
  EXPECT_EQ(band_share(bands, 0.10), 0.5);
  EXPECT_EQ(band_share(bands, 0.16), 0.0);
}

TEST(ChecksTest, AMetricIsComparedByRelativeDifferenceInItsDirection) {
  CheckSpec s = spec(CheckKind::kMetric);
  s.metric = "metrics.avg_turnaround_ns";
  s.bands = {{0.05, 1.0}, {0.15, 0.5}};
  auto score = [&](double submission, const std::string& direction) {
    s.direction = direction;
    const RunRecord sub = run_of({}, {{"metrics", {{"avg_turnaround_ns", submission}}}});
    const RunRecord ref = run_of({}, {{"metrics", {{"avg_turnaround_ns", 100e6}}}});
    return evaluate_check(s, sub, ref);
  };
  EXPECT_EQ(score(110e6, "both").score, 1) << "10% off: half of 2 points";
  EXPECT_EQ(score(80e6, "both").score, 0) << "20% off";
  EXPECT_EQ(score(80e6, "lower").score, 2) << "lower is better, and 80 ms is lower";
  EXPECT_EQ(score(120e6, "higher").score, 2) << "higher is better, and 120 ms is higher";
  EXPECT_EQ(score(110e6, "both").message,
            "metrics.avg_turnaround_ns 110.000 ms, the reference 100.000 ms (+10.0%): 50% of the "
            "points");
  const CheckResult missing = evaluate_check(s, run_of({}), run_of({}));
  EXPECT_FALSE(missing.passed);
  EXPECT_EQ(missing.message, "the submission's metrics is not in the report");
}

TEST(ChecksTest, FinishingNeedsACompletedRunAndEveryThread) {
  const Json report = {{"status", "sim_time_limit"},
                       {"sim_time_ns", 60 * 1'000'000'000LL},
                       {"threads",
                        {{{"name", "a"}, {"process", "p"}, {"end", "finished"}},
                         {{"name", "b"}, {"process", "p"}, {"end", "ready"}}}}};
  const CheckResult r = evaluate_check(spec(CheckKind::kFinishes), run_of({}, report), run_of({}));
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.message,
            "1 of 2 tasks did not finish: the run ended (sim_time_limit) at 60.000 s; p/b (ready)");
  Json done = report;
  done["status"] = "completed";
  done["threads"][1]["end"] = "killed";  // a daemon
  EXPECT_TRUE(evaluate_check(spec(CheckKind::kFinishes), run_of({}, done), run_of({})).passed);
}

TEST(ChecksTest, APolicyFaultFailsTheValidityCheckWithItsKind) {
  const Json report = {
      {"policy_fault", {{"kind", "invalid_decision"}, {"time_ns", 2000}, {"message", "m"}}}};
  const CheckResult r = evaluate_check(spec(CheckKind::kValid), run_of({}, report), run_of({}));
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.message, "invalid_decision at 2.000 us: m");
  EXPECT_TRUE(evaluate_check(spec(CheckKind::kValid), run_of({}), run_of({})).passed);
}

TEST(ChecksTest, PickingATaskAnotherCoreJustPickedIsInvalid) {
  // Core 1 picks a at 0; core 0 asks during core 1's context switch and gets a again: the
  // kernel still counts a as ready, but the log's ready set for core 0 no longer holds it.
  const std::vector<std::string> lines{ready(0, 0, "p/a"), ready(0, 1, "p/b"), pick(0, 1, 0, "0,1"),
                                       pick(11, 0, 0, "1")};
  EXPECT_EQ(invalid_pick(log_of(lines)),
            "at 11 ns on core 0, the policy picked p/a, which was not ready to be picked (ready: "
            "p/b)");
  EXPECT_FALSE(evaluate_check(spec(CheckKind::kValid), run_of(lines), run_of({})).passed);
  EXPECT_EQ(invalid_pick(log_of(round_robin())), std::nullopt);
}

TEST(ChecksTest, AnExpressionSeesBothReportsAndTheSchedule) {
  CheckSpec s = spec(CheckKind::kExpr);
  ExpressionError error;
  s.expr =
      Expression::parse("schedule.max_wait_ns <= 10ms and metrics.x < reference.metrics.x", &error);
  const RunRecord sub = run_of(round_robin(), {{"metrics", {{"x", 1}}}});
  const RunRecord ref = run_of({}, {{"metrics", {{"x", 2}}}});
  const CheckResult r = evaluate_check(s, sub, ref);
  EXPECT_TRUE(r.passed) << r.message;
  EXPECT_EQ(r.message,
            "holds: schedule.max_wait_ns = 10.000 ms, metrics.x = 1, reference.metrics.x = 2");
  s.expr = Expression::parse("schedule.nothing > 0", &error);
  EXPECT_EQ(evaluate_check(s, sub, ref).message,
            "cannot evaluate: schedule.nothing is unknown (expected max_wait_ns, "
            "idle_while_ready_ns, longest_idle_ns, picks or preemptions)");
}

TEST(ChecksTest, JsonNumbersFollowDottedPaths) {
  const Json doc = {
      {"threads", {{{"cpu_ns", 5}}, {{"cpu_ns", 7}}}}, {"flag", true}, {"n", nullptr}};
  std::string error;
  EXPECT_EQ(json_number(doc, {"threads", "1", "cpu_ns"}, &error), 7);
  EXPECT_EQ(json_number(doc, {"flag"}, &error), 1);
  EXPECT_FALSE(json_number(doc, {"n"}, &error));
  EXPECT_EQ(error, "n is null");
  EXPECT_FALSE(json_number(doc, {"threads", "2", "cpu_ns"}, &error));
  EXPECT_EQ(error, "threads.2 is not in the report");
}

}  // namespace
}  // namespace iosim::grader
