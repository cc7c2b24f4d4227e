// The concurrency models the lessons compare, each checked on a scenario
// written like a student would write it: the GIL, the event loop, a
// lost-update race and its fixes, daemon threads, memory exhaustion, and a
// policy that makes an invalid decision.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>

#include "support/scenario_builder.h"

namespace iosim {
namespace {

using testing::run_to_completion;
using testing::run_until;
using testing::scenario_from_toml;
using testing::thread_named;

// Process-creation and start-up costs are zero here unless a test wants
// them, so durations can be compared with the computation alone.
constexpr const char* kNoStartup = R"(
[kernel.costs]
python_startup = "0ms"
process_spawn = "0ms"
process_exit = "0ms"
)";

Ns last_finish(Platform& p) {
  Ns last = 0;
  for (const auto& t : p.kernel().threads())
    last = std::max(last, t->stats.finish);
  return last;
}

// Two threads computing 100 ms each on 2 cores, as threads of one process
// (`process` = false) or as two processes, with a runtime.
std::string two_workers(const std::string& runtime, bool processes, const std::string& compute) {
  const std::string thread =
      fmt::format("  [[process.thread]]\n  name = \"{{}}\"\n  program = \"{}\"\n", compute);
  std::string text = std::string("[machine]\ncores = 2\n") + kNoStartup;
  if (processes) {
    for (const char* name : {"a", "b"})
      text += fmt::format("[[process]]\nname = \"p{}\"\nruntime = \"{}\"\n", name, runtime) +
              fmt::format(fmt::runtime(thread), name);
  } else {
    text += fmt::format("[[process]]\nname = \"p\"\nruntime = \"{}\"\n", runtime);
    for (const char* name : {"a", "b"})
      text += fmt::format(fmt::runtime(thread), name);
  }
  return text;
}

TEST(Gil, TwoPythonThreadsOnTwoCoresTakeAsLongAsRunningThemOneAfterTheOther) {
  run_to_completion(
      scenario_from_toml(two_workers("python", false, "compute 100ms")), [](Platform& p) {
        EXPECT_GT(last_finish(p), 195 * kMs) << "they take turns holding the GIL";
        EXPECT_LT(last_finish(p), 215 * kMs);
        EXPECT_GT(thread_named(p, "a").stats.gil_wait + thread_named(p, "b").stats.gil_wait,
                  80 * kMs)
            << "each waits for the GIL while the other computes";
        EXPECT_GT(p.kernel().processes()[0].gil.switches, 10u)
            << "the holder is asked to drop it every switch interval (5 ms)";
      });
}

TEST(Gil, TwoPythonProcessesRunInParallel) {
  run_to_completion(scenario_from_toml(two_workers("python", true, "compute 100ms")),
                    [](Platform& p) {
                      EXPECT_LT(last_finish(p), 105 * kMs) << "each process has its own GIL";
                      EXPECT_EQ(thread_named(p, "a").stats.gil_wait, 0);
                    });
}

TEST(Gil, NogilComputeRunsInParallelInOneProcess) {
  run_to_completion(scenario_from_toml(two_workers("python", false, "compute 100ms nogil")),
                    [](Platform& p) { EXPECT_LT(last_finish(p), 105 * kMs); });
}

TEST(Gil, NativeThreadsOfOneProcessRunInParallel) {
  run_to_completion(scenario_from_toml(two_workers("native", false, "compute 100ms")),
                    [](Platform& p) { EXPECT_LT(last_finish(p), 105 * kMs); });
}

TEST(Gil, TheSwitchIntervalSetsHowOftenTheGilChangesHands) {
  std::string fast = two_workers("python", false, "compute 100ms");
  fast += "[kernel]\ngil_switch_interval = \"1ms\"\n";
  run_to_completion(scenario_from_toml(fast), [](Platform& p) {
    EXPECT_GT(p.kernel().processes()[0].gil.switches, 150u) << "about one switch per 1 ms";
  });
}

// 20 coroutines each await a 50 ms network request (and compute 1 ms).
std::string fetchers(const std::string& extra_step) {
  return std::string(kNoStartup) + R"(
[[process]]
name = "app"
runtime = "python"
  [[process.thread]]
  name = "main"
  program = "gather fetcher 20"
  [[process.coroutine]]
  name = "fetcher"
  program = '''
  await fetch 1KiB
  compute 1ms
)" + extra_step +
         "'''\n";
}

TEST(EventLoop, TwentyAwaitedRequestsFinishInAboutOneLatencyNotTwenty) {
  run_to_completion(scenario_from_toml(fetchers("")), [](Platform& p) {
    const Thread& main = thread_named(p, "main");
    EXPECT_LT(main.stats.finish, 100 * kMs) << "the requests overlap: 50 ms latency + 20 x 1 ms";
    EXPECT_GT(main.stats.finish, 70 * kMs);
    EXPECT_EQ(main.stats.fetches, 20u);
    EXPECT_EQ(main.loop->peak_alive, 20u);
    EXPECT_GT(main.stats.io_wait, 40 * kMs) << "with no task ready, the loop's poll blocks";
  });
}

TEST(EventLoop, ABlockingCallInsideOneCoroutineDelaysThemAll) {
  // The blocking sleep runs after each task's compute: 20 x 10 ms in a row.
  run_to_completion(scenario_from_toml(fetchers("  sleep 10ms\n")), [](Platform& p) {
    EXPECT_GT(thread_named(p, "main").stats.finish, 250 * kMs)
        << "time.sleep() inside a coroutine stops the whole loop";
  });
}

TEST(EventLoop, AnAwaitedSleepLetsTheOthersRun) {
  run_to_completion(scenario_from_toml(fetchers("  await sleep 10ms\n")), [](Platform& p) {
    EXPECT_LT(thread_named(p, "main").stats.finish, 110 * kMs);
  });
}

TEST(EventLoop, TasksCostTheirConfiguredMemory) {
  std::string text = fetchers("") + "[kernel.memory]\ntask = \"1MiB\"\n";
  run_to_completion(scenario_from_toml(text), [](Platform& p) {
    EXPECT_GE(p.kernel().processes()[0].peak_memory, 20ull << 20) << "20 tasks of 1 MiB";
  });
}

// Two threads add 1 to a shared counter 20,000 times each.
std::string counter(const std::string& body, const std::string& kernel) {
  return R"(
[machine]
cores = 2
[kernel]
)" + kernel +
         R"(
[[process]]
name = "app"
locks = ["m"]
variables = { counter = 0 }
  [[process.thread]]
  name = "a"
  program = "repeat 20000 { )" +
         body + R"( }"
  [[process.thread]]
  name = "b"
  program = "repeat 20000 { )" +
         body + R"( }"
)";
}

