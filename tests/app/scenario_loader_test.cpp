#include "app/scenario_loader.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kernel/policies/policy_registry.h"

namespace iosim {
namespace {

// A process block that makes a scenario valid; appended after the part a test is about.
constexpr std::string_view kOneThread = R"(
[[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "compute 1ms"
)";

std::string with_thread(std::string_view head) {
  return std::string(head) + std::string(kOneThread);
}

// Every diagnostic of loading `text` as "s.toml", formatted.
std::vector<std::string> errors_of(std::string_view text,
                                   const std::vector<std::string>& overrides = {}) {
  const LoadResult result = load_scenario_text(text, "s.toml", overrides);
  std::vector<std::string> out;
  for (const Diagnostic& d : result.errors) {
    out.push_back(d.format());
  }
  EXPECT_EQ(result.scenario.has_value(), out.empty());
  return out;
}

// The scenario of a text that must load, failing the test with its errors otherwise.
Scenario load_ok(std::string_view text, const std::vector<std::string>& overrides = {}) {
  LoadResult result = load_scenario_text(text, "s.toml", overrides);
  for (const Diagnostic& d : result.errors) {
    ADD_FAILURE() << d.format();
  }
  return result.scenario.value_or(Scenario{});
}

using Errors = std::vector<std::string>;

// How the loader lists the accepted policies: the built-in names, then a library.
std::string policy_choices() {
  std::string out;
  for (const std::string& name : builtin_policy_names()) {
    out += "\"" + name + "\", ";
  }
  out.resize(out.size() - 2);
  return out + " or a policy library (a path ending in \".so\")";
}

// --- valid scenarios -------------------------------------------------------------

// Checks that every key of the format reaches its Scenario member, and that
// program statements carry their line and column in the FILE.
TEST(LoadScenario, MapsEveryFieldOfAFullScenario) {
  const Scenario s = load_ok(R"(name = "full"
seed = 42

[machine]
cores = 2
clock = "3GHz"
ram = "128MiB"
ram_latency = "60ns"

[machine.bus]
latency = "12ns"
width = "16B"
cycle = "2ns"

[machine.disk]
type = "hdd"
rpm = "5400rpm"
cylinders = 2000
heads = 2
sectors_per_track = 500
sector_size = "4KiB"
seek_single = "1ms"
seek_boundary = 500
seek_a = "2ms"
seek_b = "0.3ms"
seek_c = "7ms"
seek_e = "5us"
head_switch = "0.5ms"
track_buffer = "64KiB"
policy = "look"
controller_overhead = "40us"
queue_depth = 8
max_transfer = "64KiB"

[machine.dma]
channels = 2
burst = "128B"

[kernel]
policy = "fcfs"
mode = "cooperative"
quantum = "5ms"
disk_driver = "pio"
pio_word = "8B"

[kernel.costs]
context_switch = "3us"
syscall_entry = "300ns"
syscall_exit = "150ns"
irq_entry = "2us"
irq_exit = "600ns"
pio_word = "25ns"
poll = "110ns"

[limits]
sim_time = "60s"

[[process]]
name = "app"
  [[process.thread]]
  name = "reader"
  start = "1.5ms"
  program = '''
  repeat 20 {
    read 64KiB
    compute 200us
  }
  write 4KiB at lba 7
  '''
  [[process.thread]]
  name = "cruncher"
  program = "compute 2000 cycles"
[[process]]
name = "other"
  [[process.thread]]
  name = "sleeper.1"
  program = "sleep 1s; yield; exit"
)");
  EXPECT_EQ(s.name, "full");
  EXPECT_EQ(s.source, "s.toml");
  EXPECT_EQ(s.seed, 42u);

  EXPECT_EQ(s.machine.cores, 2);
  EXPECT_EQ(s.machine.clock_hz, 3'000'000'000u);
  EXPECT_EQ(s.machine.ram_bytes, 128u << 20);
  EXPECT_EQ(s.machine.ram_latency, 60);
  EXPECT_EQ(s.machine.bus.latency, 12);
  EXPECT_EQ(s.machine.bus.width, 16u);
  EXPECT_EQ(s.machine.bus.cycle, 2);

  const DiskControllerParams& disk = s.machine.disk;
  EXPECT_EQ(disk.hdd.rpm, 5400u);
  EXPECT_EQ(disk.hdd.cylinders, 2000u);
  EXPECT_EQ(disk.hdd.heads, 2u);
  EXPECT_EQ(disk.hdd.sectors_per_track, 500u);
  EXPECT_EQ(disk.hdd.sector_bytes, 4096u);
  EXPECT_EQ(disk.hdd.seek_single, 1'000'000);
  EXPECT_EQ(disk.hdd.seek_boundary, 500u);
  EXPECT_EQ(disk.hdd.seek_a, 2'000'000);
  EXPECT_EQ(disk.hdd.seek_b, 300'000);
  EXPECT_EQ(disk.hdd.seek_c, 7'000'000);
  EXPECT_EQ(disk.hdd.seek_e, 5'000);
  EXPECT_EQ(disk.hdd.head_switch, 500'000);
  EXPECT_EQ(disk.hdd.track_buffer, 16u);  // 64 KiB of 4 KiB sectors
  EXPECT_EQ(disk.policy, QueuePolicy::kLook);
  EXPECT_EQ(disk.kind, DiskKind::kHdd);
  EXPECT_EQ(disk.command_overhead(), 40'000);
  EXPECT_EQ(disk.queue_depth, 8u);
  EXPECT_EQ(disk.max_sectors, 16u);  // 64 KiB of 4 KiB sectors
  EXPECT_EQ(s.machine.dma_channels, 2);
  EXPECT_EQ(s.machine.dma_burst, 128u);

  EXPECT_EQ(s.kernel.policy, "fcfs");
  EXPECT_EQ(s.kernel.mode, SchedMode::kCooperative);
  EXPECT_EQ(s.kernel.quantum, 5'000'000);
  EXPECT_EQ(s.kernel.io.transfer, TransferMode::kPio);
  EXPECT_EQ(s.kernel.io.pio_word_bytes, 8u);
  EXPECT_EQ(s.kernel.costs.context_switch, 3'000);
  EXPECT_EQ(s.kernel.costs.syscall_entry, 300);
  EXPECT_EQ(s.kernel.costs.syscall_exit, 150);
  EXPECT_EQ(s.kernel.costs.irq_entry, 2'000);
  EXPECT_EQ(s.kernel.costs.irq_exit, 600);
  EXPECT_EQ(s.kernel.costs.pio_word, 25);
  EXPECT_EQ(s.kernel.costs.poll, 110);
  EXPECT_EQ(s.limits.sim_time, 60'000'000'000);

  ASSERT_EQ(s.workload.processes.size(), 2u);
  EXPECT_EQ(s.workload.processes[0].name, "app");
  ASSERT_EQ(s.workload.processes[0].threads.size(), 2u);
  const ThreadSpec& reader = s.workload.processes[0].threads[0];
  EXPECT_EQ(reader.name, "reader");
  EXPECT_EQ(reader.start, 1'500'000);
  ASSERT_EQ(reader.program.ops.size(), 5u);
  EXPECT_EQ(reader.program.ops[0].kind, OpKind::kRepeatBegin);
  EXPECT_EQ(reader.program.ops[0].count, 20u);
  EXPECT_EQ(reader.program.ops[0].line, 64);  // "  repeat 20 {"
  EXPECT_EQ(reader.program.ops[0].column, 3);
  EXPECT_EQ(reader.program.ops[1].kind, OpKind::kRead);
  EXPECT_EQ(reader.program.ops[1].bytes, 65'536u);
  EXPECT_EQ(reader.program.ops[1].line, 65);
  EXPECT_EQ(reader.program.ops[1].column, 5);
  EXPECT_EQ(reader.program.ops[4].kind, OpKind::kWrite);
  EXPECT_EQ(reader.program.ops[4].lba, 7u);
  EXPECT_EQ(reader.program.ops[4].line, 68);

  const ThreadSpec& cruncher = s.workload.processes[0].threads[1];
  EXPECT_EQ(cruncher.name, "cruncher");
  EXPECT_EQ(cruncher.start, 0);
  ASSERT_EQ(cruncher.program.ops.size(), 1u);
  EXPECT_EQ(cruncher.program.ops[0].cycles, 2000u);
  EXPECT_EQ(cruncher.program.ops[0].line, 72);  // program = "compute ...": after the quote
  EXPECT_EQ(cruncher.program.ops[0].column, 14);

  EXPECT_EQ(s.workload.processes[1].name, "other");
  ASSERT_EQ(s.workload.processes[1].threads.size(), 1u);
  EXPECT_EQ(s.workload.processes[1].threads[0].name, "sleeper.1");
  EXPECT_EQ(s.workload.processes[1].threads[0].program.ops.size(), 3u);
}

// Checks that every absent key takes the default from the Scenario structs,
// and that the name defaults to the source.
TEST(LoadScenario, UsesTheStructDefaultsForAbsentKeys) {
  const Scenario s = load_ok(kOneThread);
  const Scenario d;
  EXPECT_EQ(s.name, "s.toml");
  EXPECT_EQ(s.source, "s.toml");
  EXPECT_EQ(s.seed, d.seed);
  EXPECT_EQ(s.machine.cores, d.machine.cores);
  EXPECT_EQ(s.machine.clock_hz, d.machine.clock_hz);
  EXPECT_EQ(s.machine.ram_bytes, d.machine.ram_bytes);
  EXPECT_EQ(s.machine.ram_latency, d.machine.ram_latency);
  EXPECT_EQ(s.machine.bus.latency, d.machine.bus.latency);
  EXPECT_EQ(s.machine.bus.width, d.machine.bus.width);
  EXPECT_EQ(s.machine.bus.cycle, d.machine.bus.cycle);
  EXPECT_EQ(s.machine.disk.hdd.rpm, d.machine.disk.hdd.rpm);
  EXPECT_EQ(s.machine.disk.hdd.cylinders, d.machine.disk.hdd.cylinders);
  EXPECT_EQ(s.machine.disk.hdd.heads, d.machine.disk.hdd.heads);
  EXPECT_EQ(s.machine.disk.hdd.sectors_per_track, d.machine.disk.hdd.sectors_per_track);
  EXPECT_EQ(s.machine.disk.hdd.sector_bytes, d.machine.disk.hdd.sector_bytes);
  EXPECT_EQ(s.machine.disk.hdd.seek_single, d.machine.disk.hdd.seek_single);
  EXPECT_EQ(s.machine.disk.hdd.track_buffer, d.machine.disk.hdd.track_buffer);
  EXPECT_EQ(s.machine.disk.policy, d.machine.disk.policy);
  EXPECT_EQ(s.machine.disk.command_overhead(), d.machine.disk.command_overhead());
  EXPECT_EQ(s.machine.disk.queue_depth, d.machine.disk.queue_depth);
  EXPECT_EQ(s.machine.disk.max_sectors, d.machine.disk.max_sectors);
  EXPECT_EQ(s.machine.dma_channels, d.machine.dma_channels);
  EXPECT_EQ(s.machine.dma_burst, d.machine.dma_burst);
  EXPECT_EQ(s.kernel.policy, d.kernel.policy);
  EXPECT_EQ(s.kernel.mode, d.kernel.mode);
  EXPECT_EQ(s.kernel.quantum, d.kernel.quantum);
  EXPECT_EQ(s.kernel.io.transfer, d.kernel.io.transfer);
  EXPECT_EQ(s.kernel.io.pio_word_bytes, d.kernel.io.pio_word_bytes);
  EXPECT_EQ(s.kernel.costs.context_switch, d.kernel.costs.context_switch);
  EXPECT_EQ(s.kernel.costs.poll, d.kernel.costs.poll);
  EXPECT_EQ(s.limits.sim_time, d.limits.sim_time);
  ASSERT_EQ(s.workload.processes.size(), 1u);
  ASSERT_EQ(s.workload.processes[0].threads.size(), 1u);
  EXPECT_EQ(s.workload.processes[0].threads[0].start, 0);
}

// Checks the defaults of the scheduling, memory and cost keys, and that
// the policies get the quantum, cores and seed and the kernel the RAM size.
TEST(LoadScenario, UsesTheStructDefaultsForAbsentKernelKeys) {
  const Scenario s = load_ok(kOneThread);
  const KernelSpec d;
  EXPECT_EQ(s.machine.ram_bytes, 1u << 30) << "the documented default RAM is 1GiB";
  EXPECT_EQ(s.kernel.gil_switch_interval, d.gil_switch_interval);
  const PolicyParams& p = s.kernel.policy_params;
  EXPECT_EQ(p.quantum, s.kernel.quantum);
  EXPECT_EQ(p.cores, s.machine.cores);
  EXPECT_EQ(p.seed, s.seed);
  EXPECT_EQ(p.per_core_queues, d.policy_params.per_core_queues);
  EXPECT_EQ(p.priority.preemptive, d.policy_params.priority.preemptive);
  EXPECT_EQ(p.priority.aging, d.policy_params.priority.aging);
  EXPECT_EQ(p.mlfq.levels, d.policy_params.mlfq.levels);
  EXPECT_EQ(p.mlfq.quanta, d.policy_params.mlfq.quanta);
  EXPECT_EQ(p.mlfq.allotment, d.policy_params.mlfq.allotment);
  EXPECT_EQ(p.mlfq.boost, d.policy_params.mlfq.boost);
  EXPECT_EQ(p.cfs.latency, d.policy_params.cfs.latency);
  EXPECT_EQ(p.cfs.min_granularity, d.policy_params.cfs.min_granularity);
  EXPECT_EQ(p.cfs.wakeup_granularity, d.policy_params.cfs.wakeup_granularity);
  EXPECT_EQ(s.kernel.costs.thread_spawn, d.costs.thread_spawn);
  EXPECT_EQ(s.kernel.costs.ipc_byte, d.costs.ipc_byte);
  const MemoryConfig& m = s.kernel.memory;
  EXPECT_EQ(m.capacity, s.machine.ram_bytes);
  EXPECT_EQ(m.thread_stack, d.memory.thread_stack);
  EXPECT_EQ(m.thread_kernel, d.memory.thread_kernel);
  EXPECT_EQ(m.task, d.memory.task);
  EXPECT_EQ(m.native_process, d.memory.native_process);
  EXPECT_EQ(m.python_process, d.memory.python_process);
  EXPECT_EQ(m.stop_when_exhausted, d.memory.stop_when_exhausted);
}

// Checks the defaults of every [[process]], [[process.thread]] and pool key.
TEST(LoadScenario, UsesTheStructDefaultsForAbsentWorkloadKeys) {
  const Scenario s = load_ok(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "yield"
  [[process.pool]]
  name = "p"
  program = "compute 1ms"
)");
  const ProcessSpec& process = s.workload.processes.at(0);
  const ProcessSpec dp;
  EXPECT_EQ(process.runtime, dp.runtime);
  EXPECT_EQ(process.count, dp.count);
  EXPECT_FALSE(process.spawned);
  EXPECT_TRUE(process.objects.locks.empty());
  EXPECT_TRUE(process.coroutines.empty());
  const ThreadSpec& thread = process.threads.at(0);
  const ThreadSpec dt;
  EXPECT_EQ(thread.count, dt.count);
  EXPECT_EQ(thread.daemon, dt.daemon);
  EXPECT_FALSE(thread.spawned);
  EXPECT_EQ(thread.priority, dt.priority);
  EXPECT_EQ(thread.nice, dt.nice);
  EXPECT_EQ(thread.tickets, dt.tickets);
  EXPECT_EQ(thread.expected, dt.expected);
  EXPECT_EQ(thread.affinity, dt.affinity);
  const PoolSpec& pool = process.pools.at(0);
  const PoolSpec dpool;
  EXPECT_EQ(pool.kind, dpool.kind);
  EXPECT_EQ(pool.workers, dpool.workers);
  EXPECT_EQ(pool.send_bytes, dpool.send_bytes);
  EXPECT_EQ(pool.result_bytes, dpool.result_bytes);
  EXPECT_EQ(pool.item.ops.size(), 1u);
  EXPECT_TRUE(s.workload.queues.empty());
  EXPECT_EQ(s.workload.shared_bytes, 0u);
}

// Checks that an inline array of inline tables is as good as [[process]].
TEST(LoadScenario, AcceptsInlineTablesForProcessesAndThreads) {
  const Scenario s =
      load_ok(R"(process = [{name = "a", thread = [{name = "t", program = "yield"}]}])");
  ASSERT_EQ(s.workload.processes.size(), 1u);
  EXPECT_EQ(s.workload.processes[0].threads[0].name, "t");
}

// --- TOML syntax --------------------------------------------------------------------

// Checks that a syntax error is the only diagnostic, at toml++'s position.
TEST(LoadScenarioErrors, ReportsATomlSyntaxErrorAlone) {
  const Errors errors = errors_of("[machine]\ncores = 2 x\nbogus = 1\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("s.toml:2:11: error: ", 0), 0u) << errors[0];
}

// Checks that the usual TOML mistakes are explained in terms of what to write.
TEST(LoadScenarioErrors, ExplainsTheUsualTomlMistakes) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\nquantum = 5ms\n")),
            Errors{"s.toml:2:11: error: TOML syntax error: a quantity with a unit is a string: "
                   "write \"5ms\", in quotes"});
  EXPECT_EQ(errors_of(with_thread("[kernel]\npolicy = rr\n")),
            Errors{"s.toml:2:10: error: TOML syntax error: 'rr' is not a value: a string is "
                   "written in quotes, like \"rr\""});
  EXPECT_EQ(errors_of(with_thread("[machine]\ncores 2\n")),
            Errors{"s.toml:2:7: error: TOML syntax error: expected '=' after 'cores': write "
                   "cores = VALUE"});
  EXPECT_EQ(errors_of("name = \"app\n"),
            Errors{"s.toml:1:12: error: TOML syntax error: the string is not closed: add the "
                   "closing \" before the end of the line (a string on several lines is written "
                   "between \"\"\" and \"\"\")"});
  EXPECT_EQ(errors_of("[machine]\ncores = 99999999999999999999\n"),
            Errors{"s.toml:2:9: error: TOML syntax error: the integer 99999999999999999999 is too "
                   "large: integers are at most 9223372036854775807"});
  EXPECT_EQ(errors_of(with_thread("[kernel]\n[kernel]\n")),
            Errors{"s.toml:2:1: error: TOML syntax error: [kernel] appears twice: put all its "
                   "keys under one [kernel] header"});
}

// Checks that bytes a text file should not have are found where they are.
TEST(LoadScenarioErrors, ReportsBytesThatAreNotText) {
  EXPECT_EQ(errors_of(with_thread("name = \"caf\xE9\"\n")),
            Errors{"s.toml:1:12: error: byte 0xE9 is not UTF-8 text: save the scenario as UTF-8 "
                   "(an editor's \"encoding\" setting)"});
  EXPECT_EQ(errors_of(with_thread(std::string_view("seed = 1\0\n", 10))),
            Errors{"s.toml:1:9: error: the file contains a NUL byte (0x00): a scenario is a text "
                   "file, remove it"});
  EXPECT_TRUE(errors_of(with_thread("name = \"caf\xC3\xA9 \xE2\x9C\x93\"\n")).empty())
      << "valid UTF-8 is accepted";
}

// Checks that a value quoted in a message cannot break it over two lines.
TEST(LoadScenarioErrors, KeepsEachDiagnosticOnOneLine) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\n\"qu\\nantum\" = \"5ms\"\n")),
            Errors{"s.toml:2:1: error: unknown key 'qu\\nantum' in [kernel]; did you mean "
                   "'quantum'?"});
  EXPECT_EQ(errors_of(with_thread("[machine]\ncores = \"\\t2\\u0001\"\n")),
            Errors{"s.toml:2:9: error: 'cores' must be an integer, got the string \"\\t2\\x01\""});
}

TEST(LoadScenarioErrors, SaysAnEmptyScenarioIsEmpty) {
  for (std::string_view text : {"", "# nothing yet\n\n"}) {
    EXPECT_EQ(errors_of(text),
              Errors{"s.toml:1:1: error: the scenario is empty: add at least one [[process]] with "
                     "a [[process.thread]], like the example in docs/scenario-format.md"});
  }
}

// --- unknown keys -------------------------------------------------------------------

// Checks that a misspelt table is called a table, and a misspelt required
// key is not also reported missing.
TEST(LoadScenarioErrors, NamesAMisspeltTableAndDoesNotReportAMisspeltKeyMissing) {
  EXPECT_EQ(errors_of(with_thread("[machine.dsk]\nrpm = \"5400rpm\"\n")),
            Errors{"s.toml:1:10: error: unknown table [machine.dsk]; did you mean "
                   "[machine.disk]?"});
  EXPECT_EQ(errors_of("[[process]]\nname = \"a\"\n[[process.thread]]\nname = \"t\"\n"
                      "programm = \"yield\"\n"),
            Errors{"s.toml:5:1: error: unknown key 'programm' in [[process.thread]]; did you mean "
                   "'program'?"});
}

// Checks the did-you-mean for a typo, at the key's own position.
TEST(LoadScenarioErrors, SuggestsTheKeyAnUnknownKeyMeant) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\n  qantum = \"5ms\"\n")),
            Errors{"s.toml:2:3: error: unknown key 'qantum' in [kernel]; did you mean 'quantum'?"});
}

// Checks that a key differing only in case is recognised.
TEST(LoadScenarioErrors, SuggestsTheKeyInItsProperCase) {
  EXPECT_EQ(errors_of(with_thread("[machine.disk]\nSECTORS_PER_TRACK = 5\n")),
            Errors{"s.toml:2:1: error: unknown key 'SECTORS_PER_TRACK' in [machine.disk]; did "
                   "you mean 'sectors_per_track'?"});
}

// Checks that a key from another table says where it belongs.
TEST(LoadScenarioErrors, SaysWhereAMisplacedKeyBelongs) {
  EXPECT_EQ(errors_of(with_thread("quantum = \"5ms\"\n")),
            Errors{"s.toml:1:1: error: unknown key 'quantum' at the top level; 'quantum' "
                   "belongs in [kernel]"});
}

// Checks that without a close match the valid keys are listed.
TEST(LoadScenarioErrors, ListsTheValidKeysWhenNothingIsClose) {
  EXPECT_EQ(errors_of(with_thread("[machine.dma]\nspeed = 1\n")),
            Errors{"s.toml:2:1: error: unknown key 'speed' in [machine.dma] (valid keys: "
                   "channels, burst, mode)"});
}

// Checks unknown keys inside [[process]] and [[process.thread]] entries.
TEST(LoadScenarioErrors, ReportsUnknownKeysInProcessesAndThreads) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
nmae = "x"
  [[process.thread]]
  name = "t"
  programme = "yield"
  program = "yield"
)"),
            (Errors{"s.toml:3:1: error: unknown key 'nmae' in [[process]]; did you mean 'name'?",
                    "s.toml:6:3: error: unknown key 'programme' in [[process.thread]]; did you "
                    "mean 'program'?"}));
}

