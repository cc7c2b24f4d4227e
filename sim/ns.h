// The simulator's unit of time: integer nanoseconds. Kept apart from
// sim/time.h so code without SystemC (the scheduling policies) can use it.
#pragma once

#include <cstdint>

namespace iosim {

using Ns = std::int64_t;  // a duration or a point in simulated time, in nanoseconds

constexpr Ns kUs = 1'000;
constexpr Ns kMs = 1'000'000;
constexpr Ns kSec = 1'000'000'000;

}  // namespace iosim
