// `iosim run --decisions`: the log a real run writes agrees with itself and
// with the report, and the reader takes exactly the documented format.
#include "grader/decision_log.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "grader/temp_folder.h"
#include "support/run_iosim.h"

namespace iosim::grader {
namespace {

using Kind = Decision::Kind;
using testing::run_iosim;
using testing::TempFolder;

TEST(DecisionLogTest, TheDocumentedExampleParses) {
  std::string error;
  const auto log = parse_decision_log(
      R"({"t":0,"ev":"ready","task":0,"reason":"arrived","name":"jobs/render"}
{"t":0,"ev":"pick","core":0,"task":0,"ready":[0,1]}
{"t":2000,"ev":"slice","core":0,"task":0,"slice_ns":10000000,"renew":false}
{"t":10002000,"ev":"end","core":0,"task":0,"start":2000,"why":"preempted"}
{"t":10002000,"ev":"pick","core":0,"task":null,"ready":[]}
)",
      &error);
  ASSERT_TRUE(log) << error;
  ASSERT_EQ(log->decisions.size(), 5u);
  EXPECT_EQ(log->name(0), "jobs/render");
  EXPECT_EQ(log->name(1), "task 1") << "a task the log never named";
  EXPECT_EQ(log->decisions[1].ready, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(log->decisions[2].slice_ns, 10'000'000);
  EXPECT_EQ(log->decisions[3].why, "preempted");
  EXPECT_EQ(log->decisions[4].task, kNoTask);
}

TEST(DecisionLogTest, AGarbledLineIsAnErrorButACutLastLineIsNot) {
  std::string error;
  EXPECT_FALSE(parse_decision_log("{\"t\":0,\"ev\":\"pick\"}\n", &error));
  EXPECT_TRUE(error.starts_with("line 1: ")) << error;
  EXPECT_FALSE(parse_decision_log("{\"t\":0,\"ev\":\"jump\",\"task\":1}\n", &error));
  EXPECT_EQ(error, "line 1: unknown event 'jump'");
  const auto cut = parse_decision_log(
      "{\"t\":0,\"ev\":\"ready\",\"task\":0,\"reason\":\"arrived\"}\n{\"t\":3,\"ev\":\"pi", &error);
  ASSERT_TRUE(cut) << "a run killed mid-write leaves half a line: " << error;
  EXPECT_EQ(cut->decisions.size(), 1u);
}

// A real run on two cores with I/O: every pick takes a task from its ready set,
// every dispatch follows its pick, and every finished thread's last slice ends in exit.
TEST(DecisionLogTest, ARealRunsLogAgreesWithItselfAndTheReport) {
  TempFolder folder;
  const std::string log_path = folder.path() + "/d.jsonl";
  const auto run = run_iosim("run " + testing::workload("scheduling-policies/mlfq.toml") +
                             " --set machine.cores=2 --json -q --decisions " + log_path);
  ASSERT_EQ(run.status, 0) << run.err;
  const auto report = nlohmann::json::parse(run.out);
  std::string error;
  const auto log = read_decision_log(log_path, &error);
  ASSERT_TRUE(log) << error;
  std::map<int, std::uint64_t> picked;  // per core, waiting for its slice
  std::map<std::uint64_t, std::string> last_end;
  std::int64_t t = 0;
  for (const Decision& d : log->decisions) {
    EXPECT_GE(d.t, t) << "decisions are in time order";
    t = d.t;
    if (d.kind == Kind::kPick && d.task != kNoTask) {
      EXPECT_NE(std::find(d.ready.begin(), d.ready.end(), d.task), d.ready.end())
          << "at " << d.t << " core " << d.core << " picked " << d.task << " outside its ready set";
      picked[d.core] = d.task;
    }
    if (d.kind == Kind::kSlice && !d.renew) {
      EXPECT_EQ(picked[d.core], d.task) << "a dispatch follows the pick at " << d.t;
      picked.erase(d.core);
    }
    if (d.kind == Kind::kEnd) last_end[d.task] = d.why;
  }
  const auto& threads = report["threads"];
  ASSERT_EQ(last_end.size(), threads.size());
  for (std::size_t id = 0; id < threads.size(); ++id) {
    EXPECT_EQ(log->name(id), threads[id]["process"].get<std::string>() + "/" +
                                 threads[id]["name"].get<std::string>());
    EXPECT_EQ(last_end[id], "exit") << log->name(id);
  }
}

TEST(DecisionLogTest, AnUnwritableLogIsBadInput) {
  const auto run = run_iosim("run " + testing::workload("scheduling-policies/mlfq.toml") +
                             " -q --decisions /nonexistent/folder/d.jsonl");
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("cannot write the decision log '/nonexistent/folder/d.jsonl'"),
            std::string::npos)
      << run.err;
}

}  // namespace
}  // namespace iosim::grader
