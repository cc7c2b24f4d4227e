// Text made safe inside SVG and HTML text and double-quoted attributes: &, <,
// > and " become entities. The plot and the HTML report both put scenario
// and thread names in their pages.
#pragma once

#include <string>

namespace iosim {

inline std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace iosim
