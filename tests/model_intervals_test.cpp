// Tests of <crm/models/intervals.hpp>: parameter covariance from the data, delta-method and
// parametric-bootstrap prediction intervals for every model, and their coverage on generated data.
//
// Reference values marked "mpmath" come from scripts/intervals_diagnostics_reference.py (run with
// PY=$(bash scripts/scipy-env.sh) && "$PY" scripts/intervals_diagnostics_reference.py delta
// bootstrap): it writes the BG/NBD likelihood (FHL 2005 eq. 6) in mpmath at 50 digits, takes the
// Hessian of -ln L in ln(parameters) by central differences with step 1e-12, inverts it, and takes
// the gradients of the predictions (mpmath.hyp2f1) by central differences with step 1e-15; the
// bootstrap reference draws 400 000 parameter vectors with NumPy's default_rng(20260101).
// multivariate_normal and takes np.quantile. All at P = (0.242593, 4.41353, 0.792886, 2.42575), the
// script's own SciPy fit to CDNOW (section "fit": r=0.2425929, alpha=4.4135315, a=0.7928862,
// b=2.4257540, ln L=-9582.4256), rounded to 6 digits.
#include "catch.hpp"
#include "data_path.hpp"

#include <crm/models.hpp>
#include <crm/models/intervals.hpp>

#include <array>
#include <iostream>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace model_intervals_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
const crm::bg_nbd<double> cdnow_p{0.242593, 4.41353, 0.792886, 2.42575};
const crm::rfm_row<double> customer1{2, 30.43, 38.86};

// mpmath: covariance of ln(r, alpha, a, b) at P on CDNOW
constexpr std::array<std::array<double, 4>, 4> mp_log_cov = {{
    {0.00267940080337, 0.00346167239312, -0.000456668035585, 0.000111558186114},
    {0.00346167239312, 0.00734378477738, -0.000818870771754, 0.000982837250268},
    {-0.000456668035585, -0.000818870771754, 0.0548644664879, 0.0640526375267},
    {0.000111558186114, 0.000982837250268, 0.0640526375267, 0.084549359171},
}};

/// The mpmath covariance of the natural parameters, p_i p_j C_ij.
std::array<std::array<double, 4>, 4> natural_covariance() {
  const std::array<double, 4> p = {0.242593, 4.41353, 0.792886, 2.42575};
  std::array<std::array<double, 4>, 4> c{};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j) c[i][j] = p[i] * p[j] * mp_log_cov[i][j];
  return c;
}

std::vector<crm::rfm_row<double>> cdnow() { return crm::read_rfm_csv(crm_test::data_file("cdnow/cdnow_customers_summary.csv").string()); }

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}
/// docs/model-diagnostics.md, as one string.
std::string doc_page() {
  std::ifstream page(std::filesystem::path(__FILE__).parent_path().parent_path() / "docs" / "model-diagnostics.md");
  std::stringstream all;
  all << page.rdbuf();
  return all.str();
}
/// The row of the page's table of CDNOW delta intervals for this interval.
std::string doc_row(const char* label, const crm::prediction_interval<double>& i, int digits = 3, int se_digits = 4) {
  return std::string("| ") + label + " | " + fixed(i.estimate, digits) + " | " + fixed(i.standard_error, se_digits) + " | " +
         fixed(i.lower, digits) + " | " + fixed(i.upper, digits) + " |";
}

void check_interval(const crm::prediction_interval<double>& i, double est, double se, double lo, double hi, double tol) {
  CHECK_THAT(i.estimate, WithinRel(est, 1e-9));
  CHECK_THAT(i.standard_error, WithinRel(se, tol));
  CHECK_THAT(i.lower, WithinRel(lo, tol));
  CHECK_THAT(i.upper, WithinRel(hi, tol));
}
}  // namespace

TEST_CASE("parameter_estimate: the covariance from the CDNOW data matches mpmath and the fit's standard errors", "[models][intervals][data]") {
  const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(file);
  const auto rows = cdnow();
  const auto est = crm::try_parameter_estimate(cdnow_p, rows);
  REQUIRE(est);
  // finite differences with step eps^(1/4) in double: each entry within 1e-4 of sqrt(C_ii C_jj)
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      CHECK_THAT(est->log_covariance[i][j], WithinAbs(mp_log_cov[i][j], 1e-4 * std::sqrt(mp_log_cov[i][i] * mp_log_cov[j][j])));
  // mpmath: se = p sqrt(C_ii)
  const crm::bg_nbd<double> se = est->standard_errors();
  CHECK_THAT(se.r, WithinRel(0.0125573241991, 1e-4));
  CHECK_THAT(se.alpha, WithinRel(0.378221361164, 1e-4));
  CHECK_THAT(se.a, WithinRel(0.185718997102, 1e-4));
  CHECK_THAT(se.b, WithinRel(0.705344363505, 1e-4));
  // natural covariance = p_i p_j C_ij
  const auto cov = est->covariance();
  CHECK_THAT(cov[0][1], WithinRel(0.242593 * 4.41353 * mp_log_cov[0][1], 1e-4));
  // at the library's own fit the estimate reproduces the fit's standard errors (different Hessians:
  // natural parameters from the analytic gradient there, log-parameters from values here)
  const auto fit = crm::fit_bg_nbd(rows);
  const auto at_fit = crm::parameter_estimate_from(fit.params, rows).standard_errors();
  CHECK_THAT(at_fit.r, WithinRel(fit.standard_errors.r, 1e-4));
  CHECK_THAT(at_fit.alpha, WithinRel(fit.standard_errors.alpha, 1e-4));
  CHECK_THAT(at_fit.a, WithinRel(fit.standard_errors.a, 1e-4));
  CHECK_THAT(at_fit.b, WithinRel(fit.standard_errors.b, 1e-4));
}

namespace {
/// Each entry of two log-covariances within tol * sqrt(C_ii C_jj) (of the first) of each other.
template <std::size_t N>
void check_same_covariance(const std::array<std::array<double, N>, N>& a, const std::array<std::array<double, N>, N>& b, double tol) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = 0; j < N; ++j) {
      INFO("entry (" << i << ", " << j << ")");
      CHECK_THAT(a[i][j], WithinAbs(b[i][j], tol * std::sqrt(a[i][i] * a[j][j])));
    }
}
/// How close the estimate from the fit and the one from the data are: each log-covariance entry
/// within this times sqrt(C_ii C_jj) (docs/model-diagnostics.md states it).
constexpr double fit_vs_data = 2e-4;
/// The estimate from the fit's covariance and the one from the data at the fitted parameters agree.
template <class Model, class Data>
void check_fit_estimate(const crm::fit_result<Model>& fit, const Data& data, double tol) {
  constexpr std::size_t n = crm::model_parameters<Model>::size;
  REQUIRE(fit.covariance.available());
  REQUIRE(fit.covariance.size == n);
  const auto from_fit = crm::try_parameter_estimate(fit);
  const auto from_data = crm::try_parameter_estimate(fit.params, data);
  REQUIRE(from_fit);
  REQUIRE(from_data);
  check_same_covariance<n>(from_data->log_covariance, from_fit->log_covariance, tol);
  // the covariance's diagonal is the square of the fit's standard errors
  const auto se = crm::model_parameters<Model>::get(fit.standard_errors);
  const auto se_est = crm::model_parameters<Model>::get(from_fit->standard_errors());
  for (std::size_t i = 0; i < n; ++i) {
    CHECK_THAT(fit.covariance(i, i), WithinRel(static_cast<double>(se[i] * se[i]), 1e-12));
    CHECK_THAT(static_cast<double>(se_est[i]), WithinRel(static_cast<double>(se[i]), 1e-12));
  }
}
}  // namespace

TEST_CASE("parameter_estimate: from the fit_result equals the one from the CDNOW data and mpmath", "[models][intervals][data]") {
  const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(file);
  const auto rows = cdnow();
  const auto fit = crm::fit_bg_nbd(rows);
  // fit: inverse of the central-difference Hessian of the analytic gradient (natural parameters);
  // data: inverse of central second differences of -ln L in ln(parameters) (step eps^(1/4), whose
  // rounding error dominates): every entry within 2e-4 of sqrt(C_ii C_jj) (2.2e-5 seen here; up to
  // 3e-4 on the Gamma-Gamma fit below, which takes 5e-4)
  check_fit_estimate(fit, rows, fit_vs_data);
  // and the mpmath covariance at P (the SciPy fit rounded to 6 digits) within 1e-4, as the data's
  check_same_covariance<4>(mp_log_cov, crm::parameter_estimate_from(fit).log_covariance, 1e-4);
  // the matrix itself is the natural-parameter covariance: C_ij = p_i p_j C_u[i][j] (mpmath)
  const std::array<double, 4> p = {fit.params.r, fit.params.alpha, fit.params.a, fit.params.b};
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j < 4; ++j)
      CHECK_THAT(fit.covariance(i, j), WithinAbs(p[i] * p[j] * mp_log_cov[i][j], 1e-4 * std::sqrt(fit.covariance(i, i) * fit.covariance(j, j))));
}

