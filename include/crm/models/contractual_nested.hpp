// crm-metrics: the models nested in sBG and BdW at the boundaries of their fits: homogeneous churn
// (the discrete Weibull, with the geometric at c = 1) and power-law survival (the discrete Pareto).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// A fit of crm::sbg or crm::bdw with fit_options{.on_boundary = crm::boundary_policy::report} can end
// on a boundary of the parameter space (crm::boundary_report, docs/models.md "The boundary at
// infinity: homogeneous churn" and "The power-law boundary (BdW)"); its params are then not estimates.
// These are the nested models to predict from there, with the prediction API of crm::sbg / crm::bdw
// (survival, churn probability, retention rate, curves, E[T], DEL, DERL, RLV, ln L):
//   - crm::discrete_weibull_churn{theta, c}: every customer churns with the same probability theta,
//     S(t) = (1-theta)^(t^c) (fit_boundary::homogeneous_churn; sBG's nested model is c = 1, the
//     geometric S(t) = (1-theta)^t);
//   - crm::power_law_survival{k, tau}: S(t) = min(1, (tau/t)^k) for t >= 1, S(0) = 1
//     (fit_boundary::power_law_survival, BdW only);
// and crm::try_nested_contract_model(fit), which turns a fit on either boundary into the model.
// Valuation as Fader & Hardie (2010) define it for sBG: DEL(d) = sum_{t>=0} S(t)/(1+d)^t and
// DERL(d | n-1 renewals) = sum_{t>=n} S(t)/S(n-1)/(1+d)^(t-n).
//
// Customization points: none (T is any std::floating_point type, as crm::sbg).
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/contractual.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>

#include <boost/math/special_functions/gamma.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>
#include <variant>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {

/// Neumaier's compensated sum (the lifetime sums add up to 1e7 terms; float kept 7 digits).
template <std::floating_point T>
struct nested_sum {
  T sum = 0, carry = 0;
  void add(T v) noexcept {
    const T t = sum + v;
    carry += std::abs(sum) >= std::abs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  [[nodiscard]] T value() const noexcept { return sum + carry; }
};

/// ln(expm1(x)) for x > 0 without overflow: x + ln(-expm1(-x)).
template <std::floating_point T>
[[nodiscard]] T log_expm1(T x) noexcept {
  return x + std::log(-std::expm1(-x));
}

/// The error of a nested model's sum that needs more than 1e7 terms.
[[nodiscard]] inline error_info nested_not_converged(const char* name) noexcept {
  return {errc::not_converged, name, "discount_rate", "the discounted sum needs more than 1e7 periods (discount rate too small)"};
}

/// sum_{j >= 0} ratio(j) z^j, z = 1/(1+d), for a ratio(j) that does not increase in j: the tail after
/// term j is at most term_j z/(1-z); stops when that is below half an ulp of the sum (plus `head`,
/// already summed), at most contract_max_terms terms, else not_converged. `log_term(j)` is
/// ln ratio(j) - j ln(1+d).
template <std::floating_point T, class LogTerm>
[[nodiscard]] result<T> nested_discounted_sum(T head, T d, LogTerm log_term, const char* name) noexcept {
  const T odds = T(1) / d;  // z/(1-z)
  nested_sum<T> s;
  s.add(head);
  for (count_t j = 0; j < contract_max_terms; ++j) {
    const T term = std::exp(log_term(j));
    if (term != term) return contract_core<T>::overflowed(name);
    s.add(term);
    const T total = s.value();
    if (!contract_finite(total)) return contract_core<T>::overflowed(name);
    if (term * odds <= std::numeric_limits<T>::epsilon() / T(2) * total) return total;
  }
  return nested_not_converged(name);
}

/// The curve f(first), ..., f(first + size - 1) of a nested model (`check` its parameters' error):
/// S(0..periods) (first 0, size periods + 1, periods >= 0) or r(1..periods) (first 1, size periods,
/// periods >= 1); at most 1e7 periods ("periods").
template <std::floating_point T, class F>
[[nodiscard]] result<std::vector<T>> nested_curve(const error_info& check, count_t periods, bool retention, F f, const char* name) {
  if (check) return check;
  if (retention && periods < 1) return error_info{errc::out_of_range, name, "periods", "must be >= 1"};
  if (periods < 0) return error_info{errc::negative, name, "periods"};
  if (periods > contract_max_terms) return error_info{errc::out_of_range, name, "periods", "at most 1e7 periods"};
  const std::size_t first = retention ? 1 : 0;
  std::vector<T> out(static_cast<std::size_t>(periods) + 1 - first);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = f(static_cast<T>(i + first));
  return out;
}

/// The arguments of a nested model's DERL: renewals in 0 .. 2^63 - 1 - 2e7 ("renewals"), the discount
/// rate finite and > 0 ("discount_rate").
template <std::floating_point T>
[[nodiscard]] error_info check_nested_residual(count_t renewals, T discount_rate, const char* name) noexcept {
  if (renewals < 0) return error_info{errc::negative, name, "renewals"};
  if (renewals > std::numeric_limits<count_t>::max() - 2 * contract_max_terms)
    return error_info{errc::out_of_range, name, "renewals", "at most 2^63 - 1 - 2e7"};
  return contract_core<T>::check_discount(discount_rate, name);
}

/// E[RLV] = margin * DERL of a nested model `m` (errors: DERL's, under `name`; margin negative or not
/// finite; a non-finite result).
template <std::floating_point T, class M>
[[nodiscard]] result<T> nested_residual_lifetime_value(const M& m, count_t renewals, T discount_rate, T margin, const char* name) noexcept {
  if (!contract_finite(margin)) return error_info{errc::not_finite, name, "margin"};
  if (margin < T(0)) return error_info{errc::negative, name, "margin"};
  const result<T> derl = m.try_discounted_expected_residual_lifetime(renewals, discount_rate);
  if (!derl) return error_info{derl.error().code, name, derl.error().field, derl.error().detail};
  const T v = margin * *derl;
  if (!contract_finite(v)) return error_info{errc::not_finite, name, "result"};
  return v;
}

/// ln L of cohorts of survivor counts under a nested model: a customer active at her cohort's last
/// period k adds ln S(k) = log_survival(k), a churn at t ln S(t-1) + ln(1 - r(t)) = log_churn(t)
/// (errors: invalid cohorts, as crm::fit_sbg; a non-finite result, "the data are impossible under the
/// model").
template <std::floating_point T, class LogSurvival, class LogChurn>
[[nodiscard]] result<T> nested_log_likelihood(const error_info& check, std::span<const std::vector<count_t>> cohorts, LogSurvival log_survival,
                                              LogChurn log_churn, const char* name) {
  if (check) return check;
  const result<contract_counts<T>> counts = tally_cohorts<T>(cohorts, name);
  if (!counts) return counts.error();
  nested_sum<T> ll;
  for (std::size_t i = 1; i < counts->churned.size(); ++i) {
    const T t = static_cast<T>(i);
    if (counts->censored[i] > T(0)) ll.add(counts->censored[i] * log_survival(t));
    if (counts->churned[i] > T(0)) ll.add(counts->churned[i] * log_churn(t));
  }
  const T v = ll.value();
  if (!contract_finite(v)) return error_info{errc::not_finite, name, "result", "the data are impossible under the model"};
  return v;
}

}  // namespace detail

