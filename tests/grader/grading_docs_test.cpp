// docs/grading.md shows assignments in ```toml assignment blocks (an
// assignment is not a scenario, so the docs test's `iosim check` of ```toml
// blocks does not apply): each must load without an error, read as if it
// sat next to the example assignment (its cases/ are there).
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "grader/assignment.h"
#include "support/run_iosim.h"

namespace iosim::grader {
namespace {

namespace fs = std::filesystem;

struct Block {
  std::string file;
  int line;
  std::string text;
};

std::vector<Block> assignment_blocks() {
  std::vector<Block> out;
  for (const auto& entry : fs::directory_iterator(fs::path(IOSIM_SOURCE_DIR) / "docs")) {
    if (entry.path().extension() != ".md") continue;
    std::istringstream in(testing::read_file(entry.path()));
    std::string line, text;
    int number = 0, start = 0;
    bool inside = false;
    while (std::getline(in, line)) {
      ++number;
      if (!inside && line == "```toml assignment") {
        inside = true;
        start = number;
        text.clear();
      } else if (inside && line.rfind("```", 0) == 0) {
        inside = false;
        out.push_back({entry.path().filename().string(), start, text});
      } else if (inside) {
        text += line + "\n";
      }
    }
  }
  return out;
}

TEST(GradingDocs, EveryAssignmentExampleLoads) {
  const auto blocks = assignment_blocks();
  EXPECT_GE(blocks.size(), 2u) << "docs/grading.md lost its assignment examples";
  const std::string beside_example =
      std::string(IOSIM_SOURCE_DIR) + "/grader/examples/mlfq/docs-example.toml";
  for (const Block& b : blocks) {
    const AssignmentLoad load = parse_assignment(b.text, beside_example);
    std::string errors;
    for (const AssignmentError& e : load.errors)  // lines counted from the block's first
      errors += "  " + b.file + ":" + std::to_string(b.line + e.line) + ": " + e.message + "\n";
    EXPECT_TRUE(load.assignment.has_value())
        << b.file << ":" << b.line << ": this assignment example does not load:\n"
        << errors;
  }
}

}  // namespace
}  // namespace iosim::grader
