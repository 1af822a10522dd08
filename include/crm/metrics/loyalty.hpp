// crm-metrics: loyalty metrics: Net Promoter Score from counts and raw 0-10 answers, satisfaction.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// NPS (001_15fb4e46a87cf176.txt lines 82-84): answers 0-10 to "how likely are you to recommend
// us"; promoters 9-10, passives 7-8, detractors 0-6; NPS = % promoters - % detractors, a score in
// points from -100 to +100 (crm::nps_score; <crm/format.hpp> prints it as "NPS +32").
// CSAT: the share of satisfied answers, by default 4 or 5 on a 1-5 scale (the standard
// definition; 000 line 58 and 002 line 14 name "satisfaction level" without a formula).
// An answer outside its scale throws crm::survey_answer_error (a crm::metric_error) whose message
// names the index and the value; the try_* forms return errc::out_of_range for the field "answers",
// and first_invalid_nps_answer / first_invalid_csat_answer give the index.
#pragma once

#include <crm/core/quantity.hpp>
#include <crm/core/result.hpp>
#include <crm/detail/check.hpp>

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <type_traits>

CRM_METRICS_BEGIN_NAMESPACE

/// Counts of answers to "How likely are you to recommend us?" on the 0-10 scale: promoters answered
/// 9-10, passives 7-8, detractors 0-6 (001_15fb4e46a87cf176.txt line 82).
struct nps_counts {
  count_t promoters = 0;
  count_t passives = 0;
  count_t detractors = 0;
  /// promoters + passives + detractors. Precondition: the sum fits count_t (ok() and crm::nps check it).
  [[nodiscard]] constexpr count_t respondents() const noexcept { return promoters + passives + detractors; }
  [[nodiscard]] constexpr bool ok() const noexcept {
    constexpr count_t max = std::numeric_limits<count_t>::max();
    return promoters >= 0 && passives >= 0 && detractors >= 0 && promoters <= max - passives &&
           detractors <= max - passives - promoters && respondents() > 0;
  }
};

/// The group an NPS answer falls in.
enum class nps_group { detractor, passive, promoter };

/// A Net Promoter Score: the promoter and detractor shares and the score in points (-100..+100).
template <number T = double>
struct nps_score {
  rate<T> promoter_share{};   ///< promoters / respondents
  rate<T> detractor_share{};  ///< detractors / respondents
  T points{};                 ///< -100..+100: 100 x (promoters - detractors) / respondents (rounding: docs/metrics/loyalty.md)
  /// The score in points (the same as `points`), for code generic over the result types.
  [[nodiscard]] constexpr const T& value() const noexcept { return points; }
  /// The same score as a rate (0.32 for NPS +32).
  [[nodiscard]] constexpr rate<T> net() const { return rate<T>{promoter_share.fraction - detractor_share.fraction}; }
  friend constexpr bool operator==(const nps_score&, const nps_score&) = default;
};

/// Respondents who answered "satisfied" (e.g. 4 or 5 on a 1-5 scale) out of all respondents.
struct csat_counts {
  count_t satisfied = 0;
  count_t respondents = 0;
  [[nodiscard]] constexpr bool ok() const noexcept {
    return satisfied >= 0 && respondents > 0 && satisfied <= respondents;
  }
};

/// The answer scale of a satisfaction survey: answers lowest..highest, satisfied from
/// `satisfied_from` up. The default is the common 1-5 scale with 4 and 5 counted as satisfied.
struct csat_scale {
  int lowest = 1;
  int highest = 5;
  int satisfied_from = 4;
  [[nodiscard]] constexpr bool ok() const noexcept {
    return lowest < highest && lowest < satisfied_from && satisfied_from <= highest;
  }
};

