#include "grader/expression.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "sim/units.h"

namespace iosim::grader {

struct Expression::Node {
  enum class Kind { kNumber, kPath, kNegate, kNot, kBinary, kCall } kind = Kind::kNumber;
  double value = 0;
  std::vector<std::string> path;
  std::string op;  // kBinary: the operator; kCall: the function
  std::vector<std::shared_ptr<const Node>> args;
};

namespace {

using Node = Expression::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Token {
  enum class Kind { kNumber, kName, kSymbol, kEnd } kind = Kind::kEnd;
  std::string text;
  std::size_t offset = 0;
  double value = 0;
};

bool name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

struct SyntaxError {
  std::size_t offset;
  std::string message;
};

// Splits the text; a number takes a duration unit glued to it (5ms).
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    for (;;) {
      while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_])))
        ++pos_;
      if (pos_ >= text_.size()) break;
      // Inside a path (threads.0.cpu_ns) a number is a plain index.
      const bool index =
          !out.empty() && out.back().kind == Token::Kind::kSymbol && out.back().text == ".";
      out.push_back(index ? integer() : next());
    }
    out.push_back(Token{Token::Kind::kEnd, "", text_.size(), 0});
    return out;
  }

 private:
  Token next() {
    const std::size_t start = pos_;
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c))) return number(start);
    if (name_start(c)) {
      while (pos_ < text_.size() && name_char(text_[pos_]))
        ++pos_;
      return Token{Token::Kind::kName, std::string(text_.substr(start, pos_ - start)), start, 0};
    }
    for (std::string_view symbol : {"<=", ">=", "==", "!=", "&&", "||"}) {
      if (text_.substr(pos_, 2) == symbol) {
        pos_ += 2;
        return Token{Token::Kind::kSymbol, std::string(symbol), start, 0};
      }
    }
    if (std::string_view("+-*/()<>!,.[]").find(c) != std::string_view::npos) {
      ++pos_;
      return Token{Token::Kind::kSymbol, std::string(1, c), start, 0};
    }
    throw SyntaxError{start, fmt::format("unexpected character '{}'", c)};
  }

  Token integer() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))
      ++pos_;
    if (pos_ == start) return next();
    return Token{Token::Kind::kNumber, std::string(text_.substr(start, pos_ - start)), start, 0};
  }

  Token number(std::size_t start) {
    char* end = nullptr;
    const std::string copy(text_.substr(start));
    const double value = std::strtod(copy.c_str(), &end);
    const std::size_t length = static_cast<std::size_t>(end - copy.c_str());
    if (length == 0) throw SyntaxError{start, "expected a number"};
    pos_ = start + length;
    std::size_t unit_end = pos_;
    while (unit_end < text_.size() && std::isalpha(static_cast<unsigned char>(text_[unit_end])))
      ++unit_end;
    if (unit_end == pos_) return Token{Token::Kind::kNumber, copy.substr(0, length), start, value};
    const std::string_view with_unit = text_.substr(start, unit_end - start);
    units::Error error;
    const auto ns = units::parse_duration_ns(with_unit, &error);
    if (!ns) throw SyntaxError{start, fmt::format("'{}': {}", with_unit, error.message)};
    pos_ = unit_end;
    return Token{Token::Kind::kNumber, std::string(with_unit), start, static_cast<double>(*ns)};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  NodePtr parse() {
    NodePtr root = disjunction();
    if (peek().kind != Token::Kind::kEnd)
      throw SyntaxError{peek().offset, fmt::format("unexpected '{}'", peek().text)};
    return root;
  }

 private:
  const Token& peek() const { return tokens_[pos_]; }
  bool at(std::string_view text) const {
    const Token& t = peek();
    return (t.kind == Token::Kind::kSymbol || t.kind == Token::Kind::kName) && t.text == text;
  }
  bool accept(std::string_view text) {
    if (!at(text)) return false;
    ++pos_;
    return true;
  }
  void expect(std::string_view text) {
    if (accept(text)) return;
    const Token& t = peek();
    throw SyntaxError{t.offset,
                      fmt::format("expected '{}' but found {}", text,
                                  t.kind == Token::Kind::kEnd ? std::string("the end")
                                                              : fmt::format("'{}'", t.text))};
  }

  static NodePtr binary(std::string op, NodePtr a, NodePtr b) {
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::kBinary;
    n->op = std::move(op);
    n->args = {std::move(a), std::move(b)};
    return n;
  }

  NodePtr disjunction() {
    NodePtr left = conjunction();
    while (at("or") || at("||")) {
      ++pos_;
      left = binary("or", left, conjunction());
    }
    return left;
  }
  NodePtr conjunction() {
    NodePtr left = negation();
    while (at("and") || at("&&")) {
      ++pos_;
      left = binary("and", left, negation());
    }
    return left;
  }
  NodePtr negation() {
    if (accept("not") || accept("!")) {
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kNot;
      n->args = {negation()};
      return n;
    }
    return comparison();
  }
  NodePtr comparison() {
    NodePtr left = sum();
    for (std::string_view op : {"<=", ">=", "==", "!=", "<", ">"}) {
      if (accept(op)) return binary(std::string(op), left, sum());
    }
    return left;
  }
  NodePtr sum() {
    NodePtr left = product();
    while (at("+") || at("-")) {
      std::string op = tokens_[pos_++].text;
      left = binary(op, left, product());
    }
    return left;
  }
  NodePtr product() {
    NodePtr left = unary();
    while (at("*") || at("/")) {
      std::string op = tokens_[pos_++].text;
      left = binary(op, left, unary());
    }
    return left;
  }
  NodePtr unary() {
    if (accept("-")) {
      auto n = std::make_shared<Node>();
      n->kind = Node::Kind::kNegate;
      n->args = {unary()};
      return n;
    }
    return primary();
  }

  NodePtr primary() {
    const Token& t = peek();
    if (t.kind == Token::Kind::kNumber) {
      ++pos_;
      auto n = std::make_shared<Node>();
      n->value = t.value;
      return n;
    }
    if (accept("(")) {
      NodePtr inner = disjunction();
      expect(")");
      return inner;
    }
    if (t.kind != Token::Kind::kName)
      throw SyntaxError{t.offset,
                        t.kind == Token::Kind::kEnd
                            ? std::string("the expression ends too early")
                            : fmt::format("expected a number or a name, found '{}'", t.text)};
    if (t.text == "true" || t.text == "false") {
      ++pos_;
      auto n = std::make_shared<Node>();
      n->value = t.text == "true" ? 1 : 0;
      return n;
    }
    if (tokens_[pos_ + 1].text == "(" && tokens_[pos_ + 1].kind == Token::Kind::kSymbol)
      return call();
    return path();
  }

  NodePtr call() {
    const Token& name = tokens_[pos_];
    if (name.text != "abs" && name.text != "min" && name.text != "max")
      throw SyntaxError{name.offset,
                        fmt::format("unknown function '{}' (expected abs, min or max)", name.text)};
    pos_ += 2;
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::kCall;
    n->op = name.text;
    n->args.push_back(disjunction());
    while (accept(","))
      n->args.push_back(disjunction());
    expect(")");
    if (n->op == "abs" && n->args.size() != 1)
      throw SyntaxError{name.offset, "abs takes one value"};
    return n;
  }

  NodePtr path() {
    auto n = std::make_shared<Node>();
    n->kind = Node::Kind::kPath;
    n->path.push_back(tokens_[pos_++].text);
    for (;;) {
      if (accept(".")) {
        const Token& part = peek();
        const bool index = part.kind == Token::Kind::kNumber &&
                           part.text.find_first_not_of("0123456789") == std::string::npos;
        if (part.kind != Token::Kind::kName && !index)
          throw SyntaxError{part.offset, "expected a name after '.'"};
        n->path.push_back(part.text);
        ++pos_;
      } else if (accept("[")) {
        const Token& part = peek();
        if (part.kind != Token::Kind::kNumber ||
            part.text.find_first_not_of("0123456789") != std::string::npos)
          throw SyntaxError{part.offset, "expected an index (0, 1, ...) inside [ ]"};
        n->path.push_back(part.text);
        ++pos_;
        expect("]");
      } else {
        return n;
      }
    }
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

std::string dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& part : path)
    out += (out.empty() ? "" : ".") + part;
  return out;
}

