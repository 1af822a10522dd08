// crm-metrics: the mechanics of the CSV reader: the input bytes (a read-only memory map, read with pread), lines,
// fields, and the split of a file into line-aligned chunks for parallel parsing.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
// IWYU pragma: private, include <crm/aggregate/csv.hpp>
#pragma once

#include <crm/aggregate/detail/csv_fields.hpp>

#include <bit>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if __has_include(<sys/mman.h>) && __has_include(<unistd.h>) && __has_include(<fcntl.h>)
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#define CRM_METRICS_CSV_MMAP 1
#else
#define CRM_METRICS_CSV_MMAP 0
#endif

CRM_METRICS_BEGIN_NAMESPACE
namespace detail {

/// The bytes of one input: a read-only private memory map of a file (POSIX; its descriptor kept
/// open for read_at, which the parsers read their pieces with), the file read into a string
/// (elsewhere), or a view of the caller's text. Move-only.
class csv_bytes {
 public:
  csv_bytes() = default;
  explicit csv_bytes(std::string_view text) noexcept : view_(text) {}
  csv_bytes(const csv_bytes&) = delete;
  csv_bytes& operator=(const csv_bytes&) = delete;
  csv_bytes(csv_bytes&& o) noexcept { swap(o); }
  csv_bytes& operator=(csv_bytes&& o) noexcept {
    if (this != &o) {
      release();
      swap(o);
    }
    return *this;
  }
  ~csv_bytes() { release(); }

  /// Maps (or reads) the file; on failure returns false and sets `why` (a static phrase).
  bool open(const std::filesystem::path& file, const char*& why) {
    release();
#if CRM_METRICS_CSV_MMAP
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      why = errno == ENOENT ? "cannot open the file (no such file)" : "cannot open the file";
      return false;
    }
    struct stat st{};
    const bool stat_ok = ::fstat(fd, &st) == 0;
    if (stat_ok && S_ISDIR(st.st_mode)) {
      ::close(fd);
      why = "is a directory, not a file";  // reading it would make libstdc++ throw (or abort)
      return false;
    }
    if (!stat_ok || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return read_stream(file, why);  // a pipe or device: read it instead
    }
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size == 0) {
      ::close(fd);
      view_ = {};
      return true;
    }
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return read_stream(file, why);
    }
    ::madvise(p, size, MADV_SEQUENTIAL);
    map_ = p;
    map_size_ = size;
    fd_ = fd;  // kept for read_at: the parsers read their lines with pread, not through the map
    view_ = {static_cast<const char*>(p), size};
    return true;
#else
    return read_stream(file, why);
#endif
  }

  [[nodiscard]] std::string_view view() const noexcept { return view_; }

  /// Whether read_at can read the bytes of the view from the file (a mapped file; not text, not a
  /// file read into memory).
  [[nodiscard]] bool readable() const noexcept {
#if CRM_METRICS_CSV_MMAP
    return fd_ >= 0;
#else
    return false;
#endif
  }
  /// Copies the n bytes of the view at [at, at + n) into `to` with pread (thread-safe); false on an
  /// I/O error (the caller then reads the map instead). Why not the map: on virtual machines a
  /// page fault costs a trip to the hypervisor, and a parse through the map took 2-3 times the CPU
  /// of one through pread into a reused buffer (docs/aggregation.md, "The bytes").
  bool read_at(const char* at, char* to, std::size_t n) const noexcept {
#if CRM_METRICS_CSV_MMAP
    if (fd_ < 0) return false;
    auto off = static_cast<off_t>(at - static_cast<const char*>(map_));
    while (n > 0) {
      const ssize_t got = ::pread(fd_, to, n, off);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return false;  // an error, or the file shrank under the map
      to += got;
      off += got;
      n -= static_cast<std::size_t>(got);
    }
    return true;
#else
    (void)at, (void)to, (void)n;
    return false;
#endif
  }

  /// Gives back to the system the mapped pages wholly inside [b, e) that were already parsed, so a
  /// large file does not stay resident (the mapping is read-only and private: a page touched again
  /// is simply read again). No effect on text or on a file that was read into memory.
  void release(const char* b, const char* e) const noexcept {
#if CRM_METRICS_CSV_MMAP
    if (map_ == nullptr || e <= b) return;
    const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const std::uintptr_t lo = (reinterpret_cast<std::uintptr_t>(b) + page - 1) & ~(page - 1);
    const std::uintptr_t hi = reinterpret_cast<std::uintptr_t>(e) & ~(page - 1);
    if (hi > lo) ::madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED);
