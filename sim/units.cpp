#include "sim/units.h"

#include <array>
#include <cctype>
#include <limits>
#include <numeric>
#include <span>

#include <fmt/format.h>

#include "sim/did_you_mean.h"

namespace iosim::units {
namespace {

struct Unit {
  std::string_view name;
  std::uint64_t multiplier;  // how many base units (ns, B, Hz, rpm) one of these is
};

// A spelling from elsewhere (other tools, everyday writing) and what to
// write instead: "h" -> seconds, "Mbps" -> "Mbit/s".
struct Alias {
  std::string_view spelling;
  std::string_view advice;  // appended to "unknown ... unit 'X' (expected ...)"
};

constexpr std::array kDurationAliases{
    Alias{"h", "; write hours in seconds, like \"3600s\""},
    Alias{"hr", "; write hours in seconds, like \"3600s\""},
    Alias{"hours", "; write hours in seconds, like \"3600s\""},
    Alias{"min", "; write minutes in seconds, like \"60s\""},
    Alias{"minutes", "; write minutes in seconds, like \"60s\""},
    Alias{"sec", "; did you mean 's'?"},
    Alias{"msec", "; did you mean 'ms'?"},
    Alias{"usec", "; did you mean 'us'?"},
    Alias{"nsec", "; did you mean 'ns'?"},
};

constexpr std::array kBandwidthAliases{
    Alias{"bps", "; did you mean 'bit/s'?"},   Alias{"kbps", "; did you mean 'kbit/s'?"},
    Alias{"Kbps", "; did you mean 'kbit/s'?"}, Alias{"Mbps", "; did you mean 'Mbit/s'?"},
    Alias{"Gbps", "; did you mean 'Gbit/s'?"},
};

// Everything that differs between the kinds of quantity: their units and the
// words used in messages, so one parser can serve all four.
struct Kind {
  std::string_view noun;      // "duration"
  std::string_view plural;    // "durations"
  std::string_view example;   // "5ms"
  std::string_view base;      // "nanoseconds": what the result must be a whole number of
  std::string_view expected;  // "ns, us, ms or s": the units listed in messages
  std::span<const Unit> units;
  std::uint64_t max;                    // largest representable result
  std::span<const Alias> aliases = {};  // other spellings, with advice
};

constexpr std::array kDurationUnits{
    Unit{"ns", 1},
    Unit{"us", 1'000},
    Unit{"\xC2\xB5s", 1'000},  // U+00B5 MICRO SIGN, what most keyboards produce
    Unit{"\xCE\xBCs", 1'000},  // U+03BC GREEK SMALL LETTER MU, which looks the same
    Unit{"ms", 1'000'000},
    Unit{"s", 1'000'000'000},
};

constexpr std::array kSizeUnits{
    Unit{"B", 1},
    Unit{"KiB", 1ULL << 10},
    Unit{"MiB", 1ULL << 20},
    Unit{"GiB", 1ULL << 30},
    Unit{"TiB", 1ULL << 40},
    Unit{"kB", 1'000},
    Unit{"KB", 1'000},
    Unit{"MB", 1'000'000},
    Unit{"GB", 1'000'000'000},
    Unit{"TB", 1'000'000'000'000},
};

// Lower-case spellings are accepted because, unlike sizes, they cannot be
// confused with another unit.
constexpr std::array kFrequencyUnits{
    Unit{"Hz", 1}, Unit{"kHz", 1'000}, Unit{"MHz", 1'000'000}, Unit{"GHz", 1'000'000'000},
    Unit{"hz", 1}, Unit{"khz", 1'000}, Unit{"mhz", 1'000'000}, Unit{"ghz", 1'000'000'000},
};

constexpr std::array kRpmUnits{Unit{"rpm", 1}, Unit{"RPM", 1}};

// Link speeds are quoted in bits (network) or bytes (disks) per second; the
// base unit is the bit, so both are exact.
constexpr std::array kBandwidthUnits{
    Unit{"bit/s", 1},
    Unit{"kbit/s", 1'000},
    Unit{"Mbit/s", 1'000'000},
    Unit{"Gbit/s", 1'000'000'000},
    Unit{"B/s", 8},
    Unit{"kB/s", 8'000},
    Unit{"MB/s", 8'000'000},
    Unit{"GB/s", 8'000'000'000},
    Unit{"KiB/s", 8ULL << 10},
    Unit{"MiB/s", 8ULL << 20},
    Unit{"GiB/s", 8ULL << 30},
};

constexpr std::uint64_t kUint64Max = std::numeric_limits<std::uint64_t>::max();

constexpr Kind kDuration{
    .noun = "duration",
    .plural = "durations",
    .example = "5ms",
    .base = "nanoseconds",
    .expected = "ns, us, ms or s",
    .units = kDurationUnits,
    .max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
    .aliases = kDurationAliases,
};
constexpr Kind kSize{
    .noun = "size",
    .plural = "sizes",
    .example = "64KiB",
    .base = "bytes",
    .expected = "B, KiB, MiB, GiB, TiB, kB, MB, GB or TB",
    .units = kSizeUnits,
    .max = kUint64Max,
};
constexpr Kind kFrequency{
    .noun = "frequency",
    .plural = "frequencies",
    .example = "2GHz",
    .base = "hertz",
    .expected = "Hz, kHz, MHz or GHz",
    .units = kFrequencyUnits,
    .max = kUint64Max,
};
constexpr Kind kRpm{
    .noun = "rotation speed",
    .plural = "rotation speeds",
    .example = "7200rpm",
    .base = "rpm",
    .expected = "rpm",
    .units = kRpmUnits,
    .max = kUint64Max,
};
constexpr Kind kBandwidth{
    .noun = "bandwidth",
    .plural = "bandwidths",
    .example = "100Mbit/s",
    .base = "bits per second",
    .expected = "bit/s, kbit/s, Mbit/s, Gbit/s, B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s or GiB/s",
    .units = kBandwidthUnits,
    .max = kUint64Max,
    .aliases = kBandwidthAliases,
};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Digits only (the caller has checked); nullopt when the value does not fit.
std::optional<std::uint64_t> digits_value(std::string_view digits) {
  std::uint64_t value = 0;
  for (char c : digits) {
    auto next = checked_mul(value, 10);
    if (next) next = checked_add(*next, static_cast<std::uint64_t>(c - '0'));
    if (!next) return std::nullopt;
    value = *next;
  }
  return value;
}

// 10^19 is the largest power of ten that fits in 64 bits.
constexpr std::size_t kMaxFractionDigits = 19;

enum class ScaleResult { Ok, NotWhole, TooLarge, TooManyDecimals };

// Computes "<whole>.<fraction> * multiplier" exactly, in integers only: the
// fraction contributes fraction * multiplier / 10^digits, which must divide
// evenly. Dividing both sides by their gcd first keeps every product in range.
ScaleResult scale(std::string_view whole, std::string_view fraction, std::uint64_t multiplier,
                  std::uint64_t* out) {
  while (!fraction.empty() && fraction.back() == '0')
    fraction.remove_suffix(1);
  if (fraction.size() > kMaxFractionDigits) return ScaleResult::TooManyDecimals;
  std::uint64_t pow10 = 1;
  for (std::size_t i = 0; i < fraction.size(); ++i)
    pow10 *= 10;
  const std::uint64_t numerator = *digits_value(fraction);  // < 10^19, always fits
  const std::uint64_t g = std::gcd(multiplier, pow10);
  const std::uint64_t denominator = pow10 / g;
  if (numerator % denominator != 0) return ScaleResult::NotWhole;
  const auto fraction_part = checked_mul(numerator / denominator, multiplier / g);
  auto total = digits_value(whole);
  if (total) total = checked_mul(*total, multiplier);
  if (total && fraction_part) total = checked_add(*total, *fraction_part);
  if (!total || !fraction_part) return ScaleResult::TooLarge;
  *out = *total;
  return ScaleResult::Ok;
}

const Unit* find_unit(const Kind& kind, std::string_view name) {
  for (const Unit& unit : kind.units) {
    if (unit.name == name) return &unit;
  }
  return nullptr;
}

std::string unknown_unit_message(const Kind& kind, std::string_view name) {
  std::string message =
      fmt::format("unknown {} unit '{}' (expected {})", kind.noun, name, kind.expected);
  // The usual mistake is the case ("kib", "Ms"): name the unit that was meant.
  for (const Unit& unit : kind.units) {
    if (equal_ignoring_case(unit.name, name))
      return message + fmt::format("; did you mean '{}'?", unit.name);
  }
  for (const Alias& alias : kind.aliases) {
    if (alias.spelling == name) return message + std::string(alias.advice);
  }
  return message;
}

// Records the error (when the caller wants it) and returns nullopt, so every
// failure path is one line.
std::optional<std::uint64_t> fail(Error* error, std::string message, std::size_t column) {
  if (error) *error = Error{std::move(message), column};
  return std::nullopt;
}

std::optional<std::uint64_t> too_large(Error* error, const Kind& kind, std::string_view text,
                                       std::size_t column) {
  fail(error, fmt::format("{} {} is too large", kind.noun, text), column);
  if (error) error->too_large = true;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_quantity(std::string_view text, const Kind& kind, Error* error) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin]))
    ++begin;
  while (end > begin && is_space(text[end - 1]))
    --end;
  const std::string_view s = text.substr(begin, end - begin);

  if (s.empty()) {
    return fail(error,
                fmt::format("expected a {} with a unit, like \"{}\"", kind.noun, kind.example),
                begin);
  }
  if (s.front() == '-')
    return fail(error, fmt::format("{} cannot be negative", kind.plural), begin);

  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i]))
    ++i;
  if (i == 0) {
    return fail(error,
                fmt::format("expected a number followed by a unit, like \"{}\"", kind.example),
                begin);
  }
  const std::string_view whole = s.substr(0, i);
  std::string_view fraction;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && is_digit(s[i]))
      ++i;
    if (i == start) return fail(error, "expected digits after the decimal point", begin + start);
    fraction = s.substr(start, i - start);
  }

  const std::size_t number_end = i;
  if (i < s.size() && s[i] == ' ') ++i;  // "5 ms": one space is allowed
  const std::string_view unit_name = s.substr(i);
  if (unit_name.empty()) {
    return fail(error,
                fmt::format("missing unit: expected a {} with a unit, like \"{}\"", kind.noun,
                            kind.example),
                begin + number_end);
  }
  if (is_space(unit_name.front())) {
    return fail(error,
                fmt::format("expected the unit right after the number, like \"{}\"", kind.example),
                begin + i);
  }
  const Unit* unit = find_unit(kind, unit_name);
  if (!unit) return fail(error, unknown_unit_message(kind, unit_name), begin + i);

  std::uint64_t value = 0;
  switch (scale(whole, fraction, unit->multiplier, &value)) {
    case ScaleResult::Ok:
      break;
    case ScaleResult::NotWhole:
      return fail(error, fmt::format("{} {} is not a whole number of {}", kind.noun, s, kind.base),
                  begin);
    case ScaleResult::TooManyDecimals:
      return fail(error,
                  fmt::format("{} {} has too many digits after the decimal point (at most {})",
                              kind.noun, s, kMaxFractionDigits),
                  begin);
    case ScaleResult::TooLarge:
      return too_large(error, kind, s, begin);
  }
  if (value > kind.max) return too_large(error, kind, s, begin);
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_duration_ns(std::string_view text, Error* error) {
  const auto ns = parse_quantity(text, kDuration, error);
  if (!ns) return std::nullopt;
  return static_cast<std::int64_t>(*ns);  // kDuration.max keeps it in range
}

std::optional<std::uint64_t> parse_size_bytes(std::string_view text, Error* error) {
  return parse_quantity(text, kSize, error);
}

std::optional<std::uint64_t> parse_frequency_hz(std::string_view text, Error* error) {
  return parse_quantity(text, kFrequency, error);
}

std::optional<std::uint64_t> parse_bandwidth_bits(std::string_view text, Error* error) {
  return parse_quantity(text, kBandwidth, error);
}

std::optional<std::uint64_t> parse_rpm(std::string_view text, Error* error) {
  return parse_quantity(text, kRpm, error);
}

std::string format_duration(std::int64_t ns) {
  const char* sign = ns < 0 ? "-" : "";
  // Negate in unsigned arithmetic so that INT64_MIN has a magnitude too.
  const std::uint64_t magnitude =
      ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  if (magnitude < 1'000) return fmt::format("{}{} ns", sign, magnitude);

  struct Scale {
    std::uint64_t step;  // nanoseconds per thousandth of the unit
    const char* name;
  };
  constexpr std::array<Scale, 3> kScales{{{1, "us"}, {1'000, "ms"}, {1'000'000, "s"}}};
  for (std::size_t i = 0; i < kScales.size(); ++i) {
    const Scale& scale = kScales[i];
    const std::uint64_t thousandths = (magnitude + scale.step / 2) / scale.step;
    // Pick the unit after rounding, so 999999999 ns reads "1.000 s", not "1000.000 ms".
    if (thousandths < 1'000'000 || i + 1 == kScales.size()) {
      return fmt::format("{}{}.{:03} {}", sign, thousandths / 1'000, thousandths % 1'000,
                         scale.name);
    }
  }
  return {};  // unreachable: the last scale always returns
}

std::string format_size(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  constexpr std::array<const char*, 6> kNames{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    const unsigned shift = 10 * static_cast<unsigned>(i + 1);
    std::uint64_t whole = bytes >> shift;
    // Drop low bits that cannot affect two decimals, so rest * 100 stays in 64 bits.
    const unsigned drop = shift > 50 ? shift - 50 : 0;
    const std::uint64_t rest = (bytes & ((1ULL << shift) - 1)) >> drop;
    const std::uint64_t unit = 1ULL << (shift - drop);
    std::uint64_t hundredths = (rest * 100 + unit / 2) / unit;
    if (hundredths == 100) {
      ++whole;
      hundredths = 0;
    }
    if (whole < 1024 || i + 1 == kNames.size()) {
      return fmt::format("{}.{:02} {}", whole, hundredths, kNames[i]);
    }
  }
  return {};  // unreachable: the last unit always returns
}

}  // namespace iosim::units
