// Finds a scheduling policy by name ("fcfs", "rr"), or loads one from a shared
// library that exports iosim_scheduler_policy (see kernel/scheduler.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/scheduler.h"

namespace iosim {

// nullptr when `name` is not a built-in policy.
std::unique_ptr<sched::Policy> make_builtin_policy(std::string_view name, int64_t quantum_ns);
const std::vector<std::string>& builtin_policy_names();
// Throws std::runtime_error with the loader's reason when the library is unusable.
std::unique_ptr<sched::Policy> load_policy_library(const std::string& path, int64_t quantum_ns);

}  // namespace iosim
