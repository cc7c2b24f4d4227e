#include "app/explain.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "app/platform.h"
#include "app/recorded_run.h"
#include "app/simulation.h"
#include "app/trace_names.h"
#include "sim/probe_log.h"
#include "sim/units.h"

namespace iosim {
namespace {

// Longer stories keep their beginning and their end.
constexpr std::size_t kMaxSteps = 60;

struct Step {
  Ns at;
  std::string text;
};

std::string when(Ns t) {
  return units::format_duration(t);
}

std::string thread_name(Platform& p, std::uint64_t id) {
  return qualified_name(*p.kernel().threads()[id]);
}

const char* kind_verb(IoRequest::Kind kind) {
  switch (kind) {
    case IoRequest::Kind::kDiskRead:
      return "read";
    case IoRequest::Kind::kDiskWrite:
      return "write";
    case IoRequest::Kind::kFetch:
      return "fetch";
  }
  return "?";
}

// The Nth request of the named thread (or of the first thread that did I/O).
const IoRecord* find_request(Platform& p, const std::string& who, int request, std::string* error) {
  const auto& log = p.kernel().io_log();
  std::optional<std::uint64_t> thread;
  if (!who.empty()) {
    for (const auto& t : p.kernel().threads())
      if (t->name == who || qualified_name(*t) == who) thread = t->id;
    if (!thread) {
      *error = fmt::format("there is no thread '{}'", who);
      return nullptr;
    }
  } else if (!log.empty()) {
    thread = log.front().thread;
  }
  int seen = 0;
  for (const IoRecord& r : log)
    if (thread && r.thread == *thread && ++seen == request) return &r;
  *error = thread ? fmt::format("{} made {} I/O request{} in this run, not {}",
                                thread_name(p, *thread), seen, seen == 1 ? "" : "s", request)
                  : "no thread made an I/O request in this run";
  return nullptr;
}

// The value `names` gives `v`, or the number.
std::string named(const std::vector<std::string>& names, std::uint64_t v) {
  return v < names.size() && !names[v].empty() ? names[v] : std::to_string(v);
}

// What the devices and cores did while the request was in flight, from the
// probe log, as sentences.
void device_steps(const ProbeLog& log, const GtkwNames& names, const IoRecord& r, Platform& p,
                  std::vector<Step>& steps) {
  const bool disk = r.kind != IoRequest::Kind::kFetch;
  for (const ProbeLog::Change& c : log.changes()) {
    if (c.at <= r.syscall || c.at > r.done) continue;
    const ProbeLog::Signal& s = log.signals()[static_cast<std::size_t>(c.id)];
    std::string text;
    if (disk && s.scope == "disk" && s.name == "firmware_state") {
      text = "disk firmware: " + named(names.disk_states, c.value);
    } else if (disk && s.scope == "disk" && s.name == "head_cylinder") {
      text = fmt::format("disk head over cylinder {}", c.value);
    } else if (!disk && s.scope == "nic" && s.name == "state") {
      text = "network card: " + named(names.nic_states, c.value);
    } else if (s.scope == "dma" && s.name.ends_with("_busy")) {
      text = fmt::format("DMA channel {} {}", s.name.substr(2, s.name.find('_') - 2),
                         c.value ? "starts copying between the device and RAM" : "is done");
    } else if (s.scope == "interrupts" && c.value == 1 &&
               s.name.ends_with(disk ? "_disk" : "_nic")) {
      text = fmt::format("the {} raises its interrupt line ({})",
                         disk ? "disk controller" : "network card", s.name);
    } else if (s.scope == "cores" && s.name.ends_with("_thread")) {
      const std::string core = s.name.substr(0, s.name.find('_'));
      text = c.value ? fmt::format("{} runs {}", core, thread_name(p, c.value - 1))
                     : fmt::format("{} has no thread (scheduler, handler or idle)", core);
    }
    if (!text.empty()) steps.push_back(Step{c.at, std::move(text)});
  }
}

// The request's own milestones, from the kernel's I/O log.
void kernel_steps(Platform& p, const IoRecord& r, std::vector<Step>& steps) {
  const std::string who = thread_name(p, r.thread);
  const KernelSpec& k = p.scenario().kernel;
  steps.push_back(Step{r.syscall, fmt::format("{} calls {}: it enters the kernel on core{}", who,
                                              kind_verb(r.kind), r.core)});
  if (r.submitted >= 0)
    steps.push_back(
        Step{r.submitted, k.io.completion == CompletionMode::kPolling
                              ? "the driver has programmed the device; it polls until done"
                              : "the driver has written the device's registers and rung its "
                                "doorbell"});
  if (r.blocked >= 0)
    steps.push_back(
        Step{r.blocked, fmt::format("{} blocks: core{} is free for other work", who, r.core)});
  if (r.async && r.submitted >= 0)
    steps.push_back(Step{r.submitted, "the coroutine awaits: the event loop runs other tasks"});
  if (r.completed >= 0)
    steps.push_back(
        Step{r.completed, r.blocked >= 0 || r.async
                              ? fmt::format("core{} handles the interrupt: the driver reaps the "
                                            "completion and {} is ready again",
                                            r.completed_on, who)
                              : fmt::format("core{} sees the request complete", r.completed_on)});
  if (r.resumed >= 0)
    steps.push_back(Step{r.resumed, fmt::format("the scheduler gives a core back to {}{}, which "
                                                "returns from the syscall",
                                                who,
                                                r.resumed - r.completed > 1000
                                                    ? " after " + when(r.resumed - r.completed) +
                                                          " ready but waiting for a core"
                                                    : "")});
  if (r.done >= 0)
    steps.push_back(Step{r.done, fmt::format("{}'s {} is done", who, kind_verb(r.kind))});
}

// Time each core spent in each (mode, thread) during [from, to].
struct CoreUse {
  Ns user_by_thread_total = 0;
  std::map<std::uint64_t, Ns> user;  // by thread id
  Ns kernel = 0, irq = 0, idle = 0;
};

std::vector<CoreUse> core_use(const ProbeLog& log, int cores, Ns from, Ns to) {
  std::vector<CoreUse> use(static_cast<std::size_t>(cores));
  for (int c = 0; c < cores; ++c) {
    const int state = log.find("cores", fmt::format("core{}_state", c));
    const int thread = log.find("cores", fmt::format("core{}_thread", c));
    std::uint64_t mode = 0, running = 0;
    Ns since = 0;
    CoreUse& u = use[static_cast<std::size_t>(c)];
    auto account = [&](Ns until) {
      const Ns a = std::max(since, from), b = std::min(until, to);
      if (b <= a) return;
      switch (static_cast<CoreMode>(mode)) {
        case CoreMode::kUser:
          u.user[running] += b - a;
          u.user_by_thread_total += b - a;
          break;
        case CoreMode::kKernel:
          u.kernel += b - a;
          break;
        case CoreMode::kIrq:
          u.irq += b - a;
          break;
        case CoreMode::kIdle:
          u.idle += b - a;
          break;
      }
    };
    for (const ProbeLog::Change& ch : log.changes()) {
      if (ch.id != state && ch.id != thread) continue;
      account(ch.at);
      since = ch.at;
      (ch.id == state ? mode : running) = ch.value;
    }
    account(to);
  }
  return use;
}

std::vector<std::string> story_lines(std::vector<Step> steps, const IoRecord& r) {
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.at < b.at; });
  std::vector<std::string> lines{fmt::format("{:>14}  {:>14}", "time", "since start")};
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps.size() > kMaxSteps && i == kMaxSteps / 2) {
      lines.push_back(
          fmt::format("{:>14}  {:>14}  ... {} more steps ...", "", "", steps.size() - kMaxSteps));
      i = steps.size() - kMaxSteps / 2;
    }
    lines.push_back(fmt::format("{:>14}  {:>14}  {}", when(steps[i].at),
                                "+" + when(steps[i].at - r.syscall), steps[i].text));
  }
  return lines;
}

