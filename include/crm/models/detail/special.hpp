// crm-metrics: special functions for the models: log-gamma, digamma, Gauss 2F1 with an error bound.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
#pragma once

#include <crm/core/config.hpp>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>
#include <boost/math/policies/policy.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// Boost.Math policy for model likelihoods: special functions report trouble through their value
/// (checked by the caller, who raises a named crm error) instead of throwing, and evaluate double in
/// double (Boost's default promotes to long double).
using quiet_math_policy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::rounding_error<boost::math::policies::ignore_error>,
    boost::math::policies::promote_double<false>>;
template <class T>
[[nodiscard]] inline T quiet_lgamma(T v) {
  return boost::math::lgamma(v, quiet_math_policy());
}
template <class T>
[[nodiscard]] inline T quiet_digamma(T v) {
  return boost::math::digamma(v, quiet_math_policy());
}
template <class T>
[[nodiscard]] inline T quiet_trigamma(T v) {
  return boost::math::trigamma(v, quiet_math_policy());
}
/// psi'(x + d) - psi'(x) for d >= 0 (psi' the trigamma). For x >= 32 from the asymptotic series
/// psi'(x) = 1/x + 1/(2x^2) + sum B_2k / x^(2k+1), k = 1..8 (Abramowitz & Stegun 6.4.12), term by term,
/// (x+d)^-n - x^-n = x^-n expm1(-n log1p(d/x)), so that the difference keeps its digits where it is far
/// smaller than psi'(x) (at x = 1e10, d = 1: 1e-20 against 1e-10, where Boost's two trigammas keep 6);
/// the first omitted term is below 1e-26 relative there. Below 32 Boost's trigamma twice.
template <class T>
[[nodiscard]] T trigamma_difference(T x, T d) {
  if (!(x >= T(32))) return quiet_trigamma(x + d) - quiet_trigamma(x);
  constexpr long double bernoulli[8] = {1.0L / 6, -1.0L / 30, 1.0L / 42, -1.0L / 30, 5.0L / 66, -691.0L / 2730, 7.0L / 6, -3617.0L / 510};
  const T l = std::log1p(d / x), inv = T(1) / x, inv2 = inv * inv;
  T sum = -d / (x * (x + d)) - d * (T(2) * x + d) * inv2 / (T(2) * (x + d) * (x + d));
  T power = inv2 * inv;  // x^-(2k+1)
  for (int k = 0; k < 8; ++k, power *= inv2) sum += static_cast<T>(bernoulli[k]) * power * std::expm1(-T(2 * k + 3) * l);
  return sum;
}
/// Stirling's remainder S(x) = ln G(x) - ((x - 1/2) ln x - x + ln(2 pi)/2) by its series to B_16
/// (Abramowitz & Stegun 6.1.40); for x >= 32 the first omitted term, 43867/(244188 x^17), is below
/// 1e-26. Used where a difference of log-gammas of large arguments would cancel (the contractual
/// models' ln G ratios, Gamma-Gamma's likelihood; the statistics layer's bayes.hpp keeps its own longer
/// series for its smaller arguments).
template <class T>
[[nodiscard]] T stirling_remainder_b16(T x) noexcept {
  constexpr long double num[8] = {1.0L, -1.0L, 1.0L, -1.0L, 1.0L, -691.0L, 1.0L, -3617.0L};
  constexpr long double den[8] = {12.0L, 360.0L, 1260.0L, 1680.0L, 1188.0L, 360360.0L, 156.0L, 122400.0L};
  const T inv2 = T(1) / (x * x);
  T power = T(1) / x, sum = T(0);
  for (int k = 0; k < 8; ++k, power *= inv2) sum += static_cast<T>(num[k] / den[k]) * power;
  return sum;
}

