// The program linker: the last step of loading a scenario, once every table
// of the TOML is read. Programs name things (spawn worker, lock m, send jobs,
// gather handler...) that may be declared anywhere in the file, so names can
// only be resolved when all declarations are known. For every named step it
// sets Op::ref (kernel/program.h) to what the name means in the step's
// process, checks that the step is allowed in the kind of program it is in
// (`await` only in a coroutine, no `map` in a pool's work item...), and marks
// spawn targets `spawned`. Problems come back as errors at the step's
// position, with a did-you-mean; the scenario loader reports them with the
// rest (app/scenario_loader.h).
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "kernel/workload.h"

namespace iosim {

struct LinkError {
  int line = 0;  // the step's position in the scenario file (Op::line, Op::column)
  int column = 0;
  std::string message;  // "what is wrong, what was expected"
};

// Declarations of synchronisation objects that already had an error (reported
// where they are declared). A step naming an object they may have declared is
// not reported again as unknown. The keys are those of the TOML: "locks",
// "semaphores", "conditions", "variables"; other keys are ignored.
struct FailedDeclarations {
  std::vector<std::set<std::string, std::less<>>> processes;  // in Workload::processes order;
                                                              // a missing entry: none failed
  std::set<std::string, std::less<>> shared;                  // the keys of [shared]
};

// Resolves the names of every program of `workload` (threads', coroutines'
// and pools' work items) and marks spawned threads and processes. Steps whose
// name cannot be resolved keep Ref{}; the errors say why, in the order found.
std::vector<LinkError> link_programs(Workload& workload, const FailedDeclarations& failed);

}  // namespace iosim
