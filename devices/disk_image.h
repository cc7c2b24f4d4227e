// The disk's contents: real bytes, stored sparsely by sector. A sector never
// written holds a recognisable factory pattern (its LBA in the first 8 bytes,
// then bytes derived from the LBA), so a test can tell which sector a buffer
// came from and that DMA moved it intact.
//
// An image can be loaded from and saved to a plain file (sector 0 first):
//   load_file  the file's bytes become sectors 0, 1, ...; a short last sector
//              is padded with zeros; a file larger than the disk is an error.
//   save_file  writes sectors 0 .. the highest written or loaded one, each as
//              its current contents (a never-written sector inside that range
//              as its factory pattern); an untouched image saves as an empty
//              file. It writes PATH.tmp, then renames it to PATH, so a failed
//              save never leaves half a file under PATH.
// Both throw std::runtime_error naming the path and the system's reason.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace iosim {

class DiskImage {
 public:
  DiskImage(std::uint64_t sectors, std::uint32_t sector_bytes);

  std::uint64_t sectors() const { return sectors_; }
  std::uint32_t sector_bytes() const { return sector_bytes_; }
  // Copies `count` sectors starting at `lba` out of / into `data`
  // (count * sector_bytes bytes). Throws std::out_of_range past the end.
  void read(std::uint64_t lba, std::uint64_t count, std::span<std::uint8_t> data) const;
  void write(std::uint64_t lba, std::uint64_t count, std::span<const std::uint8_t> data);
  // Sectors written or loaded (the rest hold the factory pattern).
  std::size_t sectors_written() const { return written_.size(); }

  void load_file(const std::string& path);
  void save_file(const std::string& path) const;

  static void factory_pattern(std::uint64_t lba, std::span<std::uint8_t> sector);

 private:
  void check(std::uint64_t lba, std::uint64_t count, std::size_t bytes) const;

  std::uint64_t sectors_;
  std::uint32_t sector_bytes_;
  std::map<std::uint64_t, std::vector<std::uint8_t>> written_;
};

}  // namespace iosim
