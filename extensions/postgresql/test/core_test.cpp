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
//    call);
// 3. prediction intervals: crm_pg_interval (the crm_*_interval SQL functions) gives exactly the
//    library's interval (crm/models/intervals.hpp) of the estimate crm::try_parameter_estimate makes of
//    the same parameters and covariance, for every model and prediction, delta method and bootstrap,
//    and at a boundary (BG/BB's bb_no_dropout: the estimate crm::try_parameter_estimate(nested,
//    boundary_report) makes of the nested model's covariance; sBG's geometric at homogeneous_churn,
//    c = 1 held), crm_pg_clv_interval crm::try_customer_lifetime_value_interval's and
//    crm_pg_contract_interval crm::try_survival_interval's and crm::try_retention_rate_interval's, and for the
//    other contract values (P(T = t), expected lifetimes, DEL, DERL, the residual lifetime value) and BG/BB's
//    DERT crm::try_prediction_interval's of the same value (since 2026-12-06).
//    Before, there were none of them.
// 4. whole-base intervals: crm_pg_total_interval is the total of the library's whole-base intervals of a fit
//    state's rows, and a cancel at any of its asks stops it at the next.
// SPDX-License-Identifier: MIT
#include "../src/core.h"

#include <crm/models/intervals.hpp>  // the library's intervals, compared with crm_pg_interval's

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <ctime>
#include <new>
#include <string>
#include <tuple>
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

// A fit state of a few rows that BG/NBD fits (x, t_x, T; some customers repeat; whole numbers, so BG/BB's rows too).
constexpr double small_fit_rows[12][3] = {{0, 0, 30}, {1, 10, 30}, {2, 25, 38}, {0, 0, 38}, {3, 33, 36}, {1, 2, 40}, {5, 30, 31}, {0, 0, 25},
                                          {2, 12, 30}, {1, 20, 26}, {4, 34, 35}, {0, 0, 33}};
