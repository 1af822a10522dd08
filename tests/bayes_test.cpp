// Tests of <crm/statistics/bayes.hpp>: P(B beats A) from Beta posteriors, exact sum and quadrature.
//
// Reference values from R 4.2.2 (digits = 17), posteriors Beta(prior + x, prior + n - x):
//   miller <- function(aA, bA, aB, bB) { i <- 0:(aB - 1);
//     sum(exp(lbeta(aA + i, bA + bB) - log(bB + i) - lbeta(1 + i, bB) - lbeta(aA, bA))) }
//   integ  <- function(aA, bA, aB, bB) integrate(function(x) dbeta(x, aB, bB) * pbeta(x, aA, bA),
//                                                0, 1, rel.tol = 1e-13, subdivisions = 1000L)$value
// R's two methods differ by up to 5e-14 relative on these cases (R's lbeta cancels at large
// arguments), so our values are checked at 1e-11 relative.
//
// The grid of extreme cases (few successes among 10^9 trials, 10^8 vs 10^10 trials, both switches
// between methods) has 60-digit mpmath references: scripts/bayes_reference.py prints each line of
// `grid` below (the value, and the sum or quadrature that produced it).
#include "catch.hpp"

#include <crm/statistics.hpp>

#include <cmath>
#include <string>
#include <type_traits>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace bayes_test {

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
    CHECK_THAT(exact.probability, WithinRel(r.p, 1e-11));
    CHECK(exact.error_bound < 1e-9);
    const auto quad = crm::probability_b_beats_a(r.a, r.b, {}, bayes_method::numerical_integration);
    CHECK(quad.method == bayes_method::numerical_integration);
    CHECK_THAT(quad.probability, WithinAbs(r.p, 1e-10 + quad.error_bound));
  }
}

TEST_CASE("probability_b_beats_a: n = 1, equal variants and a non-integer prior", "[statistics][bayes]") {
  // n = 1: A = 0 of 1 -> Beta(1, 2), B = 1 of 1 -> Beta(2, 1): P = 5/6 exactly (R miller gives
  // 0.83333333333333326).
  CHECK_THAT(crm::probability_b_beats_a({0, 1}, {1, 1}).probability, WithinRel(5.0 / 6.0, 1e-14));
  // Identical data: 1/2 by symmetry, for both methods.
  CHECK_THAT(crm::probability_b_beats_a({10, 100}, {10, 100}).probability, WithinRel(0.5, 1e-13));
  CHECK_THAT(crm::probability_b_beats_a({0, 40}, {0, 40}, {}, crm::bayes_method::numerical_integration)
                 .probability,
             WithinAbs(0.5, 1e-10));
  // Jeffreys prior Beta(1/2, 1/2): no integer alpha, so quadrature. R: integ(3.5, 37.5, 9.5, 32.5)
  // -> 0.96822671272881566.
  const auto j = crm::probability_b_beats_a<double>({3, 40}, {9, 41}, {.alpha = 0.5, .beta = 0.5});
  CHECK(j.method == crm::bayes_method::numerical_integration);
  CHECK_THAT(j.probability, WithinAbs(0.96822671272881566, 1e-10 + j.error_bound));
  const auto jl = crm::probability_b_beats_a<long double>({3, 40}, {9, 41}, {.alpha = 0.5L, .beta = 0.5L});
  CHECK_THAT(static_cast<double>(jl.probability), WithinAbs(0.96822671272881566, 1e-10));
}

