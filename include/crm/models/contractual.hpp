// crm-metrics: contractual retention: the shifted-beta-geometric (sBG) and beta-discrete-Weibull (BdW) models.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Subscriptions, memberships, contracts renewed once per period: a customer's churn is observed.
// sBG (P. S. Fader & B. G. S. Hardie, "How to Project Customer Retention", Journal of Interactive
// Marketing 21(1), 2007): at the end of each period an active customer cancels with probability
// theta, constant over time for that customer; theta ~ Beta(alpha, beta) across customers. BdW
// (Fader, Hardie, Liu, Davin & Steenburgh, "'How to Project Customer Retention' Revisited: The Role
// of Duration Dependence", Journal of Interactive Marketing 43, 2018): an individual survives t
// periods with probability (1 - theta)^(t^c), so churn rises (c > 1) or falls (c < 1) with tenure;
// c = 1 is sBG. Both give the survivor function
//     S(t) = B(alpha, beta + t^c) / B(alpha, beta)          (sBG: c = 1),
// P(T = t) = S(t-1) - S(t) (the customer's last paid period is t) and the retention rate
// r(t) = S(t) / S(t-1) (sBG: (beta + t - 1) / (alpha + beta + t - 1), rising with t: the
// heterogeneity the source documents' per-period retention (001_15fb4e46a87cf176.txt lines 24 and
// 36-42) hides). Valuation follows Fader & Hardie (2010), "Customer-Base Valuation in a Contractual
// Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1): DEL and DERL below.
//
// Data: per cohort, the number of customers still active at periods 0, 1, ..., k (a row of a cohort
// retention matrix, in customers, cut at the cohort's last observed period); cohorts may be
// observed for different numbers of periods.
//
// Customization points: none (T is any std::floating_point type).
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/detail/optimize.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>
#include <crm/models/generate.hpp>
#include <crm/models/nbd.hpp>

#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <span>
#include <type_traits>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {

template <class T>
[[nodiscard]] constexpr bool contract_finite(T v) noexcept {
  return v == v && v <= std::numeric_limits<T>::max() && v >= std::numeric_limits<T>::lowest();
}

/// Most terms any lifetime sum or curve may take (bounded work): 1e7 survivor evaluations.
inline constexpr count_t contract_max_terms = 10'000'000;
/// Most terms of BdW's discounted sums (each a special function): 1e6.
inline constexpr count_t contract_lifetime_max_terms = 1'000'000;
/// Terms of BdW's infinite-horizon lifetime sum taken directly before its tail is integrated: 1024.
inline constexpr count_t contract_lifetime_head = 1024;
/// Gregory's end correction of a tail sum: sum_{t >= K} f(t) = int_K^inf f(u) du + sum_j G_j D^j f(K),
/// D the forward difference, G_j the coefficients of 1/ln(1+z) - 1/z = sum_j G_j z^j (1/2, -1/12,
/// 1/24, -19/720, ...), taken to j = 7. `monotone_bound` bounds what the terms j >= 8 add when f is
/// completely monotone on [K-1, inf) (its derivatives alternate in sign: f(u) = exp(-lambda u^c) with
/// c <= 1, and mixtures of such, as BdW's S): by Bernstein's theorem f(u) = int e^(-s u) dmu(s), mu >= 0,
/// and for one exponential z = e^-s - 1 is in (-1, 0), so every term G_j z^j e^(-sK) is >= 0 and, the
/// |G_j| falling, sum_{j >= 8} |G_j| |z|^j <= |G_8| |z|^8 / (1 - |z|) = |G_8| |z|^8 e^s; integrated
/// over mu, 0 <= (exact - int - correction) <= |G_8| |D^8 f(K-1)|. To that it adds the rounding of the
/// differences from values each within `value_error` (relative) of f: sum_{j <= 8} |G_j| 2^j (value_error
/// + 8 eps) f(K-1). `last_term`, G_7 D^7 f(K), is the usual estimate of the error where f is not
/// completely monotone (no bound is known then).
template <class T>
struct gregory_tail {
  T correction = 0;      ///< sum_{j < 8} G_j D^j f(K)
  T last_term = 0;       ///< G_7 D^7 f(K)
  T monotone_bound = 0;  ///< the bound above (valid for completely monotone f)
};
/// `f` holds f(K-1), f(K), ..., f(K+7).
template <class T>
[[nodiscard]] gregory_tail<T> gregory_end_correction(const std::array<T, 9>& f, T value_error) noexcept {
  constexpr long double gregory[9] = {0.5L, -1.0L / 12, 1.0L / 24, -19.0L / 720, 3.0L / 160, -863.0L / 60480, 275.0L / 24192, -33953.0L / 3628800,
                                      8183.0L / 1036800};
  gregory_tail<T> g;
  std::array<T, 9> diff = f;  // after j passes diff[i] = D^j f(K-1+i)
  long double rounding_weight = 0;
  for (std::size_t j = 0; j < 9; ++j) {
    rounding_weight += std::abs(gregory[j]) * static_cast<long double>(std::size_t{1} << j);
    if (j < 8) {
      g.last_term = static_cast<T>(gregory[j]) * diff[1];
      g.correction += g.last_term;
    } else {
      g.monotone_bound = static_cast<T>(gregory[8]) * std::abs(diff[0]);
    }
    for (std::size_t i = 0; i + 1 < 9 - j; ++i) diff[i] = diff[i + 1] - diff[i];
  }
  g.monotone_bound += static_cast<T>(rounding_weight) * (value_error + T(8) * std::numeric_limits<T>::epsilon()) * f[0];
  return g;
}
/// Largest alpha for which S(t) and r(t) take Stirling's leading term where t^c overflows T (the
/// terms left out are then below alpha / 1e38 of it); beyond it S is 0 (-inf logarithm) there and
/// r(t) an overflow error.
inline constexpr double contract_stirling_alpha_max = 1e9;

/// A Gauss-Legendre rule on [0, 1]: n nodes x and weights w (contract_core's integrals of polygammas).
struct contract_gauss_rule {
  int n;
  long double x[8], w[8];
};
inline constexpr contract_gauss_rule contract_gauss4 = {4,
                                                         {0.0694318442029737123880267555535953L, 0.330009478207571867598667120448377L,
                                                          0.669990521792428132401332879551623L, 0.930568155797026287611973244446405L},
                                                         {0.173927422568726928686531974610999L, 0.326072577431273071313468025389001L,
                                                          0.326072577431273071313468025389001L, 0.173927422568726928686531974610999L}};
inline constexpr contract_gauss_rule contract_gauss8 = {8,
                                                         {0.0198550717512318841582195657152635048L, 0.101666761293186630204223031762084782L,
                                                          0.237233795041835507091130475405376825L, 0.40828267875217509753026192881990801L,
                                                          0.59171732124782490246973807118009199L, 0.762766204958164492908869524594623175L,
                                                          0.898333238706813369795776968237915218L, 0.980144928248768115841780434284736495L},
                                                         {0.0506142681451881295762656771549810951L, 0.111190517226687235272177997213120442L,
                                                          0.156853322938943643668981100993300657L, 0.181341891689180991482575224638597806L,
                                                          0.181341891689180991482575224638597806L, 0.156853322938943643668981100993300657L,
                                                          0.111190517226687235272177997213120442L, 0.0506142681451881295762656771549810951L}};

/// The shared model: S(t) = B(alpha, beta + t^c) / B(alpha, beta), c == 1 for sBG.
template <std::floating_point T>
struct contract_core {
  T alpha, beta, c;

