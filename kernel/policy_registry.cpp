#include "kernel/policy_registry.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <stdexcept>

#include "kernel/fifo_policy.h"

namespace iosim {
namespace {

// Adapts a C policy (a table of functions from a shared library) to the C++ API.
class CPolicy : public sched::Policy {
 public:
  CPolicy(void* library, const iosim_policy_ops* ops, int64_t quantum_ns)
      : library_(library), ops_(ops), self_(ops->create ? ops->create(quantum_ns) : nullptr) {}
  ~CPolicy() override {
    if (ops_->destroy) ops_->destroy(self_);
    dlclose(library_);
  }
  const char* name() const override { return ops_->name ? ops_->name : "unnamed"; }
  void enqueue(const sched::Task& task, int64_t now_ns) override {
    ops_->enqueue(self_, &task, now_ns);
  }
  uint64_t pick(int core, int64_t now_ns) override { return ops_->pick(self_, core, now_ns); }
  int64_t timeslice_ns(const sched::Task& task) override {
    return ops_->timeslice_ns ? ops_->timeslice_ns(self_, &task) : 0;
  }

 private:
  void* library_;
  const iosim_policy_ops* ops_;
  void* self_;
};

}  // namespace

const std::vector<std::string>& builtin_policy_names() {
  static const std::vector<std::string> names{"fcfs", "rr"};
  return names;
}

std::unique_ptr<sched::Policy> make_builtin_policy(std::string_view name, int64_t quantum_ns) {
  if (name == "fcfs") return std::make_unique<FifoPolicy>("fcfs", 0);
  if (name == "rr") return std::make_unique<FifoPolicy>("rr", quantum_ns);
  return nullptr;
}

std::unique_ptr<sched::Policy> load_policy_library(const std::string& path, int64_t quantum_ns) {
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
  return std::make_unique<CPolicy>(library, ops, quantum_ns);
}

}  // namespace iosim
