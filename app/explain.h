// `iosim explain FILE`: the story of one I/O request, step by step in
// simulated time: the syscall, the driver programming the controller, the
// device's firmware states, DMA, the interrupt, the wake-up and the return;
// what each core did meanwhile; and, to end, how much of the request's
// duration the CPU spent on it and what it did with the rest.
//
// The story comes from a normal run with two recorders attached: the
// kernel's I/O log (the request's milestones) and a ProbeLog (every change
// of every probe, the same signals a VCD holds).
#pragma once

#include <string>

#include "app/commands.h"

namespace iosim {

struct ExplainOptions {
  RunOptions run;      // the scenario and its overrides
  std::string thread;  // whose request: "reader" or "app/reader"; "" = the first to do I/O
  int request = 1;     // its Nth request, from 1
};

int explain_command(const ExplainOptions& options);

}  // namespace iosim
