#include "devices/hdd_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace iosim {
namespace {

// The defaults: 100,000 cylinders, 4 heads, 1024 sectors per track, 7200 rpm,
// seeks of 0.8 ms (track to track) and 16 ms (full stroke).
const HddModel kDefault{HddParams{}};

// 6000 rpm and 1000 sectors per track make every rotational time a whole ns:
// a revolution is P = 60e9 / 6000 = 10,000,000 ns and a sector 10,000 ns.
HddParams round_params() {
  HddParams p;
  p.rpm = 6000;
  p.sectors_per_track = 1000;
  return p;
}
constexpr Ns kP = 10'000'000;
constexpr Ns kSector = 10'000;

// ceil(a / b) for the expected values below.
std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return (a + b - 1) / b;
}

TEST(HddModel, SeekTimeEndPoints) {
  EXPECT_EQ(kDefault.seek_time(0), 0);
  EXPECT_EQ(kDefault.seek_time(1), 800'000);
  EXPECT_EQ(kDefault.seek_time(99'999), 16'000'000);  // C - 1: a full stroke
}

TEST(HddModel, SeekTimeFollowsSqrtFormulaInBetween) {
  for (std::uint32_t d : {2u, 24u, 1'000u, 50'000u}) {
    // track_to_track + round((full_stroke - track_to_track) * sqrt((d - 1) / (C - 2)))
    double shape = std::sqrt((d - 1) / 99'998.0);
    Ns expected = 800'000 + std::llround(15'200'000 * shape);
    EXPECT_EQ(kDefault.seek_time(d), expected) << "d = " << d;
  }
}

TEST(HddModel, SeekTimesMatchTheTableInTheDocs) {  // docs/hardware.md, section 8
  EXPECT_EQ(kDefault.seek_time(2), 848'067);
  EXPECT_EQ(kDefault.seek_time(24), 1'030'522);
  EXPECT_EQ(kDefault.seek_time(100), 1'278'262);
  EXPECT_EQ(kDefault.seek_time(1'000), 2'319'255);
  EXPECT_EQ(kDefault.seek_time(10'000), 5'606'470);
  EXPECT_EQ(kDefault.seek_time(50'000), 11'548'023);
}

TEST(HddModel, RotationalDelayFromTimeZero) {
  EXPECT_EQ(kDefault.rotational_delay(0, 0), 0);
  // ceil(s * P / spt) = ceil(s * 60e9 / (7200 * 1024)); sector 1 is 8138.02 ns.
  for (std::int64_t s : {1, 2, 3, 512, 1023})
    EXPECT_EQ(kDefault.rotational_delay(0, static_cast<std::uint32_t>(s)),
              ceil_div(s * 60'000'000'000, 7200 * 1024))
        << "sector " << s;
  EXPECT_EQ(kDefault.rotational_delay(0, 1), 8'139);
}

TEST(HddModel, RotationalDelayWrapsModuloARevolution) {
  HddModel hdd(round_params());
  EXPECT_EQ(hdd.rotational_delay(kP, 0), 0);  // sector 0 is back under the head
  EXPECT_EQ(hdd.rotational_delay(3 * kP, 7), 7 * kSector);
  EXPECT_EQ(hdd.rotational_delay(3 * kP + 5'000, 2), 2 * kSector - 5'000);
  // Sector 1 passed 15,000 ns ago: wait for the next turn.
  EXPECT_EQ(hdd.rotational_delay(25'000, 1), kP - 15'000);
  EXPECT_EQ(hdd.rotational_delay(kSector + 1, 1), kP - 1);
  // Default geometry (P = 8,333,333.33): at t = 8,333,334 sector 0 passed 0.67 ns ago.
  EXPECT_EQ(kDefault.rotational_delay(8'333'334, 0), 8'333'333);  // ceil(P - 0.67)
  // The docs' second read: at 10,158,187 sector 128 (at P/8 in each turn) has passed;
  // it comes again at 2P + P/8 = 17,708,333.33, so the wait rounds up to 7,550,147.
  EXPECT_EQ(kDefault.rotational_delay(10'158'187, 128), 7'550'147);
}

TEST(HddModel, TransferTimeIsCeilOfSectorTimes) {
  // ceil(n * 60e9 / (7200 * 1024)): the table in docs/hardware.md.
  EXPECT_EQ(kDefault.transfer_time(1), 8'139);
  EXPECT_EQ(kDefault.transfer_time(8), 65'105);
  EXPECT_EQ(kDefault.transfer_time(128), 1'041'667);
  EXPECT_EQ(kDefault.transfer_time(256), 2'083'334);
  for (std::int64_t n : {3, 1000})
    EXPECT_EQ(kDefault.transfer_time(static_cast<std::uint64_t>(n)),
              ceil_div(n * 60'000'000'000, 7200 * 1024));
  EXPECT_EQ(HddModel(round_params()).transfer_time(3), 3 * kSector);
}

TEST(HddModel, PlanIsSeekThenRotationAtSeekEndThenTransfer) {
  const Ns start = 1'234'567;
  const std::uint64_t lba = 4096 * 10 + 1024 + 300;  // cylinder 10, head 1, sector 300
  HddAccess a = kDefault.plan(start, 3, lba, 16);
  EXPECT_EQ(a.seek, kDefault.seek_time(7));
  EXPECT_EQ(a.rotate, kDefault.rotational_delay(start + a.seek, 300));
  EXPECT_EQ(a.transfer, kDefault.transfer_time(16));
  EXPECT_EQ(a.total(), a.seek + a.rotate + a.transfer);
  EXPECT_EQ(a.cylinder, 10u);
  // A run that crosses onto the next cylinder leaves the head there.
  EXPECT_EQ(kDefault.plan(0, 0, 4096 - 1, 2).cylinder, 1u);
  // Seeking down costs the same as seeking up.
  EXPECT_EQ(kDefault.plan(0, 17, lba, 1).seek, kDefault.seek_time(7));
}

TEST(HddModel, PlanWithRoundNumbers) {
  HddModel hdd(round_params());  // 4 heads * 1000 sectors = 4000 sectors per cylinder
  // From cylinder 0 to cylinder 1 (lba 4000 + 20: sector 20) starting at t = 0:
  // seek 800,000; at 800,000 the platter is at 800,000 mod P = sector 80, so sector 20
  // comes round after P - 60 sectors = 9,400,000; 4 sectors take 40,000.
  HddAccess a = hdd.plan(0, 0, 4'020, 4);
  EXPECT_EQ(a.seek, 800'000);
  EXPECT_EQ(a.rotate, 9'400'000);
  EXPECT_EQ(a.transfer, 40'000);
  EXPECT_EQ(a.total(), 10'240'000);
}

TEST(HddModel, LbaToCylinderAndSector) {
  // 4 heads * 1024 sectors = 4096 sectors per cylinder.
  EXPECT_EQ(kDefault.cylinder_of(0), 0u);
  EXPECT_EQ(kDefault.cylinder_of(4095), 0u);
  EXPECT_EQ(kDefault.cylinder_of(4096), 1u);
  EXPECT_EQ(kDefault.cylinder_of(4096 * 123 + 4000), 123u);
  EXPECT_EQ(kDefault.sector_of(0), 0u);
  EXPECT_EQ(kDefault.sector_of(1023), 1023u);
  EXPECT_EQ(kDefault.sector_of(1024), 0u);  // head 1, sector 0
  EXPECT_EQ(kDefault.sector_of(4096 * 123 + 4000), 4000u % 1024);
  EXPECT_EQ(kDefault.capacity_sectors(), 409'600'000u);
  EXPECT_EQ(kDefault.cylinder_of(kDefault.capacity_sectors() - 1), 99'999u);
}

}  // namespace
}  // namespace iosim
