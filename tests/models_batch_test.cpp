// crm-metrics tests: the whole-base (batch) predictions of crm/models/batch.hpp. Every batch result
// is compared with the model's scalar function on the same row: bit for bit on the std:: path (this
// program defines CRM_METRICS_NO_LIBMVEC), within the stated ulp bound when the build routes log/exp
// through libmvec or SLEEF (models_batch_vector_test runs every test of this file again on the default
// path, libmvec where glibc has it); the first bad row is reported with its index and the scalar
// function's error; threads change nothing. The columnar forms have their own tests
// (models_batch_columns_test.cpp); the Gamma-Gamma ones are checked here beside the row form.
#if !defined(CRM_METRICS_USE_SLEEF) && !defined(CRM_METRICS_USE_LIBMVEC) && !defined(CRM_METRICS_NO_LIBMVEC)
#define CRM_METRICS_NO_LIBMVEC 1
#endif
#include <crm/models/batch.hpp>
#include <crm/models/generate.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <thread>
#include <vector>
#if defined(__has_include)
#if __has_include(<unistd.h>)
#include <unistd.h>
#endif
#endif

#include "catch.hpp"
#include "pareto_alive_bound.hpp"
#include "data_path.hpp"

namespace {

template <class T>
using rows_t = std::vector<crm::rfm_row<T>>;

constexpr crm::store_policy all_store_policies[] = {crm::store_policy::automatic, crm::store_policy::cached,
                                                    crm::store_policy::streamed};

/// Distance in units in the last place between two finite values, relative to the larger magnitude
/// (at least the smallest normal number, so that values near underflow compare absolutely).
template <class T>
double ulps(T got, T want) {
  if (got == want) return 0.0;
  const T scale = std::max({std::abs(got), std::abs(want), std::numeric_limits<T>::min()});
  return static_cast<double>(std::abs(got - want) / (scale * std::numeric_limits<T>::epsilon()));
}

/// A base with every kind of row: generated customers (ages on a day grid, recency continuous), plus
/// edge rows: x = 0, t_x = T, t_x = 0 < x, large x, tiny and huge ages, fractional weights.
template <class T, class Model>
rows_t<T> base_for(const Model& m, crm::count_t customers, std::uint64_t seed) {
  crm::generate_options<T> o;
  o.customers = customers, o.first_age = T(27), o.last_age = T(39), o.age_step = T(1) / T(7), o.seed = seed;
  rows_t<T> rows = crm::generate(m, o);
  const rows_t<T> edge = {{0, 0, 39},          {0, 0, T(0.5)},       {0, 0, T(1e7)},        {3, 20, 20},      {1, 0, 30},
                          {40, 35, 39},        {200, 1000, 1500},    {2, T(1e-6), T(1e-5)}, {5, 4000, 10000}, {1, T(1e7), T(1e7)},
                          {7, T(9e6), T(1e7)}, {1, T(0.25), T(1e7)}, {1, T(30.43), T(38.86), T(2.5)}};
  rows.insert(rows.end(), edge.begin(), edge.end());
  rows.insert(rows.end(), edge.begin(), edge.end());  // repeated rows hit the memo
  return rows;
}

/// The bound of the vector paths for P(alive) of the BG/NBD family (docs/batch.md): SLEEF (5 + 3|y|)
/// ulp, libmvec (8 + 6|y|) ulp; 0 (bit for bit) on the std:: path.
template <class T>
double alive_bound(T r, T alpha, const crm::rfm_row<T>& c) {
  if (!crm::detail::vector_math_is_vector || !std::is_same_v<T, double>) return 0.0;
  const T y = (r + c.frequency) * std::log((alpha + c.age) / (alpha + c.recency));
  const double ay = static_cast<double>(std::abs(y));
  return crm::detail::vector_math_uses_sleef ? 5.0 + 3.0 * ay : 8.0 + 6.0 * ay;
}

/// Compares a batch result with the scalar function row by row: equal within `bound(i)` ulp where the
/// scalar answers; where it refuses a row, the batch must refuse with the first such row's error.
template <class T, class Batch, class Scalar, class Bound>
void compare(const Batch& batch, std::size_t n, Scalar&& scalar, Bound&& bound) {
  for (std::size_t i = 0; i < n; ++i) {
    const auto want = scalar(i);
    if (!want) {
      INFO("the scalar function refuses row " << i << ": " << crm::message(want.error()));
      REQUIRE(!batch);
      CHECK(batch.row() == i);
      CHECK(batch.error().code == want.error().code);
      CHECK(std::string(batch.error().field) == want.error().field);
      return;
    }
    INFO("row " << i);
    REQUIRE(batch);
    CHECK(ulps((*batch)[i], *want) <= bound(i));
  }
}

template <class T, class Model>
void check_bgnbd_family(const Model& m, std::uint64_t seed) {
  const rows_t<T> rows = base_for<T>(m, 3000, seed);
  const std::size_t n = rows.size();
  const auto bound = [&](std::size_t i) { return alive_bound(m.r, m.alpha, rows[i]); };
  const auto pa = crm::try_batch_probability_alive(m, rows);
  compare<T>(pa, n, [&](std::size_t i) { return m.try_probability_alive(rows[i]); }, bound);
  const auto pa2 = crm::try_batch_probability_alive(m, rows, {.threads = 2});
  REQUIRE(pa2);
  CHECK(*pa2 == *pa);
  const T t = T(39);
  const auto ce = crm::try_batch_conditional_expected_purchases(m, rows, t);
  compare<T>(ce, n, [&](std::size_t i) { return m.try_conditional_expected_purchases(rows[i], t); },
             [&](std::size_t i) { return bound(i) > 0 ? bound(i) + 1 : 0.0; });
  std::vector<T> spend(n);
  for (std::size_t i = 0; i < n; ++i) spend[i] = T(10) + static_cast<T>(i % 17);
  const crm::clv_horizon<T> h{.periods = 12, .period_length = T(4.345), .discount_rate = T(0.01), .margin = T(0.3)};
  const auto clv = crm::try_batch_customer_lifetime_value(m, rows, spend, h);
  compare<T>(clv, n, [&](std::size_t i) { return crm::try_customer_lifetime_value(m, rows[i], spend[i], h); },
             [&](std::size_t i) { return bound(i) > 0 ? bound(i) + 32 : 0.0; });
}

template <class T>
void check_pareto(const crm::pareto_nbd<T>& m, std::uint64_t seed) {
  const rows_t<T> rows = base_for<T>(m, 1500, seed);
  const auto pa = crm::batch_probability_alive(m, rows);
  const auto ce = crm::batch_conditional_expected_purchases(m, rows, T(52));
  std::vector<T> spend(rows.size(), T(35));
  const crm::clv_horizon<T> h{.periods = 6, .period_length = T(8), .discount_rate = T(0.02), .margin = T(1)};
  const auto clv = crm::batch_customer_lifetime_value(m, rows, spend, h);
  std::size_t differ = 0;  // rows where the two paths differ: some on a vector path (double), none on std::
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i << ": " << rows[i].frequency << ", " << rows[i].recency << ", " << rows[i].age);
    const double b = crm_test::pareto_alive_bound(m, rows[i]);
    const double e = ulps(pa[i], m.probability_alive(rows[i]));
    CHECK(e <= b);
    differ += e > 0 ? 1u : 0u;
    CHECK(ulps(ce[i], m.conditional_expected_purchases(rows[i], T(52))) <= (b > 0 ? b + 1 : 0.0));
    CHECK(ulps(clv[i], crm::customer_lifetime_value(m, rows[i], spend[i], h)) <= (b > 0 ? b + 32 : 0.0));
  }
  CHECK((differ > 0) == (crm::detail::vector_math_is_vector && std::is_same_v<T, double>));
}

}  // namespace

