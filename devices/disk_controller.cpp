#include "devices/disk_controller.h"

#include <algorithm>
#include <stdexcept>

#include "devices/bus_access.h"
#include "devices/dma_engine.h"

namespace iosim {

DiskController::DiskController(sc_core::sc_module_name name, DiskControllerParams params)
    : sc_module(name),
      p_(params),
      hdd_(params.hdd),
      image_(hdd_.capacity_sectors(), params.hdd.sector_bytes),
      staging_(std::size_t{params.max_sectors} * params.hdd.sector_bytes) {
  if (p_.queue_depth < 1 || p_.max_sectors < 1)
    throw std::invalid_argument("disk controller needs a queue and a buffer");
  auto field = [this](const char* reg, std::uint64_t offset, std::uint64_t* value) {
    bank_.add(
        reg, offset, [value](unsigned) { return *value; },
        [value](std::uint64_t v, unsigned) { *value = v; });
  };
  field("CMD", kCmd, &next_.op);
  field("LBA", kLba, &next_.lba);
  field("COUNT", kCount, &next_.count);
  field("ADDR", kAddr, &next_.addr);
  field("FLAGS", kFlags, &next_.flags);
  bank_.add("DOORBELL", kDoorbell, nullptr, [this](std::uint64_t v, unsigned) { doorbell(v); });
  bank_.add("STATUS", kStatus, [this](unsigned) { return status(); });
  bank_.add(
      "DATA", kData, [this](unsigned w) { return pio_read(w); },
      [this](std::uint64_t v, unsigned w) { pio_write(v, w); });
  bank_.add("COMPLETE", kComplete, [this](unsigned) {
    if (completions_.empty()) return kNoCompletion;
    std::uint64_t c = completions_.front();
    completions_.pop_front();
    return c;
  });
  bank_.add("QDEPTH", kQueueDepth, [this](unsigned) { return std::uint64_t{p_.queue_depth}; });
  regs.register_b_transport(this, &DiskController::regs_transport);
  buffer.register_b_transport(this, &DiskController::buffer_transport);

  SC_THREAD(firmware);
  SC_METHOD(count_dma_done);
  sensitive << dma_done.pos();
  dont_initialize();
}

void DiskController::doorbell(std::uint64_t tag) {
  std::size_t in_use = queue_.size() + (working_ ? 1 : 0);
  refused_ = in_use >= p_.queue_depth;
  if (refused_) return;
  Command c = next_;
  c.tag = tag;
  queue_.push_back(c);
  queued_.set(queue_.size());
  doorbell_ev_.notify(sc_core::SC_ZERO_TIME);
}

std::uint64_t DiskController::status() const {
  std::uint64_t s = 0;
  if (working_ || !queue_.empty()) s |= kBusy;
  if (drq_) s |= kDrq;
  if (queue_.size() + (working_ ? 1 : 0) >= p_.queue_depth) s |= kFull;
  if (refused_) s |= kError;
  if (!completions_.empty()) s |= kDone;
  return s;
}

// The firmware loop: one command at a time, first come first served.
void DiskController::firmware() {
  for (;;) {
    while (queue_.empty()) {
      state_.set(kIdle);
      sc_core::wait(doorbell_ev_);
    }
    Command c = queue_.front();
    queue_.pop_front();
    queued_.set(queue_.size());
    working_ = true;
    Ns began = now_ns();
    bool ok = execute(c);
    stats_.busy_ns += now_ns() - began;
    ++stats_.requests;
    if (ok) stats_.bytes += c.count * p_.hdd.sector_bytes;
    working_ = false;
    completions_.push_back((c.tag << 1) | (ok ? 0 : 1));
    if (c.flags & kFlagIrq) irq.pulse();
  }
}

bool DiskController::execute(const Command& c) {
  state_.set(kDecode);
  sc_core::wait(to_sc(p_.overhead));
  bool valid = (c.op == kRead || c.op == kWrite) && c.count >= 1 && c.count <= p_.max_sectors &&
               c.lba <= image_.sectors() && c.count <= image_.sectors() - c.lba;
  if (!valid) return false;
  std::uint64_t bytes = c.count * p_.hdd.sector_bytes;
  std::span<std::uint8_t> data(staging_.data(), bytes);
  bool dma = c.flags & kFlagDma;
  if (c.op == kWrite) {  // fetch the data first, then put it on the platter
    if (dma) {
      if (!dma_copy(c.addr, p_.buffer_base, bytes)) return false;
    } else {
      pio_exchange(bytes);
    }
    media(c);
    image_.write(c.lba, c.count, data);
    return true;
  }
  media(c);
  image_.read(c.lba, c.count, data);
  if (dma) return dma_copy(p_.buffer_base, c.addr, bytes);
  pio_exchange(bytes);
  return true;
}

void DiskController::media(const Command& c) {
  HddAccess a = hdd_.plan(now_ns(), head_cylinder_, c.lba, c.count);
  state_.set(kSeek);
  sc_core::wait(to_sc(a.seek));
  cylinder_.set(hdd_.cylinder_of(c.lba));
  state_.set(kRotate);
  sc_core::wait(to_sc(a.rotate));
  state_.set(kTransfer);
  sc_core::wait(to_sc(a.transfer));
  head_cylinder_ = a.cylinder;
  cylinder_.set(a.cylinder);
}

// Programs the DMA channel over the bus (the firmware is a bus master) and
// waits for its done line. The DMA engine reaches our staging buffer through
// its bus address, p_.buffer_base.
bool DiskController::dma_copy(std::uint64_t src, std::uint64_t dst, std::uint64_t bytes) {
  state_.set(kDma);
  std::uint64_t base = p_.dma_regs;
  std::uint64_t expected = dma_dones_ + 1;
  bool ok =
      bus_write(bus, base + DmaEngine::kSrc, src) && bus_write(bus, base + DmaEngine::kDst, dst) &&
      bus_write(bus, base + DmaEngine::kLen, bytes) && bus_write(bus, base + DmaEngine::kCtrl, 1);
  if (!ok) return false;
  while (dma_dones_ < expected)
    sc_core::wait(dma_ev_);
  std::uint64_t status = 0;
  return bus_read(bus, base + DmaEngine::kStatus, &status) && !(status & DmaEngine::kError);
}

void DiskController::count_dma_done() {
  ++dma_dones_;
  dma_ev_.notify();
}

// Programmed I/O: raise DRQ and wait while the host moves every byte through DATA.
void DiskController::pio_exchange(std::uint64_t bytes) {
  state_.set(kPio);
  pio_pos_ = 0;
  pio_end_ = bytes;
  drq_ = true;
  while (pio_pos_ < pio_end_)
    sc_core::wait(pio_ev_);
  drq_ = false;
}

std::uint64_t DiskController::pio_read(unsigned width) {
  if (!drq_) return 0;
  std::uint64_t v = 0;
  for (unsigned i = 0; i < width && pio_pos_ < pio_end_; ++i)
    v |= std::uint64_t{staging_[pio_pos_++]} << (8 * i);
  if (pio_pos_ >= pio_end_) pio_ev_.notify(sc_core::SC_ZERO_TIME);
  return v;
}

void DiskController::pio_write(std::uint64_t value, unsigned width) {
  if (!drq_) return;
  for (unsigned i = 0; i < width && pio_pos_ < pio_end_; ++i)
    staging_[pio_pos_++] = static_cast<std::uint8_t>(value >> (8 * i));
  if (pio_pos_ >= pio_end_) pio_ev_.notify(sc_core::SC_ZERO_TIME);
}

void DiskController::regs_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  bank_.access(trans);
}

void DiskController::buffer_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  std::uint64_t a = trans.get_address();
  std::size_t n = trans.get_data_length();
  if (a > staging_.size() || n > staging_.size() - a) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (trans.is_read()) {
    std::copy_n(staging_.begin() + static_cast<std::ptrdiff_t>(a), n, trans.get_data_ptr());
  } else if (trans.is_write()) {
    std::copy_n(trans.get_data_ptr(), n, staging_.begin() + static_cast<std::ptrdiff_t>(a));
  }
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace iosim
