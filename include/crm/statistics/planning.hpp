// crm-metrics: planning an A/B test of a rate: sample size per arm, power, minimum detectable effect.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// All three solve the same equation, the one of R's power.prop.test (strict = FALSE): for rates p1
// (baseline) and p2 (variant), n trials per arm and a two-sided test at significance alpha,
//   power = Phi((sqrt(n) |p2 - p1| - z_{1-alpha/2} sqrt((p1 + p2)(q1 + q2) / 2)) / sqrt(p1 q1 + p2 q2)),
// q = 1 - p. (p1 + p2)(q1 + q2) / 2 = 2 pbar qbar, so this is the classic pooled-variance
// normal-approximation formula (Fleiss, Levin & Paik 2003, eq. 4.14, without their continuity
// correction). Customization points: none.
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/statistics/detail/math.hpp>

#include <boost/math/tools/roots.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// What an A/B test must be able to detect.
template <number T = double>
struct sample_size_plan {
  T baseline{};                   ///< rate of the control, a fraction in (0, 1)
  T minimum_detectable_effect{};  ///< absolute change of the rate to detect (0.01 = one point), != 0,
                                  ///< with baseline + effect in (0, 1)
  T alpha = T(0.05);              ///< two-sided significance level, in (0, 1)
  T power = T(0.8);               ///< probability of detecting the effect, in (0, 1)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>);
};

/// An A/B test of a given size: what can it detect?
template <number T = double>
struct detection_plan {
  T baseline{};              ///< rate of the control, a fraction in (0, 1)
  count_t trials_per_arm{};  ///< trials (recipients, visitors) in each arm, > 0
  T alpha = T(0.05);         ///< two-sided significance level, in (0, 1)
  T power = T(0.8);          ///< probability of detecting the effect, in (0, 1)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>);
};

/// An A/B test of a given size and true effect: how likely is it to detect it?
template <number T = double>
struct power_plan {
  T baseline{};              ///< rate of the control, in (0, 1)
  T variant{};               ///< true rate of the variant, in (0, 1)
  count_t trials_per_arm{};  ///< trials in each arm, > 0
  T alpha = T(0.05);         ///< two-sided significance level, in (0, 1)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>);
};

/// The size of an A/B test: trials per arm rounded up, and the unrounded solution (R's
/// power.prop.test()$n).
template <number T = double>
struct sample_size {
  count_t per_arm{};  ///< trials in each arm, rounded up (the test needs twice as many in total)
  T exact{};          ///< the unrounded n of the power equation
  /// The count to plan with: per_arm.
  [[nodiscard]] constexpr count_t value() const noexcept { return per_arm; }
  friend constexpr bool operator==(const sample_size&, const sample_size&) = default;
};

namespace detail {

template <number T>
[[nodiscard]] constexpr error_info check_plan(const char* metric, const sample_size_plan<T>& plan) {
  if (auto e = first_error({check_open_unit(metric, "baseline", plan.baseline),
                            check_finite(metric, "minimum_detectable_effect", plan.minimum_detectable_effect),
                            check_open_unit(metric, "alpha", plan.alpha), check_open_unit(metric, "power", plan.power)}))
    return e;
  if (plan.minimum_detectable_effect == T(0)) return {errc::zero_denominator, metric, "minimum_detectable_effect"};
  const T p2 = plan.baseline + plan.minimum_detectable_effect;
  if (!(T(0) < p2 && p2 < T(1)))
    return {errc::out_of_range, metric, "minimum_detectable_effect", "baseline + effect must lie strictly between 0 and 1"};
  return {};
}
template <number T>
[[nodiscard]] constexpr error_info check_plan(const char* metric, const detection_plan<T>& plan) {
  return first_error({check_open_unit(metric, "baseline", plan.baseline),
                      check_count_positive(metric, "trials_per_arm", plan.trials_per_arm),
                      check_open_unit(metric, "alpha", plan.alpha), check_open_unit(metric, "power", plan.power)});
}
template <number T>
[[nodiscard]] constexpr error_info check_plan(const char* metric, const power_plan<T>& plan) {
  return first_error({check_open_unit(metric, "baseline", plan.baseline), check_open_unit(metric, "variant", plan.variant),
                      check_count_positive(metric, "trials_per_arm", plan.trials_per_arm),
                      check_open_unit(metric, "alpha", plan.alpha)});
}

/// The normal deviate whose Phi is the power of the two-sided test of p1 against p2 = p1 + d with n
/// trials per arm; d given apart so that a tiny effect keeps its digits (p2 - p1 rounds to eps p2).
template <number T>
[[nodiscard]] T power_deviate(const T& p1, const T& p2, const T& d, const T& n, const T& z_alpha) {
  using std::abs;
  using std::sqrt;
  const T q1 = T(1) - p1;
  const T q2 = T(1) - p2;
  const T numerator = T(sqrt(n)) * T(abs(d)) - z_alpha * T(sqrt(T((p1 + p2) * (q1 + q2) / T(2))));
  return T(numerator / T(sqrt(T(p1 * q1 + p2 * q2))));
}
/// Power of the two-sided test of p1 against p2 = p1 + d with n trials per arm.
template <number T>
[[nodiscard]] T power_of_difference(const T& p1, const T& p2, const T& d, const T& n, const T& z_alpha) {
  return normal_cdf(power_deviate(p1, p2, d, n, z_alpha));
}
template <number T>
[[nodiscard]] T power_of(const T& p1, const T& p2, const T& n, const T& z_alpha) {
  return power_of_difference(p1, p2, T(p2 - p1), n, z_alpha);
}

}  // namespace detail

