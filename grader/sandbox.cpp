#include "grader/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "grader/policy_host.h"

namespace iosim::grader {
namespace {

int remaining_ms(Sandbox::Clock::time_point deadline) {
  const auto left = deadline - Sandbox::Clock::now();
  if (left <= Sandbox::Clock::duration::zero()) return 0;
  // Rounded up: poll must not return before the deadline and spin.
  return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

std::string make_empty_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "iosim-policy-XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error(
        fmt::format("cannot create a directory for the policy sandbox: {}", std::strerror(errno)));
  return pattern;
}

// What the parent opens for one child: /dev/null and three pipes.
struct Pipes {
  int devnull = -1, request[2] = {-1, -1}, answer[2] = {-1, -1}, out[2] = {-1, -1};
  bool open() {
    devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    return devnull >= 0 && pipe2(request, O_CLOEXEC) == 0 && pipe2(answer, O_CLOEXEC) == 0 &&
           pipe2(out, O_CLOEXEC) == 0;
  }
  void close_all() {
    for (int fd : {devnull, request[0], request[1], answer[0], answer[1], out[0], out[1]})
      if (fd >= 0) close(fd);
  }
};

// In the forked child, before exec: only async-signal-safe calls from here.
// `fds` are the five descriptors the host expects at 0..4.
[[noreturn]] void become_host(const int (&fds)[5], pid_t parent, const char* dir,
                              char* const argv[]) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (getppid() != parent) _exit(127);  // the parent died before the line above
  if (chdir(dir) != 0) _exit(127);
  int moved[5];
  for (int i = 0; i < 5; ++i)  // above 4 first, so no dup2 below overwrites a source
    moved[i] = fcntl(fds[i], F_DUPFD, 5);
  for (int i = 0; i < 5; ++i)
    if (moved[i] < 0 || dup2(moved[i], i) != i) _exit(127);
  syscall(SYS_close_range, 5u, ~0u, 0u);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig)
    signal(sig, SIG_DFL);  // an ignored SIGPIPE or SIGXCPU would survive exec
  char* const no_environment[] = {nullptr};
  execve(argv[0], argv, no_environment);
  _exit(127);
}

}  // namespace

std::string default_policy_host() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return "iosim-policy-host";
  return (self.parent_path() / "iosim-policy-host").string();
}

Sandbox::Sandbox(const std::string& library, const SandboxOptions& options) {
  const std::string host = options.host.empty() ? default_policy_host() : options.host;
  if (access(host.c_str(), X_OK) != 0)
    throw std::runtime_error(fmt::format(
        "cannot run the policy sandbox: {} is missing (it is built and installed next to iosim)",
        host));
  dir_ = make_empty_dir();
  Pipes p;
  if (!p.open()) {
    const int error = errno;
    p.close_all();
    std::filesystem::remove(dir_);
    throw std::runtime_error(fmt::format("cannot create pipes: {}", std::strerror(error)));
  }
  std::vector<std::string> args{host, library, std::to_string(options.memory_bytes),
                                std::to_string(options.cpu_seconds)};
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  const int fds[5] = {p.devnull, p.out[1], p.out[1], p.request[0], p.answer[1]};
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) become_host(fds, parent, dir_.c_str(), argv.data());
  const int fork_error = errno;
  for (int fd : {p.devnull, p.out[1], p.request[0], p.answer[1]})
    close(fd);
  request_fd_ = p.request[1];
  answer_fd_ = p.answer[0];
  output_fd_ = p.out[0];
  if (pid_ < 0) {
    close_fd(request_fd_);
    close_fd(answer_fd_);
    close_fd(output_fd_);
    std::filesystem::remove(dir_);
    throw std::runtime_error(
        fmt::format("cannot start the policy sandbox: {}", std::strerror(fork_error)));
  }
  setpgid(pid_, pid_);  // also here: the group must exist before the first kill(-pid)
  pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  for (int fd : {request_fd_, answer_fd_, output_fd_})
    set_nonblocking(fd);
}

Sandbox::~Sandbox() {
  if (!reaped_) kill();
  close_fd(request_fd_);
  close_fd(answer_fd_);
  close_fd(output_fd_);
  close_fd(pidfd_);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void Sandbox::drain_output() {
  char buffer[16384];
  while (output_fd_ >= 0) {
    const ssize_t n = read(output_fd_, buffer, sizeof buffer);
    if (n > 0) {
      output_.append(buffer, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      if (n == 0) close_fd(output_fd_);  // the child (and its output) is gone
      return;
    }
  }
}

bool Sandbox::wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd fds[2] = {{fd, events, 0}, {output_fd_, POLLIN, 0}};
    const int n = poll(fds, output_fd_ >= 0 ? 2 : 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (fds[1].revents) drain_output();
    if (fds[0].revents) return true;
  }
}

Sandbox::Io Sandbox::send(const std::vector<std::uint8_t>& bytes, Clock::time_point deadline) {
  // A write to a dead child raises SIGPIPE, which would end iosim: block it
  // for the write and take back the one the write may have raised.
  sigset_t pipe_signal, old;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (request_fd_ < 0) return Io::kClosed;
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &old);
    const ssize_t n = write(request_fd_, bytes.data() + done, bytes.size() - done);
    const int error = errno;
    if (n < 0 && error == EPIPE) {
      const timespec now{0, 0};
      sigtimedwait(&pipe_signal, nullptr, &now);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && error == EPIPE) {
      return Io::kClosed;
    } else if (n < 0 && error != EAGAIN && error != EINTR) {
      return Io::kClosed;
    } else if (n < 0 && error == EAGAIN && !wait_for(request_fd_, POLLOUT, deadline)) {
      return Io::kTimeout;
    }
  }
  return Io::kOk;
}

Sandbox::Io Sandbox::receive(protocol::Inbox& inbox, Clock::time_point deadline) {
  std::uint8_t buffer[4096];
  for (;;) {
    if (answer_fd_ < 0) return Io::kClosed;
    const ssize_t n = read(answer_fd_, buffer, sizeof buffer);
    if (n > 0) {
      inbox.append(buffer, static_cast<std::size_t>(n));
      return Io::kOk;
    }
    if (n == 0) {
      close_fd(answer_fd_);
      return Io::kClosed;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Io::kClosed;
    if (!wait_for(answer_fd_, POLLIN, deadline)) return Io::kTimeout;
  }
}

bool Sandbox::reap(bool block) {
  int status = 0;
  rusage usage{};
  pid_t r;
  do {
    r = wait4(pid_, &status, block ? 0 : WNOHANG, &usage);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  reaped_ = true;
  end_.exited = WIFEXITED(status);
  end_.code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  end_.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  end_.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  end_.killed_by_us = killed_;
  return true;
}

ChildEnd Sandbox::finish(Clock::time_point deadline) {
  if (reaped_) return end_;
  close_fd(request_fd_);  // an idle host reads end-of-file and exits
  while (!reap(false)) {
    const int wait_on = pidfd_ >= 0 ? pidfd_ : output_fd_;
    if (wait_on < 0 || !wait_for(wait_on, POLLIN, deadline)) {
      if (Clock::now() >= deadline) return kill();
      if (wait_on < 0) usleep(1000);  // neither a pidfd nor an output pipe: poll the slow way
    }
  }
  drain_output();  // the child is gone: what is left in the pipe ends with end-of-file
  return end_;
}

ChildEnd Sandbox::kill() {
  if (reaped_) return end_;
  killed_ = true;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);  // in case it never got its own group
  reap(true);
  drain_output();
  return end_;
}

}  // namespace iosim::grader
