// A simulated thread is data (design decision 2): its program, where it is in
// it, its state, and its accounting. No SystemC process belongs to it; a core
// runs it by interpreting its program one step at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/program.h"
#include "sim/checksum.h"
#include "sim/random_stream.h"
#include "sim/time.h"

namespace iosim {

enum class ThreadState : std::uint8_t { kNew, kReady, kRunning, kBlocked, kSleeping, kDone };

// One I/O request in flight for a thread (a thread has at most one): a disk
// read or write, or a network fetch.
struct IoRequest {
  enum class Kind : std::uint8_t { kDiskRead, kDiskWrite, kFetch };
  Kind kind = Kind::kDiskRead;
  bool to_device() const { return kind == Kind::kDiskWrite; }  // data flows RAM -> device
  std::uint64_t lba = 0, sectors = 0;                          // disk
  std::uint64_t send_bytes = 0;                                // fetch: the request's size
  std::uint64_t bytes = 0;                                     // payload the program asked for
  std::uint64_t total_bytes = 0;  // what the device moves (whole sectors for a disk)
  std::uint64_t buffer = 0;       // RAM address of the thread's buffer
  std::uint64_t done_bytes = 0;   // progress: drivers move requests in chunks
  std::uint64_t chunk_bytes = 0;  // size of the chunk in flight
  bool failed = false, finished = false;
  void* owner = nullptr;
};

struct ThreadStats {
  Ns arrival = 0, first_run = -1, finish = -1;
  Ns user = 0, sys = 0;  // CPU time: user code, and kernel work on its behalf
  Ns ready_wait = 0, io_wait = 0, sleep = 0;
  std::uint64_t reads = 0, writes = 0, bytes_read = 0, bytes_written = 0;
  std::uint64_t fetches = 0, bytes_fetched = 0;  // network requests and their responses
  std::uint64_t io_errors = 0;                   // requests a device reported as failed
  Checksum read_sum;   // over every byte received (disk reads, network responses), in order
  Checksum write_sum;  // over every byte written to the disk, in order
};

struct Thread {
  Thread(std::uint64_t id, std::string name, std::string process, const Program& program,
         std::uint64_t seed)
      : id(id),
        name(std::move(name)),
        process(std::move(process)),
        program(&program),
        data(seed, "thread-data/" + this->name) {}

  std::uint64_t id;
  std::string name, process;
  const Program* program;
  std::size_t pc = 0;
  std::vector<std::uint64_t> loops;  // iterations left, one per open repeat block
  Ns remaining = -1;                 // what is left of the current compute step, -1 = not begun
  ThreadState state = ThreadState::kNew;
  Ns state_since = 0;
  bool owes_syscall_exit = false;  // blocked inside a syscall: pays the exit cost on resume
  bool io_finished_early = false;  // its request completed before it could block
  Ns burst_start = 0, last_burst = 0;
  std::uint64_t buffer = 0, buffer_bytes = 0;  // its I/O buffer in RAM
  std::uint64_t lba_cursor = 0;                // where the next "read SIZE" continues
  IoRequest io;
  RandomStream data;  // the bytes it writes
  ThreadStats stats;
};

}  // namespace iosim
