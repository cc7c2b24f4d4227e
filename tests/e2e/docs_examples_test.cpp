// Documentation is part of the feature: every TOML example in docs/ must be
// a scenario `iosim check` accepts, and documented outputs must be real.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/run_iosim.h"

namespace iosim {
namespace {

using testing::read_file;
using testing::run_iosim;

struct Example {
  std::string file;
  int line;
  std::string text;
};

std::vector<Example> toml_examples() {
  std::vector<Example> out;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(IOSIM_SOURCE_DIR) + "/docs")) {
    if (entry.path().extension() != ".md") continue;
    std::istringstream in(read_file(entry.path()));
    std::string line, block;
    int number = 0, start = 0;
    bool inside = false;
    while (std::getline(in, line)) {
      ++number;
      if (!inside && line.rfind("```toml", 0) == 0) {
        inside = true;
        start = number;
        block.clear();
      } else if (inside && line.rfind("```", 0) == 0) {
        inside = false;
        out.push_back({entry.path().filename(), start, block});
      } else if (inside) {
        block += line + "\n";
      }
    }
  }
  return out;
}

TEST(DocsExamples, EveryTomlExampleIsAValidScenario) {
  auto examples = toml_examples();
  EXPECT_GE(examples.size(), 2u);
  for (const Example& e : examples) {
    std::string path = "/tmp/iosim-doc-example-" + std::to_string(getpid()) + ".toml";
    std::ofstream(path) << e.text;
    auto r = run_iosim("check " + path);
    EXPECT_EQ(r.status, 0) << e.file << ":" << e.line << ": this example does not check:\n"
                           << r.err;
    std::remove(path.c_str());
  }
}

TEST(DocsExamples, TheDocumentedOverrideErrorIsWhatIosimPrints) {
  // docs/scenario-format.md shows this exact line for a bad --set value.
  auto r = run_iosim("check " + std::string(IOSIM_SOURCE_DIR) +
                     "/workloads/cpu-free-during-io/dma.toml --set machine.cores=2 "
                     "--set kernel.quantum=5mss");
  EXPECT_EQ(r.status, 2);
  const std::string expected =
      "--set:2:16: error: 'quantum': '5mss' is not a duration: unknown duration unit 'mss' "
      "(expected ns, us, ms or s)\n1 error\n";
  EXPECT_EQ(r.err, expected);
  EXPECT_NE(read_file(std::string(IOSIM_SOURCE_DIR) + "/docs/scenario-format.md").find(expected),
            std::string::npos)
      << "the documentation no longer shows what iosim prints";
}

}  // namespace
}  // namespace iosim
