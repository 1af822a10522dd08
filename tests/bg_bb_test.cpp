// Tests of <crm/models/bg_bb.hpp>: the BG/BB model of Fader, Hardie & Shang (2010).
//
// Reference values marked "SciPy" come from scripts/reference_spend_discrete.py (run with
// PY=$(bash scripts/scipy-env.sh)): it integrates the individual-level model (Bernoulli purchases,
// geometric dropout) over the two Beta mixing distributions with scipy.integrate.quad (QAWS,
// weight='alg', wvar=(a-1, b-1), epsrel 1e-12), and fits the donations likelihood with
// scipy.optimize.minimize + scipy.special.betaln: independent of the closed forms tested here.
#include "catch.hpp"
#include "data_path.hpp"

#include <crm/models/bg_bb.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace bg_bb_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
std::filesystem::path write_temp(const char* name, const char* text) {
  const std::filesystem::path p = std::filesystem::temp_directory_path() / name;
  std::ofstream(p) << text;
  return p;
}
struct reference {
  crm::count_t x, tx, n;
  double log_likelihood, alive, next5, dert10;
};
// SciPy (scripts/reference_spend_discrete.py) at alpha, beta, gamma, delta = 1.204, 0.750, 0.657, 2.783:
// lnL = log E[individual likelihood]; P(alive at n+1); E[purchases in (n, n+5]]; DERT at d = 10 %
// from the individual-level geometric sum p (1-theta)^(n+1) z / (1 - (1-theta) z), z = 1/1.1.
const reference refs[] = {
    {0, 0, 6, -1.16726247267389, 0.108016584168674, 0.072802877475043, 0.114646996181764},
    {3, 4, 6, -5.0593079474111, 0.439462857055756, 1.0342284984211, 1.62866077306082},
    {6, 6, 6, -2.1822484476183, 0.930402542372882, 3.75211560759982, 5.90867831955538},
    {1, 1, 6, -2.28853168566626, 0.0694080932065497, 0.0856353983378703, 0.134855125604496},
    {2, 5, 10, -6.48487531206857, 0.313274473166244, 0.385409859449296, 0.632401812417354},
};
}  // namespace

static_assert(std::is_trivially_copyable_v<crm::bg_bb<double>>);
static_assert(std::is_trivially_copyable_v<crm::discrete_row<double>>);
static_assert(crm::bg_bb<double>{.alpha = 1, .beta = 1, .gamma = 1, .delta = 1}.ok());
static_assert(!crm::bg_bb<double>{.alpha = 1, .beta = -1, .gamma = 1, .delta = 1}.ok());

TEMPLATE_TEST_CASE("bg_bb: closed forms equal the integrated individual-level model", "[bg_bb]", double, long double) {
  using T = TestType;
  const crm::bg_bb<T> m{.alpha = T(1.204), .beta = T(0.750), .gamma = T(0.657), .delta = T(2.783)};
  for (const reference& r : refs) {
    const crm::discrete_row<T> c{r.x, r.tx, r.n, T(1)};
    INFO("x " << r.x << " t_x " << r.tx << " n " << r.n);
    CHECK_THAT(static_cast<double>(m.log_likelihood(c)), WithinRel(r.log_likelihood, 1e-9));
    CHECK_THAT(static_cast<double>(m.probability_alive(c)), WithinRel(r.alive, 1e-9));
    CHECK_THAT(static_cast<double>(m.conditional_expected_purchases(c, T(5))), WithinRel(r.next5, 1e-9));
    CHECK_THAT(static_cast<double>(m.discounted_expected_residual_transactions(c, T(0.1))), WithinRel(r.dert10, 1e-9));
  }
  // SciPy: E[p * sum_{t=1}^{n} (1-theta)^t]
  CHECK_THAT(static_cast<double>(m.expected_purchases(T(1))), WithinRel(0.498490276356192, 1e-9));
  CHECK_THAT(static_cast<double>(m.expected_purchases(T(6))), WithinRel(2.2196313934873, 1e-9));
  CHECK_THAT(static_cast<double>(m.expected_purchases(T(10))), WithinRel(3.17885432649229, 1e-9));
  // SciPy: E[Binom(x; n, p) (1-theta)^n + sum_{i=x}^{n-1} Binom(x; i, p) theta (1-theta)^i]
  CHECK_THAT(static_cast<double>(m.probability_of_purchases(0, 6)), WithinRel(0.311217743263849, 1e-9));
  CHECK_THAT(static_cast<double>(m.probability_of_purchases(2, 6)), WithinRel(0.121480513766871, 1e-9));
  CHECK_THAT(static_cast<double>(m.probability_of_purchases(6, 6)), WithinRel(0.112787648207747, 1e-9));
}

