// Threads waiting for each other: mutexes, semaphores, condition variables,
// shared variables (with a racy and an atomic update), message queues
// between processes, and the GIL of `python` processes.
//
// An uncontended lock costs a little user time (an atomic instruction); a
// contended one is a syscall that blocks (a futex wait). A released mutex or
// semaphore goes straight to its first waiter, which resumes after its step.
#include <fmt/format.h>

#include <algorithm>

#include "devices/interrupt_controller.h"
#include "kernel/kernel.h"

namespace iosim {

Mutex& Kernel::mutex(Thread& t, const Op& op) {
  return (op.ref.shared ? shared_ : t.process->objects).locks[op.ref.index];
}
Semaphore& Kernel::semaphore(Thread& t, const Op& op) {
  return (op.ref.shared ? shared_ : t.process->objects).semaphores[op.ref.index];
}
Condition& Kernel::condition(Thread& t, const Op& op) {
  return (op.ref.shared ? shared_ : t.process->objects).conditions[op.ref.index];
}
std::int64_t& Kernel::variable(Thread& t, const Op& op) {
  return (op.ref.shared ? shared_ : t.process->objects).variables[op.ref.index];
}

// A program did something its objects forbid (unlocking a mutex it does not
// hold...): the step is skipped and the console says why.
void Kernel::program_error(Thread& t, const Op& op, const std::string& what) {
  ++counters_.program_errors;
  console_.push_back(ConsoleLine{
      now_ns(), t.id, "",
      fmt::format("error: {} (line {}, '{}'): {}", thread_label(t), op.line, op.name, what)});
  advance(*t.ctx);
}

// Waits in `queue` (a futex wait). What it waits for may happen while the
// thread enters the kernel: `still_blocked` is asked once inside, and when
// it says no the syscall returns at once and the caller retries its step.
// False when it did not wait.
bool Kernel::wait_on(Core& core, Thread& t, std::deque<Thread*>& queue, WaitKind wait,
                     const std::function<bool()>& still_blocked) {
  SysClock clock(core);
  syscall_entry(core);
  if (!still_blocked()) {
    syscall_return(core, t, clock);
    return false;
  }
  queue.push_back(&t);
  block(core, t, ThreadState::kWaiting, wait, "wait", clock);
  return true;
}

// The first thread of a wait queue that still waits, or null. Threads
// killed while waiting are not taken out of queues: they are dropped here.
Thread* Kernel::pop_waiter(std::deque<Thread*>& queue) {
  while (!queue.empty()) {
    Thread* w = queue.front();
    queue.pop_front();
    if (w->state == ThreadState::kWaiting) return w;
  }
  return nullptr;
}

// For waiters that retry their step when woken (queues).
void Kernel::wake_first(Core& core, std::deque<Thread*>& queue) {
  if (Thread* w = pop_waiter(queue)) make_ready(&core, *w, IOSIM_READY_WOKEN);
}

// ---------------------------------------------------------------- mutexes

bool Kernel::sys_lock(Core& core, Thread& t, const Op& op) {
  Mutex& m = mutex(t, op);
  if (!pay(core, t, config_.costs.lock)) return true;
  if (!m.owner) {
    m.owner = &t;
    ++m.acquisitions;
    advance(*t.ctx);
    return true;
  }
  ++m.contended;  // taking it again while holding it deadlocks, as with a real mutex
  if (!wait_on(core, t, m.waiters, WaitKind::kLock, [&] { return m.owner != nullptr; }))
    return true;
  t.blocker = m.owner;
  return false;
}

// Hands the mutex to its first waiter (which resumes after its lock step).
void Kernel::release_mutex(Core& core, Mutex& m) {
  m.owner = pop_waiter(m.waiters);
  if (!m.owner) return;
  Thread& w = *m.owner;
  ++m.acquisitions;
  advance(*w.ctx);
  make_ready(&core, w, IOSIM_READY_WOKEN);
  for (Thread* other : m.waiters)  // they now wait for the new owner
    other->blocker = &w;
}

// Waking a thread that sleeps in the kernel is a syscall of the waker (a
// futex wake); with nobody asleep, releasing stays in user space.
void Kernel::futex_wake(Core& core, Thread& t, const std::function<void()>& wake) {
  SysClock clock(core);
  syscall_entry(core);
  wake();
  core.spend(config_.costs.syscall_exit);
  t.stats.sys += clock.elapsed();
}

bool Kernel::sys_unlock(Core& core, Thread& t, const Op& op) {
  Mutex& m = mutex(t, op);
  if (m.owner != &t) {
    program_error(t, op, "unlock of a mutex it does not hold");
    return true;
  }
  if (!pay(core, t, config_.costs.lock)) return true;
  if (m.waiters.empty())
    m.owner = nullptr;
  else
    futex_wake(core, t, [&] { release_mutex(core, m); });
  advance(*t.ctx);
  return true;
}

// ---------------------------------------------------------------- semaphores

bool Kernel::sys_acquire(Core& core, Thread& t, const Op& op) {
  Semaphore& s = semaphore(t, op);
  if (!pay(core, t, config_.costs.lock)) return true;
  if (s.count > 0) {
    --s.count;
    advance(*t.ctx);
    return true;
  }
  return !wait_on(core, t, s.waiters, WaitKind::kLock, [&] { return s.count == 0; });
}

bool Kernel::sys_release(Core& core, Thread& t, const Op& op) {
  Semaphore& s = semaphore(t, op);
  if (!pay(core, t, config_.costs.lock)) return true;
  advance(*t.ctx);
  if (s.waiters.empty()) {
    ++s.count;
    return true;
  }
  futex_wake(core, t, [&] {
    Thread* w = pop_waiter(s.waiters);
    if (!w) {
      ++s.count;  // every waiter had been killed
      return;
    }
    advance(*w->ctx);  // its acquire succeeds: the count goes straight to it
    make_ready(&core, *w, IOSIM_READY_WOKEN);
  });
  return true;
}

// ---------------------------------------------------------------- conditions

// Releases the condition's mutex and sleeps; a notify moves the thread to
// the mutex's waiters (or gives it the mutex), and its wait step ends when
// it holds the mutex again.
bool Kernel::sys_wait(Core& core, Thread& t, const Op& op) {
  Condition& cv = condition(t, op);
  if (cv.lock->owner != &t) {
    program_error(t, op, "wait on a condition without holding its lock");
    return true;
  }
  SysClock clock(core);
  syscall_entry(core);
  cv.waiters.push_back(&t);
  block(core, t, ThreadState::kWaiting, WaitKind::kLock, "wait", clock);
  release_mutex(core, *cv.lock);  // after: the thread is a waiter before anyone can notify
  return false;
}

// Like Python's Condition.notify, the caller must hold the lock; so the
// woken threads queue for the mutex, and take it when the caller unlocks.
bool Kernel::sys_notify(Core& core, Thread& t, const Op& op, bool all) {
  Condition& cv = condition(t, op);
  if (cv.lock->owner != &t) {
    program_error(t, op, "notify on a condition without holding its lock");
    return true;
  }
  if (!pay(core, t, config_.costs.lock)) return true;
  while (Thread* w = pop_waiter(cv.waiters)) {
    cv.lock->waiters.push_back(w);
    if (!all) break;
  }
  advance(*t.ctx);
  return true;
}

// ---------------------------------------------------------------- shared variables

// `add V N`: load, add, store. Without `atomic` the value sits in a register
// while the add runs: if the thread is preempted there (or another core
// stores meanwhile), the other thread's update is lost when this one stores.
bool Kernel::sys_add(Core& core, Thread& t, const Op& op) {
  std::int64_t& v = variable(t, op);
  Context& c = *t.ctx;
  if (op.atomic) {
    if (!pay(core, t, config_.costs.shared_add)) return true;
    v += op.amount;
    advance(c);
    return true;
  }
  if (c.phase == 0) {
    c.loaded = v;
    c.phase = 1;
  }
  if (!pay(core, t, config_.costs.shared_add)) return true;
  v = c.loaded + op.amount;
  advance(c);
  return true;
}

// ---------------------------------------------------------------- queues

// `send Q SIZE`: pickle and copy the message (user time), then put it in
// the pipe, waiting while the pipe is full. A woken sender tries again.
bool Kernel::sys_send(Core& core, Thread& t, const Op& op) {
  MessageQueue& q = queues_[op.ref.index];
  Context& c = *t.ctx;
  if (c.phase == 0) {
    const KernelCosts& k = config_.costs;
    if (!pay(core, t, k.ipc_message + static_cast<Ns>(op.bytes) * k.ipc_byte)) return true;
    c.phase = 1;
  }
  if (q.used + op.bytes > q.capacity)  // (retries when room appears as it enters the kernel)
    return !wait_on(core, t, q.senders, WaitKind::kLock,
                    [&] { return q.used + op.bytes > q.capacity; });
  q.messages.push_back(op.bytes);
  q.used += op.bytes;
  ++q.sent;
  q.bytes += op.bytes;
  wake_first(core, q.receivers);
  advance(c);
  return true;
}

// `recv Q`: take the oldest message (waiting while there is none), then
// copy and unpickle it.
bool Kernel::sys_recv(Core& core, Thread& t, const Op& op) {
  MessageQueue& q = queues_[op.ref.index];
  Context& c = *t.ctx;
  if (c.phase == 0) {
    if (q.messages.empty())
      return !wait_on(core, t, q.receivers, WaitKind::kLock, [&] { return q.messages.empty(); });
    c.loaded = static_cast<std::int64_t>(q.messages.front());
    q.messages.pop_front();
    q.used -= static_cast<std::uint64_t>(c.loaded);
    ++q.received;
    c.phase = 1;
    wake_first(core, q.senders);
  }
  const KernelCosts& k = config_.costs;
  if (!pay(core, t, k.ipc_message + c.loaded * k.ipc_byte)) return true;
  advance(c);
  return true;
}

// ---------------------------------------------------------------- the GIL

// Steps that run interpreted code need the GIL; blocking calls, `nogil`
// computes and the rest do not (they release it if they block).
bool Kernel::needs_gil(const Thread& t, const Op& op) const {
  if (t.process->runtime != Runtime::kPython) return false;
  switch (op.kind) {
    case OpKind::kCompute:
      return !op.nogil;
    case OpKind::kAdd:
    case OpKind::kPrint:
    case OpKind::kSpawn:
    case OpKind::kGather:
    case OpKind::kCreateTask:
    case OpKind::kAwaitTask:
    case OpKind::kRunInExecutor:
      return true;
    default:
      return op.await;
  }
}

// Takes the GIL if it is free; else waits for it (the holder hands it over).
bool Kernel::take_gil(Core& core, Thread& t) {
  Process& p = *t.process;
  Gil& g = p.gil;
  if (!g.holder) {
    grant_gil(core, p, t);
    return true;
  }
  SysClock clock(core);
  syscall_entry(core);
  if (!g.holder) {  // released while it entered the kernel
    grant_gil(core, p, t);
    syscall_return(core, t, clock);
    return true;
  }
  g.waiters.push_back(&t);
  block(core, t, ThreadState::kWaiting, WaitKind::kGil, "wait", clock);
  t.blocker = g.holder;
  arm_gil_check(core, p);
  return false;
}

void Kernel::grant_gil(Core& core, Process& p, Thread& t) {
  Gil& g = p.gil;
  g.holder = &t;
  t.holds_gil = true;
  g.since = now_ns();
  ++g.switches;
  ++counters_.gil_switches;
  gil_changed(p);
  arm_gil_check(core, p);
}

// Gives the GIL up; the first waiter gets it (CPython's forced switching:
// the dropper cannot take it straight back).
void Kernel::release_gil(Core& core, Thread& t) {
  Process& p = *t.process;
  Gil& g = p.gil;
  t.holds_gil = false;
  t.gil_drop = false;
  g.holder = nullptr;
  if (Thread* w = pop_waiter(g.waiters)) {
    grant_gil(core, p, *w);
    make_ready(&core, *w, IOSIM_READY_WOKEN);
    for (Thread* other : g.waiters)
      other->blocker = w;
  }
  if (!g.holder) gil_changed(p);  // else grant_gil told
}

// Tells the observers (a waveform's GIL signals) its holder and waiters.
void Kernel::gil_changed(const Process& p) {
  for (KernelObserver* o : observers_)
    o->gil_changed(now_ns(), p, p.gil.holder, p.gil.waiting);
}

// While someone waits, a check runs one switch interval after the GIL last
// changed hands (or after the wait began): if it has not changed hands
// since, the holder is asked to drop it.
void Kernel::arm_gil_check(Core& core, Process& p) {
  Gil& g = p.gil;
  if (g.check_armed || !g.holder || g.waiters.empty()) return;
  g.check_armed = true;
  const Ns at = std::max(now_ns(), g.since) + config_.gil_switch_interval;
  add_timeout(&core, at, Timeout{Timeout::Kind::kGilCheck, nullptr, &p, g.switches});
}

void Kernel::gil_check(Core& core, Process& p, std::uint64_t switches) {
  Gil& g = p.gil;
  g.check_armed = false;
  if (!g.holder || g.waiters.empty()) return;
  if (g.switches != switches) {  // it changed hands meanwhile: wait a full interval again
    g.check_armed = true;
    add_timeout(&core, g.since + config_.gil_switch_interval,
                Timeout{Timeout::Kind::kGilCheck, nullptr, &p, g.switches});
    return;
  }
  Thread& h = *g.holder;
  h.gil_drop = true;
  ++g.drop_requests;
  // On a core, it notices between two steps: interrupt it there.
  for (std::size_t c = 0; c < running_.size(); ++c)
    if (running_[c] == &h && c != static_cast<std::size_t>(core.id()))
      core.write(config_.map.ic + InterruptController::kSendIpi, c);
}

// ---------------------------------------------------------------- stalls

std::vector<WaitInfo> Kernel::waits() const {
  std::vector<WaitInfo> out;
  for (const auto& owned : threads_) {
    const Thread& t = *owned;
    std::string what;
    switch (t.state) {
      case ThreadState::kBlocked:
        what = t.loop && t.loop->polling ? "its event loop's I/O and timers" : "I/O";
        break;
      case ThreadState::kSleeping:
        what = "its sleep to end";
        break;
      case ThreadState::kWaiting: {
        if (t.wait == WaitKind::kGil) {
          what = "the GIL";
        } else if (t.pool && t.main.pc >= t.main.program->ops.size()) {
          what = fmt::format("work from pool '{}'", t.pool->spec->name);
        } else {
          const Op& op = t.ctx->program->ops[t.ctx->pc];
          const char* kind = op.kind == OpKind::kLock      ? "lock"
                             : op.kind == OpKind::kAcquire ? "semaphore"
                             : op.kind == OpKind::kWait    ? "condition"
                             : op.kind == OpKind::kJoin    ? "join of"
                             : op.kind == OpKind::kSend    ? "room in queue"
                             : op.kind == OpKind::kRecv    ? "a message in queue"
                             : op.kind == OpKind::kMap     ? "the work items of pool"
                                                           : "step of";
          what = fmt::format("{} '{}' (line {})", kind, op.name, op.line);
        }
        break;
      }
      default:
        continue;
    }
    out.push_back(WaitInfo{t.id, what, t.blocker ? static_cast<std::int64_t>(t.blocker->id) : -1});
  }
  return out;
}

// Follows "waits for the holder" links from each waiting thread; a link
// back to a thread already on the path closes a cycle.
std::vector<std::uint64_t> Kernel::wait_cycle() const {
  for (const auto& start : threads_) {
    std::vector<std::uint64_t> path;
    const Thread* t = start.get();
    while (t && t->state == ThreadState::kWaiting && t->blocker) {
      const auto seen = std::find(path.begin(), path.end(), t->id);
      if (seen != path.end()) return {seen, path.end()};
      path.push_back(t->id);
      t = t->blocker;
    }
  }
  return {};
}

// A thread that only another thread can wake: it waits for one, or it runs
// an event loop whose tasks all wait for one (nothing of it is in flight).
static bool waits_for_a_thread(const Thread& t) {
  return t.state == ThreadState::kWaiting ||
         (t.state == ThreadState::kBlocked && t.loop && t.loop->polling);
}

// A tickless machine in this state has no SystemC activity left; a periodic
// one ticks for ever, and each tick finds nothing to do. A core still in
// kernel mode with no thread may be about to wake someone (a process's
// exit wakes its joiners after its cost), so only idle cores, or cores
// taking a tick from idle, count.
bool Kernel::stalled() const {
  if (!loaded_ || live_processes_ == 0 || stop_ != KernelStop::kNone) return false;
  if (ready_ != 0 || !timeouts_.empty() || disk_.in_flight() != 0 || nic_.in_flight() != 0)
    return false;
  for (std::size_t c = 0; c < running_.size(); ++c) {
    const CoreMode mode = cpu_.core(static_cast<int>(c)).mode();
    if (running_[c] || !(idle_[c] || mode == CoreMode::kIrq)) return false;
  }
  return std::all_of(threads_.begin(), threads_.end(), [](const auto& t) {
    return t->state == ThreadState::kDone || waits_for_a_thread(*t);
  });
}

}  // namespace iosim
