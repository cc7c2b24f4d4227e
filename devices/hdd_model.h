// The mechanics of a hard disk, as pure arithmetic (no SystemC), so tests and
// students can recompute every timing by hand. The defaults are the HP 97560
// as characterised by C. Ruemmler and J. Wilkes, "An introduction to disk
// drive modeling", IEEE Computer 27(3):17-28, 1994.
//
// Geometry: an LBA maps to (cylinder, head, sector) as
//   cylinder = lba / (heads * sectors_per_track)
//   head     = (lba / sectors_per_track) % heads
//   sector   = lba % sectors_per_track
// Seek, for a distance of d cylinders (Ruemmler & Wilkes' two-part curve):
//   d = 0: 0
//   d = 1: seek_single
//   1 < d < seek_boundary: seek_a + round(seek_b * sqrt(d))   (arm accelerates, then coasts)
//   d >= seek_boundary:    seek_c + seek_e * d                (arm reaches full speed)
// round() is to the nearest ns, computed exactly with integers.
// Rotation: one revolution takes P = 60e9 / rpm ns, and sector s of every
// track starts passing under the head at times t with t mod P = s * P / spt
// (no track skew). The platter's position is a function of simulated time, so
// the rotational delay depends on when the head arrives, not on a random draw.
// Transfer: n sectors take ceil(n * P / spt) ns.
// Track switch: a transfer that runs onto the next track first switches to it
// (head_switch to the next head of the cylinder; a single-cylinder seek,
// seek_single, from the last head to the next cylinder's head 0), then waits
// for that track's sector 0 to come round, since there is no skew to line it up.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace iosim {

struct HddParams {
  std::uint32_t cylinders = 1962;
  std::uint32_t heads = 19;  // data heads = tracks per cylinder
  std::uint32_t sectors_per_track = 72;
  std::uint32_t sector_bytes = 512;
  std::uint32_t rpm = 4002;
  Ns seek_single = 3'640'000;         // d = 1: R&W's short-seek formula at d = 1 (3.24 + 0.400)
  std::uint32_t seek_boundary = 383;  // first distance (cylinders) on the long-seek line
  Ns seek_a = 3'240'000;              // short seeks: 3.24 ms ...
  Ns seek_b = 400'000;                // ... + 0.400 ms per sqrt(cylinder)
  Ns seek_c = 8'000'000;              // long seeks: 8.00 ms ...
  Ns seek_e = 8'000;                  // ... + 0.008 ms per cylinder
  Ns head_switch = 1'600'000;         // 1.6 ms to the next head of the same cylinder
  std::uint32_t track_buffer = 256;   // read-ahead buffer in sectors (128 KiB); 0 = off
};

// One step of a mechanical access, for the firmware to wait out and trace.
struct HddStep {
  enum Phase { kSeek, kHeadSwitch, kRotate, kTransfer } phase;
  Ns time;
  std::uint32_t cylinder;  // the head's cylinder during the step
};

struct HddAccess {
  Ns seek = 0;                 // the initial seek
  Ns switches = 0;             // track switches: head switches and single-cylinder seeks
  Ns rotate = 0;               // every rotational wait
  Ns transfer = 0;             // every sector under the head
  std::uint32_t cylinder = 0;  // where the head ends up
  std::vector<HddStep> steps;  // in order; steps of 0 ns are left out
  Ns total() const { return seek + switches + rotate + transfer; }
};

class HddModel {
 public:
  explicit HddModel(HddParams params);

  const HddParams& params() const { return p_; }
  std::uint64_t capacity_sectors() const;
  std::uint32_t cylinder_of(std::uint64_t lba) const;
  std::uint32_t head_of(std::uint64_t lba) const;
  std::uint32_t sector_of(std::uint64_t lba) const;

  Ns seek_time(std::uint32_t distance) const;
  // Time from `at` until the start of `sector` passes under the head.
  Ns rotational_delay(Ns at, std::uint32_t sector) const;
  Ns transfer_time(std::uint64_t sectors) const;
  // Whole sectors that pass under the head in `elapsed` ns: floor(elapsed * spt / P).
  std::uint64_t sectors_passed(Ns elapsed) const;
  // The whole mechanical access for `count` sectors at `lba`, starting at time
  // `start` with the head on cylinder `from`: seek, then for each track the
  // run touches a rotational wait and a transfer, with a track switch between.
  HddAccess plan(Ns start, std::uint32_t from, std::uint64_t lba, std::uint64_t count) const;

 private:
  Ns short_seek(std::uint32_t distance) const;

  HddParams p_;
};

// The drive's track buffer with read-ahead. After a read from the platter
// ends at time E, the buffer holds the read's last min(count, track_buffer)
// sectors, and the drive goes on reading the sectors after it on the same
// track, one per sector time, while the mechanism has nothing else to do:
//   read ahead by t = min(limit, floor((t - E) * spt / P))
//   limit           = min(track_buffer - kept, sectors left on that track)
// A read whose sectors are all in the buffer is served from it with no
// mechanical time. Read-ahead stops when the mechanism is needed again (the
// next access from the platter); a write that overlaps the buffered sectors
// empties the buffer. The buffer only decides timing: the bytes always come
// from the DiskImage, which is never stale.
class TrackBuffer {
 public:
  explicit TrackBuffer(const HddModel& hdd) : hdd_(hdd) {}

  // First buffered sector, and one past the last one at time t.
  std::uint64_t first() const { return first_; }
  std::uint64_t end(Ns t) const { return next_ + read_ahead(t); }
  std::uint64_t read_ahead(Ns t) const;
  bool holds(Ns t, std::uint64_t lba, std::uint64_t count) const;

  // A read from the platter of [lba, lba + count) ended at `end`.
  void after_read(Ns end, std::uint64_t lba, std::uint64_t count);
  // A write of [lba, lba + count) takes the mechanism at `start`.
  void before_write(Ns start, std::uint64_t lba, std::uint64_t count);

 private:
  static constexpr Ns kNever = INT64_MAX;

  const HddModel& hdd_;
  std::uint64_t first_ = 0, next_ = 0;  // kept sectors [first_, next_); read-ahead starts at next_
  std::uint64_t limit_ = 0;             // most sectors read-ahead may add
  Ns from_ = 0;                         // read-ahead began (the read's end)
  Ns until_ = kNever;                   // read-ahead stopped (the mechanism was taken)
};

}  // namespace iosim
