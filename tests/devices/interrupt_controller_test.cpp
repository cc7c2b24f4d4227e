#include "devices/interrupt_controller.h"

#include <gtest/gtest.h>

#include <vector>

#include "devices/bus.h"
#include "devices/irq_source.h"
#include "devices/test_bench.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::IrqWire;
using testing::run;
using testing::Script;

using IC = InterruptController;
constexpr std::uint64_t kBase = 0x10000;
constexpr std::uint64_t kNoIrq = IC::kNoIrq;

// Device lines driven by the script (four unless asked) and two or more cores.
struct Bench {
  Bus bus{"bus", BusTiming{}};
  IC ic;
  sc_core::sc_vector<sc_core::sc_signal<bool>> lines;
  sc_core::sc_vector<IrqWire> cores;
  IrqWire& core0;
  IrqWire& core1;

  explicit Bench(int hw_lines = 4, int n_cores = 2)
      : ic("ic", hw_lines, n_cores),
        lines("line", static_cast<std::size_t>(hw_lines)),
        cores("core", static_cast<std::size_t>(n_cores)),
        core0(cores[0]),
        core1(cores[1]) {
    ic.lines.bind(lines);
    for (std::size_t c = 0; c < cores.size(); ++c)
      ic.cpu_irq[c](cores[c].signal);
    bus.attach_target(ic.socket, kBase, IC::kRegsSize, "ic");
  }

  // A rising edge (then the falling one) on device line l.
  void pulse(Script& s, int l) {
    lines[static_cast<std::size_t>(l)].write(true);
    s.wait_ns(1);
    lines[static_cast<std::size_t>(l)].write(false);
    s.wait_ns(1);
  }
  // Drives device line l to a level and lets the controller see it.
  void set_line(Script& s, int l, bool high) {
    lines[static_cast<std::size_t>(l)].write(high);
    s.wait_ns(1);
  }
  std::uint64_t ack(Script& s, int core) { return s.read(kBase + IC::kAck + 16 * core); }
  void eoi(Script& s, int core, std::uint64_t line) { s.write(kBase + IC::kEoi + 16 * core, line); }
  void mask(Script& s, int line, bool on) { s.write(kBase + IC::kMask + 8 * line, on); }
  void reg(Script& s, std::uint64_t table, int line, std::uint64_t v) {
    s.write(kBase + table + 8 * static_cast<std::uint64_t>(line), v);
  }
  bool high(int core) const { return cores[static_cast<std::size_t>(core)].high(); }
};

TEST(InterruptController, RisingEdgeSetsPendingAndRaisesRoutedCore) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 2);
      EXPECT_TRUE(b.ic.pending(2));
      EXPECT_EQ(s.read(kBase + IC::kPending), 1u << 2);
      EXPECT_TRUE(b.core0.high());
      EXPECT_FALSE(b.core1.high());
    });
    run({&tb});
    EXPECT_EQ(b.core0.count(), 1u);
    EXPECT_EQ(b.core1.count(), 0u);
  });
}

// An sc_signal may be written by one process only (SystemC error E115). The
// device edge is seen in the controller's sample_lines method and the ACK runs
// in the bus master's thread, so cpu_irq must be driven from one process of the
// controller's own, whatever triggered the change.
TEST(InterruptController, DrivesCpuIrqFromOneProcessForEdgesAndRegisterAccesses) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 1);               // cpu_irq[0] rises (edge path)
      EXPECT_EQ(b.ack(s, 0), 1u);  // cpu_irq[0] falls (register path)
      b.eoi(s, 0, 1);
      b.pulse(s, 1);
      EXPECT_TRUE(b.core0.high());
    });
    run({&tb});
    EXPECT_EQ(b.core0.count(), 2u);
  });
}

TEST(InterruptController, AckReturnsLineMovesItInServiceAndLowersCpuIrq) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 2);
      EXPECT_EQ(b.ack(s, 0), 2u);
      EXPECT_FALSE(b.ic.pending(2));
      EXPECT_TRUE(b.ic.in_service(2));
      EXPECT_EQ(s.read(kBase + IC::kInService), 1u << 2);
      EXPECT_FALSE(b.core0.high());
    });
    run({&tb});
  });
}

