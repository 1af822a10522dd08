// crm-metrics tests: the homogeneous drop-out models (crm/models/homogeneous.hpp) and the boundary at
// infinity of the BG/NBD, modified BG/NBD and Pareto/NBD fits (fit_boundary::homogeneous_dropout,
// homogeneous_death_rate): against an independent SciPy fit (scripts/homogeneous_reference.py), with
// counted work, and a randomized check that no try_ form throws.
#include <crm/models/bg_nbd.hpp>
#include <crm/models/generate.hpp>
#include <crm/models/homogeneous.hpp>
#include <crm/models/intervals.hpp>
#include <crm/models/modified_bg_nbd.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "ridge_helpers.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace models_homogeneous_test {
#if defined(CRM_METRICS_CATCH2_V3)
using Catch::Approx;
#endif

namespace {
using row = crm::rfm_row<double>;

crm::generate_options<double> ages_20_52(int n, std::uint64_t seed) {
  return crm::generate_options<double>{.customers = n, .first_age = 20.0, .last_age = 52.0, .seed = seed};
}
// The data of scripts/data/homogeneous_*.csv, regenerated (the script prints their sums).
std::vector<row> bg_data() { return crm::generate(crm::bg_nbd<double>{0.5, 2.0, 3e5, 7e5}, ages_20_52(300, 1)); }
std::vector<row> mbg_data() { return crm::generate(crm::modified_bg_nbd<double>{0.5, 2.0, 3e5, 7e5}, ages_20_52(300, 2)); }
std::vector<row> pareto_data() { return crm::generate(crm::pareto_nbd<double>{0.5, 2.0, 1e6, 2e7}, ages_20_52(300, 2)); }

void check_sums(const std::vector<row>& v, double x, double tx, double age) {
  double sx = 0, stx = 0, sa = 0;
  for (const row& c : v) sx += c.frequency, stx += c.recency, sa += c.age;
  CHECK(v.size() == 300);
  CHECK(sx == x);
  CHECK(stx == Approx(tx).epsilon(1e-14));
  CHECK(sa == Approx(age).epsilon(1e-14));
}

/// The SciPy values of one nested fit (scripts/homogeneous_reference.py output).
struct reference {
  double r, alpha, third, r_se, alpha_se, third_se, log_likelihood, score;
};
// "homogeneous_bg_nbd.csv: params / se / loglik / heterogeneity score" lines of the script
constexpr reference bg_ref{0.48927303663274685, 1.7559037585058719, 0.295741901822225, 0.05002903579026634, 0.30299570237432244,
                           0.020724320356223885, -2016.4185991381771, -10.52293700023506};
constexpr reference mbg_ref{0.45235991876478027, 1.7159339290803075, 0.26987210869764067, 0.07440844773823416, 0.36555085290655076,
                            0.023671761417303865, -1563.0172426431752, -21.597858495828625};
constexpr reference pareto_ref{0.37242773196295714, 1.7223431414159363, 0.04075932609343711, 0.04682955522543359, 0.27296569116285313,
                               0.00432441018692067, -2362.44267650384, -4.500721802287444};

template <class Fit>
void check_against(const Fit& h, const reference& ref) {
  const auto& f = h.fit;
  const auto third = [](const auto& p) {
    if constexpr (requires { p.mu; })
      return static_cast<double>(p.mu);
    else
      return static_cast<double>(p.p);
  };
  CHECK(f.report.converged);
  CHECK(f.params.r == Approx(ref.r).epsilon(1e-5));
  CHECK(f.params.alpha == Approx(ref.alpha).epsilon(1e-5));
  CHECK(third(f.params) == Approx(ref.third).epsilon(1e-5));
  // SciPy's SEs come from a finite-difference Hessian of its own ln L (step 1e-4, Pareto 1e-3 relative)
  CHECK(f.standard_errors.r == Approx(ref.r_se).epsilon(1e-4));
  CHECK(f.standard_errors.alpha == Approx(ref.alpha_se).epsilon(1e-4));
  CHECK(third(f.standard_errors) == Approx(ref.third_se).epsilon(1e-4));
  CHECK(f.log_likelihood == Approx(ref.log_likelihood).epsilon(1e-11));
  REQUIRE(f.covariance.size == 3);
  CHECK(std::sqrt(f.covariance(2, 2)) == Approx(third(f.standard_errors)).epsilon(1e-12));
  // the script's score is a Richardson extrapolation of the full model's ln L at a+b (s) = 2e3, 4e3
  CHECK(h.heterogeneity_score == Approx(ref.score).epsilon(2e-3));
  CHECK(h.heterogeneity_score < 0.0);
}

template <class Fit>
void check_report(const Fit& f, crm::fit_boundary where, const reference& ref) {
  const crm::boundary_report& b = f.boundary;
  CHECK(b.where == where);
  CHECK(std::string(b.description) == crm::describe(where));
  REQUIRE(b.nested_fitted);
  CHECK(b.nested_parameters == 3);
  CHECK(b.nested_r == Approx(ref.r).epsilon(1e-5));
  CHECK(b.nested_alpha == Approx(ref.alpha).epsilon(1e-5));
  CHECK(b.nested_dropout == Approx(ref.third).epsilon(1e-5));
  CHECK(b.nested_r_se == Approx(ref.r_se).epsilon(1e-4));
  CHECK(b.nested_alpha_se == Approx(ref.alpha_se).epsilon(1e-4));
  CHECK(b.nested_dropout_se == Approx(ref.third_se).epsilon(1e-4));
  CHECK(b.nested_log_likelihood == Approx(ref.log_likelihood).epsilon(1e-11));
  CHECK(b.heterogeneity_score == Approx(ref.score).epsilon(2e-3));
  // the full model never does better than the ridge beyond the optimizer's tolerance
  CHECK(f.log_likelihood <= b.nested_log_likelihood + 1e-7 * std::abs(b.nested_log_likelihood));
  const crm::likelihood_ratio lr = crm::boundary_likelihood_ratio(f.log_likelihood, b.nested_log_likelihood);
  CHECK(b.lr_statistic == lr.statistic);
  CHECK(b.lr_p_value == lr.p_value);
  CHECK(b.lr_statistic < 1e-3);
  CHECK(b.lr_p_value > 0.45);
  CHECK(std::isinf(f.standard_errors.r));
  CHECK_FALSE(f.covariance.available());
}
}  // namespace

TEST_CASE("homogeneous models: the data of the SciPy reference are regenerated exactly", "[models][homogeneous]") {
  // sums printed by scripts/homogeneous_reference.py (NumPy's pairwise sums: the last digits may differ)
  check_sums(bg_data(), 617.0, 2980.9120600848364, 10973.059436546888);
  check_sums(mbg_data(), 458.0, 2248.3612245085387, 10731.994533462259);
  check_sums(pareto_data(), 1201.0, 2734.4008640484058, 11027.094418376799);
}

TEST_CASE("homogeneous models: maximum-likelihood fits match SciPy", "[models][homogeneous]") {
  const auto bg = crm::try_fit_homogeneous_bg_nbd<double>(bg_data());
  REQUIRE(bg);
  check_against(*bg, bg_ref);
  const auto mbg = crm::try_fit_homogeneous_modified_bg_nbd<double>(mbg_data());
  REQUIRE(mbg);
  check_against(*mbg, mbg_ref);
  const auto pareto = crm::try_fit_homogeneous_pareto_nbd<double>(pareto_data());
  REQUIRE(pareto);
  check_against(*pareto, pareto_ref);
}

TEST_CASE("homogeneous models: the per-customer log-likelihoods sum to the fit's", "[models][homogeneous]") {
  const auto data = pareto_data();
  const crm::homogeneous_pareto_nbd<double> m{pareto_ref.r, pareto_ref.alpha, pareto_ref.third};
  double ll = 0;
  for (const row& c : data) ll += m.log_likelihood(c);
  CHECK(ll == Approx(pareto_ref.log_likelihood).epsilon(1e-11));  // SciPy's ln L at its own optimum
  const auto bg = bg_data();
  const crm::homogeneous_bg_nbd<double> b{bg_ref.r, bg_ref.alpha, bg_ref.third};
  double lb = 0;
  for (const row& c : bg) lb += b.log_likelihood(c);
  CHECK(lb == Approx(bg_ref.log_likelihood).epsilon(1e-12));
  CHECK(b.try_log_likelihood({1, 2, 3}).has_value());
  CHECK(crm::homogeneous_bg_nbd<double>{0.5, 2, 1.0}.try_log_likelihood({1, 2, 3}).error().code == crm::errc::out_of_range);
  CHECK(crm::homogeneous_pareto_nbd<double>{0.5, 2, 0.0}.try_log_likelihood({1, 2, 3}).error().code == crm::errc::out_of_range);
  CHECK(m.try_log_likelihood({1, 4, 3}).error().code != crm::errc::ok);  // recency beyond age
}