TEST_CASE("bg_bb: closed form of E[X(n)] (Fader, Hardie & Shang 2010) equals the summed form", "[bg_bb]") {
  // E[X(n)] = a/(a+b) * d/(g-1) * [1 - G(g+d) G(1+d+n) / (G(g+d+n) G(1+d))], written out with std::lgamma.
  const crm::bg_bb<double> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  for (const int n : {1, 6, 50, 1000, 2'000'000, 50'000'000}) {
    const double a = m.alpha, b = m.beta, g = m.gamma, d = m.delta, nn = n;
    const double closed = a / (a + b) * d / (g - 1) *
                          (1 - std::exp(std::lgamma(g + d) + std::lgamma(1 + d + nn) - std::lgamma(g + d + nn) - std::lgamma(1 + d)));
    // Beyond 1e6 the reference, a difference of std::lgamma values near 1e9, is itself only good to
    // about 1e-7 (eps * 8e8 absolute in the exponent).
    CHECK_THAT(m.expected_purchases(nn), WithinRel(closed, n > 1'000'000 ? 1e-6 : 1e-11));
  }
  // gamma = 1: the closed form is 0/0, the summed form is fine and continuous.
  const crm::bg_bb<double> one{.alpha = 1, .beta = 1, .gamma = 1, .delta = 2};
  const crm::bg_bb<double> near{.alpha = 1, .beta = 1, .gamma = 1 + 1e-9, .delta = 2};
  CHECK_THAT(one.expected_purchases(10), WithinRel(near.expected_purchases(10), 1e-8));
  // Beyond 1e6 periods the closed form is used: continuous with the summed form at the switch.
  CHECK_THAT(m.expected_purchases(1'000'000), WithinRel(m.expected_purchases(1'000'001), 1e-6));
  CHECK(one.try_expected_purchases(2e6).error().field == std::string("gamma"));
  // Probabilities of 0..n purchases sum to 1; their mean is E[X(n)].
  double total = 0, mean = 0;
  for (int x = 0; x <= 6; ++x) total += m.probability_of_purchases(x, 6), mean += x * m.probability_of_purchases(x, 6);
  CHECK_THAT(total, WithinRel(1.0, 1e-12));
  CHECK_THAT(mean, WithinRel(m.expected_purchases(6), 1e-12));
  // DERT is the limit of the discounted conditional increments.
  const crm::discrete_row<double> c{3, 4, 6, 1};
  double dert = 0, prev = 0;
  for (int k = 1; k <= 2000; ++k) {
    const double cur = m.conditional_expected_purchases(c, k);
    dert += (cur - prev) / std::pow(1.1, k);
    prev = cur;
  }
  CHECK_THAT(m.discounted_expected_residual_transactions(c, 0.1), WithinRel(dert, 1e-12));
}

TEST_CASE("bg_bb: published donations fit (Fader, Hardie & Shang 2010) within 1%", "[bg_bb][data]") {
  const auto file = crm_test::data_file("donations/donations.csv");
  CRM_REQUIRE_DATA(file);
  const std::vector<crm::discrete_row<double>> rows = crm::read_discrete_csv(file);
  REQUIRE(rows.size() == 22);
  const crm::fit_result<crm::bg_bb<double>> f = crm::fit_bg_bb(rows);
  CHECK(f.report.converged);
  CHECK(f.customers == 11104.0);  // 11,104 first-time donors of 1995
  CHECK_THAT(f.params.alpha, WithinRel(1.204, 0.01));
  CHECK_THAT(f.params.beta, WithinRel(0.750, 0.01));
  CHECK_THAT(f.params.gamma, WithinRel(0.657, 0.01));
  CHECK_THAT(f.params.delta, WithinRel(2.783, 0.01));
  // SciPy: minimize(bb_nll, zeros(4), 'Nelder-Mead') then 'BFGS' on the same weighted likelihood:
  // alpha, beta, gamma, delta = 1.20352227, 0.74971632, 0.65671822, 2.78344232; LL = -33225.5812743470.
  CHECK_THAT(f.log_likelihood, WithinRel(-33225.5812743470, 1e-9));
  CHECK_THAT(f.params.alpha, WithinRel(1.20352227, 1e-5));
  CHECK_THAT(f.params.beta, WithinRel(0.74971632, 1e-5));
  CHECK_THAT(f.params.gamma, WithinRel(0.65671822, 1e-5));
  CHECK_THAT(f.params.delta, WithinRel(2.78344232, 1e-5));
  // SciPy: sqrt(diag(inv(H))), H a central-difference Hessian (numpy, step 1e-4) of the same
  // negative log-likelihood at its optimum: 0.06939106, 0.02944762, 0.05100949, 0.32081665.
  CHECK_THAT(f.standard_errors.alpha, WithinRel(0.06939106, 1e-3));
  CHECK_THAT(f.standard_errors.beta, WithinRel(0.02944762, 1e-3));
  CHECK_THAT(f.standard_errors.gamma, WithinRel(0.05100949, 1e-3));
  CHECK_THAT(f.standard_errors.delta, WithinRel(0.32081665, 1e-3));
  // The same fit in long double.
  const auto fl = crm::fit_bg_bb(crm::read_discrete_csv<long double>(file));
  CHECK_THAT(static_cast<double>(fl.params.delta), WithinRel(2.78344232, 1e-5));
}