TEST(InterruptController, EoiClearsInService) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 2);
      EXPECT_EQ(b.ack(s, 0), 2u);
      b.eoi(s, 0, 2);
      EXPECT_FALSE(b.ic.in_service(2));
      EXPECT_EQ(s.read(kBase + IC::kInService), 0u);
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
    });
    run({&tb});
  });
}

TEST(InterruptController, MaskedLineIsDeliveredOnlyOnceUnmasked) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.mask(s, 1, true);
      b.pulse(s, 1);
      EXPECT_TRUE(b.ic.pending(1));
      EXPECT_FALSE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
      EXPECT_TRUE(b.ic.pending(1));  // the refused ACK kept the request
      b.mask(s, 1, false);
      EXPECT_TRUE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), 1u);
    });
    run({&tb});
  });
}

TEST(InterruptController, LowerLineNumberIsAckedFirst) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint64_t> order;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 3);
      b.pulse(s, 1);
      for (int i = 0; i < 2; ++i) {
        order.push_back(b.ack(s, 0));
        b.eoi(s, 0, order.back());
      }
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
    });
    run({&tb});
    EXPECT_EQ(order, (std::vector<std::uint64_t>{1, 3}));
  });
}

TEST(InterruptController, OnlyAMoreUrgentLineNestsOverOneInService) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 2);
      EXPECT_EQ(b.ack(s, 0), 2u);
      b.pulse(s, 3);  // less urgent than 2: held back
      EXPECT_FALSE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
      b.pulse(s, 0);  // more urgent than 2: delivered (nesting)
      EXPECT_TRUE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), 0u);
      b.eoi(s, 0, 0);
      b.eoi(s, 0, 2);
      EXPECT_EQ(b.ack(s, 0), 3u);  // now 3 is the most urgent
    });
    run({&tb});
    EXPECT_EQ(b.core0.count(), 3u);  // for 2, for 0, and for 3 after both EOIs
  });
}

TEST(InterruptController, SecondEdgeWhilePendingIsCoalesced) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 1);
      b.pulse(s, 1);
      EXPECT_EQ(b.ack(s, 0), 1u);
      b.eoi(s, 0, 1);
      EXPECT_EQ(b.ack(s, 0), kNoIrq);  // one request, not two
    });
    run({&tb});
    EXPECT_EQ(b.ic.raised(1), 2u);
    EXPECT_EQ(b.ic.coalesced(1), 1u);
  });
}

TEST(InterruptController, RouteSendsLineToCore1Only) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + IC::kRoute + 8 * 2, 1);
      EXPECT_EQ(s.read(kBase + IC::kRoute + 8 * 2), 1u);
      b.pulse(s, 2);
      EXPECT_TRUE(b.core1.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
      EXPECT_EQ(b.ack(s, 1), 2u);
    });
    run({&tb});
    EXPECT_EQ(b.core0.count(), 0u);
    EXPECT_EQ(b.core1.count(), 1u);
  });
}

TEST(InterruptController, SendIpiRaisesThatCoresIpiLine) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + IC::kSendIpi, 1);
      EXPECT_TRUE(b.ic.pending(b.ic.ipi_line(1)));
      EXPECT_TRUE(b.core1.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
      EXPECT_EQ(b.ack(s, 1), 5u);  // ipi_base (4 device lines) + core 1
    });
    run({&tb});
    EXPECT_EQ(b.core0.count(), 0u);
    EXPECT_EQ(b.core1.count(), 1u);
  });
}

// ---------------------------------------------------------------- nesting

