// Builds scenarios in code for kernel and platform tests: a default machine
// plus threads whose programs are written in the program notation.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "app/platform.h"
#include "app/program_parser.h"
#include "app/scenario.h"
#include "app/scenario_loader.h"
#include "app/simulation.h"
#include "support/child_process.h"

namespace iosim::testing {

// One process "p" holding the given threads: {name, program text}.
inline Scenario scenario_with(const std::vector<std::pair<std::string, std::string>>& threads) {
  Scenario s;
  s.name = s.source = "test";
  ProcessSpec process;
  process.name = "p";
  for (const auto& [name, text] : threads) {
    ParsedProgram parsed = parse_program(text);
    EXPECT_TRUE(parsed.errors.empty()) << name << ": " << parsed.errors.front().message;
    ThreadSpec& thread = process.threads.emplace_back();
    thread.name = name;
    thread.program = parsed.program;
  }
  s.workload.processes.push_back(std::move(process));
  return s;
}

// A scenario written in TOML (every feature of the format, names resolved).
inline Scenario scenario_from_toml(const std::string& text) {
  LoadResult loaded = load_scenario_text(text, "test.toml", {});
  std::string errors;
  for (const Diagnostic& d : loaded.errors)
    errors += d.format() + "\n";
  EXPECT_TRUE(loaded.scenario) << errors;
  return loaded.scenario ? *loaded.scenario : Scenario{};
}

// Runs `s` to completion in a child process (one elaboration per process)
// and hands the platform, with its kernel's slice log, to `check`.
template <typename Check>
void run_to_completion(const Scenario& s, Check check) {
  EXPECT_CHILD_PASSES([&] {
    set_time_resolution();
    Platform platform(s, /*record_schedule=*/true);
    ASSERT_EQ(simulate(platform), RunEnd::kCompleted);
    check(platform);
  });
}

// Runs `s` in a child process until it ends the way `expected` says.
template <typename Check>
void run_until(const Scenario& s, RunEnd expected, Check check) {
  EXPECT_CHILD_PASSES([&] {
    set_time_resolution();
    Platform platform(s, /*record_schedule=*/true);
    ASSERT_EQ(run_end_name(simulate(platform)), std::string(run_end_name(expected)));
    check(platform);
  });
}

inline const Thread& thread_named(Platform& platform, const std::string& name) {
  for (const auto& t : platform.kernel().threads())
    if (t->name == name) return *t;
  throw std::runtime_error("no thread " + name);
}

}  // namespace iosim::testing
