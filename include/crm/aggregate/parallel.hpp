// crm-metrics: the multi-threaded driver: split the input, accumulate per thread, merge.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// The library starts threads only here, and only as many as asked for (default 1: no thread).
// Because merge() is exact, the counts are the same as one thread's; sums in binary floating point
// may differ in the last bits (addition order), sums in a decimal type do not.
// Customization points: any accumulator with try_add(span, on_bad_record), try_merge(other) and
// fresh() (every accumulator of <crm/aggregate.hpp>).
#pragma once

#include <crm/aggregate/customer_table.hpp>
#include <crm/aggregate/detail/partitioned.hpp>
#include <crm/aggregate/report.hpp>
#include <crm/core/executor.hpp>
#include <crm/core/result.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <span>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// How add_parallel splits the work.
struct parallel_options {
  unsigned threads = 1;                         ///< threads to use (1: the calling thread only)
  on_bad_record policy = on_bad_record::stop;   ///< as for try_add
  std::size_t min_records_per_thread = 65536;   ///< fewer records per thread are not worth a thread
  /// Records per round of the partitioned add (see try_add_parallel): its buffers hold this many
  /// entries (8 to 24 bytes each) at a time.
  std::size_t round_records = std::size_t{1} << 21;
  /// false: cut into chunks and merge even where the partitioned add applies (it needs buffers of
  /// round_records entries; the chunks need a table per thread instead).
  bool partitioned = true;
  /// Where the threads' parts run: nullptr (the default) starts threads - 1 std::threads for each
  /// phase; an executor (crm::thread_pool, or your own pool) gets them as tasks instead, and no
  /// thread is started (crm/core/executor.hpp: the state is the same whatever it does with them).
  crm::executor* executor = nullptr;
};

