// The bad-scenario corpus (tests/bad_scenarios/): malformed scenarios, each
// next to the exact stderr `iosim check` must print for it (its .err file),
// run from the corpus folder so that paths in messages are relative. A
// student reads these messages at 2 a.m.: a change to one is a change to
// review, and IOSIM_UPDATE_GOLDEN=1 rewrites the .err files for that review.
// A case that needs overrides says so in its first line: "# args: --set ...".
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_iosim.h"

namespace iosim {
namespace {

using testing::read_file;
using testing::run_iosim;

const std::string kCorpus = std::string(IOSIM_SOURCE_DIR) + "/tests/bad_scenarios";
const std::string kArgsPrefix = "# args: ";

// The cases' file names ("01-empty-file.toml"), in order.
std::vector<std::string> corpus_files() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path().filename());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string stem(const std::string& file) {
  return file.substr(0, file.rfind('.'));
}

// The command-line arguments a case carries in its first line, or "".
std::string extra_args(const std::string& file) {
  std::istringstream in(read_file(kCorpus + "/" + file));
  std::string first;
  std::getline(in, first);
  return first.starts_with(kArgsPrefix) ? first.substr(kArgsPrefix.size()) : std::string();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

// Where two texts part, with both shown, so a failure says what changed.
std::string difference(const std::string& expected, const std::string& actual) {
  std::size_t at = 0;
  while (at < expected.size() && at < actual.size() && expected[at] == actual[at])
    ++at;
  const auto line =
      1 + std::count(expected.begin(), expected.begin() + static_cast<long>(at), '\n');
  return "first difference on line " + std::to_string(line) + "\n--- expected (the .err file):\n" +
         expected + "--- actual stderr:\n" + actual +
         "If the new message is better, review it and regenerate with IOSIM_UPDATE_GOLDEN=1.";
}

class BadScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(BadScenario, CheckExitsWith2AndPrintsTheGoldenMessage) {
  const std::string file = GetParam();
  const std::string golden = kCorpus + "/" + stem(file) + ".err";
  const auto r = run_iosim("check " + file + " " + extra_args(file), kCorpus);
  ASSERT_NE(r.status, 1) << file << ": iosim check failed with an internal error:\n" << r.err;
  ASSERT_NE(r.status, -1) << file << ": iosim check was killed by a signal:\n" << r.err;
  ASSERT_EQ(r.status, 2) << file << ": a bad scenario must exit with status 2:\n" << r.err;
  EXPECT_EQ(r.out, "") << file << ": errors go to stderr only";
  if (std::getenv("IOSIM_UPDATE_GOLDEN")) {
    std::ofstream(golden, std::ios::binary) << r.err;
    return;
  }
  const std::string expected = read_file(golden);
  ASSERT_FALSE(expected.empty()) << golden << " is missing: run with IOSIM_UPDATE_GOLDEN=1";
  EXPECT_TRUE(r.err == expected) << file << ": " << difference(expected, r.err);
}

// `run` checks like `check` does and stops before building the machine: the
// same messages (without the count), no report, nothing simulated.
TEST_P(BadScenario, RunExitsWith2WithoutSimulating) {
  const std::string file = GetParam();
  const auto r = run_iosim("run --quiet " + file + " " + extra_args(file), kCorpus);
  ASSERT_NE(r.status, 1) << file << ": iosim run failed with an internal error:\n" << r.err;
  ASSERT_NE(r.status, -1) << file << ": iosim run was killed by a signal:\n" << r.err;
  EXPECT_EQ(r.status, 2) << file << ": a bad scenario must exit with status 2:\n" << r.err;
  EXPECT_EQ(r.out, "") << file << ": a bad scenario prints no report";
  std::vector<std::string> expected = lines_of(read_file(kCorpus + "/" + stem(file) + ".err"));
  if (!expected.empty()) expected.pop_back();  // "N errors" is check's summary
  EXPECT_EQ(lines_of(r.err), expected) << file << ": run and check disagree";
}

// Every line names where the problem is: the case's file (or the --set
// override) with a line and a column, then what is wrong; the last line
// counts them.
TEST_P(BadScenario, EveryMessageNamesTheFileLineAndColumn) {
  const std::string file = GetParam();
  const std::vector<std::string> lines = lines_of(read_file(kCorpus + "/" + stem(file) + ".err"));
  ASSERT_GE(lines.size(), 2u) << file << ": expected at least one message and the count";
  const std::string where = extra_args(file).empty() ? file : file + "|--set";
  const std::regex message("(" + std::regex_replace(where, std::regex("[.]"), "[.]") +
                           "):[1-9][0-9]*:[1-9][0-9]*: error: .+");
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_TRUE(std::regex_match(lines[i], message))
        << file << ": this line does not start with '" << file << ":LINE:COLUMN: error: '\n"
        << lines[i];
  }
  const std::size_t count = lines.size() - 1;
  EXPECT_EQ(lines.back(), std::to_string(count) + (count == 1 ? " error" : " errors"))
      << file << ": the last line counts the messages";
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = stem(info.param);
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadScenario, ::testing::ValuesIn(corpus_files()), test_name);

// The corpus's own rules: numbered, described, each with its golden file.
TEST(BadScenarioCorpus, EachCaseIsNumberedDescribedAndHasItsGoldenFile) {
  const std::vector<std::string> files = corpus_files();
  EXPECT_GE(files.size(), 50u);
  std::set<std::string> numbers;
  const std::regex name("([0-9]{2})-[a-z0-9]+(-[a-z0-9]+)*[.]toml");
  for (const std::string& file : files) {
    std::smatch match;
    EXPECT_TRUE(std::regex_match(file, match, name)) << file << ": expected NN-what-is-wrong.toml";
    if (!match.empty()) {
      EXPECT_TRUE(numbers.insert(match[1]).second) << file << ": number " << match[1] << " twice";
    }
    EXPECT_TRUE(std::filesystem::exists(kCorpus + "/" + stem(file) + ".err"))
        << file << " has no .err file: run with IOSIM_UPDATE_GOLDEN=1";
    const std::string text = read_file(kCorpus + "/" + file);
    // An empty file is a case of its own, and cannot say so.
    if (!text.empty()) {
      EXPECT_TRUE(text.starts_with("# "))
          << file << ": start with a '#' comment saying what is wrong";
    }
  }
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
    const std::string file = entry.path().filename();
    EXPECT_TRUE(entry.path().extension() != ".err" ||
                std::filesystem::exists(kCorpus + "/" + stem(file) + ".toml"))
        << file << " belongs to no case";
  }
}

