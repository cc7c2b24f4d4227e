#include "grader/class_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace iosim::grader {

namespace {

std::string quoted(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string line(const ClassTable::Row& row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i)
    out += (i ? "," : "") + quoted(row[i]);
  return out + "\n";
}

// Splits CSV text into records. A quoted field may hold commas, doubled
// quotes and line breaks.
std::vector<ClassTable::Row> records(const std::string& text, const std::string& source) {
  std::vector<ClassTable::Row> rows;
  ClassTable::Row row;
  std::string field;
  bool quoted = false, after_quote = false;
  int number = 1;
  const auto fail = [&](const char* what) {
    throw std::runtime_error(fmt::format("{}:{}: {}", source, number, what));
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
        after_quote = true;
      } else {
        if (c == '\n') ++number;
        field += c;
      }
    } else if (c == '"') {
      if (!field.empty() || after_quote) fail("a quote inside an unquoted field");
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      rows.push_back(std::move(row));
      row.clear();
      field.clear();
      after_quote = false;
      ++number;
    } else {
      if (after_quote) fail("text after a closing quote");
      field += c;
    }
  }
  if (quoted) fail("a quoted field is not closed");
  if (!field.empty() || !row.empty() || after_quote) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

ClassTable ClassTable::parse(const std::string& text, const std::string& source) {
  auto rows = records(text, source);
  if (rows.empty() || rows.front().empty() || rows.front().front() != "student")
    throw std::runtime_error(source +
                             ":1: not a class CSV (its header does not start with "
                             "'student')");
  ClassTable table(std::move(rows.front()));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].size() != table.header_.size())
      throw std::runtime_error(fmt::format("{}:{}: {} fields where the header has {}", source,
                                           i + 1, rows[i].size(), table.header_.size()));
    table.add(std::move(rows[i]));
  }
  return table;
}

void ClassTable::add(Row row) {
  if (row.size() != header_.size())
    throw std::logic_error("class table: a row does not match the header");
  const auto at = std::lower_bound(rows_.begin(), rows_.end(), row,
                                   [](const Row& a, const Row& b) { return a[0] < b[0]; });
  if (at != rows_.end() && (*at)[0] == row[0])
    throw std::runtime_error("student '" + row[0] + "' appears twice");
  rows_.insert(at, std::move(row));
}

void ClassTable::merge(const ClassTable& other, const std::string& source) {
  if (other.header_ != header_)
    throw std::runtime_error(source + ": its header differs (another assignment?):\n  " +
                             line(other.header_) + "  expected:\n  " + line(header_));
  for (const Row& row : other.rows_) {
    try {
      add(row);
    } catch (const std::runtime_error& e) {
      throw std::runtime_error(source + ": " + e.what() + " (a shard graded twice?)");
    }
  }
}

std::string ClassTable::csv() const {
  std::string out = line(header_);
  for (const Row& row : rows_)
    out += line(row);
  return out;
}

}  // namespace iosim::grader
