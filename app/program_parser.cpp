#include "app/program_parser.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/did_you_mean.h"
#include "sim/units.h"

namespace iosim {
namespace {

// ---------------------------------------------------------------------------
// Tokens

enum class TokenKind {
  Word,    // a keyword, number or quantity such as "5ms"
  LBrace,  // '{'
  RBrace,  // '}'
  End,     // end of a statement: a newline or ';'
  Eof,
};

struct Token {
  TokenKind kind;
  std::string_view text;
  int line;
  int column;  // 1-based, in bytes
};

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}
bool is_punctuation(char c) {
  return c == '{' || c == '}' || c == ';' || c == '#';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

TokenKind punctuation_kind(char c) {
  if (c == '{') return TokenKind::LBrace;
  if (c == '}') return TokenKind::RBrace;
  return TokenKind::End;  // ';'
}

// Always ends with an Eof token, so the parser can peek without bounds checks.
std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  int line = 1;
  std::size_t line_start = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const int column = static_cast<int>(i - line_start) + 1;
    if (c == '\n') {
      tokens.push_back({TokenKind::End, text.substr(i, 1), line, column});
      ++line;
      line_start = ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (is_blank(c)) {
      ++i;
    } else if (is_punctuation(c)) {
      tokens.push_back({punctuation_kind(c), text.substr(i, 1), line, column});
      ++i;
    } else {
      const std::size_t start = i;
      while (i < text.size() && text[i] != '\n' && !is_blank(text[i]) && !is_punctuation(text[i])) {
        ++i;
      }
      tokens.push_back({TokenKind::Word, text.substr(start, i - start), line, column});
    }
  }
  tokens.push_back({TokenKind::Eof, {}, line, static_cast<int>(text.size() - line_start) + 1});
  return tokens;
}

// ---------------------------------------------------------------------------
// Helpers

constexpr std::array<std::string_view, 8> kKeywords{"compute", "read",  "write", "sleep",
                                                    "fetch",   "yield", "exit",  "repeat"};

// What a `fetch` sends when the program does not say: about an HTTP GET.
constexpr std::uint64_t kDefaultRequestBytes = 256;

enum class NumberResult { Ok, NotANumber, TooLarge };

// A decimal integer, optionally with '_' between digits: "1_000_000".
NumberResult parse_number(std::string_view text, std::uint64_t* out) {
  if (text.empty() || !is_digit(text.front()) || !is_digit(text.back())) {
    return NumberResult::NotANumber;
  }
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_' && text[i - 1] != '_') continue;  // the first char is a digit, so i > 0
    if (!is_digit(c)) return NumberResult::NotANumber;
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, static_cast<std::uint64_t>(c - '0'), &value)) {
      return NumberResult::TooLarge;
    }
  }
  *out = value;
  return NumberResult::Ok;
}

// "1_000ms" -> "1000ms": quantities take digit separators like plain numbers
// do, but the unit parsers (shared with scenario files) do not know them.
std::string without_digit_separators(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool separator = text[i] == '_' && i > 0 && i + 1 < text.size() &&
                           is_digit(text[i - 1]) && is_digit(text[i + 1]);
    if (!separator) out += text[i];
  }
  return out;
}

// Digits and a decimal point but no unit: "5", "1.5", "1_000".
bool is_bare_number(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return is_digit(c) || c == '.' || c == '_'; });
}

bool looks_numeric(std::string_view text) {
  return !text.empty() && (is_digit(text.front()) || text.front() == '-' || text.front() == '+' ||
                           text.front() == '.');
}

// How a quantity argument is described in messages.
struct QuantityKind {
  std::string_view noun;     // "duration"
  std::string_view example;  // "5ms"
};
constexpr QuantityKind kDurationKind{"duration", "5ms"};
constexpr QuantityKind kSizeKind{"size", "64KiB"};

// ---------------------------------------------------------------------------
// Parser

class Parser {
 public:
  explicit Parser(std::string_view text) : tokens_(tokenize(text)) {}
  ParsedProgram run();

