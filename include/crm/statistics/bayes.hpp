// crm-metrics: Bayesian A/B comparison: the probability that variant B's rate beats A's, from Beta posteriors.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Customization points: none.
#pragma once

#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>
#include <crm/statistics/detail/math.hpp>
#include <crm/statistics/proportion.hpp>

#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include <cmath>
#include <limits>

CRM_METRICS_BEGIN_NAMESPACE

/// Beta(alpha, beta) prior of a rate, shared by both variants. Beta(1, 1) (uniform) is the default;
/// Beta(1/2, 1/2) is Jeffreys' prior.
template <number T = double>
struct beta_prior {
  T alpha = T(1);  ///< prior successes (> 0)
  T beta = T(1);   ///< prior failures (> 0)
  [[nodiscard]] constexpr bool ok() const noexcept(std::is_arithmetic_v<T>) {
    return !detail::first_error({detail::check_positive("beta_prior", "alpha", alpha),
                                 detail::check_positive("beta_prior", "beta", beta)});
  }
};

/// How probability_b_beats_a evaluates the probability.
enum class bayes_method {
  automatic,              ///< exact_sum when it applies, else numerical_integration (see below)
  exact_sum,              ///< Evan Miller's finite sum: needs an integer posterior alpha
  numerical_integration,  ///< adaptive Gauss-Kronrod quadrature with an error bound
  normal_approximation,   ///< both posteriors as normals, for posterior parameters above 10^6
};

/// Largest number of terms the exact sum is used for by bayes_method::automatic; and the largest
/// posterior parameter (the sum starts from log-Beta values whose rounding grows with it).
inline constexpr count_t bayes_exact_max_terms = 100'000;
inline constexpr count_t bayes_exact_max_parameter = 10'000'000;
/// Largest posterior parameter bayes_method::automatic integrates numerically; above it the
/// incomplete beta function becomes slow and the normal approximation is accurate.
inline constexpr count_t bayes_quadrature_max_parameter = 1'000'000;

/// P(rate of B > rate of A) with a bound on its numerical error and the method used.
template <number T = double>
struct bayes_comparison {
  T probability_b_beats_a{};  ///< in [0, 1]
  T error_bound{};            ///< |computed - true| <= error_bound (absolute)
  bayes_method method = bayes_method::automatic;  ///< exact_sum or numerical_integration
};

