#include "devices/bus.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace iosim {

Bus::Bus(sc_core::sc_module_name name, BusTiming timing) : sc_module(name), timing_(timing) {
  if (timing_.width == 0) throw std::invalid_argument("bus width must be > 0");
  in.register_b_transport(this, &Bus::b_transport);
  in.register_transport_dbg(this, &Bus::transport_dbg);
  SC_METHOD(release_owner);
  sensitive << release_;
  dont_initialize();
}

void Bus::attach_target(tlm::tlm_target_socket<>& target, std::uint64_t base, std::uint64_t size,
                        std::string name) {
  for (const Range& r : ranges_)
    if (base < r.base + r.size && r.base < base + size)
      throw std::invalid_argument(fmt::format("bus: '{}' overlaps '{}'", name, r.name));
  int port = static_cast<int>(ranges_.size());
  out.bind(target);
  auto at = std::upper_bound(ranges_.begin(), ranges_.end(), base,
                             [](std::uint64_t b, const Range& r) { return b < r.base; });
  ranges_.insert(at, Range{base, size, port, std::move(name)});
}

int Bus::attach_initiator(tlm::tlm_initiator_socket<>& initiator, std::string name) {
  initiator.bind(in);
  per_initiator_.push_back(BusInitiatorStats{.name = name});
  initiators_.push_back(std::move(name));
  busy_by_initiator_.push_back(0);
  return static_cast<int>(initiators_.size()) - 1;
}

Ns Bus::occupancy(std::uint64_t bytes) const {
  std::uint64_t beats = (bytes + timing_.width - 1) / timing_.width;
  return timing_.latency + static_cast<Ns>(beats) * timing_.cycle;
}

double Bus::utilisation(Ns elapsed) const {
  return elapsed > 0 ? static_cast<double>(stats_.busy_ns) / static_cast<double>(elapsed) : 0.0;
}

// A binary search: every access decodes its address, and with 64 cores the
// bus has over 70 ranges (a timer per core). Ranges never overlap, so the
// only candidate is the last one that starts at or below the address.
const Bus::Range* Bus::decode(std::uint64_t address) const {
  auto after = std::upper_bound(ranges_.begin(), ranges_.end(), address,
                                [](std::uint64_t a, const Range& r) { return a < r.base; });
  if (after == ranges_.begin()) return nullptr;
  const Range& r = *std::prev(after);
  return address - r.base < r.size ? &r : nullptr;
}

void Bus::count(int id, std::uint64_t bytes, Ns busy, Ns wait) {
  ++stats_.requests;
  stats_.bytes += bytes;
  stats_.busy_ns += busy;
  auto i = static_cast<std::size_t>(id);
  busy_by_initiator_[i] += busy;
  BusInitiatorStats& s = per_initiator_[i];
  ++s.requests;
  s.bytes += bytes;
  s.busy_ns += busy;
  s.wait_ns += wait;
}

void Bus::b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  if (auto* request = trans.get_extension<BusRequest>()) {
    if (delay != sc_core::SC_ZERO_TIME) {
      sc_core::wait(delay);
      delay = sc_core::SC_ZERO_TIME;
    }
    switch (request->kind) {
      case BusRequest::kHold:
        hold(id);
        break;
      case BusRequest::kRelease:
        release(id);
        break;
      case BusRequest::kStream:
        stream(id, *request);
        break;
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const Range* range = decode(trans.get_address());
  if (!range) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const Ns arrived = now_ns() + to_ns(delay);
  wait_for_grant(id, delay);  // only while another initiator holds the bus
  if (!streams_.empty() && delay != sc_core::SC_ZERO_TIME) {
    sc_core::wait(delay);  // stream bookkeeping assumes the access arrives now
    delay = sc_core::SC_ZERO_TIME;
  }
  // Arbitration: first come, first served, one access at a time.
  Ns arrive = now_ns() + to_ns(delay);
  Ns start = std::max(arrive, busy_until_);
  Ns cost = occupancy(trans.get_data_length());
  if (!streams_.empty()) advance_stream();
  busy_until_ = start + cost;
  if (!streams_.empty()) schedule_stream();
  delay = to_sc(busy_until_ - now_ns());

  count(id, trans.get_data_length(), cost, start - arrived);
  owner_.set(static_cast<std::uint64_t>(id) + 1);
  release_.notify(to_sc(busy_until_ - now_ns()));

  std::uint64_t address = trans.get_address();
  trans.set_address(address - range->base);
  out[range->port]->b_transport(trans, delay);
  trans.set_address(address);
}

unsigned int Bus::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const Range* range = decode(trans.get_address());
  if (!range) return 0;
  std::uint64_t address = trans.get_address();
  trans.set_address(address - range->base);
  unsigned int n = out[range->port]->transport_dbg(trans);
  trans.set_address(address);
  return n;
}

