// crm-metrics fuzz targets: what each target source defines for libFuzzer and for the replay
// program (tests/fuzz/replay_main.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
/// The target's seeds: inputs that reach its readers' main paths (written as files by the replay
/// program's --write-seeds for scripts/fuzz.sh, and replayed with fixed mutations by the suite).
std::vector<std::vector<std::uint8_t>> crm_fuzz_seeds();
/// How many fixed mutations of each seed the replay program runs (400 unless a target's inputs are
/// slow: report_fuzz makes a whole report per input).
std::size_t crm_fuzz_mutations_per_seed();
