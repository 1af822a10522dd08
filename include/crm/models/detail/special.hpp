// crm-metrics: special functions for the models: log-gamma, digamma, Gauss 2F1 with an error bound.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
#pragma once

#include <crm/core/config.hpp>

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <limits>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

template <std::floating_point T>
[[nodiscard]] inline T log_gamma(T x) noexcept {
  return std::lgamma(x);
}
template <std::floating_point T>
[[nodiscard]] inline T digamma(T x) {
  return boost::math::digamma(x);
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

/// The Gauss hypergeometric series and, optionally, its partial derivatives.
template <std::floating_point T>
struct hyp2f1_value {
  T value{};                   ///< 2F1(a, b; c; z)
  T d_a{}, d_b{}, d_c{}, d_z{};  ///< partial derivatives (when requested)
  bool converged = false;      ///< false when the term limit was reached before the bound held
};

/**
 * 2F1(a, b; c; z) = sum_n (a)_n (b)_n / ((c)_n n!) z^n for a, b, c > 0 and |z| < 1, summed until a
 * proven bound on the remainder is below `rel` times the partial sum. With term ratio
 * rho_n = (a+n)(b+n) / ((c+n)(n+1)) z, both (a+n)/(c+n) and (b+n)/(n+1) are monotone in n, so for
 * n >= N: |rho_n| <= Q_N = |z| max(1, (a+N)/(c+N)) max(1, (b+N)/(N+1)); once Q_N < 1 the remainder
 * after term t_N is at most |t_N| Q_N / (1 - Q_N) (a geometric majorant). With `derivatives`, also
 * sums the term-wise derivatives (d/da log t_n = sum_{k<n} 1/(a+k), likewise b and -c; d/dz = n t_n / z).
 */
template <std::floating_point T>
[[nodiscard]] hyp2f1_value<T> hyp2f1_series(T a, T b, T c, T z, bool derivatives = false,
                                            long long max_terms = 10'000'000) noexcept {
  const T eps = std::numeric_limits<T>::epsilon();
  hyp2f1_value<T> out;
  T term = 1, sum = 1;
  T sa = 0, sb = 0, sc = 0;  // running sum_{k<n} 1/(a+k) etc.
  T ga = 0, gb = 0, gc = 0, gz = 0;
  const T az = std::abs(z);
  for (long long n = 0; n < max_terms; ++n) {
    const T nn = static_cast<T>(n);
    // derivatives of the current term t_n
    if (derivatives) {
      ga += term * sa, gb += term * sb, gc -= term * sc;
      if (n > 0) gz += nn * term;
      sa += T(1) / (a + nn), sb += T(1) / (b + nn), sc += T(1) / (c + nn);
    }
    const T ratio = (a + nn) * (b + nn) / ((c + nn) * (nn + T(1))) * z;
    const T next = term * ratio;
    const T q = az * std::max(T(1), (a + nn + 1) / (c + nn + 1)) * std::max(T(1), (b + nn + 1) / (nn + 2));
    term = next;
    sum += term;
    if (q < T(1)) {
      const T tail = std::abs(term) * q / (T(1) - q);
      // the derivative series carry an extra factor of order log(n) + 1: demand that margin too
      const T margin = derivatives ? T(1) + sa + sb + sc + nn : T(1);
      if (tail * margin <= eps * std::abs(sum) || term == T(0)) {
        if (derivatives) {
          ga += term * sa, gb += term * sb, gc -= term * sc, gz += (nn + 1) * term;
        }
        out.converged = true;
        break;
      }
    }
  }
  out.value = sum;
  if (derivatives) {
    out.d_a = ga, out.d_b = gb, out.d_c = gc;
    out.d_z = z != T(0) ? gz / z : a * b / c;
  }
  return out;
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
