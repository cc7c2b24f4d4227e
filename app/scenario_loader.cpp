// Scenario files: TOML in, a validated Scenario or every problem with its
// position out. The keys, their types, ranges and where they go in the
// Scenario are all in one place, the schema tables below; the code around them
// is generic, except for the checks that involve more than one key. The names
// programs use are resolved last, once everything is read (app/program_linker.h).
#include "app/scenario_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <sstream>
#include <tuple>
#include <utility>

#include "app/program_linker.h"
#include "app/program_parser.h"
#include "kernel/io_buffer.h"  // transfer_bytes, round_up
#include "kernel/policies/policy_registry.h"
#include "sim/did_you_mean.h"
#include "sim/units.h"

namespace iosim {
namespace {

constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kKiB = 1ULL << 10;
constexpr std::uint64_t kMiB = 1ULL << 20;
constexpr std::uint64_t kTiB = 1ULL << 40;
constexpr std::uint64_t kMHz = 1'000'000;
constexpr std::uint64_t kGHz = 1'000'000'000;
constexpr std::uint64_t kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr std::string_view kOverrideFile = "--set";

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? kNoLimit : product;
}

// ===========================================================================
// The schema

enum class Kind {
  kInteger,    // a TOML integer, >= 0
  kSigned,     // a TOML integer that may be negative
  kBool,       // true or false
  kString,     // a TOML string
  kDuration,   // a string with a unit: "10ms"
  kSize,       // "64KiB"
  kFrequency,  // "2GHz"
  kRpm,        // "7200rpm"
  kBandwidth,  // "100Mbit/s", read in bits per second
  kProgram,    // a string in the program notation
  kTable,      // [a.b]
  kTableArray  // [[a]]
};

// How many values a key holds: one, an array of them (affinity = [0, 2]),
// or a table of names to them (semaphores = { slots = 2 }).
enum class Form { kOne, kArray, kNamed };

// What a key accepts (for kArray and kNamed: what each element accepts).
struct Rule {
  Kind kind;
  std::uint64_t min = 0;  // integers and quantities, in base units (ns, B, Hz, rpm)
  std::uint64_t max = kNoLimit;
  std::string_view example = {};  // quantities: a valid value, shown in messages
  // Rules a range cannot express, and the words that state them in messages.
  bool (*accept)(std::uint64_t) = nullptr;
  bool (*accept_text)(std::string_view) = nullptr;
  std::string_view requirement = {};  // with `choices`: the words for what `alternative` accepts
  const std::vector<std::string>& (*choices)() = nullptr;  // the value read is the index
  bool (*alternative)(std::string_view) = nullptr;  // accepted besides `choices` (index = size)
  bool required = false;
  std::string_view if_missing = {};  // overrides "missing 'KEY' in OWNER"; {} is the owner
  std::int64_t low = std::numeric_limits<std::int64_t>::min();  // kSigned: the range
  std::int64_t high = std::numeric_limits<std::int64_t>::max();
  Form form = Form::kOne;
  bool distinct = false;   // kArray: no element twice
  bool non_empty = false;  // kArray: at least one element
};

struct Value {
  std::uint64_t number = 0;  // integers and quantities in base units; the index of a choice; bools
  std::int64_t integer = 0;  // kSigned
  std::string text;
  Program program;
  std::vector<Value> items;        // kArray and kNamed: the elements, in file order
  std::vector<std::string> names;  // kNamed: the elements' names
};

class Loader;
struct Scope;

template <typename T>
struct Field {
  std::string_view key;
  Rule rule;
  void (*store)(T&, Value&) = nullptr;  // nullptr: the value is only checked
  const Field<T>* fields = nullptr;     // kTable: its keys
  std::size_t field_count = 0;
  void (Loader::*read_entries)(const toml::array&, T&, const Scope&) = nullptr;  // kTableArray
};

// Shorthands for the schema rows.
constexpr Rule integer(std::uint64_t min, std::uint64_t max = kNoLimit) {
  return {Kind::kInteger, min, max};
}
constexpr Rule signed_integer(std::int64_t low, std::int64_t high) {
  return {.kind = Kind::kSigned, .low = low, .high = high};
}
constexpr Rule boolean() {
  return {Kind::kBool};
}
constexpr Rule duration(std::string_view example) {
  return {Kind::kDuration, 0, kNoLimit, example};
}
constexpr Rule positive_duration(std::string_view example) {
  return {Kind::kDuration, 1, kNoLimit, example};
}
constexpr Rule size(std::string_view example, std::uint64_t min, std::uint64_t max) {
  return {Kind::kSize, min, max, example};
}
constexpr Rule choice(const std::vector<std::string>& (*choices)()) {
  return {.kind = Kind::kString, .choices = choices};
}
constexpr Rule required(Rule rule) {
  rule.required = true;
  return rule;
}
constexpr Rule array_of(Rule element, bool distinct = false, bool non_empty = false) {
  element.form = Form::kArray;
  element.distinct = distinct;
  element.non_empty = non_empty;
  return element;
}
constexpr Rule named(Rule element) {
  element.form = Form::kNamed;
  return element;
}

// A [KEY] table whose keys are `fields`.
template <typename T, std::size_t N>
constexpr Field<T> table(std::string_view key, const Field<T> (&fields)[N]) {
  return {key, {Kind::kTable}, nullptr, fields, N};
}

// The scenario being built, and what can only be stored once other keys are known.
struct Draft {
  Scenario s;
  std::optional<std::uint64_t> max_transfer;  // becomes disk.max_sectors given sector_size
  std::optional<std::uint64_t> track_buffer;  // becomes hdd.track_buffer given sector_size
  // The server's latency distribution, built once all its keys are read.
  std::uint64_t server_kind = 0;  // index in latency_kinds()
  std::optional<Ns> server_mean, server_min, server_max, server_stddev;
};

const std::vector<std::string>& disk_types() {  // in DiskKind order
  static const std::vector<std::string> names{"hdd", "ssd"};
  return names;
}
const std::vector<std::string>& dma_modes() {  // burst mode is index 1
  static const std::vector<std::string> names{"cycle-stealing", "burst"};
  return names;
}
const std::vector<std::string>& irq_routings() {  // in IrqRouting order
  static const std::vector<std::string> names{"fixed", "round-robin", "least-busy"};
  return names;
}
const std::vector<std::string>& irq_priorities() {  // in IrqPriority order
  static const std::vector<std::string> names{"fixed", "rotating"};
  return names;
}
const std::vector<std::string>& irq_triggers() {  // in IrqTrigger order
  static const std::vector<std::string> names{"edge", "level"};
  return names;
}
const std::vector<std::string>& queue_policies() {  // in QueuePolicy order
  static const std::vector<std::string> names{"fcfs", "sstf", "look"};
  return names;
}
const std::vector<std::string>& sched_modes() {  // in SchedMode order
  static const std::vector<std::string> names{"preemptive", "cooperative"};
  return names;
}
const std::vector<std::string>& disk_drivers() {  // in TransferMode order
  static const std::vector<std::string> names{"dma", "pio"};
  return names;
}
const std::vector<std::string>& completion_modes() {  // in CompletionMode order
  static const std::vector<std::string> names{"interrupt", "polling"};
  return names;
}
const std::vector<std::string>& latency_kinds() {  // in LatencyDistribution::Kind order
  static const std::vector<std::string> names{"fixed", "uniform", "normal", "exponential"};
  return names;
}
const std::vector<std::string>& timer_modes() {  // in TimerMode order
  static const std::vector<std::string> names{"tickless", "periodic"};
  return names;
}
const std::vector<std::string>& run_queues() {  // per-core is index 1
  static const std::vector<std::string> names{"global", "per-core"};
  return names;
}
const std::vector<std::string>& on_exhausted() {  // "continue" is index 1
  static const std::vector<std::string> names{"stop", "continue"};
  return names;
}
const std::vector<std::string>& runtimes() {  // in Runtime order
  static const std::vector<std::string> names{"native", "python"};
  return names;
}
const std::vector<std::string>& pool_kinds() {  // in PoolKind order
  static const std::vector<std::string> names{"thread", "process"};
  return names;
}

bool is_sector_size(std::uint64_t bytes) {
  return bytes >= 512 && bytes <= 4 * kKiB && (bytes & (bytes - 1)) == 0;
}
bool is_pio_word(std::uint64_t bytes) {
  return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
}
bool is_non_empty(std::string_view text) {
  return !text.empty();
}
// Names appear in reports, timelines and VCD signal names, and programs
// refer to them (spawn NAME, lock NAME).
bool is_name(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}
// kernel.policy names a built-in policy or a shared library that implements one.
bool is_policy_library(std::string_view text) {
  return text.size() > 3 && text.ends_with(".so");
}

constexpr Rule kName{.kind = Kind::kString,
                     .accept_text = &is_name,
                     .requirement = "a non-empty name made of letters, digits, '_', '-' and '.'"};

// Keeps the schema rows to one line: stores the number read in a scenario member.
#define IOSIM_SET(member) [](Draft& d, Value& v) { d.s.member = v.number; }

const Field<Draft> kBusFields[] = {
    {"latency", duration("10ns"), IOSIM_SET(machine.bus.latency)},
    {"width", size("8B", 1, 4 * kKiB), IOSIM_SET(machine.bus.width)},
    {"cycle", duration("1ns"), IOSIM_SET(machine.bus.cycle)},
};

// Bandwidths are read in bits per second; devices count bytes.
#define IOSIM_SET_BYTES_PER_S(member) [](Draft& d, Value& v) { d.s.member = v.number / 8; }

const Field<Draft> kDiskFields[] = {
    // Both kinds.
    {"type", choice(&disk_types),
     [](Draft& d, Value& v) { d.s.machine.disk.kind = static_cast<DiskKind>(v.number); }},
    {"sector_size",
     {.kind = Kind::kSize,
      .example = "512B",
      .accept = &is_sector_size,
      .requirement = "a power of two from 512B to 4KiB"},
     [](Draft& d, Value& v) {
       d.s.machine.disk.hdd.sector_bytes = d.s.machine.disk.ssd.sector_bytes =
           static_cast<std::uint32_t>(v.number);
     }},
    {"controller_overhead", duration("2.2ms"),
     [](Draft& d, Value& v) { d.s.machine.disk.overhead = static_cast<Ns>(v.number); }},
    {"queue_depth", integer(1, 256), IOSIM_SET(machine.disk.queue_depth)},
    {"max_transfer", size("128KiB", 1, 16 * kMiB),
     [](Draft& d, Value& v) { d.max_transfer = v.number; }},
    {"image",
     {.kind = Kind::kString, .accept_text = &is_non_empty, .requirement = "a file path"},
     [](Draft& d, Value& v) { d.s.machine.disk_image = v.text; }},
    {"save_image",
     {.kind = Kind::kString, .accept_text = &is_non_empty, .requirement = "a file path"},
     [](Draft& d, Value& v) { d.s.machine.disk_save = v.text; }},
    {"policy", choice(&queue_policies),
     [](Draft& d, Value& v) { d.s.machine.disk.policy = static_cast<QueuePolicy>(v.number); }},
    // Hard disk mechanics (Ruemmler & Wilkes).
    {"rpm", {Kind::kRpm, 1, 100'000, "7200rpm"}, IOSIM_SET(machine.disk.hdd.rpm)},
    {"cylinders", integer(2, kU32Max), IOSIM_SET(machine.disk.hdd.cylinders)},
    {"heads", integer(1, kU32Max), IOSIM_SET(machine.disk.hdd.heads)},
    {"sectors_per_track", integer(1, kU32Max), IOSIM_SET(machine.disk.hdd.sectors_per_track)},
    {"seek_single", duration("3.64ms"), IOSIM_SET(machine.disk.hdd.seek_single)},
    {"seek_boundary", integer(2, kU32Max), IOSIM_SET(machine.disk.hdd.seek_boundary)},
    {"seek_a", duration("3.24ms"), IOSIM_SET(machine.disk.hdd.seek_a)},
    {"seek_b", duration("0.4ms"), IOSIM_SET(machine.disk.hdd.seek_b)},
    {"seek_c", duration("8ms"), IOSIM_SET(machine.disk.hdd.seek_c)},
    {"seek_e", duration("8us"), IOSIM_SET(machine.disk.hdd.seek_e)},
    {"head_switch", duration("1.6ms"), IOSIM_SET(machine.disk.hdd.head_switch)},
    {"track_buffer", size("128KiB", 0, 16 * kMiB),
     [](Draft& d, Value& v) { d.track_buffer = v.number; }},
    // Solid-state drive.
    {"page_size", size("4KiB", 512, 64 * kKiB), IOSIM_SET(machine.disk.ssd.page_bytes)},
    {"channels", integer(1, 64), IOSIM_SET(machine.disk.ssd.channels)},
    {"dies_per_channel", integer(1, 64), IOSIM_SET(machine.disk.ssd.dies_per_channel)},
    {"pages_per_die", integer(1, kNoLimit >> 20), IOSIM_SET(machine.disk.ssd.pages_per_die)},
    {"read_latency", duration("50us"), IOSIM_SET(machine.disk.ssd.read_latency)},
    {"program_latency", duration("500us"), IOSIM_SET(machine.disk.ssd.program_latency)},
    {"channel_bandwidth",
     {Kind::kBandwidth, 8, kNoLimit, "400MB/s"},
     IOSIM_SET_BYTES_PER_S(machine.disk.ssd.channel_bandwidth)},
    {"bandwidth",
     {Kind::kBandwidth, 8, kNoLimit, "1GB/s"},
     IOSIM_SET_BYTES_PER_S(machine.disk.ssd.bandwidth)},
};

// A latency, stored in the draft until the distribution can be built.
#define IOSIM_LATENCY(member) [](Draft& d, Value& v) { d.member = static_cast<Ns>(v.number); }

const Field<Draft> kServerFields[] = {
    {"latency", choice(&latency_kinds), [](Draft& d, Value& v) { d.server_kind = v.number; }},
    {"mean", duration("50ms"), IOSIM_LATENCY(server_mean)},
    {"min", duration("10ms"), IOSIM_LATENCY(server_min)},
    {"max", duration("90ms"), IOSIM_LATENCY(server_max)},
    {"stddev", duration("10ms"), IOSIM_LATENCY(server_stddev)},
};

#undef IOSIM_LATENCY

const Field<Draft> kNicFields[] = {
    {"bandwidth",
     {Kind::kBandwidth, 8, kNoLimit, "100Mbit/s"},
     [](Draft& d, Value& v) { d.s.machine.nic.bandwidth = v.number / 8; }},
    {"link_latency", duration("100us"), IOSIM_SET(machine.nic.link_latency)},
    {"max_in_flight", integer(1, 1'000'000), IOSIM_SET(machine.nic.max_in_flight)},
    {"max_transfer", size("1MiB", 1, 64 * kMiB), IOSIM_SET(machine.nic.max_transfer)},
    {"dma_burst", size("64B", 1, 64 * kKiB), IOSIM_SET(machine.nic.dma_burst)},
    table("server", kServerFields),
};

const Field<Draft> kDmaFields[] = {
    {"channels", integer(1, 8), IOSIM_SET(machine.dma_channels)},
    {"burst", size("64B", 1, 64 * kKiB), IOSIM_SET(machine.dma_burst)},
    {"mode", choice(&dma_modes), [](Draft& d, Value& v) { d.s.machine.dma_burst_mode = v.number; }},
};

const Field<Draft> kInterruptFields[] = {
    {"routing", choice(&irq_routings),
     [](Draft& d, Value& v) { d.s.machine.irq_routing = static_cast<IrqRouting>(v.number); }},
    {"priority", choice(&irq_priorities),
     [](Draft& d, Value& v) { d.s.machine.irq_priority = static_cast<IrqPriority>(v.number); }},
    {"trigger", choice(&irq_triggers),
     [](Draft& d, Value& v) { d.s.machine.irq_trigger = static_cast<IrqTrigger>(v.number); }},
};

const Field<Draft> kMachineFields[] = {
    {"cores", integer(1, 64), IOSIM_SET(machine.cores)},
    {"clock", {Kind::kFrequency, kMHz, 100 * kGHz, "2GHz"}, IOSIM_SET(machine.clock_hz)},
    {"ram", size("1GiB", kMiB, kTiB), IOSIM_SET(machine.ram_bytes)},
    {"ram_latency", duration("50ns"), IOSIM_SET(machine.ram_latency)},
    table("bus", kBusFields),
    table("disk", kDiskFields),
    table("dma", kDmaFields),
    table("nic", kNicFields),
    table("interrupts", kInterruptFields),
};

const Field<Draft> kCostFields[] = {
    {"context_switch", duration("2us"), IOSIM_SET(kernel.costs.context_switch)},
    {"syscall_entry", duration("200ns"), IOSIM_SET(kernel.costs.syscall_entry)},
    {"syscall_exit", duration("100ns"), IOSIM_SET(kernel.costs.syscall_exit)},
    {"irq_entry", duration("1us"), IOSIM_SET(kernel.costs.irq_entry)},
    {"irq_exit", duration("500ns"), IOSIM_SET(kernel.costs.irq_exit)},
    {"pio_word", duration("20ns"), IOSIM_SET(kernel.costs.pio_word)},
    {"poll", duration("100ns"), IOSIM_SET(kernel.costs.poll)},
    {"thread_spawn", duration("20us"), IOSIM_SET(kernel.costs.thread_spawn)},
    {"process_spawn", duration("1ms"), IOSIM_SET(kernel.costs.process_spawn)},
    {"python_startup", duration("20ms"), IOSIM_SET(kernel.costs.python_startup)},
    {"process_exit", duration("100us"), IOSIM_SET(kernel.costs.process_exit)},
    {"task_spawn", duration("2us"), IOSIM_SET(kernel.costs.task_spawn)},
    {"task_switch", duration("1us"), IOSIM_SET(kernel.costs.task_switch)},
    {"lock", duration("50ns"), IOSIM_SET(kernel.costs.lock)},
    {"shared_add", duration("20ns"), IOSIM_SET(kernel.costs.shared_add)},
    {"ipc_message", duration("20us"), IOSIM_SET(kernel.costs.ipc_message)},
    {"ipc_byte", duration("1ns"), IOSIM_SET(kernel.costs.ipc_byte)},
};

const Field<Draft> kMemoryFields[] = {
    {"thread_stack", size("8MiB", 0, kTiB), IOSIM_SET(kernel.memory.thread_stack)},
    {"thread_kernel", size("16KiB", 0, kTiB), IOSIM_SET(kernel.memory.thread_kernel)},
    {"task", size("2KiB", 0, kTiB), IOSIM_SET(kernel.memory.task)},
    {"native_process", size("1MiB", 0, kTiB), IOSIM_SET(kernel.memory.native_process)},
    {"python_process", size("10MiB", 0, kTiB), IOSIM_SET(kernel.memory.python_process)},
    {"on_exhausted", choice(&on_exhausted),
     [](Draft& d, Value& v) { d.s.kernel.memory.stop_when_exhausted = v.number == 0; }},
};

const Field<Draft> kPriorityFields[] = {
    {"preemptive", boolean(), IOSIM_SET(kernel.policy_params.priority.preemptive)},
    {"aging", duration("100ms"), IOSIM_SET(kernel.policy_params.priority.aging)},
};

const Field<Draft> kMlfqFields[] = {
    {"levels", integer(1, 16), IOSIM_SET(kernel.policy_params.mlfq.levels)},
    {"quanta", array_of(positive_duration("10ms")),
     [](Draft& d, Value& v) {
       std::vector<Ns>& quanta = d.s.kernel.policy_params.mlfq.quanta;
       quanta.clear();
       for (const Value& item : v.items) {
         quanta.push_back(static_cast<Ns>(item.number));
       }
     }},
    {"allotment", positive_duration("50ms"), IOSIM_SET(kernel.policy_params.mlfq.allotment)},
    {"boost", duration("1s"), IOSIM_SET(kernel.policy_params.mlfq.boost)},
};

const Field<Draft> kCfsFields[] = {
    {"latency", positive_duration("24ms"), IOSIM_SET(kernel.policy_params.cfs.latency)},
    {"min_granularity", positive_duration("3ms"),
     IOSIM_SET(kernel.policy_params.cfs.min_granularity)},
    {"wakeup_granularity", duration("1ms"), IOSIM_SET(kernel.policy_params.cfs.wakeup_granularity)},
};

const Field<Draft> kKernelFields[] = {
    {"policy",
     {.kind = Kind::kString,
      .requirement = "a policy library (a path ending in \".so\")",
      .choices = &builtin_policy_names,
      .alternative = &is_policy_library},
     [](Draft& d, Value& v) { d.s.kernel.policy = v.text; }},
    {"queues", choice(&run_queues),
     [](Draft& d, Value& v) { d.s.kernel.policy_params.per_core_queues = v.number == 1; }},
    {"mode", choice(&sched_modes),
     [](Draft& d, Value& v) { d.s.kernel.mode = static_cast<SchedMode>(v.number); }},
    {"quantum", positive_duration("10ms"), IOSIM_SET(kernel.quantum)},
    {"timer", choice(&timer_modes),
     [](Draft& d, Value& v) { d.s.kernel.timer = static_cast<TimerMode>(v.number); }},
    {"tick", positive_duration("1ms"), IOSIM_SET(kernel.tick)},
    {"disk_driver", choice(&disk_drivers),
     [](Draft& d, Value& v) { d.s.kernel.io.transfer = static_cast<TransferMode>(v.number); }},
    {"completion", choice(&completion_modes),
     [](Draft& d, Value& v) { d.s.kernel.io.completion = static_cast<CompletionMode>(v.number); }},
    {"poll_interval", duration("10us"), IOSIM_SET(kernel.io.poll_interval)},
    {"pio_word",
     {.kind = Kind::kSize,
      .example = "4B",
      .accept = &is_pio_word,
      .requirement = "1B, 2B, 4B or 8B"},
     IOSIM_SET(kernel.io.pio_word_bytes)},
    {"gil_switch_interval", positive_duration("5ms"), IOSIM_SET(kernel.gil_switch_interval)},
    table("costs", kCostFields),
    table("memory", kMemoryFields),
    table("priority", kPriorityFields),
    table("mlfq", kMlfqFields),
    table("cfs", kCfsFields),
};

const Field<Draft> kLimitsFields[] = {
    {"sim_time", positive_duration("3600s"), IOSIM_SET(limits.sim_time)},
    {"events", integer(1), IOSIM_SET(limits.events)},
    {"wall_time", positive_duration("600s"), IOSIM_SET(limits.wall_time)},
};

// Mutexes, semaphores, conditions and variables, of a process or of [shared].
SyncObjects& objects_of(ProcessSpec& process) {
  return process.objects;
}
SyncObjects& objects_of(Draft& draft) {
  return draft.s.workload.shared;
}
template <typename T>
void store_locks(T& target, Value& value) {
  for (Value& item : value.items) {
    objects_of(target).locks.push_back(std::move(item.text));
  }
}
template <typename T>
void store_semaphores(T& target, Value& value) {
  for (std::size_t i = 0; i < value.items.size(); ++i) {
    objects_of(target).semaphores.push_back({value.names[i], value.items[i].number});
  }
}
template <typename T>
void store_variables(T& target, Value& value) {
  for (std::size_t i = 0; i < value.items.size(); ++i) {
    objects_of(target).variables.push_back({value.names[i], value.items[i].integer});
  }
}
// Conditions are stored once the locks they name are known (Loader::link_conditions).
constexpr Rule kLocks = array_of(kName, true);
constexpr Rule kSemaphores = named(integer(0, 1'000'000'000));
constexpr Rule kConditions = named(kName);
constexpr Rule kVariables = named(signed_integer(std::numeric_limits<std::int64_t>::min(),
                                                 std::numeric_limits<std::int64_t>::max()));

const Field<Draft> kSharedFields[] = {
    {"size", size("0B", 0, kTiB), IOSIM_SET(workload.shared_bytes)},
    {"locks", kLocks, &store_locks<Draft>},
    {"semaphores", kSemaphores, &store_semaphores<Draft>},
    {"conditions", kConditions},
    {"variables", kVariables, &store_variables<Draft>},
};

#undef IOSIM_SET_BYTES_PER_S
#undef IOSIM_SET

// Keys that the checks across keys look at (dotted paths from the top level).
constexpr std::string_view kRamKey = "machine.ram";
constexpr std::string_view kCylindersKey = "machine.disk.cylinders";
constexpr std::string_view kHeadsKey = "machine.disk.heads";
constexpr std::string_view kSectorsPerTrackKey = "machine.disk.sectors_per_track";
constexpr std::string_view kSectorSizeKey = "machine.disk.sector_size";
constexpr std::string_view kTrackBufferKey = "machine.disk.track_buffer";
constexpr std::string_view kPageSizeKey = "machine.disk.page_size";
constexpr std::string_view kMaxTransferKey = "machine.disk.max_transfer";
constexpr std::string_view kQuantumKey = "kernel.quantum";
constexpr std::string_view kServerKey = "machine.nic.server.latency";
constexpr std::string_view kNicMaxTransferKey = "machine.nic.max_transfer";
constexpr std::string_view kSimTimeKey = "limits.sim_time";
constexpr std::string_view kCoresKey = "machine.cores";
constexpr std::string_view kPolicyKey = "kernel.policy";
constexpr std::string_view kLevelsKey = "kernel.mlfq.levels";
constexpr std::string_view kQuantaKey = "kernel.mlfq.quanta";
constexpr std::string_view kLatencyKey = "kernel.cfs.latency";
constexpr std::string_view kMinGranularityKey = "kernel.cfs.min_granularity";

// ===========================================================================
// Words for messages

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::string_view quantity_noun(Kind kind) {
  switch (kind) {
    case Kind::kDuration:
      return "duration";
    case Kind::kSize:
      return "size";
    case Kind::kFrequency:
      return "frequency";
    case Kind::kBandwidth:
      return "bandwidth";
    default:
      return "rotation speed";
  }
}

struct UnitName {
  std::uint64_t multiplier;
  std::string_view name;
};

// A quantity as a person would write it, exactly: 800000 ns -> "800us", 65536 B -> "64KiB".
std::string exact_text(Kind kind, std::uint64_t n) {
  static constexpr UnitName kDurations[] = {{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}};
  static constexpr UnitName kSizes[] = {
      {kTiB, "TiB"}, {1ULL << 30, "GiB"}, {kMiB, "MiB"}, {kKiB, "KiB"}};
  static constexpr UnitName kFrequencies[] = {{kGHz, "GHz"}, {kMHz, "MHz"}, {1'000, "kHz"}};
  static constexpr UnitName kBandwidths[] = {{kGHz, "Gbit/s"}, {kMHz, "Mbit/s"}, {1'000, "kbit/s"}};
  std::span<const UnitName> units;
  std::string_view base;
  switch (kind) {
    case Kind::kDuration:
      units = kDurations, base = "ns";
      break;
    case Kind::kSize:
      units = kSizes, base = "B";
      break;
    case Kind::kFrequency:
      units = kFrequencies, base = "Hz";
      break;
    case Kind::kRpm:
      base = "rpm";
      break;
    case Kind::kBandwidth:
      units = kBandwidths, base = "bit/s";
      break;
    default:
      break;
  }
  for (const UnitName& unit : units) {
    if (n != 0 && n % unit.multiplier == 0)
      return fmt::format("{}{}", n / unit.multiplier, unit.name);
  }
  return fmt::format("{}{}", n, base);
}

// The allowed values in words: "between 1 and 64", "greater than 0".
std::string requirement(const Rule& rule) {
  if (!rule.requirement.empty()) return std::string(rule.requirement);
  if (rule.kind == Kind::kSigned) return fmt::format("between {} and {}", rule.low, rule.high);
  if (rule.max != kNoLimit) {
    return fmt::format("between {} and {}", exact_text(rule.kind, rule.min),
                       exact_text(rule.kind, rule.max));
  }
  if (rule.min == 1 && rule.kind == Kind::kDuration) return "greater than 0";
  return fmt::format("at least {}", exact_text(rule.kind, rule.min));
}

bool allowed(const Rule& rule, std::uint64_t n) {
  return n >= rule.min && n <= rule.max && (!rule.accept || rule.accept(n));
}

// What a value is, for "got ...": its type, and a short string's text.
std::string got(const toml::node& node) {
  const auto* string = node.as_string();
  if (!string || string->get().size() > 40) return std::string(type_name(node));
  return fmt::format("the string \"{}\"", string->get());
}

// "2" for an integer, "true" for a flag: the right value in quotes.
std::string unquote_hint(const toml::node& node, std::string_view expected) {
  const auto* string = node.as_string();
  if (!string) return {};
  const std::string& text = string->get();
  const bool is_integer = !text.empty() && text.find_first_not_of("0123456789") == text.npos;
  const bool is_flag = text == "true" || text == "false";
  if ((expected == "an integer" && is_integer) || is_flag)
    return fmt::format(": write {} without quotes", text);
  if (expected == "true or false") return ": write true or false, without quotes";
  return {};
}

// "\"a\", \"b\" or \"c\"", and the alternative in words after them when there is one.
std::string choice_list(const std::vector<std::string>& choices,
                        std::string_view alternative = {}) {
  std::vector<std::string> words;
  for (const std::string& choice : choices) {
    words.push_back(fmt::format("\"{}\"", choice));
  }
  if (!alternative.empty()) words.emplace_back(alternative);
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

// What a string key accepts: its choices, or what `requirement` says.
std::string expected_text(const Rule& rule) {
  if (rule.alternative) return choice_list(rule.choices(), rule.requirement);
  if (!rule.requirement.empty()) return std::string(rule.requirement);
  return choice_list(rule.choices());
}

// "integers", "durations": the elements of an array or a table of names.
std::string_view plural_noun(Kind kind) {
  switch (kind) {
    case Kind::kInteger:
    case Kind::kSigned:
      return "integers";
    case Kind::kBool:
      return "booleans";
    case Kind::kString:
      return "strings";
    case Kind::kDuration:
      return "durations";
    case Kind::kSize:
      return "sizes";
    case Kind::kFrequency:
      return "frequencies";
    case Kind::kBandwidth:
      return "bandwidths";
    default:
      return "rotation speeds";
  }
}

// ===========================================================================
// Positions

// A text diagnostics point into. toml++ counts columns in code points, the
// program and unit parsers in bytes: every reported column is in bytes.
class SourceText {
 public:
  explicit SourceText(std::string text) : text_(std::move(text)) {
    // toml++ skips a UTF-8 byte order mark, and so do editors' column counts.
    line_starts_.push_back(text_.starts_with("\xEF\xBB\xBF") ? 3 : 0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  // The text from a (line, code point column) position to the end of the file.
  std::string_view from(int line, int codepoint_column) const {
    if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return {};
    std::size_t i = line_starts_[line - 1];
    for (int c = 1; c < codepoint_column && i < text_.size() && text_[i] != '\n'; ++c) {
      ++i;
      while (i < text_.size() && (static_cast<unsigned char>(text_[i]) & 0xC0) == 0x80)
        ++i;
    }
    return std::string_view(text_).substr(i);
  }

  std::string_view text() const { return text_; }

  int byte_column(int line, int codepoint_column) const {
    if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return codepoint_column;
    const std::string_view rest = from(line, codepoint_column);
    return static_cast<int>(text_.size() - rest.size() - line_starts_[line - 1]) + 1;
  }

 private:
  std::string text_;
  std::vector<std::size_t> line_starts_;
};

// Where nodes come from: the file, or one --set override, parsed as a
// document of its own ("KEY=VALUE") and merged into the file's table.
struct Origin {
  std::string file;
  int override_index;  // 0 for the file; the override's 1-based index, shown as its line
  SourceText text;
  std::shared_ptr<const std::string> toml_path;  // the path toml++ gave its nodes
};

// How a string value sits in the file, so that positions inside the string
// (program statements, units) can be turned into file positions.
struct StringLayout {
  enum Shape {
    kUnknown,          // escapes or an override: use the string's own position
    kSingleLine,       // '...' or "..."
    kMultiLineSame,    // '''text... : the first line starts after the delimiter
    kMultiLineTrimmed  // '''<newline>text... : TOML drops that newline
  };
  Shape shape = kUnknown;
  Diagnostic start;  // the opening delimiter

  Diagnostic map(int line, int column) const {
    Diagnostic d = start;
    switch (shape) {
      case kSingleLine:
        if (line == 1) d.column = start.column + column;
        break;
      case kMultiLineSame:
        d.line = start.line + line - 1;
        d.column = line == 1 ? start.column + 3 + column - 1 : column;
        break;
      case kMultiLineTrimmed:
        d.line = start.line + line;
        d.column = column;
        break;
      case kUnknown:
        break;
    }
    return d;
  }
};

StringLayout::Shape shape_of(std::string_view raw) {
  for (std::string_view delimiter : {"'''", "\"\"\""}) {
    if (raw.substr(0, 3) != delimiter) continue;
    const std::size_t end = raw.find(delimiter, 3);
    const std::string_view body = raw.substr(3, end == raw.npos ? raw.npos : end - 3);
    if (delimiter[0] == '"' && body.find('\\') != body.npos) return StringLayout::kUnknown;
    const bool trimmed = body.starts_with('\n') || body.starts_with("\r\n");
    return trimmed ? StringLayout::kMultiLineTrimmed : StringLayout::kMultiLineSame;
  }
  if (raw.starts_with('\'')) return StringLayout::kSingleLine;
  if (raw.starts_with('"')) {
    const std::string_view line = raw.substr(0, raw.find('\n'));
    return line.find('\\') == line.npos ? StringLayout::kSingleLine : StringLayout::kUnknown;
  }
  return StringLayout::kUnknown;
}

// ===========================================================================
// Parsing TOML. Debian's libtomlplusplus is built with exceptions (it exports
// only the toml::ex API), so that is the path taken; the other one keeps this
// file correct for a toml++ configured without them.

struct TomlResult {
  std::optional<toml::table> table;
  std::string error;
  toml::source_position position{};
};

// toml++ 3.3 walks the parsed tree recursively, one call per level of
// nesting, and overflows the stack at some 30,000 levels. Only dotted keys
// nest without its own limit (TOML_MAX_NESTED_VALUES), one level per '.', so
// a line with more dots than any scenario needs is refused before parsing.
constexpr int kMaxDotsPerLine = 1000;

// Where (line, and column in characters, as toml++ counts) a line has one dot too many.
std::optional<toml::source_position> too_many_dots(std::string_view text) {
  toml::source_index line = 1, column = 0;
  int dots = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++column;  // not a UTF-8 continuation
    if (c == '\n') {
      ++line, column = 0, dots = 0;
    } else if (c == '.' && ++dots > kMaxDotsPerLine) {
      return toml::source_position{line, column};
    }
  }
  return std::nullopt;
}

TomlResult parse_toml(std::string_view text, std::string_view path) {
  if (const auto at = too_many_dots(text)) {
    return {std::nullopt,
            fmt::format("more than {} '.' on one line: keys nested this deep are not read",
                        kMaxDotsPerLine),
            *at};
  }
#if TOML_EXCEPTIONS
  try {
    return {toml::parse(text, path), {}, {}};
  } catch (const toml::parse_error& e) {
    return {std::nullopt, std::string(e.description()), e.source().begin};
  }
#else
  toml::parse_result result = toml::parse(text, path);
  if (!result) {
    return {std::nullopt, std::string(result.error().description()), result.error().source().begin};
  }
  return {std::move(result).table(), {}, {}};
#endif
}

// ---------------------------------------------------------------------------
// TOML syntax errors in a student's words. toml++ says what its parser saw
// ("Error while parsing decimal integer: expected digit, saw 'm'"); the usual
// mistakes get what to write instead, and anything else keeps toml++'s words.

struct SyntaxError {
  int line = 1;
  int column = 1;  // in bytes
  std::string message;
};

// A NUL byte, or bytes that are not UTF-8, found before toml++ reports them
// vaguely (or one character off).
std::optional<SyntaxError> find_bad_byte(std::string_view text) {
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int column = static_cast<int>(i - line_start) + 1;
    if (c == '\n') {
      ++line, line_start = i + 1;
    } else if (c == 0) {
      return SyntaxError{line, column,
                         "the file contains a NUL byte (0x00): a scenario is a text file, remove "
                         "it"};
    } else if (c >= 0x80) {
      // Lead byte: how many continuation bytes follow, and the range of the
      // first one (which rules out overlong forms and surrogates).
      std::size_t n = 0;
      unsigned char low = 0x80, high = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) n = 1;
      if (c >= 0xE0 && c <= 0xEF)
        n = 2, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
      if (c >= 0xF0 && c <= 0xF4)
        n = 3, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
      bool valid = n > 0 && i + n < text.size();
      for (std::size_t k = 1; valid && k <= n; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        valid = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
      }
      if (!valid) {
        return SyntaxError{line, column,
                           fmt::format("byte 0x{:02X} is not UTF-8 text: save the scenario as "
                                       "UTF-8 (an editor's \"encoding\" setting)",
                                       static_cast<unsigned>(c))};
      }
      i += n;
    }
  }
  return std::nullopt;
}

bool is_bare_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// The text after the first '=' of a line, without the blanks around it and
// without a trailing comment (good enough for a value with no '#' in it).
std::string_view value_text(std::string_view line, std::size_t* begin) {
  const std::size_t equals = line.find('=');
  if (equals == line.npos) return {};
  std::size_t start = line.find_first_not_of(" \t", equals + 1);
  if (start == line.npos) start = line.size();
  std::string_view value = line.substr(start, line.find('#', start) - start);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r'))
    value.remove_suffix(1);
  *begin = start;
  return value;
}

// "5ms", "5 ms", "64KiB": a number with a unit, which TOML reads as neither.
bool is_unquoted_quantity(std::string_view value) {
  return units::parse_duration_ns(value) || units::parse_size_bytes(value) ||
         units::parse_frequency_hz(value) || units::parse_rpm(value) ||
         units::parse_bandwidth_bits(value);
}

// The word a value starts with at `index` (0-based): "rr", "None", "True".
std::string_view word_at(std::string_view line, std::size_t index, std::size_t* begin) {
  std::size_t start = std::min(index, line.size());
  while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '\t' && line[start - 1] != '=' &&
         line[start - 1] != ',' && line[start - 1] != '[' && line[start - 1] != '{')
    --start;
  std::size_t end = start;
  while (end < line.size() && std::string_view(" \t,]}#\r").find(line[end]) == line.npos)
    ++end;
  *begin = start;
  return line.substr(start, end - start);
}

// A value TOML cannot read: a word without quotes, null, True, 5ms.
std::optional<std::string> bare_value_message(std::string_view word) {
  if (word.empty()) return std::nullopt;
  if (word == "null" || word == "NULL" || word == "None" || word == "nil") {
    return fmt::format(
        "there is no null in TOML ('{}'): give a value, or leave the key out to "
        "get its default",
        word);
  }
  if (equal_ignoring_case(word, "true") || equal_ignoring_case(word, "false")) {
    return fmt::format("booleans are lower case: write {}, not {}",
                       equal_ignoring_case(word, "true") ? "true" : "false", word);
  }
  if (is_unquoted_quantity(word)) {
    return fmt::format("a quantity with a unit is a string: write \"{}\", in quotes", word);
  }
  if (std::all_of(word.begin(), word.end(),
                  [](char c) { return is_bare_key_char(c) || c == '.'; })) {
    return fmt::format("'{}' is not a value: a string is written in quotes, like \"{}\"", word,
                       word);
  }
  return std::nullopt;
}

// Where toml++ stopped: its description, the line, and the 0-based byte index in it.
struct SyntaxContext {
  std::string_view description;
  std::string_view text;  // the whole file
  std::string_view row;   // the line
  std::size_t index;
  bool has(std::string_view part) const { return description.find(part) != description.npos; }
  std::string_view quoted_name() const {  // 'cores' in "cannot redefine existing integer 'cores'"
    const std::string_view rest = description.substr(description.find('\'') + 1);
    return rest.substr(0, rest.find('\''));
  }
};

// Values TOML cannot read: an integer too large, a word without quotes, a
// quantity without quotes. May move `column` to where the value starts.
std::optional<std::string> value_advice(const SyntaxContext& c, int* column) {
  std::size_t begin = 0;
  if (c.has("not representable in 64 bits")) {
    begin = std::min(c.index, c.row.size());
    while (begin > 0 && std::string_view("0123456789_+-").find(c.row[begin - 1]) != c.row.npos)
      --begin;
    *column = static_cast<int>(begin) + 1;
    return fmt::format("the integer {} is too large: integers are at most {}",
                       c.row.substr(begin, c.index - begin),
                       std::numeric_limits<std::int64_t>::max());
  }
  if (c.has("expected a comment or whitespace")) {
    const std::string_view value = value_text(c.row, &begin);
    if (is_unquoted_quantity(value)) {  // "5 ms"
      *column = static_cast<int>(begin) + 1;
      return bare_value_message(value);
    }
    const std::size_t saw = c.description.rfind("saw ");
    if (saw == c.description.npos) return std::nullopt;
    return fmt::format(
        "unexpected {} after the value: write one KEY = VALUE per line (a comment "
        "starts with '#')",
        c.description.substr(saw + 4));
  }
  for (std::string_view symptom :
       {"could not determine value type", "expected 'nan'", "expected 'inf'", "expected 'true'",
        "expected 'false'", "expected digit"}) {
    if (!c.has(symptom)) continue;
    auto message = bare_value_message(word_at(c.row, c.index, &begin));
    if (message) *column = static_cast<int>(begin) + 1;
    return message;
  }
  return std::nullopt;
}

// A string whose closing quote is missing.
std::optional<std::string> string_advice(const SyntaxContext& c) {
  const bool literal = c.has("literal string");
  if (c.has("control characters") && c.index >= c.row.size()) {  // at the end of the line
    return fmt::format(
        "the string is not closed: add the closing {0} before the end of the line "
        "(a string on several lines is written between {0}{0}{0} and {0}{0}{0})",
        literal ? '\'' : '"');
  }
  if (!c.has("string") || !c.has("end-of-file")) return std::nullopt;
  const std::string_view delimiter = literal ? "'''" : "\"\"\"";
  const std::size_t opening = c.text.rfind(delimiter);
  if (opening == c.text.npos) {
    return "a string is not closed before the end of the file: add its closing quote";
  }
  return fmt::format("the string that starts on line {} is not closed: add the closing {}",
                     1 + std::count(c.text.begin(), c.text.begin() + opening, '\n'), delimiter);
}

// Keys, tables and arrays: a missing '=', something set twice, a header or
// an array left open, JSON.
std::optional<std::string> structure_advice(const SyntaxContext& c) {
  if (c.has("expected '=', saw ':'")) {
    return "expected '=' after the key: write KEY = VALUE, not KEY: VALUE";
  }
  if (c.has("expected '='")) {
    std::string_view key = c.row.substr(0, c.index);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t'))
      key.remove_suffix(1);
    if (key.empty() || !std::all_of(key.begin(), key.end(), is_bare_key_char))
      return "expected '=' after the key: write KEY = VALUE";
    return fmt::format("expected '=' after '{0}': write {0} = VALUE", key);
  }
  if (c.has("cannot redefine existing table")) {
    return fmt::format("[{0}] appears twice: put all its keys under one [{0}] header",
                       c.quoted_name());
  }
  if (c.has("cannot redefine existing")) {
    return fmt::format("'{}' is set twice in the same table: keep one of them", c.quoted_name());
  }
  if (c.has("table header") && c.has("expected ']'")) {
    return "the table header is not closed: expected ']' at the end of the line, like [machine]";
  }
  if (c.has("parsing array") && c.has("expected comma")) {
    return "expected ',' between the elements of the array, or ']' to close it";
  }
  if (c.has("root table") && c.row.starts_with('{')) {
    return "this looks like JSON, but a scenario is TOML: KEY = VALUE lines under [table] headers "
           "(see docs/scenario-format.md)";
  }
  return std::nullopt;
}

// `text` is the whole file; `line`/`column` where toml++ stopped (column in bytes).
SyntaxError explain_syntax_error(std::string_view description, std::string_view text, int line,
                                 int column) {
  std::size_t start = 0;
  for (int l = 1; l < line && start != text.npos; ++l) {
    start = text.find('\n', start);
    if (start != text.npos) ++start;
  }
  const std::string_view row =
      start == text.npos ? std::string_view() : text.substr(start, text.find('\n', start) - start);
  const SyntaxContext context{description, text, row,
                              static_cast<std::size_t>(std::max(column - 1, 0))};
  SyntaxError e{line, column, {}};
  std::optional<std::string> advice = value_advice(context, &e.column);
  if (!advice) advice = string_advice(context);
  if (!advice) advice = structure_advice(context);
  if (advice) {
    e.message = "TOML syntax error: " + *advice;
    return e;
  }
  const std::string_view lead = "Error while parsing ";
  const std::size_t colon = description.find(": ");
  if (description.starts_with(lead) && colon != description.npos) {
    e.message = fmt::format("TOML syntax error in a {}: {}",
                            description.substr(lead.size(), colon - lead.size()),
                            description.substr(colon + 2));
  } else {
    e.message = fmt::format("TOML syntax error: {}", description);
  }
  return e;
}

// A TOML basic string holding `text` exactly.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\', out += c;
    } else if ((u < 0x20 && c != '\t') || u == 0x7F) {
      out += fmt::format("\\u{:04X}", static_cast<unsigned>(u));
    } else {
      out += c;
    }
  }
  return out + '"';
}

// Later values win; tables merge key by key, so that --set machine.cores=2
// keeps the file's other [machine] keys. Nodes are moved, which keeps their
// source positions (copies would lose them).
void merge(toml::table& into, toml::table& from) {
  for (auto&& [key, node] : from) {
    toml::node* existing = into.get(key.str());
    if (existing && existing->is_table() && node.is_table()) {
      merge(*existing->as_table(), *node.as_table());
      continue;
    }
    into.erase(key.str());
    into.insert(key, std::move(node));
  }
}

// ===========================================================================
// The loader

using KeySet = std::set<std::string, std::less<>>;

// A table being read: for messages, and for the dotted paths the checks across keys use.
struct Scope {
  std::string path;                    // prefix of its keys' paths: "" or "machine.disk."
  std::string header;                  // "[machine.disk]", "[[process]]"; empty at the top level
  std::function<std::string()> owner;  // "thread 'reader' of process 'app'"
  // An entry of a [[...]] array: its keys whose value is wrong, for the checks
  // that look at several keys of one entry (dotted paths are shared by all entries).
  KeySet* failed = nullptr;
  std::string where() const { return header.empty() ? "at the top level" : "in " + header; }
};

class Loader {
 public:
  Loader(std::string_view text, std::string source);
  LoadResult run(const std::vector<std::string>& overrides);

  void read_processes(const toml::array& entries, Draft& draft, const Scope& scope);
  void read_threads(const toml::array& entries, ProcessSpec& process, const Scope& scope);
  void read_coroutines(const toml::array& entries, ProcessSpec& process, const Scope& scope);
  void read_pools(const toml::array& entries, ProcessSpec& process, const Scope& scope);
  void read_queues(const toml::array& entries, Draft& draft, const Scope& scope);

 private:
  Diagnostic at(const toml::source_region& region) const;
  Diagnostic at(const toml::node& node) const { return at(node.source()); }
  Diagnostic at_top() const { return {source_, 1, 1, {}}; }
  Diagnostic at_key(std::string_view path) const;
  StringLayout layout(const toml::node& node) const;
  void error(Diagnostic where, std::string message);
  bool fail(const toml::node& node, std::string message);
  bool bad(std::initializer_list<std::string_view> paths) const;

  void apply_override(toml::table& root, std::string_view text, int index);
  std::optional<toml::table> parse_override(std::string_view text, std::size_t equals, int index);

  template <typename T>
  void read_table(const toml::table& table, std::span<const Field<T>> fields, T& target,
                  const Scope& scope);
  template <typename T>
  void read_field(const toml::node& node, const Field<T>& field, T& target, const Scope& scope);
  template <typename T>
  void read_subtable(const toml::node& node, const Field<T>& field, T& target, const Scope& scope);
  template <typename T>
  void read_array(const toml::node& node, const Field<T>& field, T& target, const Scope& scope);
  template <typename T>
  KeySet report_unknown_keys(const toml::table& table, std::span<const Field<T>> fields,
                             const Scope& scope);
  template <typename T>
  void report_missing(const toml::table& table, std::span<const Field<T>> fields,
                      const Scope& scope, const KeySet& suggested);
  template <typename Spec>
  Spec* start_entry(const toml::node& entry, std::vector<Spec>& specs, const Scope& scope);
  void check_unique(const toml::table& table, const std::string& name,
                    std::map<std::string, int>& seen, std::string_view what, std::string_view rule);
  void check_member_names(const toml::table& process, const std::string& owner);
  void count_threads(const toml::table& process, const ProcessSpec& spec, const std::string& owner);
  void check_affinity(const toml::table& thread, const KeySet& failed);
  void check_pool_sizes(const toml::table& pool, const PoolSpec& spec, const KeySet& failed);
  bool link_conditions(const toml::node* conditions, SyncObjects& objects, std::string_view owner);

  bool read_value(const toml::node& node, std::string_view key, const Rule& rule, Value& value);
  bool read_one(const toml::node& node, std::string_view key, const Rule& rule, Value& value);
  bool read_array_value(const toml::node& node, std::string_view key, const Rule& rule,
                        Value& value);
  bool read_named_value(const toml::node& node, std::string_view key, const Rule& rule,
                        Value& value);
  bool read_bool(const toml::node& node, std::string_view key, Value& value);
  bool read_signed(const toml::node& node, std::string_view key, const Rule& rule, Value& value);
  bool read_integer(const toml::node& node, std::string_view key, const Rule& rule, Value& value);
  bool read_string(const toml::node& node, std::string_view key, const Rule& rule, Value& value);
  bool read_quantity(const toml::node& node, std::string_view key, const Rule& rule, Value& value);
  bool read_program(const toml::node& node, Value& value);

  void check_sector_multiples();
  std::optional<std::uint64_t> whole_sectors(std::optional<std::uint64_t> bytes,
                                             std::string_view key, std::string_view name);
  void check_server();
  void check_image_files();
  std::string beside_scenario(const std::string& path) const;
  void check_quantum();
  void check_policy_library();
  void check_mlfq();
  void check_cfs();
  void link_shared_conditions(const toml::table& root);
  void finish_kernel();
  void check_programs();
  std::uint64_t disk_capacity() const;
  void check_transfer(const Op& op, std::uint64_t sectors, std::uint64_t capacity);

  void link_programs();

  std::string source_;
  std::vector<Origin> origins_;  // [0] is the file
  std::vector<Diagnostic> errors_;
  std::map<std::string, Diagnostic, std::less<>> where_;  // dotted key -> its value's position
  std::set<std::string, std::less<>> bad_;                // dotted keys whose value is wrong
  std::vector<KeySet> process_failed_;  // Scope::failed of each [[process]], in Workload order
  std::uint64_t threads_in_all_ = 0;    // what the processes read so far may start (count_threads)
  Draft draft_;
};

// The tables that hold [[...]] arrays name Loader's readers, so they come after it.
const Field<ThreadSpec> kThreadFields[] = {
    {"name", required(kName), [](ThreadSpec& t, Value& v) { t.name = v.text; }},
    {"start", duration("0ms"),
     [](ThreadSpec& t, Value& v) { t.start = static_cast<Ns>(v.number); }},
    {"program",
     {.kind = Kind::kProgram, .required = true},
     [](ThreadSpec& t, Value& v) { t.program = std::move(v.program); }},
    {"count", integer(1, 100'000),
     [](ThreadSpec& t, Value& v) { t.count = static_cast<std::uint32_t>(v.number); }},
    {"daemon", boolean(), [](ThreadSpec& t, Value& v) { t.daemon = v.number != 0; }},
    {"priority", signed_integer(-1000, 1000),
     [](ThreadSpec& t, Value& v) { t.priority = static_cast<int>(v.integer); }},
    {"nice", signed_integer(-20, 19),
     [](ThreadSpec& t, Value& v) { t.nice = static_cast<int>(v.integer); }},
    {"tickets", integer(1, 1'000'000),
     [](ThreadSpec& t, Value& v) { t.tickets = static_cast<std::uint32_t>(v.number); }},
    {"expected", positive_duration("100ms"),
     [](ThreadSpec& t, Value& v) { t.expected = static_cast<Ns>(v.number); }},
    // Core indexes up to 63 fit the mask; Loader::check_affinity compares them with `cores`.
    {"affinity", array_of(integer(0, 63), true, true),
     [](ThreadSpec& t, Value& v) {
       for (const Value& core : v.items) {
         t.affinity |= std::uint64_t{1} << core.number;
       }
     }},
};

const Field<CoroutineSpec> kCoroutineFields[] = {
    {"name", required(kName), [](CoroutineSpec& c, Value& v) { c.name = v.text; }},
    {"program",
     {.kind = Kind::kProgram, .required = true},
     [](CoroutineSpec& c, Value& v) { c.program = std::move(v.program); }},
};

const Field<PoolSpec> kPoolFields[] = {
    {"name", required(kName), [](PoolSpec& p, Value& v) { p.name = v.text; }},
    {"kind", choice(&pool_kinds),
     [](PoolSpec& p, Value& v) { p.kind = static_cast<PoolKind>(v.number); }},
    {"workers", integer(1, 10'000),
     [](PoolSpec& p, Value& v) { p.workers = static_cast<std::uint32_t>(v.number); }},
    // Process pools only (Loader::check_pool_sizes): what crosses the pipe.
    {"send", size("256B", 0, kTiB), [](PoolSpec& p, Value& v) { p.send_bytes = v.number; }},
    {"result", size("256B", 0, kTiB), [](PoolSpec& p, Value& v) { p.result_bytes = v.number; }},
    {"program",
     {.kind = Kind::kProgram, .required = true},
     [](PoolSpec& p, Value& v) { p.item = std::move(v.program); }},
};

const Field<ProcessSpec> kProcessFields[] = {
    {"name", required(kName), [](ProcessSpec& p, Value& v) { p.name = v.text; }},
    {"runtime", choice(&runtimes),
     [](ProcessSpec& p, Value& v) { p.runtime = static_cast<Runtime>(v.number); }},
    {"count", integer(1, 100'000),
     [](ProcessSpec& p, Value& v) { p.count = static_cast<std::uint32_t>(v.number); }},
    {"locks", kLocks, &store_locks<ProcessSpec>},
    {"semaphores", kSemaphores, &store_semaphores<ProcessSpec>},
    {"conditions", kConditions},
    {"variables", kVariables, &store_variables<ProcessSpec>},
    {.key = "thread",
     .rule = {.kind = Kind::kTableArray,
              .required = true,
              .if_missing = "{} has no threads: add at least one [[process.thread]]"},
     .read_entries = &Loader::read_threads},
    {.key = "coroutine",
     .rule = {.kind = Kind::kTableArray},
     .read_entries = &Loader::read_coroutines},
    {.key = "pool", .rule = {.kind = Kind::kTableArray}, .read_entries = &Loader::read_pools},
};

const Field<QueueSpec> kQueueFields[] = {
    {"name", required(kName), [](QueueSpec& q, Value& v) { q.name = v.text; }},
    {"capacity", size("64KiB", 1, kTiB), [](QueueSpec& q, Value& v) { q.capacity = v.number; }},
};

const Field<Draft> kRootFields[] = {
    {"name", {Kind::kString}, [](Draft& d, Value& v) { d.s.name = v.text; }},
    {"seed", integer(0), [](Draft& d, Value& v) { d.s.seed = v.number; }},
    table("machine", kMachineFields),
    table("kernel", kKernelFields),
    table("limits", kLimitsFields),
    table("shared", kSharedFields),
    {.key = "process",
     .rule = {.kind = Kind::kTableArray,
              .required = true,
              .if_missing = "no processes: add at least one [[process]] with a [[process.thread]]"},
     .read_entries = &Loader::read_processes},
    {.key = "queue", .rule = {.kind = Kind::kTableArray}, .read_entries = &Loader::read_queues},
};

template <typename T>
std::span<const Field<T>> subfields(const Field<T>& field) {
  return {field.fields, field.field_count};
}

template <typename T>
const Field<T>* find_field(std::span<const Field<T>> fields, std::string_view key) {
  for (const Field<T>& field : fields) {
    if (field.key == key) return &field;
  }
  return nullptr;
}

// Every table of the format with its keys, to tell where a misplaced key belongs.
template <typename T>
void list_tables(std::span<const Field<T>> fields, const std::string& header,
                 std::vector<std::pair<std::string, std::vector<std::string_view>>>& out) {
  std::vector<std::string_view>& keys =
      out.emplace_back(header, std::vector<std::string_view>{}).second;
  for (const Field<T>& field : fields) {
    keys.push_back(field.key);
  }
  for (const Field<T>& field : fields) {
    if (field.rule.kind != Kind::kTable) continue;
    const std::string inner =
        header.empty() ? std::string(field.key)
                       : header.substr(1, header.size() - 2) + "." + std::string(field.key);
    list_tables(subfields(field), "[" + inner + "]", out);
  }
}

const std::vector<std::pair<std::string, std::vector<std::string_view>>>& all_tables() {
  static const auto tables = [] {
    std::vector<std::pair<std::string, std::vector<std::string_view>>> out;
    list_tables<Draft>(kRootFields, "", out);
    list_tables<ProcessSpec>(kProcessFields, "[[process]]", out);
    list_tables<ThreadSpec>(kThreadFields, "[[process.thread]]", out);
    list_tables<CoroutineSpec>(kCoroutineFields, "[[process.coroutine]]", out);
    list_tables<PoolSpec>(kPoolFields, "[[process.pool]]", out);
    list_tables<QueueSpec>(kQueueFields, "[[queue]]", out);
    return out;
  }();
  return tables;
}

// A misspelt [table] is named as one: "unknown table [machin]; did you mean [machine]?".
std::string unknown_key_message(std::string_view key, const toml::node& node,
                                const std::vector<std::string_view>& valid, const Scope& scope,
                                std::optional<std::string_view>& suggestion) {
  suggestion = closest_match(key, valid);
  const toml::array* array = node.as_array();
  if (node.is_table() || (array && !array->empty() && array->is_array_of_tables())) {
    const std::string_view open = node.is_table() ? "[" : "[[",
                           close = node.is_table() ? "]" : "]]";
    const std::string head = fmt::format("unknown table {}{}{}{}", open, scope.path, key, close);
    if (suggestion) {
      return fmt::format("{}; did you mean {}{}{}{}?", head, open, scope.path, *suggestion, close);
    }
    return fmt::format("{} (valid keys {}: {})", head, scope.where(), fmt::join(valid, ", "));
  }
  const std::string head = fmt::format("unknown key '{}' {}", key, scope.where());
  if (suggestion) return fmt::format("{}; did you mean '{}'?", head, *suggestion);
  std::vector<std::string_view> homes;
  for (const auto& [header, keys] : all_tables()) {
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) homes.push_back(header);
  }
  if (homes.size() == 1) {
    return fmt::format("{}; '{}' belongs {}", head, key,
                       homes[0].empty() ? "at the top level" : "in " + std::string(homes[0]));
  }
  return fmt::format("{} (valid keys: {})", head, fmt::join(valid, ", "));
}

Loader::Loader(std::string_view text, std::string source) : source_(std::move(source)) {
  draft_.s.name = source_;
  draft_.s.source = source_;
  origins_.push_back({source_, 0, SourceText(std::string(text)), nullptr});
}

LoadResult Loader::run(const std::vector<std::string>& overrides) {
  const std::string_view text = origins_[0].text.text();
  TomlResult parsed;
  if (const auto bad_byte = find_bad_byte(text)) {
    error({source_, bad_byte->line, bad_byte->column, {}}, bad_byte->message);
  } else {
    parsed = parse_toml(text, source_);
  }
  if (!parsed.table && !parsed.error.empty()) {
    const int line = static_cast<int>(parsed.position.line);
    const int column = origins_[0].text.byte_column(line, static_cast<int>(parsed.position.column));
    SyntaxError e = explain_syntax_error(parsed.error, text, line, column);
    error({source_, e.line, e.column, {}}, std::move(e.message));
  } else if (parsed.table) {
    origins_[0].toml_path = parsed.table->source().path;
    for (std::size_t i = 0; i < overrides.size(); ++i) {
      apply_override(*parsed.table, overrides[i], static_cast<int>(i) + 1);
    }
    read_table<Draft>(*parsed.table, kRootFields, draft_, Scope{});
    check_sector_multiples();
    check_server();
    check_image_files();
    check_quantum();
    check_policy_library();
    check_mlfq();
    check_cfs();
    link_shared_conditions(*parsed.table);
    link_programs();
    check_programs();
    finish_kernel();
  }

  // File positions first, then overrides in order; within each, by line and column.
  std::stable_sort(errors_.begin(), errors_.end(), [](const Diagnostic& a, const Diagnostic& b) {
    const bool a_set = a.file == kOverrideFile, b_set = b.file == kOverrideFile;
    return std::tie(a_set, a.line, a.column) < std::tie(b_set, b.line, b.column);
  });
  LoadResult result;
  result.errors = errors_;
  if (errors_.empty()) result.scenario = std::move(draft_.s);
  return result;
}

// ---------------------------------------------------------------------------
// Positions and errors

Diagnostic Loader::at(const toml::source_region& region) const {
  const int line = static_cast<int>(region.begin.line);
  const int column = static_cast<int>(region.begin.column);
  for (const Origin& origin : origins_) {
    if (!region.path || region.path != origin.toml_path) continue;
    if (origin.override_index > 0) {
      return {origin.file, origin.override_index, origin.text.byte_column(line, column), {}};
    }
    return {origin.file, line, origin.text.byte_column(line, column), {}};
  }
  return {source_, line, column, {}};
}

Diagnostic Loader::at_key(std::string_view path) const {
  const auto it = where_.find(path);
  return it == where_.end() ? at_top() : it->second;
}

StringLayout Loader::layout(const toml::node& node) const {
  StringLayout result;
  result.start = at(node);
  if (node.source().path == origins_[0].toml_path) {
    const toml::source_position begin = node.source().begin;
    result.shape = shape_of(
        origins_[0].text.from(static_cast<int>(begin.line), static_cast<int>(begin.column)));
  }
  return result;
}

// One diagnostic is one line: a name or value quoted in a message may hold
// a newline or another control character ("a\nb" is a valid TOML string).
std::string one_line(std::string_view message) {
  std::string out;
  for (char c : message) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      out += fmt::format("\\x{:02X}", static_cast<unsigned>(u));
    } else {
      out += c;
    }
  }
  return out;
}

void Loader::error(Diagnostic where, std::string message) {
  where.message = one_line(message);
  errors_.push_back(std::move(where));
}

bool Loader::fail(const toml::node& node, std::string message) {
  error(at(node), std::move(message));
  return false;
}

bool Loader::bad(std::initializer_list<std::string_view> paths) const {
  return std::any_of(paths.begin(), paths.end(),
                     [this](std::string_view path) { return bad_.find(path) != bad_.end(); });
}

// ---------------------------------------------------------------------------
// Overrides

void Loader::apply_override(toml::table& root, std::string_view text, int index) {
  const Diagnostic start{std::string(kOverrideFile), index, 1, {}};
  const std::size_t equals = text.find('=');
  if (equals == text.npos) {
    error(start, fmt::format("malformed override '{}': expected KEY=VALUE, like kernel.quantum=5ms",
                             text));
    return;
  }
  std::optional<toml::table> doc = parse_override(text, equals, index);
  if (!doc) {
    error(start, fmt::format("malformed override '{}': '{}' is not a key like kernel.quantum", text,
                             text.substr(0, equals)));
    return;
  }
  for (std::string_view array : {"process", "queue"}) {
    if (!doc->contains(array)) continue;
    error(start, fmt::format("--set cannot reach inside [[{}]] arrays: change '{}' in the "
                             "scenario file instead",
                             array, text.substr(0, equals)));
    return;
  }
  merge(root, *doc);
}

// VALUE is read as TOML when it is valid TOML (4, true, "rr") and as a string
// otherwise, so that kernel.policy=fcfs and kernel.quantum=5ms need no quotes.
// Parsing "KEY=VALUE" itself keeps every column equal to the override's own.
std::optional<toml::table> Loader::parse_override(std::string_view text, std::size_t equals,
                                                  int index) {
  std::vector<std::string> attempts;
  if (text.find('\n') == text.npos) attempts.emplace_back(text);
  attempts.push_back(std::string(text.substr(0, equals + 1)) + quoted(text.substr(equals + 1)));
  for (std::string& attempt : attempts) {
    TomlResult parsed = parse_toml(attempt, kOverrideFile);
    if (!parsed.table) continue;
    origins_.push_back({std::string(kOverrideFile), index, SourceText(std::move(attempt)),
                        parsed.table->source().path});
    return std::move(parsed.table);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Reading tables

template <typename T>
void Loader::read_table(const toml::table& table, std::span<const Field<T>> fields, T& target,
                        const Scope& scope) {
  const KeySet suggested = report_unknown_keys(table, fields, scope);
  // Plain values first, so that nested tables can name their owner
  // ("thread 'reader' of process 'app'").
  for (const bool nested : {false, true}) {
    for (const Field<T>& field : fields) {
      const bool is_nested =
          field.rule.kind == Kind::kTable || field.rule.kind == Kind::kTableArray;
      const toml::node* node = table.get(field.key);
      if (node && is_nested == nested) read_field(*node, field, target, scope);
    }
  }
  report_missing(table, fields, scope, suggested);
}

template <typename T>
void Loader::read_field(const toml::node& node, const Field<T>& field, T& target,
                        const Scope& scope) {
  const std::string path = scope.path + std::string(field.key);
  where_[path] = at(node);
  if (field.rule.kind == Kind::kTable) return read_subtable(node, field, target, scope);
  if (field.rule.kind == Kind::kTableArray) return read_array(node, field, target, scope);
  Value value;
  if (!read_value(node, field.key, field.rule, value)) {
    bad_.insert(path);
    if (scope.failed) scope.failed->emplace(field.key);
  } else if (field.store) {
    field.store(target, value);
  }
}

template <typename T>
void Loader::read_subtable(const toml::node& node, const Field<T>& field, T& target,
                           const Scope& scope) {
  const std::string path = scope.path + std::string(field.key);
  const std::string header = "[" + path + "]";
  if (const toml::table* table = node.as_table()) {
    read_table(*table, subfields(field), target, Scope{path + ".", header, scope.owner});
  } else {
    fail(node,
         fmt::format("'{}' must be a table ({}), got {}", field.key, header, type_name(node)));
  }
}

template <typename T>
void Loader::read_array(const toml::node& node, const Field<T>& field, T& target,
                        const Scope& scope) {
  const std::string path = scope.path + std::string(field.key);
  const std::string header = "[[" + path + "]]";
  if (const toml::array* array = node.as_array()) {
    (this->*field.read_entries)(*array, target, Scope{path + ".", header, scope.owner});
    return;
  }
  // [[process.thread]] with no [[process]] before it makes 'process' a
  // table that holds nothing but that array.
  const toml::table* table = node.as_table();
  const auto is_entries = [](const auto& member) {
    const toml::array* entries = member.second.as_array();
    return entries && !entries->empty() && entries->is_array_of_tables();
  };
  if (table && !table->empty() && std::all_of(table->begin(), table->end(), is_entries)) {
    const auto inner = std::find_if(table->begin(), table->end(), is_entries);
    fail(node, fmt::format("[[{}.{}]] comes before any {}: start each entry with {} (and its "
                           "name), then its [[{}.{}]]",
                           path, inner->first.str(), header, header, path, inner->first.str()));
  } else if (table) {
    fail(node, fmt::format("'{}' must be an array of tables, written {} with double brackets, got "
                           "a table",
                           field.key, header));
  } else {
    fail(node, fmt::format("'{}' must be an array of tables ({}), got {}", field.key, header,
                           type_name(node)));
  }
}

// Returns the keys suggested for misspelt ones: they are not reported missing as well.
template <typename T>
KeySet Loader::report_unknown_keys(const toml::table& table, std::span<const Field<T>> fields,
                                   const Scope& scope) {
  std::vector<std::string_view> valid;
  for (const Field<T>& field : fields) {
    valid.push_back(field.key);
  }
  KeySet suggested;
  for (auto&& [key, node] : table) {
    if (find_field(fields, key.str())) continue;
    const Diagnostic where = key.source().begin.line > 0 ? at(key.source()) : at(node);
    std::optional<std::string_view> suggestion;
    error(where, unknown_key_message(key.str(), node, valid, scope, suggestion));
    if (suggestion) suggested.emplace(*suggestion);
  }
  return suggested;
}

template <typename T>
void Loader::report_missing(const toml::table& table, std::span<const Field<T>> fields,
                            const Scope& scope, const KeySet& suggested) {
  for (const Field<T>& field : fields) {
    if (!field.rule.required || suggested.contains(field.key)) continue;
    const toml::node* node = table.get(field.key);
    const toml::array* array = node ? node->as_array() : nullptr;
    if (node && !(array && array->empty())) continue;
    const std::string owner = scope.owner ? scope.owner() : std::string();
    std::string message = field.rule.if_missing.empty()
                              ? fmt::format("missing '{}' in {}", field.key, owner)
                              : fmt::format(fmt::runtime(field.rule.if_missing), owner);
    if (scope.header.empty() && table.empty()) {
      message =
          "the scenario is empty: add at least one [[process]] with a [[process.thread]], "
          "like the example in docs/scenario-format.md";
    }
    error(scope.header.empty() ? at_top() : at(table), message);
  }
}

std::string label(std::string_view what, const std::string& name, std::size_t index) {
  return name.empty() ? fmt::format("{} #{}", what, index + 1) : fmt::format("{} '{}'", what, name);
}

// The spec for one [[...]] entry, or nullptr (reported) when it is not a table.
template <typename Spec>
Spec* Loader::start_entry(const toml::node& entry, std::vector<Spec>& specs, const Scope& scope) {
  if (!entry.is_table()) {
    fail(entry,
         fmt::format("each entry of {} must be a table, got {}", scope.header, type_name(entry)));
    return nullptr;
  }
  return &specs.emplace_back();
}

// `what`: "process name 'app'"; `rule`: why it matters.
void Loader::check_unique(const toml::table& table, const std::string& name,
                          std::map<std::string, int>& seen, std::string_view what,
                          std::string_view rule) {
  if (name.empty()) return;
  const Diagnostic where = at(*table.get("name"));
  const auto [it, inserted] = seen.emplace(name, where.line);
  if (!inserted) {
    error(where, fmt::format("duplicate {} (first used on line {}): {}", what, it->second, rule));
  }
}

void Loader::read_processes(const toml::array& entries, Draft& draft, const Scope& scope) {
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ProcessSpec* process = start_entry(entries[i], draft.s.workload.processes, scope);
    if (!process) continue;
    KeySet& failed = process_failed_.emplace_back();
    const Scope inner{scope.path, scope.header,
                      [process, i] { return label("process", process->name, i); }, &failed};
    const toml::table& table = *entries[i].as_table();
    read_table<ProcessSpec>(table, kProcessFields, *process, inner);
    check_unique(table, process->name, seen, fmt::format("process name '{}'", process->name),
                 "process names must be unique");
    check_member_names(table, inner.owner());
    count_threads(table, *process, inner.owner());
    // A condition left out for an unknown lock is not reported again where programs use it.
    if (!failed.contains("locks") && !failed.contains("conditions") &&
        !link_conditions(table.get("conditions"), process->objects, inner.owner())) {
      failed.emplace("conditions");
    }
  }
}

void Loader::read_threads(const toml::array& entries, ProcessSpec& process, const Scope& scope) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ThreadSpec* thread = start_entry(entries[i], process.threads, scope);
    if (!thread) continue;
    KeySet failed;
    const Scope inner{scope.path, scope.header,
                      [thread, i, parent = scope.owner] {
                        return label("thread", thread->name, i) + " of " + parent();
                      },
                      &failed};
    read_table<ThreadSpec>(*entries[i].as_table(), kThreadFields, *thread, inner);
    check_affinity(*entries[i].as_table(), failed);
  }
}

void Loader::read_coroutines(const toml::array& entries, ProcessSpec& process, const Scope& scope) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CoroutineSpec* coroutine = start_entry(entries[i], process.coroutines, scope);
    if (!coroutine) continue;
    const Scope inner{scope.path, scope.header, [coroutine, i, parent = scope.owner] {
                        return label("coroutine", coroutine->name, i) + " of " + parent();
                      }};
    read_table<CoroutineSpec>(*entries[i].as_table(), kCoroutineFields, *coroutine, inner);
  }
}

void Loader::read_pools(const toml::array& entries, ProcessSpec& process, const Scope& scope) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    PoolSpec* pool = start_entry(entries[i], process.pools, scope);
    if (!pool) continue;
    KeySet failed;
    const Scope inner{scope.path, scope.header,
                      [pool, i, parent = scope.owner] {
                        return label("pool", pool->name, i) + " of " + parent();
                      },
                      &failed};
    read_table<PoolSpec>(*entries[i].as_table(), kPoolFields, *pool, inner);
    check_pool_sizes(*entries[i].as_table(), *pool, failed);
  }
}

