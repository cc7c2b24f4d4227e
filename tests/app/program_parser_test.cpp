#include "app/program_parser.h"

#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace iosim {
namespace {

// Checks that `part` occurs in `text`, printing both when it does not.
#define EXPECT_CONTAINS(text, part) EXPECT_PRED_FORMAT2(::testing::IsSubstring, part, text)

// Parses a program that must be valid, failing the test with the errors otherwise.
std::vector<Op> ops_of(std::string_view text) {
  const ParsedProgram parsed = parse_program(text);
  for (const ProgramError& e : parsed.errors) {
    ADD_FAILURE() << "unexpected error at " << e.line << ":" << e.column << ": " << e.message;
  }
  return parsed.program.ops;
}

// Parses a program that must have exactly one error, and returns it.
ProgramError only_error(std::string_view text) {
  const ParsedProgram parsed = parse_program(text);
  std::string all;
  for (const ProgramError& e : parsed.errors) {
    all += std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message + "\n";
  }
  EXPECT_EQ(parsed.errors.size(), 1u) << "for program: " << text << "\nerrors:\n" << all;
  if (parsed.errors.empty()) return {0, 0, "(no error)"};
  return parsed.errors.front();
}

// --- valid programs --------------------------------------------------------------

TEST(ParseProgram, FlattensARealisticProgram) {
  const std::vector<Op> ops = ops_of(
      "# a reader thread\n"
      "repeat 20 {\n"
      "  read 64KiB          # continues where the previous read ended\n"
      "  compute 200us\n"
      "}\n"
      "write 4KiB at lba 100\n"
      "sleep 5ms\n"
      "compute 2000000 cycles\n"
      "yield\n"
      "exit\n");
  ASSERT_EQ(ops.size(), 9u);

  EXPECT_EQ(ops[0].kind, OpKind::kRepeatBegin);
  EXPECT_EQ(ops[0].count, 20u);
  EXPECT_EQ(ops[0].jump, 3u);
  EXPECT_EQ(ops[0].line, 2);
  EXPECT_EQ(ops[0].column, 1);

  EXPECT_EQ(ops[1].kind, OpKind::kRead);
  EXPECT_EQ(ops[1].bytes, 65'536u);
  EXPECT_FALSE(ops[1].lba.has_value());
  EXPECT_EQ(ops[1].line, 3);
  EXPECT_EQ(ops[1].column, 3);

  EXPECT_EQ(ops[2].kind, OpKind::kCompute);
  EXPECT_EQ(ops[2].duration, 200'000);
  EXPECT_EQ(ops[2].cycles, 0u);

  EXPECT_EQ(ops[3].kind, OpKind::kRepeatEnd);
  EXPECT_EQ(ops[3].jump, 0u);
  EXPECT_EQ(ops[3].line, 5);
  EXPECT_EQ(ops[3].column, 1);

  EXPECT_EQ(ops[4].kind, OpKind::kWrite);
  EXPECT_EQ(ops[4].bytes, 4'096u);
  EXPECT_EQ(ops[4].lba, 100u);
  EXPECT_EQ(ops[4].line, 6);

  EXPECT_EQ(ops[5].kind, OpKind::kSleep);
  EXPECT_EQ(ops[5].duration, 5'000'000);

  EXPECT_EQ(ops[6].kind, OpKind::kCompute);
  EXPECT_EQ(ops[6].cycles, 2'000'000u);
  EXPECT_EQ(ops[6].duration, 0);

  EXPECT_EQ(ops[7].kind, OpKind::kYield);
  EXPECT_EQ(ops[8].kind, OpKind::kExit);
  EXPECT_EQ(ops[8].line, 10);
}

TEST(ParseProgram, LinksNestedRepeatBlocks) {
  const std::vector<Op> ops = ops_of(
      "repeat 2 {\n"
      "  repeat 3 {\n"
      "    yield\n"
      "  }\n"
      "  compute 1ms\n"
      "}\n");
  ASSERT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops[0].kind, OpKind::kRepeatBegin);
  EXPECT_EQ(ops[0].jump, 5u);
  EXPECT_EQ(ops[1].kind, OpKind::kRepeatBegin);
  EXPECT_EQ(ops[1].count, 3u);
  EXPECT_EQ(ops[1].jump, 3u);
  EXPECT_EQ(ops[3].kind, OpKind::kRepeatEnd);
  EXPECT_EQ(ops[3].jump, 1u);
  EXPECT_EQ(ops[3].line, 4);
  EXPECT_EQ(ops[3].column, 3);
  EXPECT_EQ(ops[5].kind, OpKind::kRepeatEnd);
  EXPECT_EQ(ops[5].jump, 0u);
}

TEST(ParseProgram, AcceptsASingleLineRepeatWithSemicolons) {
  const std::vector<Op> ops = ops_of("repeat 3 { compute 1ms; yield }");
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[0].kind, OpKind::kRepeatBegin);
  EXPECT_EQ(ops[0].jump, 3u);
  EXPECT_EQ(ops[1].kind, OpKind::kCompute);
  EXPECT_EQ(ops[1].column, 12);
  EXPECT_EQ(ops[2].kind, OpKind::kYield);
  EXPECT_EQ(ops[2].column, 25);
  EXPECT_EQ(ops[3].kind, OpKind::kRepeatEnd);
  EXPECT_EQ(ops[3].column, 31);
}

TEST(ParseProgram, TreatsBracesAndSemicolonsAsTokensWithoutSpaces) {
  const std::vector<Op> ops = ops_of("repeat 2{read 4KiB;write 4KiB}");
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[1].kind, OpKind::kRead);
  EXPECT_EQ(ops[1].column, 10);
  EXPECT_EQ(ops[2].kind, OpKind::kWrite);
  EXPECT_EQ(ops[2].column, 20);
  EXPECT_EQ(ops[3].kind, OpKind::kRepeatEnd);
}

TEST(ParseProgram, IgnoresCommentsBlankLinesAndCarriageReturns) {
  const std::vector<Op> ops = ops_of("\n  # only a comment\r\n\r\nyield# no space before it\r\n\n");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].kind, OpKind::kYield);
  EXPECT_EQ(ops[0].line, 4);
}

