// crm-metrics example: Net Promoter Score from counts and from raw answers, and CSAT.
#include <crm/format.hpp>
#include <crm/metrics/loyalty.hpp>

#include <fmt/core.h>

#include <vector>

int main() {
  // 001:82-84: promoters answer 9-10, detractors 0-6; NPS = % promoters - % detractors.
  const crm::nps_score<double> score = crm::nps({.promoters = 50, .passives = 32, .detractors = 18});
  fmt::print("{} (promoters {}, detractors {})\n", score, score.promoter_share, score.detractor_share);

  const std::vector<int> answers{10, 9, 8, 6, 10, 7, 3, 9, 10, 5};
  fmt::print("from {} raw answers: {}\n", answers.size(), crm::nps_of_answers(answers));

  // CSAT: the share of 4-5 answers on a 1-5 scale.
  const std::vector<int> satisfaction{5, 4, 3, 5, 1, 4, 4, 2};
  fmt::print("CSAT: {}\n", crm::csat_of_answers(satisfaction));
  fmt::print("CSAT from counts: {}\n", crm::csat({.satisfied = 172, .respondents = 200}));

  // An answer outside 0..10 names its position.
  const std::vector<int> typo{9, 10, 11};
  try {
    (void)crm::nps_of_answers(typo);
  } catch (const crm::survey_answer_error& e) {
    fmt::print("rejected: {}\n", e.what());
  }
  return 0;
}
