#include "devices/timer.h"

#include <gtest/gtest.h>

#include <vector>

#include "devices/bus.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::IrqWire;
using testing::run;
using testing::Script;

constexpr std::uint64_t kBase = 0x1000;
constexpr Ns kInterval = 10 * kUs;

struct Bench {
  Bus bus{"bus", BusTiming{}};
  Timer timer{"timer"};
  IrqWire irq{"irq"};

  Bench() {
    timer.irq.line(irq.signal);
    bus.attach_target(timer.socket, kBase, Timer::kRegsSize, "timer");
  }
};

// Register writes take effect when issued, so each test notes the issue time
// (now_ns() just before the write) as the start of the timer's interval.

TEST(Timer, OneShotFiresOnceAtStartPlusInterval) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns start = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + Timer::kInterval, kInterval);
      start = now_ns();
      s.write(kBase + Timer::kCtrl, Timer::kOneShot);
      s.wait_until(start + 5 * kInterval);
      EXPECT_EQ(s.read(kBase + Timer::kExpiries), 1u);
      EXPECT_EQ(s.read(kBase + Timer::kCtrl), Timer::kStopped);
    });
    run({&tb});
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{start + kInterval}));
  });
}

TEST(Timer, PeriodicFiresEveryInterval) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns start = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + Timer::kInterval, kInterval);
      start = now_ns();
      s.write(kBase + Timer::kCtrl, Timer::kPeriodic);
      s.wait_until(start + 10 * kInterval + kInterval / 2);
    });
    run({&tb});
    std::vector<Ns> expected;
    for (int k = 1; k <= 10; ++k)
      expected.push_back(start + k * kInterval);
    EXPECT_EQ(b.irq.rises(), expected);
    EXPECT_EQ(b.timer.expiries(), 10u);
  });
}

TEST(Timer, DeadlineArmsAnAbsoluteOneShot) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + Timer::kDeadline, 50'000);
      EXPECT_EQ(s.read(kBase + Timer::kDeadline), 50'000u);
      s.wait_until(200'000);
    });
    run({&tb});
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{50'000}));
  });
}

TEST(Timer, RearmingReplacesThePreviousDeadline) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns restart = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + Timer::kDeadline, 50'000);
      s.write(kBase + Timer::kDeadline, 80'000);
      s.wait_until(100'000);
      s.write(kBase + Timer::kInterval, kInterval);
      s.write(kBase + Timer::kCtrl, Timer::kOneShot);
      s.wait_ns(kInterval / 2);
      restart = now_ns();
      s.write(kBase + Timer::kCtrl, Timer::kOneShot);  // restarts the interval
      s.wait_ns(5 * kInterval);
    });
    run({&tb});
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{80'000, restart + kInterval}));
  });
}

TEST(Timer, CtrlZeroStopsIt) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns start = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + Timer::kInterval, kInterval);
      start = now_ns();
      s.write(kBase + Timer::kCtrl, Timer::kPeriodic);
      s.wait_until(start + 2 * kInterval + kInterval / 2);
      s.write(kBase + Timer::kCtrl, Timer::kStopped);
      s.wait_ns(10 * kInterval);
    });
    run({&tb});
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{start + kInterval, start + 2 * kInterval}));
  });
}

TEST(Timer, DeadlineInThePastFiresAtOnce) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns issued = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      s.wait_until(10'000);
      issued = now_ns();
      s.write(kBase + Timer::kDeadline, 5'000);
      s.wait_ns(kInterval);
    });
    run({&tb});
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{issued}));
  });
}

TEST(Timer, CtrlWithZeroIntervalStopsIt) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + Timer::kDeadline, 50'000);
      s.write(kBase + Timer::kCtrl, Timer::kPeriodic);  // INTERVAL is still 0
      EXPECT_EQ(s.read(kBase + Timer::kCtrl), Timer::kStopped);
      s.wait_until(200'000);
    });
    run({&tb});
    EXPECT_EQ(b.irq.count(), 0u);  // the earlier DEADLINE was cancelled too
  });
}

TEST(Timer, DeadlineReadsTheArmedTimeOrAllOnes) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns start = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      constexpr std::uint64_t kNone = ~std::uint64_t{0};
      EXPECT_EQ(s.read(kBase + Timer::kDeadline), kNone);
      s.write(kBase + Timer::kInterval, kInterval);
      start = now_ns();
      s.write(kBase + Timer::kCtrl, Timer::kPeriodic);
      EXPECT_EQ(s.read(kBase + Timer::kDeadline), static_cast<std::uint64_t>(start + kInterval));
      s.wait_until(start + kInterval + 1);  // the next period is armed
      EXPECT_EQ(s.read(kBase + Timer::kDeadline),
                static_cast<std::uint64_t>(start + 2 * kInterval));
      s.write(kBase + Timer::kCtrl, Timer::kStopped);
      EXPECT_EQ(s.read(kBase + Timer::kDeadline), kNone);
    });
    run({&tb});
  });
}

TEST(Timer, NowReadsSimulatedTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      s.wait_until(12'345);
      EXPECT_EQ(s.read(kBase + Timer::kNow), 12'345u);  // sampled when the read is issued
    });
    run({&tb});
  });
}

}  // namespace
}  // namespace iosim
