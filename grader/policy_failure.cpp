#include "grader/policy_failure.h"

#include <seccomp.h>

#include <csignal>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "sim/units.h"

namespace iosim::grader {
namespace {

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  const char* description = sigdescr_np(sig);
  if (!abbrev) return fmt::format("signal {}", sig);
  return fmt::format("SIG{} ({})", abbrev, description ? description : "?");
}

std::string syscall_name(long nr) {
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, static_cast<int>(nr));
  std::string result =
      name ? fmt::format("{} (system call {})", name, nr) : fmt::format("system call {}", nr);
  std::free(name);
  return result;
}

bool may_be_out_of_memory(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT || sig == SIGILL || sig == SIGFPE;
}

}  // namespace

PolicyFailure classify_end(const ChildEnd& end, const ChildNotes& notes, std::uint64_t memory_bytes,
                           std::int64_t cpu_seconds) {
  PolicyFailure f;
  if (end.exited) {
    f.kind = FailureKind::kExited;
    f.message = fmt::format("the policy's process exited (status {})", end.code);
  } else if (end.killed_by_us) {
    f.kind = FailureKind::kTimeout;
    f.message = "the policy's process did not end when asked";
  } else if (end.signal == SIGSYS) {
    f.kind = FailureKind::kForbiddenSyscall;
    f.message = notes.forbidden_syscall >= 0
                    ? fmt::format("the policy made a forbidden system call: {}",
                                  syscall_name(notes.forbidden_syscall))
                    : "the policy made a forbidden system call (killed by SIGSYS)";
  } else if (end.signal == SIGXCPU ||
             (end.signal == SIGKILL && end.cpu_seconds >= static_cast<double>(cpu_seconds))) {
    f.kind = FailureKind::kTimeout;
    f.message = fmt::format("the policy used up its CPU time ({} s, --policy-cpu)", cpu_seconds);
  } else if (may_be_out_of_memory(end.signal) && notes.address_space_left >= 0 &&
             static_cast<std::uint64_t>(notes.address_space_left) < memory_bytes / 4) {
    f.kind = FailureKind::kMemoryLimit;
    f.message = fmt::format(
        "the policy ran out of memory: it died of {} with {} of its {} address space left "
        "(--policy-memory)",
        signal_name(end.signal),
        units::format_size(static_cast<std::uint64_t>(notes.address_space_left)),
        units::format_size(memory_bytes));
  } else {
    f.kind = FailureKind::kCrash;
    f.message = fmt::format("the policy crashed: {}", signal_name(end.signal));
  }
  return f;
}

}  // namespace iosim::grader
