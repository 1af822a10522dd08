// crm-metrics: reading orders, e-mail events, survey answers and spend from CSV and
// whitespace-separated files, fast, with every bad row reported.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Customization points: the number type T of amounts (crm::number; built-in floating types are
// parsed with std::from_chars, any other T through its string constructor, exactly).
//
// Dialect: RFC 4180 fields (a field may be quoted with '"', "" is a quote inside quotes) with a
// delimiter of the caller's choice, or fields separated by runs of blanks (the CDNOW files); LF or
// CRLF line ends; a UTF-8 byte-order mark is skipped; blanks around fields are trimmed; blank lines
// are not rows. A line break inside quotes is not supported (it is reported as an unterminated
// quote): that is what lets a file be cut at line breaks and parsed by several threads.
//
// Nothing is dropped silently: every data line is a row, and every row is either used (turned into
// a record) or rejected with its file, line, column, field and reason. Under bad_rows::fail
// (default) the first rejection ends the read (crm::csv_error from read_*, or a summary with
// complete() == false from try_read_*); under bad_rows::collect reading goes on, rows == used +
// rejected, and the first few rejections are kept for the message. A scan callback that returns
// the accumulator's crm::add_report (or scan_csv_into) has the records the accumulator refuses
// counted and reported the same way, at their file lines.
//
// Speed: order logs of one fixed layout (digits-only ids, an ISO or yyyymmdd date, amounts with a
// decimal point, no quotes or blanks) take a fast path per line (detail/csv_fast.hpp); any other
// line, and every file in another time format or with csv_format::decimal_comma, is read by the
// general path, which alone decides what is rejected and why.
#pragma once

#include <crm/aggregate/detail/csv_fast.hpp>
#include <crm/aggregate/detail/csv_fields.hpp>
#include <crm/aggregate/detail/csv_scan.hpp>
#include <crm/aggregate/parallel.hpp>
#include <crm/aggregate/records.hpp>
#include <crm/aggregate/report.hpp>
#include <crm/core/error.hpp>
#include <crm/core/number.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// What to do with a row that cannot be read.
enum class bad_rows : std::uint8_t {
  fail,     ///< stop at the first bad row and report it
  collect,  ///< reject it, count it, keep going (the first `keep_rejections` are kept)
};

/// The layout of a file and the reading policy.
struct csv_format {
  char delimiter = ',';        ///< field separator (ignored when whitespace_separated)
  bool whitespace_separated = false;  ///< fields separated by runs of spaces/tabs, as in CDNOW_master.txt
  char quote = '"';            ///< quote character
  bool header = true;          ///< the first line names the columns
  /// Column names for a file without a header (header == false). Left empty, the columns are named
  /// by their 1-based position: "1", "2", ... With names, every row must have that many fields.
  std::vector<std::string> names{};
  time_format time = time_format::iso_date;  ///< how the time column is written
  detail::date_range dates{};  ///< accepted dates, inclusive (default 1900-01-01 .. 2199-12-31)
  /// Amounts (order amounts, spend, e-mail revenue) written with a decimal comma, 1234,56 or -3,5, as
  /// 1C, Bitrix24, amoCRM and most European exports write them. Then a '.' in an amount is an error
  /// (never a guess), as is a thousands separator (space, no-break space, '.', apostrophe); the
  /// delimiter must not be ',' (that format is refused before any row is read). A bool, not a
  /// decimal-point character: there are two conventions, and no other character has to be refused.
  bool decimal_comma = false;
  bad_rows on_bad_row = bad_rows::fail;
  std::size_t keep_rejections = 8;  ///< how many rejections a summary keeps, at least 1 (all are counted)
  /// Threads that parse (the file is cut at line breaks). 1 = the calling thread only; the reader
  /// starts threads only when asked. Inputs under 1 MiB are parsed by one thread.
  unsigned threads = 1;
  /// scan_csv_into on several threads into an accumulator with a partitioned add (customers, RFM,
  /// periods): the file is read in rounds of about this many bytes, each round's purchases held as
  /// entries (16 to 24 bytes each) until its end. 0: one round.
  std::size_t round_bytes = std::size_t{64} << 20;
  /// Where the threads' parts run: nullptr (the default) starts threads - 1 std::threads per round;
  /// an executor (crm::thread_pool, or your own pool) gets them as tasks instead, and no thread is
  /// started (crm/core/executor.hpp: the result is the same whatever it does with them).
  crm::executor* executor = nullptr;
};

/// One rejected row (or a problem with the whole input: line 0 = the file, column 0 = no column).
struct csv_rejection {
  std::string source;      ///< file name, or the name given to an in-memory text
  std::uint64_t line = 0;  ///< 1-based line number in the file (the header is line 1)
  std::size_t column = 0;  ///< 1-based column number, 0 when the problem is not in one column
  std::string field;       ///< the column's name ("" when not in one column)
  errc code = errc::ok;    ///< malformed, not_finite, out_of_range, negative, empty_input
  std::string reason;      ///< e.g. "is not a number: '12x'"

  /// "orders.csv:12: column 3 'amount' is not a number: '12x'"
  [[nodiscard]] std::string message() const { return detail::data_message(source, line, column, field, reason); }
};

/// Thrown by the read_* functions: a crm::data_error (source, line, field) that also carries the
/// column number and the error code. Its message is the rejection's, as csv_summary::message()
/// gives it: "orders.csv:3: column 3 'amount' is not a number: '12x'".
class csv_error : public data_error {
 public:
  explicit csv_error(const csv_rejection& r)
      : data_error(r.source, static_cast<long long>(r.line), r.column, r.field, r.reason), rejection_(r) {}
  [[nodiscard]] errc code() const noexcept { return rejection_.code; }
  [[nodiscard]] const csv_rejection& rejection() const noexcept { return rejection_; }

 private:
  csv_rejection rejection_;
};

