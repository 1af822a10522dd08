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
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/log1p.hpp>

#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>

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

/// psi^(m)(v), the m-th derivative of the digamma function, for v >= 1e4 by its asymptotic series
/// (Abramowitz & Stegun 6.3.18, 6.4.11), except that m = 0 gives psi(v) - ln v (the series without
/// its logarithm, so that a difference of two stays accurate). Terms through B_20: the first one
/// left out is below 1e-80 relative at v >= 1e4. Precondition v >= 1e4 (not checked).
template <number T>
[[nodiscard]] T polygamma_large(int m, const T& v) {
  // B_2 .. B_20 as numerator / denominator (exact in every T).
  constexpr long long bn[10][2] = {{1, 6},         {-1, 30},     {1, 42},        {-1, 30},       {5, 66},
                                   {-691, 2730},   {7, 6},       {-3617, 510},   {43867, 798},   {-174611, 330}};
  const T inv = T(1) / v;
  const T inv2 = inv * inv;
  if (m == 0) {  // psi(v) - ln v = -1/(2v) - sum B_2k / (2k v^2k)
    T sum = -inv / T(2);
    T pw = inv2;
    for (int k = 1; k <= 10; ++k) {
      sum -= T(bn[k - 1][0]) / T(bn[k - 1][1] * 2 * k) * pw;
      pw *= inv2;
    }
    return sum;
  }
  // (-1)^(m+1) [(m-1)!/v^m + m!/(2 v^(m+1)) + sum B_2k (2k+m-1)!/(2k)! / v^(2k+m)]
  T fact = T(1);  // (m - 1)!
  for (int j = 2; j < m; ++j) fact *= T(j);
  T pw = T(1);
  for (int j = 0; j < m; ++j) pw *= inv;  // v^-m
  T sum = fact * pw + fact * T(m) * pw * inv / T(2);
  pw *= inv2;
  for (int k = 1; k <= 10; ++k) {
    T c = T(bn[k - 1][0]) / T(bn[k - 1][1]);  // B_2k (2k+1)(2k+2)...(2k+m-1)
    for (int j = 2 * k + 1; j <= 2 * k + m - 1; ++j) c *= T(j);
    sum += c * pw;
    pw *= inv2;
  }
  return m % 2 == 1 ? sum : T(-sum);
}

/// The Beta(a, b) quantile at lower-tail normal deviate z (Phi(z) = the lower-tail probability) for
/// a = x + sa, b = (n - x) + sb with both large, returned as the distance from p = x / n (so that
/// the limit p + result keeps the precision of its distance from p): a Cornish-Fisher expansion
/// (Abramowitz & Stegun 26.2.49, through the sixth cumulant) of Y = logit X = ln G_a - ln G_b, whose
/// cumulants are psi^(r-1)(a) + (-1)^r psi^(r-1)(b); the quantile of X is the logistic of Y's. Its
/// truncation error is O(nu^-5/2) of the half-width, nu = a b / (a + b) (docs/statistics.md gives
/// the measured bound). Preconditions: x >= 1e4, n - x >= 1e4 (not checked).
template <number T>
[[nodiscard]] T beta_quantile_offset_large(const T& x, const T& nx, const T& sa, const T& sb, const T& z) {
  using std::sqrt;
  const T a = x + sa;
  const T b = nx + sb;
  // E[Y] - logit(p) = [psi(a) - ln a] - [psi(b) - ln b] + ln(a / x) - ln(b / (n - x)).
  const T shift = polygamma_large(0, a) - polygamma_large(0, b) + T(boost::math::log1p(T(sa / x), stat_policy())) -
                  T(boost::math::log1p(T(sb / nx), stat_policy()));
  T k[7];  // cumulants k[2] .. k[6] of Y
  for (int r = 2; r <= 6; ++r) {
    const T pa = polygamma_large(r - 1, a);
    const T pb = polygamma_large(r - 1, b);
    k[r] = r % 2 == 0 ? T(pa + pb) : T(pa - pb);
  }
  const T sd = sqrt(k[2]);
  const T g1 = k[3] / (k[2] * sd);        // skewness
  const T g2 = k[4] / (k[2] * k[2]);      // excess kurtosis
  const T g3 = k[5] / (k[2] * k[2] * sd);
  const T g4 = k[6] / (k[2] * k[2] * k[2]);
  const T z2 = z * z;
  const T z3 = z2 * z;
  const T z4 = z2 * z2;
  const T z5 = z4 * z;
  T w = z + g1 * (z2 - T(1)) / T(6);
  w += g2 * (z3 - T(3) * z) / T(24) - g1 * g1 * (T(2) * z3 - T(5) * z) / T(36);
  w += g3 * (z4 - T(6) * z2 + T(3)) / T(120) - g1 * g2 * (z4 - T(5) * z2 + T(2)) / T(24) +
       g1 * g1 * g1 * (T(12) * z4 - T(53) * z2 + T(17)) / T(324);
  w += g4 * (z5 - T(10) * z3 + T(15) * z) / T(720) - g2 * g2 * (T(3) * z5 - T(24) * z3 + T(29) * z) / T(384) -
       g1 * g3 * (T(2) * z5 - T(17) * z3 + T(21) * z) / T(180) +
       g1 * g1 * g2 * (T(14) * z5 - T(103) * z3 + T(107) * z) / T(288) -
       g1 * g1 * g1 * g1 * (T(252) * z5 - T(1688) * z3 + T(1511) * z) / T(7776);
  // logistic(logit p + d) - p = p q expm1(d) / (1 + p expm1(d)).
  const T d = shift + sd * w;
  const T e = T(boost::math::expm1(d, stat_policy()));
  const T n = x + nx;
  const T p = x / n;
  const T q = nx / n;
  return p * q * e / (T(1) + p * e);
}

