// crm-metrics: crm::customer_table<V>, the per-customer state table of the aggregation layer.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// An open-addressing hash table keyed by a 64-bit customer id, linear probing, the value stored
// next to its key (one cache miss per lookup), split into parts of any multiple of 16 slots that
// share one array, each at most 3/4 full. Chosen over std::unordered_map (a node per customer: an
// allocation per insert and a second cache miss per lookup) and tsl::robin_map by the measurements
// in benchmarks/aggregate_bench.cpp; see docs/aggregation.md, "The per-customer table". No erase:
// accumulators only add customers.
// Customization points: none.
#pragma once

#include <crm/aggregate/records.hpp>
#include <crm/core/interrupt.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <new>
#include <span>
#include <utility>
#include <vector>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#endif

#if defined(__linux__)
#include <sys/mman.h>
#endif

CRM_METRICS_BEGIN_NAMESPACE

namespace detail {
/// Hints the processor to load the cache line at `p`: into every cache level (Level 0, prefetcht0),
/// or into level 2 and beyond (Level 1, prefetcht1: lines streamed ahead of their use). On x86-64
/// an asm volatile, since GCC 12 deleted __builtin_prefetch of table slots (the disassembly of
/// aggregate_bench had no prefetch at all); an asm volatile cannot be deleted.
template <int Level = 0>
inline void prefetch_line(const void* p) noexcept {
  static_assert(Level == 0 || Level == 1);
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  if constexpr (Level == 0) asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
  else asm volatile("prefetcht1 %0" : : "m"(*static_cast<const char*>(p)));
#elif defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 3 - Level);
#else
  (void)p;
#endif
}

/// Freed blocks of 2 MiB or more kept mapped for the next allocation of the same size (Linux), as
/// jemalloc and tcmalloc keep freed memory: a table or a slab of entries freed by one accumulator is
/// taken by the next one without the kernel's page faults and zeroing of fresh pages (and, on a
/// virtual machine whose balloon reports freed pages to the host, without the host's faults too:
/// docs/aggregation.md, "Memory kept for reuse"). Bounded: at most `limit` bytes (0: nothing is kept),
/// none older than `max_age`, and an allocation that finds no block of its size first unmaps kept
/// blocks of at least its own size in all, so the process never holds more than it would without
/// them plus what is kept. Thread-safe (one mutex, taken per block of 2 MiB or more).
class retained_blocks {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::size_t default_limit = std::size_t{256} << 20;  ///< bytes
  static constexpr std::chrono::seconds max_age{10};

  /// The process's one instance, never destroyed (an accumulator with static storage may free its
  /// blocks after every other static object is gone).
  static retained_blocks& instance() noexcept {
    alignas(retained_blocks) static unsigned char storage[sizeof(retained_blocks)];
    static retained_blocks* r = new (storage) retained_blocks;
    return *r;
  }
  /// A kept block of exactly `bytes` (a multiple of 2 MiB), or nullptr after unmapping kept blocks of
  /// at least `bytes` in all (the largest first), or all of them.
  [[nodiscard]] void* take(std::size_t bytes, clock::time_point now = clock::now()) noexcept {
    std::lock_guard<std::mutex> lock(m_);
    expire(now);
    for (std::size_t i = count_; i-- > 0;)
      if (blocks_[i].bytes == bytes) return remove(i).p;
    for (std::size_t released = 0; released < bytes && count_ > 0;) {
      std::size_t big = 0;
      for (std::size_t i = 1; i < count_; ++i)
        if (blocks_[i].bytes > blocks_[big].bytes) big = i;
      released += unmap(remove(big));
    }
    return nullptr;
  }
  /// Keeps a freed block (true), or says the caller must unmap it (false: beyond the limit).
  [[nodiscard]] bool keep(void* p, std::size_t bytes, clock::time_point now = clock::now()) noexcept {
    std::lock_guard<std::mutex> lock(m_);
    expire(now);
    if (count_ == capacity || bytes > limit_ - total_) return false;
    blocks_[count_++] = {p, bytes, now};
    total_ += bytes;
    return true;
  }
  /// Sets the limit, unmapping kept blocks beyond it (0: unmaps every one and keeps none from now on).
  void set_limit(std::size_t bytes) noexcept {
    std::lock_guard<std::mutex> lock(m_);
    limit_ = bytes;
    while (total_ > limit_) (void)unmap(remove(count_ - 1));
  }
  /// Unmaps every kept block; the limit stays.
  void release() noexcept {
    std::lock_guard<std::mutex> lock(m_);
    while (count_ > 0) (void)unmap(remove(count_ - 1));
  }
  /// Bytes kept now.
  [[nodiscard]] std::size_t bytes() noexcept {
    std::lock_guard<std::mutex> lock(m_);
    return total_;
  }

