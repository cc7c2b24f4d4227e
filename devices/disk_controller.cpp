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
      ssd_(params.ssd),
      scheduler_(params.policy),
      image_(params.kind == DiskKind::kHdd ? hdd_.capacity_sectors() : ssd_.capacity_sectors(),
             params.sector_bytes()),
      staging_(std::size_t{params.max_sectors} * params.sector_bytes()),
      level_irq_(params.level_irq) {
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
  bank_.add("COMPLETE", kComplete, [this](unsigned) { return pop_completion(); });
  bank_.add("QDEPTH", kQueueDepth, [this](unsigned) { return std::uint64_t{p_.queue_depth}; });
  bank_.add(
      "IRQ_MODE", kIrqMode, [this](unsigned) { return level_irq_ ? kIrqLevel : kIrqPulse; },
      [this](std::uint64_t v, unsigned) { set_irq_mode(v); });
  regs.register_b_transport(this, &DiskController::regs_transport);
  buffer.register_b_transport(this, &DiskController::buffer_transport);

  SC_THREAD(firmware);
  SC_METHOD(count_dma_done);
  sensitive << dma_done.pos();
  dont_initialize();
}

void DiskController::doorbell(std::uint64_t tag) {
  refused_ = in_use() >= p_.queue_depth;
  if (refused_) return;
  Command c = next_;
  c.tag = tag;
  queue_.push_back(c);
  queued_.set(queue_.size());
  doorbell_ev_.notify(sc_core::SC_ZERO_TIME);
}

std::uint64_t DiskController::status() const {
  std::uint64_t s = 0;
  if (in_use() > 0) s |= kBusy;
  if (drq_) s |= kDrq;
  if (in_use() >= p_.queue_depth) s |= kFull;
  if (refused_) s |= kError;
  if (!completions_.empty()) s |= kDone;
  return s;
}

void DiskController::firmware() {
  if (p_.kind == DiskKind::kSsd) {
    run_ssd();
  } else {
    run_hdd();
  }
}

// The firmware takes a command off the queue: from now until it completes, the
// controller is busy with it (the disk's busy_ns counts time with any taken).
DiskController::Command DiskController::take(std::size_t index) {
  auto it = queue_.begin() + static_cast<std::ptrdiff_t>(index);
  Command c = std::move(*it);
  queue_.erase(it);
  queued_.set(queue_.size());
  if (taken_++ == 0) busy_since_ = now_ns();
  in_flight_.set(taken_);
  return c;
}

void DiskController::finish(const Command& c, bool ok) {
  ++stats_.requests;
  if (ok) stats_.bytes += c.count * sector_bytes();
  if (--taken_ == 0) stats_.busy_ns += now_ns() - busy_since_;
  in_flight_.set(taken_);
  const bool interrupt = c.flags & kFlagIrq;
  completions_.push(c.tag, !ok, interrupt);
  if (interrupt && !level_irq_) irq.pulse();
  update_irq_level();
}

std::uint64_t DiskController::pop_completion() {
  std::uint64_t value = completions_.pop();
  update_irq_level();
  return value;
}

void DiskController::set_irq_mode(std::uint64_t mode) {
  if (mode > kIrqLevel) return;
  level_irq_ = mode == kIrqLevel;
  update_irq_level();
}

// Level mode: a reason to interrupt is a completion waiting that asked for one,
// or PIO data (of a command that asked) still to move through DATA.
bool DiskController::irq_cause() const {
  return completions_.waiting_irq() > 0 || (drq_ && pio_irq_ && pio_pos_ < pio_end_);
}

// Called at every change of a cause. In pulse mode the level stays low.
void DiskController::update_irq_level() {
  const bool high = level_irq_ && irq_cause();
  if (high != irq.level()) irq.set_level(high);
}

bool DiskController::valid(const Command& c) const {
  return (c.op == kRead || c.op == kWrite) && c.count >= 1 && c.count <= p_.max_sectors &&
         c.lba <= image_.sectors() && c.count <= image_.sectors() - c.lba;
}

