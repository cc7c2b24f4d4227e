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

// One disk request in flight for a thread (a thread has at most one).
struct IoRequest {
  bool write = false;
  std::uint64_t lba = 0, sectors = 0, bytes = 0;
  std::uint64_t buffer = 0;        // RAM address of the thread's buffer
  std::uint64_t sectors_done = 0;  // progress: the driver moves it in chunks
  bool failed = false;
  void* owner = nullptr;
};

struct ThreadStats {
  Ns arrival = 0, first_run = -1, finish = -1;
  Ns user = 0, sys = 0;  // CPU time: user code, and kernel work on its behalf
  Ns ready_wait = 0, io_wait = 0, sleep = 0;
  std::uint64_t reads = 0, writes = 0, bytes_read = 0, bytes_written = 0;
  Checksum read_sum, write_sum;  // over every byte read / written, in order
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
  Ns wake_at = 0;
  Ns burst_start = 0, last_burst = 0;
  std::uint64_t buffer = 0, buffer_bytes = 0;  // its I/O buffer in RAM
  std::uint64_t lba_cursor = 0;                // where the next "read SIZE" continues
  IoRequest io;
  RandomStream data;  // the bytes it writes
  ThreadStats stats;
};

}  // namespace iosim
