#include "sim/gtkw_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace iosim {
namespace {

namespace fs = std::filesystem;

// Trace flags of the save file's "@HEX" lines (GTKWave's TR_* bits in analyzer.h).
constexpr std::uint64_t kDec = 0x4, kBin = 0x8, kRightJustify = 0x20, kBlank = 0x200,
                        kFileFilter = 0x2000, kGroupBegin = 0x800000, kGroupEnd = 0x1000000;

struct Group {
  const char* title;
  std::vector<std::string> scopes;
};
const Group kGroups[] = {{"Cores", {"cores"}},         {"Interrupts", {"interrupts"}},
                         {"Timers", {"timers"}},       {"DMA and bus", {"dma", "bus"}},
                         {"Disk", {"disk"}},           {"Network", {"nic"}},
                         {"Kernel", {"kernel", "gil"}}};
// Last, and titled by GtkwNames::threads_group (it says which threads it shows).
const char* const kThreadsScope = "threads";

struct Filter {
  const char* suffix;   // the file is "<base>.<suffix>.txt"
  const char* signals;  // for the file's comment
  const std::vector<std::string> GtkwNames::*names;
};
const Filter kFilters[] = {
    {"core_state", "cores.coreC_state", &GtkwNames::core_states},
    {"threads", "cores.coreC_thread", &GtkwNames::threads},
    {"disk_state", "disk.firmware_state", &GtkwNames::disk_states},
    {"nic_state", "nic.state", &GtkwNames::nic_states},
    {"thread_state", "threads.tN_state", &GtkwNames::thread_states},
};

// Index into kFilters of the filter that names `p`'s values, or -1.
int filter_of(const Probe& p) {
  auto ends_with = [&](const char* tail) { return p.name().ends_with(tail); };
  if (p.scope() == "cores" && ends_with("_state")) return 0;
  if (p.scope() == "cores" && ends_with("_thread")) return 1;
  if (p.scope() == "disk" && p.name() == "firmware_state") return 2;
  if (p.scope() == "nic" && p.name() == "state") return 3;
  if (p.scope() == "gil" && ends_with("_holder")) return 1;
  if (p.scope() == kThreadsScope && ends_with("_state")) return 4;
  return -1;
}

// A filter maps a value to the rest of its line: no line breaks, never empty.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s.empty() ? "-" : s;
}

// A label goes inside "+{...}": one line, and no closing brace.
std::string label_text(const std::string& s) {
  std::string out = one_line(s);
  for (char& c : out)
    if (c == '}') c = ')';
  return out;
}

// The "*ZOOM MARKER A..Z" line's zoom that shows `length` ns in about
// kWaveWidth pixels, as GTKWave's Zoom Full computes it:
// -log2((length + 1) / width * 200), at most 0. At [size] 1400 900 the waves
// pane is about 850 pixels wide.
double whole_run_zoom(Ns length) {
  constexpr double kWaveWidth = 800;
  double zoom = -std::log2(static_cast<double>(length + 1) / kWaveWidth * 200.0);
  return zoom < 0 ? zoom : 0.0;
}

void write_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", tmp));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot rename '{}' to '{}'", tmp, path));
}

}  // namespace

std::string gtkw_signal_name(const std::string& scope, const std::string& name, int width) {
  std::string full = fmt::format("iosim.{}.{}", scope, name);
  if (width > 1) full += fmt::format("[{}:0]", width - 1);
  return full;
}

std::string gtkw_path_for(const std::string& vcd_path) {
  fs::path path(vcd_path);
  if (path.extension() == ".gtkw") return vcd_path + ".gtkw";  // never over the VCD itself
  return path.replace_extension(".gtkw").string();
}

void write_gtkw(const std::string& gtkw_path, const std::string& dump_path,
                const std::vector<Probe*>& probes, const GtkwNames& names, Ns start, Ns end) {
  auto absolute = [](const fs::path& p) { return fs::absolute(p).lexically_normal().string(); };
  const fs::path base = fs::path(gtkw_path).replace_extension();

  std::vector<std::string> filter_paths;
  for (const Filter& f : kFilters) {
    std::string text =
        fmt::format("# iosim: names of {} values (GTKWave translate filter)\n", f.signals);
    const std::vector<std::string>& table = names.*f.names;
    for (std::size_t v = 0; v < table.size(); ++v)
      text += fmt::format("{} {}\n", v, one_line(table[v]));
    std::string path = absolute(base.string() + "." + f.suffix + ".txt");
    write_file(path, text);
    filter_paths.push_back(path);
  }

  std::string no_markers;  // the primary marker, then named markers A..Z: none
  for (int i = 0; i < 26; ++i)
    no_markers += " -1";
  std::string out = fmt::format(
      "[*] written by iosim: gtkwave {} {}\n"
      "[dumpfile] \"{}\"\n[savefile] \"{}\"\n[timestart] {}\n[size] 1400 900\n[pos] -1 -1\n"
      "*{:.6f} -1{}\n[sst_expanded] 1\n[signals_width] 240\n",
      fs::path(dump_path).filename().string(), fs::path(gtkw_path).filename().string(),
      absolute(dump_path), absolute(gtkw_path), start, whole_run_zoom(end - start), no_markers);
  std::uint64_t flags = 0;
  auto set_flags = [&](std::uint64_t f) {
    if (f != flags) out += fmt::format("@{:x}\n", flags = f);
  };
  auto group = [&](const std::string& title, const std::vector<std::string>& scopes) {
    std::vector<const Probe*> members;
    for (const std::string& scope : scopes)
      for (const Probe* p : probes)
        if (p->scope() == scope) members.push_back(p);
    if (members.empty()) return;
    set_flags(kGroupBegin | kBlank);
    out += "-" + title + "\n";
    for (const Probe* p : members) {
      int filter = filter_of(*p);
      std::uint64_t format = p->width() == 1 ? kBin : kDec;
      set_flags(kRightJustify | format | (filter >= 0 ? kFileFilter : 0));
      if (filter >= 0)
        out += fmt::format("^{} {}\n", filter + 1, filter_paths[static_cast<std::size_t>(filter)]);
      auto label = names.labels.find(p->scope() + "." + p->name());
      if (label != names.labels.end()) out += "+{" + label_text(label->second) + "} ";
      out += gtkw_signal_name(p->scope(), p->name(), p->width()) + "\n";
    }
    set_flags(kGroupEnd | kBlank);
    out += "-" + title + "\n";
  };

  std::vector<std::string> known;
  for (const Group& g : kGroups) {
    group(g.title, g.scopes);
    known.insert(known.end(), g.scopes.begin(), g.scopes.end());
  }
  group(names.threads_group, {kThreadsScope});
  known.push_back(kThreadsScope);
  for (const Probe* p : probes)  // scopes this file does not know yet, in probe order
    if (std::find(known.begin(), known.end(), p->scope()) == known.end()) {
      known.push_back(p->scope());
      group(p->scope(), {p->scope()});
    }
  write_file(gtkw_path, out);
}

}  // namespace iosim
