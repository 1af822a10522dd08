// crm-metrics: calibration vs holdout diagnostics of the transaction models, as plain data.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// The standard checks of a fitted "buy till you die" model (Fader, Hardie & Lee 2005, "Counting
// your customers the easy way", Marketing Science 24(2): the CDNOW figures of weekly and cumulative
// repeat transactions and of conditional expectations by calibration frequency; the Python package
// lifetimes' plot_calibration_purchases_vs_holdout_purchases and plot_cumulative_transactions): fit
// on a calibration period, then compare with what the same customers did in the holdout period
// that follows it
//   - by calibration frequency: customers, mean actual and mean predicted holdout purchases;
//   - over time: cumulative and incremental repeat purchases of the whole cohort, actual and predicted.
// Results are vectors of structs a report prints or plots; nothing here draws.
//
// Customization points: none (any model with the predictions named below works).
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/data.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// One frequency group of the calibration-vs-holdout table.
template <class T>
struct holdout_group {
  count_t frequency = 0;  ///< calibration repeat purchases x (the last group: x >= frequency)
  bool and_more = false;  ///< true for the last group, "frequency+"
  T customers{};          ///< customers in the group (sum of row weights)
  T mean_actual{};        ///< mean holdout purchases of the group (purchases per customer)
  T mean_predicted{};     ///< mean of the model's conditional expectation over the holdout period
};

/// The calibration-vs-holdout table: the groups with at least one customer, in order of frequency,
/// and the totals over all customers (purchases, not means).
template <class T>
struct holdout_table {
  std::vector<holdout_group<T>> groups;
  T customers{};
  T total_actual{};
  T total_predicted{};
};

/// A transaction model that predicts E[purchases in the next t | history] for a row.
template <class Model, class Row, class T>
concept holdout_model = std::floating_point<T> && requires(const Model& m, const Row& r, T t) {
  { m.try_conditional_expected_purchases(r, t) } -> std::same_as<result<T>>;
};

namespace detail {
template <class T>
[[nodiscard]] constexpr bool finite_value(T v) noexcept {
  return v == v && v <= std::numeric_limits<T>::max() && v >= std::numeric_limits<T>::lowest();
}
}  // namespace detail

/**
 * @brief Calibration vs holdout by calibration frequency: for x = 0, 1, ..., max_frequency - 1
 * and "max_frequency+", the customers (weights), the mean actual holdout purchases
 * sum w_i h_i / sum w_i and the mean predicted sum w_i E_i / sum w_i with E_i = the model's
 * conditional expected purchases of row i over the holdout length t (FHL 2005's "conditional
 * expectations"; lifetimes' plot_calibration_purchases_vs_holdout_purchases). Units:
 * purchases per customer; totals in purchases. `holdout_purchases[i]` is the holdout purchases of
 * the customer of row i (for a row of weight w > 1: their mean). Groups without customers are left
 * out. Errors: no rows (`errc::empty_input`, field "rows"); holdout_purchases of another length
 * (`errc::out_of_range`, field "holdout_purchases"); a holdout count negative or not finite; t not
 * finite or <= 0 (field "holdout_length"); max_frequency < 1; invalid rows and every error of the
 * model's prediction (passed on unchanged).
 *
 * **Example**
 *     auto table = crm::calibration_vs_holdout(fit.params, calibration_rows, holdout, 39.0);
 *     for (auto& g : table.groups) fmt::print("{}{} {} {:.3f} {:.3f}\n", g.frequency, g.and_more ? "+" : "",
 *                                             g.customers, g.mean_actual, g.mean_predicted);
 */
template <class Model, class Row, std::floating_point T>
  requires holdout_model<Model, Row, T>
