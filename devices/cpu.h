// The CPU: N cores at one clock frequency. Each core is one SystemC thread
// that runs the software loaded onto it (the kernel) forever. The software
// spends time through the core's primitives, which is how every nanosecond of
// a core is accounted as idle, user, kernel or interrupt time:
//
//   enter(mode)      later time counts as `mode` (user, kernel or irq)
//   spend(d)         d ns of work that cannot be interrupted (kernel code)
//   run_user(d)      d ns of user computation that an interrupt request cuts
//                    short; returns what is left, so nothing is lost
//   run_user(d, s)   the same, with a share s (0..1) of the time spent on
//                    memory traffic over the bus, so it competes with DMA
//                    (see below)
//   idle_until_irq() sleeps (idle time) until the IRQ input is raised
//   read()/write()   a bus access (register or memory), charged to the mode
//
// The CPU knows nothing about threads or schedulers: the kernel implements
// CoreSoftware and decides what each core does next.
//
// Memory traffic: run_user(d, s) runs d ns in slices of n = min(mem_slice, what
// is left) ns. Each slice is m = round(s * n) ns of memory traffic after
// c = n - m ns of pure compute:
//   compute  a wait of c ns that an IRQ cuts short
//   memory   a bus stream (bus_stream) that needs m ns of bus time. It uses the
//            bus whenever no access and no other initiator's hold needs it, so
//            on an idle bus it takes exactly m ns; an access by another
//            initiator (a DMA burst) during it delays it by that access's
//            occupancy, and a DMA channel holding the bus (burst mode) stalls
//            it until the release. An IRQ cuts it short too.
// On an idle bus the step takes exactly d. Time stalled on the bus is user
// time (the core is busy, waiting on memory) and is also counted in
// mem_stall(). The value returned is the nominal work left: d minus the
// compute and bus time done, so nothing is lost and nothing is counted twice.
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
  Ns run_user(Ns duration);                    // = run_user(duration, 0)
  Ns run_user(Ns duration, double mem_share);  // mem_share in [0, 1]; see above
  void idle_until_irq();
  bool irq_pending() const;
  std::uint64_t read(std::uint64_t address, unsigned width = 8);
  void write(std::uint64_t address, std::uint64_t value, unsigned width = 8);

  Ns time_in(CoreMode mode) const;             // accounted so far, including the current stretch
  Ns mem_stall() const { return mem_stall_; }  // time memory traffic waited for the bus
  Probe& state_probe() { return state_; }      // CoreMode as an integer
  Probe& thread_probe() { return thread_; }    // running thread id + 1, 0 = none

 private:
  Cpu& cpu_;
  int id_;
  CoreMode mode_ = CoreMode::kIdle;
  Ns since_ = 0;
  std::array<Ns, 4> spent_{};
  Ns mem_stall_ = 0;
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

  // Slice length of run_user(d, mem_share): finer slices interleave memory
  // traffic more evenly with other initiators but cost two events each.
  static constexpr Ns kDefaultMemSlice = 1'000;
  void set_mem_slice(Ns slice);  // > 0
  Ns mem_slice() const { return mem_slice_; }

 private:
  void core_main(int i);

  std::uint64_t clock_hz_;
  Ns mem_slice_ = kDefaultMemSlice;
  std::vector<std::unique_ptr<Core>> cores_;
  CoreSoftware* software_ = nullptr;
};

}  // namespace iosim
