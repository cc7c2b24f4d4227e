// Task views for driving a policy directly in tests: TestTask(3).nice(5).cpu(10 * kMs)
// reads like the situation it sets up. Defaults are the kernel's: priority 0,
// nice 0, 100 tickets, any core, never ran, just arrived.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "kernel/policies/affinity.h"
#include "kernel/scheduler.h"
#include "sim/ns.h"

namespace iosim::testing {

struct TestTask : sched::Task {
  explicit TestTask(std::uint64_t task_id) : sched::Task{} {
    id = task_id;
    name = "t";
    process = "p";
    tickets = 100;
    last_core = -1;
    affinity = kAnyCore;
    reason = IOSIM_READY_ARRIVED;
  }
  TestTask& prio(int p) {
    priority = p;
    return *this;
  }
  TestTask& with_nice(int n) {
    nice = n;
    return *this;
  }
  TestTask& with_tickets(std::uint32_t t) {
    tickets = t;
    return *this;
  }
  TestTask& expected(Ns ns) {
    expected_ns = ns;
    return *this;
  }
  TestTask& cpu(Ns ns) {
    cpu_ns = ns;
    return *this;
  }
  TestTask& on(std::uint64_t mask) {
    affinity = mask;
    return *this;
  }
  TestTask& last(int core) {
    last_core = core;
    return *this;
  }
  TestTask& why(iosim_ready_reason r) {
    reason = r;
    return *this;
  }
  TestTask& woken() { return why(IOSIM_READY_WOKEN); }
  TestTask& preempted() { return why(IOSIM_READY_PREEMPTED); }
};

// Affinity mask of the listed cores.
inline std::uint64_t cores(std::initializer_list<int> list) {
  std::uint64_t mask = 0;
  for (int c : list)
    mask |= std::uint64_t{1} << c;
  return mask;
}

// Picks on `core` until the policy has nothing: the order it serves.
inline std::vector<std::uint64_t> drain(sched::Policy& policy, int core = 0, Ns now = 0) {
  std::vector<std::uint64_t> order;
  for (std::uint64_t id = policy.pick(core, now); id != IOSIM_NO_TASK;
       id = policy.pick(core, now)) {
    order.push_back(id);
  }
  return order;
}

using Ids = std::vector<std::uint64_t>;

}  // namespace iosim::testing
