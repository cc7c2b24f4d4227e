// A GTKWave save file (.gtkw) for a VCD written by VcdWriter, so that
// `gtkwave run.vcd run.gtkw` opens with every signal shown, grouped by part of
// the machine, and the state signals shown by name instead of by number.
//
// Groups, in this order, each holding the signals of the VCD scopes listed:
//   Cores (cores), Interrupts (interrupts), Timers (timers),
//   DMA and bus (dma, bus), Disk (disk), Network (nic), Kernel (kernel, gil),
//   Threads (threads);
// a scope not listed gets a group of its own after these, named after it.
// 1-bit signals are drawn as bits, wider ones show their value in decimal.
// A signal with a label (GtkwNames::labels) shows the label as its name.
//
// Translate filters (GTKWave "Translate Filter File": lines "VALUE NAME", the
// value as GTKWave displays it, here decimal) are written beside the .gtkw as
// <base>.core_state.txt (cores.coreC_state), <base>.threads.txt
// (cores.coreC_thread, gil.PROC_holder), <base>.disk_state.txt
// (disk.firmware_state), <base>.nic_state.txt (nic.state) and
// <base>.thread_state.txt (threads.tN_state), where <base> is the .gtkw path
// without its extension. The .gtkw names them, and the dump file, by
// absolute path. The dump file may be a VCD or an FST made from it.
//
// Every file goes to "<path>.tmp" first and is renamed into place; the .gtkw
// is written last. The output depends only on the arguments (no date, no file
// sizes), so the same run to the same path gives the same bytes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/probe.h"
#include "sim/time.h"

namespace iosim {

// Display names of the traced values, indexed by value. The app fills them
// from the models' enums and the kernel's threads.
struct GtkwNames {
  std::vector<std::string> core_states;    // cores.coreC_state, by CoreMode
  std::vector<std::string> threads;        // cores.coreC_thread: [0] for 0 (no thread), then id + 1
  std::vector<std::string> disk_states;    // disk.firmware_state, by DiskController::State
  std::vector<std::string> nic_states;     // nic.state, by Nic::State
  std::vector<std::string> thread_states;  // threads.tN_state: [0] no thread, then state + 1
  std::map<std::string, std::string> labels;  // "scope.name" -> the name GTKWave shows for it
  std::string threads_group = "Threads";      // the Threads group's title
};

// How GTKWave names a signal of our VCD: "iosim.<scope>.<name>", and for a
// vector "[width-1:0]" after it (its VCD loader adds the range when the $var
// declares none, as ours do): "iosim.cores.core0_state[1:0]".
std::string gtkw_signal_name(const std::string& scope, const std::string& name, int width);

// "run.vcd" -> "run.gtkw"; a path without an extension, or whose extension is
// already ".gtkw", gets ".gtkw" appended.
std::string gtkw_path_for(const std::string& vcd_path);

// Writes the save file at `gtkw_path` for the dump file at `dump_path` (a
// VCD, or an FST made from it), which holds exactly `probes` (as attached to
// its VcdWriter) from `start` to `end`, and the filter files. The view opens
// zoomed to show the whole trace. Throws std::runtime_error when a file
// cannot be written.
void write_gtkw(const std::string& gtkw_path, const std::string& dump_path,
                const std::vector<Probe*>& probes, const GtkwNames& names, Ns start, Ns end);

}  // namespace iosim
