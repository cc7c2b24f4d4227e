// What runs on the machine: processes, their threads, coroutines, pools and
// synchronisation objects, as a scenario declares them. The kernel creates
// everything from this at boot and as programs spawn things. Names in
// programs are resolved to indexes into these tables (kernel/program.h, Ref).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/program.h"
#include "sim/ns.h"

namespace iosim {

enum class Runtime : std::uint8_t { kNative, kPython };

struct ThreadSpec {
  std::string name;
  Ns start = 0;             // after its process starts; ignored for spawned threads
  std::uint32_t count = 1;  // instances, named name[0] .. name[count-1] when count > 1
  bool daemon = false;      // killed when its process's main thread ends
  bool spawned = false;     // started by a `spawn` step, not when its process starts
  int priority = 0;         // smaller = more urgent
  int nice = 0;             // -20 .. 19
  std::uint32_t tickets = 100;
  Ns expected = 0;             // declared CPU length (SJF, SRTF); 0 = not declared
  std::uint64_t affinity = 0;  // bit c: may run on core c; 0 = any core
  Program program;
};

struct CoroutineSpec {
  std::string name;
  Program program;
};

enum class PoolKind : std::uint8_t { kThread, kProcess };

// A ThreadPoolExecutor or ProcessPoolExecutor: at most `workers` workers run
// work items, each item running `item`. Process-pool items are pickled: the
// arguments (`send_bytes`) go to the worker and the result (`result_bytes`)
// comes back, each paying the IPC costs.
struct PoolSpec {
  std::string name;
  PoolKind kind = PoolKind::kThread;
  std::uint32_t workers = 4;
  std::uint64_t send_bytes = 256, result_bytes = 256;
  Program item;
};

struct SemaphoreSpec {
  std::string name;
  std::uint64_t initial = 1;
};

struct ConditionSpec {
  std::string name;
  std::uint32_t lock = 0;  // index of its mutex in the same SyncObjects::locks
};

struct VariableSpec {
  std::string name;
  std::int64_t initial = 0;
};

// Mutexes, semaphores, conditions and shared variables: per process (threads
// of the process share them), or in the scenario-wide shared-memory segment
// (every process can use them, like multiprocessing.Value and Lock).
struct SyncObjects {
  std::vector<std::string> locks;
  std::vector<SemaphoreSpec> semaphores;
  std::vector<ConditionSpec> conditions;
  std::vector<VariableSpec> variables;
};

// A pipe-backed message queue between processes (multiprocessing.Queue): a
// message costs a per-message serialisation plus a per-byte copy on each side.
struct QueueSpec {
  std::string name;
  std::uint64_t capacity = 64 * 1024;  // bytes the pipe buffers before `send` blocks
};

struct ProcessSpec {
  std::string name;
  Runtime runtime = Runtime::kNative;
  std::uint32_t count = 1;          // instances, named name[0] .. when count > 1
  bool spawned = false;             // started by a `spawn` step, not at boot
  std::vector<ThreadSpec> threads;  // threads[0] is the main thread
  std::vector<CoroutineSpec> coroutines;
  std::vector<PoolSpec> pools;
  SyncObjects objects;
};

struct Workload {
  std::vector<ProcessSpec> processes;
  std::vector<QueueSpec> queues;
  SyncObjects shared;              // in the shared-memory segment
  std::uint64_t shared_bytes = 0;  // the segment's size (counted once in memory use)
};

}  // namespace iosim