  [[nodiscard]] constexpr error_info check(const char* name) const noexcept {
    const T v[3] = {alpha, beta, c};
    const char* f[3] = {"alpha", "beta", "c"};
    for (int i = 0; i < 3; ++i) {
      if (!contract_finite(v[i])) return {errc::not_finite, name, f[i]};
      if (!(v[i] > T(0))) return {errc::out_of_range, name, f[i], "model parameters must be > 0"};
    }
    return {};
  }
  /// t^c, exact for c == 1.
  [[nodiscard]] T power(T t) const noexcept { return c == T(1) ? t : std::pow(t, c); }
  /// ln S(t) = ln [B(alpha, beta + t^c) / B(alpha, beta)] (see log_beta_step); where t^c overflows
  /// T, log_survival_beyond.
  [[nodiscard]] T log_survival(T t) const noexcept { return log_survival(t, log_gamma_ratio(beta)); }
  /// ln S(t) given norm = log_gamma_ratio(beta) (computed once per loop).
  [[nodiscard]] T log_survival(T t, T norm) const noexcept {
    if (t == T(0)) return T(0);
    const T tc = power(t);
    if (!contract_finite(tc)) return log_survival_beyond(c * std::log(t), norm);
    return log_beta_step(beta, tc, norm);
  }
  /// ln S(u) at a real u = e^lu >= 1 given norm = log_gamma_ratio(beta): x = e^(c lu), and where x
  /// overflows T, log_survival_beyond.
  [[nodiscard]] T log_survival_at_log(T lu, T norm) const noexcept {
    const T lx = c * lu;
    const T x = std::exp(lx);
    if (!contract_finite(x)) return log_survival_beyond(lx, norm);
    return log_beta_step(beta, x, norm);
  }
  /// ln S where x = t^c = e^lx is beyond T: ln [G(y)/G(y+alpha)] = -alpha ln y - alpha (alpha-1)/(2y)
  /// + O(alpha^3/y^2) (Stirling) with y = beta + x > 1e38 (float) .. 1e4932, so
  ///   ln S = -alpha (lx + log1p(beta e^-lx)) - norm,
  /// the omitted terms below alpha^2 / y < 1e-20 for alpha <= 1e9 in every T; larger alpha: -inf (S
  /// below e^(-1e9 * 88)). (Before, -inf at every such t: S(11) = 0 at alpha = 0.01, beta = 1,
  /// c = 300, where it is 7.47e-4.)
  [[nodiscard]] T log_survival_beyond(T lx, T norm) const noexcept {
    if (!(alpha <= T(contract_stirling_alpha_max))) return -std::numeric_limits<T>::infinity();
    return -alpha * (lx + std::log1p(beta * std::exp(-lx))) - norm;
  }
  /// ln [B(alpha, b + d) / B(alpha, b)], b, d > 0, norm = log_gamma_ratio(b) (NaN: computed here
  /// where it is needed), as the difference of
  /// two log-gamma ratios paired by the smaller step, so that the two terms (each about step x
  /// ln(b + d + alpha) in size) cancel as little as possible:
  ///   alpha <= d: ln [G(b+d)/G(b+d+alpha)] - ln [G(b)/G(b+alpha)];
  ///   alpha >  d: ln [G(b+alpha)/G(b+alpha+d)] - ln [G(b)/G(b+d)].
  /// (Pairing by alpha alone lost everything for a large alpha: S(1) = 1 at alpha = 1e300, beta = 1,
  /// for b/(alpha+b) = 1e-300, and 2.4e-7 of S(1) at alpha = beta = 1e8; found by an audit.)
  /// A step small against b (<= b/8): the pairs cancel to about eps b ln b / step of the result (a
  /// BdW hazard at t = 1e12 came out negative; with both steps between b/100 and b/8, BdW(0.0122,
  /// 0.0447, 0.0373) P(T = 2) was 2.2e-13 off, 3.2e-12 at worst in a random grid), so the exact
  /// integrals are taken instead, by Gauss-Legendre in each variable with 4 points where its step is
  /// at most b/100 and 8 points up to b/8 (the integrands are analytic but for poles at distance >= b
  /// from the interval, so the relative error is below about (4b / step)^-2n: 1e-20 and 1e-19):
  ///   both:    -int_0^alpha int_0^d psi'(b + s + u) du ds;
  ///   d only:   int_0^d [psi(b + u) - psi(b + alpha + u)] du;
  ///   alpha only: int_0^alpha [psi(b + s) - psi(b + d + s)] ds.
  [[nodiscard]] T log_beta_step(T b, T d, T norm) const noexcept {
    using rule = contract_gauss_rule;
    const rule& gauss4 = contract_gauss4;
    const rule& gauss8 = contract_gauss8;
    const T tiny = b / T(100), small = b / T(8);
    if (alpha <= small && d <= small) {
      const rule& ga = alpha <= tiny ? gauss4 : gauss8;
      const rule& gd = d <= tiny ? gauss4 : gauss8;
      T sum = 0;
      for (int i = 0; i < ga.n; ++i)
        for (int j = 0; j < gd.n; ++j)
          sum += static_cast<T>(ga.w[i] * gd.w[j]) * boost::math::trigamma(b + static_cast<T>(ga.x[i]) * alpha + static_cast<T>(gd.x[j]) * d, quiet_math_policy());
      return -alpha * d * sum;
    }
    if (d <= small || alpha <= small) {
      const T step = d <= small ? d : alpha, other = d <= small ? alpha : d;
      const rule& g = step <= tiny ? gauss4 : gauss8;
      T sum = 0;
      for (int i = 0; i < g.n; ++i) {
        const T u = b + static_cast<T>(g.x[i]) * step;
        sum += static_cast<T>(g.w[i]) * (quiet_digamma(u) - quiet_digamma(u + other));
      }
      return step * sum;
    }
    if (alpha <= d) return log_gamma_ratio(b + d) - (norm == norm ? norm : log_gamma_ratio(b));
    return log_gamma_delta_ratio(b + alpha, d) - log_gamma_delta_ratio(b, d);
  }
  /// ln [G(y)/G(y+alpha)].
  [[nodiscard]] T log_gamma_ratio(T y) const noexcept { return log_gamma_delta_ratio(y, alpha); }
  /// D(x) = ln G(x) - ((x - 1/2) ln x - x + ln(2 pi)/2) (detail::stirling_remainder_b16).
  [[nodiscard]] static T stirling_remainder(T x) noexcept { return detail::stirling_remainder_b16(x); }
  /// ln [G(x)/G(x+a)], x > 0, a >= 0: the logarithm of Boost's tgamma_delta_ratio (accurate where
  /// a difference of log-gammas of large arguments would cancel) while that is a normal number;
  /// where it under- or overflows, for x >= 32 Stirling's series arranged so that nothing of the
  /// size of ln G(x) is subtracted (the algdiv form of Didonato & Morris, ACM TOMS 708),
  ///   -a ln x - (x + a - 1/2) log1p(a/x) + a + D(x) - D(x+a),
  /// and below 32 (ln G(x) < 79) lgamma(x) - lgamma(x+a). (Before, lgamma(x) - lgamma(x+a) at every
  /// x: at alpha = 1e300 both ratios of ln S were -6.9e302 and their difference 0.) For a >= 10 and
  /// x >= 32 always the Stirling form: Boost 1.81 raises (x+g-1/2)/(x+g-1/2+a), rounded, to the power
  /// x - 1/2 there, a relative error of about eps x (a = 14.7: 2.3e-7 at x = 1e12, 1.3e-4 at 1e15,
  /// so sBG(14.7, 643.9) S(1e15) came out 6.6 % low; the Stirling form is within 3e-16 of mpmath).
  [[nodiscard]] static T log_gamma_delta_ratio(T x, T a) noexcept {
    if (x >= T(32) && a >= T(10))
      return -a * std::log(x) - (x + a - T(0.5)) * std::log1p(a / x) + a + stirling_remainder(x) - stirling_remainder(x + a);
    const T r = boost::math::tgamma_delta_ratio(x, a, quiet_math_policy());
    if (r >= std::numeric_limits<T>::min() && contract_finite(r)) return std::log(r);
    if (x >= T(32)) return -a * std::log(x) - (x + a - T(0.5)) * std::log1p(a / x) + a + stirling_remainder(x) - stirling_remainder(x + a);
    return quiet_lgamma(x) - quiet_lgamma(x + a);
  }
  /// ln r(t) = ln [S(t)/S(t-1)], t >= 1, without the difference of two logarithms of S. sBG:
  /// -log1p(alpha/(beta+t-1)). BdW: the step from b = beta + (t-1)^c by d = t^c - (t-1)^c =
  /// (t-1)^c expm1(c log1p(1/(t-1))); where (t-1)^c overflows T, log_retention_beyond.
  [[nodiscard]] T log_retention(T t) const noexcept {
    if (c == T(1)) return -std::log1p(alpha / (beta + (t - T(1))));
    if (t == T(1)) return log_survival(T(1));
    const T prev = power(t - T(1));
    if (!contract_finite(prev)) return log_retention_beyond(t);
    const T b = beta + prev, d = prev * std::expm1(c * std::log1p(T(1) / (t - T(1))));
    return log_beta_step(b, d, std::numeric_limits<T>::quiet_NaN());  // (norm taken only where needed)
  }
  /// ln r(t) where x = (t-1)^c is beyond T: with y0 = beta + x and y1 = beta + t^c, Stirling's
  /// ln [G(y)/G(y+alpha)] = -alpha ln y - alpha (alpha-1)/(2y) + ... gives ln r = -alpha ln(y1/y0),
  /// the omitted terms below alpha / y0 < 1e-29 of it for alpha <= 1e9 (y0 > 1e38 in every T);
  /// with L = ln(t^c/x) = c log1p(1/(t-1)) and q = beta/x = exp(ln beta - c ln(t-1)) <= about 1,
  ///   ln(y1/y0) = log1p(expm1(L)/(1+q)) for L < 1, else L + log1p(q e^-L) - log1p(q),
  /// neither of which cancels or overflows. Larger alpha: NaN (the callers' overflow error). (Before,
  /// NaN at every such t: BdW(0.7, 1.2, 300) r(1000) was an overflow error; it is 0.810499.)
  [[nodiscard]] T log_retention_beyond(T t) const noexcept {
    if (!(alpha <= T(contract_stirling_alpha_max))) return std::numeric_limits<T>::quiet_NaN();
    const T L = c * std::log1p(T(1) / (t - T(1)));
    const T q = std::exp(std::log(beta) - c * std::log(t - T(1)));
    const T step = L < T(1) ? std::log1p(std::expm1(L) / (T(1) + q)) : L + std::log1p(q * std::exp(-L)) - std::log1p(q);
    return -alpha * step;
  }
  /// 1 - r(t) = P(T = t | T >= t) without cancellation: sBG 1/(1 + (beta+t-1)/alpha); BdW -expm1(ln r(t)).
  [[nodiscard]] T churn_hazard(T t) const noexcept {
    if (c == T(1)) {
      const T b = beta + (t - T(1)), whole = alpha + b;
      return contract_finite(whole) ? alpha / whole : T(1) / (T(1) + b / alpha);
    }
    return -std::expm1(log_retention(t));
  }
  /// r(t) = S(t)/S(t-1). sBG: 1/(1 + alpha/(beta+t-1)), exact to rounding (the ratio of two
  /// logarithms of S gave 1.0039 at alpha = 50, beta = 1e-5, t = 1e12).
  [[nodiscard]] T retention(T t) const noexcept {
    if (c == T(1)) return T(1) / (T(1) + alpha / (beta + (t - T(1))));
    return std::exp(log_retention(t));
  }
  [[nodiscard]] static error_info overflowed(const char* name) noexcept {
    return {errc::overflow, name, "result", "an intermediate overflows type T at these parameters"};
  }
  /// The error of a NaN r(t) or P(T = t): (t-1)^c beyond T (field "period"), else overflowed.
  [[nodiscard]] error_info step_overflowed(T t, const char* name) const noexcept {
    if (t > T(1) && !contract_finite(power(t - T(1)))) return {errc::overflow, name, "period", "(t-1)^c overflows type T"};
    return overflowed(name);
  }
  /// psi(y) - psi(y + a) (k = 0) or psi'(y) - psi'(y + a) (k = 1), y, a > 0, where a <= y/8 as the
  /// integral -a int_0^1 psi^(k+1)(y + s a) ds by Gauss-Legendre (4 points where a <= y/100, else 8;
  /// the poles of psi^(k+1) are at distance >= y from the interval, so the relative error is below
  /// about (4y/a)^-2n), else the difference itself. The difference of two polygammas cancels to about
  /// eps y/a of the result (digamma: eps ln(y) y/a), and the gradient and Hessian of ln S take it at
  /// y = beta + t^c, multiplied by t^c ln t or its square: at BdW(0.036, 0.198, 15.3), t = 7 (t^c =
  /// 8.5e12), d ln L / dc of the cohort 13 11 7 6 4 4 4 4 came out -0.0478 instead of -0.00302 (mpmath)
  /// and d^2/dc^2 of -ln L -0.067 instead of +0.0288, so the fits' line searches failed in the valley
  /// toward the power-law boundary (alpha -> 0, c -> infinity).
  [[nodiscard]] static T polygamma_step(int k, T y, T a) noexcept {
    const auto poly = [k](T v) -> T {
      if (k == 0) return quiet_digamma(v);
      return boost::math::trigamma(v, quiet_math_policy());
    };
    if (!(a <= y / T(8))) return poly(y) - poly(y + a);
    const contract_gauss_rule& g = a <= y / T(100) ? contract_gauss4 : contract_gauss8;
    T sum = 0;
    for (int i = 0; i < g.n; ++i) {
      const T v = y + static_cast<T>(g.x[i]) * a;
      sum += static_cast<T>(g.w[i]) * (k == 0 ? boost::math::trigamma(v, quiet_math_policy()) : boost::math::polygamma(2, v, quiet_math_policy()));
    }
    return -a * sum;
  }
  /// y = beta + t^c from which the gradient and Hessian of ln S(t) take the expansions in 1/y (see
  /// log_survival_gradient): 1e20 max(1, alpha + beta) (float 1.8e16), where the terms left out are below 1e-32 of
  /// those kept (before, psi''(y) underflowed to 0 beyond y = 1e154 in double, and d^2 ln S/dc^2 came out
  /// -alpha (ln t)^2 instead of about alpha (ln t)^2 (alpha - 1 - 2 beta)/(2y)).
  [[nodiscard]] bool far_tail(T tc) const noexcept {
    // (float: 1.8e16, so that psi''(y) ~ 1/y^2 stays a normal number on the other side)
    const T big = std::min(T(1e20), std::sqrt(std::numeric_limits<T>::max()) / T(1000));
    return !contract_finite(tc) || beta + tc >= big * std::max(T(1), alpha + beta);
  }
  /// d ln S(t) / d(alpha, beta, c), with y = beta + x, x = t^c, L = ln t:
  ///   (psi(alpha+beta) - psi(y+alpha), [psi(y) - psi(y+alpha)] - [psi(beta) - psi(alpha+beta)],
  ///    [psi(y) - psi(y+alpha)] x L),
  /// the bracketed differences by polygamma_step. In the far tail (far_tail) from psi(v) = ln v -
  /// 1/(2v) + O(v^-2): psi(y) - psi(y+alpha) = -alpha/y + alpha (alpha-1)/(2y^2) + O(y^-3), so the c
  /// entry is -alpha L (1 - (2 beta + alpha - 1)/(2y)); where x overflows T (lx = c L), 1/y = 0,
  /// the c entry -alpha L / (1 + beta e^-lx) and psi(y+alpha) = lx + log1p(beta e^-lx) (before, NaN).
  [[nodiscard]] std::array<T, 3> log_survival_gradient(T t) const noexcept {
    if (t == T(0)) return {T(0), T(0), T(0)};
    const T tc = power(t), lt = std::log(t);
    const T db = polygamma_step(0, beta, alpha);  // psi(beta) - psi(alpha+beta)
    const T common = quiet_digamma(alpha + beta);
    if (!contract_finite(tc)) {
      const T lx = c * lt, q = beta * std::exp(-lx);
      return {common - (lx + std::log1p(q)), -db, -alpha * lt / (T(1) + q)};
    }
    const T y = beta + tc;
    if (far_tail(tc)) {
      const T iy = T(1) / y;
      return {common - quiet_digamma(y + alpha), -alpha * iy * (T(1) - (alpha - T(1)) * iy / T(2)) - db,
              -alpha * lt * (T(1) - (T(2) * beta + alpha - T(1)) * iy / T(2))};
    }
    const T dy = polygamma_step(0, y, alpha);
    return {common - quiet_digamma(y + alpha), dy - db, dy * tc * lt};
  }
  /// d^2 ln S(t) / d(alpha, beta, c)^2. With y = beta + x, x = t^c, L = ln t and psi' the trigamma:
  ///   aa = ab = psi'(alpha+beta) - psi'(y+alpha),
  ///   bb = [psi'(y) - psi'(y+alpha)] - [psi'(beta) - psi'(alpha+beta)],
  ///   ac = -psi'(y+alpha) x L,   bc = [psi'(y) - psi'(y+alpha)] x L,
  ///   cc = [psi'(y) - psi'(y+alpha)] (x L)^2 + [psi(y) - psi(y+alpha)] x L^2
  /// (the derivatives of log_survival_gradient; dx/dc = x L), the bracketed differences by
  /// polygamma_step. In the far tail, with psi'(v) = 1/v + 1/(2v^2) + O(v^-3) and x = y - beta:
  /// psi'(y) - psi'(y+alpha) = alpha/y^2 + O(y^-3), ac = -L x/(y+alpha) (1 + 1/(2(y+alpha))),
  /// bc = alpha L/y, cc = alpha L^2 (alpha - 1 - 2 beta)/(2y) (the two terms of cc, each about
  /// alpha L^2, cancel to that); where x overflows T, 1/y = 0 and ac = -L/(1 + beta e^-lx).
  [[nodiscard]] std::array<std::array<T, 3>, 3> log_survival_hessian(T t) const noexcept {
    std::array<std::array<T, 3>, 3> h{};
    if (t == T(0)) return h;
    const auto tri = [](T v) { return boost::math::trigamma(v, quiet_math_policy()); };
    const T tc = power(t), lt = std::log(t);
    const T common = tri(alpha + beta), db = polygamma_step(1, beta, alpha);  // psi'(beta) - psi'(alpha+beta)
    if (!contract_finite(tc)) {
      const T q = beta * std::exp(-c * lt);
      h[0][0] = h[0][1] = common;
      h[1][1] = -db;
      h[0][2] = -lt / (T(1) + q);
    } else if (far_tail(tc)) {
      const T y = beta + tc, iy = T(1) / y, ya = y + alpha;
      h[0][0] = h[0][1] = common - tri(ya);
      h[1][1] = alpha * iy * iy - db;
      h[0][2] = -lt * (tc / ya) * (T(1) + T(1) / (T(2) * ya));
      h[1][2] = alpha * lt * iy;
      h[2][2] = alpha * lt * lt * (alpha - T(1) - T(2) * beta) * iy / T(2);
    } else {
      const T y = beta + tc, xl = tc * lt;
      const T ya = tri(y + alpha), dy = polygamma_step(1, y, alpha);
      const T dpsi = polygamma_step(0, y, alpha);
      h[0][0] = h[0][1] = common - ya;
      h[1][1] = dy - db;
      h[0][2] = -ya * xl;
      h[1][2] = dy * xl;
      h[2][2] = dy * xl * xl + dpsi * xl * lt;
    }
    h[1][0] = h[0][1], h[2][0] = h[0][2], h[2][1] = h[1][2];
    return h;
  }
  /// sum_{j >= 0} S(first + j) / S(first - 1) z^j for first >= 1, 0 < z < 1. S decreases, so the
  /// tail after term j is at most term_j z / (1 - z); stops when that is below epsilon/2 of the sum.
  /// More than contract_max_terms terms (BdW: contract_lifetime_max_terms): not_converged.
  [[nodiscard]] result<T> residual_sum(count_t first, T z, const char* name) const noexcept {
    const T norm = log_gamma_ratio(beta);
    const T base = log_survival(static_cast<T>(first - 1), norm);
    T sum = 0;
    // sBG: S(t+1)/S(t) = (beta + t)/(alpha + beta + t), a recurrence instead of special functions.
    T term = retention(static_cast<T>(first));
    if (term != term) return step_overflowed(static_cast<T>(first), name);
    const count_t cap = c == T(1) ? contract_max_terms : contract_lifetime_max_terms;  // BdW: a special function per term
    for (count_t j = 0; j < cap; ++j) {
      sum += term;
      if (sum != sum) return overflowed(name);
      if (term * z / (T(1) - z) <= std::numeric_limits<T>::epsilon() / T(2) * sum) return sum;
      const T t = static_cast<T>(first + j);
      if (c == T(1))
        term *= z * (beta + t) / (alpha + beta + t);
      else
        term = std::exp(log_survival(t + T(1), norm) - base + static_cast<T>(j + 1) * std::log(z));
    }
    return error_info{errc::not_converged, name, "discount_rate",
                      c == T(1) ? "the discounted sum needs more than 1e7 periods (discount rate too small)"
                                : "the discounted sum needs more than 1e6 periods (discount rate too small)"};
  }
  [[nodiscard]] static error_info check_discount(T d, const char* name) noexcept {
    if (!contract_finite(d)) return {errc::not_finite, name, "discount_rate"};
    if (!(d > T(0))) return {errc::out_of_range, name, "discount_rate", "must be > 0 (without discounting use expected_lifetime)"};
    return {};
  }

