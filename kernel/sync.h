// The synchronisation objects threads block on. They are plain data: the
// kernel's syscalls (kernel_sync.cpp) implement their rules. Waiters are
// served first come, first served, and a released mutex or semaphore is
// handed straight to the first waiter, so no thread can starve another.
#pragma once

#include <cstdint>
#include <deque>

#include "sim/ns.h"

namespace iosim {

struct Thread;

struct Mutex {
  Thread* owner = nullptr;
  std::deque<Thread*> waiters;
  std::uint64_t acquisitions = 0, contended = 0;
};

struct Semaphore {
  std::uint64_t count = 0;
  std::deque<Thread*> waiters;
};

// A condition variable tied to one mutex (Python's threading.Condition).
struct Condition {
  Mutex* lock = nullptr;
  std::deque<Thread*> waiters;
};

// A pipe-backed message queue between processes (multiprocessing.Queue).
// Messages are sizes: what matters is the time their bytes take to pickle
// and copy, and the pipe's capacity.
struct MessageQueue {
  std::uint64_t capacity = 0, used = 0;
  std::deque<std::uint64_t> messages;  // their sizes, oldest first
  std::deque<Thread*> senders, receivers;
  std::uint64_t sent = 0, received = 0, bytes = 0;
};

// A Python-like global interpreter lock: a thread of a `python` process must
// hold it to run interpreted code. Released around blocking calls; a holder
// is asked to drop it when another thread has waited a switch interval.
struct Gil {
  Thread* holder = nullptr;
  std::deque<Thread*> waiters;
  Ns since = 0;                // when the current holder took it
  std::uint64_t switches = 0;  // changes of holder (tells a drop request it is stale)
  bool check_armed = false;    // a drop-request timeout is pending
  std::uint64_t drop_requests = 0;
  std::uint64_t waiting = 0;  // threads in state kWaiting for it, for traces
};

}  // namespace iosim
