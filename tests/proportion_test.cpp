// Tests of <crm/statistics/proportion.hpp>: Wilson, Agresti-Coull, Clopper-Pearson and Jeffreys
// intervals of successes of trials.
//
// Reference values come from R 4.2.2 (Debian bookworm r-base-core), printed with digits = 17:
//   Wilson:          prop.test(x, n, conf.level = cf, correct = FALSE)$conf.int
//   Clopper-Pearson: binom.test(x, n, conf.level = cf)$conf.int
//                    (qbeta(a, x, n-x+1), qbeta(1-a, x+1, n-x)) for n = 10^12, where binom.test
//                    tries to allocate the whole support
//   Jeffreys:        c(if (x == 0) 0 else qbeta(a, x+.5, n-x+.5), if (x == n) 1 else qbeta(1-a, x+.5, n-x+.5)),
//                    a = (1 - cf) / 2
//   Agresti-Coull:   z <- qnorm(1-a); nt <- n+z^2; pt <- (x+z^2/2)/nt; h <- z*sqrt(pt*(1-pt)/nt);
//                    c(max(0, pt-h), min(1, pt+h))   (base R has no Agresti-Coull function)
// Tolerances: R computes in double; its normal and beta quantiles are accurate to a few ulps, so
// closed forms (Wilson, Agresti-Coull) must agree to 1e-12 relative and Beta-quantile intervals to
// 1e-10 relative (Boost's and R's inverse incomplete beta are independent iterative solvers).
#include "catch.hpp"
#include "number_helpers.hpp"

#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace proportion_test {

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
struct reference {
  crm::count_t x, n;
  double level;
  crm::interval_method method;
  double lower, upper;
};
using m = crm::interval_method;
// R outputs (see the calls at the top of the file).
constexpr reference references[] = {
    {81, 263, 0.95, m::wilson, 0.25528851987827428, 0.36620957698280016},
    {81, 263, 0.95, m::clopper_pearson, 0.25273674558527121, 0.36762192260135140},
    {81, 263, 0.95, m::jeffreys, 0.25452193499102344, 0.36564749917408246},
    {81, 263, 0.95, m::agresti_coull, 0.25522066518999675, 0.36627743167107751},
    // 0 of n: an open rate of 0 out of 40 recipients still has an upper limit near 9 %.
    {0, 40, 0.95, m::wilson, 0.0, 0.087621601197286611},
    {0, 40, 0.95, m::clopper_pearson, 0.0, 0.088097302878802353},
    {0, 40, 0.95, m::jeffreys, 0.0, 0.060497975214079514},
    {0, 40, 0.95, m::agresti_coull, 0.0, 0.10439621800024657},
    // n of n.
    {40, 40, 0.95, m::wilson, 0.91237839880271332, 1.0},
    {40, 40, 0.95, m::clopper_pearson, 0.91190269712119765, 1.0},
    {40, 40, 0.95, m::jeffreys, 0.93950202478592049, 1.0},
    {40, 40, 0.95, m::agresti_coull, 0.89560378199975366, 1.0},
    // n = 1.
    {1, 1, 0.95, m::wilson, 0.2065493143772375, 1.0},
    {1, 1, 0.95, m::clopper_pearson, 0.025000000000000022, 1.0},
    {1, 1, 0.95, m::jeffreys, 0.14674631630957519, 1.0},
    {1, 1, 0.95, m::agresti_coull, 0.16749948547941307, 1.0},
    {0, 1, 0.95, m::wilson, 0.0, 0.79345068562276255},
    {0, 1, 0.95, m::clopper_pearson, 0.0, 0.97499999999999998},
    {0, 1, 0.95, m::jeffreys, 0.0, 0.85325368369042476},
    {0, 1, 0.95, m::agresti_coull, 0.0, 0.83250051452058693},
    // Confidence levels 0.5 and 0.999.
    {7, 40, 0.5, m::wilson, 0.13819582272004965, 0.21911375927842128},
    {7, 40, 0.5, m::clopper_pearson, 0.12863884369463199, 0.23388261096264140},
    {7, 40, 0.5, m::jeffreys, 0.13979219410635396, 0.22050970029421935},
    {7, 40, 0.5, m::agresti_coull, 0.13803293235656464, 0.21927664964190638},
    {7, 40, 0.999, m::wilson, 0.055689386369520685, 0.432777169107477766},
    {7, 40, 0.999, m::clopper_pearson, 0.035846442090711035, 0.434232514269646597},
    {7, 40, 0.999, m::jeffreys, 0.041479915769302149, 0.419281605036626814},
    {7, 40, 0.999, m::agresti_coull, 0.045938138922234528, 0.442528416554763881},
    // An open rate from 40 000 recipients at 99 %.
    {12345, 40000, 0.99, m::wilson, 0.30270793489070263, 0.31460554224704224},
    {12345, 40000, 0.99, m::clopper_pearson, 0.30268637110495111, 0.31460927407471295},
    {12345, 40000, 0.99, m::jeffreys, 0.30269880292516377, 0.31459670887270363},
    {12345, 40000, 0.99, m::agresti_coull, 0.30270785023817587, 0.31460562689956911},
};

void check_limit(double got, double want, double rel) {
  if (want == 0.0)
    CHECK(got == 0.0);  // exact: the interval of 0 successes starts at 0 by definition
  else
    CHECK_THAT(got, WithinRel(want, rel));
}

