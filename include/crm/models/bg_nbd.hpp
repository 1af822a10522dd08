// crm-metrics: the BG/NBD model of repeat buying (Fader, Hardie & Lee 2005): likelihood, fit, predictions.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Model (P. S. Fader, B. G. S. Hardie, K. L. Lee, "Counting Your Customers the Easy Way: An
// Alternative to the Pareto/NBD Model", Marketing Science 24(2), 2005, 275-284; "FHL 2005"):
// while active, a customer buys as a Poisson process with rate lambda ~ Gamma(r, alpha) (shape r,
// rate alpha); after each repeat purchase she drops out with probability p ~ Beta(a, b).
// It answers the source documents' call to predict when a customer will come back and buy
// (004_27df46bff09b8c6f.txt lines 397 and 426), forecasting (000_9949ba3a3098aa87.txt line 114) and
// customer lifetime (003_f1c74d43239c9d2b.txt line 15).
//
// Time is in whatever unit the data uses (CDNOW: weeks). All formulas are evaluated in log space.
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/data.hpp>
#include <crm/models/detail/optimize.hpp>
#include <crm/models/detail/special.hpp>
#include <crm/models/fit.hpp>

#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// The beta-geometric/NBD family. Shift 0 is BG/NBD (drop-out possible after each repeat
/// purchase); shift 1 is the modified BG/NBD of Batislam, Denizel & Filiztekin (2007), where the
/// customer may also drop out right after the first purchase. With k the shift, the likelihood of
/// (x, t_x, T) is
///   B(a, b+x+k)/B(a,b) G(r+x)/G(r) alpha^r / (alpha+T)^(r+x)
///   + [x+k > 0] B(a+1, b+x+k-1)/B(a,b) G(r+x)/G(r) alpha^r / (alpha+t_x)^(r+x)       (FHL 2005 eq. 6)
/// and B(a+1, b+x+k-1) / B(a, b+x+k) = a / (b+x+k-1).
template <std::floating_point T, int Shift>
struct bgnbd_core {
  static_assert(Shift == 0 || Shift == 1);
  T r, alpha, a, b;

  [[nodiscard]] error_info check(const char* model) const noexcept {
    if (!std::isfinite(r) || !(r > T(0))) return {errc::out_of_range, model, "r", "must be finite and > 0"};
    if (!std::isfinite(alpha) || !(alpha > T(0))) return {errc::out_of_range, model, "alpha", "must be finite and > 0"};
    if (!std::isfinite(a) || !(a > T(0))) return {errc::out_of_range, model, "a", "must be finite and > 0"};
    if (!std::isfinite(b) || !(b > T(0))) return {errc::out_of_range, model, "b", "must be finite and > 0"};
    return {};
  }
  [[nodiscard]] error_info check_row(const rfm_row<T>& c, const char* model) const noexcept {
    if (auto e = check(model)) return e;
    return validate(std::span<const rfm_row<T>>(&c, 1), model);
  }
  [[nodiscard]] static error_info check_horizon(T t, const char* model) noexcept {
    if (!std::isfinite(t)) return {errc::not_finite, model, "t"};
    if (t < T(0)) return {errc::negative, model, "t"};
    return {};
  }

