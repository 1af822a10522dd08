// crm-metrics tests: the libmvec path of the batch predictions (crm/models/detail/vector_math.hpp with
// CRM_METRICS_USE_LIBMVEC). The macro must hold for the whole program; every tests/*_test.cpp is a
// program of its own, so this one defines it for itself and the default build checks the path (where
// glibc's libmvec exists: x86-64 glibc; elsewhere the header falls back to std:: and the test checks
// that). Checked: libmvec's log and exp at every vector width this CPU runs, against long double,
// within glibc's stated 4 ulp; the BG/NBD-family batch predictions against the scalar functions within
// the bound of docs/batch.md, (8 + 6|y|) ulp for P(alive), over parameter grids and edge rows (x = 0,
// t_x = T, t_x = 0 < x, huge and tiny ages), on one and two threads; float and long double bit for bit;
// bad rows named as on the std:: path.
#if !defined(CRM_METRICS_USE_SLEEF) && !defined(CRM_METRICS_USE_LIBMVEC)
#define CRM_METRICS_USE_LIBMVEC 1
#endif
#include <crm/models/batch.hpp>
#include <crm/models/generate.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

/// Distance in units in the last place between two finite values, relative to the larger magnitude
/// (at least the smallest normal number, so that values near underflow compare absolutely).
template <class T>
double ulps(T got, T want) {
  if (got == want) return 0.0;
  const T scale = std::max({std::abs(got), std::abs(want), std::numeric_limits<T>::min()});
  return static_cast<double>(std::abs(got - want) / (scale * std::numeric_limits<T>::epsilon()));
}
/// The same against a long double reference, in ulps of the double result.
double ulps_exact(double got, long double exact) {
  const long double scale = std::max(std::abs(exact), static_cast<long double>(std::numeric_limits<double>::min()));
  return static_cast<double>(std::abs(static_cast<long double>(got) - exact) / (scale * std::numeric_limits<double>::epsilon()));
}

/// Arguments of the logarithm: a geometric grid over the whole double range, subnormals, and the
/// neighbourhood of 1 (where log is small and its relative accuracy is hardest).
std::vector<double> log_grid() {
  std::vector<double> v = {std::numeric_limits<double>::denorm_min(), 1e-310, std::numeric_limits<double>::min(), 1.0,
                           std::numeric_limits<double>::max(), 2.0, 0.5, 10.0};
  for (double x = 1e-300; x < 1e300; x *= 1.0137) v.push_back(x);
  for (int k = 1; k < 2000; ++k) {
    const double d = static_cast<double>(k) * 1e-9;
    v.push_back(1.0 + d), v.push_back(1.0 - d);
  }
  for (int k = 1; k < 64; ++k) v.push_back(1.0 + static_cast<double>(k) * std::numeric_limits<double>::epsilon());
  return v;
}
/// Arguments of the exponential: results from the smallest normal to near overflow, and tiny ones.
std::vector<double> exp_grid() {
  std::vector<double> v = {0.0, -0.0, 1e-300, -1e-300, 1e-17, -1e-17, 709.78, -708.39, 1.0, -1.0};
  for (double y = -708.0; y < 709.7; y += 0.01337) v.push_back(y);
  for (int k = 1; k < 2000; ++k) v.push_back(static_cast<double>(k) * 1e-6), v.push_back(-static_cast<double>(k) * 1e-6);
  return v;
}

/// The libmvec widths this CPU runs (8: AVX-512F, 4: AVX2, 2: SSE2), each as a pair of array functions.
struct width {
  std::size_t lanes;
  void (*log)(const double*, double*, std::size_t);
  void (*exp)(const double*, double*, std::size_t);
};
std::vector<width> widths() {
  std::vector<width> w;
#if CRM_METRICS_DETAIL_LIBMVEC
  if (__builtin_cpu_supports("avx512f"))
    w.push_back({8, &crm::detail::libmvec_apply8<true>, &crm::detail::libmvec_apply8<false>});
  if (__builtin_cpu_supports("avx2")) w.push_back({4, &crm::detail::libmvec_apply4<true>, &crm::detail::libmvec_apply4<false>});
  w.push_back({2, &crm::detail::libmvec_apply2<true>, &crm::detail::libmvec_apply2<false>});
#endif
  w.push_back({1, &crm::detail::vlog<double>, &crm::detail::vexp<double>});  // what the batch kernels call
  return w;
}

