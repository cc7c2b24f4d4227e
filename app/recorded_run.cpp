#include "app/recorded_run.h"

#include <cstdio>

#include "sim/units.h"

namespace iosim {

int record_run(const RunOptions& options, RecordedRun& run) {
  std::optional<Scenario> scenario = load_for_run(options);
  if (!scenario) return kExitBadInput;
  set_time_resolution();
  quiet_systemc_reports();
  try {
    run.platform = std::make_unique<Platform>(*scenario, /*record_schedule=*/true);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", scenario->source.c_str(), e.what());
    return kExitBadInput;
  }
  for (Probe* probe : run.platform->probes())
    probe->attach(run.log);
  try {
    run.end = simulate(*run.platform);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error at %s: %s\n", units::format_duration(now_ns()).c_str(),
                 e.what());
    return kExitInternal;
  }
  return kExitOk;
}

}  // namespace iosim