void Loader::read_queues(const toml::array& entries, Draft& draft, const Scope& scope) {
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    QueueSpec* queue = start_entry(entries[i], draft.s.workload.queues, scope);
    if (!queue) continue;
    const Scope inner{scope.path, scope.header,
                      [queue, i] { return label("queue", queue->name, i); }};
    read_table<QueueSpec>(*entries[i].as_table(), kQueueFields, *queue, inner);
    check_unique(*entries[i].as_table(), queue->name, seen,
                 fmt::format("queue name '{}'", queue->name), "queue names must be unique");
  }
}

// ---------------------------------------------------------------------------
// Checks within one entry

// A thread, coroutine or pool of a process: its name and where the name is written.
struct Member {
  std::string_view kind;  // "thread"
  std::string name;
  Diagnostic where;
};

// Programs name threads, coroutines and pools alike (spawn, gather, map), so
// the three share one namespace within their process.
void Loader::check_member_names(const toml::table& process, const std::string& owner) {
  std::vector<Member> members;
  for (std::string_view kind : {"thread", "coroutine", "pool"}) {
    const toml::array* entries = process.get_as<toml::array>(kind);
    for (std::size_t i = 0; entries && i < entries->size(); ++i) {
      const toml::table* entry = (*entries)[i].as_table();
      const toml::node* name = entry ? entry->get("name") : nullptr;
      if (name && name->is_string() && !name->as_string()->get().empty())
        members.push_back({kind, name->as_string()->get(), at(*name)});
    }
  }
  std::stable_sort(members.begin(), members.end(), [](const Member& a, const Member& b) {
    return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
  });
  std::map<std::string_view, const Member*> seen;
  for (const Member& member : members) {
    const auto [it, inserted] = seen.emplace(member.name, &member);
    if (inserted) continue;
    const Member& first = *it->second;
    if (first.kind == member.kind) {
      error(member.where,
            fmt::format("duplicate {0} name '{1}' in {2} (first used on line {3}): {0} names must "
                        "be unique within a process",
                        member.kind, member.name, owner, first.where.line));
    } else {
      error(member.where,
            fmt::format("{} name '{}' in {} is already the name of a {} (line {}): threads, "
                        "coroutines and pools of a process need different names",
                        member.kind, member.name, owner, first.kind, first.where.line));
    }
  }
}

