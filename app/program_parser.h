// The program notation: the small language a thread's `program` is written in.
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
// One statement per line (or separated by ';'); '#' starts a comment. The full
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
