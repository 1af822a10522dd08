// crm-metrics: log, exp, log1p and expm1 over arrays, for the batch predictions (glibc's libmvec by
// default where it exists, else std::; optionally SLEEF).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/models.hpp>
//
// The batch predictions (crm/models/batch.hpp) gather the per-row arguments of their logarithms and
// exponentials into blocks and call these functions once per block. Three paths, for double arrays
// (float and long double always take std::). The choice must hold for the whole program (the
// functions are inline): define the same macros in every translation unit.
//
// - Default on glibc x86-64 with g++ or clang++: glibc's own vector math library (libmvec, part of
//   libc6 on every glibc x86-64 system since glibc 2.22; bookworm has 2.36): _ZGVeN8v_log/_ZGVeN8v_exp
//   (AVX-512F, 8 lanes), _ZGVdN4v_* (AVX2, 4 lanes) or _ZGVbN2v_* (SSE2, 2 lanes), chosen at run time
//   with __builtin_cpu_supports, so one binary built for plain x86-64 uses AVX-512 where the CPU has
//   it. No extra link flag with g++ or clang++: libm.so is a linker script that pulls libmvec in as
//   needed (static builds: add -lmvec). glibc states that the functions pass a 4-ulp maximum relative
//   error criterion (https://sourceware.org/glibc/wiki/libmvec; measured on glibc 2.36 at most 3.0 ulp
//   for exp and 1.2 for log over 65 536 random arguments per width; tests/models_batch_vector_test.cpp
//   checks 4 ulp against long double at every width the CPU runs, for log1p and expm1 too); glibc's
//   std::log and std::exp are within about 0.5 ulp, so the two paths differ by at most 4.5 ulp per
//   call. log1p and expm1 entered libmvec in glibc 2.35 (bookworm has 2.36): with an older glibc they
//   take std:: on this path (CRM_METRICS_DETAIL_LIBMVEC_M1 is 0).
//   CRM_METRICS_USE_LIBMVEC is accepted (it was the opt-in before libmvec became the default).
// - CRM_METRICS_NO_LIBMVEC, or any other platform: loops over std::log, std::exp, std::log1p and
//   std::expm1, so a batch result equals the scalar function's bit for bit.
// - CRM_METRICS_USE_SLEEF (Debian libsleef-dev, https://sleef.org; link libsleef): SLEEF's 1.0-ulp
//   functions (Sleef_logd*_u10, Sleef_expd*_u10, Sleef_log1pd*_u10, Sleef_expm1d*_u10) at the widest
//   vector width the translation unit is compiled for (AVX-512F: 8 lanes, AVX2: 4, SSE2: 2); the two
//   paths differ by at most 1.5 ulp per call.
//
// How the per-call difference propagates into each prediction is stated in crm/models/batch.hpp and
// docs/batch.md, and tested (tests/models_batch_test.cpp, tests/models_batch_vector_test.cpp).
#pragma once

#include <crm/core/config.hpp>

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <type_traits>
#if defined(__has_include)
#if __has_include(<unistd.h>)
#include <unistd.h>
#endif
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#endif

#if defined(CRM_METRICS_USE_SLEEF) && defined(CRM_METRICS_USE_LIBMVEC)
#error "crm-metrics: define at most one of CRM_METRICS_USE_SLEEF and CRM_METRICS_USE_LIBMVEC"
#endif
#if defined(CRM_METRICS_NO_LIBMVEC) && defined(CRM_METRICS_USE_LIBMVEC)
#error "crm-metrics: CRM_METRICS_NO_LIBMVEC and CRM_METRICS_USE_LIBMVEC contradict each other"
#endif

#if defined(CRM_METRICS_USE_SLEEF) && (defined(__x86_64__) || defined(_M_X64))
#include <immintrin.h>
#include <sleef.h>
#define CRM_METRICS_DETAIL_SLEEF 1
#else
#define CRM_METRICS_DETAIL_SLEEF 0
#endif