// Each thread costs the simulator memory (about 1KiB) and time even when
// the scenario gives it no memory cost: a product of counts like 1_000 x
// 1_000_000 would fail allocating instead of running.
constexpr std::uint64_t kMaxThreadsInAll = 1'000'000;

// Counts the threads a [[process]] may start, pool workers included, and
// reports the process that takes the scenario past kMaxThreadsInAll.
void Loader::count_threads(const toml::table& process, const ProcessSpec& spec,
                           const std::string& owner) {
  std::uint64_t each = 0;
  for (const ThreadSpec& thread : spec.threads)
    each += thread.count;
  for (const PoolSpec& pool : spec.pools)
    each += pool.workers;
  const std::uint64_t before = threads_in_all_;
  threads_in_all_ += std::min(saturating_mul(spec.count, each), kNoLimit - before);
  if (before > kMaxThreadsInAll || threads_in_all_ <= kMaxThreadsInAll) return;
  const toml::node* count = process.get("count");
  error(count ? at(*count) : at(process),
        fmt::format("too many threads: {} (count = {}, {} thread{} and pool workers each) brings "
                    "the scenario to {} threads; at most {} in all",
                    owner, spec.count, each, each == 1 ? "" : "s", threads_in_all_,
                    kMaxThreadsInAll));
}

