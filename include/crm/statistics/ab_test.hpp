// crm-metrics: A/B comparison of two rates: difference and lift with intervals, z test, chi-square,
// Fisher's exact test.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Each variant is a proportion_sample (successes of trials): conversions of visitors, opens of
// delivered, clicks of delivered. `a` is the control, `b` the variant under test; differences and
// lifts are b relative to a. Customization points: none.
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/statistics/detail/math.hpp>
#include <crm/statistics/estimate.hpp>
#include <crm/statistics/proportion.hpp>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/log1p.hpp>

#include <cmath>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// How the interval of a difference of two rates is computed.
enum class difference_method {
  newcombe,  ///< Newcombe (1998) hybrid score interval from the two Wilson intervals: the default
  wald,      ///< p_b - p_a -/+ z sqrt(p_a q_a / n_a + p_b q_b / n_b): R's prop.test(correct = FALSE)
};

/// A test statistic with its p-value.
template <number T = double>
struct test_result {
  T statistic{};  ///< z for the z test, X^2 for chi-square; 0 for Fisher's exact test
  T p_value{};    ///< two-sided p-value
  friend constexpr bool operator==(const test_result&, const test_result&) = default;
};

/**
 * @brief Difference of two rates, b - a, with its confidence interval.
 *
 * Newcombe (1998, Statist. Med. 17, method 10), with Wilson limits (l, u) of each rate:
 * lower = d - sqrt((p_b - l_b)^2 + (u_a - p_a)^2), upper = d + sqrt((u_b - p_b)^2 + (p_a - l_a)^2).
 * Wald: d -/+ z sqrt(p_a (1 - p_a) / n_a + p_b (1 - p_b) / n_b).
 * @returns a rate in percentage points as a fraction (0.012 = +1.2 points), within [-1, 1].
 * Errors: either sample invalid (fields a.trials, b.successes, ...); level not in (0, 1); a method
 * outside the enumeration (errc::out_of_range on "method").
 */
template <number T = double>
[[nodiscard]] result<rate_estimate<T>> try_rate_difference(const proportion_sample& a, const proportion_sample& b,
                                                           const T& level = T(0.95),
                                                           difference_method method = difference_method::newcombe) {
  using std::sqrt;
  constexpr const char* metric = "rate_difference";
  if (auto e = detail::first_error({detail::check_two_samples(metric, a, b), detail::check_level(metric, "level", level)}))
    return e;
  // a value cast from outside the enumeration silently gave Newcombe's interval
  if (method != difference_method::newcombe && method != difference_method::wald)
    return error_info{errc::out_of_range, metric, "method", "not a difference_method"};
  const T pa = a.observed<T>().fraction;
  const T pb = b.observed<T>().fraction;
  // (x_b n_a - x_a n_b) / (n_a n_b): exact numerator, so a difference of 1e-9 between rates of
  // 5e18 trials keeps its digits.
  const T d = detail::cross_difference<T>(b.successes, a.trials, a.successes, b.trials) / to_number<T>(a.trials) /
              to_number<T>(b.trials);
  T lo{};
  T hi{};
  if (method == difference_method::wald) {
    // 1 - p from the failures, so that a rate of (2^63 - 21) / (2^63 - 1) keeps its variance.
    const T qa = to_number<T>(a.trials - a.successes) / to_number<T>(a.trials);
    const T qb = to_number<T>(b.trials - b.successes) / to_number<T>(b.trials);
    const T half = detail::normal_critical(level) *
                   T(sqrt(T(pa * qa / to_number<T>(a.trials) + pb * qb / to_number<T>(b.trials))));
    lo = d - half;
    hi = d + half;
  } else {
    // The Wilson limits' distances from the rates, from the counts (detail::wilson_distances): formed
    // as differences of limits and rates they lost their digits for rates near 1 at large n
    // (n - 20 against n - 10 of 1e17 gave [-5.7e-17, 2.6e-16], its mirror image [-2.2e-16, 9.8e-18]).
    const T z = detail::normal_critical(level);
    const auto [below_a, above_a] = detail::wilson_distances<T>(a.successes, a.trials, z);
    const auto [below_b, above_b] = detail::wilson_distances<T>(b.successes, b.trials, z);
    lo = d - T(sqrt(T(below_b * below_b + above_a * above_a)));
    hi = d + T(sqrt(T(above_b * above_b + below_a * below_a)));
  }
  if (lo < T(-1)) lo = T(-1);
  if (T(1) < hi) hi = T(1);
  return rate_estimate<T>{rate<T>{d}, rate<T>{lo}, rate<T>{hi}, level};
}
/// Throwing form of try_rate_difference.
template <number T = double>
[[nodiscard]] rate_estimate<T> rate_difference(const proportion_sample& a, const proportion_sample& b,
                                               const T& level = T(0.95),
                                               difference_method method = difference_method::newcombe) {
  return try_rate_difference(a, b, level, method).value();
}

