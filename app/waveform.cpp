#include "app/waveform.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "app/trace_names.h"
#include "sim/fst_converter.h"
#include "sim/gtkw_writer.h"
#include "sim/temp_file.h"

namespace iosim {

Waveform::Waveform(const WaveformOptions& options, Platform& platform,
                   const std::function<bool(const std::string&)>& traced)
    : options_(options), platform_(platform) {
  if (!options_.fst.empty()) {
    auto converter = find_vcd2fst();
    if (!converter)
      throw std::runtime_error(
          "--fst needs vcd2fst, from GTKWave, which is not installed (scripts/setup-deps.sh "
          "installs it: Debian's gtkwave package)");
    vcd2fst_ = *converter;
    // An FST path that cannot be written is found now, not after the run.
    std::fclose(open_temp_file(options_.fst, "the FST file"));
    std::remove((options_.fst + ".tmp").c_str());
  }
  vcd_ = std::make_unique<VcdWriter>(options_.vcd.empty() ? options_.fst + ".vcd" : options_.vcd);
  vcd_->set_size_limit(options_.limit);
  vcd_->set_window(options_.from, options_.to);
  std::vector<Probe*> probes = platform.probes();
  if (options_.threads > 0 && (traced("threads") || traced("gil"))) {
    signals_ = std::make_unique<ThreadSignals>(platform, options_.threads);
    for (Probe* p : signals_->probes())
      probes.push_back(p);
  }
  for (Probe* p : probes)
    if (traced(p->scope())) {
      p->attach(*vcd_);
      traced_.push_back(p);
    }
  vcd_->begin();
}

void Waveform::finish(Ns end, const std::string& note) {
  vcd_->finish(end, note);
  if (!options_.fst.empty()) {
    convert_vcd_to_fst(vcd2fst_, vcd_->path(), options_.fst);
    if (options_.vcd.empty()) std::remove(vcd_->path().c_str());
  }
  if (!options_.gtkw) return;
  if (!options_.vcd.empty() &&
      (options_.fst.empty() || gtkw_path_for(options_.vcd) != gtkw_path_for(options_.fst)))
    write_save_file(options_.vcd, end);
  if (!options_.fst.empty()) write_save_file(options_.fst, end);  // it wins a shared name
}

void Waveform::write_save_file(const std::string& dump_path, Ns end) {
  GtkwNames names = trace_names(platform_);
  if (signals_) signals_->name_signals(names);
  const Ns last = options_.to >= 0 ? std::min(end, options_.to) : end;
  write_gtkw(gtkw_path_for(dump_path), dump_path, traced_, names, options_.from,
             std::max(last, options_.from));
}

}  // namespace iosim