/**
 * @brief The homogeneous-churn model nested in sBG and BdW: every customer churns with the same
 * probability theta, and an individual survives t periods with probability S(t) = (1-theta)^(t^c)
 * (the discrete Weibull; c = 1: the geometric, S(t) = (1-theta)^t, constant churn theta per period).
 * It is the limit of sBG / BdW(alpha, beta, c) as alpha, beta -> infinity with alpha/(alpha+beta) =
 * theta (the Beta collapses to the point theta), the model of fit_boundary::homogeneous_churn
 * (crm::try_nested_contract_model). With lambda = -ln(1-theta), S(t) = exp(-lambda t^c).
 * Periods are the contract periods of the data. Every member has a throwing form and a `try_` form
 * (never throws); errors: theta not finite or not in (0, 1) (field "theta"), c not finite or <= 0
 * ("c"), and those listed per member.
 *
 * **Example**
 *     crm::discrete_weibull_churn<> g{.theta = 0.1, .c = 1};  // the geometric: 10 % churn every period
 *     g.expected_lifetime();                                   // 1/theta = 10 periods
 *     g.discounted_expected_residual_lifetime(4, 0.1);         // (1-theta)(1+d)/(d+theta) = 4.95
 */
template <std::floating_point T = double>
struct discrete_weibull_churn {
  T theta{};  ///< churn probability per period of every customer (0 < theta < 1); at c = 1 the churn rate
  T c{1};     ///< Weibull shape, the duration dependence of churn (> 0; 1: the geometric)

