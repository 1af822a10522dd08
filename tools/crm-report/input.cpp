// crm-report: reading the input files through crm's CSV reader, with layout detection.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "report.hpp"

#include <crm/aggregate/csv.hpp>
#include <crm/detail/charconv.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unistd.h>
#include <string_view>

namespace crm_report {
namespace {

/// The first two non-blank lines of a file (header and first row); empty when unreadable.
std::array<std::string, 2> first_lines(const std::string& file) {
  std::array<std::string, 2> out;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return out;  // the CSV reader reports it
  std::ifstream in(file, std::ios::binary);
  std::string line;
  std::size_t k = 0;
  while (k < 2 && std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (k == 0 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    out[k++] = line;
  }
  return out;
}

/// A header names columns: one of its fields starts with a letter (a data row's ids, dates, times
/// and amounts start with a digit, a sign or a dot; an ISO time's 'T' and 'Z' are inside a field).
/// A byte of 0x80 and above starts a non-ASCII UTF-8 character, a letter of a name such as Клиент
/// (std::isalpha of the C locale says no to it: a header of Russian names was read as a data row).
bool starts_with_letter(const std::vector<std::string>& fields) {
  return std::any_of(fields.begin(), fields.end(), [](const std::string& f) {
    const std::size_t i = f.find_first_not_of("\"' ");
    if (i == std::string::npos) return false;
    const auto c = static_cast<unsigned char>(f[i]);
    return c >= 0x80 || std::isalpha(c) != 0;
  });
}

/// The layout options of crm::csv_format from --delimiter / detection on the first line.
void set_delimiter(crm::csv_format& f, const std::string& opt, std::string_view first) {
  if (opt == "space" || opt == "whitespace") {
    f.whitespace_separated = true;
  } else if (opt == "tab") {
    f.delimiter = '\t';
  } else if (opt.size() == 1) {
    f.delimiter = opt[0];
  } else if (!opt.empty()) {
    throw input_error("--delimiter must be one character, 'tab' or 'space', not '" + opt + "'");
  } else {
    // The one of , ; tab | found most often outside quotes (a tie: the first in that order). The
    // first found in that order took ',' for 11;15.01.2024;10,00, a header-less row of a ';' file
    // with a decimal comma.
    std::array<std::size_t, 4> count{};
    constexpr std::array<char, 4> candidates{',', ';', '\t', '|'};
    bool quoted = false;
    for (const char c : first) {
      if (c == '"') quoted = !quoted;
      for (std::size_t k = 0; k < candidates.size(); ++k)
        if (!quoted && c == candidates[k]) ++count[k];
    }
    const auto most = std::max_element(count.begin(), count.end());  // the first of the largest
    if (*most == 0) {
      f.whitespace_separated = true;
      return;
    }
    f.delimiter = candidates[static_cast<std::size_t>(most - count.begin())];
  }
}

/// Splits a line the way the format does (enough for detection: no quotes inside fields).
std::vector<std::string> split(std::string_view line, const crm::csv_format& f) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  auto flush = [&] {
    const auto b = cur.find_first_not_of(" \t"), e = cur.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? std::string() : cur.substr(b, e - b + 1));
    cur.clear();
  };
  if (f.whitespace_separated) {
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      if (i == line.size()) break;
      const std::size_t j = line.find_first_of(" \t", i);
      out.emplace_back(line.substr(i, j == std::string_view::npos ? line.size() - i : j - i));
      i = j == std::string_view::npos ? line.size() : j;
    }
    return out;
  }
  for (const char c : line) {
    if (c == f.quote) quoted = !quoted;
    else if (c == f.delimiter && !quoted) flush();
    else cur += c;
  }
  flush();
  return out;
}

