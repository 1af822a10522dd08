// crm-metrics tests: the CSV reader of the aggregation layer (<crm/aggregate/csv.hpp>).
#include <crm/aggregate/cohort.hpp>
#include <crm/aggregate/csv.hpp>
#include <crm/aggregate/orders.hpp>
#include <crm/aggregate/rfm.hpp>
#include <crm/detail/charconv.hpp>
#include <crm/multiprecision.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "catch.hpp"
#include "data_path.hpp"
#include "number_helpers.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_csv_test {

using namespace std::chrono;
using crm::bad_rows;
using crm::csv_format;
using crm::csv_input;
using crm::errc;
using crm::time_format;

namespace {
struct temp_file {
  std::filesystem::path path;
  explicit temp_file(const std::string& text, const std::string& name = "crm_aggregate_csv_test.csv") {
    path = std::filesystem::temp_directory_path() / name;
    std::ofstream(path, std::ios::binary) << text;
  }
  ~temp_file() { std::filesystem::remove(path); }
};

crm::time_point ymd(int y, unsigned m, unsigned d) { return crm::to_time(sys_days{year{y} / month{m} / day{d}}); }

csv_input text(const std::string& s) { return csv_input::from_text(s, "t.csv"); }

// The reference reader of the tests' expected doubles: the C library's strtod over the whole text (the
// test program runs in the "C" locale; correctly rounded in glibc and the BSDs), independent of
// std::from_chars, which libc++ lacks for floating types, and of the library's own parser.
bool reference_double(const std::string& s, double& out) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno != 0) return false;
  out = v;
  return true;
}

bool same_order(const crm::order<double>& a, const crm::order<double>& b) {
  return a.customer == b.customer && a.time == b.time && std::signbit(a.amount) == std::signbit(b.amount) &&
         a.amount == b.amount && a.channel == b.channel && a.campaign == b.campaign;
}
bool same_orders(const std::vector<crm::order<double>>& a, const std::vector<crm::order<double>>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same_order);
}

// The one rejection a read of `s` (one bad row) must produce, through both forms.
struct expect_bad {
  std::uint64_t line;
  std::size_t column;
  std::string field;
  errc code;
};
void check_bad_orders(const std::string& s, const expect_bad& x, const csv_format& f = {},
                      const crm::order_columns& cols = {}) {
  INFO(s);
  const auto t = crm::try_read_orders_csv(text(s), cols, f);
  REQUIRE(t.summary.stopped);
  REQUIRE(t.summary.rejections.size() == 1);
  const crm::csv_rejection& r = t.summary.rejections[0];
  CHECK(r.source == "t.csv");
  CHECK(r.line == x.line);
  CHECK(r.column == x.column);
  CHECK(r.field == x.field);
  CHECK(r.code == x.code);
  CHECK(!r.reason.empty());
  try {
    (void)crm::read_orders_csv(text(s), cols, f);
    FAIL("no csv_error thrown");
  } catch (const crm::csv_error& e) {
    CHECK(e.source() == "t.csv");
    CHECK(static_cast<std::uint64_t>(e.line()) == x.line);
    CHECK(e.column() == x.column);
    CHECK(e.field() == x.field);
    CHECK(e.code() == x.code);
    CHECK(std::string(e.what()).find("t.csv:" + std::to_string(x.line)) == 0);
  }
  // collect: the same rejection, and every row counted
  csv_format c = f;
  c.on_bad_row = bad_rows::collect;
  const auto k = crm::try_read_orders_csv(text(s), cols, c);
  if (!k.summary.stopped) {  // a whole-input problem stops under both policies
    CHECK(k.summary.rejected >= 1);
    CHECK(k.summary.used + k.summary.rejected == k.summary.rows);
    CHECK(k.records.size() == k.summary.used);
    CHECK(k.summary.rejections.at(0).line == x.line);
    CHECK(k.summary.rejections.at(0).column == x.column);
  }
}
}  // namespace

TEST_CASE("csv: orders with a header, any delimiter, header or names", "[aggregate][csv]") {
  for (const char d : {',', ';', '\t', '|'}) {
    const std::string D(1, d);
    const std::string body = "18446744073709551615" + D + "2023-07-14" + D + "19.99\n" +  // max uint64
                             "42" + D + "1997-01-01" + D + "-5.5\n" + "7" + D + "2199-12-31" + D + "+0\n";
    for (const bool header : {true, false}) {
      INFO("delimiter " << int(d) << " header " << header);
      csv_format f{.delimiter = d, .header = header};
      if (!header) f.names = {"customer_id", "date", "amount"};
      const std::string s = header ? "customer_id" + D + "date" + D + "amount\n" + body : body;
      const auto r = crm::read_orders_csv(text(s), {}, f);
      REQUIRE(r.records.size() == 3);
      CHECK(r.summary.ok());
      CHECK(r.summary.rows == 3);
      CHECK(r.records[0].customer == 18446744073709551615ULL);
      CHECK(r.records[0].time == ymd(2023, 7, 14));
      CHECK(r.records[0].amount == 19.99);
      CHECK(r.records[1].customer == 42);
      CHECK(r.records[1].time == ymd(1997, 1, 1));
      CHECK(r.records[1].amount == -5.5);  // a return
      CHECK(r.records[2].time == ymd(2199, 12, 31));
      CHECK(r.records[2].amount == 0.0);
    }
  }
}

TEST_CASE("csv: columns by name in any order, extra columns, optional channel and campaign", "[aggregate][csv]") {
  const auto r = crm::read_orders_csv(text("note,amt,when,who,ch,camp\n"
                                           "\"hello, world\",10.5,2023-01-02,99,3,\n"
                                           "x,1,2023-01-03,100,,7\n"),
                                      {.customer = "who", .time = "when", .amount = "amt", .channel = "ch",
                                       .campaign = "camp"});
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].customer == 99);
  CHECK(r.records[0].amount == 10.5);
  CHECK(r.records[0].channel == 3);
  CHECK(r.records[0].campaign == 0);  // empty optional field: none
  CHECK(r.records[1].channel == 0);
  CHECK(r.records[1].campaign == 7);
  // no header and no names: columns are named by position
  const auto p = crm::read_orders_csv(text("x,5,2023-01-02,1.25\n"), {.customer = "2", .time = "3", .amount = "4"},
                                      {.header = false});
  REQUIRE(p.records.size() == 1);
  CHECK(p.records[0].customer == 5);
  CHECK(p.records[0].amount == 1.25);
  // a row shorter than the columns asked for names the first one it lacks that is read (the date in
  // column 9), not the first field past its end (column 4, read by nothing)
  check_bad_orders("1,2023-01-02,1.25\n", {1, 9, "9", errc::malformed}, {.header = false},
                   {.customer = "1", .time = "9", .amount = "3"});
  const auto q = crm::try_read_orders_csv(text("1,2023-01-02,1.25\n"), {.customer = "1", .time = "9", .amount = "3"},
                                          {.header = false});
  REQUIRE(q.summary.rejections.size() == 1);
  CHECK(q.summary.rejections[0].message() == "t.csv:1: column 9 '9' is missing (the row has too few fields)");
}

TEST_CASE("csv: every time format", "[aggregate][csv]") {
  struct row {
    time_format f;
    const char* text;
    crm::time_point want;
  };
  // epoch values: date -u -d '2023-07-14T08:30:00Z' +%s -> 1689323400; date -u -d '1997-01-01' +%s -> 852076800
  const std::vector<row> rows = {
      {time_format::iso_date, "2023-07-14", ymd(2023, 7, 14)},
      {time_format::iso_date, "2024-02-29", ymd(2024, 2, 29)},
      {time_format::yyyymmdd, "19970101", ymd(1997, 1, 1)},
      {time_format::yyyymmdd, "19980630", ymd(1998, 6, 30)},
      {time_format::iso_date_time, "2023-07-14T08:30:00", ymd(2023, 7, 14) + hours{8} + minutes{30}},
      {time_format::iso_date_time, "2023-07-14 08:30", ymd(2023, 7, 14) + hours{8} + minutes{30}},
      {time_format::iso_date_time, "2023-07-14T08:30:15.250Z", ymd(2023, 7, 14) + hours{8} + minutes{30} + seconds{15}},
      {time_format::iso_date_time, "2023-07-14T10:30:15+02:00", crm::time_point{seconds{1689323415}}},
      {time_format::iso_date_time, "2023-07-14T06:30:00-02:00", crm::time_point{seconds{1689323400}}},
      {time_format::iso_date_time, "2023-07-14", ymd(2023, 7, 14)},
      {time_format::epoch_seconds, "1689323400", crm::time_point{seconds{1689323400}}},
      {time_format::epoch_seconds, "852076800", ymd(1997, 1, 1)},
      {time_format::epoch_seconds, "-86400", ymd(1969, 12, 31)},
  };
  for (const row& x : rows) {
    INFO(x.text);
    const auto r = crm::read_orders_csv(text(std::string("customer_id,date,amount\n1,") + x.text + ",1\n"), {},
                                        {.time = x.f});
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].time == x.want);
  }
}

// Dates as 1C, Bitrix24, amoCRM and most European exports write them (31.03.2024, optionally with a
// time of day), and the US order (03/31/2024). Expected times: `date -u -d '<ISO text>' +%s`.
TEST_CASE("csv: day_month_year and month_day_year dates and date-times", "[aggregate][csv]") {
  struct row {
    time_format f;
    const char* text;
    long long epoch;  // date -u -d '...' +%s
  };
  const std::vector<row> rows = {
      {time_format::day_month_year, "31.03.2024", 1711843200},           // date -u -d '2024-03-31' +%s
      {time_format::day_month_year, "31/03/2024", 1711843200},
      {time_format::day_month_year, "31-03-2024", 1711843200},
      {time_format::day_month_year, "1.3.2024", 1709251200},             // date -u -d '2024-03-01' +%s
      {time_format::day_month_year, "01.3.2024", 1709251200},
      {time_format::day_month_year, "29.02.2024", 1709164800},           // date -u -d '2024-02-29' +%s
      {time_format::day_month_year, "31.03.2024 14:30", 1711895400},     // date -u -d '2024-03-31 14:30:00' +%s
      {time_format::day_month_year, "31.03.2024 14:30:05", 1711895405},  // date -u -d '2024-03-31 14:30:05' +%s
      {time_format::day_month_year, "1.3.2024 9:05:00", 1709283900},     // 1C's hour of one digit; date -u -d '2024-03-01 09:05:00' +%s
      {time_format::day_month_year, "01.03.2024 09:05", 1709283900},
      {time_format::month_day_year, "03/31/2024", 1711843200},
      {time_format::month_day_year, "3/1/2024", 1709251200},
      {time_format::month_day_year, "03.31.2024 14:30:05", 1711895405},
      {time_format::month_day_year, "12/31/2199 23:59:59", 7258118399},  // date -u -d '2199-12-31 23:59:59' +%s
  };
  for (const row& x : rows) {
    INFO(x.text);
    for (const char d : {';', ','}) {
      const std::string D(1, d);
      const auto r = crm::read_orders_csv(text("customer_id" + D + "date" + D + "amount\n1" + D + x.text + D + "1\n"), {},
                                          {.delimiter = d, .time = x.f});
      REQUIRE(r.records.size() == 1);
      CHECK(r.records[0].time == crm::time_point{seconds{x.epoch}});
    }
  }
  // The same days in ISO form and day-month-year form: the same records.
  const auto iso = crm::read_orders_csv(text("customer_id;date;amount\n1;2024-03-31;5\n2;2024-01-02;7\n"), {}, {.delimiter = ';'});
  const auto dmy = crm::read_orders_csv(text("customer_id;date;amount\n1;31.03.2024;5\n2;2.1.2024;7\n"), {},
                                        {.delimiter = ';', .time = time_format::day_month_year});
  REQUIRE(dmy.records.size() == 2);
  CHECK(dmy.records[0].time == iso.records[0].time);
  CHECK(dmy.records[1].time == iso.records[1].time);

  // Bad dates: the reader's file:line:column message, as for a bad ISO date ("2023-02-29").
  struct bad_row {
    time_format f;
    const char* text;
    errc code;
  };
  const std::vector<bad_row> bad = {
      {time_format::day_month_year, "31.02.2024", errc::out_of_range},    // no 31 February
      {time_format::day_month_year, "29.02.2023", errc::out_of_range},    // not a leap year
      {time_format::day_month_year, "00.01.2024", errc::out_of_range},
      {time_format::day_month_year, "32.01.2024", errc::out_of_range},
      {time_format::day_month_year, "31.13.2024", errc::out_of_range},    // month 13
      {time_format::month_day_year, "13/13/2024", errc::out_of_range},
      {time_format::month_day_year, "31/03/2024", errc::out_of_range},    // a day-first date read month first: month 31
      {time_format::day_month_year, "31.12.1899", errc::out_of_range},    // before the accepted range
      {time_format::day_month_year, "01.01.2200", errc::out_of_range},    // after it
      {time_format::day_month_year, "31.03.2024 24:00", errc::out_of_range},
      {time_format::day_month_year, "31.03.2024 14:60", errc::out_of_range},
      {time_format::day_month_year, "31.03.24", errc::malformed},         // a two-digit year: no guessing the century
      {time_format::day_month_year, "31.03.20245", errc::malformed},
      {time_format::day_month_year, "31.03-2024", errc::malformed},       // two different separators
      {time_format::day_month_year, "31 03 2024", errc::malformed},
      {time_format::day_month_year, "031.03.2024", errc::malformed},
      {time_format::day_month_year, "2024-03-31", errc::malformed},       // ISO where day-month-year is asked for
      {time_format::day_month_year, "31.03.2024T14:30", errc::malformed},
      {time_format::day_month_year, "31.03.2024  14:30", errc::malformed},
      {time_format::day_month_year, "31.03.2024 14", errc::malformed},
      {time_format::day_month_year, "31.03.2024 14:3", errc::malformed},
      {time_format::day_month_year, "31.03.2024 14:30:5", errc::malformed},
      {time_format::day_month_year, "31.03.2024 14:30:05.250", errc::malformed},
      {time_format::day_month_year, "31.03.2024 14:30Z", errc::malformed},
      {time_format::day_month_year, "31.03.", errc::malformed},
      {time_format::day_month_year, ".03.2024", errc::malformed},
      {time_format::month_day_year, "3/31/24", errc::malformed},
  };
  for (const bad_row& x : bad)
    check_bad_orders(std::string("customer_id;date;amount\n1;") + x.text + ";1\n", {2, 2, "date", x.code},
                     {.delimiter = ';', .time = x.f});
  // the same words as a bad ISO date
  const auto first_message = [](const std::string& s, const csv_format& f) {
    const auto r = crm::try_read_orders_csv(text(s), {}, f);
    return r.summary.rejections.empty() ? std::string("(none)") : r.summary.rejections[0].message();
  };
  const csv_format semi{.delimiter = ';'};
  const csv_format semi_dmy{.delimiter = ';', .time = time_format::day_month_year};
  const csv_format semi_mdy{.delimiter = ';', .time = time_format::month_day_year};
  CHECK(first_message("customer_id;date;amount\n1;2023-02-29;1\n", semi) ==
        "t.csv:2: column 2 'date' is not a calendar date (no such day in that month): '2023-02-29'");
  CHECK(first_message("customer_id;date;amount\n1;29.02.2023;1\n", semi_dmy) ==
        "t.csv:2: column 2 'date' is not a calendar date (no such day in that month): '29.02.2023'");
  CHECK(first_message("customer_id;date;amount\n1;13/13/2024;1\n", semi_mdy) ==
        "t.csv:2: column 2 'date' has a month outside 1..12: '13/13/2024'");
  CHECK(first_message("customer_id;date;amount\n1;31.03.24;1\n", semi_dmy) ==
        "t.csv:2: column 2 'date' is not a date in the form DD.MM.YYYY (or DD/MM/YYYY, DD-MM-YYYY), optionally "
        "followed by HH:MM or HH:MM:SS: '31.03.24'");
  CHECK(first_message("customer_id;date;amount\n1;2024-03-31;1\n", semi_mdy) ==
        "t.csv:2: column 2 'date' is not a date in the form MM/DD/YYYY (or MM.DD.YYYY, MM-DD-YYYY), optionally "
        "followed by HH:MM or HH:MM:SS: '2024-03-31'");
  CHECK(first_message("customer_id;date;amount\n1;31.03.2024 25:00;1\n", semi_dmy) ==
        "t.csv:2: column 2 'date' has a time of day outside 00:00:00..23:59:60: '31.03.2024 25:00'");
  // a narrower accepted range applies as to every format
  const csv_format narrow{.delimiter = ';', .time = time_format::day_month_year,
                          .dates = {sys_days{year{2022} / 1 / 1}, sys_days{year{2023} / 12 / 31}}};
  check_bad_orders("customer_id;date;amount\n1;31.12.2021;1\n", {2, 2, "date", errc::out_of_range}, narrow);
  check_bad_orders("customer_id;date;amount\n1;01.01.2024 00:00;1\n", {2, 2, "date", errc::out_of_range}, narrow);
  CHECK(crm::read_orders_csv(text("customer_id;date;amount\n1;31.12.2023 23:59:59;1\n"), {}, narrow).summary.ok());
}

