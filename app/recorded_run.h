// A run recorded for telling afterwards: the platform with its kernel's
// schedule, state and I/O logs, and every probe change in a ProbeLog. What
// `iosim explain` and `iosim report` read.
#pragma once

#include <memory>

#include "app/commands.h"
#include "app/platform.h"
#include "app/simulation.h"
#include "sim/probe_log.h"

namespace iosim {

struct RecordedRun {
  ProbeLog log;  // before the platform: its probes point here until they go
  std::unique_ptr<Platform> platform;
  RunEnd end = RunEnd::kCompleted;
};

// Loads the scenario `options` names and runs it to its end. Returns
// kExitOk, or the exit status to give up with (the reason already printed).
int record_run(const RunOptions& options, RecordedRun& run);

}  // namespace iosim
