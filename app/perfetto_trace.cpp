#include "app/perfetto_trace.h"

#include <fmt/format.h>

#include "app/trace_names.h"

namespace iosim {

PerfettoTrace::PerfettoTrace(const std::string& path, Platform& platform,
                             const std::function<bool(const std::string&)>& traced,
                             std::uint64_t limit, Ns from, Ns to)
    : platform_(platform),
      writer_(path),
      threads_traced_(traced("threads")),
      gil_traced_(traced("gil")) {
  writer_.set_size_limit(limit);
  writer_.set_window(from, to);
  const GtkwNames names = trace_names(platform);
  for (int c = 0; c < platform.cpu().cores(); ++c) {
    writer_.name_values("cores", fmt::format("core{}_state", c), names.core_states);
    writer_.name_values("cores", fmt::format("core{}_thread", c), names.threads);
  }
  writer_.name_values("disk", "firmware_state", names.disk_states);
  writer_.name_values("nic", "state", names.nic_states);
  for (Probe* p : platform.probes()) {
    if (p->scope() == "dma" && p->name().ends_with("_busy"))
      writer_.name_values(p->scope(), p->name(), {"", "busy"});
    if (p->scope() == "interrupts") writer_.name_values(p->scope(), p->name(), {"", "raised"});
  }
  // The probes' tracks first, in the waveform's order; the threads' after.
  // The kernel's counters come from the observer calls, below. The bus shows
  // as its utilisation: its owner changes twice per access (nine events in
  // ten of a disk-heavy run, hundreds of megabytes), which a waveform shows
  // well and a timeline cannot.
  for (Probe* p : platform.probes())
    if (traced(p->scope()) && p->scope() != "kernel" && p != &platform.bus().owner_probe())
      p->attach(writer_);
  if (traced("bus")) {
    const int track = writer_.track("bus", "utilisation");
    bus_use_ =
        std::make_unique<BusyShare>(kBusWindow, [this, track](Ns at, std::uint64_t permille) {
          writer_.counter(track, "bus utilisation (%)", at, static_cast<double>(permille) / 10.0);
        });
    platform.bus().owner_probe().attach(*bus_use_);
  }
  for (int c = 0; c < platform.cpu().cores(); ++c)
    core_tracks_.push_back(writer_.track_of(fmt::format("cores.core{}_state", c)));
  disk_track_ = writer_.track_of("disk.firmware_state");
  nic_track_ = writer_.track_of("nic.state");
  if (traced("kernel")) {
    run_queue_ = writer_.track("kernel", "run queue");
    memory_ = writer_.track("kernel", "memory in use");
  }
  platform.kernel().observe(this);
}

PerfettoTrace::ThreadTrack& PerfettoTrace::thread_track(const Thread& t) {
  auto it = threads_.find(t.id);
  if (it == threads_.end())
    it = threads_
             .emplace(t.id, ThreadTrack{writer_.track("threads", qualified_name(t)),
                                        ThreadState::kNew, 0})
             .first;
  return it->second;
}

void PerfettoTrace::thread_state(Ns at, const Thread& t, ThreadState from, ThreadState to) {
  if (!threads_traced_) return;
  ThreadTrack& track = thread_track(t);
  if (from != ThreadState::kNew && from != ThreadState::kDone && at > track.since)
    writer_.slice(track.track, state_name(from), track.since, at);
  track.state = to;
  track.since = at;
}

void PerfettoTrace::ready_count(Ns at, std::uint64_t ready) {
  if (run_queue_ < 0) return;
  writer_.counter(run_queue_, "run queue", at, static_cast<double>(ready));
}

void PerfettoTrace::memory_in_use(Ns at, std::uint64_t bytes) {
  if (memory_ < 0) return;
  writer_.counter(memory_, "memory in use (bytes)", at, static_cast<double>(bytes));
}

// syscall (the thread's running slice) -> the device at work -> the
// handler on the core that took the interrupt -> the thread's return.
void PerfettoTrace::io_finished(const IoRecord& r) {
  // A flow needs its slices: the thread's, the device's and the cores'.
  if (!threads_traced_ || disk_track_ < 0 || nic_track_ < 0 || core_tracks_.front() < 0) return;
  if (!writer_.in_window(r.syscall, r.done)) return;  // a flow cut short would point nowhere
  const Thread& t = *platform_.kernel().threads()[r.thread];
  const int thread = thread_track(t).track;
  const int device = r.kind == IoRequest::Kind::kFetch ? nic_track_ : disk_track_;
  const std::string name =
      fmt::format("{} {}", r.kind == IoRequest::Kind::kFetch ? "fetch" : "disk", ++flows_);
  writer_.flow(flows_, 's', thread, r.syscall, name);
  // Just after the doorbell the device is at work (decoding, or busy with an
  // earlier command), so a slice of its track holds this step.
  if (r.submitted >= 0 && r.completed > r.submitted)
    writer_.flow(flows_, 't', device, r.submitted + 1, name);
  if (r.completed_on >= 0 && !(r.blocked < 0 && !r.async))  // polled: no handler
    writer_.flow(flows_, 't', core_tracks_[static_cast<std::size_t>(r.completed_on)], r.completed,
                 name);
  writer_.flow(flows_, 'f', thread, r.done, name);
}

// A slice per stretch of one holder, named after it; a counter of waiters.
void PerfettoTrace::gil_changed(Ns at, const Process& p, const Thread* holder,
                                std::uint64_t waiting) {
  if (!gil_traced_ || p.worker_of) return;  // a pool worker's GIL: one thread, no contention
  auto it = gils_.find(p.id);
  if (it == gils_.end())
    it = gils_.emplace(p.id, GilTrack{writer_.track("gil", p.name), nullptr, 0}).first;
  GilTrack& gil = it->second;
  if (holder != gil.holder) {
    if (gil.holder && at > gil.since)
      writer_.slice(gil.track, qualified_name(*gil.holder), gil.since, at);
    gil.holder = holder;
    gil.since = at;
  }
  writer_.counter(gil.track, p.name + " GIL waiting", at, static_cast<double>(waiting));
}

void PerfettoTrace::finish(Ns end) {
  for (auto& [id, track] : threads_)
    if (track.state != ThreadState::kDone && track.state != ThreadState::kNew && end > track.since)
      writer_.slice(track.track, state_name(track.state), track.since, end);
  for (auto& [id, gil] : gils_)
    if (gil.holder && end > gil.since)
      writer_.slice(gil.track, qualified_name(*gil.holder), gil.since, end);
  if (bus_use_) bus_use_->finish(end);
  writer_.finish(end);
}

}  // namespace iosim
