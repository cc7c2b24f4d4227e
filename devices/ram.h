// Main memory: real bytes, stored sparsely in 4 KiB pages so a machine with
// gigabytes of RAM costs only what the run touches. Unwritten memory reads as
// zero. Served over TLM (with an access latency on top of the bus time) and,
// for loaders, tests and the kernel's view of user memory, through a backdoor
// that costs no simulated time.
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>

#include "sim/time.h"

namespace iosim {

class Ram : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<Ram> socket{"socket"};

  Ram(sc_core::sc_module_name name, std::uint64_t size, Ns latency);

  std::uint64_t size() const { return size_; }
  // Backdoor access (no simulated time). Throws std::out_of_range past the end.
  void read(std::uint64_t address, std::span<std::uint8_t> out) const;
  void write(std::uint64_t address, std::span<const std::uint8_t> in);
  std::uint64_t pages_touched() const { return pages_.size(); }

 private:
  static constexpr std::uint64_t kPage = 4096;
  using Page = std::array<std::uint8_t, kPage>;

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);
  bool serve(tlm::tlm_generic_payload& trans);
  void check(std::uint64_t address, std::size_t length) const;

  std::uint64_t size_;
  Ns latency_;
  // Lookup only; never iterated, so hash order cannot leak into results.
  std::unordered_map<std::uint64_t, std::unique_ptr<Page>> pages_;
};

}  // namespace iosim