// The affinity rule allows cores 0..63; the machine may have fewer. [machine]
// is read before [[process]] (kRootFields order), so `cores` is known here.
void Loader::check_affinity(const toml::table& thread, const KeySet& failed) {
  const toml::array* cores = thread.get_as<toml::array>("affinity");
  if (!cores || failed.contains("affinity") || bad({kCoresKey})) return;
  const int count = draft_.s.machine.cores;
  for (const toml::node& core : *cores) {
    const std::int64_t index = core.value_or<std::int64_t>(0);
    if (index < count) continue;
    error(at(core), fmt::format("'affinity' lists core {}, but the machine has {} core{} "
                                "(numbered from 0): see [machine] cores",
                                index, count, count == 1 ? "" : "s"));
  }
}

// A thread pool's work items share the caller's memory; only a process pool
// pickles arguments and results through a pipe.
void Loader::check_pool_sizes(const toml::table& pool, const PoolSpec& spec, const KeySet& failed) {
  if (spec.kind != PoolKind::kThread || failed.contains("kind")) return;
  for (std::string_view key : {"send", "result"}) {
    const toml::node* node = pool.get(key);
    if (!node) continue;
    const toml::key& name = pool.find(key)->first;
    error(name.source().begin.line > 0 ? at(name.source()) : at(*node),
          fmt::format("'{}' is only for process pools (kind = \"process\"): a thread pool's work "
                      "items share memory with their caller, nothing is sent",
                      key));
  }
}

