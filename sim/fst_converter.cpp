#include "sim/fst_converter.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace iosim {

std::optional<std::string> find_vcd2fst() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/vcd2fst";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

void convert_vcd_to_fst(const std::string& vcd2fst, const std::string& vcd_path,
                        const std::string& fst_path) {
  const std::string tmp = fst_path + ".tmp";
  // Its own name, then "-v VCD -f FST": explicit options, so no file name is
  // ever taken for an option.
  std::string args[] = {vcd2fst, "-v", vcd_path, "-f", tmp};
  char* argv[] = {args[0].data(), args[1].data(), args[2].data(),
                  args[3].data(), args[4].data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int error = posix_spawn(&pid, vcd2fst.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    throw std::runtime_error(fmt::format("cannot run '{}': {}", vcd2fst, std::strerror(error)));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(
        fmt::format("'{}' could not convert '{}' into '{}'", vcd2fst, vcd_path, fst_path));
  }
  if (std::rename(tmp.c_str(), fst_path.c_str()) != 0)
    throw std::runtime_error(fmt::format("cannot rename '{}' to '{}'", tmp, fst_path));
}

}  // namespace iosim
