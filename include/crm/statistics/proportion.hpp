// crm-metrics: confidence intervals for a proportion (successes of trials): Wilson, Agresti-Coull,
// Clopper-Pearson, Jeffreys.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every proportion metric of the library reduces to (successes, trials): open rate = unique opens of
// delivered, CTR = clicks of delivered, click-to-open = clicks of opens, conversion = target actions
// of messages sent (or visitors, or leads), churn = customers lost of customers at the start,
// repeat-purchase share = customers with >= 2 purchases of all customers. docs/statistics.md lists
// them all. Customization points: none.
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/statistics/detail/math.hpp>
#include <crm/statistics/estimate.hpp>

#include <boost/math/special_functions/beta.hpp>

#include <cmath>

CRM_METRICS_BEGIN_NAMESPACE

/// How the interval of a proportion is computed. docs/statistics.md says when to use which.
enum class interval_method {
  wilson,           ///< Wilson (1927) score interval: the default, good coverage at every n
  agresti_coull,    ///< Agresti & Coull (1998) "add z^2/2 successes and failures" Wald interval
  clopper_pearson,  ///< Clopper & Pearson (1934) exact interval from the binomial: conservative
  jeffreys,         ///< equal-tailed Beta(x + 1/2, n - x + 1/2) posterior interval (Brown, Cai, DasGupta 2001)
};

/// The name of a method, e.g. "Wilson".
[[nodiscard]] constexpr const char* name(interval_method m) noexcept {
  switch (m) {
    case interval_method::wilson: return "Wilson";
    case interval_method::agresti_coull: return "Agresti-Coull";
    case interval_method::clopper_pearson: return "Clopper-Pearson";
    case interval_method::jeffreys: return "Jeffreys";
  }
  return "unknown";
}

/// Observed successes of trials: opens of delivered, conversions of visitors, customers lost of
/// customers at the start of the period.
struct proportion_sample {
  count_t successes = 0;  ///< trials with the outcome counted (>= 0, <= trials)
  count_t trials = 0;     ///< all trials (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept { return trials > 0 && successes >= 0 && successes <= trials; }
  /// successes / trials as a rate; precondition ok().
  template <number T = double>
  [[nodiscard]] constexpr rate<T> observed() const {
    return rate<T>{to_number<T>(successes) / to_number<T>(trials)};
  }
};

namespace detail {

/// Both samples of an A/B comparison (fields a.successes, a.trials, b.successes, b.trials).
[[nodiscard]] constexpr error_info check_two_samples(const char* metric, const proportion_sample& a,
                                                     const proportion_sample& b) noexcept {
  return first_error(
      {check_binomial(metric, "a.successes", "a.trials", "must not exceed a.trials", a.successes, a.trials),
       check_binomial(metric, "b.successes", "b.trials", "must not exceed b.trials", b.successes, b.trials)});
}

template <number T>
[[nodiscard]] constexpr T clamp_unit(const T& v) {
  if (v < T(0)) return T(0);
  if (T(1) < v) return T(1);
  return v;
}

template <number T>
[[nodiscard]] result<rate_estimate<T>> proportion_interval_unchecked(const char* metric, count_t successes, count_t trials,
                                                                     const T& level, interval_method method) {
  using std::sqrt;
  const T x = to_number<T>(successes);
  const T n = to_number<T>(trials);
  const T failures = to_number<T>(trials - successes);
  const T p = x / n;
  T lo = T(0);
  T hi = T(1);
  switch (method) {
    case interval_method::wilson: {
      const T z = normal_critical(level);
      const T z2 = z * z;
      const T center = (x + z2 / T(2)) / (n + z2);
      const T half = z / (n + z2) * T(sqrt(T(x * failures / n + z2 / T(4))));
      lo = successes == 0 ? T(0) : clamp_unit(T(center - half));
      hi = successes == trials ? T(1) : clamp_unit(T(center + half));
      break;
    }
    case interval_method::agresti_coull: {
      const T z = normal_critical(level);
      const T z2 = z * z;
      const T n_tilde = n + z2;
      const T p_tilde = (x + z2 / T(2)) / n_tilde;
      const T half = z * T(sqrt(T(p_tilde * (T(1) - p_tilde) / n_tilde)));
      lo = clamp_unit(T(p_tilde - half));
      hi = clamp_unit(T(p_tilde + half));
      break;
    }
    case interval_method::clopper_pearson:
    case interval_method::jeffreys: {
      const T half_alpha = (T(1) - level) / T(2);
      const bool jeffreys = method == interval_method::jeffreys;
      const T shift = jeffreys ? T(1) / T(2) : T(0);
      if (successes > 0) {
        // Clopper-Pearson: Beta(x, n - x + 1) lower quantile; Jeffreys: Beta(x + 1/2, n - x + 1/2).
        const T a = x + shift;
        const T b = jeffreys ? T(failures + shift) : T(failures + T(1));
        lo = T(boost::math::ibeta_inv(a, b, half_alpha, stat_policy()));
      }
      if (successes < trials) {
        // Clopper-Pearson: Beta(x + 1, n - x) upper quantile; Jeffreys: Beta(x + 1/2, n - x + 1/2).
        const T a = jeffreys ? T(x + shift) : T(x + T(1));
        const T b = failures + shift;
        hi = T(boost::math::ibetac_inv(a, b, half_alpha, stat_policy()));
      }
      break;
    }
  }
  if (!number_traits<T>::is_finite(lo) || !number_traits<T>::is_finite(hi))
    return error_info{errc::not_converged, metric, "interval", "the Boost.Math quantile failed"};
  return rate_estimate<T>{rate<T>{p}, rate<T>{lo}, rate<T>{hi}, level};
}

}  // namespace detail