/// ln|Gamma(x)|, as std::lgamma computes it but without its store of the sign into the global
/// `signgam` (C99/POSIX): glibc's lgamma writes it on every call, so the threads of a batch call
/// (crm/models/batch.hpp) wrote one int at once, a data race (found by clang-tidy's
/// concurrency-mt-unsafe, 2026-12-07). On glibc the reentrant lgamma_r family, the same computation
/// with the sign kept in a local; elsewhere std::lgamma.
template <std::floating_point T>
[[nodiscard]] inline T log_gamma(T x) noexcept {
#if defined(__GLIBC__) && defined(__USE_MISC)
  int sign = 0;
  if constexpr (std::is_same_v<T, float>) return ::lgammaf_r(x, &sign);
  else if constexpr (std::is_same_v<T, double>) return ::lgamma_r(x, &sign);
  else return ::lgammal_r(x, &sign);
#else
  return std::lgamma(x);
#endif
}
/// digamma through the quiet policy: a pole or overflow comes back as a value (inf/NaN) that the
/// caller's finiteness checks turn into a named error; it never throws.
template <std::floating_point T>
[[nodiscard]] inline T digamma(T x) noexcept {
  return boost::math::digamma(x, quiet_math_policy());
}
/// log of the beta function B(a, b).
template <std::floating_point T>
[[nodiscard]] inline T log_beta(T a, T b) noexcept {
  return log_gamma(a) + log_gamma(b) - log_gamma(a + b);
}
/// lgamma(z + n) - lgamma(z) for z >= 100, n >= 0 (the log of the rising factorial (z)_n), without
/// subtracting two lgammas of the size of z ln z: by Stirling's series (Abramowitz & Stegun 6.1.41)
/// the difference is (z - 1/2) log1p(n/z) + n (ln(z+n) - 1) + S(z+n) - S(z), S(w) = 1/(12w) -
/// 1/(360w^3) + 1/(1260w^5) (the first omitted term, 1/(1680 w^7), is below 1e-17 for w >= 100).
template <std::floating_point T>
[[nodiscard]] inline T log_rising_large(T z, T n) noexcept {
  const auto stirling = [](T w) {
    const T inv = T(1) / w, inv2 = inv * inv;
    return inv * (T(1) / T(12) - inv2 * (T(1) / T(360) - inv2 / T(1260)));
  };
  return (z - T(0.5)) * std::log1p(n / z) + n * (std::log(z + n) - T(1)) + (stirling(z + n) - stirling(z));
}
/// digamma(z + n) - digamma(z) for z >= 100, n >= 0, the derivative of log_rising_large in z, without
/// subtracting two digammas of the size of ln z: by the asymptotic series (Abramowitz & Stegun 6.3.18)
/// psi(w) = ln w - D(w), D(w) = 1/(2w) + 1/(12w^2) - 1/(120w^4) + 1/(252w^6) (the first omitted term,
/// 1/(240 w^8), is below 5e-19 for w >= 100), the difference is log1p(n/z) - D(z+n) + D(z).
template <std::floating_point T>
[[nodiscard]] inline T digamma_rising_large(T z, T n) noexcept {
  const auto d = [](T w) {
    const T inv = T(1) / w, inv2 = inv * inv;
    return inv / T(2) + inv2 * (T(1) / T(12) - inv2 * (T(1) / T(120) - inv2 / T(252)));
  };
  return std::log1p(n / z) - d(z + n) + d(z);
}
/// log B(a, b+n) - log B(a, b) = lgamma(a+b) + lgamma(b+n) - lgamma(b) - lgamma(a+b+n), n >= 0: the
/// BG/NBD family's likelihood term (FHL 2005 eq. 6 with n = x; Batislam et al. 2007 with n = x + 1).
/// Below 100 for b and a+b, the four lgammas in this order (the values every fit had so far); from 100
/// the lgammas are of the size of z ln z and their difference loses about that times the unit
/// roundoff (4e-6 at a+b = 1e9, about 0.03 on the likelihood of a few thousand customers on the
/// homogeneous drop-out ridge), so each lgamma(z+n) - lgamma(z) is taken by log_rising_large.
template <std::floating_point T>
[[nodiscard]] inline T log_beta_step(T a, T b, T n) noexcept {
  constexpr T large = 100;
  const T ab = a + b;
  if (ab < large) return log_gamma(ab) + log_gamma(b + n) - log_gamma(b) - log_gamma(ab + n);
  const T rise_b = b < large ? log_gamma(b + n) - log_gamma(b) : log_rising_large(b, n);
  return rise_b - log_rising_large(ab, n);
}
/// log(G(r+n) / (G(r) n!)), the negative binomial coefficient of n purchases (n >= 0): below n = 100 the
/// three lgammas; from there lgamma(r+n) - lgamma(n+1) by Stirling's series (log_rising_large: of
/// (n+1)_(r-1), or minus that of (n+r)_(1-r) when r < 1), which as a difference of two lgammas of size
/// n log n would leave eps n log n (3e-9 relative at n = 1e6).
template <std::floating_point T>
[[nodiscard]] T log_nb_coefficient(T r, T n) noexcept {
  if (n < T(100)) return log_gamma(r + n) - log_gamma(r) - log_gamma(n + T(1));
  const T ratio = r >= T(1) ? log_rising_large(n + T(1), r - T(1)) : -log_rising_large(n + r, T(1) - r);
  return ratio - log_gamma(r);
}
/// log P(N = n) for N ~ NBD(r, alpha/(alpha+t)), the purchases in (0, t] of a customer who never drops
/// out: log_nb_coefficient(r, n) - r log1p(t/alpha) - n log1p(alpha/t) (each logarithm from its small
/// argument: t << alpha or t >> alpha keep their digits); t > 0.
template <std::floating_point T>
[[nodiscard]] T log_nb_pmf(T r, T alpha, T n, T t) noexcept {
  return log_nb_coefficient(r, n) - r * std::log1p(t / alpha) - (n > T(0) ? n * std::log1p(alpha / t) : T(0));
}

