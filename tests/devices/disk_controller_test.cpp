#include "devices/disk_controller.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <span>
#include <vector>

#include "devices/bus.h"
#include "devices/disk_image.h"
#include "devices/dma_engine.h"
#include "devices/hdd_model.h"
#include "devices/interrupt_controller.h"
#include "devices/ram.h"
#include "devices/ssd_model.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::IrqWire;
using testing::pattern;
using testing::ram_bytes;
using testing::run;
using testing::Script;

using DC = DiskController;
using IC = InterruptController;
constexpr BusTiming kTiming{.latency = 10, .width = 8, .cycle = 1};
constexpr Ns kRamLatency = 20;
constexpr std::uint32_t kBurst = 256;
constexpr std::uint32_t kSectorBytes = 512;
constexpr std::uint64_t kDmaBase = 0x100000;
constexpr std::uint64_t kDiskBase = 0x200000;
constexpr std::uint64_t kBufferBase = 0x300000;
constexpr std::uint64_t kIcBase = 0x500000;

DiskControllerParams params() {
  DiskControllerParams p;  // default disk: the HP 97560, 1368 sectors per cylinder
  p.queue_depth = 4;
  p.dma_regs = kDmaBase;  // channel 0
  p.buffer_base = kBufferBase;
  return p;
}

DiskControllerParams ssd_params() {
  DiskControllerParams p = params();
  p.kind = DiskKind::kSsd;
  p.overhead = 10'000;  // 10 us: an SSD's firmware is quicker than the HP 97560's 2.2 ms
  return p;
}

constexpr std::uint64_t kCylinder = 19 * 72;  // sectors per cylinder of the default disk

// RAM, a one-channel DMA engine whose done line goes to the disk controller,
// and the controller with its registers and staging buffer on the bus.
struct Bench {
  Bus bus{"bus", kTiming};
  Ram ram;
  DmaEngine dma;
  DC disk;
  IrqWire dma_done{"dma_done"};
  IrqWire irq{"irq"};

  explicit Bench(DiskControllerParams p = params(), Ns ram_latency = kRamLatency,
                 std::uint32_t burst = kBurst)
      : ram("ram", 1024 * 1024, ram_latency), dma("dma", 1, burst), disk("disk", p) {
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    bus.attach_target(dma.regs, kDmaBase, dma.regs_size(), "dma");
    bus.attach_target(disk.regs, kDiskBase, DC::kRegsSize, "disk");
    bus.attach_target(disk.buffer, kBufferBase, disk.buffer_bytes(), "disk_buffer");
    bus.attach_initiator(dma.bus, "dma");
    bus.attach_initiator(disk.bus, "disk");
    dma.done[0].line(dma_done.signal);
    disk.dma_done(dma_done.signal);
    disk.irq.line(irq.signal);
  }

  static std::uint64_t reg(std::uint64_t offset) { return kDiskBase + offset; }
  // Programs one command and rings the doorbell; returns when the doorbell was issued.
  Ns submit(Script& s, std::uint64_t cmd, std::uint64_t lba, std::uint64_t count,
            std::uint64_t addr, std::uint64_t flags, std::uint64_t tag) {
    s.write(reg(DC::kCmd), cmd);
    s.write(reg(DC::kLba), lba);
    s.write(reg(DC::kCount), count);
    s.write(reg(DC::kAddr), addr);
    s.write(reg(DC::kFlags), flags);
    Ns issued = now_ns();
    s.write(reg(DC::kDoorbell), tag);
    return issued;
  }
  // The firmware's DMA copy of `bytes` (a whole number of kBurst bursts, idle bus):
  // it writes SRC, DST, LEN, CTRL (4 x 11 ns; the first burst waits for the CTRL
  // write to leave the bus), each burst is a buffer access (10 + 32) and a RAM
  // access (10 + 32 + 20) = 104 ns, then it reads STATUS (11 ns). 4 KiB: 1,719 ns.
  Ns copy_time(std::uint64_t bytes) const {
    return 4 * bus.occupancy(8) + bytes / kBurst * (2 * bus.occupancy(kBurst) + kRamLatency) +
           bus.occupancy(8);
  }
};

std::vector<std::uint8_t> factory_bytes(std::uint64_t lba, std::uint64_t count) {
  std::vector<std::uint8_t> out(count * kSectorBytes);
  for (std::uint64_t i = 0; i < count; ++i)
    DiskImage::factory_pattern(lba + i, std::span(out).subspan(i * kSectorBytes, kSectorBytes));
  return out;
}

