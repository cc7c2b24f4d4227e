#include "devices/disk_image.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace iosim {

DiskImage::DiskImage(std::uint64_t sectors, std::uint32_t sector_bytes)
    : sectors_(sectors), sector_bytes_(sector_bytes) {}

void DiskImage::factory_pattern(std::uint64_t lba, std::span<std::uint8_t> sector) {
  for (std::size_t i = 0; i < sector.size(); ++i)
    sector[i] = i < 8 ? static_cast<std::uint8_t>(lba >> (8 * i))
                      : static_cast<std::uint8_t>(lba * 131 + i * 7);
}

void DiskImage::check(std::uint64_t lba, std::uint64_t count, std::size_t bytes) const {
  if (lba > sectors_ || count > sectors_ - lba)
    throw std::out_of_range(fmt::format(
        "disk access at LBA {} for {} sectors is past the end ({} sectors)", lba, count, sectors_));
  if (bytes != count * sector_bytes_)
    throw std::invalid_argument("disk access buffer is not count * sector size");
}

void DiskImage::read(std::uint64_t lba, std::uint64_t count, std::span<std::uint8_t> data) const {
  check(lba, count, data.size());
  for (std::uint64_t i = 0; i < count; ++i) {
    auto out = data.subspan(i * sector_bytes_, sector_bytes_);
    auto it = written_.find(lba + i);
    if (it == written_.end()) {
      factory_pattern(lba + i, out);
    } else {
      std::copy(it->second.begin(), it->second.end(), out.begin());
    }
  }
}

void DiskImage::write(std::uint64_t lba, std::uint64_t count, std::span<const std::uint8_t> data) {
  check(lba, count, data.size());
  for (std::uint64_t i = 0; i < count; ++i) {
    auto in = data.subspan(i * sector_bytes_, sector_bytes_);
    written_[lba + i].assign(in.begin(), in.end());
  }
}

}  // namespace iosim