#else
    (void)b, (void)e;
#endif
  }

 private:
  bool read_stream(const std::filesystem::path& file, const char*& why) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
      why = "is a directory, not a file";
      return false;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      why = "cannot open the file";
      return false;
    }
    owned_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
      why = "cannot read the file";
      return false;
    }
    view_ = owned_;
    return true;
  }
  void release() noexcept {
#if CRM_METRICS_CSV_MMAP
    if (map_ != nullptr) ::munmap(map_, map_size_);
    if (fd_ >= 0) ::close(fd_);
#endif
    fd_ = -1;
    map_ = nullptr;
    map_size_ = 0;
    owned_.clear();
    view_ = {};
  }
  void swap(csv_bytes& o) noexcept {
    std::swap(map_, o.map_);
    std::swap(map_size_, o.map_size_);
    std::swap(fd_, o.fd_);
    owned_.swap(o.owned_);
    std::swap(view_, o.view_);
    // a view of owned_ must follow its string (small-string storage moves with the object)
    if (!owned_.empty()) view_ = owned_;
    if (!o.owned_.empty()) o.view_ = o.owned_;
  }

  void* map_ = nullptr;
  std::size_t map_size_ = 0;
  int fd_ = -1;  // the mapped file, open for read_at
  std::string owned_;
  std::string_view view_;
};

/// The first c in [p, e), or e: eight bytes at a time (a zero-byte test on the XOR with c), then
/// byte by byte for the last few. Reads only inside [p, e).
inline const char* find_byte(const char* p, const char* e, char c) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  const std::uint64_t pattern = ones * static_cast<unsigned char>(c);
  for (; e - p >= 8; p += 8) {
    const std::uint64_t x = load_le64(p) ^ pattern;  // the first byte lowest, on any byte order
    const std::uint64_t t = (x - ones) & ~x & (ones << 7);
    if (t != 0) return p + (std::countr_zero(t) >> 3);  // the lowest flagged byte is always a match
  }
  while (p < e && *p != c) ++p;
  return p;
}

/// How fields are separated and quoted.
struct csv_dialect {
  char delimiter = ',';
  char quote = '"';
  bool whitespace = false;  ///< fields separated by runs of spaces and tabs (CDNOW); leading blanks ignored
};

/// A failure inside one line, with the 0-based column it happened in.
struct line_failure {
  field_failure why{};
  std::size_t column = 0;
};