  [[nodiscard]] result<T> survival(count_t t, const char* name) const noexcept {
    if (auto e = check(name)) return e;
    if (t < 0) return error_info{errc::negative, name, "period"};
    const T v = std::exp(log_survival(static_cast<T>(t)));
    if (v != v) return overflowed(name);
    return v;
  }
  [[nodiscard]] result<T> churn_probability(count_t t, const char* name) const noexcept {
    if (auto e = check(name)) return e;
    if (t < 1) return error_info{errc::out_of_range, name, "period", "must be >= 1"};
    // S(t-1) (1 - r(t)): the difference S(t-1) - S(t) of two logarithms lost all digits of small
    // churn probabilities (0 for 1e-300 at alpha = 1e-300; 2 % off at t = 1e12, alpha = 1e-3)
    const T p = std::exp(log_survival(static_cast<T>(t - 1))) * churn_hazard(static_cast<T>(t));
    if (p != p) return step_overflowed(static_cast<T>(t), name);
    return p;
  }
  [[nodiscard]] result<T> retention_rate(count_t t, const char* name) const noexcept {
    if (auto e = check(name)) return e;
    if (t < 1) return error_info{errc::out_of_range, name, "period", "must be >= 1"};
    const T r = retention(static_cast<T>(t));
    if (r != r) return step_overflowed(static_cast<T>(t), name);
    return r;
  }
  [[nodiscard]] result<std::vector<T>> survival_curve(count_t periods, const char* name) const {
    if (auto e = check(name)) return e;
    if (periods < 0) return error_info{errc::negative, name, "periods"};
    if (periods > contract_max_terms) return error_info{errc::out_of_range, name, "periods", "at most 1e7 periods"};
    std::vector<T> out(static_cast<std::size_t>(periods) + 1);
    const T norm = log_gamma_ratio(beta);
    for (std::size_t t = 0; t < out.size(); ++t) {
      out[t] = std::exp(log_survival(static_cast<T>(t), norm));
      if (out[t] != out[t]) return overflowed(name);
    }
    return out;
  }
  [[nodiscard]] result<std::vector<T>> retention_curve(count_t periods, const char* name) const {
    if (auto e = check(name)) return e;
    if (periods < 1) return error_info{errc::out_of_range, name, "periods", "must be >= 1"};
    if (periods > contract_max_terms) return error_info{errc::out_of_range, name, "periods", "at most 1e7 periods"};
    std::vector<T> out(static_cast<std::size_t>(periods));
    for (std::size_t t = 1; t <= out.size(); ++t) {
      out[t - 1] = retention(static_cast<T>(t));
      if (out[t - 1] != out[t - 1]) return step_overflowed(static_cast<T>(t), name);
    }
    return out;
  }
  /// E[T] = sum_{t >= 0} S(t). sBG: (alpha + beta - 1)/(alpha - 1). BdW (finite iff c alpha > 1):
  ///  1. S(0) + ... + S(K-1), K = contract_lifetime_head, stopping early where the proven tail bound
  ///     S(u) <= G(alpha+beta)/G(beta) f (u^c)^-alpha (from (1-theta)^(y-1) <= e^(-theta (y-1));
  ///     f = 1 for beta >= 1, else (1 - (1 - beta)/u^c)^-alpha), so sum_{t > k} S(t) <= int_k^inf S <=
  ///     G(alpha+beta)/G(beta) f k^(1 - c alpha) / (c alpha - 1), is below half an ulp of the sum;
  ///  2. otherwise the rest, sum_{t >= K} S(t), by Gregory's form of the Euler-Maclaurin formula
  ///     (forward differences instead of derivatives; 1/ln(1+D) - 1/D expanded):
  ///       int_K^inf S(u) du + S(K)/2 - D S(K)/12 + D^2 S(K)/24 - 19 D^3 S(K)/720 + ... (7 differences),
  ///     D S(K) = S(K+1) - S(K); S is smooth in u and varies on the scale of u (d ln S / d ln u between
  ///     -c alpha and 0), so at K = 1024 the differences fall by about c alpha / K each;
  ///     the integral over lu = ln u, where it falls as e^(-(c alpha - 1) lu), by double-exponential
  ///     (tanh-sinh / exp-sinh) trapezoid rules split at the peak of u S(u) (u^c = (beta + (alpha -
  ///     1)/2)/(c alpha - 1)), step halved until two steps agree, cut where the proven bound above
  ///     leaves less than 1e-3 of the tolerance. The error (of the end correction: for c <= 1 the
  ///     proven bound of detail::gregory_end_correction, S being completely monotone, else its last
  ///     term; the last change of the quadrature; the bound beyond the cut) must be below
  ///     max(1e-13, 64 eps) of the sum, else
  ///     not_converged. At most K + 8 + 2 x 8 x 1024 special-function evaluations (step down to 2^-10).
  /// (Before: the direct sum only, until the proven bound fell below 1e-10 of it, within 1e6 terms:
  /// not_converged wherever the tail fell slowly, e.g. at (0.7, 1.2, 3), c alpha = 2.1, E[T] = 2.19438.)
  [[nodiscard]] result<T> expected_lifetime(const char* name) const noexcept {
    if (auto e = check(name)) return e;
    if (c == T(1)) {
      if (!(alpha > T(1))) return error_info{errc::out_of_range, name, "alpha", "the expected lifetime is infinite unless alpha > 1"};
      const T v = (alpha + beta - T(1)) / (alpha - T(1));
      if (!contract_finite(v)) return error_info{errc::not_finite, name, "result"};
      return v;
    }
    const T ca = c * alpha;
    if (!(ca > T(1))) return error_info{errc::out_of_range, name, "alpha", "the expected lifetime is infinite unless c * alpha > 1"};
    const T rate = std::fma(c, alpha, T(-1));  // c alpha - 1 with one rounding
    const T log_scale = quiet_lgamma(alpha + beta) - quiet_lgamma(beta);
    const T norm = log_gamma_ratio(beta);
    const T tol = std::max(T(1e-13), T(64) * std::numeric_limits<T>::epsilon());
    // ln of the proven bound on int_U^inf S(u) du, U = e^lu >= 1 with U^c > 1 - beta (else +inf)
    const auto log_tail_bound = [&](T lu) -> T {
      const T lx = c * lu;
      T f = T(0);
      if (beta < T(1)) {
        const T q = (T(1) - beta) * std::exp(-lx);
        if (!(q < T(1))) return std::numeric_limits<T>::infinity();
        f = -alpha * std::log1p(-q);
      }
      return log_scale + f - rate * lu - std::log(rate);
    };
    T sum = 0;
    for (count_t k = 0; k < contract_lifetime_head; ++k) {
      const T K = static_cast<T>(k);
      sum += std::exp(log_survival(K, norm));
      if (k >= 1 && log_tail_bound(std::log(K)) <= std::log(std::numeric_limits<T>::epsilon() / T(2) * sum)) return sum;
    }
    if (!contract_finite(sum)) return overflowed(name);
    // Gregory's end correction at K from S(K-1), ..., S(K+7); S within 64 eps of itself (its tested
    // accuracy: 1e-14 of mpmath, docs/models.md)
    constexpr count_t K = contract_lifetime_head;
    std::array<T, 9> values{};
    for (count_t i = 0; i < 9; ++i) values[static_cast<std::size_t>(i)] = std::exp(log_survival(static_cast<T>(K - 1 + i), norm));
    const gregory_tail<T> gregory = gregory_end_correction(values, T(64) * std::numeric_limits<T>::epsilon());
    const T correction = gregory.correction;
    // c <= 1: S is completely monotone (a mixture of exp(-lambda u^c)), the bound is proven
    const T gregory_error = c <= T(1) ? gregory.monotone_bound : std::abs(gregory.last_term);
    // int_K^inf S(u) du = int_{ln K}^inf e^(lu + ln S(e^lu)) dlu, scaled by e^-peak.
    const T lo = std::log(static_cast<T>(K));
    const T x_peak = (beta + (alpha - T(1)) / T(2)) / rate;
    const T split = x_peak > T(0) ? std::max(lo, std::log(x_peak) / c) : lo;
    if (!contract_finite(split)) return error_info{errc::not_converged, name, "c", "c * alpha is too close to 1 for the tail integral"};
    // ln (u S(u)) at u = e^lu; where u^c overflows T, -(c alpha - 1) lu - alpha log1p(beta/u^c) - norm
    // (log_survival_beyond with the rate of one rounding: lu - alpha c lu would lose eps lu, 1e-7 at
    // c alpha - 1 = 1e-9, where the mass lies near lu = 1e9)
    const auto log_mass = [&](T lu) -> T {
      const T lx = c * lu;
      const T x = std::exp(lx);
      if (contract_finite(x)) return lu + log_beta_step(beta, x, norm);
      if (!(alpha <= T(contract_stirling_alpha_max))) return -std::numeric_limits<T>::infinity();
      return -rate * lu - alpha * std::log1p(beta * std::exp(-lx)) - norm;
    };
    const T peak = log_mass(split);
    if (!(peak > -std::numeric_limits<T>::infinity())) return sum + correction;  // S(u) = 0 in T beyond K
    const auto integrand = [&](T lu) { return std::exp(log_mass(lu) - peak); };
    // where the bound beyond the cut is below tol/1000 of the sum: lu_hi
    const T log_budget = std::log(tol / T(1000) * sum);
    T hi = std::max(split + T(1), (log_scale + std::log(T(1) / rate) - log_budget) / rate);
    while (log_tail_bound(hi) > log_budget && hi < std::numeric_limits<T>::max() / T(4)) hi *= T(2);
    if (!contract_finite(hi) || !(log_tail_bound(hi) <= log_budget))
      return error_info{errc::not_converged, name, "c", "c * alpha is too close to 1 for the tail integral"};
    constexpr T half_pi = static_cast<T>(1.57079632679489661923132169163975144L);
    // Trapezoid sums over tau in [-tau_lo, tau_hi], step 2^-level: exp-sinh on [split, inf) (v = split +
    // e^(pi/2 sinh tau)) and, when split > lo, tanh-sinh on [lo, split].
    const T tau_hi = std::asinh(std::log(hi - split) / half_pi);
    const T tau_lo = T(4);
    const T tau_ts = T(3.6);  // tanh-sinh: 1 - tanh(pi/2 sinh 3.6) < 1e-19
    const bool left = split > lo;
    const auto node = [&](T tau) -> T {
      const T s = half_pi * std::sinh(tau), w = half_pi * std::cosh(tau);
      T v = T(0);
      if (tau >= -tau_lo && tau <= tau_hi) {
        const T e = std::exp(s);
        v += integrand(split + e) * e * w;
      }
      if (left && tau >= -tau_ts && tau <= tau_ts) {
        const T half = (split - lo) / T(2), ch = std::cosh(s);
        v += integrand(lo + half + half * std::tanh(s)) * half * w / (ch * ch);
      }
      return v;
    };
    const T tau_max = std::max(tau_hi, left ? tau_ts : T(0)), tau_min = std::max(tau_lo, left ? tau_ts : T(0));
    T h = T(1), total = T(0);
    for (T tau = T(0); tau <= tau_max; tau += h) total += node(tau);
    for (T tau = -h; tau >= -tau_min; tau -= h) total += node(tau);
    T integral = total * h, change = std::numeric_limits<T>::infinity();
    for (int level = 1; level <= 10; ++level) {
      h /= T(2);
      for (T tau = h; tau <= tau_max; tau += T(2) * h) total += node(tau);
      for (T tau = -h; tau >= -tau_min; tau -= T(2) * h) total += node(tau);
      const T next = total * h;
      change = std::abs(next - integral);
      integral = next;
      if (level >= 3 && change * std::exp(peak) <= tol / T(4) * (sum + integral * std::exp(peak))) break;
    }
    const T tail = integral * std::exp(peak);
    const T value = sum + tail + correction;
    if (!contract_finite(value) || !contract_finite(tail)) return overflowed(name);
    const T estimate = change * std::exp(peak) + gregory_error + std::exp(log_tail_bound(hi));
    if (!(estimate <= tol * value))
      return error_info{errc::not_converged, name, "c",
                        "the tail of the lifetime sum (integral and end correction) did not reach its tolerance"};
    return value;
  }
  /// sum_{t=0}^{H-1} S(t): expected periods of a new customer within the first H periods.
  [[nodiscard]] result<T> expected_lifetime(count_t horizon, const char* name) const noexcept {
    if (auto e = check(name)) return e;
    if (horizon < 0) return error_info{errc::negative, name, "horizon"};
    if (horizon > contract_max_terms) return error_info{errc::out_of_range, name, "horizon", "at most 1e7 periods"};
    T sum = 0;
    const T norm = log_gamma_ratio(beta);
    for (count_t t = 0; t < horizon; ++t) sum += std::exp(log_survival(static_cast<T>(t), norm));
    if (sum != sum) return overflowed(name);
    return sum;
  }
  /// DEL(d) = sum_{t >= 0} S(t) / (1+d)^t = 1 + DERL(d | 0 renewals) / (1+d).
  [[nodiscard]] result<T> discounted_expected_lifetime(T d, const char* name) const noexcept {
    if (auto e = check(name)) return e;
    if (auto e = check_discount(d, name)) return e;
    const T z = T(1) / (T(1) + d);
    const result<T> s = residual_sum(1, z, name);
    if (!s) return s;
    return T(1) + z * *s;
  }
  /// DERL(d | n-1 renewals) = sum_{t >= n} S(t)/S(n-1) / (1+d)^(t-n), n = renewals + 1.
  [[nodiscard]] result<T> discounted_expected_residual_lifetime(count_t renewals, T d, const char* name) const noexcept {
    if (auto e = check(name)) return e;
    if (renewals < 0) return error_info{errc::negative, name, "renewals"};
    // the sum runs over periods renewals + 1 .. renewals + 1 + 1e7 (count_t arithmetic; at 2^63 - 1 it overflowed)
    if (renewals > std::numeric_limits<count_t>::max() - 2 * contract_max_terms)
      return error_info{errc::out_of_range, name, "renewals", "at most 2^63 - 1 - 2e7"};
    if (auto e = check_discount(d, name)) return e;
    if (log_survival(static_cast<T>(renewals)) == -std::numeric_limits<T>::infinity())
      return error_info{errc::out_of_range, name, "renewals", "nobody survives that many renewals in type T"};
    return residual_sum(renewals + 1, T(1) / (T(1) + d), name);
  }
  [[nodiscard]] result<T> residual_lifetime_value(count_t renewals, T d, T margin, const char* name) const noexcept {
    if (!contract_finite(margin)) return error_info{errc::not_finite, name, "margin"};
    if (margin < T(0)) return error_info{errc::negative, name, "margin"};
    const result<T> derl = discounted_expected_residual_lifetime(renewals, d, name);
    if (!derl) return derl;
    const T v = margin * *derl;
    if (!contract_finite(v)) return error_info{errc::not_finite, name, "result"};
    return v;
  }
};

