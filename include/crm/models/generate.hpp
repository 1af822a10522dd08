// crm-metrics: deterministic simulation of customers from the transaction models (tests, benchmarks).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every generator is seeded with a std::mt19937_64 and draws its variates with the portable
// samplers below (not std::*_distribution, whose algorithms differ between standard libraries), so a
// seed gives the same customers with every compiler. Generators simulate every purchase event in
// continuous time over each customer's observation window (0, age]: they never round purchases to
// days or weeks. Spend (Gamma-Gamma) and discrete-opportunity (BG/BB) generators live beside those
// models (crm/models/gamma_gamma.hpp, crm/models/bg_bb.hpp) and use the same samplers.
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/data.hpp>
#include <crm/models/modified_bg_nbd.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <new>
#include <random>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// How many customers to draw, over which observation window, with which seed.
template <std::floating_point T = double>
struct generate_options {
  count_t customers = 1000;  ///< number of customers (> 0)
  T first_age{52};           ///< shortest observation window T (time since the first purchase)
  T last_age{52};            ///< longest; each customer's age is uniform in [first_age, last_age]
  /// 0: ages continuous. > 0: ages on the grid last_age - k * age_step (k = 0, 1, ...) within
  /// [first_age, last_age], as when customers are acquired on calendar days (CDNOW: 1/7 week).
  /// Purchases are simulated in continuous time either way.
  T age_step{0};
  std::uint64_t seed = 42;   ///< std::mt19937_64 seed
};