TEST_CASE("batch BG/NBD and modified BG/NBD equal the scalar functions", "[models][batch]") {
  // CDNOW (FHL 2005), a + b < 1 with a > 1 avoided (a must differ from 1), strong drop-out, slow buyers
  const crm::bg_nbd<double> params[] = {{0.243, 4.414, 0.793, 2.426}, {1.5, 2.0, 1.3, 0.5}, {0.5, 20.0, 3.0, 1.2}, {4.0, 1.0, 1.7, 9.0}};
  std::uint64_t seed = 1;
  for (const auto& p : params) {
    check_bgnbd_family<double>(p, seed++);
    check_bgnbd_family<double>(crm::modified_bg_nbd<double>{p.r, p.alpha, p.a, p.b}, seed++);
  }
  check_bgnbd_family<float>(crm::bg_nbd<float>{0.243f, 4.414f, 0.793f, 2.426f}, 11);
  check_bgnbd_family<long double>(crm::modified_bg_nbd<long double>{0.525L, 6.183L, 0.891L, 1.614L}, 12);
}

TEST_CASE("batch Pareto/NBD equals the scalar functions", "[models][batch]") {
  // CDNOW (FHL 2005 section 4), alpha < beta and alpha > beta branches of the 2F1
  check_pareto<double>({0.553, 10.58, 0.606, 11.67}, 3);
  check_pareto<double>({1.2, 30.0, 0.4, 5.0}, 4);
  check_pareto<double>({0.3, 2.0, 1.0, 8.0}, 5);  // s = 1: the growth term's limit
  check_pareto<long double>({0.553L, 10.58L, 0.606L, 11.67L}, 6);
  check_pareto<float>({0.553f, 10.58f, 0.606f, 11.67f}, 8);  // float lanes of the series at t_x
  check_pareto<double>({0.5, 0.01, 0.8, 1e4}, 7);  // z = (beta-alpha)/(beta+t) near 1: the scalar's quadrature path
}

