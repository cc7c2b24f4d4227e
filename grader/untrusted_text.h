// Text that came from a sandboxed policy (its output, its name, its load
// error) goes into JSON documents and terminals: make it valid UTF-8 without
// control characters (an escape sequence could repaint a grader's terminal).
#pragma once

#include <string>
#include <string_view>

namespace iosim::grader {

// Keeps valid UTF-8, newlines and tabs; every other byte sequence (invalid
// UTF-8, C0 controls, DEL) becomes U+FFFD.
std::string untrusted_text(std::string_view bytes);

}  // namespace iosim::grader