// --- wrong types ----------------------------------------------------------------------

TEST(LoadScenarioErrors, ReportsAWrongTypeAtTheValue) {
  EXPECT_EQ(errors_of(with_thread("[machine]\ncores = \"2\"\n")),
            Errors{"s.toml:2:9: error: 'cores' must be an integer, got the string \"2\": write 2 "
                   "without quotes"});
}

// Checks that a bare number where a quantity belongs asks for the unit.
TEST(LoadScenarioErrors, AsksForTheUnitOfABareNumber) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\nquantum = 5\n")),
            Errors{"s.toml:2:11: error: 'quantum' must be a duration string like \"10ms\", got "
                   "an integer: the unit is required, e.g. \"5ms\""});
}

TEST(LoadScenarioErrors, ReportsAValueWhereATableBelongs) {
  EXPECT_EQ(errors_of(with_thread("[machine]\nbus = \"fast\"\n")),
            Errors{"s.toml:2:7: error: 'bus' must be a table ([machine.bus]), got a string"});
}

TEST(LoadScenarioErrors, ReportsATableWhereAValueBelongs) {
  EXPECT_EQ(errors_of(with_thread("[machine.cores]\nn = 1\n")),
            Errors{"s.toml:1:1: error: 'cores' must be an integer, got a table"});
}

