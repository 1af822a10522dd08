// crm-metrics tests: the columnar (structure-of-arrays) batch forms of crm/models/batch.hpp
// (crm::rfm_column_view, crm::spend_column_view): P(alive), E[Y(t)], the lifetime value and
// Gamma-Gamma's spend. Each columnar result is compared with the row form's on the
// same customers (equal: the same operations) and with the model's scalar function (bit for bit on
// the std:: path, which this program takes: it defines CRM_METRICS_NO_LIBMVEC; within the stated ulp
// bound on the default path, which models_batch_columns_vector_test runs every test of this file
// on); the first bad customer is named by index and field like the row forms name it; threads change
// nothing.
#if !defined(CRM_METRICS_USE_SLEEF) && !defined(CRM_METRICS_USE_LIBMVEC) && !defined(CRM_METRICS_NO_LIBMVEC)
#define CRM_METRICS_NO_LIBMVEC 1
#endif
#include <crm/models/batch.hpp>
#include <crm/models/generate.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "catch.hpp"
#include "pareto_alive_bound.hpp"

namespace {

/// Distance in units in the last place, relative to the larger magnitude (at least the smallest
/// normal number).
double ulps(double got, double want) {
  if (got == want) return 0.0;
  const double scale = std::max({std::abs(got), std::abs(want), std::numeric_limits<double>::min()});
  return std::abs(got - want) / (scale * std::numeric_limits<double>::epsilon());
}

/// The bound of the vector paths for BG/NBD-family P(alive) (docs/batch.md): SLEEF (5 + 3|y|),
/// libmvec (8 + 6|y|) ulp, y = (r+x) ln((alpha+T)/(alpha+t_x)); 0 on the std:: path.
double alive_bound(double r, double alpha, double x, double tx, double age) {
  if (!crm::detail::vector_math_is_vector) return 0.0;
  const double ay = std::abs((r + x) * std::log((alpha + age) / (alpha + tx)));
  return crm::detail::vector_math_uses_sleef ? 5.0 + 3.0 * ay : 8.0 + 6.0 * ay;
}

/// A customer base as columns and as rows (weight 1): generated customers (ages on a day grid) and
/// edge customers (x = 0, t_x = T, t_x = 0 < x, large x, ages from 1e-5 to 1e7), twice.
struct base {
  std::vector<double> x, tx, age;
  std::vector<crm::rfm_row<double>> rows;
  [[nodiscard]] crm::rfm_column_view<double> cols() const { return {x, tx, age}; }
  void add(double f, double r, double a) { x.push_back(f), tx.push_back(r), age.push_back(a), rows.push_back({f, r, a, 1.0}); }
};
template <class Model>
base base_for(const Model& m, crm::count_t customers, std::uint64_t seed) {
  base b;
  for (const auto& c : crm::generate(m, {.customers = customers, .first_age = 27.0, .last_age = 39.0, .age_step = 1.0 / 7.0, .seed = seed}))
    b.add(c.frequency, c.recency, c.age);
  const double edge[][3] = {{0, 0, 39},     {0, 0, 0.5},    {0, 0, 1e7},   {3, 20, 20},  {1, 0, 30},     {40, 35, 39},
                            {200, 1e3, 1.5e3}, {2, 1e-6, 1e-5}, {5, 4e3, 1e4}, {1, 1e7, 1e7}, {7, 9e6, 1e7}, {1, 0.25, 1e7}};
  for (int twice = 0; twice < 2; ++twice)
    for (const auto& e : edge) b.add(e[0], e[1], e[2]);
  return b;
}

template <class Model>
void check_alive_columns(const Model& m, std::uint64_t seed) {
  const base b = base_for(m, 3000, seed);
  const auto col = crm::try_batch_probability_alive(m, b.cols());
  const auto row = crm::try_batch_probability_alive(m, b.rows);
  REQUIRE(col);
  REQUIRE(row);
  CHECK(*col == *row);
  for (std::size_t i = 0; i < b.x.size(); ++i) {
    INFO("customer " << i);
    CHECK(ulps((*col)[i], m.probability_alive(b.rows[i])) <= alive_bound(m.r, m.alpha, b.x[i], b.tx[i], b.age[i]));
  }
  const auto col2 = crm::try_batch_probability_alive(m, b.cols(), {.threads = 2});
  REQUIRE(col2);
  CHECK(*col2 == *col);
  // the conditional expectation: the row form's values (which equal the scalar function's within the
  // P(alive) bound plus 1 ulp, tests/models_batch_test.cpp)
  const auto ce = crm::try_batch_conditional_expected_purchases(m, b.cols(), 39.0);
  const auto ce_rows = crm::try_batch_conditional_expected_purchases(m, b.rows, 39.0);
  REQUIRE(ce);
  REQUIRE(ce_rows);
  CHECK(*ce == *ce_rows);
  for (std::size_t i = 0; i < b.x.size(); ++i) {
    INFO("customer " << i);
    const double bound = alive_bound(m.r, m.alpha, b.x[i], b.tx[i], b.age[i]);
    CHECK(ulps((*ce)[i], m.conditional_expected_purchases(b.rows[i], 39.0)) <= (bound > 0 ? bound + 1 : 0.0));
  }
}

/// An expected spend per customer of `b` (money), varied so that a wrong pairing of spend and
/// customer shows.
std::vector<double> spend_for(const base& b) {
  std::vector<double> s(b.x.size());
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = 20.0 + static_cast<double>(i % 97) * 0.37;
  return s;
}
const crm::clv_horizon<double> year{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};

/// The P(alive) bound of `m` on a vector path for customer i of `b` (0 on the std:: path).
double bound_of(const crm::bg_nbd<double>& m, const base& b, std::size_t i) { return alive_bound(m.r, m.alpha, b.x[i], b.tx[i], b.age[i]); }
double bound_of(const crm::modified_bg_nbd<double>& m, const base& b, std::size_t i) {
  return alive_bound(m.r, m.alpha, b.x[i], b.tx[i], b.age[i]);
}
double bound_of(const crm::pareto_nbd<double>& m, const base& b, std::size_t i) { return crm_test::pareto_alive_bound(m, b.rows[i]); }

/// The columnar lifetime value equals the row form's (the same kernel) on one and two threads, and
/// crm::customer_lifetime_value: bit for bit on the std:: path; on a vector path within the P(alive)
/// bound plus 32 ulp (docs/batch.md: a sum of H differences).
template <class Model>
void check_clv_columns(const Model& m, const base& b) {
  const std::vector<double> spend = spend_for(b);
  const auto col = crm::try_batch_customer_lifetime_value(m, b.cols(), spend, year);
  const auto row = crm::try_batch_customer_lifetime_value(m, b.rows, spend, year);
  REQUIRE(col);
  REQUIRE(row);
  CHECK(*col == *row);
  CHECK(crm::batch_customer_lifetime_value(m, b.cols(), spend, year, {.threads = 2}) == *col);
  for (std::size_t i = 0; i < b.x.size(); ++i) {
    INFO("customer " << i);
    const double bound = bound_of(m, b, i);
    CHECK(ulps((*col)[i], crm::customer_lifetime_value(m, b.rows[i], spend[i], year)) <= (bound > 0 ? bound + 32 : 0.0));
  }
}

}  // namespace

