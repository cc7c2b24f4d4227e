#include "devices/nic.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "devices/interrupt_controller.h"
#include "devices/latency_distribution.h"
#include "devices/ram.h"
#include "devices/test_bench.h"
#include "sim/random_stream.h"
#include "support/child_process.h"

namespace iosim {
namespace {

using testing::IrqWire;
using testing::ram_bytes;
using testing::run;
using testing::Script;

constexpr BusTiming kTiming{.latency = 10, .width = 8, .cycle = 1};
constexpr Ns kRamLatency = 20;
constexpr std::uint64_t kRamBytes = 16 << 20;
constexpr std::uint64_t kNicBase = 0x4000'0000;
constexpr std::uint64_t kIcBase = 0x5000'0000;
constexpr std::uint64_t kDmaIrq = Nic::kFlagDma | Nic::kFlagIrq;

// 12.5 MB/s is exactly 80 ns per byte; 100 us each way; 50 ms at the server.
NicParams params() {
  NicParams p;
  p.bandwidth = 12'500'000;
  p.link_latency = 100'000;
  p.server = LatencyDistribution::fixed(50'000'000);
  p.dma_burst = 64;
  return p;
}

// The documented rules, written out again independently of the model.
Ns ser(std::uint64_t bytes) {
  return static_cast<Ns>((bytes * 1'000'000'000 + 12'500'000 - 1) / 12'500'000);
}
std::vector<std::uint8_t> content(std::uint64_t seq, std::uint64_t n) {
  std::vector<std::uint8_t> out(n);
  for (std::uint64_t i = 0; i < n; ++i)
    out[i] = static_cast<std::uint8_t>(i < 8 ? seq >> (8 * i) : seq * 131 + i * 7 + i / 256);
  return out;
}
// Writing n bytes into RAM in 64-byte bursts on an idle bus: per burst of b
// bytes, 10 + ceil(b / 8) * 1 bus time and 20 of RAM latency.
Ns dma_ns(std::uint64_t n) {
  Ns t = 0;
  for (std::uint64_t done = 0; done < n; done += 64) {
    std::uint64_t b = std::min<std::uint64_t>(64, n - done);
    t += 10 + static_cast<Ns>((b + 7) / 8) + kRamLatency;
  }
  return t;
}

struct Bench {
  Bus bus{"bus", kTiming};
  Ram ram;
  Nic nic;
  IrqWire irq{"irq"};
  std::vector<NicRecord> records;  // in completion order

  explicit Bench(NicParams p = params(), Ns ram_latency = kRamLatency)
      : ram("ram", kRamBytes, ram_latency), nic("nic", p) {
    bus.attach_target(ram.socket, 0, ram.size(), "ram");
    bus.attach_target(nic.regs, kNicBase, Nic::kRegsSize, "nic");
    bus.attach_initiator(nic.bus, "nic");
    nic.irq.line(irq.signal);
    nic.on_complete([this](const NicRecord& r) { records.push_back(r); });
  }

  static std::uint64_t reg(std::uint64_t offset) { return kNicBase + offset; }
  // Programs one request and rings the doorbell; returns when the doorbell was issued.
  Ns submit(Script& s, std::uint64_t req, std::uint64_t resp, std::uint64_t addr,
            std::uint64_t flags, std::uint64_t tag) {
    s.write(reg(Nic::kReqBytes), req);
    s.write(reg(Nic::kRespBytes), resp);
    s.write(reg(Nic::kAddr), addr);
    s.write(reg(Nic::kFlags), flags);
    Ns issued = now_ns();
    s.write(reg(Nic::kDoorbell), tag);
    return issued;
  }
  std::vector<std::uint64_t> drain(Script& s) {
    std::vector<std::uint64_t> out;
    for (std::uint64_t c; (c = s.read(reg(Nic::kComplete))) != Nic::kNoCompletion;)
      out.push_back(c);
    return out;
  }
};

// Checks every record against the documented formula: uplink FIFO in
// doorbell order, downlink FIFO in (ready, seq) order, deliveries one at a
// time in arrival order. With `idle_bus`, DMA deliveries take exactly dma_ns.
void expect_formula(std::vector<NicRecord> recs, const NicParams& p, bool idle_bus) {
  ASSERT_EQ(p.bandwidth, 12'500'000u) << "ser() assumes 80 ns per byte";
  std::sort(recs.begin(), recs.end(), [](auto& a, auto& b) { return a.seq < b.seq; });
  Ns up_free = 0;
  for (const NicRecord& r : recs) {
    EXPECT_EQ(r.up_start, std::max(r.doorbell, up_free)) << "request " << r.seq;
    EXPECT_EQ(r.up_end, r.up_start + ser(r.req_bytes)) << "request " << r.seq;
    EXPECT_EQ(r.ready, r.up_end + p.link_latency + r.server) << "request " << r.seq;
    up_free = r.up_end;
  }
  std::sort(recs.begin(), recs.end(), [](auto& a, auto& b) {
    return a.ready != b.ready ? a.ready < b.ready : a.seq < b.seq;
  });
  Ns down_free = 0, delivered = 0;
  for (const NicRecord& r : recs) {
    EXPECT_EQ(r.down_start, std::max(r.ready, down_free)) << "request " << r.seq;
    EXPECT_EQ(r.down_end, r.down_start + ser(r.resp_bytes)) << "request " << r.seq;
    EXPECT_EQ(r.arrive, r.down_end + p.link_latency) << "request " << r.seq;
    EXPECT_EQ(r.deliver, std::max(r.arrive, delivered)) << "request " << r.seq;
    if (r.flags & Nic::kFlagDma) {
      if (idle_bus) {
        EXPECT_EQ(r.complete, r.deliver + dma_ns(r.resp_bytes)) << "request " << r.seq;
      }
      delivered = r.complete;
    } else {
      delivered = r.deliver;
    }
    down_free = r.down_end;
  }
}

TEST(Nic, OneRequestCompletesAtTheDocumentedTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Ns doorbell = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      doorbell = b.submit(s, 200, 1000, 0x10000, kDmaIrq, 5);
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kBusy);
      EXPECT_EQ(s.read(b.reg(Nic::kInFlight)), 1u);
      s.wait_rises(b.irq, 1);
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kDone);
      EXPECT_EQ(b.drain(s), (std::vector<std::uint64_t>{5u << 1}));
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), 0u);
    });
    run({&tb});
    // uplink 200 B = 16,000; link 100,000; server 50,000,000; downlink 1000 B = 80,000;
    // link 100,000; DMA: 15 bursts of 64 B (10 + 8 + 20 = 38) and one of 40 B
    // (10 + 5 + 20 = 35) = 605. In all 50,296,605 ns.
    const Ns expected = 16'000 + 100'000 + 50'000'000 + 80'000 + 100'000 + 605;
    EXPECT_EQ(expected, 50'296'605);
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{doorbell + expected}));
    ASSERT_EQ(b.records.size(), 1u);
    const NicRecord& r = b.records[0];
    EXPECT_EQ(r.complete, doorbell + expected);
    EXPECT_EQ(r.arrive, doorbell + expected - 605);
    EXPECT_EQ(r.server, 50'000'000);
    EXPECT_FALSE(r.failed);
    expect_formula(b.records, params(), true);
    EXPECT_EQ(b.nic.stats().requests, 1u);
    EXPECT_EQ(b.nic.stats().bytes, 1200u);  // request + response
    EXPECT_EQ(b.nic.stats().busy_ns, expected);
  });
}

