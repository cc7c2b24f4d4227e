// What a sandboxed policy printed (stdout and stderr share one pipe, so the
// lines keep the order they were written in): the first 64 KiB are kept, the
// rest only counted, so a policy that prints megabytes costs memory for none.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "grader/untrusted_text.h"

namespace iosim::grader {

class CapturedOutput {
 public:
  static constexpr std::size_t kKeep = 64 * 1024;

  void append(const char* data, std::size_t size) {
    total_ += size;
    if (kept_.size() < kKeep) kept_.append(data, std::min(size, kKeep - kept_.size()));
  }
  std::uint64_t bytes() const { return total_; }
  bool truncated() const { return total_ > kept_.size(); }
  // The kept bytes as safe text (untrusted_text), and a last line saying how
  // much was left out.
  std::string text() const {
    if (!truncated()) return untrusted_text(kept_);
    return untrusted_text(kept_) +
           fmt::format("\n[iosim: output truncated: {} bytes in all, the first {} shown]\n", total_,
                       kept_.size());
  }

 private:
  std::string kept_;
  std::uint64_t total_ = 0;
};

}  // namespace iosim::grader