std::optional<double> eval(const Node& n, const PathResolver& resolve, std::string* error) {
  switch (n.kind) {
    case Node::Kind::kNumber:
      return n.value;
    case Node::Kind::kPath:
      return resolve(n.path, error);
    case Node::Kind::kNegate: {
      auto v = eval(*n.args[0], resolve, error);
      if (!v) return std::nullopt;
      return -*v;
    }
    case Node::Kind::kNot: {
      auto v = eval(*n.args[0], resolve, error);
      if (!v) return std::nullopt;
      return *v == 0 ? 1.0 : 0.0;
    }
    case Node::Kind::kCall: {
      std::vector<double> values;
      for (const NodePtr& arg : n.args) {
        auto v = eval(*arg, resolve, error);
        if (!v) return std::nullopt;
        values.push_back(*v);
      }
      if (n.op == "abs") return std::fabs(values[0]);
      if (n.op == "min") return *std::min_element(values.begin(), values.end());
      return *std::max_element(values.begin(), values.end());
    }
    case Node::Kind::kBinary:
      break;
  }
  auto a = eval(*n.args[0], resolve, error);
  if (!a) return std::nullopt;
  if (n.op == "and" && *a == 0) return 0.0;  // short-circuit: the right side may not resolve
  if (n.op == "or" && *a != 0) return 1.0;
  auto b = eval(*n.args[1], resolve, error);
  if (!b) return std::nullopt;
  const double x = *a, y = *b;
  if (n.op == "+") return x + y;
  if (n.op == "-") return x - y;
  if (n.op == "*") return x * y;
  if (n.op == "/") {
    if (y == 0) {
      if (error) *error = "division by zero";
      return std::nullopt;
    }
    return x / y;
  }
  if (n.op == "and" || n.op == "or") return y != 0 ? 1.0 : 0.0;
  bool r = false;
  if (n.op == "<") r = x < y;
  if (n.op == "<=") r = x <= y;
  if (n.op == ">") r = x > y;
  if (n.op == ">=") r = x >= y;
  if (n.op == "==") r = x == y;
  if (n.op == "!=") r = x != y;
  return r ? 1.0 : 0.0;
}

void collect_paths(const Node& n, std::vector<std::string>& out) {
  if (n.kind == Node::Kind::kPath) out.push_back(dotted(n.path));
  for (const NodePtr& arg : n.args)
    collect_paths(*arg, out);
}

}  // namespace

std::optional<Expression> Expression::parse(std::string_view text, ExpressionError* error) {
  try {
    Expression e;
    e.text_ = std::string(text);
    e.root_ = Parser(Lexer(text).tokens()).parse();
    return e;
  } catch (const SyntaxError& s) {
    if (error) *error = ExpressionError{s.offset, s.message};
    return std::nullopt;
  }
}

std::optional<double> Expression::evaluate(const PathResolver& resolve, std::string* error) const {
  return eval(*root_, resolve, error);
}

std::vector<std::string> Expression::paths() const {
  std::vector<std::string> out;
  collect_paths(*root_, out);
  return out;
}

}  // namespace iosim::grader