// docs/hardware.md, "Network card": a 100 KiB fetch with every default (the
// card's NicParams{}, a bus of 10 ns + 1 ns per 8 bytes, RAM latency 50 ns),
// then the same fetch 100 times at once.
TEST(Nic, WorkedExampleInTheDocsTakesTheDocumentedTime) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(NicParams{}, 50);
    Ns first = -1, hundred = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      first = b.submit(s, 200, 102'400, 0x100000, kDmaIrq, 0);
      s.wait_rises(b.irq, 1);
      EXPECT_EQ(b.drain(s), (std::vector<std::uint64_t>{0}));
      hundred = now_ns();
      s.write(b.reg(Nic::kDoorbell), 1);  // the registers still hold the first request
      for (std::uint64_t tag = 2; tag <= 100; ++tag)
        s.write(b.reg(Nic::kDoorbell), tag);
      s.wait_rises(b.irq, 101);
    });
    run({&tb});
    // 200 B up = 16,000; 100,000; server 50,000,000; 102,400 B down = 8,192,000;
    // 100,000; DMA 1,600 bursts x (10 + 8 + 50) = 108,800. Total 58,516,800.
    EXPECT_EQ(b.records[0].complete - first, 58'516'800);
    // 100 at once: the downlink carries 100 x 8,192,000 back to back after the
    // first answer is ready: 16,000 + 100,000 + 50,000,000 + 819,200,000 +
    // 100,000 + 108,800 = 869,524,800 (vs 100 x 58.5 ms = 5.85 s one by one).
    EXPECT_EQ(b.records.back().complete - hundred, 869'524'800);
    EXPECT_EQ(b.records.back().seq, 100u);
    expect_formula(b.records, NicParams{}, false);
  });
}

