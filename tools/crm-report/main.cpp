// crm-report: a full CRM report from an order file, on the terminal, as a self-contained HTML page
// and as JSON. Usage, options, exit codes and the JSON schema: docs/report.md.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
#include "report.hpp"

#include <crm/version.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace {

using namespace crm_report;

constexpr const char* examples = R"(Examples:
  crm-report
      the report on the built-in sample (orders, e-mail events, NPS answers, costs)
  crm-report orders.csv
      columns customer_id,date,amount detected by name; ISO dates, yyyymmdd, epoch seconds, 31.03.2024
      and 03/31/2024 detected, and amounts written 1234,56 in a file delimited by ";" or tab
  crm-report CDNOW_master.txt --calibration-end 1997-09-30 --html cdnow.html --json cdnow.json
      a whitespace-separated file with a header; fit on orders to 1997-09-30, test on the rest
  crm-report export.csv --customer-column client --date-column created_at --amount-column total \
      --delimiter ';' --date-format iso-datetime --period week --currency EUR --top 20
  crm-report export_1c.csv --customer-column Клиент --date-column Дата --amount-column Сумма
      a ';' file with 31.03.2024 dates and 1234,56 amounts: both detected (or --date-format dmy --decimal-comma)
  crm-report orders.csv --emails events.csv --nps answers.csv --costs spend.csv
      events: recipient,campaign,event,time[,revenue]; answers: respondent,score[,time];
      spend: date,amount[,channel]
  crm-report orders.csv --funnel campaigns.csv
      campaigns: campaign,sent,delivered,opens,clicks,conversions[,unsubscribed,...,revenue,cost]
  crm-report orders.csv --skip-bad-rows
      report rows that cannot be read and go on (the report is marked partial)

Exit codes: 0 report written; 2 bad input (file, line and column in the message);
3 an output (file or standard output) cannot be written; 64 bad command line; 1 internal error.
Environment: NO_COLOR (any value) turns colour off. Documentation: docs/report.md.)";

std::string version_text() {
  return fmt::format("crm-report {}.{}.{} (crm-metrics)", CRM_METRICS_VERSION_MAJOR, CRM_METRICS_VERSION_MINOR,
                     CRM_METRICS_VERSION_PATCH);
}

bool use_color(color_mode m) {
  if (m != color_mode::automatic) return m == color_mode::always;
  const char* no = std::getenv("NO_COLOR");
  if (no != nullptr && *no != '\0') return false;
  return ::isatty(::fileno(stdout)) != 0;
}

void write_file(const std::string& path, const std::string& text, const char* what) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    fmt::print(stderr, "crm-report: cannot write the {} file '{}'\n", what, path);
    std::exit(exit_cannot_write);
  }
}

}  // namespace