// Eight device lines, fixed priority. With line 5 in service on core 0, a
// more urgent line (2) is delivered over it, a less urgent one (7) is not.
// The nested handler ends first; 7 waits until 5 is ended too.
TEST(InterruptController, NestedInterruptsAreTakenInPriorityOrder) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(8);
    std::vector<std::uint64_t> acks;
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 5);
      acks.push_back(b.ack(s, 0));  // 5: in service
      b.pulse(s, 7);
      EXPECT_FALSE(b.core0.high()) << "7 is less urgent than 5, which is in service";
      acks.push_back(b.ack(s, 0));  // none
      b.pulse(s, 2);
      EXPECT_TRUE(b.core0.high()) << "2 is more urgent than 5: it nests";
      acks.push_back(b.ack(s, 0));  // 2: now 2 and 5 are both in service on core 0
      EXPECT_EQ(s.read(kBase + IC::kInService), (1u << 2) | (1u << 5));
      EXPECT_EQ(b.ic.server(2), 0);
      EXPECT_EQ(b.ic.server(5), 0);
      b.eoi(s, 0, 2);               // the nested handler ends first
      acks.push_back(b.ack(s, 0));  // none: 5 still blocks 7
      b.eoi(s, 0, 5);
      EXPECT_TRUE(b.core0.high());
      acks.push_back(b.ack(s, 0));  // 7
      b.eoi(s, 0, 7);
      EXPECT_EQ(s.read(kBase + IC::kInService), 0u);
    });
    run({&tb});
    EXPECT_EQ(acks, (std::vector<std::uint64_t>{5, kNoIrq, 2, kNoIrq, 7}));
  });
}

// EOI names the line it ends; an EOI from a core the line is not in service
// on, or for a line not in service, changes nothing.
TEST(InterruptController, EoiEndsOnlyTheNamedLineOnItsOwnCore) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(8);
    Script tb("tb", b.bus, [&](Script& s) {
      b.pulse(s, 5);
      EXPECT_EQ(b.ack(s, 0), 5u);
      b.pulse(s, 2);
      EXPECT_EQ(b.ack(s, 0), 2u);
      b.eoi(s, 1, 2);   // wrong core
      b.eoi(s, 0, 3);   // not in service
      b.eoi(s, 0, 99);  // no such line
      EXPECT_TRUE(b.ic.in_service(2));
      EXPECT_TRUE(b.ic.in_service(5));
      b.eoi(s, 0, 5);  // the outer one may end first, too
      EXPECT_TRUE(b.ic.in_service(2));
      EXPECT_FALSE(b.ic.in_service(5));
    });
    run({&tb});
  });
}

// ---------------------------------------------------------------- level lines

// TRIGGER = level: the request follows the line. After EOI, a line still high
// is pending again (it re-fires) until the device lowers it.
TEST(InterruptController, LevelLineRefiresAfterEoiUntilTheDeviceLowersIt) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.reg(s, IC::kTrigger, 1, IC::kLevel);
      EXPECT_EQ(s.read(kBase + IC::kTrigger + 8), IC::kLevel);
      b.set_line(s, 1, true);
      EXPECT_TRUE(b.ic.pending(1));
      EXPECT_EQ(b.ack(s, 0), 1u);
      EXPECT_FALSE(b.ic.pending(1)) << "in service, not pending, although the line is high";
      b.eoi(s, 0, 1);  // the handler did not clear the cause: the line is still high
      EXPECT_TRUE(b.ic.pending(1));
      EXPECT_TRUE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), 1u);
      b.set_line(s, 1, false);  // the handler clears the cause
      b.eoi(s, 0, 1);
      EXPECT_FALSE(b.ic.pending(1));
      EXPECT_FALSE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
    });
    run({&tb});
    EXPECT_EQ(b.ic.raised(1), 2u);     // the first rise and one re-fire
    EXPECT_EQ(b.ic.coalesced(1), 0u);  // a level line never coalesces
    EXPECT_EQ(b.core0.count(), 2u);
  });
}

// A level line lowered before the kernel claims it withdraws its request.
TEST(InterruptController, LevelLineLoweredBeforeAckWithdrawsTheRequest) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.reg(s, IC::kTrigger, 2, IC::kLevel);
      b.set_line(s, 2, true);
      EXPECT_TRUE(b.core0.high());
      b.set_line(s, 2, false);
      EXPECT_FALSE(b.ic.pending(2));
      EXPECT_FALSE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
    });
    run({&tb});
  });
}

