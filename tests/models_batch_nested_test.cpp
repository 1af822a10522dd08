// crm-metrics tests: the batch forms of the nested models (crm::nbd and the homogeneous models of
// crm/models/homogeneous.hpp; crm/models/batch.hpp): every result equal bit for bit to the model's
// scalar function on the same row (they call it: no vector path), on generated rows, edge rows and
// every CDNOW customer; the first bad row named with the scalar function's error; threads change
// nothing.
#include <crm/models/batch.hpp>
#include <crm/models/generate.hpp>
#include <crm/models/homogeneous.hpp>
#include <crm/models/nbd.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "catch.hpp"
#include "data_path.hpp"

namespace {
using row = crm::rfm_row<double>;

// Fitted-looking parameters: the NBD of FHL 2005's CDNOW data and homogeneous models near the
// SciPy fits of tests/models_homogeneous_test.cpp (in weeks).
const crm::nbd<double> nbd_model{0.385, 12.07};
const crm::homogeneous_bg_nbd<double> hbg{0.489, 1.756, 0.296};
const crm::homogeneous_modified_bg_nbd<double> hmbg{0.452, 1.716, 0.270};
const crm::homogeneous_pareto_nbd<double> hpn{0.372, 1.722, 0.0408};

/// Generated customers (ages on a day grid, recency continuous) and edge rows, each twice: x = 0,
/// t_x = T, t_x = 0 < x, large x, tiny and huge ages, a fractional weight.
std::vector<row> base(int customers, std::uint64_t seed) {
  std::vector<row> rows = crm::generate(crm::bg_nbd<double>{0.243, 4.414, 0.793, 2.426},
                                        crm::generate_options<double>{.customers = customers, .first_age = 27.0, .last_age = 39.0,
                                                                      .age_step = 1.0 / 7.0, .seed = seed});
  const std::vector<row> edge = {{0, 0, 39},        {0, 0, 0.5},   {0, 0, 1e5},  {3, 20, 20},       {1, 0, 30},
                                 {40, 35, 39},      {200, 1000, 1500}, {2, 1e-6, 1e-5}, {5, 4000, 10000}, {1, 30.43, 38.86, 2.5}};
  rows.insert(rows.end(), edge.begin(), edge.end());
  rows.insert(rows.end(), edge.begin(), edge.end());
  return rows;
}

/// Every batch form of model m against its scalar function, bit for bit.
template <class Model>
void check_equal(const Model& m, const std::vector<row>& rows) {
  const crm::clv_horizon<double> h{.periods = 6, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};
  std::vector<double> spend(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) spend[i] = 10.0 + static_cast<double>(i % 37);
  const auto a = crm::batch_probability_alive(m, rows);
  const auto e = crm::batch_conditional_expected_purchases(m, rows, 39.0);
  const auto c = crm::batch_customer_lifetime_value(m, rows, spend, h);
  std::vector<crm::count_t> n;
  std::vector<double> t;
  for (const row& r : rows) n.push_back(static_cast<crm::count_t>(r.frequency) % 9), t.push_back(r.age);
  const auto p = crm::batch_probability_of_purchases(m, n, t);
  REQUIRE(a.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i << ": " << rows[i].frequency << ", " << rows[i].recency << ", " << rows[i].age);
    CHECK(a[i] == m.probability_alive(rows[i]));
    CHECK(e[i] == m.conditional_expected_purchases(rows[i], 39.0));
    CHECK(c[i] == crm::customer_lifetime_value(m, rows[i], spend[i], h));
    CHECK(p[i] == m.probability_of_purchases(n[i], t[i]));
  }
}

std::string field(const crm::error_info& e) { return e.field; }