TEST_CASE("bg_bb: extremes: long histories, tiny and huge parameters", "[bg_bb][extremes]") {
  const crm::bg_bb<double> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  // 5000 opportunities with 2000 transactions: terms underflow in linear space, not in log space.
  const crm::discrete_row<double> longer{2000, 4000, 5000, 1};
  CHECK(std::isfinite(m.log_likelihood(longer)));
  const double pa = m.probability_alive(longer);
  CHECK(pa >= 0);
  CHECK(pa < 1e-10);  // 1000 opportunities without a purchase after transacting at 40 %
  const crm::discrete_row<double> loyal{5000, 5000, 5000, 1};
  CHECK_THAT(m.probability_alive(loyal), WithinRel(1.0, 1e-3));
  CHECK(std::isfinite(m.conditional_expected_purchases(loyal, 100)));
  CHECK(std::isfinite(m.discounted_expected_residual_transactions(loyal, 0.001)));
  CHECK(std::isfinite(m.expected_purchases(1e6)));
  const crm::bg_bb<double> tiny{.alpha = 1e-8, .beta = 1e-8, .gamma = 1e-8, .delta = 1e-8};
  CHECK(std::isfinite(tiny.log_likelihood({3, 4, 6, 1})));
  const crm::bg_bb<double> huge{.alpha = 1e8, .beta = 1e8, .gamma = 1e8, .delta = 1e8};
  CHECK(std::isfinite(huge.log_likelihood({3, 4, 6, 1})));
  CHECK_THAT(huge.expected_purchases(1), WithinRel(0.25, 1e-6));  // p = theta = 1/2 for everyone
}

TEST_CASE("bg_bb: bad parameters, rows and arguments are errors naming the field, in both forms",
          "[bg_bb][errors]") {
  const crm::bg_bb<double> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(m.try_log_likelihood({3, 2, 6, 1}).error().field == std::string("frequency"));
  CHECK(m.try_log_likelihood({3, 7, 6, 1}).error().code == crm::errc::part_exceeds_whole);
  CHECK(m.try_log_likelihood({0, 2, 6, 1}).error().field == std::string("recency"));
  CHECK(m.try_log_likelihood({-1, 0, 6, 1}).error().code == crm::errc::negative);
  CHECK(m.try_log_likelihood({1, 1, 6, nan}).error().code == crm::errc::not_finite);
  CHECK_THROWS_WITH(m.log_likelihood({1, 1, 6, 0}), Catch::Matchers::Contains("crm::bg_bb.log_likelihood: weight"));
  CHECK(m.try_probability_alive({1, 1, 6, 1}, -1).error().field == std::string("ahead"));
  CHECK(m.try_expected_purchases(2.5).error().code == crm::errc::malformed);
  CHECK(m.try_expected_purchases(-1).error().code == crm::errc::negative);
  CHECK_THROWS_AS(m.expected_purchases(nan), crm::metric_error);
  CHECK(m.try_conditional_expected_purchases({1, 1, 6, 1}, 0.5).error().field == std::string("future_periods"));
  CHECK(m.try_probability_of_purchases(7, 6).error().code == crm::errc::part_exceeds_whole);
  CHECK_THROWS_AS(m.probability_of_purchases(-1, 6), crm::metric_error);
  CHECK(m.try_discounted_expected_residual_transactions({1, 1, 6, 1}, 0).error().field == std::string("discount_rate"));
  CHECK_THROWS_AS(m.discounted_expected_residual_transactions({1, 1, 6, 1}, nan), crm::metric_error);
  // docs/models.md "Work and limits": DERT sums at most 1e8 terms; d = 1e-9 needs more and is refused
  const crm::bg_bb<double> donors{.alpha = 1.2035, .beta = 0.7497, .gamma = 1.5, .delta = 2.7834};
  const auto slow = donors.try_discounted_expected_residual_transactions({3, 5, 6, 1}, 1e-9);
  REQUIRE_FALSE(slow);
  CHECK(slow.error().code == crm::errc::not_converged);
  CHECK(std::string(slow.error().field) == "discount_rate");
  CHECK(donors.try_discounted_expected_residual_transactions({3, 5, 6, 1}, 1e-3).has_value());
  const crm::bg_bb<double> bad{.alpha = 1, .beta = 1, .gamma = 0, .delta = 1};
  CHECK(bad.try_expected_purchases(3).error().field == std::string("gamma"));
  CHECK_THROWS_AS(bad.probability_alive({0, 0, 6, 1}), crm::metric_error);
}

