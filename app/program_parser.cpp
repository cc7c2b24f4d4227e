#include "app/program_parser.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

// Every statement keyword, grouped as the "unknown statement" message lists
// them. The order also breaks did-you-mean ties: the first listed wins.
struct StatementGroup {
  std::string_view label;  // "" for the basic steps
  std::vector<std::string_view> keywords;
};

const std::vector<StatementGroup>& statement_groups() {
  static const std::vector<StatementGroup> groups{
      {"", {"compute", "read", "write", "sleep", "fetch", "yield", "exit", "repeat", "print"}},
      {"threads", {"spawn", "join"}},
      {"locks", {"lock", "unlock"}},
      {"semaphores", {"acquire", "release"}},
      {"conditions", {"wait", "notify", "notify_all"}},
      {"variables", {"add"}},
      {"queues", {"send", "recv"}},
      {"pools", {"map"}},
      {"coroutines", {"gather", "create_task", "await"}},
  };
  return groups;
}

const std::vector<std::string_view>& statement_keywords() {
  static const std::vector<std::string_view> keywords = [] {
    std::vector<std::string_view> all;
    for (const StatementGroup& group : statement_groups()) {
      all.insert(all.end(), group.keywords.begin(), group.keywords.end());
    }
    return all;
  }();
  return keywords;
}

bool is_statement_keyword(std::string_view word) {
  const auto& keywords = statement_keywords();
  return std::find(keywords.begin(), keywords.end(), word) != keywords.end();
}

// "compute, read, ...; threads: spawn, join; ...": for "unknown statement".
std::string statement_list() {
  std::string list;
  for (const StatementGroup& group : statement_groups()) {
    if (!list.empty()) list += "; ";
    if (!group.label.empty()) list += fmt::format("{}: ", group.label);
    list += fmt::format("{}", fmt::join(group.keywords, ", "));
  }
  return list;
}

// Statements whose only argument is a NAME, with the example their messages give.
struct NamedStatement {
  std::string_view keyword;
  OpKind kind;
  std::string_view example;
};
constexpr std::array<NamedStatement, 11> kNamedStatements{{
    {"spawn", OpKind::kSpawn, "worker"},
    {"join", OpKind::kJoin, "worker"},
    {"lock", OpKind::kLock, "m"},
    {"unlock", OpKind::kUnlock, "m"},
    {"acquire", OpKind::kAcquire, "slots"},
    {"release", OpKind::kRelease, "slots"},
    {"wait", OpKind::kWait, "ready"},
    {"notify", OpKind::kNotify, "ready"},
    {"notify_all", OpKind::kNotifyAll, "ready"},
    {"recv", OpKind::kRecv, "jobs"},
    {"create_task", OpKind::kCreateTask, "download"},
}};

// What may follow `await` besides a coroutine's name. The same words, typed
// wrong, get a did-you-mean instead of being taken for a coroutine name.
constexpr std::array<std::string_view, 6> kAwaitTargets{"sleep", "read",   "write",
                                                        "fetch", "gather", "run_in_executor"};
constexpr std::string_view kAwaitNeedsTarget =
    "'await' needs something to wait for: sleep, read, write, fetch, gather, run_in_executor or "
    "a coroutine name";

// A name as scenarios declare them: a word of letters, digits, '_', '-' and
// '.', starting with a letter or '_' (so it cannot be taken for a number).
bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-' ||
         c == '.';
}
bool is_name(std::string_view text) {
  return !text.empty() && !is_digit(text.front()) && text.front() != '-' && text.front() != '.' &&
         std::all_of(text.begin(), text.end(), is_name_char);
}

// What a `fetch` sends when the program does not say: about an HTTP GET.
constexpr std::uint64_t kDefaultRequestBytes = 256;

// Caps that turn a typo ("repeat 1000000000000") into an error instead of a
// run that never ends or fails allocating. A repeat costs only a counter, so
// its cap is high; `map` and `gather` create every item or task at once, so
// theirs is a thread's `count` cap (docs/scenario-format.md).
constexpr std::uint64_t kMaxRepeat = 1'000'000'000;
constexpr std::uint64_t kMaxItems = 100'000;

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

