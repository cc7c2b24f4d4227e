// One blocking bus access from an SC_THREAD: build the payload, send it, and
// wait out the delay the bus and target annotated. Every bus master (CPU
// cores, the DMA engine, the disk controller's firmware, the network card)
// goes through here.
#pragma once

#include <systemc>
#include <tlm>

#include <cstdint>

namespace iosim {

template <typename Socket>
bool bus_access(Socket& socket, tlm::tlm_command cmd, std::uint64_t address, std::uint8_t* data,
                std::uint32_t length) {
  tlm::tlm_generic_payload trans;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  trans.set_command(cmd);
  trans.set_address(address);
  trans.set_data_ptr(data);
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_byte_enable_ptr(nullptr);
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
