// crm-metrics: uncertainty of a Net Promoter Score: standard error, interval, and the comparison of two NPS.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Customization points: none.
#pragma once

#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/metrics/loyalty.hpp>
#include <crm/statistics/detail/math.hpp>
#include <crm/statistics/estimate.hpp>

#include <cmath>
#include <limits>

CRM_METRICS_BEGIN_NAMESPACE

/// Two NPS compared: the difference b - a in NPS points with its interval, and the two-sided
/// p-value of the z test of "no difference".
template <number T = double>
struct nps_comparison {
  value_estimate<T> difference{};  ///< NPS(b) - NPS(a), points, with its interval
  T z{};                           ///< difference / its standard error
  T p_value{};                     ///< two-sided: 2 P(Z > |z|)
};

namespace detail {

/// The field names of one survey's counts in an error: plain for one survey, "a." and "b." for the
/// two surveys that compare_nps compares.
struct nps_fields {
  const char* promoters;
  const char* passives;
  const char* detractors;
  const char* respondents;
};
inline constexpr nps_fields nps_fields_one{"promoters", "passives", "detractors", "respondents"};
inline constexpr nps_fields nps_fields_a{"a.promoters", "a.passives", "a.detractors", "a.respondents"};
inline constexpr nps_fields nps_fields_b{"b.promoters", "b.passives", "b.detractors", "b.respondents"};

[[nodiscard]] constexpr error_info check_nps_counts(const char* metric, const nps_counts& c,
                                                    const nps_fields& f = nps_fields_one) noexcept {
  if (auto e = first_error({check_count(metric, f.promoters, c.promoters), check_count(metric, f.passives, c.passives),
                            check_count(metric, f.detractors, c.detractors)}))
    return e;
  constexpr count_t max = std::numeric_limits<count_t>::max();
  if (c.promoters > max - c.passives || c.detractors > max - c.passives - c.promoters)
    return {errc::overflow, metric, f.respondents, "promoters + passives + detractors exceeds count_t"};
  if (c.respondents() == 0) return {errc::empty_input, metric, f.respondents, "no answers"};
  return {};
}

/// NPS in points and its standard error in points.
template <number T>
struct nps_moments {
  T score;
  T standard_error;
};

template <number T>
[[nodiscard]] nps_moments<T> nps_moments_of(const nps_counts& c) {
  using std::sqrt;
  const T n = to_number<T>(c.respondents());
  const T promoters = to_number<T>(c.promoters) / n;
  const T passives = to_number<T>(c.passives) / n;
  const T detractors = to_number<T>(c.detractors) / n;
  // Variance of one answer scored +1 / 0 / -1: E[s^2] - E[s]^2 = p_P + p_D - (p_P - p_D)^2, written
  // with p_P + p_A + p_D = 1 as a sum of non-negative terms, p_A (p_P + p_D) + 4 p_P p_D: the
  // difference form cancels to 0 when nearly every answer is of one kind (1e8 promoters and one
  // detractor in float), which made a standard error of 0 out of a positive one.
  const T variance = passives * T(promoters + detractors) + T(4) * promoters * detractors;
  // the score as crm::nps computes it, 100 (promoters - detractors) / n from the exact count
  // difference: promoters / n - detractors / n cancelled (60, 25, 15 gave 44.999999999999993, not 45;
  // 300000001, 4e8, 3e8 a score 2.8e-8 off relative; 5e17 + 1 against 5e17 detractors gave 0)
  const T score = try_nps<T>(c)->points;
  return {score, T(T(100) * T(sqrt(T(variance / n))))};
}

}  // namespace detail

/**
 * @brief Standard error of a Net Promoter Score, in NPS points.
 *
 * NPS = % promoters - % detractors (001_15fb4e46a87cf176.txt lines 82-84) is the mean of the
 * answers scored +1 (promoter, 9-10), 0 (passive, 7-8) and -1 (detractor, 0-6), times 100. Its
 * standard error is 100 sqrt((p_P + p_D - (p_P - p_D)^2) / n), with p_P, p_D the promoter and
 * detractor shares of n respondents (the multinomial variance of the score, divided by n; computed as
 * p_A (p_P + p_D) + 4 p_P p_D, the same without cancellation, p_A the passives' share).
 * @returns points (0..100); 0 when every respondent gave the same kind of answer.
 * Errors: a negative count (field promoters, passives or detractors); no respondents (empty_input);
 * counts whose sum exceeds count_t (errc::overflow on "respondents").
 */
template <number T = double>
[[nodiscard]] result<T> try_nps_standard_error(const nps_counts& counts) {
  if (auto e = detail::check_nps_counts("nps_standard_error", counts)) return e;
  return detail::nps_moments_of<T>(counts).standard_error;
}
/// Throwing form of try_nps_standard_error.
template <number T = double>
[[nodiscard]] T nps_standard_error(const nps_counts& counts) {
  return try_nps_standard_error<T>(counts).value();
}

