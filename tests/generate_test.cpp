// crm-metrics tests: the customer generators: determinism, validity, and agreement of simulated
// purchase counts with each model's closed-form predictions.
#include <crm/models/generate.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "catch.hpp"
#if defined(CRM_METRICS_CATCH2_V3)
using Catch::Approx;
#endif

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace generate_test {

namespace {
using row = crm::rfm_row<double>;
struct moments {
  double mean = 0, se = 0, zero_share = 0, zero_se = 0;
};
moments frequency_moments(const std::vector<row>& rows) {
  double s = 0, s2 = 0, z = 0;
  for (const row& c : rows) s += c.frequency, s2 += c.frequency * c.frequency, z += c.frequency == 0 ? 1 : 0;
  const double n = static_cast<double>(rows.size()), mean = s / n, share = z / n;
  return {mean, std::sqrt((s2 / n - mean * mean) / n), share, std::sqrt(share * (1 - share) / n)};
}
}  // namespace

TEST_CASE("generate: the samplers have the right moments", "[models][generate]") {
  std::mt19937_64 g(5);
  const int n = 200'000;
  for (const double shape : {0.25, 0.8, 1.0, 3.5}) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      const double v = crm::detail::draw_gamma(g, shape, 2.0);
      s += v, s2 += v * v;
    }
    // Gamma(shape, rate 2): mean shape/2, variance shape/4.
    const double mean = s / n, var = s2 / n - mean * mean;
    CAPTURE(shape);
    CHECK(std::abs(mean - shape / 2) < 5 * std::sqrt(shape / 4 / n));
    CHECK(var == Approx(shape / 4).epsilon(0.05));
  }
  double s = 0;
  for (int i = 0; i < n; ++i) s += crm::detail::draw_beta(g, 0.793, 2.426);
  CHECK(std::abs(s / n - 0.793 / (0.793 + 2.426)) < 0.003);  // Beta mean a/(a+b), sd/sqrt(n) ~ 0.0005
  double e = 0;
  for (int i = 0; i < n; ++i) e += crm::detail::draw_exponential(g, 4.0);
  CHECK(std::abs(e / n - 0.25) < 0.003);
}

TEST_CASE("generate: a seed gives the same customers, another seed others", "[models][generate]") {
  const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
  const crm::generate_options<double> o{.customers = 2000, .first_age = 27.0, .last_age = 39.0, .seed = 99};
  const auto a = crm::generate(m, o), b = crm::generate(m, o);
  CHECK(a == b);
  auto o2 = o;
  o2.seed = 100;
  CHECK(crm::generate(m, o2) != a);
  REQUIRE(a.size() == 2000);
  CHECK_FALSE(crm::validate(std::span<const row>(a), "test"));
  std::size_t integral = 0, repeaters = 0;
  for (const row& c : a) {
    CHECK(c.age >= 27.0);
    CHECK(c.age <= 39.0);
    CHECK(c.weight == 1.0);
    if (c.frequency > 0) ++repeaters, integral += c.recency == std::floor(c.recency) ? 1 : 0;
  }
  // Continuous time: purchase times are not rounded to whole days or weeks.
  CHECK(repeaters > 100);
  CHECK(integral == 0);
}

