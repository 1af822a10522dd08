// crm-metrics: the NBD model of repeat buying (no drop-out): likelihood, fit, predictions, and the
// likelihood-ratio comparison with a model that nests it on the boundary of its parameter space.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Model (A. S. C. Ehrenberg, "The Pattern of Consumer Purchases", Applied Statistics 8(1), 1959;
// the Poisson-gamma mixture of Greenwood & Yule 1920): every customer stays active and buys as a
// Poisson process with rate lambda ~ Gamma(r, alpha) (shape r, rate alpha). It is the limit of
// BG/NBD and the modified BG/NBD as a -> 0 (drop-out probability p ~ Beta(a, b) concentrates at 0)
// and of Pareto/NBD as the death rate mu ~ Gamma(s, beta) vanishes (s -> 0 or beta -> infinity): the
// nested model a fit of those reports when its likelihood is maximised on that boundary
// (crm::fit_options::on_boundary, crm::boundary_report).
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/data.hpp>
#include <crm/models/detail/optimize.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {
/// One customer's NBD ln L for r >= 100, ln G(r+x) - ln G(r) + r ln alpha - (r+x) ln(alpha+T) in small parts:
/// log_rising_large(r, x) - r log1p(T/alpha) - x ln(alpha+T) (on the purchase-rate ridge r, alpha -> infinity,
/// lgamma(r) and r ln alpha are of the size of r ln r and their differences lose every digit beyond r of
/// about 1e14: at r = 1e12 the plain form was 0.02 nats off on 5 customers, 2026-12-07). `l1` = log1p(T/alpha).
template <std::floating_point T>
[[nodiscard]] T nbd_log_likelihood_large_r(T r, T alpha, T x, T age, T l1) noexcept {
  return log_rising_large(r, x) - r * l1 - (x > T(0) ? x * std::log(alpha + age) : T(0));
}
template <std::floating_point T>
[[nodiscard]] T nbd_log_likelihood_large_r(T r, T alpha, T x, T age) noexcept {
  return nbd_log_likelihood_large_r(r, alpha, x, age, std::log1p(age / alpha));
}
}  // namespace detail

/**
 * @brief The NBD model: purchase rate lambda ~ Gamma(r, alpha) (alpha a rate in the data's time unit),
 * nobody drops out. Each prediction has a throwing and a `try_` form; errors: a parameter not finite
 * or <= 0 (field "r", "alpha"), an invalid customer row (crm::validate), a negative or non-finite
 * horizon t (field "t"), n < 0 (field "n").
 */
template <std::floating_point T = double>
struct nbd {
  T r{}, alpha{};

  [[nodiscard]] error_info check(const char* model) const noexcept {
    if (!std::isfinite(r) || !(r > T(0))) return {errc::out_of_range, model, "r", "must be finite and > 0"};
    if (!std::isfinite(alpha) || !(alpha > T(0))) return {errc::out_of_range, model, "alpha", "must be finite and > 0"};
    return {};
  }

