// The student SDK, as a student meets it: `cmake --install` the build into a
// prefix, copy sdk/, configure it with find_package(iosim), build the
// policy, run a scenario with it (in-process and sandboxed) and practise on
// the example assignment. Each step is a real command; a failure shows its
// output.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/run_iosim.h"

namespace iosim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;
using testing::run_shell;
using testing::shell_quoted;

// The ```cpp block of docs/student-guide.md: the C++ variant of a policy.
std::string guide_cpp_example() {
  std::istringstream in(
      testing::read_file(std::string(IOSIM_SOURCE_DIR) + "/docs/student-guide.md"));
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```cpp") {
      inside = true;
    } else if (inside && line.rfind("```", 0) == 0) {
      return block;
    } else if (inside) {
      block += line + "\n";
    }
  }
  return block;
}

// One prefix and one built SDK copy for every test: installing and
// configuring are the slow part.
class SdkTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("iosim-sdk-test-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    const fs::path build = fs::path(IOSIM_BINARY).parent_path();
    install_ =
        run_shell("cmake --install " + shell_quoted(build) + " --prefix " + shell_quoted(prefix()));
    if (install_.status != 0) return;
    fs::copy(fs::path(IOSIM_SOURCE_DIR) / "sdk", sdk(), fs::copy_options::recursive);
    fs::remove_all(sdk() / "build");  // a developer may have built the template in place
    build_ = run_shell("cmake -S " + shell_quoted(sdk()) + " -B " + shell_quoted(sdk() / "build") +
                       " -DCMAKE_PREFIX_PATH=" + shell_quoted(prefix()) +
                       " -DASSIGNMENT=" + shell_quoted(assignment()) + " && cmake --build " +
                       shell_quoted(sdk() / "build"));
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  void SetUp() override {
    ASSERT_EQ(install_.status, 0) << "cmake --install failed:\n" << install_.out;
    ASSERT_EQ(build_.status, 0) << "the SDK does not configure or build:\n" << build_.out;
  }

  static fs::path prefix() { return root_ / "prefix"; }
  static fs::path sdk() { return root_ / "my-policy"; }
  static fs::path library() { return sdk() / "build" / "libpolicy.so"; }
  static fs::path assignment() {
    return fs::path(IOSIM_SOURCE_DIR) / "grader/examples/mlfq/assignment.toml";
  }
  static std::string iosim() { return shell_quoted(prefix() / "bin" / "iosim"); }

  static fs::path root_;
  static CommandResult install_, build_;
};

fs::path SdkTest::root_;
CommandResult SdkTest::install_, SdkTest::build_;

TEST_F(SdkTest, InstallLaysOutTheBinariesTheHeaderAndThePackage) {
  for (const char* file : {"bin/iosim", "bin/iosim-policy-host", "include/iosim/scheduler.h",
                           "lib/cmake/iosim/iosimConfig.cmake",
                           "lib/cmake/iosim/iosimConfigVersion.cmake", "share/iosim/sdk/policy.c"})
    EXPECT_TRUE(fs::exists(prefix() / file)) << "cmake --install did not install " << file;
  EXPECT_EQ(testing::read_file(prefix() / "include/iosim/scheduler.h"),
            testing::read_file(std::string(IOSIM_SOURCE_DIR) + "/kernel/scheduler.h"));
}

TEST_F(SdkTest, TheInstalledHeaderCompilesAloneInCAndCpp) {
  const fs::path c = root_ / "alone.c", cpp = root_ / "alone.cpp";
  std::ofstream(c) << "#include <iosim/scheduler.h>\nint main(void) { return 0; }\n";
  std::ofstream(cpp) << "#include <iosim/scheduler.h>\n"
                        "struct P : iosim::sched::Policy {};\nint main() { return 0; }\n";
  const std::string include = " -I" + shell_quoted(prefix() / "include");
  auto r = run_shell("cc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only" + include + " " +
                     shell_quoted(c));
  EXPECT_EQ(r.status, 0) << "<iosim/scheduler.h> needs something else in C:\n" << r.out;
  r = run_shell("c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only" + include + " " +
                shell_quoted(cpp));
  EXPECT_EQ(r.status, 0) << "<iosim/scheduler.h> needs something else in C++:\n" << r.out;
}

// The template is a plain FIFO that runs each task until it blocks: the
// built-in fcfs policy. Same scenario, same schedule, same numbers.
TEST_F(SdkTest, TheTemplatePolicyRunsAScenarioAsTheBuiltInFcfsDoes) {
  const std::string run = iosim() + " run " +
                          shell_quoted(testing::workload("examples/kernel-tour.toml")) +
                          " --json --set kernel.policy=";
  const auto mine = run_shell(run + shell_quoted(library()));
  const auto fcfs = run_shell(run + "fcfs");
  ASSERT_EQ(mine.status, 0) << mine.out;
  ASSERT_EQ(fcfs.status, 0) << fcfs.out;
  const json a = json::parse(mine.out), b = json::parse(fcfs.out);
  EXPECT_EQ(a["kernel"]["policy"], "my-policy") << "the report names another policy";
  EXPECT_EQ(a["status"], "completed");
  EXPECT_EQ(a["threads"], b["threads"]) << "the template's schedule differs from fcfs's";
  EXPECT_EQ(a["metrics"], b["metrics"]);
}

TEST_F(SdkTest, TheInstalledIosimFindsItsPolicyHostForASandboxedRun) {
  const auto r = run_shell(iosim() + " run " +
                           shell_quoted(testing::workload("io-bound-work/threads-10.toml")) +
                           " --set kernel.policy=" + shell_quoted(library()) + " --json --sandbox");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(json::parse(r.out)["kernel"]["policy"], "my-policy");
}

TEST_F(SdkTest, ThePracticeTargetGradesTheVisibleCases) {
  const auto r = run_shell("cmake --build " + shell_quoted(sdk() / "build") + " --target practice");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("total "), std::string::npos) << "no score table:\n" << r.out;
}

TEST_F(SdkTest, TheStudentGuidesCppPolicyBuildsWithIosimAddPolicy) {
  const fs::path project = root_ / "cpp-policy";
  fs::create_directories(project);
  const std::string source = guide_cpp_example();
  ASSERT_FALSE(source.empty()) << "docs/student-guide.md has no ```cpp block";
  std::ofstream(project / "policy.cpp") << source;
  std::ofstream(project / "CMakeLists.txt")
      << "cmake_minimum_required(VERSION 3.20)\nproject(policy LANGUAGES CXX)\n"
         "find_package(iosim 0.1 REQUIRED)\niosim_add_policy(policy SOURCES policy.cpp)\n";
  auto r =
      run_shell("cmake -S " + shell_quoted(project) + " -B " + shell_quoted(project / "build") +
                " -DCMAKE_PREFIX_PATH=" + shell_quoted(prefix()) + " && cmake --build " +
                shell_quoted(project / "build"));
  ASSERT_EQ(r.status, 0) << r.out;
  r = run_shell(iosim() + " run " +
                shell_quoted(testing::workload("io-bound-work/threads-10.toml")) +
                " --set kernel.policy=" + shell_quoted(project / "build" / "libpolicy.so") +
                " --json --sandbox");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(json::parse(r.out)["status"], "completed");
}

}  // namespace
}  // namespace iosim