TEST(DiskController, DmaReadDeliversTheSectorsAndTakesMediaPlusCopyTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    const std::uint64_t lba = kCylinder * 3 + 100;  // cylinder 3, head 1, sector 28
    const std::uint64_t addr = 0x10000;
    Ns doorbell = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      doorbell = b.submit(s, DC::kRead, lba, 8, addr, DC::kFlagDma | DC::kFlagIrq, 5);
      s.wait_rises(b.irq, 1);
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 5u << 1);
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), DC::kNoCompletion);
    });
    run({&tb});
    EXPECT_EQ(ram_bytes(b.ram, addr, 8 * kSectorBytes), factory_bytes(lba, 8));
    EXPECT_EQ(ram_bytes(b.ram, addr + 8 * kSectorBytes, 512), std::vector<std::uint8_t>(512, 0));
    EXPECT_EQ(ram_bytes(b.ram, addr - 512, 512), std::vector<std::uint8_t>(512, 0));

    // Mechanics: decode, then seek 0 -> 3, rotation evaluated when the seek ends, transfer.
    const Ns overhead = params().command_overhead();
    HddAccess a = HddModel(params().hdd).plan(doorbell + overhead, 0, lba, 8);
    const Ns mechanical = overhead + a.total();
    EXPECT_EQ(a.switches, 0);  // sectors 28..35 of one track
    // DMA copy of 4096 bytes in 16 bursts of 256: each a buffer read (10 + 32) and a
    // RAM write (10 + 32 + 20) = 104 ns. Around it the firmware writes SRC, DST, LEN,
    // CTRL (4 x 11 ns; the first burst waits for the CTRL write to leave the bus)
    // and reads STATUS (11 ns) after the done edge.
    const Ns bursts = 16 * (2 * b.bus.occupancy(kBurst) + kRamLatency);
    const Ns copy = b.copy_time(4096);
    EXPECT_EQ(bursts, 1'664);
    EXPECT_EQ(copy, 1'719);
    ASSERT_EQ(b.irq.count(), 1u);
    const Ns elapsed = b.irq.rises()[0] - doorbell;
    EXPECT_GE(elapsed, mechanical + bursts);
    EXPECT_EQ(elapsed, mechanical + copy);
    EXPECT_EQ(b.dma_done.count(), 1u);
  });
}

// docs/hardware.md section 9: one 64 KiB DMA read of LBA 0 with the default
// machine (RAM latency 50 ns, 64-byte DMA bursts), doorbell issued at 2,277 ns.
TEST(DiskController, WorkedExampleInTheDocsTakesTheDocumentedTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(params(), 50, 64);
    Ns doorbell = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.wait_until(2'277 - 5 * 11);  // submit() writes five registers before the doorbell
      doorbell = b.submit(s, DC::kRead, 0, 128, 0x10000, DC::kFlagDma | DC::kFlagIrq, 0);
      s.wait_rises(b.irq, 1);
    });
    run({&tb}, 100 * kMs);
    EXPECT_EQ(doorbell, 2'277);
    // decode 2,200,000 + seek 0 + rotate 12,790,227 + transfer 72 sectors 14,992,504
    // + head switch 1,600,000 + rotate 13,392,504 + transfer 56 sectors 11,660,837
    // + DMA programming 33 + DMA transfer 88,075 + STATUS read 11 = 56,724,191.
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{2'277 + 56'724'191}));
    EXPECT_EQ(b.disk.stats().busy_ns, 56'724'191);
    EXPECT_EQ(ram_bytes(b.ram, 0x10000, 128 * kSectorBytes), factory_bytes(0, 128));
  });
}

TEST(DiskController, DmaWriteThenReadBackReturnsTheWrittenBytes) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint8_t> data = pattern(8 * kSectorBytes, 42);
    b.ram.write(0x20000, data);
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, DC::kWrite, 777, 8, 0x20000, DC::kFlagDma | DC::kFlagIrq, 1);
      s.wait_rises(b.irq, 1);
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 1u << 1);
      b.submit(s, DC::kRead, 777, 8, 0x40000, DC::kFlagDma | DC::kFlagIrq, 2);
      s.wait_rises(b.irq, 2);
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 2u << 1);
    });
    run({&tb});
    EXPECT_EQ(ram_bytes(b.ram, 0x40000, data.size()), data);
    std::vector<std::uint8_t> on_disk(data.size());
    b.disk.image().read(777, 8, on_disk);
    EXPECT_EQ(on_disk, data);
    EXPECT_EQ(b.disk.image().sectors_written(), 8u);
  });
}

TEST(DiskController, PioReadServesTheSectorsThroughData) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint8_t> got;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, DC::kRead, 50, 2, 0, 0, 7);
      while (!(s.read(b.reg(DC::kStatus)) & DC::kDrq))
        s.wait_ns(kUs);
      for (int w = 0; w < 2 * 512 / 4; ++w) {
        std::uint64_t word = s.read(b.reg(DC::kData), 4);
        for (int i = 0; i < 4; ++i)
          got.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
      }
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 7u << 1);
      EXPECT_EQ(s.read(b.reg(DC::kStatus)) & (DC::kDrq | DC::kBusy), 0u);
      s.wait_ns(kMs);
    });
    run({&tb});
    EXPECT_EQ(got, factory_bytes(50, 2));
    EXPECT_EQ(b.irq.count(), 0u);
    EXPECT_EQ(b.dma_done.count(), 0u);
  });
}

