#include "devices/ssd_model.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace iosim {
namespace {

// Defaults: 512 B sectors, 4 KiB pages (8 sectors), 4 channels x 2 dies,
// read 50 us, program 500 us, a page crosses a channel in
// ceil(4096 * 1e9 / 400e6) = 10,240 ns, the host link moves 4 KiB in
// ceil(4096 * 1e9 / 1e9) = 4,096 ns.
constexpr Ns kRead = 50'000, kProgram = 500'000, kPage = 10'240, kLink4K = 4'096;

TEST(SsdModel, PagesAreStripedOverDiesAndDiesOverChannels) {
  SsdModel ssd(SsdParams{});
  EXPECT_EQ(ssd.dies(), 8u);
  EXPECT_EQ(ssd.capacity_sectors(), 8u * 262'144 * 8);  // 8 GiB of 512 B sectors
  EXPECT_EQ(ssd.page_of(7), 0u);
  EXPECT_EQ(ssd.page_of(8), 1u);
  EXPECT_EQ(ssd.die_of(1), 1u);
  EXPECT_EQ(ssd.die_of(9), 1u);  // page mod 8
  EXPECT_EQ(ssd.channel_of(1), 1u);
  EXPECT_EQ(ssd.channel_of(5), 1u);  // die mod 4: dies 1 and 5 share channel 1
  EXPECT_EQ(ssd.page_time(), kPage);
  EXPECT_EQ(ssd.host_time(4096), kLink4K);
}

TEST(SsdModel, OneReadIsLatencyThenChannelThenLink) {
  SsdModel ssd(SsdParams{});
  // 1,000 + 50,000 + 10,240 + 4,096
  EXPECT_EQ(ssd.read(1'000, 0, 8), 65'336);
}

TEST(SsdModel, ReadsOnDifferentDiesAndChannelsRunInParallel) {
  SsdModel ssd(SsdParams{});
  EXPECT_EQ(ssd.read(0, 0, 8), kRead + kPage + kLink4K);  // page 0: die 0, channel 0: 64,336
  // Page 1: die 1, channel 1, sensed at the same time. Only the host link is
  // shared: it is free again at 64,336, so 64,336 + 4,096 = 68,432, about one
  // latency, not two (128,672).
  EXPECT_EQ(ssd.read(0, 8, 8), 68'432);
}

TEST(SsdModel, ReadsOnTheSameDieRunOneAfterTheOther) {
  SsdModel ssd(SsdParams{});
  EXPECT_EQ(ssd.read(0, 0, 8), 64'336);  // die 0 busy until its page has left: 60,240
  // Page 8 is die 0 again: 60,240 + 50,000 = 110,240 sensed, + 10,240 on channel 0
  // = 120,480, + 4,096 on the link = 124,576: two latencies.
  EXPECT_EQ(ssd.read(0, 64, 8), 124'576);
  EXPECT_EQ(ssd.die_free(0), 120'480);
}

TEST(SsdModel, DiesOnOneChannelShareIt) {
  SsdModel ssd(SsdParams{});
  EXPECT_EQ(ssd.read(0, 0, 8), 64'336);  // die 0, channel 0 busy 50,000 .. 60,240
  // Page 4: die 4, also on channel 0. Sensed at 50,000 but the channel is busy
  // until 60,240: 60,240 + 10,240 = 70,480, then the link: 74,576.
  EXPECT_EQ(ssd.read(0, 32, 8), 74'576);
  EXPECT_EQ(ssd.channel_free(0), 70'480);
}

TEST(SsdModel, AWriteCrossesTheLinkAndTheChannelThenPrograms) {
  SsdModel ssd(SsdParams{});
  // link 0 .. 4,096; channel 0 4,096 .. 14,336; program until 514,336.
  EXPECT_EQ(ssd.write(0, 0, 8), kLink4K + kPage + kProgram);
  EXPECT_EQ(ssd.die_free(0), 514'336);
  // A read of the same page waits for the program: 514,336 + 50,000 + 10,240 + 4,096.
  EXPECT_EQ(ssd.read(0, 0, 8), 578'672);
}

TEST(SsdModel, ALargeReadUsesEveryDie) {
  SsdModel ssd(SsdParams{});
  // 64 sectors = pages 0..7, one per die, all sensed by 50,000. Each channel moves
  // two pages (dies c and c + 4): the second is across at 70,480. Then 32 KiB over
  // the link: 32,768 ns. 70,480 + 32,768 = 103,248.
  EXPECT_EQ(ssd.read(0, 0, 64), 103'248);
}

TEST(SsdModel, APartialPageReadsTheWholePageButMovesOnlyItsSectors) {
  SsdModel ssd(SsdParams{});
  EXPECT_EQ(ssd.read(0, 3, 2), kRead + kPage + 1'024);  // 2 sectors: 1 KiB on the link
  SsdModel other(SsdParams{});
  // Sectors 6..9 span pages 0 and 1 (dies 0 and 1, in parallel): 60,240 + 2,048.
  EXPECT_EQ(other.read(0, 6, 4), 62'288);
}

TEST(SsdModel, TheHostLinkCapsBandwidth) {
  SsdParams p;
  p.bandwidth = 100'000'000;  // 100 MB/s: 4 KiB takes ceil(4096e9 / 1e8) = 40,960 ns
  SsdModel ssd(p);
  EXPECT_EQ(ssd.host_time(4096), 40'960);
  EXPECT_EQ(ssd.read(0, 0, 8), 60'240 + 40'960);  // 101,200
  // Another die is ready at 60,240 too, but the link is busy until 101,200.
  EXPECT_EQ(ssd.read(0, 8, 8), 101'200 + 40'960);
  EXPECT_EQ(ssd.link_free(), 142'160);
}

TEST(SsdModel, RejectsImpossibleParameters) {
  SsdParams p;
  p.page_bytes = 1000;  // not a whole number of 512 B sectors
  EXPECT_THROW(SsdModel{p}, std::invalid_argument);
  p = SsdParams{};
  p.channels = 0;
  EXPECT_THROW(SsdModel{p}, std::invalid_argument);
  p = SsdParams{};
  p.bandwidth = 0;
  EXPECT_THROW(SsdModel{p}, std::invalid_argument);
}

}  // namespace
}  // namespace iosim
