// Simulated time. The whole simulator counts integer nanoseconds: SystemC's
// time resolution is set to 1 ns before anything else, so an sc_time's raw
// value *is* a nanosecond count and no conversion can round.
#pragma once

#include <systemc>

#include <cstdint>

#include "sim/ns.h"

namespace iosim {

// Must run before any sc_time other than zero is created (i.e. first in setup).
inline void set_time_resolution() {
  sc_core::sc_set_time_resolution(1, sc_core::SC_NS);
}

inline sc_core::sc_time to_sc(Ns ns) {
  return sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(ns < 0 ? 0 : ns));
}
inline Ns to_ns(const sc_core::sc_time& t) {
  return static_cast<Ns>(t.value());
}
inline Ns now_ns() {
  return to_ns(sc_core::sc_time_stamp());
}

}  // namespace iosim
