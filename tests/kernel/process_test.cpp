// Processes and what threads share: spawning and joining with their costs,
// semaphores and conditions that block, queues between processes that cost
// a copy and a pickle, thread and process pools.
#include <gtest/gtest.h>

#include <string>

#include "support/scenario_builder.h"

namespace iosim {
namespace {

using testing::run_to_completion;
using testing::scenario_from_toml;
using testing::thread_named;

const Process& process_named(Platform& p, const std::string& name) {
  for (const Process& process : p.kernel().processes())
    if (process.name == name) return process;
  throw std::runtime_error("no process " + name);
}

TEST(Spawn, ProcessesCostTheirCreationAndAPythonProcessStartsItsInterpreter) {
  run_to_completion(scenario_from_toml(R"(
[kernel.costs]
process_spawn = "2ms"
python_startup = "30ms"
[[process]]
name = "parent"
  [[process.thread]]
  name = "main"
  program = "spawn child; join child"
[[process]]
name = "child"
runtime = "python"
count = 3
  [[process.thread]]
  name = "work"
  program = "compute 10ms"
)"),
                    [](Platform& p) {
                      const Thread& main = thread_named(p, "main");
                      EXPECT_GE(main.stats.sys, 6 * kMs) << "three spawns of 2 ms each";
                      EXPECT_EQ(p.kernel().processes().size(), 4u);
                      const Process& child = process_named(p, "child[2]");
                      EXPECT_EQ(child.parent, &process_named(p, "parent"));
                      EXPECT_EQ(child.threads.front()->stats.user, 40 * kMs)
                          << "its main thread runs the interpreter's start-up, then its program";
                      EXPECT_GE(main.stats.finish, 6 * kMs + 3 * 40 * kMs)
                          << "one core: join waits for all three";
                    });
}

TEST(Spawn, JoinWaitsForEveryInstanceAndCountsAsJoinWait) {
  run_to_completion(scenario_from_toml(R"(
[machine]
cores = 4
[[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = "spawn worker; join worker; print all done"
  [[process.thread]]
  name = "worker"
  count = 3
  program = "compute 20ms"
)"),
                    [](Platform& p) {
                      const Thread& main = thread_named(p, "main");
                      EXPECT_GT(main.stats.join_wait, 19 * kMs);
                      EXPECT_LT(main.stats.finish, 25 * kMs) << "3 workers on 3 other cores";
                      ASSERT_EQ(p.kernel().console().size(), 1u);
                      EXPECT_EQ(p.kernel().console()[0].text, "all done");
                      EXPECT_EQ(thread_named(p, "worker[2]").stats.user, 20 * kMs);
                    });
}

TEST(Semaphore, AtMostItsCountOfThreadsHoldItAtOnce) {
  // 4 threads each hold one of 2 slots for 10 ms on 4 cores: two rounds.
  run_to_completion(scenario_from_toml(R"(
[machine]
cores = 4
[[process]]
name = "app"
semaphores = { slots = 2 }
  [[process.thread]]
  name = "t"
  count = 4
  program = "acquire slots; compute 10ms; release slots"
)"),
                    [](Platform& p) {
                      Ns last = 0, waited = 0;
                      for (const auto& t : p.kernel().threads()) {
                        last = std::max(last, t->stats.finish);
                        waited += t->stats.lock_wait;
                      }
                      EXPECT_GT(last, 20 * kMs);
                      EXPECT_LT(last, 21 * kMs);
                      EXPECT_GT(waited, 19 * kMs) << "two threads wait about 10 ms each";
                    });
}

TEST(Condition, AWaiterSleepsUntilNotifiedAndRetakesTheLock) {
  run_to_completion(scenario_from_toml(R"(
[machine]
cores = 2
[[process]]
name = "app"
locks = ["m"]
conditions = { ready = "m" }
variables = { seen = 0 }
  [[process.thread]]
  name = "consumer"
  program = "lock m; wait ready; add seen 1; unlock m"
  [[process.thread]]
  name = "producer"
  program = "compute 30ms; lock m; notify ready; unlock m"
)"),
                    [](Platform& p) {
                      const Thread& consumer = thread_named(p, "consumer");
                      EXPECT_GT(consumer.stats.lock_wait, 29 * kMs);
                      EXPECT_GT(consumer.stats.finish, 30 * kMs);
                      EXPECT_EQ(p.kernel().processes()[0].objects.variables[0], 1);
                      EXPECT_EQ(p.kernel().counters().program_errors, 0u);
                    });
}

TEST(Queue, MessagesCostAPickleAndACopyOnEachSide) {
  run_to_completion(scenario_from_toml(R"(
[machine]
cores = 2
[kernel.costs]
ipc_message = "100us"
ipc_byte = "1ns"
[[queue]]
name = "jobs"
capacity = "4MiB"
[[process]]
name = "producer"
  [[process.thread]]
  name = "send"
  program = "repeat 10 { send jobs 1MiB }"
[[process]]
name = "consumer"
  [[process.thread]]
  name = "recv"
  program = "repeat 10 { recv jobs }"
)"),
                    [](Platform& p) {
                      const Thread& sender = thread_named(p, "send");
                      const Ns per_message = 100 * kUs + (1 << 20);  // 100 us + 1 ns per byte
                      EXPECT_GE(sender.stats.user, 10 * per_message);
                      EXPECT_GE(thread_named(p, "recv").stats.user, 10 * per_message);
                      EXPECT_EQ(p.kernel().queues()[0].received, 10u);
                    });
}

TEST(Queue, ASenderBlocksWhileThePipeIsFull) {
  run_to_completion(scenario_from_toml(R"(
[[queue]]
name = "pipe"
capacity = "4KiB"
[[process]]
name = "producer"
  [[process.thread]]
  name = "send"
  program = "repeat 4 { send pipe 4KiB }"
[[process]]
name = "consumer"
  [[process.thread]]
  name = "recv"
  program = "sleep 50ms; repeat 4 { recv pipe; sleep 10ms }"
)"),
                    [](Platform& p) {
                      // The pipe holds one message: the 2nd waits for the recv at 50 ms,
                      // the 3rd and 4th 10 ms each.
                      EXPECT_GT(thread_named(p, "send").stats.lock_wait, 65 * kMs)
                          << "each message waits for the previous one to be taken";
                    });
}

std::string pool_scenario(const std::string& kind, const std::string& runtime) {
  return R"(
[machine]
cores = 4
[kernel.costs]
python_startup = "0ms"
[[process]]
name = "app"
runtime = ")" +
         runtime + R"("
  [[process.thread]]
  name = "main"
  program = "map pool 8"
  [[process.pool]]
  name = "pool"
  kind = ")" +
         kind + R"("
  workers = 4
  program = "compute 10ms"
)";
}

TEST(Pool, AProcessPoolRunsPythonWorkInParallelUpToItsWorkers) {
  run_to_completion(scenario_from_toml(pool_scenario("process", "python")), [](Platform& p) {
    const Thread& main = thread_named(p, "main");
    EXPECT_GT(main.stats.finish, 20 * kMs) << "8 items on 4 workers: two rounds";
    EXPECT_LT(main.stats.finish, 30 * kMs);
    EXPECT_EQ(p.kernel().processes().size(), 5u) << "the owner and 4 worker processes";
    EXPECT_EQ(p.kernel().processes()[0].pools[0].items_done, 8u);
  });
}

TEST(Pool, AThreadPoolOfPythonThreadsTakesTurnsOnTheGil) {
  run_to_completion(scenario_from_toml(pool_scenario("thread", "python")), [](Platform& p) {
    EXPECT_GT(thread_named(p, "main").stats.finish, 80 * kMs) << "8 x 10 ms, one at a time";
    EXPECT_EQ(p.kernel().processes().size(), 1u);
  });
}

TEST(Pool, AThreadPoolOfNativeThreadsRunsInParallel) {
  run_to_completion(scenario_from_toml(pool_scenario("thread", "native")),
                    [](Platform& p) { EXPECT_LT(thread_named(p, "main").stats.finish, 25 * kMs); });
}

TEST(Pool, AProcessPoolWorkItemMaySpawnAndJoinAThreadOfItsOwn) {
  // The worker process is a copy of its owner's: it has the same threads to spawn.
  run_to_completion(scenario_from_toml(R"(
[[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = "map pool 2"
  [[process.thread]]
  name = "helper"
  program = "compute 1ms"
  [[process.pool]]
  name = "pool"
  kind = "process"
  workers = 1
  program = "spawn helper; join helper"
)"),
                    [](Platform& p) {
                      int helpers = 0;
                      for (const auto& t : p.kernel().threads())
                        helpers += t->name == "helper" && t->stats.user == 1 * kMs;
                      EXPECT_EQ(helpers, 2) << "one per work item, in the worker process";
                    });
}

TEST(Pool, RunInExecutorHandsCpuWorkFromTheLoopToAProcessPool) {
  run_to_completion(scenario_from_toml(R"(
[machine]
cores = 4
[kernel.costs]
python_startup = "0ms"
[[process]]
name = "app"
runtime = "python"
  [[process.thread]]
  name = "main"
  program = "gather job 4"
  [[process.coroutine]]
  name = "job"
  program = "await fetch 1KiB; await run_in_executor crunch"
  [[process.pool]]
  name = "crunch"
  kind = "process"
  workers = 4
  program = "compute 100ms"
)"),
                    [](Platform& p) {
                      const Thread& main = thread_named(p, "main");
                      EXPECT_LT(main.stats.finish, 170 * kMs)
                          << "50 ms of network, then 4 x 100 ms on 4 worker processes at once";
                      EXPECT_LT(main.stats.user, 10 * kMs) << "the loop thread did not compute";
                    });
}

}  // namespace
}  // namespace iosim
