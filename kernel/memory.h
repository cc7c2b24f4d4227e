// Memory: what the kernel has handed out (process images, thread stacks,
// coroutine tasks, pipe buffers, I/O buffers) against the machine's RAM, and
// where I/O buffers live in it. Creating anything reserves its size first;
// a reservation that does not fit fails and is recorded with the numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/ns.h"

namespace iosim {

struct Process;

// What a reservation is for, as a failure names it ("thread 'worker[12]' of
// process 'app'"). Built only when the reservation fails: formatting it for
// every one of a million threads cost more than creating them.
using MemoryLabel = std::function<std::string()>;

struct MemoryFailure {
  Ns time = 0;
  std::string what;  // "thread 'worker[12]' of process 'app'"
  std::uint64_t requested = 0, in_use = 0, capacity = 0;
};

class MemoryAccount {
 public:
  explicit MemoryAccount(std::uint64_t capacity) : capacity_(capacity) {}

  // False (and a recorded failure) when `bytes` more would not fit.
  bool reserve(Process* owner, std::uint64_t bytes, const std::string& what, Ns now);
  void release(Process* owner, std::uint64_t bytes);
  // Records a failure found elsewhere (no free block large enough).
  void fail(const std::string& what, std::uint64_t bytes, Ns now) {
    failures_.push_back(MemoryFailure{now, what, bytes, used_, capacity_});
  }

  bool fits(std::uint64_t bytes) const { return bytes <= capacity_ - used_; }
  std::uint64_t capacity() const { return capacity_; }
  std::uint64_t in_use() const { return used_; }
  std::uint64_t peak() const { return peak_; }
  const std::vector<MemoryFailure>& failures() const { return failures_; }

 private:
  std::uint64_t capacity_, used_ = 0, peak_ = 0;
  std::vector<MemoryFailure> failures_;
};

// First-fit allocation of physical RAM for I/O buffers, page-aligned, with
// freed blocks merged with their neighbours. Deterministic: an ordered map.
class BufferAllocator {
 public:
  BufferAllocator(std::uint64_t base, std::uint64_t end);
  std::optional<std::uint64_t> allocate(std::uint64_t bytes);
  void free(std::uint64_t address, std::uint64_t bytes);

 private:
  std::map<std::uint64_t, std::uint64_t> free_;  // address -> size
};

}  // namespace iosim
