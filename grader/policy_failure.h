// Why a sandboxed policy stopped answering, as the parent saw it. The parent
// classifies from what it observes itself (the child's wait status, its own
// deadlines, the bytes on the pipe); the child's own notes only sharpen the
// message (which system call, how much memory was left), never the outcome.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace iosim::grader {

enum class FailureKind {
  kCrash,             // killed by a signal (SIGSEGV, SIGABRT, SIGFPE...)
  kTimeout,           // no answer before the per-decision deadline, or the CPU-time limit
  kMemoryLimit,       // crashed with its address space (--policy-memory) used up
  kForbiddenSyscall,  // the seccomp filter stopped a system call (SIGSYS)
  kProtocolError,     // bytes on the pipe that are not a valid answer to the question
  kExited,            // the process ended by itself (exit, _exit, return from main)
  kLoadError,         // dlopen failed, no iosim_scheduler_policy, wrong ABI, no enqueue/pick
};

// The names the JSON report uses in policy_fault.kind (docs/json-report.md).
inline const char* failure_kind_name(FailureKind kind) {
  switch (kind) {
    case FailureKind::kCrash:
      return "crash";
    case FailureKind::kTimeout:
      return "timeout";
    case FailureKind::kMemoryLimit:
      return "memory_limit";
    case FailureKind::kForbiddenSyscall:
      return "forbidden_syscall";
    case FailureKind::kProtocolError:
      return "protocol_error";
    case FailureKind::kExited:
      return "exited";
    case FailureKind::kLoadError:
      return "load_error";
  }
  return "?";
}

struct PolicyFailure {
  FailureKind kind = FailureKind::kCrash;
  std::string message;       // one line, for a student: what happened and in which call
  std::string call;          // the policy function it was in: "load", "pick", "enqueue"...
  std::int64_t time_ns = 0;  // simulated time of that call
  int core = -1;             // the core the call was about, -1 when none
};

// How the sandboxed process ended, as waitpid saw it.
struct ChildEnd {
  bool exited = false;  // true: `code` is its exit status; false: `signal` killed it
  int code = 0;
  int signal = 0;
  double cpu_seconds = 0;     // user + system CPU time it used
  bool killed_by_us = false;  // the parent sent the SIGKILL (deadline, garbage)
};

// What the child's own last words said, if anything (see policy_protocol.h).
struct ChildNotes {
  long forbidden_syscall = -1;           // the number the seccomp filter trapped
  std::int64_t address_space_left = -1;  // bytes still mappable when it crashed
};

// What ended a child that stopped answering by itself: its kind and a message
// (without the call, which the caller adds). The outcome depends only on the
// wait status, the CPU time used and the limits; the notes only add detail,
// except that a crash with less than a quarter of the address space left is a
// memory_limit.
PolicyFailure classify_end(const ChildEnd& end, const ChildNotes& notes, std::uint64_t memory_bytes,
                           std::int64_t cpu_seconds);

}  // namespace iosim::grader
