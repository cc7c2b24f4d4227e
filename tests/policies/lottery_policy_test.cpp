// Lottery scheduling: seeded, reproducible draws in proportion to tickets.
#include "kernel/policies/lottery_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::cores;
using testing::Ids;
using testing::TestTask;

// `draws` picks on `core`, each winner going straight back into the draw.
Ids draw(LotteryPolicy& p, const std::vector<TestTask>& tasks, int draws, int core = 0) {
  for (const TestTask& t : tasks)
    p.enqueue(t, 0);
  Ids winners;
  for (int i = 0; i < draws; ++i) {
    std::uint64_t id = p.pick(core, i);
    if (id == IOSIM_NO_TASK) break;
    winners.push_back(id);
    TestTask again = tasks[id];
    p.enqueue(again.preempted(), i);
  }
  return winners;
}

std::vector<TestTask> with_tickets(std::initializer_list<std::uint32_t> tickets) {
  std::vector<TestTask> tasks;
  for (std::uint32_t t : tickets)
    tasks.push_back(TestTask(tasks.size()).with_tickets(t));
  return tasks;
}

TEST(Lottery, TheSameSeedGivesTheSameDraws) {
  LotteryPolicy a(10 * kMs, 42), b(10 * kMs, 42);
  auto tasks = with_tickets({100, 100, 100, 100});
  EXPECT_EQ(draw(a, tasks, 200), draw(b, tasks, 200));
}

TEST(Lottery, AnotherSeedGivesOtherDraws) {
  LotteryPolicy a(10 * kMs, 1), b(10 * kMs, 2);
  auto tasks = with_tickets({100, 100, 100, 100});
  EXPECT_NE(draw(a, tasks, 200), draw(b, tasks, 200));
}

TEST(Lottery, WinsAreProportionalToTicketsOverManyDraws) {
  LotteryPolicy p(10 * kMs, 7);
  auto tasks = with_tickets({100, 200, 700});
  constexpr int kDraws = 100'000;
  std::map<std::uint64_t, int> wins;
  for (std::uint64_t id : draw(p, tasks, kDraws))
    ++wins[id];
  const double expected[] = {0.1, 0.2, 0.7};
  for (std::uint64_t id = 0; id < 3; ++id) {
    double share = double(wins[id]) / kDraws;
    EXPECT_NEAR(share, expected[id], 0.01) << "task " << id << " won " << wins[id] << " draws";
  }
}

TEST(Lottery, ATaskWithZeroTicketsStillWinsSometimes) {
  LotteryPolicy p(10 * kMs, 3);
  auto tasks = with_tickets({0, 1});
  Ids winners = draw(p, tasks, 1000);
  EXPECT_GT(std::count(winners.begin(), winners.end(), 0u), 300) << "0 tickets count as 1";
}

TEST(Lottery, OnlyTasksAllowedOnTheCoreCanWin) {
  LotteryPolicy p(10 * kMs, 5);
  std::vector<TestTask> tasks = with_tickets({1000, 10, 10});
  tasks[0].on(cores({1}));
  Ids on_core0 = draw(p, tasks, 500, 0);
  EXPECT_EQ(std::count(on_core0.begin(), on_core0.end(), 0u), 0);
  EXPECT_EQ(on_core0.size(), 500u);
  EXPECT_EQ(p.pick(1, 0), 0u) << "task 0 is still ready, for core 1";
}

TEST(Lottery, AnEmptyDrawGivesNoTaskAndTheSliceIsTheQuantum) {
  LotteryPolicy p(6 * kMs, 1);
  EXPECT_EQ(p.pick(0, 0), IOSIM_NO_TASK);
  EXPECT_EQ(p.timeslice_ns(TestTask(0), 0), 6 * kMs);
}

TEST(Lottery, EveryReadyTaskIsPickedExactlyOnceWhenDrained) {
  LotteryPolicy p(10 * kMs, 9);
  for (std::uint64_t id = 0; id < 500; ++id)
    p.enqueue(TestTask(id).with_tickets(id % 7), 0);
  std::vector<int> seen(500, 0);
  for (std::uint64_t id = p.pick(0, 0); id != IOSIM_NO_TASK; id = p.pick(0, 0))
    ++seen[id];
  EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), 500);
}

}  // namespace
}  // namespace iosim
