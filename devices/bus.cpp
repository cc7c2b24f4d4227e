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
  ranges_.push_back(Range{base, size, port, std::move(name)});
}

int Bus::attach_initiator(tlm::tlm_initiator_socket<>& initiator, std::string name) {
  initiator.bind(in);
  initiators_.push_back(std::move(name));
  busy_by_initiator_.push_back(0);
  return static_cast<int>(initiators_.size()) - 1;
}

Ns Bus::occupancy(std::uint64_t bytes) const {
  std::uint64_t beats = (bytes + timing_.width - 1) / timing_.width;
  return timing_.latency + static_cast<Ns>(beats) * timing_.cycle;
}

const Bus::Range* Bus::decode(std::uint64_t address) const {
  for (const Range& r : ranges_)
    if (address >= r.base && address - r.base < r.size) return &r;
  return nullptr;
}

void Bus::b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const Range* range = decode(trans.get_address());
  if (!range) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  // Arbitration: first come, first served, one access at a time.
  Ns arrive = now_ns() + to_ns(delay);
  Ns start = std::max(arrive, busy_until_);
  Ns cost = occupancy(trans.get_data_length());
  busy_until_ = start + cost;
  delay = to_sc(busy_until_ - now_ns());

  ++stats_.requests;
  stats_.bytes += trans.get_data_length();
  stats_.busy_ns += cost;
  busy_by_initiator_[static_cast<std::size_t>(id)] += cost;
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

// The owner probe shows who holds the bus; it drops to 0 when the last access ends.
void Bus::release_owner() {
  if (now_ns() >= busy_until_) {
    owner_.set(0);
  } else {  // an earlier notification won; look again when the bus is really free
    release_.notify(to_sc(busy_until_ - now_ns()));
  }
}

}  // namespace iosim