crm::time_format parse_time_format(const std::string& s) {
  if (s == "iso") return crm::time_format::iso_date;
  if (s == "iso-datetime") return crm::time_format::iso_date_time;
  if (s == "yyyymmdd") return crm::time_format::yyyymmdd;
  if (s == "epoch") return crm::time_format::epoch_seconds;
  if (s == "dmy") return crm::time_format::day_month_year;
  if (s == "mdy") return crm::time_format::month_day_year;
  throw input_error("--date-format must be iso, iso-datetime, yyyymmdd, epoch, dmy or mdy, not '" + s + "'");
}

/// A time format found in a sample field; `ambiguous` for a slash or dash date whose day and month
/// can be either way round (03/04/2024: 3 April or 4 March), which --date-format has to settle.
struct time_guess {
  crm::time_format format;
  bool ambiguous = false;
};

/// The time format a sample field is written in, when it is one. Which shapes count as a date or a
/// time: 8 digits (yyyymmdd), 9 or 10 digits without a leading zero (epoch seconds), an ISO date
/// (2024-03-31) or date-time (2024-03-31T12:00:00Z), a numeric date with a four-digit year last,
/// optionally followed by " H:MM" or " H:MM:SS": with dots (31.03.2024, 1C, Bitrix24, amoCRM) day
/// first; with '/' or '-' day first or month first, whichever reads (31/03/2024, 03/31/2024), and
/// ambiguous when both do (03/04/2024). Whether the field is a date or time of that shape is the
/// answer of the reader's own parser (crm::detail::parse_time, in the reader's date range): a field
/// detected is one the reader reads, and one it refuses is no date here either (2200-01-01 as epoch
/// seconds, 7258118400, was taken for one and every row then refused; a 10-digit order number
/// before the date column was taken for the date column). Other fields (an order number 0001, a
/// quantity 2, 31.02.2024, 03.31.2024) are no time: a guess there read every order of
/// CDNOW_sample.txt's second column, 0001, as one second after 1970-01-01.
std::optional<time_guess> time_format_of(std::string_view v, const crm::detail::date_range& range) {
  const auto reads = [&](crm::time_format f) {
    crm::time_point t{};
    return crm::detail::parse_time(v, f, range, t).ok();
  };
  const bool digits = !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (digits) {
    if (v.size() == 8 && reads(crm::time_format::yyyymmdd)) return time_guess{crm::time_format::yyyymmdd};
    if ((v.size() == 9 || v.size() == 10) && v[0] != '0' && reads(crm::time_format::epoch_seconds))
      return time_guess{crm::time_format::epoch_seconds};
    return std::nullopt;
  }
  if (reads(crm::time_format::iso_date)) return time_guess{crm::time_format::iso_date};
  if (reads(crm::time_format::iso_date_time)) return time_guess{crm::time_format::iso_date_time};
  const bool day_first = reads(crm::time_format::day_month_year), month_first = reads(crm::time_format::month_day_year);
  if (!day_first && !month_first) return std::nullopt;
  // the reader read it, so it has a separator: '.', '/' or '-'
  if (v[v.find_first_of("./-")] == '.') {  // dots: day first (03.31.2024 is no date)
    if (!day_first) return std::nullopt;
    return time_guess{crm::time_format::day_month_year};
  }
  if (day_first && month_first) return time_guess{crm::time_format::day_month_year, true};
  return time_guess{day_first ? crm::time_format::day_month_year : crm::time_format::month_day_year};
}

/// An amount written with a decimal comma and nothing else: -?digits,digits (1234,56, -3,5).
bool decimal_comma_amount(std::string_view v) {
  if (!v.empty() && v[0] == '-') v.remove_prefix(1);
  const std::size_t comma = v.find(',');
  if (comma == 0 || comma == std::string_view::npos || comma + 1 == v.size()) return false;
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  return std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(comma), is_digit) &&
         std::all_of(v.begin() + static_cast<std::ptrdiff_t>(comma) + 1, v.end(), is_digit);
}

/// Case-insensitive search of the header for the first of `candidates`; "" when none is there.
std::string find_column(const std::vector<std::string>& header, const std::vector<std::string_view>& candidates) {
  const auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  for (const std::string_view want : candidates)
    for (const std::string& h : header)
      if (lower(h) == want) return h;
  return {};
}

