#include "grader/grader.h"

#include <stdlib.h>
#include <unistd.h>

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "grader/case_runner.h"
#include "grader/submission_build.h"
#include "grader/workload_generator.h"

namespace iosim::grader {
namespace {

namespace fs = std::filesystem;

// Scores are sums of products of decimals: round away the binary noise so the
// same grading prints the same digits.
double rounded(double x) {
  return std::round(x * 1e6) / 1e6;
}

// A private temporary folder, removed with everything in it.
class WorkDir {
 public:
  WorkDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/iosim-grade-XXXXXX";
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error(fmt::format("cannot make a temporary folder in {}", pattern));
    path_ = pattern;
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string submission_name(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return fs::is_directory(p) ? p.filename().string() : p.stem().string();
}

class Grading {
 public:
  Grading(const Assignment& a, const GradeOptions& o) : a_(a), o_(o) {}

  GradeResult run() {
    const auto start = std::chrono::steady_clock::now();
    GradeResult r;
    r.assignment = a_.name;
    r.title = a_.title;
    r.submission = submission_name(o_.submission);
    r.seed = o_.seed;
    r.practice = o_.practice;
    if (!build(r)) {
      r.status = "ungradable";
      skip_all(r, "not run: the submission could not be built");
    } else {
      grade_cases(r);
    }
    for (const CaseResult& c : r.cases) {
      if (r.practice && c.status == "skipped") continue;  // a practice run counts what it ran
      r.score += c.score;
      r.max_score += c.max_score;
    }
    r.score = rounded(r.score);
    r.max_score = rounded(r.max_score);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  }

 private:
  bool build(GradeResult& r) {
    if (!fs::is_directory(o_.submission)) {
      library_ = fs::absolute(o_.submission).lexically_normal().string();
      return true;
    }
    const std::string folder = work_.path() + "/build";
    fs::create_directories(folder);
    BuildResult b = build_submission(o_.submission, folder, a_.limits.build_timeout);
    if (!b.ok) {
      r.build_output = b.output;
      return false;
    }
    library_ = b.library;
    return true;
  }

  void skip_all(GradeResult& r, const std::string& why) {
    r.cases.clear();
    for (const CaseSpec& spec : a_.cases) {
      CaseResult c = skipped(spec, why);
      r.cases.push_back(std::move(c));
    }
  }

  static CaseResult skipped(const CaseSpec& spec, const std::string& why) {
    CaseResult c;
    c.name = spec.name;
    c.visibility = spec.visibility;
    c.max_score = spec.points;
    c.status = "skipped";
    c.message = why;
    for (const CheckSpec& check : spec.checks)
      c.checks.push_back({check.name, 0, check.points, false, why});
    return c;
  }

  void grade_cases(GradeResult& r) {
    r.cases.resize(a_.cases.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
      for (std::size_t i = next++; i < a_.cases.size(); i = next++)
        r.cases[i] = grade_case(a_.cases[i], i);
    };
    std::vector<std::thread> threads;
    for (int j = 1; j < o_.jobs && j < static_cast<int>(a_.cases.size()); ++j)
      threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads)
      t.join();
    r.status = "graded";
    for (const CaseResult& c : r.cases) {
      if (c.status != "load_error") continue;
      r.status = "ungradable";
      r.build_output = "the policy library does not load: " + c.message;
      skip_all(r, "not run: the policy library does not load");
      return;
    }
    leaderboard(r);
  }

  CaseResult grade_case(const CaseSpec& spec, std::size_t index) {
    if (o_.practice && spec.visibility != Visibility::kVisible)
      return skipped(spec, "not run in practice: runs when the submission is graded");
    if (o_.progress)
      o_.progress(fmt::format("case {}/{}: {}", index + 1, a_.cases.size(), spec.name));
    const auto start = std::chrono::steady_clock::now();
    RunRequest base;
    base.iosim = o_.iosim;
    base.deadline = a_.limits.case_timeout;
    if (spec.generate)
      base.scenario_text = case_scenario_text(spec, o_.seed);
    else
      base.scenario_path = spec.scenario;
    base.set = spec.set;
    const std::shared_ptr<const RunOutcome> ref = reference(base, spec.name);
    RunRequest sub = base;
    sub.policy = library_;
    sub.log_path = fmt::format("{}/{}-submission.jsonl", work_.path(), spec.name);
    if (o_.sandbox)
      sub.sandbox =
          SandboxLimits{a_.limits.policy_timeout, a_.limits.policy_memory, a_.limits.policy_cpu};
    const RunOutcome outcome = run_case(sub);
    CaseResult c = evaluate(spec, *ref, outcome);
    c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (outcome.record) {
      std::lock_guard lock(mutex_);
      reports_[spec.name] = outcome.record->report;
    }
    return c;
  }