std::int64_t counter_value(Platform& p) {
  return p.kernel().processes()[0].objects.variables[0];
}

TEST(Race, UnsynchronisedAddsOnTwoCoresLoseUpdates) {
  run_to_completion(scenario_from_toml(counter("add counter 1", "")), [](Platform& p) {
    EXPECT_LT(counter_value(p), 40000) << "loads and stores interleave: updates are lost";
    EXPECT_GT(counter_value(p), 0);
  });
}

TEST(Race, PreemptionAloneLosesUpdatesOnOneCore) {
  std::string text = counter("add counter 1", "quantum = \"100us\"");
  text.replace(text.find("cores = 2"), 9, "cores = 1");
  run_to_completion(scenario_from_toml(text), [](Platform& p) {
    EXPECT_LT(counter_value(p), 40000) << "a thread preempted between load and store";
  });
}

TEST(Race, ALockFixesIt) {
  run_to_completion(scenario_from_toml(counter("lock m; add counter 1; unlock m", "")),
                    [](Platform& p) { EXPECT_EQ(counter_value(p), 40000); });
}

TEST(Race, AnAtomicAddFixesIt) {
  run_to_completion(scenario_from_toml(counter("add counter 1 atomic", "")),
                    [](Platform& p) { EXPECT_EQ(counter_value(p), 40000); });
}

