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

// ---------------------------------------------------------------- hold

// While "a" holds the bus, "b" (arriving at 100) and "c" (at 200) wait; at the
// release (500) they go in arrival order, first come first served: b occupies
// [500, 526) and c [526, 552) (64 bytes: 10 + 8 * 2 = 26 ns each).
TEST(Bus, HoldKeepsOtherInitiatorsWaitingInArrivalOrderUntilRelease) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 64 * 1024, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    std::vector<std::uint8_t> data(64);
    Ns b_done = -1, c_done = -1;
    Script a(
        "a", bus,
        [&](Script& s) {
          bus_hold(s.socket);
          EXPECT_EQ(bus.holder(), 0);
          s.wait_ns(300);
          EXPECT_TRUE(s.write_bytes(0x0, data));  // the holder still gets the bus: [300, 326)
          s.wait_until(500);
          bus_release(s.socket);
        },
        Script::kKeepRunning);
    Script b(
        "b", bus,
        [&](Script& s) {
          s.wait_until(100);
          EXPECT_TRUE(s.write_bytes(0x100, data));
          b_done = now_ns();
        },
        Script::kKeepRunning);
    Script c(
        "c", bus,
        [&](Script& s) {
          s.wait_until(200);
          EXPECT_TRUE(s.write_bytes(0x200, data));
          c_done = now_ns();
        },
        Script::kKeepRunning);
    run({&a, &b, &c});
    EXPECT_EQ(b_done, 526);
    EXPECT_EQ(c_done, 552);
    const auto& st = bus.initiator_stats();
    EXPECT_EQ(st[0].held_ns, 500);
    EXPECT_EQ(st[1].wait_ns, 400);  // 100 -> 500
    EXPECT_EQ(st[2].wait_ns, 326);  // 200 -> 526
    EXPECT_EQ(bus.holder(), -1);
  });
}

// ---------------------------------------------------------------- streams

// A memory stream (a core's memory traffic) takes exactly its bus time on an
// idle bus. An access that arrives during it starts at once and pushes the
// stream's end back by the access's occupancy.
TEST(Bus, StreamYieldsToAccessesAndIsDelayedByTheirOccupancy) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 64 * 1024, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Ns first = -1, second = -1, access_done = -1;
    Script core(
        "core", bus,
        [&](Script& s) {
          EXPECT_EQ(bus_stream(s.socket, 400), 0);
          first = now_ns();  // idle bus: exactly 400
          EXPECT_EQ(bus_stream(s.socket, 400), 0);
          second = now_ns();  // 400 + 400 + the 26 ns access at 600
        },
        Script::kKeepRunning);
    Script dev(
        "dev", bus,
        [&](Script& s) {
          s.wait_until(600);
          std::vector<std::uint8_t> data(64);
          EXPECT_TRUE(s.write_bytes(0x0, data));
          access_done = now_ns();
        },
        Script::kKeepRunning);
    run({&core, &dev});
    EXPECT_EQ(first, 400);
    EXPECT_EQ(access_done, 626) << "the access did not wait for the stream";
    EXPECT_EQ(second, 826);
    const auto& st = bus.initiator_stats();
    EXPECT_EQ(st[0].busy_ns, 800);
    EXPECT_EQ(st[0].wait_ns, 26);
    EXPECT_EQ(st[0].bytes, 2u * (400 / 2) * 8);  // floor(400 / cycle) beats of 8 bytes each
  });
}

// A stream that has had all its bus time ends then, even if an access
// arrives in that same nanosecond.
TEST(Bus, StreamEndsOnTimeWhenAnAccessArrivesAsItEnds) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 4096, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Ns done = -1;
    Script core(
        "core", bus,
        [&](Script& s) {
          EXPECT_EQ(bus_stream(s.socket, 400), 0);
          done = now_ns();
        },
        Script::kKeepRunning);
    Script dev(
        "dev", bus,
        [&](Script& s) {
          s.wait_until(400);
          s.write(0x0, 1);
        },
        Script::kKeepRunning);
    run({&core, &dev});
    EXPECT_EQ(done, 400);
  });
}