TEST_CASE("bg_bb: fit errors: empty, nobody repeats, everyone always buys, not converged", "[bg_bb][errors]") {
  CHECK(crm::try_fit_bg_bb(std::vector<crm::discrete_row<double>>{}).error().code == crm::errc::empty_input);
  const std::vector<crm::discrete_row<double>> none{{0, 0, 6, 100}, {0, 0, 6, 5}};
  const auto r = crm::try_fit_bg_bb(none);
  CHECK(r.error().code == crm::errc::not_identifiable);
  CHECK(r.error().field == std::string("frequency"));
  CHECK_THROWS_AS(crm::fit_bg_bb(none), crm::metric_error);
  const std::vector<crm::discrete_row<double>> all{{6, 6, 6, 10}};
  CHECK(crm::try_fit_bg_bb(all).error().code == crm::errc::not_identifiable);
  const std::vector<crm::discrete_row<double>> bad{{1, 1, 6, 1}, {2, 1, 6, 1}};
  CHECK(crm::try_fit_bg_bb(bad).error().code == crm::errc::part_exceeds_whole);
  const crm::bg_bb<double> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  const auto rows = crm::compress(crm::generate(m, {.customers = 2000, .periods = 6, .seed = 3}));
  const auto nc = crm::try_fit_bg_bb(rows, {.max_iterations = 2});
  CHECK(nc.error().code == crm::errc::not_converged);
  CHECK(crm::try_fit_bg_bb(rows, {.gradient_tolerance = 0}).error().code == crm::errc::out_of_range);
}

TEST_CASE("bg_bb: compress keeps the fit, weights equal repeated rows", "[bg_bb]") {
  const crm::bg_bb<double> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  const auto raw = crm::generate(m, {.customers = 3000, .periods = 8, .seed = 5});
  const auto packed = crm::compress(raw);
  CHECK(packed.size() < 50);
  double w = 0;
  for (const auto& c : packed) w += c.weight;
  CHECK(w == 3000.0);
  const auto a = crm::fit_bg_bb(raw), b = crm::fit_bg_bb(packed);
  CHECK_THAT(a.log_likelihood, WithinRel(b.log_likelihood, 1e-10));
  CHECK_THAT(a.params.alpha, WithinRel(b.params.alpha, 1e-4));
  CHECK_THAT(a.params.delta, WithinRel(b.params.delta, 1e-4));
  const auto shrunk = crm::fit_bg_bb(packed, {.penalizer = 0.1});
  CHECK(shrunk.log_likelihood < b.log_likelihood);
}

TEST_CASE("bg_bb: CSV reader names file, line and field", "[bg_bb][errors]") {
  const auto ok = write_temp("crm_bb_ok.csv", "frequency,recency,periods,weights\n0,0,6,10\n2,3,6,4\n");
  const auto rows = crm::read_discrete_csv(ok);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1] == crm::discrete_row<double>{2, 3, 6, 4});
  const auto bad = write_temp("crm_bb_bad.csv", "frequency,recency,periods,weights\n0,0,6,10\n4,3,6,4\n");
  try {
    (void)crm::read_discrete_csv(bad);
    FAIL("no error");
  } catch (const crm::data_error& e) {
    CHECK(e.line() == 3);
    CHECK(e.field() == "frequency");
  }
  const auto frac = write_temp("crm_bb_frac.csv", "frequency,recency,periods,weights\n1.0,1,6,1\n");
  CHECK_THROWS_AS(crm::read_discrete_csv(frac), crm::data_error);
  const auto over = write_temp("crm_bb_over.csv", "frequency,recency,periods\n1,7,6\n");
  CHECK_THROWS_AS(crm::read_discrete_csv(over, "frequency", "recency", "periods", ""), crm::data_error);
  CHECK_THROWS_AS(crm::read_discrete_csv(over), crm::data_error);  // no "weights" column
  std::filesystem::remove(ok), std::filesystem::remove(bad), std::filesystem::remove(frac), std::filesystem::remove(over);
}

