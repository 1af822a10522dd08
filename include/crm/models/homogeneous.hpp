// crm-metrics: the homogeneous drop-out models nested in BG/NBD, the modified BG/NBD and Pareto/NBD:
// likelihood, maximum-likelihood fit, and the heterogeneity score that says whether the nesting
// model's likelihood is maximised on that boundary.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// BG/NBD (Fader, Hardie & Lee 2005) mixes the drop-out probability p over Beta(a, b); as a, b -> infinity
// with a/(a+b) -> p the Beta collapses to the point p: every customer has the same drop-out probability.
// Pareto/NBD (Schmittlein, Morrison & Colombo 1987) mixes the death rate over Gamma(s, beta); as
// s, beta -> infinity with s/beta -> mu every customer has the same death rate mu. These limits are the
// nested models here (purchase rate lambda ~ Gamma(r, alpha) as before); the fits of the full models
// report them when their likelihood is maximised on that ridge (crm::fit_boundary::homogeneous_dropout,
// homogeneous_death_rate; crm::boundary_report). docs/models.md, "The boundary at infinity: homogeneous drop-out".
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/data.hpp>
#include <crm/models/detail/optimize.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>
#include <crm/models/nbd.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

// The full models, defined in their own headers (each includes this one).
template <std::floating_point T>
struct bg_nbd;
template <std::floating_point T>
struct modified_bg_nbd;
template <std::floating_point T>
struct pareto_nbd;
namespace detail {

/// One customer's log-likelihood of the homogeneous BG/NBD family (Shift 0: BG/NBD, 1: modified BG/NBD)
/// with the drop-out probability given by its odds q = p/(1-p), and its gradient in (r, alpha, q) and
/// second derivative in p over the likelihood (for the heterogeneity score). With m = x + Shift,
/// FHL 2005 eq. (3) before the Beta integral and the Gamma integral over lambda done:
///   L = G(r+x)/G(r) alpha^r [ (1-p)^m (alpha+T)^-(r+x) + [m > 0] p (1-p)^(m-1) (alpha+t_x)^-(r+x) ].
template <std::floating_point T, int Shift>
struct homogeneous_bgnbd_terms {
  T log_likelihood{};
  T d_r{}, d_alpha{}, d_q{};
  T f2_over_f{};  ///< (d^2 L / dp^2) / L
};
template <std::floating_point T, int Shift>
[[nodiscard]] homogeneous_bgnbd_terms<T, Shift> homogeneous_bgnbd_row(T r, T alpha, T q, T x, T tx, T age, T lg_r, T dg_r) noexcept {
  homogeneous_bgnbd_terms<T, Shift> out;
  const T m = x + static_cast<T>(Shift);
  const T l1q = std::log1p(q);  // -log(1-p)
  const T p = q / (T(1) + q);
  T w3 = 1, w4 = 0;
  if (r >= T(100)) {
    // On the purchase-rate ridge (r, alpha -> infinity) lgamma(r) and r ln alpha are of the size of r ln r and
    // their differences lose every digit beyond r of about 1e14 (nbd_nll): each term in its small parts,
    // r ln alpha - (r+x) ln(alpha+t) = -r log1p(t/alpha) - x ln(alpha+t), and the rising factorial's log.
    const T l1 = std::log1p(age / alpha), lx = x > T(0) ? x * std::log(alpha + age) : T(0);
    const T a3 = -r * l1 - lx;
    T lse = a3, l1t = 0;
    if (m > T(0)) {
      l1t = std::log1p(tx / alpha);
      const log_sum_weights<T> sw = log_add_exp_weights(a3, std::log(q) - r * l1t - (x > T(0) ? x * std::log(alpha + tx) : T(0)));
      lse = sw.log_sum, w3 = sw.first, w4 = sw.second;
    }
    out.log_likelihood = log_rising_large(r, x) - m * l1q + lse;
    out.d_r = digamma_rising_large(r, x) - w3 * l1 - w4 * l1t;
    out.d_alpha = w3 * (r * age - x * alpha) / (alpha * (alpha + age)) + w4 * (r * tx - x * alpha) / (alpha * (alpha + tx));
  } else {
    const T la = std::log(alpha + age);
    const T a3 = -(r + x) * la;
    T lse = a3, lt = 0;
    if (m > T(0)) {
      lt = std::log(alpha + tx);
      const log_sum_weights<T> sw = log_add_exp_weights(a3, std::log(q) - (r + x) * lt);
      lse = sw.log_sum, w3 = sw.first, w4 = sw.second;
    }
    out.log_likelihood = log_gamma(r + x) - lg_r + r * std::log(alpha) - m * l1q + lse;
    out.d_r = digamma(r + x) - dg_r + std::log(alpha) - w3 * la - w4 * lt;
    out.d_alpha = r / alpha - (r + x) * (w3 / (alpha + age) + (m > T(0) ? w4 / (alpha + tx) : T(0)));
  }
  out.d_q = -m / (T(1) + q) + (m > T(0) ? w4 / q : T(0));
  const T q1 = T(1) - p;
  out.f2_over_f = w3 * m * (m - T(1)) / (q1 * q1) + (m > T(0) ? w4 * (m - T(1)) * (m * p - T(2)) / (p * q1 * q1) : T(0));
  return out;
}

/// Total negative log-likelihood of the homogeneous BG/NBD family over compressed rows, gradient in
/// (r, alpha, q).
template <std::floating_point T, int Shift>
[[nodiscard]] double homogeneous_bgnbd_nll(std::span<const rfm_row<T>> rows, const vec<3>& th, vec<3>& grad) {
  const T r = static_cast<T>(th[0]), alpha = static_cast<T>(th[1]), q = static_cast<T>(th[2]);
  const T lg_r = log_gamma(r), dg_r = digamma(r);
  T ll = 0, gr = 0, ga = 0, gq = 0;
  for (const rfm_row<T>& c : rows) {
    const auto t = homogeneous_bgnbd_row<T, Shift>(r, alpha, q, c.frequency, c.recency, c.age, lg_r, dg_r);
    ll += c.weight * t.log_likelihood, gr += c.weight * t.d_r, ga += c.weight * t.d_alpha, gq += c.weight * t.d_q;
  }
  grad = {-static_cast<double>(gr), -static_cast<double>(ga), -static_cast<double>(gq)};
  const double v = -static_cast<double>(ll);
  return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
}

/// The Pareto/NBD homogeneous death integrals of one customer (c = r + x):
///   J = int_{t_x}^{T} e^(-mu tau) (alpha+tau)^-c dtau and its weighted forms with weights
///   w = log((alpha+tau)/(alpha+t_x)), 1/(alpha+tau), tau, tau^2, in units of E exp(log_scale), where
///   E = e^(-mu T) (alpha+T)^-c is the likelihood's alive term: log_scale is formed without the terms
///   c log(alpha + ...) that cancel between J and E (3e6 at r = 2e5, alpha = 8e6, where they cost 4e-10).
/// Integrated in w = log((alpha+tau)/(alpha+t_x)) in [0, log1p((T-t_x)/(alpha+t_x))], where the
/// log-integrand phi(w) = (1-c) w - mu (alpha+t_x) expm1(w) (times (alpha+t_x)^(1-c) e^(-mu t_x)) is
/// concave: its mode is found in closed form, the window where phi is within 60 of its maximum by
/// bisection (at most 2 x 100 steps; the rest is bounded by the tangent line and counted in the error),
/// and adaptive Gauss-Kronrod 7-15 panels no wider than 1/2 nor than 4/max|phi'| integrate it to an
/// estimated 1e-13 (at most 64 panels and 64 bisections). (Until 2026-12-07 the variable was
/// v = log(alpha+tau): with alpha much larger than T, on the way to r, alpha -> infinity, v's window is
/// 1e-5 wide at v = 15, phi's rounding there, (c + mu alpha) v eps, passed 1e-9 and every evaluation
/// failed; w starts at 0.)
/// Work (integrand evaluations plus search steps): at most homogeneous_death_integral_max_work.
/// Where a concave log-integrand phi, at least `level` at `inside` and below it at `outside`, crosses
/// `level`: bisection to 1e-6 of 1 + |inside| (at most 100 steps, each counted in `work`); returns the
/// outside end of the last bracket. The window searches of the death integrals below.
template <std::floating_point T, class F>
[[nodiscard]] T concave_crossing(F&& phi, T inside, T outside, T level, long long& work) {
  for (int i = 0; i < 100 && std::abs(outside - inside) > T(1e-6) * (T(1) + std::abs(inside)); ++i, ++work)
    (phi((inside + outside) / 2) < level ? outside : inside) = (inside + outside) / 2;
  return outside;
}
template <std::floating_point T>
struct death_integrals {
  T log_scale{};              ///< relative to the alive term E (above)
  std::array<T, 5> value{};  ///< J, J_w, J_inv, J_tau, J_tau2 (in units of E exp(log_scale))
  long long work = 0;
  bool ok = false;
};
inline constexpr int homogeneous_death_panels = 64;
inline constexpr int homogeneous_death_bisections = 64;
inline constexpr long long homogeneous_death_integral_max_work =
    2 * 100 + 15LL * (homogeneous_death_panels + 2 * homogeneous_death_bisections);

template <std::floating_point T>
[[nodiscard]] death_integrals<T> homogeneous_death_integrals(T c, T alpha, T mu, T tx, T age) {
  death_integrals<T> out;
  const T base = alpha + tx;                 // alpha + tau at w = 0
  const T w1 = std::log1p((age - tx) / base);  // the window's far end
  if (!(w1 > T(0))) {
    out.ok = true;
    out.log_scale = 0;
    return out;
  }
  const T rate = mu * base;
  const auto phi = [&](T w) { return (T(1) - c) * w - rate * std::expm1(w); };
  const auto dphi = [&](T w) { return (T(1) - c) - rate * std::exp(w); };
  // phi'(w) = 1 - c - mu (alpha+t_x) e^w: phi decreases from 0 when c >= 1, else peaks at e^w = (1-c)/(mu (alpha+t_x))
  const T mode = c < T(1) ? std::clamp(std::log((T(1) - c) / rate), T(0), w1) : T(0);
  const T pmax = phi(mode), drop = T(60);
  T lo = 0, hi = w1, tails = 0;
  if (phi(T(0)) < pmax - drop) {
    lo = concave_crossing(phi, mode, T(0), pmax - drop, out.work);
    tails += std::exp(phi(lo) - pmax) / std::max(dphi(lo), T(1e-300));
  }
  if (phi(w1) < pmax - drop) {
    hi = concave_crossing(phi, mode, w1, pmax - drop, out.work);
    tails += std::exp(phi(hi) - pmax) / std::max(-dphi(hi), T(1e-300));
  }
  const T slope = std::max({std::abs(dphi(lo)), std::abs(dphi(hi)), T(1e-300)});
  const T pw = std::min(T(0.5), T(4) / slope);
  const int panels = static_cast<int>(std::clamp(std::ceil((hi - lo) / pw), T(1), T(homogeneous_death_panels)));
  const auto integrand = [&](T w) {
    const T g = std::exp(phi(w) - pmax);
    const T tau = tx + base * std::expm1(w);
    return std::array<T, 5>{g, g * w, g * std::exp(-w), g * tau, g * tau * tau};
  };
  const quadrature_sums<T, 5> qs =
      gauss_kronrod_adaptive<5>(integrand, lo, hi, panels, homogeneous_death_bisections, T(1e-13), tails);
  out.work += qs.evaluations;
  out.value = qs.value;
  out.value[2] = qs.value[2] / base;  // 1/(alpha+tau) = e^-w/(alpha+t_x)
  // the integrand is (alpha+t_x)^(1-c) e^(-mu t_x) e^phi(w); over E that is e^(phi(w) + log(alpha+t_x) + mu (T-t_x) + c w1)
  const T log_base = std::log(base);
  out.log_scale = pmax + log_base + mu * (age - tx) + c * w1;
  const T eps = std::numeric_limits<T>::epsilon();
  const T rounding = eps * (T(64) + std::abs(pmax) + std::abs(log_base) + mu * (age - tx) + c * w1 +
                            (std::abs(T(1) - c) + mu * (alpha + age)) * std::max(std::abs(lo), std::abs(hi)));
  out.ok = qs.value[0] > T(0) && (qs.error + tails) / qs.value[0] + rounding <= T(1e-9);
  return out;
}

/// One customer's log-likelihood of the homogeneous Pareto/NBD (death rate mu for everyone), its
/// gradient in (r, alpha, mu) and (d^2 L / d mu^2) / L (for the heterogeneity score):
///   L = G(r+x)/G(r) alpha^r [ e^(-mu T) (alpha+T)^-(r+x) + mu int_{t_x}^{T} e^(-mu tau) (alpha+tau)^-(r+x) dtau ]
/// (alive at T with x purchases, or dead at tau in (t_x, T] after them; Fader & Hardie 2005's
/// Pareto/NBD likelihood given mu, before the Gamma(s, beta) integral). ok = false: the integral's
/// error estimate above 1e-9.
template <std::floating_point T>
struct homogeneous_pareto_terms {
  T log_likelihood{};
  T d_r{}, d_alpha{}, d_mu{};
  T f2_over_f{};
  long long work = 0;
  bool ok = false;
};
template <std::floating_point T>
[[nodiscard]] homogeneous_pareto_terms<T> homogeneous_pareto_row(T r, T alpha, T mu, T x, T tx, T age, T lg_r, T dg_r) {
  homogeneous_pareto_terms<T> out;
  const T c = r + x;
  const death_integrals<T> di = homogeneous_death_integrals<T>(c, alpha, mu, tx, age);
  out.work = di.work;
  out.ok = di.ok;
  // both terms relative to E = e^(-mu T) (alpha+T)^-c and then to the larger of the two
  const T log_m = di.value[0] > T(0) ? std::log(mu) + di.log_scale + std::log(di.value[0]) : -std::numeric_limits<T>::infinity();
  const T s = std::max(T(0), log_m);
  const T e = std::exp(-s);
  const T js = di.value[0] > T(0) ? std::exp(di.log_scale - s) : T(0);  // J_k = value[k] * js
  const T J = di.value[0] * js, Jw = di.value[1] * js, Jinv = di.value[2] * js, Jtau = di.value[3] * js, Jtau2 = di.value[4] * js;
  const T f = e + mu * J;
  const T w1 = std::log1p((age - tx) / (alpha + tx));  // log((alpha+T)/(alpha+t_x))
  // r log(alpha) + log E = -r log1p(T/alpha) - x log(alpha+T) - mu T: no terms of size r log(alpha) that cancel
  out.log_likelihood = log_gamma(r + x) - lg_r - r * std::log1p(age / alpha) - x * std::log(alpha + age) - mu * age + s + std::log(f);
  // d/dr: log(alpha) - [log(alpha+T) E + mu int log(alpha+tau) ...]/f with log(alpha+tau) = log(alpha+t_x) + w
  out.d_r = digamma(r + x) - dg_r - std::log1p(tx / alpha) - (w1 * e + mu * Jw) / f;
  out.d_alpha = r / alpha + (-c / (alpha + age) * e - mu * c * Jinv) / f;
  out.d_mu = (-age * e + J - mu * Jtau) / f;
  out.f2_over_f = (age * age * e - T(2) * Jtau + mu * Jtau2) / f;
  return out;
}

/// Total negative log-likelihood of the homogeneous Pareto/NBD over compressed rows, gradient in
/// (r, alpha, mu); `work` accumulates the integrals' work. +inf when an integral missed 1e-9.
template <std::floating_point T>
[[nodiscard]] double homogeneous_pareto_nll(std::span<const rfm_row<T>> rows, const vec<3>& th, vec<3>& grad, long long* work = nullptr) {
  const T r = static_cast<T>(th[0]), alpha = static_cast<T>(th[1]), mu = static_cast<T>(th[2]);
  const T lg_r = log_gamma(r), dg_r = digamma(r);
  T ll = 0, gr = 0, ga = 0, gm = 0;
  bool ok = true;
  for (const rfm_row<T>& c : rows) {
    const auto t = homogeneous_pareto_row<T>(r, alpha, mu, c.frequency, c.recency, c.age, lg_r, dg_r);
    if (work != nullptr) *work += t.work;
    ok = ok && t.ok;
    ll += c.weight * t.log_likelihood, gr += c.weight * t.d_r, ga += c.weight * t.d_alpha, gm += c.weight * t.d_mu;
  }
  grad = {-static_cast<double>(gr), -static_cast<double>(ga), -static_cast<double>(gm)};
  const double v = -static_cast<double>(ll);
  return ok && std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
}


/// The death part of the homogeneous Pareto/NBD's P(X(t) = n) (homogeneous_pareto_nbd::probability_of_purchases):
/// log of D = int_0^t mu e^(-mu tau) NB(n; tau) dtau, NB(n; tau) = G(r+n)/(G(r) n!) (alpha/(alpha+tau))^r
/// (tau/(alpha+tau))^n (death at tau after n purchases in (0, tau]), with the work it took, its
/// relative error bound (the quadrature's estimate, the tails and the rounding; infinite when no value
/// was formed) and whether that met the accuracy target 1e-9.
template <std::floating_point T>
struct homogeneous_pmf_death_part {
  T log_value{};
  T relative_error = std::numeric_limits<T>::infinity();
  long long work = 0;
  bool ok = false;
};
/// Work bound of homogeneous_pmf_death_integral: the window's searches (at most 100 doublings and
/// 2 x 100 bisection steps) and the Gauss-Kronrod panels (64 panels, 128 bisections: 15 x (64 + 2 x 128)).
inline constexpr long long homogeneous_pmf_max_work = 100 + 2 * 100 + 15LL * (homogeneous_death_panels + 4 * homogeneous_death_bisections);
/**
 * D of homogeneous_pmf_death_part, integrated in u = log tau over (-inf, log t]: D = mu G(r+n)/(G(r) n!)
 * int exp(psi(u)) du with psi(u) = (n+1) u - r log1p(e^u/alpha) - n log(alpha + e^u) - mu e^u, written
 * u - r log1p(e^u/alpha) - n log1p(alpha e^-u) - mu e^u so that each term is rounded relative to its own
 * size. psi is concave (psi'' = -(r+n) alpha e^u/(alpha+e^u)^2 - mu e^u < 0) with psi' -> n+1 as
 * u -> -inf; its mode solves mu x^2 + (r - 1 + mu alpha) x - (n+1) alpha = 0 (x = e^u; the positive
 * root, in the form without cancellation), clamped to log t. The window where psi is within 60 of the
 * mode: on the left by doubling the distance from the mode (at most 100 times) then bisection (at most
 * 100 steps), on the right by bisection (at most 100 steps); the tails beyond it are bounded by the
 * tangent line, exp(psi)/|psi'| (concavity), and counted in the error. Adaptive Gauss-Kronrod 7-15
 * panels no wider than 1/2 nor than 1/(2 sqrt(-psi''(mode))) (at most 64 panels and 128 bisections)
 * integrate exp(psi - psi(mode)) to an estimated 1e-13. Rounding: eps (64 + 4 S), S the mean under the
 * integrand of the sizes of the terms psi(u) - psi(mode) is formed from (sum_i |term_i(u)| + |term_i(mode)|,
 * integrated on the same points; the window's ends, where the terms are largest, weigh e^-60). ok = false
 * when the error estimate plus the rounding exceeds 1e-9.
 * Work: at most homogeneous_pmf_max_work.
 */
template <std::floating_point T>
[[nodiscard]] homogeneous_pmf_death_part<T> homogeneous_pmf_death_integral(T r, T alpha, T mu, T n, T t) {
  homogeneous_pmf_death_part<T> out;
  const T uhi = std::log(t);
  // psi's terms at u, their sum, and psi'
  const auto terms = [&](T u) {
    const T x = std::exp(u);
    return std::array<T, 4>{u, -r * std::log1p(x / alpha), n > T(0) ? -n * std::log1p(alpha / x) : T(0), -mu * x};
  };
  const auto psi = [&](T u) {
    const std::array<T, 4> a = terms(u);
    return (a[0] + a[1]) + (a[2] + a[3]);
  };
  const auto dpsi = [&](T u) {
    const T x = std::exp(u);
    return (n + T(1)) - (r + n) * (x / (alpha + x)) - mu * x;
  };
  // the mode in logs, without overflow: disc = sqrt(b^2 + 4 mu (n+1) alpha) by hypot
  const T b = r - T(1) + mu * alpha, disc = std::hypot(b, T(2) * std::sqrt(mu) * std::sqrt(n + T(1)) * std::sqrt(alpha));
  const T log_xm = b > T(0) ? std::log(T(2)) + std::log(n + T(1)) + std::log(alpha) - std::log(b + disc)
                            : std::log(disc - b) - std::log(T(2)) - std::log(mu);
  const T mode = std::min(log_xm, uhi);
  const T pmax = psi(mode), drop = T(60);
  if (!std::isfinite(mode) || !std::isfinite(pmax)) return out;  // beyond the number type: refused
  T lo = mode - T(1), hi = uhi, tails = 0;
  for (int i = 0; i < 100 && !(psi(lo) < pmax - drop); ++i, ++out.work) lo = mode - T(2) * (mode - lo);
  lo = concave_crossing(psi, mode, lo, pmax - drop, out.work);
  tails += std::exp(psi(lo) - pmax) / std::max(dpsi(lo), T(1e-300));
  if (psi(uhi) < pmax - drop) {
    hi = concave_crossing(psi, mode, uhi, pmax - drop, out.work);
    tails += std::exp(psi(hi) - pmax) / std::max(-dpsi(hi), T(1e-300));
  }
  const T xmode = std::exp(mode);
  const T curv = (r + n) * (alpha / (alpha + xmode)) * (xmode / (alpha + xmode)) + mu * xmode;  // -psi''(mode)
  const T pw = std::min(T(0.5), T(0.5) / std::sqrt(std::max(curv, T(1e-300))));
  const T count = std::ceil((hi - lo) / pw);
  if (!(hi > lo) || !(count >= T(1))) return out;  // NaN or an empty window: refused
  const int panels = static_cast<int>(std::min(count, T(homogeneous_death_panels)));
  const std::array<T, 4> at_mode = terms(mode);
  const T size_mode = std::abs(at_mode[0]) + std::abs(at_mode[1]) + std::abs(at_mode[2]) + std::abs(at_mode[3]);
  // exp(psi(u) - psi(mode)), the difference term by term (each exact at the mode), and that times the
  // size of the terms it was formed from (its rounding in units of eps, averaged under the integrand)
  const auto integrand = [&](T u) {
    const std::array<T, 4> a = terms(u);
    const T g = std::exp(((a[0] - at_mode[0]) + (a[1] - at_mode[1])) + ((a[2] - at_mode[2]) + (a[3] - at_mode[3])));
    return std::array<T, 2>{g, g * (std::abs(a[0]) + std::abs(a[1]) + std::abs(a[2]) + std::abs(a[3]) + size_mode)};
  };
  const quadrature_sums<T, 2> q =
      gauss_kronrod_adaptive<2>(integrand, lo, hi, panels, 2 * homogeneous_death_bisections, T(1e-13), tails);
  out.work += q.evaluations;
  const T eps = std::numeric_limits<T>::epsilon();
  const T rounding = eps * (T(64) + T(4) * (q.value[1] / q.value[0]));
  if (!(q.value[0] > T(0))) return out;
  out.log_value = std::log(mu) + log_nb_coefficient(r, n) + pmax + std::log(q.value[0]);
  if (!std::isfinite(out.log_value)) return out;
  out.relative_error = (q.error + tails) / q.value[0] + rounding;
  out.ok = out.relative_error <= T(1e-9);
  return out;
}

/// Start of the homogeneous fits: r = 1, alpha = mean age, and the third parameter given.
template <std::floating_point T>
[[nodiscard]] double mean_age(std::span<const rfm_row<T>> rows) noexcept {
  double s = 0, w = 0;
  for (const rfm_row<T>& c : rows) s += static_cast<double>(c.age * c.weight), w += static_cast<double>(c.weight);
  return w > 0 ? s / w : 1.0;
}
}  // namespace detail