/// Survivor counts of all cohorts summed per period: churned[t] customers had t as their last
/// period (t >= 1), censored[k] were still active at their cohort's last observed period k.
template <std::floating_point T>
struct contract_counts {
  std::vector<T> churned, censored;
  T customers = 0;
  count_t periods = 0;  ///< the longest observation (largest k)
};

/// Validates cohorts of survivor counts and tallies them (see contract_counts).
template <std::floating_point T>
[[nodiscard]] result<contract_counts<T>> tally_cohorts(std::span<const std::vector<count_t>> cohorts, const char* name) {
  if (cohorts.empty()) return error_info{errc::empty_input, name, "cohorts"};
  contract_counts<T> out;
  for (const std::vector<count_t>& n : cohorts) {
    if (n.empty()) return error_info{errc::empty_input, name, "survivors", "a cohort needs its size at period 0"};
    for (const count_t v : n)
      if (v < 0) return error_info{errc::negative, name, "survivors"};
    if (n.front() == 0) return error_info{errc::empty_input, name, "survivors", "a cohort must start with at least one customer"};
    for (std::size_t t = 1; t < n.size(); ++t)
      if (n[t] > n[t - 1]) return error_info{errc::part_exceeds_whole, name, "survivors", "must not increase from one period to the next"};
    if (n.size() - 1 > static_cast<std::size_t>(contract_max_terms)) return error_info{errc::out_of_range, name, "survivors", "at most 1e7 periods"};
    out.periods = std::max(out.periods, static_cast<count_t>(n.size() - 1));
  }
  const std::size_t width = static_cast<std::size_t>(out.periods) + 1;
  out.churned.assign(width, T(0));
  out.censored.assign(width, T(0));
  for (const std::vector<count_t>& n : cohorts) {
    out.customers += static_cast<T>(n.front());
    for (std::size_t t = 1; t < n.size(); ++t) out.churned[t] += static_cast<T>(n[t - 1] - n[t]);
    out.censored[n.size() - 1] += static_cast<T>(n.back());
  }
  return out;
}

/// ln r(t) = ln S(t) - ln S(t-1) given both logarithms: their difference, or where it would lose
/// digits (|ln S(t)| > 2 |ln r(t)|: the difference cancels to eps |ln S(t)| / |ln r(t)| of ln r, and
/// ln P(T = t) = ln S(t-1) + ln(1 - r) then to eps |ln S(t)| / (1 - r) nats) contract_core::log_retention,
/// which takes the step without a difference. (Before, always the difference: BdW(2e-4, 1e-3, 0.06),
/// one customer churning at t = 1000: ln L 4.1e-9 nats off.)
template <std::floating_point T>
[[nodiscard]] T contract_log_retention(const contract_core<T>& m, std::size_t t, T ls_prev, T ls) noexcept {
  const T diff = ls - ls_prev;
  if (!contract_finite(ls) || !contract_finite(ls_prev) || !(std::abs(ls) > T(2) * std::abs(diff))) return diff;
  const T step = m.log_retention(static_cast<T>(t));
  return contract_finite(step) && step <= T(0) ? step : diff;
}

/// -ln L and its gradient in (alpha, beta, c):
/// ln L = sum_t churned[t] ln (S(t-1) - S(t)) + sum_k censored[k] ln S(k),
/// ln (S(t-1) - S(t)) = ln S(t-1) + ln(1 - r(t)) with ln r(t) from contract_log_retention.
template <std::floating_point T>
[[nodiscard]] double contract_nll(const contract_counts<T>& d, const contract_core<T>& m, std::array<double, 3>& grad,
                                  std::vector<T>& ls, std::vector<std::array<T, 3>>& dls) {
  const std::size_t width = d.churned.size();
  ls.resize(width), dls.resize(width);
  for (std::size_t t = 0; t < width; ++t) {
    ls[t] = m.log_survival(static_cast<T>(t));
    dls[t] = m.log_survival_gradient(static_cast<T>(t));
  }
  T ll = 0;
  std::array<T, 3> g{};
  for (std::size_t t = 0; t < width; ++t) {
    if (d.censored[t] > T(0)) {
      ll += d.censored[t] * ls[t];
      for (std::size_t i = 0; i < 3; ++i) g[i] += d.censored[t] * dls[t][i];
    }
    if (t == 0 || !(d.churned[t] > T(0))) continue;
    if (ls[t - 1] == -std::numeric_limits<T>::infinity()) {
      ll = ls[t - 1];
      continue;
    }
    const T lr = contract_log_retention(m, t, ls[t - 1], ls[t]);
    const T q = -std::expm1(lr);  // 1 - r(t)
    ll += d.churned[t] * (ls[t - 1] + std::log(q));
    // d ln(S(t-1) - S(t)) = (dls(t-1) - r dls(t)) / (1 - r) = dls(t) + (dls(t-1) - dls(t)) / (1 - r)
    for (std::size_t i = 0; i < 3; ++i) g[i] += d.churned[t] * (dls[t][i] + (dls[t - 1][i] - dls[t][i]) / q);
  }
  for (std::size_t i = 0; i < 3; ++i) grad[i] = -static_cast<double>(g[i]);
  const double v = -static_cast<double>(ll);
  return v == v ? v : std::numeric_limits<double>::infinity();
}

/// The Hessian of -ln L in (alpha, beta, c), analytic (the fits' standard errors and their
/// positive-definite test; central differences of the gradient missed the near-singular alpha-beta
/// block of a fit near the ridge at infinity by factors of 4 with the step). With g_t, H_t the
/// gradient and Hessian of ln S(t) (contract_core::log_survival_gradient, log_survival_hessian) and
/// r = r(t):
///   censored at k:  H_k;
///   churned at t:   d^2 ln(S(t-1) - S(t)) = H_t + (H_{t-1} - H_t)/(1 - r) - r/(1 - r)^2 (g_{t-1} - g_t)(g_{t-1} - g_t)^T
/// (from d^2 P / P - (dP/P)(dP/P)^T with P = S(t-1) - S(t), dP = S(t-1) g_{t-1} - S(t) g_t).
template <std::floating_point T>
[[nodiscard]] mat<3> contract_nll_hessian(const contract_counts<T>& d, const contract_core<T>& m) {
  const std::size_t width = d.churned.size();
  std::vector<T> ls(width);
  std::vector<std::array<T, 3>> dls(width);
  std::vector<std::array<std::array<T, 3>, 3>> hls(width);
  for (std::size_t t = 0; t < width; ++t) {
    ls[t] = m.log_survival(static_cast<T>(t));
    dls[t] = m.log_survival_gradient(static_cast<T>(t));
    hls[t] = m.log_survival_hessian(static_cast<T>(t));
  }
  std::array<std::array<T, 3>, 3> h{};
  for (std::size_t t = 1; t < width; ++t) {
    if (d.censored[t] > T(0))
      for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) h[i][j] += d.censored[t] * hls[t][i][j];
    if (!(d.churned[t] > T(0))) continue;
    const T lr = contract_log_retention(m, t, ls[t - 1], ls[t]);
    const T q = -std::expm1(lr), r = std::exp(lr);
    std::array<T, 3> dg{};
    for (std::size_t i = 0; i < 3; ++i) dg[i] = dls[t - 1][i] - dls[t][i];
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        h[i][j] += d.churned[t] * (hls[t][i][j] + (hls[t - 1][i][j] - hls[t][i][j]) / q - r / (q * q) * dg[i] * dg[j]);
  }
  mat<3> out{};
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) out[i][j] = -static_cast<double>(h[i][j]);
  return out;
}

/// The objective of fit_positive for N = 2 (sBG, c = 1) or N = 3 (BdW) parameters: -ln L and its
/// gradient, and its analytic Hessian (fit_positive's objective_hessian).
template <std::floating_point T, std::size_t N>
struct contract_objective {
  const contract_counts<T>* data;
  std::vector<T>* ls;
  std::vector<std::array<T, 3>>* dls;
  [[nodiscard]] contract_core<T> model(const vec<N>& th) const noexcept {
    return {static_cast<T>(th[0]), static_cast<T>(th[1]), N == 3 ? static_cast<T>(th[N - 1]) : T(1)};
  }
  double operator()(const vec<N>& th, vec<N>& grad) const {
    std::array<double, 3> g{};
    const double v = contract_nll<T>(*data, model(th), g, *ls, *dls);
    for (std::size_t i = 0; i < N; ++i) grad[i] = g[i];
    return v;
  }
  [[nodiscard]] mat<N> hessian(const vec<N>& th) const {
    const mat<3> h = contract_nll_hessian<T>(*data, model(th));
    mat<N> out{};
    for (std::size_t i = 0; i < N; ++i)
      for (std::size_t j = 0; j < N; ++j) out[i][j] = h[i][j];
    return out;
  }
};

