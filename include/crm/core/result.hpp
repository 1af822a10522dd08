// crm-metrics: crm::result<R>, the value-or-error returned by the non-throwing try_* metrics.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// A minimal std::expected<R, error_info> for C++20 (std::expected is C++23). R must be default
// constructible (every result type of the library is); that keeps result constexpr for any R.
#pragma once

#include <crm/core/error.hpp>

#include <type_traits>
#include <utility>

CRM_METRICS_BEGIN_NAMESPACE

template <class R>
class result {
 public:
  using value_type = R;

  constexpr result(R v) noexcept(std::is_nothrow_move_constructible_v<R>)  // NOLINT: implicit by design
      : value_(std::move(v)) {}
  constexpr result(error_info e) noexcept(std::is_nothrow_default_constructible_v<R>)  // NOLINT
      : value_(), error_(e) {
    CRM_METRICS_ASSERT(e.code != errc::ok, "crm::result built from an error_info without error");
  }

  [[nodiscard]] constexpr bool has_value() const noexcept { return error_.code == errc::ok; }
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return has_value(); }
  [[nodiscard]] constexpr const error_info& error() const noexcept { return error_; }

  /// The value; throws crm::metric_error (aborts without exceptions) when there is none.
  [[nodiscard]] constexpr const R& value() const& {
    if (!has_value()) detail::throw_metric_error(error_);
    return value_;
  }
  [[nodiscard]] constexpr R&& value() && {
    if (!has_value()) detail::throw_metric_error(error_);
    return std::move(value_);
  }
  /// Unchecked access: precondition has_value().
  [[nodiscard]] constexpr const R& operator*() const& noexcept {
    CRM_METRICS_ASSERT(has_value(), "crm::result: operator* on an error");
    return value_;
  }
  /// Unchecked access to an rvalue's value, moved out (`auto v = *std::move(r);`, `*try_f()`): with
  /// the const& form alone both copied the whole value (a state of millions of customers). Note that
  /// `std::move(*r)` still copies: through an lvalue r the value is const.
  [[nodiscard]] constexpr R&& operator*() && noexcept {
    CRM_METRICS_ASSERT(has_value(), "crm::result: operator* on an error");
    return std::move(value_);
  }
  [[nodiscard]] constexpr const R* operator->() const noexcept {
    CRM_METRICS_ASSERT(has_value(), "crm::result: operator-> on an error");
    return &value_;
  }
  template <class U>
  [[nodiscard]] constexpr R value_or(U&& fallback) const& {
    return has_value() ? value_ : static_cast<R>(std::forward<U>(fallback));
  }
  template <class U>
  [[nodiscard]] constexpr R value_or(U&& fallback) && {
    return has_value() ? std::move(value_) : static_cast<R>(std::forward<U>(fallback));
  }

 private:
  R value_;
  error_info error_{};
};

CRM_METRICS_END_NAMESPACE
