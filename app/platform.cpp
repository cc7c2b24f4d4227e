#include "app/platform.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>

#include "kernel/policies/policy_registry.h"

namespace iosim {

Platform::Platform(const Scenario& scenario, bool record_schedule,
                   const grader::SandboxOptions* sandbox)
    : scenario_(scenario),
      cores_(scenario.machine.cores),
      irq_lines_("irq_line", static_cast<std::size_t>(scenario.machine.cores + kDeviceLines)),
      core_irq_("core_irq", static_cast<std::size_t>(scenario.machine.cores)),
      dma_done_("dma_done", static_cast<std::size_t>(scenario.machine.dma_channels)) {
  const MachineSpec& m = scenario_.machine;
  bus_ = std::make_unique<Bus>("bus", m.bus);
  ram_ = std::make_unique<Ram>("ram", m.ram_bytes, m.ram_latency);
  cpu_ = std::make_unique<Cpu>("cpu", cores_, m.clock_hz);
  ic_ = std::make_unique<InterruptController>("ic", cores_ + kDeviceLines, cores_);
  for (int c = 0; c < cores_; ++c)
    core_timers_.push_back(std::make_unique<Timer>(fmt::format("timer{}", c).c_str()));
  sys_timer_ = std::make_unique<Timer>("systimer");
  dma_ = std::make_unique<DmaEngine>("dma", m.dma_channels, m.dma_burst);
  DiskControllerParams disk = m.disk;
  disk.dma_regs = kDmaBase;  // the disk firmware uses DMA channel 0
  disk.buffer_base = kDiskBufferBase;
  disk.dma_burst_mode = m.dma_burst_mode;
  disk_ = std::make_unique<DiskController>("disk", disk);
  if (!m.disk_image.empty()) disk_->image().load_file(m.disk_image);
  NicParams nic = m.nic;
  nic.seed = scenario_.seed;
  nic_ = std::make_unique<Nic>("nic", nic);

  bus_->attach_target(ram_->socket, 0, m.ram_bytes, "ram");
  bus_->attach_target(ic_->socket, kIcBase, InterruptController::kRegsSize, "ic");
  for (int c = 0; c < cores_; ++c)
    bus_->attach_target(core_timers_[static_cast<std::size_t>(c)]->socket,
                        kCoreTimerBase + 0x100 * static_cast<std::uint64_t>(c), Timer::kRegsSize,
                        fmt::format("timer{}", c));
  bus_->attach_target(sys_timer_->socket, kSysTimerBase, Timer::kRegsSize, "systimer");
  bus_->attach_target(dma_->regs, kDmaBase, dma_->regs_size(), "dma");
  bus_->attach_target(disk_->regs, kDiskBase, DiskController::kRegsSize, "disk");
  bus_->attach_target(disk_->buffer, kDiskBufferBase, disk_->buffer_bytes(), "disk-buffer");
  bus_->attach_target(nic_->regs, kNicBase, Nic::kRegsSize, "nic");
  for (int c = 0; c < cores_; ++c)
    bus_->attach_initiator(cpu_->bus[static_cast<std::size_t>(c)], fmt::format("core{}", c));
  bus_->attach_initiator(dma_->bus, "dma");
  bus_->attach_initiator(disk_->bus, "disk");
  bus_->attach_initiator(nic_->bus, "nic");

  wire_interrupts();

  KernelConfig kc;
  kc.mode = scenario_.kernel.mode;
  kc.timer = scenario_.kernel.timer;
  kc.tick = scenario_.kernel.tick;
  kc.io = scenario_.kernel.io;
  kc.costs = scenario_.kernel.costs;
  kc.memory = scenario_.kernel.memory;
  kc.memory.capacity = scenario_.machine.ram_bytes;
  kc.gil_switch_interval = scenario_.kernel.gil_switch_interval;
  kc.map = device_map();
  kc.seed = scenario_.seed;
  kc.routing = scenario_.machine.irq_routing;
  kc.priority = scenario_.machine.irq_priority;
  kc.trigger = scenario_.machine.irq_trigger;
  kc.record_schedule = record_schedule;
  kernel_ = std::make_unique<Kernel>(kc, make_policy(sandbox), *cpu_, *ram_);
  kernel_->on_finish([] { sc_core::sc_stop(); });
  cpu_->load(*kernel_);
  kernel_->load(scenario_.workload);
}

// A built-in policy by name, or a policy library (a path ending in ".so"):
// in this process, or with `sandbox` in a sandboxed child.
std::unique_ptr<sched::Policy> Platform::make_policy(const grader::SandboxOptions* sandbox) {
  const KernelSpec& k = scenario_.kernel;
  PolicyParams params = k.policy_params;
  params.quantum = k.quantum;
  params.cores = cores_;
  params.seed = scenario_.seed;
  if (k.policy.size() > 3 && k.policy.ends_with(".so")) {
    // An absolute path: a bare "my.so" would make dlopen search the system's libraries.
    const std::string path = std::filesystem::absolute(k.policy).string();
    const sched::Config config{k.quantum, cores_, 0, scenario_.seed};
    if (!sandbox) return load_policy_library(path, config);
    // A missing file is the user's mistake (status 2); one that does not load
    // is the policy's (a load_error fault, status 5).
    if (!std::filesystem::is_regular_file(path))
      throw std::runtime_error(fmt::format("cannot load policy: {} is not a file", path));
    auto remote = std::make_unique<grader::RemotePolicy>(path, config, *sandbox);
    remote_policy_ = remote.get();
    return remote;
  }
  auto policy = make_builtin_policy(k.policy, params);
  if (!policy) throw std::runtime_error(fmt::format("unknown policy '{}'", k.policy));
  return policy;
}

Platform::~Platform() = default;

void Platform::finish() {
  if (!scenario_.machine.disk_save.empty()) disk_->image().save_file(scenario_.machine.disk_save);
}

void Platform::wire_interrupts() {
  for (int c = 0; c < cores_; ++c) {
    auto i = static_cast<std::size_t>(c);
    core_timers_[i]->irq.line(irq_lines_[i]);
    ic_->lines[i](irq_lines_[i]);
    ic_->set_route(c, c);  // each core's timer interrupts that core
    ic_->set_line_name(c, fmt::format("timer{}", c));
    ic_->cpu_irq[i](core_irq_[i]);
    cpu_->irq[i](core_irq_[i]);
  }
  auto sys = static_cast<std::size_t>(cores_);
  sys_timer_->irq.line(irq_lines_[sys]);
  ic_->lines[sys](irq_lines_[sys]);
  ic_->set_line_name(cores_, "systimer");
  disk_->irq.line(irq_lines_[sys + 1]);
  ic_->lines[sys + 1](irq_lines_[sys + 1]);
  ic_->set_line_name(cores_ + 1, "disk");
  nic_->irq.line(irq_lines_[sys + 2]);
  ic_->lines[sys + 2](irq_lines_[sys + 2]);
  ic_->set_line_name(cores_ + 2, "nic");
  for (std::size_t ch = 0; ch < dma_done_.size(); ++ch)
    dma_->done[ch].line(dma_done_[ch]);
  disk_->dma_done(dma_done_[0]);
}

DeviceMap Platform::device_map() const {
  DeviceMap map;
  map.ic = kIcBase;
  for (int c = 0; c < cores_; ++c) {
    map.core_timers.push_back(kCoreTimerBase + 0x100 * static_cast<std::uint64_t>(c));
    map.core_timer_lines.push_back(c);
  }
  map.sys_timer = kSysTimerBase;
  map.sys_timer_line = cores_;
  map.disk = kDiskBase;
  map.disk_line = cores_ + 1;
  map.nic = kNicBase;
  map.nic_line = cores_ + 2;
  map.ipi_base = ic_->ipi_line(0);
  map.ram_size = scenario_.machine.ram_bytes;
  map.ram_user_base = 1 << 20;  // the first MiB belongs to the kernel
  map.sector_bytes = disk_->sector_bytes();
  map.disk_max_sectors = scenario_.machine.disk.max_sectors;
  map.disk_sectors = disk_->capacity_sectors();
  return map;
}

std::vector<Probe*> Platform::probes() {
  std::vector<Probe*> out;
  for (int c = 0; c < cores_; ++c) {
    out.push_back(&cpu_->core(c).state_probe());
    out.push_back(&cpu_->core(c).thread_probe());
  }
  for (Probe* p : ic_->probes())
    out.push_back(p);
  for (auto& t : core_timers_)
    out.push_back(&t->tick_probe());
  out.push_back(&sys_timer_->tick_probe());
  out.push_back(&bus_->owner_probe());
  for (Probe* p : dma_->probes())
    out.push_back(p);
  for (Probe* p : disk_->probes())
    out.push_back(p);
  for (Probe* p : nic_->probes())
    out.push_back(p);
  for (Probe* p : kernel_->probes())
    out.push_back(p);
  return out;
}

}  // namespace iosim