namespace detail {
/// An accumulator whose batch add can run in two phases (see try_add_parallel): `partitioned_scan`
/// checks a record and adds its shared part (totals, per-period sums) in record order;
/// `partitioned_entry` is what the customer's state needs; `partitioned_apply` adds an entry to the
/// customer's state, called by the thread that owns the customer's part of the table;
/// `partitioned_side` is an accumulator for the shared part of another chunk (no reserved table);
/// `partitioned_ok` says when the two phases give exactly what try_add gives; `partitioned_start`
/// and `partitioned_finish` prepare and collect the per-thread contexts of phase 2.
template <class Acc, class Record>
concept partitioned_accumulator =
    requires(Acc& a, const Record& r, bool& emit, typename Acc::part_entry& e, typename Acc::part_context& c,
             std::span<typename Acc::part_context> cs,
             typename std::remove_cvref_t<decltype(std::declval<Acc&>().partitioned_table())>::part_writer& w) {
  { a.partitioned_ok(std::size_t{}, on_bad_record::stop) } -> std::same_as<bool>;
  { a.partitioned_side() } -> std::same_as<Acc>;
  { a.partitioned_scan(r, emit) } -> std::same_as<error_info>;
  { a.partitioned_entry(r) } -> std::same_as<typename Acc::part_entry>;
  { a.partitioned_apply(e, c, w) } -> std::same_as<error_info>;
  a.partitioned_start(cs);
  a.partitioned_finish(cs, std::size_t{});
  a.partitioned_table().ensure_parts(0);
  { r.customer } -> std::convertible_to<customer_id>;
};

/// Starts f(1) .. f(k - 1) on threads, runs f(0) here, joins. An exception from any f(t) (a sink
/// of scan_csv that throws, std::bad_alloc) is caught on its thread; once every thread has been
/// joined, the one of the lowest t is rethrown here, as one thread running f(0) .. f(k - 1) in turn
/// would have let it out (before, it left its thread and std::terminate ended the process). A
/// thread that cannot be started (std::system_error) leaves its f(t) to the calling thread. Inside
/// an executor_scope with an executor (the options of the call), no thread is started: fork_join.
template <class F>
void on_threads(std::size_t k, F&& f) {
  if (executor* ex = scoped_executor(); ex != nullptr && k > 1) return fork_join(*ex, k, f);
#if CRM_METRICS_HAS_EXCEPTIONS
  std::vector<std::exception_ptr> errors(k);
  const auto run = [&f, &errors](std::size_t t) {
    try {
      f(t);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  std::vector<std::size_t> here;  // parts whose thread could not be started
  pool.reserve(k - 1);
  for (std::size_t t = 1; t < k; ++t) {
    try {
      pool.emplace_back(run, t);
    } catch (const std::system_error&) {
      here.push_back(t);
    }
  }
  run(std::size_t{0});
  for (const std::size_t t : here) run(t);
  for (std::thread& th : pool) th.join();
  for (const std::exception_ptr& e : errors)
    if (e) std::rethrow_exception(e);
#else
  std::vector<std::thread> pool;
  pool.reserve(k - 1);
  for (std::size_t t = 1; t < k; ++t) pool.emplace_back([&f, t] { f(t); });
  f(std::size_t{0});
  for (std::thread& th : pool) th.join();
#endif
}

/// sort_by_customer on `threads` threads (the calling one and threads - 1 started here) for a
/// vector of trivially copyable records with any allocator (its scratch copy comes from the same
/// allocator): the same stable LSD radix sort on 8-bit digits, each pass a count and a scatter of
/// contiguous chunks, one per thread, so the result is exactly sort_by_customer's whatever the
/// number of threads. Fewer than `min_per_thread` records per thread are sorted on the calling one.
template <class R, class A, class Key>
void sort_by_customer(std::vector<R, A>& v, Key key, std::size_t threads, std::size_t min_per_thread = std::size_t{1} << 16) {
  static_assert(std::is_trivially_copyable_v<R>, "the scratch copy is raw storage");
  const std::size_t n = v.size();
  if (n < 256) {
    std::stable_sort(v.begin(), v.end(), [&key](const R& a, const R& b) { return key(a) < key(b); });
    return;
  }
  if (threads == 0 || n / threads < std::max<std::size_t>(min_per_thread, 1)) threads = 1;
  const auto lo = [n, threads](std::size_t t) { return n / threads * t + (n % threads) * t / threads; };
  std::vector<std::uint64_t> ors(threads, 0);
  on_threads(threads, [&](std::size_t t) {
    std::uint64_t any = 0;
    for (std::size_t i = lo(t); i < lo(t + 1); ++i) any |= key(v[i]);
    ors[t] = any;
  });
  std::uint64_t any = 0;
  for (const std::uint64_t x : ors) any |= x;
  struct scratch {  // raw storage for one copy of v, from v's allocator
    A alloc;
    std::size_t size;
    R* data;
    scratch(const A& a, std::size_t m) : alloc(a), size(m), data(std::allocator_traits<A>::allocate(alloc, m)) {}
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    ~scratch() { std::allocator_traits<A>::deallocate(alloc, data, size); }
  } tmp{v.get_allocator(), n};
  R* src = v.data();
  R* dst = tmp.data;
  std::vector<own_lines<std::array<std::size_t, 256>>> counts(threads);
  const auto count = [&counts](std::size_t t) -> std::array<std::size_t, 256>& { return counts[t].value; };
  for (int shift = 0; shift < 64 && (any >> shift) != 0; shift += 8) {
    const auto digit = [&key, shift](const R& r) { return static_cast<std::size_t>((key(r) >> shift) & 0xFF); };
    on_threads(threads, [&](std::size_t t) {
      std::array<std::size_t, 256>& c = count(t);
      c.fill(0);
      for (std::size_t i = lo(t); i < lo(t + 1); ++i) ++c[digit(src[i])];
    });
    const std::size_t d0 = digit(src[0]);
    std::size_t same = 0;
    for (std::size_t t = 0; t < threads; ++t) same += count(t)[d0];
    if (same == n) continue;  // one digit value: nothing moves
    std::size_t sum = 0;  // where thread t's records of digit d start: after all smaller digits and earlier threads'
    for (std::size_t d = 0; d < 256; ++d)
      for (std::size_t t = 0; t < threads; ++t) {
        const std::size_t k = count(t)[d];
        count(t)[d] = sum;
        sum += k;
      }
    on_threads(threads, [&](std::size_t t) {
      std::array<std::size_t, 256>& c = count(t);
      for (std::size_t i = lo(t); i < lo(t + 1); ++i) std::memcpy(dst + c[digit(src[i])]++, src + i, sizeof(R));
    });
    std::swap(src, dst);
  }
  if (src != v.data())
    on_threads(threads, [&](std::size_t t) { std::memcpy(v.data() + lo(t), src + lo(t), (lo(t + 1) - lo(t)) * sizeof(R)); });
}

/// Adds the rejections of `r` (indices + offset) and its counts to `total`.
inline void add_report_to(add_report& total, const add_report& r, std::size_t offset) {
  total.used += r.used;
  total.unread += r.unread;
  const std::size_t kept = static_cast<std::size_t>(r.rejected) < add_report::kept_rejections ? static_cast<std::size_t>(r.rejected)
                                                                                               : add_report::kept_rejections;
  for (std::size_t k = 0; k < kept; ++k) total.reject(r.first_rejections[k].index + offset, r.first_rejections[k].error);
  total.rejected += r.rejected - static_cast<count_t>(kept);
}

/**
 * The two phases of the partitioned add, for any source of records. Phase 1 (file) checks a piece
 * of the input, adds its shared part (totals, per-period sums) and files one entry per purchase
 * under the part of the table its customer belongs to, in the list of the thread that files it;
 * phase 2 (apply) adds the entries part by part, each part's pieces in input order, so every
 * customer sees its records in input order and no two threads touch one customer. Pieces are either
 * the slots 0 .. threads - 1 of scan_csv_into (file: slot t's pieces of the file, one thread per
 * slot) or the morsels of add_partitioned (file_piece: any thread takes the next morsel, so one
 * that is held up, on a core shared with other work, leaves the rest of the round to the others).
 * In phase 2 the threads take groups of parts from a shared counter, for the same reason.
 */
template <class Acc, class Record>
class partitioned_run {
 public:
  using entry = typename Acc::part_entry;
  using context = typename Acc::part_context;
  static_assert(std::is_empty_v<context> || alignof(context) >= thread_state_alignment,
                "each thread's context on cache lines of its own (detail::thread_state_alignment)");

  /// Prepares `threads` threads' lists and `pieces` pieces (at least `threads`) for about `records`
  /// records (the table gets enough parts for every thread, parts of a few thousand customers:
  /// cache-sized).
  partitioned_run(Acc& acc, std::size_t threads, std::size_t records, std::size_t pieces = 0)
      : acc_(acc), threads_(threads), pieces_(std::max(threads, pieces)), ctx_(threads) {
    auto& table = acc.partitioned_table();
    table.ensure_parts(static_cast<int>(std::max(std::bit_width(threads - 1), std::bit_width(records >> 16))));
    parts_ = table.part_count();
    for (std::size_t i = 1; i < pieces_; ++i) side_.push_back({acc.partitioned_side()});
    touched_.assign(pieces_, 0);
    owner_.assign(pieces_, 0);
    from_.assign(pieces_ * parts_, 0);
    to_.assign(pieces_ * parts_, 0);
    for (std::size_t t = 0; t < threads; ++t) lists_.emplace_back(parts_);
  }

  /// Phase 1 for slot t (one thread per slot at a time; scan_csv_into): checks `records` in order,
  /// adds their shared part (into acc for slot 0, into a side accumulator for the others) and files
  /// one entry per purchase under its customer's part, after the slot's earlier records. Under
  /// on_bad_record::stop it ends at the first bad record (the rest count as unread). Indices of the
  /// report count from the start of `records`.
  add_report file(std::size_t t, std::span<const Record> records, on_bad_record policy) { return scan(t, t, records, policy); }

  /// Phase 1 for piece i, filed by thread t (each piece once per round, by any thread; add_partitioned).
  add_report file_piece(std::size_t t, std::size_t i, std::span<const Record> records, on_bad_record policy) {
    const part_lists<entry>& out = lists_[t];
    owner_[i] = t;
    for (std::size_t p = 0; p < parts_; ++p) from_[i * parts_ + p] = out.size(p);
    const add_report rep = scan(t, i, records, policy);
    for (std::size_t p = 0; p < parts_; ++p) to_[i * parts_ + p] = out.size(p);
    return rep;
  }

  /// Phase 2 after file(): the entries of slots 0 .. chunks - 1 (see apply_pieces).
  error_info apply(std::size_t chunks) {
    for (std::size_t c = 0; c < chunks; ++c) {
      owner_[c] = c;
      for (std::size_t p = 0; p < parts_; ++p) {
        from_[c * parts_ + p] = 0;
        to_[c * parts_ + p] = lists_[c].size(p);
      }
    }
    return apply_pieces(chunks);
  }

  /// Phase 2: adds the entries of pieces 0 .. pieces - 1 on `threads` threads, each taking groups
  /// of parts from a shared counter and each part's pieces in order (so every customer sees its
  /// records in input order), loading the slot of the entry 16 places ahead while it adds one (in
  /// parts of more than 128 KiB) and streaming the slots of the next part it will add into the
  /// cache; then merges the pieces' shared sums into acc in order and empties every list. Returns
  /// the first error (a sum that overflows T: partitioned_ok rules out every other state-dependent
  /// error).
  error_info apply_pieces(std::size_t pieces) {
    constexpr std::size_t ahead = 16, streamed_part_bytes = std::size_t{128} << 10;
    auto& table = acc_.partitioned_table();
    acc_.partitioned_start(std::span<context>(ctx_));
    std::vector<error_info> failed(threads_);
    const std::size_t group = std::max<std::size_t>(1, parts_ / (threads_ * 16));
    const std::size_t groups = (parts_ + group - 1) / group;
    std::atomic<std::size_t> next_group{0};
    on_threads(threads_, [&](std::size_t t) {
      std::size_t g = next_group.fetch_add(1, std::memory_order_relaxed);
      while (g < groups) {
        const std::size_t g_next = next_group.fetch_add(1, std::memory_order_relaxed);  // claimed ahead, to stream its first part
        const std::size_t p_end = std::min(parts_, (g + 1) * group);
        for (std::size_t p = g * group; p < p_end; ++p) {
          // the next part's slots stream into the cache, a line per entry of this part
          const std::size_t q = p + 1 < p_end ? p + 1 : g_next * group;
          const std::size_t lines = q < parts_ ? table.part_lines(q) : 0;
          std::size_t line = 0;
          // a part of at most 128 KiB, streamed whole into the level-2 cache of any recent core,
          // needs no load of each slot ahead: measured, it cost more than it saved there, and
          // nothing clear either way for larger parts (docs/aggregation.md, "Threads")
          const bool slot_ahead = table.part_lines(p) * 64 > streamed_part_bytes;
          auto writer = table.write_part(p);
          for (std::size_t i = 0; i < pieces; ++i)
            lists_[owner_[i]].for_each_range(p, from_[i * parts_ + p], to_[i * parts_ + p], [&](const entry* first, const entry* last) {
              for (const entry* e = first; e < last; ++e) {
                if (line < lines) table.prefetch_part_line(q, line++);
                if (slot_ahead && e + ahead < last) writer.prefetch(e[ahead].customer);
                if (const error_info err = acc_.partitioned_apply(*e, ctx_[t], writer)) [[unlikely]] {
                  if (!failed[t]) failed[t] = err;
                }
              }
            });
        }
        g = g_next;
      }
    });
    acc_.partitioned_finish(std::span<context>(ctx_), parts_);
    for (part_lists<entry>& l : lists_) l.clear();
    error_info first;
    for (const error_info& e : failed)
      if (e && !first) first = e;
    for (std::size_t i = 1; i < pieces_; ++i) {
      if (!first && i < pieces) first = acc_.try_merge(side_[i - 1].value);
      if (touched_[i] != 0) side_[i - 1].value = acc_.partitioned_side();
      touched_[i] = 0;
    }
    return first;
  }

 private:
  // Checks `records` in order, adds their shared part into piece i's accumulator and files their
  // entries in thread t's lists.
  add_report scan(std::size_t t, std::size_t i, std::span<const Record> records, on_bad_record policy) {
    Acc& a = i == 0 ? acc_ : side_[i - 1].value;
    touched_[i] = 1;
    part_lists<entry>& out = lists_[t];
    // the part of a key from a copy: acc_'s own counts, which the thread filing piece 0 writes,
    // may share a line with its table's members
    const auto part_of = acc_.partitioned_table().parts_map();
    add_report rep;
    count_t used = 0;  // a local, not rep.used: the entries' stores could alias a count in memory
    for (std::size_t k = 0; k < records.size(); ++k) {
      const Record& r = records[k];
      if (k + 32 < records.size()) prefetch_line(&records[k + 32]);  // measured: see docs/aggregation.md, "Threads"
      bool emit = false;
      if (const error_info e = a.partitioned_scan(r, emit)) [[unlikely]] {
        rep.reject(k, e);
        if (policy == on_bad_record::stop) {
          rep.unread = static_cast<count_t>(records.size() - k - 1);
          break;
        }
        continue;
      }
      ++used;
      if (emit) out.push(part_of(r.customer), a.partitioned_entry(r));
    }
    rep.used = used;
    return rep;
  }

  Acc& acc_;
  std::size_t threads_;
  std::size_t pieces_;
  std::size_t parts_ = 0;
  // the shared sums of pieces 1 .. pieces_ - 1 (piece 0's go into acc_), each on cache lines of its
  // own: two threads filing neighbouring pieces write their counts for every record
  std::vector<own_lines<Acc>> side_;
  std::vector<unsigned char> touched_;    // per piece: its side accumulator holds records (one writer each)
  std::vector<std::size_t> owner_;        // per piece: the thread whose lists hold its entries
  std::vector<std::size_t> from_, to_;    // per piece and part: its entries' positions in the owner's list
  std::vector<context> ctx_;
  std::vector<part_lists<entry>> lists_;  // per thread: its entries, by part
};

/**
 * The partitioned add of a batch in memory: per round of records, phase 1 cuts the round into
 * eight morsels per thread, which the threads take in turn from a shared counter and file
 * (partitioned_run::file_piece); phase 2 adds the entries (partitioned_run::apply_pieces). No
 * second table, no merge of customers: the pieces' accumulators hold only shared sums and are merged
 * in input order, so the result does not depend on which thread took which morsel.
 */
template <class Acc, class Record>
result<add_report> add_partitioned(Acc& acc, std::span<const Record> records, const parallel_options& opt, std::size_t threads) {
  const std::size_t n = records.size();
  const std::size_t morsels = threads * 8;
  partitioned_run<Acc, Record> run(acc, threads, n, morsels);
  const std::size_t per_round = std::max<std::size_t>(opt.round_records, threads);
  const std::size_t rounds = (n + per_round - 1) / per_round;
  add_report total;
  std::vector<add_report> reports(morsels);
  std::vector<std::size_t> bounds(morsels + 1);
  for (std::size_t round = 0; round < rounds; ++round) {
    const std::size_t b0 = n * round / rounds, b1 = n * (round + 1) / rounds, m = b1 - b0;
    const std::size_t k = std::max<std::size_t>(1, std::min(morsels, m));
    for (std::size_t i = 0; i <= k; ++i) bounds[i] = m * i / k;
    std::atomic<std::size_t> next{0}, stop_at{k};  // stop_at: the first morsel that stopped at a bad record
    on_threads(threads, [&](std::size_t t) {
      for (std::size_t i = next.fetch_add(1, std::memory_order_relaxed); i < k; i = next.fetch_add(1, std::memory_order_relaxed)) {
        if (i > stop_at.load(std::memory_order_relaxed)) continue;  // after the stop: never added
        reports[i] = run.file_piece(t, i, records.subspan(b0 + bounds[i], bounds[i + 1] - bounds[i]), opt.policy);
        if (opt.policy == on_bad_record::stop && reports[i].rejected > 0) {
          std::size_t s = stop_at.load(std::memory_order_relaxed);
          while (i < s && !stop_at.compare_exchange_weak(s, i, std::memory_order_relaxed)) {
          }
        }
      }
    });
    // Every morsel up to the first stop was filed (a morsel is skipped only after a stop before it).
    const std::size_t stop = stop_at.load();
    const std::size_t used = stop < k ? stop + 1 : k;
    if (const error_info e = run.apply_pieces(used)) return e;
    for (std::size_t i = 0; i < k; ++i) {
      if (i >= used) total.unread += static_cast<count_t>(bounds[i + 1] - bounds[i]);
      else add_report_to(total, reports[i], b0 + bounds[i]);
    }
    if (stop < k) {
      total.unread += static_cast<count_t>(n - b1);
      break;
    }
  }
  return total;
}
}  // namespace detail

/**
 * @brief Adds `records` to `acc` using up to `opt.threads` threads.
 * For customer_accumulator, repeat_purchase_accumulator, rfm_accumulator (with its day log) and
 * period_accumulator (up to 64 periods, without cohort revenue): the partitioned add. The table of
 * customers is split into parts by the hash of the id; per round of `opt.round_records` records, cut into eight morsels per
 * thread, the threads take the morsels in turn, check each, add its totals, and file its purchases
 * by part (one pass); then the threads take groups of parts in turn and add each part's purchases,
 * morsel after morsel. Every customer's records arrive in input order and are added by one thread
 * into `acc` itself: no second table and no merge of customers, so the per-customer state is
 * exactly one thread's (sums too, in any number type). Measured in docs/performance.md.
 * Other accumulators and options: the input is cut into equal contiguous chunks; the calling thread
 * adds the first into `acc`, each other thread its chunk into acc.fresh(); the parts are then
 * merged into `acc` in input order.
 * Shared sums (the revenue of order totals and of periods) are added per chunk and merged, so in
 * binary floating point they may differ from one thread's in the last bits; counts never do.
 * @returns the report of the whole batch, indices counted from the start of `records`, exactly as
 * acc.try_add(records, opt.policy) would report it (with on_bad_record::stop, the records after the
 * first bad record are not added and count as unread).
 * rfm_accumulator without its day log is added on the calling thread (see chunks_merge_exactly()).
 * Errors: a sum that overflows the number type while merging chunks (or the pieces' totals of the
 * partitioned add), a count that passes 2^63 - 1 there (only a state read back or merged with a
 * count near it meets this), or (partitioned add) a customer's value sum in rfm_accumulator that
 * overflows, is returned as the error where one thread would have rejected that record and gone on; the state of `acc` then holds part of the batch (not
 * necessarily the records before that one: phase 2 of the partitioned add has gone on with the other
 * customers). Only sums near the largest value of the number type meet this.
 *
 * **Example**
 *     crm::rfm_accumulator<double> acc(options);
 *     auto report = crm::add_parallel(acc, std::span(orders), {.threads = 2});
 */
template <class Acc, class Record>
[[nodiscard]] result<add_report> try_add_parallel(Acc& acc, std::span<const Record> records, const parallel_options& opt = {}) {
  const detail::executor_scope on(opt.executor);
  const std::size_t n = records.size();
  std::size_t parts = opt.threads == 0 ? 1 : opt.threads;
  const std::size_t per = opt.min_records_per_thread == 0 ? 1 : opt.min_records_per_thread;
  if (parts > 1 && n / parts < per) parts = n / per < 1 ? 1 : n / per;
  if (parts <= 1) return acc.try_add(records, opt.policy);
  if constexpr (detail::partitioned_accumulator<Acc, Record>)
    if (opt.partitioned && acc.partitioned_ok(n, opt.policy)) return detail::add_partitioned(acc, records, opt, parts);
  // An accumulator whose parts cannot always be merged as one thread adds (rfm_accumulator without
  // its day log: days of a customer out of order are a rejected record on one thread, and an error of
  // the merge of two chunks) says so, and is added on the calling thread.
  if constexpr (requires { { acc.chunks_merge_exactly() } -> std::same_as<bool>; })
    if (!acc.chunks_merge_exactly()) return acc.try_add(records, opt.policy);
  std::vector<std::size_t> bounds(parts + 1);
  for (std::size_t i = 0; i <= parts; ++i) bounds[i] = n / parts * i + (n % parts) * i / parts;
  std::vector<detail::own_lines<Acc>> state;  // one per thread, on cache lines of its own
  state.reserve(parts - 1);
  for (std::size_t i = 1; i < parts; ++i) state.push_back({acc.fresh()});
  std::vector<add_report> reports(parts);
  const auto chunk = [&](std::size_t i) { return records.subspan(bounds[i], bounds[i + 1] - bounds[i]); };
  detail::on_threads(parts, [&](std::size_t i) { reports[i] = (i == 0 ? acc : state[i - 1].value).try_add(chunk(i), opt.policy); });
  add_report total;
  bool stopped = false;
  for (std::size_t i = 0; i < parts; ++i) {
    const add_report& r = reports[i];
    if (stopped) {
      total.unread += static_cast<count_t>(bounds[i + 1] - bounds[i]);
      continue;
    }
    if (i > 0)
      if (const error_info e = acc.try_merge(state[i - 1].value)) return e;
    detail::add_report_to(total, r, bounds[i]);
    stopped = opt.policy == on_bad_record::stop && r.rejected > 0;
  }
  return total;
}

/// Throwing form: crm::metric_error for a failed merge, and with on_bad_record::stop
/// crm::bad_record for the first rejected record.
template <class Acc, class Record>
add_report add_parallel(Acc& acc, std::span<const Record> records, const parallel_options& opt = {}) {
  const add_report r = try_add_parallel(acc, records, opt).value();
  return opt.policy == on_bad_record::stop ? detail::checked(r) : r;
}
template <class Acc, class Record>
add_report add_parallel(Acc& acc, const std::vector<Record>& records, const parallel_options& opt = {}) {
  return add_parallel(acc, std::span<const Record>(records), opt);
}

CRM_METRICS_END_NAMESPACE