/// Thrown for a survey answer outside its scale: the message names the index and the value,
/// e.g. "crm::nps_of_answers: answers[3] = 11 is out of range (must lie in 0..10)".
class survey_answer_error : public metric_error {
 public:
  survey_answer_error(const error_info& e, std::size_t index, int answer)
      : metric_error(e), index_(index), answer_(answer),
        what_(std::string("crm::") + e.metric + ": answers[" + std::to_string(index) + "] = " +
              std::to_string(answer) + " " + describe(e.code) + " (" + e.detail + ")") {}
  [[nodiscard]] const char* what() const noexcept override { return what_.c_str(); }
  /// 0-based position of the first invalid answer.
  [[nodiscard]] std::size_t index() const noexcept { return index_; }
  [[nodiscard]] int answer() const noexcept { return answer_; }

 private:
  std::size_t index_;
  int answer_;
  std::string what_;
};

namespace detail {

/// Index of the first answer outside lowest..highest, or answers.size().
[[nodiscard]] constexpr std::size_t first_outside(std::span<const int> answers, int lowest, int highest) noexcept {
  for (std::size_t i = 0; i < answers.size(); ++i)
    if (answers[i] < lowest || answers[i] > highest) return i;
  return answers.size();
}

/// Throws survey_answer_error (aborts without exceptions); the only throw of this header.
[[noreturn]] inline void throw_survey_answer_error(const error_info& e, std::size_t index, int answer) {
#if CRM_METRICS_HAS_EXCEPTIONS
  throw survey_answer_error(e, index, answer);
#else
  (void)e, (void)index, (void)answer;
  std::abort();
#endif
}

/// Unwraps a try_* result over answers: an out-of-range error becomes survey_answer_error.
template <class R>
[[nodiscard]] constexpr R answers_value(result<R>&& r, std::span<const int> answers, int lowest, int highest) {
  if (!r && r.error().code == errc::out_of_range && r.error().field == std::string_view("answers")) {
    const std::size_t i = first_outside(answers, lowest, highest);
    if (i < answers.size()) throw_survey_answer_error(r.error(), i, answers[i]);
  }
  return std::move(r).value();
}

inline constexpr const char* nps_scale_text = "must lie in 0..10";

}  // namespace detail

/**
 * @brief The NPS group of one answer on the 0-10 scale: 9-10 promoter, 7-8 passive, 0-6 detractor.
 * Source: 001_15fb4e46a87cf176.txt line 82.
 * Errors: an answer outside 0..10 (errc::out_of_range, field "answer").
 *
 * **Example**
 *     static_assert(crm::nps_category(9) == crm::nps_group::promoter);
 */
[[nodiscard]] constexpr result<nps_group> try_nps_category(int answer) noexcept {
  if (answer < 0 || answer > 10) return error_info{errc::out_of_range, "nps_category", "answer", detail::nps_scale_text};
  if (answer >= 9) return nps_group::promoter;
  if (answer >= 7) return nps_group::passive;
  return nps_group::detractor;
}
[[nodiscard]] constexpr nps_group nps_category(int answer) { return try_nps_category(answer).value(); }

/**
 * @brief Net Promoter Score from the counts of promoters, passives and detractors.
 * Formula: NPS = % promoters - % detractors = 100 x (promoters - detractors) / respondents.
 * @returns an nps_score: points in -100..+100 and the two shares.
 * Source: 001_15fb4e46a87cf176.txt line 84 "% промоутеров − % критиков" and line 82 (groups).
 * Errors: a negative count (field promoters, passives or detractors); no respondents (field
 * "respondents", zero denominator); counts whose sum exceeds count_t (errc::overflow, field
 * "respondents").
 *
 * **Example**
 *     crm::nps({.promoters = 50, .passives = 32, .detractors = 18}).points == 32.0
 */
