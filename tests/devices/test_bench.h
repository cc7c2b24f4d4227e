// Shared test bench for the device tests. Every simulation test builds its
// model inside EXPECT_CHILD_PASSES (support/child_process.h) and drives it
// with these pieces:
//
//   Script   a bus master whose SC_THREAD runs the test's body: register
//            reads/writes through iosim::bus_read/bus_write, waits, checks;
//            it calls sc_stop() when the body returns (unless kKeepRunning)
//   Thread   a plain SC_THREAD running a function (to drive a signal at given
//            times); it does not stop the simulation
//   IrqWire  an sc_signal<bool> that logs the time of every rising edge, for
//            device interrupt outputs and the interrupt controller's cpu_irq
//   run()    sc_start with a time limit, then checks every script finished
//
//   EXPECT_CHILD_PASSES([] {
//     iosim::set_time_resolution();
//     Bus bus("bus", BusTiming{});
//     Timer timer("timer");
//     IrqWire irq("irq");
//     timer.irq.line(irq.signal);
//     bus.attach_target(timer.socket, 0x1000, Timer::kRegsSize, "timer");
//     Script tb("tb", bus, [&](Script& s) { s.write(0x1000 + Timer::kDeadline, 500); ... });
//     run({&tb});
//   });
#pragma once

#include <gtest/gtest.h>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include <cstdint>
#include <exception>
#include <functional>
#include <initializer_list>
#include <span>
#include <vector>

#include "devices/bus.h"
#include "devices/bus_access.h"
#include "devices/ram.h"
#include "sim/time.h"

namespace iosim::testing {

// Logs the rising edges of its signal. Bind a device's sc_out<bool> to `signal`.
class IrqWire : public sc_core::sc_module {
 public:
  sc_core::sc_signal<bool> signal;

  explicit IrqWire(sc_core::sc_module_name name) : sc_module(name), signal("signal") {
    in_(signal);
    SC_METHOD(on_rise);
    sensitive << in_.pos();
    dont_initialize();
  }

  std::size_t count() const { return rises_.size(); }
  const std::vector<Ns>& rises() const { return rises_; }
  bool high() const { return signal.read(); }
  // Notified (immediately) after a rise has been logged.
  const sc_core::sc_event& logged() const { return logged_; }

 private:
  SC_HAS_PROCESS(IrqWire);

  void on_rise() {
    rises_.push_back(now_ns());
    logged_.notify();
  }

  sc_core::sc_in<bool> in_{"in"};
  std::vector<Ns> rises_;
  sc_core::sc_event logged_;
};

// A test thread without a bus port.
class Thread : public sc_core::sc_module {
 public:
  Thread(sc_core::sc_module_name name, std::function<void()> body)
      : sc_module(name), body_(std::move(body)) {
    SC_THREAD(main);
  }
  bool finished() const { return finished_; }

 private:
  SC_HAS_PROCESS(Thread);

  void main() {
    body_();
    finished_ = true;
  }

  std::function<void()> body_;
  bool finished_ = false;
};

// A bus master running a test script. Accessors EXPECT the bus response to be
// OK; the try_ variants return it instead (for error tests).
class Script : public sc_core::sc_module {
 public:
  enum OnDone { kStop, kKeepRunning };
  using Body = std::function<void(Script&)>;

  tlm_utils::simple_initiator_socket<Script> socket{"socket"};

  Script(sc_core::sc_module_name name, Bus& bus, Body body, OnDone on_done = kStop)
      : sc_module(name), body_(std::move(body)), on_done_(on_done) {
    bus.attach_initiator(socket, basename());
    SC_THREAD(main);
  }

  bool finished() const { return finished_; }

  std::uint64_t read(std::uint64_t address, unsigned width = 8) {
    std::uint64_t value = 0;
    EXPECT_TRUE(try_read(address, &value, width)) << "bus error reading " << std::hex << address;
    return value;
  }
  void write(std::uint64_t address, std::uint64_t value, unsigned width = 8) {
    EXPECT_TRUE(try_write(address, value, width)) << "bus error writing " << std::hex << address;
  }
  bool try_read(std::uint64_t address, std::uint64_t* value, unsigned width = 8) {
    return bus_read(socket, address, value, width);
  }
  bool try_write(std::uint64_t address, std::uint64_t value, unsigned width = 8) {
    return bus_write(socket, address, value, width);
  }
  // A single transaction of data.size() bytes.
  bool read_bytes(std::uint64_t address, std::span<std::uint8_t> data) {
    return bus_access(socket, tlm::TLM_READ_COMMAND, address, data.data(),
                      static_cast<std::uint32_t>(data.size()));
  }
  bool write_bytes(std::uint64_t address, std::span<std::uint8_t> data) {
    return bus_access(socket, tlm::TLM_WRITE_COMMAND, address, data.data(),
                      static_cast<std::uint32_t>(data.size()));
  }

  void wait_ns(Ns duration) { sc_core::wait(to_sc(duration)); }
  void wait_until(Ns time) {
    if (time > now_ns()) sc_core::wait(to_sc(time - now_ns()));
  }
  // Waits until `wire` has logged at least `rises` rising edges.
  void wait_rises(const IrqWire& wire, std::size_t rises) {
    while (wire.count() < rises)
      sc_core::wait(wire.logged());
  }

 private:
  SC_HAS_PROCESS(Script);

  void main() {
    body_(*this);
    finished_ = true;
    if (on_done_ == kStop) sc_core::sc_stop();
  }

  Body body_;
  OnDone on_done_;
  bool finished_ = false;
};

// Runs the simulation for at most `limit` and checks that every script ran to
// its end (a script still waiting means the device never answered). A SystemC
// error during the run (e.g. E115, two processes driving one signal) becomes a
// test failure that names it.
inline void run(std::initializer_list<const Script*> scripts, Ns limit = 10 * kSec) {
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  try {
    sc_core::sc_start(to_sc(limit));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "simulation threw: " << e.what();
    return;
  }
  for (const Script* s : scripts)
    EXPECT_TRUE(s->finished()) << s->name() << " did not finish";
}

// Backdoor helpers for RAM contents.
inline std::vector<std::uint8_t> ram_bytes(const Ram& ram, std::uint64_t address, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  ram.read(address, out);
  return out;
}

// A recognisable byte pattern that does not repeat every 256 bytes.
inline std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = static_cast<std::uint8_t>(seed + 7 * i + i / 256);
  return out;
}

}  // namespace iosim::testing
