// Tests of <crm/models/contractual_nested.hpp>: the models nested in sBG and BdW at the boundaries of
// their fits: crm::discrete_weibull_churn (homogeneous churn; the geometric at c = 1) and
// crm::power_law_survival, and crm::try_nested_contract_model.
//
// Reference values marked "mpmath" come from scripts/contractual_nested_reference.py (python3 with
// python3-mpmath, 30 digits: `python3 scripts/contractual_nested_reference.py`): the sums of S(t)
// written from the definitions, by mpmath.nsum (discrete Weibull E[T], Euler-Maclaurin), mpmath.fsum
// of a long direct sum, or 1 + floor(tau) + tau^k zeta(k, floor(tau) + 1) (the power law's E[T],
// mpmath's Hurwitz zeta, checked by a direct sum). Closed forms by hand arithmetic beside them. Values
// marked "SciPy covariance" come from scripts/nested_covariance_bb_contract_reference.py (PY=$(bash
// scripts/scipy-env.sh) && "$PY" scripts/nested_covariance_bb_contract_reference.py): the nested models'
// inverse Hessians of -ln L written from S(t), and delta-method intervals of S(12).
#include "catch.hpp"
#include "nested_interval_checks.hpp"

#include <crm/models/contractual_nested.hpp>
#include <crm/models/intervals.hpp>

#include <cmath>
#include <limits>
#include <span>
#include <type_traits>
#include <variant>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace contractual_nested_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
using counts = std::vector<crm::count_t>;
// the docs' geometric cohort, 1000 x 0.9^t rounded (docs/models.md)
const counts geometric_cohort = {1000, 900, 810, 729, 656, 590, 531, 478};
}  // namespace

TEMPLATE_TEST_CASE("contractual nested: the geometric model's closed forms by hand", "[contractual][nested]", float, double, long double) {
  using T = TestType;
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  const crm::discrete_weibull_churn<T> g{T(0.25), T(1)};
  // S(t) = 0.75^t: S(2) = 0.5625, S(3) = 0.421875
  CHECK_THAT(static_cast<double>(g.survival(0)), WithinRel(1.0, tol));
  CHECK_THAT(static_cast<double>(g.survival(3)), WithinRel(0.421875, tol));
  // P(T = 3) = 0.25 * 0.75^2 = 0.140625; r(t) = 0.75 at every t
  CHECK_THAT(static_cast<double>(g.churn_probability(3)), WithinRel(0.140625, tol));
  CHECK_THAT(static_cast<double>(g.retention_rate(7)), WithinRel(0.75, tol));
  // E[T] = 1/theta = 4; within 3 periods: 1 + 0.75 + 0.5625 = 2.3125
  CHECK_THAT(static_cast<double>(g.expected_lifetime()), WithinRel(4.0, tol));
  CHECK_THAT(static_cast<double>(g.expected_lifetime(3)), WithinRel(2.3125, tol));
  // DEL(0.1) = 1.1/0.35 = 3.142857142857143; DERL = 0.75 * 1.1/0.35 = 2.357142857142857 whatever the renewals
  CHECK_THAT(static_cast<double>(g.discounted_expected_lifetime(T(0.1))), WithinRel(1.1 / 0.35, tol));
  CHECK_THAT(static_cast<double>(g.discounted_expected_residual_lifetime(0, T(0.1))), WithinRel(0.75 * 1.1 / 0.35, tol));
  CHECK_THAT(static_cast<double>(g.discounted_expected_residual_lifetime(40, T(0.1))), WithinRel(0.75 * 1.1 / 0.35, tol));
  // RLV = 100 x DERL
  CHECK_THAT(static_cast<double>(g.residual_lifetime_value(3, T(0.1), T(100))), WithinRel(75.0 * 1.1 / 0.35, tol));
  const std::vector<T> sc = g.survival_curve(2), rc = g.retention_curve(2);
  REQUIRE(sc.size() == 3);
  REQUIRE(rc.size() == 2);
  CHECK_THAT(static_cast<double>(sc[2]), WithinRel(0.5625, tol));
  CHECK_THAT(static_cast<double>(rc[1]), WithinRel(0.75, tol));
  // the c != 1 sums at c = 1: the direct sums agree with the closed forms
  // ln L of 100 -> 75 -> 50: 25 churn at 1 (ln 0.25), 25 at 2 (ln 0.1875), 50 active at 2 (ln 0.5625)
  const std::vector<counts> one = {{100, 75, 50}};
  CHECK_THAT(static_cast<double>(g.log_likelihood(std::span<const counts>(one))),
             WithinRel(25 * std::log(0.25) + 25 * std::log(0.1875) + 50 * std::log(0.5625), std::is_same_v<T, float> ? 1e-6 : 1e-13));
}

