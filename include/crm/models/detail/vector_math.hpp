// crm-metrics: logarithm and exponential over arrays, for the batch predictions (std:: or, optionally, SLEEF).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
//
// The batch predictions (crm/models/batch.hpp) gather the per-row arguments of their logarithms and
// exponentials into blocks and call these functions once per block. By default they are loops over
// std::log and std::exp, so a batch result equals the scalar function's bit for bit.
//
// Optional SLEEF (Debian libsleef-dev, https://sleef.org): define CRM_METRICS_USE_SLEEF and link
// libsleef (CMake: -DCRM_METRICS_WITH_SLEEF=ON for the project's benchmarks and tests). Then double
// arrays go through SLEEF's 1.0-ulp functions (Sleef_logd*_u10, Sleef_expd*_u10) at the widest
// vector width the translation unit is compiled for (AVX-512F: 8 lanes, AVX2: 4, SSE2: 2); float and
// long double stay on std::. Each SLEEF result is within 1.0 ulp of the exact value, std::log and
// std::exp of glibc within about 0.5 ulp, so the two paths differ by at most 1.5 ulp per call; how
// that propagates into each prediction is stated in crm/models/batch.hpp and docs/batch.md.
#pragma once

#include <crm/core/config.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <type_traits>

#if defined(CRM_METRICS_USE_SLEEF) && (defined(__x86_64__) || defined(_M_X64))
#include <immintrin.h>
#include <sleef.h>
#define CRM_METRICS_DETAIL_SLEEF 1
#else
#define CRM_METRICS_DETAIL_SLEEF 0
#endif

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// True when double arrays go through SLEEF (CRM_METRICS_USE_SLEEF on x86-64).
inline constexpr bool vector_math_uses_sleef = CRM_METRICS_DETAIL_SLEEF != 0;
/// The SLEEF vector width in doubles for this translation unit (1: std:: scalar loop).
inline constexpr std::size_t vector_math_lanes =
#if CRM_METRICS_DETAIL_SLEEF && defined(__AVX512F__)
    8;
#elif CRM_METRICS_DETAIL_SLEEF && defined(__AVX2__)
    4;
#elif CRM_METRICS_DETAIL_SLEEF
    2;
#else
    1;
#endif

#if CRM_METRICS_DETAIL_SLEEF
/// f applied to n doubles, W lanes at a time; the tail is padded with a harmless argument.
template <bool Log>
inline void sleef_apply(const double* in, double* out, std::size_t n) noexcept {
#if defined(__AVX512F__)
  constexpr std::size_t w = 8;
  const auto f = [](const double* p, double* q) {
    const __m512d v = _mm512_loadu_pd(p);
    _mm512_storeu_pd(q, Log ? Sleef_logd8_u10(v) : Sleef_expd8_u10(v));
  };
#elif defined(__AVX2__)
  constexpr std::size_t w = 4;
  const auto f = [](const double* p, double* q) {
    const __m256d v = _mm256_loadu_pd(p);
    _mm256_storeu_pd(q, Log ? Sleef_logd4_u10(v) : Sleef_expd4_u10(v));
  };
#else
  constexpr std::size_t w = 2;
  const auto f = [](const double* p, double* q) {
    const __m128d v = _mm_loadu_pd(p);
    _mm_storeu_pd(q, Log ? Sleef_logd2_u10(v) : Sleef_expd2_u10(v));
  };
#endif
  std::size_t i = 0;
  for (; i + w <= n; i += w) f(in + i, out + i);
  if (i < n) {
    double a[w], b[w];
    for (std::size_t j = 0; j < w; ++j) a[j] = i + j < n ? in[i + j] : 1.0;
    f(a, b);
    for (std::size_t j = 0; i + j < n; ++j) out[i + j] = b[j];
  }
}
#endif

/// out[i] = log(in[i]) for i < n (in == out allowed).
template <std::floating_point T>
inline void vlog(const T* in, T* out, std::size_t n) noexcept {
#if CRM_METRICS_DETAIL_SLEEF
  if constexpr (std::is_same_v<T, double>) {
    sleef_apply<true>(in, out, n);
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) out[i] = std::log(in[i]);
}
/// out[i] = exp(in[i]) for i < n (in == out allowed).
template <std::floating_point T>
inline void vexp(const T* in, T* out, std::size_t n) noexcept {
#if CRM_METRICS_DETAIL_SLEEF
  if constexpr (std::is_same_v<T, double>) {
    sleef_apply<false>(in, out, n);
    return;
  }
#endif
  for (std::size_t i = 0; i < n; ++i) out[i] = std::exp(in[i]);
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
