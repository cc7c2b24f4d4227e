#include "grader/policy_host.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "grader/policy_protocol.h"

namespace iosim::grader {
namespace {

namespace proto = protocol;

// ---- Last words: what a dying host tells the parent (a hint, never trusted) ----

std::uint64_t memory_limit = 0;
alignas(16) char signal_stack[64 * 1024];

// Async-signal-safe: one write of a fixed-size frame.
void write_note(proto::NoteWhat what, std::int64_t value) {
  struct {
    proto::Header header;
    std::uint32_t what;
    std::int64_t value;
  } __attribute__((packed)) note{{static_cast<std::uint32_t>(proto::Type::kNote), 12},
                                 static_cast<std::uint32_t>(what),
                                 value};
  [[maybe_unused]] ssize_t n = write(kAnswerFd, &note, sizeof note);
}

// The largest block that can still be mapped: near zero when the policy used
// up its address space (RLIMIT_AS), which tells a memory failure from a bug.
std::int64_t address_space_left() {
  std::uint64_t lo = 0, hi = memory_limit;
  while (hi - lo > 64 * 1024) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    void* p = mmap(nullptr, mid, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      hi = mid;
    } else {
      munmap(p, mid);
      lo = mid;
    }
  }
  return static_cast<std::int64_t>(lo);
}

// A system call the filter traps: name it, then die by SIGSYS. The handler
// was reset on entry (SA_RESETHAND), so the next trapped call kills.
void on_sigsys(int, siginfo_t* info, void*) {
  write_note(proto::NoteWhat::kForbiddenSyscall, info->si_syscall);
  syscall(SYS_vhangup);
}

// A fatal signal: say how much address space was left, then die by it.
void on_fatal(int sig, siginfo_t*, void*) {
  write_note(proto::NoteWhat::kAddressSpaceLeft, address_space_left());
  syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);  // pending until the handler returns
}

void install_last_words() {
  stack_t stack{};
  stack.ss_sp = signal_stack;
  stack.ss_size = sizeof signal_stack;
  sigaltstack(&stack, nullptr);  // a stack overflow must still reach on_fatal
  struct sigaction action {};
  action.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK;
  action.sa_sigaction = on_sigsys;
  sigaction(SIGSYS, &action, nullptr);
  action.sa_sigaction = on_fatal;
  for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE})
    sigaction(sig, &action, nullptr);
}

// ---- Confinement ----

void set_limit(int resource, rlim_t soft, rlim_t hard) {
  const rlimit limit{soft, hard};
  setrlimit(resource, &limit);
}

void set_limits(const HostLimits& limits) {
  const auto cpu = static_cast<rlim_t>(limits.cpu_seconds);
  set_limit(RLIMIT_CPU, cpu, cpu + 1);  // SIGXCPU, then SIGKILL a second later
  set_limit(RLIMIT_AS, limits.memory_bytes, limits.memory_bytes);
  set_limit(RLIMIT_FSIZE, 0, 0);
  set_limit(RLIMIT_NOFILE, 16, 16);
  set_limit(RLIMIT_CORE, 0, 0);
  set_limit(RLIMIT_NPROC, 0, 0);  // ignored for root; the filter forbids fork anyway
  set_limit(RLIMIT_MEMLOCK, 0, 0);
  set_limit(RLIMIT_MSGQUEUE, 0, 0);
}

// Run as the grader's user, but without any capability (a grader run as root
// keeps root's uid, not its powers), and never gain privileges again.
void drop_privileges() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  syscall(SYS_capset, &header, data);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