/// A column position "1", "2", ... (of a file without a header); none for anything else ("abc", "0",
/// "2x", a number past size_t).
std::optional<std::size_t> position_of(const std::string& s) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v == 0) return std::nullopt;
  return v;
}

/// The file's layout: delimiter, header, names of the wanted columns (positions "1", "2", ... in a
/// file without a header), time format detected on the first data row.
struct layout {
  crm::csv_format format;
  std::vector<std::string> columns;  ///< in the order asked
};

/// The column of `name` (a header name, or a position "1", "2", ... without a header) in a row of
/// `width` fields; `width` when there is none.
std::size_t column_index(const layout& l, const std::vector<std::string>& header, const std::string& name, std::size_t width) {
  if (name.empty()) return width;
  if (l.format.header) {
    for (std::size_t c = 0; c < header.size(); ++c)
      if (header[c] == name) return c;
    return width;
  }
  if (const auto p = position_of(name)) return *p - 1;
  return width;
}

/// `amount_index` is the wanted column whose first value decides the decimal comma (none: no
/// detection); `order` is the orders file's day-month order, which settles an ambiguous first date
/// (03/04/2024) of another file.
layout detect(const std::string& file, const orders_layout& opt,
              const std::vector<std::pair<std::string, std::vector<std::string_view>>>& wanted,
              const std::vector<std::string>& positional, std::size_t time_index, bool skip_bad_rows,
              std::string_view hint = {}, std::optional<std::size_t> amount_index = std::nullopt,
              std::optional<crm::time_format> order = std::nullopt) {
  layout l;
  const auto lines = first_lines(file);
  set_delimiter(l.format, opt.delimiter, lines[0]);
  if (opt.decimal_comma && !l.format.whitespace_separated && l.format.delimiter == ',')
    throw usage_error("--decimal-comma cannot go with ',' as the delimiter of " + file +
                      " (a decimal comma would split every amount in two): give --delimiter ';' or tab, or leave "
                      "--decimal-comma out");
  l.format.decimal_comma = opt.decimal_comma;
  l.format.header = opt.header.value_or(lines[0].empty() || starts_with_letter(split(lines[0], l.format)));
  l.format.on_bad_row = skip_bad_rows ? crm::bad_rows::collect : crm::bad_rows::fail;
  l.format.keep_rejections = 5;
  const std::vector<std::string> header = split(lines[0], l.format);
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    std::string name = wanted[i].first;
    if (name.empty() && l.format.header) name = find_column(header, wanted[i].second);
    if (name.empty() && !l.format.header) name = positional[i] == "last" ? std::to_string(header.size()) : positional[i];
    l.columns.push_back(name);  // "" for a header without a known name: the reader reports it
  }
  if (time_index >= l.columns.size()) return l;
  const std::vector<std::string> row = split(l.format.header ? lines[1] : lines[0], l.format);
  // Without a header and without a date column given, the time is the first column, apart from the
  // other wanted ones, whose first value is a date or time (CDNOW_sample.txt: the third of five).
  if (!l.format.header && wanted[time_index].first.empty()) {
    const auto taken = [&](std::size_t c) {
      for (std::size_t i = 0; i < l.columns.size(); ++i)
        if (i != time_index && position_of(l.columns[i]) == c + 1) return true;
      return false;
    };
    for (std::size_t c = 0; c < row.size(); ++c)
      if (!taken(c) && time_format_of(row[c], l.format.dates)) {
        l.columns[time_index] = std::to_string(c + 1);
        break;
      }
  }
  // A decimal comma: given, or an amount of the first data row written -?digits,digits in a file
  // delimited by ';' or tab (with ',' as the delimiter such an amount would be two fields).
  if (!l.format.decimal_comma && !l.format.whitespace_separated && (l.format.delimiter == ';' || l.format.delimiter == '\t')) {
    const std::size_t a = amount_index && *amount_index < l.columns.size()
                              ? column_index(l, header, l.columns[*amount_index], row.size())
                              : row.size();
    l.format.decimal_comma = a < row.size() && decimal_comma_amount(row[a]);
  }
  if (!opt.date_format.empty()) {
    l.format.time = parse_time_format(opt.date_format);
    return l;
  }
  const std::size_t col = column_index(l, header, l.columns[time_index], row.size());
  if (col >= row.size()) return l;  // no such column: the reader names it
  const std::optional<time_guess> f = time_format_of(row[col], l.format.dates);
  const std::string where = file + ": the first data row's column " + std::to_string(col + 1) + " '" + l.columns[time_index] +
                            "' holds '" + row[col] + "'";
  if (!f)
    throw input_error(where +
                      ", no date or time the reader knows (2024-03-31, 2024-03-31T12:00:00Z, 20240331, epoch seconds of 9 or 10 "
                      "digits, 31.03.2024, 31/03/2024 or 03/31/2024)" + std::string(hint));
  l.format.time = f->format;
  if (f->ambiguous) {
    if (order) {
      l.format.time = *order;
    } else if (!hint.empty()) {  // the orders file (the one with a hint): --date-format decides
      throw input_error(where + ", a date whose day and month may be either way round: give --date-format dmy (day first, "
                                "31/03/2024) or mdy (month first, 03/31/2024)");
    } else {
      throw input_error(where + ", a date whose day and month may be either way round, and the orders file's dates do not "
                                "settle it (they are not day-month-year or month-day-year): write this file's dates as "
                                "2024-03-31");
    }
  }
  return l;
}

