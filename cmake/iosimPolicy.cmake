# iosim_add_policy(NAME [SOURCES] file...)
#
# Builds a scheduling policy as a shared library that iosim loads with
# `--set kernel.policy=lib<NAME>.so` (and the grader with --submission).
# C sources are compiled as gnu11, C++ sources as gnu++17, linked with libm:
# what the grader does when it builds a source folder, so what builds here
# builds there.
# Undefined symbols fail at link time (-z defs) instead of when iosim loads the
# library: a typo in a function name is a build error, not a load_error.
function(iosim_add_policy name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES")
  set(sources ${arg_SOURCES} ${arg_UNPARSED_ARGUMENTS})
  if(NOT sources)
    message(FATAL_ERROR "iosim_add_policy(${name}): no SOURCES")
  endif()
  add_library(${name} MODULE ${sources})
  target_link_libraries(${name} PRIVATE iosim::scheduler)
  set_target_properties(${name} PROPERTIES
    C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS ON
    CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS ON
    LIBRARY_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" OR CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${name} PRIVATE -Wall -Wextra)
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    target_link_libraries(${name} PRIVATE m)
    target_link_options(${name} PRIVATE "LINKER:-z,defs")
  endif()
endfunction()
