// `iosim run --sandbox`, end to end: every hostile example submission
// (grader/examples/mlfq/submissions) ends its run with the failure it
// deserves, fast, and iosim itself stays fine; a correct policy gives the
// same report as in iosim's own process.
#include <gtest/gtest.h>
#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using Json = nlohmann::json;

std::string scenario() {
  return std::string(IOSIM_SOURCE_DIR) + "/tests/grader/fixtures/sandbox_scenario.toml";
}

std::string policy(const std::string& name) {
  return std::string(IOSIM_SANDBOX_POLICY_DIR) + "/" + name + ".so";
}

struct SandboxRun {
  CommandResult result;
  Json report;  // null when stdout is not JSON
  double seconds = 0;
};

SandboxRun run_policy(const std::string& library, const std::string& options = "--sandbox") {
  const auto start = std::chrono::steady_clock::now();
  SandboxRun run;
  run.result =
      run_iosim("run " + scenario() + " --json " + options + " --set kernel.policy=" + library);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.report = Json::parse(run.result.out, nullptr, /*allow_exceptions=*/false);
  return run;
}

std::string fault_field(const SandboxRun& run, const char* field) {
  const Json& fault = run.report.value("policy_fault", Json::object());
  return fault.contains(field) && fault[field].is_string() ? fault[field].get<std::string>() : "";
}

bool landlock_available() {
  return syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION) >= 1;
}

struct Hostile {
  const char* name;     // the folder in grader/examples/mlfq/submissions
  const char* kind;     // policy_fault.kind
  const char* call;     // policy_fault.call
  const char* detail;   // a word the message must contain
  const char* timeout;  // --policy-timeout
};

void PrintTo(const Hostile& h, std::ostream* os) {
  *os << h.name;
}

class HostileSubmission : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostileSubmission, EndsTheRunWithItsFailureKindAndIosimStaysFine) {
  const Hostile& h = GetParam();
  // The endless loop gets a short deadline, to keep its test short; the others
  // a long one, which they must not wait for: a dead child is noticed at once.
  const SandboxRun run =
      run_policy(policy(h.name), std::string("--sandbox --policy-timeout ") + h.timeout);
  ASSERT_FALSE(run.report.is_discarded()) << h.name << ": iosim printed no JSON report; stderr:\n"
                                          << run.result.err;
  EXPECT_EQ(run.result.status, 5) << h.name << ": a policy fault is exit status 5; stderr:\n"
                                  << run.result.err;
  EXPECT_EQ(run.report["status"], "policy_fault");
  EXPECT_EQ(fault_field(run, "kind"), h.kind)
      << h.name << " was classified wrongly; message: " << fault_field(run, "message");
  EXPECT_EQ(fault_field(run, "call"), h.call) << h.name << ": the failure's call";
  EXPECT_NE(fault_field(run, "message").find(h.detail), std::string::npos)
      << h.name << ": the message should mention '" << h.detail
      << "': " << fault_field(run, "message");
  EXPECT_NE(run.result.err.find(std::string("policy fault")), std::string::npos)
      << "stderr should explain the fault: " << run.result.err;
  EXPECT_LT(run.seconds, 5.0) << h.name << " took " << run.seconds
                              << " s: the parent waited far past its deadlines";
}

INSTANTIATE_TEST_SUITE_P(
    Examples, HostileSubmission,
    ::testing::Values(
        Hostile{"segfault", "crash", "pick", "SIGSEGV", "10s"},
        Hostile{"endless-loop", "timeout", "pick", "did not answer within 300", "300ms"},
        Hostile{"allocates-forever", "memory_limit", "pick", "ran out of memory", "10s"},
        Hostile{"forks", "forbidden_syscall", "pick", "clone", "10s"},
        Hostile{"execs", "forbidden_syscall", "pick", "execve", "10s"},
        Hostile{"opens-files", "forbidden_syscall", "pick", "openat", "10s"},
        Hostile{"opens-socket", "forbidden_syscall", "pick", "socket", "10s"},
        Hostile{"returns-garbage", "invalid_decision", "pick", "does not exist", "10s"},
        Hostile{"exits", "exited", "pick", "exited (status 0)", "10s"},
        Hostile{"constructor-escape", "forbidden_syscall", "load", "clone", "10s"},
        Hostile{"protocol_garbage", "protocol_error", "pick", "unknown type", "10s"},
        Hostile{"kills_parent", "forbidden_syscall", "pick", "kill", "10s"},
        Hostile{"wrong_abi", "load_error", "load", "ABI version", "10s"}),
    [](const ::testing::TestParamInfo<Hostile>& info) {
      std::string name = info.param.name;
      for (char& c : name)
        if (c == '-') c = '_';
      return name;
    });

