#include "devices/cpu.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <vector>

#include "devices/bus.h"
#include "devices/dma_engine.h"
#include "devices/ram.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::run;
using testing::Script;
using testing::Thread;

// Core software given as a function; `finished` tells the test it ran to its end.
class FnSoftware : public CoreSoftware {
 public:
  explicit FnSoftware(std::function<void(Core&)> body) : body_(std::move(body)) {}
  void run(Core& core) override {
    body_(core);
    finished = true;
    sc_core::sc_stop();
  }
  bool finished = false;

 private:
  std::function<void(Core&)> body_;
};

// One core at 2 GHz on a default bus (11 ns per 8-byte access) with RAM behind
// it (50 ns latency: a RAM access costs 61 ns). The test drives the IRQ input.
struct Bench {
  Bus bus{"bus", BusTiming{}};
  Ram ram{"ram", 1024 * 1024, 50};
  Cpu cpu{"cpu", 1, 2'000'000'000};
  sc_core::sc_signal<bool> irq{"irq"};

  Bench() {
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    bus.attach_initiator(cpu.bus[0], "core0");
    cpu.irq[0](irq);
  }
  // Raises the IRQ input at `at`.
  std::function<void()> raise_at(Ns at) {
    return [this, at] {
      sc_core::wait(to_sc(at));
      irq.write(true);
    };
  }
};

TEST(Cpu, RunUserIsCutShortByIrqAndKeepsTheRemainder) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Thread driver("driver", b.raise_at(400'000));
    FnSoftware sw([](Core& core) {
      EXPECT_EQ(core.run_user(1'000'000), 600'000);
      EXPECT_EQ(now_ns(), 400'000);
      EXPECT_EQ(core.time_in(CoreMode::kUser), 400'000);
      EXPECT_EQ(core.run_user(5'000), 5'000);  // IRQ already high: returns at once
      EXPECT_EQ(now_ns(), 400'000);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished);
  });
}

TEST(Cpu, SpendInKernelModeAccountsKernelTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    FnSoftware sw([](Core& core) {
      core.enter(CoreMode::kKernel);
      core.spend(1'234);
      EXPECT_EQ(core.mode(), CoreMode::kKernel);
      EXPECT_EQ(core.time_in(CoreMode::kKernel), 1'234);
      EXPECT_EQ(core.time_in(CoreMode::kUser), 0);
      EXPECT_EQ(core.time_in(CoreMode::kIdle), 0);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished);
  });
}

TEST(Cpu, IdleUntilIrqAccountsIdleTimeAndReturnsWhenIrqRises) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Thread driver("driver", b.raise_at(50'000));
    FnSoftware sw([](Core& core) {
      core.enter(CoreMode::kKernel);
      core.spend(1'000);
      core.idle_until_irq();
      EXPECT_EQ(now_ns(), 50'000);
      EXPECT_EQ(core.time_in(CoreMode::kIdle), 49'000);
      EXPECT_EQ(core.time_in(CoreMode::kKernel), 1'000);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished);
  });
}

TEST(Cpu, TimeInSumsToElapsedTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Thread driver("driver", b.raise_at(300'000));
    FnSoftware sw([](Core& core) {
      core.enter(CoreMode::kKernel);
      core.spend(1'000);  // kernel 1,000
      core.read(0x100);   // kernel 61 (bus 11 + RAM 50)
      core.enter(CoreMode::kIrq);
      core.spend(500);      // irq 500, now 1,561
      core.run_user(kSec);  // user until the IRQ at 300,000: 298,439
      core.enter(CoreMode::kKernel);
      core.write(0x100, 1);   // kernel 61
      core.idle_until_irq();  // IRQ still high: no idle time
      Ns total = 0;
      for (CoreMode m : {CoreMode::kIdle, CoreMode::kUser, CoreMode::kKernel, CoreMode::kIrq})
        total += core.time_in(m);
      EXPECT_EQ(total, now_ns());
      EXPECT_EQ(now_ns(), 300'061);
      EXPECT_EQ(core.time_in(CoreMode::kKernel), 1'000 + 61 + 61);
      EXPECT_EQ(core.time_in(CoreMode::kIrq), 500);
      EXPECT_EQ(core.time_in(CoreMode::kUser), 298'439);
      EXPECT_EQ(core.time_in(CoreMode::kIdle), 0);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished);
  });
}

TEST(Cpu, CyclesToNsRoundsUp) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Cpu cpu("cpu", 1, 2'000'000'000);
    EXPECT_EQ(cpu.cycles_to_ns(3), 2);  // 1.5 ns
    EXPECT_EQ(cpu.cycles_to_ns(4), 2);
    EXPECT_EQ(cpu.cycles_to_ns(1), 1);
    EXPECT_EQ(cpu.cycles_to_ns(0), 0);
    EXPECT_EQ(cpu.cycles_to_ns(2'000'000), 1'000'000);
    Cpu slow("slow", 1, 3'000'000'000);
    EXPECT_EQ(slow.cycles_to_ns(4), 2);  // 1.33 ns
  });
}

// ---------------------------------------------------------------- memory traffic

// One or two cores, RAM (50 ns latency), a one-channel DMA engine with 64-byte
// bursts, and a script bus master that programs the DMA. Default bus: an
// 8-byte register write costs 11 ns; a 64-byte DMA burst RAM -> RAM costs
// (10 + 8 + 50) + (10 + 8 + 50) = 136 ns, of which 36 ns hold the bus.
constexpr std::uint64_t kDma = 0x100000;

struct MemBench {
  Bus bus{"bus", BusTiming{}};
  Ram ram{"ram", 1024 * 1024, 50};
  Cpu cpu;
  DmaEngine dma{"dma", 1, 64};
  sc_core::sc_vector<sc_core::sc_signal<bool>> irq;
  sc_core::sc_signal<bool> dma_done{"dma_done"};

  explicit MemBench(int cores = 1)
      : cpu("cpu", cores, 2'000'000'000), irq("irq", static_cast<std::size_t>(cores)) {
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    bus.attach_target(dma.regs, kDma, dma.regs_size(), "dma");
    for (int c = 0; c < cores; ++c)
      bus.attach_initiator(cpu.bus[static_cast<std::size_t>(c)], fmt::format("core{}", c));
    bus.attach_initiator(dma.bus, "dma");
    cpu.irq.bind(irq);
    dma.done[0].line(dma_done);
  }
  // SRC, DST, LEN, CTRL: four 11 ns writes; the channel starts when CTRL is
  // issued, 33 ns after the first write.
  void start_dma(testing::Script& s, std::uint64_t len, std::uint64_t ctrl) {
    s.write(kDma + DmaEngine::kSrc, 0x10000);
    s.write(kDma + DmaEngine::kDst, 0x40000);
    s.write(kDma + DmaEngine::kLen, len);
    s.write(kDma + DmaEngine::kCtrl, ctrl);
  }
  std::function<void()> raise_at(Ns at, Ns lower_at = -1) {
    return [this, at, lower_at] {
      sc_core::wait(to_sc(at));
      irq[0].write(true);
      if (lower_at < 0) return;
      sc_core::wait(to_sc(lower_at - at));
      irq[0].write(false);
    };
  }
};

// Stops the simulation when every core's software has finished.
class AllCores : public CoreSoftware {
 public:
  AllCores(int cores, std::function<void(Core&)> body) : left_(cores), body_(std::move(body)) {}
  void run(Core& core) override {
    body_(core);
    if (--left_ == 0) sc_core::sc_stop();
  }
  bool finished() const { return left_ == 0; }

 private:
  int left_;
  std::function<void(Core&)> body_;
};

// On an idle bus a memory-bound step takes exactly its duration: 100 slices
// of 600 ns compute + 400 ns of bus time. The bus was busy 100 * 400 ns.
// A last, shorter slice splits the same way: 500 ns = 300 compute + 200 bus.
TEST(Cpu, RunUserWithMemShareTakesExactlyTheDurationOnAnIdleBus) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    MemBench b;
    FnSoftware sw([&](Core& core) {
      EXPECT_EQ(core.run_user(100'000, 0.4), 0);
      EXPECT_EQ(now_ns(), 100'000);
      EXPECT_EQ(b.bus.stats().busy_ns, 40'000);
      EXPECT_EQ(b.bus.stats().requests, 100u);
      EXPECT_EQ(core.run_user(10'500, 0.4), 0);
      EXPECT_EQ(now_ns(), 110'500);
      EXPECT_EQ(b.bus.stats().busy_ns, 40'000 + 10 * 400 + 200);
      EXPECT_EQ(core.run_user(5'000, 1.5), 0);  // a share above 1 counts as 1
      EXPECT_EQ(now_ns(), 115'500);
      EXPECT_EQ(core.time_in(CoreMode::kUser), 115'500);
      EXPECT_EQ(core.mem_stall(), 0);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished);
    EXPECT_EQ(Cpu::kDefaultMemSlice, 1'000);
  });
}

// A burst-mode DMA transfer holds the bus; the core's memory traffic stalls
// until it ends. Core slices: compute [1000k, 1000k + 600), memory
// [1000k + 600, 1000k + 1000). The script writes SRC at 5,100 ... CTRL at
// 5,133: the channel holds the bus from 5,133 and copies 16 KiB = 256 bursts
// of 136 ns once CTRL leaves the bus at 5,144: it ends at T1 = 39,960, a hold
// of H = 34,827 ns. The core's memory part of slice 5 starts at 5,600, stalls
// until T1 and ends at T1 + 400; 94 more slices follow:
//   end = 39,960 + 400 + 94,000 = 134,360,  delay = T1 - 5,600 = 34,360.
// The delay is H less the compute time the core still did inside the hold
// (467 ns): within one slice of H.
TEST(Cpu, BurstModeDmaDelaysAMemoryBoundStepByTheRemainingTransfer) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    MemBench b;
    Script tb(
        "tb", b.bus,
        [&](Script& s) {
          s.wait_until(5'100);
          b.start_dma(s, 16 * 1024, DmaEngine::kStart | DmaEngine::kBurstMode);
        },
        Script::kKeepRunning);
    Ns end = -1;
    FnSoftware sw([&](Core& core) {
      EXPECT_EQ(core.run_user(100'000, 0.4), 0);
      end = now_ns();
    });
    b.cpu.load(sw);
    run({});
    const Ns t1 = 5'144 + 256 * 136;
    const Ns hold = t1 - 5'133;
    EXPECT_EQ(t1, 39'960);
    EXPECT_EQ(b.bus.initiator_stats()[1].held_ns, hold);
    EXPECT_EQ(end, 100'000 + (t1 - 5'600));
    EXPECT_LE(hold - (end - 100'000), b.cpu.mem_slice());
    EXPECT_EQ(b.cpu.core(0).mem_stall(), t1 - 5'600);
    EXPECT_EQ(b.cpu.core(0).time_in(CoreMode::kUser), end) << "stalled time is user time";
  });
}

// Cycle stealing: the DMA's bursts take the bus whenever they need it and the
// core's memory traffic gets the rest. Free-running, a RAM -> RAM burst holds
// the bus r + w = 36 ns of every r + Lr + w + Lw = 136 ns: u = 36/136. A step
// run_user(d, s) overlapping the transfer takes about
//   T = d (1 - s) + d s / (1 - u)   (slowdown d s u / (1 - u))
// = 60,000 + 40,000 * 136/100 = 114,400 ns for d = 100 us, s = 0.4: 14,400 ns
// late. Each memory part ends within one DMA access (18 ns) of that estimate,
// so the slowdown is within 100 slices * 18 ns = 1,800 ns of it; here it is
// 14,236 (the parts that start inside a DMA access need a little less).
TEST(Cpu, CycleStealingDmaSlowsAMemoryBoundStepByItsBusShare) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    MemBench b;
    Script tb(
        "tb", b.bus, [&](Script& s) { b.start_dma(s, 64 * 1024, DmaEngine::kStart); },
        Script::kKeepRunning);
    Ns took = -1;
    FnSoftware sw([&](Core& core) {
      core.enter(CoreMode::kKernel);
      core.spend(1'000);  // the DMA is under way (it started at 33)
      Ns start = now_ns();
      EXPECT_EQ(core.run_user(100'000, 0.4), 0);
      took = now_ns() - start;
      EXPECT_LT(now_ns(), 33 + 11 + 1024 * 136) << "the transfer must cover the whole step";
    });
    b.cpu.load(sw);
    run({});
    const double d = 100'000, s = 0.4, u = 36.0 / 136.0;
    const double slowdown = d * s * u / (1 - u);  // 14,400
    EXPECT_NEAR(static_cast<double>(took) - d, slowdown, 100 * 18);
    EXPECT_EQ(took, 114'236);  // this run, exactly (deterministic): 1.1% under the estimate
    EXPECT_EQ(b.cpu.core(0).mem_stall(), took - 100'000);
    // The DMA never waited for the core: only 11 ns, for the CTRL write.
    EXPECT_EQ(b.bus.initiator_stats()[1].wait_ns, 11) << "the DMA itself is not slowed";
  });
}

// An IRQ cuts a memory-bound step short in its compute part or in its memory
// part; the remainder is exactly the nominal work left. Slices of the first
// call: compute [1000k, 1000k + 600), memory [1000k + 600, 1000k + 1000).
//   IRQ at 2,300 (compute of slice 2): done 2,000 + 300 -> left 97,700.
// The second call starts at 2,500: compute [2,500 + 1000k, 3,100 + 1000k),
// memory [3,100 + 1000k, 3,500 + 1000k).
//   IRQ at 53,300 (memory of slice 50, 200 ns in): done 50,000 + 600 + 200
//   -> left 97,700 - 50,800 = 46,900.
TEST(Cpu, IrqDuringAMemoryBoundStepReturnsTheExactRemainder) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    MemBench b;
    Thread driver("driver", [&] {  // one writer for the IRQ signal
      b.raise_at(2'300, 2'400)();
      sc_core::wait(to_sc(53'300 - 2'400));
      b.irq[0].write(true);
    });
    FnSoftware sw([&](Core& core) {
      Ns left = core.run_user(100'000, 0.4);
      EXPECT_EQ(left, 97'700);
      EXPECT_EQ(now_ns(), 2'300);
      core.enter(CoreMode::kIrq);
      core.spend(200);  // the IRQ input is low again at 2,400
      left = core.run_user(left, 0.4);
      EXPECT_EQ(left, 46'900);
      EXPECT_EQ(now_ns(), 53'300);
      EXPECT_EQ(core.time_in(CoreMode::kUser), 2'300 + 50'800);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished);
    // Bus time: slices 0, 1 (800) + 50 slices (20,000) + 200 of the cut one.
    EXPECT_EQ(b.bus.initiator_stats()[0].busy_ns, 800 + 20'000 + 200);
  });
}

// An IRQ while the core is stalled on a held bus also ends the step; the
// stall is not work done. Slice 0 computes [0, 600); the DMA holds the bus
// from 133; the memory part stalls from 600; the IRQ comes at 1,500:
// done = 600, left = 99,400, stall = 900.
TEST(Cpu, IrqWhileStalledOnAHeldBusCountsOnlyTheWorkDone) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    MemBench b;
    Script tb(
        "tb", b.bus,
        [&](Script& s) {
          s.wait_until(100);
          b.start_dma(s, 64 * 1024, DmaEngine::kStart | DmaEngine::kBurstMode);
        },
        Script::kKeepRunning);
    Thread irq("irq", b.raise_at(1'500));
    FnSoftware sw([&](Core& core) {
      EXPECT_EQ(core.run_user(100'000, 0.4), 99'400);
      EXPECT_EQ(now_ns(), 1'500);
      EXPECT_EQ(core.mem_stall(), 900);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished);
  });
}

// Two memory-only cores share the bus: their streams go one at a time, so
// each 1,000 ns slice waits for the other core's. Ten slices each: one core
// ends at 19,000, the other at 20,000.
TEST(Cpu, TwoMemoryBoundCoresShareTheBus) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    MemBench b(2);
    std::vector<Ns> ends;
    AllCores sw(2, [&](Core& core) {
      EXPECT_EQ(core.run_user(10'000, 1.0), 0);
      ends.push_back(now_ns());
    });
    b.cpu.load(sw);
    run({});
    EXPECT_TRUE(sw.finished());
    std::sort(ends.begin(), ends.end());
    EXPECT_EQ(ends, (std::vector<Ns>{19'000, 20'000}));
    EXPECT_EQ(b.bus.stats().busy_ns, 20'000);
  });
}

// A coarser slice: fewer, longer memory parts (same total on an idle bus).
TEST(Cpu, MemSliceIsConfigurable) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    MemBench b;
    b.cpu.set_mem_slice(10'000);
    EXPECT_THROW(b.cpu.set_mem_slice(0), std::invalid_argument);
    FnSoftware sw([&](Core& core) {
      EXPECT_EQ(core.run_user(100'000, 0.25), 0);
      EXPECT_EQ(now_ns(), 100'000);
    });
    b.cpu.load(sw);
    run({});
    EXPECT_EQ(b.bus.stats().requests, 10u);
    EXPECT_EQ(b.bus.stats().busy_ns, 25'000);
  });
}

}  // namespace
}  // namespace iosim