TEST(Nic, DmaResponseLandsInRamExactlyAndNothingPastTheEnd) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    const std::uint64_t a0 = 0x10003, a1 = 0x20000;  // unaligned, and odd sizes
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, 50, 1001, a0, kDmaIrq, 1);
      b.submit(s, 50, 70'001, a1, kDmaIrq, 2);
      s.wait_rises(b.irq, 2);
      EXPECT_EQ(b.drain(s), (std::vector<std::uint64_t>{1u << 1, 2u << 1}));
    });
    run({&tb});
    EXPECT_EQ(ram_bytes(b.ram, a0, 1001), content(0, 1001));
    EXPECT_EQ(ram_bytes(b.ram, a1, 70'001), content(1, 70'001));
    EXPECT_EQ(ram_bytes(b.ram, a0 - 64, 64), std::vector<std::uint8_t>(64, 0));
    EXPECT_EQ(ram_bytes(b.ram, a0 + 1001, 4096), std::vector<std::uint8_t>(4096, 0));
    EXPECT_EQ(ram_bytes(b.ram, a1 + 70'001, 4096), std::vector<std::uint8_t>(4096, 0));
    // Spot checks of the documented rule: bytes 0..7 are the request number.
    EXPECT_EQ(ram_bytes(b.ram, a1, 9),
              (std::vector<std::uint8_t>{1, 0, 0, 0, 0, 0, 0, 0, (131 + 56) % 256}));
    EXPECT_EQ(Nic::response_byte(1, 300), (131 + 2100 + 1) % 256);
    expect_formula(b.records, params(), true);
  });
}

TEST(Nic, ManyConcurrentRequestsOverlapInsteadOfQueueing) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<Ns> doorbells;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, 100, 1000, 0x100000, kDmaIrq, 0);  // later requests only ring the doorbell
      doorbells.push_back(now_ns() - 11);
      for (std::uint64_t tag = 1; tag < 100; ++tag) {
        doorbells.push_back(now_ns());
        s.write(b.reg(Nic::kDoorbell), tag);
      }
      EXPECT_EQ(s.read(b.reg(Nic::kInFlight)), 100u);
      EXPECT_EQ(b.nic.probes()[0]->value(), 100u);  // nic.in_flight
      EXPECT_EQ(b.nic.probes()[1]->value(), Nic::kWaiting);
      s.wait_ns(100 * kMs);
      EXPECT_EQ(s.read(b.reg(Nic::kInFlight)), 0u);
    });
    run({&tb});
    ASSERT_EQ(b.records.size(), 100u);
    expect_formula(b.records, params(), true);
    // All 100 in flight at once: the last one finishes after one server latency
    // plus the link's serialisation of all requests and responses, about 58 ms,
    // not after 100 x 50 ms = 5 s.
    // Uplink: 100 x 8,000 back to back (doorbells are 11 ns apart). The first
    // response is ready at 8,000 + 100,000 + 50 ms; the downlink then sends
    // 100 x 80,000 back to back (each ready 8 us after the previous one).
    const Ns first_ready = doorbells[0] + 8'000 + 100'000 + 50'000'000;
    const Ns last_arrive = first_ready + 100 * 80'000 + 100'000;
    EXPECT_EQ(b.records.back().seq, 99u);
    EXPECT_EQ(b.records.back().complete, last_arrive + 605);
    EXPECT_LT(b.records.back().complete, 60 * kMs);
    EXPECT_EQ(b.irq.count(), 100u);
    EXPECT_EQ(b.nic.stats().busy_ns, last_arrive + 605 - doorbells[0]);
    EXPECT_EQ(b.nic.probes()[1]->value(), Nic::kIdle);
  });
}

