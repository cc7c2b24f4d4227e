// The first lesson, end to end: the same two threads with a DMA disk driver
// and with programmed I/O, asserted on the JSON report of the real binary.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/run_iosim.h"

namespace iosim {
namespace {

using nlohmann::json;
using testing::run_iosim;
using testing::workload;

json run_json(const std::string& args) {
  auto r = run_iosim("run --quiet --json " + args);
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(r.out);
}

const json& thread(const json& report, const std::string& name) {
  for (const json& t : report["threads"])
    if (t["name"] == name) return t;
  throw std::runtime_error("no thread " + name);
}

TEST(CpuFreeDuringIo, WithDmaTheCruncherRunsWhileReadsAreInFlight) {
  json r = run_json(workload("cpu-free-during-io/dma.toml"));
  const json& reader = thread(r, "reader");
  const json& cruncher = thread(r, "cruncher");
  double run = r["sim_time_ns"].get<double>();
  EXPECT_GE(cruncher["cpu_ns"].get<double>(), 0.8 * run) << "cruncher should own the core";
  double reader_life = reader["finish_ns"].get<double>() - reader["arrival_ns"].get<double>();
  EXPECT_GT(reader["io_wait_ns"].get<double>(), 0.5 * reader_life) << "reader mostly blocked";
  EXPECT_LT(reader["cpu_ns"].get<double>(), 0.05 * reader_life);
  EXPECT_EQ(reader["reads"], 25);
  EXPECT_EQ(reader["bytes_read"], 25 * 16 * 1024);
  EXPECT_EQ(r["devices"]["disk"]["requests"], 25);
  EXPECT_EQ(r["devices"]["disk"]["bytes"], 25 * 16 * 1024);
  EXPECT_GE(r["counters"]["interrupts"].get<int>(), 25) << "one completion interrupt per read";
}

TEST(CpuFreeDuringIo, WithPioTheCoreIsSpentPollingAndTheCruncherFinishesLater) {
  json dma = run_json(workload("cpu-free-during-io/dma.toml"));
  json pio = run_json(workload("cpu-free-during-io/pio.toml"));
  double dma_finish = thread(dma, "cruncher")["finish_ns"].get<double>();
  double pio_finish = thread(pio, "cruncher")["finish_ns"].get<double>();
  EXPECT_GT(pio_finish, 1.3 * dma_finish) << "PIO should delay the cruncher markedly";
  const json& reader = thread(pio, "reader");
  EXPECT_GT(reader["sys_ns"].get<double>(), 10 * reader["io_wait_ns"].get<double>())
      << "with PIO the reader burns CPU instead of sleeping";
  EXPECT_EQ(reader["bytes_read"], 25 * 16 * 1024);
  EXPECT_EQ(reader["read_checksum"], thread(dma, "reader")["read_checksum"])
      << "both drivers must deliver the same bytes";
  EXPECT_GT(pio["cores"][0]["kernel_ns"].get<double>(), 0.25 * pio["sim_time_ns"].get<double>());
}

TEST(CpuFreeDuringIo, OverridingTheDriverTurnsDmaIntoPio) {
  json overridden = run_json(workload("cpu-free-during-io/dma.toml") +
                             " --set kernel.disk_driver=pio --set kernel.completion=polling"
                             " --set kernel.poll_interval=1us");
  json pio = run_json(workload("cpu-free-during-io/pio.toml"));
  EXPECT_EQ(overridden["sim_time_ns"], pio["sim_time_ns"]);
  EXPECT_EQ(overridden["threads"], pio["threads"]);
}

TEST(DefaultScenario, IsTheDmaLessonBuiltIntoTheBinary) {
  json builtin = run_json("");
  json file = run_json(workload("cpu-free-during-io/dma.toml"));
  EXPECT_EQ(builtin["scenario"], file["scenario"]);
  EXPECT_EQ(builtin["threads"], file["threads"]);
  EXPECT_EQ(builtin["cores"], file["cores"]);
}

TEST(JsonReport, HasEveryContractFieldWithIntegerNanoseconds) {
  json r = run_json(workload("cpu-free-during-io/dma.toml"));
  for (const char* key :
       {"scenario", "seed", "sim_time_ns", "cores", "threads", "devices", "counters"})
    EXPECT_TRUE(r.contains(key)) << key;
  EXPECT_TRUE(r["scenario"].is_string());
  EXPECT_TRUE(r["sim_time_ns"].is_number_integer());
  for (const json& c : r["cores"]) {
    for (const char* key : {"id", "busy_ns", "user_ns", "kernel_ns", "irq_ns", "idle_ns"})
      EXPECT_TRUE(c[key].is_number_integer()) << key;
    EXPECT_EQ(c["busy_ns"].get<long>() + c["idle_ns"].get<long>(), r["sim_time_ns"].get<long>())
        << "every nanosecond of a core is accounted once";
  }
  for (const json& t : r["threads"])
    for (const char* key :
         {"arrival_ns", "first_run_ns", "finish_ns", "cpu_ns", "ready_wait_ns", "io_wait_ns"})
      EXPECT_TRUE(t[key].is_number_integer()) << key;
  for (const auto& [name, d] : r["devices"].items())
    for (const char* key : {"requests", "bytes", "busy_ns"})
      EXPECT_TRUE(d[key].is_number_integer()) << name << "." << key;
  for (const char* key : {"context_switches", "preemptions", "interrupts", "syscalls"})
    EXPECT_TRUE(r["counters"][key].is_number_integer()) << key;
}

TEST(TextReport, ShowsCoresThreadsAndDevices) {
  auto r = run_iosim("run --quiet " + workload("cpu-free-during-io/dma.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* text : {"CPU free during I/O (DMA)", "core0", "app/reader", "app/cruncher",
                           "disk", "io wait", "Counters:"})
    EXPECT_NE(r.out.find(text), std::string::npos) << "missing '" << text << "' in:\n" << r.out;
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// The four ways to do I/O: whether the core is free depends on how the
// kernel learns a request is done (interrupt or polling), more than on who
// moves the data (DMA or the core).
TEST(CpuFreeDuringIo, InterruptsFreeTheCoreWhateverMovesTheDataPollingDoesNot) {
  auto finish = [](const std::string& file) {
    auto r = testing::run_iosim("run --quiet --json " + testing::workload(file));
    EXPECT_EQ(r.status, 0) << file << ": " << r.err;
    nlohmann::json j = nlohmann::json::parse(r.out);
    for (const auto& t : j["threads"])
      if (t["name"] == "cruncher") return t["finish_ns"].get<double>();
    return 0.0;
  };
  double dma = finish("cpu-free-during-io/dma.toml");
  double pio_interrupt = finish("cpu-free-during-io/pio-interrupt.toml");
  double dma_polling = finish("cpu-free-during-io/dma-polling.toml");
  double pio_polling = finish("cpu-free-during-io/pio.toml");
  EXPECT_LT(pio_interrupt, 1.05 * dma) << "PIO with interrupts costs only the copying";
  EXPECT_GT(dma_polling, 1.3 * dma) << "polling keeps the core even when DMA moves the data";
  EXPECT_GT(pio_polling, 1.3 * dma);
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// Every request on a line is either acknowledged once by the kernel or
// coalesced into one that was already pending.
TEST(JsonReport, InterruptLinesAccountForEveryInterruptTheKernelTook) {
  auto r =
      testing::run_iosim("run --quiet --json " + testing::workload("cpu-free-during-io/dma.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["interrupt_lines"]["irq2_disk"]["raised"], 25) << "one completion per read";
  long delivered = 0;
  for (const auto& [name, line] : j["interrupt_lines"].items())
    delivered += line["raised"].get<long>() - line["coalesced"].get<long>();
  long taken = j["counters"]["interrupts"].get<long>();
  EXPECT_GE(delivered, taken);
  EXPECT_LE(delivered, taken + 1) << "at most one request still pending when the run ended";
}

}  // namespace
}  // namespace iosim