TEST(ParseProgram, AcceptsUnderscoreDigitSeparators) {
  const std::vector<Op> ops =
      ops_of("compute 1_000_000 cycles; repeat 1_0 { read 1KiB at lba 1_024 }");
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[0].cycles, 1'000'000u);
  EXPECT_EQ(ops[1].count, 10u);
  EXPECT_EQ(ops[2].lba, 1'024u);
}

TEST(ParseProgram, AcceptsDigitSeparatorsInQuantities) {
  const std::vector<Op> ops = ops_of("compute 1_500us; read 1_024B");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].duration, 1'500'000);
  EXPECT_EQ(ops[1].bytes, 1'024u);
}

TEST(ParseProgram, AcceptsReadAtLbaZero) {
  const std::vector<Op> ops = ops_of("read 512B at lba 0");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].lba, 0u);
}

// --- unknown statements ------------------------------------------------------------

TEST(ParseProgramErrors, SuggestsTheClosestKeywordForATypo) {
  const ProgramError e = only_error("yield\n  compte 5ms\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "unknown statement 'compte': did you mean 'compute'?");
}

TEST(ParseProgramErrors, SuggestsTheLowerCaseKeyword) {
  EXPECT_EQ(only_error("Yield").message, "unknown statement 'Yield': did you mean 'yield'?");
}

TEST(ParseProgramErrors, ListsTheKeywordsByGroupWhenNothingIsClose) {
  EXPECT_EQ(only_error("jump 5").message,
            "unknown statement 'jump' (expected compute, read, write, sleep, fetch, yield, exit, "
            "repeat, print; threads: spawn, join; locks: lock, unlock; semaphores: acquire, "
            "release; conditions: wait, notify, notify_all; variables: add; queues: send, recv; "
            "pools: map; coroutines: gather, create_task, await)");
}

// --- arguments -----------------------------------------------------------------------

TEST(ParseProgramErrors, ReportsAMissingDurationAfterCompute) {
  const ProgramError e = only_error("compute\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 8);  // just after the keyword
  EXPECT_CONTAINS(e.message, "expected a duration like '5ms' after 'compute'");
}

TEST(ParseProgramErrors, IncludesTheUnitParsersMessageForAWrongUnit) {
  const ProgramError e = only_error("compute 5mss");
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message,
            "'5mss' is not a duration: unknown duration unit 'mss' (expected ns, us, ms or s)");
}

TEST(ParseProgramErrors, ReportsAWordThatIsNotADuration) {
  EXPECT_EQ(only_error("sleep forever").message,
            "expected a duration like '5ms' after 'sleep', got 'forever'");
}

TEST(ParseProgramErrors, AsksForAUnitAfterABareNumber) {
  EXPECT_EQ(only_error("sleep 5").message, "'5' needs a unit: expected a duration like '5ms'");
  EXPECT_EQ(only_error("compute 5").message,
            "'5' needs a unit: expected a duration like '5ms' or a cycle count like '5 cycles'");
}

TEST(ParseProgramErrors, ExplainsThatAQuantityIsOneWord) {
  const ProgramError e = only_error("compute 5 ms");
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message, "write the duration as one word: '5ms' instead of '5 ms'");
}

TEST(ParseProgramErrors, RejectsZeroAndNegativeComputeDurations) {
  EXPECT_EQ(only_error("compute 0ms").message, "compute needs a duration > 0, got '0ms'");
  EXPECT_EQ(only_error("compute -5ms").message, "compute needs a duration > 0, got '-5ms'");
}

TEST(ParseProgramErrors, RejectsSleepZero) {
  EXPECT_EQ(only_error("sleep 0s").message, "sleep needs a duration > 0, got '0s'");
}

TEST(ParseProgramErrors, RejectsZeroCycles) {
  const ProgramError e = only_error("compute 0 cycles");
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message, "compute needs a cycle count > 0, got '0 cycles'");
}

TEST(ParseProgramErrors, RejectsACycleCountThatIsNotAWholeNumber) {
  EXPECT_EQ(only_error("compute 1.5 cycles").message,
            "'1.5' is not a cycle count: expected a whole number like 100");
}

TEST(ParseProgramErrors, RejectsZeroSizeTransfers) {
  EXPECT_EQ(only_error("read 0KiB").message, "read needs a size > 0, got '0KiB'");
  EXPECT_EQ(only_error("write 0B").message, "write needs a size > 0, got '0B'");
}

TEST(ParseProgramErrors, ReportsAMissingSize) {
  const ProgramError e = only_error("read; yield");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "expected a size like '64KiB' after 'read'");
}

// "compute; 5ms": one mistake, the ';', reported once and where it is.
TEST(ParseProgramErrors, BlamesAStraySemicolonThatCutsAnArgumentOff) {
  const ProgramError e = only_error("compute; 5ms");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message,
            "unexpected ';' after 'compute': ';' ends a statement, which cuts '5ms' off from it; "
            "remove the ';'");
  EXPECT_EQ(only_error("lock; m").message,
            "unexpected ';' after 'lock': ';' ends a statement, which cuts 'm' off from it; remove "
            "the ';'");
  EXPECT_EQ(only_error("read; yield").message, "expected a size like '64KiB' after 'read'")
      << "a statement after the ';' is one of its own";
}