/**
 * @brief The homogeneous BG/NBD family: purchase rate lambda ~ Gamma(r, alpha) (alpha a rate in the
 * data's time unit) while active; after each repeat purchase (Shift 1, the modified BG/NBD: also right
 * after the first purchase) every customer drops out with the same probability p. The limit of BG/NBD
 * (modified BG/NBD) as a, b -> infinity with a/(a+b) -> p. Errors of try_log_likelihood: a parameter
 * not finite or out of range (r, alpha > 0; 0 < p < 1), an invalid row (crm::validate).
 */
template <std::floating_point T, int Shift>
struct homogeneous_bgnbd_family {
  static_assert(Shift == 0 || Shift == 1);
  T r{}, alpha{}, p{};

  [[nodiscard]] error_info check(const char* model) const noexcept {
    if (!std::isfinite(r) || !(r > T(0))) return {errc::out_of_range, model, "r", "must be finite and > 0"};
    if (!std::isfinite(alpha) || !(alpha > T(0))) return {errc::out_of_range, model, "alpha", "must be finite and > 0"};
    if (!(p > T(0) && p < T(1))) return {errc::out_of_range, model, "p", "must be in (0, 1)"};
    return {};
  }
  /// log L of one customer (weight ignored), m = x + Shift:
  /// ln[ G(r+x)/G(r) alpha^r ((1-p)^m (alpha+T)^-(r+x) + [m > 0] p (1-p)^(m-1) (alpha+t_x)^-(r+x)) ]; nats.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    constexpr const char* m = Shift == 0 ? "homogeneous_bg_nbd.log_likelihood" : "homogeneous_modified_bg_nbd.log_likelihood";
    if (auto e = check(m)) return e;
    if (auto e = validate(std::span<const rfm_row<T>>(&c, 1), m)) return e;
    return detail::homogeneous_bgnbd_row<T, Shift>(r, alpha, p / (T(1) - p), c.frequency, c.recency, c.age, detail::log_gamma(r),
                                                   detail::digamma(r))
        .log_likelihood;
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  // Predictions: the limits of the full model's (FHL 2005 eqs. 8-10; Batislam et al. 2007 for the
  // modified) as a, b -> infinity with a/(a+b) -> p, where a/(b+m-1) -> p/(1-p), (a+b+x+k-1)/(a-1) -> 1/p
  // and 2F1(r+x, b+x+k; a+b+x+k-1; z) -> (1 - (1-p) z)^-(r+x). Directly: a live customer with rate lambda
  // buys at the events of a Poisson process and drops out at each with probability p, so its expected
  // purchases in the next t are (1 - e^(-p lambda t)) / p, averaged over lambda's Gamma posterior.

