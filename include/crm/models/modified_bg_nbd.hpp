// crm-metrics: the modified BG/NBD model (Batislam, Denizel & Filiztekin 2007): likelihood, fit, predictions.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Model (E. P. Batislam, M. Denizel, A. Filiztekin, "Empirical validation and comparison of models
// for customer base analysis", International Journal of Research in Marketing 24(3), 2007, 201-209;
// "MBG/NBD"): as BG/NBD (crm/models/bg_nbd.hpp), except that the customer may also drop out right
// after the first purchase, so a customer without repeat purchases is not certainly alive.
// Likelihood: B(a, b+x+1)/B(a,b) G(r+x)/G(r) alpha^r/(alpha+T)^(r+x)
//           + B(a+1, b+x)/B(a,b) G(r+x)/G(r) alpha^r/(alpha+t_x)^(r+x).
#pragma once

#include <crm/models/bg_nbd.hpp>

CRM_METRICS_BEGIN_NAMESPACE

/**
 * @brief The modified BG/NBD model: purchase rate lambda ~ Gamma(r, alpha), drop-out probability
 * p ~ Beta(a, b) applied after the first purchase and after each repeat purchase. Each prediction has
 * a throwing form and a `try_` form; errors: a parameter not finite or <= 0, an invalid customer row
 * (see crm::validate), a negative or non-finite horizon t.
 */
template <std::floating_point T = double>
struct modified_bg_nbd {
  T r{}, alpha{}, a{}, b{};

  /// log L of one customer (weight ignored); nats.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    if (auto e = core().check_row(c, "modified_bg_nbd.log_likelihood")) return e;
    return core().log_likelihood(c.frequency, c.recency, c.age);
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(alive | x, t_x, T) = 1 / (1 + a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x)), a probability
  /// (Batislam et al. 2007); below 1 even for x = 0.
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    if (auto e = core().check_row(c, "modified_bg_nbd.probability_alive")) return e;
    return core().probability_alive(c.frequency, c.recency, c.age);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; t/(alpha+t))], repeat purchases of a
  /// new customer in (0, t] (Batislam et al. 2007; E[(1-p)/p] = b/(a-1)): the expectation of a live
  /// customer with x = T = 0 times P(alive) = b/(a+b). Finite for every a, b > 0 and finite t (a <= 1
  /// included); errors: not_converged (work bound), overflow.
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    constexpr const char* m = "modified_bg_nbd.expected_purchases";
    if (auto e = detail::bgnbd_core<T, 1>::check_horizon(t, m)) return e;
    if (auto e = core().check(m)) return e;
    const result<T> q = core().conditional_bracket(T(0), T(0), t, m);
    if (!q) return q;
    return *q * (b / (a + b));
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
  ///   2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] P(alive): a live customer has p ~ Beta(a, b+x+1)
  /// (she survived x+1 drop-out chances) and then buys 1/p times on average, as in BG/NBD.
  /// tests/modified_bg_nbd_test.cpp checks this form against a simulation of the process (a variant
  /// with (b+x)/(a-1) in front, seen in some implementations, fails it). Answered for every a, b > 0.
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m = "modified_bg_nbd.conditional_expected_purchases";
    if (auto e = core().check_row(c, m)) return e;
    if (auto e = detail::bgnbd_core<T, 1>::check_horizon(t, m)) return e;
    return core().conditional_expected(c.frequency, c.recency, c.age, t, m);
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(alive) for every customer of a summary (all rows validated first).
  [[nodiscard]] result<std::vector<T>> try_probability_alive(std::span<const rfm_row<T>> rows) const {
    return detail::batch_probability_alive(core(), rows, "modified_bg_nbd.probability_alive");
  }
  [[nodiscard]] std::vector<T> probability_alive(std::span<const rfm_row<T>> rows) const {
    return try_probability_alive(rows).value();
  }
  /// E[Y(t) | x, t_x, T] for every customer of a summary, the (x, T)-only factor computed once per pair.
  [[nodiscard]] result<std::vector<T>> try_conditional_expected_purchases(std::span<const rfm_row<T>> rows, T t) const {
    return detail::batch_conditional_expected(core(), rows, t, "modified_bg_nbd.conditional_expected_purchases");
  }
  [[nodiscard]] std::vector<T> conditional_expected_purchases(std::span<const rfm_row<T>> rows, T t) const {
    return try_conditional_expected_purchases(rows, t).value();
  }

  /// P(X(t) = n) = B(a, b+n+1)/B(a,b) NB(n) + B(a+1, b+n)/B(a,b) P(N >= n), N ~ NBD(r, alpha/(alpha+t)).
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n, T t) const {
    constexpr const char* m = "modified_bg_nbd.probability_of_purchases";
    if (auto e = core().check(m)) return e;
    if (n < 0) return error_info{errc::negative, m, "n"};
    if (auto e = detail::bgnbd_core<T, 1>::check_horizon(t, m)) return e;
    return core().probability_of_purchases(n, t);
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  [[nodiscard]] detail::bgnbd_core<T, 1> core() const noexcept { return {r, alpha, a, b}; }
};

