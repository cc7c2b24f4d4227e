// The benchmark's scenarios, generated with the amount of work as a
// parameter, so a scaling sweep is one loop over sizes. Each returns the
// text of a complete scenario file (docs/scenario-format.md).
//
// Simulated memory is made roomy (small stacks, a large RAM) on purpose:
// the benchmarks measure the simulator's own cost, and a run that stops out
// of memory would measure nothing.
#pragma once

#include <cstdint>
#include <string>

namespace iosim::bench {

// `jobs` threads that each run one CPU burst (compute 100us) and exit, on
// `cores` cores under Round-Robin: scheduling, dispatch and exit only.
std::string cpu_jobs_scenario(std::uint64_t jobs, int cores);

// `cores` cores, each with the same work: 8 threads per core, each running
// 500 bursts of 100 us with a yield between them (Round-Robin). The
// threads are few, so the curve shows what a core costs, not what a
// growing number of threads does to the caches.
std::string cores_scenario(std::uint64_t cores);

// `threads` threads on 4 cores, each handling one connection: a little
// compute, a network request through the card, a little compute.
std::string threads_scenario(std::uint64_t threads);

// The same connections as `tasks` asyncio tasks of one event loop.
std::string tasks_scenario(std::uint64_t tasks);

// One thread reading 4 KiB from an SSD `reads` times through the full path:
// syscall, driver, controller firmware, DMA, interrupt, wake-up.
std::string disk_reads_scenario(std::uint64_t reads);
// The same with the DMA engine moving a whole 4 KiB page per bus grant
// (the default, 64 bytes, makes 128 bus accesses of each read).
std::string disk_reads_page_dma_scenario(std::uint64_t reads);

// One thread making `requests` network requests one after the other.
std::string net_requests_scenario(std::uint64_t requests);

// The scenario the tracing costs are measured on: 4 cores, `threads`
// threads alternating computation and disk reads, so every signal moves.
std::string traced_scenario(std::uint64_t threads);

}  // namespace iosim::bench
