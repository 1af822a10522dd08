// Must not compile with GCC (docs/errors.md; tests/CMakeLists.txt builds gcc_* only with GCC): in a
// constant expression a result that overflows the number type is a compile error, not
// errc::overflow, because GCC does not take an overflowing floating-point division as a constant
// expression. Clang evaluates it to the error (tests/static/revenue_static.cpp checks that), and at
// run time every compiler returns it (tests/revenue_test.cpp).
#include <crm/metrics/revenue.hpp>

static_assert(!crm::try_roi({.revenue = 1e308, .cost = 1e-10}));

int main() { return 0; }