 private:
  static constexpr std::size_t capacity = 256;
  struct block {
    void* p = nullptr;
    std::size_t bytes = 0;
    clock::time_point freed{};
  };
  block remove(std::size_t i) noexcept {
    const block b = blocks_[i];
    total_ -= b.bytes;
    blocks_[i] = blocks_[--count_];
    return b;
  }
  static std::size_t unmap(const block& b) noexcept {
#if defined(__linux__)
    (void)::munmap(b.p, b.bytes);
#else
    std::free(b.p);
#endif
    return b.bytes;
  }
  void expire(clock::time_point now) noexcept {
    for (std::size_t i = count_; i-- > 0;)
      if (now - blocks_[i].freed > max_age) (void)unmap(remove(i));
  }
  std::mutex m_;
  block blocks_[capacity];
  std::size_t count_ = 0, total_ = 0, limit_ = default_limit;
};

/// Allocates arrays of 2 MiB or more on 2 MiB boundaries and, on Linux, asks for transparent huge
/// pages (madvise MADV_HUGEPAGE): a table of a million customers then needs a few dozen TLB
/// entries instead of thousands, which makes random lookups measurably faster
/// (benchmarks/aggregate_bench.cpp). Smaller arrays use operator new. On Linux the large arrays are
/// mapped and unmapped directly (mmap, munmap), so freeing one returns its memory to the system
/// (after a while: retained_blocks keeps recently freed ones for reuse): through malloc, every free of
/// such a block raised glibc's mmap threshold, and the next blocks of up to 32 MiB then came from the
/// heap and stayed resident after they were freed (a second RFM summary from the CSV peaked 21 MiB
/// higher than the first; docs/performance.md).
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
#if defined(__linux__)
    if (void* kept = retained_blocks::instance().take(rounded)) return static_cast<T*>(kept);
    // map one huge page more than needed, then unmap the parts before and after a 2 MiB boundary
    void* m = ::mmap(nullptr, rounded + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw_bad_alloc();
    const auto base = reinterpret_cast<std::uintptr_t>(m);
    const std::uintptr_t start = (base + huge - 1) / huge * huge;
    if (start > base) (void)::munmap(m, start - base);
    (void)::munmap(reinterpret_cast<void*>(start + rounded), base + huge - start);  // never empty: start < base + huge
    void* p = reinterpret_cast<void*>(start);
#else
    void* p = std::aligned_alloc(huge, rounded);
    if (p == nullptr) throw_bad_alloc();
#endif
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure only means small pages
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < huge) {
      ::operator delete(p);
      return;
    }
#if defined(__linux__)
    const std::size_t rounded = (bytes + huge - 1) / huge * huge;
    if (!retained_blocks::instance().keep(p, rounded)) (void)::munmap(p, rounded);
#else
    std::free(p);
#endif
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

/// Sorts records by key(record), a 64-bit key (a customer id, a day-log entry): LSD radix sort on
/// 8-bit digits (256 counters and 256 output streams per pass stay in the level-1 cache; 16-bit
/// digits took 1.7 times as long on 1M ids), skipping the digits above the highest bit set in any
/// key and digits that are the same for every key (ids below 2^40 take 5 passes). Stable. O(n)
/// time, one copy.
template <class R, class Key>
void sort_by_customer(std::vector<R>& v, Key key) {
  if (v.size() < 256) {
    std::stable_sort(v.begin(), v.end(), [&key](const R& a, const R& b) { return key(a) < key(b); });
    return;
  }
  std::uint64_t any = 0;
  for (const R& r : v) any |= key(r);
  std::vector<R> tmp(v.size());
  std::size_t count[256];
  for (int shift = 0; shift < 64 && (any >> shift) != 0; shift += 8) {
    std::fill(count, count + 256, std::size_t{0});
    for (const R& r : v) ++count[static_cast<std::size_t>((key(r) >> shift) & 0xFF)];
    if (count[static_cast<std::size_t>((key(v.front()) >> shift) & 0xFF)] == v.size()) continue;  // one digit value
    std::size_t sum = 0;
    for (std::size_t& c : count) {
      const std::size_t n = c;
      c = sum;
      sum += n;
    }
    for (const R& r : v) tmp[count[static_cast<std::size_t>((key(r) >> shift) & 0xFF)]++] = r;
    v.swap(tmp);
  }
}

/// True when an id occurs more than once in `ids` (a sorted copy, by radix: linear time). The
/// merges from serialized bytes refuse such a buffer before they change anything.
[[nodiscard]] inline bool any_repeated(std::vector<customer_id> ids) {
  sort_by_customer(ids, [](customer_id c) { return c; });
  return std::adjacent_find(ids.begin(), ids.end()) != ids.end();
}

template <class V>
struct customer_table_probes;
}  // namespace detail

/**
 * @brief Maps customer ids (any 64-bit value) to a small state V.
 * V must be default constructible and copyable. Keys are mixed (a 64-bit finalizer) before use, so
 * sequential, strided or random ids all spread evenly. A large table is split into 2^k parts by the
 * top k bits of the mixed key (k grows with the table, up to 2^10 parts of about 8192 slots), each
 * part an open-addressing range of one shared array, probed from the slot the next bits scale
 * to: a part fits in a core's cache, and threads that own disjoint parts can fill them at once
 * (crm::add_parallel). Iteration order is unspecified (it depends on the capacity); the
 * accumulators sort by id where order matters.
 *
 * **Example**
 *     crm::customer_table<int> t;
 *     ++*t.try_emplace(42).first;     // the value of customer 42, created on first use
 */