TEST_CASE("parameter_estimate: from the fit_result of every model equals the one from the data", "[models][intervals][data]") {
  SECTION("modified BG/NBD on CDNOW") {
    const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
    CRM_REQUIRE_DATA(file);
    const auto rows = cdnow();
    check_fit_estimate(crm::fit_modified_bg_nbd(rows), rows, fit_vs_data);
  }
  SECTION("Gamma-Gamma on CDNOW's 946 repeat customers") {
    const auto file = crm_test::data_file("cdnow/cdnow_customers_summary_with_transactions.csv");
    CRM_REQUIRE_DATA(file);
    const auto rows = crm::repeat_customers(crm::read_spend_csv(file));
    // The data's estimate is the Hessian the fit takes (central differences of the analytic gradient,
    // in the unit of the spends' geometric mean), at the same point: the same matrix to 1e-8 of
    // sqrt(C_ii C_jj). Before 2026-12-05 it was second differences of -ln L, which scattered here by up
    // to 3e-4 (moving p by 1e-13 relative moved its C_u[0][0] by -2.9e-4 .. +2.4e-4: the rounding of 946
    // rows' -ln L, 1e-11 nats, over h^2 = 1.5e-8) and on a flat fit (crm-report's tests, q ~ 1e4) was
    // not positive definite. The fit's own is checked against mpmath: within 5e-5 (the fit stops where
    // ln L changes by less than its tolerance, gradient 1.5e-7 a customer: the log-parameter Hessian
    // mpmath takes differs from the natural one the fit inverts by diag(theta_i dlnL/dtheta_i), 1e-4 nats).
    const auto fit = crm::fit_gamma_gamma(rows);
    check_fit_estimate(fit, rows, 1e-8);
    // mpmath: scripts/gamma_gamma_fit_reference.py cdnow-covariance (the inverse of mp.diff's Hessian, 30
    // digits, of the FHL -ln L in ln(p, q, gamma) at the fit's (6.2488045310517792, 3.7445879518429543,
    // 15.44773945063061)):
    const std::array<std::array<double, 3>, 3> mp_gg = {{{0.03624699688, -0.009910893048, -0.04974692966},
                                                         {-0.009910893048, 0.006004593391, 0.01715300662},
                                                         {-0.04974692966, 0.01715300662, 0.07251955184}}};
    check_same_covariance<3>(mp_gg, crm::parameter_estimate_from(fit).log_covariance, 5e-5);
  }
  SECTION("BG/BB on the donations") {
    const auto file = crm_test::data_file("donations/donations.csv");
    CRM_REQUIRE_DATA(file);
    const std::vector<crm::discrete_row<double>> rows = crm::read_discrete_csv(file);
    check_fit_estimate(crm::fit_bg_bb(rows), rows, fit_vs_data);
  }
  SECTION("Pareto/NBD, generated") {
    const auto rows = crm::generate(crm::pareto_nbd<double>{2.0, 10.0, 1.2, 12.0}, {.customers = 300, .first_age = 40, .last_age = 60, .seed = 11});
    check_fit_estimate(crm::fit_pareto_nbd(rows), rows, fit_vs_data);
  }
  SECTION("sBG and BdW on the regular cohort of Fader & Hardie (2007)") {
    const std::vector<std::vector<crm::count_t>> cohorts = {{1000, 631, 468, 382, 326, 289, 262, 241}};
    const std::span<const std::vector<crm::count_t>> c(cohorts);
    check_fit_estimate(crm::fit_sbg<double>(c), cohorts, fit_vs_data);
    check_fit_estimate(crm::fit_bdw<double>(c), cohorts, fit_vs_data);
  }
}

TEST_CASE("parameter_estimate: a fit without covariance (boundary maximum) is refused by name", "[models][intervals][data]") {
  const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(file);
  // the first 10 CDNOW customers: the BG/NBD maximum is at a, b -> 0 (tests/nbd_test.cpp)
  const auto all = cdnow();
  const std::vector<crm::rfm_row<double>> few(all.begin(), all.begin() + 10);
  const auto fit = crm::try_fit_bg_nbd(few, {.on_boundary = crm::boundary_policy::report});
  REQUIRE(fit);
  REQUIRE(fit->boundary.where != crm::fit_boundary::none);
  CHECK(std::isinf(fit->standard_errors.a));
  CHECK_FALSE(fit->covariance.available());
  const auto est = crm::try_parameter_estimate(*fit);
  REQUIRE_FALSE(est);
  CHECK(est.error().code == crm::errc::not_identifiable);
  CHECK(std::string(est.error().field) == "covariance");
  CHECK_THROWS_AS(crm::parameter_estimate_from(*fit), crm::metric_error);
  // a default-constructed fit_result has none either; a covariance of another size is refused
  CHECK(crm::try_parameter_estimate(crm::fit_result<crm::bg_nbd<double>>{}).error().code == crm::errc::not_identifiable);
  crm::fit_result<crm::gamma_gamma<double>> wrong{};
  wrong.params = {6.25, 3.74, 15.44};
  wrong.covariance.size = 4;
  for (std::size_t i = 0; i < 4; ++i) wrong.covariance.values[i][i] = 1.0;
  CHECK(crm::try_parameter_estimate(wrong).error().code == crm::errc::out_of_range);
  // an indefinite matrix is refused as a given covariance is
  wrong.covariance.size = 3;
  wrong.covariance.values[0][1] = wrong.covariance.values[1][0] = 2.0;
  CHECK(crm::try_parameter_estimate(wrong).error().code == crm::errc::out_of_range);
}

TEST_CASE("prediction intervals: BG/NBD delta method on CDNOW matches mpmath", "[models][intervals][data]") {
  const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(file);
  const auto rows = cdnow();
  const auto est = crm::parameter_estimate_from(cdnow_p, rows);
  // mpmath lines "expected_purchases(39)", "probability_alive(2, 30.43, 38.86)",
  // "conditional_expected_purchases((2, 30.43, 38.86), 39)" and "sum of conditional_expected_purchases"
  const auto e = crm::try_expected_purchases_interval(est, 39.0);
  REQUIRE(e);
  check_interval(*e, 1.19501660842, 0.0534709248702, 1.11022337786, 1.28628591586, 2e-5);
  const auto pa = crm::try_probability_alive_interval(est, customer1);
  REQUIRE(pa);
  check_interval(*pa, 0.726608981501, 0.0162209431225, 0.699132921072, 0.752464255763, 2e-5);
  const auto ce = crm::try_conditional_expected_purchases_interval(est, customer1, 39.0);
  REQUIRE(ce);
  check_interval(*ce, 1.22591015652, 0.0451897819948, 1.15378815941, 1.30254041837, 2e-5);
  const auto base = crm::try_conditional_expected_purchases_intervals(est, std::span<const crm::rfm_row<double>>(rows), 39.0);
  REQUIRE(base);
  REQUIRE(base->each.size() == rows.size());
  check_interval(base->total, 1653.42305363, 74.349758556, 1535.5418281, 1780.35384269, 2e-5);
  check_interval(base->each[0], 1.22591015652, 0.0451897819948, 1.15378815941, 1.30254041837, 2e-5);
  // the rows' errors are strongly, not perfectly, correlated: the total's SE is about three quarters
  // of the sum of theirs, and about 15 times what independent errors would give, sqrt(sum se_i^2)
  double sum_se = 0, sum_sq = 0;
  for (const auto& i : base->each) sum_se += i.standard_error, sum_sq += i.standard_error * i.standard_error;
  CHECK(base->total.standard_error > 0.7 * sum_se);
  CHECK(base->total.standard_error < 0.8 * sum_se);
  CHECK(base->total.standard_error > 14 * std::sqrt(sum_sq));
  CHECK(base->total.standard_error < 16 * std::sqrt(sum_sq));
  // 1882 repeat purchases were made in the holdout (tests/model_diagnostics_test.cpp): outside the interval
  CHECK(base->total.upper < 1882);
  // docs/model-diagnostics.md quotes these intervals
  const std::string page = doc_page();
  CHECK(page.find(doc_row("E[X(39)], a new customer", *e)) != std::string::npos);
  CHECK(page.find(doc_row("P(alive), customer 1 (x = 2, t_x = 30.43, T = 38.86)", *pa)) != std::string::npos);
  CHECK(page.find(doc_row("E[Y(39)], customer 1", *ce)) != std::string::npos);
  CHECK(page.find(doc_row("Σ E[Y(39)] over the 2357 customers", base->total, 1, 2)) != std::string::npos);
  const crm::bg_nbd<double> se = est.standard_errors();
  CHECK(page.find(fixed(se.r, 5) + ", " + fixed(se.alpha, 4) + ", " + fixed(se.a, 4) + ", " + fixed(se.b, 4)) != std::string::npos);
  // the same intervals from the covariance given as a matrix of the natural parameters
  const auto natural = natural_covariance();
  const auto given = crm::try_parameter_estimate(cdnow_p, natural);
  REQUIRE(given);
  const auto e2 = crm::try_expected_purchases_interval(*given, 39.0);
  REQUIRE(e2);
  check_interval(*e2, 1.19501660842, 0.0534709248702, 1.11022337786, 1.28628591586, 1e-7);
  // level: a 95 % interval contains the 90 % one; the delta SE does not depend on the level
  const auto e95 = crm::try_expected_purchases_interval(est, 39.0, {.level = 0.95});
  REQUIRE(e95);
  CHECK(e95->lower < e->lower);
  CHECK(e95->upper > e->upper);
  CHECK(e95->standard_error == e->standard_error);
}

