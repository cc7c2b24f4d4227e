// What the hardware models mean for threads: memory-bound computation slowed
// by DMA on the bus, interrupts nesting, an SSD's parallelism, and bytes that
// survive concurrent requests reordered by the disk's firmware.
#include <gtest/gtest.h>

#include <algorithm>

#include <fmt/format.h>

#include "support/child_process.h"
#include "support/scenario_builder.h"

namespace iosim {
namespace {

using testing::run_to_completion;
using testing::scenario_with;
using testing::thread_named;

// Two cores: one thread reads 128 KiB from the disk (its DMA copy takes the
// bus for a while, about 70 ms into the run), the other computes for 300 ms
// with half its time on memory, so the copy falls inside the computation.
Scenario contention(bool burst) {
  Scenario s =
      scenario_with({{"reader", "read 128KiB at lba 0"}, {"worker", "compute 300ms mem=50%"}});
  s.machine.cores = 2;
  s.machine.dma_burst_mode = burst;
  s.machine.dma_burst = 16;  // small bursts: a long copy, so the overlap is large
  return s;
}

TEST(BusContention, DmaOnTheBusSlowsAMemoryBoundComputation) {
  run_to_completion(contention(false), [](Platform& p) {
    const Thread& worker = thread_named(p, "worker");
    Ns stall = p.cpu().core(0).mem_stall() + p.cpu().core(1).mem_stall();
    EXPECT_GT(stall, 0) << "the worker's memory traffic waited for the DMA's bursts";
    EXPECT_EQ(worker.stats.user, 300 * kMs + stall) << "stall time is user time";
  });
}

// The copy moves 128 KiB in 8192 bursts of 16 bytes; each burst is a bus
// read from the disk's buffer and a bus write into RAM (which adds its
// access time): T = 8192 * (2 * occupancy(16) + ram_latency).
Ns copy_time(Platform& p) {
  return 8192 * (2 * p.bus().occupancy(16) + p.scenario().machine.ram_latency);
}

TEST(BusContention, BurstModeDelaysTheComputationByTheWholeTransfer) {
  run_to_completion(contention(true), [](Platform& p) {
    Ns stall = p.cpu().core(0).mem_stall() + p.cpu().core(1).mem_stall();
    EXPECT_NEAR(static_cast<double>(stall), static_cast<double>(copy_time(p)), 2000.0)
        << "the memory part waits while the DMA holds the bus";
  });
}

TEST(BusContention, CycleStealingSlowsItOnlyByTheDmasShareOfTheBus) {
  run_to_completion(contention(false), [](Platform& p) {
    Ns stall = p.cpu().core(0).mem_stall() + p.cpu().core(1).mem_stall();
    // The DMA takes u = 2 * occupancy / (2 * occupancy + ram_latency) of the
    // bus while it copies; a 50% memory-bound step meanwhile loses about
    // T * 0.5 * u / (1 - u) (docs/hardware.md, the contention model).
    double occupancy = static_cast<double>(p.bus().occupancy(16));
    double u =
        2 * occupancy / (2 * occupancy + static_cast<double>(p.scenario().machine.ram_latency));
    double expected = static_cast<double>(copy_time(p)) * 0.5 * u / (1 - u);
    EXPECT_GT(stall, 0);
    EXPECT_LT(static_cast<double>(stall), 1.3 * expected);
    EXPECT_GT(static_cast<double>(stall), 0.5 * expected);
    EXPECT_LT(stall, copy_time(p) / 2) << "far less than burst mode's whole transfer";
  });
}

TEST(NestedInterrupts, ATimerTickNestsInsideALongPioCopyInTheHandler) {
  // With PIO and interrupts the handler copies a 512 KiB response word by
  // word (milliseconds); the periodic tick is more urgent and nests.
  Scenario s = scenario_with({{"t", "fetch 512KiB"}});
  s.kernel.io.transfer = TransferMode::kPio;
  s.kernel.timer = TimerMode::kPeriodic;
  run_to_completion(s, [](Platform& p) {
    EXPECT_GT(p.kernel().counters().nested_interrupts, 2u);
    EXPECT_EQ(thread_named(p, "t").stats.bytes_fetched, 512u * 1024);
  });
}

TEST(NestedInterrupts, NoneWithoutLongHandlerWork) {
  Scenario s = scenario_with({{"t", "fetch 512KiB"}});
  s.kernel.timer = TimerMode::kPeriodic;  // DMA: the handler only reaps a completion
  run_to_completion(s, [](Platform& p) { EXPECT_EQ(p.kernel().counters().nested_interrupts, 0u); });
}

// Four threads each read one 4 KiB page on a different die.
Scenario four_readers(DiskKind kind) {
  std::vector<std::pair<std::string, std::string>> threads;
  for (int i = 0; i < 4; ++i)
    threads.push_back({fmt::format("r{}", i), fmt::format("read 4KiB at lba {}", i * 8)});
  Scenario s = scenario_with(threads);
  s.machine.disk.kind = kind;
  s.machine.disk.overhead = 10 * kUs;
  return s;
}

TEST(Ssd, FourReadsOnFourDiesCompleteInAboutOneLatency) {
  run_to_completion(four_readers(DiskKind::kSsd), [](Platform& p) {
    // One read: 10 us firmware + 50 us die read + page and host transfers,
    // about 80 us; four in series would be well over 250 us. (The last
    // thread's exit also tears its process down.)
    Ns last = 0;
    for (const auto& t : p.kernel().threads())
      last = std::max(last, t->stats.finish);
    EXPECT_LT(last, 200 * kUs + KernelCosts{}.process_exit);
  });
}

TEST(Ssd, TheSameReadsOnAHardDiskTakeMilliseconds) {
  run_to_completion(four_readers(DiskKind::kHdd),
                    [](Platform& p) { EXPECT_GT(p.kernel().finish_time(), 5 * kMs); });
}

// Writers fill regions scattered over the disk, then readers read them back
// while the firmware reorders the queue: every reader must see its writer's bytes.
Scenario write_then_read_many(QueuePolicy policy, DiskKind kind) {
  std::vector<std::pair<std::string, std::string>> threads;
  const int lbas[] = {900'000, 12'000, 2'400'000, 350'000, 1'700'000, 60'000};
  const char* sizes[] = {"4KiB", "20KiB", "512B", "64KiB", "1KiB", "128KiB"};
  for (int i = 0; i < 6; ++i) {
    threads.push_back(
        {fmt::format("w{}", i), fmt::format("write {} at lba {}", sizes[i], lbas[i])});
    threads.push_back(
        {fmt::format("r{}", i), fmt::format("sleep 2s\nread {} at lba {}", sizes[i], lbas[i])});
  }
  Scenario s = scenario_with(threads);
  s.machine.disk.policy = policy;
  s.machine.disk.kind = kind;
  return s;
}

void expect_every_reader_sees_its_writer(Platform& p) {
  for (int i = 0; i < 6; ++i) {
    const Thread& w = thread_named(p, fmt::format("w{}", i));
    const Thread& r = thread_named(p, fmt::format("r{}", i));
    EXPECT_EQ(r.stats.read_sum.value(), w.stats.write_sum.value()) << "pair " << i;
    EXPECT_EQ(r.stats.io_errors + w.stats.io_errors, 0u);
  }
}

TEST(DiskIntegrity, ConcurrentWritesAndReadsSurviveSstfReordering) {
  run_to_completion(write_then_read_many(QueuePolicy::kSstf, DiskKind::kHdd),
                    expect_every_reader_sees_its_writer);
}

TEST(DiskIntegrity, ConcurrentWritesAndReadsSurviveLookReordering) {
  run_to_completion(write_then_read_many(QueuePolicy::kLook, DiskKind::kHdd),
                    expect_every_reader_sees_its_writer);
}

TEST(DiskIntegrity, ConcurrentWritesAndReadsSurviveAnSsd) {
  run_to_completion(write_then_read_many(QueuePolicy::kFcfs, DiskKind::kSsd),
                    expect_every_reader_sees_its_writer);
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// Level-triggered lines deliver the same I/O as edge-triggered ones; with
// several requests completing close together no completion is lost.
TEST(LevelTriggered, ManyConcurrentRequestsAllCompleteWithLevelLines) {
  std::vector<std::pair<std::string, std::string>> threads;
  for (int i = 0; i < 8; ++i) {
    threads.push_back({fmt::format("n{}", i), "repeat 3 { fetch 8KiB }"});
    threads.push_back({fmt::format("d{}", i), fmt::format("read 4KiB at lba {}", i * 5000)});
  }
  Scenario s = testing::scenario_with(threads);
  s.machine.irq_trigger = IrqTrigger::kLevel;
  s.machine.cores = 2;
  s.machine.irq_routing = IrqRouting::kRoundRobin;
  run_to_completion(s, [](Platform& p) {
    for (const auto& t : p.kernel().threads()) {
      EXPECT_EQ(t->stats.io_errors, 0u) << t->name;
      EXPECT_EQ(t->stats.bytes_fetched + t->stats.bytes_read, t->name[0] == 'n' ? 3u * 8192 : 4096u)
          << t->name;
    }
    EXPECT_TRUE(p.disk().level_irq()) << "the kernel switched the disk to level mode at boot";
  });
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// Interrupts taken at interrupt windows inside a syscall (a periodic tick
// while the core polls the disk) are interrupt time, not the thread's: the
// threads' system time never exceeds the cores' kernel time.
TEST(Accounting, InterruptsDuringASyscallAreNotChargedToTheThread) {
  Scenario s = testing::scenario_with({{"reader", "repeat 5 { read 16KiB }"}});
  s.kernel.io.transfer = TransferMode::kPio;
  s.kernel.io.completion = CompletionMode::kPolling;
  s.kernel.timer = TimerMode::kPeriodic;
  run_to_completion(s, [](Platform& p) {
    const Thread& reader = testing::thread_named(p, "reader");
    const Core& core = p.cpu().core(0);
    EXPECT_GT(core.time_in(CoreMode::kIrq), 0) << "the tick interrupted the polling";
    EXPECT_LE(reader.stats.sys, core.time_in(CoreMode::kKernel));
    // What the core did in kernel mode but not for the reader: booting and
    // the one context switch that first loaded it.
    EXPECT_LT(core.time_in(CoreMode::kKernel) - reader.stats.sys, 10 * kUs);
  });
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// Two cores programming the same controller at once must not mix their
// register writes. Two writers start at the same instant on two cores and
// reach the controller's registers together; readers check every byte.
TEST(DiskIntegrity, TwoCoresProgrammingTheControllerAtOnceKeepCommandsIntact) {
  for (IrqRouting routing : {IrqRouting::kFixed, IrqRouting::kRoundRobin}) {
    Scenario s = testing::scenario_with({{"w0", "write 4KiB at lba 1000"},
                                         {"w1", "write 8KiB at lba 900000"},
                                         {"r0", "sleep 1s\nread 4KiB at lba 1000"},
                                         {"r1", "sleep 1s\nread 8KiB at lba 900000"}});
    s.machine.cores = 2;
    s.machine.irq_routing = routing;
    run_to_completion(s, [](Platform& p) {
      for (int i = 0; i < 2; ++i) {
        const Thread& w = thread_named(p, fmt::format("w{}", i));
        const Thread& r = thread_named(p, fmt::format("r{}", i));
        EXPECT_EQ(r.stats.read_sum.value(), w.stats.write_sum.value()) << "pair " << i;
        EXPECT_EQ(w.stats.io_errors + r.stats.io_errors, 0u) << "pair " << i;
      }
    });
  }
}

}  // namespace
}  // namespace iosim
