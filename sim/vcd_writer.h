// A streaming Value Change Dump writer (IEEE 1364 §18), readable by GTKWave
// and Surfer. We write our own rather than use sc_trace because sc_trace
// stamps the wall-clock date into the file (runs must be byte-identical),
// cannot trace enums, and samples every signal each delta instead of
// recording only real changes.
//
// Output goes to "<path>.tmp" and is renamed to <path> by finish(), so an
// interrupted run never leaves a file that looks complete.
//
// A time window (set_window) keeps only [from, to]: the file starts at
// `from` with every signal's value there ($dumpvars) and ends at `to`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/probe_sink.h"
#include "sim/time.h"

namespace iosim {

class VcdWriter : public ProbeSink {
 public:
  explicit VcdWriter(std::string path);
  ~VcdWriter() override;
  VcdWriter(const VcdWriter&) = delete;
  VcdWriter& operator=(const VcdWriter&) = delete;

  // Declares a signal; `scope` groups signals ("cores", "disk"). Only before begin().
  int add_signal(const std::string& scope, const std::string& name, int width) override;
  // Writes the header. The initial values (all zero unless set before) follow
  // once the window's start is past.
  void begin();
  // Records that signal `id` holds `value` from time `at` on. Times never go back.
  void change(int id, std::uint64_t value, Ns at) override;
  // Flushes, stamps the end time and renames the file into place. A `note`
  // (e.g. why the run stopped early) goes in as a $comment before the end.
  void finish(Ns end, const std::string& note = "");

  const std::string& path() const { return path_; }
  // Past `bytes` written, later changes are dropped (and finish() says so).
  void set_size_limit(std::uint64_t bytes) { limit_ = bytes; }
  bool full() const { return full_at_ >= 0; }
  Ns full_at() const { return full_at_; }
  // After finish(): the size the file would have had with no limit, the
  // changes dropped counted as they would have been written.
  std::uint64_t unlimited_size() const { return whole_; }
  // Keeps only changes in [from, to]; before begin(). `to` < 0: to the end.
  void set_window(Ns from, Ns to) {
    from_ = from;
    to_ = to;
  }

 private:
  struct Signal {
    std::string scope, name, code;
    int width;
    std::uint64_t value = 0;    // latest value set
    std::uint64_t written = 0;  // value last written to the file
    bool dirty = false;
  };
  void flush_time_step();
  void dump_values();
  void out(const std::string& text);
  static std::string value_line(const Signal& s, std::uint64_t value);
  void flush_buffer();

  std::string path_;
  std::FILE* file_ = nullptr;
  std::vector<Signal> signals_;
  std::vector<int> dirty_;
  std::string buffer_;
  Ns time_ = 0;
  bool begun_ = false;
  bool dumped_ = false;  // the initial values are written
  bool finished_ = false;
  std::uint64_t written_ = 0, limit_ = UINT64_MAX, dropped_ = 0, whole_ = 0;
  Ns full_at_ = -1;
  Ns from_ = 0, to_ = -1;
};

}  // namespace iosim
