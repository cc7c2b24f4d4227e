#include "bench/timed_run.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace iosim::bench {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// In the child: stdout and stderr to files, then exec. Never returns.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const std::string& out,
                             const std::string& err) {
  const int fd_out = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int fd_err = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd_out < 0 || fd_err < 0) ::_exit(127);
  ::dup2(fd_out, STDOUT_FILENO);
  ::dup2(fd_err, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

}  // namespace

TimedRun run_timed(const std::vector<std::string>& argv, const std::string& scratch) {
  const std::string out = scratch + "/stdout.txt", err = scratch + "/stderr.txt";
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) exec_child(argv, out, err);
  int status = 0;
  rusage usage{};
  if (::wait4(pid, &status, 0, &usage) != pid) throw std::runtime_error("wait4 failed");
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  TimedRun run;
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.wall = took.count();
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  run.seconds = secs(usage.ru_utime) + secs(usage.ru_stime);
  run.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

}  // namespace iosim::bench
