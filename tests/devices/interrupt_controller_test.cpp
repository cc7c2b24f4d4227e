#include "devices/interrupt_controller.h"

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

using IC = InterruptController;
constexpr std::uint64_t kBase = 0x10000;
constexpr std::uint64_t kNoIrq = IC::kNoIrq;

// Four device lines (driven by the script) and two cores.
struct Bench {
  Bus bus{"bus", BusTiming{}};
  IC ic{"ic", 4, 2};
  sc_core::sc_vector<sc_core::sc_signal<bool>> lines{"line", 4};
  IrqWire core0{"core0"};
  IrqWire core1{"core1"};

  Bench() {
    ic.lines.bind(lines);
    ic.cpu_irq[0](core0.signal);
    ic.cpu_irq[1](core1.signal);
    bus.attach_target(ic.socket, kBase, IC::kRegsSize, "ic");
  }

  // A rising edge (then the falling one) on device line l.
  void pulse(Script& s, int l) {
    lines[static_cast<std::size_t>(l)].write(true);
    s.wait_ns(1);
    lines[static_cast<std::size_t>(l)].write(false);
    s.wait_ns(1);
  }
  std::uint64_t ack(Script& s, int core) { return s.read(kBase + IC::kAck + 16 * core); }
  void eoi(Script& s, int core, std::uint64_t line) { s.write(kBase + IC::kEoi + 16 * core, line); }
  void mask(Script& s, int line, bool on) { s.write(kBase + IC::kMask + 8 * line, on); }
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

}  // namespace
}  // namespace iosim
