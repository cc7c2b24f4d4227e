// The interrupt controller: collects device interrupt lines and delivers them
// to the CPU cores, like an 8259 PIC / APIC pair reduced to what a teaching
// kernel needs.
//
// Requests. Each device line is edge- or level-triggered (TRIGGER[l]):
//   edge   a rising edge sets the line's request (pending) bit; an edge while
//          the line is already pending is coalesced (and counted)
//   level  the request follows the line: while the line is high and the line
//          is not in service, it is pending; lowering the line before ACK
//          withdraws the request; after EOI, a line still high is pending
//          again (a level line re-fires until the device lowers it)
// Inter-processor interrupts (IPIs) are lines too, always edge: writing a
// core index to SEND_IPI raises line ipi_base + core.
//
// Routing. The core a request goes to is chosen when it becomes pending, by
// the line's ROUTE_MODE[l]: 0 fixed (core ROUTE[l]), 1 round-robin (ROUTE[l],
// then the next core, ... for each new request), 2 least-busy (the core with
// the fewest lines pending or in service on it; ties go to the lower core).
//
// Priority (PRIORITY_MODE): 0 fixed, a lower line number is more urgent;
// 1 rotating, the 8259's automatic rotation: the EOI that ends line l makes l
// the least urgent, so the order becomes l+1, l+2, ..., n-1, 0, ..., l. One
// ring for all cores. LOWEST reads the least urgent line.
//
// Delivery. A core's IRQ output is high while some line pending for it is
// unmasked, not in service (on any core), and more urgent than every line in
// service on that core. The kernel claims a line by reading ACK (pending ->
// in service on that core) and ends it by writing the line number to EOI. A
// more urgent line may be claimed while a less urgent one is in service
// (nesting): a core may have several lines in service, and EOI names the one
// it ends.
//
// Registers (64-bit; w = word index, l = line, c = core; n = line count):
//   0x0000 + 8w   PENDING[w]     ro  request bits of lines 64w..64w+63
//   0x0200 + 8w   IN_SERVICE[w]  ro  in-service bits (all cores)
//   0x0400 + 8l   MASK[l]        rw  1 = line l is masked (not delivered)
//   0x0C00 + 8l   ROUTE[l]       rw  core for fixed routing, first core of
//                                    round-robin; values >= cores ignored
//   0x1400 + 16c  ACK[c]         ro  claims the most urgent deliverable line
//                                    for core c; kNoIrq if there is none
//   0x1408 + 16c  EOI[c]         wo  end of interrupt: line number (ignored
//                                    unless that line is in service on c)
//   0x1C00        SEND_IPI       wo  core index to interrupt
//   0x2000 + 8l   TRIGGER[l]     rw  0 = edge, 1 = level (IPI lines: ro 0)
//   0x2800 + 8l   ROUTE_MODE[l]  rw  0 fixed, 1 round-robin, 2 least-busy
//                                    (IPI lines: ro 0; other values ignored)
//   0x3000        PRIORITY_MODE  rw  0 fixed, 1 rotating; writing either
//                                    resets the ring (LOWEST = n-1)
//   0x3008        LOWEST         ro  the least urgent line now
//   0x3800 + 8l   TARGET[l]      ro  core the line's latest request was
//                                    routed to (ROUTE[l] before any request)
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "devices/register_bank.h"
#include "sim/probe.h"

namespace iosim {

class InterruptController : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kNoIrq = ~std::uint64_t{0};
  static constexpr int kMaxLines = 256;
  static constexpr std::uint64_t kPending = 0x0000, kInService = 0x0200, kMask = 0x0400,
                                 kRoute = 0x0C00, kAck = 0x1400, kEoi = 0x1408, kSendIpi = 0x1C00,
                                 kTrigger = 0x2000, kRouteMode = 0x2800, kPriorityMode = 0x3000,
                                 kLowest = 0x3008, kTarget = 0x3800, kRegsSize = 0x4000;
  enum Trigger : std::uint64_t { kEdge = 0, kLevel = 1 };
  enum RouteMode : std::uint64_t { kRouteFixed = 0, kRouteRoundRobin = 1, kRouteLeastBusy = 2 };
  enum PriorityMode : std::uint64_t { kPriorityFixed = 0, kPriorityRotating = 1 };

  sc_core::sc_vector<sc_core::sc_in<bool>> lines;     // device lines 0..hw_lines-1
  sc_core::sc_vector<sc_core::sc_out<bool>> cpu_irq;  // one per core
  tlm_utils::simple_target_socket<InterruptController> socket{"socket"};

  // Lines [0, hw_lines) come from devices; [hw_lines, hw_lines + cores) are IPIs.
  InterruptController(sc_core::sc_module_name name, int hw_lines, int cores);

  int ipi_line(int core) const { return hw_lines_ + core; }
  int line_count() const { return hw_lines_ + cores_; }
  void set_route(int line, int core);                     // elaboration-time setup
  void set_line_name(int line, const std::string& name);  // for traces
  // One probe per line: 1 from the request until the kernel acknowledges it.
  // (The device's pulse itself lasts one delta cycle: too short to see.)
  std::vector<Probe*> probes();
  // The line's name as traced: "irq2_disk", or "irq5" for an unnamed line.
  const std::string& line_name(int line) const { return line_probes_.at(at(line))->name(); }

  // Statistics and state, per line. raised() counts requests: every rising
  // edge of an edge line (coalesced ones too), every assertion of a level
  // line's request (its rise while not in service, and each re-fire at EOI).
  std::uint64_t raised(int line) const { return raised_[at(line)]; }
  std::uint64_t coalesced(int line) const { return coalesced_[at(line)]; }
  bool pending(int line) const { return pending_[at(line)]; }
  bool in_service(int line) const { return in_service_[at(line)]; }
  bool masked(int line) const { return mask_[at(line)]; }
  // Core of the latest request; ROUTE[l] before the line's first request.
  int target(int line) const { return raised_[at(line)] ? target_[at(line)] : route_[at(line)]; }
  int server(int line) const { return server_[at(line)]; }  // core it is in service on, or -1
  int lowest() const { return lowest_; }                    // least urgent line now

 private:
  SC_HAS_PROCESS(InterruptController);

  static std::size_t at(int line) { return static_cast<std::size_t>(line); }
  void sample_lines();
  void request(int line);
  void withdraw(int line);
  int choose_core(int line);
  int load_of(int core) const;
  int deliverable(int core) const;  // most urgent line for core, or -1
  std::uint64_t ack(int core);
  void eoi(int core, std::uint64_t line);
  void set_trigger(std::size_t line, std::uint64_t value);
  void update_outputs();
  void drive_outputs();
  std::uint64_t word_of(const std::vector<bool>& bits, int w) const;
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  int hw_lines_, cores_;
  std::vector<bool> level_, pending_, in_service_, mask_, level_trigger_;
  std::vector<int> route_, route_mode_, turn_, target_, server_;
  std::vector<std::uint64_t> raised_, coalesced_;
  std::uint64_t priority_mode_ = kPriorityFixed;
  int lowest_;  // least urgent line; the most urgent is lowest_ + 1 (mod n)
  RegisterBank regs_;
  sc_core::sc_event drive_;
  std::vector<std::unique_ptr<Probe>> line_probes_;
};

}  // namespace iosim
