// crm-metrics: the byte format of serialized accumulator states (framing, checksum, numbers).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/aggregate.hpp>
//
// Layout (all integers little-endian; docs/aggregation.md, "Serialized states"):
//   0  4 bytes  magic "CRMA"
//   4  u16      format version (1)
//   6  u16      state kind (detail::state_kind)
//   8  u16      number tag (1 float, 2 double, 3 long double, 4 other: decimal text)
//  10  u16      std::numeric_limits<T>::digits of the number type
//  12  u32      reserved, 0
//  16  u64      payload length in bytes
//  24  payload
//  24+length  u64 checksum of the payload (detail::checksum)
// Nothing follows. A reader checks every length before it reads and refuses any mismatch.
#pragma once

#include <crm/core/error.hpp>
#include <crm/core/interrupt.hpp>
#include <crm/core/number.hpp>
#include <crm/detail/charconv.hpp>

#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ios>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

inline constexpr std::uint16_t state_format_version = 1;
inline constexpr std::size_t state_header_size = 24;
inline constexpr std::size_t state_trailer_size = 8;

enum class state_kind : std::uint16_t {
  order_totals = 1,
  customers = 2,
  rfm = 3,
  periods = 4,
  email = 5,
  nps = 6,
  csat = 7,
  spend = 8,
  repeat_purchases = 9,
};

/// 64-bit checksum: h = mix((h ^ word) * odd) over 8-byte little-endian words (the tail zero-padded),
/// then the length. Every step is a bijection of h, so a change in any one word (in particular any
/// single bit flip) always changes the result.
[[nodiscard]] inline std::uint64_t checksum(std::span<const std::byte> bytes) noexcept {
  std::uint64_t h = 0x6a09e667f3bcc908ULL;
  std::size_t i = 0;
  const auto step = [&h](std::uint64_t w) {
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  };
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&w, bytes.data() + i, 8);  // one load (the byte loop below is not always fused: 3-5x slower at -O2)
    } else {
      for (std::size_t k = 0; k < 8; ++k) w |= std::uint64_t(std::to_integer<std::uint8_t>(bytes[i + k])) << (8 * k);
    }
    step(w);
  }
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < bytes.size(); ++k)
    tail |= std::uint64_t(std::to_integer<std::uint8_t>(bytes[i + k])) << (8 * k);
  step(tail);
  step(static_cast<std::uint64_t>(bytes.size()));
  return h;
}

template <class T>
[[nodiscard]] constexpr std::uint16_t number_tag() noexcept {
  if constexpr (std::is_same_v<T, float>) return 1;
  else if constexpr (std::is_same_v<T, double>) return 2;
  else if constexpr (std::is_same_v<T, long double>) return 3;
  else return 4;
}

/// Appends little-endian values to a byte vector, through a small buffer: a value is one store
/// into the buffer, not a push_back per byte (which made serializing a state of tens of MB cost
/// several times its copy). bytes() and end_state() flush the buffer; size() counts it.
class byte_writer {
 public:
  explicit byte_writer(std::vector<std::byte>& out) : out_(out) {}
  byte_writer(const byte_writer&) = delete;
  byte_writer& operator=(const byte_writer&) = delete;
  template <class U>
    requires std::is_integral_v<U>
  void put(U v) {
    using UU = std::make_unsigned_t<U>;
    auto u = static_cast<UU>(v);
    if (pos_ + sizeof(U) > sizeof buf_) [[unlikely]] flush();
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(buf_ + pos_, &u, sizeof(U));
    } else {
      for (std::size_t k = 0; k < sizeof(U); ++k) buf_[pos_ + k] = static_cast<std::byte>((u >> (8 * k)) & 0xFFU);
    }
    pos_ += sizeof(U);
  }
  void put_bytes(const char* s, std::size_t n) {
    flush();
    const auto* b = reinterpret_cast<const std::byte*>(s);
    out_.insert(out_.end(), b, b + n);
  }
  template <number T>
  void put_number(const T& v) {
    if constexpr (std::is_same_v<T, float>) {
      put(std::bit_cast<std::uint32_t>(v));
    } else if constexpr (std::is_same_v<T, double>) {
      put(std::bit_cast<std::uint64_t>(v));
    } else if constexpr (std::is_same_v<T, long double>) {
      char buf[64];
      const auto r = detail::long_double_to_hex(buf, buf + sizeof buf, v);  // std::to_chars's hex text
      put_text(buf, static_cast<std::size_t>(r.ptr - buf));
    } else {
      static_assert(requires { v.str(std::streamsize(0), std::ios_base::scientific); },
                    "crm: serializing this number type needs a str(digits, flags) member (as Boost.Multiprecision has)");
      const std::string s = v.str(std::streamsize(0), std::ios_base::scientific);
      put_text(s.data(), s.size());
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return out_.size() + pos_; }
  /// The bytes written so far (the buffer flushed).
  std::vector<std::byte>& bytes() {
    flush();
    return out_;
  }
  void flush() {
    out_.insert(out_.end(), buf_, buf_ + pos_);
    pos_ = 0;
  }

 private:
  void put_text(const char* s, std::size_t n) {
    put(static_cast<std::uint16_t>(n));
    put_bytes(s, n);
  }
  std::vector<std::byte>& out_;
  std::size_t pos_ = 0;
  std::byte buf_[1024];
};

