// Named random streams (design decision 6): every component that needs
// randomness owns one stream, seeded from the scenario seed and the
// component's name, so adding a component never shifts another's numbers.
#pragma once

#include <cstdint>
#include <string_view>

namespace iosim {

class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::string_view name) : state_(seed ^ fnv1a(name)) {
    next();  // mix once so nearby seeds start far apart
  }
  // The same as RandomStream(seed, prefix + name), without building the
  // string (one per thread, and a scenario may hold a million threads).
  RandomStream(std::uint64_t seed, std::string_view prefix, std::string_view name)
      : state_(seed ^ fnv1a(name, fnv1a(prefix))) {
    next();
  }

  // splitmix64: tiny, fast and good enough for workload generation.
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // `h` continues a hash: fnv1a(b, fnv1a(a)) == fnv1a(a + b).
  static std::uint64_t fnv1a(std::string_view text, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (unsigned char c : text)
      h = (h ^ c) * 0x100000001b3ULL;
    return h;
  }

 private:
  std::uint64_t state_;
};

}  // namespace iosim