 private:
  // An open '{'. Placeholder blocks come from a '{' inside a statement that
  // already failed: they only keep the braces balanced, so one mistake does
  // not also produce "unexpected '}'".
  struct Block {
    const Token* opener;  // the `repeat` (or the failed statement's first token)
    std::size_t begin;    // index of the RepeatBegin op, or kNoOp
    int statements = 0;
    bool placeholder = false;
  };
  static constexpr std::size_t kNoOp = std::numeric_limits<std::size_t>::max();

  const Token& peek() const { return tokens_[pos_]; }
  const Token& next() { return tokens_[pos_ == tokens_.size() - 1 ? pos_ : pos_++]; }
  bool peek_is(TokenKind kind) const { return peek().kind == kind; }
  bool peek_is_word(std::string_view text) const {
    return peek_is(TokenKind::Word) && peek().text == text;
  }
  bool at_statement_end() const {
    return peek_is(TokenKind::End) || peek_is(TokenKind::RBrace) || peek_is(TokenKind::Eof);
  }
  const Token& previous() const { return tokens_[pos_ - 1]; }

  void error(const Token& at, std::string message);
  void error_after(const Token& token, std::string message);
  std::string statement_text(std::size_t first) const;
  Op& push_op(OpKind kind, const Token& first);
  void open_block(const Token& opener, std::size_t begin, bool placeholder);

  void parse_statement();
  bool parse_keyword(const Token& keyword);
  bool parse_compute(const Token& keyword);
  bool parse_sleep(const Token& keyword);
  bool parse_memory_share(Op& op);
  bool parse_fetch(const Token& keyword);
  bool parse_transfer(const Token& keyword, OpKind kind);
  bool parse_lba(std::optional<std::uint64_t>* lba);
  bool parse_repeat(const Token& keyword);
  bool open_repeat_block(const Token& keyword, std::uint64_t count);
  void expect_statement_end(std::size_t first, std::string_view hint);
  void skip_statement(const Token& first);
  void stray_open_brace(const Token& brace);
  void close_block(const Token& brace);
  void finish();

  template <typename T>
  std::optional<T> quantity(const Token& keyword, QuantityKind kind,
                            std::optional<T> (*parse)(std::string_view, units::Error*),
                            std::string_view bare_number_hint);
  std::optional<std::uint64_t> number(const Token& token, std::string_view what);

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::vector<Block> blocks_;
  int statements_ = 0;
  ParsedProgram result_;
};

void Parser::error(const Token& at, std::string message) {
  result_.errors.push_back({at.line, at.column, std::move(message)});
}

// For "something is missing": point just past the last token that was there.
void Parser::error_after(const Token& token, std::string message) {
  const int width = token.kind == TokenKind::End ? 0 : static_cast<int>(token.text.size());
  result_.errors.push_back({token.line, token.column + width, std::move(message)});
}

std::string Parser::statement_text(std::size_t first) const {
  std::string text;
  for (std::size_t i = first; i < pos_; ++i) {
    if (i > first) text += ' ';
    text += tokens_[i].text;
  }
  return text;
}

// Appends an op positioned at the statement's first token; the caller fills in the rest.
Op& Parser::push_op(OpKind kind, const Token& first) {
  Op& op = result_.program.ops.emplace_back();
  op.kind = kind;
  op.line = first.line;
  op.column = first.column;
  return op;
}

void Parser::open_block(const Token& opener, std::size_t begin, bool placeholder) {
  blocks_.push_back(Block{&opener, begin, 0, placeholder});
}

ParsedProgram Parser::run() {
  while (!peek_is(TokenKind::Eof)) {
    const Token& token = peek();
    switch (token.kind) {
      case TokenKind::End:
        next();
        break;
      case TokenKind::RBrace:
        close_block(next());
        break;
      case TokenKind::LBrace:
        stray_open_brace(next());
        break;
      default:
        parse_statement();
        break;
    }
  }
  finish();
  return std::move(result_);
}

void Parser::parse_statement() {
  const std::size_t first = pos_;
  const Token& keyword = next();
  ++statements_;
  if (!blocks_.empty()) ++blocks_.back().statements;

  if (!parse_keyword(keyword)) {
    skip_statement(keyword);
  } else if (keyword.text != "repeat") {  // a repeat statement ends at its '{'
    const Op& op = result_.program.ops.back();
    std::string hint;
    if ((keyword.text == "read" || keyword.text == "write") && !op.lba) hint = " or 'at lba N'";
    if (keyword.text == "compute" && op.mem_share == 0) hint = " or 'mem=P%'";
    if (keyword.text == "fetch" && op.send_bytes == kDefaultRequestBytes) hint = " or 'send SIZE'";
    expect_statement_end(first, hint);
  }
}