  /// log L for one customer.
  [[nodiscard]] T log_likelihood(T x, T tx, T age) const {
    const T k = static_cast<T>(Shift);
    const T a1 = log_gamma(r + x) - log_gamma(r) + r * std::log(alpha);
    const T a2 = log_gamma(a + b) + log_gamma(b + x + k) - log_gamma(b) - log_gamma(a + b + x + k);
    const T a3 = -(r + x) * std::log(alpha + age);
    if (x + k > T(0)) {
      const T a4 = std::log(a) - std::log(b + x + k - T(1)) - (r + x) * std::log(alpha + tx);
      return a1 + a2 + log_add_exp(a3, a4);
    }
    return a1 + a2 + a3;
  }
  /// log of the odds dead : alive given the history, +-inf-free.
  [[nodiscard]] T log_odds_dead(T x, T tx, T age) const {
    const T k = static_cast<T>(Shift);
    return std::log(a) - std::log(b + x + k - T(1)) + (r + x) * (std::log(alpha + age) - std::log(alpha + tx));
  }
  /// 1 / (1 + a/(b+x+k-1) exp((r+x) log((alpha+T)/(alpha+t_x)))): an overflowing exp gives 0 and an
  /// underflowing one 1, the right limits; inf * 0 (absurd parameters) falls back to the log-odds form.
  [[nodiscard]] T probability_alive(T x, T tx, T age) const {
    if (x + static_cast<T>(Shift) == T(0)) return T(1);
    const T odds = a / (b + x + static_cast<T>(Shift) - T(1)) * std::exp((r + x) * std::log((alpha + age) / (alpha + tx)));
    if (odds == odds) return T(1) / (T(1) + odds);
    return logistic_complement(log_odds_dead(x, tx, age));
  }
  /// The part of E[Y(t) | history] that depends on (x, T) only:
  /// (a+b+x+k-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+k; a+b+x+k-1; t/(alpha+T+t))].
  [[nodiscard]] result<T> conditional_bracket(T x, T age, T t, const char* model) const {
    if (t == T(0)) return T(0);
    if (a == T(1)) return error_info{errc::out_of_range, model, "a", "must differ from 1"};
    const T k = static_cast<T>(Shift);
    const T z = t / (alpha + age + t);
    const hyp2f1_value<T> h = log_hyp2f1<T>(r + x, b + x + k, a + b + x + k - T(1), z);
    if (!h.converged) return error_info{errc::not_converged, model, "t", "hypergeometric series (horizon too long)"};
    const T log_ratio = (r + x) * (std::log(alpha + age) - std::log(alpha + age + t));
    // 1 - ratio * 2F1, computed as -expm1(log(ratio) + log(2F1)) to keep precision for small t
    const T e = (a + b + x + k - T(1)) / (a - T(1)) * -std::expm1(log_ratio + h.log_value);
    if (!std::isfinite(e) || e < T(0)) return error_info{errc::out_of_range, model, "a", "the expectation is infinite for a <= 1"};
    return e;
  }
  /// E[Y(t) | history] = conditional_bracket(x, T, t) P(alive | x, t_x, T)   (FHL 2005 eq. 10 for k = 0).
  [[nodiscard]] result<T> conditional_expected(T x, T tx, T age, T t, const char* model) const {
    const result<T> br = conditional_bracket(x, age, t, model);
    if (!br) return br;
    return *br * probability_alive(x, tx, age);
  }

  /// P(X(t) = n) for a new customer: B(a, b+n+k)/B(a,b) NB(n) + [n+k > 0] B(a+1, b+n+k-1)/B(a,b)
  /// P(N >= n), with N ~ NBD(r, alpha/(alpha+t)) (FHL 2005 eq. 8 for k = 0).
  [[nodiscard]] T probability_of_purchases(count_t n_count, T t) const {
    const T n = to_number<T>(n_count);
    const T k = static_cast<T>(Shift);
    if (t == T(0)) return n_count == 0 ? T(1) : T(0);
    const T lb = log_beta(a, b);
    const T log_nb = log_gamma(r + n) - log_gamma(r) - log_gamma(n + T(1)) + r * (std::log(alpha) - std::log(alpha + t)) +
                     n * (std::log(t) - std::log(alpha + t));
    T p = std::exp(log_beta(a, b + n + k) - lb + log_nb);
    if (n + k > T(0)) {
      const T tail = n_count == 0 ? T(1) : boost::math::ibetac(r, n, alpha / (alpha + t), quiet_math_policy());
      p += std::exp(log_beta(a + T(1), b + n + k - T(1)) - lb) * tail;
    }
    return p;
  }
};