TEST_CASE("prediction intervals: BG/NBD bootstrap on CDNOW matches a NumPy bootstrap", "[models][intervals][data]") {
  const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(file);
  const auto est = crm::parameter_estimate_from(cdnow_p, cdnow());
  const crm::interval_options boot{.method = crm::prediction_interval_method::bootstrap, .draws = 20000, .seed = 7};
  // NumPy (400 000 draws), section "bootstrap":
  //   expected_purchases(39): bootstrap sd 0.0536987313342303 90% [1.1115106257848524, 1.2878660212182766]
  //   probability_alive(2, 30.43, 38.86): bootstrap sd 0.016380378343624824 90% [0.7007010990410225, 0.7546686406128087]
  // With 20 000 draws the Monte Carlo error of a 5 % quantile is about 0.015 sd and of the sd about
  // 0.5 %; tolerances 0.08 sd and 3 %.
  const auto e = crm::try_expected_purchases_interval(est, 39.0, boot);
  REQUIRE(e);
  CHECK_THAT(e->estimate, WithinRel(1.19501660842, 1e-9));
  CHECK_THAT(e->standard_error, WithinRel(0.0536987313342303, 0.03));
  CHECK_THAT(e->lower, WithinAbs(1.1115106257848524, 0.08 * 0.0537));
  CHECK_THAT(e->upper, WithinAbs(1.2878660212182766, 0.08 * 0.0537));
  const auto pa = crm::try_probability_alive_interval(est, customer1, boot);
  REQUIRE(pa);
  CHECK_THAT(pa->standard_error, WithinRel(0.016380378343624824, 0.03));
  CHECK_THAT(pa->lower, WithinAbs(0.7007010990410225, 0.08 * 0.0164));
  CHECK_THAT(pa->upper, WithinAbs(0.7546686406128087, 0.08 * 0.0164));
  // the bootstrap interval of P(alive) lies above the delta (logit) one, [0.69913, 0.75246]: the
  // distribution of P(alive) over the parameter draws is skewed, which the quantiles capture
  CHECK(pa->lower > 0.699132921072 + 0.001);
  CHECK(pa->upper > 0.752464255763 + 0.001);
  // deterministic for a seed, different for another
  const auto again = crm::try_expected_purchases_interval(est, 39.0, boot);
  CHECK(again->lower == e->lower);
  CHECK(again->upper == e->upper);
  const auto other = crm::try_expected_purchases_interval(est, 39.0, {.method = crm::prediction_interval_method::bootstrap, .draws = 20000, .seed = 8});
  CHECK(other->lower != e->lower);
}

TEST_CASE("prediction intervals: whole-base bootstrap agrees with the delta method on CDNOW", "[models][intervals][data]") {
  const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(file);
  const auto rows = crm::compress(cdnow());
  const auto est = crm::parameter_estimate_from(cdnow_p, rows);
  const std::span<const crm::rfm_row<double>> span(rows);
  const auto delta = crm::try_probability_alive_intervals(est, span);
  const auto boot = crm::try_probability_alive_intervals(est, span, {.method = crm::prediction_interval_method::bootstrap, .draws = 400});
  REQUIRE(delta);
  REQUIRE(boot);
  // the expected number of active customers: total of weights x P(alive); 400 draws: the bootstrap
  // SD is within 10 % of the delta SE (its sampling error is about 3.5 %)
  CHECK_THAT(boot->total.estimate, WithinRel(delta->total.estimate, 1e-12));
  CHECK_THAT(boot->total.standard_error, WithinRel(delta->total.standard_error, 0.1));
  double expected_alive = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) expected_alive += rows[i].weight * cdnow_p.probability_alive(rows[i]);
  CHECK_THAT(delta->total.estimate, WithinRel(expected_alive, 1e-12));
  // a customer without repeat purchases is alive with probability 1 under BG/NBD: interval [1, 1]
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].frequency == 0) {
      CHECK(delta->each[i].lower == 1.0);
      CHECK(delta->each[i].upper == 1.0);
      CHECK(boot->each[i].standard_error == 0.0);
    } else {
      CHECK(delta->each[i].lower < delta->each[i].estimate);
      CHECK(delta->each[i].upper > delta->each[i].estimate);
      CHECK(delta->each[i].upper < 1.0);
    }
}

TEST_CASE("prediction intervals: a whole-base interval asks the thread's interrupt hook before each evaluation", "[models][intervals][data]") {
  // crm/core/interrupt.hpp: 2 x 4 evaluations after the first for the delta method, one per draw for the bootstrap;
  // a hook answering true stops the call with crm::interrupted (before 2026-12-06 a whole base's bootstrap, 2000
  // evaluations over every customer, could not be stopped: a PostgreSQL backend ignored a cancel for its length)
  const auto file = crm_test::data_file("cdnow/cdnow_customers_summary.csv");
  CRM_REQUIRE_DATA(file);
  const auto rows = crm::compress(cdnow());
  const auto est = crm::parameter_estimate_from(cdnow_p, rows);
  const std::span<const crm::rfm_row<double>> span(rows);
  struct counting {
    std::size_t asks = 0, stop_at = 0;  // stop_at 0: never
    static bool ask(void* c) noexcept {
      auto* h = static_cast<counting*>(c);
      return ++h->asks, h->stop_at != 0 && h->asks >= h->stop_at;
    }
  };
  const crm::interval_options boot{.method = crm::prediction_interval_method::bootstrap, .draws = 50};
  const auto plain = crm::try_conditional_expected_purchases_intervals(est, span, 39.0).value();
  const auto plain_boot = crm::try_conditional_expected_purchases_intervals(est, span, 39.0, boot).value();
  {
    counting c;
    const crm::scoped_interrupt_hook hook({&counting::ask, &c});
    const auto delta = crm::try_conditional_expected_purchases_intervals(est, span, 39.0).value();
    CHECK(c.asks == 8);
    CHECK(delta.total.lower == plain.total.lower);
    CHECK(delta.total.upper == plain.total.upper);
    c.asks = 0;
    const auto b = crm::try_conditional_expected_purchases_intervals(est, span, 39.0, boot).value();
    CHECK(c.asks == 50);
    CHECK(b.total.lower == plain_boot.total.lower);
    CHECK(b.total.upper == plain_boot.total.upper);
  }
  for (const std::size_t stop_at : {1U, 8U, 30U}) {
    counting c{.stop_at = stop_at};
    const crm::scoped_interrupt_hook hook({&counting::ask, &c});
    CHECK_THROWS_AS(crm::try_probability_alive_intervals(est, span, stop_at == 8 ? crm::interval_options{} : boot), crm::interrupted);
    CHECK(c.asks == stop_at);
  }
}

TEMPLATE_TEST_CASE("prediction intervals: long double and float models give the double intervals", "[models][intervals]", float, long double) {
  using T = TestType;
  const crm::bg_nbd<T> m{T(0.242593), T(4.41353), T(0.792886), T(2.42575)};
  const auto natural = natural_covariance();
  const auto est = crm::try_parameter_estimate(m, natural);
  REQUIRE(est);
  const auto pa = crm::try_probability_alive_interval(*est, crm::rfm_row<T>{T(2), T(30.43), T(38.86)});
  REQUIRE(pa);
  // mpmath: probability_alive(2, 30.43, 38.86) interval; float carries about 7 digits and its
  // gradient step is cbrt(eps) = 5e-3
  const double tol = std::is_same_v<T, float> ? 2e-3 : 1e-6;
  CHECK_THAT(static_cast<double>(pa->standard_error), WithinRel(0.0162209431225, tol));
  CHECK_THAT(static_cast<double>(pa->lower), WithinRel(0.699132921072, tol));
  CHECK_THAT(static_cast<double>(pa->upper), WithinRel(0.752464255763, tol));
}

