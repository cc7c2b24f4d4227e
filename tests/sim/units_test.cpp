#include "sim/units.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace iosim::units {
namespace {

// Checks that `part` occurs in `text`, printing both when it does not.
#define EXPECT_CONTAINS(text, part) EXPECT_PRED_FORMAT2(::testing::IsSubstring, part, text)

// The error a parser reports for `text`; fails the test if it accepted it.
template <typename Parse>
Error error_of(Parse parse, std::string_view text) {
  Error error{"(no error)", 9999};
  EXPECT_FALSE(parse(text, &error).has_value()) << "accepted: " << text;
  return error;
}

Error duration_error(std::string_view text) {
  return error_of([](std::string_view t, Error* e) { return parse_duration_ns(t, e); }, text);
}
Error size_error(std::string_view text) {
  return error_of([](std::string_view t, Error* e) { return parse_size_bytes(t, e); }, text);
}
Error frequency_error(std::string_view text) {
  return error_of([](std::string_view t, Error* e) { return parse_frequency_hz(t, e); }, text);
}
Error rpm_error(std::string_view text) {
  return error_of([](std::string_view t, Error* e) { return parse_rpm(t, e); }, text);
}

// --- durations ---------------------------------------------------------------

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration_ns("7ns"), 7);
  EXPECT_EQ(parse_duration_ns("7us"), 7'000);
  EXPECT_EQ(parse_duration_ns("7\xC2\xB5s"), 7'000);  // micro sign
  EXPECT_EQ(parse_duration_ns("7\xCE\xBCs"), 7'000);  // Greek mu
  EXPECT_EQ(parse_duration_ns("7ms"), 7'000'000);
  EXPECT_EQ(parse_duration_ns("7s"), 7'000'000'000);
}

TEST(ParseDuration, AcceptsDecimalMilliseconds) {
  EXPECT_EQ(parse_duration_ns("1.5ms"), 1'500'000);
  EXPECT_EQ(parse_duration_ns("0.000001ms"), 1);
  EXPECT_EQ(parse_duration_ns("2.250s"), 2'250'000'000);
}

TEST(ParseDuration, AcceptsWholeNanosecondsWrittenWithZeroFraction) {
  EXPECT_EQ(parse_duration_ns("3.000ns"), 3);
  EXPECT_EQ(parse_duration_ns("0.1000000000000000000000000s"), 100'000'000);
}

TEST(ParseDuration, AcceptsOneSpaceBetweenNumberAndUnit) {
  EXPECT_EQ(parse_duration_ns("5 ms"), 5'000'000);
}

TEST(ParseDuration, TrimsSurroundingWhitespace) {
  EXPECT_EQ(parse_duration_ns("  \t5ms \n"), 5'000'000);
  EXPECT_EQ(parse_duration_ns(" 5 ms "), 5'000'000);
}

TEST(ParseDuration, AcceptsZero) {
  EXPECT_EQ(parse_duration_ns("0s"), 0);
}

TEST(ParseDuration, AcceptsLargestInt64) {
  EXPECT_EQ(parse_duration_ns("9223372036854775807ns"), std::numeric_limits<std::int64_t>::max());
}

TEST(ParseDuration, WorksWithoutAnErrorOut) {
  EXPECT_FALSE(parse_duration_ns("5mss").has_value());
}

TEST(ParseDuration, RejectsFractionOfANanosecond) {
  const Error e = duration_error("1.5ns");
  EXPECT_EQ(e.message, "duration 1.5ns is not a whole number of nanoseconds");
  EXPECT_EQ(e.column, 0u);
  EXPECT_CONTAINS(duration_error("0.0000000001s").message, "not a whole number");
}

TEST(ParseDuration, RejectsBareNumberAndAsksForAUnit) {
  const Error e = duration_error("5");
  EXPECT_EQ(e.message, "missing unit: expected a duration with a unit, like \"5ms\"");
  EXPECT_EQ(e.column, 1u);
}

TEST(ParseDuration, RejectsUnknownUnitAndPointsAtIt) {
  const Error e = duration_error("5mss");
  EXPECT_EQ(e.message, "unknown duration unit 'mss' (expected ns, us, ms or s)");
  EXPECT_EQ(e.column, 1u);
}

TEST(ParseDuration, UnknownUnitColumnCountsLeadingWhitespaceAndTheSpace) {
  EXPECT_EQ(duration_error("  12 min").column, 5u);
}

TEST(ParseDuration, SuggestsTheUnitWhenOnlyTheCaseIsWrong) {
  EXPECT_EQ(duration_error("5MS").message,
            "unknown duration unit 'MS' (expected ns, us, ms or s); did you mean 'ms'?");
}

TEST(ParseDuration, RejectsNegativeValues) {
  const Error e = duration_error(" -5ms");
  EXPECT_EQ(e.message, "durations cannot be negative");
  EXPECT_EQ(e.column, 1u);
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_EQ(duration_error("9223372036854775808ns").message,
            "duration 9223372036854775808ns is too large");
  EXPECT_CONTAINS(duration_error("10000000000s").message, "is too large");
  EXPECT_CONTAINS(duration_error("99999999999999999999999ns").message, "is too large");
}

TEST(ParseDuration, RejectsEmptyText) {
  const Error e = duration_error("   ");
  EXPECT_EQ(e.message, "expected a duration with a unit, like \"5ms\"");
}

TEST(ParseDuration, RejectsTextWithoutANumber) {
  const Error e = duration_error("ms");
  EXPECT_EQ(e.message, "expected a number followed by a unit, like \"5ms\"");
  EXPECT_EQ(e.column, 0u);
  EXPECT_CONTAINS(duration_error(".5ms").message, "expected a number");
}

TEST(ParseDuration, RejectsDecimalPointWithoutDigits) {
  const Error e = duration_error("5.ms");
  EXPECT_EQ(e.message, "expected digits after the decimal point");
  EXPECT_EQ(e.column, 2u);
}

TEST(ParseDuration, RejectsMoreThanOneSpaceBeforeTheUnit) {
  const Error e = duration_error("5  ms");
  EXPECT_CONTAINS(e.message, "expected the unit right after the number");
  EXPECT_EQ(e.column, 2u);
}

// --- sizes -------------------------------------------------------------------

TEST(ParseSize, AcceptsBinaryUnits) {
  EXPECT_EQ(parse_size_bytes("512B"), 512u);
  EXPECT_EQ(parse_size_bytes("4KiB"), 4096u);
  EXPECT_EQ(parse_size_bytes("2MiB"), 2u << 20);
  EXPECT_EQ(parse_size_bytes("3GiB"), 3ULL << 30);
  EXPECT_EQ(parse_size_bytes("1TiB"), 1ULL << 40);
}

TEST(ParseSize, AcceptsDecimalUnits) {
  EXPECT_EQ(parse_size_bytes("4kB"), 4'000u);
  EXPECT_EQ(parse_size_bytes("4KB"), 4'000u);
  EXPECT_EQ(parse_size_bytes("5MB"), 5'000'000u);
  EXPECT_EQ(parse_size_bytes("6GB"), 6'000'000'000u);
  EXPECT_EQ(parse_size_bytes("7TB"), 7'000'000'000'000u);
}

TEST(ParseSize, AcceptsDecimalsThatGiveWholeBytes) {
  EXPECT_EQ(parse_size_bytes("1.5KiB"), 1536u);
  EXPECT_EQ(parse_size_bytes("0.25MiB"), 262'144u);
  EXPECT_EQ(parse_size_bytes("1.5kB"), 1'500u);
  EXPECT_EQ(parse_size_bytes("0.0009765625KiB"), 1u);
}

TEST(ParseSize, AcceptsSpaceAndSurroundingWhitespace) {
  EXPECT_EQ(parse_size_bytes(" 64 KiB\t"), 65'536u);
}

TEST(ParseSize, AcceptsLargestUint64) {
  EXPECT_EQ(parse_size_bytes("18446744073709551615B"), std::numeric_limits<std::uint64_t>::max());
}

TEST(ParseSize, RejectsFractionOfAByte) {
  const Error e = size_error("0.5B");
  EXPECT_EQ(e.message, "size 0.5B is not a whole number of bytes");
  EXPECT_EQ(e.column, 0u);
  EXPECT_CONTAINS(size_error("1.0001KiB").message, "not a whole number of bytes");
}

TEST(ParseSize, RejectsBareNumber) {
  EXPECT_EQ(size_error("4096").message,
            "missing unit: expected a size with a unit, like \"64KiB\"");
}

TEST(ParseSize, RejectsLowerCaseBinaryUnitWithAHelpfulMessage) {
  const Error e = size_error("4kib");
  EXPECT_CONTAINS(e.message,
                  "unknown size unit 'kib' (expected B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)");
  EXPECT_CONTAINS(e.message, "did you mean 'KiB'?");
  EXPECT_EQ(e.column, 1u);
}

TEST(ParseSize, RejectsUnknownUnitWithoutSuggestionWhenNothingIsClose) {
  EXPECT_EQ(size_error("4 bytes").message,
            "unknown size unit 'bytes' (expected B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)");
}

TEST(ParseSize, RejectsNegativeValues) {
  EXPECT_EQ(size_error("-1KiB").message, "sizes cannot be negative");
}

TEST(ParseSize, RejectsOverflow) {
  EXPECT_EQ(size_error("18446744073709551616B").message, "size 18446744073709551616B is too large");
  EXPECT_CONTAINS(size_error("16777216TiB").message, "is too large");
}

// --- frequencies ---------------------------------------------------------------

TEST(ParseFrequency, AcceptsEveryUnit) {
  EXPECT_EQ(parse_frequency_hz("50Hz"), 50u);
  EXPECT_EQ(parse_frequency_hz("50kHz"), 50'000u);
  EXPECT_EQ(parse_frequency_hz("50MHz"), 50'000'000u);
  EXPECT_EQ(parse_frequency_hz("2GHz"), 2'000'000'000u);
}

TEST(ParseFrequency, AcceptsAllLowerCaseUnits) {
  EXPECT_EQ(parse_frequency_hz("50hz"), 50u);
  EXPECT_EQ(parse_frequency_hz("50khz"), 50'000u);
  EXPECT_EQ(parse_frequency_hz("50mhz"), 50'000'000u);
  EXPECT_EQ(parse_frequency_hz("2ghz"), 2'000'000'000u);
}

TEST(ParseFrequency, AcceptsDecimalGigahertz) {
  EXPECT_EQ(parse_frequency_hz("2.5GHz"), 2'500'000'000u);
  EXPECT_EQ(parse_frequency_hz(" 3.2 GHz "), 3'200'000'000u);
}

TEST(ParseFrequency, RejectsOtherCapitalisationsWithASuggestion) {
  const Error e = frequency_error("100KHz");
  EXPECT_EQ(e.message,
            "unknown frequency unit 'KHz' (expected Hz, kHz, MHz or GHz); did you mean 'kHz'?");
  EXPECT_EQ(e.column, 3u);
}

TEST(ParseFrequency, RejectsFractionOfAHertz) {
  EXPECT_EQ(frequency_error("1.5Hz").message, "frequency 1.5Hz is not a whole number of hertz");
}

TEST(ParseFrequency, RejectsBareNumberAndNegativeValues) {
  EXPECT_EQ(frequency_error("2000").message,
            "missing unit: expected a frequency with a unit, like \"2GHz\"");
  EXPECT_EQ(frequency_error("-2GHz").message, "frequencies cannot be negative");
}

// --- rotation speeds -------------------------------------------------------------

TEST(ParseRpm, AcceptsLowerAndUpperCase) {
  EXPECT_EQ(parse_rpm("7200rpm"), 7200u);
  EXPECT_EQ(parse_rpm("5400 RPM"), 5400u);
}

TEST(ParseRpm, AcceptsDecimalWithZeroFraction) {
  EXPECT_EQ(parse_rpm("7200.0rpm"), 7200u);
}

TEST(ParseRpm, RejectsFractionalRpm) {
  EXPECT_EQ(rpm_error("7200.5rpm").message,
            "rotation speed 7200.5rpm is not a whole number of rpm");
}

TEST(ParseRpm, RejectsMissingAndUnknownUnits) {
  EXPECT_EQ(rpm_error("7200").message,
            "missing unit: expected a rotation speed with a unit, like \"7200rpm\"");
  const Error e = rpm_error("7200rps");
  EXPECT_EQ(e.message, "unknown rotation speed unit 'rps' (expected rpm)");
  EXPECT_EQ(e.column, 4u);
  EXPECT_EQ(rpm_error("-7200rpm").message, "rotation speeds cannot be negative");
}

// --- formatting --------------------------------------------------------------------

TEST(FormatDuration, UsesNanosecondsBelowOneMicrosecond) {
  EXPECT_EQ(format_duration(0), "0 ns");
  EXPECT_EQ(format_duration(999), "999 ns");
}

TEST(FormatDuration, UsesThreeDecimalsForLargerUnits) {
  EXPECT_EQ(format_duration(1'000), "1.000 us");
  EXPECT_EQ(format_duration(1'500), "1.500 us");
  EXPECT_EQ(format_duration(2'500'000), "2.500 ms");
  EXPECT_EQ(format_duration(3'000'000'000), "3.000 s");
}

TEST(FormatDuration, RoundsToTheNearestThousandth) {
  EXPECT_EQ(format_duration(412'345'678), "412.346 ms");
  EXPECT_EQ(format_duration(412'345'499), "412.345 ms");
}

TEST(FormatDuration, MovesUpAUnitWhenRoundingReachesOneThousand) {
  EXPECT_EQ(format_duration(999'999'600), "1.000 s");
  EXPECT_EQ(format_duration(999'999), "999.999 us");
  EXPECT_EQ(format_duration(999'999'499), "999.999 ms");
}

TEST(FormatDuration, KeepsSecondsForVeryLongDurations) {
  EXPECT_EQ(format_duration(3'600'000'000'000), "3600.000 s");
  EXPECT_EQ(format_duration(std::numeric_limits<std::int64_t>::max()), "9223372036.855 s");
}

TEST(FormatDuration, ShowsASignForNegativeValues) {
  EXPECT_EQ(format_duration(-1'500), "-1.500 us");
  EXPECT_EQ(format_duration(std::numeric_limits<std::int64_t>::min()), "-9223372036.855 s");
}

TEST(FormatSize, UsesBytesBelowOneKibibyte) {
  EXPECT_EQ(format_size(0), "0 B");
  EXPECT_EQ(format_size(512), "512 B");
  EXPECT_EQ(format_size(1023), "1023 B");
}

TEST(FormatSize, UsesTwoDecimalsForBinaryUnits) {
  EXPECT_EQ(format_size(1024), "1.00 KiB");
  EXPECT_EQ(format_size(1536), "1.50 KiB");
  EXPECT_EQ(format_size(1'310'720), "1.25 MiB");
  EXPECT_EQ(format_size(2ULL << 30), "2.00 GiB");
  EXPECT_EQ(format_size(5ULL << 40), "5.00 TiB");
}

TEST(FormatSize, MovesUpAUnitWhenRoundingReachesOneThousandTwentyFour) {
  EXPECT_EQ(format_size((1ULL << 20) - 1), "1.00 MiB");
}

TEST(FormatSize, HandlesTheLargestValue) {
  EXPECT_EQ(format_size(std::numeric_limits<std::uint64_t>::max()), "16.00 EiB");
}

TEST(FormatAndParse, RoundTripThroughTheFormattedText) {
  EXPECT_EQ(parse_duration_ns(format_duration(2'500'000)), 2'500'000);
  EXPECT_EQ(parse_size_bytes(format_size(1536)), 1536u);
}

}  // namespace
}  // namespace iosim::units

namespace iosim::units {
namespace {

TEST(ParseBandwidth, ReadsBitAndByteRatesInBitsPerSecond) {
  EXPECT_EQ(parse_bandwidth_bits("100Mbit/s"), 100'000'000u);
  EXPECT_EQ(parse_bandwidth_bits("1Gbit/s"), 1'000'000'000u);
  EXPECT_EQ(parse_bandwidth_bits("12.5MB/s"), 100'000'000u) << "a byte is 8 bits";
  EXPECT_EQ(parse_bandwidth_bits("1KiB/s"), 8192u);
  EXPECT_EQ(parse_bandwidth_bits("64 kbit/s"), 64'000u);
}

TEST(ParseBandwidth, NamesTheUnitsWhenOneIsUnknown) {
  Error error;
  EXPECT_FALSE(parse_bandwidth_bits("100Mbps", &error));
  EXPECT_NE(error.message.find("unknown bandwidth unit 'Mbps'"), std::string::npos)
      << error.message;
  EXPECT_EQ(error.column, 3u);
  EXPECT_FALSE(parse_bandwidth_bits("100mbit/s", &error));
  EXPECT_NE(error.message.find("did you mean 'Mbit/s'?"), std::string::npos) << error.message;
}

}  // namespace
}  // namespace iosim::units