/// What a read did: rows seen, used and rejected, and the first rejections.
struct csv_summary {
  std::string source;
  std::uint64_t rows = 0;      ///< data rows read (blank lines and the header are not rows)
  std::uint64_t used = 0;      ///< rows turned into records
  std::uint64_t rejected = 0;  ///< rows rejected; rows == used + rejected
  std::vector<csv_rejection> rejections;  ///< the first format.keep_rejections of them, in file order
  /// Set when reading stopped early (a bad row under bad_rows::fail, or a problem with the whole
  /// input such as a missing file, a missing column or no data rows); then it is rejections[0].
  bool stopped = false;

  /// Every row was read (nothing stopped the read).
  [[nodiscard]] bool complete() const noexcept { return !stopped; }
  /// Every row was read and none was rejected.
  [[nodiscard]] bool ok() const noexcept { return !stopped && rejected == 0; }
  /// "orders.csv: 1000 rows, 998 used, 2 rejected; first: orders.csv:12: column 3 'amount' ..."
  [[nodiscard]] std::string message() const {
    std::string s = source + ": " + std::to_string(rows) + " rows, " + std::to_string(used) + " used, " +
                    std::to_string(rejected) + " rejected";
    if (stopped) s += ", reading stopped";
    for (std::size_t i = 0; i < rejections.size(); ++i) s += (i == 0 ? "; " : " | ") + rejections[i].message();
    if (rejected > rejections.size()) s += " | ...";
    return s;
  }
};

/// Records read into memory, in file order, with the summary of the read.
template <class Record>
struct csv_records {
  std::vector<Record> records;
  csv_summary summary;
};

/// Where the bytes come from: a file (memory-mapped), or text in memory with a name for messages.
struct csv_input {
  csv_input(const std::filesystem::path& file) : path(file), source(file.string()) {}  // NOLINT: implicit
  csv_input(const char* file) : csv_input(std::filesystem::path(file)) {}              // NOLINT
  csv_input(const std::string& file) : csv_input(std::filesystem::path(file)) {}       // NOLINT
  /// In-memory text, not copied: a view, so the text (a literal, a std::string or a buffer the
  /// caller keeps) must outlive every read of the input. `name` stands for the file name in messages.
  [[nodiscard]] static csv_input from_text(std::string_view text, std::string name = "<text>") {
    csv_input in{std::filesystem::path{}};
    in.text = text;
    in.is_text = true;
    in.source = std::move(name);
    return in;
  }
  /// In-memory text from a std::string the caller gives up (a temporary, `a + b`, std::move(s)):
  /// the input keeps it, shared by its copies, so `auto in = csv_input::from_text(load());` reads
  /// valid memory (a view of the temporary read freed memory once the statement ended). No copy of
  /// the text is made.
  template <class String>
    requires std::same_as<String, std::string>
  [[nodiscard]] static csv_input from_text(String&& text, std::string name = "<text>") {
    csv_input in = from_text(std::string_view(), std::move(name));
    in.owned_text = std::make_shared<const std::string>(std::move(text));
    in.text = *in.owned_text;
    return in;
  }
  std::filesystem::path path;
  std::string_view text;
  bool is_text = false;
  std::string source;
  /// The text `text` views when the input was made from a std::string rvalue (else empty).
  std::shared_ptr<const std::string> owned_text{};
};

/// Which columns hold an order. Empty names are columns the file does not have (optional ones only).
struct order_columns {
  std::string customer = "customer_id";  ///< unsigned 64-bit id
  std::string time = "date";             ///< in csv_format::time
  std::string amount = "amount";         ///< in T; negative = a return
  std::string channel{};                 ///< optional unsigned 32-bit id
  std::string campaign{};                ///< optional unsigned 32-bit id
};

/// Which columns hold an e-mail event.
struct email_columns {
  std::string recipient = "recipient";
  std::string campaign = "campaign";
  std::string kind = "event";  ///< sent, delivered, hard_bounce, soft_bounce, open, click, unsubscribe,
                               ///< spam_complaint, conversion (any case; '-' or ' ' for '_')
  std::string time = "time";
  std::string revenue{};  ///< optional; non-zero only on conversions, an empty field is zero; left empty, a
                          ///< header column named "revenue" is read when there is one
};

/// Which columns hold a survey answer (the score is a whole number; its scale is checked where
/// the answers are tallied).
struct survey_columns {
  std::string respondent = "respondent";
  std::string time = "time";
  std::string score = "score";
};

/// Which columns hold a spend record (amounts must not be negative).
struct spend_columns {
  std::string time = "date";
  std::string channel = "channel";  ///< optional
  std::string amount = "amount";
};

