// Runs a program as a child process under a wall-clock deadline, the way the
// grader runs compilers and `iosim run`: in its own process group (so a
// deadline kills everything it started), stdin from /dev/null (or a file
// given), no descriptors inherited but stdout and stderr, which are captured
// and truncated. Safe to call from several threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace iosim::grader {

// What the child may touch of the file system, enforced with Landlock before
// it starts (best effort: a kernel without Landlock runs it unconfined).
struct Confinement {
  std::vector<std::string> read_only;   // may read and execute files beneath these
  std::vector<std::string> read_write;  // and may do anything beneath these
};

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in PATH
  std::string cwd;                // empty: the grader's own
  int stdin_fd = -1;              // what the child reads on stdin; -1: /dev/null
  std::optional<Confinement> confine;
  std::optional<std::vector<std::string>> env;  // "KEY=VALUE"s; nullopt: the grader's own
  std::chrono::milliseconds deadline{60'000};
  std::size_t max_out = std::size_t{256} << 20;  // bytes of stdout kept (the rest is read, dropped)
  std::size_t max_err = std::size_t{64} << 10;   // bytes of stderr kept
};

struct ChildResult {
  bool started = false;  // false: fork or exec failed (`error` says why)
  std::string error;
  bool exited = false;  // true: `code` is its exit status; false: `signal` ended it
  int code = 0, signal = 0;
  bool timed_out = false;  // the deadline passed and the group was killed
  std::string out, err;
  bool out_truncated = false, err_truncated = false;
  double seconds = 0;  // wall-clock time it ran
};

ChildResult run_child(const ChildSpec& spec);

// "exited with status 3", "killed by signal 11 (Segmentation fault)", "timed out after 60 s".
std::string describe_end(const ChildResult& result);

}  // namespace iosim::grader
