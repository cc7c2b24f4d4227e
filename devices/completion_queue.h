// The COMPLETE register's queue, shared by the devices that take tagged
// commands (the disk controller and the network card): finished commands
// wait here, oldest first, as (tag << 1) | failed, until the driver pops them.
// It also counts the entries whose command asked for an interrupt, which is
// what holds a level-triggered interrupt line high.
#pragma once

#include <cstdint>
#include <deque>

namespace iosim {

class CompletionQueue {
 public:
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // what COMPLETE reads when empty

  void push(std::uint64_t tag, bool failed, bool wants_irq) {
    entries_.push_back({(tag << 1) | (failed ? 1 : 0), wants_irq});
    if (wants_irq) ++waiting_irq_;
  }

  std::uint64_t pop() {
    if (entries_.empty()) return kEmpty;
    Entry e = entries_.front();
    entries_.pop_front();
    if (e.wants_irq) --waiting_irq_;
    return e.value;
  }

  bool empty() const { return entries_.empty(); }
  // Entries waiting whose command asked for an interrupt.
  std::size_t waiting_irq() const { return waiting_irq_; }

 private:
  struct Entry {
    std::uint64_t value;
    bool wants_irq;
  };
  std::deque<Entry> entries_;
  std::size_t waiting_irq_ = 0;
};

}  // namespace iosim