TEST_CASE("columnar lifetime value of BG/NBD, modified BG/NBD and Pareto/NBD equals the row forms and the scalar function",
          "[models][batch][columns][clv]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
  const crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
  check_clv_columns(bg, base_for(bg, 1500, 31));
  check_clv_columns(mbg, base_for(mbg, 1500, 32));
  check_clv_columns(pn, base_for(pn, 1500, 33));
}

TEST_CASE("columnar P(alive) and E[Y(t)] of BG/NBD and modified BG/NBD equal the row forms and the scalar functions",
          "[models][batch][columns]") {
  // CDNOW (FHL 2005), fast drop-out, slow buyers, tiny and huge parameters
  const crm::bg_nbd<double> params[] = {{0.243, 4.414, 0.793, 2.426}, {1.5, 2.0, 1.3, 0.5},  {0.5, 20.0, 3.0, 1.2},
                                        {4.0, 1.0, 1.7, 9.0},        {0.1, 0.5, 2.5, 3.0}, {25.0, 100.0, 1.6, 40.0}};
  std::uint64_t seed = 100;
  for (const auto& p : params) {
    check_alive_columns(p, seed++);
    check_alive_columns(crm::modified_bg_nbd<double>{p.r, p.alpha, p.a, p.b}, seed++);
  }
}

