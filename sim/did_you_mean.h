// "Did you mean ...?" for typos in scenario keys, choices, program
// statements and units: one definition of "close", shared by every parser.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace iosim {

std::size_t edit_distance(std::string_view a, std::string_view b);  // Levenshtein
bool equal_ignoring_case(std::string_view a, std::string_view b);

// The candidate a typo most likely meant: the same word in another case, or
// the nearest within two edits (the first one listed wins a tie).
template <typename Strings>
std::optional<std::string_view> closest_match(std::string_view word, const Strings& candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;
  for (std::string_view candidate : candidates) {
    if (equal_ignoring_case(word, candidate)) return candidate;
    std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace iosim