TEST_CASE("batch Pareto/NBD: rows whose closed form cancels take the scalar function's integral", "[models][batch]") {
  // At s >= 3e5 the closed form's terms (s log(beta + T) ~ s) cancel, and with t_x next to T so does
  // A0 = F(t_x) - F(T): the scalar function integrates the death term instead (pareto_log_death_term's
  // quadrature, after detail::pareto_closed_form_accurate). The batch kernels make the same test on the
  // same terms (on the vector paths from their vector logs and exps) and hand exactly those rows to the
  // scalar function, so they equal it to the bit; every other row is within the stated bound.
  // (s, beta): a death rate s/beta of 1, 0.1 and 2 per unit of time at s of 1e6 and 4e5; s = 1 with beta = 0.01;
  // and z = (alpha - beta)/(alpha + t) near 1 at moderate s (alpha/beta = 1e5, 1e7), where the rounding of z
  // alone moves the closed form by b (alpha - beta)/(beta + t) eps (detail::pareto_z_slope_bound)
  const crm::pareto_nbd<double> models[] = {{0.553, 10.58, 1e6, 1e6}, {0.553, 10.58, 1e6, 1e7}, {0.8, 10.0, 1.0, 0.01},
                                            {0.553, 10.58, 4e5, 2e5},  {0.5, 1e5, 100.0, 1.0},   {0.5, 1e6, 30.0, 0.1}};
  std::uint64_t seed = 21;
  for (const crm::pareto_nbd<double>& m : models) {
    INFO("s " << m.s << ", beta " << m.beta);
    rows_t<double> rows = base_for<double>(m, 200, seed++);
    for (std::size_t i = 0; i < rows.size(); i += 3)
      if (rows[i].frequency > 0) rows[i].recency = rows[i].age * (1 - 1e-13);
    const auto pa = crm::batch_probability_alive(m, rows);
    const auto pa2 = crm::batch_probability_alive(m, rows, {.threads = 2});
    CHECK(pa2 == pa);
    std::size_t integrated = 0, closed = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      INFO("row " << i << ": " << rows[i].frequency << ", " << rows[i].recency << ", " << rows[i].age);
      const auto dt = crm::detail::pareto_log_death_term<double>(m.r, m.alpha, m.s, m.beta, rows[i].frequency, rows[i].recency, rows[i].age);
      REQUIRE(dt.ok);
      const double want = m.probability_alive(rows[i]);
      if (dt.quadrature) {
        ++integrated;
        CHECK(pa[i] == want);
      } else {
        closed += rows[i].frequency > 0 && rows[i].recency < rows[i].age ? 1u : 0u;
        CHECK(ulps(pa[i], want) <= crm_test::pareto_alive_bound(m, rows[i]));
      }
    }
    CHECK(integrated > 0);
    INFO("integrated " << integrated << ", closed form " << closed);
    if (m.s < 10) CHECK(closed > 0);  // at s = 1 the closed form serves the rows with t_x well below T
  }
}

TEST_CASE("batch P(X(t) = n) equals the scalar function for every pair", "[models][batch]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
  const crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
  std::vector<crm::count_t> n;
  std::vector<double> t;
  for (crm::count_t k = 0; k < 12; ++k)
    for (const double h : {0.0, 1.0, 27.0, 39.0, 39.0, 78.0, 500.0}) n.push_back(k), t.push_back(h);
  const auto a = crm::batch_probability_of_purchases(bg, n, t);
  const auto b = crm::batch_probability_of_purchases(mbg, n, t, {.threads = 2});
  const auto c = crm::batch_probability_of_purchases(pn, n, t);
  for (std::size_t i = 0; i < n.size(); ++i) {
    CHECK(a[i] == bg.probability_of_purchases(n[i], t[i]));
    CHECK(b[i] == mbg.probability_of_purchases(n[i], t[i]));
    CHECK(c[i] == pn.probability_of_purchases(n[i], t[i]));
  }
}

TEST_CASE("batch BG/BB equals the scalar functions", "[models][batch]") {
  // donations (Fader, Hardie & Shang 2010), and a second set with fast drop-out
  for (const crm::bg_bb<double> m : {crm::bg_bb<double>{1.204, 0.750, 0.657, 2.783}, crm::bg_bb<double>{0.4, 2.0, 3.0, 1.0}}) {
    auto rows = crm::generate(m, {.customers = 5000, .periods = 6, .seed = 7});
    const auto more = crm::generate(m, {.customers = 500, .periods = 30, .seed = 8});
    rows.insert(rows.end(), more.begin(), more.end());
    rows.push_back({0, 0, 0, 1.5});
    const auto pa = crm::batch_probability_alive(m, rows);
    std::vector<double> pa0(rows.size());
    REQUIRE(crm::try_batch_probability_alive(m, rows, std::span<double>(pa0), 0));
    const auto ce = crm::batch_conditional_expected_purchases(m, rows, 5.0);
    std::vector<double> spend(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) spend[i] = 20.0 + static_cast<double>(i % 7);
    const crm::clv_horizon<double> h{.periods = 10, .period_length = 1, .discount_rate = 0.1, .margin = 0.5};
    const auto clv = crm::batch_customer_lifetime_value(m, rows, spend, h);
    std::vector<crm::count_t> x, n;
    for (const auto& r : rows) x.push_back(r.frequency), n.push_back(r.periods);
    const auto px = crm::batch_probability_of_purchases(m, x, n);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CHECK(pa[i] == m.probability_alive(rows[i]));
      CHECK(pa0[i] == m.probability_alive(rows[i], 0));
      CHECK(ce[i] == m.conditional_expected_purchases(rows[i], 5.0));
      CHECK(clv[i] == crm::customer_lifetime_value(m, rows[i], spend[i], h));
      CHECK(px[i] == m.probability_of_purchases(x[i], n[i]));
    }
  }
}

