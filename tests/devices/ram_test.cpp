#include "devices/ram.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "devices/bus.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::pattern;
using testing::ram_bytes;
using testing::run;
using testing::Script;

constexpr BusTiming kTiming{.latency = 10, .width = 8, .cycle = 1};
constexpr std::uint64_t kRamSize = 64 * 1024;

TEST(Ram, WrittenBytesReadBack) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", kRamSize, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Script tb("tb", bus, [&](Script& s) {
      std::vector<std::uint8_t> data = pattern(100, 3);
      EXPECT_TRUE(s.write_bytes(0x123, data));
      std::vector<std::uint8_t> back(100);
      EXPECT_TRUE(s.read_bytes(0x123, back));
      EXPECT_EQ(back, data);
      s.write(0x800, 0x1122334455667788);
      EXPECT_EQ(s.read(0x800), 0x1122334455667788u);
      EXPECT_EQ(s.read(0x802, 2), 0x5566u);  // little endian
    });
    run({&tb});
  });
}

TEST(Ram, AccessAcrossPageBoundaryReadsBack) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", kRamSize, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    std::vector<std::uint8_t> data = pattern(64, 9);
    Script tb("tb", bus, [&](Script& s) {
      EXPECT_TRUE(s.write_bytes(4096 - 20, data));  // 20 bytes in page 0, 44 in page 1
      std::vector<std::uint8_t> back(64);
      EXPECT_TRUE(s.read_bytes(4096 - 20, back));
      EXPECT_EQ(back, data);
    });
    run({&tb});
    EXPECT_EQ(ram.pages_touched(), 2u);
    EXPECT_EQ(ram_bytes(ram, 4096 - 20, 64), data);
  });
}

TEST(Ram, UnwrittenMemoryReadsZero) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", kRamSize, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Script tb("tb", bus, [&](Script& s) {
      s.write(0x1000, 0xffffffffffffffff);
      EXPECT_EQ(s.read(0x1008), 0u);  // same page, never written
      EXPECT_EQ(s.read(0x9000), 0u);  // page never touched
      std::vector<std::uint8_t> back(16, 0xaa);
      EXPECT_TRUE(s.read_bytes(kRamSize - 16, back));
      EXPECT_EQ(back, std::vector<std::uint8_t>(16, 0));
    });
    run({&tb});
    EXPECT_EQ(ram.pages_touched(), 1u);  // reads allocate nothing
  });
}

TEST(Ram, LatencyAddsToBusTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", kRamSize, 30);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    Ns read_time = -1;
    Ns write_time = -1;
    Script tb("tb", bus, [&](Script& s) {
      Ns start = now_ns();
      s.read(0x40);
      read_time = now_ns() - start;
      start = now_ns();
      std::vector<std::uint8_t> data(64);
      EXPECT_TRUE(s.write_bytes(0x40, data));
      write_time = now_ns() - start;
    });
    run({&tb});
    EXPECT_EQ(read_time, 10 + 1 + 30);   // bus latency + 1 beat + RAM latency
    EXPECT_EQ(write_time, 10 + 8 + 30);  // 64 bytes = 8 beats
  });
}

TEST(Ram, OutOfRangeAccessIsAnError) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", kRamSize, 0);
    bus.attach_target(ram.socket, 0, 2 * kRamSize, "ram");  // window larger than the RAM
    Script tb("tb", bus, [&](Script& s) {
      std::uint64_t value = 0;
      EXPECT_TRUE(s.try_read(kRamSize - 8, &value));   // the last word
      EXPECT_FALSE(s.try_read(kRamSize - 4, &value));  // runs past the end
      EXPECT_FALSE(s.try_write(kRamSize, 1));
      EXPECT_FALSE(s.try_read(kRamSize + 0x100, &value));
    });
    run({&tb});
    std::vector<std::uint8_t> buffer(8);
    EXPECT_THROW(ram.read(kRamSize - 4, buffer), std::out_of_range);
    EXPECT_THROW(ram.write(kRamSize, buffer), std::out_of_range);
    EXPECT_NO_THROW(ram.read(kRamSize - 8, buffer));
  });
}

TEST(Ram, BackdoorAgreesWithTlm) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", kTiming);
    Ram ram("ram", kRamSize, 0);
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    std::vector<std::uint8_t> by_backdoor = pattern(300, 1);
    std::vector<std::uint8_t> by_tlm = pattern(300, 200);
    ram.write(0x2000, by_backdoor);
    Script tb("tb", bus, [&](Script& s) {
      std::vector<std::uint8_t> back(300);
      EXPECT_TRUE(s.read_bytes(0x2000, back));
      EXPECT_EQ(back, by_backdoor);
      EXPECT_TRUE(s.write_bytes(0x3000, by_tlm));
    });
    run({&tb});
    EXPECT_EQ(ram_bytes(ram, 0x3000, 300), by_tlm);
  });
}

}  // namespace
}  // namespace iosim
