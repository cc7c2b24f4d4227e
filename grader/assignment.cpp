#include "grader/assignment.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "grader/workload_generator.h"
#include "kernel/policies/policy_registry.h"
#include "sim/did_you_mean.h"
#include "sim/units.h"

namespace iosim::grader {

const char* check_kind_name(CheckKind kind) {
  switch (kind) {
    case CheckKind::kValid:
      return "valid";
    case CheckKind::kFinishes:
      return "finishes";
    case CheckKind::kWorkConserving:
      return "work_conserving";
    case CheckKind::kQuantum:
      return "quantum";
    case CheckKind::kMaxWait:
      return "max_wait";
    case CheckKind::kMetric:
      return "metric";
    case CheckKind::kSchedule:
      return "schedule";
    case CheckKind::kExpr:
      return "expr";
  }
  return "?";
}

const char* visibility_name(Visibility v) {
  switch (v) {
    case Visibility::kVisible:
      return "visible";
    case Visibility::kHidden:
      return "hidden";
    case Visibility::kAfterDueDate:
      return "after_due_date";
  }
  return "?";
}

double Assignment::max_score() const {
  double total = 0;
  for (const CaseSpec& c : cases)
    total += c.points;
  return total;
}

std::string AssignmentError::format() const {
  if (line <= 0) return fmt::format("{}: error: {}", file, message);
  return fmt::format("{}:{}:{}: error: {}", file, line, column, message);
}

namespace {

namespace fs = std::filesystem;

constexpr CheckKind kCheckKinds[] = {
    CheckKind::kValid,   CheckKind::kFinishes, CheckKind::kWorkConserving, CheckKind::kQuantum,
    CheckKind::kMaxWait, CheckKind::kMetric,   CheckKind::kSchedule,       CheckKind::kExpr};

// Keys each check kind takes besides kind, name and points.
std::vector<std::string_view> check_keys(CheckKind kind) {
  switch (kind) {
    case CheckKind::kWorkConserving:
      return {"tolerance"};
    case CheckKind::kQuantum:
      return {"quanta", "boost"};
    case CheckKind::kMaxWait:
      return {"bound"};
    case CheckKind::kMetric:
      return {"metric", "direction", "tolerance", "bands"};
    case CheckKind::kExpr:
      return {"expr"};
    default:
      return {};
  }
}

// A name that can be part of a file name and a CSV column.
bool plain_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

class Reader {
 public:
  Reader(std::string_view text, std::string path) : text_(text), path_(std::move(path)) {
    lines_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i)
      if (text_[i] == '\n') lines_.push_back(i + 1);
    dir_ = fs::absolute(fs::path(path_)).parent_path().lexically_normal().string();
  }