TEST(ParseProgramErrors, SaysTheDiskIsNotNamed) {
  EXPECT_EQ(only_error("read sdb 4KiB").message,
            "expected a size like '64KiB' after 'read', got 'sdb' (the machine has one disk: "
            "'read SIZE' names no device)");
}

TEST(ParseProgramErrors, IncludesTheUnitParsersMessageForASize) {
  EXPECT_CONTAINS(only_error("read 4kib").message, "'4kib' is not a size: unknown size unit 'kib'");
}

TEST(ParseProgramErrors, RequiresLbaAfterAt) {
  const ProgramError e = only_error("read 4KiB at 100");
  EXPECT_EQ(e.column, 14);
  EXPECT_EQ(e.message, "expected 'lba N' after 'at', like 'at lba 100', got '100'");
  EXPECT_EQ(only_error("write 4KiB at").message, "expected 'lba N' after 'at', like 'at lba 100'");
}

TEST(ParseProgramErrors, RequiresABlockNumberAfterAtLba) {
  const ProgramError e = only_error("read 4KiB at lba");
  EXPECT_EQ(e.column, 17);
  EXPECT_EQ(e.message, "expected a block number after 'at lba', like 'at lba 100'");
  EXPECT_EQ(only_error("read 4KiB at lba x").message,
            "'x' is not a block number: expected a whole number like 100");
}

TEST(ParseProgramErrors, RejectsNumbersThatOverflow) {
  EXPECT_CONTAINS(only_error("read 1KiB at lba 18446744073709551616").message,
                  "block number '18446744073709551616' is too large");
  EXPECT_CONTAINS(only_error("compute 99999999999999999999 cycles").message, "is too large");
}

TEST(ParseProgramErrors, RejectsMisplacedDigitSeparators) {
  EXPECT_CONTAINS(only_error("read 1KiB at lba 1__0").message, "is not a block number");
  EXPECT_CONTAINS(only_error("read 1KiB at lba 10_").message, "is not a block number");
}

// --- trailing junk -------------------------------------------------------------------

TEST(ParseProgramErrors, ReportsJunkAfterACompleteStatement) {
  const ProgramError e = only_error("yield foo");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "unexpected 'foo' after 'yield': expected the end of the statement");
}

TEST(ParseProgramErrors, QuotesTheWholeStatementBeforeTheJunk) {
  EXPECT_EQ(only_error("compute 5ms now").message,
            "unexpected 'now' after 'compute 5ms': expected the end of the statement, 'mem=P%' or "
            "'nogil'");
}

TEST(ParseProgramErrors, MentionsAtLbaForJunkAfterATransfer) {
  EXPECT_EQ(only_error("read 4KiB lba 100").message,
            "unexpected 'lba' after 'read 4KiB': expected the end of the statement or "
            "'at lba N'");
}

// --- repeat blocks ---------------------------------------------------------------------

TEST(ParseProgramErrors, ReportsAMissingRepeatCount) {
  const ProgramError e = only_error("repeat {\n  yield\n}");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "expected a repeat count after 'repeat', like 'repeat 10 {'");
}

TEST(ParseProgramErrors, RejectsARepeatCountThatIsNotAPositiveWholeNumber) {
  EXPECT_EQ(only_error("repeat -3 { yield }").message,
            "repeat count must be a positive whole number, got '-3'");
  EXPECT_EQ(only_error("repeat many { yield }").message,
            "repeat count must be a positive whole number, got 'many'");
}

// A repeat costs only a counter, but 10^12 of them is a typo, not a plan.
TEST(ParseProgramErrors, CapsTheRepeatCountAtOneBillion) {
  const ParsedProgram most = parse_program("repeat 1_000_000_000 { yield }");
  ASSERT_TRUE(most.errors.empty()) << most.errors[0].message;
  EXPECT_EQ(most.program.ops[0].count, 1'000'000'000u);
  const ProgramError e = only_error("repeat 1000000000000 { yield }");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "repeat count '1000000000000' is too large: at most 1000000000");
  EXPECT_EQ(only_error("repeat 99999999999999999999999 { yield }").message,
            "repeat count '99999999999999999999999' is too large: at most 1000000000");
}

TEST(ParseProgramErrors, RejectsRepeatZero) {
  const ProgramError e = only_error("repeat 0 { yield }");
  EXPECT_EQ(e.column, 8);
  EXPECT_EQ(e.message, "repeat count must be at least 1, got '0'");
}