TEST(Nic, BackToBackLargeResponsesShareTheDownlink) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<Ns> done;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, 0, 1'000'000, 0x100000, kDmaIrq, 1);
      b.submit(s, 0, 1'000'000, 0x400000, kDmaIrq, 2);
      s.wait_rises(b.irq, 2);
    });
    run({&tb});
    ASSERT_EQ(b.records.size(), 2u);
    const NicRecord& a = b.records[0];
    const NicRecord& c = b.records[1];
    // Each response alone takes 80 ms on the downlink; the second waits for the first.
    EXPECT_EQ(c.ready, a.ready + 55);  // the second doorbell rang 5 register writes later
    EXPECT_EQ(c.down_start, a.down_end);
    EXPECT_EQ(c.down_end - a.down_start, 2 * ser(1'000'000));
    EXPECT_EQ(c.down_end - a.down_start, 160'000'000);
    EXPECT_EQ(c.complete, a.ready + 160'000'000 + 100'000 + dma_ns(1'000'000));
    EXPECT_EQ(dma_ns(1'000'000), 15'625 * 38);
    expect_formula(b.records, params(), true);
    EXPECT_EQ(ram_bytes(b.ram, 0x400000, 1'000'000), content(1, 1'000'000));
  });
}

TEST(Nic, PioResponsesAreReadThroughDataOldestFirst) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    std::vector<std::uint8_t> got7, got9;
    Ns doorbell = -1;
    std::vector<std::uint64_t> completions;
    Script tb("tb", b.bus, [&](Script& s) {
      doorbell = b.submit(s, 10, 1001, 0, Nic::kFlagIrq, 7);
      b.submit(s, 10, 16, 0, Nic::kFlagIrq, 9);
      s.wait_rises(b.irq, 1);  // tag 7's data is ready at DATA
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kBusy | Nic::kDrq);
      EXPECT_EQ(s.read(b.reg(Nic::kPioTag)), 7u);
      EXPECT_EQ(s.read(b.reg(Nic::kPioLeft)), 1001u);
      for (int w = 0; w < 251; ++w) {  // 250 words of 4 bytes and a last one of 1
        std::uint64_t word = s.read(b.reg(Nic::kData), 4);
        for (int i = 0; i < 4 && got7.size() < 1001; ++i)
          got7.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
        if (w == 250) {
          EXPECT_LT(word, 256u) << "bytes past the end read as 0";
        }
      }
      s.wait_ns(kMs);  // tag 9 has arrived long since
      EXPECT_EQ(s.read(b.reg(Nic::kPioTag)), 9u);
      EXPECT_EQ(s.read(b.reg(Nic::kPioLeft)), 16u);
      for (int w = 0; w < 2; ++w) {
        std::uint64_t word = s.read(b.reg(Nic::kData), 8);
        for (int i = 0; i < 8; ++i)
          got9.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
      }
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kDone);
      EXPECT_EQ(s.read(b.reg(Nic::kPioTag)), Nic::kNoCompletion);
      EXPECT_EQ(s.read(b.reg(Nic::kData), 8), 0u);  // DRQ clear
      completions = b.drain(s);
    });
    run({&tb});
    EXPECT_EQ(got7, content(0, 1001));
    EXPECT_EQ(got9, content(1, 16));
    EXPECT_EQ(completions, (std::vector<std::uint64_t>{7u << 1, 9u << 1}));
    // Interrupts: 7's data ready (at its arrival), 7 complete, 9's data ready
    // (it was waiting behind 7), 9 complete.
    ASSERT_EQ(b.irq.count(), 4u);
    EXPECT_EQ(b.irq.rises()[0], doorbell + 800 + 100'000 + 50'000'000 + 80'080 + 100'000);
    EXPECT_EQ(b.irq.rises()[1], b.irq.rises()[2]);
    EXPECT_EQ(b.ram.pages_touched(), 0u) << "PIO never writes RAM by itself";
    expect_formula(b.records, params(), true);
  });
}