// docs/scenario-format.md quotes some cases' messages: they must be what
// iosim prints for those cases.
TEST(BadScenarioCorpus, TheMessagesTheDocsQuoteAreTheCorpussOwn) {
  const std::string docs = read_file(std::string(IOSIM_SOURCE_DIR) + "/docs/scenario-format.md");
  const std::regex quoted("([0-9]{2}-[a-z0-9-]+[.]toml):[0-9]+:[0-9]+: error: [^\n]*");
  int found = 0;
  for (auto it = std::sregex_iterator(docs.begin(), docs.end(), quoted);
       it != std::sregex_iterator(); ++it, ++found) {
    const std::string golden = read_file(kCorpus + "/" + stem((*it)[1]) + ".err");
    ASSERT_FALSE(golden.empty()) << "docs/scenario-format.md quotes " << (*it)[1]
                                 << ", which is not in the corpus (renumbered?)";
    EXPECT_NE(golden.find(it->str() + "\n"), std::string::npos)
        << "docs/scenario-format.md shows a message iosim does not print for " << (*it)[1] << ":\n"
        << it->str() << "\niosim prints:\n"
        << golden;
  }
  EXPECT_GE(found, 2) << "the section 'When a scenario is wrong' quotes two cases";
}

}  // namespace
}  // namespace iosim