/// Reads little-endian values; never reads past the end. After the first failure every read
/// returns a zero value and error() names what was being read.
class byte_reader {
 public:
  byte_reader(std::span<const std::byte> in, const char* what) : in_(in), what_(what) {}
  template <class U>
    requires std::is_integral_v<U>
  U get(const char* field) {
    if (!need(sizeof(U), field)) return U{};
    std::make_unsigned_t<U> u = 0;
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(&u, in_.data() + pos_, sizeof(U));  // one load, as put() stores
    } else {
      for (std::size_t k = 0; k < sizeof(U); ++k)
        u = static_cast<std::make_unsigned_t<U>>(u | (std::make_unsigned_t<U>(std::to_integer<std::uint8_t>(in_[pos_ + k])) << (8 * k)));
    }
    pos_ += sizeof(U);
    return static_cast<U>(u);
  }
  template <number T>
  T get_number(const char* field) {
    if constexpr (std::is_same_v<T, float>) {
      return std::bit_cast<float>(get<std::uint32_t>(field));
    } else if constexpr (std::is_same_v<T, double>) {
      return std::bit_cast<double>(get<std::uint64_t>(field));
    } else {
      const std::uint16_t n = get<std::uint16_t>(field);
      if (!need(n, field)) return T(0);
      const char* s = reinterpret_cast<const char*>(in_.data() + pos_);
      pos_ += n;
      if constexpr (std::is_same_v<T, long double>) {
        long double v = 0;
        const auto r = detail::long_double_from_hex(s, s + n, v);
        if (r.ec != std::errc() || r.ptr != s + n) fail(errc::malformed, field, "is not a number");
        return v;
      } else {
        if (!is_scientific(s, n)) {
          fail(errc::malformed, field, "is not a number");
          return T(0);
        }
        T v(std::string(s, n));
        if (!number_traits<T>::is_finite(v)) fail(errc::malformed, field, "is not a finite number");
        return v;
      }
    }
  }
  /// A count of entries that each take at least `min_bytes`: refused when the rest of the buffer
  /// cannot hold them (so a corrupted count never makes the reader allocate or loop for nothing).
  std::uint64_t get_count(const char* field, std::size_t min_bytes) {
    const std::uint64_t n = get<std::uint64_t>(field);
    if (ok() && min_bytes > 0 && n > remaining() / min_bytes) {
      fail(errc::malformed, field, "is larger than the buffer can hold (truncated or corrupted state)");
      return 0;
    }
    return n;
  }
  void fail(errc c, const char* field, const char* detail) noexcept {
    if (!err_) err_ = error_info{c, what_, field, detail};
  }
  [[nodiscard]] bool ok() const noexcept { return !err_; }
  [[nodiscard]] const error_info& error() const noexcept { return err_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return in_.size() - pos_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ == in_.size(); }

 private:
  // -d+(.d+)?e[+-]d{1,4} with |exponent| <= 4000: the text put_number writes, and nothing a number
  // type's string constructor could refuse (so deserializing never throws).
  static bool is_scientific(const char* s, std::size_t n) noexcept {
    std::size_t i = 0;
    const auto digits = [&] {
      const std::size_t b = i;
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
      return i - b;
    };
    if (i < n && s[i] == '-') ++i;
    if (digits() == 0) return false;
    if (i < n && s[i] == '.') {
      ++i;
      if (digits() == 0) return false;
    }
    if (i >= n || (s[i] != 'e' && s[i] != 'E')) return false;
    ++i;
    if (i >= n || (s[i] != '+' && s[i] != '-')) return false;
    ++i;
    const std::size_t b = i;
    const std::size_t e = digits();
    if (e == 0 || e > 4 || i != n) return false;
    int exponent = 0;
    for (std::size_t k = b; k < n; ++k) exponent = exponent * 10 + (s[k] - '0');
    return exponent <= 4000;
  }
  bool need(std::size_t n, const char* field) {
    if (err_) return false;
    if (remaining() < n) {
      fail(errc::malformed, field, "is cut off (truncated state)");
      return false;
    }
    return true;
  }
  std::span<const std::byte> in_;
  std::size_t pos_ = 0;
  const char* what_;
  error_info err_{};
};

