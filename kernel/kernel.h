// The toy kernel. It runs on every core of the Cpu (it is the CoreSoftware
// each core executes), in simulated time: every context switch, syscall,
// interrupt entry and exit, and driver register access costs time on the
// core that does it.
//
// The path of one DMA read, in the order it happens:
//   run_thread()  the thread's next step is `read`
//   sys_disk()    syscall entry; QueuedDeviceDriver::start() programs the controller;
//                 the thread blocks and the core goes back to run()'s loop
//   ... the disk seeks, rotates, transfers; the DMA engine copies to RAM ...
//   trap()        the controller's interrupt arrives on a core
//   QueuedDeviceDriver::interrupt() reaps the completion -> io_done() -> make_ready()
//   run()         the scheduler loop: pick() asks the policy, which returns
//                 the thread; dispatch() pays the syscall's exit cost and
//                 run_thread() goes on with its next step.
//
// The kernel's code is split by subject: kernel.cpp (scheduler loop,
// interrupts, thread states), kernel_io.cpp (disk, network, sleep),
// kernel_process.cpp (creating and ending threads and processes, memory),
// kernel_sync.cpp (mutexes, semaphores, conditions, shared variables,
// queues, the GIL), kernel_loop.cpp (event loops and pools).
#pragma once

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "devices/cpu.h"
#include "devices/ram.h"
#include "kernel/disk_driver.h"
#include "kernel/event_loop.h"
#include "kernel/kernel_config.h"
#include "kernel/memory.h"
#include "kernel/nic_driver.h"
#include "kernel/process.h"
#include "kernel/queued_device_driver.h"
#include "kernel/scheduler.h"
#include "kernel/thread.h"
#include "kernel/workload.h"
#include "sim/probe.h"

namespace iosim {

struct KernelCounters {
  std::uint64_t context_switches = 0, preemptions = 0, interrupts = 0, syscalls = 0;
  std::uint64_t nested_interrupts = 0;  // trap entries while a handler was already running
  std::uint64_t migrations = 0, gil_switches = 0, program_errors = 0;
  std::uint64_t threads_created = 0, processes_created = 0, tasks_created = 0;
};

// Kernel time spent on a thread's behalf during a syscall: the time since it
// began, minus interrupts the core handled meanwhile (at interrupt windows),
// which belong to no thread.
class SysClock {
 public:
  explicit SysClock(const Core& core)
      : core_(core), start_(now_ns()), irq_(core.time_in(CoreMode::kIrq)) {}
  Ns elapsed() const { return now_ns() - start_ - (core_.time_in(CoreMode::kIrq) - irq_); }

