// crm-metrics: a small strict CSV reader for model inputs: fields by header name, exact numbers.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
//
// Reads delimited files with a header line (RFC 4180 subset: optional double quotes around a field,
// "" inside quotes, CRLF or LF line ends, a UTF-8 byte-order mark), ',' between fields unless
// crm::model_csv_format says another delimiter. Decimal numbers are parsed by the aggregation layer's
// CSV field parser (detail::parse_amount: the nearest value, a decimal point or, with
// model_csv_format::decimal_comma, a decimal comma; a thousands separator is refused and named);
// whole numbers with std::from_chars; always over the whole field (surrounding spaces allowed):
// "12abc", "", "1,5" are errors. Every error is a crm::data_error naming the file, the 1-based line,
// the column and the field, in the CSV readers' format ("spend.csv:3: column 2 'average_spend' is not
// a number: 'abc'"). Blank lines are skipped (they hold no customer); no other line is ever dropped.
#pragma once

#include <crm/aggregate/detail/csv_fields.hpp>
#include <crm/core/error.hpp>
#include <crm/detail/decimal_text.hpp>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// The layout of a model input file (read_rfm_csv, read_spend_csv, read_discrete_csv): the field
/// separator and the decimal separator, as crm::csv_format's `delimiter` and `decimal_comma` mean
/// them for the order readers, read by the same field parser. These files hold no dates.
struct model_csv_format {
  char delimiter = ',';  ///< field separator: any character but '"', CR and LF (';' and '\t' for European exports)
  /// Decimal numbers written with a decimal comma (30,43), as 1C, Bitrix24, amoCRM and most European
  /// exports write them. Then a '.' in a number is an error (never a guess), as is a thousands
  /// separator (space, no-break space, '.', apostrophe); the delimiter must not be ',' (that format
  /// is refused before the file is read, at line 0). Whole-number columns (the counts of
  /// read_discrete_csv) are read the same either way.
  bool decimal_comma = false;
};

namespace detail {

/// How the model readers' messages name their decimal-comma option (the field parser's reasons).
inline constexpr decimal_separator_words model_csv_separator_words{
    "has a decimal point '.', but with model_csv_format::decimal_comma the decimal separator is ',' (and "
    "thousands separators are not accepted)",
    "has a decimal comma ',' (read such a file with model_csv_format::decimal_comma and a delimiter other than "
    "','; thousands separators are not accepted)"};

/// Streaming reader: construct on a file, look columns up by name, then `while (r.next())` and
/// read fields of the current line with `r.number<T>(column, name)`.
class csv_reader {
 public:
  explicit csv_reader(const std::filesystem::path& file, const model_csv_format& format = {})
      : source_(file.string()), format_(format) {
    // The format itself, before the file: a decimal comma in a comma-delimited file would split
    // every number in two.
    if (format_.delimiter == '"' || format_.delimiter == '\r' || format_.delimiter == '\n')
      fail(0, "", "model_csv_format::delimiter cannot be '\"', CR or LF");
    if (format_.decimal_comma && format_.delimiter == ',')
      fail(0, "",
           "model_csv_format::decimal_comma cannot go with ',' as the delimiter (a decimal comma would split every "
           "number in two): use ';' or tab");
    in_.open(file, std::ios::binary);
    if (!in_) fail(0, "", "cannot open the file");
    if (!read_line()) fail(1, "", "the file is empty (a header line is required)");
    if (line_.size() >= 3 && line_.compare(0, 3, "\xEF\xBB\xBF") == 0) line_.erase(0, 3);
    // blank lines before the header are skipped, as the order reader skips them (they failed as
    // "'frequency' is not a column of the header")
    while (trim(line_).empty())
      if (!read_line()) fail(line_no_, "", "the file is empty (a header line is required)");
    header_line_ = line_no_;
    split();
    header_.reserve(fields_.size());
    for (const std::string& f : fields_) header_.emplace_back(trim(f));
    width_ = header_.size();
  }