// Checks that [process] (one bracket pair) is explained.
TEST(LoadScenarioErrors, ReportsATableWhereAnArrayOfTablesBelongs) {
  EXPECT_EQ(errors_of("[process]\nname = \"app\"\n"),
            Errors{"s.toml:1:1: error: 'process' must be an array of tables, written [[process]] "
                   "with double brackets, got a table"});
}

// Checks that a [[process.thread]] before any [[process]] is explained as such.
TEST(LoadScenarioErrors, ReportsAThreadBeforeItsProcess) {
  EXPECT_EQ(errors_of("[[process.thread]]\nname = \"t\"\nprogram = \"yield\"\n"),
            Errors{"s.toml:1:1: error: [[process.thread]] comes before any [[process]]: start "
                   "each entry with [[process]] (and its name), then its [[process.thread]]"});
}

// --- units and ranges -------------------------------------------------------------------

// Checks that KB (1000 bytes) where KiB was meant is explained.
TEST(LoadScenarioErrors, ExplainsKilobytesWhereKibibytesWereMeant) {
  EXPECT_EQ(errors_of(with_thread("[machine.disk]\nsector_size = \"4KB\"\n")),
            Errors{"s.toml:2:15: error: 'sector_size' must be a power of two from 512B to 4KiB, "
                   "got '4KB' (4KB is 4000 bytes: 1KB is 1000 bytes, 1KiB is 1024; did you mean "
                   "'4KiB'?)"});
  EXPECT_EQ(errors_of(with_thread("[machine.disk]\nsector_size = \"1000B\"\n")),
            Errors{"s.toml:2:15: error: 'sector_size' must be a power of two from 512B to 4KiB, "
                   "got '1000B'"});
}

// Checks that a product of counts that would exhaust the simulator's own
// memory is an error at the process that crosses the cap.
TEST(LoadScenarioErrors, CapsTheThreadsOfAScenarioInAll) {
  const std::string process = R"([[process]]
name = "p{0}"
count = {1}
  [[process.thread]]
  name = "t"
  count = 100_000
  program = "yield"
  [[process.pool]]
  name = "w"
  workers = 10
  program = "yield"
)";
  EXPECT_TRUE(
      errors_of(fmt::format(fmt::runtime(process), 1, 8) + fmt::format(fmt::runtime(process), 2, 1))
          .empty())
      << "900090 threads in all are allowed";
  EXPECT_EQ(errors_of(fmt::format(fmt::runtime(process), 1, 9) +
                      fmt::format(fmt::runtime(process), 2, 2)),
            Errors{"s.toml:14:9: error: too many threads: process 'p2' (count = 2, 100010 threads "
                   "and pool workers each) brings the scenario to 1100110 threads; at most "
                   "1000000 in all"});
}

// Checks that a unit error carries the unit parser's message and points at
// the unit inside the string.
TEST(LoadScenarioErrors, PointsAtABadUnitInsideTheString) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\nquantum = \"5mss\"\n")),
            Errors{"s.toml:2:13: error: 'quantum': '5mss' is not a duration: unknown duration "
                   "unit 'mss' (expected ns, us, ms or s)"});
}

// Checks the same for a literal string and a size unit in the wrong case.
TEST(LoadScenarioErrors, PointsAtABadUnitInsideALiteralString) {
  EXPECT_EQ(errors_of(with_thread("[machine]\nram = '64mib'\n")),
            Errors{"s.toml:2:10: error: 'ram': '64mib' is not a size: unknown size unit 'mib' "
                   "(expected B, KiB, MiB, GiB, TiB, kB, MB, GB or TB); did you mean 'MiB'?"});
}

TEST(LoadScenarioErrors, ReportsAnIntegerOutOfRange) {
  EXPECT_EQ(errors_of(with_thread("[machine]\ncores = 1000000\n")),
            Errors{"s.toml:2:9: error: 'cores' must be between 1 and 64, got 1000000"});
}

TEST(LoadScenarioErrors, ReportsAQuantityOutOfRange) {
  EXPECT_EQ(errors_of(with_thread("[machine]\nclock = \"500kHz\"\n[limits]\nsim_time = \"0s\"\n")),
            (Errors{"s.toml:2:9: error: 'clock' must be between 1MHz and 100GHz, got '500kHz'",
                    "s.toml:4:12: error: 'sim_time' must be greater than 0, got '0s'"}));
}

TEST(LoadScenarioErrors, ReportsASectorSizeThatIsNotAPowerOfTwo) {
  EXPECT_EQ(errors_of(with_thread("[machine.disk]\nsector_size = \"1000B\"\n")),
            Errors{"s.toml:2:15: error: 'sector_size' must be a power of two from 512B to 4KiB, "
                   "got '1000B'"});
}

TEST(LoadScenarioErrors, ReportsAMaxTransferThatIsNotWholeSectors) {
  EXPECT_EQ(errors_of(with_thread("[machine.disk]\nmax_transfer = \"1000B\"\n")),
            Errors{"s.toml:2:16: error: 'max_transfer' must be a whole number of sectors (512B "
                   "each), got 1000B"});
}

