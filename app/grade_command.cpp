#include "app/grade_command.h"

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>

#include "app/class_grading.h"
#include "app/commands.h"
#include "grader/assignment.h"
#include "grader/grade_report.h"
#include "grader/grader.h"

namespace iosim {

GradeCli::GradeCli(CLI::App& app) {
  command_ = app.add_subcommand(
      "grade", "grade a scheduling policy against an assignment (docs/grading.md)");
  command_->add_option("--assignment", assignment_, "the assignment file (TOML)")
      ->type_name("FILE");
  command_
      ->add_option("--submission", submission_,
                   "the student's source folder (built with a fixed command) or policy "
                   "library (.so)")
      ->type_name("PATH");
  command_
      ->add_option("--format", format_,
                   "table (default), json, junit, gradescope (results.json) or prairielearn")
      ->check(CLI::IsMember({"table", "json", "junit", "gradescope", "prairielearn"}));
  command_->add_option("-o,--output", output_, "write the report to this file (default: stdout)")
      ->type_name("FILE");
  command_->add_flag("--practice", practice_,
                     "run the visible cases only, and show every check's details");
  command_->add_option("--seed", seed_,
                       "derive every generated case's workload from this seed too");
  command_->add_flag("--reveal", reveal_,
                     "show hidden cases' details (for instructors: never give this to students)");
  class_ = std::make_unique<ClassGradingCli>(*command_);
}

GradeCli::~GradeCli() = default;

// What each student's `iosim grade` of a class run gets besides its own options.
std::vector<std::string> GradeCli::class_args() const {
  std::vector<std::string> args{"--reveal"};
  if (seed_) args.insert(args.end(), {"--seed", std::to_string(*seed_)});
  return args;
}

int GradeCli::run() {
  if (class_->wanted()) return class_->run(assignment_, output_, class_args());
  try {
    return grade_one();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error: %s\n", e.what());
    return kExitInternal;
  }
}

int GradeCli::grade_one() {
  if (assignment_.empty() || submission_.empty()) {
    std::fprintf(stderr,
                 "iosim: error: grade needs --assignment FILE and --submission PATH "
                 "(or --submissions DIR)\n");
    return kExitBadInput;
  }
  const grader::AssignmentLoad load = grader::load_assignment(assignment_);
  for (const grader::AssignmentError& e : load.errors)
    std::fprintf(stderr, "%s\n", e.format().c_str());
  if (!load.assignment) return kExitBadInput;
  std::error_code ec;
  if (!std::filesystem::exists(submission_, ec)) {
    std::fprintf(stderr, "iosim: error: --submission %s: no such file or folder\n",
                 submission_.c_str());
    return kExitBadInput;
  }
  grader::GradeOptions options;
  options.submission = submission_;
  options.practice = practice_;
  options.seed = seed_;
  if (isatty(STDERR_FILENO))
    options.progress = [](const std::string& line) {
      std::fprintf(stderr, "\r\033[K  grading %s", line.c_str());
    };
  const grader::GradeResult result = grader::grade(*load.assignment, options);
  if (options.progress) std::fprintf(stderr, "\r\033[K");
  const std::string report =
      grader::format_report(result, *grader::report_format(format_), reveal_);
  if (output_.empty() || output_ == "-") {
    std::fputs(report.c_str(), stdout);
  } else if (!(std::ofstream(output_, std::ios::binary) << report)) {
    std::fprintf(stderr, "iosim: error: cannot write %s\n", output_.c_str());
    return kExitBadInput;
  }
  return result.status == "ungradable" ? kExitUngradable : kExitOk;
}

}  // namespace iosim