// Amounts with a decimal comma (1C, Bitrix24, amoCRM, European exports: 1234,56 in ';' files).
// Expected values: the same digits with a '.' through std::from_chars (built-in types) or the
// type's string constructor (decimal50), which is what the point form gives.
TEMPLATE_TEST_CASE("csv: decimal-comma amounts in every number type", "[aggregate][csv]", float, double, long double,
                   crm::decimal50) {
  using T = TestType;
  const csv_format f{.delimiter = ';', .decimal_comma = true};
  const auto r = crm::read_orders_csv<T>(text("customer_id;date;amount\n1;2023-01-01;0,10\n1;2023-01-02;0,20\n"
                                              "2;2023-01-03;1234,56\n3;2023-01-04;-3,5\n4;2023-01-05;7\n"
                                              "5;2023-01-06;+2,25\n6;2023-01-07;1,5E+3\n7;2023-01-08;\"19,99\"\n"),
                                         {}, f);
  REQUIRE(r.records.size() == 8);
  CHECK(r.records[0].amount == crm_test::parse<T>("0.10"));
  CHECK(r.records[1].amount == crm_test::parse<T>("0.20"));
  CHECK(r.records[2].amount == crm_test::parse<T>("1234.56"));
  CHECK(r.records[3].amount == crm_test::parse<T>("-3.5"));
  CHECK(r.records[4].amount == T(7));
  CHECK(r.records[5].amount == crm_test::parse<T>("2.25"));
  CHECK(r.records[6].amount == T(1500));
  CHECK(r.records[7].amount == crm_test::parse<T>("19.99"));
  if constexpr (std::is_same_v<T, crm::decimal50>) {
    CHECK(r.records[0].amount == T(1) / T(10));  // 0,10 is exactly one tenth, as 0.10 is
    CHECK(r.records[0].amount + r.records[1].amount == T("0.30"));
    CHECK(r.records[2].amount == T(123456) / T(100));
  }
  // the point form of the same file gives the same amounts
  const auto p = crm::read_orders_csv<T>(text("customer_id;date;amount\n1;2023-01-01;0.10\n1;2023-01-02;0.20\n"
                                              "2;2023-01-03;1234.56\n3;2023-01-04;-3.5\n4;2023-01-05;7\n"
                                              "5;2023-01-06;+2.25\n6;2023-01-07;1.5E+3\n7;2023-01-08;\"19.99\"\n"),
                                         {}, {.delimiter = ';'});
  REQUIRE(p.records.size() == 8);
  for (std::size_t i = 0; i < 8; ++i) CHECK(r.records[i].amount == p.records[i].amount);
  const auto bad = crm::try_read_orders_csv<T>(text("customer_id;date;amount\n1;2023-01-01;nan\n"), {}, f);
  REQUIRE(bad.summary.stopped);
  CHECK(bad.summary.rejections[0].code == errc::not_finite);
  // a field longer than the reader's 64-byte buffer: 1,25 followed by 100 zeros
  const auto longer = crm::read_orders_csv<T>(text("customer_id;date;amount\n1;2023-01-01;1,25" + std::string(100, '0') + "\n"), {}, f);
  REQUIRE(longer.records.size() == 1);
  CHECK(longer.records[0].amount == crm_test::parse<T>("1.25"));
  const auto huge = crm::try_read_orders_csv<T>(text("customer_id;date;amount\n1;2023-01-01;1,5e99999999999\n"), {}, f);
  REQUIRE(huge.summary.stopped);
  CHECK(huge.summary.rejections[0].code == errc::out_of_range);
}

TEST_CASE("csv: with decimal_comma a '.' or a thousands separator in an amount is an error, never a guess", "[aggregate][csv]") {
  const csv_format f{.delimiter = ';', .decimal_comma = true};
  const auto first_message = [](const std::string& amount, const csv_format& fmt) {
    const std::string D(1, fmt.delimiter);
    const auto r = crm::try_read_orders_csv(text("customer_id" + D + "date" + D + "amount\n1" + D + "2023-01-01" + D + amount + "\n"), {}, fmt);
    return r.summary.rejections.empty() ? std::string("(none)") : r.summary.rejections[0].message();
  };
  const std::string at = "t.csv:2: column 3 'amount' ";
  CHECK(first_message("12.50", f) ==
        at + "has a decimal point '.', but with csv_format::decimal_comma the decimal separator is ',' (and thousands "
             "separators are not accepted): '12.50'");
  CHECK(first_message("1.234,56", f) == at + "has a thousands separator ('.'): amounts are read without digit grouping: '1.234,56'");
  CHECK(first_message("1.234.567", f) == at + "has a thousands separator ('.'): amounts are read without digit grouping: '1.234.567'");
  CHECK(first_message("1 234,56", f) == at + "has a thousands separator (a space): amounts are read without digit grouping: '1 234,56'");
  CHECK(first_message("1\xC2\xA0" "234,56", f) ==  // U+00A0 NO-BREAK SPACE, as Excel and 1C write it
        at + "has a thousands separator (a no-break space): amounts are read without digit grouping: '1\xC2\xA0" "234,56'");
  CHECK(first_message("1\xE2\x80\xAF" "234,56", f) ==  // U+202F NARROW NO-BREAK SPACE (French locales)
        at + "has a thousands separator (a no-break space): amounts are read without digit grouping: '1\xE2\x80\xAF" "234,56'");
  CHECK(first_message("1'234,56", f) == at + "has a thousands separator (an apostrophe): amounts are read without digit grouping: '1'234,56'");
  CHECK(first_message("1,2,3", f) == at + "is not a number: '1,2,3'");
  CHECK(first_message("1.5e3", f).find(at + "has a decimal point '.'") == 0);  // not read as 1500
  CHECK(first_message("12x", f) == at + "is not a number: '12x'");
  // without decimal_comma, the same fields say what is wrong instead of only "is not a number"
  const csv_format point{.delimiter = ';'};
  CHECK(first_message("12,50", point) ==
        at + "has a decimal comma ',' (read such a file with csv_format::decimal_comma; thousands separators are not "
             "accepted): '12,50'");
  CHECK(first_message("1,234.56", point) == at + "has a thousands separator (','): amounts are read without digit grouping: '1,234.56'");
  CHECK(first_message("1 234.56", point) == at + "has a thousands separator (a space): amounts are read without digit grouping: '1 234.56'");
  CHECK(first_message("12x", point) == at + "is not a number: '12x'");
  for (const std::string amount : {"12.50", "1.234,56", "1 234,56", "1\xC2\xA0" "234,56", "1,2,3", "1.5e3"})
    check_bad_orders("customer_id;date;amount\n1;2023-01-01;" + amount + "\n", {2, 3, "amount", errc::malformed}, f);
  // The fixed-layout fast path (customer_id;date;amount with ISO dates) must not read 12.50 either:
  // the bad row first, many good rows after it (the fast path needs room ahead to take a line).
  std::string many = "customer_id;date;amount\n1;2023-01-01;12.50\n";
  for (int i = 0; i < 50; ++i) many += "2;2023-01-02;3,25\n";
  check_bad_orders(many, {2, 3, "amount", errc::malformed}, f);
  const auto collected = crm::try_read_orders_csv(text(many), {}, {.delimiter = ';', .decimal_comma = true, .on_bad_row = bad_rows::collect});
  CHECK(collected.summary.used == 50);
  CHECK(collected.summary.rejected == 1);
  REQUIRE(collected.records.size() == 50);
  CHECK(collected.records[0].amount == 3.25);
  // ',' as the delimiter cannot go with a decimal comma: refused before any row is read
  const auto comma = crm::try_read_orders_csv(text("customer_id,date,amount\n1,2023-01-01,5\n"), {}, {.decimal_comma = true});
  REQUIRE(comma.summary.stopped);
  REQUIRE(comma.summary.rejections.size() == 1);
  CHECK(comma.summary.rejections[0].line == 0);
  CHECK(comma.summary.rejections[0].code == errc::malformed);
  CHECK(comma.summary.rejections[0].message() ==
        "t.csv:0: csv_format::decimal_comma cannot go with ',' as the delimiter (a decimal comma would split every "
        "amount in two): use ';' or tab");
  CHECK(comma.records.empty());
  const auto quote = crm::try_read_orders_csv(text("customer_id;date;amount\n1;2023-01-01;5\n"), {},
                                              {.delimiter = ';', .quote = ',', .decimal_comma = true});
  REQUIRE(quote.summary.stopped);
  CHECK(quote.summary.rejections.at(0).message() ==
        "t.csv:0: csv_format::decimal_comma cannot go with ',' as the quote (a decimal comma would open a quoted "
        "field): use '\"'");
  try {
    (void)crm::read_spend_records_csv(text("date,amount\n2023-01-01,5\n"), {.channel = ""}, {.decimal_comma = true});
    FAIL("no csv_error");
  } catch (const crm::csv_error& e) {
    CHECK(e.line() == 0);
  }
  // whitespace-separated files ignore the delimiter: a decimal comma is fine there
  const auto blanks = crm::read_orders_csv(text("customer_id date amount\n1 2023-01-01 12,5\n"), {},
                                           {.whitespace_separated = true, .decimal_comma = true});
  REQUIRE(blanks.records.size() == 1);
  CHECK(blanks.records[0].amount == 12.5);
}

TEST_CASE("csv: a delimiter equal to the quote, or a line end as delimiter or quote, is refused before any row", "[aggregate][csv]") {
  // Before: delimiter = quote = '"' (or ',') read every field as a quoted one and went on, and '\n' as
  // the delimiter ended in "'customer_id' is not a column of the header".
  const auto refused = [](const crm::csv_format& f, const std::string& why) {
    const auto r = crm::try_read_orders_csv(text("customer_id,date,amount\n1,2023-01-01,5\n"), {}, f);
    REQUIRE(r.summary.stopped);
    REQUIRE(r.summary.rejections.size() == 1);
    CHECK(r.summary.rejections[0].line == 0);
    CHECK(r.summary.rejections[0].code == errc::malformed);
    CHECK(r.summary.rejections[0].message() == "t.csv:0: " + why);
    CHECK(r.records.empty());
  };
  const std::string same = "csv_format::delimiter and quote must be different characters";
  const std::string line_end = "csv_format::delimiter and quote cannot be CR or LF (line ends)";
  refused({.delimiter = '"'}, same);
  refused({.quote = ','}, same);
  refused({.delimiter = '\n'}, line_end);
  refused({.delimiter = '\r'}, line_end);
  refused({.quote = '\n'}, line_end);
  // whitespace-separated files ignore the delimiter
  const auto blanks = crm::read_orders_csv(text("customer_id date amount\n1 2023-01-01 12.5\n"), {},
                                           {.delimiter = '"', .whitespace_separated = true});
  CHECK(blanks.records.size() == 1);
}

