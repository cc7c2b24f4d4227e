#include "devices/disk_image.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace iosim {
namespace {

constexpr std::uint32_t kSectorBytes = 512;

std::uint64_t le64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

TEST(DiskImage, UnwrittenSectorsHoldTheFactoryPattern) {
  DiskImage image(1000, kSectorBytes);
  std::vector<std::uint8_t> data(3 * kSectorBytes);
  image.read(700, 3, data);
  for (std::uint64_t i = 0; i < 3; ++i) {
    const std::uint8_t* sector = data.data() + i * kSectorBytes;
    EXPECT_EQ(le64(sector), 700 + i);  // the LBA, little endian
    for (std::size_t b = 8; b < kSectorBytes; ++b)
      ASSERT_EQ(sector[b], static_cast<std::uint8_t>((700 + i) * 131 + b * 7)) << "byte " << b;
  }
  std::vector<std::uint8_t> expected(kSectorBytes);
  DiskImage::factory_pattern(701, expected);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), data.begin() + kSectorBytes));
}

TEST(DiskImage, WriteThenReadReturnsTheSameBytes) {
  DiskImage image(1000, kSectorBytes);
  std::vector<std::uint8_t> written(2 * kSectorBytes);
  for (std::size_t i = 0; i < written.size(); ++i)
    written[i] = static_cast<std::uint8_t>(i * 13);
  image.write(10, 2, written);
  std::vector<std::uint8_t> back(2 * kSectorBytes);
  image.read(10, 2, back);
  EXPECT_EQ(back, written);
  // A read that spans written and unwritten sectors gets both right.
  std::vector<std::uint8_t> span(3 * kSectorBytes);
  image.read(9, 3, span);
  EXPECT_EQ(le64(span.data()), 9u);
  EXPECT_TRUE(std::equal(written.begin(), written.end(), span.begin() + kSectorBytes));
}

TEST(DiskImage, OutOfRangeThrows) {
  DiskImage image(100, kSectorBytes);
  std::vector<std::uint8_t> one(kSectorBytes);
  std::vector<std::uint8_t> two(2 * kSectorBytes);
  EXPECT_NO_THROW(image.read(99, 1, one));
  EXPECT_THROW(image.read(100, 1, one), std::out_of_range);
  EXPECT_THROW(image.read(99, 2, two), std::out_of_range);
  EXPECT_THROW(image.write(100, 1, one), std::out_of_range);
  EXPECT_THROW(image.read(~std::uint64_t{0}, 1, one), std::out_of_range);
  EXPECT_THROW(image.read(0, 1, two), std::invalid_argument);  // buffer is not count * sector
}

TEST(DiskImage, SparseSectorsWrittenCounts) {
  DiskImage image(409'600'000, kSectorBytes);  // 195 GiB costs nothing until written
  EXPECT_EQ(image.sectors_written(), 0u);
  std::vector<std::uint8_t> data(4 * kSectorBytes, 0x5a);
  image.write(1'000'000, 4, data);
  EXPECT_EQ(image.sectors_written(), 4u);
  image.write(1'000'002, 2, std::span(data).first(2 * kSectorBytes));  // overlaps: no new sectors
  EXPECT_EQ(image.sectors_written(), 4u);
  std::vector<std::uint8_t> back(kSectorBytes);
  image.read(5, 1, back);  // reading allocates nothing
  EXPECT_EQ(image.sectors_written(), 4u);
}

}  // namespace
}  // namespace iosim