TEST(Nic, DoorbellBeyondMaxInFlightIsRefused) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    NicParams p = params();
    p.max_in_flight = 3;
    Bench b(p);
    std::vector<std::uint64_t> completions;
    Script tb("tb", b.bus, [&](Script& s) {
      EXPECT_EQ(s.read(b.reg(Nic::kQueueDepth)), 3u);
      for (std::uint64_t tag = 1; tag <= 3; ++tag)
        b.submit(s, 10, 10, 0x1000 * tag, kDmaIrq, tag);
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kBusy | Nic::kFull);
      b.submit(s, 10, 10, 0x9000, kDmaIrq, 4);
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kBusy | Nic::kFull | Nic::kError);
      EXPECT_EQ(s.read(b.reg(Nic::kInFlight)), 3u);
      s.wait_rises(b.irq, 3);
      s.wait_ns(100 * kMs);  // time enough for a fourth, had it been accepted
      completions = b.drain(s);
      b.submit(s, 10, 10, 0x9000, kDmaIrq, 5);  // room again; ERROR clears
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kBusy);
      s.wait_rises(b.irq, 4);
      completions.push_back(s.read(b.reg(Nic::kComplete)));
    });
    run({&tb});
    EXPECT_EQ(completions, (std::vector<std::uint64_t>{2, 4, 6, 10}));
    EXPECT_EQ(b.nic.stats().requests, 4u);
    // The refused doorbell took no request number: tag 5 is request 3.
    EXPECT_EQ(ram_bytes(b.ram, 0x9000, 10), content(3, 10));
  });
}

TEST(Nic, OversizedRequestCompletesAtOnceAsFailed) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    NicParams p = params();
    p.max_transfer = 4096;
    Bench b(p);
    Ns doorbell = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      EXPECT_EQ(s.read(b.reg(Nic::kMaxTransfer)), 4096u);
      doorbell = b.submit(s, 10, 4097, 0x1000, kDmaIrq, 3);
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), (3u << 1) | 1);
      EXPECT_EQ(s.read(b.reg(Nic::kInFlight)), 0u);
      b.submit(s, 10, 4096, 0x1000, kDmaIrq, 4);  // the limit itself is fine
      s.wait_rises(b.irq, 2);
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 4u << 1);
    });
    run({&tb});
    EXPECT_EQ(b.irq.rises()[0], doorbell);
    EXPECT_EQ(ram_bytes(b.ram, 0x1000, 4096), content(1, 4096));
    EXPECT_EQ(b.nic.stats().requests, 2u);
    EXPECT_EQ(b.nic.stats().bytes, 10u + 4096u);
  });
}

TEST(Nic, DmaToAnUnmappedAddressFails) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, 10, 256, kRamBytes - 128, kDmaIrq, 6);  // runs off the end of RAM
      s.wait_rises(b.irq, 1);
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), (6u << 1) | 1);
    });
    run({&tb});
    EXPECT_EQ(ram_bytes(b.ram, kRamBytes - 128, 128), content(0, 128));
    EXPECT_EQ(b.nic.stats().bytes, 0u);
  });
}