TEST_CASE("csv: spend and e-mail revenue with a decimal comma, dates day-month-year", "[aggregate][csv]") {
  const csv_format f{.delimiter = ';', .time = time_format::day_month_year, .decimal_comma = true};
  // date -u -d '2024-03-31' +%s -> 1711843200; date -u -d '2024-03-31 14:30:00' +%s -> 1711895400
  const auto s = crm::read_spend_records_csv<crm::decimal50>(text("date;channel;amount\n31.03.2024;2;1234,56\n1.4.2024;;0,10\n"), {}, f);
  REQUIRE(s.records.size() == 2);
  CHECK(s.records[0].time == crm::time_point{seconds{1711843200}});
  CHECK(s.records[0].channel == 2);
  CHECK(s.records[0].amount == crm::decimal50("1234.56"));
  CHECK(s.records[1].amount == crm::decimal50(1) / crm::decimal50(10));
  const auto neg = crm::try_read_spend_records_csv(text("date;amount\n31.03.2024;-3,5\n"), {.channel = ""}, f);
  REQUIRE(neg.summary.stopped);
  CHECK(neg.summary.rejections[0].message() == "t.csv:2: column 2 'amount' is negative: '-3,5'");
  const auto pt = crm::try_read_spend_records_csv(text("date;amount\n31.03.2024;3.5\n"), {.channel = ""}, f);
  REQUIRE(pt.summary.stopped);
  CHECK(pt.summary.rejections[0].column == 2);
  CHECK(pt.summary.rejections[0].code == errc::malformed);

  const auto e = crm::read_email_events_csv(
      text("recipient;campaign;event;time;revenue\n1;2;open;31.03.2024 14:00;\n1;2;conversion;31.03.2024 14:30;19,99\n"), {}, f);
  REQUIRE(e.records.size() == 2);
  CHECK(e.records[1].time == crm::time_point{seconds{1711895400}});
  CHECK(e.records[1].revenue == 19.99);
  CHECK(e.records[0].revenue == 0.0);
  const auto bad = crm::try_read_email_events_csv(
      text("recipient;campaign;event;time;revenue\n1;2;conversion;31.03.2024 14:30;19.99\n"), {}, f);
  REQUIRE(bad.summary.stopped);
  CHECK(bad.summary.rejections[0].column == 5);
  CHECK(bad.summary.rejections[0].field == "revenue");
  CHECK(bad.summary.rejections[0].code == errc::malformed);
}

TEST_CASE("csv: quoting, blanks, CRLF, byte-order mark, blank lines, no final line break", "[aggregate][csv]") {
  const std::string s =
      "\xEF\xBB\xBF"
      "customer_id , \"date\",amount,comment\r\n"
      "  1 ,  2023-01-01 , 2.50 ,\"say \"\"hi\"\", twice\"\r\n"
      "\r\n"
      "   \n"
      "\"2\",\"2023-01-02\", \"3\" ,\"\"\r\n"
      "3,2023-01-03,4,plain";
  const auto r = crm::read_orders_csv(text(s));
  REQUIRE(r.records.size() == 3);
  CHECK(r.summary.rows == 3);  // blank lines are not rows
  CHECK(r.records[0].amount == 2.5);
  CHECK(r.records[1].customer == 2);
  CHECK(r.records[1].amount == 3.0);
  CHECK(r.records[2].time == ymd(2023, 1, 3));
  // a bad row after the blank lines is reported on its own line of the file
  check_bad_orders("customer_id,date,amount\r\n\r\n1,2023-01-01,1\r\n\r\n2,2023-01-01,zz\r\n", {5, 3, "amount", errc::malformed});
  // quoting errors
  check_bad_orders("customer_id,date,amount\n1,\"2023-01-01,1\n", {2, 2, "date", errc::malformed});
  check_bad_orders("customer_id,date,amount\n1,\"2023-01-01\"x,1\n", {2, 2, "date", errc::malformed});
}

TEST_CASE("csv: from_text keeps a std::string it is given to keep, and views any other text", "[aggregate][csv]") {
  // An input made from a temporary std::string, read after the statement that made it ended: it read
  // the freed string (ASan: heap-use-after-free in the clang preset).
  const std::string rows = "customer_id,date,amount\n1,2023-01-01,12.5\n2,2023-01-02,3\n";
  const auto in = csv_input::from_text(std::string(rows) + std::string(200, ' ') + "\n", "kept.csv");
  // memory of the same size, likely where a freed temporary's text was: must not show through
  const std::string other(rows.size() + 201, 'x');
  const auto r = crm::try_read_orders_csv(in);
  INFO(r.summary.message());
  REQUIRE(r.summary.ok());
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].amount == 3.0);
  CHECK(r.summary.source == "kept.csv");
  // copies share the kept text: a copy outlives the original
  std::optional<csv_input> first(csv_input::from_text(std::string(rows), "a.csv"));
  const csv_input copy = *first;
  first.reset();
  CHECK(crm::read_orders_csv(copy).records.size() == 2);
  // a std::string the caller keeps (an lvalue), a string_view and a literal are viewed, not copied
  const auto view = csv_input::from_text(rows);
  CHECK(view.text.data() == rows.data());
  CHECK(view.owned_text == nullptr);
  CHECK(csv_input::from_text(std::string_view(rows)).text.data() == rows.data());
  CHECK(crm::read_orders_csv(csv_input::from_text("customer_id,date,amount\n1,2023-01-01,1\n")).records.size() == 1);
  CHECK(other.size() == rows.size() + 201);
}

TEST_CASE("csv: a quoted header name has its doubled quotes made one (RFC 4180)", "[aggregate][csv]") {
  // (found by an audit) "cust""id" is the name cust"id (RFC 4180 section 2.7), but the header kept
  // both quotes: a mapping naming cust"id was "not a column of the header", and only the doubled
  // form cust""id found it.
  const std::string s = "\"cust\"\"id\",\"date\",\"\"\"amt\"\"\"\n7,2024-01-01,5\n";  // "cust""id","date","""amt"""
  const auto r = crm::read_orders_csv(text(s), {.customer = "cust\"id", .amount = "\"amt\""});
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].customer == 7);
  CHECK(r.records[0].amount == 5.0);
  const auto doubled = crm::try_read_orders_csv(text(s), {.customer = "cust\"\"id", .amount = "\"amt\""});
  REQUIRE(doubled.summary.stopped);
  CHECK(doubled.summary.rejections[0].message() == "t.csv:1: 'cust\"\"id' is not a column of the header");
  // a bad field is reported under the name as read
  check_bad_orders("\"cust\"\"id\",date,amount\n1,2024-01-01,5\nx,2024-01-01,5\n", {3, 1, "cust\"id", errc::malformed}, {},
                   {.customer = "cust\"id"});
  // whitespace-separated: the same
  const auto w = crm::read_orders_csv(text("\"cust\"\"id\"  date amount\n7 2024-01-01 5\n"), {.customer = "cust\"id"},
                                      {.whitespace_separated = true});
  REQUIRE(w.records.size() == 1);
  CHECK(w.records[0].customer == 7);
  // another quote character: 'it''s' is the name it's
  const auto q = crm::read_orders_csv(text("'it''s',date,amount\n7,2024-01-01,5\n"), {.customer = "it's"}, {.quote = '\''});
  REQUIRE(q.records.size() == 1);
  // outside quotes a quote is not an escape (RFC 4180 allows none there): the name keeps what is written
  CHECK(crm::read_orders_csv(text("a\"\"b,date,amount\n7,2024-01-01,5\n"), {.customer = "a\"\"b"}).records.size() == 1);
}

TEST_CASE("csv: whitespace-separated files with and without a header", "[aggregate][csv]") {
  const auto r = crm::read_orders_csv(text(" id  day\tn  value\r\n 00001 19970101  1   11.77\r\n\t00002 19970112  5   77.00\r\n"),
                                      {.customer = "id", .time = "day", .amount = "value"},
                                      {.whitespace_separated = true, .time = time_format::yyyymmdd});
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].customer == 1);
  CHECK(r.records[1].amount == 77.0);
  const auto q = crm::read_orders_csv(text("1 \"19970101\"  11.77\n"), {.customer = "1", .time = "2", .amount = "3"},
                                      {.whitespace_separated = true, .header = false, .time = time_format::yyyymmdd});
  REQUIRE(q.records.size() == 1);
  CHECK(q.records[0].time == ymd(1997, 1, 1));
  check_bad_orders("a b c\n1 19970101\n", {2, 3, "c", errc::malformed}, {.whitespace_separated = true, .time = time_format::yyyymmdd},
                   {.customer = "a", .time = "b", .amount = "c"});
}

// Independent reference figures for the CDNOW files (awk over the raw text, not this reader):
//   awk 'NR>1 && NF>0 {n++; s+=$4} END {printf "%d %.2f\n", n, s}' CDNOW_master.txt   -> 69659 2500315.63
//   awk 'NR>1 && NF>0 {c[$1]=1; if ($2<mn||mn=="") mn=$2; if ($2>mx) mx=$2} END {print length(c), mn, mx}'
//       CDNOW_master.txt                                                              -> 23570 19970101 19980630
//   awk 'NF>0 {n++; s+=$5; c[$1]=1} END {printf "%d %.2f %d\n", n, s, length(c)}' CDNOW_sample.txt -> 6919 244091.94 2357
TEST_CASE("csv: the CDNOW files (whitespace-separated, YYYYMMDD dates)", "[aggregate][csv][data]") {
  const auto master = crm_test::data_file("cdnow/CDNOW_master.txt");
  const auto sample = crm_test::data_file("cdnow/CDNOW_sample.txt");
  CRM_REQUIRE_DATA(master);
  CRM_REQUIRE_DATA(sample);
  for (const unsigned threads : {1u, 2u}) {
    const csv_format f{.whitespace_separated = true, .time = time_format::yyyymmdd, .threads = threads};
    const auto m = crm::read_orders_csv<crm::decimal50>(master, {.customer = "customer_id", .time = "date",
                                                                  .amount = "dollar_value"}, f);
    CHECK(m.summary.ok());
    CHECK(m.summary.rows == 69659);
    CHECK(m.records.size() == 69659);
    crm::decimal50 sum = 0;
    std::set<std::uint64_t> ids;
    crm::time_point lo = m.records.front().time, hi = lo;
    for (const auto& o : m.records) {
      sum += o.amount;
      ids.insert(o.customer);
      lo = std::min(lo, o.time);
      hi = std::max(hi, o.time);
    }
    CHECK(sum == crm::decimal50("2500315.63"));  // exact: decimal amounts, decimal sum
    CHECK(ids.size() == 23570);
    CHECK(lo == ymd(1997, 1, 1));
    CHECK(hi == ymd(1998, 6, 30));

    csv_format g = f;
    g.header = false;
    g.names = {"customer_id", "sample_id", "date", "cds", "amount"};
    const auto s = crm::read_orders_csv<crm::decimal50>(sample, {}, g);
    CHECK(s.summary.ok());
    CHECK(s.records.size() == 6919);
    crm::decimal50 ssum = 0;
    std::set<std::uint64_t> sids;
    for (const auto& o : s.records) ssum += o.amount, sids.insert(o.customer);
    CHECK(ssum == crm::decimal50("244091.94"));
    CHECK(sids.size() == 2357);
  }
}

TEMPLATE_TEST_CASE("csv: amounts in every number type", "[aggregate][csv]", float, double, long double, crm::decimal50) {
  using T = TestType;
  const auto r = crm::read_orders_csv<T>(text("customer_id,date,amount\n1,2023-01-01,0.10\n1,2023-01-02,0.20\n"
                                              "2,2023-01-03,1e3\n3,2023-01-04,-0.05\n"));
  REQUIRE(r.records.size() == 4);
  CHECK(r.records[0].amount == crm_test::parse<T>("0.10"));
  CHECK(r.records[2].amount == T(1000));
  if constexpr (std::is_same_v<T, crm::decimal50>) {
    CHECK(r.records[0].amount + r.records[1].amount == T("0.30"));  // exact decimal money
    CHECK(r.records[3].amount == T("-0.05"));
  }
  check_bad_orders("customer_id,date,amount\n1,2023-01-01,nan\n", {2, 3, "amount", errc::not_finite});
  const auto bad = crm::try_read_orders_csv<T>(text("customer_id,date,amount\n1,2023-01-01,-inf\n"));
  REQUIRE(bad.summary.stopped);
  CHECK(bad.summary.rejections[0].code == errc::not_finite);
  const auto junk = crm::try_read_orders_csv<T>(text("customer_id,date,amount\n1,2023-01-01,1.2.3\n"));
  REQUIRE(junk.summary.stopped);
  CHECK(junk.summary.rejections[0].code == errc::malformed);
}

TEMPLATE_TEST_CASE("csv: a NaN with a payload is not finite in every number type", "[aggregate][csv]", float, double,
                   long double, crm::decimal50, crm::quad) {
  // (found by an audit) the amount nan(1) (what printf gives for std::nan("1")) was "is not finite
  // (NaN or infinity)" (errc::not_finite) for float, double and long double, whose std::from_chars
  // reads it as a NaN, but "is not a number" (errc::malformed) for decimal50 and quad. Now the first
  // for every type, in the words of docs/errors.md.
  using T = TestType;
  for (const std::string nan_text : {"nan(1)", "-NaN(0x7ff)", "nan(abc_9)", "nan()"}) {
    INFO(nan_text);
    const auto r = crm::try_read_orders_csv<T>(text("customer_id,date,amount\n1,2023-01-01," + nan_text + "\n"));
    REQUIRE(r.summary.stopped);
    CHECK(r.summary.rejections[0].code == errc::not_finite);
    CHECK(r.summary.rejections[0].message() ==
          "t.csv:2: column 3 'amount' is not finite (NaN or infinity): '" + nan_text + "'");
  }
  // not a NaN's text: malformed in every type
  for (const std::string junk : {"nan(", "nan(1", "nan(1 )", "nan(-1)", "nanx"}) {
    INFO(junk);
    const auto r = crm::try_read_orders_csv<T>(text("customer_id,date,amount\n1,2023-01-01," + junk + "\n"));
    REQUIRE(r.summary.stopped);
    CHECK(r.summary.rejections[0].code == errc::malformed);
  }
  // an order built in code with the amount std::nan("1"): the same words from the accumulator
  crm::order_totals_accumulator<T> totals;
  const crm::error_info e = totals.try_add({.customer = 1, .time = ymd(2023, 1, 1), .amount = T(std::nan("1"))});
  CHECK(e.code == errc::not_finite);
  CHECK(crm::message(e) == "crm::order_totals_accumulator: amount is not finite (NaN or infinity)");
}

