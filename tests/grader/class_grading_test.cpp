// Grading a whole class: the CSV is the same whatever the number of jobs and
// however the class is sharded, and a submission whose grading crashes, hangs
// or prints garbage costs that student an "error" row, never the class run.
//
// Most tests stand a small fake in for `iosim grade --format json` (a shell
// script printing the JSON each submission folder holds) so they can make the
// child misbehave on purpose and run in a second; the last ones grade the
// example submissions with the real grader.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "grader/class_grader.h"
#include "grader/class_table.h"
#include "support/run_iosim.h"

namespace iosim::grader {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_iosim;

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// The JSON result the contract promises, for a student whose two cases
// scored `one` and `two` out of 5 each.
std::string result(const std::string& student, double one, double two) {
  return "{\"assignment\": \"fake\", \"submission\": \"" + student +
         "\", \"status\": \"graded\", \"score\": " + std::to_string(one + two) +
         ", \"max_score\": 10, \"cases\": [{\"name\": \"first\", \"score\": " +
         std::to_string(one) +
         ", \"max_score\": 5, \"status\": \"passed\"}, {\"name\": \"second\", \"score\": " +
         std::to_string(two) + ", \"max_score\": 5, \"status\": \"failed\"}]}";
}

class ClassGradingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("iosim-class-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "class");
    // A valid assignment with two cases: the CSV's columns come from it.
    const std::string scenario =
        std::string(IOSIM_SOURCE_DIR) + "/workloads/cpu-free-during-io/dma.toml";
    write(dir_ / "assignment.toml",
          "name = \"fake\"\ntitle = \"Fake\"\npolicy = \"fcfs\"\n"
          "[reference]\npolicy = \"fcfs\"\n"
          "[[case]]\nname = \"first\"\nscenario = \"" +
              scenario +
              "\"\n"
              "[[case.check]]\nkind = \"valid\"\npoints = 5\n"
              "[[case]]\nname = \"second\"\nscenario = \"" +
              scenario +
              "\"\n"
              "[[case.check]]\nkind = \"valid\"\npoints = 5\n");
    // The fake grader: runs the submission folder's `grade.sh` if it has
    // one (to misbehave), else prints its result.json.
    write(dir_ / "fake-iosim",
          "#!/bin/sh\n"
          "while [ $# -gt 0 ]; do [ \"$1\" = --submission ] && s=\"$2\"; shift; done\n"
          "[ -f \"$s/grade.sh\" ] && exec sh \"$s/grade.sh\"\n"
          "cat \"$s/result.json\"\n");
    chmod((dir_ / "fake-iosim").c_str(), 0755);
    for (const std::string name : {"carol", "alice", "dave", "bob", "erin"})
      write(dir_ / "class" / name / "result.json",
            result(name, static_cast<double>(name.size()), 2.5));
  }
  void TearDown() override { fs::remove_all(dir_); }

  ClassOptions options(const std::string& csv, int jobs = 1) {
    ClassOptions o;
    o.submissions = dir_ / "class";
    o.assignment = dir_ / "assignment.toml";
    o.output = (dir_ / csv).string();
    o.jobs = jobs;
    o.iosim = (dir_ / "fake-iosim").string();
    o.quiet = true;
    return o;
  }

  fs::path dir_;
};

TEST(ClassTable, QuotesFieldsAndReadsThemBack) {
  ClassTable table({"student", "status", "score", "max_score", "case, with comma"});
  table.add({"zed", "graded", "1", "2", "1"});
  table.add({"al \"the\" pal", "error", "", "", ""});
  const std::string csv = table.csv();
  EXPECT_EQ(csv,
            "student,status,score,max_score,\"case, with comma\"\n"
            "\"al \"\"the\"\" pal\",error,,,\n"
            "zed,graded,1,2,1\n")
      << "rows are sorted by student and fields quoted as RFC 4180 says";
  EXPECT_EQ(ClassTable::parse(csv, "t.csv").csv(), csv) << "a CSV does not read back as itself";
}

