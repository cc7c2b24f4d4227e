// The output end of an interrupt line. A device drives it in one of two ways:
//
//   pulse()          raises the line and lowers it one delta cycle later, so
//                    every pulse is a rising edge the InterruptController
//                    sees, even two pulses at the same simulated time (the
//                    second one waits for the first to drop). For
//                    edge-triggered lines.
//   set_level(bool)  holds the line high (true) until set_level(false): a
//                    device raises it when it has a cause to report and
//                    lowers it when the driver has cleared the cause. For
//                    level-triggered lines ("a level line re-fires until
//                    cleared"). The line follows one delta cycle later.
//
// The line is high while the level is held or a pulse is in its high half.
// A pulse while the level is held adds no edge (the line is already high) and
// is dropped. Lowering the level and pulsing at the same time gives a falling
// edge, then the pulse's rising edge.
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

  void set_level(bool high) {
    held_ = high;
    kick_.notify(sc_core::SC_ZERO_TIME);
  }
  bool level() const { return held_; }  // the level the device asked for

 private:
  SC_HAS_PROCESS(IrqSource);

  // Reads the line as driven in the previous delta cycle and takes one step
  // towards "high while held, one delta-cycle-high per pulse".
  void step() {
    bool high = line.read();
    if (held_) {
      pending_ = 0;  // pulses while the level is held add no edge
      if (!high) line.write(true);
    } else if (high) {  // falling half of a pulse, or the level was lowered
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
  bool held_ = false;
};

}  // namespace iosim