// Decoding and validating a command is the firmware's own work, on no CPU core.
bool DiskController::decode(const Command& c) {
  state_.set(kDecode);
  sc_core::wait(to_sc(p_.command_overhead()));
  return valid(c);
}

bool DiskController::from_host(const Command& c, std::span<std::uint8_t> staged) {
  if (c.flags & kFlagDma) return dma_copy(c.addr, p_.buffer_base, staged.size());
  pio_exchange(staged.size(), c.flags & kFlagIrq);
  return true;
}

bool DiskController::to_host(const Command& c, std::span<std::uint8_t> staged) {
  if (c.flags & kFlagDma) return dma_copy(p_.buffer_base, c.addr, staged.size());
  pio_exchange(staged.size(), c.flags & kFlagIrq);
  return true;
}

// ---- HDD mode: one command at a time, in the order the queue policy picks ----

void DiskController::run_hdd() {
  for (;;) {
    while (queue_.empty()) {
      state_.set(kIdle);
      sc_core::wait(doorbell_ev_);
    }
    Command c = take(next_for_hdd());
    finish(c, execute_hdd(c));
  }
}

std::size_t DiskController::next_for_hdd() {
  std::vector<QueueEntry> waiting;
  const std::uint64_t last = image_.sectors() - 1;
  for (const Command& c : queue_) {
    bool ok = valid(c);  // an invalid command touches no sector and goes nowhere special
    waiting.push_back({hdd_.cylinder_of(ok ? c.lba : std::min(c.lba, last)), ok ? c.lba : 0,
                       ok ? c.count : 0, c.op == kWrite});
  }
  return scheduler_.pick(waiting, head_cylinder_);
}

bool DiskController::execute_hdd(const Command& c) {
  if (!decode(c)) return false;
  std::span<std::uint8_t> staged(staging_.data(), c.count * sector_bytes());
  if (c.op == kWrite) {  // fetch the data first, then put it on the platter
    if (!from_host(c, staged)) return false;
    platter(c);
    image_.write(c.lba, c.count, staged);
    return true;
  }
  if (!track_buffer_.holds(now_ns(), c.lba, c.count)) platter(c);
  image_.read(c.lba, c.count, staged);
  return to_host(c, staged);
}

// Seek, rotate and transfer, track by track, as HddModel::plan works them out.
void DiskController::platter(const Command& c) {
  if (c.op == kWrite) track_buffer_.before_write(now_ns(), c.lba, c.count);
  // A member, not a local: a run that stops mid-seek never comes back here,
  // and steps held only by the firmware's stack would be a leak at exit.
  plan_ = hdd_.plan(now_ns(), head_cylinder_, c.lba, c.count);
  for (const HddStep& step : plan_.steps) {
    static constexpr State kStateOf[] = {kSeek, kHeadSwitch, kRotate, kTransfer};
    state_.set(kStateOf[step.phase]);
    sc_core::wait(to_sc(step.time));
    cylinder_.set(step.cylinder);
  }
  head_cylinder_ = plan_.cylinder;
  if (c.op == kRead) track_buffer_.after_read(now_ns(), c.lba, c.count);
}

// ---- SSD mode: several commands on the medium at once ----

// One firmware, two kinds of work: deliver a command whose flash work is done
// (first, to free its slot), or decode the next command and put it on the
// medium. Otherwise sleep until the next completion is due or a doorbell rings.
void DiskController::run_ssd() {
  for (;;) {
    if (!on_medium_.empty() && on_medium_.begin()->first.first <= now_ns()) {
      Command c = std::move(on_medium_.begin()->second);
      on_medium_.erase(on_medium_.begin());
      deliver_ssd(c);
    } else if (!queue_.empty()) {
      start_ssd(take(0));
    } else {
      state_.set(kIdle);
      if (on_medium_.empty()) {
        sc_core::wait(doorbell_ev_);
      } else {
        sc_core::wait(to_sc(on_medium_.begin()->first.first - now_ns()), doorbell_ev_);
      }
    }
  }
}

