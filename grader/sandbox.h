// The parent's side of the sandbox: starts iosim-policy-host for one policy
// library, and moves bytes to and from it under deadlines. Every wait also
// drains the child's output pipe, so a child that prints megabytes never
// blocks itself or the parent. The child runs in its own process group with
// an empty environment, an empty temporary working directory (removed
// afterwards) and no descriptors but its five (grader/policy_host.h).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "grader/captured_output.h"
#include "grader/policy_failure.h"
#include "grader/policy_protocol.h"

namespace iosim::grader {

struct SandboxOptions {
  std::string host;                                  // empty: default_policy_host()
  std::int64_t decision_timeout_ns = 1'000'000'000;  // --policy-timeout: per call
  std::uint64_t memory_bytes = 256ull << 20;         // --policy-memory: address space
  std::int64_t cpu_seconds = 10;                     // --policy-cpu: CPU time for the whole run
};

// iosim-policy-host in the folder of the running executable (/proc/self/exe).
std::string default_policy_host();

class Sandbox {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Io { kOk, kTimeout, kClosed };

  // Starts the host for `library`. Throws std::runtime_error when it cannot
  // (no host program, no temporary directory, fork failed).
  Sandbox(const std::string& library, const SandboxOptions& options);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Writes all of `bytes` to the child's request pipe.
  Io send(const std::vector<std::uint8_t>& bytes, Clock::time_point deadline);
  // Adds what has arrived on the answer pipe to `inbox` (at least one byte).
  Io receive(protocol::Inbox& inbox, Clock::time_point deadline);
  // Closes the request pipe, waits until `deadline` for the child to exit,
  // kills its process group if it has not, reaps it and reads the rest of its
  // output. Later calls return the same end.
  ChildEnd finish(Clock::time_point deadline);
  // Kills the process group now (a deadline passed, garbage arrived) and reaps.
  ChildEnd kill();

  const CapturedOutput& output() const { return output_; }
  pid_t pid() const { return pid_; }

 private:
  // Waits for `fd` to be ready for `events` (or for the deadline), draining
  // the output pipe meanwhile. False on timeout.
  bool wait_for(int fd, short events, Clock::time_point deadline);
  void drain_output();
  bool reap(bool block);

  pid_t pid_ = -1;
  int request_fd_ = -1, answer_fd_ = -1, output_fd_ = -1, pidfd_ = -1;
  std::string dir_;
  CapturedOutput output_;
  bool reaped_ = false, killed_ = false;
  ChildEnd end_;
};

}  // namespace iosim::grader
