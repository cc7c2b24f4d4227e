#include "kernel/disk_driver.h"

#include <algorithm>

#include "devices/disk_controller.h"

namespace iosim {

using DC = DiskController;

DiskDriver::DiskDriver(const KernelConfig& config, Completion on_complete)
    : config_(config), on_complete_(std::move(on_complete)) {}

std::uint64_t DiskDriver::chunk_sectors(const IoRequest& r) const {
  return std::min<std::uint64_t>(r.sectors - r.sectors_done, config_.map.disk_max_sectors);
}

void DiskDriver::program(Core& core, const IoRequest& r, std::uint64_t flags, std::uint64_t tag) {
  const std::uint64_t base = config_.map.disk;
  core.write(base + DC::kCmd, r.write ? DC::kWrite : DC::kRead);
  core.write(base + DC::kLba, r.lba + r.sectors_done);
  core.write(base + DC::kCount, chunk_sectors(r));
  core.write(base + DC::kAddr, r.buffer + r.sectors_done * config_.map.sector_bytes);
  core.write(base + DC::kFlags, flags);
  core.write(base + DC::kDoorbell, tag);
}

// ---- DMA mode ----

void DiskDriver::start(Core& core, IoRequest& request) {
  if (depth_ == 0) depth_ = core.read(config_.map.disk + DC::kQueueDepth);
  waiting_.push_back(&request);
  fill_queue(core);
}

void DiskDriver::submit(Core& core, IoRequest& r) {
  std::uint64_t tag = next_tag_++;
  in_flight_[tag] = &r;
  program(core, r, DC::kFlagDma | DC::kFlagIrq, tag);
}

void DiskDriver::fill_queue(Core& core) {
  while (!waiting_.empty() && in_flight_.size() < depth_) {
    IoRequest* r = waiting_.front();
    waiting_.pop_front();
    submit(core, *r);
  }
}

void DiskDriver::interrupt(Core& core) {
  for (;;) {
    std::uint64_t done = core.read(config_.map.disk + DC::kComplete);
    if (done == DC::kNoCompletion) break;
    auto it = in_flight_.find(done >> 1);
    if (it == in_flight_.end()) continue;  // not ours (cannot happen with one driver)
    IoRequest& r = *it->second;
    in_flight_.erase(it);
    r.failed = done & 1;
    if (!r.failed) r.sectors_done += chunk_sectors(r);
    if (r.failed || r.sectors_done == r.sectors) {
      on_complete_(core, r);
    } else {
      waiting_.push_front(&r);  // next chunk of the same request goes first
    }
  }
  fill_queue(core);
}

// ---- PIO mode ----

void DiskDriver::poll_until(Core& core, std::uint64_t status_bits) {
  while (!(core.read(config_.map.disk + DC::kStatus) & status_bits))
    core.spend(config_.costs.poll);
}

std::uint64_t DiskDriver::poll_completion(Core& core) {
  for (;;) {
    std::uint64_t done = core.read(config_.map.disk + DC::kComplete);
    if (done != DC::kNoCompletion) return done;
    core.spend(config_.costs.poll);
  }
}

void DiskDriver::transfer_pio(Core& core, IoRequest& r) {
  while (pio_busy_)
    core.spend(config_.costs.poll);  // another core holds the data port
  pio_busy_ = true;
  const std::uint64_t data_reg = config_.map.disk + DC::kData;
  const unsigned word = config_.pio_word_bytes;
  while (r.sectors_done < r.sectors && !r.failed) {
    std::uint64_t chunk = chunk_sectors(r);
    std::uint64_t addr = r.buffer + r.sectors_done * config_.map.sector_bytes;
    std::uint64_t bytes = chunk * config_.map.sector_bytes;
    program(core, r, 0, next_tag_++);
    poll_until(core, DC::kDrq | DC::kDone);
    if (core.read(config_.map.disk + DC::kStatus) & DC::kDrq) {
      for (std::uint64_t off = 0; off < bytes; off += word) {  // the copy loop, word by word
        if (r.write) {
          core.write(data_reg, core.read(addr + off, word), word);
        } else {
          core.write(addr + off, core.read(data_reg, word), word);
        }
        core.spend(config_.costs.pio_word);
      }
    }
    r.failed = poll_completion(core) & 1;
    if (!r.failed) r.sectors_done += chunk;
  }
  pio_busy_ = false;
}

}  // namespace iosim
