// crm-metrics tests: the failure report of the programs built with -fno-exceptions (no Catch2
// there: each is a main() that returns non-zero, after printing what went wrong).
#pragma once

#include <cstdio>

namespace crm_noexcept {
/// Prints `what` and returns `code`, for `return fail("...", n);` in main().
inline int fail(const char* what, int code) {
  std::printf("%s\n", what);
  return code;
}
}  // namespace crm_noexcept