#if !CRM_METRICS_DETAIL_SLEEF && !defined(CRM_METRICS_NO_LIBMVEC) && defined(__x86_64__) && defined(__GLIBC__) && \
    (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CRM_METRICS_DETAIL_LIBMVEC 1
// libmvec's entry points (x86-64 vector function ABI names: b = SSE2, d = AVX2, e = AVX-512).
extern "C" {
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_log(__m512d) noexcept;
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_exp(__m512d) noexcept;
__attribute__((target("avx2"))) __m256d _ZGVdN4v_log(__m256d) noexcept;
__attribute__((target("avx2"))) __m256d _ZGVdN4v_exp(__m256d) noexcept;
__m128d _ZGVbN2v_log(__m128d) noexcept;
__m128d _ZGVbN2v_exp(__m128d) noexcept;
}
// log1p and expm1 joined libmvec in glibc 2.35; before it they take std:: (vlog1p, vexpm1).
#if defined(__GLIBC_PREREQ) && __GLIBC_PREREQ(2, 35)
#define CRM_METRICS_DETAIL_LIBMVEC_M1 1
extern "C" {
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_log1p(__m512d) noexcept;
__attribute__((target("avx512f"))) __m512d _ZGVeN8v_expm1(__m512d) noexcept;
__attribute__((target("avx2"))) __m256d _ZGVdN4v_log1p(__m256d) noexcept;
__attribute__((target("avx2"))) __m256d _ZGVdN4v_expm1(__m256d) noexcept;
__m128d _ZGVbN2v_log1p(__m128d) noexcept;
__m128d _ZGVbN2v_expm1(__m128d) noexcept;
}
#else
#define CRM_METRICS_DETAIL_LIBMVEC_M1 0
#endif
#else
#define CRM_METRICS_DETAIL_LIBMVEC 0
#define CRM_METRICS_DETAIL_LIBMVEC_M1 0
#endif

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// The functions the array forms apply: log, exp, log1p (log(1 + v)) and expm1 (exp(v) - 1).
enum class vfn { log, exp, log1p, expm1 };

/// True when double arrays go through SLEEF (CRM_METRICS_USE_SLEEF on x86-64).
inline constexpr bool vector_math_uses_sleef = CRM_METRICS_DETAIL_SLEEF != 0;
/// True when double arrays go through glibc's libmvec (the default on glibc x86-64, unless
/// CRM_METRICS_NO_LIBMVEC or CRM_METRICS_USE_SLEEF).
inline constexpr bool vector_math_uses_libmvec = CRM_METRICS_DETAIL_LIBMVEC != 0;
/// True when double arrays take a vector path (the results then differ from std:: within a bound).
inline constexpr bool vector_math_is_vector = vector_math_uses_sleef || vector_math_uses_libmvec;
/// The SLEEF vector width in doubles for this translation unit (1: std:: or libmvec; libmvec's width
/// is chosen at run time, see vector_math_lanes_now()).
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
template <vfn F>
inline void sleef_apply(const double* in, double* out, std::size_t n) noexcept {
#if defined(__AVX512F__)
  constexpr std::size_t w = 8;
  const auto f = [](const double* p, double* q) {
    const __m512d v = _mm512_loadu_pd(p);
    _mm512_storeu_pd(q, F == vfn::log     ? Sleef_logd8_u10(v)
                     : F == vfn::exp   ? Sleef_expd8_u10(v)
                     : F == vfn::log1p ? Sleef_log1pd8_u10(v)
                                       : Sleef_expm1d8_u10(v));
  };
#elif defined(__AVX2__)
  constexpr std::size_t w = 4;
  const auto f = [](const double* p, double* q) {
    const __m256d v = _mm256_loadu_pd(p);
    _mm256_storeu_pd(q, F == vfn::log     ? Sleef_logd4_u10(v)
                     : F == vfn::exp   ? Sleef_expd4_u10(v)
                     : F == vfn::log1p ? Sleef_log1pd4_u10(v)
                                       : Sleef_expm1d4_u10(v));
  };
#else
  constexpr std::size_t w = 2;
  const auto f = [](const double* p, double* q) {
    const __m128d v = _mm_loadu_pd(p);
    _mm_storeu_pd(q, F == vfn::log     ? Sleef_logd2_u10(v)
                     : F == vfn::exp   ? Sleef_expd2_u10(v)
                     : F == vfn::log1p ? Sleef_log1pd2_u10(v)
                                       : Sleef_expm1d2_u10(v));
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

#if CRM_METRICS_DETAIL_LIBMVEC
/// The widest libmvec variant this CPU runs: 8 (AVX-512F), 4 (AVX2) or 2 (SSE2).
[[nodiscard]] inline std::size_t libmvec_lanes() noexcept {
  static const std::size_t lanes = __builtin_cpu_supports("avx512f") ? 8 : __builtin_cpu_supports("avx2") ? 4 : 2;
  return lanes;
}
/// F at one vector of each width (log1p and expm1 only with glibc 2.35 or later: vlog1p and vexpm1
/// take std:: before it).
#if CRM_METRICS_DETAIL_LIBMVEC_M1
#define CRM_METRICS_DETAIL_LIBMVEC_CALL(w)                        \
  if constexpr (F == vfn::log) return _ZGV##w##v_log(v);          \
  else if constexpr (F == vfn::exp) return _ZGV##w##v_exp(v);     \
  else if constexpr (F == vfn::log1p) return _ZGV##w##v_log1p(v); \
  else return _ZGV##w##v_expm1(v)
#else
#define CRM_METRICS_DETAIL_LIBMVEC_CALL(w)                                               \
  static_assert(F == vfn::log || F == vfn::exp, "libmvec has log1p and expm1 since 2.35"); \
  if constexpr (F == vfn::log) return _ZGV##w##v_log(v);                                 \
  else return _ZGV##w##v_exp(v)
#endif
template <vfn F>
__attribute__((target("avx512f"))) inline __m512d libmvec8(__m512d v) noexcept {
  CRM_METRICS_DETAIL_LIBMVEC_CALL(eN8);
}
template <vfn F>
__attribute__((target("avx2"))) inline __m256d libmvec4(__m256d v) noexcept {
  CRM_METRICS_DETAIL_LIBMVEC_CALL(dN4);
}
template <vfn F>
inline __m128d libmvec2(__m128d v) noexcept {
  CRM_METRICS_DETAIL_LIBMVEC_CALL(bN2);
}
#undef CRM_METRICS_DETAIL_LIBMVEC_CALL
/// The tail of n % W doubles, padded with 1 (a harmless argument of each function).
template <std::size_t W, class F>
inline void libmvec_tail(const double* in, double* out, std::size_t i, std::size_t n, F&& f) noexcept {
  if (i == n) return;
  alignas(64) double a[W], b[W];
  for (std::size_t j = 0; j < W; ++j) a[j] = i + j < n ? in[i + j] : 1.0;
  f(a, b);
  for (std::size_t j = 0; i + j < n; ++j) out[i + j] = b[j];
}
template <vfn F>
__attribute__((target("avx512f"))) inline void libmvec_apply8(const double* in, double* out, std::size_t n) noexcept {
  const auto f = [](const double* p, double* q) __attribute__((target("avx512f"))) {
    const __m512d v = _mm512_loadu_pd(p);
    _mm512_storeu_pd(q, libmvec8<F>(v));
  };
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) f(in + i, out + i);
  libmvec_tail<8>(in, out, i, n, f);
}
template <vfn F>
__attribute__((target("avx2"))) inline void libmvec_apply4(const double* in, double* out, std::size_t n) noexcept {
  const auto f = [](const double* p, double* q) __attribute__((target("avx2"))) {
    const __m256d v = _mm256_loadu_pd(p);
    _mm256_storeu_pd(q, libmvec4<F>(v));
  };
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) f(in + i, out + i);
  libmvec_tail<4>(in, out, i, n, f);
}
template <vfn F>
inline void libmvec_apply2(const double* in, double* out, std::size_t n) noexcept {
  const auto f = [](const double* p, double* q) {
    const __m128d v = _mm_loadu_pd(p);
    _mm_storeu_pd(q, libmvec2<F>(v));
  };
  std::size_t i = 0;
  for (; i + 2 <= n; i += 2) f(in + i, out + i);
  libmvec_tail<2>(in, out, i, n, f);
}
template <vfn F>
inline void libmvec_apply(const double* in, double* out, std::size_t n) noexcept {
  switch (libmvec_lanes()) {
    case 8: return libmvec_apply8<F>(in, out, n);
    case 4: return libmvec_apply4<F>(in, out, n);
    default: return libmvec_apply2<F>(in, out, n);
  }
}
#endif

/// The vector width in doubles the double arrays go through in this process (1: std::).
[[nodiscard]] inline std::size_t vector_math_lanes_now() noexcept {
#if CRM_METRICS_DETAIL_LIBMVEC
  return libmvec_lanes();
#else
  return vector_math_lanes;
#endif
}
/// "std::", "libmvec" or "SLEEF": the path double arrays take.
[[nodiscard]] constexpr const char* vector_math_name() noexcept {
  return vector_math_uses_sleef ? "SLEEF" : vector_math_uses_libmvec ? "libmvec" : "std::";
}

/// The smallest result, in bytes, that batch_options::stores == store_policy::automatic writes with
/// non-temporal stores: 2 MiB (more than a core's L2 cache) where the last-level cache is unknown.
inline constexpr std::size_t stream_store_floor_bytes = std::size_t{2} << 20;

/// The size from which store_policy::automatic streams a result: glibc's rule for its own memcpy on
/// x86 (glibc 2.36 sysdeps/x86/dl-cacheinfo.h, non_temporal_threshold: three quarters of one hardware
/// thread's share of the shared cache), from sysconf(_SC_LEVEL3_CACHE_SIZE) and
/// std::thread::hardware_concurrency(), and never below stream_store_floor_bytes. A result smaller
/// than that stays in the last-level cache, where the caller's next pass finds it; a larger one
/// would only evict the inputs (docs/batch.md, "Non-temporal stores"). Read once per process.
[[nodiscard]] inline std::size_t stream_store_bytes() noexcept {
  static const std::size_t bytes = [] {
    std::size_t b = stream_store_floor_bytes;
#if defined(_SC_LEVEL3_CACHE_SIZE)
    const long l3 = ::sysconf(_SC_LEVEL3_CACHE_SIZE);
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    if (l3 > 0) b = std::max(b, static_cast<std::size_t>(l3) / threads / 4 * 3);
#endif
    return b;
  }();
  return bytes;
}

/// out[i] = in[i] for i < n, for a block of results computed in a small buffer. With `stream` (and
/// double on x86-64, out 16-byte aligned) through non-temporal stores (SSE2 movntpd): the lines of
/// `out` are written without being read first (no read-for-ownership) and do not displace the
/// inputs from the caches. A thread that streamed must call stream_fence() before another thread
/// reads `out`. Values are copied unchanged.
template <std::floating_point T>
inline void store_block(const T* in, T* out, std::size_t n, bool stream) noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if constexpr (std::is_same_v<T, double>) {
    if (stream && reinterpret_cast<std::uintptr_t>(out) % 16 == 0) {
      std::size_t i = 0;
      for (; i + 2 <= n; i += 2) _mm_stream_pd(out + i, _mm_loadu_pd(in + i));
      if (i < n) out[i] = in[i];
      return;
    }
  }
#endif
  (void)stream;
  std::memcpy(out, in, n * sizeof(T));
}
/// Orders the non-temporal stores of this thread before its later stores (x86-64 sfence).
inline void stream_fence() noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  _mm_sfence();
#endif
}

