// The mechanics of a hard disk, as pure arithmetic (no SystemC), so tests and
// students can recompute every timing by hand.
//
// Geometry: an LBA maps to (cylinder, head, sector) as
//   cylinder = lba / (heads * sectors_per_track)
//   head     = (lba / sectors_per_track) % heads
//   sector   = lba % sectors_per_track
// Seek time for a distance of d cylinders (C = cylinder count):
//   d = 0: 0;   d = 1: track_to_track;
//   d > 1: track_to_track + (full_stroke - track_to_track) * sqrt((d - 1) / (C - 2))
// rounded to the nearest ns: the square-root shape of a voice-coil arm that
// accelerates then coasts.
// Rotation: one revolution takes P = 60e9 / rpm ns, and sector s of every
// track starts passing under the head at times t with t mod P = s * P / spt.
// The platter's position is a function of simulated time, so the rotational
// delay depends on when the seek ends, not on a random draw.
// Transfer: count * P / spt (rounded up to a whole ns); a transfer that runs
// onto the next track continues without a switch delay in this model.
#pragma once

#include <cstdint>

#include "sim/time.h"

namespace iosim {

struct HddParams {
  std::uint32_t cylinders = 100'000;
  std::uint32_t heads = 4;
  std::uint32_t sectors_per_track = 1024;
  std::uint32_t sector_bytes = 512;
  std::uint32_t rpm = 7200;
  Ns track_to_track = 800'000;  // 0.8 ms
  Ns full_stroke = 16'000'000;  // 16 ms
};

struct HddAccess {
  Ns seek = 0, rotate = 0, transfer = 0;
  std::uint32_t cylinder = 0;  // where the head ends up
  Ns total() const { return seek + rotate + transfer; }
};

class HddModel {
 public:
  explicit HddModel(HddParams params);

  const HddParams& params() const { return p_; }
  std::uint64_t capacity_sectors() const;
  std::uint32_t cylinder_of(std::uint64_t lba) const;
  std::uint32_t sector_of(std::uint64_t lba) const;

  Ns seek_time(std::uint32_t distance) const;
  // Time from `at` until the start of `sector` passes under the head.
  Ns rotational_delay(Ns at, std::uint32_t sector) const;
  Ns transfer_time(std::uint64_t sectors) const;
  // The whole mechanical access for `count` sectors at `lba`, starting at time
  // `start` with the head on cylinder `from`.
  HddAccess plan(Ns start, std::uint32_t from, std::uint64_t lba, std::uint64_t count) const;

 private:
  HddParams p_;
};

}  // namespace iosim
