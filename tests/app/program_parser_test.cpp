#include "app/program_parser.h"

#include <string>
#include <vector>

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

TEST(ParseProgramErrors, ListsTheKeywordsWhenNothingIsClose) {
  EXPECT_EQ(only_error("jump 5").message,
            "unknown statement 'jump' (expected compute, read, write, sleep, fetch, yield, exit "
            "or repeat)");
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
            "unexpected 'now' after 'compute 5ms': expected the end of the statement or 'mem=P%'");
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
  for (std::string_view text : {"", "   \n\n", "# just a comment\n", " ; ;"}) {
    const ProgramError e = only_error(text);
    EXPECT_EQ(e.line, 1);
    EXPECT_EQ(e.column, 1);
    EXPECT_EQ(e.message, "empty program: expected at least one statement such as 'compute 5ms'");
  }
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
