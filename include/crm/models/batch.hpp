// crm-metrics: whole-base predictions of every customer-base model, at the speed of the hardware.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// One call predicts for every row of a customer base: P(alive), conditional expected purchases,
// P(X(t) = n), expected spend (Gamma-Gamma) and the lifetime value, for BG/NBD, modified BG/NBD,
// Pareto/NBD, BG/BB and Gamma-Gamma. Each result equals what the model's scalar function returns for
// that row: within the ulp bound stated at each function where the logarithms and exponentials of
// P(alive) (BG/NBD family, Pareto/NBD) go through a vector library (by default glibc's libmvec on
// glibc x86-64; SLEEF with CRM_METRICS_USE_SLEEF), bit for bit on the std:: path
// (CRM_METRICS_NO_LIBMVEC, or any other platform), see crm/models/detail/vector_math.hpp. Errors are the scalar function's error for the
// first bad row, with that row's 0-based index: never a NaN in the output.
//
// Why it is fast (docs/batch.md): parameter-only terms are computed once per call; the parts of a
// prediction that depend on a few columns only (the 2F1 of BG/NBD's conditional expectation on
// (x, T), BG/BB's whole prediction on the row, Pareto/NBD's 2F1 at T on (x, T)) are computed once
// per distinct key; the per-row logarithms and exponentials are gathered into blocks and evaluated
// together (where a vector path vectorises them); rows with nothing to compute (BG/NBD's x = 0) skip
// the transcendental work. Threads only when asked: batch_options::threads splits the rows into
// contiguous chunks, and the distinct keys that carry a special function across the threads.
//
// Customization points: none (the models are the library's own).
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/executor.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/models/bg_bb.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/clv.hpp>
#include <crm/models/data.hpp>
#include <crm/models/detail/vector_math.hpp>
#include <crm/models/gamma_gamma.hpp>
#include <crm/models/homogeneous.hpp>
#include <crm/models/modified_bg_nbd.hpp>
#include <crm/models/nbd.hpp>
#include <crm/models/pareto_nbd.hpp>

#include <algorithm>
#include <array>
#include <barrier>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <latch>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>
#if CRM_METRICS_HAS_EXCEPTIONS
#include <system_error>
#endif

// GCC vectorises the branch-free check and arithmetic loops below only without -ftrapping-math (its
// default keeps ordered compares scalar); the kernels ask for it. They never read the floating-point
// exception flags, so their results are the same. Clang vectorises them as they are. Built for
// AVX-512, they also ask for 512-bit vectors (GCC 12 prefers 256 for Intel cores): the same values
// bit for bit, about 15 % less time (docs/batch.md, "Why it is fast"); CRM_METRICS_NO_512_BIT_LOOPS
// keeps the compiler's width.
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__) && !defined(CRM_METRICS_NO_512_BIT_LOOPS)
#define CRM_METRICS_DETAIL_VECTORIZE __attribute__((optimize("no-trapping-math"), target("prefer-vector-width=512")))
#elif defined(__GNUC__) && !defined(__clang__)
#define CRM_METRICS_DETAIL_VECTORIZE __attribute__((optimize("no-trapping-math")))
#else
#define CRM_METRICS_DETAIL_VECTORIZE
#endif
// The small accessors the kernels call per element: inlined even into the kernels above, whose
// optimize attribute otherwise keeps GCC from inlining functions without it.
#if defined(__GNUC__) || defined(__clang__)
#define CRM_METRICS_DETAIL_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define CRM_METRICS_DETAIL_ALWAYS_INLINE inline
#endif

CRM_METRICS_BEGIN_NAMESPACE

/// How the elementwise batch predictions (P(alive) of the BG/NBD family, Gamma-Gamma's expected
/// spend) write their results of double: the values are the same under every policy.
enum class store_policy {
  /// Non-temporal stores for a result larger than three quarters of one hardware thread's share of
  /// the last-level cache (glibc's rule for memcpy; at least 2 MiB): detail::stream_store_bytes().
  automatic,
  cached,   ///< plain stores: the result stays in the caches for the caller's next pass
  streamed  ///< non-temporal stores at any size (a 16-byte aligned output; others get plain stores)
};

/// How a batch prediction runs.
struct batch_options {
  /// Threads to split the rows over: 1 (the default) runs on the calling thread only; 0 means one
  /// per hardware thread (std::thread::hardware_concurrency()). Inputs under 2 x 16 384 rows per
  /// thread use fewer threads. If a thread cannot be started its rows run on the calling thread.
  unsigned threads = 1;
  /// Non-temporal stores or not (see store_policy).
  store_policy stores = store_policy::automatic;
  /// Where the threads' parts run: nullptr (the default) starts threads - 1 std::threads per call;
  /// an executor (crm::thread_pool, or your own pool) gets them as tasks instead, and no thread is
  /// started (crm/core/executor.hpp: the results are the same whatever it does with them).
  crm::executor* executor = nullptr;
};

namespace detail {
/// Whether a result of n values of T is written with non-temporal stores under `policy`.
template <class T>
[[nodiscard]] inline bool use_stream_stores(std::size_t n, store_policy policy) noexcept {
  switch (policy) {
    case store_policy::cached: return false;
    case store_policy::streamed: return true;
    case store_policy::automatic: break;
  }
  return n >= stream_store_bytes() / sizeof(T);
}
}  // namespace detail

/// The row index of an error that belongs to no row (parameters, horizon, sizes, empty input).
inline constexpr std::size_t no_row = static_cast<std::size_t>(-1);

/**
 * @brief A transaction summary as columns (structure of arrays), for the columnar batch forms: customer
 * i is (frequency[i], recency[i], age[i]), the fields of crm::rfm_row (x: repeat purchases, whole and
 * >= 0; t_x: time of the last purchase, 0 when x = 0; T: age, >= t_x; one time unit throughout).
 * There is no weight column: a prediction is per customer. Views only: the caller owns the data.
 */
template <std::floating_point T>
struct rfm_column_view {
  std::span<const T> frequency;  ///< x
  std::span<const T> recency;    ///< t_x
  std::span<const T> age;        ///< T
};
/**
 * @brief Gamma-Gamma's inputs as columns: customer i is (frequency[i], average_spend[i]), the fields
 * of crm::spend_row (x transactions averaged, zbar their mean value in money). Views only.
 */
template <std::floating_point T>
struct spend_column_view {
  std::span<const T> frequency;      ///< x
  std::span<const T> average_spend;  ///< zbar
};

/// "crm::bg_nbd.probability_alive: recency is larger than its whole (must not exceed age) (row 17)";
/// without the row suffix when `row` is crm::no_row.
[[nodiscard]] inline std::string batch_message(const error_info& e, std::size_t row) {
  std::string s = message(e);
  if (row != no_row) s += " (row " + std::to_string(row) + ")";
  return s;
}

/// Thrown by the throwing batch forms: a crm::metric_error that also names the 0-based row.
class batch_error : public metric_error {
 public:
  batch_error(const error_info& e, std::size_t row) : metric_error(e), row_(row), what_(batch_message(e, row)) {}
  /// The 0-based index of the first bad row, or crm::no_row.
  [[nodiscard]] std::size_t row() const noexcept { return row_; }
  [[nodiscard]] const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::size_t row_;
  std::string what_;
};

namespace detail {
[[noreturn]] inline void throw_batch_error(const error_info& e, std::size_t row) {
#if CRM_METRICS_HAS_EXCEPTIONS
  throw batch_error(e, row);
#else
  (void)e, (void)row;
  std::abort();
#endif
}
}  // namespace detail

/// The value of a batch prediction, or the error of its first bad row with that row's index.
template <class R>
class batch_result {
 public:
  using value_type = R;
  batch_result(R v) noexcept(std::is_nothrow_move_constructible_v<R>) : value_(std::move(v)) {}  // NOLINT: implicit
  batch_result(error_info e, std::size_t row) noexcept(std::is_nothrow_default_constructible_v<R>)
      : value_(), error_(e), row_(row) {
    CRM_METRICS_ASSERT(e.code != errc::ok, "crm::batch_result built from an error_info without error");
  }
  [[nodiscard]] bool has_value() const noexcept { return error_.code == errc::ok; }
  [[nodiscard]] explicit operator bool() const noexcept { return has_value(); }
  [[nodiscard]] const error_info& error() const noexcept { return error_; }
  /// The 0-based index of the row the error belongs to (crm::no_row if none, or no error).
  [[nodiscard]] std::size_t row() const noexcept { return row_; }
  /// The value; throws crm::batch_error (aborts without exceptions) when there is none.
  [[nodiscard]] const R& value() const& {
    if (!has_value()) detail::throw_batch_error(error_, row_);
    return value_;
  }
  [[nodiscard]] R&& value() && {
    if (!has_value()) detail::throw_batch_error(error_, row_);
    return std::move(value_);
  }
  [[nodiscard]] const R& operator*() const& noexcept {
    CRM_METRICS_ASSERT(has_value(), "crm::batch_result: operator* on an error");
    return value_;
  }
  [[nodiscard]] const R* operator->() const noexcept {
    CRM_METRICS_ASSERT(has_value(), "crm::batch_result: operator-> on an error");
    return &value_;
  }

 private:
  R value_;
  error_info error_{};
  std::size_t row_ = no_row;
};

namespace detail {

/// The first failure of a chunk of rows: the error and its absolute row index.
struct batch_failure {
  error_info error{};
  std::size_t row = no_row;
  [[nodiscard]] explicit operator bool() const noexcept { return error.code != errc::ok; }
};

/// Rows per block of the blocked kernels (arguments of the transcendentals are gathered per block).
inline constexpr std::size_t batch_block = 256;
/// Fewer rows than this per thread are not worth a thread.
inline constexpr std::size_t batch_rows_per_thread = 16384;

/// The threads to use for n rows: opt.threads (0: one per hardware thread), fewer for small inputs.
[[nodiscard]] inline std::size_t thread_count(std::size_t n, const batch_options& opt) {
  const std::size_t asked = opt.threads == 0 ? std::max(1u, std::thread::hardware_concurrency()) : opt.threads;
  return std::max<std::size_t>(1, std::min(asked, n / (2 * batch_rows_per_thread)));
}

/// Runs part(k, begin, end) for k < threads over contiguous slices of [0, n) (the calling thread does
/// slice 0; a slice whose thread cannot be started runs on the calling thread; with an executor,
/// slices 1 .. threads - 1 are its tasks or the calling thread's: fork_join).
template <class Part>
void run_parts(std::size_t n, std::size_t threads, Part&& part, executor* ex = nullptr) {
  threads = std::max<std::size_t>(1, std::min(threads, n));
  const auto bound = [&](std::size_t k) { return n / threads * k + std::min(k, n % threads); };
  if (threads == 1) return part(std::size_t{0}, std::size_t{0}, n);
  if (ex != nullptr) {
    auto slice = [&](std::size_t k) { part(k, bound(k), bound(k + 1)); };
    return fork_join(*ex, threads, slice);
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t k = 1; k < threads; ++k) {
    const auto work = [&, k] { part(k, bound(k), bound(k + 1)); };
#if CRM_METRICS_HAS_EXCEPTIONS
    try {
      pool.emplace_back(work);
    } catch (const std::system_error&) {
      work();
    }
#else
    pool.emplace_back(work);
#endif
  }
  part(std::size_t{0}, bound(0), bound(1));
  for (std::thread& t : pool) t.join();
}

/// The failure with the lowest row index (or none).
[[nodiscard]] inline batch_failure first_failure(std::span<const batch_failure> failures) noexcept {
  batch_failure best{};
  for (const batch_failure& f : failures)
    if (f && (!best || f.row < best.row)) best = f;
  return best;
}

/// Runs kernel(begin, end) over [0, n), on opt.threads threads in contiguous chunks; returns the
/// failure with the lowest row index.
template <class Kernel>
[[nodiscard]] batch_failure run_chunks(std::size_t n, const batch_options& opt, Kernel&& kernel) {
  const std::size_t threads = thread_count(n, opt);
  if (threads <= 1) return kernel(std::size_t{0}, n);
  std::vector<batch_failure> failures(threads);
  run_parts(
      n, threads, [&](std::size_t k, std::size_t begin, std::size_t end) { failures[k] = kernel(begin, end); }, opt.executor);
  return first_failure(failures);
}

/// Runs body(k, parts, sync) for k < parts on up to `threads` threads, the calling thread being part
/// 0; `parts` is the number of threads actually started plus one (a thread that cannot be started
/// leaves its share to the others; with an executor, the tasks that joined in time: team_join).
/// sync() returns when every part has called it (a barrier), so a computation in phases starts its
/// threads once per call instead of once per phase.
template <class Body>
void run_team(std::size_t threads, Body&& body, executor* ex = nullptr) {
  if (threads <= 1) return body(std::size_t{0}, std::size_t{1}, [] {});
  if (ex != nullptr) return team_join(*ex, threads, body);
  std::size_t parts = 1;
  std::optional<std::barrier<>> phase;
  std::latch go(1);
  const auto sync = [&] { phase->arrive_and_wait(); };
  const auto work = [&](std::size_t k) {
    go.wait();  // `parts` and `phase` are set before go opens
    body(k, parts, sync);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (std::size_t k = 1; k < threads; ++k) {
#if CRM_METRICS_HAS_EXCEPTIONS
    try {
      pool.emplace_back(work, k);
    } catch (const std::system_error&) {
      break;
    }
#else
    pool.emplace_back(work, k);
#endif
    ++parts;
  }
  phase.emplace(static_cast<std::ptrdiff_t>(parts));
  go.count_down();
  body(std::size_t{0}, parts, sync);
  for (std::thread& t : pool) t.join();
}

/// Open-addressing map from a key of K numbers to the insertion index (0, 1, 2, ...), for
/// computing a prediction once per distinct key. E is a floating-point or integer type; keys are
/// equal when every element compares equal with == (so -0 equals +0 and a key with a NaN equals none).
template <class E, std::size_t K>
class key_memo {
 public:
  using key = std::array<E, K>;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  /// The index of `k`; `inserted` tells whether it is new (the caller then appends its value).
  std::size_t find_or_insert(const key& k, bool& inserted) { return find_or_insert(k, hash(k), inserted); }
  /// The same with `h` = hash(k) computed before (see prefetch).
  std::size_t find_or_insert(const key& k, std::size_t h, bool& inserted) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      slot& s = slots_[i];
      if (s.index == empty) {
        s.k = k, s.index = size_++;
        inserted = true;
        return s.index;
      }
      if (same(s.k, k)) {
        inserted = false;
        return s.index;
      }
    }
  }
  /// The index of `k`, or npos if it was never inserted.
  [[nodiscard]] std::size_t find(const key& k) const noexcept {
    if (slots_.empty()) return npos;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash(k) & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.index == empty) return npos;
      if (same(s.k, k)) return s.index;
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  /// The hash of `k` find_or_insert starts from.
  [[nodiscard]] static std::size_t hash(const key& k) noexcept {
    // one multiply per element, then MurmurHash3's 64-bit finalizer: every input bit reaches the low
    // bits used as the index (the low mantissa bits of whole numbers and day-grid ages are all zero)
    std::uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (const E v : k) h = (h ^ bits(v)) * 0xFF51AFD7ED558CCDULL, h ^= h >> 32;
    h ^= h >> 33, h *= 0xFF51AFD7ED558CCDULL, h ^= h >> 33, h *= 0xC4CEB9FE1A85EC53ULL, h ^= h >> 33;
    return static_cast<std::size_t>(h);
  }
  /// Loads the first slot a key of hash `h` probes into the cache (before a run of lookups).
  void prefetch(std::size_t h) const noexcept {
#if defined(__GNUC__) || defined(__clang__)
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & (slots_.size() - 1)]);
#else
    (void)h;