TEST(ClassTable, MergeRefusesAnotherHeaderAndAStudentTwice) {
  ClassTable a({"student", "status", "score", "max_score", "one"});
  a.add({"alice", "graded", "1", "1", "1"});
  ClassTable other({"student", "status", "score", "max_score", "two"});
  EXPECT_THROW(a.merge(other, "other.csv"), std::runtime_error) << "merged another assignment";
  ClassTable again({"student", "status", "score", "max_score", "one"});
  again.add({"alice", "graded", "1", "1", "1"});
  EXPECT_THROW(a.merge(again, "again.csv"), std::runtime_error) << "merged alice twice";
}

TEST(ClassTable, ParseNamesTheLineOfABadRow) {
  try {
    ClassTable::parse("student,status,score,max_score\nalice,graded,1\n", "shard.csv");
    FAIL() << "a short row was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "shard.csv:2: 3 fields where the header has 4");
  }
}

TEST(Shard, ParsesIOfN) {
  int i = 0, n = 0;
  EXPECT_TRUE(parse_shard("2/3", i, n));
  EXPECT_EQ(i, 2);
  EXPECT_EQ(n, 3);
  for (const char* bad : {"0/3", "4/3", "1/0", "1", "1/2x", "a/b", "-1/2"})
    EXPECT_FALSE(parse_shard(bad, i, n)) << "accepted --shard " << bad;
}

TEST_F(ClassGradingTest, StudentsAreFoldersAndLibrariesInNameOrder) {
  write(dir_ / "class" / "frank.so", "");
  write(dir_ / "class" / ".hidden" / "result.json", "{}");
  write(dir_ / "class" / "notes.txt", "");
  std::string names;
  for (const Student& s : find_students(dir_ / "class"))
    names += s.name + " ";
  EXPECT_EQ(names, "alice bob carol dave erin frank ");
}

TEST_F(ClassGradingTest, TheCsvHasARowPerStudentAndAColumnPerCase) {
  ASSERT_EQ(grade_class(options("class.csv")), 0);
  EXPECT_EQ(read_file(dir_ / "class.csv"),
            "student,status,score,max_score,first,second\n"
            "alice,graded,7.5,10,5,2.5\n"
            "bob,graded,5.5,10,3,2.5\n"
            "carol,graded,7.5,10,5,2.5\n"
            "dave,graded,6.5,10,4,2.5\n"
            "erin,graded,6.5,10,4,2.5\n");
}

TEST_F(ClassGradingTest, MoreJobsGiveTheSameCsv) {
  ASSERT_EQ(grade_class(options("one.csv", 1)), 0);
  ASSERT_EQ(grade_class(options("three.csv", 3)), 0);
  EXPECT_EQ(read_file(dir_ / "three.csv"), read_file(dir_ / "one.csv"));
}

TEST_F(ClassGradingTest, ShardsMergeIntoTheWholeClassCsv) {
  ASSERT_EQ(grade_class(options("all.csv")), 0);
  std::vector<std::string> parts;
  for (int i = 1; i <= 3; ++i) {
    ClassOptions o = options("part" + std::to_string(i) + ".csv");
    o.shard = i;
    o.shards = 3;
    ASSERT_EQ(grade_class(o), 0);
    parts.push_back(o.output);
  }
  // Shard 1 of 3 has the students at sorted index 0 and 3: alice and dave.
  EXPECT_EQ(read_file(parts[0]),
            "student,status,score,max_score,first,second\n"
            "alice,graded,7.5,10,5,2.5\n"
            "dave,graded,6.5,10,4,2.5\n");
  ASSERT_EQ(merge_class_csvs({parts[2], parts[0], parts[1]}, (dir_ / "merged.csv").string()), 0);
  EXPECT_EQ(read_file(dir_ / "merged.csv"), read_file(dir_ / "all.csv"));
}

