// crm-metrics fuzz replay: runs a fuzz target (LLVMFuzzerTestOneInput of the source linked with it)
// without libFuzzer, with any compiler, on
//  1. every seed of the target (crm_fuzz_seeds()) and crm_fuzz_mutations_per_seed() mutations of
//     each, chosen by a seeded generator (bit flips, bytes set to 0, 0xFF or a random value, cuts,
//     copies of a span, inserted bytes, and up to eight such at once: the kinds of change libFuzzer
//     makes), so the test suite runs the same checks on every build (ASan and UBSan in the clang
//     preset);
//  2. every file in the directories or files given as arguments (tests/fuzz/regressions: inputs
//     that once failed, kept so that they stay fixed).
// `--write-seeds DIR` writes the seeds as files instead (scripts/fuzz.sh starts libFuzzer from them).
// Exit status 0; 1 for a path that does not exist; a failed check aborts (the target's own abort, or
// ASan/UBSan's report).
#include "fuzz_seeds.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {

using bytes = std::vector<std::uint8_t>;

void run(const bytes& b) { LLVMFuzzerTestOneInput(b.data(), b.size()); }

bytes mutate(bytes b, std::mt19937_64& rng) {
  const auto below = [&rng](std::size_t n) { return n == 0 ? std::size_t{0} : static_cast<std::size_t>(rng() % n); };
  const std::size_t changes = 1 + below(8);
  for (std::size_t c = 0; c < changes && b.size() > 1; ++c) {
    const std::size_t at = 1 + below(b.size() - 1);  // never the case byte
    switch (below(7)) {
      case 0: b[at] ^= static_cast<std::uint8_t>(1U << below(8)); break;
      case 1: b[at] = 0; break;
      case 2: b[at] = 0xFF; break;
      case 3: b[at] = static_cast<std::uint8_t>(rng()); break;
      case 4: b.resize(at); break;
      case 5: {
        const std::size_t from = 1 + below(b.size() - 1), len = 1 + below(std::min<std::size_t>(16, b.size() - from));
        const bytes span(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(from + len));
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), span.begin(), span.end());
        break;
      }
      default: b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng())); break;
    }
  }
  return b;
}

bytes read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<bytes> seeds = crm_fuzz_seeds();
  if (argc == 3 && std::string(argv[1]) == "--write-seeds") {
    std::filesystem::create_directories(argv[2]);
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      std::ofstream out(std::filesystem::path(argv[2]) / ("seed-" + std::to_string(i)), std::ios::binary);
      out.write(reinterpret_cast<const char*>(seeds[i].data()), static_cast<std::streamsize>(seeds[i].size()));
    }
    return 0;
  }
  std::mt19937_64 rng(20261205);
  std::size_t runs = 0;
  for (const bytes& s : seeds) {
    run(s);
    bytes high = s;  // the first byte's high bit set (state_fuzz: the input unframed)
    high[0] = static_cast<std::uint8_t>(high[0] | 0x80);
    run(high);
    const std::size_t mutations = crm_fuzz_mutations_per_seed();
    for (std::size_t k = 0; k < mutations; ++k) run(mutate(s, rng));
    runs += 2 + mutations;
  }
  for (int a = 1; a < argc; ++a) {
    const std::filesystem::path p(argv[a]);
    if (!std::filesystem::exists(p)) {
      std::fprintf(stderr, "fuzz replay: %s does not exist\n", argv[a]);
      return 1;
    }
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file() && e.path().filename().string()[0] != '.') run(read_file(e.path())), ++runs;
    } else {
      run(read_file(p)), ++runs;
    }
  }
  std::printf("fuzz replay: %zu inputs, no failure\n", runs);
  return 0;
}