// Another initiator's hold freezes a stream until the release.
TEST(Bus, StreamStallsWhileAnotherInitiatorHoldsTheBus) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 4096, 0);  // (a bus needs a target bound)
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Ns done = -1;
    Script core(
        "core", bus,
        [&](Script& s) {
          EXPECT_EQ(bus_stream(s.socket, 400), 0);
          done = now_ns();
        },
        Script::kKeepRunning);
    Script dma(
        "dma", bus,
        [&](Script& s) {
          s.wait_until(100);
          bus_hold(s.socket);
          s.wait_until(1'100);
          bus_release(s.socket);
        },
        Script::kKeepRunning);
    run({&core, &dma});
    EXPECT_EQ(done, 1'400);  // 100 before the hold, 300 after it
    EXPECT_EQ(bus.initiator_stats()[0].wait_ns, 1'000);
  });
}

// Streams of two initiators are served one at a time, in arrival order.
TEST(Bus, StreamsAreServedOneAtATime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 4096, 0);  // (a bus needs a target bound)
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    std::vector<Ns> done(2, -1);
    auto body = [&](int i) {
      return [&, i](Script& s) {
        EXPECT_EQ(bus_stream(s.socket, 300), 0);
        done[static_cast<std::size_t>(i)] = now_ns();
      };
    };
    Script a("a", bus, body(0), Script::kKeepRunning);
    Script b("b", bus, body(1), Script::kKeepRunning);
    run({&a, &b});
    std::vector<Ns> sorted = done;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<Ns>{300, 600}));
  });
}

// A stream given an abort event stops when it fires and reports the bus time
// it did not get.
TEST(Bus, StreamAbortReturnsTheUnfinishedBusTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 4096, 0);  // (a bus needs a target bound)
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    sc_core::sc_event stop;
    testing::Thread trigger("trigger", [&] {
      sc_core::wait(to_sc(250));
      stop.notify();
    });
    Script core("core", bus, [&](Script& s) {
      EXPECT_EQ(bus_stream(s.socket, 400, &stop), 150);
      EXPECT_EQ(now_ns(), 250);
    });
    run({&core});
    EXPECT_EQ(bus.initiator_stats()[0].busy_ns, 250);
  });
}

// ---------------------------------------------------------------- statistics

// Every access and stream is counted once, under its initiator; the
// per-initiator numbers add up to the bus totals, and utilisation is the
// busy time over the elapsed time.
TEST(Bus, PerInitiatorStatsAddUpToTheTotal) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", 64 * 1024, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Ns end = -1;
    Script a(
        "a", bus,
        [&](Script& s) {
          std::vector<std::uint8_t> data(20);
          EXPECT_TRUE(s.write_bytes(0x40, data));  // 16 ns
          s.read(0x10, 8);                         // 12 ns
          bus_hold(s.socket);
          s.write(0x10, 1, 4);  // 12 ns
          bus_release(s.socket);
        },
        Script::kKeepRunning);
    Script b(
        "b", bus,
        [&](Script& s) {
          s.read(0x20, 8);
          EXPECT_EQ(bus_stream(s.socket, 100), 0);
          s.wait_until(1'000);
          end = now_ns();
        },
        Script::kKeepRunning);
    run({&a, &b});
    const auto& st = bus.initiator_stats();
    ASSERT_EQ(st.size(), 2u);
    EXPECT_EQ(st[0].name, "a");
    EXPECT_EQ(st[1].name, "b");
    std::uint64_t requests = 0, bytes = 0;
    Ns busy = 0;
    for (const BusInitiatorStats& s : st) {
      requests += s.requests;
      bytes += s.bytes;
      busy += s.busy_ns;
    }
    EXPECT_EQ(requests, bus.stats().requests);
    EXPECT_EQ(bytes, bus.stats().bytes);
    EXPECT_EQ(busy, bus.stats().busy_ns);
    EXPECT_EQ(st[0].requests, 3u);
    EXPECT_EQ(st[0].bytes, 20u + 8u + 4u);
    EXPECT_EQ(st[0].busy_ns, 16 + 12 + 12);
    EXPECT_EQ(st[1].requests, 2u);          // one read, one stream
    EXPECT_EQ(st[1].busy_ns, 12 + 100);     // the stream's 100 ns count as bus time
    EXPECT_EQ(st[1].bytes, 8u + 50u * 8u);  // the stream: floor(100 / 2) beats of 8 bytes
    EXPECT_EQ(bus.busy_by_initiator(), (std::vector<Ns>{40, 112}));
    EXPECT_EQ(end, 1'000);
    EXPECT_DOUBLE_EQ(bus.utilisation(1'000), 152.0 / 1'000.0);
    EXPECT_DOUBLE_EQ(bus.utilisation(0), 0.0);
  });
}

}  // namespace
}  // namespace iosim
