// Linux's table from nice value to load weight (kernel/sched/core.c,
// sched_prio_to_weight): nice 0 weighs 1024, and each nice step is about 1.25x,
// so one step apart means about 10% more or less CPU.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace iosim {

constexpr std::int64_t kNiceZeroWeight = 1024;

constexpr std::int64_t nice_to_weight(int nice) {
  constexpr std::array<std::int64_t, 40> kWeights{
      /* -20 */ 88761, 71755, 56483, 46273, 36291,
      /* -15 */ 29154, 23254, 18705, 14949, 11916,
      /* -10 */ 9548,  7620,  6100,  4904,  3906,
      /*  -5 */ 3121,  2501,  1991,  1586,  1277,
      /*   0 */ 1024,  820,   655,   526,   423,
      /*   5 */ 335,   272,   215,   172,   137,
      /*  10 */ 110,   87,    70,    56,    45,
      /*  15 */ 36,    29,    23,    18,    15,
  };
  return kWeights[static_cast<std::size_t>(std::clamp(nice, -20, 19) + 20)];
}

}  // namespace iosim
