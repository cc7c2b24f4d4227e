// The binary protocol between iosim (the parent) and iosim-policy-host (the
// sandboxed child that runs a student's policy). Both ends are built from
// this file, on the same machine, so numbers travel in host byte order.
//
// A frame is a header {type, size} (two uint32) and `size` bytes of payload.
// The parent sends one request per policy call; the calls that return a value
// (create, pick, timeslice, tick, preempt, destroy) get exactly one answer of
// the matching type; the notifications (enqueue, block, exit) get none, so a
// decision costs one round trip. The child may also send, unasked, a
// kLoadError (instead of kReady) or a kNote (its last words before dying).
//
// The parent trusts nothing it reads: Inbox rejects unknown types, sizes over
// the cap for the type, and payloads that do not parse exactly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/scheduler.h"

namespace iosim::grader::protocol {

enum class Type : std::uint32_t {
  // parent -> child
  kCreate = 1,     // config                        -> kReady | kLoadError
  kEnqueue = 2,    // task, now                     (no answer)
  kPick = 3,       // core, now                     -> kTaskId
  kTimeslice = 4,  // task, core                    -> kNanoseconds
  kBlock = 5,      // task, now                     (no answer)
  kExit = 6,       // task, now                     (no answer)
  kTick = 7,       // core, running task, now       -> kFlag
  kPreempt = 8,    // woken task, running task, core, now -> kFlag
  kDestroy = 9,    //                               -> kDestroyed
  // child -> parent
  kReady = 101,        // ops mask (kHas*), policy name
  kLoadError = 102,    // message
  kTaskId = 103,       // uint64
  kNanoseconds = 104,  // int64
  kFlag = 105,         // int32
  kDestroyed = 106,    // (empty)
  kNote = 107,         // NoteWhat, int64 value
};

struct Header {
  std::uint32_t type;
  std::uint32_t size;
};

// Which optional functions the policy has (kReady's mask): the parent skips
// the round trip for the ones it lacks, exactly as the in-process loader does.
constexpr std::uint32_t kHasTimeslice = 1u << 0;
constexpr std::uint32_t kHasBlock = 1u << 1;
constexpr std::uint32_t kHasExit = 1u << 2;
constexpr std::uint32_t kHasTick = 1u << 3;
constexpr std::uint32_t kHasPreempt = 1u << 4;

// What a kNote says.
enum class NoteWhat : std::uint32_t {
  kForbiddenSyscall = 1,  // value: the system call number the filter trapped
  kAddressSpaceLeft = 2,  // value: bytes still mappable when a fatal signal came
};

// Strings are capped so that every frame has a small known bound.
constexpr std::size_t kMaxTaskName = 1024;   // a task's name or process, in a request
constexpr std::size_t kMaxPolicyName = 256;  // kReady's name
constexpr std::size_t kMaxMessage = 4096;    // kLoadError's message
constexpr std::size_t kMaxRequest = 2 * (2 * kMaxTaskName + 128) + 64;
constexpr std::size_t kMaxAnswer = kMaxMessage + 16;

bool is_request(std::uint32_t type);
// The largest payload a valid frame of this type can have; 0 for an unknown type
// (every known answer type except kDestroyed has a payload, and kDestroyed's is 0).
std::optional<std::size_t> max_answer_size(std::uint32_t type);
const char* request_name(Type type);  // "pick", "enqueue"...: for messages

// Builds one frame.
class Writer {
 public:
  explicit Writer(Type type);
  Writer& u32(std::uint32_t v) { return raw(&v, sizeof v); }
  Writer& i32(std::int32_t v) { return raw(&v, sizeof v); }
  Writer& u64(std::uint64_t v) { return raw(&v, sizeof v); }
  Writer& i64(std::int64_t v) { return raw(&v, sizeof v); }
  Writer& str(std::string_view s, std::size_t cap);  // uint32 length + bytes, cut at `cap`
  Writer& task(const iosim_task& t);
  Writer& config(const iosim_policy_config& c);
  // The finished frame (header filled in).
  const std::vector<std::uint8_t>& bytes();

 private:
  Writer& raw(const void* p, std::size_t n);
  std::vector<std::uint8_t> bytes_;
};

// Room for a task's two strings: what a C policy reads as const char*.
struct TaskStrings {
  char name[kMaxTaskName + 1];
  char process[kMaxTaskName + 1];
};

// Reads one frame's payload; every read checks the bounds. After a failed
// read, ok() is false and every later read returns zeros.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  std::uint32_t u32();
  std::int32_t i32();
  std::uint64_t u64();
  std::int64_t i64();
  std::string_view str(std::size_t cap);
  // The task's name and process are copied, NUL-terminated, into `strings`,
  // which must outlive the task.
  iosim_task task(TaskStrings& strings);
  iosim_policy_config config();
  bool ok() const { return ok_; }
  bool at_end() const { return ok_ && p_ == end_; }

 private:
  bool take(void* out, std::size_t n);
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  bool ok_ = true;
};

struct Frame {
  Type type;
  std::vector<std::uint8_t> payload;
};

// The parent's side of the answer stream: bytes go in as they arrive, whole
// frames come out, and anything malformed makes it bad() for good.
class Inbox {
 public:
  void append(const std::uint8_t* data, std::size_t size);
  // The next complete, well-formed frame, if one has arrived.
  std::optional<Frame> take();
  bool bad() const { return !problem_.empty(); }
  const std::string& problem() const { return problem_; }  // why it is bad
  bool empty() const { return buffer_.empty(); }

 private:
  std::vector<std::uint8_t> buffer_;
  std::string problem_;
};

}  // namespace iosim::grader::protocol
