// Parsing of quantities written with their unit, as people write them in
// scenario files: "5ms", "1.5s", "64KiB", "2GHz", "7200rpm".
//
// Rules (documented in docs/scenario-format.md):
// - durations: ns, us, ms, s (also "µs"); decimals allowed ("1.5ms"); the
//   result must be a whole number of nanoseconds.
// - sizes: B, KiB, MiB, GiB, TiB (powers of 1024) and kB/KB, MB, GB, TB
//   (powers of 1000). A bare number is not accepted: the unit is required.
// - frequencies: Hz, kHz, MHz, GHz; rotation speeds: rpm.
// - bandwidths: bit/s, kbit/s, Mbit/s, Gbit/s (powers of 1000 of bits) and
//   B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s; the result is in bits/s.
// A space between number and unit is allowed ("5 ms"). Negative values are
// rejected here; range checks (e.g. "must be > 0") belong to the caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace iosim::units {

struct Error {
  std::string message;     // e.g. "unknown duration unit 'mss' (expected ns, us, ms or s)"
  std::size_t column;      // 0-based offset into the parsed text where the problem starts
  bool too_large = false;  // the value is well formed but does not fit in 64 bits
};

// Each returns the value, or sets *error (when given) and returns nullopt.
std::optional<std::int64_t> parse_duration_ns(std::string_view text, Error* error = nullptr);
std::optional<std::uint64_t> parse_size_bytes(std::string_view text, Error* error = nullptr);
std::optional<std::uint64_t> parse_frequency_hz(std::string_view text, Error* error = nullptr);
std::optional<std::uint64_t> parse_rpm(std::string_view text, Error* error = nullptr);
// Bits per second: "100Mbit/s", "1Gbit/s", "12.5MB/s", "64MiB/s" (a byte is 8 bits).
std::optional<std::uint64_t> parse_bandwidth_bits(std::string_view text, Error* error = nullptr);

// Human-readable forms for summaries: "412.345 ms", "1.25 MiB".
std::string format_duration(std::int64_t ns);
std::string format_size(std::uint64_t bytes);

}  // namespace iosim::units