// Request i rings at a known time; with no bytes and no link latency, it
// completes exactly when the server answers: doorbell + L.
TEST(Nic, ExponentialServerLatencyHasTheConfiguredMean) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    NicParams p = params();
    p.link_latency = 0;
    p.server = LatencyDistribution::exponential(10'000'000);
    p.seed = 1234;
    Bench b(p);
    constexpr int kN = 5'000;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, 0, 0, 0, kDmaIrq, 0);
      for (std::uint64_t tag = 1; tag < kN; ++tag)
        s.write(b.reg(Nic::kDoorbell), tag);
      // A few very short draws have already completed during the 55 us of doorbells.
      EXPECT_GT(s.read(b.reg(Nic::kInFlight)), kN - 50u);
      s.wait_ns(kSec);
    });
    run({&tb});
    ASSERT_EQ(b.records.size(), static_cast<std::size_t>(kN));
    expect_formula(b.records, p, true);
    // The draws are the distribution's, from the stream "nic/<module name>".
    RandomStream random(1234, "nic/nic");
    std::vector<NicRecord> by_seq = b.records;
    std::sort(by_seq.begin(), by_seq.end(), [](auto& a, auto& c) { return a.seq < c.seq; });
    double sum = 0;
    int above = 0;
    for (const NicRecord& r : by_seq) {
      EXPECT_EQ(r.server, p.server.sample(random)) << "request " << r.seq;
      EXPECT_EQ(r.complete - r.doorbell, r.server) << "request " << r.seq;
      sum += static_cast<double>(r.complete - r.doorbell);
      above += r.complete - r.doorbell > 10'000'000;
    }
    // Standard error 10 ms / sqrt(5000) = 141 us; allow 5 of them.
    EXPECT_NEAR(sum / kN, 10'000'000, 710'000);
    EXPECT_NEAR(static_cast<double>(above) / kN, std::exp(-1.0), 0.03);
    // Completions come out in time order, not doorbell order.
    EXPECT_FALSE(std::is_sorted(b.records.begin(), b.records.end(),
                                [](auto& a, auto& c) { return a.seq < c.seq; }));
  });
}

// ---- Level-triggered interrupt line (IRQ_MODE = 1) ----

NicParams level_params() {
  NicParams p = params();
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

TEST(Nic, IrqModeResetsToTheParamAndSwitchingItMovesTheLine) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;  // level_irq = false: IRQ_MODE starts at 0 (pulse)
    Script tb("tb", b.bus, [&](Script& s) {
      EXPECT_EQ(s.read(b.reg(Nic::kIrqMode)), Nic::kIrqPulse);
      b.submit(s, 10, 10, 0x1000, kDmaIrq, 1);
      s.wait_rises(b.irq, 1);
      s.wait_ns(kUs);
      EXPECT_FALSE(b.irq.high()) << "pulse mode: one pulse, though the completion waits";
      s.write(b.reg(Nic::kIrqMode), 2);  // not a mode: ignored
      EXPECT_EQ(s.read(b.reg(Nic::kIrqMode)), Nic::kIrqPulse);
      s.write(b.reg(Nic::kIrqMode), Nic::kIrqLevel);  // a cause waits: the line rises at once
      EXPECT_EQ(s.read(b.reg(Nic::kIrqMode)), Nic::kIrqLevel);
      EXPECT_TRUE(b.nic.level_irq());
      EXPECT_TRUE(b.irq.high());
      s.write(b.reg(Nic::kIrqMode), Nic::kIrqPulse);  // back to pulse: the line drops
      EXPECT_FALSE(b.irq.high());
      s.write(b.reg(Nic::kIrqMode), Nic::kIrqLevel);
      EXPECT_TRUE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 1u << 1);
      EXPECT_FALSE(b.irq.high());
    });
    run({&tb});
    EXPECT_EQ(b.irq.count(), 3u);  // the pulse, then two switches to level
  });
}

