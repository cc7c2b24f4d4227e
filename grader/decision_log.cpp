#include "grader/decision_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace iosim::grader {
namespace {

const char* reason_name(iosim_ready_reason reason) {
  switch (reason) {
    case IOSIM_READY_ARRIVED:
      return "arrived";
    case IOSIM_READY_WOKEN:
      return "woken";
    case IOSIM_READY_PREEMPTED:
      return "preempted";
    case IOSIM_READY_YIELDED:
      return "yielded";
  }
  return "?";
}

std::string task_json(std::uint64_t id) {
  return id == IOSIM_NO_TASK ? "null" : std::to_string(id);
}

}  // namespace

DecisionLogWriter::DecisionLogWriter(const std::string& path, const Kernel& kernel, int cores)
    : file_(std::fopen(path.c_str(), "w")),
      kernel_(kernel),
      pending_(static_cast<std::size_t>(cores), kNoTask) {
  if (!file_)
    throw std::runtime_error(
        fmt::format("cannot write the decision log '{}': {}", path, std::strerror(errno)));
  // Threads that start at boot were made ready before the log existed.
  for (const auto& t : kernel.threads())
    if (t->state == ThreadState::kReady) readied(0, *t, IOSIM_READY_ARRIVED);
}

DecisionLogWriter::~DecisionLogWriter() {
  std::fclose(file_);
}

void DecisionLogWriter::readied(Ns at, const Thread& t, iosim_ready_reason reason) {
  std::string line = fmt::format(R"({{"t":{},"ev":"ready","task":{},"reason":"{}")", at, t.id,
                                 reason_name(reason));
  if (t.id >= named_.size()) named_.resize(t.id + 1, false);
  if (!named_[t.id]) {
    named_[t.id] = true;
    line += fmt::format(R"(,"name":{})", nlohmann::json(qualified_name(t)).dump());
    if (t.spec->affinity != 0) line += fmt::format(R"(,"affinity":{})", t.spec->affinity);
  }
  std::fprintf(file_, "%s}\n", line.c_str());
}

// The ready set the policy chose from: ready threads that no other core has
// taken yet (a picked thread stays "ready" through its context switch).
void DecisionLogWriter::picked(Ns at, int core, std::uint64_t chosen) {
  std::string ready;
  for (const auto& t : kernel_.threads()) {
    if (t->state != ThreadState::kReady) continue;
    if (std::find(pending_.begin(), pending_.end(), t->id) != pending_.end()) continue;
    ready += fmt::format("{}{}", ready.empty() ? "" : ",", t->id);
  }
  std::fprintf(file_,
               R"({"t":%lld,"ev":"pick","core":%d,"task":%s,"ready":[%s]})"
               "\n",
               static_cast<long long>(at), core, task_json(chosen).c_str(), ready.c_str());
  pending_[static_cast<std::size_t>(core)] = chosen;
}

void DecisionLogWriter::granted(Ns at, int core, const Thread& t, Ns slice) {
  std::uint64_t& pending = pending_[static_cast<std::size_t>(core)];
  const bool renew = pending != t.id;
  pending = kNoTask;
  std::fprintf(file_,
               R"({"t":%lld,"ev":"slice","core":%d,"task":%llu,"slice_ns":%lld,"renew":%s})"
               "\n",
               static_cast<long long>(at), core, static_cast<unsigned long long>(t.id),
               static_cast<long long>(slice), renew ? "true" : "false");
}

void DecisionLogWriter::left(const Slice& s) {
  std::fprintf(file_,
               R"({"t":%lld,"ev":"end","core":%d,"task":%llu,"start":%lld,"why":"%s"})"
               "\n",
               static_cast<long long>(s.end), s.core, static_cast<unsigned long long>(s.thread),
               static_cast<long long>(s.start), s.ended_by);
}

std::string DecisionLog::name(std::uint64_t id) const {
  auto it = tasks.find(id);
  return it != tasks.end() && !it->second.name.empty() ? it->second.name
                                                       : fmt::format("task {}", id);
}

bool DecisionLog::allowed(std::uint64_t id, int core) const {
  auto it = tasks.find(id);
  if (it == tasks.end() || it->second.affinity == 0) return true;
  return core < 64 && ((it->second.affinity >> core) & 1u) != 0;
}

namespace {

Decision::Kind kind_of(const std::string& ev) {
  if (ev == "ready") return Decision::Kind::kReady;
  if (ev == "pick") return Decision::Kind::kPick;
  if (ev == "slice") return Decision::Kind::kSlice;
  if (ev == "end") return Decision::Kind::kEnd;
  throw std::runtime_error("unknown event '" + ev + "'");
}

Decision decision_of(const nlohmann::json& j, DecisionLog& log) {
  Decision d;
  d.kind = kind_of(j.at("ev").get<std::string>());
  d.t = j.at("t").get<std::int64_t>();
  if (j.contains("core")) d.core = j.at("core").get<int>();
  if (!j.at("task").is_null()) d.task = j.at("task").get<std::uint64_t>();
  switch (d.kind) {
    case Decision::Kind::kReady:
      d.why = j.at("reason").get<std::string>();
      if (j.contains("name")) {
        TaskInfo& info = log.tasks[d.task];
        info.name = j.at("name").get<std::string>();
        info.affinity = j.value("affinity", std::uint64_t{0});
      }
      break;
    case Decision::Kind::kPick:
      d.ready = j.at("ready").get<std::vector<std::uint64_t>>();
      break;
    case Decision::Kind::kSlice:
      d.slice_ns = j.at("slice_ns").get<std::int64_t>();
      d.renew = j.at("renew").get<bool>();
      break;
    case Decision::Kind::kEnd:
      d.start = j.at("start").get<std::int64_t>();
      d.why = j.at("why").get<std::string>();
      break;
  }
  return d;
}

}  // namespace

std::optional<DecisionLog> parse_decision_log(const std::string& text, std::string* error) {
  DecisionLog log;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    try {
      log.decisions.push_back(decision_of(nlohmann::json::parse(line), log));
    } catch (const std::exception& e) {
      // A run killed mid-write leaves a partial last line: keep what came before.
      if (in.peek() == std::char_traits<char>::eof() && text.back() != '\n') break;
      if (error) *error = fmt::format("line {}: {}", number, e.what());
      return std::nullopt;
    }
  }
  return log;
}

std::optional<DecisionLog> read_decision_log(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = fmt::format("cannot read '{}': {}", path, std::strerror(errno));
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_decision_log(text.str(), error);
}

}  // namespace iosim::grader
