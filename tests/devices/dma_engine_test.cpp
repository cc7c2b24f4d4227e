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

// ---------------------------------------------------------------- modes

// A second bus master (standing for a CPU core) reads the channel's STATUS
// register (no target time: it costs 10 + 1 = 11 ns of bus time) 1,000 ns
// after the CTRL write that starts a 4096-byte transfer.
struct Contention {
  Ns issued = -1;     // when the CTRL write was issued (= the channel's start)
  Ns core_done = -1;  // when the core's read completed
  std::uint64_t status_seen = 0;
};

void run_contention(Bench& b, std::uint64_t ctrl, Contention& c) {
  Script tb("tb", b.bus, [&](Script& s) {
    b.program(s, 0, 0x1000, 0x8000, 4096);  // 3 writes: 0 -> 33
    c.issued = now_ns();
    s.write(b.reg(0, DmaEngine::kCtrl), ctrl);
    s.wait_rises(b.done0, 1);
    s.wait_ns(1'000);
  });
  Script core(
      "core", b.bus,
      [&](Script& s) {
        s.wait_until(33 + 1'000);
        c.status_seen = s.read(b.reg(0, DmaEngine::kStatus));
        c.core_done = now_ns();
      },
      Script::kKeepRunning);
  run({&tb, &core});
}

// Burst mode: the channel holds the bus from its start to its end, so the
// core's read waits for the whole transfer, then takes its own 11 ns.
TEST(DmaEngine, BurstModeBlocksACoreAccessUntilTheTransferEnds) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Contention c;
    run_contention(b, DmaEngine::kStart | DmaEngine::kBurstMode, c);
    // The transfer: the first burst waits 11 ns for the CTRL write, then
    // 64 bursts of 2 * (10 + 8 + 20) = 76 ns: 11 + 4,864 = 4,875 ns.
    const Ns transfer_end = 33 + 4'875;
    ASSERT_EQ(c.issued, 33);
    EXPECT_EQ(b.done0.rises(), (std::vector<Ns>{transfer_end}));
    EXPECT_EQ(c.core_done, transfer_end + b.bus.occupancy(8));  // 4,908 + 11 = 4,919
    EXPECT_EQ(c.status_seen, 0u) << "the core saw the channel already done";
    const auto& stats = b.bus.initiator_stats();
    EXPECT_EQ(stats[2].name, "core");
    EXPECT_EQ(stats[2].wait_ns, transfer_end - (33 + 1'000));  // 3,875 ns in line
    EXPECT_EQ(stats[0].held_ns, 4'875);                        // "dma" held the bus
    EXPECT_EQ(b.bus.holder(), -1);
  });
}

// Cycle stealing: the core's read goes between two of the channel's bursts.
// Bus windows of burst k (relative to the start at 33): read [11 + 76k,
// 29 + 76k), write [49 + 76k, 67 + 76k). The read arrives at 1,000 = 11 + 76*13
// + 1, in the read window of burst 13 (occupancy 18), so it waits 17 ns, runs
// 11 ns and completes at 1,028: within one burst access of its arrival.
TEST(DmaEngine, CycleStealingLetsACoreAccessThroughAfterAtMostOneBurst) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Contention c;
    run_contention(b, DmaEngine::kStart, c);
    EXPECT_EQ(c.core_done, 33 + 1'028);
    EXPECT_LE(c.core_done - (33 + 1'000), b.bus.occupancy(kBurst) + b.bus.occupancy(8));
    EXPECT_EQ(c.status_seen, DmaEngine::kBusy) << "the transfer was still running";
    // The burst-13 write arrives at 11 + 76*13 + 38 = 1,037, after the core's
    // read has left the bus (1,028): the transfer is not delayed at all.
    EXPECT_EQ(b.done0.rises(), (std::vector<Ns>{33 + 4'875}));
  });
}

// Two channels: one in burst mode holds the engine's bus port, so the other
// channel's bursts wait until it is done even though they share an initiator.
TEST(DmaEngine, BurstModeChannelAlsoHoldsOffTheOtherChannels) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.program(s, 1, 0x2000, 0x9000, 1024);  // six 11 ns writes: 0 -> 66
      b.program(s, 0, 0x1000, 0x8000, 1024);
      s.write(b.reg(1, DmaEngine::kCtrl), DmaEngine::kStart);  // issued at 66
      s.write(b.reg(0, DmaEngine::kCtrl), DmaEngine::kStart | DmaEngine::kBurstMode);  // at 77
      s.wait_rises(b.done0, 1);
      s.wait_rises(b.done1, 1);
    });
    run({&tb});
    // Bus: CTRL1 [66, 77); channel 1's first read [77, 95); CTRL0 [95, 106).
    // Channel 0 holds the bus from 77 and copies 16 bursts of 76 ns from 106:
    // done at 106 + 1,216 = 1,322. Channel 1's first write (ready at 95 + 20 =
    // 115) waits for that: 1,322 + (18 + 20) = 1,360, then 15 bursts of 76 ns:
    // done at 1,360 + 1,140 = 2,500.
    EXPECT_EQ(b.done0.rises(), (std::vector<Ns>{1'322}));
    EXPECT_EQ(b.done1.rises(), (std::vector<Ns>{2'500}));
  });
}

// CTRL reads back the value that started the current or last transfer; a
// CTRL write while the channel is busy changes nothing.
TEST(DmaEngine, CtrlReadsBackTheModeThatStartedTheTransfer) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.program(s, 0, 0x1000, 0x8000, 64);
      s.write(b.reg(0, DmaEngine::kCtrl), DmaEngine::kStart | DmaEngine::kBurstMode);
      s.wait_rises(b.done0, 1);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kCtrl)), DmaEngine::kStart | DmaEngine::kBurstMode);
      b.program(s, 0, 0x1000, 0x8000, 4096);
      s.write(b.reg(0, DmaEngine::kCtrl), DmaEngine::kStart);
      s.write(b.reg(0, DmaEngine::kCtrl), DmaEngine::kStart | DmaEngine::kScatter);  // busy
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kCtrl)), DmaEngine::kStart);
      s.wait_rises(b.done0, 2);
    });
    run({&tb});
    EXPECT_EQ(b.dma.stats().requests, 2u);
  });
}

