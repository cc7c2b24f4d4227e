// Documentation is part of the feature: every TOML example in docs/ must be
// a scenario `iosim check` accepts, and documented outputs must be real.
#include <gtest/gtest.h>

#include <algorithm>
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

// Every fenced block of the docs whose info string is `info`.
std::vector<Example> fenced_blocks(const std::string& info) {
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
      if (!inside && line == "```" + info) {
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
  auto examples = fenced_blocks("toml");
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

// A ```console block shows one command ("$ iosim ...") and its exact
// output: a newcomer who runs it from the checkout gets the same text.
TEST(DocsExamples, EveryConsoleBlockPrintsWhatTheDocsShow) {
  for (const Example& e : fenced_blocks("console")) {
    const std::size_t eol = e.text.find('\n');
    const std::string command = e.text.substr(0, eol);
    ASSERT_EQ(command.rfind("$ iosim ", 0), 0u)
        << e.file << ":" << e.line << ": a console block starts with '$ iosim ...'";
    auto r = run_iosim(command.substr(8), IOSIM_SOURCE_DIR);
    const std::string expected = e.text.substr(eol + 1);
    if (r.out == expected) continue;
    std::size_t at = 0;
    while (at < expected.size() && at < r.out.size() && expected[at] == r.out[at])
      ++at;
    const auto line = e.line + 1 + std::count(expected.begin(), expected.begin() + at, '\n');
    ADD_FAILURE() << e.file << ":" << line << ": '" << command
                  << "' prints something else from here:\n  docs:   " << expected.substr(at, 70)
                  << "\n  iosim:  " << r.out.substr(at, 70) << "\n(exit status " << r.status << ")";
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