TEST(LoadScenarioErrors, SuggestsTheChoiceAMisspeltValueMeant) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\npolicy = \"RR\"\nmode = \"premptive\"\n")),
            (Errors{"s.toml:2:10: error: 'policy' must be " + policy_choices() +
                        ", got 'RR'; did you mean \"rr\"?",
                    "s.toml:3:8: error: 'mode' must be \"preemptive\" or \"cooperative\", got "
                    "'premptive'; did you mean \"preemptive\"?"}));
}

TEST(LoadScenarioErrors, ListsTheDiskTypes) {
  EXPECT_EQ(errors_of(with_thread("[machine.disk]\ntype = \"tape\"\n")),
            Errors{"s.toml:2:8: error: 'type' must be \"hdd\" or \"ssd\", got 'tape'"});
}

TEST(LoadScenario, MapsAnSsd) {
  const Scenario s = load_ok(with_thread(R"([machine.disk]
type = "ssd"
page_size = "8KiB"
channels = 8
dies_per_channel = 4
read_latency = "25us"
program_latency = "200us"
channel_bandwidth = "800MB/s"
bandwidth = "3GB/s"
)"));
  const DiskControllerParams& disk = s.machine.disk;
  EXPECT_EQ(disk.kind, DiskKind::kSsd);
  EXPECT_EQ(disk.ssd.page_bytes, 8192u);
  EXPECT_EQ(disk.ssd.channels, 8u);
  EXPECT_EQ(disk.ssd.dies_per_channel, 4u);
  EXPECT_EQ(disk.ssd.read_latency, 25'000);
  EXPECT_EQ(disk.ssd.program_latency, 200'000);
  EXPECT_EQ(disk.ssd.channel_bandwidth, 800'000'000u);
  EXPECT_EQ(disk.ssd.bandwidth, 3'000'000'000u);
  EXPECT_EQ(disk.command_overhead(), 20'000)
      << "an SSD's controller default, not the HP 97560's 2.2 ms";
}

TEST(LoadScenario, MapsInterruptRoutingAndDmaMode) {
  const Scenario s = load_ok(with_thread(R"([machine.interrupts]
routing = "least-busy"
priority = "rotating"
trigger = "level"
[machine.dma]
mode = "burst"
)"));
  EXPECT_EQ(s.machine.irq_routing, IrqRouting::kLeastBusy);
  EXPECT_EQ(s.machine.irq_priority, IrqPriority::kRotating);
  EXPECT_EQ(s.machine.irq_trigger, IrqTrigger::kLevel);
  EXPECT_TRUE(s.machine.dma_burst_mode);
}

TEST(LoadScenarioErrors, ReportsATrackBufferThatIsNotWholeSectors) {
  EXPECT_EQ(errors_of(with_thread("[machine.disk]\ntrack_buffer = \"1000B\"\n")),
            Errors{"s.toml:2:16: error: 'track_buffer' must be a whole number of sectors (512B "
                   "each), got 1000B"});
}

TEST(LoadScenarioErrors, ReportsAQuantumLongerThanTheSimulatedTime) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\nquantum = \"20s\"\n[limits]\nsim_time = \"10s\"\n")),
            Errors{"s.toml:2:11: error: 'quantum' (20s) must not be longer than [limits] "
                   "sim_time (10s)"});
  EXPECT_EQ(errors_of(with_thread("[limits]\nsim_time = \"5ms\"\n")),
            Errors{"s.toml:2:12: error: 'sim_time' (5ms) is shorter than the default [kernel] "
                   "quantum (10ms): set a shorter quantum"});
}

// --- required keys and names -----------------------------------------------------------

TEST(LoadScenarioErrors, ReportsAMissingProgramAtItsThread) {
  EXPECT_EQ(errors_of("[[process]]\nname = \"app\"\n  [[process.thread]]\n  name = \"reader\"\n"),
            Errors{"s.toml:3:3: error: missing 'program' in thread 'reader' of process 'app'"});
}

TEST(LoadScenarioErrors, ReportsMissingNamesByPosition) {
  EXPECT_EQ(errors_of("[[process]]\n  [[process.thread]]\n  program = \"yield\"\n"),
            (Errors{"s.toml:1:1: error: missing 'name' in process #1",
                    "s.toml:2:3: error: missing 'name' in thread #1 of process #1"}));
}

TEST(LoadScenarioErrors, ReportsAScenarioWithoutProcesses) {
  EXPECT_EQ(errors_of("seed = 3\n"),
            Errors{"s.toml:1:1: error: no processes: add at least one [[process]] with a "
                   "[[process.thread]]"});
}

TEST(LoadScenarioErrors, ReportsAProcessWithoutThreads) {
  EXPECT_EQ(errors_of(with_thread("[[process]]\nname = \"idle\"\n")),
            Errors{"s.toml:1:1: error: process 'idle' has no threads: add at least one "
                   "[[process.thread]]"});
}

TEST(LoadScenarioErrors, ReportsDuplicateNames) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "yield"
  [[process.thread]]
  name = "t"
  program = "yield"
[[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "yield"
)"),
            (Errors{"s.toml:7:10: error: duplicate thread name 't' in process 'app' (first used "
                    "on line 4): thread names must be unique within a process",
                    "s.toml:10:8: error: duplicate process name 'app' (first used on line 2): "
                    "process names must be unique"}));
}

TEST(LoadScenarioErrors, ReportsAThreadNameWithASpace) {
  EXPECT_EQ(errors_of("[[process]]\nname = \"app\"\n[[process.thread]]\nname = \"my thread\"\n"
                      "program = \"yield\"\n"),
            Errors{"s.toml:4:8: error: 'name' must be a non-empty name made of letters, digits, "
                   "'_', '-' and '.', got 'my thread'"});
}

// --- programs ---------------------------------------------------------------------------

// Checks that with ''' followed by a newline, program line k is file line
// (opening line + k) and columns are unchanged.
TEST(LoadScenarioErrors, MapsAProgramErrorAfterALeadingNewline) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = '''
  read 64KiB
    compte 5ms
  '''
)"),
            Errors{"s.toml:7:5: error: unknown statement 'compte': did you mean 'compute'?"});
}

// Checks that when the program starts on the line of ''', its first line is
// shifted by the delimiter's column and later lines keep their own columns.
TEST(LoadScenarioErrors, MapsProgramErrorsWithoutALeadingNewline) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = '''sleep 5 ms
  read 1KiB at lb 5'''
)"),
            (Errors{"s.toml:5:22: error: write the duration as one word: '5ms' instead of '5 ms'",
                    "s.toml:6:16: error: expected 'lba N' after 'at', like 'at lba 100', got "
                    "'lb'"}));
}

// Checks that in a one-line string the program column is offset by the quote's.
TEST(LoadScenarioErrors, MapsAProgramErrorInASingleLineString) {
  EXPECT_EQ(errors_of("[[process]]\nname = \"app\"\n[[process.thread]]\nname = \"t\"\n"
                      "program = \"compute 5ms; sleep 5mss\"\n"),
            Errors{"s.toml:5:31: error: '5mss' is not a duration: unknown duration unit 'mss' "
                   "(expected ns, us, ms or s)"});
}

// Checks explicit 'at lba' bounds: capacity = cylinders * heads * sectors_per_track
// (1962 * 19 * 72 = 2684016 for the default HP 97560), transfers count whole
// sectors; the last sector itself fits.
TEST(LoadScenarioErrors, ReportsAReadPastTheEndOfTheDisk) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = '''
  read 64KiB at lba 999999999
  read 64KiB at lba 2684015
  write 512B at lba 2684015
  write 1B at lba 2684016
  '''
)"),
            (Errors{"s.toml:6:3: error: read at lba 999999999 for 128 sectors runs past the end "
                    "of the disk (2684016 sectors)",
                    "s.toml:7:3: error: read at lba 2684015 for 128 sectors runs past the end "
                    "of the disk (2684016 sectors)",
                    "s.toml:9:3: error: write at lba 2684016 for 1 sector runs past the end "
                    "of the disk (2684016 sectors)"}));
}