/**
 * @brief Relative lift of b over a, p_b / p_a - 1, with the log risk-ratio interval.
 *
 * exp(ln(p_b / p_a) -/+ z sqrt(1/x_b - 1/n_b + 1/x_a - 1/n_a)) - 1 (Katz et al. 1978, Biometrics 34),
 * formed from the counts without cancellation (close rates at huge n keep their digits).
 * @returns a rate (0.15 = B converts 15 % better than A); the interval is not symmetric.
 * Errors: either sample invalid; no successes in a or in b (errc::zero_denominator on a.successes
 * or b.successes: the log ratio is undefined); level not in (0, 1).
 */
template <number T = double>
[[nodiscard]] result<rate_estimate<T>> try_relative_lift(const proportion_sample& a, const proportion_sample& b,
                                                         const T& level = T(0.95)) {
  using std::sqrt;
  constexpr const char* metric = "relative_lift";
  if (auto e = detail::first_error({detail::check_two_samples(metric, a, b), detail::check_level(metric, "level", level)}))
    return e;
  constexpr const char* why = "the log risk ratio needs at least one success in each variant";
  if (a.successes == 0) return error_info{errc::zero_denominator, metric, "a.successes", why};
  if (b.successes == 0) return error_info{errc::zero_denominator, metric, "b.successes", why};
  // Formed from the counts, so that close rates keep the lift's digits (p_b / p_a - 1, 1/x - 1/n,
  // exp(.) - 1 each cancelled: 1e8 + 1 against 1e8 of 1e9 trials gave a lift 6e-9 off relative,
  // 999999998 against 999999999 of 1e9 an upper limit 6e-8 off, and rates near 1 at 2^63 - 1 trials
  // a lift 1.5 times off):
  //   lift = (x_b n_a - x_a n_b) / (x_a n_b), the numerator exact (detail::cross_difference);
  //   1/x - 1/n = (n - x) / (x n), from the exact failure count; log ratio = log1p(lift), the
  //   limits expm1(log ratio -/+ z se).
  const T lift = detail::cross_difference<T>(b.successes, a.trials, a.successes, b.trials) /
                 to_number<T>(a.successes) / to_number<T>(b.trials);
  const T se = sqrt(T(to_number<T>(b.trials - b.successes) / to_number<T>(b.successes) / to_number<T>(b.trials) +
                      to_number<T>(a.trials - a.successes) / to_number<T>(a.successes) / to_number<T>(a.trials)));
  const T half = detail::normal_critical(level) * se;
  const T log_ratio = T(boost::math::log1p(lift, detail::stat_policy()));
  const T lo = T(boost::math::expm1(T(log_ratio - half), detail::stat_policy()));
  const T hi = T(boost::math::expm1(T(log_ratio + half), detail::stat_policy()));
  return rate_estimate<T>{rate<T>{lift}, rate<T>{lo}, rate<T>{hi}, level};
}
/// Throwing form of try_relative_lift.
template <number T = double>
[[nodiscard]] rate_estimate<T> relative_lift(const proportion_sample& a, const proportion_sample& b,
                                             const T& level = T(0.95)) {
  return try_relative_lift(a, b, level).value();
}

/**
 * @brief Two-proportion z test (pooled), two-sided.
 *
 * z = (p_b - p_a) / sqrt(p (1 - p) (1/n_a + 1/n_b)), p = (x_a + x_b) / (n_a + n_b);
 * p-value = 2 P(Z > |z|). z^2 equals the chi-square statistic without continuity correction
 * (R: prop.test(correct = FALSE)). Sums of counts are formed in T, so counts up to the largest
 * count_t (2^63 - 1) in both arms give a finite z, never an overflow or NaN.
 * Errors: either sample invalid; pooled rate 0 or 1 (no variation: errc::zero_denominator on
 * "standard_error").
 */
