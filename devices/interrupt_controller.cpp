#include "devices/interrupt_controller.h"

#include <fmt/format.h>

#include <stdexcept>

namespace iosim {

InterruptController::InterruptController(sc_core::sc_module_name name, int hw_lines, int cores)
    : sc_module(name),
      lines("lines", static_cast<std::size_t>(hw_lines)),
      cpu_irq("cpu_irq", static_cast<std::size_t>(cores)),
      hw_lines_(hw_lines),
      cores_(cores) {
  if (hw_lines + cores > kMaxLines)
    throw std::invalid_argument(fmt::format("interrupt controller supports {} lines", kMaxLines));
  auto n = static_cast<std::size_t>(line_count());
  level_.assign(n, false);
  pending_.assign(n, false);
  in_service_.assign(n, false);
  mask_.assign(n, false);
  route_.assign(n, 0);
  raised_.assign(n, 0);
  coalesced_.assign(n, 0);
  for (int c = 0; c < cores; ++c)
    route_[static_cast<std::size_t>(ipi_line(c))] = c;
  for (std::size_t l = 0; l < n; ++l)
    line_probes_.push_back(std::make_unique<Probe>("interrupts", fmt::format("irq{}", l), 1));

  for (int w = 0; w * 64 < line_count(); ++w) {
    regs_.add(fmt::format("PENDING{}", w), kPending + 8 * w,
              [this, w](unsigned) { return word_of(pending_, w); });
    regs_.add(fmt::format("IN_SERVICE{}", w), kInService + 8 * w,
              [this, w](unsigned) { return word_of(in_service_, w); });
  }
  for (std::size_t l = 0; l < n; ++l) {
    regs_.add(
        fmt::format("MASK{}", l), kMask + 8 * l, [this, l](unsigned) { return mask_[l] ? 1 : 0; },
        [this, l](std::uint64_t v, unsigned) {
          mask_[l] = v & 1;
          update_outputs();
        });
    regs_.add(
        fmt::format("ROUTE{}", l), kRoute + 8 * l,
        [this, l](unsigned) { return static_cast<std::uint64_t>(route_[l]); },
        [this, l](std::uint64_t v, unsigned) {
          if (v < static_cast<std::uint64_t>(cores_)) route_[l] = static_cast<int>(v);
          update_outputs();
        });
  }
  for (int c = 0; c < cores; ++c) {
    regs_.add(fmt::format("ACK{}", c), kAck + 16 * c, [this, c](unsigned) { return ack(c); });
    regs_.add(fmt::format("EOI{}", c), kEoi + 16 * c, nullptr,
              [this, c](std::uint64_t v, unsigned) { eoi(c, v); });
  }
  regs_.add("SEND_IPI", kSendIpi, nullptr, [this](std::uint64_t v, unsigned) {
    if (v < static_cast<std::uint64_t>(cores_)) request(ipi_line(static_cast<int>(v)));
  });
  socket.register_b_transport(this, &InterruptController::b_transport);

  SC_METHOD(sample_lines);
  for (auto& line : lines)
    sensitive << line.value_changed();
  dont_initialize();
  SC_METHOD(drive_outputs);
  sensitive << drive_;
  dont_initialize();
}

void InterruptController::set_route(int line, int core) {
  route_.at(static_cast<std::size_t>(line)) = core;
}

void InterruptController::set_line_name(int line, const std::string& name) {
  line_probes_.at(static_cast<std::size_t>(line)) =
      std::make_unique<Probe>("interrupts", fmt::format("irq{}_{}", line, name), 1);
}

std::vector<Probe*> InterruptController::probes() {
  std::vector<Probe*> out;
  for (auto& p : line_probes_)
    out.push_back(p.get());
  return out;
}

// Edge detection: compare each device line with its last seen level.
void InterruptController::sample_lines() {
  for (int l = 0; l < hw_lines_; ++l) {
    auto i = static_cast<std::size_t>(l);
    bool now = lines[i].read();
    if (now && !level_[i]) request(l);
    level_[i] = now;
  }
}

void InterruptController::request(int line) {
  auto i = static_cast<std::size_t>(line);
  ++raised_[i];
  if (pending_[i]) {
    ++coalesced_[i];
    return;
  }
  pending_[i] = true;
  line_probes_[i]->set(1);
  update_outputs();
}

int InterruptController::deliverable(int core) const {
  for (int l = 0; l < line_count(); ++l) {
    auto i = static_cast<std::size_t>(l);
    if (route_[i] != core) continue;
    if (in_service_[i]) return -1;  // everything below is less urgent than this one
    if (pending_[i] && !mask_[i]) return l;
  }
  return -1;
}

std::uint64_t InterruptController::ack(int core) {
  int line = deliverable(core);
  if (line < 0) return kNoIrq;
  auto i = static_cast<std::size_t>(line);
  pending_[i] = false;
  in_service_[i] = true;
  line_probes_[i]->set(0);
  update_outputs();
  return static_cast<std::uint64_t>(line);
}

void InterruptController::eoi(int core, std::uint64_t line) {
  if (line >= static_cast<std::uint64_t>(line_count())) return;
  auto i = static_cast<std::size_t>(line);
  if (route_[i] == core) in_service_[i] = false;
  update_outputs();
}

// Register accesses run in the accessing core's thread, and a signal may have
// only one writer process, so they ask this module's own method to drive the
// outputs (one delta cycle later).
void InterruptController::update_outputs() {
  drive_.notify(sc_core::SC_ZERO_TIME);
}

void InterruptController::drive_outputs() {
  for (int c = 0; c < cores_; ++c) {
    // Always write: read() shows the value before this delta, not our last write.
    cpu_irq[static_cast<std::size_t>(c)].write(deliverable(c) >= 0);
  }
}

std::uint64_t InterruptController::word_of(const std::vector<bool>& bits, int w) const {
  std::uint64_t v = 0;
  for (int b = 0; b < 64; ++b) {
    auto i = static_cast<std::size_t>(64 * w + b);
    if (i < bits.size() && bits[i]) v |= std::uint64_t{1} << b;
  }
  return v;
}

void InterruptController::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  regs_.access(trans);
}

}  // namespace iosim
