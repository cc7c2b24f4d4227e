/* iosim scheduler interface: the one header a scheduling policy needs.
 *
 * The kernel owns the threads; a policy owns the ready queue(s). The kernel
 * tells the policy what happens to tasks and asks it what to run:
 *
 *   enqueue(task)        a task became ready: it arrived, woke up, was
 *                        preempted or yielded (task->reason says which)
 *   block(task)          a running task left its core to wait (I/O, a sleep,
 *                        a lock, a join...)                      [optional]
 *   exit(task)           a running task ended                    [optional]
 *   tick(core, running)  a timer interrupt on a core that runs `running`;
 *                        return nonzero to preempt it now        [optional]
 *   preempt(woken, running, core)
 *                        `woken` just became ready while `running` runs on
 *                        `core`: return nonzero to preempt it    [optional]
 *   pick(core)           which ready task should `core` run next?
 *   timeslice_ns(task, core)
 *                        how long it may run before the kernel preempts it
 *                        (0 = until it blocks, yields or exits)  [optional]
 *
 * Built-in policies (FCFS, SJF, SRTF, RR, priority, MLFQ, lottery, stride,
 * CFS) implement exactly this interface, and so does a student's.
 *
 * Two ways to implement it:
 *  - C++: derive from iosim::sched::Policy.
 *  - C (or any language with a C ABI): export `iosim_scheduler_policy`,
 *    returning a table of functions (iosim_policy_ops), from a shared library.
 *
 * The kernel checks every decision. Picking a task that is not ready, one that
 * runs on another core, one whose affinity excludes the core, or an unknown id
 * is a policy fault: the run stops and reports the time, the core, the choice
 * and the ready set. In cooperative mode the kernel never preempts (it ignores
 * time slices, tick and preempt answers).
 *
 * No SystemC here, and nothing but the C and C++ standard libraries.
 */
#ifndef IOSIM_SCHEDULER_H
#define IOSIM_SCHEDULER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOSIM_SCHED_ABI_VERSION 2u
#define IOSIM_NO_TASK UINT64_MAX

/* Why a task became ready. */
enum iosim_ready_reason {
  IOSIM_READY_ARRIVED = 0,   /* it was just created (or its start time came) */
  IOSIM_READY_WOKEN = 1,     /* what it waited for happened (I/O, sleep, lock, join...) */
  IOSIM_READY_PREEMPTED = 2, /* the kernel took its core away (slice over, tick or preempt) */
  IOSIM_READY_YIELDED = 3    /* it gave up the core itself */
};

/* What a policy may know about a task: a read-only view, rebuilt by the
 * kernel for every call. Times are integer nanoseconds. */
typedef struct iosim_task {
  uint64_t id;           /* stable, 0-based, unique for the run */
  const char* name;      /* the thread's name, e.g. "worker[3]" */
  const char* process;   /* its process's name */
  int32_t priority;      /* scenario `priority`: smaller = more urgent (default 0) */
  int32_t nice;          /* scenario `nice`, -20..19 (default 0): CFS weight */
  uint32_t tickets;      /* scenario `tickets` (default 100): lottery and stride share */
  int32_t last_core;     /* the core it last ran on, -1 if it never ran */
  uint64_t affinity;     /* bit c set: may run on core c (all bits set = anywhere) */
  int64_t arrival_ns;    /* when it was created */
  int64_t expected_ns;   /* declared CPU length (scenario `expected`), 0 = not declared */
  int64_t cpu_ns;        /* CPU time used so far (user + system), as of its last step */
  int64_t last_burst_ns; /* length of its previous CPU burst, 0 if none yet */
  int32_t reason;        /* an iosim_ready_reason (meaningful in enqueue) */
  int32_t reserved;
} iosim_task;

/* What the kernel tells a policy when it creates it. */
typedef struct iosim_policy_config {
  int64_t quantum_ns; /* the scenario's kernel.quantum */
  int32_t cores;      /* number of cores */
  int32_t reserved;
  uint64_t seed; /* for policies that draw random numbers (lottery) */
} iosim_policy_config;

typedef struct iosim_policy_ops {
  uint32_t abi_version; /* IOSIM_SCHED_ABI_VERSION */
  const char* name;
  void* (*create)(const iosim_policy_config* config);
  void (*destroy)(void* self);
  /* Required. `task` is ready to run (it is not queued already). */
  void (*enqueue)(void* self, const iosim_task* task, int64_t now_ns);
  /* Required. Removes and returns the id of the task `core` should run, or IOSIM_NO_TASK. */
  uint64_t (*pick)(void* self, int32_t core, int64_t now_ns);
  /* Optional (NULL: the quantum). 0 = no limit. */
  int64_t (*timeslice_ns)(void* self, const iosim_task* task, int32_t core);
  /* Optional notifications. */
  void (*block)(void* self, const iosim_task* task, int64_t now_ns);
  void (*exit)(void* self, const iosim_task* task, int64_t now_ns);
  int32_t (*tick)(void* self, int32_t core, const iosim_task* running, int64_t now_ns);
  int32_t (*preempt)(void* self, const iosim_task* woken, const iosim_task* running, int32_t core,
                     int64_t now_ns);
} iosim_policy_ops;

/* The symbol a policy library exports. */
typedef const iosim_policy_ops* (*iosim_policy_entry_fn)(void);
const iosim_policy_ops* iosim_scheduler_policy(void);

#ifdef __cplusplus
} /* extern "C" */

namespace iosim::sched {

using Task = iosim_task;
using Config = iosim_policy_config;

class Policy {
 public:
  virtual ~Policy() = default;
  virtual const char* name() const = 0;
  virtual void enqueue(const Task& task, int64_t now_ns) = 0;
  virtual uint64_t pick(int core, int64_t now_ns) = 0;           // IOSIM_NO_TASK if none
  virtual int64_t timeslice_ns(const Task& task, int core) = 0;  // 0 = until it blocks
  virtual void block(const Task&, int64_t) {}
  virtual void exit(const Task&, int64_t) {}
  virtual bool tick(int /*core*/, const Task& /*running*/, int64_t) { return false; }
  virtual bool preempt(const Task& /*woken*/, const Task& /*running*/, int /*core*/, int64_t) {
    return false;
  }
};

}  // namespace iosim::sched
#endif

#endif /* IOSIM_SCHEDULER_H */
