// Building a source-folder submission with the fixed command: C and C++,
// a folder with nothing to build, compiler messages without the grader's
// temporary paths, and no reading of files outside the system's folders.
#include "grader/submission_build.h"

#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "grader/temp_folder.h"

namespace iosim::grader {
namespace {

using testing::TempFolder;

constexpr Ns kMinute = 60 * kSec;

std::string correct_policy() {
  return std::string(IOSIM_SOURCE_DIR) + "/grader/examples/mlfq/submissions/correct/policy.c";
}

TEST(SubmissionBuildTest, ACFolderBuildsIntoALibrary) {
  TempFolder source, work;
  std::filesystem::copy_file(correct_policy(), source.path() + "/policy.c");
  source.write("notes/readme.c", "this is not C, and it is in a subfolder: not built");
  const BuildResult b = build_submission(source.path(), work.path(), kMinute);
  ASSERT_TRUE(b.ok) << b.output;
  EXPECT_TRUE(std::filesystem::is_regular_file(b.library)) << b.library;
  EXPECT_FALSE(std::filesystem::exists(source.path() + "/policy.so"))
      << "the build happens in the grader's folder, not the student's";
}

TEST(SubmissionBuildTest, ACppFileIsBuiltAndLinkedAsCpp) {
  TempFolder source, work;
  source.write("helper.h", "#pragma once\n#include <vector>\nint twice(int x);\n");
  source.write("helper.cpp",
               "#include \"helper.h\"\nint twice(int x) { std::vector<int> v{x, x}; "
               "return v[0] + v[1]; }\n");
  source.write("policy.c",
               "#include <iosim/scheduler.h>\n#include <stddef.h>\nint twice(int x);\n"
               "static const iosim_policy_ops ops = {IOSIM_SCHED_ABI_VERSION, \"x\", NULL, NULL, "
               "NULL, NULL, NULL, NULL, NULL, NULL, NULL};\n"
               "const iosim_policy_ops* iosim_scheduler_policy(void) { return twice(1) ? &ops : "
               "NULL; }\n");
  const BuildResult b = build_submission(source.path(), work.path(), kMinute);
  EXPECT_TRUE(b.ok) << b.output;
}

TEST(SubmissionBuildTest, AFolderWithoutSourcesSaysSo) {
  TempFolder source, work;
  source.write("README.md", "nothing here");
  const BuildResult b = build_submission(source.path(), work.path(), kMinute);
  EXPECT_FALSE(b.ok);
  EXPECT_EQ(b.output, "no C or C++ source files (*.c, *.cpp) in " + source.path());
}

TEST(SubmissionBuildTest, CompilerMessagesDoNotNameTheGradersFolders) {
  TempFolder source, work;
  source.write("policy.c", "#include <iosim/scheduler.h>\nconst iosim_policy_op* x;\n");
  const BuildResult b = build_submission(source.path(), work.path(), kMinute);
  EXPECT_FALSE(b.ok);
  EXPECT_NE(b.output.find("policy.c:2:7: error: unknown type name 'iosim_policy_op'"),
            std::string::npos)
      << b.output;
  EXPECT_EQ(b.output.find(work.path()), std::string::npos) << b.output;
}

TEST(SubmissionBuildTest, ASourceCannotIncludeAFileOfTheGraders) {
  if (syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION) < 1)
    GTEST_SKIP() << "this kernel has no Landlock: builds are not confined";
  TempFolder secrets, source, work;
  const std::string hidden = secrets.write("hidden-case.toml", "name = \"zebra-secret\"\n");
  source.write("policy.c", "#include \"" + hidden + "\"\n");
  const BuildResult b = build_submission(source.path(), work.path(), kMinute);
  EXPECT_FALSE(b.ok);
  EXPECT_EQ(b.output.find("zebra"), std::string::npos) << b.output;
  EXPECT_NE(b.output.find("hidden-case.toml"), std::string::npos) << b.output;
}

}  // namespace
}  // namespace iosim::grader