  /// The index of the column named `name`; data_error at the header's line when it lacks it or has it
  /// twice (the order reader's words: "'T' names two columns (3 and 4)"; the first was taken).
  [[nodiscard]] std::size_t column(std::string_view name) const {
    std::size_t found = header_.size();
    for (std::size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] != name) continue;
      if (found != header_.size())
        fail(header_line_, std::string(name),
             "names two columns (" + std::to_string(found + 1) + " and " + std::to_string(i + 1) + ")");
      found = i;
    }
    if (found == header_.size()) fail(header_line_, std::string(name), "is not a column of the header");
    return found;
  }
  [[nodiscard]] bool has_column(std::string_view name) const noexcept {
    for (const std::string& h : header_)
      if (h == name) return true;
    return false;
  }

  /// Advances to the next non-blank line; false at end of file. A line with a different number of
  /// fields than the header is an error, and so is a file with a header and no data row (the order
  /// reader's "has no data rows": a summary of nobody is a mistake, not an empty result).
  bool next() {
    while (read_line()) {
      if (trim(line_).empty()) continue;
      split();
      if (fields_.size() != width_)
        fail(line_no_, "", "expected " + std::to_string(width_) + " fields as in the header, found " +
                               std::to_string(fields_.size()));
      ++data_rows_;
      return true;
    }
    if (data_rows_ == 0) fail(line_no_, "", "has no data rows (a header only)");
    return false;
  }

  /// The raw text of field `col` of the current line, without surrounding spaces.
  [[nodiscard]] std::string_view text(std::size_t col) const { return trim(fields_.at(col)); }

  /// Field `col` of the current line as a number: the whole field must parse; `name` is used in
  /// the error message.
  template <class T>
  [[nodiscard]] T number(std::size_t col, std::string_view name) const {
    const std::string_view s = text(col);
    if (s.empty()) fail(line_no_, std::string(name), "is empty where a number is required");
    T v{};
    if constexpr (std::is_floating_point_v<T>) {
      // the aggregation layer's amount parser: the same values, separators and reasons
      const field_failure r = parse_amount(s, v, format_.decimal_comma, model_csv_separator_words);
      if (!r.ok()) fail(line_no_, std::string(name), std::string(r.reason) + ": '" + std::string(s) + "'");
    } else {
      const char* first = s.data();
      if (*first == '+') ++first;  // from_chars rejects a leading '+'
      const auto [ptr, ec] = std::from_chars(first, s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range)
        fail(line_no_, std::string(name), std::string(out_of_range_reason(s)) + ": '" + std::string(s) + "'");
      if (ec != std::errc{} || ptr != s.data() + s.size())
        fail(line_no_, std::string(name), "is not a number: '" + std::string(s) + "'");
    }
    return v;
  }

  /// The 1-based line number of the current line.
  [[nodiscard]] long long line() const noexcept { return line_no_; }
  [[nodiscard]] const std::string& source() const noexcept { return source_; }

  /// Throws crm::data_error(source, line, column, field, what): the column is the header's column of
  /// that name on a data line (0 on the header line and for a problem not in one column).
  [[noreturn]] void fail(long long line, const std::string& field, const std::string& what) const {
#if CRM_METRICS_HAS_EXCEPTIONS
    std::size_t col = 0;
    if (line > 1 && !field.empty())
      for (std::size_t i = 0; i < header_.size(); ++i)
        if (header_[i] == field) {
          col = i + 1;
          break;
        }
    throw data_error(source_, line, col, field, what);
#else
    (void)line, (void)field, (void)what;
    std::abort();
#endif
  }

 private:
  static std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  }
  bool read_line() {
    if (!std::getline(in_, line_)) return false;
    ++line_no_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    return true;
  }
  /// Cuts line_ into fields_ (RFC 4180): a field may be quoted, "" is a quote inside quotes, and a
  /// quoted field ends at its closing quote: only blanks may follow it before the delimiter (text
  /// after it, "1"2, is an error; it was joined to the quoted text and read as 12). A quote inside an
  /// unquoted field is a character of the field (1"2 is then no number), as the order reader has it.
  void split() {
    fields_.clear();
    const char delimiter = format_.delimiter;
    const auto blank = [&](char c) { return (c == ' ' || c == '\t') && c != delimiter; };
    const std::size_t n = line_.size();
    std::size_t i = 0;
    for (;;) {
      std::string cur;
      std::size_t j = i;
      while (j < n && blank(line_[j])) ++j;
      if (j < n && line_[j] == '"') {
        bool closed = false;
        for (++j; j < n; ++j) {
          if (line_[j] != '"') {
            cur += line_[j];
          } else if (j + 1 < n && line_[j + 1] == '"') {
            cur += '"';
            ++j;
          } else {
            closed = true;
            ++j;
            break;
          }
        }
        if (!closed) fail(line_no_, "", "unterminated quoted field");
        while (j < n && blank(line_[j])) ++j;
        if (j < n && line_[j] != delimiter) fail_at(line_no_, fields_.size(), "has text after its closing quote");
      } else {
        j = i;
        while (j < n && line_[j] != delimiter) cur += line_[j++];
      }
      fields_.push_back(std::move(cur));
      if (j >= n) break;
      i = j + 1;  // past the delimiter
    }
  }

  /// fail() for the field at 0-based `index` of the current line: its column number, and its name
  /// on a data line.
  [[noreturn]] void fail_at(long long line, std::size_t index, const std::string& what) const {
#if CRM_METRICS_HAS_EXCEPTIONS
    const bool named = !header_.empty() && index < header_.size();
    throw data_error(source_, line, index + 1, named ? header_[index] : std::string(), what);
#else
    (void)line, (void)index, (void)what;
    std::abort();
#endif
  }

  std::string source_;
  model_csv_format format_;
  std::ifstream in_;
  std::string line_;
  long long line_no_ = 0;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  std::size_t width_ = 0;
  std::size_t data_rows_ = 0;
  long long header_line_ = 1;
};

}  // namespace detail
CRM_METRICS_END_NAMESPACE