// An SSD's capacity is channels * dies * pages * sectors per page.
TEST(LoadScenarioErrors, UsesTheSsdsCapacityForAnSsd) {
  EXPECT_EQ(errors_of(R"([machine.disk]
type = "ssd"
channels = 1
dies_per_channel = 1
pages_per_die = 2
[[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "read 4KiB at lba 12"
)"),
            (Errors{"s.toml:10:14: error: read at lba 12 for 8 sectors runs past the end of the "
                    "disk (16 sectors)"}));
}

TEST(LoadScenarioErrors, ReportsATransferLargerThanRam) {
  EXPECT_EQ(errors_of("[machine]\nram = \"64MiB\"\n[[process]]\nname = \"app\"\n"
                      "[[process.thread]]\nname = \"t\"\nprogram = \"read 128MiB\"\n"),
            Errors{"s.toml:7:12: error: read of 128MiB is larger than RAM (64MiB)"});
}

// Checks that memory use as a whole is left to the kernel, which accounts it
// at run time: buffers, stacks and processes that exceed RAM still load.
TEST(LoadScenario, LeavesMemoryExhaustionToTheKernel) {
  const Scenario s = load_ok(R"([machine]
ram = "3MiB"
[[process]]
name = "app"
count = 100
  [[process.thread]]
  name = "a"
  count = 1000
  program = "read 2MiB; read 1KiB"
  [[process.thread]]
  name = "b"
  program = "write 1000KiB"
)");
  EXPECT_EQ(s.kernel.memory.capacity, 3u << 20);
}

// --- several errors ------------------------------------------------------------------------

// Checks that loading does not stop at the first error and reports in file order.
TEST(LoadScenarioErrors, CollectsEveryErrorInFileOrder) {
  EXPECT_EQ(errors_of(R"([kernel]
quantum = "5mss"
policy = 3
[machine]
cores = 0
clok = "2GHz"
[[process]]
name = "app"
  [[process.thread]]
  name = "t"
)"),
            (Errors{"s.toml:2:13: error: 'quantum': '5mss' is not a duration: unknown duration "
                    "unit 'mss' (expected ns, us, ms or s)",
                    "s.toml:3:10: error: 'policy' must be the string " + policy_choices() +
                        ", got an integer",
                    "s.toml:5:9: error: 'cores' must be between 1 and 64, got 0",
                    "s.toml:6:1: error: unknown key 'clok' in [machine]; did you mean 'clock'?",
                    "s.toml:9:3: error: missing 'program' in thread 't' of process 'app'"}));
}

// Checks that columns count bytes, like the program notation's, even after
// a multi-byte character on the same line.
TEST(LoadScenarioErrors, CountsColumnsInBytes) {
  EXPECT_EQ(errors_of(with_thread("machine = { ram_latency = \"1µs\", cores = \"x\" }\n")),
            Errors{"s.toml:1:43: error: 'cores' must be an integer, got the string \"x\""});
}

// Checks that a UTF-8 byte order mark does not shift the columns of line 1.
TEST(LoadScenarioErrors, CountsColumnsAfterAByteOrderMark) {
  EXPECT_EQ(errors_of(with_thread("\xEF\xBB\xBFseed = \"x\"\n")),
            Errors{"s.toml:1:8: error: 'seed' must be an integer, got the string \"x\""});
}

// --- overrides -------------------------------------------------------------------------------

TEST(LoadScenarioOverrides, ChangeValuesBeforeValidation) {
  const Scenario s =
      load_ok(with_thread("[kernel]\nquantum = \"10ms\"\n[machine]\nclock = \"1GHz\""),
              {"kernel.quantum=5ms", "kernel.policy=fcfs", "machine.cores=4", "seed = 9",
               "machine.disk.rpm=\"5400rpm\"", "name=my run"});
  EXPECT_EQ(s.kernel.quantum, 5'000'000);
  EXPECT_EQ(s.kernel.policy, "fcfs");
  EXPECT_EQ(s.machine.cores, 4);
  EXPECT_EQ(s.machine.clock_hz, 1'000'000'000u);  // the file's other [machine] keys stay
  EXPECT_EQ(s.seed, 9u);
  EXPECT_EQ(s.machine.disk.hdd.rpm, 5400u);
  EXPECT_EQ(s.name, "my run");
}

// Checks that the last override of a key wins.
TEST(LoadScenarioOverrides, ApplyInOrder) {
  const Scenario s = load_ok(kOneThread, {"machine.cores=2", "machine.cores=3"});
  EXPECT_EQ(s.machine.cores, 3);
}

// Checks that a bad override value is reported at "--set:INDEX:COLUMN OF VALUE".
TEST(LoadScenarioOverrides, ReportABadValueAtTheOverride) {
  EXPECT_EQ(errors_of(kOneThread, {"seed=1", "kernel.quantum=5mss"}),
            Errors{"--set:2:16: error: 'quantum': '5mss' is not a duration: unknown duration "
                   "unit 'mss' (expected ns, us, ms or s)"});
  EXPECT_EQ(errors_of(kOneThread, {"machine.cores=100"}),
            Errors{"--set:1:15: error: 'cores' must be between 1 and 64, got 100"});
}

TEST(LoadScenarioOverrides, SuggestTheKeyAnUnknownOverrideKeyMeant) {
  EXPECT_EQ(errors_of(kOneThread, {"kernel.qantum=5ms"}),
            Errors{"--set:1:8: error: unknown key 'qantum' in [kernel]; did you mean 'quantum'?"});
  EXPECT_EQ(errors_of(kOneThread, {"machin.cores=2"}),
            Errors{"--set:1:1: error: unknown table [machin]; did you mean [machine]?"});
}

TEST(LoadScenarioOverrides, CannotReachInsideProcessArrays) {
  EXPECT_EQ(errors_of(kOneThread, {"process.name=x"}),
            Errors{"--set:1:1: error: --set cannot reach inside [[process]] arrays: change "
                   "'process.name' in the scenario file instead"});
}

TEST(LoadScenarioOverrides, ReportMalformedOverrides) {
  EXPECT_EQ(errors_of(kOneThread, {"kernel.quantum", "kernel..quantum=5ms"}),
            (Errors{"--set:1:1: error: malformed override 'kernel.quantum': expected KEY=VALUE, "
                    "like kernel.quantum=5ms",
                    "--set:2:1: error: malformed override 'kernel..quantum=5ms': "
                    "'kernel..quantum' is not a key like kernel.quantum"}));
}

// Checks that file errors come first, then override errors in order.
TEST(LoadScenarioOverrides, ReportAfterTheFileErrors) {
  EXPECT_EQ(errors_of(with_thread("seed = \"x\"\n"), {"machine.cores=0"}),
            (Errors{"s.toml:1:8: error: 'seed' must be an integer, got the string \"x\"",
                    "--set:1:15: error: 'cores' must be between 1 and 64, got 0"}));
}

// --- files and formatting --------------------------------------------------------------------

TEST(Diagnostic, FormatsWithAndWithoutAPosition) {
  EXPECT_EQ((Diagnostic{"a.toml", 3, 7, "bad"}).format(), "a.toml:3:7: error: bad");
  EXPECT_EQ((Diagnostic{"a.toml", 0, 0, "bad"}).format(), "a.toml: error: bad");
}

TEST(LoadScenarioFile, ReportsAFileThatCannotBeRead) {
  const LoadResult result = load_scenario_file("/nonexistent/dir/s.toml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_FALSE(result.scenario);
  EXPECT_EQ(result.errors[0].format(),
            "/nonexistent/dir/s.toml: error: cannot read the file: No such file or directory");
}

TEST(LoadScenarioFile, UsesThePathAsSourceAndDefaultName) {
  char path[] = "/tmp/iosim_scenario_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  FILE* f = fdopen(fd, "w");
  std::fputs(std::string(kOneThread).c_str(), f);
  std::fclose(f);
  const LoadResult result = load_scenario_file(path, {"machine.cores=2"});
  std::remove(path);
  ASSERT_TRUE(result.scenario);
  EXPECT_EQ(result.scenario->source, path);
  EXPECT_EQ(result.scenario->name, path);
  EXPECT_EQ(result.scenario->machine.cores, 2);
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

TEST(LoadScenarioIo, MapsTheTimerAndCompletionKeys) {
  const Scenario s = load_ok(with_thread(R"([kernel]
timer = "periodic"
tick = "4ms"
disk_driver = "pio"
completion = "polling"
poll_interval = "10us"
)"));
  EXPECT_EQ(s.kernel.timer, TimerMode::kPeriodic);
  EXPECT_EQ(s.kernel.tick, 4'000'000);
  EXPECT_EQ(s.kernel.io.transfer, TransferMode::kPio);
  EXPECT_EQ(s.kernel.io.completion, CompletionMode::kPolling);
  EXPECT_EQ(s.kernel.io.poll_interval, 10'000);
}

TEST(LoadScenarioIo, MapsTheNetworkCardAndItsServer) {
  const Scenario s = load_ok(with_thread(R"([machine.nic]
bandwidth = "1Gbit/s"
link_latency = "2ms"
max_in_flight = 100
max_transfer = "4MiB"
dma_burst = "256B"
[machine.nic.server]
latency = "uniform"
min = "10ms"
max = "30ms"
)"));
  const NicParams& nic = s.machine.nic;
  EXPECT_EQ(nic.bandwidth, 125'000'000u) << "1 Gbit/s is 125 MB/s";
  EXPECT_EQ(nic.link_latency, 2'000'000);
  EXPECT_EQ(nic.max_in_flight, 100u);
  EXPECT_EQ(nic.max_transfer, 4u << 20);
  EXPECT_EQ(nic.dma_burst, 256u);
  EXPECT_EQ(nic.server.kind(), LatencyDistribution::Kind::kUniform);
}

TEST(LoadScenarioIo, EachServerDistributionNeedsItsParameters) {
  EXPECT_EQ(errors_of(with_thread("[machine.nic.server]\nlatency = \"normal\"\nmean = \"5ms\"\n")),
            (Errors{"s.toml:2:11: error: a normal server latency needs 'stddev' in "
                    "[machine.nic.server]"}));
  EXPECT_EQ(errors_of(with_thread("[machine.nic.server]\nlatency = \"uniform\"\nmin = \"9ms\"\n"
                                  "max = \"5ms\"\n")),
            (Errors{"s.toml:4:7: error: 'max' (5ms) must not be less than 'min' (9ms)"}));
  EXPECT_EQ(errors_of(with_thread("[machine.nic.server]\nlatency = \"poisson\"\n")).size(), 1u);
}

TEST(LoadScenarioIo, ABandwidthNeedsABandwidthUnit) {
  EXPECT_EQ(errors_of(with_thread("[machine.nic]\nbandwidth = \"100Mbps\"\n")),
            (Errors{"s.toml:2:17: error: 'bandwidth': '100Mbps' is not a bandwidth: unknown "
                    "bandwidth unit 'Mbps' (expected bit/s, kbit/s, Mbit/s, Gbit/s, B/s, kB/s, "
                    "MB/s, GB/s, KiB/s, MiB/s or GiB/s); did you mean 'Mbit/s'?"}));
}

TEST(LoadScenarioIo, AFetchLargerThanTheCardsLargestTransferIsAnError) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "fetch 2MiB"
)"),
            (Errors{"s.toml:5:14: error: fetch of 2MiB is larger than the network card's "
                    "max_transfer (1MiB)"}));
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// --- scheduling policies, memory and costs ---------------------------------------------

TEST(LoadScenarioKernel, MapsThePolicyMemoryAndCostKeys) {
  const Scenario s = load_ok(with_thread(R"(seed = 7
[machine]
cores = 4
ram = "2GiB"
[kernel]
policy = "fcfs"
quantum = "4ms"
queues = "per-core"
gil_switch_interval = "2ms"
[kernel.priority]
preemptive = false
aging = "100ms"
[kernel.mlfq]
levels = 2
quanta = ["5ms", "15ms"]
allotment = "30ms"
boost = "0s"
[kernel.cfs]
latency = "12ms"
min_granularity = "2ms"
wakeup_granularity = "0.5ms"
[kernel.costs]
thread_spawn = "30us"
process_spawn = "2ms"
python_startup = "25ms"
process_exit = "200us"
task_spawn = "3us"
task_switch = "1500ns"
lock = "60ns"
shared_add = "30ns"
ipc_message = "10us"
ipc_byte = "2ns"
[kernel.memory]
thread_stack = "1MiB"
thread_kernel = "8KiB"
task = "1KiB"
native_process = "2MiB"
python_process = "20MiB"
on_exhausted = "continue"
)"));
  const KernelSpec& k = s.kernel;
  EXPECT_EQ(k.policy, "fcfs");
  EXPECT_EQ(k.gil_switch_interval, 2'000'000);
  const PolicyParams& p = k.policy_params;
  EXPECT_EQ(p.quantum, 4'000'000) << "copied from kernel.quantum";
  EXPECT_EQ(p.cores, 4) << "copied from machine.cores";
  EXPECT_EQ(p.seed, 7u) << "copied from seed";
  EXPECT_TRUE(p.per_core_queues);
  EXPECT_FALSE(p.priority.preemptive);
  EXPECT_EQ(p.priority.aging, 100'000'000);
  EXPECT_EQ(p.mlfq.levels, 2);
  EXPECT_EQ(p.mlfq.quanta, (std::vector<Ns>{5'000'000, 15'000'000}));
  EXPECT_EQ(p.mlfq.allotment, 30'000'000);
  EXPECT_EQ(p.mlfq.boost, 0);
  EXPECT_EQ(p.cfs.latency, 12'000'000);
  EXPECT_EQ(p.cfs.min_granularity, 2'000'000);
  EXPECT_EQ(p.cfs.wakeup_granularity, 500'000);
  const KernelCosts& c = k.costs;
  EXPECT_EQ(c.thread_spawn, 30'000);
  EXPECT_EQ(c.process_spawn, 2'000'000);
  EXPECT_EQ(c.python_startup, 25'000'000);
  EXPECT_EQ(c.process_exit, 200'000);
  EXPECT_EQ(c.task_spawn, 3'000);
  EXPECT_EQ(c.task_switch, 1'500);
  EXPECT_EQ(c.lock, 60);
  EXPECT_EQ(c.shared_add, 30);
  EXPECT_EQ(c.ipc_message, 10'000);
  EXPECT_EQ(c.ipc_byte, 2);
  const MemoryConfig& m = k.memory;
  EXPECT_EQ(m.capacity, 2ull << 30) << "copied from machine.ram";
  EXPECT_EQ(m.thread_stack, 1u << 20);
  EXPECT_EQ(m.thread_kernel, 8u << 10);
  EXPECT_EQ(m.task, 1u << 10);
  EXPECT_EQ(m.native_process, 2u << 20);
  EXPECT_EQ(m.python_process, 20u << 20);
  EXPECT_FALSE(m.stop_when_exhausted);
}

// Checks that every built-in policy name is accepted as it is listed.
TEST(LoadScenarioKernel, AcceptsEveryBuiltInPolicy) {
  for (const std::string& name : builtin_policy_names()) {
    EXPECT_EQ(load_ok(kOneThread, {"kernel.policy=" + name}).kernel.policy, name);
  }
}

// Checks that a policy library is found next to the scenario file, like a disk image.
TEST(LoadScenarioKernel, FindsAPolicyLibraryBesideTheScenario) {
  char dir[] = "/tmp/iosim_policy_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string library = std::string(dir) + "/mine.so";
  const std::string scenario = std::string(dir) + "/s.toml";
  std::FILE* f = std::fopen(library.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  f = std::fopen(scenario.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(with_thread("[kernel]\npolicy = \"mine.so\"\n").c_str(), f);
  std::fclose(f);
  const LoadResult result = load_scenario_file(scenario);
  std::remove(library.c_str());
  std::remove(scenario.c_str());
  rmdir(dir);
  ASSERT_TRUE(result.scenario) << (result.errors.empty() ? "" : result.errors[0].format());
  EXPECT_EQ(result.scenario->kernel.policy, library);
}

TEST(LoadScenarioKernelErrors, ReportsAPolicyLibraryThatCannotBeRead) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\npolicy = \"no-such-policy.so\"\n")),
            Errors{"s.toml:2:10: error: cannot read the policy library 'no-such-policy.so': No "
                   "such file or directory"});
}

TEST(LoadScenarioKernelErrors, SuggestsTheRunQueueLayout) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\nqueues = \"percore\"\n")),
            Errors{"s.toml:2:10: error: 'queues' must be \"global\" or \"per-core\", got "
                   "'percore'; did you mean \"per-core\"?"});
}

TEST(LoadScenarioKernelErrors, ReportsAZeroGilSwitchInterval) {
  EXPECT_EQ(errors_of(with_thread("[kernel]\ngil_switch_interval = \"0ms\"\n")),
            Errors{"s.toml:2:23: error: 'gil_switch_interval' must be greater than 0, got '0ms'"});
}

TEST(LoadScenarioKernelErrors, ReportsAFlagThatIsNotABoolean) {
  EXPECT_EQ(errors_of(with_thread("[kernel.priority]\npreemptive = \"yes\"\n")),
            Errors{"s.toml:2:14: error: 'preemptive' must be true or false, got the string "
                   "\"yes\": write true or false, without quotes"});
}

// Checks that MLFQ needs one quantum per level, whether quanta is given or default.
TEST(LoadScenarioKernelErrors, ReportsQuantaThatDoNotMatchTheLevels) {
  EXPECT_EQ(errors_of(with_thread("[kernel.mlfq]\nlevels = 4\nquanta = [\"10ms\", \"20ms\"]\n")),
            Errors{"s.toml:3:10: error: 'quanta' has 2 durations but 'levels' is 4: give one "
                   "quantum per level"});
  EXPECT_EQ(errors_of(with_thread("[kernel.mlfq]\nlevels = 4\n")),
            Errors{"s.toml:2:10: error: 'levels' is 4 but the default 'quanta' (10ms, 20ms, "
                   "40ms) has 3: set 'quanta' with one duration per level"});
}

// Checks that each quantum is checked where it is written, and a bad one is
// not also counted as a length mismatch.
TEST(LoadScenarioKernelErrors, ReportsABadQuantumInsideTheArray) {
  EXPECT_EQ(errors_of(with_thread("[kernel.mlfq]\nquanta = [\"10ms\", \"0ms\", 5]\n")),
            (Errors{"s.toml:2:19: error: 'quanta' must be greater than 0, got '0ms'",
                    "s.toml:2:26: error: 'quanta' must be a duration string like \"10ms\", got "
                    "an integer: the unit is required, e.g. \"5ms\""}));
  EXPECT_EQ(errors_of(with_thread("[kernel.mlfq]\nquanta = \"10ms\"\n")),
            Errors{"s.toml:2:10: error: 'quanta' must be an array of durations, got a string: "
                   "write [\"10ms\"]"});
}

TEST(LoadScenarioKernelErrors, ReportsAMinGranularityLongerThanTheLatency) {
  EXPECT_EQ(errors_of(with_thread("[kernel.cfs]\nlatency = \"2ms\"\nmin_granularity = \"3ms\"\n")),
            Errors{"s.toml:3:19: error: 'min_granularity' (3ms) must not be longer than "
                   "'latency' (2ms)"});
  EXPECT_EQ(errors_of(with_thread("[kernel.cfs]\nlatency = \"2ms\"\n")),
            Errors{"s.toml:2:11: error: 'latency' (2ms) is shorter than the default "
                   "'min_granularity' (3ms): set a shorter min_granularity"});
}

// --- processes, threads, coroutines, pools, queues, shared objects ---------------------

TEST(LoadScenarioWorkload, MapsEveryWorkloadKey) {
  const Scenario s = load_ok(R"([machine]
cores = 4
[shared]
size = "1MiB"
locks = ["g"]
semaphores = { slots = 3 }
conditions = { changed = "g" }
variables = { total = 10 }
[[queue]]
name = "jobs"
capacity = "4KiB"
[[queue]]
name = "results"
[[process]]
name = "app"
runtime = "python"
count = 3
locks = ["m", "n"]
semaphores = { b = 2, a = 0 }
conditions = { ready = "n", done = "m" }
variables = { counter = -5 }
  [[process.thread]]
  name = "main"
  program = "yield"
  [[process.thread]]
  name = "worker"
  count = 8
  daemon = true
  priority = -3
  nice = 19
  tickets = 250
  expected = "40ms"
  affinity = [3, 1]
  program = "compute 1ms"
  [[process.coroutine]]
  name = "handler"
  program = "compute 2ms"
  [[process.pool]]
  name = "cpu"
  kind = "process"
  workers = 2
  send = "1KiB"
  result = "64B"
  program = "compute 5ms"
)");
  const Workload& w = s.workload;
  EXPECT_EQ(w.shared_bytes, 1u << 20);
  EXPECT_EQ(w.shared.locks, std::vector<std::string>{"g"});
  ASSERT_EQ(w.shared.semaphores.size(), 1u);
  EXPECT_EQ(w.shared.semaphores[0].name, "slots");
  EXPECT_EQ(w.shared.semaphores[0].initial, 3u);
  ASSERT_EQ(w.shared.conditions.size(), 1u);
  EXPECT_EQ(w.shared.conditions[0].name, "changed");
  EXPECT_EQ(w.shared.conditions[0].lock, 0u);
  ASSERT_EQ(w.shared.variables.size(), 1u);
  EXPECT_EQ(w.shared.variables[0].initial, 10);

  ASSERT_EQ(w.queues.size(), 2u);
  EXPECT_EQ(w.queues[0].name, "jobs");
  EXPECT_EQ(w.queues[0].capacity, 4096u);
  EXPECT_EQ(w.queues[1].capacity, QueueSpec{}.capacity);

  ASSERT_EQ(w.processes.size(), 1u);
  const ProcessSpec& app = w.processes[0];
  EXPECT_EQ(app.runtime, Runtime::kPython);
  EXPECT_EQ(app.count, 3u);
  EXPECT_EQ(app.objects.locks, (std::vector<std::string>{"m", "n"}));
  ASSERT_EQ(app.objects.semaphores.size(), 2u);
  EXPECT_EQ(app.objects.semaphores[0].name, "b") << "in file order, not sorted";
  EXPECT_EQ(app.objects.semaphores[0].initial, 2u);
  EXPECT_EQ(app.objects.semaphores[1].name, "a");
  EXPECT_EQ(app.objects.semaphores[1].initial, 0u);
  ASSERT_EQ(app.objects.conditions.size(), 2u);
  EXPECT_EQ(app.objects.conditions[0].name, "ready");
  EXPECT_EQ(app.objects.conditions[0].lock, 1u) << "ready uses lock 'n'";
  EXPECT_EQ(app.objects.conditions[1].lock, 0u) << "done uses lock 'm'";
  ASSERT_EQ(app.objects.variables.size(), 1u);
  EXPECT_EQ(app.objects.variables[0].name, "counter");
  EXPECT_EQ(app.objects.variables[0].initial, -5);

  ASSERT_EQ(app.threads.size(), 2u);
  const ThreadSpec& worker = app.threads[1];
  EXPECT_EQ(worker.count, 8u);
  EXPECT_TRUE(worker.daemon);
  EXPECT_EQ(worker.priority, -3);
  EXPECT_EQ(worker.nice, 19);
  EXPECT_EQ(worker.tickets, 250u);
  EXPECT_EQ(worker.expected, 40'000'000);
  EXPECT_EQ(worker.affinity, 0b1010u) << "cores 1 and 3";

  ASSERT_EQ(app.coroutines.size(), 1u);
  EXPECT_EQ(app.coroutines[0].name, "handler");
  ASSERT_EQ(app.coroutines[0].program.ops.size(), 1u);
  EXPECT_EQ(app.coroutines[0].program.ops[0].duration, 2'000'000);

  ASSERT_EQ(app.pools.size(), 1u);
  const PoolSpec& cpu = app.pools[0];
  EXPECT_EQ(cpu.name, "cpu");
  EXPECT_EQ(cpu.kind, PoolKind::kProcess);
  EXPECT_EQ(cpu.workers, 2u);
  EXPECT_EQ(cpu.send_bytes, 1024u);
  EXPECT_EQ(cpu.result_bytes, 64u);
  ASSERT_EQ(cpu.item.ops.size(), 1u);
  EXPECT_EQ(cpu.item.ops[0].duration, 5'000'000);
}

TEST(LoadScenarioWorkloadErrors, ReportsAnAffinityCoreTheMachineDoesNotHave) {
  EXPECT_EQ(errors_of(R"([machine]
cores = 2
[[process]]
name = "app"
  [[process.thread]]
  name = "t"
  affinity = [0, 2]
  program = "yield"
)"),
            Errors{"s.toml:7:18: error: 'affinity' lists core 2, but the machine has 2 cores "
                   "(numbered from 0): see [machine] cores"});
}

TEST(LoadScenarioWorkloadErrors, ReportsAnEmptyRepeatedOrImpossibleAffinity) {
  const std::string head =
      "[[process]]\nname = \"app\"\n[[process.thread]]\nname = \"t\"\n"
      "program = \"yield\"\n";
  EXPECT_EQ(errors_of(head + "affinity = []\n"),
            Errors{"s.toml:6:12: error: 'affinity' must not be empty"});
  EXPECT_EQ(errors_of(head + "affinity = [1, 0, 1]\n"),
            Errors{"s.toml:6:19: error: 'affinity' lists 1 twice"});
  EXPECT_EQ(errors_of(head + "affinity = [64]\n"),
            Errors{"s.toml:6:13: error: 'affinity' must be between 0 and 63, got 64"});
}

TEST(LoadScenarioWorkloadErrors, ReportsSignedValuesOutOfRange) {
  const std::string head =
      "[[process]]\nname = \"app\"\n[[process.thread]]\nname = \"t\"\n"
      "program = \"yield\"\n";
  EXPECT_EQ(errors_of(head + "nice = 20\npriority = -1001\ntickets = 0\n"),
            (Errors{"s.toml:6:8: error: 'nice' must be between -20 and 19, got 20",
                    "s.toml:7:12: error: 'priority' must be between -1000 and 1000, got -1001",
                    "s.toml:8:11: error: 'tickets' must be between 1 and 1000000, got 0"}));
}

// Checks that a condition names one of the locks declared beside it, and
// that the steps using such a condition are not reported as well.
TEST(LoadScenarioWorkloadErrors, ReportsAConditionWithAnUnknownLock) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
locks = ["m"]
conditions = { ready = "mx", done = "zzz" }
  [[process.thread]]
  name = "t"
  program = "lock m; wait ready; notify done; unlock m"
)"),
            (Errors{"s.toml:4:24: error: unknown lock 'mx' for condition 'ready' in process "
                    "'app': did you mean 'm'?",
                    "s.toml:4:37: error: unknown lock 'zzz' for condition 'done' in process "
                    "'app': a condition's lock is one of the locks declared next to it (m)"}));
  EXPECT_EQ(errors_of(with_thread("[shared]\nlocks = [\"lock\"]\nconditions = { c = \"lok\" }\n")),
            Errors{"s.toml:3:20: error: unknown lock 'lok' for condition 'c' in [shared]: did "
                   "you mean 'lock'?"});
}

TEST(LoadScenarioWorkloadErrors, ReportsBadSyncObjectDeclarations) {
  EXPECT_EQ(errors_of(with_thread(R"([shared]
locks = ["m", "m"]
semaphores = { "my sem" = 1, s = -1 }
variables = [1]
)")),
            (Errors{"s.toml:2:15: error: 'locks' lists 'm' twice",
                    "s.toml:3:16: error: 'semaphores': 'my sem' is not a name: use letters, "
                    "digits, '_', '-' and '.'",
                    "s.toml:3:34: error: 'semaphores.s' must be between 0 and 1000000000, got -1",
                    "s.toml:4:13: error: 'variables' must be a table of names to integers, like "
                    "{ NAME = ... }, got an array"}));
}

// Checks that send and result, which only a process pool pickles, are
// refused on a thread pool, at the key.
TEST(LoadScenarioWorkloadErrors, ReportsSendOnAThreadPool) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "yield"
  [[process.pool]]
  name = "p"
  send = "1KiB"
  program = "compute 1ms"
)"),
            Errors{"s.toml:8:3: error: 'send' is only for process pools (kind = \"process\"): a "
                   "thread pool's work items share memory with their caller, nothing is sent"});
}

// Checks that threads, coroutines and pools of a process share one
// namespace, and that the later one in the file is reported.
TEST(LoadScenarioWorkloadErrors, ReportsAThreadAndACoroutineWithTheSameName) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.coroutine]]
  name = "work"
  program = "compute 1ms"
  [[process.thread]]
  name = "work"
  program = "yield"
)"),
            Errors{"s.toml:7:10: error: thread name 'work' in process 'app' is already the name "
                   "of a coroutine (line 4): threads, coroutines and pools of a process need "
                   "different names"});
}