// "read sdb 4KiB": the machine has one disk and one network card, so the
// statements that use them name no device.
std::string device_hint(std::string_view keyword, std::string_view word) {
  if (!is_name(word)) return {};
  if (keyword == "read" || keyword == "write") {
    return fmt::format(" (the machine has one disk: '{} SIZE' names no device)", keyword);
  }
  if (keyword == "fetch")
    return " (the machine has one network card: 'fetch SIZE' names no device)";
  return {};
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
  explicit Parser(std::string_view text)
      : tokens_(tokenize(text)), commented_(text.find('#') != std::string_view::npos) {}
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
  void unknown_statement(const Token& keyword);
  bool parse_compute(const Token& keyword);
  bool parse_compute_options(Op& op);
  bool parse_memory_share(Op& op);
  bool parse_sleep(const Token& keyword);
  bool parse_fetch(const Token& keyword);
  bool parse_transfer(const Token& keyword, OpKind kind);
  bool parse_lba(std::optional<std::uint64_t>* lba);
  bool parse_repeat(const Token& keyword);
  bool open_repeat_block(const Token& keyword, std::uint64_t count);
  bool parse_print(const Token& keyword);
  void skip_braces_in_text();
  bool parse_named(const Token& keyword, const NamedStatement& statement);
  bool parse_add(const Token& keyword);
  bool parse_send(const Token& keyword);
  bool parse_map(const Token& keyword);
  bool parse_gather(const Token& keyword);
  bool parse_await(const Token& await_word);
  bool parse_await_target(const Token& target);
  bool parse_await_task(const Token& await_word);
  void expect_statement_end();
  void skip_statement(const Token& first);
  void stray_open_brace(const Token& brace);
  void close_block(const Token& brace);
  void finish();

  template <typename T>
  std::optional<T> quantity(const Token& keyword, QuantityKind kind,
                            std::optional<T> (*parse)(std::string_view, units::Error*),
                            std::string_view bare_number_hint);
  std::optional<std::uint64_t> number(const Token& token, std::string_view what);
  std::optional<std::uint64_t> positive_count(const Token& keyword, const Token& token,
                                              std::string_view what);
  std::optional<std::int64_t> amount(const Token& token);
  std::optional<std::string> name(std::string_view example);

  std::vector<Token> tokens_;
  bool commented_;  // the text has a comment (all it has, when it has no statement)
  std::size_t pos_ = 0;
  std::vector<Block> blocks_;
  int statements_ = 0;
  ParsedProgram result_;

  // The statement being parsed: its first token, and what could still follow
  // it, for the "unexpected ... after ..." message (" or 'at lba N'") and the
  // optional words that earn a did-you-mean there ("nogil").
  std::size_t first_ = 0;
  std::string end_hint_;
  std::vector<std::string_view> end_options_;
};

void Parser::error(const Token& at, std::string message) {
  result_.errors.push_back({at.line, at.column, std::move(message)});
}

// For "something is missing": point just past the last token that was there.
// When what is missing follows a ';' ("compute; 5ms"), the ';' is the
// mistake: say so, and drop the words it cut off rather than report them as
// a statement of their own.
void Parser::error_after(const Token& token, std::string message) {
  const Token& end = peek();
  const Token& cut = tokens_[std::min(pos_ + 1, tokens_.size() - 1)];
  if (end.kind == TokenKind::End && end.text == ";" && cut.kind == TokenKind::Word &&
      !is_statement_keyword(cut.text)) {
    error(end, fmt::format("unexpected ';' after '{}': ';' ends a statement, which cuts '{}' off "
                           "from it; remove the ';'",
                           statement_text(first_), cut.text));
    next();
    skip_statement(tokens_[first_]);
    return;
  }
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
  first_ = pos_;
  end_hint_.clear();
  end_options_.clear();
  const Token& keyword = next();
  ++statements_;
  if (!blocks_.empty()) ++blocks_.back().statements;

  if (!parse_keyword(keyword)) {
    skip_statement(keyword);
  } else if (keyword.text != "repeat") {  // a repeat statement ends at its '{'
    expect_statement_end();
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
  if (word == "print") return parse_print(keyword);
  if (word == "add") return parse_add(keyword);
  if (word == "send") return parse_send(keyword);
  if (word == "map") return parse_map(keyword);
  if (word == "gather") return parse_gather(keyword);
  if (word == "await") return parse_await(keyword);
  for (const NamedStatement& statement : kNamedStatements) {
    if (word == statement.keyword) return parse_named(keyword, statement);
  }
  unknown_statement(keyword);
  return false;
}

void Parser::unknown_statement(const Token& keyword) {
  const std::string_view word = keyword.text;
  if (word == "run_in_executor") {  // only ever awaited
    error(keyword, "unknown statement 'run_in_executor': did you mean 'await run_in_executor'?");
  } else if (const auto suggestion = closest_match(word, statement_keywords())) {
    error(keyword, fmt::format("unknown statement '{}': did you mean '{}'?", word, *suggestion));
  } else {
    error(keyword, fmt::format("unknown statement '{}' (expected {})", word, statement_list()));
  }
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
    return parse_compute_options(op);
  }
  const std::string hint = peek_is(TokenKind::Word)
                               ? fmt::format(" or a cycle count like '{} cycles'", peek().text)
                               : std::string{};
  const auto ns = quantity<std::int64_t>(keyword, kDurationKind, &units::parse_duration_ns, hint);
  if (!ns) return false;
  Op& op = push_op(OpKind::kCompute, keyword);
  op.duration = *ns;
  return parse_compute_options(op);
}

