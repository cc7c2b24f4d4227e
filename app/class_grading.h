// The whole-class side of `iosim grade` (grader/class_grader.h,
// grader/bundle.h): `--submissions DIR/` grades a class into a CSV,
// `iosim grade merge` joins the CSVs of shards, `iosim grade bundle` writes a
// Gradescope autograder. The grade command registers these next to its own
// options and hands over when one of them was asked for.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "grader/bundle.h"
#include "grader/class_grader.h"

namespace iosim {

class ClassGradingCli {
 public:
  // Adds --submissions, --jobs, --shard, --json-dir, --timeout and --quiet to
  // `grade`, and its subcommands `merge` and `bundle`.
  explicit ClassGradingCli(CLI::App& grade);

  // Whether the command line asks for a class, a merge or a bundle rather
  // than one submission.
  bool wanted() const;

  // Runs what was asked for, after parsing. `assignment` and `output` are the
  // grade command's --assignment and -o; `grade_args` are options each
  // student's `iosim grade` gets too (e.g. {"--seed", "7"}). Returns the exit status.
  int run(const std::string& assignment, const std::string& output,
          const std::vector<std::string>& grade_args);

 private:
  CLI::App* merge_ = nullptr;
  CLI::App* bundle_ = nullptr;
  CLI::Option* submissions_ = nullptr;
  grader::ClassOptions options_;
  std::string submissions_dir_, shard_ = "1/1", json_dir_;
  int timeout_seconds_ = 3600;
  std::vector<std::string> merge_inputs_;
  std::string merge_output_;
  std::string bundle_assignment_, bundle_output_ = "autograder.zip", bundle_source_;
};

}  // namespace iosim