// An interval's estimate is the point prediction itself: it was evaluated at exp(ln p) of every
// parameter, which is not p in the last bit for cdnow_p's r (nor for Gamma-Gamma's p = 6.25 and
// gamma = 15.44), so the estimates differed from the predictions in their last digits.
TEST_CASE("prediction intervals: the estimate of every interval is the point prediction, bit for bit", "[models][intervals]") {
  const crm::bg_nbd<double> m = cdnow_p;
  const crm::gamma_gamma<double> gg{6.25, 3.74, 15.44};
  REQUIRE(std::exp(std::log(m.r)) != m.r);  // the case the old evaluation got wrong
  REQUIRE(std::exp(std::log(gg.p)) != gg.p);
  const auto est = crm::parameter_estimate_from(m, natural_covariance());
  std::array<std::array<double, 3>, 3> gg_natural{};
  for (std::size_t i = 0; i < 3; ++i) gg_natural[i][i] = 0.01;
  const auto gg_est = crm::parameter_estimate_from(gg, gg_natural);
  const crm::clv_horizon<double> year{.periods = 12, .period_length = 4.345, .discount_rate = 0.01};
  std::vector<crm::rfm_row<double>> rows;
  for (int x = 0; x <= 30; x += 3)
    for (const double tx : {0.0, 5.5, 20.25, 38.0})
      if ((x == 0) == (tx == 0.0)) rows.push_back({static_cast<double>(x), tx, 38.86, x % 2 == 0 ? 1.0 : 3.0});
  std::vector<double> spends(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) spends[i] = rows[i].frequency > 0 ? 10.0 + 1.5 * static_cast<double>(i) : 0.0;
  std::size_t differ = 0;  // one CHECK for all: the rows' estimates against the point predictions
  double alive_total = 0.0, expected_total = 0.0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const crm::rfm_row<double>& c = rows[i];
    const double alive = m.probability_alive(c), expected = m.conditional_expected_purchases(c, 39.0);
    const double clv = crm::customer_lifetime_value(m, c, gg.conditional_expected_average_spend(c.frequency, spends[i]), year);
    differ += crm::try_probability_alive_interval(est, c).value().estimate != alive;
    differ += crm::try_conditional_expected_purchases_interval(est, c, 39.0).value().estimate != expected;
    differ += crm::try_customer_lifetime_value_interval(est, gg_est, c, spends[i], year).value().estimate != clv;
    alive_total += c.weight * alive, expected_total += c.weight * expected;
  }
  CHECK(differ == 0);
  const std::span<const crm::rfm_row<double>> all(rows);
  const auto alive_all = crm::try_probability_alive_intervals(est, all).value();
  const auto expected_all = crm::try_conditional_expected_purchases_intervals(est, all, 39.0).value();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    differ += alive_all.each[i].estimate != m.probability_alive(rows[i]);
    differ += expected_all.each[i].estimate != m.conditional_expected_purchases(rows[i], 39.0);
  }
  CHECK(differ == 0);
  CHECK(alive_all.total.estimate == alive_total);
  CHECK(expected_all.total.estimate == expected_total);
  // the CLVs of many rfm_rows come from the batch forms (within their ulp bounds of the scalar
  // function's, docs/batch.md): their estimates are those batch values
  std::vector<double> spend_of(rows.size()), batch(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) spend_of[i] = gg.conditional_expected_average_spend(rows[i].frequency, spends[i]);
  REQUIRE(crm::try_batch_customer_lifetime_value(m, all, std::span<const double>(spend_of), year, std::span<double>(batch)));
  const auto clv_all = crm::try_customer_lifetime_value_intervals(est, gg_est, all, std::span<const double>(spends), year).value();
  for (std::size_t i = 0; i < rows.size(); ++i) differ += clv_all.each[i].estimate != batch[i];
  CHECK(differ == 0);
  CHECK(crm::try_expected_purchases_interval(est, 39.0).value().estimate == m.expected_purchases(39.0));
  CHECK(crm::try_expected_average_spend_interval(gg_est, 4.0, 30.0).value().estimate == gg.conditional_expected_average_spend(4.0, 30.0));
}

