/* iosim scheduler interface: the one header a scheduling policy needs.
 *
 * The kernel owns the threads; a policy owns the ready queue. The kernel
 * tells the policy when a task becomes ready (enqueue) and asks it which task
 * a core should run next (pick) and for how long (timeslice_ns). That is all
 * a policy decides. Built-in policies (FCFS, Round-Robin) implement exactly
 * this interface, and so does a student's.
 *
 * Two ways to implement it:
 *  - C++: derive from iosim::sched::Policy.
 *  - C (or any language with a C ABI): export `iosim_scheduler_policy`,
 *    returning a table of functions (iosim_policy_ops), from a shared library.
 *
 * The kernel checks every decision: picking a task that is not ready ends the
 * run with an error naming the task. No SystemC here, and nothing but the C
 * and C++ standard libraries.
 */
#ifndef IOSIM_SCHEDULER_H
#define IOSIM_SCHEDULER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOSIM_SCHED_ABI_VERSION 1u
#define IOSIM_NO_TASK UINT64_MAX

/* Why a task became ready. */
enum iosim_ready_reason {
  IOSIM_READY_ARRIVED = 0,   /* it just started */
  IOSIM_READY_WOKEN = 1,     /* its I/O completed or its sleep ended */
  IOSIM_READY_PREEMPTED = 2, /* its time slice ran out */
  IOSIM_READY_YIELDED = 3    /* it gave up the core itself */
};

/* What a policy may know about a task. Times are integer nanoseconds. */
typedef struct iosim_task {
  uint64_t id;           /* stable, 0-based, unique for the run */
  const char* name;      /* the thread's name in the scenario */
  int64_t arrival_ns;    /* when it started */
  int64_t cpu_ns;        /* CPU time used so far (user + system) */
  int64_t last_burst_ns; /* length of its previous CPU burst, 0 if none yet */
  int32_t reason;        /* an iosim_ready_reason */
  int32_t reserved;
} iosim_task;

typedef struct iosim_policy_ops {
  uint32_t abi_version; /* IOSIM_SCHED_ABI_VERSION */
  const char* name;
  /* Creates the policy's state; quantum_ns is the scenario's kernel.quantum. */
  void* (*create)(int64_t quantum_ns);
  void (*destroy)(void* self);
  /* `task` is ready to run (it is not queued already). */
  void (*enqueue)(void* self, const iosim_task* task, int64_t now_ns);
  /* Removes and returns the id of the task `core` should run, or IOSIM_NO_TASK. */
  uint64_t (*pick)(void* self, int32_t core, int64_t now_ns);
  /* How long `task` may run before it is preempted; 0 = until it blocks. */
  int64_t (*timeslice_ns)(void* self, const iosim_task* task);
} iosim_policy_ops;

/* The symbol a policy library exports. */
typedef const iosim_policy_ops* (*iosim_policy_entry_fn)(void);
const iosim_policy_ops* iosim_scheduler_policy(void);

#ifdef __cplusplus
} /* extern "C" */

namespace iosim::sched {

using Task = iosim_task;

class Policy {
 public:
  virtual ~Policy() = default;
  virtual const char* name() const = 0;
  virtual void enqueue(const Task& task, int64_t now_ns) = 0;
  virtual uint64_t pick(int core, int64_t now_ns) = 0;  // IOSIM_NO_TASK if none
  virtual int64_t timeslice_ns(const Task& task) = 0;   // 0 = until it blocks
};

}  // namespace iosim::sched
#endif

#endif /* IOSIM_SCHEDULER_H */
