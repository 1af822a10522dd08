// crm-metrics: the one error policy: error codes, crm::metric_error and crm::data_error.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Degenerate or invalid data (a zero denominator, a negative count, a part larger than its whole,
// NaN/inf, a score outside its scale, a malformed row) is reported, never turned into NaN, inf or a
// made-up zero. The throwing API raises crm::metric_error (a std::domain_error); every metric also
// has a try_* form that returns crm::result<R> carrying the same crm::error_info, usable with
// -fno-exceptions.
#pragma once

#include <crm/core/config.hpp>

#include <cstddef>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

CRM_METRICS_BEGIN_NAMESPACE

/// What went wrong. `ok` (0) means no error.
enum class errc : int {
  ok = 0,
  zero_denominator,    ///< a field used as a divisor is zero
  negative,            ///< a count, amount or duration that cannot be negative is
  part_exceeds_whole,  ///< e.g. opens > delivered, repeat customers > customers
  not_finite,          ///< NaN or infinity
  out_of_range,        ///< e.g. an NPS answer outside 0..10, a probability outside [0, 1]
  empty_input,         ///< no observations where at least one is needed
  malformed,           ///< a row or field that cannot be parsed
  not_converged,       ///< an iterative fit stopped without meeting its tolerance
  not_identifiable,    ///< the data cannot determine the model (e.g. nobody repeats)
  overflow,            ///< finite inputs whose result (or an intermediate sum) exceeds the number type
};

/// A short English phrase for an error code.
[[nodiscard]] constexpr const char* describe(errc c) noexcept {
  switch (c) {
    case errc::ok: return "no error";
    case errc::zero_denominator: return "is zero (zero denominator)";
    case errc::negative: return "is negative";
    case errc::part_exceeds_whole: return "is larger than its whole";
    case errc::not_finite: return "is not finite (NaN or infinity)";
    case errc::out_of_range: return "is out of range";
    case errc::empty_input: return "is empty";
    case errc::malformed: return "is malformed";
    case errc::not_converged: return "did not converge";
    case errc::not_identifiable: return "cannot identify the model";
    case errc::overflow: return "overflows the number type";
  }
  return "unknown error";
}

/// The error a metric reports: which metric, which input field, what is wrong. The strings are
/// static (string literals), so an error_info is trivially copyable and never allocates.
struct error_info {
  errc code = errc::ok;
  const char* metric = "";  ///< e.g. "roi"
  const char* field = "";   ///< one field name, e.g. "cost" ("result" for an overflowing result); never a relation
  const char* detail = "";  ///< optional words, e.g. the relation that failed: "must not exceed delivered"

  [[nodiscard]] constexpr explicit operator bool() const noexcept { return code != errc::ok; }
  [[nodiscard]] constexpr bool ok() const noexcept { return code == errc::ok; }
  friend constexpr bool operator==(const error_info& a, const error_info& b) noexcept {
    return a.code == b.code;  // same kind of error; names are for humans
  }
};

/// "crm::roi: cost is zero (zero denominator)"; with a detail,
/// "crm::open_rate: unique_opens is larger than its whole (must not exceed delivered)".
[[nodiscard]] inline std::string message(const error_info& e) {
  std::string s = "crm::";
  s += e.metric;
  s += ": ";
  s += e.field;
  s += ' ';
  s += describe(e.code);
  if (e.detail != nullptr && *e.detail != '\0') {
    s += " (";
    s += e.detail;
    s += ')';
  }
  return s;
}

/// Thrown by every throwing metric on invalid input. Derived from std::domain_error.
class metric_error : public std::domain_error {
 public:
  explicit metric_error(const error_info& e) : std::domain_error(message(e)), info_(e) {}
  [[nodiscard]] const error_info& info() const noexcept { return info_; }
  [[nodiscard]] errc code() const noexcept { return info_.code; }
  [[nodiscard]] const char* metric() const noexcept { return info_.metric; }
  [[nodiscard]] const char* field() const noexcept { return info_.field; }
  [[nodiscard]] const char* detail() const noexcept { return info_.detail; }

 private:
  error_info info_;
};

namespace detail {
/// The one format of every data error, the CSV readers' and the model readers' alike:
/// "orders.csv:12: column 3 'amount' is not a number: '12x'" (column 0: no "column N"; an empty
/// field: no name; line 0: the file as a whole).
inline std::string data_message(const std::string& source, unsigned long long line, std::size_t column,
                                const std::string& field, const std::string& reason) {
  std::string s = source + ":" + std::to_string(line) + ": ";
  if (column != 0) s += "column " + std::to_string(column) + (field.empty() ? " " : " '" + field + "' ");
  else if (!field.empty()) s += "'" + field + "' ";
  return s + reason;
}
}  // namespace detail

/// Thrown by readers of files and row streams: names the source, the 1-based line (0: the file as a
/// whole), the 1-based column when known (0 otherwise) and the field. what() is
/// detail::data_message's: "orders.csv:12: column 3 'amount' is not a number: '12x'".
class data_error : public std::runtime_error {
 public:
  /// `reason` continues the field's name: "is not a number: 'abc'".
  data_error(std::string source, long long line, std::size_t column, std::string field, const std::string& reason)
      : std::runtime_error(detail::data_message(source, static_cast<unsigned long long>(line < 0 ? 0 : line), column,
                                                field, reason)),
        source_(std::move(source)), line_(line), column_(column), field_(std::move(field)) {}
  /// The same without a column number: "orders.csv:12: 'amount' is not a number: 'abc'".
  data_error(std::string source, long long line, std::string field, const std::string& reason)
      : data_error(std::move(source), line, 0, std::move(field), reason) {}
  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] long long line() const noexcept { return line_; }
  /// 1-based column number; 0 when the error is not in one column.
  [[nodiscard]] std::size_t column() const noexcept { return column_; }
  [[nodiscard]] const std::string& field() const noexcept { return field_; }

 private:
  std::string source_;
  long long line_;
  std::size_t column_ = 0;
  std::string field_;
};

namespace detail {
/// The only place the throwing API throws; aborts when exceptions are disabled.
[[noreturn]] inline void throw_metric_error(const error_info& e) {
#if CRM_METRICS_HAS_EXCEPTIONS
  throw metric_error(e);
#else
  (void)e;
  std::abort();
#endif
}
}  // namespace detail

CRM_METRICS_END_NAMESPACE