/// Splits the line [b, e) (without its line break) into fields and calls on_field(column, text)
/// for each, left to right; text is trimmed of surrounding blanks and of its quotes ("" inside
/// quotes stays doubled: no numeric or date field can contain a quote). A callback that also takes
/// a bool is called as on_field(column, text, quoted), quoted telling whether the field was in
/// quotes (the header's names are unescaped with it: unescape_quoted). Stops at the first failure
/// of on_field or of the quoting; `count` receives the number of fields seen.
template <class OnField>
line_failure split_line(const char* b, const char* e, const csv_dialect& d, OnField&& on_field, std::size_t& count) {
  std::size_t col = 0;
  const char* p = b;
  const char delim = d.delimiter;
  auto emit = [&](std::string_view field, bool quoted) -> field_failure {
    if constexpr (std::is_invocable_v<OnField&, std::size_t, std::string_view, bool>)
      return on_field(col, field, quoted);
    else
      return on_field(col, field);
  };
  auto quoted = [&](const char*& q) -> bool {  // q at the opening quote; true and q past the closing one
    const char* s = q + 1;
    for (;;) {
      const auto* c = static_cast<const char*>(std::memchr(s, d.quote, static_cast<std::size_t>(e - s)));
      if (c == nullptr) return false;
      if (c + 1 < e && c[1] == d.quote) {
        s = c + 2;
        continue;
      }
      q = c + 1;
      return true;
    }
  };
  constexpr field_failure unterminated{errc::malformed,
                                       "has an unterminated quote (a line break inside quotes is not supported)"};
  constexpr field_failure after_quote{errc::malformed, "has text after its closing quote"};
  if (d.whitespace) {
    for (;;) {
      while (p < e && is_blank(*p)) ++p;
      if (p >= e) break;
      std::string_view field;
      const bool in_quotes = *p == d.quote;
      if (in_quotes) {
        const char* q = p;
        if (!quoted(q)) return {unterminated, col};
        field = {p + 1, static_cast<std::size_t>(q - 1 - (p + 1))};
        if (q < e && !is_blank(*q)) return {after_quote, col};
        p = q;
      } else {
        const char* s = p;
        while (p < e && !is_blank(*p)) ++p;
        field = {s, static_cast<std::size_t>(p - s)};
      }
      if (const field_failure f = emit(field, in_quotes); !f.ok()) return {f, col};
      ++col;
    }
    count = col;
    return {};
  }
  for (;;) {
    while (p < e && *p != delim && is_blank(*p)) ++p;
    std::string_view field;
    const bool in_quotes = p < e && *p == d.quote;
    if (in_quotes) {
      const char* q = p;
      if (!quoted(q)) return {unterminated, col};
      field = {p + 1, static_cast<std::size_t>(q - 1 - (p + 1))};
      p = q;
      while (p < e && *p != delim && is_blank(*p)) ++p;
      if (p < e && *p != delim) return {after_quote, col};
    } else {
      const char* s = p;
      p = find_byte(p, e, delim);
      const char* t = p;
      while (t > s && is_blank(t[-1])) --t;
      field = {s, static_cast<std::size_t>(t - s)};
    }
    if (const field_failure f = emit(field, in_quotes); !f.ok()) return {f, col};
    ++col;
    if (p >= e) break;
    ++p;  // the delimiter
  }
  count = col;
  return {};
}

/// The text of a quoted field as split_line gives it (between its quotes) with each doubled quote
/// made one, RFC 4180 section 2.7: "cust""id" names the column cust"id.
inline std::string unescape_quoted(std::string_view s, char quote) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    out += s[i];
    if (s[i] == quote && i + 1 < s.size() && s[i + 1] == quote) ++i;
  }
  return out;
}

/// true when [b, e) holds only blanks.
inline bool blank_line(const char* b, const char* e) noexcept {
  for (; b < e; ++b)
    if (!is_blank(*b)) return false;
  return true;
}

/// The end of the line starting at b (the '\n', or e) and the start of the next line.
inline std::pair<const char*, const char*> line_at(const char* b, const char* e) noexcept {
  const auto* nl = static_cast<const char*>(std::memchr(b, '\n', static_cast<std::size_t>(e - b)));
  if (nl == nullptr) return {e, e};
  return {nl, nl + 1};
}

/// Splits [b, e) into at most `parts` ranges that start at the beginning of a line.
inline std::vector<std::pair<const char*, const char*>> line_chunks(const char* b, const char* e, unsigned parts) {
  std::vector<std::pair<const char*, const char*>> out;
  if (parts < 1) parts = 1;
  const auto size = static_cast<std::size_t>(e - b);
  const char* start = b;
  for (unsigned k = 1; k < parts && start < e; ++k) {
    const char* cut = b + size / parts * k;
    if (cut <= start) continue;
    cut = line_at(cut, e).second;  // just after the next line break
    out.emplace_back(start, cut);
    start = cut;
  }
  if (start < e || out.empty()) out.emplace_back(start, e);
  return out;
}

}  // namespace detail
CRM_METRICS_END_NAMESPACE