TEST(Sandbox, CorrectPolicyGivesTheSameReportAsInProcessByteForByte) {
  const SandboxRun in_process = run_policy(IOSIM_TEST_C_POLICY, "");
  const SandboxRun sandboxed = run_policy(IOSIM_TEST_C_POLICY, "--sandbox");
  ASSERT_EQ(in_process.result.status, 0) << in_process.result.err;
  EXPECT_EQ(sandboxed.result.status, 0) << sandboxed.result.err;
  EXPECT_EQ(sandboxed.result.out, in_process.result.out)
      << "the same policy made different decisions across the process boundary";
}

TEST(Sandbox, CppPolicyRunsAsInProcessAndItsStderrIsCaptured) {
  const SandboxRun in_process = run_policy(policy("cpp_policy"), "");
  const SandboxRun sandboxed = run_policy(policy("cpp_policy"), "--sandbox");
  ASSERT_EQ(in_process.result.status, 0) << in_process.result.err;
  ASSERT_EQ(sandboxed.result.status, 0)
      << "the filter stopped the C++ runtime: " << sandboxed.report.dump(1);
  Json without_output = sandboxed.report;
  without_output.erase("policy_output");
  EXPECT_EQ(without_output, in_process.report) << "the reports differ beyond policy_output";
  const std::string output = sandboxed.report.value("policy_output", "");
  EXPECT_NE(output.find("caught: an exception"), std::string::npos) << output;
  EXPECT_NE(output.find("saw 3 tasks"), std::string::npos)
      << "what destroy printed is missing: the child was not finished before the report\n"
      << output;
  EXPECT_EQ(sandboxed.result.err.find("cpp-rr"), std::string::npos)
      << "the policy's output leaked to iosim's stderr";
}

TEST(Sandbox, PrintingMegabytesIsAllowedAndKeepsTheFirst64KiB) {
  const SandboxRun run = run_policy(policy("prints-megabytes"));
  EXPECT_EQ(run.result.status, 0) << run.result.err;
  EXPECT_EQ(run.report["status"], "completed");
  EXPECT_FALSE(run.report.contains("policy_fault"));
  const std::string output = run.report.value("policy_output", "");
  EXPECT_EQ(output.substr(0, 5), "0    ") << "the output should start with the first line";
  EXPECT_NE(output.find("[iosim: output truncated: "), std::string::npos)
      << "the truncation should be noted at the end";
  EXPECT_LT(output.size(), 66u * 1024) << "more than the first 64 KiB was kept";
  EXPECT_GT(output.size(), 64u * 1024);
}

TEST(Sandbox, ConstructorCannotReadFilesOrStartProcessesWhileLoading) {
  std::filesystem::remove("/tmp/iosim-constructor-escaped");
  const SandboxRun run = run_policy(policy("constructor-escape"));
  EXPECT_EQ(fault_field(run, "kind"), "forbidden_syscall");
  const std::string output = fault_field(run, "output");
  if (landlock_available()) {
    EXPECT_NE(output.find("could not read /etc/passwd"), std::string::npos)
        << "Landlock should keep a library constructor from reading files: " << output;
  }
  EXPECT_EQ(output.find("root:"), std::string::npos) << "the constructor read /etc/passwd";
  EXPECT_FALSE(std::filesystem::exists("/tmp/iosim-constructor-escaped"))
      << "the constructor's shell ran";
}

