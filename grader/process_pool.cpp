#include "grader/process_pool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace iosim::grader {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxErr = 64 * 1024;

struct Live {
  std::size_t index;
  pid_t pid;
  int out, err, pidfd;
  Clock::time_point start, deadline;
  ProcessResult result;
};

[[noreturn]] void exec_child(const std::vector<std::string>& argv, int out, int err) {
  setpgid(0, 0);
  const int null = open("/dev/null", O_RDONLY);
  dup2(null, STDIN_FILENO);
  dup2(out, STDOUT_FILENO);
  dup2(err, STDERR_FILENO);
  syscall(SYS_close_range, 3u, ~0u, 0u);
  signal(SIGPIPE, SIG_DFL);
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

Live start(const std::vector<std::string>& argv, std::size_t index, std::chrono::seconds timeout) {
  if (argv.empty()) throw std::invalid_argument("process pool: an empty command");
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("cannot create a pipe");
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    throw std::runtime_error("cannot create a pipe");
  }
  const pid_t pid = fork();
  if (pid == 0) exec_child(argv, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    throw std::runtime_error("cannot fork");
  }
  setpgid(pid, pid);  // also here, so a kill(-pid) right away reaches the group
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) throw std::runtime_error("cannot watch a child (pidfd_open)");
  const auto now = Clock::now();
  return Live{index, pid, out[0], err[0], pidfd, now, now + timeout, {}};
}

// Reads what is there now; closes the descriptor at end of file.
void drain(int& fd, std::string& into, std::size_t cap, bool& truncated) {
  char buffer[65536];
  while (fd >= 0) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      const auto size = static_cast<std::size_t>(n);
      const std::size_t room = cap > into.size() ? cap - into.size() : 0;
      into.append(buffer, std::min(size, room));
      if (size > room) truncated = true;
    } else if (n == 0) {
      close(fd);
      fd = -1;
    } else {
      return;  // EAGAIN: nothing more for now
    }
  }
}

// Reaps the child (which has exited or was killed), takes the rest of its
// output and closes everything.
void finish(Live& l, std::size_t max_out) {
  int status = 0;
  while (waitpid(l.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) l.result.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) l.result.signal = WTERMSIG(status);
  bool ignored = false;
  drain(l.out, l.result.out, max_out, l.result.out_truncated);
  drain(l.err, l.result.err, kMaxErr, ignored);
  for (int fd : {l.out, l.err, l.pidfd})
    if (fd >= 0) close(fd);
  l.result.seconds = std::chrono::duration<double>(Clock::now() - l.start).count();
}

}  // namespace

std::string ProcessResult::describe(std::chrono::seconds timeout) const {
  if (timed_out) return fmt::format("timed out after {} s and was killed", timeout.count());
  if (signal) return fmt::format("was killed by signal {} ({})", signal, strsignal(signal));
  if (exit_status == 127) return "could not be started (exit status 127)";
  return fmt::format("ended with exit status {}", exit_status);
}

ProcessPool::ProcessPool(int jobs, std::chrono::seconds timeout, std::size_t max_out)
    : jobs_(std::max(1, jobs)), timeout_(timeout), max_out_(max_out) {}

void ProcessPool::run(const std::vector<std::vector<std::string>>& commands, const Done& done) {
  std::vector<Live> live;
  std::size_t next = 0;
  while (next < commands.size() || !live.empty()) {
    while (next < commands.size() && live.size() < static_cast<std::size_t>(jobs_)) {
      live.push_back(start(commands[next], next, timeout_));
      ++next;
    }
    std::vector<pollfd> fds;
    auto wake = Clock::time_point::max();
    for (const Live& l : live) {
      for (int fd : {l.out, l.err, l.pidfd})
        if (fd >= 0) fds.push_back(pollfd{fd, POLLIN, 0});
      wake = std::min(wake, l.deadline);
    }
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(wake - Clock::now());
    poll(fds.data(), fds.size(), static_cast<int>(std::clamp<long long>(wait.count(), 0, 60'000)));
    for (auto it = live.begin(); it != live.end();) {
      Live& l = *it;
      bool ignored = false;
      drain(l.out, l.result.out, max_out_, l.result.out_truncated);
      drain(l.err, l.result.err, kMaxErr, ignored);
      pollfd exited{l.pidfd, POLLIN, 0};
      const bool ended = poll(&exited, 1, 0) > 0;
      if (!ended && Clock::now() >= l.deadline) {
        kill(-l.pid, SIGKILL);
        kill(l.pid, SIGKILL);
        l.result.timed_out = true;
      } else if (!ended) {
        ++it;
        continue;
      }
      finish(l, max_out_);
      const std::size_t index = l.index;
      ProcessResult result = std::move(l.result);
      it = live.erase(it);
      done(index, std::move(result));
    }
  }
}

}  // namespace iosim::grader
