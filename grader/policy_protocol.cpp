#include "grader/policy_protocol.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace iosim::grader::protocol {

bool is_request(std::uint32_t type) {
  return type >= static_cast<std::uint32_t>(Type::kCreate) &&
         type <= static_cast<std::uint32_t>(Type::kDestroy);
}

std::optional<std::size_t> max_answer_size(std::uint32_t type) {
  switch (static_cast<Type>(type)) {
    case Type::kReady:
      return 4 + 4 + kMaxPolicyName;
    case Type::kLoadError:
      return 4 + kMaxMessage;
    case Type::kTaskId:
    case Type::kNanoseconds:
      return 8;
    case Type::kFlag:
      return 4;
    case Type::kDestroyed:
      return 0;
    case Type::kNote:
      return 12;
    default:
      return std::nullopt;
  }
}

const char* request_name(Type type) {
  switch (type) {
    case Type::kCreate:
      return "load";
    case Type::kEnqueue:
      return "enqueue";
    case Type::kPick:
      return "pick";
    case Type::kTimeslice:
      return "timeslice_ns";
    case Type::kBlock:
      return "block";
    case Type::kExit:
      return "exit";
    case Type::kTick:
      return "tick";
    case Type::kPreempt:
      return "preempt";
    case Type::kDestroy:
      return "destroy";
    default:
      return "?";
  }
}

Writer::Writer(Type type) {
  Header h{static_cast<std::uint32_t>(type), 0};
  raw(&h, sizeof h);
}

// resize + memcpy rather than insert: GCC 12 warns wrongly (stringop-overflow) about the latter.
Writer& Writer::raw(const void* p, std::size_t n) {
  const std::size_t old = bytes_.size();
  bytes_.resize(old + n);
  if (n > 0) std::memcpy(bytes_.data() + old, p, n);
  return *this;
}

Writer& Writer::str(std::string_view s, std::size_t cap) {
  s = s.substr(0, cap);
  u32(static_cast<std::uint32_t>(s.size()));
  return raw(s.data(), s.size());
}

Writer& Writer::task(const iosim_task& t) {
  u64(t.id);
  str(t.name ? t.name : "", kMaxTaskName);
  str(t.process ? t.process : "", kMaxTaskName);
  i32(t.priority).i32(t.nice).u32(t.tickets).i32(t.last_core).u64(t.affinity);
  i64(t.arrival_ns).i64(t.expected_ns).i64(t.cpu_ns).i64(t.last_burst_ns);
  return i32(t.reason).i32(t.reserved);
}

Writer& Writer::config(const iosim_policy_config& c) {
  return i64(c.quantum_ns).i32(c.cores).i32(c.reserved).u64(c.seed);
}

const std::vector<std::uint8_t>& Writer::bytes() {
  const auto size = static_cast<std::uint32_t>(bytes_.size() - sizeof(Header));
  std::memcpy(bytes_.data() + offsetof(Header, size), &size, sizeof size);
  return bytes_;
}

bool Reader::take(void* out, std::size_t n) {
  if (!ok_ || static_cast<std::size_t>(end_ - p_) < n) {
    ok_ = false;
    std::memset(out, 0, n);
    return false;
  }
  std::memcpy(out, p_, n);
  p_ += n;
  return true;
}

std::uint32_t Reader::u32() {
  std::uint32_t v;
  take(&v, sizeof v);
  return v;
}

std::int32_t Reader::i32() {
  std::int32_t v;
  take(&v, sizeof v);
  return v;
}

std::uint64_t Reader::u64() {
  std::uint64_t v;
  take(&v, sizeof v);
  return v;
}

std::int64_t Reader::i64() {
  std::int64_t v;
  take(&v, sizeof v);
  return v;
}

std::string_view Reader::str(std::size_t cap) {
  const std::uint32_t n = u32();
  if (!ok_ || n > cap || static_cast<std::size_t>(end_ - p_) < n) {
    ok_ = false;
    return {};
  }
  std::string_view s(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return s;
}

iosim_task Reader::task(TaskStrings& strings) {
  iosim_task t{};
  t.id = u64();
  auto copy = [&](char* out) {
    const std::string_view s = str(kMaxTaskName);
    if (!s.empty()) std::memcpy(out, s.data(), s.size());
    out[s.size()] = '\0';
    return out;
  };
  t.name = copy(strings.name);
  t.process = copy(strings.process);
  t.priority = i32();
  t.nice = i32();
  t.tickets = u32();
  t.last_core = i32();
  t.affinity = u64();
  t.arrival_ns = i64();
  t.expected_ns = i64();
  t.cpu_ns = i64();
  t.last_burst_ns = i64();
  t.reason = i32();
  t.reserved = i32();
  return t;
}

iosim_policy_config Reader::config() {
  iosim_policy_config c{};
  c.quantum_ns = i64();
  c.cores = i32();
  c.reserved = i32();
  c.seed = u64();
  return c;
}

namespace {

// Whether a payload of a known answer type has exactly the shape that type needs.
bool well_formed(Type type, const std::vector<std::uint8_t>& payload) {
  Reader r(payload.data(), payload.size());
  switch (type) {
    case Type::kReady:
      r.u32();
      r.str(kMaxPolicyName);
      break;
    case Type::kLoadError:
      r.str(kMaxMessage);
      break;
    case Type::kTaskId:
    case Type::kNanoseconds:
      r.u64();
      break;
    case Type::kFlag:
      r.i32();
      break;
    case Type::kDestroyed:
      break;
    case Type::kNote: {
      const std::uint32_t what = r.u32();
      r.i64();
      if (what != static_cast<std::uint32_t>(NoteWhat::kForbiddenSyscall) &&
          what != static_cast<std::uint32_t>(NoteWhat::kAddressSpaceLeft))
        return false;
      break;
    }
    default:
      return false;
  }
  return r.at_end();
}

}  // namespace

void Inbox::append(const std::uint8_t* data, std::size_t size) {
  buffer_.insert(buffer_.end(), data, data + size);
}

std::optional<Frame> Inbox::take() {
  if (bad() || buffer_.size() < sizeof(Header)) return std::nullopt;
  Header h;
  std::memcpy(&h, buffer_.data(), sizeof h);
  const std::optional<std::size_t> cap = max_answer_size(h.type);
  if (!cap) {
    problem_ = fmt::format("a frame of unknown type {}", h.type);
    return std::nullopt;
  }
  if (h.size > *cap) {
    problem_ = fmt::format("a frame of type {} with {} bytes (at most {})", h.type, h.size, *cap);
    return std::nullopt;
  }
  if (buffer_.size() < sizeof h + h.size) return std::nullopt;
  Frame frame{
      static_cast<Type>(h.type),
      std::vector<std::uint8_t>(buffer_.begin() + sizeof h,
                                buffer_.begin() + static_cast<std::ptrdiff_t>(sizeof h + h.size))};
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(sizeof h + h.size));
  if (!well_formed(frame.type, frame.payload)) {
    problem_ = fmt::format("a malformed frame of type {} ({} bytes)", h.type, h.size);
    return std::nullopt;
  }
  return frame;
}

}  // namespace iosim::grader::protocol
