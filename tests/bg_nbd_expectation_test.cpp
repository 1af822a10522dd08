// crm-metrics tests: the BG/NBD family's expected purchases at every horizon, age, frequency and
// parameter (a <= 1, a = 1, a + b <= 1, x up to 1e5, ages up to 1e7, horizons up to 1e300), against
// mpmath, and the bound on the work of one call (counted in series terms and integrand evaluations).
#include <crm/models/bg_nbd.hpp>
#include <crm/models/modified_bg_nbd.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "catch.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace bg_nbd_expectation_test {

namespace {
struct reference {
  double a, b, r, alpha, x, age, t;
  int k;  // 1: the modified BG/NBD (b' = b + x + 1)
  long double q;  // the mpmath value
};
// Q = E[(1 - exp(-lambda p t))/p], lambda ~ Gamma(r+x, alpha+T), p ~ Beta(a, b+x+k): the expected
// purchases in the next t of a live customer. Values: python3 scripts/hyp2f1_reference.py (Debian's
// python3-mpmath 1.3.0, 40 digits), which computes each case twice and prints both:
//   closed: C/(a-1) * (1 - (alpha'/(alpha'+t))**r' * mpmath.hyp2f1(r', b', C, t/(alpha'+t))), C = a+b'-1
//   quad:   mpmath.quad of p**(a-1) (1-p)**(b'-1) / mpmath.beta(a, b') * -mpmath.expm1(-r' mpmath.log1p(p t/alpha'))/p
// The two agree to 1e-26 or better wherever both are defined; "quad" marks the cases where the closed
// form is not (a = 1, C = 0) or mpmath's hyp2f1 gave up.
const reference cases[] = {
    {0.793, 2.426, 0.243, 4.414, 0, 0, 39, 0, 1.1967231933208168667L},  // closed
    {0.793, 2.426, 0.243, 4.414, 2, 38.86, 39, 0, 1.6873993058053129075L},  // closed
    {0.793, 2.426, 0.243, 4.414, 0, 38.86, 1000000.0, 0, 29.767668663129406535L},  // closed
    {0.793, 2.426, 0.243, 4.414, 1500, 38.86, 1000000.0, 0, 50812.584610420334351L},  // closed
    {0.793, 2.426, 0.243, 4.414, 20000, 38.86, 100000.0, 0, 383589.38385900927269L},  // closed
    {0.793, 2.426, 0.243, 4.414, 100000, 10000000.0, 1000000.0, 0, 9625.6853528989394909L},  // closed
    {0.793, 2.426, 0.243, 4.414, 100000, 38.86, 1000000000000.0, 0, 67022297.898850509335L},  // closed
    {0.793, 2.426, 0.243, 4.414, 0, 10000000.0, 52, 0, 1.2635984362304750431e-6L},  // closed
    {0.3, 0.4, 0.243, 4.414, 0, 0, 39, 0, 1.0957286061296970536L},  // closed
    {0.3, 0.4, 0.243, 4.414, 0, 0, 1000000.0, 0, 1300.1823269871759266L},  // closed
    {0.3, 0.4, 0.243, 4.414, 0, 38.86, 1000000000.0, 0, 33106.448009327324935L},  // closed
    {0.5, 0.5, 0.243, 4.414, 0, 0, 39, 0, 0.91794689274571382973L},  // quad
    {1.0, 2.426, 0.243, 4.414, 0, 0, 39, 0, 1.0842790105915187835L},  // quad
    {1.0, 2.426, 0.243, 4.414, 3, 20, 1000000.0, 0, 54.469654562014154774L},  // quad
    {0.999, 2.426, 0.243, 4.414, 0, 0, 1000000.0, 0, 18.522116169324468031L},  // closed
    {0.001, 0.001, 0.001, 0.001, 0, 0, 52, 0, 25.750404109448539211L},  // closed
    {0.001, 0.001, 0.001, 0.001, 5, 10, 1000000.0, 0, 494721.95459755880777L},  // closed
    {0.5, 1000.0, 0.2, 4.0, 0, 30, 1000000.0, 0, 2122.8595485879615392L},  // closed
    {10000.0, 10000.0, 10000.0, 10000.0, 10, 100, 1000000.0, 0, 2.0011001100110011001L},  // quad
    {2.5, 3.0, 1000.0, 0.01, 50, 30, 1000000.0, 0, 36.333333264995250867L},  // closed
    {0.891, 1.614, 0.525, 6.183, 0, 0, 39, 1, 1.835996860174050535L},  // closed
    {0.891, 1.614, 0.525, 6.183, 1500, 38.86, 1000000.0, 1, 27243.871449992977228L},  // closed
    {0.4, 0.3, 0.525, 6.183, 0, 0, 1000000.0, 1, 1253.4994026171025558L},  // closed
    {0.891, 1.614, 0.525, 6.183, 20000, 10000000.0, 10000000.0, 1, 14400.808420141828483L},  // closed
};

double rel(long double got, long double want) { return static_cast<double>(std::abs(got - want) / std::abs(want)); }
}  // namespace

