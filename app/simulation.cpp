#include "app/simulation.h"

#include <algorithm>
#include <chrono>
#include <csignal>

namespace iosim {

const char* run_end_name(RunEnd end) {
  switch (end) {
    case RunEnd::kCompleted:
      return "completed";
    case RunEnd::kTimeLimit:
      return "sim_time_limit";
    case RunEnd::kStalled:
      return "stalled";
    case RunEnd::kPolicyFault:
      return "policy_fault";
    case RunEnd::kOutOfMemory:
      return "out_of_memory";
    case RunEnd::kEventLimit:
      return "event_limit";
    case RunEnd::kWallTimeLimit:
      return "wall_time_limit";
    case RunEnd::kInterrupted:
      return "interrupted";
  }
  return "?";
}

// The kernel calls sc_stop() when the last process ends, or when it stops
// the machine. Simulating in slices
// changes nothing in the model (SystemC processes the same events in the same
// order); it only lets the caller look up between slices.
namespace {
volatile std::sig_atomic_t stop_requested = 0;
}  // namespace

void request_stop() {
  stop_requested = 1;
}

RunEnd simulate(Platform& platform, const std::function<void()>& on_step) {
  constexpr Ns kSlice = 10 * kMs;
  const LimitsSpec& limits = platform.scenario().limits;
  const Ns limit = limits.sim_time;
  const Kernel& kernel = platform.kernel();
  // Wall-clock time only decides when to give up; it never enters the model.
  const auto started = std::chrono::steady_clock::now();
  auto wall = [&] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                started)
        .count();
  };
  for (;;) {
    // A stop comes first: memory can run out at boot, before anything runs.
    if (kernel.stopped() == KernelStop::kPolicyFault) return RunEnd::kPolicyFault;
    if (kernel.stopped() == KernelStop::kOutOfMemory) return RunEnd::kOutOfMemory;
    if (kernel.all_done()) break;
    if (stop_requested) return RunEnd::kInterrupted;
    if (now_ns() >= limit) return RunEnd::kTimeLimit;
    if (sc_core::sc_delta_count() >= limits.events) return RunEnd::kEventLimit;
    if (wall() >= limits.wall_time) return RunEnd::kWallTimeLimit;
    // Before the first sc_start nothing is scheduled yet, so only look after it.
    // A periodic tick is always pending: the kernel knows when it is all that is.
    if (sc_core::sc_start_of_simulation_invoked() &&
        (!sc_core::sc_pending_activity() || kernel.stalled()))
      return RunEnd::kStalled;
    sc_core::sc_start(to_sc(std::min(kSlice, limit - now_ns())));
    if (on_step) on_step();
  }
  return RunEnd::kCompleted;
}

}  // namespace iosim