namespace detail {

template <number T>
[[nodiscard]] T log_beta(const T& a, const T& b) {
  return T(boost::math::lgamma(a, stat_policy()) + boost::math::lgamma(b, stat_policy()) -
           boost::math::lgamma(T(a + b), stat_policy()));
}

template <number T>
[[nodiscard]] bool is_integer(const T& v) {
  using std::floor;
  return T(floor(v)) == v;
}

/// Evan Miller (2015), "Formulas for Bayesian A/B testing": for integer alpha_b,
/// P(p_b > p_a) = sum_{i=0}^{alpha_b - 1} B(alpha_a + i, beta_a + beta_b) /
///                ((beta_b + i) B(1 + i, beta_b) B(alpha_a, beta_a)).
/// Terms by the ratio recurrence t_{i+1} / t_i = (alpha_a + i)(beta_b + i) /
/// ((alpha_a + beta_a + beta_b + i)(1 + i)); t_0 = B(alpha_a, beta_a + beta_b) / B(alpha_a, beta_a).
template <number T>
[[nodiscard]] bayes_comparison<T> miller_sum(const T& aa, const T& ba, const T& ab, const T& bb) {
  using std::exp;
  using std::log;
  using std::abs;
  const T log_t0 = log_beta(aa, T(ba + bb)) - log_beta(aa, ba);
  T log_t = log_t0;
  T sum = T(0);
  const count_t terms = static_cast<count_t>(ab);  // ab is an integer <= bayes_exact_max_terms
  for (count_t k = 0; k < terms; ++k) {
    sum += exp(log_t);
    const T i = to_number<T>(k);
    log_t += log(T((aa + i) * (bb + i))) - log(T((aa + ba + bb + i) * (T(1) + i)));
  }
  if (T(1) < sum) sum = T(1);
  // Rounding: each lgamma is good to a few ulps of its (large) value, the recurrence adds one
  // rounding per term; bound both generously.
  const T eps = T(std::numeric_limits<T>::epsilon());
  const T lgamma_scale = T(abs(boost::math::lgamma(T(aa + ba + bb), stat_policy()))) + T(1);
  const T bound = eps * (T(16) * lgamma_scale + T(4) * to_number<T>(terms + 1)) * sum + eps;
  return {sum, bound, bayes_method::exact_sum};
}

/// P(p_b > p_a) = integral of f_n(x) G(x), where f_n is the density of the narrower posterior and G
/// the probability that the other one lies on the right side of x. The integral runs over the
/// [1e-15, 1 - 1e-15] quantile range of f_n (mass outside: 2e-15, added to the bound) with
/// Boost.Math's adaptive 31-point Gauss-Kronrod rule (relative tolerance 1e-10, at most 12 levels of
/// bisection, so at most 2^12 x 31 integrand evaluations); its error estimate is added to the bound.
template <number T>
[[nodiscard]] result<bayes_comparison<T>> integrate_posteriors(const char* metric, const T& aa, const T& ba, const T& ab,
                                                               const T& bb) {
  using std::abs;
  const T var_a = aa * ba / ((aa + ba) * (aa + ba) * (aa + ba + T(1)));
  const T var_b = ab * bb / ((ab + bb) * (ab + bb) * (ab + bb + T(1)));
  const bool density_b = var_b <= var_a;  // integrate against the narrower posterior
  const T da = density_b ? ab : aa;
  const T db = density_b ? bb : ba;
  const T tail = T(1e-15);
  const T lo = boost::math::ibeta_inv(da, db, tail, stat_policy());
  const T hi = boost::math::ibetac_inv(da, db, tail, stat_policy());
  const auto integrand = [&](const T& x) -> T {
    const T density = boost::math::ibeta_derivative(da, db, x, stat_policy());
    // B as density: P(p_a < x). A as density: P(p_b > x).
    const T other = density_b ? T(boost::math::ibeta(aa, ba, x, stat_policy()))
                              : T(boost::math::ibetac(ab, bb, x, stat_policy()));
    return density * other;
  };
  T error = T(0);
  T p = boost::math::quadrature::gauss_kronrod<T, 31>::integrate(integrand, lo, hi, 12, T(1e-10), &error);
  if (!number_traits<T>::is_finite(p) || !number_traits<T>::is_finite(error) || T(1e-6) < error)
    return error_info{errc::not_converged, metric, "probability", "the quadrature did not reach 1e-6"};
  if (p < T(0)) p = T(0);
  if (T(1) < p) p = T(1);
  // Bound: the quadrature's error estimate, the posterior mass outside [lo, hi], and 1000 ulps of p
  // for the incomplete beta functions' own rounding at large parameters.
  const T rounding = T(1000) * T(std::numeric_limits<T>::epsilon()) * p;
  return bayes_comparison<T>{p, T(error + T(2) * tail + rounding), bayes_method::numerical_integration};
}

/// P(p_b - p_a > 0) with both posteriors replaced by normals of the same mean and variance:
/// Phi((m_b - m_a) / sqrt(v_a + v_b)). Error estimate: twice the first neglected Edgeworth term,
/// |gamma| phi(0) / 6 with gamma the skewness of p_b - p_a (third cumulants k3 = 2 (b - a) a b /
/// ((a + b)^3 (a + b + 1) (a + b + 2))), plus 1 / (smallest parameter) for the higher-order terms.
template <number T>
[[nodiscard]] bayes_comparison<T> normal_posteriors(const T& aa, const T& ba, const T& ab, const T& bb) {
  using std::abs;
  using std::sqrt;
  const auto mean = [](const T& a, const T& b) { return T(a / (a + b)); };
  const auto variance = [](const T& a, const T& b) { return T(a * b / ((a + b) * (a + b) * (a + b + T(1)))); };
  const auto third = [](const T& a, const T& b) {
    return T(T(2) * (b - a) * a * b / ((a + b) * (a + b) * (a + b) * (a + b + T(1)) * (a + b + T(2))));
  };
  const T sd = sqrt(T(variance(aa, ba) + variance(ab, bb)));
  const T p = normal_cdf(T((mean(ab, bb) - mean(aa, ba)) / sd));
  const T skew = (third(ab, bb) - third(aa, ba)) / (sd * sd * sd);
  T smallest = aa;
  for (const T* v : {&ba, &ab, &bb})
    if (*v < smallest) smallest = *v;
  const T phi0 = T(0.3989422804014327);  // 1 / sqrt(2 pi)
  const T bound = T(2) * T(abs(skew)) * phi0 / T(6) + T(1) / smallest;
  return {p, bound, bayes_method::normal_approximation};
}

}  // namespace detail

