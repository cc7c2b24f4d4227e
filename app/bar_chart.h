// Horizontal bar charts as a self-contained SVG document, for
// `iosim compare --plot`: one panel per measure, one bar per run, each bar
// labelled with its run and its value. Deterministic text, no scripts.
#pragma once

#include <string>
#include <vector>

namespace iosim {

struct BarPanel {
  std::string title;               // "simulated time"
  std::vector<double> values;      // one per label; negative = no value
  std::vector<std::string> shown;  // the value as the table prints it
};

std::string bar_chart_svg(const std::string& title, const std::vector<std::string>& labels,
                          const std::vector<BarPanel>& panels);

}  // namespace iosim