TEMPLATE_TEST_CASE("contractual nested: discrete Weibull sums equal mpmath", "[contractual][nested]", float, double, long double) {
  using T = TestType;
  const double tol = std::is_same_v<T, float> ? 2e-5 : 1e-12;
  struct row {
    double theta, c, lifetime;
  };
  // mpmath (scripts/contractual_nested_reference.py): nsum((1-theta)^(t^c), [0, inf], euler-maclaurin);
  // (0.1, 0.5) also by a direct fsum over t < 2e5 (180.68801963231710821)
  const row rows[] = {{0.3, 2, 1.9839136844643902342}, {0.1, 0.5, 180.68801963231710824}, {0.2, 0.7, 11.32043342180741804},
                      {0.001, 1.3, 187.99870847822680281}};
  for (const row& r : rows) {
    const crm::discrete_weibull_churn<T> m{static_cast<T>(r.theta), static_cast<T>(r.c)};
    CHECK_THAT(static_cast<double>(m.expected_lifetime()), WithinRel(r.lifetime, tol));
  }
  // mpmath: fsum over t < 2000 of S(t) z^t and S(t)/S(n-1) z^(t-n), z = 1/(1+d)
  const crm::discrete_weibull_churn<T> a{T(0.2), T(0.7)};
  CHECK_THAT(static_cast<double>(a.discounted_expected_lifetime(T(0.1))), WithinRel(5.0907470005005232524, tol));
  CHECK_THAT(static_cast<double>(a.discounted_expected_residual_lifetime(4, T(0.1))), WithinRel(5.6447483404776030827, tol));
  const crm::discrete_weibull_churn<T> b{T(0.3), T(2)};
  CHECK_THAT(static_cast<double>(b.discounted_expected_lifetime(T(0.05))), WithinRel(1.9221445621694860039, tol));
  CHECK_THAT(static_cast<double>(b.discounted_expected_residual_lifetime(2, T(0.05))), WithinRel(0.18176842474573609003, tol));
  // S(t) = 0.7^(t^2) by hand: S(2) = 0.7^4 = 0.2401, r(2) = 0.7^3 = 0.343, P(T = 2) = 0.7 - 0.2401 = 0.4599
  CHECK_THAT(static_cast<double>(b.survival(2)), WithinRel(0.2401, tol));
  CHECK_THAT(static_cast<double>(b.retention_rate(2)), WithinRel(0.343, tol));
  CHECK_THAT(static_cast<double>(b.churn_probability(2)), WithinRel(0.4599, tol));
  // E[T] within 3 periods: 1 + 0.7 + 0.2401 = 1.9401
  CHECK_THAT(static_cast<double>(b.expected_lifetime(3)), WithinRel(1.9401, tol));
}