TEST_CASE("prediction intervals: errors are named and never NaN", "[models][intervals]") {
  const crm::bg_nbd<double> m = cdnow_p;
  std::array<std::array<double, 4>, 4> natural{};
  for (std::size_t i = 0; i < 4; ++i) natural[i][i] = 0.01;
  const auto est = crm::parameter_estimate_from(m, natural);
  const auto code = [](const auto& r) { return r ? crm::errc::ok : r.error().code; };
  const auto field = [](const auto& r) { return r ? std::string() : std::string(r.error().field); };

  SECTION("options") {
    for (const double level : {0.0, 1.0, -0.5, 1.5}) {
      const auto r = crm::try_expected_purchases_interval(est, 39.0, {.level = level});
      CHECK(code(r) == crm::errc::out_of_range);
      CHECK(field(r) == "level");
    }
    const auto nan = crm::try_expected_purchases_interval(est, 39.0, {.level = std::nan("")});
    CHECK(code(nan) == crm::errc::not_finite);
    for (const std::size_t draws : {std::size_t{0}, std::size_t{1}, std::size_t{20'000'000}}) {
      const auto r = crm::try_expected_purchases_interval(est, 39.0, {.method = crm::prediction_interval_method::bootstrap, .draws = draws});
      CHECK(code(r) == crm::errc::out_of_range);
      CHECK(field(r) == "draws");
    }
    CHECK(crm::interval_options{}.ok());
    CHECK_FALSE(crm::interval_options{.level = 2.0}.ok());
  }
  SECTION("the prediction's own errors pass through, named") {
    const auto r = crm::try_expected_purchases_interval(est, -1.0);
    CHECK(code(r) == crm::errc::negative);
    CHECK(std::string(r.error().metric) == "bg_nbd.expected_purchases");
    const auto nanrow = crm::try_probability_alive_interval(est, crm::rfm_row<double>{std::nan(""), 0, 1});
    CHECK(code(nanrow) == crm::errc::not_finite);
    const auto nb = crm::try_expected_purchases_interval(est, std::numeric_limits<double>::infinity(),
                                                        {.method = crm::prediction_interval_method::bootstrap, .draws = 10});
    CHECK(code(nb) == crm::errc::not_finite);
  }
  SECTION("estimates") {
    const std::vector<crm::rfm_row<double>> none;
    const auto empty = crm::try_parameter_estimate(m, none);
    CHECK(code(empty) == crm::errc::empty_input);
    CHECK(field(empty) == "rows");
    const std::vector<crm::rfm_row<double>> bad = {{1, 2, 1}};  // recency > age
    CHECK_FALSE(crm::try_parameter_estimate(m, bad));
    const std::vector<crm::rfm_row<double>> nanrows = {{1, std::nan(""), 3}};
    CHECK(code(crm::try_parameter_estimate(m, nanrows)) == crm::errc::not_finite);
    const crm::bg_nbd<double> negative{-1, 1, 1, 1};
    const std::vector<crm::rfm_row<double>> ok_rows = {{1, 2, 3}, {0, 0, 3}};
    CHECK(code(crm::try_parameter_estimate(negative, ok_rows)) == crm::errc::out_of_range);
    CHECK(code(crm::try_parameter_estimate(negative, natural)) == crm::errc::out_of_range);
    // far from the maximum the Hessian is not positive definite: refused, not inverted
    const crm::bg_nbd<double> far{5, 0.1, 50, 0.01};
    const std::vector<crm::rfm_row<double>> few = {{1, 2, 3}, {0, 0, 3}, {4, 2.5, 3}};
    const auto nf = crm::try_parameter_estimate(far, few);
    CHECK(code(nf) == crm::errc::not_identifiable);
    auto asym = natural;
    asym[0][1] = 0.001;
    CHECK(field(crm::try_parameter_estimate(m, asym)) == "covariance");
    auto indefinite = natural;
    indefinite[0][1] = indefinite[1][0] = 0.02;  // |rho| = 2
    CHECK(field(crm::try_parameter_estimate(m, indefinite)) == "covariance");
    auto inf = natural;
    inf[2][2] = std::numeric_limits<double>::infinity();
    CHECK(code(crm::try_parameter_estimate(m, inf)) == crm::errc::not_finite);
  }
  SECTION("lengths and empty bases") {
    const std::vector<crm::rfm_row<double>> none;
    const auto r = crm::try_conditional_expected_purchases_intervals(est, std::span<const crm::rfm_row<double>>(none), 39.0);
    CHECK(code(r) == crm::errc::empty_input);
    const crm::gamma_gamma<double> gg{6.25, 3.74, 15.44};
    std::array<std::array<double, 3>, 3> gcov{};
    for (std::size_t i = 0; i < 3; ++i) gcov[i][i] = 0.01;
    const auto gest = crm::parameter_estimate_from(gg, gcov);
    const std::vector<crm::rfm_row<double>> rows = {{2, 30.43, 38.86}, {0, 0, 38.86}};
    const std::vector<double> spends = {22.35};
    const auto clv = crm::try_customer_lifetime_value_intervals(est, gest, std::span<const crm::rfm_row<double>>(rows),
                                                                std::span<const double>(spends), crm::clv_horizon<double>{});
    CHECK(code(clv) == crm::errc::out_of_range);
    CHECK(field(clv) == "average_spends");
    const std::vector<double> weights = {1.0};
    const auto w = crm::try_prediction_intervals(
        est, [&](const crm::bg_nbd<double>& mm) { return mm.try_probability_alive(std::span<const crm::rfm_row<double>>(rows)); },
        crm::prediction_scale::logit, {}, std::span<const double>(weights));
    CHECK(field(w) == "weights");
  }
  SECTION("a bootstrap draw where the prediction is undefined fails the call, with the prediction's error") {
    const auto f = [](const crm::bg_nbd<double>& mm) -> crm::result<double> {
      if (mm.r > 0.2427) return crm::error_info{crm::errc::out_of_range, "my_prediction", "r", "too large"};
      return mm.r;
    };
    const auto r = crm::try_prediction_interval(est, f, crm::prediction_scale::log, {.method = crm::prediction_interval_method::bootstrap, .draws = 100});
    CHECK(code(r) == crm::errc::out_of_range);
    CHECK(std::string(r.error().metric) == "my_prediction");
    const std::vector<crm::rfm_row<double>> rows(11, crm::rfm_row<double>{1, 2, 3});
    const auto big = crm::try_probability_alive_intervals(est, std::span<const crm::rfm_row<double>>(rows),
                                                          {.method = crm::prediction_interval_method::bootstrap, .draws = 10'000'000});
    CHECK(code(big) == crm::errc::overflow);
    CHECK(field(big) == "draws");
  }
  SECTION("throwing forms: the same value, or crm::metric_error") {
    const auto a = crm::try_expected_purchases_interval(est, 39.0);
    REQUIRE(a);
    CHECK(crm::expected_purchases_interval(est, 39.0).upper == a->upper);
    CHECK_THROWS_AS(crm::expected_purchases_interval(est, -1.0), crm::metric_error);
    CHECK_THROWS_AS(crm::probability_alive_interval(est, crm::rfm_row<double>{1, 5, 2}), crm::metric_error);
    CHECK_THROWS_AS(crm::conditional_expected_purchases_interval(est, customer1, 39.0, {.level = 0}), crm::metric_error);
    const std::vector<crm::rfm_row<double>> none;
    CHECK_THROWS_AS(crm::conditional_expected_purchases_intervals(est, std::span<const crm::rfm_row<double>>(none), 39.0), crm::metric_error);
    CHECK_THROWS_AS(crm::probability_alive_intervals(est, std::span<const crm::rfm_row<double>>(none)), crm::metric_error);
    CHECK_THROWS_AS(crm::parameter_estimate_from(m, none), crm::metric_error);
    const auto f = [](const crm::bg_nbd<double>& mm) { return mm.try_expected_purchases(39.0); };
    CHECK(crm::prediction_interval_of(est, f, crm::prediction_scale::log).upper == a->upper);
    const auto fv = [](const crm::bg_nbd<double>& mm) -> crm::result<std::vector<double>> {
      const auto v = mm.try_expected_purchases(39.0);
      if (!v) return v.error();
      return std::vector<double>{*v, *v};
    };
    CHECK_THAT(crm::prediction_intervals_of(est, fv, crm::prediction_scale::log).total.estimate, WithinRel(2 * a->estimate, 1e-15));
    std::array<std::array<double, 3>, 3> gcov{};
    for (std::size_t i = 0; i < 3; ++i) gcov[i][i] = 0.01;
    const auto gest = crm::parameter_estimate_from(crm::gamma_gamma<double>{6.25, 3.74, 15.44}, gcov);
    CHECK(crm::expected_average_spend_interval(gest, 2.0, 22.35).contains(crm::gamma_gamma<double>{6.25, 3.74, 15.44}.conditional_expected_average_spend(2.0, 22.35)));
    CHECK_THROWS_AS(crm::expected_average_spend_interval(gest, 2.0, -1.0), crm::metric_error);
    const crm::clv_horizon<double> h{};
    CHECK(crm::customer_lifetime_value_interval(est, gest, customer1, 22.35, h).estimate > 0);
    CHECK_THROWS_AS(crm::customer_lifetime_value_interval(est, gest, customer1, 22.35, crm::clv_horizon<double>{.periods = 0}), crm::metric_error);
    const std::vector<double> spends = {22.35};
    const std::vector<crm::rfm_row<double>> one = {customer1};
    CHECK(crm::customer_lifetime_value_intervals(est, gest, std::span<const crm::rfm_row<double>>(one), std::span<const double>(spends), h)
              .total.estimate > 0);
    std::array<std::array<double, 2>, 2> c{};
    c[0][0] = c[1][1] = 0.01;
    const auto s_est = crm::parameter_estimate_from(crm::sbg<double>{0.7, 1.2, {}}, c);
    CHECK(crm::survival_interval(s_est, 5).upper < 1.0);
    CHECK(crm::retention_rate_interval(s_est, 5).lower > 0.0);
    CHECK(crm::survival_curve_intervals(s_est, 5).each.size() == 6);
    CHECK_THROWS_AS(crm::retention_rate_interval(s_est, 0), crm::metric_error);
  }
  SECTION("a prediction without uncertainty gets [f, f]") {
    std::array<std::array<double, 2>, 2> c{};
    c[0][0] = c[1][1] = 0.01;
    const auto s_est = crm::parameter_estimate_from(crm::sbg<double>{0.7, 1.2, {}}, c);
    const auto curve = crm::try_survival_curve_intervals(s_est, 3);
    REQUIRE(curve);
    CHECK(curve->each[0].lower == 1.0);
    CHECK(curve->each[0].upper == 1.0);
    CHECK(curve->each[0].standard_error == 0.0);
    CHECK(curve->each[3].upper < 1.0);
    // the total of S(0..3) is the expected lifetime within 4 periods
    CHECK_THAT(curve->total.estimate, WithinRel(crm::sbg<double>{0.7, 1.2, {}}.expected_lifetime(4), 1e-14));
  }
  SECTION("a prediction outside the range of its scale") {
    const auto r = crm::try_prediction_interval(est, [](const crm::bg_nbd<double>& mm) -> crm::result<double> { return mm.r - 1.0; },
                                                crm::prediction_scale::log);
    CHECK(code(r) == crm::errc::out_of_range);
    CHECK(field(r) == "prediction");
    const auto n = crm::try_prediction_interval(est, [](const crm::bg_nbd<double>& mm) -> crm::result<double> { return mm.r - 1.0; },
                                                crm::prediction_scale::natural);
    REQUIRE(n);
    CHECK(n->lower < n->estimate);
    CHECK_THAT(n->estimate - n->lower, WithinRel(n->upper - n->estimate, 1e-9));
  }
}

// ---- coverage on generated data ------------------------------------------------------------------
//
// Each replication generates a data set from known parameters, fits the model, takes the estimate
// from the fit (crm::try_parameter_estimate(fit): the covariance the fit kept, no pass over the data;
// equal to the data's, tested above) and asks for the 90 % interval of predictions whose true
// value (at the true parameters) is known. 400 replications: if the true coverage is 90 %, the
// observed share has binomial standard deviation sqrt(0.9 x 0.1 / 400) = 1.5 points, so the
// accepted band 85-95 % is +-3.3 standard deviations (a correct method fails it with probability
// 0.1 %; with a fixed seed the test is deterministic). Data sets are small (a few hundred
// customers) but informative (frequent purchases), so that each case runs in a few seconds under
// ASan and the asymptotic normal applies.
namespace {
constexpr int replications = 400;
struct tally {
  int covered = 0;
  void add(bool c) { covered += c ? 1 : 0; }
};
/// `model` (may be empty) and `what` name the prediction. (Two parts, not one std::string built with +: g++ 12 at
/// -O1 gave a false -Warray-bounds on that operator+ once inlined here.)
void require_coverage(const char* model, const char* what, const tally& t) {
  const char* space = *model != '\0' ? " " : "";
  std::cout << "coverage: " << model << space << what << ": " << t.covered << " of " << replications << '\n';
  INFO(model << space << what << ": " << t.covered << " of " << replications << " 90 % intervals covered the true value");
  CHECK(t.covered >= static_cast<int>(0.85 * replications));
  CHECK(t.covered <= static_cast<int>(0.95 * replications));
}
void require_coverage(const char* what, const tally& t) { require_coverage("", what, t); }
const crm::interval_options bootstrap400{.method = crm::prediction_interval_method::bootstrap, .draws = 400};
/// Runs `one(seed)` for seeds seed0, seed0 + 1, ... until `replications` of them return true. A
/// replication whose fit fails (one returns false: no estimate, so no interval) is counted, not
/// hidden: at most max_failed of them are accepted, and the count is printed.
template <class One>
void replicate(const char* what, std::uint64_t seed0, int max_failed, One one) {
  int done = 0, failed = 0;
  for (std::uint64_t seed = seed0; done < replications; ++seed) {
    if (one(seed))
      ++done;
    else
      ++failed;
    REQUIRE(failed <= max_failed);
  }
  std::cout << "coverage: " << what << ": " << failed << " fits failed and were replaced\n";
}
}  // namespace

