// Reads a scenario (TOML) into a validated Scenario, or explains every
// problem with its position: "FILE:LINE:COL: error: what is wrong, what was
// expected". Command-line overrides (--set KEY=VALUE) are applied before
// validation and checked exactly like the file. Every name a program uses
// (a thread, a lock, a queue...) is resolved to its Op::ref, and checked.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/scenario.h"

namespace iosim {

struct Diagnostic {
  std::string file;  // the scenario's path, or "--set" for an override
  int line = 0;      // 1-based; 0 when no position applies
  int column = 0;
  std::string message;
  std::string format() const;  // "file:line:col: error: message"
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set only when there are no errors
  std::vector<Diagnostic> errors;    // in file order
};

LoadResult load_scenario_file(const std::string& path,
                              const std::vector<std::string>& overrides = {});
LoadResult load_scenario_text(std::string_view text, const std::string& source_name,
                              const std::vector<std::string>& overrides = {});

}  // namespace iosim