template <class T>
using rows_t = std::vector<crm::rfm_row<T>>;

/// Generated customers (day-grid ages, continuous recency) plus the edge rows, twice.
template <class T, class Model>
rows_t<T> base_for(const Model& m, crm::count_t customers, std::uint64_t seed) {
  crm::generate_options<T> o;
  o.customers = customers, o.first_age = T(27), o.last_age = T(39), o.age_step = T(1) / T(7), o.seed = seed;
  rows_t<T> rows = crm::generate(m, o);
  const rows_t<T> edge = {{0, 0, 39},          {0, 0, T(0.5)},      {0, 0, T(1e7)},         {3, 20, 20},        {1, 0, 30},
                          {40, 35, 39},        {200, 1000, 1500},   {2, T(1e-6), T(1e-5)},  {5, 4000, 10000},   {1, T(1e7), T(1e7)},
                          {7, T(9e6), T(1e7)}, {1, T(0.25), T(1e7)}, {1, T(30.43), T(38.86), T(2.5)}};
  rows.insert(rows.end(), edge.begin(), edge.end());
  rows.insert(rows.end(), edge.begin(), edge.end());
  return rows;
}

/// docs/batch.md's bound for P(alive) on the libmvec path: (8 + 6|y|) ulp, y the odds' exponent;
/// 0 where the path is std:: (float, long double, or no libmvec).
template <class T>
double alive_bound(T r, T alpha, const crm::rfm_row<T>& c) {
  if (!crm::detail::vector_math_is_vector || !std::is_same_v<T, double>) return 0.0;
  const T y = (r + c.frequency) * std::log((alpha + c.age) / (alpha + c.recency));
  return 8.0 + 6.0 * static_cast<double>(std::abs(y));
}

template <class T, class Model>
void check_family(const Model& m, crm::count_t customers, std::uint64_t seed) {
  const rows_t<T> rows = base_for<T>(m, customers, seed);
  const T t = T(39);
  std::vector<T> spend(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) spend[i] = T(10) + static_cast<T>(i % 17);
  const crm::clv_horizon<T> h{.periods = 12, .period_length = T(4.345), .discount_rate = T(0.01), .margin = T(0.3)};
  const bool with_clv = rows.size() < 10000;  // the scalar CLV (12 horizons) is slow under ASan
  const auto pa = crm::batch_probability_alive(m, rows);
  const auto ce = crm::batch_conditional_expected_purchases(m, rows, t);
  const auto clv = with_clv ? crm::batch_customer_lifetime_value(m, rows, spend, h) : std::vector<T>{};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row " << i << " (" << rows[i].frequency << ", " << rows[i].recency << ", " << rows[i].age << ")");
    const double b = alive_bound(m.r, m.alpha, rows[i]);
    CHECK(ulps(pa[i], m.probability_alive(rows[i])) <= b);
    CHECK(ulps(ce[i], m.conditional_expected_purchases(rows[i], t)) <= (b > 0 ? b + 1 : 0.0));
    if (with_clv) CHECK(ulps(clv[i], crm::customer_lifetime_value(m, rows[i], spend[i], h)) <= (b > 0 ? b + 32 : 0.0));
  }
  // two threads: the same values
  const crm::batch_options two{.threads = 2};
  CHECK(crm::batch_probability_alive(m, rows, two) == pa);
  CHECK(crm::batch_conditional_expected_purchases(m, rows, t, two) == ce);
  if (with_clv) CHECK(crm::batch_customer_lifetime_value(m, rows, spend, h, two) == clv);
}

}  // namespace

