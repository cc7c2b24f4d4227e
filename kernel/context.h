// Where a program runs (a thread's own program, or one coroutine task of
// its event loop), and the I/O request it may have in flight.
#pragma once

#include <cstdint>
#include <vector>

#include "kernel/program.h"
#include "sim/ns.h"

namespace iosim {

struct Context;
struct LoopTask;
struct Thread;

// One I/O request in flight for a context: a disk read or write, or a
// network fetch.
struct IoRequest {
  enum class Kind : std::uint8_t { kDiskRead, kDiskWrite, kFetch };
  Kind kind = Kind::kDiskRead;
  bool to_device() const { return kind == Kind::kDiskWrite; }  // data flows RAM -> device
  std::uint64_t lba = 0, sectors = 0;                          // disk
  std::uint64_t send_bytes = 0;                                // fetch: the request's size
  std::uint64_t bytes = 0;                                     // payload the program asked for
  std::uint64_t total_bytes = 0;  // what the device moves (whole sectors for a disk)
  std::uint64_t buffer = 0;       // RAM address of the buffer
  std::uint64_t done_bytes = 0;   // progress: drivers move requests in chunks
  std::uint64_t chunk_bytes = 0;  // size of the chunk in flight
  bool failed = false, finished = false;
  Context* owner = nullptr;
};

// Where a program runs: a thread's own program, or one coroutine task of its
// event loop. Each has a program counter, loop counters, an I/O buffer and
// one request in flight at most.
struct Context {
  Thread* thread = nullptr;
  LoopTask* task = nullptr;  // the coroutine task, or null for the thread's program
  const Program* program = nullptr;
  std::size_t pc = 0;
  std::vector<std::uint64_t> loops;  // iterations left, one per open repeat block
  Ns remaining = -1;                 // what is left of the current timed step, -1 = not begun
  int phase = 0;                     // progress inside a multi-part step (reset by advance)
  std::int64_t loaded = 0;           // a shared variable's value, between load and store
  std::uint64_t buffer = 0, buffer_bytes = 0;  // its I/O buffer in RAM
  std::uint64_t lba_cursor = 0;                // where the next "read SIZE" continues
  bool io_finished_early = false;              // its request completed before it could block
  bool io_async = false;       // submitted by `await`: its completion wakes the task
  bool io_in_flight = false;   // a device may still write into the buffer
  bool free_after_io = false;  // the buffer is released when the request ends
  std::int64_t record = -1;    // its request's entry in the kernel's I/O log, -1 = none
  IoRequest io;
};

}  // namespace iosim
