// A zero-cost reference kernel for scheduling policies: no SystemC, no
// devices, no context-switch or interrupt costs. It runs CPU-only jobs on N
// cores under any sched::Policy, calling it the way the kernel does, and
// records who ran where and when, so a test can check a textbook schedule
// computed by hand (OSTEP chapters 7-9).
//
// The rules, at each instant t, in this order:
//  1. Jobs whose CPU is done exit: policy.exit(), the core is idle.
//  2. Slices that end at t: if any task is ready the running one is preempted
//     (enqueue PREEMPTED, the core is idle); otherwise the policy is asked
//     for a new slice (timeslice_ns) and the job runs on.
//  3. If `tick` > 0 and t is a multiple of it: policy.tick() for every busy
//     core, in core order; yes preempts (enqueue PREEMPTED).
//  4. Jobs that arrive at t, in the order given: enqueue ARRIVED. If no idle
//     core may run the new job, preempt() is asked core by core (0..n-1) for
//     the busy cores; the first yes preempts that core.
//  5. Every idle core, in core order, picks; the harness checks the choice
//     (ready, allowed on the core), which the kernel treats as a policy fault,
//     and asks timeslice_ns for the slice (0 = until the job ends).
// A job's cpu_ns is exact at every call. Times are in nanoseconds.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/policies/affinity.h"
#include "kernel/scheduler.h"
#include "sim/ns.h"

namespace iosim::testing {

struct Job {
  std::string name;
  Ns arrival = 0;
  Ns length = 0;  // CPU time it needs, > 0
  int priority = 0;
  int nice = 0;
  std::uint32_t tickets = 100;
  Ns expected = 0;  // declared length for SJF/SRTF (0 = undeclared)
  std::uint64_t affinity = kAnyCore;
};

// One stretch of a job on a core, [start, end).
struct Stretch {
  std::size_t job;
  int core;
  Ns start;
  Ns end;
};

struct JobStats {
  Ns arrival = 0;
  Ns length = 0;
  Ns cpu = 0;
  Ns first_run = -1;  // -1: never ran
  Ns finish = -1;     // -1: not finished
  Ns turnaround() const { return finish - arrival; }
  Ns response() const { return first_run - arrival; }
  Ns waiting() const { return turnaround() - length; }  // CPU-only: every moment not running
};

struct HarnessOptions {
  int cores = 1;
  Ns tick = 0;                                // 0 = no timer ticks
  Ns until = std::numeric_limits<Ns>::max();  // stop the run here
  std::size_t max_steps = 10'000'000;         // a policy that never finishes fails
};

class PolicyHarness {
 public:
  PolicyHarness(sched::Policy& policy, std::vector<Job> jobs, HarnessOptions options = {})
      : policy_(policy), jobs_(std::move(jobs)), options_(options) {
    for (const Job& job : jobs_) {
      if (job.length <= 0) throw std::invalid_argument("job " + job.name + " has no length");
      stats_.push_back(JobStats{job.arrival, job.length});
    }
    state_.resize(jobs_.size());
    cores_.resize(static_cast<std::size_t>(options_.cores));
  }

  // Runs until every job is done (or `until`). Throws std::logic_error on a
  // policy fault or when ready jobs are left that the policy never picks.
  void run() {
    std::vector<std::size_t> arrivals(jobs_.size());
    for (std::size_t j = 0; j < jobs_.size(); ++j)
      arrivals[j] = j;
    std::stable_sort(arrivals.begin(), arrivals.end(), [this](std::size_t a, std::size_t b) {
      return jobs_[a].arrival < jobs_[b].arrival;
    });
    std::size_t next = 0;
    for (std::size_t step = 0;; ++step) {
      if (step > options_.max_steps) throw std::logic_error("harness: too many steps");
      Ns t = next_event(next < arrivals.size() ? jobs_[arrivals[next]].arrival : kNever);
      if (t == kNever) break;
      if (t > options_.until) {
        now_ = options_.until;
        for (std::size_t c = 0; c < cores_.size(); ++c)
          stop(static_cast<int>(c));
        return;
      }
      now_ = t;
      finish_jobs();
      end_slices();
      ticks();
      while (next < arrivals.size() && jobs_[arrivals[next]].arrival == now_)
        arrive(arrivals[next++]);
      dispatch();
    }
    for (std::size_t j = 0; j < jobs_.size(); ++j) {
      if (stats_[j].finish < 0)
        throw std::logic_error(
            fmt::format("harness: {} is ready but the policy never picks it", jobs_[j].name));
    }
  }

