// `iosim compare`: runs several scenarios side by side and prints one table.
// `iosim sweep` is the same over the values of one or more parameters of
// one scenario (every combination, each run with --set KEY=VALUE).
// Each run is `iosim run FILE --json` in its own child process (one
// SystemC elaboration per process), up to `jobs` at a time; the table is in
// the order the scenarios were given, so it does not depend on `jobs`.
//
// A folder stands for its scenarios: the variants its `lesson.toml` index
// names (title, question, variants = [...]), or else every *.toml in it,
// sorted by name.
#pragma once

#include <string>
#include <vector>

namespace iosim {

struct CompareOptions {
  std::vector<std::string> paths;      // scenario files and lesson folders
  std::vector<std::string> overrides;  // --set, passed to every run
  std::vector<std::string> metrics;    // --metric: dotted paths into the JSON report
  std::vector<std::string> params;     // sweep: KEY=V1,V2,... over the one scenario in paths
  std::string plot;                    // --plot: an SVG of the table's bars ("" = none)
  int jobs = 1;
  bool csv = false, json = false, quiet = false;
};

// The exit status: 0 when every run produced a report (whatever its status),
// 2 for bad input (a path, a scenario or a metric), 1 otherwise.
int compare_command(const CompareOptions& options);

}  // namespace iosim