TEST_CASE("fits on homogeneous drop-out data name the boundary at infinity", "[models][homogeneous]") {
  crm::fit_options rep;
  rep.on_boundary = crm::boundary_policy::report;
  SECTION("BG/NBD") {
    const auto e = crm::try_fit_bg_nbd<double>(bg_data());
    REQUIRE_FALSE(e);
    CHECK(e.error().code == crm::errc::not_identifiable);
    CHECK(std::string(e.error().field) == "a");
    // quoted in docs/models.md
    CHECK(crm::message(e.error()) ==
          "crm::fit_bg_nbd: a cannot identify the model (the likelihood is maximised on the boundary a, b -> infinity with "
          "a/(a+b) fixed: every customer has the same drop-out probability (homogeneous drop-out))");
    const auto f = crm::try_fit_bg_nbd<double>(bg_data(), rep);
    REQUIRE(f);
    check_report(*f, crm::fit_boundary::homogeneous_dropout, bg_ref);
    CHECK(f->params.a + f->params.b >= crm::detail::bgnbd_ridge_scale);
    CHECK(f->params.a / (f->params.a + f->params.b) == Approx(bg_ref.third).epsilon(1e-3));
    // the estimates are the nested model's (f->params are where the fit stopped)
    const auto est = crm::try_homogeneous_estimates(*f);
    REQUIRE(est);
    CHECK(est->r == Approx(bg_ref.r).epsilon(1e-5));
    CHECK(est->alpha == Approx(bg_ref.alpha).epsilon(1e-5));
    CHECK(est->p == Approx(bg_ref.third).epsilon(1e-5));
  }
  SECTION("modified BG/NBD") {
    const auto e = crm::try_fit_modified_bg_nbd<double>(mbg_data());
    REQUIRE_FALSE(e);
    CHECK(e.error().code == crm::errc::not_identifiable);
    const auto f = crm::try_fit_modified_bg_nbd<double>(mbg_data(), rep);
    REQUIRE(f);
    check_report(*f, crm::fit_boundary::homogeneous_dropout, mbg_ref);
    const auto est = crm::try_homogeneous_estimates(*f);
    REQUIRE(est);
    CHECK(est->p == Approx(mbg_ref.third).epsilon(1e-5));
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(*est)>, crm::homogeneous_modified_bg_nbd<double>>);
  }
  SECTION("Pareto/NBD") {
    const auto e = crm::try_fit_pareto_nbd<double>(pareto_data());
    REQUIRE_FALSE(e);
    CHECK(e.error().code == crm::errc::not_identifiable);
    CHECK(std::string(e.error().field) == "s");
    CHECK(crm::message(e.error()) ==
          "crm::fit_pareto_nbd: s cannot identify the model (the likelihood is maximised on the boundary s, beta -> infinity "
          "with s/beta fixed: every customer has the same death rate (homogeneous death rate))");
    const auto f = crm::try_fit_pareto_nbd<double>(pareto_data(), rep);
    REQUIRE(f);
    check_report(*f, crm::fit_boundary::homogeneous_death_rate, pareto_ref);
    CHECK(f->params.s >= crm::detail::pareto_ridge_check_s);
    const auto est = crm::try_homogeneous_estimates(*f);
    REQUIRE(est);
    CHECK(est->r == Approx(pareto_ref.r).epsilon(1e-5));
    CHECK(est->alpha == Approx(pareto_ref.alpha).epsilon(1e-5));
    CHECK(est->mu == Approx(pareto_ref.third).epsilon(1e-5));
  }
}

namespace {
using cov3 = std::array<std::array<double, 3>, 3>;
// scripts/nested_covariance_reference.py: inv(numdiff.hessian(-ln L of the nested model, SciPy maximum,
// h = 1e-4; Pareto 1e-3)), rows r, alpha, p (mu), the "cov[i]" lines
constexpr cov3 bg_cov{{{0.002502904940904674, 0.011860452990824543, 4.0572247019369834e-05},
                       {0.011860452990824541, 0.0918064267354455, 1.4069534065915585e-05},
                       {4.0572247019369834e-05, 1.4069534065915585e-05, 0.00042949746621692437}}};
constexpr cov3 mbg_cov{{{0.005536618773691367, 0.02070375521249559, 0.0008607331009673064},
                        {0.020703755212495588, 0.13362746658077898, 0.002073893783952001},
                        {0.0008607331009673072, 0.0020738937839520077, 0.0005603523147422561}}};
constexpr cov3 pareto_cov{{{0.0021930072426119343, 0.009536384585848993, 6.811771011394445e-05},
                           {0.009536384585848994, 0.07451026855201412, 0.00022158055889348187},
                           {6.811771011394449e-05, 0.00022158055889348187, 1.8700523464743262e-05}}};

/// The report's nested covariance: each entry within 2e-4 sqrt(C_ii C_jj) of SciPy's (two finite-difference
/// Hessians at optima 1e-5 apart), its diagonal the squares of the report's standard errors.
void check_nested_covariance(const crm::boundary_report& b, const cov3& ref) {
  REQUIRE(b.nested_covariance.size == 3);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) {
      CAPTURE(i, j);
      CHECK(std::abs(b.nested_covariance(i, j) - ref[i][j]) <= 2e-4 * std::sqrt(ref[i][i] * ref[j][j]));
      CHECK(b.nested_covariance(i, j) == b.nested_covariance(j, i));
    }
  const double se[3] = {b.nested_r_se, b.nested_alpha_se, b.nested_dropout_se};
  for (std::size_t i = 0; i < 3; ++i) CHECK(std::sqrt(b.nested_covariance(i, i)) == Approx(se[i]).epsilon(1e-15));
}
}  // namespace

TEST_CASE("boundary reports at infinity carry the nested model's covariance and its intervals", "[models][homogeneous]") {
  crm::fit_options rep;
  rep.on_boundary = crm::boundary_policy::report;
  const auto bg = crm::try_fit_bg_nbd<double>(bg_data(), rep);
  REQUIRE(bg);
  check_nested_covariance(bg->boundary, bg_cov);
  const auto mbg = crm::try_fit_modified_bg_nbd<double>(mbg_data(), rep);
  REQUIRE(mbg);
  check_nested_covariance(mbg->boundary, mbg_cov);
  const auto pareto = crm::try_fit_pareto_nbd<double>(pareto_data(), rep);
  REQUIRE(pareto);
  check_nested_covariance(pareto->boundary, pareto_cov);

  // The estimate of the nested model from the report: its standard errors are the report's.
  const auto hp = crm::try_homogeneous_estimates(*pareto);
  REQUIRE(hp);
  const auto est = crm::try_parameter_estimate(*hp, pareto->boundary);
  REQUIRE(est);
  CHECK(est->standard_errors().mu == Approx(pareto->boundary.nested_dropout_se).epsilon(1e-14));
  // E[X(52)] = (r/alpha)(1 - e^(-52 mu))/mu with its delta-method 90% interval: the script's hand
  // gradient with SciPy's covariance gives f 4.668011100787351, se 0.5714920964925021, [3.8165927274788647,
  // 5.7093667553750285] (z = norm.ppf(0.95)); ours at the C++ fit (1e-5 from SciPy's) with its covariance.
  const auto e = crm::try_expected_purchases_interval(*est, 52.0);
  REQUIRE(e);
  CHECK(e->estimate == Approx(4.668011100787351).epsilon(1e-4));
  CHECK(e->standard_error == Approx(0.5714920964925021).epsilon(1e-3));
  CHECK(e->lower == Approx(3.8165927274788647).epsilon(1e-3));
  CHECK(e->upper == Approx(5.7093667553750285).epsilon(1e-3));
  const auto hb = crm::try_homogeneous_estimates(*bg);
  REQUIRE(hb);
  const auto eb = crm::parameter_estimate_from(*hb, bg->boundary);
  const auto a = crm::try_probability_alive_interval(eb, row{3, 20, 40});
  REQUIRE(a);
  CHECK((a->lower < a->estimate && a->estimate < a->upper));

  // Refusals: another boundary's report, another model's parameters, a report without covariance.
  CHECK(crm::try_parameter_estimate(*hp, bg->boundary).error().field == std::string("boundary"));
  CHECK(crm::try_parameter_estimate(crm::nbd<double>{hp->r, hp->alpha}, pareto->boundary).error().field == std::string("boundary"));
  crm::homogeneous_pareto_nbd<double> moved = *hp;
  moved.mu *= 2;
  CHECK(crm::try_parameter_estimate(moved, pareto->boundary).error().field == std::string("parameters"));
  crm::boundary_report without = pareto->boundary;
  without.nested_covariance = {};
  CHECK(crm::try_parameter_estimate(*hp, without).error().code == crm::errc::not_identifiable);
  without.nested_fitted = false;
  without.nested_error = {crm::errc::not_converged, "fit_homogeneous_pareto_nbd", "parameters"};
  CHECK(crm::try_parameter_estimate(*hp, without).error().code == crm::errc::not_converged);
  CHECK_THROWS_AS(crm::parameter_estimate_from(*hp, without), crm::metric_error);
}

TEST_CASE("BG/NBD-family likelihoods far out on the homogeneous drop-out ridge reach the nested model's", "[models][homogeneous]") {
  // Along the ridge a = p S, b = (1 - p) S the full model's ln L tends to the homogeneous model's at
  // (r, alpha, p) as O(1/S): about 1e-5 at S = 1e6 on these 300 customers, so 2 (ln L_full - ln L_nested)
  // is about 2e-8 at S = 1e9 and 2e-11 at S = 1e12. Tolerance 1e-6: fifty times that, far above the
  // rounding of a sum of 300 terms (1e-12) and of SciPy's ln L against ours (below 1e-12 relative, the
  // test above), and far below what the lgamma differences lost before (lgamma(1e9) carries 4e-6 of
  // rounding each: 5e-4 at S = 1e9 and 3.3 at S = 1e12 here, 0.075 for a fit of 2000 customers below).
  for (const double S : {1e9, 1e12}) {
    INFO("a + b = " << S);
    const crm::bg_nbd<double> bg{bg_ref.r, bg_ref.alpha, bg_ref.third * S, (1 - bg_ref.third) * S};
    double ll = 0;
    for (const row& c : bg_data()) ll += bg.log_likelihood(c);
    CHECK(std::abs(2 * (ll - bg_ref.log_likelihood)) < 1e-6);  // SciPy's ln L of the nested model there
    const crm::modified_bg_nbd<double> mbg{mbg_ref.r, mbg_ref.alpha, mbg_ref.third * S, (1 - mbg_ref.third) * S};
    double lm = 0;
    for (const row& c : mbg_data()) lm += mbg.log_likelihood(c);
    CHECK(std::abs(2 * (lm - mbg_ref.log_likelihood)) < 1e-6);
  }
  // Through the fits, whose ln L is the grouped likelihood of the optimizer: on 2000 customers the
  // modified BG/NBD fit stops at a + b of about 1e10 (2.9e9 before, its LR statistic then 0.075) and the
  // BG/NBD fit of another sample at about 4e10 (3.7e207 before, the statistic 1e198).
  crm::fit_options rep;
  rep.on_boundary = crm::boundary_policy::report;
  const auto far = [&](const auto& f, const std::vector<row>& data) {
    REQUIRE(f);
    CHECK(f->boundary.where == crm::fit_boundary::homogeneous_dropout);
    CHECK_FALSE(f->params_are_estimates());  // a point far out on the ridge, not estimates
    CHECK(f->params.a + f->params.b >= 1e8);
    CHECK(f->boundary.lr_statistic < 1e-6);
    CHECK(2 * (f->log_likelihood - f->boundary.nested_log_likelihood) < 1e-6);
    double ll = 0;
    for (const row& c : data) ll += f->params.log_likelihood(c);
    CHECK(f->log_likelihood == Approx(ll).epsilon(1e-12));  // the grouped and the per-customer ln L agree there
  };
  const auto five = crm::generate(crm::bg_nbd<double>{0.5, 2.0, 3e5, 7e5}, ages_20_52(2000, 5));
  far(crm::try_fit_modified_bg_nbd<double>(five, rep), five);
  const auto six = crm::generate(crm::bg_nbd<double>{0.5, 2.0, 3e5, 7e5}, ages_20_52(2000, 6));
  far(crm::try_fit_bg_nbd<double>(six, rep), six);
}

