#include "app/class_grading.h"

#include <cstdio>
#include <thread>

namespace iosim {

ClassGradingCli::ClassGradingCli(CLI::App& grade) {
  submissions_ = grade
                     .add_option("--submissions", submissions_dir_,
                                 "grade a class: every folder or .so file in DIR is one "
                                 "student (use -o for the CSV)")
                     ->type_name("DIR");
  grade.add_option("--jobs,-j", options_.jobs, "with --submissions: students at once (default 1)")
      ->check(CLI::Range(1, 256))
      ->needs(submissions_);
  grade
      .add_option("--shard", shard_,
                  "with --submissions: grade only the I-th of N parts of the class (the students "
                  "whose index in name order is I-1 modulo N)")
      ->type_name("I/N")
      ->needs(submissions_);
  grade.add_option("--json-dir", json_dir_, "with --submissions: also write DIR/STUDENT.json")
      ->type_name("DIR")
      ->needs(submissions_);
  grade
      .add_option("--timeout", timeout_seconds_,
                  "with --submissions: seconds one student's grading may take (default 3600)")
      ->check(CLI::PositiveNumber)
      ->needs(submissions_);
  grade.add_flag("--quiet,-q", options_.quiet, "with --submissions: no progress or summary")
      ->needs(submissions_);

  merge_ = grade.add_subcommand("merge", "merge the class CSVs of shards into one");
  merge_->add_option("CSV", merge_inputs_, "the shards' CSV files")->required();
  merge_->add_option("-o,--output", merge_output_, "the merged CSV (default: stdout)");

  bundle_ = grade.add_subcommand("bundle", "write a Gradescope autograder for an assignment");
  bundle_->add_option("--assignment", bundle_assignment_, "the assignment file (TOML)")->required();
  bundle_->add_option("-o,--output", bundle_output_, "the zip to write (default autograder.zip)");
  bundle_
      ->add_option("--source", bundle_source_,
                   "the iosim source tree to bundle (default: the one iosim was built from)")
      ->type_name("DIR");
}

bool ClassGradingCli::wanted() const {
  return merge_->parsed() || bundle_->parsed() || submissions_->count() > 0;
}

int ClassGradingCli::run(const std::string& assignment, const std::string& output,
                         const std::vector<std::string>& grade_args) {
  if (merge_->parsed()) return grader::merge_class_csvs(merge_inputs_, merge_output_);
  if (bundle_->parsed())
    return grader::write_bundle({bundle_assignment_, bundle_output_, bundle_source_});
  if (!grader::parse_shard(shard_, options_.shard, options_.shards)) {
    std::fprintf(stderr, "iosim: error: --shard %s: expected I/N with 1 <= I <= N\n",
                 shard_.c_str());
    return 2;
  }
  if (assignment.empty()) {
    std::fprintf(stderr, "iosim: error: --submissions needs --assignment\n");
    return 2;
  }
  options_.submissions = submissions_dir_;
  options_.assignment = assignment;
  options_.output = output;
  options_.json_dir = json_dir_;
  options_.timeout = std::chrono::seconds(timeout_seconds_);
  options_.grade_args = grade_args;
  return grader::grade_class(options_);
}

}  // namespace iosim
