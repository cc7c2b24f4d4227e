// Every change of every attached probe, kept in memory in time order, with
// the signals' names: what `iosim explain` tells its story from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/probe_sink.h"

namespace iosim {

class ProbeLog : public ProbeSink {
 public:
  struct Signal {
    std::string scope, name;
    int width;
  };
  struct Change {
    Ns at;
    int id;
    std::uint64_t value;
  };

  int add_signal(const std::string& scope, const std::string& name, int width) override {
    signals_.push_back(Signal{scope, name, width});
    return static_cast<int>(signals_.size()) - 1;
  }
  void change(int id, std::uint64_t value, Ns at) override {
    changes_.push_back(Change{at, id, value});
  }

  // The id of scope.name, or -1.
  int find(const std::string& scope, const std::string& name) const {
    for (std::size_t i = 0; i < signals_.size(); ++i)
      if (signals_[i].scope == scope && signals_[i].name == name) return static_cast<int>(i);
    return -1;
  }
  const std::vector<Signal>& signals() const { return signals_; }
  const std::vector<Change>& changes() const { return changes_; }

 private:
  std::vector<Signal> signals_;
  std::vector<Change> changes_;
};

}  // namespace iosim
