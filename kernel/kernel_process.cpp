// Creating and ending threads and processes, joining them, and the memory
// they hold. A process ends when its main thread and every non-daemon
// thread have ended; its daemon threads and pool workers are then killed.
#include <fmt/format.h>

#include "kernel/io_buffer.h"
#include "kernel/kernel.h"

namespace iosim {
namespace {

std::string instance_name(const std::string& name, std::uint32_t count, std::uint32_t i) {
  return count > 1 ? fmt::format("{}[{}]", name, i) : name;
}

SyncSet make_sync_set(const SyncObjects& spec) {
  SyncSet set;
  for (std::size_t i = 0; i < spec.locks.size(); ++i)
    set.locks.emplace_back();
  for (const SemaphoreSpec& s : spec.semaphores)
    set.semaphores.push_back(Semaphore{s.initial, {}});
  for (const ConditionSpec& c : spec.conditions)
    set.conditions.push_back(Condition{&set.locks[c.lock], {}});
  for (const VariableSpec& v : spec.variables)
    set.variables.push_back(v.initial);
  return set;
}

}  // namespace

void Kernel::load(const Workload& workload) {
  workload_ = &workload;
  reserve(nullptr, config_.map.ram_user_base, "the kernel");
  shared_ = make_sync_set(workload.shared);
  if (workload.shared_bytes) reserve(nullptr, workload.shared_bytes, "the shared-memory segment");
  for (const QueueSpec& q : workload.queues) {
    queues_.push_back(MessageQueue{q.capacity, 0, {}, {}, {}, 0, 0, 0});
    reserve(nullptr, q.capacity, fmt::format("the pipe buffer of queue '{}'", q.name));
  }
  for (const ProcessSpec& spec : workload.processes) {
    if (spec.spawned) continue;
    for (std::uint32_t i = 0; i < spec.count && stop_ == KernelStop::kNone; ++i)
      start_process(nullptr, spec, i, nullptr);
  }
  loaded_ = true;
}

// Memory for something being created; a failure is recorded with the
// numbers, and stops the run unless the scenario says to carry on.
bool Kernel::reserve(Process* owner, std::uint64_t bytes, const std::string& what) {
  if (memory_.reserve(owner, bytes, what, now_ns())) return true;
  if (config_.memory.stop_when_exhausted) stop_run(KernelStop::kOutOfMemory);
  return false;
}

// The same, naming what it is for only if it does not fit.
bool Kernel::reserve(Process* owner, std::uint64_t bytes, const MemoryLabel& what) {
  return reserve(owner, bytes, memory_.fits(bytes) ? std::string() : what());
}

bool Kernel::attach_buffer(Context& c, const Program& program, Process* owner,
                           const MemoryLabel& what) {
  const std::uint64_t bytes = io_buffer_bytes(program, config_.map.sector_bytes);
  if (bytes == 0) return true;
  if (!reserve(owner, bytes, [&] { return "the I/O buffer of " + what(); })) return false;
  const auto address = buffers_.allocate(bytes);
  if (!address) {  // enough memory in total, but not in one piece
    memory_.release(owner, bytes);
    memory_.fail("the I/O buffer of " + what() + " (RAM is fragmented)", bytes, now_ns());
    if (config_.memory.stop_when_exhausted) stop_run(KernelStop::kOutOfMemory);
    return false;
  }
  c.buffer = *address;
  c.buffer_bytes = bytes;
  return true;
}

// A device may still be writing into the buffer: then it is freed when the
// request ends (io_done).
void Kernel::free_buffer(Context& c, Process* owner) {
  if (c.buffer_bytes == 0) return;
  if (c.io_in_flight) {
    c.free_after_io = true;
    return;
  }
  buffers_.free(c.buffer, c.buffer_bytes);
  memory_.release(owner, c.buffer_bytes);
  c.buffer_bytes = 0;
}

// The address space and the objects of a process, without threads. Its
// base size counts against memory; null when it does not fit.
Process* Kernel::new_process(const std::string& name, const ProcessSpec& spec, Process* parent) {
  Process& p = processes_.emplace_back();
  p.id = processes_.size() - 1;
  p.name = name;
  p.spec = &spec;
  p.runtime = spec.runtime;
  p.parent = parent;
  p.start = now_ns();
  ++counters_.processes_created;
  ++live_processes_;
  const std::uint64_t base =
      p.runtime == Runtime::kPython ? config_.memory.python_process : config_.memory.native_process;
  if (!reserve(&p, base, fmt::format("process '{}'", p.name))) {
    p.done = true;
    p.finish = now_ns();
    --live_processes_;
    return nullptr;
  }
  p.base_bytes = base;
  p.objects = make_sync_set(spec.objects);
  for (const PoolSpec& pool : spec.pools)
    p.pools.push_back(Pool{&pool, &p, {}, {}, {}, 0});
  p.by_spec.resize(spec.threads.size());  // a pool worker process may spawn and join them too
  return &p;
}

Process* Kernel::start_process(Core* core, const ProcessSpec& spec, std::uint32_t instance,
                               Process* parent) {
  Process* created = new_process(instance_name(spec.name, spec.count, instance), spec, parent);
  if (!created) return nullptr;
  Process& p = *created;
  for (std::size_t i = 0; i < spec.threads.size() && stop_ == KernelStop::kNone; ++i) {
    const ThreadSpec& ts = spec.threads[i];
    if (ts.spawned) continue;
    for (std::uint32_t k = 0; k < ts.count; ++k) {
      // Other threads start once the interpreter is up (the main thread starts them).
      const bool main = i == 0 && k == 0;
      const Ns delay = !main && p.runtime == Runtime::kPython ? config_.costs.python_startup : 0;
      Thread* t = create_thread(core, p, ts, ts.program, instance_name(ts.name, ts.count, k),
                                ts.start + delay);
      if (t) p.by_spec[i].push_back(t);
    }
  }
  if (!p.main) p.main_done = true;  // its main thread could not be created
  check_process_end(core, p);
  return &p;
}

Thread* Kernel::create_thread(Core* core, Process& p, const ThreadSpec& spec,
                              const Program& program, const std::string& name, Ns start) {
  const MemoryLabel what = [&] { return fmt::format("thread '{}' of process '{}'", name, p.name); };
  const std::uint64_t bytes = config_.memory.thread_stack + config_.memory.thread_kernel;
  if (!reserve(&p, bytes, what)) return nullptr;
  auto id = static_cast<std::uint64_t>(threads_.size());
  auto owned = std::make_unique<Thread>(id, name, p, spec, program, config_.seed);
  Thread& t = *owned;
  if (!attach_buffer(t.main, program, &p, what)) {
    memory_.release(&p, bytes);
    return nullptr;
  }
  threads_.push_back(std::move(owned));
  ++counters_.threads_created;
  p.threads.push_back(&t);
  ++p.live_threads;
  if (!p.main) {
    p.main = &t;
    if (p.runtime == Runtime::kPython) t.startup = config_.costs.python_startup;
  }
  if (!spec.daemon) ++p.live_non_daemon;
  t.stats.arrival = now_ns() + start;
  t.state_since = t.stats.arrival;
  if (start > 0) {
    add_timeout(core, t.stats.arrival, Timeout{Timeout::Kind::kWake, &t, nullptr, 0});
  } else {
    make_ready(core, t, IOSIM_READY_ARRIVED);
  }
  return &t;
}

std::string Kernel::thread_label(const Thread& t) const {
  return fmt::format("thread '{}' of process '{}'", t.name, t.process->name);
}

// `spawn NAME`: every instance of a thread of this process, or of a process.
// Creating each costs kernel time on the spawner's core.
bool Kernel::sys_spawn(Core& core, Thread& t, const Op& op) {
  // Accounted instance by instance: a run stopped in the middle (memory)
  // still shows the time spent so far.
  auto kernel_work = [&](auto&& work) {
    SysClock clock(core);
    work();
    t.stats.sys += clock.elapsed();
  };
  kernel_work([&] { syscall_entry(core); });
  Process& p = *t.process;
  if (op.ref.kind == RefKind::kThread) {
    const ThreadSpec& ts = p.spec->threads[op.ref.index];
    for (std::uint32_t k = 0; k < ts.count && stop_ == KernelStop::kNone; ++k) {
      kernel_work([&] {
        core.spend(config_.costs.thread_spawn);
        Thread* child =
            create_thread(&core, p, ts, ts.program, instance_name(ts.name, ts.count, k), 0);
        if (child) p.by_spec[op.ref.index].push_back(child);
      });
      interrupt_window(core);
    }
  } else {
    const ProcessSpec& ps = workload_->processes[op.ref.index];
    for (std::uint32_t k = 0; k < ps.count && stop_ == KernelStop::kNone; ++k) {
      kernel_work([&] {
        core.spend(config_.costs.process_spawn);
        start_process(&core, ps, k, &p);
      });
      interrupt_window(core);
    }
  }
  kernel_work([&] { core.spend(config_.costs.syscall_exit); });
  advance(*t.ctx);
  return true;
}

// What `join NAME` still waits for: the joiners list of the first instance
// not ended, and the thread it waits on (the target, or the process's main
// thread); null when every instance has ended (or never started).
std::vector<Thread*>* Kernel::join_target(Thread& t, const Op& op, Thread** blocker) {
  *blocker = nullptr;
  if (op.ref.kind == RefKind::kThread) {
    for (Thread* target : t.process->by_spec[op.ref.index]) {
      if (target->state == ThreadState::kDone) continue;
      *blocker = target;
      return &target->joiners;
    }
    return nullptr;
  }
  const ProcessSpec* spec = &workload_->processes[op.ref.index];
  for (Process& p : processes_) {
    if (p.spec != spec || p.worker_of || p.done) continue;
    if (p.main && p.main->state != ThreadState::kDone) *blocker = p.main;
    return &p.joiners;
  }
  return nullptr;
}

// `join NAME`: wait until every instance has ended. A woken joiner runs the
// step again, so it waits for the next one still running. Instances never
// started count as ended. The target may end while the joiner enters the
// kernel, so it looks again from inside.
bool Kernel::sys_join(Core& core, Thread& t, const Op& op) {
  Thread* blocker = nullptr;
  if (join_target(t, op, &blocker)) {
    SysClock clock(core);
    syscall_entry(core);
    if (std::vector<Thread*>* joiners = join_target(t, op, &blocker)) {
      joiners->push_back(&t);
      block(core, t, ThreadState::kWaiting, WaitKind::kJoin, "wait", clock);
      t.blocker = blocker;
      return false;
    }
    syscall_return(core, t, clock);
  }
  advance(*t.ctx);
  return true;
}

void Kernel::wake_joiners(Core* core, std::vector<Thread*>& joiners) {
  for (Thread* j : joiners)
    if (j->state == ThreadState::kWaiting) make_ready(core, *j, IOSIM_READY_WOKEN);
  joiners.clear();
}

void Kernel::sys_exit(Core& core, Thread& t) {
  SysClock clock(core);
  syscall_entry(core);
  if (t.holds_gil) release_gil(core, t);
  leave_core(core, t, "exit");
  end_thread(&core, t);
  t.stats.sys += clock.elapsed();
  // Its exit ends when the teardown it caused (its process's, if it was the
  // last) is done: finish - arrival = CPU time + waits stays true.
  t.stats.finish = now_ns();
}

// The thread is off every core: release what it holds and tell who waits.
void Kernel::end_thread(Core* core, Thread& t) {
  if (t.holds_gil && core) release_gil(*core, t);
  set_state(t, ThreadState::kDone);
  t.stats.finish = now_ns();
  Process& p = *t.process;
  memory_.release(&p, config_.memory.thread_stack + config_.memory.thread_kernel);
  free_buffer(t.main, &p);
  if (t.loop) cancel_tasks(t);
  wake_joiners(core, t.joiners);
  --p.live_threads;
  if (!t.spec->daemon) --p.live_non_daemon;
  if (&t == p.main) p.main_done = true;
  check_process_end(core, p);
}

void Kernel::check_process_end(Core* core, Process& p) {
  if (!p.done && p.main_done && p.live_non_daemon == 0) end_process(core, p);
}

void Kernel::end_process(Core* core, Process& p) {
  p.done = true;
  for (Thread* t : p.threads)
    kill_thread(core, *t);
  for (Process* worker : p.worker_processes)
    if (!worker->done) end_process(core, *worker);
  if (core) core->spend(config_.costs.process_exit);
  memory_.release(&p, p.base_bytes);
  p.finish = now_ns();
  wake_joiners(core, p.joiners);
  if (--live_processes_ == 0 && loaded_) {
    finished_at_ = now_ns();
    if (finish_) finish_();
  }
}

// A daemon thread or pool worker whose process ended. A thread on a core is
// told to stop (return_to_user ends it); any other ends here.
void Kernel::kill_thread(Core* core, Thread& t) {
  if (t.state == ThreadState::kDone || t.killed) return;
  t.killed = true;
  if (t.state == ThreadState::kRunning) {
    for (std::size_t c = 0; c < running_.size(); ++c)
      if (running_[c] == &t && core && c != static_cast<std::size_t>(core->id()))
        resched_core(*core, c);
    return;
  }
  if (t.state == ThreadState::kReady) {
    --ready_;  // pick() drops it (and tells the policy) when the policy returns it
  } else {
    policy_->exit(task_view(t, IOSIM_READY_ARRIVED), now_ns());
  }
  if (t.holds_gil) {
    t.holds_gil = false;
    t.process->gil.holder = nullptr;
    gil_changed(*t.process);
  }
  end_thread(core, t);
}

}  // namespace iosim