namespace {
using bm = crm::bayes_method;
struct grid_case {
  crm::proportion_sample a, b;
  double alpha, beta;
  long double p;      // mpmath, 60 digits (scripts/bayes_reference.py)
  bm method;          // what bayes_method::automatic must choose
};
// clang-format off
const grid_case grid[] = {
    // Few successes among very many trials (the Poisson limit), where the normal approximation was
    // used before and was off by 0.008 (5 vs 9 of 10^9) to 0.03, with an error bound above 1.
    {{5, 1000000000}, {5, 1000000000}, 1, 1, 0.5L, bm::exact_sum},  // sum over alpha_a (6 terms)
    {{5, 1000000000}, {9, 1000000000}, 1, 1, 0.84912109466644287338L, bm::exact_sum},  // sum over alpha_a (6 terms)
    {{0, 1000000000}, {3, 1000000000}, 1, 1, 0.93750000018749999986L, bm::exact_sum},  // sum over alpha_a (1 term)
    // Extreme imbalance: 10^8 vs 10^10 trials.
    {{5, 100000000}, {40, 10000000000}, 1, 1, 0.0000062825439440428232746L, bm::exact_sum},  // sum over alpha_a (6 terms)
    {{30, 10000000000}, {2, 100000000}, 1, 1, 0.99575853143809671088L, bm::exact_sum},  // sum over alpha_b (3 terms)
    // Counts near the top of long long.
    {{2, 5000000000000000000}, {7, 4000000000000000000}, 1, 1, 0.97479517919869230257L, bm::exact_sum},  // alpha_a (3 terms)
    // The exact sum up to its switch (10^5 terms), and past it (quadrature).
    {{99998, 1000000}, {100500, 1000000}, 1, 1, 0.88138047575153586919L, bm::exact_sum},  // alpha_a (99 999 terms)
    {{99999, 100000000}, {10000000, 10000000000}, 1, 1, 0.50042867522891585889L, bm::exact_sum},  // alpha_a (10^5 terms)
    {{100000, 100000000}, {10005000, 10000000000}, 1, 1, 0.56171091391996314117L, bm::numerical_integration},  // 100 001 terms
    {{150000, 1000000}, {151000, 1000000}, 1, 1, 0.9760121060236894254L, bm::numerical_integration},  // 150 001 terms
    // Quadrature and normal approximation at their switch: smallest parameter 10^6 - 1, then 10^6.
    {{999998, 100000000}, {100100000, 10000000000}, 1, 1, 0.84160470684177647433L, bm::numerical_integration},  // 999 999 terms
    {{999999, 100000000}, {100050000, 10000000000}, 1, 1, 0.69156671526057318038L, bm::normal_approximation},  // 10^6 terms
    {{1000000, 5000000}, {1002000, 5000000}, 1, 1, 0.94300907798842162816L, bm::normal_approximation},  // 10^6 + 1 terms
    // One arm of 10^11 to 10^17 successes against one below 10^6: the narrow expansion (the
    // quadrature's Beta functions give up at these parameters).
    {{999998, 10000000}, {100000000000000000, 1000000000000000000}, 1, 1, 0.50061676558441548268L, bm::narrow_expansion},  // alpha_a (999 999 terms)
    {{999998, 10000000}, {100000000000, 1000000000000}, 1, 1, 0.50061676474338517253L, bm::narrow_expansion},  // alpha_a (999 999 terms)
    {{200000, 2000000}, {100000000000, 1000000000000}, 1, 1, 0.49949849999314204136L, bm::narrow_expansion},  // alpha_a (200 001 terms)
    {{500000, 1000000000}, {100000000000, 200000000000000}, 1, 1, 0.49962415867944748519L, bm::narrow_expansion},  // alpha_a (500 001 terms)
    // Rates near 1: few failures, the sum over beta_a.
    {{999999997, 1000000000}, {999999992, 1000000000}, 1, 1, 0.072998046270751952974L, bm::exact_sum},  // beta_a (4 terms)
    // Jeffreys prior (no integer parameter): quadrature, also with few successes among 10^9 and
    // 10^8 vs 10^10 trials.
    {{5, 1000000000}, {9, 1000000000}, 0.5, 0.5, 0.85754759273719735378L, bm::numerical_integration},  // quad
    {{3, 40}, {9, 41}, 0.5, 0.5, 0.96822671272881538995L, bm::numerical_integration},  // quad
    {{120, 2400}, {150, 2400}, 0.5, 0.5, 0.96999199424296294673L, bm::numerical_integration},  // quad
    {{40, 100000000}, {4100, 10000000000}, 0.5, 0.5, 0.55180228722143295185L, bm::numerical_integration},  // quad
    {{0, 100000000}, {0, 10000000000}, 0.5, 0.5, 0.063451034939108819108L, bm::numerical_integration},  // quad
};
// clang-format on
}  // namespace