TEST_CASE("fits on heterogeneous drop-out data stay interior", "[models][homogeneous]") {
  crm::fit_options rep;
  rep.on_boundary = crm::boundary_policy::report;
  // CDNOW-like BG/NBD parameters (FHL 2005: a = 0.79, b = 2.43): a real Beta mixture
  const auto data = crm::generate(crm::bg_nbd<double>{0.25, 4.4, 0.8, 2.4}, ages_20_52(2000, 5));
  const auto f = crm::try_fit_bg_nbd<double>(data, rep);
  REQUIRE(f);
  CHECK(f->boundary.where == crm::fit_boundary::none);
  CHECK(f->params_are_estimates());
  const auto none = crm::try_homogeneous_estimates(*f);  // its params are the estimates
  CHECK((!none && none.error().code == crm::errc::out_of_range && std::string(none.error().field) == "boundary"));
  // and the heterogeneity score of the homogeneous model says so
  const auto h = crm::try_fit_homogeneous_bg_nbd<double>(data);
  REQUIRE(h);
  CHECK(h->heterogeneity_score > 0.0);
  CHECK(f->log_likelihood > h->fit.log_likelihood + 1.0);
  const auto p = crm::generate(crm::pareto_nbd<double>{0.55, 10.6, 0.6, 11.7}, ages_20_52(1000, 6));
  const auto hp = crm::try_fit_homogeneous_pareto_nbd<double>(p);
  REQUIRE(hp);
  CHECK(hp->heterogeneity_score > 0.0);
}

TEST_CASE("fit_pareto_nbd: the homogeneous-death-rate ridge is named with bounded, counted work", "[models][homogeneous]") {
  // The lead's probe (issue 11): 2000 customers, seed 2, used to run to the whole work bound
  // max(4e6, 4e4 x 2000) = 8e7 and end "did not converge". Now the ridge check stops it: the counted
  // work (series terms and death-integral steps of the full fit, plus the homogeneous fit's integrand
  // evaluations) stays below a twentieth of that bound.
  const auto data = crm::generate(crm::pareto_nbd<double>{0.5, 2.0, 1e6, 2e7}, ages_20_52(2000, 2));
  crm::fit_options rep;
  rep.on_boundary = crm::boundary_policy::report;
  long long work = 0;
  const auto f = crm::detail::fit_pareto_nbd_counted<double>(std::span<const row>(data), rep, &work);
  REQUIRE(f);
  CHECK(f->boundary.where == crm::fit_boundary::homogeneous_death_rate);
  CHECK_FALSE(f->params_are_estimates());
  CHECK(f->boundary.nested_fitted);
  CHECK(f->boundary.heterogeneity_score < 0.0);
  CHECK(f->boundary.nested_dropout == Approx(0.05).epsilon(0.15));  // the true mu = 1e6 / 2e7, within sampling error
  // stopped by the early ridge check: f->params are that point (s about 10, not an estimate); the
  // estimates are the homogeneous model's
  CHECK(f->params.s >= crm::detail::pareto_ridge_check_s);
  CHECK(f->params.s < 100.0);
  const auto est = crm::try_homogeneous_estimates(*f);
  REQUIRE(est);
  CHECK(est->mu == f->boundary.nested_dropout);
  CHECK(est->r == f->boundary.nested_r);
  const long long old_bound = std::max(crm::detail::pareto_fit_max_terms, crm::detail::pareto_fit_work_per_row * 2000);
  CHECK(work > 0);
  CHECK(work < old_bound / 20);
  // the homogeneous fit's own bound per integral
  STATIC_REQUIRE(crm::detail::homogeneous_death_integral_max_work == 200 + 15 * (64 + 2 * 64));
  long long one = 0;
  for (const row& c : data) {
    const auto t = crm::detail::homogeneous_pareto_row<double>(0.49, 1.95, 0.047, c.frequency, c.recency, c.age, std::lgamma(0.49),
                                                               crm::detail::digamma(0.49));
    CHECK(t.ok);
    one = std::max(one, t.work);
  }
  CHECK(one <= crm::detail::homogeneous_death_integral_max_work);
}

TEST_CASE("homogeneous Pareto/NBD fit: the purchase-rate ridge is named after little work", "[models][homogeneous]") {
  // 19 customers (report_fuzz's seed 1, tests/fuzz/report_fuzz.cpp, calibrated at 2024-08-31 in weeks):
  // the likelihood rises toward r, alpha -> infinity. The fit used to run its optimizer along that ridge
  // to r of about 1.2e5, where the death integrals fail at neighbouring points, until its whole work
  // bound of 4e6 integrand steps (0.33 s at -O2) and end "not converged"; the full Pareto/NBD fit of
  // these rows tests the homogeneous model once on its way, so it took 0.46 s (0.02 s now, with its own test
  // of the ridge on the way, docs/models.md).
  std::vector<row> rows;
  for (const auto& [x, tx, t] : std::vector<std::array<double, 3>>{
           {0, 0, 234}, {0, 0, 14}, {2, 51, 65}, {1, 44, 109}, {2, 51, 160}, {1, 42, 202}, {1, 26, 228}, {1, 44, 52}, {1, 25, 77},
           {2, 51, 128}, {1, 44, 172}, {2, 50, 222}, {0, 0, 222}, {0, 0, 20}, {1, 26, 46}, {2, 51, 97}, {1, 43, 140}, {2, 50, 190},
           {1, 44, 234}})
    rows.push_back({x, tx / 7.0, t / 7.0});
  long long work = 0;
  const auto h = crm::detail::fit_homogeneous_pareto<double>(std::span<const row>(rows), {}, &work);
  REQUIRE_FALSE(h);
  CHECK(h.error().code == crm::errc::not_identifiable);
  CHECK(std::string(h.error().field) == "r");
  CHECK(work > 0);
  CHECK(work < crm::detail::homogeneous_pareto_fit_max_work / 10);
  const auto pub = crm::try_fit_homogeneous_pareto_nbd<double>(rows);
  REQUIRE_FALSE(pub);
  CHECK(pub.error().code == crm::errc::not_identifiable);
  // The limit is the Poisson purchase rate lambda with exponential lifetimes mu: maximised with SciPy
  // (scipy.optimize.minimize, Nelder-Mead on log lambda, log mu, xatol 1e-12, fatol 1e-14, of
  // -sum[x ln lam + ln(e^-(lam+mu)T + mu/(lam+mu) (e^-(lam+mu)t_x - e^-(lam+mu)T))]):
  // -ln L = 75.56555259444373 at lambda = 0.11740533, mu = 0.07055567. The homogeneous model at
  // r = 1e3, 1e4, 1e5 with r/alpha = lambda climbs toward that supremum and stays below it.
  const double lam = 0.11740533, mu = 0.07055567, sup = -75.56555259444373;
  double previous = -std::numeric_limits<double>::infinity();
  for (const double r : {1e3, 1e4, 1e5}) {
    const crm::homogeneous_pareto_nbd<double> m{r, r / lam, mu};
    double ll = 0;
    for (const row& c : rows) ll += m.log_likelihood(c);
    CAPTURE(r, ll);
    CHECK(ll > previous);
    CHECK(ll < sup + 1e-9);
    previous = ll;
  }
  CHECK(previous > sup - 1e-4);
  // the full model names the same ridge
  const auto full = crm::try_fit_pareto_nbd<double>(rows);
  REQUIRE_FALSE(full);
  CHECK(full.error().code == crm::errc::not_identifiable);
  CHECK(std::string(full.error().field) == "r");
}

TEST_CASE("Pareto/NBD where nearly nobody repeats: the corner of one purchase rate and one death rate is named", "[models][homogeneous]") {
  // 31 customers, one repeat purchase among them (found by an audit of small generated data sets, 2026-12-07): the
  // homogeneous Pareto/NBD runs to r, alpha -> infinity with alpha 2e5 times the ages, where the death integrals in
  // log(alpha + tau) lost their digits at every point; it used to end "the likelihood needed more than its work bound
  // of death-integral steps" (and the full fit of 60 such customers "the Hessian ... is not positive definite").
  // The full model runs to both ridges at once: s, beta -> infinity too.
  std::vector<row> rows;
  for (const double t : {13.75, 30.15, 42.6, 27.86, 50.7, 43.1, 24.47, 18.6, 25.08, 19.8, 31.35, 48.79, 16.01, 50.23, 29.15, 35.8,
                         13.47, 21.02, 21.33, 12.12, 34.61, 26.53, 23.7, 15.75, 43.09, 18.29, 42.38, 12.75, 20.88, 29.97})
    rows.push_back({0, 0, t});
  rows.push_back({1, 6.1, 19.48});
  long long work = 0;
  const auto h = crm::detail::fit_homogeneous_pareto<double>(std::span<const row>(rows), {}, &work);
  REQUIRE_FALSE(h);
  CHECK(h.error().code == crm::errc::not_identifiable);
  CHECK(std::string(h.error().field) == "r");
  CHECK(work < crm::detail::homogeneous_pareto_fit_max_work / 10);
  crm_test::check_named_under_both_policies([&](const crm::fit_options& o) { return crm::try_fit_pareto_nbd<double>(rows, o); }, "s",
                                             "s, beta -> infinity with s/beta fixed and r, alpha -> infinity");
  // Both likelihoods climb toward the corner's supremum: python3 scripts/homogeneous_limits_reference.py, data F,
  // lambda^x [lambda e^(-(lambda+mu) T) + mu e^(-(lambda+mu) t_x)] / (lambda+mu) is largest at lambda 0.0047068944050417515,
  // mu 0.13847747066171692, ln L -7.216309567524991 (Nelder-Mead); the full model at r = s = k, alpha = k/lambda, beta = k/mu.
  const double lambda = 0.0047068944050417515, mu = 0.13847747066171692, sup = -7.216309567524991;
  crm_test::check_climbs_toward([&](double k) { return crm::homogeneous_pareto_nbd<double>{k, k / lambda, mu}; }, rows, sup, 1e-5);
  crm_test::check_climbs_toward([&](double k) { return crm::pareto_nbd<double>{k, k / lambda, k, k / mu}; }, rows, sup, 1e-4);
}

