// crm-metrics tests: comparisons and literals that work for every number type under test.
#pragma once

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace crm_test {
/// |a - b| <= 64 epsilon of T, relative to max(1, |b|). cpp_dec_float division (e.g. 90 / 3) is not
/// exact in its guard digits, so exact == is used only where the arithmetic is exact in T.
template <class T>
bool approx_equal(const T& a, const T& b) {
  using std::abs;
  const T diff = abs(T(a - b));
  const T scale = abs(b) < T(1) ? T(1) : T(abs(b));
  return diff <= T(std::numeric_limits<T>::epsilon() * 64) * scale;
}
/// A decimal literal in T: exact for decimal types (T("0.10")), the nearest value for binary ones.
template <class T>
T parse(const char* s) {
  if constexpr (std::is_floating_point_v<T>)
    return static_cast<T>(std::stold(s));
  else
    return T(s);
}
inline const double kNaN = std::numeric_limits<double>::quiet_NaN();
inline const double kInf = std::numeric_limits<double>::infinity();
}  // namespace crm_test