/// The message of a rejection: "file:line: column c 'name' reason", or "file: reason" for the whole file.
std::string describe(const crm::csv_rejection& r) {
  if (r.line == 0) return r.source + ": " + (r.field.empty() ? "" : "'" + r.field + "' ") + r.reason;
  return r.message();
}

/// Turns a read's summary into an input_file, or throws input_error when the read stopped.
template <class Records>
input_file check_read(const std::string& role, const Records& got, const crm::csv_format& format,
                      std::vector<std::pair<std::string, std::string>> fields) {
  const crm::csv_summary& s = got.summary;
  if (s.stopped) throw input_error(describe(s.rejections.front()));
  input_file f{role, s.source, s.rows, s.used, s.rejected, {}, format.header,
               format.whitespace_separated ? "space" : std::string(1, format.delimiter), std::move(fields)};
  for (const crm::csv_rejection& r : s.rejections) f.first_rejections.push_back(describe(r));
  return f;
}

void require_named(const std::string& file, const std::string& what, const std::string& name, const char* option) {
  if (name.empty())
    throw input_error(file + ":1: no column for the " + what + " in the header; name it with " + option);
}

}  // namespace

/// A date option (2024-03-31 or 20240331), read by the CSV reader's own parser in its date range
/// (1900-01-01 .. 2199-12-31), so an option date and a file's date are the same dates.
std::chrono::sys_days parse_date_option(const std::string& s, const char* option) {
  const crm::detail::date_range range{};
  crm::time_point t{};
  if (!crm::detail::parse_time(s, crm::time_format::iso_date, range, t).ok() &&
      !crm::detail::parse_time(s, crm::time_format::yyyymmdd, range, t).ok())
    throw input_error(std::string(option) + " '" + s + "' is not a date (write it as 2024-03-31)");
  return std::chrono::floor<std::chrono::days>(t);
}