TEST(DiskController, PioWriteStoresTheWordsWrittenToData) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint8_t> data = pattern(kSectorBytes, 9);
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, DC::kWrite, 60, 1, 0, 0, 3);
      while (!(s.read(b.reg(DC::kStatus)) & DC::kDrq))
        s.wait_ns(kUs);
      for (std::size_t i = 0; i < data.size(); i += 8) {
        std::uint64_t word = 0;
        for (std::size_t k = 0; k < 8; ++k)
          word |= std::uint64_t{data[i + k]} << (8 * k);
        s.write(b.reg(DC::kData), word);
      }
      while (!(s.read(b.reg(DC::kStatus)) & DC::kDone))
        s.wait_ns(kUs);  // media time
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 3u << 1);
    });
    run({&tb});
    std::vector<std::uint8_t> on_disk(kSectorBytes);
    b.disk.image().read(60, 1, on_disk);
    EXPECT_EQ(on_disk, data);
  });
}

TEST(DiskController, PioWithTheInterruptFlagInterruptsWhenDataIsReadyAndWhenDone) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint8_t> got;
    Ns doorbell = -1, drq_seen = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      doorbell = b.submit(s, DC::kRead, 50, 2, 0, DC::kFlagIrq, 7);
      s.wait_rises(b.irq, 1);  // the first pulse: DRQ is up
      drq_seen = now_ns();
      EXPECT_EQ(s.read(b.reg(DC::kStatus)) & (DC::kDrq | DC::kDone), DC::kDrq);
      for (int w = 0; w < 2 * 512 / 8; ++w) {
        std::uint64_t word = s.read(b.reg(DC::kData));
        for (int i = 0; i < 8; ++i)
          got.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
      }
      s.wait_rises(b.irq, 2);  // the second: the command is complete
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 7u << 1);
    });
    run({&tb});
    EXPECT_EQ(got, factory_bytes(50, 2));
    // DRQ rises when the sectors are in the buffer: decode, then the platter.
    const Ns start = doorbell + params().command_overhead();
    EXPECT_EQ(drq_seen, start + HddModel(params().hdd).plan(start, 0, 50, 2).total());
    EXPECT_EQ(b.irq.count(), 2u);
  });
}

TEST(DiskController, DoorbellBeyondQueueDepthIsRefusedAndOthersCompleteInOrder) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint64_t> completions;
    Script tb("tb", b.bus, [&](Script& s) {
      EXPECT_EQ(s.read(b.reg(DC::kQueueDepth)), 4u);
      for (std::uint64_t tag = 1; tag <= 4; ++tag)
        b.submit(s, DC::kRead, 1000 * tag, 1, 0x1000 * tag, DC::kFlagDma | DC::kFlagIrq, tag);
      EXPECT_EQ(s.read(b.reg(DC::kStatus)), DC::kBusy | DC::kFull);
      b.submit(s, DC::kRead, 9000, 1, 0x9000, DC::kFlagDma | DC::kFlagIrq, 5);
      EXPECT_EQ(s.read(b.reg(DC::kStatus)), DC::kBusy | DC::kFull | DC::kError);
      s.wait_rises(b.irq, 4);
      s.wait_ns(100 * kMs);  // time enough for a fifth command, had it been queued
      for (int i = 0; i < 5; ++i)
        completions.push_back(s.read(b.reg(DC::kComplete)));
    });
    run({&tb});
    EXPECT_EQ(completions, (std::vector<std::uint64_t>{2, 4, 6, 8, DC::kNoCompletion}));
    EXPECT_EQ(b.irq.count(), 4u);
    EXPECT_EQ(b.disk.stats().requests, 4u);
  });
}

TEST(DiskController, InvalidCommandCompletesWithTheFailedBitAfterDecode) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    const std::uint64_t end = b.disk.image().sectors();
    std::vector<std::uint64_t> completions;
    std::vector<Ns> doorbells;
    Script tb("tb", b.bus, [&](Script& s) {
      const std::uint64_t flags = DC::kFlagDma | DC::kFlagIrq;
      doorbells.push_back(b.submit(s, DC::kRead, end, 1, 0x1000, flags, 1));  // past the end
      s.wait_rises(b.irq, 1);
      doorbells.push_back(b.submit(s, DC::kRead, end - 1, 2, 0x1000, flags, 2));  // runs off it
      s.wait_rises(b.irq, 2);
      doorbells.push_back(b.submit(s, DC::kRead, 0, 0, 0x1000, flags, 3));  // no sectors
      s.wait_rises(b.irq, 3);
      doorbells.push_back(b.submit(s, 3, 0, 1, 0x1000, flags, 4));  // no such command
      s.wait_rises(b.irq, 4);
      doorbells.push_back(b.submit(s, DC::kRead, 0, 257, 0x1000, flags, 5));  // > max_sectors
      s.wait_rises(b.irq, 5);
      for (int i = 0; i < 5; ++i)
        completions.push_back(s.read(b.reg(DC::kComplete)));
    });
    run({&tb});
    EXPECT_EQ(completions, (std::vector<std::uint64_t>{(1 << 1) | 1, (2 << 1) | 1, (3 << 1) | 1,
                                                       (4 << 1) | 1, (5 << 1) | 1}));
    // Failed after the 50 us decode, with no media or DMA time.
    ASSERT_EQ(b.irq.count(), 5u);
    for (std::size_t i = 0; i < 5; ++i)
      EXPECT_EQ(b.irq.rises()[i], doorbells[i] + params().command_overhead())
          << "command " << i + 1;
    EXPECT_EQ(b.dma_done.count(), 0u);
    EXPECT_EQ(ram_bytes(b.ram, 0x1000, 1024), std::vector<std::uint8_t>(1024, 0));
  });
}

