// FST output: GTKWave's compressed waveform format, for long runs. We write
// a VCD and hand it to `vcd2fst` (Debian's gtkwave package), which writes
// the FST; GTKWave then names every signal as in the VCD, so one .gtkw save
// file serves both. No FST library is packaged for Debian, and the format's
// only reference writer is the one inside GTKWave's tools.
#pragma once

#include <optional>
#include <string>

namespace iosim {

// The vcd2fst program found on PATH, or nothing when it is not installed.
std::optional<std::string> find_vcd2fst();

// Converts the VCD at `vcd_path` into an FST at `fst_path`, written under
// "<fst_path>.tmp" and renamed when complete. Throws std::runtime_error when
// the converter fails (its own message is on stderr).
void convert_vcd_to_fst(const std::string& vcd2fst, const std::string& vcd_path,
                        const std::string& fst_path);

}  // namespace iosim