  /// All parameters valid (see check).
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("discrete_weibull_churn"); }
  /// theta finite and in (0, 1), c finite and > 0, else an error naming `name` and the parameter.
  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    if (!detail::contract_finite(theta)) return {errc::not_finite, name, "theta"};
    if (!(theta > T(0) && theta < T(1))) return {errc::out_of_range, name, "theta", "the churn probability must be in (0, 1)"};
    if (!detail::contract_finite(c)) return {errc::not_finite, name, "c"};
    if (!(c > T(0))) return {errc::out_of_range, name, "c", "must be > 0"};
    return {};
  }

  /// S(t) = (1-theta)^(t^c): probability that a customer is still active after t periods (S(0) = 1).
  /// Unit: probability. Errors: t < 0 ("period").
  [[nodiscard]] result<T> try_survival(count_t t) const noexcept {
    constexpr const char* name = "discrete_weibull_churn.survival";
    if (auto e = check(name)) return e;
    if (t < 0) return error_info{errc::negative, name, "period"};
    return std::exp(-step(T(0), static_cast<T>(t)));
  }
  [[nodiscard]] T survival(count_t t) const { return try_survival(t).value(); }
  /// P(T = t) = S(t-1) - S(t) = S(t-1) (1 - (1-theta)^(t^c - (t-1)^c)) (geometric: theta (1-theta)^(t-1)):
  /// probability that a customer's last period is t. Unit: probability. Errors: t < 1 ("period").
  [[nodiscard]] result<T> try_churn_probability(count_t t) const noexcept {
    constexpr const char* name = "discrete_weibull_churn.churn_probability";
    if (auto e = check(name)) return e;
    if (t < 1) return error_info{errc::out_of_range, name, "period", "must be >= 1"};
    const T tt = static_cast<T>(t);
    const T hazard = c == T(1) ? theta : -std::expm1(-step(tt - T(1), tt));
    return std::exp(-step(T(0), tt - T(1))) * hazard;
  }
  [[nodiscard]] T churn_probability(count_t t) const { return try_churn_probability(t).value(); }
  /// r(t) = S(t)/S(t-1) = (1-theta)^(t^c - (t-1)^c) (geometric: 1 - theta at every t): share of the
  /// customers active in period t-1 who renew for period t. Unit: probability. Errors: t < 1 ("period").
  [[nodiscard]] result<T> try_retention_rate(count_t t) const noexcept {
    constexpr const char* name = "discrete_weibull_churn.retention_rate";
    if (auto e = check(name)) return e;
    if (t < 1) return error_info{errc::out_of_range, name, "period", "must be >= 1"};
    return retention(static_cast<T>(t));
  }
  [[nodiscard]] T retention_rate(count_t t) const { return try_retention_rate(t).value(); }
  /// S(0), ..., S(periods). Errors: periods < 0 or > 1e7 ("periods").
  [[nodiscard]] result<std::vector<T>> try_survival_curve(count_t periods) const {
    constexpr const char* name = "discrete_weibull_churn.survival_curve";
    return detail::nested_curve<T>(check(name), periods, false, [&](T t) { return std::exp(-step(T(0), t)); }, name);
  }
  [[nodiscard]] std::vector<T> survival_curve(count_t periods) const { return try_survival_curve(periods).value(); }
  /// r(1), ..., r(periods). Errors: periods < 1 or > 1e7 ("periods").
  [[nodiscard]] result<std::vector<T>> try_retention_curve(count_t periods) const {
    constexpr const char* name = "discrete_weibull_churn.retention_curve";
    return detail::nested_curve<T>(check(name), periods, true, [&](T t) { return retention(t); }, name);
  }
  [[nodiscard]] std::vector<T> retention_curve(count_t periods) const { return try_retention_curve(periods).value(); }

  /// E[T] = sum_{t>=0} S(t), finite for every theta in (0, 1) and c > 0. Geometric: 1/theta. c != 1,
  /// with f(u) = exp(-lambda u^c), s = 1/c, x = lambda K^c:
  ///  1. f(0) + f(1) + ... summed directly (compensated), stopping where the proven tail bound
  ///       sum_{t > K} f(t) <= int_K^inf f = Gamma(s, x) / (c lambda^s)
  ///                       <= x^(s-1) e^-x / ((1 - max(0, s-1)/x) c lambda^s)   (x > max(0, s-1))
  ///     (f decreases; Gamma(s, x) = x^(s-1) e^-x int_0^inf (1 + w/x)^(s-1) e^-w dw and
  ///     (1 + w/x)^(s-1) <= e^(max(0, s-1) w/x)) is below half an ulp of the sum;
  ///  2. at K = 1024, 2048, ..., 2^23 also the rest, sum_{t >= K} f(t), as the exact integral
  ///     int_K^inf f = Gamma(1+s) lambda^-s Q(s, x) (Boost's regularized gamma_q) plus Gregory's end
  ///     correction from f(K-1), ..., f(K+7) (detail::gregory_end_correction, as crm::bdw's E[T]);
  ///     accepted when its error is below max(1e-13, 64 eps) of the result: for c <= 1, where f is
  ///     completely monotone, a proven bound (0 <= exact - result <= |G_8 D^8 f(K-1)| plus rounding);
  ///     for c > 1 the last term, an estimate (before 2026-12-05 the estimate for every c: for a
  ///     tail as steep as e^-3t it is 6 times below the true error).
  /// Work: at most 2^23 + 9 x 14 survivor evaluations and 14 incomplete gamma functions.
  /// Unit: periods. Errors: a result beyond T (`errc::overflow`: e.g. theta = 0.01, c = 0.05 in
  /// float, E[T] about 1e58); neither test met by 2^23 terms (`errc::not_converged` on "c").
  [[nodiscard]] result<T> try_expected_lifetime() const noexcept {
    constexpr const char* name = "discrete_weibull_churn.expected_lifetime";
    if (auto e = check(name)) return e;
    if (c == T(1)) return T(1) / theta;
    const T lambda = -std::log1p(-theta), log_lambda = std::log(lambda);
    const T s = T(1) / c, sm1 = std::max(T(0), s - T(1));
    const T log_scale = -std::log(c) - s * log_lambda;  // 1/(c lambda^s)
    const T tol = std::max(T(1e-13), T(64) * std::numeric_limits<T>::epsilon());
    detail::nested_sum<T> sum;
    count_t checkpoint = detail::contract_lifetime_head;
    for (count_t t = 0; t <= (count_t{1} << 23); ++t) {
      const T tt = static_cast<T>(t);
      const T x = step(T(0), tt);
      sum.add(std::exp(-x));
      const T total = sum.value();
      if (!detail::contract_finite(total)) return detail::contract_core<T>::overflowed(name);
      if (t >= 1 && x > sm1) {
        const T log_bound = (s - T(1)) * std::log(x) - x - std::log1p(-sm1 / x) + log_scale;
        if (log_bound <= std::log(std::numeric_limits<T>::epsilon() / T(2) * total)) return total;
      }
      if (t + 1 != checkpoint) continue;
      checkpoint *= 2;
      // the rest from K = t + 1: the integral plus Gregory's correction, from f(K-1), ..., f(K+7)
      const T K = tt + T(1);
      std::array<T, 9> f{};
      for (std::size_t i = 0; i < 9; ++i) f[i] = std::exp(-step(T(0), K - T(1) + static_cast<T>(i)));
      // f = e^-x within (4 + 4x) eps: x = lambda u^c within 4 eps of itself
      const T value_error = T(4) * (T(1) + step(T(0), K + T(7))) * std::numeric_limits<T>::epsilon();
      const detail::gregory_tail<T> g = detail::gregory_end_correction(f, value_error);
      const T q = boost::math::gamma_q(s, step(T(0), K), detail::quiet_math_policy());
      const T integral = q > T(0) ? std::exp(detail::quiet_lgamma(T(1) + s) - s * log_lambda + std::log(q)) : T(0);
      const T value = total + integral + g.correction;
      if (!detail::contract_finite(value) || !detail::contract_finite(integral)) return detail::contract_core<T>::overflowed(name);
      // c <= 1: f is completely monotone, the bound is proven; c > 1: the last term estimates the error
      if ((c <= T(1) ? g.monotone_bound : std::abs(g.last_term)) <= tol * value) return value;
    }
    return error_info{errc::not_converged, name, "c", "the lifetime sum did not reach its tolerance within 2^23 periods"};
  }
  [[nodiscard]] T expected_lifetime() const { return try_expected_lifetime().value(); }
  /// sum_{t=0}^{H-1} S(t): expected number of the first H periods a customer pays for (geometric:
  /// (1 - (1-theta)^H)/theta). Unit: periods. O(H). Errors: H < 0 or > 1e7 ("horizon").
  [[nodiscard]] result<T> try_expected_lifetime(count_t horizon) const noexcept {
    constexpr const char* name = "discrete_weibull_churn.expected_lifetime";
    if (auto e = check(name)) return e;
    if (horizon < 0) return error_info{errc::negative, name, "horizon"};
    if (horizon > detail::contract_max_terms) return error_info{errc::out_of_range, name, "horizon", "at most 1e7 periods"};
    if (c == T(1)) return -std::expm1(static_cast<T>(horizon) * std::log1p(-theta)) / theta;
    detail::nested_sum<T> sum;
    for (count_t t = 0; t < horizon; ++t) sum.add(std::exp(-step(T(0), static_cast<T>(t))));
    return sum.value();
  }
  [[nodiscard]] T expected_lifetime(count_t horizon) const { return try_expected_lifetime(horizon).value(); }
  /// DEL(d) = sum_{t>=0} S(t)/(1+d)^t = 1 + DERL(d | 0 renewals)/(1+d) (geometric: (1+d)/(d+theta)).
  /// Unit: discounted periods. c != 1: summed until the tail bound term/d is below half an ulp, at
  /// most 1e7 terms. Errors: d <= 0 or not finite ("discount_rate"); more terms needed
  /// (`errc::not_converged`).
  [[nodiscard]] result<T> try_discounted_expected_lifetime(T discount_rate) const noexcept {
    constexpr const char* name = "discrete_weibull_churn.discounted_expected_lifetime";
    if (auto e = check(name)) return e;
    if (auto e = detail::contract_core<T>::check_discount(discount_rate, name)) return e;
    const T d = discount_rate;
    if (c == T(1)) return (T(1) + d) / (d + theta);
    const result<T> r = residual(1, d, name);
    if (!r) return r;
    return T(1) + *r / (T(1) + d);
  }
  [[nodiscard]] T discounted_expected_lifetime(T discount_rate) const { return try_discounted_expected_lifetime(discount_rate).value(); }
  /// DERL(d | n-1 renewals) = sum_{t>=n} S(t)/S(n-1)/(1+d)^(t-n), n - 1 = renewals, valued just
  /// before the next renewal decision (as crm::sbg). Geometric: (1-theta)(1+d)/(d+theta) whatever
  /// the renewals (memoryless; the limit of sBG's (beta+n-1)/(alpha+beta+n-1) 2F1(1, beta+n;
  /// alpha+beta+n; 1/(1+d))). c != 1: S(t)/S(n-1) = exp(-lambda (t^c - (n-1)^c)), the difference as
  /// (n-1)^c expm1(c log1p((t-n+1)/(n-1))), summed as DEL. Unit: discounted periods. Errors:
  /// renewals < 0 or > 2^63 - 1 - 2e7; d <= 0 or not finite; more than 1e7 terms.
  [[nodiscard]] result<T> try_discounted_expected_residual_lifetime(count_t renewals, T discount_rate) const noexcept {
    constexpr const char* name = "discrete_weibull_churn.discounted_expected_residual_lifetime";
    if (auto e = check(name)) return e;
    if (auto e = detail::check_nested_residual(renewals, discount_rate, name)) return e;
    if (c == T(1)) return (T(1) - theta) * (T(1) + discount_rate) / (discount_rate + theta);
    return residual(renewals + 1, discount_rate, name);
  }
  [[nodiscard]] T discounted_expected_residual_lifetime(count_t renewals, T discount_rate) const {
    return try_discounted_expected_residual_lifetime(renewals, discount_rate).value();
  }
  /// E[RLV] = margin * DERL(d | renewals). Unit: money. Errors: those of DERL; margin negative or not
  /// finite ("margin"); a non-finite result.
  [[nodiscard]] result<T> try_residual_lifetime_value(count_t renewals, T discount_rate, T margin) const noexcept {
    return detail::nested_residual_lifetime_value(*this, renewals, discount_rate, margin, "discrete_weibull_churn.residual_lifetime_value");
  }
  [[nodiscard]] T residual_lifetime_value(count_t renewals, T discount_rate, T margin) const {
    return try_residual_lifetime_value(renewals, discount_rate, margin).value();
  }
  /// ln L of cohorts of survivor counts (as crm::sbg::log_likelihood): a churn at t contributes
  /// -lambda (t-1)^c + ln(1 - e^(-lambda (t^c - (t-1)^c))), a customer active at her cohort's last
  /// period k -lambda k^c (geometric: D ln theta + (E - D) ln(1-theta), D churns, E periods at risk).
  /// Unit: nats. Errors: invalid cohorts (as crm::fit_sbg); a result that is not finite (`errc::not_finite`).
  [[nodiscard]] result<T> try_log_likelihood(std::span<const std::vector<count_t>> cohorts) const {
    constexpr const char* name = "discrete_weibull_churn.log_likelihood";
    return detail::nested_log_likelihood<T>(
        check(name), cohorts, [&](T t) { return -step(T(0), t); },
        [&](T t) { return -step(T(0), t - T(1)) + std::log(-std::expm1(-step(t - T(1), t))); }, name);
  }
  [[nodiscard]] T log_likelihood(std::span<const std::vector<count_t>> cohorts) const { return try_log_likelihood(cohorts).value(); }

  friend constexpr bool operator==(const discrete_weibull_churn&, const discrete_weibull_churn&) = default;

 private:
  /// lambda (b^c - a^c), 0 <= a <= b, lambda = -ln(1-theta), without cancellation (the difference as
  /// a^c expm1(c log1p((b-a)/a))) and, where a power overflows T, from logarithms.
  [[nodiscard]] T step(T a, T b) const noexcept {
    const T lambda = -std::log1p(-theta);
    if (b == a) return T(0);
    if (c == T(1)) return lambda * (b - a);
    if (a == T(0)) {
      const T bc = std::pow(b, c);
      if (detail::contract_finite(bc)) return lambda * bc;
      return std::exp(std::log(lambda) + c * std::log(b));
    }
    const T e = c * std::log1p((b - a) / a);
    const T diff = std::pow(a, c) * std::expm1(e);
    if (detail::contract_finite(diff)) return lambda * diff;
    return std::exp(std::log(lambda) + c * std::log(a) + detail::log_expm1(e));
  }
  [[nodiscard]] T retention(T t) const noexcept { return c == T(1) ? T(1) - theta : std::exp(-step(t - T(1), t)); }
  /// sum_{t>=n} S(t)/S(n-1) (1+d)^-(t-n), c != 1.
  [[nodiscard]] result<T> residual(count_t n, T d, const char* name) const noexcept {
    const T base = static_cast<T>(n - 1), first = static_cast<T>(n), log_z = -std::log1p(d);
    return detail::nested_discounted_sum<T>(T(0), d, [&](count_t j) { return -step(base, first + static_cast<T>(j)) + static_cast<T>(j) * log_z; }, name);
  }
};

