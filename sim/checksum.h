// A running FNV-1a checksum over bytes. The report carries one per thread for
// data read and data written, so tests can prove that bytes moved intact.
#pragma once

#include <cstdint>
#include <span>

namespace iosim {

class Checksum {
 public:
  void add(std::span<const std::uint8_t> bytes) {
    for (std::uint8_t b : bytes)
      value_ = (value_ ^ b) * 0x100000001b3ULL;
  }
  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = 0xcbf29ce484222325ULL;
};

}  // namespace iosim
