// Tests of <crm/statistics/planning.hpp>: sample size per arm, power, minimum detectable effect.
//
// Reference values from R 4.2.2 power.prop.test (two-sided, strict = FALSE), with tol = 1e-14 so
// that R's uniroot solves to full precision (its default tol is only 1.2e-4), digits = 17:
//   power.prop.test(p1 = .05, p2 = .06, power = .8, tol = 1e-14)$n                     -> 8157.7314478492781
//   power.prop.test(p1 = .2, p2 = .15, sig.level = .01, power = .9, tol = 1e-14)$n    -> 1716.0957116386073
//   power.prop.test(p1 = .5, p2 = .9, sig.level = .05, power = .5, tol = 1e-14)$n     -> 10.083829404322083
//   power.prop.test(p1 = .1, p2 = .1001, sig.level = .001, power = .999, tol = 1e-14)$n -> 733179228.61144459
//   power.prop.test(n = 8000, p1 = .05, power = .8, tol = 1e-14)$p2                   -> 0.060102517054625389
//   power.prop.test(n = 40, p1 = .3, sig.level = .1, power = .5, tol = 1e-14)$p2      -> 0.47936841297188454
//   power.prop.test(n = 1000, p1 = .1, p2 = .13)$power                                -> 0.55682912556324682
//   power.prop.test(n = 1e12, p1 = .1, p2 = .100001)$power                            -> 0.654335951857555
// Sample sizes are whole trials: ours must be R's n rounded up (which checks n to better than 1e-9
// relative for the 7e8 case). Power and effects: 1e-10 relative (uniroot to 1e-14; pnorm exact).
#include "catch.hpp"

#include <crm/statistics.hpp>

#include <cmath>
#include <limits>
#include <string>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace planning_test {

using Catch::Matchers::WithinRel;

TEMPLATE_TEST_CASE("sample_size_per_arm: R's power.prop.test n, exact and rounded up", "[statistics][planning]", double,
                   long double) {
  using T = TestType;
  struct ref {
    T baseline, effect, alpha, power;
    double r_n;  // R's power.prop.test(...)$n, see the top of the file
    crm::count_t per_arm;
  };
  const T five = T(5) / T(100);
  const ref refs[] = {
      {five, T(1) / T(100), five, T(8) / T(10), 8157.7314478492781, 8158},
      {T(2) / T(10), -five, T(1) / T(100), T(9) / T(10), 1716.0957116386073, 1717},
      {T(1) / T(2), T(4) / T(10), five, T(1) / T(2), 10.083829404322083, 11},
      // alpha and power at the extremes asked for: 0.001 and 0.999.
      {T(1) / T(10), T(1) / T(10000), T(1) / T(1000), T(999) / T(1000), 733179228.61144459, 733179229},
  };
  for (const ref& r : refs) {
    INFO("n = " << r.r_n);
    const crm::sample_size_plan<T> plan{r.baseline, r.effect, r.alpha, r.power};
    CHECK(plan.ok());
    const crm::sample_size<T> n = crm::sample_size_per_arm(plan);
    CHECK(n.per_arm == r.per_arm);
    CHECK(n.value() == r.per_arm);
    CHECK_THAT(static_cast<double>(n.exact), WithinRel(r.r_n, 1e-10));
  }
}

TEST_CASE("statistical_power and minimum_detectable_effect match R", "[statistics][planning]") {
  CHECK_THAT(crm::statistical_power({.baseline = 0.1, .variant = 0.13, .trials_per_arm = 1000}),
             WithinRel(0.55682912556324682, 1e-10));
  CHECK_THAT(crm::statistical_power({.baseline = 0.1, .variant = 0.100001, .trials_per_arm = 1'000'000'000'000}),
             WithinRel(0.654335951857555, 1e-9));
  CHECK_THAT(crm::minimum_detectable_effect({.baseline = 0.05, .trials_per_arm = 8000}).fraction,
             WithinRel(0.060102517054625389 - 0.05, 1e-10));
  CHECK_THAT(crm::minimum_detectable_effect({.baseline = 0.3, .trials_per_arm = 40, .alpha = 0.1, .power = 0.5}).fraction,
             WithinRel(0.47936841297188454 - 0.3, 1e-10));
  // Round trip: the planned size detects the effect with at least the planned power.
  const crm::count_t n = crm::sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01}).per_arm;
  CHECK(crm::statistical_power({.baseline = 0.05, .variant = 0.06, .trials_per_arm = n}) >= 0.8);
  CHECK(crm::statistical_power({.baseline = 0.05, .variant = 0.06, .trials_per_arm = n - 1}) < 0.8);
}