// Landlock: from here on, files can be opened only for reading and only under
// the system's library folders or the policy library itself. Best effort:
// returns false (and changes nothing) on a kernel without Landlock.
bool restrict_files(const std::string& library) {
  const long abi =
      syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) return false;
  std::uint64_t handled = (1ull << 13) - 1;  // ABI 1: execute .. make_sym
  if (abi >= 2) handled |= 1ull << 13;       // refer
  if (abi >= 3) handled |= 1ull << 14;       // truncate
  if (abi >= 5) handled |= 1ull << 15;       // ioctl on devices
  landlock_ruleset_attr attr{};
  attr.handled_access_fs = handled;
  const int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0));
  if (ruleset < 0) return false;
  constexpr std::uint64_t kReadFile = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE;
  auto allow = [&](const char* path, std::uint64_t access) {
    const int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return;
    landlock_path_beneath_attr rule{access, fd};
    syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
    close(fd);
  };
  for (const char* dir : {"/usr", "/lib", "/lib64", "/lib32"})
    allow(dir, kReadFile | LANDLOCK_ACCESS_FS_READ_DIR);
  allow("/etc/ld.so.cache", kReadFile);
  allow(library.c_str(), kReadFile);
  const bool ok = syscall(SYS_landlock_restrict_self, ruleset, 0) == 0;
  close(ruleset);
  return ok;
}

void allow(scmp_filter_ctx ctx, int nr) {
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

// Before the library loads: what dlopen, malloc, stdio and a C or C++ policy
// need, and nothing else. Anything else traps (SIGSYS: on_sigsys names it).
scmp_filter_ctx filter_for_loading() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
  for (int nr : {SCMP_SYS(read),
                 SCMP_SYS(readv),
                 SCMP_SYS(pread64),
                 SCMP_SYS(lseek),
                 SCMP_SYS(close),
                 SCMP_SYS(fstat),
                 SCMP_SYS(newfstatat),
                 SCMP_SYS(statx),
                 SCMP_SYS(access),
                 SCMP_SYS(faccessat),
                 SCMP_SYS(faccessat2),
                 SCMP_SYS(mmap),
                 SCMP_SYS(munmap),
                 SCMP_SYS(mprotect),
                 SCMP_SYS(mremap),
                 SCMP_SYS(madvise),
                 SCMP_SYS(brk),
                 SCMP_SYS(futex),
                 SCMP_SYS(sched_yield),
                 SCMP_SYS(nanosleep),
                 SCMP_SYS(clock_nanosleep),
                 SCMP_SYS(clock_gettime),
                 SCMP_SYS(clock_getres),
                 SCMP_SYS(gettimeofday),
                 SCMP_SYS(time),
                 SCMP_SYS(getpid),
                 SCMP_SYS(gettid),
                 SCMP_SYS(getppid),
                 SCMP_SYS(getuid),
                 SCMP_SYS(geteuid),
                 SCMP_SYS(getgid),
                 SCMP_SYS(getegid),
                 SCMP_SYS(getrandom),
                 SCMP_SYS(sysinfo),
                 SCMP_SYS(uname),
                 SCMP_SYS(getrusage),
                 SCMP_SYS(times),
                 SCMP_SYS(sched_getaffinity),
                 SCMP_SYS(getrlimit),
                 SCMP_SYS(rt_sigprocmask),
                 SCMP_SYS(rt_sigreturn),
                 SCMP_SYS(sigaltstack),
                 SCMP_SYS(exit),
                 SCMP_SYS(exit_group)})
    allow(ctx, nr);
  // Writes only to the answer pipe and the output pipe.
  for (scmp_datum_t fd : {STDOUT_FILENO, STDERR_FILENO, kAnswerFd}) {
    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, fd));
    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(writev), 1, SCMP_A0(SCMP_CMP_EQ, fd));
  }
  // Opening for reading only (Landlock decides which files).
  constexpr scmp_datum_t kWriting = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | __O_TMPFILE;
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                   SCMP_A2(SCMP_CMP_MASKED_EQ, kWriting, 0));
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(open), 1,
                   SCMP_A1(SCMP_CMP_MASKED_EQ, kWriting, 0));
  // Signals to itself only; nobody may take over SIGSYS (that would hide a trap).
  const auto self = static_cast<scmp_datum_t>(getpid());
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, SCMP_A0(SCMP_CMP_EQ, self));
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, SCMP_A0(SCMP_CMP_EQ, self));
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(rt_sigaction), 1, SCMP_A0(SCMP_CMP_NE, SIGSYS));
  seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(rt_sigaction), 1,
                   SCMP_A0(SCMP_CMP_EQ, SIGSYS));
  // Reading limits, never raising them.
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 1, SCMP_A2(SCMP_CMP_EQ, 0));
  // Only to install the second, stricter filter (filters only ever add restrictions).
  seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(seccomp), 1,
                   SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER));
  return ctx;
}