namespace detail {

/// A record kind's columns: names, which are required, how a field fills the record.
template <class Record>
struct csv_schema;

template <number T>
struct csv_schema<order<T>> {
  static constexpr std::size_t roles = 5;
  std::array<std::string_view, roles> names;
  static constexpr std::array<bool, roles> required{true, true, true, false, false};
  static constexpr std::array<std::string_view, roles> fields{"customer", "time", "amount", "channel", "campaign"};
  explicit csv_schema(const order_columns& c) : names{c.customer, c.time, c.amount, c.channel, c.campaign} {}
  field_failure parse(std::size_t role, std::string_view s, order<T>& r, const csv_format& f, time_cache& c) const {
    switch (role) {
      case 0: return parse_unsigned(s, r.customer);
      case 1: return c.parse(s, f.time, f.dates, r.time);
      case 2: return parse_amount(s, r.amount, f.decimal_comma);
      case 3: return s.empty() ? field_failure{} : parse_unsigned(s, r.channel);
      default: return s.empty() ? field_failure{} : parse_unsigned(s, r.campaign);
    }
  }
  static line_failure check(const order<T>&) noexcept { return {}; }
};

template <number T>
struct csv_schema<email_event<T>> {
  static constexpr std::size_t roles = 5;
  std::array<std::string_view, roles> names;
  static constexpr std::array<bool, roles> required{true, true, true, true, false};
  static constexpr std::array<std::string_view, roles> fields{"recipient", "campaign", "kind", "time", "revenue"};
  /// An optional role left unnamed takes the header's column of this name when there is one: a
  /// "revenue" column is read unless another column is named for it (it used to be ignored, and
  /// every conversion's revenue silently read as zero).
  static constexpr std::array<std::string_view, roles> if_present{"", "", "", "", "revenue"};
  explicit csv_schema(const email_columns& c) : names{c.recipient, c.campaign, c.kind, c.time, c.revenue} {}
  field_failure parse(std::size_t role, std::string_view s, email_event<T>& r, const csv_format& f, time_cache& c) const {
    switch (role) {
      case 0: return parse_unsigned(s, r.recipient);
      case 1: return parse_unsigned(s, r.campaign);
      case 2: return parse_email_kind(s, r.kind);
      case 3: return c.parse(s, f.time, f.dates, r.time);
      default: {
        if (s.empty()) return {};
        const field_failure x = parse_amount(s, r.revenue, f.decimal_comma);
        if (x.ok() && r.revenue < T(0)) return {errc::negative, "is negative"};
        return x;
      }
    }
  }
  line_failure check(const email_event<T>& r) const {
    if (r.kind != email_event_kind::conversion && r.revenue != T(0))
      return {{errc::out_of_range, "is not zero on an event that is not a conversion"}, 4};
    return {};
  }
};

template <>
struct csv_schema<survey_answer> {
  static constexpr std::size_t roles = 3;
  std::array<std::string_view, roles> names;
  static constexpr std::array<bool, roles> required{true, false, true};
  static constexpr std::array<std::string_view, roles> fields{"respondent", "time", "score"};
  explicit csv_schema(const survey_columns& c) : names{c.respondent, c.time, c.score} {}
  field_failure parse(std::size_t role, std::string_view s, survey_answer& r, const csv_format& f, time_cache& c) const {
    switch (role) {
      case 0: return parse_unsigned(s, r.respondent);
      case 1: return c.parse(s, f.time, f.dates, r.time);
      default: return parse_signed(s, r.score);
    }
  }
  static line_failure check(const survey_answer&) noexcept { return {}; }
};

template <number T>
struct csv_schema<spend_record<T>> {
  static constexpr std::size_t roles = 3;
  std::array<std::string_view, roles> names;
  static constexpr std::array<bool, roles> required{true, false, true};
  static constexpr std::array<std::string_view, roles> fields{"time", "channel", "amount"};
  explicit csv_schema(const spend_columns& c) : names{c.time, c.channel, c.amount} {}
  field_failure parse(std::size_t role, std::string_view s, spend_record<T>& r, const csv_format& f, time_cache& c) const {
    switch (role) {
      case 0: return c.parse(s, f.time, f.dates, r.time);
      case 1: return s.empty() ? field_failure{} : parse_unsigned(s, r.channel);
      default: {
        const field_failure x = parse_amount(s, r.amount, f.decimal_comma);
        if (x.ok() && r.amount < T(0)) return {errc::negative, "is negative"};
        return x;
      }
    }
  }
  static line_failure check(const spend_record<T>&) noexcept { return {}; }
};

/// The column mapping type of a record kind (what `{}` means for scan_csv's columns).
template <class Record>
struct columns_of;
template <number T>
struct columns_of<order<T>> {
  using type = order_columns;
};
template <number T>
struct columns_of<email_event<T>> {
  using type = email_columns;
};
template <>
struct columns_of<survey_answer> {
  using type = survey_columns;
};
template <number T>
struct columns_of<spend_record<T>> {
  using type = spend_columns;
};
template <class Record>
using columns_of_t = typename columns_of<Record>::type;

/// A rejection inside one chunk, before line numbers are made global.
struct local_rejection {
  std::uint64_t line = 0;  ///< 1-based within the chunk
  std::size_t column = 0;  ///< 0-based; npos = not in a column
  field_failure why{};
  std::string text;  ///< the offending field (shortened)
  std::string said{};  ///< the reason, when it is not why.reason (an accumulator's message)
};

// Aligned as a thread's context (detail::thread_state_alignment): the threads' chunks lie side by
// side in one vector and their counts are written for every row.
struct alignas(thread_state_alignment) chunk_state {
  std::uint64_t lines = 0, rows = 0, used = 0, rejected = 0;
  std::vector<local_rejection> rejections;
  bool stopped = false;
};

inline std::string quote_text(std::string_view s) {
  constexpr std::size_t max = 40;
  std::string out = "'";
  out.append(s.substr(0, max));
  if (s.size() > max) out += "...";
  return out + "'";
}

/// The column layout after the header: for each column, the role it fills (-1 = none).
struct csv_plan {
  std::vector<std::string> names;    ///< column names (from the header, the format, or positions)
  std::vector<int> role_of;          ///< per column
  std::size_t width = 0;             ///< exact field count required (0 = at least min_width)
  std::size_t min_width = 0;         ///< 1 + the last column used
};

/// Bytes a parser reads from a file at a time (pread into a buffer of its own, reused through the
/// chunk); 0 parses through the memory map instead. A setting for tests (small windows put lines
/// across many window ends) and measurements; set it before a read, not during one.
inline std::size_t& csv_window_bytes() noexcept {
  static std::size_t n = std::size_t{256} << 10;
  return n;
}

/// Parses the lines of [b, e), emitting records in batches to sink(worker, span). From a file
/// (bytes.readable()) the bytes come by pread, a window of csv_window_bytes() at a time: the whole
/// lines of each window are parsed, the part of a line at its end is carried to the next one (a
/// line longer than the window doubles it); the map is read only around the chunks' cuts, and for
/// the rest of a chunk after an I/O error of pread. Fast = false turns the fixed-layout fast path off
/// (tests compare the two paths).
template <class Record, bool Fast, class Schema, class Sink>
void parse_chunk(const char* b, const char* e, const Schema& schema, const csv_plan& plan, const csv_format& fmt,
                 unsigned worker, std::size_t chunk, const std::atomic<std::size_t>& first_failed_chunk,
                 const csv_bytes& bytes, Sink& sink, chunk_state& st) {
  constexpr std::ptrdiff_t release_every = std::ptrdiff_t{1} << 20;  // bytes parsed between page releases
  const char* released = b;
  const csv_dialect dialect{fmt.delimiter, fmt.quote, fmt.whitespace_separated};
  constexpr std::size_t batch_size = 4096;
  std::vector<Record> batch(batch_size);  // filled in place: batch[0, filled)
  std::size_t filled = 0;
  const bool fail_fast = fmt.on_bad_row == bad_rows::fail;
  const std::size_t keep = std::max<std::size_t>(fmt.keep_rejections, 1);
  const int* roles = plan.role_of.data();
  time_cache cache;
  const std::size_t ncols = plan.role_of.size();
  constexpr bool fast_kind = Fast && std::is_same_v<Record, order<double>>;
  // A sink that returns an add_report (an accumulator's try_add) has its rejections reported as
  // rows rejected at their file lines: the local line of every record in the batch is kept.
  constexpr bool reports =
      std::is_same_v<std::remove_cvref_t<std::invoke_result_t<Sink&, unsigned, std::span<const Record>>>, add_report>;
  std::vector<std::uint64_t> line_of(reports ? batch_size : 0);
  // The accumulator's rejections of batch[from, filled): counted, kept with their lines; under
  // bad_rows::fail the first one stops the read (the rows after it are then not read).
  auto hand_over = [&]() {
    if constexpr (reports) {
      std::size_t from = 0;
      while (from < filled) {
        const std::size_t n = filled - from;
        const add_report rep = sink(worker, std::span<const Record>(batch.data() + from, n));
        if (rep.rejected == 0 && rep.unread == 0) break;
        const auto kept = static_cast<std::size_t>(std::min<count_t>(rep.rejected, add_report::kept_rejections));
        for (std::size_t i = 0; i < kept; ++i) {
          const rejected_record& x = rep.first_rejections[i];
          if (st.rejections.size() >= keep || x.index >= n) break;
          std::size_t column = static_cast<std::size_t>(-1);
          for (std::size_t role = 0; role < Schema::roles; ++role)
            if (Schema::fields[role] == x.error.field)
              for (std::size_t c = 0; c < ncols; ++c)
                if (roles[c] == static_cast<int>(role)) column = c;
          st.rejections.push_back({line_of[from + x.index], column, {x.error.code, ""}, std::string(),
                                   "is rejected by " + message(x.error)});
        }
        const auto unread = static_cast<std::uint64_t>(rep.unread);
        st.used -= static_cast<std::uint64_t>(rep.rejected) + (fail_fast ? unread : 0);
        st.rejected += static_cast<std::uint64_t>(rep.rejected);
        if (fail_fast) {
          st.rows -= unread;
          st.stopped = true;
          break;
        }
        if (unread == 0) break;
        from = filled - static_cast<std::size_t>(unread);
      }
    } else {
      sink(worker, std::span<const Record>(batch.data(), filled));
    }
    filled = 0;
  };
  fast_order_layout fast;
  if constexpr (fast_kind)
    fast = make_fast_order_layout(plan.role_of, plan.width, fmt.delimiter, fmt.quote, fmt.whitespace_separated,
                                  fmt.time, fmt.dates, fmt.decimal_comma);
  const bool windowed = bytes.readable() && csv_window_bytes() > 0;
  auto flush = [&]() -> bool {  // hands the batch over; true: stop (this or an earlier chunk failed)
    hand_over();
    if (!windowed && b - released >= release_every) {
      bytes.release(released, b);
      released = b;
    }
    return st.stopped || (fail_fast && first_failed_chunk.load(std::memory_order_relaxed) < chunk);
  };
  // the lines of [b, e); true: the read stops here (a stop, or an earlier chunk failed)
  auto run_lines = [&]() -> bool {
    while (b < e) {
      if constexpr (fast_kind) {
        if (fast.enabled) {  // as many lines as the fast path takes, in locals (no aliasing with the text)
          const char* p = b;
          std::size_t at = filled;
          std::uint64_t taken = 0;
          while (at < batch_size) {
            Record& r = batch[at];
            r = Record{};
            const char* next = fast_order_line(p, e, fast, r, cache);
            if (next == nullptr) break;
            ++taken;
            if constexpr (reports) line_of[at] = st.lines + taken;
            p = next;
            ++at;
          }
          b = p;
          filled = at;
          st.lines += taken;
          st.rows += taken;
          st.used += taken;
          if (filled == batch_size) {
            if (flush()) return true;
            continue;
          }
          if (taken != 0) continue;  // stopped at a line it does not take (or at the end): tried once more, then the general path
        }
      }
      const auto [le, next] = line_at(b, e);
      ++st.lines;
      const char* x = (le > b && le[-1] == '\r') ? le - 1 : le;
      const char* line = b;
      b = next;
      if (x == line || blank_line(line, x)) continue;
      ++st.rows;
      Record r{};
      std::size_t count = 0;
      auto on_field = [&](std::size_t col, std::string_view s) -> field_failure {
        if (col < ncols && roles[col] >= 0) return schema.parse(static_cast<std::size_t>(roles[col]), s, r, fmt, cache);
        return {};
      };
      line_failure lf = split_line(line, x, dialect, on_field, count);
      std::string_view bad_text;
      const bool field_error = !lf.why.ok();
      if (field_error) {
        // recover the offending field's text for the message
        std::size_t n = 0;
        auto grab = [&](std::size_t col, std::string_view s) -> field_failure {
          if (col == lf.column) bad_text = s;
          return {};
        };
        (void)split_line(line, x, dialect, grab, n);
      } else if (count < plan.min_width || (plan.width != 0 && count != plan.width)) {
        const std::size_t expected = plan.width != 0 ? plan.width : plan.min_width;
        // a row of columns by position (no fixed width) names the first column it lacks that is read,
        // the one asked for: a date in column 9 of a 3-field row is "column 9", not the unread column 4
        std::size_t missing = count;
        if (plan.width == 0)
          while (missing + 1 < ncols && roles[missing] < 0) ++missing;
        lf = count < expected ? line_failure{{errc::malformed, "is missing (the row has too few fields)"}, missing}
                              : line_failure{{errc::malformed, "is an extra field (the row has too many fields)"},
                                             expected};
      } else {
        lf = schema.check(r);
        if (!lf.why.ok()) {
          for (std::size_t c = 0; c < ncols; ++c)
            if (roles[c] == static_cast<int>(lf.column)) {
              lf.column = c;
              break;
            }
        }
      }
      if (lf.why.ok()) {
        ++st.used;
        if constexpr (reports) line_of[filled] = st.lines;
        batch[filled] = std::move(r);
        if (++filled == batch_size && flush()) return true;
        continue;
      }
      if constexpr (reports) {  // the rows before this one first, so rejections stay in file order
        if (filled != 0) hand_over();
        if (st.stopped) {
          --st.rows;  // this row comes after the stop: not read
          return true;
        }
      }
      ++st.rejected;
      if (st.rejections.size() < keep) {
        std::string text = field_error && !bad_text.empty() ? quote_text(bad_text) : std::string();
        st.rejections.push_back({st.lines, lf.column, lf.why, std::move(text)});
      }
      if (fail_fast) {
        st.stopped = true;
        return true;
      }
    }
    return false;
  };
  if (!windowed) {
    (void)run_lines();
  } else {
    const char* const last = e;  // the chunk's end in the view
    const char* next = b;        // the next byte of the view to read
    std::size_t window = std::min(csv_window_bytes(), static_cast<std::size_t>(last - next));
    std::size_t size = window, carry = 0;  // the buffer's size; bytes of a line carried to its front
    std::unique_ptr<char[]> buf(new char[size]);
    while (next < last) {
      const std::size_t n = std::min(window, static_cast<std::size_t>(last - next));
      if (carry + n > size) {  // a line longer than the window: a larger buffer, the carry kept
        size = carry + n;
        std::unique_ptr<char[]> more(new char[size]);
        std::memcpy(more.get(), buf.get(), carry);
        buf = std::move(more);
      }
      if (!bytes.read_at(next, buf.get() + carry, n)) {  // an I/O error: the rest of the chunk from the map
        b = next - carry;
        e = last;
        (void)run_lines();
        break;
      }
      next += n;
      const char* const from = buf.get();
      const char* const to = from + carry + n;
      const char* cut = to;  // the end of the window's whole lines (from: none ends in it)
      if (next < last) {
        const std::size_t nl = std::string_view(from, carry + n).rfind('\n');
        cut = nl == std::string_view::npos ? from : from + nl + 1;
      }
      if (cut == from) {  // no line ends in the window: read on, twice as much at a time
        carry += n;
        window *= 2;
        continue;
      }
      b = from;
      e = cut;
      if (run_lines()) break;
      carry = static_cast<std::size_t>(to - cut);
      std::memmove(buf.get(), cut, carry);
    }
  }
  if (filled != 0) hand_over();
}

inline csv_rejection whole_input_problem(const std::string& source, std::uint64_t line, std::string field, errc code,
                                         std::string reason) {
  return {source, line, 0, std::move(field), code, std::move(reason)};
}

/// Reads `in` with the schema for Record, handing records to sink(worker, std::span<const Record>)
/// (called from `fmt.threads` threads at once when threads > 1; each worker's batches in file order,
/// worker w's rows before worker w+1's). Never throws by itself (sink and allocation aside).
///
/// In rounds (round_bytes > 0 and several threads): the file is cut into pieces of about
/// round_bytes / threads bytes; round r parses pieces r * threads .. r * threads + threads - 1 at
/// once (piece k by worker k % threads), then calls round_end(n), n being how many of that round's
/// pieces count (all, or up to the one where a bad row stopped the read); round_end returns false
/// to stop the read (its caller then reports why).
template <class Record, bool Fast = true, class Columns, class Sink, class RoundEnd>
csv_summary run_csv_rounds(const csv_input& in, const Columns& columns, const csv_format& fmt, Sink&& sink,
                           std::size_t round_bytes, RoundEnd&& round_end) {
  const executor_scope on(fmt.executor);
  csv_summary sum;
  sum.source = in.source;
  auto stop = [&](csv_rejection r) {
    sum.stopped = true;
    sum.rejections.insert(sum.rejections.begin(), std::move(r));
    return sum;
  };
  // The format itself: a decimal comma in a comma-delimited file would split every amount in two.
  if (fmt.decimal_comma && !fmt.whitespace_separated && fmt.delimiter == ',')
    return stop(whole_input_problem(in.source, 0, "", errc::malformed,
                                    "csv_format::decimal_comma cannot go with ',' as the delimiter (a decimal comma "
                                    "would split every amount in two): use ';' or tab"));
  // A delimiter or quote that is a line end, or the two the same character, has no meaning: the
  // reads went on and took whatever came out ('\n' as delimiter: "'customer_id' is not a column";
  // delimiter = quote = '"': every field read as a quoted one).
  if ((!fmt.whitespace_separated && (fmt.delimiter == '\n' || fmt.delimiter == '\r')) || fmt.quote == '\n' || fmt.quote == '\r')
    return stop(whole_input_problem(in.source, 0, "", errc::malformed, "csv_format::delimiter and quote cannot be CR or LF (line ends)"));
  if (!fmt.whitespace_separated && fmt.delimiter == fmt.quote)
    return stop(whole_input_problem(in.source, 0, "", errc::malformed,
                                    "csv_format::delimiter and quote must be different characters"));
  if (fmt.decimal_comma && fmt.quote == ',')
    return stop(whole_input_problem(in.source, 0, "", errc::malformed,
                                    "csv_format::decimal_comma cannot go with ',' as the quote (a decimal comma would "
                                    "open a quoted field): use '\"'"));
  csv_bytes bytes;
  if (in.is_text) {
    bytes = csv_bytes(in.text);
  } else {
    const char* why = "";
    if (!bytes.open(in.path, why)) return stop(whole_input_problem(in.source, 0, "", errc::malformed, why));
  }
  std::string_view all = bytes.view();
  if (all.size() >= 3 && all.substr(0, 3) == "\xEF\xBB\xBF") all.remove_prefix(3);
  const char* b = all.data();
  const char* e = b + all.size();
  if (blank_line(b, e) || all.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return stop(whole_input_problem(in.source, 0, "", errc::empty_input, "is empty (no rows)"));

  const csv_schema<Record> schema(columns);
  const csv_dialect dialect{fmt.delimiter, fmt.quote, fmt.whitespace_separated};
  csv_plan plan;
  std::uint64_t header_lines = 0;
  if (fmt.header) {
    // blank lines before the header are not rows, as blank lines elsewhere are not
    for (;;) {
      const auto [le, next] = line_at(b, e);
      if (!blank_line(b, (le > b && le[-1] == '\r') ? le - 1 : le)) break;
      b = next;
      ++header_lines;
    }
    const auto [le, next] = line_at(b, e);
    const char* x = (le > b && le[-1] == '\r') ? le - 1 : le;
    std::size_t n = 0;
    const line_failure lf = split_line(
        b, x, dialect,
        [&](std::size_t, std::string_view s, bool quoted) {
          // a quoted name is unescaped: "cust""id" names the column cust"id (RFC 4180)
          if (quoted)
            plan.names.push_back(unescape_quoted(s, dialect.quote));
          else
            plan.names.emplace_back(s);
          return field_failure{};
        },
        n);
    if (!lf.why.ok())
      return stop({in.source, header_lines + 1, lf.column + 1, "", lf.why.code, std::string("header ") + lf.why.reason});
    plan.width = plan.names.size();
    b = next;
    ++header_lines;  // the header's own line: the rows are numbered after it
  } else if (!fmt.names.empty()) {
    plan.names = fmt.names;
    plan.width = plan.names.size();
  }
  plan.role_of.assign(plan.names.size(), -1);
  for (std::size_t role = 0; role < csv_schema<Record>::roles; ++role) {
    std::string_view name = schema.names[role];
    if constexpr (requires { csv_schema<Record>::if_present; })
      if (name.empty() && fmt.header &&
          std::find(plan.names.begin(), plan.names.end(), csv_schema<Record>::if_present[role]) != plan.names.end())
        name = csv_schema<Record>::if_present[role];
    if (name.empty()) {
      if (csv_schema<Record>::required[role])
        return stop(whole_input_problem(in.source, 0, "", errc::malformed, "a required column has no name"));
      continue;
    }
    std::size_t col = plan.names.size();
    for (std::size_t c = 0; c < plan.names.size(); ++c)
      if (plan.names[c] == name) {
        if (col != plan.names.size())  // which of the two is meant cannot be known
          return stop(whole_input_problem(in.source, header_lines, std::string(name), errc::malformed,
                                          "names two columns (" + std::to_string(col + 1) + " and " +
                                              std::to_string(c + 1) + ")"));
        col = c;
      }
    if (col == plan.names.size() && fmt.header == false && fmt.names.empty()) {
      // positional names "1", "2", ...
      std::size_t pos = 0;
      const auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), pos);
      if (ec == std::errc{} && p == name.data() + name.size() && pos >= 1) {
        col = pos - 1;
        if (plan.role_of.size() <= col) {
          plan.role_of.resize(col + 1, -1);
          while (plan.names.size() <= col) plan.names.push_back(std::to_string(plan.names.size() + 1));
        }
      }
    }
    if (col == plan.names.size() || col >= plan.role_of.size())
      return stop(whole_input_problem(in.source, header_lines, std::string(name), errc::malformed,
                                      fmt.header ? "is not a column of the header"
                                                 : "is not one of the column names given"));
    if (plan.role_of[col] >= 0)
      return stop(whole_input_problem(in.source, header_lines, std::string(name), errc::malformed,
                                      "is mapped to two fields"));
    plan.role_of[col] = static_cast<int>(role);
    plan.min_width = std::max(plan.min_width, col + 1);
  }

