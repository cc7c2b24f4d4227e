#include "devices/ssd_model.h"

#include <algorithm>
#include <stdexcept>

namespace iosim {
namespace {
// ceil(bytes * 1e9 / rate): the ns to move `bytes` at `rate` bytes per second.
Ns move_time(std::uint64_t bytes, std::uint64_t rate) {
  unsigned __int128 scaled = static_cast<unsigned __int128>(bytes) * 1'000'000'000u;
  return static_cast<Ns>((scaled + rate - 1) / rate);
}
}  // namespace

SsdModel::SsdModel(SsdParams params) : p_(params) {
  if (p_.sector_bytes < 1 || p_.page_bytes < p_.sector_bytes ||
      p_.page_bytes % p_.sector_bytes != 0)
    throw std::invalid_argument("SSD page size must be a whole number of sectors");
  if (p_.channels < 1 || p_.dies_per_channel < 1 || p_.pages_per_die < 1)
    throw std::invalid_argument("SSD needs at least one channel, die and page");
  if (p_.channel_bandwidth < 1 || p_.bandwidth < 1 || p_.read_latency < 0 || p_.program_latency < 0)
    throw std::invalid_argument("SSD bandwidths must be positive and latencies not negative");
  die_free_.assign(dies(), 0);
  channel_free_.assign(p_.channels, 0);
}

std::uint64_t SsdModel::capacity_sectors() const {
  return std::uint64_t{dies()} * p_.pages_per_die * (p_.page_bytes / p_.sector_bytes);
}

std::uint64_t SsdModel::page_of(std::uint64_t lba) const {
  return lba / (p_.page_bytes / p_.sector_bytes);
}

std::uint32_t SsdModel::die_of(std::uint64_t page) const {
  return static_cast<std::uint32_t>(page % dies());
}

Ns SsdModel::page_time() const {
  return move_time(p_.page_bytes, p_.channel_bandwidth);
}

Ns SsdModel::host_time(std::uint64_t bytes) const {
  return move_time(bytes, p_.bandwidth);
}

std::uint64_t SsdModel::last_page(std::uint64_t lba, std::uint64_t count) const {
  return page_of(lba + (count > 0 ? count - 1 : 0));
}

// The command's data crosses the host link once `ready`, after any earlier command's.
Ns SsdModel::link(Ns ready, std::uint64_t count) {
  link_free_ = std::max(ready, link_free_) + host_time(count * p_.sector_bytes);
  return link_free_;
}

Ns SsdModel::read(Ns start, std::uint64_t lba, std::uint64_t count) {
  Ns ready = start;
  for (std::uint64_t page = page_of(lba); page <= last_page(lba, count); ++page) {
    std::uint32_t die = die_of(page);
    Ns& channel = channel_free_[channel_of(die)];
    Ns sensed = std::max(start, die_free_[die]) + p_.read_latency;
    channel = std::max(sensed, channel) + page_time();
    die_free_[die] = channel;  // the page register is free once the page has left
    ready = std::max(ready, channel);
  }
  return link(ready, count);
}

Ns SsdModel::write(Ns start, std::uint64_t lba, std::uint64_t count) {
  Ns arrived = link(start, count);
  Ns done = arrived;
  for (std::uint64_t page = page_of(lba); page <= last_page(lba, count); ++page) {
    std::uint32_t die = die_of(page);
    Ns& channel = channel_free_[channel_of(die)];
    channel = std::max({arrived, channel, die_free_[die]}) + page_time();
    die_free_[die] = channel + p_.program_latency;
    done = std::max(done, die_free_[die]);
  }
  return done;
}

}  // namespace iosim