// After the library is in: no file can be opened at all, and no memory can
// become executable (no code but what was loaded).
scmp_filter_ctx filter_after_loading() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);  // already set; prctl is not allowed any more
  seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(open), 0);
  seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(openat), 0);
  seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(mmap), 1,
                   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
  seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(mprotect), 1,
                   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
  return ctx;
}

// ---- Loading ----

void send_frame(proto::Writer& w) {
  const auto& bytes = w.bytes();
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(kAnswerFd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(0);  // iosim went away
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void fail_to_load(const std::string& message) {
  proto::Writer w(proto::Type::kLoadError);
  w.str(message, proto::kMaxMessage);
  send_frame(w);
  std::fflush(nullptr);
  _exit(3);
}

// The ops table, or a kLoadError and exit: the same checks as the in-process
// loader (kernel/policies/policy_registry.cpp).
const iosim_policy_ops* load(const std::string& library) {
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) fail_to_load(std::string("cannot load policy: ") + dlerror());
  auto entry = reinterpret_cast<iosim_policy_entry_fn>(dlsym(handle, "iosim_scheduler_policy"));
  if (!entry) fail_to_load("it does not export iosim_scheduler_policy");
  const iosim_policy_ops* ops = entry();
  if (!ops || ops->abi_version != IOSIM_SCHED_ABI_VERSION)
    fail_to_load("its ABI version is not " + std::to_string(IOSIM_SCHED_ABI_VERSION));
  if (!ops->enqueue || !ops->pick) fail_to_load("it lacks enqueue or pick");
  return ops;
}

// ---- Serving ----

// Static: once the policy runs, the host allocates nothing (the policy may have
// used up the address space).
alignas(8) std::uint8_t request[proto::kMaxRequest];
proto::TaskStrings strings[2];
// iosim sends notifications in batches with the next question: read in bulk.
std::uint8_t incoming[64 * 1024];
std::size_t incoming_at = 0, incoming_end = 0;

void read_exact(void* out, std::size_t size) {
  auto* p = static_cast<std::uint8_t*>(out);
  while (size > 0) {
    if (incoming_at == incoming_end) {
      const ssize_t n = read(kRequestFd, incoming, sizeof incoming);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // iosim went away (or closed the pipe to end the run)
        std::fflush(nullptr);
        _exit(0);
      }
      incoming_at = 0;
      incoming_end = static_cast<std::size_t>(n);
    }
    const std::size_t k = std::min(size, incoming_end - incoming_at);
    std::memcpy(p, incoming + incoming_at, k);
    incoming_at += k;
    p += k;
    size -= k;
  }
}