// ---- Track buffer (read-ahead) ----

// Reads `count` sectors at `lba` into `addr` and returns (doorbell, interrupt) times.
struct Timed {
  Ns doorbell, irq;
  Ns elapsed() const { return irq - doorbell; }
};
Timed timed(Bench& b, Script& s, std::uint64_t cmd, std::uint64_t lba, std::uint64_t count,
            std::uint64_t addr, std::uint64_t tag) {
  Timed t{};
  t.doorbell = b.submit(s, cmd, lba, count, addr, DC::kFlagDma | DC::kFlagIrq, tag);
  s.wait_rises(b.irq, b.irq.count() + 1);
  t.irq = now_ns();
  EXPECT_EQ(s.read(b.reg(DC::kComplete)), tag << 1);
  return t;
}

TEST(DiskController, ASequentialReadInTheTrackBufferHasNoMechanicalTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Timed first{}, second{};
    Script tb("tb", b.bus, [&](Script& s) {
      first = timed(b, s, DC::kRead, 0, 8, 0x10000, 1);
      second = timed(b, s, DC::kRead, 8, 8, 0x20000, 2);
    });
    run({&tb});
    // The first read leaves the head after sector 7, and the drive reads ahead
    // sectors 8, 9, ... one per 208,229.22 ns. The second read's decode ends
    // 2,200,000 + 1,785 ns after the first read's last sector (its DMA copy 1,719,
    // the COMPLETE read 11 and five register writes 55 came first): by then
    // floor(2,201,785 / 208,229.22) = 10 sectors are in the buffer, and the read
    // needs 8. So it costs only the decode and the copy to RAM.
    EXPECT_EQ(second.doorbell, first.irq + 11 + 55);
    EXPECT_EQ(second.elapsed(), params().command_overhead() + b.copy_time(4096));  // 2,201,719
    EXPECT_GT(first.elapsed(), params().command_overhead() + b.copy_time(4096));
    EXPECT_EQ(ram_bytes(b.ram, 0x20000, 8 * kSectorBytes), factory_bytes(8, 8));
  });
}

TEST(DiskController, AReadBeyondTheReadAheadGoesToThePlatter) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Timed second{};
    Script tb("tb", b.bus, [&](Script& s) {
      timed(b, s, DC::kRead, 0, 8, 0x10000, 1);
      second = timed(b, s, DC::kRead, 20, 8, 0x20000, 2);  // needs 20..27; 8..17 are read ahead
    });
    run({&tb});
    const Ns start = second.doorbell + params().command_overhead();
    HddAccess a = HddModel(params().hdd).plan(start, 0, 20, 8);
    EXPECT_GT(a.rotate, 0);
    EXPECT_EQ(second.elapsed(), params().command_overhead() + a.total() + b.copy_time(4096));
    EXPECT_EQ(ram_bytes(b.ram, 0x20000, 8 * kSectorBytes), factory_bytes(20, 8));
  });
}

TEST(DiskController, AWriteOverTheReadAheadInvalidatesIt) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint8_t> data = pattern(2 * kSectorBytes, 77);
    b.ram.write(0x30000, data);
    Timed third{};
    Script tb("tb", b.bus, [&](Script& s) {
      timed(b, s, DC::kRead, 0, 8, 0x10000, 1);
      timed(b, s, DC::kWrite, 12, 2, 0x30000, 2);        // over sectors read ahead (8..17 by then)
      third = timed(b, s, DC::kRead, 8, 8, 0x20000, 3);  // would have been in the buffer
    });
    run({&tb});
    const Ns start = third.doorbell + params().command_overhead();
    HddAccess a = HddModel(params().hdd).plan(start, 0, 8, 8);
    EXPECT_EQ(third.elapsed(), params().command_overhead() + a.total() + b.copy_time(4096));
    std::vector<std::uint8_t> expected = factory_bytes(8, 8);
    std::copy(data.begin(), data.end(), expected.begin() + 4 * kSectorBytes);
    EXPECT_EQ(ram_bytes(b.ram, 0x20000, 8 * kSectorBytes), expected);
  });
}

// ---- Queue policy ----

