// crm-metrics: the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): likelihood, fit, predictions.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Model (D. C. Schmittlein, D. G. Morrison, R. Colombo, "Counting Your Customers: Who Are They and
// What Will They Do Next?", Management Science 33(1), 1987, 1-24): while alive a customer buys as a
// Poisson process with rate lambda ~ Gamma(r, alpha); her lifetime is exponential with rate
// mu ~ Gamma(s, beta). Likelihood and predictions follow P. S. Fader & B. G. S. Hardie, "A Note on
// Deriving the Pareto/NBD Model and Related Expressions" (2005) and "Deriving an Expression for
// P(X(t) = x) Under the Pareto/NBD Model" (2006). The Gaussian hypergeometric function is summed
// with a proven remainder bound (crm/models/detail/special.hpp); near z = 1, where its series need
// ~1/(1-z) terms, the death term is integrated instead (predictions and the fit's likelihood alike,
// bounded work); all terms are combined in log space.
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/data.hpp>
#include <crm/models/detail/optimize.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>
#include <crm/models/homogeneous.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// The arguments (a, b; c; z) of the 2F1 in F(t) of the Pareto/NBD likelihood (see pareto_nbd_loglik).
template <std::floating_point T>
struct pareto_nbd_f_args {
  T a, b, c, z;
};
template <std::floating_point T>
[[nodiscard]] pareto_nbd_f_args<T> pareto_nbd_f_arguments(T r, T alpha, T s, T beta, T x, T t) noexcept {
  const bool alpha_ge = alpha >= beta;
  const T a = r + s + x;
  const T d = alpha_ge ? alpha : beta;
  const T diff = alpha_ge ? alpha - beta : beta - alpha;
  return {a, alpha_ge ? s + T(1) : r + x, a + T(1), diff / (d + t)};
}
/// F(t) of the Pareto/NBD likelihood (see pareto_nbd_loglik), as log 2F1 with derivatives.
template <std::floating_point T>
[[nodiscard]] hyp2f1_value<T> pareto_nbd_f(T r, T alpha, T s, T beta, T x, T t, bool derivatives,
                                           long long max_terms = hyp2f1_max_terms) noexcept {
  const pareto_nbd_f_args<T> g = pareto_nbd_f_arguments(r, alpha, s, beta, x, t);
  return log_hyp2f1<T>(g.a, g.b, g.c, g.z, derivatives, max_terms);
}

/// Work bounds of a single Pareto/NBD prediction (docs/models.md states them; tests count them).
inline constexpr long long pareto_prediction_series_terms = 20'000;  ///< per 2F1 series, two series
/// the terms all n + 2 series of P(X(t) = n)'s closed form may take together (beyond: its integral)
inline constexpr long long pareto_pmf_series_budget = 200'000;
inline constexpr int pareto_quadrature_panels = 256;
inline constexpr int pareto_quadrature_bisections = 256;
/// The most work of the death term: two series, then the mode and window searches (3 x 200 steps)
/// and the Gauss-Kronrod panels.
inline constexpr long long pareto_death_term_max_work =
    2 * pareto_prediction_series_terms + 3 * 200 + 15LL * (pareto_quadrature_panels + 2 * pareto_quadrature_bisections);
/// The most work of P(X(t) = n): the series budget, then the integral's searches and panels.
inline constexpr long long pareto_pmf_max_work =
    pareto_pmf_series_budget + 3 * 200 + 15LL * (pareto_quadrature_panels + 2 * pareto_quadrature_bisections);

/// A death integral's log, the work it took and whether it met its accuracy target (pareto_pmf_death_integral).
template <std::floating_point T>
struct log_integral {
  T log_value{};
  long long work = 0;
  bool ok = false;
};

/// What log_integral_anchored returns: log of the integral relative to the integrand at the anchor
/// (log_rel), the anchor tau_a and V = tau_a + m it was taken at, and the absolute log (log_value).
template <std::floating_point T>
struct anchored_integral {
  T log_rel{}, anchor{}, v{}, log_value{};
  long long work = 0;
  bool ok = false;
};

/**
 * log of I = int_{tlo}^{thi} (tau+m)^(k-1) (tau+e1)^-c1 (tau+e2)^-c2 dtau (k, c1, c2 > 0; m = 0, or
 * k = 1 and m = min(e1, e2)): the Pareto/NBD's death integral (m = min(alpha, beta)) and the death part of
 * its P(X(t) = n) (m = 0, open_lower: from tau = 0, where the integrand is below e^-200 of its
 * maximum below min(log thi, log e1, log e2) - 200 in u = log(tau + m), the rest bounded and counted).
 * Integrated in w = log((tau + m) / V) about an anchor tau_a in [tlo, thi] (V = tau_a + m) next to the
 * mode of the integrand in w, where it is exp(psi(w)) times its value at tau_a,
 *   psi(w) = k w - c1 L1(w) - c2 L2(w), L_i(w) = log((tau + e_i) / (tau_a + e_i)) = log1p(sigma_i expm1(w)),
 *   sigma_i = V / (tau_a + e_i),
 * so psi(0) = 0 exactly and psi is rounded relative to its own terms, not to c log(tau + e) (which at
 * c = s + 1 = 1e8 is 1e9 and would leave 1e-7 of rounding); the limits are w = log1p((tlo - tau_a) / V)
 * and log1p((thi - tau_a) / V), so a window t_x = T (1 - 1e-15) keeps its width to the last digit. The
 * anchor: the mode found by bisection on psi' about thi (at most 200 steps), or the end where psi'
 * has no root; then the window where psi > -60 by bisection (at most 2 x 200; the rest is bounded by
 * the tangent line, exp(psi(w)) / |psi'(w)|, and counted in the error), and adaptive Gauss-Kronrod
 * panels no wider than 1/2 nor than half the width 1/sqrt(-psi''(0)) integrate exp(psi) to an estimated
 * 1e-13 (at most 256 panels and 256 bisections). Rounding: eps (64 + 4 max(k |w| + c1 |L1| + c2 |L2|))
 * over the window's ends (each term is monotone in w, zero at the anchor). ok = false when the error
 * estimate plus the rounding exceeds 1e-9. log I = k log V - c1 log(tau_a + e1) - c2 log(tau_a + e2) +
 * log_rel; callers combine the anchor's terms with their own analytically (pareto_log_death_term).
 * With K > 1, `weights(g, L1, L2)` (g = exp(psi(w)), L_i as above) returns K integrands, the first g
 * itself, integrated on the same points (the panels follow the first); `sums` receives the K integrals
 * in units of the integrand at the anchor, so sums[i] / sums[0] is the mean of the i-th weight under
 * the integrand (the fit's gradient: pareto_nbd_loglik_integral). K = 1 is the single integral, unchanged.
 */
template <std::floating_point T, std::size_t K = 1, class Weights = std::nullptr_t>
[[nodiscard]] anchored_integral<T> log_integral_anchored(T k, T c1, T e1, T c2, T e2, T m, T tlo, T thi, bool open_lower,
                                                         Weights&& weights = nullptr, std::array<T, K>* sums = nullptr,
                                                         T k_minus_c1 = std::numeric_limits<T>::quiet_NaN()) {
  anchored_integral<T> out;
  struct frame {
    T v, s1, sc1, s2, sc2;
    bool x1, x2;  // e_i == m: L_i(w) = w exactly
  };
  const auto make = [&](T ta) {
    return frame{ta + m, (ta + m) / (ta + e1), (e1 - m) / (ta + e1), (ta + m) / (ta + e2), (e2 - m) / (ta + e2), e1 == m, e2 == m};
  };
  // log((tau + e) / (tau_a + e)) at w, and its derivative in w
  const auto L = [](T w, T sg, T sc, bool exact) {
    if (exact) return w;
    const T t = sg * std::expm1(w);
    if (std::abs(t) <= T(0.5)) return std::log1p(t);
    return w > T(0) ? w + std::log(sg + sc * std::exp(-w)) : std::log(sc + sg * std::exp(w));
  };
  const auto S = [](T w, T sg, T sc, bool exact) {
    if (exact) return T(1);
    return w > T(0) ? sg / (sg + sc * std::exp(-w)) : sg * std::exp(w) / (sc + sg * std::exp(w));
  };
  // merged (m = 0, K = 1, k - c1 given exactly): k w - c1 L1 = (k - c1) w - c1 D1, D1(w) = L1(w) - w =
  // log((1 + e1/tau) / (1 + e1/tau_a)) = log(s1 + sc1 e^-w), small where tau >> e1: at k = n + 1, c1 = r + n
  // of 1e6 the two terms k w and c1 L1 each reach 1e7 in the window and cancel to psi's size
  const bool merged = K == 1 && m == T(0) && !(e1 == m) && std::isfinite(k_minus_c1);
  const auto D = [](T w, T sg, T sc) {
    const T u = sc * std::expm1(-w);
    if (std::abs(u) <= T(0.5)) return std::log1p(u);
    return w > T(0) ? std::log(sg + sc * std::exp(-w)) : std::log(sc + sg * std::exp(w)) - w;
  };
  const auto psi = [&](const frame& f, T w) {
    if (merged) return k_minus_c1 * w - c1 * D(w, f.s1, f.sc1) - c2 * L(w, f.s2, f.sc2, f.x2);
    return k * w - c1 * L(w, f.s1, f.sc1, f.x1) - c2 * L(w, f.s2, f.sc2, f.x2);
  };
  const auto dpsi = [&](const frame& f, T w) { return k - c1 * S(w, f.s1, f.sc1, f.x1) - c2 * S(w, f.s2, f.sc2, f.x2); };
  const T ulo_open = std::min(std::log(thi + m), std::min(std::log(e1), std::log(e2))) - T(200);  // open_lower: u = log(tau + m)
  // 1. the mode, in w about thi
  const frame fh = make(thi);
  const T wl1 = open_lower ? ulo_open - std::log(fh.v) : std::log1p((tlo - thi) / fh.v);
  T ta = thi;
  if (!(dpsi(fh, wl1) > T(0))) {
    ta = tlo;
  } else if (dpsi(fh, T(0)) < T(0)) {
    T l = wl1, h = 0;
    for (int i = 0; i < 200 && h - l > T(1e-9) * (T(1) + std::abs(l)); ++i, ++out.work) (dpsi(fh, (l + h) / 2) > T(0) ? l : h) = (l + h) / 2;
    ta = std::clamp(thi + fh.v * std::expm1((l + h) / 2), tlo, thi);
  }
  if (!(ta + m > T(0))) ta = thi * std::exp(wl1);  // open_lower (m = 0) with the mode at 0: not met for k >= 1
  // 2. the window about the anchor, where psi(0) = 0
  const frame f = make(ta);
  out.anchor = ta, out.v = f.v;
  const T wlo = open_lower ? ulo_open - std::log(f.v) : ta == tlo ? T(0) : std::log1p((tlo - ta) / f.v);
  const T whi = ta == thi ? T(0) : std::log1p((thi - ta) / f.v);
  const T drop = T(60);
  T lo = wlo, hi = whi, tails = 0;  // tails in units of the integrand at the anchor
  if (psi(f, wlo) < -drop) {
    T l = wlo, h = 0;
    for (int i = 0; i < 200 && h - l > T(1e-6) * (T(1) + std::abs(h)); ++i, ++out.work) (psi(f, (l + h) / 2) < -drop ? l : h) = (l + h) / 2;
    lo = l;
  }
  if (lo > wlo || open_lower) tails += std::exp(psi(f, lo)) / std::max(dpsi(f, lo), T(1e-300));
  if (psi(f, whi) < -drop) {
    T l = 0, h = whi;
    for (int i = 0; i < 200 && h - l > T(1e-6) * (T(1) + std::abs(l)); ++i, ++out.work) (psi(f, (l + h) / 2) < -drop ? h : l) = (l + h) / 2;
    hi = h;
    tails += std::exp(psi(f, hi)) / std::max(-dpsi(f, hi), T(1e-300));
  }
  const T p1 = S(T(0), f.s1, f.sc1, f.x1), p2 = S(T(0), f.s2, f.sc2, f.x2);
  const T curv = c1 * p1 * (T(1) - p1) + c2 * p2 * (T(1) - p2);  // -psi''(0)
  const T pw = std::min(T(0.5), T(0.5) / std::sqrt(std::max(curv, T(1e-300))));
  const int panels = static_cast<int>(std::clamp(std::ceil((hi - lo) / pw), T(1), T(pareto_quadrature_panels)));
  const auto integrand = [&](T w) {
    if constexpr (K == 1) {
      return std::array<T, 1>{std::exp(psi(f, w))};
    } else {
      const T l1 = L(w, f.s1, f.sc1, f.x1), l2 = L(w, f.s2, f.sc2, f.x2);
      return weights(std::exp(k * w - c1 * l1 - c2 * l2), l1, l2);
    }
  };
  const auto size = [&](T w) {
    if (merged) return std::abs(k_minus_c1 * w) + c1 * std::abs(D(w, f.s1, f.sc1)) + c2 * std::abs(L(w, f.s2, f.sc2, f.x2));
    return k * std::abs(w) + c1 * std::abs(L(w, f.s1, f.sc1, f.x1)) + c2 * std::abs(L(w, f.s2, f.sc2, f.x2));
  };
  const T eps = std::numeric_limits<T>::epsilon();
  const T rounding = eps * (T(64) + T(4) * std::max(size(lo), size(hi)));
  const quadrature_sums<T, K> q = gauss_kronrod_adaptive<K>(integrand, lo, hi, panels, pareto_quadrature_bisections, T(1e-13), tails);
  out.work += q.evaluations;
  if (sums != nullptr) *sums = q.value;
  if (!(q.value[0] > T(0))) return out;
  out.log_rel = std::log(q.value[0]);
  out.log_value = k * std::log(f.v) - c1 * std::log(ta + e1) - c2 * std::log(ta + e2) + out.log_rel;
  out.ok = (q.error + tails) / q.value[0] + rounding <= T(1e-9) && std::isfinite(out.log_rel);
  return out;
}