namespace {
/// A limit named: errc::not_identifiable on `field`, a detail that contains `text`.
void check_named_limit(const crm::error_info& e, std::string_view field, std::string_view text) {
  CAPTURE(e.field, e.detail);
  CHECK(e.code == crm::errc::not_identifiable);
  CHECK(std::string(e.field) == std::string(field));
  CHECK(std::string_view(e.detail).find(text) != std::string_view::npos);
}
/// The drop-out scores (BG/NBD, modified BG/NBD) and the death score (Pareto/NBD) at the NBD's (r, alpha) against
/// mpmath's one-sided derivatives at 0 (`want`, in that order).
void check_scores_at_nbd(std::span<const row> rows, double r, double alpha, const std::array<double, 3>& want) {
  crm::detail::no_dropout_limit<double> at;
  at.found = true, at.r = r, at.alpha = alpha;
  CHECK(crm::detail::dropout_score<double, 0>(rows, at) == Approx(want[0]).epsilon(1e-9));
  CHECK(crm::detail::dropout_score<double, 1>(rows, at) == Approx(want[1]).epsilon(1e-9));
  CHECK(crm::detail::death_score<double>(rows, at) == Approx(want[2]).epsilon(1e-9));
}
}  // namespace

TEST_CASE("homogeneous fits name the limit where nobody drops out, and its corner with the Poisson", "[models][homogeneous]") {
  // Reference: python3 scripts/homogeneous_limits_reference.py (SciPy 1.10, mpmath 1.3.0), data B and A.
  // Before 2026-12-07 these fits ended with the optimizer's error ("the Hessian of the log-likelihood is not
  // positive definite at the optimum", "line search failed ..."), or for Pareto/NBD on A "the optimizer ran to r,
  // alpha -> infinity ... a limit the fit does not name".
  const auto has = check_named_limit;
  // Data B: the NBD's maximum is interior (SciPy Nelder-Mead: r 93.97834550593126, alpha 203.24546226685678,
  // ln L -105.4593174226705); SciPy's L-BFGS-B over (r, alpha, p in [0, 0.999]) and (r, alpha, mu in [0, 10])
  // ends at p = 0 (mu = 0) with that ln L (-105.45931742269318, -105.45931742269164, -105.45931742268988).
  const std::vector<row> b = {{3, 11.67, 13}, {12, 21.73, 23}, {2, 11.9, 15}, {25, 44.54, 45}, {18, 26.36, 32}};
  const auto nbd = crm::try_fit_nbd(b);
  REQUIRE(nbd);
  CHECK(nbd->log_likelihood == Approx(-105.4593174226705).epsilon(1e-10));
  CHECK(nbd->params.r == Approx(93.97834550593126).epsilon(1e-4));
  CHECK(nbd->params.alpha == Approx(203.24546226685678).epsilon(1e-4));
  // (the message as docs/models.md quotes it)
  has(crm::try_fit_homogeneous_bg_nbd(b).error(), "p",
      "the likelihood is maximised at p -> 0: nobody drops out (the NBD nested there, crm::try_fit_nbd), where the model has no estimate");
  has(crm::try_fit_homogeneous_modified_bg_nbd(b).error(), "p", "maximised at p -> 0: nobody drops out");
  has(crm::try_fit_homogeneous_pareto_nbd(b).error(), "mu", "maximised at mu -> 0: nobody dies");
  // The drop-out scores at SciPy's NBD maximum against mpmath's one-sided derivatives of the likelihoods at p = 0
  // (mu = 0): -36.030093017410544 (BG/NBD), -41.030093017410544 (modified), -88.07983191838136 (Pareto/NBD).
  check_scores_at_nbd(b, 93.97834550593126, 203.24546226685678, {-36.030093017410544, -41.030093017410544, -88.07983191838136});

  // Data A: one Poisson rate, nobody dropping out: the NBD names the Poisson (tests/nbd_test.cpp), and so do the
  // homogeneous models, at their corner. mpmath: the scores at the Poisson limit (lambda = 366/130)
  // -333.60273337985857, -338.60273337985857, -120.26873043546889, and the homogeneous BG/NBD family's ln L at
  // r = 1e12, alpha = r / lambda, p = 0.01 (where lgamma(r) and r ln alpha used to lose every digit):
  // 9.4708049987679405 and 9.4205533195004333.
  const std::vector<row> a = {{33, 12.89, 13}, {67, 19.89, 21}, {63, 20.62, 21}, {104, 37.65, 38}, {99, 36.65, 37}};
  has(crm::try_fit_homogeneous_bg_nbd(a).error(), "p", "maximised at p -> 0 and r, alpha -> infinity with r/alpha fixed");
  has(crm::try_fit_homogeneous_modified_bg_nbd(a).error(), "p", "maximised at p -> 0 and r, alpha -> infinity with r/alpha fixed");
  has(crm::try_fit_homogeneous_pareto_nbd(a).error(), "mu", "maximised at mu -> 0 and r, alpha -> infinity with r/alpha fixed");
  const std::span<const row> sa(a);
  crm::detail::no_dropout_limit<double> at_a;
  at_a.found = at_a.poisson = true, at_a.lambda = 366.0 / 130.0;
  CHECK(crm::detail::dropout_score<double, 0>(sa, at_a) == Approx(-333.60273337985857).epsilon(1e-12));
  CHECK(crm::detail::dropout_score<double, 1>(sa, at_a) == Approx(-338.60273337985857).epsilon(1e-12));
  CHECK(crm::detail::death_score<double>(sa, at_a) == Approx(-120.26873043546889).epsilon(1e-12));
  const double lambda = 366.0 / 130.0;
  double ll_bg = 0, ll_mbg = 0;
  for (const row& c : a) {
    ll_bg += crm::homogeneous_bg_nbd<double>{1e12, 1e12 / lambda, 0.01}.log_likelihood(c);
    ll_mbg += crm::homogeneous_modified_bg_nbd<double>{1e12, 1e12 / lambda, 0.01}.log_likelihood(c);
  }
  CHECK(ll_bg == Approx(9.4708049987679405).epsilon(1e-12));
  CHECK(ll_mbg == Approx(9.4205533195004333).epsilon(1e-12));
  // a penalized fit is not diagnosed (its objective is not the likelihood)
  const auto pen = crm::try_fit_homogeneous_bg_nbd(b, {.penalizer = 0.01});
  CHECK((pen || std::string_view(pen.error().detail).find("nobody drops out") == std::string_view::npos));
}

TEST_CASE("homogeneous fits converged at p -> 0 name the limit where nobody drops out, and so do the full fits along it", "[models][homogeneous]") {
  // Found by an audit of small generated data sets (2026-12-07): a homogeneous fit that converged there returned p (mu)
  // of 1e-13 to 2e-6 as an estimate (on 21 of 250 sets for the homogeneous BG/NBD, 17 for the Pareto/NBD), with a
  // standard error far larger than the estimate. Reference: python3 scripts/homogeneous_limits_reference.py (SciPy 1.10,
  // mpmath 1.3.0), data I: the NBD's maximum r 0.14352637678686728, alpha 14.653488869722452, ln L
  // -14.708789835639932 (Nelder-Mead); L-BFGS-B over (r, alpha, p in [0, 0.999]) and (r, alpha, mu in [0, 10]) ends at
  // p = 0 (mu = 0) with ln L -14.70878983564199, -14.708789856456999, -14.70878987067556; the drop-out scores at the
  // NBD's maximum -1.1824362381695821 (BG/NBD), -1.1124772499710552 (modified), -20.005768209187479 (Pareto/NBD).
  // Before, the three fits converged at p = 3.5e-11, p = 3.7e-10 and mu = 6.8e-12.
  const std::vector<row> i = {{0, 0, 35.94}, {3, 38.18, 49.24}, {0, 0, 44.65}, {0, 0, 40.44}, {0, 0, 36.47}, {0, 0, 18.33}, {0, 0, 18.40}};
  const auto nbd = crm::try_fit_nbd(i);
  REQUIRE(nbd);
  CHECK(nbd->log_likelihood == Approx(-14.708789835639932).epsilon(1e-11));
  CHECK(nbd->params.r == Approx(0.14352637678686728).epsilon(1e-5));
  CHECK(nbd->params.alpha == Approx(14.653488869722452).epsilon(1e-5));
  const auto named = [](const auto& f, std::string_view field, std::string_view text) {
    REQUIRE_FALSE(f);
    check_named_limit(f.error(), field, text);
  };
  named(crm::try_fit_homogeneous_bg_nbd(i), "p", "maximised at p -> 0: nobody drops out (the NBD nested there");
  named(crm::try_fit_homogeneous_modified_bg_nbd(i), "p", "maximised at p -> 0: nobody drops out (the NBD nested there");
  named(crm::try_fit_homogeneous_pareto_nbd(i), "mu", "maximised at mu -> 0: nobody dies (the NBD nested there");
  check_scores_at_nbd(i, 0.14352637678686728, 14.653488869722452, {-1.1824362381695821, -1.1124772499710552, -20.005768209187479});
  // a penalized fit is not diagnosed (its objective is not the likelihood)
  CHECK(crm::try_fit_homogeneous_bg_nbd(i, {.penalizer = 0.01}).has_value());

  // The full BG/NBD on 129 customers of the audit (regenerated from its exact parameters and seed): its fit stopped at a =
  // 0.0057, b = 406 (a/(a+b) = 1.4e-5), 7e-7 nats below the NBD, and named the homogeneous ridge a, b -> infinity with the
  // homogeneous model's p = 1.3e-5 as the nested estimate; the homogeneous model's own supremum is the NBD, and so the
  // fit names a -> 0 with the NBD nested.
  const crm::generate_options<double> o{.customers = 129, .first_age = 10, .last_age = 52, .seed = 535980496025747737ULL};
  const std::vector<row> g =
      crm::generate(crm::bg_nbd<double>{0.15073925818549394, 74.942768018327087, 13.988794041121634, 4.7533071655674721}, o);
  REQUIRE(g.size() == 129);
  // (the audit's data: its first customer, and 6 repeat purchases in all)
  CHECK(g[0].frequency == 0.0);
  CHECK(g[0].age == Approx(50.248038585439332).epsilon(1e-15));
  double purchases = 0;
  for (const row& c : g) purchases += c.frequency;
  CHECK(purchases == 6.0);
  named(crm::try_fit_homogeneous_bg_nbd(g), "p", "maximised at p -> 0: nobody drops out (the NBD nested there");
  named(crm::try_fit_bg_nbd(g), "a", "the likelihood is maximised on the boundary a -> 0: no drop-out visible in the data (the NBD limit)");
  const auto nbd_g = crm::try_fit_nbd(g);
  REQUIRE(nbd_g);
  const auto rep = crm::try_fit_bg_nbd(g, {.on_boundary = crm::boundary_policy::report});
  REQUIRE(rep);
  CHECK(rep->boundary.where == crm::fit_boundary::a_to_zero);
  CHECK(rep->boundary.nested_fitted);
  CHECK(rep->boundary.nested_log_likelihood == Approx(nbd_g->log_likelihood).epsilon(1e-12));
  CHECK(rep->log_likelihood <= nbd_g->log_likelihood + 1e-9 * std::abs(nbd_g->log_likelihood));
  CHECK(rep->params.a / (rep->params.a + rep->params.b) < 1e-3);
}

