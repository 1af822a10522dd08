// Compile-time tests of <crm/metrics/loyalty.hpp>: NPS and CSAT evaluate in constant expressions.
#include <crm/metrics/loyalty.hpp>

#include <type_traits>

namespace {
constexpr int answers[] = {10, 9, 8, 7, 6, 0};  // 2 promoters, 2 passives, 2 detractors
constexpr int bad[] = {10, 11};
}  // namespace

static_assert(crm::nps_category(9) == crm::nps_group::promoter);  // 001 line 82
static_assert(crm::nps_category(7) == crm::nps_group::passive);
static_assert(crm::nps_category(6) == crm::nps_group::detractor);
static_assert(crm::try_nps_category(11).error().code == crm::errc::out_of_range);
static_assert(crm::tally_nps_answers(answers).passives == 2);
static_assert(crm::nps_of_answers(answers).points == 0.0);  // (2 - 2) / 6
static_assert(crm::nps({.promoters = 3, .passives = 1}).points == 75.0);  // 001 line 84: 75 % - 0 %
static_assert(crm::first_invalid_nps_answer(bad) == 1);
static_assert(crm::try_nps_of_answers(bad).error().code == crm::errc::out_of_range);
static_assert(crm::csat({.satisfied = 3, .respondents = 4}).fraction == 0.75);
static_assert(crm::csat_of_answers(answers, {.lowest = 0, .highest = 10, .satisfied_from = 8}).fraction == 0.5);
static_assert(std::is_trivially_copyable_v<crm::nps_score<double>> && std::is_aggregate_v<crm::nps_score<double>>);
static_assert(noexcept(crm::try_nps(crm::nps_counts{})));