/**
 * The part of P(X(t) = n) from customers who died in (0, t], as log of
 *   int_0^t s beta^s (beta+tau)^-(s+1) G(r+n)/(G(r) n!) alpha^r tau^n (alpha+tau)^-(r+n) dtau
 * (death at tau, with density E[mu e^(-mu tau)], after n purchases in (0, tau]: the negative binomial
 * probability; Fader & Hardie 2006 write its closed form with 2F1), integrated in u = log tau by
 * log_integral_anchored (k = n+1, c1 = r+n, c2 = s+1, m = 0) from 200 below min(log t, log alpha,
 * log beta), where the integrand has fallen by more than e^-200, to log t. The anchor's terms are
 * combined as log(tau_a/(tau_a+beta)) - n log1p(alpha/tau_a) - r log1p(tau_a/alpha) - s log1p(tau_a/beta),
 * each rounded relative to its own size (not s log beta - (s+1) log(tau_a+beta)).
 */
template <std::floating_point T>
[[nodiscard]] log_integral<T> pareto_pmf_death_integral(T r, T alpha, T s, T beta, T n, T t) {
  const anchored_integral<T> q = log_integral_anchored<T, 1>(n + T(1), r + n, alpha, s + T(1), beta, T(0), T(0), t, true, nullptr,
                                                                   static_cast<std::array<T, 1>*>(nullptr), T(1) - r);
  log_integral<T> out;
  out.work = q.work, out.ok = q.ok;
  const T ta = q.anchor;
  out.log_value = std::log(s) + log_nb_coefficient(r, n) + std::log(ta / (ta + beta)) -
                  n * std::log1p(alpha / ta) - r * std::log1p(ta / alpha) - s * std::log1p(ta / beta) + q.log_rel;
  return out;
}

/// pareto_log_alive_part with the two logarithms it takes, log1p(t/alpha) and log1p(t/beta) (the
/// fit's gradient uses them again: pareto_alive_part_gradient).
template <std::floating_point T>
struct alive_part_terms {
  T value, l1a, l1b;
};
template <std::floating_point T>
[[nodiscard]] alive_part_terms<T> pareto_log_alive_terms(T r, T alpha, T s, T beta, T x, T t) {
  const T l1a = std::log1p(t / alpha), l1b = std::log1p(t / beta);
  return {-r * l1a - (x > T(0) ? x * std::log(alpha + t) : T(0)) - s * l1b, l1a, l1b};
}
/// log(alpha^r beta^s (alpha+t)^-(r+x) (beta+t)^-s), each term rounded relative to its own size
/// (s log beta - s log(beta+t) would leave eps s |log beta|): the likelihood's alive part at t = T, and
/// the death part's factor at the death integral's anchor.
template <std::floating_point T>
[[nodiscard]] T pareto_log_alive_part(T r, T alpha, T s, T beta, T x, T t) {
  return pareto_log_alive_terms(r, alpha, s, beta, x, t).value;
}
/// The gradient in (r, alpha, s, beta) of pareto_log_alive_part at t: -log1p(t/alpha),
/// (r t - x alpha)/(alpha (alpha+t)), -log1p(t/beta), s t/(beta (beta+t)) (r/alpha - (r+x)/(alpha+t) and
/// s/beta - s/(beta+t) without their cancellation), from pareto_log_alive_terms' logarithms.
template <std::floating_point T>
[[nodiscard]] std::array<T, 4> pareto_alive_part_gradient(T r, T alpha, T s, T beta, T x, T t, const alive_part_terms<T>& a) noexcept {
  return {-a.l1a, (r * t - x * alpha) / (alpha * (alpha + t)), -a.l1b, s * t / (beta * (beta + t))};
}

/// log A0 (Fader & Hardie 2005; s/(r+s+x) A0 = s I), the log odds dead : alive and the log of the death
/// part of the likelihood, with the work it took (ok = false: not accurate to 1e-9 within the bound).
template <std::floating_point T>
struct pareto_death_term {
  T log_value{};  ///< log A0; rounded to eps (s+1) |log(beta+t)| at large s (use the next two)
  T log_odds{};   ///< log(s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0), rounded relative to its own terms
  T log_died{};   ///< log(s/(r+s+x) alpha^r beta^s A0) = log(s alpha^r beta^s I), likewise (series: the alive part + log_odds)
  long long work = 0;
  bool ok = false;
  bool quadrature = false;
};

/**
 * Whether the closed form's log odds dead : alive, lo = c + u1 + log(1 - e^(u2-u1)) (c = log(s/(r+s+x)) +
 * (r+x) log(alpha+T) + s log(beta+T), u_i = log F(t_i) - (r+s+x) log(D+t_i)), is accurate enough: its
 * rounding, eps (U / (1 - e^(u2-u1)) + |log(1 - e^(u2-u1))| + cmag + |u1| + 8) with U = |log F(t_x)| +
 * |log F(T)| + (r+s+x)(|log(D+t_x)| + |log(D+T)|) + 4 (g1 + g2) + 64 (pareto_closed_form_magnitude; g_i
 * bounds z |d log F/dz| at t_x and T, for the rounding of z: pareto_z_slope_bound) and cmag the sum of
 * c's terms' magnitudes, moves P(alive), ln L and E[Y] by at most that times P(dead); accepted when that
 * is at most 1e-11 (for float, whose own rounding is larger, 1e5 eps). When the rounded u2 >= u1 (A0 <= 0,
 * "surely alive") a positive A0 of up to e^(c+u1) eps (U + 8) may be hidden: accepted when that is at most
 * the same. At large s (c and U reach s log(beta+T) ~ 1e9), t_x next to T (u1 - u2 -> 0) or z near 1 with
 * P(dead) not small (b |alpha - beta| / (min(alpha, beta) + t) ~ 1e8 at alpha/beta = 1e5, s = 1e3) the
 * closed form fails this and the death integral is used instead.
 */
