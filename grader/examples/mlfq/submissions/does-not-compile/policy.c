/* A submission that does not compile: a missing semicolon and a misspelt
 * type. The grader reports it as ungradable, with the compiler's messages. */
#include <iosim/scheduler.h>
#include <stdlib.h>

typedef struct {
  uint64_t ids[1024];
  size_t head, tail;
} fifo;

static void* create(const iosim_policy_config* config) {
  (void)config;
  return calloc(1, sizeof(fifo))
}

static void destroy(void* self) { free(self); }

static void enqueue(void* self, const iosim_task* t, int64_t now) {
  fifo* q = self;
  (void)now;
  q->ids[q->tail++ % 1024] = t->id;
}

static uint64_t pick(void* self, int32_t core, int64_t now) {
  fifo* q = self;
  (void)core, (void)now;
  return q->head == q->tail ? IOSIM_NO_TASK : q->ids[q->head++ % 1024];
}

static const iosim_policy_ops ops = {IOSIM_SCHED_ABI_VERSION, "fifo", create, destroy,
                                     enqueue, pick, NULL, NULL, NULL, NULL, NULL};

const iosim_policy_op* iosim_scheduler_policy(void) { return &ops; }
