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
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/expm1.hpp>
#include <boost/math/special_functions/log1p.hpp>

#include <cmath>
#include <limits>
#include <type_traits>

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
  automatic,              ///< exact_sum if a posterior parameter is an integer <= bayes_exact_max_terms (and
                          ///< its bound is within bayes_automatic_max_error); else normal_approximation if
                          ///< every posterior parameter is >= bayes_normal_min_parameter; else
                          ///< narrow_expansion if it applies; else numerical_integration
  exact_sum,              ///< Evan Miller's finite sum over an integer posterior parameter
  numerical_integration,  ///< adaptive Gauss-Kronrod quadrature with an error bound
  normal_approximation,   ///< Edgeworth-corrected normal approximation of p_b - p_a, for large parameters
  narrow_expansion,       ///< Taylor expansion of the wider posterior's CDF over a much narrower posterior
};

/// Largest number of terms of the exact sum that bayes_method::automatic (and exact_sum) accepts.
inline constexpr count_t bayes_exact_max_terms = 100'000;
/// Smallest posterior parameter for which bayes_method::automatic uses the normal approximation
/// (its error bound, 1 / parameter^(3/2), is then at most 10^-9).
inline constexpr count_t bayes_normal_min_parameter = 1'000'000;
/// What bayes_method::automatic guarantees: error_bound <= this, or errc::not_converged.
inline constexpr double bayes_automatic_max_error = 1e-8;

/// P(rate of B > rate of A) with a bound on its numerical error and the method used.
template <number T = double>
struct bayes_comparison {
  T probability{};  ///< P(p_B > p_A), in [0, 1]
  T error_bound{};  ///< |probability - exact posterior probability| <= error_bound (absolute)
  bayes_method method = bayes_method::automatic;  ///< the method used (never automatic)
};

