# Writes OUTPUT, a C++ file defining iosim::default_scenario_text() from INPUT.
file(READ ${INPUT} content)
get_filename_component(name ${INPUT} NAME)
file(WRITE ${OUTPUT}
  "// Generated from workloads/cpu-free-during-io/${name}; do not edit.\n"
  "#include \"app/default_scenario.h\"\n"
  "namespace iosim {\n"
  "std::string_view default_scenario_text() {\n"
  "  return R\"iosim_scenario(${content})iosim_scenario\";\n"
  "}\n"
  "std::string_view default_scenario_name() { return \"<built-in>/cpu-free-during-io/${name}\"; }\n"
  "}  // namespace iosim\n")