TEST(Daemon, ADaemonThreadIsKilledWhenTheMainThreadEnds) {
  run_to_completion(scenario_from_toml(R"(
[[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = "spawn background; compute 10ms"
  [[process.thread]]
  name = "background"
  daemon = true
  program = "repeat 1000 { compute 1ms; sleep 1ms }"
)"),
                    [](Platform& p) {
                      const Thread& bg = thread_named(p, "background");
                      EXPECT_TRUE(bg.killed);
                      EXPECT_LT(bg.stats.finish, 15 * kMs);
                      EXPECT_LT(p.kernel().finish_time(), 15 * kMs);
                    });
}

TEST(Daemon, ANonDaemonThreadIsWaitedFor) {
  run_to_completion(scenario_from_toml(R"(
[[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = "spawn background; compute 10ms"
  [[process.thread]]
  name = "background"
  program = "repeat 20 { compute 1ms; sleep 1ms }"
)"),
                    [](Platform& p) {
                      const Thread& bg = thread_named(p, "background");
                      EXPECT_FALSE(bg.killed);
                      EXPECT_GT(bg.stats.finish, 39 * kMs);
                      EXPECT_GE(p.kernel().finish_time(), bg.stats.finish);
                    });
}

// 200 threads with 8 MiB stacks on a 512 MiB machine.
std::string many_threads(const std::string& on_exhausted) {
  return R"(
[machine]
ram = "512MiB"
[kernel.memory]
on_exhausted = ")" +
         on_exhausted + R"("
[[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = "spawn worker; join worker"
  [[process.thread]]
  name = "worker"
  count = 200
  program = "sleep 10ms"
)";
}

TEST(Memory, ExhaustionStopsTheRunWithTheNumbers) {
  run_until(scenario_from_toml(many_threads("stop")), RunEnd::kOutOfMemory, [](Platform& p) {
    const auto& failures = p.kernel().memory().failures();
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_NE(failures[0].what.find("thread 'worker["), std::string::npos) << failures[0].what;
    EXPECT_EQ(failures[0].capacity, 512ull << 20);
    EXPECT_GT(failures[0].in_use + failures[0].requested, failures[0].capacity);
  });
}

TEST(Memory, ExhaustionCanBeSkippedAndTheProgramCarriesOn) {
  run_to_completion(scenario_from_toml(many_threads("continue")), [](Platform& p) {
    EXPECT_GT(p.kernel().memory().failures().size(), 100u);
    EXPECT_LT(p.kernel().threads().size(), 70u) << "about 60 stacks of 8 MiB fit";
    EXPECT_LE(p.kernel().memory().peak(), 512ull << 20);
  });
}

TEST(Memory, RunningOutAtBootIsReportedNotCompleted) {
  // 1 MiB of RAM is all the kernel's: the first process does not fit.
  std::string text = many_threads("stop");
  text.replace(text.find("512MiB"), 6, "1MiB");
  run_until(scenario_from_toml(text), RunEnd::kOutOfMemory, [](Platform& p) {
    ASSERT_EQ(p.kernel().memory().failures().size(), 1u);
    EXPECT_EQ(p.kernel().memory().failures()[0].what, "process 'app'");
    EXPECT_EQ(p.kernel().memory().failures()[0].time, 0);
  });
}

TEST(PolicyFault, AnInvalidDecisionStopsTheRunWithTheEvidence) {
  Scenario s = scenario_from_toml(R"(
[[process]]
name = "app"
  [[process.thread]]
  name = "a"
  program = "compute 1ms"
)");
  s.kernel.policy = IOSIM_TEST_BAD_POLICY;
  run_until(s, RunEnd::kPolicyFault, [](Platform& p) {
    const std::string& message = p.kernel().fault().message;
    EXPECT_NE(message.find("task 999 does not exist"), std::string::npos) << message;
    EXPECT_NE(message.find("ready tasks: 0 (a)"), std::string::npos) << message;
  });
}

TEST(PolicyFault, PickingATaskThatAlreadyRanIsAFaultWithItsState) {
  Scenario s = scenario_from_toml(R"(
[[process]]
name = "app"
  [[process.thread]]
  name = "a"
  program = "compute 1ms"
  [[process.thread]]
  name = "b"
  program = "compute 1ms"
)");
  s.kernel.policy = IOSIM_TEST_STALE_POLICY;
  run_until(s, RunEnd::kPolicyFault, [](Platform& p) {
    const PolicyFault& fault = p.kernel().fault();
    EXPECT_NE(fault.message.find("task 1 (b) is not ready: it is finished"), std::string::npos)
        << fault.message;
    EXPECT_NE(fault.message.find("ready tasks: 0 (a)"), std::string::npos) << fault.message;
    EXPECT_GE(fault.time, 1 * kMs);
    EXPECT_EQ(thread_named(p, "a").stats.first_run, -1) << "the run stopped before a ran";
  });
}

TEST(PolicyFault, OneTaskPickedForTwoCoresIsAFaultNotTwoRuns) {
  // The peek policy's pick leaves the task queued. The first core to take it
  // spends the context switch before the task is running; the other core,
  // asking meanwhile, must not be allowed to run it as well.
  Scenario s = scenario_from_toml(R"(
[machine]
cores = 2
[[process]]
name = "app"
  [[process.thread]]
  name = "a"
  program = "compute 1ms"
)");
  s.kernel.policy = IOSIM_TEST_PEEK_POLICY;
  run_until(s, RunEnd::kPolicyFault, [](Platform& p) {
    const std::string& message = p.kernel().fault().message;
    EXPECT_NE(message.find("task 0 (a) was already picked for core "), std::string::npos)
        << message;
    EXPECT_NE(message.find("ready tasks: none"), std::string::npos) << message;
    EXPECT_LT(p.kernel().fault().time, 1 * kMs) << "caught at the second pick, not after the run";
  });
}

}  // namespace
}  // namespace iosim