// Clopper-Pearson and Jeffreys at huge counts, n = 10^12 .. 2^63 - 1: mpmath Beta quantiles (Newton
// on the integrated density at 50 + digits(n) digits, independent of the library's Cornish-Fisher
// form), printed by
//   python3 scripts/statistics_reference.py proportion
// as limit - x/n: CP lower, CP upper, Jeffreys lower, Jeffreys upper. Boost's ibeta_inv, which the
// library used at every n before, had the 1e16-of-1e17 upper limit below the point (3.6 half-widths
// off in double) and the 2^63 - 1 limits off by -16 % and +97 %.
struct huge_reference {
  crm::count_t x, n;
  double level;
  long double cp_lower, cp_upper, j_lower, j_upper;
};
constexpr huge_reference huge_references[] = {
    {5000000000000000, 10000000000000000, 0.95, -9.799819972700269991487343e-9L, 9.799819972700269991487343e-9L, -9.799819922700269991487357e-9L, 9.799819922700269991487357e-9L},
    {922337203685477580, 9223372036854775807, 0.95, -1.936085276081065948857806e-10L, 1.936085278591476128538971e-10L, -1.936085275538964863081523e-10L, 1.936085278049375041829751e-10L},
    {1000000, 1000000000000, 0.95, -1.95901568261541578592816e-9L, 1.961910962551426993868405e-9L, -1.958516172605660088028774e-9L, 1.961410472561308015847298e-9L},
    {100000000000, 1000000000000, 0.95, -0.0000005879885376383242245002609L, 0.0000005879908530856418754967608L, -0.0000005879880376396308686037713L, 0.0000005879903530843352342875608L},
    {500000000000, 1000000000000, 0.95, -0.0000009799824922688409806999959L, 0.0000009799824922688409806999959L, -0.0000009799819922688409821471493L, 0.0000009799819922688409821471493L},
    {999000000000, 1000000000000, 0.95, -6.195045001157960122889102e-8L, 6.194756146336779199025852e-8L, -6.194994999610797887770466e-8L, 6.194706147883941723963022e-8L},
    {100000000000, 1000000000000, 0.999, -0.0000009871554987606449687431497L, 0.0000009871615401336566626486968L, -0.0000009871549987628386570066519L, 0.0000009871610401314629819369131L},
    {100000000000, 1000000000000, 0.5, -0.0000002023471704086865536610968L, 0.000000202347679709011537121826L, -0.0000002023466704091362138128732L, 0.0000002023471797085618776066755L},
    {100000000, 100000000000000, 0.95, -1.959868287833646421438333e-10L, 1.960157727642500524391291e-10L, -1.959818292733549032541358e-10L, 1.960107722742597928431685e-10L},
    {10000000000000, 100000000000000, 0.95, -5.879891295897676535294833e-8L, 5.879893611342642233981448e-8L, -5.87989079589780719957494e-8L, 5.879893111342511569730284e-8L},
    {50000000000000, 100000000000000, 0.95, -9.799820422700152564046986e-8L, 9.799820422700152564046986e-8L, -9.799819922700152564061457e-8L, 9.799819922700152564061457e-8L},
    {99900000000000, 100000000000000, 0.95, -6.19487001536445088389888e-9L, 6.194841130160820632060619e-9L, -6.194865015348979260240819e-9L, 6.194836130176292256008149e-9L},
    {10000000000000, 100000000000000, 0.999, -9.871577673791111072742909e-8L, 9.871583715160174162812394e-8L, -9.871577173791330441229433e-8L, 9.871583215159954794401387e-8L},
    {10000000000000, 100000000000000, 0.5, -2.023469495938489884008887e-8L, 2.02347000523800547974793e-8L, -2.023468995938534849995416e-8L, 2.023469505237960513767767e-8L},
    {10000000000, 10000000000000000, 0.95, -1.959953533040161322003874e-11L, 1.959982476139077747925979e-11L, -1.95994853308916034811996e-11L, 1.959977476090078721814013e-11L},
    {1000000000000000, 10000000000000000, 0.95, -5.879891887847926148201898e-9L, 5.879892119392399198507216e-9L, -5.879891837847927454844569e-9L, 5.879892069392397891864575e-9L},
    {5000000000000000, 10000000000000000, 0.95, -9.799819972700269991487343e-9L, 9.799819972700269991487343e-9L, -9.799819922700269991487357e-9L, 9.799819922700269991487357e-9L},
    {9990000000000000, 10000000000000000, 0.95, -6.194852517011577484790998e-10L, 6.194849628493999350503823e-10L, -6.194852017011422768553115e-10L, 6.194849128494154066741996e-10L},
    {1000000000000000, 10000000000000000, 0.999, -9.871579942407250550689142e-9L, 9.871580546544117373403555e-9L, -9.871579892407252744373668e-9L, 9.871580496544115179719105e-9L},
    {1000000000000000, 10000000000000000, 0.5, -2.023469275123273521280987e-9L, 2.023469326053216986977867e-9L, -2.023469225123273970940823e-9L, 2.023469276053216537318037e-9L},
    {100000000000, 100000000000000000, 0.95, -6.19793775256378279706879e-12L, 6.197966695595690998476147e-12L, -6.19793275257927764963422e-12L, 6.197961695580196145911046e-12L},
    {10000000000000000, 100000000000000000, 0.95, -1.859385090336461328972809e-9L, 1.859385113490908455314152e-9L, -1.859385085336461370292478e-9L, 1.859385108490908413994483e-9L},
    {50000000000000000, 100000000000000000, 0.95, -3.098975166522808117814372e-9L, 3.098975166522808117814372e-9L, -3.098975161522808117814372e-9L, 3.098975161522808117814372e-9L},
    {99900000000000000, 100000000000000000, 0.95, -1.95898395185558325024543e-10L, 1.958983663003846594948993e-10L, -1.958983901855578357688399e-10L, 1.958983613003851487506026e-10L},
    {10000000000000000, 100000000000000000, 0.999, -3.121667726748265016250518e-9L, 3.121667787161951398525876e-9L, -3.121667721748265085620912e-9L, 3.121667782161951329155482e-9L},
    {10000000000000000, 100000000000000000, 0.5, -6.398771631707888731292371e-10L, 6.398771682637831582059434e-10L, -6.398771581707888873487296e-10L, 6.398771632637831439864509e-10L},
    {1000000000000, 1000000000000000000, 0.95, -1.959962057407599079839906e-12L, 1.959964951708670911215712e-12L, -1.959961557408089070101055e-12L, 1.959964451708180920954566e-12L},
    {100000000000000000, 1000000000000000000, 0.95, -5.879891947042939171324162e-10L, 5.87989197019738624115902e-10L, -5.879891942042939184390589e-10L, 5.879891965197386228092594e-10L},
    {500000000000000000, 1000000000000000000, 0.95, -9.799819927700271165761616e-10L, 9.799819927700271165761616e-10L, -9.799819922700271165761616e-10L, 9.799819922700271165761616e-10L},
    {999000000000000000, 1000000000000000000, 0.95, -6.194850767178554926496416e-11L, 6.194850478326824961989156e-11L, -6.194850717178553379334036e-11L, 6.194850428326826509151536e-11L},
    {100000000000000000, 1000000000000000000, 0.999, -9.871580169268841231784565e-10L, 9.871580229682527519192827e-10L, -9.87158016426884125372141e-10L, 9.871580224682527497255982e-10L},
    {100000000000000000, 1000000000000000000, 0.5, -2.02346925304174809703645e-10L, 2.023469258134742362667368e-10L, -2.023469248041748101533048e-10L, 2.023469253134742358170769e-10L},
    {9223372036854, 9223372036854775807, 0.95, -6.453613335601828214366715e-13L, 6.453616473608625474974539e-13L, -6.453612793500916897007377e-13L, 6.453615931507364306829443e-13L},
    {922337203685477580, 9223372036854775807, 0.95, -1.936085276081065948857806e-10L, 1.936085278591476128538971e-10L, -1.936085275538964863081523e-10L, 1.936085278049375041829751e-10L},
    {4611686018427387903, 9223372036854775807, 0.95, -3.226808795199051007686891e-10L, 3.226808795199051007686891e-10L, -3.226808794656949921444138e-10L, 3.226808794656949921444138e-10L},
    {9214148664817921032, 9223372036854775807, 0.95, -2.039792432309637386732258e-11L, 2.039792400992270296381434e-11L, -2.039792426888626469071396e-11L, 2.039792395571259489187252e-11L},
    {922337203685477580, 9223372036854775807, 0.999, -3.250437458358541363468127e-10L, 3.250437464908606352344189e-10L, -3.250437457816440278008515e-10L, 3.250437464366505265318297e-10L},
    {922337203685477580, 9223372036854775807, 0.5, -6.662722812894081101908368e-11L, 6.662722818415916542621733e-11L, -6.662722807473070241086121e-11L, 6.662722812994905678588936e-11L},
};

