// Platform assembly: turns a Scenario into a running machine. It creates the
// device modules, maps them on the bus, wires the interrupt lines, tells the
// kernel where everything is (DeviceMap), and loads the workload into it.
//
// Memory map (bus addresses):
//   0x0                      RAM (machine.ram bytes)
//   kMmio + 0x00000          interrupt controller registers
//   kMmio + 0x10000 + 0x100*c  timer of core c
//   kMmio + 0x20000          system timer (sleeps, arrivals)
//   kMmio + 0x30000          DMA engine registers (0x40 per channel)
//   kMmio + 0x40000          disk controller registers
//   kMmio + 0x50000          network card registers
//   kMmio + 0x1000000        disk controller staging buffer
// Interrupt lines (lower = more urgent): core timers 0..N-1, system timer N,
// disk N+1, network card N+2, then one IPI line per core.
#pragma once

#include <systemc>

#include <memory>
#include <vector>

#include "app/scenario.h"
#include "devices/bus.h"
#include "devices/cpu.h"
#include "devices/disk_controller.h"
#include "devices/dma_engine.h"
#include "devices/interrupt_controller.h"
#include "devices/nic.h"
#include "devices/ram.h"
#include "devices/timer.h"
#include "grader/remote_policy.h"
#include "kernel/kernel.h"
#include "sim/probe.h"

namespace iosim {

class Platform {
 public:
  static constexpr std::uint64_t kMmio = std::uint64_t{1} << 48;
  static constexpr std::uint64_t kIcBase = kMmio, kCoreTimerBase = kMmio + 0x10000,
                                 kSysTimerBase = kMmio + 0x20000, kDmaBase = kMmio + 0x30000,
                                 kDiskBase = kMmio + 0x40000, kNicBase = kMmio + 0x50000,
                                 kDiskBufferBase = kMmio + 0x1000000;

  // Must be called after set_time_resolution() and before sc_start.
  // Throws std::runtime_error when the scenario cannot be built.
  // `record_schedule` keeps the kernel's log of every slice (Kernel::schedule()).
  // With `sandbox`, a policy library runs in a sandboxed child process
  // (grader::RemotePolicy) instead of in this one.
  explicit Platform(const Scenario& scenario, bool record_schedule = false,
                    const grader::SandboxOptions* sandbox = nullptr);
  ~Platform();

  Kernel& kernel() { return *kernel_; }
  Cpu& cpu() { return *cpu_; }
  Bus& bus() { return *bus_; }
  Ram& ram() { return *ram_; }
  DiskController& disk() { return *disk_; }
  Nic& nic() { return *nic_; }
  DmaEngine& dma() { return *dma_; }
  InterruptController& ic() { return *ic_; }
  const Scenario& scenario() const { return scenario_; }
  // The sandboxed policy, when the run has one (the kernel owns it).
  grader::RemotePolicy* remote_policy() const { return remote_policy_; }

  // After the run: writes the disk's contents where the scenario asked.
  void finish();

  // Everything a waveform can show, grouped by scope.
  std::vector<Probe*> probes();

 private:
  // Device interrupt lines besides the core timers: system timer, disk, NIC.
  static constexpr int kDeviceLines = 3;

  DeviceMap device_map() const;
  void wire_interrupts();
  std::unique_ptr<sched::Policy> make_policy(const grader::SandboxOptions* sandbox);

  Scenario scenario_;  // owns the programs the kernel's threads point into
  int cores_;
  std::unique_ptr<Bus> bus_;
  std::unique_ptr<Ram> ram_;
  std::unique_ptr<Cpu> cpu_;
  std::unique_ptr<InterruptController> ic_;
  std::vector<std::unique_ptr<Timer>> core_timers_;
  std::unique_ptr<Timer> sys_timer_;
  std::unique_ptr<DmaEngine> dma_;
  std::unique_ptr<DiskController> disk_;
  std::unique_ptr<Nic> nic_;
  std::unique_ptr<Kernel> kernel_;
  grader::RemotePolicy* remote_policy_ = nullptr;
  // Wires: device lines into the controller, controller outputs into cores,
  // DMA done lines (channel 0 goes to the disk controller).
  sc_core::sc_vector<sc_core::sc_signal<bool>> irq_lines_, core_irq_, dma_done_;
};

}  // namespace iosim