  // The reference's run of a case, once per scenario and settings in a grading.
  std::shared_ptr<const RunOutcome> reference(const RunRequest& base, const std::string& name) {
    RunRequest ref = base;
    ref.set.insert(ref.set.end(), a_.reference.set.begin(), a_.reference.set.end());
    ref.policy = a_.reference.library.empty() ? a_.reference.policy : a_.reference.library;
    const std::string key = fmt::format("{}\n{}\n{}\n{}", ref.scenario_path, ref.scenario_text,
                                        ref.policy, fmt::join(ref.set, "\n"));
    {
      std::lock_guard lock(mutex_);
      if (auto it = references_.find(key); it != references_.end()) return it->second;
    }
    ref.log_path = fmt::format("{}/{}-reference.jsonl", work_.path(), name);
    auto outcome = std::make_shared<const RunOutcome>(run_case(ref));
    std::lock_guard lock(mutex_);
    return references_.emplace(key, outcome).first->second;
  }

  static CaseResult evaluate(const CaseSpec& spec, const RunOutcome& ref, const RunOutcome& sub) {
    if (!ref.failure.empty()) {
      CaseResult c = skipped(spec, "not run: the reference failed");
      c.status = "error";
      c.message = fmt::format("the reference's run failed ({}): {}", ref.failure, ref.message);
      return c;
    }
    if (!sub.failure.empty()) {
      CaseResult c = skipped(spec, fmt::format("not evaluated: the run failed ({})", sub.failure));
      c.status = sub.failure;
      c.message = sub.message;
      c.output = sub.output;
      return c;
    }
    if (auto wrong = invalid_pick(sub.record->log)) {
      // The kernel let it through, but the run went on from a decision it should not have.
      CaseResult c = skipped(spec, "not evaluated: the policy made an invalid decision");
      c.status = "invalid_decision";
      c.message = *wrong;
      c.output = sub.output;
      return c;
    }
    CaseResult c;
    c.name = spec.name;
    c.visibility = spec.visibility;
    c.output = sub.output;
    std::string first_failure;
    for (const CheckSpec& check : spec.checks) {
      CheckResult r = evaluate_check(check, *sub.record, *ref.record);
      r.score = rounded(r.score);
      c.score += r.score;
      c.max_score += r.max_score;
      if (!r.passed && first_failure.empty()) first_failure = r.name + ": " + r.message;
      c.checks.push_back(std::move(r));
    }
    c.score = rounded(c.score);
    c.max_score = rounded(c.max_score);
    const bool all = first_failure.empty();
    c.status = all ? "passed" : c.score > 0 ? "partial" : "failed";
    c.message = all ? fmt::format("all {} checks passed", c.checks.size()) : first_failure;
    return c;
  }

  void leaderboard(GradeResult& r) {
    for (const LeaderboardSpec& l : a_.leaderboard) {
      auto it = reports_.find(l.case_);
      if (it == reports_.end()) continue;
      std::vector<std::string> path;
      std::size_t start = 0;
      for (std::size_t dot; (dot = l.metric.find('.', start)) != std::string::npos; start = dot + 1)
        path.push_back(l.metric.substr(start, dot - start));
      path.push_back(l.metric.substr(start));
      if (auto v = json_number(it->second, path, nullptr))
        r.leaderboard.push_back({l.name, rounded(*v * l.scale), l.order});
    }
  }

  const Assignment& a_;
  const GradeOptions& o_;
  WorkDir work_;
  std::string library_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const RunOutcome>> references_;
  std::map<std::string, nlohmann::json> reports_;  // the submission's, by case
};

}  // namespace

std::string case_scenario_text(const CaseSpec& spec, std::optional<std::uint64_t> seed) {
  if (!spec.generate) return {};
  GeneratorSpec g = *spec.generate;
  if (seed) g.seed = mixed_seed(g.seed, *seed);
  return generate_scenario(g);
}

GradeResult grade(const Assignment& assignment, const GradeOptions& options) {
  return Grading(assignment, options).run();
}

}  // namespace iosim::grader