/// Whether the Clopper-Pearson and Jeffreys limits of x successes and nx failures at `level` come
/// from beta_quantile_offset_large rather than Boost's ibeta_inv: when x, nx >= 1e4 and
/// nu = x nx / (x + nx) >= K max(4, z^2), z the normal critical value of the level. The expansion's
/// error, measured against mpmath, is about 30 nu^-5/2 of the half-width at worst (small x / n, small
/// z). Built-in types: K = 2.5e4, so at most 4e-12 there (Boost's own error just below the switch is
/// 1e-14 in double). Multiprecision types: K = 1e6, at most 1e-15, where a Boost quantile still
/// takes about 0.2 s in decimal50 (its time grows with n; docs/statistics.md, "Large counts").
template <number T>
[[nodiscard]] bool use_large_beta_quantile(count_t x, count_t nx, const T& level) {
  if (x < 10'000 || nx < 10'000) return false;
  const double k = std::is_floating_point_v<T> ? 2.5e4 : 1e6;
  const double z = static_cast<double>(normal_critical(level));
  const double nu = static_cast<double>(x) * (static_cast<double>(nx) / (static_cast<double>(x) + static_cast<double>(nx)));
  return nu >= k * (z < 2.0 ? 4.0 : z * z);
}

/// The distances of the Wilson limits from x / n, {x/n - lower, upper - x/n}, formed from the counts:
/// center - x/n = z^2 (n - 2x) / (2 n (n + z^2)) with n - 2x = failures - successes exact in count_t,
/// so that they keep their digits where the limits themselves round (rates near 1 at large n, where
/// 1 - 1e-16 is not a double). As the interval: lower 0 when x = 0, upper 1 when x = n, clipped to [0, 1].
template <number T>
[[nodiscard]] std::pair<T, T> wilson_distances(count_t successes, count_t trials, const T& z) {
  using std::sqrt;
  const T x = to_number<T>(successes);
  const T n = to_number<T>(trials);
  const T failures = to_number<T>(trials - successes);
  const T z2 = z * z;
  const T center_minus_p = z2 * to_number<T>((trials - successes) - successes) / (T(2) * n * (n + z2));
  const T half = z / (n + z2) * T(sqrt(T(x * failures / n + z2 / T(4))));
  const T p = x / n;
  const T q = failures / n;
  T below = successes == 0 ? T(0) : T(half - center_minus_p);
  T above = successes == trials ? T(0) : T(half + center_minus_p);
  if (p < below) below = p;  // the lower limit clipped at 0
  if (q < above) above = q;  // the upper limit clipped at 1
  return {below, above};
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
      // limits (A -/+ B) / (n + z^2), A = x + z^2/2, B = z sqrt(x (n - x) / n + z^2 / 4). The lower
      // one without the subtraction: A^2 - B^2 = x^2 (n + z^2) / n, so (A - B) / (n + z^2) =
      // (x / n) x / (A + B). A - B cancelled for few successes at high levels (1 of 1000 at
      // 1 - 1e-9: 663 ulps off in double, 1 of 2^53 at 1 - 1e-15: 1070).
      const T a_plus_b = x + z2 / T(2) + z * T(sqrt(T(x * failures / n + z2 / T(4))));
      lo = successes == 0 ? T(0) : clamp_unit(T(p * x / a_plus_b));
      hi = successes == trials ? T(1) : clamp_unit(T(a_plus_b / (n + z2)));
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
      // Both Beta parameters large: the Cornish-Fisher form (beta_quantile_offset_large), since
      // Boost's inverse loses eps (a |ln t| + b |ln(1 - t)|) of the half-width there, and its
      // run time grows with n for multiprecision types (docs/statistics.md, "Large counts").
      const bool large = use_large_beta_quantile<T>(successes, trials - successes, level);
      const T z = large ? normal_critical(level) : T(0);
      const T one_or_half = jeffreys ? shift : T(1);  // the parameter shift of Clopper-Pearson's other side
      if (successes > 0) {
        // Clopper-Pearson: Beta(x, n - x + 1) lower quantile; Jeffreys: Beta(x + 1/2, n - x + 1/2).
        const T a = x + shift;
        const T b = jeffreys ? T(failures + shift) : T(failures + T(1));
        lo = large ? T(p + beta_quantile_offset_large(x, failures, shift, one_or_half, T(-z)))
                      : T(boost::math::ibeta_inv(a, b, half_alpha, stat_policy()));
      }
      if (successes < trials) {
        // Clopper-Pearson: Beta(x + 1, n - x) upper quantile; Jeffreys: Beta(x + 1/2, n - x + 1/2).
        const T a = jeffreys ? T(x + shift) : T(x + T(1));
        const T b = failures + shift;
        hi = large ? T(p + beta_quantile_offset_large(x, failures, one_or_half, shift, z))
                      : T(boost::math::ibetac_inv(a, b, half_alpha, stat_policy()));
      }
      // Clopper-Pearson's exact limits bracket x / n at every level; rounded (the point too), a
      // limit within an ulp of the point can land on its other side: set to the point. Jeffreys'
      // posterior interval brackets x / n only at levels above about 0.145: the posterior median is
      // near (x + 1/6) / (n + 1/3), and for 1 of n the tail below x / n is P(Gamma(3/2) < 1) =
      // 0.4276 as n grows, so at lower levels both limits lie beside the point (1 of 100 at 0.1:
      // [0.010518, 0.013161]). There only a limit within rounding of the point is set to it (the
      // upper limit of 10^16 - 1 of 10^16 at 50 %, an ulp below); the old clamp made that lower
      // limit 0.01, an interval of neither the method nor the level.
      if (jeffreys) {
        using std::abs;
        const T eps = T(std::numeric_limits<T>::epsilon());
        const T slack = T(4) * eps * (T(abs(p)) + T(abs(lo)) + T(abs(hi))) + T(1e-9) * T(abs(T(hi - lo)));
        if (p < lo && T(lo - p) <= slack) lo = p;
        if (hi < p && T(p - hi) <= slack) hi = p;
      } else {
        if (p < lo) lo = p;
        if (hi < p) hi = p;
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
 *    A posterior interval: at levels below about 0.145 it may lie beside x / n (its median is near
 *    (x + 1/6) / (n + 1/3)), and is returned so.
 * Quantiles come from Boost.Math (normal, incomplete beta inverse), except where both Beta
 * parameters are large (x and n - x >= 1e4, x (n - x) / n >= 1e5 or more): there a Cornish-Fisher
 * expansion of logit Beta (Abramowitz & Stegun 26.2.49), within 1e-10 of the half-width plus two
 * ulps of the point in double and long double (float: to its own rounding), within 1e-15 of it in
 * multiprecision types (docs/statistics.md, "Large counts"). lower <= point <= upper always, except
 * for Jeffreys at a level below about 0.145 (above). The rate
 * itself is the share
 * formula of every proportion metric, e.g. open rate = opens / delivered (001_15fb4e46a87cf176.txt
 * line 74), churn = lost / customers at start (line 42).
 * Errors: trials zero or negative, successes negative, successes > trials, level not in (0, 1) or not
 * finite; a method outside the enumeration (errc::out_of_range on "method"); errc::not_converged if a
 * Boost.Math quantile fails (not expected for valid input).
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
  // a value cast from outside the enumeration gave [0, 1] (no case of the switch ran)
  if (method != interval_method::wilson && method != interval_method::agresti_coull &&
      method != interval_method::clopper_pearson && method != interval_method::jeffreys)
    return error_info{errc::out_of_range, metric, "method", "not an interval_method"};
  return detail::proportion_interval_unchecked(metric, sample.successes, sample.trials, level, method);
}
/// Throwing form of try_proportion_interval: crm::metric_error on invalid input.
template <number T = double>
[[nodiscard]] rate_estimate<T> proportion_interval(const proportion_sample& sample, const T& level = T(0.95),
                                                   interval_method method = interval_method::wilson) {
  return try_proportion_interval(sample, level, method).value();
}

CRM_METRICS_END_NAMESPACE
