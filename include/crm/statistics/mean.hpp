// crm-metrics: streaming mean and variance (Welford, mergeable by Chan et al.) and the t interval of a mean.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// For means such as the average check (001_15fb4e46a87cf176.txt line 30: revenue / orders): feed
// every order value to a running_stats, or build one per shard, thread or day and merge them.
// Customization points: none.
#pragma once

#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/statistics/detail/math.hpp>
#include <crm/statistics/estimate.hpp>

#include <cmath>
#include <limits>
#include <ranges>
#include <type_traits>
#include <utility>

CRM_METRICS_BEGIN_NAMESPACE

/**
 * @brief Count, mean and sum of squared deviations of a stream of values, in one pass.
 *
 * add() is Welford's update (Welford 1962, Technometrics 4(3)): delta = x - mean,
 * mean += delta / n, M2 += delta (x - mean). merge() is the pairwise formula of Chan, Golub &
 * LeVeque (1979): n = n_a + n_b, delta = mean_b - mean_a, mean = mean_a + delta n_b / n,
 * M2 = M2_a + M2_b + delta^2 n_a n_b / n; so parts computed apart combine into the statistics of the
 * whole (equal up to rounding, without a second pass). constexpr, no allocation.
 *
 * Scaled for the limits of the type: for built-in floating point the mean and M2 are kept divided
 * by s and s^2, s the power of two at or below the largest |value| seen, so no intermediate
 * overflows or underflows ({1e308, -1e308} has mean 0 and standard deviation 1.41e308). Scaling by
 * powers of two is exact, so the results are bit for bit those of the unscaled update wherever that
 * one does not overflow. A result that does not fit T (the variance 2e616 of that example) is
 * errc::overflow, never inf.
 *
 * **Example**
 *     crm::running_stats<double> checks;
 *     for (double v : order_values) checks.add(v);
 *     crm::mean_interval(checks)  // the average check with its 95 % t interval
 */
template <number T = double>
class running_stats {
 public:
  /// Adds one value; errc::not_finite (nothing is added) for NaN or infinity; errc::overflow on
  /// "count" after 2^63 - 1 values.
  [[nodiscard]] constexpr error_info try_add(const T& x) {
    if (auto e = detail::check_finite("running_stats::add", "value", x)) return e;
    if (n_ == std::numeric_limits<count_t>::max())
      return {errc::overflow, "running_stats::add", "count", "more than 2^63 - 1 values"};
    rescale_for(x);
    ++n_;
    const T xs = x / scale_;
    const T delta = xs - mean_;
    mean_ += delta / to_number<T>(n_);
    m2_ += delta * (xs - mean_);
    return {};
  }
  /// Throwing form of try_add.
  constexpr void add(const T& x) {
    if (auto e = try_add(x)) detail::throw_metric_error(e);
  }
  /// Adds all values of another accumulator (Chan et al.); errc::overflow on "count" (nothing is
  /// merged) if the two counts together exceed count_t.
  [[nodiscard]] constexpr error_info try_merge(const running_stats& other) {
    if (other.n_ == 0) return {};
    if (n_ == 0) {
      *this = other;
      return {};
    }
    if (n_ > std::numeric_limits<count_t>::max() - other.n_)
      return {errc::overflow, "running_stats::merge", "count", "more than 2^63 - 1 values"};
    running_stats b = other;
    if (scale_ < b.scale_) rescale_to(b.scale_);
    if (b.scale_ < scale_) b.rescale_to(scale_);
    const T na = to_number<T>(n_);
    const T nb = to_number<T>(b.n_);
    const T n = na + nb;
    const T delta = b.mean_ - mean_;
    mean_ += delta * nb / n;
    m2_ += b.m2_ + delta * delta * na * nb / n;
    n_ += b.n_;
    return {};
  }
  /// Throwing form of try_merge.
  constexpr void merge(const running_stats& other) {
    if (auto e = try_merge(other)) detail::throw_metric_error(e);
  }

