// The timing of a solid-state drive, as arithmetic on a little state: when
// each flash die, each channel and the host link is next free. No SystemC, so
// tests and students can recompute every completion time.
//
// Layout: the host addresses sectors of sector_bytes; flash is read and
// programmed in pages of page_bytes. Pages are striped over the dies, and the
// dies over the channels, so consecutive pages land on different channels
// first:
//   page    = lba * sector_bytes / page_bytes
//   die     = page mod (channels * dies_per_channel)
//   channel = die mod channels
// Each die does one operation at a time, each channel moves one page at a
// time, and the host link moves one command's data at a time. A command
// reserves them page by page, in page order, at the time it starts:
//   read page:   die:     r0 = max(start, die free);  r1 = r0 + read_latency
//                channel: c0 = max(r1, channel free); c1 = c0 + page_time
//                the die stays busy until c1 (its page register holds the data)
//   read:        link:    h0 = max(last c1, link free); done = h0 + host_time(bytes)
//   write:       link:    h0 = max(start, link free);   h1 = h0 + host_time(bytes)
//   write page:  channel: c0 = max(h1, channel free, die free); c1 = c0 + page_time
//                die:     busy until p1 = c1 + program_latency;  done = last p1
// with page_time = ceil(page_bytes * 1e9 / channel_bandwidth) and
// host_time(b) = ceil(b * 1e9 / bandwidth). A partial page still reads or
// programs the whole page. Commands on different dies overlap; that is the
// parallelism an SSD's queue depth exposes.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace iosim {

struct SsdParams {
  std::uint32_t sector_bytes = 512;               // the LBA size the host addresses
  std::uint32_t page_bytes = 4096;                // a flash page: what a die reads or programs
  std::uint32_t channels = 4;                     // independent buses to the dies
  std::uint32_t dies_per_channel = 2;             // dies sharing one channel
  std::uint64_t pages_per_die = 262'144;          // capacity: 8 dies x 1 GiB = 8 GiB
  Ns read_latency = 50'000;                       // 50 us: a die reads a page into its register
  Ns program_latency = 500'000;                   // 500 us: a die programs a page
  std::uint64_t channel_bandwidth = 400'000'000;  // bytes/s: a 4 KiB page crosses in 10,240 ns
  std::uint64_t bandwidth = 1'000'000'000;        // bytes/s on the host link: 4 KiB in 4,096 ns
};

class SsdModel {
 public:
  explicit SsdModel(SsdParams params);

  const SsdParams& params() const { return p_; }
  std::uint64_t capacity_sectors() const;
  std::uint32_t dies() const { return p_.channels * p_.dies_per_channel; }
  std::uint64_t page_of(std::uint64_t lba) const;
  std::uint32_t die_of(std::uint64_t page) const;
  std::uint32_t channel_of(std::uint32_t die) const { return die % p_.channels; }
  Ns page_time() const;                     // one page over a channel
  Ns host_time(std::uint64_t bytes) const;  // `bytes` over the host link

  // Reserve what a command needs, starting at `start`; return when it is done.
  Ns read(Ns start, std::uint64_t lba, std::uint64_t count);
  Ns write(Ns start, std::uint64_t lba, std::uint64_t count);

  Ns die_free(std::uint32_t die) const { return die_free_[die]; }
  Ns channel_free(std::uint32_t channel) const { return channel_free_[channel]; }
  Ns link_free() const { return link_free_; }

 private:
  std::uint64_t last_page(std::uint64_t lba, std::uint64_t count) const;
  Ns link(Ns ready, std::uint64_t count);

  SsdParams p_;
  std::vector<Ns> die_free_, channel_free_;
  Ns link_free_ = 0;
};

}  // namespace iosim