// A decimal amount whose exponent is beyond any type's range: Boost's string constructor threw
// std::runtime_error for an exponent beyond int (out of try_read_*, with no line; on two threads
// std::terminate). Now a rejected row like any other, under every policy and thread count.
TEST_CASE("csv: decimal amounts with huge exponents are rejected rows, never an escaped exception", "[aggregate][csv]") {
  using D = crm::decimal50;
  const std::string rows = "1,2024-01-01,1e99999999999\n2,2024-01-01,1e-99999999999\n3,2024-01-01,1e+2147483648\n"
                           "4,2024-01-01,1e4294967296\n5,2024-01-01,1e2147483647\n6,2024-01-01,1e000000000000000002\n";
  const auto r = crm::try_read_orders_csv<D>(text("customer_id,date,amount\n" + rows), {}, {.on_bad_row = bad_rows::collect});
  CHECK_FALSE(r.summary.stopped);
  CHECK(r.summary.rows == 6);
  CHECK(r.summary.rejected == 5);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].amount == D(100));  // leading zeros in an exponent are no problem
  for (const auto& x : r.summary.rejections) {
    CHECK(x.code == errc::out_of_range);
    CHECK(x.field == "amount");
  }
  // the same on two and three threads over a file large enough to be split
  std::string big = "customer_id,date,amount\n";
  for (int i = 0; i < 60000; ++i) big += std::to_string(10 + i % 500) + ",2024-01-02,12.50\n";
  big += rows;
  for (const unsigned threads : {2U, 3U}) {
    const auto b = crm::try_read_orders_csv<D>(text(big), {}, {.on_bad_row = bad_rows::collect, .threads = threads});
    CHECK(b.summary.rows == 60006);
    CHECK(b.summary.rejected == 5);
    const auto stop = crm::try_read_orders_csv<D>(text(big), {}, {.threads = threads});
    CHECK(stop.summary.stopped);
    CHECK(stop.summary.rejections.at(0).line == 60002);
  }
}

// The range applies to the UTC time: an offset or a leap second that carries a time of the first
// or last day out of 1900-01-01 .. 2199-12-31 is out of range (it was checked before the offset),
// and an offset beyond +-18:00 is refused (+99:99 was taken as four days).
TEST_CASE("csv: ISO date-times are range-checked in UTC, offsets within +-18:00", "[aggregate][csv]") {
  const csv_format f{.header = false, .names = {"customer_id", "date", "amount"}, .time = crm::time_format::iso_date_time};
  const auto one = [&](const std::string& when) { return crm::try_read_orders_csv(text("1," + when + ",5\n"), {}, f); };
  for (const char* bad : {"2199-12-31T23:00:00-05:00", "1900-01-01T00:00:00+05:00", "2199-12-31T23:59:60",
                          "2024-01-01T00:00:00+99:99", "2024-01-01T00:00:00+18:01", "2024-01-01T00:00:00-10:60"}) {
    INFO(bad);
    const auto r = one(bad);
    REQUIRE(r.summary.stopped);
    CHECK(r.summary.rejections[0].code == errc::out_of_range);
    CHECK(r.summary.rejections[0].field == "date");
  }
  const auto late = one("2199-12-31T18:59:59-05:00");  // 23:59:59Z, the last second accepted
  REQUIRE(late.records.size() == 1);
  CHECK(late.records[0].time == crm::to_time(sys_days{year{2199} / 12 / 31}) + seconds{86399});
  const auto early = one("1900-01-01T05:00:00+05:00");  // 00:00Z, the first second
  REQUIRE(early.records.size() == 1);
  CHECK(early.records[0].time == crm::to_time(sys_days{year{1900} / 1 / 1}));
  CHECK(one("2024-06-01T12:00:00+18:00").records.size() == 1);
}

TEST_CASE("csv: blank lines before the header, a name given to two columns, a field past the header", "[aggregate][csv]") {
  // blank lines before the header are skipped like any blank line; lines keep their numbers
  const auto r = crm::try_read_orders_csv(text("\n  \r\ncustomer_id,date,amount\n1,2024-01-01,5\n2,2024-01-02,x\n"), {},
                                          {.on_bad_row = bad_rows::collect});
  CHECK_FALSE(r.summary.stopped);
  CHECK(r.summary.used == 1);
  REQUIRE(r.summary.rejections.size() == 1);
  CHECK(r.summary.rejections[0].line == 5);
  // a mapped name on two columns: which one is meant cannot be known
  const auto d = crm::try_read_orders_csv(text("customer_id,date,amount,amount\n1,2024-01-01,5,6\n"));
  REQUIRE(d.summary.stopped);
  CHECK(d.summary.rejections[0].code == errc::malformed);
  CHECK(d.summary.rejections[0].field == "amount");
  CHECK(d.summary.rejections[0].message() == "t.csv:1: 'amount' names two columns (3 and 4)");
  // a name nobody maps may repeat
  CHECK(crm::try_read_orders_csv(text("note,customer_id,date,amount,note\nx,1,2024-01-01,5,y\n")).summary.ok());
  // a field past the header's columns has no name to quote
  const auto x = crm::try_read_orders_csv(text("customer_id,date,amount\n1,2024-01-01,5,7\n"));
  REQUIRE(x.summary.stopped);
  CHECK(x.summary.rejections[0].message() == "t.csv:2: column 4 is an extra field (the row has too many fields)");
}

TEST_CASE("csv: every bad field names its line, column, field and reason", "[aggregate][csv]") {
  const std::string h = "customer_id,date,amount\n1,2023-01-01,1\n";  // line 2 is good; the bad row is line 3
  struct row {
    const char* line;
    std::size_t column;
    const char* field;
    errc code;
  };
  const std::vector<row> rows = {
      {",2023-01-01,1", 1, "customer_id", errc::malformed},            // missing id
      {"abc,2023-01-01,1", 1, "customer_id", errc::malformed},         // unparsable id
      {"-4,2023-01-01,1", 1, "customer_id", errc::negative},           // negative id
      {"18446744073709551616,2023-01-01,1", 1, "customer_id", errc::out_of_range},  // 2^64
      {"1.5,2023-01-01,1", 1, "customer_id", errc::malformed},
      {"1,,1", 2, "date", errc::malformed},                            // missing date
      {"1,2023/01/01,1", 2, "date", errc::malformed},
      {"1,2023-1-01,1", 2, "date", errc::malformed},
      {"1,2023-01-01T10:00,1", 2, "date", errc::malformed},            // a time where a date is expected
      {"1,2023-13-01,1", 2, "date", errc::out_of_range},
      {"1,2023-02-29,1", 2, "date", errc::out_of_range},               // not a leap year
      {"1,2023-04-31,1", 2, "date", errc::out_of_range},
      {"1,1899-12-31,1", 2, "date", errc::out_of_range},               // before the accepted range
      {"1,2200-01-01,1", 2, "date", errc::out_of_range},               // after it
      {"1,2023-01-01,", 3, "amount", errc::malformed},                 // missing amount
      {"1,2023-01-01,12abc", 3, "amount", errc::malformed},
      {"1,2023-01-01,1,5", 4, "", errc::malformed},                    // "1,5" decimal comma: an extra field
      {"1,2023-01-01,+-1", 3, "amount", errc::malformed},
      {"1,2023-01-01,NaN", 3, "amount", errc::not_finite},
      {"1,2023-01-01,inf", 3, "amount", errc::not_finite},
      {"1,2023-01-01,-Infinity", 3, "amount", errc::not_finite},
      {"1,2023-01-01,1e400", 3, "amount", errc::out_of_range},         // overflows double
      {"1,2023-01-01", 3, "amount", errc::malformed},                  // too few fields
      {"1", 2, "date", errc::malformed},
  };
  for (const row& x : rows) check_bad_orders(h + x.line + "\n3,2023-01-02,2\n", {3, x.column, x.field, x.code});

  struct time_row {
    time_format f;
    const char* text;
    errc code;
  };
  const std::vector<time_row> times = {
      {time_format::yyyymmdd, "1997011", errc::malformed},       {time_format::yyyymmdd, "19970132", errc::out_of_range},
      {time_format::yyyymmdd, "1997-01-01", errc::malformed},    {time_format::iso_date_time, "2023-07-14T25:00", errc::out_of_range},
      {time_format::iso_date_time, "2023-07-14T08:3", errc::malformed}, {time_format::iso_date_time, "2023-07-14T08:30+2", errc::malformed},
      {time_format::epoch_seconds, "12.5", errc::malformed},     {time_format::epoch_seconds, "99999999999999", errc::out_of_range},
      {time_format::epoch_seconds, "-2208988801", errc::out_of_range},  // one second before 1900-01-01
  };
  for (const time_row& x : times)
    check_bad_orders(std::string("customer_id,date,amount\n1,") + x.text + ",1\n", {2, 2, "date", x.code}, {.time = x.f});
  // a narrower accepted range
  const csv_format narrow{.dates = {sys_days{year{2022} / 1 / 1}, sys_days{year{2023} / 12 / 31}}};
  check_bad_orders("customer_id,date,amount\n1,2021-12-31,1\n", {2, 2, "date", errc::out_of_range}, narrow);
  CHECK(crm::read_orders_csv(text("customer_id,date,amount\n1,2022-01-01,1\n"), {}, narrow).summary.ok());
}

// An empty time field is a rejected row wherever it stands. The reader's date cache (the last date
// read and its time) started empty, and an empty field matched it: the first rows of a file, or of
// a thread's piece, with an empty date were read as 1970-01-01 (even outside csv_format::dates).
TEST_CASE("csv: an empty time field on the first row of a file or of a piece is rejected, not 1970-01-01", "[aggregate][csv]") {
  for (const time_format tf : {time_format::iso_date, time_format::iso_date_time, time_format::yyyymmdd, time_format::epoch_seconds}) {
    INFO(static_cast<int>(tf));
    const csv_format f{.time = tf};
    check_bad_orders("customer_id,date,amount\n1,,1\n", {2, 2, "date", errc::malformed}, f);
    check_bad_orders("customer_id,date,amount\n1,\"\",1\n", {2, 2, "date", errc::malformed}, f);
    const auto e = crm::try_read_email_events_csv(text("recipient,campaign,event,time\n1,7,open,\n"), {}, f);
    REQUIRE(e.summary.stopped);
    CHECK(e.summary.rejections.at(0).field == "time");
    CHECK(e.records.empty());
    const auto a = crm::try_read_survey_answers_csv(text("respondent,time,score\n1,,9\n"), {}, f);
    REQUIRE(a.summary.stopped);
    CHECK(a.summary.rejections.at(0).field == "time");
    const auto p = crm::try_read_spend_records_csv(text("date,channel,amount\n,1,5\n"), {}, f);
    REQUIRE(p.summary.stopped);
    CHECK(p.summary.rejections.at(0).field == "date");
  }
  // collect: three empty dates before the first good one are three rejections, none a record of 1970
  const auto c = crm::try_read_orders_csv(text("customer_id,date,amount\n1,,1\n2,,1\n3, ,1\n4,2023-01-01,1\n"), {},
                                          {.on_bad_row = bad_rows::collect});
  CHECK(c.summary.rows == 4);
  CHECK(c.summary.rejected == 3);
  CHECK(c.summary.used == 1);
  REQUIRE(c.records.size() == 1);
  CHECK(c.records[0].time == ymd(2023, 1, 1));
  // two threads: empty dates around the middle of the file, so the second piece starts with them
  std::string s = "customer_id,date,amount\n";
  const int n = 60000;  // about 1.4 MB: above the 1 MiB threshold for parallel parsing
  int empty = 0;
  for (int i = 0; i < n; ++i) {
    const bool none = i >= n * 45 / 100 && i < n * 55 / 100;
    empty += none;
    s += std::to_string(i) + (none ? std::string(",") : std::string(",2023-01-0") + std::to_string(1 + i % 9)) + ",12.50\n";
  }
  for (const unsigned t : {1u, 2u}) {
    const auto r = crm::try_read_orders_csv(text(s), {}, {.on_bad_row = bad_rows::collect, .threads = t});
    CHECK(r.summary.rejected == static_cast<std::uint64_t>(empty));
    CHECK(r.summary.used == static_cast<std::uint64_t>(n - empty));
    bool in_range = true;
    for (const auto& o : r.records) in_range = in_range && o.time >= ymd(2023, 1, 1) && o.time <= ymd(2023, 1, 9);
    CHECK(in_range);
  }
}