// A limit is right when limit - point is within 1e-10 of the reference offset plus two units in
// the last place of the point (x / n rounded to T, and the limit rounded once more).
template <class T>
void check_offset(const T& limit, const T& point, long double want) {
  const long double got = static_cast<long double>(limit) - static_cast<long double>(point);
  const long double ulp = static_cast<long double>(std::numeric_limits<T>::epsilon()) * static_cast<long double>(point);
  INFO("got " << static_cast<double>(got) << ", want " << static_cast<double>(want));
  CHECK(std::fabs(got - want) <= 1e-10L * std::fabs(want) + 2 * ulp);
}
// Clopper-Pearson and Jeffreys a few successes from 0 or from n at huge n, where the tests above had
// no reference (their Newton solver, started from the normal approximation, does not converge there):
// mpmath, n * (limit - x/n) for CP lower, CP upper, Jeffreys lower, Jeffreys upper at 95 %, printed by
//   python3 scripts/statistics_reference.py proportion_edges
// (the Beta quantile near 0 by findroot on log t over mpmath.betainc). The limits of n - x are 1 minus
// the limits of x swapped (a Beta(a, b) variable is 1 - a Beta(b, a) one), so the same rows check
// x = n - 1, n - 2, n - 3, n - 10.
struct edge_reference {
  crm::count_t x, n;
  const char *cp_lower, *cp_upper, *j_lower, *j_upper;  // n * (limit - x / n), as printed (25 digits)
};
constexpr edge_reference edge_references[] = {
    {1, 1000000000000, "-0.9746821920157104450919775", "4.571643390926162813884872", "-0.8921023586880299123155493", "3.674201802238318367269436"},
    {2, 1000000000000, "-1.757790721455943325125994", "5.224687667705087446768486", "-1.584394193256443450838318", "4.416250996999242160673865"},
    {3, 1000000000000, "-2.381327877103971418905111", "5.767273069717044410756311", "-2.155065409660623498694027", "5.006382137292619016883578"},
    {10, 1000000000000, "-5.204611303857484991554308", "8.390356041940627902862551", "-4.858551108727364351455722", "7.739437952790545710356947"},
    {1, 100000000000000000, "-0.9746821920157101245994819", "4.571643390938898469869449", "-0.8921023586880510655638423", "3.674201802248073800507623"},
    {2, 100000000000000000, "-1.75779072145603509618024", "5.224687667723960626315135", "-1.584394193256668788846674", "4.416250997015013953134929"},
    {3, 100000000000000000, "-2.381327877104398709157237", "5.767273069742325786875091", "-2.155065409661322702708866", "5.006382137314661896245264"},
    {10, 100000000000000000, "-5.204611303867566263499719", "8.390356042017777948820339", "-4.858551108738568873292196", "7.739437952863626478707561"},
    {1, 9223372036854775807, "-0.9746821920157101245963117", "4.571643390938898595846466", "-0.8921023586880510657730835", "3.674201802248073897005234"},
    {2, 9223372036854775807, "-1.75779072145603509708801", "5.224687667723960813002564", "-1.584394193256668791075645", "4.416250997015014109144432"},
    {3, 9223372036854775807, "-2.381327877104398713383855", "5.767273069742326036950341", "-2.155065409661322709625167", "5.006382137314662114286344"},
    {10, 9223372036854775807, "-5.204611303867566363220422", "8.390356042017778711963805", "-4.858551108738568984123726", "7.739437952863627201599041"},
};

// limit - point against want / n: within `rel` of it plus two units in the last place of the point
// (near 1 a double holds only ~16 digits of 1 - 1e-17: the offset is then that rounding).
// A printed reference value in T, all its digits (a long double would keep about 19).
template <class T>
T edge_value(const char* text, bool negate) {
  T v;
  if constexpr (std::is_floating_point_v<T>) v = static_cast<T>(std::strtold(text, nullptr));
  else v = T(text);
  return negate ? T(-v) : v;
}
template <class T>
void check_edge_offset(const T& limit, const T& point, const T& want_times_n, crm::count_t n, const T& rel) {
  using std::fabs;
  const T got = limit - point, want = want_times_n / static_cast<T>(n);
  const T ulp = std::numeric_limits<T>::epsilon() * point;
  INFO("got " << static_cast<long double>(got * static_cast<T>(n)) << ", want " << static_cast<long double>(want_times_n)
              << " (times n)");
  CHECK(fabs(got - want) <= rel * fabs(want) + 2 * ulp);
}
}  // namespace

