// A streaming writer of the Chrome trace event format (JSON), which
// ui.perfetto.dev and chrome://tracing open: named tracks holding slices
// (complete "X" events), counters ("C") and flow arrows ("s"/"t"/"f")
// between slices. Events are written as they end, never held in memory; the
// file is written under "<path>.tmp" and renamed by finish().
//
// It is also a ProbeSink: a probe whose values have names (a core's mode,
// a disk's firmware state) becomes a track of slices, one per stretch of a
// non-zero value; any other probe becomes a counter.
//
// A time window (set_window) keeps only [from, to]: slices are cut to it,
// a counter's value at `from` is written at `from`, and later ones up to `to`.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "sim/probe_sink.h"

namespace iosim {

class PerfettoWriter : public ProbeSink {
 public:
  explicit PerfettoWriter(std::string path);  // throws std::runtime_error if it cannot write
  ~PerfettoWriter() override;
  PerfettoWriter(const PerfettoWriter&) = delete;
  PerfettoWriter& operator=(const PerfettoWriter&) = delete;

  // A track named `thread` in a group named `process` (both shown in the UI).
  int track(const std::string& process, const std::string& thread);
  void slice(int track, const std::string& name, Ns begin, Ns end);
  void counter(int track, const std::string& name, Ns at, double value);
  // One step of flow `id`: "s" starts it, "t" continues, "f" ends it; each
  // binds to the slice enclosing `at` on `track`.
  void flow(std::uint64_t id, char phase, int track, Ns at, const std::string& name);

  // Names for a probe's values (index = value); set before add_signal.
  void name_values(const std::string& scope, const std::string& name,
                   std::vector<std::string> names);
  int add_signal(const std::string& scope, const std::string& name, int width) override;
  // The track of signal "scope.name", or -1.
  int track_of(const std::string& scope_name) const;
  void change(int id, std::uint64_t value, Ns at) override;

  // Closes every open slice at `end` and renames the file into place.
  void finish(Ns end);

  // Past `bytes` written, later events are dropped (the file stays valid).
  void set_size_limit(std::uint64_t bytes) { limit_ = bytes; }
  bool full() const { return full_at_ >= 0; }
  Ns full_at() const { return full_at_; }
  // After finish(): the size the file would have had with no limit, the
  // events dropped counted as they would have been written.
  std::uint64_t unlimited_size() const { return written_ + dropped_; }
  // Keeps only [from, to]; `to` < 0: to the end. Before any event.
  void set_window(Ns from, Ns to) {
    from_ = from;
    to_ = to;
  }
  // Whether [begin, end] lies inside the window.
  bool in_window(Ns begin, Ns end) const { return begin >= from_ && (to_ < 0 || end <= to_); }

 private:
  struct Signal {
    int track;
    std::string name;
    std::vector<std::string> value_names;  // empty: a counter
    std::uint64_t value = 0;
    Ns since = 0;
  };
  struct Track {
    int pid, tid;
  };
  void event(const std::string& json);
  void write_counter(int track, const std::string& name, Ns at, double value);
  void flush_early_counters();
  void close_slice(Signal& s, Ns at);

  std::string path_;
  std::FILE* file_ = nullptr;
  bool first_ = true, finished_ = false;
  std::uint64_t written_ = 0, limit_ = UINT64_MAX, dropped_ = 0;
  Ns full_at_ = -1;
  Ns from_ = 0, to_ = -1;
  // Counters' latest values before the window: (track, name) -> value.
  std::map<std::pair<int, std::string>, double> early_counters_;
  Ns latest_ = 0;                    // the latest time an event mentioned, for full_at_
  std::map<std::string, int> pids_;  // process name -> pid
  std::vector<Track> tracks_;
  std::vector<Signal> signals_;
  std::map<std::string, std::vector<std::string>> value_names_;  // "scope.name" -> names
  std::map<std::string, int> signal_tracks_;                     // "scope.name" -> track
};

}  // namespace iosim