// The command takes effect on the image now, in doorbell order: a write's
// bytes are stored, a read's are copied out, so commands that overlap see each
// other as if they ran one after another. The medium's timing decides only
// when each completes.
void DiskController::start_ssd(Command c) {
  if (!decode(c)) return finish(c, false);
  std::span<std::uint8_t> staged(staging_.data(), c.count * sector_bytes());
  Ns done = 0;
  if (c.op == kWrite) {
    if (!from_host(c, staged)) return finish(c, false);
    image_.write(c.lba, c.count, staged);
    done = ssd_.write(now_ns(), c.lba, c.count);
  } else {
    c.data.resize(staged.size());
    image_.read(c.lba, c.count, c.data);
    done = ssd_.read(now_ns(), c.lba, c.count);
  }
  on_medium_.emplace(std::pair{done, medium_seq_++}, std::move(c));
}

void DiskController::deliver_ssd(const Command& c) {
  bool ok = true;
  if (c.op == kRead) {
    std::span<std::uint8_t> staged(staging_.data(), c.data.size());
    std::copy(c.data.begin(), c.data.end(), staged.begin());
    ok = to_host(c, staged);
  }
  finish(c, ok);
}

// Programs the DMA channel over the bus (the firmware is a bus master) and
// waits for its done line. The DMA engine reaches our staging buffer through
// its bus address, p_.buffer_base.
bool DiskController::dma_copy(std::uint64_t src, std::uint64_t dst, std::uint64_t bytes) {
  state_.set(kDma);
  std::uint64_t base = p_.dma_regs;
  std::uint64_t expected = dma_dones_ + 1;
  bool ok = bus_write(bus, base + DmaEngine::kSrc, src) &&
            bus_write(bus, base + DmaEngine::kDst, dst) &&
            bus_write(bus, base + DmaEngine::kLen, bytes) &&
            bus_write(bus, base + DmaEngine::kCtrl,
                      DmaEngine::kStart | (p_.dma_burst_mode ? DmaEngine::kBurstMode : 0));
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

// Programmed I/O: raise DRQ and wait while the host moves every byte through
// DATA. With `interrupt`, DRQ rising is announced by a pulse too (or, in level
// mode, the line is held until the last byte has moved), so a driver can copy
// in its interrupt handler instead of polling STATUS.
void DiskController::pio_exchange(std::uint64_t bytes, bool interrupt) {
  state_.set(kPio);
  pio_pos_ = 0;
  pio_end_ = bytes;
  drq_ = true;
  pio_irq_ = interrupt;
  if (interrupt && !level_irq_) irq.pulse();
  update_irq_level();
  while (pio_pos_ < pio_end_)
    sc_core::wait(pio_ev_);
  drq_ = false;
  pio_irq_ = false;
  update_irq_level();
}

std::uint64_t DiskController::pio_read(unsigned width) {
  if (!drq_) return 0;
  std::uint64_t v = 0;
  for (unsigned i = 0; i < width && pio_pos_ < pio_end_; ++i)
    v |= std::uint64_t{staging_[pio_pos_++]} << (8 * i);
  if (pio_pos_ >= pio_end_) {
    pio_ev_.notify(sc_core::SC_ZERO_TIME);
    update_irq_level();
  }
  return v;
}

void DiskController::pio_write(std::uint64_t value, unsigned width) {
  if (!drq_) return;
  for (unsigned i = 0; i < width && pio_pos_ < pio_end_; ++i)
    staging_[pio_pos_++] = static_cast<std::uint8_t>(value >> (8 * i));
  if (pio_pos_ >= pio_end_) {
    pio_ev_.notify(sc_core::SC_ZERO_TIME);
    update_irq_level();
  }
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
