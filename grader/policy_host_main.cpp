// iosim-policy-host LIBRARY MEMORY_BYTES CPU_SECONDS
// The sandboxed child of `iosim run --sandbox` (see grader/policy_host.h).
// Plain argument parsing: nothing runs here that the sandbox does not cover.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "grader/policy_host.h"

int main(int argc, char** argv) {
  char* end = nullptr;
  iosim::grader::HostLimits limits;
  bool ok = argc == 4;
  if (ok) {
    limits.memory_bytes = std::strtoull(argv[2], &end, 10);
    ok = *end == '\0' && limits.memory_bytes > 0;
  }
  if (ok) {
    limits.cpu_seconds = std::strtoll(argv[3], &end, 10);
    ok = *end == '\0' && limits.cpu_seconds > 0;
  }
  if (!ok) {
    std::fputs("usage: iosim-policy-host LIBRARY MEMORY_BYTES CPU_SECONDS (started by iosim)\n",
               stderr);
    return 2;
  }
  return iosim::grader::run_policy_host(argv[1], limits);
}