namespace {
/// An rfm_row under another type: try_customer_lifetime_value_intervals takes it row by row through
/// the scalar functions (the models take it as its base), as it took every row before 2026-12-06.
struct scalar_path_row : crm::rfm_row<double> {};

/// The CLV intervals of `rows` through the batch forms (rfm_row) and row by row (scalar_path_row): every
/// bound, each row's and the total's, the same within 1e-9 relative (the batch CLV equals the scalar
/// one within its ulp bounds, docs/batch.md; the delta method's central differences at step
/// cbrt(eps) = 6e-6 magnify a difference of a few ulps to about 1e-11 of a gradient).
template <class TxModel, class Spend>
void check_batch_path(const crm::parameter_estimate<TxModel>& tx, const crm::parameter_estimate<Spend>& spend,
                      const std::vector<crm::rfm_row<double>>& rows, const std::vector<double>& zbar) {
  std::vector<scalar_path_row> plain;
  for (const auto& r : rows) plain.push_back({r});
  const crm::clv_horizon<double> h{.periods = 12, .period_length = 4.35, .discount_rate = 0.01, .margin = 1.0};
  const auto batch = crm::try_customer_lifetime_value_intervals(tx, spend, std::span<const crm::rfm_row<double>>(rows), std::span<const double>(zbar), h);
  const auto scalar = crm::try_customer_lifetime_value_intervals(tx, spend, std::span<const scalar_path_row>(plain), std::span<const double>(zbar), h);
  REQUIRE(batch);
  REQUIRE(scalar);
  REQUIRE(batch->each.size() == rows.size());
  REQUIRE(scalar->each.size() == rows.size());
  const auto same = [](const crm::prediction_interval<double>& a, const crm::prediction_interval<double>& b) {
    CHECK_THAT(a.estimate, WithinRel(b.estimate, 1e-12));
    CHECK_THAT(a.lower, WithinRel(b.lower, 1e-9));
    CHECK_THAT(a.upper, WithinRel(b.upper, 1e-9));
  };
  for (std::size_t i = 0; i < rows.size(); ++i) same(batch->each[i], scalar->each[i]);
  same(batch->total, scalar->total);
  CHECK(batch->total.lower < batch->total.estimate);
  // the same errors: a row whose recency is past its age, named as the scalar function names it
  auto bad = rows;
  bad[rows.size() / 2].recency = bad[rows.size() / 2].age + 1;
  auto bad_plain = plain;
  bad_plain[rows.size() / 2].recency = bad_plain[rows.size() / 2].age + 1;
  const auto eb = crm::try_customer_lifetime_value_intervals(tx, spend, std::span<const crm::rfm_row<double>>(bad), std::span<const double>(zbar), h);
  const auto es = crm::try_customer_lifetime_value_intervals(tx, spend, std::span<const scalar_path_row>(bad_plain), std::span<const double>(zbar), h);
  REQUIRE_FALSE(eb);
  REQUIRE_FALSE(es);
  CHECK(eb.error().code == es.error().code);
  CHECK(std::string(eb.error().field) == std::string(es.error().field));
}
}  // namespace

TEST_CASE("prediction intervals: the CLV of many customers through the batch forms equals the scalar functions' row by row",
          "[models][intervals]") {
  // 400 customers of BG/NBD (0.5, 5, 0.8, 2.5), ages 20 to 52 weeks on whole days (repeated (x, T):
  // the batch forms' groups), with average spends 5 + 40 u for the repeat customers, 0 for the others.
  const auto rows = crm::generate(crm::bg_nbd<double>{0.5, 5.0, 0.8, 2.5},
                                  crm::generate_options<double>{.customers = 400, .first_age = 20.0, .last_age = 52.0, .age_step = 1.0 / 7.0, .seed = 3});
  std::vector<double> zbar;
  for (std::size_t i = 0; i < rows.size(); ++i) zbar.push_back(rows[i].frequency > 0 ? 5.0 + 40.0 * static_cast<double>((i * 37) % 101) / 101.0 : 0.0);
  std::array<std::array<double, 3>, 3> gcov{};
  for (std::size_t i = 0; i < 3; ++i) gcov[i][i] = 0.01;
  const auto gg = crm::parameter_estimate_from(crm::gamma_gamma<double>{6.25, 3.74, 15.44}, gcov);
  SECTION("BG/NBD") { check_batch_path(crm::parameter_estimate_from(cdnow_p, natural_covariance()), gg, rows, zbar); }
  SECTION("Pareto/NBD") {
    std::array<std::array<double, 4>, 4> c{};
    const std::array<double, 4> p = {0.55, 10.6, 0.61, 11.7};
    for (std::size_t i = 0; i < 4; ++i) c[i][i] = 0.01 * p[i] * p[i];
    check_batch_path(crm::parameter_estimate_from(crm::pareto_nbd<double>{p[0], p[1], p[2], p[3]}, c), gg, rows, zbar);
  }
  SECTION("homogeneous BG/NBD (a nested model), with the nested spend model") {
    std::array<std::array<double, 3>, 3> c{};
    const std::array<double, 3> p = {0.5, 5.0, 0.3};
    for (std::size_t i = 0; i < 3; ++i) c[i][i] = 0.01 * p[i] * p[i];
    std::array<std::array<double, 2>, 2> sc{};
    sc[0][0] = 0.04, sc[1][1] = 0.09;  // shape 6, scale 5: the spend's natural covariance
    const auto nested = crm::parameter_estimate_from(crm::gamma_gamma_nested<double>{crm::fit_boundary::q_to_infinity, 6.0, 5.0}, sc);
    check_batch_path(crm::parameter_estimate_from(crm::homogeneous_bg_nbd<double>{p[0], p[1], p[2]}, c), nested, rows, zbar);
  }
}

TEST_CASE("prediction intervals: coverage on generated BG/NBD data and of CLV with Gamma-Gamma", "[models][intervals][coverage]") {
  const crm::bg_nbd<double> truth{1.0, 4.0, 0.8, 2.5};
  const crm::gamma_gamma<double> spend_truth{6.0, 4.0, 15.0};
  const crm::rfm_row<double> who{3, 20.0, 52.0};
  const crm::clv_horizon<double> horizon{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 1.0};
  const double true_pa = truth.probability_alive(who), true_e = truth.expected_purchases(26.0);
  const double true_ce = truth.conditional_expected_purchases(who, 26.0);
  const double true_clv = crm::customer_lifetime_value(truth, who, spend_truth.conditional_expected_average_spend(3.0, 20.0), horizon);
  const double true_spend = spend_truth.conditional_expected_average_spend(3.0, 20.0);
  tally pa, pa_b, e, e_b, ce, total, clv, spend, spend_b;
  std::vector<crm::count_t> freqs(1000);  // with 300 spend rows 2 of 400 Gamma-Gamma likelihoods have no interior maximum (p -> infinity: tests/gamma_gamma_test.cpp)
  for (std::size_t i = 0; i < freqs.size(); ++i) freqs[i] = 1 + static_cast<crm::count_t>(i % 5);
  for (int rep = 0; rep < replications; ++rep) {
    const auto seed = static_cast<std::uint64_t>(1000 + rep);
    const auto rows = crm::generate(truth, {.customers = 400, .first_age = 40, .last_age = 60, .seed = seed});
    const auto fit = crm::try_fit_bg_nbd(rows);
    REQUIRE(fit);
    const auto est = crm::try_parameter_estimate(*fit);
    REQUIRE(est);
    const auto i_pa = crm::try_probability_alive_interval(*est, who);
    const auto i_pab = crm::try_probability_alive_interval(*est, who, bootstrap400);
    const auto i_e = crm::try_expected_purchases_interval(*est, 26.0);
    const auto i_eb = crm::try_expected_purchases_interval(*est, 26.0, bootstrap400);
    const auto i_ce = crm::try_conditional_expected_purchases_interval(*est, who, 26.0);
    const std::span<const crm::rfm_row<double>> base(rows.data(), 100);  // the whole base: the first 100 customers
    const auto i_t = crm::try_conditional_expected_purchases_intervals(*est, base, 26.0);
    REQUIRE((i_pa && i_pab && i_e && i_eb && i_ce && i_t));
    pa.add(i_pa->contains(true_pa)), pa_b.add(i_pab->contains(true_pa));
    e.add(i_e->contains(true_e)), e_b.add(i_eb->contains(true_e)), ce.add(i_ce->contains(true_ce));
    double true_total = 0;
    for (const auto& r : base) true_total += truth.conditional_expected_purchases(r, 26.0);
    total.add(i_t->total.contains(true_total));
    const auto spend_rows = crm::generate(spend_truth, std::span<const crm::count_t>(freqs), seed);
    const auto gfit = crm::try_fit_gamma_gamma(spend_rows);
    REQUIRE(gfit);
    const auto gest = crm::try_parameter_estimate(*gfit);
    REQUIRE(gest);
    const auto i_s = crm::try_expected_average_spend_interval(*gest, 3.0, 20.0);
    const auto i_sb = crm::try_expected_average_spend_interval(*gest, 3.0, 20.0, bootstrap400);
    REQUIRE((i_s && i_sb));
    spend.add(i_s->contains(true_spend)), spend_b.add(i_sb->contains(true_spend));
    const auto i_clv = crm::try_customer_lifetime_value_interval(*est, *gest, who, 20.0, horizon);
    REQUIRE(i_clv);
    clv.add(i_clv->contains(true_clv));
  }
  require_coverage("BG/NBD P(alive), delta", pa);
  require_coverage("BG/NBD P(alive), bootstrap", pa_b);
  require_coverage("BG/NBD E[X(26)], delta", e);
  require_coverage("BG/NBD E[X(26)], bootstrap", e_b);
  require_coverage("BG/NBD E[Y(26) | history], delta", ce);
  require_coverage("BG/NBD whole-base expected purchases, delta", total);
  require_coverage("Gamma-Gamma E[spend | x = 3, zbar = 20], delta", spend);
  require_coverage("Gamma-Gamma E[spend | x = 3, zbar = 20], bootstrap", spend_b);
  require_coverage("CLV (BG/NBD x Gamma-Gamma), delta", clv);
}