TEST(LoadScenarioWorkloadErrors, ReportsMissingNamesAndProgramsOfCoroutinesAndPools) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "yield"
  [[process.coroutine]]
  program = "yield"
  [[process.pool]]
  name = "p"
[[queue]]
capacity = "0B"
)"),
            (Errors{"s.toml:6:3: error: missing 'name' in coroutine #1 of process 'app'",
                    "s.toml:8:3: error: missing 'program' in pool 'p' of process 'app'",
                    "s.toml:10:1: error: missing 'name' in queue #1",
                    "s.toml:11:12: error: 'capacity' must be between 1B and 1TiB, got '0B'"}));
}

TEST(LoadScenarioWorkloadErrors, ReportsDuplicateQueueNames) {
  EXPECT_EQ(errors_of(with_thread("[[queue]]\nname = \"q\"\n[[queue]]\nname = \"q\"\n")),
            Errors{"s.toml:4:8: error: duplicate queue name 'q' (first used on line 2): queue "
                   "names must be unique"});
}

// Programs name processes (spawn NAME), so process names follow the thread name rule.
TEST(LoadScenarioWorkloadErrors, ReportsAProcessNameWithASpace) {
  EXPECT_EQ(errors_of("[[process]]\nname = \"my app\"\n[[process.thread]]\nname = \"t\"\n"
                      "program = \"yield\"\n"),
            Errors{"s.toml:2:8: error: 'name' must be a non-empty name made of letters, digits, "
                   "'_', '-' and '.', got 'my app'"});
}