TEST_CASE("batch Gamma-Gamma expected spend equals the scalar function", "[models][batch]") {
  for (const crm::gamma_gamma<double> m : {crm::gamma_gamma<double>{6.25, 3.74, 15.44}, crm::gamma_gamma<double>{0.5, 1.2, 100.0}}) {
    std::vector<crm::count_t> freq;
    for (int i = 0; i < 20000; ++i) freq.push_back(i % 23);
    auto rows = crm::generate(m, std::span<const crm::count_t>(freq), 9);
    rows.push_back({1e18, 5.0, 1.0});
    rows.push_back({3.0, 1e300, 1.0});
    const auto v = crm::batch_conditional_expected_average_spend(m, rows);
    const auto v2 = crm::batch_conditional_expected_average_spend(m, rows, {.threads = 2});
    std::vector<double> x, z;  // the columnar form on the same customers: the same values
    for (const auto& r : rows) x.push_back(r.frequency), z.push_back(r.average_spend);
    const auto vc = crm::batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{x, z}, {.threads = 2});
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CHECK(v[i] == m.conditional_expected_average_spend(rows[i].frequency, rows[i].average_spend));
      CHECK(v2[i] == v[i]);
      CHECK(vc[i] == v[i]);
    }
  }
  // a base of more than 2 MiB of results (stream_store_floor_bytes), into an aligned and a
  // misaligned output, on one and two threads, under every store policy (non-temporal or plain)
  const crm::gamma_gamma<double> m{6.25, 3.74, 15.44};
  std::vector<crm::spend_row<double>> big;
  for (std::size_t i = 0; big.size() < crm::detail::stream_store_floor_bytes / sizeof(double) + 1001; ++i) {
    const double x = static_cast<double>(i % 31);
    big.push_back({x, x == 0 ? 0.0 : 5.0 + static_cast<double>(i % 997) * 0.37, 1.0});
  }
  std::vector<double> buf(big.size() + 1), bx, bz;
  for (const auto& r : big) bx.push_back(r.frequency), bz.push_back(r.average_spend);
  for (const std::size_t shift : {std::size_t{0}, std::size_t{1}})
    for (const unsigned th : {1u, 2u})
      for (const bool columns : {false, true})  // the row form and the columnar form
        for (const crm::store_policy stores : all_store_policies) {
          const std::span<double> out(buf.data() + shift, big.size());
          std::fill(out.begin(), out.end(), -1.0);
          const crm::batch_options o{.threads = th, .stores = stores};
          if (columns)
            REQUIRE(crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{bx, bz}, out, o));
          else
            REQUIRE(crm::try_batch_conditional_expected_average_spend(m, std::span<const crm::spend_row<double>>(big), out, o));
          std::size_t differ = 0;
          for (std::size_t i = 0; i < big.size(); ++i)
            differ += out[i] != m.conditional_expected_average_spend(big[i].frequency, big[i].average_spend) ? 1u : 0u;
          CHECK(differ == 0);
        }
  const crm::gamma_gamma<float> mf{6.25f, 3.74f, 15.44f};
  const std::vector<crm::spend_row<float>> fr = {{1, 2.5f, 1}, {0, 0, 1}, {7, 40.0f, 1}};
  const auto vf = crm::batch_conditional_expected_average_spend(mf, fr);
  for (std::size_t i = 0; i < fr.size(); ++i) CHECK(vf[i] == mf.conditional_expected_average_spend(fr[i].frequency, fr[i].average_spend));
}

TEST_CASE("batch Gamma-Gamma refuses exactly the rows the scalar function refuses", "[models][batch][errors]") {
  // every pair of odd and ordinary values, alone and in the middle of 5 000 good rows (the row form
  // and the columnar form), for parameters with p x + q > 1 for every x and for some x only
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const double xs[] = {0, 1, 3, 2.5, -1, -0.0, nan, inf, 1e18, 1e19, 1e300};
  const double zs[] = {0, -0.0, 5, 1e-300, -1, nan, inf, -inf, 1e308, std::numeric_limits<double>::max()};
  for (const crm::gamma_gamma<double> m : {crm::gamma_gamma<double>{6.25, 3.74, 15.44}, crm::gamma_gamma<double>{0.2, 0.5, 10.0}})
    for (const double x : xs)
      for (const double z : zs) {
        INFO("x " << x << ", zbar " << z << ", q " << m.q);
        const auto want = m.try_conditional_expected_average_spend(x, z);
        std::vector<crm::spend_row<double>> rows(5000, crm::spend_row<double>{3, 20, 1});
        rows[2500] = {x, z, 1};
        std::vector<double> cx(5000, 3.0), cz(5000, 20.0);  // the same customers as columns
        cx[2500] = x, cz[2500] = z;
        const auto good = m.try_conditional_expected_average_spend(3, 20);
        for (const auto& got : {crm::try_batch_conditional_expected_average_spend(m, rows),
                                crm::try_batch_conditional_expected_average_spend(m, crm::spend_column_view<double>{cx, cz})}) {
          if (!good) {  // the parameters refuse x = 3 itself: the first row is named
            CHECK((!got && got.row() == 0));
            continue;
          }
          REQUIRE(bool(got) == bool(want));
          if (want) {
            CHECK((*got)[2500] == *want);
          } else {
            CHECK(got.row() == 2500);
            CHECK(got.error().code == want.error().code);
            CHECK(std::string(got.error().field) == want.error().field);
          }
        }
      }
}

