#include "devices/hdd_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace iosim {
namespace {
// 60e9 ns per minute: with rpm revolutions per minute, a revolution is 60e9/rpm
// ns. Working in units of 1/(rpm * spt) ns keeps every rotational quantity an
// exact integer (sector s starts at s * 60e9 of those units).
constexpr __int128 kNsPerMinute = 60'000'000'000;

using U128 = unsigned __int128;

// floor(sqrt(x)), exactly: a floating-point guess, then corrected.
U128 isqrt(U128 x) {
  U128 n = static_cast<U128>(std::sqrt(static_cast<long double>(x)));
  while (n > 0 && n * n > x)
    --n;
  while ((n + 1) * (n + 1) <= x)
    ++n;
  return n;
}

// round(b * sqrt(d)) to the nearest integer without floating point: it is the
// integer nearest sqrt(b^2 d). With n = floor(sqrt(x)), x rounds up exactly
// when x > (n + 1/2)^2 = n^2 + n + 1/4, i.e. when x - n^2 > n (x is an integer,
// so there are no ties).
Ns round_b_sqrt_d(Ns b, std::uint32_t d) {
  U128 x = U128(static_cast<std::uint64_t>(b)) * static_cast<std::uint64_t>(b) * d;
  U128 n = isqrt(x);
  return static_cast<Ns>(x - n * n > n ? n + 1 : n);
}
}  // namespace

HddModel::HddModel(HddParams params) : p_(params) {
  if (p_.cylinders < 1 || p_.heads < 1 || p_.sectors_per_track < 1 || p_.rpm < 1 ||
      p_.sector_bytes < 1)
    throw std::invalid_argument("disk geometry needs non-zero sizes and speed");
  if (p_.seek_single < 0 || p_.seek_a < 0 || p_.seek_b < 0 || p_.seek_c < 0 || p_.seek_e < 0 ||
      p_.head_switch < 0)
    throw std::invalid_argument("disk seek and switch times must not be negative");
}

std::uint64_t HddModel::capacity_sectors() const {
  return std::uint64_t{p_.cylinders} * p_.heads * p_.sectors_per_track;
}

std::uint32_t HddModel::cylinder_of(std::uint64_t lba) const {
  return static_cast<std::uint32_t>(lba / (std::uint64_t{p_.heads} * p_.sectors_per_track));
}

std::uint32_t HddModel::head_of(std::uint64_t lba) const {
  return static_cast<std::uint32_t>(lba / p_.sectors_per_track % p_.heads);
}

std::uint32_t HddModel::sector_of(std::uint64_t lba) const {
  return static_cast<std::uint32_t>(lba % p_.sectors_per_track);
}

Ns HddModel::short_seek(std::uint32_t distance) const {
  return p_.seek_a + round_b_sqrt_d(p_.seek_b, distance);
}

Ns HddModel::seek_time(std::uint32_t distance) const {
  if (distance == 0) return 0;
  if (distance == 1) return p_.seek_single;
  if (distance < p_.seek_boundary) return short_seek(distance);
  return p_.seek_c + p_.seek_e * static_cast<Ns>(distance);
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

std::uint64_t HddModel::sectors_passed(Ns elapsed) const {
  if (elapsed <= 0) return 0;
  const __int128 scale = __int128{p_.rpm} * p_.sectors_per_track;
  return static_cast<std::uint64_t>(__int128{elapsed} * scale / kNsPerMinute);
}

HddAccess HddModel::plan(Ns start, std::uint32_t from, std::uint64_t lba,
                         std::uint64_t count) const {
  HddAccess a;
  Ns t = start;
  std::uint32_t cylinder = cylinder_of(lba);
  auto step = [&](HddStep::Phase phase, Ns time, Ns& total) {
    if (time > 0) a.steps.push_back({phase, time, cylinder});
    total += time;
    t += time;
  };
  step(HddStep::kSeek, seek_time(cylinder > from ? cylinder - from : from - cylinder), a.seek);
  const std::uint64_t end = lba + count;
  for (std::uint64_t next = lba; next < end;) {
    if (next != lba) {  // onto the next track: same cylinder, next head, or the next cylinder
      if (cylinder_of(next) == cylinder) {
        step(HddStep::kHeadSwitch, p_.head_switch, a.switches);
      } else {
        cylinder = cylinder_of(next);
        step(HddStep::kSeek, seek_time(1), a.switches);
      }
    }
    std::uint32_t sector = sector_of(next);
    std::uint64_t run = std::min<std::uint64_t>(end - next, p_.sectors_per_track - sector);
    step(HddStep::kRotate, rotational_delay(t, sector), a.rotate);
    step(HddStep::kTransfer, transfer_time(run), a.transfer);
    next += run;
  }
  a.cylinder = cylinder;
  return a;
}

// ---- TrackBuffer ----

std::uint64_t TrackBuffer::read_ahead(Ns t) const {
  return std::min(limit_, hdd_.sectors_passed(std::min(t, until_) - from_));
}

bool TrackBuffer::holds(Ns t, std::uint64_t lba, std::uint64_t count) const {
  return next_ > first_ && lba >= first_ && lba + count <= end(t);
}

void TrackBuffer::after_read(Ns end, std::uint64_t lba, std::uint64_t count) {
  const std::uint64_t capacity = hdd_.params().track_buffer;
  const std::uint64_t spt = hdd_.params().sectors_per_track;
  std::uint64_t kept = std::min(count, capacity);
  next_ = lba + count;
  first_ = next_ - kept;
  std::uint64_t track_end = (next_ - 1) / spt * spt + spt;  // end of the last sector's track
  limit_ = std::min(capacity - kept, track_end - next_);
  from_ = end;
  until_ = kNever;
}

void TrackBuffer::before_write(Ns start, std::uint64_t lba, std::uint64_t count) {
  until_ = std::min(until_, start);  // the head leaves: read-ahead stops
  if (lba < end(start) && lba + count > first_) first_ = next_ = limit_ = 0;
}

}  // namespace iosim