// Rings four reads at once: A on cylinder 100 (taken at once, the head starts on
// cylinder 0), then B on 120, C on 90 and D on 130, which wait while A runs.
// Checks the tags (A = 1 .. D = 4) come back in the order `policy` serves them.
void expect_completion_order(QueuePolicy policy) {
  EXPECT_CHILD_PASSES([&] {
    set_time_resolution();
    DiskControllerParams p = params();
    p.policy = policy;
    Bench b(p);
    std::vector<std::uint64_t> seen;
    Script tb("tb", b.bus, [&](Script& s) {
      const std::uint32_t cylinders[] = {100, 120, 90, 130};
      for (std::uint64_t tag = 1; tag <= 4; ++tag)
        b.submit(s, DC::kRead, cylinders[tag - 1] * kCylinder, 1, 0x1000 * tag,
                 DC::kFlagDma | DC::kFlagIrq, tag);
      s.wait_rises(b.irq, 4);
      for (int i = 0; i < 4; ++i)
        seen.push_back(s.read(b.reg(DC::kComplete)) >> 1);
    });
    run({&tb});
    const std::map<QueuePolicy, std::vector<std::uint64_t>> expected{
        {QueuePolicy::kFcfs, {1, 2, 3, 4}},  // arrival order
        {QueuePolicy::kSstf, {1, 3, 2, 4}},  // from 100: C (10 away), then B (30), then D
        {QueuePolicy::kLook, {1, 2, 4, 3}},  // from 100 upward: B, D; then down: C
    };
    EXPECT_EQ(seen, expected.at(policy));
  });
}

TEST(DiskController, FcfsServesWaitingCommandsInArrivalOrder) {
  expect_completion_order(QueuePolicy::kFcfs);
}

TEST(DiskController, SstfServesTheNearestCylinderFirst) {
  expect_completion_order(QueuePolicy::kSstf);
}

TEST(DiskController, LookSweepsUpThenDown) {
  expect_completion_order(QueuePolicy::kLook);
}

// ---- SSD mode ----

TEST(DiskController, SsdReadsOnDifferentDiesCompleteInParallel) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(ssd_params());
    Ns d1 = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      d1 = b.submit(s, DC::kRead, 0, 8, 0x10000, DC::kFlagDma | DC::kFlagIrq, 1);  // page 0, die 0
      b.submit(s, DC::kRead, 8, 8, 0x20000, DC::kFlagDma | DC::kFlagIrq, 2);       // page 1, die 1
      s.wait_rises(b.irq, 2);
    });
    run({&tb});
    // 1: decode d1 .. +10,000; die 0 senses until +60,000; channel 0 until +70,240;
    //    link until +74,336; DMA copy 1,719 -> +76,055.
    // 2: decode +10,000 .. +20,000 (one firmware); die 1 until +70,000; channel 1
    //    until +80,240; link until +84,336; DMA copy -> +86,055.
    // Together 86 us, where one after the other would take about twice 74 us.
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{d1 + 76'055, d1 + 86'055}));
    EXPECT_EQ(ram_bytes(b.ram, 0x10000, 8 * kSectorBytes), factory_bytes(0, 8));
    EXPECT_EQ(ram_bytes(b.ram, 0x20000, 8 * kSectorBytes), factory_bytes(8, 8));
  });
}

TEST(DiskController, SsdReadsOnTheSameDieCompleteOneAfterTheOther) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(ssd_params());
    Ns d1 = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      d1 = b.submit(s, DC::kRead, 0, 8, 0x10000, DC::kFlagDma | DC::kFlagIrq, 1);  // page 0, die 0
      b.submit(s, DC::kRead, 64, 8, 0x20000, DC::kFlagDma | DC::kFlagIrq, 2);      // page 8, die 0
      s.wait_rises(b.irq, 2);
    });
    run({&tb});
    // 2 waits for die 0 (free at +70,240, once page 0 has crossed channel 0):
    // senses until +120,240, channel 0 until +130,480, link until +134,576, DMA +136,295.
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{d1 + 76'055, d1 + 136'295}));
  });
}

TEST(DiskController, SsdWriteCompletesAfterTheProgramLatencyAndCanFinishLast) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(ssd_params());
    std::vector<std::uint8_t> data = pattern(8 * kSectorBytes, 5);
    b.ram.write(0x10000, data);
    Ns d1 = -1;
    std::vector<std::uint64_t> completions;
    Script tb("tb", b.bus, [&](Script& s) {
      d1 = b.submit(s, DC::kWrite, 0, 8, 0x10000, DC::kFlagDma | DC::kFlagIrq, 1);  // die 0
      b.submit(s, DC::kRead, 8, 8, 0x20000, DC::kFlagDma | DC::kFlagIrq, 2);        // die 1
      s.wait_rises(b.irq, 2);
      for (int i = 0; i < 3; ++i)
        completions.push_back(s.read(b.reg(DC::kComplete)));
    });
    run({&tb});
    // Write: decode until +10,000; DMA from RAM 1,719 -> +11,719; link 4,096, channel
    //   10,240, program 500,000 -> +526,055 (no copy back: it completes right then).
    // Read: decode +11,719 .. +21,719; die 1 until +71,719; channel 1 until +81,959;
    //   link (free since +15,815) until +86,055; DMA -> +87,774. It finishes first.
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{d1 + 87'774, d1 + 526'055}));
    EXPECT_EQ(completions, (std::vector<std::uint64_t>{2 << 1, 1 << 1, DC::kNoCompletion}));
    std::vector<std::uint8_t> on_disk(data.size());
    b.disk.image().read(0, 8, on_disk);
    EXPECT_EQ(on_disk, data);
  });
}