/**
 * @brief Power-law survival, the model nested in BdW at alpha -> 0, c -> infinity with alpha c -> k
 * (fit_boundary::power_law_survival): S(t) = min(1, (tau/t)^k) for t >= 1, S(0) = 1 (the discrete
 * Pareto). tau < 1: a share 1 - tau^k churns at period 1, the rest on the power law; tau >= 1: nobody
 * churns before period tau. Written S(t) = (tau / max(t, tau))^k for every t >= 0. Heavy-tailed: E[T]
 * is finite iff k > 1. Every member has a throwing form and a `try_` form (never throws); errors: k or
 * tau not finite or <= 0 (fields "k", "tau"), and those listed per member.
 *
 * **Example**
 *     crm::power_law_survival<> p{.k = 2, .tau = 1};  // S(t) = 1/t^2
 *     p.expected_lifetime();                          // 1 + zeta(2) = 1 + pi^2/6
 */
template <std::floating_point T = double>
struct power_law_survival {
  T k{};    ///< exponent of the power law (> 0), the limit of BdW's alpha c
  T tau{};  ///< scale in periods (> 0): S(t) = 1 up to t = tau

  /// All parameters valid (see check).
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("power_law_survival"); }
  /// k and tau finite and > 0, else an error naming `name` and the parameter.
  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    const T v[2] = {k, tau};
    const char* f[2] = {"k", "tau"};
    for (int i = 0; i < 2; ++i) {
      if (!detail::contract_finite(v[i])) return {errc::not_finite, name, f[i]};
      if (!(v[i] > T(0))) return {errc::out_of_range, name, f[i], "model parameters must be > 0"};
    }
    return {};
  }

  /// S(t) = min(1, (tau/t)^k) (S(0) = 1). Unit: probability. Errors: t < 0 ("period").
  [[nodiscard]] result<T> try_survival(count_t t) const noexcept {
    constexpr const char* name = "power_law_survival.survival";
    if (auto e = check(name)) return e;
    if (t < 0) return error_info{errc::negative, name, "period"};
    return std::exp(-k * log_ratio(g(static_cast<T>(t)), tau));
  }
  [[nodiscard]] T survival(count_t t) const { return try_survival(t).value(); }
  /// P(T = t) = S(t-1) - S(t) = S(t-1) (1 - r(t)); 0 for 1 <= t <= tau. Unit: probability. Errors: t < 1.
  [[nodiscard]] result<T> try_churn_probability(count_t t) const noexcept {
    constexpr const char* name = "power_law_survival.churn_probability";
    if (auto e = check(name)) return e;
    if (t < 1) return error_info{errc::out_of_range, name, "period", "must be >= 1"};
    const T tt = static_cast<T>(t);
    return std::exp(-k * log_ratio(g(tt - T(1)), tau)) * -std::expm1(log_retention(tt));
  }
  [[nodiscard]] T churn_probability(count_t t) const { return try_churn_probability(t).value(); }
  /// r(t) = S(t)/S(t-1) = (max(t-1, tau)/max(t, tau))^k: min(1, tau)^k at t = 1, 1 for 2 <= t <= tau,
  /// ((t-1)/t)^k beyond (rising toward 1). Unit: probability. Errors: t < 1.
  [[nodiscard]] result<T> try_retention_rate(count_t t) const noexcept {
    constexpr const char* name = "power_law_survival.retention_rate";
    if (auto e = check(name)) return e;
    if (t < 1) return error_info{errc::out_of_range, name, "period", "must be >= 1"};
    return std::exp(log_retention(static_cast<T>(t)));
  }
  [[nodiscard]] T retention_rate(count_t t) const { return try_retention_rate(t).value(); }
  /// S(0), ..., S(periods). Errors: periods < 0 or > 1e7.
  [[nodiscard]] result<std::vector<T>> try_survival_curve(count_t periods) const {
    constexpr const char* name = "power_law_survival.survival_curve";
    return detail::nested_curve<T>(check(name), periods, false, [&](T t) { return std::exp(-k * log_ratio(g(t), tau)); }, name);
  }
  [[nodiscard]] std::vector<T> survival_curve(count_t periods) const { return try_survival_curve(periods).value(); }
  /// r(1), ..., r(periods). Errors: periods < 1 or > 1e7.
  [[nodiscard]] result<std::vector<T>> try_retention_curve(count_t periods) const {
    constexpr const char* name = "power_law_survival.retention_curve";
    return detail::nested_curve<T>(check(name), periods, true, [&](T t) { return std::exp(log_retention(t)); }, name);
  }
  [[nodiscard]] std::vector<T> retention_curve(count_t periods) const { return try_retention_curve(periods).value(); }

  /// E[T] = sum_{t>=0} S(t) = 1 + m + tau^k zeta(k, m+1), m = floor(tau) (the periods 1..m with S = 1;
  /// zeta the Hurwitz zeta), finite iff k > 1. tau^k zeta(k, a) = sum_{t>=a} f(t), f(t) = (tau/t)^k:
  /// f(a), f(a+1), ..., f(b-1) summed (compensated) and the rest by the Euler-Maclaurin formula at b,
  ///   sum_{t>=b} f(t) = b f(b)/(k-1) + f(b)/2 + sum_{i=1}^{8} B_2i/(2i)! (k)_(2i-1) b^(1-2i) f(b) + R,
  /// ((k)_j the rising factorial); f is completely monotone, so |R| is at most the first omitted term
  /// (i = 9) and has its sign (Abramowitz & Stegun 23.1.32's remainder bound). b is the first a + j at
  /// which that bound is below half an ulp of the sum, or the direct sum stops where its proven tail
  /// bound int_t^inf f = t f(t)/(k-1) is. Work: at most 1e7 terms, each O(1) (b about 1.3 (k + 17) at
  /// worst, far less for tau >> k). Unit: periods. Errors: k <= 1 (infinite: `errc::out_of_range` on
  /// "k"; use the horizon or discounted forms); a result beyond T (`errc::overflow`); `errc::not_converged`.
  [[nodiscard]] result<T> try_expected_lifetime() const noexcept {
    constexpr const char* name = "power_law_survival.expected_lifetime";
    if (auto e = check(name)) return e;
    if (!(k > T(1))) return error_info{errc::out_of_range, name, "k", "the expected lifetime is infinite unless k > 1"};
    // B_2i / (2i)!, i = 1..9
    constexpr long double bernoulli[9] = {1.0L / 12,
                                          -1.0L / 720,
                                          1.0L / 30240,
                                          -1.0L / 1209600,
                                          1.0L / 47900160,
                                          -691.0L / 1307674368000,
                                          1.0L / 74724249600,
                                          -3617.0L / 10670622842880000,
                                          43867.0L / 5109094217170944000};
    const T m = std::floor(tau), km1 = k - T(1);
    detail::nested_sum<T> sum;
    sum.add(T(1) + m);
    const T eps_half = std::numeric_limits<T>::epsilon() / T(2);
    for (count_t j = 0; j < detail::contract_max_terms; ++j) {
      const T b = m + T(1) + static_cast<T>(j);
      const T fb = std::exp(-k * log_ratio(b, tau));
      const T total = sum.value();
      if (!detail::contract_finite(total)) return detail::contract_core<T>::overflowed(name);
      if (fb == T(0)) return total;  // f decreases: every further term 0 in T (k = 1e300: 3, not an overflow)
      // Euler-Maclaurin at b (skipped where its rising factorial overflows T)
      T em = b * fb / km1 + fb / T(2), factor = k / b, last = 0;  // factor = (k)_(2i-1) b^(1-2i)
      for (int i = 0; i < 9; ++i) {
        const T term = static_cast<T>(bernoulli[i]) * factor * fb;
        if (i == 8) last = term; else em += term;
        factor *= (k + T(2 * i + 1)) * (k + T(2 * i + 2)) / (b * b);
      }
      if (detail::contract_finite(em) && detail::contract_finite(last) && std::abs(last) <= eps_half * (total + em)) {
        if (!detail::contract_finite(total + em)) return detail::contract_core<T>::overflowed(name);
        return total + em;
      }
      sum.add(fb);
      if (b * fb / km1 <= eps_half * sum.value()) return sum.value();
    }
    return error_info{errc::not_converged, name, "k", "the lifetime sum needs more than 1e7 periods"};
  }
  [[nodiscard]] T expected_lifetime() const { return try_expected_lifetime().value(); }
  /// sum_{t=0}^{H-1} S(t). Unit: periods. O(H). Errors: H < 0 or > 1e7 ("horizon").
  [[nodiscard]] result<T> try_expected_lifetime(count_t horizon) const noexcept {
    constexpr const char* name = "power_law_survival.expected_lifetime";
    if (auto e = check(name)) return e;
    if (horizon < 0) return error_info{errc::negative, name, "horizon"};
    if (horizon > detail::contract_max_terms) return error_info{errc::out_of_range, name, "horizon", "at most 1e7 periods"};
    detail::nested_sum<T> sum;
    for (count_t t = 0; t < horizon; ++t) sum.add(std::exp(-k * log_ratio(g(static_cast<T>(t)), tau)));
    return sum.value();
  }
  [[nodiscard]] T expected_lifetime(count_t horizon) const { return try_expected_lifetime(horizon).value(); }
  /// DEL(d) = sum_{t>=0} S(t)/(1+d)^t = 1 + DERL(d | 0 renewals)/(1+d) (finite for every k > 0).
  /// Unit: discounted periods. The periods with S = 1 in closed form, the rest summed until the tail
  /// bound term/d is below half an ulp, at most 1e7 terms. Errors: d <= 0 or not finite
  /// ("discount_rate"); more terms needed (`errc::not_converged`).
  [[nodiscard]] result<T> try_discounted_expected_lifetime(T discount_rate) const noexcept {
    constexpr const char* name = "power_law_survival.discounted_expected_lifetime";
    if (auto e = check(name)) return e;
    if (auto e = detail::contract_core<T>::check_discount(discount_rate, name)) return e;
    const result<T> r = residual(1, discount_rate, name);
    if (!r) return r;
    return T(1) + *r / (T(1) + discount_rate);
  }
  [[nodiscard]] T discounted_expected_lifetime(T discount_rate) const { return try_discounted_expected_lifetime(discount_rate).value(); }
  /// DERL(d | n-1 renewals) = sum_{t>=n} S(t)/S(n-1)/(1+d)^(t-n), n - 1 = renewals, with
  /// S(t)/S(n-1) = (max(n-1, tau)/max(t, tau))^k: the F periods n..floor(tau) with ratio 1 in closed
  /// form, (1 - (1+d)^-F)(1+d)/d, the rest summed as DEL. Unit: discounted periods. Errors: renewals
  /// < 0 or > 2^63 - 1 - 2e7; d <= 0 or not finite; more than 1e7 terms.
  [[nodiscard]] result<T> try_discounted_expected_residual_lifetime(count_t renewals, T discount_rate) const noexcept {
    constexpr const char* name = "power_law_survival.discounted_expected_residual_lifetime";
    if (auto e = check(name)) return e;
    if (auto e = detail::check_nested_residual(renewals, discount_rate, name)) return e;
    return residual(renewals + 1, discount_rate, name);
  }
  [[nodiscard]] T discounted_expected_residual_lifetime(count_t renewals, T discount_rate) const {
    return try_discounted_expected_residual_lifetime(renewals, discount_rate).value();
  }
  /// E[RLV] = margin * DERL(d | renewals). Unit: money. Errors: those of DERL; margin negative or not
  /// finite ("margin"); a non-finite result.
  [[nodiscard]] result<T> try_residual_lifetime_value(count_t renewals, T discount_rate, T margin) const noexcept {
    return detail::nested_residual_lifetime_value(*this, renewals, discount_rate, margin, "power_law_survival.residual_lifetime_value");
  }
  [[nodiscard]] T residual_lifetime_value(count_t renewals, T discount_rate, T margin) const {
    return try_residual_lifetime_value(renewals, discount_rate, margin).value();
  }
  /// ln L of cohorts of survivor counts (as crm::sbg::log_likelihood): a churn at t contributes
  /// ln S(t-1) + ln(1 - r(t)), a customer active at her cohort's last period k ln S(k). Unit: nats.
  /// Errors: invalid cohorts (as crm::fit_sbg); a churn the model gives probability 0 (at 1 <= t <=
  /// tau) or another non-finite result (`errc::not_finite`, "the data are impossible under the model").
  [[nodiscard]] result<T> try_log_likelihood(std::span<const std::vector<count_t>> cohorts) const {
    constexpr const char* name = "power_law_survival.log_likelihood";
    return detail::nested_log_likelihood<T>(
        check(name), cohorts, [&](T t) { return -k * log_ratio(g(t), tau); },
        [&](T t) { return -k * log_ratio(g(t - T(1)), tau) + std::log(-std::expm1(log_retention(t))); }, name);
  }
  [[nodiscard]] T log_likelihood(std::span<const std::vector<count_t>> cohorts) const { return try_log_likelihood(cohorts).value(); }

  friend constexpr bool operator==(const power_law_survival&, const power_law_survival&) = default;

 private:
  /// max(u, tau): S(u) = (tau / g(u))^k.
  [[nodiscard]] T g(T u) const noexcept { return std::max(u, tau); }
  /// ln(x/y), x >= y > 0, as log1p((x-y)/y) (exact 0 for x == y, no cancellation for x near y).
  [[nodiscard]] static T log_ratio(T x, T y) noexcept { return std::log1p((x - y) / y); }
  /// ln r(t) = -k ln(g(t)/g(t-1)), t >= 1.
  [[nodiscard]] T log_retention(T t) const noexcept { return -k * log_ratio(g(t), g(t - T(1))); }
  [[nodiscard]] result<T> residual(count_t n, T d, const char* name) const noexcept {
    const T base = g(static_cast<T>(n - 1)), first = static_cast<T>(n), log_z = -std::log1p(d);
    const T top = std::floor(tau);
    const T flat = top >= first ? top - first + T(1) : T(0);  // periods n..floor(tau): ratio 1
    const T head = flat > T(0) ? -std::expm1(flat * log_z) * (T(1) + d) / d : T(0);
    const T start = first + flat;  // first period beyond tau (and beyond n-1)
    return detail::nested_discounted_sum<T>(
        head, d, [&](count_t j) { return -k * log_ratio(start + static_cast<T>(j), base) + (flat + static_cast<T>(j)) * log_z; }, name);
  }
};

