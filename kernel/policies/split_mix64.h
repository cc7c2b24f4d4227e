// SplitMix64 (Steele, Lea, Flood 2014; the seeder of xoshiro): a tiny, fast,
// well-mixed 64-bit generator. The policies' own code, so a seed gives the
// same draws with every standard library (std::uniform_int_distribution does not).
#pragma once

#include <cstdint>

namespace iosim {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0, without modulo bias: draws below
  // 2^64 mod bound are rejected (at most half of them, usually none).
  std::uint64_t below(std::uint64_t bound) {
    std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      std::uint64_t x = next();
      if (x >= threshold) return x % bound;
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace iosim