TEST(DiskController, SsdPioReadServesTheSectorsThroughData) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(ssd_params());
    std::vector<std::uint8_t> got;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, DC::kRead, 50, 2, 0, 0, 7);
      while (!(s.read(b.reg(DC::kStatus)) & DC::kDrq))
        s.wait_ns(kUs);
      for (int w = 0; w < 2 * 512 / 8; ++w) {
        std::uint64_t word = s.read(b.reg(DC::kData));
        for (int i = 0; i < 8; ++i)
          got.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
      }
      s.wait_ns(kUs);
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 7u << 1);
    });
    run({&tb});
    EXPECT_EQ(got, factory_bytes(50, 2));
    EXPECT_EQ(b.disk.capacity_sectors(), SsdModel(SsdParams{}).capacity_sectors());
  });
}

// ---- Level-triggered interrupt line (IRQ_MODE = 1) ----

DiskControllerParams level(DiskControllerParams p) {
  p.level_irq = true;
  return p;
}

// Logs the times the line falls (IrqWire logs only rises).
struct FallLog {
  std::vector<Ns> falls;
  testing::Thread watch;
  explicit FallLog(IrqWire& wire)
      : watch("falls", [this, &wire] {
          for (;;) {
            sc_core::wait(wire.signal.negedge_event());
            falls.push_back(now_ns());
          }
        }) {}
};

TEST(DiskController, IrqModeResetsToTheParamAndSwitchingItMovesTheLine) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;  // level_irq = false: IRQ_MODE starts at 0 (pulse)
    Script tb("tb", b.bus, [&](Script& s) {
      EXPECT_EQ(s.read(b.reg(DC::kIrqMode)), DC::kIrqPulse);
      b.submit(s, DC::kRead, 0, 1, 0x1000, DC::kFlagDma | DC::kFlagIrq, 1);
      s.wait_rises(b.irq, 1);
      s.wait_ns(kUs);
      EXPECT_FALSE(b.irq.high()) << "pulse mode: one pulse, though the completion waits";
      s.write(b.reg(DC::kIrqMode), 2);  // not a mode: ignored
      EXPECT_EQ(s.read(b.reg(DC::kIrqMode)), DC::kIrqPulse);
      s.write(b.reg(DC::kIrqMode), DC::kIrqLevel);  // a cause waits: the line rises at once
      EXPECT_EQ(s.read(b.reg(DC::kIrqMode)), DC::kIrqLevel);
      EXPECT_TRUE(b.disk.level_irq());
      EXPECT_TRUE(b.irq.high());
      s.write(b.reg(DC::kIrqMode), DC::kIrqPulse);  // back to pulse: the line drops
      EXPECT_FALSE(b.irq.high());
      s.write(b.reg(DC::kIrqMode), DC::kIrqLevel);
      EXPECT_TRUE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 1u << 1);
      EXPECT_FALSE(b.irq.high());
    });
    run({&tb});
    EXPECT_EQ(b.irq.count(), 3u);  // the pulse, then two switches to level
  });
}

TEST(DiskController, LevelIrqIsHighFromACompletionUntilCompleteIsReadEmpty) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(level(params()));
    FallLog log(b.irq);
    Ns doorbell = -1, popped = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      EXPECT_EQ(s.read(b.reg(DC::kIrqMode)), DC::kIrqLevel);
      doorbell = b.submit(s, DC::kRead, 0, 1, 0x1000, DC::kFlagDma | DC::kFlagIrq, 2);
      s.wait_rises(b.irq, 1);
      s.wait_ns(10 * kMs);
      EXPECT_TRUE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(DC::kStatus)), DC::kDone);
      popped = now_ns();
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 2u << 1);
      EXPECT_FALSE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), DC::kNoCompletion);
      // A command without FLAGS bit 1 is no cause: the line stays low.
      b.submit(s, DC::kRead, 100, 1, 0x1000, DC::kFlagDma, 1);
      while (!(s.read(b.reg(DC::kStatus)) & DC::kDone))
        s.wait_ns(100 * kUs);
      EXPECT_FALSE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 1u << 1);
      s.wait_ns(kMs);
    });
    run({&tb});
    ASSERT_EQ(b.irq.count(), 1u);
    // The rise comes when the command completes: decode, the platter, the DMA copy.
    const Ns start = doorbell + params().command_overhead();
    EXPECT_EQ(b.irq.rises()[0],
              start + HddModel(params().hdd).plan(start, 0, 0, 1).total() + b.copy_time(512));
    EXPECT_EQ(log.falls, (std::vector<Ns>{popped}));  // the pop lowers it, in the same ns
  });
}

TEST(DiskController, LevelIrqStaysHighUntilTheLastOfTwoCompletionsIsPopped) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(level(ssd_params()));
    FallLog log(b.irq);
    Ns d1 = -1, second_pop = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      d1 = b.submit(s, DC::kRead, 0, 8, 0x10000, DC::kFlagDma | DC::kFlagIrq, 1);  // die 0
      b.submit(s, DC::kRead, 8, 8, 0x20000, DC::kFlagDma | DC::kFlagIrq, 2);       // die 1
      s.wait_until(d1 + 100'000);  // both complete (at +76,055 and +86,055)
      EXPECT_TRUE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 1u << 1);
      EXPECT_TRUE(b.irq.high()) << "tag 2 still waits in COMPLETE";
      second_pop = now_ns();
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 2u << 1);
      EXPECT_FALSE(b.irq.high());
      s.wait_ns(kMs);
    });
    run({&tb});
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{d1 + 76'055}));  // one rise: no edge for tag 2
    EXPECT_EQ(log.falls, (std::vector<Ns>{second_pop}));
  });
}

