// Output files are written under "<path>.tmp" and renamed into place only
// when complete, so an interrupted run never leaves a file that looks whole.
// The trace writers share these two steps.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace iosim {

// Opens "<path>.tmp" for writing; throws with the reason when it cannot.
inline std::FILE* open_temp_file(const std::string& path, const char* what) {
  std::FILE* file = std::fopen((path + ".tmp").c_str(), "wb");
  if (!file)
    throw std::runtime_error(std::string("cannot write ") + what + " '" + path +
                             ".tmp': " + std::strerror(errno));
  return file;
}

// Closes the temporary file and renames it to `path`.
inline void rename_into_place(std::FILE* file, const std::string& path) {
  std::fclose(file);
  if (std::rename((path + ".tmp").c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename '" + path + ".tmp' to '" + path + "'");
}

}  // namespace iosim
