// Runs a program in a child process and measures what the benchmark
// reports about it: wall-clock time, CPU time and the child's own peak
// resident memory (wait4's rusage, which covers that child alone).
//
// The figures are judged on CPU time (user + system): the programs are
// single-threaded, so on an idle machine it is their wall time, and on a
// machine shared with other work it does not count the time spent waiting
// for a CPU.
#pragma once

#include <string>
#include <vector>

namespace iosim::bench {

struct TimedRun {
  int status = -1;          // exit status; -1 if it did not exit normally
  double wall = 0;          // wall-clock seconds from fork to exit
  double seconds = 0;       // CPU seconds, user + system
  double peak_rss_mib = 0;  // the child's maximum resident set
  std::string out;          // what it wrote on stdout
  std::string err;          // what it wrote on stderr
};

// `argv[0]` is the program's path. Output goes through files in `scratch`
// (a directory), so a child that writes a lot never blocks on a pipe.
TimedRun run_timed(const std::vector<std::string>& argv, const std::string& scratch);

}  // namespace iosim::bench