template <number T>
constexpr bool sample_size_plan<T>::ok() const noexcept(std::is_arithmetic_v<T>) {
  return !detail::check_plan("sample_size_plan", *this);
}
template <number T>
constexpr bool detection_plan<T>::ok() const noexcept(std::is_arithmetic_v<T>) {
  return !detail::check_plan("detection_plan", *this);
}
template <number T>
constexpr bool power_plan<T>::ok() const noexcept(std::is_arithmetic_v<T>) {
  return !detail::check_plan("power_plan", *this);
}

/**
 * @brief Trials needed in each arm to detect `minimum_detectable_effect` from `baseline`.
 *
 * n = ((z_{1-alpha/2} sqrt((p1 + p2)(q1 + q2) / 2) + z_power sqrt(p1 q1 + p2 q2)) / (p2 - p1))^2,
 * p2 = p1 + effect: the closed-form solution of R's power.prop.test equation (see the file
 * comment; R finds the same n with uniroot).
 * @returns trials per arm: `per_arm`, n rounded up (a count; the test needs twice as many in total;
 * also `value()`), and `exact`, n itself (R's power.prop.test()$n).
 * Errors: baseline, alpha or power not in (0, 1) or not finite; effect zero or not finite, or
 * baseline + effect outside (0, 1) (errc::out_of_range on minimum_detectable_effect); an effect so
 * small that the trials per arm exceed 2^62 (errc::overflow on minimum_detectable_effect); a power
 * at or below Phi(-z_{1-alpha/2} sqrt((p1 + p2)(q1 + q2) / 2) / sqrt(p1 q1 + p2 q2)), what the
 * equation gives at n = 0 (about alpha / 2), which no n solves (errc::out_of_range on power; R's
 * power.prop.test fails there too).
 *
 * **Example**
 *     crm::sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01})
 *         // .per_arm 8158, .exact 8157.73 (R: power.prop.test(p1 = .05, p2 = .06, power = .8)$n)
 */
template <number T = double>
[[nodiscard]] result<sample_size<T>> try_sample_size_per_arm(const sample_size_plan<T>& plan) {
  using std::ceil;
  using std::sqrt;
  constexpr const char* metric = "sample_size_per_arm";
  if (auto e = detail::check_plan(metric, plan)) return e;
  const T p1 = plan.baseline;
  const T p2 = plan.baseline + plan.minimum_detectable_effect;
  const T z_alpha = detail::normal_two_sided_quantile(plan.alpha);
  const T z_power = detail::normal_upper_quantile(T(T(1) - plan.power));
  const T q1 = T(1) - p1;
  const T q2 = T(1) - p2;
  // sqrt(n) |d| = z_alpha A + z_power B. With the power at or below Phi(-z_alpha A / B), the power
  // the equation gives at zero trials, the right side is not positive and no n solves it; squared,
  // it used to give a spurious n (power 0.01 for 0.05 -> 0.06: n = 140, whose power is 0.056).
  const T sum = z_alpha * T(sqrt(T((p1 + p2) * (q1 + q2) / T(2)))) + z_power * T(sqrt(T(p1 * q1 + p2 * q2)));
  if (!(T(0) < sum))
    return error_info{errc::out_of_range, metric, "power", "must exceed the power the test has with no trials"};
  const T root = sum / plan.minimum_detectable_effect;
  const T exact = root * root;
  const T n = T(ceil(exact));
  // Largest count_t that T represents with room to spare (2^62).
  const T limit = T(static_cast<double>(std::int64_t{1} << 62));
  if (!number_traits<T>::is_finite(n) || limit < n)
    return error_info{errc::overflow, metric, "minimum_detectable_effect",
                      "so small that the trials per arm exceed 2^62"};
  return sample_size<T>{n < T(1) ? count_t{1} : static_cast<count_t>(n), exact};
}
/// Throwing form of try_sample_size_per_arm.
template <number T = double>
[[nodiscard]] sample_size<T> sample_size_per_arm(const sample_size_plan<T>& plan) {
  return try_sample_size_per_arm(plan).value();
}

