// crm-metrics: special functions for the models: log-gamma, digamma, Gauss 2F1 with an error bound.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
#pragma once

#include <crm/core/config.hpp>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/policies/policy.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <limits>

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

template <std::floating_point T>
[[nodiscard]] inline T log_gamma(T x) noexcept {
  return std::lgamma(x);
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
  return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
}
/// log(exp(a) + exp(b)) without overflow; -inf terms are allowed.
template <std::floating_point T>
[[nodiscard]] inline T log_add_exp(T a, T b) noexcept {
  const T m = std::max(a, b);
  if (m == -std::numeric_limits<T>::infinity()) return m;
  return m + std::log1p(std::exp(std::min(a, b) - m));
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
  const T ca = c - a, cb = c - b;
  if (!(z >= T(0) && ca > T(0) && cb > T(0) && ca * cb < a * b)) return hyp2f1_series<T>(a, b, c, z, derivatives, max_terms);
  const hyp2f1_value<T> g = hyp2f1_series<T>(ca, cb, c, z, derivatives, max_terms);
  const T l1z = std::log1p(-z);
  hyp2f1_value<T> out;
  out.converged = g.converged;
  out.terms = g.terms;
  out.log_value = (c - a - b) * l1z + g.log_value;
  if (derivatives) {
    out.dlog_a = -l1z - g.dlog_a;
    out.dlog_b = -l1z - g.dlog_b;
    out.dlog_c = l1z + g.dlog_a + g.dlog_b + g.dlog_c;
    out.dlog_z = -(c - a - b) / (T(1) - z) + g.dlog_z;
  }
  return out;
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
