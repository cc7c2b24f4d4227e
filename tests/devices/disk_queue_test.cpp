#include "devices/disk_queue.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace iosim {
namespace {

using Cylinders = std::vector<std::uint32_t>;

// The classic textbook queue (Silberschatz et al., Operating System Concepts):
// requests for cylinders 98, 183, 37, 122, 14, 124, 65, 67, oldest first.
const Cylinders kTextbook{98, 183, 37, 122, 14, 124, 65, 67};

std::uint64_t head_movement(std::uint32_t head, const Cylinders& order) {
  std::uint64_t total = 0;
  for (std::uint32_t c : order) {
    total += c > head ? c - head : head - c;
    head = c;
  }
  return total;
}

TEST(DiskQueue, FcfsServesInArrivalOrder) {
  EXPECT_EQ(service_order(QueuePolicy::kFcfs, 53, kTextbook), kTextbook);
  EXPECT_EQ(head_movement(53, kTextbook), 640u);  // the textbook's FCFS total
}

TEST(DiskQueue, SstfServesTheNearestCylinderNext) {
  // Head at 53: 65 (12 away), 67 (2), then 37 (30, nearer than 98 at 31), 14 (23),
  // then 98, 122, 124, 183. The textbook's 236 cylinders.
  Cylinders order = service_order(QueuePolicy::kSstf, 53, kTextbook);
  EXPECT_EQ(order, (Cylinders{65, 67, 37, 14, 98, 122, 124, 183}));
  EXPECT_EQ(head_movement(53, order), 236u);
  // Head at 50: 37 (13) beats 65 (15); from 37, 14 (23) beats 65 (28); then upward.
  order = service_order(QueuePolicy::kSstf, 50, kTextbook);
  EXPECT_EQ(order, (Cylinders{37, 14, 65, 67, 98, 122, 124, 183}));
  EXPECT_EQ(head_movement(50, order), 13u + 23 + 51 + 2 + 31 + 24 + 2 + 59);
}

TEST(DiskQueue, LookSweepsUpThenReverses) {
  // Head at 53 moving up: 65, 67, 98, 122, 124, 183; nothing beyond 183, so it
  // reverses: 37, 14. (183 - 53) + (183 - 14) = 299 cylinders.
  Cylinders order = service_order(QueuePolicy::kLook, 53, kTextbook);
  EXPECT_EQ(order, (Cylinders{65, 67, 98, 122, 124, 183, 37, 14}));
  EXPECT_EQ(head_movement(53, order), 299u);
  EXPECT_EQ(service_order(QueuePolicy::kLook, 50, kTextbook), order);
}

TEST(DiskQueue, LookKeepsItsDirectionBetweenPicks) {
  DiskQueue look(QueuePolicy::kLook);
  std::vector<QueueEntry> waiting{{10, 0, 1, false}, {90, 1, 1, false}};
  EXPECT_EQ(look.pick(waiting, 50), 1u);  // up first: 90
  EXPECT_TRUE(look.moving_up());
  waiting = {{10, 0, 1, false}, {40, 2, 1, false}};
  EXPECT_EQ(look.pick(waiting, 90), 1u);  // nothing above 90: reverse, nearest below is 40
  EXPECT_FALSE(look.moving_up());
  waiting = {{10, 0, 1, false}, {45, 3, 1, false}};
  EXPECT_EQ(look.pick(waiting, 40), 0u);  // still moving down: 10, though 45 is nearer
}

TEST(DiskQueue, TiesGoToTheOldest) {
  std::vector<QueueEntry> waiting{{60, 0, 1, false}, {40, 1, 1, false}, {40, 2, 1, false}};
  DiskQueue sstf(QueuePolicy::kSstf);
  EXPECT_EQ(sstf.pick(waiting, 50), 0u);  // 60 and 40 are both 10 away: the oldest, 60
  DiskQueue look(QueuePolicy::kLook);
  EXPECT_EQ(look.pick(waiting, 30), 1u);  // two requests on 40: the older one
  // A request on the head's own cylinder counts as ahead, whichever way LOOK moves.
  waiting = {{80, 0, 1, false}, {30, 1, 1, false}};
  EXPECT_EQ(look.pick(waiting, 30), 1u);
}

TEST(DiskQueue, NeverServesACommandBeforeAnOlderOverlappingWrite) {
  // A write of sectors 100..107 on cylinder 90, then a read of 104 on cylinder 90,
  // then a read elsewhere on cylinder 10. SSTF from 5 would take the nearest (10),
  // then it may not take the read of 104 before the write it overlaps.
  std::vector<QueueEntry> waiting{{90, 100, 8, true}, {90, 104, 1, false}, {10, 5'000, 4, false}};
  DiskQueue sstf(QueuePolicy::kSstf);
  EXPECT_EQ(sstf.pick(waiting, 5), 2u);
  waiting.pop_back();
  // Even with the head right on the read's cylinder, the older write goes first.
  waiting[1].cylinder = 50;
  EXPECT_EQ(sstf.pick(waiting, 50), 0u);  // the read is blocked behind the write
  // Reads do not block reads, and writes to different sectors do not block.
  EXPECT_FALSE(must_follow({0, 100, 8, false}, {0, 104, 1, false}));
  EXPECT_TRUE(must_follow({0, 100, 8, false}, {0, 104, 1, true}));
  EXPECT_TRUE(must_follow({0, 100, 8, true}, {0, 107, 1, true}));
  EXPECT_FALSE(must_follow({0, 100, 8, true}, {0, 108, 1, true}));
  EXPECT_FALSE(must_follow({0, 100, 0, true}, {0, 90, 20, true}));  // touches nothing
}

TEST(DiskQueue, FcfsAndASingleCommandAlwaysPickTheFirst) {
  std::vector<QueueEntry> one{{500, 0, 1, false}};
  DiskQueue look(QueuePolicy::kLook);
  EXPECT_EQ(look.pick(one, 0), 0u);
  DiskQueue fcfs(QueuePolicy::kFcfs);
  std::vector<QueueEntry> two{{500, 0, 1, false}, {0, 1, 1, false}};
  EXPECT_EQ(fcfs.pick(two, 0), 0u);
}

}  // namespace
}  // namespace iosim
