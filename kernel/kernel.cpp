// The scheduler loop, the life of a thread on a core, interrupts, and the
// thread state machine with its accounting.
#include "kernel/kernel.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "devices/disk_controller.h"
#include "devices/interrupt_controller.h"
#include "devices/nic.h"
#include "devices/timer.h"

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
      memory_(config_.memory.capacity),
      buffers_(config_.map.ram_user_base, config_.map.ram_size) {
  auto n = static_cast<std::size_t>(cpu.cores());
  running_.assign(n, nullptr);
  dispatching_.assign(n, nullptr);
  last_thread_.assign(n, kNoThread);
  slice_start_.assign(n, 0);
  slice_end_.assign(n, kNever);
  need_resched_.assign(n, false);
  idle_.assign(n, false);
  kicked_.assign(n, false);
}

Kernel::~Kernel() = default;

// What the drivers call back into: completions, and interrupt windows.
DriverHooks Kernel::io_hooks() {
  return DriverHooks{[this](Core& core, IoRequest& r) { io_done(core, r); },
                     [this](Core& core) { interrupt_window(core); }};
}

sched::Task Kernel::task_view(const Thread& t, iosim_ready_reason reason) const {
  const ThreadSpec& spec = *t.spec;
  return sched::Task{t.id,
                     t.name.c_str(),
                     t.process->name.c_str(),
                     spec.priority,
                     spec.nice,
                     spec.tickets,
                     t.last_core,
                     spec.affinity ? spec.affinity : ~std::uint64_t{0},
                     t.stats.arrival,
                     spec.expected,
                     t.stats.user + t.stats.sys,
                     t.last_burst,
                     static_cast<std::int32_t>(reason),
                     0};
}

void Kernel::set_state(Thread& t, ThreadState s, WaitKind wait) {
  const bool was_gil_wait = t.state == ThreadState::kWaiting && t.wait == WaitKind::kGil;
  Ns elapsed = now_ns() - t.state_since;
  ThreadStats& st = t.stats;
  switch (t.state) {
    case ThreadState::kReady:
      st.ready_wait += elapsed;
      break;
    case ThreadState::kBlocked:
      st.io_wait += elapsed;
      break;
    case ThreadState::kSleeping:
      st.sleep += elapsed;
      break;
    case ThreadState::kWaiting:
      (t.wait == WaitKind::kGil    ? st.gil_wait
       : t.wait == WaitKind::kJoin ? st.join_wait
                                   : st.lock_wait) += elapsed;
      break;
    default:
      break;
  }
  if (s != ThreadState::kWaiting) t.blocker = nullptr;
  memory_probe_.set(memory_.in_use());
  for (KernelObserver* o : observers_)
    o->thread_state(now_ns(), t, t.state, s);
  if (!observers_.empty() && memory_.in_use() != memory_reported_) {
    memory_reported_ = memory_.in_use();
    for (KernelObserver* o : observers_)
      o->memory_in_use(now_ns(), memory_reported_);
  }
  t.state = s;
  t.wait = wait;
  t.state_since = now_ns();
  last_change_ = now_ns();
  // The GIL's waiters are counted as their states change, so a trace of
  // the count agrees with the threads' GIL waits to the nanosecond.
  if (was_gil_wait != (s == ThreadState::kWaiting && wait == WaitKind::kGil)) {
    Gil& g = t.process->gil;
    g.waiting = was_gil_wait ? g.waiting - 1 : g.waiting + 1;
    gil_changed(*t.process);
  }
  if (config_.record_schedule) state_log_.push_back(StateChange{now_ns(), t.id, s});
}

// `core` is null at boot, before any core runs: the thread just joins the queue.
void Kernel::make_ready(Core* core, Thread& t, iosim_ready_reason reason) {
  set_state(t, ThreadState::kReady);
  ++ready_;
  ready_changed();
  if (decisions_) decisions_->readied(now_ns(), t, reason);
  policy_->enqueue(task_view(t, reason), now_ns());
  if (!core) return;
  if (kick_idle_core(*core, t)) return;
  if (reason == IOSIM_READY_ARRIVED || reason == IOSIM_READY_WOKEN) check_preemption(*core, t);
}

static bool allowed_on(const Thread& t, std::size_t core) {
  return t.spec->affinity == 0 || (t.spec->affinity >> core & 1);
}