[[nodiscard]] result<holdout_table<T>> try_calibration_vs_holdout(const Model& model, std::span<const Row> rows,
                                                                  std::span<const T> holdout_purchases, T holdout_length,
                                                                  count_t max_frequency = 7) {
  constexpr const char* name = "calibration_vs_holdout";
  if (rows.empty()) return error_info{errc::empty_input, name, "rows"};
  if (holdout_purchases.size() != rows.size())
    return error_info{errc::out_of_range, name, "holdout_purchases", "must have one entry per calibration row"};
  if (!detail::finite_value(holdout_length)) return error_info{errc::not_finite, name, "holdout_length"};
  if (!(holdout_length > T(0))) return error_info{errc::out_of_range, name, "holdout_length", "must be > 0"};
  if (max_frequency < 1) return error_info{errc::out_of_range, name, "max_frequency", "must be >= 1"};
  for (const T h : holdout_purchases) {
    if (!detail::finite_value(h)) return error_info{errc::not_finite, name, "holdout_purchases"};
    if (h < T(0)) return error_info{errc::negative, name, "holdout_purchases"};
  }
  const std::size_t groups = static_cast<std::size_t>(max_frequency) + 1;
  std::vector<T> w(groups, T(0)), act(groups, T(0)), pred(groups, T(0));
  holdout_table<T> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const result<T> e = model.try_conditional_expected_purchases(rows[i], holdout_length);
    if (!e) return e.error();
    const T x = static_cast<T>(rows[i].frequency);
    const T wi = static_cast<T>(rows[i].weight);
    const std::size_t g = x >= static_cast<T>(max_frequency) ? groups - 1 : static_cast<std::size_t>(x);
    w[g] += wi, act[g] += wi * holdout_purchases[i], pred[g] += wi * *e;
  }
  for (std::size_t g = 0; g < groups; ++g) {
    out.customers += w[g], out.total_actual += act[g], out.total_predicted += pred[g];
    if (w[g] > T(0)) out.groups.push_back({static_cast<count_t>(g), g + 1 == groups, w[g], act[g] / w[g], pred[g] / w[g]});
  }
  if (!detail::finite_value(out.total_actual) || !detail::finite_value(out.total_predicted))
    return error_info{errc::overflow, name, "result"};
  return out;
}
/// Throwing form of try_calibration_vs_holdout (crm::metric_error).
template <class Model, class Row, std::floating_point T>
  requires holdout_model<Model, Row, T>
[[nodiscard]] holdout_table<T> calibration_vs_holdout(const Model& model, std::span<const Row> rows, std::span<const T> holdout_purchases,
                                                      T holdout_length, count_t max_frequency = 7) {
  return try_calibration_vs_holdout(model, rows, holdout_purchases, holdout_length, max_frequency).value();
}
template <class Model, class Row, std::floating_point T>
  requires holdout_model<Model, Row, T>
[[nodiscard]] result<holdout_table<T>> try_calibration_vs_holdout(const Model& model, const std::vector<Row>& rows,
                                                                  const std::vector<T>& holdout_purchases, T holdout_length,
                                                                  count_t max_frequency = 7) {
  return try_calibration_vs_holdout(model, std::span<const Row>(rows), std::span<const T>(holdout_purchases), holdout_length, max_frequency);
}
template <class Model, class Row, std::floating_point T>
  requires holdout_model<Model, Row, T>
[[nodiscard]] holdout_table<T> calibration_vs_holdout(const Model& model, const std::vector<Row>& rows, const std::vector<T>& holdout_purchases,
                                                      T holdout_length, count_t max_frequency = 7) {
  return try_calibration_vs_holdout(model, rows, holdout_purchases, holdout_length, max_frequency).value();
}

/// One point of the purchase tracking: at `time`, actual and predicted repeat purchases of the whole
/// cohort, cumulative since the start and in the interval since the previous point.
template <class T>
struct tracking_point {
  T time{};
  T actual_cumulative{};
  T predicted_cumulative{};
  T actual_incremental{};
  T predicted_incremental{};
};

/**
 * @brief Cumulative and incremental repeat purchases of a cohort over time, actual vs predicted
 * (FHL 2005's weekly and cumulative tracking of CDNOW; lifetimes' expected_cumulative_transactions). All times on one clock
 * (e.g. weeks since the cohort's first day): customer i made its first purchase at
 * first_purchases[i] and is then a new customer of the model, so the predicted cumulative count at
 * time tau is sum_i E[X(tau - s_i)] over customers with s_i < tau (E[X(t)]: the model's
 * expected_purchases, repeat purchases of a new customer in (0, t]); the actual count is the number
 * of repeat_purchases (times of every repeat purchase of every customer) <= tau. Incremental: the
 * difference from the previous time (the first: from 0). The prediction is computed once per
 * distinct first-purchase time (cohorts acquired on calendar days have few). Units: purchases.
 * Errors: no customers or no times (`errc::empty_input`); a time, first purchase or repeat purchase
 * not finite; times not strictly increasing (`errc::out_of_range`, field "times"); a repeat purchase
 * before the first customer's first purchase (`errc::out_of_range`, field "repeat_purchases");
 * every error of the model's expected_purchases (passed on unchanged).
 */
