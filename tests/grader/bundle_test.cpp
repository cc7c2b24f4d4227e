// `iosim grade bundle`: the Gradescope autograder. The listing and modes are
// checked cheaply; the real check unpacks the zip into a folder laid out like
// Gradescope's /autograder, runs setup.sh's build (packages are installed
// already) and run_autograder on the example's correct submission, and reads
// results.json as Gradescope would.
#include <gtest/gtest.h>
#include <unistd.h>
#include <cstdlib>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_iosim.h"

namespace iosim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;
using testing::read_file;
using testing::run_iosim;
using testing::run_shell;
using testing::shell_quoted;

const fs::path kExample = fs::path(IOSIM_SOURCE_DIR) / "grader/examples/mlfq";

// One bundle for every test.
class BundleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("iosim-bundle-test-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    made_ = run_iosim("grade bundle --assignment " + shell_quoted(kExample / "assignment.toml") +
                      " -o " + shell_quoted(zip()));
    if (made_.status == 0) listing_ = run_shell("unzip -Z " + shell_quoted(zip()));
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  void SetUp() override {
    ASSERT_EQ(made_.status, 0) << "iosim grade bundle failed:\n" << made_.err;
    if (listing_.status != 0) GTEST_SKIP() << "unzip is not installed: " << listing_.out;
  }

  static fs::path zip() { return root_ / "autograder.zip"; }
  // The line of `unzip -Z` (zipinfo) for `name`: its mode comes first.
  static std::string entry(const std::string& name) {
    const std::string suffix = " " + name + "\n";
    std::size_t at = listing_.out.find(suffix);
    if (at == std::string::npos) return "";
    const std::size_t start = listing_.out.rfind('\n', at) + 1;
    return listing_.out.substr(start, at + suffix.size() - 1 - start);
  }

  static fs::path root_;
  static testing::CommandResult made_;
  static CommandResult listing_;
};

fs::path BundleTest::root_;
testing::CommandResult BundleTest::made_;
CommandResult BundleTest::listing_;

TEST_F(BundleTest, HoldsTheScriptsTheSourceAndTheAssignment) {
  for (const char* name : {"setup.sh", "run_autograder", "iosim/CMakeLists.txt",
                           "iosim/kernel/scheduler.h", "iosim/scripts/setup-deps.sh",
                           "iosim/grader/gradescope/run_autograder", "assignment/assignment.toml"})
    EXPECT_NE(entry(name), "") << "the bundle has no " << name << ":\n" << listing_.out;
  EXPECT_EQ(listing_.out.find(" assignment/submissions/"), std::string::npos)
      << "the example submissions (answers among them) went into the bundle";
  EXPECT_EQ(listing_.out.find(" iosim/build"), std::string::npos) << "a build tree was bundled";
}

TEST_F(BundleTest, TheScriptsAreExecutable) {
  EXPECT_EQ(entry("run_autograder").substr(0, 10), "-rwxr-xr-x") << entry("run_autograder");
  EXPECT_EQ(entry("setup.sh").substr(0, 10), "-rwxr-xr-x") << entry("setup.sh");
  EXPECT_EQ(entry("assignment/assignment.toml").substr(0, 10), "-rw-r--r--");
}

TEST_F(BundleTest, RunAutograderNamesTheAssignmentFile) {
  const auto r = run_shell("unzip -p " + shell_quoted(zip()) + " run_autograder");
  EXPECT_NE(r.out.find("assignment=\"$root/source/assignment/assignment.toml\""), std::string::npos)
      << r.out;
}

TEST_F(BundleTest, TheSameInputsMakeTheSameZip) {
  const fs::path again = root_ / "again.zip";
  ASSERT_EQ(run_iosim("grade bundle --assignment " + shell_quoted(kExample / "assignment.toml") +
                      " -o " + shell_quoted(again))
                .status,
            0);
  EXPECT_TRUE(read_file(again) == read_file(zip()))
      << "two bundles of the same tree differ: something depends on the clock or the order";
}

TEST(Bundle, RefusesAnAssignmentWhoseFilesAreOutsideItsFolder) {
  const fs::path dir =
      fs::temp_directory_path() / ("iosim-bundle-outside-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string scenario = testing::workload("io-bound-work/threads-10.toml");
  std::ofstream(dir / "assignment.toml")
      << "name = \"outside\"\n[reference]\npolicy = \"fcfs\"\n[[case]]\nname = \"one\"\n"
      << "scenario = \"" << scenario << "\"\n[[case.check]]\nkind = \"valid\"\npoints = 1\n";
  const auto r = run_iosim("grade bundle --assignment " + shell_quoted(dir / "assignment.toml") +
                           " -o " + shell_quoted(dir / "autograder.zip"));
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("the scenario of case 'one' '" + scenario +
                       "' is outside the assignment's folder"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "autograder.zip")) << "a bundle that cannot grade was written";
  fs::remove_all(dir);
}

// Gradescope: unpack into /autograder/source, run setup.sh once, put the
// student's files in /autograder/submission, run run_autograder, read
// /autograder/results/results.json. Here /autograder is a temp folder.
TEST_F(BundleTest, SetupBuildsIosimAndRunAutograderGivesTheCorrectSubmissionFullMarks) {
  // It builds iosim again from the bundled source: minutes on 2 cores, too
  // long for every test run. CI and release checks set IOSIM_SLOW_TESTS=1.
  if (std::getenv("IOSIM_SLOW_TESTS") == nullptr)
    GTEST_SKIP() << "builds iosim from the bundle (minutes): set IOSIM_SLOW_TESTS=1 to run it";
  const fs::path autograder = root_ / "autograder";
  const fs::path source = autograder / "source";
  fs::create_directories(source);
  const auto unzip = run_shell("unzip -q " + shell_quoted(zip()) + " -d " + shell_quoted(source));
  ASSERT_EQ(unzip.status, 0) << unzip.out;
  fs::copy(kExample / "submissions/correct", autograder / "submission",
           fs::copy_options::recursive);
  // The packages are installed; ccache (if present) makes a rebuild cheap,
  // and CCACHE_BASEDIR lets it recognise this temp folder's files next time.
  std::string env = "IOSIM_AUTOGRADER_ROOT=" + shell_quoted(autograder) + " IOSIM_SKIP_DEPS=1";
  if (run_shell("command -v ccache").status == 0)
    env += " CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR=" +
           shell_quoted(root_) + " CCACHE_NOHASHDIR=1";
  const auto setup =
      run_shell("cd " + shell_quoted(source) + " && env " + env + " bash ./setup.sh");
  ASSERT_EQ(setup.status, 0) << "setup.sh failed:\n" << setup.out;
  ASSERT_TRUE(fs::exists(source / "iosim/build/iosim-policy-host"))
      << "setup.sh built iosim without its policy host";

  const auto run = run_shell("cd " + shell_quoted(autograder) + " && env " + env + " " +
                             shell_quoted(source / "run_autograder"));
  EXPECT_EQ(run.status, 0) << run.out;
  const std::string text = read_file(autograder / "results/results.json");
  ASSERT_FALSE(text.empty()) << "run_autograder wrote no results.json:\n" << run.out;
  const json results = json::parse(text);
  double max = 0;
  for (const json& t : results["tests"])
    max += t["max_score"].get<double>();
  EXPECT_GT(max, 0) << text;
  EXPECT_EQ(results["score"].get<double>(), max)
      << "the correct submission lost points inside the bundle:\n"
      << text;
}

}  // namespace
}  // namespace iosim