TEST_CASE("homogeneous and NBD fits on customers of one Poisson rate who never drop out: an estimate or a named limit", "[models][homogeneous][robustness]") {
  // Before 2026-12-07 about half of these fits ended "the Hessian of the log-likelihood is not positive
  // definite at the optimum" or "line search failed ...". Now each converges or names where its likelihood
  // is maximised: r (the Poisson, the purchase-rate ridge), p or mu (nobody drops out).
  std::mt19937_64 g(20261207);
  for (const int n : {5, 20, 100})
    for (const double lambda : {0.05, 0.5, 3.0})
      for (int rep = 0; rep < 2; ++rep) {
        std::vector<row> rows;
        for (int i = 0; i < n; ++i) {
          const double age = std::floor(10.0 + 40.0 * crm::detail::uniform01(g));
          double t = 0, last = 0, x = -1;
          while ((t += crm::detail::draw_exponential(g, lambda)) <= age) ++x, last = t;
          rows.push_back(x > 0 ? row{x, last, age} : row{0, 0, age});
        }
        CAPTURE(n, lambda, rep);
        const auto named = [](const crm::error_info& e) {
          CAPTURE(e.field, e.detail);
          CHECK(e.code == crm::errc::not_identifiable);
          const std::string_view f(e.field);
          CHECK((f == "r" || f == "p" || f == "mu" || f == "frequency"));
        };
        if (const auto f = crm::try_fit_nbd(rows); !f) named(f.error());
        if (const auto f = crm::try_fit_homogeneous_bg_nbd(rows); !f) named(f.error());
        if (const auto f = crm::try_fit_homogeneous_modified_bg_nbd(rows); !f) named(f.error());
        if (const auto f = crm::try_fit_homogeneous_pareto_nbd(rows); !f) named(f.error());
      }
}

TEST_CASE("homogeneous fits: restarts inside before the limit where nobody drops out is named", "[models][homogeneous]") {
  // restart_inside's decisions, with stand-in optimizer runs (the data sets above never reach its first branch:
  // for fixed r and alpha the BG/NBD family's ln L is concave in p, so its interior maxima are rare)
  crm::detail::no_dropout_limit<double> n;
  n.found = true, n.r = 2.0, n.alpha = 10.0, n.log_likelihood = -100.0;
  const crm::detail::vec<3> start = {1.0, 30.0, 0.25};
  const crm::error_info named{crm::errc::not_identifiable, "m", "p", "named"};
  std::vector<crm::detail::vec<3>> froms;
  const auto run = [&](double ll, bool converged, crm::stop_reason reason = crm::stop_reason::gradient_small) {
    return [&froms, ll, converged, reason](const crm::detail::vec<3>& from, crm::convergence* report) {
      froms.push_back(from);
      report->reason = reason;
      if (!converged) return crm::result<crm::detail::positive_fit<3>>(crm::error_info{crm::errc::not_converged, "m", "parameters", "x"});
      crm::detail::positive_fit<3> f;
      f.theta = from, f.log_likelihood = ll;
      return crm::result<crm::detail::positive_fit<3>>(f);
    };
  };
  // a restart that converges more likely than the limit is the fit, started from the limit's r and alpha
  double best = 100.0;
  auto f = crm::detail::restart_inside<double>(run(-99.0, true), n, start, {0.05, 1.0}, named, best, "m");
  REQUIRE(f);
  CHECK(f->log_likelihood == -99.0);
  REQUIRE(froms.size() == 1);
  CHECK(froms[0][0] == 2.0);
  CHECK(froms[0][1] == 10.0);
  CHECK(froms[0][2] == 0.05);
  // restarts that converge no more likely than the limit leave it named; both starts tried
  froms.clear();
  f = crm::detail::restart_inside<double>(run(-100.0, true), n, start, {0.05, 1.0}, named, best, "m");
  REQUIRE_FALSE(f);
  CHECK(std::string(f.error().detail) == "named");
  CHECK(froms.size() == 2);
  // a restart that reached a point more likely than the limit without converging: no diagnosis
  best = 99.5;
  f = crm::detail::restart_inside<double>(run(0.0, false), n, start, {0.05, 1.0}, named, best, "m");
  REQUIRE_FALSE(f);
  CHECK(f.error().code == crm::errc::not_converged);
  CHECK(std::string_view(f.error().detail).find("no maximum found") != std::string_view::npos);
  // an interrupted restart returns at once; at the Poisson the restarts start from the first start's r and alpha
  froms.clear();
  n.poisson = true;
  f = crm::detail::restart_inside<double>(run(0.0, false, crm::stop_reason::interrupted), n, start, {0.05, 1.0}, named, best, "m");
  REQUIRE_FALSE(f);
  CHECK(std::string(f.error().detail) == "x");
  REQUIRE(froms.size() == 1);
  CHECK(froms[0][0] == 1.0);
  CHECK(froms[0][1] == 30.0);
}

TEST_CASE("homogeneous fits: the end of the fit is tested for the purchase-rate ridge", "[models][homogeneous]") {
  // detail::homogeneous_purchase_ridge's decisions with stand-in objectives (-ln L): one that falls without end along
  // r, alpha -> infinity (ln L rises toward the limit) and one with its maximum at r = 500. On the data where an audit
  // found them (1 901 and 1 202 generated customers, too many to list here): the homogeneous Pareto/NBD converged at
  // r = 3.1e3, 4e-5 nats below the limit, and stopped at r = 8.2e3 with "the Hessian ... is not positive definite".
  using crm::detail::vec;
  const auto rising = [](const vec<3>& th, vec<3>& g) { return g = {}, 10.0 + 1.0 / th[0]; };
  const auto peaked = [](const vec<3>& th, vec<3>& g) { return g = {}, 10.0 + std::pow(std::log(th[0] / 500.0), 2.0); };
  const auto converged_at = [](const auto& nll, const vec<3>& th) {
    crm::detail::positive_fit<3> f;
    vec<3> g{};
    f.theta = th, f.log_likelihood = -nll(th, g);
    return crm::result<crm::detail::positive_fit<3>>(f);
  };
  const crm::result<crm::detail::positive_fit<3>> not_pd =
      crm::error_info{crm::errc::not_identifiable, "m", "parameters", "the Hessian of the log-likelihood is not positive definite at the optimum"};
  const crm::result<crm::detail::positive_fit<3>> named = crm::error_info{crm::errc::not_identifiable, "m", "mu", "named"};
  crm::convergence ok{}, stopped{}, interrupted{}, capped{};
  ok.reason = crm::stop_reason::gradient_small, stopped.reason = crm::stop_reason::line_search_failed;
  interrupted.reason = crm::stop_reason::interrupted, capped.reason = crm::stop_reason::max_iterations;
  const vec<3> far = {3118.81, 87605.6, 4.22978}, near = {50.0, 1400.0, 4.2};
  const auto ridge = [](const crm::error_info& e) {
    return e && e.code == crm::errc::not_identifiable && std::string(e.field) == "r" &&
           std::string(e.detail).find("rises toward r, alpha -> infinity with r/alpha fixed") != std::string::npos;
  };
  // a converged fit with r >= 100: named where the likelihood rises along the ridge, kept where it does not
  CHECK(ridge(crm::detail::homogeneous_purchase_ridge(rising, converged_at(rising, far), far, ok, {}, "m")));
  CHECK_FALSE(crm::detail::homogeneous_purchase_ridge(peaked, converged_at(peaked, far), far, ok, {}, "m"));
  CHECK_FALSE(crm::detail::homogeneous_purchase_ridge(rising, converged_at(rising, near), near, ok, {}, "m"));  // r < 100
  // a failed fit: the optimizer's own error at its last point is tested the same way
  CHECK(ridge(crm::detail::homogeneous_purchase_ridge(rising, not_pd, far, stopped, {}, "m")));
  CHECK_FALSE(crm::detail::homogeneous_purchase_ridge(peaked, not_pd, far, stopped, {}, "m"));
  // ... but not a limit already named, a capped or interrupted run, or a penalised fit
  CHECK_FALSE(crm::detail::homogeneous_purchase_ridge(rising, named, far, stopped, {}, "m"));
  CHECK_FALSE(crm::detail::homogeneous_purchase_ridge(rising, not_pd, far, capped, {}, "m"));
  CHECK_FALSE(crm::detail::homogeneous_purchase_ridge(rising, not_pd, far, interrupted, {}, "m"));
  CHECK_FALSE(crm::detail::homogeneous_purchase_ridge(rising, converged_at(rising, far), far, ok, {.penalizer = 0.1}, "m"));
}

