// The `expr` checks of an assignment: a small expression language over the
// numbers of the JSON reports, e.g.
//   metrics.avg_turnaround_ns <= 1.1 * reference.metrics.avg_turnaround_ns
//   schedule.max_wait_ns < 500ms and metrics.jain_fairness >= 0.9
// Grammar (a recursive-descent parser, lowest precedence first):
//   expr    := and ( ("or" | "||") and )*
//   and     := not ( ("and" | "&&") not )*
//   not     := ("not" | "!") not | compare
//   compare := sum ( ("<" | "<=" | ">" | ">=" | "==" | "!=") sum )?
//   sum     := product ( ("+" | "-") product )*
//   product := unary ( ("*" | "/") unary )*
//   unary   := "-" unary | primary
//   primary := NUMBER [UNIT] | "true" | "false" | "(" expr ")"
//            | FUNCTION "(" expr ("," expr)* ")" | PATH
// NUMBER is a decimal (1, 0.5, 2e6); a duration unit right after it (ns, us,
// ms, s) makes it nanoseconds: 5ms is 5000000. FUNCTION is abs, min or max.
// PATH is a name with dotted parts and [index]es: threads[0].cpu_ns. Values
// are numbers; a comparison or a logical operator gives 1 or 0, and a
// condition is true when it is not 0.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iosim::grader {

struct ExpressionError {
  std::size_t offset = 0;  // 0-based, into the expression's text
  std::string message;
};

// What a PATH means: its parts ("threads", "0", "cpu_ns"). Returns the
// number, or nullopt with *error saying why (unknown, null, not a number).
using PathResolver =
    std::function<std::optional<double>(const std::vector<std::string>& path, std::string* error)>;

class Expression {
 public:
  struct Node;

  // nullopt, with *error, when the text is not an expression.
  static std::optional<Expression> parse(std::string_view text, ExpressionError* error);

  // The value, or nullopt with *error (a path that does not resolve, a
  // division by zero).
  std::optional<double> evaluate(const PathResolver& resolve, std::string* error) const;
  // Every PATH in the expression, dotted ("threads.0.cpu_ns"), in order.
  std::vector<std::string> paths() const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace iosim::grader