namespace {
// The mpmath references above are long double literals of 20 or 21 significant digits: their own
// rounding, up to half a unit of the 20th digit (5e-20 of the value), is below x86-64's long double
// epsilon but far above the error bounds of IEEE quad, the long double of Linux on arm64 and s390x,
// where the exact sum's bound is about 1e-32 (scripts/check-cross.sh, docs/testing.md "Other CPUs").
long double reference_rounding(long double p) { return 5e-20L * std::abs(p); }
}  // namespace

TEMPLATE_TEST_CASE("probability_b_beats_a: every method is within its error bound of mpmath, over a grid of extremes",
                   "[statistics][bayes]", double, long double, float) {
  using T = TestType;
  for (const grid_case& g : grid) {
    INFO(g.a.successes << "/" << g.a.trials << " vs " << g.b.successes << "/" << g.b.trials << ", prior " << g.alpha
                       << ", " << g.beta);
    const crm::beta_prior<T> prior{T(g.alpha), T(g.beta)};
    const auto r = crm::probability_b_beats_a<T>(g.a, g.b, prior);
    // automatic: the expected method, an error bound within the documented accuracy, that holds.
    CHECK(r.method == g.method);
    CHECK(static_cast<double>(r.error_bound) <= crm::bayes_automatic_max_error + (std::is_same_v<T, float> ? 1.2e-7 : 0.0));
    CHECK(std::abs(static_cast<long double>(r.probability) - g.p) <=
          static_cast<long double>(r.error_bound) + reference_rounding(g.p));
    // docs/statistics.md: the normal approximation's real error at its switch is about 1e-12.
    if (r.method == bm::normal_approximation && !std::is_same_v<T, float>)
      CHECK(std::abs(static_cast<long double>(r.probability) - g.p) < 1e-11L);
    // Every method forced, wherever it runs: its bound holds too (the normal approximation's is
    // large at small parameters, but true).
    for (bm m : {bm::exact_sum, bm::numerical_integration, bm::normal_approximation, bm::narrow_expansion}) {
      const auto f = crm::try_probability_b_beats_a<T>(g.a, g.b, prior, m);
      if (!f) continue;  // the method does not apply (sum, expansion) or the quadrature refused
      INFO("forced method " << static_cast<int>(m) << ": " << static_cast<double>(f->probability) << " +/- "
                            << static_cast<double>(f->error_bound));
      CHECK(std::abs(static_cast<long double>(f->probability) - g.p) <=
            static_cast<long double>(f->error_bound) + reference_rounding(g.p));
    }
  }
}