/// Starts a state: writes the header with a placeholder length; returns the payload offset.
template <class T>
std::size_t begin_state(byte_writer& w, state_kind kind) {
  w.put_bytes("CRMA", 4);
  w.put(state_format_version);
  w.put(static_cast<std::uint16_t>(kind));
  w.put(number_tag<T>());
  w.put(static_cast<std::uint16_t>(std::numeric_limits<T>::digits));
  w.put(std::uint32_t{0});
  w.put(std::uint64_t{0});
  return w.size();
}

/// Ends a state: patches the length and appends the checksum.
inline void end_state(byte_writer& w, std::size_t payload_at) {
  std::vector<std::byte>& b = w.bytes();
  const std::uint64_t len = b.size() - payload_at;
  for (std::size_t k = 0; k < 8; ++k) b[payload_at - 8 + k] = static_cast<std::byte>((len >> (8 * k)) & 0xFFU);
  w.put(checksum(std::span<const std::byte>(b).subspan(payload_at)));
  w.flush();
}

/// Checks the frame of a state (magic, version, kind, number type, length, checksum) and returns
/// the payload; `err` receives the first problem (`what` names the state, e.g. "rfm_accumulator").
template <class T>
[[nodiscard]] std::span<const std::byte> open_state(std::span<const std::byte> in, state_kind kind, const char* what,
                                                    error_info& err) noexcept {
  byte_reader r(in, what);
  if (in.size() < state_header_size + state_trailer_size) {
    err = {errc::malformed, what, "state", "is shorter than the 32-byte frame (truncated state)"};
    return {};
  }
  const char magic[4] = {'C', 'R', 'M', 'A'};
  for (std::size_t k = 0; k < 4; ++k)
    if (std::to_integer<char>(in[k]) != magic[k]) {
      err = {errc::malformed, what, "magic", "is not \"CRMA\" (not a crm-metrics state)"};
      return {};
    }
  (void)r.get<std::uint32_t>("magic");
  if (r.get<std::uint16_t>("version") != state_format_version) {
    err = {errc::out_of_range, what, "version", "is not a format version this library reads (1)"};
    return {};
  }
  if (r.get<std::uint16_t>("kind") != static_cast<std::uint16_t>(kind)) {
    err = {errc::malformed, what, "kind", "names another kind of accumulator"};
    return {};
  }
  const std::uint16_t tag = r.get<std::uint16_t>("number_type");
  const std::uint16_t digits = r.get<std::uint16_t>("number_type");
  if (tag != number_tag<T>() || digits != static_cast<std::uint16_t>(std::numeric_limits<T>::digits)) {
    err = {errc::malformed, what, "number_type", "differs from the number type of the accumulator"};
    return {};
  }
  if (r.get<std::uint32_t>("reserved") != 0) {
    err = {errc::malformed, what, "reserved", "is not zero"};
    return {};
  }
  const std::uint64_t len = r.get<std::uint64_t>("length");
  if (len != in.size() - state_header_size - state_trailer_size) {
    err = {errc::malformed, what, "length", "does not match the buffer size (truncated or padded state)"};
    return {};
  }
  const std::span<const std::byte> payload = in.subspan(state_header_size, static_cast<std::size_t>(len));
  byte_reader t(in.subspan(state_header_size + static_cast<std::size_t>(len)), what);
  if (t.get<std::uint64_t>("checksum") != checksum(payload)) {
    err = {errc::malformed, what, "checksum", "does not match the payload (corrupted state)"};
    return {};
  }
  return payload;
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