std::string locate(const input_file& f, std::size_t row, const std::string& field, const std::string& reason) {
  const std::string fallback = f.source + ": data row " + std::to_string(row + 1) + ": '" + field + "' " + reason;
  std::ifstream in(f.source, std::ios::binary);
  if (!in) return fallback;
  crm::csv_format format;
  set_delimiter(format, f.delimiter, "");
  std::string line, header;
  std::uint64_t number = 0;
  std::size_t seen = 0;
  bool first = true;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (first && f.header) {
      header = line;
      first = false;
      continue;
    }
    first = false;
    if (seen++ != row) continue;
    std::string where = f.source + ":" + std::to_string(number) + ": ";
    const auto it = std::find_if(f.field_columns.begin(), f.field_columns.end(), [&](const auto& p) { return p.first == field; });
    if (it == f.field_columns.end() || it->second.empty()) return where + "'" + field + "' " + reason;
    std::size_t column = 0;
    if (f.header) {
      const auto names = split(header, format);
      column = static_cast<std::size_t>(std::find(names.begin(), names.end(), it->second) - names.begin()) + 1;
      if (column > names.size()) return where + "'" + field + "' " + reason;
    } else if (const auto p = position_of(it->second)) {
      column = *p;
    } else {
      return where + "'" + field + "' " + reason;
    }
    const auto fields = split(line, format);
    where += "column " + std::to_string(column) + " '" + it->second + "' " + reason;
    if (column <= fields.size()) where += ": '" + fields[column - 1] + "'";
    return where;
  }
  return fallback;
}

namespace {
/// Reads the orders; for a large file (over 24 MiB, about a million rows) with standard error on a
/// terminal, streams it through crm::try_scan_csv and draws a progress bar on standard error.
crm::csv_records<crm::order<double>> read_orders_with_progress(const std::string& file, const crm::order_columns& columns,
                                                              const crm::csv_format& format) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  constexpr std::uintmax_t large = std::uintmax_t{24} << 20;
  if (ec || size < large || ::isatty(::fileno(stderr)) == 0) return crm::try_read_orders_csv<double>(crm::csv_input(file), columns, format);
  const auto lines = first_lines(file);
  const double bytes_per_row = static_cast<double>(std::max<std::size_t>(lines[1].size(), 8) + 1);
  const double expected_rows = static_cast<double>(size) / bytes_per_row;
  crm::csv_records<crm::order<double>> out;
  int shown = -1;
  out.summary = crm::try_scan_csv<crm::order<double>>(
      crm::csv_input(file), columns, format, [&](unsigned, std::span<const crm::order<double>> batch) {
        out.records.insert(out.records.end(), batch.begin(), batch.end());
        const int pct = std::min(99, static_cast<int>(100.0 * static_cast<double>(out.records.size()) / expected_rows));
        if (pct == shown) return;
        shown = pct;
        const int bar = pct / 4;
        std::fprintf(stderr, "\rreading %s [%s%s] %d%%", file.c_str(), std::string(static_cast<std::size_t>(bar), '#').c_str(),
                     std::string(static_cast<std::size_t>(25 - bar), ' ').c_str(), pct);
      });
  std::fprintf(stderr, "\r\033[Kread %zu orders from %s; computing the report...\n", out.records.size(), file.c_str());
  return out;
}

/// A whole number or an amount of a funnel file's field; "" when it is one, else the reason.
template <class V>
std::string parse_number(const std::string& text, V& out) {
  if (text.empty()) return "is empty";
  std::from_chars_result r;
  if constexpr (std::is_floating_point_v<V>)
    r = crm::detail::floating_from_chars(text.data(), text.data() + text.size(), out);  // libc++ has no floating from_chars
  else
    r = std::from_chars(text.data(), text.data() + text.size(), out);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size())
    return std::is_integral_v<V> ? "is not a whole number" : "is not a number";
  if (out < V(0)) return "is negative";
  if constexpr (std::is_floating_point_v<V>)
    if (!std::isfinite(out)) return "is not finite";
  return {};
}