TEST_CASE("batch predictions name the first bad row and the scalar function's error", "[models][batch][errors]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
  rows_t<double> rows = base_for<double>(bg, 70000, 21);  // enough rows for two threads
  const crm::rfm_row<double> bad[] = {{1, 40, 39}, {-1, 0, 39}, {1.5, 2, 39}, {0, 3, 39}, {1, 2, std::nan("")}, {1, 2, 39, 0}};
  for (const auto& b : bad) {
    for (const std::size_t at : {std::size_t{0}, std::size_t{1234}, rows.size() - 1, std::size_t{50000}}) {
      rows_t<double> r = rows;
      r[at] = b;
      r[at + (at + 1 < r.size() ? 1 : 0)] = at + 1 < r.size() ? b : r[at];  // a second bad row after it
      const auto want = bg.try_probability_alive(b);
      REQUIRE(!want);
      for (const unsigned th : {1u, 2u}) {
        const auto got = crm::try_batch_probability_alive(bg, r, {.threads = th});
        REQUIRE(!got);
        CHECK(got.row() == at);
        CHECK(got.error().code == want.error().code);
        CHECK(std::string(got.error().field) == want.error().field);
        CHECK(std::string(got.error().metric) == want.error().metric);
        const auto ce = crm::try_batch_conditional_expected_purchases(pn, r, 10.0, {.threads = th});
        REQUIRE(!ce);
        CHECK(ce.row() == at);
        CHECK(std::string(ce.error().field) == want.error().field);
        CHECK(std::string(ce.error().metric) == "pareto_nbd.conditional_expected_purchases");
      }
    }
  }
  // the throwing form: crm::batch_error, a crm::metric_error whose message ends with the row
  rows_t<double> r = {{1, 2, 39}, {1, 40, 39}};
  try {
    (void)crm::batch_probability_alive(bg, r);
    FAIL("no exception");
  } catch (const crm::batch_error& e) {
    CHECK(e.row() == 1);
    CHECK(std::string(e.what()) == "crm::bg_nbd.probability_alive: recency is larger than its whole (must not exceed age) (row 1)");
  }
  // parameter, horizon and size errors belong to no row
  const auto p = crm::try_batch_probability_alive(crm::bg_nbd<double>{0, 1, 1, 1}, r);
  CHECK((!p && p.row() == crm::no_row && std::string(p.error().field) == "r"));
  const auto t = crm::try_batch_conditional_expected_purchases(bg, rows_t<double>{{1, 2, 39}}, -1.0);
  CHECK((!t && t.row() == crm::no_row && t.error().code == crm::errc::negative));
  const auto e = crm::try_batch_probability_alive(bg, rows_t<double>{});
  CHECK((!e && e.error().code == crm::errc::empty_input));
  std::vector<double> small(1);
  const auto s = crm::try_batch_probability_alive(bg, rows, std::span<double>(small));
  CHECK((!s && std::string(s.error().field) == "out"));
  const auto q = crm::try_batch_probability_of_purchases(bg, std::vector<crm::count_t>{1, 2}, std::vector<double>{1.0});
  CHECK((!q && std::string(q.error().field) == "t"));
}

TEST_CASE("batch errors of the models' own predictions carry the row", "[models][batch][errors]") {
  // a pair the scalar function refuses (a negative count, a negative horizon) is named by its index
  const crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
  const std::vector<crm::count_t> n = {1, 2, 2, -2, 3};
  const std::vector<double> t = {39.0, 39.0, -1.0, 39.0, 39.0};
  const auto px = crm::try_batch_probability_of_purchases(pn, n, t);
  CHECK((!px && px.row() == 2 && px.error().code == crm::errc::negative && std::string(px.error().field) == "t"));
  const auto px2 = crm::try_batch_probability_of_purchases(pn, n, std::vector<double>(5, 39.0));
  CHECK((!px2 && px2.row() == 3 && std::string(px2.error().field) == "n"));
  const rows_t<double> rows = {{0, 0, 39}, {2, 30, 39}};
  // CLV: a negative spend is named before the row; BG/BB refuses a fractional period length
  std::vector<double> spend = {10.0, -1.0};
  const auto clv = crm::try_batch_customer_lifetime_value(crm::bg_nbd<double>{0.243, 4.414, 0.793, 2.426}, rows, spend,
                                                          crm::clv_horizon<double>{});
  CHECK((!clv && clv.row() == 1 && std::string(clv.error().field) == "expected_spend"));
  const crm::bg_bb<double> bb{1.204, 0.750, 0.657, 2.783};
  const std::vector<crm::discrete_row<double>> d = {{1, 1, 6}, {2, 3, 6}, {2, 3, 6, -1.0}};
  const std::vector<double> sp = {1.0, 1.0, 1.0};
  const auto half = crm::try_batch_customer_lifetime_value(bb, d, sp, crm::clv_horizon<double>{.periods = 3, .period_length = 0.5});
  const auto half_want = crm::try_customer_lifetime_value(bb, d[0], 1.0, crm::clv_horizon<double>{.periods = 3, .period_length = 0.5});
  CHECK((!half && !half_want && half.row() == 0 && std::string(half.error().field) == half_want.error().field));
  const auto w = crm::try_batch_probability_alive(bb, d);  // the third row repeats the second's key, with a bad weight
  CHECK((!w && w.row() == 2 && std::string(w.error().field) == "weight"));
  const std::vector<crm::spend_row<double>> sr = {{1, 2, 1}, {2, 0, 1}};
  const auto g = crm::try_batch_conditional_expected_average_spend(crm::gamma_gamma<double>{6.25, 3.74, 15.44}, sr);
  CHECK((!g && g.row() == 1 && std::string(g.error().field) == "average_spend"));
}

/// P(alive) of a base of more than 2 MiB of results (stream_store_floor_bytes), into an aligned and
/// a misaligned output, on one and two threads, under every store policy, row by row against the
/// scalar function within `bound` ulp (0 on the std:: path).
template <class Model, class Bound>
void check_alive_streamed(const Model& m, Bound&& bound) {
  const auto n = static_cast<crm::count_t>(crm::detail::stream_store_floor_bytes / sizeof(double)) + 3001;
  const rows_t<double> rows = base_for<double>(m, n, 91);
  std::vector<double> buf(rows.size() + 1);
  for (const std::size_t shift : {std::size_t{0}, std::size_t{1}})
    for (const unsigned th : {1u, 2u})
      for (const crm::store_policy stores : all_store_policies) {
        const std::span<double> out(buf.data() + shift, rows.size());
        std::fill(out.begin(), out.end(), -1.0);
        REQUIRE(crm::try_batch_probability_alive(m, std::span<const crm::rfm_row<double>>(rows), out, {.threads = th, .stores = stores}));
        std::size_t outside = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) outside += ulps(out[i], m.probability_alive(rows[i])) <= bound(rows[i]) ? 0u : 1u;
        CHECK(outside == 0);
      }
}