namespace detail {

/// float has 24 bits, too few for the parameters of 10^8 trials: the comparison is computed in
/// double and rounded once at the end.
template <class T>
using bayes_work_t = std::conditional_t<std::is_same_v<T, float>, double, T>;

/// A value and a bound on its absolute error.
template <number T>
struct bounded {
  T value{};
  T error{};
};

/// Unit roundoff of T (half the machine epsilon).
template <number T>
[[nodiscard]] T unit_roundoff() {
  return T(std::numeric_limits<T>::epsilon()) / T(2);
}

/// Stirling's remainder S(x) = lgamma(x) - (x - 1/2) ln x + x - ln(2 pi) / 2 by its asymptotic series
/// sum_k B_2k / (2k (2k - 1) x^(2k - 1)), k = 1..16 (Abramowitz & Stegun 6.1.41). Valid for
/// x >= stirling_min<T>(), where the first omitted term is below the unit roundoff of T.
template <number T>
[[nodiscard]] T stirling_remainder(const T& x) {
  constexpr long long num[] = {1,       -1,     1,          -1,     1,           -691,           1,      -3617,
                               43867,   -174611, 77683,     -236364091, 657931, -3392780147, 1723168255201, -7709321041217};
  constexpr long long den[] = {12,     360,    1260,    1680,    1188,   360360,  156,     122400,
                               244188, 125400, 5796,    1506960, 300,    93960,   2492028, 505920};
  const T inv = T(1) / x;
  const T inv2 = inv * inv;
  T power = inv;
  T sum = T(0);
  for (int k = 0; k < 16; ++k) {
    sum += T(num[k]) / T(den[k]) * power;
    power *= inv2;
  }
  return sum;
}
/// Smallest x for stirling_remainder: the omitted term B_34 / (34 * 33 x^33) < 4e8 / x^33 is below
/// epsilon (x >= 10 for double and long double, 56 for 50 decimal digits).
template <number T>
[[nodiscard]] T stirling_min() {
  using std::pow;
  const T x = T(pow(T(T(4e8) / T(std::numeric_limits<T>::epsilon())), T(T(1) / T(33))));
  return x < T(10) ? T(10) : x;
}

/// log1p(x) - x without cancellation: its Taylor series for |x| < 1/2.
template <number T>
[[nodiscard]] T log1p_minus_x(const T& x) {
  using std::abs;
  if (!(abs(x) < T(0.5))) return T(boost::math::log1p(x, stat_policy())) - x;
  const T u = unit_roundoff<T>();
  T power = x * x;
  T sum = T(0);
  for (int k = 2; k < 400; ++k) {
    const T term = power / T(k);
    sum += (k % 2 == 0) ? T(-term) : term;
    if (T(abs(term)) < u * T(abs(sum))) break;
    power *= x;
  }
  return sum;
}

/// R(z, a) = lgamma(z + a) - lgamma(z) - a ln(z + a) for z > 0, a >= 0, with a bound on its
/// rounding error. The part a ln(z + a) is left to the caller, who combines it with other such
/// parts before anything large cancels. For z >= stirling_min, with x = a / z:
/// R = z (log1p(x) - x) - log1p(x) / 2 + S(z + a) - S(z) (the z x - a of the exact identity is 0),
/// which is small when a << z (about -a^2 / 2z); below it, from Boost.Math's lgamma.
template <number T>
[[nodiscard]] bounded<T> reduced_log_gamma_ratio(const T& z, const T& a) {
  using std::abs;
  using std::log;
  const T u = unit_roundoff<T>();
  if (!(z < stirling_min<T>())) {
    const T x = a / z;
    // z (log1p(x) - x) with x = a / z rounded: z h(x (1 + e)) = z h(x) - z x^2 e / (1 + x), an error
    // of at most u a x (adding z x - a = z x e back would make it u a: leave it out).
    const T main = z * log1p_minus_x(x);
    const T half_log = T(boost::math::log1p(x, stat_policy())) / T(2);
    const T s = stirling_remainder(T(z + a)) - stirling_remainder(z);
    const T value = main - half_log + s;
    const T rounding_x = T(2) * u * a * x;
    return {value, T(rounding_x + T(8) * u * (T(abs(main)) + T(abs(half_log)) + T(abs(value)) + T(1)))};
  }
  const T lg_za = boost::math::lgamma(T(z + a), stat_policy());
  const T lg_z = boost::math::lgamma(z, stat_policy());
  const T a_log = a * T(log(T(z + a)));
  return {T(lg_za - lg_z - a_log), T(T(8) * u * (T(abs(lg_za)) + T(abs(lg_z)) + T(abs(a_log)) + T(1)))};
}

/// log of the i-th term of Miller's sum (below) and a bound on its absolute error:
/// log t_i = log B(aa + i, ba + bb) - log(bb + i) - log B(1 + i, bb) - log B(aa, ba)
///         = D(aa, i) - lgamma(1 + i) + D(ba, aa) - D(ba + bb, aa + i) + D(bb, i),
/// D(z, a) = lgamma(z + a) - lgamma(z). Each D is split as R(z, a) + a ln(z + a); the logarithms
/// combine into aa log1p(...) and i log1p(...) terms of moderate size, so nothing of the size of
/// lgamma(10^10) is ever subtracted.
template <number T>
[[nodiscard]] bounded<T> log_miller_term(const T& aa, const T& ba, const T& bb, const T& i) {
  using std::abs;
  using std::log;
  const T u = unit_roundoff<T>();
  const bounded<T> r1 = reduced_log_gamma_ratio(aa, i);
  const bounded<T> r2 = reduced_log_gamma_ratio(ba, aa);
  const bounded<T> r3 = reduced_log_gamma_ratio(T(ba + bb), T(aa + i));
  const bounded<T> r4 = reduced_log_gamma_ratio(bb, i);
  const T p1 = i * T(log(T(aa + i)));
  const T p2 = boost::math::lgamma(T(i + T(1)), stat_policy());
  const T p3 = aa * T(boost::math::log1p(T((bb + i) / (aa + ba)), stat_policy()));
  const T p4 = i == T(0) ? T(0) : T(i * T(boost::math::log1p(T((aa + ba) / (bb + i)), stat_policy())));
  const T value = r1.value + p1 - p2 + r2.value - r3.value + r4.value - p3 - p4;
  const T pieces = T(abs(r1.value)) + T(abs(p1)) + T(abs(p2)) + T(abs(r2.value)) + T(abs(r3.value)) + T(abs(r4.value)) +
                   T(abs(p3)) + T(abs(p4));
  return {value, T(r1.error + r2.error + r3.error + r4.error + T(16) * u * (pieces + T(1)))};
}

/// Evan Miller (2015), "Formulas for Bayesian A/B testing": for integer alpha_b = n,
/// P(p_b > p_a) = sum_{i=0}^{n-1} t_i, t_i = B(alpha_a + i, beta_a + beta_b) /
///                ((beta_b + i) B(1 + i, beta_b) B(alpha_a, beta_a)).
/// Evaluated from the largest term m outward (log t_m from log_miller_term, the others by the
/// ratio t_{i+1} / t_i = (alpha_a + i)(beta_b + i) / ((alpha_a + beta_a + beta_b + i)(1 + i)) in
/// linear scale), so the rounding error of a term grows with its distance from the largest one and
/// the terms far away, where it is large, are negligible. error_bound: from delta, the relative
/// error of log t_m, 8 roundings per step of the recurrence weighted by each term, n roundings of
/// the summation and those of the final exp, p (e^delta - 1) (1 when that reaches 1: when one
/// posterior has both parameters near 10^18 the pieces of log t_m are that large, and automatic
/// moves on to another method).
template <number T>
[[nodiscard]] bounded<T> miller_sum(const T& aa, const T& ba, const T& ab, const T& bb) {
  using std::abs;
  using std::exp;
  using std::floor;
  const T u = unit_roundoff<T>();
  const count_t n = static_cast<count_t>(ab);  // an integer <= bayes_exact_max_terms
  // The largest term: t_{i+1} / t_i = 1 at i* = (aa bb - aa - ba - bb) / (ba + 1).
  const T mode = T(floor(T((aa * bb - aa - ba - bb) / (ba + T(1))))) + T(1);
  count_t m = 0;
  if (T(0) < mode) m = mode < ab ? static_cast<count_t>(mode) : n - 1;
  const T c = aa + ba + bb;
  const auto ratio = [&](count_t k) {  // t_{k+1} / t_k
    const T i = to_number<T>(k);
    return T(T((aa + i) / (T(1) + i)) * T((bb + i) / (c + i)));
  };
  T sum = T(1);        // sum of t_k / t_m
  T weighted = T(0);   // sum of (t_k / t_m) |k - m|
  T term = T(1);
  for (count_t k = m; k + 1 < n; ++k) {
    term *= ratio(k);
    if (term == T(0)) break;
    sum += term;
    weighted += term * to_number<T>(k + 1 - m);
  }
  term = T(1);
  for (count_t k = m; k > 0; --k) {
    term /= ratio(k - 1);
    if (term == T(0)) break;
    sum += term;
    weighted += term * to_number<T>(m - k + 1);
  }
  const bounded<T> log_tm = log_miller_term(aa, ba, bb, to_number<T>(m));
  T p = exp(log_tm.value) * sum;
  // Relative error of p: that of log t_m, the final exp, n roundings of the sum and 8 per step of
  // the recurrence, weighted by the terms. |p - exact| <= p (e^delta - 1), written so that it holds
  // (and reaches 1) when delta is large and exp(log t_m) underflows: exp(log t_m + delta) sum
  // (1 - e^-delta), with 1 % for the rounding of the bound itself.
  const T delta = log_tm.error + u * (T(abs(log_tm.value)) + T(4)) + to_number<T>(n) * u + T(8) * u * weighted / sum;
  T bound = T(1.01) * T(exp(T(log_tm.value + delta))) * sum * T(-T(boost::math::expm1(T(-delta), stat_policy())));
  if (!(bound < T(1))) bound = T(1);  // also NaN: no bound, which automatic rejects
  if (T(1) < p) p = T(1);
  return {p, bound};
}

/// P(p_b > p_a) by the exact sum over the smallest integer posterior parameter (at most
/// bayes_exact_max_terms), or an empty result if there is none. The four parameters give four
/// sums: over alpha_b directly; over alpha_a as 1 - P(p_a > p_b); over beta_a and beta_b through
/// the failure rates, P(p_b > p_a) = P(q_a > q_b) with q_a ~ Beta(beta_a, alpha_a).
template <number T>
[[nodiscard]] bool exact_sum_applies(const T& v) {
  using std::floor;
  return T(floor(v)) == v && !(to_number<T>(bayes_exact_max_terms) < v);
}
template <number T>
[[nodiscard]] bounded<T> exact_sum(const T& aa, const T& ba, const T& ab, const T& bb) {
  const T* params[4] = {&ab, &aa, &ba, &bb};
  int best = -1;
  for (int k = 0; k < 4; ++k)
    if (exact_sum_applies(*params[k]) && (best < 0 || *params[k] < *params[best])) best = k;
  const auto complement = [](bounded<T> r) {
    r.value = T(1) - r.value;
    r.error += unit_roundoff<T>();
    return r;
  };
  switch (best) {
    case 0: return miller_sum(aa, ba, ab, bb);
    case 1: return complement(miller_sum(ab, bb, aa, ba));
    case 2: return miller_sum(bb, ab, ba, aa);
    case 3: return complement(miller_sum(ba, aa, bb, ab));
    default: return {T(-1), T(0)};
  }
}

/// Mean, variance, third and fourth cumulant of Beta(a, b), written with a / s and b / s (s = a + b)
/// so that nothing overflows for parameters up to 10^19.
template <number T>
struct beta_cumulants {
  T variance, third, fourth;
};
template <number T>
[[nodiscard]] beta_cumulants<T> cumulants_of(const T& a, const T& b) {
  const T s = a + b;
  const T pa = a / s;
  const T pb = b / s;
  const T var = pa * pb / (s + T(1));
  const T k3 = T(2) * (pb - pa) * pa * pb / (s + T(1)) / (s + T(2));
  const T k4 = T(6) * pa * pb * ((pa - pb) * (pa - pb) * (s + T(1)) - pa * pb * (s + T(2))) / (s + T(1)) / (s + T(1)) /
               (s + T(2)) / (s + T(3));
  return {var, k3, k4};
}

/// log of the Beta(a, b) density at x, with y = 1 - x and d = x - a / (a + b) passed separately
/// (exact near 1, and near the mean of a posterior narrower than the spacing of doubles at x). Both
/// parameters >= stirling_min: from Stirling's series for the three gamma functions,
/// log f = a log1p(d / m) + b log1p(-d / (1 - m)) - log x - log y + log(a b / (2 pi s)) / 2
///         - (S(a) + S(b) - S(s)), s = a + b, m = a / s, d = x - m,
/// whose large parts cancel exactly (no lgamma(10^10) is subtracted from another, and the linear
/// parts of the two log1p, a d / m = b d / (1 - m), are dropped together); otherwise
/// (a, b) - 1 times the logarithms minus log B(a, b) = lgamma(low) - R(high, low) - low ln(high + low).
template <number T>
[[nodiscard]] T log_beta_density(const T& a, const T& b, const T& x, const T& y, const T& d) {
  using std::log;
  const T log_x = x < T(0.5) ? T(log(x)) : T(boost::math::log1p(T(-y), stat_policy()));
  const T log_y = y < T(0.5) ? T(log(y)) : T(boost::math::log1p(T(-x), stat_policy()));
  const T low = a < b ? a : b;
  const T high = a < b ? b : a;
  if (!(low < stirling_min<T>())) {
    const T s = a + b;
    const T m = a / s;
    const T mc = b / s;
    const T two_pi = T(6.283185307179586476925286766559005768L);
    // a log1p(u) + b log1p(-v) with u = d / m, v = d / (1 - m): a u = b v = d s, so the linear parts
    // cancel exactly and only a (log1p(u) - u) + b (log1p(-v) + v) is left (about -z^2 / 2).
    return a * log1p_minus_x(T(d / m)) + b * log1p_minus_x(T(-d / mc)) - log_x - log_y +
           T(T(log(m)) + T(log(mc)) + T(log(s)) - T(log(two_pi))) / T(2) -
           (stirling_remainder(a) + stirling_remainder(b) - stirling_remainder(s));
  }
  const T log_beta = boost::math::lgamma(low, stat_policy()) - reduced_log_gamma_ratio(high, low).value -
                     low * T(log(T(high + low)));
  return (a - T(1)) * log_x + (b - T(1)) * log_y - log_beta;
}

/// Smallest parameter from which beta_tail uses the Edgeworth expansion instead of Boost.Math's
/// incomplete beta (slow, and failing, with both parameters near 10^11); its error there,
/// 1 / parameter^(3/2), is at most 1e-12.
template <number T>
[[nodiscard]] T edgeworth_cdf_min() {
  return T(1e8);
}

/// P(X < x) (upper = false) or P(X > x) (upper = true) for X ~ Beta(a, b), y = 1 - x, d = x - the
/// mean a / (a + b) (passed by the caller, who keeps its digits): Boost.Math's
/// incomplete beta (reflected, I_x(a, b) = 1 - I_y(b, a), for x >= 1/2); with both parameters
/// beyond edgeworth_cdf_min, the Edgeworth expansion of the CDF to second order.
template <number T>
[[nodiscard]] T beta_tail(const T& a, const T& b, const T& x, const T& y, const T& d, bool upper) {
  using std::exp;
  using std::sqrt;
  if (!(a < edgeworth_cdf_min<T>()) && !(b < edgeworth_cdf_min<T>())) {
    const beta_cumulants<T> c = cumulants_of(a, b);
    const T sd = sqrt(c.variance);
    const T z = d / sd;
    const T g1 = c.third / sd / sd / sd;
    const T g2 = c.fourth / sd / sd / sd / sd;
    const T z2 = z * z;
    const T phi = T(0.398942280401432677939946059934381868L) * T(exp(T(-z2 / T(2))));
    const T correction =
        phi * (g1 / T(6) * (z2 - T(1)) + g2 / T(24) * z * (z2 - T(3)) + g1 * g1 / T(72) * z * (z2 * z2 - T(10) * z2 + T(15)));
    return upper ? T(normal_cdf(T(-z)) + correction) : T(normal_cdf(z) - correction);
  }
  if (x < T(0.5))
    return upper ? T(boost::math::ibetac(a, b, x, stat_policy())) : T(boost::math::ibeta(a, b, x, stat_policy()));
  return upper ? T(boost::math::ibeta(b, a, y, stat_policy())) : T(boost::math::ibetac(b, a, y, stat_policy()));
}

/// log(a B(a, b)) = log(Gamma(1 + a) Gamma(b) / Gamma(a + b)) and a bound on its absolute error:
/// for a < 1 from Boost.Math's tgamma(1 + a) and tgamma_delta_ratio(b, a) (about b^-a: no overflow
/// even where B(a, b) itself is infinite, a denormal a); else lgamma(1 + a) - R(b, a) - a ln(a + b).
template <number T>
[[nodiscard]] bounded<T> log_a_beta(const T& a, const T& b) {
  using std::abs;
  using std::log;
  const T u = unit_roundoff<T>();
  if (a < T(1)) {
    const T g = T(log(T(boost::math::tgamma(T(T(1) + a), stat_policy()))));
    const T r = T(log(T(boost::math::tgamma_delta_ratio(b, a, stat_policy()))));
    return {T(g + r), T(T(16) * u * (T(abs(g)) + T(abs(r)) + T(1)))};
  }
  const T g = boost::math::lgamma(T(T(1) + a), stat_policy());
  const bounded<T> r = reduced_log_gamma_ratio(b, a);
  const T a_log = a * T(log(T(b + a)));
  return {T(g - r.value - a_log), T(r.error + T(8) * u * (T(abs(g)) + T(abs(r.value)) + T(abs(a_log)) + T(1)))};
}

/// Below this, the 1e-15 quantile of the narrower posterior marks it as concentrated near 0 beyond
/// what a quadrature in x resolves (a parameter below about 0.07 next to 0: most of the mass of
/// Beta(1e-10, 100) lies below the smallest double); integrate_posteriors then splits the integral.
template <number T>
[[nodiscard]] T near_zero_quantile() {
  return T(1e-100);
}

/// P(p_b > p_a) = integral of f_n(x) G(x), where f_n is the density of the narrower posterior and G
/// the probability that the other one lies on the right side of x. If the narrower posterior sits
/// above 1/2, the whole problem is first reflected to the failure rates (P(p_b > p_a) =
/// P(q_a > q_b), q ~ Beta(beta, alpha)), so that x keeps its digits near the narrow posterior.
/// The integral runs over the [1e-15, 1 - 1e-15] quantile range [lo, hi] of f_n (mass outside:
/// 2e-15, added to the bound; m -/+ 40 sd beyond edgeworth_cdf_min), mapped onto [0, 1] (Boost's
/// error estimate is unreliable on intervals of width 1e-9), with Boost.Math's adaptive 31-point
/// Gauss-Kronrod rule (relative tolerance 1e-10, at most 12 levels of bisection); its error
/// estimate is added to the bound, 1000 ulps of p for the incomplete beta functions' own rounding,
/// 1 / parameter^(3/2) where beta_tail used the Edgeworth expansion, and, where a rounded mean
/// enters (the offset form, the Edgeworth CDF), 4 eps times those means times the other
/// posterior's largest density over [lo, hi]. With a non-integer
/// parameter below 10 (Jeffreys' prior and few successes or failures) the density behaves like
/// x^(alpha - 1) or the CDF like x^alpha at an end, infinite or with infinite derivatives, which
/// Gauss-Kronrod bisects towards without converging: then Boost.Math's tanh-sinh rule (tolerance
/// 1e-12), made for endpoint singularities, over the same range (after the reflection, the
/// density's singular end is 0 or outside the range), with 10 times its error estimate + 1e-12
/// in the bound (its estimate, from the change between levels, was once seen 5 times short).
/// When the 1e-15 quantile lo is below near_zero_quantile (a prior parameter far below 1 and no
/// success: Beta(1e-10, 100.3) has all but 1e-7 of its mass below the smallest double), the part
/// below x0 (1e-18 over the second parameters) is closed and the rest is integrated over ln x;
/// see the comment there.
template <number T>
[[nodiscard]] result<bounded<T>> integrate_posteriors(const char* metric, const T& aa, const T& ba, const T& ab,
                                                      const T& bb, bool reflected = false) {
  using std::exp;
  using std::floor;
  using std::sqrt;
  const T var_a = aa * ba / ((aa + ba) * (aa + ba) * (aa + ba + T(1)));
  const T var_b = ab * bb / ((ab + bb) * (ab + bb) * (ab + bb + T(1)));
  // Integrate against the narrower posterior (of two as wide, the one with alpha <= beta).
  const bool density_b = var_b < var_a || (var_b == var_a && !(bb < ab));
  const T da = density_b ? ab : aa;
  const T db = density_b ? bb : ba;
  if (db < da && !reflected) return integrate_posteriors(metric, bb, ab, ba, aa, true);  // narrow mean above 1/2
  // The other posterior's probability of lying on B's side of x.
  const T& oa = density_b ? aa : ab;  // the other posterior
  const T& ob = density_b ? ba : bb;
  // d_other = x - its mean = (m - its mean) + (x - m): a constant shift, so its rounding is smooth.
  const T mean_gap = da / (da + db) - oa / (oa + ob);
  const auto other = [&](const T& x, const T& y, const T& d) {
    return density_b ? beta_tail(aa, ba, x, y, T(mean_gap + d), false) : beta_tail(ab, bb, x, y, T(mean_gap + d), true);
  };
  const T other_low = oa < ob ? oa : ob;
  const T edgeworth = other_low < edgeworth_cdf_min<T>() ? T(0) : T(T(1) / (other_low * T(sqrt(other_low))));
  const T tail = T(1e-15);
  T lo{};
  T hi{};
  if (!(da < edgeworth_cdf_min<T>())) {  // both parameters beyond 10^8: 40 sd hold all but e^-800
    const T mean = da / (da + db);
    const T sd = sqrt(T(da * db / ((da + db) * (da + db) * (da + db + T(1)))));
    lo = mean - T(40) * sd;
    hi = mean + T(40) * sd;
    if (lo < T(0)) lo = T(0);
    if (T(1) < hi) hi = T(1);
  } else {
    lo = boost::math::ibeta_inv(da, db, tail, stat_policy());
    hi = boost::math::ibetac_inv(da, db, tail, stat_policy());
  }
  // Integrated in the offset d = x - m from the narrow posterior's mean when the density comes from
  // Stirling's series (both parameters >= stirling_min): d keeps its digits where x cannot (a
  // posterior of 10^17 trials is 3e-10 wide, x is spaced 1.4e-17 near 0.1). Otherwise in
  // x = lo + width t: such a density may be concentrated far below its mean (x^(alpha - 1),
  // alpha < 1), where lo + width t keeps the digits that m + d loses.
  const T m = da / (da + db);
  const T d_lo = lo - m;
  const T width = hi - lo;
  const bool offset = !((da < db ? da : db) < stirling_min<T>());
  const auto integrand = [&](const T& t) -> T {
    const T d = offset ? T(d_lo + width * t) : T(lo + width * t - m);
    const T x = offset ? T(m + d) : T(lo + width * t);
    const T y = T(1) - x;
    return width * T(exp(log_beta_density(da, db, x, y, d))) * other(x, y, d);
  };
  T error = T(0);
  T p{};
  T tails = T(2) * tail;  // the mass left out below lo and above hi
  // A non-integer parameter below 10 puts x^(alpha - 1) (density) or x^alpha (CDF) with a
  // fractional power, singular in some derivative, at an end of the range: tanh-sinh; otherwise
  // the integrand is smooth there: Gauss-Kronrod.
  bool fractional = false;
  for (const T* v : {&aa, &ba, &ab, &bb})
    if (*v < T(10) && T(floor(*v)) != *v) fractional = true;
  if (!(lo >= near_zero_quantile<T>())) {
    // The narrow posterior Beta(da, db) has mass below any x the quadrature reaches (da << 1, its
    // 1e-15 quantile below 1e-100 or underflowing). Split at x0: below it (1 - x)^(db - 1) = 1
    // and I_x(oa, ob) = x^oa / (oa B(oa, ob)) to a relative 2 (|db - 1| + |ob - 1|) x0 <= 2e-18,
    // so that part is closed: the mass M = x0^da / (da B(da, db)) and
    // K = int_0^x0 f(x) I_x(oa, ob) dx = x0^(da + oa) / ((da + oa) B(da, db) oa B(oa, ob)),
    // G's part is K (G = I_x(oa, ob)) or M - K (G = 1 - I_x(oa, ob)). Above x0, over t = ln x
    // (where x^da is e^(da t), smooth over the decades down to x0), by tanh-sinh.
    using std::abs;
    using std::log;
    const T u = unit_roundoff<T>();
    const T x0 = T(1e-18) / (T(abs(T(db - T(1)))) + T(abs(T(ob - T(1)))) + T(1));
    const T log_x0 = log(x0);
    const bounded<T> lad = log_a_beta(da, db);
    const bounded<T> lao = log_a_beta(oa, ob);
    const T log_mass = da * log_x0 - lad.value;
    const T log_k = (da + oa) * log_x0 - T(boost::math::log1p(T(oa / da), stat_policy())) - lad.value - lao.value;
    const T mass = exp(log_mass);
    const T k = exp(log_k);
    const T above = -T(boost::math::expm1(log_mass, stat_policy()));  // the mass above x0
    const T delta_mass = lad.error + T(4) * u * (T(abs(T(da * log_x0))) + T(abs(lad.value)) + T(1));
    const T delta_k = lad.error + lao.error +
                      T(4) * u * (T(abs(T((da + oa) * log_x0))) + T(abs(log_k)) + T(abs(lad.value)) + T(abs(lao.value)) + T(1));
    // |e^(v + e) - e^v| <= e^v 2 |e| for |e| <= 1/2 (else no bound: the quadrature refuses below).
    const T delta_bound = delta_mass < T(0.5) && delta_k < T(0.5) ? T(0) : T(1);
    const T below = density_b ? k : T(mass - k);
    const T below_error = T(2) * (mass * (delta_mass + T(2e-18)) + k * (delta_k + T(2e-18))) + u * mass + delta_bound;
    if (x0 < hi) {
      const T log_hi = log(hi);
      const auto integrand_log = [&](const T& t) -> T {
        const T x = exp(t);
        const T y = -T(boost::math::expm1(t, stat_policy()));
        const T d = x - m;
        return T(exp(T(log_beta_density(da, db, x, y, d) + t))) * other(x, y, d);
      };
      boost::math::quadrature::tanh_sinh<T, stat_policy> tanh_sinh;
      p = tanh_sinh.integrate(integrand_log, log_x0, log_hi, T(1e-12), &error);
      error = T(10) * error + T(1e-12);
      tails = tail;  // above hi only
    } else {
      p = T(0);
      tails = above;  // hi <= x0: all the mass above x0, whatever G is there
    }
    p += below;
    tails += below_error;
  } else if (fractional) {
    boost::math::quadrature::tanh_sinh<T, stat_policy> tanh_sinh;
    p = tanh_sinh.integrate(integrand, T(0), T(1), T(1e-12), &error);
    error = T(10) * error + T(1e-12);  // its level-to-level estimate has been seen 5x short
  } else {
    p = boost::math::quadrature::gauss_kronrod<T, 31>::integrate(integrand, T(0), T(1), 12, T(1e-10), &error);
  }
  if (!number_traits<T>::is_finite(p) || !number_traits<T>::is_finite(error) || T(1e-6) < error)
    return error_info{errc::not_converged, metric, "probability", "the quadrature did not reach 1e-6"};
  if (p < T(0)) p = T(0);
  if (T(1) < p) p = T(1);
  const T rounding = T(1000) * T(std::numeric_limits<T>::epsilon()) * p;
  // The two means are rounded (u m each, and the counts beyond 2^53): P moves by at most that
  // shift times the largest density of the other posterior over [lo, hi] (unimodal: at its mode
  // if inside, else at the nearer end).
  const T mode_other = oa <= T(1) ? T(0) : (ob <= T(1) ? T(1) : T((oa - T(1)) / (oa + ob - T(2))));
  const T x_max = mode_other < lo ? lo : (hi < mode_other ? hi : mode_other);
  const T f_other = exp(log_beta_density(oa, ob, x_max, T(T(1) - x_max), T(x_max - oa / (oa + ob))));
  // Only where a mean enters: the offset parametrisation (m) and the Edgeworth CDF (both means).
  const T shifted = (offset ? m : T(0)) + (T(0) < edgeworth ? T(m + oa / (oa + ob)) : T(0));
  const T means = T(0) < shifted ? T(T(4) * T(std::numeric_limits<T>::epsilon()) * shifted * f_other) : T(0);
  return bounded<T>{p, T(error + tails + rounding + edgeworth + means)};
}

/// P(p_b - p_a > 0) by the Edgeworth expansion of the distribution of p_b - p_a to second order:
/// Phi(z) + phi(z) (g1 He2(z) / 6 - g2 He3(z) / 24 - g1^2 He5(z) / 72), z = (m_b - m_a) / sigma,
/// g1 = k3 / sigma^3, g2 = k4 / sigma^4 from the cumulants of the two Beta posteriors (k3 of p_b - p_a
/// is k3_b - k3_a, k4 is k4_a + k4_b). m_b - m_a = (alpha_b beta_a - alpha_a beta_b) / (s_a s_b),
/// whose numerator is formed from the counts exactly. Error bound: 1 / (smallest parameter)^(3/2),
/// the size of the omitted third-order terms (g1^3 He8 / 1296, g1 g2 He6 / 144, g3 He4 / 120 at
/// their maxima, with the Gamma-like cumulants g1 = 2 / sqrt(a), g2 = 6 / a, g3 = 24 / a^(3/2) that
/// bound the Beta's), plus rounding; checked against the exact sum (mpmath) at the switch, where
/// the real error is below a thousandth of it.
template <number T>
[[nodiscard]] bounded<T> normal_posteriors(const proportion_sample& a, const proportion_sample& b, const T& alpha,
                                           const T& beta) {
  using std::sqrt;
  using std::exp;
  const T aa = alpha + to_number<T>(a.successes);
  const T ba = beta + to_number<T>(a.trials - a.successes);
  const T ab = alpha + to_number<T>(b.successes);
  const T bb = beta + to_number<T>(b.trials - b.successes);
  const beta_cumulants<T> ca = cumulants_of(aa, ba);
  const beta_cumulants<T> cb = cumulants_of(ab, bb);
  // alpha_b beta_a - alpha_a beta_b = alpha (n_a - n_b + x_b - x_a) + beta (x_b - x_a) + x_b n_a - x_a n_b.
  const T numerator = alpha * T(to_number<T>(a.trials - b.trials) + to_number<T>(b.successes - a.successes)) +
                      beta * to_number<T>(b.successes - a.successes) +
                      cross_difference<T>(b.successes, a.trials, a.successes, b.trials);
  const T sigma = sqrt(T(ca.variance + cb.variance));
  const T z = numerator / (aa + ba) / (ab + bb) / sigma;
  const T g1 = (cb.third - ca.third) / sigma / sigma / sigma;
  const T g2 = (ca.fourth + cb.fourth) / sigma / sigma / sigma / sigma;
  const T z2 = z * z;
  const T phi = T(0.398942280401432677939946059934381868L) * T(exp(T(-z2 / T(2))));
  const T correction = g1 / T(6) * (z2 - T(1)) - g2 / T(24) * z * (z2 - T(3)) -
                       g1 * g1 / T(72) * z * (z2 * z2 - T(10) * z2 + T(15));
  T p = normal_cdf(z) + phi * correction;
  if (p < T(0)) p = T(0);
  if (T(1) < p) p = T(1);
  T smallest = aa;
  for (const T* v : {&ba, &ab, &bb})
    if (*v < smallest) smallest = *v;
  const T bound = T(1) / (smallest * T(sqrt(smallest))) + T(64) * unit_roundoff<T>();
  return {p, bound};
}

/// When one posterior (n) is far narrower than the other (w): P(X_n > X_w) = E_n[F_w(X_n)], F_w
/// expanded around the mean m of X_n: F_w(m) + f_w^(1)(m) mu2 / 2 + f_w^(2)(m) mu3 / 6 +
/// f_w^(3)(m) mu4 / 24 (mu_k the central moments of X_n: mu2 = k2, mu3 = k3, mu4 = k4 + 3 k2^2; the
/// derivatives of the Beta density from those of its logarithm). It applies when
/// r = sd_n / L <= 10^-2, L the scale on which f_w varies at m: min(sd_w, m / |alpha_w - 1|^(1/5),
/// (1 - m) / |beta_w - 1|^(1/5)) (the k-th log-derivative of f_w has terms (alpha_w - 1) / m^k and
/// (beta_w - 1) / (1 - m)^k; k = 5 is the first omitted order). Error bound: 10 r^5 for the
/// omitted terms (mu5 f_w^(4) / 120 and beyond, each about a factor r smaller than the one before),
/// 1000 ulps for the wide posterior's CDF and density at m (beta_tail, log_beta_density), and
/// 1 / parameter^(3/2) where beta_tail uses the Edgeworth expansion, and 8 eps (m_n + m_w) f_w(m)
/// for the rounding of the two means. Fast where the narrow posterior
/// comes from 10^11 or more trials: no Beta function of the narrow posterior is evaluated.
/// Returns a negative value if it does not apply.
template <number T>
[[nodiscard]] bounded<T> narrow_expansion(const T& aa, const T& ba, const T& ab, const T& bb) {
  using std::abs;
  using std::exp;
  using std::sqrt;
  using std::pow;
  const beta_cumulants<T> ca = cumulants_of(aa, ba);
  const beta_cumulants<T> cb = cumulants_of(ab, bb);
  const bool b_narrow = cb.variance < ca.variance;
  const T& an = b_narrow ? ab : aa;  // narrow
  const T& bn = b_narrow ? bb : ba;
  const T& aw = b_narrow ? aa : ab;  // wide
  const T& bw = b_narrow ? ba : bb;
  const beta_cumulants<T>& cn = b_narrow ? cb : ca;
  const beta_cumulants<T>& cw = b_narrow ? ca : cb;
  const T m = an / (an + bn);
  const T one_minus_m = bn / (an + bn);
  T scale = T(sqrt(cw.variance));
  // (alpha_w - 1) / x^k and (beta_w - 1) / (1 - x)^k in the k-th log-derivative: scales
  // x / |alpha_w - 1|^(1/k), at most k = 5 here (the first omitted term).
  if (aw != T(1)) {
    const T near0 = m / T(pow(T(abs(T(aw - T(1)))), T(0.2)));
    if (near0 < scale) scale = near0;
  }
  if (bw != T(1)) {
    const T near1 = one_minus_m / T(pow(T(abs(T(bw - T(1)))), T(0.2)));
    if (near1 < scale) scale = near1;
  }
  const T r = T(sqrt(cn.variance)) / scale;
  if (!(r <= T(1e-2))) return {T(-1), T(0)};
  const T gap = m - aw / (aw + bw);  // m minus the wide posterior's mean
  const T f = exp(log_beta_density(aw, bw, m, one_minus_m, gap));
  const T g1 = (aw - T(1)) / m - (bw - T(1)) / one_minus_m;
  const T g2 = -(aw - T(1)) / (m * m) - (bw - T(1)) / (one_minus_m * one_minus_m);
  const T g3 = T(2) * (aw - T(1)) / (m * m * m) - T(2) * (bw - T(1)) / (one_minus_m * one_minus_m * one_minus_m);
  const T mu2 = cn.variance;
  const T mu3 = cn.third;
  const T mu4 = cn.fourth + T(3) * cn.variance * cn.variance;
  const T cdf = beta_tail(aw, bw, m, one_minus_m, gap, false);
  // E_n[F_w(X_n)] = P(X_w < X_n).
  T p = cdf + f * (g1 * mu2 / T(2) + (g1 * g1 + g2) * mu3 / T(6) + (g1 * g1 * g1 + T(3) * g1 * g2 + g3) * mu4 / T(24));
  // A narrow posterior with a parameter far below 1 sits at m ~ 1e-300, where the terms overflow
  // (f * g1^3 = 0 * inf): the expansion does not apply.
  if (!number_traits<T>::is_finite(p)) return {T(-1), T(0)};
  if (p < T(0)) p = T(0);
  if (T(1) < p) p = T(1);
  const T wide_low = aw < bw ? aw : bw;
  const T edgeworth = wide_low < edgeworth_cdf_min<T>() ? T(0) : T(T(1) / (wide_low * T(sqrt(wide_low))));
  // The two means are rounded (u m each, and the counts beyond 2^53): P moves by at most that
  // shift times the wide posterior's density where the narrow one lies, f_w(m) (to order r).
  const T means = T(8) * T(std::numeric_limits<T>::epsilon()) * (m + aw / (aw + bw)) * f;
  const T bound = T(10) * T(pow(r, T(5))) + T(1000) * T(std::numeric_limits<T>::epsilon()) + edgeworth + means;
  return {b_narrow ? p : T(T(1) - p), bound};
}

template <number T>
[[nodiscard]] result<bayes_comparison<T>> probability_b_beats_a_in(const char* metric, const proportion_sample& a,
                                                                   const proportion_sample& b, const T& alpha,
                                                                   const T& beta, bayes_method method) {
  const T aa = alpha + to_number<T>(a.successes);
  const T ba = beta + to_number<T>(a.trials - a.successes);
  const T ab = alpha + to_number<T>(b.successes);
  const T bb = beta + to_number<T>(b.trials - b.successes);
  const auto done = [](const bounded<T>& r, bayes_method m) { return bayes_comparison<T>{r.value, r.error, m}; };
  const T max_error = T(bayes_automatic_max_error);
  const bool automatic = method == bayes_method::automatic;
  if (automatic || method == bayes_method::exact_sum) {
    const bounded<T> r = exact_sum(aa, ba, ab, bb);
    if (!(r.value < T(0)) && (!automatic || !(max_error < r.error))) return done(r, bayes_method::exact_sum);
    if (method == bayes_method::exact_sum)
      return error_info{errc::out_of_range, metric, "method",
                        "the exact sum needs a posterior parameter that is an integer of at most bayes_exact_max_terms"};
  }
  T smallest = aa;
  for (const T* v : {&ba, &ab, &bb})
    if (*v < smallest) smallest = *v;
  if (method == bayes_method::normal_approximation ||
      (automatic && !(smallest < to_number<T>(bayes_normal_min_parameter)))) {
    const bounded<T> n = normal_posteriors(a, b, alpha, beta);
    // forced with a posterior parameter near 0 (a prior of 1e-300 and no success), its moments and
    // bound are not finite: a refusal, not a NaN
    if (!number_traits<T>::is_finite(n.value) || !number_traits<T>::is_finite(n.error))
      return error_info{errc::out_of_range, metric, "method",
                        "the normal approximation does not apply: a posterior parameter is too small for its terms"};
    return done(n, bayes_method::normal_approximation);
  }
  if (automatic || method == bayes_method::narrow_expansion) {
    const bounded<T> e = narrow_expansion(aa, ba, ab, bb);
    if (!(e.value < T(0)) && (!automatic || !(max_error < e.error))) return done(e, bayes_method::narrow_expansion);
    if (method == bayes_method::narrow_expansion)
      return error_info{errc::out_of_range, metric, "method",
                        "one posterior must be at least 100 times narrower than the other"};
  }
  const result<bounded<T>> q = integrate_posteriors(metric, aa, ba, ab, bb);
  if (!q && automatic) {  // not seen in the tests since 2026-12-04; the normal approximation if accurate enough
    const bounded<T> n = normal_posteriors(a, b, alpha, beta);
    if (!(max_error < n.error)) return done(n, bayes_method::normal_approximation);
  }
  if (!q) return q.error();
  if (automatic && max_error < q->error)
    return error_info{errc::not_converged, metric, "probability", "the error bound exceeds bayes_automatic_max_error"};
  return done(*q, bayes_method::numerical_integration);
}

}  // namespace detail