  /// log L of one customer (weight ignored): ln G(r+x) - ln G(r) + r ln alpha - (r+x) ln(alpha+T), the
  /// density of the observed purchase times (the BG/NBD likelihood, FHL 2005 eq. 6, as a -> 0); nats.
  /// t_x does not enter: nobody drops out.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    constexpr const char* m = "nbd.log_likelihood";
    if (auto e = check_row(c, m)) return e;
    if (r >= T(100)) return detail::nbd_log_likelihood_large_r(r, alpha, c.frequency, c.age);  // (its comment)
    return detail::log_gamma(r + c.frequency) - detail::log_gamma(r) + r * std::log(alpha) - (r + c.frequency) * std::log(alpha + c.age);
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(alive | history) = 1: nobody drops out (so the NBD stands in for a drop-out model wherever one
  /// is asked for P(alive), e.g. a forecast from a fit that ended on the NBD limit). Errors: the
  /// parameters, an invalid row.
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    if (auto e = check_row(c, "nbd.probability_alive")) return e;
    return T(1);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = r t / alpha: expected purchases of a new customer in (0, t].
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    constexpr const char* m = "nbd.expected_purchases";
    if (auto e = check(m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    const T v = r / alpha * t;
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result"};
    return v;
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, T] = (r+x) t / (alpha+T): the posterior mean rate Gamma(r+x, alpha+T) times t.
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m = "nbd.conditional_expected_purchases";
    if (auto e = check_row(c, m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    const T v = (r + c.frequency) / (alpha + c.age) * t;
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result"};
    return v;
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(X(t) = n) = G(r+n)/(G(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n, the negative binomial
  /// distribution of purchases of a new customer in (0, t].
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n_count, T t) const {
    constexpr const char* m = "nbd.probability_of_purchases";
    if (auto e = check(m)) return e;
    if (n_count < 0) return error_info{errc::negative, m, "n"};
    if (auto e = check_horizon(t, m)) return e;
    if (t == T(0)) return n_count == 0 ? T(1) : T(0);
    const T n = to_number<T>(n_count);
    return std::exp(detail::log_gamma(r + n) - detail::log_gamma(r) - detail::log_gamma(n + T(1)) + r * (std::log(alpha) - std::log(alpha + t)) +
                    n * (std::log(t) - std::log(alpha + t)));
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  [[nodiscard]] error_info check_row(const rfm_row<T>& c, const char* m) const noexcept { return detail::check_model_row(*this, c, m); }
  [[nodiscard]] static error_info check_horizon(T t, const char* m) noexcept { return detail::check_horizon(t, m); }
};

/**
 * @brief The zero-inflated NBD: a share pi of the customers dies at once (makes no repeat purchase at all),
 * the rest buy as the NBD (lambda ~ Gamma(r, alpha)) and never drop out. It is the limit of Pareto/NBD at
 * s, beta -> 0 with s ln(1/beta) -> -ln(1 - pi) (fit_boundary::s_and_beta_to_zero) and of the modified
 * BG/NBD at a, b -> 0 with a/(a+b) -> pi (a_and_b_to_zero): the model those fits name there, to predict
 * from (crm::try_zero_inflated_estimates; docs/models.md, "The whole boundary at zero"). Each prediction
 * has a throwing and a `try_` form; errors: r or alpha not finite or <= 0, pi not finite or outside
 * [0, 1) (field "pi"), an invalid customer row (crm::validate), a negative or non-finite horizon t, n < 0.
 */
template <std::floating_point T = double>
struct zero_inflated_nbd {
  T r{}, alpha{}, pi{};

  [[nodiscard]] error_info check(const char* model) const noexcept {
    if (auto e = nbd<T>{r, alpha}.check(model)) return e;
    if (!std::isfinite(pi) || !(pi >= T(0)) || !(pi < T(1))) return {errc::out_of_range, model, "pi", "must be finite, >= 0 and < 1"};
    return {};
  }

  /// log L of one customer (weight ignored): ln((1 - pi) (alpha/(alpha+T))^r + pi) without repeat purchases,
  /// ln(1 - pi) + the NBD's log L (crm::nbd::log_likelihood) with x > 0; nats.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    constexpr const char* m = "zero_inflated_nbd.log_likelihood";
    if (auto e = check_row(c, m)) return e;
    if (c.frequency > T(0)) return std::log1p(-pi) + *nbd<T>{r, alpha}.try_log_likelihood(c);
    return std::log((T(1) - pi) * none(c.age) + pi);
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(alive | x, t_x, T): 1 after a repeat purchase; without one, the posterior share of the NBD's buyers,
  /// (1 - pi) A / ((1 - pi) A + pi) with A = (alpha/(alpha+T))^r, the NBD's P(no purchase in (0, T]).
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    if (auto e = check_row(c, "zero_inflated_nbd.probability_alive")) return e;
    return alive(c);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = (1 - pi) r t / alpha: expected repeat purchases of a new customer in (0, t].
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    constexpr const char* m = "zero_inflated_nbd.expected_purchases";
    if (auto e = check(m)) return e;
    if (auto e = detail::check_horizon(t, m)) return e;
    const T v = (T(1) - pi) * (r / alpha * t);
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result"};
    return v;
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, t_x, T] = P(alive | x, t_x, T) (r+x) t / (alpha+T): the NBD's posterior mean rate for the
  /// customers who buy at all.
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m = "zero_inflated_nbd.conditional_expected_purchases";
    if (auto e = check_row(c, m)) return e;
    if (auto e = detail::check_horizon(t, m)) return e;
    const T v = alive(c) * ((r + c.frequency) / (alpha + c.age) * t);
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result"};
    return v;
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(X(t) = n) = (1 - pi) NBD(n; r, alpha/(alpha+t)) + pi [n = 0]: purchases of a new customer in (0, t].
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n, T t) const {
    constexpr const char* m = "zero_inflated_nbd.probability_of_purchases";
    if (auto e = check(m)) return e;
    const result<T> p = nbd<T>{r, alpha}.try_probability_of_purchases(n, t);
    if (!p) return error_info{p.error().code, m, p.error().field, p.error().detail};
    return (T(1) - pi) * *p + (n == 0 ? pi : T(0));
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  [[nodiscard]] error_info check_row(const rfm_row<T>& c, const char* m) const noexcept { return detail::check_model_row(*this, c, m); }
  /// (alpha/(alpha+T))^r, the NBD's probability of no purchase in (0, T]
  [[nodiscard]] T none(T age) const noexcept { return std::exp(-r * std::log1p(age / alpha)); }
  [[nodiscard]] T alive(const rfm_row<T>& c) const noexcept {
    if (c.frequency > T(0)) return T(1);
    const T buyers = (T(1) - pi) * none(c.age);
    return buyers / (buyers + pi);
  }
};

/**
 * @brief The NBD with drop-out at the first repeat purchase: a share pi of the customers drops out right after
 * their first repeat purchase (they make at most one), the rest buy as the NBD (lambda ~ Gamma(r, alpha)) and never
 * drop out. It is the limit of BG/NBD at a, b -> 0 with a/(a+b) -> pi (fit_boundary::a_and_b_to_zero; pi = 1 at
 * b_to_zero), where every drop-out probability is 0 or 1 and BG/NBD drops out only after repeat purchases (FHL
 * 2005): the model those fits name there, to predict from (crm::try_first_repeat_dropout_estimates; docs/models.md,
 * "The whole boundary at zero"). Each prediction has a throwing and a `try_` form; errors: r or alpha not finite or
 * <= 0, pi not finite or outside [0, 1] (field "pi"), an invalid customer row (crm::validate), at pi = 1 a customer
 * with two or more repeat purchases (impossible there: errc::out_of_range on "frequency"), a negative or non-finite
 * horizon t, n < 0.
 */
template <std::floating_point T = double>
struct first_repeat_dropout_nbd {
  T r{}, alpha{}, pi{};

  [[nodiscard]] error_info check(const char* model) const noexcept {
    if (auto e = nbd<T>{r, alpha}.check(model)) return e;
    if (!std::isfinite(pi) || !(pi >= T(0)) || !(pi <= T(1))) return {errc::out_of_range, model, "pi", "must be finite and in [0, 1]"};
    return {};
  }

  /// log L of one customer (weight ignored), A_s = G(r+x)/G(r) alpha^r/(alpha+s)^(r+x): ln A_T without repeat
  /// purchases, ln((1 - pi) A_T + pi A_tx) with one, ln(1 - pi) + ln A_T with more (-infinity at pi = 1: impossible); nats.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    constexpr const char* m = "first_repeat_dropout_nbd.log_likelihood";
    if (auto e = detail::check_model_row(*this, c, m)) return e;
    const T at = *nbd<T>{r, alpha}.try_log_likelihood(c);
    if (c.frequency == T(0)) return at;
    if (c.frequency > T(1)) return std::log1p(-pi) + at;
    return detail::log_add_exp(std::log1p(-pi) + at, std::log(pi) + at + (r + T(1)) * (std::log(alpha + c.age) - std::log(alpha + c.recency)));
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(alive | x, t_x, T): 1 without a repeat purchase (nobody has dropped out yet) and after two or more; after
  /// one, the posterior share of the NBD's buyers, (1 - pi) A_T / ((1 - pi) A_T + pi A_tx).
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    if (auto e = check_row(c, "first_repeat_dropout_nbd.probability_alive")) return e;
    return alive(c);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = (1 - pi) r t / alpha + pi (1 - (alpha/(alpha+t))^r): expected repeat purchases of a new customer
  /// in (0, t] (those who drop out make one if they buy at all).
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    constexpr const char* m = "first_repeat_dropout_nbd.expected_purchases";
    if (auto e = check(m)) return e;
    if (auto e = detail::check_horizon(t, m)) return e;
    const T v = (T(1) - pi) * (r / alpha * t) + pi * -std::expm1(-r * std::log1p(t / alpha));
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result"};
    return v;
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, t_x, T]: (r+x) t/(alpha+T) after two or more repeat purchases, P(alive) (r+1) t/(alpha+T) after
  /// one, and without any (1 - pi) r t/(alpha+T) + pi (1 - ((alpha+T)/(alpha+T+t))^r) (both kinds equally likely
  /// given no purchase; lambda's posterior Gamma(r, alpha+T)).
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m = "first_repeat_dropout_nbd.conditional_expected_purchases";
    if (auto e = check_row(c, m)) return e;
    if (auto e = detail::check_horizon(t, m)) return e;
    const T rate = t / (alpha + c.age);
    const T v = c.frequency > T(0) ? alive(c) * ((r + c.frequency) * rate)
                                   : (T(1) - pi) * (r * rate) + pi * -std::expm1(-r * std::log1p(rate));
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result"};
    return v;
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(X(t) = n) = (1 - pi) NBD(n) + pi (P0 [n = 0] + (1 - P0) [n = 1]), P0 = (alpha/(alpha+t))^r: purchases of a
  /// new customer in (0, t].
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n, T t) const {
    constexpr const char* m = "first_repeat_dropout_nbd.probability_of_purchases";
    if (auto e = check(m)) return e;
    const result<T> p = nbd<T>{r, alpha}.try_probability_of_purchases(n, t);
    if (!p) return error_info{p.error().code, m, p.error().field, p.error().detail};
    const T none = std::exp(-r * std::log1p(t / alpha));
    return (T(1) - pi) * *p + pi * (n == 0 ? none : n == 1 ? T(1) - none : T(0));
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  /// The row's checks, and at pi = 1 (everyone drops out at the first repeat purchase) a second repeat purchase is
  /// impossible: no posterior to predict from.
  [[nodiscard]] error_info check_row(const rfm_row<T>& c, const char* m) const noexcept {
    if (auto e = detail::check_model_row(*this, c, m)) return e;
    if (pi == T(1) && c.frequency > T(1))
      return {errc::out_of_range, m, "frequency", "must be 0 or 1 when pi = 1 (every customer drops out at the first repeat purchase)"};
    return {};
  }
  [[nodiscard]] T alive(const rfm_row<T>& c) const noexcept {
    if (c.frequency != T(1) || pi == T(0)) return T(1);
    if (pi == T(1)) return T(0);
    // (1 - pi) A_T / ((1 - pi) A_T + pi A_tx) = 1 / (1 + pi/(1 - pi) ((alpha+T)/(alpha+t_x))^(r+1))
    return T(1) / (T(1) + pi / (T(1) - pi) * std::exp((r + T(1)) * (std::log(alpha + c.age) - std::log(alpha + c.recency))));
  }
};

namespace detail {
/// Total negative log-likelihood of the NBD and its gradient in (r, alpha). From r = 100 on each customer's
/// term is nbd_log_likelihood_large_r (far out on the ridge the plain form's ln L stood above the Poisson
/// limit it tends to, by 0.037 nats on 5 customers, before 2026-12-07), its r-derivative
/// digamma_rising_large(r, x) - log1p(T/alpha), and the alpha-derivative (r T - x alpha) / (alpha (alpha+T)).
template <std::floating_point T>
[[nodiscard]] double nbd_nll(std::span<const rfm_row<T>> rows, const vec<2>& th, vec<2>& grad) {
  const T r = static_cast<T>(th[0]), alpha = static_cast<T>(th[1]);
  T ll = 0, gr = 0, galpha = 0;
  if (r >= T(100)) {
    for (const rfm_row<T>& c : rows) {
      const T x = c.frequency, l1 = std::log1p(c.age / alpha);
      ll += c.weight * nbd_log_likelihood_large_r(r, alpha, x, c.age, l1);
      gr += c.weight * (digamma_rising_large(r, x) - l1);
      galpha += c.weight * ((r * c.age - x * alpha) / (alpha * (alpha + c.age)));
    }
  } else {
    const T lg_r = detail::log_gamma(r), dg_r = digamma(r), log_alpha = std::log(alpha);
    for (const rfm_row<T>& c : rows) {
      const T x = c.frequency, la = std::log(alpha + c.age);
      ll += c.weight * (detail::log_gamma(r + x) - lg_r + r * log_alpha - (r + x) * la);
      gr += c.weight * (digamma(r + x) - dg_r + log_alpha - la);
      galpha += c.weight * (r / alpha - (r + x) / (alpha + c.age));
    }
  }
  grad = {-static_cast<double>(gr), -static_cast<double>(galpha)};
  const double v = -static_cast<double>(ll);
  return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
}

/// The Poisson limit of the NBD (r, alpha -> infinity with r/alpha = lambda: one purchase rate for all
/// customers): lambda = sum w x / sum w T, its ln L = sum w (x ln lambda - lambda T) (the limit of the NBD's
/// ln L, which has no x! terms), and the score for overdispersion there, the derivative of the NBD's ln L
/// in 1/r at 1/r = 0 with lambda at its maximum: S = sum w ((x - lambda T)^2 - x) / 2 (the score of the
/// negative binomial's variance term at 0, the NB2 model of Cameron & Trivedi 1986, J. Applied
/// Econometrics 1(1): the NBD's variance is lambda T + (lambda T)^2 / r). S <= 0: no small heterogeneity
/// raises the likelihood above the Poisson's (nats per unit of 1/r).
template <std::floating_point T>
struct poisson_limit {
  T lambda{};
  T log_likelihood{};
  T overdispersion_score{};
};
template <std::floating_point T>
[[nodiscard]] poisson_limit<T> nbd_poisson_limit(std::span<const rfm_row<T>> rows, T purchases, T exposure) {
  poisson_limit<T> out;
  out.lambda = purchases / exposure;
  const T log_lambda = std::log(out.lambda);
  for (const rfm_row<T>& c : rows) {
    const T d = c.frequency - out.lambda * c.age;
    out.log_likelihood += c.weight * (c.frequency * log_lambda - out.lambda * c.age);
    out.overdispersion_score += c.weight * (d * d - c.frequency) / T(2);
  }
  return out;
}
/// Whether a limit's ln L is at least `ll`, within 1e-9 relative.
[[nodiscard]] inline bool limit_as_likely(double ll, double limit) noexcept {
  return limit >= ll - 1e-9 * std::max(1.0, std::abs(ll));
}
inline constexpr const char* nbd_poisson_detail =
    "the counts are no more dispersed than a Poisson's: the likelihood is maximised at r, alpha -> infinity with "
    "r/alpha fixed (one purchase rate for all customers), where the NBD has no estimate";
}  // namespace detail

/**
 * @brief Maximum-likelihood fit of the NBD to per-customer (frequency, recency, T, weight) rows
 * (objective and standard errors as every model fit, crm::fit_options; `on_boundary` does not apply).
 * Errors: invalid rows, empty input, nobody repeats (errc::not_identifiable: the rate is 0), counts no
 * more dispersed than a Poisson's (errc::not_identifiable, field "r": the supremum is the Poisson at
 * r, alpha -> infinity, lambda = sum w x / sum w T, which the fit's ln L reaches within 1e-9 relative,
 * or, when the optimizer fails, which is at least as likely as every point it reached while the
 * overdispersion score there, detail::nbd_poisson_limit, is at most 0; an unpenalised fit), no
 * convergence (errc::not_converged), a singular Hessian (errc::not_identifiable).
 */
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<nbd<T>>> try_fit_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  constexpr const char* model = "fit_nbd";
  if (auto e = validate(rows, model)) return e;
  if (auto e = detail::check_fit_options(model, opt)) return e;
  T customers = 0, purchases = 0, exposure = 0;
  for (const rfm_row<T>& c : rows) customers += c.weight, purchases += c.weight * c.frequency, exposure += c.weight * c.age;
  if (!(purchases > T(0))) return error_info{errc::not_identifiable, model, "frequency", "nobody made a repeat purchase"};
  double best = std::numeric_limits<double>::infinity();  // the least -ln L the optimizer reached
  const auto nll = [rows, &best](const detail::vec<2>& th, detail::vec<2>& g) {
    const double v = detail::nbd_nll<T>(rows, th, g);
    best = std::min(best, v);
    return v;
  };
  // Start at r = 1 with the moment estimate of the mean rate: r / alpha = purchases / exposure.
  const double start_alpha = std::max(static_cast<double>(exposure / purchases), 1e-6);
  convergence last{};
  const auto f = detail::fit_positive<2>(nll, {1.0, start_alpha}, static_cast<double>(customers), opt, model, nullptr, &last, {false, true});
  // The Poisson limit (r, alpha -> infinity with r/alpha = lambda: one purchase rate for all), where the NBD's
  // ln L tends to sum w (x ln lambda - lambda T), maximised at lambda = purchases / exposure. Counts no more
  // dispersed than a Poisson's have their supremum there: a fit as likely as it (within 1e-9 relative) stopped on
  // the way out (before 2026-12-06 returned as an estimate, r = 1.2e7 with a standard error of 8e7). An optimizer
  // that failed on the way out (a failed line search or a Hessian not positive definite on the flat ridge, before
  // 2026-12-07 returned as such) is diagnosed the same way when the Poisson is at least as likely as every point
  // it reached and no small overdispersion raises the likelihood (score <= 0).
  if (opt.penalizer == 0.0 && (f || last.reason != stop_reason::interrupted)) {
    const auto poisson = detail::nbd_poisson_limit<T>(rows, purchases, exposure);
    const double limit = static_cast<double>(poisson.log_likelihood);
    if (f ? detail::limit_as_likely(f->log_likelihood, limit)
          : std::isfinite(best) && detail::limit_as_likely(-best, limit) && !(poisson.overdispersion_score > T(0)))
      return error_info{errc::not_identifiable, model, "r", detail::nbd_poisson_detail};
  }
  if (!f) return f.error();
  return detail::to_fit_result<nbd<T>>(*f, [](const detail::vec<2>& v) { return nbd<T>{static_cast<T>(v[0]), static_cast<T>(v[1])}; });
}
template <std::floating_point T = double>
[[nodiscard]] fit_result<nbd<T>> fit_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return try_fit_nbd<T>(rows, opt).value();
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<nbd<T>>> try_fit_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}
template <std::floating_point T>
[[nodiscard]] fit_result<nbd<T>> fit_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_nbd<T>(std::span<const rfm_row<T>>(rows), opt).value();
}

/**
 * @brief The likelihood-ratio test of a model against a nested model obtained by putting ONE of its
 * parameters on the boundary of the parameter space: statistic 2 (ln L_full - ln L_nested) (0 when
 * rounding makes it negative) and its p-value under the null, where the statistic is distributed as
 * the mixture 0.5 chi2_0 + 0.5 chi2_1 (S. G. Self & K.-Y. Liang, "Asymptotic Properties of Maximum
 * Likelihood Estimators and Likelihood Ratio Tests Under Nonstandard Conditions", JASA 82(398), 1987,
 * case 5): p = 0.5 P(chi2_1 >= stat) = 0.5 erfc(sqrt(stat / 2)) for stat > 0, and 1 for stat = 0.
 * A statistic below 1e-6 counts as 0: two fits that both stop at a relative objective change of
 * 1e-12 leave that much noise in the difference of log-likelihoods of up to 10^6 in size.
 * Caveat: Self & Liang's result assumes the other parameters are identified under the null. At the
 * NBD limit of BG/NBD (a -> 0) b is not (any b gives the NBD), so the mixture is an approximation
 * there (Davies' problem; the p-value may be too small); docs/models.md says so too.
 * Errors: a log-likelihood not finite (errc::not_finite, field "log_likelihood").
 */
struct likelihood_ratio {
  double statistic = 0.0;  ///< 2 (ln L_full - ln L_nested), >= 0
  double p_value = 1.0;    ///< P(0.5 chi2_0 + 0.5 chi2_1 >= statistic)
};
[[nodiscard]] inline result<likelihood_ratio> try_boundary_likelihood_ratio(double full_log_likelihood, double nested_log_likelihood) {
  constexpr const char* m = "boundary_likelihood_ratio";
  if (!std::isfinite(full_log_likelihood) || !std::isfinite(nested_log_likelihood))
    return error_info{errc::not_finite, m, "log_likelihood"};
  likelihood_ratio out;
  const double stat = 2.0 * (full_log_likelihood - nested_log_likelihood);
  out.statistic = stat < 1e-6 ? 0.0 : stat;
  out.p_value = out.statistic > 0.0 ? 0.5 * std::erfc(std::sqrt(out.statistic / 2.0)) : 1.0;
  return out;
}
[[nodiscard]] inline likelihood_ratio boundary_likelihood_ratio(double full_log_likelihood, double nested_log_likelihood) {
  return try_boundary_likelihood_ratio(full_log_likelihood, nested_log_likelihood).value();
}

namespace detail {
/// The purchase-rate ridge of BG/NBD, the modified BG/NBD and Pareto/NBD: r, alpha -> infinity with r/alpha
/// fixed (one purchase rate for all customers, whose Gamma has a coefficient of variation 1/sqrt(r)). A
/// converged unpenalised fit with r >= purchase_ridge_check_r is on it when ln L at (10 r, 10 alpha), the
/// other parameters unchanged, is at least its own (within 1e-9 relative): the likelihood is flat or rises
/// toward the limit, where the model has no estimate (errc::not_identifiable, field "r"). `nll(theta, grad)`
/// is the fit's objective, -ln L at natural parameters.
inline constexpr double purchase_ridge_check_r = 100.0;
template <std::size_t N, class Nll>
[[nodiscard]] error_info purchase_rate_ridge(Nll&& nll, const vec<N>& theta, double log_likelihood, const char* model) {
  if (!(theta[0] >= purchase_ridge_check_r)) return {};
  vec<N> out = theta, g{};
  out[0] *= 10.0, out[1] *= 10.0;
  const double v = -nll(out, g);
  if (std::isfinite(v) && v >= log_likelihood - 1e-9 * std::max(1.0, std::abs(log_likelihood)))
    return {errc::not_identifiable, model, "r",
            "the likelihood rises toward r, alpha -> infinity with r/alpha fixed (one purchase rate for all customers), a limit "
            "the fit does not name: no estimate"};
  return {};
}

/// A failed fit (not interrupted, not stopped by max_iterations or a non-finite point) or a fit stopped on a
/// boundary whose last point has r >= purchase_ridge_name_r (the purchase rates' Gamma with a coefficient of
/// variation below 1 %) ran along the purchase-rate ridge: purchase_ridge_error names it, or with a drop-out
/// boundary (`no_dropout`: a -> 0, s -> 0, beta -> infinity) the corner with the Poisson, instead of the
/// optimizer's error or a boundary report whose nested NBD has no estimate (and whose ln L at r = 1e21 had lost
/// every digit: reported as 0).
inline constexpr double purchase_ridge_name_r = 1e4;
[[nodiscard]] inline error_info purchase_ridge_error(const char* model, bool no_dropout) noexcept {
  if (no_dropout)
    return {errc::not_identifiable, model, "r",
            "the optimizer ran to r, alpha -> infinity with r/alpha fixed and no drop-out (one purchase rate for all customers and "
            "nobody dropping out: the Poisson), a corner the fit does not name: no estimate"};
  return {errc::not_identifiable, model, "r",
          "the optimizer ran to r, alpha -> infinity with r/alpha fixed (one purchase rate for all customers), a limit the fit does "
          "not name: no estimate"};
}
/// The same ridge tested on the way (Pareto/NBD and its homogeneous model, whose likelihoods out there
/// cost the most and lose their digits, so an optimizer run on spends its evaluations in line searches):
/// at a finite point `theta` (r, alpha first) with r >= purchase_ridge_name_r whose objective `here`
/// (-ln L) is within 1e-9 relative of the least seen so far, `best`, the objective at (r/10, alpha/10),
/// the rest unchanged, is computed (inward, where the terms keep their digits); true when it is no
/// smaller (ln L rises toward the limit): the fit stops there and names the ridge. At most three tests
/// per fit (`tests` counts them).
template <std::size_t N, class Nll>
[[nodiscard]] bool purchase_ridge_on_the_way(Nll&& nll, const vec<N>& theta, double here, double best, int& tests) {
  const double tol = 1e-9 * std::max(1.0, std::abs(here));
  if (tests >= 3 || !std::isfinite(here) || !(theta[0] >= purchase_ridge_name_r) || here > best + tol) return false;
  ++tests;
  vec<N> inward = theta, g{};
  inward[0] /= 10.0, inward[1] /= 10.0;
  const double v = nll(inward, g);
  return std::isfinite(v) && here <= v + tol;
}
[[nodiscard]] inline bool ran_along_purchase_ridge(bool failed, const vec<4>& last_point, const convergence& last, const fit_options& opt) noexcept {
  return failed && opt.penalizer == 0.0 && last.reason != stop_reason::interrupted && last.reason != stop_reason::max_iterations &&
         last.reason != stop_reason::not_finite && last_point[0] >= purchase_ridge_name_r;
}

/// Fills the nested-NBD part of a boundary report: the NBD fitted to the same rows, its standard
/// errors and log-likelihood, and the likelihood-ratio comparison with the full model's ln L.
template <std::floating_point T>
void report_nested_nbd(boundary_report& rep, std::span<const rfm_row<T>> rows, double full_log_likelihood);

/// The result of a 4-parameter fit that ended on a boundary (boundary_policy::report): the last point
/// `at` as parameters (`make` builds the model), standard errors +infinity, ln L at that point, the
/// optimizer's report, and the boundary report with the nested NBD.
template <class Model, std::floating_point T, class Make>
[[nodiscard]] fit_result<Model> boundary_fit_result(const vec<4>& at, double log_likelihood, std::span<const rfm_row<T>> rows,
                                                    double customers, const convergence& last, fit_boundary where, Make&& make) {
  fit_result<Model> out;
  out.params = make(at);
  const double inf = std::numeric_limits<double>::infinity();
  out.standard_errors = make(vec<4>{inf, inf, inf, inf});
  out.log_likelihood = log_likelihood;
  out.customers = customers;
  out.report = last;
  out.boundary.where = where;
  out.boundary.description = describe(where);
  // the homogeneous boundaries: the caller fills the nested part (crm/models/homogeneous.hpp)
  if (where != fit_boundary::homogeneous_dropout && where != fit_boundary::homogeneous_death_rate)
    report_nested_nbd<T>(out.boundary, rows, log_likelihood);
  return out;
}

template <std::floating_point T>
void report_nested_nbd(boundary_report& rep, std::span<const rfm_row<T>> rows, double full_log_likelihood) {
  const auto n = try_fit_nbd<T>(rows);
  if (!n) {
    rep.nested_error = n.error();
    return;
  }
  rep.nested_fitted = true;
  rep.nested_parameters = 2;
  rep.nested_r = static_cast<double>(n->params.r), rep.nested_alpha = static_cast<double>(n->params.alpha);
  rep.nested_r_se = static_cast<double>(n->standard_errors.r), rep.nested_alpha_se = static_cast<double>(n->standard_errors.alpha);
  rep.nested_log_likelihood = n->log_likelihood;
  rep.nested_covariance = n->covariance;  // (r, alpha), the fit's inverse Hessian
  const auto lr = try_boundary_likelihood_ratio(full_log_likelihood, n->log_likelihood);
  if (lr) rep.lr_statistic = lr->statistic, rep.lr_p_value = lr->p_value;
}
}  // namespace detail

CRM_METRICS_END_NAMESPACE
