/* prints-megabytes: prints 4 MiB when it is created and a line on every
 * decision. Printing is allowed: the run goes on, and the grader keeps the
 * first 64 KiB of the output and says it cut the rest.
 * Expected: no fault (the output is truncated). */
#include <iosim/scheduler.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

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

/* 4 MiB of numbered 64-byte lines. */
static void chatter(void) {
  static char block[64 * 1024 + 1]; /* + 1: snprintf's last NUL */
  const size_t size = sizeof block - 1;
  for (size_t line = 0; line < size / 64; line++)
    snprintf(block + 64 * line, 65, "%-63zu\n", line);
  for (int i = 0; i < 64; i++)
    fwrite(block, 1, size, stdout);
}

static void* create(const iosim_policy_config* config) {
  rr* self = calloc(1, sizeof(rr));
  if (self) self->quantum_ns = config->quantum_ns;
  chatter();
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
  printf("pick %d on core %d\n", ++q->picks, core);
  return take(q, core);
}

static int64_t timeslice_ns(void* self, const iosim_task* task, int32_t core) {
  (void)task;
  (void)core;
  return ((rr*)self)->quantum_ns;
}

static const iosim_policy_ops ops = {IOSIM_SCHED_ABI_VERSION, "rr-prints-megabytes", create, destroy,
                                     enqueue, pick, timeslice_ns, NULL, NULL, NULL, NULL};

const iosim_policy_ops* iosim_scheduler_policy(void) { return &ops; }
