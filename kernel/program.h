// A thread's program: a flat list of steps the kernel interprets one at a
// time (design decision 2: threads are data). Loops are flattened into
// RepeatBegin/RepeatEnd pairs that point at each other, so the interpreter is
// a program counter plus a stack of loop counters.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/time.h"

namespace iosim {

enum class OpKind {
  kCompute,      // run on a core for `duration` ns, or `cycles` cycles at the core clock
  kRead,         // read `bytes` from the disk into the thread's buffer
  kWrite,        // write `bytes` from the thread's buffer to the disk
  kSleep,        // block for `duration` ns
  kYield,        // give up the core, stay ready
  kExit,         // end the thread now
  kFetch,        // a network request: send `send_bytes`, receive `bytes` into the buffer
  kRepeatBegin,  // start of a loop run `count` times; `jump` = index of its RepeatEnd
  kRepeatEnd,    // end of a loop; `jump` = index of its RepeatBegin
};

struct Op {
  OpKind kind = OpKind::kExit;
  Ns duration = 0;                   // Compute (when cycles == 0), Sleep
  std::uint64_t cycles = 0;          // Compute given in cycles (0 = use duration)
  double mem_share = 0;              // Compute: fraction of the time spent on memory (bus) access
  std::uint64_t bytes = 0;           // Read, Write; Fetch: the response size
  std::uint64_t send_bytes = 0;      // Fetch: the request size
  std::optional<std::uint64_t> lba;  // Read, Write: explicit position; none = continue
                                     // where the thread's previous disk access ended
  std::uint64_t count = 0;           // RepeatBegin
  std::size_t jump = 0;              // RepeatBegin <-> RepeatEnd
  int line = 0;                      // 1-based position in the scenario file, for messages
  int column = 0;
};

struct Program {
  std::vector<Op> ops;
};

}  // namespace iosim