  const std::size_t body = static_cast<std::size_t>(e - b);
  const unsigned threads = body < (std::size_t{1} << 20) ? 1u : std::max(1u, fmt.threads);
  const std::size_t rounds =
      threads > 1 && round_bytes > 0 ? std::max<std::size_t>(1, (body + round_bytes - 1) / round_bytes) : 1;
  const auto chunks = line_chunks(b, e, static_cast<unsigned>(threads * rounds));
  std::vector<chunk_state> states(chunks.size());
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::atomic<std::size_t> first_failed{none};
  auto work = [&](std::size_t k) {
    parse_chunk<Record, Fast>(chunks[k].first, chunks[k].second, schema, plan, fmt, static_cast<unsigned>(k % threads), k,
                        first_failed, bytes, sink, states[k]);
    if (states[k].stopped) {
      std::size_t cur = first_failed.load();
      while (k < cur && !first_failed.compare_exchange_weak(cur, k)) {
      }
    }
  };
  for (std::size_t k0 = 0; k0 < chunks.size(); k0 += threads) {
    const std::size_t k1 = std::min<std::size_t>(chunks.size(), k0 + threads);
    on_threads(k1 - k0, [&](std::size_t i) { work(k0 + i); });
    const std::size_t failed = first_failed.load();
    if (!round_end(failed == none ? k1 - k0 : failed - k0 + 1)) {
      sum.stopped = true;  // round_end said stop
      break;
    }
    if (failed != none) break;
  }