/// out[i] = F(in[i]) for i < n (in == out allowed), on this program's path.
template <vfn F, std::floating_point T>
inline void vapply(const T* in, T* out, std::size_t n) noexcept {
  if constexpr (std::is_same_v<T, double>) {
#if CRM_METRICS_DETAIL_SLEEF
    sleef_apply<F>(in, out, n);
    return;
#elif CRM_METRICS_DETAIL_LIBMVEC
    if constexpr (F == vfn::log || F == vfn::exp || CRM_METRICS_DETAIL_LIBMVEC_M1) {
      libmvec_apply<F>(in, out, n);
      return;
    }
#endif
  }
  for (std::size_t i = 0; i < n; ++i) {
    const T v = in[i];
    out[i] = F == vfn::log ? std::log(v) : F == vfn::exp ? std::exp(v) : F == vfn::log1p ? std::log1p(v) : std::expm1(v);
  }
}
/// out[i] = log(in[i]) for i < n (in == out allowed).
template <std::floating_point T>
inline void vlog(const T* in, T* out, std::size_t n) noexcept {
  vapply<vfn::log>(in, out, n);
}
/// out[i] = exp(in[i]) for i < n (in == out allowed).
template <std::floating_point T>
inline void vexp(const T* in, T* out, std::size_t n) noexcept {
  vapply<vfn::exp>(in, out, n);
}
/// out[i] = log1p(in[i]) = log(1 + in[i]) for i < n (in == out allowed).
template <std::floating_point T>
inline void vlog1p(const T* in, T* out, std::size_t n) noexcept {
  vapply<vfn::log1p>(in, out, n);
}
/// out[i] = expm1(in[i]) = exp(in[i]) - 1 for i < n (in == out allowed).
template <std::floating_point T>
inline void vexpm1(const T* in, T* out, std::size_t n) noexcept {
  vapply<vfn::expm1>(in, out, n);
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
