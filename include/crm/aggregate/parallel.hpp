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

#include <crm/aggregate/report.hpp>
#include <crm/core/result.hpp>

#include <cstddef>
#include <span>
#include <thread>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/// How add_parallel splits the work.
struct parallel_options {
  unsigned threads = 1;                         ///< threads to use (1: the calling thread only)
  on_bad_record policy = on_bad_record::stop;   ///< as for try_add
  std::size_t min_records_per_thread = 65536;   ///< fewer records per thread are not worth a thread
};

/**
 * @brief Adds `records` to `acc` using up to `opt.threads` threads: the input is cut into equal
 * contiguous chunks; the calling thread adds the first into `acc`, each other thread its chunk
 * into acc.fresh(); the parts are then merged into `acc` in input order. (Splitting by customer
 * instead, every thread reading all records, was measured slower: the scan and the copies cost
 * more than the smaller tables save.)
 * @returns the report of the whole batch, indices counted from the start of `records`, exactly as
 * acc.try_add(records, opt.policy) would report it (with on_bad_record::stop, the parts after the
 * first bad record are not merged and their records count as unread).
 * Errors: a merge that fails (a sum that overflows the number type) is returned as the error; the
 * state of `acc` is then that of the chunks merged before it.
 *
 * **Example**
 *     crm::rfm_accumulator<double> acc(options);
 *     auto report = crm::add_parallel(acc, std::span(orders), {.threads = 2});
 */
template <class Acc, class Record>
[[nodiscard]] result<add_report> try_add_parallel(Acc& acc, std::span<const Record> records, const parallel_options& opt = {}) {
  const std::size_t n = records.size();
  std::size_t parts = opt.threads == 0 ? 1 : opt.threads;
  const std::size_t per = opt.min_records_per_thread == 0 ? 1 : opt.min_records_per_thread;
  if (parts > 1 && n / parts < per) parts = n / per < 1 ? 1 : n / per;
  if (parts <= 1) return acc.try_add(records, opt.policy);
  std::vector<std::size_t> bounds(parts + 1);
  for (std::size_t i = 0; i <= parts; ++i) bounds[i] = n / parts * i + (n % parts) * i / parts;
  std::vector<Acc> state;
  state.reserve(parts - 1);
  for (std::size_t i = 1; i < parts; ++i) state.push_back(acc.fresh());
  std::vector<add_report> reports(parts);
  const auto chunk = [&](std::size_t i) { return records.subspan(bounds[i], bounds[i + 1] - bounds[i]); };
  {
    std::vector<std::thread> threads;
    threads.reserve(parts - 1);
    for (std::size_t i = 1; i < parts; ++i)
      threads.emplace_back([&, i] { reports[i] = state[i - 1].try_add(chunk(i), opt.policy); });
    reports[0] = acc.try_add(chunk(0), opt.policy);
    for (std::thread& t : threads) t.join();
  }
  add_report total;
  bool stopped = false;
  for (std::size_t i = 0; i < parts; ++i) {
    const add_report& r = reports[i];
    if (stopped) {
      total.unread += static_cast<count_t>(bounds[i + 1] - bounds[i]);
      continue;
    }
    if (i > 0)
      if (const error_info e = acc.try_merge(state[i - 1])) return e;
    total.used += r.used;
    total.unread += r.unread;
    const std::size_t kept = static_cast<std::size_t>(r.rejected) < add_report::kept_rejections ? static_cast<std::size_t>(r.rejected)
                                                                                                 : add_report::kept_rejections;
    for (std::size_t k = 0; k < kept; ++k) total.reject(r.first_rejections[k].index + bounds[i], r.first_rejections[k].error);
    total.rejected += r.rejected - static_cast<count_t>(kept);
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