 private:
  const Core& core_;
  Ns start_, irq_;
};

// How reports, traces and messages name a thread: "process/thread".
inline std::string qualified_name(const Thread& t) {
  return t.process->name + "/" + t.name;
}

// One stretch of a thread on a core, for timelines and tests.
struct Slice {
  int core;
  std::uint64_t thread;
  Ns start, end;
  const char* ended_by;  // "preempted", "blocked", "sleep", "yield", "wait", "exit", "killed"
};

// The milestones of one I/O request, for `iosim explain` (logged with the
// schedule). Times are -1 until they happen.
struct IoRecord {
  std::uint64_t thread = 0;
  IoRequest::Kind kind = IoRequest::Kind::kDiskRead;
  std::uint64_t bytes = 0, lba = 0;
  bool async = false;     // submitted by `await` from a coroutine: the thread did not block
  int core = -1;          // where the syscall ran
  int completed_on = -1;  // the core whose interrupt handler (or polling) saw it finish
  Ns syscall = -1;        // the thread entered the kernel
  Ns submitted = -1;      // the driver had programmed the device
  Ns blocked = -1;        // the thread left its core to wait
  Ns completed = -1;      // the kernel learned it had finished
  Ns resumed = -1;        // the thread was back on a core, returning from the syscall
  Ns done = -1;           // the syscall returned
};

// A line a program printed (`print`), with when and who.
struct ConsoleLine {
  Ns time;
  std::uint64_t thread;
  std::string task;  // the coroutine task that printed it ("fetcher#3"), or "" for the thread
  std::string text;
};

// A thread changed state (logged with the schedule, for timelines).
struct StateChange {
  Ns at;
  std::uint64_t thread;
  ThreadState state;
};

// Told what the kernel does as it happens, e.g. by a timeline writer.
class KernelObserver {
 public:
  virtual ~KernelObserver() = default;
  virtual void thread_state(Ns at, const Thread& t, ThreadState from, ThreadState to) = 0;
  virtual void ready_count(Ns at, std::uint64_t ready) = 0;
  virtual void memory_in_use(Ns at, std::uint64_t bytes) = 0;  // sampled at state changes
  virtual void io_finished(const IoRecord& r) = 0;             // needs the schedule log on
  // The GIL of python process `p` changed hands, or its number of waiters
  // changed: `holder` (null when free) and the threads waiting for it.
  virtual void gil_changed(Ns /*at*/, const Process& /*p*/, const Thread* /*holder*/,
                           std::uint64_t /*waiting*/) {}
};

// Told every scheduling decision as it is made, with what the policy was
// asked about: `iosim run --decisions` writes them down (grader/decision_log.h),
// and the grader checks them against the kernel's own state.
class DecisionObserver {
 public:
  virtual ~DecisionObserver() = default;
  virtual void readied(Ns at, const Thread& t, iosim_ready_reason reason) = 0;
  // The policy's answer to pick(core), before the kernel checks it: a thread
  // id, or IOSIM_NO_TASK.
  virtual void picked(Ns at, int core, std::uint64_t chosen) = 0;
  // The slice the policy gave a thread on `core` (0: until it blocks), at
  // dispatch and when a slice is renewed because nobody else is ready.
  virtual void granted(Ns at, int core, const Thread& t, Ns slice) = 0;
  virtual void left(const Slice& slice) = 0;
};

// What a thread that cannot run is waiting for, to explain a stall.
struct WaitInfo {
  std::uint64_t thread;
  std::string what;           // "lock 'm'", "the GIL", "I/O", "join 'worker'"...
  std::int64_t held_by = -1;  // the thread holding it, if one does
};

// Why the kernel stopped the machine before every process ended.
enum class KernelStop { kNone, kPolicyFault, kOutOfMemory };

struct PolicyFault {
  Ns time = 0;
  int core = 0;
  std::string message;  // what the policy chose and why it is wrong, with the ready set
};

class Kernel : public CoreSoftware {
 public:
  Kernel(KernelConfig config, std::unique_ptr<sched::Policy> policy, Cpu& cpu, Ram& ram);
  ~Kernel() override;

  // Before the simulation starts: creates the processes that start at boot
  // (the rest are spawned by programs). `workload` must outlive the kernel.
  void load(const Workload& workload);
  // Called once, when every process has ended or the kernel stopped the run.
  void on_finish(std::function<void()> callback) { finish_ = std::move(callback); }
  // Adds an observer (a waveform and a timeline may watch the same run).
  void observe(KernelObserver* observer) { observers_.push_back(observer); }
  void observe_decisions(DecisionObserver* observer) { decisions_ = observer; }

  void run(Core& core) override;

  const std::vector<std::unique_ptr<Thread>>& threads() const { return threads_; }
  const std::deque<Process>& processes() const { return processes_; }
  const std::deque<MessageQueue>& queues() const { return queues_; }
  const SyncSet& shared() const { return shared_; }
  const KernelCounters& counters() const { return counters_; }
  const MemoryAccount& memory() const { return memory_; }
  const std::vector<Slice>& schedule() const { return schedule_; }
  const std::vector<ConsoleLine>& console() const { return console_; }
  const std::vector<IoRecord>& io_log() const { return io_log_; }
  const std::vector<StateChange>& state_log() const { return state_log_; }
  const sched::Policy& policy() const { return *policy_; }
  bool all_done() const { return loaded_ && live_processes_ == 0; }
  KernelStop stopped() const { return stop_; }
  const PolicyFault& fault() const { return fault_; }
  Ns finish_time() const { return finished_at_; }
  std::uint64_t ready_count() const { return ready_; }
  Ns last_state_change() const { return last_change_; }  // when a thread last changed state
  // What the kernel shows in a waveform: the run-queue length, memory in use.
  std::vector<Probe*> probes() { return {&run_queue_probe_, &memory_probe_}; }
  // Every thread that is blocked, sleeping or waiting, and why.
  std::vector<WaitInfo> waits() const;
  // A cycle of threads each waiting for the next (a deadlock), or empty.
  std::vector<std::uint64_t> wait_cycle() const;
  // Nothing can ever make a live thread runnable again: each waits for
  // another, and no thread, timed event, I/O or kernel work is under way.
  // Only unasked-for interrupts (a periodic tick) may still come.
  bool stalled() const;

 private:
  // A timed kernel event: a thread's start or wake-up, a GIL drop check, an
  // event loop's poll timeout.
  struct Timeout {
    enum class Kind : std::uint8_t { kWake, kGilCheck, kLoopPoll } kind;
    Thread* thread = nullptr;
    Process* process = nullptr;
    std::uint64_t seq = 0;  // the GIL's switch count, or the loop's poll number
  };