/**
 * @brief Probability that variant B's true rate exceeds A's, from Beta posteriors.
 *
 * Posteriors: p_a ~ Beta(alpha + x_a, beta + n_a - x_a), p_b ~ Beta(alpha + x_b, beta + n_b - x_b)
 * with the shared Beta(alpha, beta) prior. bayes_method::automatic computes P(p_b > p_a)
 *  - exactly by Evan Miller's finite sum (Miller 2015, "Formulas for Bayesian A/B testing",
 *    evanmiller.org) when a posterior parameter is an integer of at most bayes_exact_max_terms
 *    (10^5), summing over the smallest such, whatever the number of trials: with the default
 *    uniform prior, whenever a variant has fewer than 10^5 successes or fewer than 10^5 failures;
 *  - else by the Edgeworth-corrected normal approximation of p_b - p_a when every posterior
 *    parameter is at least bayes_normal_min_parameter (10^6);
 *  - else, when one posterior is at least 100 times narrower than the scale on which the other's
 *    density varies (e.g. 10^11 trials against 10^7), by the Taylor expansion of the wider one's
 *    CDF over the narrow one's moments (bayes_method::narrow_expansion);
 *  - else by adaptive Gauss-Kronrod integration over the narrower posterior (tanh-sinh where a
 *    parameter is a non-integer below 10; a posterior concentrated below 1e-100, from a prior
 *    parameter far below 1, in closed form below 1e-18 and over ln x above).
 * Accuracy: |probability - exact posterior probability| <= error_bound. With
 * bayes_method::automatic, error_bound <= bayes_automatic_max_error = 10^-8 (a sum or a narrow
 * expansion whose bound is larger gives way to the next method; a quadrature whose bound is larger
 * is errc::not_converged, not seen in the tests since priors far below 1 are integrated in two parts:
 * docs/statistics.md). The bound of the sum and of the quadrature
 * comes from the rounding of every step and the quadrature's error estimate; those of the normal
 * approximation and of the narrow expansion add the size of their omitted terms,
 * 1 / (smallest parameter)^(3/2) and 10 r^5 (r <= 10^-2 the width ratio). Checked against
 * 60-digit mpmath values (scripts/bayes_reference.py) on a grid spanning both switches, 10^8 vs
 * 10^10 and 10^7 vs 10^18 trials, and by a sweep of 2 592 cases against the quadrature (docs:
 * docs/statistics.md). float is computed in double.
 * @returns the probability (a fraction in [0, 1]), its absolute error bound and the method used.
 * Errors: either sample invalid; prior alpha or beta not positive or not finite; exact_sum requested
 * where no posterior parameter is an integer within bayes_exact_max_terms (errc::out_of_range on
 * "method"), or narrow_expansion where neither posterior is 100 times narrower (the same);
 * errc::not_converged if the quadrature's error estimate exceeds 1e-6, or, with
 * automatic, if its bound exceeds bayes_automatic_max_error; a method outside the enumeration
 * (errc::out_of_range on "method").
 *
 * **Example**
 *     crm::probability_b_beats_a({.successes = 120, .trials = 2400}, {.successes = 150, .trials = 2400})
 *         .probability  // 0.9698
 */