/// alpha + beta from which a converged sBG or BdW fit is compared with the homogeneous-churn ridge at
/// infinity (Beta(alpha, beta) has a standard deviation below 10 % of sqrt(theta (1-theta)) there: the
/// fit is on its way to the ridge; see fit_contract_parameters).
inline constexpr double contract_ridge_check_scale = 1e2;
/// alpha + beta beyond which a failed sBG or BdW fit counts as far along that ridge (standard deviation
/// below 3 % of sqrt(theta (1-theta))); also where a restart from the ridge's direction begins.
inline constexpr double contract_ridge_scale = 1e3;

/// c from which a converged BdW fit is also compared with the homogeneous-churn ridge: the valley
/// toward alpha -> 0, c -> infinity (S(t) near a power of t) can hold a local maximum below the
/// ridge's supremum (13 11 6 5 5 4 3 1: BdW(0.105, 0.575, 8.56), ln L -26.57837, where the discrete
/// Weibull reaches -26.50787; the fit used to fail in the valley and name the ridge, see
/// contract_core::polygamma_step). t^c over 7 periods spans 7^4 = 2401 there.
inline constexpr double contract_valley_check_shape = 4.0;

/// The model nested at the boundary alpha, beta -> infinity with alpha/(alpha+beta) -> theta: every
/// customer churns with the same probability theta, and survives t periods with probability
/// S(t) = (1-theta)^(t^c) (the discrete Weibull; c = 1, the geometric, for sBG). Its maximum-likelihood
/// theta and c, their standard errors, ln L and the heterogeneity score at the maximum.
struct homogeneous_churn_fit {
  double theta = 0.0, c = 1.0;
  double theta_se = 0.0, c_se = 0.0;  ///< c_se = 0 for the geometric (c fixed)
  double log_likelihood = 0.0;
  double heterogeneity_score = 0.0;  ///< d ln L_full / d e at e = 0, e = 1/(alpha+beta+1) (see churn_heterogeneity_score)
  int parameters = 1;                ///< 1: geometric; 2: discrete Weibull
  convergence report{};              ///< the discrete Weibull's optimizer report (the geometric: closed form, converged)
  /// The inverse Hessian of -ln L at the maximum (boundary_report::nested_covariance): theta's 1 x 1 for the
  /// geometric, (theta, c) for the discrete Weibull; its diagonal's square roots are the SEs above.
  parameter_covariance covariance{};
};

/// -ln L of the discrete Weibull S(t) = exp(-lambda t^c), lambda = -ln(1-theta) > 0, and its gradient
/// in (lambda, c). With A = (t-1)^c, B = t^c, D = B - A = (t-1)^c expm1(c log1p(1/(t-1))) (D = 1 at
/// t = 1, without cancellation):
///   churned at t: ln L = -lambda A + ln(-expm1(-lambda D)),
///                 d/dlambda = -A + D / expm1(lambda D),
///                 d/dc = -lambda A ln(t-1) + lambda (B ln t - A ln(t-1)) / expm1(lambda D);
///   censored at k: ln L = -lambda B, d/dlambda = -B, d/dc = -lambda B ln k.
template <std::floating_point T>
[[nodiscard]] double discrete_weibull_nll(const contract_counts<T>& d, T lambda, T c, std::array<double, 2>& grad) {
  T ll = 0, gl = 0, gc = 0;
  for (std::size_t i = 1; i < d.churned.size(); ++i) {
    const T t = static_cast<T>(i), lt = std::log(t);
    const T B = c == T(1) ? t : std::pow(t, c);
    if (d.censored[i] > T(0)) {
      ll -= d.censored[i] * lambda * B;
      gl -= d.censored[i] * B;
      gc -= d.censored[i] * lambda * B * lt;
    }
    if (!(d.churned[i] > T(0))) continue;
    T A = 0, lt1 = 0, D = 1;
    if (i >= 2) {
      lt1 = std::log(t - T(1));
      A = c == T(1) ? t - T(1) : std::pow(t - T(1), c);
      D = c == T(1) ? T(1) : A * std::expm1(c * std::log1p(T(1) / (t - T(1))));
    }
    const T e = std::expm1(lambda * D);
    ll += d.churned[i] * (-lambda * A + std::log(-std::expm1(-lambda * D)));
    gl += d.churned[i] * (-A + D / e);
    gc += d.churned[i] * (-lambda * A * lt1 + lambda * (B * lt - A * lt1) / e);
  }
  grad = {-static_cast<double>(gl), -static_cast<double>(gc)};
  const double v = -static_cast<double>(ll);
  return v == v ? v : std::numeric_limits<double>::infinity();
}

/// The heterogeneity score of a homogeneous-churn model at (theta, c): the derivative of the full
/// model's ln L (sBG, BdW with the same c) at the ridge in the direction that lets theta vary, per unit
/// of e = 1/(alpha+beta+1). With theta ~ Beta(alpha, beta), Var theta = theta (1-theta) e and the
/// higher central moments O(e^2), E[L_i(theta)] = L_i(theta) + L_i''(theta) Var theta / 2 + O(e^2), so
///   S = sum_i w_i theta (1-theta)/2 L_i''(theta) / L_i(theta),
/// with u = 1-theta, A = (t-1)^c, B = t^c, D = B - A:
///   churned at t: L = u^A - u^B,  L''/L = [A(A-1) - B(B-1) u^D] / (u^2 (1 - u^D));
///   censored at k: L = u^B,       L''/L = B(B-1) / u^2.
/// (sBG, c = 1: churned at t contributes (t-1)(theta t - 2)/(2u), censored at k theta k(k-1)/(2u).)
/// S <= 0: the ridge is a local maximum of the full model's likelihood; S > 0: some heterogeneity
/// raises it, so the full model has a better interior point. Unit: nats per unit of e.
template <std::floating_point T>
[[nodiscard]] double churn_heterogeneity_score(const contract_counts<T>& d, T theta, T c) {
  const T u = T(1) - theta, lambda = -std::log1p(-theta);
  T sum = 0;
  for (std::size_t i = 1; i < d.churned.size(); ++i) {
    const T t = static_cast<T>(i);
    const T B = c == T(1) ? t : std::pow(t, c);
    if (d.censored[i] > T(0)) sum += d.censored[i] * theta * B * (B - T(1)) / (T(2) * u);
    if (!(d.churned[i] > T(0))) continue;
    T A = 0, D = 1;
    if (i >= 2) {
      A = c == T(1) ? t - T(1) : std::pow(t - T(1), c);
      D = c == T(1) ? T(1) : A * std::expm1(c * std::log1p(T(1) / (t - T(1))));
    }
    const T uD = std::exp(-lambda * D), rest = -std::expm1(-lambda * D);
    sum += d.churned[i] * theta / (T(2) * u) * (A * (A - T(1)) - B * (B - T(1)) * uD) / rest;
  }
  return static_cast<double>(sum);
}

/// The homogeneous-churn fit nested in sBG (Weibull = false: the geometric, closed form) or BdW (the
/// discrete Weibull, by fit_positive over (lambda, c)).
/// Geometric: ln L = D ln theta + (E - D) ln(1-theta), D = the customers who churned, E = the periods
/// at risk (sum of t over those who churned at t and of k over those still active at their cohort's
/// last period k); theta = D / E, and the observed information D/theta^2 + (E-D)/(1-theta)^2 = E /
/// (theta (1-theta)) at the maximum gives SE = sqrt(theta (1-theta) / E).
/// Discrete Weibull: theta = -expm1(-lambda), SE(theta) = (1-theta) SE(lambda) (delta method, and so the
/// covariance: d theta / d lambda = 1 - theta), started
/// from the geometric theta and c = 1. Errors: the discrete Weibull fit's (not_converged, not_identifiable).
template <std::floating_point T, bool Weibull>
[[nodiscard]] result<homogeneous_churn_fit> fit_homogeneous_churn(const contract_counts<T>& d, const fit_options& opt,
                                                                  const char* name) {
  T D = 0, E = 0;
  for (std::size_t i = 1; i < d.churned.size(); ++i) {
    D += d.churned[i];
    E += static_cast<T>(i) * (d.churned[i] + d.censored[i]);
  }
  homogeneous_churn_fit out;
  const T theta = D / E;
  out.theta = static_cast<double>(theta);
  out.theta_se = static_cast<double>(std::sqrt(theta * (T(1) - theta) / E));
  out.log_likelihood = static_cast<double>(D * std::log(theta) + (E - D) * std::log1p(-theta));
  out.covariance.size = 1;
  out.covariance.values[0][0] = static_cast<double>(theta * (T(1) - theta) / E);
  out.report.converged = true;
  out.report.reason = stop_reason::gradient_small;
  if constexpr (Weibull) {
    const auto nll = [&d](const vec<2>& th, vec<2>& g) {
      std::array<double, 2> gg{};
      const double v = discrete_weibull_nll<T>(d, static_cast<T>(th[0]), static_cast<T>(th[1]), gg);
      g = {gg[0], gg[1]};
      return v;
    };
    const result<positive_fit<2>> f = fit_positive<2>(nll, {-std::log1p(-out.theta), 1.0}, static_cast<double>(d.customers), opt, name);
    if (!f) return f.error();
    const double lambda = f->theta[0];
    out.theta = -std::expm1(-lambda);
    out.c = f->theta[1];
    out.theta_se = (1.0 - out.theta) * f->standard_errors[0];
    out.c_se = f->standard_errors[1];
    out.covariance = to_parameter_covariance<2>(f->covariance, {1.0 - out.theta, 1.0});  // (theta, c)
    out.log_likelihood = f->log_likelihood;
    out.parameters = 2;
    out.report = f->report;
  }
  out.heterogeneity_score = churn_heterogeneity_score<T>(d, static_cast<T>(out.theta), static_cast<T>(out.c));
  return out;
}

/// The model nested in BdW at alpha -> 0, c -> infinity with alpha c -> k: power-law survival
/// S(t) = min(1, (tau/t)^k), t >= 1 (the discrete Pareto). Derivation: ln S(t) = ln [G(y)/G(y+alpha)] -
/// ln [G(beta)/G(beta+alpha)], y = beta + t^c. With beta = m alpha (tau^k = m/(1+m) < 1): for t >= 2,
/// t^c = t^(k/alpha) outgrows every power of 1/alpha, the first ratio is -alpha ln t^c = -k ln t up to
/// terms below alpha t^-c, and the second is ln(m/(1+m)) - gamma alpha + O(alpha^2) (Euler's gamma,
/// from ln G(1+x) = -gamma x + O(x^2)); at t = 1 the first is +gamma alpha + O(alpha^2). So
///   ln S(1) = ln tau^k + O(alpha^2),  ln S(t) = ln tau^k - k ln t - gamma alpha + O(alpha^2), t >= 2.
/// With beta = tau^c -> infinity instead (tau >= 1), ln S(t) = -alpha ln(1 + (t/tau)^c) up to terms
/// below alpha/beta: 0 for t < tau, -k ln(t/tau) beyond, both within e^(-const/alpha) of the limit.
/// Fit: m the first period with churn, N those at risk there, n_m of them churning at m; tau in
/// [m-1, m) (S = 1 before m; for m = 1 tau in (0, 1)): S(t) = v (m/t)^k for t >= m, and ln L separates,
///   n_m ln(1 - v) + (N - n_m) ln v + sum_{t > m} n_t ln((m/(t-1))^k - (m/t)^k) - sum_{K > m} a_K k ln(K/m)
/// (a_K those still active at their cohort's last period K), so v = (N - n_m)/N, SE sqrt(v(1-v)/N), and
/// k maximises the rest, concave in k (ln(e^(k la) - e^(k lb)) is); tau = m v^(1/k). Where that tau is
/// below m - 1 the maximum over [m-1, m) is at tau = m - 1 = j (nobody churned up to m - 1, and for
/// tau < j the likelihood rises with tau): S(t) = (j/t)^k, k maximising
///   sum_{t >= m} n_t ln(min(1, (j/(t-1))^k) - (j/t)^k) - sum_{K >= m} a_K k ln(K/j),
/// tau's SE 0. The heterogeneity score (tau < 1) from the expansion: gamma [n_2 2^-k/(1 - 2^-k) -
/// sum_{t >= 3} n_t - sum_{K >= 2} a_K]; 0 for tau >= 1.
/// The covariance of crm::power_law_survival's (k, tau): v and k are uncorrelated (ln L separates), so
/// Var tau = tau_se^2, Cov(k, tau) = (d tau / d k) k_se^2 = -tau ln(v)/k^2 k_se^2; none (size 0) where tau
/// sits at the kink j (its SE 0: the likelihood is not differentiable in tau there).
struct power_law_fit {
  double tau = 0.0, k = 0.0, tau_se = 0.0, k_se = 0.0;
  parameter_covariance covariance{};  ///< (k, tau); size 0 at the kink
  double churn_first = 0.0, churn_first_se = 0.0;  ///< 1 - S(1) = 1 - min(1, tau^k), the share churning at period 1
  double log_likelihood = 0.0;
  double heterogeneity_score = 0.0;  ///< d ln L / d alpha at the limit (tau < 1), 0 for tau >= 1
};

