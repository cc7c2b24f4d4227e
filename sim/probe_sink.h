// Where probe changes go: a waveform file (VcdWriter), an in-memory log
// (ProbeLog, which `iosim explain` reads), or both at once.
#pragma once

#include <cstdint>
#include <string>

#include "sim/ns.h"

namespace iosim {

class ProbeSink {
 public:
  virtual ~ProbeSink() = default;
  // Declares a signal; `scope` groups signals ("cores", "disk"). Returns its id.
  virtual int add_signal(const std::string& scope, const std::string& name, int width) = 0;
  // Signal `id` holds `value` from time `at` on. Times never go back.
  virtual void change(int id, std::uint64_t value, Ns at) = 0;
};

}  // namespace iosim
