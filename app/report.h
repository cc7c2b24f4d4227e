// What a run produced, gathered once from the platform and printed either as
// the readable summary or as the JSON document whose field names and units
// are a contract (docs/json-report.md): integer nanoseconds, bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "kernel/kernel.h"
#include "sim/device_stats.h"
#include "sim/time.h"

namespace iosim {

class Platform;

struct CoreReport {
  int id;
  Ns busy, user, kernel, irq, idle;
};

struct ThreadReport {
  std::string name, process;
  std::string end;                // "finished", "killed", or its state when the run stopped
  std::string bound;              // "cpu", "io" or "mixed": its CPU time over its lifetime
  Ns arrival, first_run, finish;  // -1 when it never happened
  Ns turnaround, response;        // finish - arrival, first run - arrival; -1 if not known
  Ns cpu, user, sys, ready_wait, io_wait, sleep, lock_wait, gil_wait, join_wait;
  std::uint64_t context_switches, preemptions, migrations;
  std::uint64_t reads, writes, bytes_read, bytes_written, fetches, bytes_fetched, io_errors;
  std::uint64_t read_checksum, write_checksum;
  std::uint64_t tasks, peak_tasks, task_switches, loop_polls;  // its event loop, if any
};

struct ProcessReport {
  std::string name, runtime, parent;
  Ns start, finish;  // finish -1 if it did not end
  std::uint64_t threads;
  Ns cpu;
  std::uint64_t peak_memory;
  std::uint64_t gil_switches, gil_drop_requests;
  std::vector<std::pair<std::string, std::int64_t>> variables;  // final values
};

// System-wide figures over the threads that finished.
struct Metrics {
  std::uint64_t finished = 0;
  double throughput = 0;  // finished threads per simulated second
  Ns avg_turnaround = 0, avg_response = 0, avg_waiting = 0;
  double utilisation = 0;  // busy share of all cores over the run
  double fairness = 1;     // Jain's index over each thread's CPU share of its lifetime
};

struct IrqLineReport {
  std::string name;
  std::uint64_t raised, coalesced;  // requests, and those that found the line already pending
};

struct DeviceReport {
  std::string name;
  DeviceStats stats;
};

struct Report {
  std::string scenario, source;
  std::uint64_t seed = 0;
  std::string status;  // "completed", or why the run ended early
  std::string policy, mode, disk_driver, completion, timer;
  Ns sim_time = 0;
  std::uint64_t events = 0;  // SystemC delta cycles: a measure of simulation work
  std::vector<CoreReport> cores;
  std::vector<ThreadReport> threads;
  std::vector<ProcessReport> processes;
  Metrics metrics;
  std::uint64_t memory_capacity = 0, memory_peak = 0, memory_in_use = 0;
  std::vector<MemoryFailure> memory_failures;
  std::vector<std::pair<std::string, std::int64_t>> shared_variables;
  std::vector<ConsoleLine> console;
  std::vector<std::string> thread_names;  // by id, for the console
  std::optional<PolicyFault> fault;
  // With `fault`: its kind and call (see FaultReport).
  std::string fault_kind, fault_call;
  // What a sandboxed policy printed ("" in-process).
  std::string policy_output;
  std::vector<WaitInfo> waits;       // when stalled: who waits for what
  std::vector<std::uint64_t> cycle;  // when stalled: a deadlock cycle, if any
  std::vector<DeviceReport> devices;
  KernelCounters counters;
  double bus_utilisation = 0;  // busy time over the run
  std::vector<BusInitiatorStats> bus_initiators;
  std::vector<IrqLineReport> irq_lines;
};

// With `rows` false (--brief) the report has no per-thread or per-process
// rows: the metrics are summed thread by thread instead, so a run of a
// million threads does not build a million rows it will not print.
Report collect_report(Platform& platform, const std::string& status, bool rows = true);

// A policy fault as the report tells it: the kernel's own check (the policy
// chose a task it may not run: kind "invalid_decision", in pick), or, for a
// sandboxed policy whose process failed, that failure (kind "crash",
// "timeout"..., see grader/policy_failure.h; core -1 when the call was not
// about a core).
struct FaultReport {
  PolicyFault fault;
  std::string kind, call;
};
FaultReport fault_report(Platform& platform);

// How the summaries write a share ("12.5%", "-" of nothing) and a time that
// may not have happened ("never").
std::string percent(Ns part, Ns whole);
std::string when(Ns t);
std::string report_json(const Report& report);
std::string report_text(const Report& report);

}  // namespace iosim
