// A zip archive writer, just enough for the Gradescope bundle: entries are
// stored (no compression), each with its CRC-32 and Unix permissions, so
// `unzip` restores an executable run_autograder. Every entry has the same
// fixed date (1980-01-01), so the same files make the same archive, byte for
// byte. No zip64: an archive over 4 GiB or 65535 entries is refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace iosim::grader {

// The CRC-32 of zip (and gzip, PNG): polynomial 0xEDB88320, reflected.
std::uint32_t crc32(std::string_view data);

class ZipWriter {
 public:
  // Creates (or truncates) `path`. Throws std::runtime_error if it cannot.
  explicit ZipWriter(const std::filesystem::path& path);
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Adds a file named `name` ('/'-separated, relative) holding `data`, with
  // the Unix permission bits `mode` (0644, or 0755 for a script).
  void add(const std::string& name, std::string_view data, std::uint32_t mode = 0644);
  // Writes the central directory and closes the file: the archive is complete.
  void finish();

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc, size, offset, mode;
  };
  void write_local_header(const Entry& e);
  void write_central_header(const Entry& e);
  std::uint32_t position();

  std::ofstream out_;
  std::filesystem::path path_;
  std::vector<Entry> entries_;
  bool finished_ = false;
};

}  // namespace iosim::grader