#endif
  }

 private:
  static constexpr std::size_t empty = npos;
  struct slot {
    key k{};
    std::size_t index = empty;
  };
  // element by element, without the call to memcmp that std::array's == makes for integer keys
  static bool same(const key& a, const key& b) noexcept {
    bool eq = true;
    for (std::size_t j = 0; j < K; ++j) eq &= a[j] == b[j];
    return eq;
  }
  static std::uint64_t bits(E v) noexcept {
    if constexpr (std::is_floating_point_v<E>) {
      const double d = static_cast<double>(v) + 0.0;  // -0 and +0 compare equal: hash them alike
      std::uint64_t u = 0;
      std::memcpy(&u, &d, sizeof u);
      return u;
    } else {
      return static_cast<std::uint64_t>(v);
    }
  }
  void grow() {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 256 : 2 * old.size(), slot{});
    const std::size_t mask = slots_.size() - 1;
    for (const slot& s : old) {
      if (s.index == empty) continue;
      std::size_t i = hash(s.k) & mask;
      while (slots_[i].index != empty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<slot> slots_;
  std::size_t size_ = 0;
};

/// The values of the distinct keys of group_rows: row i's `width` values are at(i) (valid in the
/// finish step for the rows before the first bad one).
template <std::floating_point T>
struct row_groups {
  std::unique_ptr<std::uint32_t[]> index;  ///< per row: its key's position in `values` / width
  std::vector<T> values;                   ///< width values per key
  std::size_t width = 1;
  [[nodiscard]] const T* at(std::size_t row) const noexcept { return values.data() + std::size_t{index[row]} * width; }
};

/// Fewer local keys than this in all parts together are merged without estimating their overlap.
inline constexpr std::size_t group_merge_always = 8192;
/// Keys of a part probed in part 0's keys to estimate the overlap of the parts' key sets.
inline constexpr std::size_t group_overlap_sample = 256;
/// Rows remapped and finished at a time by group_rows (the index of 64 KB stays in a core's L2).
inline constexpr std::size_t group_finish_rows = 16384;

/**
 * Rows grouped by key, for predictions whose costly part depends on a key of a few columns: each
 * distinct key's `width` values are computed once per key (compute(first_row, values) -> error_info),
 * then finish(g, begin, end) -> batch_failure fills rows [begin, end) from g.at(i). check(i) runs on
 * every row first (for the inputs the key leaves out). Returns the failure with the lowest row of
 * the three kinds (a check, a key's computation, named by the key's first row, or finish); finish
 * sees only rows before the first bad row of the other two, each with its key's values.
 * Threads (batch_options::threads) are started once: each part dedups its contiguous slice of rows
 * into its own keys; then, if the parts' key sets overlap (or are small), part 0 merges them into one
 * set, computed split across the parts, else each part computes its own keys (a key in two parts is
 * then computed twice, giving the same value: compute depends on the key only); then each part
 * finishes its slice. Results do not depend on the number of threads.
 */
template <class E, std::size_t K, std::floating_point T, class Check, class Key, class Compute, class Finish>
[[nodiscard]] batch_failure group_rows(std::size_t n, const batch_options& opt, std::size_t width, Check&& check, Key&& key,
                                       Compute&& compute, Finish&& finish) {
  row_groups<T> g;
  g.width = width;
  g.index.reset(new std::uint32_t[n]);  // not zeroed: each part's first touch of its slice, in parallel
  struct part {
    key_memo<E, K> memo;
    std::vector<std::array<E, K>> keys;
    std::vector<std::size_t> first;    // the first row of each local key
    std::vector<std::uint32_t> final;  // each local key's position in g.values / width
    batch_failure failure;             // its first bad row (check or compute)
  };
  const std::size_t threads = thread_count(n, opt);
  std::vector<part> parts(threads);
  bool merged = true;
  std::vector<std::size_t> first;  // merged: each key's first row, in order of first appearance
  batch_failure failure;           // the lowest of the check and compute failures
  std::vector<batch_failure> finished(threads);
  run_team(threads, [&](std::size_t k, std::size_t count, const auto& sync) {
    const auto bound = [&](std::size_t j, std::size_t of, std::size_t total) { return total / of * j + std::min(j, total % of); };
    const std::size_t begin = bound(k, count, n), end = bound(k + 1, count, n);
    part& p = parts[k];
    for (std::size_t i = begin; i < end; ++i) {
      if (const error_info e = check(i)) {
        p.failure = {e, i};
        break;
      }
      const std::array<E, K> kk = key(i);
      bool inserted = false;
      const std::size_t j = p.memo.find_or_insert(kk, inserted);
      if (inserted) p.keys.push_back(kk), p.first.push_back(i);
      g.index[i] = static_cast<std::uint32_t>(j);
    }
    sync();
    if (k == 0) {
      // merge unless the key sets are large and barely overlap (then the merge, serial, costs more
      // than computing the few shared keys twice)
      std::size_t total = 0;
      for (std::size_t q = 0; q < count; ++q) total += parts[q].keys.size();
      if (count > 1 && total >= group_merge_always) {
        std::size_t probed = 0, shared = 0;
        for (std::size_t q = 1; q < count; ++q) {
          const std::size_t m = parts[q].keys.size(), step = std::max<std::size_t>(1, m / group_overlap_sample);
          for (std::size_t j = 0; j < m; j += step, ++probed) shared += parts[0].memo.find(parts[q].keys[j]) != key_memo<E, K>::npos;
        }
        merged = 8 * shared > probed;  // more than 1 in 8 shared
      }
      if (merged) {
        key_memo<E, K> all;
        for (std::size_t q = 0; q < count; ++q) {
          part& pq = parts[q];
          pq.final.resize(pq.keys.size());
          for (std::size_t j = 0; j < pq.keys.size(); ++j) {
            bool inserted = false;
            pq.final[j] = static_cast<std::uint32_t>(all.find_or_insert(pq.keys[j], inserted));
            if (inserted) first.push_back(pq.first[j]);
          }
        }
        g.values.resize(first.size() * width);
      } else {
        std::size_t offset = 0;
        for (std::size_t q = 0; q < count; ++q) {
          part& pq = parts[q];
          pq.final.resize(pq.keys.size());
          for (std::size_t j = 0; j < pq.keys.size(); ++j) pq.final[j] = static_cast<std::uint32_t>(offset + j);
          offset += pq.keys.size();
        }
        g.values.resize(offset * width);
      }
    }
    sync();
    // keys in order of first appearance: a part stops at its first failing key, every key after it
    // having a later first row
    if (merged) {
      for (std::size_t j = bound(k, count, first.size()); j < bound(k + 1, count, first.size()); ++j)
        if (const error_info e = compute(first[j], g.values.data() + j * width)) {
          if (!p.failure || first[j] < p.failure.row) p.failure = {e, first[j]};
          break;
        }
    } else {
      for (std::size_t j = 0; j < p.keys.size(); ++j)
        if (const error_info e = compute(p.first[j], g.values.data() + std::size_t{p.final[j]} * width)) {
          if (!p.failure || p.first[j] < p.failure.row) p.failure = {e, p.first[j]};
          break;
        }
    }
    sync();
    batch_failure lowest;
    for (std::size_t q = 0; q < count; ++q)
      if (parts[q].failure && (!lowest || parts[q].failure.row < lowest.row)) lowest = parts[q].failure;
    if (k == 0) failure = lowest;
    const std::size_t limit = std::min(end, lowest ? lowest.row : n);
    for (std::size_t b0 = begin; b0 < limit; b0 += group_finish_rows) {
      const std::size_t b1 = std::min(limit, b0 + group_finish_rows);
      for (std::size_t i = b0; i < b1; ++i) g.index[i] = p.final[g.index[i]];
      if (const batch_failure f = finish(std::as_const(g), b0, b1)) {
        finished[k] = f;
        break;
      }
    }
  }, opt.executor);
  finished.push_back(failure);
  return first_failure(finished);
}

/// crm::validate's rules for one customer's x, t_x and T, branch-free (true: valid); the caller asks
/// validate() for the named error when it is false.
template <std::floating_point T>
[[nodiscard]] CRM_METRICS_DETAIL_VECTORIZE CRM_METRICS_DETAIL_ALWAYS_INLINE bool rfm_values_ok(T x, T tx, T age) noexcept {
  const T hi = std::numeric_limits<T>::max();
  // NaN fails every comparison; 0 <= tx <= age <= max makes tx and age finite
  return (x >= T(0)) & (x <= hi) & (x == std::floor(x)) & (tx >= T(0)) & (tx <= age) & (age <= hi) & ((x != T(0)) | (tx == T(0)));
}
/// crm::validate's rules for one row (rfm_values_ok and the weight), branch-free.
template <std::floating_point T>
[[nodiscard]] CRM_METRICS_DETAIL_VECTORIZE CRM_METRICS_DETAIL_ALWAYS_INLINE bool rfm_row_ok(const rfm_row<T>& c) noexcept {
  const bool values = rfm_values_ok(c.frequency, c.recency, c.age);
  return values & (c.weight > T(0)) & (c.weight <= std::numeric_limits<T>::max());
}

/// How the kernels read customers: rfm_row_source from an array of rfm_row (the row forms),
/// rfm_column_source from three columns (the columnar forms, weight 1). Both give x(i), tx(i), age(i),
/// ok(i) (crm::validate's rules, branch-free) and row(i) (the row crm::validate names the error of).
template <std::floating_point T>
struct rfm_row_source {
  const rfm_row<T>* p;
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T x(std::size_t i) const noexcept { return p[i].frequency; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T tx(std::size_t i) const noexcept { return p[i].recency; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T age(std::size_t i) const noexcept { return p[i].age; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE bool ok(std::size_t i) const noexcept { return rfm_row_ok(p[i]); }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE rfm_row<T> row(std::size_t i) const noexcept { return p[i]; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE rfm_row_source at(std::size_t i) const noexcept { return {p + i}; }
};
template <std::floating_point T>
struct rfm_column_source {
  const T* f;
  const T* r;
  const T* a;
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T x(std::size_t i) const noexcept { return f[i]; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T tx(std::size_t i) const noexcept { return r[i]; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T age(std::size_t i) const noexcept { return a[i]; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE bool ok(std::size_t i) const noexcept { return rfm_values_ok(f[i], r[i], a[i]); }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE rfm_row<T> row(std::size_t i) const noexcept { return {f[i], r[i], a[i], T(1)}; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE rfm_column_source at(std::size_t i) const noexcept { return {f + i, r + i, a + i}; }
};

/// The first invalid customer of src[begin, end) with crm::validate's error under `name`, or none.
template <class Src>
[[nodiscard]] batch_failure first_bad_customer(const Src& src, std::size_t begin, std::size_t end, const char* name) noexcept {
  for (std::size_t i = begin; i < end; ++i)
    if (!src.ok(i)) {
      const auto row = src.row(i);
      if (const error_info e = validate(std::span<const decltype(row)>(&row, 1), name)) return {e, i};
    }
  return {};
}
/// crm::validate's error of customer i (none if valid).
template <class Src>
[[nodiscard]] error_info customer_error(const Src& src, std::size_t i, const char* name) noexcept {
  if (src.ok(i)) return {};
  const auto row = src.row(i);
  return validate(std::span<const decltype(row)>(&row, 1), name);
}

/// Checks shared by every batch call: input not empty, output sized like the input.
template <class Row, class T>
[[nodiscard]] error_info check_batch_io(std::span<const Row> rows, std::span<T> out, const char* name) noexcept {
  if (rows.empty()) return {errc::empty_input, name, "customers"};
  if (out.size() != rows.size()) return {errc::malformed, name, "out", "must have one element per row"};
  return {};
}

/// Fills a new vector through an into-span batch function.
template <class T, class F>
[[nodiscard]] batch_result<std::vector<T>> into_vector(std::size_t n, F&& fill) {
  std::vector<T> out(n);
  const batch_result<std::span<T>> r = fill(std::span<T>(out));
  if (!r) return {r.error(), r.row()};
  return out;
}

// ---- BG/NBD family ---------------------------------------------------------------------------

template <class Model>
struct bgnbd_traits;
template <std::floating_point T>
struct bgnbd_traits<bg_nbd<T>> {
  static constexpr int shift = 0;
  static constexpr const char* alive = "bg_nbd.probability_alive";
  static constexpr const char* expected = "bg_nbd.conditional_expected_purchases";
  static constexpr const char* distribution = "bg_nbd.probability_of_purchases";
};
template <std::floating_point T>
struct bgnbd_traits<modified_bg_nbd<T>> {
  static constexpr int shift = 1;
  static constexpr const char* alive = "modified_bg_nbd.probability_alive";
  static constexpr const char* expected = "modified_bg_nbd.conditional_expected_purchases";
  static constexpr const char* distribution = "modified_bg_nbd.probability_of_purchases";
};

/// BG/NBD or modified BG/NBD, and its number type.
template <class M>
concept bgnbd_family = requires { bgnbd_traits<M>::shift; };
template <class M>
using bgnbd_number = std::remove_cvref_t<decltype(std::declval<const M&>().r)>;

/// P(alive) of the BG/NBD family's customers without purchases, kept per age: on a valid row x = 0
/// means t_x = 0, so the value depends on T alone, and ages on a day grid repeat. A direct-mapped
/// cache of `slots` ages (a NaN age is an empty slot: it equals nothing); a hit is the value the
/// scalar function's operations gave an earlier row with the same T, so the result is unchanged.
template <std::floating_point T>
struct alive_age_cache {
  static constexpr std::size_t slots = 1024;
  std::array<T, slots> age;
  std::array<T, slots> value;
  alive_age_cache() noexcept {
    age.fill(std::numeric_limits<T>::quiet_NaN());
    value.fill(T(0));
  }
  /// Fibonacci hashing of the age's bits (as a double): day-grid ages differ in their high bits.
  [[nodiscard]] static std::size_t slot(T v) noexcept {
    const double d = static_cast<double>(v) + 0.0;
    std::uint64_t u = 0;
    std::memcpy(&u, &d, sizeof u);
    return static_cast<std::size_t>((u * 0x9E3779B97F4A7C15ULL) >> 54);  // 10 bits: 1024 slots
  }
};

/// One pass over a block of n customers: (alpha+T)/(alpha+t_x) into ratio, and whether every one is
/// valid (rfm_values_ok, and the weight for rows; the caller names the error). Branch-free: it
/// vectorises.
template <std::floating_point T, int K, class Src>
[[nodiscard]] CRM_METRICS_DETAIL_VECTORIZE bool bgnbd_alive_ratio(const bgnbd_core<T, K>& m, const Src& src, T* ratio,
                                                                  std::size_t n) noexcept {
  long bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    bad |= !src.ok(i);
    ratio[i] = (m.alpha + src.age(i)) / (m.alpha + src.tx(i));
  }
  return bad == 0;
}
template <std::floating_point T, int K, class Src>
CRM_METRICS_DETAIL_VECTORIZE void bgnbd_alive_exponent(const bgnbd_core<T, K>& m, const Src& src, T* arg, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) arg[i] = (m.r + src.x(i)) * arg[i];
}
/// The vector paths' last pass: 1/(1 + a/D e) = D/(D + a e) with D = b+x+k-1, one division instead
/// of the scalar function's two (within the stated bound: 3.5 ulp of roundings against its 2), for
/// every row (1 where x + k = 0); false if a result is NaN (only for absurd parameters: the caller
/// redoes those rows by the scalar function). A row whose a e overflows while a/D e does not (P
/// near 1e-307: D/inf gave 0 where the scalar function gives a normal number) is made NaN, so the
/// scalar function computes it too.
template <std::floating_point T, int K, class Src>
[[nodiscard]] CRM_METRICS_DETAIL_VECTORIZE bool bgnbd_alive_finish(const bgnbd_core<T, K>& m, const Src& src, const T* e, T* out,
                                                                   std::size_t n) noexcept {
  const T k = static_cast<T>(K);
  long nan = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T x = src.x(i);
    const T d = m.b + (x + k - T(1));
    const T den = d + m.a * e[i];
    const T q = d / den;
    const bool one = x + k == T(0);
    // written as selects of the quotient (not a NaN chosen before dividing): GCC 12 vectorises this
    // form and not that one (measured: BG/NBD P(alive) on one thread, docs/batch.md)
    const bool bad = (!one) & ((q != q) | (den == std::numeric_limits<T>::infinity()));
    nan |= bad;
    out[i] = one ? T(1) : bad ? std::numeric_limits<T>::quiet_NaN() : q;
  }
  return nan == 0;
}
/// The rows of a block that need a log and an exp, branch-free: idx gets their indices, the others'
/// results are written now (BG/NBD's x = 0: 1; modified BG/NBD's x = 0 with a cached age: the cached
/// value). Returns how many need the computation.
template <std::floating_point T, int K, class Src>
[[nodiscard]] std::size_t bgnbd_alive_select(const Src& src, T* out, std::size_t n, std::uint32_t* idx,
                                             const alive_age_cache<T>& cache) noexcept {
  std::size_t cnt = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T x = src.x(i);
    bool need = true;
    if constexpr (K == 0) {
      out[i] = T(1);
      need = x != T(0);
    } else {
      const std::size_t s = alive_age_cache<T>::slot(src.age(i));
      out[i] = cache.value[s];
      need = !((x == T(0)) & (cache.age[s] == src.age(i)));
    }
    idx[cnt] = static_cast<std::uint32_t>(i);
    cnt += need ? 1u : 0u;
  }
  return cnt;
}

/// P(alive) of customers [begin, end) of `src` into out[begin, end), checking each block of
/// batch_block customers in the same pass that computes its ratios (the first bad one is returned
/// with crm::validate's error under `name`): the operations of bgnbd_core::probability_alive, its log
/// and exp evaluated per block. On a vector path (libmvec or SLEEF, double) for every row of the
/// block (measured: cheaper than selecting rows, 2 ns a row for both); on the std:: path only for the
/// rows that need them (BG/NBD: x > 0; modified BG/NBD: x > 0 and customers without purchases whose
/// age is not yet in the cache), gathered into a dense array. The block's results are stored at once
/// (with `stream`, by non-temporal stores).
template <std::floating_point T, int K, class Src>
[[nodiscard]] batch_failure bgnbd_alive_rows(const bgnbd_core<T, K>& m, const Src& src, T* out, std::size_t begin, std::size_t end,
                                             const char* name, bool stream = false) noexcept {
  alignas(64) T ratio[batch_block];
  alignas(64) T arg[batch_block];
  alignas(64) T res[batch_block];
  std::uint32_t idx[batch_block];
  const T k = static_cast<T>(K);
  [[maybe_unused]] alive_age_cache<T> cache;
  for (std::size_t b0 = begin; b0 < end; b0 += batch_block) {
    const std::size_t len = std::min(batch_block, end - b0);
    const Src blk = src.at(b0);
    if (!bgnbd_alive_ratio(m, blk, ratio, len)) return first_bad_customer(src, b0, b0 + len, name);
    bool clean = true;
    if constexpr (vector_math_is_vector && std::is_same_v<T, double>) {
      vlog(ratio, ratio, len);
      bgnbd_alive_exponent(m, blk, ratio, len);
      vexp(ratio, ratio, len);
      clean = bgnbd_alive_finish(m, blk, ratio, res, len);
    } else {
      const std::size_t cnt = bgnbd_alive_select<T, K>(blk, res, len, idx, cache);
      for (std::size_t j = 0; j < cnt; ++j) arg[j] = ratio[idx[j]];
      vlog(arg, arg, cnt);
      for (std::size_t j = 0; j < cnt; ++j) arg[j] = (m.r + blk.x(idx[j])) * arg[j];
      vexp(arg, arg, cnt);
      for (std::size_t j = 0; j < cnt; ++j) {
        const T odds = m.a / (m.b + (blk.x(idx[j]) + k - T(1))) * arg[j];
        clean &= odds == odds;
        res[idx[j]] = T(1) / (T(1) + odds);
      }
      if constexpr (K != 0)
        for (std::size_t j = 0; j < cnt; ++j)
          if (blk.x(idx[j]) == T(0)) {
            const std::size_t s = alive_age_cache<T>::slot(blk.age(idx[j]));
            cache.age[s] = blk.age(idx[j]), cache.value[s] = res[idx[j]];
          }
    }
    if (!clean)
      for (std::size_t i = 0; i < len; ++i)
        if (!(res[i] == res[i])) res[i] = m.probability_alive(blk.x(i), blk.tx(i), blk.age(i));
    store_block(res, out + b0, len, stream);
  }
  if (stream) stream_fence();
  return {};
}

template <class Model>
[[nodiscard]] auto bgnbd_core_of(const Model& m) noexcept {
  return bgnbd_core<std::remove_cvref_t<decltype(m.r)>, bgnbd_traits<Model>::shift>{m.r, m.alpha, m.a, m.b};
}

/// P(alive) of the BG/NBD family for n customers of `src`; `io` is the caller's check of the sizes,
/// reported after the parameters'.
template <class Model, std::floating_point T, class Src>
[[nodiscard]] batch_result<std::span<T>> bgnbd_batch_alive(const Model& model, const Src& src, std::size_t n, std::span<T> out,
                                                           const batch_options& opt, error_info io) {
  using tr = bgnbd_traits<Model>;
  const auto m = bgnbd_core_of(model);
  if (auto e = m.check(tr::alive)) return {e, no_row};
  if (io) return {io, no_row};
  const bool stream = use_stream_stores<T>(n, opt.stores);
  const batch_failure f = run_chunks(n, opt, [&](std::size_t begin, std::size_t end) {
    return bgnbd_alive_rows(m, src, out.data(), begin, end, tr::alive, stream);
  });
  if (f) return {f.error, f.row};
  return out;
}

/// E[Y(t) | x, t_x, T] of the BG/NBD family: conditional_bracket once per distinct (x, T), P(alive)
/// per row; the product in the scalar function's order.
/// n customers of `src`; `io` is the caller's check of the sizes, reported after the parameters' and
/// the horizon's.
template <class Model, std::floating_point T, class Src>
[[nodiscard]] batch_result<std::span<T>> bgnbd_batch_expected(const Model& model, const Src& src, std::size_t n, T t,
                                                              std::span<T> out, const batch_options& opt, error_info io) {
  using tr = bgnbd_traits<Model>;
  const auto m = bgnbd_core_of(model);
  using core = std::remove_cvref_t<decltype(m)>;
  if (auto e = m.check(tr::expected)) return {e, no_row};
  if (auto e = core::check_horizon(t, tr::expected)) return {e, no_row};
  if (io) return {io, no_row};
  const batch_failure f = group_rows<T, 2, T>(
      n, opt, 1, [&](std::size_t i) { return customer_error(src, i, tr::expected); },
      [&](std::size_t i) { return std::array<T, 2>{src.x(i), src.age(i)}; },
      [&](std::size_t i, T* v) -> error_info {
        const result<T> r = m.conditional_bracket(src.x(i), src.age(i), t, tr::expected);
        if (!r) return r.error();
        *v = *r;
        return {};
      },
      [&](const row_groups<T>& g, std::size_t begin, std::size_t end) -> batch_failure {
        (void)bgnbd_alive_rows(m, src, out.data(), begin, end, tr::expected);  // rows checked by group_rows
        for (std::size_t i = begin; i < end; ++i) out[i] = *g.at(i) * out[i];
        return {};
      });
  if (f) return {f.error, f.row};
  return out;
}

// ---- checks shared by the CLV kernels ---------------------------------------------------------

/// The scalar crm::try_customer_lifetime_value's check of one expected spend.
template <std::floating_point T>
[[nodiscard]] error_info check_clv_spend(T spend) noexcept {
  if (!(spend == spend) || spend > std::numeric_limits<T>::max()) return {errc::not_finite, "customer_lifetime_value", "expected_spend"};
  if (spend < T(0)) return {errc::negative, "customer_lifetime_value", "expected_spend"};
  return {};
}
/// The discounted sum of crm::try_customer_lifetime_value for cumulative expectations c_i = f(i)
/// (1-based), before the final "* margin * spend", in the scalar function's order of operations.
template <std::floating_point T, class F>
[[nodiscard]] T clv_sum(count_t periods, T discount_rate, F&& cumulative_at) {
  T value = 0, previous = 0, discount = 1;
  const T factor = T(1) / (T(1) + discount_rate);
  for (count_t i = 1; i <= periods; ++i) {
    const T cumulative = cumulative_at(i);
    discount *= factor;
    value += (cumulative - previous) * discount;
    previous = cumulative;
  }
  return value;
}
template <std::floating_point T>
[[nodiscard]] bool clv_finite(T v) noexcept {
  return v == v && v <= std::numeric_limits<T>::max() && v >= std::numeric_limits<T>::lowest();
}

/// The row forms' check of the sizes of a lifetime value call: rows not empty, `out` and
/// `expected_spend` one element per row.
template <std::floating_point T, class Row>
[[nodiscard]] error_info check_clv_rows_io(std::span<const Row> rows, std::span<const T> spend, std::span<T> out) noexcept {
  constexpr const char* name = "customer_lifetime_value";
  if (auto e = check_batch_io(rows, out, name)) return e;
  if (spend.size() != rows.size()) return {errc::malformed, name, "expected_spend", "must have one element per row"};
  return {};
}

/// CLV of the BG/NBD family for n customers of `src`: the brackets at the H horizons once per
/// distinct (x, T), P(alive) per row, then the scalar function's discounted sum; `io` is the caller's
/// check of the sizes, reported after the horizon's.
template <class Model, std::floating_point T, class Src>
[[nodiscard]] batch_result<std::span<T>> bgnbd_batch_clv(const Model& model, const Src& src, std::size_t n, std::span<const T> spend,
                                                         const clv_horizon<T>& h, std::span<T> out, const batch_options& opt,
                                                         error_info io) {
  using tr = bgnbd_traits<Model>;
  constexpr const char* name = "customer_lifetime_value";
  const auto m = bgnbd_core_of(model);
  using core = std::remove_cvref_t<decltype(m)>;
  if (auto e = h.check(name)) return {e, no_row};
  if (io) return {io, no_row};
  const std::size_t periods = static_cast<std::size_t>(h.periods);
  std::vector<T> horizons(periods);
  for (std::size_t i = 0; i < periods; ++i) horizons[i] = static_cast<T>(static_cast<count_t>(i + 1)) * h.period_length;
  const batch_failure f = group_rows<T, 2, T>(
      n, opt, periods,
      [&](std::size_t i) -> error_info {
        if (auto e = check_clv_spend(spend[i])) return e;
        if (auto e = m.check(tr::expected)) return e;
        if (auto e = customer_error(src, i, tr::expected)) return e;
        return core::check_horizon(horizons.back(), tr::expected);
      },
      [&](std::size_t i) { return std::array<T, 2>{src.x(i), src.age(i)}; },
      [&](std::size_t i, T* v) -> error_info {
        for (std::size_t p = 0; p < periods; ++p) {
          const result<T> r = m.conditional_bracket(src.x(i), src.age(i), horizons[p], tr::expected);
          if (!r) return r.error();
          v[p] = *r;
        }
        return {};
      },
      [&](const row_groups<T>& g, std::size_t begin, std::size_t end) -> batch_failure {
        (void)bgnbd_alive_rows(m, src, out.data(), begin, end, tr::expected);  // checked by group_rows
        for (std::size_t i = begin; i < end; ++i) {
          const T pa = out[i];
          const T* br = g.at(i);
          T v = clv_sum(h.periods, h.discount_rate, [&](count_t p) { return br[p - 1] * pa; });
          v *= h.margin * spend[i];
          if (!clv_finite(v)) return {error_info{errc::not_finite, name, "result"}, i};
          out[i] = v;
        }
        return {};
      });
  if (f) return {f.error, f.row};
  return out;
}

// ---- Pareto/NBD ---------------------------------------------------------------------------------

/// (1 - exp(-(s-1) L)) / (s-1), L at s = 1: pareto_nbd's growth term, same operations.
template <std::floating_point T>
[[nodiscard]] T pareto_growth(T s, T L) noexcept {
  const T e = s - T(1);
  if (e == T(0)) return L;
  return -std::expm1(-e * L) / e;
}
/// (r+x)/(alpha+T) (beta+T) growth(log1p(t/(beta+T))): the factor of P(alive) in pareto_nbd's
/// conditional expectation, in its order of operations.
template <std::floating_point T>
[[nodiscard]] T pareto_expected_factor(const pareto_nbd<T>& m, T x, T age, T t) noexcept {
  return (m.r + x) / (m.alpha + age) * (m.beta + age) * pareto_growth(m.s, std::log1p(t / (m.beta + age)));
}

/// P(alive) of Pareto/NBD for valid rows, as pareto_nbd::try_probability_alive computes it
/// (detail::pareto_nbd_log_odds_dead on its series path, then logistic_complement), with the terms
/// that depend on (x, T) only once per distinct (x, T): F(T) (the 2F1 at T, same term bound),
/// u2 = log F(T) - (r+s+x) log(d+T) and log(s) - log(r+s+x) + (r+x) log(alpha+T) + s log(beta+T),
/// added in the scalar function's order. Per customer the 2F1 at t_x remains; a customer whose
/// series does not converge, or whose closed form fails detail::pareto_closed_form_accurate (the
/// scalar function's test, on the same terms), goes to the scalar function itself (its quadrature, or
/// its error).
/// Customers without purchases (t_x = 0) depend on T alone: their P(alive) is kept with (0, T).
/// each() computes a range of rows in blocks, summing the 2F1 series at t_x of a block's customers
/// in lanes (hyp2f1_series_lanes: the same value as the series of at(), bit for bit).
template <std::floating_point T>
class pareto_alive_kernel {
 public:
  explicit pareto_alive_kernel(const pareto_nbd<T>& m) : m_(m) {}
  [[nodiscard]] result<T> at(const rfm_row<T>& c) { return at_entry(c, entry_of(c)); }
  /// at() for a row whose (x, T) entry is number j.
  [[nodiscard]] result<T> at_entry(const rfm_row<T>& c, std::size_t j) {
    entry& e = entries_[j];
    if (c.frequency == T(0) && e.has_zero) return e.zero;
    if (!(c.age > c.recency)) return finish(c, e, T(0), true);
    const hyp2f1_value<T> f1 = pareto_nbd_f<T>(m_.r, m_.alpha, m_.s, m_.beta, c.frequency, c.recency, false, pareto_prediction_series_terms);
    return finish(c, e, f1.log_value, f1.converged);
  }
  /// For the rows i of [begin, end) of src in order: check(i) (an error_info: the row's other
  /// inputs), then done(i, P(alive), key) (an error_info), the value at() gives and the number of the
  /// row's (x, T) (0, 1, 2, ... in order of first appearance, for callers that keep more per-(x, T)
  /// values). Stops at the first failing row, the same row a loop over at() stops at.
  template <class Src, class Check, class Done>
  [[nodiscard]] batch_failure each(const Src& src, std::size_t begin, std::size_t end, Check&& check, Done&& done) {
    constexpr std::size_t block = block_rows;
    for (std::size_t b0 = begin; b0 < end; b0 += block) {
      const std::size_t b1 = std::min(end, b0 + block);
      batch_failure stop{};
      std::size_t rows = b1 - b0, lanes = 0;
      // the memo's slots of the block's (x, T) come into the cache while the hashes are computed
      for (std::size_t i = b0; i < b1; ++i) {
        const rfm_row<T> c = src.row(i);
        hash_[i - b0] = key_memo<T, 2>::hash({c.frequency, c.age});
        memo_.prefetch(hash_[i - b0]);
      }
      // 1. checks, the (x, T) entries, and the customers whose value needs no series at t_x
      for (std::size_t i = b0; i < b1; ++i) {
        const std::size_t k = i - b0;
        if (const error_info e = check(i)) {
          stop = {e, i}, rows = k;
          break;
        }
        const rfm_row<T> c = src.row(i);
        row_[k] = c;
        key_of_[k] = entry_of(c, hash_[k]);
        if (c.frequency == T(0) || !(c.age > c.recency)) {
          const result<T> v = at_entry(c, key_of_[k]);  // no series at t_x, or the (0, T) value kept (first one: at once)
          if (!v) {
            stop = {v.error(), i}, rows = k;
            break;
          }
          value_[k] = *v, lane_of_[k] = block;
          continue;
        }
        // the arguments of pareto_nbd_f's log_hyp2f1 at t_x, and of the series it sums
        const pareto_nbd_f_args<T> f = pareto_nbd_f_arguments(m_.r, m_.alpha, m_.s, m_.beta, c.frequency, c.recency);
        const bool euler = hyp2f1_uses_euler(f.a, f.b, f.c, f.z);
        pa_[lanes] = f.a, pb_[lanes] = f.b, pc_[lanes] = f.c, pz_[lanes] = f.z, euler_[lanes] = euler;
        sa_[lanes] = euler ? f.c - f.a : f.a, sb_[lanes] = euler ? f.c - f.b : f.b;
        row_of_[lanes] = k, lane_of_[k] = lanes++;
      }
      // 2. the series at t_x, W at a time
      constexpr std::size_t W = 8;
      for (std::size_t l = 0; l < lanes; l += W) {
        const std::size_t w = std::min(W, lanes - l);
        hyp2f1_series_lanes<T, W>(sa_ + l, sb_ + l, pc_ + l, pz_ + l, w, pareto_prediction_series_terms, sum_ + l, conv_ + l, scalar_ + l);
      }
      // 3. the rest of each row's value, in row order
      if constexpr (vector_math_is_vector && std::is_same_v<T, double>) finish_lanes(lanes);
      for (std::size_t k = 0; k < rows; ++k) {
        const std::size_t i = b0 + k;
        T v = value_[k];
        const std::size_t l = lane_of_[k];
        if constexpr (vector_math_is_vector && std::is_same_v<T, double>) {
          if (l != block) {
            if (!fallback_[l]) {
              v = sum_[l];
            } else {
              const result<T> r = m_.try_probability_alive(row_[k]);
              if (!r) return {r.error(), i};
              v = *r;
            }
          }
        } else if (l != block) {
          hyp2f1_value<T> g;
          if (scalar_[l]) g = hyp2f1_series<T>(sa_[l], sb_[l], pc_[l], pz_[l], false, pareto_prediction_series_terms);
          else g.log_value = T(0) + std::log(sum_[l]), g.converged = conv_[l];
          const T f1 = euler_[l] ? hyp2f1_euler_log(pa_[l], pb_[l], pc_[l], std::log1p(-pz_[l]), g.log_value) : g.log_value;
          const result<T> r = finish(row_[k], entries_[key_of_[k]], f1, g.converged);
          if (!r) return {r.error(), i};
          v = *r;
        }
        if (const error_info e = done(i, v, key_of_[k])) return {e, i};
      }
      if (stop) return stop;
    }
    return {};
  }

 private:
  struct entry {
    T u2, c, zero, lf2, l2, cmag, g2;  // lf2 = log F(T), l2 = log(d+T), cmag: the magnitude of c's terms, g2: pareto_z_slope_bound at T
    bool converged, has_zero;
  };
  // The number of the entry of (x, T), made on first use.
  std::size_t entry_of(const rfm_row<T>& c) { return entry_of(c, key_memo<T, 2>::hash({c.frequency, c.age})); }
  std::size_t entry_of(const rfm_row<T>& c, std::size_t h) {
    const T r = m_.r, alpha = m_.alpha, s = m_.s, beta = m_.beta, x = c.frequency;
    bool inserted = false;
    const std::size_t j = memo_.find_or_insert({x, c.age}, h, inserted);
    if (inserted) {
      const T a = r + s + x;
      const T d = alpha >= beta ? alpha : beta;
      const hyp2f1_value<T> f2 = pareto_nbd_f<T>(r, alpha, s, beta, x, c.age, false, pareto_prediction_series_terms);
      const T l2 = std::log(d + c.age), ls = std::log(s), la = std::log(r + s + x), lat = std::log(alpha + c.age),
              lbt = std::log(beta + c.age);
      entries_.push_back({f2.log_value - a * l2, ls - la + (r + x) * lat + s * lbt, T(0), f2.log_value, l2,
                          std::abs(ls) + std::abs(la) + (r + x) * std::abs(lat) + s * std::abs(lbt),
                          pareto_z_slope_bound(r, alpha, s, beta, x, c.age), f2.converged, false});
    }
    return j;
  }
  // P(alive) from log F(t_x) (f1, unused when t_x == T) and its flag.
  [[nodiscard]] result<T> finish(const rfm_row<T>& c, entry& e, T f1, bool f1_converged) {
    const T x = c.frequency, a = m_.r + m_.s + x, d = m_.alpha >= m_.beta ? m_.alpha : m_.beta;
    T lo = -std::numeric_limits<T>::infinity();  // t_x == T: A0 = 0, surely alive
    T ex = 0;                                     // exp(-|lo|)
    if (c.age > c.recency) {
      if (!f1_converged || !e.converged) return m_.try_probability_alive(c);
      const T l1 = std::log(d + c.recency);
      const T u1 = f1 - a * l1;
      const T U = closed_form_magnitude(f1, e, a, l1, x, c.recency);
      // pareto_closed_form_accurate, with the functions it shares with P(alive) computed once
      bool accurate = false;
      if (u1 > e.u2) {
        const T em = -std::expm1(e.u2 - u1), l = std::log(em);
        lo = e.c + (u1 + l);
        ex = std::exp(-std::abs(lo));
        accurate = pareto_closed_form_accurate_above(e.cmag, u1, U, em, l, lo, ex);
      } else {
        accurate = pareto_closed_form_accurate_below(e.c, u1, U);  // lo stays -inf: surely alive
      }
      if (!accurate) {
        const result<T> v = m_.try_probability_alive(c);
        if (v && x == T(0)) e.zero = *v, e.has_zero = true;
        return v;
      }
    }
    const T pa = lo > T(0) ? ex / (T(1) + ex) : T(1) / (T(1) + ex);  // logistic_complement(lo)
    if (x == T(0)) e.zero = pa, e.has_zero = true;
    return pa;
  }
  // U of pareto_closed_form_accurate as pareto_log_death_term makes it (pareto_closed_form_magnitude
  // with pareto_z_slope_bound at t_x and T, the latter kept with the (x, T) entry).
  [[nodiscard]] T closed_form_magnitude(T f1, const entry& e, T a, T l1, T x, T tx) const noexcept {
    return pareto_closed_form_magnitude(f1, e.lf2, a, l1, e.l2, pareto_z_slope_bound(m_.r, m_.alpha, m_.s, m_.beta, x, tx), e.g2);
  }
  // On the vector paths (double): finish()'s steps for the lanes [0, lanes) of a block, each function
  // over all lanes at once through vector_math (log of the sums, log1p(-z) for Euler's transformation,
  // log(d + t_x), expm1(u2 - u1), the log of its negative, exp(-|lo|)), in finish()'s order of the
  // other operations. P(alive) goes to sum_[l]; fallback_[l] marks a lane finish() hands to the scalar
  // function (a series that did not converge, at t_x or at T, or a closed form that fails
  // pareto_closed_form_accurate).
  void finish_lanes(std::size_t lanes) {
    const T d = m_.alpha >= m_.beta ? m_.alpha : m_.beta;
    for (std::size_t l = 0; l < lanes; ++l) {
      lg_[l] = scalar_[l] ? T(1) : sum_[l];
      l1z_[l] = -pz_[l];
      ld_[l] = d + row_[row_of_[l]].recency;
    }
    vlog(lg_, lg_, lanes);
    vlog1p(l1z_, l1z_, lanes);
    vlog(ld_, ld_, lanes);
    for (std::size_t l = 0; l < lanes; ++l) {
      bool converged = conv_[l];
      if (scalar_[l]) {
        const hyp2f1_value<T> g = hyp2f1_series<T>(sa_[l], sb_[l], pc_[l], pz_[l], false, pareto_prediction_series_terms);
        lg_[l] = g.log_value, converged = g.converged;
      }
      const T f1 = euler_[l] ? hyp2f1_euler_log(pa_[l], pb_[l], pc_[l], l1z_[l], lg_[l]) : lg_[l];
      const entry& e = entries_[key_of_[row_of_[l]]];
      u1_[l] = f1 - pa_[l] * ld_[l];  // pa_[l] = r + s + x
      fallback_[l] = !converged || !e.converged;
      mag_[l] = closed_form_magnitude(f1, e, pa_[l], ld_[l], row_[row_of_[l]].frequency, row_[row_of_[l]].recency);
      above_[l] = u1_[l] > e.u2;
      tail_[l] = above_[l] ? e.u2 - u1_[l] : T(-1);
    }
    vexpm1(tail_, tail_, lanes);
    for (std::size_t l = 0; l < lanes; ++l) em_[l] = tail_[l] = above_[l] ? -tail_[l] : T(1);
    vlog(tail_, tail_, lanes);  // log(-expm1(u2 - u1))
    for (std::size_t l = 0; l < lanes; ++l) {
      // t_x < T always here; u1 <= u2 leaves lo = -inf (A0 <= 0 in finish(): surely alive)
      lm_[l] = tail_[l];
      lo_[l] = above_[l] ? entries_[key_of_[row_of_[l]]].c + (u1_[l] + tail_[l]) : -std::numeric_limits<T>::infinity();
      tail_[l] = -std::abs(lo_[l]);
    }
    vexp(tail_, tail_, lanes);
    for (std::size_t l = 0; l < lanes; ++l) {
      const T e = tail_[l];  // logistic_complement(lo): e = exp(-lo) when lo > 0, else exp(lo)
      sum_[l] = lo_[l] > T(0) ? e / (T(1) + e) : T(1) / (T(1) + e);
      // pareto_closed_form_accurate on the values just computed (its exp only where u1 <= u2, rare)
      const entry& en = entries_[key_of_[row_of_[l]]];
      if (!fallback_[l])
        fallback_[l] = above_[l] ? !pareto_closed_form_accurate_above(en.cmag, u1_[l], mag_[l], em_[l], lm_[l], lo_[l], e)
                                 : !pareto_closed_form_accurate_below(en.c, u1_[l], mag_[l]);
    }
  }
  static constexpr std::size_t block_rows = 256;
  const pareto_nbd<T>& m_;
  key_memo<T, 2> memo_;
  std::vector<entry> entries_;
  // each(): one block's rows and the series of its customers at t_x
  rfm_row<T> row_[block_rows];
  std::size_t key_of_[block_rows], lane_of_[block_rows], row_of_[block_rows], hash_[block_rows];
  T value_[block_rows], pa_[block_rows], pb_[block_rows], pc_[block_rows], pz_[block_rows], sa_[block_rows], sb_[block_rows],
      sum_[block_rows], lg_[block_rows], l1z_[block_rows], ld_[block_rows], u1_[block_rows], tail_[block_rows], lo_[block_rows],
      mag_[block_rows], em_[block_rows], lm_[block_rows];
  bool euler_[block_rows], conv_[block_rows], scalar_[block_rows], fallback_[block_rows], above_[block_rows];
};

/// n customers of `src`; `io` is the caller's check of the sizes, reported after the parameters'.
template <std::floating_point T, class Src>
[[nodiscard]] batch_result<std::span<T>> pareto_batch_alive(const pareto_nbd<T>& m, const Src& src, std::size_t n, std::span<T> out,
                                                            const batch_options& opt, error_info io) {
  constexpr const char* name = "pareto_nbd.probability_alive";
  if (auto e = m.check(name)) return {e, no_row};
  if (io) return {io, no_row};
  const batch_failure f = run_chunks(n, opt, [&](std::size_t begin, std::size_t end) -> batch_failure {
    pareto_alive_kernel<T> alive(m);
    return alive.each(
        src, begin, end, [&](std::size_t i) { return customer_error(src, i, name); },
        [&](std::size_t i, T v, std::size_t) {
          out[i] = v;
          return error_info{};
        });
  });
  if (f) return {f.error, f.row};
  return out;
}

/// Pareto/NBD's conditional expectation of n customers of `src`: P(alive) by pareto_alive_kernel, the
/// factor once per (x, T); `io` is the caller's check of the sizes, reported after the parameters'
/// and t's.
template <std::floating_point T, class Src>
[[nodiscard]] batch_result<std::span<T>> pareto_batch_expected(const pareto_nbd<T>& m, const Src& src, std::size_t n, T t,
                                                               std::span<T> out, const batch_options& opt, error_info io) {
  constexpr const char* name = "pareto_nbd.conditional_expected_purchases";
  if (auto e = m.check(name)) return {e, no_row};
  if (!std::isfinite(t)) return {error_info{errc::not_finite, name, "t"}, no_row};
  if (t < T(0)) return {error_info{errc::negative, name, "t"}, no_row};
  if (io) return {io, no_row};
  const batch_failure f = run_chunks(n, opt, [&](std::size_t begin, std::size_t end) -> batch_failure {
    pareto_alive_kernel<T> alive(m);
    std::vector<T> factors;  // per (x, T), numbered as the kernel numbers them (in row order)
    // Each thread's own copies of the source, the output's start and t (rather than the caller's,
    // through references): on two threads the 1M-row benchmark then took 26-27 ms instead of 35-36
    // (1 thread: 52-53 ms either way; g++ 12, 2026-12-05). Why the references cost that much here
    // and not in P(alive) or the columnar form is not understood: any one of the three copies is
    // enough, which points at the code's or the frame's layout rather than at the data.
    const Src s = src;
    T* const o = out.data();
    const T h = t;
    return alive.each(
        s, begin, end, [&](std::size_t i) { return customer_error(s, i, name); },
        [&](std::size_t i, T pa, std::size_t j) {
          if (j == factors.size()) {
            const rfm_row<T> c = s.row(i);
            factors.push_back(pareto_expected_factor(m, c.frequency, c.age, h));
          }
          o[i] = factors[j] * pa;
          return error_info{};
        });
  });
  if (f) return {f.error, f.row};
  return out;
}

/// Pareto/NBD's CLV of n customers of `src`; `io` is the caller's check of the sizes, reported after
/// the horizon's.
template <std::floating_point T, class Src>
[[nodiscard]] batch_result<std::span<T>> pareto_batch_clv(const pareto_nbd<T>& m, const Src& src, std::size_t n, std::span<const T> spend,
                                                          const clv_horizon<T>& h, std::span<T> out, const batch_options& opt,
                                                          error_info io) {
  constexpr const char* name = "customer_lifetime_value";
  constexpr const char* expected = "pareto_nbd.conditional_expected_purchases";
  if (auto e = h.check(name)) return {e, no_row};
  if (io) return {io, no_row};
  const std::size_t periods = static_cast<std::size_t>(h.periods);
  std::vector<T> horizons(periods);
  for (std::size_t i = 0; i < periods; ++i) horizons[i] = static_cast<T>(static_cast<count_t>(i + 1)) * h.period_length;
  const batch_failure f = run_chunks(n, opt, [&](std::size_t begin, std::size_t end) -> batch_failure {
    pareto_alive_kernel<T> alive(m);
    std::vector<T> factors;  // periods values per (x, T), numbered as the kernel numbers them (in row order)
    return alive.each(
        src, begin, end,
        [&](std::size_t i) -> error_info {
          if (auto e = check_clv_spend(spend[i])) return e;
          if (auto e = m.check(expected)) return e;
          if (auto e = customer_error(src, i, expected)) return e;
          if (!std::isfinite(horizons.back())) return error_info{errc::not_finite, expected, "t"};
          return {};
        },
        [&](std::size_t i, T a, std::size_t j) -> error_info {
          if (j * periods == factors.size()) {
            const rfm_row<T> c = src.row(i);
            for (std::size_t p = 0; p < periods; ++p) factors.push_back(pareto_expected_factor(m, c.frequency, c.age, horizons[p]));
          }
          const T* fac = factors.data() + j * periods;
          T v = clv_sum(h.periods, h.discount_rate, [&](count_t p) { return fac[p - 1] * a; });
          v *= h.margin * spend[i];
          if (!clv_finite(v)) return error_info{errc::not_finite, name, "result"};
          out[i] = v;
          return {};
        });
  });
  if (f) return {f.error, f.row};
  return out;
}

// ---- any model: once per distinct key by the scalar function ----------------------------------

/// out[i] = compute(i) once per distinct key(i) (compute returns crm::result<T>); check(i) (an
/// error_info) runs on every row first, for the inputs the key leaves out (the weight).
template <class E, std::size_t K, std::floating_point T, class Check, class Key, class Compute>
[[nodiscard]] batch_result<std::span<T>> memo_batch(std::size_t n, std::span<T> out, const batch_options& opt, Check&& check,
                                                    Key&& key, Compute&& compute) {
  const batch_failure f = group_rows<E, K, T>(
      n, opt, 1, check, key,
      [&](std::size_t i, T* v) -> error_info {
        const result<T> r = compute(i);
        if (!r) return r.error();
        *v = *r;
        return {};
      },
      [&](const row_groups<T>& g, std::size_t begin, std::size_t end) -> batch_failure {
        for (std::size_t i = begin; i < end; ++i) out[i] = *g.at(i);
        return {};
      });
  if (f) return {f.error, f.row};
  return out;
}

/// P(X(t_i) = n_i) for pairs, once per distinct pair, by the model's scalar function.
template <class Model, std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> batch_distribution(const Model& m, std::span<const count_t> n, std::span<const T> t,
                                                            std::span<T> out, const batch_options& opt, const char* name) {
  if (n.empty()) return {error_info{errc::empty_input, name, "n"}, no_row};
  if (t.size() != n.size()) return {error_info{errc::malformed, name, "t", "must have one element per n"}, no_row};
  if (out.size() != n.size()) return {error_info{errc::malformed, name, "out", "must have one element per n"}, no_row};
  return memo_batch<T, 2>(
      n.size(), out, opt, [](std::size_t) { return error_info{}; }, [&](std::size_t i) { return std::array<T, 2>{static_cast<T>(n[i]), t[i]}; },
      [&](std::size_t i) { return m.try_probability_of_purchases(n[i], t[i]); });
}

// ---- the nested models (crm::nbd, the homogeneous models): the scalar functions row by row ---------

/// The nested models of the boundaries (crm/models/nbd.hpp, crm/models/homogeneous.hpp): their
/// scalar functions' names and whether a row's prediction is worth computing once per distinct
/// (x, t_x, T) (`grouped`: the homogeneous Pareto/NBD's death-time integral) or is cheaper computed
/// again than looked up (a few logarithms and exponentials: the NBD, the homogeneous BG/NBD family).
struct nested_batch_names {
  bool grouped;
  const char* alive;
  const char* expected;
  const char* distribution;
};
template <class Model>
struct nested_batch_traits;
template <std::floating_point T>
struct nested_batch_traits<nbd<T>> {
  static constexpr nested_batch_names of{false, "nbd.probability_alive", "nbd.conditional_expected_purchases", "nbd.probability_of_purchases"};
};
template <std::floating_point T, int Shift>
struct nested_batch_traits<homogeneous_bgnbd_family<T, Shift>> {
  static constexpr nested_batch_names of =
      Shift == 0 ? nested_batch_names{false, "homogeneous_bg_nbd.probability_alive", "homogeneous_bg_nbd.conditional_expected_purchases",
                                      "homogeneous_bg_nbd.probability_of_purchases"}
                 : nested_batch_names{false, "homogeneous_modified_bg_nbd.probability_alive",
                                      "homogeneous_modified_bg_nbd.conditional_expected_purchases",
                                      "homogeneous_modified_bg_nbd.probability_of_purchases"};
};
template <std::floating_point T>
struct nested_batch_traits<homogeneous_pareto_nbd<T>> {
  static constexpr nested_batch_names of{true, "homogeneous_pareto_nbd.probability_alive", "homogeneous_pareto_nbd.conditional_expected_purchases",
                                         "homogeneous_pareto_nbd.probability_of_purchases"};
};
// (the zero-inflated NBD of the corners s, beta -> 0 and a, b -> 0: a logarithm and an exponential a row)
template <std::floating_point T>
struct nested_batch_traits<zero_inflated_nbd<T>> {
  static constexpr nested_batch_names of{false, "zero_inflated_nbd.probability_alive", "zero_inflated_nbd.conditional_expected_purchases",
                                         "zero_inflated_nbd.probability_of_purchases"};
};
// (BG/NBD's limit at a, b -> 0: as cheap)
template <std::floating_point T>
struct nested_batch_traits<first_repeat_dropout_nbd<T>> {
  static constexpr nested_batch_names of{false, "first_repeat_dropout_nbd.probability_alive",
                                         "first_repeat_dropout_nbd.conditional_expected_purchases",
                                         "first_repeat_dropout_nbd.probability_of_purchases"};
};
/// crm::nbd, crm::homogeneous_bg_nbd, crm::homogeneous_modified_bg_nbd, crm::homogeneous_pareto_nbd,
/// crm::zero_inflated_nbd or crm::first_repeat_dropout_nbd.
template <class M>
concept nested_model = requires { nested_batch_traits<M>::of; };

/// out[i] = value(i) (a crm::result<T>: the scalar function of row i, which checks the row) for every
/// row: over threads in contiguous chunks (run_chunks), or, for a `grouped` model, once per distinct
/// (x, t_x, T) (memo_batch), with check(i) first on every row (the row's own error, which the key's
/// first row does not give). Returns the first bad row's error.
template <class M, std::floating_point T, class Check, class Value>
[[nodiscard]] batch_result<std::span<T>> nested_rows(std::span<const rfm_row<T>> rows, std::span<T> out, const batch_options& opt,
                                                     Check&& check, Value&& value) {
  if constexpr (nested_batch_traits<M>::of.grouped) {
    return memo_batch<T, 3>(
        rows.size(), out, opt, check,
        [&](std::size_t i) { return std::array<T, 3>{rows[i].frequency, rows[i].recency, rows[i].age}; }, value);
  } else {
    const batch_failure f = run_chunks(rows.size(), opt, [&](std::size_t begin, std::size_t end) -> batch_failure {
      for (std::size_t i = begin; i < end; ++i) {
        if (const error_info e = check(i)) return {e, i};
        const result<T> r = value(i);
        if (!r) return {r.error(), i};
        out[i] = *r;
      }
      return {};
    });
    if (f) return {f.error, f.row};
    return out;
  }
}
/// nested_rows' check of a row for a `grouped` model: its error as the scalar function `scalar(row)`
/// gives it (none for a valid row; the scalar function is called only for an invalid one, by
/// crm::validate's rules). None for the other models, whose scalar function runs on every row and
/// gives the row's error itself.
template <class M, std::floating_point T, class Scalar>
[[nodiscard]] error_info nested_row_error(const rfm_row<T>& c, Scalar&& scalar) {
  if (!nested_batch_traits<M>::of.grouped || rfm_row_ok(c)) return {};
  const auto r = scalar(c);
  return r ? error_info{} : r.error();
}

// ---- Gamma-Gamma --------------------------------------------------------------------------------

/// Whether the n elements at `a` and the m at `b` share a byte (compared as integer addresses).
template <class A, class B>
[[nodiscard]] bool ranges_overlap(const A* a, std::size_t n, const B* b, std::size_t m) noexcept {
  const auto a0 = reinterpret_cast<std::uintptr_t>(a), b0 = reinterpret_cast<std::uintptr_t>(b);
  return a0 < b0 + m * sizeof(B) && b0 < a0 + n * sizeof(A);
}

/// How the Gamma-Gamma kernel reads customers: from spend_row (the weight is not read) or from two
/// columns.
template <std::floating_point T>
struct spend_row_source {
  const spend_row<T>* p;
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T x(std::size_t i) const noexcept { return p[i].frequency; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T z(std::size_t i) const noexcept { return p[i].average_spend; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE spend_row_source at(std::size_t i) const noexcept { return {p + i}; }
  /// Whether out[0, n) shares a byte with rows [0, n).
  [[nodiscard]] bool overlaps(const T* out, std::size_t n) const noexcept { return ranges_overlap(p, n, out, n); }
};
template <std::floating_point T>
struct spend_column_source {
  const T* f;
  const T* s;
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T x(std::size_t i) const noexcept { return f[i]; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE T z(std::size_t i) const noexcept { return s[i]; }
  [[nodiscard]] CRM_METRICS_DETAIL_ALWAYS_INLINE spend_column_source at(std::size_t i) const noexcept { return {f + i, s + i}; }
  /// Whether out[0, n) shares a byte with either column's [0, n).
  [[nodiscard]] bool overlaps(const T* out, std::size_t n) const noexcept { return ranges_overlap(f, n, out, n) || ranges_overlap(s, n, out, n); }
};

/// E[Z | x, zbar] for customers [0, n) of `src`: gamma_gamma::try_conditional_expected_average_spend's
/// formula and checks, branch-free per block; a block with a bad row is redone by the scalar function
/// to find its error.
template <std::floating_point T, class Src>
[[nodiscard]] CRM_METRICS_DETAIL_VECTORIZE bool spend_block(const gamma_gamma<T>& m, const Src& src, T* out, std::size_t n) noexcept {
  const T p = m.p, q = m.q, pg = m.p * m.gamma;
  const T big = T(1e18), hi = std::numeric_limits<T>::max();
  long bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T x = src.x(i), z = src.z(i);
    const T px = p * x;
    const T r = T(1) / (px + q - T(1));
    const T w = px * r;
    const T population = pg * r;
    const T v = population + w * z;
    const bool whole = (x >= big) | (x == std::trunc(x));
    // x and z finite and >= 0 (NaN fails every comparison); (x == 0 and z == 0) or (x > 0 and z > 0);
    // v finite (v - v is 0 exactly then)
    const bool ok = (x >= T(0)) & (x <= hi) & (z >= T(0)) & (z <= hi) & whole & ((x > T(0)) == (z > T(0))) & (px + q > T(1)) &
                    (v - v == T(0));
    bad |= !ok;
    out[i] = v;
  }
  return bad == 0;
}
/// spend_block over customers [begin, end) in blocks of 4 x batch_block, each computed into a buffer
/// and then stored (with `stream`, by non-temporal stores: see store_block).
template <std::floating_point T, class Src>
[[nodiscard]] batch_failure spend_rows(const gamma_gamma<T>& m, const Src& src, T* out, std::size_t begin, std::size_t end,
                                       bool stream, bool direct) noexcept {
  constexpr std::size_t block = 4 * batch_block;
  alignas(64) T buf[block];
  for (std::size_t b0 = begin; b0 < end; b0 += block) {
    const std::size_t len = std::min(end - b0, block);
    if (spend_block(m, src.at(b0), direct ? out + b0 : buf, len)) {
      if (!direct) store_block(buf, out + b0, len, stream);
      continue;
    }
    for (std::size_t i = b0; i < b0 + len; ++i) {
      const result<T> v = m.try_conditional_expected_average_spend(src.x(i), src.z(i));
      if (!v) return {v.error(), i};
      out[i] = *v;
    }
  }
  if (stream) stream_fence();
  return {};
}

/// Gamma-Gamma's expected spend of n customers of `src`; `io` is the caller's check of the sizes.
template <std::floating_point T, class Src>
[[nodiscard]] batch_result<std::span<T>> spend_batch(const gamma_gamma<T>& m, const Src& src, std::size_t n, std::span<T> out,
                                                     const batch_options& opt, error_info io) {
  if (auto e = m.check("gamma_gamma.conditional_expected_average_spend")) return {e, no_row};
  if (io) return {io, no_row};
  const bool stream = use_stream_stores<T>(n, opt.stores);
  // Plain stores go straight into `out` when it shares no byte with the input (a copy from a buffer
  // cost ~13 % of the rows' time); streamed ones, and an output that overlaps the input (a block's
  // inputs are all read before any of its results is written), go through the buffer.
  const bool direct = !stream && !src.overlaps(out.data(), n);
  const batch_failure f =
      run_chunks(n, opt, [&](std::size_t begin, std::size_t end) { return spend_rows(m, src, out.data(), begin, end, stream, direct); });
  if (f) return {f.error, f.row};
  return out;
}

/// The checks of the columnar forms: not empty; every column and `out` as long as the first column
/// (`first`), the longer-or-shorter one named.
template <class T, class U>
[[nodiscard]] error_info check_columns_io(std::span<const T> first, std::initializer_list<std::pair<std::size_t, const char*>> others,
                                          std::span<U> out, const char* name) noexcept {
  if (first.empty()) return {errc::empty_input, name, "customers"};
  for (const auto& [size, field] : others)
    if (size != first.size()) return {errc::malformed, name, field, "must have one element per frequency"};
  if (out.size() != first.size()) return {errc::malformed, name, "out", "must have one element per row"};
  return {};
}
/// check_columns_io for transaction columns (and, for the lifetime value, `expected_spend`).
template <std::floating_point T>
[[nodiscard]] error_info check_rfm_columns_io(const rfm_column_view<T>& c, std::span<T> out, const char* name,
                                              const std::span<const T>* spend = nullptr) noexcept {
  if (spend) return check_columns_io(c.frequency, {{c.recency.size(), "recency"}, {c.age.size(), "age"}, {spend->size(), "expected_spend"}}, out, name);
  return check_columns_io(c.frequency, {{c.recency.size(), "recency"}, {c.age.size(), "age"}}, out, name);
}
/// The kernels' reader of transaction columns.
template <std::floating_point T>
[[nodiscard]] rfm_column_source<T> source_of(const rfm_column_view<T>& c) noexcept {
  return {c.frequency.data(), c.recency.data(), c.age.data()};
}

}  // namespace detail

// =================================================================================================
// Public API. Every function has an into-span form (no allocation; `out` has one element per row),
// a `try_` form returning a new vector and a throwing form; errors are crm::batch_result /
// crm::batch_error carrying the scalar function's error_info and the 0-based index of the first bad
// row (crm::no_row for a bad parameter, horizon or size). Row weights are validated, never used.
// =================================================================================================

/**
 * @brief P(alive | x, t_x, T) of every row (probabilities): BG/NBD and modified BG/NBD
 * 1 / (1 + a/(b+x+k-1) ((alpha+T)/(alpha+t_x))^(r+x)) (Fader, Hardie & Lee 2008 note; Batislam et al.
 * 2007), Pareto/NBD 1 / (1 + s/(r+s+x) (alpha+T)^(r+x) (beta+T)^s A0) (Fader & Hardie 2005 note).
 * Equal to the model's probability_alive(row). BG/NBD family: one log and one exp per row with
 * x + k > 0 on the std:: path (none for BG/NBD's x = 0); on the vector paths (libmvec: the default
 * on glibc x86-64) each result is within (8 + 6|y|) ulp of the std:: one with libmvec, (5 + 3|y|)
 * with SLEEF, y = (r+x) ln((alpha+T)/(alpha+t_x))
 * (the log's difference of 4.5 or 1.5 ulp is multiplied by |y| in the exponent; docs/batch.md).
 * Pareto/NBD: F(T) and the terms in T once per distinct (x, T), the 2F1 at t_x per
 * customer with purchases, those without once per T; bit-identical on the std:: path (a series that
 * does not converge goes to the scalar function); on the vector paths the six logarithms and
 * exponentials of a customer with purchases and t_x < T go through vector_math, within
 * 8 + 8 (1-P)(U/(1-e^delta) + |L| + |C| + 1) ulp of the std:: result (docs/batch.md, "Same results as
 * the scalar functions", defines the terms; tests/pareto_alive_bound.hpp computes it).
 * Errors: the scalar function's for the first bad row (crm::validate's rules), a bad parameter
 * (crm::no_row), empty input, `out` of another size.
 */
template <detail::bgnbd_family M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_alive(const M& m,
                                                                     std::type_identity_t<std::span<const rfm_row<T>>> rows,
                                                                     std::span<T> out, const batch_options& opt = {}) {
  return detail::bgnbd_batch_alive(m, detail::rfm_row_source<T>{rows.data()}, rows.size(), out, opt,
                                   detail::check_batch_io(rows, out, detail::bgnbd_traits<M>::alive));
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_alive(const pareto_nbd<T>& m,
                                                                     std::type_identity_t<std::span<const rfm_row<T>>> rows,
                                                                     std::span<T> out, const batch_options& opt = {}) {
  return detail::pareto_batch_alive(m, detail::rfm_row_source<T>{rows.data()}, rows.size(), out, opt,
                                    detail::check_batch_io(rows, out, "pareto_nbd.probability_alive"));
}
/// BG/BB: P(active at opportunity n + ahead | x, t_x, n) of every row (Fader, Hardie & Shang 2010),
/// equal to bg_bb::probability_alive(row, ahead); computed once per distinct (x, t_x, n).
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_alive(const bg_bb<T>& m,
                                                                     std::type_identity_t<std::span<const discrete_row<T>>> rows,
                                                                     std::span<T> out, count_t ahead = 1,
                                                                     const batch_options& opt = {}) {
  constexpr const char* name = "bg_bb.probability_alive";
  if (auto e = m.check(name)) return {e, no_row};
  if (ahead < 0) return {error_info{errc::negative, name, "ahead"}, no_row};
  if (auto e = detail::check_batch_io(rows, out, name)) return {e, no_row};
  return detail::memo_batch<count_t, 3>(
      rows.size(), out, opt, [&](std::size_t i) { return detail::check_discrete_row(rows[i], name); },
      [&](std::size_t i) { return std::array<count_t, 3>{rows[i].frequency, rows[i].recency, rows[i].periods}; },
      [&](std::size_t i) { return m.try_probability_alive(rows[i], ahead); });
}

/// New-vector form of try_batch_probability_alive (same errors).
template <class Model, class Row>
[[nodiscard]] auto try_batch_probability_alive(const Model& m, const std::vector<Row>& rows, const batch_options& opt = {})
    -> batch_result<std::vector<std::remove_cvref_t<decltype(rows[0].weight)>>> {
  using T = std::remove_cvref_t<decltype(rows[0].weight)>;
  return detail::into_vector<T>(rows.size(), [&](std::span<T> out) {
    if constexpr (std::is_same_v<Row, discrete_row<T>>)
      return try_batch_probability_alive(m, std::span<const Row>(rows), out, count_t{1}, opt);
    else
      return try_batch_probability_alive(m, std::span<const Row>(rows), out, opt);
  });
}
/// Throwing form (crm::batch_error).
template <class Model, class Row>
[[nodiscard]] auto batch_probability_alive(const Model& m, const std::vector<Row>& rows, const batch_options& opt = {}) {
  return try_batch_probability_alive(m, rows, opt).value();
}

/**
 * @brief Columnar form: P(alive) of every customer of `cols` (crm::rfm_column_view: frequency, recency
 * and age as three arrays), for BG/NBD, modified BG/NBD and Pareto/NBD: the same formula, path and
 * result as the row form for the row {x[i], t_x[i], T[i], 1} (bit for bit on the std:: path; on the
 * vector paths within the row form's bound, and equal to the row form's result). Each block of
 * customers is checked in the pass that computes its ratios (α+T)/(α+t_x), reading 24 bytes a
 * customer instead of a row's 32.
 * Errors: as the row form (the first bad customer by index, with crm::validate's error naming the
 * field; no weight to check); a column of another length than `frequency` is `errc::malformed` on
 * "recency" or "age", `out` of another length on "out"; no customers is `errc::empty_input`.
 */
template <detail::bgnbd_family M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_alive(const M& m, const std::type_identity_t<rfm_column_view<T>>& cols,
                                                                     std::span<T> out, const batch_options& opt = {}) {
  return detail::bgnbd_batch_alive(m, detail::source_of(cols), cols.frequency.size(), out, opt,
                                   detail::check_rfm_columns_io(cols, out, detail::bgnbd_traits<M>::alive));
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_alive(const pareto_nbd<T>& m, const std::type_identity_t<rfm_column_view<T>>& cols,
                                                                     std::span<T> out, const batch_options& opt = {}) {
  return detail::pareto_batch_alive(m, detail::source_of(cols), cols.frequency.size(), out, opt,
                                    detail::check_rfm_columns_io(cols, out, "pareto_nbd.probability_alive"));
}
/// New-vector form of the columnar try_batch_probability_alive (same errors).
template <class Model, std::floating_point T>
[[nodiscard]] batch_result<std::vector<T>> try_batch_probability_alive(const Model& m, const rfm_column_view<T>& cols,
                                                                       const batch_options& opt = {}) {
  return detail::into_vector<T>(cols.frequency.size(), [&](std::span<T> out) { return try_batch_probability_alive(m, cols, out, opt); });
}
/// Throwing form (crm::batch_error).
template <class Model, std::floating_point T>
[[nodiscard]] std::vector<T> batch_probability_alive(const Model& m, const rfm_column_view<T>& cols, const batch_options& opt = {}) {
  return try_batch_probability_alive(m, cols, opt).value();
}

/**
 * @brief E[Y(t) | x, t_x, T], the expected purchases of every row in the next t (purchases; BG/BB:
 * the next t opportunities), equal to the model's conditional_expected_purchases(row, t).
 * BG/NBD family: (a+b+x+k-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(...)] x P(alive)
 * (FHL 2005 eq. 10), the bracket with its 2F1 once per distinct (x, T), P(alive) per row as in
 * try_batch_probability_alive (on a vector path the same bound plus 1 ulp). Pareto/NBD: (r+x)(beta+T)/((alpha+T)
 * (s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive), the factor once per (x, T), P(alive) per
 * customer with purchases (once per T without), bit-identical on the std:: path (on a vector path
 * P(alive)'s bound plus 1 ulp). BG/BB: once per distinct (x, t_x, n), bit-identical.
 * Errors: those of the scalar function, for the first bad row or for the parameters and t (no_row).
 */
template <detail::bgnbd_family M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_purchases(
    const M& m, std::type_identity_t<std::span<const rfm_row<T>>> rows, std::type_identity_t<T> t, std::span<T> out,
    const batch_options& opt = {}) {
  return detail::bgnbd_batch_expected(m, detail::rfm_row_source<T>{rows.data()}, rows.size(), t, out, opt,
                                      detail::check_batch_io(rows, out, detail::bgnbd_traits<M>::expected));
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_purchases(
    const pareto_nbd<T>& m, std::type_identity_t<std::span<const rfm_row<T>>> rows, std::type_identity_t<T> t,
    std::span<T> out, const batch_options& opt = {}) {
  return detail::pareto_batch_expected(m, detail::rfm_row_source<T>{rows.data()}, rows.size(), t, out, opt,
                                       detail::check_batch_io(rows, out, "pareto_nbd.conditional_expected_purchases"));
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_purchases(
    const bg_bb<T>& m, std::type_identity_t<std::span<const discrete_row<T>>> rows, std::type_identity_t<T> future_periods,
    std::span<T> out, const batch_options& opt = {}) {
  constexpr const char* name = "bg_bb.conditional_expected_purchases";
  if (auto e = m.check(name)) return {e, no_row};
  if (auto e = detail::check_batch_io(rows, out, name)) return {e, no_row};
  return detail::memo_batch<count_t, 3>(
      rows.size(), out, opt, [&](std::size_t i) { return detail::check_discrete_row(rows[i], name); },
      [&](std::size_t i) { return std::array<count_t, 3>{rows[i].frequency, rows[i].recency, rows[i].periods}; },
      [&](std::size_t i) { return m.try_conditional_expected_purchases(rows[i], future_periods); });
}
/// New-vector form of try_batch_conditional_expected_purchases.
template <class Model, class Row, std::floating_point T>
[[nodiscard]] batch_result<std::vector<T>> try_batch_conditional_expected_purchases(const Model& m, const std::vector<Row>& rows,
                                                                                   T t, const batch_options& opt = {}) {
  return detail::into_vector<T>(rows.size(), [&](std::span<T> out) {
    return try_batch_conditional_expected_purchases(m, std::span<const Row>(rows), t, out, opt);
  });
}
/// Throwing form (crm::batch_error).
template <class Model, class Row, std::floating_point T>
[[nodiscard]] std::vector<T> batch_conditional_expected_purchases(const Model& m, const std::vector<Row>& rows, T t,
                                                                  const batch_options& opt = {}) {
  return try_batch_conditional_expected_purchases(m, rows, t, opt).value();
}

/**
 * @brief Columnar form for BG/NBD, modified BG/NBD and Pareto/NBD: E[Y(t) | x, t_x, T] of every
 * customer of `cols`, the same computation and result as the row form for the row
 * {x[i], t_x[i], T[i], 1} (so bit for bit the scalar function's on the std:: path; on a vector path
 * within the row form's bound).
 * Errors: as the row form (parameters, then t, then sizes, then the first bad customer by index and
 * field); column lengths as the columnar try_batch_probability_alive.
 */
template <detail::bgnbd_family M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_purchases(const M& m,
                                                                                  const std::type_identity_t<rfm_column_view<T>>& cols,
                                                                                  std::type_identity_t<T> t, std::span<T> out,
                                                                                  const batch_options& opt = {}) {
  return detail::bgnbd_batch_expected(m, detail::source_of(cols), cols.frequency.size(), t, out, opt,
                                      detail::check_rfm_columns_io(cols, out, detail::bgnbd_traits<M>::expected));
}
/// Pareto/NBD: the row form's computation (P(alive) with its terms once per (x, T) and per T, the
/// factor once per (x, T)) for the row {x[i], t_x[i], T[i], 1}, the row form's result on every path.
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_purchases(const pareto_nbd<T>& m,
                                                                                  const std::type_identity_t<rfm_column_view<T>>& cols,
                                                                                  std::type_identity_t<T> t, std::span<T> out,
                                                                                  const batch_options& opt = {}) {
  return detail::pareto_batch_expected(m, detail::source_of(cols), cols.frequency.size(), t, out, opt,
                                       detail::check_rfm_columns_io(cols, out, "pareto_nbd.conditional_expected_purchases"));
}
/// New-vector form of the columnar try_batch_conditional_expected_purchases.
template <class M, std::floating_point T>
[[nodiscard]] batch_result<std::vector<T>> try_batch_conditional_expected_purchases(const M& m, const rfm_column_view<T>& cols,
                                                                                   std::type_identity_t<T> t,
                                                                                   const batch_options& opt = {}) {
  return detail::into_vector<T>(cols.frequency.size(),
                                [&](std::span<T> out) { return try_batch_conditional_expected_purchases(m, cols, t, out, opt); });
}
/// Throwing form (crm::batch_error).
template <class M, std::floating_point T>
[[nodiscard]] std::vector<T> batch_conditional_expected_purchases(const M& m, const rfm_column_view<T>& cols, std::type_identity_t<T> t,
                                                                  const batch_options& opt = {}) {
  return try_batch_conditional_expected_purchases(m, cols, t, opt).value();
}

/**
 * @brief P(X(t_i) = n_i) for pairs (n_i, t_i): the probability that a new customer makes exactly
 * n_i repeat purchases in (0, t_i] (for instance each customer's own x and age: how likely what it
 * did was), equal to the model's probability_of_purchases(n_i, t_i) (BG/NBD: FHL 2005 eq. 8;
 * Pareto/NBD: Fader & Hardie 2006 note), computed once per distinct pair, bit-identical.
 * Errors: the scalar function's for the first bad pair; n and t (and out) of different sizes; empty.
 */
template <detail::bgnbd_family M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_of_purchases(const M& m, std::span<const count_t> n,
                                                                            std::type_identity_t<std::span<const T>> t,
                                                                            std::span<T> out, const batch_options& opt = {}) {
  return detail::batch_distribution(m, n, t, out, opt, detail::bgnbd_traits<M>::distribution);
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_of_purchases(const pareto_nbd<T>& m, std::span<const count_t> n,
                                                                            std::type_identity_t<std::span<const T>> t,
                                                                            std::span<T> out, const batch_options& opt = {}) {
  return detail::batch_distribution(m, n, t, out, opt, "pareto_nbd.probability_of_purchases");
}
/// BG/BB: P(X(n_i) = x_i), x_i transactions in n_i opportunities (Fader, Hardie & Shang 2010), once
/// per distinct (x, n), equal to bg_bb::probability_of_purchases(x_i, n_i).
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_of_purchases(const bg_bb<T>& m, std::span<const count_t> x,
                                                                            std::span<const count_t> n, std::span<T> out,
                                                                            const batch_options& opt = {}) {
  constexpr const char* name = "bg_bb.probability_of_purchases";
  if (x.empty()) return {error_info{errc::empty_input, name, "purchases"}, no_row};
  if (n.size() != x.size()) return {error_info{errc::malformed, name, "periods", "must have one element per purchases"}, no_row};
  if (out.size() != x.size()) return {error_info{errc::malformed, name, "out", "must have one element per purchases"}, no_row};
  return detail::memo_batch<count_t, 2>(
      x.size(), out, opt, [](std::size_t) { return error_info{}; }, [&](std::size_t i) { return std::array<count_t, 2>{x[i], n[i]}; },
      [&](std::size_t i) { return m.try_probability_of_purchases(x[i], n[i]); });
}
/// New-vector form of try_batch_probability_of_purchases.
template <class Model, class U>
[[nodiscard]] auto try_batch_probability_of_purchases(const Model& m, const std::vector<count_t>& n, const std::vector<U>& t,
                                                      const batch_options& opt = {}) {
  using T = std::remove_cvref_t<decltype(m.probability_of_purchases(count_t{}, U{}))>;
  return detail::into_vector<T>(n.size(), [&](std::span<T> out) {
    return try_batch_probability_of_purchases(m, std::span<const count_t>(n), std::span<const U>(t), out, opt);
  });
}
/// Throwing form (crm::batch_error).
template <class Model, class U>
[[nodiscard]] auto batch_probability_of_purchases(const Model& m, const std::vector<count_t>& n, const std::vector<U>& t,
                                                  const batch_options& opt = {}) {
  return try_batch_probability_of_purchases(m, n, t, opt).value();
}

/**
 * @brief E[Z | x, zbar] of every row (money per transaction): p (gamma + x zbar) / (p x + q - 1) as
 * gamma_gamma::conditional_expected_average_spend(x, zbar) computes it (Fader, Hardie & Lee 2005;
 * Fader & Hardie 2013 note), bit-identical; x = 0 (with zbar = 0) gives the population mean. One
 * branch-free pass (it vectorises); the weight column is ignored.
 * Errors: the scalar function's for the first bad row; bad parameters (no_row); empty; `out` size.
 */
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_average_spend(
    const gamma_gamma<T>& m, std::type_identity_t<std::span<const spend_row<T>>> rows, std::span<T> out,
    const batch_options& opt = {}) {
  return detail::spend_batch(m, detail::spend_row_source<T>{rows.data()}, rows.size(), out, opt,
                             detail::check_batch_io(rows, out, "gamma_gamma.conditional_expected_average_spend"));
}
/// New-vector form.
template <std::floating_point T>
[[nodiscard]] batch_result<std::vector<T>> try_batch_conditional_expected_average_spend(const gamma_gamma<T>& m,
                                                                                       const std::vector<spend_row<T>>& rows,
                                                                                       const batch_options& opt = {}) {
  return detail::into_vector<T>(rows.size(), [&](std::span<T> out) {
    return try_batch_conditional_expected_average_spend(m, std::span<const spend_row<T>>(rows), out, opt);
  });
}
/// Throwing form (crm::batch_error).
template <std::floating_point T>
[[nodiscard]] std::vector<T> batch_conditional_expected_average_spend(const gamma_gamma<T>& m, const std::vector<spend_row<T>>& rows,
                                                                      const batch_options& opt = {}) {
  return try_batch_conditional_expected_average_spend(m, rows, opt).value();
}
/**
 * @brief Columnar form: E[Z | x, zbar] of every customer of `cols` (crm::spend_column_view: frequency and
 * average_spend as two arrays), the same formula, checks and result (bit for bit) as the row form,
 * reading 16 bytes a customer instead of a spend_row's 24.
 * Errors: as the row form (the first bad customer by index, the scalar function's error and field);
 * `average_spend` of another length than `frequency` is `errc::malformed` on "average_spend", `out`
 * on "out"; no customers is `errc::empty_input`.
 */
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_average_spend(const gamma_gamma<T>& m,
                                                                                      const std::type_identity_t<spend_column_view<T>>& cols,
                                                                                      std::span<T> out, const batch_options& opt = {}) {
  return detail::spend_batch(
      m, detail::spend_column_source<T>{cols.frequency.data(), cols.average_spend.data()}, cols.frequency.size(), out, opt,
      detail::check_columns_io(cols.frequency, {{cols.average_spend.size(), "average_spend"}}, out,
                               "gamma_gamma.conditional_expected_average_spend"));
}
/// New-vector form of the columnar try_batch_conditional_expected_average_spend.
template <std::floating_point T>
[[nodiscard]] batch_result<std::vector<T>> try_batch_conditional_expected_average_spend(const gamma_gamma<T>& m,
                                                                                       const spend_column_view<T>& cols,
                                                                                       const batch_options& opt = {}) {
  return detail::into_vector<T>(cols.frequency.size(),
                                [&](std::span<T> out) { return try_batch_conditional_expected_average_spend(m, cols, out, opt); });
}
/// Throwing form (crm::batch_error).
template <std::floating_point T>
[[nodiscard]] std::vector<T> batch_conditional_expected_average_spend(const gamma_gamma<T>& m, const spend_column_view<T>& cols,
                                                                      const batch_options& opt = {}) {
  return try_batch_conditional_expected_average_spend(m, cols, opt).value();
}

/**
 * @brief The lifetime value of every row (money): sum_{i=1}^{H} margin spend_i (E[X(iL)] - E[X((i-1)L)])
 * / (1+d)^i, as crm::customer_lifetime_value(model, row, spend_i, horizon) computes it, with
 * `expected_spend` one value per row (e.g. from try_batch_conditional_expected_average_spend).
 * BG/NBD family: the H brackets once per distinct (x, T), P(alive) per row; Pareto/NBD: the H factors
 * once per (x, T), P(alive) as in try_batch_probability_alive (both bit-identical on the std:: path,
 * on a vector path within the P(alive) bound plus 32 ulp, tested with H = 6 and 12); BG/BB: the
 * discounted sum once per distinct (x, t_x, n), bit-identical.
 * Errors: those of the scalar function for the first bad row (spend, then row, then the model's
 * prediction); a bad horizon or sizes (no_row).
 */
template <detail::bgnbd_family M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_customer_lifetime_value(
    const M& m, std::type_identity_t<std::span<const rfm_row<T>>> rows, std::type_identity_t<std::span<const T>> expected_spend,
    const std::type_identity_t<clv_horizon<T>>& horizon, std::span<T> out, const batch_options& opt = {}) {
  return detail::bgnbd_batch_clv(m, detail::rfm_row_source<T>{rows.data()}, rows.size(), expected_spend, horizon, out, opt,
                                 detail::check_clv_rows_io(rows, expected_spend, out));
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_customer_lifetime_value(
    const pareto_nbd<T>& m, std::type_identity_t<std::span<const rfm_row<T>>> rows,
    std::type_identity_t<std::span<const T>> expected_spend, const clv_horizon<T>& horizon, std::span<T> out,
    const batch_options& opt = {}) {
  return detail::pareto_batch_clv(m, detail::rfm_row_source<T>{rows.data()}, rows.size(), expected_spend, horizon, out, opt,
                                  detail::check_clv_rows_io(rows, expected_spend, out));
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_customer_lifetime_value(
    const bg_bb<T>& m, std::type_identity_t<std::span<const discrete_row<T>>> rows,
    std::type_identity_t<std::span<const T>> expected_spend, const clv_horizon<T>& h, std::span<T> out,
    const batch_options& opt = {}) {
  constexpr const char* name = "customer_lifetime_value";
  if (auto e = h.check(name)) return {e, no_row};
  if (auto e = detail::check_clv_rows_io(rows, expected_spend, out)) return {e, no_row};
  constexpr const char* expected = "bg_bb.conditional_expected_purchases";
  if (auto e = m.check(expected)) return {e, no_row};
  // the discounted sum before "* margin * spend" once per distinct (x, t_x, n), by the scalar calls
  const detail::batch_failure f = detail::group_rows<count_t, 3, T>(
      rows.size(), opt, 1,
      [&](std::size_t i) -> error_info {
        if (auto e = detail::check_clv_spend(expected_spend[i])) return e;
        return detail::check_discrete_row(rows[i], expected);
      },
      [&](std::size_t i) { return std::array<count_t, 3>{rows[i].frequency, rows[i].recency, rows[i].periods}; },
      [&](std::size_t i, T* v) -> error_info {
        error_info bad{};
        *v = detail::clv_sum(h.periods, h.discount_rate, [&](count_t p) {
          if (bad) return T(0);
          const result<T> r = m.try_conditional_expected_purchases(rows[i], static_cast<T>(p) * h.period_length);
          if (!r) bad = r.error();
          return r ? *r : T(0);
        });
        return bad;
      },
      [&](const detail::row_groups<T>& g, std::size_t begin, std::size_t end) -> detail::batch_failure {
        for (std::size_t i = begin; i < end; ++i) {
          T v = *g.at(i);
          v *= h.margin * expected_spend[i];
          if (!detail::clv_finite(v)) return {error_info{errc::not_finite, name, "result"}, i};
          out[i] = v;
        }
        return {};
      });
  if (f) return {f.error, f.row};
  return out;
}
/// New-vector form of try_batch_customer_lifetime_value.
template <class Model, class Row, std::floating_point T>
[[nodiscard]] batch_result<std::vector<T>> try_batch_customer_lifetime_value(const Model& m, const std::vector<Row>& rows,
                                                                            const std::vector<T>& expected_spend,
                                                                            const clv_horizon<T>& horizon,
                                                                            const batch_options& opt = {}) {
  return detail::into_vector<T>(rows.size(), [&](std::span<T> out) {
    return try_batch_customer_lifetime_value(m, std::span<const Row>(rows), std::span<const T>(expected_spend), horizon, out, opt);
  });
}
/// Throwing form (crm::batch_error).
template <class Model, class Row, std::floating_point T>
[[nodiscard]] std::vector<T> batch_customer_lifetime_value(const Model& m, const std::vector<Row>& rows,
                                                           const std::vector<T>& expected_spend, const clv_horizon<T>& horizon,
                                                           const batch_options& opt = {}) {
  return try_batch_customer_lifetime_value(m, rows, expected_spend, horizon, opt).value();
}

/**
 * @brief Columnar form: the lifetime value of every customer of `cols` (crm::rfm_column_view) for
 * BG/NBD, modified BG/NBD and Pareto/NBD, `expected_spend` one value per customer: the same
 * computation and result as the row form for the row {x[i], t_x[i], T[i], 1} (so on the std:: path
 * bit for bit crm::customer_lifetime_value's; on a vector path within the row form's bound).
 * Errors: as the row form (the horizon, then sizes, then the first bad customer by index: its spend,
 * its columns by crm::validate's field, the model's prediction); a column or `expected_spend` of
 * another length than `frequency` is `errc::malformed` on "recency", "age" or "expected_spend",
 * `out` on "out"; no customers is `errc::empty_input`.
 */
template <detail::bgnbd_family M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_customer_lifetime_value(const M& m, const std::type_identity_t<rfm_column_view<T>>& cols,
                                                                           std::type_identity_t<std::span<const T>> expected_spend,
                                                                           const std::type_identity_t<clv_horizon<T>>& horizon,
                                                                           std::span<T> out, const batch_options& opt = {}) {
  return detail::bgnbd_batch_clv(m, detail::source_of(cols), cols.frequency.size(), expected_spend, horizon, out, opt,
                                 detail::check_rfm_columns_io(cols, out, "customer_lifetime_value", &expected_spend));
}
template <std::floating_point T>
[[nodiscard]] batch_result<std::span<T>> try_batch_customer_lifetime_value(const pareto_nbd<T>& m,
                                                                           const std::type_identity_t<rfm_column_view<T>>& cols,
                                                                           std::type_identity_t<std::span<const T>> expected_spend,
                                                                           const std::type_identity_t<clv_horizon<T>>& horizon,
                                                                           std::span<T> out, const batch_options& opt = {}) {
  return detail::pareto_batch_clv(m, detail::source_of(cols), cols.frequency.size(), expected_spend, horizon, out, opt,
                                  detail::check_rfm_columns_io(cols, out, "customer_lifetime_value", &expected_spend));
}
/// New-vector form of the columnar try_batch_customer_lifetime_value.
template <class Model, std::floating_point T>
[[nodiscard]] batch_result<std::vector<T>> try_batch_customer_lifetime_value(const Model& m, const rfm_column_view<T>& cols,
                                                                            std::type_identity_t<std::span<const T>> expected_spend,
                                                                            const std::type_identity_t<clv_horizon<T>>& horizon,
                                                                            const batch_options& opt = {}) {
  return detail::into_vector<T>(cols.frequency.size(), [&](std::span<T> out) {
    return try_batch_customer_lifetime_value(m, cols, expected_spend, horizon, out, opt);
  });
}
/// Throwing form (crm::batch_error).
template <class Model, std::floating_point T>
[[nodiscard]] std::vector<T> batch_customer_lifetime_value(const Model& m, const rfm_column_view<T>& cols,
                                                           std::type_identity_t<std::span<const T>> expected_spend,
                                                           const std::type_identity_t<clv_horizon<T>>& horizon,
                                                           const batch_options& opt = {}) {
  return try_batch_customer_lifetime_value(m, cols, expected_spend, horizon, opt).value();
}

// ---- the nested models ---------------------------------------------------------------------------

/**
 * @brief The batch forms of the nested models (crm::nbd, crm::homogeneous_bg_nbd,
 * crm::homogeneous_modified_bg_nbd, crm::homogeneous_pareto_nbd: what a fit on a boundary predicts
 * with, crm::try_homogeneous_estimates; docs/models.md) and of crm::zero_inflated_nbd and
 * crm::first_repeat_dropout_nbd (the corners' models, crm::try_zero_inflated_estimates,
 * crm::try_first_repeat_dropout_estimates): P(alive | x, t_x, T) of every row
 * (probabilities), equal bit for bit to the model's try_probability_alive(row): the scalar function
 * row by row in chunks over batch_options::threads, the homogeneous Pareto/NBD's (a death-time
 * integral per row) once per distinct (x, t_x, T).
 * Errors: a bad parameter (crm::no_row), empty input, `out` of another size, then the scalar
 * function's error for the first bad row with its index.
 */
template <detail::nested_model M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_alive(const M& m, std::type_identity_t<std::span<const rfm_row<T>>> rows,
                                                                     std::span<T> out, const batch_options& opt = {}) {
  constexpr const char* name = detail::nested_batch_traits<M>::of.alive;
  if (auto e = m.check(name)) return {e, no_row};
  if (auto e = detail::check_batch_io(rows, out, name)) return {e, no_row};
  const auto scalar = [&](const rfm_row<T>& c) { return m.try_probability_alive(c); };
  return detail::nested_rows<M>(
      rows, out, opt, [&](std::size_t i) { return detail::nested_row_error<M>(rows[i], scalar); },
      [&](std::size_t i) { return scalar(rows[i]); });
}
/**
 * @brief The nested models: E[Y(t) | x, t_x, T] of every row (purchases in the next t), equal bit for
 * bit to the model's try_conditional_expected_purchases(row, t), computed as try_batch_probability_alive
 * for these models is.
 * Errors: a bad parameter, then t negative or not finite (crm::no_row), empty input, `out` of another
 * size, then the scalar function's error for the first bad row.
 */
template <detail::nested_model M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_conditional_expected_purchases(const M& m,
                                                                                  std::type_identity_t<std::span<const rfm_row<T>>> rows,
                                                                                  std::type_identity_t<T> t, std::span<T> out,
                                                                                  const batch_options& opt = {}) {
  constexpr const char* name = detail::nested_batch_traits<M>::of.expected;
  if (auto e = m.check(name)) return {e, no_row};
  if (auto e = detail::check_horizon(t, name)) return {e, no_row};
  if (auto e = detail::check_batch_io(rows, out, name)) return {e, no_row};
  const auto scalar = [&](const rfm_row<T>& c) { return m.try_conditional_expected_purchases(c, t); };
  return detail::nested_rows<M>(
      rows, out, opt, [&](std::size_t i) { return detail::nested_row_error<M>(rows[i], scalar); },
      [&](std::size_t i) { return scalar(rows[i]); });
}
/**
 * @brief The nested models: P(X(t_i) = n_i) for pairs (n_i, t_i), equal bit for bit to the model's
 * try_probability_of_purchases(n_i, t_i), once per distinct pair (as for the full models).
 * Errors: the scalar function's for the first bad pair; n and t (and out) of different sizes; empty.
 */
template <detail::nested_model M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_probability_of_purchases(const M& m, std::span<const count_t> n,
                                                                            std::type_identity_t<std::span<const T>> t,
                                                                            std::span<T> out, const batch_options& opt = {}) {
  return detail::batch_distribution(m, n, t, out, opt, detail::nested_batch_traits<M>::of.distribution);
}
/**
 * @brief The nested models: the lifetime value of every row (money), equal bit for bit to
 * crm::try_customer_lifetime_value(model, row, expected_spend[i], horizon): its discounted sum of the
 * H scalar try_conditional_expected_purchases(row, i L) in the scalar function's order, times margin x
 * spend; the sum once per distinct (x, t_x, T) for the homogeneous Pareto/NBD, row by row otherwise.
 * Errors: a bad horizon, sizes (crm::no_row), a bad parameter (no_row), then for the first bad row its
 * spend, the row (the scalar prediction's error), a result not finite.
 */
template <detail::nested_model M, std::floating_point T = detail::bgnbd_number<M>>
[[nodiscard]] batch_result<std::span<T>> try_batch_customer_lifetime_value(const M& m, std::type_identity_t<std::span<const rfm_row<T>>> rows,
                                                                           std::type_identity_t<std::span<const T>> expected_spend,
                                                                           const std::type_identity_t<clv_horizon<T>>& h, std::span<T> out,
                                                                           const batch_options& opt = {}) {
  constexpr const char* name = "customer_lifetime_value";
  if (auto e = h.check(name)) return {e, no_row};
  if (auto e = detail::check_clv_rows_io(rows, expected_spend, out)) return {e, no_row};
  if (auto e = m.check(detail::nested_batch_traits<M>::of.expected)) return {e, no_row};
  const auto scalar = [&](const rfm_row<T>& c) { return m.try_conditional_expected_purchases(c, h.period_length); };
  const auto check = [&](std::size_t i) -> error_info {
    if (auto e = detail::check_clv_spend(expected_spend[i])) return e;
    return detail::nested_row_error<M>(rows[i], scalar);
  };
  // the discounted sum before "* margin * spend", by the scalar calls
  const auto sum = [&](std::size_t i) -> result<T> {
    error_info bad{};
    const T v = detail::clv_sum(h.periods, h.discount_rate, [&](count_t p) {
      if (bad) return T(0);
      const result<T> r = m.try_conditional_expected_purchases(rows[i], static_cast<T>(p) * h.period_length);
      if (!r) bad = r.error();
      return r ? *r : T(0);
    });
    if (bad) return bad;
    return v;
  };
  const batch_result<std::span<T>> sums = detail::nested_rows<M>(rows, out, opt, check, sum);
  // the scalar function's last step, in its order, on the rows before the first bad one (filled): a
  // result not finite there is the first bad row
  const std::size_t limit = sums ? rows.size() : sums.row();
  for (std::size_t i = 0; i < limit; ++i) {
    out[i] *= h.margin * expected_spend[i];
    if (!detail::clv_finite(out[i])) return {error_info{errc::not_finite, name, "result"}, i};
  }
  return sums;
}

CRM_METRICS_END_NAMESPACE
