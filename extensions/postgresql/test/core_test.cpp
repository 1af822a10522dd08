// crm_metrics PostgreSQL extension: tests of the C++ core (src/core.cpp) without a server, for what
// the SQL tests cannot reach or cannot time robustly (ctest postgresql_core, label postgresql; built
// only with -DCRM_METRICS_BUILD_POSTGRESQL=ON). core.cpp is linked with
// - a stub of crm_pg_cancel_requested (glue.c's, which reads the backend's cancel flag): it answers
//   `cancel_now` and records the thread's CPU time at each ask;
// - a replacement of the global operator new that throws std::bad_alloc once `allocations_left`
//   reaches 0 (-1: never), as a backend's allocation fails when the process is out of memory.
// Checks:
// 1. out of memory: a core call whose allocation fails returns false with CRM_PG_OUT_OF_MEMORY and
//    "crm_metrics: out of memory" (glue.c raises it as SQLSTATE 53200, docs/postgresql.md, "Errors
//    and NULLs"), at every allocation of a fit, of reading a state from its bytes and of a merge, and
//    the same call with memory succeeds afterwards. Before, the core built the message of a failed
//    allocation in a std::string, which threw again inside its noexcept functions: std::terminate;
// 2. cancel: on an RFM state of 2 million customers of one purchase each, a fit's call whose last part
//    compresses the fit's rows (sorted by (x, t_x, T), identical rows merged, asking the flag before
//    each run of 65,536 and each merge): a cancel that comes at the 55th, 70th or 85th percent of the
//    call's asks or at the tenth ask before its end (in the sort's merges; counted, not timed: the
//    project times nothing in its tests) stops it at the next ask with CRM_PG_CANCELED. The thread CPU time between asks is printed, not checked (a warm call
//    here: 0.3 s, its longest stretch without an ask 0.04 s; a fresh process's first call, which faults
//    its memory in, 0.8 s with 0.5 s in the allocation of the rows, which no ask can reach). Before,
//    that sort was one std::sort in the library, asking nothing (the last 0.25 s of CPU of a 0.4 s
//    call).
// SPDX-License-Identifier: MIT
#include "../src/core.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <new>
#include <string>
#include <vector>

namespace {
long long allocations_left = -1;  // -1: every allocation succeeds
long long asks = 0;            // asks of the cancel flag so far
long long cancel_after = -1;   // the flag answers true once this many asks have been answered; -1: never
bool record_asks = false;
std::vector<double> ask_times;  // thread CPU seconds at each ask (reserved before recording)
int failures = 0;

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what.c_str());
    ++failures;
  }
}

