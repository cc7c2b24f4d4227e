#include "app/thread_bound.h"

#include <algorithm>
#include <vector>

namespace iosim {
namespace {

// Counts with every sum and product saturating at `cap`, so a scenario
// that spawns in a loop, or spawns itself, stops the count there.
class ThreadBound {
 public:
  ThreadBound(const Workload& workload, std::uint64_t cap) : w_(workload), cap_(cap) {}

  std::uint64_t boot() {
    std::uint64_t n = 0;
    for (const ProcessSpec& p : w_.processes)
      if (!p.spawned) n = add(n, times(p.count, process(p, 0)));
    return n;
  }

 private:
  // Deeper than this, programs spawn what spawns them: assume the cap.
  static constexpr int kMaxDepth = 8;

  std::uint64_t add(std::uint64_t a, std::uint64_t b) const {
    return a >= cap_ - std::min(b, cap_) ? cap_ : a + b;
  }
  std::uint64_t times(std::uint64_t a, std::uint64_t b) const {
    if (a == 0 || b == 0) return 0;
    return a > cap_ / b ? cap_ : std::min(cap_, a * b);
  }

  // One instance of `p`: the threads that start with it, what they create,
  // and its pools' workers (a process pool's worker is a process of one thread).
  std::uint64_t process(const ProcessSpec& p, int depth) {
    if (depth > kMaxDepth) return cap_;
    std::uint64_t n = 0;
    for (const ThreadSpec& t : p.threads)
      if (!t.spawned) n = add(n, times(t.count, add(1, program(p, t.program, depth + 1))));
    for (const PoolSpec& pool : p.pools)
      n = add(n, pool.workers);
    return n;
  }

  // The threads one run of `program` creates (not counting the one running it).
  std::uint64_t program(const ProcessSpec& p, const Program& program, int depth) {
    if (depth > kMaxDepth) return cap_;
    std::uint64_t n = 0;
    std::vector<std::uint64_t> runs{1};  // how often the current step runs: repeats nest
    for (const Op& op : program.ops) {
      if (n == cap_) break;
      if (op.kind == OpKind::kRepeatBegin) {
        runs.push_back(times(runs.back(), op.count));
      } else if (op.kind == OpKind::kRepeatEnd && runs.size() > 1) {
        runs.pop_back();
      } else {
        n = add(n, times(runs.back(), step(p, op, depth)));
      }
    }
    return n;
  }

  std::uint64_t step(const ProcessSpec& p, const Op& op, int depth) {
    const std::uint32_t i = op.ref.index;
    switch (op.ref.kind) {
      case RefKind::kThread: {
        if (op.kind != OpKind::kSpawn) return 0;
        const ThreadSpec& t = p.threads[i];
        return times(t.count, add(1, program(p, t.program, depth + 1)));
      }
      case RefKind::kProcess: {
        if (op.kind != OpKind::kSpawn) return 0;
        const ProcessSpec& s = w_.processes[i];
        return times(s.count, process(s, depth + 1));
      }
      case RefKind::kCoroutine:  // gather N, create_task, await: tasks on this thread
        return times(op.kind == OpKind::kGather ? op.count : 1,
                     program(p, p.coroutines[i].program, depth + 1));
      case RefKind::kPool:  // map N, run_in_executor: items on the pool's workers
        return times(op.kind == OpKind::kMap ? op.count : 1,
                     program(p, p.pools[i].item, depth + 1));
      default:
        return 0;
    }
  }

  const Workload& w_;
  std::uint64_t cap_;
};

}  // namespace

std::uint64_t max_threads(const Workload& workload, std::uint64_t cap) {
  return ThreadBound(workload, cap).boot();
}

}  // namespace iosim
