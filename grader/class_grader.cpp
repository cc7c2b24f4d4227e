#include "grader/class_grader.h"

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "grader/assignment.h"
#include "grader/class_table.h"
#include "grader/process_pool.h"

namespace iosim::grader {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr int kExitOk = 0, kExitInternal = 1, kExitBadInput = 2;

// What the class run counts as it goes, for the progress line and the summary.
struct Tally {
  std::size_t students = 0, done = 0, cases = 0, failed_cases = 0;
  std::map<std::string, std::size_t> statuses;  // graded, ungradable, error
  std::map<std::string, std::string> errors;    // by student: told in name order at the end
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

// "10", "37.5", "3.3333": four decimals at most, so sums of partial credit
// print without floating-point noise (0.30000000000000004).
std::string number(const json& value) {
  if (!value.is_number()) return "";
  std::string text = fmt::format("{:.4f}", value.get<double>());
  while (text.back() == '0')
    text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string last_line(const std::string& text) {
  std::string trimmed = text.substr(0, text.find_last_not_of("\n") + 1);
  const std::size_t newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

// The assignment's case names, in its order: the CSV's case columns. A bad
// assignment stops the class run before any student is graded.
std::vector<std::string> case_names(const fs::path& assignment) {
  const AssignmentLoad load = load_assignment(assignment.string());
  if (!load.assignment) {
    std::string message = "the assignment has errors:";
    for (const AssignmentError& e : load.errors)
      message += "\n" + e.format();
    throw std::runtime_error(message);
  }
  std::vector<std::string> names;
  for (const CaseSpec& c : load.assignment->cases)
    names.push_back(c.name);
  return names;
}

// A student's row from what their `iosim grade --format json` child did.
// Anything but a JSON result with a status is a grading error for them.
ClassTable::Row row_for(const Student& student, const ProcessResult& run,
                        const std::vector<std::string>& cases, std::chrono::seconds timeout,
                        json& result, std::string& error) {
  ClassTable::Row row{student.name, "error", "", ""};
  row.resize(4 + cases.size());
  if (!run.timed_out && run.signal == 0 && !run.out_truncated)
    result = json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (result.is_discarded() || !result.is_object() || !result.contains("status") ||
      !result["status"].is_string()) {
    error = fmt::format("no result: `iosim grade` {}{}", run.describe(timeout),
                        run.out.empty() ? "" : " and printed no JSON result");
    if (!run.err.empty()) error += ": " + last_line(run.err);
    result = json{{"submission", student.name}, {"status", "error"}, {"message", error}};
    return row;
  }
  row[1] = result["status"].get<std::string>();
  row[2] = number(result.value("score", json()));
  row[3] = number(result.value("max_score", json()));
  if (result.contains("cases") && result["cases"].is_array())
    for (const json& c : result["cases"]) {
      if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) continue;
      const auto at = std::find(cases.begin(), cases.end(), c["name"].get<std::string>());
      if (at != cases.end()) row[4 + (at - cases.begin())] = number(c.value("score", json()));
    }
  return row;
}

void count(Tally& tally, const std::string& status, const json& result) {
  ++tally.done;
  ++tally.statuses[status];
  if (!result.contains("cases") || !result["cases"].is_array()) return;
  for (const json& c : result["cases"]) {
    ++tally.cases;
    const std::string s = c.is_object() ? c.value("status", "") : "";
    if (s != "passed" && s != "partial" && s != "skipped") ++tally.failed_cases;
  }
}

void show_progress(const Tally& t) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t.start).count();
  const double left = t.done ? elapsed / t.done * (t.students - t.done) : 0;
  const std::string eta = !t.done     ? ""
                          : left < 90 ? fmt::format(", about {:.0f} s left", left)
                                      : fmt::format(", about {:.0f} min left", left / 60);
  const std::size_t errors = t.statuses.count("error") ? t.statuses.at("error") : 0;
  std::fprintf(stderr,
               "\r\033[K  grading: %zu/%zu submissions, %zu cases, %zu failed, %zu errors%s",
               t.done, t.students, t.cases, t.failed_cases, errors, eta.c_str());
}

void write_text(const std::string& output, const std::string& text) {
  if (output.empty() || output == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);  // before the summary on stderr, in a terminal that shows both
    return;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + output);
}

