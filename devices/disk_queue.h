// The disk firmware's scheduling policy: which waiting command a hard disk
// serves next. Plain C++ (no SystemC), so it can be tested, and predicted by
// hand, with a known queue.
//
//   FCFS  the oldest command.
//   SSTF  shortest seek first: the command whose cylinder is nearest the
//         head's; ties go to the oldest.
//   LOOK  the elevator: keep moving in the current direction while some
//         command lies ahead (a command on the head's own cylinder counts as
//         ahead) and serve the nearest of those, ties to the oldest; when none
//         lies ahead, reverse. The sweep starts upward (toward higher cylinders).
//
// Safety rule, for every policy: a command is never served before an older one
// that overlaps it when either of the two writes, so a read always returns the
// data of the writes rung before it, and writes to one sector land in order.
// The oldest command is therefore always eligible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace iosim {

enum class QueuePolicy { kFcfs, kSstf, kLook };

// A waiting command as the scheduler sees it.
struct QueueEntry {
  std::uint32_t cylinder = 0;        // where its first sector is
  std::uint64_t lba = 0, count = 0;  // the sectors it touches (count 0: none, e.g. invalid)
  bool write = false;
};

class DiskQueue {
 public:
  explicit DiskQueue(QueuePolicy policy = QueuePolicy::kFcfs) : policy_(policy) {}

  QueuePolicy policy() const { return policy_; }
  bool moving_up() const { return up_; }  // LOOK's current direction

  // Index in `waiting` (oldest first, not empty) of the command to serve next,
  // with the head on cylinder `head`. LOOK remembers its direction.
  std::size_t pick(std::span<const QueueEntry> waiting, std::uint32_t head);

 private:
  std::size_t nearest(std::span<const QueueEntry> waiting, const std::vector<bool>& eligible,
                      std::uint32_t head, int direction) const;

  QueuePolicy policy_;
  bool up_ = true;
};

// Whether `later` must wait for the older `earlier` (the safety rule above).
bool must_follow(const QueueEntry& earlier, const QueueEntry& later);

// The cylinders of `cylinders` (all waiting at once, oldest first; reads)
// in the order `policy` serves them, the head starting on `head` and ending
// each command on its cylinder. For tests, docs and students.
std::vector<std::uint32_t> service_order(QueuePolicy policy, std::uint32_t head,
                                         std::vector<std::uint32_t> cylinders);

}  // namespace iosim