TEMPLATE_TEST_CASE("bg_nbd expected purchases: every horizon, age, x and parameter answered, as mpmath computes them",
                   "[models][bg_nbd][expectation]", double, long double) {
  using T = TestType;
  for (const reference& c : cases) {
    CAPTURE(c.a, c.b, c.r, c.alpha, c.x, c.age, c.t, c.k);
    const auto q = crm::detail::bgnbd_alive_expectation<T>(T(c.a), T(c.b + c.x + c.k), T(c.r + c.x), T(c.alpha + c.age), T(c.t));
    REQUIRE(q.ok);
    CHECK(rel(q.value, c.q) < 1e-13);  // docs/models.md: within 1e-13 where mpmath checked it
    CHECK(q.relative_error < 1e-9);
    CHECK(q.work <= crm::detail::bgnbd_expectation_max_work);
    // the public forms give the same: E[X(t)] of a new customer, E[Y(t)] = Q P(alive) of a customer
    const crm::rfm_row<T> row{T(c.x), c.x == 0 ? T(0) : T(c.age), T(c.age)};
    if (c.k == 0) {
      const crm::bg_nbd<T> m{T(c.r), T(c.alpha), T(c.a), T(c.b)};
      if (c.x == 0 && c.age == 0) CHECK(rel(m.expected_purchases(T(c.t)), c.q) < 1e-13);
      CHECK(rel(m.conditional_expected_purchases(row, T(c.t)), c.q * m.probability_alive(row)) < 1e-13);
    } else {
      const crm::modified_bg_nbd<T> m{T(c.r), T(c.alpha), T(c.a), T(c.b)};
      if (c.x == 0 && c.age == 0) CHECK(rel(m.expected_purchases(T(c.t)), c.q * T(c.b / (c.a + c.b))) < 1e-13);
      CHECK(rel(m.conditional_expected_purchases(row, T(c.t)), c.q * m.probability_alive(row)) < 1e-13);
    }
  }
}

