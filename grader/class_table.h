// The class CSV: one row per student, sorted by name, whatever order the
// submissions were graded in; a header `student,status,score,max_score,`
// then one column per case, in the assignment's order. Fields are quoted as
// RFC 4180 says (a name with a comma or a quote survives a spreadsheet).
// Shards of one class, graded apart, merge into the table the whole class
// would have made.
#pragma once

#include <string>
#include <vector>

namespace iosim::grader {

class ClassTable {
 public:
  using Row = std::vector<std::string>;  // every field, the student's name first

  explicit ClassTable(Row header) : header_(std::move(header)) {}

  // Reads a CSV this class wrote. Throws std::runtime_error naming
  // `source`, the line and what is wrong.
  static ClassTable parse(const std::string& text, const std::string& source);

  // Adds a row with as many fields as the header. Throws std::runtime_error
  // if the student already has one: two shards graded the same student.
  void add(Row row);
  // Adds every row of `other`, which must have the same header.
  void merge(const ClassTable& other, const std::string& source);

  std::string csv() const;
  const Row& header() const { return header_; }
  std::size_t size() const { return rows_.size(); }

 private:
  Row header_;
  std::vector<Row> rows_;
};

}  // namespace iosim::grader