void* allocate(std::size_t n, std::size_t align) {
  if (allocations_left == 0) throw std::bad_alloc();
  if (allocations_left > 0) --allocations_left;
  if (n == 0) n = 1;
  void* p = align <= alignof(std::max_align_t) ? std::malloc(n) : std::aligned_alloc(align, (n + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return allocate(n, alignof(std::max_align_t)); }
void* operator new[](std::size_t n) { return allocate(n, alignof(std::max_align_t)); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate(n, static_cast<std::size_t>(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

extern "C" bool crm_pg_cancel_requested(void) noexcept {
  if (record_asks && ask_times.size() < ask_times.capacity()) ask_times.push_back(cpu_seconds());
  return cancel_after >= 0 && asks++ >= cancel_after;
}

namespace {
constexpr int64_t day_seconds = 86400;
constexpr int32_t day_2020 = 18262;  // 2020-01-01, days since 1970-01-01

// An RFM state (weekly, calibration end 2023-01-01) of `customers` customers with one purchase each,
// on day 2020-01-01 + (customer mod 997): their fit rows (0, 0, T) come out of (x, t_x, T) order.
void* single_purchases(int customers) {
  crm_pg_options o{};
  o.day = day_2020 + 1096;  // 2023-01-01
  o.unit = 7;
  crm_pg_error err{};
  void* st = crm_pg_state_new(CRM_PG_RFM, &o, &err);
  for (int i = 1; i <= customers && st != nullptr; ++i) {
    crm_pg_record r{};
    r.customer = static_cast<uint64_t>(i);
    r.seconds = (day_2020 + i % 997) * day_seconds;
    r.amount = 1.0;
    if (!crm_pg_state_add(st, &r, &err)) {
      std::printf("add: %s\n", err.message);
      return nullptr;
    }
  }
  return st;
}

// A fit state of a few rows that BG/NBD fits (x, t_x, T; some customers repeat).
void* small_fit_state() {
  crm_pg_options o{};
  crm_pg_error err{};
  void* st = crm_pg_state_new(CRM_PG_FIT, &o, &err);
  const double rows[][3] = {{0, 0, 30}, {1, 10, 30}, {2, 25, 38}, {0, 0, 38}, {3, 33, 36}, {1, 2, 40}, {5, 30, 31}, {0, 0, 25},
                            {2, 12, 30}, {1, 20, 26}, {4, 34, 35}, {0, 0, 33}};
  for (const auto& row : rows) {
    crm_pg_record r{};
    r.x = row[0], r.tx = row[1], r.age = row[2], r.weight = 1;
    if (!crm_pg_state_add(st, &r, &err)) std::printf("add: %s\n", err.message);
  }
  return st;
}

// Runs `call` (returning its bool) with the n-th allocation failing, for n = 0, 1, ... until it
// succeeds; every failing run must report out of memory. Returns the number of allocations tried.
template <class Call>
long long every_allocation_fails(const char* what, Call&& call) {
  long long n = 0;
  for (;; ++n) {
    crm_pg_error err{};
    allocations_left = n;
    const bool ok = call(err);
    allocations_left = -1;
    if (ok) break;
    if (err.status != CRM_PG_OUT_OF_MEMORY || std::strcmp(err.message, "crm_metrics: out of memory") != 0) {
      check(false, std::string(what) + ": allocation " + std::to_string(n) + " failed, reported status " +
                       std::to_string(err.status) + " \"" + err.message + "\"");
      break;
    }
    if (n > 2000000) {
      check(false, std::string(what) + ": no success after 2e6 allocations");
      break;
    }
  }
  check(n > 0, std::string(what) + ": the call allocates nothing to fail");
  return n;
}
}  // namespace

int main() {
  // 1. out of memory, at every allocation of three calls
  {
    void* fit = small_fit_state();
    crm_pg_row row{};
    const long long fits = every_allocation_fails("BG/NBD fit", [&](crm_pg_error& e) {
      return crm_pg_state_result(fit, CRM_PG_RESULT_BG_NBD, 0, 0, &row, &e);
    });
    check(row.n == 17 && row.col[0].type == CRM_PG_FLOAT8 && row.col[0].f > 0, "the fit's row after the failed ones");
    void* rfm = single_purchases(5000);
    size_t size = 0;
    crm_pg_error err{};
    check(rfm != nullptr && crm_pg_state_flatten(rfm, &size, &err), "flatten");
    std::vector<unsigned char> bytes(size);
    crm_pg_state_copy_flat(rfm, bytes.data(), size);
    const long long reads = every_allocation_fails("read of an RFM state", [&](crm_pg_error& e) {
      void* s = crm_pg_state_read(CRM_PG_RFM, bytes.data(), bytes.size(), &e);
      crm_pg_state_free(s);
      return s != nullptr;
    });
    const long long merges = every_allocation_fails("merge of an RFM state from its bytes", [&](crm_pg_error& e) {
      crm_pg_options o{};
      o.day = day_2020 + 1096;
      o.unit = 7;
      void* s = crm_pg_state_new(CRM_PG_RFM, &o, &e);
      const bool ok = s != nullptr && crm_pg_state_merge_bytes(s, bytes.data(), bytes.size(), &e);
      crm_pg_state_free(s);
      return ok;
    });
    std::printf("out of memory: %lld allocations of a fit, %lld of a read, %lld of a merge, each failed once\n", fits, reads,
                merges);
    crm_pg_state_free(fit);
    crm_pg_state_free(rfm);
  }

  // 2. the fit's rows of 2 million customers: a cancel at the 55th, 70th or 85th percent of the asks
  // stops the call at the next ask
  {
    void* st = single_purchases(2000000);
    check(st != nullptr, "the state of 2 million customers");
    crm_pg_error err{};
    check(crm_pg_state_sync(st, &err), "sync");
    crm_pg_row row{};
    std::size_t total = 0;
    for (int run = 0; run < 2; ++run) {  // uncancelled: the asks, and (printed only) their CPU times
      ask_times.clear();
      ask_times.reserve(1 << 20);
      record_asks = true;
      const double start = cpu_seconds();
      const bool ok = crm_pg_state_result(st, CRM_PG_RESULT_BG_NBD, 0, 0, &row, &err);
      const double end = cpu_seconds();
      record_asks = false;
      check(!ok && std::strcmp(err.message, "crm::fit_bg_nbd: frequency cannot identify the model (nobody made a repeat purchase)") == 0,
            std::string("the fit refuses customers who never repeat: ") + err.message);
      check(run == 0 || ask_times.size() == total, "the same asks in every call");
      total = ask_times.size();
      double longest = 0, prev = start;
      for (const double t : ask_times) longest = std::max(longest, t - prev), prev = t;
      std::printf("cancel: %zu asks in %.3f s of CPU, longest stretch without one %.3f s (printed, not checked)\n", total, end - start,
                  std::max(longest, end - prev));
    }
    // at 55, 70 and 85 % of the asks, and at the tenth ask before the end, within the sort's merges (the
    // sort asks before each of its 31 runs of 65,536 rows and each of their 30 merges, the call's last asks)
    for (const long long after : {static_cast<long long>(0.55 * static_cast<double>(total)), static_cast<long long>(0.70 * static_cast<double>(total)),
                                  static_cast<long long>(0.85 * static_cast<double>(total)), static_cast<long long>(total) - 10}) {
      asks = 0;
      cancel_after = after;
      crm_pg_error cancelled{};
      const bool ok = crm_pg_state_result(st, CRM_PG_RESULT_BG_NBD, 0, 0, &row, &cancelled);
      std::printf("cancel after %lld of %zu asks: \"%s\" at ask %lld\n", cancel_after, total, cancelled.message, asks);
      check(!ok && cancelled.status == CRM_PG_CANCELED, std::string("the cancel stops the call: ") + cancelled.message);
      check(asks == cancel_after + 1, "the call stops at the first ask after the cancel");
      cancel_after = -1;
    }
    crm_pg_state_free(st);
  }
  std::printf(failures == 0 ? "core_test: all checks passed\n" : "core_test: %d checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
