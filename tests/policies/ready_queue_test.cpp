// ReadyQueue: the ordered ready set every built-in policy uses, and the one
// place that skips tasks whose affinity excludes a core.
#include "kernel/policies/ready_queue.h"

#include <gtest/gtest.h>

#include "policies/test_task.h"

namespace iosim {
namespace {

using testing::cores;
using testing::Ids;
using testing::TestTask;

Ids pop_all(ReadyQueue& q, int core) {
  Ids ids;
  while (auto e = q.pop_first(core))
    ids.push_back(e->id);
  return ids;
}

TEST(ReadyQueue, OrdersByRankThenTie) {
  ReadyQueue q;
  q.push(TestTask(0), 5, 2);
  q.push(TestTask(1), 3, 9);
  q.push(TestTask(2), 5, 1);
  q.push(TestTask(3), 3, 4);
  EXPECT_EQ(pop_all(q, 0), (Ids{3, 1, 2, 0}));
}

TEST(ReadyQueue, PopSkipsTasksNotAllowedOnTheCoreAndKeepsThem) {
  ReadyQueue q;
  q.push(TestTask(0).on(cores({1})), 0, 0);
  q.push(TestTask(1), 0, 1);
  q.push(TestTask(2).on(cores({0, 1})), 0, 2);
  EXPECT_EQ(pop_all(q, 0), (Ids{1, 2})) << "task 0 may run only on core 1";
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(pop_all(q, 1), (Ids{0}));
}

TEST(ReadyQueue, PeekFindsTheFirstAllowedWithoutRemovingIt) {
  ReadyQueue q;
  q.push(TestTask(4).on(cores({2})), 1, 0);
  q.push(TestTask(5), 2, 1);
  ASSERT_TRUE(q.peek_first(0));
  EXPECT_EQ(q.peek_first(0)->id, 5u);
  EXPECT_EQ(q.peek_first(2)->id, 4u);
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.min_rank(), 1) << "min_rank ignores affinity";
}

TEST(ReadyQueue, CoresPastTheMaskTakeOnlyTasksThatRunAnywhere) {
  ReadyQueue q;
  q.push(TestTask(0).on(cores({63})), 0, 0);
  q.push(TestTask(1), 0, 1);
  EXPECT_EQ(pop_all(q, 64), (Ids{1}));
  EXPECT_EQ(pop_all(q, 63), (Ids{0}));
}

TEST(ReadyQueue, DrainEmptiesInOrderAndKeepsEachEntry) {
  ReadyQueue q;
  q.push(TestTask(7).on(cores({1})), 2, 3);
  q.push(TestTask(8), 1, 4);
  auto all = q.drain();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, 8u);
  EXPECT_EQ(all[1].id, 7u);
  EXPECT_EQ(all[1].affinity, cores({1}));
  EXPECT_EQ(all[1].tie, 3u);
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.min_rank());
}

}  // namespace
}  // namespace iosim
