#include "devices/nic.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "devices/bus_access.h"

namespace iosim {

Nic::Nic(sc_core::sc_module_name name, NicParams params)
    : sc_module(name),
      p_(params),
      random_(params.seed, std::string("nic/") + this->name()),
      level_irq_(params.level_irq),
      burst_(params.dma_burst) {
  if (p_.bandwidth < 1 || p_.dma_burst < 1 || p_.max_in_flight < 1 || p_.link_latency < 0)
    throw std::invalid_argument("network card needs a bandwidth, a burst and room for a request");
  auto field = [this](const char* reg, std::uint64_t offset, std::uint64_t* value) {
    bank_.add(
        reg, offset, [value](unsigned) { return *value; },
        [value](std::uint64_t v, unsigned) { *value = v; });
  };
  field("REQ_BYTES", kReqBytes, &next_.req_bytes);
  field("RESP_BYTES", kRespBytes, &next_.resp_bytes);
  field("ADDR", kAddr, &next_.addr);
  field("FLAGS", kFlags, &next_.flags);
  bank_.add("DOORBELL", kDoorbell, nullptr, [this](std::uint64_t v, unsigned) { doorbell(v); });
  bank_.add("STATUS", kStatus, [this](unsigned) { return status(); });
  bank_.add("DATA", kData, [this](unsigned w) { return pio_data(w); });
  bank_.add("COMPLETE", kComplete, [this](unsigned) { return pop_completion(); });
  bank_.add("QDEPTH", kQueueDepth, [this](unsigned) { return std::uint64_t{p_.max_in_flight}; });
  bank_.add("IN_FLIGHT", kInFlight, [this](unsigned) { return in_flight_; });
  bank_.add("PIO_TAG", kPioTag,
            [this](unsigned) { return pio_.empty() ? kNoCompletion : pio_.front().rec.tag; });
  bank_.add("PIO_LEFT", kPioLeft, [this](unsigned) {
    return pio_.empty() ? 0 : pio_.front().rec.resp_bytes - pio_.front().pio_read;
  });
  bank_.add("MAX_XFER", kMaxTransfer, [this](unsigned) { return p_.max_transfer; });
  bank_.add(
      "IRQ_MODE", kIrqMode, [this](unsigned) { return level_irq_ ? kIrqLevel : kIrqPulse; },
      [this](std::uint64_t v, unsigned) { set_irq_mode(v); });
  regs.register_b_transport(this, &Nic::regs_transport);
  SC_THREAD(engine);
}

Ns Nic::serialisation(std::uint64_t bytes) const {
  unsigned __int128 scaled = static_cast<unsigned __int128>(bytes) * 1'000'000'000u;
  return static_cast<Ns>((scaled + p_.bandwidth - 1) / p_.bandwidth);
}

std::uint8_t Nic::response_byte(std::uint64_t seq, std::uint64_t offset) {
  if (offset < 8) return static_cast<std::uint8_t>(seq >> (8 * offset));
  return static_cast<std::uint8_t>(seq * 131 + offset * 7 + offset / 256);
}

// response_byte for a whole span; past the first 8 bytes the loop has no
// branch, so the compiler vectorises it (it runs for every response byte).
void Nic::response_bytes(std::uint64_t seq, std::uint64_t offset, std::span<std::uint8_t> out) {
  std::size_t i = 0;
  for (; i < out.size() && offset + i < 8; ++i)
    out[i] = response_byte(seq, offset + i);
  const std::uint64_t base = seq * 131;
  for (; i < out.size(); ++i) {
    const std::uint64_t at = offset + i;
    out[i] = static_cast<std::uint8_t>(base + at * 7 + at / 256);
  }
}

DeviceStats Nic::stats() const {
  DeviceStats s = stats_;
  if (in_flight_ > 0) s.busy_ns += now_ns() - busy_since_;
  return s;
}

// Accepts a request and works out its whole journey to the server at once:
// the uplink is FIFO in doorbell order, so its slot is known now, and so is
// the time the server's answer is ready. Only the downlink has to wait, since
// its order depends on answers that later doorbells may still overtake.
void Nic::doorbell(std::uint64_t tag) {
  refused_ = in_flight_ >= p_.max_in_flight;
  if (refused_) return;
  Ns now = now_ns();
  Request r;
  r.rec.seq = seq_++;
  r.rec.tag = tag;
  r.rec.req_bytes = next_.req_bytes;
  r.rec.resp_bytes = next_.resp_bytes;
  r.rec.flags = next_.flags;
  r.rec.doorbell = now;
  r.addr = next_.addr;
  if (in_flight_++ == 0) busy_since_ = now;
  in_flight_probe_.set(in_flight_);
  if (r.rec.req_bytes > p_.max_transfer || r.rec.resp_bytes > p_.max_transfer) {
    complete(r, false);  // nothing is sent
    return;
  }
  r.rec.up_start = std::max(now, up_free_);
  r.rec.up_end = up_free_ = r.rec.up_start + serialisation(r.rec.req_bytes);
  r.rec.server = p_.server.sample(random_);
  r.rec.ready = r.rec.up_end + p_.link_latency + r.rec.server;
  at_server_.push(r);
  wake_.notify(to_sc(r.rec.ready - now));  // an earlier pending wake-up wins
  refresh_state();
}

// The card's one process. It wakes at the next time something happens: an
// answer is ready at the server (it takes its downlink slot) or a response
// has arrived (it is delivered). Taking downlink slots late, while a
// delivery is busy, is still exact: every request that could be ready by
// now is in at_server_, because a request rung at t is ready at t or later.
void Nic::engine() {
  constexpr Ns kNever = std::numeric_limits<Ns>::max();
  for (;;) {
    Ns now = now_ns();
    while (!at_server_.empty() && at_server_.top().rec.ready <= now) {
      Request r = at_server_.top();
      at_server_.pop();
      r.rec.down_start = std::max(r.rec.ready, down_free_);
      r.rec.down_end = down_free_ = r.rec.down_start + serialisation(r.rec.resp_bytes);
      r.rec.arrive = r.rec.down_end + p_.link_latency;
      arrived_.push_back(r);
    }
    if (!arrived_.empty() && arrived_.front().rec.arrive <= now) {
      Request r = arrived_.front();
      arrived_.pop_front();
      deliver(r);
      continue;
    }
    Ns next = kNever;
    if (!at_server_.empty()) next = at_server_.top().rec.ready;
    if (!arrived_.empty()) next = std::min(next, arrived_.front().rec.arrive);
    if (next != kNever) wake_.notify(to_sc(next - now));
    sc_core::wait(wake_);  // a doorbell may also notify it, earlier
  }
}

void Nic::deliver(Request r) {
  r.rec.deliver = now_ns();
  if (r.rec.flags & kFlagDma) {
    writing_ = true;
    refresh_state();
    bool ok = dma_write(r);
    writing_ = false;
    complete(r, ok);
    return;
  }
  pio_.push_back(r);
  if (pio_.size() == 1) stage_next_pio();
  refresh_state();
}

bool Nic::dma_write(const Request& r) {
  for (std::uint64_t done = 0; done < r.rec.resp_bytes;) {
    auto n =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(p_.dma_burst, r.rec.resp_bytes - done));
    std::span<std::uint8_t> chunk(burst_.data(), n);
    response_bytes(r.rec.seq, done, chunk);
    if (!bus_access(bus, tlm::TLM_WRITE_COMMAND, r.addr + done, chunk.data(), n)) return false;
    done += n;
  }
  return true;
}

