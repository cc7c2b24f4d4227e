// The CPU: N cores at one clock frequency. Each core is one SystemC thread
// that runs the software loaded onto it (the kernel) forever. The software
// spends time through the core's primitives, which is how every nanosecond of
// a core is accounted as idle, user, kernel or interrupt time:
//
//   enter(mode)      later time counts as `mode` (user, kernel or irq)
//   spend(d)         d ns of work that cannot be interrupted (kernel code)
//   run_user(d)      d ns of user computation that an interrupt request cuts
//                    short; returns what is left, so nothing is lost
//   idle_until_irq() sleeps (idle time) until the IRQ input is raised
//   read()/write()   a bus access (register or memory), charged to the mode
//
// The CPU knows nothing about threads or schedulers: the kernel implements
// CoreSoftware and decides what each core does next.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/probe.h"
#include "sim/time.h"

namespace iosim {

enum class CoreMode : std::uint8_t { kIdle = 0, kUser = 1, kKernel = 2, kIrq = 3 };

class Core;

class CoreSoftware {
 public:
  virtual ~CoreSoftware() = default;
  virtual void run(Core& core) = 0;  // the core's whole life; returning halts the core
};

class Cpu;

class Core {
 public:
  Core(Cpu& cpu, int id);

  int id() const { return id_; }
  std::uint64_t clock_hz() const;
  CoreMode mode() const { return mode_; }

  void enter(CoreMode mode);
  void spend(Ns duration);
  Ns run_user(Ns duration);
  void idle_until_irq();
  bool irq_pending() const;
  std::uint64_t read(std::uint64_t address, unsigned width = 8);
  void write(std::uint64_t address, std::uint64_t value, unsigned width = 8);

  Ns time_in(CoreMode mode) const;           // accounted so far, including the current stretch
  Probe& state_probe() { return state_; }    // CoreMode as an integer
  Probe& thread_probe() { return thread_; }  // running thread id + 1, 0 = none

 private:
  Cpu& cpu_;
  int id_;
  CoreMode mode_ = CoreMode::kIdle;
  Ns since_ = 0;
  std::array<Ns, 4> spent_{};
  Probe state_, thread_;
};

class Cpu : public sc_core::sc_module {
 public:
  sc_core::sc_vector<sc_core::sc_in<bool>> irq;                     // one IRQ input per core
  sc_core::sc_vector<tlm_utils::simple_initiator_socket<Cpu>> bus;  // one bus port per core

  Cpu(sc_core::sc_module_name name, int cores, std::uint64_t clock_hz);

  void load(CoreSoftware& software) { software_ = &software; }
  int cores() const { return static_cast<int>(cores_.size()); }
  Core& core(int i) { return *cores_[static_cast<std::size_t>(i)]; }
  std::uint64_t clock_hz() const { return clock_hz_; }
  Ns cycles_to_ns(std::uint64_t cycles) const;  // rounded up: work never takes less time

 private:
  void core_main(int i);

  std::uint64_t clock_hz_;
  std::vector<std::unique_ptr<Core>> cores_;
  CoreSoftware* software_ = nullptr;
};

}  // namespace iosim