TEST_CASE("columnar Pareto/NBD P(alive) and E[Y(t)] equal the row forms and the scalar functions", "[models][batch][columns]") {
  // bit for bit on the std:: path; on a vector path within the P(alive) bound (plus 1 ulp for E[Y])
  for (const crm::pareto_nbd<double> m : {crm::pareto_nbd<double>{0.553, 10.58, 0.606, 11.67}, crm::pareto_nbd<double>{1.2, 30.0, 0.4, 5.0}}) {
    const base b = base_for(m, 1500, 7);
    const auto pa = crm::batch_probability_alive(m, b.cols());
    CHECK(pa == crm::batch_probability_alive(m, b.rows));
    CHECK(crm::batch_probability_alive(m, b.cols(), {.threads = 2}) == pa);
    for (std::size_t i = 0; i < b.x.size(); ++i) CHECK(ulps(pa[i], m.probability_alive(b.rows[i])) <= bound_of(m, b, i));
    const auto ce = crm::batch_conditional_expected_purchases(m, b.cols(), 39.0);
    CHECK(ce == crm::batch_conditional_expected_purchases(m, b.rows, 39.0));
    CHECK(crm::batch_conditional_expected_purchases(m, b.cols(), 39.0, {.threads = 2}) == ce);
    for (std::size_t i = 0; i < b.x.size(); ++i) {
      const double bound = bound_of(m, b, i);
      CHECK(ulps(ce[i], m.conditional_expected_purchases(b.rows[i], 39.0)) <= (bound > 0 ? bound + 1 : 0.0));
    }
  }
}

TEST_CASE("columnar P(alive) and E[Y(t)] of a large base (non-temporal stores, two threads) equal the row forms", "[models][batch][columns]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
  const base b = base_for(bg, static_cast<crm::count_t>(crm::detail::stream_store_floor_bytes / sizeof(double)) + 3001, 91);
  std::vector<double> buf(b.x.size() + 1);
  for (const std::size_t shift : {std::size_t{0}, std::size_t{1}})
    for (const unsigned th : {1u, 2u})
      for (const crm::store_policy stores : {crm::store_policy::automatic, crm::store_policy::cached, crm::store_policy::streamed}) {
        const std::span<double> out(buf.data() + shift, b.x.size());
        const crm::batch_options o{.threads = th, .stores = stores};
        REQUIRE(crm::try_batch_probability_alive(bg, b.cols(), out, o));
        CHECK(std::vector<double>(out.begin(), out.end()) == crm::batch_probability_alive(bg, b.rows));
        std::fill(out.begin(), out.end(), -1.0);
        REQUIRE(crm::try_batch_probability_alive(mbg, b.cols(), out, o));
        std::size_t outside = 0;
        for (std::size_t i = 0; i < b.x.size(); ++i)
          outside += ulps(out[i], mbg.probability_alive(b.rows[i])) <= alive_bound(mbg.r, mbg.alpha, b.x[i], b.tx[i], b.age[i])
                         ? 0u
                         : 1u;
        CHECK(outside == 0);
      }
  // the conditional expectation on two threads (distinct (x, T) keys merged across them)
  CHECK(crm::batch_conditional_expected_purchases(mbg, b.cols(), 39.0, {.threads = 2}) ==
        crm::batch_conditional_expected_purchases(mbg, b.rows, 39.0));
}

