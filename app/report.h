// What a run produced, gathered once from the platform and printed either as
// the readable summary or as the JSON document whose field names and units
// are a contract (docs/json-report.md): integer nanoseconds, bytes.
#pragma once

#include <cstdint>
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
  Ns arrival, first_run, finish;  // -1 when it never happened
  Ns cpu, user, sys, ready_wait, io_wait, sleep;
  std::uint64_t reads, writes, bytes_read, bytes_written, fetches, bytes_fetched, io_errors;
  std::uint64_t read_checksum, write_checksum;
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
  std::vector<DeviceReport> devices;
  KernelCounters counters;
  double bus_utilisation = 0;  // busy time over the run
  std::vector<BusInitiatorStats> bus_initiators;
  std::vector<IrqLineReport> irq_lines;
};

Report collect_report(Platform& platform, const std::string& status);
std::string report_json(const Report& report);
std::string report_text(const Report& report);

}  // namespace iosim
