#include "grader/zip_writer.h"

#include <algorithm>
#include <array>
#include <limits>
#include <stdexcept>

namespace iosim::grader {

namespace {

constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr std::uint16_t kVersion = 20;         // 2.0: what stored entries and folders need
constexpr std::uint16_t kMadeByUnix = 3 << 8;  // so external attributes hold Unix modes
constexpr std::uint16_t kUtf8Names = 1 << 11;
constexpr std::uint16_t kDosDate1980 = (0 << 9) | (1 << 5) | 1;  // 1980-01-01, the earliest
constexpr std::uint32_t kRegularFile = 0100000;

std::array<std::uint32_t, 256> crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k)
      c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

// Zip is little-endian throughout.
void put16(std::ofstream& out, std::uint16_t v) {
  const char b[2] = {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
  out.write(b, 2);
}

void put32(std::ofstream& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v & 0xffff));
  put16(out, static_cast<std::uint16_t>(v >> 16));
}

// A name that unpacks inside the target folder: relative, no "..", no empty parts.
bool safe_name(const std::string& name) {
  if (name.empty() || name.size() > 0xffff || name.front() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t slash = std::min(name.find('/', start), name.size());
    const std::string part = name.substr(start, slash - start);
    if (part.empty() || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

std::uint32_t checked32(std::uintmax_t v, const char* what) {
  if (v > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error(std::string("zip: ") + what + " over 4 GiB (zip64 is not supported)");
  return static_cast<std::uint32_t>(v);
}

}  // namespace

std::uint32_t crc32(std::string_view data) {
  static const auto table = crc_table();
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char byte : data)
    c = table[(c ^ byte) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

ZipWriter::ZipWriter(const std::filesystem::path& path)
    : out_(path, std::ios::binary | std::ios::trunc), path_(path) {
  if (!out_) throw std::runtime_error("cannot write " + path.string());
}

std::uint32_t ZipWriter::position() {
  return checked32(static_cast<std::uintmax_t>(out_.tellp()), "archive");
}

void ZipWriter::add(const std::string& name, std::string_view data, std::uint32_t mode) {
  if (finished_) throw std::logic_error("zip: add after finish");
  if (!safe_name(name)) throw std::invalid_argument("zip: bad entry name '" + name + "'");
  if (entries_.size() == 0xffff) throw std::length_error("zip: over 65535 entries");
  Entry e{name, crc32(data), checked32(data.size(), name.c_str()), position(), mode & 07777};
  write_local_header(e);
  out_.write(data.data(), static_cast<std::streamsize>(data.size()));
  entries_.push_back(std::move(e));
}

void ZipWriter::write_local_header(const Entry& e) {
  put32(out_, kLocalHeader);
  put16(out_, kVersion);
  put16(out_, kUtf8Names);
  put16(out_, 0);  // stored
  put16(out_, 0);  // time 00:00:00
  put16(out_, kDosDate1980);
  put32(out_, e.crc);
  put32(out_, e.size);  // compressed = uncompressed
  put32(out_, e.size);
  put16(out_, static_cast<std::uint16_t>(e.name.size()));
  put16(out_, 0);  // no extra field
  out_.write(e.name.data(), static_cast<std::streamsize>(e.name.size()));
}

void ZipWriter::write_central_header(const Entry& e) {
  put32(out_, kCentralHeader);
  put16(out_, kMadeByUnix | kVersion);
  put16(out_, kVersion);
  put16(out_, kUtf8Names);
  put16(out_, 0);
  put16(out_, 0);
  put16(out_, kDosDate1980);
  put32(out_, e.crc);
  put32(out_, e.size);
  put32(out_, e.size);
  put16(out_, static_cast<std::uint16_t>(e.name.size()));
  put16(out_, 0);  // extra
  put16(out_, 0);  // comment
  put16(out_, 0);  // disk
  put16(out_, 0);  // internal attributes
  put32(out_, (kRegularFile | e.mode) << 16);
  put32(out_, e.offset);
  out_.write(e.name.data(), static_cast<std::streamsize>(e.name.size()));
}

void ZipWriter::finish() {
  if (finished_) return;
  const std::uint32_t start = position();
  for (const Entry& e : entries_)
    write_central_header(e);
  const std::uint32_t size = position() - start;
  const auto count = static_cast<std::uint16_t>(entries_.size());
  put32(out_, kEndOfCentralDirectory);
  put16(out_, 0);  // this disk
  put16(out_, 0);  // the disk where the directory starts
  put16(out_, count);
  put16(out_, count);
  put32(out_, size);
  put32(out_, start);
  put16(out_, 0);  // no comment
  out_.close();
  if (!out_) throw std::runtime_error("cannot write " + path_.string());
  finished_ = true;
}

}  // namespace iosim::grader
