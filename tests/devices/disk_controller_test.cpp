#include "devices/disk_controller.h"

#include <gtest/gtest.h>

#include <span>
#include <vector>

#include "devices/bus.h"
#include "devices/disk_image.h"
#include "devices/dma_engine.h"
#include "devices/hdd_model.h"
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

using DC = DiskController;
constexpr BusTiming kTiming{.latency = 10, .width = 8, .cycle = 1};
constexpr Ns kRamLatency = 20;
constexpr std::uint32_t kBurst = 256;
constexpr std::uint32_t kSectorBytes = 512;
constexpr std::uint64_t kDmaBase = 0x100000;
constexpr std::uint64_t kDiskBase = 0x200000;
constexpr std::uint64_t kBufferBase = 0x300000;

DiskControllerParams params() {
  DiskControllerParams p;  // default disk: 7200 rpm, 4096 sectors per cylinder
  p.queue_depth = 4;
  p.dma_regs = kDmaBase;  // channel 0
  p.buffer_base = kBufferBase;
  return p;
}

// RAM, a one-channel DMA engine whose done line goes to the disk controller,
// and the controller with its registers and staging buffer on the bus.
struct Bench {
  Bus bus{"bus", kTiming};
  Ram ram;
  DmaEngine dma;
  DC disk{"disk", params()};
  IrqWire dma_done{"dma_done"};
  IrqWire irq{"irq"};

  explicit Bench(Ns ram_latency = kRamLatency, std::uint32_t burst = kBurst)
      : ram("ram", 1024 * 1024, ram_latency), dma("dma", 1, burst) {
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
    const std::uint64_t lba = 4096 * 3 + 100;  // cylinder 3, sector 100
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
    const Ns overhead = params().overhead;
    HddAccess a = HddModel(params().hdd).plan(doorbell + overhead, 0, lba, 8);
    const Ns mechanical = overhead + a.seek + a.rotate + a.transfer;
    // DMA copy of 4096 bytes in 16 bursts of 256: each a buffer read (10 + 32) and a
    // RAM write (10 + 32 + 20) = 104 ns. Around it the firmware writes SRC, DST, LEN,
    // CTRL (4 x 11 ns; the first burst waits for the CTRL write to leave the bus)
    // and reads STATUS (11 ns) after the done edge.
    const Ns bursts = 16 * (2 * b.bus.occupancy(kBurst) + kRamLatency);
    const Ns copy = 4 * b.bus.occupancy(8) + bursts + b.bus.occupancy(8);
    EXPECT_EQ(bursts, 1'664);
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
    Bench b(50, 64);
    Ns doorbell = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.wait_until(2'277 - 5 * 11);  // submit() writes five registers before the doorbell
      doorbell = b.submit(s, DC::kRead, 0, 128, 0x10000, DC::kFlagDma | DC::kFlagIrq, 0);
      s.wait_rises(b.irq, 1);
    });
    run({&tb});
    EXPECT_EQ(doorbell, 2'277);
    // decode 50,000 + seek 0 + rotate 8,281,057 + transfer 1,041,667 + DMA programming 33
    // + DMA transfer 88,075 + STATUS read 11 = 9,460,843.
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{2'277 + 9'460'843}));
    EXPECT_EQ(b.disk.stats().busy_ns, 9'460'843);
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
      EXPECT_EQ(b.irq.rises()[i], doorbells[i] + params().overhead) << "command " << i + 1;
    EXPECT_EQ(b.dma_done.count(), 0u);
    EXPECT_EQ(ram_bytes(b.ram, 0x1000, 1024), std::vector<std::uint8_t>(1024, 0));
  });
}

}  // namespace
}  // namespace iosim
