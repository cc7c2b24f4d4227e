#include "sim/checksum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace iosim {
namespace {

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> bytes(n);
  for (std::size_t i = 0; i < n; ++i)
    bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
  return bytes;
}

std::uint64_t checksum_in_pieces(const std::vector<std::uint8_t>& bytes, std::size_t piece) {
  Checksum sum;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    const std::size_t n = std::min(piece, bytes.size() - at);
    sum.add({bytes.data() + at, n});
  }
  return sum.value();
}

TEST(Checksum, NothingAddedIsTheFnvOffsetBasis) {
  // Reports show this value for a thread that moved no bytes.
  EXPECT_EQ(Checksum().value(), 0xcbf29ce484222325ULL);
  Checksum sum;
  sum.add({});
  EXPECT_EQ(sum.value(), 0xcbf29ce484222325ULL);
}

TEST(Checksum, TheValueDependsOnTheBytesNotOnHowTheyWereSplit) {
  // Sectors of 512 bytes and one 64 KiB request must agree, and so must
  // pieces that cut words in two.
  const auto bytes = pattern(4099);
  const std::uint64_t whole = checksum_in_pieces(bytes, bytes.size());
  for (std::size_t piece : {1u, 3u, 7u, 8u, 13u, 512u, 4096u})
    EXPECT_EQ(checksum_in_pieces(bytes, piece), whole) << "pieces of " << piece << " bytes";
}

TEST(Checksum, OneChangedOrMovedByteChangesTheValue) {
  const auto bytes = pattern(1000);
  const std::uint64_t original = checksum_in_pieces(bytes, bytes.size());
  for (std::size_t at : {0u, 7u, 8u, 500u, 999u}) {
    auto changed = bytes;
    changed[at] ^= 0x80;  // the top bit: it must mix down, not only up
    EXPECT_NE(checksum_in_pieces(changed, changed.size()), original) << "byte " << at;
  }
  auto swapped = bytes;
  std::swap(swapped[3], swapped[900]);
  EXPECT_NE(checksum_in_pieces(swapped, swapped.size()), original) << "order counts";
}

TEST(Checksum, TrailingZeroBytesCount) {
  // A read of 3 bytes and a read of the same 3 bytes plus a zero differ.
  std::vector<std::uint8_t> three{1, 2, 3}, four{1, 2, 3, 0};
  EXPECT_NE(checksum_in_pieces(three, 3), checksum_in_pieces(four, 4));
  std::vector<std::uint8_t> none, zero{0};
  EXPECT_NE(checksum_in_pieces(none, 1), checksum_in_pieces(zero, 1));
}

}  // namespace
}  // namespace iosim