namespace {
struct tiny_case {
  crm::proportion_sample a, b;
  double alpha, beta;
  long double p;       // mpmath, 40 digits, over A's and over B's density (scripts/bayes_reference.py tiny)
  long double spread;  // the difference of those two integrals: the reference's own uncertainty, which
                       // matters where long double is IEEE quad (arm64 and s390x Linux: bounds of 1e-61)
};
// Priors with a parameter far below 1 (1e-300 to 0.1), on A's side, B's side or both, and counts
// with no success or no failure, where most of a posterior's mass lies below the smallest double.
// The audit's case is A 0/100, B 1/100, prior Beta(1e-10, 0.3): the quadrature over x returned
// 6.30e-8 with error_bound 2.0e-11 (and not_converged at alpha = 1e-3 and 0.01).
// /usr/bin/python3 scripts/bayes_reference.py tiny
// clang-format off
const tiny_case tiny_priors[] = {
    {{0, 100}, {1, 100}, 1e-300, 0.3, 1.0L, 5.4e-39L},  // two integrals differ by 5.4e-39
    {{0, 100}, {0, 100}, 1e-300, 0.3, 0.5L, 2.0e-39L},  // two integrals differ by 2.0e-39
    {{1, 1}, {0, 1}, 1e-300, 0.3, 2.9523825324292488209e-301L, 3.0e-301L},  // two integrals differ by 3.0e-301
    {{0, 10}, {0, 1000}, 1e-300, 0.3, 0.5L, 2.6e-38L},  // two integrals differ by 2.6e-38
    {{100, 100}, {99, 100}, 1e-300, 0.3, 0.133504336400733475704L, 5.2e-39L},  // two integrals differ by 5.2e-39
    {{3, 100}, {0, 100}, 1e-300, 0.3, 6.62665758407389924368e-302L, 1.7e-39L},  // two integrals differ by 1.7e-39
    {{0, 100}, {100, 100}, 1e-300, 0.3, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 100}, {1, 100}, 1e-30, 1e-300, 1.0L, 2.5e-39L},  // two integrals differ by 2.5e-39
    {{0, 100}, {0, 100}, 1e-30, 1e-300, 0.5L, 2.5e-39L},  // two integrals differ by 2.5e-39
    {{1, 1}, {0, 1}, 1e-30, 1e-300, 2.28067939962216356604e-75L, 2.3e-75L},  // two integrals differ by 2.3e-75
    {{0, 10}, {0, 1000}, 1e-30, 1e-300, 0.5L, 4.1e-38L},  // two integrals differ by 4.1e-38
    {{100, 100}, {99, 100}, 1e-30, 1e-300, 9.41313835619409918491e-40L, 9.4e-40L},  // two integrals differ by 9.4e-40
    {{3, 100}, {0, 100}, 1e-30, 1e-300, 6.62628226201809741607e-32L, 8.7e-40L},  // two integrals differ by 8.7e-40
    {{0, 100}, {100, 100}, 1e-30, 1e-300, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 100}, {1, 100}, 1e-10, 0.3, 0.999999999930936410459L, 4.0e-39L},  // two integrals differ by 4.0e-39
    {{0, 100}, {0, 100}, 1e-10, 0.3, 0.5L, 6.9e-40L},  // two integrals differ by 6.9e-40
    {{1, 1}, {0, 1}, 1e-10, 0.3, 2.9523834157844315822e-11L, 1.9e-43L},  // two integrals differ by 1.9e-43
    {{0, 10}, {0, 1000}, 1e-10, 0.3, 0.499999999768763007351L, 4.7e-38L},  // two integrals differ by 4.7e-38
    {{100, 100}, {99, 100}, 1e-10, 0.3, 0.133504336400734032095L, 3.4e-39L},  // two integrals differ by 3.4e-39
    {{3, 100}, {0, 100}, 1e-10, 0.3, 6.62684866366518262988e-12L, 3.2e-39L},  // two integrals differ by 3.2e-39
    {{0, 100}, {100, 100}, 1e-10, 0.3, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 100}, {1, 100}, 0.001, 0.3, 0.999310660984196329087L, 3.7e-39L},  // two integrals differ by 3.7e-39
    {{0, 100}, {0, 100}, 0.001, 0.3, 0.5L, 1.4e-40L},  // two integrals differ by 1.4e-40
    {{1, 1}, {0, 1}, 0.001, 0.3, 2.94621275104922784292e-4L, 5.5e-42L},  // two integrals differ by 5.5e-42
    {{0, 10}, {0, 1000}, 0.001, 0.3, 0.497693801769455695877L, 2.4e-38L},  // two integrals differ by 2.4e-38
    {{100, 100}, {99, 100}, 0.001, 0.3, 0.13350434196458722918L, 4.5e-39L},  // two integrals differ by 4.5e-39
    {{3, 100}, {0, 100}, 0.001, 0.3, 6.62692774464280217737e-5L, 1.1e-39L},  // two integrals differ by 1.1e-39
    {{0, 100}, {100, 100}, 0.001, 0.3, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 100}, {1, 100}, 0.01, 1, 0.993220903540007869717L, 1.3e-39L},  // two integrals differ by 1.3e-39
    {{0, 100}, {0, 100}, 0.01, 1, 0.5L, 1.9e-39L},  // two integrals differ by 1.9e-39
    {{1, 1}, {0, 1}, 0.01, 1, 0.00490196078431372559024L, 2.7e-42L},  // two integrals differ by 2.7e-42
    {{0, 10}, {0, 1000}, 0.01, 1, 0.477807452432382012058L, 1.8e-38L},  // two integrals differ by 1.8e-38
    {{100, 100}, {99, 100}, 0.01, 1, 0.248743844839714601548L, 1.8e-39L},  // two integrals differ by 1.8e-39
    {{3, 100}, {0, 100}, 0.01, 1, 6.62882266359127388578e-4L, 1.1e-39L},  // two integrals differ by 1.1e-39
    {{0, 100}, {100, 100}, 0.01, 1, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 100}, {1, 100}, 0.1, 1e-10, 0.941798093798085180684L, 2.3e-39L},  // two integrals differ by 2.3e-39
    {{0, 100}, {0, 100}, 0.1, 1e-10, 0.5L, 3.5e-39L},  // two integrals differ by 3.5e-39
    {{1, 1}, {0, 1}, 0.1, 1e-10, 1.34715043789899756007e-11L, 1.4e-42L},  // two integrals differ by 1.4e-42
    {{0, 10}, {0, 1000}, 0.1, 1e-10, 0.318548396901637237103L, 2.7e-38L},  // two integrals differ by 2.7e-38
    {{100, 100}, {99, 100}, 0.1, 1e-10, 6.90630840047135792852e-11L, 4.3e-39L},  // two integrals differ by 4.3e-39
    {{3, 100}, {0, 100}, 0.1, 1e-10, 0.00662141809350887346069L, 4.0e-39L},  // two integrals differ by 4.0e-39
    {{0, 100}, {100, 100}, 0.1, 1e-10, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 100}, {1, 100}, 0.3, 1e-300, 0.866495663599266524296L, 5.2e-39L},  // two integrals differ by 5.2e-39
    {{0, 100}, {0, 100}, 0.3, 1e-300, 0.5L, 5.3e-39L},  // two integrals differ by 5.3e-39
    {{1, 1}, {0, 1}, 0.3, 1e-300, 2.84272134794548686133e-46L, 2.8e-46L},  // two integrals differ by 2.8e-46
    {{0, 10}, {0, 1000}, 0.3, 1e-300, 0.13769236601517875508L, 4.5e-39L},  // two integrals differ by 4.5e-39
    {{100, 100}, {99, 100}, 0.3, 1e-300, -5.41829427332148148204e-39L, 5.4e-39L},  // two integrals differ by 5.4e-39
    {{3, 100}, {0, 100}, 0.3, 1e-300, 0.019660030391264019334L, 2.4e-39L},  // two integrals differ by 2.4e-39
    {{0, 100}, {100, 100}, 0.3, 1e-300, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 100}, {1, 100}, 0.001, 0.001, 0.999310668539001503215L, 1.7e-39L},  // two integrals differ by 1.7e-39
    {{0, 100}, {0, 100}, 0.001, 0.001, 0.5L, 9.1e-39L},  // two integrals differ by 9.1e-39
    {{1, 1}, {0, 1}, 0.001, 0.001, 1.63774546713367419104e-6L, 3.2e-42L},  // two integrals differ by 3.2e-42
    {{0, 10}, {0, 1000}, 0.001, 0.001, 0.497678544502080463551L, 2.4e-38L},  // two integrals differ by 2.4e-38
    {{100, 100}, {99, 100}, 0.001, 0.001, 6.89331460998496785144e-4L, 1.7e-39L},  // two integrals differ by 1.7e-39
    {{3, 100}, {0, 100}, 0.001, 0.001, 6.6263631754602490281e-5L, 2.8e-39L},  // two integrals differ by 2.8e-39
    {{0, 100}, {100, 100}, 0.001, 0.001, 1.0L, 0.0L},  // two integrals differ by 0.0
    {{0, 1000000}, {5, 1000000}, 1e-300, 0.3, 1.0L, 1.3e-34L},  // two integrals differ by 1.3e-34
    {{0, 1000000}, {5, 1000000}, 1e-10, 0.3, 0.999999999998914456423L, 5.9e-35L},  // two integrals differ by 5.9e-35
};
// clang-format on
}  // namespace

