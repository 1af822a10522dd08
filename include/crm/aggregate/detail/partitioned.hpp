// crm-metrics: helpers of the partitioned (two-phase) add of crm::add_parallel.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/aggregate.hpp>
#pragma once

#include <crm/core/config.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// Customer numbers for the threads of phase 2: each claims blocks of 4096 from one counter, so
/// numbers are distinct (a few unused ones between blocks do no harm).
struct index_claims {
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

}  // namespace detail
CRM_METRICS_END_NAMESPACE
