// libFuzzer target: the program notation parser (app/program_parser.h) on
// any text. Beyond not crashing, a parse must keep its promises: a program
// with no errors has loops whose RepeatBegin/RepeatEnd point at each other,
// and every error has a 1-based position and says something.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/program_parser.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_loops(const iosim::Program& program) {
  const auto& ops = program.ops;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const iosim::Op& op = ops[i];
    check(op.line >= 1 && op.column >= 1);
    if (op.kind == iosim::OpKind::kRepeatBegin) {
      check(op.count >= 1 && op.jump > i && op.jump < ops.size());
      check(ops[op.jump].kind == iosim::OpKind::kRepeatEnd && ops[op.jump].jump == i);
    } else if (op.kind == iosim::OpKind::kRepeatEnd) {
      check(op.jump < i && ops[op.jump].kind == iosim::OpKind::kRepeatBegin);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const iosim::ParsedProgram parsed = iosim::parse_program(text);
  for (const iosim::ProgramError& e : parsed.errors)
    check(e.line >= 1 && e.column >= 1 && !e.message.empty());
  if (parsed.errors.empty()) check_loops(parsed.program);
  return 0;
}
