#include "app/scenario_loader.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

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

  ASSERT_EQ(s.processes.size(), 2u);
  EXPECT_EQ(s.processes[0].name, "app");
  ASSERT_EQ(s.processes[0].threads.size(), 2u);
  const ThreadSpec& reader = s.processes[0].threads[0];
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

  const ThreadSpec& cruncher = s.processes[0].threads[1];
  EXPECT_EQ(cruncher.name, "cruncher");
  EXPECT_EQ(cruncher.start, 0);
  ASSERT_EQ(cruncher.program.ops.size(), 1u);
  EXPECT_EQ(cruncher.program.ops[0].cycles, 2000u);
  EXPECT_EQ(cruncher.program.ops[0].line, 72);  // program = "compute ...": after the quote
  EXPECT_EQ(cruncher.program.ops[0].column, 14);

  EXPECT_EQ(s.processes[1].name, "other");
  ASSERT_EQ(s.processes[1].threads.size(), 1u);
  EXPECT_EQ(s.processes[1].threads[0].name, "sleeper.1");
  EXPECT_EQ(s.processes[1].threads[0].program.ops.size(), 3u);
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
  ASSERT_EQ(s.processes.size(), 1u);
  ASSERT_EQ(s.processes[0].threads.size(), 1u);
  EXPECT_EQ(s.processes[0].threads[0].start, 0);
}

// Checks that an inline array of inline tables is as good as [[process]].
TEST(LoadScenario, AcceptsInlineTablesForProcessesAndThreads) {
  const Scenario s =
      load_ok(R"(process = [{name = "a", thread = [{name = "t", program = "yield"}]}])");
  ASSERT_EQ(s.processes.size(), 1u);
  EXPECT_EQ(s.processes[0].threads[0].name, "t");
}

// --- TOML syntax --------------------------------------------------------------------

// Checks that a syntax error is the only diagnostic, at toml++'s position.
TEST(LoadScenarioErrors, ReportsATomlSyntaxErrorAlone) {
  const Errors errors = errors_of("[machine]\ncores = 2 x\nbogus = 1\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("s.toml:2:11: error: ", 0), 0u) << errors[0];
}

// --- unknown keys -------------------------------------------------------------------

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
            Errors{"s.toml:2:9: error: 'cores' must be an integer, got a string"});
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
            Errors{"s.toml:1:1: error: 'process' must be an array of tables ([[process]]), got "
                   "a table"});
}

// --- units and ranges -------------------------------------------------------------------

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
            (Errors{"s.toml:2:10: error: 'policy' must be \"fcfs\" or \"rr\", got 'RR'; did you "
                    "mean \"rr\"?",
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

// Checks the sum of the threads' buffers (largest transfer each, whole
// sectors, rounded up to 4 KiB) against RAM minus the kernel's MiB.
TEST(LoadScenarioErrors, ReportsBuffersThatDoNotFitInRam) {
  const std::string threads = R"(
[[process]]
name = "app"
  [[process.thread]]
  name = "a"
  program = "read 2MiB; read 1KiB"
  [[process.thread]]
  name = "b"
  program = "write 1000KiB"
)";
  // 2 MiB + 1000 KiB = 3048 KiB > 3 MiB - 1 MiB
  EXPECT_EQ(errors_of("[machine]\nram = \"3MiB\"\n" + threads),
            Errors{"s.toml:2:7: error: 'ram' (3MiB) is too small: the threads' buffers need "
                   "3048KiB (each thread's largest read or write, in whole sectors, rounded up "
                   "to 4KiB) and the kernel reserves 1MiB"});
  EXPECT_TRUE(errors_of("[machine]\nram = \"4MiB\"\n" + threads).empty());
}

// --- several errors ------------------------------------------------------------------------

// Checks that loading does not stop at the first error and reports in file order.
TEST(LoadScenarioErrors, CollectsEveryErrorInFileOrder) {
  EXPECT_EQ(errors_of(R"([kernel]
quantum = "5mss"
policy = "lottery"
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
                    "s.toml:3:10: error: 'policy' must be \"fcfs\" or \"rr\", got 'lottery'",
                    "s.toml:5:9: error: 'cores' must be between 1 and 64, got 0",
                    "s.toml:6:1: error: unknown key 'clok' in [machine]; did you mean 'clock'?",
                    "s.toml:9:3: error: missing 'program' in thread 't' of process 'app'"}));
}

// Checks that columns count bytes, like the program notation's, even after
// a multi-byte character on the same line.
TEST(LoadScenarioErrors, CountsColumnsInBytes) {
  EXPECT_EQ(errors_of(with_thread("machine = { ram_latency = \"1µs\", cores = \"x\" }\n")),
            Errors{"s.toml:1:43: error: 'cores' must be an integer, got a string"});
}

// Checks that a UTF-8 byte order mark does not shift the columns of line 1.
TEST(LoadScenarioErrors, CountsColumnsAfterAByteOrderMark) {
  EXPECT_EQ(errors_of(with_thread("\xEF\xBB\xBFseed = \"x\"\n")),
            Errors{"s.toml:1:8: error: 'seed' must be an integer, got a string"});
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
            Errors{"--set:1:1: error: unknown key 'machin' at the top level; did you mean "
                   "'machine'?"});
}

TEST(LoadScenarioOverrides, CannotReachInsideProcessArrays) {
  EXPECT_EQ(errors_of(kOneThread, {"process.name=x"}),
            Errors{"--set:1:1: error: --set cannot reach inside [[process]] arrays"});
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
            (Errors{"s.toml:1:8: error: 'seed' must be an integer, got a string",
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
                    "MB/s, GB/s, KiB/s, MiB/s or GiB/s)"}));
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