template <class V>
class customer_table {
  template <class>
  friend struct detail::customer_table_probes;

 public:
  struct slot {
    customer_id key{};
    V value{};
  };
  /// A part is split (the number of parts doubles) rather than grown past this many slots.
  static constexpr std::size_t part_slots = 8192;
  /// At most 2^max_part_bits parts; beyond that the parts grow.
  static constexpr int max_part_bits = 10;

  customer_table() = default;
  customer_table(const customer_table& o)
      : parts_(o.parts_),
        arena_(o.arena_),
        reserved_(o.reserved_),
        bits_(o.bits_),
        has_empty_key_(o.has_empty_key_),
        empty_key_value_(o.empty_key_value_) {
    point_parts();
  }
  customer_table& operator=(const customer_table& o) {
    if (this != &o) *this = customer_table(o);
    return *this;
  }
  customer_table(customer_table&&) noexcept = default;  // the arrays move with their addresses
  customer_table& operator=(customer_table&&) noexcept = default;
  ~customer_table() = default;
  /// A table that holds `customers` customers without growing.
  explicit customer_table(std::size_t customers) { reserve(customers); }

  /// Number of customers stored.
  [[nodiscard]] std::size_t size() const noexcept {
    std::size_t n = has_empty_key_ ? 1 : 0;
    for (const part& p : parts_) n += p.size;
    return n;
  }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  /// Number of slots.
  [[nodiscard]] std::size_t capacity() const noexcept {
    std::size_t n = 0;
    for (const part& p : parts_) n += p.cap;
    return n;
  }
  /// Number of parts (2^k; 0 for a table that never held a customer).
  [[nodiscard]] std::size_t part_count() const noexcept { return parts_.size(); }
  /// The part that holds (or will hold) `key`.
  [[nodiscard]] std::size_t part_of(customer_id key) const noexcept { return parts_map()(key); }
  /// part_of as a value, valid until the parts change (a rehash or ensure_parts): a loop that
  /// files many keys reads no member of the table, so writes near the table (another thread's
  /// counts in the accumulator that holds it) cost it nothing.
  struct part_map {
    int bits = 0;
    [[nodiscard]] std::size_t operator()(customer_id key) const noexcept { return part_index_of(mix(key), bits); }
  };
  [[nodiscard]] part_map parts_map() const noexcept { return {bits_}; }
  /// Bytes held by the table (slots, part headers and the table object).
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    std::size_t n = sizeof(*this) + parts_.capacity() * sizeof(part);
    n += arena_.capacity() * sizeof(slot);
    for (const part& p : parts_) n += p.own.capacity() * sizeof(slot);
    return n;
  }

  /// reserve(n) sizes the table for n * reserve_room customers: twice the room for slots of 16
  /// bytes or less (a 32-bit count beside the key), where it costs little memory and saves much
  /// time. Linear probing looks at (1 + 1 / (1 - a)) / 2 slots on average to find a key at load a:
  /// 2.2 at the 0.7 of a reserved table, 1.3 at 0.35, and each further slot costs a mispredicted
  /// branch and a load (docs/aggregation.md, "The per-customer table").
  static constexpr std::size_t reserve_room = sizeof(slot) <= 16 ? 2 : 1;

  /// Makes room for `customers` customers without rehashing.
  void reserve(std::size_t customers) {
    if (customers == 0) return;
    const room r = room_for(customers);
    reserved_ = std::max(reserved_, r.customers);
    if (r.rebuild) rebuild(r.bits, r.want);  // all parts in one new array
  }
  /// Splits the table into at least 2^bits parts (at most 2^max_part_bits), keeping its customers.
  void ensure_parts(int bits) {
    bits = std::min(bits, max_part_bits);
    if (parts_.empty() || bits > bits_) {
      const int b = std::max(bits, bits_);
      rebuild(b, reserved_ == 0 ? 0 : part_room(reserved_ >> b));  // each part keeps room for its share of reserve()
    }
  }

  /// Makes room before the distinct customers `ids` of a serialized part are inserted with
  /// try_emplace_in_part (a merge from bytes, where no other table exists): a table less than half
  /// that part's size grows to hold both; otherwise a part that would overflow is grown up front, once.
  /// The share of ids that are new to the table is estimated from a sample of them (every k-th,
  /// at most about 16,384 lookups); a part's bound is its customers plus that share of the ids that
  /// fall into it, plus four standard deviations and 16 (at most all of them: the sum of both
  /// sides' customers is the upper bound). When most parts would pass their 3/4 limit, the table
  /// is rebuilt once, every part sized for its bound, in one new array (before, every such part
  /// doubled on its own during the merge, an allocation each, the old array left unused: after a
  /// merge into a state read from bytes, whose parts are sized for its own customers, that was
  /// every part); when a few would, each of those grows once to its bound. A part that grows by
  /// less than an eighth gets room for half its customers again instead, and a table whose
  /// customers outgrow its parts is split as reserve() would, so merging many small parts one by
  /// one is linear in all their customers. A bound that was too low costs only what it did before: that part doubles during
  /// the merge. The sample only avoids sizing for the upper bound when the sides share most
  /// customers (partial states of a parallel scan): measured in docs/aggregation.md, "The
  /// per-customer table".
  void prepare_merge(std::span<const customer_id> ids) {
    if (parts_.empty() || size() < ids.size() / 2 + 1) {
      reserve_growing(size() + ids.size());
      return;
    }
    const std::size_t step = std::max<std::size_t>(1, ids.size() / 16384);
    std::size_t sampled = 0, fresh = 0;
    for (std::size_t i = 0; i < ids.size(); i += step, ++sampled) fresh += find(ids[i]) == nullptr ? 1 : 0;
    const double share = sampled == 0 ? 1.0 : std::min(1.0, (static_cast<double>(fresh) + 1.0) / static_cast<double>(sampled));
    std::vector<std::size_t> in(parts_.size(), 0);
    for (const customer_id c : ids)
      if (c != empty_key) ++in[part_index(mix(c))];
    std::vector<std::size_t> bound(parts_.size()), cap(parts_.size());  // cap: part q's slots after the merge
    std::size_t over = 0, total = 0;
    for (std::size_t q = 0; q < parts_.size(); ++q) {
      const double mean = share * static_cast<double>(in[q]);
      const auto expect = static_cast<std::size_t>(mean + 4.0 * std::sqrt(mean)) + 16;
      bound[q] = parts_[q].size + std::min(in[q], expect);
      total += bound[q];
      // a part that grows by less than an eighth gets room for half its customers again: sized for
      // its bound alone, it passed its limit again a dozen customers later, so merging N one-customer
      // states one by one rebuilt it every dozen merges (time quadratic in N; found by an audit). A
      // larger growth pays for its rebuild, and is sized for its bound (no memory beyond it).
      const bool grows = bound[q] > parts_[q].limit;
      const bool little = bound[q] - parts_[q].size < parts_[q].size / 8;
      cap[q] = fit(grows && little ? parts_[q].size + parts_[q].size / 2 : bound[q]);
      over += grows ? 1 : 0;
    }
    if (over == 0) return;
    if (room_for(total).bits > bits_) {  // outgrew its parts: split, as reserve() would (up to max_part_bits)
      reserve(total);
    } else if (over * 2 > parts_.size()) {  // most parts: the whole table at once, in one array
      rebuild_with(bits_, [&cap](std::size_t q, std::size_t) { return cap[q]; });
    } else {  // a few: each of them once (a rebuild would move every part)
      for (std::size_t q = 0; q < parts_.size(); ++q)
        if (bound[q] > parts_[q].limit) rehash(parts_[q], cap[q]);
    }
  }
  /// Makes room for the customers of `other` before they are inserted (call before merging); a
  /// table that must grow by less than an eighth gets room for half as many customers again as it
  /// holds (see reserve_growing). Also grows each part to at least the matching share of other's:
  /// inserting keys in another table's slot order into a smaller table piles them into long runs
  /// (linear probing's known worst case; measured: a merge into an empty table took minutes).
  void prepare_merge(const customer_table& other) {
    if (other.parts_.empty()) return;
    if (parts_.empty() || other.bits_ > bits_) rebuild(std::max(other.bits_, bits_));
    reserve_growing(size() + other.size());
    const int d = bits_ - other.bits_;
    for (std::size_t p = 0; p < parts_.size(); ++p) {
      const std::size_t want = std::max<std::size_t>(16, other.parts_[p >> d].cap >> d);
      if (parts_[p].cap < want) rehash(parts_[p], want);
    }
  }

  /// The value of `key`, default-constructed on first use; .second is true when it was created.
  std::pair<V*, bool> try_emplace(customer_id key) { return emplace<true>(key); }
  /// As try_emplace, but never changes the number of parts (a full part grows on its own). Threads
  /// may call it at once for keys of disjoint parts (part_of).
  std::pair<V*, bool> try_emplace_in_part(customer_id key) { return emplace<false>(key); }

  class part_writer;
  /// A writer for part p < part_count() alone: try_emplace_in_part for keys of that part
  /// (part_of(key) == p; a table gets its parts from reserve() or ensure_parts()), with the part's
  /// array, capacity and size kept in the writer (in registers in a loop over a part's keys) rather
  /// than read back from the table after every store. Threads may hold writers of disjoint parts at
  /// once. The part's size goes back to the table when the writer is destroyed: until then make no
  /// other call on the table that reads or changes that part.
  [[nodiscard]] part_writer write_part(std::size_t p) noexcept { return part_writer(*this, p); }

  /// The value of `key`, or nullptr.
  [[nodiscard]] const V* find(customer_id key) const noexcept {
    if (key == empty_key) return has_empty_key_ ? &empty_key_value_ : nullptr;
    if (parts_.empty()) return nullptr;
    const std::uint64_t h = mix(key);
    const part& p = parts_[part_index(h)];
    std::size_t i = home(p, h);
    for (;;) {
      const slot& s = p.base[i];
      if (s.key == key) return &s.value;
      if (s.key == empty_key) return nullptr;
      i = next(p, i);
    }
  }
  [[nodiscard]] V* find(customer_id key) noexcept {
    return const_cast<V*>(static_cast<const customer_table&>(*this).find(key));
  }

  /// Hints the processor to load the slot of `key` (call a few records ahead of try_emplace).
  void prefetch(customer_id key) const noexcept {
    if (parts_.empty()) return;
    const std::uint64_t h = mix(key);
    const part& pt = parts_[part_index(h)];
    detail::prefetch_line(pt.base + home(pt, h));
  }

  /// 64-byte lines of part p's slots (0 for a part that does not exist).
  [[nodiscard]] std::size_t part_lines(std::size_t p) const noexcept {
    return p < parts_.size() ? (parts_[p].cap * sizeof(slot) + 63) / 64 : 0;
  }
  /// Hints the processor to load line `line` of part `p` into its level-2 cache: a thread streams
  /// the next part it will fill, a line per entry of the current one, so that part's slots are
  /// cached before its first lookups instead of missed one at a time in random order.
  void prefetch_part_line(std::size_t p, std::size_t line) const noexcept {
    detail::prefetch_line<1>(reinterpret_cast<const char*>(parts_[p].base) + line * 64);
  }

  /// Calls f(key, value) for every customer, in unspecified order.
  template <class F>
  void for_each(F&& f) const {
    if (has_empty_key_) f(empty_key, empty_key_value_);
    for (std::size_t p = 0; p < parts_.size(); ++p) for_each_in_part(p, f, false);
  }
  template <class F>
  void for_each(F&& f) {
    if (has_empty_key_) f(empty_key, empty_key_value_);
    for (std::size_t p = 0; p < parts_.size(); ++p) for_each_in_part(p, f, false);
  }
  /// Calls f(key, value) for every customer of part `p` (customer 0 with part 0 when
  /// `with_zero`); threads may walk disjoint parts at once. Asks the thread's interrupt hook first
  /// (crm/core/interrupt.hpp: once per part, at most 8192 slots up to 2^10 parts), so every walk
  /// over a table (for_each too) stops with crm::interrupted when it answers true.
  template <class F>
  void for_each_in_part(std::size_t p, F&& f, bool with_zero = true) {
    detail::check_interrupt();
    if (with_zero && p == 0 && has_empty_key_) f(empty_key, empty_key_value_);
    for (slot* s = parts_[p].base; s != parts_[p].base + parts_[p].cap; ++s)
      if (s->key != empty_key) f(s->key, s->value);
  }
  template <class F>
  void for_each_in_part(std::size_t p, F&& f, bool with_zero = true) const {
    detail::check_interrupt();
    if (with_zero && p == 0 && has_empty_key_) f(empty_key, empty_key_value_);
    for (const slot* s = parts_[p].base; s != parts_[p].base + parts_[p].cap; ++s)
      if (s->key != empty_key) f(s->key, s->value);
  }

  void clear() noexcept {
    parts_.clear();
    arena_ = {};
    reserved_ = 0;
    bits_ = 0;
    has_empty_key_ = false;
    empty_key_value_ = V{};
  }

 private:
  static constexpr customer_id empty_key = 0;  // customer 0 lives in empty_key_value_ (part 0: mix(0) = 0)

  struct part {
    slot* base = nullptr;  // the part's slots: own.data(), or arena_.data() + offset
    std::size_t offset = 0;
    std::vector<slot, detail::huge_page_allocator<slot>> own;  // after the part outgrew its share of arena_
    std::size_t size = 0;
    std::size_t cap = 0;
    std::size_t limit = 0;
  };

 public:
  /// See write_part(). Not copyable; its size goes back to the table when it is destroyed.
  class part_writer {
   public:
    part_writer(const part_writer&) = delete;
    part_writer& operator=(const part_writer&) = delete;
    ~part_writer() { p_->size = size_; }
    /// As try_emplace_in_part(key) for a key of this part: the same slots, the same growth.
    std::pair<V*, bool> try_emplace(customer_id key) {
      if (key == empty_key) [[unlikely]] return t_->template emplace<false>(key);
      if (size_ + 1 > limit_) [[unlikely]] grow();
      return probe(base_, cap_, home_slot(mix(key), bits_, cap_), key, size_);
    }

    /// Hints the processor to load the home slot of `key` (a key of this part, a few keys ahead of
    /// the one being placed): the table's prefetch without finding the part again.
    void prefetch(customer_id key) const noexcept { detail::prefetch_line(base_ + home_slot(mix(key), bits_, cap_)); }

   private:
    friend class customer_table;
    part_writer(customer_table& t, std::size_t p) noexcept : t_(&t), p_(&t.parts_[p]), bits_(t.bits_) { load(); }
    void load() noexcept {
      base_ = p_->base;
      cap_ = p_->cap;
      limit_ = p_->limit;
      size_ = p_->size;
    }
    void grow() {
      p_->size = size_;
      t_->rehash(*p_, p_->cap * 2);
      load();
    }
    customer_table* t_;
    part* p_;
    int bits_;
    slot* base_ = nullptr;
    std::size_t cap_ = 0, limit_ = 0, size_ = 0;
  };

 private:
  [[nodiscard]] static constexpr std::uint64_t mix(std::uint64_t k) noexcept {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
  }
  // A part's size in slots: `cap` rounded up to a multiple of 16, at least 16 (the 4-slot groups of
  // probe_groups never run past a part).
  [[nodiscard]] static constexpr std::size_t rounded_part(std::size_t cap) noexcept {
    return (std::max<std::size_t>(cap, 16) + 15) / 16 * 16;
  }
  // The smallest multiple of 16 (at least 16) that is at most 3/4 full with n + 1 entries.
  [[nodiscard]] static std::size_t fit(std::size_t n) noexcept { return rounded_part((n + 1) + (n + 1) / 3 + 1); }
  [[nodiscard]] static constexpr std::size_t limit_of(std::size_t cap) noexcept { return cap - cap / 4; }
  // Slots for a part expected to get `per` customers: a part's count is about Poisson(per), so four
  // standard deviations (and 16) above it leave every one of up to 1,024 parts within its room.
  [[nodiscard]] static std::size_t part_room(std::size_t per) noexcept {
    return fit(per + 4 * static_cast<std::size_t>(std::sqrt(static_cast<double>(per))) + 16);
  }
  // What reserve(customers) does: the customers times reserve_room (what reserved_ records), the
  // parts' bits, each part's slots, and whether the table must be rebuilt for them.
  struct room {
    std::size_t customers = 0;
    int bits = 0;
    std::size_t want = 0;
    bool rebuild = false;
  };
  [[nodiscard]] room room_for(std::size_t customers) const noexcept {
    room r;
    r.customers = customers > std::numeric_limits<std::size_t>::max() / reserve_room ? customers : customers * reserve_room;
    const std::size_t cap = fit(r.customers);
    r.bits = std::max(bits_, static_cast<int>(std::bit_width(cap - 1)) - std::countr_zero(part_slots));
    r.bits = std::min(r.bits, max_part_bits);
    r.want = part_room(r.customers >> r.bits);
    r.rebuild = parts_.empty() || r.bits > bits_;
    for (const part& p : parts_) r.rebuild = r.rebuild || p.cap < r.want;
    return r;
  }
  // reserve(customers) before a merge: a table that must be rebuilt for less than an eighth more
  // customers than it holds gets room for half as many again. reserve() sizes the table for exactly
  // what it is asked, so merges that each add a few customers (N one-customer states merged one by
  // one) rebuilt the whole table every few dozen merges: time quadratic in N (found by an audit);
  // growing by a factor rebuilds it O(log N) times, and a larger growth pays for its rebuild.
  void reserve_growing(std::size_t customers) {
    if (customers == 0) return;
    const std::size_t n = size();
    if (!parts_.empty() && customers - std::min(customers, n) < n / 8 && room_for(customers).rebuild)
      customers = n + n / 2;
    reserve(customers);
  }
  [[nodiscard]] std::size_t part_index(std::uint64_t h) const noexcept { return part_index_of(h, bits_); }
  // the top `bits` bits of h (none when bits is 0)
  [[nodiscard]] static constexpr std::size_t part_index_of(std::uint64_t h, int bits) noexcept {
    return static_cast<std::size_t>(h >> (63 - bits) >> 1);
  }
  // The bits after the part's select the home slot: their top 32 scaled to the capacity (any
  // capacity, not only powers of two, so a reserved table is 2/3 full rather than 3/8 to 3/4).
  [[nodiscard]] std::size_t home(const part& p, std::uint64_t h) const noexcept { return home_slot(h, bits_, p.cap); }
  // Slots of 16 bytes (a key and a value of at most 8 bytes) are probed four at a time: a key's
  // home is the first slot of the 4-slot group (one 64-byte line) its hash scales to.
  static constexpr bool grouped = sizeof(slot) == 16;
  [[nodiscard]] static std::size_t home_slot(std::uint64_t h, int bits, std::size_t cap) noexcept {
    const auto i = static_cast<std::size_t>((((h << bits) >> 32) * cap) >> 32);
    if constexpr (grouped) return i & ~std::size_t{3};
    return i;
  }
  // Linear probing from slot i of an array of `cap` slots for `key`, placed in the first empty slot
  // (size counts the array's keys) when it is not there. The array has an empty slot. With 16-byte
  // slots on x86-64 a group of four is compared at once (SSE2), which gives the slot linear probing
  // gives: with no erase, a key in the group has no empty slot before it, so "the key's slot in
  // the group, else its first empty slot, else the next group" is the first slot, from the home
  // slot on, that holds the key or is empty. Measured: no mispredicted branch per probed slot; a
  // quarter to a third less time per key in parts held in the cache, about a tenth less CPU time in
  // the repeat share's partitioned add (docs/aggregation.md, "The per-customer table").
  static std::pair<V*, bool> probe(slot* base, std::size_t cap, std::size_t i, customer_id key, std::size_t& size) noexcept {
#if defined(__SSE2__) || defined(_M_X64)
    if constexpr (grouped) return probe_groups(base, cap, i, key, size);
#endif
    return probe_slots(base, cap, i, key, size);
  }
  // probe() a slot at a time: every build without SSE2, and slots of other sizes. Tested against
  // probe_groups on x86-64 (detail::customer_table_probes).
  static std::pair<V*, bool> probe_slots(slot* base, std::size_t cap, std::size_t i, customer_id key, std::size_t& size) noexcept {
    for (;;) {
      slot& s = base[i];
      if (s.key == key) return {&s.value, false};
      if (s.key == empty_key) {
        s.key = key;
        ++size;
        return {&s.value, true};
      }
      i = i + 1 == cap ? 0 : i + 1;
    }
  }