TEST(ParseProgramErrors, ReportsAMissingOpenBrace) {
  const ProgramError e = only_error("repeat 3\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message, "expected '{' after 'repeat 3' to start the block");
  EXPECT_EQ(only_error("repeat 3 yield").message, "expected '{' after 'repeat 3', got 'yield'");
}

TEST(ParseProgramErrors, ReportsAnOpenBraceOnTheNextLineOnce) {
  const ProgramError e = only_error("repeat 3\n{\n  yield\n}\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "'{' must be on the same line as 'repeat 3'");
}

TEST(ParseProgramErrors, RejectsAnEmptyRepeatBlock) {
  const ProgramError e = only_error("yield\nrepeat 2 {\n}\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message, "empty repeat block: put at least one statement between '{' and '}'");
}

TEST(ParseProgramErrors, RejectsAnUnmatchedCloseBrace) {
  const ProgramError e = only_error("yield\n  }\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "unexpected '}': no open repeat block");
}

TEST(ParseProgramErrors, ReportsAnUnclosedBlockAtItsRepeat) {
  const ProgramError e = only_error("yield\n  repeat 2 {\n    yield\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "repeat block opened here is never closed: expected '}'");
}

TEST(ParseProgramErrors, RejectsAStrayOpenBrace) {
  const ProgramError e = only_error("yield\n{ yield }\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.message, "unexpected '{': a block can only start after 'repeat N'");
}

TEST(ParseProgramErrors, DoesNotCascadeFromABadRepeatCount) {
  // The block still opens, so its '}' is not reported as unmatched.
  const ParsedProgram parsed = parse_program("repeat x {\n  yield\n}\nexit\n");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].line, 1);
}

TEST(ParseProgramErrors, DoesNotCascadeFromAMistypedRepeat) {
  const ParsedProgram parsed = parse_program("repaet 3 {\n  yield\n}\n");
  ASSERT_EQ(parsed.errors.size(), 1u);
  EXPECT_EQ(parsed.errors[0].message, "unknown statement 'repaet': did you mean 'repeat'?");
}

TEST(ParseProgramErrors, CountsABadStatementAsBlockContent) {
  // One error for the typo, none for an "empty" block.
  EXPECT_EQ(only_error("repeat 2 { yeld }").message,
            "unknown statement 'yeld': did you mean 'yield'?");
}

// --- empty programs and error collection -------------------------------------------------

TEST(ParseProgramErrors, RejectsAnEmptyProgram) {
  for (std::string_view text : {"", "   \n\n", " ; ;"}) {
    const ProgramError e = only_error(text);
    EXPECT_EQ(e.line, 1);
    EXPECT_EQ(e.column, 1);
    EXPECT_EQ(e.message, "empty program: expected at least one statement such as 'compute 5ms'");
  }
}

// A program of comments was probably meant to have statements: say why it is empty.
TEST(ParseProgramErrors, SaysAProgramOfCommentsHasOnlyComments) {
  const ProgramError e = only_error("# TODO\n  # later\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 1);
  EXPECT_EQ(e.message,
            "empty program (it has only comments): expected at least one statement such as "
            "'compute 5ms'");
}

TEST(ParseProgramErrors, CollectsEveryErrorInOrder) {
  const ParsedProgram parsed = parse_program(
      "compute 5mss\n"
      "yield\n"
      "read 0KiB\n");
  ASSERT_EQ(parsed.errors.size(), 2u);
  EXPECT_EQ(parsed.errors[0].line, 1);
  EXPECT_EQ(parsed.errors[0].column, 9);
  EXPECT_EQ(parsed.errors[1].line, 3);
  EXPECT_EQ(parsed.errors[1].column, 6);
}

TEST(ParseProgramErrors, SortsErrorsByPositionEvenWhenFoundLater) {
  const ParsedProgram parsed = parse_program("repeat 2 {\n  yield\nfoo\n");
  ASSERT_EQ(parsed.errors.size(), 2u);
  EXPECT_CONTAINS(parsed.errors[0].message, "never closed");
  EXPECT_EQ(parsed.errors[0].line, 1);
  EXPECT_CONTAINS(parsed.errors[1].message, "unknown statement 'foo'");
  EXPECT_EQ(parsed.errors[1].line, 3);
}

TEST(ParseProgramErrors, ReturnsNoOpsWhenThereAreErrors) {
  const ParsedProgram parsed = parse_program("yield\nrepeat 2 {\n  yield\n");
  EXPECT_FALSE(parsed.errors.empty());
  EXPECT_TRUE(parsed.program.ops.empty());
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

TEST(ParseProgramMemoryShare, ComputeTakesAShareOfMemoryTraffic) {
  ParsedProgram p = parse_program("compute 2ms mem=40%\ncompute 1000 cycles mem=12.5%");
  ASSERT_TRUE(p.errors.empty()) << p.errors.front().message;
  ASSERT_EQ(p.program.ops.size(), 2u);
  EXPECT_DOUBLE_EQ(p.program.ops[0].mem_share, 0.40);
  EXPECT_EQ(p.program.ops[0].duration, 2'000'000);
  EXPECT_DOUBLE_EQ(p.program.ops[1].mem_share, 0.125);
  EXPECT_EQ(p.program.ops[1].cycles, 1000u);
}

TEST(ParseProgramMemoryShare, RejectsSharesOutsideZeroToHundredPercent) {
  for (const char* bad : {"compute 1ms mem=140%", "compute 1ms mem=40", "compute 1ms mem=-5%",
                          "compute 1ms mem=abc%", "compute 1ms memory"}) {
    ParsedProgram p = parse_program(bad);
    ASSERT_EQ(p.errors.size(), 1u) << bad;
    EXPECT_EQ(p.errors[0].column, 13) << bad;
    EXPECT_NE(p.errors[0].message.find("expected 'mem=P%' with P from 0 to 100"), std::string::npos)
        << p.errors[0].message;
  }
}

TEST(ParseProgramFetch, FetchReceivesAResponseAndSendsADefaultRequest) {
  ParsedProgram p = parse_program("fetch 64KiB\nfetch 1MiB send 4KiB");
  ASSERT_TRUE(p.errors.empty()) << p.errors.front().message;
  ASSERT_EQ(p.program.ops.size(), 2u);
  EXPECT_EQ(p.program.ops[0].kind, OpKind::kFetch);
  EXPECT_EQ(p.program.ops[0].bytes, 64u * 1024);
  EXPECT_EQ(p.program.ops[0].send_bytes, 256u) << "about an HTTP GET";
  EXPECT_EQ(p.program.ops[1].bytes, 1024u * 1024);
  EXPECT_EQ(p.program.ops[1].send_bytes, 4096u);
}

TEST(ParseProgramFetch, FetchNeedsAResponseSizeAndSendASize) {
  ParsedProgram missing = parse_program("fetch");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors[0].message.find("expected a size like '64KiB' after 'fetch'"),
            std::string::npos)
      << missing.errors[0].message;
  ParsedProgram bad_send = parse_program("fetch 1KiB send lots");
  ASSERT_EQ(bad_send.errors.size(), 1u);
  EXPECT_EQ(bad_send.errors[0].column, 17);
}

}  // namespace
}  // namespace iosim

namespace iosim {
namespace {

// The one op of a one-statement program that must be valid.
Op only_op(std::string_view text) {
  const std::vector<Op> ops = ops_of(text);
  EXPECT_EQ(ops.size(), 1u) << "for program: " << text;
  return ops.empty() ? Op{} : ops.front();
}

// --- compute ... nogil -------------------------------------------------------------

TEST(ParseProgramNogil, MarksAComputeThatReleasesTheGil) {
  EXPECT_TRUE(only_op("compute 2ms nogil").nogil);
  EXPECT_FALSE(only_op("compute 2ms").nogil) << "holding the GIL is the default";
}

TEST(ParseProgramNogil, TakesNogilAndMemInEitherOrder) {
  const std::vector<Op> ops =
      ops_of("compute 2ms mem=40% nogil\ncompute 1000 cycles nogil mem=10%");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_TRUE(ops[0].nogil);
  EXPECT_DOUBLE_EQ(ops[0].mem_share, 0.40);
  EXPECT_EQ(ops[0].duration, 2'000'000);
  EXPECT_TRUE(ops[1].nogil);
  EXPECT_DOUBLE_EQ(ops[1].mem_share, 0.10);
  EXPECT_EQ(ops[1].cycles, 1000u);
}

TEST(ParseProgramNogil, HintsAtTheOptionsNotGivenYet) {
  EXPECT_EQ(only_error("compute 5ms nogil now").message,
            "unexpected 'now' after 'compute 5ms nogil': expected the end of the statement or "
            "'mem=P%'");
  EXPECT_EQ(only_error("compute 5ms mem=4% now").message,
            "unexpected 'now' after 'compute 5ms mem=4%': expected the end of the statement or "
            "'nogil'");
  EXPECT_EQ(only_error("compute 5ms mem=4% nogil now").message,
            "unexpected 'now' after 'compute 5ms mem=4% nogil': expected the end of the statement");
}

TEST(ParseProgramNogil, RejectsNogilTwice) {
  const ProgramError e = only_error("compute 5ms nogil nogil");
  EXPECT_EQ(e.column, 19);
  EXPECT_EQ(e.message,
            "unexpected 'nogil' after 'compute 5ms nogil': expected the end of the statement or "
            "'mem=P%'");
}

TEST(ParseProgramNogil, SuggestsNogilForATypo) {
  const ProgramError e = only_error("compute 5ms nogl");
  EXPECT_EQ(e.column, 13);
  EXPECT_EQ(e.message, "unexpected 'nogl' after 'compute 5ms': did you mean 'nogil'?");
}

// --- print -------------------------------------------------------------------------

TEST(ParseProgramPrint, JoinsTheWordsWithSingleSpaces) {
  const Op op = only_op("  print   loaded\tthe   file  ");
  EXPECT_EQ(op.kind, OpKind::kPrint);
  EXPECT_EQ(op.text, "loaded the file");
  EXPECT_EQ(op.column, 3);
}

TEST(ParseProgramPrint, StopsAtACommentAndAtASemicolon) {
  const std::vector<Op> ops = ops_of("print done # not printed\nprint a;yield\n");
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].text, "done");
  EXPECT_EQ(ops[1].text, "a");
  EXPECT_EQ(ops[2].kind, OpKind::kYield);
}

TEST(ParseProgramPrint, EndsAtTheCloseBraceOfASingleLineRepeat) {
  const std::vector<Op> ops = ops_of("repeat 2 { print tick }");
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[1].kind, OpKind::kPrint);
  EXPECT_EQ(ops[1].text, "tick");
  EXPECT_EQ(ops[2].kind, OpKind::kRepeatEnd);
}

TEST(ParseProgramPrint, NeedsSomeText) {
  const ProgramError e = only_error("print\nyield");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.message, "expected the text to print after 'print', like 'print loaded the file'");
  EXPECT_EQ(only_error("print # a comment is not text").column, 6);
}

TEST(ParseProgramPrint, RejectsBracesInTheTextOnce) {
  // One error: the braces are skipped as text, not opened as a block.
  const ProgramError e = only_error("print value {x}\nyield");
  EXPECT_EQ(e.column, 13);
  EXPECT_EQ(e.message,
            "unexpected '{' after 'print value': '{' and '}' cannot be part of the text");
  EXPECT_EQ(only_error("repeat 2 { print {x} y }").column, 18)
      << "the last '}' still closes the repeat block";
}

// --- statements naming one thing ----------------------------------------------------

struct NamedCase {
  std::string_view text;
  OpKind kind;
  std::string_view name;
};

TEST(ParseProgramNames, ParsesEveryStatementThatNamesOneThing) {
  const NamedCase cases[] = {
      {"spawn worker", OpKind::kSpawn, "worker"},
      {"join worker", OpKind::kJoin, "worker"},
      {"lock m", OpKind::kLock, "m"},
      {"unlock m", OpKind::kUnlock, "m"},
      {"acquire slots", OpKind::kAcquire, "slots"},
      {"release slots", OpKind::kRelease, "slots"},
      {"wait ready", OpKind::kWait, "ready"},
      {"notify ready", OpKind::kNotify, "ready"},
      {"notify_all ready", OpKind::kNotifyAll, "ready"},
      {"recv jobs", OpKind::kRecv, "jobs"},
      {"create_task download", OpKind::kCreateTask, "download"},
  };
  for (const NamedCase& c : cases) {
    const Op op = only_op(c.text);
    EXPECT_EQ(op.kind, c.kind) << c.text;
    EXPECT_EQ(op.name, c.name) << c.text;
    EXPECT_EQ(op.ref.kind, RefKind::kNone)
        << c.text << ": the loader resolves names, not the parser";
  }
}

TEST(ParseProgramNames, AcceptsLettersDigitsUnderscoresDashesAndDots) {
  EXPECT_EQ(only_op("lock _io.lock-2").name, "_io.lock-2");
  EXPECT_EQ(only_op("join Worker9").name, "Worker9");
}

TEST(ParseProgramNames, ReportsAMissingName) {
  const ProgramError e = only_error("lock\n");
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "expected a name like 'm' after 'lock'");
  EXPECT_EQ(only_error("spawn; yield").message, "expected a name like 'worker' after 'spawn'");
  EXPECT_EQ(only_error("notify_all").message, "expected a name like 'ready' after 'notify_all'");
}

