// Kernel behaviour on the full simulated machine: scheduling, blocking I/O,
// sleeping, and that bytes written to the disk come back intact.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string_view>

#include "support/child_process.h"
#include "support/scenario_builder.h"

namespace iosim {
namespace {

using testing::run_to_completion;
using testing::scenario_with;
using testing::thread_named;

Scenario two_crunchers(SchedMode mode, const std::string& policy) {
  Scenario s = scenario_with({{"a", "compute 50ms"}, {"b", "compute 50ms"}});
  s.kernel.mode = mode;
  s.kernel.policy = policy;
  s.kernel.quantum = 10 * kMs;
  return s;
}

TEST(RoundRobin, PreemptsEachThreadWhenItsQuantumExpires) {
  run_to_completion(two_crunchers(SchedMode::kPreemptive, "rr"), [](Platform& p) {
    const auto& slices = p.kernel().schedule();
    int preempted = 0;
    for (const Slice& s : slices) {
      if (std::string_view(s.ended_by) != "preempted") continue;
      ++preempted;
      // The quantum counts from dispatch; the preemption lands after the
      // timer interrupt's entry and acknowledge, a few microseconds later.
      EXPECT_GE(s.end - s.start, 10 * kMs) << "slice of thread " << s.thread << " at " << s.start;
      EXPECT_LE(s.end - s.start, 10 * kMs + 10 * kUs);
    }
    EXPECT_GE(preempted, 8);
    EXPECT_EQ(p.kernel().counters().preemptions, static_cast<std::uint64_t>(preempted));
    // The two threads alternate.
    for (std::size_t i = 1; i + 1 < slices.size(); ++i)
      EXPECT_NE(slices[i].thread, slices[i - 1].thread) << "slice " << i;
  });
}

TEST(Cooperative, NeverPreemptsEvenWithATimeSlicePolicy) {
  run_to_completion(two_crunchers(SchedMode::kCooperative, "rr"), [](Platform& p) {
    EXPECT_EQ(p.kernel().counters().preemptions, 0u);
    const Thread& a = thread_named(p, "a");
    const Thread& b = thread_named(p, "b");
    EXPECT_GE(b.stats.first_run, a.stats.finish) << "b ran before a gave up the core";
  });
}

TEST(Fcfs, RunsEachThreadToCompletionInArrivalOrder) {
  run_to_completion(two_crunchers(SchedMode::kPreemptive, "fcfs"), [](Platform& p) {
    EXPECT_EQ(p.kernel().counters().preemptions, 0u);
    EXPECT_LT(thread_named(p, "a").stats.finish, thread_named(p, "b").stats.first_run + 1);
  });
}

TEST(Blocking, AThreadBlockedOnDiskIoUsesNoCpuWhileAnotherComputes) {
  Scenario s = scenario_with({{"reader", "read 64KiB at lba 5000"}, {"cruncher", "compute 50ms"}});
  run_to_completion(s, [](Platform& p) {
    const Thread& reader = thread_named(p, "reader");
    const Thread& cruncher = thread_named(p, "cruncher");
    EXPECT_EQ(reader.stats.user, 0);
    // Syscall entry/exit and driver work; and if it is the last to end, the
    // teardown of its process.
    EXPECT_LT(reader.stats.sys, 20 * kUs + KernelCosts{}.process_exit)
        << "only syscall entry/exit, driver work and process exit";
    EXPECT_GT(reader.stats.io_wait, 1 * kMs) << "the disk takes milliseconds";
    EXPECT_EQ(cruncher.stats.user, 50 * kMs);
    // The cruncher ran while the read was in flight: its first run comes
    // right after the reader blocked, long before the reader finished.
    EXPECT_LT(cruncher.stats.first_run, reader.stats.finish);
    EXPECT_EQ(reader.stats.bytes_read, 64u * 1024);
  });
}

Scenario write_then_read(TransferMode mode) {
  Scenario s = scenario_with(
      {{"writer", "write 8KiB at lba 500"}, {"reader", "sleep 200ms\nread 8KiB at lba 500"}});
  s.kernel.io.transfer = mode;
  if (mode == TransferMode::kPio) s.kernel.io.completion = CompletionMode::kPolling;
  return s;
}

void expect_read_returns_written_bytes(Platform& p) {
  const Thread& writer = thread_named(p, "writer");
  const Thread& reader = thread_named(p, "reader");
  ASSERT_EQ(writer.stats.bytes_written, 8192u);
  ASSERT_EQ(reader.stats.bytes_read, 8192u);
  EXPECT_EQ(reader.stats.read_sum.value(), writer.stats.write_sum.value());
  // And byte for byte: the reader's buffer in RAM equals the disk's sectors.
  std::vector<std::uint8_t> in_ram(8192), on_disk(8192), factory(512);
  p.ram().read(reader.main.buffer, in_ram);
  p.disk().image().read(500, 16, on_disk);
  EXPECT_EQ(in_ram, on_disk);
  DiskImage::factory_pattern(500, factory);
  EXPECT_FALSE(std::equal(factory.begin(), factory.end(), on_disk.begin()))
      << "the sector still holds its factory pattern: the write did not land";
}

TEST(DiskIo, WriteThenReadReturnsTheSameBytesWithDma) {
  run_to_completion(write_then_read(TransferMode::kDma), expect_read_returns_written_bytes);
}

TEST(DiskIo, WriteThenReadReturnsTheSameBytesWithPio) {
  run_to_completion(write_then_read(TransferMode::kPio), expect_read_returns_written_bytes);
}

TEST(DiskIo, PioKeepsTheCoreBusyWhileDmaLeavesItFree) {
  for (TransferMode mode : {TransferMode::kDma, TransferMode::kPio}) {
    Scenario s = scenario_with({{"reader", "read 64KiB at lba 5000"}});
    s.kernel.io.transfer = mode;
    if (mode == TransferMode::kPio) s.kernel.io.completion = CompletionMode::kPolling;
    run_to_completion(s, [mode](Platform& p) {
      const Thread& reader = thread_named(p, "reader");
      Ns idle = p.cpu().core(0).time_in(CoreMode::kIdle);
      if (mode == TransferMode::kDma) {
        EXPECT_GT(idle, reader.stats.io_wait / 2) << "the core idles while the disk works";
      } else {
        EXPECT_LT(idle, 100 * kUs) << "the core polls and copies through the whole read";
        EXPECT_GT(reader.stats.sys, 1 * kMs);
      }
    });
  }
}

TEST(Sleep, WakesTheThreadWhenItsTimeIsUp) {
  run_to_completion(scenario_with({{"sleeper", "sleep 5ms\ncompute 1ms"}}), [](Platform& p) {
    const Thread& t = thread_named(p, "sleeper");
    EXPECT_GE(t.stats.sleep, 5 * kMs);
    EXPECT_LE(t.stats.sleep, 5 * kMs + 20 * kUs);
    EXPECT_EQ(t.stats.user, 1 * kMs);
  });
}

TEST(Arrival, AThreadDoesNotRunBeforeItsStartTime) {
  Scenario s = scenario_with({{"early", "compute 1ms"}, {"late", "compute 1ms"}});
  s.workload.processes[0].threads[1].start = 30 * kMs;
  run_to_completion(s, [](Platform& p) {
    const Thread& late = thread_named(p, "late");
    EXPECT_EQ(late.stats.arrival, 30 * kMs);
    EXPECT_GE(late.stats.first_run, 30 * kMs);
    EXPECT_LE(late.stats.first_run, 30 * kMs + 20 * kUs);
  });
}

TEST(Multicore, TwoCoresRunTwoThreadsInParallel) {
  Scenario s = scenario_with({{"a", "compute 20ms"}, {"b", "compute 20ms"}});
  s.machine.cores = 2;
  run_to_completion(s, [](Platform& p) {
    EXPECT_LT(p.kernel().finish_time(), 21 * kMs) << "on one core this would take 40 ms";
    EXPECT_GT(p.cpu().core(1).time_in(CoreMode::kUser), 19 * kMs);
  });
}

TEST(Multicore, AWokenThreadRunsOnAnIdleCore) {
  // `sleeper` wakes while `hog` occupies one core: the idle core must take it
  // at once (woken by an inter-processor interrupt), not after the hog.
  Scenario s = scenario_with({{"hog", "compute 50ms"}, {"sleeper", "sleep 5ms\ncompute 1ms"}});
  s.machine.cores = 2;
  s.kernel.policy = "fcfs";
  run_to_completion(
      s, [](Platform& p) { EXPECT_LT(thread_named(p, "sleeper").stats.finish, 7 * kMs); });
}

TEST(Loops, RepeatRunsItsBodyTheGivenNumberOfTimes) {
  run_to_completion(scenario_with({{"t", "repeat 3 { repeat 2 { compute 1ms } ; yield }"}}),
                    [](Platform& p) {
                      const Thread& t = thread_named(p, "t");
                      EXPECT_EQ(t.stats.user, 6 * kMs);
                      EXPECT_EQ(p.kernel().counters().syscalls, 4u) << "3 yields and the exit";
                    });
}

TEST(Cycles, ComputeInCyclesTakesCyclesOverTheClock) {
  Scenario s = scenario_with({{"t", "compute 3000000 cycles"}});
  s.machine.clock_hz = 1'500'000'000;
  run_to_completion(s, [](Platform& p) { EXPECT_EQ(thread_named(p, "t").stats.user, 2 * kMs); });
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

using testing::run_to_completion;
using testing::scenario_with;
using testing::thread_named;

Scenario one_read(TransferMode transfer, CompletionMode completion) {
  Scenario s = scenario_with({{"reader", "read 64KiB at lba 5000"}});
  s.kernel.io.transfer = transfer;
  s.kernel.io.completion = completion;
  return s;
}

TEST(Completion, DmaWithPollingKeepsTheCoreSpinningInsteadOfBlocking) {
  run_to_completion(one_read(TransferMode::kDma, CompletionMode::kPolling), [](Platform& p) {
    const Thread& reader = thread_named(p, "reader");
    EXPECT_EQ(reader.stats.io_wait, 0) << "a polling thread never blocks";
    EXPECT_GT(reader.stats.sys, 1 * kMs) << "it spins in the kernel for the whole disk access";
    EXPECT_LT(p.cpu().core(0).time_in(CoreMode::kIdle), 100 * kUs);
    EXPECT_EQ(reader.stats.bytes_read, 64u * 1024);
    EXPECT_EQ(p.dma().stats().bytes, 64u * 1024) << "the DMA engine still moved the data";
  });
}

// The bytes at LBA 5000..5127 of a fresh disk: its factory pattern.
std::uint64_t factory_checksum(std::uint64_t lba, std::uint64_t sectors) {
  Checksum sum;
  std::vector<std::uint8_t> sector(512);
  for (std::uint64_t i = 0; i < sectors; ++i) {
    DiskImage::factory_pattern(lba + i, sector);
    sum.add(sector);
  }
  return sum.value();
}

TEST(Completion, EveryTransferAndCompletionModeDeliversTheDisksBytes) {
  for (TransferMode t : {TransferMode::kDma, TransferMode::kPio}) {
    for (CompletionMode c : {CompletionMode::kInterrupt, CompletionMode::kPolling}) {
      SCOPED_TRACE(
          fmt::format("transfer {}, completion {}", static_cast<int>(t), static_cast<int>(c)));
      run_to_completion(one_read(t, c), [](Platform& p) {
        const Thread& reader = thread_named(p, "reader");
        EXPECT_EQ(reader.stats.bytes_read, 64u * 1024);
        EXPECT_EQ(reader.stats.read_sum.value(), factory_checksum(5000, 128));
      });
    }
  }
}

TEST(TimerModes, APeriodicTickPreemptsAtTheFirstTickPastTheQuantum) {
  Scenario s = scenario_with({{"a", "compute 20ms"}, {"b", "compute 20ms"}});
  s.kernel.timer = TimerMode::kPeriodic;
  s.kernel.tick = 1 * kMs;
  s.kernel.quantum = 2500 * kUs;  // ends between two ticks: the 3 ms tick preempts
  run_to_completion(s, [](Platform& p) {
    for (const Slice& slice : p.kernel().schedule()) {
      if (std::string_view(slice.ended_by) != "preempted") continue;
      EXPECT_GE(slice.end - slice.start, 2500 * kUs);
      EXPECT_LE(slice.end - slice.start, 3500 * kUs + 20 * kUs)
          << "a slice starts between ticks, so it ends at most one tick after its quantum";
    }
    EXPECT_GT(p.kernel().counters().preemptions, 5u);
  });
}

TEST(TimerModes, APeriodicTickInterruptsEvenAnIdleCore) {
  Scenario tickless = scenario_with({{"sleeper", "sleep 20ms"}});
  Scenario periodic = tickless;
  periodic.kernel.timer = TimerMode::kPeriodic;
  run_to_completion(tickless, [](Platform& p) {
    EXPECT_LE(p.kernel().counters().interrupts, 2u) << "tickless: only the sleep's deadline";
  });
  run_to_completion(periodic, [](Platform& p) {
    EXPECT_GE(p.kernel().counters().interrupts, 20u) << "periodic: one tick per millisecond";
    EXPECT_GT(p.cpu().core(0).time_in(CoreMode::kIrq), 20 * kUs);
  });
}

TEST(TimerModes, WithAPeriodicTickASleepEndsOnATick) {
  Scenario s = scenario_with({{"sleeper", "sleep 2500us\ncompute 1ms"}});
  s.kernel.timer = TimerMode::kPeriodic;
  run_to_completion(s, [](Platform& p) {
    const Thread& t = thread_named(p, "sleeper");
    // Asleep from ~0.2us to 2.5 ms; the 3 ms tick wakes it.
    EXPECT_GE(t.stats.first_run + t.stats.sys + t.stats.sleep, 3 * kMs);
    EXPECT_LE(t.stats.sleep, 3 * kMs);
  });
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

TEST(Fetch, TenThreadsFetchingAtOnceFinishInAboutOneServerLatency) {
  std::vector<std::pair<std::string, std::string>> threads;
  for (int i = 0; i < 10; ++i)
    threads.push_back({fmt::format("t{}", i), "fetch 4KiB"});
  Scenario s = testing::scenario_with(threads);
  s.machine.nic.server = LatencyDistribution::fixed(50 * kMs);
  testing::run_to_completion(s, [](Platform& p) {
    // One latency (50 ms) plus link and serialisation, not ten latencies.
    EXPECT_LT(p.kernel().finish_time(), 55 * kMs);
    EXPECT_GT(p.kernel().finish_time(), 50 * kMs);
    for (const auto& t : p.kernel().threads()) {
      EXPECT_EQ(t->stats.fetches, 1u);
      EXPECT_EQ(t->stats.bytes_fetched, 4096u);
      EXPECT_GT(t->stats.io_wait, 50 * kMs) << t->name << " blocked for the whole request";
    }
  });
}

TEST(Fetch, TheResponseBytesAreTheCardsDocumentedContent) {
  Scenario s = testing::scenario_with({{"t", "fetch 3000B"}});
  testing::run_to_completion(s, [](Platform& p) {
    const Thread& t = testing::thread_named(p, "t");
    std::vector<std::uint8_t> expected(3000), in_ram(3000);
    Nic::response_bytes(0, 0, expected);  // the first request the card served
    p.ram().read(t.main.buffer, in_ram);
    EXPECT_EQ(in_ram, expected);
  });
}

}  // namespace
}  // namespace iosim