// ---------------------------------------------------------------- scatter-gather

// Writes one 32-byte descriptor {src, dst, len, next} (little-endian) into RAM.
void put_descriptor(Ram& ram, std::uint64_t at, std::uint64_t src, std::uint64_t dst,
                    std::uint64_t len, std::uint64_t next) {
  std::vector<std::uint8_t> raw(DmaEngine::kDescriptorBytes);
  const std::uint64_t field[4] = {src, dst, len, next};
  for (std::size_t i = 0; i < raw.size(); ++i)
    raw[i] = static_cast<std::uint8_t>(field[i / 8] >> (8 * (i % 8)));
  ram.write(at, raw);
}

// Three discontiguous regions, listed out of address order (0x100 -> 0x300 ->
// 0x200), each copied byte for byte; the bytes around every destination stay
// untouched; done pulses once, after the last descriptor.
TEST(DmaEngine, ScatterGatherCopiesThreeRegionsExactlyAndPulsesDoneOnce) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    struct Region {
      std::uint64_t src, dst;
      std::vector<std::uint8_t> data;
    };
    const std::vector<Region> regions = {{0x1000, 0x8000, pattern(100, 3)},
                                         {0x3000, 0x9100, pattern(300, 40)},
                                         {0x5000, 0x7000, pattern(64, 99)}};
    for (const Region& r : regions) {
      b.ram.write(r.src, r.data);
      b.ram.write(r.dst - 16, std::vector<std::uint8_t>(r.data.size() + 32, 0xee));
    }
    put_descriptor(b.ram, 0x100, 0x1000, 0x8000, 100, 0x300);
    put_descriptor(b.ram, 0x300, 0x3000, 0x9100, 300, 0x200);
    put_descriptor(b.ram, 0x200, 0x5000, 0x7000, 64, 0);
    Ns issued = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(b.reg(0, DmaEngine::kDesc), 0x100);
      issued = now_ns();
      s.write(b.reg(0, DmaEngine::kCtrl), DmaEngine::kStart | DmaEngine::kScatter);
      s.wait_rises(b.done0, 1);
      s.wait_ns(10 * kUs);  // long enough for a stray second pulse
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kMoved)), 464u);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kStatus)), 0u);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kSrc)), 0x5000u);  // the last descriptor's
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kLen)), 64u);
    });
    run({&tb});
    for (const Region& r : regions) {
      EXPECT_EQ(ram_bytes(b.ram, r.dst, r.data.size()), r.data);
      EXPECT_EQ(ram_bytes(b.ram, r.dst - 16, 16), std::vector<std::uint8_t>(16, 0xee));
      EXPECT_EQ(ram_bytes(b.ram, r.dst + r.data.size(), 16), std::vector<std::uint8_t>(16, 0xee));
    }
    // 11 (CTRL write) + 3 descriptor reads of (10 + 4 + 20) = 102, then
    //   100 B: 76 + 2 * (10 + 5 + 20) = 146;  300 B: 4 * 76 + 2 * (10 + 6 + 20) = 376;
    //   64 B: 76.  Total 11 + 102 + 146 + 376 + 76 = 711 ns.
    EXPECT_EQ(b.done0.rises(), (std::vector<Ns>{issued + 711}));
    EXPECT_EQ(b.dma.stats().bytes, 464u);
    EXPECT_EQ(b.dma.stats().requests, 1u);
  });
}

// A descriptor that cannot be read stops the channel with an error; the bytes
// of the descriptors before it were moved, and done still pulses once.
TEST(DmaEngine, ScatterGatherBadDescriptorStopsWithError) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    put_descriptor(b.ram, 0x100, 0x1000, 0x8000, 128, 0xdead'0000);  // next is unmapped
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(b.reg(0, DmaEngine::kDesc), 0x100);
      s.write(b.reg(0, DmaEngine::kCtrl),
              DmaEngine::kStart | DmaEngine::kScatter | DmaEngine::kBurstMode);
      s.wait_rises(b.done0, 1);
      s.wait_ns(1);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kStatus)), DmaEngine::kError);
      EXPECT_EQ(s.read(b.reg(0, DmaEngine::kMoved)), 128u);
    });
    run({&tb});
    EXPECT_EQ(b.done0.count(), 1u);
    EXPECT_EQ(b.bus.holder(), -1) << "the bus is released after an error too";
  });
}

}  // namespace
}  // namespace iosim
