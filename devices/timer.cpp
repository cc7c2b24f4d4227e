#include "devices/timer.h"

#include <algorithm>
#include <string>

namespace iosim {

Timer::Timer(sc_core::sc_module_name name)
    : sc_module(name), tick_("timers", std::string(basename()) + "_tick", 1) {
  regs_.add(
      "CTRL", kCtrl, [this](unsigned) { return mode_; },
      [this](std::uint64_t v, unsigned) {
        mode_ = v <= kPeriodic && interval_ > 0 ? v : kStopped;
        if (mode_ == kStopped) {
          deadline_ = -1;  // a pending fire_ finds nothing to do (see arm())
        } else {
          arm(now_ns() + interval_);
        }
      });
  regs_.add(
      "INTERVAL", kInterval, [this](unsigned) { return static_cast<std::uint64_t>(interval_); },
      [this](std::uint64_t v, unsigned) { interval_ = static_cast<Ns>(v); });
  regs_.add(
      "DEADLINE", kDeadline, [this](unsigned) { return static_cast<std::uint64_t>(deadline_); },
      [this](std::uint64_t v, unsigned) {
        mode_ = kOneShot;
        arm(static_cast<Ns>(v));
      });
  regs_.add("NOW", kNow, [](unsigned) { return static_cast<std::uint64_t>(now_ns()); });
  regs_.add("EXPIRIES", kExpiries, [this](unsigned) { return expiries_; });
  socket.register_b_transport(this, &Timer::b_transport);

  SC_METHOD(expire);
  sensitive << fire_;
  dont_initialize();
}

// The kernel re-arms a core's timer at every dispatch and stops it at every
// block, always a little later than before. Cancelling a SystemC timed
// notification leaves it in SystemC's event queue until its time, so a
// cancel per re-arm kept hundreds of dead entries there and made every
// event of the run slower. Instead a later deadline leaves fire_ where it is:
// when it fires early, expire() schedules it again for the deadline.
void Timer::arm(Ns at) {
  deadline_ = at;
  const Ns now = now_ns();
  at = std::max(at, now);
  if (fire_at_ >= 0 && fire_at_ <= at) return;  // expire() moves it on
  fire_.cancel();
  fire_.notify(to_sc(at - now));
  fire_at_ = at;
}

void Timer::expire() {
  fire_at_ = -1;
  if (deadline_ < 0) return;   // stopped meanwhile
  if (now_ns() < deadline_) {  // re-armed later meanwhile
    arm(deadline_);
    return;
  }
  ++expiries_;
  tick_.set(expiries_ & 1);
  irq.pulse();
  if (mode_ == kPeriodic && interval_ > 0) {
    arm(deadline_ + interval_);
  } else {
    deadline_ = -1;
    mode_ = kStopped;
  }
}

// A register write takes effect when the access is issued; the initiator then
// waits out the bus delay. (Loosely timed: the few nanoseconds of bus time are
// not worth an extra event per access.)
void Timer::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  regs_.access(trans);
}

}  // namespace iosim
