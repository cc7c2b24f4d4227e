// Syscalls that wait for a device or for a time: disk reads and writes,
// network requests, sleeps, yields; and the completion path that wakes the
// thread (or the event-loop task) that waits.
#include <fmt/format.h>

#include "kernel/kernel.h"

namespace iosim {

void Kernel::syscall_entry(Core& core) {
  core.enter(CoreMode::kKernel);
  ++counters_.syscalls;
  core.spend(config_.costs.syscall_entry);
}

// The request for a disk step, in the context's buffer. A write's data are
// deterministic bytes from the thread's own stream.
void Kernel::prepare_disk(Thread& t, Context& c, const Op& op) {
  const std::uint64_t sector = config_.map.sector_bytes;
  IoRequest& r = c.io;
  r = IoRequest{};
  r.kind = op.kind == OpKind::kWrite ? IoRequest::Kind::kDiskWrite : IoRequest::Kind::kDiskRead;
  r.bytes = op.bytes;
  r.sectors = (op.bytes + sector - 1) / sector;
  r.total_bytes = r.sectors * sector;
  r.lba = op.lba ? *op.lba : c.lba_cursor;
  if (r.lba + r.sectors > config_.map.disk_sectors) r.lba = 0;  // the cursor wraps at the end
  r.buffer = c.buffer;
  r.owner = &c;
  if (r.to_device()) {
    std::vector<std::uint8_t> bytes(r.total_bytes);
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
      std::uint64_t v = t.data.next();
      for (std::size_t k = 0; k < 8 && i + k < bytes.size(); ++k)
        bytes[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
    }
    ram_.write(c.buffer, bytes);
  }
}

void Kernel::prepare_fetch(Context& c, const Op& op) {
  IoRequest& r = c.io;
  r = IoRequest{};
  r.kind = IoRequest::Kind::kFetch;
  r.bytes = r.total_bytes = op.bytes;
  r.send_bytes = op.send_bytes;
  r.buffer = c.buffer;
  r.owner = &c;
}

// With the schedule log on, each request's milestones go to the I/O log.
void Kernel::log_io_start(Core& core, Thread& t, Context& c) {
  if (!config_.record_schedule) return;
  c.record = static_cast<std::int64_t>(io_log_.size());
  IoRecord& r = io_log_.emplace_back();
  r.thread = t.id;
  r.kind = c.io.kind;
  r.bytes = c.io.bytes;
  r.lba = c.io.lba;
  r.async = c.io_async;
  r.core = core.id();
  r.syscall = now_ns();
}

IoRecord* Kernel::io_record(Context& c) {
  return c.record >= 0 ? &io_log_[static_cast<std::size_t>(c.record)] : nullptr;
}

// The request's syscall has returned (or, awaited, its task is ready).
void Kernel::io_record_done(Context& c) {
  IoRecord* record = io_record(c);
  if (!record) return;
  record->done = now_ns();
  c.record = -1;
  for (KernelObserver* o : observers_)
    o->io_finished(*record);
}

bool Kernel::sys_disk(Core& core, Thread& t, const Op& op) {
  SysClock clock(core);
  Context& c = *t.ctx;
  prepare_disk(t, c, op);
  c.io_async = false;
  log_io_start(core, t, c);
  syscall_entry(core);
  c.io_in_flight = true;
  return finish_or_block(core, t, disk_.start(core, c.io), clock);
}

// A network request: the card sends the request and writes the response
// into the buffer; the thread waits like it does for the disk.
bool Kernel::sys_fetch(Core& core, Thread& t, const Op& op) {
  SysClock clock(core);
  Context& c = *t.ctx;
  prepare_fetch(c, op);
  c.io_async = false;
  log_io_start(core, t, c);
  syscall_entry(core);
  c.io_in_flight = true;
  return finish_or_block(core, t, nic_.start(core, c.io), clock);
}

// After a driver's start(): a polled request is already done (the core
// waited for it); otherwise the thread blocks until its interrupt.
bool Kernel::finish_or_block(Core& core, Thread& t, bool done, const SysClock& clock) {
  Context& c = *t.ctx;
  IoRecord* record = io_record(c);
  if (record) record->submitted = now_ns();
  if (done) {  // polled: this core waited for it
    c.io_in_flight = false;
    account_io(t, c, c.io);
    if (record) {
      record->completed = now_ns();
      record->completed_on = core.id();
    }
    core.spend(config_.costs.syscall_exit);
    t.stats.sys += clock.elapsed();
    io_record_done(c);
    return true;
  }
  if (record) record->blocked = now_ns();
  block(core, t, ThreadState::kBlocked, WaitKind::kNone, "blocked", clock);
  if (c.io_finished_early) {  // another core took the completion while we were submitting
    c.io_finished_early = false;
    make_ready(&core, t, IOSIM_READY_WOKEN);
  }
  return false;
}

// The thread leaves its core inside a syscall, to wait. Blocking releases
// the GIL, as CPython does around every blocking call.
//
// The thread is marked as waiting before anything that takes simulated time
// (releasing the GIL may send an IPI): the caller has just put it in a wait
// queue, and another core may take it from there at any moment; wait queues
// drop threads that are not waiting.
void Kernel::block(Core& core, Thread& t, ThreadState s, WaitKind wait, const char* why,
                   const SysClock& clock) {
  const bool held_gil = t.holds_gil;
  t.stats.sys += clock.elapsed();
  t.owes_syscall_exit = true;
  leave_core(core, t, why);
  set_state(t, s, wait);
  if (held_gil) release_gil(core, t);
}

// A syscall that was about to wait finds, once in the kernel, that it need
// not (what it waited for happened while it entered): it returns instead.
void Kernel::syscall_return(Core& core, Thread& t, const SysClock& clock) {
  core.spend(config_.costs.syscall_exit);
  t.stats.sys += clock.elapsed();
}

// A request finished (reported by an interrupt): account it, and wake who
// waits for it: the thread, or the event-loop task that awaited it.
void Kernel::io_done(Core& core, IoRequest& r) {
  Context& c = *r.owner;
  Thread& t = *c.thread;
  c.io_in_flight = false;
  if (c.free_after_io) {  // its thread or task is gone: only the buffer is left to free
    c.free_after_io = false;
    free_buffer(c, t.process);
    return;
  }
  account_io(t, c, r);
  if (IoRecord* record = io_record(c)) {
    record->completed = now_ns();
    record->completed_on = core.id();
    if (c.io_async) io_record_done(c);  // no syscall to return from: the task is ready
  }
  if (c.io_async) {
    task_woken(core, t, *c.task);
  } else if (t.state == ThreadState::kBlocked && t.ctx == &c) {
    make_ready(&core, t, IOSIM_READY_WOKEN);
  } else {
    c.io_finished_early = true;  // still on its core inside the syscall: it wakes itself
  }
}

// The bytes a finished request moved, and the step after it.
void Kernel::account_io(Thread& t, Context& c, const IoRequest& r) {
  std::vector<std::uint8_t> bytes(r.bytes);
  ram_.read(c.buffer, bytes);
  ThreadStats& st = t.stats;
  switch (r.kind) {
    case IoRequest::Kind::kDiskWrite:
      ++st.writes;
      st.bytes_written += r.bytes;
      st.write_sum.add(bytes);
      break;
    case IoRequest::Kind::kDiskRead:
      ++st.reads;
      st.bytes_read += r.bytes;
      st.read_sum.add(bytes);
      break;
    case IoRequest::Kind::kFetch:
      ++st.fetches;
      st.bytes_fetched += r.bytes;
      st.read_sum.add(bytes);
      break;
  }
  if (r.failed) ++st.io_errors;
  if (r.kind != IoRequest::Kind::kFetch) c.lba_cursor = r.lba + r.sectors;
  advance(c);
}

bool Kernel::sys_sleep(Core& core, Thread& t, Ns duration) {
  SysClock clock(core);
  syscall_entry(core);
  add_timeout(&core, now_ns() + duration, Timeout{Timeout::Kind::kWake, &t, nullptr, 0});
  advance(*t.ctx);
  block(core, t, ThreadState::kSleeping, WaitKind::kNone, "sleep", clock);
  return false;
}

void Kernel::sys_yield(Core& core, Thread& t) {
  SysClock clock(core);
  syscall_entry(core);
  advance(*t.ctx);
  if (t.holds_gil) release_gil(core, t);
  t.stats.sys += clock.elapsed();
  t.owes_syscall_exit = true;
  leave_core(core, t, "yield");
  make_ready(&core, t, IOSIM_READY_YIELDED);
}

// `print` writes a line to the console log, stamped with the simulated time.
void Kernel::print(Thread& t, const Op& op) {
  const LoopTask* task = t.ctx->task;
  console_.push_back(ConsoleLine{
      now_ns(), t.id, task ? fmt::format("{}#{}", *task->coroutine, task->id) : "", op.text});
  advance(*t.ctx);
}

}  // namespace iosim
