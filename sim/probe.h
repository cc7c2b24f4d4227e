// A Probe is a piece of model state worth seeing in a waveform (a core's
// mode, the running thread, a disk's firmware state). Models set it freely;
// it costs a compare when nothing is attached, and tells every attached sink
// (a VCD file, an in-memory log) about each change.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/probe_sink.h"
#include "sim/time.h"

namespace iosim {

class Probe {
 public:
  Probe(std::string scope, std::string name, int width)
      : scope_(std::move(scope)), name_(std::move(name)), width_(width) {}

  void set(std::uint64_t value) {
    if (value == value_) return;
    value_ = value;
    for (auto& [sink, id] : sinks_)
      sink->change(id, value, now_ns());
  }
  std::uint64_t value() const { return value_; }

  // Declares this probe as a signal of `sink` (for a VCD, before its begin()).
  void attach(ProbeSink& sink) {
    const int id = sink.add_signal(scope_, name_, width_);
    sinks_.emplace_back(&sink, id);
    sink.change(id, value_, 0);
  }

  const std::string& scope() const { return scope_; }
  const std::string& name() const { return name_; }
  int width() const { return width_; }

 private:
  std::string scope_, name_;
  int width_;
  std::uint64_t value_ = 0;
  std::vector<std::pair<ProbeSink*, int>> sinks_;
};

}  // namespace iosim
