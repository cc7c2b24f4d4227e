// `iosim grade`: grades one submission against an assignment (grader/grader.h)
// and prints a report (grader/grade_report.h); with --submissions, a whole
// class (app/class_grading.h).
//
//   iosim grade --assignment A.toml --submission PATH [--format F] [-o FILE]
//               [--practice] [--seed N] [--reveal]
//
// Exit status: 0 graded (whatever the score); 2 bad input (the assignment
// file, with file:line:col messages, or the command line); 7 the submission
// is ungradable (it does not build, or its library does not load); 1 an
// internal error.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace iosim {

class ClassGradingCli;

class GradeCli {
 public:
  // Adds the `grade` subcommand and its options to `app`.
  explicit GradeCli(CLI::App& app);
  ~GradeCli();

  bool parsed() const { return command_->parsed(); }
  int run();

 private:
  int grade_one();
  std::vector<std::string> class_args() const;

  CLI::App* command_ = nullptr;
  std::unique_ptr<ClassGradingCli> class_;
  std::string assignment_, submission_, format_ = "table", output_;
  bool practice_ = false, reveal_ = false;
  std::optional<std::uint64_t> seed_;
};

}  // namespace iosim
