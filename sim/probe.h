// A Probe is a piece of model state worth seeing in a waveform (a core's
// mode, the running thread, a disk's firmware state). Models set it freely;
// it costs a compare when no trace is attached, and records a change into the
// VCD when one is.
#pragma once

#include <cstdint>
#include <string>

#include "sim/time.h"
#include "sim/vcd_writer.h"

namespace iosim {

class Probe {
 public:
  Probe(std::string scope, std::string name, int width)
      : scope_(std::move(scope)), name_(std::move(name)), width_(width) {}

  void set(std::uint64_t value) {
    if (value == value_) return;
    value_ = value;
    if (writer_) writer_->change(id_, value, now_ns());
  }
  std::uint64_t value() const { return value_; }

  // Declares this probe as a signal of `writer` (before writer.begin()).
  void attach(VcdWriter& writer) {
    writer_ = &writer;
    id_ = writer.add_signal(scope_, name_, width_);
    writer.change(id_, value_, 0);
  }

  const std::string& scope() const { return scope_; }
  const std::string& name() const { return name_; }
  int width() const { return width_; }

 private:
  std::string scope_, name_;
  int width_;
  std::uint64_t value_ = 0;
  VcdWriter* writer_ = nullptr;
  int id_ = -1;
};

}  // namespace iosim
