// crm-metrics: crm::customer_table<V>, the per-customer state table of the aggregation layer.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// An open-addressing hash table keyed by a 64-bit customer id, linear probing, the value stored
// next to its key in one array (one cache miss per lookup), capacity a power of two, at most 3/4
// full. Chosen over std::unordered_map (a node per customer: an allocation per insert and a second
// cache miss per lookup) and tsl::robin_map by the measurements in benchmarks/aggregate_bench.cpp;
// see docs/aggregation.md, "The per-customer table". No erase: accumulators only add customers.
// Customization points: none.
#pragma once

#include <crm/aggregate/records.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {
/// Allocates arrays of 2 MiB or more on 2 MiB boundaries and, on Linux, asks for transparent huge
/// pages (madvise MADV_HUGEPAGE): a table of a million customers then needs a few dozen TLB
/// entries instead of thousands, which makes random lookups measurably faster
/// (benchmarks/aggregate_bench.cpp). Smaller arrays use operator new.
template <class T>
struct huge_page_allocator {
  using value_type = T;
  static constexpr std::size_t huge = std::size_t{2} << 20;
  huge_page_allocator() = default;
  template <class U>
  constexpr huge_page_allocator(const huge_page_allocator<U>&) noexcept {}  // NOLINT: rebinding
  [[nodiscard]] T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = (bytes + huge - 1) / huge * huge;
    void* p = std::aligned_alloc(huge, rounded);
    if (p == nullptr) throw_bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure only means small pages
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < huge) ::operator delete(p);
    else std::free(p);
  }
  template <class U>
  friend constexpr bool operator==(const huge_page_allocator&, const huge_page_allocator<U>&) noexcept { return true; }

 private:
  [[noreturn]] static void throw_bad_alloc() {
#if CRM_METRICS_HAS_EXCEPTIONS
    throw std::bad_alloc();
#else
    std::abort();
#endif
  }
};

/// Sorts records by key(record), a customer id: LSD radix sort on 16-bit digits, skipping digits
/// that are the same for every id (ids below 2^40 take 3 passes). Stable. O(n) time, one copy.
template <class R, class Key>
void sort_by_customer(std::vector<R>& v, Key key) {
  if (v.size() < 256) {
    std::stable_sort(v.begin(), v.end(), [&key](const R& a, const R& b) { return key(a) < key(b); });
    return;
  }
  std::vector<R> tmp(v.size());
  std::vector<std::size_t> count(65536);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(count.begin(), count.end(), std::size_t{0});
    for (const R& r : v) ++count[static_cast<std::size_t>((key(r) >> shift) & 0xFFFF)];
    if (count[static_cast<std::size_t>((key(v.front()) >> shift) & 0xFFFF)] == v.size()) continue;  // one digit value
    std::size_t sum = 0;
    for (std::size_t& c : count) {
      const std::size_t n = c;
      c = sum;
      sum += n;
    }
    for (const R& r : v) tmp[count[static_cast<std::size_t>((key(r) >> shift) & 0xFFFF)]++] = r;
    v.swap(tmp);
  }
}
}  // namespace detail

/**
 * @brief Maps customer ids (any 64-bit value) to a small state V.
 * V must be default constructible and copyable. Keys are mixed (a 64-bit finalizer) before the
 * slot is taken from the high bits, so sequential, strided or random ids all spread evenly.
 * Iteration order is unspecified (it depends on the capacity); the accumulators sort by id where
 * order matters.
 *
 * **Example**
 *     crm::customer_table<int> t;
 *     ++*t.try_emplace(42).first;     // the value of customer 42, created on first use
 */
template <class V>
class customer_table {
 public:
  struct slot {
    customer_id key{};
    V value{};
  };

  customer_table() = default;
  /// A table that holds `customers` customers without growing.
  explicit customer_table(std::size_t customers) { reserve(customers); }

  /// Number of customers stored.
  [[nodiscard]] std::size_t size() const noexcept { return size_ + (has_empty_key_ ? 1 : 0); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  /// Number of slots (a power of two, or 0).
  [[nodiscard]] std::size_t capacity() const noexcept { return slots_.size(); }
  /// Bytes held by the table (slots plus the table object).
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return slots_.capacity() * sizeof(slot) + sizeof(*this); }

