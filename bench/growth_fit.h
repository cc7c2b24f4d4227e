// The growth exponent of a scaling curve: the slope of the least-squares
// line through (log n, log time). 1 is linear in the amount of work; 2 is
// quadratic.
#pragma once

#include <cmath>
#include <vector>

namespace iosim::bench {

struct SizePoint {
  double n;        // the amount of work
  double seconds;  // what it took
};

// NaN with fewer than two distinct sizes, or a time that is not positive.
inline double growth_exponent(const std::vector<SizePoint>& points) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const SizePoint& p : points) {
    if (!(p.n > 0) || !(p.seconds > 0)) return std::nan("");
    const double x = std::log(p.n), y = std::log(p.seconds);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double k = static_cast<double>(points.size());
  const double spread = k * sxx - sx * sx;
  if (points.size() < 2 || spread <= 0) return std::nan("");
  return (k * sxy - sx * sy) / spread;
}

}  // namespace iosim::bench
