#include "kernel/memory.h"

#include <algorithm>

#include "kernel/io_buffer.h"
#include "kernel/process.h"

namespace iosim {

bool MemoryAccount::reserve(Process* owner, std::uint64_t bytes, const std::string& what, Ns now) {
  if (bytes > capacity_ - used_) {
    failures_.push_back(MemoryFailure{now, what, bytes, used_, capacity_});
    return false;
  }
  used_ += bytes;
  peak_ = std::max(peak_, used_);
  if (owner) {
    owner->memory += bytes;
    owner->peak_memory = std::max(owner->peak_memory, owner->memory);
  }
  return true;
}

void MemoryAccount::release(Process* owner, std::uint64_t bytes) {
  used_ -= bytes;
  if (owner) owner->memory -= bytes;
}

BufferAllocator::BufferAllocator(std::uint64_t base, std::uint64_t end) {
  if (end > base) free_.emplace(base, end - base);
}

std::optional<std::uint64_t> BufferAllocator::allocate(std::uint64_t bytes) {
  bytes = round_up(bytes, kPageBytes);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < bytes) continue;
    const std::uint64_t address = it->first, left = it->second - bytes;
    free_.erase(it);
    if (left > 0) free_.emplace(address + bytes, left);
    return address;
  }
  return std::nullopt;
}

void BufferAllocator::free(std::uint64_t address, std::uint64_t bytes) {
  bytes = round_up(bytes, kPageBytes);
  auto [it, inserted] = free_.emplace(address, bytes);
  auto next = std::next(it);
  if (next != free_.end() && it->first + it->second == next->first) {
    it->second += next->second;
    free_.erase(next);
  }
  if (it != free_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second == it->first) {
      prev->second += it->second;
      free_.erase(it);
    }
  }
}

}  // namespace iosim