namespace {
/// Coverage of P(alive) and of the conditional expectation of one history for a model of the
/// BG/NBD family, Pareto/NBD or the zero-inflated NBD, fitted by `fit` to `customers` generated customers per
/// replication.
template <class Model, class Fit>
void transaction_model_coverage(const char* name, const Model& truth, crm::count_t customers, int max_failed, Fit fit,
                                const crm::rfm_row<double>& who = {3, 20.0, 52.0}) {
  const double true_pa = truth.probability_alive(who), true_ce = truth.conditional_expected_purchases(who, 26.0);
  tally pa, pa_b, ce, ce_b;
  replicate(name, 5000, max_failed, [&](std::uint64_t seed) {
    const auto rows = crm::generate(truth, {.customers = customers, .first_age = 40, .last_age = 60, .seed = seed});
    const auto f = fit(rows);
    if (!f) return false;
    const auto est = crm::try_parameter_estimate(*f);
    REQUIRE(est);
    const auto i_pa = crm::try_probability_alive_interval(*est, who);
    const auto i_pab = crm::try_probability_alive_interval(*est, who, bootstrap400);
    const auto i_ce = crm::try_conditional_expected_purchases_interval(*est, who, 26.0);
    const auto i_ceb = crm::try_conditional_expected_purchases_interval(*est, who, 26.0, bootstrap400);
    for (const auto* r : {&i_pa, &i_pab, &i_ce, &i_ceb}) {
      INFO("seed " << seed << ": " << (*r ? std::string() : crm::message(r->error())));
      REQUIRE(*r);
    }
    pa.add(i_pa->contains(true_pa)), pa_b.add(i_pab->contains(true_pa));
    ce.add(i_ce->contains(true_ce)), ce_b.add(i_ceb->contains(true_ce));
    return true;
  });
  require_coverage(name, "P(alive), delta", pa);
  require_coverage(name, "P(alive), bootstrap", pa_b);
  require_coverage(name, "E[Y(26) | history], delta", ce);
  require_coverage(name, "E[Y(26) | history], bootstrap", ce_b);
}
}  // namespace

TEST_CASE("prediction intervals: coverage on generated modified BG/NBD data", "[models][intervals][coverage]") {
  transaction_model_coverage("modified BG/NBD", crm::modified_bg_nbd<double>{1.0, 4.0, 0.8, 2.5}, 300, 0,
                             [](const std::vector<crm::rfm_row<double>>& rows) { return crm::try_fit_modified_bg_nbd(rows); });
}

TEST_CASE("prediction intervals: coverage on generated Pareto/NBD data", "[models][intervals][coverage]") {
  // alpha near beta keeps the 2F1 of the likelihood short (its argument is |alpha - beta|/(max + T)),
  // and 200 customers keep the case within a few seconds under ASan
  transaction_model_coverage("Pareto/NBD", crm::pareto_nbd<double>{2.0, 10.0, 1.2, 12.0}, 200, 10,
                             [](const std::vector<crm::rfm_row<double>>& rows) { return crm::try_fit_pareto_nbd(rows); });
}

TEST_CASE("prediction intervals: coverage on generated zero-inflated NBD data", "[models][intervals][coverage]") {
  // a customer without purchases (with one, P(alive) is 1): the true P(alive) 0.143, E[Y(26) | history] 0.066
  transaction_model_coverage("zero-inflated NBD", crm::zero_inflated_nbd<double>{1.0, 4.0, 0.3}, 300, 0,
                             [](const std::vector<crm::rfm_row<double>>& rows) { return crm::try_fit_zero_inflated_nbd(rows); },
                             {0, 0, 52.0});
}

TEST_CASE("prediction intervals: coverage on generated first-repeat drop-out data", "[models][intervals][coverage]") {
  // BG/NBD's limit at a, b -> 0 (crm::first_repeat_dropout_nbd) fitted as its own model; a customer with one repeat
  // purchase, whose P(alive) is the posterior share of those who stay (the truth 0.300), E[Y(26) | history] 0.279
  transaction_model_coverage("first-repeat drop-out NBD", crm::first_repeat_dropout_nbd<double>{1.0, 4.0, 0.3}, 300, 0,
                             [](const std::vector<crm::rfm_row<double>>& rows) { return crm::try_fit_first_repeat_dropout_nbd(rows); },
                             {1, 20.0, 52.0});
}

TEST_CASE("prediction intervals: the zero-inflated NBD of a corner, from the covariance in its boundary report", "[models][intervals]") {
  // 1000 zero-inflated NBD customers on which the modified BG/NBD names a, b -> 0 (seed 1)
  const auto rows = crm::generate(crm::zero_inflated_nbd<double>{1.0, 4.0, 0.3}, {.customers = 1000, .first_age = 40, .last_age = 60, .seed = 1});
  crm::fit_options report;
  report.on_boundary = crm::boundary_policy::report;
  const auto f = crm::try_fit_modified_bg_nbd(rows, report);
  REQUIRE(f);
  REQUIRE(f->boundary.where == crm::fit_boundary::a_and_b_to_zero);
  const auto zi = crm::try_zero_inflated_estimates(*f);
  REQUIRE(zi);
  const auto est = crm::try_parameter_estimate(*zi, f->boundary);
  REQUIRE(est);
  // the same as the zero-inflated NBD's own fit and as the Hessian of ln L from the data (log-parameters, second
  // differences): each entry within 2e-4 of sqrt(C_ii C_jj), as for the other models' fits above
  const auto own = crm::try_fit_zero_inflated_nbd(rows);
  REQUIRE(own);
  const auto from_fit = crm::try_parameter_estimate(*own);
  const auto from_data = crm::try_parameter_estimate(*zi, rows);
  REQUIRE(from_fit);
  REQUIRE(from_data);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      const double scale = std::sqrt(est->log_covariance[i][i] * est->log_covariance[j][j]);
      CHECK(std::abs(est->log_covariance[i][j] - from_fit->log_covariance[i][j]) < 2e-4 * scale);
      CHECK(std::abs(est->log_covariance[i][j] - from_data->log_covariance[i][j]) < 2e-4 * scale);
    }
  // intervals of its predictions, around the point predictions
  const crm::rfm_row<double> none{0, 0, 52}, some{4, 30, 52};
  const auto alive = crm::try_probability_alive_interval(*est, none);
  const auto expected = crm::try_conditional_expected_purchases_interval(*est, some, 26.0);
  REQUIRE(alive);
  REQUIRE(expected);
  CHECK(alive->estimate == zi->probability_alive(none));
  CHECK(expected->estimate == zi->conditional_expected_purchases(some, 26.0));
  CHECK(alive->lower < alive->estimate);
  CHECK(alive->upper > alive->estimate);
  CHECK(expected->lower < expected->estimate);
  // not a corner's report, or one without the covariance: refused by name
  CHECK(crm::try_parameter_estimate(*zi, crm::boundary_report{}).error().code == crm::errc::out_of_range);
  crm::boundary_report bare = f->boundary;
  bare.limit_covariance = {};
  CHECK(crm::try_parameter_estimate(*zi, bare).error().code == crm::errc::not_identifiable);
  CHECK(std::string(crm::try_parameter_estimate(*zi, bare).error().field) == "covariance");
  // pi = 0 held (every customer repeats: the NBD): intervals equal the NBD's own
  std::vector<crm::rfm_row<double>> repeaters;
  for (const auto& r : crm::generate(crm::zero_inflated_nbd<double>{1.0, 4.0, 0.0}, {.customers = 600, .first_age = 40, .last_age = 60, .seed = 2}))
    if (r.frequency > 0) repeaters.push_back(r);
  const auto z0 = crm::try_fit_zero_inflated_nbd(repeaters);
  const auto n0 = crm::try_fit_nbd(repeaters);
  REQUIRE(z0);
  REQUIRE(n0);
  REQUIRE(z0->params.pi == 0.0);
  const auto e0 = crm::try_parameter_estimate(*z0);
  const auto en = crm::try_parameter_estimate(*n0);
  REQUIRE(e0);
  REQUIRE(en);
  const auto i0 = crm::try_expected_purchases_interval(*e0, 26.0);
  const auto in = crm::try_expected_purchases_interval(*en, 26.0);
  REQUIRE(i0);
  REQUIRE(in);
  CHECK_THAT(i0->estimate, WithinRel(in->estimate, 1e-6));
  CHECK_THAT(i0->lower, WithinRel(in->lower, 1e-4));
  CHECK_THAT(i0->upper, WithinRel(in->upper, 1e-4));
}

