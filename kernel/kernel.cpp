#include "kernel/kernel.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "devices/disk_controller.h"
#include "devices/interrupt_controller.h"
#include "devices/nic.h"
#include "devices/timer.h"
#include "kernel/io_buffer.h"

namespace iosim {
namespace {
constexpr Ns kNever = std::numeric_limits<Ns>::max();
constexpr std::uint64_t kNoThread = ~std::uint64_t{0};
}  // namespace

Kernel::Kernel(KernelConfig config, std::unique_ptr<sched::Policy> policy, Cpu& cpu, Ram& ram)
    : config_(std::move(config)),
      policy_(std::move(policy)),
      cpu_(cpu),
      ram_(ram),
      disk_(make_disk_driver(config_, io_hooks())),
      nic_(make_nic_driver(config_, io_hooks())),
      next_buffer_(config_.map.ram_user_base) {
  auto n = static_cast<std::size_t>(cpu.cores());
  running_.assign(n, nullptr);
  last_thread_.assign(n, kNoThread);
  slice_start_.assign(n, 0);
  slice_end_.assign(n, kNever);
  need_resched_.assign(n, false);
  idle_.assign(n, false);
  kicked_.assign(n, false);
}

// What the drivers call back into: completions, and interrupt windows.
DriverHooks Kernel::io_hooks() {
  return DriverHooks{[this](Core& core, IoRequest& r) { io_done(core, r); },
                     [this](Core& core) { interrupt_window(core); }};
}

// ---------------------------------------------------------------- threads

std::uint64_t Kernel::add_thread(std::string name, std::string process, const Program& program,
                                 Ns start) {
  auto id = static_cast<std::uint64_t>(threads_.size());
  auto t = std::make_unique<Thread>(id, name, process, program, config_.seed);
  t->buffer_bytes = io_buffer_bytes(program, config_.map.sector_bytes);
  if (t->buffer_bytes > 0) {
    if (next_buffer_ + t->buffer_bytes > config_.map.ram_size)
      throw std::runtime_error(fmt::format(
          "not enough RAM for the I/O buffer of thread '{}' ({} bytes needed past {:#x})", name,
          t->buffer_bytes, next_buffer_));
    t->buffer = next_buffer_;
    next_buffer_ += t->buffer_bytes;
  }
  t->stats.arrival = start;
  t->state_since = start;
  Thread& ref = *t;
  threads_.push_back(std::move(t));
  ++live_;
  if (start <= 0) {  // ready at boot, in scenario order
    ref.state = ThreadState::kReady;
    ++ready_;
    policy_->enqueue(task_view(ref, IOSIM_READY_ARRIVED), 0);
  } else {
    sleepers_.emplace(start, &ref);
  }
  return id;
}

sched::Task Kernel::task_view(const Thread& t, iosim_ready_reason reason) const {
  return sched::Task{t.id,
                     t.name.c_str(),
                     t.stats.arrival,
                     t.stats.user + t.stats.sys,
                     t.last_burst,
                     static_cast<std::int32_t>(reason),
                     0};
}

void Kernel::set_state(Thread& t, ThreadState s) {
  Ns elapsed = now_ns() - t.state_since;
  switch (t.state) {
    case ThreadState::kReady:
      t.stats.ready_wait += elapsed;
      break;
    case ThreadState::kBlocked:
      t.stats.io_wait += elapsed;
      break;
    case ThreadState::kSleeping:
      t.stats.sleep += elapsed;
      break;
    default:
      break;
  }
  t.state = s;
  t.state_since = now_ns();
}

void Kernel::make_ready(Core& core, Thread& t, iosim_ready_reason reason) {
  set_state(t, ThreadState::kReady);
  ++ready_;
  policy_->enqueue(task_view(t, reason), now_ns());
  kick_idle_core(core);
}

// A newly ready thread needs a core. If this core is about to schedule, it
// will take it; otherwise wake one idle core with an inter-processor interrupt.
void Kernel::kick_idle_core(Core& core) {
  auto self = static_cast<std::size_t>(core.id());
  if (!running_[self] && !kicked_[self]) {
    kicked_[self] = true;
    return;
  }
  for (std::size_t i = 0; i < idle_.size(); ++i) {
    if (idle_[i] && !kicked_[i]) {
      kicked_[i] = true;
      core.write(config_.map.ic + InterruptController::kSendIpi, i);
      return;
    }
  }
}

// ---------------------------------------------------------------- scheduler loop

void Kernel::run(Core& core) {
  auto c = static_cast<std::size_t>(core.id());
  core.enter(CoreMode::kKernel);
  if (c == 0) boot(core);
  start_core_timer(core);
  for (;;) {
    if (core.irq_pending()) trap(core);
    Thread* t = pick(core);
    if (!t) {
      if (slice_end_[c] != kNever && config_.timer == TimerMode::kTickless) {
        // Tickless idle: no thread, so silence the quantum timer.
        core.write(config_.map.core_timers[c] + Timer::kCtrl, Timer::kStopped);
        slice_end_[c] = kNever;
      }
      idle_[c] = true;
      core.idle_until_irq();
      idle_[c] = false;
      core.enter(CoreMode::kKernel);
      continue;
    }
    dispatch(core, *t);
    run_thread(core, *t);
  }
}

// Core 0 sets up the interrupt controller for the device lines, then arms
// the system timer for threads that arrive later.
void Kernel::boot(Core& core) {
  const DeviceMap& map = config_.map;
  using IC = InterruptController;
  if (config_.priority == IrqPriority::kRotating)
    core.write(map.ic + IC::kPriorityMode, IC::kPriorityRotating);
  if (config_.routing != IrqRouting::kFixed) {
    const std::uint64_t mode =
        config_.routing == IrqRouting::kRoundRobin ? IC::kRouteRoundRobin : IC::kRouteLeastBusy;
    for (int line : {map.disk_line, map.nic_line})
      core.write(map.ic + IC::kRouteMode + 8 * static_cast<std::uint64_t>(line), mode);
  }
  if (config_.trigger == IrqTrigger::kLevel) {
    // The devices hold their line while a completion waits; the handlers
    // drain COMPLETE before the EOI, so a level line never fires twice.
    core.write(map.disk + DiskController::kIrqMode, DiskController::kIrqLevel);
    core.write(map.nic + Nic::kIrqMode, Nic::kIrqLevel);
    for (int line : {map.disk_line, map.nic_line})
      core.write(map.ic + IC::kTrigger + 8 * static_cast<std::uint64_t>(line), IC::kLevel);
  }
  arm_sys_timer(core);
}

// With a periodic tick every core's timer interrupts it at a fixed rate,
// busy or idle (the classic HZ tick); tickless cores program one-shot
// deadlines only when they need one.
void Kernel::start_core_timer(Core& core) {
  if (config_.timer != TimerMode::kPeriodic) return;
  const std::uint64_t timer = config_.map.core_timers[static_cast<std::size_t>(core.id())];
  core.write(timer + Timer::kInterval, static_cast<std::uint64_t>(config_.tick));
  core.write(timer + Timer::kCtrl, Timer::kPeriodic);
}

Thread* Kernel::pick(Core& core) {
  kicked_[static_cast<std::size_t>(core.id())] = false;
  std::uint64_t id = policy_->pick(core.id(), now_ns());
  if (id == IOSIM_NO_TASK) return nullptr;
  if (id >= threads_.size() || threads_[id]->state != ThreadState::kReady)
    throw std::runtime_error(
        fmt::format("scheduling policy '{}' picked task {} on core {}, which is not ready",
                    policy_->name(), id, core.id()));
  --ready_;
  return threads_[id].get();
}

void Kernel::dispatch(Core& core, Thread& t) {
  auto c = static_cast<std::size_t>(core.id());
  if (last_thread_[c] != t.id) {  // the core still holds the last thread's context
    core.spend(config_.costs.context_switch);
    ++counters_.context_switches;
    last_thread_[c] = t.id;
  }
  set_state(t, ThreadState::kRunning);
  if (t.stats.first_run < 0) t.stats.first_run = now_ns();
  running_[c] = &t;
  core.thread_probe().set(t.id + 1);
  slice_start_[c] = now_ns();
  arm_quantum(core, t);
  if (t.owes_syscall_exit) {  // it blocked inside a syscall: return from it now
    SysClock clock(core);
    core.spend(config_.costs.syscall_exit);
    t.stats.sys += clock.elapsed();
    t.owes_syscall_exit = false;
  }
}

void Kernel::arm_quantum(Core& core, Thread& t) {
  auto c = static_cast<std::size_t>(core.id());
  slice_end_[c] = kNever;
  if (config_.mode != SchedMode::kPreemptive) return;
  Ns quantum = policy_->timeslice_ns(task_view(t, IOSIM_READY_PREEMPTED));
  if (quantum <= 0) return;
  slice_end_[c] = now_ns() + quantum;
  if (config_.timer == TimerMode::kPeriodic) return;  // the first tick past slice_end_ preempts
  core.write(config_.map.core_timers[c] + Timer::kDeadline,
             static_cast<std::uint64_t>(slice_end_[c]));
}

void Kernel::run_thread(Core& core, Thread& t) {
  while (step(core, t) && return_to_user(core, t)) {
  }
}

// Between two steps of a running thread: take pending interrupts, and give
// up the core if the quantum expired and someone else is waiting for it.
bool Kernel::return_to_user(Core& core, Thread& t) {
  if (core.irq_pending()) trap(core);
  auto c = static_cast<std::size_t>(core.id());
  if (!need_resched_[c]) return true;
  need_resched_[c] = false;
  if (ready_ == 0) {  // nobody to give the core to: start a fresh slice
    arm_quantum(core, t);
    return true;
  }
  ++counters_.preemptions;
  leave_core(core, t, "preempted");
  make_ready(core, t, IOSIM_READY_PREEMPTED);
  return false;
}

// Runs the thread's next step. Returns false when the thread left the core.
bool Kernel::step(Core& core, Thread& t) {
  if (t.pc >= t.program->ops.size()) {
    sys_exit(core, t);
    return false;
  }
  const Op& op = t.program->ops[t.pc];
  switch (op.kind) {
    case OpKind::kCompute: {
      if (t.remaining < 0) t.remaining = op.cycles ? cpu_.cycles_to_ns(op.cycles) : op.duration;
      Ns start = now_ns();
      t.remaining = core.run_user(t.remaining, op.mem_share);  // an interrupt may cut it short
      t.stats.user += now_ns() - start;
      if (t.remaining == 0) {
        t.remaining = -1;
        advance(t);
      }
      return true;
    }
    case OpKind::kRepeatBegin:
      t.loops.push_back(op.count);
      advance(t);
      return true;
    case OpKind::kRepeatEnd:
      if (--t.loops.back() > 0) {
        t.pc = op.jump + 1;
      } else {
        t.loops.pop_back();
        advance(t);
      }
      return true;
    case OpKind::kRead:
    case OpKind::kWrite:
      return sys_disk(core, t, op);
    case OpKind::kSleep:
      return sys_sleep(core, t, op.duration);
    case OpKind::kFetch:
      return sys_fetch(core, t, op);
    case OpKind::kYield:
      sys_yield(core, t);
      return false;
    case OpKind::kExit:
      sys_exit(core, t);
      return false;
  }
  return true;
}

void Kernel::advance(Thread& t) {
  ++t.pc;
}

void Kernel::leave_core(Core& core, Thread& t, const char* why) {
  auto c = static_cast<std::size_t>(core.id());
  if (config_.record_schedule)
    schedule_.push_back(Slice{core.id(), t.id, slice_start_[c], now_ns(), why});
  if (std::string_view(why) != "preempted") {  // a CPU burst ends when the thread stops itself
    Ns cpu = t.stats.user + t.stats.sys;
    t.last_burst = cpu - t.burst_start;
    t.burst_start = cpu;
  }
  running_[c] = nullptr;
  core.thread_probe().set(0);
}

// ---------------------------------------------------------------- interrupts

// Interrupt entry: acknowledge and handle every deliverable line. A more
// urgent line can interrupt a handler at its interrupt windows (see
// interrupt_window), so traps nest; a nested trap returns to interrupt mode,
// any other to kernel mode (the caller re-enters user mode when it resumes).
void Kernel::trap(Core& core) {
  const std::uint64_t base = config_.map.ic + 16 * static_cast<std::uint64_t>(core.id());
  const CoreMode interrupted = core.mode();
  if (interrupted == CoreMode::kIrq) ++counters_.nested_interrupts;
  core.enter(CoreMode::kIrq);
  core.spend(config_.costs.irq_entry);
  for (;;) {
    std::uint64_t line = core.read(base + InterruptController::kAck);
    if (line == InterruptController::kNoIrq) break;
    ++counters_.interrupts;
    handle_irq(core, static_cast<int>(line));
    core.write(base + InterruptController::kEoi, line);
  }
  core.spend(config_.costs.irq_exit);
  core.enter(interrupted == CoreMode::kIrq ? CoreMode::kIrq : CoreMode::kKernel);
}

// Long kernel work (copying words, polling a device) runs with interrupts
// enabled: a pending interrupt is taken between two steps. The interrupt
// controller only raises a core's line for a line more urgent than any in
// service there, so inside a handler only more urgent interrupts nest.
void Kernel::interrupt_window(Core& core) {
  if (core.irq_pending()) trap(core);
}

void Kernel::handle_irq(Core& core, int line) {
  const DeviceMap& map = config_.map;
  if (line == map.disk_line) {
    disk_.interrupt(core);
  } else if (line == map.nic_line) {
    nic_.interrupt(core);
  } else if (line == map.sys_timer_line) {
    expire_sleepers(core);
  } else {
    for (std::size_t k = 0; k < map.core_timer_lines.size(); ++k) {
      if (line != map.core_timer_lines[k]) continue;
      if (running_[k] && now_ns() >= slice_end_[k]) need_resched_[k] = true;
      // With a periodic tick there is no system timer: core 0's tick wakes sleepers.
      if (k == 0 && config_.timer == TimerMode::kPeriodic) expire_sleepers(core);
    }
  }
  // An IPI needs no handling: its only job was to wake an idle core.
}

void Kernel::expire_sleepers(Core& core) {
  sys_timer_armed_ = -1;
  while (!sleepers_.empty() && sleepers_.begin()->first <= now_ns()) {
    Thread& t = *sleepers_.begin()->second;
    sleepers_.erase(sleepers_.begin());
    make_ready(core, t, t.state == ThreadState::kNew ? IOSIM_READY_ARRIVED : IOSIM_READY_WOKEN);
  }
  arm_sys_timer(core);
}

// The system timer holds one deadline: the earliest sleeper's.
void Kernel::arm_sys_timer(Core& core) {
  if (sleepers_.empty() || config_.timer == TimerMode::kPeriodic) return;
  Ns next = sleepers_.begin()->first;
  if (sys_timer_armed_ >= 0 && sys_timer_armed_ <= next) return;
  sys_timer_armed_ = next;
  core.write(config_.map.sys_timer + Timer::kDeadline, static_cast<std::uint64_t>(next));
}

// ---------------------------------------------------------------- syscalls

void Kernel::syscall_entry(Core& core, Thread&) {
  core.enter(CoreMode::kKernel);
  ++counters_.syscalls;
  core.spend(config_.costs.syscall_entry);
}

bool Kernel::sys_disk(Core& core, Thread& t, const Op& op) {
  SysClock clock(core);
  syscall_entry(core, t);
  const std::uint64_t sector = config_.map.sector_bytes;
  IoRequest& r = t.io;
  r = IoRequest{};
  r.kind = op.kind == OpKind::kWrite ? IoRequest::Kind::kDiskWrite : IoRequest::Kind::kDiskRead;
  r.bytes = op.bytes;
  r.sectors = (op.bytes + sector - 1) / sector;
  r.total_bytes = r.sectors * sector;
  r.lba = op.lba ? *op.lba : t.lba_cursor;
  if (r.lba + r.sectors > config_.map.disk_sectors) r.lba = 0;  // the cursor wraps at the end
  r.buffer = t.buffer;
  r.owner = &t;
  if (r.to_device()) {  // the program's data: deterministic bytes from the thread's own stream
    std::vector<std::uint8_t> bytes(r.total_bytes);
    for (std::size_t i = 0; i < bytes.size(); i += 8) {
      std::uint64_t v = t.data.next();
      for (std::size_t k = 0; k < 8 && i + k < bytes.size(); ++k)
        bytes[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
    }
    ram_.write(t.buffer, bytes);
  }
  return finish_or_block(core, t, disk_.start(core, r), clock);
}

// After a driver's start(): a polled request is already done (the core
// waited for it); otherwise the thread blocks until its interrupt.
bool Kernel::finish_or_block(Core& core, Thread& t, bool done, const SysClock& clock) {
  if (done) {
    account_io(t, t.io);
    core.spend(config_.costs.syscall_exit);
    t.stats.sys += clock.elapsed();
    return true;
  }
  t.stats.sys += clock.elapsed();
  t.owes_syscall_exit = true;
  leave_core(core, t, "blocked");
  set_state(t, ThreadState::kBlocked);
  if (t.io_finished_early) {  // another core took the completion while we were submitting
    t.io_finished_early = false;
    make_ready(core, t, IOSIM_READY_WOKEN);
  }
  return false;
}

// A request finished (reported by an interrupt): account it, and wake the
// thread that waits for it.
void Kernel::io_done(Core& core, IoRequest& r) {
  Thread& t = *static_cast<Thread*>(r.owner);
  account_io(t, r);
  if (t.state == ThreadState::kBlocked) {
    make_ready(core, t, IOSIM_READY_WOKEN);
  } else {
    t.io_finished_early = true;  // still on its core inside the syscall: it wakes itself
  }
}

// The bytes a finished request moved, and the step after it.
void Kernel::account_io(Thread& t, const IoRequest& r) {
  std::vector<std::uint8_t> bytes(r.bytes);
  ram_.read(t.buffer, bytes);
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
  if (r.kind != IoRequest::Kind::kFetch) t.lba_cursor = r.lba + r.sectors;
  advance(t);
}

// A network request: the card sends the request and writes the response
// into the thread's buffer; the thread waits like it does for the disk.
bool Kernel::sys_fetch(Core& core, Thread& t, const Op& op) {
  SysClock clock(core);
  syscall_entry(core, t);
  IoRequest& r = t.io;
  r = IoRequest{};
  r.kind = IoRequest::Kind::kFetch;
  r.bytes = r.total_bytes = op.bytes;
  r.send_bytes = op.send_bytes;
  r.buffer = t.buffer;
  r.owner = &t;
  return finish_or_block(core, t, nic_.start(core, r), clock);
}

bool Kernel::sys_sleep(Core& core, Thread& t, Ns duration) {
  SysClock clock(core);
  syscall_entry(core, t);
  sleepers_.emplace(now_ns() + duration, &t);
  arm_sys_timer(core);
  advance(t);
  t.stats.sys += clock.elapsed();
  t.owes_syscall_exit = true;
  leave_core(core, t, "sleep");
  set_state(t, ThreadState::kSleeping);
  return false;
}

void Kernel::sys_yield(Core& core, Thread& t) {
  SysClock clock(core);
  syscall_entry(core, t);
  advance(t);
  t.stats.sys += clock.elapsed();
  t.owes_syscall_exit = true;
  leave_core(core, t, "yield");
  make_ready(core, t, IOSIM_READY_YIELDED);
}

void Kernel::sys_exit(Core& core, Thread& t) {
  SysClock clock(core);
  syscall_entry(core, t);
  t.stats.sys += clock.elapsed();
  leave_core(core, t, "exit");
  set_state(t, ThreadState::kDone);
  t.stats.finish = now_ns();
  if (--live_ == 0) {
    finished_at_ = now_ns();
    if (all_done_) all_done_();
  }
}

}  // namespace iosim