TEST_CASE("columnar E[Y(t)] and lifetime value on 2, 3 and 7 threads equal one thread, with few or mostly distinct (x, T)",
          "[models][batch][columns][threads]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  base b = base_for(bg, 3 * 2 * static_cast<crm::count_t>(crm::detail::batch_rows_per_thread) + 7, 77);  // 3 threads and more
  const crm::clv_horizon<double> quarters{.periods = 3, .period_length = 13.0, .discount_rate = 0.01, .margin = 0.3};
  const std::vector<double> spend(b.x.size(), 25.0);
  const auto equal_bits = [](const std::vector<double>& u, const std::vector<double>& v) {
    return u.size() == v.size() && std::memcmp(u.data(), v.data(), u.size() * sizeof(double)) == 0;
  };
  // day-grid ages: about 2 500 (x, T) keys, merged across the threads; then every tenth customer
  // with a continuous age: over 9 000 keys (still merged: the day-grid keys are in every thread)
  for (const bool distinct : {false, true}) {
    if (distinct)
      for (std::size_t i = 0; i < b.x.size(); i += 10) b.age[i] += 1e-3 * static_cast<double>(i % 1009) + 1e-4, b.rows[i].age = b.age[i];
    INFO((distinct ? "mostly distinct keys" : "few keys"));
    const auto e1 = crm::batch_conditional_expected_purchases(bg, b.cols(), 39.0);
    const auto c1 = crm::batch_customer_lifetime_value(bg, b.cols(), spend, quarters);
    CHECK(equal_bits(e1, crm::batch_conditional_expected_purchases(bg, b.rows, 39.0)));
    for (const unsigned th : {2u, 3u, 7u}) {
      CHECK(equal_bits(crm::batch_conditional_expected_purchases(bg, b.cols(), 39.0, {.threads = th}), e1));
      CHECK(equal_bits(crm::batch_customer_lifetime_value(bg, b.cols(), spend, quarters, {.threads = th}), c1));
    }
    // a bad customer in the second third and one in the last: the second third's is named
    base bad = b;
    const std::size_t second = b.x.size() / 3 + 100, last = b.x.size() - 1;
    bad.tx[second] = bad.age[second] + 1.0, bad.x[last] = -1.0;
    for (const unsigned th : {1u, 2u, 3u, 7u}) {
      const auto e = crm::try_batch_conditional_expected_purchases(bg, bad.cols(), 39.0, {.threads = th});
      CHECK((!e && e.row() == second && std::string(e.error().field) == "recency"));
      const auto c = crm::try_batch_customer_lifetime_value(bg, bad.cols(), spend, quarters, {.threads = th});
      CHECK((!c && c.row() == second && std::string(c.error().field) == "recency"));
    }
    bad.tx[second] = b.tx[second];
    const auto e = crm::try_batch_conditional_expected_purchases(bg, bad.cols(), 39.0, {.threads = 3});
    CHECK((!e && e.row() == last && std::string(e.error().field) == "frequency"));
  }
}

