#include "kernel/policies/policy_registry.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "kernel/policies/cfs_policy.h"
#include "kernel/policies/fifo_policy.h"
#include "kernel/policies/lottery_policy.h"
#include "kernel/policies/mlfq_policy.h"
#include "kernel/policies/per_core_queues.h"
#include "kernel/policies/priority_policy.h"
#include "kernel/policies/sjf_policy.h"
#include "kernel/policies/split_mix64.h"
#include "kernel/policies/srtf_policy.h"
#include "kernel/policies/stride_policy.h"

namespace iosim {
namespace {

// Adapts a C policy (a table of functions from a shared library) to the C++ API.
class CPolicy : public sched::Policy {
 public:
  CPolicy(void* library, const iosim_policy_ops* ops, const sched::Config& config)
      : library_(library),
        ops_(ops),
        self_(ops->create ? ops->create(&config) : nullptr),
        quantum_(config.quantum_ns) {}
  ~CPolicy() override {
    if (ops_->destroy) ops_->destroy(self_);
    dlclose(library_);
  }
  const char* name() const override { return ops_->name ? ops_->name : "unnamed"; }
  void enqueue(const sched::Task& task, int64_t now_ns) override {
    ops_->enqueue(self_, &task, now_ns);
  }
  uint64_t pick(int core, int64_t now_ns) override { return ops_->pick(self_, core, now_ns); }
  int64_t timeslice_ns(const sched::Task& task, int core) override {
    return ops_->timeslice_ns ? ops_->timeslice_ns(self_, &task, core) : quantum_;
  }
  void block(const sched::Task& task, int64_t now_ns) override {
    if (ops_->block) ops_->block(self_, &task, now_ns);
  }
  void exit(const sched::Task& task, int64_t now_ns) override {
    if (ops_->exit) ops_->exit(self_, &task, now_ns);
  }
  bool tick(int core, const sched::Task& running, int64_t now_ns) override {
    return ops_->tick && ops_->tick(self_, core, &running, now_ns) != 0;
  }
  bool preempt(const sched::Task& woken, const sched::Task& running, int core,
               int64_t now_ns) override {
    return ops_->preempt && ops_->preempt(self_, &woken, &running, core, now_ns) != 0;
  }

 private:
  void* library_;
  const iosim_policy_ops* ops_;
  void* self_;
  int64_t quantum_;
};

// One policy over one (global) ready queue; nullptr for an unknown name.
std::unique_ptr<sched::Policy> make_one_queue(std::string_view name, const PolicyParams& p) {
  if (name == "fcfs") return std::make_unique<FifoPolicy>("fcfs", 0);
  if (name == "rr") return std::make_unique<FifoPolicy>("rr", p.quantum);
  if (name == "sjf") return std::make_unique<SjfPolicy>();
  if (name == "srtf" || name == "stcf") return std::make_unique<SrtfPolicy>(std::string(name));
  if (name == "priority") return std::make_unique<PriorityPolicy>(p.quantum, p.priority);
  if (name == "mlfq") return std::make_unique<MlfqPolicy>(p.quantum, p.mlfq);
  if (name == "lottery") return std::make_unique<LotteryPolicy>(p.quantum, p.seed);
  if (name == "stride") return std::make_unique<StridePolicy>(p.quantum);
  if (name == "cfs") return std::make_unique<CfsPolicy>(p.cfs);
  return nullptr;
}

}  // namespace

const std::vector<std::string>& builtin_policy_names() {
  static const std::vector<std::string> names{"fcfs",     "sjf",  "srtf",    "stcf",   "rr",
                                              "priority", "mlfq", "lottery", "stride", "cfs"};
  return names;
}

std::unique_ptr<sched::Policy> make_builtin_policy(std::string_view name,
                                                   const PolicyParams& params) {
  if (!params.per_core_queues) return make_one_queue(name, params);
  const auto& names = builtin_policy_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return nullptr;
  // Each core's instance draws from its own random stream.
  auto per_core = [name = std::string(name), params](int core) {
    PolicyParams mine = params;
    mine.seed =
        SplitMix64(params.seed ^ (0x9e3779b97f4a7c15ull * (static_cast<std::uint64_t>(core) + 1)))
            .next();
    return make_one_queue(name, mine);
  };
  return std::make_unique<PerCoreQueues>(params.cores, per_core);
}

std::unique_ptr<sched::Policy> load_policy_library(const std::string& path,
                                                   const sched::Config& config) {
  void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) throw std::runtime_error(fmt::format("cannot load policy: {}", dlerror()));
  auto entry = reinterpret_cast<iosim_policy_entry_fn>(dlsym(library, "iosim_scheduler_policy"));
  const iosim_policy_ops* ops = entry ? entry() : nullptr;
  std::string problem;
  if (!entry) {
    problem = "it does not export iosim_scheduler_policy";
  } else if (!ops || ops->abi_version != IOSIM_SCHED_ABI_VERSION) {
    problem = fmt::format("its ABI version is not {}", IOSIM_SCHED_ABI_VERSION);
  } else if (!ops->enqueue || !ops->pick) {
    problem = "it lacks enqueue or pick";
  }
  if (!problem.empty()) {
    dlclose(library);
    throw std::runtime_error(fmt::format("cannot use policy library '{}': {}", path, problem));
  }
  return std::make_unique<CPolicy>(library, ops, config);
}

}  // namespace iosim