template <number T = double>
[[nodiscard]] result<bayes_comparison<T>> try_probability_b_beats_a(const proportion_sample& a, const proportion_sample& b,
                                                                    const beta_prior<T>& prior = {},
                                                                    bayes_method method = bayes_method::automatic) {
  constexpr const char* metric = "probability_b_beats_a";
  if (auto e = detail::first_error({detail::check_two_samples(metric, a, b),
                                    detail::check_positive(metric, "prior.alpha", prior.alpha),
                                    detail::check_positive(metric, "prior.beta", prior.beta)}))
    return e;
  // a value cast from outside the enumeration was taken as a forced quadrature
  if (method != bayes_method::automatic && method != bayes_method::exact_sum && method != bayes_method::numerical_integration &&
      method != bayes_method::normal_approximation && method != bayes_method::narrow_expansion)
    return error_info{errc::out_of_range, metric, "method", "not a bayes_method"};
  using W = detail::bayes_work_t<T>;
  const result<bayes_comparison<W>> r =
      detail::probability_b_beats_a_in(metric, a, b, W(prior.alpha), W(prior.beta), method);
  if (!r) return r.error();
  if constexpr (std::is_same_v<W, T>) {
    return *r;
  } else {
    const T p = static_cast<T>(r->probability);
    const W rounding = W(std::numeric_limits<T>::epsilon());
    return bayes_comparison<T>{p, static_cast<T>(r->error_bound + rounding), r->method};
  }
}
/// Throwing form of try_probability_b_beats_a.
template <number T = double>
[[nodiscard]] bayes_comparison<T> probability_b_beats_a(const proportion_sample& a, const proportion_sample& b,
                                                        const beta_prior<T>& prior = {},
                                                        bayes_method method = bayes_method::automatic) {
  return try_probability_b_beats_a(a, b, prior, method).value();
}

CRM_METRICS_END_NAMESPACE
