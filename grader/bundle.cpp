#include "grader/bundle.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "grader/assignment.h"
#include "grader/process_pool.h"
#include "grader/zip_writer.h"

namespace iosim::grader {

namespace fs = std::filesystem;

namespace {

// Without git, the tree is these (everything a build and its docs need).
const std::vector<std::string> kTrackedFolders = {
    ".ci",     "app", "cmake", "devices", "docs",      "grader", "kernel",
    "scripts", "sdk", "sim",   "tests",   "workloads", "bench",  "fuzz"};
const std::vector<std::string> kTrackedFiles = {"CMakeLists.txt", "README.md", ".clang-format",
                                                ".gitignore"};

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A build tree (build/, build-debug/...) is never bundled, wherever it is.
bool build_folder(const std::string& name) {
  return name.rfind("build", 0) == 0;
}

// What `git ls-files` lists (untracked, not ignored files too, so work in
// progress is bundled as it is), or nothing when `source` is not a checkout.
std::vector<std::string> git_files(const fs::path& source) {
  ProcessResult listed;
  ProcessPool(1, std::chrono::seconds(60))
      .run({{"/usr/bin/env", "git", "-C", source.string(), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard"}},
           [&](std::size_t, ProcessResult r) { listed = std::move(r); });
  std::vector<std::string> files;
  if (listed.exit_status != 0) return files;
  std::istringstream in(listed.out);
  std::string file;
  while (std::getline(in, file, '\0')) {
    const fs::path path(file);
    const bool in_build = std::any_of(path.begin(), std::prev(path.end()),
                                      [](const fs::path& p) { return build_folder(p.string()); });
    if (!in_build && fs::is_regular_file(source / file)) files.push_back(file);
  }
  return files;
}

// Without git: the top-level files and folders a build and its docs need.
std::vector<std::string> walked_files(const fs::path& source) {
  std::vector<std::string> files;
  for (const std::string& f : kTrackedFiles)
    if (fs::is_regular_file(source / f)) files.push_back(f);
  for (const std::string& folder : kTrackedFolders) {
    if (!fs::is_directory(source / folder)) continue;
    for (auto it = fs::recursive_directory_iterator(source / folder);
         it != fs::recursive_directory_iterator(); ++it) {
      const std::string name = it->path().filename().string();
      if (it->is_directory() && (build_folder(name) || name.front() == '.'))
        it.disable_recursion_pending();
      else if (it->is_regular_file())
        files.push_back(fs::relative(it->path(), source).generic_string());
    }
  }
  return files;
}

// The source files, relative to `source`, sorted.
std::vector<std::string> source_files(const fs::path& source) {
  std::vector<std::string> files = git_files(source);
  if (files.empty()) files = walked_files(source);
  std::sort(files.begin(), files.end());
  return files;
}

// The assignment's folder, less what a grading image does not need.
std::vector<std::string> assignment_files(const fs::path& folder, const fs::path& output) {
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory()) {
      if (build_folder(name) || name.front() == '.' || name == "submissions")
        it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || name.front() == '.' || it->path().extension() == ".zip") continue;
    if (fs::exists(output) && fs::equivalent(it->path(), output)) continue;
    files.push_back(fs::relative(it->path(), folder).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// --source, else the tree this iosim was built from, if it is still there.
fs::path source_tree(const BundleOptions& options) {
  fs::path source = options.source;
#ifdef IOSIM_SOURCE_DIR
  if (source.empty()) source = IOSIM_SOURCE_DIR;
#endif
  if (source.empty() || !fs::is_regular_file(source / "CMakeLists.txt") ||
      !fs::is_regular_file(source / "grader/gradescope/run_autograder"))
    throw std::runtime_error("no iosim source tree at '" + source.string() +
                             "': pass --source DIR (a checkout of iosim)");
  return source;
}

// A script from grader/gradescope/ with the assignment's file name filled in.
std::string script(const fs::path& source, const std::string& name, const std::string& file) {
  std::string text = read_all(source / "grader/gradescope" / name);
  const std::string mark = "@ASSIGNMENT_FILE@";
  for (std::size_t at; (at = text.find(mark)) != std::string::npos;)
    text.replace(at, mark.size(), file);
  return text;
}

// The assignment must load, and every file it names must be inside its
// folder: the bundle carries that folder and nothing else.
void check_assignment(const fs::path& path) {
  const AssignmentLoad load = load_assignment(path.string());
  if (!load.assignment) {
    std::string message = "the assignment has errors:";
    for (const AssignmentError& e : load.errors)
      message += "\n" + e.format();
    throw std::runtime_error(message);
  }
  const fs::path folder = fs::absolute(path).parent_path().lexically_normal();
  auto inside = [&](const std::string& file, const std::string& what) {
    const fs::path relative = fs::path(file).lexically_relative(folder);
    if (relative.empty() || *relative.begin() == "..")
      throw std::runtime_error(fmt::format(
          "{}: {} '{}' is outside the assignment's folder {}: the bundle carries only that "
          "folder, so move the file into it",
          path.string(), what, file, folder.string()));
  };
  const Assignment& a = *load.assignment;
  if (!a.reference.library.empty()) inside(a.reference.library, "the reference library");
  for (const CaseSpec& c : a.cases)
    if (!c.scenario.empty()) inside(c.scenario, "the scenario of case '" + c.name + "'");
}

}  // namespace

std::vector<BundleEntry> bundle_entries(const BundleOptions& options) {
  const fs::path source = source_tree(options);
  check_assignment(options.assignment);
  std::vector<BundleEntry> entries{{"setup.sh", source / "grader/gradescope/setup.sh"},
                                   {"run_autograder", source / "grader/gradescope/run_autograder"}};
  for (const std::string& f : source_files(source))
    entries.push_back({"iosim/" + f, source / f});
  const fs::path folder = fs::absolute(options.assignment).parent_path();
  for (const std::string& f : assignment_files(folder, fs::absolute(options.output)))
    entries.push_back({"assignment/" + f, folder / f});
  return entries;
}

int write_bundle(const BundleOptions& options) {
  try {
    const auto entries = bundle_entries(options);
    const fs::path source = source_tree(options);
    const std::string file = options.assignment.filename().string();
    ZipWriter zip(options.output);
    for (const BundleEntry& e : entries) {
      if (e.name == "setup.sh" || e.name == "run_autograder") {
        zip.add(e.name, script(source, e.name, file), 0755);
        continue;
      }
      const auto perms = fs::status(e.file).permissions();
      const bool executable = (perms & fs::perms::owner_exec) != fs::perms::none;
      zip.add(e.name, read_all(e.file), executable ? 0755 : 0644);
    }
    zip.finish();
    std::fprintf(stderr,
                 "iosim: wrote %s: %zu files (setup.sh, run_autograder, iosim/, "
                 "assignment/)\n",
                 options.output.c_str(), entries.size());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "iosim: error: %s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace iosim::grader
