// The batch predictions without exceptions on the libmvec path (see batch_noexcept.cpp).
#if !defined(CRM_METRICS_USE_SLEEF) && !defined(CRM_METRICS_USE_LIBMVEC)
#define CRM_METRICS_USE_LIBMVEC 1
#endif
#include "batch_noexcept.cpp"
