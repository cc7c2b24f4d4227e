// Workloads made at grading time from a kind, a size and a seed, so that a
// hidden case's answers cannot be hard-coded: the scenario exists only while
// it is graded. The same kind, size and seed give the same text, on every
// machine (integer arithmetic only). Kinds:
//   cpu-mix      CPU-bound jobs of mixed lengths (mostly short, some long)
//                arriving at random times
//   io-mix       jobs that alternate short CPU bursts with disk reads or sleeps
//   interactive  a few long CPU hogs among many interactive threads (short
//                bursts, then a sleep), arriving over time
//   stream       one or two CPU hogs, then a steady stream of short jobs that
//                keeps a core busy for seconds: without a priority boost the
//                hogs starve
// Every thread is in one process, "jobs", named t00, t01, ...; each states
// its CPU time as `expected` (for SJF-like references).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "grader/assignment.h"

namespace iosim::grader {

const std::vector<std::string_view>& generator_kinds();

// The scenario's TOML text. `spec.seed` is used as given (see mixed_seed).
std::string generate_scenario(const GeneratorSpec& spec);

// `iosim grade --seed N`: every generated case gets a seed derived from N and
// its own seed, so one N changes every workload and cases stay distinct.
std::uint64_t mixed_seed(std::uint64_t case_seed, std::uint64_t grading_seed);

}  // namespace iosim::grader
