// crm-metrics tests: the default path of the batch predictions, libmvec where glibc has it
// (crm/models/detail/vector_math.hpp; CRM_METRICS_USE_LIBMVEC is defined here only to make that
// explicit and to keep models_batch_test.cpp from choosing the std:: path). The choice must hold for
// the whole program; every tests/*_test.cpp is a program of its own (off x86-64 glibc the header
// falls back to std:: and the tests check that). Every test of models_batch_test.cpp runs again here
// (its alive_bound gives the libmvec bound, (8 + 6|y|) ulp for the BG/NBD family's P(alive), and
// pareto_alive_bound.hpp Pareto/NBD's); added: libmvec's log, exp, log1p and expm1 at every vector
// width this CPU runs, against long double, within glibc's stated 4 ulp; the BG/NBD-family
// predictions over more parameter sets; bad rows at block edges named as on the std:: path.
#if !defined(CRM_METRICS_USE_SLEEF) && !defined(CRM_METRICS_USE_LIBMVEC)
#define CRM_METRICS_USE_LIBMVEC 1
#endif
#include "models_batch_test.cpp"  // NOLINT(bugprone-suspicious-include): the same tests on this path

namespace {

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
  std::vector<double> v = {0.0, -0.0, 1e-300, -1e-300, 1e-17, -1e-17, 709.78, -708.39, 1.0, -1.0,
                           -std::numeric_limits<double>::infinity()};  // exp(-inf) = 0: Pareto/NBD's surely alive
  for (double y = -708.0; y < 709.7; y += 0.01337) v.push_back(y);
  for (int k = 1; k < 2000; ++k) v.push_back(static_cast<double>(k) * 1e-6), v.push_back(-static_cast<double>(k) * 1e-6);
  return v;
}

/// Arguments of log1p: from just above -1 through tiny magnitudes (where log1p(v) is about v) to huge.
std::vector<double> log1p_grid() {
  std::vector<double> v = {0.0, -0.0, 1e-300, -1e-300, std::numeric_limits<double>::denorm_min(), -0.5, 1.0, 1e300,
                           -1.0 + std::numeric_limits<double>::epsilon()};
  for (double x = 1e-300; x < 1e300; x *= 1.0173) v.push_back(x);
  for (double x = 1e-300; x < 1.0; x *= 1.0173) v.push_back(-x);
  return v;
}
/// Arguments of expm1: tiny magnitudes (where expm1(v) is about v), both signs, up to near overflow.
std::vector<double> expm1_grid() {
  std::vector<double> v = {0.0, -0.0, 1e-300, -1e-300, 709.78, -745.0, 1.0, -1.0, -std::numeric_limits<double>::infinity()};
  for (double y = 1e-300; y < 709.7; y *= 1.0173) v.push_back(y), v.push_back(-y);
  for (double y = -700.0; y < 700.0; y += 0.1337) v.push_back(y);
  return v;
}

/// The libmvec widths this CPU runs (8: AVX-512F, 4: AVX2, 2: SSE2), each as a pair of array functions.
struct width {
  std::size_t lanes;
  void (*log)(const double*, double*, std::size_t);
  void (*exp)(const double*, double*, std::size_t);
  void (*log1p)(const double*, double*, std::size_t);
  void (*expm1)(const double*, double*, std::size_t);
};
std::vector<width> widths() {
  std::vector<width> w;
  using crm::detail::vfn;
#if CRM_METRICS_DETAIL_LIBMVEC && CRM_METRICS_DETAIL_LIBMVEC_M1
  if (__builtin_cpu_supports("avx512f"))
    w.push_back({8, &crm::detail::libmvec_apply8<vfn::log>, &crm::detail::libmvec_apply8<vfn::exp>,
                 &crm::detail::libmvec_apply8<vfn::log1p>, &crm::detail::libmvec_apply8<vfn::expm1>});
  if (__builtin_cpu_supports("avx2"))
    w.push_back({4, &crm::detail::libmvec_apply4<vfn::log>, &crm::detail::libmvec_apply4<vfn::exp>,
                 &crm::detail::libmvec_apply4<vfn::log1p>, &crm::detail::libmvec_apply4<vfn::expm1>});
  w.push_back({2, &crm::detail::libmvec_apply2<vfn::log>, &crm::detail::libmvec_apply2<vfn::exp>, &crm::detail::libmvec_apply2<vfn::log1p>,
               &crm::detail::libmvec_apply2<vfn::expm1>});
#endif
  // what the batch kernels call
  w.push_back({1, &crm::detail::vlog<double>, &crm::detail::vexp<double>, &crm::detail::vlog1p<double>, &crm::detail::vexpm1<double>});
  return w;
}

