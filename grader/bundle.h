// `iosim grade bundle`: a Gradescope autograder (autograder.zip) for one
// assignment. Gradescope unpacks it into /autograder/source, runs setup.sh
// once to build its image, and run_autograder for every submission. The zip
// holds:
//   setup.sh, run_autograder   grader/gradescope/ (the assignment's file name filled in)
//   iosim/                     the iosim source tree (what `git ls-files` lists, untracked
//                              files included; without git, the tracked folders)
//   assignment/                the assignment's folder: the assignment file, its cases,
//                              its reference; not submissions/, build folders, hidden
//                              files or zip files
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace iosim::grader {

struct BundleOptions {
  std::filesystem::path assignment;
  std::filesystem::path output = "autograder.zip";
  std::filesystem::path source;  // the iosim source tree; empty: the one iosim was built from
};

// The bundle's entries as (name in the zip, file on disk), in the order they
// are written. Throws std::runtime_error when a part is missing.
struct BundleEntry {
  std::string name;
  std::filesystem::path file;
};
std::vector<BundleEntry> bundle_entries(const BundleOptions& options);

// Writes the bundle. Returns the exit status: 0, or 2 (after a message on
// stderr) for a missing assignment or source tree.
int write_bundle(const BundleOptions& options);

}  // namespace iosim::grader
