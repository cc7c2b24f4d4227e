// A seeded distribution of durations: how long a modelled remote server takes
// to answer (the network card's server model), and anything else that needs a
// random delay. Every draw comes from a RandomStream (64-bit words) and is
// turned into a duration by arithmetic written out here, never by <random>'s
// distributions (whose algorithms differ between standard libraries) nor by
// libm's log/cos (which may differ in the last bit between platforms). Only
// +, -, *, / and sqrt are used, which IEEE 754 rounds exactly, so the same
// seed gives the same durations on every platform. (This relies on the
// compiler not fusing a*b+c into one FMA: GCC in ISO mode, which the build
// uses, does not.)
//
//   kind         draws  result (integer ns)
//   fixed(v)     0      v
//   uniform(a,b) 1      a + floor(x * (b - a + 1) / 2^64): every integer in [a, b]
//   normal(m,s)  2      max(0, llround(m + s * z)), z = sqrt(-2 ln(1 - u1)) * cos(2 pi u2)
//                       (Box-Muller; truncated at 0 by clamping, so a negative
//                       draw becomes 0 rather than being drawn again)
//   exponential(m) 1    llround(-m * ln(1 - u)) (inverse CDF)
//
// x is one 64-bit draw; u = (x >> 11) / 2^53 is a double in [0, 1) with every
// value a multiple of 2^-53. llround rounds to the nearest ns, halves away
// from zero. Parameters are whole ns in [0, 2^50] (about 13 days).
#pragma once

#include <cstdint>
#include <string>

#include "sim/random_stream.h"
#include "sim/time.h"

namespace iosim {

class LatencyDistribution {
 public:
  enum class Kind { kFixed, kUniform, kNormal, kExponential };
  static constexpr Ns kMaxParam = Ns{1} << 50;

  // Throw std::invalid_argument for a parameter out of [0, kMaxParam], or min > max.
  static LatencyDistribution fixed(Ns value);
  static LatencyDistribution uniform(Ns min, Ns max);
  static LatencyDistribution normal(Ns mean, Ns stddev);
  static LatencyDistribution exponential(Ns mean);

  LatencyDistribution() = default;  // fixed(0)

  // One duration, using as many draws from `random` as the table above says.
  Ns sample(RandomStream& random) const;

  Kind kind() const { return kind_; }
  // The parameters, by the name each kind gives them.
  Ns value() const { return a_; }   // fixed
  Ns min() const { return a_; }     // uniform
  Ns max() const { return b_; }     // uniform
  Ns mean() const { return a_; }    // normal, exponential (for uniform: see expected())
  Ns stddev() const { return b_; }  // normal
  // The mean of the distribution as defined, before rounding and (normal)
  // truncation: v, (a + b) / 2, m, m.
  double expected() const;
  // "fixed(50000000ns)", "uniform(1000ns, 2000ns)", "normal(20000000ns, 5000000ns)",
  // "exponential(20000000ns)".
  std::string describe() const;

  bool operator==(const LatencyDistribution&) const = default;

  // The building blocks, exposed for tests.
  static double unit(std::uint64_t x);  // (x >> 11) * 2^-53, in [0, 1)
  static double ln(double x);           // natural log of x > 0
  static double cos_turns(double u);    // cos(2 pi u) for u in [0, 1)

 private:
  LatencyDistribution(Kind kind, Ns a, Ns b) : kind_(kind), a_(a), b_(b) {}

  Kind kind_ = Kind::kFixed;
  Ns a_ = 0, b_ = 0;
};

}  // namespace iosim