// While another initiator holds the bus, an access (or a hold request) waits
// in line; on release the line goes in arrival order, one per delta cycle,
// all at the same nanosecond, so FCFS arbitration sees them in that order.
void Bus::wait_for_grant(int id, sc_core::sc_time& delay) {
  auto held_by_other = [this, id] { return holder_ >= 0 && holder_ != id; };
  if (!held_by_other() && (line_.empty() || holder_ == id)) return;
  if (delay != sc_core::SC_ZERO_TIME) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
  std::uint64_t ticket = next_ticket_++;
  line_.push_back(ticket);
  while (held_by_other() || line_.front() != ticket)
    sc_core::wait(grant_changed_);
  line_.pop_front();
  if (!line_.empty()) grant_changed_.notify(sc_core::SC_ZERO_TIME);
}

void Bus::hold(int initiator) {
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  wait_for_grant(initiator, delay);
  if (holder_ == initiator) return;
  if (!streams_.empty()) advance_stream();
  holder_ = initiator;
  held_since_ = now_ns();
  if (!streams_.empty()) schedule_stream();
  release_.notify(sc_core::SC_ZERO_TIME);
}

void Bus::release(int initiator) {
  if (holder_ != initiator || initiator < 0) return;
  if (!streams_.empty()) advance_stream();
  per_initiator_[static_cast<std::size_t>(initiator)].held_ns += now_ns() - held_since_;
  holder_ = -1;
  if (!line_.empty()) grant_changed_.notify(sc_core::SC_ZERO_TIME);
  if (!streams_.empty()) schedule_stream();
  release_.notify(sc_core::SC_ZERO_TIME);
}

// A stream runs in the calling initiator's thread: it queues, then waits
// until it has had its bus time (or until `abort` fires).
void Bus::stream(int id, BusRequest& request) {
  Stream s;
  s.initiator = id;
  s.left = std::max<Ns>(request.occupancy, 0);
  s.mark = now_ns();
  const Ns arrived = now_ns();
  streams_.push_back(&s);
  if (streams_.front() == &s) {
    schedule_stream();
    release_.notify(sc_core::SC_ZERO_TIME);
  }
  while (s.left > 0) {
    if (request.abort)
      sc_core::wait(s.finished | *request.abort);
    else
      sc_core::wait(s.finished);
    if (streams_.front() == &s) advance_stream();
    if (s.left == 0 || request.abort) break;  // done, or aborted
    schedule_stream();                        // (not expected: woke early)
  }
  s.finished.cancel();
  if (streams_.front() == &s) {
    streams_.pop_front();
    if (!streams_.empty()) {
      streams_.front()->mark = now_ns();  // the next one starts now
      schedule_stream();
    }
  } else {
    streams_.erase(std::find(streams_.begin(), streams_.end(), &s));
  }
  release_.notify(sc_core::SC_ZERO_TIME);
  const Ns got = std::max<Ns>(request.occupancy, 0) - s.left;
  const std::uint64_t bytes =
      timing_.cycle > 0 ? static_cast<std::uint64_t>(got / timing_.cycle) * timing_.width : 0;
  count(id, bytes, got, (now_ns() - arrived) - got);
  request.unfinished = s.left;
}

// Brings the running stream's `left` up to now. Since its mark, the bus was
// busy with accesses until busy_until_ (they form one block from the mark on)
// and free after it, unless another initiator held it all along.
void Bus::advance_stream() {
  Stream& s = *streams_.front();
  Ns now = now_ns();
  bool blocked = holder_ >= 0 && holder_ != s.initiator;
  if (!blocked) {
    Ns free = now - std::max(s.mark, busy_until_);
    if (free > 0) s.left -= std::min(free, s.left);
  }
  s.mark = now;
}

// Sets the running stream's finish: after the access block, plus what it
// still needs. Called after every change to busy_until_ or the holder.
void Bus::schedule_stream() {
  Stream& s = *streams_.front();
  s.finished.cancel();
  if (s.left == 0) {  // it has had all its bus time: done now, whatever arrives
    s.finished.notify(sc_core::SC_ZERO_TIME);
    return;
  }
  if (holder_ >= 0 && holder_ != s.initiator) return;  // frozen until the release
  Ns now = now_ns();
  s.finished.notify(to_sc(std::max(now, busy_until_) + s.left - now));
}

// The owner probe shows who uses the bus; it drops to 0 when nothing does.
void Bus::release_owner() {
  if (now_ns() < busy_until_) {  // an earlier notification won; look again when the access ends
    release_.notify(to_sc(busy_until_ - now_ns()));
  } else if (holder_ >= 0) {
    owner_.set(static_cast<std::uint64_t>(holder_) + 1);
  } else if (!streams_.empty()) {
    owner_.set(static_cast<std::uint64_t>(streams_.front()->initiator) + 1);
  } else {
    owner_.set(0);
  }
}

}  // namespace iosim
