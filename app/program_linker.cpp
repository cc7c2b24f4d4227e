// Names in programs: each named step gets the Ref of what it names, and steps
// are checked against the kind of program they are in. Threads, coroutines
// and pools are looked up in the step's own process; locks, semaphores,
// conditions and variables in its process, then in the shared-memory segment;
// queues in the whole scenario. An unknown name is reported with the closest
// declared name, or with how to declare it.
#include "app/program_linker.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

#include "sim/did_you_mean.h"

namespace iosim {
namespace {

// A program in the workload: whose it is, for resolving the names its steps use.
struct ProgramSite {
  enum Owner { kThread, kCoroutine, kPoolItem };
  std::size_t process;
  Owner owner;
  std::size_t index;  // in the process's threads, coroutines or pools
};

// A spawn step, checked once every program is resolved: each target starts once.
struct SpawnStep {
  Ref target;
  std::size_t process;  // whose thread, when the target is a thread
  bool repeated;        // inside a repeat block
  int line, column;
  std::string name;
};

// Calls f(program, site) for every program of the workload: threads',
// coroutines' and pools' work items, process by process.
template <typename F>
void for_each_program(Workload& workload, F f) {
  for (std::size_t p = 0; p < workload.processes.size(); ++p) {
    ProcessSpec& process = workload.processes[p];
    for (std::size_t i = 0; i < process.threads.size(); ++i)
      f(process.threads[i].program, ProgramSite{p, ProgramSite::kThread, i});
    for (std::size_t i = 0; i < process.coroutines.size(); ++i)
      f(process.coroutines[i].program, ProgramSite{p, ProgramSite::kCoroutine, i});
    for (std::size_t i = 0; i < process.pools.size(); ++i)
      f(process.pools[i].item, ProgramSite{p, ProgramSite::kPoolItem, i});
  }
}

// A size as the scenario loader writes it, exactly: 65536 -> "64KiB", 1000 -> "1000B".
std::string size_text(std::uint64_t bytes) {
  static constexpr std::pair<std::uint64_t, std::string_view> kUnits[] = {
      {1ULL << 40, "TiB"}, {1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"}};
  for (const auto& [multiplier, name] : kUnits) {
    if (bytes != 0 && bytes % multiplier == 0) return fmt::format("{}{}", bytes / multiplier, name);
  }
  return fmt::format("{}B", bytes);
}

template <typename T>
std::string_view name_of(const T& spec) {
  return spec.name;
}
std::string_view name_of(const std::string& name) {
  return name;
}
std::string_view name_of(std::string_view name) {
  return name;
}

template <typename T>
std::optional<std::uint32_t> find_named(const std::vector<T>& specs, std::string_view name) {
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (name_of(specs[i]) == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

template <typename T>
void add_names(const std::vector<T>& specs, std::vector<std::string_view>& names) {
  for (const T& spec : specs) {
    names.push_back(name_of(spec));
  }
}

std::string_view statement_of(const Op& op) {
  switch (op.kind) {
    case OpKind::kSpawn:
      return "spawn";
    case OpKind::kMap:
      return "map";
    case OpKind::kGather:
      return op.await ? "await" : "gather";
    case OpKind::kCreateTask:
      return "create_task";
    default:
      return "await";
  }
}

bool awaits(const Op& op) {
  return op.await || op.kind == OpKind::kAwaitTask || op.kind == OpKind::kRunInExecutor;
}

struct ObjectWords {
  std::string_view what;     // "lock"
  std::string_view declare;  // how to declare one named {0}
};

ObjectWords object_words(RefKind kind) {
  switch (kind) {
    case RefKind::kLock:
      return {"lock", "locks = [\"{}\"]"};
    case RefKind::kSemaphore:
      return {"semaphore", "semaphores = {{ {} = 1 }}"};
    case RefKind::kCondition:
      return {"condition", "conditions = {{ {} = \"LOCK\" }}"};
    default:
      return {"variable", "variables = {{ {} = 0 }}"};
  }
}

// The keys that declare objects of `kind`, for skipping names whose declaration had an error.
std::string_view object_key(RefKind kind) {
  switch (kind) {
    case RefKind::kLock:
      return "locks";
    case RefKind::kSemaphore:
      return "semaphores";
    case RefKind::kCondition:
      return "conditions";
    default:
      return "variables";
  }
}

std::vector<std::string_view> object_names(const SyncObjects& objects, RefKind kind) {
  std::vector<std::string_view> names;
  switch (kind) {
    case RefKind::kLock:
      add_names(objects.locks, names);
      break;
    case RefKind::kSemaphore:
      add_names(objects.semaphores, names);
      break;
    case RefKind::kCondition:
      add_names(objects.conditions, names);
      break;
    default:
      add_names(objects.variables, names);
      break;
  }
  return names;
}

class Linker {
 public:
  Linker(Workload& workload, const FailedDeclarations& failed)
      : workload_(workload), failed_(failed) {}
  std::vector<LinkError> run();

 private:
  void error(const Op& op, std::string message);
  void link_program(Program& program, const ProgramSite& site);
  bool check_placement(const Op& op, const ProgramSite& site);
  void link_step(Op& op, const ProgramSite& site, bool repeated);
  void link_thread_or_process(Op& op, const ProgramSite& site, bool repeated);
  bool check_self_reference(const Op& op, const ProgramSite& site);
  void link_object(Op& op, const ProgramSite& site, RefKind kind);
  void link_queue(Op& op);
  void link_member(Op& op, const ProgramSite& site, RefKind kind);
  void check_spawns();
  void unknown_name(const Op& op, std::string_view what, std::string_view in,
                    const std::vector<std::string_view>& candidates, std::string_view declare);

  Workload& workload_;
  const FailedDeclarations& failed_;
  std::vector<SpawnStep> spawns_;
  std::vector<LinkError> errors_;
};

std::vector<LinkError> Linker::run() {
  for_each_program(workload_,
                   [&](Program& program, const ProgramSite& site) { link_program(program, site); });
  check_spawns();
  return std::move(errors_);
}

void Linker::error(const Op& op, std::string message) {
  errors_.push_back({op.line, op.column, std::move(message)});
}

void Linker::link_program(Program& program, const ProgramSite& site) {
  int depth = 0;  // of repeat blocks
  for (Op& op : program.ops) {
    if (op.kind == OpKind::kRepeatBegin) ++depth;
    if (op.kind == OpKind::kRepeatEnd) --depth;
    if (check_placement(op, site)) link_step(op, site, depth > 0);
  }
}

// Only a coroutine runs on an event loop, so only it can await; a pool's
// work item runs on a worker, which neither waits for pools nor runs a loop.
bool Linker::check_placement(const Op& op, const ProgramSite& site) {
  if ((awaits(op) || op.kind == OpKind::kCreateTask) && site.owner != ProgramSite::kCoroutine) {
    error(op, fmt::format("'{}' is only allowed inside a coroutine ([[process.coroutine]]); a "
                          "thread runs coroutines with 'gather NAME N'",
                          statement_of(op)));
    return false;
  }
  if ((op.kind == OpKind::kMap || op.kind == OpKind::kGather) &&
      site.owner == ProgramSite::kPoolItem) {
    const PoolSpec& pool = workload_.processes[site.process].pools[site.index];
    error(op, fmt::format("'{}' is not allowed in the work item of pool '{}': a pool worker "
                          "runs plain code, not pools or event loops",
                          statement_of(op), pool.name));
    return false;
  }
  return true;
}

void Linker::link_step(Op& op, const ProgramSite& site, bool repeated) {
  switch (op.kind) {
    case OpKind::kSpawn:
    case OpKind::kJoin:
      return link_thread_or_process(op, site, repeated);
    case OpKind::kLock:
    case OpKind::kUnlock:
      return link_object(op, site, RefKind::kLock);
    case OpKind::kAcquire:
    case OpKind::kRelease:
      return link_object(op, site, RefKind::kSemaphore);
    case OpKind::kWait:
    case OpKind::kNotify:
    case OpKind::kNotifyAll:
      return link_object(op, site, RefKind::kCondition);
    case OpKind::kAdd:
      return link_object(op, site, RefKind::kVariable);
    case OpKind::kSend:
    case OpKind::kRecv:
      return link_queue(op);
    case OpKind::kMap:
    case OpKind::kRunInExecutor:
      return link_member(op, site, RefKind::kPool);
    case OpKind::kGather:
    case OpKind::kCreateTask:
    case OpKind::kAwaitTask:
      return link_member(op, site, RefKind::kCoroutine);
    default:
      return;
  }
}

// "unknown lock 'mx' in process 'app': did you mean 'm'?", or how to declare it.
void Linker::unknown_name(const Op& op, std::string_view what, std::string_view in,
                          const std::vector<std::string_view>& candidates,
                          std::string_view declare) {
  std::string message = fmt::format("unknown {} '{}'{}", what, op.name, in);
  if (const auto suggestion = closest_match(op.name, candidates)) {
    message += fmt::format(": did you mean '{}'?", *suggestion);
  } else if (candidates.empty()) {
    message += fmt::format(" (declare it: {})", declare);
  } else {
    // Few enough to read in one line; a long list would hide the advice.
    constexpr std::size_t kShown = 8;
    std::string names;
    for (std::size_t i = 0; i < candidates.size() && i < kShown; ++i)
      names += fmt::format("{}'{}'", i == 0 ? "" : ", ", candidates[i]);
    if (candidates.size() > kShown) names += ", ...";
    message += fmt::format(" (declared: {}; or declare it: {})", names, declare);
  }
  error(op, message);
}

// spawn and join name a thread of the same process or a process.
void Linker::link_thread_or_process(Op& op, const ProgramSite& site, bool repeated) {
  const std::vector<ProcessSpec>& processes = workload_.processes;
  const ProcessSpec& own = processes[site.process];
  const auto thread = find_named(own.threads, op.name);
  const auto process = find_named(processes, op.name);
  if (thread && process) {
    error(op, fmt::format("'{}' is both a thread of process '{}' and a process: rename one",
                          op.name, own.name));
    return;
  }
  if (!thread && !process) {
    std::vector<std::string_view> names;
    add_names(own.threads, names);
    add_names(processes, names);
    unknown_name(op, "thread or process", fmt::format(" in process '{}'", own.name), names,
                 fmt::format("[[process.thread]] or [[process]] with name = \"{}\"", op.name));
    return;
  }
  op.ref = thread ? Ref{RefKind::kThread, false, *thread} : Ref{RefKind::kProcess, false, *process};
  if (!check_self_reference(op, site) || op.kind != OpKind::kSpawn) return;
  if (thread && *thread == 0) {
    error(op, fmt::format("cannot spawn '{}': it is the main thread of process '{}' (its first "
                          "[[process.thread]]), which starts with its process",
                          op.name, own.name));
    return;
  }
  spawns_.push_back({op.ref, site.process, repeated, op.line, op.column, op.name});
}

// A thread cannot start itself or the process it runs in (they are running),
// nor wait for either to end (it would wait forever).
bool Linker::check_self_reference(const Op& op, const ProgramSite& site) {
  const std::string_view verb = op.kind == OpKind::kSpawn ? "spawn" : "join";
  const bool own_process = op.ref.kind == RefKind::kProcess && op.ref.index == site.process;
  const bool itself = op.ref.kind == RefKind::kThread && site.owner == ProgramSite::kThread &&
                      op.ref.index == site.index;
  if (own_process) {
    error(op, fmt::format("cannot {} '{}': it is the process this program runs in", verb, op.name));
  } else if (itself) {
    error(op, fmt::format("thread '{}' cannot {} itself", op.name, verb));
  }
  return !own_process && !itself;
}

// The process's own objects first, then the shared-memory segment's.
void Linker::link_object(Op& op, const ProgramSite& site, RefKind kind) {
  const ProcessSpec& process = workload_.processes[site.process];
  const std::vector<std::string_view> own = object_names(process.objects, kind);
  const std::vector<std::string_view> common = object_names(workload_.shared, kind);
  if (const auto index = find_named(own, op.name)) {
    op.ref = {kind, false, *index};
    return;
  }
  if (const auto index = find_named(common, op.name)) {
    op.ref = {kind, true, *index};
    return;
  }
  // An object whose declaration had an error has been reported already.
  const std::string_view key = object_key(kind);
  const bool own_failed =
      site.process < failed_.processes.size() && failed_.processes[site.process].contains(key);
  if (own_failed || failed_.shared.contains(key)) return;
  std::vector<std::string_view> names = own;
  names.insert(names.end(), common.begin(), common.end());
  const ObjectWords words = object_words(kind);
  unknown_name(op, words.what, fmt::format(" in process '{}'", process.name), names,
               fmt::format(fmt::runtime(words.declare), op.name) + " in [[process]] or [shared]");
}

// Queues are scenario-wide: any process may send to or receive from any queue.
void Linker::link_queue(Op& op) {
  const std::vector<QueueSpec>& queues = workload_.queues;
  const auto index = find_named(queues, op.name);
  if (!index) {
    std::vector<std::string_view> names;
    add_names(queues, names);
    unknown_name(op, "queue", "", names, fmt::format("[[queue]] with name = \"{}\"", op.name));
    return;
  }
  op.ref = {RefKind::kQueue, false, *index};
  const QueueSpec& queue = queues[*index];
  if (op.kind == OpKind::kSend && op.bytes > queue.capacity) {
    error(op, fmt::format("send of {} is larger than queue '{}' (capacity {}): a message must fit "
                          "in the queue",
                          size_text(op.bytes), queue.name, size_text(queue.capacity)));
  }
}

// Pools and coroutines belong to the process whose programs use them.
void Linker::link_member(Op& op, const ProgramSite& site, RefKind kind) {
  const ProcessSpec& process = workload_.processes[site.process];
  const bool pool = kind == RefKind::kPool;
  const auto index =
      pool ? find_named(process.pools, op.name) : find_named(process.coroutines, op.name);
  if (index) {
    op.ref = {kind, false, *index};
    return;
  }
  std::vector<std::string_view> names;
  if (pool) {
    add_names(process.pools, names);
  } else {
    add_names(process.coroutines, names);
  }
  unknown_name(
      op, pool ? "pool" : "coroutine", fmt::format(" in process '{}'", process.name), names,
      fmt::format("[[process.{}]] with name = \"{}\"", pool ? "pool" : "coroutine", op.name));
}

// A thread or process starts once: one spawn step, outside any loop. The
// later step (in file order) is the one reported.
void Linker::check_spawns() {
  std::stable_sort(spawns_.begin(), spawns_.end(), [](const SpawnStep& a, const SpawnStep& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  std::map<std::tuple<RefKind, std::size_t, std::uint32_t>, int> first_line;
  for (const SpawnStep& spawn : spawns_) {
    const std::size_t owner = spawn.target.kind == RefKind::kThread ? spawn.process : 0;
    const auto [it, inserted] =
        first_line.emplace(std::tuple(spawn.target.kind, owner, spawn.target.index), spawn.line);
    std::vector<ProcessSpec>& processes = workload_.processes;
    if (spawn.target.kind == RefKind::kThread) {
      processes[spawn.process].threads[spawn.target.index].spawned = true;
    } else {
      processes[spawn.target.index].spawned = true;
    }
    if (inserted && !spawn.repeated) continue;
    const std::string where =
        inserted ? "inside a repeat block" : fmt::format("also on line {}", it->second);
    errors_.push_back({spawn.line, spawn.column,
                       fmt::format("'{}' is spawned more than once ({}): a thread or process "
                                   "starts once; give it count = N for several",
                                   spawn.name, where)});
  }
}

}  // namespace

std::vector<LinkError> link_programs(Workload& workload, const FailedDeclarations& failed) {
  return Linker(workload, failed).run();
}

}  // namespace iosim
