// What every device reports (the `devices` object of the JSON report).
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace iosim {

struct DeviceStats {
  std::uint64_t requests = 0;  // commands / transfers / transactions served
  std::uint64_t bytes = 0;     // payload bytes moved
  Ns busy_ns = 0;              // time spent doing work
};

}  // namespace iosim
