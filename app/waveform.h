// `iosim run --vcd FILE` and `--fst FILE`: the run's waveform. The
// platform's probes and the kernel's thread and GIL signals (ThreadSignals)
// go to a VCD as the run goes. After the run an FST is made from it with
// vcd2fst (sim/fst_converter.h), and a GTKWave save file is written beside
// each file (sim/gtkw_writer.h). With only --fst, the VCD is an
// intermediate file, "FILE.vcd", removed once converted.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/platform.h"
#include "app/thread_signals.h"
#include "sim/vcd_writer.h"

namespace iosim {

struct WaveformOptions {
  std::string vcd, fst;              // the files to write, "" for none (at least one is given)
  bool gtkw = true;                  // a save file beside each
  std::uint64_t limit = UINT64_MAX;  // bytes of VCD (--trace-limit)
  Ns from = 0, to = -1;              // the time window (--trace-from, --trace-to); -1: to the end
  std::uint64_t threads = 64;        // thread slots (--trace-threads); 0: no thread or GIL signals
};

class Waveform {
 public:
  // Declares the signals of the groups `traced` selects and writes the VCD's
  // header. Throws std::runtime_error when a file cannot be written or,
  // for an FST, vcd2fst is not installed: both before the run starts.
  Waveform(const WaveformOptions& options, Platform& platform,
           const std::function<bool(const std::string&)>& traced);

  const VcdWriter& vcd() const { return *vcd_; }
  // After the run, at `end`: completes the VCD (`note` says why the run ended
  // early, "" when it completed), makes the FST, writes the save files.
  void finish(Ns end, const std::string& note);

 private:
  void write_save_file(const std::string& dump_path, Ns end);

  WaveformOptions options_;
  Platform& platform_;
  std::string vcd2fst_;                     // the converter, with --fst
  std::unique_ptr<ThreadSignals> signals_;  // before the VCD: its probes feed it
  std::unique_ptr<VcdWriter> vcd_;
  std::vector<Probe*> traced_;  // what the VCD holds, for the save files
};

}  // namespace iosim