TEST_CASE("bg_nbd expected purchases: float is answered, as double computes it on the same float inputs",
          "[models][bg_nbd][expectation]") {
  // float computes in double and rounds once (its epsilon, 1.2e-7, is above the 1e-9 / 1e-12 targets):
  // within 2 float ulps of the double computation on the float-rounded inputs, on every mpmath case.
  for (const reference& c : cases) {
    CAPTURE(c.a, c.b, c.r, c.alpha, c.x, c.age, c.t, c.k);
    const float a = float(c.a), bp = float(c.b + c.x + c.k), rp = float(c.r + c.x), ap = float(c.alpha + c.age), t = float(c.t);
    const auto qf = crm::detail::bgnbd_alive_expectation<float>(a, bp, rp, ap, t);
    const auto qd = crm::detail::bgnbd_alive_expectation<double>(a, bp, rp, ap, t);
    REQUIRE(qf.ok);
    REQUIRE(qd.ok);
    CHECK(rel(qf.value, qd.value) < 2.4e-7);
    const crm::rfm_row<float> row{float(c.x), c.x == 0 ? 0.0F : float(c.age), float(c.age)};
    if (c.k == 0) {
      const crm::bg_nbd<float> m{float(c.r), float(c.alpha), float(c.a), float(c.b)};
      const crm::bg_nbd<double> md{float(c.r), float(c.alpha), float(c.a), float(c.b)};
      if (c.x == 0 && c.age == 0) CHECK(rel(m.expected_purchases(t), md.expected_purchases(double(t))) < 2.4e-7);
      CHECK(rel(m.conditional_expected_purchases(row, t), qf.value * m.probability_alive(row)) < 2.4e-7);
    } else {
      const crm::modified_bg_nbd<float> m{float(c.r), float(c.alpha), float(c.a), float(c.b)};
      const crm::modified_bg_nbd<double> md{float(c.r), float(c.alpha), float(c.a), float(c.b)};
      if (c.x == 0 && c.age == 0) CHECK(rel(m.expected_purchases(t), md.expected_purchases(double(t))) < 2.4e-7);
      CHECK(rel(m.conditional_expected_purchases(row, t), qf.value * m.probability_alive(row)) < 2.4e-7);
    }
  }
}

TEST_CASE("bg_nbd expected purchases: the cases refused before are answered", "[models][bg_nbd][expectation]") {
  const crm::bg_nbd<double> cdnow{0.243, 4.414, 0.793, 2.426};
  // "did not converge": heavy buyers over long horizons (a single call took up to a second)
  CHECK(cdnow.try_conditional_expected_purchases({1500, 38.86, 38.86}, 1e6).has_value());
  CHECK(cdnow.try_conditional_expected_purchases({20000, 38.86, 38.86}, 1e5).has_value());
  CHECK(cdnow.try_conditional_expected_purchases({100000, 1e7, 1e7}, 1e300).has_value());
  // "the expectation is infinite for a <= 1": a + b < 1 with x = 0, a new customer, a = 1
  const crm::bg_nbd<double> small{0.243, 4.414, 0.3, 0.4};
  CHECK(small.try_conditional_expected_purchases({0, 0, 38.86}, 39.0).has_value());
  CHECK(small.try_expected_purchases(1e6).has_value());
  CHECK(crm::bg_nbd<double>{0.243, 4.414, 1.0, 2.426}.try_expected_purchases(39.0).has_value());
  CHECK(crm::modified_bg_nbd<double>{0.525, 6.183, 1.0, 0.5}.try_expected_purchases(1e9).has_value());
  // Refused: only what is undefined (bad horizon or parameters), or a result beyond the number type.
  CHECK(cdnow.try_expected_purchases(-1.0).error().code == crm::errc::negative);
  CHECK(cdnow.try_expected_purchases(INFINITY).error().code == crm::errc::not_finite);
  const crm::bg_nbd<double> huge{1e300, 1e-300, 0.5, 0.5};
  const auto o = huge.try_expected_purchases(1e300);
  REQUIRE_FALSE(o.has_value());
  CHECK(o.error().code == crm::errc::overflow);
  CHECK(std::string(o.error().field) == "result");
}

