#include "devices/cpu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "devices/bus.h"
#include "devices/bus_access.h"

namespace iosim {

Core::Core(Cpu& cpu, int id)
    : cpu_(cpu),
      id_(id),
      state_("cores", fmt::format("core{}_state", id), 2),
      thread_("cores", fmt::format("core{}_thread", id), 32) {}

std::uint64_t Core::clock_hz() const {
  return cpu_.clock_hz();
}

void Core::enter(CoreMode mode) {
  Ns now = now_ns();
  spent_[static_cast<std::size_t>(mode_)] += now - since_;
  since_ = now;
  mode_ = mode;
  state_.set(static_cast<std::uint64_t>(mode));
}

void Core::spend(Ns duration) {
  if (duration > 0) sc_core::wait(to_sc(duration));
}

Ns Core::run_user(Ns duration) {
  enter(CoreMode::kUser);
  if (irq_pending() || duration <= 0) return duration < 0 ? 0 : duration;
  Ns start = now_ns();
  sc_core::wait(to_sc(duration), cpu_.irq[static_cast<std::size_t>(id_)].posedge_event());
  Ns ran = now_ns() - start;
  return duration - ran;
}

Ns Core::run_user(Ns duration, double mem_share) {
  if (!(mem_share > 0)) return run_user(duration);  // (also for NaN)
  const double share = std::min(mem_share, 1.0);
  enter(CoreMode::kUser);
  if (duration <= 0) return 0;
  auto& socket = cpu_.bus[static_cast<std::size_t>(id_)];
  const sc_core::sc_event& irq = cpu_.irq[static_cast<std::size_t>(id_)].posedge_event();
  Ns left = duration;
  while (left > 0) {
    Ns n = std::min(cpu_.mem_slice(), left);
    Ns m = static_cast<Ns>(std::llround(share * static_cast<double>(n)));
    Ns c = n - m;
    if (c > 0) {
      if (irq_pending()) return left;
      Ns start = now_ns();
      sc_core::wait(to_sc(c), irq);
      Ns ran = now_ns() - start;
      left -= ran;
      if (ran < c) return left;
    }
    if (m > 0) {
      if (irq_pending()) return left;
      Ns start = now_ns();
      Ns unfinished = bus_stream(socket, m, &irq);
      left -= m - unfinished;
      mem_stall_ += (now_ns() - start) - (m - unfinished);
      if (unfinished > 0) return left;
    }
  }
  return 0;
}

void Core::idle_until_irq() {
  enter(CoreMode::kIdle);
  while (!irq_pending())
    sc_core::wait(cpu_.irq[static_cast<std::size_t>(id_)].posedge_event());
}

bool Core::irq_pending() const {
  return cpu_.irq[static_cast<std::size_t>(id_)].read();
}

std::uint64_t Core::read(std::uint64_t address, unsigned width) {
  std::uint64_t value = 0;
  if (!bus_read(cpu_.bus[static_cast<std::size_t>(id_)], address, &value, width))
    throw std::runtime_error(fmt::format("core{}: bus error reading {:#x}", id_, address));
  return value;
}

void Core::write(std::uint64_t address, std::uint64_t value, unsigned width) {
  if (!bus_write(cpu_.bus[static_cast<std::size_t>(id_)], address, value, width))
    throw std::runtime_error(fmt::format("core{}: bus error writing {:#x}", id_, address));
}

Ns Core::time_in(CoreMode mode) const {
  Ns t = spent_[static_cast<std::size_t>(mode)];
  if (mode == mode_) t += now_ns() - since_;
  return t;
}

Cpu::Cpu(sc_core::sc_module_name name, int cores, std::uint64_t clock_hz)
    : sc_module(name),
      irq("irq", static_cast<std::size_t>(cores)),
      bus("bus", static_cast<std::size_t>(cores)),
      clock_hz_(clock_hz) {
  if (cores < 1 || clock_hz == 0) throw std::invalid_argument("a CPU needs cores and a clock");
  for (int i = 0; i < cores; ++i) {
    cores_.push_back(std::make_unique<Core>(*this, i));
    sc_core::sc_spawn(sc_core::sc_bind(&Cpu::core_main, this, i), fmt::format("core{}", i).c_str());
  }
}

void Cpu::set_mem_slice(Ns slice) {
  if (slice <= 0) throw std::invalid_argument("mem_slice must be > 0");
  mem_slice_ = slice;
}

Ns Cpu::cycles_to_ns(std::uint64_t cycles) const {
  unsigned __int128 ns =
      (static_cast<unsigned __int128>(cycles) * 1'000'000'000 + clock_hz_ - 1) / clock_hz_;
  return static_cast<Ns>(ns);
}

void Cpu::core_main(int i) {
  if (software_) software_->run(core(i));
  core(i).enter(CoreMode::kIdle);  // halted: the rest of time is idle
}

}  // namespace iosim