// Every student's errors, then (unless quiet) how many ended how.
void print_summary(const Tally& t, bool quiet) {
  for (const auto& [name, error] : t.errors)
    std::fprintf(stderr, "iosim: %s: error: %s\n", name.c_str(), error.c_str());
  if (quiet) return;
  std::string summary;
  for (const auto& [status, n] : t.statuses)
    summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", n, status);
  std::fprintf(stderr, "iosim: %zu submissions%s%s\n", t.students, summary.empty() ? "" : ": ",
               summary.c_str());
}

// The students of shard I of N: those whose index in name order is I-1 modulo N.
std::vector<Student> this_shard(const std::vector<Student>& all, const ClassOptions& o) {
  std::vector<Student> mine;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (static_cast<int>(i % o.shards) == o.shard - 1) mine.push_back(all[i]);
  return mine;
}

std::vector<std::string> grade_command(const ClassOptions& o, const Student& s) {
  std::vector<std::string> argv{
      o.iosim,        "grade",         "--assignment", o.assignment.string(),
      "--submission", s.path.string(), "--format",     "json"};
  argv.insert(argv.end(), o.grade_args.begin(), o.grade_args.end());
  return argv;
}

}  // namespace

std::vector<Student> find_students(const fs::path& folder) {
  std::vector<Student> students;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const std::string file = entry.path().filename().string();
    if (file.front() == '.') continue;
    if (entry.is_directory())
      students.push_back({file, entry.path()});
    else if (entry.path().extension() == ".so")
      students.push_back({entry.path().stem().string(), entry.path()});
  }
  std::sort(students.begin(), students.end(),
            [](const Student& a, const Student& b) { return a.name < b.name; });
  for (std::size_t i = 1; i < students.size(); ++i)
    if (students[i].name == students[i - 1].name)
      throw std::runtime_error("two submissions are named '" + students[i].name + "' (" +
                               students[i - 1].path.string() + ", " + students[i].path.string() +
                               ")");
  return students;
}

bool parse_shard(const std::string& text, int& shard, int& shards) {
  std::istringstream in(text);
  char slash = 0;
  if (!(in >> shard >> slash >> shards) || slash != '/' || !in.eof()) return false;
  return shards >= 1 && shard >= 1 && shard <= shards;
}

int grade_class(const ClassOptions& o) {
  std::vector<Student> students;
  std::vector<std::string> cases;
  try {
    if (!fs::is_directory(o.submissions))
      throw std::runtime_error(o.submissions.string() + ": not a folder of submissions");
    students = this_shard(find_students(o.submissions), o);
    cases = case_names(o.assignment);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error: %s\n", e.what());
    return kExitBadInput;
  }
  ClassTable::Row header{"student", "status", "score", "max_score"};
  header.insert(header.end(), cases.begin(), cases.end());
  ClassTable table(header);
  std::vector<std::vector<std::string>> commands;
  for (const Student& s : students)
    commands.push_back(grade_command(o, s));

  Tally tally;
  tally.students = students.size();
  const bool progress = !o.quiet && isatty(STDERR_FILENO);
  if (progress) show_progress(tally);
  try {
    if (!o.json_dir.empty()) fs::create_directories(o.json_dir);
    ProcessPool(o.jobs, o.timeout).run(commands, [&](std::size_t i, ProcessResult run) {
      json result;
      std::string error;
      ClassTable::Row row = row_for(students[i], run, cases, o.timeout, result, error);
      if (!error.empty()) tally.errors[students[i].name] = error;
      count(tally, row[1], result);
      table.add(std::move(row));
      if (!o.json_dir.empty())
        write_text((o.json_dir / (students[i].name + ".json")).string(), result.dump(2) + "\n");
      if (progress) show_progress(tally);
    });
    if (progress) std::fprintf(stderr, "\r\033[K");
    write_text(o.output, table.csv());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error: %s\n", e.what());
    return kExitInternal;
  }
  print_summary(tally, o.quiet);
  return kExitOk;
}

int merge_class_csvs(const std::vector<std::string>& inputs, const std::string& output) {
  try {
    std::optional<ClassTable> merged;
    for (const std::string& input : inputs) {
      std::ifstream in(input, std::ios::binary);
      if (!in) throw std::runtime_error(input + ": cannot read");
      std::stringstream text;
      text << in.rdbuf();
      ClassTable table = ClassTable::parse(text.str(), input);
      if (merged)
        merged->merge(table, input);
      else
        merged = std::move(table);
    }
    if (!merged) throw std::runtime_error("merge: no CSV files");
    write_text(output, merged->csv());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error: %s\n", e.what());
    return kExitBadInput;
  }
  return kExitOk;
}

}  // namespace iosim::grader