template <number T = double>
[[nodiscard]] constexpr result<nps_score<T>> try_nps(const nps_counts& c) noexcept(std::is_arithmetic_v<T>) {
  constexpr const char* m = "nps";
  if (auto e = detail::first_error({detail::check_count(m, "promoters", c.promoters),
                                    detail::check_count(m, "passives", c.passives),
                                    detail::check_count(m, "detractors", c.detractors)}))
    return e;
  if (detail::sum_overflows(c.promoters, c.passives) || detail::sum_overflows(c.promoters + c.passives, c.detractors))
    return detail::overflow_error(m, "respondents", "promoters + passives + detractors exceeds count_t");
  const count_t n = c.respondents();
  if (auto e = detail::check_count_positive(m, "respondents", n)) return e;
  // points: 100 (p - d) / n, one rounding where T holds 100 (p - d) and n exactly; a decimal type
  // takes the reduced ratio (exact whenever the score terminates, at any count) times 100 (exact)
  T points{};
  if constexpr (!std::is_arithmetic_v<T> && std::numeric_limits<T>::radix == 10)
    points = T(count_ratio<T>(c.promoters - c.detractors, n) * T(100));
  else
    points = divide_by_count(T(T(100) * to_number<T>(c.promoters - c.detractors)), n);
  return nps_score<T>{.promoter_share = rate<T>{count_ratio<T>(c.promoters, n)},
                      .detractor_share = rate<T>{count_ratio<T>(c.detractors, n)},
                      .points = points};
}
template <number T = double>
[[nodiscard]] constexpr nps_score<T> nps(const nps_counts& c) {
  return try_nps<T>(c).value();
}

/// Index of the first answer outside 0..10, or answers.size() when all are valid.
[[nodiscard]] constexpr std::size_t first_invalid_nps_answer(std::span<const int> answers) noexcept {
  return detail::first_outside(answers, 0, 10);
}

/**
 * @brief Counts promoters (9-10), passives (7-8) and detractors (0-6) among raw 0-10 answers.
 * Source: 001_15fb4e46a87cf176.txt line 82.
 * Errors: an answer outside 0..10 (throwing form: survey_answer_error naming the index; try form:
 * errc::out_of_range, field "answers"). An empty span gives all-zero counts (not an error here).
 */
[[nodiscard]] constexpr result<nps_counts> try_tally_nps_answers(std::span<const int> answers) noexcept {
  // One branch-free pass (the compiler vectorizes it); the range check is folded into a flag that is
  // looked at once, after the loop.
  count_t promoters = 0;
  count_t detractors = 0;
  count_t invalid = 0;
  for (const int a : answers) {
    invalid += static_cast<unsigned>(a) > 10U;
    promoters += a >= 9;
    detractors += a <= 6;
  }
  if (invalid != 0) return error_info{errc::out_of_range, "tally_nps_answers", "answers", detail::nps_scale_text};
  const count_t n = static_cast<count_t>(answers.size());
  return nps_counts{.promoters = promoters, .passives = n - promoters - detractors, .detractors = detractors};
}
[[nodiscard]] constexpr nps_counts tally_nps_answers(std::span<const int> answers) {
  return detail::answers_value(try_tally_nps_answers(answers), answers, 0, 10);
}

/**
 * @brief Net Promoter Score from raw answers on the 0-10 scale.
 * @returns an nps_score (see crm::nps).
 * Source: 001_15fb4e46a87cf176.txt lines 82-84.
 * Errors: an answer outside 0..10 (throwing form: survey_answer_error, whose message names the
 * index and value; try form: errc::out_of_range, field "answers", locate it with
 * first_invalid_nps_answer); no answers (errc::empty_input, field "answers").
 *
 * **Example**
 *     const int answers[] = {10, 9, 8, 6, 10};
 *     crm::nps_of_answers(answers).points == 40.0   // 3 promoters, 1 detractor of 5
 */
