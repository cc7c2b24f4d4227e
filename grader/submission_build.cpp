#include "grader/submission_build.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "grader/subprocess.h"
#include "grader/untrusted_text.h"

namespace iosim::grader {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxSourceBytes = 4u << 20;  // per file
constexpr std::size_t kMaxOutput = 32u << 10;

bool has_extension(const fs::path& p, std::initializer_list<std::string_view> extensions) {
  const std::string ext = p.extension().string();
  return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

void write_text(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// The folder's sources and headers, regular files only (a symbolic link could
// point anywhere), sorted so the build is the same whatever the directory order.
std::vector<fs::path> source_files(const fs::path& folder, std::string& problem) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(folder, ec)) {
    if (!e.is_regular_file(ec) || e.is_symlink(ec)) continue;
    if (!has_extension(e.path(), {".c", ".cc", ".cpp", ".h", ".hpp"})) continue;
    if (e.file_size(ec) > kMaxSourceBytes) {
      problem = fmt::format("{} is larger than {} MiB", e.path().filename().string(),
                            kMaxSourceBytes >> 20);
      return {};
    }
    files.push_back(e.path());
  }
  if (ec) problem = fmt::format("cannot read the folder: {}", ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

// The compiler names the grader's temporary folders: drop them, so the same
// submission always gets the same message.
std::string without_prefix(std::string text, const std::string& prefix) {
  for (std::size_t at; (at = text.find(prefix)) != std::string::npos;)
    text.erase(at, prefix.size());
  return text;
}

std::vector<std::string> environment(const fs::path& work) {
  return {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C", "LC_ALL=C",
          "TMPDIR=" + (work / "tmp").string()};
}

// The compiler reads the system (its programs, headers and libraries) and
// writes only in the build folder: a source that includes, or embeds with
// .incbin, a file of the grader's (a hidden case, another student's work)
// gets "No such file or directory" or "Permission denied".
Confinement build_confinement(const fs::path& work) {
  return {{"/usr", "/lib", "/lib64", "/lib32", "/bin", "/etc"}, {work.string(), "/dev/null"}};
}

}  // namespace

BuildResult build_submission(const std::string& folder, const std::string& work, Ns timeout) {
  BuildResult result;
  std::string problem;
  const std::vector<fs::path> files = source_files(folder, problem);
  if (!problem.empty()) {
    result.output = problem;
    return result;
  }
  const fs::path src = fs::path(work) / "src", include = fs::path(work) / "include";
  fs::create_directories(src);
  fs::create_directories(fs::path(work) / "tmp");
  std::vector<fs::path> units;
  for (const fs::path& f : files) {
    fs::copy_file(f, src / f.filename(), fs::copy_options::overwrite_existing);
    if (has_extension(f, {".c", ".cc", ".cpp"})) units.push_back(f.filename());
  }
  if (units.empty()) {
    result.output = fmt::format("no C or C++ source files (*.c, *.cpp) in {}", folder);
    return result;
  }
  write_text(include / "iosim" / "scheduler.h", scheduler_header_text());
  write_text(include / "kernel" / "scheduler.h", scheduler_header_text());

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout);
  const bool cxx = std::any_of(units.begin(), units.end(),
                               [](const fs::path& u) { return u.extension() != ".c"; });
  std::vector<std::string> objects;
  std::vector<std::vector<std::string>> commands;
  for (const fs::path& unit : units) {
    const bool c = unit.extension() == ".c";
    std::string object = unit.filename().string() + ".o";
    commands.push_back({c ? "cc" : "c++", c ? "-std=gnu11" : "-std=gnu++17", "-O2", "-fPIC",
                        "-Wall", "-fdiagnostics-color=never", "-I" + include.string(), "-I.", "-c",
                        unit.string(), "-o", object});
    objects.push_back(object);
  }
  std::vector<std::string> link{cxx ? "c++" : "cc", "-shared", "-o", "policy.so"};
  link.insert(link.end(), objects.begin(), objects.end());
  link.push_back("-lm");
  commands.push_back(link);

  std::string output;
  for (const std::vector<std::string>& argv : commands) {
    ChildSpec spec;
    spec.argv = argv;
    spec.cwd = src.string();
    spec.env = environment(work);
    spec.confine = build_confinement(work);
    const auto left = deadline - std::chrono::steady_clock::now();
    spec.deadline = std::max(std::chrono::milliseconds(1),
                             std::chrono::duration_cast<std::chrono::milliseconds>(left));
    spec.max_out = spec.max_err = kMaxOutput;
    const ChildResult r = run_child(spec);
    output +=
        without_prefix(without_prefix(r.out + r.err, include.string() + "/"), src.string() + "/");
    if (r.started && r.exited && r.code == 0) continue;
    if (r.timed_out)
      output +=
          fmt::format("\n[the build took longer than {} s and was stopped]\n", timeout / kSec);
    else if (!r.started || !r.exited)
      output += fmt::format("\n[{}: {}]\n", argv[0], describe_end(r));
    if (output.size() > kMaxOutput)
      output = output.substr(0, kMaxOutput) + "\n[output truncated]\n";
    result.output = untrusted_text(output);
    return result;
  }
  result.ok = true;
  result.library = (src / "policy.so").string();
  result.output = untrusted_text(output.substr(0, kMaxOutput));
  return result;
}

}  // namespace iosim::grader