TEST_F(ClassGradingTest, AGraderThatCrashesHangsOrPrintsGarbageIsThatStudentsError) {
  write(dir_ / "class" / "bob" / "grade.sh", "echo 'not json'\n");
  write(dir_ / "class" / "carol" / "grade.sh", "echo 'about to crash' >&2; kill -SEGV $$\n");
  write(dir_ / "class" / "dave" / "grade.sh", "sleep 30\n");
  ClassOptions o = options("class.csv", 2);
  o.timeout = std::chrono::seconds(1);
  o.json_dir = dir_ / "json";
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(grade_class(o), 0) << "one student's failure failed the class";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10))
      << "the hanging grader was not killed at its deadline";
  EXPECT_EQ(read_file(dir_ / "class.csv"),
            "student,status,score,max_score,first,second\n"
            "alice,graded,7.5,10,5,2.5\n"
            "bob,error,,,,\n"
            "carol,error,,,,\n"
            "dave,error,,,,\n"
            "erin,graded,6.5,10,4,2.5\n");
  EXPECT_NE(read_file(dir_ / "json" / "carol.json").find("was killed by signal 11"),
            std::string::npos)
      << read_file(dir_ / "json" / "carol.json");
  EXPECT_NE(read_file(dir_ / "json" / "dave.json").find("timed out after 1 s and was killed"),
            std::string::npos)
      << read_file(dir_ / "json" / "dave.json");
}

TEST_F(ClassGradingTest, ABadAssignmentStopsBeforeGradingAnyone) {
  write(dir_ / "assignment.toml", "name = \"fake\"\n[[case]]\nname = 3\n");
  EXPECT_EQ(grade_class(options("class.csv")), 2);
  EXPECT_FALSE(fs::exists(dir_ / "class.csv"));
}

// The real grader on a class made of example submissions: a correct one, a
// subtly wrong one, one that does not compile and one that crashes.
TEST(ClassGradingEndToEnd, JobsAndShardsGiveTheSameCsvAsOneAtATime) {
  const fs::path dir = fs::temp_directory_path() / ("iosim-class-e2e-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "class");
  const fs::path example = fs::path(IOSIM_SOURCE_DIR) / "grader/examples/mlfq";
  for (const char* s : {"correct", "no-boost", "does-not-compile", "segfault"})
    fs::copy(example / "submissions" / s, dir / "class" / s, fs::copy_options::recursive);
  const std::string common = "grade --submissions '" + (dir / "class").string() +
                             "' --assignment '" + (example / "assignment.toml").string() + "' ";
  auto grade = [&](const std::string& args, const std::string& csv) {
    const auto r = run_iosim(common + args + " -o '" + (dir / csv).string() + "'");
    EXPECT_EQ(r.status, 0) << r.err;
    return read_file(dir / csv);
  };
  const std::string one = grade("--jobs 1", "one.csv");
  EXPECT_EQ(one.substr(0, one.find("\nno-boost")),
            "student,status,score,max_score,three-jobs,io-and-cpu,two-cores,starvation,"
            "hidden-cpu-mix,hidden-interactive\n"
            "correct,graded,62,62,10,10,10,12,10,10\n"
            "does-not-compile,ungradable,0,62,0,0,0,0,0,0")
      << one;
  EXPECT_NE(one.find("\nsegfault,graded,0,62,"), std::string::npos) << one;
  EXPECT_EQ(grade("--jobs 2", "two.csv"), one) << "--jobs 2 changed the CSV";
  grade("--jobs 2 --shard 1/2", "shard1.csv");
  grade("--jobs 2 --shard 2/2", "shard2.csv");
  const auto merged = run_iosim("grade merge '" + (dir / "shard2.csv").string() + "' '" +
                                (dir / "shard1.csv").string() + "'");
  EXPECT_EQ(merged.status, 0) << merged.err;
  EXPECT_EQ(merged.out, one) << "the merged shards differ from the whole class";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace iosim::grader