// A masked level line keeps its request; unmasking delivers it.
TEST(InterruptController, MaskedLevelLineWaitsThenDeliversOnUnmask) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.reg(s, IC::kTrigger, 3, IC::kLevel);
      b.mask(s, 3, true);
      b.set_line(s, 3, true);
      EXPECT_TRUE(b.ic.pending(3));
      EXPECT_FALSE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
      b.mask(s, 3, false);
      EXPECT_TRUE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), 3u);
    });
    run({&tb});
  });
}

// Switching a line that is already high to level makes it pending at once.
TEST(InterruptController, SwitchingAHighLineToLevelRequests) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.set_line(s, 0, true);  // edge: one request
      EXPECT_EQ(b.ack(s, 0), 0u);
      b.eoi(s, 0, 0);
      EXPECT_FALSE(b.ic.pending(0)) << "an edge line does not re-fire";
      b.reg(s, IC::kTrigger, 0, IC::kLevel);
      EXPECT_TRUE(b.ic.pending(0));
    });
    run({&tb});
  });
}

// IrqSource::set_level holds the line until it is lowered; with a level
// trigger that is one request per EOI while it is held.
TEST(InterruptController, IrqSourceLevelHoldsTheLineUntilLowered) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bus bus("bus", BusTiming{});
    IC ic("ic", 1, 1);
    IrqSource device("device");
    sc_core::sc_signal<bool> line("line");
    IrqWire core0("core0");
    device.line(line);
    ic.lines[0](line);
    ic.cpu_irq[0](core0.signal);
    bus.attach_target(ic.socket, kBase, IC::kRegsSize, "ic");
    std::vector<std::uint64_t> acks;
    Script tb("tb", bus, [&](Script& s) {
      s.write(kBase + IC::kTrigger, IC::kLevel);
      device.set_level(true);
      s.wait_ns(1);
      EXPECT_TRUE(line.read());
      device.pulse();  // adds no edge while the level is held
      for (int i = 0; i < 3; ++i) {
        acks.push_back(s.read(kBase + IC::kAck));
        if (i == 1) {  // the driver clears the cause (a register write would take bus time)
          device.set_level(false);
          s.wait_ns(1);
        }
        s.write(kBase + IC::kEoi, 0);
      }
      EXPECT_FALSE(line.read());
    });
    run({&tb});
    EXPECT_EQ(acks, (std::vector<std::uint64_t>{0, 0, kNoIrq}));
    EXPECT_EQ(ic.raised(0), 2u);
  });
}

// Lowering the level and pulsing at once still makes a rising edge.
TEST(InterruptController, IrqSourcePulseAfterLoweringTheLevelIsAnEdge) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    IrqSource device("device");
    IrqWire wire("wire");
    device.line(wire.signal);
    testing::Thread driver("driver", [&] {
      device.set_level(true);
      sc_core::wait(10, sc_core::SC_NS);
      device.set_level(false);
      device.pulse();
      sc_core::wait(10, sc_core::SC_NS);
    });
    sc_core::sc_start(to_sc(100));
    EXPECT_EQ(wire.rises(), (std::vector<Ns>{0, 10}));
    EXPECT_FALSE(wire.high());
  });
}

// ---------------------------------------------------------------- priority