  const std::size_t keep = std::max<std::size_t>(fmt.keep_rejections, 1);
  std::uint64_t line0 = header_lines;
  for (const chunk_state& st : states) {
    sum.rows += st.rows;
    sum.used += st.used;
    sum.rejected += st.rejected;
    for (const local_rejection& r : st.rejections) {
      if (sum.rejections.size() >= keep) break;
      std::string name = r.column < plan.names.size() ? plan.names[r.column] : std::string();
      std::string reason = r.said.empty() ? std::string(r.why.reason) : r.said;
      if (!r.text.empty()) reason += ": " + r.text;
      sum.rejections.push_back({in.source, line0 + r.line, r.column + 1, std::move(name), r.why.code,
                                std::move(reason)});
    }
    if (st.stopped) {
      sum.stopped = true;
      break;  // later chunks are not part of the answer
    }
    line0 += st.lines;
  }
  if (!sum.stopped && sum.rows == 0)
    return stop(whole_input_problem(in.source, line0, "", errc::empty_input, "has no data rows"));
  return sum;
}

/// run_csv_rounds in one round, nothing to do after it.
template <class Record, bool Fast = true, class Columns, class Sink>
csv_summary run_csv(const csv_input& in, const Columns& columns, const csv_format& fmt, Sink&& sink) {
  return run_csv_rounds<Record, Fast>(in, columns, fmt, std::forward<Sink>(sink), 0, [](std::size_t) { return true; });
}