TEMPLATE_TEST_CASE("probability_b_beats_a: priors far below 1 are answered within the bound (mpmath)", "[statistics][bayes]",
                   double, long double) {
  using T = TestType;
  for (const tiny_case& g : tiny_priors) {
    INFO(g.a.successes << "/" << g.a.trials << " vs " << g.b.successes << "/" << g.b.trials << ", prior " << g.alpha
                       << ", " << g.beta);
    const crm::beta_prior<T> prior{T(g.alpha), T(g.beta)};
    const auto r = crm::try_probability_b_beats_a<T>(g.a, g.b, prior);
    CHECK(r.has_value());
    if (!r) continue;
    INFO("automatic, method " << static_cast<int>(r->method) << ": " << static_cast<double>(r->probability) << " +/- "
                              << static_cast<double>(r->error_bound));
    CHECK(static_cast<double>(r->error_bound) <= crm::bayes_automatic_max_error);
    CHECK(std::abs(static_cast<long double>(r->probability) - g.p) <= static_cast<long double>(r->error_bound) + reference_rounding(g.p) + g.spread);
    // The quadrature, forced, answers with a small bound that holds; so does every other method
    // where it applies.
    const auto q = crm::try_probability_b_beats_a<T>(g.a, g.b, prior, bm::numerical_integration);
    CHECK(q.has_value());
    if (q) CHECK(static_cast<double>(q->error_bound) <= 1e-10);
    for (bm m : {bm::exact_sum, bm::numerical_integration, bm::normal_approximation, bm::narrow_expansion}) {
      const auto f = crm::try_probability_b_beats_a<T>(g.a, g.b, prior, m);
      if (!f) continue;
      INFO("forced method " << static_cast<int>(m) << ": " << static_cast<double>(f->probability) << " +/- "
                            << static_cast<double>(f->error_bound));
      CHECK(std::abs(static_cast<long double>(f->probability) - g.p) <= static_cast<long double>(f->error_bound) + reference_rounding(g.p) + g.spread);
    }
  }
}

