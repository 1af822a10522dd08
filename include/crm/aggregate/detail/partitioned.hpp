// crm-metrics: helpers of the partitioned (two-phase) add of crm::add_parallel.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/aggregate.hpp>
#pragma once

#include <crm/aggregate/customer_table.hpp>
#include <crm/core/config.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// Asks for transparent huge pages (Linux: madvise MADV_HUGEPAGE) for the 2 MiB pages wholly inside
/// [p, p + bytes), memory about to be written for the first time (the rows of a large summary):
/// it then takes a page fault per 2 MiB instead of one per 4 KiB. A hint: no effect elsewhere.
inline void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  const auto b = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t first = (b + huge - 1) / huge * huge, last = (b + bytes) / huge * huge;
  if (bytes >= 2 * huge && first < last) (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

/// The alignment of what one thread of phase 2 writes for every entry it adds (its part_context):
/// two threads' contexts side by side in one vector would otherwise share a cache line, and every
/// write of one would take the line from the other (false sharing). 128, not 64: Intel's level-2
/// spatial prefetcher fetches lines in pairs. Measured: the RFM summary's phase 2 spent about half
/// its samples on one load of its day log's header while the two threads' contexts shared a line
/// (docs/aggregation.md, "Threads").
inline constexpr std::size_t thread_state_alignment = 128;

/// A value that one thread writes in a loop, kept in a vector beside the other threads' ones, on
/// cache lines of its own (thread_state_alignment).
template <class T>
struct alignas(thread_state_alignment) own_lines {
  T value;
};

/// Customer numbers for the threads of phase 2: each claims blocks of 4096 from one counter, so
/// numbers are distinct (a few unused ones between blocks do no harm).
struct alignas(thread_state_alignment) index_claims {
  std::shared_ptr<std::atomic<std::uint32_t>> counter;
  std::uint32_t next = 0, end = 0;
  std::uint32_t take() {
    if (next == end) {
      next = counter->fetch_add(4096, std::memory_order_relaxed);
      end = next + 4096;
    }
    return next++;
  }
  static void start(std::span<index_claims> cs, std::uint32_t first) {
    auto c = std::make_shared<std::atomic<std::uint32_t>>(first);
    for (index_claims& x : cs) x = {c, 0, 0};
  }
  // The number after every claimed one.
  static std::uint32_t finish(std::span<index_claims> cs) { return cs.empty() ? 0 : cs[0].counter->load(); }
};

/// reserve() and fresh() of the per-customer accumulators (CRTP): fresh() is an accumulator with the
/// same options and no records, reserved for as many customers as its parent was (Derived has
/// partitioned_side() and partitioned_table()).
template <class Derived>
class reserved_like_parent {
 public:
  /// Reserves room for `customers` customers (fresh() reserves the same).
  void reserve(std::size_t customers) {
    reserved_ = std::max(reserved_, customers);
    static_cast<Derived&>(*this).partitioned_table().reserve(customers);
  }
  /// An accumulator with the same options and no records, reserved as this one was.
  [[nodiscard]] Derived fresh() const {
    Derived a = static_cast<const Derived&>(*this).partitioned_side();
    a.reserve(reserved_);
    return a;
  }

 private:
  std::size_t reserved_ = 0;
};

/// One thread's entries of the partitioned add, by part of the customer table, each part's in the
/// order they were pushed: a list of blocks of about 4 KiB per part, cut from slabs of 2 MiB. One
/// pass over the records fills them (no count pass, no second read of the records); clear() keeps
/// the slabs, so the rounds after the first write into memory already mapped. Aligned as a
/// thread's context: the threads' lists lie side by side in one vector.
template <class E>
class alignas(thread_state_alignment) part_lists {
 public:
  static constexpr std::size_t block = 4096 / sizeof(E) < 16 ? 16 : 4096 / sizeof(E);  ///< entries per block
  static constexpr std::size_t blocks_per_slab = 512;

  explicit part_lists(std::size_t parts = 0) : lists_(parts) {}

  void push(std::size_t p, const E& e) {
    list& l = lists_[p];
    if (l.cur == l.end) [[unlikely]] grow(l);
    // the line two lines on is asked for now, so the store that starts it finds it in the cache
    // (measured: phase 1 about a fifth faster; docs/aggregation.md, "Threads")
    prefetch_line(reinterpret_cast<const char*>(l.cur) + 128);
    *l.cur++ = e;
  }
  /// Number of entries pushed to part p since clear().
  [[nodiscard]] std::size_t size(std::size_t p) const noexcept {
    const list& l = lists_[p];
    return l.blocks.empty() ? 0 : (l.blocks.size() - 1) * block + static_cast<std::size_t>(l.cur - l.blocks.back());
  }
  /// Calls f(first, last) for the entries [from, to) of part p (positions in push order), a call
  /// per block they span.
  template <class F>
  void for_each_range(std::size_t p, std::size_t from, std::size_t to, F&& f) const {
    const list& l = lists_[p];
    while (from < to) {
      const E* b = l.blocks[from / block];
      const std::size_t at = from % block, len = std::min(block - at, to - from);
      f(b + at, b + at + len);
      from += len;
    }
  }
  /// Forgets every entry; keeps the memory for the next round.
  void clear() noexcept {
    for (list& l : lists_) {
      l.blocks.clear();
      l.cur = l.end = nullptr;
    }
    used_ = 0;
  }

 private:
  struct list {
    E* cur = nullptr;
    E* end = nullptr;
    std::vector<E*> blocks;
  };
  void grow(list& l) {
    if (used_ == slabs_.size() * blocks_per_slab) slabs_.emplace_back(block * blocks_per_slab);
    E* b = slabs_[used_ / blocks_per_slab].data() + (used_ % blocks_per_slab) * block;
    ++used_;
    l.blocks.push_back(b);
    l.cur = b;
    l.end = b + block;
  }
  std::vector<list> lists_;
  std::vector<std::vector<E, huge_page_allocator<E>>> slabs_;
  std::size_t used_ = 0;  // blocks handed out since clear()
};

}  // namespace detail
CRM_METRICS_END_NAMESPACE