TEST_CASE("prediction intervals: BG/NBD's limit at b -> 0 holds pi = 1 and takes the uncertainty of r and alpha alone", "[models][intervals]") {
  // 500 customers who all drop out right after their first repeat purchase (crm::first_repeat_dropout_nbd, pi = 1):
  // BG/NBD names b -> 0, whose limit has pi = 1 held (its covariance row 0). The delta interval of E[Y(10) | x = 0,
  // T = 50] = 1 - ((alpha+50)/(alpha+60))^r on the log scale is the hand arithmetic: the gradient of ln E in (r, alpha)
  // by central differences of that closed form, se^2 = g' C g over the (r, alpha) block of the report's covariance.
  // Before 2026-12-06 the delta method stepped the held pi too, to e^(+-h) > 1, and the model refused it.
  const auto rows = crm::generate(crm::first_repeat_dropout_nbd<double>{1.0, 4.0, 1.0}, {.customers = 500, .first_age = 40, .last_age = 60, .seed = 1});
  crm::fit_options report;
  report.on_boundary = crm::boundary_policy::report;
  const auto f = crm::try_fit_bg_nbd(rows, report);
  REQUIRE(f);
  REQUIRE(f->boundary.where == crm::fit_boundary::b_to_zero);
  const auto m = crm::try_first_repeat_dropout_estimates(*f);
  REQUIRE(m);
  CHECK(m->pi == 1.0);
  const crm::parameter_covariance& c = f->boundary.limit_covariance;
  REQUIRE(c.size == 3);
  CHECK(c(2, 2) == 0.0);
  const auto est = crm::try_parameter_estimate(*m, f->boundary);
  REQUIRE(est);
  const auto i = crm::try_conditional_expected_purchases_interval(*est, crm::rfm_row<double>{0, 0, 50}, 10.0);
  REQUIRE(i);
  const auto e = [](double r, double alpha) { return std::log(-std::expm1(r * std::log((alpha + 50) / (alpha + 60)))); };
  const double hr = 1e-6 * m->r, ha = 1e-6 * m->alpha;
  const double gr = (e(m->r + hr, m->alpha) - e(m->r - hr, m->alpha)) / (2 * hr), ga = (e(m->r, m->alpha + ha) - e(m->r, m->alpha - ha)) / (2 * ha);
  const double se = std::sqrt(gr * gr * c(0, 0) + 2 * gr * ga * c(0, 1) + ga * ga * c(1, 1));
  const double z = 1.6448536269514722;  // the 90 % interval
  CHECK_THAT(i->estimate, WithinRel(std::exp(e(m->r, m->alpha)), 1e-12));
  CHECK_THAT(i->lower, WithinRel(i->estimate * std::exp(-z * se), 1e-6));
  CHECK_THAT(i->upper, WithinRel(i->estimate * std::exp(z * se), 1e-6));
}

TEST_CASE("prediction intervals: coverage on generated BG/BB data", "[models][intervals][coverage]") {
  const crm::bg_bb<double> truth{1.2, 0.75, 0.66, 2.8};
  const crm::discrete_row<double> who{3, 5, 6};
  const double true_pa = truth.probability_alive(who), true_ce = truth.conditional_expected_purchases(who, 5.0);
  const double true_e = truth.expected_purchases(10.0);
  tally pa, pa_b, ce, ce_b, e;
  for (int rep = 0; rep < replications; ++rep) {
    const auto rows = crm::compress(crm::generate(truth, {.customers = 1000, .periods = 6, .seed = static_cast<std::uint64_t>(9000 + rep)}));
    const auto f = crm::try_fit_bg_bb(rows);
    REQUIRE(f);
    const auto est = crm::try_parameter_estimate(*f);
    REQUIRE(est);
    const auto i_pa = crm::try_probability_alive_interval(*est, who);
    const auto i_pab = crm::try_probability_alive_interval(*est, who, bootstrap400);
    const auto i_ce = crm::try_conditional_expected_purchases_interval(*est, who, 5.0);
    const auto i_ceb = crm::try_conditional_expected_purchases_interval(*est, who, 5.0, bootstrap400);
    const auto i_e = crm::try_expected_purchases_interval(*est, 10.0);
    REQUIRE((i_pa && i_pab && i_ce && i_ceb && i_e));
    pa.add(i_pa->contains(true_pa)), pa_b.add(i_pab->contains(true_pa));
    ce.add(i_ce->contains(true_ce)), ce_b.add(i_ceb->contains(true_ce)), e.add(i_e->contains(true_e));
  }
  require_coverage("BG/BB P(alive), delta", pa);
  require_coverage("BG/BB P(alive), bootstrap", pa_b);
  require_coverage("BG/BB E[X(n, n + 5) | history], delta", ce);
  require_coverage("BG/BB E[X(n, n + 5) | history], bootstrap", ce_b);
  require_coverage("BG/BB E[X(10)], delta", e);
}

TEST_CASE("prediction intervals: coverage of projected retention on generated sBG and BdW cohorts", "[models][intervals][coverage]") {
  // one cohort of 1000 observed for 7 periods, projected to period 12 (as in Fader & Hardie 2007)
  const crm::sbg<double> s_truth{0.7, 1.2, {}};
  const crm::bdw<double> w_truth{0.46, 0.78, 1.28};
  tally s12, s12_b, r10, w12, w12_b, curve;
  const double true_s12 = s_truth.survival(12), true_r10 = s_truth.retention_rate(10), true_w12 = w_truth.survival(12);
  double true_curve = 0;
  for (crm::count_t t = 0; t <= 12; ++t) true_curve += w_truth.survival(t);
  replicate("sBG and BdW", 7000, 10, [&](std::uint64_t seed) {
    const std::vector<std::vector<crm::count_t>> sc = {crm::generate(s_truth, {.customers = 1000, .periods = 7, .seed = seed})};
    const auto sf = crm::try_fit_sbg<double>(std::span<const std::vector<crm::count_t>>(sc));
    REQUIRE(sf);
    const auto se = crm::try_parameter_estimate(*sf);
    REQUIRE(se);
    const auto a = crm::try_survival_interval(*se, 12), ab = crm::try_survival_interval(*se, 12, bootstrap400);
    const auto b = crm::try_retention_rate_interval(*se, 10);
    REQUIRE((a && ab && b));
    const std::vector<std::vector<crm::count_t>> wc = {crm::generate(w_truth, {.customers = 1000, .periods = 7, .seed = seed})};
    const auto wf = crm::try_fit_bdw<double>(std::span<const std::vector<crm::count_t>>(wc));
    if (!wf) return false;  // 2 of the first 402 BdW fits: Hessian not positive definite
    const auto we = crm::try_parameter_estimate(*wf);
    REQUIRE(we);
    const auto c = crm::try_survival_interval(*we, 12), cb = crm::try_survival_interval(*we, 12, bootstrap400);
    const auto cv = crm::try_survival_curve_intervals(*we, 12);
    REQUIRE((c && cb && cv));
    s12.add(a->contains(true_s12)), s12_b.add(ab->contains(true_s12)), r10.add(b->contains(true_r10));
    w12.add(c->contains(true_w12)), w12_b.add(cb->contains(true_w12)), curve.add(cv->total.contains(true_curve));
    return true;
  });
  require_coverage("sBG S(12), delta", s12);
  require_coverage("sBG S(12), bootstrap", s12_b);
  require_coverage("sBG r(10), delta", r10);
  require_coverage("BdW S(12), delta", w12);
  require_coverage("BdW S(12), bootstrap", w12_b);
  require_coverage("BdW sum of S(0..12), delta", curve);
}

// A prediction near 1e-195: g' C g underflowed to 0 and the delta interval claimed no uncertainty
// (se 0, a point), while the bootstrap's spans orders of magnitude (found by an audit). The quadratic
// form is now taken with g scaled by its largest entry.
TEST_CASE("prediction intervals: the delta method keeps the uncertainty of tiny predictions", "[models][intervals]") {
  const auto rows = crm::generate(crm::bg_nbd<double>{0.243, 4.414, 0.793, 2.426}, {.customers = 500, .first_age = 27, .last_age = 39, .seed = 3});
  const auto fit = crm::try_fit_bg_nbd<double>(rows);
  REQUIRE(fit);
  const auto est = crm::parameter_estimate_from(*fit);
  const crm::rfm_row<double> tiny{60, 1, 1e4};
  const auto d = crm::try_probability_alive_interval(est, tiny);
  REQUIRE(d);
  REQUIRE(d->estimate > 0.0);
  REQUIRE(d->estimate < 1e-150);
  CHECK(d->standard_error > 0.0);
  CHECK(d->lower < d->estimate);
  CHECK(d->upper > d->estimate);
  const auto b = crm::try_probability_alive_interval(est, tiny, {.method = crm::prediction_interval_method::bootstrap, .draws = 400});
  REQUIRE(b);
  CHECK(b->upper / b->lower > 10.0);
  CHECK(d->upper / d->lower > 10.0);  // both see orders of magnitude
}

}  // namespace model_intervals_test
