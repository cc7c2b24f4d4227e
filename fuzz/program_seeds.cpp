// Writes every `program` string of the given scenario files to its own file
// in OUTDIR, to seed the program parser's fuzzing corpus with real
// programs: iosim_fuzz_program_seeds OUTDIR SCENARIO.toml...
#include <toml++/toml.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

int written = 0;

void write_seed(const std::string& dir, const std::string& text) {
  std::ofstream(dir + "/program-" + std::to_string(++written), std::ios::binary) << text;
}

void collect(const toml::node& node, const std::string& dir);

void collect_table(const toml::table& table, const std::string& dir) {
  for (auto&& [key, value] : table) {
    if (key.str() == "program" && value.is_string()) {
      write_seed(dir, std::string(*value.value<std::string_view>()));
    } else {
      collect(value, dir);
    }
  }
}

void collect(const toml::node& node, const std::string& dir) {
  if (const toml::table* table = node.as_table()) {
    collect_table(*table, dir);
  } else if (const toml::array* array = node.as_array()) {
    for (const toml::node& element : *array)
      collect(element, dir);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUTDIR SCENARIO.toml...\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  for (int i = 2; i < argc; ++i) {
    try {
      collect_table(toml::parse_file(argv[i]), dir);
    } catch (const toml::parse_error& e) {
      std::fprintf(stderr, "%s: skipped: %s\n", argv[i], e.what());
    }
  }
  std::printf("%d programs\n", written);
  return 0;
}