/**
 * @brief Confidence interval of a proportion successes / trials.
 * @tparam T number type of the result (double when not deduced from `level`)
 * @param sample successes and trials (e.g. opens of delivered e-mails)
 * @param level confidence level, a fraction strictly between 0 and 1 (0.95)
 * @param method interval_method::wilson by default
 * @returns the observed rate successes / trials with [lower, upper], both rates in [0, 1].
 *
 * Formulas (z = normal quantile at 1 - (1 - level) / 2, x = successes, n = trials):
 *  - Wilson: (x + z^2/2) / (n + z^2) -/+ z / (n + z^2) * sqrt(x (n - x) / n + z^2 / 4);
 *    the lower limit is 0 when x = 0 and the upper 1 when x = n.
 *  - Agresti-Coull: p~ -/+ z sqrt(p~ (1 - p~) / n~), n~ = n + z^2, p~ = (x + z^2/2) / n~, clipped to [0, 1].
 *  - Clopper-Pearson: the alpha/2 quantile of Beta(x, n - x + 1) and the 1 - alpha/2 quantile of
 *    Beta(x + 1, n - x) (0 when x = 0, 1 when x = n).
 *  - Jeffreys: the alpha/2 and 1 - alpha/2 quantiles of Beta(x + 1/2, n - x + 1/2), with the lower
 *    limit 0 when x = 0 and the upper 1 when x = n (Brown, Cai & DasGupta 2001, Statist. Sci. 16(2)).
 * Quantiles come from Boost.Math (normal, incomplete beta inverse). The rate itself is the share
 * formula of every proportion metric, e.g. open rate = opens / delivered (001_15fb4e46a87cf176.txt
 * line 74), churn = lost / customers at start (line 42).
 * Errors: trials zero or negative, successes negative, successes > trials, level not in (0, 1) or not
 * finite; errc::not_converged if a Boost.Math quantile fails (not expected for valid input).
 *
 * **Example**
 *     crm::proportion_interval({.successes = 81, .trials = 263})  // 30.8% [25.53%, 36.62%] 95% CI
 */
template <number T = double>
[[nodiscard]] result<rate_estimate<T>> try_proportion_interval(const proportion_sample& sample, const T& level = T(0.95),
                                                               interval_method method = interval_method::wilson) {
  constexpr const char* metric = "proportion_interval";
  if (auto e = detail::first_error({detail::check_binomial(metric, "successes", "trials", "must not exceed trials", sample.successes,
                                                    sample.trials),
                            detail::check_level(metric, "level", level)}))
    return e;
  return detail::proportion_interval_unchecked(metric, sample.successes, sample.trials, level, method);
}
/// Throwing form of try_proportion_interval: crm::metric_error on invalid input.
template <number T = double>
[[nodiscard]] rate_estimate<T> proportion_interval(const proportion_sample& sample, const T& level = T(0.95),
                                                   interval_method method = interval_method::wilson) {
  return try_proportion_interval(sample, level, method).value();
}

CRM_METRICS_END_NAMESPACE