// The level as the type holds it: 0.95 written as a double is 4.4e-17 below 0.95, which moves the
// limits of decimal50 and quad in their 16th digit.
template <class T>
T level_95() {
  if constexpr (std::is_floating_point_v<T>) return T(0.95L);
  else return T("0.95");
}

TEMPLATE_TEST_CASE("proportion_interval: Clopper-Pearson and Jeffreys a few successes from 0 or n at n = 10^12 .. 2^63 - 1 match mpmath",
                   "[statistics][proportion][limits]", double, long double, crm::decimal50, crm::quad) {
  using T = TestType;
  // double and long double: 1e-10 as for the huge counts above; the multiprecision types keep the
  // full precision of Boost's quantile here (these x are far below the Cornish-Fisher switch), so
  // the reference's 25 digits bound them
  T rel = T(1e-10);
  if constexpr (!std::is_floating_point_v<T>) rel = T("1e-22");
  for (const edge_reference& r : edge_references) {
    for (const bool from_n : {false, true}) {
      const crm::count_t x = from_n ? r.n - r.x : r.x;
      INFO(x << " of " << r.n);
      const auto cp = crm::proportion_interval<T>({.successes = x, .trials = r.n}, level_95<T>(), m::clopper_pearson);
      const auto j = crm::proportion_interval<T>({.successes = x, .trials = r.n}, level_95<T>(), m::jeffreys);
      // of n - x: lower = 1 - (upper of x), so limit - point = -(the other offset of x)
      check_edge_offset(cp.lower.fraction, cp.point.fraction, edge_value<T>(from_n ? r.cp_upper : r.cp_lower, from_n), r.n, rel);
      check_edge_offset(cp.upper.fraction, cp.point.fraction, edge_value<T>(from_n ? r.cp_lower : r.cp_upper, from_n), r.n, rel);
      check_edge_offset(j.lower.fraction, j.point.fraction, edge_value<T>(from_n ? r.j_upper : r.j_lower, from_n), r.n, rel);
      check_edge_offset(j.upper.fraction, j.point.fraction, edge_value<T>(from_n ? r.j_lower : r.j_upper, from_n), r.n, rel);
      CHECK(cp.lower <= cp.point);
      CHECK(cp.point <= cp.upper);
      CHECK(j.lower <= j.point);
      CHECK(j.point <= j.upper);
    }
  }
}


TEST_CASE("proportion_interval: all four methods match R at edge counts and levels", "[statistics][proportion]") {
  for (const reference& r : references) {
    INFO(crm::name(r.method) << " " << r.x << " of " << r.n << " at " << r.level);
    const crm::rate_estimate<double> e = crm::proportion_interval({.successes = r.x, .trials = r.n}, r.level, r.method);
    const bool closed_form = r.method == m::wilson || r.method == m::agresti_coull;
    check_limit(e.lower.fraction, r.lower, closed_form ? 1e-12 : 1e-10);
    check_limit(e.upper.fraction, r.upper, closed_form ? 1e-12 : 1e-10);
    CHECK(e.point.fraction == static_cast<double>(r.x) / static_cast<double>(r.n));
    CHECK(e.level == r.level);
    CHECK(e.lower <= e.point);
    CHECK(e.point <= e.upper);
  }
}

TEST_CASE("proportion_interval: Wilson is the default method and 95 % the default level", "[statistics][proportion]") {
  const auto e = crm::proportion_interval({.successes = 81, .trials = 263});
  CHECK(e.level == 0.95);
  CHECK_THAT(e.lower.fraction, WithinRel(0.25528851987827428, 1e-12));
}

// Boost.Multiprecision types: the same R references (doubles, so compared at 1e-12 relative: R's
// values carry ~16 digits, and our decimal50/quad limits are more precise than that). The test
// targets are compiled with CXX_EXTENSIONS OFF (-std=c++20): under -std=gnu++20 Boost.Math
// instantiated for these types needs libquadmath (docs/statistics.md).
TEMPLATE_TEST_CASE("proportion_interval: Boost.Multiprecision decimal50 and quad", "[statistics][proportion]",
                   crm::decimal50, crm::quad) {
  using T = TestType;
  const T level = T(95) / T(100);
  const crm::proportion_sample s{.successes = 81, .trials = 263};
  const auto w = crm::proportion_interval(s, level);
  CHECK_THAT(static_cast<double>(w.lower.fraction), WithinRel(0.25528851987827428, 1e-12));
  CHECK_THAT(static_cast<double>(w.upper.fraction), WithinRel(0.36620957698280016, 1e-12));
  const auto cp = crm::proportion_interval(s, level, m::clopper_pearson);
  CHECK_THAT(static_cast<double>(cp.lower.fraction), WithinRel(0.25273674558527121, 1e-10));
  CHECK_THAT(static_cast<double>(cp.upper.fraction), WithinRel(0.36762192260135140, 1e-10));
  const auto j = crm::proportion_interval(s, level, m::jeffreys);
  CHECK_THAT(static_cast<double>(j.lower.fraction), WithinRel(0.25452193499102344, 1e-10));
  CHECK_THAT(static_cast<double>(j.upper.fraction), WithinRel(0.36564749917408246, 1e-10));
  const auto ac = crm::proportion_interval(s, level, m::agresti_coull);
  CHECK_THAT(static_cast<double>(ac.lower.fraction), WithinRel(0.25522066518999675, 1e-12));
  CHECK_THAT(static_cast<double>(ac.upper.fraction), WithinRel(0.36627743167107751, 1e-12));
  // 3 of 10, Wilson: scipy.stats.binomtest(3, 10).proportion_ci(method='wilson') (SciPy 1.10.1)
  // = (0.10779126740630102, 0.6032218525388546)
  const auto small = crm::proportion_interval(crm::proportion_sample{.successes = 3, .trials = 10}, level);
  CHECK_THAT(static_cast<double>(small.lower.fraction), WithinRel(0.10779126740630102, 1e-12));
  CHECK_THAT(static_cast<double>(small.upper.fraction), WithinRel(0.6032218525388546, 1e-12));
}