  /// Makes room for `customers` customers without rehashing.
  void reserve(std::size_t customers) {
    std::size_t cap = 16;
    while (cap - cap / 4 < customers + 1) cap *= 2;
    if (cap > slots_.size()) rehash(cap);
  }

  /// Makes room for the customers of `other` before they are inserted (call before merging). Also
  /// grows to at least other's capacity: inserting keys in another table's slot order into a
  /// smaller table piles them into long runs (linear probing's known worst case; measured: a
  /// merge into an empty table took minutes).
  void prepare_merge(const customer_table& other) {
    reserve(size() + other.size());
    if (capacity() < other.capacity()) rehash(other.capacity());
  }

  /// The value of `key`, default-constructed on first use; .second is true when it was created.
  std::pair<V*, bool> try_emplace(customer_id key) {
    if (key == empty_key) [[unlikely]] {
      const bool created = !has_empty_key_;
      has_empty_key_ = true;
      return {&empty_key_value_, created};
    }
    if (size_ + 1 > limit_) [[unlikely]]
      rehash(slots_.empty() ? 16 : slots_.size() * 2);
    std::size_t i = home(key);
    for (;;) {
      slot& s = slots_[i];
      if (s.key == key) return {&s.value, false};
      if (s.key == empty_key) {
        s.key = key;
        ++size_;
        return {&s.value, true};
      }
      i = (i + 1) & mask_;
    }
  }

  /// The value of `key`, or nullptr.
  [[nodiscard]] const V* find(customer_id key) const noexcept {
    if (key == empty_key) return has_empty_key_ ? &empty_key_value_ : nullptr;
    if (slots_.empty()) return nullptr;
    std::size_t i = home(key);
    for (;;) {
      const slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == empty_key) return nullptr;
      i = (i + 1) & mask_;
    }
  }
  [[nodiscard]] V* find(customer_id key) noexcept {
    return const_cast<V*>(static_cast<const customer_table&>(*this).find(key));
  }

  /// Hints the processor to load the slot of `key` (call a few records ahead of try_emplace).
  void prefetch(customer_id key) const noexcept {
    if (slots_.empty()) return;
    const slot* p = slots_.data() + home(key);
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
    // GCC 12 deletes __builtin_prefetch of this address (the disassembly of aggregate_bench had no
    // prefetch at all); an asm volatile cannot be deleted.
    asm volatile("prefetcht0 %0" : : "m"(*p));
#elif defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p, 0, 3);
#else
    (void)p;
#endif
  }

  /// Calls f(key, value) for every customer, in unspecified order.
  template <class F>
  void for_each(F&& f) const {
    if (has_empty_key_) f(empty_key, empty_key_value_);
    for (const slot& s : slots_)
      if (s.key != empty_key) f(s.key, s.value);
  }
  template <class F>
  void for_each(F&& f) {
    if (has_empty_key_) f(empty_key, empty_key_value_);
    for (slot& s : slots_)
      if (s.key != empty_key) f(s.key, s.value);
  }

  void clear() noexcept {
    slots_.clear();
    size_ = 0;
    mask_ = 0;
    limit_ = 0;
    shift_ = 64;
    has_empty_key_ = false;
    empty_key_value_ = V{};
  }

 private:
  static constexpr customer_id empty_key = 0;  // customer 0 lives in empty_key_value_

  [[nodiscard]] static constexpr std::uint64_t mix(std::uint64_t k) noexcept {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
  }
  [[nodiscard]] std::size_t home(customer_id key) const noexcept {
    return static_cast<std::size_t>(mix(key) >> shift_);
  }
  void rehash(std::size_t cap) {
    std::vector<slot, detail::huge_page_allocator<slot>> old = std::move(slots_);
    slots_.assign(cap, slot{});
    mask_ = cap - 1;
    limit_ = cap - cap / 4;
    shift_ = 64 - std::countr_zero(cap);
    for (slot& s : old) {
      if (s.key == empty_key) continue;
      std::size_t i = home(s.key);
      while (slots_[i].key != empty_key) i = (i + 1) & mask_;
      slots_[i] = std::move(s);
    }
  }

  std::vector<slot, detail::huge_page_allocator<slot>> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  std::size_t limit_ = 0;
  int shift_ = 64;
  bool has_empty_key_ = false;
  V empty_key_value_{};
};

CRM_METRICS_END_NAMESPACE
