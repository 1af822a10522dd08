// crm-metrics fuzz target: serialized accumulator states (docs/aggregation.md, "Serialized states";
// docs/testing.md, "Fuzzing"). The first byte picks the accumulator and number type; the rest is a
// payload that the target wraps in a valid frame (magic, version, kind, number type, length,
// checksum), so the fuzzer's mutations reach the payload readers instead of stopping at the
// checksum. Bytes 0x80 and above send the input unframed (the frame's own checks).
// Checks, besides what ASan/UBSan see (an out-of-bounds read, an overflow, a leak): a state that is
// accepted answers its read functions without an error escaping, and serializes to bytes that read
// back into a state of the same serialized size (a state survives its round trip).
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

template <class Acc, class T>
void one(std::span<const std::byte> in, bool framed) {
  std::vector<std::byte> bytes;
  if (framed) {
    crm::detail::byte_writer w(bytes);
    const std::size_t at = crm::detail::begin_state<T>(w, Acc::kind);
    w.put_bytes(reinterpret_cast<const char*>(in.data()), in.size());
    crm::detail::end_state(w, at);
    in = bytes;
  }
  const crm::result<Acc> a = Acc::try_deserialize(in);
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
  const std::vector<std::byte> once = a->serialize();
  const crm::result<Acc> b = Acc::try_deserialize(once);
  if (!b) fail(Acc::name, "the state it wrote does not read back");
  // (the customers' order in the bytes follows the table's slots, so equal states need not give equal
  // bytes: the check is on the size, which equal contents always give)
  if (b->serialize().size() != once.size()) fail(Acc::name, "the state read back writes another number of bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool framed = data[0] < 0x80;
  const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(data) + 1, size - 1);
  switch (data[0] % 16) {
    case 0: one<crm::order_totals_accumulator<double>, double>(in, framed); break;
    case 1: one<crm::customer_accumulator<double>, double>(in, framed); break;
    case 2: one<crm::repeat_purchase_accumulator<double>, double>(in, framed); break;
    case 3: one<crm::rfm_accumulator<double>, double>(in, framed); break;
    case 4: one<crm::period_accumulator<double>, double>(in, framed); break;
    case 5: one<crm::email_accumulator<double>, double>(in, framed); break;
    case 6: one<crm::nps_accumulator, double>(in, framed); break;
    case 7: one<crm::csat_accumulator, double>(in, framed); break;
    case 8: one<crm::spend_accumulator<double>, double>(in, framed); break;
    case 9: one<crm::order_totals_accumulator<decimal>, decimal>(in, framed); break;
    case 10: one<crm::rfm_accumulator<decimal>, decimal>(in, framed); break;
    case 11: one<crm::period_accumulator<decimal>, decimal>(in, framed); break;
    case 12: one<crm::customer_accumulator<float>, float>(in, framed); break;
    case 13: one<crm::email_accumulator<long double>, long double>(in, framed); break;
    case 14: one<crm::spend_accumulator<decimal>, decimal>(in, framed); break;
    default: one<crm::customer_accumulator<decimal>, decimal>(in, framed); break;
  }
  return 0;
}

std::vector<std::vector<std::uint8_t>> crm_fuzz_seeds() { return crm_fuzz::state_seeds(); }
