#include "sim/busy_share.h"

namespace iosim {

void BusyShare::change(int, std::uint64_t value, Ns at) {
  advance(at);
  busy_ = value != 0;
}

// Accounts the time up to `to`, closing every window that ends by then.
void BusyShare::advance(Ns to) {
  if (to >= start_ + window_) {
    close_window(start_ + window_);
    // Whole windows without a change all have the same share: report it
    // once and skip to the window holding `to`.
    const Ns whole = (to - start_) / window_;
    if (whole > 0) close_window(start_ + whole * window_);
  }
  if (busy_) busy_ns_ += to - since_;
  since_ = to;
}

void BusyShare::close_window(Ns end) {
  if (busy_) busy_ns_ += end - since_;
  // In thousandths, rounded: finer differences are noise on a chart, and
  // would cost a report each.
  const Ns length = end - start_;
  const auto share = static_cast<std::uint64_t>((1000 * busy_ns_ + length / 2) / length);
  if (share != last_) report_(start_, share);
  last_ = share;
  start_ = since_ = end;
  busy_ns_ = 0;
}

void BusyShare::finish(Ns end) {
  advance(end);
  if (end > start_) close_window(end);
}

}  // namespace iosim