TEST_CASE("csv: an amount beyond its type says whether it is too large or too small", "[aggregate][csv]") {
  // from_chars refuses both with result_out_of_range; the reason tells them apart (1e-400 is not zero,
  // yet no double holds it: refused, never read as a made-up 0). Subnormals are values and are read.
  struct amount_case {
    const char* text;
    const char* reason;
  };
  const char* large = "is outside the range of the number type";
  const char* small = "is too small for the number type (not zero, but it would round to 0)";
  for (const amount_case& c : {amount_case{"1e400", large}, amount_case{"-1e400", large}, amount_case{"1e-400", small},
                               amount_case{"-2.5E-330", small}, amount_case{"0.0000000000000000000000001e-320", small},
                               amount_case{"123456789e-340", small}, amount_case{"0.001e312", large}}) {
    INFO(c.text);
    const auto r = crm::try_read_orders_csv<double>(text(std::string("customer_id,date,amount\n1,2023-01-01,") + c.text + "\n"));
    REQUIRE(r.summary.stopped);
    CHECK(r.summary.rejections.at(0).code == errc::out_of_range);
    CHECK(r.summary.rejections.at(0).reason == std::string(c.reason) + ": '" + c.text + "'");
  }
  const auto sub = crm::try_read_orders_csv<double>(text("customer_id,date,amount\n1,2023-01-01,4.9e-324\n"));
  REQUIRE(sub.summary.ok());
  CHECK(sub.records.at(0).amount == std::numeric_limits<double>::denorm_min());
  // float: 1e-50 is below its smallest subnormal (1.4e-45)
  const auto f = crm::try_read_orders_csv<float>(text("customer_id,date,amount\n1,2023-01-01,1e-50\n"));
  REQUIRE(f.summary.stopped);
  CHECK(f.summary.rejections.at(0).message() == "t.csv:2: column 3 'amount' " + std::string(small) + ": '1e-50'");
  // decimal money: an exponent past 10^9 either way
  // decimal money: an exponent past 10^9 either way, and one below cpp_dec_float_50's range (about
  // 10^-67 million), which its string constructor rounds to 0 without a word
  for (const char* tiny : {"1e-2000000000", "1e-100000000", "-0.0003e-99999999"}) {
    INFO(tiny);
    const auto d = crm::try_read_orders_csv<crm::decimal50>(text(std::string("customer_id,date,amount\n1,2023-01-01,") + tiny + "\n"));
    REQUIRE(d.summary.stopped);
    CHECK(d.summary.rejections.at(0).reason == std::string(small) + ": '" + tiny + "'");
  }
  const auto zero = crm::try_read_orders_csv<crm::decimal50>(text("customer_id,date,amount\n1,2023-01-01,0.000e-100000000\n"));
  REQUIRE(zero.summary.ok());  // a zero written with an exponent is a zero
  CHECK(zero.records.at(0).amount == 0);
  const auto in_range = crm::try_read_orders_csv<crm::decimal50>(text("customer_id,date,amount\n1,2023-01-01,1e-66000000\n"));
  REQUIRE(in_range.summary.ok());
  CHECK(in_range.records.at(0).amount > 0);
  // the text's order of magnitude, as the reason reads it
  static_assert(crm::detail::decimal_text_too_small("1e-400"));
  static_assert(crm::detail::decimal_text_too_small("0.05"));  // order -1
  static_assert(!crm::detail::decimal_text_too_small("0.5"));  // order 0
  static_assert(!crm::detail::decimal_text_too_small("000.000"));  // zero is neither
  static_assert(!crm::detail::decimal_text_too_small("5e-0"));
  static_assert(crm::detail::decimal_text_too_small("5e-99999999999999999999999"));  // clamped, no overflow
  static_assert(!crm::detail::decimal_text_too_small("+12.5e+3"));
}

TEST_CASE("csv: problems with the whole input", "[aggregate][csv]") {
  const expect_bad empty{0, 0, "", errc::empty_input};
  check_bad_orders("", empty);
  check_bad_orders("\n \r\n", empty);
  check_bad_orders("customer_id,date,amount\n", {1, 0, "", errc::empty_input});   // header only: no data rows
  check_bad_orders("customer_id,date,amount\n\n\n", {3, 0, "", errc::empty_input});
  check_bad_orders("customer_id,day,amount\n1,2023-01-01,1\n", {1, 0, "date", errc::malformed});  // no such column
  check_bad_orders("customer_id,date,amount\n1,2023-01-01,1\n", {0, 0, "x", errc::malformed}, {.header = false, .names = {"a", "b", "c"}},
                   {.customer = "x"});
  check_bad_orders("customer_id,date,amount\n1,2023-01-01,1\n", {1, 0, "amount", errc::malformed}, {},
                   {.customer = "amount", .time = "date", .amount = "amount"});  // one column mapped twice
  const auto missing = crm::try_read_orders_csv("/nonexistent/crm_orders.csv");
  REQUIRE(missing.summary.stopped);
  CHECK(missing.summary.rejections[0].line == 0);
  CHECK(missing.summary.rejections[0].reason.find("cannot open") != std::string::npos);
  CHECK_THROWS_AS(crm::read_orders_csv("/nonexistent/crm_orders.csv"), crm::data_error);
  // a directory: refused by name, and the try_ form does not throw (libstdc++ would, reading it)
  const auto dir = crm::try_read_orders_csv(std::filesystem::temp_directory_path());
  REQUIRE(dir.summary.stopped);
  CHECK(dir.summary.rejections[0].reason.find("is a directory") != std::string::npos);
  CHECK_THROWS_AS(crm::read_orders_csv(std::filesystem::temp_directory_path()), crm::data_error);
  // a real file, empty
  const temp_file f("");
  const auto r = crm::try_read_orders_csv(f.path);
  REQUIRE(r.summary.stopped);
  CHECK(r.summary.rejections[0].code == errc::empty_input);
  CHECK(r.summary.rejections[0].source == f.path.string());
}

TEST_CASE("csv: collect and continue counts every row and keeps the first rejections", "[aggregate][csv]") {
  std::string s = "customer_id,date,amount\n";
  std::uint64_t good = 0, bad = 0;
  std::vector<std::uint64_t> bad_lines;
  for (int i = 0; i < 200; ++i) {
    if (i % 7 == 3) {
      s += std::to_string(i) + ",2023-01-01,oops\n";
      ++bad;
      bad_lines.push_back(static_cast<std::uint64_t>(i) + 2);
    } else {
      s += std::to_string(i) + ",2023-01-01," + std::to_string(i) + ".5\n";
      ++good;
    }
  }
  for (const std::size_t keep : {std::size_t{1}, std::size_t{3}, std::size_t{100}}) {
    const auto r = crm::read_orders_csv(text(s), {}, {.on_bad_row = bad_rows::collect, .keep_rejections = keep});
    CHECK(r.summary.complete());
    CHECK(!r.summary.ok());
    CHECK(r.summary.rows == 200);
    CHECK(r.summary.used == good);
    CHECK(r.summary.rejected == bad);
    CHECK(r.summary.used + r.summary.rejected == r.summary.rows);
    CHECK(r.records.size() == good);
    REQUIRE(r.summary.rejections.size() == std::min<std::size_t>(keep, bad));
    for (std::size_t i = 0; i < r.summary.rejections.size(); ++i) CHECK(r.summary.rejections[i].line == bad_lines[i]);
    CHECK(r.summary.message().find("200 rows, " + std::to_string(good) + " used, " + std::to_string(bad) + " rejected") !=
          std::string::npos);
  }
  // fail (default): stops at the first
  const auto f = crm::try_read_orders_csv(text(s));
  CHECK(f.summary.stopped);
  CHECK(f.summary.rejections.at(0).line == 5);
  CHECK(f.summary.rejected == 1);
}

TEST_CASE("csv: two threads read exactly what one reads, with the same line numbers", "[aggregate][csv]") {
  std::string s = "customer_id,date,amount\n";
  const int n = 120000;  // about 3 MB: above the 1 MiB threshold for parallel parsing
  for (int i = 0; i < n; ++i) {
    if (i == 100000) s += "\n";  // a blank line in the second half shifts later line numbers
    s += std::to_string(1000003ULL * static_cast<unsigned long long>(i)) + ",2023-" + (i % 12 < 9 ? "0" : "") +
         std::to_string(i % 12 + 1) + "-1" + std::to_string(i % 10) + "," + std::to_string(i % 997) + ".25\n";
  }
  const std::string bad = s + "1,2023-01-01,x\n";
  const std::uint64_t bad_line = static_cast<std::uint64_t>(n) + 3;  // header + n rows + one blank line
  const auto one = crm::read_orders_csv(text(s), {}, {.threads = 1});
  for (const unsigned t : {2u, 3u, 8u}) {
    const auto many = crm::read_orders_csv(text(s), {}, {.threads = t});
    REQUIRE(many.records.size() == one.records.size());
    CHECK(same_orders(many.records, one.records));
    const auto b = crm::try_read_orders_csv(text(bad), {}, {.threads = t});
    REQUIRE(b.summary.stopped);
    CHECK(b.summary.rejections.at(0).line == bad_line);
    CHECK(b.records.size() == static_cast<std::size_t>(n));  // every row before the bad one, no more
    CHECK(b.summary.used == static_cast<std::uint64_t>(n));
    // a bad row early in the file: the rows after it, read by other threads, are not returned
    std::string early = s;
    early.insert(early.find('\n') + 1, "1,2023-01-01,x\n");  // line 2
    const auto e = crm::try_read_orders_csv(text(early), {}, {.threads = t});
    REQUIRE(e.summary.stopped);
    CHECK(e.summary.rejections.at(0).line == 2);
    CHECK(e.records.empty());
    CHECK(e.summary.used == 0);
    const auto c = crm::try_read_orders_csv(text(bad), {}, {.on_bad_row = bad_rows::collect, .threads = t});
    CHECK(c.summary.rows == static_cast<std::uint64_t>(n) + 1);
    CHECK(c.summary.used + c.summary.rejected == c.summary.rows);
    CHECK(c.summary.rejections.at(0).line == bad_line);
  }
  // streaming with a per-worker sink: every row arrives once
  std::vector<std::uint64_t> per_worker(2, 0);
  const crm::csv_summary sum = crm::scan_csv<crm::order<double>>(
      text(s), crm::order_columns{}, csv_format{.threads = 2},
      [&](unsigned w, std::span<const crm::order<double>> batch) { per_worker.at(w) += batch.size(); });
  CHECK(sum.used == static_cast<std::uint64_t>(n));
  CHECK(per_worker[0] + per_worker[1] == static_cast<std::uint64_t>(n));
  CHECK(per_worker[1] > 0);
}

// A "revenue" column of an e-mail event file is read by default: left unnamed in email_columns it was
// ignored, and every conversion read with revenue 0 (nothing said so). A file without one still reads.
TEST_CASE("csv: an e-mail file's revenue column is read without being named", "[aggregate][csv]") {
  const csv_format f{.time = time_format::iso_date_time};
  const auto r = crm::read_email_events_csv(text("recipient,campaign,event,time,revenue\n1,7,sent,2023-01-01T10:00:00Z,\n"
                                                 "1,7,conversion,2023-01-03T00:00:00Z,49.90\n"),
                                            {}, f);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].revenue == 49.9);
  const auto none = crm::read_email_events_csv(text("recipient,campaign,event,time\n1,7,conversion,2023-01-03T00:00:00Z\n"), {}, f);
  REQUIRE(none.records.size() == 1);
  CHECK(none.records[0].revenue == 0.0);
  // another name given for it wins; "revenue" then is just another column
  const auto other = crm::read_email_events_csv(
      text("recipient,campaign,event,time,revenue,value\n1,7,conversion,2023-01-03T00:00:00Z,1,12.5\n"), {.revenue = "value"}, f);
  REQUIRE(other.records.size() == 1);
  CHECK(other.records[0].revenue == 12.5);
}

TEST_CASE("csv: e-mail events", "[aggregate][csv]") {
  const std::string h = "recipient,campaign,event,time,revenue\n";
  const auto r = crm::read_email_events_csv(
      text(h + "1,7,sent,2023-01-01T10:00:00Z,\n1,7,Delivered,2023-01-01T10:00:05Z,\n1,7,hard-bounce,2023-01-01T10:00:05Z,\n"
               "1,7,soft bounce,2023-01-01T10:00:05Z,\n1,7,OPEN,2023-01-01T11:00:00Z,\n1,7,click,2023-01-01T11:00:01Z,\n"
               "1,7,unsubscribe,2023-01-02T00:00:00Z,\n1,7,spam_complaint,2023-01-02T00:00:00Z,\n"
               "1,7,conversion,2023-01-03T00:00:00Z,49.90\n"),
      {.revenue = "revenue"}, {.time = time_format::iso_date_time});
  REQUIRE(r.records.size() == 9);
  using k = crm::email_event_kind;
  const k kinds[] = {k::sent, k::delivered, k::hard_bounce, k::soft_bounce, k::open, k::click, k::unsubscribe,
                     k::spam_complaint, k::conversion};
  for (std::size_t i = 0; i < 9; ++i) CHECK(r.records[i].kind == kinds[i]);
  CHECK(r.records[8].revenue == 49.9);
  CHECK(r.records[0].revenue == 0.0);
  CHECK(r.records[4].time == ymd(2023, 1, 1) + hours{11});
  const csv_format f{.time = time_format::iso_date_time};
  auto bad = [&](const std::string& line, std::size_t col, const char* field, errc code) {
    INFO(line);
    const auto t = crm::try_read_email_events_csv(text(h + line + "\n"), {.revenue = "revenue"}, f);
    REQUIRE(t.summary.stopped);
    CHECK(t.summary.rejections[0].line == 2);
    CHECK(t.summary.rejections[0].column == col);
    CHECK(t.summary.rejections[0].field == field);
    CHECK(t.summary.rejections[0].code == code);
    CHECK_THROWS_AS(crm::read_email_events_csv(text(h + line + "\n"), {.revenue = "revenue"}, f), crm::csv_error);
  };
  bad("1,7,bounce,2023-01-01,", 3, "event", errc::malformed);
  bad("1,7,,2023-01-01,", 3, "event", errc::malformed);
  bad("1,x,open,2023-01-01,", 2, "campaign", errc::malformed);
  bad("1,7,open,2023-01-01,5", 5, "revenue", errc::out_of_range);  // revenue on a non-conversion
  bad("1,7,conversion,2023-01-01,-5", 5, "revenue", errc::negative);
  bad("1,7,conversion,2023-01-01,nan", 5, "revenue", errc::not_finite);
  bad("1,7,open,2023-02-30,", 4, "time", errc::out_of_range);
}

TEST_CASE("csv: survey answers and spend records", "[aggregate][csv]") {
  const auto s = crm::read_survey_answers_csv(text("respondent;time;score\n1;1689323400;10\n2;1689323401;0\n"),
                                              {}, {.delimiter = ';', .time = time_format::epoch_seconds});
  REQUIRE(s.records.size() == 2);
  CHECK(s.records[0].score == 10);
  CHECK(s.records[1].time == crm::time_point{seconds{1689323401}});
  const auto nt = crm::read_survey_answers_csv(text("respondent,score\n5,7\n"), {.time = ""});
  REQUIRE(nt.records.size() == 1);
  CHECK(nt.records[0].score == 7);
  const auto bs = crm::try_read_survey_answers_csv(text("respondent,score\n5,7.5\n"), {.time = ""});
  REQUIRE(bs.summary.stopped);
  CHECK(bs.summary.rejections[0].column == 2);
  CHECK(bs.summary.rejections[0].code == errc::malformed);

  const auto p = crm::read_spend_records_csv<crm::decimal50>(text("date,channel,amount\n2023-01-01,2,1000.10\n2023-02-01,,0\n"));
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[0].amount == crm::decimal50("1000.10"));
  CHECK(p.records[0].channel == 2);
  CHECK(p.records[1].channel == 0);
  const auto bp = crm::try_read_spend_records_csv(text("date,channel,amount\n2023-01-01,2,-1\n"));
  REQUIRE(bp.summary.stopped);
  CHECK(bp.summary.rejections[0].code == errc::negative);
  CHECK(bp.summary.rejections[0].field == "amount");
}

