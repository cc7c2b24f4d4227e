// The share of time a resource is busy (a probe is non-zero: the bus has an
// owner) over consecutive windows of fixed length, for a utilisation counter
// in a timeline. Attach it to one probe; it reports a window's share when
// the window ends, and only when it differs from the share reported last,
// so a long idle or saturated stretch costs one report.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "sim/probe_sink.h"

namespace iosim {

class BusyShare : public ProbeSink {
 public:
  // `report(start, permille)`: from `start` on, the busy share in thousandths.
  using Report = std::function<void(Ns start, std::uint64_t permille)>;
  BusyShare(Ns window, Report report) : window_(window), report_(std::move(report)) {}

  int add_signal(const std::string&, const std::string&, int) override { return 0; }
  void change(int id, std::uint64_t value, Ns at) override;
  // Reports the windows up to `end`, the last one over its part before `end`.
  void finish(Ns end);

 private:
  void advance(Ns to);
  void close_window(Ns end);

  Ns window_;
  Report report_;
  Ns start_ = 0;    // of the current window
  Ns since_ = 0;    // the busy state holds since then
  Ns busy_ns_ = 0;  // in the current window, up to since_
  bool busy_ = false;
  std::uint64_t last_ = UINT64_MAX;  // the share reported last, none yet
};

}  // namespace iosim