TEST_CASE("store_policy::automatic streams results from glibc's memcpy threshold, at least 2 MiB", "[models][batch]") {
  const std::size_t b = crm::detail::stream_store_bytes();
  CHECK(b >= crm::detail::stream_store_floor_bytes);
  CHECK(b == crm::detail::stream_store_bytes());  // read once
#if defined(_SC_LEVEL3_CACHE_SIZE)
  // three quarters of one hardware thread's share of the last-level cache, when that is larger
  const long l3 = ::sysconf(_SC_LEVEL3_CACHE_SIZE);
  const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
  if (l3 > 0 && static_cast<std::size_t>(l3) / threads / 4 * 3 > crm::detail::stream_store_floor_bytes)
    CHECK(b == static_cast<std::size_t>(l3) / threads / 4 * 3);
  else
    CHECK(b == crm::detail::stream_store_floor_bytes);
#endif
  using crm::detail::use_stream_stores;
  const std::size_t n = b / sizeof(double);
  CHECK_FALSE(use_stream_stores<double>(n - 1, crm::store_policy::automatic));
  CHECK(use_stream_stores<double>(n, crm::store_policy::automatic));
  CHECK(use_stream_stores<float>(2 * n, crm::store_policy::automatic));
  CHECK_FALSE(use_stream_stores<double>(std::size_t{1} << 40, crm::store_policy::cached));
  CHECK(use_stream_stores<double>(1, crm::store_policy::streamed));
}

TEST_CASE("batch P(alive) of a large base (non-temporal stores or not) equals the scalar function", "[models][batch]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
  check_alive_streamed(bg, [&](const crm::rfm_row<double>& c) { return alive_bound(bg.r, bg.alpha, c); });
  check_alive_streamed(mbg, [&](const crm::rfm_row<double>& c) { return alive_bound(mbg.r, mbg.alpha, c); });
}

TEST_CASE("batch predictions on two threads equal those on one", "[models][batch][threads]") {
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
  const crm::bg_bb<double> bb{1.204, 0.750, 0.657, 2.783};
  const rows_t<double> rows = base_for<double>(bg, 70000, 31);  // 2 x 16 384 rows per thread and more
  const auto d = crm::generate(bb, {.customers = 70000, .periods = 8, .seed = 32});
  std::vector<double> spend(rows.size(), 30.0), dspend(d.size(), 12.0);
  std::vector<crm::count_t> n;
  std::vector<double> t;
  for (const auto& c : rows) n.push_back(static_cast<crm::count_t>(c.frequency) % 7), t.push_back(c.age);
  const crm::clv_horizon<double> h{.periods = 4, .period_length = 13.0};
  const crm::clv_horizon<double> hb{.periods = 3, .period_length = 1.0};
  for (const unsigned th : {2u, 0u}) {
    const crm::batch_options o{.threads = th};
    CHECK(crm::batch_conditional_expected_purchases(bg, rows, 39.0, o) == crm::batch_conditional_expected_purchases(bg, rows, 39.0));
    CHECK(crm::batch_customer_lifetime_value(bg, rows, spend, h, o) == crm::batch_customer_lifetime_value(bg, rows, spend, h));
    CHECK(crm::batch_probability_of_purchases(bg, n, t, o) == crm::batch_probability_of_purchases(bg, n, t));
    CHECK(crm::batch_conditional_expected_purchases(pn, rows, 39.0, o) == crm::batch_conditional_expected_purchases(pn, rows, 39.0));
    CHECK(crm::batch_probability_alive(bb, d, o) == crm::batch_probability_alive(bb, d));
    CHECK(crm::batch_customer_lifetime_value(bb, d, dspend, hb, o) == crm::batch_customer_lifetime_value(bb, d, dspend, hb));
  }
  // a bad spend in the second half is found by the second thread and named
  spend[60000] = -1.0;
  const auto bad = crm::try_batch_customer_lifetime_value(bg, rows, spend, h, {.threads = 2});
  CHECK((!bad && bad.row() == 60000 && std::string(bad.error().field) == "expected_spend"));
  dspend[50000] = std::nan("");
  const auto badb = crm::try_batch_customer_lifetime_value(bb, d, dspend, hb, {.threads = 2});
  CHECK((!badb && badb.row() == 50000 && badb.error().code == crm::errc::not_finite));
}