TEST_CASE("columnar forms name the first bad customer and field as the scalar functions do", "[models][batch][columns][errors]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
  const crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
  const base good = base_for(bg, 70000, 21);  // enough customers for two threads
  const double nan = std::nan(""), inf = std::numeric_limits<double>::infinity();
  // (x, t_x, T) that crm::validate refuses: each field of each kind
  const double bad[][3] = {{1, 40, 39}, {-1, 0, 39}, {1.5, 2, 39}, {0, 3, 39}, {1, 2, nan}, {nan, 2, 39}, {1, nan, 39}, {inf, 2, 39}, {1, -2, 39}, {1, 2, -inf}};
  for (std::size_t kind = 0; kind < std::size(bad); ++kind) {
    const auto& c = bad[kind];
    // Pareto/NBD's kernels (a 2F1 for each of up to 70 000 rows: most of this test's time under the
    // sanitizers) on four of the kinds, the fields the same check names: recency, frequency, age, frequency
    const bool pareto = kind == 0 || kind == 1 || kind == 4 || kind == 7;
    const auto want = bg.try_probability_alive(crm::rfm_row<double>{c[0], c[1], c[2]});
    REQUIRE(!want);
    for (const std::size_t at : {std::size_t{0}, std::size_t{255}, std::size_t{256}, std::size_t{40000}, good.x.size() - 1}) {
      base b = good;
      for (const std::size_t k : {at, std::min(at + 1, b.x.size() - 1)})  // a second bad customer after the first
        b.x[k] = c[0], b.tx[k] = c[1], b.age[k] = c[2];
      INFO("(" << c[0] << ", " << c[1] << ", " << c[2] << ") at " << at);
      for (const unsigned th : {1u, 2u}) {
        const auto a = crm::try_batch_probability_alive(bg, b.cols(), {.threads = th});
        REQUIRE(!a);
        CHECK(a.row() == at);
        CHECK(a.error().code == want.error().code);
        CHECK(std::string(a.error().field) == want.error().field);
        CHECK(std::string(a.error().metric) == "bg_nbd.probability_alive");
        const auto am = crm::try_batch_probability_alive(mbg, b.cols(), {.threads = th});
        CHECK((!am && am.row() == at && std::string(am.error().field) == want.error().field &&
               std::string(am.error().metric) == "modified_bg_nbd.probability_alive"));
        if (pareto) {
          const auto ap = crm::try_batch_probability_alive(pn, b.cols(), {.threads = th});
          CHECK((!ap && ap.row() == at && std::string(ap.error().field) == want.error().field));
        }
        const auto ce = crm::try_batch_conditional_expected_purchases(mbg, b.cols(), 10.0, {.threads = th});
        CHECK((!ce && ce.row() == at && std::string(ce.error().field) == want.error().field &&
               std::string(ce.error().metric) == "modified_bg_nbd.conditional_expected_purchases"));
        // (the kernels below have no blocks: a bad customer first in the base, and one in the second thread's half)
        if (at != 0 && at != 40000) continue;
        if (pareto) {
          const auto cp = crm::try_batch_conditional_expected_purchases(pn, b.cols(), 10.0, {.threads = th});
          CHECK((!cp && cp.row() == at && std::string(cp.error().field) == want.error().field &&
                 std::string(cp.error().metric) == "pareto_nbd.conditional_expected_purchases"));
        }
        // the lifetime value names the prediction's check, as crm::try_customer_lifetime_value does
        const auto lb = crm::try_batch_customer_lifetime_value(bg, b.cols(), spend_for(b), year, {.threads = th});
        CHECK((!lb && lb.row() == at && std::string(lb.error().field) == want.error().field));
        if (pareto) {
          const auto lp = crm::try_batch_customer_lifetime_value(pn, b.cols(), spend_for(b), year, {.threads = th});
          CHECK((!lp && lp.row() == at && std::string(lp.error().field) == want.error().field));
        }
      }
    }
  }
  // the throwing form: crm::batch_error naming the customer
  const std::vector<double> x = {1, 1}, tx = {2, 40}, age = {39, 39};
  try {
    (void)crm::batch_probability_alive(bg, crm::rfm_column_view<double>{x, tx, age});
    FAIL("no exception");
  } catch (const crm::batch_error& e) {
    CHECK(e.row() == 1);
    CHECK(std::string(e.what()) == "crm::bg_nbd.probability_alive: recency is larger than its whole (must not exceed age) (row 1)");
  }
  // sizes, emptiness and parameters belong to no customer; parameters are checked first
  const std::vector<double> two = {0, 0}, one = {0};
  const auto s1 = crm::try_batch_probability_alive(bg, crm::rfm_column_view<double>{two, one, two});
  CHECK((!s1 && s1.row() == crm::no_row && s1.error().code == crm::errc::malformed && std::string(s1.error().field) == "recency"));
  const auto s2 = crm::try_batch_probability_alive(mbg, crm::rfm_column_view<double>{two, two, one});
  CHECK((!s2 && s2.row() == crm::no_row && std::string(s2.error().field) == "age"));
  std::vector<double> small(1);
  const auto s3 = crm::try_batch_probability_alive(bg, crm::rfm_column_view<double>{two, two, two}, std::span<double>(small));
  CHECK((!s3 && std::string(s3.error().field) == "out"));
  const auto s4 = crm::try_batch_probability_alive(bg, crm::rfm_column_view<double>{});
  CHECK((!s4 && s4.error().code == crm::errc::empty_input && std::string(s4.error().field) == "customers"));
  const auto s5 = crm::try_batch_probability_alive(crm::bg_nbd<double>{0, 1, 1, 1}, crm::rfm_column_view<double>{two, one, two});
  CHECK((!s5 && s5.row() == crm::no_row && std::string(s5.error().field) == "r"));
  const auto s6 = crm::try_batch_conditional_expected_purchases(bg, crm::rfm_column_view<double>{two, two, two}, -1.0);
  CHECK((!s6 && s6.row() == crm::no_row && s6.error().code == crm::errc::negative));
  const auto s7 = crm::try_batch_probability_alive(pn, crm::rfm_column_view<double>{two, two, one});
  CHECK((!s7 && s7.row() == crm::no_row && std::string(s7.error().field) == "age"));
  // Pareto/NBD's E[Y(t)]: parameters, then t, then sizes
  const auto s8 = crm::try_batch_conditional_expected_purchases(crm::pareto_nbd<double>{1, 1, -1, 1},
                                                                crm::rfm_column_view<double>{two, one, two}, -1.0);
  CHECK((!s8 && s8.row() == crm::no_row && std::string(s8.error().field) == "s"));
  const auto s9 = crm::try_batch_conditional_expected_purchases(pn, crm::rfm_column_view<double>{two, one, two}, std::nan(""));
  CHECK((!s9 && s9.row() == crm::no_row && s9.error().code == crm::errc::not_finite && std::string(s9.error().field) == "t"));
  const auto s10 = crm::try_batch_conditional_expected_purchases(pn, crm::rfm_column_view<double>{two, one, two}, 1.0);
  CHECK((!s10 && s10.row() == crm::no_row && std::string(s10.error().field) == "recency"));
  // the lifetime value: the horizon, then sizes (expected_spend named), then the customers' spends
  for (const auto& lv : {crm::try_batch_customer_lifetime_value(bg, crm::rfm_column_view<double>{two, two, two}, one, year),
                         crm::try_batch_customer_lifetime_value(pn, crm::rfm_column_view<double>{two, two, two}, one, year)})
    CHECK((!lv && lv.row() == crm::no_row && lv.error().code == crm::errc::malformed && std::string(lv.error().field) == "expected_spend"));
  const auto h1 = crm::try_batch_customer_lifetime_value(mbg, crm::rfm_column_view<double>{two, one, two}, one,
                                                         crm::clv_horizon<double>{.periods = 0});
  CHECK((!h1 && h1.row() == crm::no_row && h1.error() == crm::try_customer_lifetime_value(mbg, crm::rfm_row<double>{0, 0, 1}, 1.0,
                                                                                            crm::clv_horizon<double>{.periods = 0})
                                                                .error()));
  const auto e1 = crm::try_batch_customer_lifetime_value(pn, crm::rfm_column_view<double>{}, std::span<const double>{}, year);
  CHECK((!e1 && e1.error().code == crm::errc::empty_input && std::string(e1.error().field) == "customers"));
  const std::vector<double> spends = {5.0, -1.0};
  for (const auto& lv : {crm::try_batch_customer_lifetime_value(mbg, crm::rfm_column_view<double>{two, two, two}, spends, year),
                         crm::try_batch_customer_lifetime_value(pn, crm::rfm_column_view<double>{two, two, two}, spends, year)}) {
    const auto want = crm::try_customer_lifetime_value(pn, crm::rfm_row<double>{0, 0, 0}, -1.0, year);
    REQUIRE(!want);
    CHECK((!lv && lv.row() == 1 && lv.error().code == want.error().code && std::string(lv.error().field) == "expected_spend"));
  }
  try {
    (void)crm::batch_customer_lifetime_value(pn, crm::rfm_column_view<double>{two, two, two}, spends, year);
    FAIL("no exception");
  } catch (const crm::batch_error& err) {
    CHECK(err.row() == 1);
  }
}