template <std::floating_point T>
[[nodiscard]] constexpr T pareto_closed_form_target() noexcept {
  // double and long double: 1e-11 (max(1e-11, 1e5 eps) was 2.2e-11 for double); float: 1e5 eps
  return std::numeric_limits<T>::digits <= 24 ? T(1e5) * std::numeric_limits<T>::epsilon() : T(1e-11);
}
/// pareto_closed_form_accurate where u2 < u1, with its functions' values given: em = -expm1(u2 - u1),
/// l = log(em), lo = c + (u1 + l) and e = exp(-|lo|) (the batch kernels have them already).
template <std::floating_point T>
[[nodiscard]] bool pareto_closed_form_accurate_above(T cmag, T u1, T U, T em, T l, T lo, T e) noexcept {
  const T err = std::numeric_limits<T>::epsilon() * (U / em + std::abs(l) + cmag + std::abs(u1) + T(8));
  return err * (lo >= T(0) ? T(1) : e) <= pareto_closed_form_target<T>();
}
/// pareto_closed_form_accurate where u2 >= u1.
template <std::floating_point T>
[[nodiscard]] bool pareto_closed_form_accurate_below(T c, T u1, T U) noexcept {
  return std::exp(c + u1) * std::numeric_limits<T>::epsilon() * (U + T(8)) <= pareto_closed_form_target<T>();
}
/**
 * A bound on z |d log F/dz| for F(t) of the Pareto/NBD likelihood (pareto_nbd_f: a = r+s+x, b = s+1 when
 * alpha >= beta, else r+x, c = a+1, z = |alpha - beta| / (max(alpha, beta) + t)): b |alpha - beta| /
 * (min(alpha, beta) + t), which is b z / (1 - z) without the cancellation of 1 - z. The rounding of z (3
 * eps relative: a difference, a sum and a quotient) moves the computed log F by z |d log F/dz| per eps
 * of z, whichever way F is summed (Euler's transformation included: it is the same function of the same
 * rounded z); near z = 1 that is ~ b/(1 - z) eps, 1e8 eps at alpha = 1e5, beta = 1, s = 1e3, and the
 * predictions do not sum the series' derivatives. Why it holds: with c = a + 1, Euler's integral
 * (A&S 15.3.1) gives F = a int_0^1 u^(a-1) (1 - z u)^(-b) du, so d log F/dz = b E[u / (1 - z u)], the
 * mean under the positive weight u^(a-1) (1 - z u)^(-b) on [0, 1]; u / (1 - z u) <= 1 / (1 - z) there,
 * hence 0 <= z d log F/dz <= b z / (1 - z) for all a, b > 0 and 0 <= z < 1. It is tight near z = 1
 * when b >= 1 (z d log F/dz tends to (b - 1) z/(1 - z) or b z/(1 - z)); for b < 1 (alpha < beta, r+x < 1)
 * it overstates, which only sends such customers to the integral sooner. Checked against mpmath's
 * derivative on the grid of `scripts/hyp2f1_reference.py pareto_z` (ratio at most 0.9999) and against
 * the series' own derivative in tests/pareto_nbd_test.cpp.
 */
template <std::floating_point T>
[[nodiscard]] T pareto_z_slope_bound(T r, T alpha, T s, T beta, T x, T t) noexcept {
  const bool alpha_ge = alpha >= beta;
  const T b = alpha_ge ? s + T(1) : r + x;
  return b * ((alpha_ge ? alpha - beta : beta - alpha) / ((alpha_ge ? beta : alpha) + t));
}
/// U of pareto_closed_form_accurate from log F(t_x), log F(T) (lf1, lf2), a = r+s+x, l_i = log(D + t_i)
/// and bounds g_i on z_i |d log F/dz| at t_x and T (the fit: the series' derivative; the predictions:
/// pareto_z_slope_bound): |lf1| + |lf2| + a (|l1| + |l2|) + 4 (g1 + g2) + 64, the last but one the
/// rounding of z (3 eps relative, rounded up), in one order for every caller (the batch kernels make the
/// scalar functions' decision to the bit).
template <std::floating_point T>
[[nodiscard]] T pareto_closed_form_magnitude(T lf1, T lf2, T a, T l1, T l2, T g1, T g2) noexcept {
  return std::abs(lf1) + std::abs(lf2) + a * (std::abs(l1) + std::abs(l2)) + T(4) * (g1 + g2) + T(64);
}
template <std::floating_point T>
[[nodiscard]] bool pareto_closed_form_accurate(T c, T cmag, T u1, T u2, T U) noexcept {
  if (u2 < u1) {
    const T em = -std::expm1(u2 - u1), l = std::log(em), lo = c + (u1 + l);
    return pareto_closed_form_accurate_above(cmag, u1, U, em, l, lo, std::exp(-std::abs(lo)));
  }
  return pareto_closed_form_accurate_below(c, u1, U);
}

/**
 * log A0 = log((r+s+x) I), I = int_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau: the
 * Pareto/NBD likelihood's term for a customer who died in (t_x, T] (Fader & Hardie 2005; A0 is (r+s+x) I in
 * closed form through 2F1), with the log odds dead : alive and the log of the death part of L. The 2F1
 * series are tried first (at most 20 000 terms each) and kept when they converge and
 * pareto_closed_form_accurate holds; near z = 1 (alpha/beta far from 1 with short histories) they need
 * ~1/(1-z) terms, at large s their terms cancel (s log(beta+T) ~ 1e9 at s = 1e8), and with t_x next to T
 * the difference A0 cancels: then I is integrated instead (log_integral_anchored, in
 * u = log(tau + m), m = min(alpha, beta), anchored next to the mode of the integrand in [t_x, T]) and the
 * anchor's terms are combined analytically: log odds = log s + log((tau_a+m)/(beta+T)) +
 * (r+x) log1p((T-tau_a)/(alpha+tau_a)) + (s+1) log1p((T-tau_a)/(beta+tau_a)) + log_rel, the death part
 * log s + log((tau_a+m)/(beta+tau_a)) - r log1p(tau_a/alpha) - x log(alpha+tau_a) - s log1p(tau_a/beta) +
 * log_rel, each term rounded relative to its own size. -inf when t_x = T.
 */
template <std::floating_point T>
[[nodiscard]] pareto_death_term<T> pareto_log_death_term(T r, T alpha, T s, T beta, T x, T tx, T age) {
  pareto_death_term<T> out;
  const T ninf = -std::numeric_limits<T>::infinity();
  if (!(age > tx)) {
    out.log_value = out.log_odds = out.log_died = ninf;
    out.ok = true;
    return out;
  }
  const T a = r + s + x;
  const T d = alpha >= beta ? alpha : beta;
  const hyp2f1_value<T> f1 = pareto_nbd_f<T>(r, alpha, s, beta, x, tx, false, pareto_prediction_series_terms);
  const hyp2f1_value<T> f2 = pareto_nbd_f<T>(r, alpha, s, beta, x, age, false, pareto_prediction_series_terms);
  out.work = f1.terms + f2.terms;
  if (f1.converged && f2.converged) {
    const T l1 = std::log(d + tx), l2 = std::log(d + age);
    const T u1 = f1.log_value - a * l1, u2 = f2.log_value - a * l2;
    const T ls = std::log(s), la = std::log(a), lat = std::log(alpha + age), lbt = std::log(beta + age);
    const T c = ls - la + (r + x) * lat + s * lbt;
    const T cmag = std::abs(ls) + std::abs(la) + (r + x) * std::abs(lat) + s * std::abs(lbt);
    const T U = pareto_closed_form_magnitude(f1.log_value, f2.log_value, a, l1, l2, pareto_z_slope_bound(r, alpha, s, beta, x, tx),
                                             pareto_z_slope_bound(r, alpha, s, beta, x, age));
    if (pareto_closed_form_accurate(c, cmag, u1, u2, U)) {
      out.log_value = u1 > u2 ? u1 + std::log(-std::expm1(u2 - u1)) : ninf;
      out.log_odds = c + out.log_value;
      // the alive part log(alpha^r beta^s (alpha+T)^-(r+x) (beta+T)^-s) plus the log odds
      out.log_died = pareto_log_alive_part(r, alpha, s, beta, x, age) + out.log_odds;
      out.ok = true;
      return out;
    }
  }
  out.quadrature = true;
  const T m = std::min(alpha, beta);
  const anchored_integral<T> q = log_integral_anchored<T>(T(1), r + x, alpha, s + T(1), beta, m, tx, age, false);
  out.work += q.work;
  const T ta = q.anchor, ls = std::log(s);
  out.log_value = std::log(a) + q.log_value;
  out.log_odds = ls + std::log(q.v / (beta + age)) + (r + x) * std::log1p((age - ta) / (alpha + ta)) +
                 (s + T(1)) * std::log1p((age - ta) / (beta + ta)) + q.log_rel;
  out.log_died = ls + std::log(q.v / (beta + ta)) + pareto_log_alive_part(r, alpha, s, beta, x, ta) + q.log_rel;
  out.ok = q.ok;
  return out;
}

/**
 * One customer's Pareto/NBD log-likelihood and its gradient in (r, alpha, s, beta), as
 * pareto_nbd_loglik gives them, with the death term from its integral instead of the 2F1 series:
 * s/(r+s+x) A0 = s I, I = int_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau (Fader & Hardie 2005),
 * integrated as in pareto_log_death_term (log_integral_anchored: w = log((tau+m)/(tau_a+m)),
 * m = min(alpha, beta), about an anchor tau_a next to the mode, limits from T - t_x), with the
 * derivatives' weights on the same points. ln L = lgr_x + log(e^la + e^ld), la the alive part
 * pareto_log_alive_part(T) and ld = log s + r log alpha + s log beta + log I =
 * log s + log((tau_a+m)/(beta+tau_a)) + pareto_log_alive_part(tau_a) + the integral's log (each term
 * rounded relative to its own size: at s = 1e7 the closed form's s log(beta+T) is 2e8). The gradient of
 * ld, with L_i = log((tau+e_i)/(tau_a+e_i)) and E the mean under the integrand:
 *   d/dr = -log1p(tau_a/alpha) - E[L_alpha],  d/ds = 1/s - log1p(tau_a/beta) - E[L_beta],
 *   d/dalpha = (r tau_a - x alpha)/(alpha (alpha+tau_a)) + (r+x)/(alpha+tau_a) E[-expm1(-L_alpha)],
 *   d/dbeta = (s tau_a - beta)/(beta (beta+tau_a)) + (s+1)/(beta+tau_a) E[-expm1(-L_beta)]
 * (d log I/dalpha = -(r+x) E[1/(alpha+tau)] and the like, split so that no two terms of size s/beta
 * cancel); that of la from pareto_alive_part_gradient. This is the fit's form near z = 1, where the
 * series need ~1/(1-z) terms, and where the closed form fails pareto_closed_form_accurate (large s,
 * t_x next to T). Work: at most 3 x 200 search steps and 15 (256 + 2 x 256) integrand evaluations
 * (`work` receives them). *ok = false when the integral is not accurate to 1e-9.
 */