/// The model nested at a boundary of an sBG or BdW fit: the discrete Weibull (homogeneous churn) or
/// power-law survival. Predict with std::visit, e.g.
///     std::visit([](const auto& m) { return m.try_survival(12); }, *nested);
template <std::floating_point T = double>
using nested_contract_model = std::variant<discrete_weibull_churn<T>, power_law_survival<T>>;

/**
 * @brief The nested model of an sBG or BdW fit that ended on a boundary (fit_options::on_boundary =
 * boundary_policy::report), to predict from (the fit's params are then not estimates):
 * fit_boundary::homogeneous_churn gives crm::discrete_weibull_churn{theta = boundary.nested_dropout,
 * c = boundary.nested_shape} (sBG: c = 1, the geometric); fit_boundary::power_law_survival (BdW) gives
 * crm::power_law_survival{k = boundary.nested_shape, tau = boundary.nested_alpha}.
 * Errors: the fit did not end on one of those boundaries (`errc::out_of_range` on "boundary": its
 * params are the estimates, or the boundary has no nested contractual model); the nested fit failed
 * (its error, fit.boundary.nested_error); the nested parameters invalid in T (the model's check).
 */
template <std::floating_point T, bool Weibull>
[[nodiscard]] result<nested_contract_model<T>> try_nested_contract_model(const fit_result<contractual_model<T, Weibull>>& fit) {
  constexpr const char* name = "nested_contract_model";
  const boundary_report& b = fit.boundary;
  if (b.where != fit_boundary::homogeneous_churn && b.where != fit_boundary::power_law_survival)
    return error_info{errc::out_of_range, name, "boundary", "the fit did not end on the boundary homogeneous_churn or power_law_survival"};
  if (!b.nested_fitted) return b.nested_error;
  if (b.where == fit_boundary::homogeneous_churn) {
    const discrete_weibull_churn<T> m{static_cast<T>(b.nested_dropout), static_cast<T>(b.nested_shape)};
    if (auto e = m.check(name)) return e;
    return nested_contract_model<T>(m);
  }
  const power_law_survival<T> m{static_cast<T>(b.nested_shape), static_cast<T>(b.nested_alpha)};
  if (auto e = m.check(name)) return e;
  return nested_contract_model<T>(m);
}

CRM_METRICS_END_NAMESPACE