TEMPLATE_TEST_CASE("contractual nested: power-law survival equals hand arithmetic and mpmath", "[contractual][nested]", float, double,
                   long double) {
  using T = TestType;
  const double tol = std::is_same_v<T, float> ? 2e-5 : 1e-12;
  // S(t) = 1/t^2: E[T] = 1 + zeta(2) = 1 + pi^2/6 = 2.6449340668482264
  const crm::power_law_survival<T> p{T(2), T(1)};
  CHECK_THAT(static_cast<double>(p.expected_lifetime()), WithinRel(2.6449340668482264365, tol));
  CHECK_THAT(static_cast<double>(p.survival(4)), WithinRel(1.0 / 16, tol));
  // r(2) = (1/2)^2 = 0.25; P(T = 2) = 1 - 1/4 = 0.75
  CHECK_THAT(static_cast<double>(p.retention_rate(2)), WithinRel(0.25, tol));
  CHECK_THAT(static_cast<double>(p.churn_probability(2)), WithinRel(0.75, tol));
  // tau = 3.7: S = 1 up to t = 3, S(4) = (3.7/4)^2.5 = 0.8229...; P(T = 2) = 0, r(2) = 1
  const crm::power_law_survival<T> q{T(2.5), T(3.7)};
  CHECK(q.survival(3) == T(1));
  CHECK(q.churn_probability(2) == T(0));
  CHECK(q.retention_rate(3) == T(1));
  CHECK_THAT(static_cast<double>(q.survival(4)), WithinRel(std::pow(3.7 / 4, 2.5), tol));
  // mpmath: 1 + 3 + 3.7^2.5 zeta(2.5, 4), and 1 + 0.6^1.5 zeta(1.5) (both checked by a direct sum)
  CHECK_THAT(static_cast<double>(q.expected_lifetime()), WithinRel(6.6480847033310807518, tol));
  CHECK_THAT(static_cast<double>((crm::power_law_survival<T>{T(1.5), T(0.6)}).expected_lifetime()), WithinRel(2.2141223463402028124, tol));
  // mpmath fsum over t < 2000 (DEL, DERL)
  CHECK_THAT(static_cast<double>(q.discounted_expected_lifetime(T(0.1))), WithinRel(4.8575524159800901359, tol));
  CHECK_THAT(static_cast<double>(q.discounted_expected_residual_lifetime(1, T(0.1))), WithinRel(3.5676384233359090644, tol));
  CHECK_THAT(static_cast<double>(q.discounted_expected_residual_lifetime(5, T(0.1))), WithinRel(1.9411064764045187715, tol));
  const crm::power_law_survival<T> h{T(0.8), T(0.6)};  // E[T] infinite; DEL finite
  CHECK_THAT(static_cast<double>(h.discounted_expected_lifetime(T(0.1))), WithinRel(2.9549239246501696672, tol));
  CHECK_THAT(static_cast<double>(h.discounted_expected_residual_lifetime(0, T(0.1))), WithinRel(2.1504163171151866339, tol));
  CHECK_THAT(static_cast<double>(h.discounted_expected_residual_lifetime(3, T(0.1))), WithinRel(4.3933637749478864968, tol));
  // 1 - S(1) = 1 - 0.6^0.8 churns at period 1
  CHECK_THAT(static_cast<double>(h.churn_probability(1)), WithinRel(1 - std::pow(0.6, 0.8), tol));
  const auto inf = h.try_expected_lifetime();
  REQUIRE_FALSE(inf);
  CHECK(inf.error().code == crm::errc::out_of_range);
  CHECK(std::string(inf.error().field) == "k");
  // ln L of 100 -> 50 -> 40 under 1/t^2 is impossible? no: S(1) = 1 at tau = 1, so churn at 1 has probability 0
  const std::vector<counts> one = {{100, 50, 40}};
  const auto ll = p.try_log_likelihood(std::span<const counts>(one));
  REQUIRE_FALSE(ll);
  CHECK(ll.error().code == crm::errc::not_finite);
  // under tau = 0.6, k = 0.8: 50 ln(1 - 0.6^0.8) + 10 ln(0.6^0.8 - 0.3^0.8) + 40 ln(0.3^0.8)
  CHECK_THAT(static_cast<double>(h.log_likelihood(std::span<const counts>(one))),
             WithinRel(50 * std::log(1 - std::pow(0.6, 0.8)) + 10 * std::log(std::pow(0.6, 0.8) - std::pow(0.3, 0.8)) + 40 * 0.8 * std::log(0.3),
                       std::is_same_v<T, float> ? 1e-5 : 1e-12));
}

