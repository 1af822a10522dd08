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

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <type_traits>

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
 * **Example**
 *     crm::running_stats<double> checks;
 *     for (double v : order_values) checks.add(v);
 *     crm::mean_interval(checks)  // the average check with its 95 % t interval
 */
template <number T = double>
class running_stats {
 public:
  /// Adds one value; errc::not_finite (nothing is added) for NaN or infinity.
  [[nodiscard]] constexpr error_info try_add(const T& x) {
    if (auto e = detail::check_finite("running_stats::add", "value", x)) return e;
    ++n_;
    const T delta = x - mean_;
    mean_ += delta / to_number<T>(n_);
    m2_ += delta * (x - mean_);
    return {};
  }
  /// Throwing form of try_add.
  constexpr void add(const T& x) {
    if (auto e = try_add(x)) detail::throw_metric_error(e);
  }
  /// Adds all values of another accumulator (Chan et al.).
  constexpr void merge(const running_stats& other) {
    if (other.n_ == 0) return;
    if (n_ == 0) {
      *this = other;
      return;
    }
    const T na = to_number<T>(n_);
    const T nb = to_number<T>(other.n_);
    const T n = na + nb;
    const T delta = other.mean_ - mean_;
    mean_ += delta * nb / n;
    m2_ += other.m2_ + delta * delta * na * nb / n;
    n_ += other.n_;
  }

  /// Number of values added.
  [[nodiscard]] constexpr count_t count() const noexcept { return n_; }
  /// Arithmetic mean; errc::empty_input when nothing was added.
  [[nodiscard]] constexpr result<T> try_mean() const {
    if (n_ == 0) return error_info{errc::empty_input, "running_stats::mean", "count", "no values added"};
    return mean_;
  }
  /// Throwing form of try_mean.
  [[nodiscard]] constexpr T mean() const { return try_mean().value(); }
  /// Sample variance M2 / (n - 1) (unit of the data, squared); needs at least 2 values.
  [[nodiscard]] constexpr result<T> try_variance() const {
    if (n_ < 2) return error_info{errc::empty_input, "running_stats::variance", "count", "needs at least 2 values"};
    return m2_ / to_number<T>(n_ - 1);
  }
  /// Throwing form of try_variance.
  [[nodiscard]] constexpr T variance() const { return try_variance().value(); }
  /// Sample standard deviation sqrt(variance()); needs at least 2 values.
  [[nodiscard]] T standard_deviation() const {
    using std::sqrt;
    return T(sqrt(variance()));
  }
  /// Sum of squared deviations from the mean (Welford's M2).
  [[nodiscard]] constexpr const T& sum_of_squares() const noexcept { return m2_; }

 private:
  count_t n_ = 0;
  T mean_{};
  T m2_{};
};

/**
 * @brief Student's t confidence interval of the mean of the values in `stats`.
 *
 * mean -/+ t_{n-1, 1-(1-level)/2} s / sqrt(n), s the sample standard deviation, t the quantile of
 * Student's t with n - 1 degrees of freedom (Boost.Math). Assumes independent values; for skewed data
 * such as order values it relies on the central limit theorem (fine for hundreds of orders).
 * @returns the mean, in the unit of the data (money for an average check), with [lower, upper].
 * Errors: fewer than 2 values (errc::empty_input on "count"); level not in (0, 1) or not finite.
 */
template <number T = double>
[[nodiscard]] result<value_estimate<T>> try_mean_interval(const running_stats<T>& stats,
                                                          const std::type_identity_t<T>& level = T(0.95)) {
  using std::sqrt;
  constexpr const char* metric = "mean_interval";
  if (auto e = detail::check_level(metric, "level", level)) return e;
  if (stats.count() < 2) return error_info{errc::empty_input, metric, "count", "needs at least 2 values"};
  const T n = to_number<T>(stats.count());
  const boost::math::students_t_distribution<T, detail::stat_policy> t_dist(n - T(1));
  const T half_alpha = (T(1) - level) / T(2);
  const T t = quantile(complement(t_dist, half_alpha));
  const T mean = *stats.try_mean();
  const T half = t * T(sqrt(T(*stats.try_variance() / n)));
  if (!number_traits<T>::is_finite(half))
    return error_info{errc::not_converged, metric, "interval", "the Boost.Math t quantile failed"};
  return value_estimate<T>{mean, T(mean - half), T(mean + half), level};
}
/// Throwing form of try_mean_interval.
template <number T = double>
[[nodiscard]] value_estimate<T> mean_interval(const running_stats<T>& stats, const std::type_identity_t<T>& level = T(0.95)) {
  return try_mean_interval(stats, level).value();
}

CRM_METRICS_END_NAMESPACE