/// Per-customer data grouped by frequency, for fast likelihood evaluation: the terms that depend
/// on x only (log-gamma and digamma values) are computed once per distinct x.
template <std::floating_point T>
struct grouped_rfm {
  struct group {
    T x;
    std::size_t begin, end;
  };
  std::vector<group> groups;
  std::vector<T> recency, age, weight;
  std::vector<T> ages;                  ///< distinct ages, sorted
  std::vector<std::uint32_t> age_index;  ///< per row: its age's index in `ages`
  mutable std::vector<T> scratch;       ///< per-evaluation table of age terms (one per distinct age)
  T customers = 0;

  explicit grouped_rfm(std::span<const rfm_row<T>> rows) {
    std::vector<rfm_row<T>> v = compress(rows);  // sorted by frequency
    recency.reserve(v.size()), age.reserve(v.size()), weight.reserve(v.size()), age_index.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (groups.empty() || groups.back().x != v[i].frequency) groups.push_back({v[i].frequency, i, i});
      groups.back().end = i + 1;
      recency.push_back(v[i].recency), age.push_back(v[i].age), weight.push_back(v[i].weight);
      customers += v[i].weight;
    }
    ages = age;
    std::sort(ages.begin(), ages.end());
    ages.erase(std::unique(ages.begin(), ages.end()), ages.end());
    for (const T a : age)
      age_index.push_back(static_cast<std::uint32_t>(std::lower_bound(ages.begin(), ages.end(), a) - ages.begin()));
    scratch.resize(2 * ages.size());
  }
  [[nodiscard]] T repeaters() const noexcept {
    T w = 0;
    for (const group& g : groups)
      if (g.x > T(0))
        for (std::size_t i = g.begin; i < g.end; ++i) w += weight[i];
    return w;
  }
};

/// A small open-addressing memo keyed by two numbers (x, T), for the batch predictions: the
/// (x, T)-only part of a prediction is computed once per distinct pair.
template <std::floating_point T>
class pair_memo {
 public:
  /// The slot of key (x, y); `found` tells whether it held a value.
  T* find_or_insert(T x, T y, bool& found) {
    if (2 * (used_ + 1) > keys_.size()) grow();
    std::size_t i = hash(x, y) & (keys_.size() - 1);
    while (true) {
      slot& s = keys_[i];
      if (!s.used) {
        s = {x, y, true};
        ++used_;
        found = false;
        return &values_[i];
      }
      if (s.x == x && s.y == y) {
        found = true;
        return &values_[i];
      }
      i = (i + 1) & (keys_.size() - 1);
    }
  }

 private:
  struct slot {
    T x{}, y{};
    bool used = false;
  };
  static std::size_t hash(T x, T y) noexcept {
    const double dx = static_cast<double>(x), dy = static_cast<double>(y);
    std::uint64_t ux = 0, uy = 0;
    std::memcpy(&ux, &dx, sizeof ux);
    std::memcpy(&uy, &dy, sizeof uy);
    std::uint64_t h = ux * 0x9E3779B97F4A7C15ULL ^ (uy + 0x632BE59BD9B4E019ULL + (ux << 6) + (ux >> 2));
    h ^= h >> 29, h *= 0xBF58476D1CE4E5B9ULL, h ^= h >> 32;
    return static_cast<std::size_t>(h);
  }
  void grow() {
    std::vector<slot> old_keys = std::move(keys_);
    std::vector<T> old_values = std::move(values_);
    const std::size_t n = old_keys.empty() ? 1024 : 2 * old_keys.size();
    keys_.assign(n, slot{});
    values_.assign(n, T(0));
    used_ = 0;
    for (std::size_t i = 0; i < old_keys.size(); ++i)
      if (old_keys[i].used) {
        bool found = false;
        *find_or_insert(old_keys[i].x, old_keys[i].y, found) = old_values[i];
      }
  }
  std::vector<slot> keys_;
  std::vector<T> values_;
  std::size_t used_ = 0;
};

