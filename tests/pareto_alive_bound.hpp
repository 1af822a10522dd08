// crm-metrics tests: the stated bound of the vector paths for Pareto/NBD's batch P(alive)
// (docs/batch.md, "Same results as the scalar functions"), shared by models_batch_test.cpp and
// models_batch_columns_test.cpp (and so by their *_vector_test programs).
#pragma once

#include <crm/models/detail/vector_math.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <algorithm>
#include <cmath>
#include <type_traits>

namespace crm_test {

/// The bound of the vector paths for Pareto/NBD's P(alive), in ulp of the std:: result: 0 on the
/// std:: path and for rows without a series at t_x (x = 0, t_x = T). Otherwise, with a = r+s+x,
/// u1 = log F(t_x) - a log(D+t_x) (the one term built from vector logarithms), U = |log S| +
/// |(c-a-b) log(1-z)| + a |log(D+t_x)| the magnitudes it adds (S the series at t_x; the middle term
/// only where Euler's transformation is used), delta = u2 - u1, L = log(1 - e^delta), C and P the std::
/// path's own values: 8 + 8 (1 - P)(U / (1 - e^delta) + |L| + |C| + 1) when delta < 0; when the std::
/// path has delta >= 0 (P = 1), 8 + 8 e^(C+u1) U (a vector u1 just above u2 leaves 1 - P of at most
/// e^(C+u1) times their difference).
template <class T>
double pareto_alive_bound(const crm::pareto_nbd<T>& m, const crm::rfm_row<T>& c) {
  if constexpr (!crm::detail::vector_math_is_vector || !std::is_same_v<T, double>) {
    return 0.0;
  } else {
    if (c.frequency == 0.0 || !(c.age > c.recency)) return 0.0;
    const double r = m.r, alpha = m.alpha, s = m.s, beta = m.beta, x = c.frequency, d = std::max(alpha, beta);
    const auto f = crm::detail::pareto_nbd_f_arguments(r, alpha, s, beta, x, c.recency);
    const bool euler = crm::detail::hyp2f1_uses_euler(f.a, f.b, f.c, f.z);
    const double f1 = crm::detail::pareto_nbd_f(r, alpha, s, beta, x, c.recency, false).log_value;
    const double l1z = euler ? std::log1p(-f.z) : 0.0;
    const double lg = f1 - (f.c - f.a - f.b) * l1z;
    const double u = std::abs(lg) + std::abs((f.c - f.a - f.b) * l1z) + f.a * std::abs(std::log(d + c.recency));
    const double u1 = f1 - f.a * std::log(d + c.recency);
    const double u2 = crm::detail::pareto_nbd_f(r, alpha, s, beta, x, c.age, false).log_value - f.a * std::log(d + c.age);
    const double cc = std::log(s) - std::log(f.a) + (r + x) * std::log(alpha + c.age) + s * std::log(beta + c.age);
    const double delta = u2 - u1;
    if (!(delta < 0.0)) return 8.0 + 8.0 * std::exp(cc + u1) * u;
    const double l = std::log(-std::expm1(delta));
    const double p = crm::detail::logistic_complement(cc + u1 + l);
    return 8.0 + 8.0 * (1.0 - p) * (u / -std::expm1(delta) + std::abs(l) + std::abs(cc) + 1.0);
  }
}

}  // namespace crm_test
