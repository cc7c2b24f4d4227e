// The system bus: routes TLM-2.0 transactions (loosely timed, blocking) from
// initiators (CPU cores, the DMA engine, the disk controller) to targets by
// address, and charges bus time for each one.
//
// Timing, recomputable by hand: an access of N bytes occupies the bus for
//   latency + ceil(N / width) * cycle
// and the bus serves one access at a time: an access that arrives while the
// bus is busy waits for it to be free (first come, first served). The
// initiator sees the wait plus the occupancy in its annotated delay, and the
// target may add its own access time (e.g. RAM latency) on top.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <string>
#include <vector>

#include "sim/device_stats.h"
#include "sim/probe.h"
#include "sim/time.h"

namespace iosim {

struct BusTiming {
  Ns latency = 10;          // arbitration and address phase, per access
  std::uint32_t width = 8;  // bytes per data beat
  Ns cycle = 1;             // time per data beat
};

class Bus : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<Bus> in{"in"};       // initiators bind here
  tlm_utils::multi_passthrough_initiator_socket<Bus> out{"out"};  // targets are bound here

  Bus(sc_core::sc_module_name name, BusTiming timing);

  // Maps [base, base+size) to `target`; addresses reach it as offsets from base.
  void attach_target(tlm::tlm_target_socket<>& target, std::uint64_t base, std::uint64_t size,
                     std::string name);
  // Binds an initiator; returns its index for per-initiator statistics.
  int attach_initiator(tlm::tlm_initiator_socket<>& initiator, std::string name);

  Ns occupancy(std::uint64_t bytes) const;  // the timing formula above
  const DeviceStats& stats() const { return stats_; }
  const std::vector<std::string>& initiator_names() const { return initiators_; }
  const std::vector<Ns>& busy_by_initiator() const { return busy_by_initiator_; }
  // index+1 of the initiator of the latest access (set when it is granted a
  // slot, possibly behind others), 0 once the bus is free
  Probe& owner_probe() { return owner_; }

 private:
  SC_HAS_PROCESS(Bus);

  struct Range {
    std::uint64_t base, size;
    int port;
    std::string name;
  };
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  const Range* decode(std::uint64_t address) const;
  void release_owner();

  BusTiming timing_;
  std::vector<Range> ranges_;
  std::vector<std::string> initiators_;
  std::vector<Ns> busy_by_initiator_;
  Ns busy_until_ = 0;
  DeviceStats stats_;
  Probe owner_{"bus", "owner", 8};
  sc_core::sc_event release_;
};

}  // namespace iosim
