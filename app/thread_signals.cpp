#include "app/thread_signals.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "app/thread_bound.h"

namespace iosim {
namespace {

// A thread slot's value: its thread's state + 1, so that 0 is "no thread yet".
std::uint64_t slot_value(ThreadState s) {
  return static_cast<std::uint64_t>(s) + 1;
}

// A process name as a VCD identifier GTKWave keeps whole: letters, digits
// and '_' only ("worker[2]" -> "worker_2"), never starting with a digit.
std::string identifier(const std::string& name) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out.front()))) out = "p_" + out;
  return out;
}

// The python processes the scenario names, in its order: each instance of a
// python [[process]], named as the kernel names them.
std::vector<std::string> python_processes(const Workload& w, std::size_t max) {
  std::vector<std::string> out;
  for (const ProcessSpec& p : w.processes) {
    if (p.runtime != Runtime::kPython) continue;
    for (std::uint32_t i = 0; i < p.count && out.size() < max; ++i)
      out.push_back(p.count > 1 ? fmt::format("{}[{}]", p.name, i) : p.name);
  }
  return out;
}

}  // namespace

ThreadSignals::ThreadSignals(Platform& platform, std::uint64_t limit) : kernel_(platform.kernel()) {
  const std::uint64_t slots = max_threads(platform.scenario().workload, limit);
  threads_.reserve(slots);
  for (std::uint64_t n = 0; n < slots; ++n)
    threads_.emplace_back("threads", fmt::format("t{}_state", n), 3);
  for (const auto& t : kernel_.threads())  // the threads created at boot
    if (t->id < threads_.size()) threads_[t->id].set(slot_value(t->state));

  std::set<std::string> used;
  const auto names = python_processes(platform.scenario().workload, limit);
  gils_.reserve(names.size());
  for (const std::string& process : names) {
    std::string id = identifier(process);
    for (int k = 2; !used.insert(id).second; ++k)  // two names alike as identifiers
      id = fmt::format("{}_{}", identifier(process), k);
    gils_.push_back(
        Gil{process, Probe("gil", id + "_holder", 32), Probe("gil", id + "_waiting", 16)});
  }
  platform.kernel().observe(this);
}

std::vector<Probe*> ThreadSignals::probes() {
  std::vector<Probe*> out;
  for (Probe& p : threads_)
    out.push_back(&p);
  for (Gil& g : gils_) {
    out.push_back(&g.holder);
    out.push_back(&g.waiting);
  }
  return out;
}

void ThreadSignals::name_signals(GtkwNames& names) const {
  const auto& threads = kernel_.threads();
  for (std::size_t n = 0; n < threads_.size() && n < threads.size(); ++n)
    names.labels[threads_[n].scope() + "." + threads_[n].name()] =
        fmt::format("t{} {}", n, qualified_name(*threads[n]));
  if (threads.size() > threads_.size())
    names.threads_group =
        fmt::format("Threads (the first {} of {})", threads_.size(), threads.size());
}

void ThreadSignals::thread_state(Ns, const Thread& t, ThreadState, ThreadState to) {
  if (t.id < threads_.size()) threads_[t.id].set(slot_value(to));
}

ThreadSignals::Gil* ThreadSignals::gil_of(const Process& p) {
  auto it = gil_by_process_.find(p.id);
  if (it != gil_by_process_.end()) return it->second;
  Gil* gil = nullptr;
  if (!p.worker_of) {
    auto free = std::find_if(gils_.begin(), gils_.end(),
                             [&](const Gil& g) { return !g.taken && g.process == p.name; });
    if (free != gils_.end()) {
      free->taken = true;
      gil = &*free;
    }
  }
  return gil_by_process_[p.id] = gil;
}

void ThreadSignals::gil_changed(Ns, const Process& p, const Thread* holder, std::uint64_t waiting) {
  Gil* gil = gil_of(p);
  if (!gil) return;
  gil->holder.set(holder ? holder->id + 1 : 0);
  gil->waiting.set(waiting);
}

}  // namespace iosim