TEST_CASE("no try_ form throws on homogeneous, small or odd data", "[models][homogeneous][robustness]") {
  std::mt19937_64 g(2026);
  std::vector<std::vector<row>> sets;
  const int sizes[] = {10, 17, 50, 200, 2000};
  for (int i = 0; i < 12; ++i) {
    const int n = sizes[i % 4];  // 2000 customers once below: the Pareto/NBD fits take seconds under sanitizers
    const std::uint64_t seed = g();
    switch (i % 3) {
      case 0: sets.push_back(crm::generate(crm::bg_nbd<double>{0.5, 2.0, 3e5, 7e5}, ages_20_52(n, seed))); break;
      case 1: sets.push_back(crm::generate(crm::modified_bg_nbd<double>{0.5, 2.0, 3e5 * 0.01, 7e5 * 0.01}, ages_20_52(n, seed))); break;
      default: sets.push_back(crm::generate(crm::pareto_nbd<double>{0.5, 2.0, 1e6, 2e7}, ages_20_52(n, seed))); break;
    }
  }
  sets.push_back(crm::generate(crm::pareto_nbd<double>{0.5, 2.0, 1e6, 2e7}, ages_20_52(sizes[4], 77)));
  sets.push_back(crm::generate(crm::bg_nbd<double>{0.5, 2.0, 3e5, 7e5}, ages_20_52(sizes[4], 78)));
  sets.push_back(std::vector<row>(20, row{3, 10, 20}));                         // identical rows
  sets.push_back({{0, 0, 5}, {0, 0, 7}, {1, 3, 7}});                             // almost nobody repeats
  sets.push_back({{0, 0, 5}, {0, 0, 7}});                                        // nobody repeats
  sets.push_back({{40, 1e6, 1e6 + 1}, {2, 1e-6, 1e6}, {0, 0, 1e7}});             // huge ages
  sets.push_back({{1, 1e-9, 2e-9}, {3, 1e-9, 1e-8}, {0, 0, 1e-9}});              // tiny ages
  sets.push_back({{100000, 50, 52}, {1, 1, 52}, {0, 0, 52}});                    // a huge frequency
  crm::fit_options rep;
  rep.on_boundary = crm::boundary_policy::report;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    INFO("data set " << i << " (" << sets[i].size() << " customers)");
    const std::span<const row> s(sets[i]);
    for (const crm::fit_options& o : {crm::fit_options{}, rep}) {
      CHECK_NOTHROW((void)crm::try_fit_bg_nbd<double>(s, o));
      CHECK_NOTHROW((void)crm::try_fit_modified_bg_nbd<double>(s, o));
      CHECK_NOTHROW((void)crm::try_fit_pareto_nbd<double>(s, o));
    }
    CHECK_NOTHROW((void)crm::try_fit_homogeneous_bg_nbd<double>(s));
    CHECK_NOTHROW((void)crm::try_fit_homogeneous_modified_bg_nbd<double>(s));
    CHECK_NOTHROW((void)crm::try_fit_homogeneous_pareto_nbd<double>(s));
    for (const row& c : sets[i]) {
      CHECK_NOTHROW((void)crm::homogeneous_pareto_nbd<double>{0.5, 2.0, 0.05}.try_log_likelihood(c));
      CHECK_NOTHROW((void)crm::homogeneous_modified_bg_nbd<double>{0.5, 2.0, 0.3}.try_log_likelihood(c));
      CHECK_NOTHROW((void)crm::homogeneous_pareto_nbd<double>{0.5, 2.0, 0.05}.try_conditional_expected_purchases(c, 52.0));
      CHECK_NOTHROW((void)crm::homogeneous_bg_nbd<double>{0.5, 2.0, 0.3}.try_conditional_expected_purchases(c, 1e300));
      CHECK_NOTHROW((void)crm::homogeneous_modified_bg_nbd<double>{0.5, 2.0, 1e-300}.try_probability_alive(c));
    }
  }
}

// The predictions of the nested models (the limits of the full models' as a, b -> infinity with
// a/(a+b) -> p, or s, beta -> infinity with s/beta -> mu): scripts/homogeneous_predictions_reference.py
// prints every value below (mpmath, 60 digits: the FULL models' formulas at a = p 1e30, b = (1-p) 1e30,
// and, independently, integrals over lambda's Gamma posterior by mpmath.quad; the Pareto/NBD's
// death-time integral by mpmath.quad).
namespace {
struct expected_row {
  row customer;
  double alive, conditional;
};
// P(alive) and E[Y(t) | history] of each row against its reference, to a relative `tolerance`.
template <class Model>
void check_rows(const Model& m, std::initializer_list<expected_row> rows, double t, double tolerance) {
  for (const expected_row& e : rows) {
    INFO("x = " << e.customer.frequency);
    const auto alive = m.try_probability_alive(e.customer);
    const auto conditional = m.try_conditional_expected_purchases(e.customer, t);
    REQUIRE(alive);
    REQUIRE(conditional);
    CHECK(*alive == Approx(e.alive).epsilon(tolerance));
    CHECK(*conditional == Approx(e.conditional).epsilon(tolerance));
  }
}
}  // namespace

TEST_CASE("homogeneous models: predictions match mpmath", "[models][homogeneous]") {
  const double t = 39.0;
  const row c0{0, 0, 38.86}, c2{2, 30.43, 38.86}, c5{5, 10, 38.86}, c50{50, 30, 39};
  SECTION("BG/NBD") {
    const crm::homogeneous_bg_nbd<double> m{0.243, 4.414, 0.3};
    check_rows(m, {expected_row{c0, 1.0, 0.18831136765966132}, expected_row{c2, 0.58935623441476726, 0.81599441319337304},
                   expected_row{c5, 0.0072707041853781821, 0.017324556834704242},
                   expected_row{c50, 1.9893828458634014e-5, 6.6312349613400178e-5}}, t, 1e-14);
    CHECK(m.expected_purchases(t) == Approx(0.89988245007822345).epsilon(1e-14));
    CHECK(m.probability_of_purchases(0, t) == Approx(0.57378635209600941).epsilon(1e-13));
    CHECK(m.probability_of_purchases(1, t) == Approx(0.21554183153362674).epsilon(1e-13));
    CHECK(m.probability_of_purchases(3, t) == Approx(0.0500716040917664).epsilon(1e-13));
    CHECK(m.probability_of_purchases(10, t) == Approx(0.001015117939399524).epsilon(1e-13));
  }
  SECTION("modified BG/NBD") {
    const crm::homogeneous_modified_bg_nbd<double> m{0.243, 4.414, 0.3};
    check_rows(m, {expected_row{c0, 0.57262876380264307, 0.10783250567293688},
                   expected_row{c2, 0.58935623441476726, 0.81599441319337304},
                   expected_row{c5, 0.0072707041853781821, 0.017324556834704242},
                   expected_row{c50, 1.9893828458634014e-5, 6.6312349613400178e-5}}, t, 1e-14);
    CHECK(m.expected_purchases(t) == Approx(0.62991771505475642).epsilon(1e-14));
    CHECK(m.probability_of_purchases(0, t) == Approx(0.70165044646720658).epsilon(1e-13));
    CHECK(m.probability_of_purchases(1, t) == Approx(0.15087928207353871).epsilon(1e-13));
    CHECK(m.probability_of_purchases(3, t) == Approx(0.03505012286423648).epsilon(1e-13));
    CHECK(m.probability_of_purchases(10, t) == Approx(0.00071058255757966677).epsilon(1e-13));
  }
  SECTION("Pareto/NBD") {
    const crm::homogeneous_pareto_nbd<double> m{0.55, 10.58, 0.02};
    check_rows(m, {expected_row{c0, 0.36343027375493857, 0.10948362496607448},
                   expected_row{c2, 0.80964065422451821, 1.1308314157502104},
                   expected_row{c5, 0.051016580408520171, 0.15508496831032682},
                   expected_row{c50, 0.0020714398314444548, 0.057191409520997545}}, t, 1e-11);
    CHECK(m.expected_purchases(t) == Approx(1.4077348477416212).epsilon(1e-14));
    CHECK(m.probability_alive(row{3, 20, 20}) == 1.0);  // bought at the end of its observation
  }
  SECTION("Pareto/NBD far along the purchase-rate ridge") {
    // alpha 2e5 times the ages: the death integral in log(alpha + tau) had a window 5e-6 wide at 16 and lost its
    // digits ("the death-time integral did not reach 1e-9" before 2026-12-07); in log((alpha+tau)/(alpha+t_x)) it
    // starts at 0, and the terms (r + x) log(alpha + ...) of size 3e6 that cancel between the alive and the dead
    // term are no longer formed (with them: 5e-10 off). mpmath: the same script, "r 2e5, alpha 8e6, mu 0.145".
    const crm::homogeneous_pareto_nbd<double> m{2e5, 8e6, 0.145};
    check_rows(m, {expected_row{c0, 0.0015846905572156349, 0.00027226491590669904},
                   expected_row{c2, 0.26865027298980208, 0.046157134647686901},
                   expected_row{c5, 0.0086653505130319288, 0.0014888268878508151},
                   expected_row{c50, 0.24472626038202223, 0.042056810919307881}}, t, 1e-11);
  }
}