/// The power-law model's maximum (see power_law_fit). Errors (not_identifiable, naming `name`): its
/// likelihood has no maximum at a finite k > 0 (everybody at risk churning at the first period with
/// churn, or no churn nor survival beyond it).
template <std::floating_point T>
[[nodiscard]] result<power_law_fit> fit_power_law_survival(const contract_counts<T>& d, const char* name) {
  const std::size_t width = d.churned.size();
  std::size_t m = 1;
  while (m < width && !(d.churned[m] > T(0))) ++m;
  const error_info none{errc::not_identifiable, name, "survivors", "power-law survival: no maximum at a finite exponent"};
  if (m >= width) return none;
  double at_risk = 0.0;
  for (std::size_t t = m; t < width; ++t) at_risk += static_cast<double>(d.churned[t]) + static_cast<double>(d.censored[t]);
  const double first = static_cast<double>(d.churned[m]), rest = at_risk - first;
  if (!(rest > 0.0)) return none;
  // phi(k) = sum w ln(e^(k la) - e^(k lb)) - k C (la > lb), its derivatives, and its maximiser
  struct term {
    double w, la, lb;
  };
  std::vector<term> terms;
  const auto phi = [&terms](double k, double C, int order) {
    double v = order == 0 ? -k * C : order == 1 ? -C : 0.0;
    for (const term& x : terms) {
      const double delta = x.lb - x.la, e = std::expm1(-k * delta);  // e^(-k delta) - 1 > 0
      if (order == 0) v += x.w * (k * x.la + std::log(-std::expm1(k * delta)));
      if (order == 1) v += x.w * (x.la - delta / e);
      if (order == 2) v -= x.w * delta * delta * (e + 1.0) / (e * e);
    }
    return v;
  };
  const auto maximise = [&phi](double C) -> std::optional<double> {
    double lo = 1.0, hi = 1.0;
    for (int i = 0; i < 200 && !(phi(lo, C, 1) > 0.0); ++i) lo /= 2.0;
    for (int i = 0; i < 200 && !(phi(hi, C, 1) < 0.0); ++i) hi *= 2.0;
    if (!(phi(lo, C, 1) > 0.0) || !(phi(hi, C, 1) < 0.0)) return std::nullopt;
    double k = 0.5 * (lo + hi);
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {  // Newton, kept inside the bracket (phi' decreases)
      const double g = phi(k, C, 1);
      if (g > 0.0) lo = k; else hi = k;
      if (g == 0.0) break;
      const double next = k - g / phi(k, C, 2);
      k = next > lo && next < hi ? next : 0.5 * (lo + hi);
    }
    return k;
  };
  power_law_fit out;
  const double md = static_cast<double>(m);
  for (std::size_t t = m + 1; t < width; ++t)
    if (d.churned[t] > T(0)) terms.push_back({static_cast<double>(d.churned[t]), std::log(md / static_cast<double>(t - 1)), std::log(md / static_cast<double>(t))});
  double C = 0.0;
  for (std::size_t K = m + 1; K < width; ++K) C += static_cast<double>(d.censored[K]) * std::log(static_cast<double>(K) / md);
  const double v = rest / at_risk, v_se = std::sqrt(v * (1.0 - v) / at_risk);
  std::optional<double> k = maximise(C);
  if (!k) return none;
  out.k = *k, out.k_se = 1.0 / std::sqrt(-phi(*k, C, 2));
  out.tau = md * std::pow(v, 1.0 / *k);
  out.log_likelihood = first * std::log1p(-v) + rest * std::log(v) + phi(*k, C, 0);
  if (m >= 2 && out.tau < md - 1.0) {  // the maximum over [m-1, m) at its left end
    const double j = md - 1.0;
    terms.clear();
    for (std::size_t t = m; t < width; ++t)
      if (d.churned[t] > T(0)) terms.push_back({static_cast<double>(d.churned[t]), t == m ? 0.0 : std::log(j / static_cast<double>(t - 1)), std::log(j / static_cast<double>(t))});
    C = 0.0;
    for (std::size_t K = m; K < width; ++K) C += static_cast<double>(d.censored[K]) * std::log(static_cast<double>(K) / j);
    k = maximise(C);
    if (!k) return none;
    out.k = *k, out.k_se = 1.0 / std::sqrt(-phi(*k, C, 2));
    out.tau = j, out.tau_se = 0.0;
    out.log_likelihood = phi(*k, C, 0);
  } else {  // delta method: d tau / dv = tau/(k v), d tau / dk = -tau ln(v)/k^2 (v and k uncorrelated)
    const double dv = out.tau / (out.k * v), dk = -out.tau * std::log(v) / (out.k * out.k);
    out.tau_se = std::sqrt(dv * dv * v_se * v_se + dk * dk * out.k_se * out.k_se);
    out.covariance.size = 2;
    out.covariance.values[0][0] = out.k_se * out.k_se;
    out.covariance.values[0][1] = out.covariance.values[1][0] = dk * out.k_se * out.k_se;
    out.covariance.values[1][1] = out.tau_se * out.tau_se;
  }
  if (m == 1) {
    out.churn_first = 1.0 - v, out.churn_first_se = v_se;
    double s = 0.0;
    if (width > 2) s += static_cast<double>(d.churned[2]) / std::expm1(out.k * std::log(2.0));  // 2^-k/(1 - 2^-k)
    for (std::size_t t = 3; t < width; ++t) s -= static_cast<double>(d.churned[t]);
    for (std::size_t K = 2; K < width; ++K) s -= static_cast<double>(d.censored[K]);
    out.heterogeneity_score = 0.57721566490153286061 * s;
  }
  return out;
}

/// Whether fit_contract_parameters names the ridge at infinity after a failed fit whose last point has
/// ln L `ll_point` (the homogeneous model: `ll_nested`; `tol` = 1e-9 of |ln L|): a point where the
/// optimizer converged (the fit refused only for its Hessian) only when the nested model is at least
/// as likely (before, any such point with alpha + beta >= contract_ridge_scale: a converged interior
/// point more likely than the ridge was named the ridge); a point where it did not converge also when
/// it is far along the ridge (`far`), and otherwise when the nested model is at least as likely and
/// the stop was not fit_options::max_iterations (`stopped_by_user`). Never for a non-finite ln L.
[[nodiscard]] constexpr bool failed_contract_fit_is_ridge(bool converged, bool far, bool stopped_by_user, double ll_point,
                                                          double ll_nested, double tol) noexcept {
  if (!(ll_point - ll_point == 0.0)) return false;  // NaN or infinite
  const bool nested_as_likely = ll_nested >= ll_point - tol;
  if (converged) return nested_as_likely;
  return far || (!stopped_by_user && nested_as_likely);
}

/// What fit_contract_parameters returns: the fit, or on the boundary at infinity (boundary.where ==
/// homogeneous_churn, boundary_policy::report) the point where the optimizer stopped, its ln L and
/// report, and the boundary report with the nested model.
template <std::size_t N>
struct contract_fit {
  positive_fit<N> fit{};
  boundary_report boundary{};
};

/// Checks what the data can identify, then fits N = 2 (sBG, c = 1) or N = 3 (BdW) parameters.
/// The boundary at infinity (alpha, beta -> infinity with alpha/(alpha+beta) -> theta: homogeneous
/// churn; found by an audit: a geometric cohort, 1000 900 810 729 656 590 531 478, gave a "converged"
/// sBG fit at alpha = 3.2e6, beta = 2.9e7, and BdW "a Hessian that is not positive definite") is
/// compared, with penalizer 0, after a failed fit (not converged, or a Hessian that is not positive
/// definite), and after a converged one whose first stop certified no stationary point (the
/// objective-change rule), with alpha + beta >= contract_ridge_check_scale, or (BdW) with c >= contract_valley_check_shape (an ordinary fit, such as
/// Fader & Hardie's two segments at alpha + beta of 1.9 and 4.5, costs nothing more). There the
/// homogeneous model (fit_homogeneous_churn) is fitted:
///  - a converged fit more likely than it (beyond 1e-9 relative of ln L) is the fit;
///  - else, when its heterogeneity score is > 0 (a better interior point exists), the optimizer starts
///    again from the ridge's direction, alpha = theta R, beta = (1-theta) R, R = contract_ridge_scale
///    (BdW: c of the discrete Weibull), and its fit is returned when it converges more likely than the
///    homogeneous model beyond the same 1e-9 (a restart that only walked along the ridge is no estimate);
///  - else the ridge is named: a converged fit always (its point is no more likely than the ridge); a
///    failed fit when the homogeneous model is at least as likely as its last point (within 1e-9), or
///    that point is far along the ridge (alpha + beta >= contract_ridge_scale; a fit stopped by
///    fit_options::max_iterations only then) and the optimizer did not converge there (a converged
///    point refused for its Hessian is the ridge only when no more likely: failed_contract_fit_is_ridge);
///    otherwise the failed fit's error.
template <std::floating_point T, std::size_t N>
[[nodiscard]] result<contract_fit<N>> fit_contract_parameters(std::span<const std::vector<count_t>> cohorts,
                                                              const fit_options& opt, const char* name) {
  const result<contract_counts<T>> counts = tally_cohorts<T>(cohorts, name);
  if (!counts) return counts.error();
  const contract_counts<T>& d = *counts;
  if (d.periods < static_cast<count_t>(N))
    return error_info{errc::not_identifiable, name, "survivors",
                      N == 2 ? "2 parameters need at least 2 observed periods after period 0"
                             : "3 parameters need at least 3 observed periods after period 0"};
  T churned = 0, later = 0;
  for (std::size_t t = 1; t < d.churned.size(); ++t) churned += d.churned[t];
  for (std::size_t t = 1; t < d.censored.size(); ++t) later += d.censored[t];
  for (std::size_t t = 2; t < d.churned.size(); ++t) later += d.churned[t];
  if (!(churned > T(0)))
    return error_info{errc::not_identifiable, name, "survivors", "nobody churned: the churn probabilities cannot be estimated"};
  if (!(later > T(0)))
    return error_info{errc::not_identifiable, name, "survivors", "everybody churned at period 1: later retention cannot be estimated"};
  // Two more data sets whose likelihood is maximised on a boundary, whichever the policy (the sup is
  // that of one parameter, the share pi of the customers who churn at period 1: pi^D1 (1-pi)^rest,
  // reached only in the limit; before, sBG returned 1000 600 600 600 as a converged fit at alpha =
  // 1.2e-11, beta = 1.8e-11, and BdW 1000 600 0 0 as one at c = 24):
  // - nobody churned after period 1 (but some were observed later): every S(k) must equal S(1), so
  //   every churn probability is 0 or 1: alpha, beta -> 0 (BdW also c -> 0);
  // - BdW: nobody churned after period 2 and nobody was observed active after period 1: S(2) must be
  //   0, c -> infinity. (sBG cannot reach it; its maximum there is homogeneous churn, below.)
  T after_first = 0, after_second = 0;
  for (std::size_t t = 2; t < d.churned.size(); ++t) after_first += d.churned[t], after_second += t >= 3 ? d.churned[t] : T(0);
  for (std::size_t t = 2; t < d.censored.size(); ++t) after_second += d.censored[t];
  if (!(after_first > T(0)))
    return error_info{errc::not_identifiable, name, "survivors",
                      N == 2 ? "nobody churned after period 1: the likelihood is maximised on the boundary alpha, beta -> 0 (every churn "
                               "probability 0 or 1: a share alpha/(alpha+beta) churns at period 1, the rest never)"
                             : "nobody churned after period 1: the likelihood is maximised on the boundary alpha, beta -> 0 or c -> 0 "
                               "(a share of the customers churns at period 1, the rest never)"};
  if (N == 3 && !(after_second > T(0)))
    return error_info{errc::not_identifiable, name, "survivors",
                      "nobody churned after period 2 nor was observed active after period 1: the likelihood is maximised on the "
                      "boundary c -> infinity (everybody who renews once churns at period 2)"};
  std::vector<T> ls;
  std::vector<std::array<T, 3>> dls;
  const contract_objective<T, N> nll{&d, &ls, &dls};
  vec<N> start{};
  start.fill(1.0);
  const double customers = static_cast<double>(d.customers);
  last_point_seen<N> last_point;
  const vec<N>& at = last_point.at;
  convergence last{};
  std::array<bool, N> in_own_unit{};
  in_own_unit[0] = in_own_unit[1] = true;
  result<positive_fit<N>> f = fit_positive<N>(nll, start, customers, opt, name, last_point.callback(), &last, in_own_unit);
  const auto plain = [&f]() -> result<contract_fit<N>> {
    if (!f) return f.error();
    contract_fit<N> out;
    out.fit = *f;
    return out;
  };
  if (opt.penalizer != 0.0 || last.reason == stop_reason::interrupted) return plain();
  if (!f && (!last_point.seen || f.error().code == errc::not_finite)) return plain();
  if (f && !f->function_change_stop && f->theta[0] + f->theta[1] < contract_ridge_check_scale &&
      !(N == 3 && f->theta[N - 1] >= contract_valley_check_shape))
    return plain();
  const result<homogeneous_churn_fit> h = fit_homogeneous_churn<T, N == 3>(d, opt.interrupt_only(), name);
  vec<N> g{};
  const double ll_point = f ? f->log_likelihood : -nll(at, g);
  const double tol = 1e-9 * std::max(1.0, std::abs(ll_point));
  // The fit named at a boundary: its last point (not estimates: SEs +inf), the nested model's ln L, score
  // and the likelihood-ratio test; the caller fills the nested model's own parameters.
  const auto on_boundary = [&](fit_boundary where, int nested_parameters, double nested_ll, double score) {
    contract_fit<N> out;
    out.fit.theta = f ? f->theta : at;
    out.fit.standard_errors.fill(std::numeric_limits<double>::infinity());
    out.fit.log_likelihood = ll_point;
    out.fit.customers = customers;
    out.fit.report = f ? f->report : last;
    boundary_report& b = out.boundary;
    b.where = where;
    b.description = describe(where);
    b.nested_fitted = true;
    b.nested_parameters = nested_parameters;
    b.nested_log_likelihood = nested_ll;
    b.heterogeneity_score = score;
    if (const auto lr = try_boundary_likelihood_ratio(ll_point, nested_ll)) b.lr_statistic = lr->statistic, b.lr_p_value = lr->p_value;
    return out;
  };
  // BdW: the power-law boundary alpha -> 0, c -> infinity (after a failed fit, or a converged one with
  // c >= contract_valley_check_shape), named when its model is more likely than the homogeneous one, at
  // least as likely as the fit's point, and that limit is a local maximum (score <= 0; for tau >= 1
  // it is 0 to every order, and only the fit's point can say whether something inside is better)
  if constexpr (N == 3) {
    const double c_point = f ? f->theta[2] : at[2];
    const result<power_law_fit> pl = !f || c_point >= contract_valley_check_shape ? fit_power_law_survival<T>(d, name)
                                                                                  : result<power_law_fit>(error_info{errc::not_identifiable, name});
    if (pl && (!h || pl->log_likelihood > h->log_likelihood) && pl->log_likelihood >= ll_point - tol && pl->heterogeneity_score <= 0.0) {
      if (opt.on_boundary == boundary_policy::error)
        return error_info{errc::not_identifiable, name, "c",
                          "the likelihood is maximised on the boundary alpha -> 0, c -> infinity with alpha c fixed: power-law survival "
                          "S(t) = min(1, (tau/t)^k) (the discrete Pareto model)"};
      contract_fit<N> out = on_boundary(fit_boundary::power_law_survival, 2, pl->log_likelihood, pl->heterogeneity_score);
      boundary_report& b = out.boundary;
      b.nested_alpha = pl->tau, b.nested_alpha_se = pl->tau_se;
      b.nested_shape = pl->k, b.nested_shape_se = pl->k_se;
      b.nested_dropout = pl->churn_first, b.nested_dropout_se = pl->churn_first_se;
      b.nested_covariance = pl->covariance;
      return out;
    }
  }
  if (!h) return plain();
  if (f && f->log_likelihood > h->log_likelihood + tol) return plain();
  if (h->heterogeneity_score > 0.0) {
    vec<N> ridge_start{};
    ridge_start[0] = h->theta * contract_ridge_scale, ridge_start[1] = (1.0 - h->theta) * contract_ridge_scale;
    if constexpr (N == 3) ridge_start[2] = h->c;
    result<positive_fit<N>> f2 = fit_positive<N>(nll, ridge_start, customers, opt, name);
    if (f2 && f2->log_likelihood > h->log_likelihood + tol) {
      contract_fit<N> out;
      out.fit = *f2;  // the report counts both runs
      out.fit.report.iterations += last.iterations;
      out.fit.report.function_evaluations += last.function_evaluations;
      return out;
    }
  }
  if (!f && !failed_contract_fit_is_ridge(last.converged, at[0] + at[1] >= contract_ridge_scale,
                                          last.reason == stop_reason::max_iterations, ll_point, h->log_likelihood, tol))
    return plain();
  // The ridge named.
  if (opt.on_boundary == boundary_policy::error)
    return error_info{errc::not_identifiable, name, "alpha",
                      N == 2 ? "the likelihood is maximised on the boundary alpha, beta -> infinity with alpha/(alpha+beta) fixed: "
                               "every customer has the same churn probability (homogeneous churn: the geometric model)"
                             : "the likelihood is maximised on the boundary alpha, beta -> infinity with alpha/(alpha+beta) fixed: "
                               "every customer has the same churn probability (homogeneous churn: the discrete Weibull model)"};
  contract_fit<N> out = on_boundary(fit_boundary::homogeneous_churn, h->parameters, h->log_likelihood, h->heterogeneity_score);
  boundary_report& b = out.boundary;
  b.nested_dropout = h->theta, b.nested_dropout_se = h->theta_se;
  b.nested_shape = h->c, b.nested_shape_se = h->c_se;
  b.nested_covariance = h->covariance;
  return out;
}