// The front of pio_ is the response at DATA. Announce it (interrupt, if its
// FLAGS ask: a pulse, or in level mode the line held while it has bytes left),
// or complete it at once if it has no bytes to read.
void Nic::stage_next_pio() {
  while (!pio_.empty()) {
    Request& front = pio_.front();
    if (front.rec.resp_bytes > 0) {
      if ((front.rec.flags & kFlagIrq) && !level_irq_) irq.pulse();
      break;
    }
    Request r = front;
    pio_.pop_front();
    complete(r, true);
  }
  update_irq_level();
  refresh_state();
}

std::uint64_t Nic::pio_data(unsigned width) {
  if (pio_.empty()) return 0;
  Request& front = pio_.front();
  std::uint64_t v = 0;
  for (unsigned i = 0; i < width && front.pio_read < front.rec.resp_bytes; ++i)
    v |= std::uint64_t{response_byte(front.rec.seq, front.pio_read++)} << (8 * i);
  if (front.pio_read == front.rec.resp_bytes) {
    Request r = front;
    pio_.pop_front();
    complete(r, true);
    stage_next_pio();
  }
  update_irq_level();
  return v;
}

std::uint64_t Nic::pop_completion() {
  std::uint64_t value = completions_.pop();
  update_irq_level();
  return value;
}

void Nic::set_irq_mode(std::uint64_t mode) {
  if (mode > kIrqLevel) return;
  level_irq_ = mode == kIrqLevel;
  update_irq_level();
}

// Level mode: a reason to interrupt is a completion waiting that asked for
// one, or a PIO response (of a request that asked) at DATA with bytes unread.
bool Nic::irq_cause() const {
  if (completions_.waiting_irq() > 0) return true;
  if (pio_.empty()) return false;
  const Request& front = pio_.front();
  return (front.rec.flags & kFlagIrq) && front.pio_read < front.rec.resp_bytes;
}

// Called at every change of a cause. In pulse mode the level stays low.
void Nic::update_irq_level() {
  const bool high = level_irq_ && irq_cause();
  if (high != irq.level()) irq.set_level(high);
}

void Nic::complete(Request& r, bool ok) {
  Ns now = now_ns();
  r.rec.complete = now;
  r.rec.failed = !ok;
  const bool interrupt = r.rec.flags & kFlagIrq;
  completions_.push(r.rec.tag, !ok, interrupt);
  ++stats_.requests;
  if (ok) stats_.bytes += r.rec.req_bytes + r.rec.resp_bytes;
  if (--in_flight_ == 0) stats_.busy_ns += now - busy_since_;
  in_flight_probe_.set(in_flight_);
  if (interrupt && !level_irq_) irq.pulse();
  update_irq_level();
  refresh_state();
  if (observer_) observer_(r.rec);
}

std::uint64_t Nic::status() const {
  std::uint64_t s = 0;
  if (in_flight_ > 0) s |= kBusy;
  if (!pio_.empty()) s |= kDrq;
  if (in_flight_ >= p_.max_in_flight) s |= kFull;
  if (refused_) s |= kError;
  if (!completions_.empty()) s |= kDone;
  return s;
}

void Nic::refresh_state() {
  if (writing_) {
    state_.set(kDma);
  } else if (!pio_.empty()) {
    state_.set(kPio);
  } else {
    state_.set(in_flight_ > 0 ? kWaiting : kIdle);
  }
}

void Nic::regs_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  bank_.access(trans);
}

}  // namespace iosim
