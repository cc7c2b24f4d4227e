// Pictures of a run in the terminal, from the kernel's schedule and
// thread-state logs (kept when the platform records the schedule):
//  - a Gantt chart: one row per core (and, on request, per thread), the run
//    scaled to a given width, each column showing who held the core most of
//    that time (or what state the thread was mostly in);
//  - an OSTEP-style timeline: one row per moment the schedule changed, with
//    what each core runs and who is ready.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kernel/kernel.h"

namespace iosim {

// Maps time onto `columns` equal buckets of [0, end).
struct ColumnScale {
  Ns end;
  int columns;
  // Calls add(bucket, overlap) for each bucket [from, to) touches.
  template <typename Add>
  void spread(Ns from, Ns to, Add add) const {
    from = std::max<Ns>(from, 0);
    to = std::min(to, end);
    if (to <= from) return;
    const double per = static_cast<double>(end) / columns;
    auto first = static_cast<int>(static_cast<double>(from) / per);
    for (int b = std::min(first, columns - 1); b < columns; ++b) {
      const Ns lo = static_cast<Ns>(b * per), hi = static_cast<Ns>((b + 1) * per);
      if (lo >= to) break;
      const Ns overlap = std::min(to, hi) - std::max(from, lo);
      if (overlap > 0) add(b, overlap);
    }
  }
};

// The run [0, end) cut into `columns`: per core, the thread (id) that held
// it longest in each column (-1: no thread for half of it); per thread (the
// first `max_threads`), its most common ThreadState (as int; -1: none).
std::vector<std::vector<std::int64_t>> core_columns(const Kernel& kernel, int cores, Ns end,
                                                    int columns);
std::vector<std::vector<int>> thread_columns(const Kernel& kernel, Ns end, int columns,
                                             std::size_t max_threads);

// `width` is the whole line's width in characters (at least 40).
std::string gantt_chart(const Kernel& kernel, int cores, Ns end, int width, bool per_thread);

// Empty when the run has more than `max_rows` moments (the caller says so).
std::string timeline_table(const Kernel& kernel, int cores, Ns end, std::size_t max_rows);

}  // namespace iosim