/// ln L of cohorts under a model (weights are the counts).
template <std::floating_point T>
[[nodiscard]] result<T> contract_log_likelihood(const contract_core<T>& m, std::span<const std::vector<count_t>> cohorts,
                                                const char* name) {
  if (auto e = m.check(name)) return e;
  const result<contract_counts<T>> counts = tally_cohorts<T>(cohorts, name);
  if (!counts) return counts.error();
  std::array<double, 3> g{};
  std::vector<T> ls;
  std::vector<std::array<T, 3>> dls;
  const double v = contract_nll<T>(*counts, m, g, ls, dls);
  if (!contract_finite(v)) return error_info{errc::not_finite, name, "result", "the data are impossible under the model"};
  return static_cast<T>(-v);
}

/// Survivors at periods 0..periods of a simulated cohort: theta ~ Beta(alpha, beta), U uniform, and
/// the last paid period T = min{t >= 1 : (1-theta)^(t^c) < U} = floor((ln U / ln(1-theta))^(1/c)) + 1.
template <std::floating_point T>
[[nodiscard]] std::vector<count_t> simulate_cohort(const contract_core<T>& m, count_t customers, count_t periods,
                                                   std::uint64_t seed) {
  std::mt19937_64 g(seed);
  const double a = static_cast<double>(m.alpha), b = static_cast<double>(m.beta), c = static_cast<double>(m.c);
  std::vector<count_t> last(static_cast<std::size_t>(periods) + 2, 0);  // last[t]: customers whose T = t (periods+1: later)
  for (count_t i = 0; i < customers; ++i) {
    const double theta = draw_beta(g, a, b), u = uniform01(g);
    const double l1 = std::log1p(-theta);
    const double v = l1 < 0.0 ? std::log(u) / l1 : std::numeric_limits<double>::infinity();
    const double root = c == 1.0 ? v : std::pow(v, 1.0 / c);
    const double lifetime = std::floor(root) + 1.0;
    const std::size_t k = lifetime > static_cast<double>(periods) ? static_cast<std::size_t>(periods) + 1 : static_cast<std::size_t>(lifetime);
    ++last[k];
  }
  std::vector<count_t> survivors(static_cast<std::size_t>(periods) + 1);
  count_t alive = customers;
  for (std::size_t t = 0; t < survivors.size(); ++t) {
    alive -= last[t];
    survivors[t] = alive;
  }
  return survivors;
}

}  // namespace detail

/// How many customers to simulate in one cohort, over how many periods, with which seed.
struct contract_generate_options {
  count_t customers = 1000;  ///< cohort size at period 0 (> 0)
  count_t periods = 8;       ///< periods observed after period 0 (>= 0, at most 1e7)
  std::uint64_t seed = 42;   ///< std::mt19937_64 seed
};

/// sBG has no shape parameter: its `c` is this empty placeholder (c = 1).
struct no_shape {
  friend constexpr bool operator==(no_shape, no_shape) noexcept = default;
};

/**
 * @brief A contractual retention model: crm::sbg (Weibull = false) or crm::bdw (Weibull = true).
 * sBG (Fader & Hardie 2007, "How to Project Customer Retention", J. Interactive Marketing 21(1)):
 * each customer cancels at the end of each period with probability theta ~ Beta(alpha, beta).
 * BdW (Fader, Hardie, Liu, Davin & Steenburgh 2018, J. Interactive Marketing 43): an individual
 * survives t periods with probability (1-theta)^(t^c); c > 1: churn rises with tenure, c < 1: it
 * falls, c = 1: sBG. S(t) = B(alpha, beta + t^c)/B(alpha, beta). Valuation (DEL, DERL) as defined
 * by Fader & Hardie (2010), Marketing Science 29(1). Periods are the contract periods of the data
 * (years, months). Every member has a throwing form and a `try_` form; errors: a parameter not
 * finite or <= 0 (field "alpha", "beta" or "c"), and those listed per member.
 *
 * **Example**
 *     crm::sbg<> m{.alpha = 0.704, .beta = 1.182};   // the "regular" segment of Fader & Hardie (2007)
 *     m.survival(12);                                  // share of a cohort still active after 12 periods
 *     m.residual_lifetime_value(4, 0.1, 100.0);       // value of a customer who renewed 4 times
 *     crm::bdw<> w{.alpha = 0.456, .beta = 0.779, .c = 1.283};
 *     w.retention_curve(12);
 */
template <std::floating_point T, bool Weibull>
struct contractual_model {
  T alpha{};  ///< Beta(alpha, beta) distribution of the churn probability theta (> 0)
  T beta{};   ///< (> 0)
  /// BdW: Weibull shape, the duration dependence of churn (> 0; 1 = sBG). sBG: empty.
  [[no_unique_address]] std::conditional_t<Weibull, T, no_shape> c{};

  /// All parameters finite and > 0.
  [[nodiscard]] constexpr bool ok() const noexcept { return !check("contractual_model"); }
  /// The first parameter that is not finite and > 0, as an error naming `name` and the parameter.
  [[nodiscard]] constexpr error_info check(const char* name) const noexcept { return core().check(name); }

