// Every input the fuzzers (fuzz/, scripts/fuzz.sh) ever crashed on, or hung
// on, is kept in tests/fuzz_regressions/{loader,parser}/ once fixed. Here
// each goes through the loader or the parser of the normal build, read as
// the fuzzer reads it, and must come back as a scenario or as errors with
// positions: a crash fails the test (CTest runs each test in its own process).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/program_parser.h"
#include "app/scenario_loader.h"
#include "fuzz/scenario_input.h"

namespace iosim {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> inputs(const std::string& kind) {
  std::vector<std::string> files;
  const fs::path dir = fs::path(IOSIM_SOURCE_DIR) / "tests" / "fuzz_regressions" / kind;
  if (!fs::is_directory(dir)) return files;  // none found yet
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int lines_in(const std::string& text) {
  return 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// A test name from a file name: letters and digits only.
std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = fs::path(info.param).filename().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

class LoaderRegression : public ::testing::TestWithParam<std::string> {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(LoaderRegression);

TEST_P(LoaderRegression, GivesAScenarioOrErrorsWithPositions) {
  const std::string text = contents(GetParam());
  const LoadResult result = load_scenario_text(text, GetParam(), fuzz::overrides_in(text));
  EXPECT_NE(result.scenario.has_value(), !result.errors.empty())
      << "a load must give a scenario or errors, not both nor neither";
  for (const Diagnostic& d : result.errors) {
    EXPECT_FALSE(d.message.empty()) << d.format();
    if (d.file == GetParam()) {
      EXPECT_LE(d.line, lines_in(text)) << "past the end: " << d.format();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(FuzzRegressions, LoaderRegression, ::testing::ValuesIn(inputs("loader")),
                         test_name);

class ParserRegression : public ::testing::TestWithParam<std::string> {};
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ParserRegression);

TEST_P(ParserRegression, GivesAProgramOrErrorsWithPositions) {
  const std::string text = contents(GetParam());
  const ParsedProgram parsed = parse_program(text);
  for (const ProgramError& e : parsed.errors) {
    EXPECT_FALSE(e.message.empty()) << "error at " << e.line << ":" << e.column;
    EXPECT_GE(e.column, 1) << e.message;
    EXPECT_TRUE(e.line >= 1 && e.line <= lines_in(text))
        << "line " << e.line << " of " << lines_in(text) << ": " << e.message;
  }
  if (!parsed.errors.empty()) return;
  const std::vector<Op>& ops = parsed.program.ops;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].kind != OpKind::kRepeatBegin) continue;
    ASSERT_LT(ops[i].jump, ops.size()) << "step " << i << "'s loop ends past the program";
    EXPECT_EQ(ops[ops[i].jump].kind, OpKind::kRepeatEnd) << "step " << i;
    EXPECT_EQ(ops[ops[i].jump].jump, i) << "step " << i << "'s loop end points elsewhere";
  }
}

INSTANTIATE_TEST_SUITE_P(FuzzRegressions, ParserRegression, ::testing::ValuesIn(inputs("parser")),
                         test_name);

}  // namespace
}  // namespace iosim