TEST_CASE("planning: a subnormal alpha and a tiny detectable effect keep their digits", "[statistics][planning]") {
  // (found by an audit) alpha = 4.9e-324 gave "minimum_detectable_effect overflows" (alpha / 2 underflowed
  // to 0, its quantile to infinity); the effect detectable with 2^63 - 1 trials per arm was 3.4e-8 off
  // (p2 - p1 rounded to p2's precision), 65 times too large in float. References, mpmath at 40 digits:
  //   zq = lambda a: mp.findroot(lambda z: mp.log(mp.erfc(z/mp.sqrt(2))) - mp.log(a), mp.sqrt(-2*mp.log(a)))
  //   n = (zq(alpha)*sqrt(2 pbar qbar) + zq(2(1-power))*sqrt(p1 q1 + p2 q2))^2 / d^2  (R's power.prop.test)
  //     -> baseline 0.5, effect 0.1, alpha 4.9406564584124654e-324: 76540.8647731669;
  //        alpha 1.4012984643248171e-45 (float's smallest): 11148.7076545809
  //   mde: mp.findroot(power(d) - 0.8, (1e-10, 5e-10), solver='anderson'), n = 2^63 - 1, p1 = 0.05
  //     -> 2.8432875089158590686e-10
  const auto d = crm::sample_size_per_arm<double>({.baseline = 0.5, .minimum_detectable_effect = 0.1, .alpha = 4.9406564584124654e-324});
  CHECK_THAT(d.exact, WithinRel(76540.8647731669, 1e-9));
  const auto f = crm::sample_size_per_arm<float>({.baseline = 0.5f, .minimum_detectable_effect = 0.1f, .alpha = 1.4012984643248171e-45f});
  CHECK_THAT(static_cast<double>(f.exact), WithinRel(11148.7076545809, 1e-5));
  CHECK(crm::statistical_power<double>({.baseline = 0.1, .variant = 0.2, .trials_per_arm = 1000, .alpha = 4.9406564584124654e-324}) > 0.0);
  constexpr crm::count_t most = std::numeric_limits<crm::count_t>::max();
  CHECK_THAT(crm::minimum_detectable_effect<double>({.baseline = 0.05, .trials_per_arm = most}).fraction,
             WithinRel(2.8432875089158590686e-10, 1e-12));
  CHECK_THAT(static_cast<double>(crm::minimum_detectable_effect<float>({.baseline = 0.05f, .trials_per_arm = most}).fraction),
             WithinRel(2.8432875089158590686e-10, 1e-6));
  CHECK_THAT(static_cast<double>(crm::minimum_detectable_effect<long double>({.baseline = 0.05L, .trials_per_arm = most}).fraction),
             WithinRel(2.8432875089158590686e-10, 1e-14));
}

