#include "devices/latency_distribution.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace iosim {
namespace {

void check(Ns value, const char* what) {
  if (value < 0 || value > LatencyDistribution::kMaxParam)
    throw std::invalid_argument(std::string("latency distribution: ") + what +
                                " must be in [0, 2^50] ns");
}

std::string ns(Ns value) {
  return std::to_string(value) + "ns";
}

}  // namespace

LatencyDistribution LatencyDistribution::fixed(Ns value) {
  check(value, "the value");
  return {Kind::kFixed, value, 0};
}

LatencyDistribution LatencyDistribution::uniform(Ns min, Ns max) {
  check(min, "the minimum");
  check(max, "the maximum");
  if (min > max) throw std::invalid_argument("latency distribution: uniform needs min <= max");
  return {Kind::kUniform, min, max};
}

LatencyDistribution LatencyDistribution::normal(Ns mean, Ns stddev) {
  check(mean, "the mean");
  check(stddev, "the standard deviation");
  return {Kind::kNormal, mean, stddev};
}

LatencyDistribution LatencyDistribution::exponential(Ns mean) {
  check(mean, "the mean");
  return {Kind::kExponential, mean, 0};
}

Ns LatencyDistribution::sample(RandomStream& random) const {
  switch (kind_) {
    case Kind::kFixed:
      return a_;
    case Kind::kUniform: {
      // Multiply-shift: exact integer arithmetic, every value in [a, b] reachable.
      auto span = static_cast<unsigned __int128>(b_ - a_) + 1;
      return a_ + static_cast<Ns>((random.next() * span) >> 64);
    }
    case Kind::kNormal: {
      double u1 = unit(random.next());
      double u2 = unit(random.next());
      double z = std::sqrt(-2.0 * ln(1.0 - u1)) * cos_turns(u2);
      double v = static_cast<double>(a_) + static_cast<double>(b_) * z;
      return std::max<Ns>(0, std::llround(v));  // truncation at 0 by clamping
    }
    case Kind::kExponential:
      return std::llround(-static_cast<double>(a_) * ln(1.0 - unit(random.next())));
  }
  return a_;
}

double LatencyDistribution::expected() const {
  if (kind_ == Kind::kUniform) return (static_cast<double>(a_) + static_cast<double>(b_)) / 2;
  return static_cast<double>(a_);
}

std::string LatencyDistribution::describe() const {
  switch (kind_) {
    case Kind::kFixed:
      return "fixed(" + ns(a_) + ")";
    case Kind::kUniform:
      return "uniform(" + ns(a_) + ", " + ns(b_) + ")";
    case Kind::kNormal:
      return "normal(" + ns(a_) + ", " + ns(b_) + ")";
    case Kind::kExponential:
      return "exponential(" + ns(a_) + ")";
  }
  return {};
}

double LatencyDistribution::unit(std::uint64_t x) {
  return static_cast<double>(x >> 11) * 0x1.0p-53;
}

// ln x = e ln 2 + ln m, with x = m 2^e and m in [sqrt(1/2), sqrt(2)), and
// ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m - 1) / (m + 1),
// |s| <= 0.172: thirteen terms reach below 2^-60. ln 2 is split into a part
// with trailing zeros (so e * hi is exact) and the rest (fdlibm's constants).
double LatencyDistribution::ln(double x) {
  if (!(x > 0) || std::isinf(x)) throw std::domain_error("ln of a non-positive or infinite value");
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kSqrtHalf = 0.70710678118654752440;
  int e = 0;
  double m = std::frexp(x, &e);  // exact: x = m 2^e, m in [0.5, 1)
  if (m < kSqrtHalf) {
    m *= 2;  // exact
    --e;
  }
  double s = (m - 1) / (m + 1);
  double s2 = s * s;
  double series = 1.0 / 25;
  for (int k = 11; k >= 0; --k)
    series = series * s2 + 1.0 / (2 * k + 1);
  return e * kLn2Hi + (2 * s * series + e * kLn2Lo);
}

// cos(2 pi u): u * 4 is exact, so its whole part q picks the quadrant and its
// fraction f the angle within it, f * pi/2, without any rounding in the
// reduction. Folding f > 1/2 onto 1 - f (exact) keeps the angle phi <= pi/4,
// where Taylor series to phi^16 / phi^17 are accurate to about 2^-60.
double LatencyDistribution::cos_turns(double u) {
  constexpr double kHalfPi = 1.57079632679489661923;
  double t = u * 4;
  int q = static_cast<int>(t) & 3;
  double f = t - static_cast<int>(t);
  bool fold = f > 0.5;
  double phi = (fold ? 1 - f : f) * kHalfPi;
  double p2 = phi * phi;
  double c = 1, s = 1;
  for (int k = 8; k >= 1; --k) {
    c = 1 - p2 / ((2 * k - 1) * (2 * k)) * c;
    s = 1 - p2 / ((2 * k) * (2 * k + 1)) * s;
  }
  s *= phi;
  double cos_theta = fold ? s : c;  // theta = f pi/2; cos(pi/2 - phi) = sin(phi)
  double sin_theta = fold ? c : s;
  switch (q) {
    case 0:
      return cos_theta;
    case 1:
      return -sin_theta;
    case 2:
      return -cos_theta;
    default:
      return sin_theta;
  }
}

}  // namespace iosim