TEST(Nic, LevelIrqIsHighFromACompletionUntilCompleteIsReadEmpty) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(level_params());
    FallLog log(b.irq);
    Ns doorbell = -1, popped = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      EXPECT_EQ(s.read(b.reg(Nic::kIrqMode)), Nic::kIrqLevel);
      doorbell = b.submit(s, 200, 1000, 0x10000, kDmaIrq, 5);
      s.wait_rises(b.irq, 1);
      s.wait_ns(10 * kMs);
      EXPECT_TRUE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kDone);
      popped = now_ns();
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 5u << 1);
      EXPECT_FALSE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), Nic::kNoCompletion);
      // A request without FLAGS bit 1 is no cause: the line stays low.
      b.submit(s, 200, 1000, 0x10000, Nic::kFlagDma, 6);
      s.wait_ns(100 * kMs);
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kDone);
      EXPECT_FALSE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 6u << 1);
    });
    run({&tb});
    // The rise is at the completion, as in pulse mode (the documented 50,296,605 ns).
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{doorbell + 50'296'605}));
    EXPECT_EQ(log.falls, (std::vector<Ns>{popped}));  // the pop lowers it, in the same ns
  });
}

TEST(Nic, LevelIrqStaysHighUntilTheLastOfTwoCompletionsIsPopped) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(level_params());
    FallLog log(b.irq);
    Ns second_pop = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      b.submit(s, 10, 100, 0x10000, kDmaIrq, 1);
      b.submit(s, 10, 100, 0x20000, kDmaIrq, 2);
      s.wait_rises(b.irq, 1);
      s.wait_ns(kMs);
      EXPECT_EQ(s.read(b.reg(Nic::kInFlight)), 0u);  // both complete
      EXPECT_TRUE(b.irq.high());
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 1u << 1);
      EXPECT_TRUE(b.irq.high()) << "tag 2 still waits in COMPLETE";
      second_pop = now_ns();
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 2u << 1);
      EXPECT_FALSE(b.irq.high());
      s.wait_ns(kMs);
    });
    run({&tb});
    ASSERT_EQ(b.records.size(), 2u);
    EXPECT_LT(b.records[0].complete, b.records[1].complete);
    EXPECT_EQ(b.irq.rises(), (std::vector<Ns>{b.records[0].complete}));  // no edge for tag 2
    EXPECT_EQ(log.falls, (std::vector<Ns>{second_pop}));
  });
}

// PIO with FLAGS bit 1: the line rises when 7's data is ready and stays high
// while any cause waits: data at DATA, then 7's completion and 9's data, then
// 9's completion. It drops only when the last completion is popped.
TEST(Nic, LevelIrqInPioIsHighWhileDataIsUnreadOrACompletionWaits) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b(level_params());
    FallLog log(b.irq);
    std::vector<std::uint8_t> got;
    Ns doorbell = -1, popped = -1;
    Script tb("tb", b.bus, [&](Script& s) {
      doorbell = b.submit(s, 10, 1001, 0, Nic::kFlagIrq, 7);
      b.submit(s, 10, 16, 0, Nic::kFlagIrq, 9);
      s.wait_rises(b.irq, 1);
      EXPECT_EQ(s.read(b.reg(Nic::kPioTag)), 7u);
      for (int w = 0; w < 126; ++w) {  // 125 words of 8 bytes and a last one of 1
        EXPECT_TRUE(b.irq.high()) << "word " << w;
        std::uint64_t word = s.read(b.reg(Nic::kData));
        for (int i = 0; i < 8 && got.size() < 1001; ++i)
          got.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
      }
      s.wait_ns(kMs);  // 9 has arrived and waits at DATA
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 7u << 1);
      EXPECT_TRUE(b.irq.high()) << "9's data is unread";
      EXPECT_EQ(s.read(b.reg(Nic::kPioTag)), 9u);
      s.read(b.reg(Nic::kData));
      s.read(b.reg(Nic::kData));
      EXPECT_EQ(s.read(b.reg(Nic::kStatus)), Nic::kDone);
      EXPECT_TRUE(b.irq.high()) << "9's completion waits";
      popped = now_ns();
      EXPECT_EQ(s.read(b.reg(Nic::kComplete)), 9u << 1);
      EXPECT_FALSE(b.irq.high());
    });
    run({&tb});
    EXPECT_EQ(got, content(0, 1001));
    EXPECT_EQ(b.irq.rises(),
              (std::vector<Ns>{doorbell + 800 + 100'000 + 50'000'000 + 80'080 + 100'000}));
    EXPECT_EQ(log.falls, (std::vector<Ns>{popped}));
  });
}