// Each condition pairs with a mutex of the same SyncObjects: the one `wait`
// releases. False when a condition names an unknown lock (reported).
bool Loader::link_conditions(const toml::node* conditions, SyncObjects& objects,
                             std::string_view owner) {
  const toml::table* table = conditions ? conditions->as_table() : nullptr;
  if (!table) return true;
  std::vector<std::pair<std::string, const toml::node*>> entries;
  for (auto&& [key, node] : *table) {
    entries.emplace_back(std::string(key.str()), &node);
  }
  std::stable_sort(entries.begin(), entries.end(), [this](const auto& a, const auto& b) {
    const Diagnostic da = at(*a.second), db = at(*b.second);
    return std::tie(da.line, da.column) < std::tie(db.line, db.column);
  });
  bool ok = true;
  for (const auto& [name, node] : entries) {
    const std::string lock = node->value_or(std::string());
    const auto it = std::find(objects.locks.begin(), objects.locks.end(), lock);
    if (it != objects.locks.end()) {
      objects.conditions.push_back({name, static_cast<std::uint32_t>(it - objects.locks.begin())});
      continue;
    }
    ok = false;
    std::string message =
        fmt::format("unknown lock '{}' for condition '{}' in {}", lock, name, owner);
    if (const auto suggestion = closest_match(lock, objects.locks)) {
      message += fmt::format(": did you mean '{}'?", *suggestion);
    } else if (!objects.locks.empty()) {
      message += fmt::format(": a condition's lock is one of the locks declared next to it ({})",
                             fmt::join(objects.locks, ", "));
    } else {
      message += fmt::format(
          " (a condition's lock is one of the locks declared next to it: "
          "locks = [\"{}\"])",
          lock);
    }
    error(at(*node), message);
  }
  return ok;
}