/// The first bad row is named with the scalar function's own error; parameters, t and sizes with no row.
template <class Model>
void check_errors(const Model& m, const Model& bad_model) {
  std::vector<row> rows = base(50, 3);
  rows[17] = {2, 40, 30};   // recency beyond age
  rows[30] = {1.5, 2, 3};   // not whole
  const auto a = crm::try_batch_probability_alive(m, rows);
  REQUIRE_FALSE(a);
  CHECK(a.row() == 17);
  CHECK(a.error() == m.try_probability_alive(rows[17]).error());
  const auto e = crm::try_batch_conditional_expected_purchases(m, rows, 10.0);
  REQUIRE_FALSE(e);
  CHECK(e.row() == 17);
  CHECK(e.error() == m.try_conditional_expected_purchases(rows[17], 10.0).error());
  std::vector<double> spend(rows.size(), 20.0);
  spend[9] = -1.0;
  const crm::clv_horizon<double> h{.periods = 3, .period_length = 4.0};
  const auto c = crm::try_batch_customer_lifetime_value(m, rows, spend, h);
  REQUIRE_FALSE(c);
  CHECK(c.row() == 9);
  CHECK(c.error() == crm::try_customer_lifetime_value(m, rows[9], spend[9], h).error());
  spend[9] = 20.0;
  const auto c2 = crm::try_batch_customer_lifetime_value(m, rows, spend, h);
  REQUIRE_FALSE(c2);
  CHECK(c2.row() == 17);
  CHECK(c2.error() == crm::try_customer_lifetime_value(m, rows[17], spend[17], h).error());
  rows[17] = {2, 20, 30, 0.0};  // a weight of 0: the scalar functions refuse it too
  const auto w = crm::try_batch_probability_alive(m, rows);
  CHECK((!w && w.row() == 17 && w.error() == m.try_probability_alive(rows[17]).error()));
  // a result not finite: a spend near the largest double
  rows[17] = {2, 20, 30};
  rows[30] = {1, 2, 3};
  spend[5] = 1e308;
  const auto big = crm::try_batch_customer_lifetime_value(m, rows, spend, crm::clv_horizon<double>{.periods = 3, .period_length = 400.0});
  const auto big_scalar = crm::try_customer_lifetime_value(m, rows[5], spend[5], crm::clv_horizon<double>{.periods = 3, .period_length = 400.0});
  if (!big_scalar) CHECK((!big && big.row() == 5 && big.error() == big_scalar.error()));
  // no row: parameters, horizon, sizes, empty input
  const auto pa = crm::try_batch_probability_alive(bad_model, rows);
  CHECK((!pa && pa.row() == crm::no_row && pa.error() == bad_model.try_probability_alive(rows[0]).error()));
  const auto pt = crm::try_batch_conditional_expected_purchases(m, rows, -1.0);
  CHECK((!pt && pt.row() == crm::no_row && pt.error().code == crm::errc::negative && field(pt.error()) == "t"));
  std::vector<double> out(3);
  const auto ps = crm::try_batch_probability_alive(m, std::span<const row>(rows), std::span<double>(out));
  CHECK((!ps && ps.row() == crm::no_row && ps.error().code == crm::errc::malformed));
  const auto pe = crm::try_batch_probability_alive(m, std::vector<row>{});
  CHECK((!pe && pe.error().code == crm::errc::empty_input));
  CHECK_THROWS_AS(crm::batch_probability_alive(bad_model, rows), crm::batch_error);
  // P(X(t) = n): a negative n at pair 4
  const std::vector<crm::count_t> n = {0, 1, 2, 3, -1, 5};
  const std::vector<double> t = {1, 2, 3, 4, 5, 6};
  const auto d = crm::try_batch_probability_of_purchases(m, n, t);
  CHECK((!d && d.row() == 4 && d.error() == m.try_probability_of_purchases(-1, 5.0).error()));
}
}  // namespace

TEST_CASE("batch nested models equal the scalar functions bit for bit on generated and edge rows", "[models][batch][nested]") {
  const std::vector<row> rows = base(3000, 7);
  check_equal(nbd_model, rows);
  check_equal(hbg, rows);
  check_equal(hmbg, rows);
  check_equal(hpn, rows);
}

TEST_CASE("batch nested models equal the scalar functions for every CDNOW customer", "[models][batch][nested][data]") {
  const auto f = crm_test::data_file("cdnow/cdnow_customers_summary_with_transactions.csv");
  CRM_REQUIRE_DATA(f);
  const auto rows = crm::read_rfm_csv(f, "x", "t_x", "T");
  REQUIRE(rows.size() == 2357);
  check_equal(nbd_model, rows);
  check_equal(hbg, rows);
  check_equal(hmbg, rows);
  check_equal(hpn, rows);
}

TEST_CASE("batch nested models name the first bad row with the scalar function's error", "[models][batch][nested][errors]") {
  check_errors(nbd_model, crm::nbd<double>{0.385, -1.0});
  check_errors(hbg, crm::homogeneous_bg_nbd<double>{0.489, 1.756, 1.5});
  check_errors(hmbg, crm::homogeneous_modified_bg_nbd<double>{0.0, 1.716, 0.270});
  check_errors(hpn, crm::homogeneous_pareto_nbd<double>{0.372, 1.722, -0.1});
}

TEST_CASE("batch nested models on two threads equal those on one", "[models][batch][nested][threads]") {
  std::vector<row> rows = base(70000, 31);  // 2 x 16 384 rows per thread and more
  std::vector<double> spend(rows.size(), 30.0);
  const crm::clv_horizon<double> h{.periods = 3, .period_length = 13.0};
  const crm::batch_options two{.threads = 2};
  std::vector<crm::count_t> n;
  std::vector<double> t;
  for (const row& r : rows) n.push_back(static_cast<crm::count_t>(r.frequency) % 7), t.push_back(r.age);
  const auto same = [&](const auto& m) {
    CHECK(crm::batch_probability_of_purchases(m, n, t, two) == crm::batch_probability_of_purchases(m, n, t));
    CHECK(crm::batch_probability_alive(m, rows, two) == crm::batch_probability_alive(m, rows));
    CHECK(crm::batch_conditional_expected_purchases(m, rows, 39.0, two) == crm::batch_conditional_expected_purchases(m, rows, 39.0));
    CHECK(crm::batch_customer_lifetime_value(m, rows, spend, h, two) == crm::batch_customer_lifetime_value(m, rows, spend, h));
    // a bad row in the second half is found by the second thread and named
    std::vector<row> bad = rows;
    bad[60000].recency = bad[60000].age + 1.0;
    const auto b = crm::try_batch_conditional_expected_purchases(m, bad, 39.0, two);
    CHECK((!b && b.row() == 60000 && field(b.error()) == "recency"));
  };
  same(nbd_model);
  same(hbg);
  same(hpn);
}