TEST_CASE("sample_size_per_arm: a power no n reaches is an error, not a spurious n", "[statistics][planning][errors]") {
  // (found by an audit) the closed form squares z_a A + z_b B: at a power at or below what the
  // equation gives at n = 0 that sum is negative and its square a spurious n (power 0.01 for 0.05 ->
  // 0.06 gave n = 140, whose power is 0.056). References:
  //   python3 scripts/statistics_reference.py planning  (mpmath at 40 digits; SciPy's norm.ppf beside)
  //   -> 0.05, 0.01, alpha 0.05: power at n = 0 0.024972453431576966; power 0.01, 0.02 -> no n;
  //      power 0.03 -> n 6.5902057237230423
  //   -> 0.5, 0.1, alpha 0.5: power at n = 0 0.24891048306859743; power 0.2 -> no n;
  //      power 0.3 -> n 1.1548778717033533
  for (double power : {0.01, 0.02}) {
    const auto r = crm::try_sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01, .power = power});
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == crm::errc::out_of_range);
    CHECK(std::string(r.error().field) == "power");
  }
  CHECK_THROWS_WITH(crm::sample_size_per_arm({.baseline = 0.5, .minimum_detectable_effect = 0.1, .alpha = 0.5, .power = 0.2}),
                    "crm::sample_size_per_arm: power is out of range (must exceed the power the test has with no trials)");
  const auto low = crm::sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01, .power = 0.03});
  CHECK_THAT(low.exact, WithinRel(6.5902057237230423, 1e-10));
  CHECK(low.per_arm == 7);
  const auto half = crm::sample_size_per_arm({.baseline = 0.5, .minimum_detectable_effect = 0.1, .alpha = 0.5, .power = 0.3});
  CHECK_THAT(half.exact, WithinRel(1.1548778717033533, 1e-10));
  CHECK(half.per_arm == 2);
  // Every n returned reaches its power, and one trial fewer does not.
  for (double power : {0.025, 0.03, 0.05, 0.2, 0.5, 0.8, 0.99})
    for (double alpha : {0.01, 0.05, 0.5, 0.9}) {
      const auto n = crm::try_sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01, .alpha = alpha, .power = power});
      if (!n) continue;
      INFO("power " << power << " alpha " << alpha << " n " << n->per_arm);
      CHECK(crm::statistical_power({.baseline = 0.05, .variant = 0.06, .trials_per_arm = n->per_arm, .alpha = alpha}) >= power);
      if (n->per_arm > 1)
        CHECK(crm::statistical_power({.baseline = 0.05, .variant = 0.06, .trials_per_arm = n->per_arm - 1, .alpha = alpha}) < power);
    }
}

TEMPLATE_TEST_CASE("minimum_detectable_effect: powers near 1 keep the effect's digits", "[statistics][planning]", double,
                   long double) {
  // (found by an audit) the root finder solved Phi(deviate) - power, which near 1 keeps only Phi's
  // absolute precision: 1e-11 relative in the effect at a power of 1 - 1e-7, 3e-10 at 1 - 1e-9.
  // References: python3 scripts/statistics_reference.py planning (mpmath, 200 bisections at 40 digits)
  //   -> baseline 0.05, n 8000, alpha 0.05: power 0.8 -> 0.010102517054625389163;
  //      0.99999 -> 0.023687824734609538265; 0.9999999 -> 0.027636884913881471141;
  //      0.999999999 -> 0.031093439089362424661
  using T = TestType;
  const double powers[] = {0.8, 0.99999, 0.9999999, 0.999999999};
  const double effects[] = {0.010102517054625389163, 0.023687824734609538265, 0.027636884913881471141,
                            0.031093439089362424661};
  for (int i = 0; i < 4; ++i) {
    INFO("power " << powers[i]);
    const auto d = crm::minimum_detectable_effect<T>(
        {.baseline = static_cast<T>(0.05), .trials_per_arm = 8000, .alpha = static_cast<T>(0.05), .power = static_cast<T>(powers[i])});
    CHECK_THAT(static_cast<double>(d.fraction), WithinRel(effects[i], 1e-14));
  }
}

