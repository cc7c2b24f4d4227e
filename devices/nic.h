// The network card: sends requests to a modelled remote server and receives
// the responses. Many requests may be in flight at once (an event loop with
// thousands of connections); each costs O(log n) work and a few SystemC
// events, never one event per byte nor a SystemC process per request.
//
// One request, rung at time D (the DOORBELL write), goes through:
//   1. uplink:   its REQ_BYTES are serialised onto the link, first come first
//                served behind earlier requests:
//                  up_start = max(D, up_end of the previous request)
//                  up_end   = up_start + ser(REQ_BYTES)
//   2. server:   ready = up_end + link_latency + L, L drawn from the server's
//                LatencyDistribution when the doorbell is accepted
//   3. downlink: the response is serialised back, first come first served in
//                order of `ready` (ties: doorbell order):
//                  down_start = max(ready, down_end of the response before it)
//                  down_end   = down_start + ser(RESP_BYTES)
//                  arrive     = down_end + link_latency
//   4. delivery: responses are delivered one at a time, in arrival order,
//                starting at max(arrive, end of the previous delivery).
//                DMA: the card writes the response to ADDR in bursts of
//                dma_burst bytes over its own bus port (bus time each); the
//                request completes when the last burst has landed.
//                PIO: the response is staged and the CPU reads it through
//                DATA; the request completes when its last byte is read.
// where ser(n) = ceil(n * 10^9 / bandwidth) ns. On an idle card, with an idle
// bus, a DMA request completes at
//   D + ser(REQ) + link_latency + L + ser(RESP) + link_latency
//     + sum over bursts n of (bus latency + ceil(n / bus width) * cycle + ram_latency).
//
// Response content: byte i of the response to request number s (s counts the
// doorbells that were not refused, from 0) is
//   i < 8:  byte i of s, little-endian
//   i >= 8: (s * 131 + i * 7 + i / 256) mod 256
// (Nic::response_byte), so a test can tell which request a buffer came from.
//
// Registers (64-bit). ADDR..QDEPTH sit at the disk controller's offsets, with
// the same meaning, so one driver shape serves both.
//   0x00 REQ_BYTES  rw  bytes to send, 0 .. max_transfer
//   0x08 RESP_BYTES rw  bytes the server answers, 0 .. max_transfer
//   0x18 ADDR       rw  RAM bus address the response is written to (DMA)
//   0x20 FLAGS      rw  bit 0: DMA (else PIO); bit 1: interrupt on completion
//                       and, in PIO mode, also when the response's data is
//                       ready at DATA
//   0x28 DOORBELL   wo  sends REQ_BYTES/RESP_BYTES/ADDR/FLAGS under the written
//                       tag. Refused (STATUS.ERROR) when max_in_flight requests
//                       are in flight. A size over max_transfer completes at
//                       once as failed
//   0x30 STATUS     ro  bit 0 BUSY   a request is in flight
//                       bit 1 DRQ    PIO: a response is ready at DATA
//                       bit 2 FULL   max_in_flight requests are in flight
//                       bit 3 ERROR  the last doorbell was refused
//                       bit 4 DONE   a completion is waiting in COMPLETE
//   0x38 DATA       ro  PIO: the next 1/2/4/8 bytes of the oldest staged
//                       response (the one PIO_TAG names); 0 when DRQ is clear
//   0x40 COMPLETE   ro  pops the oldest completion: (tag << 1) | failed, or
//                       kNoCompletion when none is waiting
//   0x48 QDEPTH     ro  max_in_flight
//   0x50 IN_FLIGHT  ro  requests accepted and not yet completed
//   0x58 PIO_TAG    ro  tag of the response DATA serves, or kNoCompletion
//   0x60 PIO_LEFT   ro  bytes of it not yet read
//   0x68 MAX_XFER   ro  max_transfer (for drivers that split larger transfers)
//   0x70 IRQ_MODE   rw  0 = pulse (edge), 1 = level; other values are ignored.
//                       Reset value: params.level_irq. Pulse: one pulse per
//                       completion with FLAGS bit 1, and per PIO response with
//                       FLAGS bit 1 reaching DATA. Level: the line is high
//                       exactly while a cause waits: a completion in COMPLETE
//                       whose request had FLAGS bit 1, or (PIO, FLAGS bit 1) a
//                       response at DATA with bytes left to read. Popping the
//                       last such completion lowers it (reading a response's
//                       last byte hands its cause over to its completion, so
//                       the line stays high). Switching to level raises the
//                       line at once if a cause waits; switching to pulse
//                       lowers it. Same offset as the disk's IRQ_MODE.
// 0x10 is reserved (an address error).
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <functional>
#include <queue>
#include <span>
#include <vector>

#include "devices/completion_queue.h"
#include "devices/irq_source.h"
#include "devices/latency_distribution.h"
#include "devices/register_bank.h"
#include "sim/device_stats.h"
#include "sim/probe.h"
#include "sim/random_stream.h"

