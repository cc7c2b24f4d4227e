// A programmable timer, one per core (for the scheduler's quantum) plus a
// system timer (for sleeps). It raises its interrupt line when it expires,
// once (one-shot) or every interval (periodic).
//
// Registers (64-bit):
//   0x00 CTRL      rw  0 = stopped, 1 = one-shot, 2 = periodic; writing 1 or 2
//                      (re)starts the timer: first expiry at now + INTERVAL
//                      (with INTERVAL = 0 the timer stops and CTRL reads 0)
//   0x08 INTERVAL  rw  nanoseconds
//   0x10 DEADLINE  rw  writing arms a one-shot expiry at this absolute time
//                      (ns); a time already past expires at once
//   0x18 NOW       ro  current simulated time in ns (a free-running clock)
//   0x20 EXPIRIES  ro  how many times the timer has expired
#pragma once

#include <tlm_utils/simple_target_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>

#include "devices/irq_source.h"
#include "devices/register_bank.h"
#include "sim/probe.h"
#include "sim/time.h"

namespace iosim {

class Timer : public sc_core::sc_module {
 public:
  enum Mode : std::uint64_t { kStopped = 0, kOneShot = 1, kPeriodic = 2 };
  static constexpr std::uint64_t kCtrl = 0x00, kInterval = 0x08, kDeadline = 0x10, kNow = 0x18,
                                 kExpiries = 0x20, kRegsSize = 0x40;

  tlm_utils::simple_target_socket<Timer> socket{"socket"};
  IrqSource irq{"irq"};

  explicit Timer(sc_core::sc_module_name name);

  std::uint64_t expiries() const { return expiries_; }
  Probe& tick_probe() { return tick_; }  // toggles at every expiry

 private:
  SC_HAS_PROCESS(Timer);

  void arm(Ns at);
  void expire();
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::uint64_t mode_ = kStopped;
  Ns interval_ = 0;
  Ns deadline_ = -1;
  // When fire_ is due (-1: not scheduled). It may be earlier than deadline_:
  // see arm().
  Ns fire_at_ = -1;
  std::uint64_t expiries_ = 0;
  sc_core::sc_event fire_;
  RegisterBank regs_;
  Probe tick_;
};

}  // namespace iosim
