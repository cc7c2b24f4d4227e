// How the scenario loader's fuzzer reads an input, shared with the
// regression test (tests/app/fuzz_regressions_test.cpp) so that a saved
// input means the same to both: the whole input is the scenario file, and
// its lines that start with "#--set " (TOML comments, so a seed stays a
// valid scenario) are also --set overrides, as on `iosim check`'s command line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace iosim::fuzz {

inline constexpr std::string_view kSetPrefix = "#--set ";
inline constexpr std::size_t kMaxOverrides = 8;

inline std::vector<std::string> overrides_in(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty() && out.size() < kMaxOverrides) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (line.starts_with(kSetPrefix)) out.emplace_back(line.substr(kSetPrefix.size()));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

}  // namespace iosim::fuzz
