#include "devices/disk_image.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <stdexcept>
#include <string>
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

// ---- Image files ----

// A fresh directory per test, removed at the end.
class DiskImageFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("iosim-disk-image-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string path(const char* name) const { return (dir_ / name).string(); }
  static std::vector<std::uint8_t> contents(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void put(const std::string& file, const std::vector<std::uint8_t>& bytes) {
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }

  std::filesystem::path dir_;
};

std::vector<std::uint8_t> bytes_pattern(std::size_t n, unsigned seed) {
  std::vector<std::uint8_t> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::uint8_t>(seed + i * 31 + i / 251);
  return out;
}

TEST_F(DiskImageFile, LoadedBytesBecomeSectorsFromLbaZeroAndAShortLastSectorIsZeroPadded) {
  std::vector<std::uint8_t> file = bytes_pattern(2 * kSectorBytes + 100, 3);
  put(path("in.img"), file);
  DiskImage image(1000, kSectorBytes);
  image.load_file(path("in.img"));
  EXPECT_EQ(image.sectors_written(), 3u);
  std::vector<std::uint8_t> back(3 * kSectorBytes);
  image.read(0, 3, back);
  EXPECT_TRUE(std::equal(file.begin(), file.end(), back.begin()));
  EXPECT_TRUE(std::all_of(back.begin() + static_cast<std::ptrdiff_t>(file.size()), back.end(),
                          [](std::uint8_t b) { return b == 0; }));
  std::vector<std::uint8_t> beyond(kSectorBytes);
  image.read(3, 1, beyond);
  EXPECT_EQ(le64(beyond.data()), 3u);  // past the file: still the factory pattern
}

TEST_F(DiskImageFile, SaveThenLoadRoundTrips) {
  DiskImage image(1000, kSectorBytes);
  std::vector<std::uint8_t> a = bytes_pattern(2 * kSectorBytes, 7);
  std::vector<std::uint8_t> b = bytes_pattern(kSectorBytes, 9);
  image.write(1, 2, a);
  image.write(5, 1, b);
  image.save_file(path("out.img"));
  // Sectors 0..5: the highest written is 5. Sectors 0, 3 and 4 were never written
  // and are saved as their factory pattern, which is their current contents.
  std::vector<std::uint8_t> saved = contents(path("out.img"));
  ASSERT_EQ(saved.size(), 6 * kSectorBytes);
  std::vector<std::uint8_t> expected(6 * kSectorBytes);
  image.read(0, 6, expected);
  EXPECT_EQ(saved, expected);
  EXPECT_FALSE(std::filesystem::exists(path("out.img.tmp")));

  DiskImage copy(1000, kSectorBytes);
  copy.load_file(path("out.img"));
  std::vector<std::uint8_t> original(10 * kSectorBytes), loaded(10 * kSectorBytes);
  image.read(0, 10, original);
  copy.read(0, 10, loaded);
  EXPECT_EQ(loaded, original);
}

TEST_F(DiskImageFile, AnUntouchedImageSavesAsAnEmptyFile) {
  DiskImage image(1000, kSectorBytes);
  image.save_file(path("empty.img"));
  EXPECT_TRUE(std::filesystem::exists(path("empty.img")));
  EXPECT_EQ(std::filesystem::file_size(path("empty.img")), 0u);
}

TEST_F(DiskImageFile, AFileLargerThanTheDiskIsAnError) {
  put(path("big.img"), std::vector<std::uint8_t>(4 * kSectorBytes + 1, 1));
  DiskImage image(4, kSectorBytes);
  EXPECT_THROW(image.load_file(path("big.img")), std::runtime_error);
  EXPECT_EQ(image.sectors_written(), 0u);  // nothing was loaded
  put(path("fits.img"), std::vector<std::uint8_t>(4 * kSectorBytes, 1));
  EXPECT_NO_THROW(image.load_file(path("fits.img")));
}

TEST_F(DiskImageFile, ErrorsNameThePathAndTheReason) {
  DiskImage image(4, kSectorBytes);
  try {
    image.load_file(path("missing.img"));
    ADD_FAILURE() << "loading a missing file did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path("missing.img")), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos)
        << e.what();
  }
  try {
    image.save_file(path("no-such-dir/out.img"));
    ADD_FAILURE() << "saving into a missing directory did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path("no-such-dir/out.img")), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos)
        << e.what();
  }
}

TEST_F(DiskImageFile, AFailedSaveLeavesTheOldFileInPlace) {
  put(path("keep.img"), {1, 2, 3});
  std::filesystem::create_directory(path("keep.img.tmp"));  // the temporary cannot be created
  DiskImage image(4, kSectorBytes);
  std::vector<std::uint8_t> one(kSectorBytes, 0xee);
  image.write(0, 1, one);
  EXPECT_THROW(image.save_file(path("keep.img")), std::runtime_error);
  EXPECT_EQ(contents(path("keep.img")), (std::vector<std::uint8_t>{1, 2, 3}));
}

}  // namespace
}  // namespace iosim
