// The program notation: the small language a thread's (or a coroutine's, or
// a pool work item's) `program` is written in.
//
//   repeat 20 {
//     read 64KiB          # continues where the previous read ended
//     compute 200us
//   }
//   write 4KiB at lba 100
//   sleep 5ms
//   compute 2000000 cycles
//   yield
//   exit
//
// Statements (NAME: letters, digits, '_', '-', '.', starting with a letter or '_'):
//   compute DURATION|N cycles [mem=P%] [nogil]    (the options in either order)
//   read SIZE [at lba N] | write SIZE [at lba N] | sleep DURATION | fetch SIZE [send SIZE]
//   yield | exit | repeat N { ... } | print TEXT...
//   spawn NAME | join NAME | lock NAME | unlock NAME | acquire NAME | release NAME
//   wait NAME | notify NAME | notify_all NAME | add NAME [N] [atomic] (N signed, default 1)
//   send NAME SIZE | recv NAME | map NAME N | gather NAME [N] | create_task NAME
//   await sleep|read|write|fetch ... (the same step, Op::await set)
//   await gather NAME [N] | await run_in_executor NAME | await NAME (a coroutine)
//
// One statement per line (or separated by ';'); '#' starts a comment. The
// parser checks spelling only: the scenario loader resolves NAMEs and decides
// where each statement is allowed (`await` only in coroutines, ...). The full
// grammar is in docs/scenario-format.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kernel/program.h"

namespace iosim {

struct ProgramError {
  int line;             // 1-based, relative to the program text
  int column;           // 1-based
  std::string message;  // "what is wrong, what was expected"
};

struct ParsedProgram {
  Program program;                   // Op::line/column are relative to the text, like errors
  std::vector<ProgramError> errors;  // empty when the program is valid
};

ParsedProgram parse_program(std::string_view text);

}  // namespace iosim