template <number T = double>
[[nodiscard]] result<test_result<T>> try_two_proportion_z_test(const proportion_sample& a, const proportion_sample& b) {
  using std::abs;
  using std::sqrt;
  constexpr const char* metric = "two_proportion_z_test";
  if (auto e = detail::check_two_samples(metric, a, b)) return e;
  if ((a.successes == 0 && b.successes == 0) || (a.successes == a.trials && b.successes == b.trials))
    return error_info{errc::zero_denominator, metric, "standard_error", "all trials failed or all succeeded: no variation"};
  // Sums of counts are formed in T (two counts of 5e18 overflow count_t), the pooled rate and its
  // complement each from their own counts (so 1 - p is never rounded to 0), and p_b - p_a from the
  // exact cross difference (x_b n_a - x_a n_b) / (n_a n_b).
  const T na = to_number<T>(a.trials);
  const T nb = to_number<T>(b.trials);
  const T n = na + nb;
  const T p = T(to_number<T>(a.successes) + to_number<T>(b.successes)) / n;
  const T q = T(to_number<T>(a.trials - a.successes) + to_number<T>(b.trials - b.successes)) / n;
  const T se = sqrt(T(p * q * (T(1) / na + T(1) / nb)));
  const T difference = detail::cross_difference<T>(b.successes, a.trials, a.successes, b.trials) / na / nb;
  const T z = difference / se;
  return test_result<T>{z, T(T(2) * detail::normal_upper_tail(T(abs(z))))};
}
/// Throwing form of try_two_proportion_z_test.
template <number T = double>
[[nodiscard]] test_result<T> two_proportion_z_test(const proportion_sample& a, const proportion_sample& b) {
  return try_two_proportion_z_test<T>(a, b).value();
}

/**
 * @brief Pearson's chi-square test of the 2x2 table (successes, failures) x (a, b), 1 degree of freedom.
 *
 * X^2 = sum (|O - E| - c)^2 / E over the four cells, E = row total x column total / grand total;
 * c = 0, or with Yates' continuity correction c = min(1/2, |O - E|) (as R's chisq.test).
 * p-value = P(chi^2_1 > X^2) (Boost.Math chi_squared).
 * |O - E| is the same in all four cells, |x_a n_b - x_b n_a| / N, formed from the exact cross
 * difference; totals are formed in T: counts up to 2^63 - 1 in both arms give a finite X^2 >= 0.
 * Errors: either sample invalid; a zero row or column total (an expected count of 0:
 * errc::zero_denominator on "expected_count").
 */
template <number T = double>
[[nodiscard]] result<test_result<T>> try_chi_square_test(const proportion_sample& a, const proportion_sample& b,
                                                         bool yates_correction = false) {
  using std::abs;
  constexpr const char* metric = "chi_square_test";
  if (auto e = detail::check_two_samples(metric, a, b)) return e;
  if ((a.successes == 0 && b.successes == 0) || (a.successes == a.trials && b.successes == b.trials))
    return error_info{errc::zero_denominator, metric, "expected_count", "all trials failed or all succeeded"};
  // Totals in T: two counts of 5e18 overflow count_t.
  const T n = to_number<T>(a.trials) + to_number<T>(b.trials);
  const T column[2] = {T(to_number<T>(a.successes) + to_number<T>(b.successes)),
                       T(to_number<T>(a.trials - a.successes) + to_number<T>(b.trials - b.successes))};
  // |O - E| is the same in all four cells: |x_a n_b - x_b n_a| / N, from the exact cross difference
  // (O - E formed cell by cell cancels to nothing at 4e18 trials).
  T deviation = abs(T(detail::cross_difference<T>(b.successes, a.trials, a.successes, b.trials) / n));
  if (yates_correction) deviation -= deviation < T(0.5) ? deviation : T(0.5);
  const proportion_sample* rows[2] = {&a, &b};
  T x2 = T(0);
  for (const proportion_sample* r : rows)
    for (const T& c : column) {
      const T expected = to_number<T>(r->trials) * T(c / n);
      x2 += deviation / expected * deviation;
    }
  const boost::math::chi_squared_distribution<T, detail::stat_policy> chi2(T(1));
  return test_result<T>{x2, T(cdf(complement(chi2, x2)))};
}
/// Throwing form of try_chi_square_test.
template <number T = double>
[[nodiscard]] test_result<T> chi_square_test(const proportion_sample& a, const proportion_sample& b,
                                             bool yates_correction = false) {
  return try_chi_square_test<T>(a, b, yates_correction).value();
}

/// Largest support (number of possible tables) fisher_exact_test sums over, for float, double and
/// long double (double: 0.19 s at the bound, benchmarks/statistics_bench.cpp, docs/statistics.md).
inline constexpr count_t fisher_exact_max_support = 10'000'000;
/// The same for other number types (Boost.Multiprecision: a table costs about 0.14 ms in
/// cpp_dec_float_50, so 10^4 tables take about 1.4 s, benchmarks/statistics_bench.cpp; the bound keeps
/// every call's time bounded).
inline constexpr count_t fisher_exact_max_support_multiprecision = 10'000;