TEMPLATE_TEST_CASE("proportion_interval: float, double and long double", "[statistics][proportion]", float, double,
                   long double) {
  using T = TestType;
  // float carries 7 digits; the others are compared with R's double values at 1e-12 (closed form)
  // and 1e-10 (Beta quantiles).
  const double closed = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  const double beta = std::is_same_v<T, float> ? 1e-4 : 1e-10;
  const T level = T(95) / T(100);
  const crm::proportion_sample s{.successes = 81, .trials = 263};
  const auto w = crm::proportion_interval(s, level);
  CHECK_THAT(static_cast<double>(w.lower.fraction), WithinRel(0.25528851987827428, closed));
  CHECK_THAT(static_cast<double>(w.upper.fraction), WithinRel(0.36620957698280016, closed));
  const auto cp = crm::proportion_interval(s, level, m::clopper_pearson);
  CHECK_THAT(static_cast<double>(cp.lower.fraction), WithinRel(0.25273674558527121, beta));
  CHECK_THAT(static_cast<double>(cp.upper.fraction), WithinRel(0.36762192260135140, beta));
  const auto j = crm::proportion_interval(s, level, m::jeffreys);
  CHECK_THAT(static_cast<double>(j.lower.fraction), WithinRel(0.25452193499102344, beta));
  CHECK_THAT(static_cast<double>(j.upper.fraction), WithinRel(0.36564749917408246, beta));
  const auto ac = crm::proportion_interval(s, level, m::agresti_coull);
  CHECK_THAT(static_cast<double>(ac.lower.fraction), WithinRel(0.25522066518999675, closed));
  CHECK_THAT(static_cast<double>(ac.upper.fraction), WithinRel(0.36627743167107751, closed));
}

