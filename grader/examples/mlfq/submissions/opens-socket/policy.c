/* opens-socket: on its third decision, pick tries to connect to the network
 * (to send its results somewhere). Expected: forbidden_syscall (socket). */
#include <iosim/scheduler.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
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

static void phone_home(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to;
  memset(&to, 0, sizeof to);
  to.sin_family = AF_INET;
  to.sin_port = htons(80);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (s >= 0 && connect(s, (struct sockaddr*)&to, sizeof to) == 0) close(s);
}

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
    phone_home();
  }
  return take(q, core);
}

static int64_t timeslice_ns(void* self, const iosim_task* task, int32_t core) {
  (void)task;
  (void)core;
  return ((rr*)self)->quantum_ns;
}

static const iosim_policy_ops ops = {IOSIM_SCHED_ABI_VERSION, "rr-opens-socket", create, destroy,
                                     enqueue, pick, timeslice_ns, NULL, NULL, NULL, NULL};

const iosim_policy_ops* iosim_scheduler_policy(void) { return &ops; }
