#include "devices/dma_engine.h"

#include <gtest/gtest.h>

#include <vector>

#include "devices/bus.h"
#include "devices/ram.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::IrqWire;
using testing::pattern;
using testing::ram_bytes;
using testing::run;
using testing::Script;

constexpr BusTiming kTiming{.latency = 10, .width = 8, .cycle = 1};
constexpr Ns kRamLatency = 20;
constexpr std::uint32_t kBurst = 64;
constexpr std::uint64_t kDmaBase = 0x100000;

// RAM at 0, a two-channel DMA engine with 64-byte bursts.
struct Bench {
  Bus bus{"bus", kTiming};
  Ram ram{"ram", 1024 * 1024, kRamLatency};
  DmaEngine dma{"dma", 2, kBurst};
  IrqWire done0{"done0"};
  IrqWire done1{"done1"};

  Bench() {
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    bus.attach_target(dma.regs, kDmaBase, dma.regs_size(), "dma");
    bus.attach_initiator(dma.bus, "dma");
    dma.done[0].line(done0.signal);
    dma.done[1].line(done1.signal);
  }

  static std::uint64_t reg(int ch, std::uint64_t offset) {
    return kDmaBase + DmaEngine::kChannelStride * static_cast<std::uint64_t>(ch) + offset;
  }
  void program(Script& s, int ch, std::uint64_t src, std::uint64_t dst, std::uint64_t len) {
    s.write(reg(ch, DmaEngine::kSrc), src);
    s.write(reg(ch, DmaEngine::kDst), dst);
    s.write(reg(ch, DmaEngine::kLen), len);
  }
  void start(Script& s, int ch) { s.write(reg(ch, DmaEngine::kCtrl), 1); }
};

TEST(DmaEngine, CopiesExactlyLenBytes) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    const std::uint64_t a = 0x1000;
    const std::uint64_t dst = 0x8000;
    std::vector<std::uint8_t> data = pattern(1000, 5);  // 15 full bursts and one of 40
    b.ram.write(a, data);
    b.ram.write(dst - 16, std::vector<std::uint8_t>(16 + 1000 + 64, 0xee));
    Script tb("tb", b.bus, [&](Script& s) {
      b.program(s, 0, a, dst, data.size());
      b.start(s, 0);
      s.wait_rises(b.done0, 1);
      s.wait_ns(100);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kMoved)), 1000u);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kStatus)), 0u);
    });
    run({&tb});
    EXPECT_EQ(ram_bytes(b.ram, dst, 1000), data);
    EXPECT_EQ(ram_bytes(b.ram, dst - 16, 16), std::vector<std::uint8_t>(16, 0xee));
    EXPECT_EQ(ram_bytes(b.ram, dst + 1000, 64), std::vector<std::uint8_t>(64, 0xee));
    EXPECT_EQ(ram_bytes(b.ram, a, 1000), data);  // the source is left alone
  });
}

TEST(DmaEngine, DoneLinePulsesOncePerTransfer) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::size_t> after;
    Script tb("tb", b.bus, [&](Script& s) {
      for (std::size_t k = 1; k <= 3; ++k) {
        b.program(s, 0, 0x1000, 0x9000, 256 * k);
        b.start(s, 0);
        s.wait_rises(b.done0, k);
        s.wait_ns(10 * kUs);  // long enough for a stray second pulse
        after.push_back(b.done0.count());
      }
    });
    run({&tb});
    EXPECT_EQ(after, (std::vector<std::size_t>{1, 2, 3}));
    EXPECT_EQ(b.done1.count(), 0u);
    EXPECT_FALSE(b.done0.high());
  });
}

TEST(DmaEngine, TransferTimeIsTheSumOfBurstBusTimes) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns issued = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      b.program(s, 0, 0x1000, 0x8000, 1000);
      issued = now_ns();
      b.start(s, 0);
      s.wait_rises(b.done0, 1);
    });
    run({&tb});
    // The channel starts when the CTRL write is issued; its first burst waits
    // for that write to leave the bus: 10 + 1 = 11 ns. Each burst is a read and
    // a write, each latency + ceil(n / 8) * 1 + RAM latency 20:
    //   64-byte burst: 2 * (10 + 8 + 20) = 76 ns, 15 of them = 1140 ns
    //   last 40 bytes: 2 * (10 + 5 + 20) = 70 ns
    const Ns transfer = 11 + 15 * 76 + 70;
    EXPECT_EQ(transfer, b.bus.occupancy(8) + 15 * 2 * (b.bus.occupancy(kBurst) + kRamLatency) +
                            2 * (b.bus.occupancy(40) + kRamLatency));
    EXPECT_EQ(b.done0.rises(), (std::vector<Ns>{issued + transfer}));
    EXPECT_EQ(b.dma.stats().busy_ns, transfer);
    EXPECT_EQ(b.dma.stats().bytes, 1000u);
    EXPECT_EQ(b.dma.stats().requests, 1u);
  });
}

TEST(DmaEngine, TwoChannelsBothComplete) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint8_t> first = pattern(700, 1);
    std::vector<std::uint8_t> second = pattern(900, 77);
    b.ram.write(0x10000, first);
    b.ram.write(0x20000, second);
    Script tb("tb", b.bus, [&](Script& s) {
      b.program(s, 0, 0x10000, 0x30000, first.size());
      b.program(s, 1, 0x20000, 0x40000, second.size());
      b.start(s, 0);
      b.start(s, 1);
      s.wait_rises(b.done0, 1);
      s.wait_rises(b.done1, 1);
    });
    run({&tb});
    EXPECT_EQ(ram_bytes(b.ram, 0x30000, first.size()), first);
    EXPECT_EQ(ram_bytes(b.ram, 0x40000, second.size()), second);
    EXPECT_EQ(b.dma.stats().bytes, 700u + 900u);
  });
}

TEST(DmaEngine, StatusIsBusyWhileRunning) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.program(s, 0, 0x1000, 0x8000, 4096);
      b.start(s, 0);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kStatus)), DmaEngine::kBusy);
      EXPECT_LT(s.read(b.reg(0, DmaEngine::kMoved)), 4096u);
      s.wait_rises(b.done0, 1);
      s.wait_ns(1);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kStatus)), 0u);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kMoved)), 4096u);
    });
    run({&tb});
  });
}

TEST(DmaEngine, StartWhileBusyIsIgnored) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.program(s, 0, 0x1000, 0x8000, 4096);
      b.start(s, 0);
      b.start(s, 0);  // still busy: no second transfer
      s.wait_rises(b.done0, 1);
      s.wait_ns(100 * kUs);
    });
    run({&tb});
    EXPECT_EQ(b.done0.count(), 1u);
    EXPECT_EQ(b.dma.stats().requests, 1u);
  });
}

TEST(DmaEngine, BusErrorStopsTheChannelWithErrorAndStillPulsesDone) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      // The destination runs off the end of RAM after 128 bytes.
      b.program(s, 0, 0x1000, b.ram.size() - 128, 1000);
      b.start(s, 0);
      s.wait_rises(b.done0, 1);
      s.wait_ns(1);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kStatus)), DmaEngine::kError);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kMoved)), 128u);
    });
    run({&tb});
  });
}

}  // namespace
}  // namespace iosim