  /// Number of values added.
  [[nodiscard]] constexpr count_t count() const noexcept { return n_; }
  /// Arithmetic mean; errc::empty_input when nothing was added.
  [[nodiscard]] constexpr result<T> try_mean() const {
    if (n_ == 0) return error_info{errc::empty_input, "running_stats::mean", "count", "no values added"};
    return T(mean_ * scale_);
  }
  /// Throwing form of try_mean.
  [[nodiscard]] constexpr T mean() const { return try_mean().value(); }
  /// Sample variance M2 / (n - 1) (unit of the data, squared); needs at least 2 values;
  /// errc::overflow if it exceeds T (values near the largest T: use standard_deviation()).
  [[nodiscard]] constexpr result<T> try_variance() const {
    constexpr const char* metric = "running_stats::variance";
    if (n_ < 2) return error_info{errc::empty_input, metric, "count", "needs at least 2 values"};
    return scaled_square(T(m2_ / to_number<T>(n_ - 1)), metric, "variance");
  }
  /// Throwing form of try_variance.
  [[nodiscard]] constexpr T variance() const { return try_variance().value(); }
  /// Sample standard deviation sqrt(M2 / (n - 1)); needs at least 2 values; errc::overflow if it
  /// exceeds T (only possible for values within a factor 2^(1/2) of the largest T).
  [[nodiscard]] result<T> try_standard_deviation() const {
    using std::sqrt;
    constexpr const char* metric = "running_stats::standard_deviation";
    if (n_ < 2) return error_info{errc::empty_input, metric, "count", "needs at least 2 values"};
    const T sd = T(sqrt(T(m2_ / to_number<T>(n_ - 1)))) * scale_;
    if (!number_traits<T>::is_finite(sd))
      return error_info{errc::overflow, metric, "standard_deviation"};
    return sd;
  }
  /// Throwing form of try_standard_deviation.
  [[nodiscard]] T standard_deviation() const { return try_standard_deviation().value(); }
  /// Sum of squared deviations from the mean (Welford's M2); errc::overflow if it exceeds T.
  [[nodiscard]] constexpr result<T> try_sum_of_squares() const {
    return scaled_square(m2_, "running_stats::sum_of_squares", "sum_of_squares");
  }
  /// Throwing form of try_sum_of_squares.
  [[nodiscard]] constexpr T sum_of_squares() const { return try_sum_of_squares().value(); }

 private:
  /// v s^2, or errc::overflow.
  [[nodiscard]] constexpr result<T> scaled_square(const T& v, const char* metric, const char* field) const {
    if constexpr (std::is_floating_point_v<T>) {
      // v s^2 <= max, tested without forming s^2 (which may overflow).
      if (v * scale_ > std::numeric_limits<T>::max() / scale_) return error_info{errc::overflow, metric, field};
    }
    return T(v * scale_ * scale_);
  }
  /// Makes the scale the power of two at or below |x| when |x| is at least twice the scale (or is
  /// the first value that is not 0). Built-in floating point only: Boost.Multiprecision types have
  /// exponent ranges where this never matters, and decimal ones would round powers of two.
  constexpr void rescale_for(const T& x) {
    if constexpr (std::is_floating_point_v<T>) {
      const T ax = x < T(0) ? T(-x) : x;
      if (ax == T(0) || (nonzero_ && ax < T(2) * scale_)) return;
      T s = nonzero_ ? scale_ : T(1);
      while (ax < s) s /= T(2);
      while (!(ax < T(2) * s)) s *= T(2);
      if (nonzero_) {
        rescale_to(s);
      } else {
        scale_ = s;  // every value so far was 0: mean and M2 are 0 at any scale
        nonzero_ = true;
      }
    } else {
      (void)x;
    }
  }
  constexpr void rescale_to(const T& s) {
    const T factor = scale_ / s;
    mean_ *= factor;
    m2_ *= factor * factor;
    scale_ = s;
    nonzero_ = true;
  }

  count_t n_ = 0;
  T mean_{};          ///< mean / scale_
  T m2_{};            ///< M2 / scale_^2
  T scale_ = T(1);    ///< a power of two (1 for non-built-in T)
  bool nonzero_ = false;
};

/// A summary of values as reported elsewhere: count, mean and sample standard deviation.
template <number T = double>
struct mean_summary {
  count_t count = 0;        ///< number of values (>= 2)
  T mean{};                 ///< arithmetic mean, in the unit of the data (finite)
  T standard_deviation{};   ///< sample standard deviation, n - 1 in the denominator (finite, >= 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return count >= 2 && detail::fast_finite(mean) && detail::fast_non_negative(standard_deviation);
  }
};

/**
 * @brief Student's t confidence interval of a mean, from a summary (count, mean, standard deviation).
 *
 * mean -/+ t_{n-1, 1-(1-level)/2} s / sqrt(n), s the sample standard deviation, t the quantile of
 * Student's t with n - 1 degrees of freedom (Boost.Math); R's t.test(x)$conf.int, SciPy's
 * stats.t.interval(level, n - 1, loc = mean, scale = s / sqrt(n)). Assumes independent values; for
 * skewed data such as order values it relies on the central limit theorem (fine for hundreds of
 * orders).
 * @returns the mean, in the unit of the data (money for an average check), with [lower, upper].
 * Errors: count below 2 (errc::empty_input on "count"); mean not finite; standard_deviation negative
 * or not finite; level not in (0, 1) or not finite; limits beyond the number type (errc::overflow
 * on "interval").
 *
 * **Example**
 *     fmt::format("{}", crm::mean_interval({.count = 30, .mean = 1094.0, .standard_deviation = 250.0}))
 *         // "1094 [1000.65, 1187.35] 95% CI"
 */
