// A scenario, loaded and validated: everything needed to build the platform
// and boot the kernel. Defaults here are the documented defaults of the
// scenario format (docs/scenario-format.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "devices/disk_controller.h"
#include "devices/nic.h"
#include "kernel/kernel_config.h"
#include "kernel/policies/policy_params.h"
#include "kernel/program.h"
#include "kernel/workload.h"
#include "sim/time.h"

namespace iosim {

struct MachineSpec {
  int cores = 1;
  std::uint64_t clock_hz = 2'000'000'000;  // 2 GHz
  std::uint64_t ram_bytes = 1ull << 30;    // 1 GiB
  Ns ram_latency = 50;
  BusTiming bus;
  DiskControllerParams disk;  // HDD geometry and mechanics, controller overhead and queue
  std::string disk_image;     // a file whose bytes are the disk's first sectors ("" = none)
  std::string disk_save;      // where to write the disk's contents after the run ("" = don't)
  NicParams nic;              // the network card and the remote server it talks to
  int dma_channels = 4;
  std::uint32_t dma_burst = 64;  // bytes per bus grant
  bool dma_burst_mode = false;   // a transfer holds the bus to its end (else: cycle stealing)
  IrqRouting irq_routing = IrqRouting::kFixed;  // which core device interrupts go to
  IrqPriority irq_priority = IrqPriority::kFixed;
  IrqTrigger irq_trigger = IrqTrigger::kEdge;
};

struct KernelSpec {
  std::string policy = "rr";
  SchedMode mode = SchedMode::kPreemptive;
  Ns quantum = 10'000'000;  // 10 ms
  TimerMode timer = TimerMode::kTickless;
  Ns tick = 1'000'000;  // 1 ms, with TimerMode::kPeriodic
  IoPolicy io;          // DMA or PIO, interrupts or polling, for the disk and the network card
  KernelCosts costs;
  MemoryConfig memory;                 // its capacity comes from machine.ram
  Ns gil_switch_interval = 5'000'000;  // 5 ms, like sys.setswitchinterval's default
  PolicyParams policy_params;          // quantum, cores and seed are filled in from the rest
};

// When a run stops early (each ends it with the partial report and exit
// status 3). Memory's limit is the machine's RAM (MachineSpec::ram_bytes).
struct LimitsSpec {
  Ns sim_time = 3'600'000'000'000;       // one simulated hour
  std::uint64_t events = 2'000'000'000;  // SystemC delta cycles: about minutes of work
  Ns wall_time = 600'000'000'000;        // ten minutes of real time
};

struct Scenario {
  std::string name;    // the file's `name`, or its path
  std::string source;  // where it was read from ("<built-in>/..." for the default)
  std::uint64_t seed = 1;
  MachineSpec machine;
  KernelSpec kernel;
  LimitsSpec limits;
  Workload workload;  // processes, queues and the shared-memory segment
};

}  // namespace iosim