/// Batch P(alive) of the BG/NBD family: validates all rows first, then one formula per row.
template <std::floating_point T, int Shift>
[[nodiscard]] result<std::vector<T>> batch_probability_alive(const bgnbd_core<T, Shift>& m, std::span<const rfm_row<T>> rows,
                                                             const char* model) {
  if (auto e = m.check(model)) return e;
  if (auto e = validate(rows, model)) return e;
  std::vector<T> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out[i] = m.probability_alive(rows[i].frequency, rows[i].recency, rows[i].age);
  return out;
}

/// Batch E[Y(t) | history] of the BG/NBD family: the (x, T)-only factor (with its 2F1) is computed
/// once per distinct (x, T); P(alive) per row.
template <std::floating_point T, int Shift>
[[nodiscard]] result<std::vector<T>> batch_conditional_expected(const bgnbd_core<T, Shift>& m, std::span<const rfm_row<T>> rows,
                                                                T t, const char* model) {
  if (auto e = m.check(model)) return e;
  if (auto e = bgnbd_core<T, Shift>::check_horizon(t, model)) return e;
  if (auto e = validate(rows, model)) return e;
  std::vector<T> out(rows.size());
  pair_memo<T> memo;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const rfm_row<T>& c = rows[i];
    bool found = false;
    T* br = memo.find_or_insert(c.frequency, c.age, found);
    if (!found) {
      const result<T> v = m.conditional_bracket(c.frequency, c.age, t, model);
      if (!v) return v.error();
      *br = *v;
    }
    out[i] = *br * m.probability_alive(c.frequency, c.recency, c.age);
  }
  return out;
}

/// Total negative log-likelihood of the BG/NBD family and its gradient in (r, alpha, a, b).
template <std::floating_point T, int Shift>
[[nodiscard]] double bgnbd_nll(const grouped_rfm<T>& d, const vec<4>& th, vec<4>& grad) {
  const T r = static_cast<T>(th[0]), alpha = static_cast<T>(th[1]), a = static_cast<T>(th[2]), b = static_cast<T>(th[3]);
  const T k = static_cast<T>(Shift);
  const T log_alpha = std::log(alpha), dg_ab = digamma(a + b), dg_b = digamma(b), dg_r = digamma(r);
  const T lg_ab = log_gamma(a + b), lg_b = log_gamma(b), lg_r = log_gamma(r), log_a = std::log(a);
  // log(alpha + T) and 1 / (alpha + T) once per distinct age
  const std::size_t n_ages = d.ages.size();
  T* const log_age = d.scratch.data();
  T* const inv_age = log_age + n_ages;
  for (std::size_t j = 0; j < n_ages; ++j) log_age[j] = std::log(alpha + d.ages[j]), inv_age[j] = T(1) / (alpha + d.ages[j]);
  T ll = 0, gr = 0, galpha = 0, ga = 0, gb = 0;
  for (const auto& g : d.groups) {
    const T x = g.x;
    const T a1 = log_gamma(r + x) - lg_r + r * log_alpha;
    const T a2 = lg_ab + log_gamma(b + x + k) - lg_b - log_gamma(a + b + x + k);
    const T d1_r = digamma(r + x) - dg_r + log_alpha;
    const T d2_a = dg_ab - digamma(a + b + x + k);
    const T d2_b = dg_ab + digamma(b + x + k) - dg_b - digamma(a + b + x + k);
    const bool two = x + k > T(0);
    const T c4 = two ? log_a - std::log(b + x + k - T(1)) : T(0);
    const T d4_b = two ? -T(1) / (b + x + k - T(1)) : T(0);
    T sw = 0, s_r = 0, s_alpha = 0, s_a = 0, s_b = 0, s_ll = 0;
    for (std::size_t i = g.begin; i < g.end; ++i) {
      const T w = d.weight[i];
      const std::uint32_t ai = d.age_index[i];
      const T l_age = log_age[ai];
      const T a3 = -(r + x) * l_age;
      T w3 = 1, w4 = 0, lse = a3;
      T l_tx = 0;
      if (two) {
        l_tx = std::log(alpha + d.recency[i]);
        const T a4 = c4 - (r + x) * l_tx;
        // softmax weights of the two terms
        if (a3 >= a4) {
          const T e = std::exp(a4 - a3);
          w3 = T(1) / (T(1) + e), w4 = e * w3, lse = a3 + std::log1p(e);
        } else {
          const T e = std::exp(a3 - a4);
          w4 = T(1) / (T(1) + e), w3 = e * w4, lse = a4 + std::log1p(e);
        }
      }
      sw += w;
      s_ll += w * lse;
      s_r += w * (-w3 * l_age - w4 * l_tx);
      s_alpha += w * (-(r + x) * (w3 * inv_age[ai] + (two ? w4 / (alpha + d.recency[i]) : T(0))));
      s_a += w * w4;
      s_b += w * w4;
    }
    ll += sw * (a1 + a2) + s_ll;
    gr += sw * d1_r + s_r;
    galpha += sw * r / alpha + s_alpha;
    ga += sw * d2_a + s_a / a;
    gb += sw * d2_b + s_b * d4_b;
  }
  grad = {-static_cast<double>(gr), -static_cast<double>(galpha), -static_cast<double>(ga), -static_cast<double>(gb)};
  const double v = -static_cast<double>(ll);
  return std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
}