#if defined(__SSE2__) || defined(_M_X64)
  // The keys of slots i, i + 1 as one vector (16-byte slots: the key in the first 8 bytes).
  static __m128i two_keys(const slot* s) noexcept {
    return _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(&s[0].key)),
                              _mm_loadl_epi64(reinterpret_cast<const __m128i*>(&s[1].key)));
  }
  // A bit per 64-bit lane of a and b equal (bit 0: the low lane): both 32-bit halves equal. SSE2
  // alone, on every x86-64 build, so the tests run the code every build runs (SSE4.1's
  // _mm_cmpeq_epi64 saved about 6 % of a level-1-resident kernel: not worth a path no test builds).
  static unsigned equal_lanes(__m128i a, __m128i b) noexcept {
    const __m128i e32 = _mm_cmpeq_epi32(a, b);
    const __m128i e = _mm_and_si128(e32, _mm_shuffle_epi32(e32, _MM_SHUFFLE(2, 3, 0, 1)));
    return static_cast<unsigned>(_mm_movemask_pd(_mm_castsi128_pd(e)));
  }
  // probe() for 16-byte slots from the first slot i of a group (cap a multiple of 4).
  static std::pair<V*, bool> probe_groups(slot* base, std::size_t cap, std::size_t i, customer_id key, std::size_t& size) noexcept {
    const __m128i k = _mm_set1_epi64x(static_cast<long long>(key)), none = _mm_setzero_si128();
    for (;;) {
      const __m128i lo = two_keys(base + i), hi = two_keys(base + i + 2);
      const unsigned found = equal_lanes(lo, k) | equal_lanes(hi, k) << 2;
      const unsigned empty = equal_lanes(lo, none) | equal_lanes(hi, none) << 2;
      if (found != 0) return {&base[i + static_cast<std::size_t>(std::countr_zero(found))].value, false};
      if (empty != 0) {
        slot& s = base[i + static_cast<std::size_t>(std::countr_zero(empty))];
        s.key = key;
        ++size;
        return {&s.value, true};
      }
      i = i + 4 == cap ? 0 : i + 4;
    }
  }