/**
 * @brief Probability that a two-sided two-proportion test at `alpha` detects the change from
 * `baseline` to `variant` with `trials_per_arm` trials in each arm (R: power.prop.test(n, p1, p2)).
 * @returns a probability (fraction).
 * Errors: baseline, variant or alpha not in (0, 1) or not finite; trials_per_arm not positive.
 */
template <number T = double>
[[nodiscard]] result<T> try_statistical_power(const power_plan<T>& plan) {
  constexpr const char* metric = "statistical_power";
  if (auto e = detail::check_plan(metric, plan)) return e;
  const T z_alpha = detail::normal_two_sided_quantile(plan.alpha);
  return detail::power_of(plan.baseline, plan.variant, to_number<T>(plan.trials_per_arm), z_alpha);
}
/// Throwing form of try_statistical_power.
template <number T = double>
[[nodiscard]] T statistical_power(const power_plan<T>& plan) {
  return try_statistical_power(plan).value();
}

/**
 * @brief Smallest upward change of the rate that a test of `trials_per_arm` per arm detects with
 * the requested power: the p2 > baseline solving the power equation (R: power.prop.test(n, p1,
 * power)$p2 - p1), found with Boost.Math's TOMS 748 root finder to full precision.
 * @returns the absolute effect p2 - baseline as a rate (0.0101 = 1.01 points).
 * Errors: baseline, alpha or power not in (0, 1) or not finite; trials_per_arm not positive; a test
 * too small to reach the power for any variant rate below 1 (errc::out_of_range on trials_per_arm).
 */
template <number T = double>
[[nodiscard]] result<rate<T>> try_minimum_detectable_effect(const detection_plan<T>& plan) {
  constexpr const char* metric = "minimum_detectable_effect";
  if (auto e = detail::check_plan(metric, plan)) return e;
  const T z_alpha = detail::normal_two_sided_quantile(plan.alpha);
  const T n = to_number<T>(plan.trials_per_arm);
  const T p1 = plan.baseline;
  // solved for the effect d itself (p2 = p1 + d), so that a tiny effect (n near 2^63: d ~ 3e-10) is
  // found to its own relative precision, not to that of p2 (which left 3e-8 relative in d)
  // power(d) - target; for a target of 1/2 or more as (1 - target) - P(Z > deviate), 1 - target exact
  // (Sterbenz) and the upper tail accurate to its own digits: Phi - target near 1 kept only the
  // absolute precision of Phi, 3e-10 relative in the effect at a power of 1 - 1e-9
  const T miss = T(1) - plan.power;
  const bool high = !(plan.power < T(0.5));
  const auto gap = [&](const T& d) {
    const T deviate = detail::power_deviate(p1, T(p1 + d), d, n, z_alpha);
    return high ? T(miss - detail::normal_upper_tail(deviate)) : T(detail::normal_cdf(deviate) - plan.power);
  };
  const T hi = T(1) - p1;
  if (gap(hi) < T(0))
    return error_info{errc::out_of_range, metric, "trials_per_arm", "too few trials to reach the power"};
  const T gap_at_baseline = gap(T(0));
  if (!(gap_at_baseline < T(0)))  // the power at no effect is about alpha / 2
    return error_info{errc::out_of_range, metric, "power", "must exceed the power at no effect"};
  std::uintmax_t iterations = 200;
  const boost::math::tools::eps_tolerance<T> tolerance(std::numeric_limits<T>::digits - 3);
  const std::pair<T, T> root =
      boost::math::tools::toms748_solve(gap, T(0), hi, gap_at_baseline, T(gap(hi)), tolerance, iterations, detail::stat_policy());
  const T d = (root.first + root.second) / T(2);
  if (!number_traits<T>::is_finite(d))
    return error_info{errc::not_converged, metric, "minimum_detectable_effect"};
  return rate<T>{d};
}
/// Throwing form of try_minimum_detectable_effect.
template <number T = double>
[[nodiscard]] rate<T> minimum_detectable_effect(const detection_plan<T>& plan) {
  return try_minimum_detectable_effect(plan).value();
}

CRM_METRICS_END_NAMESPACE