// A newly ready thread needs a core. If this core is about to schedule, it
// will take it; otherwise wake one idle core (that may run it) with an
// inter-processor interrupt. False when every core it may use is busy.
bool Kernel::kick_idle_core(Core& core, const Thread& t) {
  auto self = static_cast<std::size_t>(core.id());
  if (!running_[self] && !kicked_[self] && allowed_on(t, self)) {
    kicked_[self] = true;
    return true;
  }
  for (std::size_t i = 0; i < idle_.size(); ++i) {
    if (idle_[i] && !kicked_[i] && allowed_on(t, i)) {
      kicked_[i] = true;
      core.write(config_.map.ic + InterruptController::kSendIpi, i);
      return true;
    }
  }
  return false;
}

// Every core it may use is busy: the policy may still want it to take one
// (a more urgent priority, a shorter remaining time, a lower vruntime).
void Kernel::check_preemption(Core& core, const Thread& woken) {
  if (config_.mode != SchedMode::kPreemptive) return;
  for (std::size_t c = 0; c < running_.size(); ++c) {
    Thread* r = running_[c];
    if (!r || need_resched_[c] || !allowed_on(woken, c)) continue;
    if (policy_->preempt(task_view(woken, IOSIM_READY_WOKEN), task_view(*r, IOSIM_READY_PREEMPTED),
                         static_cast<int>(c), now_ns())) {
      resched_core(core, c);
      return;
    }
  }
}

// Asks core `c` to reschedule at its next chance; another core is told by IPI.
void Kernel::resched_core(Core& core, std::size_t c) {
  need_resched_[c] = true;
  if (c != static_cast<std::size_t>(core.id()))
    core.write(config_.map.ic + InterruptController::kSendIpi, c);
}

void Kernel::ready_changed() {
  run_queue_probe_.set(ready_);
  for (KernelObserver* o : observers_)
    o->ready_count(now_ns(), ready_);
}

void Kernel::stop_run(KernelStop why) {
  if (stop_ != KernelStop::kNone) return;
  stop_ = why;
  finished_at_ = now_ns();
  if (finish_ && sc_core::sc_is_running()) finish_();
}

// A stopped machine: the core waits for an event that never comes.
void Kernel::halt(Core&) {
  for (;;)
    sc_core::wait(halted_);
}

// ---------------------------------------------------------------- scheduler loop

