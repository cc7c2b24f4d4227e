// The reference harness itself: it must catch the faults the kernel catches
// and apply ticks, or the textbook tests prove nothing.
#include "policies/policy_harness.h"

#include <gtest/gtest.h>

#include "kernel/policies/fifo_policy.h"

namespace iosim {
namespace {

using testing::Job;
using testing::PolicyHarness;

// FCFS that also says yes to every tick.
class TickHappyFifo : public FifoPolicy {
 public:
  TickHappyFifo() : FifoPolicy("fcfs", 0) {}
  bool tick(int, const sched::Task&, std::int64_t) override { return true; }
};

// Always names task 0, ready or not.
class StubbornPolicy : public sched::Policy {
 public:
  const char* name() const override { return "stubborn"; }
  void enqueue(const sched::Task&, std::int64_t) override {}
  std::uint64_t pick(int, std::int64_t) override { return 0; }
  std::int64_t timeslice_ns(const sched::Task&, int) override { return 0; }
};

// Never picks anything.
class LazyPolicy : public StubbornPolicy {
 public:
  std::uint64_t pick(int, std::int64_t) override { return IOSIM_NO_TASK; }
};

TEST(PolicyHarness, ATickThatSaysYesPreemptsEvenWithoutASlice) {
  // Ticks every 5 ms: A 0-5, B 5-10, A 10-15, B 15-20.
  TickHappyFifo p;
  PolicyHarness h(p, {{"A", 0, 10 * kMs}, {"B", 0, 10 * kMs}}, {.tick = 5 * kMs});
  h.run();
  EXPECT_EQ(h.timeline(), "A 0-5, B 5-10, A 10-15, B 15-20");
}

TEST(PolicyHarness, PickingATaskThatIsNotReadyIsAFault) {
  StubbornPolicy p;
  PolicyHarness h(p, {{"A", 0, 10 * kMs}, {"B", 0, 10 * kMs}}, {.cores = 2});
  try {
    h.run();
    FAIL() << "core 1 picked A while A ran on core 0";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("not ready"), std::string::npos) << e.what();
  }
}

TEST(PolicyHarness, ReadyJobsThatAreNeverPickedAreReported) {
  LazyPolicy p;
  PolicyHarness h(p, {{"A", 0, 10 * kMs}});
  EXPECT_THROW(h.run(), std::logic_error);
}

TEST(PolicyHarness, ComputesTurnaroundResponseAndWaiting) {
  // FCFS, A (10) at 0 and B (10) at 5: B waits 5-10, runs 10-20.
  FifoPolicy p("fcfs", 0);
  PolicyHarness h(p, {{"A", 0, 10 * kMs}, {"B", 5 * kMs, 10 * kMs}});
  h.run();
  EXPECT_EQ(h.stats("B").response(), 5 * kMs);
  EXPECT_EQ(h.stats("B").turnaround(), 15 * kMs);
  EXPECT_EQ(h.stats("B").waiting(), 5 * kMs);
  EXPECT_EQ(h.stats("A").waiting(), 0);
}

}  // namespace
}  // namespace iosim