TEST_CASE("csv: the amount fast path gives exactly the correctly rounded double", "[aggregate][csv]") {
  // Clinger's fast path (at most 15 significant digits, at most 22 after the point) against the
  // C library's correctly rounded strtod, over a grid of shapes and pseudo-random digits.
  std::uint64_t x = 88172645463325252ULL;
  auto next = [&x] { return x ^= x << 13, x ^= x >> 7, x ^= x << 17; };
  std::size_t fast = 0;
  for (int i = 0; i < 200000; ++i) {
    const int int_digits = static_cast<int>(next() % 12), frac_digits = static_cast<int>(next() % 24);
    std::string s = next() % 4 == 0 ? "-" : "";
    for (int k = 0; k < int_digits; ++k) s += static_cast<char>('0' + next() % 10);
    if (int_digits == 0) s += '0';
    if (frac_digits > 0 || next() % 2) {
      s += '.';
      for (int k = 0; k < frac_digits; ++k) s += static_cast<char>('0' + next() % 10);
    }
    double want = 0;
    REQUIRE(reference_double(s, want));
    double got = 0;
    if (crm::detail::exact_decimal_double(s, got)) {
      ++fast;
      if (got != want) FAIL_CHECK(s);
    }
    double via_reader = 0;
    REQUIRE(crm::detail::parse_amount(std::string_view(s), via_reader).ok());
    if (via_reader != want) FAIL_CHECK(s);
  }
  CHECK(fast > 50000);  // the fast path was really exercised
  double d = 0;
  CHECK_FALSE(crm::detail::exact_decimal_double("1234567890123456", d));  // 16 digits: from_chars decides
  CHECK_FALSE(crm::detail::exact_decimal_double("1e5", d));
  CHECK_FALSE(crm::detail::exact_decimal_double(".5", d));
}

TEST_CASE("csv: ids of every length, a wrong character at every place, delimiters at every offset", "[aggregate][csv]") {
  const std::string digits = "9876543210123456789";
  for (std::size_t n = 1; n <= 19; ++n) {
    const std::string id = digits.substr(0, n);
    std::uint64_t v = 0;
    REQUIRE(crm::detail::parse_unsigned(std::string_view(id), v).ok());
    CHECK(v == std::stoull(id));  // the standard library's reading of the same digits
    for (std::size_t k = 0; k < n; ++k)
      for (const char bad : {'a', '/', ':', ' ', '.', '\x80'}) {
        std::string s = id;
        s[k] = bad;
        INFO(s);
        CHECK_FALSE(crm::detail::parse_unsigned(std::string_view(s), v).ok());
      }
  }
  std::uint64_t v = 0;
  CHECK(crm::detail::parse_unsigned(std::string_view("18446744073709551615"), v).ok());
  CHECK(v == 18446744073709551615ULL);
  CHECK(crm::detail::parse_unsigned(std::string_view("18446744073709551616"), v).code == errc::out_of_range);
  CHECK(crm::detail::parse_unsigned(std::string_view("000000000000000000000042"), v).ok());  // leading zeros
  CHECK(v == 42);
  // find_byte against a byte loop, every length and offset
  for (std::size_t len = 0; len < 40; ++len)
    for (std::size_t at = 0; at <= len; ++at) {
      std::string s(len, 'x');
      if (at < len) s[at] = ',';
      const char* got = crm::detail::find_byte(s.data(), s.data() + s.size(), ',');
      CHECK(static_cast<std::size_t>(got - s.data()) == at);
    }
}

// The messages quoted in docs/aggregation.md ("Reading CSV").
TEST_CASE("csv: the messages quoted in docs/aggregation.md", "[aggregate][csv]") {
  const auto in = csv_input::from_text("customer_id,date,amount\n1,2023-01-01,1\n2,2023-01-02,12x\n", "orders.csv");
  try {
    (void)crm::read_orders_csv(in);
    FAIL("no csv_error");
  } catch (const crm::csv_error& e) {
    CHECK(std::string(e.what()) == "orders.csv:3: column 3 'amount' is not a number: '12x'");
  }
  const auto c = crm::try_read_orders_csv(in, {}, {.on_bad_row = bad_rows::collect});
  CHECK(c.summary.message() == "orders.csv: 2 rows, 1 used, 1 rejected; orders.csv:3: column 3 'amount' is not a number: '12x'");
  CHECK(c.summary.rejections[0].message() == "orders.csv:3: column 3 'amount' is not a number: '12x'");
}

// The streaming example of docs/aggregation.md ("Reading CSV"): one accumulator per parsing
// A sink that throws (the accumulator's throwing add refusing a record) on a worker thread: the
// exception reaches the caller once the threads are joined, as it does on one thread (it used to
// leave its thread and end the process through std::terminate).
TEST_CASE("csv: an exception from a sink on any thread reaches the caller of scan_csv", "[aggregate][csv]") {
  std::string s = "customer_id,date,amount\n";
  for (int i = 0; i < 80000; ++i) s += std::to_string(1 + i % 997) + ",2024-01-" + (i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1) + ",5\n";
  s += "1,2024-12-01,5\n";  // after the calibration end: the last chunk's sink throws
  const auto in = csv_input::from_text(s, "late.csv");
  REQUIRE(s.size() > (std::size_t{1} << 20));  // large enough for two parsing threads
  const crm::rfm_options options{.calibration_end = sys_days{year{2024} / 6 / 30}};
  for (const unsigned threads : {1U, 2U, 3U}) {
    INFO("threads " << threads);
    crm::rfm_accumulator<double> first(options);
    std::vector<crm::rfm_accumulator<double>> more(threads, first.fresh());
    const auto scan = [&] {
      crm::scan_csv<crm::order<double>>(in, crm::order_columns{}, {.threads = threads},
                                        [&](unsigned w, std::span<const crm::order<double>> batch) {
                                          (void)(w == 0 ? first : more[w - 1]).add(batch);
                                        });
    };
    CHECK_THROWS_AS(scan(), crm::bad_record);
  }
}

// thread, merged in order, equals one thread's accumulator.
TEST_CASE("csv: scan_csv into one accumulator per thread, merged, equals one thread", "[aggregate][csv]") {
  std::string s = "customer_id,date,amount\n";
  for (int i = 0; i < 90000; ++i)  // about 2.5 MB, sorted by date, customers recurring across the file
    s += std::to_string(1000000007ULL * static_cast<unsigned long long>(i % 5003)) + ",2023-" +
         (i / 7500 < 9 ? "0" : "") + std::to_string(i / 7500 + 1) + "-" + (i % 28 < 9 ? "0" : "") +
         std::to_string(i % 28 + 1) + "," + std::to_string(i % 991) + ".75\n";
  const auto in = csv_input::from_text(s, "orders.csv");
  const crm::rfm_options options{.calibration_end = sys_days{year{2023} / 12 / 31}};

  crm::rfm_accumulator<double> acc(options);
  const crm::csv_summary s1 = crm::scan_csv_into<crm::order<double>>(in, {}, {.threads = 2}, acc);

  crm::rfm_accumulator<double> first(options);
  std::vector<crm::rfm_accumulator<double>> more{first.fresh()};  // one per extra thread
  const crm::csv_summary s2 = crm::scan_csv<crm::order<double>>(
      in, crm::order_columns{}, {.threads = 2}, [&](unsigned w, std::span<const crm::order<double>> batch) {
        return (w == 0 ? first : more[w - 1]).try_add(batch);
      });
  for (auto& m : more) first.merge(m);
  // a callback that returns nothing (the accumulator's throwing add)
  crm::rfm_accumulator<double> third(options);
  std::vector<crm::rfm_accumulator<double>> more3{third.fresh()};
  crm::scan_csv<crm::order<double>>(in, crm::order_columns{}, {.threads = 2},
                                    [&](unsigned w, std::span<const crm::order<double>> batch) {
                                      (void)(w == 0 ? third : more3[w - 1]).add(batch);
                                    });
  for (auto& m : more3) third.merge(m);

  crm::rfm_accumulator<double> one(options);
  (void)one.add(std::span<const crm::order<double>>(crm::read_orders_csv(in).records));
  CHECK(s1.ok());
  CHECK(s2.ok());
  CHECK(s1.used == 90000);
  CHECK(acc.customers() == 5003);
  CHECK(acc.rows() == one.rows());
  CHECK(first.rows() == one.rows());
  CHECK(third.rows() == one.rows());
}

TEST_CASE("csv: digit_run8 against a byte loop, every length and every wrong byte", "[aggregate][csv]") {
  const std::string digits = "73914062";
  for (std::size_t n = 0; n <= 8; ++n)
    for (int bad = 0; bad < 256; ++bad) {
      if (bad >= '0' && bad <= '9') continue;
      std::string s = digits;
      if (n < 8) s[n] = static_cast<char>(bad);
      for (std::size_t k = n + 1; k < 8; ++k) s[k] = static_cast<char>((bad * 7 + static_cast<int>(k) * 31) & 0xFF);
      std::uint64_t v = 12345, want = 0;
      const unsigned got = crm::detail::digit_run8(s.data(), v);
      INFO(n << " " << bad);
      REQUIRE(got == n);
      for (std::size_t k = 0; k < n; ++k) want = want * 10 + static_cast<std::uint64_t>(s[k] - '0');
      if (n > 0) CHECK(v == want);
    }
}

namespace {
// A random order log in one of three layouts, with good lines (whose records are known) and
// damaged ones (a byte replaced or inserted, a quote, a blank, a sign, a long number).
struct fuzz_log {
  std::string text;
  crm::order_columns columns;
  csv_format format;
  std::vector<std::pair<std::uint64_t, crm::order<double>>> known;  // line, the record it must give
};

fuzz_log make_fuzz_log(int layout, std::uint64_t seed, int lines) {
  std::uint64_t x = seed;
  auto next = [&x] { return x ^= x << 13, x ^= x >> 7, x ^= x << 17; };
  auto digits = [&](int n) {
    std::string s;
    for (int k = 0; k < n; ++k) s += static_cast<char>('0' + next() % 10);
    return s;
  };
  fuzz_log f;
  // 3: day.month.year dates (some with a time of day) and decimal-comma amounts; 4: ISO dates and
  // decimal-comma amounts, the fast path's own layout but for the comma, which it must not take
  // (a tab as the delimiter would keep the fast path off: it is a blank)
  const char d = layout == 0 ? ',' : layout == 1 || layout >= 3 ? ';' : '|';
  const bool comma = layout >= 3;
  f.format.decimal_comma = comma;
  if (layout == 0 || comma) {
    f.text = std::string("customer_id") + d + "date" + d + "amount\n";
    if (layout == 3) f.format.time = time_format::day_month_year;
  } else if (layout == 1) {
    f.text = "amount;note;date;customer_id;channel;campaign\n";
    f.columns.channel = "channel";
    f.columns.campaign = "campaign";
  } else {
    f.text = "date|customer_id|amount\n";
    f.format.time = time_format::yyyymmdd;
  }
  f.format.delimiter = d;
  const std::string damage = "0123456789-+.,;|\" \t\rxeE/:\xC3";
  std::uint64_t line = 1;
  for (int i = 0; i < lines; ++i) {
    ++line;
    if (next() % 200 == 0) {
      f.text += next() % 2 ? "\n" : "  \r\n";  // blank lines are not rows
      continue;
    }
    crm::order<double> r{};
    const int id_len = next() % 16 == 0 ? static_cast<int>(next() % 22) : 1 + static_cast<int>(next() % 14);
    const std::string id = digits(id_len);
    const bool id_ok = id_len >= 1 && id_len <= 19;
    if (id_ok) r.customer = std::stoull(id);
    const int y = 2020 + static_cast<int>(next() % 5);
    const unsigned m = 1 + static_cast<unsigned>(next() % 12), dd = 1 + static_cast<unsigned>(next() % 28);
    char date[32];
    r.time = ymd(y, m, dd);
    if (layout == 2) {
      std::snprintf(date, sizeof date, "%04d%02u%02u", y, m, dd);
    } else if (layout == 3) {
      const bool padded = next() % 2 == 0;
      std::snprintf(date, sizeof date, padded ? "%02u.%02u.%04d" : "%u.%u.%04d", dd, m, y);
      if (next() % 3 == 0) {
        const unsigned hh = static_cast<unsigned>(next() % 24), mi = static_cast<unsigned>(next() % 60);
        std::snprintf(date + std::strlen(date), sizeof date - std::strlen(date), " %u:%02u", hh, mi);
        r.time += hours{hh} + minutes{mi};
      }
    } else {
      std::snprintf(date, sizeof date, "%04d-%02u-%02u", y, m, dd);
    }
    std::string amount = next() % 5 == 0 ? "-" : "";
    const int whole = next() % 20 == 0 ? static_cast<int>(next() % 18) : 1 + static_cast<int>(next() % 6);
    amount += digits(whole);
    if (next() % 4 != 0) amount += "." + digits(static_cast<int>(next() % (next() % 10 == 0 ? 12 : 3)));
    const bool amount_ok = whole > 0 && reference_double(amount, r.amount);
    if (comma) std::replace(amount.begin(), amount.end(), '.', ',');  // the value: strtod of the point form
    std::string row;
    bool tags_ok = true;
    if (layout == 0 || comma) {
      row = id + d + date + d + amount;
    } else if (layout == 1) {
      const std::string ch = next() % 3 == 0 ? "" : digits(1 + static_cast<int>(next() % 10));
      const std::string ca = next() % 3 == 0 ? "" : digits(1 + static_cast<int>(next() % 8));
      const std::uint64_t ch_value = ch.empty() ? 0 : std::stoull(ch);
      tags_ok = ch_value <= 0xFFFFFFFFULL;  // a larger channel id is rejected (out_of_range)
      r.channel = static_cast<crm::tag_id>(ch_value);
      r.campaign = ca.empty() ? 0 : static_cast<crm::tag_id>(std::stoul(ca));
      row = amount + d + (next() % 2 ? "any text" : "") + d + date + d + id + d + ch + d + ca;
    } else {
      row = std::string(date) + d + id + d + amount;
    }
    const bool damaged = next() % 8 == 0;
    if (damaged) {
      const std::size_t at = next() % (row.size() + 1);
      const char c = damage[next() % damage.size()];
      if (next() % 2 && at < row.size()) row[at] = c;
      else row.insert(at, 1, c);
    }
    if (!damaged && id_ok && amount_ok && tags_ok) f.known.emplace_back(line, r);
    f.text += row + (next() % 5 == 0 ? "\r\n" : "\n");
  }
  if (next() % 2) f.text.pop_back();  // sometimes no final line break
  return f;
}

}  // namespace

