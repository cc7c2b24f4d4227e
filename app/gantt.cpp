#include "app/gantt.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "sim/units.h"

namespace iosim {
namespace {

constexpr std::string_view kSymbols =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kThreadRows = 40;  // per-thread rows shown at most
constexpr std::size_t kStates = 7;       // ThreadState values

char symbol(std::uint64_t thread) {
  return thread < kSymbols.size() ? kSymbols[thread] : '*';
}

// A state as one character in a thread's row.
char state_char(ThreadState s) {
  switch (s) {
    case ThreadState::kRunning:
      return '#';
    case ThreadState::kReady:
      return '-';
    case ThreadState::kBlocked:
      return 'I';
    case ThreadState::kSleeping:
      return 'z';
    case ThreadState::kWaiting:
      return 'w';
    default:
      return ' ';
  }
}

}  // namespace

// The thread that held each core longest in each column, -1 when no thread
// held it for half of the column.
std::vector<std::vector<std::int64_t>> core_columns(const Kernel& kernel, int cores, Ns end,
                                                    int columns) {
  const ColumnScale scale{end, columns};
  using Tally = std::vector<std::pair<std::uint64_t, Ns>>;
  std::vector<std::vector<Tally>> tally(
      static_cast<std::size_t>(cores), std::vector<Tally>(static_cast<std::size_t>(scale.columns)));
  for (const Slice& s : kernel.schedule()) {
    auto& row = tally[static_cast<std::size_t>(s.core)];
    scale.spread(s.start, s.end, [&](int b, Ns overlap) {
      Tally& t = row[static_cast<std::size_t>(b)];
      auto it = std::find_if(t.begin(), t.end(), [&](auto& e) { return e.first == s.thread; });
      if (it == t.end())
        t.emplace_back(s.thread, overlap);
      else
        it->second += overlap;
    });
  }
  const double per = static_cast<double>(scale.end) / scale.columns;
  std::vector<std::vector<std::int64_t>> rows;
  for (const auto& row : tally) {
    std::vector<std::int64_t>& out = rows.emplace_back();
    for (const Tally& t : row) {
      auto best = std::max_element(t.begin(), t.end(), [](auto& x, auto& y) {
        return x.second < y.second || (x.second == y.second && x.first > y.first);
      });
      const bool held = best != t.end() && static_cast<double>(best->second) * 2 >= per;
      out.push_back(held ? static_cast<std::int64_t>(best->first) : -1);
    }
  }
  return rows;
}

// Each thread's (the first `max_threads`) most common state per column, -1
// where it did not exist.
std::vector<std::vector<int>> thread_columns(const Kernel& kernel, Ns end, int columns,
                                             std::size_t max_threads) {
  const ColumnScale scale{end, columns};
  const std::size_t n = std::min(kernel.threads().size(), max_threads);
  using Tally = std::array<Ns, kStates>;
  std::vector<std::vector<Tally>> tally(
      n, std::vector<Tally>(static_cast<std::size_t>(scale.columns), Tally{}));
  std::vector<std::pair<ThreadState, Ns>> current(n, {ThreadState::kNew, 0});
  auto close = [&](std::size_t t, Ns until) {
    const auto [state, since] = current[t];
    scale.spread(since, until, [&](int b, Ns overlap) {
      tally[t][static_cast<std::size_t>(b)][static_cast<std::size_t>(state)] += overlap;
    });
  };
  for (const StateChange& c : kernel.state_log()) {
    if (c.thread >= n) continue;
    close(c.thread, c.at);
    current[c.thread] = {c.state, c.at};
  }
  std::vector<std::vector<int>> rows;
  for (std::size_t t = 0; t < n; ++t) {
    close(t, scale.end);
    std::vector<int>& out = rows.emplace_back();
    for (const Tally& cell : tally[t]) {
      const auto best = std::max_element(cell.begin(), cell.end()) - cell.begin();
      out.push_back(cell[static_cast<std::size_t>(best)] > 0 ? static_cast<int>(best) : -1);
    }
  }
  return rows;
}

std::string gantt_chart(const Kernel& kernel, int cores, Ns end, int width, bool per_thread) {
  if (end <= 0) return "";
  std::size_t label = 6;
  if (per_thread) {
    for (std::size_t i = 0; i < std::min(kernel.threads().size(), kThreadRows); ++i)
      label =
          std::max(label, std::min<std::size_t>(qualified_name(*kernel.threads()[i]).size(), 24));
  }
  const int columns = std::max(20, width - static_cast<int>(label) - 4);  // "  " label "|" .. "|"
  const std::string from = "0 ns", to = units::format_duration(end);
  const int pad = std::max(1, columns - static_cast<int>(from.size() + to.size()));
  std::string out = fmt::format("\nGantt chart ({} per column)\n  {:<{}}|{}{}{}|\n",
                                units::format_duration(std::max<Ns>(1, end / columns)), "", label,
                                from, std::string(static_cast<std::size_t>(pad), ' '), to);
  const auto rows = core_columns(kernel, cores, end, columns);
  for (int c = 0; c < cores; ++c) {
    std::string line;
    for (std::int64_t id : rows[static_cast<std::size_t>(c)])
      line += id < 0 ? '.' : symbol(static_cast<std::uint64_t>(id));
    out += fmt::format("  {:<{}}|{}|\n", fmt::format("core{}", c), label, line);
  }
  std::string legend;
  for (const auto& t : kernel.threads()) {
    if (t->id >= kSymbols.size()) {
      legend += fmt::format("  * the {} other threads", kernel.threads().size() - kSymbols.size());
      break;
    }
    legend += fmt::format("  {} {}", symbol(t->id), qualified_name(*t));
  }
  out += "  " + std::string(label, ' ') + " " + legend + "  . no thread\n";
  if (!per_thread) return out;
  out += "\n";
  const auto trows = thread_columns(kernel, end, columns, kThreadRows);
  for (std::size_t t = 0; t < trows.size(); ++t) {
    std::string line;
    for (int state : trows[t])
      line += state < 0 ? ' ' : state_char(static_cast<ThreadState>(state));
    out += fmt::format("  {:<{}}|{}|\n", qualified_name(*kernel.threads()[t]).substr(0, 24), label,
                       line);
  }
  if (kernel.threads().size() > kThreadRows)
    out += fmt::format("  ... and {} more threads\n", kernel.threads().size() - kThreadRows);
  out += "  " + std::string(label, ' ') +
         "   # running  - ready  I blocked on I/O  z sleeping  w waiting (lock, GIL, join)\n";
  return out;
}

std::string timeline_table(const Kernel& kernel, int cores, Ns end, std::size_t max_rows) {
  std::set<Ns> moments{0};
  for (const Slice& s : kernel.schedule()) {
    moments.insert(s.start);
    moments.insert(s.end);
  }
  moments.erase(moments.upper_bound(end), moments.end());
  if (moments.size() > max_rows) return "";
  std::size_t width = 6;
  for (const auto& t : kernel.threads())
    width = std::max(width, qualified_name(*t).size());
  std::string out = fmt::format("\nTimeline\n  {:>12}", "time");
  for (int c = 0; c < cores; ++c)
    out += fmt::format("  {:<{}}", fmt::format("core{}", c), width);
  out += "  ready\n";
  const auto& log = kernel.state_log();
  std::size_t replayed = 0;
  std::vector<ThreadState> state(kernel.threads().size(), ThreadState::kNew);
  for (Ns t : moments) {
    while (replayed < log.size() && log[replayed].at <= t) {
      state[log[replayed].thread] = log[replayed].state;
      ++replayed;
    }
    std::vector<std::string> on_core(static_cast<std::size_t>(cores), "-");
    for (const Slice& s : kernel.schedule())
      if (s.start <= t && t < s.end)
        on_core[static_cast<std::size_t>(s.core)] = qualified_name(*kernel.threads()[s.thread]);
    std::string ready;
    for (std::size_t i = 0; i < state.size(); ++i)
      if (state[i] == ThreadState::kReady)
        ready += (ready.empty() ? "" : " ") + qualified_name(*kernel.threads()[i]);
    std::string line = fmt::format("  {:>12}", units::format_duration(t));
    for (const std::string& name : on_core)
      line += fmt::format("  {:<{}}", name, width);
    line += "  " + ready;
    out += line.substr(0, line.find_last_not_of(' ') + 1) + "\n";
  }
  return out;
}

}  // namespace iosim
