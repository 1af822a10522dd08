// crm-report: the figures of one report, as plain data, and the steps that fill and print them.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// main.cpp parses the options into report_options, input.cpp reads the files (or sample.cpp draws
// the built-in sample) into report_input, figures.cpp turns that into a report through the
// library's public API, and the output_*.cpp files print it. docs/report.md documents the options,
// the exit codes and the JSON schema (output_json.cpp writes exactly that).
#pragma once

#include <crm/aggregate/periods.hpp>  // before any header that declares crm::days (see the report of issue 9)
#include <crm/aggregate/records.hpp>
#include <crm/metrics/email.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace crm_report {

/// Exit codes (docs/report.md).
enum exit_code : int {
  exit_ok = 0,
  exit_internal = 1,      ///< an unexpected failure (a bug: please report it)
  exit_bad_input = 2,     ///< a missing, unreadable, empty or malformed input; a calibration end outside the data
  exit_cannot_write = 3,  ///< the HTML or JSON file cannot be written
  exit_usage = 64,        ///< unknown option or bad option value (EX_USAGE of sysexits.h)
};

/// Bad input: the message names the file, line and column; main() prints it and exits with 2.
class input_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A command-line mistake seen only once the input is looked at (a column option that is not a
/// position for a file without a header): main() prints it and exits with 64, as for a bad option.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class period_kind { week, month, quarter };
enum class model_kind { bg_nbd, pareto_nbd };
enum class color_mode { automatic, always, never };

/// How to read an orders file (empty strings / nullopt = detect).
struct orders_layout {
  std::string customer_column, date_column, amount_column;
  std::string delimiter;      ///< "" detect, "tab", "space" (runs of blanks) or one character
  std::string date_format;    ///< "" detect, "iso", "iso-datetime", "yyyymmdd", "epoch", "dmy", "mdy"
  std::optional<bool> header; ///< nullopt: detect (a first line with letters is a header)
  bool decimal_comma = false; ///< true: amounts written 1234,56 in every file; false: detected per file
};

struct report_options {
  std::string orders_file;  ///< "" = built-in sample
  std::string email_file, funnel_file, nps_file, costs_file;
  orders_layout layout;
  std::string calibration_end;  ///< "" = two thirds into the data, on a period boundary
  period_kind period = period_kind::month;
  model_kind model = model_kind::bg_nbd;
  std::string currency = "$";
  int top = 10;
  bool skip_bad_rows = false;
  std::string html_file, json_file;
  color_mode color = color_mode::automatic;
  double level = 0.95;
};

/// What was read from one file.
struct input_file {
  std::string role;    ///< "orders", "email", "funnel", "nps", "costs"
  std::string source;  ///< file name, or "built-in sample"
  std::uint64_t rows = 0, used = 0, rejected = 0;
  std::vector<std::string> first_rejections;  ///< "file:line: column c 'name' reason"
  // How the file was read, to name the line and column of a record an accumulator refuses.
  bool header = true;
  std::string delimiter;  ///< "space" for whitespace-separated, else the character
  std::vector<std::pair<std::string, std::string>> field_columns;  ///< record field -> column name
};

/// Everything the figures are computed from.
struct report_input {
  std::vector<crm::order<double>> orders;
  std::vector<crm::email_event<double>> email_events;
  std::vector<crm::email_campaign<double>> funnel;  ///< per-campaign funnel file, one per campaign
  std::vector<crm::survey_answer> nps_answers;
  std::vector<crm::spend_record<double>> costs;
  std::vector<input_file> files;
  bool sample = false;
};

/// A point estimate with its confidence interval.
struct interval {
  double point = 0, lower = 0, upper = 0;
};

struct period_row {
  std::string label;  ///< "1997-03", "1997-W10", "1997-Q1"
  std::int64_t at_start = 0, new_customers = 0, returning = 0, lost = 0, at_end = 0, active = 0, orders = 0;
  double revenue = 0;
  std::optional<interval> retention, churn;  ///< none when no customers at the start
  std::optional<double> growth;              ///< customer-base growth (end - start) / start
};

struct cohort_row {
  std::string label;
  std::int64_t size = 0;
  std::vector<std::int64_t> active;  ///< active[k]: customers of the cohort who bought k periods later
  std::vector<double> revenue;       ///< revenue of the cohort in period k
  std::vector<double> retention;     ///< active[k] / size
};

struct funnel_figures {
  std::int64_t sent = 0, delivered = 0, opens = 0, clicks = 0, conversions = 0, unsubscribed = 0, spam = 0,
               hard_bounces = 0, soft_bounces = 0;
  double revenue = 0;
  /// Each rate with its Wilson interval; none when the rate does not apply (e.g. click-to-open without
  /// opens: the metric's message is among report::notes).
  std::optional<interval> delivery, open, click_through, click_to_open, conversion, unsubscribe;
  std::int64_t campaigns = 0;
};

struct nps_figures {
  std::int64_t promoters = 0, passives = 0, detractors = 0;
  double score = 0;                   ///< NPS points
  std::optional<interval> score_ci;  ///< none when every answer is of one kind (a zero standard error)
};

struct cost_figures {
  double spend = 0;
  std::int64_t new_customers = 0;
  double revenue = 0;  ///< revenue of the periods the costs cover
  std::optional<double> cac, romi, ltv, ltv_to_cac;
  std::string ltv_basis;  ///< which LTV is used
};

struct parameter {
  std::string name;
  double value = 0, standard_error = 0;
};

struct customer_forecast {
  std::uint64_t id = 0;
  double frequency = 0, recency = 0, age = 0, average_spend = 0;
  double p_alive = 0, expected_purchases = 0, clv = 0;
  /// Delta-method intervals at the report's level (top customers only; none when the parameter
  /// estimate or the interval fails, see forecast_figures::interval_note).
  std::optional<interval> p_alive_ci, expected_purchases_ci, clv_ci;
};

struct holdout_row {
  std::string frequency;  ///< "0", "1", ..., "7+"
  std::int64_t customers = 0;
  double actual = 0, predicted = 0;  ///< mean holdout purchases per customer
};

/// Cumulative and incremental repeat purchases of the calibration cohort at one time, actual and
/// predicted (crm::purchase_tracking).
struct tracking_row {
  double time = 0;  ///< weeks since the first day of the data
  double actual_cumulative = 0, predicted_cumulative = 0, actual_incremental = 0, predicted_incremental = 0;
};

/// The transaction model's fit ended on a boundary of its parameter space (crm::boundary_report): the
/// forecast is then the nested model's (`forecast_figures::model`).
struct boundary_figures {
  std::string fitted_model;  ///< "BG/NBD" or "Pareto/NBD": the model fitted first
  std::string where;         ///< crm::to_string(fit_boundary), e.g. "homogeneous_dropout"
  std::string description;   ///< crm::describe(fit_boundary)
  double lr_statistic = 0, lr_p_value = 1;  ///< the fitted model against the nested one (Self & Liang's mixture)
};

struct forecast_figures {
  std::string model;      ///< "BG/NBD" or "Pareto/NBD"; at a boundary the nested model: "BG/NBD, homogeneous drop-out",
                          ///< "Pareto/NBD, homogeneous death rate" or "NBD (no drop-out)"
  std::optional<boundary_figures> boundary;  ///< set when the forecast is the nested model's
  /// set when Gamma-Gamma's fit ended on a boundary: spend_parameters are then the nested model's
  /// (q and c: each repeat customer's own mean; p and theta: one value distribution for everyone)
  std::optional<boundary_figures> spend_boundary;
  std::string time_unit;  ///< "weeks"
  std::string calibration_end;
  std::int64_t customers = 0;  ///< customers first seen by the calibration end
  std::vector<parameter> parameters, spend_parameters;
  double log_likelihood = 0;
  bool converged = false;
  std::string spend_note;  ///< why no Gamma-Gamma, if so
  std::int64_t spend_rows_left_out = 0;  ///< repeat customers with a zero mean repeat value (not in the spend fit)
  double horizon = 0;      ///< next period, in weeks
  double expected_purchases_next_period = 0;  ///< the whole base (crm::try_conditional_expected_purchases_intervals)
  std::optional<interval> expected_purchases_next_period_ci;  ///< its delta-method interval
  std::string interval_note;  ///< why an interval is missing, if one is
  double mean_p_alive = 0;
  std::vector<std::int64_t> p_alive_histogram;  ///< 10 bins of width 0.1
  std::vector<customer_forecast> top;
  double clv_horizon_periods = 12, clv_discount_rate = 0.01;
  std::optional<double> mean_clv;
  /// The whole base's CLV over the same clv_horizon_periods (crm::try_customer_lifetime_value_intervals
  /// over the whole-history summary, identical customers weighted): none without a spend model; its
  /// delta-method interval none when it cannot be computed (see interval_note). Repeat customers whose
  /// repeat purchases were all free are not in it (the library's CLV takes the spend given the row's
  /// own frequency, which refuses an average spend of 0): base_clv_customers_left_out counts them.
  std::optional<double> base_clv;
  std::optional<interval> base_clv_ci;
  std::int64_t base_clv_customers_left_out = 0;
  // holdout
  std::optional<double> holdout_length;  ///< weeks of data after the calibration end
  std::vector<holdout_row> holdout;
  double holdout_actual_total = 0, holdout_predicted_total = 0;
  // tracking of the calibration cohort's repeat purchases over time (with the holdout only)
  std::vector<tracking_row> tracking;
  std::int64_t tracking_customers = 0;  ///< the cohort: customers first seen by the calibration end
  double tracking_calibration_end = 0;  ///< the calibration end on the tracking's clock (weeks)
};

struct headline {
  std::int64_t customers = 0, orders = 0, repeat_customers = 0, returns = 0;
  double revenue = 0;
  double average_check = 0;                     ///< money
  std::optional<interval> average_check_ci;     ///< none when it cannot be computed (fewer than 2 orders)
  double purchase_frequency = 0;                ///< orders per customer over the data
  std::optional<interval> purchase_frequency_ci;  ///< none when it cannot be computed (one customer)
  interval repeat_share;        ///< rate
  std::optional<double> mean_days_between_purchases;
};

struct report {
  std::string version;
  std::string currency;
  std::string period;  ///< "week", "month", "quarter"
  int inactive_periods = 3;  ///< periods without a purchase after which a customer counts as lost
  double level = 0.95;
  std::string first_date, last_date;
  bool sample = false;
  bool partial = false;  ///< rows were skipped (--skip-bad-rows): the figures cover only the rows used
  std::vector<input_file> inputs;
  std::vector<std::string> notes;
  headline head;
  std::vector<period_row> periods;
  std::vector<cohort_row> cohorts;
  std::optional<funnel_figures> email;
  std::optional<nps_figures> nps;
  std::optional<cost_figures> costs;
  std::optional<forecast_figures> forecast;
  std::optional<std::string> forecast_error;
};

// input.cpp
[[nodiscard]] report_input read_inputs(const report_options& o);
[[nodiscard]] std::chrono::sys_days parse_date_option(const std::string& s, const char* option);
/// "file:line: column c 'name' <reason>: 'value'" for data row `row` (0-based) and record field
/// `field` of a file read by read_inputs ("file: data row n: ..." when it cannot be read again).
[[nodiscard]] std::string locate(const input_file& f, std::size_t row, const std::string& field, const std::string& reason);
// sample.cpp
[[nodiscard]] report_input builtin_sample();
// figures.cpp
[[nodiscard]] report compute_report(const report_input& in, const report_options& o);
// forecast.cpp: the forecast section (rep.forecast), fitted on the orders to cal_end; the models'
// time unit is the week, `horizon` the next period in weeks. Throws std::runtime_error when the
// model cannot be fitted (input_error for a record the accumulators refuse).
void forecast_figures_of(report& rep, const report_input& in, const report_options& o, std::chrono::sys_days first,
                         std::chrono::sys_days cal_end, std::chrono::sys_days last, double horizon);
// output_*.cpp
void print_terminal(const report& r, bool color);
[[nodiscard]] std::string to_json_text(const report& r);
[[nodiscard]] std::string to_html(const report& r);

}  // namespace crm_report