TEST_CASE("homogeneous models: predictions are the full models' limits far out on the ridge", "[models][homogeneous]") {
  // The library's own full models at a + b = K (Pareto/NBD: s = mu K, beta = K) approach the nested
  // model's predictions as O(1/K): the gap at K = 1e7 is at most 1e-5 relative (it grows with
  // x, as a/(b+x-1) - p/(1-p), and as 1/s for Pareto/NBD, s = 5e5) and a tenth of the gap at 1e6. Before, BG/NBD's expectations refused a + b >= 1e7 ("did not converge": the rounding
  // bound of its quadrature grew with a + b) and its P(X(t) = n) lost digits (relative 6e-8 at 1e8).
  const double t = 20.0, p = 0.3, mu = 0.05;
  const crm::homogeneous_bg_nbd<double> h{0.7, 5.0, p};
  const crm::homogeneous_modified_bg_nbd<double> hm{0.7, 5.0, p};
  const crm::homogeneous_pareto_nbd<double> hp{0.7, 5.0, mu};
  const auto bg = [&](double k) { return crm::bg_nbd<double>{0.7, 5.0, p * k, (1 - p) * k}; };
  const auto mbg = [&](double k) { return crm::modified_bg_nbd<double>{0.7, 5.0, p * k, (1 - p) * k}; };
  const auto par = [&](double k) { return crm::pareto_nbd<double>{0.7, 5.0, mu * k, k}; };
  const auto converges = [](double limit, double at6, double at7, double tol) {
    const double g6 = std::abs(at6 - limit) / limit, g7 = std::abs(at7 - limit) / limit;
    INFO("limit " << limit << ", gaps " << g6 << " (1e6), " << g7 << " (1e7)");
    CHECK(g7 <= tol);
    if (g6 > 1e-12) CHECK((g7 < 0.2 * g6 && g7 > 0.05 * g6));
  };
  for (const row& c : {row{0, 0, 30}, row{1, 5, 30}, row{4, 28, 30}, row{12, 9, 30}}) {
    INFO("x = " << c.frequency << ", t_x = " << c.recency);
    converges(h.conditional_expected_purchases(c, t), bg(1e6).conditional_expected_purchases(c, t),
              bg(1e7).conditional_expected_purchases(c, t), 1e-5);
    converges(hm.conditional_expected_purchases(c, t), mbg(1e6).conditional_expected_purchases(c, t),
              mbg(1e7).conditional_expected_purchases(c, t), 1e-5);
    converges(hp.conditional_expected_purchases(c, t), par(1e6).conditional_expected_purchases(c, t),
              par(1e7).conditional_expected_purchases(c, t), 1e-5);
    CHECK(h.probability_alive(c) == Approx(bg(1e7).probability_alive(c)).epsilon(1e-5));
    CHECK(hm.probability_alive(c) == Approx(mbg(1e7).probability_alive(c)).epsilon(1e-5));
    converges(hp.probability_alive(c), par(1e6).probability_alive(c), par(1e7).probability_alive(c), 1e-5);
  }
  converges(h.expected_purchases(t), bg(1e6).expected_purchases(t), bg(1e7).expected_purchases(t), 1e-5);
  converges(hm.expected_purchases(t), mbg(1e6).expected_purchases(t), mbg(1e7).expected_purchases(t), 1e-5);
  converges(hp.expected_purchases(t), par(1e6).expected_purchases(t), par(1e7).expected_purchases(t), 1e-5);
  for (const crm::count_t n : {0, 2, 7}) {
    INFO("n = " << n);
    converges(h.probability_of_purchases(n, t), bg(1e6).probability_of_purchases(n, t), bg(1e7).probability_of_purchases(n, t), 1e-5);
    converges(hm.probability_of_purchases(n, t), mbg(1e6).probability_of_purchases(n, t), mbg(1e7).probability_of_purchases(n, t), 1e-5);
    // far out: a + b = 1e8 and 1e10 still answered and within O(1/K)
    CHECK(bg(1e8).conditional_expected_purchases(row{2, 10, 30}, t) ==
          Approx(h.conditional_expected_purchases(row{2, 10, 30}, t)).epsilon(1e-7));
    CHECK(bg(1e10).probability_of_purchases(n, t) == Approx(h.probability_of_purchases(n, t)).epsilon(1e-9));
  }
  CHECK(bg(1e10).conditional_expected_purchases(row{1, 5, 30}, t) ==
        Approx(h.conditional_expected_purchases(row{1, 5, 30}, t)).epsilon(1e-10));
  CHECK(bg(1e10).expected_purchases(t) == Approx(h.expected_purchases(t)).epsilon(1e-10));
  // beyond about 1e11 the quadrature's rounding bound passes 1e-9 again: refused, as docs/models.md says
  const auto far = bg(1e12).try_expected_purchases(t);
  REQUIRE_FALSE(far);
  CHECK(far.error().code == crm::errc::not_converged);
}

TEST_CASE("homogeneous models: P(X(t) = n) sums to 1 with mean E[X(t)]", "[models][homogeneous]") {
  for (const double t : {0.5, 10.0, 80.0}) {
    const crm::homogeneous_bg_nbd<double> h{1.3, 6.0, 0.12};
    const crm::homogeneous_modified_bg_nbd<double> hm{1.3, 6.0, 0.12};
    double s = 0, mean = 0, sm = 0, mean_m = 0;
    for (crm::count_t n = 0; n < 400; ++n) {
      const double v = h.probability_of_purchases(n, t), vm = hm.probability_of_purchases(n, t);
      s += v, mean += static_cast<double>(n) * v, sm += vm, mean_m += static_cast<double>(n) * vm;
    }
    INFO("t = " << t);
    CHECK(s == Approx(1.0).epsilon(1e-13));
    CHECK(sm == Approx(1.0).epsilon(1e-13));
    CHECK(mean == Approx(h.expected_purchases(t)).epsilon(1e-12));
    CHECK(mean_m == Approx(hm.expected_purchases(t)).epsilon(1e-12));
  }
  CHECK(crm::homogeneous_bg_nbd<double>{1.3, 6.0, 0.12}.probability_of_purchases(0, 0.0) == 1.0);
  CHECK(crm::homogeneous_bg_nbd<double>{1.3, 6.0, 0.12}.probability_of_purchases(2, 0.0) == 0.0);
}

TEST_CASE("homogeneous models: predictions in float and long double", "[models][homogeneous]") {
  const row c{2, 30.43, 38.86};
  CHECK(crm::homogeneous_bg_nbd<float>{0.243f, 4.414f, 0.3f}.conditional_expected_purchases(crm::rfm_row<float>{2, 30.43f, 38.86f}, 39.0f) ==
        Approx(0.81599441319337304).epsilon(1e-5));
  CHECK(static_cast<double>(crm::homogeneous_bg_nbd<long double>{0.243L, 4.414L, 0.3L}.conditional_expected_purchases(
            crm::rfm_row<long double>{2, 30.43L, 38.86L}, 39.0L)) == Approx(0.81599441319337304).epsilon(1e-15));
  CHECK(static_cast<double>(crm::homogeneous_pareto_nbd<long double>{0.55L, 10.58L, 0.02L}.probability_alive(
            crm::rfm_row<long double>{2, 30.43L, 38.86L})) == Approx(0.80964065422451821).epsilon(1e-11));
  (void)c;
}

TEST_CASE("homogeneous models: predictions refuse bad input by name", "[models][homogeneous]") {
  const crm::homogeneous_bg_nbd<double> h{0.5, 2.0, 0.3};
  const crm::homogeneous_pareto_nbd<double> hp{0.5, 2.0, 0.05};
  const row c{1, 2, 5};
  const auto field = [](const crm::error_info& e) { return std::string(e.field); };
  CHECK(field(h.try_conditional_expected_purchases(c, -1.0).error()) == "t");
  CHECK(h.try_conditional_expected_purchases(c, std::nan("")).error().code == crm::errc::not_finite);
  CHECK(h.try_probability_of_purchases(-1, 3.0).error().code == crm::errc::negative);
  CHECK(field(crm::homogeneous_bg_nbd<double>{0.5, 2.0, 1.0}.try_probability_alive(c).error()) == "p");
  CHECK(field(crm::homogeneous_modified_bg_nbd<double>{0.5, 2.0, 0.0}.try_expected_purchases(1.0).error()) == "p");
  CHECK(field(hp.try_probability_alive(row{1, 6, 5}).error()) == "recency");
  CHECK(std::string(hp.try_expected_purchases(std::numeric_limits<double>::infinity()).error().metric) ==
        "homogeneous_pareto_nbd.expected_purchases");
  CHECK(field(crm::homogeneous_pareto_nbd<double>{0.5, -2.0, 0.05}.try_conditional_expected_purchases(c, 1.0).error()) == "alpha");
  CHECK_THROWS_AS(h.conditional_expected_purchases(c, -1.0), crm::metric_error);
  CHECK(crm::nbd<double>{0.5, 2.0}.probability_alive(c) == 1.0);
  CHECK(field(crm::nbd<double>{0.5, 2.0}.try_probability_alive(row{1, 6, 5}).error()) == "recency");
}

TEST_CASE("homogeneous models: intervals of their predictions from the fit's data", "[models][homogeneous]") {
  // The nested models work with crm/models/intervals.hpp as the full ones: the estimate from the data
  // at the homogeneous fit's maximum has the fit's standard errors (two numerical Hessians: 1e-3), and
  // the delta-method intervals contain their estimates.
  const std::vector<row> data = bg_data();
  const auto h = crm::try_fit_homogeneous_bg_nbd<double>(data);
  REQUIRE(h);
  const auto est = crm::try_parameter_estimate(h->fit.params, data);
  REQUIRE(est);
  const auto se = est->standard_errors();
  CHECK(se.r == Approx(h->fit.standard_errors.r).epsilon(1e-3));
  CHECK(se.alpha == Approx(h->fit.standard_errors.alpha).epsilon(1e-3));
  CHECK(se.p == Approx(h->fit.standard_errors.p).epsilon(1e-3));
  const row c{3, 20, 40};
  const auto a = crm::try_probability_alive_interval(*est, c);
  REQUIRE(a);
  CHECK(a->estimate == Approx(h->fit.params.probability_alive(c)).epsilon(1e-15));
  CHECK((a->lower < a->estimate && a->estimate < a->upper));
  const auto e = crm::try_conditional_expected_purchases_intervals(*est, std::span<const row>(data), 10.0);
  REQUIRE(e);
  CHECK((e->total.lower < e->total.estimate && e->total.estimate < e->total.upper));
  const auto n = crm::try_fit_nbd<double>(data);
  REQUIRE(n);
  const auto ne = crm::try_parameter_estimate(n->params, data);
  REQUIRE(ne);
  CHECK(ne->standard_errors().r == Approx(n->standard_errors.r).epsilon(1e-3));
}

TEST_CASE("fit_boundary: to_string names every enumerator, describe gives its phrase", "[models][homogeneous]") {
  using b = crm::fit_boundary;
  const std::pair<b, const char*> names[] = {{b::none, "none"},
                                             {b::a_to_zero, "a_to_zero"},
                                             {b::b_to_zero, "b_to_zero"},
                                             {b::a_and_b_to_zero, "a_and_b_to_zero"},
                                             {b::s_to_zero, "s_to_zero"},
                                             {b::beta_to_infinity, "beta_to_infinity"},
                                             {b::homogeneous_dropout, "homogeneous_dropout"},
                                             {b::homogeneous_death_rate, "homogeneous_death_rate"},
                                             {b::homogeneous_churn, "homogeneous_churn"},
                                             {b::p_to_infinity, "p_to_infinity"},
                                             {b::q_to_infinity, "q_to_infinity"},
                                             {b::power_law_survival, "power_law_survival"},
                                             {b::bb_no_dropout, "bb_no_dropout"},
                                             {b::bb_homogeneous_dropout, "bb_homogeneous_dropout"},
                                             {b::bb_homogeneous_purchase, "bb_homogeneous_purchase"},
                                             {b::bb_binomial, "bb_binomial"}};
  for (const auto& [where, name] : names) {
    CHECK(std::string(crm::to_string(where)) == name);
    CHECK(std::string(crm::describe(where)) != "unknown");
  }
  STATIC_REQUIRE(std::string_view(crm::to_string(b::homogeneous_dropout)) == "homogeneous_dropout");
}

