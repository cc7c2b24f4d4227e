#include "app/trace_names.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace iosim {

GtkwNames trace_names(Platform& platform) {
  auto named = [](std::initializer_list<std::pair<std::uint64_t, const char*>> values) {
    std::vector<std::string> out;
    for (auto [value, name] : values) {
      if (out.size() <= value) out.resize(value + 1);
      out[value] = name;
    }
    return out;
  };
  auto mode = [](CoreMode m) { return static_cast<std::uint64_t>(m); };
  using Disk = DiskController;
  GtkwNames n;
  n.core_states = named({{mode(CoreMode::kIdle), "idle"},
                         {mode(CoreMode::kUser), "user"},
                         {mode(CoreMode::kKernel), "kernel"},
                         {mode(CoreMode::kIrq), "irq"}});
  n.disk_states = named({{Disk::kIdle, "idle"},
                         {Disk::kDecode, "decode"},
                         {Disk::kSeek, "seek"},
                         {Disk::kRotate, "rotate"},
                         {Disk::kTransfer, "transfer"},
                         {Disk::kDma, "dma"},
                         {Disk::kPio, "pio"},
                         {Disk::kHeadSwitch, "head switch"}});
  n.nic_states = named(
      {{Nic::kIdle, "idle"}, {Nic::kWaiting, "waiting"}, {Nic::kDma, "dma"}, {Nic::kPio, "pio"}});
  n.thread_states = {"-"};  // a thread slot's signal is the state + 1, 0 for no thread yet
  for (auto s :
       {ThreadState::kNew, ThreadState::kReady, ThreadState::kRunning, ThreadState::kBlocked,
        ThreadState::kSleeping, ThreadState::kWaiting, ThreadState::kDone})
    n.thread_states.push_back(state_name(s));
  n.threads = {"-"};  // the core's thread signal is id + 1, 0 for none
  for (const auto& t : platform.kernel().threads()) {
    if (n.threads.size() <= t->id + 1) n.threads.resize(t->id + 2);
    n.threads[t->id + 1] = qualified_name(*t);
  }
  return n;
}

}  // namespace iosim
