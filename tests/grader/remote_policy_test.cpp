// The sandbox's pieces without a simulation: RemotePolicy against the
// in-process loader, the protocol's checks on what the child sends, how a
// child's end is classified, and how its output is kept.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "grader/captured_output.h"
#include "grader/policy_failure.h"
#include "grader/policy_protocol.h"
#include "grader/remote_policy.h"
#include "grader/untrusted_text.h"
#include "kernel/policies/policy_registry.h"

namespace iosim::grader {
namespace {

namespace proto = protocol;

SandboxOptions options() {
  SandboxOptions o;
  o.host = IOSIM_POLICY_HOST;
  o.decision_timeout_ns = 2'000'000'000;
  return o;
}

std::string policy(const std::string& name) {
  return std::string(IOSIM_SANDBOX_POLICY_DIR) + "/" + name + ".so";
}

sched::Task task(std::uint64_t id, const char* name) {
  sched::Task t{};
  t.id = id;
  t.name = name;
  t.process = "app";
  t.affinity = ~std::uint64_t{0};
  t.last_core = -1;
  return t;
}

TEST(RemotePolicy, AnswersExactlyLikeTheInProcessLoader) {
  const sched::Config config{5'000'000, 2, 0, 42};
  auto local = load_policy_library(IOSIM_TEST_C_POLICY, config);
  RemotePolicy remote(IOSIM_TEST_C_POLICY, config, options());
  ASSERT_FALSE(remote.failure()) << remote.failure()->message;
  EXPECT_STREQ(remote.name(), local->name());
  const char* names[] = {"a", "b", "c", "d"};
  for (std::uint64_t id = 0; id < 4; ++id) {
    local->enqueue(task(id, names[id]), 10);
    remote.enqueue(task(id, names[id]), 10);
  }
  for (int i = 0; i < 5; ++i) {  // the fifth finds the queue empty
    const std::uint64_t expected = local->pick(i % 2, 20);
    EXPECT_EQ(remote.pick(i % 2, 20), expected) << "pick #" << i;
  }
  EXPECT_EQ(remote.timeslice_ns(task(1, "b"), 0), local->timeslice_ns(task(1, "b"), 0));
  EXPECT_FALSE(remote.tick(0, task(1, "b"), 30)) << "lifo has no tick: never preempt";
  remote.finish();
  EXPECT_FALSE(remote.failure()) << remote.failure()->message;
}

TEST(RemotePolicy, AfterACrashPickReturnsTheRejectedIdAndTheFailureStays) {
  RemotePolicy remote(policy("segfault"), sched::Config{1'000'000, 1, 0, 1}, options());
  for (std::uint64_t id = 0; id < 3; ++id)
    remote.enqueue(task(id, "t"), 0);
  EXPECT_EQ(remote.pick(0, 100), 0u);
  EXPECT_EQ(remote.pick(0, 200), 1u);
  EXPECT_EQ(remote.pick(0, 300), RemotePolicy::kRejectedId) << "the third pick crashes";
  ASSERT_TRUE(remote.failure());
  EXPECT_EQ(remote.failure()->kind, FailureKind::kCrash);
  EXPECT_EQ(remote.failure()->call, "pick");
  EXPECT_EQ(remote.failure()->core, 0);
  EXPECT_EQ(remote.failure()->time_ns, 300);
  EXPECT_TRUE(remote.rejected());
  // Later calls neither hang nor talk to the dead child.
  remote.enqueue(task(3, "t"), 400);
  EXPECT_EQ(remote.pick(0, 500), RemotePolicy::kRejectedId);
  EXPECT_EQ(remote.timeslice_ns(task(3, "t"), 0), 1'000'000);
  remote.finish();
  EXPECT_EQ(remote.failure()->kind, FailureKind::kCrash) << "finish must keep the first failure";
}

TEST(RemotePolicy, MissingHostProgramIsAnErrorNotAPolicyFailure) {
  SandboxOptions o = options();
  o.host = "/nonexistent/iosim-policy-host";
  EXPECT_THROW(RemotePolicy(IOSIM_TEST_C_POLICY, sched::Config{1, 1, 0, 1}, o), std::runtime_error);
}

TEST(RemotePolicy, FinishCollectsWhatThePolicyPrintedLast) {
  RemotePolicy remote(policy("cpp_policy"), sched::Config{1'000'000, 1, 0, 1}, options());
  remote.enqueue(task(0, "t"), 0);
  EXPECT_EQ(remote.pick(0, 1), 0u);
  remote.finish();
  EXPECT_FALSE(remote.failure());
  EXPECT_NE(remote.output().text().find("saw 1 tasks"), std::string::npos)
      << remote.output().text();
}

std::vector<std::uint8_t> frame(proto::Type type, const std::vector<std::uint8_t>& payload) {
  proto::Header h{static_cast<std::uint32_t>(type), static_cast<std::uint32_t>(payload.size())};
  std::vector<std::uint8_t> bytes(sizeof h + payload.size());
  std::memcpy(bytes.data(), &h, sizeof h);
  if (!payload.empty()) std::memcpy(bytes.data() + sizeof h, payload.data(), payload.size());
  return bytes;
}

TEST(PolicyProtocol, InboxAssemblesAFrameThatArrivesOneByteAtATime) {
  const std::vector<std::uint8_t> bytes = frame(proto::Type::kTaskId, {7, 0, 0, 0, 0, 0, 0, 0});
  proto::Inbox inbox;
  for (std::size_t i = 0; i + 1 < bytes.size(); ++i) {
    inbox.append(&bytes[i], 1);
    EXPECT_FALSE(inbox.take()) << "a frame came out after " << i + 1 << " bytes";
  }
  inbox.append(&bytes.back(), 1);
  const auto f = inbox.take();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, proto::Type::kTaskId);
  EXPECT_EQ(proto::Reader(f->payload.data(), f->payload.size()).u64(), 7u);
  EXPECT_FALSE(inbox.bad());
}

TEST(PolicyProtocol, InboxRejectsUnknownTypesRequestsAndOversizedFrames) {
  const std::vector<std::vector<std::uint8_t>> garbage{
      frame(static_cast<proto::Type>(999), {}),
      frame(proto::Type::kPick, {0, 0, 0, 0}),  // a request type, not an answer
      frame(proto::Type::kLoadError, std::vector<std::uint8_t>(proto::kMaxMessage + 64, 'x')),
  };
  for (const auto& bytes : garbage) {
    proto::Inbox inbox;
    // Only the header: an oversized frame must be refused before its payload arrives.
    inbox.append(bytes.data(), sizeof(proto::Header));
    EXPECT_FALSE(inbox.take());
    EXPECT_TRUE(inbox.bad()) << "accepted a frame of type " << int{bytes[0]};
  }
}

TEST(PolicyProtocol, InboxRejectsPayloadsOfTheWrongShape) {
  const std::vector<std::vector<std::uint8_t>> malformed{
      frame(proto::Type::kTaskId, {1, 2, 3, 4}),  // 4 bytes, not 8
      frame(proto::Type::kFlag, {}),
      frame(proto::Type::kReady, {0, 0, 0, 0, 200, 0, 0, 0, 'x'}),      // a name longer than sent
      frame(proto::Type::kNote, {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),  // unknown note
  };
  for (const auto& bytes : malformed) {
    proto::Inbox inbox;
    inbox.append(bytes.data(), bytes.size());
    EXPECT_FALSE(inbox.take());
    EXPECT_TRUE(inbox.bad()) << "accepted a malformed frame of type " << int{bytes[0]};
  }
}

TEST(PolicyProtocol, TaskSurvivesTheTripWithItsNamesCutAndTerminated) {
  const std::string long_name(proto::kMaxTaskName + 100, 'n');
  sched::Task t = task(12, long_name.c_str());
  t.priority = -3;
  t.cpu_ns = 123456789;
  t.reason = IOSIM_READY_WOKEN;
  proto::Writer w(proto::Type::kEnqueue);
  w.task(t).i64(99);
  const auto& bytes = w.bytes();
  proto::Reader r(bytes.data() + sizeof(proto::Header), bytes.size() - sizeof(proto::Header));
  proto::TaskStrings strings;
  const iosim_task back = r.task(strings);
  EXPECT_EQ(r.i64(), 99);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(back.id, 12u);
  EXPECT_EQ(std::string(back.name), long_name.substr(0, proto::kMaxTaskName));
  EXPECT_STREQ(back.process, "app");
  EXPECT_EQ(back.priority, -3);
  EXPECT_EQ(back.cpu_ns, 123456789);
  EXPECT_EQ(back.reason, IOSIM_READY_WOKEN);
  EXPECT_EQ(back.affinity, ~std::uint64_t{0});
}

TEST(PolicyFailureClassification, SignalsAndExitsMapToTheirKinds) {
  constexpr std::uint64_t kMemory = 256ull << 20;
  auto kind = [&](ChildEnd end, ChildNotes notes = {}) {
    return classify_end(end, notes, kMemory, 10).kind;
  };
  ChildEnd exited;
  exited.exited = true;
  EXPECT_EQ(kind(exited), FailureKind::kExited);
  ChildEnd sys{false, 0, SIGSYS};
  EXPECT_EQ(kind(sys), FailureKind::kForbiddenSyscall);
  ChildNotes fork_note;
  fork_note.forbidden_syscall = 57;  // x86-64 fork
  EXPECT_NE(classify_end(sys, fork_note, kMemory, 10).message.find("fork"), std::string::npos);
  EXPECT_EQ(kind(ChildEnd{false, 0, SIGXCPU}), FailureKind::kTimeout);
  EXPECT_EQ(kind(ChildEnd{false, 0, SIGKILL, 10.5}), FailureKind::kTimeout)
      << "SIGKILL at the hard CPU limit";
  EXPECT_EQ(kind(ChildEnd{false, 0, SIGKILL, 0.1}), FailureKind::kCrash)
      << "a SIGKILL from elsewhere";
  ChildNotes empty_space;
  empty_space.address_space_left = 1 << 20;
  ChildNotes plenty;
  plenty.address_space_left = 200 << 20;
  EXPECT_EQ(kind(ChildEnd{false, 0, SIGSEGV}, empty_space), FailureKind::kMemoryLimit);
  EXPECT_EQ(kind(ChildEnd{false, 0, SIGABRT}, empty_space), FailureKind::kMemoryLimit);
  EXPECT_EQ(kind(ChildEnd{false, 0, SIGSEGV}, plenty), FailureKind::kCrash);
  EXPECT_EQ(kind(ChildEnd{false, 0, SIGSEGV}), FailureKind::kCrash) << "no note: a crash";
}

TEST(UntrustedText, KeepsUtf8NewlinesAndTabsAndReplacesTheRest) {
  EXPECT_EQ(untrusted_text("caf\xC3\xA9\tok\n"), "caf\xC3\xA9\tok\n");
  EXPECT_EQ(untrusted_text("\x1B[2Jx"), "\xEF\xBF\xBD[2Jx") << "an escape sequence";
  EXPECT_EQ(untrusted_text("a\xFF"
                           "b"),
            "a\xEF\xBF\xBD"
            "b")
      << "an invalid byte";
  EXPECT_EQ(untrusted_text("\xC3"), "\xEF\xBF\xBD") << "a sequence cut short";
  EXPECT_EQ(untrusted_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")
      << "a UTF-16 surrogate";
  EXPECT_EQ(untrusted_text(std::string("a\0b", 3)),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(CapturedOutput, KeepsTheFirst64KiBAndSaysHowMuchWasCut) {
  CapturedOutput out;
  const std::string line(1000, 'x');
  for (int i = 0; i < 100; ++i)
    out.append(line.data(), line.size());
  EXPECT_EQ(out.bytes(), 100'000u);
  EXPECT_TRUE(out.truncated());
  const std::string text = out.text();
  EXPECT_EQ(text.substr(0, CapturedOutput::kKeep), std::string(CapturedOutput::kKeep, 'x'));
  EXPECT_NE(text.find("100000 bytes in all, the first 65536 shown"), std::string::npos) << text;
  CapturedOutput small;
  small.append("hi\n", 3);
  EXPECT_FALSE(small.truncated());
  EXPECT_EQ(small.text(), "hi\n");
}

}  // namespace
}  // namespace iosim::grader
