// crm-metrics fuzz target: the CSV reader (crm/aggregate/csv.hpp; docs/testing.md, "Fuzzing").
// Byte 0 picks the record kind and number type, byte 1 the layout (header, delimiter or blanks,
// decimal comma, fail or collect), byte 2 the time format; the rest is the file's text.
// Checks, besides ASan/UBSan: every row is counted once (rows == used + rejected; as many records as
// rows used), a stopped read names its reason first, rejections come in file order with lines inside
// the text, and for orders in double the fast path (std::from_chars, the purpose-built line parser)
// gives exactly the records and summary of the general path, and the same text read from a file,
// with pread windows of 1 to 256 bytes (lines cut by every window end), the records and summary of the
// text (the source's name aside).
#include "fuzz_seeds.hpp"

#include <crm/aggregate.hpp>
#include <crm/aggregate/csv.hpp>
#include <crm/multiprecision.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace {

using decimal = boost::multiprecision::cpp_dec_float_50;

[[noreturn]] void fail(const char* check) {
  std::fprintf(stderr, "csv_fuzz: %s\n", check);
  std::abort();
}

void check_summary(const crm::csv_summary& s, std::size_t records, std::string_view text) {
  if (s.rows != s.used + s.rejected) fail("rows != used + rejected");
  if (records != s.used) fail("records != used");
  if (s.stopped && s.rejections.empty()) fail("a stopped read without its reason");
  const auto lines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  std::uint64_t last = 0;
  for (const crm::csv_rejection& r : s.rejections) {
    if (r.line > lines) fail("a rejection past the last line");
    if (r.line != 0 && r.line < last) fail("rejections out of file order");
    if (r.line != 0) last = r.line;
    if (r.message().empty()) fail("an empty message");
  }
  (void)s.message();
}

template <class Record, class Columns>
crm::csv_records<Record> read(const crm::csv_input& in, const Columns& columns, const crm::csv_format& f) {
  return crm::detail::try_read_csv<Record>(in, columns, f);
}

bool same_orders(const std::vector<crm::order<double>>& a, const std::vector<crm::order<double>>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].customer != b[i].customer || a[i].time != b[i].time || !(a[i].amount == b[i].amount) || a[i].channel != b[i].channel ||
        a[i].campaign != b[i].campaign)
      return false;
  return true;
}