TEST_CASE("bg_nbd expected purchases: a sweep of the parameter space, bounded work, two methods agree",
          "[models][bg_nbd][expectation]") {
  // Every combination below is answered (ok), lies between h(1) = 1 - (1+w)^-r' and r' w (its bounds:
  // h(p) = (1 - (1+pw)^-r')/p decreases from r'w to h(1)), grows with t, takes at most
  // bgnbd_expectation_max_work terms and evaluations, and, where the series answered, agrees with the
  // quadrature (two independent representations of the same integral) to 1e-10.
  const double as[] = {1e-3, 0.3, 1, 3, 1e4}, bs[] = {1e-3, 0.3, 1, 3, 1e4}, rs[] = {1e-3, 0.5, 1e3};
  const double xs[] = {0, 1, 1500, 1e5}, ages[] = {0, 1e7}, ts[] = {1e-6, 1, 1e6, 1e300};
  long long worst = 0, series = 0, quadrature = 0;
  double largest_disagreement = 0;
  for (const double a : as)
    for (const double b : bs)
      for (const double r : rs)
        for (const double x : xs)
          for (const double age : ages) {
            double previous = 0;
            for (const double t : ts) {
              const double bp = b + x, rp = r + x, alpha_p = 4.0 + age;
              const auto q = crm::detail::bgnbd_alive_expectation<double>(a, bp, rp, alpha_p, t);
              INFO("a=" << a << " b'=" << bp << " r'=" << rp << " alpha'=" << alpha_p << " t=" << t);
              REQUIRE(q.ok);
              REQUIRE(std::isfinite(q.value));
              const double lw = std::log(t) - std::log(alpha_p);
              const double upper = std::exp(std::log(rp) + lw), lower = -std::expm1(-rp * std::log1p(std::exp(lw)));
              CHECK(q.value <= upper * (1 + 1e-12));
              CHECK(q.value >= lower * (1 - 1e-12));
              CHECK(q.value >= previous * (1 - 1e-12));
              previous = q.value;
              worst = std::max(worst, q.work);
              if (q.method == crm::detail::alive_expectation<double>::series) {
                ++series;
                const auto check = crm::detail::bgnbd_expectation_quadrature<double>(a, bp, rp, lw);
                REQUIRE(check.ok);
                largest_disagreement = std::max(largest_disagreement, std::abs(check.value - q.value) / q.value);
              } else if (q.method == crm::detail::alive_expectation<double>::quadrature) {
                ++quadrature;
              }
            }
          }
  CHECK(worst <= crm::detail::bgnbd_expectation_max_work);
  CHECK(largest_disagreement < 1e-10);
  CHECK(series > 100);
  CHECK(quadrature > 100);
}

TEST_CASE("bg_nbd expected purchases: the work of one call is bounded (terms counted, not timed)", "[models][bg_nbd][expectation]") {
  // The documented worst case: 4000 series terms, then the quadrature's scan of 513 points (1 + 2 * 513
  // steps), end pieces (3)
  // and at most 512 + 2 * 512 Gauss-Kronrod panels of 15 evaluations.
  STATIC_REQUIRE(crm::detail::bgnbd_expectation_max_work == 4000 + 1 + 2 * 513 + 15 * (512 + 1024) + 3);
  // Heavy buyers over long horizons: the Euler-transformed series converges in a handful of terms
  // where the plain 2F1 series needed more than its cap of 10^7.
  for (const double x : {1500.0, 20000.0, 100000.0})
    for (const double t : {1e5, 1e6, 1e12}) {
      const auto q = crm::detail::bgnbd_alive_expectation<double>(0.793, 2.426 + x, 0.243 + x, 4.414 + 38.86, t);
      CAPTURE(x, t);
      REQUIRE(q.ok);
      CHECK(q.method == crm::detail::alive_expectation<double>::series);
      CHECK(q.work <= 20);
    }
  // Light buyers over very long horizons (z near 1): the series gives up at its cap, the quadrature answers.
  const auto slow = crm::detail::bgnbd_alive_expectation<double>(0.793, 2.426, 0.243, 4.414, 1e6);
  REQUIRE(slow.ok);
  CHECK(slow.method == crm::detail::alive_expectation<double>::quadrature);
  CHECK(slow.work > crm::detail::bgnbd_series_max_terms);
  CHECK(slow.work <= crm::detail::bgnbd_expectation_max_work);
}

}  // namespace bg_nbd_expectation_test