template <class Model, std::floating_point T>
  requires requires(const Model& m, T t) {
    { m.try_expected_purchases(t) } -> std::same_as<result<T>>;
  }
[[nodiscard]] result<std::vector<tracking_point<T>>> try_purchase_tracking(const Model& model, std::span<const T> first_purchases,
                                                                           std::span<const T> repeat_purchases, std::span<const T> times) {
  constexpr const char* name = "purchase_tracking";
  if (first_purchases.empty()) return error_info{errc::empty_input, name, "first_purchases"};
  if (times.empty()) return error_info{errc::empty_input, name, "times"};
  for (const T s : first_purchases)
    if (!detail::finite_value(s)) return error_info{errc::not_finite, name, "first_purchases"};
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (!detail::finite_value(times[k])) return error_info{errc::not_finite, name, "times"};
    if (k > 0 && !(times[k] > times[k - 1])) return error_info{errc::out_of_range, name, "times", "must be strictly increasing"};
  }
  std::vector<T> starts(first_purchases.begin(), first_purchases.end());
  std::sort(starts.begin(), starts.end());
  std::vector<T> repeats(repeat_purchases.begin(), repeat_purchases.end());
  for (const T r : repeats)
    if (!detail::finite_value(r)) return error_info{errc::not_finite, name, "repeat_purchases"};
  std::sort(repeats.begin(), repeats.end());
  if (!repeats.empty() && repeats.front() < starts.front())
    return error_info{errc::out_of_range, name, "repeat_purchases", "must not precede the first customer's first purchase"};
  // distinct start times with their customer counts
  std::vector<T> start_time;
  std::vector<T> start_count;
  for (const T s : starts) {
    if (start_time.empty() || start_time.back() != s) start_time.push_back(s), start_count.push_back(T(0));
    start_count.back() += T(1);
  }
  std::vector<tracking_point<T>> out(times.size());
  T previous_actual = 0, previous_predicted = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const T tau = times[k];
    T predicted = 0;
    for (std::size_t j = 0; j < start_time.size() && start_time[j] < tau; ++j) {
      const result<T> e = model.try_expected_purchases(tau - start_time[j]);
      if (!e) return e.error();
      predicted += start_count[j] * *e;
    }
    const T actual = static_cast<T>(std::upper_bound(repeats.begin(), repeats.end(), tau) - repeats.begin());
    if (!detail::finite_value(predicted)) return error_info{errc::overflow, name, "result"};
    out[k] = {tau, actual, predicted, actual - previous_actual, predicted - previous_predicted};
    previous_actual = actual, previous_predicted = predicted;
  }
  return out;
}
/// Throwing form of try_purchase_tracking (crm::metric_error).
template <class Model, std::floating_point T>
  requires requires(const Model& m, T t) {
    { m.try_expected_purchases(t) } -> std::same_as<result<T>>;
  }
[[nodiscard]] std::vector<tracking_point<T>> purchase_tracking(const Model& model, std::span<const T> first_purchases,
                                                               std::span<const T> repeat_purchases, std::span<const T> times) {
  return try_purchase_tracking(model, first_purchases, repeat_purchases, times).value();
}
template <class Model, std::floating_point T>
  requires requires(const Model& m, T t) {
    { m.try_expected_purchases(t) } -> std::same_as<result<T>>;
  }
[[nodiscard]] result<std::vector<tracking_point<T>>> try_purchase_tracking(const Model& model, const std::vector<T>& first_purchases,
                                                                           const std::vector<T>& repeat_purchases, const std::vector<T>& times) {
  return try_purchase_tracking(model, std::span<const T>(first_purchases), std::span<const T>(repeat_purchases), std::span<const T>(times));
}
template <class Model, std::floating_point T>
  requires requires(const Model& m, T t) {
    { m.try_expected_purchases(t) } -> std::same_as<result<T>>;
  }
[[nodiscard]] std::vector<tracking_point<T>> purchase_tracking(const Model& model, const std::vector<T>& first_purchases,
                                                               const std::vector<T>& repeat_purchases, const std::vector<T>& times) {
  return try_purchase_tracking(model, first_purchases, repeat_purchases, times).value();
}

CRM_METRICS_END_NAMESPACE
