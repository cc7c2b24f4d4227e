// How many threads a scenario can create, counted from its programs before
// the run: the waveform declares a signal per thread up front (the VCD's
// header comes before the run), so it needs the number, or a bound on it.
#pragma once

#include <cstdint>

#include "kernel/workload.h"

namespace iosim {

// An upper bound on the threads `workload` creates, at most `cap`: the
// threads that start with each process, every `spawn` (times its enclosing
// `repeat` counts), every pool's workers, and what the programs they run
// create in turn. Exact when no spawn, map or task is skipped by the run.
std::uint64_t max_threads(const Workload& workload, std::uint64_t cap);

}  // namespace iosim