TEST(DiskController, LevelIrqInPioIsHighWhileDataIsLeftToMove) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(level(params()));
    FallLog log(b.irq);
    std::vector<std::uint8_t> data = pattern(kSectorBytes, 9);
    Ns last_word = -1, popped = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, DC::kWrite, 60, 1, 0, DC::kFlagIrq, 3);
      s.wait_rises(b.irq, 1);  // DRQ: room to write
      EXPECT_EQ(s.read(b.reg(DC::kStatus)) & (DC::kDrq | DC::kDone), DC::kDrq);
      for (std::size_t i = 0; i < data.size(); i += 8) {
        std::uint64_t word = 0;
        for (std::size_t k = 0; k < 8; ++k)
          word |= std::uint64_t{data[i + k]} << (8 * k);
        if (i + 8 == data.size()) {
          EXPECT_TRUE(b.irq.high()) << "8 bytes are still to move";
          last_word = now_ns();
        }
        s.write(b.reg(DC::kData), word);
      }
      EXPECT_FALSE(b.irq.high()) << "every byte moved: no cause until the completion";
      s.wait_rises(b.irq, 2);  // the write is on the platter: complete
      EXPECT_EQ(s.read(b.reg(DC::kStatus)) & (DC::kDrq | DC::kDone), DC::kDone);
      popped = now_ns();
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 3u << 1);
      EXPECT_FALSE(b.irq.high());
    });
    run({&tb});
    EXPECT_EQ(b.irq.count(), 2u);
    EXPECT_EQ(log.falls, (std::vector<Ns>{last_word, popped}));
    std::vector<std::uint8_t> on_disk(kSectorBytes);
    b.disk.image().read(60, 1, on_disk);
    EXPECT_EQ(on_disk, data);
  });
}

// A driver that sets the interrupt controller's line to level (TRIGGER) and
// the disk to level (IRQ_MODE) at boot: a handler that ends the interrupt
// (EOI) before popping COMPLETE gets it again; once COMPLETE is empty, not.
TEST(DiskController, LevelIrqReFiresAtTheInterruptControllerUntilCompleteIsDrained) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    IC ic("ic", 1, 1);
    IrqWire core0("core0");
    ic.lines[0](b.irq.signal);
    ic.cpu_irq[0](core0.signal);
    b.bus.attach_target(ic.socket, kIcBase, IC::kRegsSize, "ic");
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kIcBase + IC::kTrigger, IC::kLevel);
      s.write(b.reg(DC::kIrqMode), DC::kIrqLevel);
      b.submit(s, DC::kRead, 0, 1, 0x1000, DC::kFlagDma | DC::kFlagIrq, 4);
      s.wait_rises(core0, 1);
      EXPECT_EQ(s.read(kIcBase + IC::kAck), 0u);
      s.write(kIcBase + IC::kEoi, 0);  // too early: the completion still waits
      EXPECT_EQ(core0.count(), 2u) << "the level line re-fires at EOI";
      EXPECT_EQ(s.read(kIcBase + IC::kAck), 0u);
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), 4u << 1);
      EXPECT_EQ(s.read(b.reg(DC::kComplete)), DC::kNoCompletion);
      s.write(kIcBase + IC::kEoi, 0);
      s.wait_ns(kMs);
      EXPECT_FALSE(ic.pending(0));
      EXPECT_EQ(s.read(kIcBase + IC::kAck), IC::kNoIrq);
    });
    run({&tb});
    EXPECT_EQ(core0.count(), 2u);
    EXPECT_EQ(ic.raised(0), 2u);
    EXPECT_EQ(b.irq.count(), 1u);  // the device raised its line once and held it
  });
}

// ---- Data integrity under reordering and overlap ----