[[noreturn]] inline void throw_csv_error(const csv_rejection& r) {
#if CRM_METRICS_HAS_EXCEPTIONS
  throw csv_error(r);
#else
  (void)r;
  std::abort();
#endif
}

template <class Record, class Columns>
csv_records<Record> try_read_csv(const csv_input& in, const Columns& columns, const csv_format& fmt) {
  csv_records<Record> out;
  std::vector<std::vector<Record>> parts(std::max(1u, fmt.threads));
  auto sink = [&](unsigned w, std::span<const Record> batch) {
    parts[w].insert(parts[w].end(), batch.begin(), batch.end());
  };
  out.summary = run_csv<Record>(in, columns, fmt, sink);
  // After a stop, keep the rows before the bad one: the first `used` in file order (threads that
  // parsed later pieces of the file may have read more).
  std::size_t n = 0;
  for (const auto& p : parts) n += p.size();
  if (out.summary.stopped) n = std::min(n, static_cast<std::size_t>(out.summary.used));
  out.records.reserve(n);
  for (auto& p : parts) {
    const std::size_t take = std::min(p.size(), n - out.records.size());
    out.records.insert(out.records.end(), std::make_move_iterator(p.begin()),
                       std::make_move_iterator(p.begin() + static_cast<std::ptrdiff_t>(take)));
    std::vector<Record>().swap(p);
  }
  return out;
}