// ---------------------------------------------------------------------------
// Reading values

bool Loader::read_value(const toml::node& node, std::string_view key, const Rule& rule,
                        Value& value) {
  switch (rule.form) {
    case Form::kArray:
      return read_array_value(node, key, rule, value);
    case Form::kNamed:
      return read_named_value(node, key, rule, value);
    default:
      return read_one(node, key, rule, value);
  }
}

bool Loader::read_one(const toml::node& node, std::string_view key, const Rule& rule,
                      Value& value) {
  switch (rule.kind) {
    case Kind::kInteger:
      return read_integer(node, key, rule, value);
    case Kind::kSigned:
      return read_signed(node, key, rule, value);
    case Kind::kBool:
      return read_bool(node, key, value);
    case Kind::kString:
      return read_string(node, key, rule, value);
    case Kind::kProgram:
      return read_program(node, value);
    default:
      return read_quantity(node, key, rule, value);
  }
}

// Every element is read (and reported) even after a bad one.
bool Loader::read_array_value(const toml::node& node, std::string_view key, const Rule& rule,
                              Value& value) {
  const toml::array* array = node.as_array();
  if (!array) {
    std::string one;  // the value as an array of one, when it is one of its elements
    if (const auto* integer = node.as_integer()) one = fmt::format(": write [{}]", integer->get());
    if (const auto* string = node.as_string()) one = fmt::format(": write [\"{}\"]", string->get());
    return fail(node, fmt::format("'{}' must be an array of {}, got {}{}", key,
                                  plural_noun(rule.kind), type_name(node), one));
  }
  if (rule.non_empty && array->empty())
    return fail(node, fmt::format("'{}' must not be empty", key));
  bool ok = true;
  for (const toml::node& element : *array) {
    Value item;
    if (!read_one(element, key, rule, item)) {
      ok = false;
      continue;
    }
    const auto same = [&item](const Value& other) {
      return other.number == item.number && other.text == item.text;
    };
    if (rule.distinct && std::any_of(value.items.begin(), value.items.end(), same)) {
      ok = fail(element, fmt::format("'{}' lists {} twice", key,
                                     rule.kind == Kind::kString ? "'" + item.text + "'"
                                                                : std::to_string(item.number)));
      continue;
    }
    value.items.push_back(std::move(item));
  }
  return ok;
}