template <number T = double>
[[nodiscard]] constexpr result<nps_score<T>> try_nps_of_answers(std::span<const int> answers) noexcept(
    std::is_arithmetic_v<T>) {
  constexpr const char* m = "nps_of_answers";
  if (answers.empty()) return error_info{errc::empty_input, m, "answers"};
  const result<nps_counts> c = try_tally_nps_answers(answers);
  if (!c) return error_info{errc::out_of_range, m, "answers", detail::nps_scale_text};
  return try_nps<T>(*c);
}
template <number T = double>
[[nodiscard]] constexpr nps_score<T> nps_of_answers(std::span<const int> answers) {
  return detail::answers_value(try_nps_of_answers<T>(answers), answers, 0, 10);
}

/**
 * @brief Customer satisfaction score (CSAT): satisfied respondents / all respondents.
 * @returns a rate in [0, 1].
 * Source: the standard CSAT definition (share of "satisfied" answers, usually 4-5 on a 1-5 scale);
 * the documents name "satisfaction level" without a formula (000_9949ba3a3098aa87.txt line 58,
 * 002_16fc3440f7c5e33f.txt line 14).
 * Errors: a negative count; respondents zero; satisfied > respondents.
 *
 * **Example**
 *     crm::csat({.satisfied = 172, .respondents = 200}).percent() == 86.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_csat(const csat_counts& c) noexcept(std::is_arithmetic_v<T>) {
  constexpr const char* m = "csat";
  if (auto e = detail::first_error({detail::check_count(m, "satisfied", c.satisfied),
                                    detail::check_count_positive(m, "respondents", c.respondents)}))
    return e;
  if (c.respondents < c.satisfied)
    return error_info{errc::part_exceeds_whole, m, "satisfied", "must not exceed respondents"};
  return rate<T>{count_ratio<T>(c.satisfied, c.respondents)};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> csat(const csat_counts& c) {
  return try_csat<T>(c).value();
}

/// Index of the first answer outside the scale, or answers.size() when all are valid.
[[nodiscard]] constexpr std::size_t first_invalid_csat_answer(std::span<const int> answers,
                                                              csat_scale scale = {}) noexcept {
  return detail::first_outside(answers, scale.lowest, scale.highest);
}

/**
 * @brief CSAT from raw answers: answers >= scale.satisfied_from / all answers.
 * @returns a rate in [0, 1].
 * Source: the standard CSAT definition (see crm::csat); default scale 1-5, satisfied = 4 and 5.
 * Errors: a scale with lowest >= highest or satisfied_from outside (lowest, highest] (field
 * "scale"); an answer outside the scale (throwing form: survey_answer_error naming the index; try
 * form: errc::out_of_range, field "answers"); no answers (errc::empty_input).
 *
 * **Example**
 *     const int answers[] = {5, 4, 3, 5, 1};
 *     crm::csat_of_answers(answers).percent() == 60.0
 */
template <number T = double>
[[nodiscard]] constexpr result<rate<T>> try_csat_of_answers(std::span<const int> answers,
                                                            csat_scale scale = {}) noexcept(std::is_arithmetic_v<T>) {
  constexpr const char* m = "csat_of_answers";
  if (!scale.ok())
    return error_info{errc::out_of_range, m, "scale", "needs lowest < satisfied_from <= highest"};
  if (answers.empty()) return error_info{errc::empty_input, m, "answers"};
  // Branch-free pass; the range check is a flag looked at once, after the loop.
  count_t satisfied = 0;
  count_t invalid = 0;
  const int lowest = scale.lowest;
  const int highest = scale.highest;
  const int from = scale.satisfied_from;
  for (const int a : answers) {
    invalid += (a < lowest) | (a > highest);
    satisfied += a >= from;
  }
  if (invalid != 0) return error_info{errc::out_of_range, m, "answers", "must lie in the scale lowest..highest"};
  return rate<T>{count_ratio<T>(satisfied, static_cast<count_t>(answers.size()))};
}
template <number T = double>
[[nodiscard]] constexpr rate<T> csat_of_answers(std::span<const int> answers, csat_scale scale = {}) {
  return detail::answers_value(try_csat_of_answers<T>(answers, scale), answers, scale.lowest, scale.highest);
}

CRM_METRICS_END_NAMESPACE