// with_source false: the same text read as text and from a file, whose messages differ only in the
// source's name
bool same_summary(const crm::csv_summary& a, const crm::csv_summary& b, bool with_source = true) {
  if (a.rows != b.rows || a.used != b.used || a.rejected != b.rejected || a.stopped != b.stopped || a.rejections.size() != b.rejections.size())
    return false;
  for (std::size_t i = 0; i < a.rejections.size(); ++i) {
    const crm::csv_rejection &x = a.rejections[i], &y = b.rejections[i];
    const bool same = with_source ? x.message() == y.message()
                                  : x.line == y.line && x.column == y.column && x.field == y.field && x.reason == y.reason;
    if (!same || x.code != y.code) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 3, size - 3);
  const std::uint8_t kind = data[0] % 6, layout = data[1];
  crm::csv_format f;
  f.header = (layout & 1) == 0;
  f.whitespace_separated = (layout & 2) != 0;
  constexpr char delimiters[4] = {',', ';', '\t', '|'};
  f.delimiter = delimiters[(layout >> 2) & 3];
  f.decimal_comma = (layout & 16) != 0;
  f.on_bad_row = (layout & 32) != 0 ? crm::bad_rows::collect : crm::bad_rows::fail;
  f.keep_rejections = 1 + ((layout >> 6) & 3);
  f.time = static_cast<crm::time_format>(data[2] % 6);
  const crm::csv_input in = crm::csv_input::from_text(text, "fuzz.csv");
  switch (kind) {
    case 0: {  // orders in double: the fast path against the general one
      if (!f.header) f.names = {"customer_id", "date", "amount"};
      const auto fast = read<crm::order<double>>(in, crm::order_columns{}, f);
      check_summary(fast.summary, fast.records.size(), text);
      crm::csv_records<crm::order<double>> slow;
      slow.summary = crm::detail::run_csv<crm::order<double>, false>(
          in, crm::order_columns{}, f, [&](unsigned, std::span<const crm::order<double>> b) { slow.records.insert(slow.records.end(), b.begin(), b.end()); });
      if (slow.summary.stopped) slow.records.resize(std::min<std::size_t>(slow.records.size(), slow.summary.used));
      if (!same_summary(fast.summary, slow.summary)) fail("the fast path's summary differs from the general path's");
      if (!same_orders(fast.records, slow.records)) fail("the fast path's orders differ from the general path's");
      {  // from a file, through small pread windows
        static const std::filesystem::path file =
            std::filesystem::temp_directory_path() / ("crm_csv_fuzz_" + std::to_string(static_cast<unsigned long>(::getpid())) + ".csv");
        std::ofstream(file, std::ios::binary | std::ios::trunc).write(text.data(), static_cast<std::streamsize>(text.size()));
        constexpr std::size_t windows[4] = {1, 3, 16, 256};
        const std::size_t was = crm::detail::csv_window_bytes();
        crm::detail::csv_window_bytes() = windows[(data[2] / 6) % 4];
        const auto from_file = read<crm::order<double>>(crm::csv_input(file), crm::order_columns{}, f);
        crm::detail::csv_window_bytes() = was;
        std::filesystem::remove(file);
        if (!same_summary(fast.summary, from_file.summary, false)) fail("the file's summary differs from the text's");
        if (!same_orders(fast.records, from_file.records)) fail("the file's orders differ from the text's");
      }
      break;
    }
    case 1: {  // orders with channel and campaign, exact decimal amounts
      if (!f.header) f.names = {"customer_id", "date", "amount", "channel", "campaign"};
      const auto r = read<crm::order<decimal>>(in, crm::order_columns{.channel = "channel", .campaign = "campaign"}, f);
      check_summary(r.summary, r.records.size(), text);
      break;
    }
    case 2: {
      if (!f.header) f.names = {"recipient", "campaign", "event", "time", "revenue"};
      const auto r = read<crm::email_event<double>>(in, crm::email_columns{.revenue = "revenue"}, f);
      check_summary(r.summary, r.records.size(), text);
      break;
    }
    case 3: {
      if (!f.header) f.names = {"respondent", "time", "score"};
      const auto r = read<crm::survey_answer>(in, crm::survey_columns{}, f);
      check_summary(r.summary, r.records.size(), text);
      break;
    }
    case 4: {
      if (!f.header) f.names = {"date", "channel", "amount"};
      const auto r = read<crm::spend_record<double>>(in, crm::spend_columns{}, f);
      check_summary(r.summary, r.records.size(), text);
      break;
    }
    default: {
      if (!f.header) f.names = {"customer_id", "date", "amount"};
      const auto r = read<crm::order<float>>(in, crm::order_columns{}, f);
      check_summary(r.summary, r.records.size(), text);
      break;
    }
  }
  return 0;
}

std::vector<std::vector<std::uint8_t>> crm_fuzz_seeds() {
  const auto seed = [](std::uint8_t kind, std::uint8_t layout, std::uint8_t time, std::string_view text) {
    std::vector<std::uint8_t> s{kind, layout, time};
    s.insert(s.end(), text.begin(), text.end());
    return s;
  };
  return {
      seed(0, 0, 0, "customer_id,date,amount\n1,2024-01-05,10.50\n2,2024-01-06,-3\n1,2024-02-01,7\n"),
      seed(0, 32, 0, "customer_id,date,amount\n1,2024-01-05,10.50\nx,2024-01-06,3\n3,2024-13-01,1\n\"4\",2024-01-07,\"1e3\"\n"),
      seed(0, 2 | 1, 2, "00001 19970101 1 11.77\n00002 19970112 1 12.00\n00002 19970112 5 77.00\n"),
      seed(0, 4 | 16, 4, "customer_id;date;amount\n1;31.03.2024;1234,56\n2;01.04.2024 9:05:00;-3,5\n"),
      seed(0, 0, 3, "customer_id,date,amount\n18446744073709551615,-86400,0.01\n5,1700000000,1\n"),
      seed(1, 0, 1, "customer_id,date,amount,channel,campaign\n7,2024-03-01T08:30:00Z,19.99,1,2\n8,2024-03-01 09:00+02:00,0.1,,\n"),
      seed(2, 0, 1, "recipient,campaign,event,time,revenue\n1,5,sent,2024-03-01T08:00:00,\n1,5,open,2024-03-01T09:00:00,\n1,5,conversion,2024-03-02T10:00:00,49.5\n"),
      seed(3, 32, 0, "respondent,time,score\n1,2024-01-01,10\n2,2024-01-01,6\n3,2024-01-02,11\n"),
      seed(4, 0, 5, "date,channel,amount\n03/31/2024,1,500\n04/01/2024,2,250.25\n"),
      seed(5, 8, 0, "customer_id\tdate\tamount\n1\t2024-01-05\t10.5\n"),
  };
}

std::size_t crm_fuzz_mutations_per_seed() { return 400; }
