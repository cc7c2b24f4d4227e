// iosim-policy-host: the sandboxed child that runs one student's scheduling
// policy for one simulation. iosim starts it (grader/sandbox.cpp) with a
// cleared environment, an empty working directory and these descriptors:
//   0  /dev/null
//   1, 2  one pipe (stdout and stderr together, in the order they were written)
//   3  requests from iosim (read)
//   4  answers to iosim (write)
// It confines itself before it loads the library (rlimits, no new privileges,
// no capabilities, Landlock, a seccomp filter), loads it, tightens the filter,
// and then answers the protocol of grader/policy_protocol.h until iosim says
// destroy or goes away. docs/grading.md says what this does and does not
// guarantee.
#pragma once

#include <cstdint>
#include <string>

namespace iosim::grader {

constexpr int kRequestFd = 3;
constexpr int kAnswerFd = 4;

struct HostLimits {
  std::uint64_t memory_bytes = 256ull << 20;  // RLIMIT_AS
  std::int64_t cpu_seconds = 10;              // RLIMIT_CPU (soft; the hard limit is 1 s more)
};

// Returns the process exit status: 0 after destroy (or when iosim went away),
// 2 when started wrongly (not by iosim), 3 when the library cannot be used
// (after sending kLoadError). A forbidden system call or a fatal signal ends
// the process by that signal instead.
int run_policy_host(const std::string& library, const HostLimits& limits);

}  // namespace iosim::grader
