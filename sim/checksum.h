// A running checksum over bytes. The report carries one per thread for data
// read and data written, so tests can prove that bytes moved intact.
//
// It is FNV-1a taken eight bytes at a time (little-endian 64-bit words) with
// a shift-xor after each multiply, so high bits mix down too. Byte-at-a-time
// FNV-1a was a chain of one multiply per byte: for a 4 KiB read it cost more
// than the whole simulated I/O path. Bytes that do not fill a word wait for
// the next add(), so the value depends on the bytes and their order only,
// never on how they were split into calls.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

namespace iosim {

class Checksum {
 public:
  void add(std::span<const std::uint8_t> bytes) {
    std::size_t i = 0;
    while (pending() != 0 && i < bytes.size())
      take(bytes[i++]);
    for (; i + 8 <= bytes.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, bytes.data() + i, 8);
      mix(word);
    }
    for (; i < bytes.size(); ++i)
      take(bytes[i]);
  }

  // The bytes of an unfinished word count as a shorter word, tagged with their
  // number so that trailing zero bytes still change the value.
  std::uint64_t value() const {
    if (pending() == 0) return value_;
    return step(value_, partial_);  // the count in the top byte tags it
  }

 private:
  static constexpr std::uint64_t kPrime = 0x100000001b3ULL;

  static std::uint64_t step(std::uint64_t value, std::uint64_t word) {
    value = (value ^ word) * kPrime;
    return value ^ (value >> 29);
  }
  void mix(std::uint64_t word) { value_ = step(value_, word); }
  unsigned pending() const { return static_cast<unsigned>(partial_ >> 56); }
  void take(std::uint8_t byte) {
    const unsigned n = pending();
    if (n == 7) {  // the word is whole: its eighth byte takes the count's place
      mix((partial_ & kBytes) | std::uint64_t{byte} << 56);
      partial_ = 0;
      return;
    }
    partial_ = ((partial_ & kBytes) | std::uint64_t{byte} << (8 * n)) | std::uint64_t{n + 1} << 56;
  }

  static constexpr std::uint64_t kBytes = (std::uint64_t{1} << 56) - 1;
  std::uint64_t value_ = 0xcbf29ce484222325ULL;
  // The bytes of the word being filled (little-endian, up to 7) and, in the
  // top byte, how many: 16 bytes per checksum, two per thread.
  std::uint64_t partial_ = 0;
};

}  // namespace iosim
