// Built with -fno-exceptions: the CSV reader's try_ forms read, reject and report without throwing.
#include <crm/aggregate/csv.hpp>
#include <crm/aggregate/rfm.hpp>

#include <cstdio>
#include <string>

#include "fail.hpp"

using crm_noexcept::fail;

int main() {
  const auto in = crm::csv_input::from_text(
      "customer_id,date,amount\n1,2023-01-01,10.50\n2,2023-02-30,1\n3,2023-01-03,nan\n4,2023-01-04,2\n", "o.csv");
  const auto stop = crm::try_read_orders_csv(in);  // bad_rows::fail: stops at line 3
  if (!stop.summary.stopped || stop.summary.rejections.size() != 1) return fail("no stop", 1);
  const crm::csv_rejection& r = stop.summary.rejections[0];
  if (r.line != 3 || r.column != 2 || r.field != "date" || r.code != crm::errc::out_of_range) return fail("wrong rejection", 2);
  const auto all = crm::try_read_orders_csv(in, {}, {.on_bad_row = crm::bad_rows::collect});
  if (all.summary.rows != 4 || all.summary.used != 2 || all.summary.rejected != 2 || all.records.size() != 2)
    return fail(all.summary.message().c_str(), 3);
  if (all.summary.rejections[1].code != crm::errc::not_finite) return fail("nan not rejected", 4);
  const auto missing = crm::try_read_orders_csv("/nonexistent/crm_orders.csv");
  if (!missing.summary.stopped) return fail("missing file read", 5);
  // an order after the RFM calibration end: rejected by the accumulator, reported at its line
  crm::rfm_accumulator<double> rfm({.calibration_end = std::chrono::sys_days{std::chrono::year{2023} / 1 / 3}});
  const auto into = crm::try_scan_csv_into<crm::order<double>>(in, {}, {.on_bad_row = crm::bad_rows::collect}, rfm);
  if (into.rows != 4 || into.used != 1 || into.rejected != 3 || into.rejections.size() != 3 || into.rejections[2].line != 5 ||
      into.rejections[2].field != "date")
    return fail(into.message().c_str(), 6);
  // day.month.year dates and decimal-comma amounts: read, and rejected ('.' in an amount, 31 February,
  // a thousands separator, a long field past the reader's buffer), counted, never thrown
  const std::string ru_text = "customer_id;date;amount\n1;31.03.2024 14:30;1234,56\n2;31.02.2024;1\n"
                              "3;01.04.2024;12.50\n4;02.04.2024;1 234,56\n5;3.4.2024;0," + std::string(100, '1') + "\n";
  const auto ru = crm::csv_input::from_text(ru_text, "ru.csv");  // a view: the text must outlive it
  const crm::csv_format ru_format{.delimiter = ';', .time = crm::time_format::day_month_year, .decimal_comma = true,
                                  .on_bad_row = crm::bad_rows::collect};
  const auto regional = crm::try_read_orders_csv(ru, {}, ru_format);
  if (regional.summary.rows != 5 || regional.summary.used != 2 || regional.summary.rejected != 3 ||
      regional.records.size() != 2 || regional.records[0].amount != 1234.56)
    return fail(regional.summary.message().c_str(), 7);
  const auto comma = crm::try_read_orders_csv(in, {}, {.decimal_comma = true});  // ',' delimiter: refused
  if (!comma.summary.stopped || comma.summary.rejections.at(0).line != 0) return fail("decimal comma with ','", 8);
  std::printf("%s\n", all.summary.message().c_str());
  return 0;
}
