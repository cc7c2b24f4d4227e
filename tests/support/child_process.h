// SystemC elaborates once per process and cannot restart after sc_stop
// (design decision 7), so every test that builds a model runs it in a forked
// child. The child runs `body` (which may use EXPECT_*/ASSERT_* freely; its
// failures print in the child) and exits 0 only if it recorded no failure.
//
//   TEST(Disk, SeekTimeMatchesFormula) {
//     EXPECT_CHILD_PASSES([] { ... build modules, sc_start(), EXPECT_EQ(...) ... });
//   }
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>

namespace iosim::testing {

// Returns the child's exit status (0 = passed), or -1 if it died of a signal.
inline int run_in_child(const std::function<void()>& body) {
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    int status = 0;
    try {
      body();
      status = ::testing::Test::HasFailure() ? 1 : 0;
    } catch (const std::exception& e) {  // never let the child run the parent's other tests
      std::fprintf(stderr, "exception in simulation child: %s\n", e.what());
      status = 2;
    } catch (...) {
      std::fprintf(stderr, "unknown exception in simulation child\n");
      status = 2;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(status);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace iosim::testing

#define EXPECT_CHILD_PASSES(...)                            \
  EXPECT_EQ(::iosim::testing::run_in_child(__VA_ARGS__), 0) \
      << "the simulation child reported failures above"
