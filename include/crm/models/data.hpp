// crm-metrics: per-customer (frequency, recency, age, weight) summaries that the transaction models fit.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// The "RFM summary" of a customer in the buy-till-you-die literature (Fader, Hardie & Lee 2005):
// x = number of REPEAT purchases in the observation window, t_x = time of the last purchase
// measured from the first one, T = time from the first purchase to the end of the window. The
// weight counts identical customers, so that a compressed summary fits exactly like the full one.
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/result.hpp>
#include <crm/models/detail/csv.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// One customer (or `weight` identical customers) of a transaction model.
template <std::floating_point T = double>
struct rfm_row {
  T frequency{};  ///< x: number of repeat purchases in (0, age] (integer-valued, >= 0)
  T recency{};    ///< t_x: time of the last purchase since the first (0 when frequency == 0)
  T age{};        ///< T: time from the first purchase to the end of observation (>= recency)
  T weight{1};    ///< number of identical customers this row stands for (> 0)
  friend constexpr bool operator==(const rfm_row&, const rfm_row&) = default;
};

/**
 * @brief The first invalid row of a summary, as an error naming `model` and the field.
 * Rules: all fields finite; frequency >= 0 and integer-valued; 0 <= recency <= age; recency == 0
 * when frequency == 0 (t_x is defined as 0 for a customer without repeat purchases); weight > 0.
 * An empty span is `errc::empty_input`. `row` (optional) receives the 0-based index of the row.
 */
template <std::floating_point T>
[[nodiscard]] error_info validate(std::span<const rfm_row<T>> rows, const char* model,
                                            std::size_t* row = nullptr) noexcept {
  if (rows.empty()) return {errc::empty_input, model, "customers"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const rfm_row<T>& c = rows[i];
    error_info e{};
    if (!std::isfinite(c.frequency)) e = {errc::not_finite, model, "frequency"};
    else if (!std::isfinite(c.recency)) e = {errc::not_finite, model, "recency"};
    else if (!std::isfinite(c.age)) e = {errc::not_finite, model, "age"};
    else if (!std::isfinite(c.weight)) e = {errc::not_finite, model, "weight"};
    else if (c.frequency < T(0)) e = {errc::negative, model, "frequency"};
    else if (c.frequency != std::floor(c.frequency)) e = {errc::malformed, model, "frequency", "must be a whole number of repeat purchases"};
    else if (c.recency < T(0)) e = {errc::negative, model, "recency"};
    else if (c.age < T(0)) e = {errc::negative, model, "age"};
    else if (c.age < c.recency) e = {errc::part_exceeds_whole, model, "recency", "must not exceed age"};
    else if (c.frequency == T(0) && c.recency != T(0)) e = {errc::malformed, model, "recency", "must be 0 when frequency is 0"};
    else if (c.weight < T(0)) e = {errc::negative, model, "weight"};
    else if (c.weight == T(0)) e = {errc::zero_denominator, model, "weight", "a row must stand for at least part of a customer"};
    if (e) {
      if (row != nullptr) *row = i;
      return e;
    }
  }
  return {};
}

namespace detail {
/// The check the fits of models whose likelihood has a density in t_x add to crm::validate (BG/NBD, the
/// modified BG/NBD, Pareto/NBD, the first-repeat drop-out NBD, the homogeneous BG/NBD family): a row with
/// repeat purchases at recency 0 (x > 0, t_x = 0, a repeat purchase at the first one's time, which continuous
/// time gives probability 0) makes the likelihood unbounded: its term grows like r alpha^-x as r, alpha -> 0
/// (with r ln(1/alpha) -> 0 the other rows' terms fall no faster than powers of r), so the fit has no maximum
/// and used to end on a misleading limit or a failed line search. Error: errc::malformed, field "recency".
/// `every_repeater` (the homogeneous Pareto/NBD, one death rate mu for all): only when every customer with repeat
/// purchases has recency 0; such a term grows like min(r/alpha, mu), and a repeater with t_x > 0 bounds mu by
/// e^(-mu t_x).
template <std::floating_point T>
[[nodiscard]] error_info check_no_repeat_at_zero(std::span<const rfm_row<T>> rows, const char* model, bool every_repeater = false) noexcept {
  bool at_zero = false, after_zero = false;
  for (const rfm_row<T>& c : rows)
    if (c.frequency > T(0)) (c.recency == T(0) ? at_zero : after_zero) = true;
  if (at_zero && !(every_repeater && after_zero))
    return {errc::malformed, model, "recency",
            "a repeat purchase at recency 0 (frequency > 0 with recency 0): the likelihood has no maximum with such a row (it grows "
            "without bound as alpha -> 0, the purchase rates spreading without limit); measure recency in a finer unit than the "
            "periods that count repeat purchases (crm::rfm_accumulator counts them in distinct periods after the first)"};
  return {};
}

/// The checks every prediction of a customer-base model starts with: the model's parameters
/// (model.check(name)), then the customer's row (crm::validate).
template <class Model, std::floating_point T>
[[nodiscard]] error_info check_model_row(const Model& model, const rfm_row<T>& c, const char* name) noexcept {
  if (auto e = model.check(name)) return e;
  return validate(std::span<const rfm_row<T>>(&c, 1), name);
}
/// A prediction horizon t: finite (errc::not_finite) and >= 0 (errc::negative), field "t".
template <std::floating_point T>
[[nodiscard]] constexpr error_info check_horizon(T t, const char* name) noexcept {
  if (!std::isfinite(t)) return {errc::not_finite, name, "t"};
  if (t < T(0)) return {errc::negative, name, "t"};
  return {};
}
}  // namespace detail