TEST_CASE("libmvec log and exp are within 4 ulp of the exact value at every width", "[models][batch][vector]") {
  const std::vector<double> lx = log_grid(), ex = exp_grid();
  for (const width& w : widths()) {
    INFO("lanes " << w.lanes);
    std::vector<double> out(lx.size());
    w.log(lx.data(), out.data(), lx.size());
    double worst = 0;
    for (std::size_t i = 0; i < lx.size(); ++i) worst = std::max(worst, ulps_exact(out[i], std::log(static_cast<long double>(lx[i]))));
    CHECK(worst <= 4.0);
    out.assign(ex.size(), 0.0);
    w.exp(ex.data(), out.data(), ex.size());
    worst = 0;
    for (std::size_t i = 0; i < ex.size(); ++i) worst = std::max(worst, ulps_exact(out[i], std::exp(static_cast<long double>(ex[i]))));
    CHECK(worst <= 4.0);
    // every length (the tail is padded), in place
    for (std::size_t n = 0; n <= 19; ++n) {
      std::vector<double> a(lx.begin() + 100, lx.begin() + 100 + static_cast<std::ptrdiff_t>(n)), b = a;
      w.log(b.data(), b.data(), n);
      for (std::size_t i = 0; i < n; ++i) CHECK(ulps_exact(b[i], std::log(static_cast<long double>(a[i]))) <= 4.0);
      const std::vector<double> logs = b;
      w.exp(b.data(), b.data(), n);
      for (std::size_t i = 0; i < n; ++i) CHECK(ulps_exact(b[i], std::exp(static_cast<long double>(logs[i]))) <= 4.0);
    }
  }
  CHECK(crm::detail::vector_math_lanes_now() == widths().front().lanes);
  if (crm::detail::vector_math_uses_libmvec) CHECK(std::string(crm::detail::vector_math_name()) == "libmvec");
}

TEST_CASE("batch BG/NBD-family predictions through libmvec stay within the stated bound of the scalar functions",
          "[models][batch][vector]") {
  // CDNOW (FHL 2005), fast and slow buyers, strong and weak drop-out; both models
  const crm::bg_nbd<double> params[] = {{0.243, 4.414, 0.793, 2.426}, {1.5, 2.0, 1.3, 0.5}, {0.5, 20.0, 3.0, 1.2},
                                        {4.0, 1.0, 1.7, 9.0},         {0.05, 0.3, 0.2, 0.1}, {25.0, 100.0, 0.6, 40.0}};
  std::uint64_t seed = 40;
  for (const auto& p : params) {
    check_family<double>(p, 2000, seed++);
    check_family<double>(crm::modified_bg_nbd<double>{p.r, p.alpha, p.a, p.b}, 2000, seed++);
  }
  // enough rows for two threads to split them (2 x 16 384 per thread)
  check_family<double>(crm::modified_bg_nbd<double>{0.525, 6.183, 0.891, 1.614}, 70000, 60);
  // float and long double take the std:: path: bit for bit
  check_family<float>(crm::bg_nbd<float>{0.243f, 4.414f, 0.793f, 2.426f}, 2000, 61);
  check_family<long double>(crm::modified_bg_nbd<long double>{0.525L, 6.183L, 0.891L, 1.614L}, 2000, 62);
}

TEST_CASE("batch P(alive) through libmvec names the first bad row like the std:: path", "[models][batch][vector][errors]") {
  const crm::modified_bg_nbd<double> m{0.525, 6.183, 0.891, 1.614};
  const rows_t<double> rows = base_for<double>(m, 70000, 70);
  const crm::rfm_row<double> bad[] = {{1, 40, 39}, {-1, 0, 39}, {1.5, 2, 39}, {0, 3, 39}, {1, 2, std::nan("")}, {1, 2, 39, 0},
                                      {std::numeric_limits<double>::infinity(), 2, 39}};
  for (const auto& b : bad)
    for (const std::size_t at : {std::size_t{0}, std::size_t{255}, std::size_t{256}, std::size_t{40000}, rows.size() - 1}) {
      rows_t<double> r = rows;
      r[at] = b;
      if (at + 1 < r.size()) r[at + 1] = b;
      const auto want = m.try_probability_alive(b);
      REQUIRE(!want);
      for (const unsigned th : {1u, 2u}) {
        const auto got = crm::try_batch_probability_alive(m, r, {.threads = th});
        REQUIRE(!got);
        CHECK(got.row() == at);
        CHECK(got.error().code == want.error().code);
        CHECK(std::string(got.error().field) == want.error().field);
        CHECK(std::string(got.error().metric) == "modified_bg_nbd.probability_alive");
      }
    }
}
