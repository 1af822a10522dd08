// crm-metrics fuzz targets: what each target source defines for libFuzzer and for the replay
// program (tests/fuzz/replay_main.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#if defined(__unix__)
#include <unistd.h>
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
/// The target's seeds: inputs that reach its readers' main paths (written as files by the replay
/// program's --write-seeds for scripts/fuzz.sh, and replayed with fixed mutations by the suite).
std::vector<std::vector<std::uint8_t>> crm_fuzz_seeds();
/// How many fixed mutations of each seed the replay program runs (400 unless a target's inputs are
/// slow: report_fuzz makes a whole report per input).
std::size_t crm_fuzz_mutations_per_seed();

/// A temporary file of this process for the targets whose readers take paths (its name holds the
/// process id: libFuzzer's -jobs run several processes at once), removed when the process ends
/// normally (the replay program, a fuzzing run that stops at its time limit; a crash leaves it).
inline const std::filesystem::path& crm_fuzz_scratch_file(const char* stem) {
  struct scratch {
    std::filesystem::path path;
    explicit scratch(std::filesystem::path p) : path(std::move(p)) {}
    scratch(const scratch&) = delete;
    scratch& operator=(const scratch&) = delete;
    ~scratch() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  };
#if defined(__unix__)
  static const scratch s{std::filesystem::temp_directory_path() / (std::string(stem) + "_" + std::to_string(::getpid()) + ".csv")};
#else
  static const scratch s{std::filesystem::temp_directory_path() / (std::string(stem) + ".csv")};
#endif
  return s.path;
}