// Parses the rest of the statement; false after reporting an error.
bool Parser::parse_keyword(const Token& keyword) {
  const std::string_view word = keyword.text;
  if (word == "compute") return parse_compute(keyword);
  if (word == "read") return parse_transfer(keyword, OpKind::kRead);
  if (word == "write") return parse_transfer(keyword, OpKind::kWrite);
  if (word == "sleep") return parse_sleep(keyword);
  if (word == "fetch") return parse_fetch(keyword);
  if (word == "repeat") return parse_repeat(keyword);
  if (word == "yield" || word == "exit") {
    push_op(word == "yield" ? OpKind::kYield : OpKind::kExit, keyword);
    return true;
  }
  if (const auto suggestion = closest_match(word, kKeywords)) {
    error(keyword, fmt::format("unknown statement '{}': did you mean '{}'?", word, *suggestion));
  } else {
    error(keyword, fmt::format("unknown statement '{}' (expected compute, read, write, sleep, "
                               "fetch, yield, exit or repeat)",
                               word));
  }
  return false;
}

bool Parser::parse_compute(const Token& keyword) {
  // "compute N cycles" is told apart from a duration by the word after the number.
  if (peek_is(TokenKind::Word) && tokens_[pos_ + 1].kind == TokenKind::Word &&
      tokens_[pos_ + 1].text == "cycles") {
    const Token& count_token = next();
    next();  // "cycles"
    const auto cycles = number(count_token, "cycle count");
    if (!cycles) return false;
    if (*cycles == 0) {
      error(count_token, "compute needs a cycle count > 0, got '0 cycles'");
      return false;
    }
    Op& op = push_op(OpKind::kCompute, keyword);
    op.cycles = *cycles;
    return parse_memory_share(op);
  }
  const std::string hint = peek_is(TokenKind::Word)
                               ? fmt::format(" or a cycle count like '{} cycles'", peek().text)
                               : std::string{};
  const auto ns = quantity<std::int64_t>(keyword, kDurationKind, &units::parse_duration_ns, hint);
  if (!ns) return false;
  Op& op = push_op(OpKind::kCompute, keyword);
  op.duration = *ns;
  return parse_memory_share(op);
}

// The optional "mem=P%" after a compute: the share of its time spent on
// memory traffic over the bus, which DMA on the bus can slow down.
bool Parser::parse_memory_share(Op& op) {
  if (!peek_is(TokenKind::Word) || peek().text.rfind("mem", 0) != 0) return true;
  const Token& token = next();
  std::string_view text = token.text;
  double percent = -1;
  if (text.rfind("mem=", 0) == 0 && text.size() > 5 && text.back() == '%') {
    std::string digits(text.substr(4, text.size() - 5));
    char* end = nullptr;
    percent = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size() || digits.empty() || !is_digit(digits.front()))
      percent = -1;
  }
  if (percent < 0 || percent > 100) {
    error(token,
          fmt::format("expected 'mem=P%' with P from 0 to 100, like 'mem=40%', got '{}'", text));
    return false;
  }
  op.mem_share = percent / 100.0;
  return true;
}

// fetch SIZE [send SIZE]: a network request whose response is SIZE bytes.
bool Parser::parse_fetch(const Token& keyword) {
  const auto bytes = quantity<std::uint64_t>(keyword, kSizeKind, &units::parse_size_bytes, "");
  if (!bytes) return false;
  std::uint64_t send = kDefaultRequestBytes;
  if (peek_is_word("send")) {
    const Token& send_word = next();
    const auto sent = quantity<std::uint64_t>(send_word, kSizeKind, &units::parse_size_bytes, "");
    if (!sent) return false;
    send = *sent;
  }
  Op& op = push_op(OpKind::kFetch, keyword);
  op.bytes = *bytes;
  op.send_bytes = send;
  return true;
}