  const std::vector<Stretch>& stretches() const { return stretches_; }
  const JobStats& stats(std::string_view name) const { return stats_[index_of(name)]; }

  // "A 0-10, B 10-20": each stretch in start order, in `unit`s; with several
  // cores each is prefixed by its core ("1:A 0-10"). Back-to-back stretches
  // of one job on one core (preempted and picked again) read as one.
  std::string timeline(Ns unit = kMs) const {
    std::vector<Stretch> sorted = stretches_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Stretch& a, const Stretch& b) {
      return a.start != b.start ? a.start < b.start : a.core < b.core;
    });
    std::vector<Stretch> merged;
    for (const Stretch& s : sorted) {
      auto same = std::find_if(merged.rbegin(), merged.rend(),
                               [&](const Stretch& m) { return m.core == s.core; });
      if (same != merged.rend() && same->job == s.job && same->end == s.start) {
        same->end = s.end;
      } else {
        merged.push_back(s);
      }
    }
    std::string out;
    for (const Stretch& s : merged) {
      if (!out.empty()) out += ", ";
      if (cores_.size() > 1) out += fmt::format("{}:", s.core);
      out += fmt::format("{} {:g}-{:g}", jobs_[s.job].name, double(s.start) / double(unit),
                         double(s.end) / double(unit));
    }
    return out;
  }

  double average_turnaround(Ns unit = kMs) const {
    return average([](const JobStats& s) { return s.turnaround(); }, unit);
  }
  double average_response(Ns unit = kMs) const {
    return average([](const JobStats& s) { return s.response(); }, unit);
  }
  double average_waiting(Ns unit = kMs) const {
    return average([](const JobStats& s) { return s.waiting(); }, unit);
  }

 private:
  static constexpr Ns kNever = std::numeric_limits<Ns>::max();
  static constexpr std::size_t kIdle = std::numeric_limits<std::size_t>::max();

  struct JobState {
    bool ready = false;
    int last_core = -1;
  };
  struct Core {
    std::size_t job = kIdle;
    Ns start = 0;
    Ns cpu_at_start = 0;
    Ns slice_end = kNever;
  };
  std::size_t index_of(std::string_view name) const {
    for (std::size_t j = 0; j < jobs_.size(); ++j)
      if (jobs_[j].name == name) return j;
    throw std::invalid_argument(fmt::format("no job named {}", name));
  }

  template <class F>
  double average(F metric, Ns unit) const {
    double sum = 0;
    for (const JobStats& s : stats_)
      sum += double(metric(s)) / double(unit);
    return stats_.empty() ? 0 : sum / double(stats_.size());
  }

  Ns cpu_now(std::size_t j) const {
    for (const Core& c : cores_)
      if (c.job == j) return c.cpu_at_start + (now_ - c.start);
    return stats_[j].cpu;
  }

  sched::Task view(std::size_t j, iosim_ready_reason reason = IOSIM_READY_PREEMPTED) const {
    const Job& job = jobs_[j];
    sched::Task t{};
    t.id = j;
    t.name = job.name.c_str();
    t.process = "harness";
    t.priority = job.priority;
    t.nice = job.nice;
    t.tickets = job.tickets;
    t.last_core = state_[j].last_core;
    t.affinity = job.affinity;
    t.arrival_ns = job.arrival;
    t.expected_ns = job.expected;
    t.cpu_ns = cpu_now(j);
    t.reason = reason;
    return t;
  }

  Ns finish_time(const Core& c) const { return c.start + (jobs_[c.job].length - c.cpu_at_start); }

  Ns next_event(Ns next_arrival) const {
    Ns t = next_arrival;
    bool busy = false;
    for (const Core& c : cores_) {
      if (c.job == kIdle) continue;
      busy = true;
      t = std::min({t, finish_time(c), c.slice_end});
    }
    if (busy && options_.tick > 0) t = std::min(t, (now_ / options_.tick + 1) * options_.tick);
    return t;
  }

  // Takes the job off core c, recording its stretch; returns it.
  std::size_t stop(int c) {
    Core& core = cores_[static_cast<std::size_t>(c)];
    std::size_t j = core.job;
    if (j == kIdle) return j;
    stats_[j].cpu = core.cpu_at_start + (now_ - core.start);
    if (now_ > core.start) stretches_.push_back(Stretch{j, c, core.start, now_});
    core = Core{};
    return j;
  }

  void preempt_core(int c) {
    std::size_t j = stop(c);
    state_[j].ready = true;
    ++ready_;
    policy_.enqueue(view(j, IOSIM_READY_PREEMPTED), now_);
  }

  void finish_jobs() {
    for (std::size_t c = 0; c < cores_.size(); ++c) {
      if (cores_[c].job == kIdle || finish_time(cores_[c]) != now_) continue;
      std::size_t j = cores_[c].job;
      sched::Task last = view(j);
      stop(static_cast<int>(c));
      stats_[j].finish = now_;
      policy_.exit(last, now_);
    }
  }

  void end_slices() {
    for (std::size_t c = 0; c < cores_.size(); ++c) {
      if (cores_[c].job == kIdle || cores_[c].slice_end != now_) continue;
      if (ready_ > 0) {
        preempt_core(static_cast<int>(c));
      } else {
        set_slice(static_cast<int>(c), policy_.timeslice_ns(view(cores_[c].job), int(c)));
      }
    }
  }

  void ticks() {
    if (options_.tick <= 0 || now_ % options_.tick != 0) return;
    for (std::size_t c = 0; c < cores_.size(); ++c) {
      if (cores_[c].job == kIdle) continue;
      if (policy_.tick(int(c), view(cores_[c].job), now_)) preempt_core(static_cast<int>(c));
    }
  }

  void arrive(std::size_t j) {
    state_[j].ready = true;
    ++ready_;
    sched::Task woken = view(j, IOSIM_READY_ARRIVED);
    policy_.enqueue(woken, now_);
    for (std::size_t c = 0; c < cores_.size(); ++c) {
      if (cores_[c].job == kIdle && allows_core(jobs_[j].affinity, int(c))) return;
    }
    for (std::size_t c = 0; c < cores_.size(); ++c) {
      if (cores_[c].job == kIdle) continue;
      if (policy_.preempt(woken, view(cores_[c].job), int(c), now_)) {
        preempt_core(static_cast<int>(c));
        return;
      }
    }
  }

  void dispatch() {
    for (std::size_t c = 0; c < cores_.size(); ++c) {
      if (cores_[c].job != kIdle) continue;
      std::uint64_t id = policy_.pick(int(c), now_);
      if (id == IOSIM_NO_TASK) continue;
      check_pick(id, int(c));
      state_[id].ready = false;
      state_[id].last_core = int(c);
      --ready_;
      cores_[c] = Core{id, now_, stats_[id].cpu, kNever};
      if (stats_[id].first_run < 0) stats_[id].first_run = now_;
      set_slice(int(c), policy_.timeslice_ns(view(id), int(c)));
    }
  }

  void check_pick(std::uint64_t id, int c) const {
    std::string fault;
    if (id >= jobs_.size()) {
      fault = fmt::format("picked unknown task {}", id);
    } else if (!state_[id].ready) {
      fault = fmt::format("picked {}, which is not ready", jobs_[id].name);
    } else if (!allows_core(jobs_[id].affinity, c)) {
      fault = fmt::format("picked {}, whose affinity excludes the core", jobs_[id].name);
    }
    if (!fault.empty())
      throw std::logic_error(fmt::format("policy fault at {} ns on core {}: {}", now_, c, fault));
  }

  void set_slice(int c, Ns slice) {
    if (slice < 0)
      throw std::logic_error(fmt::format("policy fault: negative slice {} on core {}", slice, c));
    cores_[static_cast<std::size_t>(c)].slice_end = slice > 0 ? now_ + slice : kNever;
  }

  sched::Policy& policy_;
  std::vector<Job> jobs_;
  HarnessOptions options_;
  std::vector<JobStats> stats_;
  std::vector<JobState> state_;
  std::vector<Core> cores_;
  std::vector<Stretch> stretches_;
  std::size_t ready_ = 0;
  Ns now_ = 0;
};

}  // namespace iosim::testing