/// log(exp(a) + exp(b)) without overflow; -inf terms are allowed.
template <std::floating_point T>
[[nodiscard]] inline T log_add_exp(T a, T b) noexcept {
  const T m = std::max(a, b);
  if (m == -std::numeric_limits<T>::infinity()) return m;
  return m + std::log1p(std::exp(std::min(a, b) - m));
}
/// log(e^a + e^b) and the softmax weights e^a / (e^a + e^b), e^b / (e^a + e^b) of the two terms, without
/// overflow (a, b finite): the likelihoods of the BG/NBD family, whose gradient weighs each term by its share.
template <std::floating_point T>
struct log_sum_weights {
  T log_sum, first, second;
};
template <std::floating_point T>
[[nodiscard]] inline log_sum_weights<T> log_add_exp_weights(T a, T b) noexcept {
  if (a >= b) {
    const T e = std::exp(b - a), w = T(1) / (T(1) + e);
    return {a + std::log1p(e), w, e * w};
  }
  const T e = std::exp(a - b), w = T(1) / (T(1) + e);
  return {b + std::log1p(e), e * w, w};
}
/// log(1 + e^v) without overflow.
template <std::floating_point T>
[[nodiscard]] inline T softplus(T v) noexcept {
  return v > T(0) ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v));
}

/// 1 / (1 + exp(x)) without overflow.
template <std::floating_point T>
[[nodiscard]] inline T logistic_complement(T x) noexcept {
  if (x > T(0)) {
    const T e = std::exp(-x);
    return e / (T(1) + e);
  }
  return T(1) / (T(1) + std::exp(x));
}

/// log 2F1(a, b; c; z) and, optionally, the partial derivatives of that logarithm.
template <std::floating_point T>
struct hyp2f1_value {
  T log_value{};                         ///< log 2F1(a, b; c; z) (the value itself may not fit in T)
  T dlog_a{}, dlog_b{}, dlog_c{}, dlog_z{};  ///< d log 2F1 / d a, ... (when requested)
  bool converged = false;                ///< false when the term limit was reached before the bound held
  long long terms = 0;                   ///< series terms summed (the work done)
};

/**
 * log 2F1(a, b; c; z) by the series sum_n (a)_n (b)_n / ((c)_n n!) z^n, for a, b, c > 0 and
 * |z| < 1, summed until a proven bound on the remainder is below machine epsilon times the partial
 * sum. With term ratio rho_n = (a+n)(b+n) / ((c+n)(n+1)) z, both (a+n)/(c+n) and (b+n)/(n+1) are
 * monotone in n, so for n >= N: |rho_n| <= Q_N = |z| max(1, (a+N)/(c+N)) max(1, (b+N)/(N+1)); once
 * Q_N < 1 the remainder after term t_N is at most |t_N| Q_N / (1 - Q_N) (a geometric majorant).
 * The partial sums are rescaled as they grow, so the value may exceed the range of T. With
 * `derivatives`, also sums the term-wise derivatives (d/da log t_n = sum_{k<n} 1/(a+k), likewise b
 * and -c; d/dz t_n = n t_n / z), with the remainder test widened by their extra log-size factor.
 */