void* small_fit_state() {
  crm_pg_options o{};
  crm_pg_error err{};
  void* st = crm_pg_state_new(CRM_PG_FIT, &o, &err);
  for (const auto& row : small_fit_rows) {
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
// A model composite as the glue reads it: parameter columns v (NaN: NULL), its boundary and the
// covariance of `n` parameters, p_i p_j C_u[i][j] with C_u 0.01 on the diagonal and 0.002 off it.
crm_pg_model composite(std::initializer_list<double> v, const char* boundary, std::initializer_list<double> estimated) {
  crm_pg_model m{};
  int k = 0;
  for (const double x : v) {
    if (x != x) m.nulls |= 1u << k;
    else m.v[k] = x;
    ++k;
  }
  m.boundary = boundary;
  const std::vector<double> p(estimated);
  m.covariance_size = static_cast<int>(p.size());
  for (std::size_t i = 0; i < p.size(); ++i)
    for (std::size_t j = 0; j < p.size(); ++j) m.covariance[i * p.size() + j] = p[i] * p[j] * (i == j ? 0.01 : 0.002);
  return m;
}
// The covariance of a composite as the library's N x N matrix (rows beyond covariance_size 0).
template <std::size_t N>
std::array<std::array<double, N>, N> matrix_of(const crm_pg_model& m) {
  std::array<std::array<double, N>, N> c{};
  const auto n = static_cast<std::size_t>(m.covariance_size);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) c[i][j] = m.covariance[i * n + j];
  return c;
}
// crm_pg_interval's row equals the library's interval `lib` at `level`, exactly.
void same_interval(const char* what, int kind, const crm_pg_model& m, int pred, std::array<double, 4> args, double level, const char* method,
                   const crm::result<crm::prediction_interval<double>>& lib) {
  crm_pg_row row{};
  crm_pg_error err{};
  bool is_null = false;
  const bool ok = crm_pg_interval(kind, &m, pred, args[0], args[1], args[2], args[3], level, method, &row, &is_null, &err);
  check(ok && !is_null && lib.has_value(), std::string(what) + ": both give an interval (" + err.message + ")");
  if (!ok || is_null || !lib) return;
  check(row.n == 4 && row.col[0].f == lib->estimate && row.col[1].f == lib->lower && row.col[2].f == lib->upper && row.col[3].f == level,
        std::string(what) + ": the library's interval " + std::to_string(lib->lower) + " " + std::to_string(lib->upper) + ", got " +
            std::to_string(row.col[1].f) + " " + std::to_string(row.col[2].f));
  check(lib->lower < lib->estimate && lib->estimate < lib->upper, std::string(what) + ": lower < point < upper");
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
  // 3. prediction intervals: exactly the library's of the same estimate
  {
    using method = crm::prediction_interval_method;
    const double nan = std::nan("");
    const double inf = std::numeric_limits<double>::infinity();
    const crm::interval_options delta{.level = 0.9}, boot{.level = 0.8, .method = method::bootstrap};  // 2000 draws, seed 42
    const crm::rfm_row<double> c1{2, 30.43, 38.86};
    // BG/NBD: r, alpha, a, b, p
    const crm::bg_nbd<double> bg{0.242593, 4.41353, 0.792886, 2.42575};
    const crm_pg_model mb = composite({bg.r, bg.alpha, bg.a, bg.b, nan}, nullptr, {bg.r, bg.alpha, bg.a, bg.b});
    const auto eb = crm::try_parameter_estimate(bg, matrix_of<4>(mb));
    check(eb.has_value(), "BG/NBD estimate");
    same_interval("BG/NBD P(alive)", 0, mb, 0, {2, 30.43, 38.86, 0}, 0.9, "delta", crm::try_probability_alive_interval(*eb, c1, delta));
    same_interval("BG/NBD P(alive) bootstrap", 0, mb, 0, {2, 30.43, 38.86, 0}, 0.8, "bootstrap", crm::try_probability_alive_interval(*eb, c1, boot));
    same_interval("BG/NBD expected purchases", 0, mb, 1, {2, 30.43, 38.86, 39}, 0.9, "delta",
                  crm::try_conditional_expected_purchases_interval(*eb, c1, 39.0, delta));
    // Pareto/NBD: r, alpha, s, beta, mu
    const crm::pareto_nbd<double> pn{0.553275, 10.577612, 0.606214, 11.667913};
    const crm_pg_model mp = composite({pn.r, pn.alpha, pn.s, pn.beta, nan}, nullptr, {pn.r, pn.alpha, pn.s, pn.beta});
    const auto ep = crm::try_parameter_estimate(pn, matrix_of<4>(mp));
    check(ep.has_value(), "Pareto/NBD estimate");
    same_interval("Pareto/NBD P(alive)", 1, mp, 0, {2, 30.43, 38.86, 0}, 0.9, "delta", crm::try_probability_alive_interval(*ep, c1, delta));
    same_interval("Pareto/NBD expected purchases bootstrap", 1, mp, 1, {2, 30.43, 38.86, 39}, 0.8, "bootstrap",
                  crm::try_conditional_expected_purchases_interval(*ep, c1, 39.0, boot));
    // BG/BB: alpha, beta, gamma, delta, theta, p; a customer (x 3, t_x 4, n 6)
    const crm::bg_bb<double> bb{1.204, 0.750, 0.657, 2.783};
    crm::discrete_row<double> d;
    d.frequency = 3, d.recency = 4, d.periods = 6;
    const crm_pg_model mbb = composite({bb.alpha, bb.beta, bb.gamma, bb.delta, nan, nan}, nullptr, {bb.alpha, bb.beta, bb.gamma, bb.delta});
    const auto ebb = crm::try_parameter_estimate(bb, matrix_of<4>(mbb));
    check(ebb.has_value(), "BG/BB estimate");
    same_interval("BG/BB P(alive)", 2, mbb, 0, {3, 4, 6, 1}, 0.9, "delta", crm::try_probability_alive_interval(*ebb, d, delta));
    same_interval("BG/BB P(alive) 3 ahead", 2, mbb, 0, {3, 4, 6, 3}, 0.9, "delta",
                  crm::try_prediction_interval(*ebb, [&](const crm::bg_bb<double>& m) { return m.try_probability_alive(d, 3); },
                                               crm::prediction_scale::logit, delta));
    same_interval("BG/BB expected purchases", 2, mbb, 1, {3, 4, 6, 5}, 0.9, "delta",
                  crm::try_conditional_expected_purchases_interval(*ebb, d, 5.0, delta));
    same_interval("BG/BB DERT (bootstrap)", 2, mbb, 2, {3, 4, 6, 0.1}, 0.8, "bootstrap",
                  crm::try_prediction_interval(*ebb, [&](const crm::bg_bb<double>& m) { return m.try_discounted_expected_residual_transactions(d, 0.1); },
                                               crm::prediction_scale::log, boot));
    // Gamma-Gamma: p, q, gamma, scale
    const crm::gamma_gamma<double> gg{6.25, 3.74, 15.44};
    const crm_pg_model mg = composite({gg.p, gg.q, gg.gamma, nan}, nullptr, {gg.p, gg.q, gg.gamma});
    const auto eg = crm::try_parameter_estimate(gg, matrix_of<3>(mg));
    check(eg.has_value(), "Gamma-Gamma estimate");
    same_interval("Gamma-Gamma expected spend", 3, mg, 0, {2, 20, 0, 0}, 0.9, "delta", crm::try_expected_average_spend_interval(*eg, 2.0, 20.0, delta));
    // CLV of BG/NBD and Gamma-Gamma (12 periods of 4.345, 1 %, margin 0.3), and of BG/BB
    {
      const crm::clv_horizon<double> h{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};
      crm_pg_row row{};
      crm_pg_error err{};
      bool is_null = false;
      const auto lib = crm::try_customer_lifetime_value_interval(*eb, *eg, c1, 22.35, h, delta);
      const bool ok = crm_pg_clv_interval(0, &mb, &mg, nullptr, 2, 30.43, 38.86, 22.35, 12, 4.345, 0.01, 0.3, 0.9, "delta", &row, &is_null, &err);
      check(ok && lib && row.col[0].f == lib->estimate && row.col[1].f == lib->lower && row.col[2].f == lib->upper && lib->lower < lib->estimate,
            std::string("BG/NBD CLV interval: the library's ") + err.message);
      const crm::clv_horizon<double> h5{.periods = 5, .period_length = 1, .discount_rate = 0.1, .margin = 1};
      const auto lib_bb = crm::try_customer_lifetime_value_interval(*ebb, *eg, d, 30.0, h5, boot);
      const bool ok_bb = crm_pg_clv_interval(2, &mbb, &mg, nullptr, 3, 4, 6, 30, 5, 1, 0.1, 1, 0.8, "bootstrap", &row, &is_null, &err);
      check(ok_bb && lib_bb && row.col[0].f == lib_bb->estimate && row.col[1].f == lib_bb->lower && row.col[2].f == lib_bb->upper,
            std::string("BG/BB CLV bootstrap interval: the library's ") + err.message);
    }
    // sBG and, at homogeneous_churn, its geometric (theta; c = 1 held, as the boundary report's nested_parameters 1)
    {
      const auto contract = [&](const char* what, const crm_pg_model& m, int pred, long long t, const crm::result<crm::prediction_interval<double>>& lib,
                                double d = 0, double margin = 1) {
        crm_pg_row row{};
        crm_pg_error err{};
        bool is_null = false;
        const bool ok = crm_pg_contract_interval(0, &m, pred, t, d, margin, 0.9, "delta", &row, &is_null, &err);
        check(ok && lib && row.col[0].f == lib->estimate && row.col[1].f == lib->lower && row.col[2].f == lib->upper && lib->lower < lib->upper,
              std::string(what) + ": the library's interval " + err.message);
      };
      const crm::sbg<double> sb{.alpha = 0.7, .beta = 1.2};
      const crm_pg_model ms = composite({sb.alpha, sb.beta, nan}, nullptr, {sb.alpha, sb.beta});
      const auto es = crm::try_parameter_estimate(sb, matrix_of<2>(ms));
      check(es.has_value(), "sBG estimate");
      contract("sBG S(5)", ms, 0, 5, crm::try_survival_interval(*es, 5, delta));
      contract("sBG r(3)", ms, 2, 3, crm::try_retention_rate_interval(*es, 3, delta));
      // the other contract values (since 2026-12-06): the library's interval of the same value, P(T = t) on the
      // logit scale, lifetimes and values on the log scale
      const auto any = [&](auto f, crm::prediction_scale scale) { return crm::try_prediction_interval(*es, f, scale, delta); };
      contract("sBG P(T = 4)", ms, 1, 4, any([](const auto& m) { return m.try_churn_probability(4); }, crm::prediction_scale::logit));
      contract("sBG DEL(10 %)", ms, 4, 0, any([](const auto& m) { return m.try_discounted_expected_lifetime(0.1); }, crm::prediction_scale::log),
               0.1);
      contract("sBG DERL(4 renewals, 10 %)", ms, 5, 4,
               any([](const auto& m) { return m.try_discounted_expected_residual_lifetime(4, 0.1); }, crm::prediction_scale::log), 0.1);
      contract("sBG residual lifetime value", ms, 6, 4,
               any([](const auto& m) { return m.try_residual_lifetime_value(4, 0.1, 100.0); }, crm::prediction_scale::log), 0.1, 100);
      contract("sBG E[T] within 12 periods", ms, 7, 12, any([](const auto& m) { return m.try_expected_lifetime(12); }, crm::prediction_scale::log));
      const crm::sbg<double> sb2{.alpha = 3.8, .beta = 2.5};  // alpha > 1: a finite expected lifetime
      const crm_pg_model ms2 = composite({sb2.alpha, sb2.beta, nan}, nullptr, {sb2.alpha, sb2.beta});
      const auto es2 = crm::try_parameter_estimate(sb2, matrix_of<2>(ms2));
      check(es2.has_value(), "sBG estimate, alpha > 1");
      contract("sBG E[T]", ms2, 3, 0,
               crm::try_prediction_interval(*es2, [](const auto& m) { return m.try_expected_lifetime(); }, crm::prediction_scale::log, delta));
      const crm_pg_model mgeo = composite({inf, inf, 0.1}, "homogeneous_churn", {0.1});
      crm::boundary_report g;
      g.where = crm::fit_boundary::homogeneous_churn;
      g.nested_fitted = true;
      g.nested_parameters = 1;
      g.nested_dropout = 0.1, g.nested_shape = 1.0;
      g.nested_covariance.size = 1;
      g.nested_covariance.values[0][0] = mgeo.covariance[0];
      const auto eg1 = crm::try_parameter_estimate(crm::discrete_weibull_churn<double>{.theta = 0.1, .c = 1.0}, g);
      check(eg1.has_value(), "the geometric's estimate");
      contract("sBG at homogeneous_churn S(5)", mgeo, 0, 5, crm::try_survival_interval(*eg1, 5, delta));
    }
    // BG/BB at bb_no_dropout: the Beta-Bernoulli (alpha, beta; theta = 0 held), covariance 2 x 2
    const crm_pg_model mn = composite({1.3, 0.8, 0, nan, 0, nan}, "bb_no_dropout", {1.3, 0.8});
    crm::boundary_report b;
    b.where = crm::fit_boundary::bb_no_dropout;
    b.nested_fitted = true;
    b.nested_r = 1.3, b.nested_alpha = 0.8;
    b.nested_covariance.size = 2;
    for (std::size_t i = 0; i < 2; ++i)
      for (std::size_t j = 0; j < 2; ++j) b.nested_covariance.values[i][j] = mn.covariance[i * 2 + j];
    const auto en = crm::try_parameter_estimate(crm::beta_bernoulli<double>{1.3, 0.8, 0.0}, b);
    check(en.has_value(), "Beta-Bernoulli estimate");
    same_interval("BG/BB at bb_no_dropout expected purchases", 2, mn, 1, {3, 4, 6, 5}, 0.9, "delta",
                  crm::try_conditional_expected_purchases_interval(*en, d, 5.0, delta));
    same_interval("BG/BB at bb_no_dropout DERT", 2, mn, 2, {3, 4, 6, 0.1}, 0.9, "delta",
                  crm::try_prediction_interval(*en, [&](const auto& mm) { return mm.try_discounted_expected_residual_transactions(d, 0.1); },
                                               crm::prediction_scale::log, delta));

    // 4. whole-base intervals (since 2026-12-06): crm_pg_total_interval of a fit state is the total of the
    // library's whole-base intervals of its rows (in the state's order: sorted by (x, t_x, T)), for BG/NBD,
    // Pareto/NBD and BG/BB, P(alive) and expected purchases, delta and bootstrap; a cancel at any of its asks
    // (one as it reads the state's rows, then one before each evaluation after the first) stops it
    void* fit = small_fit_state();
    std::vector<crm::rfm_row<double>> rows;
    std::vector<crm::discrete_row<double>> drows;
    for (const auto& r : small_fit_rows) rows.push_back({r[0], r[1], r[2], 1.0});
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return std::tie(a.frequency, a.recency, a.age) < std::tie(b.frequency, b.recency, b.age);
    });
    for (const auto& r : rows)
      drows.push_back({.frequency = static_cast<crm::count_t>(r.frequency), .recency = static_cast<crm::count_t>(r.recency),
                       .periods = static_cast<crm::count_t>(r.age), .weight = 1.0});
    const std::span<const crm::rfm_row<double>> rs(rows);
    const std::span<const crm::discrete_row<double>> ds(drows);
    const auto whole = [&](const char* what, int kind, const crm_pg_model& m, int pred, double t, double level, const char* method,
                           const crm::result<crm::prediction_intervals<double>>& lib) {
      crm_pg_row row{};
      crm_pg_error err{};
      bool is_null = false;
      const bool ok = crm_pg_total_interval(kind, &m, fit, pred, t, level, method, &row, &is_null, &err);
      check(ok && !is_null && lib.has_value(), std::string(what) + ": both give an interval (" + err.message + ")");
      if (!ok || is_null || !lib) return;
      check(row.col[0].f == lib->total.estimate && row.col[1].f == lib->total.lower && row.col[2].f == lib->total.upper && row.col[3].f == level &&
                lib->total.lower < lib->total.estimate && lib->total.estimate < lib->total.upper,
            std::string(what) + ": the library's total");
    };
    whole("BG/NBD active customers", 0, mb, 0, 0, 0.9, "delta", crm::try_probability_alive_intervals(*eb, rs, delta));
    whole("BG/NBD base purchases", 0, mb, 1, 39, 0.8, "bootstrap", crm::try_conditional_expected_purchases_intervals(*eb, rs, 39.0, boot));
    whole("Pareto/NBD active customers", 1, mp, 0, 0, 0.8, "bootstrap", crm::try_probability_alive_intervals(*ep, rs, boot));
    whole("Pareto/NBD base purchases", 1, mp, 1, 39, 0.9, "delta", crm::try_conditional_expected_purchases_intervals(*ep, rs, 39.0, delta));
    whole("BG/BB active customers", 2, mbb, 0, 0, 0.9, "delta", crm::try_probability_alive_intervals(*ebb, ds, delta));
    whole("BG/BB base purchases", 2, mbb, 1, 5, 0.9, "delta", crm::try_conditional_expected_purchases_intervals(*ebb, ds, 5.0, delta));
    for (long long after = 0; after <= 8; ++after) {
      crm_pg_row row{};
      crm_pg_error err{};
      bool is_null = false;
      asks = 0;
      cancel_after = after;
      const bool ok = crm_pg_total_interval(1, &mp, fit, 1, 39, 0.9, "delta", &row, &is_null, &err);
      cancel_after = -1;
      check(!ok && err.status == CRM_PG_CANCELED && asks == after + 1,
            "a whole-base interval canceled after " + std::to_string(after) + " asks stops at the next (" + std::to_string(asks) + ")");
    }
    crm_pg_state_free(fit);
  }
  std::printf(failures == 0 ? "core_test: all checks passed\n" : "core_test: %d checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
