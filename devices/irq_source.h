// The output end of an edge-triggered interrupt line. pulse() raises the line
// and lowers it one delta cycle later, so every pulse is a rising edge the
// InterruptController sees, even two pulses at the same simulated time
// (the second one waits for the first to drop).
#pragma once

#include <systemc>

namespace iosim {

class IrqSource : public sc_core::sc_module {
 public:
  sc_core::sc_out<bool> line{"line"};

  explicit IrqSource(sc_core::sc_module_name name) : sc_module(name) {
    SC_METHOD(step);
    sensitive << kick_;
    dont_initialize();
  }

  void pulse() {
    ++pending_;
    kick_.notify(sc_core::SC_ZERO_TIME);
  }

 private:
  SC_HAS_PROCESS(IrqSource);

  void step() {
    if (line.read()) {  // falling half of a pulse
      line.write(false);
      if (pending_ > 0) kick_.notify(sc_core::SC_ZERO_TIME);
    } else if (pending_ > 0) {
      --pending_;
      line.write(true);
      kick_.notify(sc_core::SC_ZERO_TIME);
    }
  }

  sc_core::sc_event kick_;
  unsigned pending_ = 0;
};

}  // namespace iosim
