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
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "devices/cpu.h"
#include "devices/ram.h"
#include "kernel/disk_driver.h"
#include "kernel/kernel_config.h"
#include "kernel/nic_driver.h"
#include "kernel/queued_device_driver.h"
#include "kernel/scheduler.h"
#include "kernel/thread.h"

namespace iosim {

struct KernelCounters {
  std::uint64_t context_switches = 0, preemptions = 0, interrupts = 0, syscalls = 0;
  std::uint64_t nested_interrupts = 0;  // trap entries while a handler was already running
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

// One stretch of a thread on a core, for timelines and tests.
struct Slice {
  int core;
  std::uint64_t thread;
  Ns start, end;
  const char* ended_by;  // "preempted", "blocked", "sleep", "yield", "exit"
};

class Kernel : public CoreSoftware {
 public:
  Kernel(KernelConfig config, std::unique_ptr<sched::Policy> policy, Cpu& cpu, Ram& ram);

  // Before the simulation starts. Throws std::runtime_error if RAM runs out.
  std::uint64_t add_thread(std::string name, std::string process, const Program& program, Ns start);
  void on_all_done(std::function<void()> callback) { all_done_ = std::move(callback); }

  void run(Core& core) override;

  const std::vector<std::unique_ptr<Thread>>& threads() const { return threads_; }
  const KernelCounters& counters() const { return counters_; }
  const std::vector<Slice>& schedule() const { return schedule_; }
  const sched::Policy& policy() const { return *policy_; }
  bool all_done() const { return live_ == 0; }
  Ns finish_time() const { return finished_at_; }

 private:
  // The scheduler loop and the life of a thread on a core.
  void boot(Core& core);
  Thread* pick(Core& core);
  void dispatch(Core& core, Thread& t);
  void run_thread(Core& core, Thread& t);
  bool return_to_user(Core& core, Thread& t);
  bool step(Core& core, Thread& t);
  void advance(Thread& t);
  void leave_core(Core& core, Thread& t, const char* why);

  // Interrupts.
  void trap(Core& core);
  void interrupt_window(Core& core);
  DriverHooks io_hooks();
  void handle_irq(Core& core, int line);
  void expire_sleepers(Core& core);
  void arm_sys_timer(Core& core);
  void arm_quantum(Core& core, Thread& t);

  // Syscalls.
  void syscall_entry(Core& core, Thread& t);
  bool sys_disk(Core& core, Thread& t, const Op& op);
  bool sys_sleep(Core& core, Thread& t, Ns duration);
  bool sys_fetch(Core& core, Thread& t, const Op& op);
  void sys_yield(Core& core, Thread& t);
  void sys_exit(Core& core, Thread& t);
  void io_done(Core& core, IoRequest& request);
  bool finish_or_block(Core& core, Thread& t, bool done, const SysClock& clock);
  void account_io(Thread& t, const IoRequest& r);
  void start_core_timer(Core& core);

  // State changes with their accounting.
  void set_state(Thread& t, ThreadState s);
  void make_ready(Core& core, Thread& t, iosim_ready_reason reason);
  void kick_idle_core(Core& core);
  sched::Task task_view(const Thread& t, iosim_ready_reason reason) const;

  KernelConfig config_;
  std::unique_ptr<sched::Policy> policy_;
  Cpu& cpu_;
  Ram& ram_;
  QueuedDeviceDriver disk_, nic_;
  std::vector<std::unique_ptr<Thread>> threads_;
  std::uint64_t next_buffer_;
  std::uint64_t live_ = 0, ready_ = 0;
  Ns finished_at_ = -1;
  std::function<void()> all_done_;
  KernelCounters counters_;
  std::vector<Slice> schedule_;

  // Per core.
  std::vector<Thread*> running_;
  std::vector<std::uint64_t> last_thread_;  // for context-switch accounting
  std::vector<Ns> slice_start_, slice_end_;
  std::vector<bool> need_resched_, idle_, kicked_;

  // Sleeping and not-yet-arrived threads, by wake-up time (ties: arrival order).
  std::multimap<Ns, Thread*> sleepers_;
  Ns sys_timer_armed_ = -1;
};

}  // namespace iosim
