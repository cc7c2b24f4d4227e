/* execs: on its third decision, pick tries to replace the process with a shell.
 * Expected: forbidden_syscall (execve). */
#include <iosim/scheduler.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The ready queue: task ids and the cores each may run on, oldest first. */
typedef struct {
  uint64_t id;
  uint64_t affinity;
} entry;

typedef struct {
  entry* tasks;
  size_t count, capacity;
  int64_t quantum_ns;
  int picks; /* calls to pick so far */
} rr;

static void* create(const iosim_policy_config* config) {
  rr* self = calloc(1, sizeof(rr));
  if (self) self->quantum_ns = config->quantum_ns;
  return self;
}

static void destroy(void* self) {
  rr* q = self;
  free(q->tasks);
  free(q);
}

static void enqueue(void* self, const iosim_task* task, int64_t now_ns) {
  rr* q = self;
  (void)now_ns;
  if (q->count == q->capacity) {
    q->capacity = q->capacity ? 2 * q->capacity : 16;
    q->tasks = realloc(q->tasks, q->capacity * sizeof *q->tasks);
  }
  q->tasks[q->count].id = task->id;
  q->tasks[q->count].affinity = task->affinity;
  q->count++;
}

/* Removes and returns the oldest task that may run on `core`. */
static uint64_t take(rr* q, int32_t core) {
  for (size_t i = 0; i < q->count; i++) {
    if (core < 64 && !(q->tasks[i].affinity >> core & 1)) continue;
    uint64_t id = q->tasks[i].id;
    memmove(&q->tasks[i], &q->tasks[i + 1], (q->count - i - 1) * sizeof *q->tasks);
    q->count--;
    return id;
  }
  return IOSIM_NO_TASK;
}

static uint64_t pick(void* self, int32_t core, int64_t now_ns) {
  rr* q = self;
  (void)now_ns;
  if (++q->picks == 3) {
    execl("/bin/sh", "sh", "-c", "echo escaped", (char*)NULL);
  }
  return take(q, core);
}

static int64_t timeslice_ns(void* self, const iosim_task* task, int32_t core) {
  (void)task;
  (void)core;
  return ((rr*)self)->quantum_ns;
}

static const iosim_policy_ops ops = {IOSIM_SCHED_ABI_VERSION, "rr-execs", create, destroy,
                                     enqueue, pick, timeslice_ns, NULL, NULL, NULL, NULL};

const iosim_policy_ops* iosim_scheduler_policy(void) { return &ops; }
