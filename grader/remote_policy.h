// A policy library run in a sandboxed child process (`iosim run --sandbox`),
// seen by the kernel as any other sched::Policy. Every call goes over the
// pipe; the ones that return something wait for the answer until the
// per-decision deadline. When the child fails (it crashes, hangs, runs out of
// memory, makes a forbidden system call, sends garbage, exits or cannot load)
// RemotePolicy kills its process group, records a PolicyFailure and stops
// talking to it: from then on pick answers kRejectedId, which the kernel's
// own check turns into a policy fault (exit status 5), and the other calls do
// nothing. The kernel still checks every decision a working child makes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "grader/captured_output.h"
#include "grader/policy_failure.h"
#include "grader/policy_protocol.h"
#include "grader/sandbox.h"
#include "kernel/scheduler.h"

namespace iosim::grader {

class RemotePolicy : public sched::Policy {
 public:
  // An id no task has: the kernel rejects it (see Kernel::check_pick).
  static constexpr std::uint64_t kRejectedId = IOSIM_NO_TASK - 1;

  // Starts the child and creates the policy in it. Throws std::runtime_error
  // only when the sandbox cannot start (an iosim problem); a library that
  // does not load is a recorded failure (load_error), not an exception.
  RemotePolicy(const std::string& library, const sched::Config& config,
               const SandboxOptions& options);
  ~RemotePolicy() override;

  const char* name() const override { return name_.c_str(); }
  void enqueue(const sched::Task& task, int64_t now_ns) override;
  uint64_t pick(int core, int64_t now_ns) override;
  int64_t timeslice_ns(const sched::Task& task, int core) override;
  void block(const sched::Task& task, int64_t now_ns) override;
  void exit(const sched::Task& task, int64_t now_ns) override;
  bool tick(int core, const sched::Task& running, int64_t now_ns) override;
  bool preempt(const sched::Task& woken, const sched::Task& running, int core,
               int64_t now_ns) override;

  // After the run: destroys the policy and waits for the child to end, so
  // that output() holds everything it printed. A failure there is recorded.
  void finish();
  const std::optional<PolicyFailure>& failure() const { return failure_; }
  // Whether pick answered kRejectedId after a failure (so the kernel's fault is this failure).
  bool rejected() const { return rejected_; }
  const CapturedOutput& output() const { return sandbox_->output(); }

 private:
  // One call: send it and, for an `expected` answer type, wait for that answer.
  // nullopt when the child has failed (now or before).
  std::optional<protocol::Frame> call(protocol::Writer& request, protocol::Type type,
                                      std::optional<protocol::Type> expected);
  std::optional<protocol::Frame> await(protocol::Type expected,
                                       Sandbox::Clock::time_point deadline);
  std::int64_t timeout() const;  // for the call in progress
  bool last_words(const protocol::Frame& frame);
  void child_gone();
  void kill_for(FailureKind kind, const std::string& why);
  void record(PolicyFailure failure);
  std::string where() const;  // "in pick (core 0, at 1.2 ms)", for messages
  void ready(const protocol::Frame& frame);

  SandboxOptions options_;
  std::unique_ptr<Sandbox> sandbox_;
  protocol::Inbox inbox_;
  std::vector<std::uint8_t> outbox_;  // notifications not sent yet
  std::string name_;
  std::uint32_t has_ = 0;  // protocol::kHas* of the library's optional functions
  std::int64_t quantum_;
  std::optional<PolicyFailure> failure_;
  ChildNotes notes_;
  std::optional<std::string> load_error_;
  // The call in progress and the notifications sent since the last answer.
  protocol::Type current_ = protocol::Type::kCreate;
  std::int64_t now_ns_ = 0;
  int core_ = -1;
  std::vector<protocol::Type> unanswered_;
  bool rejected_ = false;
};

}  // namespace iosim::grader