TEST_CASE("probability_b_beats_a: 10^12 trials use the normal approximation", "[statistics][bayes]") {
  // R, the first-order normal approximation (the Edgeworth terms are below 1e-12 here, where both
  // arms have the same skewness to 4e-6 relative):
  //    aA <- 1e11 + 1; bA <- 9e11 + 1; aB <- 100000300000 + 1; bB <- 1e12 - 100000300000 + 1
  //    m <- a/(a+b); v <- ab/((a+b)^2 (a+b+1)); pnorm((mB - mA) / sqrt(vA + vB)) -> 0.76024979243863999
  const auto r = crm::probability_b_beats_a({100'000'000'000, 1'000'000'000'000}, {100'000'300'000, 1'000'000'000'000});
  CHECK(r.method == crm::bayes_method::normal_approximation);
  CHECK_THAT(r.probability, WithinAbs(0.76024979243863999, 1e-9));
  CHECK(r.error_bound < 1e-14);
}

TEST_CASE("probability_b_beats_a: the narrow expansion, forced, refuses posteriors of similar width", "[statistics][bayes]") {
  const auto e = crm::try_probability_b_beats_a<double>({120, 2400}, {150, 2400}, {}, crm::bayes_method::narrow_expansion);
  CHECK(e.error().code == crm::errc::out_of_range);
  CHECK(std::string(e.error().field) == "method");
}