  /// S(t) = B(alpha, beta + t^c)/B(alpha, beta): probability that a new customer is still active
  /// after t periods (t >= 0; S(0) = 1). Unit: probability. Errors: t < 0 ("period").
  [[nodiscard]] result<T> try_survival(count_t t) const noexcept { return core().survival(t, name("sbg.survival", "bdw.survival")); }
  [[nodiscard]] T survival(count_t t) const { return try_survival(t).value(); }
  /// P(T = t) = S(t-1) - S(t) (sBG: B(alpha+1, beta+t-1)/B(alpha, beta)): probability that a new
  /// customer's last period is t (she cancels at its end). Unit: probability. Errors: t < 1.
  [[nodiscard]] result<T> try_churn_probability(count_t t) const noexcept {
    return core().churn_probability(t, name("sbg.churn_probability", "bdw.churn_probability"));
  }
  [[nodiscard]] T churn_probability(count_t t) const { return try_churn_probability(t).value(); }
  /// r(t) = S(t)/S(t-1) (sBG: (beta + t - 1)/(alpha + beta + t - 1)): share of the customers active
  /// in period t-1 who renew for period t (t >= 1). Unit: probability. Errors: t < 1.
  [[nodiscard]] result<T> try_retention_rate(count_t t) const noexcept {
    return core().retention_rate(t, name("sbg.retention_rate", "bdw.retention_rate"));
  }
  [[nodiscard]] T retention_rate(count_t t) const { return try_retention_rate(t).value(); }
  /// S(0), S(1), ..., S(periods): the projected survival curve (periods + 1 values; multiply by a
  /// cohort's size for projected survivors). Errors: periods < 0 or > 1e7.
  [[nodiscard]] result<std::vector<T>> try_survival_curve(count_t periods) const {
    return core().survival_curve(periods, name("sbg.survival_curve", "bdw.survival_curve"));
  }
  [[nodiscard]] std::vector<T> survival_curve(count_t periods) const { return try_survival_curve(periods).value(); }
  /// r(1), ..., r(periods): the projected retention curve. Errors: periods < 1 or > 1e7.
  [[nodiscard]] result<std::vector<T>> try_retention_curve(count_t periods) const {
    return core().retention_curve(periods, name("sbg.retention_curve", "bdw.retention_curve"));
  }
  [[nodiscard]] std::vector<T> retention_curve(count_t periods) const { return try_retention_curve(periods).value(); }
  /// E[T] = sum_{t>=0} S(t): expected number of periods a new customer pays for. sBG: E[1/theta] =
  /// (alpha + beta - 1)/(alpha - 1). BdW: S(0..1023) summed directly (stopping early where a proven
  /// tail bound, S(u) <= G(alpha+beta)/G(beta) (beta - 1 + u^c)^-alpha, is below half an ulp), the
  /// rest as the integral of S (double-exponential quadrature in ln u) plus Gregory's end correction,
  /// with an estimated error below max(1e-13, 64 eps); relative error against mpmath below 1e-12 in
  /// double and long double (1e-5 in float) on c alpha from 1.05 to 20 (tests/contractual_test.cpp).
  /// Unit: periods. Errors: alpha <= 1 (sBG) or c alpha <= 1 (BdW): infinite, `errc::out_of_range`
  /// on "alpha" (use the horizon or discounted forms); a result beyond T: `errc::overflow`; BdW's
  /// tail estimate not below its tolerance (seen only with c alpha - 1 < 1e-4 and c < 0.02):
  /// `errc::not_converged` on "c".
  [[nodiscard]] result<T> try_expected_lifetime() const noexcept {
    return core().expected_lifetime(name("sbg.expected_lifetime", "bdw.expected_lifetime"));
  }
  [[nodiscard]] T expected_lifetime() const { return try_expected_lifetime().value(); }
  /// sum_{t=0}^{H-1} S(t): expected number of the first H periods a new customer pays for. Unit:
  /// periods. O(H). Errors: H < 0 or > 1e7 ("horizon").
  [[nodiscard]] result<T> try_expected_lifetime(count_t horizon) const noexcept {
    return core().expected_lifetime(horizon, name("sbg.expected_lifetime", "bdw.expected_lifetime"));
  }
  [[nodiscard]] T expected_lifetime(count_t horizon) const { return try_expected_lifetime(horizon).value(); }
  /// DEL(d) = sum_{t>=0} S(t)/(1+d)^t (sBG: 2F1(1, beta; alpha+beta; 1/(1+d))): discounted expected
  /// lifetime of a new customer who pays at the start of each period (Fader & Hardie 2010); times
  /// the margin per period, the CLV of a new customer. Unit: discounted periods. Summed until the
  /// tail bound term z/(1-z), z = 1/(1+d), is below half an ulp of the sum, at most 1e7 terms (BdW,
  /// a special function per term: 1e6). Errors: d <= 0 or not finite ("discount_rate"); more terms
  /// needed (`errc::not_converged`).
  [[nodiscard]] result<T> try_discounted_expected_lifetime(T discount_rate) const noexcept {
    return core().discounted_expected_lifetime(discount_rate, name("sbg.discounted_expected_lifetime", "bdw.discounted_expected_lifetime"));
  }
  [[nodiscard]] T discounted_expected_lifetime(T discount_rate) const { return try_discounted_expected_lifetime(discount_rate).value(); }
  /// DERL(d | n-1 renewals) = sum_{t>=n} S(t)/S(n-1) / (1+d)^(t-n), n - 1 = renewals (sBG:
  /// (beta+n-1)/(alpha+beta+n-1) 2F1(1, beta+n; alpha+beta+n; 1/(1+d))): discounted expected residual
  /// lifetime of a customer who has renewed `renewals` times, valued just before her next renewal
  /// decision (that period, if she renews, is not discounted). Fader & Hardie (2010). Unit:
  /// discounted periods. Errors: renewals < 0 or > 2^63 - 1 - 2e7; d <= 0 or not finite; more than
  /// 1e7 (BdW 1e6) terms.
  [[nodiscard]] result<T> try_discounted_expected_residual_lifetime(count_t renewals, T discount_rate) const noexcept {
    return core().discounted_expected_residual_lifetime(
        renewals, discount_rate, name("sbg.discounted_expected_residual_lifetime", "bdw.discounted_expected_residual_lifetime"));
  }
  [[nodiscard]] T discounted_expected_residual_lifetime(count_t renewals, T discount_rate) const {
    return try_discounted_expected_residual_lifetime(renewals, discount_rate).value();
  }
  /// E[RLV] = margin * DERL(d | renewals): expected residual lifetime value (CLV) of an active
  /// subscriber who has renewed `renewals` times, with `margin` money per period (Fader & Hardie
  /// 2010). Unit: money. Errors: those of DERL; margin negative or not finite; a non-finite result.
  [[nodiscard]] result<T> try_residual_lifetime_value(count_t renewals, T discount_rate, T margin) const noexcept {
    return core().residual_lifetime_value(renewals, discount_rate, margin,
                                          name("sbg.residual_lifetime_value", "bdw.residual_lifetime_value"));
  }
  [[nodiscard]] T residual_lifetime_value(count_t renewals, T discount_rate, T margin) const {
    return try_residual_lifetime_value(renewals, discount_rate, margin).value();
  }
  /// ln L of cohorts of survivor counts (see crm::fit_sbg). Unit: nats. Errors: invalid cohorts
  /// (as crm::fit_sbg); data impossible under the model (`errc::not_finite`).
  [[nodiscard]] result<T> try_log_likelihood(std::span<const std::vector<count_t>> cohorts) const {
    return detail::contract_log_likelihood(core(), cohorts, name("sbg.log_likelihood", "bdw.log_likelihood"));
  }
  [[nodiscard]] T log_likelihood(std::span<const std::vector<count_t>> cohorts) const { return try_log_likelihood(cohorts).value(); }

  friend constexpr bool operator==(const contractual_model&, const contractual_model&) = default;

 private:
  [[nodiscard]] static constexpr const char* name(const char* s, const char* w) noexcept { return Weibull ? w : s; }
  [[nodiscard]] constexpr detail::contract_core<T> core() const noexcept {
    if constexpr (Weibull)
      return {alpha, beta, c};
    else
      return {alpha, beta, T(1)};
  }
};

/// The shifted-beta-geometric model: crm::contractual_model without a shape parameter.
template <std::floating_point T = double>
using sbg = contractual_model<T, false>;
/// The beta-discrete-Weibull model: crm::contractual_model with the shape parameter c.
template <std::floating_point T = double>
using bdw = contractual_model<T, true>;

namespace detail {
/// The fit of crm::sbg (Weibull = false) or crm::bdw, as a fit_result of that model.
template <std::floating_point T, bool Weibull>
[[nodiscard]] result<fit_result<contractual_model<T, Weibull>>> fit_contract(std::span<const std::vector<count_t>> cohorts,
                                                                            const fit_options& opt) {
  constexpr std::size_t N = Weibull ? 3 : 2;
  const result<contract_fit<N>> cf = fit_contract_parameters<T, N>(cohorts, opt, Weibull ? "fit_bdw" : "fit_sbg");
  if (!cf) return cf.error();
  const positive_fit<N>* const f = &cf->fit;
  fit_result<contractual_model<T, Weibull>> out;
  contractual_model<T, Weibull>* const dst[2] = {&out.params, &out.standard_errors};
  const vec<N>* const src[2] = {&f->theta, &f->standard_errors};
  for (int i = 0; i < 2; ++i) {
    dst[i]->alpha = static_cast<T>((*src[i])[0]), dst[i]->beta = static_cast<T>((*src[i])[1]);
    if constexpr (Weibull) dst[i]->c = static_cast<T>((*src[i])[2]);
  }
  // on the boundary at infinity: no covariance (size 0), standard errors +infinity
  if (cf->boundary.where == fit_boundary::none) out.covariance = to_parameter_covariance<N>(f->covariance);
  out.log_likelihood = f->log_likelihood, out.customers = f->customers, out.report = f->report;
  out.boundary = cf->boundary;
  return out;
}
/// One cohort as a list of cohorts.
[[nodiscard]] inline std::vector<std::vector<count_t>> one_cohort(std::span<const count_t> survivors) {
  return {std::vector<count_t>(survivors.begin(), survivors.end())};
}
}  // namespace detail

/**
 * @brief Maximum-likelihood fit of the sBG model to cohorts of survivor counts.
 * `cohorts[i][t]` = customers of cohort i still active at period t = 0..k_i (k_i may differ; the
 * overload on one span is a single cohort).
 * ln L = sum_i [ sum_{t=1}^{k_i} (n_{i,t-1} - n_{i,t}) ln P(T = t) + n_{i,k_i} ln S(k_i) ]
 * (Fader & Hardie 2007), maximised with analytic gradients (crm::fit_options; start alpha = beta =
 * 1); standard errors from the inverse Hessian. `customers` in the result is the sum of the cohort
 * sizes. Errors: no cohorts or an empty cohort (`errc::empty_input`); a negative count
 * (`errc::negative`); survivors increasing (`errc::part_exceeds_whole`), all on field "survivors";
 * fewer than 2 observed periods, nobody churning, everybody churning at period 1, or nobody churning
 * after period 1 (the boundary alpha, beta -> 0) (`errc::not_identifiable`); `errc::not_converged`; a
 * Hessian that is not positive definite. When the likelihood is maximised on the boundary at infinity
 * (alpha, beta -> infinity with alpha/(alpha+beta) -> theta: every customer churns with the same
 * probability) the error names it (`errc::not_identifiable`, field "alpha", "... (homogeneous churn:
 * the geometric model)"), or with fit_options::on_boundary = boundary_policy::report the result has
 * boundary.where == fit_boundary::homogeneous_churn and the geometric model's theta, its SE, ln L, the
 * heterogeneity score and the likelihood-ratio test in `boundary` (see fit_contract_parameters and
 * crm::boundary_report; docs/models.md, "The boundary at infinity: homogeneous churn").
 */
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<sbg<T>>> try_fit_sbg(std::span<const std::vector<count_t>> cohorts, const fit_options& opt = {}) {
  return detail::fit_contract<T, false>(cohorts, opt);
}
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<sbg<T>>> try_fit_sbg(std::span<const count_t> survivors, const fit_options& opt = {}) {
  return detail::fit_contract<T, false>(detail::one_cohort(survivors), opt);
}
/// Throwing forms of try_fit_sbg (crm::metric_error).
template <std::floating_point T = double>
[[nodiscard]] fit_result<sbg<T>> fit_sbg(std::span<const std::vector<count_t>> cohorts, const fit_options& opt = {}) {
  return try_fit_sbg<T>(cohorts, opt).value();
}
template <std::floating_point T = double>
[[nodiscard]] fit_result<sbg<T>> fit_sbg(std::span<const count_t> survivors, const fit_options& opt = {}) {
  return try_fit_sbg<T>(survivors, opt).value();
}

/**
 * @brief Maximum-likelihood fit of the BdW model (alpha, beta, c) to cohorts of survivor counts,
 * as crm::try_fit_sbg with S(t) = B(alpha, beta + t^c)/B(alpha, beta) (Fader et al. 2018).
 * Errors as crm::try_fit_sbg, with at least 3 observed periods needed, and also when nobody churned
 * after period 2 nor was observed active after period 1 (the boundary c -> infinity); at the boundary
 * at infinity the nested model is the discrete Weibull S(t) = (1-theta)^(t^c) (theta and c, with SEs,
 * in the boundary report's nested_dropout and nested_shape).
 */
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<bdw<T>>> try_fit_bdw(std::span<const std::vector<count_t>> cohorts, const fit_options& opt = {}) {
  return detail::fit_contract<T, true>(cohorts, opt);
}
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<bdw<T>>> try_fit_bdw(std::span<const count_t> survivors, const fit_options& opt = {}) {
  return detail::fit_contract<T, true>(detail::one_cohort(survivors), opt);
}
/// Throwing forms of try_fit_bdw (crm::metric_error).
template <std::floating_point T = double>
[[nodiscard]] fit_result<bdw<T>> fit_bdw(std::span<const std::vector<count_t>> cohorts, const fit_options& opt = {}) {
  return try_fit_bdw<T>(cohorts, opt).value();
}
template <std::floating_point T = double>
[[nodiscard]] fit_result<bdw<T>> fit_bdw(std::span<const count_t> survivors, const fit_options& opt = {}) {
  return try_fit_bdw<T>(survivors, opt).value();
}

/**
 * @brief Simulates one cohort under the sBG or BdW model: per customer theta ~ Beta(alpha, beta),
 * then the number of paid periods (geometric for sBG, discrete Weibull for BdW); returns the
 * survivors at periods 0..periods (a valid input of crm::fit_sbg / crm::fit_bdw). Deterministic for
 * a seed (std::mt19937_64 and the portable samplers of crm/models/generate.hpp).
 * Errors: invalid parameters; customers <= 0; periods < 0 or > 1e7.
 */
template <std::floating_point T, bool Weibull>
[[nodiscard]] result<std::vector<count_t>> try_generate(const contractual_model<T, Weibull>& m, const contract_generate_options& o) {
  const char* const name = Weibull ? "generate(bdw)" : "generate(sbg)";
  detail::contract_core<T> core{m.alpha, m.beta, T(1)};
  if constexpr (Weibull) core.c = m.c;
  if (auto e = core.check(name)) return e;
  if (o.customers <= 0) return error_info{errc::out_of_range, name, "customers", "must be > 0"};
  if (o.periods < 0) return error_info{errc::negative, name, "periods"};
  if (o.periods > detail::contract_max_terms) return error_info{errc::out_of_range, name, "periods", "at most 1e7 periods"};
  return detail::simulate_cohort(core, o.customers, o.periods, o.seed);
}
template <std::floating_point T, bool Weibull>
[[nodiscard]] std::vector<count_t> generate(const contractual_model<T, Weibull>& m, const contract_generate_options& o) {
  return try_generate(m, o).value();
}

CRM_METRICS_END_NAMESPACE