// group_rows does not depend on the vector-math path: its test runs in the std:: program only
// (models_batch_vector_test includes this file without CRM_METRICS_NO_LIBMVEC)
#if defined(CRM_METRICS_NO_LIBMVEC)
namespace {
/// detail::group_rows on n rows with key(i) = keys[i] and one value per key, key[0] * 3 + key[1]; rows
/// in `bad_rows` fail their check, keys in `bad_keys` their computation. Returns the failure, each
/// finished row's value (NaN for rows never finished) and the number of computations.
struct grouped {
  crm::detail::batch_failure failure;
  std::vector<double> value;
  std::size_t computed = 0;
};
grouped group(const std::vector<std::array<crm::count_t, 2>>& keys, unsigned threads, const std::vector<std::size_t>& bad_rows = {},
              const std::vector<crm::count_t>& bad_keys = {}) {
  grouped r;
  r.value.assign(keys.size(), std::nan(""));
  std::atomic<std::size_t> computed{0};
  r.failure = crm::detail::group_rows<crm::count_t, 2, double>(
      keys.size(), crm::batch_options{.threads = threads}, 1,
      [&](std::size_t i) {
        const bool bad = std::find(bad_rows.begin(), bad_rows.end(), i) != bad_rows.end();
        return bad ? crm::error_info{crm::errc::negative, "test", "row"} : crm::error_info{};
      },
      [&](std::size_t i) { return keys[i]; },
      [&](std::size_t i, double* v) {
        ++computed;
        if (std::find(bad_keys.begin(), bad_keys.end(), keys[i][0]) != bad_keys.end()) return crm::error_info{crm::errc::not_finite, "test", "key"};
        *v = static_cast<double>(keys[i][0] * 3 + keys[i][1]);
        return crm::error_info{};
      },
      [&](const crm::detail::row_groups<double>& g, std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) r.value[i] = *g.at(i);
        return crm::detail::batch_failure{};
      });
  r.computed = computed;
  return r;
}
/// The parts of n rows on `threads` threads (crm::detail::run_team's split): part k begins at bound(k).
std::size_t part_begin(std::size_t n, std::size_t threads, std::size_t k) { return n / threads * k + std::min(k, n % threads); }
}  // namespace

TEST_CASE("grouped rows give the same values and first bad row on 1, 2, 3 and 7 threads", "[models][batch][threads]") {
  // 7 x 32 768 rows and more, so that 7 threads are used
  const std::size_t n = 7 * 2 * crm::detail::batch_rows_per_thread + 5;
  // (a) mostly distinct keys, the parts' key sets barely overlapping (each part computes its own
  // keys: a key shared by several parts is computed by each), plus a few keys every part has;
  // (b) few keys, in every part (merged into one set, each computed once)
  std::vector<std::array<crm::count_t, 2>> distinct(n), few(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<crm::count_t>(i);
    distinct[i] = i % 40 == 0 ? std::array<crm::count_t, 2>{c % 13, -1} : std::array<crm::count_t, 2>{c / 2, c % 2 == 0 ? 0 : c % 3};
    few[i] = {c % 97, c % 5};
  }
  for (const auto* keys : {&distinct, &few}) {
    const grouped one = group(*keys, 1);
    REQUIRE(!one.failure);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < n; ++i) wrong += one.value[i] == static_cast<double>((*keys)[i][0] * 3 + (*keys)[i][1]) ? 0u : 1u;
    CHECK(wrong == 0);
    for (const unsigned th : {2u, 3u, 7u}) {
      INFO((keys == &distinct ? "mostly distinct keys" : "few keys") << ", " << th << " threads");
      const grouped more = group(*keys, th);
      REQUIRE(!more.failure);
      CHECK(std::memcmp(more.value.data(), one.value.data(), n * sizeof(double)) == 0);
      if (keys == &distinct) CHECK(more.computed > one.computed);  // the shared keys once per part
      else CHECK(more.computed == one.computed);
    }
  }
  for (const auto* keys : {&distinct, &few})
    for (const unsigned th : {1u, 2u, 3u, 7u}) {
      INFO((keys == &distinct ? "mostly distinct keys" : "few keys") << ", " << th << " threads");
      // a bad row in the second part (of 7) and one in the last: the second is named; rows before it finished
      const std::size_t second = part_begin(n, 7, 1) + 17, last = n - 2;
      const grouped two = group(*keys, th, {last, second});
      CHECK((two.failure.row == second && two.failure.error.code == crm::errc::negative));
      CHECK((two.value[second - 1] == static_cast<double>((*keys)[second - 1][0] * 3 + (*keys)[second - 1][1]) &&
             std::isnan(two.value[second])));
      if (th == 7) CHECK(group(*keys, th, {last}).failure.row == last);
      // a key that fails its computation is named by its first row, before a bad row that follows it
      const crm::count_t k = (*keys)[second][0];
      std::size_t first_row = 0;
      while ((*keys)[first_row][0] != k) ++first_row;
      const grouped bad_key = group(*keys, th, {last}, {k});
      CHECK((bad_key.failure.row == first_row && bad_key.failure.error.code == crm::errc::not_finite));
    }
}
#endif

TEST_CASE("batch predictions with mostly distinct keys on 2 and 3 threads equal those on one", "[models][batch][threads]") {
  // continuous ages: almost every (n, t) pair distinct (the keys computed per thread)
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const std::size_t rows = 3 * 2 * crm::detail::batch_rows_per_thread + 11;
  std::vector<crm::count_t> n(rows);
  std::vector<double> t(rows);
  for (std::size_t i = 0; i < rows; ++i) n[i] = static_cast<crm::count_t>(i % 4), t[i] = 27.0 + 12.0 * static_cast<double>(i) / static_cast<double>(rows);
  const auto one = crm::batch_probability_of_purchases(bg, n, t);
  for (std::size_t i = 0; i < rows; i += 997) CHECK(one[i] == bg.probability_of_purchases(n[i], t[i]));
  for (const unsigned th : {2u, 3u}) {
    const auto more = crm::batch_probability_of_purchases(bg, n, t, {.threads = th});
    REQUIRE(more.size() == rows);
    CHECK(std::memcmp(more.data(), one.data(), rows * sizeof(double)) == 0);
  }
  // a pair the scalar function refuses in the second third and one in the last: the first is named
  const std::size_t second = rows / 3 + 5;
  n[rows - 1] = -1, t[second] = -1.0;
  for (const unsigned th : {1u, 2u, 3u}) {
    const auto bad = crm::try_batch_probability_of_purchases(bg, n, t, {.threads = th});
    CHECK((!bad && bad.row() == second && std::string(bad.error().field) == "t"));
  }
}

