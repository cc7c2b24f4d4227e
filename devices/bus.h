// The system bus: routes TLM-2.0 transactions (loosely timed, blocking) from
// initiators (CPU cores, the DMA engine, the disk controller, the network card) to targets by
// address, and charges bus time for each one.
//
// Timing, recomputable by hand: an access of N bytes occupies the bus for
//   latency + ceil(N / width) * cycle
// and the bus serves one access at a time: an access that arrives while the
// bus is busy waits for it to be free (first come, first served). The
// initiator sees the wait plus the occupancy in its annotated delay, and the
// target may add its own access time (e.g. RAM latency) on top.
//
// Two more kinds of use, asked for with a BusRequest extension on a
// zero-length transaction (see bus_hold / bus_release / bus_stream below):
//
//   hold     an initiator takes the bus for itself (a DMA channel in burst
//            mode). Accesses already granted a slot still run; from then on
//            no other initiator's access starts until it releases the bus.
//            They wait, in the order they arrived, and then go first come,
//            first served from the release on. A hold asked for while another
//            initiator holds the bus waits in the same line.
//   stream   a core's memory traffic: it needs `occupancy` ns of bus time and
//            uses the bus whenever no access and no other initiator's hold
//            needs it. An access that arrives during a stream starts at once
//            (after any access before it) and pushes the stream's end back by
//            its occupancy. Streams are served one at a time, in arrival
//            order. No target is involved: a stream stands for many cache-line
//            transfers whose latency overlaps, so only their bus time counts.
#pragma once

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <deque>
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

// What the bus has done for one initiator. requests/bytes/busy_ns count
// accesses and streams (a stream's bytes are the data beats its bus time
// carries: floor(occupancy / cycle) * width). wait_ns is time spent waiting
// for the bus (for an access: from arrival to its start; for a stream: its
// elapsed time minus the bus time it got). held_ns is time it held the bus.
struct BusInitiatorStats {
  std::string name;
  std::uint64_t requests = 0;
  std::uint64_t bytes = 0;
  Ns busy_ns = 0;
  Ns wait_ns = 0;
  Ns held_ns = 0;
};

// Sideband request carried by a zero-length transaction (TLM_IGNORE_COMMAND).
class BusRequest : public tlm::tlm_extension<BusRequest> {
 public:
  enum Kind { kHold, kRelease, kStream };
  Kind kind = kHold;
  Ns occupancy = 0;                          // kStream: bus time needed
  const sc_core::sc_event* abort = nullptr;  // kStream: give up when this fires
  Ns unfinished = 0;                         // kStream, out: bus time not yet had

  tlm::tlm_extension_base* clone() const override { return new BusRequest(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const BusRequest&>(other);
  }
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

  // Holding, by initiator index (what bus_hold/bus_release do). hold() blocks
  // the calling SystemC thread while another initiator holds the bus; holding
  // twice is the same as once; release() by a non-holder is ignored.
  void hold(int initiator);
  void release(int initiator);
  int holder() const { return holder_; }  // initiator index, or -1

  const BusTiming& timing() const { return timing_; }
  Ns occupancy(std::uint64_t bytes) const;  // the timing formula above
  const DeviceStats& stats() const { return stats_; }
  const std::vector<std::string>& initiator_names() const { return initiators_; }
  const std::vector<Ns>& busy_by_initiator() const { return busy_by_initiator_; }
  const std::vector<BusInitiatorStats>& initiator_stats() const { return per_initiator_; }
  // busy_ns / elapsed: the fraction of time the bus carried data (0 if elapsed <= 0).
  double utilisation(Ns elapsed) const;
  double utilisation() const { return utilisation(now_ns()); }
  // index+1 of the initiator of the latest access (set when it is granted a
  // slot, possibly behind others); while the bus is otherwise free, the
  // holder's or the running stream's; 0 once the bus is free
  Probe& owner_probe() { return owner_; }

 private:
  SC_HAS_PROCESS(Bus);

  struct Range {
    std::uint64_t base, size;
    int port;
    std::string name;
  };
  struct Stream {
    int initiator = 0;
    Ns left = 0;  // bus time still needed
    Ns mark = 0;  // `left` is as of this time
    sc_core::sc_event finished;
  };
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  const Range* decode(std::uint64_t address) const;
  void wait_for_grant(int id, sc_core::sc_time& delay);
  void stream(int id, BusRequest& request);
  void advance_stream();
  void schedule_stream();
  void count(int id, std::uint64_t bytes, Ns busy, Ns wait);
  void release_owner();

  BusTiming timing_;
  std::vector<Range> ranges_;  // by base address (`port` is the attach order)
  std::vector<std::string> initiators_;
  std::vector<Ns> busy_by_initiator_;
  std::vector<BusInitiatorStats> per_initiator_;
  Ns busy_until_ = 0;
  int holder_ = -1;
  Ns held_since_ = 0;
  std::deque<std::uint64_t> line_;  // tickets of accesses waiting out a hold
  std::uint64_t next_ticket_ = 0;
  sc_core::sc_event grant_changed_;
  std::deque<Stream*> streams_;  // the front one is running
  DeviceStats stats_;
  Probe owner_{"bus", "owner", 8};
  sc_core::sc_event release_;
};

// Sideband requests from an initiator's SystemC thread, through its socket.
template <typename Socket>
Ns bus_request(Socket& socket, BusRequest& request) {
  tlm::tlm_generic_payload trans;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  trans.set_command(tlm::TLM_IGNORE_COMMAND);
  trans.set_address(0);
  trans.set_data_ptr(nullptr);
  trans.set_data_length(0);
  trans.set_streaming_width(0);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  trans.set_extension(&request);
  socket->b_transport(trans, delay);
  trans.clear_extension(&request);  // it lives on the caller's stack
  if (delay != sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  return request.unfinished;
}

// Takes the bus for this initiator (waits while another one holds it).
template <typename Socket>
void bus_hold(Socket& socket) {
  BusRequest r;
  r.kind = BusRequest::kHold;
  bus_request(socket, r);
}

template <typename Socket>
void bus_release(Socket& socket) {
  BusRequest r;
  r.kind = BusRequest::kRelease;
  bus_request(socket, r);
}

// Uses `occupancy` ns of bus time as memory traffic; returns when it has had
// it, or early when `abort` fires. Returns the bus time not yet had (0 if done).
template <typename Socket>
Ns bus_stream(Socket& socket, Ns occupancy, const sc_core::sc_event* abort = nullptr) {
  BusRequest r;
  r.kind = BusRequest::kStream;
  r.occupancy = occupancy;
  r.abort = abort;
  return bus_request(socket, r);
}

}  // namespace iosim