TEST_CASE("csv: the fixed-layout fast path reads every line as the general path does", "[aggregate][csv]") {
  // The reader with its fast path (run_csv<..., true>, what read_orders_csv and scan_csv use)
  // against the same reader with it turned off, on damaged logs: the same records, counts,
  // rejections (line, column, field, code, reason); and the undamaged lines give the records they
  // were made from (ids by std::stoull, amounts by strtod, dates by std::chrono).
  using rec = crm::order<double>;
  for (int layout = 0; layout < 5; ++layout)
    for (const unsigned threads : {1u, 2u}) {
      const fuzz_log f = make_fuzz_log(layout, 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(layout), 40000);
      INFO("layout " << layout << ", threads " << threads);
      for (const bad_rows policy : {bad_rows::collect, bad_rows::fail}) {
        csv_format fmt = f.format;
        fmt.on_bad_row = policy;
        fmt.keep_rejections = 100000;
        fmt.threads = threads;
        std::vector<std::vector<rec>> got_fast(threads), got_general(threads);
        const auto in = csv_input::from_text(f.text, "fuzz.csv");
        const crm::csv_summary a = crm::detail::run_csv<rec, true>(
            in, f.columns, fmt, [&](unsigned w, std::span<const rec> b) { got_fast[w].insert(got_fast[w].end(), b.begin(), b.end()); });
        const crm::csv_summary b = crm::detail::run_csv<rec, false>(
            in, f.columns, fmt, [&](unsigned w, std::span<const rec> s) { got_general[w].insert(got_general[w].end(), s.begin(), s.end()); });
        CHECK(a.rows == b.rows);
        CHECK(a.used == b.used);
        CHECK(a.rejected == b.rejected);
        CHECK(a.stopped == b.stopped);
        CHECK(a.used + a.rejected == a.rows);
        REQUIRE(a.rejections.size() == b.rejections.size());
        for (std::size_t i = 0; i < a.rejections.size(); ++i) CHECK(a.rejections[i].message() == b.rejections[i].message());
        if (policy == bad_rows::fail) {
          CHECK(a.stopped);  // every log has damaged lines
          continue;
        }
        CHECK(a.rejected > 100);
        std::vector<rec> all;
        for (std::size_t w = 0; w < threads; ++w) {
          REQUIRE(got_fast[w].size() == got_general[w].size());
          for (std::size_t i = 0; i < got_fast[w].size(); ++i)
            if (!same_order(got_fast[w][i], got_general[w][i])) FAIL_CHECK("record " << i << " of worker " << w);
          all.insert(all.end(), got_fast[w].begin(), got_fast[w].end());
        }
        // the i-th record belongs to the i-th line that is neither blank nor rejected
        std::set<std::uint64_t> rejected_lines;
        for (const auto& r : a.rejections) rejected_lines.insert(r.line);
        std::vector<std::uint64_t> record_line;
        std::uint64_t line = 0;
        for (std::size_t p = 0; p < f.text.size();) {
          std::size_t nl = f.text.find('\n', p);
          if (nl == std::string::npos) nl = f.text.size();
          ++line;
          const bool blank = f.text.find_first_not_of(" \t\r", p) >= nl;
          if (line > 1 && !blank && !rejected_lines.count(line)) record_line.push_back(line);
          p = nl + 1;
        }
        REQUIRE(record_line.size() == all.size());
        std::size_t k = 0, checked = 0;
        for (const auto& [known_line, want] : f.known) {
          while (k < record_line.size() && record_line[k] < known_line) ++k;
          REQUIRE(k < record_line.size());
          REQUIRE(record_line[k] == known_line);
          if (!same_order(all[k], want)) FAIL_CHECK("line " << known_line);
          ++checked;
        }
        CHECK(checked > 25000);
      }
    }
}

TEST_CASE("csv: rows an accumulator rejects are reported at their file line, column and field", "[aggregate][csv]") {
  // A sink that returns the accumulator's add_report (try_add with on_bad_record::stop): each
  // record the accumulator refuses becomes a rejected row of the summary, with the file's line.
  // Here the RFM summary's calibration ends on 2023-06-30 and some orders are later.
  using rec = crm::order<double>;
  const crm::rfm_options options{.calibration_end = sys_days{year{2023} / 6 / 30}};
  std::string s = "customer_id,date,amount\n";
  std::vector<std::uint64_t> late_lines;
  const int n = 100000;  // about 2.5 MB: read by two threads as well
  for (int i = 0; i < n; ++i) {
    const bool late = i % 9973 == 17;
    if (late) late_lines.push_back(static_cast<std::uint64_t>(i) + 2);
    s += std::to_string(1000 + i % 7919) + (late ? ",2023-07-0" + std::to_string(1 + i % 9) : ",2023-0" + std::to_string(1 + i % 6) + "-15") +
         "," + std::to_string(i % 500) + ".5\n";
  }
  REQUIRE(late_lines.size() == 11);
  for (const unsigned threads : {1u, 2u}) {
    INFO("threads " << threads);
    // collect: every late row rejected at its line, column 2 'date'; the rest used
    {
      crm::rfm_accumulator<double> acc(options);
      std::vector<crm::rfm_accumulator<double>> more{acc.fresh()};
      const crm::csv_summary sum = crm::try_scan_csv<rec>(
          csv_input::from_text(s, "orders.csv"), crm::order_columns{},
          {.on_bad_row = bad_rows::collect, .keep_rejections = 100, .threads = threads},
          [&](unsigned w, std::span<const rec> b) { return (w == 0 ? acc : more[w - 1]).try_add(b); });
      for (auto& m : more) acc.merge(m);
      CHECK(sum.complete());
      CHECK(sum.rows == static_cast<std::uint64_t>(n));
      CHECK(sum.rejected == late_lines.size());
      CHECK(sum.used + sum.rejected == sum.rows);
      REQUIRE(sum.rejections.size() == late_lines.size());
      for (std::size_t i = 0; i < late_lines.size(); ++i) {
        const crm::csv_rejection& r = sum.rejections[i];
        CHECK(r.source == "orders.csv");
        CHECK(r.line == late_lines[i]);
        CHECK(r.column == 2);
        CHECK(r.field == "date");
        CHECK(r.code == errc::out_of_range);
      }
      CHECK(sum.rejections[0].message() ==
            "orders.csv:19: column 2 'date' is rejected by crm::rfm_accumulator: time is out of range (is after "
            "calibration_end (no holdout asked for))");
      // the same state as the accumulator given only the rows it accepts
      crm::rfm_accumulator<double> direct(options);
      const auto all = crm::read_orders_csv(csv_input::from_text(s, "orders.csv"));
      (void)direct.try_add(std::span<const rec>(all.records), crm::on_bad_record::skip);
      CHECK(acc.rows() == direct.rows());
      // the same through try_scan_csv_into
      crm::rfm_accumulator<double> into(options);
      const crm::csv_summary s2 = crm::try_scan_csv_into<rec>(
          csv_input::from_text(s, "orders.csv"), crm::order_columns{},
          {.on_bad_row = bad_rows::collect, .keep_rejections = 100, .threads = threads}, into);
      CHECK(s2.message() == sum.message());
      CHECK(into.rows() == direct.rows());
    }
    // fail (the default): the first late row stops the read, with its line; counts add up
    {
      crm::rfm_accumulator<double> acc(options);
      std::vector<crm::rfm_accumulator<double>> more{acc.fresh()};
      const crm::csv_summary sum =
          crm::try_scan_csv<rec>(csv_input::from_text(s, "orders.csv"), crm::order_columns{}, {.threads = threads},
                                 [&](unsigned w, std::span<const rec> b) { return (w == 0 ? acc : more[w - 1]).try_add(b); });
      CHECK(sum.stopped);
      REQUIRE(sum.rejections.size() == 1);
      CHECK(sum.rejections[0].line == late_lines[0]);
      CHECK(sum.rejections[0].column == 2);
      CHECK(sum.rejected == 1);
      CHECK(sum.rows == late_lines[0] - 1);  // the rows up to the bad one
      CHECK(sum.used + sum.rejected == sum.rows);
      try {
        (void)crm::scan_csv<rec>(csv_input::from_text(s, "orders.csv"), crm::order_columns{}, {.threads = threads},
                                 [&](unsigned, std::span<const rec> b) { return crm::rfm_accumulator<double>(options).try_add(b); });
        FAIL("no csv_error");
      } catch (const crm::csv_error& e) {
        CHECK(e.line() == 19);
        CHECK(e.column() == 2);
      }
      try {
        crm::rfm_accumulator<double> into(options);
        (void)crm::scan_csv_into<rec>(csv_input::from_text(s, "orders.csv"), crm::order_columns{}, {.threads = threads}, into);
        FAIL("no csv_error");
      } catch (const crm::csv_error& e) {
        CHECK(e.line() == 19);
        CHECK(e.column() == 2);
        CHECK(e.field() == "date");
        CHECK(e.code() == errc::out_of_range);
      }
    }
  }
  // A rejection of no one column (a sum that overflows): the line, column 0, the accumulator's message.
  const std::string big = "customer_id,date,amount\n1,2023-01-01,1e308\n2,2023-01-01,1e308\n3,2023-01-02,1\nx,2023-01-03,1\n";
  crm::order_totals_accumulator<double> totals;
  const crm::csv_summary o = crm::try_scan_csv<rec>(csv_input::from_text(big, "big.csv"), crm::order_columns{},
                                                    {.on_bad_row = bad_rows::collect},
                                                    [&](unsigned, std::span<const rec> b) { return totals.try_add(b); });
  CHECK(o.rows == 4);
  CHECK(o.used == 2);
  CHECK(o.rejected == 2);
  REQUIRE(o.rejections.size() == 2);
  CHECK(o.rejections[0].message() == "big.csv:3: is rejected by crm::order_totals_accumulator: revenue overflows the number type (the sum of "
                                             "amounts is too large)");
  CHECK(o.rejections[0].column == 0);
  CHECK(o.rejections[0].code == errc::overflow);
  CHECK(o.rejections[1].line == 5);  // the reader's own rejection, after it in file order
  CHECK(o.rejections[1].field == "customer_id");
  CHECK(totals.totals().orders == 2);
}

TEST_CASE("csv: scan_csv_into reports a merge the accumulator refuses", "[aggregate][csv]") {
  // RFM without the day log refuses to merge parts in which one customer's days interleave: here
  // customer 1 buys on Jan 1 and 10 in the first half of the file (thread 1) and on Jan 5 in the second.
  std::string s = "customer_id,date,amount\n1,2023-01-01,1\n1,2023-01-10,1\n";
  for (int i = 0; i < 80000; ++i) s += std::to_string(100 + i) + ",2023-02-01,2.5\n";
  s += "1,2023-01-05,1\n";
  const crm::rfm_options options{.calibration_end = sys_days{year{2023} / 12 / 31}, .day_log = false};
  crm::rfm_accumulator<double> acc(options);
  const crm::csv_summary sum =
      crm::try_scan_csv_into<crm::order<double>>(csv_input::from_text(s, "o.csv"), crm::order_columns{}, {.threads = 2}, acc);
  REQUIRE(sum.stopped);
  CHECK(sum.rejections.at(0).line == 0);
  CHECK(sum.rejections.at(0).reason.rfind("could not merge the workers' states: crm::rfm_accumulator: ", 0) == 0);
  // one thread reads it in order and rejects the Jan 5 row at its line instead
  crm::rfm_accumulator<double> one(options);
  const crm::csv_summary s1 =
      crm::try_scan_csv_into<crm::order<double>>(csv_input::from_text(s, "o.csv"), crm::order_columns{}, {}, one);
  REQUIRE(s1.stopped);
  CHECK(s1.rejections.at(0).line == 80004);
  CHECK(s1.rejections.at(0).field == "date");
}

