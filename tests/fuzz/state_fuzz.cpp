// crm-metrics fuzz target: serialized accumulator states (docs/aggregation.md, "Serialized states";
// docs/testing.md, "Fuzzing"). The first byte picks the accumulator and number type; the rest is a
// payload that the target wraps in a valid frame (magic, version, kind, number type, length,
// checksum), so the fuzzer's mutations reach the payload readers instead of stopping at the
// checksum. Bytes 0x80 and above send the input unframed (the frame's own checks).
// Checks, besides what ASan/UBSan see (an out-of-bounds read, an overflow, a leak): a state that is
// accepted answers its read functions without an error escaping, merges into a real state, and
// serializes to bytes that read back into an equal state (operator==); for the RFM and period
// accumulators, try_merge_serialized accepts exactly what try_deserialize accepts, gives the state
// try_merge(try_deserialize(bytes)) gives, and leaves the state unchanged when it refuses.
// Built by -DCRM_METRICS_BUILD_FUZZERS=ON with clang (libFuzzer); with any compiler as a replay
// program over files (tests/fuzz/replay_main.cpp), which the test suite runs on the seeds.
#include "fuzz_seeds.hpp"
#include "state_seeds.hpp"

#include <crm/aggregate.hpp>
#include <crm/multiprecision.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

namespace {

using decimal = boost::multiprecision::cpp_dec_float_50;

[[noreturn]] void fail(const char* what, const char* check) {
  std::fprintf(stderr, "state_fuzz: %s: %s\n", what, check);
  std::abort();
}

template <class Acc>
void read_everything(const Acc& a) {
  if constexpr (requires { a.rows(); }) (void)a.rows();
  if constexpr (requires { a.model_rows(); }) (void)a.model_rows();
  if constexpr (requires { a.spend_rows(); }) (void)a.spend_rows();
  if constexpr (requires { a.cohorts(); }) (void)a.cohorts();
  if constexpr (requires { a.try_gaps(); }) (void)a.try_gaps();
  if constexpr (requires { a.repeat(); }) (void)a.repeat();
  if constexpr (requires { a.purchases(); }) (void)a.purchases();
  if constexpr (requires { a.totals(); }) (void)a.totals();
  if constexpr (requires { a.campaigns(); }) (void)a.campaigns();
  if constexpr (requires { a.tally(); }) (void)a.tally();
  if constexpr (requires { a.customers(); }) (void)a.customers();
}

template <class T>
std::vector<std::byte> framed(std::span<const std::byte> payload, crm::detail::state_kind kind) {
  std::vector<std::byte> bytes;
  crm::detail::byte_writer w(bytes);
  const std::size_t at = crm::detail::begin_state<T>(w, kind);
  w.put_bytes(reinterpret_cast<const char*>(payload.data()), payload.size());
  crm::detail::end_state(w, at);
  return bytes;
}

// The state of seed `which` (tests/fuzz/state_seeds.hpp): what the merges below merge into, with the
// options the seeds' mutations mostly keep (so try_merge_serialized takes its own path, not the
// fallback through try_deserialize that other options take).
template <class Acc, class T>
const Acc& base_state(std::uint8_t which) {
  static const Acc base = [which] {
    const crm_fuzz::bytes seed = crm_fuzz::state_seeds()[which];
    const auto payload = std::as_bytes(std::span<const std::uint8_t>(seed).subspan(1));
    return Acc::deserialize(framed<T>(payload, Acc::kind));
  }();
  return base;
}

template <class Acc, class T>
void one(std::uint8_t which, std::span<const std::byte> in, bool frame) {
  std::vector<std::byte> bytes;
  if (frame) {
    bytes = framed<T>(in, Acc::kind);
    in = bytes;
  }
  const crm::result<Acc> a = Acc::try_deserialize(in);
  const Acc& base = base_state<Acc, T>(which);
  if constexpr (requires(Acc& x) { x.try_merge_serialized(in); }) {
    // "the same state as try_merge(try_deserialize(bytes).value())"; "on any error the state is
    // unchanged" (rfm.hpp, cohort.hpp)
    Acc m1 = base;
    const crm::error_info e1 = m1.try_merge_serialized(in);
    if (!a) {
      if (!e1) fail(Acc::name, "try_merge_serialized merged bytes that try_deserialize refuses");
    } else {
      Acc m2 = base;
      const crm::error_info e2 = m2.try_merge(*a);
      if (static_cast<bool>(e1) != static_cast<bool>(e2)) fail(Acc::name, "try_merge_serialized and try_merge(try_deserialize) disagree");
      if (!e1 && !(m1 == m2)) fail(Acc::name, "try_merge_serialized gave another state than try_merge(try_deserialize)");
    }
    if (e1 && !(m1 == base)) fail(Acc::name, "a refused try_merge_serialized changed the state");
  }
  if (!a) return;
#if CRM_METRICS_HAS_EXCEPTIONS
  try {
    read_everything(*a);
  } catch (const crm::metric_error&) {
    // a read function's documented error (e.g. a sum that overflows T): allowed, it names the field
  }
#else
  read_everything(*a);
#endif
  Acc merged = base;
  (void)merged.try_merge(*a);  // an accepted state merges, or refuses with an error (ASan/UBSan watch)
  const std::vector<std::byte> once = a->serialize();
  const crm::result<Acc> b = Acc::try_deserialize(once);
  if (!b) fail(Acc::name, "the state it wrote does not read back");
  if (!(*b == *a)) fail(Acc::name, "the state read back differs from the state written");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool frame = data[0] < 0x80;
  const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
  const auto which = static_cast<std::uint8_t>(data[0] % 16);
  switch (which) {
    case 0: one<crm::order_totals_accumulator<double>, double>(which, in, frame); break;
    case 1: one<crm::customer_accumulator<double>, double>(which, in, frame); break;
    case 2: one<crm::repeat_purchase_accumulator<double>, double>(which, in, frame); break;
    case 3: one<crm::rfm_accumulator<double>, double>(which, in, frame); break;
    case 4: one<crm::period_accumulator<double>, double>(which, in, frame); break;
    case 5: one<crm::email_accumulator<double>, double>(which, in, frame); break;
    case 6: one<crm::nps_accumulator, double>(which, in, frame); break;
    case 7: one<crm::csat_accumulator, double>(which, in, frame); break;
    case 8: one<crm::spend_accumulator<double>, double>(which, in, frame); break;
    case 9: one<crm::order_totals_accumulator<decimal>, decimal>(which, in, frame); break;
    case 10: one<crm::rfm_accumulator<decimal>, decimal>(which, in, frame); break;
    case 11: one<crm::period_accumulator<decimal>, decimal>(which, in, frame); break;
    case 12: one<crm::customer_accumulator<float>, float>(which, in, frame); break;
    case 13: one<crm::email_accumulator<long double>, long double>(which, in, frame); break;
    case 14: one<crm::spend_accumulator<decimal>, decimal>(which, in, frame); break;
    default: one<crm::customer_accumulator<decimal>, decimal>(which, in, frame); break;
  }
  return 0;
}

std::vector<std::vector<std::uint8_t>> crm_fuzz_seeds() { return crm_fuzz::state_seeds(); }

std::size_t crm_fuzz_mutations_per_seed() { return 400; }
