// What the kernel is told at boot: its policy settings, what each kernel
// action costs, and where the hardware is (the kernel's "device tree").
#pragma once

#include <cstdint>
#include <vector>

#include "sim/ns.h"

namespace iosim {

enum class SchedMode { kPreemptive, kCooperative };
enum class TransferMode { kDma, kPio };  // who moves the data: a DMA engine, or the core
enum class CompletionMode { kInterrupt, kPolling };  // how the kernel learns a request is done
enum class TimerMode { kTickless, kPeriodic };       // one-shot deadlines, or a fixed tick rate
enum class IrqRouting { kFixed, kRoundRobin, kLeastBusy };  // where device interrupts go
enum class IrqPriority { kFixed, kRotating };
enum class IrqTrigger { kEdge, kLevel };  // devices pulse their line, or hold it until served

// How the kernel drives its I/O devices (the disk and the network card).
struct IoPolicy {
  TransferMode transfer = TransferMode::kDma;
  CompletionMode completion = CompletionMode::kInterrupt;
  Ns poll_interval = 0;         // spin between two polls of a device (kernel time)
  unsigned pio_word_bytes = 4;  // width of each programmed-I/O access to a DATA register
};

// Time a core spends on each kernel action (besides the bus accesses it makes).
struct KernelCosts {
  Ns context_switch = 2'000;  // save one thread's state, load another's
  Ns syscall_entry = 200;
  Ns syscall_exit = 100;
  Ns irq_entry = 1'000;  // save state, find the handler
  Ns irq_exit = 500;
  Ns pio_word = 20;  // per word copied by programmed I/O, beyond its two bus accesses
  Ns poll = 100;     // per status-register poll, beyond the bus read and the poll interval
  // Creating and ending things (kernel time on the core that does it, except
  // python_startup, which the new process's main thread spends in user mode).
  Ns thread_spawn = 20'000;        // clone(): a kernel thread record and a stack
  Ns process_spawn = 1'000'000;    // fork() + exec(): a new address space
  Ns python_startup = 20'000'000;  // a python process starting its interpreter
  Ns process_exit = 100'000;       // tearing an address space down
  // The event loop (user time on the loop's thread).
  Ns task_spawn = 2'000;   // create_task(): a coroutine object and its frame
  Ns task_switch = 1'000;  // the loop resuming another ready task
  // Synchronisation and inter-process communication (user time).
  Ns lock = 50;             // an uncontended lock/unlock (an atomic instruction or two)
  Ns shared_add = 20;       // load, add, store of a shared variable
  Ns ipc_message = 20'000;  // pickling or unpickling one message, on each side
  Ns ipc_byte = 1;          // copying one byte through the pipe, on each side
};

// What things cost in memory, and what happens when memory runs out.
struct MemoryConfig {
  std::uint64_t capacity = 1ull << 30;  // the machine's RAM
  std::uint64_t thread_stack = 8ull << 20;
  std::uint64_t thread_kernel = 16ull << 10;   // kernel stack and thread record
  std::uint64_t task = 2ull << 10;             // one coroutine task
  std::uint64_t native_process = 1ull << 20;   // base size of a native process
  std::uint64_t python_process = 10ull << 20;  // base size of a python interpreter
  bool stop_when_exhausted = true;  // else the failing spawn is skipped and the program goes on
};

struct DeviceMap {
  std::uint64_t ic = 0;                    // InterruptController registers
  std::vector<std::uint64_t> core_timers;  // per core
  std::vector<int> core_timer_lines;
  std::uint64_t sys_timer = 0;
  int sys_timer_line = 0;
  std::uint64_t disk = 0;  // DiskController registers
  int disk_line = 0;
  std::uint64_t nic = 0;  // Nic registers
  int nic_line = 0;
  int ipi_base = 0;  // IPI line of core c = ipi_base + c
  std::uint64_t ram_size = 0;
  std::uint64_t ram_user_base = 0;  // thread buffers are allocated from here up
  std::uint32_t sector_bytes = 512;
  std::uint32_t disk_max_sectors = 256;  // per controller command
  std::uint64_t disk_sectors = 0;        // capacity
};

struct KernelConfig {
  SchedMode mode = SchedMode::kPreemptive;
  TimerMode timer = TimerMode::kTickless;
  IrqRouting routing = IrqRouting::kFixed;  // disk and NIC lines; timers stay where they are
  IrqPriority priority = IrqPriority::kFixed;
  IrqTrigger trigger = IrqTrigger::kEdge;  // for the disk's and the network card's lines
  Ns tick = 1'000'000;  // period of the scheduler tick with TimerMode::kPeriodic (1 ms: HZ=1000)
  IoPolicy io;
  KernelCosts costs;
  MemoryConfig memory;
  Ns gil_switch_interval = 5'000'000;  // a GIL holder is asked to drop it after this much waiting
  DeviceMap map;
  std::uint64_t seed = 1;
  bool record_schedule = false;  // keep a log of every slice (for tests and timelines)
};

}  // namespace iosim