TEST(ParseProgramNames, RejectsANameWithABracket) {
  const ProgramError e = only_error("spawn worker[0]");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message,
            "expected a name like 'worker' after 'spawn', got 'worker[0]': a name is letters, "
            "digits, '_', '-' and '.', starting with a letter or '_'");
}

TEST(ParseProgramNames, RejectsANameStartingWithADigitInEveryNamingStatement) {
  for (std::string_view text :
       {"spawn 2x", "join 2x", "lock 2x", "unlock 2x", "acquire 2x", "release 2x", "wait 2x",
        "notify 2x", "notify_all 2x", "recv 2x", "create_task 2x", "add 2x", "send 2x 1KiB",
        "map 2x 3", "gather 2x", "await run_in_executor 2x"}) {
    const ProgramError e = only_error(text);
    EXPECT_EQ(e.column, static_cast<int>(text.find("2x")) + 1) << text;
    EXPECT_CONTAINS(e.message, "got '2x': a name is letters");
  }
}

TEST(ParseProgramNames, RejectsJunkAfterTheName) {
  EXPECT_EQ(only_error("unlock m now").message,
            "unexpected 'now' after 'unlock m': expected the end of the statement");
}

// --- add -----------------------------------------------------------------------------

TEST(ParseProgramAdd, AddsOneByDefault) {
  const Op op = only_op("add counter");
  EXPECT_EQ(op.kind, OpKind::kAdd);
  EXPECT_EQ(op.name, "counter");
  EXPECT_EQ(op.amount, 1);
  EXPECT_FALSE(op.atomic);
}