TEMPLATE_TEST_CASE("proportion_interval: n = 10^12 keeps its precision", "[statistics][proportion]", double, long double) {
  using T = TestType;
  const crm::proportion_sample big{.successes = 123'456'789'012, .trials = 1'000'000'000'000};
  const T level = T(95) / T(100);
  // The interval is 1.3e-6 wide; R's and SciPy's Clopper-Pearson limits at this n differ from each
  // other by 9e-13 (beta.ppf(0.025, x, n-x+1) gives 0.123456144260337 in SciPy 1.10), so the Beta
  // quantile limits are checked to 2e-12 absolute (0.15 % of the width). Wilson is a closed form.
  const auto w = crm::proportion_interval(big, level);
  CHECK_THAT(static_cast<double>(w.lower.fraction), WithinRel(0.12345614426211923, 1e-12));
  CHECK_THAT(static_cast<double>(w.upper.fraction), WithinRel(0.12345743376477372, 1e-12));
  const auto cp = crm::proportion_interval(big, level, m::clopper_pearson);
  CHECK_THAT(static_cast<double>(cp.lower.fraction), WithinAbs(0.12345614426126258, 2e-12));
  CHECK_THAT(static_cast<double>(cp.upper.fraction), WithinAbs(0.12345743376491713, 2e-12));
  const auto j = crm::proportion_interval(big, level, m::jeffreys);
  CHECK_THAT(static_cast<double>(j.lower.fraction), WithinAbs(0.12345614426176259, 2e-12));
  CHECK_THAT(static_cast<double>(j.upper.fraction), WithinAbs(0.12345743376441709, 2e-12));
  // Near the edges at n = 10^12: R qbeta(0.025, n-1, 2) and qbeta(0.975, 2, n-1).
  const auto near_all = crm::proportion_interval({.successes = 999'999'999'999, .trials = 1'000'000'000'000}, level,
                                                 m::clopper_pearson);
  CHECK_THAT(static_cast<double>(near_all.lower.fraction), WithinAbs(0.99999999999442835, 1e-15));
  const auto near_none = crm::proportion_interval({.successes = 1, .trials = 1'000'000'000'000}, level,
                                                  m::clopper_pearson);
  CHECK_THAT(static_cast<double>(near_none.upper.fraction), WithinRel(5.5716433909261601e-12, 1e-8));
}

TEST_CASE("proportion_interval: bad input is an error naming the field, in both forms", "[statistics][proportion][errors]") {
  using crm::errc;
  CHECK_THROWS_WITH(crm::proportion_interval({.successes = 0, .trials = 0}),
                    "crm::proportion_interval: trials is zero (zero denominator)");
  CHECK_THROWS_WITH(crm::proportion_interval({.successes = 5, .trials = 4}),
                    "crm::proportion_interval: successes is larger than its whole (must not exceed trials)");
  CHECK_THROWS_AS(crm::proportion_interval({.successes = -1, .trials = 4}), crm::metric_error);
  CHECK(crm::try_proportion_interval({.successes = 1, .trials = -4}).error().code == errc::negative);
  CHECK(crm::try_proportion_interval({.successes = -1, .trials = 4}).error().code == errc::negative);
  CHECK(crm::try_proportion_interval({.successes = 1, .trials = 0}).error().code == errc::zero_denominator);
  for (double level : {0.0, 1.0, -0.5, 95.0}) {
    const auto r = crm::try_proportion_interval({.successes = 1, .trials = 4}, level);
    CHECK(r.error().code == errc::out_of_range);
    CHECK(std::string(r.error().field) == "level");
  }
  CHECK(crm::try_proportion_interval({.successes = 1, .trials = 4}, std::numeric_limits<double>::quiet_NaN())
            .error()
            .code == errc::not_finite);
  // (found by an audit) a method cast from outside the enumeration gave [0, 1], no method's interval.
  CHECK_THROWS_WITH(crm::proportion_interval({.successes = 3, .trials = 10}, 0.95, static_cast<crm::interval_method>(9)),
                    "crm::proportion_interval: method is out of range (not an interval_method)");
  CHECK_FALSE(crm::proportion_sample{.successes = 3, .trials = 2}.ok());
  CHECK(crm::proportion_sample{.successes = 2, .trials = 2}.ok());
}

TEST_CASE("proportion_sample: the observed rate is a constexpr share (001 line 74: opens / delivered)",
          "[statistics][proportion]") {
  // 001_15fb4e46a87cf176.txt line 74: open rate = opens / delivered x 100 %.
  STATIC_REQUIRE(crm::proportion_sample{.successes = 25, .trials = 200}.observed().percent() == 12.5);
  STATIC_REQUIRE(std::is_trivially_copyable_v<crm::rate_estimate<double>>);
}

TEMPLATE_TEST_CASE("proportion_interval: Clopper-Pearson and Jeffreys at n = 10^12 .. 2^63 - 1 match mpmath",
                   "[statistics][proportion][limits]", double, long double) {
  using T = TestType;
  for (const huge_reference& r : huge_references) {
    INFO(r.x << " of " << r.n << " at " << r.level);
    const T level = static_cast<T>(r.level);
    const auto cp = crm::proportion_interval({.successes = r.x, .trials = r.n}, level, m::clopper_pearson);
    const auto j = crm::proportion_interval({.successes = r.x, .trials = r.n}, level, m::jeffreys);
    check_offset(cp.lower.fraction, cp.point.fraction, r.cp_lower);
    check_offset(cp.upper.fraction, cp.point.fraction, r.cp_upper);
    check_offset(j.lower.fraction, j.point.fraction, r.j_lower);
    check_offset(j.upper.fraction, j.point.fraction, r.j_upper);
    CHECK(cp.lower < cp.point);
    CHECK(cp.point < cp.upper);
    CHECK(j.lower < j.point);
    CHECK(j.point < j.upper);
  }
}

TEMPLATE_TEST_CASE("proportion_interval: lower <= point <= upper for every method, n from 1e3 to 2^63 - 1",
                   "[statistics][proportion][limits]", double, long double) {
  using T = TestType;
  constexpr crm::count_t max = std::numeric_limits<crm::count_t>::max();
  std::vector<crm::count_t> ns;
  for (crm::count_t n = 1000;; n *= 10) {  // 10^3 .. 10^18 (10^19 is past count_t: stop before multiplying)
    ns.push_back(n);
    if (n == 1'000'000'000'000'000'000) break;
  }
  ns.push_back(max);
  for (const crm::count_t n : ns) {
    for (const crm::count_t x : {crm::count_t{0}, crm::count_t{1}, crm::count_t{9'999}, crm::count_t{10'000}, n / 1'000'000,
                                 n / 1000, n / 10, n / 3, n / 2, n - n / 10, n - 10'000, n - 1, n}) {
      if (x < 0 || x > n) continue;
      for (const T level : {T(0.5), T(0.95), T(0.999999)}) {
        for (const m method : {m::wilson, m::agresti_coull, m::clopper_pearson, m::jeffreys}) {
          INFO(crm::name(method) << " " << x << " of " << n << " at " << static_cast<double>(level));
          const auto e = crm::proportion_interval({.successes = x, .trials = n}, level, method);
          // Not strict: near 0 and 1 at huge n a limit may round to the point or to 0 or 1.
          CHECK(e.lower <= e.point);
          CHECK(e.point <= e.upper);
        }
      }
    }
  }
}

TEMPLATE_TEST_CASE("proportion_interval: Jeffreys at low levels lies beside x / n as the posterior does",
                   "[statistics][proportion]", double, long double) {
  // (found by an audit) both limits were clamped to bracket x / n, which Jeffreys' posterior interval
  // does not at levels below about 0.145: 1 of 100 at 0.1 gave [0.01, 0.01316] instead of
  // [0.010518, 0.013161]. References: python3 scripts/statistics_reference.py jeffreys_low (mpmath
  // betainc inverted by findroot at 40 digits; n = 10^7 by part 4's Newton on the integrated density):
  using T = TestType;
  struct low {
    crm::count_t x, n;
    double level;
    long double lower, upper;
  };
  const low lows[] = {
      {1, 100, 0.1, 0.01051813905997009396L, 0.013160880862421311288L},
      {99, 100, 0.1, 0.98683911913757868871L, 0.98948186094002990604L},
      {1, 100, 0.2, 0.0093255771206930332315L, 0.014659362371540053732L},  // brackets 0.01
      {3, 10, 0.1, 0.28918704481360633323L, 0.32485114226271326368L},    // brackets 0.3
      {3, 10, 1e-9, 0.30682363221971218553L, 0.30682363257553976706L},
      {0, 10, 0.1, 0.0L, 0.02744323816355278297L},
      {10, 10, 0.1, 0.97255676183644721703L, 1.0L},
  };
  for (const low& r : lows) {
    INFO(r.x << " of " << r.n << " at " << r.level);
    const auto j = crm::proportion_interval({.successes = r.x, .trials = r.n}, static_cast<T>(r.level), m::jeffreys);
    CHECK_THAT(static_cast<double>(j.lower.fraction), WithinAbs(static_cast<double>(r.lower), 1e-12 * static_cast<double>(r.upper)));
    CHECK_THAT(static_cast<double>(j.upper.fraction), WithinAbs(static_cast<double>(r.upper), 1e-12 * static_cast<double>(r.upper)));
  }
  // The Cornish-Fisher path (10^6 of 10^7 at 10^-6): limit - x/n = 1.3214434903119715431e-8 and
  // 1.3452234544425701714e-8, both above the point; the interval is 2.4e-10 wide.
  const auto big = crm::proportion_interval({.successes = 1'000'000, .trials = 10'000'000}, T(1e-6), m::jeffreys);
  CHECK_THAT(static_cast<double>(big.lower.fraction - big.point.fraction), WithinRel(1.3214434903119715431e-8, 1e-8));
  CHECK_THAT(static_cast<double>(big.upper.fraction - big.point.fraction), WithinRel(1.3452234544425701714e-8, 1e-8));
  // Clopper-Pearson brackets x / n at every level: at 10^-9 it stays around 0.3.
  const auto cp = crm::proportion_interval({.successes = 3, .trials = 10}, T(1e-9), m::clopper_pearson);
  CHECK(cp.lower.fraction <= cp.point.fraction);
  CHECK(cp.point.fraction <= cp.upper.fraction);
}

TEMPLATE_TEST_CASE("proportion_interval: levels near 0 keep the critical value's digits", "[statistics][proportion]", double,
                   long double) {
  // (found by an audit) z came from the quantile of (1 - level) / 2, a probability next to 1/2 that
  // keeps only its absolute precision: at level 1e-9 z was 2.8e-8 relative off. The Wilson upper
  // limit of 0 of 10 is z^2 / (10 + z^2), with no cancellation. References:
  //   python3 scripts/statistics_reference.py low_levels  (mpmath, z = sqrt(2) erfinv(level))
  using T = TestType;
  const double levels[] = {1e-9, 1e-6, 1e-3};
  const double uppers[] = {1.5707963267948968155e-19, 1.570796326795472204e-13, 1.5707969025221602895e-7};
  for (int i = 0; i < 3; ++i) {
    INFO("level " << levels[i]);
    const auto w = crm::proportion_interval({.successes = 0, .trials = 10}, static_cast<T>(levels[i]));
    CHECK_THAT(static_cast<double>(w.upper.fraction), WithinRel(uppers[i], 1e-14));
  }
}

TEMPLATE_TEST_CASE("proportion_interval: Clopper-Pearson and Jeffreys at levels near 0 and 1 match mpmath to the last digits",
                   "[statistics][proportion]", double, long double, crm::decimal50, crm::quad) {
  // The tail (1 - level) / 2 passed to Boost's inverse incomplete beta is a probability next to 1/2
  // at low levels, rounded in its last place; the limits move by that rounding over the density, less
  // than an ulp of the limit itself (an audit suspected 1e-7 of the width at level 1e-9; it is the
  // limits' own rounding: one ulp of 0.3 is 1.6e-7 of that width). Measured: every limit within 0.63
  // ulp in double, so no other form of the tail is needed. References: python3 scripts/statistics_reference.py beta_levels (mpmath at 50
  // digits: findroot of betainc(a, b, 0, t, regularized=True) = tail on logit t, for the double
  // levels): x, n, level, CP lower, CP upper, Jeffreys lower, Jeffreys upper.
  using T = TestType;
  struct ref {
    crm::count_t x, n;
    double level;
    const char* limits[4];
  };
  const ref refs[] = {
      {3, 10, 1e-12, {"2.585747232847945415640035e-1", "3.550999679126733977550549e-1", "3.068236323974480624863e-1", "3.068236323978038900678341e-1"}},
      {3, 10, 1e-09, {"2.585747231162987186579394e-1", "3.550999680972811422025562e-1", "3.068236322197121855294651e-1", "3.068236325755397670635746e-1"}},
      {3, 10, 1e-06, {"2.585745546205000622181297e-1", "3.551001527050401810687753e-1", "3.068234544838546620366484e-1", "3.068238103114361962270192e-1"}},
      {3, 10, 0.5, {"1.755712874895452960370045e-1", "4.576961545748519460267809e-1", "2.17579034107248630921586e-1", "4.071830752688205208585354e-1"}},
      {3, 10, 0.9, {"8.726443391415029869411096e-2", "6.066242161054134415280672e-1", "1.173293766802101516763898e-1", "5.581267664846340617933388e-1"}},
      {3, 10, 0.999999999, {"1.609602305163945910699947e-4", "9.761116646556135504449377e-1", "5.105403078888682722058354e-4", "9.674956434926478895171709e-1"}},
      {1, 1000, 1e-12, {"6.929070095464787705276547e-4", "1.677777865416281413347858e-3", "1.182583050607393862637706e-3", "1.182583050610051002436978e-3"}},
      {1, 1000, 1e-09, {"6.929070085481709851293459e-4", "1.677777867008631772706505e-3", "1.182583049280152533410508e-3", "1.182583051937292332682423e-3"}},
      {1, 1000, 1e-06, {"6.92906010240884240728514e-4", "1.677779459359503387909288e-3", "1.182581722039331920088145e-3", "1.182584379179131192803737e-3"}},
      {1, 1000, 0.5, {"2.876406959322319357894308e-4", "2.690356645766086190602846e-3", "6.062342610090130676815365e-4", "2.052576911409401148395726e-3"}},
      {1, 1000, 0.9, {"5.129197890901779646454052e-5", "4.734993575499777965972583e-3", "1.759516791643928836481699e-4", "3.900713932346008567463205e-3"}},
      {1, 1000, 0.999999999, {"4.999999859839092612655516e-13", "2.437185714090485609792722e-2", "7.618091825306062602540731e-10", "2.286893482743691644372242e-2"}},
      {1, 1, 1e-12, {"4.999999999995e-1", "1.0", "8.368060145912605673666309e-1", "1.0"}},
      {1, 1, 1e-09, {"4.999999995e-1", "1.0", "8.368060142447671027092881e-1", "1.0"}},
      {1, 1, 1e-06, {"4.999995000000000000000226e-1", "1.0", "8.368056677510824389439194e-1", "1.0"}},
      {1, 1, 0.5, {"2.5e-1", "1.0", "5.971500783855160077819563e-1", "1.0"}},
      {1, 1, 0.9, {"4.999999999999998889776975e-2", "1.0", "2.285198138063286773225837e-1", "1.0"}},
      {1, 1, 0.999999999, {"4.999999858590342682873597e-10", "1.0", "1.11545996734345312388566e-6", "1.0"}},
      {0, 1, 1e-12, {"0.0", "5.000000000005e-1", "0.0", "1.631939854087394326333691e-1"}},
      {0, 1, 1e-09, {"0.0", "5.000000005e-1", "0.0", "1.631939857552328972907119e-1"}},
      {0, 1, 1e-06, {"0.0", "5.000004999999999999999774e-1", "0.0", "1.631943322489175610560806e-1"}},
      {0, 1, 0.5, {"0.0", "7.5e-1", "0.0", "4.028499216144839922180437e-1"}},
      {0, 1, 0.9, {"0.0", "9.500000000000000111022302e-1", "0.0", "7.714801861936713226774163e-1"}},
      {0, 1, 0.999999999, {"0.0", "9.999999995000000141409657e-1", "0.0", "9.999988845400326565468761e-1"}},
  };
  // 16 ulps of the type in double and long double (Boost's inverse in long double is up to 9 ulps
  // off, at Jeffreys' lower limit of 1 of 1000 at 1 - 1e-9, where the tail is exact); the
  // references' 25 digits bound the multiprecision types, and a long double that has more digits
  // than they do (IEEE quad: Linux on arm64 and s390x, scripts/check-cross.sh)
  T tolerance = T(16) * T(std::numeric_limits<T>::epsilon());
  if constexpr (!std::is_floating_point_v<T>) tolerance = T("1e-23");
  else if (tolerance < T(1e-23L)) tolerance = T(1e-23L);
  using std::abs;
  for (const ref& r : refs) {
    INFO(r.x << " of " << r.n << " at " << r.level);
    const T level = T(r.level);  // the double the reference was computed for
    const auto cp = crm::proportion_interval<T>({.successes = r.x, .trials = r.n}, level, m::clopper_pearson);
    const auto j = crm::proportion_interval<T>({.successes = r.x, .trials = r.n}, level, m::jeffreys);
    const T got[4] = {cp.lower.fraction, cp.upper.fraction, j.lower.fraction, j.upper.fraction};
    for (int i = 0; i < 4; ++i) {
      const T expected = crm_test::parse<T>(r.limits[i]);
      INFO("limit " << i << ": " << static_cast<double>(got[i]) << ", mpmath " << r.limits[i]);
      if (expected == T(0)) {
        CHECK(got[i] == T(0));
      } else {
        CHECK(T(abs(T(got[i] - expected))) <= tolerance * expected);
      }
    }
  }
}

TEMPLATE_TEST_CASE("proportion_interval: Wilson's lower limit of few successes keeps its digits at high levels",
                   "[statistics][proportion]", double, long double, crm::decimal50, crm::quad) {
  // (found by an audit) the lower limit (A - B) / (n + z^2), A = x + z^2/2, B = z sqrt(x (n - x) / n
  // + z^2 / 4), cancelled when x is small against z^2: 663 ulps off in double for 1 of 1000 at
  // 1 - 1e-9, 1070 for 1 of 2^53 at 1 - 1e-15. Now (x / n) x / (A + B), the same value
  // (A^2 - B^2 = x^2 (n + z^2) / n). References: python3 scripts/statistics_reference.py
  // wilson_extremes (the closed form by mpmath at 60 digits, z = sqrt(2) erfinv(level), for the
  // double levels): x, n, level, lower, upper.
  using T = TestType;
  struct ref {
    crm::count_t x, n;
    double level;
    const char* lower;
    const char* upper;
  };
  const ref refs[] = {
      {1, 1, 0.999999, "4.011532839701465302642948335756705645013e-2", "1.0"},
      {1, 2, 0.999999999999, "9.553042061609203336562559674631997840707e-3", "9.904469579383907966634374403253680021593e-1"},
      {1, 10, 0.999999999999999, "1.507845160507396591280904925669457101832e-3", "8.910115576292935918971848160260411586942e-1"},
      {1, 1000, 0.999999, "3.862707683997474882220617789317479260384e-5", "2.528358675220247334977216796386088438515e-2"},
      {1, 1000, 0.999999999, "2.544626575495090643074808192777770349835e-5", "3.788446351068054476280527631633111802895e-2"},
      {1, 1000, 0.999999999999999, "1.505661009154170562341343096655337477354e-5", "6.239572823784142641311570800407960974464e-2"},
      {1, 9007199254740992, 0.95, "1.959816253007151331929087971073403651525e-17", "6.289340454833612935388351474930001961287e-16"},
      {1, 9007199254740992, 0.999999999, "2.825034692572163559243734615201517447269e-18", "4.363115142085427846142708818063411629756e-15"},
      {1, 9007199254740992, 0.999999999999999, "1.671595097384088687753487478880507932233e-18", "7.373766328560869818249009475967613765507e-15"},
      {5, 1000000000000, 0.999999999, "5.342953758339341812679083420024585613251e-13", "4.679059772891838875504069767061524926072e-11"},
      {0, 1, 0.95, "0.0", "7.934506856227625484967813805227153653173e-1"},
      {1, 1, 0.95, "2.065493143772374515032186194772846346827e-1", "1.0"},
      {9007199254740991, 9007199254740992, 0.999999999999999, "9.999999999999926262336714391301817509905e-1", "9.999999999999999983284049026159113122465e-1"},
  };
  // 8 ulps of the type; the references' 40 digits bound decimal50
  T tolerance = T(8) * T(std::numeric_limits<T>::epsilon());
  if (tolerance < crm_test::parse<T>("1e-38")) tolerance = crm_test::parse<T>("1e-38");
  using std::abs;
  for (const ref& r : refs) {
    INFO(r.x << " of " << r.n << " at " << r.level);
    const auto w = crm::proportion_interval<T>({.successes = r.x, .trials = r.n}, T(r.level), m::wilson);
    const T lower = crm_test::parse<T>(r.lower);
    const T upper = crm_test::parse<T>(r.upper);
    INFO("lower " << static_cast<double>(w.lower.fraction) << ", upper " << static_cast<double>(w.upper.fraction));
    if (r.x == 0)
      CHECK(w.lower.fraction == T(0));
    else
      CHECK(T(abs(T(w.lower.fraction - lower))) <= tolerance * lower);
    CHECK(T(abs(T(w.upper.fraction - upper))) <= tolerance * upper);
  }
}

// decimal50 at n = 10^14: Boost's quantile took 115 s here (its time grows with n); the
// Cornish-Fisher form is used from nu = 1e6 max(4, z^2) on and takes milliseconds (2.5 ms:
// benchmarks/statistics_bench.cpp, clopper_pearson_decimal50; the project times nothing in its tests).
// Its truncation error at nu = 9e12 is far below the 25 digits of the mpmath reference (the
// {10^13, 10^14, 0.95} row).
TEST_CASE("proportion_interval: decimal50 at n = 10^14 matches mpmath", "[statistics][proportion][limits]") {
  using D = crm::decimal50;
  const crm::proportion_sample s{.successes = 10'000'000'000'000, .trials = 100'000'000'000'000};
  const D level = D(95) / D(100);
  const auto cp = crm::proportion_interval(s, level, m::clopper_pearson);
  const auto j = crm::proportion_interval(s, level, m::jeffreys);
  const auto near = [](const D& got, const char* want) {
    INFO(got.str(30) << " vs " << want);
    CHECK(abs(D(got - D(want))) <= D("1e-22") * abs(D(want)));
  };
  near(D(cp.lower.fraction - cp.point.fraction), "-5.879891295897676535294833e-8");
  near(D(cp.upper.fraction - cp.point.fraction), "5.879893611342642233981448e-8");
  near(D(j.lower.fraction - j.point.fraction), "-5.87989079589780719957494e-8");
  near(D(j.upper.fraction - j.point.fraction), "5.879893111342511569730284e-8");
  CHECK(cp.point.fraction == D(1) / D(10));
}

}  // namespace proportion_test
