#include "grader/case_runner.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "grader/subprocess.h"
#include "grader/untrusted_text.h"
#include "sim/units.h"

namespace iosim::grader {
namespace {

constexpr std::size_t kMaxOutput = 16u << 10;  // of a policy's output, in a result

std::string truncated(const std::string& text) {
  if (text.size() <= kMaxOutput) return text;
  return text.substr(0, kMaxOutput) +
         fmt::format("\n[output truncated: {} bytes in all]\n", text.size());
}

// The scenario text as an unnamed file: the child reads it on stdin, and no
// path to it exists for anything else to open.
int unnamed_file(const std::string& folder, const std::string& text) {
  std::string path = folder + "/scenario-XXXXXX";
  const int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return -1;
  unlink(path.c_str());
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      close(fd);
      return -1;
    }
    done += static_cast<std::size_t>(n);
  }
  lseek(fd, 0, SEEK_SET);
  return fd;
}

// The report is stdout, except that a policy run in-process may print too:
// the report is the block from a line "{" to the next line "}".
std::string report_block(const std::string& out, std::string& rest) {
  std::size_t start = out.rfind("{\n  \"scenario\"", 0) == 0 ? 0 : out.find("\n{\n  \"scenario\"");
  if (start == std::string::npos) {
    rest = out;
    return {};
  }
  if (start != 0) ++start;
  std::size_t end = out.find("\n}\n", start);
  end = end == std::string::npos ? out.size() : end + 3;
  rest = out.substr(0, start) + out.substr(end);
  return out.substr(start, end - start);
}

std::string first_lines(const std::string& text, int n) {
  std::string out;
  std::size_t pos = 0;
  for (int i = 0; i < n && pos < text.size(); ++i) {
    const std::size_t nl = text.find('\n', pos);
    out += (out.empty() ? "" : " ") + text.substr(pos, nl - pos);
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return untrusted_text(out);
}

RunOutcome failed(std::string failure, std::string message) {
  RunOutcome o;
  o.failure = std::move(failure);
  o.message = std::move(message);
  return o;
}

// Exit 5: the kernel stopped the run. Its report says whether the policy chose
// wrong (invalid_decision) or its sandboxed process failed (and how).
RunOutcome policy_fault(const nlohmann::json& report) {
  const nlohmann::json& f = report["policy_fault"];
  RunOutcome o = failed(f.value("kind", "invalid_decision"), f.value("message", ""));
  if (o.failure.empty()) o.failure = "invalid_decision";
  o.output = f.value("output", report.value("policy_output", ""));
  return o;
}

RunOutcome from_report(const RunRequest& request, const ChildResult& child) {
  std::string rest;
  const std::string block = report_block(child.out, rest);
  nlohmann::json report = nlohmann::json::parse(block, nullptr, false);
  if (block.empty() || report.is_discarded() || !report.is_object())
    return failed("error", fmt::format("iosim {} without a readable report: {}",
                                       describe_end(child), first_lines(child.err, 2)));
  RunOutcome o;
  if (child.code == 5 && report.contains("policy_fault")) {
    o = policy_fault(report);
  } else if (report.value("status", "") == "wall_time_limit") {
    o = failed("timeout", "the run took longer than its wall-clock limit");
  } else {
    std::string error;
    auto log = read_decision_log(request.log_path, &error);
    if (!log) return failed("error", "the decision log could not be read: " + error);
    o.record = RunRecord{std::move(report), std::move(*log)};
  }
  std::error_code ec;
  std::filesystem::remove(request.log_path, ec);  // it names the workload's threads
  if (o.output.empty() && o.record) o.output = o.record->report.value("policy_output", "");
  if (o.output.empty()) o.output = untrusted_text(rest);  // a policy run in-process printed it
  o.output = truncated(o.output);
  return o;
}

std::string ns_text(Ns ns) {
  return fmt::format("{}ns", ns);
}

}  // namespace

std::vector<std::string> run_command_line(const RunRequest& request) {
  std::vector<std::string> argv{
      request.iosim,
      "run",
      request.scenario_text.empty() ? request.scenario_path : std::string("/dev/stdin"),
      "--json",
      "--quiet",
      "--decisions",
      request.log_path};
  auto set = [&](const std::string& assignment) {
    argv.push_back("--set");
    argv.push_back(assignment);
  };
  for (const std::string& s : request.set)
    set(s);
  set("kernel.policy=" + request.policy);
  set("limits.wall_time=" + ns_text(request.deadline));
  if (request.sandbox) {
    argv.insert(argv.end(),
                {"--sandbox", "--policy-timeout", ns_text(request.sandbox->decision_timeout),
                 "--policy-memory", fmt::format("{}B", request.sandbox->memory), "--policy-cpu",
                 ns_text(request.sandbox->cpu)});
  }
  return argv;
}

RunOutcome run_case(const RunRequest& request) {
  ChildSpec spec;
  spec.argv = run_command_line(request);
  // The simulator stops itself at limits.wall_time; the kill is the backstop.
  spec.deadline = std::chrono::milliseconds(request.deadline / kMs + 5000);
  int fd = -1;
  if (!request.scenario_text.empty()) {
    const std::string folder = std::filesystem::path(request.log_path).parent_path().string();
    fd = unnamed_file(folder, request.scenario_text);
    if (fd < 0)
      return failed("error", fmt::format("cannot write the scenario: {}", std::strerror(errno)));
    spec.stdin_fd = fd;
  }
  const ChildResult child = run_child(spec);
  if (fd >= 0) close(fd);
  RunOutcome o;
  if (!child.started) {
    o = failed("error", fmt::format("cannot start {}: {}", request.iosim, child.error));
  } else if (child.timed_out) {
    o = failed("timeout", fmt::format("the run did not end within {} of wall-clock time",
                                      units::format_duration(request.deadline)));
  } else if (!child.exited) {
    // In-process, a crash of the policy is a crash of iosim; sandboxed, it is not.
    o = failed(request.sandbox ? "error" : "crash",
               fmt::format("iosim was {}", describe_end(child)));
  } else if (child.code == 2) {
    const bool library = child.err.find("policy") != std::string::npos &&
                         child.err.find(request.policy) != std::string::npos;
    o = failed(library ? "load_error" : "error", first_lines(child.err, 3));
  } else if (child.code == 0 || child.code == 3 || child.code == 4 || child.code == 5) {
    o = from_report(request, child);
  } else {
    o = failed("error",
               fmt::format("iosim {}: {}", describe_end(child), first_lines(child.err, 3)));
  }
  o.seconds = child.seconds;
  return o;
}

}  // namespace iosim::grader