bool Parser::parse_sleep(const Token& keyword) {
  const auto ns = quantity<std::int64_t>(keyword, kDurationKind, &units::parse_duration_ns, "");
  if (!ns) return false;
  push_op(OpKind::kSleep, keyword).duration = *ns;
  return true;
}

// read/write SIZE [at lba N]
bool Parser::parse_transfer(const Token& keyword, OpKind kind) {
  const auto bytes = quantity<std::uint64_t>(keyword, kSizeKind, &units::parse_size_bytes, "");
  if (!bytes) return false;
  std::optional<std::uint64_t> lba;
  if (peek_is_word("at") && !parse_lba(&lba)) return false;
  Op& op = push_op(kind, keyword);
  op.bytes = *bytes;
  op.lba = lba;
  return true;
}

// "at lba N", with the "at" still to be read.
bool Parser::parse_lba(std::optional<std::uint64_t>* lba) {
  const Token& at = next();
  if (!peek_is_word("lba")) {
    if (peek_is(TokenKind::Word)) {
      error(peek(),
            fmt::format("expected 'lba N' after 'at', like 'at lba 100', got '{}'", peek().text));
    } else {
      error_after(at, "expected 'lba N' after 'at', like 'at lba 100'");
    }
    return false;
  }
  const Token& lba_word = next();
  if (!peek_is(TokenKind::Word)) {
    error_after(lba_word, "expected a block number after 'at lba', like 'at lba 100'");
    return false;
  }
  const auto value = number(next(), "block number");
  if (!value) return false;
  *lba = *value;
  return true;
}

bool Parser::parse_repeat(const Token& keyword) {
  if (!peek_is(TokenKind::Word)) {
    error_after(keyword, "expected a repeat count after 'repeat', like 'repeat 10 {'");
    return false;
  }
  const Token& count_token = next();
  std::uint64_t count = 0;
  switch (parse_number(count_token.text, &count)) {
    case NumberResult::Ok:
      break;
    case NumberResult::NotANumber:
      error(count_token, fmt::format("repeat count must be a positive whole number, got '{}'",
                                     count_token.text));
      return false;
    case NumberResult::TooLarge:
      error(count_token, fmt::format("repeat count '{}' is too large (at most {})",
                                     count_token.text, std::numeric_limits<std::uint64_t>::max()));
      return false;
  }
  if (count == 0) {
    error(count_token, "repeat count must be at least 1, got '0'");
    return false;
  }
  return open_repeat_block(keyword, count);
}

// The '{' after "repeat N". It must be on the same line; when it is on a
// following line, say exactly that instead of reporting a missing '{' and a
// stray '{'.
bool Parser::open_repeat_block(const Token& keyword, std::uint64_t count) {
  const std::string head = fmt::format("repeat {}", previous().text);
  if (peek_is(TokenKind::LBrace)) {
    next();
    open_block(keyword, result_.program.ops.size(), false);
    push_op(OpKind::kRepeatBegin, keyword).count = count;
    return true;
  }
  if (peek_is(TokenKind::Word)) {
    error(peek(), fmt::format("expected '{{' after '{}', got '{}'", head, peek().text));
    return false;
  }
  std::size_t ahead = pos_;
  while (tokens_[ahead].kind == TokenKind::End)
    ++ahead;
  if (tokens_[ahead].kind != TokenKind::LBrace) {
    error_after(previous(), fmt::format("expected '{{' after '{}' to start the block", head));
    return false;
  }
  error(tokens_[ahead], fmt::format("'{{' must be on the same line as '{}'", head));
  pos_ = ahead + 1;
  open_block(keyword, kNoOp, false);
  return true;
}

void Parser::expect_statement_end(std::size_t first, std::string_view hint) {
  if (at_statement_end()) return;
  const Token& extra = peek();
  error(extra, fmt::format("unexpected '{}' after '{}': expected the end of the statement{}",
                           extra.text, statement_text(first), hint));
  skip_statement(tokens_[first]);
}

// Error recovery: drop the rest of a bad statement. A '{' in it still opens
// a (placeholder) block, so the matching '}' later is not reported as well.
void Parser::skip_statement(const Token& first) {
  while (!at_statement_end()) {
    if (next().kind == TokenKind::LBrace) {
      const bool is_repeat = first.text == "repeat";
      open_block(first, kNoOp, !is_repeat);
      return;
    }
  }
}