TEST_CASE("columnar Gamma-Gamma names sizes, parameters and bad customers", "[models][batch][columns][errors]") {
  // (every odd value of x and zbar: tests/models_batch_test.cpp, beside the row form)
  const crm::gamma_gamma<double> m{6.25, 3.74, 15.44};
  std::vector<double> x(70000, 3.0), z(70000, 20.0);  // enough customers for two threads
  x[50000] = 2.5, x[60000] = -1.0;                    // the second thread's first bad customer is named
  for (const unsigned th : {1u, 2u}) {
    const auto bad = crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{x, z}, {.threads = th});
    CHECK((!bad && bad.row() == 50000 && std::string(bad.error().field) == m.try_conditional_expected_average_spend(2.5, 20.0).error().field));
  }
  const std::vector<double> two = {1, 2}, one = {5};
  const auto s = crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{two, one});
  CHECK((!s && s.row() == crm::no_row && s.error().code == crm::errc::malformed && std::string(s.error().field) == "average_spend"));
  const auto e = crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{});
  CHECK((!e && e.error().code == crm::errc::empty_input));
  const auto p = crm::try_batch_conditional_expected_average_spend(crm::gamma_gamma<double>{-1, 1, 1}, crm::spend_column_view<double>{two, one});
  CHECK((!p && p.row() == crm::no_row && std::string(p.error().field) == "p"));
  try {
    (void)crm::batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{two, std::vector<double>{5, 0}});
    FAIL("no exception");
  } catch (const crm::batch_error& err) {
    CHECK(err.row() == 1);
    CHECK(std::string(err.field()) == "average_spend");
  }
}

