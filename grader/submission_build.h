// Builds a source-folder submission into a policy library with a fixed
// command: no build script of the student's runs. The folder's own *.c, *.cc
// and *.cpp files (not its subfolders) are copied, with its headers, into a
// folder of the grader's and compiled there against the scheduler header this
// iosim was built with (as both <iosim/scheduler.h> and "kernel/scheduler.h"):
//
//   cc  -std=gnu11   -O2 -fPIC -Wall -I<include> -I. -c X.c            (each C file)
//   c++ -std=gnu++17 -O2 -fPIC -Wall -I<include> -I. -c X.cpp          (each C++ file)
//   cc|c++ -shared -o policy.so *.o -lm                                (c++ if any C++)
//
// with a cleared environment (PATH, LANG=C, TMPDIR in the build folder), under
// a wall-clock deadline for the whole build, and (where the kernel has
// Landlock) able to read only the system's folders and write only the build
// folder, so that a source cannot include a file of the grader's. A failed
// build is not a zero: the submission is ungradable, and the compiler's
// output says why.
#pragma once

#include <string>
#include <string_view>

#include "sim/ns.h"

namespace iosim::grader {

struct BuildResult {
  bool ok = false;
  std::string library;  // the built library (absolute path), when ok
  std::string output;   // what the compiler said (sanitised, truncated)
};

// `work` is an empty folder the grader owns; the build happens in it.
BuildResult build_submission(const std::string& folder, const std::string& work, Ns timeout);

// kernel/scheduler.h as this iosim was built with it.
std::string_view scheduler_header_text();

}  // namespace iosim::grader