  // kernel.cpp: the scheduler loop and the life of a thread on a core.
  void boot(Core& core);
  Thread* pick(Core& core);
  bool check_pick(Core& core, std::uint64_t id);
  void halt(Core& core);
  void dispatch(Core& core, Thread& t);
  void run_thread(Core& core, Thread& t);
  bool return_to_user(Core& core, Thread& t);
  bool step(Core& core, Thread& t);
  bool step_op(Core& core, Thread& t, const Op& op);
  bool pay(Core& core, Thread& t, Ns cost, double mem_share = 0);
  void advance(Context& c);
  void leave_core(Core& core, Thread& t, const char* why);
  void trap(Core& core);
  void interrupt_window(Core& core);
  DriverHooks io_hooks();
  void handle_irq(Core& core, int line);
  void core_tick(Core& core, std::size_t k);
  void expire_timeouts(Core& core);
  void add_timeout(Core* core, Ns at, Timeout timeout);
  void arm_sys_timer(Core& core);
  void arm_quantum(Core& core, Thread& t);
  void disarm_quantum(Core& core);
  void start_core_timer(Core& core);
  void set_state(Thread& t, ThreadState s, WaitKind wait = WaitKind::kNone);
  void make_ready(Core* core, Thread& t, iosim_ready_reason reason);
  bool kick_idle_core(Core& core, const Thread& t);
  void check_preemption(Core& core, const Thread& woken);
  void resched_core(Core& core, std::size_t c);
  sched::Task task_view(const Thread& t, iosim_ready_reason reason) const;
  void stop_run(KernelStop why);

  // kernel_io.cpp: syscalls that wait for a device or a time.
  void syscall_entry(Core& core);
  bool sys_disk(Core& core, Thread& t, const Op& op);
  bool sys_fetch(Core& core, Thread& t, const Op& op);
  void prepare_disk(Thread& t, Context& c, const Op& op);
  void prepare_fetch(Context& c, const Op& op);
  bool sys_sleep(Core& core, Thread& t, Ns duration);
  void sys_yield(Core& core, Thread& t);
  void io_done(Core& core, IoRequest& request);
  bool finish_or_block(Core& core, Thread& t, bool done, const SysClock& clock);
  void block(Core& core, Thread& t, ThreadState s, WaitKind wait, const char* why,
             const SysClock& clock);
  void syscall_return(Core& core, Thread& t, const SysClock& clock);
  void account_io(Thread& t, Context& c, const IoRequest& r);
  void log_io_start(Core& core, Thread& t, Context& c);
  IoRecord* io_record(Context& c);
  void io_record_done(Context& c);
  void ready_changed();
  void print(Thread& t, const Op& op);

  // kernel_process.cpp: creating and ending things, and memory.
  Process* new_process(const std::string& name, const ProcessSpec& spec, Process* parent);
  Process* start_process(Core* core, const ProcessSpec& spec, std::uint32_t instance,
                         Process* parent);
  Thread* create_thread(Core* core, Process& p, const ThreadSpec& spec, const Program& program,
                        const std::string& name, Ns start);
  bool reserve(Process* owner, std::uint64_t bytes, const std::string& what);
  bool reserve(Process* owner, std::uint64_t bytes, const MemoryLabel& what);
  bool attach_buffer(Context& c, const Program& program, Process* owner, const MemoryLabel& what);
  void free_buffer(Context& c, Process* owner);
  bool sys_spawn(Core& core, Thread& t, const Op& op);
  bool sys_join(Core& core, Thread& t, const Op& op);
  std::vector<Thread*>* join_target(Thread& t, const Op& op, Thread** blocker);
  void sys_exit(Core& core, Thread& t);
  void end_thread(Core* core, Thread& t);
  void check_process_end(Core* core, Process& p);
  void end_process(Core* core, Process& p);
  void kill_thread(Core* core, Thread& t);
  void wake_joiners(Core* core, std::vector<Thread*>& joiners);
  std::string thread_label(const Thread& t) const;