/**
 * @brief Reads per-customer summaries from a CSV file with a header line.
 * Columns are found by name; other columns are ignored. `weight_col` empty means every row has
 * weight 1. Every row is validated (see crm::validate); any malformed or invalid row raises
 * crm::data_error(file, line, column, field, reason). Blank lines are skipped; no row is dropped silently.
 * `format`: the delimiter and decimal separator (crm::model_csv_format), e.g. `{.delimiter = ';',
 * .decimal_comma = true}` for a European export with 30,43.
 * Example: `crm::read_rfm_csv("cdnow_customers_summary.csv")` (columns frequency, recency, T).
 */
template <std::floating_point T = double>
[[nodiscard]] std::vector<rfm_row<T>> read_rfm_csv(const std::filesystem::path& file,
                                                   std::string_view frequency_col = "frequency",
                                                   std::string_view recency_col = "recency",
                                                   std::string_view age_col = "T",
                                                   std::string_view weight_col = "",
                                                   const model_csv_format& format = {}) {
  detail::csv_reader in(file, format);
  const std::size_t fx = in.column(frequency_col);
  const std::size_t fr = in.column(recency_col);
  const std::size_t fa = in.column(age_col);
  const bool weighted = !weight_col.empty();
  const std::size_t fw = weighted ? in.column(weight_col) : 0;
  std::vector<rfm_row<T>> rows;
  while (in.next()) {
    rfm_row<T> c;
    c.frequency = in.number<T>(fx, frequency_col);
    c.recency = in.number<T>(fr, recency_col);
    c.age = in.number<T>(fa, age_col);
    if (weighted) c.weight = in.number<T>(fw, weight_col);
    const rfm_row<T> one[1] = {c};
    if (const error_info e = validate(std::span<const rfm_row<T>>(one), "read_rfm_csv")) {
      const std::string_view f = e.field;
      const std::string_view col = f == "frequency" ? frequency_col
                                   : f == "recency" ? recency_col
                                   : f == "age" ? age_col
                                   : f == "weight" ? weight_col
                                                   : f;
      std::string what = describe(e.code);
      if (e.detail != nullptr && *e.detail != '\0') what = what + " (" + e.detail + ")";
      if (e.code == errc::part_exceeds_whole) what = "is larger than " + std::string(age_col);
      in.fail(in.line(), std::string(col), what);
    }
    rows.push_back(c);
  }
  return rows;
}

/**
 * @brief Merges identical (frequency, recency, age) rows, summing their weights.
 * The likelihood of a model is a weighted sum over rows, so a fit on the result equals a fit on the
 * input. Output order: sorted by (frequency, recency, age). Allocates the result.
 */
template <std::floating_point T>
[[nodiscard]] std::vector<rfm_row<T>> compress(std::span<const rfm_row<T>> rows) {
  std::vector<rfm_row<T>> v(rows.begin(), rows.end());
  const auto key_less = [](const rfm_row<T>& l, const rfm_row<T>& r) {
    if (l.frequency != r.frequency) return l.frequency < r.frequency;
    if (l.recency != r.recency) return l.recency < r.recency;
    return l.age < r.age;
  };
  std::sort(v.begin(), v.end(), key_less);
  std::vector<rfm_row<T>> out;
  for (const rfm_row<T>& c : v) {
    if (!out.empty() && out.back().frequency == c.frequency && out.back().recency == c.recency &&
        out.back().age == c.age)
      out.back().weight += c.weight;
    else
      out.push_back(c);
  }
  return out;
}
template <std::floating_point T>
[[nodiscard]] std::vector<rfm_row<T>> compress(const std::vector<rfm_row<T>>& rows) {
  return compress(std::span<const rfm_row<T>>(rows));
}

/// Rows with the average spend of each (the input of crm::try_customer_lifetime_value_intervals over a
/// whole base), identical (frequency, recency, age, average spend) merged: try_compress's result.
template <std::floating_point T>
struct rows_with_spend {
  std::vector<rfm_row<T>> rows;
  std::vector<T> average_spends;  ///< average_spends[i] belongs to rows[i]
};
/**
 * @brief Merges the rows whose (frequency, recency, age) and average spend are all identical, summing
 * their weights: a whole-base CLV over the result equals the one over the input, with fewer rows.
 * Output order: sorted by (frequency, recency, age, average spend). Allocates the result.
 * Errors: average_spends of another length than rows (`errc::out_of_range`, field "average_spends").
 */
template <std::floating_point T>
[[nodiscard]] result<rows_with_spend<T>> try_compress(std::span<const rfm_row<T>> rows, std::span<const T> average_spends) {
  if (average_spends.size() != rows.size())
    return error_info{errc::out_of_range, "compress", "average_spends", "must have one entry per row"};
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto key = [&](std::size_t i) { return std::tie(rows[i].frequency, rows[i].recency, rows[i].age, average_spends[i]); };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  rows_with_spend<T> out;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    if (k > 0 && key(i) == key(order[k - 1])) {
      out.rows.back().weight += rows[i].weight;
      continue;
    }
    out.rows.push_back(rows[i]);
    out.average_spends.push_back(average_spends[i]);
  }
  return out;
}

CRM_METRICS_END_NAMESPACE