// scan_csv_into on two threads takes the partitioned add for customer, RFM and period
// accumulators, in rounds of format.round_bytes: the same state as one thread's add of the same
// rows, for every round size, and bad rows reported at their lines as one thread reports them.
TEST_CASE("csv: scan_csv_into's partitioned add in rounds equals one thread's add", "[aggregate][csv][parallel]") {
  using rec = crm::order<double>;
  std::string s = "customer_id,date,amount\n";
  for (int i = 0; i < 120000; ++i)  // about 3.3 MB, sorted by date, customers recurring across the file
    s += std::to_string(1000000007ULL * static_cast<unsigned long long>((i * 7) % 6007)) + ",2023-" +
         (i / 10000 < 9 ? "0" : "") + std::to_string(i / 10000 + 1) + "-" + (i % 28 < 9 ? "0" : "") +
         std::to_string(i % 28 + 1) + "," + std::to_string(i % 991) + (i % 2 == 0 ? ".25\n" : ".75\n");  // exact sums in double
  const crm::rfm_options ro{.calibration_end = sys_days{year{2023} / 9 / 30}, .observation_end = sys_days{year{2023} / 12 / 31}};
  const crm::period_options po{.unit = crm::period_unit::month, .first = sys_days{year{2023} / 1 / 1}, .periods = 12};
  const auto all = crm::read_orders_csv(csv_input::from_text(s, "orders.csv"));
  const std::span<const rec> rows(all.records);
  crm::customer_accumulator<double> c1;
  crm::repeat_purchase_accumulator<double> l1;
  crm::rfm_accumulator<double> r1(ro);
  crm::period_accumulator<double> p1(po);
  c1.add(rows);
  l1.add(rows);
  r1.add(rows);
  p1.add(rows);
  for (const std::size_t round : {std::size_t{0}, std::size_t{1} << 20, std::size_t{600000}}) {
    CAPTURE(round);
    const crm::csv_format f{.threads = 2, .round_bytes = round};
    crm::customer_accumulator<double> c2;
    crm::repeat_purchase_accumulator<double> l2;
    crm::rfm_accumulator<double> r2(ro);
    crm::period_accumulator<double> p2(po);
    const crm::csv_summary sc = crm::scan_csv_into<rec>(csv_input::from_text(s, "orders.csv"), {}, f, c2);
    (void)crm::scan_csv_into<rec>(csv_input::from_text(s, "orders.csv"), {}, f, l2);
    (void)crm::scan_csv_into<rec>(csv_input::from_text(s, "orders.csv"), {}, f, r2);
    (void)crm::scan_csv_into<rec>(csv_input::from_text(s, "orders.csv"), {}, f, p2);
    CHECK(sc.rows == 120000);
    CHECK(sc.used == 120000);
    CHECK(c2 == c1);
    CHECK(l2 == l1);
    CHECK(l2.repeat().repeat_customers == c1.repeat().repeat_customers);
    CHECK(r2 == r1);
    CHECK(p2 == p1);
  }
  // A bad row in the middle of the file: collect reports it at its line and adds every other row;
  // fail stops there, with the same line.
  std::string bad = s;
  const std::size_t at = bad.find('\n', bad.size() / 2) + 1;  // start of a line in the middle
  const auto line = static_cast<std::uint64_t>(std::count(bad.begin(), bad.begin() + static_cast<std::ptrdiff_t>(at), '\n')) + 1;
  bad.insert(at, "42,2023-05-05,nan\n");
  for (const std::size_t round : {std::size_t{0}, std::size_t{600000}}) {
    crm::customer_accumulator<double> c3;
    const crm::csv_summary col = crm::try_scan_csv_into<rec>(csv_input::from_text(bad, "orders.csv"), {},
                                                             {.on_bad_row = bad_rows::collect, .threads = 2, .round_bytes = round}, c3);
    CHECK_FALSE(col.stopped);
    CHECK(col.rows == 120001);
    CHECK(col.rejected == 1);
    REQUIRE(col.rejections.size() == 1);
    CHECK(col.rejections[0].line == line);
    CHECK(c3 == c1);
    crm::customer_accumulator<double> c4;
    const crm::csv_summary fail =
        crm::try_scan_csv_into<rec>(csv_input::from_text(bad, "orders.csv"), {}, {.threads = 2, .round_bytes = round}, c4);
    CHECK(fail.stopped);
    REQUIRE_FALSE(fail.rejections.empty());
    CHECK(fail.rejections[0].line == line);
    CHECK(fail.used + fail.rejected == fail.rows);
  }
  // A customer's value sum that overflows is found when the entries are added: the read stops
  // with the accumulator's message.
  std::string huge = s;
  huge += "77,2023-09-01,1e308\n77,2023-09-02,1e308\n";
  crm::rfm_accumulator<double> r5(ro);
  const crm::csv_summary o = crm::try_scan_csv_into<rec>(csv_input::from_text(huge, "orders.csv"), {}, {.threads = 2}, r5);
  REQUIRE(o.stopped);
  CHECK(o.rejections.at(0).line == 0);
  CHECK(o.rejections.at(0).reason.rfind("could not add the workers' records: crm::rfm_accumulator: ", 0) == 0);
}

TEST_CASE("docs/aggregation.md: the csv_format defaults it states", "[aggregate][csv][docs]") {
  // "Layout", "Times", "Bad rows", "Threads and memory": ',' delimited, '"' quotes, a header line,
  // ISO dates within 1900-01-01 .. 2199-12-31, a decimal point, the first bad row ends the read,
  // 8 rejections kept, one thread, rounds of 64 MiB of the file for scan_csv_into.
  const csv_format f{};
  CHECK(f.delimiter == ',');
  CHECK_FALSE(f.whitespace_separated);
  CHECK(f.quote == '"');
  CHECK(f.header);
  CHECK(f.names.empty());
  CHECK(f.time == time_format::iso_date);
  CHECK(f.dates.earliest == sys_days{year{1900} / 1 / 1});
  CHECK(f.dates.latest == sys_days{year{2199} / 12 / 31});
  CHECK_FALSE(f.decimal_comma);
  CHECK(f.on_bad_row == bad_rows::fail);
  CHECK(f.keep_rejections == 8);
  CHECK(f.threads == 1);
  CHECK(f.round_bytes == std::size_t{67'108'864});  // 64 * 2^20
  // the default columns of read_orders_csv: customer_id, date, amount
  const auto r = crm::try_read_orders_csv(csv_input::from_text("customer_id,date,amount\n7,2024-03-31,12.50\n", "orders.csv"));
  REQUIRE(r.summary.used == 1);
  CHECK(r.records[0].customer == 7);
  CHECK(r.records[0].time == crm::to_time(sys_days{year{2024} / 3 / 31}));
  CHECK(r.records[0].amount == 12.5);
}

TEST_CASE("csv: a file read through windows of any size gives the records and rejections of its text", "[csv][aggregate]") {
  // Since 2026-12-06 a file's lines are read with pread, a window at a time (detail::csv_window_bytes):
  // lines cut by a window's end, a line longer than the window, CRLF, quoted fields (the general
  // path), bad rows and a last line without a line end, on one and two threads, equal the text's read.
  std::string body = "customer_id,date,amount\r\n";
  for (int i = 0; i < 60'000; ++i) {
    const std::string id = std::to_string(1000 + (i * 7919) % 40'009);
    const std::string day = "2024-0" + std::to_string(1 + i % 9) + "-1" + std::to_string(i % 10);
    switch (i % 997) {
      case 5: body += id + ",2024-13-01,1.00\n"; break;                         // a bad date
      case 17: body += id + "," + day + "\n"; break;                            // a missing field
      case 29: body += "\"" + id + "\"," + day + ",7.25\n"; break;               // quoted: the general path
      case 41: body += id + "," + day + ",2.50," + std::string(3000, 'x') + "\n"; break;  // a long bad row
      case 53: body += "\n"; break;                                             // a blank line
      default: body += id + "," + day + "," + std::to_string(i % 500) + "." + std::to_string(10 + i % 90) + (i % 3 == 0 ? "\r\n" : "\n");
    }
  }
  body += "77,2024-02-02,9.99";  // no line end
  REQUIRE(body.size() > (std::size_t{1} << 20));  // two threads take two chunks
  const temp_file file(body, "crm_csv_windows_test.csv");
  struct restore {
    std::size_t was = crm::detail::csv_window_bytes();
    ~restore() { crm::detail::csv_window_bytes() = was; }
  } keep_setting;
  for (const unsigned threads : {1u, 2u}) {
    const csv_format f{.on_bad_row = bad_rows::collect, .keep_rejections = 1000, .threads = threads};
    const auto expected = crm::try_read_orders_csv(text(body), {}, f);
    REQUIRE(expected.summary.rejected > 150);
    for (const std::size_t window : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{1000},
                                     std::size_t{65'536}, std::size_t{256} << 10}) {
      INFO("threads " << threads << ", window " << window);
      crm::detail::csv_window_bytes() = window;
      const auto r = crm::try_read_orders_csv(file.path, {}, f);
      CHECK(r.summary.rows == expected.summary.rows);
      CHECK(r.summary.used == expected.summary.used);
      CHECK(r.summary.rejected == expected.summary.rejected);
      REQUIRE(r.summary.rejections.size() == expected.summary.rejections.size());
      for (std::size_t i = 0; i < r.summary.rejections.size(); ++i) {
        CHECK(r.summary.rejections[i].line == expected.summary.rejections[i].line);
        CHECK(r.summary.rejections[i].reason == expected.summary.rejections[i].reason);
      }
      REQUIRE(r.records.size() == expected.records.size());
      CHECK(same_orders(r.records, expected.records));
    }
  }
}

}  // namespace aggregate_csv_test

// Amounts where the standard library has no floating std::from_chars (libc++): the library reads them
// with strtod_l in the "C" locale by std::from_chars's rules (crm/detail/charconv.hpp). Expected
// lengths, codes and values: libstdc++ 12's std::from_chars(first, last, v, chars_format::general)
// printed for each text by a throwaway g++ 12 program on 2026-12-07 (value left -7 where it refused);
// the values of accepted decimals are std::strtod's / strtof's / strtold's (the C library's).
TEMPLATE_TEST_CASE("csv: amounts read without std::from_chars as libstdc++'s std::from_chars reads them", "[aggregate][csv]",
                   float, double, long double) {
  using F = TestType;
  struct probe {
    const char* text;
    std::errc ec;   // for F
    int length;     // characters read
  };
  constexpr std::errc ok{}, bad = std::errc::invalid_argument, range = std::errc::result_out_of_range;
  constexpr bool is_float = std::is_same_v<F, float>, is_double = std::is_same_v<F, double>;
  const std::vector<probe> probes = {
      {"1.", ok, 2},          {".5", ok, 2},          {".", bad, 0},           {"5e", ok, 1},         {"5e+", ok, 1},
      {"1e+", ok, 1},         {"1.e5", ok, 4},        {"-.5e-1", ok, 6},       {"-", bad, 0},         {"", bad, 0},
      {"+1", bad, 0},         {" 1", bad, 0},         {"0x1p3", ok, 1},        {"-0", ok, 2},         {"00012", ok, 5},
      {"1.5e0001", ok, 8},    {"0.0e999999", ok, 10}, {"nan(1)", ok, 6},       {"nan(", ok, 3},       {"nan()", ok, 5},
      {"NaN(abc_1)", ok, 10}, {"nan(a-b)", ok, 3},    {"-nan", ok, 4},         {"infinity", ok, 8},   {"-infinity", ok, 9},
      {"INF", ok, 3},         {"infx", ok, 3},        {"-inf", ok, 4},         {"1e5000", range, 6},  {"-1e400", is_float || is_double ? range : ok, 6},
      {"1e-4960", range, 7},  {"1e-400", is_float || is_double ? range : ok, 6},
      {"1e-310", is_float ? range : ok, 6},  // subnormal in double: read
      {"2.4e-324", is_float || is_double ? range : ok, 8},  // below half the least subnormal double: zero
      {"2.5e-324", is_float ? range : ok, 8},  {"1e-39", ok, 5},  // subnormal in float: read
      {"1e-46", is_float ? range : ok, 5},     {"3.4028235e38", ok, 12}, {"3.4028236e38", is_float ? range : ok, 12},
      {"1.7976931348623159e308", is_float || is_double ? range : ok, 22},
  };
  for (const probe& p : probes) {
    CAPTURE(p.text);
    const char* first = p.text;
    const char* last = first + std::strlen(first);
    F v = F(-7);
    const std::from_chars_result r = crm::detail::floating_from_chars(first, last, v);
    CHECK(r.ec == p.ec);
    CHECK(r.ptr - first == p.length);
    if (p.ec != ok) {
      CHECK(v == F(-7));  // unchanged
      continue;
    }
    const std::string read(first, static_cast<std::size_t>(p.length));
    const char lead = read[read[0] == '-' ? 1 : 0];
    if (lead == 'n' || lead == 'N') {
      CHECK(std::isnan(v));
    } else {
      char* end = nullptr;
      const F want = std::is_same_v<F, float> ? F(std::strtof(read.c_str(), &end))
                                               : std::is_same_v<F, double> ? F(std::strtod(read.c_str(), &end)) : F(std::strtold(read.c_str(), &end));
      CHECK(v == want);
      CHECK(std::signbit(v) == std::signbit(want));
    }
  }
#if CRM_METRICS_FLOAT_CHARCONV && CRM_METRICS_DETAIL_C_LOCALE_CHARCONV
  // Both readers on one standard library: the same code, end and value for pseudo-random decimals up to
  // the edges of F's range (libstdc++ refuses long double's subnormals, 1e-4940, which strtold reads:
  // the one difference, checked to be only that).
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  auto next = [&x] { return x ^= x << 13, x ^= x >> 7, x ^= x << 17; };
  const int max_exp = std::numeric_limits<F>::max_exponent10 + 30;
  int compared = 0;
  for (int i = 0; i < 40000; ++i) {
    std::string s = next() % 3 == 0 ? "-" : "";
    const int int_digits = static_cast<int>(next() % 25), frac_digits = static_cast<int>(next() % 25);
    for (int k = 0; k < int_digits; ++k) s += static_cast<char>('0' + next() % 10);
    if (frac_digits > 0 || int_digits == 0) s += '.';
    for (int k = 0; k < frac_digits; ++k) s += static_cast<char>('0' + next() % 10);
    if (int_digits + frac_digits == 0) s += '7';
    if (next() % 2) s += "e" + std::to_string(static_cast<int>(next() % static_cast<std::uint64_t>(2 * max_exp + 1)) - max_exp);
    if (next() % 8 == 0) s += "x";  // text after the number: not read
    CAPTURE(s);
    F a = F(-7), b = F(-7);
    const std::from_chars_result ra = std::from_chars(s.data(), s.data() + s.size(), a, std::chars_format::general);
    const std::from_chars_result rb = crm::detail::c_locale_from_chars(s.data(), s.data() + s.size(), b);
    CHECK(ra.ptr == rb.ptr);
    if (std::is_same_v<F, long double> && ra.ec == range && rb.ec == ok) {
      CHECK(std::fabs(b) < std::numeric_limits<F>::min());  // a subnormal long double
      continue;
    }
    CHECK(ra.ec == rb.ec);
    CHECK(a == b);
    CHECK(std::signbit(a) == std::signbit(b));
    ++compared;
  }
  CHECK(compared > 30000);
#endif
}
