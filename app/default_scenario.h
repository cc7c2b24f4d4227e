// The scenario `iosim run` uses when given no file: a copy of
// workloads/cpu-free-during-io/dma.toml compiled into the binary.
#pragma once

#include <string_view>

namespace iosim {

std::string_view default_scenario_text();
std::string_view default_scenario_name();

}  // namespace iosim
