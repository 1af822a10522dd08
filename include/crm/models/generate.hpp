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
#include <crm/models/data.hpp>

#include <cmath>
#include <concepts>
#include <cstdint>
#include <random>

CRM_METRICS_BEGIN_NAMESPACE

/// How many customers to draw, over which observation window, with which seed.
template <std::floating_point T = double>
struct generate_options {
  count_t customers = 1000;  ///< number of customers (> 0)
  T first_age{52};           ///< shortest observation window T (time since the first purchase)
  T last_age{52};            ///< longest; each customer's age is uniform in [first_age, last_age]
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
  if (o.last_age < o.first_age) return {errc::part_exceeds_whole, model, "first_age > last_age"};
  return {};
}
/// The age of the next customer.
template <std::floating_point T>
[[nodiscard]] T draw_age(std::mt19937_64& g, const generate_options<T>& o) noexcept {
  if (o.last_age == o.first_age) return o.first_age;
  return o.first_age + static_cast<T>(uniform01(g)) * (o.last_age - o.first_age);
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