/// Shared fit of the BG/NBD family.
template <std::floating_point T, int Shift, class Model>
[[nodiscard]] result<fit_result<Model>> fit_bgnbd_family(std::span<const rfm_row<T>> rows, const fit_options& opt,
                                                         const char* model) {
  if (auto e = validate(rows, model)) return e;
  if (auto e = check_fit_options(model, opt)) return e;
  const grouped_rfm<T> d(rows);
  if (!(d.repeaters() > T(0)))
    return error_info{errc::not_identifiable, model, "frequency", "nobody made a repeat purchase"};
  const auto nll = [&d](const vec<4>& th, vec<4>& g) { return bgnbd_nll<T, Shift>(d, th, g); };
  // Start: r = 1, alpha = mean age, a = b = 1 (scale-aware start for alpha helps any time unit).
  double mean_age = 0;
  for (std::size_t i = 0; i < d.age.size(); ++i) mean_age += static_cast<double>(d.age[i] * d.weight[i]);
  mean_age /= static_cast<double>(d.customers);
  const vec<4> start = {1.0, std::max(mean_age, 1e-6), 1.0, 1.0};
  // Where the likelihood has no interior maximum the optimizer runs to the boundary of Beta(a, b).
  const auto boundary = [model](const vec<4>& th) -> error_info {
    constexpr double tiny = 1e-5;
    if (th[2] < tiny && th[3] < tiny)
      return {errc::not_identifiable, model, "a",
              "the likelihood is maximised on the boundary a, b -> 0: every drop-out probability is 0 or 1 (a share "
              "a/(a+b) of the customers drops out at the first chance, the rest never)"};
    if (th[2] < tiny)
      return {errc::not_identifiable, model, "a",
              "the likelihood is maximised on the boundary a -> 0: no drop-out visible in the data (the NBD limit)"};
    if (th[3] < tiny)
      return {errc::not_identifiable, model, "b",
              "the likelihood is maximised on the boundary b -> 0: every customer drops out at the first chance"};
    return {};
  };
  result<positive_fit<4>> f = fit_positive<4>(nll, start, static_cast<double>(d.customers), opt, model, boundary);
  if (!f) return f.error();
  fit_result<Model> out;
  const auto& th = f->theta;
  const auto& se = f->standard_errors;
  out.params = Model{static_cast<T>(th[0]), static_cast<T>(th[1]), static_cast<T>(th[2]), static_cast<T>(th[3])};
  out.standard_errors = Model{static_cast<T>(se[0]), static_cast<T>(se[1]), static_cast<T>(se[2]), static_cast<T>(se[3])};
  out.log_likelihood = f->log_likelihood;
  out.customers = f->customers;
  out.report = f->report;
  return out;
}

}  // namespace detail