TEST(ParseProgramAdd, TakesASignedAmountAndAtomic) {
  const Op op = only_op("add counter -1 atomic");
  EXPECT_EQ(op.amount, -1);
  EXPECT_TRUE(op.atomic);
  EXPECT_EQ(only_op("add counter 1_000").amount, 1000);
  EXPECT_EQ(only_op("add counter +5").amount, 5);
  EXPECT_TRUE(only_op("add counter atomic").atomic);
  EXPECT_EQ(only_op("add counter atomic").amount, 1);
}

TEST(ParseProgramAdd, AcceptsTheWholeInt64Range) {
  EXPECT_EQ(only_op("add c -9223372036854775808").amount, std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(only_op("add c 9223372036854775807").amount, std::numeric_limits<std::int64_t>::max());
}

TEST(ParseProgramAdd, RejectsAmountsOutsideInt64) {
  for (std::string_view amount :
       {"9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
    const ProgramError e = only_error(fmt::format("add c {}", amount));
    EXPECT_EQ(e.column, 7) << amount;
    EXPECT_EQ(e.message, fmt::format("amount '{}' is out of range: expected a whole number from "
                                     "-9223372036854775808 to 9223372036854775807",
                                     amount));
  }
}

TEST(ParseProgramAdd, RejectsAnAmountThatIsNotAWholeNumber) {
  const ProgramError e = only_error("add counter 1.5");
  EXPECT_EQ(e.column, 13);
  EXPECT_EQ(e.message, "'1.5' is not an amount: expected a whole number like 5 or -1");
  EXPECT_EQ(only_error("add counter -").message,
            "'-' is not an amount: expected a whole number like 5 or -1");
}

TEST(ParseProgramAdd, HintsAtTheAmountAndAtomic) {
  EXPECT_EQ(only_error("add counter twice").message,
            "unexpected 'twice' after 'add counter': expected the end of the statement, an amount "
            "like '5' or 'atomic'");
  EXPECT_EQ(only_error("add counter 2 twice").message,
            "unexpected 'twice' after 'add counter 2': expected the end of the statement or "
            "'atomic'");
  EXPECT_EQ(only_error("add counter atomic 5").message,
            "unexpected '5' after 'add counter atomic': expected the end of the statement (an "
            "amount goes before 'atomic', like 'add counter 5 atomic')");
}

TEST(ParseProgramAdd, SuggestsAtomicForATypo) {
  const ProgramError e = only_error("add counter 1 atomc");
  EXPECT_EQ(e.column, 15);
  EXPECT_EQ(e.message, "unexpected 'atomc' after 'add counter 1': did you mean 'atomic'?");
}

TEST(ParseProgramAdd, ReportsAMissingName) {
  EXPECT_EQ(only_error("add").message, "expected a name like 'counter' after 'add'");
}

// --- send, map, gather -----------------------------------------------------------------

TEST(ParseProgramQueues, SendTakesAQueueAndAMessageSize) {
  const Op op = only_op("send jobs 4KiB");
  EXPECT_EQ(op.kind, OpKind::kSend);
  EXPECT_EQ(op.name, "jobs");
  EXPECT_EQ(op.bytes, 4096u);
}

TEST(ParseProgramQueues, SendNeedsASizeAfterTheName) {
  const ProgramError missing = only_error("send jobs\n");
  EXPECT_EQ(missing.column, 10);
  EXPECT_EQ(missing.message, "expected a size like '64KiB' after 'send jobs'");
  EXPECT_EQ(only_error("send jobs 0B").message, "send needs a size > 0, got '0B'");
  EXPECT_EQ(only_error("send jobs lots").message,
            "expected a size like '64KiB' after 'send jobs', got 'lots'");
}

TEST(ParseProgramQueues, SendWithoutANameSaysWhatANameIs) {
  EXPECT_EQ(only_error("send 4KiB").message,
            "expected a name like 'jobs' after 'send', got '4KiB': a name is letters, digits, "
            "'_', '-' and '.', starting with a letter or '_'");
}

TEST(ParseProgramPools, MapTakesAPoolAndAWorkItemCount) {
  const Op op = only_op("map pool 1_000");
  EXPECT_EQ(op.kind, OpKind::kMap);
  EXPECT_EQ(op.name, "pool");
  EXPECT_EQ(op.count, 1000u);
}

TEST(ParseProgramPools, MapNeedsAPositiveWholeCount) {
  const ProgramError missing = only_error("map pool");
  EXPECT_EQ(missing.column, 9);
  EXPECT_EQ(missing.message, "expected a work item count after 'map pool', like 'map pool 10'");
  const ProgramError zero = only_error("map pool 0");
  EXPECT_EQ(zero.column, 10);
  EXPECT_EQ(zero.message, "map needs a work item count > 0, got '0'");
  EXPECT_EQ(only_error("map pool many").message,
            "'many' is not a work item count: expected a whole number like 100");
}

// Every item of a map (every task of a gather) is created at once.
TEST(ParseProgramPools, MapAndGatherStartAtMostOneHundredThousand) {
  EXPECT_EQ(only_op("map pool 100_000").count, 100'000u);
  const ProgramError map = only_error("map pool 100001");
  EXPECT_EQ(map.column, 10);
  EXPECT_EQ(
      map.message,
      "work item count '100001' is too large: 'map' starts at most 100000 work items at once");
  EXPECT_EQ(only_error("gather download 99999999999999999999999").message,
            "task count '99999999999999999999999' is too large: 'gather' starts at most 100000 "
            "tasks at once");
}

TEST(ParseProgramCoroutines, GatherRunsOneInstanceByDefault) {
  const Op one = only_op("gather download");
  EXPECT_EQ(one.kind, OpKind::kGather);
  EXPECT_EQ(one.name, "download");
  EXPECT_EQ(one.count, 1u);
  EXPECT_FALSE(one.await);
  EXPECT_EQ(only_op("gather download 10").count, 10u);
}

TEST(ParseProgramCoroutines, GatherRejectsZeroAndJunk) {
  const ProgramError zero = only_error("gather download 0");
  EXPECT_EQ(zero.column, 17);
  EXPECT_EQ(zero.message, "gather needs a task count > 0, got '0'");
  EXPECT_EQ(only_error("gather download all").message,
            "unexpected 'all' after 'gather download': expected the end of the statement or a "
            "task count like '10'");
}

// --- await ---------------------------------------------------------------------------

TEST(ParseProgramAwait, AwaitedIoIsTheSameOpMarkedAwait) {
  const std::vector<Op> ops = ops_of(
      "await sleep 5ms\n"
      "  await read 4KiB at lba 8\n"
      "await write 1KiB\n"
      "await fetch 64KiB send 1KiB\n");
  ASSERT_EQ(ops.size(), 4u);
  EXPECT_EQ(ops[0].kind, OpKind::kSleep);
  EXPECT_EQ(ops[0].duration, 5'000'000);
  EXPECT_EQ(ops[1].kind, OpKind::kRead);
  EXPECT_EQ(ops[1].bytes, 4096u);
  EXPECT_EQ(ops[1].lba, 8u);
  EXPECT_EQ(ops[1].line, 2);
  EXPECT_EQ(ops[1].column, 3) << "an awaited step is positioned at its 'await'";
  EXPECT_EQ(ops[2].kind, OpKind::kWrite);
  EXPECT_FALSE(ops[2].lba.has_value());
  EXPECT_EQ(ops[3].kind, OpKind::kFetch);
  EXPECT_EQ(ops[3].bytes, 65'536u);
  EXPECT_EQ(ops[3].send_bytes, 1024u);
  for (const Op& op : ops)
    EXPECT_TRUE(op.await) << "op on line " << op.line;
}

TEST(ParseProgramAwait, IoWithoutAwaitIsNotAwaited) {
  for (const Op& op : ops_of("sleep 5ms; read 4KiB; write 4KiB; fetch 1KiB")) {
    EXPECT_FALSE(op.await) << "op at column " << op.column;
  }
}

TEST(ParseProgramAwait, AwaitGatherIsAPlainGather) {
  const Op op = only_op("await gather download 3");
  EXPECT_EQ(op.kind, OpKind::kGather);
  EXPECT_EQ(op.name, "download");
  EXPECT_EQ(op.count, 3u);
  EXPECT_FALSE(op.await);
  EXPECT_EQ(op.column, 1);
}

TEST(ParseProgramAwait, RunInExecutorNamesAPool) {
  const Op op = only_op("await run_in_executor pool");
  EXPECT_EQ(op.kind, OpKind::kRunInExecutor);
  EXPECT_EQ(op.name, "pool");
  EXPECT_EQ(only_error("await run_in_executor").message,
            "expected a name like 'pool' after 'await run_in_executor'");
}

TEST(ParseProgramAwait, AnyOtherNameIsACoroutine) {
  const Op op = only_op("await download");
  EXPECT_EQ(op.kind, OpKind::kAwaitTask);
  EXPECT_EQ(op.name, "download");
}

TEST(ParseProgramAwait, NeedsSomethingToWaitFor) {
  const ProgramError e = only_error("await\n");
  EXPECT_EQ(e.column, 6);
  EXPECT_EQ(e.message,
            "'await' needs something to wait for: sleep, read, write, fetch, gather, "
            "run_in_executor or a coroutine name");
}

TEST(ParseProgramAwait, RejectsStatementsThatCannotBeAwaited) {
  for (std::string_view word : {"compute", "yield", "exit", "print", "lock", "await"}) {
    const ProgramError e = only_error(fmt::format("await {} x", word));
    EXPECT_EQ(e.column, 7) << word;
    EXPECT_EQ(e.message, fmt::format("'await' needs something to wait for: sleep, read, write, "
                                     "fetch, gather, run_in_executor or a coroutine name, got '{}'",
                                     word));
  }
}

TEST(ParseProgramAwait, RejectsAWordThatIsNotAName) {
  EXPECT_EQ(only_error("await 5ms").message,
            "'await' needs something to wait for: sleep, read, write, fetch, gather, "
            "run_in_executor or a coroutine name, got '5ms'");
}

TEST(ParseProgramAwait, SuggestsTheAwaitableForATypoFollowedByArguments) {
  const ProgramError e = only_error("await slep 5ms");
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message, "unknown 'await slep': did you mean 'await sleep'?");
}

TEST(ParseProgramAwait, ReportsArgumentErrorsAfterTheWholeAwait) {
  const ProgramError e = only_error("await sleep");
  EXPECT_EQ(e.column, 12);
  EXPECT_EQ(e.message, "expected a duration like '5ms' after 'await sleep'");
  EXPECT_EQ(only_error("await read 4KiB lba 1").message,
            "unexpected 'lba' after 'await read 4KiB': expected the end of the statement or 'at "
            "lba N'");
  EXPECT_EQ(only_error("await download now").message,
            "unexpected 'now' after 'await download': expected the end of the statement");
}

// --- keywords -------------------------------------------------------------------------

TEST(ParseProgramKeywords, SuggestsTheNewStatementsForTypos) {
  EXPECT_EQ(only_error("lok m").message, "unknown statement 'lok': did you mean 'lock'?");
  EXPECT_EQ(only_error("notfy_all c").message,
            "unknown statement 'notfy_all': did you mean 'notify_all'?");
  EXPECT_EQ(only_error("awiat download").message,
            "unknown statement 'awiat': did you mean 'await'?");
  EXPECT_EQ(only_error("Spawn w").message, "unknown statement 'Spawn': did you mean 'spawn'?");
  EXPECT_EQ(only_error("prnt hi").message, "unknown statement 'prnt': did you mean 'print'?");
}

TEST(ParseProgramKeywords, RunInExecutorNeedsAwait) {
  EXPECT_EQ(only_error("run_in_executor pool").message,
            "unknown statement 'run_in_executor': did you mean 'await run_in_executor'?");
}

TEST(ParseProgramKeywords, SuggestsSendForATypoInAFetch) {
  EXPECT_EQ(only_error("fetch 1KiB sned 4KiB").message,
            "unexpected 'sned' after 'fetch 1KiB': did you mean 'send'?");
}

// --- a whole program ------------------------------------------------------------------

TEST(ParseProgram, FlattensAProgramMixingTheNewStatements) {
  const std::vector<Op> ops = ops_of(
      "spawn worker\n"
      "repeat 3 {\n"
      "  lock m; add counter; unlock m\n"
      "  send jobs 1KiB\n"
      "}\n"
      "join worker  # wait for it\n"
      "print all done\n");
  const OpKind expected[] = {OpKind::kSpawn,     OpKind::kRepeatBegin, OpKind::kLock,
                             OpKind::kAdd,       OpKind::kUnlock,      OpKind::kSend,
                             OpKind::kRepeatEnd, OpKind::kJoin,        OpKind::kPrint};
  ASSERT_EQ(ops.size(), std::size(expected));
  for (std::size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].kind, expected[i]) << "op " << i;
  }
  EXPECT_EQ(ops[1].jump, 6u);
  EXPECT_EQ(ops[3].line, 3);
  EXPECT_EQ(ops[3].column, 11);
  EXPECT_EQ(ops[8].text, "all done");
}

TEST(ParseProgramErrors, CollectsErrorsFromNewStatementsInOrder) {
  const ParsedProgram parsed = parse_program("lock\nawait\nmap pool 0\n");
  ASSERT_EQ(parsed.errors.size(), 3u);
  EXPECT_EQ(parsed.errors[0].line, 1);
  EXPECT_EQ(parsed.errors[1].line, 2);
  EXPECT_EQ(parsed.errors[2].line, 3);
  EXPECT_EQ(parsed.errors[2].column, 10);
}

}  // namespace
}  // namespace iosim