// PRIORITY_MODE = rotating: the EOI that ends line 1 makes it least urgent,
// so with 1 and 3 pending, 3 is acknowledged first. Then EOI of 3 makes 3
// least urgent and 1 is next. In fixed mode the same requests give 1 first.
TEST(InterruptController, RotatingPriorityMakesTheEndedLineLeastUrgent) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint64_t> fixed, rotating;
    auto both_pending = [&](Script& s, std::vector<std::uint64_t>& order) {
      b.pulse(s, 1);
      EXPECT_EQ(b.ack(s, 0), 1u);
      b.eoi(s, 0, 1);
      b.pulse(s, 3);
      b.pulse(s, 1);
      for (int i = 0; i < 2; ++i) {
        order.push_back(b.ack(s, 0));
        b.eoi(s, 0, order.back());
      }
    };
    Script tb("tb", b.bus, [&](Script& s) {
      both_pending(s, fixed);
      EXPECT_EQ(s.read(kBase + IC::kLowest), 5u);  // n - 1: 4 device lines + 2 IPIs
      s.write(kBase + IC::kPriorityMode, IC::kPriorityRotating);
      EXPECT_EQ(s.read(kBase + IC::kPriorityMode), IC::kPriorityRotating);
      both_pending(s, rotating);
      // Ring after the last EOI (line 1): 2, 3, 4, 5, 0, 1.
      EXPECT_EQ(s.read(kBase + IC::kLowest), 1u);
      s.write(kBase + IC::kPriorityMode, IC::kPriorityFixed);
      EXPECT_EQ(s.read(kBase + IC::kLowest), 5u);
    });
    run({&tb});
    EXPECT_EQ(fixed, (std::vector<std::uint64_t>{1, 3}));
    // After EOI(1), order 2,3,4,5,0,1: 3 first. After EOI(3), order 4,5,0,1,2,3: then 1.
    EXPECT_EQ(rotating, (std::vector<std::uint64_t>{3, 1}));
  });
}

// Rotation also decides nesting: once line 0 has been ended it is the least
// urgent, so it no longer nests over line 2 in service.
TEST(InterruptController, RotatingPriorityAppliesToNesting) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kBase + IC::kPriorityMode, IC::kPriorityRotating);
      b.pulse(s, 0);
      EXPECT_EQ(b.ack(s, 0), 0u);
      b.eoi(s, 0, 0);  // ring: 1, 2, 3, 4, 5, 0
      b.pulse(s, 2);
      EXPECT_EQ(b.ack(s, 0), 2u);
      b.pulse(s, 0);
      EXPECT_FALSE(b.core0.high());
      EXPECT_EQ(b.ack(s, 0), kNoIrq);
      b.pulse(s, 1);  // 1 is ahead of 2 in the ring: it nests
      EXPECT_EQ(b.ack(s, 0), 1u);
    });
    run({&tb});
  });
}

// ---------------------------------------------------------------- routing

// ROUTE_MODE = round-robin: successive requests of one line go to ROUTE[l],
// then the next core, and so on, wrapping around.
TEST(InterruptController, RoundRobinRoutingSpreadsSuccessiveRequestsOverCores) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(4, 3);
    std::vector<int> targets;
    Script tb("tb", b.bus, [&](Script& s) {
      b.reg(s, IC::kRoute, 2, 1);  // start with core 1
      b.reg(s, IC::kRouteMode, 2, IC::kRouteRoundRobin);
      EXPECT_EQ(s.read(kBase + IC::kTarget + 8 * 2), 1u);  // no request yet: ROUTE
      for (int i = 0; i < 4; ++i) {
        b.pulse(s, 2);
        int core = static_cast<int>(s.read(kBase + IC::kTarget + 8 * 2));
        targets.push_back(core);
        EXPECT_TRUE(b.high(core));
        EXPECT_EQ(b.ack(s, core), 2u);
        b.eoi(s, core, 2);
      }
    });
    run({&tb});
    EXPECT_EQ(targets, (std::vector<int>{1, 2, 0, 1}));
    EXPECT_EQ(b.cores[0].count(), 1u);
    EXPECT_EQ(b.cores[1].count(), 2u);
    EXPECT_EQ(b.cores[2].count(), 1u);
  });
}

