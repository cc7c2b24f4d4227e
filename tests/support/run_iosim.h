// Runs the built iosim binary as a child process, the way a student does,
// and captures its exit status, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace iosim::testing {

struct CommandResult {
  int status = -1;
  std::string out, err;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `command` with /bin/sh: its exit status and its stdout (`err` empty).
inline CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// A shell command's status, with its stdout and stderr together in `out`.
inline CommandResult run_shell(const std::string& command) {
  return run_command("(" + command + ") 2>&1");
}

// A path as one shell word (paths the tests make have no single quotes).
inline std::string shell_quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

// `args` is appended to the binary's path as-is (tests quote what needs it).
// With `dir`, the command runs there (as a student does from the checkout).
inline CommandResult run_iosim(const std::string& args, const std::string& dir = "") {
  char err_path[] = "/tmp/iosim-test-stderr-XXXXXX";
  int fd = mkstemp(err_path);
  close(fd);
  std::string command = std::string(IOSIM_BINARY) + " " + args + " 2>" + err_path;
  if (!dir.empty()) command = "cd '" + dir + "' && " + command;
  CommandResult result = run_command(command);
  result.err = read_file(err_path);
  unlink(err_path);
  return result;
}

inline std::string workload(const std::string& relative) {
  return std::string(IOSIM_SOURCE_DIR) + "/workloads/" + relative;
}

}  // namespace iosim::testing
