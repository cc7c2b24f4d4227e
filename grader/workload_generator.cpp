#include "grader/workload_generator.h"

#include <fmt/format.h>

#include <algorithm>

#include "sim/random_stream.h"
#include "sim/units.h"

namespace iosim::grader {
namespace {

// Durations are drawn in steps of 100 us, so the text stays short and exact.
constexpr Ns kStep = 100 * kUs;

class Draw {
 public:
  explicit Draw(std::uint64_t seed, std::string_view kind) : random_(seed, kind) {}
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(random_.next() % span);
  }
  Ns duration(Ns lo, Ns hi) { return between(lo / kStep, hi / kStep) * kStep; }
  bool percent(int p) { return between(0, 99) < p; }

 private:
  RandomStream random_;
};

// A duration as the scenario format writes it: the largest unit that is exact.
std::string text(Ns ns) {
  if (ns % kSec == 0) return fmt::format("{}s", ns / kSec);
  if (ns % kMs == 0) return fmt::format("{}ms", ns / kMs);
  if (ns % kUs == 0) return fmt::format("{}us", ns / kUs);
  return fmt::format("{}ns", ns);
}

struct Job {
  Ns start = 0;
  Ns cpu = 0;   // its total CPU time, the `expected`
  Ns busy = 0;  // its CPU time plus what it sleeps or waits for the disk, roughly
  std::string program;
};

Job cpu_job(Draw& d, Ns start) {
  const int kind = static_cast<int>(d.between(0, 9));
  const Ns length = kind < 6   ? d.duration(5 * kMs, 40 * kMs)
                    : kind < 9 ? d.duration(50 * kMs, 150 * kMs)
                               : d.duration(200 * kMs, 600 * kMs);
  return {start, length, length, fmt::format("compute {}", text(length))};
}

// Bursts of CPU between disk reads (somewhere on the disk) or sleeps.
Job io_job(Draw& d, Ns start) {
  Job job{start, 0, 0, "\n"};
  const auto rounds = d.between(2, 8);
  for (std::int64_t i = 0; i < rounds; ++i) {
    const Ns burst = d.duration(1 * kMs, 15 * kMs);
    job.cpu += burst;
    job.program += fmt::format("  compute {}\n", text(burst));
    if (d.percent(50)) {
      const auto kib = d.between(1, 16) * 4;
      const auto lba = d.between(0, 2'000'000);
      job.program += fmt::format("  read {}KiB at lba {}\n", kib, lba);
      job.busy += 30 * kMs;
    } else {
      const Ns nap = d.duration(2 * kMs, 30 * kMs);
      job.program += fmt::format("  sleep {}\n", text(nap));
      job.busy += nap;
    }
  }
  job.busy += job.cpu;
  job.program += "  ";
  return job;
}

Job interactive_job(Draw& d, Ns start) {
  const auto rounds = d.between(5, 20);
  const Ns burst = d.duration(500 * kUs, 3 * kMs);
  const Ns nap = d.duration(5 * kMs, 40 * kMs);
  return {start, rounds * burst, rounds * (burst + nap),
          fmt::format("repeat {} {{ compute {}; sleep {} }}", rounds, text(burst), text(nap))};
}

std::vector<Job> cpu_mix(Draw& d, int tasks) {
  std::vector<Job> jobs;
  Ns at = 0;
  for (int i = 0; i < tasks; ++i) {
    jobs.push_back(cpu_job(d, at));
    at += d.duration(0, 30 * kMs);
  }
  return jobs;
}

std::vector<Job> io_mix(Draw& d, int tasks) {
  std::vector<Job> jobs;
  Ns at = 0;
  for (int i = 0; i < tasks; ++i) {
    jobs.push_back(d.percent(70) ? io_job(d, at) : cpu_job(d, at));
    at += d.duration(0, 20 * kMs);
  }
  return jobs;
}

std::vector<Job> interactive(Draw& d, int tasks) {
  std::vector<Job> jobs;
  const int hogs = std::max(1, tasks / 5);
  for (int i = 0; i < tasks; ++i) {
    if (i < hogs) {
      const Ns length = d.duration(100 * kMs, 400 * kMs);
      jobs.push_back(
          {d.duration(0, 10 * kMs), length, length, fmt::format("compute {}", text(length))});
    } else {
      jobs.push_back(interactive_job(d, d.duration(0, 200 * kMs)));
    }
  }
  return jobs;
}

// The stream's jobs arrive back to back (each when the previous one would
// end), so on one core the most urgent level never empties while it lasts.
std::vector<Job> stream(Draw& d, int tasks) {
  std::vector<Job> jobs;
  const int hogs = 1 + tasks / 100;
  for (int i = 0; i < hogs; ++i) {
    const Ns length = d.duration(100 * kMs, 300 * kMs);
    jobs.push_back({0, length, length, fmt::format("compute {}", text(length))});
  }
  Ns at = d.duration(1 * kMs, 5 * kMs);
  for (int i = hogs; i < tasks; ++i) {
    const Ns length = d.duration(5 * kMs, 10 * kMs);
    jobs.push_back({at, length, length, fmt::format("compute {}", text(length))});
    at += length;
  }
  return jobs;
}

std::vector<Job> jobs_of(const GeneratorSpec& spec) {
  Draw d(spec.seed, spec.kind);
  if (spec.kind == "io-mix") return io_mix(d, spec.tasks);
  if (spec.kind == "interactive") return interactive(d, spec.tasks);
  if (spec.kind == "stream") return stream(d, spec.tasks);
  return cpu_mix(d, spec.tasks);
}

}  // namespace

const std::vector<std::string_view>& generator_kinds() {
  static const std::vector<std::string_view> kinds{"cpu-mix", "io-mix", "interactive", "stream"};
  return kinds;
}

std::uint64_t mixed_seed(std::uint64_t case_seed, std::uint64_t grading_seed) {
  return RandomStream(grading_seed, fmt::format("case seed {}", case_seed)).next();
}

std::string generate_scenario(const GeneratorSpec& spec) {
  const std::vector<Job> jobs = jobs_of(spec);
  Ns end = 0, work = 0;
  for (const Job& j : jobs) {
    end = std::max(end, j.start + j.busy);
    work += j.busy;
  }
  // Room for any sensible policy to finish; a starving one stops here.
  const Ns limit = ((2 * (end + work)) / kSec + 10) * kSec;
  std::string out = fmt::format(
      "# Generated at grading time: kind = \"{}\", tasks = {}, seed = {}\n"
      "name = \"generated {}\"\nseed = {}\n\n"
      "[kernel.memory]\nthread_stack = \"64KiB\"  # many threads, little memory each\n\n"
      "[limits]\nsim_time = \"{}\"\n\n"
      "[[process]]\nname = \"jobs\"\n",
      spec.kind, spec.tasks, spec.seed, spec.kind, spec.seed % (std::uint64_t{1} << 62),
      text(limit));
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    out += fmt::format(
        "  [[process.thread]]\n  name = \"t{:02}\"\n  start = \"{}\"\n  expected = \"{}\"\n"
        "  program = '''{}'''\n",
        i, text(j.start), text(j.cpu), j.program);
  }
  return out;
}

}  // namespace iosim::grader
