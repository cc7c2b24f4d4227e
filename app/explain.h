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

#include <optional>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/platform.h"
#include "sim/probe_log.h"

namespace iosim {

struct ExplainOptions {
  RunOptions run;      // the scenario and its overrides
  std::string thread;  // whose request: "reader" or "app/reader"; "" = the first to do I/O
  int request = 1;     // its Nth request, from 1
};

int explain_command(const ExplainOptions& options);

// The story, as lines of text (explain prints them; the HTML report shows them).
struct RequestStory {
  std::string title, setup;        // "Request 1 of app/reader: read of ...", how it is done
  std::vector<std::string> steps;  // a header, then one line per step
  std::string window;              // "Meanwhile (t0 to t1):"
  std::vector<std::string> cores;  // what each core did meanwhile
  std::string answer;              // how much of the request the CPU spent on it
};

// Tells the Nth request of `thread` ("" = the first thread to do I/O) of a
// finished run recorded with its schedule and a ProbeLog of every probe.
std::optional<RequestStory> tell_request(Platform& platform, const ProbeLog& log,
                                         const std::string& thread, int request,
                                         std::string* error);

}  // namespace iosim