#endif
  [[nodiscard]] static std::size_t next(const part& p, std::size_t i) noexcept { return i + 1 == p.cap ? 0 : i + 1; }

  template <bool may_split>
  std::pair<V*, bool> emplace(customer_id key) {
    if (key == empty_key) [[unlikely]] {
      const bool created = !has_empty_key_;
      has_empty_key_ = true;
      return {&empty_key_value_, created};
    }
    if (parts_.empty()) [[unlikely]] rebuild(0);
    const std::uint64_t h = mix(key);
    part* p = &parts_[part_index(h)];
    if (p->size + 1 > p->limit) [[unlikely]] {
      if (may_split && bits_ < max_part_bits && p->cap >= part_slots) {
        rebuild(bits_ + 1);
        p = &parts_[part_index(h)];
      } else {
        rehash(*p, p->cap * 2);
      }
    }
    return probe(p->base, p->cap, home(*p, h), key, p->size);
  }
  void place(part& p, slot&& s) {
    std::size_t i = home(p, mix(s.key));
    while (p.base[i].key != empty_key) i = next(p, i);
    p.base[i] = std::move(s);
    ++p.size;
  }
  // Moves part p into an array of its own of `cap` slots (its share of arena_, if any, stays unused
  // until the next rebuild).
  void rehash(part& p, std::size_t cap) {
    cap = rounded_part(cap);
    std::vector<slot, detail::huge_page_allocator<slot>> old = std::move(p.own);
    slot* from = p.base;
    const std::size_t from_cap = p.cap;
    p.own.assign(cap, slot{});
    p.base = p.own.data();
    p.cap = cap;
    p.limit = limit_of(cap);
    p.size = 0;
    for (slot* s = from; s != from + from_cap; ++s)
      if (s->key != empty_key) place(p, std::move(*s));
  }
  // Redistributes every customer over 2^bits parts, each sized for its customers (plus one) and at
  // least `min_cap` slots, all in one new array (on huge pages when large: random lookups in a
  // table of millions of customers then miss the TLB far less).
  void rebuild(int bits, std::size_t min_cap = 0) {
    rebuild_with(bits, [min_cap](std::size_t, std::size_t count) { return std::max(fit(count), min_cap); });
  }
  // rebuild, with part q of `count` customers given cap_of(q, count) slots (at least fit(count)).
  // The count pass asks the thread's interrupt hook per part (crm/core/interrupt.hpp) before
  // anything changes, so an interrupted rebuild leaves the table as it was; the new array and the
  // moves into it are not interrupted.
  template <class CapOf>
  void rebuild_with(int bits, CapOf cap_of) {
    const std::size_t n = std::size_t{1} << bits;
    std::vector<std::size_t> count(n, 0);
    for (const part& p : parts_) {
      detail::check_interrupt();
      for (const slot* s = p.base; s != p.base + p.cap; ++s)
        if (s->key != empty_key) ++count[bits == 0 ? 0 : static_cast<std::size_t>(mix(s->key) >> (64 - bits))];
    }
    std::vector<part> old = std::move(parts_);
    std::vector<slot, detail::huge_page_allocator<slot>> old_arena = std::move(arena_);
    parts_ = std::vector<part>(n);
    bits_ = bits;
    std::size_t total = 0;
    for (std::size_t q = 0; q < n; ++q) {
      part& p = parts_[q];
      p.cap = rounded_part(cap_of(q, count[q]));
      p.limit = limit_of(p.cap);
      p.offset = total;
      total += p.cap;
    }
    arena_ = std::vector<slot, detail::huge_page_allocator<slot>>(total);
    point_parts();
    for (part& p : old)
      for (slot* s = p.base; s != p.base + p.cap; ++s)
        if (s->key != empty_key) place(parts_[part_index(mix(s->key))], std::move(*s));
  }
  // Sets each part's base from arena_ or its own array (after a copy).
  void point_parts() noexcept {
    for (part& p : parts_) p.base = p.own.empty() ? arena_.data() + p.offset : p.own.data();
  }

  std::vector<part> parts_;
  std::vector<slot, detail::huge_page_allocator<slot>> arena_;  // the parts' slots, as the last rebuild sized them
  std::size_t reserved_ = 0;                                   // the largest reserve() asked for, times reserve_room
  int bits_ = 0;
  bool has_empty_key_ = false;
  V empty_key_value_{};
};