TEST_CASE("columnar Gamma-Gamma in place over a column, and into an output apart from the inputs, equals the scalar function",
          "[models][batch][columns]") {
  // Plain stores go straight into an output that shares no byte with the inputs; an output over a
  // column goes through each block's buffer (all of a block's inputs read before its results are
  // written): both give the scalar function's values, bit for bit, on one and two threads, and a
  // bad customer is named alike.
  const crm::gamma_gamma<double> m{6.25, 3.74, 15.44};
  const auto equal_bits = [](const std::vector<double>& u, const std::vector<double>& v) {
    return u.size() == v.size() && std::memcmp(u.data(), v.data(), u.size() * sizeof(double)) == 0;
  };
  std::mt19937_64 g(5);
  std::vector<double> x(70001), z(70001);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = static_cast<double>(g() % 12);
    z[i] = x[i] == 0 ? 0.0 : 1.0 + static_cast<double>(g() % 100000) / 100.0;
  }
  x[39990] = z[39990] = 0.0;  // a customer without purchases in the block of customer 40000 (1 and 2 threads)
  std::vector<double> want(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) want[i] = m.conditional_expected_average_spend(x[i], z[i]);
  for (const unsigned th : {1u, 2u})
    for (const auto stores : {crm::store_policy::cached, crm::store_policy::streamed, crm::store_policy::automatic}) {
      CAPTURE(th, static_cast<int>(stores));
      std::vector<double> out(x.size());
      REQUIRE(crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{x, z}, std::span<double>(out), {.threads = th, .stores = stores}));
      CHECK(equal_bits(out, want));
      std::vector<double> in_place = z;  // the result over the average spends
      REQUIRE(crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{x, in_place}, std::span<double>(in_place),
                                                               {.threads = th, .stores = stores}));
      CHECK(equal_bits(in_place, want));
      std::vector<double> over_x = x;  // the result over the frequencies
      REQUIRE(crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{over_x, z}, std::span<double>(over_x),
                                                               {.threads = th, .stores = stores}));
      CHECK(equal_bits(over_x, want));
      std::vector<double> bad_x = x;
      bad_x[40000] = 2.5;
      const auto bad = crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{bad_x, z}, std::span<double>(out),
                                                                         {.threads = th, .stores = stores});
      CHECK((!bad && bad.row() == 40000));
      // in place, with a bad customer late in a block whose earlier customers include some without
      // purchases: had the block been written over its own inputs before the bad one was found, the
      // scalar recheck would read a written result as a zbar (x = 0 with zbar > 0) and name an
      // earlier customer
      REQUIRE(x[39990] == 0.0);
      std::vector<double> bad_in_place = z;
      bad_x[40000] = 2.5;
      const auto bad2 = crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{bad_x, bad_in_place},
                                                                          std::span<double>(bad_in_place), {.threads = th, .stores = stores});
      CHECK((!bad2 && bad2.row() == 40000));
    }
}

TEST_CASE("the columnar example of docs/batch.md gives the row forms' results", "[models][batch][columns][docs]") {
  const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
  const crm::gamma_gamma<double> gg{6.25, 3.74, 15.44};
  // docs/batch.md, "Columnar forms"
  std::vector<double> x = {0, 2, 5}, t_x = {0, 30.43, 35.0}, T = {38.86, 38.86, 38.86};
  std::vector<double> alive = crm::batch_probability_alive(m, crm::rfm_column_view<double>{x, t_x, T});
  std::vector<double> zbar = {0, 25.3, 41.0};
  std::vector<double> spend = crm::batch_conditional_expected_average_spend(gg, crm::spend_column_view<double>{x, zbar});
  // the same customers as rows
  const std::vector<crm::rfm_row<double>> rows = {{0, 0, 38.86}, {2, 30.43, 38.86}, {5, 35.0, 38.86}};
  const std::vector<crm::spend_row<double>> spend_rows = {{0, 0, 1}, {2, 25.3, 1}, {5, 41.0, 1}};
  CHECK(alive == crm::batch_probability_alive(m, rows));
  CHECK(spend == crm::batch_conditional_expected_average_spend(gg, spend_rows));
  CHECK(alive[0] == 1.0);  // BG/NBD: a customer without repeat purchases is alive
  std::vector<double> clv = crm::batch_customer_lifetime_value(
      m, crm::rfm_column_view<double>{x, t_x, T}, spend,
      crm::clv_horizon<double>{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3});
  CHECK(clv == crm::batch_customer_lifetime_value(m, rows, spend, year));
}