TEST_CASE("generate: simulated counts match E[X(T)] and P(X(T) = 0) of each model", "[models][generate]") {
  const crm::generate_options<double> o{.customers = 200'000, .first_age = 39.0, .last_age = 39.0, .seed = 3};
  SECTION("BG/NBD") {
    const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
    const moments s = frequency_moments(crm::generate(m, o));
    CHECK(std::abs(s.mean - m.expected_purchases(39.0)) < 4 * s.se);
    CHECK(std::abs(s.zero_share - m.probability_of_purchases(0, 39.0)) < 4 * s.zero_se);
  }
  SECTION("modified BG/NBD") {
    const crm::modified_bg_nbd<double> m{0.525, 6.183, 0.891, 1.614};
    const moments s = frequency_moments(crm::generate(m, o));
    CHECK(std::abs(s.mean - m.expected_purchases(39.0)) < 4 * s.se);
    CHECK(std::abs(s.zero_share - m.probability_of_purchases(0, 39.0)) < 4 * s.zero_se);
  }
  SECTION("Pareto/NBD") {
    const crm::pareto_nbd<double> m{0.553, 10.578, 0.606, 11.669};
    const moments s = frequency_moments(crm::generate(m, o));
    CHECK(std::abs(s.mean - m.expected_purchases(39.0)) < 4 * s.se);
    CHECK(std::abs(s.zero_share - m.probability_of_purchases(0, 39.0)) < 4 * s.zero_se);
  }
}

TEST_CASE("generate: BG/NBD conditional expectation of customers without repeat purchases, by simulation",
          "[models][generate][bg_nbd]") {
  // Continue the simulated BG/NBD process past T and average the purchases in (T, T + t] of the
  // customers with x = 0: FHL 2005 eq. (10) at x = 0.
  const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
  const double T = 38.86, t = 39.0;
  std::mt19937_64 g(17);
  double n = 0, sum = 0, sum2 = 0;
  for (int i = 0; i < 300'000; ++i) {
    const double lambda = crm::detail::draw_gamma(g, m.r, m.alpha), p = crm::detail::draw_beta(g, m.a, m.b);
    double now = 0, x = 0, y = 0;
    while (true) {
      now += crm::detail::draw_exponential(g, lambda);
      if (now > T + t) break;
      (now <= T ? x : y) += 1.0;
      if (crm::detail::uniform01(g) < p) break;
    }
    if (x == 0) n += 1, sum += y, sum2 += y * y;
  }
  const double mean = sum / n, se = std::sqrt((sum2 / n - mean * mean) / n);
  const double want = m.conditional_expected_purchases({0, 0, T}, t);
  CAPTURE(mean, se, want);
  CHECK(std::abs(mean - want) < 4 * se);
}

TEST_CASE("generate: bad parameters and options are errors naming the field", "[models][generate]") {
  const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
  crm::generate_options<double> o;
  o.customers = 0;
  CHECK(std::string(crm::try_generate(m, o).error().field) == "customers");
  o.customers = 10, o.first_age = 40, o.last_age = 30;
  CHECK(crm::try_generate(m, o).error().code == crm::errc::part_exceeds_whole);
  o.first_age = 0, o.last_age = 30;
  CHECK(std::string(crm::try_generate(m, o).error().field) == "first_age");
  o.first_age = NAN;
  CHECK(crm::try_generate(m, o).error().code == crm::errc::not_finite);
  o = {};
  CHECK(std::string(crm::try_generate(crm::bg_nbd<double>{0.243, 4.414, -1.0, 2.426}, o).error().field) == "a");
  CHECK(std::string(crm::try_generate(crm::pareto_nbd<double>{0.5, 1.0, 0.5, 0.0}, o).error().field) == "beta");
  CHECK(std::string(crm::try_generate(crm::modified_bg_nbd<double>{0.5, 1.0, 0.5, INFINITY}, o).error().field) == "b");
  CHECK_THROWS_AS(crm::generate(crm::bg_nbd<double>{}, o), crm::metric_error);
  // long double rows
  crm::generate_options<long double> ol{.customers = 10, .first_age = 10.0L, .last_age = 10.0L, .seed = 1};
  const auto rl = crm::generate(crm::pareto_nbd<long double>{0.5L, 1.0L, 0.5L, 1.0L}, ol);
  CHECK(rl.size() == 10);
}

TEST_CASE("generate: ages on a day grid (age_step) with purchases still in continuous time", "[models][generate]") {
  const crm::pareto_nbd<double> m{0.553, 10.578, 0.606, 11.669};
  const auto rows = crm::generate(m, {.customers = 5000, .first_age = 27.0, .last_age = 39.0, .age_step = 1.0 / 7.0, .seed = 8});
  std::size_t off_grid = 0;
  double lo = 1e9, hi = 0;
  for (const row& c : rows) {
    const double k = (39.0 - c.age) * 7.0;
    off_grid += std::abs(k - std::round(k)) > 1e-9 ? 1 : 0;
    lo = std::min(lo, c.age), hi = std::max(hi, c.age);
  }
  CHECK(off_grid == 0);
  CHECK(hi == 39.0);
  CHECK(lo == Approx(27.0).margin(1.0 / 7.0));
  CHECK(lo >= 27.0);
  crm::generate_options<double> o;
  o.age_step = -1.0;
  CHECK(std::string(crm::try_generate(m, o).error().field) == "age_step");
}

}  // namespace generate_test