namespace detail {
/// customer_table's two probes of an array of slots, side by side: the group probe (four 16-byte
/// slots compared at once with SSE2, every x86-64 build) and the slot-at-a-time probe (builds
/// without SSE2, other slot sizes), for the test that both place every key in the same slot.
template <class V>
struct customer_table_probes {
  using table = customer_table<V>;
  using slot = typename table::slot;
  /// A key's first slot in an array of `cap` slots (a multiple of 16) of a table of 2^bits parts.
  [[nodiscard]] static std::size_t home(customer_id key, int bits, std::size_t cap) noexcept {
    return table::home_slot(table::mix(key), bits, cap);
  }
  static std::pair<V*, bool> slots(slot* base, std::size_t cap, std::size_t i, customer_id key, std::size_t& size) noexcept {
    return table::probe_slots(base, cap, i, key, size);
  }
#if defined(__SSE2__) || defined(_M_X64)
  static constexpr bool has_groups = table::grouped;
  static std::pair<V*, bool> groups(slot* base, std::size_t cap, std::size_t i, customer_id key, std::size_t& size) noexcept {
    return table::probe_groups(base, cap, i, key, size);
  }
#else
  static constexpr bool has_groups = false;
#endif
};
}  // namespace detail

/**
 * @brief Memory the aggregation layer keeps for reuse: its large blocks (2 MiB or more: the
 * per-customer tables, the threaded add's entry slabs), once freed, stay mapped for the next
 * allocation of the same size, as jemalloc and tcmalloc keep freed memory, at most `bytes` in all
 * (default 256 MiB) and none longer than 10 seconds (unmapped at the next allocation or free after
 * that). An allocation that finds no kept block of its size first unmaps kept blocks of at least its
 * own size. 0 unmaps every kept block and keeps none from then on (the PostgreSQL extension sets 0:
 * a backend's memory is budgeted by its server). Thread-safe. Linux only; elsewhere nothing is kept.
 * Why: docs/aggregation.md, "Memory kept for reuse".
 */
inline void set_retained_memory_limit(std::size_t bytes) noexcept { detail::retained_blocks::instance().set_limit(bytes); }
/// Unmaps every block kept for reuse now (the limit stays); see crm::set_retained_memory_limit.
inline void release_retained_memory() noexcept { detail::retained_blocks::instance().release(); }
/// Bytes of freed blocks kept for reuse now; see crm::set_retained_memory_limit.
[[nodiscard]] inline std::size_t retained_memory() noexcept { return detail::retained_blocks::instance().bytes(); }

CRM_METRICS_END_NAMESPACE