int main(int argc, char** argv) {
  report_options o;
  CLI::App app{"crm-report: a full CRM report (customers, revenue, retention, cohorts, e-mail funnel, NPS,\n"
               "CAC/ROMI, and a BG/NBD or Pareto/NBD + Gamma-Gamma forecast) from an order file, on the\n"
               "terminal, as a self-contained HTML page and as JSON. With no file it reports on built-in sample data.",
               "crm-report"};
  app.footer(examples);
  app.set_version_flag("--version", version_text());
  app.add_option("orders", o.orders_file, "Orders file (CSV or whitespace-separated): customer id, date, amount");
  app.add_option("--emails", o.email_file, "E-mail events CSV: recipient,campaign,event,time[,revenue]");
  app.add_option("--funnel", o.funnel_file,
                 "Per-campaign e-mail funnel CSV (instead of --emails): campaign,sent,delivered,opens,clicks,"
                 "conversions[,unsubscribed,spam_complaints,hard_bounces,soft_bounces,revenue,cost]");
  app.add_option("--nps", o.nps_file, "NPS answers CSV: respondent,score[,time] (scores 0..10)");
  app.add_option("--costs", o.costs_file, "Marketing and sales spend CSV: date,amount[,channel], for CAC, ROMI, LTV:CAC");
  app.add_option("--customer-column", o.layout.customer_column, "Name of the customer id column (e.g. client_id)");
  app.add_option("--date-column", o.layout.date_column, "Name of the date column (e.g. created_at)");
  app.add_option("--amount-column", o.layout.amount_column, "Name of the amount column (e.g. total)");
  app.add_option("--delimiter", o.layout.delimiter, "Field separator: one character (e.g. ';'), 'tab' or 'space' "
                                                    "(runs of blanks, as in CDNOW); detected when not given");
  app.add_option("--date-format", o.layout.date_format,
                 "iso (2024-03-31), iso-datetime (2024-03-31T12:00:00Z), yyyymmdd (20240331), epoch (seconds), "
                 "dmy (31.03.2024, 31/03/2024, optionally with 14:30 or 14:30:05: 1C, Bitrix24, amoCRM, Europe) or "
                 "mdy (03/31/2024, the US order); detected when not given (a first date such as 03/04/2024 that "
                 "reads either way needs dmy or mdy)")
      ->check(CLI::IsMember({"iso", "iso-datetime", "yyyymmdd", "epoch", "dmy", "mdy"}));
  app.add_flag("--decimal-comma", o.layout.decimal_comma,
               "Amounts are written with a decimal comma, 1234,56, in every file (needs a delimiter other than ','); "
               "detected when not given: a first amount such as 1234,56 in a file delimited by ';' or tab");
  bool header = false, no_header = false;
  app.add_flag("--header", header, "The first line names the columns (detected when not given)");
  app.add_flag("--no-header", no_header, "There is no header line; columns are 1, 2, ... (customer 1, date 2, amount last)");
  app.add_option("--calibration-end", o.calibration_end,
                 "Last day the forecast is fitted on, e.g. 1997-09-30; later orders test it (default: two thirds "
                 "into the data, at the end of a period)");
  std::map<std::string, period_kind> periods{{"week", period_kind::week}, {"month", period_kind::month},
                                             {"quarter", period_kind::quarter}};
  std::string period = "month", model = "bgnbd", color = "auto";
  app.add_option("--period", period, "Reporting period: week, month (default) or quarter, e.g. --period week")
      ->check(CLI::IsMember({"week", "month", "quarter"}));
  std::map<std::string, model_kind> models{{"bgnbd", model_kind::bg_nbd}, {"pareto", model_kind::pareto_nbd}};
  app.add_option("--model", model, "Forecast model: bgnbd (BG/NBD, default) or pareto (Pareto/NBD)")
      ->check(CLI::IsMember({"bgnbd", "pareto"}));
  app.add_option("--currency", o.currency, "Currency shown before amounts, e.g. --currency EUR (default $)");
  app.add_option("--top", o.top, "How many top customers by CLV to list, e.g. --top 20 (default 10)")
      ->check(CLI::Range(0, 100000));
  app.add_option("--level", o.level, "Confidence level of the intervals, e.g. 0.9 (default 0.95)")
      ->check(CLI::Range(0.5, 0.9999));
  app.add_flag("--skip-bad-rows", o.skip_bad_rows,
               "Reject rows that cannot be read, report how many and the first few, and go on (the report says it "
               "is partial); without it the first bad row stops with exit code 2");
  app.add_option("--html", o.html_file, "Write a self-contained HTML page with charts, e.g. --html report.html");
  app.add_option("--json", o.json_file, "Write every figure as JSON (schema: docs/report.md), e.g. --json report.json");
  std::map<std::string, color_mode> colors{{"auto", color_mode::automatic}, {"always", color_mode::always},
                                           {"never", color_mode::never}};
  app.add_option("--color", color, "auto (default: on a terminal unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }
  if (header && no_header) {
    fmt::print(stderr, "crm-report: --header and --no-header exclude each other\n");
    return exit_usage;
  }
  if (header || no_header) o.layout.header = header;
  o.period = periods.at(period);
  o.model = models.at(model);
  o.color = colors.at(color);

  try {
    const bool with_files = !o.email_file.empty() || !o.funnel_file.empty() || !o.nps_file.empty() || !o.costs_file.empty();
    if (o.orders_file.empty() && with_files) throw input_error("--emails, --funnel, --nps and --costs need an orders file");
    const report_input in = o.orders_file.empty() ? builtin_sample() : read_inputs(o);
    const report r = compute_report(in, o);
    if (r.partial) {
      for (const input_file& f : r.inputs)
        if (f.rejected > 0) {
          fmt::print(stderr, "crm-report: {}: {} of {} rows rejected (--skip-bad-rows); the report is partial\n",
                     f.source, f.rejected, f.rows);
          for (const std::string& s : f.first_rejections) fmt::print(stderr, "  {}\n", s);
        }
    }
#ifdef CRM_REPORT_FAULT_INJECTION
    // The test build only (tests/report/CMakeLists.txt): an unexpected exception after the input was read.
    if (const char* f = std::getenv("CRM_REPORT_FAULT"); f != nullptr && std::string_view(f) == "internal")
      throw std::logic_error("injected fault (CRM_REPORT_FAULT=internal)");
#endif
    try {
      print_terminal(r, use_color(o.color));
    } catch (const std::system_error& e) {  // fmt::print: standard output is closed or full
      fmt::print(stderr, "crm-report: cannot write the report to standard output: {}\n", e.code().message());
      return exit_cannot_write;
    }
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
      fmt::print(stderr, "crm-report: cannot write the report to standard output: {}\n",
                 errno != 0 ? std::strerror(errno) : "write error");
      return exit_cannot_write;
    }
    if (!o.json_file.empty()) write_file(o.json_file, to_json_text(r), "JSON");
    if (!o.html_file.empty()) write_file(o.html_file, to_html(r), "HTML");
    return exit_ok;
  } catch (const usage_error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "crm-report: {}\n", e.what());
    return exit_usage;
  } catch (const input_error& e) {
    std::fflush(stdout);
    fmt::print(stderr, "crm-report: {}\n", e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::fflush(stdout);
    fmt::print(stderr, "crm-report: internal error: {}\n", e.what());
    return exit_internal;
  }
}
