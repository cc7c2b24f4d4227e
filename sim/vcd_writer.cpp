#include "sim/vcd_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>

#include "sim/temp_file.h"

namespace iosim {
namespace {

// VCD identifier codes: base-94 over the printable characters '!'..'~'.
std::string code_for(int index) {
  std::string code;
  do {
    code.push_back(static_cast<char>('!' + index % 94));
    index /= 94;
  } while (index > 0);
  return code;
}

constexpr std::size_t kFlushBytes = 1 << 16;

}  // namespace

VcdWriter::VcdWriter(std::string path)
    : path_(std::move(path)), file_(open_temp_file(path_, "trace file")) {}

VcdWriter::~VcdWriter() {
  // Not finished: leave the .tmp behind as evidence, never a complete-looking file.
  if (file_) std::fclose(file_);
}

int VcdWriter::add_signal(const std::string& scope, const std::string& name, int width) {
  if (begun_) throw std::logic_error("VcdWriter::add_signal after begin()");
  int id = static_cast<int>(signals_.size());
  signals_.push_back(Signal{scope, name, code_for(id), width});
  return id;
}

void VcdWriter::begin() {
  // A fixed $date: vcd2fst stamps the wall-clock date into an FST made from a
  // VCD without one, and runs must give the same bytes.
  buffer_ +=
      "$date\n\tnone: times are simulated\n$end\n$version iosim $end\n$timescale 1ns $end\n"
      "$scope module iosim $end\n";
  // Group by scope, in the order scopes were first declared.
  std::vector<std::string> scopes;
  for (const Signal& s : signals_)
    if (std::find(scopes.begin(), scopes.end(), s.scope) == scopes.end()) scopes.push_back(s.scope);
  for (const std::string& scope : scopes) {
    buffer_ += fmt::format("$scope module {} $end\n", scope);
    for (const Signal& s : signals_)
      if (s.scope == scope)
        buffer_ += fmt::format("$var wire {} {} {} $end\n", s.width, s.code, s.name);
    buffer_ += "$upscope $end\n";
  }
  buffer_ += "$upscope $end\n$enddefinitions $end\n";
  begun_ = true;
}

// Every signal's value at the window's start (changes up to and including
// that nanosecond), as the file's first time step.
void VcdWriter::dump_values() {
  out(fmt::format("#{}\n$dumpvars\n", from_));
  for (Signal& s : signals_) {
    out(value_line(s, s.value));
    s.written = s.value;
    s.dirty = false;
  }
  out("$end\n");
  dirty_.clear();
  time_ = from_;
  dumped_ = true;
}

void VcdWriter::change(int id, std::uint64_t value, Ns at) {
  Signal& s = signals_[static_cast<std::size_t>(id)];
  if (!begun_ || (!dumped_ && at <= from_)) {  // an initial value, written by dump_values()
    s.value = value;
    return;
  }
  if (to_ >= 0 && at > to_) return;  // after the window
  if (!full() && written_ + buffer_.size() >= limit_) full_at_ = at;
  if (!dumped_) dump_values();
  if (at > time_) {
    flush_time_step();
    time_ = at;
  }
  s.value = value;
  if (!s.dirty) {
    s.dirty = true;
    dirty_.push_back(id);
  }
}

// Writes the net changes of one time step. A signal that changed and changed
// back within the same nanosecond is not written at all: VCD cannot show a
// zero-width pulse, so probes trace states that last (e.g. "pending").
void VcdWriter::flush_time_step() {
  bool stamped = false;
  for (int id : dirty_) {
    Signal& s = signals_[static_cast<std::size_t>(id)];
    s.dirty = false;
    if (s.value == s.written) continue;
    if (!stamped) {
      out(fmt::format("#{}\n", time_));
      stamped = true;
    }
    out(value_line(s, s.value));
    s.written = s.value;
  }
  dirty_.clear();
  if (buffer_.size() >= kFlushBytes) flush_buffer();
}

// Past the size limit, what would have been written is only counted.
void VcdWriter::out(const std::string& text) {
  if (full()) {
    dropped_ += text.size();
  } else {
    buffer_ += text;
  }
}

std::string VcdWriter::value_line(const Signal& s, std::uint64_t value) {
  if (s.width == 1) return fmt::format("{}{}\n", value ? '1' : '0', s.code);
  return fmt::format("b{:b} {}\n", value, s.code);
}

void VcdWriter::flush_buffer() {
  if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
    throw std::runtime_error(fmt::format("writing trace file '{}.tmp' failed", path_));
  written_ += buffer_.size();
  buffer_.clear();
  if (written_ >= limit_ && !full()) full_at_ = time_;
}

void VcdWriter::finish(Ns end, const std::string& note) {
  if (finished_) return;
  if (!begun_) begin();
  if (!dumped_) dump_values();
  flush_time_step();
  const Ns last = to_ >= 0 ? std::min(end, to_) : end;
  std::string tail = note.empty() ? "" : fmt::format("$comment {} $end\n", note);
  if (last > time_) tail += fmt::format("#{}\n", last);
  whole_ = written_ + dropped_ + buffer_.size() + tail.size();
  if (full())
    buffer_ += fmt::format(
        "$comment truncated: the size limit ({} bytes) was reached at {} ns; without it the file "
        "would have been {} bytes $end\n",
        limit_, full_at_, whole_);
  buffer_ += tail;
  flush_buffer();
  std::FILE* file = file_;
  file_ = nullptr;
  rename_into_place(file, path_);
  finished_ = true;
}

}  // namespace iosim