// What may follow "compute ...": "mem=P%" and "nogil", each at most once, in
// either order.
bool Parser::parse_compute_options(Op& op) {
  bool memory = false;
  for (;;) {
    if (!memory && peek_is(TokenKind::Word) && peek().text.starts_with("mem")) {
      if (!parse_memory_share(op)) return false;
      memory = true;
    } else if (!op.nogil && peek_is_word("nogil")) {
      next();
      op.nogil = true;
    } else {
      break;
    }
  }
  if (!memory && !op.nogil) end_hint_ = ", 'mem=P%' or 'nogil'";
  if (!memory && op.nogil) end_hint_ = " or 'mem=P%'";
  if (memory && !op.nogil) end_hint_ = " or 'nogil'";
  if (!op.nogil) end_options_ = {"nogil"};
  return true;
}

// "mem=P%" after a compute: the share of its time spent on memory traffic
// over the bus, which DMA on the bus can slow down.
bool Parser::parse_memory_share(Op& op) {
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
  } else {
    end_hint_ = " or 'send SIZE'";
    end_options_ = {"send"};
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
  if (!lba) end_hint_ = " or 'at lba N'";
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
      if (count <= kMaxRepeat) break;
      [[fallthrough]];
    case NumberResult::TooLarge:
      error(count_token, fmt::format("repeat count '{}' is too large: at most {}", count_token.text,
                                     kMaxRepeat));
      return false;
    case NumberResult::NotANumber:
      error(count_token, fmt::format("repeat count must be a positive whole number, got '{}'",
                                     count_token.text));
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

// print TEXT...: the words up to the end of the statement, joined by single
// spaces. '#', ';', '{' and '}' keep their meaning, so they cannot be printed.
bool Parser::parse_print(const Token& keyword) {
  std::string text;
  while (peek_is(TokenKind::Word)) {
    if (!text.empty()) text += ' ';
    text += next().text;
  }
  if (peek_is(TokenKind::LBrace)) {
    error(peek(),
          fmt::format("unexpected '{{' after '{}': '{{' and '}}' cannot be part of the text",
                      statement_text(first_)));
    skip_braces_in_text();
    return false;
  }
  if (text.empty()) {
    error_after(keyword, "expected the text to print after 'print', like 'print loaded the file'");
    return false;
  }
  push_op(OpKind::kPrint, keyword).text = std::move(text);
  return true;
}

// Error recovery for "print x {y}": the braces were meant as text, so skip
// them with the rest of the line instead of opening a block. A '}' without a
// '{' before it still closes the enclosing block: "repeat 2 { print {x} y }".
void Parser::skip_braces_in_text() {
  int depth = 0;
  while (!peek_is(TokenKind::End) && !peek_is(TokenKind::Eof)) {
    if (peek_is(TokenKind::RBrace) && depth == 0) return;
    const TokenKind kind = next().kind;
    if (kind == TokenKind::LBrace) ++depth;
    if (kind == TokenKind::RBrace) --depth;
  }
}

// spawn, join, lock, ... NAME: one step on the object NAME.
bool Parser::parse_named(const Token& keyword, const NamedStatement& statement) {
  auto target = name(statement.example);
  if (!target) return false;
  push_op(statement.kind, keyword).name = std::move(*target);
  return true;
}

// add NAME [N] [atomic]: N is signed, so "add counter -1" decrements.
bool Parser::parse_add(const Token& keyword) {
  auto target = name("counter");
  if (!target) return false;
  std::int64_t amount = 1;
  const bool has_amount = peek_is(TokenKind::Word) && looks_numeric(peek().text);
  if (has_amount) {
    const auto value = this->amount(next());
    if (!value) return false;
    amount = *value;
  }
  const bool atomic = peek_is_word("atomic");
  if (atomic) next();
  if (!atomic) {
    end_hint_ = has_amount ? " or 'atomic'" : ", an amount like '5' or 'atomic'";
    end_options_ = {"atomic"};
  } else if (!has_amount) {
    end_hint_ = fmt::format(" (an amount goes before 'atomic', like 'add {} 5 atomic')", *target);
  }
  Op& op = push_op(OpKind::kAdd, keyword);
  op.name = std::move(*target);
  op.amount = amount;
  op.atomic = atomic;
  return true;
}

// send NAME SIZE: put a SIZE-byte message into queue NAME.
bool Parser::parse_send(const Token& keyword) {
  auto target = name("jobs");
  if (!target) return false;
  const auto bytes = quantity<std::uint64_t>(keyword, kSizeKind, &units::parse_size_bytes, "");
  if (!bytes) return false;
  Op& op = push_op(OpKind::kSend, keyword);
  op.name = std::move(*target);
  op.bytes = *bytes;
  return true;
}

// map NAME N: run N work items on pool NAME and wait for all of them.
bool Parser::parse_map(const Token& keyword) {
  auto target = name("pool");
  if (!target) return false;
  if (!peek_is(TokenKind::Word)) {
    error_after(previous(), fmt::format("expected a work item count after '{}', like 'map {} 10'",
                                        statement_text(first_), *target));
    return false;
  }
  const auto count = positive_count(keyword, next(), "work item count");
  if (!count) return false;
  Op& op = push_op(OpKind::kMap, keyword);
  op.name = std::move(*target);
  op.count = *count;
  return true;
}

// gather NAME [N]: run N instances of coroutine NAME, wait for all of them.
bool Parser::parse_gather(const Token& keyword) {
  auto target = name("download");
  if (!target) return false;
  std::uint64_t count = 1;
  if (peek_is(TokenKind::Word) && looks_numeric(peek().text)) {
    const auto value = positive_count(keyword, next(), "task count");
    if (!value) return false;
    count = *value;
  } else {
    end_hint_ = " or a task count like '10'";
  }
  Op& op = push_op(OpKind::kGather, keyword);
  op.name = std::move(*target);
  op.count = count;
  return true;
}

// await ...: what a coroutine waits for without blocking its thread. Whether
// the statement is inside a coroutine at all is the scenario loader's check.
bool Parser::parse_await(const Token& await_word) {
  if (!peek_is(TokenKind::Word)) {
    error_after(await_word, std::string(kAwaitNeedsTarget));
    return false;
  }
  const Token& target = peek();
  if (std::find(kAwaitTargets.begin(), kAwaitTargets.end(), target.text) != kAwaitTargets.end()) {
    next();
    if (!parse_await_target(target)) return false;
    Op& op = result_.program.ops.back();  // positioned at the statement, not at `target`
    op.line = await_word.line;
    op.column = await_word.column;
    return true;
  }
  if (is_statement_keyword(target.text) || !is_name(target.text)) {
    error(target, fmt::format("{}, got '{}'", kAwaitNeedsTarget, target.text));
    return false;
  }
  return parse_await_task(await_word);
}

// await sleep/read/write/fetch/gather/run_in_executor ..., with the word read.
bool Parser::parse_await_target(const Token& target) {
  const std::string_view word = target.text;
  if (word == "gather") return parse_gather(target);  // the same step as without `await`
  if (word == "run_in_executor") {
    auto pool = name("pool");
    if (!pool) return false;
    push_op(OpKind::kRunInExecutor, target).name = std::move(*pool);
    return true;
  }
  bool ok = false;
  if (word == "sleep") ok = parse_sleep(target);
  if (word == "fetch") ok = parse_fetch(target);
  if (word == "read") ok = parse_transfer(target, OpKind::kRead);
  if (word == "write") ok = parse_transfer(target, OpKind::kWrite);
  if (ok) result_.program.ops.back().await = true;
  return ok;
}

// await NAME: run coroutine NAME and wait for it. A name followed by more
// words is most likely a misspelt "sleep", "read"...: say so rather than
// complaining about the words after it.
bool Parser::parse_await_task(const Token& await_word) {
  const Token& target = next();
  if (!at_statement_end()) {
    if (const auto suggestion = closest_match(target.text, kAwaitTargets)) {
      error(target,
            fmt::format("unknown 'await {}': did you mean 'await {}'?", target.text, *suggestion));
      return false;
    }
  }
  push_op(OpKind::kAwaitTask, await_word).name = target.text;
  return true;
}

void Parser::expect_statement_end() {
  if (at_statement_end()) return;
  const Token& extra = peek();
  const std::string statement = statement_text(first_);
  if (const auto option = closest_match(extra.text, end_options_)) {
    error(extra, fmt::format("unexpected '{}' after '{}': did you mean '{}'?", extra.text,
                             statement, *option));
  } else {
    error(extra, fmt::format("unexpected '{}' after '{}': expected the end of the statement{}",
                             extra.text, statement, end_hint_));
  }
  skip_statement(tokens_[first_]);
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
    result_.errors.push_back({1, 1,
                              fmt::format("empty program{}: expected at least one statement such "
                                          "as 'compute 5ms'",
                                          commented_ ? " (it has only comments)" : "")});
  }
  std::stable_sort(result_.errors.begin(), result_.errors.end(),
                   [](const ProgramError& a, const ProgramError& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
  // A program with errors may have dangling jumps: hand out none of it.
  if (!result_.errors.empty()) result_.program.ops.clear();
}

// The SIZE or DURATION argument of a statement: one token such as "5ms" or
// "64KiB". `keyword` names the statement (or the `send` of a fetch).
template <typename T>
std::optional<T> Parser::quantity(const Token& keyword, QuantityKind kind,
                                  std::optional<T> (*parse)(std::string_view, units::Error*),
                                  std::string_view bare_number_hint) {
  if (!peek_is(TokenKind::Word)) {
    error_after(
        previous(),
        fmt::format("expected a {} like '{}' after '{}'{}", kind.noun, kind.example,
                    statement_text(first_),
                    keyword.text == "compute" ? " (or a cycle count like '2000000 cycles')" : ""));
    return std::nullopt;
  }
  const std::string after = statement_text(first_);
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
    error(arg, fmt::format("expected a {} like '{}' after '{}', got '{}'{}", kind.noun,
                           kind.example, after, arg.text, device_hint(keyword.text, arg.text)));
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

// A count of things to run (work items, tasks): a whole number from 1 to kMaxItems.
std::optional<std::uint64_t> Parser::positive_count(const Token& keyword, const Token& token,
                                                    std::string_view what) {
  std::uint64_t value = 0;
  const NumberResult result = parse_number(token.text, &value);
  if (result == NumberResult::NotANumber) return number(token, what);  // reports it
  if (result == NumberResult::TooLarge || value > kMaxItems) {
    const std::string_view items = what.substr(0, what.rfind(" count"));  // "task"
    error(token, fmt::format("{} '{}' is too large: '{}' starts at most {} {}s at once", what,
                             token.text, keyword.text, kMaxItems, items));
    return std::nullopt;
  }
  if (value == 0) {
    error(token, fmt::format("{} needs a {} > 0, got '{}'", keyword.text, what, token.text));
    return std::nullopt;
  }
  return value;
}

// The amount of an `add`: a whole number with an optional sign, "-1", "+1_000".
std::optional<std::int64_t> Parser::amount(const Token& token) {
  std::string_view digits = token.text;
  const bool negative = digits.front() == '-';
  if (negative || digits.front() == '+') digits.remove_prefix(1);
  std::uint64_t magnitude = 0;
  const NumberResult result = parse_number(digits, &magnitude);
  if (result == NumberResult::NotANumber) {
    error(token,
          fmt::format("'{}' is not an amount: expected a whole number like 5 or -1", token.text));
    return std::nullopt;
  }
  using Limits = std::numeric_limits<std::int64_t>;
  const auto largest = static_cast<std::uint64_t>(Limits::max()) + (negative ? 1 : 0);
  if (result == NumberResult::TooLarge || magnitude > largest) {
    error(token, fmt::format("amount '{}' is out of range: expected a whole number from {} to {}",
                             token.text, Limits::min(), Limits::max()));
    return std::nullopt;
  }
  if (!negative || magnitude == 0) return static_cast<std::int64_t>(magnitude);
  return -static_cast<std::int64_t>(magnitude - 1) - 1;  // no overflow for Limits::min()
}

// The NAME argument of a statement: what a thread, lock, queue... is called
// in the scenario. Only its spelling is checked here; the scenario loader
// finds what it names.
std::optional<std::string> Parser::name(std::string_view example) {
  const std::string after = statement_text(first_);
  if (!peek_is(TokenKind::Word)) {
    error_after(previous(), fmt::format("expected a name like '{}' after '{}'", example, after));
    return std::nullopt;
  }
  const Token& token = next();
  if (is_name(token.text)) return std::string(token.text);
  error(token, fmt::format("expected a name like '{}' after '{}', got '{}': a name is letters, "
                           "digits, '_', '-' and '.', starting with a letter or '_'",
                           example, after, token.text));
  return std::nullopt;
}

}  // namespace

ParsedProgram parse_program(std::string_view text) {
  return Parser(text).run();
}

}  // namespace iosim