TEST_CASE("contractual nested: sBG and BdW converge to the discrete Weibull as alpha, beta -> infinity", "[contractual][nested]") {
  // alpha/(alpha+beta) = theta fixed: the Beta's variance theta(1-theta)/(alpha+beta+1) -> 0, so every
  // prediction's gap to the nested model shrinks like 1/(alpha+beta): 10x the scale, about 1/10 the gap
  const double theta = 0.2;
  const crm::discrete_weibull_churn<> g{theta, 1.0}, w{theta, 1.3};
  double prev_s = 0, prev_derl = 0, prev_w = 0;
  for (const double scale : {1e3, 1e4, 1e5}) {
    const crm::sbg<> s{theta * scale, (1 - theta) * scale};
    const crm::bdw<> b{theta * scale, (1 - theta) * scale, 1.3};
    const double gap_s = std::abs(s.survival(6) - g.survival(6));
    const double gap_derl = std::abs(s.discounted_expected_residual_lifetime(3, 0.1) - g.discounted_expected_residual_lifetime(3, 0.1));
    const double gap_w = std::abs(b.survival(6) - w.survival(6));
    CHECK(gap_s < 10.0 / scale);
    CHECK(gap_w < 10.0 / scale);
    if (prev_s > 0) {
      CHECK_THAT(prev_s / gap_s, WithinRel(10.0, 0.05));
      CHECK_THAT(prev_derl / gap_derl, WithinRel(10.0, 0.05));
      CHECK_THAT(prev_w / gap_w, WithinRel(10.0, 0.05));
    }
    prev_s = gap_s, prev_derl = gap_derl, prev_w = gap_w;
  }
}

TEST_CASE("contractual nested: the docs' geometric cohort fits to homogeneous churn with theta = 522/5216", "[contractual][nested]") {
  // D = 1000 - 478 = 522 churned; E = 1*100 + 2*90 + 3*81 + 4*73 + 5*66 + 6*59 + 7*53 + 7*478 = 5216
  // periods at risk; the geometric MLE theta = D/E (docs/models.md).
  crm::fit_options o;
  o.on_boundary = crm::boundary_policy::report;
  const auto fit = crm::fit_sbg(std::span<const crm::count_t>(geometric_cohort), o);
  REQUIRE(fit.boundary.where == crm::fit_boundary::homogeneous_churn);
  const auto nested = crm::try_nested_contract_model(fit);
  REQUIRE(nested);
  REQUIRE(std::holds_alternative<crm::discrete_weibull_churn<>>(*nested));
  const auto& m = std::get<crm::discrete_weibull_churn<>>(*nested);
  const double theta = 522.0 / 5216.0;
  CHECK_THAT(m.theta, WithinRel(theta, 1e-12));
  CHECK(m.c == 1.0);
  for (crm::count_t t = 0; t <= 12; ++t) CHECK_THAT(m.survival(t), WithinRel(std::pow(1 - theta, static_cast<double>(t)), 1e-12));
  CHECK_THAT(m.expected_lifetime(), WithinRel(5216.0 / 522.0, 1e-12));
  // through std::visit; ln L equals the fit's nested ln L (522 ln theta + 4694 ln(1-theta) = -1696.5115087)
  const double s5 = std::visit([](const auto& x) { return x.survival(5); }, *nested);
  CHECK_THAT(s5, WithinRel(std::pow(1 - theta, 5.0), 1e-12));
  const std::vector<counts> cohorts = {geometric_cohort};
  CHECK_THAT(m.log_likelihood(std::span<const counts>(cohorts)), WithinRel(522 * std::log(theta) + 4694 * std::log1p(-theta), 1e-12));
  CHECK_THAT(m.log_likelihood(std::span<const counts>(cohorts)), WithinRel(fit.boundary.nested_log_likelihood, 1e-12));
  // a fit with an interior maximum has no nested model
  const counts regular = {1000, 631, 468, 382, 326, 289, 262, 241};
  const auto interior = crm::fit_sbg(std::span<const crm::count_t>(regular), o);
  const auto none = crm::try_nested_contract_model(interior);
  REQUIRE_FALSE(none);
  CHECK(none.error().code == crm::errc::out_of_range);
  CHECK(std::string(none.error().field) == "boundary");
}

