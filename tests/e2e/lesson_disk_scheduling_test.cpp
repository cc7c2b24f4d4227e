// workloads/disk-scheduling end to end: the textbook queue (98, 183, 37,
// 122, 14, 124, 65, 67, head on 53), scaled by 10 to the HP 97560's 1962
// cylinders, under the disk firmware's FCFS, SSTF and LOOK. Each request is
// one thread, so the order of the threads' finish times is the service order.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

using nlohmann::json;

json run_lesson(const std::string& file) {
  CommandResult r = run_iosim("run " + workload("disk-scheduling/" + file) + " --json --quiet");
  EXPECT_EQ(r.status, 0) << file << ": " << r.err;
  return json::parse(r.out);
}

double ms(const json& ns) {
  return ns.get<double>() / 1e6;
}

// The threads (named cylNNN after their cylinder), in the order they finished.
std::vector<std::string> service_order(const json& report) {
  std::vector<const json*> threads;
  for (const json& t : report["threads"])
    threads.push_back(&t);
  std::sort(threads.begin(), threads.end(), [](const json* a, const json* b) {
    return (*a)["finish_ns"].get<long>() < (*b)["finish_ns"].get<long>();
  });
  std::vector<std::string> names;
  for (const json* t : threads)
    names.push_back((*t)["name"]);
  return names;
}

using Order = std::vector<std::string>;

TEST(LessonDiskScheduling, FcfsServesInArrivalOrder) {
  json r = run_lesson("fcfs.toml");
  EXPECT_EQ(r["devices"]["disk"]["requests"], 9);
  EXPECT_EQ(service_order(r), (Order{"cyl530", "cyl980", "cyl1830", "cyl370", "cyl1220", "cyl140",
                                     "cyl1240", "cyl650", "cyl670"}));
  EXPECT_NEAR(ms(r["sim_time_ns"]), 219.4, 1.0);
  EXPECT_GT(r["devices"]["disk"]["busy_ns"].get<double>(), 0.99 * r["sim_time_ns"].get<double>())
      << "the disk works the whole run";
}

TEST(LessonDiskScheduling, SstfServesTheNearestFirstLikeTheTextbook) {
  json fcfs = run_lesson("fcfs.toml");
  json r = run_lesson("sstf.toml");
  EXPECT_EQ(service_order(r), (Order{"cyl530", "cyl650", "cyl670", "cyl370", "cyl140", "cyl980",
                                     "cyl1220", "cyl1240", "cyl1830"}));
  EXPECT_NEAR(ms(r["sim_time_ns"]), 188.8, 1.0);
  EXPECT_NEAR(ms(r["sim_time_ns"]) / ms(fcfs["sim_time_ns"]), 0.86, 0.02)
      << "shorter seeks: 14% faster than FCFS";
  EXPECT_LT(r["metrics"]["avg_turnaround_ns"].get<double>(),
            0.85 * fcfs["metrics"]["avg_turnaround_ns"].get<double>());
}

TEST(LessonDiskScheduling, LookSweepsUpThenDownLikeTheTextbook) {
  json fcfs = run_lesson("fcfs.toml");
  json sstf = run_lesson("sstf.toml");
  json r = run_lesson("look.toml");
  EXPECT_EQ(service_order(r), (Order{"cyl530", "cyl650", "cyl670", "cyl980", "cyl1220", "cyl1240",
                                     "cyl1830", "cyl370", "cyl140"}));
  EXPECT_NEAR(ms(r["sim_time_ns"]), 199.2, 1.0);
  EXPECT_LT(r["sim_time_ns"].get<double>(), 0.93 * fcfs["sim_time_ns"].get<double>())
      << "the elevator beats first come, first served";
  EXPECT_GT(r["sim_time_ns"].get<double>(), sstf["sim_time_ns"].get<double>())
      << "here it moves the head more than SSTF (2990 cylinders against 2360)";
}

TEST(LessonDiskScheduling, EveryPolicyReadsTheSameBytes) {
  json fcfs = run_lesson("fcfs.toml");
  for (const char* file : {"sstf.toml", "look.toml"}) {
    json r = run_lesson(file);
    EXPECT_EQ(r["devices"]["disk"]["bytes"], 9 * 4096) << file;
    for (std::size_t i = 0; i < r["threads"].size(); ++i)
      EXPECT_EQ(r["threads"][i]["read_checksum"], fcfs["threads"][i]["read_checksum"])
          << file << ": " << r["threads"][i]["name"] << " must get the same sectors";
  }
}

}  // namespace
}  // namespace iosim::testing