TEST(LoadScenarioWorkloadErrors, SaysWhereAMisplacedThreadKeyBelongs) {
  EXPECT_EQ(errors_of("[[process]]\nname = \"app\"\naffinity = [0]\n[[process.thread]]\n"
                      "name = \"t\"\nprogram = \"yield\"\n"),
            Errors{"s.toml:3:1: error: unknown key 'affinity' in [[process]]; 'affinity' belongs "
                   "in [[process.thread]]"});
}

TEST(LoadScenarioOverrides, CannotReachInsideQueueArrays) {
  EXPECT_EQ(errors_of(kOneThread, {"queue.name=x"}),
            Errors{"--set:1:1: error: --set cannot reach inside [[queue]] arrays: change "
                   "'queue.name' in the scenario file instead"});
}

// Checks that the per-transfer checks cover coroutines and pools' work items too.
TEST(LoadScenarioWorkloadErrors, ChecksTransfersInCoroutinesAndWorkItems) {
  EXPECT_EQ(errors_of(R"([machine]
ram = "64MiB"
[[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "yield"
  [[process.coroutine]]
  name = "c"
  program = "read 128MiB"
  [[process.pool]]
  name = "p"
  program = "write 1KiB at lba 999999999"
)"),
            (Errors{"s.toml:10:14: error: read of 128MiB is larger than RAM (64MiB)",
                    "s.toml:13:14: error: write at lba 999999999 for 2 sectors runs past the end "
                    "of the disk (2684016 sectors)"}));
}

// --- names in programs ------------------------------------------------------------------

// "thread 1", "shared lock 0": what a step's Ref points at, for comparisons.
std::string describe(const Ref& ref) {
  static const char* const kKinds[] = {"none",      "thread",   "process", "lock", "semaphore",
                                       "condition", "variable", "queue",   "pool", "coroutine"};
  return std::string(ref.shared ? "shared " : "") + kKinds[static_cast<int>(ref.kind)] + " " +
         std::to_string(ref.index);
}

std::vector<std::string> refs_of(const Program& program) {
  std::vector<std::string> out;
  for (const Op& op : program.ops) {
    if (!op.name.empty()) out.push_back(op.name + " -> " + describe(op.ref));
  }
  return out;
}

// Checks that every named step points at the right table and index: the
// process's own objects before [shared] ones, threads of the same process,
// processes, queues, pools and coroutines.
TEST(LoadScenarioPrograms, ResolvesEveryNamedStep) {
  const Scenario s = load_ok(R"([[queue]]
name = "jobs"
[shared]
locks = ["m", "g"]
variables = { total = 0 }
[[process]]
name = "app"
locks = ["m"]
semaphores = { slots = 2 }
conditions = { ready = "m" }
variables = { counter = 0 }
  [[process.thread]]
  name = "main"
  program = '''
  spawn worker
  spawn other
  lock m
  lock g
  acquire slots
  wait ready
  add counter 2
  add total
  send jobs 1KiB
  map cpu 4
  gather handler 3
  join worker
  '''
  [[process.thread]]
  name = "worker"
  program = "unlock m; release slots; notify ready; notify_all ready; recv jobs"
  [[process.coroutine]]
  name = "helper"
  program = "await sleep 1ms"
  [[process.coroutine]]
  name = "handler"
  program = "create_task helper; await helper; await run_in_executor cpu"
  [[process.pool]]
  name = "cpu"
  program = "compute 1ms"
[[process]]
name = "other"
  [[process.thread]]
  name = "t"
  program = "recv jobs"
)");
  ASSERT_EQ(s.workload.processes.size(), 2u);
  const ProcessSpec& app = s.workload.processes[0];
  EXPECT_EQ(refs_of(app.threads[0].program),
            (std::vector<std::string>{
                "worker -> thread 1", "other -> process 1", "m -> lock 0", "g -> shared lock 1",
                "slots -> semaphore 0", "ready -> condition 0", "counter -> variable 0",
                "total -> shared variable 0", "jobs -> queue 0", "cpu -> pool 0",
                "handler -> coroutine 1", "worker -> thread 1"}));
  EXPECT_EQ(refs_of(app.threads[1].program),
            (std::vector<std::string>{"m -> lock 0", "slots -> semaphore 0", "ready -> condition 0",
                                      "ready -> condition 0", "jobs -> queue 0"}));
  EXPECT_EQ(refs_of(app.coroutines[1].program),
            (std::vector<std::string>{"helper -> coroutine 0", "helper -> coroutine 0",
                                      "cpu -> pool 0"}));
  EXPECT_EQ(refs_of(s.workload.processes[1].threads[0].program),
            std::vector<std::string>{"jobs -> queue 0"});
  EXPECT_FALSE(app.threads[0].spawned) << "the main thread starts with its process";
  EXPECT_TRUE(app.threads[1].spawned) << "'spawn worker' starts it";
  EXPECT_FALSE(app.spawned);
  EXPECT_TRUE(s.workload.processes[1].spawned) << "'spawn other' starts it";
}

// Checks the did-you-mean for each kind of name, and the hint to declare
// one when nothing is close. Errors point at the statement.
TEST(LoadScenarioPrograms, SuggestsTheNameAnUnknownNameMeant) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
locks = ["m"]
  [[process.thread]]
  name = "t"
  program = '''
  lock mx
  acquire zzz
  send jbs 1KiB
  map cpus 2
  gather hadler
  spawn wrker
  lock mutex
  '''
  [[process.thread]]
  name = "worker"
  program = "yield"
  [[process.coroutine]]
  name = "handler"
  program = "await sleep 1ms"
  [[process.pool]]
  name = "cpu"
  program = "compute 1ms"
[[queue]]
name = "jobs"
)"),
            (Errors{"s.toml:7:3: error: unknown lock 'mx' in process 'app': did you mean 'm'?",
                    "s.toml:8:3: error: unknown semaphore 'zzz' in process 'app' (declare it: "
                    "semaphores = { zzz = 1 } in [[process]] or [shared])",
                    "s.toml:9:3: error: unknown queue 'jbs': did you mean 'jobs'?",
                    "s.toml:10:3: error: unknown pool 'cpus' in process 'app': did you mean "
                    "'cpu'?",
                    "s.toml:11:3: error: unknown coroutine 'hadler' in process 'app': did you "
                    "mean 'handler'?",
                    "s.toml:12:3: error: unknown thread or process 'wrker' in process 'app': did "
                    "you mean 'worker'?",
                    "s.toml:13:3: error: unknown lock 'mutex' in process 'app' (declared: 'm'; or "
                    "declare it: locks = [\"mutex\"] in [[process]] or [shared])"}));
}