  /// P(alive | x, t_x, T) = 1 / (1 + [m > 0] p/(1-p) ((alpha+T)/(alpha+t_x))^(r+x)), m = x + Shift: the
  /// likelihood's first term (still active at T) over the whole. A probability. Errors: the parameters,
  /// an invalid row.
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    constexpr const char* m = Shift == 0 ? "homogeneous_bg_nbd.probability_alive" : "homogeneous_modified_bg_nbd.probability_alive";
    if (auto e = check_row(c, m)) return e;
    return alive(c);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = (1-p)^Shift / p [1 - (alpha/(alpha + p t))^r]: expected repeat purchases of a new
  /// customer in (0, t] (t in the data's time unit). Errors: the parameters, t negative or not finite.
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    constexpr const char* m = Shift == 0 ? "homogeneous_bg_nbd.expected_purchases" : "homogeneous_modified_bg_nbd.expected_purchases";
    if (auto e = check(m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    const T shift = Shift == 0 ? T(1) : T(1) - p;
    return shift * -std::expm1(-r * std::log1p(p * t / alpha)) / p;
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, t_x, T] = P(alive) [1 - ((alpha+T)/(alpha+T+p t))^(r+x)] / p: expected repeat
  /// purchases in the next t of a customer with this history. Errors: the parameters, an invalid row,
  /// t negative or not finite.
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m =
        Shift == 0 ? "homogeneous_bg_nbd.conditional_expected_purchases" : "homogeneous_modified_bg_nbd.conditional_expected_purchases";
    if (auto e = check_row(c, m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    return alive(c) * -std::expm1(-(r + c.frequency) * std::log1p(p * t / (alpha + c.age))) / p;
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(X(t) = n) = (1-p)^m NB(n) + [m > 0] p (1-p)^(m-1) P(N >= n), m = n + Shift, N ~ NBD(r,
  /// alpha/(alpha+t)) the purchases of a customer who never drops out (NB(n) = P(N = n); the tail is
  /// the regularized incomplete beta I_{t/(alpha+t)}(n, r)): still active after n purchases, or
  /// dropped out at the n-th. A probability. Errors: the parameters, n < 0, t negative or not finite.
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n_count, T t) const {
    constexpr const char* m =
        Shift == 0 ? "homogeneous_bg_nbd.probability_of_purchases" : "homogeneous_modified_bg_nbd.probability_of_purchases";
    if (auto e = check(m)) return e;
    if (n_count < 0) return error_info{errc::negative, m, "n"};
    if (auto e = check_horizon(t, m)) return e;
    if (t == T(0)) return n_count == 0 ? T(1) : T(0);
    const T n = to_number<T>(n_count), k = n + static_cast<T>(Shift);
    const T l1p = std::log1p(-p);
    const T log_nb = detail::log_nb_pmf(r, alpha, n, t);
    T v = std::exp(k * l1p + log_nb);
    if (k > T(0)) {
      const T tail = n_count == 0 ? T(1) : boost::math::ibeta(n, r, t / (alpha + t), detail::quiet_math_policy());
      v += p * std::exp((k - T(1)) * l1p) * tail;
    }
    return v;
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  [[nodiscard]] error_info check_row(const rfm_row<T>& c, const char* m) const noexcept { return detail::check_model_row(*this, c, m); }
  [[nodiscard]] static error_info check_horizon(T t, const char* m) noexcept { return detail::check_horizon(t, m); }
  // 1 / (1 + odds), ln odds = ln(p/(1-p)) + (r+x) ln(1 + (T - t_x)/(alpha + t_x)); no overflow.
  [[nodiscard]] T alive(const rfm_row<T>& c) const {
    if (c.frequency + static_cast<T>(Shift) == T(0)) return T(1);
    return detail::logistic_complement(std::log(p) - std::log1p(-p) + (r + c.frequency) * std::log1p((c.age - c.recency) / (alpha + c.recency)));
  }
};
/// BG/NBD with the same drop-out probability p for every customer (a, b -> infinity, a/(a+b) -> p).
template <std::floating_point T = double>
using homogeneous_bg_nbd = homogeneous_bgnbd_family<T, 0>;
/// The modified BG/NBD with the same drop-out probability p for every customer.
template <std::floating_point T = double>
using homogeneous_modified_bg_nbd = homogeneous_bgnbd_family<T, 1>;

/**
 * @brief The homogeneous Pareto/NBD: purchase rate lambda ~ Gamma(r, alpha) while alive, lifetime
 * exponential with the same death rate mu (per time unit of the data) for every customer. The limit
 * of Pareto/NBD as s, beta -> infinity with s/beta -> mu. log L (see try_log_likelihood) has a
 * one-dimensional integral over the death time, integrated with bounded work (at most
 * detail::homogeneous_death_integral_max_work integrand evaluations and search steps per customer).
 * Errors: a parameter not finite or <= 0 (r, alpha, mu), an invalid row, the integral's error
 * estimate above 1e-9 (errc::not_converged; not seen on the tested grid).
 */
template <std::floating_point T = double>
struct homogeneous_pareto_nbd {
  T r{}, alpha{}, mu{};

  [[nodiscard]] error_info check(const char* model) const noexcept {
    if (!std::isfinite(r) || !(r > T(0))) return {errc::out_of_range, model, "r", "must be finite and > 0"};
    if (!std::isfinite(alpha) || !(alpha > T(0))) return {errc::out_of_range, model, "alpha", "must be finite and > 0"};
    if (!std::isfinite(mu) || !(mu > T(0))) return {errc::out_of_range, model, "mu", "must be finite and > 0"};
    return {};
  }
  /// log L of one customer (weight ignored):
  /// ln[ G(r+x)/G(r) alpha^r ( e^(-mu T) (alpha+T)^-(r+x) + mu int_{t_x}^{T} e^(-mu tau) (alpha+tau)^-(r+x) dtau ) ]; nats.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    constexpr const char* m = "homogeneous_pareto_nbd.log_likelihood";
    if (auto e = check(m)) return e;
    if (auto e = validate(std::span<const rfm_row<T>>(&c, 1), m)) return e;
    const auto t = detail::homogeneous_pareto_row<T>(r, alpha, mu, c.frequency, c.recency, c.age, detail::log_gamma(r), detail::digamma(r));
    if (!t.ok) return error_info{errc::not_converged, m, "mu", "the death-time integral did not reach 1e-9 within its work bound"};
    return t.log_likelihood;
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  // Predictions: the purchase rate lambda and the lifetime are independent, so a customer alive at T
  // has lambda ~ Gamma(r+x, alpha+T) and still lives Exp(mu): expected purchases in the next t
  // E[lambda] (1 - e^(-mu t)) / mu (the limits of the Pareto/NBD's as s, beta -> infinity, s/beta -> mu).

  /// P(alive | x, t_x, T) = e^(-mu T) (alpha+T)^-(r+x) / [e^(-mu T) (alpha+T)^-(r+x) + mu J], J = the
  /// death-time integral of the likelihood (alive at T, over alive or dead at tau in (t_x, T]). A
  /// probability. Errors: the parameters, an invalid row, the integral's error estimate above 1e-9
  /// (errc::not_converged), with the likelihood's work bound.
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    constexpr const char* m = "homogeneous_pareto_nbd.probability_alive";
    if (auto e = check_row(c, m)) return e;
    return alive(c, m);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = (r/alpha) (1 - e^(-mu t)) / mu: expected purchases of a new customer in (0, t].
  /// Errors: the parameters, t negative or not finite.
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    constexpr const char* m = "homogeneous_pareto_nbd.expected_purchases";
    if (auto e = check(m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    return r / alpha * (-std::expm1(-mu * t) / mu);
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, t_x, T] = P(alive) (r+x)/(alpha+T) (1 - e^(-mu t)) / mu: expected purchases in the
  /// next t of a customer with this history. Errors: those of try_probability_alive, t negative or
  /// not finite.
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m = "homogeneous_pareto_nbd.conditional_expected_purchases";
    if (auto e = check_row(c, m)) return e;
    if (auto e = check_horizon(t, m)) return e;
    const result<T> a = alive(c, m);
    if (!a) return a;
    return *a * (r + c.frequency) / (alpha + c.age) * (-std::expm1(-mu * t) / mu);
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(X(t) = n) = e^(-mu t) NB(n; t) + int_0^t mu e^(-mu tau) NB(n; tau) dtau, NB(n; tau) =
  /// G(r+n)/(G(r) n!) (alpha/(alpha+tau))^r (tau/(alpha+tau))^n: n repeat purchases in (0, t] of a new
  /// customer, alive at t, or dead at tau after n purchases in (0, tau] (the Pareto/NBD's as s, beta ->
  /// infinity with s/beta -> mu: (1 + tau/beta)^-s -> e^(-mu tau)). The integral by
  /// detail::homogeneous_pmf_death_integral, at most detail::homogeneous_pmf_max_work steps. A
  /// probability. Where both terms are below half the smallest subnormal even at their error bound
  /// (n far in the tail: e.g. ln P = -6.9e5 at r = 0.3, alpha = 1, t = 1, n = 10^6), the answer is 0,
  /// the probability rounded to T, whatever the integral's accuracy. Errors: the parameters, n < 0, t
  /// negative or not finite, otherwise the integral's error estimate above 1e-9 (errc::not_converged
  /// on "t"; in float always, whose rounding is above it).
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n_count, T t) const {
    constexpr const char* m = "homogeneous_pareto_nbd.probability_of_purchases";
    if (auto e = check(m)) return e;
    if (n_count < 0) return error_info{errc::negative, m, "n"};
    if (auto e = check_horizon(t, m)) return e;
    if (t == T(0)) return n_count == 0 ? T(1) : T(0);
    const T n = to_number<T>(n_count);
    const detail::homogeneous_pmf_death_part<T> d = detail::homogeneous_pmf_death_integral<T>(r, alpha, mu, n, t);
    // the survivors' term, each logarithm rounded relative to its own size
    const T log_alive = detail::log_nb_pmf(r, alpha, n, t) - mu * t;
    if (!d.ok) {
      // below half the smallest subnormal, with a margin for the rounding of the logarithms: rounds to 0
      const T log_underflow = std::log(std::numeric_limits<T>::denorm_min()) - std::log(T(2)) - T(1);
      if (d.relative_error < T(1) && d.log_value + std::log1p(d.relative_error) < log_underflow && log_alive < log_underflow) return T(0);
      return error_info{errc::not_converged, m, "t", "the death-time integral of P(X(t) = n) did not reach 1e-9 within its work bound"};
    }
    // at most 1 (the sum is 1 + O(eps) where nearly every customer dies at once, mu t >> 1 with n = 0)
    return std::min(T(1), std::exp(log_alive) + std::exp(d.log_value));
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  [[nodiscard]] error_info check_row(const rfm_row<T>& c, const char* m) const noexcept { return detail::check_model_row(*this, c, m); }
  [[nodiscard]] static error_info check_horizon(T t, const char* m) noexcept { return detail::check_horizon(t, m); }
  // 1 / (1 + mu J / E) in logs, E = e^(-mu T) (alpha+T)^-(r+x).
  [[nodiscard]] result<T> alive(const rfm_row<T>& c, const char* m) const {
    const T k = r + c.frequency;
    const detail::death_integrals<T> di = detail::homogeneous_death_integrals<T>(k, alpha, mu, c.recency, c.age);
    if (!di.ok) return error_info{errc::not_converged, m, "mu", "the death-time integral did not reach 1e-9 within its work bound"};
    if (!(di.value[0] > T(0))) return T(1);  // t_x = T: bought at the end
    return detail::logistic_complement(std::log(mu) + di.log_scale + std::log(di.value[0]));  // log(mu J / E)
  }
};

/**
 * @brief The heterogeneity score of a homogeneous fit: the derivative of the nesting model's ln L at the
 * homogeneous maximum in the direction that lets the drop-out probability (death rate) vary, per unit
 * of its variance's scale: with p ~ Beta(a, b), a/(a+b) = p, Var p = p (1-p) e, e = 1/(a+b+1)
 * (Pareto/NBD: mu ~ Gamma(s, beta), s/beta = mu, Var mu = mu^2 e, e = 1/s),
 *   S = d ln L / d e at e = 0 = sum_i w_i Var'/2 (d^2 L_i / d theta^2) / L_i, Var' = p(1-p) (mu^2).
 * S <= 0: the ridge e = 0 is a local maximum of the nesting model's likelihood (the homogeneous model
 * is where its likelihood is maximised); S > 0: some heterogeneity raises the likelihood, so the
 * nesting model has a better point inside (unit: nats per unit of e).
 */
struct heterogeneity_score {
  double score = 0.0;
};

/// What the homogeneous fits return: the fit (natural parameters r, alpha, p or mu; standard errors
/// and covariance in them) and the heterogeneity score at the optimum.
template <class Model>
struct homogeneous_fit {
  fit_result<Model> fit{};
  double heterogeneity_score = 0.0;  ///< see crm::heterogeneity_score
};

namespace detail {
/// Validation shared by the homogeneous fits: the rows and options, the compressed rows and the
/// number of customers; errors: invalid rows, empty input, nobody repeats (errc::not_identifiable).
template <std::floating_point T>
[[nodiscard]] error_info homogeneous_fit_rows(std::span<const rfm_row<T>> rows, const fit_options& opt, const char* model,
                                              std::vector<rfm_row<T>>& v, T& customers) {
  if (auto e = validate(rows, model)) return e;
  if (auto e = check_fit_options(model, opt)) return e;
  v = compress(rows);
  T repeaters = 0;
  for (const rfm_row<T>& c : v) customers += c.weight, repeaters += c.frequency > T(0) ? c.weight : T(0);
  if (!(repeaters > T(0))) return {errc::not_identifiable, model, "frequency", "nobody made a repeat purchase"};
  return {};
}

/// Whether nobody made a second repeat purchase (every frequency at most 1): BG/NBD's likelihood then depends on
/// a and b only through a/(a+b) and is largest at a/(a+b) -> 1 (fit_bgnbd_family), its homogeneous model's at p -> 1.
template <std::floating_point T>
[[nodiscard]] bool at_most_one_repeat(std::span<const rfm_row<T>> rows) noexcept {
  return std::all_of(rows.begin(), rows.end(), [](const rfm_row<T>& c) { return c.frequency <= T(1); });
}
/// The model a homogeneous fit nests at p -> 0 (BG/NBD family) or mu -> 0 (Pareto/NBD): nobody drops out,
/// the NBD, or where the NBD's own fit names it (counts no more dispersed than a Poisson's), its limit the
/// Poisson with rate lambda. `found` false: the NBD fit failed otherwise (nothing to compare with).
template <std::floating_point T>
struct no_dropout_limit {
  bool found = false;
  bool poisson = false;
  T r{}, alpha{}, lambda{};
  double log_likelihood = 0.0;
  /// ((alpha+T)/(alpha+t_x))^k, or e^(lambda (T - t_x)) at the Poisson limit (k = r + x there), as its log
  [[nodiscard]] T log_growth(const rfm_row<T>& c, T k) const {
    if (poisson) return lambda * (c.age - c.recency);
    return k * std::log1p((c.age - c.recency) / (alpha + c.recency));
  }
};
template <std::floating_point T>
[[nodiscard]] no_dropout_limit<T> fit_no_dropout_limit(std::span<const rfm_row<T>> rows) {
  no_dropout_limit<T> out;
  const auto f = try_fit_nbd<T>(rows);
  if (f) {
    out.found = true, out.r = f->params.r, out.alpha = f->params.alpha, out.log_likelihood = f->log_likelihood;
  } else if (f.error().code == errc::not_identifiable && f.error().detail == nbd_poisson_detail) {
    T purchases = 0, exposure = 0;
    for (const rfm_row<T>& c : rows) purchases += c.weight * c.frequency, exposure += c.weight * c.age;
    const auto p = nbd_poisson_limit<T>(rows, purchases, exposure);
    out.found = out.poisson = true, out.lambda = p.lambda, out.log_likelihood = static_cast<double>(p.log_likelihood);
  }
  return out;
}
/// The drop-out score at that limit: the derivative of the homogeneous model's ln L in p (mu) at 0, the
/// purchase parameters at the limit's (the NBD's score in them is 0 there, so it is the profile's):
///   BG/NBD family, m = x + Shift: S = sum w (-m + [m > 0] ((alpha+T)/(alpha+t_x))^(r+x));
///   Pareto/NBD: S = sum w (-T + J0 / A), J0 / A = (alpha+T) ((alpha+T)/(alpha+t_x))^(c-1) - 1) / (c-1), c = r + x
///   (the death integral at mu = 0 over the alive term; the Poisson: (e^(lambda (T - t_x)) - 1) / lambda).
/// S <= 0: no small drop-out (death) rate raises the likelihood above the limit's.
template <std::floating_point T, int Shift>
[[nodiscard]] T dropout_score(std::span<const rfm_row<T>> rows, const no_dropout_limit<T>& n) {
  T s = 0;
  for (const rfm_row<T>& c : rows) {
    const T m = c.frequency + static_cast<T>(Shift);
    s += c.weight * (m > T(0) ? std::exp(n.log_growth(c, n.r + c.frequency)) - m : T(0));
  }
  return s;
}
template <std::floating_point T>
[[nodiscard]] T death_score(std::span<const rfm_row<T>> rows, const no_dropout_limit<T>& n) {
  T s = 0;
  for (const rfm_row<T>& c : rows) {
    T ratio;  // J0 / A
    if (n.poisson) {
      ratio = std::expm1(n.lambda * (c.age - c.recency)) / n.lambda;
    } else {
      const T k = n.r + c.frequency - T(1), l = n.log_growth(c, T(1));
      ratio = (n.alpha + c.age) * (std::abs(k * l) < T(1e-8) ? l : std::expm1(k * l) / k);
    }
    s += c.weight * (ratio - c.age);
  }
  return s;
}
/// A failed homogeneous fit's diagnosis (unpenalised, not interrupted): the no-drop-out limit `n` at least
/// as likely as every point the optimizer reached (`best`: the least -ln L) with a drop-out score
/// `score` <= 0 names that limit (errc::not_identifiable on `field`, "p" or "mu"); else a last point with
/// r >= purchase_ridge_name_r names the purchase-rate ridge; else nothing (the optimizer's error stands).
template <std::floating_point T>
[[nodiscard]] error_info homogeneous_limit_error(const no_dropout_limit<T>& n, T score, double best, double last_r, const char* model,
                                                 const char* field) {
  if (n.found && std::isfinite(best) && limit_as_likely(-best, n.log_likelihood) && !(score > T(0))) {
    const bool death = std::string_view(field) == "mu";
    if (n.poisson)
      return {errc::not_identifiable, model, field,
              death ? "the likelihood is maximised at mu -> 0 and r, alpha -> infinity with r/alpha fixed (nobody dies and one purchase "
                      "rate for all customers: the Poisson), a corner where the model has no estimate"
                    : "the likelihood is maximised at p -> 0 and r, alpha -> infinity with r/alpha fixed (nobody drops out and one "
                      "purchase rate for all customers: the Poisson), a corner where the model has no estimate"};
    return {errc::not_identifiable, model, field,
            death ? "the likelihood is maximised at mu -> 0: nobody dies (the NBD nested there, crm::try_fit_nbd), where the model has "
                    "no estimate"
                  : "the likelihood is maximised at p -> 0: nobody drops out (the NBD nested there, crm::try_fit_nbd), where the model "
                    "has no estimate"};
  }
  if (last_r >= purchase_ridge_name_r) return purchase_ridge_error(model, false);
  return {};
}

/// A converged homogeneous fit whose drop-out probability p (BG/NBD family) or expected lifetimes mu T (Pareto/NBD,
/// T the longest age) is below this has run along the face p (mu) -> 0 rather than stopped at a maximum: it is
/// compared with the no-drop-out limit (homogeneous_limit_error, with the fit's ln L as the best point). Found by an
/// audit of small generated data sets (2026-12-07): the homogeneous BG/NBD of 53 customers converged at p = 3e-10 and
/// was returned as an estimate, the NBD nested there as likely and its drop-out score negative.
inline constexpr double homogeneous_dropout_check = 1e-4;
/// That comparison for a converged fit with drop-out (death) parameter `dropout`, scaled as above by `scale`: the limit's
/// error (field `field`) when the limit is at least as likely and its score is not positive, else nothing. `nested` is
/// fitted here unless the fit's limit callback has fitted it already (`nested_fitted`).
template <std::floating_point T, class Score>
[[nodiscard]] error_info converged_at_no_dropout_limit(std::span<const rfm_row<T>> rows, double log_likelihood, double dropout, double scale,
                                                       no_dropout_limit<T>& nested, bool nested_fitted, Score&& score, const fit_options& opt,
                                                       const char* model, const char* field) {
  if (opt.penalizer != 0.0 || !(dropout * scale < homogeneous_dropout_check)) return {};
  if (!nested_fitted) nested = fit_no_dropout_limit<T>(rows);
  const error_info e = homogeneous_limit_error<T>(nested, nested.found ? score(nested) : T(0), -log_likelihood, 0.0, model, field);
  return e && std::string_view(e.field) == field ? e : error_info{};
}

/// The purchase-rate ridge at the end of a homogeneous fit, tested as the full models test it (purchase_rate_ridge):
/// a converged fit with r >= purchase_ridge_check_r, or a failed one (the optimizer's own error, field "parameters": not
/// interrupted, not stopped by max_iterations or a non-finite point, no limit named) whose last point `last_at` has such an r, is compared with the point 10
/// times farther along the ridge; when that is at least as likely, the error names the ridge (found by an audit of
/// small generated data sets, 2026-12-07: the homogeneous Pareto/NBD converged at r = 3.1e3 on 1901 customers, 4e-5
/// nats below the supremum of the limit, Poisson purchases and one death rate; on 1202 customers it stopped at
/// r = 8.2e3, "the Hessian ... is not positive definite").
template <class Objective>
[[nodiscard]] error_info homogeneous_purchase_ridge(Objective&& objective, const result<positive_fit<3>>& f, const vec<3>& last_at,
                                                    const convergence& last, const fit_options& opt, const char* model) {
  if (opt.penalizer != 0.0 || last.reason == stop_reason::interrupted) return {};
  if (f) return purchase_rate_ridge(objective, f->theta, f->log_likelihood, model);
  if (std::string_view(f.error().field) != "parameters" || last.reason == stop_reason::max_iterations || last.reason == stop_reason::not_finite ||
      !(last_at[0] >= purchase_ridge_check_r))
    return {};
  vec<3> g{};
  const double here = objective(last_at, g);
  return std::isfinite(here) ? purchase_rate_ridge(objective, last_at, -here, model) : error_info{};
}

/// A homogeneous fit that failed and named the limit where nobody drops out tried one start, and that test is
/// local (no small drop-out raises the likelihood at the limit, which is at least as likely as every point
/// reached): the likelihood may still have a maximum inside. Two more starts, from the limit's r and alpha (the
/// first start's at the Poisson) with the drop-out parameter at each of `dropout`: the first that converges to a
/// point more likely than the limit (by 1e-9 relative) is the fit; a restart that reached such a point without
/// converging leaves no diagnosis (errc::not_converged); otherwise `named` stands. `fit(from, report)` runs the
/// optimizer from `from` (no diagnosis of its own); `best` is the least -ln L any run reached.
template <std::floating_point T, class Fit>
[[nodiscard]] result<positive_fit<3>> restart_inside(Fit&& fit, const no_dropout_limit<T>& n, const vec<3>& start,
                                                     const std::array<double, 2>& dropout, const error_info& named, const double& best,
                                                     const char* model) {
  for (const double d : dropout) {
    const vec<3> from = n.poisson ? vec<3>{start[0], start[1], d} : vec<3>{static_cast<double>(n.r), static_cast<double>(n.alpha), d};
    convergence again{};
    result<positive_fit<3>> f = fit(from, &again);
    if (again.reason == stop_reason::interrupted) return f;
    if (f && !limit_as_likely(f->log_likelihood, n.log_likelihood)) return f;
  }
  if (!limit_as_likely(-best, n.log_likelihood))
    return error_info{errc::not_converged, model, "parameters",
                      "no maximum found: the optimizer failed, and a restart reached points more likely than the limit where nobody "
                      "drops out without converging"};
  return named;
}

template <std::floating_point T, int Shift>
[[nodiscard]] result<homogeneous_fit<homogeneous_bgnbd_family<T, Shift>>> fit_homogeneous_bgnbd(std::span<const rfm_row<T>> rows,
                                                                                                const fit_options& opt, const char* model) {
  std::vector<rfm_row<T>> v;
  T customers = 0;
  if (auto e = homogeneous_fit_rows<T>(rows, opt, model, v, customers)) return e;
  if (auto e = check_no_repeat_at_zero(rows, model)) return e;
  const std::span<const rfm_row<T>> s(v);
  double best = std::numeric_limits<double>::infinity();  // the least -ln L the optimizer reached
  const auto nll = [s, &best](const vec<3>& th, vec<3>& g) {
    const double here = homogeneous_bgnbd_nll<T, Shift>(s, th, g);
    best = std::min(best, here);
    return here;
  };
  // A fit that fails (or whose Hessian is not positive definite) names the limit it ran to, when it can
  // (homogeneous_limit_error, restart_inside: before 2026-12-07 one Poisson rate and nobody dropping out gave the
  // optimizer's error).
  no_dropout_limit<T> nested{};
  bool named = false, nested_fitted = false;
  vec<3> last_at{};
  const auto limit = [&](const vec<3>& at) -> error_info {
    last_at = at;
    if (opt.penalizer != 0.0) return {};
    if (!nested_fitted) nested = fit_no_dropout_limit<T>(s), nested_fitted = true;
    const error_info e = homogeneous_limit_error<T>(nested, nested.found ? dropout_score<T, Shift>(s, nested) : T(0), best, at[0], model, "p");
    named = e && std::string_view(e.field) == "p";
    // The other end, p -> 1: with nobody at two repeat purchases BG/NBD's homogeneous model is
    // crm::first_repeat_dropout_nbd with pi = p, whose likelihood rises with p (each x = 1 term (1-p) A_T + p A_tx,
    // A_tx >= A_T: see fit_bgnbd_family), so its supremum is p -> 1 (before 2026-12-07: "the Hessian ... is not
    // positive definite", 7 of 300 small generated data sets).
    if (!e && Shift == 0 && at_most_one_repeat<T>(s))
      return {errc::not_identifiable, model, "p",
              "the likelihood is maximised at p -> 1: every customer drops out at the first repeat purchase (nobody made a second "
              "one), where the model has no estimate (crm::try_fit_first_repeat_dropout_nbd fits that limit, pi = 1)"};
    return e;
  };
  const vec<3> start = {1.0, std::max(mean_age<T>(s), 1e-6), 0.25};
  convergence last{};
  result<positive_fit<3>> f = fit_positive<3>(nll, start, static_cast<double>(customers), opt, model, limit, &last, {false, true, false});
  if (!f && named && last.reason != stop_reason::interrupted) {
    // (odds q = p/(1-p) of p = 0.05 and 0.5)
    const auto again = [&](const vec<3>& from, convergence* report) {
      return fit_positive<3>(nll, from, static_cast<double>(customers), opt, model, nullptr, report, {false, true, false});
    };
    f = restart_inside<T>(again, nested, start, {0.05 / 0.95, 1.0}, f.error(), best, model);
  }
  const auto objective = [s](const vec<3>& th, vec<3>& g) { return homogeneous_bgnbd_nll<T, Shift>(s, th, g); };
  if (const error_info e = homogeneous_purchase_ridge(objective, f, last_at, last, opt, model)) return e;
  if (!f) return f.error();
  // (r, alpha, q) -> (r, alpha, p), p = q/(1+q), dp/dq = 1/(1+q)^2
  const double q = f->theta[2], jac[3] = {1.0, 1.0, 1.0 / ((1.0 + q) * (1.0 + q))};
  if (const error_info e = converged_at_no_dropout_limit<T>(
          s, f->log_likelihood, q / (1.0 + q), 1.0, nested, nested_fitted,
          [s](const no_dropout_limit<T>& n) { return dropout_score<T, Shift>(s, n); }, opt, model, "p"))
    return e;
  positive_fit<3> g = *f;
  g.theta[2] = q / (1.0 + q);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) g.covariance[i][j] = f->covariance[i][j] * jac[i] * jac[j];
  for (std::size_t i = 0; i < 3; ++i) g.standard_errors[i] = std::sqrt(g.covariance[i][i]);
  homogeneous_fit<homogeneous_bgnbd_family<T, Shift>> out;
  out.fit = to_fit_result<homogeneous_bgnbd_family<T, Shift>>(
      g, [](const vec<3>& x) { return homogeneous_bgnbd_family<T, Shift>{static_cast<T>(x[0]), static_cast<T>(x[1]), static_cast<T>(x[2])}; });
  const T r = static_cast<T>(f->theta[0]), alpha = static_cast<T>(f->theta[1]), qq = static_cast<T>(q), p = static_cast<T>(g.theta[2]);
  const T lg_r = log_gamma(r), dg_r = digamma(r);
  T sum = 0;
  for (const rfm_row<T>& c : v) sum += c.weight * homogeneous_bgnbd_row<T, Shift>(r, alpha, qq, c.frequency, c.recency, c.age, lg_r, dg_r).f2_over_f;
  out.heterogeneity_score = static_cast<double>(p * (T(1) - p) / T(2) * sum);
  return out;
}

/// Work bound of a homogeneous Pareto/NBD fit: max(4e6, 4e4 x distinct rows) integrand evaluations and
/// search steps (beyond: errc::not_converged).
inline constexpr long long homogeneous_pareto_fit_max_work = 4'000'000;
inline constexpr long long homogeneous_pareto_fit_work_per_row = 40'000;

template <std::floating_point T>
[[nodiscard]] result<homogeneous_fit<homogeneous_pareto_nbd<T>>> fit_homogeneous_pareto(std::span<const rfm_row<T>> rows, const fit_options& opt,
                                                                                      long long* work_out = nullptr) {
  constexpr const char* model = "fit_homogeneous_pareto_nbd";
  std::vector<rfm_row<T>> v;
  T customers = 0;
  if (auto e = homogeneous_fit_rows<T>(rows, opt, model, v, customers)) return e;
  if (auto e = check_no_repeat_at_zero(rows, model, true)) return e;
  const std::span<const rfm_row<T>> s(v);
  long long work = 0;
  const long long budget = std::max(homogeneous_pareto_fit_max_work, homogeneous_pareto_fit_work_per_row * static_cast<long long>(v.size()));
  // The purchase-rate ridge (purchase_ridge_on_the_way): out there the death integrals take their most
  // work and fail at neighbouring points (beyond r of about 2e5), and the optimizer used to spend its
  // whole work bound in line searches (on 19 customers: 190 evaluations around r = 1.2e5, 4e6 integrand
  // steps, 0.33 s at -O2).
  int ridge_tests = 0;
  bool ridge = false;
  double best = std::numeric_limits<double>::infinity();
  const auto objective = [s, &work](const vec<3>& th, vec<3>& g) { return homogeneous_pareto_nll<T>(s, th, g, &work); };
  const auto nll = [&objective, &work, budget, &ridge_tests, &ridge, &best](const vec<3>& th, vec<3>& g) {
    if (work > budget || ridge) return std::numeric_limits<double>::infinity();
    const double here = objective(th, g);
    if (purchase_ridge_on_the_way(objective, th, here, best, ridge_tests)) {
      ridge = true;
      return std::numeric_limits<double>::infinity();
    }
    if (std::isfinite(here)) best = std::min(best, here);
    return here;
  };
  const double start_age = std::max(mean_age<T>(s), 1e-6);
  convergence last{};
  // (on the purchase-rate ridge with nobody dying: the Poisson corner, named as the BG/NBD family's)
  // (tested once: the ridge branch below takes the failed fit's answer)
  no_dropout_limit<T> nested{};
  bool named = false, limit_tested = false;
  error_info limit_error{};
  vec<3> last_at{};
  const auto limit = [&](const vec<3>& at) -> error_info {
    last_at = at;
    if (limit_tested || opt.penalizer != 0.0 || work > budget) return limit_error;
    nested = fit_no_dropout_limit<T>(s);
    limit_error =
        homogeneous_limit_error<T>(nested, nested.found ? death_score<T>(s, nested) : T(0), best, ridge ? purchase_ridge_name_r : at[0], model, "mu");
    limit_tested = true;
    named = limit_error && std::string_view(limit_error.field) == "mu";
    return limit_error;
  };
  const vec<3> start = {1.0, start_age, 1.0 / start_age};
  result<positive_fit<3>> f = fit_positive<3>(nll, start, static_cast<double>(customers), opt, model, limit, &last, {false, true, true});
  if (!f && named && !ridge && last.reason != stop_reason::interrupted) {
    // (mu of a tenth and of three lifetimes per mean age; within the same work bound)
    const auto again = [&](const vec<3>& from, convergence* report) {
      return fit_positive<3>(nll, from, static_cast<double>(customers), opt, model, nullptr, report, {false, true, true});
    };
    f = restart_inside<T>(again, nested, start, {0.1 / start_age, 3.0 / start_age}, f.error(), best, model);
  }
  if (ridge && last.reason != stop_reason::interrupted) {
    if (work_out != nullptr) *work_out += work;
    const error_info e = limit(vec<3>{});
    return e ? e : purchase_ridge_error(model, false);
  }
  const error_info on_ridge = homogeneous_purchase_ridge(objective, f, last_at, last, opt, model);
  if (work_out != nullptr) *work_out += work;
  if (on_ridge) return on_ridge;
  // (a restart stopped by the work bound that reached nothing more likely than the limit leaves it named)
  if (work > budget && (f || std::string_view(f.error().field) != "mu"))
    return error_info{errc::not_converged, model, "parameters",
                      "the likelihood needed more than its work bound of death-integral steps, max(4e6, 4e4 per distinct row)"};
  if (!f) return f.error();
  T longest = 0;
  for (const rfm_row<T>& c : v) longest = std::max(longest, c.age);
  if (const error_info e = converged_at_no_dropout_limit<T>(
          s, f->log_likelihood, f->theta[2], static_cast<double>(longest), nested, limit_tested,
          [s](const no_dropout_limit<T>& n) { return death_score<T>(s, n); }, opt, model, "mu"))
    return e;
  homogeneous_fit<homogeneous_pareto_nbd<T>> out;
  out.fit = to_fit_result<homogeneous_pareto_nbd<T>>(
      *f, [](const vec<3>& x) { return homogeneous_pareto_nbd<T>{static_cast<T>(x[0]), static_cast<T>(x[1]), static_cast<T>(x[2])}; });
  const T r = static_cast<T>(f->theta[0]), alpha = static_cast<T>(f->theta[1]), mu = static_cast<T>(f->theta[2]);
  const T lg_r = log_gamma(r), dg_r = digamma(r);
  T sum = 0;
  for (const rfm_row<T>& c : v) {
    const auto t = homogeneous_pareto_row<T>(r, alpha, mu, c.frequency, c.recency, c.age, lg_r, dg_r);
    if (work_out != nullptr) *work_out += t.work;
    sum += c.weight * t.f2_over_f;
  }
  out.heterogeneity_score = static_cast<double>(mu * mu / T(2) * sum);
  return out;
}
}  // namespace detail

/**
 * @brief Maximum-likelihood fits of the homogeneous models (objective, standard errors and covariance
 * as every model fit, crm::fit_options; `on_boundary` does not apply), with the heterogeneity score at
 * the optimum. Parameters in the natural scale: (r, alpha, p) for the BG/NBD family (p fitted through
 * its log-odds, its standard error by the delta method, dp/d odds = (1-p)^2), (r, alpha, mu) for
 * Pareto/NBD. Errors: invalid rows, empty input, nobody repeats (errc::not_identifiable), no
 * convergence (errc::not_converged; Pareto/NBD also after its work bound, max(4e6, 4e4 x distinct rows)
 * integrand evaluations), a singular Hessian (errc::not_identifiable); a failed fit (or one whose Hessian
 * is not positive definite) that ran to a limit names it (errc::not_identifiable): nobody drops out, field
 * "p" or "mu" (the NBD, or with r, alpha -> infinity the Poisson, at least as likely as every point reached,
 * drop-out score <= 0: detail::homogeneous_limit_error), else a last point with r >= 1e4, field "r" (the
 * purchase-rate ridge); Pareto/NBD also tests that ridge on the way (the optimizer reached r >= 1e4 at a point
 * as likely as any before it and at least as likely as (r/10, alpha/10)); a converged fit with p (mu times the
 * longest age) below 1e-4 is tested for the limit where nobody drops out in the same way, with its ln L as the best.
 */
template <std::floating_point T = double>
[[nodiscard]] result<homogeneous_fit<homogeneous_bg_nbd<T>>> try_fit_homogeneous_bg_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return detail::fit_homogeneous_bgnbd<T, 0>(rows, opt, "fit_homogeneous_bg_nbd");
}
template <std::floating_point T>
[[nodiscard]] result<homogeneous_fit<homogeneous_bg_nbd<T>>> try_fit_homogeneous_bg_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_homogeneous_bg_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}
template <std::floating_point T = double>
[[nodiscard]] result<homogeneous_fit<homogeneous_modified_bg_nbd<T>>> try_fit_homogeneous_modified_bg_nbd(std::span<const rfm_row<T>> rows,
                                                                                                         const fit_options& opt = {}) {
  return detail::fit_homogeneous_bgnbd<T, 1>(rows, opt, "fit_homogeneous_modified_bg_nbd");
}
template <std::floating_point T>
[[nodiscard]] result<homogeneous_fit<homogeneous_modified_bg_nbd<T>>> try_fit_homogeneous_modified_bg_nbd(const std::vector<rfm_row<T>>& rows,
                                                                                                         const fit_options& opt = {}) {
  return try_fit_homogeneous_modified_bg_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}
template <std::floating_point T = double>
[[nodiscard]] result<homogeneous_fit<homogeneous_pareto_nbd<T>>> try_fit_homogeneous_pareto_nbd(std::span<const rfm_row<T>> rows,
                                                                                               const fit_options& opt = {}) {
  return detail::fit_homogeneous_pareto<T>(rows, opt);
}
template <std::floating_point T>
[[nodiscard]] result<homogeneous_fit<homogeneous_pareto_nbd<T>>> try_fit_homogeneous_pareto_nbd(const std::vector<rfm_row<T>>& rows,
                                                                                               const fit_options& opt = {}) {
  return try_fit_homogeneous_pareto_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}

namespace detail {
/// Fills a boundary report's nested part from a homogeneous fit (three parameters) and the
/// likelihood-ratio comparison with the full model's ln L.
template <class Model>
void report_nested_homogeneous(boundary_report& rep, const result<homogeneous_fit<Model>>& h, double full_log_likelihood) {
  if (!h) {
    rep.nested_error = h.error();
    return;
  }
  const auto& f = h->fit;
  rep.nested_fitted = true;
  rep.nested_parameters = 3;
  rep.nested_r = static_cast<double>(f.params.r), rep.nested_alpha = static_cast<double>(f.params.alpha);
  rep.nested_r_se = static_cast<double>(f.standard_errors.r), rep.nested_alpha_se = static_cast<double>(f.standard_errors.alpha);
  if constexpr (requires { f.params.mu; }) {
    rep.nested_dropout = static_cast<double>(f.params.mu), rep.nested_dropout_se = static_cast<double>(f.standard_errors.mu);
  } else {
    rep.nested_dropout = static_cast<double>(f.params.p), rep.nested_dropout_se = static_cast<double>(f.standard_errors.p);
  }
  rep.nested_log_likelihood = f.log_likelihood;
  rep.nested_covariance = f.covariance;  // (r, alpha, p or mu), the fit's inverse Hessian
  rep.heterogeneity_score = h->heterogeneity_score;
  const auto lr = try_boundary_likelihood_ratio(full_log_likelihood, f.log_likelihood);
  if (lr) rep.lr_statistic = lr->statistic, rep.lr_p_value = lr->p_value;
}

/// The homogeneous model a full model's boundary at infinity nests (the full models are declared in
/// their own headers, which include this one).
template <class Full>
struct homogeneous_model_of;
template <std::floating_point T>
struct homogeneous_model_of<bg_nbd<T>> {
  using type = homogeneous_bg_nbd<T>;
  static constexpr fit_boundary where = fit_boundary::homogeneous_dropout;
};
template <std::floating_point T>
struct homogeneous_model_of<modified_bg_nbd<T>> {
  using type = homogeneous_modified_bg_nbd<T>;
  static constexpr fit_boundary where = fit_boundary::homogeneous_dropout;
};
template <std::floating_point T>
struct homogeneous_model_of<pareto_nbd<T>> {
  using type = homogeneous_pareto_nbd<T>;
  static constexpr fit_boundary where = fit_boundary::homogeneous_death_rate;
};
}  // namespace detail

/**
 * @brief The estimates of a BG/NBD, modified BG/NBD or Pareto/NBD fit that ended on the boundary at
 * infinity (boundary_policy::report; `fit.boundary.where` homogeneous_dropout or
 * homogeneous_death_rate): the nested homogeneous model's maximum-likelihood r, alpha and p (BG/NBD
 * family) or mu (Pareto/NBD), from `fit.boundary`. There `fit.params` are not estimates but the point
 * where the fit stopped: somewhere along the ridge for the BG/NBD family (a + b anywhere from 1e3 up),
 * and for a Pareto/NBD fit stopped by the early ridge check (s >= 10, detail::pareto_ridge_check_s) a
 * point barely on it (s about 10, where the Gamma death rates still vary by a third); predictions from
 * them differ from the estimated model's. Predict from this model instead (docs/models.md).
 * Errors: `fit` did not end on that boundary (errc::out_of_range on "boundary": its params are the
 * estimates); the nested fit failed (its error, fit.boundary.nested_error).
 */
template <class Full>
[[nodiscard]] result<typename detail::homogeneous_model_of<Full>::type> try_homogeneous_estimates(const fit_result<Full>& fit) {
  using traits = detail::homogeneous_model_of<Full>;
  using nested = typename traits::type;
  using T = std::remove_cvref_t<decltype(fit.params.r)>;
  const boundary_report& b = fit.boundary;
  if (b.where != traits::where)
    return error_info{errc::out_of_range, "homogeneous_estimates", "boundary", "the fit did not end on the boundary at infinity"};
  if (!b.nested_fitted) return b.nested_error;
  return nested{static_cast<T>(b.nested_r), static_cast<T>(b.nested_alpha), static_cast<T>(b.nested_dropout)};
}

CRM_METRICS_END_NAMESPACE
