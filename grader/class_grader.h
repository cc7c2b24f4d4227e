// `iosim grade --submissions DIR/`: grades a whole class. Every folder (a
// source submission) or .so file (a built one) directly in DIR is one
// student, named after it. Each is graded by a child
// `iosim grade --assignment A --submission S --format json`, up to `jobs` at
// a time; the class run reads only that JSON (the contract in
// docs/grading.md), so a child that crashes, hangs or prints garbage costs
// that one student an "error" row and nothing else.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace iosim::grader {

struct ClassOptions {
  std::filesystem::path submissions;  // the class folder
  std::filesystem::path assignment;
  std::string output;              // the CSV; "" or "-": stdout
  std::filesystem::path json_dir;  // each student's JSON result, when set
  int jobs = 1;
  int shard = 1, shards = 1;            // --shard I/N: students whose sorted index % N == I-1
  std::chrono::seconds timeout{3600};   // per submission, for the whole grading
  std::vector<std::string> grade_args;  // passed on to every `iosim grade` (e.g. --seed 7)
  std::string iosim = "/proc/self/exe";
  bool quiet = false;
};

struct Student {
  std::string name;
  std::filesystem::path path;
};

// The students in `folder`, sorted by name (hidden entries skipped). Throws
// std::runtime_error if the folder cannot be read or two entries share a name.
std::vector<Student> find_students(const std::filesystem::path& folder);

// Parses "I/N" (1 <= I <= N). False if it is not that.
bool parse_shard(const std::string& text, int& shard, int& shards);

// Grades the class and writes the CSV. Returns the exit status: 0 when the
// CSV was written (whatever each student's outcome), 2 for bad input.
int grade_class(const ClassOptions& options);

// `iosim grade merge`: one CSV from the shards' CSVs (the same header each).
int merge_class_csvs(const std::vector<std::string>& inputs, const std::string& output);

}  // namespace iosim::grader