template <class Record, class Columns>
csv_records<Record> read_csv(const csv_input& in, const Columns& columns, const csv_format& fmt) {
  csv_records<Record> r = try_read_csv<Record>(in, columns, fmt);
  if (r.summary.stopped) throw_csv_error(r.summary.rejections.front());
  return r;
}

}  // namespace detail

/**
 * @brief Reads orders (customer id, time, amount; optional channel and campaign) from a CSV or
 * whitespace-separated file, or from text (csv_input::from_text).
 * @tparam T number type of the amounts (double: std::from_chars; a decimal type: exact).
 * @returns the orders in file order and the summary (rows, used, rejected, first rejections).
 * @throws crm::csv_error (a crm::data_error: file, line, column, field, reason) at the first bad row
 * under bad_rows::fail, or when the input cannot be read at all: missing file, a mapped column not
 * in the header, no data rows (errc::empty_input). Under bad_rows::collect bad rows do not throw.
 *
 * **Example** (the CDNOW master file: blanks between fields, dates as YYYYMMDD)
 *
 *     crm::csv_format f{.whitespace_separated = true, .time = crm::time_format::yyyymmdd};
 *     auto r = crm::read_orders_csv("CDNOW_master.txt",
 *                                   {.customer = "customer_id", .time = "date", .amount = "dollar_value"}, f);
 *     // r.records.size() == 69659, r.summary.used == 69659
 */
template <number T = double>
[[nodiscard]] csv_records<order<T>> read_orders_csv(const csv_input& in, const order_columns& columns = {},
                                                    const csv_format& format = {}) {
  return detail::read_csv<order<T>>(in, columns, format);
}
/// read_orders_csv without exceptions: a problem is in summary (stopped, rejections); never throws
/// (allocation failure aside), usable with -fno-exceptions.
template <number T = double>
[[nodiscard]] csv_records<order<T>> try_read_orders_csv(const csv_input& in, const order_columns& columns = {},
                                                        const csv_format& format = {}) {
  return detail::try_read_csv<order<T>>(in, columns, format);
}

/// Reads e-mail events (recipient, campaign, kind, time; optional revenue, only on conversions).
/// Errors as read_orders_csv, plus errc::out_of_range for revenue on an event that is not a
/// conversion and errc::negative for negative revenue.
template <number T = double>
[[nodiscard]] csv_records<email_event<T>> read_email_events_csv(const csv_input& in, const email_columns& columns = {},
                                                                const csv_format& format = {}) {
  return detail::read_csv<email_event<T>>(in, columns, format);
}
/// read_email_events_csv without exceptions.
template <number T = double>
[[nodiscard]] csv_records<email_event<T>> try_read_email_events_csv(const csv_input& in,
                                                                    const email_columns& columns = {},
                                                                    const csv_format& format = {}) {
  return detail::try_read_csv<email_event<T>>(in, columns, format);
}

/// Reads survey answers (respondent, optional time, whole-number score). Errors as read_orders_csv.
[[nodiscard]] inline csv_records<survey_answer> read_survey_answers_csv(const csv_input& in,
                                                                        const survey_columns& columns = {},
                                                                        const csv_format& format = {}) {
  return detail::read_csv<survey_answer>(in, columns, format);
}
/// read_survey_answers_csv without exceptions.
[[nodiscard]] inline csv_records<survey_answer> try_read_survey_answers_csv(const csv_input& in,
                                                                            const survey_columns& columns = {},
                                                                            const csv_format& format = {}) {
  return detail::try_read_csv<survey_answer>(in, columns, format);
}

/// Reads marketing spend records (time, optional channel, amount >= 0). Errors as read_orders_csv,
/// plus errc::negative for a negative amount.
template <number T = double>
[[nodiscard]] csv_records<spend_record<T>> read_spend_records_csv(const csv_input& in,
                                                                  const spend_columns& columns = {},
                                                                  const csv_format& format = {}) {
  return detail::read_csv<spend_record<T>>(in, columns, format);
}
/// read_spend_records_csv without exceptions.
template <number T = double>
[[nodiscard]] csv_records<spend_record<T>> try_read_spend_records_csv(const csv_input& in,
                                                                      const spend_columns& columns = {},
                                                                      const csv_format& format = {}) {
  return detail::try_read_csv<spend_record<T>>(in, columns, format);
}