TEST_CASE("contractual nested: a BdW fit on the power-law boundary gives power-law survival", "[contractual][nested]") {
  // BdW fits of generate(bdw{0.46, 0.78, 1.28}, {13, 7, seed}): a few end on the power-law boundary
  // (docs/models.md: 5 of 2000); take the first seed that does
  crm::fit_options o;
  o.on_boundary = crm::boundary_policy::report;
  bool found = false;
  for (std::uint64_t seed = 1; seed <= 2000 && !found; ++seed) {
    const counts c = crm::generate(crm::bdw<>{0.46, 0.78, 1.28}, crm::contract_generate_options{13, 7, seed});
    const auto fit = crm::try_fit_bdw(std::span<const crm::count_t>(c), o);
    if (!fit || fit->boundary.where != crm::fit_boundary::power_law_survival) continue;
    found = true;
    const auto nested = crm::try_nested_contract_model(*fit);
    REQUIRE(nested);
    REQUIRE(std::holds_alternative<crm::power_law_survival<>>(*nested));
    const auto& p = std::get<crm::power_law_survival<>>(*nested);
    CHECK(p.k == fit->boundary.nested_shape);
    CHECK(p.tau == fit->boundary.nested_alpha);
    const std::vector<counts> cohorts = {c};
    CHECK_THAT(p.log_likelihood(std::span<const counts>(cohorts)), WithinRel(fit->boundary.nested_log_likelihood, 1e-9));
    // 1 - S(1) is the report's share churning at period 1
    CHECK_THAT(1 - p.survival(1), WithinAbs(fit->boundary.nested_dropout, 1e-12));
  }
  CHECK(found);
}

