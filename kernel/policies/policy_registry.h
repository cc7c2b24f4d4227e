// Finds a built-in scheduling policy by the name a scenario gives in
// `kernel.policy` (see docs/policies.md), or loads one from a shared library
// that exports iosim_scheduler_policy (see kernel/scheduler.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/policies/policy_params.h"
#include "kernel/scheduler.h"

namespace iosim {

// nullptr when `name` is not a built-in policy. With params.per_core_queues
// the policy is wrapped in PerCoreQueues (one instance per core).
std::unique_ptr<sched::Policy> make_builtin_policy(std::string_view name,
                                                   const PolicyParams& params);
// Every name make_builtin_policy accepts (aliases too), in a fixed order: for
// error messages and did-you-mean suggestions.
const std::vector<std::string>& builtin_policy_names();
// Throws std::runtime_error with the loader's reason when the library is unusable.
std::unique_ptr<sched::Policy> load_policy_library(const std::string& path,
                                                   const sched::Config& config);

}  // namespace iosim