/// The most terms one 2F1 series of a prediction may take (about 0.1 s); a series that needs more
/// is reported as not converged (the predictions return errc::not_converged).
inline constexpr long long hyp2f1_max_terms = 10'000'000;
/// The most terms one 2F1 series inside a likelihood evaluation of a fit may take (about a
/// millisecond with derivatives): a point that needs more is unusable for the optimizer.
inline constexpr long long hyp2f1_fit_max_terms = 200'000;

template <std::floating_point T>
[[nodiscard]] hyp2f1_value<T> hyp2f1_series(T a, T b, T c, T z, bool derivatives = false,
                                            long long max_terms = hyp2f1_max_terms) noexcept {
  const T eps = std::numeric_limits<T>::epsilon();
  const T big = T(1e150), small = T(1e-150), log_big = std::log(big);
  hyp2f1_value<T> out;
  T term = 1, sum = 1, log_scale = 0;
  T sa = 0, sb = 0, sc = 0;  // running sum_{k<n} 1/(a+k) etc.
  T ga = 0, gb = 0, gc = 0, gz = 0;
  const T az = std::abs(z);
  for (long long n = 0; n < max_terms; ++n) {
    out.terms = n + 1;
    const T nn = static_cast<T>(n);
    if (derivatives) {
      ga += term * sa, gb += term * sb, gc -= term * sc;
      if (n > 0) gz += nn * term;
      sa += T(1) / (a + nn), sb += T(1) / (b + nn), sc += T(1) / (c + nn);
    }
    term *= (a + nn) * (b + nn) / ((c + nn) * (nn + T(1))) * z;
    sum += term;
    if (std::abs(sum) > big) {
      term *= small, sum *= small, ga *= small, gb *= small, gc *= small, gz *= small;
      log_scale += log_big;
    }
    // The bound is evaluated only once the terms are small (it can prove convergence only then).
    if (std::abs(term) > T(1e-3) * std::abs(sum)) continue;
    const T q = az * std::max(T(1), (a + nn + 1) / (c + nn + 1)) * std::max(T(1), (b + nn + 1) / (nn + 2));
    if (q < T(1)) {
      const T tail = std::abs(term) * q / (T(1) - q);
      const T margin = derivatives ? T(1) + sa + sb + sc + nn : T(1);
      if (tail * margin <= eps * std::abs(sum) || term == T(0)) {
        if (derivatives) ga += term * sa, gb += term * sb, gc -= term * sc, gz += (nn + 1) * term;
        out.converged = true;
        break;
      }
    }
  }
  out.log_value = log_scale + std::log(sum);
  if (derivatives) {
    out.dlog_a = ga / sum, out.dlog_b = gb / sum, out.dlog_c = gc / sum;
    out.dlog_z = z != T(0) ? gz / z / sum : a * b / c;
  }
  return out;
}

/// Whether log_hyp2f1 sums the series of Euler's transformation, 2F1(c-a, c-b; c; z), for (a, b, c, z).
template <std::floating_point T>
[[nodiscard]] bool hyp2f1_uses_euler(T a, T b, T c, T z) noexcept {
  const T ca = c - a, cb = c - b;
  return z >= T(0) && ca > T(0) && cb > T(0) && ca * cb < a * b;
}
/// log 2F1(a, b; c; z) from the log of the transformed series: (c - a - b) log(1 - z) + log_g.
template <std::floating_point T>
[[nodiscard]] T hyp2f1_euler_log(T a, T b, T c, T l1z, T log_g) noexcept {
  return (c - a - b) * l1z + log_g;
}

/**
 * hyp2f1_series without derivatives for m <= W series at once, in lanes: lane l sums
 * 2F1(a[l], b[l]; c[l]; z[l]) with the same operations in the same order as hyp2f1_series, and stops
 * at the same term, so sum[l] equals the partial sum hyp2f1_series takes the logarithm of, bit for
 * bit. For double and float with g++ or clang++ the lanes are a vector of the compilers' vector
 * extension (the target's widest registers, or several of them); the divisions of the term ratios and
 * of the remainder bound, most of the work, then run W at a time. Elsewhere every lane is left to the
 * caller (scalar[l] = true). A lane whose sum passes hyp2f1_series's rescaling bound (1e150) stops with
 * scalar[l] = true: its caller sums that series with hyp2f1_series itself. converged[l] as
 * hyp2f1_series's flag.
 */
