// Tests of <crm/statistics/bayes.hpp>: P(B beats A) from Beta posteriors, exact sum and quadrature.
//
// Reference values from R 4.2.2 (digits = 17), posteriors Beta(prior + x, prior + n - x):
//   miller <- function(aA, bA, aB, bB) { i <- 0:(aB - 1);
//     sum(exp(lbeta(aA + i, bA + bB) - log(bB + i) - lbeta(1 + i, bB) - lbeta(aA, bA))) }
//   integ  <- function(aA, bA, aB, bB) integrate(function(x) dbeta(x, aB, bB) * pbeta(x, aA, bA),
//                                                0, 1, rel.tol = 1e-13, subdivisions = 1000L)$value
// R's two methods differ by up to 5e-14 relative on these cases (R's lbeta cancels at large
// arguments), so our values are checked at 1e-11 relative.
#include "catch.hpp"

#include <crm/statistics.hpp>

#include <cmath>
#include <string>

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("probability_b_beats_a: exact sum and quadrature both match R", "[statistics][bayes]") {
  using crm::bayes_method;
  struct ref {
    crm::proportion_sample a, b;
    double p;
  };
  const ref refs[] = {
      {{120, 2400}, {150, 2400}, 0.96976663965348853},   // miller(121, 2281, 151, 2251)
      {{3, 40}, {9, 41}, 0.96280493344622808},           // miller(4, 38, 10, 33)
      {{0, 20}, {4, 20}, 0.97607879924953111},           // miller(1, 21, 5, 17): 0 of n
      {{150, 2400}, {120, 2400}, 0.030233360346557991},  // B worse
      {{9800, 100000}, {9999, 100000}, 0.93187587969704344},  // miller(9801, 90201, 10000, 90002)
  };
  for (const ref& r : refs) {
    INFO(r.a.successes << "/" << r.a.trials << " vs " << r.b.successes << "/" << r.b.trials);
    const auto exact = crm::probability_b_beats_a(r.a, r.b);
    CHECK(exact.method == bayes_method::exact_sum);
    CHECK_THAT(exact.probability_b_beats_a, WithinRel(r.p, 1e-11));
    CHECK(exact.error_bound < 1e-9);
    const auto quad = crm::probability_b_beats_a(r.a, r.b, {}, bayes_method::numerical_integration);
    CHECK(quad.method == bayes_method::numerical_integration);
    CHECK_THAT(quad.probability_b_beats_a, WithinAbs(r.p, 1e-10 + quad.error_bound));
  }
}

TEST_CASE("probability_b_beats_a: n = 1, equal variants and a non-integer prior", "[statistics][bayes]") {
  // n = 1: A = 0 of 1 -> Beta(1, 2), B = 1 of 1 -> Beta(2, 1): P = 5/6 exactly (R miller gives
  // 0.83333333333333326).
  CHECK_THAT(crm::probability_b_beats_a({0, 1}, {1, 1}).probability_b_beats_a, WithinRel(5.0 / 6.0, 1e-14));
  // Identical data: 1/2 by symmetry, for both methods.
  CHECK_THAT(crm::probability_b_beats_a({10, 100}, {10, 100}).probability_b_beats_a, WithinRel(0.5, 1e-13));
  CHECK_THAT(crm::probability_b_beats_a({0, 40}, {0, 40}, {}, crm::bayes_method::numerical_integration)
                 .probability_b_beats_a,
             WithinAbs(0.5, 1e-10));
  // Jeffreys prior Beta(1/2, 1/2): no integer alpha, so quadrature. R: integ(3.5, 37.5, 9.5, 32.5)
  // -> 0.96822671272881566.
  const auto j = crm::probability_b_beats_a<double>({3, 40}, {9, 41}, {.alpha = 0.5, .beta = 0.5});
  CHECK(j.method == crm::bayes_method::numerical_integration);
  CHECK_THAT(j.probability_b_beats_a, WithinAbs(0.96822671272881566, 1e-10 + j.error_bound));
  const auto jl = crm::probability_b_beats_a<long double>({3, 40}, {9, 41}, {.alpha = 0.5L, .beta = 0.5L});
  CHECK_THAT(static_cast<double>(jl.probability_b_beats_a), WithinAbs(0.96822671272881566, 1e-10));
}

