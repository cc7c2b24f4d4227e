#include "devices/cpu.h"

#include <gtest/gtest.h>

#include <functional>

#include "devices/bus.h"
#include "devices/ram.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::run;
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

}  // namespace
}  // namespace iosim