TEST_CASE("bg_bb: read_discrete_csv reads semicolon-delimited files with decimal-comma weights", "[bg_bb][errors]") {
  // Counts are whole numbers in either format; weights (here fractional) take the decimal comma.
  const auto file = write_temp("crm_bb_regional.csv", "frequency;recency;periods;weights\n0;0;6;10,5\n2;3;6;4\n");
  const crm::model_csv_format regional{.delimiter = ';', .decimal_comma = true};
  const auto rows = crm::read_discrete_csv(file, "frequency", "recency", "periods", "weights", regional);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == crm::discrete_row<double>{0, 0, 6, 10.5});
  CHECK(rows[1] == crm::discrete_row<double>{2, 3, 6, 4});
  // without the option the weight 10,5 is refused, and the reason names it
  try {
    (void)crm::read_discrete_csv(file, "frequency", "recency", "periods", "weights", {.delimiter = ';'});
    FAIL("no error");
  } catch (const crm::data_error& e) {
    CHECK(e.line() == 2);
    CHECK(e.field() == "weights");
    CHECK(std::string(e.what()).find("model_csv_format::decimal_comma") != std::string::npos);
  }
  std::filesystem::remove(file);
}

TEST_CASE("bg_bb: generator is deterministic and consistent with the model", "[bg_bb][generate]") {
  const crm::bg_bb<double> m{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  const auto a = crm::generate(m, {.customers = 100'000, .periods = 6, .seed = 9});
  CHECK(a == crm::generate(m, {.customers = 100'000, .periods = 6, .seed = 9}));
  CHECK(a != crm::generate(m, {.customers = 100'000, .periods = 6, .seed = 10}));
  CHECK(!crm::validate(std::span<const crm::discrete_row<double>>(a), "test"));
  // Share with 0 and with 6 repeat transactions vs P(X(6) = x): binomial SE at 100k is < 0.0015.
  double zero = 0, six = 0, mean = 0;
  for (const auto& c : a) zero += c.frequency == 0, six += c.frequency == 6, mean += static_cast<double>(c.frequency);
  CHECK_THAT(zero / 1e5, WithinAbs(m.probability_of_purchases(0, 6), 0.005));
  CHECK_THAT(six / 1e5, WithinAbs(m.probability_of_purchases(6, 6), 0.005));
  CHECK_THAT(mean / 1e5, WithinRel(m.expected_purchases(6), 0.01));
  CHECK(crm::try_generate(m, {.customers = 0}).error().field == std::string("customers"));
  CHECK(crm::try_generate(m, {.customers = 5, .periods = -1}).error().code == crm::errc::negative);
  CHECK_THROWS_AS(crm::generate(crm::bg_bb<double>{}, {}), crm::metric_error);
}

TEST_CASE("bg_bb: parameter recovery on 1M generated customers within 3 standard errors", "[bg_bb][recovery]") {
  const crm::bg_bb<double> truth{.alpha = 1.204, .beta = 0.750, .gamma = 0.657, .delta = 2.783};
  for (const std::uint64_t seed : {11u, 22u, 33u}) {
    const auto rows = crm::compress(crm::generate(truth, {.customers = 1'000'000, .periods = 10, .seed = seed}));
    // docs/models.md: "1M simulated donors over 10 years become at most 56 rows". By hand: the
    // distinct histories (x, t_x) of n = 10 opportunities are (0, 0) and 1 <= x <= t_x <= 10,
    // 1 + sum_{x=1}^{10} (11 - x) = 1 + 55 = 56.
    CHECK(rows.size() <= 56);
    const auto f = crm::fit_bg_bb(rows);
    INFO("seed " << seed << ": alpha " << f.params.alpha << " +- " << f.standard_errors.alpha << ", beta " << f.params.beta
                 << " +- " << f.standard_errors.beta << ", gamma " << f.params.gamma << " +- " << f.standard_errors.gamma
                 << ", delta " << f.params.delta << " +- " << f.standard_errors.delta);
    CHECK(f.report.converged);
    CHECK(f.customers == 1e6);
    CHECK(std::abs(f.params.alpha - truth.alpha) < 3 * f.standard_errors.alpha);
    CHECK(std::abs(f.params.beta - truth.beta) < 3 * f.standard_errors.beta);
    CHECK(std::abs(f.params.gamma - truth.gamma) < 3 * f.standard_errors.gamma);
    CHECK(std::abs(f.params.delta - truth.delta) < 3 * f.standard_errors.delta);
  }
}

}  // namespace bg_bb_test
