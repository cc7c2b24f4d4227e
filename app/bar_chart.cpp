#include "app/bar_chart.h"

#include "app/xml_escape.h"

#include <fmt/format.h>

#include <algorithm>

namespace iosim {
namespace {

constexpr int kBarSpace = 430, kBarHeight = 18, kGap = 6, kPanelGap = 34;
constexpr int kCharWidth = 7;  // about, at 13 px sans-serif: labels get room for their length

// One panel: its title, then a bar per label scaled to the largest value.
std::string panel_svg(const BarPanel& panel, const std::vector<std::string>& labels, int top,
                      int label_width) {
  std::string out = fmt::format("<text x=\"10\" y=\"{}\" font-weight=\"bold\">{}</text>\n",
                                top + 14, xml_escape(panel.title));
  double largest = 0;
  for (double v : panel.values)
    largest = std::max(largest, v);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const int y = top + 24 + static_cast<int>(i) * (kBarHeight + kGap);
    const double v = i < panel.values.size() ? panel.values[i] : -1;
    const int w = v > 0 && largest > 0 ? std::max(1, static_cast<int>(kBarSpace * v / largest)) : 0;
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#4a7ab8\"/>\n"
        "<text x=\"{}\" y=\"{}\">{}</text>\n",
        label_width - 8, y + 13, xml_escape(labels[i]), label_width, y, w, kBarHeight,
        label_width + w + 6, y + 13, xml_escape(i < panel.shown.size() ? panel.shown[i] : "-"));
  }
  return out;
}

}  // namespace

std::string bar_chart_svg(const std::string& title, const std::vector<std::string>& labels,
                          const std::vector<BarPanel>& panels) {
  const int panel_height = 24 + static_cast<int>(labels.size()) * (kBarHeight + kGap) + kPanelGap;
  const int height = 40 + static_cast<int>(panels.size()) * panel_height;
  std::size_t longest = 8;
  for (const std::string& l : labels)
    longest = std::max(longest, l.size());
  const int label_width = 16 + kCharWidth * static_cast<int>(longest);
  const int width = label_width + kBarSpace + 110;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"13\">\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">{}</text>\n",
      width, height, xml_escape(title));
  for (std::size_t p = 0; p < panels.size(); ++p)
    out += panel_svg(panels[p], labels, 40 + static_cast<int>(p) * panel_height, label_width);
  return out + "</svg>\n";
}

}  // namespace iosim
