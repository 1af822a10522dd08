// crm-metrics tests: shared checks of try_merge_serialized (a merge that reads the other state
// straight from its serialized bytes) for the accumulators that have it.
#pragma once

#include <crm/aggregate/detail/bytes.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "catch.hpp"

namespace crm_test {

// A buffer's checksum made valid again after its payload was changed.
inline void reseal(std::vector<std::byte>& f) {
  const std::uint64_t sum = crm::detail::checksum(std::span<const std::byte>(f).subspan(24, f.size() - 32));
  for (std::size_t k = 0; k < 8; ++k) f[f.size() - 8 + k] = static_cast<std::byte>((sum >> (8 * k)) & 0xFFU);
}

// `target` merged with the bytes of `part` equals target.merge(deserialize(bytes)); every
// truncation, every single bit flip (of every byte of a small buffer, of bytes spread over a
// large one) and a padding byte are refused with the
// target unchanged; random corruption behind a valid checksum is refused exactly when
// try_deserialize refuses it (target unchanged) and otherwise gives the same state as the merge of
// what try_deserialize reads.
template <class Acc>
void check_merge_serialized(const Acc& target, const Acc& part, std::mt19937_64& rng, int fuzz = 200) {
  const std::vector<std::byte> bytes = part.serialize();
  Acc expected = target;
  expected.merge(Acc::deserialize(bytes));
  Acc got = target;
  REQUIRE_FALSE(got.try_merge_serialized(bytes));
  CHECK(got == expected);
  const auto refused_unchanged = [&](std::span<const std::byte> b) {
    Acc t = target;
    const crm::error_info e = t.try_merge_serialized(b);
    CHECK(e);
    CHECK(t == target);
    return e;
  };
  // about 400 cut points and 400 flipped bytes whatever the size (every one of a small buffer)
  const std::size_t step = std::max<std::size_t>(1, bytes.size() / 400);
  for (std::size_t n = 0; n < bytes.size(); n += step) {
    const crm::error_info e = refused_unchanged(std::span<const std::byte>(bytes.data(), n));
    CHECK(e.code == crm::errc::malformed);
  }
  std::vector<std::byte> padded = bytes;
  padded.push_back(std::byte{0});
  CHECK(std::string(refused_unchanged(padded).field) == "length");
  for (std::size_t i = 0; i < bytes.size(); i += step)
    for (int bit = 0; bit < 8; bit += 3) {
      std::vector<std::byte> f = bytes;
      f[i] ^= static_cast<std::byte>(1 << bit);
      refused_unchanged(f);
    }
  std::vector<std::byte> v2 = bytes;
  v2[4] = std::byte{2};
  // appended, not operator+ on a temporary: g++ 12 warns (-Warray-bounds) about its own inlined
  // std::string move there when the test is built with the precompiled header
  std::string version_error = "crm::";
  version_error.append(Acc::name).append(": version is out of range (is not a format version this library reads (1))");
  CHECK(crm::message(refused_unchanged(v2)) == version_error);
  for (int t = 0; t < fuzz; ++t) {
    std::vector<std::byte> f = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) f[24 + rng() % (f.size() - 32)] ^= static_cast<std::byte>(1U << (rng() % 8));
    reseal(f);
    const auto read = Acc::try_deserialize(f);
    if (!read) {
      refused_unchanged(f);
      continue;
    }
    Acc a = target, b = target;
    const crm::error_info ea = a.try_merge(*read);
    const crm::error_info eb = b.try_merge_serialized(f);
    CHECK(static_cast<bool>(ea) == static_cast<bool>(eb));
    CHECK(a == b);
  }
}

}  // namespace crm_test