// A table of names to values: semaphores = { slots = 2 }. Elements are kept
// in file order (toml++ orders a table's keys by name).
bool Loader::read_named_value(const toml::node& node, std::string_view key, const Rule& rule,
                              Value& value) {
  const toml::table* table = node.as_table();
  if (!table) {
    return fail(node, fmt::format("'{}' must be a table of names to {}, like {{ NAME = ... }}, "
                                  "got {}",
                                  key, plural_noun(rule.kind), type_name(node)));
  }
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (auto&& [name, element] : *table) {
    entries.emplace_back(&name, &element);
  }
  std::stable_sort(entries.begin(), entries.end(), [this](const auto& a, const auto& b) {
    const Diagnostic da = at(*a.second), db = at(*b.second);
    return std::tie(da.line, da.column) < std::tie(db.line, db.column);
  });
  bool ok = true;
  for (const auto& [name, element] : entries) {
    const std::string text(name->str());
    if (!is_name(text)) {
      error(name->source().begin.line > 0 ? at(name->source()) : at(*element),
            fmt::format("'{}': '{}' is not a name: use letters, digits, '_', '-' and '.'", key,
                        text));
      ok = false;
      continue;
    }
    Value item;
    if (!read_one(*element, fmt::format("{}.{}", key, text), rule, item)) {
      ok = false;
      continue;
    }
    value.names.push_back(text);
    value.items.push_back(std::move(item));
  }
  return ok;
}

bool Loader::read_bool(const toml::node& node, std::string_view key, Value& value) {
  const toml::value<bool>* flag = node.as_boolean();
  if (!flag) {
    return fail(node, fmt::format("'{}' must be true or false, got {}{}", key, got(node),
                                  unquote_hint(node, "true or false")));
  }
  value.number = flag->get() ? 1 : 0;
  return true;
}

bool Loader::read_signed(const toml::node& node, std::string_view key, const Rule& rule,
                         Value& value) {
  const toml::value<std::int64_t>* integer = node.as_integer();
  if (!integer) {
    return fail(node, fmt::format("'{}' must be an integer, got {}{}", key, got(node),
                                  unquote_hint(node, "an integer")));
  }
  const std::int64_t n = integer->get();
  if (n < rule.low || n > rule.high) {
    return fail(node, fmt::format("'{}' must be {}, got {}", key, requirement(rule), n));
  }
  value.integer = n;
  return true;
}

bool Loader::read_integer(const toml::node& node, std::string_view key, const Rule& rule,
                          Value& value) {
  const toml::value<std::int64_t>* integer = node.as_integer();
  if (!integer) {
    return fail(node, fmt::format("'{}' must be an integer, got {}{}", key, got(node),
                                  unquote_hint(node, "an integer")));
  }
  const std::int64_t n = integer->get();
  if (n < 0 || !allowed(rule, static_cast<std::uint64_t>(n))) {
    return fail(node, fmt::format("'{}' must be {}, got {}", key, requirement(rule), n));
  }
  value.number = static_cast<std::uint64_t>(n);
  return true;
}

bool Loader::read_string(const toml::node& node, std::string_view key, const Rule& rule,
                         Value& value) {
  const toml::value<std::string>* string = node.as_string();
  if (!string) {
    const std::string expected = rule.choices ? "the string " + expected_text(rule) : "a string";
    return fail(node, fmt::format("'{}' must be {}, got {}", key, expected, type_name(node)));
  }
  value.text = string->get();
  if (rule.accept_text && !rule.accept_text(value.text)) {
    return fail(node, fmt::format("'{}' must be {}, got '{}'", key, rule.requirement, value.text));
  }
  if (!rule.choices) return true;
  const std::vector<std::string>& choices = rule.choices();
  const auto it = std::find(choices.begin(), choices.end(), value.text);
  if (it != choices.end()) {
    value.number = static_cast<std::uint64_t>(it - choices.begin());
    return true;
  }
  if (rule.alternative && rule.alternative(value.text)) {
    value.number = choices.size();
    return true;
  }
  std::string message =
      fmt::format("'{}' must be {}, got '{}'", key, expected_text(rule), value.text);
  const auto suggestion = closest_match(value.text, choices);
  if (suggestion && choices.size() > 1) {
    message += fmt::format("; did you mean \"{}\"?", *suggestion);
  }
  return fail(node, message);
}

std::optional<std::uint64_t> parse_quantity(Kind kind, std::string_view text, units::Error* error) {
  switch (kind) {
    case Kind::kDuration: {
      const auto ns = units::parse_duration_ns(text, error);  // never negative
      return ns ? std::optional<std::uint64_t>(static_cast<std::uint64_t>(*ns)) : std::nullopt;
    }
    case Kind::kSize:
      return units::parse_size_bytes(text, error);
    case Kind::kFrequency:
      return units::parse_frequency_hz(text, error);
    case Kind::kBandwidth:
      return units::parse_bandwidth_bits(text, error);
    default:
      return units::parse_rpm(text, error);
  }
}

// "4KB" where "4KiB" was meant: KB counts thousands of bytes. When the same
// number with the binary unit would be allowed, say so.
std::string binary_unit_hint(const Rule& rule, std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> kUnits[] = {
      {"kB", "KiB"}, {"KB", "KiB"}, {"MB", "MiB"}, {"GB", "GiB"}, {"TB", "TiB"}};
  if (rule.kind != Kind::kSize) return {};
  for (const auto& [decimal, binary] : kUnits) {
    if (!text.ends_with(decimal)) continue;
    const std::string meant =
        fmt::format("{}{}", text.substr(0, text.size() - decimal.size()), binary);
    const auto n = units::parse_size_bytes(meant);
    if (!n || !allowed(rule, *n)) return {};
    return fmt::format(" ({} is {} bytes: 1{} is {} bytes, 1{} is {}; did you mean '{}'?)", text,
                       *units::parse_size_bytes(text), decimal,
                       *units::parse_size_bytes(fmt::format("1{}", decimal)), binary,
                       *units::parse_size_bytes(fmt::format("1{}", binary)), meant);
  }
  return {};
}

// "'quantum' must be a duration string like "10ms", got an integer: ..."
std::string quantity_type_message(const toml::node& node, std::string_view key, const Rule& rule) {
  std::string message = fmt::format("'{}' must be a {} string like \"{}\", got {}", key,
                                    quantity_noun(rule.kind), rule.example, type_name(node));
  const std::string_view unit = rule.example.substr(rule.example.find_first_not_of("0123456789."));
  if (const auto* integer = node.as_integer()) {
    // The number with the unit, unless that would be wrong too ("0ms" for a quantum).
    const std::int64_t n = integer->get();
    if (n > 0 && static_cast<std::uint64_t>(n) >= rule.min) {
      message += fmt::format(": the unit is required, e.g. \"{}{}\"", n, unit);
    } else {
      message += fmt::format(": the unit is required, e.g. \"{}\"", rule.example);
    }
  } else if (const auto* floating = node.as_floating_point()) {
    message += fmt::format(": the unit is required, e.g. \"{}{}\"", floating->get(), unit);
  }
  return message;
}

bool Loader::read_quantity(const toml::node& node, std::string_view key, const Rule& rule,
                           Value& value) {
  const toml::value<std::string>* string = node.as_string();
  if (!string) return fail(node, quantity_type_message(node, key, rule));
  const std::string& text = string->get();
  units::Error unit_error;
  const std::optional<std::uint64_t> n = parse_quantity(rule.kind, text, &unit_error);
  if (!n) {
    // Point at the problem inside the string: column 1 is the character after the quote.
    std::string message = fmt::format("'{}': '{}' is not a {}: {}", key, text,
                                      quantity_noun(rule.kind), unit_error.message);
    if (unit_error.too_large && rule.kind == Kind::kDuration) {
      message += " (time is counted in 64-bit nanoseconds: at most about 292 years)";
    } else if (unit_error.too_large) {
      message += fmt::format(" ('{}' must be {})", key,
                             rule.max == kNoLimit && rule.requirement.empty()
                                 ? "at most " + exact_text(rule.kind, kNoLimit)
                                 : requirement(rule));
    }
    error(layout(node).map(1, 1 + static_cast<int>(unit_error.column)), message);
    return false;
  }
  if (!allowed(rule, *n)) {
    return fail(node, fmt::format("'{}' must be {}, got '{}'{}", key, requirement(rule), text,
                                  binary_unit_hint(rule, text)));
  }
  value.number = *n;
  return true;
}

