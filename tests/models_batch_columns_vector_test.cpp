// crm-metrics tests: the columnar batch forms on the default path, libmvec where glibc has it
// (crm/models/detail/vector_math.hpp). Every test of models_batch_columns_test.cpp runs again here:
// its alive_bound gives the libmvec bound, (8 + 6|y|) ulp for P(alive), and the columnar results must
// still equal the row forms' (the same operations on the same path).
#if !defined(CRM_METRICS_USE_SLEEF) && !defined(CRM_METRICS_USE_LIBMVEC)
#define CRM_METRICS_USE_LIBMVEC 1
#endif
#include "models_batch_columns_test.cpp"  // NOLINT(bugprone-suspicious-include): the same tests on this path