namespace iosim {

struct NicParams {
  std::uint64_t bandwidth = 12'500'000;  // bytes/s in each direction (100 Mbit/s)
  Ns link_latency = 100'000;             // propagation, each way (100 us)
  LatencyDistribution server = LatencyDistribution::fixed(50'000'000);  // 50 ms per request
  std::uint32_t max_in_flight = 65'536;
  std::uint32_t dma_burst = 64;          // bytes per bus write when delivering by DMA
  std::uint64_t max_transfer = 1 << 20;  // largest REQ_BYTES / RESP_BYTES (1 MiB)
  std::uint64_t seed = 1;                // the scenario seed
  bool level_irq = false;                // IRQ_MODE at reset: false = pulse (edge), true = level
};

// What happened to one request, for tests and for explaining a run.
struct NicRecord {
  std::uint64_t seq = 0, tag = 0, req_bytes = 0, resp_bytes = 0, flags = 0;
  Ns doorbell = 0, server = 0;  // server = the drawn latency L
  Ns up_start = 0, up_end = 0;  // uplink serialisation
  Ns ready = 0;                 // the server's response is ready to send
  Ns down_start = 0, down_end = 0;
  Ns arrive = 0;    // last byte at the card
  Ns deliver = 0;   // delivery began (DMA writes, or staged for PIO)
  Ns complete = 0;  // completion queued
  bool failed = false;
};

class Nic : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kReqBytes = 0x00, kRespBytes = 0x08, kAddr = 0x18, kFlags = 0x20,
                                 kDoorbell = 0x28, kStatus = 0x30, kData = 0x38, kComplete = 0x40,
                                 kQueueDepth = 0x48, kInFlight = 0x50, kPioTag = 0x58,
                                 kPioLeft = 0x60, kMaxTransfer = 0x68, kIrqMode = 0x70,
                                 kRegsSize = 0x100;
  static constexpr std::uint64_t kFlagDma = 1, kFlagIrq = 2;
  static constexpr std::uint64_t kBusy = 1, kDrq = 2, kFull = 4, kError = 8, kDone = 16;
  static constexpr std::uint64_t kNoCompletion = CompletionQueue::kEmpty;
  static constexpr std::uint64_t kIrqPulse = 0, kIrqLevel = 1;  // IRQ_MODE values
  // Traced states (nic.state).
  enum State : std::uint64_t { kIdle, kWaiting, kDma, kPio };

  tlm_utils::simple_target_socket<Nic> regs{"regs"};
  tlm_utils::simple_initiator_socket<Nic> bus{"bus"};  // writes responses into RAM
  IrqSource irq{"irq"};

  Nic(sc_core::sc_module_name name, NicParams params);

  const NicParams& params() const { return p_; }
  // ser(n) = ceil(n * 10^9 / bandwidth) ns, exact.
  Ns serialisation(std::uint64_t bytes) const;
  static std::uint8_t response_byte(std::uint64_t seq, std::uint64_t offset);
  // Fills `out` with bytes offset .. offset + out.size() - 1 of response `seq`.
  static void response_bytes(std::uint64_t seq, std::uint64_t offset, std::span<std::uint8_t> out);

  std::uint64_t in_flight() const { return in_flight_; }
  bool level_irq() const { return level_irq_; }  // IRQ_MODE == 1
  // requests: completed, including failed; bytes: REQ_BYTES + RESP_BYTES of the
  // successful ones; busy_ns: time with at least one request in flight (up to now).
  DeviceStats stats() const;
  std::vector<Probe*> probes() { return {&in_flight_probe_, &state_}; }
  // Called at every completion (after the completion is queued).
  void on_complete(std::function<void(const NicRecord&)> observer) {
    observer_ = std::move(observer);
  }

 private:
  SC_HAS_PROCESS(Nic);

  struct Staging {
    std::uint64_t req_bytes = 0, resp_bytes = 0, addr = 0, flags = 0;
  };
  struct Request {
    NicRecord rec;
    std::uint64_t addr = 0;
    std::uint64_t pio_read = 0;  // PIO: bytes read through DATA
  };
  // Min-heap order on (ready, seq): the downlink's FIFO order.
  struct LaterReady {
    bool operator()(const Request& a, const Request& b) const {
      return a.rec.ready != b.rec.ready ? a.rec.ready > b.rec.ready : a.rec.seq > b.rec.seq;
    }
  };

  void engine();
  void deliver(Request r);
  bool dma_write(const Request& r);
  void stage_next_pio();
  void complete(Request& r, bool ok);
  void doorbell(std::uint64_t tag);
  std::uint64_t status() const;
  std::uint64_t pio_data(unsigned width);
  std::uint64_t pop_completion();
  void set_irq_mode(std::uint64_t mode);
  bool irq_cause() const;
  void update_irq_level();
  void refresh_state();
  void regs_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  NicParams p_;
  RandomStream random_;
  RegisterBank bank_;
  Staging next_{};
  std::uint64_t seq_ = 0;
  std::uint64_t in_flight_ = 0;
  Ns up_free_ = 0, down_free_ = 0;
  std::priority_queue<Request, std::vector<Request>, LaterReady> at_server_;
  std::deque<Request> arrived_;  // in arrival order (arrive is non-decreasing)
  std::deque<Request> pio_;      // staged PIO responses; the front is at DATA
  CompletionQueue completions_;
  bool refused_ = false, writing_ = false;
  bool level_irq_ = false;
  std::vector<std::uint8_t> burst_;
  sc_core::sc_event wake_;
  DeviceStats stats_;
  Ns busy_since_ = 0;
  std::function<void(const NicRecord&)> observer_;
  Probe in_flight_probe_{"nic", "in_flight", 32};
  Probe state_{"nic", "state", 2};
};

}  // namespace iosim
