// What the kernel is told at boot: its policy settings, what each kernel
// action costs, and where the hardware is (the kernel's "device tree").
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.h"

namespace iosim {

enum class SchedMode { kPreemptive, kCooperative };
enum class DiskIoMode { kDma, kPio };

// Time a core spends on each kernel action (besides the bus accesses it makes).
struct KernelCosts {
  Ns context_switch = 2'000;  // save one thread's state, load another's
  Ns syscall_entry = 200;
  Ns syscall_exit = 100;
  Ns irq_entry = 1'000;  // save state, find the handler
  Ns irq_exit = 500;
  Ns pio_word = 20;  // per word copied by programmed I/O, beyond its two bus accesses
  Ns poll = 100;     // per status-register poll, beyond the bus read
};

struct DeviceMap {
  std::uint64_t ic = 0;                    // InterruptController registers
  std::vector<std::uint64_t> core_timers;  // per core
  std::vector<int> core_timer_lines;
  std::uint64_t sys_timer = 0;
  int sys_timer_line = 0;
  std::uint64_t disk = 0;  // DiskController registers
  int disk_line = 0;
  int ipi_base = 0;  // IPI line of core c = ipi_base + c
  std::uint64_t ram_size = 0;
  std::uint64_t ram_user_base = 0;  // thread buffers are allocated from here up
  std::uint32_t sector_bytes = 512;
  std::uint32_t disk_max_sectors = 256;  // per controller command
  std::uint64_t disk_sectors = 0;        // capacity
};

struct KernelConfig {
  SchedMode mode = SchedMode::kPreemptive;
  DiskIoMode disk_io = DiskIoMode::kDma;
  unsigned pio_word_bytes = 4;
  KernelCosts costs;
  DeviceMap map;
  std::uint64_t seed = 1;
  bool record_schedule = false;  // keep a log of every slice (for tests and timelines)
};

}  // namespace iosim