void Kernel::run(Core& core) {
  auto c = static_cast<std::size_t>(core.id());
  core.enter(CoreMode::kKernel);
  if (c == 0) boot(core);
  start_core_timer(core);
  for (;;) {
    if (stop_ != KernelStop::kNone) halt(core);
    if (core.irq_pending()) trap(core);
    Thread* t = pick(core);
    if (stop_ != KernelStop::kNone) halt(core);
    if (!t) {
      disarm_quantum(core);  // tickless idle: no thread, so silence the quantum timer
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
// the system timer for threads that start later.
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
  for (;;) {
    std::uint64_t id = policy_->pick(core.id(), now_ns());
    if (decisions_) decisions_->picked(now_ns(), core.id(), id);
    if (id == IOSIM_NO_TASK) return nullptr;
    // A daemon killed while it waited in the queue: drop it.
    if (id < threads_.size() && threads_[id]->killed && threads_[id]->state == ThreadState::kDone) {
      policy_->exit(task_view(*threads_[id], IOSIM_READY_ARRIVED), now_ns());
      continue;
    }
    if (!check_pick(core, id)) return nullptr;
    --ready_;
    ready_changed();
    dispatching_[static_cast<std::size_t>(core.id())] = threads_[id].get();
    return threads_[id].get();
  }
}

// The kernel trusts no policy: a wrong choice stops the run with the evidence.
bool Kernel::check_pick(Core& core, std::uint64_t id) {
  const auto c = static_cast<std::size_t>(core.id());
  std::string problem;
  if (id >= threads_.size()) {
    problem = fmt::format("task {} does not exist (ids are 0..{})", id, threads_.size() - 1);
  } else {
    const Thread& t = *threads_[id];
    const auto taken = std::find(dispatching_.begin(), dispatching_.end(), &t);
    if (t.state == ThreadState::kRunning) {
      const auto where = std::find(running_.begin(), running_.end(), &t) - running_.begin();
      problem = fmt::format("task {} ({}) is already running on core {}", id, t.name, where);
    } else if (taken != dispatching_.end()) {
      problem = fmt::format("task {} ({}) was already picked for core {}, which is switching to it",
                            id, t.name, taken - dispatching_.begin());
    } else if (t.state != ThreadState::kReady) {
      problem = fmt::format("task {} ({}) is not ready: it is {}", id, t.name, state_name(t.state));
    } else if (!allowed_on(t, c)) {
      problem = fmt::format("task {} ({}) may not run on core {} (affinity {:#x})", id, t.name, c,
                            t.spec->affinity);
    }
  }
  if (problem.empty()) return true;
  std::string ready;
  for (const auto& t : threads_) {
    if (t->state != ThreadState::kReady) continue;
    if (std::find(dispatching_.begin(), dispatching_.end(), t.get()) != dispatching_.end())
      continue;
    ready += fmt::format("{}{} ({})", ready.empty() ? "" : ", ", t->id, t->name);
  }
  fault_ = PolicyFault{now_ns(), core.id(),
                       fmt::format("policy '{}' picked {} for core {}; ready tasks: {}",
                                   policy_->name(), problem, c, ready.empty() ? "none" : ready)};
  stop_run(KernelStop::kPolicyFault);
  return false;
}

void Kernel::dispatch(Core& core, Thread& t) {
  auto c = static_cast<std::size_t>(core.id());
  if (last_thread_[c] != t.id) {  // the core still holds the last thread's context
    core.spend(config_.costs.context_switch);
    ++counters_.context_switches;
    ++t.stats.context_switches;
    last_thread_[c] = t.id;
  }
  if (t.last_core >= 0 && static_cast<std::size_t>(t.last_core) != c) {
    ++counters_.migrations;
    ++t.stats.migrations;
  }
  set_state(t, ThreadState::kRunning);
  if (t.stats.first_run < 0) t.stats.first_run = now_ns();
  running_[c] = &t;
  dispatching_[c] = nullptr;
  t.last_core = core.id();
  core.thread_probe().set(t.id + 1);
  slice_start_[c] = now_ns();
  arm_quantum(core, t);
  if (t.owes_syscall_exit) {  // it blocked inside a syscall: return from it now
    IoRecord* record = io_record(*t.ctx);
    if (record) record->resumed = now_ns();
    SysClock clock(core);
    core.spend(config_.costs.syscall_exit);
    t.stats.sys += clock.elapsed();
    t.owes_syscall_exit = false;
    io_record_done(*t.ctx);
  }
}

void Kernel::arm_quantum(Core& core, Thread& t) {
  auto c = static_cast<std::size_t>(core.id());
  Ns quantum = 0;
  if (config_.mode == SchedMode::kPreemptive)
    quantum = policy_->timeslice_ns(task_view(t, IOSIM_READY_PREEMPTED), core.id());
  if (decisions_) decisions_->granted(now_ns(), core.id(), t, std::max<Ns>(quantum, 0));
  if (quantum <= 0) {  // runs until it blocks: no deadline may interrupt it
    disarm_quantum(core);
    return;
  }
  slice_end_[c] = now_ns() + quantum;
  if (config_.timer == TimerMode::kPeriodic) return;  // the first tick past slice_end_ preempts
  core.write(config_.map.core_timers[c] + Timer::kDeadline,
             static_cast<std::uint64_t>(slice_end_[c]));
}

// A tickless core's pending deadline is cancelled (a periodic tick runs on).
void Kernel::disarm_quantum(Core& core) {
  auto c = static_cast<std::size_t>(core.id());
  if (slice_end_[c] != kNever && config_.timer == TimerMode::kTickless && now_ns() < slice_end_[c])
    core.write(config_.map.core_timers[c] + Timer::kCtrl, Timer::kStopped);
  slice_end_[c] = kNever;
}

void Kernel::run_thread(Core& core, Thread& t) {
  while (step(core, t) && return_to_user(core, t)) {
  }
}

// Between two steps of a running thread: take pending interrupts, and give
// up the core if the thread was killed, or the quantum expired (or the
// policy asked) and someone else is waiting for it.
bool Kernel::return_to_user(Core& core, Thread& t) {
  if (core.irq_pending()) trap(core);
  if (stop_ != KernelStop::kNone) halt(core);
  auto c = static_cast<std::size_t>(core.id());
  if (t.killed) {
    need_resched_[c] = false;
    leave_core(core, t, "killed");
    end_thread(&core, t);
    return false;
  }
  if (!need_resched_[c]) return true;
  need_resched_[c] = false;
  if (ready_ == 0) {  // nobody to give the core to: start a fresh slice
    arm_quantum(core, t);
    return true;
  }
  ++counters_.preemptions;
  ++t.stats.preemptions;
  leave_core(core, t, "preempted");
  make_ready(&core, t, IOSIM_READY_PREEMPTED);
  return false;
}

// Runs the thread's next step. Returns false when the thread left the core.
bool Kernel::step(Core& core, Thread& t) {
  if (t.startup > 0) {  // the interpreter starts before the program's first line
    Ns start = now_ns();
    t.startup = core.run_user(t.startup);
    t.stats.user += now_ns() - start;
    return true;
  }
  if (t.loop && t.loop->active && !t.loop->current) return loop_step(core, t);
  Context& c = *t.ctx;
  if (c.pc >= c.program->ops.size()) {
    if (c.task) {
      task_finished(t, *c.task);
      return true;
    }
    if (t.pool) return worker_next(core, t);
    sys_exit(core, t);
    return false;
  }
  const Op& op = c.program->ops[c.pc];
  if (t.holds_gil && t.gil_drop) release_gil(core, t);  // asked to: the waiter takes it
  if (needs_gil(t, op) && !t.holds_gil && !take_gil(core, t)) return false;
  return step_op(core, t, op);
}

bool Kernel::step_op(Core& core, Thread& t, const Op& op) {
  Context& c = *t.ctx;
  switch (op.kind) {
    case OpKind::kCompute: {
      if (op.nogil && t.holds_gil) release_gil(core, t);
      if (!pay(core, t, op.cycles ? cpu_.cycles_to_ns(op.cycles) : op.duration, op.mem_share))
        return true;
      advance(c);
      return true;
    }
    case OpKind::kRepeatBegin:
      c.loops.push_back(op.count);
      advance(c);
      return true;
    case OpKind::kRepeatEnd:
      if (--c.loops.back() > 0) {
        c.pc = op.jump + 1;
      } else {
        c.loops.pop_back();
        advance(c);
      }
      return true;
    case OpKind::kRead:
    case OpKind::kWrite:
      return op.await && c.task ? loop_await(core, t, op) : sys_disk(core, t, op);
    case OpKind::kFetch:
      return op.await && c.task ? loop_await(core, t, op) : sys_fetch(core, t, op);
    case OpKind::kSleep:
      return op.await && c.task ? loop_await(core, t, op) : sys_sleep(core, t, op.duration);
    case OpKind::kYield:
      sys_yield(core, t);
      return false;
    case OpKind::kExit:  // ends the program it is in (a task's, an item's, or the thread's)
      c.pc = c.program->ops.size();
      return true;
    case OpKind::kPrint:
      print(t, op);
      return true;
    case OpKind::kSpawn:
      return sys_spawn(core, t, op);
    case OpKind::kJoin:
      return sys_join(core, t, op);
    case OpKind::kLock:
      return sys_lock(core, t, op);
    case OpKind::kUnlock:
      return sys_unlock(core, t, op);
    case OpKind::kAcquire:
      return sys_acquire(core, t, op);
    case OpKind::kRelease:
      return sys_release(core, t, op);
    case OpKind::kWait:
      return sys_wait(core, t, op);
    case OpKind::kNotify:
    case OpKind::kNotifyAll:
      return sys_notify(core, t, op, op.kind == OpKind::kNotifyAll);
    case OpKind::kAdd:
      return sys_add(core, t, op);
    case OpKind::kSend:
      return sys_send(core, t, op);
    case OpKind::kRecv:
      return sys_recv(core, t, op);
    case OpKind::kMap:
      return sys_map(core, t, op);
    case OpKind::kGather:
      return sys_gather(core, t, op);
    case OpKind::kCreateTask:
    case OpKind::kAwaitTask:
    case OpKind::kRunInExecutor:
      return loop_await(core, t, op);
  }
  return true;
}

// User-mode time for the current step, interruptible (design decision 4):
// false when an interrupt cut it short; the step runs again and goes on
// with what is left.
bool Kernel::pay(Core& core, Thread& t, Ns cost, double mem_share) {
  Context& c = *t.ctx;
  if (c.remaining < 0) c.remaining = cost;
  if (c.remaining > 0) {
    Ns start = now_ns();
    c.remaining = core.run_user(c.remaining, mem_share);
    t.stats.user += now_ns() - start;
    if (c.remaining > 0) return false;
  }
  c.remaining = -1;
  return true;
}

void Kernel::advance(Context& c) {
  ++c.pc;
  c.phase = 0;
  c.remaining = -1;
}

void Kernel::leave_core(Core& core, Thread& t, const char* why) {
  auto c = static_cast<std::size_t>(core.id());
  const Slice slice{core.id(), t.id, slice_start_[c], now_ns(), why};
  if (config_.record_schedule) schedule_.push_back(slice);
  if (decisions_) decisions_->left(slice);
  const std::string_view reason = why;
  if (reason != "preempted") {  // a CPU burst ends when the thread stops itself
    Ns cpu = t.stats.user + t.stats.sys;
    t.last_burst = cpu - t.burst_start;
    t.burst_start = cpu;
  }
  if (reason == "exit" || reason == "killed") {
    policy_->exit(task_view(t, IOSIM_READY_ARRIVED), now_ns());
  } else if (reason != "preempted" && reason != "yield") {
    policy_->block(task_view(t, IOSIM_READY_WOKEN), now_ns());
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
    expire_timeouts(core);
  } else {
    for (std::size_t k = 0; k < map.core_timer_lines.size(); ++k)
      if (line == map.core_timer_lines[k]) core_tick(core, k);
  }
  // An IPI needs no handling: its job was to wake an idle core, or to make a
  // busy one look at need_resched_ (or a GIL drop request) between steps.
}

// A core's timer: the slice is over, or the policy's tick says preempt.
void Kernel::core_tick(Core& core, std::size_t k) {
  if (Thread* r = running_[k]) {
    if (now_ns() >= slice_end_[k]) {
      need_resched_[k] = true;
    } else if (config_.mode == SchedMode::kPreemptive &&
               policy_->tick(static_cast<int>(k), task_view(*r, IOSIM_READY_PREEMPTED), now_ns())) {
      need_resched_[k] = true;
    }
  }
  // With a periodic tick there is no system timer: core 0's tick runs the timeouts.
  if (k == 0 && config_.timer == TimerMode::kPeriodic) expire_timeouts(core);
}

void Kernel::expire_timeouts(Core& core) {
  sys_timer_armed_ = -1;
  while (!timeouts_.empty() && timeouts_.begin()->first <= now_ns()) {
    Timeout to = timeouts_.begin()->second;
    timeouts_.erase(timeouts_.begin());
    switch (to.kind) {
      case Timeout::Kind::kWake:
        if (to.thread->state == ThreadState::kNew)
          make_ready(&core, *to.thread, IOSIM_READY_ARRIVED);
        else if (to.thread->state == ThreadState::kSleeping)
          make_ready(&core, *to.thread, IOSIM_READY_WOKEN);
        break;
      case Timeout::Kind::kGilCheck:
        gil_check(core, *to.process, to.seq);
        break;
      case Timeout::Kind::kLoopPoll: {
        EventLoop* loop = to.thread->loop.get();
        if (loop && loop->polling && loop->poll_seq == to.seq) {
          loop->polling = false;
          make_ready(&core, *to.thread, IOSIM_READY_WOKEN);
        }
        break;
      }
    }
  }
  arm_sys_timer(core);
}

// At boot (no core yet) the timeout just waits in the queue: boot() arms the timer.
void Kernel::add_timeout(Core* core, Ns at, Timeout timeout) {
  timeouts_.emplace(at, timeout);
  if (core) arm_sys_timer(*core);
}

// The system timer holds one deadline: the earliest timeout's.
void Kernel::arm_sys_timer(Core& core) {
  if (timeouts_.empty() || config_.timer == TimerMode::kPeriodic) return;
  Ns next = timeouts_.begin()->first;
  if (sys_timer_armed_ >= 0 && sys_timer_armed_ <= next) return;
  sys_timer_armed_ = next;
  core.write(config_.map.sys_timer + Timer::kDeadline, static_cast<std::uint64_t>(next));
}

}  // namespace iosim
