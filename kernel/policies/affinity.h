// Affinity masks: bit c of iosim_task::affinity set = the task may run on core c.
// The kernel passes all bits set for "anywhere". Every policy asks this one
// function, so "which task may run here" has a single meaning.
#pragma once

#include <cstdint>

namespace iosim {

constexpr std::uint64_t kAnyCore = ~std::uint64_t{0};

// Cores past bit 63 cannot be named in the mask: only "anywhere" reaches them.
constexpr bool allows_core(std::uint64_t affinity, int core) {
  if (core < 0) return false;
  if (core >= 64) return affinity == kAnyCore;
  return ((affinity >> core) & 1u) != 0;
}

// The mask of cores 0..cores-1, for "may this task run on every core?".
constexpr std::uint64_t all_cores_mask(int cores) {
  if (cores >= 64) return kAnyCore;
  if (cores <= 0) return 0;
  return (std::uint64_t{1} << cores) - 1;
}

}  // namespace iosim