namespace detail {

/// Uniform on (0, 1) from the top 53 bits of one mt19937_64 draw (never 0, never 1).
[[nodiscard]] inline double uniform01(std::mt19937_64& g) noexcept {
  return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53;
}
/// Exponential with the given rate (mean 1 / rate), by inversion.
[[nodiscard]] inline double draw_exponential(std::mt19937_64& g, double rate) noexcept {
  return -std::log(uniform01(g)) / rate;
}
/// Standard normal by the Marsaglia polar method.
[[nodiscard]] inline double draw_normal(std::mt19937_64& g) noexcept {
  while (true) {
    const double u = 2.0 * uniform01(g) - 1.0, v = 2.0 * uniform01(g) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}
/// Gamma(shape, rate) (mean shape / rate) by Marsaglia & Tsang (2000), "A simple method for
/// generating gamma variables", ACM TOMS 26(3); shape < 1 via Gamma(shape + 1) * U^(1/shape).
[[nodiscard]] inline double draw_gamma(std::mt19937_64& g, double shape, double rate) noexcept {
  if (shape < 1.0) {
    const double u = uniform01(g);
    return draw_gamma(g, shape + 1.0, rate) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0.0, v = 0.0;
    do {
      x = draw_normal(g);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = uniform01(g);
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v / rate;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v / rate;
  }
}
/// Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
[[nodiscard]] inline double draw_beta(std::mt19937_64& g, double a, double b) noexcept {
  const double x = draw_gamma(g, a, 1.0), y = draw_gamma(g, b, 1.0);
  return x / (x + y);
}

/// Checks of generate_options shared by the generators.
template <std::floating_point T>
[[nodiscard]] error_info check_generate_options(const char* model, const generate_options<T>& o) noexcept {
  if (o.customers <= 0) return {errc::out_of_range, model, "customers", "must be > 0"};
  if (!std::isfinite(o.first_age) || !std::isfinite(o.last_age)) return {errc::not_finite, model, "age"};
  if (!(o.first_age > T(0))) return {errc::out_of_range, model, "first_age", "must be > 0"};
  if (o.last_age < o.first_age) return {errc::part_exceeds_whole, model, "first_age", "must not exceed last_age"};
  if (!std::isfinite(o.age_step)) return {errc::not_finite, model, "age_step"};
  if (o.age_step < T(0)) return {errc::negative, model, "age_step"};
  return {};
}
/// Makes room for the rows of `customers` customers: out_of_range ("customers") when a vector
/// cannot hold that many, or (with exceptions) when the memory cannot be had, so that no try_
/// generator lets std::length_error or std::bad_alloc out (without exceptions an allocation that
/// fails aborts, as every allocation does).
template <class Rows>
[[nodiscard]] error_info reserve_rows(Rows& rows, count_t customers, const char* model) {
  if (static_cast<std::uint64_t>(customers) > rows.max_size())
    return {errc::out_of_range, model, "customers", "is more rows than a std::vector can hold"};
#if CRM_METRICS_HAS_EXCEPTIONS
  try {
    rows.reserve(static_cast<std::size_t>(customers));
  } catch (const std::bad_alloc&) {  // (length_error cannot come: max_size() is checked above)
    return {errc::out_of_range, model, "customers", "is more rows than memory can hold"};
  }
#else
  rows.reserve(static_cast<std::size_t>(customers));
#endif
  return {};
}
/// The age of the next customer.
template <std::floating_point T>
[[nodiscard]] T draw_age(std::mt19937_64& g, const generate_options<T>& o) noexcept {
  if (o.last_age == o.first_age) return o.first_age;
  if (o.age_step > T(0)) {
    const double steps = std::floor(static_cast<double>((o.last_age - o.first_age) / o.age_step)) + 1.0;
    const double k = std::min(std::floor(uniform01(g) * steps), steps - 1.0);
    return o.last_age - static_cast<T>(k) * o.age_step;
  }
  return o.first_age + static_cast<T>(uniform01(g)) * (o.last_age - o.first_age);
}

}  // namespace detail
namespace detail {
/// Draws one customer of the BG/NBD family (Shift 0: BG/NBD, 1: modified BG/NBD): lambda ~
/// Gamma(r, alpha), p ~ Beta(a, b); with Shift 1 the customer drops out right after the first
/// purchase with probability p; then exponential inter-purchase times, and after each repeat purchase
/// a drop-out with probability p.
template <std::floating_point T, int Shift>
[[nodiscard]] rfm_row<T> draw_bgnbd_customer(std::mt19937_64& g, double r, double alpha, double a, double b, T age) {
  const double lambda = draw_gamma(g, r, alpha), p = draw_beta(g, a, b);
  const double window = static_cast<double>(age);
  double t = 0.0, last = 0.0, x = 0.0;
  bool alive = !(Shift == 1 && uniform01(g) < p);
  while (alive) {
    t += draw_exponential(g, lambda);
    if (t > window) break;
    x += 1.0, last = t;
    if (uniform01(g) < p) alive = false;
  }
  return {static_cast<T>(x), static_cast<T>(last), age, T(1)};
}
/// A customer of age `age` who buys at rate lambda until `end` (<= age) and never after: Poisson purchases in
/// continuous time on (0, end], as the row (x, t_x of the last, age).
template <std::floating_point T>
[[nodiscard]] rfm_row<T> draw_poisson_customer(std::mt19937_64& g, double lambda, double end, T age) {
  double t = 0.0, last = 0.0, x = 0.0;
  while (true) {
    t += draw_exponential(g, lambda);
    if (t > end) break;
    x += 1.0, last = t;
  }
  return {static_cast<T>(x), static_cast<T>(last), age, T(1)};
}
/// A generator's frame: validates the model and the options, then draws o.customers rows with the seeded engine,
/// each `draw(g, age)` after the customer's age.
template <std::floating_point T, class Model, class Draw>
[[nodiscard]] result<std::vector<rfm_row<T>>> generate_each(const char* name, const Model& m, const generate_options<T>& o, Draw&& draw) {
  if (auto e = m.check(name)) return e;
  if (auto e = check_generate_options(name, o)) return e;
  std::mt19937_64 g(o.seed);
  std::vector<rfm_row<T>> out;
  if (auto e = reserve_rows(out, o.customers, name)) return e;
  for (count_t i = 0; i < o.customers; ++i) {
    const T age = draw_age(g, o);
    out.push_back(draw(g, age));
  }
  return out;
}
/// The BG/NBD family's generator (K = 0: BG/NBD, K = 1: modified BG/NBD, which may also drop out at
/// the first purchase): validates, then draws o.customers customers with the seeded engine.
template <std::floating_point T, int K>
[[nodiscard]] result<std::vector<rfm_row<T>>> generate_bgnbd_family(const char* name, T r, T alpha, T a, T b,
                                                                   const generate_options<T>& o) {
  if (auto e = bgnbd_core<T, K>{r, alpha, a, b}.check(name)) return e;
  if (auto e = check_generate_options(name, o)) return e;
  std::mt19937_64 g(o.seed);
  std::vector<rfm_row<T>> out;
  if (auto e = reserve_rows(out, o.customers, name)) return e;
  for (count_t i = 0; i < o.customers; ++i)
    out.push_back(draw_bgnbd_customer<T, K>(g, static_cast<double>(r), static_cast<double>(alpha),
                                            static_cast<double>(a), static_cast<double>(b), draw_age(g, o)));
  return out;
}

}  // namespace detail

/**
 * @brief Draws customers from a BG/NBD model, simulating every purchase in continuous time.
 * Returns one row per customer (weight 1; compress() merges identical rows). Deterministic for a seed.
 * Errors: invalid parameters or options.
 */
template <std::floating_point T>
[[nodiscard]] result<std::vector<rfm_row<T>>> try_generate(const bg_nbd<T>& m, const generate_options<T>& o) {
  return detail::generate_bgnbd_family<T, 0>("generate(bg_nbd)", m.r, m.alpha, m.a, m.b, o);
}
template <std::floating_point T>
[[nodiscard]] std::vector<rfm_row<T>> generate(const bg_nbd<T>& m, const generate_options<T>& o) {
  return try_generate(m, o).value();
}

/**
 * @brief Draws customers from a modified BG/NBD model (drop-out also possible at the first purchase),
 * simulating every purchase in continuous time. Deterministic for a seed. Errors: as above.
 */
template <std::floating_point T>
[[nodiscard]] result<std::vector<rfm_row<T>>> try_generate(const modified_bg_nbd<T>& m, const generate_options<T>& o) {
  return detail::generate_bgnbd_family<T, 1>("generate(modified_bg_nbd)", m.r, m.alpha, m.a, m.b, o);
}
template <std::floating_point T>
[[nodiscard]] std::vector<rfm_row<T>> generate(const modified_bg_nbd<T>& m, const generate_options<T>& o) {
  return try_generate(m, o).value();
}

/**
 * @brief Draws customers from a Pareto/NBD model: lambda ~ Gamma(r, alpha), death rate mu ~ Gamma(s,
 * beta), lifetime ~ Exponential(mu), Poisson purchases at rate lambda while alive, each simulated in
 * continuous time. Deterministic for a seed. Errors: invalid parameters or options.
 */
template <std::floating_point T>
[[nodiscard]] result<std::vector<rfm_row<T>>> try_generate(const pareto_nbd<T>& m, const generate_options<T>& o) {
  return detail::generate_each("generate(pareto_nbd)", m, o, [&](std::mt19937_64& g, T age) {
    const double lambda = detail::draw_gamma(g, static_cast<double>(m.r), static_cast<double>(m.alpha));
    const double mu = detail::draw_gamma(g, static_cast<double>(m.s), static_cast<double>(m.beta));
    const double end = std::min(detail::draw_exponential(g, mu), static_cast<double>(age));
    return detail::draw_poisson_customer(g, lambda, end, age);
  });
}
template <std::floating_point T>
[[nodiscard]] std::vector<rfm_row<T>> generate(const pareto_nbd<T>& m, const generate_options<T>& o) {
  return try_generate(m, o).value();
}

/**
 * @brief Draws customers from the zero-inflated NBD (crm::zero_inflated_nbd): lambda ~ Gamma(r, alpha); with
 * probability pi the customer makes no repeat purchase at all, else Poisson purchases at rate lambda over the
 * whole age (nobody drops out later), simulated in continuous time. Deterministic for a seed. Errors: invalid
 * parameters or options.
 */
template <std::floating_point T>
[[nodiscard]] result<std::vector<rfm_row<T>>> try_generate(const zero_inflated_nbd<T>& m, const generate_options<T>& o) {
  return detail::generate_each("generate(zero_inflated_nbd)", m, o, [&](std::mt19937_64& g, T age) {
    const double lambda = detail::draw_gamma(g, static_cast<double>(m.r), static_cast<double>(m.alpha));
    const bool none = detail::uniform01(g) < static_cast<double>(m.pi);
    return none ? rfm_row<T>{T(0), T(0), age, T(1)} : detail::draw_poisson_customer(g, lambda, static_cast<double>(age), age);
  });
}
template <std::floating_point T>
[[nodiscard]] std::vector<rfm_row<T>> generate(const zero_inflated_nbd<T>& m, const generate_options<T>& o) {
  return try_generate(m, o).value();
}

/**
 * @brief Draws customers from BG/NBD's limit at a, b -> 0 (crm::first_repeat_dropout_nbd): lambda ~ Gamma(r,
 * alpha), Poisson purchases in continuous time; with probability pi the customer drops out right after the first
 * repeat purchase, else never. Deterministic for a seed. Errors: invalid parameters or options.
 */
template <std::floating_point T>
[[nodiscard]] result<std::vector<rfm_row<T>>> try_generate(const first_repeat_dropout_nbd<T>& m, const generate_options<T>& o) {
  return detail::generate_each("generate(first_repeat_dropout_nbd)", m, o, [&](std::mt19937_64& g, T age) {
    const double lambda = detail::draw_gamma(g, static_cast<double>(m.r), static_cast<double>(m.alpha));
    if (!(detail::uniform01(g) < static_cast<double>(m.pi))) return detail::draw_poisson_customer(g, lambda, static_cast<double>(age), age);
    const double t = detail::draw_exponential(g, lambda);  // (one repeat purchase at most)
    return t <= static_cast<double>(age) ? rfm_row<T>{T(1), static_cast<T>(t), age, T(1)} : rfm_row<T>{T(0), T(0), age, T(1)};
  });
}
template <std::floating_point T>
[[nodiscard]] std::vector<rfm_row<T>> generate(const first_repeat_dropout_nbd<T>& m, const generate_options<T>& o) {
  return try_generate(m, o).value();
}

CRM_METRICS_END_NAMESPACE