/**
 * @brief The BG/NBD model (Fader, Hardie & Lee 2005) with parameters r, alpha (purchase rate
 * lambda ~ Gamma(r, alpha), alpha a rate in the data's time unit) and a, b (drop-out probability
 * p ~ Beta(a, b)). Each prediction has a throwing form and a `try_` form returning crm::result;
 * errors: a parameter not finite or <= 0 (field "r", "alpha", "a", "b"), an invalid customer row
 * (see crm::validate), a negative or non-finite horizon t.
 */
template <std::floating_point T = double>
struct bg_nbd {
  T r{}, alpha{}, a{}, b{};

  /// log L of one customer (weight ignored), FHL 2005 eq. (6); nats.
  [[nodiscard]] result<T> try_log_likelihood(const rfm_row<T>& c) const {
    if (auto e = core().check_row(c, "bg_nbd.log_likelihood")) return e;
    return core().log_likelihood(c.frequency, c.recency, c.age);
  }
  [[nodiscard]] T log_likelihood(const rfm_row<T>& c) const { return try_log_likelihood(c).value(); }

  /// P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)), a probability;
  /// Fader, Hardie & Lee, "Computing P(alive) using the BG/NBD model" (note, 2008).
  [[nodiscard]] result<T> try_probability_alive(const rfm_row<T>& c) const {
    if (auto e = core().check_row(c, "bg_nbd.probability_alive")) return e;
    return core().probability_alive(c.frequency, c.recency, c.age);
  }
  [[nodiscard]] T probability_alive(const rfm_row<T>& c) const { return try_probability_alive(c).value(); }

  /// E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]: expected
  /// repeat purchases of a new customer in (0, t]; FHL 2005 eq. (9). Needs a != 1.
  [[nodiscard]] result<T> try_expected_purchases(T t) const {
    if (auto e = detail::bgnbd_core<T, 0>::check_horizon(t, "bg_nbd.expected_purchases")) return e;
    if (auto e = core().check("bg_nbd.expected_purchases")) return e;
    if (t == T(0)) return T(0);
    if (a == T(1)) return error_info{errc::out_of_range, "bg_nbd.expected_purchases", "a", "must differ from 1"};
    const T z = t / (alpha + t);
    const detail::hyp2f1_value<T> h = detail::log_hyp2f1<T>(r, b, a + b - T(1), z);
    if (!h.converged || !(a + b > T(1)))
      return error_info{errc::not_converged, "bg_nbd.expected_purchases", "t", "hypergeometric series"};
    const T e = (a + b - T(1)) / (a - T(1)) * -std::expm1(r * (std::log(alpha) - std::log(alpha + t)) + h.log_value);
    return e;
  }
  [[nodiscard]] T expected_purchases(T t) const { return try_expected_purchases(t).value(); }

