// Runs an assembled platform until every thread has exited, the scenario's
// simulated-time limit is reached, or nothing is left that could make
// progress. Shared by `iosim run` and the tests.
#pragma once

#include <functional>

#include "app/platform.h"

namespace iosim {

enum class RunEnd { kCompleted, kTimeLimit, kStalled };

const char* run_end_name(RunEnd end);  // "completed", "sim_time_limit", "stalled"

// `on_step` (optional) is called between slices of simulated time, e.g. to
// show progress. It must not change the model.
RunEnd simulate(Platform& platform, const std::function<void()>& on_step = {});

}  // namespace iosim