template <number T = double>
[[nodiscard]] result<value_estimate<T>> try_mean_interval(const mean_summary<T>& summary,
                                                          const std::type_identity_t<T>& level = T(0.95)) {
  using std::sqrt;
  constexpr const char* metric = "mean_interval";
  if (summary.count < 2) return error_info{errc::empty_input, metric, "count", "needs at least 2 values"};
  if (auto e = detail::first_error({detail::check_finite(metric, "mean", summary.mean),
                                    detail::check_non_negative(metric, "standard_deviation", summary.standard_deviation),
                                    detail::check_level(metric, "level", level)}))
    return e;
  const T n = to_number<T>(summary.count);
  const T t = detail::student_t_critical(T(n - T(1)), level);
  if (!number_traits<T>::is_finite(t))
    return error_info{errc::not_converged, metric, "interval", "the Boost.Math t quantile failed"};
  const T half = t * T(summary.standard_deviation / T(sqrt(n)));
  const T lower = summary.mean - half;
  const T upper = summary.mean + half;
  if (!number_traits<T>::is_finite(half) || !number_traits<T>::is_finite(lower) || !number_traits<T>::is_finite(upper))
    return error_info{errc::overflow, metric, "interval", "a limit is beyond the largest value"};
  return value_estimate<T>{summary.mean, lower, upper, level};
}
/// Throwing form of try_mean_interval(mean_summary).
template <number T = double>
[[nodiscard]] value_estimate<T> mean_interval(const mean_summary<T>& summary,
                                              const std::type_identity_t<T>& level = T(0.95)) {
  return try_mean_interval(summary, level).value();
}

/**
 * @brief Student's t confidence interval of the mean of the values in `stats` (see the summary
 * form for the formula).
 * Errors: fewer than 2 values (errc::empty_input on "count"); a standard deviation beyond the number
 * type (errc::overflow); as the summary form.
 */
template <number T = double>
[[nodiscard]] result<value_estimate<T>> try_mean_interval(const running_stats<T>& stats,
                                                          const std::type_identity_t<T>& level = T(0.95)) {
  if (stats.count() < 2) return error_info{errc::empty_input, "mean_interval", "count", "needs at least 2 values"};
  const result<T> sd = stats.try_standard_deviation();
  if (!sd) return error_info{sd.error().code, "mean_interval", "standard_deviation", sd.error().detail};
  return try_mean_interval(mean_summary<T>{stats.count(), *stats.try_mean(), *sd}, level);
}
/// Throwing form of try_mean_interval(running_stats).
template <number T = double>
[[nodiscard]] value_estimate<T> mean_interval(const running_stats<T>& stats, const std::type_identity_t<T>& level = T(0.95)) {
  return try_mean_interval(stats, level).value();
}

/**
 * @brief Student's t confidence interval of the mean of a range of values (one pass through
 * running_stats; see the summary form for the formula).
 * Errors: a value NaN or infinite (errc::not_finite on "values"); fewer than 2 values; as the
 * summary form.
 *
 * **Example**
 *     const std::vector<double> checks{1200, 850, 990, 1430, 760, 1105, 1320};
 *     fmt::format("{}", crm::mean_interval(checks))  // "1093.57 [867.9, 1319.24] 95% CI"
 */
template <std::ranges::input_range R>
  requires number<std::ranges::range_value_t<R>>
[[nodiscard]] result<value_estimate<std::ranges::range_value_t<R>>> try_mean_interval(
    R&& values, const std::type_identity_t<std::ranges::range_value_t<R>>& level = std::ranges::range_value_t<R>(0.95)) {
  using T = std::ranges::range_value_t<R>;
  running_stats<T> stats;
  for (const auto& v : values)
    if (auto e = stats.try_add(T(v))) return error_info{e.code, "mean_interval", "values", e.detail};
  return try_mean_interval(stats, level);
}
/// Throwing form of try_mean_interval(range).
template <std::ranges::input_range R>
  requires number<std::ranges::range_value_t<R>>
[[nodiscard]] value_estimate<std::ranges::range_value_t<R>> mean_interval(
    R&& values, const std::type_identity_t<std::ranges::range_value_t<R>>& level = std::ranges::range_value_t<R>(0.95)) {
  return try_mean_interval(std::forward<R>(values), level).value();
}

CRM_METRICS_END_NAMESPACE