// Three significant digits: a request's CPU share is often well under 1%.
std::string percent(Ns part, Ns whole) {
  return whole > 0 ? fmt::format("{:.3g}%",
                                 100.0 * static_cast<double>(part) / static_cast<double>(whole))
                   : "-";
}

// What each core did during the request, then the answer in one sentence.
void meanwhile(Platform& p, const ProbeLog& log, const IoRecord& r, RequestStory& story) {
  const Ns span = r.done - r.syscall;
  std::vector<CoreUse> use = core_use(log, p.cpu().cores(), r.syscall, r.done);
  story.window = fmt::format("Meanwhile ({} to {}):", when(r.syscall), when(r.done));
  Ns irq = 0, idle = 0;
  std::map<std::uint64_t, Ns> others;
  for (std::size_t c = 0; c < use.size(); ++c) {
    const CoreUse& u = use[c];
    std::string line = fmt::format("  core{}:", c);
    for (const auto& [id, t] : u.user) {
      line +=
          fmt::format(" {} {} ({}),", id ? thread_name(p, id - 1) : "?", when(t), percent(t, span));
      if (id && id - 1 != r.thread) others[id - 1] += t;
    }
    line += fmt::format(" kernel {}, interrupts {}, idle {}", when(u.kernel), when(u.irq),
                        when(u.idle));
    story.cores.push_back(line);
    irq += u.irq;
    idle += u.idle;
  }
  const bool polled = r.blocked < 0 && !r.async;
  const Ns enter = r.submitted >= 0 ? r.submitted - r.syscall : 0;
  const Ns leave = r.resumed >= 0 ? r.done - r.resumed : 0;
  const Ns cost = polled ? span : enter + leave + irq;  // polling: the core was its all along
  std::string rest;
  for (const auto& [id, t] : others)
    rest += fmt::format("{}{} for {}", rest.empty() ? "" : ", ", thread_name(p, id), when(t));
  story.answer = fmt::format("The request took {}. ", when(span));
  if (polled) {
    story.answer += fmt::format(
        "The CPU was not free: core{} stayed with it from the syscall to the end, polling "
        "the device ({}, {} of it), so nothing else could run there.",
        r.core, when(cost), percent(cost, span));
    return;
  }
  story.answer += fmt::format(
      "The CPU spent {} on it ({}): {} entering the kernel and programming the device, {} "
      "handling interrupts, {} returning. For the rest it was free: it ran {}, and was idle "
      "for {}.",
      when(cost), percent(cost, span), when(enter), when(irq), when(leave),
      rest.empty() ? "no other thread" : rest, when(idle));
}

}  // namespace