void Parser::stray_open_brace(const Token& brace) {
  error(brace, "unexpected '{': a block can only start after 'repeat N'");
  if (!blocks_.empty()) ++blocks_.back().statements;
  open_block(brace, kNoOp, true);
}

void Parser::close_block(const Token& brace) {
  if (blocks_.empty()) {
    error(brace, "unexpected '}': no open repeat block");
    return;
  }
  const Block block = blocks_.back();
  blocks_.pop_back();
  if (block.placeholder) return;
  if (block.statements == 0) {
    error(*block.opener, "empty repeat block: put at least one statement between '{' and '}'");
    return;
  }
  if (block.begin == kNoOp) return;  // the block's repeat already had an error
  auto& ops = result_.program.ops;
  ops[block.begin].jump = ops.size();
  push_op(OpKind::kRepeatEnd, brace).jump = block.begin;
}

void Parser::finish() {
  for (const Block& block : blocks_) {
    if (!block.placeholder) {
      error(*block.opener, "repeat block opened here is never closed: expected '}'");
    }
  }
  if (statements_ == 0 && result_.errors.empty()) {
    result_.errors.push_back(
        {1, 1, "empty program: expected at least one statement such as 'compute 5ms'"});
  }
  std::stable_sort(result_.errors.begin(), result_.errors.end(),
                   [](const ProgramError& a, const ProgramError& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
  // A program with errors may have dangling jumps: hand out none of it.
  if (!result_.errors.empty()) result_.program.ops.clear();
}

// The argument of compute/sleep/read/write: one token such as "5ms" or "64KiB".
template <typename T>
std::optional<T> Parser::quantity(const Token& keyword, QuantityKind kind,
                                  std::optional<T> (*parse)(std::string_view, units::Error*),
                                  std::string_view bare_number_hint) {
  if (!peek_is(TokenKind::Word)) {
    error_after(
        keyword,
        fmt::format("expected a {} like '{}' after '{}'{}", kind.noun, kind.example, keyword.text,
                    keyword.text == "compute" ? " (or a cycle count like '2000000 cycles')" : ""));
    return std::nullopt;
  }
  const Token& arg = next();
  units::Error unit_error;
  const std::optional<T> value = parse(without_digit_separators(arg.text), &unit_error);
  if (value && *value > 0) return value;
  if (value || arg.text.front() == '-') {  // zero or negative
    error(arg, fmt::format("{} needs a {} > 0, got '{}'", keyword.text, kind.noun, arg.text));
  } else if (is_bare_number(arg.text)) {
    // "5 ms": the program notation wants a quantity as one word.
    if (peek_is(TokenKind::Word) && parse(fmt::format("{}{}", arg.text, peek().text), nullptr)) {
      error(arg, fmt::format("write the {} as one word: '{}{}' instead of '{} {}'", kind.noun,
                             arg.text, peek().text, arg.text, peek().text));
    } else {
      error(arg, fmt::format("'{}' needs a unit: expected a {} like '{}'{}", arg.text, kind.noun,
                             kind.example, bare_number_hint));
    }
  } else if (looks_numeric(arg.text)) {
    error(arg, fmt::format("'{}' is not a {}: {}", arg.text, kind.noun, unit_error.message));
  } else {
    error(arg, fmt::format("expected a {} like '{}' after '{}', got '{}'", kind.noun, kind.example,
                           keyword.text, arg.text));
  }
  return std::nullopt;
}

// A plain integer argument (cycle count, block number).
std::optional<std::uint64_t> Parser::number(const Token& token, std::string_view what) {
  std::uint64_t value = 0;
  switch (parse_number(token.text, &value)) {
    case NumberResult::Ok:
      return value;
    case NumberResult::NotANumber:
      error(token,
            fmt::format("'{}' is not a {}: expected a whole number like 100", token.text, what));
      break;
    case NumberResult::TooLarge:
      error(token, fmt::format("{} '{}' is too large (at most {})", what, token.text,
                               std::numeric_limits<std::uint64_t>::max()));
      break;
  }
  return std::nullopt;
}

}  // namespace

ParsedProgram parse_program(std::string_view text) {
  return Parser(text).run();
}

}  // namespace iosim
