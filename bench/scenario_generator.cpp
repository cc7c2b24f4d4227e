#include "bench/scenario_generator.h"

#include <fmt/format.h>

#include <algorithm>

namespace iosim::bench {
namespace {

// The loader allows at most this many instances per [[process.thread]].
constexpr std::uint64_t kMaxCount = 100'000;

// Small simulated stacks and a large RAM: a sweep to a million threads must
// not stop out of (simulated) memory.
constexpr const char* kRoomyMemory = R"(
[kernel.memory]
thread_stack = "4KiB"
thread_kernel = "1KiB"
task = "512B"

[limits]
sim_time = "1000000s"
)";

// A server that answers after 1 ms, a fast link, and room for every
// request of the largest sweep in flight at once.
constexpr const char* kFastNetwork = R"(
[machine.nic]
bandwidth = "10Gbit/s"
link_latency = "10us"
max_in_flight = 1000000

[machine.nic.server]
latency = "fixed"
mean = "1ms"
)";

std::string header(const std::string& name, int cores) {
  return fmt::format("name = \"{}\"\nseed = 1\n\n[machine]\ncores = {}\nram = \"64GiB\"\n", name,
                     cores);
}

// `n` instances of one program, split over as many [[process.thread]]
// entries as the per-entry limit needs.
std::string thread_entries(std::uint64_t n, const std::string& name, const std::string& program) {
  std::string out;
  for (std::uint64_t part = 0; n > 0; ++part) {
    const std::uint64_t count = std::min(n, kMaxCount);
    out += fmt::format(
        "  [[process.thread]]\n  name = \"{}{}\"\n  count = {}\n  program = '''\n{}'''\n", name,
        part, count, program);
    n -= count;
  }
  return out;
}

}  // namespace

std::string cpu_jobs_scenario(std::uint64_t jobs, int cores) {
  return header(fmt::format("{} single-burst jobs on {} cores", jobs, cores), cores) +
         "\n[kernel]\npolicy = \"rr\"\nquantum = \"10ms\"\n" + kRoomyMemory +
         "\n[[process]]\nname = \"jobs\"\n" + thread_entries(jobs, "job", "compute 100us\n");
}

std::string cores_scenario(std::uint64_t cores) {
  return header(fmt::format("8 threads on each of {} cores", cores), static_cast<int>(cores)) +
         "\n[kernel]\npolicy = \"rr\"\nquantum = \"10ms\"\n" + kRoomyMemory +
         "\n[[process]]\nname = \"work\"\n" +
         thread_entries(8 * cores, "worker", "repeat 500 {\n  compute 100us\n  yield\n}\n");
}

std::string threads_scenario(std::uint64_t threads) {
  return header(fmt::format("{} connection threads", threads), 4) + kFastNetwork + kRoomyMemory +
         "\n[[process]]\nname = \"server\"\n" +
         thread_entries(threads, "conn", "compute 10us\nfetch 1KiB\ncompute 10us\n");
}

std::string tasks_scenario(std::uint64_t tasks) {
  return header(fmt::format("{} connection tasks", tasks), 4) + kFastNetwork + kRoomyMemory +
         fmt::format(
             "\n[[process]]\nname = \"server\"\n  [[process.thread]]\n  name = \"main\"\n"
             "  program = \"gather conn {}\"\n  [[process.coroutine]]\n  name = \"conn\"\n"
             "  program = '''\ncompute 10us\nawait fetch 1KiB\ncompute 10us\n'''\n",
             tasks);
}

namespace {

std::string disk_reads(std::uint64_t reads, const std::string& dma) {
  return header(fmt::format("{} disk reads", reads), 1) + dma +
         "\n[machine.disk]\ntype = \"ssd\"\n\n[kernel]\ndisk_driver = \"dma\"\n"
         "completion = \"interrupt\"\n" +
         kRoomyMemory +
         fmt::format(
             "\n[[process]]\nname = \"reader\"\n  [[process.thread]]\n  name = \"reader\"\n"
             "  program = '''\nrepeat {} {{\n  read 4KiB\n}}\n'''\n",
             reads);
}

}  // namespace

std::string disk_reads_scenario(std::uint64_t reads) {
  return disk_reads(reads, "");
}

std::string disk_reads_page_dma_scenario(std::uint64_t reads) {
  return disk_reads(reads, "\n[machine.dma]\nburst = \"4KiB\"\n");
}

std::string net_requests_scenario(std::uint64_t requests) {
  return header(fmt::format("{} network requests", requests), 1) + kFastNetwork + kRoomyMemory +
         fmt::format(
             "\n[[process]]\nname = \"client\"\n  [[process.thread]]\n  name = \"client\"\n"
             "  program = '''\nrepeat {} {{\n  fetch 1KiB\n}}\n'''\n",
             requests);
}

std::string traced_scenario(std::uint64_t threads) {
  return header(fmt::format("{} threads computing and reading", threads), 4) +
         "\n[machine.disk]\ntype = \"ssd\"\n" + kRoomyMemory + "\n[[process]]\nname = \"app\"\n" +
         thread_entries(threads, "worker", "repeat 100 {\n  compute 50us\n  read 4KiB\n}\n");
}

}  // namespace iosim::bench
