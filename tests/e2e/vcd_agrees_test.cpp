// The waveform and the report tell the same story: a small VCD reader
// replays the trace and checks it against the JSON report of the same run.
#include <gtest/gtest.h>

#include <unistd.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/run_iosim.h"

namespace iosim::testing {
namespace {

// Every signal's changes, by "scope.name": (time, value) in file order.
using Changes = std::map<std::string, std::vector<std::pair<std::int64_t, std::uint64_t>>>;

Changes read_vcd(const std::string& text) {
  std::istringstream in(text);
  std::map<std::string, std::string> name_of;  // code -> scope.name
  std::string scope, word;
  Changes out;
  std::int64_t now = 0;
  while (in >> word) {
    if (word == "$scope") {
      in >> word >> scope;
    } else if (word == "$var") {
      std::string type, width, code, name;
      in >> type >> width >> code >> name;
      name_of[code] = scope + "." + name;
    } else if (word[0] == '#') {
      now = std::stoll(word.substr(1));
    } else if (word[0] == 'b') {
      std::string code;
      in >> code;
      out[name_of.at(code)].emplace_back(now, std::stoull(word.substr(1), nullptr, 2));
    } else if ((word[0] == '0' || word[0] == '1') && name_of.count(word.substr(1))) {
      out[name_of.at(word.substr(1))].emplace_back(now, word[0] == '1' ? 1 : 0);
    } else if (word == "$comment") {
      while (in >> word && word != "$end") {
      }
    }
  }
  return out;
}

// Time a signal spent at a value other than `rest`, up to `end`.
std::int64_t time_not_at(const std::vector<std::pair<std::int64_t, std::uint64_t>>& changes,
                         std::uint64_t rest, std::int64_t end) {
  std::int64_t total = 0, since = 0;
  std::uint64_t value = rest;
  for (const auto& [at, v] : changes) {
    if (value != rest) total += at - since;
    since = at;
    value = v;
  }
  if (value != rest) total += end - since;
  return total;
}

TEST(VcdAgreesWithTheReport, EachCoresBusyTimeAndEachInterruptLine) {
  const std::string vcd = "/tmp/iosim-agree-" + std::to_string(getpid()) + ".vcd";
  auto r = run_iosim("run --quiet --json --no-gtkw --vcd " + vcd + " " +
                     workload("examples/kernel-tour.toml"));
  ASSERT_EQ(r.status, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  const Changes changes = read_vcd(read_file(vcd));
  const std::int64_t end = report["sim_time_ns"];
  for (const auto& core : report["cores"]) {
    const std::string signal = "cores.core" + std::to_string(core["id"].get<int>()) + "_state";
    ASSERT_TRUE(changes.count(signal)) << signal;
    EXPECT_EQ(time_not_at(changes.at(signal), 0, end), core["busy_ns"].get<std::int64_t>())
        << signal << ": busy (user, kernel or irq) in the waveform vs busy_ns in the report";
  }
  for (const auto& [line, counts] : report["interrupt_lines"].items()) {
    if (counts["raised"].get<int>() == 0) continue;
    const auto& edges = changes.at("interrupts." + line);
    const auto rises = std::count_if(edges.begin(), edges.end(),
                                     [](const auto& change) { return change.second == 1; });
    EXPECT_GT(rises, 0) << line << " was raised " << counts["raised"] << " times";
    EXPECT_LE(rises, counts["raised"].get<int>()) << line;
  }
  const auto& queue = changes.at("kernel.run_queue");
  EXPECT_FALSE(queue.empty()) << "the run-queue length is traced";
}

}  // namespace
}  // namespace iosim::testing