TEST_CASE("batch predictions for every CDNOW and donations customer equal the scalar functions", "[models][batch][data]") {
  const auto f = crm_test::data_file("cdnow/cdnow_customers_summary_with_transactions.csv");
  CRM_REQUIRE_DATA(f);
  // published estimates: FHL 2005 (BG/NBD, Pareto/NBD, Gamma-Gamma), lifetimes docs (modified BG/NBD)
  const crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
  const crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
  const crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
  const crm::gamma_gamma<double> gg{6.25, 3.74, 15.44};
  const auto rows = crm::read_rfm_csv(f, "x", "t_x", "T");
  const auto spend_rows = crm::read_spend_csv(f);  // x = 0 rows have zbar = 0: the population mean
  const auto spend = crm::batch_conditional_expected_average_spend(gg, spend_rows);
  const crm::clv_horizon<double> h{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};
  const auto bound = [&](double r, double alpha, std::size_t i) { return alive_bound(r, alpha, rows[i]); };
  const auto a1 = crm::batch_probability_alive(bg, rows), a2 = crm::batch_probability_alive(mbg, rows);
  const auto a3 = crm::batch_probability_alive(pn, rows);
  const auto e1 = crm::batch_conditional_expected_purchases(bg, rows, 39.0);
  const auto e3 = crm::batch_conditional_expected_purchases(pn, rows, 39.0);
  const auto c1 = crm::batch_customer_lifetime_value(bg, rows, spend, h);
  const auto c3 = crm::batch_customer_lifetime_value(pn, rows, spend, h);
  REQUIRE(rows.size() == 2357);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("CDNOW customer " << i + 1);
    CHECK(spend[i] == gg.conditional_expected_average_spend(spend_rows[i].frequency, spend_rows[i].average_spend));
    CHECK(ulps(a1[i], bg.probability_alive(rows[i])) <= bound(bg.r, bg.alpha, i));
    CHECK(ulps(a2[i], mbg.probability_alive(rows[i])) <= bound(mbg.r, mbg.alpha, i));
    const double bp = crm_test::pareto_alive_bound(pn, rows[i]);
    CHECK(ulps(a3[i], pn.probability_alive(rows[i])) <= bp);
    const double b = bound(bg.r, bg.alpha, i);
    CHECK(ulps(e1[i], bg.conditional_expected_purchases(rows[i], 39.0)) <= (b > 0 ? b + 1 : 0.0));
    CHECK(ulps(e3[i], pn.conditional_expected_purchases(rows[i], 39.0)) <= (bp > 0 ? bp + 1 : 0.0));
    CHECK(ulps(c1[i], crm::customer_lifetime_value(bg, rows[i], spend[i], h)) <= (b > 0 ? b + 32 : 0.0));
    CHECK(ulps(c3[i], crm::customer_lifetime_value(pn, rows[i], spend[i], h)) <= (bp > 0 ? bp + 32 : 0.0));
  }
  const auto d = crm_test::data_file("donations/donations.csv");
  CRM_REQUIRE_DATA(d);
  const crm::bg_bb<double> bb{1.204, 0.750, 0.657, 2.783};  // Fader, Hardie & Shang (2010)
  const auto donors = crm::read_discrete_csv(d);
  const auto pa = crm::batch_probability_alive(bb, donors);
  const auto ce = crm::batch_conditional_expected_purchases(bb, donors, 5.0);
  for (std::size_t i = 0; i < donors.size(); ++i) {
    CHECK(pa[i] == bb.probability_alive(donors[i]));
    CHECK(ce[i] == bb.conditional_expected_purchases(donors[i], 5.0));
  }
}

// A row whose a e overflows while a/D e does not: P(alive) near 1e-307. The vector paths' one
// division D/(D + a e) gave 0 (and so E[Y] and the lifetime value 0) where the scalar function gives
// a normal number; such rows now go to the scalar function (found by an audit).
TEST_CASE("batch: P(alive) near the smallest normal number is the scalar function's, not 0", "[models][batch]") {
  const std::vector<crm::rfm_row<double>> rows{{58, 0, std::exp(705.0 / 59) - 1}, {2, 30.43, 38.86}};
  const crm::bg_nbd<double> m{1, 1, 1e4, 1e4};
  const crm::modified_bg_nbd<double> mm{1, 1, 1e4, 1e4};
  const std::vector<double> p = crm::batch_probability_alive(m, rows);
  const std::vector<double> q = crm::batch_probability_alive(mm, rows);
  REQUIRE(m.probability_alive(rows[0]) > 1e-307);
  CHECK(p[0] == m.probability_alive(rows[0]));
  CHECK(q[0] == mm.probability_alive(rows[0]));
  const std::vector<double> y = crm::batch_conditional_expected_purchases(m, rows, 39.0);
  const double want = m.conditional_expected_purchases(rows[0], 39.0);
  REQUIRE(want > 0);
  CHECK(std::abs(y[0] - want) <= 1e-13 * want);
}
