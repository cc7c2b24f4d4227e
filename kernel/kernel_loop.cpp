// Event loops (asyncio) and executor pools (ThreadPoolExecutor,
// ProcessPoolExecutor).
//
// A thread's `gather C N` creates N tasks and runs the loop until they end.
// The loop runs the first ready task until it awaits; awaited I/O is
// submitted and the task set aside; when nothing is ready the thread blocks
// in a poll, freeing its core, until a completion or the earliest timer. A
// step that blocks without `await` blocks the whole thread, loop and all.
#include <fmt/format.h>

#include "kernel/kernel.h"

namespace iosim {
namespace {
// What pool workers are, as far as a policy can tell: plain threads. They
// are daemons: they never keep their process alive.
const ThreadSpec kWorkerSpec = [] {
  ThreadSpec spec;
  spec.name = "worker";
  spec.daemon = true;
  return spec;
}();
}  // namespace

const CoroutineSpec& Kernel::coroutine_of(Thread& t, const Op& op) {
  return t.process->spec->coroutines[op.ref.index];
}

Pool& Kernel::pool_of(Thread& t, const Op& op) {
  return t.process->pools[op.ref.index];
}

// ---------------------------------------------------------------- event loops

// `gather C N`: in the thread's own program it starts the loop; inside a
// coroutine it makes N subtasks and the task waits for them.
bool Kernel::sys_gather(Core& core, Thread& t, const Op& op) {
  Context& c = *t.ctx;
  if (c.phase == 0) {
    if (!pay(core, t, static_cast<Ns>(op.count) * config_.costs.task_spawn)) return true;
    c.phase = 1;
  }
  if (!t.loop) t.loop = std::make_unique<EventLoop>();
  EventLoop& loop = *t.loop;
  const CoroutineSpec& spec = coroutine_of(t, op);
  if (c.task) {
    LoopTask& parent = *c.task;
    advance(c);
    parent.pending_children = create_tasks(t, spec, op.count, &parent, false);
    if (parent.pending_children > 0) {
      loop.current = nullptr;
      t.ctx = &t.main;
    }
    return true;
  }
  loop.root_pending += create_tasks(t, spec, op.count, nullptr, true);
  loop.active = true;  // step() now runs the loop until the root tasks end
  return true;
}

std::uint64_t Kernel::create_tasks(Thread& t, const CoroutineSpec& spec, std::uint64_t n,
                                   LoopTask* parent, bool root) {
  EventLoop& loop = *t.loop;
  std::uint64_t created = 0;
  for (; created < n && stop_ == KernelStop::kNone; ++created) {
    const std::size_t index = loop.tasks.size();
    const MemoryLabel what = [&] {
      return fmt::format("task {} ({}) of {}", index, spec.name, thread_label(t));
    };
    if (!reserve(t.process, config_.memory.task, what)) break;
    auto task = std::make_unique<LoopTask>();
    task->id = loop.tasks.size();
    task->coroutine = &spec.name;
    task->ctx.thread = &t;
    task->ctx.task = task.get();
    task->ctx.program = &spec.program;
    task->parent = parent;
    task->root = root;
    if (!attach_buffer(task->ctx, spec.program, t.process, what)) {
      memory_.release(t.process, config_.memory.task);
      break;
    }
    loop.ready.push_back(task.get());
    loop.tasks.push_back(std::move(task));
    ++counters_.tasks_created;
    loop.peak_alive = std::max(loop.peak_alive, ++loop.alive);
  }
  return created;
}

// The loop itself, between tasks: collect what finished, then run the next
// ready task, or poll.
bool Kernel::loop_step(Core& core, Thread& t) {
  EventLoop& loop = *t.loop;
  if (t.holds_gil && t.gil_drop) release_gil(core, t);
  if (t.process->runtime == Runtime::kPython && !t.holds_gil && !take_gil(core, t)) return false;
  collect(loop);
  if (loop.root_pending == 0) {
    leave_loop(t);
    return true;
  }
  if (loop.ready.empty()) return !loop_poll(core, t);
  if (!pay(core, t, config_.costs.task_switch)) return true;
  loop.current = loop.ready.front();
  loop.ready.pop_front();
  ++loop.switches;
  t.ctx = &loop.current->ctx;
  return true;
}

// Completions and expired timers make their tasks ready, in that order.
void Kernel::collect(EventLoop& loop) {
  for (LoopTask* task : loop.woken)
    loop.ready.push_back(task);
  loop.woken.clear();
  while (!loop.timers.empty() && loop.timers.begin()->first <= now_ns()) {
    loop.ready.push_back(loop.timers.begin()->second);
    loop.timers.erase(loop.timers.begin());
  }
}

// Nothing is ready: block in the kernel until an event (epoll_wait with the
// earliest timer as its timeout). An event that arrives while the thread
// enters the kernel makes the poll return at once. True when it blocked.
bool Kernel::loop_poll(Core& core, Thread& t) {
  EventLoop& loop = *t.loop;
  ++loop.polls;
  ++loop.poll_seq;
  SysClock clock(core);
  syscall_entry(core);
  if (!loop.timers.empty())
    add_timeout(&core, loop.timers.begin()->first,
                Timeout{Timeout::Kind::kLoopPoll, &t, nullptr, loop.poll_seq});
  const bool timer_due = !loop.timers.empty() && loop.timers.begin()->first <= now_ns();
  if (!loop.woken.empty() || timer_due) {
    syscall_return(core, t, clock);
    return false;
  }
  loop.polling = true;  // from here a completion wakes the thread
  block(core, t, ThreadState::kBlocked, WaitKind::kNone, "blocked", clock);
  return true;
}

// The root tasks ended: asyncio.run() returns. Tasks still pending (made by
// create_task and never awaited) are cancelled.
void Kernel::leave_loop(Thread& t) {
  EventLoop& loop = *t.loop;
  cancel_tasks(t);
  loop.ready.clear();
  loop.timers.clear();
  loop.woken.clear();
  loop.active = false;
  advance(t.main);
}

// Frees every task that has not ended (the loop ends, or its thread does).
void Kernel::cancel_tasks(Thread& t) {
  EventLoop& loop = *t.loop;
  for (auto& task : loop.tasks) {
    if (task->done) continue;
    task->done = true;
    --loop.alive;
    free_buffer(task->ctx, t.process);
    memory_.release(t.process, config_.memory.task);
  }
}

void Kernel::task_finished(Thread& t, LoopTask& task) {
  EventLoop& loop = *t.loop;
  task.done = true;
  --loop.alive;
  free_buffer(task.ctx, t.process);
  memory_.release(t.process, config_.memory.task);
  if (task.parent && --task.parent->pending_children == 0) loop.ready.push_back(task.parent);
  if (task.root) --loop.root_pending;
  loop.current = nullptr;
  t.ctx = &t.main;
}

// An awaited event happened for `task`: the loop picks it up at its next
// collect; a thread blocked in its poll wakes.
void Kernel::task_woken(Core& core, Thread& t, LoopTask& task) {
  if (task.done || !t.loop) return;
  EventLoop& loop = *t.loop;
  loop.woken.push_back(&task);
  if (loop.polling) {
    loop.polling = false;
    make_ready(&core, t, IOSIM_READY_WOKEN);
  }
}

// Steps only a coroutine takes: `await` I/O and sleeps, awaiting other
// coroutines and the executor. The task is set aside until its event.
bool Kernel::loop_await(Core& core, Thread& t, const Op& op) {
  Context& c = *t.ctx;
  LoopTask& task = *c.task;
  EventLoop& loop = *t.loop;
  bool suspend = true;
  switch (op.kind) {
    case OpKind::kSleep:
      loop.timers.emplace(now_ns() + op.duration, &task);
      advance(c);
      break;
    case OpKind::kRead:
    case OpKind::kWrite:
    case OpKind::kFetch: {
      SysClock clock(core);
      if (op.kind == OpKind::kFetch)
        prepare_fetch(c, op);
      else
        prepare_disk(t, c, op);
      c.io_async = true;
      log_io_start(core, t, c);
      syscall_entry(core);
      c.io_in_flight = true;
      QueuedDeviceDriver& driver = op.kind == OpKind::kFetch ? nic_ : disk_;
      const bool done = driver.start(core, c.io);
      if (IoRecord* record = io_record(c)) record->submitted = now_ns();
      core.spend(config_.costs.syscall_exit);
      t.stats.sys += clock.elapsed();
      if (done) {  // a polled request: the core waited for it, the task goes on
        c.io_in_flight = false;
        account_io(t, c, c.io);
        if (IoRecord* record = io_record(c)) {
          record->completed = now_ns();
          record->completed_on = core.id();
        }
        io_record_done(c);
        suspend = false;
      }
      break;
    }
    case OpKind::kAwaitTask:
    case OpKind::kCreateTask: {
      if (c.phase == 0) {
        if (!pay(core, t, config_.costs.task_spawn)) return true;
        c.phase = 1;
      }
      advance(c);
      const bool await = op.kind == OpKind::kAwaitTask;
      const std::uint64_t n =
          create_tasks(t, coroutine_of(t, op), 1, await ? &task : nullptr, false);
      task.pending_children = await ? n : 0;
      suspend = task.pending_children > 0;
      break;
    }
    case OpKind::kRunInExecutor: {
      Pool& pool = pool_of(t, op);
      if (pool.spec->kind == PoolKind::kProcess && c.phase == 0) {  // pickle the argument
        const KernelCosts& k = config_.costs;
        if (!pay(core, t, k.ipc_message + static_cast<Ns>(pool.spec->send_bytes) * k.ipc_byte))
          return true;
        c.phase = 1;
      }
      advance(c);
      if (!submit_work(core, t, pool, WorkItem{nullptr, &task})) suspend = false;
      break;
    }
    default:
      break;
  }
  if (suspend) {
    loop.current = nullptr;
    t.ctx = &t.main;
  }
  return true;
}

// ---------------------------------------------------------------- pools

// `map POOL N`: submit N items (pickling each for a process pool), wait
// until workers finished them all, then unpickle the results.
bool Kernel::sys_map(Core& core, Thread& t, const Op& op) {
  Pool& pool = pool_of(t, op);
  Context& c = *t.ctx;
  const KernelCosts& k = config_.costs;
  const bool processes = pool.spec->kind == PoolKind::kProcess;
  const auto n = static_cast<Ns>(op.count);
  if (c.phase == 0) {
    const Ns each =
        processes ? k.ipc_message + static_cast<Ns>(pool.spec->send_bytes) * k.ipc_byte : k.lock;
    if (!pay(core, t, n * each)) return true;
    c.loaded = static_cast<std::int64_t>(op.count);
    c.phase = 1;
    for (std::uint64_t i = 0; i < op.count && stop_ == KernelStop::kNone; ++i)
      if (!submit_work(core, t, pool, WorkItem{&t, nullptr})) --c.loaded;
  }
  if (c.phase == 1) {
    if (c.loaded > 0) {  // work_done wakes it when the last item ends
      SysClock clock(core);
      syscall_entry(core);
      if (c.loaded > 0) {
        block(core, t, ThreadState::kWaiting, WaitKind::kJoin, "wait", clock);
        return false;
      }
      syscall_return(core, t, clock);  // the last item ended while it entered the kernel
    }
    c.phase = 2;
  }
  if (processes &&
      !pay(core, t, n * (k.ipc_message + static_cast<Ns>(pool.spec->result_bytes) * k.ipc_byte)))
    return true;
  advance(c);
  return true;
}

// Queues an item and finds it a worker: an idle one, or a new one while the
// pool has fewer than its maximum. False if no worker could ever run it.
bool Kernel::submit_work(Core& core, Thread& t, Pool& pool, WorkItem item) {
  pool.queue.push_back(item);
  if (Thread* w = pop_waiter(pool.idle)) {
    make_ready(&core, *w, IOSIM_READY_WOKEN);
    return true;
  }
  if (pool.workers.size() < pool.spec->workers && add_worker(core, t, pool)) return true;
  if (!pool.workers.empty()) return true;  // a busy worker will take it
  pool.queue.pop_back();
  return false;
}

// A thread of the owning process, or a child process of its runtime (which
// starts its own interpreter) running one worker thread. Creating it is a
// syscall of the thread that submitted the work.
bool Kernel::add_worker(Core& core, Thread& t, Pool& pool) {
  SysClock clock(core);
  syscall_entry(core);
  const bool added = spawn_worker(core, pool);
  core.spend(config_.costs.syscall_exit);
  t.stats.sys += clock.elapsed();
  return added;
}

bool Kernel::spawn_worker(Core& core, Pool& pool) {
  Process& owner = *pool.owner;
  const std::string name = fmt::format("{}[{}]", pool.spec->name, pool.workers.size());
  Process* home = &owner;
  if (pool.spec->kind == PoolKind::kProcess) {
    core.spend(config_.costs.process_spawn);
    Process* p = new_process(fmt::format("{}/{}", owner.name, name), *owner.spec, &owner);
    if (!p) return false;
    p->worker_of = &pool;
    owner.worker_processes.push_back(p);
    home = p;
  } else {
    core.spend(config_.costs.thread_spawn);
  }
  const std::string thread_name = home == &owner ? name : "worker";
  Thread* w = create_thread(&core, *home, kWorkerSpec, pool.spec->item, thread_name, 0);
  if (!w) return false;
  w->pool = &pool;
  w->main.pc = w->main.program->ops.size();  // it starts by taking an item
  pool.workers.push_back(w);
  return true;
}

// A worker at the end of its item program: hand the result back, take the
// next item, or wait for one.
bool Kernel::worker_next(Core& core, Thread& t) {
  Pool& pool = *t.pool;
  if (t.work.thread || t.work.task) {
    if (pool.spec->kind == PoolKind::kProcess) {
      const KernelCosts& k = config_.costs;
      const auto bytes = static_cast<Ns>(pool.spec->send_bytes + pool.spec->result_bytes);
      if (!pay(core, t, 2 * k.ipc_message + bytes * k.ipc_byte)) return true;
    }
    work_done(core, t);
  }
  if (!pool.queue.empty()) {
    t.work = pool.queue.front();
    pool.queue.pop_front();
    t.main.pc = 0;
    t.main.loops.clear();
    t.main.phase = 0;
    return true;
  }
  SysClock clock(core);
  syscall_entry(core);
  if (!pool.queue.empty()) {  // an item came while it entered the kernel
    syscall_return(core, t, clock);
    return true;
  }
  pool.idle.push_back(&t);
  block(core, t, ThreadState::kWaiting, WaitKind::kJoin, "wait", clock);
  return false;
}

void Kernel::work_done(Core& core, Thread& worker) {
  WorkItem item = worker.work;
  worker.work = WorkItem{};
  ++worker.pool->items_done;
  if (Thread* m = item.thread) {
    if (m->state == ThreadState::kDone) return;
    if (--m->ctx->loaded == 0 && m->state == ThreadState::kWaiting)
      make_ready(&core, *m, IOSIM_READY_WOKEN);
  } else if (item.task) {
    task_woken(core, *item.task->ctx.thread, *item.task);
  }
}

}  // namespace iosim