TEST_CASE("planning: alpha, power and rates out of range are errors naming the field", "[statistics][planning][errors]") {
  using crm::errc;
  const auto field = [](const auto& r) { return std::string(r.error().field); };
  for (double bad : {0.0, 1.0, -0.1, 1.5}) {
    const auto a = crm::try_sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01, .alpha = bad});
    CHECK(a.error().code == errc::out_of_range);
    CHECK(field(a) == "alpha");
    const auto p = crm::try_sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.01, .power = bad});
    CHECK(field(p) == "power");
    CHECK(field(crm::try_sample_size_per_arm({.baseline = bad, .minimum_detectable_effect = 0.01})) == "baseline");
    CHECK(field(crm::try_minimum_detectable_effect({.baseline = 0.05, .trials_per_arm = 100, .power = bad})) == "power");
    CHECK(field(crm::try_statistical_power({.baseline = 0.05, .variant = bad, .trials_per_arm = 100})) == "variant");
  }
  CHECK_THROWS_WITH(crm::sample_size_per_arm({.baseline = 0.05, .minimum_detectable_effect = 0.0}),
                    "crm::sample_size_per_arm: minimum_detectable_effect is zero (zero denominator)");
  CHECK(crm::try_sample_size_per_arm({.baseline = 0.95, .minimum_detectable_effect = 0.05}).error().code ==
        errc::out_of_range);
  CHECK(crm::try_sample_size_per_arm({.baseline = 0.5, .minimum_detectable_effect = std::numeric_limits<double>::quiet_NaN()})
            .error()
            .code == errc::not_finite);
  // An effect of 1e-12 needs ~10^24 trials per arm: reported, not wrapped around.
  const auto tiny = crm::try_sample_size_per_arm({.baseline = 0.5, .minimum_detectable_effect = 1e-12});
  CHECK(tiny.error().code == errc::overflow);
  CHECK(field(tiny) == "minimum_detectable_effect");
  // The bound docs/statistics.md states, "n exceeds 2^62" (4.611686e18), on both sides of it
  // (baseline 0.5, alpha 0.05, power 0.8). References, mpmath at 40 digits:
  //   za = sqrt(2) erfinv(0.95), zb = sqrt(2) erfinv(0.6), p2 = 0.5 + float(d),
  //   n = ((za sqrt((p1 + p2)(q1 + q2)/2) + zb sqrt(p1 q1 + p2 q2)) / float(d))^2
  //   -> d = 9.3e-10: 4537449262544276243.9 (below 2^62, answered); d = 9.2e-10: 4636625551954801783.3
  //      (above 2^62, refused)
  const auto below = crm::try_sample_size_per_arm({.baseline = 0.5, .minimum_detectable_effect = 9.3e-10});
  REQUIRE(below.has_value());
  CHECK_THAT(below->exact, WithinRel(4537449262544276243.9, 1e-12));
  CHECK(below->per_arm < (crm::count_t{1} << 62));
  const auto above = crm::try_sample_size_per_arm({.baseline = 0.5, .minimum_detectable_effect = 9.2e-10});
  CHECK(above.error().code == errc::overflow);
  CHECK(field(above) == "minimum_detectable_effect");
  CHECK(field(crm::try_minimum_detectable_effect({.baseline = 0.5, .trials_per_arm = 2, .power = 0.999})) ==
        "trials_per_arm");
  CHECK(crm::try_statistical_power({.baseline = 0.5, .variant = 0.6, .trials_per_arm = 0}).error().code ==
        errc::zero_denominator);
  CHECK_THROWS_AS(crm::minimum_detectable_effect({.baseline = 0.5, .trials_per_arm = -5}), crm::metric_error);
  CHECK_THROWS_AS(crm::statistical_power({.baseline = 0.5, .variant = 0.6, .trials_per_arm = 10, .alpha = 2.0}),
                  crm::metric_error);
}

TEST_CASE("planning: ok() agrees with the functions' validation over a grid of plans", "[statistics][planning]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double values[] = {-0.5, 0.0, 1e-9, 0.05, 0.5, 0.95, 1.0, 1.5, nan};
  const double effects[] = {-0.2, -0.01, 0.0, 0.01, 0.5, nan};
  const crm::count_t trials[] = {-1, 0, 1, 1000};
  for (double p : values)
    for (double q : values) {
      for (double d : effects) {
        const crm::sample_size_plan<double> s{.baseline = p, .minimum_detectable_effect = d, .alpha = q, .power = q};
        CHECK(s.ok() == crm::try_sample_size_per_arm(s).has_value());
      }
      for (crm::count_t n : trials) {
        const crm::detection_plan<double> m{.baseline = p, .trials_per_arm = n, .alpha = q, .power = 0.8};
        const auto mde = crm::try_minimum_detectable_effect(m);
        // ok() checks the inputs; the function may still find the test too small for the power.
        CHECK(m.ok() == (mde.has_value() || (mde.error().code == crm::errc::out_of_range &&
                                                std::string(mde.error().field) == "trials_per_arm")));
        const crm::power_plan<double> w{.baseline = p, .variant = q, .trials_per_arm = n};
        CHECK(w.ok() == crm::try_statistical_power(w).has_value());
      }
    }
  STATIC_REQUIRE(crm::sample_size_plan<double>{.baseline = 0.05, .minimum_detectable_effect = 0.01}.ok());
  STATIC_REQUIRE_FALSE(crm::power_plan<double>{}.ok());
}

}  // namespace planning_test