using array_fn = void (*)(const double*, double*, std::size_t);
using exact_fn = long double (*)(long double);

/// The largest distance of f over `args` from the exact value, in ulps.
double worst_ulps(array_fn f, exact_fn exact, const std::vector<double>& args) {
  std::vector<double> out(args.size());
  f(args.data(), out.data(), args.size());
  double worst = 0;
  for (std::size_t i = 0; i < args.size(); ++i) worst = std::max(worst, ulps_exact(out[i], exact(static_cast<long double>(args[i]))));
  return worst;
}
/// f, then g on f's results, in place, over every length from 0 to 19 (the tail is padded): each
/// within 4 ulp of the exact value of its own argument.
void check_in_place(array_fn f, exact_fn f_exact, array_fn g, exact_fn g_exact, const std::vector<double>& args, std::size_t from) {
  for (std::size_t n = 0; n <= 19; ++n) {
    std::vector<double> a(args.begin() + static_cast<std::ptrdiff_t>(from), args.begin() + static_cast<std::ptrdiff_t>(from + n)), b = a;
    f(b.data(), b.data(), n);
    for (std::size_t i = 0; i < n; ++i) CHECK(ulps_exact(b[i], f_exact(static_cast<long double>(a[i]))) <= 4.0);
    a = b;
    g(b.data(), b.data(), n);
    for (std::size_t i = 0; i < n; ++i) CHECK(ulps_exact(b[i], g_exact(static_cast<long double>(a[i]))) <= 4.0);
  }
}
long double exact_log(long double v) { return std::log(v); }
long double exact_exp(long double v) { return std::exp(v); }
long double exact_log1p(long double v) { return std::log1p(v); }
long double exact_expm1(long double v) { return std::expm1(v); }

}  // namespace

TEST_CASE("libmvec log and exp are within 4 ulp of the exact value at every width", "[models][batch][vector]") {
  const std::vector<double> lx = log_grid(), ex = exp_grid();
  for (const width& w : widths()) {
    INFO("lanes " << w.lanes);
    CHECK(worst_ulps(w.log, exact_log, lx) <= 4.0);
    CHECK(worst_ulps(w.exp, exact_exp, ex) <= 4.0);
    check_in_place(w.log, exact_log, w.exp, exact_exp, lx, 100);
  }
#if CRM_METRICS_DETAIL_LIBMVEC
  CHECK(crm::detail::vector_math_lanes_now() == widths().front().lanes);
  CHECK(widths().size() > 1);  // glibc 2.35 or later (bookworm has 2.36): log1p and expm1 are vector too
#elif CRM_METRICS_DETAIL_SLEEF
  // models_batch_sleef_test (-march=native): SLEEF's width is fixed at compile time, the widest this CPU has
  const std::size_t sleef_lanes = __builtin_cpu_supports("avx512f") ? 8 : __builtin_cpu_supports("avx2") ? 4 : 2;
  CHECK(crm::detail::vector_math_lanes_now() == sleef_lanes);
  CHECK(std::string(crm::detail::vector_math_name()) == "SLEEF");
#endif
  if (crm::detail::vector_math_uses_libmvec) CHECK(std::string(crm::detail::vector_math_name()) == "libmvec");
}

TEST_CASE("libmvec log1p and expm1 are within 4 ulp of the exact value at every width", "[models][batch][vector]") {
  const std::vector<double> lx = log1p_grid(), ex = expm1_grid();
  for (const width& w : widths()) {
    INFO("lanes " << w.lanes);
    CHECK(worst_ulps(w.log1p, exact_log1p, lx) <= 4.0);
    CHECK(worst_ulps(w.expm1, exact_expm1, ex) <= 4.0);
    check_in_place(w.expm1, exact_expm1, w.log1p, exact_log1p, ex, 300);
  }
}

TEST_CASE("batch BG/NBD-family predictions through libmvec stay within the stated bound of the scalar functions",
          "[models][batch][vector]") {
  // more parameter sets than models_batch_test's: tiny and huge r, alpha, a, b (every edge row of its
  // base_for too: x = 0, t_x = T, t_x = 0 < x, ages from 1e-5 to 1e7)
  const crm::bg_nbd<double> params[] = {{0.1, 0.5, 2.5, 3.0}, {25.0, 100.0, 1.6, 40.0}, {3.0, 50.0, 0.4, 0.3}};
  std::uint64_t seed = 40;
  for (const auto& p : params) {
    check_bgnbd_family<double>(p, seed++);
    check_bgnbd_family<double>(crm::modified_bg_nbd<double>{p.r, p.alpha, p.a, p.b}, seed++);
  }
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