TEST_CASE("probability_b_beats_a: the two methods agree at the switch (10^5 successes)", "[statistics][bayes]") {
  // Posterior alphas 99 001 (A) and 100 000 = bayes_exact_max_terms (B): automatic uses the sum.
  const crm::proportion_sample a{99'000, 1'000'000};
  const crm::proportion_sample b{99'999, 1'000'000};
  const auto exact = crm::probability_b_beats_a(a, b);
  const auto quad = crm::probability_b_beats_a(a, b, {}, crm::bayes_method::numerical_integration);
  CHECK(exact.method == crm::bayes_method::exact_sum);
  CHECK_THAT(exact.probability_b_beats_a, WithinAbs(quad.probability_b_beats_a, exact.error_bound + quad.error_bound));
  // One more success on both sides: past the switch, automatic integrates; the result is continuous.
  const auto past = crm::probability_b_beats_a({100'000, 1'000'000}, {100'999, 1'000'000});
  CHECK(past.method == crm::bayes_method::numerical_integration);
  CHECK(past.probability_b_beats_a > 0.9);
}

TEST_CASE("probability_b_beats_a: quadrature and normal approximation agree at their switch (10^6)",
          "[statistics][bayes]") {
  // Posterior parameters just below 10^6: automatic integrates; the normal approximation must agree
  // within its own error estimate.
  const crm::proportion_sample a{100'000, 999'000};
  const crm::proportion_sample b{100'600, 999'000};
  const auto quad = crm::probability_b_beats_a(a, b);
  CHECK(quad.method == crm::bayes_method::numerical_integration);
  const auto normal = crm::probability_b_beats_a(a, b, {}, crm::bayes_method::normal_approximation);
  CHECK(normal.error_bound < 2e-5);  // dominated by 1 / smallest parameter = 1e-5
  CHECK_THAT(normal.probability_b_beats_a, WithinAbs(quad.probability_b_beats_a, normal.error_bound + quad.error_bound));
  CHECK(crm::probability_b_beats_a({100'000, 1'100'001}, {100'600, 1'100'001}).method ==
        crm::bayes_method::normal_approximation);
}

TEST_CASE("probability_b_beats_a: 10^12 trials use the normal approximation", "[statistics][bayes]") {
  // R: aA <- 1e11 + 1; bA <- 9e11 + 1; aB <- 100000300000 + 1; bB <- 1e12 - 100000300000 + 1
  //    m <- a/(a+b); v <- ab/((a+b)^2 (a+b+1)); pnorm((mB - mA) / sqrt(vA + vB)) -> 0.76024979243863999
  const auto r = crm::probability_b_beats_a({100'000'000'000, 1'000'000'000'000}, {100'000'300'000, 1'000'000'000'000});
  CHECK(r.method == crm::bayes_method::normal_approximation);
  CHECK_THAT(r.probability_b_beats_a, WithinRel(0.76024979243863999, 1e-9));
  CHECK(r.error_bound < 1e-9);
}

TEST_CASE("probability_b_beats_a: bad input is an error naming the field, in both forms", "[statistics][bayes][errors]") {
  CHECK_THROWS_WITH(crm::probability_b_beats_a({1, 0}, {1, 2}),
                    "crm::probability_b_beats_a: a.trials is zero (zero denominator)");
  const auto bad_prior = crm::try_probability_b_beats_a<double>({1, 2}, {1, 2}, {.alpha = 0.0, .beta = 1.0});
  CHECK(bad_prior.error().code == crm::errc::zero_denominator);
  CHECK(std::string(bad_prior.error().field) == "prior.alpha");
  CHECK(crm::try_probability_b_beats_a<double>({1, 2}, {1, 2}, {.alpha = 1.0, .beta = -1.0}).error().code ==
        crm::errc::negative);
  const auto no_sum =
      crm::try_probability_b_beats_a<double>({1, 2}, {1, 2}, {.alpha = 0.5, .beta = 0.5}, crm::bayes_method::exact_sum);
  CHECK(no_sum.error().code == crm::errc::out_of_range);
  CHECK(std::string(no_sum.error().field) == "method");
  CHECK_THROWS_AS(crm::probability_b_beats_a({3, 2}, {1, 2}), crm::metric_error);
  CHECK_FALSE(crm::beta_prior<double>{.alpha = 0.0}.ok());
  CHECK(crm::beta_prior<double>{}.ok());
}
