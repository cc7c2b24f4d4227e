// libFuzzer target: the scenario loader, as `iosim check FILE [--set ...]`
// runs it (load_scenario_file reads the file, then calls
// load_scenario_text), without elaborating anything. An input is read as
// fuzz/scenario_input.h says: a scenario, whose "#--set " lines are also
// overrides. Beyond not crashing, the result must be a scenario or errors,
// never both nor neither, and every error must say something.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/scenario_loader.h"
#include "fuzz/scenario_input.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const iosim::LoadResult result =
      iosim::load_scenario_text(text, "fuzz/scenario.toml", iosim::fuzz::overrides_in(text));
  check(result.scenario.has_value() == result.errors.empty());
  for (const iosim::Diagnostic& d : result.errors)
    check(!d.message.empty() && !d.file.empty());
  return 0;
}
