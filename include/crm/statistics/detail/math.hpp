// crm-metrics: statistics internals: the Boost.Math error policy and shared quantile helpers.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/statistics.hpp>
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/detail/check.hpp>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/erf.hpp>

#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

// Boost.Math reports its own errors through errno instead of throwing: every input is validated
// before it reaches Boost, and each result is checked for finiteness, so a failure inside Boost
// becomes a crm error naming the metric rather than a boost exception from a try_* function.
using stat_policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::pole_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>,
    boost::math::policies::rounding_error<boost::math::policies::errno_on_error>,
    boost::math::policies::indeterminate_result_error<boost::math::policies::errno_on_error>>;

/// A confidence level strictly inside (0, 1).
template <number T>
[[nodiscard]] constexpr error_info check_level(const char* metric, const char* field, const T& level) {
  if (!number_traits<T>::is_finite(level)) return {errc::not_finite, metric, field};
  if (!(number_traits<T>::zero() < level && level < number_traits<T>::one()))
    return {errc::out_of_range, metric, field, "must lie strictly between 0 and 1"};
  return {};
}

/// A probability strictly inside (0, 1) (alpha, power, a baseline rate).
template <number T>
[[nodiscard]] constexpr error_info check_open_unit(const char* metric, const char* field, const T& v) {
  if (!number_traits<T>::is_finite(v)) return {errc::not_finite, metric, field};
  if (!(number_traits<T>::zero() < v && v < number_traits<T>::one()))
    return {errc::out_of_range, metric, field, "must lie strictly between 0 and 1"};
  return {};
}

/// successes and trials: trials > 0, 0 <= successes <= trials. `whole` is the detail of the
/// part_exceeds_whole error, e.g. "must not exceed a.trials".
[[nodiscard]] constexpr error_info check_binomial(const char* metric, const char* successes_field,
                                                  const char* trials_field, const char* whole,
                                                  count_t successes, count_t trials) noexcept {
  if (auto e = first_error({check_count(metric, successes_field, successes),
                            check_count_positive(metric, trials_field, trials)}))
    return e;
  if (trials < successes) return {errc::part_exceeds_whole, metric, successes_field, whole};
  return {};
}

/// x_b n_a - x_a n_b, exactly where the compiler has 128-bit integers (rounded once to T).
template <number T>
[[nodiscard]] T cross_difference(count_t xb, count_t na, count_t xa, count_t nb) {
#if defined(__SIZEOF_INT128__)
  __extension__ using i128 = __int128;
  __extension__ using u128 = unsigned __int128;
  const i128 d = static_cast<i128>(xb) * na - static_cast<i128>(xa) * nb;
  const u128 mag = d < 0 ? static_cast<u128>(-d) : static_cast<u128>(d);
  const T two64 = T(18446744073709551616.0);
  const T v = T(static_cast<unsigned long long>(mag >> 64)) * two64 + T(static_cast<unsigned long long>(mag));
  return d < 0 ? T(-v) : v;
#else
  return to_number<T>(xb) * to_number<T>(na) - to_number<T>(xa) * to_number<T>(nb);
#endif
}

/// A count of up to 2^64 - 1 (a sum of two counts) as a T.
template <number T>
[[nodiscard]] T from_unsigned(unsigned long long v) {
  if constexpr (std::is_arithmetic_v<T>) {
    return static_cast<T>(v);
  } else {
    return T(v);
  }
}

/// z with P(Z > z) = upper_tail for the standard normal.
template <number T>
[[nodiscard]] T normal_upper_quantile(const T& upper_tail) {
  const boost::math::normal_distribution<T, stat_policy> n01;
  return T(quantile(complement(n01, upper_tail)));
}

/// z with P(|Z| > z) = alpha for the standard normal: sqrt(2) erfc^-1(alpha), what Boost's quantile of
/// the complement alpha / 2 computes, without forming alpha / 2 (which underflows to 0, and z to
/// infinity, for a subnormal alpha such as 4.9e-324).
template <number T>
[[nodiscard]] T normal_two_sided_quantile(const T& alpha) {
  using std::sqrt;
  return T(T(boost::math::erfc_inv(alpha, stat_policy())) * T(sqrt(T(2))));
}

/// The two-sided critical value z_{1-(1-level)/2}, P(|Z| < z) = level: sqrt(2) erf^-1(level). From the
/// level itself: the quantile of (1 - level) / 2, a probability next to 1/2 for a small level, kept
/// only the absolute precision of that probability (level 1e-9: z 2.8e-8 relative off).
template <number T>
[[nodiscard]] T normal_critical(const T& level) {
  using std::sqrt;
  return T(T(boost::math::erf_inv(level, stat_policy())) * T(sqrt(T(2))));
}

/// The two-sided critical value of Student's t with nu degrees of freedom, t_{nu, 1-(1-level)/2}:
/// P(|T| < t) = level. Below level 1/2 from the level itself: P(|T| < t) = I_x(1/2, nu/2) with
/// x = t^2 / (nu + t^2) (Abramowitz & Stegun 26.7.1 with 26.5.2), so t = sqrt(nu x / (1 - x)), x and
/// 1 - x both from Boost's ibeta_inv of the level. The quantile of the complement (1 - level) / 2,
/// a probability next to 1/2 there, kept only that probability's absolute precision (level 1e-9:
/// t 2.8e-8 relative off, 1e-12: 2.2e-5, in double). From 1/2 on, 1 - level is exact and Boost's
/// t quantile of the complement is used as before.
template <number T>
[[nodiscard]] T student_t_critical(const T& nu, const T& level) {
  using std::sqrt;
  if (level < T(1) / T(2)) {
    T one_minus_x = T(1);
    const T x = T(boost::math::ibeta_inv(T(T(1) / T(2)), T(nu / T(2)), level, &one_minus_x, stat_policy()));
    return T(sqrt(T(nu * x / one_minus_x)));
  }
  const boost::math::students_t_distribution<T, stat_policy> t_dist(nu);
  return T(quantile(complement(t_dist, T((T(1) - level) / T(2)))));
}

/// P(Z > z) for the standard normal.
template <number T>
[[nodiscard]] T normal_upper_tail(const T& z) {
  const boost::math::normal_distribution<T, stat_policy> n01;
  return T(cdf(complement(n01, z)));
}

/// Phi(z) for the standard normal.
template <number T>
[[nodiscard]] T normal_cdf(const T& z) {
  const boost::math::normal_distribution<T, stat_policy> n01;
  return T(cdf(n01, z));
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
