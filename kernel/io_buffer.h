// Each program context (a thread's own program, a coroutine task, a pool
// worker) owns one I/O buffer in RAM, as large as its largest transfer:
// disk reads and writes in whole sectors, network responses byte for byte,
// rounded up to whole 4 KiB pages. The kernel allocates it when the context
// is created, and counts it in the memory in use.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernel/program.h"

namespace iosim {

constexpr std::uint64_t kPageBytes = 4096;

// Saturates instead of wrapping: scenario sizes can be absurd ("16EiB").
inline std::uint64_t round_up(std::uint64_t value, std::uint64_t unit) {
  std::uint64_t rounded = 0;
  if (__builtin_mul_overflow(value / unit + (value % unit != 0), unit, &rounded)) return UINT64_MAX;
  return rounded;
}

// Bytes the transfer of `op` occupies in the buffer (0 for non-transfers).
inline std::uint64_t transfer_bytes(const Op& op, std::uint32_t sector_bytes) {
  switch (op.kind) {
    case OpKind::kRead:
    case OpKind::kWrite:
      return round_up(op.bytes, sector_bytes);
    case OpKind::kFetch:
      return op.bytes;
    default:
      return 0;
  }
}

inline std::uint64_t io_buffer_bytes(const Program& program, std::uint32_t sector_bytes) {
  std::uint64_t largest = 0;
  for (const Op& op : program.ops)
    largest = std::max(largest, transfer_bytes(op, sector_bytes));
  return round_up(largest, kPageBytes);
}

}  // namespace iosim