bool Loader::read_program(const toml::node& node, Value& value) {
  const toml::value<std::string>* string = node.as_string();
  if (!string) {
    return fail(node, fmt::format("'program' must be a string in the program notation, like "
                                  "'''compute 5ms''', got {}",
                                  type_name(node)));
  }
  ParsedProgram parsed = parse_program(string->get());
  const StringLayout where = layout(node);
  for (const ProgramError& e : parsed.errors) {
    error(where.map(e.line, e.column), e.message);
  }
  for (Op& op : parsed.program.ops) {
    const Diagnostic position = where.map(op.line, op.column);
    op.line = position.line;
    op.column = position.column;
  }
  value.program = std::move(parsed.program);
  return parsed.errors.empty();
}

// ---------------------------------------------------------------------------
// Checks across keys (each skipped when a key it needs already has an error)

// Sizes the disk counts in sectors: the staging buffer, the read-ahead
// buffer, an SSD page. Returns the sector count, or nullopt after an error.
std::optional<std::uint64_t> Loader::whole_sectors(std::optional<std::uint64_t> bytes,
                                                   std::string_view key, std::string_view name) {
  if (!bytes || bad({kSectorSizeKey})) return std::nullopt;
  const std::uint32_t sector = draft_.s.machine.disk.sector_bytes();
  if (*bytes % sector == 0) return *bytes / sector;
  error(at_key(key), fmt::format("'{}' must be a whole number of sectors ({} each), got {}", name,
                                 exact_text(Kind::kSize, sector), exact_text(Kind::kSize, *bytes)));
  return std::nullopt;
}

void Loader::check_sector_multiples() {
  DiskControllerParams& disk = draft_.s.machine.disk;
  if (auto n = whole_sectors(draft_.max_transfer, kMaxTransferKey, "max_transfer"))
    disk.max_sectors = static_cast<std::uint32_t>(*n);
  if (auto n = whole_sectors(draft_.track_buffer, kTrackBufferKey, "track_buffer"))
    disk.hdd.track_buffer = static_cast<std::uint32_t>(*n);
  if (!bad({kPageSizeKey})) whole_sectors(disk.ssd.page_bytes, kPageSizeKey, "page_size");
}

// A relative path in a scenario is relative to the scenario file's folder,
// so a lesson folder can carry its disk image along.
std::string Loader::beside_scenario(const std::string& path) const {
  if (path.empty() || path.front() == '/' || source_.rfind("<built-in>", 0) == 0) return path;
  const std::size_t slash = source_.rfind('/');
  return slash == std::string::npos ? path : source_.substr(0, slash + 1) + path;
}

// The image to load must be readable now, not half-way into a run.
void Loader::check_image_files() {
  MachineSpec& m = draft_.s.machine;
  if (!m.disk_image.empty()) {
    m.disk_image = beside_scenario(m.disk_image);
    if (!std::ifstream(m.disk_image))
      error(at_key("machine.disk.image"),
            fmt::format("cannot read the disk image '{}': {}", m.disk_image, std::strerror(errno)));
  }
  if (!m.disk_save.empty()) m.disk_save = beside_scenario(m.disk_save);
}

// The server's latency distribution needs the parameters of its kind.
void Loader::check_server() {
  const Draft& d = draft_;
  const auto kind = static_cast<LatencyDistribution::Kind>(d.server_kind);
  auto need = [this](const std::optional<Ns>& value, std::string_view key, std::string_view what) {
    if (!value)
      error(at_key(kServerKey),
            fmt::format("a {} server latency needs '{}' in [machine.nic.server]", what, key));
    return value.has_value();
  };
  NicParams& nic = draft_.s.machine.nic;
  switch (kind) {
    case LatencyDistribution::Kind::kFixed:
      if (d.server_mean) nic.server = LatencyDistribution::fixed(*d.server_mean);
      break;
    case LatencyDistribution::Kind::kUniform:
      if (!need(d.server_min, "min", "uniform") || !need(d.server_max, "max", "uniform")) return;
      if (*d.server_min > *d.server_max) {
        error(at_key("machine.nic.server.max"),
              fmt::format("'max' ({}) must not be less than 'min' ({})",
                          exact_text(Kind::kDuration, static_cast<std::uint64_t>(*d.server_max)),
                          exact_text(Kind::kDuration, static_cast<std::uint64_t>(*d.server_min))));
        return;
      }
      nic.server = LatencyDistribution::uniform(*d.server_min, *d.server_max);
      break;
    case LatencyDistribution::Kind::kNormal:
      if (!need(d.server_mean, "mean", "normal") || !need(d.server_stddev, "stddev", "normal"))
        return;
      nic.server = LatencyDistribution::normal(*d.server_mean, *d.server_stddev);
      break;
    case LatencyDistribution::Kind::kExponential:
      if (!need(d.server_mean, "mean", "exponential")) return;
      nic.server = LatencyDistribution::exponential(*d.server_mean);
      break;
  }
}

void Loader::check_quantum() {
  if (bad({kQuantumKey, kSimTimeKey})) return;
  const auto quantum = static_cast<std::uint64_t>(draft_.s.kernel.quantum);
  const auto sim_time = static_cast<std::uint64_t>(draft_.s.limits.sim_time);
  if (quantum <= sim_time) return;
  if (where_.count(kQuantumKey)) {
    error(at_key(kQuantumKey),
          fmt::format("'quantum' ({}) must not be longer than [limits] sim_time ({})",
                      exact_text(Kind::kDuration, quantum), exact_text(Kind::kDuration, sim_time)));
  } else {
    error(at_key(kSimTimeKey),
          fmt::format("'sim_time' ({}) is shorter than the default [kernel] quantum ({}): set a "
                      "shorter quantum",
                      exact_text(Kind::kDuration, sim_time), exact_text(Kind::kDuration, quantum)));
  }
}

// A policy library must be there now, not half-way into a run; it is loaded
// (and its code run) only by `iosim run`.
void Loader::check_policy_library() {
  std::string& policy = draft_.s.kernel.policy;
  if (bad({kPolicyKey}) || !is_policy_library(policy)) return;
  policy = beside_scenario(policy);
  if (!std::ifstream(policy))
    error(at_key(kPolicyKey),
          fmt::format("cannot read the policy library '{}': {}", policy, std::strerror(errno)));
}

void Loader::check_mlfq() {
  if (bad({kLevelsKey, kQuantaKey})) return;
  const MlfqParams& mlfq = draft_.s.kernel.policy_params.mlfq;
  const std::size_t levels = static_cast<std::size_t>(mlfq.levels);
  if (mlfq.quanta.size() == levels) return;
  if (where_.count(kQuantaKey)) {
    error(at_key(kQuantaKey),
          fmt::format("'quanta' has {} duration{} but 'levels' is {}: give one quantum per level",
                      mlfq.quanta.size(), mlfq.quanta.size() == 1 ? "" : "s", levels));
  } else {
    std::vector<std::string> quanta;
    for (Ns quantum : mlfq.quanta) {
      quanta.push_back(exact_text(Kind::kDuration, static_cast<std::uint64_t>(quantum)));
    }
    error(at_key(kLevelsKey),
          fmt::format("'levels' is {} but the default 'quanta' ({}) has {}: set 'quanta' with one "
                      "duration per level",
                      levels, fmt::join(quanta, ", "), quanta.size()));
  }
}

// A slice is at least min_granularity and at most the latency it divides.
void Loader::check_cfs() {
  if (bad({kLatencyKey, kMinGranularityKey})) return;
  const CfsParams& cfs = draft_.s.kernel.policy_params.cfs;
  if (cfs.min_granularity <= cfs.latency) return;
  const std::string min =
      exact_text(Kind::kDuration, static_cast<std::uint64_t>(cfs.min_granularity));
  const std::string latency = exact_text(Kind::kDuration, static_cast<std::uint64_t>(cfs.latency));
  if (where_.count(kMinGranularityKey)) {
    error(
        at_key(kMinGranularityKey),
        fmt::format("'min_granularity' ({}) must not be longer than 'latency' ({})", min, latency));
  } else {
    error(at_key(kLatencyKey),
          fmt::format("'latency' ({}) is shorter than the default 'min_granularity' ({}): set a "
                      "shorter min_granularity",
                      latency, min));
  }
}

void Loader::link_shared_conditions(const toml::table& root) {
  if (bad({"shared.locks", "shared.conditions"})) return;
  const toml::table* shared = root.get_as<toml::table>("shared");
  if (shared && !link_conditions(shared->get("conditions"), draft_.s.workload.shared, "[shared]")) {
    bad_.emplace("shared.conditions");
  }
}

// What the kernel and the policies are told that other keys already say.
void Loader::finish_kernel() {
  Scenario& s = draft_.s;
  s.kernel.policy_params.quantum = s.kernel.quantum;
  s.kernel.policy_params.cores = s.machine.cores;
  s.kernel.policy_params.seed = s.seed;
  s.kernel.memory.capacity = s.machine.ram_bytes;
}

void Loader::check_transfer(const Op& op, std::uint64_t sectors, std::uint64_t capacity) {
  const std::string_view verb = op.kind == OpKind::kRead    ? "read"
                                : op.kind == OpKind::kWrite ? "write"
                                                            : "fetch";
  const Diagnostic where{source_, op.line, op.column, {}};
  if (op.lba && (*op.lba >= capacity || sectors > capacity - *op.lba)) {
    error(where, fmt::format("{} at lba {} for {} sector{} runs past the end of the disk ({} "
                             "sectors)",
                             verb, *op.lba, sectors, sectors == 1 ? "" : "s", capacity));
  }
  const std::uint64_t ram = draft_.s.machine.ram_bytes;
  if (op.bytes > ram) {
    error(where, fmt::format("{} of {} is larger than RAM ({})", verb,
                             exact_text(Kind::kSize, op.bytes), exact_text(Kind::kSize, ram)));
  }
}

// Sectors on the disk the scenario describes, whichever kind it is.
std::uint64_t Loader::disk_capacity() const {
  const DiskControllerParams& disk = draft_.s.machine.disk;
  if (disk.kind == DiskKind::kSsd) {
    const SsdParams& ssd = disk.ssd;
    const std::uint64_t pages =
        saturating_mul(saturating_mul(ssd.channels, ssd.dies_per_channel), ssd.pages_per_die);
    return saturating_mul(pages, ssd.page_bytes / ssd.sector_bytes);
  }
  const HddParams& hdd = disk.hdd;
  return saturating_mul(saturating_mul(hdd.cylinders, hdd.heads), hdd.sectors_per_track);
}

// Each transfer on its own: on the disk, within RAM, within the network
// card's limit. Whether everything fits in memory at once is the kernel's
// business at run time (it accounts memory and reports exhaustion).
void Loader::check_programs() {
  if (bad({kCylindersKey, kHeadsKey, kSectorsPerTrackKey, kSectorSizeKey, kPageSizeKey, kRamKey}))
    return;
  const std::uint64_t capacity = disk_capacity();
  const std::uint32_t sector_bytes = draft_.s.machine.disk.sector_bytes();
  const std::uint64_t nic_max = draft_.s.machine.nic.max_transfer;
  const auto check = [&](const Program& program) {
    for (const Op& op : program.ops) {
      if (op.kind == OpKind::kFetch && op.bytes > nic_max && !bad({kNicMaxTransferKey})) {
        error({source_, op.line, op.column, {}},
              fmt::format("fetch of {} is larger than the network card's max_transfer ({})",
                          exact_text(Kind::kSize, op.bytes), exact_text(Kind::kSize, nic_max)));
      }
      if (transfer_bytes(op, sector_bytes) == 0) continue;
      check_transfer(op, round_up(op.bytes, sector_bytes) / sector_bytes, capacity);
    }
  };
  for (const ProcessSpec& process : draft_.s.workload.processes) {
    for (const ThreadSpec& thread : process.threads)
      check(thread.program);
    for (const CoroutineSpec& coroutine : process.coroutines)
      check(coroutine.program);
    for (const PoolSpec& pool : process.pools)
      check(pool.item);
  }
}

// ---------------------------------------------------------------------------
// Names in programs (app/program_linker.h)

// Objects whose declaration has an error were reported there; the linker
// does not report them again where programs use them.
void Loader::link_programs() {
  FailedDeclarations failed{process_failed_, {}};
  for (std::string_view key : {"locks", "semaphores", "conditions", "variables"}) {
    const std::string path = fmt::format("shared.{}", key);
    if (bad({path})) failed.shared.emplace(key);
  }
  for (LinkError& e : iosim::link_programs(draft_.s.workload, failed)) {
    error({source_, e.line, e.column, {}}, std::move(e.message));
  }
}

}  // namespace

std::string Diagnostic::format() const {
  if (line == 0) return fmt::format("{}: error: {}", file, message);
  return fmt::format("{}:{}:{}: error: {}", file, line, column, message);
}

LoadResult load_scenario_text(std::string_view text, const std::string& source_name,
                              const std::vector<std::string>& overrides) {
  return Loader(text, source_name).run(overrides);
}

LoadResult load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back(
        {path, 0, 0, fmt::format("cannot read the file: {}", std::strerror(errno))});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_scenario_text(text.str(), path, overrides);
}

}  // namespace iosim