template <typename T>
void answer(proto::Type type, T value) {
  struct {
    proto::Header header;
    T value;
  } __attribute__((packed)) frame{{static_cast<std::uint32_t>(type), sizeof(T)}, value};
  const auto* p = reinterpret_cast<const std::uint8_t*>(&frame);
  std::size_t done = 0;
  while (done < sizeof frame) {
    const ssize_t n = write(kAnswerFd, p + done, sizeof frame - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(0);
    done += static_cast<std::size_t>(n);
  }
}

std::uint32_t ops_mask(const iosim_policy_ops* ops) {
  return (ops->timeslice_ns ? proto::kHasTimeslice : 0) | (ops->block ? proto::kHasBlock : 0) |
         (ops->exit ? proto::kHasExit : 0) | (ops->tick ? proto::kHasTick : 0) |
         (ops->preempt ? proto::kHasPreempt : 0);
}

class Server {
 public:
  explicit Server(const iosim_policy_ops* ops) : ops_(ops) {}
  [[noreturn]] void run() {
    for (;;) {
      proto::Header h;
      read_exact(&h, sizeof h);
      if (!proto::is_request(h.type) || h.size > sizeof request) bad_request();
      read_exact(request, h.size);
      proto::Reader r(request, h.size);
      handle(static_cast<proto::Type>(h.type), r);
    }
  }

 private:
  [[noreturn]] static void bad_request() {
    std::fputs("iosim-policy-host: a malformed request (is this iosim's host?)\n", stderr);
    _exit(2);
  }

  void handle(proto::Type type, proto::Reader& r) {
    switch (type) {
      case proto::Type::kCreate:
        return create(r.config());
      case proto::Type::kEnqueue: {
        const iosim_task t = r.task(strings[0]);
        return ops_->enqueue(self_, &t, r.i64());
      }
      case proto::Type::kPick: {
        const std::int32_t core = r.i32();
        return answer(proto::Type::kTaskId, ops_->pick(self_, core, r.i64()));
      }
      case proto::Type::kTimeslice: {
        const iosim_task t = r.task(strings[0]);
        const std::int32_t core = r.i32();
        return answer(proto::Type::kNanoseconds,
                      ops_->timeslice_ns ? ops_->timeslice_ns(self_, &t, core) : quantum_);
      }
      case proto::Type::kBlock:
      case proto::Type::kExit: {
        const iosim_task t = r.task(strings[0]);
        const std::int64_t now = r.i64();
        auto* fn = type == proto::Type::kBlock ? ops_->block : ops_->exit;
        if (fn) fn(self_, &t, now);
        return;
      }
      case proto::Type::kTick: {
        const std::int32_t core = r.i32();
        const iosim_task t = r.task(strings[0]);
        const std::int64_t now = r.i64();
        return answer(proto::Type::kFlag, ops_->tick ? ops_->tick(self_, core, &t, now) : 0);
      }
      case proto::Type::kPreempt: {
        const iosim_task woken = r.task(strings[0]);
        const iosim_task running = r.task(strings[1]);
        const std::int32_t core = r.i32();
        const std::int64_t now = r.i64();
        return answer(proto::Type::kFlag,
                      ops_->preempt ? ops_->preempt(self_, &woken, &running, core, now) : 0);
      }
      case proto::Type::kDestroy:
        return destroy();
      default:
        bad_request();
    }
  }

  void create(const iosim_policy_config& config) {
    quantum_ = config.quantum_ns;
    self_ = ops_->create ? ops_->create(&config) : nullptr;
    proto::Writer w(proto::Type::kReady);
    w.u32(ops_mask(ops_)).str(ops_->name ? ops_->name : "unnamed", proto::kMaxPolicyName);
    send_frame(w);
  }

  [[noreturn]] void destroy() {
    if (ops_->destroy) ops_->destroy(self_);
    std::fflush(nullptr);
    const proto::Header done{static_cast<std::uint32_t>(proto::Type::kDestroyed), 0};
    [[maybe_unused]] ssize_t n = write(kAnswerFd, &done, sizeof done);
    _exit(0);  // the library's destructors do not run (as after a kill)
  }

  const iosim_policy_ops* ops_;
  void* self_ = nullptr;
  std::int64_t quantum_ = 0;
};

bool started_by_iosim() {
  return fcntl(kRequestFd, F_GETFD) >= 0 && fcntl(kAnswerFd, F_GETFD) >= 0;
}

}  // namespace

int run_policy_host(const std::string& library, const HostLimits& limits) {
  if (!started_by_iosim()) {
    std::fputs(
        "iosim-policy-host: iosim starts this program (iosim run --sandbox); "
        "it is not meant to be run by hand\n",
        stderr);
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  memory_limit = limits.memory_bytes;
  static char out_buffer[4096];  // line-buffered: a policy's last lines survive a kill
  std::setvbuf(stdout, out_buffer, _IOLBF, sizeof out_buffer);
  set_limits(limits);
  drop_privileges();
  install_last_words();
  restrict_files(library);
  scmp_filter_ctx loading = filter_for_loading();
  scmp_filter_ctx loaded = filter_after_loading();
  if (!loading || !loaded || seccomp_load(loading) != 0) {
    std::fputs("iosim-policy-host: cannot install the seccomp filter\n", stderr);
    return 2;
  }
  const iosim_policy_ops* ops = load(library);
  if (seccomp_load(loaded) != 0) fail_to_load("cannot install the second seccomp filter");
  Server(ops).run();
}

}  // namespace iosim::grader