/**
 * @brief Net Promoter Score with a normal-approximation (Wald) confidence interval, in NPS points.
 *
 * NPS -/+ z SE, z = normal quantile at 1 - (1 - level) / 2, SE as in nps_standard_error, clipped
 * to [-100, 100]. The normal approximation wants roughly 30 or more respondents; when every answer is
 * of one kind the SE is 0 and the interval collapses to the point: report the counts instead.
 * @returns NPS points (-100..100) with [lower, upper].
 * Errors: as nps_standard_error; level not in (0, 1) or not finite.
 *
 * **Example**
 *     crm::nps_interval({.promoters = 60, .passives = 25, .detractors = 15})  // 45 [30.5, 59.5] 95% CI
 */
template <number T = double>
[[nodiscard]] result<value_estimate<T>> try_nps_interval(const nps_counts& counts, const T& level = T(0.95)) {
  constexpr const char* metric = "nps_interval";
  if (auto e = detail::first_error({detail::check_nps_counts(metric, counts), detail::check_level(metric, "level", level)}))
    return e;
  const detail::nps_moments<T> m = detail::nps_moments_of<T>(counts);
  const T half = detail::normal_critical(level) * m.standard_error;
  T lo = m.score - half;
  T hi = m.score + half;
  if (lo < T(-100)) lo = T(-100);
  if (T(100) < hi) hi = T(100);
  return value_estimate<T>{m.score, lo, hi, level};
}
/// Throwing form of try_nps_interval.
template <number T = double>
[[nodiscard]] value_estimate<T> nps_interval(const nps_counts& counts, const T& level = T(0.95)) {
  return try_nps_interval(counts, level).value();
}

/**
 * @brief Compares the NPS of two independent surveys (b against a).
 *
 * difference = NPS(b) - NPS(a) in points; SE = sqrt(SE_a^2 + SE_b^2); interval difference -/+ z SE,
 * clipped to [-200, 200];
 * z = difference / SE and the two-sided p-value 2 P(Z > |z|) (normal approximation).
 * @returns the difference in points with its interval, z and p.
 * Errors: as nps_interval for either survey, the field named with its survey ("a.promoters",
 * "b.respondents"); both standard errors 0 (every answer of one kind in both surveys):
 * errc::zero_denominator on "standard_error".
 */
template <number T = double>
[[nodiscard]] result<nps_comparison<T>> try_compare_nps(const nps_counts& a, const nps_counts& b, const T& level = T(0.95)) {
  using std::sqrt;
  using std::abs;
  constexpr const char* metric = "compare_nps";
  if (auto e = detail::first_error({detail::check_nps_counts(metric, a, detail::nps_fields_a),
                                    detail::check_nps_counts(metric, b, detail::nps_fields_b),
                                    detail::check_level(metric, "level", level)}))
    return e;
  const detail::nps_moments<T> ma = detail::nps_moments_of<T>(a);
  const detail::nps_moments<T> mb = detail::nps_moments_of<T>(b);
  const T se = sqrt(T(ma.standard_error * ma.standard_error + mb.standard_error * mb.standard_error));
  if (!(T(0) < se))
    return error_info{errc::zero_denominator, metric, "standard_error", "every answer in both surveys is of one kind"};
  // 100 ((P_b - D_b) n_a - (P_a - D_a) n_b) / (n_a n_b), the numerator exact (cross_difference): the
  // difference of two rounded scores kept only their absolute precision (scores near 50 a 1e-7 apart)
  const T diff = T(100) * detail::cross_difference<T>(b.promoters - b.detractors, a.respondents(),
                                                      a.promoters - a.detractors, b.respondents()) /
                 to_number<T>(a.respondents()) / to_number<T>(b.respondents());
  const T half = detail::normal_critical(level) * se;
  const T z = diff / se;
  const T p = T(2) * detail::normal_upper_tail(T(abs(z)));
  // clipped to the differences that exist, [-200, 200], as nps_interval to [-100, 100] (one promoter
  // and one detractor in each survey at 99.9 % gave [-329, 329])
  T lo = diff - half;
  T hi = diff + half;
  if (lo < T(-200)) lo = T(-200);
  if (T(200) < hi) hi = T(200);
  return nps_comparison<T>{value_estimate<T>{diff, lo, hi, level}, z, p};
}
/// Throwing form of try_compare_nps.
template <number T = double>
[[nodiscard]] nps_comparison<T> compare_nps(const nps_counts& a, const nps_counts& b, const T& level = T(0.95)) {
  return try_compare_nps(a, b, level).value();
}

CRM_METRICS_END_NAMESPACE