  /// E[Y(t) | x, t_x, T]: expected repeat purchases in the next t of a customer with this history,
  /// (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
  /// x P(alive); FHL 2005 eq. (10). Needs a != 1.
  [[nodiscard]] result<T> try_conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    constexpr const char* m = "bg_nbd.conditional_expected_purchases";
    if (auto e = core().check_row(c, m)) return e;
    if (auto e = detail::bgnbd_core<T, 0>::check_horizon(t, m)) return e;
    return core().conditional_expected(c.frequency, c.recency, c.age, t, m);
  }
  [[nodiscard]] T conditional_expected_purchases(const rfm_row<T>& c, T t) const {
    return try_conditional_expected_purchases(c, t).value();
  }

  /// P(alive) for every customer of a summary (same formula; all rows validated first).
  [[nodiscard]] result<std::vector<T>> try_probability_alive(std::span<const rfm_row<T>> rows) const {
    return detail::batch_probability_alive(core(), rows, "bg_nbd.probability_alive");
  }
  [[nodiscard]] std::vector<T> probability_alive(std::span<const rfm_row<T>> rows) const {
    return try_probability_alive(rows).value();
  }
  /// E[Y(t) | x, t_x, T] for every customer of a summary; the factor that depends on (x, T) only
  /// (and holds the 2F1) is computed once per distinct pair, so summaries with ages in whole days
  /// cost about one P(alive) per customer.
  [[nodiscard]] result<std::vector<T>> try_conditional_expected_purchases(std::span<const rfm_row<T>> rows, T t) const {
    return detail::batch_conditional_expected(core(), rows, t, "bg_nbd.conditional_expected_purchases");
  }
  [[nodiscard]] std::vector<T> conditional_expected_purchases(std::span<const rfm_row<T>> rows, T t) const {
    return try_conditional_expected_purchases(rows, t).value();
  }

  /// P(X(t) = n): probability that a new customer makes exactly n repeat purchases in (0, t];
  /// FHL 2005 eq. (8). Errors: n < 0, t negative or not finite.
  [[nodiscard]] result<T> try_probability_of_purchases(count_t n, T t) const {
    constexpr const char* m = "bg_nbd.probability_of_purchases";
    if (auto e = core().check(m)) return e;
    if (n < 0) return error_info{errc::negative, m, "n"};
    if (auto e = detail::bgnbd_core<T, 0>::check_horizon(t, m)) return e;
    return core().probability_of_purchases(n, t);
  }
  [[nodiscard]] T probability_of_purchases(count_t n, T t) const { return try_probability_of_purchases(n, t).value(); }

 private:
  [[nodiscard]] detail::bgnbd_core<T, 0> core() const noexcept { return {r, alpha, a, b}; }
};

/**
 * @brief Maximum-likelihood fit of BG/NBD to per-customer (frequency, recency, T, weight) rows.
 * Minimises -log L / customers + penalizer * (r^2 + alpha^2 + a^2 + b^2) (see crm::fit_options).
 * On CDNOW (2357 customers, weeks) it gives r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, log L =
 * -9582.4, as published in FHL 2005 section 4.
 * Errors: invalid rows (crm::validate), empty input, nobody repeats (errc::not_identifiable),
 * no convergence (errc::not_converged), singular Hessian (errc::not_identifiable); when the
 * likelihood is maximised on the boundary of Beta(a, b) the error names it (errc::not_identifiable,
 * field "a" or "b", detail "... boundary a, b -> 0 ...", "a -> 0" (the NBD limit) or "b -> 0").
 */
template <std::floating_point T = double>
[[nodiscard]] result<fit_result<bg_nbd<T>>> try_fit_bg_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return detail::fit_bgnbd_family<T, 0, bg_nbd<T>>(rows, opt, "fit_bg_nbd");
}
template <std::floating_point T = double>
[[nodiscard]] fit_result<bg_nbd<T>> fit_bg_nbd(std::span<const rfm_row<T>> rows, const fit_options& opt = {}) {
  return try_fit_bg_nbd<T>(rows, opt).value();
}
template <std::floating_point T>
[[nodiscard]] result<fit_result<bg_nbd<T>>> try_fit_bg_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_bg_nbd<T>(std::span<const rfm_row<T>>(rows), opt);
}
template <std::floating_point T>
[[nodiscard]] fit_result<bg_nbd<T>> fit_bg_nbd(const std::vector<rfm_row<T>>& rows, const fit_options& opt = {}) {
  return try_fit_bg_nbd<T>(std::span<const rfm_row<T>>(rows), opt).value();
}

CRM_METRICS_END_NAMESPACE
