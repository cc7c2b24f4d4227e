// The policies inside the real kernel: textbook schedules with every kernel
// cost set to zero (only bus accesses to the timers remain, a few hundred
// nanoseconds), preemption when a more urgent task wakes, cooperative mode,
// per-core queues with affinity, and CFS weights.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>

#include "support/scenario_builder.h"

namespace iosim {
namespace {

using testing::run_to_completion;
using testing::scenario_from_toml;
using testing::thread_named;

constexpr Ns kSlack = 500 * kUs;  // bus accesses to timers and the interrupt controller

constexpr const char* kZeroCosts = R"(
[kernel.costs]
context_switch = "0ns"
syscall_entry = "0ns"
syscall_exit = "0ns"
irq_entry = "0ns"
irq_exit = "0ns"
process_exit = "0ns"
)";

// Jobs on one core: {name, arrival, length}, each declaring its length.
struct Job {
  const char* name;
  int arrival_ms;
  int length_us;
};

std::string jobs(const std::string& kernel, const std::vector<Job>& list) {
  std::string text = "[kernel]\n" + kernel + "\n" + kZeroCosts + "[[process]]\nname = \"p\"\n";
  for (const Job& j : list)
    text += fmt::format(
        "  [[process.thread]]\n  name = \"{}\"\n  start = \"{}ms\"\n  expected = \"{}us\"\n"
        "  program = \"compute {}us\"\n",
        j.name, j.arrival_ms, j.length_us, j.length_us);
  return text;
}

Ns average_turnaround(Platform& p) {
  Ns sum = 0;
  for (const auto& t : p.kernel().threads())
    sum += t->stats.finish - t->stats.arrival;
  return sum / static_cast<Ns>(p.kernel().threads().size());
}

Ns average_response(Platform& p) {
  Ns sum = 0;
  for (const auto& t : p.kernel().threads())
    sum += t->stats.first_run - t->stats.arrival;
  return sum / static_cast<Ns>(p.kernel().threads().size());
}

// OSTEP ch. 7: A (100) at 0, B and C (10 each) at 10.
const std::vector<Job> kLateShortJobs{{"A", 0, 100'000}, {"B", 10, 10'000}, {"C", 10, 10'000}};

TEST(KernelSchedules, FcfsMakesTheShortJobsWaitBehindTheLongOne) {
  // A ends at 100, B at 110, C at 120: (100 + 100 + 110) / 3 = 103.3 ms.
  run_to_completion(scenario_from_toml(jobs("policy = \"fcfs\"", kLateShortJobs)),
                    [](Platform& p) { EXPECT_NEAR(average_turnaround(p), 103'333 * kUs, kSlack); });
}

TEST(KernelSchedules, StcfPreemptsTheLongJobWhenShortOnesArrive) {
  // B ends at 20, C at 30, A at 120: (120 + 10 + 20) / 3 = 50 ms.
  run_to_completion(scenario_from_toml(jobs("policy = \"srtf\"", kLateShortJobs)), [](Platform& p) {
    EXPECT_NEAR(average_turnaround(p), 50 * kMs, kSlack);
    EXPECT_EQ(thread_named(p, "A").stats.preemptions, 1u);
  });
}

TEST(KernelSchedules, RoundRobinWithAOneMillisecondSliceAveragesOneMillisecondResponse) {
  // Three 4.5 ms jobs at 0: first runs at 0, 1, 2 ms; four full slices
  // each, then A ends at 12.5, B at 13, C at 13.5. (Lengths that are a whole
  // number of slices would end exactly when the timer fires: the interrupt
  // wins and the job is preempted before it can exit.)
  run_to_completion(scenario_from_toml(jobs("policy = \"rr\"\nquantum = \"1ms\"",
                                            {{"A", 0, 4'500}, {"B", 0, 4'500}, {"C", 0, 4'500}})),
                    [](Platform& p) {
                      EXPECT_NEAR(average_response(p), 1 * kMs, kSlack);
                      EXPECT_NEAR(average_turnaround(p), 13 * kMs, kSlack);
                    });
}

std::string hog(const std::string& mode) {
  return R"(
[kernel]
mode = ")" +
         mode +
         R"("
[[process]]
name = "p"
  [[process.thread]]
  name = "hog"
  program = "compute 100ms"
  [[process.thread]]
  name = "polite"
  program = "compute 1ms"
)";
}

TEST(KernelSchedules, InCooperativeModeAThreadThatNeverYieldsKeepsItsCore) {
  run_to_completion(scenario_from_toml(hog("cooperative")), [](Platform& p) {
    EXPECT_GE(thread_named(p, "polite").stats.first_run, 100 * kMs);
    EXPECT_EQ(p.kernel().counters().preemptions, 0u);
  });
}

TEST(KernelSchedules, InPreemptiveModeTheQuantumTakesTheCoreBack) {
  run_to_completion(scenario_from_toml(hog("preemptive")), [](Platform& p) {
    EXPECT_LT(thread_named(p, "polite").stats.first_run, 11 * kMs);
  });
}

std::string urgent_wakes(bool preemptive) {
  return fmt::format(R"(
[kernel]
policy = "priority"
[kernel.priority]
preemptive = {}
[[process]]
name = "p"
  [[process.thread]]
  name = "low"
  priority = 5
  program = "compute 50ms"
  [[process.thread]]
  name = "high"
  priority = 0
  program = "sleep 3ms; compute 5ms"
)",
                     preemptive);
}

TEST(KernelSchedules, AMoreUrgentThreadThatWakesTakesTheCoreAtOnce) {
  run_to_completion(scenario_from_toml(urgent_wakes(true)), [](Platform& p) {
    EXPECT_LT(thread_named(p, "high").stats.finish, 9 * kMs);
    EXPECT_EQ(thread_named(p, "low").stats.preemptions, 1u);
  });
}

TEST(KernelSchedules, WithoutPreemptionTheUrgentThreadWaitsForTheSlice) {
  // The priority policy still slices by the quantum (10 ms): `low` keeps the
  // core until its slice ends at 10 ms, then `high` runs its 5 ms.
  run_to_completion(scenario_from_toml(urgent_wakes(false)),
                    [](Platform& p) { EXPECT_GT(thread_named(p, "high").stats.finish, 14 * kMs); });
}

TEST(KernelSchedules, CfsGivesCpuInProportionToNiceWeights) {
  // nice 0 weighs 1024, nice 5 weighs 335: while both run, `heavy` gets
  // about 75% of the core, so it ends near 100 ms x (1024 + 335) / 1024.
  run_to_completion(scenario_from_toml(R"(
[kernel]
policy = "cfs"
[[process]]
name = "p"
  [[process.thread]]
  name = "heavy"
  nice = 0
  program = "compute 100ms"
  [[process.thread]]
  name = "light"
  nice = 5
  program = "compute 100ms"
)"),
                    [](Platform& p) {
                      const Ns end = thread_named(p, "heavy").stats.finish;
                      EXPECT_GT(end, 125 * kMs);
                      EXPECT_LT(end, 145 * kMs);
                    });
}

std::string four_on_two_cores(const std::string& queues) {
  return R"(
[machine]
cores = 2
[kernel]
quantum = "5ms"
queues = ")" +
         queues +
         R"("
[[process]]
name = "p"
  [[process.thread]]
  name = "pinned"
  affinity = [1]
  program = "compute 40ms"
  [[process.thread]]
  name = "free"
  count = 3
  program = "compute 40ms"
)";
}

TEST(KernelSchedules, AffinityKeepsAThreadOnItsCoresWithEitherQueueLayout) {
  for (const char* queues : {"global", "per-core"}) {
    SCOPED_TRACE(queues);
    run_to_completion(scenario_from_toml(four_on_two_cores(queues)), [](Platform& p) {
      const std::uint64_t pinned = thread_named(p, "pinned").id;
      int slices = 0;
      for (const Slice& s : p.kernel().schedule()) {
        if (s.thread != pinned) continue;
        ++slices;
        EXPECT_EQ(s.core, 1) << "at " << s.start;
      }
      EXPECT_GT(slices, 1);
      EXPECT_EQ(thread_named(p, "pinned").stats.migrations, 0u);
      Ns last = 0;
      for (const auto& t : p.kernel().threads())
        last = std::max(last, t->stats.finish);
      EXPECT_LT(last, 85 * kMs) << "160 ms of work on 2 cores";
    });
  }
}

TEST(KernelSchedules, AGlobalQueueMigratesThreadsBetweenCores) {
  // Three threads taking turns on two cores cannot all keep theirs.
  std::string text = four_on_two_cores("global");
  text.replace(text.find("affinity = [1]"), 14, "");
  text.replace(text.find("count = 3"), 9, "count = 2");
  run_to_completion(scenario_from_toml(text),
                    [](Platform& p) { EXPECT_GT(p.kernel().counters().migrations, 0u); });
}

}  // namespace
}  // namespace iosim
