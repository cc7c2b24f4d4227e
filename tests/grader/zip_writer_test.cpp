// The bundle's zip writer: real unzip tools must read what it writes, with
// the contents, names and Unix modes intact.
#include "grader/zip_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/run_iosim.h"

namespace iosim::grader {
namespace {

namespace fs = std::filesystem;

bool have(const std::string& tool) {
  return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command and returns its stdout, or "exit N" when it fails.
std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  const int status = pclose(pipe);
  return status == 0 ? out : out + "exit " + std::to_string(status);
}

class ZipWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("iosim-zip-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A small archive with what a bundle holds: a script, nested text, binary
  // bytes (NULs, high bytes) and an empty file.
  fs::path write_sample(const std::string& name) {
    const fs::path path = dir_ / name;
    ZipWriter zip(path);
    zip.add("run_autograder", "#!/bin/sh\necho hi\n", 0755);
    zip.add("iosim/kernel/scheduler.h", "/* header */\n");
    zip.add("data/binary.bin", std::string("\0\x01\xff\x80zip", 7));
    zip.add("data/empty.txt", "");
    zip.finish();
    return path;
  }

  fs::path dir_;
};

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u) << "the CRC-32 check value of \"123456789\"";
  EXPECT_EQ(crc32(""), 0u);
}

TEST_F(ZipWriterTest, TheSameEntriesMakeTheSameBytes) {
  const auto a = testing::read_file(write_sample("a.zip"));
  const auto b = testing::read_file(write_sample("b.zip"));
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b) << "two archives of the same files differ: something depends on the clock";
}

TEST_F(ZipWriterTest, UnzipTestsTheArchiveAndRestoresTheExecutableBit) {
  if (!have("unzip")) GTEST_SKIP() << "unzip is not installed";
  const fs::path zip = write_sample("sample.zip");
  const std::string tested = shell("unzip -t '" + zip.string() + "' 2>&1");
  EXPECT_NE(tested.find("No errors detected"), std::string::npos) << tested;
  const fs::path out = dir_ / "out";
  ASSERT_EQ(shell("unzip -q '" + zip.string() + "' -d '" + out.string() + "' 2>&1"), "");
  EXPECT_EQ(testing::read_file(out / "data/binary.bin"), std::string("\0\x01\xff\x80zip", 7));
  EXPECT_EQ(testing::read_file(out / "iosim/kernel/scheduler.h"), "/* header */\n");
  EXPECT_TRUE(fs::exists(out / "data/empty.txt"));
  const auto perms = fs::status(out / "run_autograder").permissions();
  EXPECT_NE(perms & fs::perms::owner_exec, fs::perms::none)
      << "unzip did not restore run_autograder's executable bit (external attributes)";
  EXPECT_EQ(fs::status(out / "data/empty.txt").permissions() & fs::perms::owner_exec,
            fs::perms::none);
}

TEST_F(ZipWriterTest, PythonZipfileReadsNamesModesAndContents) {
  if (!have("python3")) GTEST_SKIP() << "python3 is not installed";
  const fs::path zip = write_sample("sample.zip");
  // testzip() checks every CRC; the listing shows name, Unix mode and size.
  const std::string script =
      "import sys, zipfile\n"
      "z = zipfile.ZipFile(sys.argv[1])\n"
      "assert z.testzip() is None, z.testzip()\n"
      "for i in z.infolist():\n"
      "    print(i.filename, oct(i.external_attr >> 16), i.file_size, i.compress_type)\n";
  const fs::path py = dir_ / "read.py";
  std::FILE* f = std::fopen(py.c_str(), "w");
  std::fputs(script.c_str(), f);
  std::fclose(f);
  EXPECT_EQ(shell("python3 '" + py.string() + "' '" + zip.string() + "' 2>&1"),
            "run_autograder 0o100755 18 0\n"
            "iosim/kernel/scheduler.h 0o100644 13 0\n"
            "data/binary.bin 0o100644 7 0\n"
            "data/empty.txt 0o100644 0 0\n");
}

TEST_F(ZipWriterTest, RefusesNamesThatWouldUnpackOutsideTheTargetFolder) {
  ZipWriter zip(dir_ / "bad.zip");
  for (const char* name : {"/etc/passwd", "../up.txt", "a/../../up.txt", "a//b", "a/"})
    EXPECT_THROW(zip.add(name, "x"), std::invalid_argument) << "accepted '" << name << "'";
}

}  // namespace
}  // namespace iosim::grader