std::optional<RequestStory> tell_request(Platform& platform, const ProbeLog& log,
                                         const std::string& thread, int request,
                                         std::string* error) {
  const IoRecord* r = find_request(platform, thread, request, error);
  if (!r) return std::nullopt;
  if (r->done < 0) {
    *error = "that request had not finished when the run ended";
    return std::nullopt;
  }
  const KernelSpec& k = platform.scenario().kernel;
  RequestStory story;
  story.title =
      fmt::format("Request {} of {}: {} of {}{}", request, thread_name(platform, r->thread),
                  kind_verb(r->kind), units::format_size(r->bytes),
                  r->kind == IoRequest::Kind::kFetch ? std::string(" over the network")
                                                     : fmt::format(" at LBA {}", r->lba));
  const int cores = platform.cpu().cores();
  story.setup = fmt::format("  data moved by {}, completion by {}, {} core{}",
                            k.io.transfer == TransferMode::kDma ? "DMA" : "the CPU (PIO)",
                            k.io.completion == CompletionMode::kInterrupt ? "interrupt" : "polling",
                            cores, cores == 1 ? "" : "s");
  std::vector<Step> steps;
  kernel_steps(platform, *r, steps);
  device_steps(log, trace_names(platform), *r, platform, steps);
  story.steps = story_lines(std::move(steps), *r);
  meanwhile(platform, log, *r, story);
  return story;
}

int explain_command(const ExplainOptions& options) {
  RecordedRun run;
  if (const int status = record_run(options.run, run); status != kExitOk) return status;
  Platform& platform = *run.platform;
  const ProbeLog& log = run.log;
  std::string error;
  std::optional<RequestStory> story =
      tell_request(platform, log, options.thread, options.request, &error);
  if (!story) {
    std::fprintf(stderr, "iosim: error: %s\n", error.c_str());
    return kExitBadInput;
  }
  std::printf("%s\n%s\n%s\n\n", platform.scenario().name.c_str(), story->title.c_str(),
              story->setup.c_str());
  for (const std::string& line : story->steps)
    std::printf("%s\n", line.c_str());
  std::printf("\n%s\n", story->window.c_str());
  for (const std::string& line : story->cores)
    std::printf("%s\n", line.c_str());
  std::printf("\n%s\n", story->answer.c_str());
  return kExitOk;
}

}  // namespace iosim
