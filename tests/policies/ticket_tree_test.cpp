// TicketTree: the Fenwick tree behind lottery draws.
#include "kernel/policies/ticket_tree.h"

#include <gtest/gtest.h>

namespace iosim {
namespace {

TEST(TicketTree, EachTicketBelongsToTheSlotWhoseRangeHoldsIt) {
  TicketTree t;
  t.add(0, 3);  // tickets 0..2
  t.add(2, 5);  // tickets 3..7 (slot 1 holds none)
  t.add(3, 1);  // ticket 8
  EXPECT_EQ(t.total(), 9);
  EXPECT_EQ(t.find(0), 0u);
  EXPECT_EQ(t.find(2), 0u);
  EXPECT_EQ(t.find(3), 2u);
  EXPECT_EQ(t.find(7), 2u);
  EXPECT_EQ(t.find(8), 3u);
}

TEST(TicketTree, RemovingTicketsShiftsTheRanges) {
  TicketTree t;
  t.add(0, 3);
  t.add(1, 4);
  t.add(0, -3);
  EXPECT_EQ(t.total(), 4);
  EXPECT_EQ(t.find(0), 1u);
}

TEST(TicketTree, GrowsPastItsFirstCapacityAndKeepsEarlierTickets) {
  TicketTree t;
  t.add(5, 2);
  t.add(1000, 7);
  EXPECT_EQ(t.total(), 9);
  EXPECT_EQ(t.find(1), 5u);
  EXPECT_EQ(t.find(2), 1000u);
  EXPECT_EQ(t.find(8), 1000u);
}

}  // namespace
}  // namespace iosim
