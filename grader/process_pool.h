// Runs commands as child processes, a few at a time, and captures what each
// prints. A child runs in its own process group with stdin on /dev/null; one
// that outlives its deadline is killed, group and all. A child's output is
// collected as it arrives, so none blocks on a full pipe, and a child's end
// is noticed when it exits (pidfd), not when its pipes close: a grandchild
// that kept them open cannot hold up the pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace iosim::grader {

struct ProcessResult {
  int exit_status = -1;  // when it exited; -1 otherwise
  int signal = 0;        // the signal that ended it, 0 if none
  bool timed_out = false;
  bool out_truncated = false;  // stdout passed ProcessPool's cap: the rest was dropped
  std::string out, err;        // err keeps its first 64 KiB
  double seconds = 0;          // wall-clock time, for progress estimates only

  // "ended with exit status 2", "was killed by signal 11 (Segmentation
  // fault)", "timed out after 30 s and was killed"...
  std::string describe(std::chrono::seconds timeout) const;
};

class ProcessPool {
 public:
  using Done = std::function<void(std::size_t index, ProcessResult result)>;

  // Up to `jobs` children at once; each killed after `timeout`; a child's
  // stdout is kept up to `max_out` bytes.
  ProcessPool(int jobs, std::chrono::seconds timeout, std::size_t max_out = 256u << 20);

  // Runs every command (argv[0] is the program's path) and calls `done` as
  // each ends, in the order they end. Throws std::runtime_error only when
  // this process cannot make pipes or fork; a command that cannot be
  // executed ends with exit status 127.
  void run(const std::vector<std::vector<std::string>>& commands, const Done& done);

 private:
  int jobs_;
  std::chrono::seconds timeout_;
  std::size_t max_out_;
};

}  // namespace iosim::grader