TEST(LoadScenarioPrograms, ReportsASpawnTargetThatIsBothAThreadAndAProcess) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = "spawn other"
  [[process.thread]]
  name = "other"
  program = "yield"
[[process]]
name = "other"
  [[process.thread]]
  name = "t"
  program = "yield"
)"),
            Errors{"s.toml:5:14: error: 'other' is both a thread of process 'app' and a process: "
                   "rename one"});
}

// Checks that a second spawn statement, and a spawn in a loop, are reported.
TEST(LoadScenarioPrograms, ReportsAThreadSpawnedMoreThanOnce) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = '''
  spawn w
  repeat 2 { spawn v }
  '''
  [[process.thread]]
  name = "w"
  program = "yield"
  [[process.thread]]
  name = "v"
  program = "yield"
  [[process.thread]]
  name = "x"
  program = "spawn w"
)"),
            (Errors{"s.toml:7:14: error: 'v' is spawned more than once (inside a repeat block): "
                    "a thread or process starts once; give it count = N for several",
                    "s.toml:17:14: error: 'w' is spawned more than once (also on line 6): a "
                    "thread or process starts once; give it count = N for several"}));
}

TEST(LoadScenarioPrograms, ReportsSpawningTheMainThreadItselfOrItsOwnProcess) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "main"
  program = "yield"
  [[process.thread]]
  name = "t"
  program = "spawn main; spawn t; spawn app; join t"
)"),
            (Errors{"s.toml:8:14: error: cannot spawn 'main': it is the main thread of process "
                    "'app' (its first [[process.thread]]), which starts with its process",
                    "s.toml:8:26: error: thread 't' cannot spawn itself",
                    "s.toml:8:35: error: cannot spawn 'app': it is the process this program runs "
                    "in",
                    "s.toml:8:46: error: thread 't' cannot join itself"}));
}

TEST(LoadScenarioPrograms, ReportsAwaitOutsideACoroutine) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "await sleep 1ms; create_task c; gather c 2"
  [[process.coroutine]]
  name = "c"
  program = "await sleep 1ms"
)"),
            (Errors{"s.toml:5:14: error: 'await' is only allowed inside a coroutine "
                    "([[process.coroutine]]); a thread runs coroutines with 'gather NAME N'",
                    "s.toml:5:31: error: 'create_task' is only allowed inside a coroutine "
                    "([[process.coroutine]]); a thread runs coroutines with 'gather NAME N'"}));
}

TEST(LoadScenarioPrograms, ReportsMapAndGatherInAWorkItem) {
  EXPECT_EQ(errors_of(R"([[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "map p 2"
  [[process.coroutine]]
  name = "c"
  program = "await sleep 1ms"
  [[process.pool]]
  name = "p"
  program = "map p 2; gather c"
)"),
            (Errors{"s.toml:11:14: error: 'map' is not allowed in the work item of pool 'p': a "
                    "pool worker runs plain code, not pools or event loops",
                    "s.toml:11:23: error: 'gather' is not allowed in the work item of pool 'p': "
                    "a pool worker runs plain code, not pools or event loops"}));
}

TEST(LoadScenarioPrograms, ReportsAMessageLargerThanItsQueue) {
  EXPECT_EQ(errors_of(R"([[queue]]
name = "q"
capacity = "1KiB"
[[process]]
name = "app"
  [[process.thread]]
  name = "t"
  program = "send q 1KiB; send q 2KiB"
)"),
            Errors{"s.toml:8:27: error: send of 2KiB is larger than queue 'q' (capacity 1KiB): a "
                   "message must fit in the queue"});
}

}  // namespace
}  // namespace iosim
