#include "devices/hdd_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace iosim {
namespace {

// The defaults are the HP 97560 (Ruemmler & Wilkes 1994): 1962 cylinders, 19
// heads, 72 sectors per track, 4002 rpm; seeks 3.24 + 0.400 sqrt(d) ms below
// 383 cylinders, 8.00 + 0.008 d ms from there; head switch 1.6 ms.
// One revolution is P = 60e9 / 4002 = 14,992,503.75 ns, one sector
// P / 72 = 208,229.22 ns.
const HddModel kDefault{HddParams{}};

// 6000 rpm and 1000 sectors per track make every rotational time a whole ns:
// a revolution is P = 60e9 / 6000 = 10,000,000 ns and a sector 10,000 ns.
// 4 heads: 4000 sectors per cylinder.
HddParams round_params() {
  HddParams p;
  p.rpm = 6000;
  p.heads = 4;
  p.sectors_per_track = 1000;
  return p;
}
constexpr Ns kP = 10'000'000;
constexpr Ns kSector = 10'000;

// ceil(a / b) for the expected values below.
std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

TEST(HddModel, DefaultsAreTheHp97560) {
  const HddParams& p = kDefault.params();
  EXPECT_EQ(p.cylinders, 1962u);
  EXPECT_EQ(p.heads, 19u);
  EXPECT_EQ(p.sectors_per_track, 72u);
  EXPECT_EQ(p.sector_bytes, 512u);
  EXPECT_EQ(p.rpm, 4002u);
  EXPECT_EQ(p.seek_boundary, 383u);
  EXPECT_EQ(p.head_switch, 1'600'000);
  EXPECT_EQ(p.track_buffer, 256u);  // 128 KiB
  // 1962 * 19 * 72 sectors of 512 B = 1,374,216,192 bytes.
  EXPECT_EQ(kDefault.capacity_sectors(), 2'684'016u);
}

TEST(HddModel, SeekOfZeroCylindersIsFreeAndOfOneIsSeekSingle) {
  EXPECT_EQ(kDefault.seek_time(0), 0);
  EXPECT_EQ(kDefault.seek_time(1), 3'640'000);  // 3.24 + 0.400 * sqrt(1) ms
  HddParams p;
  p.seek_single = 1'000'000;  // a separate value replaces the formula at d = 1 only
  EXPECT_EQ(HddModel(p).seek_time(1), 1'000'000);
  EXPECT_EQ(HddModel(p).seek_time(2), kDefault.seek_time(2));
}

TEST(HddModel, ShortSeeksAreAPlusBSqrtDRoundedToTheNearestNs) {
  EXPECT_EQ(kDefault.seek_time(2), 3'805'685);    // 3,240,000 + 565,685.42
  EXPECT_EQ(kDefault.seek_time(10), 4'504'911);   // 3,240,000 + 1,264,911.06
  EXPECT_EQ(kDefault.seek_time(100), 7'240'000);  // 3,240,000 + 400,000 * 10
  // Just below the boundary: 3,240,000 + 400,000 * sqrt(382) = 3,240,000 + 7,817,928.11
  EXPECT_EQ(kDefault.seek_time(382), 11'057'928);
  // The integer rounding agrees with the floating-point formula everywhere in range.
  for (std::uint32_t d = 2; d < 383; ++d)
    EXPECT_EQ(kDefault.seek_time(d), 3'240'000 + std::llround(400'000 * std::sqrt(double(d))))
        << "d = " << d;
}

TEST(HddModel, LongSeeksAreCPlusEDFromTheBoundaryOn) {
  EXPECT_EQ(kDefault.seek_time(383), 11'064'000);    // at the boundary: 8,000,000 + 8,000 * 383
  EXPECT_EQ(kDefault.seek_time(384), 11'072'000);    // just above
  EXPECT_EQ(kDefault.seek_time(1'961), 23'688'000);  // full stroke: 8 + 0.008 * 1961 ms
}

TEST(HddModel, SeekRoundsHalfwayCasesTheOnlyWayPossible) {
  // b * sqrt(d) is never exactly n + 1/2 for integers b and d, so rounding to the
  // nearest is unambiguous: with b = 1, sqrt(2) = 1.414 -> 1, sqrt(3) = 1.732 -> 2,
  // sqrt(6) = 2.449 -> 2, sqrt(7) = 2.646 -> 3.
  HddParams p;
  p.seek_a = 0;
  p.seek_b = 1;
  HddModel hdd(p);
  EXPECT_EQ(hdd.seek_time(2), 1);
  EXPECT_EQ(hdd.seek_time(3), 2);
  EXPECT_EQ(hdd.seek_time(6), 2);
  EXPECT_EQ(hdd.seek_time(7), 3);
}

TEST(HddModel, RotationalDelayFromTimeZero) {
  EXPECT_EQ(kDefault.rotational_delay(0, 0), 0);
  // ceil(s * P / spt) = ceil(s * 60e9 / (4002 * 72)); sector 1 is 208,229.22 ns.
  for (std::int64_t s : {1, 2, 3, 36, 71})
    EXPECT_EQ(kDefault.rotational_delay(0, static_cast<std::uint32_t>(s)),
              ceil_div(s * 60'000'000'000, 4002 * 72))
        << "sector " << s;
  EXPECT_EQ(kDefault.rotational_delay(0, 1), 208'230);
}

TEST(HddModel, RotationalDelayWrapsModuloARevolution) {
  HddModel hdd(round_params());
  EXPECT_EQ(hdd.rotational_delay(kP, 0), 0);  // sector 0 is back under the head
  EXPECT_EQ(hdd.rotational_delay(3 * kP, 7), 7 * kSector);
  EXPECT_EQ(hdd.rotational_delay(3 * kP + 5'000, 2), 2 * kSector - 5'000);
  // Sector 1 passed 15,000 ns ago: wait for the next turn.
  EXPECT_EQ(hdd.rotational_delay(25'000, 1), kP - 15'000);
  EXPECT_EQ(hdd.rotational_delay(kSector + 1, 1), kP - 1);
  // The docs' worked example: decode ends at 2,202,277; sector 0 comes at
  // P = 14,992,503.75, so the wait is 12,790,226.75, rounded up.
  EXPECT_EQ(kDefault.rotational_delay(2'202'277, 0), 12'790'227);
}

TEST(HddModel, TransferTimeIsCeilOfSectorTimes) {
  // ceil(n * 60e9 / (4002 * 72)): the table in docs/hardware.md.
  EXPECT_EQ(kDefault.transfer_time(1), 208'230);
  EXPECT_EQ(kDefault.transfer_time(8), 1'665'834);
  EXPECT_EQ(kDefault.transfer_time(72), 14'992'504);  // a whole track: one revolution
  EXPECT_EQ(kDefault.transfer_time(128), 26'653'340);
  for (std::int64_t n : {3, 1000})
    EXPECT_EQ(kDefault.transfer_time(static_cast<std::uint64_t>(n)),
              ceil_div(n * 60'000'000'000, 4002 * 72));
  EXPECT_EQ(HddModel(round_params()).transfer_time(3), 3 * kSector);
}

TEST(HddModel, SectorsPassedIsFloorOfElapsedOverSectorTime) {
  HddModel hdd(round_params());
  EXPECT_EQ(hdd.sectors_passed(0), 0u);
  EXPECT_EQ(hdd.sectors_passed(-5), 0u);
  EXPECT_EQ(hdd.sectors_passed(kSector - 1), 0u);
  EXPECT_EQ(hdd.sectors_passed(kSector), 1u);
  EXPECT_EQ(hdd.sectors_passed(25 * kSector + 9'999), 25u);
  // Default: floor(2,200,000 / 208,229.22) = 10.
  EXPECT_EQ(kDefault.sectors_passed(2'200'000), 10u);
}

TEST(HddModel, PlanWithinOneTrackIsSeekThenRotationAtSeekEndThenTransfer) {
  const Ns start = 1'234'567;
  const std::uint64_t lba = 1368 * 10 + 72 + 30;  // cylinder 10, head 1, sector 30
  HddAccess a = kDefault.plan(start, 3, lba, 16);
  EXPECT_EQ(a.seek, kDefault.seek_time(7));
  EXPECT_EQ(a.rotate, kDefault.rotational_delay(start + a.seek, 30));
  EXPECT_EQ(a.transfer, kDefault.transfer_time(16));
  EXPECT_EQ(a.switches, 0);
  EXPECT_EQ(a.total(), a.seek + a.rotate + a.transfer);
  EXPECT_EQ(a.cylinder, 10u);
  ASSERT_EQ(a.steps.size(), 3u);
  EXPECT_EQ(a.steps[0].phase, HddStep::kSeek);
  EXPECT_EQ(a.steps[1].phase, HddStep::kRotate);
  EXPECT_EQ(a.steps[2].phase, HddStep::kTransfer);
  // Seeking down costs the same as seeking up.
  EXPECT_EQ(kDefault.plan(0, 17, lba, 1).seek, kDefault.seek_time(7));
}

TEST(HddModel, PlanWithRoundNumbers) {
  HddModel hdd(round_params());
  // From cylinder 0 to cylinder 1 (lba 4000 + 20: sector 20) starting at t = 0:
  // seek 3,640,000; the platter is then at 3,640,000 mod P = sector 364, so sector 20
  // comes round after P - 344 sectors = 6,560,000; 4 sectors take 40,000.
  HddAccess a = hdd.plan(0, 0, 4'020, 4);
  EXPECT_EQ(a.seek, 3'640'000);
  EXPECT_EQ(a.rotate, 6'560'000);
  EXPECT_EQ(a.transfer, 40'000);
  EXPECT_EQ(a.total(), 10'240'000);
}

TEST(HddModel, CrossingATrackCostsOneHeadSwitchAndTheRotationThatFollows) {
  HddModel hdd(round_params());
  // Sectors 999 (head 0) and 1000 (head 1, sector 0) of cylinder 0, from t = 0:
  //   rotate to sector 999          9,990,000  -> 9,990,000
  //   transfer 1 sector                10,000  -> 10,000,000 (sector 0 is under the head)
  //   head switch                   1,600,000  -> 11,600,000 (sector 0 has gone by)
  //   rotate to sector 0 again      8,400,000  -> 20,000,000
  //   transfer 1 sector                10,000  -> 20,010,000
  HddAccess a = hdd.plan(0, 0, 999, 2);
  EXPECT_EQ(a.seek, 0);
  EXPECT_EQ(a.switches, 1'600'000);
  EXPECT_EQ(a.rotate, 9'990'000 + 8'400'000);
  EXPECT_EQ(a.transfer, 20'000);
  EXPECT_EQ(a.total(), 20'010'000);
  ASSERT_EQ(a.steps.size(), 5u);  // rotate, transfer, switch, rotate, transfer (no 0 ns seek)
  EXPECT_EQ(a.steps[2].phase, HddStep::kHeadSwitch);
  EXPECT_EQ(a.steps[3].phase, HddStep::kRotate);
  EXPECT_EQ(a.steps[3].time, 8'400'000);
  EXPECT_EQ(a.cylinder, 0u);
}

TEST(HddModel, CrossingOntoTheNextCylinderCostsASingleCylinderSeekInstead) {
  HddModel hdd(round_params());
  // LBA 3999 is cylinder 0, head 3, sector 999; LBA 4000 is cylinder 1, head 0, sector 0.
  //   rotate 9,990,000; transfer 10,000 -> 10,000,000; seek 1 cylinder 3,640,000
  //   -> 13,640,000; rotate to sector 0: 6,360,000 -> 20,000,000; transfer 10,000.
  HddAccess a = hdd.plan(0, 0, 3'999, 2);
  EXPECT_EQ(a.switches, 3'640'000);
  EXPECT_EQ(a.rotate, 9'990'000 + 6'360'000);
  EXPECT_EQ(a.total(), 20'010'000);
  EXPECT_EQ(a.steps[2].phase, HddStep::kSeek);
  EXPECT_EQ(a.steps[2].cylinder, 1u);
  EXPECT_EQ(a.cylinder, 1u);
}

TEST(HddModel, TheDocsWorkedExampleReadCrossesOneTrack) {
  // docs/hardware.md section 9: 128 sectors at LBA 0 when decode ends at 2,202,277.
  // Track 0 holds sectors 0..71, track 1 (head 1) sectors 72..127.
  HddAccess a = kDefault.plan(2'202'277, 0, 0, 128);
  EXPECT_EQ(a.seek, 0);
  ASSERT_EQ(a.steps.size(), 5u);
  EXPECT_EQ(a.steps[0].time, 12'790'227);  // to sector 0 at P = 14,992,503.75 (ceil)
  EXPECT_EQ(a.steps[1].time, 14'992'504);  // 72 sectors: ceil(P)     -> 29,985,008
  EXPECT_EQ(a.steps[2].time, 1'600'000);   // head switch             -> 31,585,008
  EXPECT_EQ(a.steps[3].time, 13'392'504);  // to sector 0 at 3P = 44,977,511.24 (ceil)
  EXPECT_EQ(a.steps[4].time, 11'660'837);  // 56 sectors: ceil(56 P / 72)
  EXPECT_EQ(a.total(), 54'436'072);        // ends at 56,638,349
}

TEST(HddModel, LbaToCylinderHeadAndSector) {
  // 19 heads * 72 sectors = 1368 sectors per cylinder.
  EXPECT_EQ(kDefault.cylinder_of(0), 0u);
  EXPECT_EQ(kDefault.cylinder_of(1367), 0u);
  EXPECT_EQ(kDefault.cylinder_of(1368), 1u);
  EXPECT_EQ(kDefault.cylinder_of(1368 * 123 + 1000), 123u);
  EXPECT_EQ(kDefault.head_of(1368 * 123 + 1000), 13u);    // 1000 / 72 = 13
  EXPECT_EQ(kDefault.sector_of(1368 * 123 + 1000), 64u);  // 1000 mod 72 = 64
  EXPECT_EQ(kDefault.sector_of(71), 71u);
  EXPECT_EQ(kDefault.sector_of(72), 0u);  // head 1, sector 0
  EXPECT_EQ(kDefault.head_of(72), 1u);
  EXPECT_EQ(kDefault.cylinder_of(kDefault.capacity_sectors() - 1), 1'961u);
}

// ---- TrackBuffer: read-ahead ----

TEST(TrackBuffer, HoldsTheReadAndReadsAheadOneSectorPerSectorTime) {
  HddModel hdd(round_params());  // a sector every 10,000 ns, 1000 per track
  TrackBuffer buffer(hdd);
  EXPECT_FALSE(buffer.holds(0, 0, 1));   // empty at power-on
  buffer.after_read(1'000'000, 100, 8);  // sectors 100..107, read ended at 1 ms
  EXPECT_TRUE(buffer.holds(1'000'000, 100, 8));
  EXPECT_FALSE(buffer.holds(1'000'000, 99, 2));
  EXPECT_FALSE(buffer.holds(1'000'000, 108, 1));  // nothing read ahead yet
  // floor((t - 1 ms) / 10,000) sectors after 107 by time t.
  EXPECT_EQ(buffer.read_ahead(1'000'000 + 3 * kSector - 1), 2u);
  EXPECT_EQ(buffer.read_ahead(1'000'000 + 3 * kSector), 3u);
  EXPECT_TRUE(buffer.holds(1'000'000 + 3 * kSector, 108, 3));
  EXPECT_FALSE(buffer.holds(1'000'000 + 3 * kSector, 108, 4));
}

TEST(TrackBuffer, ReadAheadStopsAtTheBufferSizeAndTheEndOfTheTrack) {
  HddParams p = round_params();
  p.track_buffer = 20;
  HddModel hdd(p);
  TrackBuffer buffer(hdd);
  buffer.after_read(0, 100, 8);  // kept 8, so at most 20 - 8 = 12 more
  EXPECT_EQ(buffer.read_ahead(kP), 12u);
  EXPECT_EQ(buffer.end(kP), 120u);
  buffer.after_read(0, 990, 5);  // sectors 990..994: only 995..999 remain on the track
  EXPECT_EQ(buffer.read_ahead(kP), 5u);
  EXPECT_FALSE(buffer.holds(kP, 1000, 1));  // the next track is not read ahead
  buffer.after_read(0, 0, 30);  // a read larger than the buffer keeps its last 20 sectors
  EXPECT_EQ(buffer.first(), 10u);
  EXPECT_EQ(buffer.read_ahead(kP), 0u);
  EXPECT_FALSE(buffer.holds(kP, 9, 1));
  EXPECT_TRUE(buffer.holds(kP, 10, 20));
}

TEST(TrackBuffer, OffWhenItsSizeIsZero) {
  HddParams p = round_params();
  p.track_buffer = 0;
  HddModel hdd(p);
  TrackBuffer buffer(hdd);
  buffer.after_read(0, 100, 8);
  EXPECT_FALSE(buffer.holds(kP, 100, 1));
  EXPECT_FALSE(buffer.holds(kP, 108, 1));
}

TEST(TrackBuffer, AnOverlappingWriteEmptiesItAndAnyWriteStopsReadAhead) {
  HddModel hdd(round_params());
  TrackBuffer buffer(hdd);
  buffer.after_read(0, 100, 8);
  buffer.before_write(5 * kSector, 500, 1);  // elsewhere: the head leaves after 5 sectors
  EXPECT_EQ(buffer.read_ahead(kP), 5u);      // frozen at 108..112
  EXPECT_TRUE(buffer.holds(kP, 100, 13));
  buffer.before_write(kP, 112, 1);  // overlaps the buffered sectors: all of them go
  EXPECT_FALSE(buffer.holds(kP, 100, 1));
  EXPECT_FALSE(buffer.holds(kP, 112, 1));
}

}  // namespace
}  // namespace iosim