TEST_CASE("homogeneous Pareto/NBD: P(X(t) = n) matches mpmath, two ways", "[models][homogeneous]") {
  // python3 scripts/pareto_nbd_pmf_reference.py homogeneous (mpmath 1.3.0, 60 digits): P(X(t) = n) =
  // e^(-mu t) NB(n; t) + int_0^t mu e^(-mu tau) NB(n; tau) dtau by mpmath.quad (tanh-sinh on 55 cuts),
  // and independently as the mean over lambda ~ Gamma(r, alpha) of e^(-(lambda+mu) t) (lambda t)^n/n! +
  // mu lambda^n/(lambda+mu)^(n+1) P(n+1, (lambda+mu) t) (P the regularized incomplete gamma); the two
  // agree to 1e-40.
  struct point {
    double r, alpha, mu, t;
    crm::count_t n;
    double p;
  };
  const point points[] = {
      {0.55, 10.58, 0.02, 39.0, 0, 0.54140739342371669856},   {0.55, 10.58, 0.02, 39.0, 1, 0.17772989449365571113},
      {0.55, 10.58, 0.02, 39.0, 2, 0.094000471252865151388},  {0.55, 10.58, 0.02, 39.0, 5, 0.025539033057894420314},
      {0.55, 10.58, 0.02, 39.0, 10, 0.0049624321008924182626}, {0.55, 10.58, 0.02, 39.0, 50, 1.365255184462577452e-7},
      {0.7, 5.0, 0.05, 20.0, 0, 0.47632102429009084666},      {0.7, 5.0, 0.05, 20.0, 7, 0.01658065962639926766},
      {3.0, 1.0, 2.0, 1000.0, 0, 0.44531446755289033879},     {3.0, 1.0, 2.0, 1000.0, 5, 0.027985740757199702412},
      {0.2, 1e-3, 1e-4, 0.5, 3, 0.025229933871870352408},     {0.5, 1e4, 0.1, 1e6, 1, 0.0004985055988966890462},
      {10.0, 0.1, 0.001, 52.0, 600, 0.000011034044249647440169},
  };
  for (const point& c : points) {
    CAPTURE(c.r, c.alpha, c.mu, c.t, c.n);
    const crm::homogeneous_pareto_nbd<double> m{c.r, c.alpha, c.mu};
    CHECK(m.probability_of_purchases(c.n, c.t) == Approx(c.p).epsilon(1e-12));
    const auto d = crm::detail::homogeneous_pmf_death_integral<double>(c.r, c.alpha, c.mu, static_cast<double>(c.n), c.t);
    CHECK(d.ok);
    CHECK(d.work <= crm::detail::homogeneous_pmf_max_work);
  }
  STATIC_REQUIRE(crm::detail::homogeneous_pmf_max_work == 100 + 200 + 15 * (64 + 256));
  CHECK(static_cast<double>(crm::homogeneous_pareto_nbd<long double>{0.55L, 10.58L, 0.02L}.probability_of_purchases(2, 39.0L)) ==
        Approx(0.094000471252865151388).epsilon(1e-12));
  const crm::homogeneous_pareto_nbd<double> m{0.55, 10.58, 0.02};
  CHECK(m.probability_of_purchases(0, 0.0) == 1.0);
  CHECK(m.probability_of_purchases(3, 0.0) == 0.0);
}

TEST_CASE("homogeneous Pareto/NBD: P(X(t) = n) far in the tail is 0, the value rounded, not a refusal", "[models][homogeneous]") {
  // Both terms are at most NB(n; t) here (NB(n; tau) rises in tau for n >> r t/alpha, so the death part
  // int_0^t mu e^(-mu tau) NB(n; tau) dtau <= NB(n; t)), and ln NB(n; t) is far below ln of the smallest
  // subnormal (-744.4): mpmath 1.3.0, loggamma(r+n) - loggamma(r) - loggamma(n+1) + r log(alpha/(alpha+t))
  // + n log(t/(alpha+t)) = -693158.155 at r = 0.3, alpha = 1, t = 1, n = 1e6 and -692207.889 at
  // r = alpha = t = 100, n = 1e6. Before, these were refused as "did not converge": the integral's
  // rounding bound (eps times terms of size 1e6) exceeded 1e-9 for a value that rounds to 0 anyway.
  for (const double mu : {1e-4, 1e-2, 1.0}) {
    CAPTURE(mu);
    const auto a = crm::homogeneous_pareto_nbd<double>{0.3, 1.0, mu}.try_probability_of_purchases(1000000, 1.0);
    REQUIRE(a);
    CHECK(*a == 0.0);
    const auto b = crm::homogeneous_pareto_nbd<double>{100.0, 100.0, mu}.try_probability_of_purchases(1000000, 100.0);
    REQUIRE(b);
    CHECK(*b == 0.0);
  }
}

TEST_CASE("homogeneous Pareto/NBD: P(X(t) = n) sums to 1 with mean E[X(t)]", "[models][homogeneous]") {
  for (const crm::homogeneous_pareto_nbd<double>& m : {crm::homogeneous_pareto_nbd<double>{0.55, 10.58, 0.02},
                                                       crm::homogeneous_pareto_nbd<double>{1.3, 6.0, 0.12}}) {
    for (const double t : {0.5, 10.0, 80.0}) {
      double s = 0, mean = 0;
      for (crm::count_t n = 0; n < 400; ++n) {
        const double v = m.probability_of_purchases(n, t);
        s += v, mean += static_cast<double>(n) * v;
      }
      INFO("r = " << m.r << ", t = " << t);
      CHECK(s == Approx(1.0).epsilon(1e-13));
      CHECK(mean == Approx(m.expected_purchases(t)).epsilon(1e-12));
    }
  }
}

TEST_CASE("homogeneous Pareto/NBD: P(X(t) = n) is the limit of the Pareto/NBD's at s = mu K, beta = K", "[models][homogeneous]") {
  // The library's full Pareto/NBD at s = mu K, beta = K approaches the nested model as O(1/K): the gap
  // times K stays the same (to 1%) from K = 1e6 to 1e10 (s = 5e8 there), gaps 1e-6 down to 1e-10.
  const double t = 20.0, mu = 0.05;
  const crm::homogeneous_pareto_nbd<double> h{0.7, 5.0, mu};
  for (const crm::count_t n : {0, 2, 7, 30}) {
    const double limit = h.probability_of_purchases(n, t);
    const auto scaled_gap = [&](double k) { return (crm::pareto_nbd<double>{0.7, 5.0, mu * k, k}.probability_of_purchases(n, t) - limit) / limit * k; };
    const double c6 = scaled_gap(1e6);
    INFO("n = " << n << ", limit " << limit << ", gap x K at 1e6 " << c6);
    CHECK(std::abs(c6) < 10.0);
    for (const double k : {1e7, 1e8, 1e10}) {
      INFO("K = " << k);
      CHECK(std::abs(scaled_gap(k) - c6) <= 0.01 * std::abs(c6));
    }
  }
}

TEST_CASE("homogeneous Pareto/NBD: P(X(t) = n) refuses bad input by name and never throws", "[models][homogeneous]") {
  const crm::homogeneous_pareto_nbd<double> m{0.5, 2.0, 0.05};
  const auto field = [](const crm::error_info& e) { return std::string(e.field); };
  CHECK(m.try_probability_of_purchases(-1, 3.0).error().code == crm::errc::negative);
  CHECK(field(m.try_probability_of_purchases(-1, 3.0).error()) == "n");
  CHECK(m.try_probability_of_purchases(1, -3.0).error().code == crm::errc::negative);
  CHECK(m.try_probability_of_purchases(1, std::nan("")).error().code == crm::errc::not_finite);
  CHECK(field(m.try_probability_of_purchases(1, std::numeric_limits<double>::infinity()).error()) == "t");
  CHECK(field(crm::homogeneous_pareto_nbd<double>{0.5, 2.0, 0.0}.try_probability_of_purchases(1, 3.0).error()) == "mu");
  CHECK(field(crm::homogeneous_pareto_nbd<double>{std::nan(""), 2.0, 0.05}.try_probability_of_purchases(1, 3.0).error()) == "r");
  CHECK(std::string(m.try_probability_of_purchases(-1, 3.0).error().metric) == "homogeneous_pareto_nbd.probability_of_purchases");
  CHECK_THROWS_AS(m.probability_of_purchases(-1, 3.0), crm::metric_error);
  // float's rounding (eps 1.2e-7) is above the integral's 1e-9 target: refused, as its likelihood's integral
  const auto f = crm::homogeneous_pareto_nbd<float>{0.55f, 10.58f, 0.02f}.try_probability_of_purchases(2, 39.0f);
  REQUIRE_FALSE(f);
  CHECK(f.error().code == crm::errc::not_converged);
  // extremes: a value in [0, 1] or a named error, never NaN, never a throw
  const double big = 1e300, tiny = 1e-300;
  for (const double r : {tiny, 0.5, big})
    for (const double alpha : {tiny, 2.0, big})
      for (const double mu : {tiny, 0.05, big})
        for (const double t : {tiny, 39.0, big})
          for (const crm::count_t n : {crm::count_t{0}, crm::count_t{3}, crm::count_t{1000000000}, std::numeric_limits<crm::count_t>::max()}) {
            CAPTURE(r, alpha, mu, t, n);
            const crm::homogeneous_pareto_nbd<double> e{r, alpha, mu};
            crm::result<double> v = -1.0;
            CHECK_NOTHROW(v = e.try_probability_of_purchases(n, t));
            if (v) CHECK((*v >= 0.0 && *v <= 1.0));
            if (!v) CHECK(v.error().code == crm::errc::not_converged);
          }
}

}  // namespace models_homogeneous_test
