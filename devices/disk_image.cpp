#include "devices/disk_image.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace iosim {

DiskImage::DiskImage(std::uint64_t sectors, std::uint32_t sector_bytes)
    : sectors_(sectors), sector_bytes_(sector_bytes) {}

// Split at byte 8 so the long part has no branch and vectorises: every
// sector read from an unwritten disk goes through here.
void DiskImage::factory_pattern(std::uint64_t lba, std::span<std::uint8_t> sector) {
  const std::size_t head = std::min<std::size_t>(8, sector.size());
  for (std::size_t i = 0; i < head; ++i)
    sector[i] = static_cast<std::uint8_t>(lba >> (8 * i));
  // Only the low byte of lba * 131 + i * 7 is kept: a byte that grows by 7
  // at each step gives the same bytes, sixteen at a time.
  auto byte = static_cast<std::uint8_t>(lba * 131 + head * 7);
  for (std::size_t i = head; i < sector.size(); ++i) {
    sector[i] = byte;
    byte = static_cast<std::uint8_t>(byte + 7);
  }
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

namespace {
using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error(fmt::format("{} '{}': {}", what, path, std::strerror(errno)));
}
}  // namespace

void DiskImage::load_file(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) fail("cannot open disk image", path);
  struct stat st {};
  if (fstat(fileno(f.get()), &st) != 0) fail("cannot read disk image", path);
  const std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  if (size / sector_bytes_ > sectors_ ||
      (size / sector_bytes_ == sectors_ && size % sector_bytes_ != 0))
    throw std::runtime_error(
        fmt::format("disk image '{}' is {} bytes, larger than the disk ({} sectors of {} B)", path,
                    size, sectors_, sector_bytes_));
  std::vector<std::uint8_t> sector(sector_bytes_);
  for (std::uint64_t lba = 0; lba * sector_bytes_ < size; ++lba) {
    std::fill(sector.begin(), sector.end(), 0);  // a short last sector ends in zeros
    std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(sector_bytes_, size - lba * sector_bytes_));
    errno = 0;
    if (std::fread(sector.data(), 1, want, f.get()) != want) {
      if (errno == 0) errno = EIO;  // the file shrank while we read it
      fail("cannot read disk image", path);
    }
    written_[lba] = sector;
  }
}

void DiskImage::save_file(const std::string& path) const {
  const std::string temporary = path + ".tmp";
  auto abandon = [&](const char* what, const std::string& name) {
    int reason = errno;
    std::remove(temporary.c_str());
    errno = reason;
    fail(what, name);
  };
  File f(std::fopen(temporary.c_str(), "wb"), &std::fclose);
  if (!f) fail("cannot create disk image", temporary);
  const std::uint64_t count = written_.empty() ? 0 : written_.rbegin()->first + 1;
  std::vector<std::uint8_t> sector(sector_bytes_);
  for (std::uint64_t lba = 0; lba < count; ++lba) {
    read(lba, 1, sector);
    if (std::fwrite(sector.data(), 1, sector.size(), f.get()) != sector.size())
      abandon("cannot write disk image", temporary);
  }
  if (std::fflush(f.get()) != 0 || std::fclose(f.release()) != 0)
    abandon("cannot write disk image", temporary);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) abandon("cannot save disk image", path);
}

}  // namespace iosim
