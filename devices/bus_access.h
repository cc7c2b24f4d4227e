// One blocking bus access from an SC_THREAD: build the payload, send it, and
// wait out the delay the bus and target annotated. Every bus master (CPU
// cores, the DMA engine, the disk controller's firmware, the network card)
// goes through here.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
#include <vector>

namespace iosim {

// A payload for one access, recycled. Constructing a tlm_generic_payload
// allocates its extension array and destroying it frees it: on every bus
// access, that was a tenth of the cost of a DMA transfer. An access may wait
// inside b_transport (while another initiator holds the bus), so several can
// be in flight at once, each with its own payload from the free list.
// SystemC runs its processes on one OS thread, so the list needs no lock.
class RecycledPayload {
 public:
  RecycledPayload() {
    auto& free = free_list();
    if (free.empty()) {
      trans_ = &all().emplace_back();
    } else {
      trans_ = free.back();
      free.pop_back();
    }
  }
  ~RecycledPayload() { free_list().push_back(trans_); }
  RecycledPayload(const RecycledPayload&) = delete;
  RecycledPayload& operator=(const RecycledPayload&) = delete;

  tlm::tlm_generic_payload& get() { return *trans_; }

 private:
  // Never destroyed: payloads outlive SystemC's own teardown at exit.
  static std::vector<tlm::tlm_generic_payload*>& free_list() {
    static auto* free = new std::vector<tlm::tlm_generic_payload*>;
    return *free;
  }
  // Owns every payload (a deque never moves them). A run that stops while a
  // process waits inside bus_access never resumes it, so that payload never
  // returns to the free list: only this keeps it from being a leak at exit.
  static std::deque<tlm::tlm_generic_payload>& all() {
    static auto* payloads = new std::deque<tlm::tlm_generic_payload>;
    return *payloads;
  }

  tlm::tlm_generic_payload* trans_;
};

// Every field a target reads is set here, so a recycled payload carries
// nothing over from its previous access.
template <typename Socket>
bool bus_access(Socket& socket, tlm::tlm_command cmd, std::uint64_t address, std::uint8_t* data,
                std::uint32_t length) {
  RecycledPayload recycled;
  tlm::tlm_generic_payload& trans = recycled.get();
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  trans.set_command(cmd);
  trans.set_address(address);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_byte_enable_length(0);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  socket->b_transport(trans, delay);
  sc_core::wait(delay);
  return trans.is_response_ok();
}

// Little-endian register helpers on top of bus_access. `width` is 1..8 bytes.
template <typename Socket>
bool bus_write(Socket& socket, std::uint64_t address, std::uint64_t value, unsigned width = 8) {
  std::uint8_t bytes[8];
  for (unsigned i = 0; i < 8; ++i)
    bytes[i] = static_cast<std::uint8_t>(value >> (8 * i));
  return bus_access(socket, tlm::TLM_WRITE_COMMAND, address, bytes, width);
}

template <typename Socket>
bool bus_read(Socket& socket, std::uint64_t address, std::uint64_t* value, unsigned width = 8) {
  std::uint8_t bytes[8] = {};
  bool ok = bus_access(socket, tlm::TLM_READ_COMMAND, address, bytes, width);
  *value = 0;
  for (unsigned i = 0; i < width; ++i)
    *value |= std::uint64_t{bytes[i]} << (8 * i);
  return ok;
}

}  // namespace iosim