/**
 * @brief Probability that variant B's true rate exceeds A's, from Beta posteriors.
 *
 * Posteriors: p_a ~ Beta(alpha + x_a, beta + n_a - x_a), p_b ~ Beta(alpha + x_b, beta + n_b - x_b)
 * with the shared Beta(alpha, beta) prior. P(p_b > p_a) is computed
 *  - exactly by Evan Miller's finite sum (Miller 2015, "Formulas for Bayesian A/B testing",
 *    evanmiller.org) when B's posterior alpha, or A's (then as 1 - P(p_a > p_b)), is an integer of at
 *    most bayes_exact_max_terms and every posterior parameter is at most bayes_exact_max_parameter
 *    (the smaller integer alpha is used): with the default uniform prior, up to 100 000 successes;
 *  - otherwise, when every posterior parameter is at most bayes_quadrature_max_parameter (10^6),
 *    by adaptive Gauss-Kronrod integration over the narrower posterior (the error bound combines
 *    the quadrature's error estimate, the 2e-15 posterior mass outside the integration range and
 *    1000 ulps for the incomplete beta functions);
 *  - otherwise by the normal approximation of both posteriors, whose error_bound is an asymptotic
 *    estimate (twice the first Edgeworth term plus 1 / smallest parameter; below 4e-6 for
 *    parameters above 10^6), not a strict bound.
 * @returns the probability (a fraction in [0, 1]), its absolute error bound and the method used.
 * Errors: either sample invalid; prior alpha or beta not positive or not finite; exact_sum requested
 * where no posterior alpha is an integer within the limits (errc::out_of_range on "method");
 * errc::not_converged if the quadrature's error estimate exceeds 1e-6.
 *
 * **Example**
 *     crm::probability_b_beats_a({.successes = 120, .trials = 2400}, {.successes = 150, .trials = 2400})
 *         .probability_b_beats_a  // 0.9698
 */
template <number T = double>
[[nodiscard]] result<bayes_comparison<T>> try_probability_b_beats_a(const proportion_sample& a, const proportion_sample& b,
                                                                    const beta_prior<T>& prior = {},
                                                                    bayes_method method = bayes_method::automatic) {
  constexpr const char* metric = "probability_b_beats_a";
  if (auto e = detail::first_error(
          {detail::check_binomial(metric, "a.successes", "a.trials", "a.successes > a.trials", a.successes, a.trials),
           detail::check_binomial(metric, "b.successes", "b.trials", "b.successes > b.trials", b.successes, b.trials),
           detail::check_positive(metric, "prior.alpha", prior.alpha),
           detail::check_positive(metric, "prior.beta", prior.beta)}))
    return e;
  const T aa = prior.alpha + to_number<T>(a.successes);
  const T ba = prior.beta + to_number<T>(a.trials - a.successes);
  const T ab = prior.alpha + to_number<T>(b.successes);
  const T bb = prior.beta + to_number<T>(b.trials - b.successes);
  const T max_terms = to_number<T>(bayes_exact_max_terms);
  const T max_parameter = to_number<T>(bayes_exact_max_parameter);
  const bool small = !(max_parameter < aa || max_parameter < ba || max_parameter < ab || max_parameter < bb);
  const bool sum_over_b = small && detail::is_integer(ab) && !(max_terms < ab);
  const bool sum_over_a = small && detail::is_integer(aa) && !(max_terms < aa);
  if (method == bayes_method::exact_sum && !sum_over_a && !sum_over_b)
    return error_info{errc::out_of_range, metric, "method",
                      "the exact sum needs an integer posterior alpha within bayes_exact_max_terms"};
  if ((method == bayes_method::automatic || method == bayes_method::exact_sum) && (sum_over_a || sum_over_b)) {
    if (sum_over_b && (!sum_over_a || !(aa < ab))) return detail::miller_sum(aa, ba, ab, bb);
    bayes_comparison<T> r = detail::miller_sum(ab, bb, aa, ba);  // P(p_a > p_b)
    r.probability_b_beats_a = T(1) - r.probability_b_beats_a;
    return r;
  }
  const T max_quadrature = to_number<T>(bayes_quadrature_max_parameter);
  const bool moderate = !(max_quadrature < aa || max_quadrature < ba || max_quadrature < ab || max_quadrature < bb);
  if (method == bayes_method::normal_approximation || (method == bayes_method::automatic && !moderate))
    return detail::normal_posteriors(aa, ba, ab, bb);
  return detail::integrate_posteriors(metric, aa, ba, ab, bb);
}
/// Throwing form of try_probability_b_beats_a.
template <number T = double>
[[nodiscard]] bayes_comparison<T> probability_b_beats_a(const proportion_sample& a, const proportion_sample& b,
                                                        const beta_prior<T>& prior = {},
                                                        bayes_method method = bayes_method::automatic) {
  return try_probability_b_beats_a(a, b, prior, method).value();
}

CRM_METRICS_END_NAMESPACE