/// The relation of crm::email_campaign::ok() a funnel row breaks, in ok()'s order (the relations of
/// include/crm/metrics/email.hpp): the index of the part's column in read_funnel's table and the
/// relation in the library's words; {0, nullptr} when none does. Counts are >= 0 here (parse_number),
/// and no sum is formed (a difference of counts cannot overflow once delivered <= sent holds).
std::pair<std::size_t, const char*> broken_relation(const crm::email_campaign<double>& c) {
  constexpr const char* of_sent = "must not exceed sent";
  constexpr const char* of_delivered = "must not exceed delivered";
  constexpr const char* bounces = "delivered + hard_bounces + soft_bounces must not exceed sent";
  if (c.delivered > c.sent) return {2, of_sent};
  if (c.hard_bounces > c.sent - c.delivered) return {8, bounces};
  if (c.soft_bounces > c.sent - c.delivered - c.hard_bounces) return {9, bounces};
  if (c.unique_opens > c.delivered) return {3, of_delivered};
  if (c.unique_clicks > c.delivered) return {4, of_delivered};
  if (c.conversions > c.sent) return {5, of_sent};
  if (c.unsubscribed > c.delivered) return {6, of_delivered};
  if (c.spam_complaints > c.delivered) return {7, of_delivered};
  return {0, nullptr};
}

/// A per-campaign funnel CSV: campaign,sent,delivered,opens,clicks,conversions and optional
/// unsubscribed, spam_complaints, hard_bounces, soft_bounces, revenue, cost. Each row must pass the
/// library's crm::email_campaign::ok() (every count at most its whole, bounces included); a row that
/// does not is bad input naming the column of the count that breaks a relation. Clicks above opens
/// and a campaign without opens are valid (ok() does not require clicks <= opens: a click without a
/// tracked open): the click-to-open rate is then left out of the figures (figures.cpp).
/// Revenue and cost may have a decimal comma (--decimal-comma, or a first data row's revenue or
/// cost written -?digits,digits in a file delimited by ';' or tab); then a '.' in them is refused.
std::vector<crm::email_campaign<double>> read_funnel(const std::string& file, bool skip, bool decimal_comma,
                                                     input_file& info) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw input_error(file + ": cannot open the file (no such file)");
  crm::csv_format format;
  std::string line;
  std::vector<std::string> header;
  std::uint64_t number = 0;
  std::vector<crm::email_campaign<double>> out;
  info = input_file{};
  info.role = "funnel";
  info.source = file;
  info.delimiter = ",";
  struct col {
    std::vector<std::string_view> names;
    bool required;
    std::size_t at = 0;
  };
  std::vector<col> cols = {{{"campaign"}, true},  {{"sent"}, true},        {{"delivered"}, true},
                           {{"opens", "unique_opens"}, true},              {{"clicks", "unique_clicks"}, true},
                           {{"conversions"}, true},                        {{"unsubscribed", "unsubscribes"}, false},
                           {{"spam_complaints", "spam"}, false},           {{"hard_bounces"}, false},
                           {{"soft_bounces"}, false},                      {{"revenue"}, false},
                           {{"cost"}, false}};
  bool first_row = true;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    if (header.empty()) {
      set_delimiter(format, "", line);
      if (decimal_comma && !format.whitespace_separated && format.delimiter == ',')
        throw usage_error("--decimal-comma cannot go with ',' as the delimiter of " + file +
                          " (a decimal comma would split every amount in two): give it ';' or tab as the delimiter, or "
                          "leave --decimal-comma out");
      info.delimiter = format.whitespace_separated ? "space" : std::string(1, format.delimiter);
      header = split(line, format);
      for (col& c : cols) {
        const std::string name = find_column(header, c.names);
        c.at = name.empty() ? header.size() : static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
        if (c.required && name.empty())
          throw input_error(file + ":" + std::to_string(number) + ": '" + std::string(c.names[0]) + "' is not a column of the header");
      }
      continue;
    }
    ++info.rows;
    const std::vector<std::string> f = split(line, format);
    if (first_row && !decimal_comma && !format.whitespace_separated && (format.delimiter == ';' || format.delimiter == '\t'))
      for (const std::size_t k : {std::size_t{10}, std::size_t{11}})
        decimal_comma = decimal_comma || (cols[k].at < f.size() && decimal_comma_amount(f[cols[k].at]));
    first_row = false;
    std::string problem;
    crm::email_campaign<double> c{};
    crm::count_t* counts[] = {nullptr, &c.sent, &c.delivered, &c.unique_opens, &c.unique_clicks, &c.conversions,
                              &c.unsubscribed, &c.spam_complaints, &c.hard_bounces, &c.soft_bounces};
    for (std::size_t k = 1; k < cols.size() && problem.empty(); ++k) {
      if (cols[k].at >= header.size()) continue;
      const std::string where = file + ":" + std::to_string(number) + ": column " + std::to_string(cols[k].at + 1) + " '" +
                                header[cols[k].at] + "' ";
      if (cols[k].at >= f.size()) {
        problem = where + "is missing (the row has too few fields)";
        break;
      }
      const std::string& text = f[cols[k].at];
      std::string why;
      if (k < 10) {
        why = parse_number(text, *counts[k]);
      } else if (!decimal_comma) {
        why = parse_number(text, k == 10 ? c.revenue : c.cost);
      } else if (text.find('.') != std::string::npos) {
        why = "has a '.', but this file's amounts have a decimal comma (a '.' is neither read as a decimal point nor "
              "skipped as a thousands separator)";
      } else {
        std::string point = text;
        std::replace(point.begin(), point.end(), ',', '.');
        why = parse_number(point, k == 10 ? c.revenue : c.cost);
      }
      if (!why.empty()) problem = where + why + ": '" + text + "'";
    }
    if (problem.empty() && !c.ok()) {
      const auto [k, relation] = broken_relation(c);
      problem = file + ":" + std::to_string(number) + ": ";
      if (relation == nullptr) problem += "the counts contradict each other (crm::email_campaign::ok())";
      else
        problem += "column " + std::to_string(cols[k].at + 1) + " '" + header[cols[k].at] + "' " +
                   crm::describe(crm::errc::part_exceeds_whole) + " (" + relation + "): '" + f[cols[k].at] + "'";
    }
    if (problem.empty()) {
      ++info.used;
      out.push_back(c);
      continue;
    }
    if (!skip) throw input_error(problem);
    ++info.rejected;
    if (info.first_rejections.size() < 5) info.first_rejections.push_back(problem);
  }
  if (header.empty()) throw input_error(file + ": is empty (no rows)");
  if (info.rows == 0) throw input_error(file + ":" + std::to_string(number) + ": has no data rows");
  return out;
}

