# Writes OUTPUT, a C++ file defining iosim::grader::scheduler_header_text()
# from INPUT (kernel/scheduler.h): the grader builds students' source folders
# against exactly the interface this iosim speaks.
file(READ ${INPUT} content)
file(WRITE ${OUTPUT}
  "// Generated from kernel/scheduler.h; do not edit.\n"
  "#include \"grader/submission_build.h\"\n"
  "namespace iosim::grader {\n"
  "std::string_view scheduler_header_text() {\n"
  "  return R\"iosim_header(${content})iosim_header\";\n"
  "}\n"
  "}  // namespace iosim::grader\n")