  // kernel_sync.cpp: threads waiting for each other.
  Mutex& mutex(Thread& t, const Op& op);
  Semaphore& semaphore(Thread& t, const Op& op);
  Condition& condition(Thread& t, const Op& op);
  std::int64_t& variable(Thread& t, const Op& op);
  bool sys_lock(Core& core, Thread& t, const Op& op);
  bool sys_unlock(Core& core, Thread& t, const Op& op);
  void release_mutex(Core& core, Mutex& m);
  void futex_wake(Core& core, Thread& t, const std::function<void()>& wake);
  bool sys_acquire(Core& core, Thread& t, const Op& op);
  bool sys_release(Core& core, Thread& t, const Op& op);
  bool sys_wait(Core& core, Thread& t, const Op& op);
  bool sys_notify(Core& core, Thread& t, const Op& op, bool all);
  bool sys_add(Core& core, Thread& t, const Op& op);
  bool sys_send(Core& core, Thread& t, const Op& op);
  bool sys_recv(Core& core, Thread& t, const Op& op);
  bool wait_on(Core& core, Thread& t, std::deque<Thread*>& queue, WaitKind wait,
               const std::function<bool()>& still_blocked);
  void wake_first(Core& core, std::deque<Thread*>& queue);
  static Thread* pop_waiter(std::deque<Thread*>& queue);
  void program_error(Thread& t, const Op& op, const std::string& what);
  bool needs_gil(const Thread& t, const Op& op) const;
  bool take_gil(Core& core, Thread& t);
  void grant_gil(Core& core, Process& p, Thread& t);
  void release_gil(Core& core, Thread& t);
  void arm_gil_check(Core& core, Process& p);
  void gil_check(Core& core, Process& p, std::uint64_t switches);
  void gil_changed(const Process& p);

  // kernel_loop.cpp: event loops and executor pools.
  bool sys_gather(Core& core, Thread& t, const Op& op);
  bool loop_step(Core& core, Thread& t);
  std::uint64_t create_tasks(Thread& t, const CoroutineSpec& spec, std::uint64_t n,
                             LoopTask* parent, bool root);
  bool loop_await(Core& core, Thread& t, const Op& op);
  void task_finished(Thread& t, LoopTask& task);
  void task_woken(Core& core, Thread& t, LoopTask& task);
  void collect(EventLoop& loop);
  void leave_loop(Thread& t);
  void cancel_tasks(Thread& t);
  bool loop_poll(Core& core, Thread& t);
  bool sys_map(Core& core, Thread& t, const Op& op);
  bool submit_work(Core& core, Thread& t, Pool& pool, WorkItem item);
  bool add_worker(Core& core, Thread& t, Pool& pool);
  bool spawn_worker(Core& core, Pool& pool);
  bool worker_next(Core& core, Thread& t);
  void work_done(Core& core, Thread& worker);
  Pool& pool_of(Thread& t, const Op& op);
  const CoroutineSpec& coroutine_of(Thread& t, const Op& op);

  KernelConfig config_;
  std::unique_ptr<sched::Policy> policy_;
  Cpu& cpu_;
  Ram& ram_;
  QueuedDeviceDriver disk_, nic_;
  const Workload* workload_ = nullptr;
  std::vector<std::unique_ptr<Thread>> threads_;
  std::deque<Process> processes_;
  std::deque<MessageQueue> queues_;
  SyncSet shared_;
  MemoryAccount memory_;
  BufferAllocator buffers_;
  bool loaded_ = false;
  std::uint64_t live_processes_ = 0, ready_ = 0;
  Ns finished_at_ = -1;
  Ns last_change_ = 0;
  std::function<void()> finish_;
  KernelStop stop_ = KernelStop::kNone;
  PolicyFault fault_;
  sc_core::sc_event halted_;  // never notified: a stopped kernel's cores wait on it
  KernelCounters counters_;
  std::vector<Slice> schedule_;
  std::vector<ConsoleLine> console_;
  std::vector<IoRecord> io_log_;
  std::vector<StateChange> state_log_;
  std::vector<KernelObserver*> observers_;
  DecisionObserver* decisions_ = nullptr;
  std::uint64_t memory_reported_ = 0;
  Probe run_queue_probe_{"kernel", "run_queue", 32};
  Probe memory_probe_{"kernel", "memory_in_use", 48};  // bytes, sampled at state changes

  // Per core.
  std::vector<Thread*> running_;
  // Picked but not yet running: dispatch() pays the context switch first, and
  // in that time no other core may take the same thread (a policy whose pick
  // leaves it queued would otherwise run it twice).
  std::vector<Thread*> dispatching_;
  std::vector<std::uint64_t> last_thread_;  // for context-switch accounting
  std::vector<Ns> slice_start_, slice_end_;
  std::vector<bool> need_resched_, idle_, kicked_;

  // Timed events (ties: the order they were added).
  std::multimap<Ns, Timeout> timeouts_;
  Ns sys_timer_armed_ = -1;
};

}  // namespace iosim
