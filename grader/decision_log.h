// The decision log of `iosim run --decisions FILE`: every scheduling decision
// of a run, one JSON object per line, in the order the kernel made them. The
// grader reads two of them (the submission's and the reference's) to check
// the invariants and compare schedules. Format (docs/json-report.md):
//
//   {"t":0,"ev":"ready","task":0,"reason":"arrived","name":"jobs/render"}
//   {"t":0,"ev":"pick","core":0,"task":0,"ready":[0,1]}
//   {"t":2000,"ev":"slice","core":0,"task":0,"slice_ns":10000000,"renew":false}
//   {"t":10002000,"ev":"end","core":0,"task":0,"start":2000,"why":"preempted"}
//
// `ready` events: a thread became ready (reason arrived, woken, preempted or
// yielded); the first one of a thread carries its name, and its affinity
// mask when it has one. `pick`: the policy's answer for a core (`task` null
// when it gave none) and the ready set it chose from: the ready threads not
// already picked by another core. `slice`: the slice the policy gave
// (0 = until it blocks), at dispatch or renewed (`renew`) when nobody else was
// ready. `end`: a thread left a core; `why` is preempted, blocked, sleep,
// yield, wait, exit or killed. Times are integer nanoseconds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kernel/kernel.h"

namespace iosim::grader {

// Writes the log as the run goes (Kernel::observe_decisions).
class DecisionLogWriter : public DecisionObserver {
 public:
  // Attach it before the run starts. Throws std::runtime_error when `path`
  // cannot be written.
  DecisionLogWriter(const std::string& path, const Kernel& kernel, int cores);
  ~DecisionLogWriter() override;
  DecisionLogWriter(const DecisionLogWriter&) = delete;
  DecisionLogWriter& operator=(const DecisionLogWriter&) = delete;

  void readied(Ns at, const Thread& t, iosim_ready_reason reason) override;
  void picked(Ns at, int core, std::uint64_t chosen) override;
  void granted(Ns at, int core, const Thread& t, Ns slice) override;
  void left(const Slice& slice) override;

 private:
  std::FILE* file_;
  const Kernel& kernel_;
  std::vector<std::uint64_t> pending_;  // per core: picked, not yet given its slice
  std::vector<bool> named_;             // by thread id: its name is in the log
};

constexpr std::uint64_t kNoTask = ~std::uint64_t{0};

struct Decision {
  enum class Kind { kReady, kPick, kSlice, kEnd };
  Kind kind = Kind::kPick;
  std::int64_t t = 0;
  int core = -1;
  std::uint64_t task = kNoTask;      // kNoTask: a pick that chose nothing
  std::vector<std::uint64_t> ready;  // pick: the ready set
  std::int64_t slice_ns = 0;         // slice
  bool renew = false;                // slice
  std::int64_t start = 0;            // end
  std::string why;                   // end: why it left; ready: the reason
};

struct TaskInfo {
  std::string name;
  std::uint64_t affinity = 0;  // 0: any core
};

struct DecisionLog {
  std::vector<Decision> decisions;
  std::map<std::uint64_t, TaskInfo> tasks;

  // "jobs/render", or "task 7" for an id the log never named.
  std::string name(std::uint64_t id) const;
  bool allowed(std::uint64_t id, int core) const;
};

// Reads a log; nullopt (and `error` set) when a line is not a decision.
std::optional<DecisionLog> read_decision_log(const std::string& path, std::string* error);
std::optional<DecisionLog> parse_decision_log(const std::string& text, std::string* error);

}  // namespace iosim::grader