/// A directory is not a file: said plainly (the reader would fail to read it).
void require_file(const std::string& file) {
  std::error_code ec;
  if (!file.empty() && std::filesystem::is_directory(file, ec))
    throw input_error(file + ": is a directory, not a file");
}
}  // namespace

report_input read_inputs(const report_options& o) {
  for (const std::string* f : {&o.orders_file, &o.email_file, &o.funnel_file, &o.nps_file, &o.costs_file}) require_file(*f);
  if (!o.email_file.empty() && !o.funnel_file.empty())
    throw input_error("--emails and --funnel are two forms of the same figures: give one of them");
  report_input in;
  std::optional<crm::time_format> order;  // the orders file's day-month order, for the other files' ambiguous dates
  {
    const layout l = detect(o.orders_file, o.layout,
                            {{o.layout.customer_column, {"customer_id", "customer", "client_id", "user_id", "customerid", "id"}},
                             {o.layout.date_column, {"date", "order_date", "time", "timestamp", "datetime", "created_at"}},
                             {o.layout.amount_column, {"amount", "dollar_value", "revenue", "value", "total", "price", "sum"}}},
                            {"1", "2", "last"}, 1, o.skip_bad_rows,
                            ": name the date's column with --date-column, or its format with --date-format", 2);
    const auto lines = first_lines(o.orders_file);
    // Without a header the columns are numbered: a column option must be a position.
    const std::pair<const char*, const std::string*> given[] = {{"--customer-column", &o.layout.customer_column},
                                                                {"--date-column", &o.layout.date_column},
                                                                {"--amount-column", &o.layout.amount_column}};
    for (const auto& [option, value] : given)
      if (!l.format.header && !value->empty() && !position_of(*value))
        throw usage_error(std::string(option) + " '" + *value + "' is not a column position, and " + o.orders_file +
                          " has no header line to find it in: number the columns from 1 (e.g. " + option +
                          " 2), or give --header when the first line names them");
    if (!lines[0].empty() && l.format.header) {
      require_named(o.orders_file, "customer id", l.columns[0], "--customer-column");
      require_named(o.orders_file, "order date", l.columns[1], "--date-column");
      require_named(o.orders_file, "amount", l.columns[2], "--amount-column");
    }
    if (l.format.time == crm::time_format::day_month_year || l.format.time == crm::time_format::month_day_year)
      order = l.format.time;
    const crm::order_columns columns{.customer = l.columns[0], .time = l.columns[1], .amount = l.columns[2]};
    auto got = read_orders_with_progress(o.orders_file, columns, l.format);
    in.files.push_back(check_read("orders", got, l.format,
                                  {{"customer", l.columns[0]}, {"time", l.columns[1]}, {"amount", l.columns[2]}}));
    in.orders = std::move(got.records);
  }
  orders_layout plain{};
  plain.decimal_comma = o.layout.decimal_comma;  // --decimal-comma: every file's amounts
  if (!o.email_file.empty()) {
    const layout l = detect(o.email_file, plain, {{"", {"recipient"}}, {"", {"time"}}, {"", {"revenue"}}}, {"1", "4", ""}, 1,
                            o.skip_bad_rows, {}, 2, order);
    crm::email_columns c;
    const auto lines = first_lines(o.email_file);
    const std::vector<std::string> header = split(lines[0], l.format);
    if (!find_column(header, {"revenue"}).empty()) c.revenue = "revenue";
    auto got = crm::try_read_email_events_csv<double>(crm::csv_input(o.email_file), c, l.format);
    in.files.push_back(check_read("email", got, l.format,
                                  {{"recipient", c.recipient}, {"campaign", c.campaign}, {"kind", c.kind},
                                   {"time", c.time}, {"revenue", c.revenue}}));
    in.email_events = std::move(got.records);
  }
  if (!o.funnel_file.empty()) {
    input_file info;
    in.funnel = read_funnel(o.funnel_file, o.skip_bad_rows, o.layout.decimal_comma, info);
    in.files.push_back(std::move(info));
  }
  if (!o.nps_file.empty()) {
    const layout l = detect(o.nps_file, plain, {{"", {"respondent"}}, {"", {"time"}}}, {"1", "2"}, 1, o.skip_bad_rows, {},
                            std::nullopt, order);
    crm::survey_columns c;
    const auto lines = first_lines(o.nps_file);
    if (find_column(split(lines[0], l.format), {"time"}).empty()) c.time.clear();
    auto got = crm::try_read_survey_answers_csv(crm::csv_input(o.nps_file), c, l.format);
    in.files.push_back(check_read("nps", got, l.format, {{"respondent", c.respondent}, {"time", c.time}, {"score", c.score}}));
    in.nps_answers = std::move(got.records);
  }
  if (!o.costs_file.empty()) {
    const layout l = detect(o.costs_file, plain, {{"", {"date"}}, {"", {"amount"}}}, {"1", ""}, 0, o.skip_bad_rows, {}, 1,
                            order);
    crm::spend_columns c;
    const auto lines = first_lines(o.costs_file);
    if (find_column(split(lines[0], l.format), {"channel"}).empty()) c.channel.clear();
    auto got = crm::try_read_spend_records_csv<double>(crm::csv_input(o.costs_file), c, l.format);
    in.files.push_back(check_read("costs", got, l.format, {{"time", c.time}, {"channel", c.channel}, {"amount", c.amount}}));
    in.costs = std::move(got.records);
  }
  return in;
}

}  // namespace crm_report