  AssignmentLoad run() {
    AssignmentLoad load;
    toml::table root;
#if TOML_EXCEPTIONS
    try {
      root = toml::parse(text_, path_);
    } catch (const toml::parse_error& e) {
      error(e.source().begin, std::string(e.description()));
      load.errors = errors_;
      return load;
    }
#else
    toml::parse_result parsed = toml::parse(text_, path_);
    if (!parsed) {
      error(parsed.error().source().begin, std::string(parsed.error().description()));
      load.errors = errors_;
      return load;
    }
    root = std::move(parsed).table();
#endif
    Assignment a = read_root(root);
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& x, const auto& y) {
      return std::tie(x.line, x.column) < std::tie(y.line, y.column);
    });
    load.errors = errors_;
    if (errors_.empty()) load.assignment = std::move(a);
    return load;
  }

 private:
  // ------------------------------------------------------------ positions

  void error(const toml::source_position& at, std::string message) {
    const int line = static_cast<int>(at.line);
    errors_.push_back(
        {path_, line, byte_column(line, static_cast<int>(at.column)), std::move(message)});
  }
  void error(const toml::node& node, std::string message) {
    error(node.source().begin, std::move(message));
  }

  // toml++ counts columns in code points; editors and the scenario loader in bytes.
  int byte_column(int line, int column) const {
    if (line < 1 || static_cast<std::size_t>(line) > lines_.size()) return column;
    std::size_t pos = lines_[static_cast<std::size_t>(line) - 1];
    for (int c = 1; c < column && pos < text_.size(); ++c) {
      ++pos;
      while (pos < text_.size() && (static_cast<unsigned char>(text_[pos]) & 0xC0) == 0x80)
        ++pos;
    }
    return static_cast<int>(pos - lines_[static_cast<std::size_t>(line) - 1]) + 1;
  }

  // ------------------------------------------------------------ keys and values

  void unknown_keys(const toml::table& table, const std::vector<std::string_view>& known,
                    std::string_view owner) {
    for (const auto& [key, node] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      const auto guess = closest_match(key.str(), known);
      error(key.source().begin ? key.source().begin : node.source().begin,
            fmt::format("unknown key '{}' in {}{}", key.str(), owner,
                        guess ? fmt::format(": did you mean '{}'?", *guess) : std::string()));
    }
  }

  const toml::node* required(const toml::table& table, std::string_view key,
                             std::string_view owner) {
    const toml::node* node = table.get(key);
    if (!node) error(table, fmt::format("missing '{}' in {}", key, owner));
    return node;
  }

  std::optional<std::string> string(const toml::node* node, std::string_view key) {
    if (!node) return std::nullopt;
    if (auto s = node->value<std::string>()) return *s;
    error(*node, fmt::format("'{}' must be a string", key));
    return std::nullopt;
  }

  std::optional<double> number(const toml::node* node, std::string_view key, double min) {
    if (!node) return std::nullopt;
    std::optional<double> v;
    if (node->is_integer()) v = static_cast<double>(*node->value<std::int64_t>());
    if (node->is_floating_point()) v = *node->value<double>();
    if (!v || !std::isfinite(*v)) {
      error(*node, fmt::format("'{}' must be a number", key));
      return std::nullopt;
    }
    if (*v < min) {
      error(*node, fmt::format("'{}' must be at least {}", key, min));
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::int64_t> integer(const toml::node* node, std::string_view key,
                                      std::int64_t min, std::int64_t max) {
    if (!node) return std::nullopt;
    auto v = node->value_exact<std::int64_t>();
    if (!v) {
      error(*node, fmt::format("'{}' must be an integer", key));
      return std::nullopt;
    }
    if (*v < min || *v > max) {
      error(*node, fmt::format("'{}' must be between {} and {}, got {}", key, min, max, *v));
      return std::nullopt;
    }
    return v;
  }

  std::optional<Ns> duration(const toml::node* node, std::string_view key, bool positive) {
    auto text = string(node, key);
    if (!text) return std::nullopt;
    units::Error e;
    auto ns = units::parse_duration_ns(*text, &e);
    if (!ns) {
      error(*node, fmt::format("'{}': {}", key, e.message));
      return std::nullopt;
    }
    if (positive && *ns <= 0) {
      error(*node, fmt::format("'{}' must be more than 0s", key));
      return std::nullopt;
    }
    return ns;
  }

  std::optional<std::string> choice(const toml::node* node, std::string_view key,
                                    const std::vector<std::string_view>& choices) {
    auto text = string(node, key);
    if (!text) return std::nullopt;
    if (std::find(choices.begin(), choices.end(), *text) != choices.end()) return text;
    const auto guess = closest_match(*text, choices);
    error(*node,
          fmt::format("'{}' must be one of {}, got '{}'{}", key, fmt::join(choices, ", "), *text,
                      guess ? fmt::format(": did you mean '{}'?", *guess) : std::string()));
    return std::nullopt;
  }

  std::vector<std::string> strings(const toml::node* node, std::string_view key) {
    std::vector<std::string> out;
    if (!node) return out;
    const toml::array* array = node->as_array();
    if (!array) {
      error(*node, fmt::format("'{}' must be an array of strings", key));
      return out;
    }
    for (const toml::node& item : *array) {
      if (auto s = string(&item, key)) out.push_back(*s);
    }
    return out;
  }

  // A path next to the assignment file, which must exist.
  std::optional<std::string> file(const toml::node* node, std::string_view key) {
    auto text = string(node, key);
    if (!text) return std::nullopt;
    fs::path p(*text);
    if (p.is_relative()) p = fs::path(dir_) / p;
    p = p.lexically_normal();
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) {
      error(*node, fmt::format("'{}': no such file '{}'", key, p.string()));
      return std::nullopt;
    }
    return p.string();
  }

  // ------------------------------------------------------------ the tables

  Assignment read_root(const toml::table& root) {
    Assignment a;
    a.path = path_;
    a.dir = dir_;
    unknown_keys(
        root,
        {"name", "title", "policy", "due", "reference", "limits", "case", "check", "leaderboard"},
        "the assignment");
    if (auto name = string(required(root, "name", "the assignment"), "name")) {
      if (!plain_name(*name))
        error(*root.get("name"), "'name' may hold only letters, digits, '-', '_' and '.'");
      a.name = *name;
    }
    a.title = string(root.get("title"), "title").value_or(a.name);
    a.policy = string(root.get("policy"), "policy").value_or("");
    read_due(root, a);
    if (const toml::node* ref = required(root, "reference", "the assignment"))
      a.reference = read_reference(*ref);
    if (const toml::node* limits = root.get("limits")) read_limits(*limits, a.limits);
    std::vector<CheckSpec> defaults;
    if (const toml::node* checks = root.get("check")) defaults = read_checks(*checks, "[[check]]");
    read_cases(root, a, defaults);
    if (const toml::node* board = root.get("leaderboard")) read_leaderboard(*board, a);
    return a;
  }

  void read_due(const toml::table& root, Assignment& a) {
    const toml::node* due = root.get("due");
    if (!due) return;
    if (due->is_string()) {
      a.due = *due->value<std::string>();
      return;
    }
    if (!due->is_date_time() && !due->is_date()) {
      error(*due, "'due' must be a date or a date-time, like 2025-05-02T23:59:00Z");
      return;
    }
    std::ostringstream text;
    if (due->is_date())
      text << *due->value<toml::date>();
    else
      text << *due->value<toml::date_time>();
    a.due = text.str();
  }

  ReferenceSpec read_reference(const toml::node& node) {
    ReferenceSpec ref;
    const toml::table* table = node.as_table();
    if (!table) {
      error(node, "'reference' must be a table: [reference] with policy = \"NAME\" or library");
      return ref;
    }
    unknown_keys(*table, {"policy", "library", "set"}, "[reference]");
    const toml::node* policy = table->get("policy");
    const toml::node* library = table->get("library");
    if (policy && library) error(*library, "give either 'policy' or 'library' in [reference]");
    if (!policy && !library)
      error(*table, "missing 'policy' (a built-in policy) or 'library' in [reference]");
    if (policy) {
      std::vector<std::string_view> names;
      for (const std::string& n : builtin_policy_names())
        names.push_back(n);
      ref.policy = choice(policy, "policy", names).value_or("");
    }
    if (library) ref.library = file(library, "library").value_or("");
    ref.set = overrides(table->get("set"));
    return ref;
  }

  std::vector<std::string> overrides(const toml::node* node) {
    std::vector<std::string> out = strings(node, "set");
    if (node && node->is_array()) {
      std::size_t i = 0;
      for (const toml::node& item : *node->as_array()) {
        if (i < out.size() && out[i].find('=') == std::string::npos)
          error(item, fmt::format("'set' entries are KEY=VALUE, like kernel.quantum=5ms; got '{}'",
                                  out[i]));
        ++i;
      }
    }
    return out;
  }

  void read_limits(const toml::node& node, AssignmentLimits& limits) {
    const toml::table* table = node.as_table();
    if (!table) {
      error(node, "'limits' must be a table");
      return;
    }
    unknown_keys(*table,
                 {"case_timeout", "build_timeout", "policy_timeout", "policy_memory", "policy_cpu"},
                 "[limits]");
    auto set = [&](std::string_view key, Ns& target) {
      if (auto v = duration(table->get(key), key, true)) target = *v;
    };
    set("case_timeout", limits.case_timeout);
    set("build_timeout", limits.build_timeout);
    set("policy_timeout", limits.policy_timeout);
    set("policy_cpu", limits.policy_cpu);
    if (const toml::node* memory = table->get("policy_memory")) {
      if (auto text = string(memory, "policy_memory")) {
        units::Error e;
        auto bytes = units::parse_size_bytes(*text, &e);
        if (!bytes || *bytes < (16ull << 20))
          error(*memory, bytes ? "'policy_memory' must be at least 16MiB"
                               : fmt::format("'policy_memory': {}", e.message));
        else
          limits.policy_memory = *bytes;
      }
    }
  }

  void read_cases(const toml::table& root, Assignment& a, const std::vector<CheckSpec>& defaults) {
    const toml::node* node = required(root, "case", "the assignment");
    if (!node) return;
    const toml::array* cases = node->as_array();
    if (!cases || !cases->is_array_of_tables() || cases->empty()) {
      error(*node, "'case' must be one or more [[case]] tables");
      return;
    }
    std::set<std::string> names;
    for (const toml::node& item : *cases) {
      CaseSpec c = read_case(*item.as_table(), defaults);
      if (!c.name.empty() && !names.insert(c.name).second)
        error(*item.as_table()->get("name"),
              fmt::format("a case named '{}' already exists", c.name));
      a.cases.push_back(std::move(c));
    }
  }

  CaseSpec read_case(const toml::table& table, const std::vector<CheckSpec>& defaults) {
    CaseSpec c;
    unknown_keys(table, {"name", "points", "visibility", "scenario", "generate", "set", "check"},
                 "[[case]]");
    if (auto name = string(required(table, "name", "[[case]]"), "name")) {
      if (!plain_name(*name))
        error(*table.get("name"),
              "a case's 'name' may hold only letters, digits, '-', '_' and '.'");
      c.name = *name;
    }
    const std::string owner = fmt::format("case '{}'", c.name);
    if (auto v =
            choice(table.get("visibility"), "visibility", {"visible", "hidden", "after_due_date"}))
      c.visibility = *v == "hidden"           ? Visibility::kHidden
                     : *v == "after_due_date" ? Visibility::kAfterDueDate
                                              : Visibility::kVisible;
    const toml::node* scenario = table.get("scenario");
    const toml::node* generate = table.get("generate");
    if (scenario && generate) error(*generate, "give either 'scenario' or 'generate', not both");
    if (!scenario && !generate)
      error(table, fmt::format("missing 'scenario' (a file) or 'generate' in {}", owner));
    if (scenario) c.scenario = file(scenario, "scenario").value_or("");
    if (generate) c.generate = read_generator(*generate);
    c.set = overrides(table.get("set"));
    if (const toml::node* checks = table.get("check"))
      c.checks = read_checks(*checks, "[[case.check]]");
    else if (!defaults.empty())
      c.checks = defaults;
    else
      error(table, fmt::format("{} has no checks: add [[case.check]] tables, or [[check]] "
                               "tables for every case",
                               owner));
    for (const CheckSpec& check : c.checks)
      c.points += check.points;
    if (auto points = number(table.get("points"), "points", 0);
        points && std::fabs(*points - c.points) > 1e-9)
      error(*table.get("points"), fmt::format("{} has points = {} but its checks add up to {}",
                                              owner, *points, c.points));
    return c;
  }

  std::optional<GeneratorSpec> read_generator(const toml::node& node) {
    const toml::table* table = node.as_table();
    if (!table) {
      error(node, "'generate' must be a table, like { kind = \"cpu-mix\", tasks = 20, seed = 7 }");
      return std::nullopt;
    }
    unknown_keys(*table, {"kind", "tasks", "seed"}, "'generate'");
    GeneratorSpec g;
    std::vector<std::string_view> kinds(generator_kinds().begin(), generator_kinds().end());
    auto kind = choice(required(*table, "kind", "'generate'"), "kind", kinds);
    if (!kind) return std::nullopt;
    g.kind = *kind;
    g.tasks = static_cast<int>(integer(table->get("tasks"), "tasks", 1, 2000).value_or(10));
    g.seed =
        static_cast<std::uint64_t>(integer(table->get("seed"), "seed", 0, INT64_MAX).value_or(1));
    return g;
  }

  std::vector<CheckSpec> read_checks(const toml::node& node, std::string_view owner) {
    std::vector<CheckSpec> checks;
    const toml::array* array = node.as_array();
    if (!array || !array->is_array_of_tables()) {
      error(node, fmt::format("checks must be {} tables", owner));
      return checks;
    }
    for (const toml::node& item : *array) {
      if (auto check = read_check(*item.as_table(), owner)) checks.push_back(std::move(*check));
    }
    return checks;
  }

  std::optional<CheckSpec> read_check(const toml::table& table, std::string_view owner) {
    std::vector<std::string_view> kinds;
    for (CheckKind k : kCheckKinds)
      kinds.push_back(check_kind_name(k));
    auto kind = choice(required(table, "kind", owner), "kind", kinds);
    if (!kind) return std::nullopt;
    CheckSpec c;
    c.kind = *std::find_if(std::begin(kCheckKinds), std::end(kCheckKinds),
                           [&](CheckKind k) { return *kind == check_kind_name(k); });
    std::vector<std::string_view> known{"kind", "name", "points"};
    for (std::string_view key : check_keys(c.kind))
      known.push_back(key);
    unknown_keys(table, known, fmt::format("a '{}' check", *kind));
    c.points = number(required(table, "points", fmt::format("a '{}' check", *kind)), "points", 0)
                   .value_or(0);
    read_check_options(table, c);
    c.name = string(table.get("name"), "name").value_or(default_name(c));
    return c;
  }

  void read_check_options(const toml::table& table, CheckSpec& c) {
    const std::string owner = fmt::format("a '{}' check", check_kind_name(c.kind));
    switch (c.kind) {
      case CheckKind::kWorkConserving:
        c.tolerance = 100 * kUs;
        if (auto v = duration(table.get("tolerance"), "tolerance", false)) c.tolerance = *v;
        break;
      case CheckKind::kQuantum:
        if (const toml::node* quanta = required(table, "quanta", owner)) {
          for (const std::string& text : strings(quanta, "quanta")) {
            units::Error e;
            auto ns = units::parse_duration_ns(text, &e);
            if (ns && *ns > 0)
              c.quanta.push_back(*ns);
            else
              error(*quanta, fmt::format("'quanta': '{}' is not a duration more than 0s", text));
          }
          if (c.quanta.empty() && quanta->is_array())
            error(*quanta, "'quanta' needs at least one duration");
        }
        if (auto v = duration(table.get("boost"), "boost", false)) c.boost = *v;
        break;
      case CheckKind::kMaxWait:
        if (auto v = duration(required(table, "bound", owner), "bound", true)) c.bound = *v;
        break;
      case CheckKind::kMetric:
        read_metric(table, c, owner);
        break;
      case CheckKind::kExpr:
        read_expr(table, c, owner);
        break;
      default:
        break;
    }
  }

  void read_metric(const toml::table& table, CheckSpec& c, const std::string& owner) {
    if (auto metric = string(required(table, "metric", owner), "metric"))
      c.metric = metric->find('.') == std::string::npos ? "metrics." + *metric : *metric;
    c.direction =
        choice(table.get("direction"), "direction", {"both", "lower", "higher"}).value_or("both");
    const toml::node* tolerance = table.get("tolerance");
    const toml::node* bands = table.get("bands");
    if (tolerance && bands) error(*bands, "give either 'tolerance' or 'bands', not both");
    if (!tolerance && !bands)
      error(table, fmt::format("missing 'tolerance' (like 0.05 for 5%) or 'bands' in {}", owner));
    if (tolerance) {
      if (auto t = number(tolerance, "tolerance", 0)) c.bands = {{*t, 1.0}};
    }
    if (bands) read_bands(*bands, c);
  }

  void read_bands(const toml::node& node, CheckSpec& c) {
    const toml::array* array = node.as_array();
    const char* shape =
        "'bands' must be an array of [relative difference, share of points] "
        "pairs, like [[0.05, 1.0], [0.15, 0.5]]";
    if (!array || array->empty()) {
      error(node, shape);
      return;
    }
    for (const toml::node& item : *array) {
      const toml::array* pair = item.as_array();
      if (!pair || pair->size() != 2) {
        error(item, shape);
        continue;
      }
      auto limit = number(pair->get(0), "bands", 0);
      auto share = number(pair->get(1), "bands", 0);
      if (!limit || !share) continue;
      if (*share > 1) error(*pair->get(1), "a band's share of the points is at most 1");
      if (!c.bands.empty() && *limit <= c.bands.back().limit)
        error(item, "bands must be in increasing order of relative difference");
      c.bands.push_back({*limit, *share});
    }
  }

  void read_expr(const toml::table& table, CheckSpec& c, const std::string& owner) {
    const toml::node* node = required(table, "expr", owner);
    auto text = string(node, "expr");
    if (!text) return;
    ExpressionError e;
    c.expr = Expression::parse(*text, &e);
    if (c.expr) return;
    // Point inside the string when it is written plainly on one line.
    toml::source_position at = node->source().begin;
    const int line = static_cast<int>(at.line);
    const int start = byte_column(line, static_cast<int>(at.column));
    const std::size_t line_start = lines_[static_cast<std::size_t>(line) - 1];
    const std::string_view raw =
        text_.substr(line_start + static_cast<std::size_t>(start) - 1, text->size() + 2);
    const bool plain = raw.size() == text->size() + 2 && raw.substr(1, text->size()) == *text;
    errors_.push_back({path_, line, start + (plain ? 1 + static_cast<int>(e.offset) : 0),
                       fmt::format("'expr': {}", e.message)});
  }

  static std::string default_name(const CheckSpec& c) {
    switch (c.kind) {
      case CheckKind::kValid:
        return "every decision is valid";
      case CheckKind::kFinishes:
        return "every task finishes";
      case CheckKind::kWorkConserving:
        return "no core idles while a task is ready";
      case CheckKind::kQuantum:
        return "time slices follow the quanta";
      case CheckKind::kMaxWait:
        return "no task waits too long";
      case CheckKind::kMetric:
        return c.metric + " close to the reference";
      case CheckKind::kSchedule:
        return "the schedule matches the reference";
      case CheckKind::kExpr:
        return c.expr ? c.expr->text() : "expression";
    }
    return "?";
  }

  void read_leaderboard(const toml::node& node, Assignment& a) {
    const toml::array* array = node.as_array();
    if (!array || !array->is_array_of_tables()) {
      error(node, "'leaderboard' must be [[leaderboard]] tables");
      return;
    }
    for (const toml::node& item : *array) {
      const toml::table& t = *item.as_table();
      unknown_keys(t, {"name", "case", "metric", "order", "scale"}, "[[leaderboard]]");
      LeaderboardSpec l;
      l.name = string(required(t, "name", "[[leaderboard]]"), "name").value_or("");
      if (auto c = string(required(t, "case", "[[leaderboard]]"), "case")) {
        l.case_ = *c;
        const bool known = std::any_of(a.cases.begin(), a.cases.end(),
                                       [&](const CaseSpec& s) { return s.name == *c; });
        if (!known) error(*t.get("case"), fmt::format("no case is named '{}'", *c));
      }
      if (auto m = string(required(t, "metric", "[[leaderboard]]"), "metric"))
        l.metric = m->find('.') == std::string::npos ? "metrics." + *m : *m;
      l.order = choice(t.get("order"), "order", {"asc", "desc"}).value_or("asc");
      l.scale = number(t.get("scale"), "scale", -1e300).value_or(1);
      a.leaderboard.push_back(std::move(l));
    }
  }

  std::string_view text_;
  std::string path_, dir_;
  std::vector<std::size_t> lines_;  // byte offset of each line's start
  std::vector<AssignmentError> errors_;
};

}  // namespace

AssignmentLoad parse_assignment(std::string_view text, const std::string& path) {
  return Reader(text, path).run();
}

AssignmentLoad load_assignment(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    AssignmentLoad load;
    load.errors.push_back(
        {path, 0, 0, fmt::format("cannot read the assignment: {}", std::strerror(errno))});
    return load;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_assignment(text.str(), path);
}

}  // namespace iosim::grader
