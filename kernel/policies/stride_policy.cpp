#include "kernel/policies/stride_policy.h"

#include <algorithm>

namespace iosim {
namespace {

// a * b / c rounded down, without overflow in the product (a, b, c >= 0, c > 0).
std::int64_t mul_div(std::int64_t a, std::int64_t b, std::int64_t c) {
  __extension__ using Wide = unsigned __int128;
  return static_cast<std::int64_t>(static_cast<Wide>(a) * static_cast<Wide>(b) /
                                   static_cast<Wide>(c));
}

}  // namespace

std::int64_t StridePolicy::stride_of(const sched::Task& task) {
  return kStrideOne / std::max<std::int64_t>(1, task.tickets);
}

void StridePolicy::charge(const sched::Task& task) {
  std::int64_t used = meter_.take(task);
  if (used == 0) return;
  Ns unit = quantum_ > 0 ? quantum_ : kMs;
  rows_[task.id].pass += mul_div(stride_of(task), used, unit);
}

std::int64_t StridePolicy::global_pass() const {
  return queue_.min_rank().value_or(last_picked_pass_);
}

void StridePolicy::enqueue(const sched::Task& task, std::int64_t) {
  charge(task);
  Row& row = rows_[task.id];
  if (!row.known || task.reason == IOSIM_READY_ARRIVED) {
    row = Row{true, global_pass()};
  } else if (task.reason == IOSIM_READY_WOKEN) {
    row.pass = std::max(row.pass, global_pass());
  }
  queue_.push(task, row.pass, task.id);
}

std::uint64_t StridePolicy::pick(int core, std::int64_t) {
  auto e = queue_.pop_first(core);
  if (!e) return IOSIM_NO_TASK;
  last_picked_pass_ = e->rank;
  return e->id;
}

std::int64_t StridePolicy::timeslice_ns(const sched::Task& task, int) {
  charge(task);  // a renewed slice: pay for the one that ended
  return quantum_;
}

void StridePolicy::block(const sched::Task& task, std::int64_t) {
  charge(task);
}

void StridePolicy::exit(const sched::Task& task, std::int64_t) {
  rows_.reset(task.id);
  meter_.forget(task.id);
}

}  // namespace iosim