/**
 * @brief Streams records to `sink(unsigned worker, std::span<const Record> batch)` without
 * holding the file's records in memory: the way to feed accumulators, one per worker, then merge.
 * @tparam Record order<T>, email_event<T>, survey_answer or spend_record<T>; Columns is the
 * matching order_columns, email_columns, survey_columns or spend_columns.
 * With format.threads = k > 1 the file is cut at line breaks into k chunks parsed at once: worker w
 * gets the rows of chunk w in file order, and the sink is called from k threads concurrently (give
 * each worker its own state). Under bad_rows::fail the sink may already have seen rows of other
 * chunks when a bad row stops the read: treat the whole scan as failed.
 *
 * A sink that returns a crm::add_report (`return acc.try_add(batch);`, on_bad_record::stop) has
 * every record its accumulator rejects counted as a rejected row, with the file, line, column and
 * field of the record's field at fault (column 0 when the error is of no one field, such as an
 * overflowing sum) and the reason "is rejected by <the accumulator's message>": under
 * bad_rows::fail the first one stops the read; under collect the rest of the batch is handed over
 * again and reading goes on. rows == used + rejected either way.
 * @returns the summary; never throws by itself (the sink may).
 */
template <class Record, class Columns = detail::columns_of_t<Record>, class Sink>
csv_summary try_scan_csv(const csv_input& in, const Columns& columns, const csv_format& format, Sink&& sink) {
  return detail::run_csv<Record>(in, columns, format, sink);
}
/// try_scan_csv that throws crm::csv_error when the read stopped (see read_orders_csv).
template <class Record, class Columns = detail::columns_of_t<Record>, class Sink>
csv_summary scan_csv(const csv_input& in, const Columns& columns, const csv_format& format, Sink&& sink) {
  csv_summary s = detail::run_csv<Record>(in, columns, format, sink);
  if (s.stopped) detail::throw_csv_error(s.rejections.front());
  return s;
}

/**
 * @brief Reads records straight into an accumulator, every record the accumulator rejects counted
 * as a row rejected at its file line (as for try_scan_csv with a sink returning crm::add_report).
 * On one thread: `acc.try_add(batch)`. On several (format.threads): for customer_accumulator,
 * repeat_purchase_accumulator, rfm_accumulator (with its day log) and period_accumulator (up to 64
 * periods, without cohort revenue), the partitioned add of crm::add_parallel, in rounds of
 * format.round_bytes of the file: each worker checks its piece and files its purchases by part of
 * the customer table, then the threads take groups of parts in turn and add their purchases, piece
 * after piece (each customer's records in file order, no second table); for the others one
 * `acc.fresh()` per extra thread, merged into `acc` in file order.
 * @tparam Acc any accumulator of <crm/aggregate.hpp> taking Record (fresh, try_add, try_merge).
 * @returns the summary. A merge or an add the accumulator refuses (a sum that overflows) stops it
 * (line 0, "could not merge the workers' states: " or "could not add the workers' records: " and
 * the accumulator's message). After a stop `acc` holds part of the file.
 * Never throws by itself (allocation aside).
 *
 * **Example**
 *
 *     crm::rfm_accumulator<double> acc({.calibration_end = 2023y / 6 / 30});
 *     const crm::csv_summary s = crm::try_scan_csv_into<crm::order<double>>("orders.csv", {}, {.threads = 2}, acc);
 *     // an order after 2023-06-30 on line 19:
 *     // s.rejections[0].message() == "orders.csv:19: column 2 'date' is rejected by crm::rfm_accumulator: time is
 *     //     out of range (is after calibration_end (no holdout asked for))"
 */
template <class Record, class Columns = detail::columns_of_t<Record>, class Acc>
csv_summary try_scan_csv_into(const csv_input& in, const Columns& columns, const csv_format& format, Acc& acc) {
  const unsigned workers = std::max(1u, format.threads);
  const auto refused = [&](csv_summary& s, const error_info& e, const char* what) {
    s.stopped = true;
    s.rejections.insert(s.rejections.begin(), detail::whole_input_problem(in.source, 0, "", e.code, what + message(e)));
  };
  if constexpr (detail::partitioned_accumulator<Acc, Record>) {
    std::error_code ec;
    const std::uintmax_t bytes = in.is_text ? in.text.size() : std::filesystem::file_size(in.path, ec);
    if (workers > 1 && !ec && bytes >= (std::uintmax_t{1} << 20) && acc.partitioned_ok(static_cast<std::size_t>(bytes), on_bad_record::stop)) {
      // The partitioned add (see crm::add_parallel): each worker files its piece's purchases by
      // part; at the end of a round every thread adds the entries of its own parts, piece after
      // piece, so each customer's records arrive in file order and no second table is merged.
      detail::partitioned_run<Acc, Record> run(acc, workers, static_cast<std::size_t>(bytes / 24));
      error_info failed;
      csv_summary s = detail::run_csv_rounds<Record>(
          in, columns, format,
          [&](unsigned w, std::span<const Record> b) { return run.file(w, b, on_bad_record::stop); },
          format.round_bytes, [&](std::size_t pieces) {
            failed = run.apply(pieces);
            return !failed;
          });
      if (failed) refused(s, failed, "could not add the workers' records: ");
      return s;
    }
  }
  std::vector<Acc> more;
  more.reserve(workers - 1);
  for (unsigned w = 1; w < workers; ++w) more.push_back(acc.fresh());
  csv_summary s = detail::run_csv<Record>(in, columns, format, [&](unsigned w, std::span<const Record> b) {
    return (w == 0 ? acc : more[w - 1]).try_add(b);
  });
  for (const Acc& m : more) {
    if (const error_info e = acc.try_merge(m)) {
      refused(s, e, "could not merge the workers' states: ");
      break;
    }
  }
  return s;
}
/// try_scan_csv_into that throws crm::csv_error when the read stopped.
template <class Record, class Columns = detail::columns_of_t<Record>, class Acc>
csv_summary scan_csv_into(const csv_input& in, const Columns& columns, const csv_format& format, Acc& acc) {
  csv_summary s = try_scan_csv_into<Record>(in, columns, format, acc);
  if (s.stopped) detail::throw_csv_error(s.rejections.front());
  return s;
}

CRM_METRICS_END_NAMESPACE