/**
 * @brief Fisher's exact test of the 2x2 table (successes, failures) x (a, b), two-sided.
 *
 * Conditional on the margins, the successes of a follow the hypergeometric distribution; the
 * p-value sums the probabilities of every table no more likely than the observed one, with R's
 * relative tolerance 1 + 1e-7 (R fisher.test, SciPy fisher_exact). Probabilities are built by the
 * ratio recurrence P(k + 1) / P(k) = (K - k)(m - k) / ((k + 1)(N - K - m + k + 1)) in log space,
 * so no factorial overflows; the support has min(K, m) - max(0, m - (N - K)) + 1 points. N and K
 * are held in unsigned 64 bits, so counts up to 2^63 - 1 in both arms are fine (few successes or
 * few failures give a small support however large the trials). For T = float the sums are made in
 * double: float's rounding of the running log-probabilities over many tables is far above the
 * tolerance 1e-7 (499 000 / 10^6 against 501 000 / 10^6 gave p = 1 instead of 0.0047).
 * @returns statistic 0 and the two-sided p-value.
 * Errors: either sample invalid; a support larger than fisher_exact_max_support tables (for types
 * other than float, double and long double, fisher_exact_max_support_multiprecision) (errc::out_of_range
 * on "trials": use chi_square_test or two_proportion_z_test for counts that large).
 */
template <number T = double>
[[nodiscard]] result<test_result<T>> try_fisher_exact_test(const proportion_sample& a, const proportion_sample& b) {
  if constexpr (std::is_same_v<T, float>) {
    const result<test_result<double>> d = try_fisher_exact_test<double>(a, b);
    if (!d) return d.error();
    return test_result<float>{0.0f, static_cast<float>(d->p_value)};
  }
  using std::exp;
  using std::log;
  using std::log1p;
  constexpr const char* metric = "fisher_exact_test";
  if (auto e = detail::check_two_samples(metric, a, b)) return e;
  // Hypergeometric: population N = all trials, K = all successes, F = N - K all failures, draws
  // m = a.trials, k = a.successes. K and F are sums of two counts: unsigned 64-bit, where they fit
  // (each count is below 2^63); every other quantity is a cell count of some table.
  using u64 = unsigned long long;
  const u64 big_k = static_cast<u64>(a.successes) + static_cast<u64>(b.successes);
  const u64 big_f = static_cast<u64>(a.trials - a.successes) + static_cast<u64>(b.trials - b.successes);
  const u64 m = static_cast<u64>(a.trials);
  const u64 lo = m > big_f ? m - big_f : 0;
  const u64 hi = big_k < m ? big_k : m;
  constexpr count_t max_support =
      std::is_floating_point_v<T> ? fisher_exact_max_support : fisher_exact_max_support_multiprecision;
  if (hi - lo >= static_cast<u64>(max_support))
    return error_info{errc::out_of_range, metric, "trials", "too many tables to sum; use chi_square_test"};
  // log P(k + 1) - log P(k) = log((K - k)(m - k)) - log((k + 1)(F - (m - k) + 1)); first pass: the
  // maximum and the observed value.
  const auto log_ratio = [&](u64 k) {
    return T(log(T(detail::from_unsigned<T>(big_k - k) * detail::from_unsigned<T>(m - k))) -
             log(T(detail::from_unsigned<T>(k + 1) * detail::from_unsigned<T>(big_f - (m - k) + 1))));
  };
  const u64 observed = static_cast<u64>(a.successes);
  // The running log-probability is a sum of up to 10^7 ratios: compensated (Kahan), so its rounding
  // stays at a few ulps instead of growing with the support (plain sums left 1.5e-9 relative in the
  // p-value of 499 000 / 10^6 against 501 000 / 10^6). Both passes add the same terms in the same order.
  T lp = T(0);
  T carry = T(0);
  const auto step = [&](u64 k) {
    const T y = T(log_ratio(k) - carry);
    const T t = T(lp + y);
    carry = T(T(t - lp) - y);
    lp = t;
  };
  T lp_max = T(0);
  T lp_obs = T(0);
  for (u64 k = lo;; ++k) {
    if (k == observed) lp_obs = lp;
    if (lp_max < lp) lp_max = lp;
    if (k == hi) break;
    step(k);
  }
  const T threshold = lp_obs + T(log1p(T(1e-7)));
  T total = T(0);
  T tail = T(0);
  lp = T(0);
  carry = T(0);
  for (u64 k = lo;; ++k) {
    const T w = exp(T(lp - lp_max));
    total += w;
    if (lp <= threshold) tail += w;
    if (k == hi) break;
    step(k);
  }
  T p = tail / total;
  if (T(1) < p) p = T(1);
  return test_result<T>{T(0), p};
}
/// Throwing form of try_fisher_exact_test.
template <number T = double>
[[nodiscard]] test_result<T> fisher_exact_test(const proportion_sample& a, const proportion_sample& b) {
  return try_fisher_exact_test<T>(a, b).value();
}

CRM_METRICS_END_NAMESPACE