/**
 * @brief Maximum-likelihood fit of the modified BG/NBD model (see crm::fit_options for the objective).
 * Errors: invalid rows, empty input, nobody repeats, no convergence, singular Hessian; a maximum on
 * the boundary of Beta(a, b) is named as for crm::try_fit_bg_nbd (or reported in the result's
 * `boundary` member with fit_options::on_boundary = boundary_policy::report).
 */
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<modified_bg_nbd<T>>> try_fit_modified_bg_nbd(std::span<const rfm_row<T>> rows,
                                                                            const fit_options& opt = {}) {
  return detail::fit_bgnbd_family<T, 1, modified_bg_nbd<T>>(rows, opt, "fit_modified_bg_nbd");
}
template <std::floating_point T = double>
[[nodiscard]] fit_result<modified_bg_nbd<T>> fit_modified_bg_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return try_fit_modified_bg_nbd<T>(rows, opt).value();
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<modified_bg_nbd<T>>> try_fit_modified_bg_nbd(const std::vector<rfm_row<T>>& rows,
                                                                            const fit_options& opt = {}) {
  return try_fit_modified_bg_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}
template <std::floating_point T>
[[nodiscard]] fit_result<modified_bg_nbd<T>> fit_modified_bg_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_modified_bg_nbd<T>(std::span<const rfm_row<T>>(rows), opt).value();
}

/**
 * @brief The model a modified BG/NBD fit names at a, b -> 0 (fit_boundary::a_and_b_to_zero, with
 * boundary_policy::report): there a share pi = a/(a+b) drops out at time 0 and makes no purchase, the rest
 * never drop out, which is the zero-inflated NBD with the fitted limit's r and alpha (the fit's a and b are
 * a point on the way, a = pi 1e-10, b = (1 - pi) 1e-10: predict from this model instead). Errors: the fit
 * did not end there (errc::out_of_range on "boundary").
 */
template <std::floating_point T>
[[nodiscard]] result<zero_inflated_nbd<T>> try_zero_inflated_estimates(const fit_result<modified_bg_nbd<T>>& fit) {
  if (fit.boundary.where != fit_boundary::a_and_b_to_zero)
    return error_info{errc::out_of_range, "zero_inflated_estimates", "boundary", "the fit did not end on the corner a, b -> 0"};
  return zero_inflated_nbd<T>{fit.params.r, fit.params.alpha, fit.params.a / (fit.params.a + fit.params.b)};
}

/**
 * @brief Maximum-likelihood fit of the zero-inflated NBD (crm::zero_inflated_nbd): a share pi of the customers
 * makes no repeat purchase at all, the rest buy as the NBD, lambda ~ Gamma(r, alpha), and never drop out; the
 * limit the modified BG/NBD (a, b -> 0) and Pareto/NBD (s, beta -> 0) name at their corners, fitted by the same
 * code: for fixed (r, alpha) ln L is concave in pi and pi is found by Newton's method in a bracket, (r, alpha)
 * are fitted on that profile (BFGS, then the fit's Newton certification). Standard errors and `covariance`: the
 * inverse Hessian of -ln L in (r, alpha, pi) at the maximum (central differences of the analytic gradient). Where
 * the maximum has pi = 0 (no more customers without repeat purchases than the NBD expects), pi is 0 with standard
 * error 0 and its row and column of `covariance` 0 (held: the intervals never move it), r and alpha the NBD's.
 * ln L in nats (crm::zero_inflated_nbd::log_likelihood summed with the rows' weights).
 * fit_options: the interrupt only (the profile's fit runs with the library's tolerances); a penalizer is refused.
 * Errors: invalid rows (crm::validate) or fit_options, a penalizer > 0 (`errc::out_of_range`, field
 * "fit_options.penalizer"); nobody made a repeat purchase (`errc::not_identifiable`, field "frequency": r and
 * alpha are not identified); no convergence; a Hessian that is not positive definite (`errc::not_identifiable`,
 * field "parameters").
 */
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<zero_inflated_nbd<T>>> try_fit_zero_inflated_nbd(std::span<const rfm_row<T>> rows,
                                                                                const fit_options& opt = {}) {
  return detail::fit_zero_limit_model<T, 1, zero_inflated_nbd<T>>(rows, opt, "fit_zero_inflated_nbd");
}
template <std::floating_point T = double>
[[nodiscard]] fit_result<zero_inflated_nbd<T>> fit_zero_inflated_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return try_fit_zero_inflated_nbd<T>(rows, opt).value();
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<zero_inflated_nbd<T>>> try_fit_zero_inflated_nbd(const std::vector<rfm_row<T>>& rows,
                                                                                const fit_options& opt = {}) {
  return try_fit_zero_inflated_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}
template <std::floating_point T>
[[nodiscard]] fit_result<zero_inflated_nbd<T>> fit_zero_inflated_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_zero_inflated_nbd<T>(std::span<const rfm_row<T>>(rows), opt).value();
}

CRM_METRICS_END_NAMESPACE
