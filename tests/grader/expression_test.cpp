// The `expr` checks' little language: precedence, units, paths, functions,
// and the errors an instructor sees.
#include "grader/expression.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace iosim::grader {
namespace {

// Paths resolve from a table of dotted names; anything else is unknown.
std::optional<double> value_of(const std::string& text,
                               const std::map<std::string, double>& names = {},
                               std::string* error = nullptr) {
  ExpressionError syntax;
  auto e = Expression::parse(text, &syntax);
  if (!e) {
    ADD_FAILURE() << "'" << text << "' does not parse: " << syntax.message << " at "
                  << syntax.offset;
    return std::nullopt;
  }
  PathResolver resolve = [&](const std::vector<std::string>& path, std::string* why) {
    std::string dotted;
    for (const std::string& part : path)
      dotted += (dotted.empty() ? "" : ".") + part;
    auto it = names.find(dotted);
    if (it != names.end()) return std::optional<double>(it->second);
    if (why) *why = dotted + " is unknown";
    return std::optional<double>();
  };
  return e->evaluate(resolve, error);
}

ExpressionError syntax_error(const std::string& text) {
  ExpressionError error;
  EXPECT_FALSE(Expression::parse(text, &error)) << "'" << text << "' should not parse";
  return error;
}

TEST(ExpressionTest, ArithmeticFollowsTheUsualPrecedence) {
  EXPECT_EQ(value_of("1 + 2 * 3"), 7);
  EXPECT_EQ(value_of("(1 + 2) * 3"), 9);
  EXPECT_EQ(value_of("10 - 4 - 3"), 3) << "minus is left-associative";
  EXPECT_EQ(value_of("-2 * -3"), 6);
  EXPECT_EQ(value_of("10 / 4"), 2.5);
  EXPECT_EQ(value_of("2e3 + 0.5"), 2000.5);
}

TEST(ExpressionTest, ComparisonsAndLogicGiveOneOrZero) {
  EXPECT_EQ(value_of("1 < 2 and 2 < 1"), 0);
  EXPECT_EQ(value_of("not (1 > 2) or false"), 1);
  EXPECT_EQ(value_of("3 >= 3 && 2 != 2"), 0);
  EXPECT_EQ(value_of("!0 || 0"), 1);
  EXPECT_EQ(value_of("1 + 1 == 2"), 1) << "arithmetic binds tighter than comparison";
  EXPECT_EQ(value_of("true and 1 <= 1"), 1);
}

TEST(ExpressionTest, ADurationUnitMakesNanoseconds) {
  EXPECT_EQ(value_of("5ms"), 5'000'000);
  EXPECT_EQ(value_of("1.5s + 2us"), 1'500'002'000);
}

TEST(ExpressionTest, PathsReachIntoTheReports) {
  const std::map<std::string, double> names{{"metrics.avg_turnaround_ns", 105},
                                            {"reference.metrics.avg_turnaround_ns", 100},
                                            {"threads.1.cpu_ns", 7}};
  EXPECT_EQ(
      value_of("metrics.avg_turnaround_ns <= 1.1 * reference.metrics.avg_turnaround_ns", names), 1);
  EXPECT_EQ(
      value_of("metrics.avg_turnaround_ns <= 1.01 * reference.metrics.avg_turnaround_ns", names),
      0);
  EXPECT_EQ(value_of("threads[1].cpu_ns", names), 7);
  EXPECT_EQ(value_of("threads.1.cpu_ns", names), 7) << "[1] and .1 are the same path";
  ExpressionError ignored;
  EXPECT_EQ(Expression::parse("a.b + threads[2].x * c", &ignored)->paths(),
            (std::vector<std::string>{"a.b", "threads.2.x", "c"}));
}

TEST(ExpressionTest, FunctionsTakeTheirArguments) {
  EXPECT_EQ(value_of("max(1, 5, 3) - min(2, 4) + abs(-3)"), 6);
  EXPECT_EQ(syntax_error("abs(1, 2)").message, "abs takes one value");
  ExpressionError e = syntax_error("1 + sqrt(4)");
  EXPECT_EQ(e.offset, 4u);
  EXPECT_EQ(e.message, "unknown function 'sqrt' (expected abs, min or max)");
}

TEST(ExpressionTest, AndOrStopAsSoonAsTheyKnow) {
  std::string error;
  EXPECT_EQ(value_of("false and missing.value > 0", {}, &error), 0) << error;
  EXPECT_EQ(value_of("true or missing.value > 0", {}, &error), 1) << error;
}

TEST(ExpressionTest, SyntaxErrorsSayWhereAndWhat) {
  ExpressionError e = syntax_error("1 +");
  EXPECT_EQ(e.offset, 3u);
  EXPECT_EQ(e.message, "the expression ends too early");
  e = syntax_error("1 $ 2");
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(e.message, "unexpected character '$'");
  e = syntax_error("(1 + 2");
  EXPECT_EQ(e.offset, 6u);
  EXPECT_EQ(e.message, "expected ')' but found the end");
  e = syntax_error("1 2");
  EXPECT_EQ(e.offset, 2u);
  EXPECT_EQ(e.message, "unexpected '2'");
  e = syntax_error("3parsecs");
  EXPECT_EQ(e.offset, 0u);
  EXPECT_NE(e.message.find("'3parsecs'"), std::string::npos) << e.message;
}

TEST(ExpressionTest, EvaluationErrorsSayWhy) {
  std::string error;
  EXPECT_FALSE(value_of("1 / (2 - 2)", {}, &error));
  EXPECT_EQ(error, "division by zero");
  EXPECT_FALSE(value_of("metrics.nothing < 1", {}, &error));
  EXPECT_EQ(error, "metrics.nothing is unknown");
}

}  // namespace
}  // namespace iosim::grader
