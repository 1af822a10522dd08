// crm-metrics: the day log of rfm_accumulator, 4 bytes per (customer, purchase day) entry.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/aggregate.hpp>
#pragma once

#include <crm/core/config.hpp>
#include <crm/core/interrupt.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// A segment of the RFM day log: entries (customer index, day), days in 1900-01-01 .. 2199-12-31
/// (what every accumulator accepts). An entry takes 4 bytes instead of the 8 of (index, day): the
/// customers of indices b * 2^15 .. (b + 1) * 2^15 - 1 have a block b of their own, whose entries
/// hold the index's low 15 bits and the day's offset from 1900-01-01 (17 bits: 109,572 days fit
/// in 131,072). for_each gives the entries back block by block, each block's in the order pushed.
class day_log {
 public:
  static constexpr int day_bits = 17;
  static constexpr int index_bits = 32 - day_bits;
  static constexpr std::int32_t first_day =
      static_cast<std::int32_t>(std::chrono::sys_days{std::chrono::year{1900} / 1 / 1}.time_since_epoch().count());
  static_assert(std::chrono::sys_days{std::chrono::year{2199} / 12 / 31}.time_since_epoch().count() - first_day < (1 << day_bits),
                "the days 1900 .. 2199 fit in day_bits");

  /// Adds the entry (index, day); day must lie in 1900-01-01 .. 2199-12-31.
  void push(std::uint32_t index, std::int32_t day) {
    const std::size_t b = index >> index_bits;
    if (b >= blocks_.size()) blocks_.resize(b + 1);
    blocks_[b].push_back(((index & index_mask) << day_bits) | static_cast<std::uint32_t>(day - first_day));
    ++size_;
  }
  /// Makes room for `n` more entries in block b, in one allocation (a reader that counted them).
  void reserve(std::size_t b, std::size_t n) {
    if (b >= blocks_.size()) blocks_.resize(b + 1);
    blocks_[b].reserve(blocks_[b].size() + n);
  }
  /// Calls f(index, day) for every entry; asks the thread's interrupt hook before each block
  /// (crm/core/interrupt.hpp).
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      detail::check_interrupt();
      const auto high = static_cast<std::uint32_t>(b << index_bits);
      for (const std::uint32_t e : blocks_[b]) f(high | (e >> day_bits), static_cast<std::int32_t>(e & day_mask) + first_day);
    }
  }
  /// Blocks (the highest customer index pushed, >> index_bits, plus one; 0 when empty).
  [[nodiscard]] std::size_t blocks() const noexcept { return blocks_.size(); }
  /// The raw entries of block b in the order pushed (empty when b >= blocks()): entry e stands for
  /// customer index (b << index_bits) | entry_index(e) and day entry_day(e). Sorting raw entries of
  /// one block sorts them by (index, day).
  [[nodiscard]] std::span<const std::uint32_t> block(std::size_t b) const noexcept {
    if (b >= blocks_.size()) return {};
    return {blocks_[b].data(), blocks_[b].size()};
  }
  /// The low index_bits bits of the customer index of a raw entry.
  [[nodiscard]] static constexpr std::uint32_t entry_index(std::uint32_t e) noexcept { return e >> day_bits; }
  /// The day offset from first_day of a raw entry (0 .. 2^day_bits - 1).
  [[nodiscard]] static constexpr std::uint32_t entry_day(std::uint32_t e) noexcept { return e & day_mask; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  /// Bytes held (the blocks' capacity and their headers).
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    std::size_t n = blocks_.capacity() * sizeof(blocks_[0]);
    for (const auto& b : blocks_) n += b.capacity() * sizeof(std::uint32_t);
    return n;
  }
  /// A copy whose blocks are exactly sized (a sealed segment of the log).
  [[nodiscard]] day_log sealed() const {
    day_log s;
    s.blocks_.reserve(blocks_.size());
    for (const auto& b : blocks_) s.blocks_.emplace_back(b.begin(), b.end());
    s.size_ = size_;
    return s;
  }
  /// Frees the room of every block beyond its entries.
  void shrink_to_fit() {
    for (auto& b : blocks_) b.shrink_to_fit();
    blocks_.shrink_to_fit();
  }
  /// Forgets every entry; keeps the memory for the next round.
  void clear() noexcept {
    for (auto& b : blocks_) b.clear();
    size_ = 0;
  }

 private:
  static constexpr std::uint32_t index_mask = (std::uint32_t{1} << index_bits) - 1;
  static constexpr std::uint32_t day_mask = (std::uint32_t{1} << day_bits) - 1;
  std::vector<std::vector<std::uint32_t>> blocks_;
  std::size_t size_ = 0;
};

}  // namespace detail
CRM_METRICS_END_NAMESPACE