TEST_CASE("probability_b_beats_a: the normal approximation, forced, refuses where its terms are not finite", "[statistics][bayes]") {
  // A prior of 1e-300 and an arm with no success: the posterior Beta(1e-300, 100.3) has moments the
  // approximation cannot hold; forced, it returned NaN with an infinite bound (found by an audit).
  const crm::beta_prior<double> tiny{.alpha = 1e-300, .beta = 1e-300};
  const auto n = crm::try_probability_b_beats_a<double>({0, 100}, {1, 100}, tiny, crm::bayes_method::normal_approximation);
  REQUIRE_FALSE(n);
  CHECK(n.error().code == crm::errc::out_of_range);
  CHECK(std::string(n.error().field) == "method");
  const auto a = crm::try_probability_b_beats_a<double>({0, 100}, {1, 100}, tiny);  // automatic answers
  REQUIRE(a);
  CHECK(std::isfinite(a->probability));
  CHECK(a->error_bound <= crm::bayes_automatic_max_error);
  // where it applies it still answers, with a finite bound
  CHECK(crm::try_probability_b_beats_a<double>({120, 2400}, {150, 2400}, {}, crm::bayes_method::normal_approximation));
}

TEST_CASE("probability_b_beats_a: the exact sum, forced, refuses without an integer parameter", "[statistics][bayes]") {
  // Jeffreys prior and no parameter within 10^5: exact_sum is out of range; automatic integrates.
  const auto r = crm::try_probability_b_beats_a<double>({5, 1'000'000'000}, {9, 1'000'000'000}, {.alpha = 0.5, .beta = 0.5},
                                                        crm::bayes_method::exact_sum);
  CHECK(r.error().code == crm::errc::out_of_range);
  // A prior of 2 successes and 3 failures: integer parameters, so the sum (over alpha_a = 7).
  CHECK(crm::probability_b_beats_a<double>({5, 100}, {9, 100}, {.alpha = 2.0, .beta = 3.0}).method ==
        crm::bayes_method::exact_sum);
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
  // (found by an audit) a method cast from outside the enumeration was taken as a forced quadrature.
  CHECK_THROWS_WITH(crm::probability_b_beats_a<double>({1, 2}, {1, 2}, {}, static_cast<crm::bayes_method>(9)),
                    "crm::probability_b_beats_a: method is out of range (not a bayes_method)");
  CHECK_THROWS_WITH(crm::probability_b_beats_a({3, 2}, {1, 2}),
                    "crm::probability_b_beats_a: a.successes is larger than its whole (must not exceed a.trials)");
  CHECK_FALSE(crm::beta_prior<double>{.alpha = 0.0}.ok());
  CHECK(crm::beta_prior<double>{}.ok());
}

TEST_CASE("probability_b_beats_a: a sweep of trials and rates: automatic within 1e-8, and two methods agree",
          "[statistics][bayes]") {
  // Trials 10 to 4e18 in each arm, rates 0 to 1, uniform and Jeffreys priors: automatic always
  // answers with error_bound <= bayes_automatic_max_error, and the quadrature, forced, agrees with
  // it within the sum of the two bounds (an independent method: the sum, the expansions and the
  // quadrature share no code beyond the Beta cumulants).
  const crm::count_t trials[] = {10, 1'000, 1'000'000, 1'000'000'000, 1'000'000'000'000, 4'000'000'000'000'000'000};
  const double rates[] = {0.0, 1e-7, 0.01, 0.5, 0.99, 1.0};
  int compared = 0;
  for (crm::count_t na : trials)
    for (crm::count_t nb : trials)
      for (double ra : rates)
        for (double rb : rates)
          for (double prior : {1.0, 0.5}) {
            const crm::proportion_sample a{static_cast<crm::count_t>(ra * static_cast<double>(na)), na};
            const crm::proportion_sample b{static_cast<crm::count_t>(rb * static_cast<double>(nb)), nb};
            INFO(a.successes << "/" << a.trials << " vs " << b.successes << "/" << b.trials << ", prior " << prior);
            const auto r = crm::try_probability_b_beats_a<double>(a, b, {prior, prior});
            REQUIRE(r.has_value());
            CHECK(r->error_bound <= crm::bayes_automatic_max_error);
            if (r->method == crm::bayes_method::numerical_integration) continue;
            const auto q = crm::try_probability_b_beats_a<double>(a, b, {prior, prior}, crm::bayes_method::numerical_integration);
            REQUIRE(q.has_value());
            CHECK(std::abs(r->probability - q->probability) <= r->error_bound + q->error_bound);
            ++compared;
          }
  CHECK(compared > 1000);
}

}  // namespace bayes_test
