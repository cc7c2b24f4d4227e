// Google Benchmark for the pieces every simulated event goes through: a
// ready-queue operation, a scheduling decision, a DMA burst, a trace write.
// The scenario benchmarks (bench_main.cpp) say how fast iosim is; these say
// where the time goes inside.
//
// SystemC elaborates once per process, so the DMA benchmark's model is built
// once (DmaBench) and driven by sc_start/sc_pause from the benchmark loop.
#include <benchmark/benchmark.h>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "devices/bus.h"
#include "devices/bus_access.h"
#include "devices/dma_engine.h"
#include "devices/ram.h"
#include "kernel/policies/policy_params.h"
#include "kernel/policies/policy_registry.h"
#include "kernel/policies/ready_queue.h"
#include "sim/perfetto_writer.h"
#include "sim/probe.h"
#include "sim/time.h"
#include "sim/vcd_writer.h"

namespace {

using iosim::Ns;

iosim::sched::Task task(std::uint64_t id) {
  iosim::sched::Task t{};
  t.id = id;
  t.name = "job";
  t.process = "bench";
  t.tickets = 100;
  t.last_core = -1;
  t.affinity = ~std::uint64_t{0};
  return t;
}

// One push and one pop on a queue holding range(0) tasks.
void BM_ReadyQueuePushPop(benchmark::State& state) {
  iosim::ReadyQueue queue;
  const auto n = static_cast<std::uint64_t>(state.range(0));
  for (std::uint64_t i = 0; i < n; ++i)
    queue.push(task(i), 0, i);
  std::uint64_t seq = n;
  for (auto _ : state) {
    auto e = queue.pop_first(0);
    queue.push(task(e->id), 0, seq++);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReadyQueuePushPop)->Arg(10)->Arg(100'000);

// What the kernel asks of a policy per dispatch: enqueue the thread that
// leaves, pick the next one, ask its time slice; 1,000 tasks ready.
void BM_SchedulerDecision(benchmark::State& state, const char* policy) {
  iosim::PolicyParams params;
  params.cores = 4;
  auto p = iosim::make_builtin_policy(policy, params);
  constexpr std::uint64_t kTasks = 1000;
  for (std::uint64_t i = 0; i < kTasks; ++i)
    p->enqueue(task(i), 0);
  std::int64_t now = 0;
  std::uint64_t running = p->pick(0, now);
  for (auto _ : state) {
    now += 1000;
    iosim::sched::Task t = task(running);
    t.cpu_ns = now / 4;
    t.reason = IOSIM_READY_PREEMPTED;
    p->enqueue(t, now);
    running = p->pick(0, now);
    benchmark::DoNotOptimize(p->timeslice_ns(task(running), 0));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_SchedulerDecision, rr, "rr");
BENCHMARK_CAPTURE(BM_SchedulerDecision, cfs, "cfs");
BENCHMARK_CAPTURE(BM_SchedulerDecision, mlfq, "mlfq");
BENCHMARK_CAPTURE(BM_SchedulerDecision, lottery, "lottery");

// A DMA engine on a bus with RAM, and a driver thread that starts one
// transfer per request and pauses the simulation when it is done.
class DmaBench : public sc_core::sc_module {
 public:
  static constexpr std::uint64_t kRamBytes = 16 << 20, kDmaBase = 1ull << 40;
  static constexpr std::uint32_t kBurst = 64;

  explicit DmaBench(sc_core::sc_module_name name)
      : sc_module(name),
        bus_("bus", iosim::BusTiming{}),
        ram_("ram", kRamBytes, 50),
        dma_("dma", 1, kBurst),
        done_("done") {
    bus_.attach_target(ram_.socket, 0, kRamBytes, "ram");
    bus_.attach_target(dma_.regs, kDmaBase, dma_.regs_size(), "dma");
    bus_.attach_initiator(socket_, "driver");
    bus_.attach_initiator(dma_.bus, "dma");
    dma_.done[0].line(done_);
    SC_THREAD(drive);
  }

  // Runs the simulation until one transfer of `bytes` has completed.
  void transfer(std::uint64_t bytes) {
    bytes_ = bytes;
    go_.notify(sc_core::SC_ZERO_TIME);
    sc_core::sc_start();
  }

 private:
  SC_HAS_PROCESS(DmaBench);

  void drive() {
    for (;;) {
      sc_core::wait(go_);
      iosim::bus_write(socket_, kDmaBase + iosim::DmaEngine::kSrc, 0);
      iosim::bus_write(socket_, kDmaBase + iosim::DmaEngine::kDst, kRamBytes / 2);
      iosim::bus_write(socket_, kDmaBase + iosim::DmaEngine::kLen, bytes_);
      iosim::bus_write(socket_, kDmaBase + iosim::DmaEngine::kCtrl, iosim::DmaEngine::kStart);
      sc_core::wait(done_.posedge_event());
      sc_core::sc_pause();
    }
  }

  iosim::Bus bus_;
  iosim::Ram ram_;
  iosim::DmaEngine dma_;
  sc_core::sc_signal<bool> done_;
  tlm_utils::simple_initiator_socket<DmaBench> socket_{"socket"};
  sc_core::sc_event go_;
  std::uint64_t bytes_ = 0;
};

DmaBench* dma_bench = nullptr;  // elaborated once, in sc_main

// Per burst: its bus read and write, with their waits in the engine's thread.
void BM_DmaBurst(benchmark::State& state) {
  constexpr std::uint64_t kBursts = 256;
  for (auto _ : state)
    dma_bench->transfer(kBursts * DmaBench::kBurst);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kBursts));
}
BENCHMARK(BM_DmaBurst);

// A probe change with no trace attached: the cost tracing adds when it is off.
void BM_ProbeSetUntraced(benchmark::State& state) {
  iosim::Probe probe("bench", "value", 32);
  std::uint64_t v = 0;
  for (auto _ : state)
    probe.set(++v);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProbeSetUntraced);

// Eight signals, one change each per nanosecond, into a trace file.
template <typename Writer>
void trace_writes(benchmark::State& state, Writer& writer, const std::string& path) {
  std::vector<int> ids;
  for (int i = 0; i < 8; ++i)
    ids.push_back(writer.add_signal("bench", "s" + std::to_string(i), 32));
  if constexpr (std::is_same_v<Writer, iosim::VcdWriter>) writer.begin();
  Ns at = 0;
  std::uint64_t v = 0;
  for (auto _ : state) {
    ++v;
    writer.change(ids[v % ids.size()], v, ++at);
  }
  writer.finish(at + 1);
  std::filesystem::remove(path);
  state.SetItemsProcessed(state.iterations());
}

std::string scratch_file(const char* name) {
  return (std::filesystem::temp_directory_path() / name).string();
}

void BM_VcdWrite(benchmark::State& state) {
  const std::string path = scratch_file("iosim-micro-bench.vcd");
  iosim::VcdWriter writer(path);
  trace_writes(state, writer, path);
}
BENCHMARK(BM_VcdWrite);

void BM_PerfettoWrite(benchmark::State& state) {
  const std::string path = scratch_file("iosim-micro-bench.json");
  iosim::PerfettoWriter writer(path);
  trace_writes(state, writer, path);
}
BENCHMARK(BM_PerfettoWrite);

}  // namespace

int sc_main(int argc, char* argv[]) {
  iosim::set_time_resolution();
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  DmaBench bench("dma_bench");
  dma_bench = &bench;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