#if defined(__GNUC__) || defined(__clang__)
// Eight lanes of the compilers' vector extension (attributes on a dependent type are ignored, so the
// types are spelled out): the values and the masks comparisons give (-1 true, 0 false).
template <class T>
struct lanes8;
template <>
struct lanes8<double> {
  typedef double values __attribute__((vector_size(64)));
  typedef std::int64_t mask __attribute__((vector_size(64)));
};
template <>
struct lanes8<float> {
  typedef float values __attribute__((vector_size(32)));
  typedef std::int32_t mask __attribute__((vector_size(32)));
};
#endif

template <std::floating_point T, std::size_t W>
void hyp2f1_series_lanes(const T* a, const T* b, const T* c, const T* z, std::size_t m, long long max_terms, T* sum,
                         bool* converged, bool* scalar) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  if constexpr (W == 8 && (std::is_same_v<T, double> || std::is_same_v<T, float>)) {
    using I = std::conditional_t<std::is_same_v<T, double>, std::int64_t, std::int32_t>;
    using V = typename lanes8<T>::values;
    using M = typename lanes8<T>::mask;
    const T eps = std::numeric_limits<T>::epsilon(), big = T(1e150);
    V A, B, C, Z;
    M live;  // -1 while the lane sums, else 0
    for (std::size_t l = 0; l < W; ++l) {
      const bool in = l < m;
      A[l] = in ? a[l] : T(1), B[l] = in ? b[l] : T(1), C[l] = in ? c[l] : T(1), Z[l] = in ? z[l] : T(0);
      live[l] = in ? I(-1) : I(0);
    }
    const V AZ = Z < T(0) ? -Z : Z, one = V{} + T(1);
    V term = one, acc = one;
    M conv = M{}, over = M{};
    for (long long n = 0; n < max_terms; ++n) {
      const T nn = static_cast<T>(n);
      const V t = term * ((A + nn) * (B + nn) / ((C + nn) * (nn + T(1))) * Z);
      const V s = acc + t;
      const V ra = (A + nn + 1) / (C + nn + 1), rb = (B + nn + 1) / (nn + 2);
      const V q = AZ * (T(1) < ra ? ra : one) * (T(1) < rb ? rb : one);
      const V at = t < T(0) ? -t : t, as = s < T(0) ? -s : s;
      const V tail = at * q / (T(1) - q);
      const M is_over = as > big;
      const M done = ~(at > T(1e-3) * as) & (q < T(1)) & ((tail <= eps * as) | (t == T(0)));
      term = live ? t : term;
      acc = live ? s : acc;
      over |= live & is_over;
      conv |= live & ~is_over & done;
      live &= ~is_over & ~done;
      I any = 0;
      for (std::size_t l = 0; l < W; ++l) any |= live[l];
      if (any == 0) break;
    }
    for (std::size_t l = 0; l < m; ++l) {
      sum[l] = acc[l];
      converged[l] = conv[l] != 0;
      scalar[l] = over[l] != 0;
    }
    return;
  }
#endif
  (void)a, (void)b, (void)c, (void)z, (void)max_terms;
  for (std::size_t l = 0; l < m; ++l) sum[l] = T(1), converged[l] = false, scalar[l] = true;  // the caller sums each lane
}

/**
 * log 2F1(a, b; c; z) for a, b, c > 0 and 0 <= z < 1 (or |z| < 1 without the transformation).
 * When c - a > 0 and c - b > 0 and the transformed series starts smaller, uses Euler's
 * transformation 2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z) (Abramowitz & Stegun
 * 15.3.3), which turns the slowly converging, huge series of large a or b near z = 1 into one with
 * small terms. Derivatives (optional) are those of log 2F1 in the original a, b, c, z.
 */
template <std::floating_point T>
[[nodiscard]] hyp2f1_value<T> log_hyp2f1(T a, T b, T c, T z, bool derivatives = false,
                                         long long max_terms = hyp2f1_max_terms) noexcept {
  if (!hyp2f1_uses_euler(a, b, c, z)) return hyp2f1_series<T>(a, b, c, z, derivatives, max_terms);
  const hyp2f1_value<T> g = hyp2f1_series<T>(c - a, c - b, c, z, derivatives, max_terms);
  const T l1z = std::log1p(-z);
  hyp2f1_value<T> out;
  out.converged = g.converged;
  out.terms = g.terms;
  out.log_value = hyp2f1_euler_log(a, b, c, l1z, g.log_value);
  if (derivatives) {
    out.dlog_a = -l1z - g.dlog_a;
    out.dlog_b = -l1z - g.dlog_b;
    out.dlog_c = l1z + g.dlog_a + g.dlog_b + g.dlog_c;
    out.dlog_z = -(c - a - b) / (T(1) - z) + g.dlog_z;
  }
  return out;
}

