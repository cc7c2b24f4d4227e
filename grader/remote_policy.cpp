#include "grader/remote_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "grader/untrusted_text.h"
#include "sim/units.h"

namespace iosim::grader {

namespace proto = protocol;
using Clock = Sandbox::Clock;

namespace {

// Starting the host and loading a library is not a decision: even with a
// short --policy-timeout it gets this long.
constexpr std::int64_t kMinLoadTimeoutNs = 2'000'000'000;
// Notifications wait in the outbox for the next question, up to this much:
// one write and one wake-up of the child per decision instead of several.
constexpr std::size_t kBatchBytes = 32 * 1024;

std::string seconds(std::int64_t ns) {
  return units::format_duration(ns);
}

}  // namespace

RemotePolicy::RemotePolicy(const std::string& library, const sched::Config& config,
                           const SandboxOptions& options)
    : options_(options),
      sandbox_(std::make_unique<Sandbox>(library, options)),
      name_(std::filesystem::path(library).filename().string()),
      quantum_(config.quantum_ns) {
  proto::Writer w(proto::Type::kCreate);
  w.config(config);
  if (auto frame = call(w, proto::Type::kCreate, proto::Type::kReady)) ready(*frame);
}

RemotePolicy::~RemotePolicy() = default;  // the Sandbox kills what is left

void RemotePolicy::ready(const proto::Frame& frame) {
  proto::Reader r(frame.payload.data(), frame.payload.size());
  has_ = r.u32();
  name_ = untrusted_text(r.str(proto::kMaxPolicyName));
}

void RemotePolicy::enqueue(const sched::Task& task, int64_t now_ns) {
  now_ns_ = now_ns;
  core_ = -1;
  proto::Writer w(proto::Type::kEnqueue);
  w.task(task).i64(now_ns);
  call(w, proto::Type::kEnqueue, std::nullopt);
}

uint64_t RemotePolicy::pick(int core, int64_t now_ns) {
  now_ns_ = now_ns;
  core_ = core;
  proto::Writer w(proto::Type::kPick);
  w.i32(core).i64(now_ns);
  const auto frame = call(w, proto::Type::kPick, proto::Type::kTaskId);
  if (!frame) {
    rejected_ = true;
    return kRejectedId;
  }
  return proto::Reader(frame->payload.data(), frame->payload.size()).u64();
}

int64_t RemotePolicy::timeslice_ns(const sched::Task& task, int core) {
  if (!(has_ & proto::kHasTimeslice)) return quantum_;
  core_ = core;
  proto::Writer w(proto::Type::kTimeslice);
  w.task(task).i32(core);
  const auto frame = call(w, proto::Type::kTimeslice, proto::Type::kNanoseconds);
  if (!frame) return quantum_;
  return proto::Reader(frame->payload.data(), frame->payload.size()).i64();
}

void RemotePolicy::block(const sched::Task& task, int64_t now_ns) {
  if (!(has_ & proto::kHasBlock)) return;
  now_ns_ = now_ns;
  core_ = -1;
  proto::Writer w(proto::Type::kBlock);
  w.task(task).i64(now_ns);
  call(w, proto::Type::kBlock, std::nullopt);
}

void RemotePolicy::exit(const sched::Task& task, int64_t now_ns) {
  if (!(has_ & proto::kHasExit)) return;
  now_ns_ = now_ns;
  core_ = -1;
  proto::Writer w(proto::Type::kExit);
  w.task(task).i64(now_ns);
  call(w, proto::Type::kExit, std::nullopt);
}

bool RemotePolicy::tick(int core, const sched::Task& running, int64_t now_ns) {
  if (!(has_ & proto::kHasTick)) return false;
  now_ns_ = now_ns;
  core_ = core;
  proto::Writer w(proto::Type::kTick);
  w.i32(core).task(running).i64(now_ns);
  const auto frame = call(w, proto::Type::kTick, proto::Type::kFlag);
  return frame && proto::Reader(frame->payload.data(), frame->payload.size()).i32() != 0;
}

bool RemotePolicy::preempt(const sched::Task& woken, const sched::Task& running, int core,
                           int64_t now_ns) {
  if (!(has_ & proto::kHasPreempt)) return false;
  now_ns_ = now_ns;
  core_ = core;
  proto::Writer w(proto::Type::kPreempt);
  w.task(woken).task(running).i32(core).i64(now_ns);
  const auto frame = call(w, proto::Type::kPreempt, proto::Type::kFlag);
  return frame && proto::Reader(frame->payload.data(), frame->payload.size()).i32() != 0;
}

void RemotePolicy::finish() {
  if (failure_) return;
  core_ = -1;
  proto::Writer w(proto::Type::kDestroy);
  if (!call(w, proto::Type::kDestroy, proto::Type::kDestroyed)) return;
  const ChildEnd end =
      sandbox_->finish(Clock::now() + std::chrono::nanoseconds(options_.decision_timeout_ns));
  if (!end.exited || end.code != 0)
    record(classify_end(end, notes_, options_.memory_bytes, options_.cpu_seconds));
}

std::optional<proto::Frame> RemotePolicy::call(proto::Writer& request, proto::Type type,
                                               std::optional<proto::Type> expected) {
  if (failure_) return std::nullopt;
  current_ = type;
  const std::vector<std::uint8_t>& bytes = request.bytes();
  outbox_.insert(outbox_.end(), bytes.begin(), bytes.end());
  if (!expected) {  // a notification: no answer; it goes with the next question
    unanswered_.push_back(type);
    if (outbox_.size() < kBatchBytes) return std::nullopt;
  }
  const auto deadline = Clock::now() + std::chrono::nanoseconds(timeout());
  const Sandbox::Io sent = sandbox_->send(outbox_, deadline);
  outbox_.clear();
  switch (sent) {
    case Sandbox::Io::kTimeout:
      kill_for(FailureKind::kTimeout,
               fmt::format("the policy stopped reading its requests for {} (--policy-timeout)",
                           seconds(timeout())));
      return std::nullopt;
    case Sandbox::Io::kClosed:
      child_gone();
      return std::nullopt;
    case Sandbox::Io::kOk:
      break;
  }
  if (!expected) return std::nullopt;
  auto frame = await(*expected, deadline);
  if (frame) unanswered_.clear();
  return frame;
}

std::optional<proto::Frame> RemotePolicy::await(proto::Type expected, Clock::time_point deadline) {
  for (;;) {
    while (auto frame = inbox_.take()) {
      if (frame->type == expected && inbox_.empty()) return frame;
      if (frame->type == expected) {  // answers are matched to questions in order
        kill_for(FailureKind::kProtocolError, "the policy's process sent more than one answer");
        return std::nullopt;
      }
      if (!last_words(*frame)) {
        kill_for(FailureKind::kProtocolError,
                 fmt::format("the policy's process answered with a frame of type {} (expected {})",
                             static_cast<std::uint32_t>(frame->type),
                             static_cast<std::uint32_t>(expected)));
        return std::nullopt;
      }
    }
    if (inbox_.bad()) {
      kill_for(FailureKind::kProtocolError, "the policy's process sent " + inbox_.problem());
      return std::nullopt;
    }
    switch (sandbox_->receive(inbox_, deadline)) {
      case Sandbox::Io::kOk:
        continue;
      case Sandbox::Io::kTimeout:
        kill_for(FailureKind::kTimeout,
                 fmt::format("the policy did not answer within {} (--policy-timeout)",
                             seconds(timeout())));
        return std::nullopt;
      case Sandbox::Io::kClosed:
        child_gone();
        return std::nullopt;
    }
  }
}

std::int64_t RemotePolicy::timeout() const {
  if (current_ == proto::Type::kCreate)
    return std::max(options_.decision_timeout_ns, kMinLoadTimeoutNs);
  return options_.decision_timeout_ns;
}

// A note, or the reason a library does not load: what a dying child says.
bool RemotePolicy::last_words(const proto::Frame& frame) {
  proto::Reader r(frame.payload.data(), frame.payload.size());
  if (frame.type == proto::Type::kNote) {
    const auto what = static_cast<proto::NoteWhat>(r.u32());
    (what == proto::NoteWhat::kForbiddenSyscall ? notes_.forbidden_syscall
                                                : notes_.address_space_left) = r.i64();
    return true;
  }
  if (frame.type == proto::Type::kLoadError && current_ == proto::Type::kCreate) {
    load_error_ = untrusted_text(r.str(proto::kMaxMessage));
    return true;
  }
  return false;
}

// The child closed its end: read its last words, reap it, and say why it ended.
void RemotePolicy::child_gone() {
  const auto deadline = Clock::now() + std::chrono::nanoseconds(options_.decision_timeout_ns);
  while (sandbox_->receive(inbox_, deadline) == Sandbox::Io::kOk) {
  }
  while (auto frame = inbox_.take())
    last_words(*frame);
  const ChildEnd end = sandbox_->finish(deadline);
  if (load_error_ && end.exited) {
    PolicyFailure f;
    f.kind = FailureKind::kLoadError;
    f.message = "the policy library cannot be used: " + *load_error_;
    return record(std::move(f));
  }
  record(classify_end(end, notes_, options_.memory_bytes, options_.cpu_seconds));
}

void RemotePolicy::kill_for(FailureKind kind, const std::string& why) {
  sandbox_->kill();
  PolicyFailure f;
  f.kind = kind;
  f.message = why;
  record(std::move(f));
}

void RemotePolicy::record(PolicyFailure failure) {
  failure.call = proto::request_name(current_);
  failure.time_ns = now_ns_;
  failure.core = core_;
  failure.message += ", " + where();
  failure_ = std::move(failure);
}

std::string RemotePolicy::where() const {
  if (current_ == proto::Type::kCreate)
    return "while loading (in a library constructor, or in create)";
  if (current_ == proto::Type::kDestroy) return "in destroy, after the run";
  std::string what = fmt::format("in {}", proto::request_name(current_));
  std::vector<std::string> before;
  for (proto::Type t : unanswered_) {
    const std::string name = proto::request_name(t);
    if (t != current_ && std::find(before.begin(), before.end(), name) == before.end())
      before.push_back(name);
  }
  if (!before.empty()) what += fmt::format(" (or the {} before it)", fmt::join(before, ", "));
  if (core_ >= 0) return fmt::format("{}, core {}, at {}", what, core_, seconds(now_ns_));
  return fmt::format("{}, at {}", what, seconds(now_ns_));
}

}  // namespace iosim::grader