template <std::floating_point T>
[[nodiscard]] T pareto_nbd_loglik_integral(T r, T alpha, T s, T beta, T x, T tx, T age, T lgr_x, T dgr_x, T* grad, bool* ok,
                                           long long* work = nullptr) {
  const alive_part_terms<T> la = pareto_log_alive_terms(r, alpha, s, beta, x, age);
  if (!(age > tx)) {
    if (grad != nullptr) {
      const std::array<T, 4> da = pareto_alive_part_gradient(r, alpha, s, beta, x, age, la);
      for (std::size_t j = 0; j < 4; ++j) grad[j] = da[j] + (j == 0 ? dgr_x : T(0));
    }
    return lgr_x + la.value;
  }
  const T m = std::min(alpha, beta);
  std::array<T, 5> sums{};
  const anchored_integral<T> q = log_integral_anchored<T, 5>(
      T(1), r + x, alpha, s + T(1), beta, m, tx, age, false,
      [](T g, T l1, T l2) { return std::array<T, 5>{g, g * l1, -g * std::expm1(-l1), g * l2, -g * std::expm1(-l2)}; }, &sums);
  if (work != nullptr) *work += q.work;
  if (!q.ok) *ok = false;
  const T ta = q.anchor;
  const alive_part_terms<T> at = pareto_log_alive_terms(r, alpha, s, beta, x, ta);
  const T ld = std::log(s) + std::log(q.v / (beta + ta)) + at.value + q.log_rel;
  const log_sum_weights<T> w = log_add_exp_weights(la.value, ld);
  if (grad != nullptr) {
    const std::array<T, 4> da = pareto_alive_part_gradient(r, alpha, s, beta, x, age, la);
    const T e1 = sums[1] / sums[0], m1 = sums[2] / sums[0], e2 = sums[3] / sums[0], m2 = sums[4] / sums[0];
    const T dd[4] = {-at.l1a - e1, (r * ta - x * alpha) / (alpha * (alpha + ta)) + (r + x) / (alpha + ta) * m1,
                     T(1) / s - at.l1b - e2, (s * ta - beta) / (beta * (beta + ta)) + (s + T(1)) / (beta + ta) * m2};
    for (std::size_t j = 0; j < 4; ++j) grad[j] = (j == 0 ? dgr_x : T(0)) + w.first * da[j] + w.second * dd[j];
  }
  return lgr_x + w.log_sum;
}

/// log of the odds dead : alive, log( s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0 ), from
/// pareto_log_death_term (bounded work; `work`, optional, receives it).
template <std::floating_point T>
[[nodiscard]] T pareto_nbd_log_odds_dead(T r, T alpha, T s, T beta, T x, T tx, T age, bool* ok, long long* work = nullptr) {
  const pareto_death_term<T> dt = pareto_log_death_term<T>(r, alpha, s, beta, x, tx, age);
  if (work != nullptr) *work = dt.work;
  if (!dt.ok) *ok = false;
  return dt.log_odds;  // -inf when t_x == T: A0 = 0, surely alive
}

}  // namespace detail

/**
 * @brief The Pareto/NBD model: purchase rate lambda ~ Gamma(r, alpha), death rate mu ~ Gamma(s, beta)
 * (alpha, beta rates in the data's time unit). Each prediction has a throwing and a `try_` form;
 * errors: a parameter not finite or <= 0 (field "r", "alpha", "s", "beta"), an invalid customer row
 * (crm::validate), a negative or non-finite horizon t, errc::not_converged when the bounded work
 * (docs/models.md: 20 000 series terms then the death integral for P(alive), ln L and the conditional
 * expectation; 200 000 series terms in all then an integral for P(X(t) = n)) ends before the accuracy
 * target.
 */
template <std::floating_point T = double>
struct pareto_nbd {
  T r{}, alpha{}, s{}, beta{};

  [[nodiscard]] error_info check(const char* model) const noexcept {
    if (!std::isfinite(r) || !(r > T(0))) return {errc::out_of_range, model, "r", "must be finite and > 0"};
    if (!std::isfinite(alpha) || !(alpha > T(0))) return {errc::out_of_range, model, "alpha", "must be finite and > 0"};
    if (!std::isfinite(s) || !(s > T(0))) return {errc::out_of_range, model, "s", "must be finite and > 0"};
    if (!std::isfinite(beta) || !(beta > T(0))) return {errc::out_of_range, model, "beta", "must be finite and > 0"};
    return {};
  }