// ROUTE_MODE = least-busy: the request goes to the core with the fewest lines
// pending for it or in service on it; ties go to the lowest core.
TEST(InterruptController, LeastBusyRoutingPicksTheIdleCore) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(4, 3);
    Script tb("tb", b.bus, [&](Script& s) {
      b.reg(s, IC::kRoute, 1, 1);
      b.pulse(s, 0);  // pending for core 0 (fixed route 0)
      b.pulse(s, 1);  // in service on core 1
      EXPECT_EQ(b.ack(s, 1), 1u);
      b.reg(s, IC::kRouteMode, 2, IC::kRouteLeastBusy);
      b.reg(s, IC::kRouteMode, 3, IC::kRouteLeastBusy);
      b.pulse(s, 2);  // loads 1, 1, 0: core 2
      EXPECT_EQ(b.ic.target(2), 2);
      EXPECT_TRUE(b.high(2));
      b.pulse(s, 3);  // loads 1, 1, 1: the tie goes to core 0
      EXPECT_EQ(b.ic.target(3), 0);
      EXPECT_EQ(b.ack(s, 2), 2u);
      EXPECT_EQ(b.ack(s, 0), 0u);  // line 0 is more urgent than 3
    });
    run({&tb});
  });
}

// The routing decision is made when the request becomes pending: changing the
// mode afterwards does not move it. A fixed ROUTE write does move a pending
// request (as before), but not one already in service.
TEST(InterruptController, RoutingIsDecidedWhenTheRequestBecomesPending) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.reg(s, IC::kRouteMode, 2, IC::kRouteRoundRobin);
      b.pulse(s, 2);  // turn: core 0
      b.reg(s, IC::kRouteMode, 2, IC::kRouteFixed);
      b.reg(s, IC::kRoute, 2, 0);
      EXPECT_EQ(b.ic.target(2), 0);
      b.reg(s, IC::kRoute, 2, 1);  // fixed: the pending request follows
      EXPECT_EQ(b.ic.target(2), 1);
      EXPECT_EQ(b.ack(s, 1), 2u);
      b.reg(s, IC::kRoute, 2, 0);  // in service on core 1: stays there
      b.eoi(s, 0, 2);
      EXPECT_TRUE(b.ic.in_service(2));
      b.eoi(s, 1, 2);
      EXPECT_FALSE(b.ic.in_service(2));
    });
    run({&tb});
  });
}

// IPI lines are always edge-triggered and fixed-routed: their TRIGGER and
// ROUTE_MODE registers read 0 and ignore writes.
TEST(InterruptController, IpiLinesAreEdgeAndFixed) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      const int ipi = b.ic.ipi_line(1);
      b.reg(s, IC::kTrigger, ipi, IC::kLevel);
      b.reg(s, IC::kRouteMode, ipi, IC::kRouteLeastBusy);
      EXPECT_EQ(s.read(kBase + IC::kTrigger + 8 * ipi), IC::kEdge);
      EXPECT_EQ(s.read(kBase + IC::kRouteMode + 8 * ipi), IC::kRouteFixed);
      b.reg(s, IC::kRouteMode, 0, 7);  // not a mode: ignored
      EXPECT_EQ(s.read(kBase + IC::kRouteMode), IC::kRouteFixed);
    });
    run({&tb});
  });
}

// An IPI sent to a core that is busy in a handler is not lost: it stays
// pending (a second one coalesces) and is delivered after that core's EOI,
// which is how the kernel can ask a busy core to reschedule.
TEST(InterruptController, IpiToABusyCoreIsDeliveredAfterItsEoi) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.reg(s, IC::kRoute, 0, 1);
      b.pulse(s, 0);
      EXPECT_EQ(b.ack(s, 1), 0u);  // core 1 is in a handler for line 0
      s.write(kBase + IC::kSendIpi, 1);
      s.write(kBase + IC::kSendIpi, 1);
      EXPECT_FALSE(b.core1.high()) << "the IPI line is less urgent than line 0";
      b.eoi(s, 1, 0);
      EXPECT_TRUE(b.core1.high());
      EXPECT_EQ(b.ack(s, 1), static_cast<std::uint64_t>(b.ic.ipi_line(1)));
      b.eoi(s, 1, b.ic.ipi_line(1));
      EXPECT_EQ(b.ack(s, 1), kNoIrq);
    });
    run({&tb});
    EXPECT_EQ(b.ic.raised(b.ic.ipi_line(1)), 2u);
    EXPECT_EQ(b.ic.coalesced(b.ic.ipi_line(1)), 1u);
  });
}

}  // namespace
}  // namespace iosim