/// What gauss_kronrod_adaptive returns: the K integrals, the error estimate of the first, the work.
template <std::floating_point T, std::size_t K>
struct quadrature_sums {
  std::array<T, K> value{};
  T error{};                 ///< sum over panels of |K15 - G7| of the first integrand
  long long evaluations = 0;  ///< points at which `f` was evaluated
};

/**
 * Adaptive Gauss-Kronrod 7-15 quadrature of K functions over [lo, hi] on the same points: `f(y)`
 * returns std::array<T, K>. Starts from `panels` equal panels, then bisects the panel whose first
 * integrand has the largest |K15 - G7| until the summed estimate plus `extra_error` is at most `tol`
 * times (the first integral plus `extra_total`) or `max_bisections` bisections are spent. Work: at most
 * 15 (panels + 2 max_bisections) evaluations (nodes and weights: Kronrod 1965, as in QUADPACK's qk15).
 */
template <std::size_t K, std::floating_point T, class F>
[[nodiscard]] quadrature_sums<T, K> gauss_kronrod_adaptive(F&& f, T lo, T hi, int panels, int max_bisections, T tol,
                                                          T extra_error = T(0), T extra_total = T(0)) {
  static constexpr long double xk[8] = {0.991455371120812639206854697526329L, 0.949107912342758524526189684047851L,
                                        0.864864423359769072789712788640926L, 0.741531185599394439863864773280788L,
                                        0.586087235467691130294144845693013L, 0.405845151377397166906606412076961L,
                                        0.207784955007898467600689403773245L, 0.0L};
  static constexpr long double wk[8] = {0.022935322010529224963732008058970L, 0.063092092629978553290700663189204L,
                                        0.104790010322250183839876322541518L, 0.140653259715525918745189590510238L,
                                        0.169004726639267902826583426598550L, 0.190350578064785409913256402421014L,
                                        0.204432940075298892414161999234649L, 0.209482141084727828012999174891714L};
  static constexpr long double wg[4] = {0.129484966168869693270611432679082L, 0.279705391489276667901467771423780L,
                                        0.381830050505118944950369775488975L, 0.417959183673469387755102040816327L};
  struct panel {
    T lo, hi;
    std::array<T, K> value;
    T error;
  };
  quadrature_sums<T, K> out;
  const auto rule = [&](T l, T h) {
    const T c = (l + h) / 2, r = (h - l) / 2;
    std::array<T, K> k{};
    T g = 0;
    for (int j = 0; j < 8; ++j)
      for (int side = 0; side < (j == 7 ? 1 : 2); ++side) {
        const std::array<T, K> v = f(side == 0 ? c - r * static_cast<T>(xk[j]) : c + r * static_cast<T>(xk[j]));
        for (std::size_t i = 0; i < K; ++i) k[i] += static_cast<T>(wk[j]) * v[i];
        if (j % 2 == 1) g += static_cast<T>(wg[j / 2]) * v[0];
      }
    out.evaluations += 15;
    panel p{l, h, k, std::abs(k[0] - g) * r};
    for (T& v : p.value) v *= r;
    return p;
  };
  std::vector<panel> ps;
  ps.reserve(static_cast<std::size_t>(panels + max_bisections));
  const T width = hi - lo;
  for (int i = 0; i < panels; ++i)
    ps.push_back(rule(lo + width * static_cast<T>(i) / static_cast<T>(panels), lo + width * static_cast<T>(i + 1) / static_cast<T>(panels)));
  for (int bis = 0;; ++bis) {
    out.value = {}, out.error = 0;
    std::size_t worst = 0;
    for (std::size_t i = 0; i < ps.size(); ++i) {
      for (std::size_t j = 0; j < K; ++j) out.value[j] += ps[i].value[j];
      out.error += ps[i].error;
      if (ps[i].error > ps[worst].error) worst = i;
    }
    if (out.error + extra_error <= tol * (out.value[0] + extra_total) || bis >= max_bisections) break;
    const panel p = ps[worst];
    const T mid = (p.lo + p.hi) / 2;
    ps[worst] = rule(p.lo, mid);
    ps.push_back(rule(mid, p.hi));
  }
  return out;
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
