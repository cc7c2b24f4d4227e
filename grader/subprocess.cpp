#include "grader/subprocess.h"

#include <fcntl.h>
#include <linux/landlock.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <thread>

namespace iosim::grader {
namespace {

using Clock = std::chrono::steady_clock;

// What the child needs, made before fork: after it, only async-signal-safe calls.
struct ExecPlan {
  std::vector<std::vector<char>> storage;
  std::vector<char*> argv, envp, read_only, read_write;

  static char* keep(std::vector<std::vector<char>>& storage, const std::string& s) {
    storage.emplace_back(s.begin(), s.end());
    storage.back().push_back('\0');
    return storage.back().data();
  }

  explicit ExecPlan(const ChildSpec& spec) {
    storage.reserve(
        spec.argv.size() + (spec.env ? spec.env->size() : 0) +
        (spec.confine ? spec.confine->read_only.size() + spec.confine->read_write.size() : 0));
    for (const std::string& a : spec.argv)
      argv.push_back(keep(storage, a));
    argv.push_back(nullptr);
    if (spec.env) {
      for (const std::string& e : *spec.env)
        envp.push_back(keep(storage, e));
      envp.push_back(nullptr);
    }
    if (spec.confine) {
      for (const std::string& p : spec.confine->read_only)
        read_only.push_back(keep(storage, p));
      for (const std::string& p : spec.confine->read_write)
        read_write.push_back(keep(storage, p));
    }
  }
};

// Landlock's file-system rights (linux/landlock.h numbers them; later ABIs add more).
constexpr std::uint64_t kExecute = 1ull << 0, kWriteFile = 1ull << 1, kReadFile = 1ull << 2,
                        kReadDir = 1ull << 3, kTruncate = 1ull << 14, kIoctlDev = 1ull << 15;
constexpr std::uint64_t kFileRights = kExecute | kWriteFile | kReadFile | kTruncate | kIoctlDev;

// In the child: from now on it, and whatever it runs, may open only what the
// plan allows. Async-signal-safe. Does nothing on a kernel without Landlock.
void confine(const ExecPlan& plan) {
  const long abi =
      syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) return;
  std::uint64_t handled = (1ull << 13) - 1;  // ABI 1: execute .. make_sym
  if (abi >= 2) handled |= 1ull << 13;       // refer
  if (abi >= 3) handled |= kTruncate;
  if (abi >= 5) handled |= kIoctlDev;
  landlock_ruleset_attr attr{};
  attr.handled_access_fs = handled;
  const int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (ruleset < 0) _exit(126);
  auto allow = [&](const char* path, std::uint64_t access) {
    const int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode)) access &= kFileRights;
    landlock_path_beneath_attr rule{access & handled, fd};
    syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    close(fd);
  };
  for (const char* path : plan.read_only)
    allow(path, kExecute | kReadFile | kReadDir);
  for (const char* path : plan.read_write)
    allow(path, handled);
  // Landlock is there: a child that could not be confined must not run at all.
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      syscall(SYS_landlock_restrict_self, ruleset, 0) != 0)
    _exit(126);
  close(ruleset);
}

[[noreturn]] void become_child(const ChildSpec& spec, const ExecPlan& plan, int out, int err) {
  setpgid(0, 0);
  const int in = spec.stdin_fd >= 0 ? spec.stdin_fd : open("/dev/null", O_RDONLY);
  if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) _exit(127);
  close_range(3, ~0u, 0);
  signal(SIGPIPE, SIG_DFL);
  if (spec.confine) confine(plan);
  if (spec.env)
    execvpe(plan.argv[0], plan.argv.data(), plan.envp.data());
  else
    execvp(plan.argv[0], plan.argv.data());
  const char message[] = "iosim grade: cannot start the program\n";
  [[maybe_unused]] auto n = write(2, message, sizeof message - 1);
  _exit(127);
}

// Reads what is there into `into`, keeping at most `limit` bytes. False at EOF.
bool drain(int fd, std::string& into, std::size_t limit, bool& truncated) {
  char buffer[65536];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  if (n == 0) return false;
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  const auto size = static_cast<std::size_t>(n);
  const std::size_t room = limit - std::min(limit, into.size());
  if (size > room) truncated = true;
  into.append(buffer, std::min(size, room));
  return true;
}

}  // namespace

ChildResult run_child(const ChildSpec& spec) {
  ChildResult result;
  if (spec.argv.empty()) {
    result.error = "no program";
    return result;
  }
  const ExecPlan plan(spec);
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) {
    result.error = std::strerror(errno);
    return result;
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    result.error = std::strerror(errno);
    close(out[0]), close(out[1]);
    return result;
  }
  const Clock::time_point start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) become_child(spec, plan, out[1], err[1]);
  close(out[1]), close(err[1]);
  if (pid < 0) {
    result.error = std::strerror(errno);
    close(out[0]), close(err[0]);
    return result;
  }
  setpgid(pid, pid);  // also here: whichever runs first, the group exists before any kill
  result.started = true;
  const Clock::time_point deadline = start + spec.deadline;
  bool open_out = true, open_err = true, reaped = false;
  int status = 0;
  Clock::time_point reaped_at{};
  while (open_out || open_err || !reaped) {
    if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
      reaped = true;
      reaped_at = Clock::now();
    }
    const Clock::time_point now = Clock::now();
    if (!reaped && now >= deadline) {
      kill(-pid, SIGKILL);
      result.timed_out = true;
      waitpid(pid, &status, 0);
      reaped = true;
      reaped_at = now;
    }
    // Something the child started may hold the pipes open after it ended: give it a moment.
    if (reaped && now - reaped_at > std::chrono::seconds(2)) break;
    pollfd fds[2] = {{open_out ? out[0] : -1, POLLIN, 0}, {open_err ? err[0] : -1, POLLIN, 0}};
    if (!open_out && !open_err) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      continue;
    }
    if (poll(fds, 2, 20) <= 0) continue;
    if (open_out && fds[0].revents)
      open_out = drain(out[0], result.out, spec.max_out, result.out_truncated);
    if (open_err && fds[1].revents)
      open_err = drain(err[0], result.err, spec.max_err, result.err_truncated);
  }
  close(out[0]), close(err[0]);
  kill(-pid, SIGKILL);  // anything of the group still alive goes with it
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.exited = WIFEXITED(status);
  result.code = result.exited ? WEXITSTATUS(status) : 0;
  result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return result;
}

std::string describe_end(const ChildResult& r) {
  if (!r.started) return fmt::format("could not start: {}", r.error);
  if (r.timed_out) return fmt::format("timed out after {:.1f} s", r.seconds);
  if (r.exited) return fmt::format("exited with status {}", r.code);
  return fmt::format("killed by signal {} ({})", r.signal, strsignal(r.signal));
}

}  // namespace iosim::grader
