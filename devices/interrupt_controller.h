// The interrupt controller: collects device interrupt lines and delivers them
// to the CPU cores, like an 8259 PIC / APIC pair reduced to what a teaching
// kernel needs.
//
// Lines are edge-triggered: a rising edge sets the line's request (pending)
// bit; an edge on a line that is already pending is coalesced (and counted).
// Priorities are fixed: a lower line number is more urgent. Each line is
// routed to one core. A core's IRQ output is high while some line routed to
// it is pending, unmasked, and more urgent than every line in service on it.
// The kernel claims a line by reading ACK (pending -> in service) and ends it
// by writing the line number to EOI. Inter-processor interrupts (IPIs) are
// lines too: writing a core index to SEND_IPI raises line ipi_base + core.
//
// Registers (64-bit; w = word index, l = line, c = core):
//   0x0000 + 8w   PENDING[w]     ro  request bits of lines 64w..64w+63
//   0x0200 + 8w   IN_SERVICE[w]  ro  in-service bits (all cores)
//   0x0400 + 8l   MASK[l]        rw  1 = line l is masked (not delivered)
//   0x0C00 + 8l   ROUTE[l]       rw  core that line l is delivered to
//   0x1400 + 16c  ACK[c]         ro  claims the most urgent deliverable line
//                                    for core c; kNoIrq if there is none
//   0x1408 + 16c  EOI[c]         wo  end of interrupt: line number
//   0x1C00        SEND_IPI       wo  core index to interrupt
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
                                 kRegsSize = 0x2000;

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

  // Statistics, per line.
  std::uint64_t raised(int line) const { return raised_[static_cast<std::size_t>(line)]; }
  std::uint64_t coalesced(int line) const { return coalesced_[static_cast<std::size_t>(line)]; }
  bool pending(int line) const { return pending_[static_cast<std::size_t>(line)]; }
  bool in_service(int line) const { return in_service_[static_cast<std::size_t>(line)]; }
  bool masked(int line) const { return mask_[static_cast<std::size_t>(line)]; }

 private:
  SC_HAS_PROCESS(InterruptController);

  void sample_lines();
  void request(int line);
  int deliverable(int core) const;  // most urgent line for core, or -1
  std::uint64_t ack(int core);
  void eoi(int core, std::uint64_t line);
  void update_outputs();
  void drive_outputs();
  std::uint64_t word_of(const std::vector<bool>& bits, int w) const;
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  int hw_lines_, cores_;
  std::vector<bool> level_, pending_, in_service_, mask_;
  std::vector<int> route_;
  std::vector<std::uint64_t> raised_, coalesced_;
  RegisterBank regs_;
  sc_core::sc_event drive_;
  std::vector<std::unique_ptr<Probe>> line_probes_;
};

}  // namespace iosim
