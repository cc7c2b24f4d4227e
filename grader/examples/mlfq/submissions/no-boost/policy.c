/* MLFQ without the priority boost (rule 5 forgotten): once a long task has
 * sunk to the bottom level, a steady stream of new tasks on the top level
 * keeps it waiting for as long as the stream lasts. Everything else is the
 * model solution's. */
#include <iosim/scheduler.h>
#include <stdlib.h>
#include <string.h>

#define LEVELS 3
#define MS 1000000LL
#define ALLOTMENT (50 * MS)
#define BOOST 0 /* BUG: no boost */
static const int64_t QUANTA[LEVELS] = {10 * MS, 20 * MS, 40 * MS};

typedef struct {
  int level;
  int64_t used;   /* CPU used on this level */
  int64_t epoch;  /* the boost period it was last brought up to date in */
  int seen;       /* cpu_mark is valid */
  int64_t cpu_mark;
} row;

typedef struct {
  uint64_t seq, id, affinity;
} entry;

/* One level's queue, oldest first (by enqueue order). */
typedef struct {
  entry* items;
  size_t count, capacity;
} queue;

typedef struct {
  queue levels[LEVELS];
  row* rows;
  size_t nrows;
  uint64_t seq;
  int64_t boosted_epoch; /* the last boost applied to the queues */
  int64_t now;           /* the latest time seen */
} mlfq;

static int allows(uint64_t affinity, int32_t core) {
  if (core < 0) return 0;
  if (core >= 64) return affinity == UINT64_MAX;
  return (affinity >> core) & 1u;
}

static row* row_of(mlfq* p, uint64_t id) {
  if (id >= p->nrows) {
    size_t n = p->nrows ? p->nrows : 16;
    while (n <= id) n *= 2;
    p->rows = realloc(p->rows, n * sizeof *p->rows);
    memset(p->rows + p->nrows, 0, (n - p->nrows) * sizeof *p->rows);
    p->nrows = n;
  }
  return &p->rows[id];
}

static void push(queue* q, entry e) {
  if (q->count == q->capacity) {
    q->capacity = q->capacity ? 2 * q->capacity : 16;
    q->items = realloc(q->items, q->capacity * sizeof *q->items);
  }
  size_t i = q->count++;
  while (i > 0 && q->items[i - 1].seq > e.seq) { /* keep enqueue order */
    q->items[i] = q->items[i - 1];
    --i;
  }
  q->items[i] = e;
}

/* The index of the oldest entry that may run on `core`, or -1. */
static long first_for(const queue* q, int32_t core) {
  for (size_t i = 0; i < q->count; ++i)
    if (allows(q->items[i].affinity, core)) return (long)i;
  return -1;
}

static uint64_t take(queue* q, long i) {
  uint64_t id = q->items[i].id;
  memmove(q->items + i, q->items + i + 1, (q->count - (size_t)i - 1) * sizeof *q->items);
  --q->count;
  return id;
}

static int64_t epoch_at(int64_t now) { return BOOST > 0 && now > 0 ? now / BOOST : 0; }

/* Rule 5 for the queued tasks: everyone to the top, in enqueue order. */
static void boost_queues(mlfq* p, int64_t now) {
  if (now > p->now) p->now = now;
  int64_t epoch = epoch_at(p->now);
  if (epoch <= p->boosted_epoch) return;
  p->boosted_epoch = epoch;
  for (int level = 1; level < LEVELS; ++level) {
    queue* q = &p->levels[level];
    for (size_t i = 0; i < q->count; ++i) {
      row* r = row_of(p, q->items[i].id);
      r->level = 0;
      r->used = 0;
      r->epoch = epoch;
      push(&p->levels[0], q->items[i]);
    }
    q->count = 0;
  }
}

/* Charges the CPU used since the last look (rule 4), then a boost the task
 * has not seen yet (rule 5). */
static row* account(mlfq* p, const iosim_task* t, int64_t now) {
  boost_queues(p, now);
  row* r = row_of(p, t->id);
  if (r->seen && t->cpu_ns > r->cpu_mark) r->used += t->cpu_ns - r->cpu_mark;
  r->seen = 1;
  r->cpu_mark = t->cpu_ns;
  if (r->used >= ALLOTMENT) {
    if (r->level < LEVELS - 1) r->level++;
    r->used = 0;
  }
  int64_t epoch = epoch_at(p->now);
  if (r->epoch < epoch) {
    r->level = 0;
    r->used = 0;
    r->epoch = epoch;
  }
  return r;
}

static void* create(const iosim_policy_config* config) {
  (void)config; /* the quanta are the assignment's, not the scenario's quantum */
  return calloc(1, sizeof(mlfq));
}

static void destroy(void* self) {
  mlfq* p = self;
  for (int level = 0; level < LEVELS; ++level) free(p->levels[level].items);
  free(p->rows);
  free(p);
}

static void enqueue(void* self, const iosim_task* t, int64_t now) {
  mlfq* p = self;
  row* r = account(p, t, now);
  entry e = {p->seq++, t->id, t->affinity};
  push(&p->levels[r->level], e);
}

static uint64_t pick(void* self, int32_t core, int64_t now) {
  mlfq* p = self;
  boost_queues(p, now);
  for (int level = 0; level < LEVELS; ++level) {
    long i = first_for(&p->levels[level], core);
    if (i >= 0) return take(&p->levels[level], i);
  }
  return IOSIM_NO_TASK;
}

static int64_t timeslice_ns(void* self, const iosim_task* t, int32_t core) {
  mlfq* p = self;
  (void)core;
  return QUANTA[account(p, t, p->now)->level];
}

static void block(void* self, const iosim_task* t, int64_t now) { account(self, t, now); }

static void task_exit(void* self, const iosim_task* t, int64_t now) {
  mlfq* p = self;
  boost_queues(p, now);
  memset(row_of(p, t->id), 0, sizeof(row));
}

/* A timer tick: preempt if a more urgent level has a task for this core. */
static int32_t tick(void* self, int32_t core, const iosim_task* running, int64_t now) {
  mlfq* p = self;
  int level = account(p, running, now)->level;
  for (int l = 0; l < level; ++l)
    if (first_for(&p->levels[l], core) >= 0) return 1;
  return 0;
}

/* A task woke on a more urgent level than the running one: take its core. */
static int32_t preempt(void* self, const iosim_task* woken, const iosim_task* running,
                       int32_t core, int64_t now) {
  mlfq* p = self;
  (void)core;
  int running_level = account(p, running, now)->level;
  return row_of(p, woken->id)->level < running_level;
}

static const iosim_policy_ops ops = {IOSIM_SCHED_ABI_VERSION, "student-mlfq", create, destroy,
                                     enqueue, pick, timeslice_ns, block, task_exit, tick, preempt};

const iosim_policy_ops* iosim_scheduler_policy(void) { return &ops; }