  /// log L of one customer (weight ignored), Fader & Hardie (2005), the Pareto/NBD likelihood; nats.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    constexpr const char* m = "pareto_nbd.log_likelihood";
    if (auto e = check_row(c, m)) return e;
    const T x = c.frequency;
    const detail::pareto_death_term<T> dt = detail::pareto_log_death_term<T>(r, alpha, s, beta, x, c.recency, c.age);
    if (!dt.ok) return error_info{errc::not_converged, m, "parameters", "the death term did not reach 1e-9 within its work bound"};
    const T alive = detail::pareto_log_alive_part(r, alpha, s, beta, x, c.age);
    const T g = detail::log_gamma(r + x) - detail::log_gamma(r);
    if (dt.log_odds == -std::numeric_limits<T>::infinity()) return g + alive;
    // series: alive + log(1 + odds); integral: its own death part (accurate where it dominates)
    if (!dt.quadrature) return g + alive + detail::softplus(dt.log_odds);
    return g + detail::log_add_exp(alive, dt.log_died);
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0), a probability;
  /// Fader & Hardie (2005).
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    constexpr const char* m = "pareto_nbd.probability_alive";
    if (auto e = check_row(c, m)) return e;
    bool ok = true;
    const T lo = detail::pareto_nbd_log_odds_dead<T>(r, alpha, s, beta, c.frequency, c.recency, c.age, &ok);
    if (!ok) return error_info{errc::not_converged, m, "parameters", "the death term did not reach 1e-9 within its work bound"};
    return detail::logistic_complement(lo);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)] (r beta/alpha log(1 + t/beta) when
  /// s = 1): expected purchases of a new customer in (0, t]; Schmittlein et al. (1987).
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    constexpr const char* m = "pareto_nbd.expected_purchases";
    if (auto e = check(m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    const T v = r / alpha * beta * growth(std::log1p(t / beta));
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result", "the expected purchases exceed the number type"};
    return v;
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, t_x, T] = (r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive);
  /// Fader & Hardie (2005).
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m = "pareto_nbd.conditional_expected_purchases";
    if (auto e = check_row(c, m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    const result<T> pa = try_probability_alive(c);
    if (!pa) return pa.error();
    const T v = (r + c.frequency) / (alpha + c.age) * (beta + c.age) * growth(std::log1p(t / (beta + c.age))) * *pa;
    if (!std::isfinite(v)) return error_info{errc::overflow, m, "result", "the expected purchases exceed the number type"};
    return v;
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(X(t) = n) for a new customer (Fader & Hardie 2006):
  ///   G(r+n)/(G(r) n!) (alpha/(alpha+t))^r (t/(alpha+t))^n (beta/(beta+t))^s
  ///   + alpha^r beta^s B(r+n, s+1)/B(r,s) [ B1 - sum_{j=0..n} G(r+s+j)/(G(r+s) j!) t^j B2_j ],
  /// B1 = 2F1(r+s, s+1; r+s+n+1; (alpha-beta)/alpha) / alpha^(r+s) and
  /// B2_j = 2F1(r+s+j, s+1; r+s+n+1; (alpha-beta)/(alpha+t)) / (alpha+t)^(r+s+j) when alpha >= beta;
  /// otherwise B1 = 2F1(r+s, r+n; r+s+n+1; (beta-alpha)/beta) / beta^(r+s),
  /// B2_j = 2F1(r+s+j, r+n; r+s+n+1; (beta-alpha)/(beta+t)) / (beta+t)^(r+s+j).
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n_count, T t) const {
    constexpr const char* m = "pareto_nbd.probability_of_purchases";
    if (auto e = check(m)) return e;
    if (n_count < 0) return error_info{errc::negative, m, "n"};
    if (auto e = check_horizon(t, m)) return e;
    if (t == T(0)) return n_count == 0 ? T(1) : T(0);
    const T n = to_number<T>(n_count);
    const bool alpha_ge = alpha >= beta;
    const T d = alpha_ge ? alpha : beta, diff = alpha_ge ? alpha - beta : beta - alpha;
    const T bb = alpha_ge ? s + T(1) : r + n, cc = r + s + n + T(1);
    // the survivors' term, each logarithm rounded relative to its own size (s (log beta - log(beta+t))
    // would leave eps s log beta: 2.7e-8 relative at s = 1e7, beta = 1e8)
    const T log_t_share = n > T(0) ? -n * std::log1p(alpha / t) : T(0);  // n log(t/(alpha+t))
    const T log_nb = detail::log_nb_coefficient(r, n), log_ra = -r * std::log1p(t / alpha), log_sb = -s * std::log1p(t / beta);
    const T first = std::exp(log_nb + log_ra + log_t_share + log_sb);
    // Everything inside the braces is scaled by d^(r+s) to keep it near 1. Bounded work: the closed
    // form's n + 2 series share a budget of pareto_pmf_series_budget terms; beyond it, the integral.
    // Rounding: each term of the braces is exp of a sum of logarithms, rounded by eps times the sum of
    // their magnitudes (with |log 2F1| and 4 b |alpha-beta| / (min(alpha, beta) + t) for the rounding of
    // z, pareto_z_slope_bound, and the Euler factor's |(c-a-b) log(1-z)|); `rounding` gathers those
    // magnitudes weighted by the terms, in units of eps and of the braces' scale.
    long long budget = detail::pareto_pmf_series_budget;
    const T z1 = diff / d;
    const detail::hyp2f1_value<T> h1 = detail::log_hyp2f1<T>(r + s, bb, cc, z1, false, budget);
    budget -= h1.terms;
    bool closed = h1.converged;
    const auto hyp_size = [&](const detail::hyp2f1_value<T>& h, T a, T z, T tt) {
      const T euler = detail::hyp2f1_uses_euler(a, bb, cc, z) ? std::abs((cc - a - bb) * std::log1p(-z)) : T(0);
      return std::abs(h.log_value) + euler + T(4) * detail::pareto_z_slope_bound(r, alpha, s, beta, n, tt) + T(16);
    };
    // the braces in units of e^scale, the largest term's logarithm so far: neither the terms (2F1 near z = 1
    // reaches e^700) nor the prefactor (alpha^r beta^s / d^(r+s) reaches e^-700) is formed alone
    T scale = h1.log_value, braces = 1, braces_abs = 1, rounding = hyp_size(h1, r + s, z1, T(0));
    const T log_ratio = -std::log1p(t / d);  // log(d/(d+t))
    // log((a)_j) = lgamma(a+j) - lgamma(a), by Stirling's series from a = 100 (detail::log_rising_large)
    const auto log_rising = [](T a, T j) { return a < T(100) ? detail::log_gamma(a + j) - detail::log_gamma(a) : detail::log_rising_large(a, j); };
    const T z2 = diff / (d + t);
    for (count_t j = 0; closed && j <= n_count; ++j) {
      const T jj = to_number<T>(j);
      const detail::hyp2f1_value<T> h2 = detail::log_hyp2f1<T>(r + s + jj, bb, cc, z2, false, std::max(budget, 1LL));
      budget -= h2.terms;
      closed = h2.converged && budget > 0;
      const T rise = log_rising(r + s, jj), fact = detail::log_gamma(jj + T(1)), lr = (r + s) * log_ratio;
      const T lt = j > 0 ? -jj * std::log1p(d / t) : T(0);
      const T log_term = (rise - fact) + (lr + lt) + h2.log_value;
      if (log_term > scale) {
        const T f = std::exp(scale - log_term);
        braces *= f, braces_abs *= f, rounding *= f, scale = log_term;
      }
      const T term = std::exp(log_term - scale);
      braces -= term;
      braces_abs += term;
      rounding += term * (std::abs(rise) + fact + std::abs(lr) + std::abs(lt) + hyp_size(h2, r + s + jj, z2, t));
    }
    if (closed && std::isfinite(scale)) {
      // log(alpha^r beta^s / d^(r+s)) = -s log1p(|alpha-beta|/beta) or -r log1p(|alpha-beta|/alpha), and
      // log(B(r+n, s+1)/B(r, s)) = log(B(s, r+n)/B(s, r)) + log(s/(r+s+n)) by log_beta_step: each rounded
      // relative to its own size (not as differences of terms of size s log beta and s log s)
      const T lp1 = alpha_ge ? -s * std::log1p(diff / beta) : -r * std::log1p(diff / alpha), lp2 = detail::log_beta_step(s, r, n);
      const T lp3 = std::log(s) - std::log(r + s + n);
      const T pref = std::exp((lp1 + lp2 + lp3) + scale);  // the prefactor times e^scale
      const T p = first + pref * braces;
      const T eps = std::numeric_limits<T>::epsilon();
      const T err = eps * (first * (std::abs(log_nb) + std::abs(log_ra) + std::abs(log_t_share) + std::abs(log_sb) + T(8)) +
                           pref * (std::abs(braces) * (std::abs(lp1) + std::abs(lp2) + std::abs(lp3) + T(8)) + rounding));
      // the braces are a difference: when it cancels to below 1e-4 of its terms (more than 4 digits
      // lost), or the rounding above exceeds pareto_closed_form_target (1e-11 relative in double), the
      // integral instead
      if (p >= T(1e-4) * (first + pref * braces_abs) && err <= detail::pareto_closed_form_target<T>() * p) return p;
    }
    const detail::log_integral<T> q = detail::pareto_pmf_death_integral<T>(r, alpha, s, beta, n, t);
    if (!q.ok) return error_info{errc::not_converged, m, "t", "the integral of P(X(t) = n) did not reach 1e-9 within its work bound"};
    return first + std::exp(q.log_value);
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  [[nodiscard]] error_info check_row(const rfm_row<T>& c, const char* m) const noexcept {
    if (auto e = check(m)) return e;
    return validate(std::span<const rfm_row<T>>(&c, 1), m);
  }
  [[nodiscard]] static error_info check_horizon(T t, const char* m) noexcept {
    if (!std::isfinite(t)) return {errc::not_finite, m, "t"};
    if (t < T(0)) return {errc::negative, m, "t"};
    return {};
  }
  /// (1 - exp(-(s-1) L)) / (s-1) with L = log(1 + t/beta), and its limit L at s = 1, without
  /// cancellation near s = 1.
  [[nodiscard]] T growth(T L) const {
    const T e = s - T(1);
    if (e == T(0)) return L;
    return -std::expm1(-e * L) / e;
  }
};

namespace detail {
/// F(t) of one frequency group as polynomials in z, for every row of the group at once.
/// With a = r+s+x and c = a+1, Euler's transformation gives F = (1-z)^(1-b) G(z),
/// G = 2F1(1, c-b; c; z) = sum_n g_n z^n with g_0 = 1, g_{n+1} = g_n (c-b+n)/(c+n) < g_n, so for
/// 0 <= z <= z_max < 1 the remainder after the z^N term is at most g_{N+1} z_max^(N+1) / (1 - z_max);
/// N is chosen so that this is below epsilon, relative since G >= 1 (more than 4000 terms: the group
/// falls back to the per-row series).
/// The coefficients, and those of dG/d(c-b), dG/dc and dG/dz, are computed once per group and
/// evaluation; each row then costs four Horner evaluations and no division.
template <std::floating_point T>
struct pareto_group_series {
  T b{}, cb{}, c{};
  std::vector<T> g, gb, gc, gz;  // coefficients of G, dG/dcb, dG/dc (with sign), dG/dz
  bool usable = false;

  void build(T a, T b_, T z_max) {
    b = b_, c = a + T(1), cb = c - b_;
    g.clear(), gb.clear(), gc.clear(), gz.clear();
    usable = false;
    if (!(z_max >= T(0) && z_max < T(1) && cb > T(0))) return;
    const T eps = std::numeric_limits<T>::epsilon();
    T coef = 1, sb = 0, sc = 0, zn1 = z_max;  // coef = g_n, zn1 = z_max^(n+1)
    for (std::size_t n = 0; n < 4000; ++n) {
      const T nn = static_cast<T>(n);
      g.push_back(coef), gb.push_back(coef * sb), gc.push_back(-coef * sc);
      sb += T(1) / (cb + nn), sc += T(1) / (c + nn);
      coef *= (cb + nn) / (c + nn);  // g_{n+1}
      gz.push_back((nn + T(1)) * coef);  // coefficient of z^n in dG/dz
      // remainder of G after z^n: sum_{k>n} g_k z^k <= g_{n+1} z^(n+1) / (1 - z); the derivative
      // series carry at most the extra factor (1 + sb + sc + n + 1)
      if (coef * zn1 / (T(1) - z_max) * (T(2) + sb + sc + nn) <= eps) {
        usable = true;
        return;
      }
      zn1 *= z_max;
    }
  }
  /// log F and its derivatives at z, as log_hyp2f1 would give them with c = a + 1 tied to a:
  /// dlog_a holds the derivative along a and c together, dlog_c = 0.
  [[nodiscard]] hyp2f1_value<T> at(T z) const noexcept {
    T p0 = 0, pb = 0, pc = 0, pz = 0;
    for (std::size_t n = g.size(); n-- > 0;) {
      p0 = p0 * z + g[n], pb = pb * z + gb[n], pc = pc * z + gc[n], pz = pz * z + gz[n];
    }
    hyp2f1_value<T> out;
    const T l1z = std::log1p(-z);
    out.log_value = (T(1) - b) * l1z + std::log(p0);
    out.dlog_a = (pb + pc) / p0;  // cb = a+1-b and c = a+1 both move with a
    out.dlog_b = -l1z - pb / p0;
    out.dlog_c = 0;
    out.dlog_z = -(T(1) - b) / (T(1) - z) + pz / p0;
    out.converged = true;
    return out;
  }
};

/**
 * One customer's Pareto/NBD log-likelihood and, when `grad` is not null, its gradient in
 * (r, alpha, s, beta), from the closed form of Fader & Hardie (2005), the Pareto/NBD likelihood:
 *   L = G(r+x) alpha^r beta^s / G(r) [ 1/((alpha+T)^(r+x) (beta+T)^s) + s/(r+s+x) A0 ],
 *   A0 = F(t_x)/(D+t_x)^(r+s+x) - F(T)/(D+T)^(r+s+x), with (alpha >= beta) D = alpha,
 *   F(t) = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t)), else D = beta,
 *   F(t) = 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t)).
 * f1 = F(t_x), f2 = F(T) as log 2F1 with derivatives (pareto_nbd_f, or a frequency group's polynomial;
 * F(T) is shared by the group's customers of equal age), lgr_x = lgamma(r+x) - lgamma(r),
 * dgr_x = digamma(r+x) - digamma(r), lc = log(s) - log(r+s+x) and lc_mag = |log s| + |log(r+s+x)|.
 * Written as lgr_x + la + softplus(lo), as pareto_nbd::try_log_likelihood does: la the alive part
 * (pareto_log_alive_terms: alpha^r beta^s (alpha+T)^-(r+x) (beta+T)^-s, each term rounded relative to its
 * own size, not s log beta - s log(beta+T)), lo the log odds dead : alive, c + u1 + log(1 - e^(u2-u1))
 * with c = lc + (r+x) log(alpha+T) + s log(beta+T) and u_i = log F(t_i) - (r+s+x) log(D+t_i); the
 * gradient likewise, the alive part's (pareto_alive_part_gradient) plus P(dead) times the log odds'.
 * Returns false, leaving *ll and grad alone, when the closed form fails pareto_closed_form_accurate
 * (at large s its terms s log(beta+T) reach 1e8; with t_x next to T the difference A0 cancels as
 * 1/(1 - e^(u2-u1))): the caller integrates the death term instead (pareto_nbd_loglik_integral).
 */
template <std::floating_point T>
[[nodiscard]] bool pareto_nbd_loglik(T r, T alpha, T s, T beta, T x, T tx, T age, T lgr_x, T dgr_x, T lc, T lc_mag,
                                     const hyp2f1_value<T>& f1, const hyp2f1_value<T>& f2, T* ll, T* grad) {
  const bool alpha_ge = alpha >= beta;
  const T a = r + s + x;
  const T d = alpha_ge ? alpha : beta;
  const T l1 = std::log(d + tx), l2 = std::log(d + age);
  const T u1 = f1.log_value - a * l1, u2 = f2.log_value - a * l2;
  const T lat = std::log(alpha + age), lbt = std::log(beta + age);
  const T c = lc + (r + x) * lat + s * lbt;
  // U of pareto_closed_form_accurate, with the rounding of z = |alpha - beta| / (D + t) (3 eps relative),
  // which moves log F by z |d log F/dz| per eps: near z = 1 that is |1 - b| z/(1 - z) (alpha = 1e4,
  // beta = 1, s = 1e3: 1e7, ln L off by 1e-10 while the test without it passed); the fit has the
  // derivative itself (the predictions bound it: pareto_z_slope_bound)
  const T z1 = (alpha_ge ? alpha - beta : beta - alpha) / (d + tx), z2 = (alpha_ge ? alpha - beta : beta - alpha) / (d + age);
  const T U = pareto_closed_form_magnitude(f1.log_value, f2.log_value, a, l1, l2, z1 * std::abs(f1.dlog_z), z2 * std::abs(f2.dlog_z));
  T lo = -std::numeric_limits<T>::infinity(), em = 0, e = 0;
  if (u2 < u1) {
    em = -std::expm1(u2 - u1);
    const T lem = std::log(em);
    lo = c + (u1 + lem);
    e = std::exp(-std::abs(lo));
    const T cmag = lc_mag + (r + x) * std::abs(lat) + s * std::abs(lbt);
    if (!pareto_closed_form_accurate_above(cmag, u1, U, em, lem, lo, e)) return false;
  } else if (!pareto_closed_form_accurate_below(c, u1, U)) {
    return false;
  }
  const alive_part_terms<T> al = pareto_log_alive_terms(r, alpha, s, beta, x, age);
  // softplus(lo) and P(dead) = 1 / (1 + e^-lo) from e = exp(-|lo|)
  const bool dead = lo > -std::numeric_limits<T>::infinity();
  const T sp = dead ? (lo > T(0) ? lo + std::log1p(e) : std::log1p(e)) : T(0);
  *ll = lgr_x + al.value + sp;
  if (grad != nullptr) {
    const std::array<T, 4> da = pareto_alive_part_gradient(r, alpha, s, beta, x, age, al);
    for (std::size_t j = 0; j < 4; ++j) grad[j] = da[j] + (j == 0 ? dgr_x : T(0));
    if (dead) {
      const T p_dead = lo >= T(0) ? T(1) / (T(1) + e) : e / (T(1) + e);
      // d u_i = d log F_i - da l_i - a dl_i; a = r+s+x (da/dr = da/ds = 1) and c = a + 1 move together.
      T du1[4], du2[4];
      const T tpts[2] = {tx, age};
      const hyp2f1_value<T>* fs[2] = {&f1, &f2};
      T* dus[2] = {du1, du2};
      for (int i = 0; i < 2; ++i) {
        const hyp2f1_value<T>& f = *fs[i];
        const T t = tpts[i], li = i == 0 ? l1 : l2;
        const T fac = f.dlog_a + f.dlog_c;
        T dz_dalpha, dz_dbeta, dl_dalpha, dl_dbeta;
        if (alpha_ge) {
          dz_dalpha = (beta + t) / ((alpha + t) * (alpha + t)), dz_dbeta = -T(1) / (alpha + t);
          dl_dalpha = T(1) / (alpha + t), dl_dbeta = 0;
        } else {
          dz_dbeta = (alpha + t) / ((beta + t) * (beta + t)), dz_dalpha = -T(1) / (beta + t);
          dl_dbeta = T(1) / (beta + t), dl_dalpha = 0;
        }
        const T db_dr = alpha_ge ? T(0) : T(1), db_ds = alpha_ge ? T(1) : T(0);
        T* du = dus[i];
        du[0] = fac + f.dlog_b * db_dr - li;
        du[1] = f.dlog_z * dz_dalpha - a * dl_dalpha;
        du[2] = fac + f.dlog_b * db_ds - li;
        du[3] = f.dlog_z * dz_dbeta - a * dl_dbeta;
      }
      // d log A0 = (du1 - e^(u2-u1) du2) / (1 - e^(u2-u1)); the log odds' other terms: lc and c's
      const T rho = T(1) - em;
      const T dlo[4] = {-T(1) / a + lat, (r + x) / (alpha + age), T(1) / s - T(1) / a + lbt, s / (beta + age)};
      for (std::size_t j = 0; j < 4; ++j) grad[j] += p_dead * (dlo[j] + (du1[j] - rho * du2[j]) / em);
    }
  }
  return true;
}

/// Bounded work of a Pareto/NBD fit's likelihood in its per-row fallback (a frequency group whose
/// polynomial would need more than 4000 terms, near z = 1): each 2F1 series stops at
/// pareto_fit_series_terms terms, beyond which the row's death term is integrated
/// (pareto_nbd_loglik_integral; so is that of a row whose closed form fails pareto_closed_form_accurate,
/// from the polynomial or the series), so one evaluation does at most 2 pareto_fit_series_terms +
/// pareto_fit_integral_max_work units (series terms, integral search steps and integrand evaluations) per
/// row. The whole fit may spend at most max(pareto_fit_max_terms, pareto_fit_work_per_row x distinct
/// rows) units there; the grouped polynomial evaluation of ordinary data does not count against it.
inline constexpr long long pareto_fit_series_terms = 100;
inline constexpr long long pareto_fit_integral_max_work = 3 * 200 + 15LL * (pareto_quadrature_panels + 2 * pareto_quadrature_bisections);
inline constexpr long long pareto_fit_max_terms = 4'000'000;
inline constexpr long long pareto_fit_work_per_row = 40'000;

/// Total negative log-likelihood of Pareto/NBD and its gradient in (r, alpha, s, beta). `terms`
/// (optional) accumulates the work of the per-row fallback (series terms and death-integral steps).
/// Each row: the closed form (pareto_nbd_loglik) from its group's polynomial, or from the per-row
/// series while they converge within pareto_fit_series_terms; the death integral
/// (pareto_nbd_loglik_integral) where they do not, or where the closed form fails its accuracy test.
template <std::floating_point T>
[[nodiscard]] double pareto_nbd_nll(const grouped_rfm<T>& d, const vec<4>& th, vec<4>& grad, long long* terms = nullptr) {
  const T r = static_cast<T>(th[0]), alpha = static_cast<T>(th[1]), s = static_cast<T>(th[2]), beta = static_cast<T>(th[3]);
  T ll = 0, g[4] = {0, 0, 0, 0};
  bool ok = true;
  const T lg_r = detail::log_gamma(r), dg_r = digamma(r), ls = std::log(s);
  const bool alpha_ge = alpha >= beta;
  const T dd = alpha_ge ? alpha : beta, diff = alpha_ge ? alpha - beta : beta - alpha;
  pareto_group_series<T> poly;
  long long work = 0;
  for (const auto& grp : d.groups) {
    const T lgr_x = detail::log_gamma(r + grp.x) - lg_r, dgr_x = digamma(r + grp.x) - dg_r;
    const T la = std::log(r + s + grp.x), lc = ls - la, lc_mag = std::abs(ls) + std::abs(la);
    // rows are sorted by recency within the group: the first has the largest z
    poly.build(r + s + grp.x, alpha_ge ? s + T(1) : r + grp.x, diff / (dd + d.recency[grp.begin]));
    const auto f_at = [&](T t) {
      return poly.usable ? poly.at(diff / (dd + t)) : pareto_nbd_f<T>(r, alpha, s, beta, grp.x, t, true, pareto_fit_series_terms);
    };
    hyp2f1_value<T> f2{};
    T f2_age = -1;  // reuse F(T) while the age repeats
    for (std::size_t i = grp.begin; i < grp.end; ++i) {
      T gi[4], li = 0;
      const T w = d.weight[i];
      if (d.age[i] != f2_age) {
        f2 = f_at(d.age[i]), f2_age = d.age[i];
        work += f2.terms;
      }
      // Per row: the series while they converge within pareto_fit_series_terms (when F(T) did not
      // converge, F(t_x), at z(t_x) >= z(T), is not tried), and their closed form while it is accurate;
      // else the death integral.
      bool closed = false;
      if (poly.usable) {
        closed = pareto_nbd_loglik<T>(r, alpha, s, beta, grp.x, d.recency[i], d.age[i], lgr_x, dgr_x, lc, lc_mag,
                                      poly.at(diff / (dd + d.recency[i])), f2, &li, gi);
      } else if (f2.converged) {
        const hyp2f1_value<T> f1 = pareto_nbd_f<T>(r, alpha, s, beta, grp.x, d.recency[i], true, pareto_fit_series_terms);
        work += f1.terms;
        closed = f1.converged && pareto_nbd_loglik<T>(r, alpha, s, beta, grp.x, d.recency[i], d.age[i], lgr_x, dgr_x, lc,
                                                      lc_mag, f1, f2, &li, gi);
      }
      if (!closed) li = pareto_nbd_loglik_integral<T>(r, alpha, s, beta, grp.x, d.recency[i], d.age[i], lgr_x, dgr_x, gi, &ok, &work);
      ll += w * li;
      for (int j = 0; j < 4; ++j) g[j] += w * gi[j];
    }
  }
  if (terms != nullptr) *terms += work;
  for (std::size_t j = 0; j < 4; ++j) grad[j] = -static_cast<double>(g[j]);
  const double v = -static_cast<double>(ll);
  return ok && std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
}
}  // namespace detail

namespace detail {
/// How a Pareto/NBD fit at the corner s, beta -> 0 writes the share pi that dies at once into its parameters:
/// s = -ln(1 - pi)/pareto_corner_scale and beta = e^-pareto_corner_scale, a point on the way to the corner
/// (the fit's report, crm::try_zero_inflated_estimates and the PostgreSQL rows all read pi back from s).
inline constexpr double pareto_corner_scale = 300.0;
/// The share that dies at once, from the s of a fit at the corner: 1 - e^(-pareto_corner_scale s).
template <std::floating_point T>
[[nodiscard]] T pareto_corner_share(T s) noexcept {
  return -std::expm1(T(-pareto_corner_scale) * s);
}
/// The s and beta that stand for the share pi = 1 - e^-kappa at the corner.
[[nodiscard]] inline vec<2> pareto_corner_point(double kappa) noexcept {
  return {std::max(kappa / pareto_corner_scale, std::numeric_limits<double>::min()), std::exp(-pareto_corner_scale)};
}
/// The s from which a Pareto/NBD fit tests the homogeneous-death-rate ridge (once, while it runs):
/// Gamma(s, beta) with a coefficient of variation 1/sqrt(s) below 0.32.
inline constexpr double pareto_ridge_check_s = 10.0;
/// s beyond which a failed Pareto/NBD fit counts as running along that ridge.
inline constexpr double pareto_ridge_scale = 1e3;

/// try_fit_pareto_nbd with its counted work: series terms, death-integral steps and the homogeneous
/// fit's integrand evaluations, added to *work_out (optional).
template <std::floating_point T>
[[nodiscard]] result<fit_result<pareto_nbd<T>>> fit_pareto_nbd_counted(std::span<const rfm_row<T>> rows, const fit_options& opt,
                                                                      long long* work_out) {
  constexpr const char* model = "fit_pareto_nbd";
  if (auto e = validate(rows, model)) return e;
  if (auto e = check_no_repeat_at_zero(rows, model)) return e;
  if (auto e = check_fit_options(model, opt)) return e;
  const grouped_rfm<T> d(rows);
  if (!(d.repeaters() > T(0))) return error_info{errc::not_identifiable, model, "frequency", "nobody made a repeat purchase"};
  // Bounded work: near z = 1 (towards the NBD limit) every row of the likelihood falls back to per-row
  // series capped at pareto_fit_series_terms and then to the death integral (bounded per evaluation);
  // the whole fit may spend at most `budget` units there; beyond, every further evaluation is
  // "infinite" and the fit ends as not converged, saying why.
  long long terms = 0;
  const long long budget =
      std::max(pareto_fit_max_terms, pareto_fit_work_per_row * static_cast<long long>(d.recency.size()));
  // The homogeneous-death-rate ridge (s, beta -> infinity, s/beta -> mu) is where the 2F1 series are
  // slowest (z -> 1 as beta grows). It is tested early, once: at the first evaluation with
  // s >= pareto_ridge_check_s that needed the per-row fallback (or s >= 100), the homogeneous model is
  // fitted; when its heterogeneity score is <= 0 (the ridge is a maximum) and its ln L is at least that
  // of the current point, the fit stops there (every later evaluation is +inf) and names the ridge.
  long long homogeneous_work = 0;
  bool ridge_checked = false, ridge_stop = false;
  result<homogeneous_fit<homogeneous_pareto_nbd<T>>> homog = error_info{errc::not_converged, model, "s", "not fitted"};
  double best = std::numeric_limits<double>::infinity();
  vec<4> best_at{};
  int purchase_tests = 0;
  bool purchase_stop = false;
  vec<4> purchase_at{};
  const auto nll = [&](const vec<4>& th, vec<4>& g) {
    if (terms > budget || ridge_stop || purchase_stop) return std::numeric_limits<double>::infinity();
    const long long before = terms;
    const double v = pareto_nbd_nll<T>(d, th, g, &terms);
    if (std::isfinite(v) && v < best) best = v, best_at = th;
    if (!ridge_checked && opt.penalizer == 0.0 && th[2] >= pareto_ridge_check_s && (terms > before || th[2] >= 100.0)) {
      ridge_checked = true;
      homog = fit_homogeneous_pareto<T>(rows, opt.interrupt_only(), &homogeneous_work);
      if (homog && homog->heterogeneity_score <= 0.0 && std::isfinite(v) &&
          homog->fit.log_likelihood >= -v - 1e-9 * std::max(1.0, std::abs(v))) {
        ridge_stop = true;
        return std::numeric_limits<double>::infinity();
      }
    }
    // The purchase-rate ridge (purchase_ridge_on_the_way), named below. Run on, the optimizer went to r of
    // about 1e9, where ln L keeps 4 digits, and spent its evaluations in line searches there (19 customers:
    // 400 evaluations, 0.15 s at -O2).
    if (opt.penalizer == 0.0 &&
        purchase_ridge_on_the_way([&d, &terms](const vec<4>& x, vec<4>& gx) { return pareto_nbd_nll<T>(d, x, gx, &terms); }, th, v,
                                  best, purchase_tests)) {
      purchase_stop = true;
      purchase_at = th;
      return std::numeric_limits<double>::infinity();
    }
    return v;
  };
  double mean_age = 0;
  for (std::size_t i = 0; i < d.age.size(); ++i) mean_age += static_cast<double>(d.age[i] * d.weight[i]);
  mean_age /= static_cast<double>(d.customers);
  const vec<4> start = {1.0, std::max(mean_age, 1e-6), 1.0, std::max(mean_age, 1e-6)};
  // Where the likelihood has no interior maximum because no death is visible, the optimizer runs to
  // the NBD limit: s -> 0, or beta -> infinity (the mean death rate s/beta times the longest age -> 0;
  // the fit is called there once that product is below 1e-3, fewer than 0.1 % of the customers dying
  // within the longest age at the mean rate).
  double max_age = 0;
  for (const T a : d.ages) max_age = std::max(max_age, static_cast<double>(a));
  fit_boundary where = fit_boundary::none;
  vec<4> at{};
  const error_info beta_limit{errc::not_identifiable, model, "beta",
                              "the likelihood is maximised on the boundary beta -> infinity: no death visible in the data (the NBD limit)"};
  const auto boundary = [max_age, &where, &at, &beta_limit](const vec<4>& th) -> error_info {
    constexpr double tiny = 1e-5;
    at = th;
    // The mean death rate first: s and beta often go together (s -> 0 as beta -> infinity).
    if (th[2] / th[3] * std::max(max_age, 1e-300) < 1e-3) {
      where = fit_boundary::beta_to_infinity;
      return beta_limit;
    }
    if (th[2] < tiny) {
      where = fit_boundary::s_to_zero;
      return {errc::not_identifiable, model, "s",
              "the likelihood is maximised on the boundary s -> 0: no death visible in the data (the NBD limit)"};
    }
    where = fit_boundary::none;
    return {};
  };
  convergence last{};
  result<positive_fit<4>> f =
      fit_positive<4>(nll, start, static_cast<double>(d.customers), opt, model, boundary, &last, {false, true, false, true});
  const auto make = [](const vec<4>& v) {
    return pareto_nbd<T>{static_cast<T>(v[0]), static_cast<T>(v[1]), static_cast<T>(v[2]), static_cast<T>(v[3])};
  };
  // The corner of both ridges, s, beta -> infinity and r, alpha -> infinity (one death rate and one purchase rate for
  // all customers: Poisson purchases, exponential lifetimes), named below too.
  const error_info both_ridges{errc::not_identifiable, model, "s",
                               "the optimizer ran to s, beta -> infinity with s/beta fixed and r, alpha -> infinity with r/alpha fixed (one "
                               "death rate and one purchase rate for all customers), a corner the fit does not name: no estimate"};
  if (purchase_stop && last.reason != stop_reason::interrupted) {
    (void)boundary(purchase_at);  // a drop-out boundary at that point too: the Poisson corner
    if (where == fit_boundary::none && purchase_at[2] >= pareto_ridge_scale) return both_ridges;
    return purchase_ridge_error(model, where != fit_boundary::none);
  }
  if (ran_along_purchase_ridge(!f, at, last, opt))
    return where == fit_boundary::none && at[2] >= pareto_ridge_scale ? both_ridges : purchase_ridge_error(model, where != fit_boundary::none);
  // The corner s, beta -> 0 with s ln(1/beta) -> kappa: Gamma(s, beta)'s distribution function at any fixed rate
  // tends to e^-kappa, so a share pi = 1 - e^-kappa of the customers dies at once (no repeat purchase) and the rest
  // never, and each customer's likelihood tends to (1 - pi) A(x, T) + pi [x = 0], A(x, T) the NBD's: the limit
  // of the modified BG/NBD at a, b -> 0 (fit_bgnbd_zero_limit with Shift 1 fits it). The optimizer cannot run
  // there (beta has to fall like e^(-kappa/s)): on 2000 NBD customers of whom 30 % made no repeat purchase by
  // construction (tests/pareto_nbd_test.cpp) it named beta -> infinity 12 to 20 nats below this limit, the
  // homogeneous death rate 12 nats below it, or stopped at its work bound. Wherever the fit would end (a named
  // boundary, a failure, a converged point: its ln L, or that of the best point it evaluated) the limit is fitted
  // (after a converged fit screened first, as for the BG/NBD family) and, when more likely by max(1e-4, 1e-9
  // |ln L|) nats with pi > 0, the optimizer starts again inward from it (s = 0.5 and 0.1 with beta =
  // e^(-kappa/s), within a quarter of the fit's work bound): a fit that converges more likely than the limit is
  // the maximum, else the corner is named.
  const auto corner = [&](double here, bool screen) -> std::optional<result<fit_result<pareto_nbd<T>>>> {
    if (opt.penalizer != 0.0 || last.reason == stop_reason::interrupted) return std::nullopt;
    convergence zr{};
    const vec<2> from = f && f->theta[0] < purchase_ridge_check_r ? vec<2>{f->theta[0], f->theta[1]} : vec<2>{start[0], start[1]};
    result<bgnbd_zero_limit> z = fit_bgnbd_zero_limit<T, 1>(d, opt, from, model, &zr, screen);
    if (zr.reason == stop_reason::interrupted) return std::optional(result<fit_result<pareto_nbd<T>>>(z.error()));
    if (!z || !(z->pi > 0.0) || !(z->log_likelihood > here + limit_gain(z->log_likelihood))) return std::nullopt;
    if (screen) {
      z = fit_bgnbd_zero_limit<T, 1>(d, opt, {z->r, z->alpha}, model, &zr);
      if (zr.reason == stop_reason::interrupted) return std::optional(result<fit_result<pareto_nbd<T>>>(z.error()));
      if (!z || !(z->pi > 0.0) || !(z->log_likelihood > here + limit_gain(z->log_likelihood))) return std::nullopt;
    }
    const double kappa = -std::log1p(-std::min(z->pi, 1.0 - 1e-16));
    long long steps = 0;  // the restarts' own work bound: a quarter of the fit's (near the corner the series are slow)
    const auto nll_inward = [&](const vec<4>& th, vec<4>& g) {
      return steps > budget / 4 ? std::numeric_limits<double>::infinity() : pareto_nbd_nll<T>(d, th, g, &steps);
    };
    std::optional<positive_fit<4>> best_inward;
    for (const double s0 : {0.5, 0.1}) {
      convergence again{};
      result<positive_fit<4>> f2 = fit_positive<4>(nll_inward, {z->r, z->alpha, s0, std::exp(-kappa / s0)}, static_cast<double>(d.customers),
                                                   opt, model, nullptr, &again, {false, true, false, true});
      if (again.reason == stop_reason::interrupted) return std::optional(result<fit_result<pareto_nbd<T>>>(f2.error()));
      if (f2 && !f2->unit_rescued && f2->log_likelihood > z->log_likelihood + limit_gain(z->log_likelihood) &&
          (!best_inward || f2->log_likelihood > best_inward->log_likelihood))
        best_inward = *f2;
    }
    if (work_out != nullptr) *work_out += steps;
    if (best_inward) return std::optional(result<fit_result<pareto_nbd<T>>>(to_fit_result<pareto_nbd<T>>(*best_inward, make)));
    // the limit's own supremum far along r, alpha -> infinity: the corner of both (2026-12-07; before, the report
    // carried the limit's point at r of 1e6 to 1e7 as the nested estimate)
    if (z->on_purchase_ridge)
      return std::optional(result<fit_result<pareto_nbd<T>>>(error_info{
          errc::not_identifiable, model, "s",
          "the likelihood rises toward s, beta -> 0 with s ln(1/beta) fixed and r, alpha -> infinity with r/alpha fixed (a share of "
          "the customers dies at once, the rest never and buy at one purchase rate: a zero-inflated Poisson), a corner the fit does "
          "not name: no estimate"}));
    if (opt.on_boundary == boundary_policy::error)
      return std::optional(result<fit_result<pareto_nbd<T>>>(error_info{
          errc::not_identifiable, model, "s",
          "the likelihood is maximised on the boundary s, beta -> 0 with s ln(1/beta) fixed: a share of the customers dies at once (no "
          "repeat purchase), the rest never (a zero-inflated NBD)"}));
    // (r, alpha) of the limit; s and beta a point on the way (pareto_corner_point)
    const vec<2> sb = pareto_corner_point(kappa);
    const vec<4> point = {z->r, z->alpha, sb[0], sb[1]};
    fit_result<pareto_nbd<T>> out = boundary_fit_result<pareto_nbd<T>, T>(point, z->log_likelihood, rows, static_cast<double>(d.customers),
                                                                          z->report, fit_boundary::s_and_beta_to_zero, make);
    out.boundary.limit_covariance = z->covariance;  // of the zero-inflated NBD's (r, alpha, pi)
    return std::optional(result<fit_result<pareto_nbd<T>>>(std::move(out)));
  };
  // The work bound may still stop the optimizer before the test above holds. Then the NBD itself decides: when it is at least as likely as the last point
  // (within 1e-9 relative) and that point's death rate s/beta times the longest age is below 0.05, the
  // maximum is at the NBD limit.
  if (!f && where == fit_boundary::none && terms > budget && at[2] / at[3] * std::max(max_age, 1e-300) < 0.05) {
    vec<4> g{};
    const double ll_last = -pareto_nbd_nll<T>(d, at, g);
    const auto nested = try_fit_nbd<T>(rows);
    if (std::isfinite(ll_last) && nested && nested->log_likelihood >= ll_last - 1e-9 * std::abs(ll_last)) {
      if (auto c = corner(nested->log_likelihood, false)) return std::move(*c);
      where = fit_boundary::beta_to_infinity;
      if (opt.on_boundary == boundary_policy::error)
        return error_info{errc::not_identifiable, model, "beta",
                          "the likelihood is maximised on the boundary beta -> infinity: no death visible in the data (the NBD "
                          "limit is at least as likely as any point the fit reached)"};
    }
  }
  if (work_out != nullptr) *work_out += terms + homogeneous_work;
  // The homogeneous-death-rate ridge: stopped there early (above), or the fit failed otherwise and the
  // homogeneous model is at least as likely as the best point it reached (within 1e-9 relative), or
  // that point is already far along the ridge (s >= pareto_ridge_scale); or it converged along the
  // ridge (s >= pareto_ridge_check_s) to a point no more likely than the homogeneous model.
  // (a fit accepted only with alpha and beta in their own units is checked as a failed one would be)
  if (where == fit_boundary::none && opt.penalizer == 0.0 && std::isfinite(best) && last.reason != stop_reason::interrupted &&
      (ridge_stop || !f || f->unit_rescued || best_at[2] >= pareto_ridge_check_s)) {
    const double ll_best = -best;
    if (!ridge_checked) {
      long long w = 0;
      homog = fit_homogeneous_pareto<T>(rows, opt.interrupt_only(), &w);
      if (work_out != nullptr) *work_out += w;
    }
    const bool far = !f && best_at[2] >= pareto_ridge_scale;
    // (a fit stopped by fit_options::max_iterations is named only when far along the ridge)
    const bool stopped_by_user = !f && terms <= budget && last.reason == stop_reason::max_iterations;
    if (homog && (ridge_stop || far ||
                  (!stopped_by_user && homog->fit.log_likelihood >= ll_best - 1e-9 * std::max(1.0, std::abs(ll_best))))) {
      if (auto c = corner(std::max(ll_best, static_cast<double>(homog->fit.log_likelihood)), false)) return std::move(*c);
      if (opt.on_boundary == boundary_policy::error)
        return error_info{errc::not_identifiable, model, "s",
                          "the likelihood is maximised on the boundary s, beta -> infinity with s/beta fixed: every customer has "
                          "the same death rate (homogeneous death rate)"};
      fit_result<pareto_nbd<T>> out = boundary_fit_result<pareto_nbd<T>, T>(
          best_at, ll_best, rows, static_cast<double>(d.customers), last, fit_boundary::homogeneous_death_rate, make);
      report_nested_homogeneous(out.boundary, homog, ll_best);
      return out;
    }
    // The homogeneous model's own supremum at mu -> 0, the NBD (fit_homogeneous_pareto names it, field "mu"): along the
    // ridge the likelihood rises toward s/beta -> 0, the full model's NBD limit, named when the NBD is at least as likely
    // as the best point (as for the BG/NBD family; before 2026-12-07 the homogeneous fit returned mu of 1e-12 to 1e-8 as
    // an estimate there, and the ridge was named with it as the nested model).
    if (!homog && !stopped_by_user && homog.error().code == errc::not_identifiable && std::string_view(homog.error().field) == "mu") {
      const auto nested = try_fit_nbd<T>(rows);
      if (nested && limit_as_likely(ll_best, nested->log_likelihood)) {
        if (auto c = corner(nested->log_likelihood, false)) return std::move(*c);
        if (opt.on_boundary == boundary_policy::error) return beta_limit;
        return boundary_fit_result<pareto_nbd<T>, T>(best_at, ll_best, rows, static_cast<double>(d.customers), last,
                                                     fit_boundary::beta_to_infinity, make);
      }
    }
    // The corner of both ridges: far along the first, the homogeneous model runs along the second (found by an audit
    // of small generated data sets, 2026-12-07: 60 customers of whom one made a repeat purchase, the fit at s = 3e8
    // with r = 6e3 refused "the Hessian ... is not positive definite"), as for the BG/NBD family.
    if (far && !homog && homog.error().code == errc::not_identifiable && std::string_view(homog.error().field) == "r") {
      if (auto c = corner(ll_best, false)) return std::move(*c);
      return both_ridges;
    }
  }
  if (!f && where != fit_boundary::none) {
    vec<4> g{};
    const double ll_at = -pareto_nbd_nll<T>(d, at, g);
    if (auto c = corner(ll_at, false)) return std::move(*c);
    if (opt.on_boundary == boundary_policy::error) return f.error();
    return boundary_fit_result<pareto_nbd<T>, T>(at, ll_at, rows, static_cast<double>(d.customers), last, where, make);
  }
  // (a fit stopped by fit_options::max_iterations keeps that error: the caller capped the search)
  if ((terms > budget || (!f && last.reason != stop_reason::max_iterations)) && std::isfinite(best))
    if (auto c = corner(-best, false)) return std::move(*c);
  if (terms > budget)
    return error_info{errc::not_converged, model, "parameters",
                      "the likelihood needed more than its work bound of hypergeometric series terms and death-integral "
                      "steps, max(4e6, 4e4 per distinct row) (the parameters drift towards a boundary of the parameter space)"};
  if (!f) return f.error();
  if (opt.penalizer == 0.0)
    if (const error_info e = purchase_rate_ridge([&d](const vec<4>& th, vec<4>& g) { return pareto_nbd_nll<T>(d, th, g); }, f->theta,
                                                 f->log_likelihood, model))
      return e;
  if (auto c = corner(f->log_likelihood, true)) return std::move(*c);  // a local maximum only
  return to_fit_result<pareto_nbd<T>>(*f, make);
}
}  // namespace detail

/**
 * @brief Maximum-likelihood fit of Pareto/NBD to per-customer (frequency, recency, T, weight) rows
 * (objective: see crm::fit_options). On CDNOW it gives r = 0.553, alpha = 10.58, s = 0.606,
 * beta = 11.67 (Fader, Hardie & Lee 2005, section 4; tests/pareto_nbd_test.cpp checks against an
 * independent SciPy fit, scripts/models_reference.py).
 * Errors: invalid rows, empty input, nobody repeats (errc::not_identifiable), no convergence,
 * singular Hessian. When the likelihood is maximised at the NBD limit (no death visible: called once
 * s/beta times the longest age is below 1e-3, field "beta", or s below 1e-5, field "s"; or s/beta
 * times the longest age below 0.05 when the work bound stopped the fit and the NBD is at least as
 * likely as its last point) the error names it (errc::not_identifiable), or, with fit_options::on_boundary =
 * boundary_policy::report, the result says so in its `boundary` member (crm::boundary_report: the
 * nested NBD fit and the likelihood-ratio test against it). The corner s, beta -> 0 where a share of the
 * customers dies at once (a zero-inflated NBD, fit_boundary::s_and_beta_to_zero, field "s") is fitted as its
 * own limit and named when it is more likely than where the fit ends (docs/models.md). Bounded work: near z = 1 (on the way to
 * the NBD limit) a row's likelihood takes at most 2 x 100 series terms and then the death integral
 * with its gradient (12 120 steps), the whole fit at most max(4e6, 4e4 x distinct rows) such steps
 * (beyond: errc::not_converged, naming the work bound); docs/models.md.
 */
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<pareto_nbd<T>>> try_fit_pareto_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return detail::fit_pareto_nbd_counted<T>(rows, opt, nullptr);
}
template <std::floating_point T = double>
[[nodiscard]] fit_result<pareto_nbd<T>> fit_pareto_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return try_fit_pareto_nbd<T>(rows, opt).value();
}

/**
 * @brief The model a Pareto/NBD fit names at its corner s, beta -> 0 (fit_boundary::s_and_beta_to_zero, with
 * boundary_policy::report): the zero-inflated NBD with the fitted limit's r and alpha and the share pi = 1 -
 * e^(-300 s) that dies at once (the fit's s and beta are a point on the way to the corner, s = -ln(1 - pi)/300,
 * beta = e^-300: predict from this model instead). Errors: the fit did not end there (errc::out_of_range on
 * "boundary").
 */
template <std::floating_point T>
[[nodiscard]] result<zero_inflated_nbd<T>> try_zero_inflated_estimates(const fit_result<pareto_nbd<T>>& fit) {
  if (fit.boundary.where != fit_boundary::s_and_beta_to_zero)
    return error_info{errc::out_of_range, "zero_inflated_estimates", "boundary", "the fit did not end on the corner s, beta -> 0"};
  return zero_inflated_nbd<T>{fit.params.r, fit.params.alpha, detail::pareto_corner_share(fit.params.s)};
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<pareto_nbd<T>>> try_fit_pareto_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_pareto_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}
template <std::floating_point T>
[[nodiscard]] fit_result<pareto_nbd<T>> fit_pareto_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_pareto_nbd<T>(std::span<const rfm_row<T>>(rows), opt).value();
}

CRM_METRICS_END_NAMESPACE
