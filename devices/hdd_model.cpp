#include "devices/hdd_model.h"

#include <cmath>
#include <stdexcept>

namespace iosim {
namespace {
// 60e9 ns per minute: with rpm revolutions per minute, a revolution is 60e9/rpm
// ns. Working in units of 1/(rpm * spt) ns keeps every rotational quantity an
// exact integer (sector s starts at s * 60e9 of those units).
constexpr __int128 kNsPerMinute = 60'000'000'000;
}  // namespace

HddModel::HddModel(HddParams params) : p_(params) {
  if (p_.cylinders < 2 || p_.heads < 1 || p_.sectors_per_track < 1 || p_.rpm < 1 ||
      p_.sector_bytes < 1)
    throw std::invalid_argument("disk geometry needs >= 2 cylinders and non-zero sizes");
}

std::uint64_t HddModel::capacity_sectors() const {
  return std::uint64_t{p_.cylinders} * p_.heads * p_.sectors_per_track;
}

std::uint32_t HddModel::cylinder_of(std::uint64_t lba) const {
  return static_cast<std::uint32_t>(lba / (std::uint64_t{p_.heads} * p_.sectors_per_track));
}

std::uint32_t HddModel::sector_of(std::uint64_t lba) const {
  return static_cast<std::uint32_t>(lba % p_.sectors_per_track);
}

Ns HddModel::seek_time(std::uint32_t distance) const {
  if (distance == 0) return 0;
  if (distance == 1 || p_.cylinders == 2) return p_.track_to_track;
  double shape = std::sqrt(static_cast<double>(distance - 1) / (p_.cylinders - 2));
  return p_.track_to_track + static_cast<Ns>(std::llround(
                                 static_cast<double>(p_.full_stroke - p_.track_to_track) * shape));
}

Ns HddModel::rotational_delay(Ns at, std::uint32_t sector) const {
  const __int128 scale = __int128{p_.rpm} * p_.sectors_per_track;   // units per ns
  const __int128 revolution = kNsPerMinute * p_.sectors_per_track;  // units per turn
  __int128 position = (__int128{at} * scale) % revolution;
  __int128 target = __int128{sector} * kNsPerMinute;
  __int128 wait = ((target - position) % revolution + revolution) % revolution;
  return static_cast<Ns>((wait + scale - 1) / scale);  // round up: never early
}

Ns HddModel::transfer_time(std::uint64_t sectors) const {
  const __int128 scale = __int128{p_.rpm} * p_.sectors_per_track;
  return static_cast<Ns>((__int128{sectors} * kNsPerMinute + scale - 1) / scale);
}

HddAccess HddModel::plan(Ns start, std::uint32_t from, std::uint64_t lba,
                         std::uint64_t count) const {
  HddAccess a;
  a.cylinder = cylinder_of(lba);
  a.seek = seek_time(a.cylinder > from ? a.cylinder - from : from - a.cylinder);
  a.rotate = rotational_delay(start + a.seek, sector_of(lba));
  a.transfer = transfer_time(count);
  std::uint64_t last = lba + (count > 0 ? count - 1 : 0);
  a.cylinder = cylinder_of(last);
  return a;
}

}  // namespace iosim
