// crm-metrics: what an accumulator did with a batch of records: used, rejected, and why.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// Every record given to an accumulator is counted exactly once: used (it changed the state, or it
// was a kind the accumulator ignores by its documented rule, e.g. a return in the RFM summary),
// rejected (invalid: its index and the error are kept for the first few), or, when the caller asked
// to stop at the first bad record, left unread. used + rejected + unread == the records given.
// Customization points: none.
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/number.hpp>
#include <crm/core/result.hpp>
#include <crm/aggregate/detail/bytes.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <vector>
#include <string>
#include <utility>

CRM_METRICS_BEGIN_NAMESPACE

/// What an accumulator does when it meets an invalid record in a batch.
enum class on_bad_record : unsigned char {
  stop,  ///< reject it and return: the records after it are left unread (the default)
  skip,  ///< reject it, keep it among the first rejections, and go on
};

/// One rejected record: its 0-based index in the batch and what is wrong with it.
struct rejected_record {
  std::size_t index = 0;
  error_info error{};
};

/// "crm::rfm_accumulator: amount is not finite (NaN or infinity) (record 17)"
[[nodiscard]] inline std::string message(const rejected_record& r) {
  return message(r.error) + " (record " + std::to_string(r.index) + ")";
}

/// The outcome of adding a batch of records.
struct add_report {
  static constexpr std::size_t kept_rejections = 8;
  count_t used = 0;      ///< records the accumulator took in
  count_t rejected = 0;  ///< invalid records
  count_t unread = 0;    ///< records after a stop (on_bad_record::stop only)
  std::array<rejected_record, kept_rejections> first_rejections{};  ///< the first min(rejected, 8)

  /// true when nothing was rejected.
  [[nodiscard]] constexpr explicit operator bool() const noexcept { return rejected == 0; }
  [[nodiscard]] constexpr count_t records() const noexcept { return used + rejected + unread; }
  /// The first rejection (index 0 and no error when there is none).
  [[nodiscard]] constexpr const rejected_record& first_error() const noexcept { return first_rejections[0]; }
  constexpr void reject(std::size_t index, const error_info& e) noexcept {
    if (rejected < static_cast<count_t>(kept_rejections)) first_rejections[static_cast<std::size_t>(rejected)] = {index, e};
    ++rejected;
  }
};

/// Thrown by the throwing add() of an accumulator for an invalid record; names the record index.
class bad_record : public metric_error {
 public:
  explicit bad_record(const rejected_record& r) : metric_error(r.error), record_(r), what_(message(r)) {}
  [[nodiscard]] const char* what() const noexcept override { return what_.c_str(); }
  [[nodiscard]] std::size_t index() const noexcept { return record_.index; }
  [[nodiscard]] const rejected_record& record() const noexcept { return record_; }

 private:
  rejected_record record_;
  std::string what_;
};

namespace detail {
[[noreturn]] inline void throw_bad_record(const rejected_record& r) {
#if CRM_METRICS_HAS_EXCEPTIONS
  throw bad_record(r);
#else
  (void)r;
  std::abort();
#endif
}

/// The loop every accumulator's batch add runs: `one(record)` returns an error_info (empty = used);
/// `ahead(i)` is called before record i is added (a prefetch hook).
template <class Span, class One, class Ahead>
add_report add_batch(const Span& records, on_bad_record policy, One&& one, Ahead&& ahead) {
  add_report rep;
  const std::size_t n = records.size();
  for (std::size_t i = 0; i < n; ++i) {
    ahead(i);
    if (const error_info e = one(records[i])) [[unlikely]] {
      rep.reject(i, e);
      if (policy == on_bad_record::stop) {
        rep.unread = static_cast<count_t>(n - i - 1);
        return rep;
      }
    } else {
      ++rep.used;
    }
  }
  return rep;
}
template <class Span, class One>
add_report add_batch(const Span& records, on_bad_record policy, One&& one) {
  return add_batch(records, policy, std::forward<One>(one), [](std::size_t) {});
}

/// The throwing form of a batch add: a rejected record becomes crm::bad_record.
inline add_report checked(const add_report& r) {
  if (r.rejected != 0) throw_bad_record(r.first_error());
  return r;
}

/// The throwing forms and the serialization frame every accumulator shares (CRTP). Derived has
/// `name`, `kind`, try_add, try_merge, write_payload(byte_writer&) and read_payload(byte_reader&).
template <class Derived, class Record, class Number>
class accumulator_base {
 public:
  /// The state as bytes (docs/aggregation.md, "Serialized states").
  [[nodiscard]] std::vector<std::byte> serialize() const {
    std::vector<std::byte> out;
    byte_writer w(out);
    const std::size_t at = begin_state<Number>(w, Derived::kind);
    static_cast<const Derived&>(*this).write_payload(w);
    end_state(w, at);
    return out;
  }
  /// The state serialized by serialize(). Errors: errc::malformed (or out_of_range for an unknown
  /// version) naming the field of the frame or of the payload at fault: a truncated, padded,
  /// corrupted or foreign buffer is refused, never read out of bounds.
  [[nodiscard]] static result<Derived> try_deserialize(std::span<const std::byte> bytes) {
    error_info e;
    const std::span<const std::byte> payload = open_state<Number>(bytes, Derived::kind, Derived::name, e);
    if (e) return e;
    byte_reader r(payload, Derived::name);
    Derived a;
    a.read_payload(r);
    if (r.ok() && !r.at_end()) r.fail(errc::malformed, "payload", "has bytes after the state");
    if (!r.ok()) return r.error();
    return a;
  }
  /// Adds one record; throws crm::bad_record (a crm::metric_error, record index 0) when it is invalid.
  void add(const Record& r) {
    if (const error_info e = self().try_add(r)) throw_bad_record({0, e});
  }
  /// Adds a batch; throws crm::bad_record naming the first invalid record (the records before it
  /// are added, the rest are not).
  add_report add(std::span<const Record> records) { return checked(self().try_add(records, on_bad_record::stop)); }
  add_report add(const std::vector<Record>& records) { return add(std::span<const Record>(records)); }
  /// Adds the records of `other`; throws crm::metric_error when try_merge reports an error.
  void merge(const Derived& other) {
    if (const error_info e = self().try_merge(other)) throw_metric_error(e);
  }
  /// The state serialized by serialize(); throws crm::metric_error for a refused buffer.
  [[nodiscard]] static Derived deserialize(std::span<const std::byte> bytes) { return Derived::try_deserialize(bytes).value(); }

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
};
}  // namespace detail

/// merge(a, b): a copy of `a` with the records of `b` added. Throws as a.merge(b).
template <class Acc>
  requires requires(Acc& a, const Acc& b) { a.try_merge(b); }
[[nodiscard]] Acc merge(Acc a, const Acc& b) {
  a.merge(b);
  return a;
}

CRM_METRICS_END_NAMESPACE
