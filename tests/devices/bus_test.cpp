#include "devices/bus.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "devices/ram.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::run;
using testing::Script;

// latency 10 ns, 8-byte beats of 2 ns each.
constexpr BusTiming kTiming{.latency = 10, .width = 8, .cycle = 2};

TEST(Bus, AccessCostsLatencyPlusBeats) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 64 * 1024, 0);  // no RAM latency: only the bus costs time
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    std::vector<Ns> elapsed;
    Script tb("tb", bus, [&](Script& s) {
      for (std::uint32_t bytes : {1u, 8u, 9u, 20u, 64u}) {
        std::vector<std::uint8_t> data(bytes);
        Ns start = now_ns();
        EXPECT_TRUE(s.write_bytes(0x100, data));
        elapsed.push_back(now_ns() - start);
      }
    });
    run({&tb});
    // 10 + ceil(bytes / 8) * 2: 1 -> 1 beat, 8 -> 1, 9 -> 2, 20 -> 3, 64 -> 8.
    EXPECT_EQ(elapsed, (std::vector<Ns>{12, 12, 14, 16, 26}));
    EXPECT_EQ(bus.occupancy(20), 16);
  });
}

TEST(Bus, ContendingInitiatorsSerialise) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 64 * 1024, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    std::vector<Ns> finished;
    auto body = [&](Script& s) {
      std::vector<std::uint8_t> data(64);
      EXPECT_TRUE(s.write_bytes(0x200, data));
      finished.push_back(now_ns());
    };
    Script a("a", bus, body, Script::kKeepRunning);
    Script b("b", bus, body, Script::kKeepRunning);
    run({&a, &b});
    // Both arrive at t=0; each occupies 10 + 8 * 2 = 26 ns, the second after the first.
    std::sort(finished.begin(), finished.end());
    EXPECT_EQ(finished, (std::vector<Ns>{26, 52}));
    EXPECT_EQ(bus.busy_by_initiator(), (std::vector<Ns>{26, 26}));
  });
}

TEST(Bus, UnmappedAddressIsAnAddressError) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 4096, 0);
    bus.attach_target(ram.socket, 0x1000, ram.size(), "ram");
    Script tb("tb", bus, [&](Script& s) {
      std::uint64_t value = 0;
      EXPECT_FALSE(s.try_read(0x0, &value));
      EXPECT_FALSE(s.try_write(0x2000, 1));  // just past the RAM window
      EXPECT_TRUE(s.try_read(0x1000, &value));
    });
    run({&tb});
    EXPECT_EQ(bus.stats().requests, 1u);  // refused accesses are not counted
  });
}

TEST(Bus, StatsAddUp) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 64 * 1024, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Script tb("tb", bus, [&](Script& s) {
      s.write(0x10, 1, 4);
      s.read(0x10, 8);
      std::vector<std::uint8_t> data(20);
      EXPECT_TRUE(s.write_bytes(0x40, data));
    });
    run({&tb});
    EXPECT_EQ(bus.stats().requests, 3u);
    EXPECT_EQ(bus.stats().bytes, 4u + 8u + 20u);
    // 12 + 12 + 16 ns (see AccessCostsLatencyPlusBeats).
    EXPECT_EQ(bus.stats().busy_ns, 40);
    EXPECT_EQ(bus.busy_by_initiator(), (std::vector<Ns>{40}));
    EXPECT_EQ(bus.initiator_names(), (std::vector<std::string>{"tb"}));
  });
}

TEST(Bus, OverlappingTargetsThrow) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    // (separate declarations: a comma here would split the EXPECT_CHILD_PASSES argument)
    Ram a("a", 0x1000, 0);
    Ram b("b", 0x1000, 0);
    Ram c("c", 0x1000, 0);
    bus.attach_target(a.socket, 0x1000, 0x1000, "a");
    EXPECT_THROW(bus.attach_target(b.socket, 0x1800, 0x1000, "b"), std::invalid_argument);
    EXPECT_THROW(bus.attach_target(b.socket, 0x0800, 0x1000, "b"), std::invalid_argument);
    EXPECT_NO_THROW(bus.attach_target(c.socket, 0x2000, 0x1000, "c"));  // adjacent is fine
  });
}

}  // namespace
}  // namespace iosim
