#include "sim/perfetto_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "sim/temp_file.h"

namespace iosim {
namespace {

// Trace timestamps are microseconds; ours are integer nanoseconds, written
// exactly with three decimals.
std::string us(Ns ns) {
  return fmt::format("{}.{:03}", ns / 1000, ns % 1000);
}

constexpr const char* kHead = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
constexpr const char* kTail = "\n]}\n";

std::string quoted(const std::string& text) {
  // Names hardly ever need escaping, and a counter's name is written with
  // every change of its value: copy those whole.
  const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
    return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
  });
  if (plain) return '"' + text + '"';
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

PerfettoWriter::PerfettoWriter(std::string path)
    : path_(std::move(path)), file_(open_temp_file(path_, "the Perfetto trace")) {
  std::fputs(kHead, file_);
  written_ = std::strlen(kHead);
}

PerfettoWriter::~PerfettoWriter() {
  if (file_) std::fclose(file_);  // an unfinished trace stays under its .tmp name
}

// Past the size limit, what would have been written is only counted.
void PerfettoWriter::event(const std::string& json) {
  const char* separator = first_ ? "" : ",\n";
  const std::uint64_t size = std::strlen(separator) + json.size();
  if (full()) {
    dropped_ += size;
    return;
  }
  std::fputs(separator, file_);
  std::fputs(json.c_str(), file_);
  first_ = false;
  written_ += size;
  if (written_ >= limit_) full_at_ = latest_;
}

int PerfettoWriter::track(const std::string& process, const std::string& thread) {
  auto [it, added] = pids_.emplace(process, static_cast<int>(pids_.size()) + 1);
  const int pid = it->second;
  if (added) {
    event(fmt::format(R"({{"ph":"M","name":"process_name","pid":{},"args":{{"name":{}}}}})", pid,
                      quoted(process)));
    event(fmt::format(
        R"({{"ph":"M","name":"process_sort_index","pid":{},"args":{{"sort_index":{}}}}})", pid,
        pid));
  }
  const int tid = static_cast<int>(tracks_.size()) + 1;
  tracks_.push_back(Track{pid, tid});
  event(fmt::format(R"({{"ph":"M","name":"thread_name","pid":{},"tid":{},"args":{{"name":{}}}}})",
                    pid, tid, quoted(thread)));
  event(fmt::format(
      R"({{"ph":"M","name":"thread_sort_index","pid":{},"tid":{},"args":{{"sort_index":{}}}}})",
      pid, tid, tid));
  return static_cast<int>(tracks_.size()) - 1;
}

void PerfettoWriter::slice(int track, const std::string& name, Ns begin, Ns end) {
  begin = std::max(begin, from_);
  if (to_ >= 0) end = std::min(end, to_);
  if (end <= begin) return;  // outside the window
  flush_early_counters();
  latest_ = std::max(latest_, end);
  const Track& t = tracks_[static_cast<std::size_t>(track)];
  event(fmt::format(R"({{"ph":"X","name":{},"pid":{},"tid":{},"ts":{},"dur":{}}})", quoted(name),
                    t.pid, t.tid, us(begin), us(end - begin)));
}

void PerfettoWriter::counter(int track, const std::string& name, Ns at, double value) {
  if (from_ > 0 && at <= from_) {  // the value at the window's start, written there
    early_counters_[{track, name}] = value;
    return;
  }
  if (to_ >= 0 && at > to_) return;
  flush_early_counters();
  write_counter(track, name, at, value);
}

void PerfettoWriter::flush_early_counters() {
  if (early_counters_.empty()) return;
  const auto early = std::move(early_counters_);
  early_counters_.clear();
  for (const auto& [key, value] : early)
    write_counter(key.first, key.second, from_, value);
}

void PerfettoWriter::write_counter(int track, const std::string& name, Ns at, double value) {
  latest_ = std::max(latest_, at);
  const Track& t = tracks_[static_cast<std::size_t>(track)];
  event(fmt::format(R"({{"ph":"C","name":{},"pid":{},"ts":{},"args":{{"value":{}}}}})",
                    quoted(name), t.pid, us(at), value));
}

void PerfettoWriter::flow(std::uint64_t id, char phase, int track, Ns at, const std::string& name) {
  const Track& t = tracks_[static_cast<std::size_t>(track)];
  event(fmt::format(R"({{"ph":"{}","id":{},"name":{},"cat":"io","pid":{},"tid":{},"ts":{}{}}})",
                    phase, id, quoted(name), t.pid, t.tid, us(at),
                    phase == 'f' ? R"(,"bp":"e")" : ""));
}

void PerfettoWriter::name_values(const std::string& scope, const std::string& name,
                                 std::vector<std::string> names) {
  value_names_[scope + "." + name] = std::move(names);
}

int PerfettoWriter::add_signal(const std::string& scope, const std::string& name, int) {
  auto names = value_names_.find(scope + "." + name);
  Signal s{track(scope, name), name,
           names == value_names_.end() ? std::vector<std::string>{} : names->second};
  signal_tracks_[scope + "." + name] = s.track;
  signals_.push_back(std::move(s));
  return static_cast<int>(signals_.size()) - 1;
}

int PerfettoWriter::track_of(const std::string& scope_name) const {
  auto it = signal_tracks_.find(scope_name);
  return it == signal_tracks_.end() ? -1 : it->second;
}

void PerfettoWriter::close_slice(Signal& s, Ns at) {
  if (s.value == 0 || at <= s.since) return;  // value 0 (idle, none) shows as a gap
  const std::string name =
      s.value < s.value_names.size() ? s.value_names[s.value] : std::to_string(s.value);
  slice(s.track, name, s.since, at);
}

void PerfettoWriter::change(int id, std::uint64_t value, Ns at) {
  Signal& s = signals_[static_cast<std::size_t>(id)];
  if (s.value_names.empty()) {
    counter(s.track, s.name, at, static_cast<double>(value));
    s.value = value;
    return;
  }
  close_slice(s, at);
  s.value = value;
  s.since = at;
}

void PerfettoWriter::finish(Ns end) {
  if (finished_) return;
  for (Signal& s : signals_)
    if (!s.value_names.empty()) close_slice(s, end);
  flush_early_counters();
  std::fputs(kTail, file_);
  written_ += std::strlen(kTail);
  std::FILE* file = file_;
  file_ = nullptr;
  rename_into_place(file, path_);
  finished_ = true;
}

}  // namespace iosim