// Random reads and writes (seeded: the same every run) of 1..32 sectors at LBAs
// in five clusters of 32, so that commands often overlap, kept `queue_depth` deep through the
// registers with DMA. The test keeps a shadow copy of the disk: the disk must
// behave as if commands took effect in doorbell order, so every read must
// return exactly the shadow's bytes at the time it was rung.
void random_io(DiskControllerParams p, unsigned seed, int commands) {
  set_time_resolution();
  Bench b(p);
  const std::uint64_t disk_end = b.disk.capacity_sectors();
  // Two clusters straddle a cylinder boundary, so that overlapping commands can
  // start on different cylinders and a seek-ordering policy is tempted to swap them.
  const std::uint64_t clusters[] = {0, 300 * kCylinder - 16, 1200 * kCylinder + 7,
                                    1500 * kCylinder - 16, disk_end - 64};
  std::map<std::uint64_t, std::vector<std::uint8_t>> shadow;
  auto shadow_bytes = [&](std::uint64_t lba, std::uint64_t count) {
    std::vector<std::uint8_t> out = factory_bytes(lba, count);
    for (std::uint64_t i = 0; i < count; ++i)
      if (auto it = shadow.find(lba + i); it != shadow.end())
        std::copy(it->second.begin(), it->second.end(), out.begin() + i * kSectorBytes);
    return out;
  };
  struct InFlight {
    bool write;
    std::uint64_t lba, count, addr;
    std::vector<std::uint8_t> expected;
  };
  std::mt19937_64 rng(seed);
  int reads_checked = 0, reordered = 0;
  Script tb("tb", b.bus, [&](Script& s) {
    std::map<std::uint64_t, InFlight> flying;  // by tag
    std::vector<std::uint64_t> free_slots{0, 1, 2, 3, 4, 5, 6, 7};
    std::uint64_t next_tag = 1, completed = 0;
    for (int rung = 0; rung < commands || !flying.empty();) {
      while (rung < commands && flying.size() < p.queue_depth) {
        InFlight f{};
        f.write = rng() % 2 == 0;
        f.count = 1 + rng() % 32;
        f.lba = clusters[rng() % 5] + rng() % 32;
        f.addr = 0x10000 + free_slots.back() * 0x4000;  // 16 KiB per slot: 32 sectors
        free_slots.pop_back();
        if (f.write) {
          std::vector<std::uint8_t> data(f.count * kSectorBytes);
          for (auto& byte : data)
            byte = static_cast<std::uint8_t>(rng());
          b.ram.write(f.addr, data);
          for (std::uint64_t i = 0; i < f.count; ++i)
            shadow[f.lba + i].assign(data.begin() + i * kSectorBytes,
                                     data.begin() + (i + 1) * kSectorBytes);
        } else {
          f.expected = shadow_bytes(f.lba, f.count);
        }
        b.submit(s, f.write ? DC::kWrite : DC::kRead, f.lba, f.count, f.addr,
                 DC::kFlagDma | DC::kFlagIrq, next_tag);
        flying[next_tag++] = std::move(f);
        ++rung;
      }
      s.wait_rises(b.irq, completed + 1);
      for (std::uint64_t done; (done = s.read(b.reg(DC::kComplete))) != DC::kNoCompletion;) {
        ++completed;
        auto it = flying.find(done >> 1);
        ASSERT_NE(it, flying.end()) << "unknown tag " << (done >> 1);
        EXPECT_EQ(done & 1, 0u) << "tag " << (done >> 1) << " failed";
        if (it->first != flying.begin()->first) ++reordered;  // not the oldest in flight
        const InFlight& f = it->second;
        if (!f.write) {
          ASSERT_EQ(ram_bytes(b.ram, f.addr, f.count * kSectorBytes), f.expected)
              << "read of " << f.count << " sectors at LBA " << f.lba << " (tag " << it->first
              << ") does not return the bytes last written";
          ++reads_checked;
        }
        free_slots.push_back((f.addr - 0x10000) / 0x4000);
        flying.erase(it);
      }
    }
  });
  run({&tb}, 100 * kSec);
  EXPECT_GT(reads_checked, commands / 4);
  if (p.kind == DiskKind::kSsd || p.policy != QueuePolicy::kFcfs) {
    EXPECT_GT(reordered, 0) << "the test never exercised out-of-order service";
  }
  for (const auto& [lba, bytes] : shadow) {  // and the image holds every last write
    std::vector<std::uint8_t> on_disk(kSectorBytes);
    b.disk.image().read(lba, 1, on_disk);
    ASSERT_EQ(on_disk, bytes) << "LBA " << lba;
  }
}

TEST(DiskController, RandomReadsAndWritesUnderSstfReturnTheLastWrittenBytes) {
  EXPECT_CHILD_PASSES([] {
    DiskControllerParams p = params();
    p.policy = QueuePolicy::kSstf;
    random_io(p, 1, 200);
  });
}

TEST(DiskController, RandomReadsAndWritesUnderLookReturnTheLastWrittenBytes) {
  EXPECT_CHILD_PASSES([] {
    DiskControllerParams p = params();
    p.policy = QueuePolicy::kLook;
    random_io(p, 2, 200);
  });
}

TEST(DiskController, RandomReadsAndWritesOnAnSsdReturnTheLastWrittenBytes) {
  EXPECT_CHILD_PASSES([] {
    DiskControllerParams p = ssd_params();
    p.queue_depth = 8;
    random_io(p, 3, 400);
  });
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// The firmware's per-command time defaults by medium, wherever the params come from.
TEST(DiskControllerParams, CommandOverheadDefaultsByMediumUnlessSet) {
  DiskControllerParams p;
  EXPECT_EQ(p.command_overhead(), 2'200'000) << "the HP 97560's 2.2 ms";
  p.kind = DiskKind::kSsd;
  EXPECT_EQ(p.command_overhead(), 20'000);
  p.overhead = 7'000;
  EXPECT_EQ(p.command_overhead(), 7'000);
}

}  // namespace
}  // namespace iosim
