// crm-metrics tests: writing a value into a serialized state's bytes as the format stores it,
// little-endian on every machine (docs/aggregation.md, "Serialized states"). A memcpy of the value
// wrote it in the machine's order, which on s390x made the tests' edited states unreadable for the
// wrong reason (scripts/check-cross.sh, docs/testing.md "Other CPUs").
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace crm_test {

/// Writes v (an integer, or a double as its IEEE bits) at b[at .. at + sizeof v), the lowest byte first.
template <class V>
void put_le(std::vector<std::byte>& b, std::size_t at, V v) {
  static_assert(std::is_integral_v<V> || std::is_same_v<V, double>);
  std::uint64_t u = 0;
  if constexpr (std::is_same_v<V, double>) u = std::bit_cast<std::uint64_t>(v);
  else u = static_cast<std::make_unsigned_t<V>>(v);
  for (std::size_t k = 0; k < sizeof v; ++k) b[at + k] = static_cast<std::byte>((u >> (8 * k)) & 0xFFU);
}

}  // namespace crm_test