TEST(Sandbox, OpeningAFileAfterLoadingEndsThePolicyBeforeItReadsAnything) {
  std::filesystem::remove("/tmp/iosim-opens-files-was-here");
  const SandboxRun run = run_policy(policy("opens-files"));
  const std::string output = fault_field(run, "output");
  EXPECT_NE(output.find("trying to read /etc/passwd"), std::string::npos)
      << "the output printed before the fault should be kept: " << output;
  EXPECT_EQ(output.find("read /etc/passwd:"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists("/tmp/iosim-opens-files-was-here"));
}

TEST(Sandbox, CpuTimeLimitEndsAnEndlessLoopEvenWithALongDeadline) {
  const SandboxRun run =
      run_policy(policy("endless-loop"), "--sandbox --policy-timeout 60s --policy-cpu 1s");
  EXPECT_EQ(run.result.status, 5);
  EXPECT_EQ(fault_field(run, "kind"), "timeout");
  EXPECT_NE(fault_field(run, "message").find("CPU time (1 s"), std::string::npos)
      << fault_field(run, "message");
  // 1 s of CPU can take several seconds of wall time on a busy machine; the deadline is 60 s.
  EXPECT_LT(run.seconds, 45.0) << "the CPU limit (1 s) did not stop the loop";
}

TEST(Sandbox, CrashAfterTheLastDecisionStillEndsTheRunWithAFault) {
  const SandboxRun run = run_policy(policy("crashes_in_destroy"));
  EXPECT_EQ(run.result.status, 5) << run.result.err;
  EXPECT_EQ(run.report["status"], "policy_fault");
  EXPECT_EQ(fault_field(run, "kind"), "crash");
  EXPECT_EQ(fault_field(run, "call"), "destroy");
  EXPECT_EQ(run.report["policy_fault"]["core"], -1) << "destroy is about no core";
  for (const Json& t : run.report["threads"])
    EXPECT_EQ(t["end"], "finished") << "the run itself completed";
}

TEST(Sandbox, TextReportNamesTheFailureKind) {
  const CommandResult r =
      run_iosim("run " + scenario() + " --sandbox --set kernel.policy=" + policy("segfault"));
  EXPECT_EQ(r.status, 5);
  EXPECT_NE(r.out.find("Policy fault (crash): the policy crashed: SIGSEGV"), std::string::npos)
      << r.out;
}

TEST(Sandbox, MissingLibraryIsBadInputNotAPolicyFault) {
  const CommandResult r =
      run_iosim("run " + scenario() + " --sandbox --set kernel.policy=/nonexistent/policy.so");
  EXPECT_EQ(r.status, 2) << r.err;
}

TEST(Sandbox, LimitsWithoutSandboxOrOutOfRangeAreBadInput) {
  EXPECT_EQ(run_iosim("run " + scenario() + " --policy-timeout 1s").status, 2)
      << "--policy-timeout needs --sandbox";
  EXPECT_EQ(run_iosim("run " + scenario() + " --sandbox --policy-timeout 0s").status, 2);
  EXPECT_EQ(run_iosim("run " + scenario() + " --sandbox --policy-memory 1KiB").status, 2);
  EXPECT_EQ(run_iosim("run " + scenario() + " --sandbox --policy-cpu 10ms").status, 2);
}

TEST(Sandbox, LeavesNoTemporaryDirectoryBehind) {
  // Each test runs in a process of its own: TMPDIR set here reaches only this test's iosim.
  const std::filesystem::path tmp =
      std::filesystem::temp_directory_path() / ("iosim-sandbox-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);
  setenv("TMPDIR", tmp.c_str(), 1);
  run_policy(IOSIM_TEST_C_POLICY);
  run_policy(policy("segfault"));
  EXPECT_TRUE(std::filesystem::is_empty(tmp))
      << "a sandbox's working directory was left in " << tmp;
  std::filesystem::remove_all(tmp);
}

}  // namespace
}  // namespace iosim::testing