TEMPLATE_TEST_CASE("contractual nested: bad input is named by field and try_ forms never throw", "[contractual][nested]", float, double,
                   long double) {
  using T = TestType;
  const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
  const auto field = [](const auto& r) { return std::string(r.error().field); };
  for (const T theta : {T(0), T(1), T(-0.1), T(1.5), nan, inf}) {
    const auto r = (crm::discrete_weibull_churn<T>{theta, T(1)}).try_survival(2);
    REQUIRE_FALSE(r);
    CHECK(field(r) == "theta");
  }
  for (const T c : {T(0), T(-1), nan, inf}) {
    const auto r = (crm::discrete_weibull_churn<T>{T(0.2), c}).try_expected_lifetime();
    REQUIRE_FALSE(r);
    CHECK(field(r) == "c");
  }
  for (const T k : {T(0), T(-2), nan}) {
    const auto r = (crm::power_law_survival<T>{k, T(1)}).try_survival(2);
    REQUIRE_FALSE(r);
    CHECK(field(r) == "k");
  }
  for (const T tau : {T(0), T(-1), nan, inf}) {
    const auto r = (crm::power_law_survival<T>{T(2), tau}).try_discounted_expected_lifetime(T(0.1));
    REQUIRE_FALSE(r);
    CHECK(field(r) == "tau");
  }
  const crm::discrete_weibull_churn<T> w{T(0.2), T(0.7)};
  const crm::power_law_survival<T> p{T(2), T(1.5)};
  CHECK(field(w.try_survival(-1)) == "period");
  CHECK(field(p.try_survival(-1)) == "period");
  CHECK(field(w.try_churn_probability(0)) == "period");
  CHECK(field(p.try_retention_rate(0)) == "period");
  CHECK(field(w.try_survival_curve(-1)) == "periods");
  CHECK(field(p.try_retention_curve(0)) == "periods");
  CHECK(field(w.try_expected_lifetime(-1)) == "horizon");
  CHECK(field(p.try_expected_lifetime(20'000'000)) == "horizon");
  CHECK(field(w.try_discounted_expected_lifetime(T(0))) == "discount_rate");
  CHECK(field(p.try_discounted_expected_lifetime(nan)) == "discount_rate");
  CHECK(field(w.try_discounted_expected_residual_lifetime(-1, T(0.1))) == "renewals");
  CHECK(field(p.try_discounted_expected_residual_lifetime(2, T(-0.1))) == "discount_rate");
  CHECK(field(w.try_residual_lifetime_value(2, T(0.1), T(-1))) == "margin");
  CHECK(field(p.try_residual_lifetime_value(2, T(0.1), nan)) == "margin");
  // a discount rate too small for 1e7 terms: not_converged, not a wrong number
  CHECK((crm::power_law_survival<T>{T(0.8), T(0.6)}).try_discounted_expected_lifetime(T(1e-9)).error().code == crm::errc::not_converged);
  const std::vector<counts> bad = {{100, 120}};
  CHECK(field(w.try_log_likelihood(std::span<const counts>(bad))) == "survivors");
  CHECK(field(p.try_log_likelihood(std::span<const counts>(bad))) == "survivors");
  STATIC_REQUIRE(noexcept(w.try_survival(1)));
  STATIC_REQUIRE(noexcept(p.try_expected_lifetime()));
  STATIC_REQUIRE(noexcept(w.try_discounted_expected_residual_lifetime(1, T(0.1))));
  CHECK_NOTHROW((crm::discrete_weibull_churn<T>{nan, nan}).try_survival_curve(5));
  CHECK_NOTHROW((crm::power_law_survival<T>{nan, nan}).try_log_likelihood(std::span<const counts>(bad)));
}

TEST_CASE("contractual nested: extreme parameters stay finite and right", "[contractual][nested]") {
  // k = 1e300, tau = 2.5: S = 1 up to t = 2, then (2.5/3)^1e300 = 0: E[T] = 1 + 2 = 3 (was an overflow
  // error: the Euler-Maclaurin rising factorial overflowed)
  CHECK((crm::power_law_survival<>{1e300, 2.5}).expected_lifetime() == 3.0);
  // k = 3, tau = 1e300: 1 + 1e300 + tau^3 zeta(3, 1e300 + 1) = 1e300 (1 + 1/2 + O(1e-300)) by hand
  CHECK_THAT((crm::power_law_survival<>{3, 1e300}).expected_lifetime(), WithinRel(1.5e300, 1e-14));
  // DEL with S = 1 over every period double can count: (1+d)/d = 11
  CHECK_THAT((crm::power_law_survival<>{3, 1e300}).discounted_expected_lifetime(0.1), WithinRel(11.0, 1e-14));
  // theta = 1e-300, c = 300: lambda = 1e-300, t^c = 1e300 at t = 10, so S(10) = e^-1 and
  // r(10) = exp(-(1 - 0.9^300)), 0.9^300 = 1.87e-14 (hand arithmetic)
  const crm::discrete_weibull_churn<> w{1e-300, 300};
  CHECK_THAT(w.survival(10), WithinRel(std::exp(-1.0), 1e-13));
  CHECK_THAT(w.retention_rate(10), WithinRel(std::exp(-1.0 + std::pow(0.9, 300.0)), 1e-13));
  // a result beyond the type: an overflow error, not inf (E[T] about 2.2e58 in double)
  CHECK((crm::discrete_weibull_churn<float>{0.01f, 0.05f}).try_expected_lifetime().error().code == crm::errc::overflow);
}