// A driver that sets the interrupt controller's line to level (TRIGGER) and
// the card to level (IRQ_MODE) at boot: a handler that ends the interrupt
// (EOI) before popping COMPLETE gets it again; once COMPLETE is empty, not.
TEST(Nic, LevelIrqReFiresAtTheInterruptControllerUntilCompleteIsDrained) {
  EXPECT_CHILD_PASSES([] {
    set_time_resolution();
    Bench b;
    InterruptController ic("ic", 1, 1);
    IrqWire core0("core0");
    ic.lines[0](b.irq.signal);
    ic.cpu_irq[0](core0.signal);
    b.bus.attach_target(ic.socket, kIcBase, InterruptController::kRegsSize, "ic");
    Script tb("tb", b.bus, [&](Script& s) {
      s.write(kIcBase + InterruptController::kTrigger, InterruptController::kLevel);
      s.write(b.reg(Nic::kIrqMode), Nic::kIrqLevel);
      b.submit(s, 10, 100, 0x10000, kDmaIrq, 4);
      s.wait_rises(core0, 1);
      EXPECT_EQ(s.read(kIcBase + InterruptController::kAck), 0u);
      s.write(kIcBase + InterruptController::kEoi, 0);  // too early: the completion waits
      EXPECT_EQ(core0.count(), 2u) << "the level line re-fires at EOI";
      EXPECT_EQ(s.read(kIcBase + InterruptController::kAck), 0u);
      EXPECT_EQ(b.drain(s), (std::vector<std::uint64_t>{4u << 1}));
      s.write(kIcBase + InterruptController::kEoi, 0);
      s.wait_ns(kMs);
      EXPECT_FALSE(ic.pending(0));
      EXPECT_EQ(s.read(kIcBase + InterruptController::kAck), InterruptController::kNoIrq);
    });
    run({&tb});
    EXPECT_EQ(core0.count(), 2u);
    EXPECT_EQ(ic.raised(0), 2u);
    EXPECT_EQ(b.irq.count(), 1u);  // the card raised its line once and held it
  });
}

// One run with varied sizes, a uniform server latency and several
// overtakings; writes every completion time (in completion order) to `path`.
void seeded_run(std::uint64_t seed, const std::string& path) {
  set_time_resolution();
  NicParams p = params();
  p.server = LatencyDistribution::uniform(1'000'000, 30'000'000);
  p.seed = seed;
  Bench b(p);
  Script tb("tb", b.bus, [&](Script& s) {
    for (std::uint64_t tag = 0; tag < 200; ++tag) {
      b.submit(s, 40 + tag, 1000 + 97 * tag, 0x100000 + 0x10000 * (tag % 64), kDmaIrq, tag);
      s.wait_ns(static_cast<Ns>((tag * 7919) % 300'000));
    }
    s.wait_ns(kSec);
  });
  run({&tb});
  ASSERT_EQ(b.records.size(), 200u);
  expect_formula(b.records, p, false);
  std::ofstream out(path);
  for (const NicRecord& r : b.records)
    out << r.tag << ' ' << r.complete << '\n';
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Nic, SameSeedGivesIdenticalCompletionTimes) {
  std::string base = ::testing::TempDir() + "nic_determinism_" + std::to_string(getpid());
  EXPECT_CHILD_PASSES([&] { seeded_run(99, base + "_a"); });
  EXPECT_CHILD_PASSES([&] { seeded_run(99, base + "_b"); });
  EXPECT_CHILD_PASSES([&] { seeded_run(100, base + "_c"); });
  std::string a = slurp(base + "_a"), b = slurp(base + "_b"), c = slurp(base + "_c");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b) << "same seed, different completion times";
  EXPECT_NE(a, c) << "a different seed should draw different latencies";
  for (const char* suffix : {"_a", "_b", "_c"})
    std::remove((base + suffix).c_str());
}

}  // namespace
}  // namespace iosim
