// Runs an assembled platform until every process has ended, the scenario's
// simulated-time limit is reached, nothing is left that could make
// progress, the kernel stops the machine (a policy fault, memory
// exhausted), a limit is reached (events, wall-clock time) or a signal asks. Shared by `iosim run`
// and the tests.
#pragma once

#include <functional>

#include "app/platform.h"

namespace iosim {

enum class RunEnd {
  kCompleted,
  kTimeLimit,
  kStalled,
  kPolicyFault,
  kOutOfMemory,
  kEventLimit,
  kWallTimeLimit,
  kInterrupted
};

// "completed", "sim_time_limit", "stalled", "policy_fault", "out_of_memory",
// "event_limit", "wall_time_limit", "interrupted"
const char* run_end_name(RunEnd end);

// Asks a running simulate() to stop at its next look (async-signal-safe:
// the SIGINT and SIGTERM handlers call it).
void request_stop();

// `on_step` (optional) is called between slices of simulated time, e.g. to
// show progress. It must not change the model.
RunEnd simulate(Platform& platform, const std::function<void()>& on_step = {});

}  // namespace iosim