namespace {
using crm_test::check_covariance;
void check_interval(const crm::result<crm::prediction_interval<double>>& r, double f, double se, double lower, double upper) {
  crm_test::check_interval(r, f, se, lower, upper, 1e-3);
}
template <class Model, class Fit>
crm::result<crm::parameter_estimate<Model>> nested_estimate(const Fit& fit) {
  const auto nested = crm::try_nested_contract_model(fit);
  REQUIRE(nested);
  REQUIRE(std::holds_alternative<Model>(*nested));
  return crm::try_parameter_estimate(std::get<Model>(*nested), fit.boundary);
}
const crm::fit_options report{.on_boundary = crm::boundary_policy::report};
const crm::interval_options bootstrap{.method = crm::prediction_interval_method::bootstrap, .draws = 200};
}  // namespace

TEST_CASE("contractual nested: the boundary report carries the nested model's covariance, and its survival gets intervals",
          "[contractual][nested][intervals]") {
  // Before: boundary_report::nested_covariance was empty (size 0) for sBG and BdW, and
  // crm::try_parameter_estimate(nested, boundary) did not accept their nested models.
  SECTION("sBG, homogeneous churn: the geometric, theta; c = 1 held") {
    const auto fit = crm::try_fit_sbg(std::span<const crm::count_t>(geometric_cohort), report);
    REQUIRE(fit);
    const crm::boundary_report& b = fit->boundary;
    REQUIRE(b.where == crm::fit_boundary::homogeneous_churn);
    // by hand: theta (1-theta) / E, theta = 522/5216, E = 5216 (SciPy covariance 1.7266361412818862e-05)
    REQUIRE(b.nested_covariance.size == 1);
    const double theta = 522.0 / 5216.0;
    CHECK_THAT(b.nested_covariance(0, 0), WithinRel(theta * (1 - theta) / 5216.0, 1e-12));
    CHECK_THAT(std::sqrt(b.nested_covariance(0, 0)), WithinRel(b.nested_dropout_se, 1e-12));
    const auto est = nested_estimate<crm::discrete_weibull_churn<>>(*fit);
    REQUIRE(est);
    CHECK(est->standard_errors().c == 0.0);  // held
    // SciPy covariance: S(12) = (1-theta)^12 0.2821408890215897, se 0.01563299495514121, 90 % [0.25715164072311714, 0.3085498656206472]
    check_interval(crm::try_survival_interval(*est, 12), 0.2821408890215897, 0.01563299495514121, 0.25715164072311714, 0.3085498656206472);
    // the bootstrap never moves c: the retention rate of the geometric stays 1 - theta in every draw
    const auto r5 = crm::try_retention_rate_interval(*est, 5, bootstrap), r9 = crm::try_retention_rate_interval(*est, 9, bootstrap);
    REQUIRE(r5);
    REQUIRE(r9);
    CHECK_THAT(r5->lower, WithinRel(r9->lower, 1e-12));
    CHECK_THAT(r5->upper, WithinRel(r9->upper, 1e-12));
    CHECK(r5->lower < 1 - theta);
    const auto curve = crm::try_survival_curve_intervals(*est, 12);
    REQUIRE(curve);
    CHECK(curve->each.size() == 13);
    // a model that is not the report's
    const auto other = crm::try_parameter_estimate(crm::discrete_weibull_churn<>{theta, 1.1}, b);
    REQUIRE_FALSE(other);
    CHECK(std::string(other.error().field) == "parameters");
    const auto wrong = crm::try_parameter_estimate(crm::power_law_survival<>{1.0, 1.0}, b);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == crm::errc::out_of_range);
    CHECK(std::string(wrong.error().field) == "boundary");
  }
  SECTION("BdW, homogeneous churn: the discrete Weibull, (theta, c)") {
    const counts dw_ridge = {1000, 897, 794, 725, 649, 588, 523, 455};  // generate(bdw{1e11, 9e11, 1}, {1000, 7, 1})
    const auto fit = crm::try_fit_bdw(std::span<const crm::count_t>(dw_ridge), report);
    REQUIRE(fit);
    const crm::boundary_report& b = fit->boundary;
    REQUIRE(b.where == crm::fit_boundary::homogeneous_churn);
    check_covariance(b.nested_covariance, {{7.438096251105315e-05, -0.0003382711190725507}, {-0.0003382711190725507, 0.001994962562844227}}, 1e-3);
    CHECK_THAT(std::sqrt(b.nested_covariance(0, 0)), WithinRel(b.nested_dropout_se, 1e-12));
    CHECK_THAT(std::sqrt(b.nested_covariance(1, 1)), WithinRel(b.nested_shape_se, 1e-12));
    const auto est = nested_estimate<crm::discrete_weibull_churn<>>(*fit);
    REQUIRE(est);
    // SciPy covariance: S(12) 0.2577045596886823, se 0.01875657613082916, 90 % [0.22807479380613888, 0.2897387929832385]
    check_interval(crm::try_survival_interval(*est, 12), 0.2577045596886823, 0.01875657613082916, 0.22807479380613888, 0.2897387929832385);
    const auto boot = crm::try_survival_interval(*est, 12, bootstrap);
    REQUIRE(boot);
    CHECK(boot->lower < boot->estimate);
    CHECK(boot->upper > boot->estimate);
  }
  SECTION("BdW, power-law survival: (k, tau), none at tau's kink") {
    struct case_ {
      counts n;
      std::vector<std::vector<double>> cov;
      double f, se, lower, upper;  // S(12)
    };
    // SciPy covariance
    const case_ cases[] = {
        {{13, 9, 3, 2, 1, 1, 1, 0},
         {{0.30001689933361575, 0.034815681336752856}, {0.03481568133675286, 0.012595465991514196}},
         0.013477965332649649, 0.01851305752444022, 0.0013813190817374055, 0.11889616732044532},
        {{13, 13, 11, 7, 6, 6, 6, 6},
         {{0.06420757041294983, 0.049926580608304884}, {0.04992658060830488, 0.1357198899649244}},
         0.30719617396732934, 0.1441264582310476, 0.12706559497584127, 0.574598058341719},
    };
    for (const case_& x : cases) {
      INFO("cohort " << x.n[1] << " " << x.n[2] << " " << x.n[3]);
      const auto fit = crm::try_fit_bdw(std::span<const crm::count_t>(x.n), report);
      REQUIRE(fit);
      const crm::boundary_report& b = fit->boundary;
      REQUIRE(b.where == crm::fit_boundary::power_law_survival);
      check_covariance(b.nested_covariance, x.cov, 1e-3);
      CHECK_THAT(std::sqrt(b.nested_covariance(0, 0)), WithinRel(b.nested_shape_se, 1e-12));
      CHECK_THAT(std::sqrt(b.nested_covariance(1, 1)), WithinRel(b.nested_alpha_se, 1e-12));
      const auto est = nested_estimate<crm::power_law_survival<>>(*fit);
      REQUIRE(est);
      check_interval(crm::try_survival_interval(*est, 12), x.f, x.se, x.lower, x.upper);
      CHECK_FALSE(crm::try_parameter_estimate(crm::discrete_weibull_churn<>{0.1, 1.0}, b));
    }
    // tau at its kink 1 (nobody churned at period 1, and the likelihood peaks where S(1) reaches 1): not
    // differentiable in tau, no covariance (tau's SE is reported 0)
    const counts kink = {13, 13, 10, 9, 8, 7, 7, 7};
    const auto fit = crm::try_fit_bdw(std::span<const crm::count_t>(kink), report);
    REQUIRE(fit);
    REQUIRE(fit->boundary.where == crm::fit_boundary::power_law_survival);
    CHECK(fit->boundary.nested_alpha_se == 0.0);
    CHECK(fit->boundary.nested_covariance.size == 0);
    const auto none = nested_estimate<crm::power_law_survival<>>(*fit);
    REQUIRE_FALSE(none);
    CHECK(none.error().code == crm::errc::not_identifiable);
    CHECK(std::string(none.error().field) == "covariance");
  }
}

}  // namespace contractual_nested_test
