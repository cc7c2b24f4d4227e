#include "devices/interrupt_controller.h"

#include <fmt/format.h>

#include <stdexcept>

namespace iosim {

InterruptController::InterruptController(sc_core::sc_module_name name, int hw_lines, int cores)
    : sc_module(name),
      lines("lines", static_cast<std::size_t>(hw_lines)),
      cpu_irq("cpu_irq", static_cast<std::size_t>(cores)),
      hw_lines_(hw_lines),
      cores_(cores),
      lowest_(hw_lines + cores - 1) {
  if (hw_lines + cores > kMaxLines)
    throw std::invalid_argument(fmt::format("interrupt controller supports {} lines", kMaxLines));
  auto n = static_cast<std::size_t>(line_count());
  level_.assign(n, false);
  pending_.assign(n, false);
  in_service_.assign(n, false);
  mask_.assign(n, false);
  level_trigger_.assign(n, false);
  route_.assign(n, 0);
  route_mode_.assign(n, kRouteFixed);
  turn_.assign(n, 0);
  target_.assign(n, 0);
  server_.assign(n, -1);
  raised_.assign(n, 0);
  coalesced_.assign(n, 0);
  for (int c = 0; c < cores; ++c)
    set_route(ipi_line(c), c);
  for (std::size_t l = 0; l < n; ++l)
    line_probes_.push_back(std::make_unique<Probe>("interrupts", fmt::format("irq{}", l), 1));

  for (int w = 0; w * 64 < line_count(); ++w) {
    regs_.add(fmt::format("PENDING{}", w), kPending + 8 * w,
              [this, w](unsigned) { return word_of(pending_, w); });
    regs_.add(fmt::format("IN_SERVICE{}", w), kInService + 8 * w,
              [this, w](unsigned) { return word_of(in_service_, w); });
  }
  for (std::size_t l = 0; l < n; ++l) {
    const bool ipi = l >= static_cast<std::size_t>(hw_lines_);
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
          if (v < static_cast<std::uint64_t>(cores_)) {
            route_[l] = static_cast<int>(v);
            turn_[l] = route_[l];
            // A fixed route moves a request that waits for delivery; one in
            // service stays with the core that claimed it.
            if (route_mode_[l] == kRouteFixed && pending_[l]) target_[l] = route_[l];
          }
          update_outputs();
        });
    regs_.add(
        fmt::format("TRIGGER{}", l), kTrigger + 8 * l,
        [this, l](unsigned) { return level_trigger_[l] ? kLevel : kEdge; },
        ipi ? RegisterBank::WriteFn{}
            : [this, l](std::uint64_t v, unsigned) { set_trigger(l, v); });
    regs_.add(
        fmt::format("ROUTE_MODE{}", l), kRouteMode + 8 * l,
        [this, l](unsigned) { return static_cast<std::uint64_t>(route_mode_[l]); },
        ipi ? RegisterBank::WriteFn{}
            : [this, l](std::uint64_t v, unsigned) {
                if (v > kRouteLeastBusy) return;
                route_mode_[l] = static_cast<int>(v);
                turn_[l] = route_[l];
              });
    regs_.add(fmt::format("TARGET{}", l), kTarget + 8 * l, [this, l](unsigned) {
      return static_cast<std::uint64_t>(target(static_cast<int>(l)));
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
  regs_.add(
      "PRIORITY_MODE", kPriorityMode, [this](unsigned) { return priority_mode_; },
      [this](std::uint64_t v, unsigned) {
        if (v > kPriorityRotating) return;
        priority_mode_ = v;
        lowest_ = line_count() - 1;
        update_outputs();
      });
  regs_.add("LOWEST", kLowest, [this](unsigned) { return static_cast<std::uint64_t>(lowest_); });
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
  route_.at(at(line)) = core;
  turn_[at(line)] = core;
  if (!pending_[at(line)]) target_[at(line)] = core;
}

void InterruptController::set_line_name(int line, const std::string& name) {
  line_probes_.at(at(line)) =
      std::make_unique<Probe>("interrupts", fmt::format("irq{}_{}", line, name), 1);
}

std::vector<Probe*> InterruptController::probes() {
  std::vector<Probe*> out;
  for (auto& p : line_probes_)
    out.push_back(p.get());
  return out;
}

// Compares each device line with its last seen level. An edge line requests
// on a rise; a level line's request follows the line.
void InterruptController::sample_lines() {
  for (int l = 0; l < hw_lines_; ++l) {
    auto i = at(l);
    bool now = lines[i].read();
    if (now == level_[i]) continue;
    level_[i] = now;
    if (!level_trigger_[i]) {
      if (now) request(l);
    } else if (now) {
      if (!pending_[i] && !in_service_[i]) request(l);
    } else if (pending_[i]) {
      withdraw(l);
    }
  }
}

void InterruptController::set_trigger(std::size_t line, std::uint64_t value) {
  if (value > kLevel) return;
  level_trigger_[line] = value == kLevel;
  if (!level_trigger_[line]) return;  // edge: a pending request stays pending
  int l = static_cast<int>(line);
  if (level_[line] && !pending_[line] && !in_service_[line]) request(l);
  if (!level_[line] && pending_[line]) withdraw(l);
}

void InterruptController::request(int line) {
  auto i = at(line);
  ++raised_[i];
  if (pending_[i]) {
    ++coalesced_[i];
    return;
  }
  target_[i] = choose_core(line);
  pending_[i] = true;
  line_probes_[i]->set(1);
  update_outputs();
}

// A level line dropped before its request was claimed.
void InterruptController::withdraw(int line) {
  auto i = at(line);
  pending_[i] = false;
  line_probes_[i]->set(0);
  update_outputs();
}

// The routing decision, made once when a request becomes pending.
int InterruptController::choose_core(int line) {
  auto i = at(line);
  switch (route_mode_[i]) {
    case kRouteRoundRobin: {
      int core = turn_[i];
      turn_[i] = (core + 1) % cores_;
      return core;
    }
    case kRouteLeastBusy: {
      int best = 0;
      for (int c = 1; c < cores_; ++c)
        if (load_of(c) < load_of(best)) best = c;
      return best;
    }
    default:
      return route_[i];
  }
}

// Lines pending for `core` plus lines in service on it.
int InterruptController::load_of(int core) const {
  int load = 0;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (pending_[i] && target_[i] == core) ++load;
    if (in_service_[i] && server_[i] == core) ++load;
  }
  return load;
}

// Walks the lines from the most urgent (lowest_ + 1) to the least (lowest_).
int InterruptController::deliverable(int core) const {
  const int n = line_count();
  for (int k = 1; k <= n; ++k) {
    int l = (lowest_ + k) % n;
    auto i = at(l);
    if (in_service_[i] && server_[i] == core) return -1;  // everything after it is less urgent
    if (pending_[i] && target_[i] == core && !mask_[i] && !in_service_[i]) return l;
  }
  return -1;
}

std::uint64_t InterruptController::ack(int core) {
  int line = deliverable(core);
  if (line < 0) return kNoIrq;
  auto i = at(line);
  pending_[i] = false;
  in_service_[i] = true;
  server_[i] = core;
  line_probes_[i]->set(0);
  update_outputs();
  return static_cast<std::uint64_t>(line);
}

void InterruptController::eoi(int core, std::uint64_t line) {
  if (line >= static_cast<std::uint64_t>(line_count())) return;
  auto i = static_cast<std::size_t>(line);
  if (in_service_[i] && server_[i] == core) {
    in_service_[i] = false;
    server_[i] = -1;
    if (priority_mode_ == kPriorityRotating) lowest_ = static_cast<int>(line);
    if (level_trigger_[i] && level_[i] && !pending_[i]) request(static_cast<int>(line));
  }
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
