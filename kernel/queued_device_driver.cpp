#include "kernel/queued_device_driver.h"

#include <algorithm>

namespace iosim {

QueuedDeviceDriver::QueuedDeviceDriver(QueuedDeviceRegs regs, const IoPolicy& policy,
                                       const KernelCosts& costs, ProgramFn program, ChunkFn chunk,
                                       DriverHooks hooks)
    : regs_(regs),
      policy_(policy),
      costs_(costs),
      program_(std::move(program)),
      chunk_(std::move(chunk)),
      hooks_(std::move(hooks)) {}

std::uint64_t QueuedDeviceDriver::flags() const {
  std::uint64_t f = 0;
  if (policy_.transfer == TransferMode::kDma) f |= regs_.flag_dma;
  if (policy_.completion == CompletionMode::kInterrupt) f |= regs_.flag_irq;
  return f;
}

bool QueuedDeviceDriver::start(Core& core, IoRequest& r) {
  r.done_bytes = 0;
  r.failed = r.finished = false;
  if (depth_ == 0) depth_ = std::max<std::uint64_t>(1, core.read(reg(regs_.queue_depth)));
  if (policy_.transfer == TransferMode::kPio) {
    if (policy_.completion == CompletionMode::kPolling) return pio_polled(core, r);
    waiting_.push_back(&r);
    pio_next(core);
    return false;
  }
  waiting_.push_back(&r);
  fill_queue(core);
  if (policy_.completion == CompletionMode::kInterrupt) return false;
  poll_until_done(core, r);
  return true;
}

// Programs the request's next chunk and rings the doorbell with a fresh tag.
// The device has one set of command registers: a core that finds another
// core programming them spins until it is done (a spinlock, held with
// interrupts off so no handler on this core can re-enter the driver).
void QueuedDeviceDriver::submit(Core& core, IoRequest& r) {
  std::uint64_t tag = next_tag_++;
  in_flight_[tag] = &r;
  r.chunk_bytes = chunk_(r);
  while (programming_)
    core.spend(costs_.poll);
  programming_ = true;
  program_(core, r);
  core.write(reg(regs_.flags), flags());
  core.write(reg(regs_.doorbell), tag);
  programming_ = false;
}

void QueuedDeviceDriver::fill_queue(Core& core) {
  while (!waiting_.empty() && in_flight_.size() < depth_) {
    IoRequest* r = waiting_.front();
    waiting_.pop_front();
    submit(core, *r);
  }
}

// One popped completion: the chunk is done (or failed); start the next chunk
// of the same request first, or finish the request.
void QueuedDeviceDriver::reap(Core& core, std::uint64_t completion) {
  auto it = in_flight_.find(completion >> 1);
  if (it == in_flight_.end()) return;
  IoRequest& r = *it->second;
  in_flight_.erase(it);
  if (completion & 1) {
    r.failed = true;
  } else {
    r.done_bytes += r.chunk_bytes;
  }
  if (r.failed || r.done_bytes >= r.total_bytes) {
    finish(core, r);
  } else if (policy_.transfer == TransferMode::kPio) {
    submit(core, r);  // it keeps the DATA port for its next chunk
  } else {
    waiting_.push_front(&r);
  }
}

void QueuedDeviceDriver::finish(Core& core, IoRequest& r) {
  r.finished = true;
  if (pio_owner_ == &r) pio_owner_ = nullptr;
  // With polling, the request's own core notices `finished`; with interrupts,
  // the kernel wakes the thread.
  if (policy_.completion == CompletionMode::kInterrupt) hooks_.done(core, r);
}

bool QueuedDeviceDriver::reap_all(Core& core) {
  bool any = false;
  for (;;) {
    std::uint64_t c = core.read(reg(regs_.complete));
    if (c == regs_.no_completion) break;
    reap(core, c);
    any = true;
  }
  if (policy_.transfer == TransferMode::kPio) {
    pio_next(core);
  } else {
    fill_queue(core);
  }
  return any;
}

void QueuedDeviceDriver::interrupt(Core& core) {
  if (pio_owner_ && (core.read(reg(regs_.status)) & regs_.status_drq))
    copy_words(core, *pio_owner_);
  reap_all(core);
}

// Programmed I/O: the core moves the chunk itself, one DATA access per word.
void QueuedDeviceDriver::copy_words(Core& core, IoRequest& r) {
  const unsigned word = policy_.pio_word_bytes;
  const std::uint64_t base = r.buffer + r.done_bytes;
  for (std::uint64_t off = 0; off < r.chunk_bytes; off += word) {
    auto n = static_cast<unsigned>(std::min<std::uint64_t>(word, r.chunk_bytes - off));
    if (r.to_device()) {
      core.write(reg(regs_.data), core.read(base + off, n), word);
    } else {
      core.write(base + off, core.read(reg(regs_.data), word), n);
    }
    core.spend(costs_.pio_word);
    if (hooks_.window) hooks_.window(core);
  }
}

// Between two looks at the device (each a bus read by the caller): the CPU
// work of checking, the spin, and a chance to take pending interrupts.
void QueuedDeviceDriver::poll(Core& core) {
  core.spend(costs_.poll);
  core.spend(policy_.poll_interval);
  if (hooks_.window) hooks_.window(core);
}

void QueuedDeviceDriver::poll_until_done(Core& core, IoRequest& r) {
  // Every spinning core reaps whatever has completed, its own request or
  // another core's; each owner stops when it sees its request finished.
  while (!r.finished)
    if (!reap_all(core)) poll(core);
}

// PIO with polling: this core owns the DATA port for the whole request.
bool QueuedDeviceDriver::pio_polled(Core& core, IoRequest& r) {
  while (pio_owner_)
    poll(core);  // another core is using the DATA port
  pio_owner_ = &r;
  submit(core, r);
  while (!r.finished) {
    std::uint64_t status;
    while (!((status = core.read(reg(regs_.status))) & (regs_.status_drq | regs_.status_done)))
      poll(core);
    if (status & regs_.status_drq) copy_words(core, r);
    while (!reap_all(core))
      poll(core);  // reap() submits the next chunk, if any
  }
  return true;
}

// PIO with interrupts: start the next waiting request once the port is free.
void QueuedDeviceDriver::pio_next(Core& core) {
  if (pio_owner_ || waiting_.empty() || policy_.completion == CompletionMode::kPolling) return;
  pio_owner_ = waiting_.front();
  waiting_.pop_front();
  submit(core, *pio_owner_);
}

}  // namespace iosim
