/* Your scheduling policy. It starts as a plain FIFO (first come, first served:
 * a task runs until it blocks or ends) that builds, runs and passes the
 * validity checks, so you start from green. Change it into what your
 * assignment asks for.
 *
 * The kernel owns the threads; the policy owns the ready queue. The kernel
 * tells you what happens to tasks (enqueue, block, exit) and asks you what to
 * run (pick) and for how long (timeslice_ns). It checks every answer: picking
 * a task that is not in your queue, or one whose affinity excludes the core,
 * stops the run with a policy fault. The whole interface, with every field of
 * iosim_task, is documented in <iosim/scheduler.h>.
 *
 * Rules the grader enforces: no files, no sockets, no processes, no threads;
 * each answer within a time limit; memory within a limit. Same inputs, same
 * answers: use config->seed if you need random numbers, never the clock. */
#include <iosim/scheduler.h>
#include <stdlib.h>
#include <string.h>

/* One queued task: its id and the cores it may run on. */
typedef struct {
  uint64_t id;
  uint64_t affinity;
} entry;

/* The policy's state: a growable array used as a queue, oldest first. */
typedef struct {
  entry* tasks;
  size_t count, capacity;
  int64_t quantum_ns;
} policy;

/* Called once, before anything else: allocate your state and return it. The
 * kernel passes it back as `self` to every other function. config holds the
 * scenario's quantum, the number of cores and a seed. */
static void* create(const iosim_policy_config* config) {
  policy* p = calloc(1, sizeof *p);
  if (p) p->quantum_ns = config->quantum_ns;
  return p;
}

/* Called once, at the end of the run: free what create allocated. */
static void destroy(void* self) {
  policy* p = self;
  free(p->tasks);
  free(p);
}

/* Called when a task becomes ready: it arrived, woke up from I/O or a sleep,
 * was preempted, or yielded (task->reason says which). It is not in your
 * queue yet: remember it. `task` is only valid during this call: copy what you
 * need (here its id and affinity), never keep the pointer. */
static void enqueue(void* self, const iosim_task* task, int64_t now_ns) {
  (void)now_ns;
  policy* p = self;
  if (p->count == p->capacity) {
    size_t capacity = p->capacity ? 2 * p->capacity : 64;
    entry* grown = realloc(p->tasks, capacity * sizeof *grown);
    if (!grown) abort();
    p->tasks = grown;
    p->capacity = capacity;
  }
  p->tasks[p->count].id = task->id;
  p->tasks[p->count].affinity = task->affinity;
  p->count++;
}

/* May task `e` run on `core`? Bit c of the affinity mask means core c. */
static int allowed(const entry* e, int32_t core) {
  return core >= 64 || ((e->affinity >> core) & 1u) != 0;
}

/* Called when `core` needs something to run. Remove the task it should run
 * from your queue and return its id, or IOSIM_NO_TASK to leave the core idle.
 * Only tasks you were given by enqueue (and not yet picked) are valid answers. */
static uint64_t pick(void* self, int32_t core, int64_t now_ns) {
  (void)now_ns;
  policy* p = self;
  for (size_t i = 0; i < p->count; i++) {
    if (!allowed(&p->tasks[i], core)) continue;
    uint64_t id = p->tasks[i].id;
    memmove(&p->tasks[i], &p->tasks[i + 1], (p->count - i - 1) * sizeof *p->tasks);
    p->count--;
    return id;
  }
  return IOSIM_NO_TASK;
}

/* Called right after pick: how long may `task` run on `core` before the kernel
 * preempts it (and calls enqueue with IOSIM_READY_PREEMPTED)? 0 = no limit:
 * it runs until it blocks, yields or ends. Round robin would return the
 * quantum from create's config. */
static int64_t timeslice_ns(void* self, const iosim_task* task, int32_t core) {
  (void)self;
  (void)task;
  (void)core;
  return 0;
}

/* Called when a running task leaves its core to wait (I/O, a sleep, a lock, a
 * join). It is not in your queue (it was running); nothing to return. */
static void block(void* self, const iosim_task* task, int64_t now_ns) {
  (void)self;
  (void)task;
  (void)now_ns;
}

/* Called when a running task ends. It will never be enqueued again. */
static void task_exit(void* self, const iosim_task* task, int64_t now_ns) {
  (void)self;
  (void)task;
  (void)now_ns;
}

/* Called on every timer interrupt of `core`, which is running `running`.
 * Return nonzero to preempt it now (for example, to boost priorities on a
 * schedule); 0 lets it go on. */
static int32_t tick(void* self, int32_t core, const iosim_task* running, int64_t now_ns) {
  (void)self;
  (void)core;
  (void)running;
  (void)now_ns;
  return 0;
}

/* Called when `woken` has just been enqueued while `running` runs on `core`.
 * Return nonzero to preempt `running` (say, `woken` is more urgent). */
static int32_t preempt(void* self, const iosim_task* woken, const iosim_task* running,
                       int32_t core, int64_t now_ns) {
  (void)self;
  (void)woken;
  (void)running;
  (void)core;
  (void)now_ns;
  return 0;
}

/* The table iosim reads. Optional entries may be NULL: a NULL timeslice_ns
 * means the scenario's quantum; NULL tick and preempt mean "never preempt". */
static const iosim_policy_ops ops = {
    IOSIM_SCHED_ABI_VERSION,
    "my-policy", /* shown in reports: give it your policy's name */
    create,
    destroy,
    enqueue,
    pick,
    timeslice_ns,
    block,
    task_exit,
    tick,
    preempt,
};

/* The one symbol iosim looks up in your library. */
const iosim_policy_ops* iosim_scheduler_policy(void) {
  return &ops;
}
