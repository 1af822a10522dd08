// crm_metrics PostgreSQL extension: the C++ side. Calls the library only; never calls PostgreSQL.
// Every function of core.h catches every exception (guard()) and reports through crm_pg_error.
// Memory: the accumulators use the C++ heap; their owners are PostgreSQL memory contexts (glue.c
// registers a reset callback that calls crm_pg_state_free / crm_pg_rows_free).
// SPDX-License-Identifier: MIT
#include "core.h"
#include "metric_table.h"

#include <crm/aggregate.hpp>
#include <crm/metrics.hpp>
#include <crm/models/bg_bb.hpp>
#include <crm/models/bg_nbd.hpp>
#include <crm/models/clv.hpp>
#include <crm/models/contractual.hpp>
#include <crm/models/contractual_nested.hpp>
#include <crm/models/gamma_gamma.hpp>
#include <crm/models/homogeneous.hpp>
#include <crm/models/intervals.hpp>
#include <crm/models/nbd.hpp>
#include <crm/models/pareto_nbd.hpp>
#include <crm/multiprecision.hpp>
#include <crm/statistics.hpp>

#include <boost/preprocessor/cat.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <charconv>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <tuple>
#include <type_traits>
#include <vector>

namespace {

// A backend is a long-lived process whose memory the server budgets (work_mem and the like): the
// library keeps no freed block for reuse in it (crm::set_retained_memory_limit), so a state's memory
// goes back to the system when its memory context is reset, as it did before blocks were kept.
[[maybe_unused]] const bool no_retained_blocks = (crm::set_retained_memory_limit(0), true);

// (no allocation: the error of a failed allocation is reported with it; a std::string made from the
// message in guard()'s handler of std::bad_alloc threw again inside this noexcept code, and the
// backend died in std::terminate instead of raising 53200; found by an audit, test/core_test.cpp)
void set_error(crm_pg_error* err, int status, const char* text) noexcept {
  err->status = status;
  err->prefix = 0;
  std::snprintf(err->message, sizeof err->message, "%s", text);
}
void set_error(crm_pg_error* err, int status, const std::string& text) noexcept { set_error(err, status, text.c_str()); }
void set_error(crm_pg_error* err, const crm::error_info& e, int status = CRM_PG_BAD_INPUT) noexcept {
  try {
    set_error(err, status, crm::message(e));
    const std::size_t prefix = std::strlen("crm::") + std::strlen(e.metric) + 2;  // crm::message's "crm::<metric>: "
    if (prefix < std::strlen(err->message)) err->prefix = static_cast<int>(prefix);
  } catch (...) {
    set_error(err, status, "");
  }
}

// Thrown by check_cancel: the query is being cancelled (caught by guard, never crosses core.h).
struct query_canceled {};

// The library's own walks over a whole state (reading or writing its bytes, merges, rows(),
// cohorts(), stats(), model_rows(), ...) ask the backend's cancel flag through the thread's
// interrupt hook (crm/core/interrupt.hpp: once per part of the customer table, every 4096 records
// read from bytes) and leave with crm::interrupted, which guard() reports as CRM_PG_CANCELED. A
// backend is one thread; the hook is installed once, when the module is loaded. Before it, such a
// call ran to its end under a statement_timeout (crm_rfm_totals of a state of 2 million customers
// for the rest of its 0.3 s, a merge of two such states up to 1 s past the timeout; found by an
// audit; test/66_cancel_whole_states.sql).
bool pg_interrupt(void*) noexcept { return crm_pg_cancel_requested(); }
[[maybe_unused]] const bool interrupt_hook_set = (crm::set_interrupt_hook({&pg_interrupt, nullptr}), true);

// Every 65,536th step of a long loop (step 0 included) asks the backend's cancel flag and throws
// query_canceled when it is set: the loop stops, guard() reports CRM_PG_CANCELED and glue.c raises
// the cancel (57014) with no C++ frame left. Loops over a million rows ran to their end under a
// statement_timeout (found by an audit).
void check_cancel(std::size_t step) {
  if ((step & 0xFFFF) == 0 && crm_pg_cancel_requested()) throw query_canceled{};
}

// Runs f (returning bool) with every exception turned into an error.
template <class F>
bool guard(crm_pg_error* err, F&& f) noexcept {
  try {
    return f();
  } catch (const query_canceled&) {
    set_error(err, CRM_PG_CANCELED, "crm_metrics: canceling statement due to a cancel request");
  } catch (const crm::interrupted&) {
    set_error(err, CRM_PG_CANCELED, "crm_metrics: canceling statement due to a cancel request");
  } catch (const std::bad_alloc&) {
    set_error(err, CRM_PG_OUT_OF_MEMORY, "crm_metrics: out of memory");
  } catch (const crm::metric_error& e) {
    set_error(err, CRM_PG_BAD_INPUT, e.what());
  } catch (const std::exception& e) {
    set_error(err, CRM_PG_INTERNAL, "crm_metrics: ");
    std::snprintf(err->message, sizeof err->message, "crm_metrics: %s", e.what());
  } catch (...) {
    set_error(err, CRM_PG_INTERNAL, "crm_metrics: unknown C++ exception");
  }
  return false;
}

// ---- formula metrics ----------------------------------------------------------------------------
template <class T>
T number_arg(const crm_pg_arg& a) {
  if constexpr (std::is_same_v<T, double>) {
    return a.f;
  } else {
    // PostgreSQL's numeric text: digits, '.', or NaN / Infinity / -Infinity.
    const std::string s(a.text);
    if (s == "NaN") return std::numeric_limits<T>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<T>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<T>::infinity();
    return T(s);
  }
}

#define CRM_PG_GET_M(at) number_arg<T>(args[at])
#define CRM_PG_GET_C(at) static_cast<crm::count_t>(args[at].i)
#define CRM_PG_ASSIGN_(r, data, at, F) \
  in.CRM_PG_FIELD_NAME(F) = BOOST_PP_CAT(CRM_PG_GET_, CRM_PG_FIELD_KIND(F))(at);
#define CRM_PG_EVAL_(name, type, fields)                            \
  case CRM_PG_METRIC_##name: {                                      \
    using namespace crm;                                            \
    type in{};                                                      \
    BOOST_PP_SEQ_FOR_EACH_I(CRM_PG_ASSIGN_, ~, fields)              \
    const auto r = crm::try_##name<T>(in);                          \
    if (!r) return r.error();                                       \
    out = T(r->value());                                            \
    return {};                                                      \
  }

template <class T>
crm::error_info eval_metric(int metric, const crm_pg_arg* args, T& out) {
  switch (metric) {
    CRM_PG_METRICS(CRM_PG_EVAL_)
    default: break;
  }
  return {crm::errc::out_of_range, "crm_metrics", "metric", "is not a known metric"};
}

// ---- accumulator states ---------------------------------------------------------------------------
using clock_seconds = std::chrono::seconds;
crm::time_point to_time(int64_t s) { return crm::time_point{clock_seconds{s}}; }
std::chrono::sys_days to_day(int32_t d) { return std::chrono::sys_days{std::chrono::days{d}}; }

struct state_base {
  int kind = 0;
  std::vector<std::byte> flat;
  virtual ~state_base() = default;
  virtual crm::error_info add(const crm_pg_record& r) = 0;
  // Adds the records that add() kept back (see acc_state::pending); every reader of the state
  // calls it first (ready()).
  virtual crm::error_info flush() { return {}; }
  virtual state_base* clone() const = 0;
  virtual crm::error_info merge(const state_base& o) = 0;
  // Merges a serialized state of the same kind straight from its bytes (the library's
  // try_merge_serialized); false when the accumulator has no such merge (then the caller reads the
  // bytes into a state and merges that).
  virtual bool merge_bytes(std::span<const std::byte>, crm::error_info&) { return false; }
  virtual std::vector<std::byte> serialize() const = 0;
  virtual crm::error_info check_options(const crm_pg_options&) const { return {}; }
  virtual std::size_t weight() const noexcept { return sizeof(*this); }
};

using decimal = crm::decimal50;

// The amount of a record as T: the float8, or the numeric's text read exactly.
template <class T>
T amount_of(const crm_pg_record& r) {
  if constexpr (std::is_same_v<T, double>) {
    return r.amount;
  } else {
    crm_pg_arg a;
    a.text = r.amount_text;
    return number_arg<T>(a);
  }
}

// The number type of an accumulator (double for the survey tallies).
template <class Acc>
struct number_of {
  using type = double;
};
template <template <class> class A, class T>
struct number_of<A<T>> {
  using type = T;
};

template <class Acc, int K>
struct acc_state final : state_base {
  static constexpr int base_kind = K & ~CRM_PG_DECIMAL;
  using T = typename number_of<Acc>::type;
  // The accumulators with a customer table take orders in batches once they are large: a row's
  // customer slot is a cache (and TLB) miss in a table of a million customers, and the library's
  // batch add (try_add over a span) prefetches the slots of the records 16 ahead, so the misses
  // overlap. A state takes its first `direct_rows` rows one at a time (a state of a GROUP BY
  // customer keeps nothing back below that many orders), then up to `batch_rows` are kept in `pending` and added
  // together. The records are added in the same order either way, so the state is the same; an
  // invalid record is reported when its batch is added (at the latest before anything reads the
  // state), with the same message.
  static constexpr bool batched = base_kind == CRM_PG_CUSTOMERS || base_kind == CRM_PG_REPEAT || base_kind == CRM_PG_RFM ||
                                  base_kind == CRM_PG_PERIODS;
  static constexpr std::size_t direct_rows = 4096;
  static constexpr std::size_t batch_rows = 256;
  Acc acc;
  std::vector<crm::order<T>> pending;
  std::size_t direct = 0;
  explicit acc_state(Acc a) : acc(std::move(a)) { kind = K; }
  state_base* clone() const override { return new acc_state(*this); }
  crm::error_info add(const crm_pg_record& r) override {
    if constexpr (batched) {
      const crm::order<T> o{.customer = r.customer, .time = to_time(r.seconds), .amount = amount_of<T>(r)};
      if (direct < direct_rows) {
        ++direct;
        return acc.try_add(o);
      }
      if (pending.capacity() == 0) pending.reserve(batch_rows);
      pending.push_back(o);
      return pending.size() == batch_rows ? flush() : crm::error_info{};
    } else if constexpr (base_kind == CRM_PG_NPS || base_kind == CRM_PG_CSAT) {
      return acc.try_add(crm::survey_answer{.respondent = r.customer, .time = to_time(r.seconds), .score = r.score});
    } else if constexpr (base_kind == CRM_PG_EMAIL) {
      return acc.try_add(crm::email_event<T>{.recipient = r.customer, .campaign = 0,
                                             .kind = static_cast<crm::email_event_kind>(r.score),
                                             .time = to_time(r.seconds), .revenue = amount_of<T>(r)});
    } else if constexpr (base_kind == CRM_PG_SPEND) {
      return acc.try_add(crm::spend_record<T>{.time = to_time(r.seconds), .channel = r.channel, .amount = amount_of<T>(r)});
    } else {
      return acc.try_add(crm::order<T>{.customer = r.customer, .time = to_time(r.seconds), .amount = amount_of<T>(r)});
    }
  }
  crm::error_info flush() override {
    if constexpr (batched) {
      if (pending.empty()) return {};
      const crm::add_report rep = acc.try_add(std::span<const crm::order<T>>(pending));
      pending.clear();
      if (!rep) return rep.first_error().error;
    }
    return {};
  }
  crm::error_info merge(const state_base& o) override {
    return acc.try_merge(static_cast<const acc_state&>(o).acc);
  }
  bool merge_bytes(std::span<const std::byte> in, crm::error_info& e) override {
    if constexpr (requires { acc.try_merge_serialized(in); }) {
      e = acc.try_merge_serialized(in);
      return true;
    } else {
      return false;
    }
  }
  std::size_t weight() const noexcept override {
    const std::size_t kept = pending.capacity() * sizeof(crm::order<T>);
    if constexpr (requires { acc.memory_bytes(); }) return acc.memory_bytes() + kept;
    else return sizeof(*this) + kept;
  }
  // acc.serialize() into a vector reserved up front: growing a vector of tens of MB by doubling
  // costs a copy and fresh (kernel-zeroed) pages per step.
  std::vector<std::byte> serialize() const override {
    std::vector<std::byte> out;
    if constexpr (requires { acc.memory_bytes(); }) out.reserve(acc.memory_bytes() + 4096);
    crm::detail::byte_writer w(out);
    const std::size_t at = crm::detail::begin_state<T>(w, Acc::kind);
    acc.write_payload(w);
    crm::detail::end_state(w, at);
    return out;
  }
  crm::error_info check_options(const crm_pg_options& o) const override {
    if constexpr (base_kind == CRM_PG_RFM) {
      // the option that differs by its name (glue.c names time_unit time_unit_days, as the SQL argument)
      const auto& p = acc.options();
      const char* field = nullptr;
      if (p.calibration_end != to_day(o.day)) field = "calibration_end";
      else if (p.has_holdout() != (o.holdout != 0) || (p.has_holdout() && p.observation_end != to_day(o.end_day)))
        field = "observation_end";
      else if (p.time_unit.count() != o.unit) field = "time_unit";
      if (field != nullptr) return {crm::errc::out_of_range, Acc::name, field, "must be the same on every row"};
    } else if constexpr (base_kind == CRM_PG_CSAT) {
      const auto& p = acc.scale();
      if (p.lowest != o.lowest || p.highest != o.highest || p.satisfied_from != o.satisfied_from)
        return {crm::errc::out_of_range, Acc::name, "scale", "must be the same on every row"};
    } else if constexpr (base_kind == CRM_PG_SPEND) {
      const Acc made = o.unit >= 0 ? Acc(static_cast<crm::period_unit>(o.unit)) : Acc();
      if (!(acc.fresh() == made)) return {crm::errc::out_of_range, Acc::name, "unit", "must be the same on every row"};
    } else if constexpr (base_kind == CRM_PG_PERIODS) {
      // the option that differs by its name (every difference was named "first")
      const auto& p = acc.options();
      const char* field = nullptr;
      if (static_cast<int>(p.unit) != o.unit) field = "unit";
      else if (p.periods != o.periods) field = "periods";
      else if (p.inactive_periods != o.inactive) field = "inactive_periods";
      else if (crm::period_of(p.unit, crm::time_point{p.first}) != crm::period_of(p.unit, crm::time_point{to_day(o.day)}))
        field = "first";
      if (field != nullptr) return {crm::errc::out_of_range, Acc::name, field, "must be the same on every row"};
    }
    return {};
  }
};

// Every state type; the money accumulators also over crm::decimal50 (kind | CRM_PG_DECIMAL).
template <template <class> class A, int K, class T>
using money_state = acc_state<A<T>, std::is_same_v<T, double> ? K : (K | CRM_PG_DECIMAL)>;
template <class T>
using totals_state = money_state<crm::order_totals_accumulator, CRM_PG_TOTALS, T>;
template <class T>
using customers_state = money_state<crm::customer_accumulator, CRM_PG_CUSTOMERS, T>;
template <class T>
using repeat_state = money_state<crm::repeat_purchase_accumulator, CRM_PG_REPEAT, T>;
template <class T>
using rfm_state = money_state<crm::rfm_accumulator, CRM_PG_RFM, T>;
template <class T>
using periods_state = money_state<crm::period_accumulator, CRM_PG_PERIODS, T>;
template <class T>
using spend_state = money_state<crm::spend_accumulator, CRM_PG_SPEND, T>;
template <class T>
using email_state = money_state<crm::email_accumulator, CRM_PG_EMAIL, T>;
using nps_state = acc_state<crm::nps_accumulator, CRM_PG_NPS>;
using csat_state = acc_state<crm::csat_accumulator, CRM_PG_CSAT>;

// Calls f with the accumulator of a money state of template A (either number type); false with
// an error when the state is of another kind.
template <template <class> class A, int K, class F>
bool visit_money(const state_base* st, const char* what, crm_pg_error* err, F&& f) {
  if (st->kind == K) return f(static_cast<const money_state<A, K, double>*>(st)->acc);
  if (st->kind == (K | CRM_PG_DECIMAL)) return f(static_cast<const money_state<A, K, decimal>*>(st)->acc);
  set_error(err, CRM_PG_BAD_STATE, std::string("crm_metrics: state is not ") + what + " (another kind of state)");
  return false;
}

// The model-fit state: (x, t_x, T) -> weight, sorted; the library's frame with kind 100.
constexpr const char* fit_name = "bg_nbd_fit_state";
struct fit_state final : state_base {
  std::map<std::tuple<double, double, double>, double> rows;
  fit_state() { kind = CRM_PG_FIT; }
  state_base* clone() const override { return new fit_state(*this); }
  static crm::error_info check(double x, double tx, double age) {
    if (!std::isfinite(x) || x < 0 || x != std::floor(x)) return {crm::errc::out_of_range, fit_name, "frequency", "must be a whole number >= 0"};
    if (!std::isfinite(tx) || tx < 0) return {crm::errc::out_of_range, fit_name, "recency", "must be finite and >= 0"};
    if (!std::isfinite(age) || age < tx) return {crm::errc::out_of_range, fit_name, "T", "must be finite and >= recency"};
    if (x == 0 && tx != 0) return {crm::errc::out_of_range, fit_name, "recency", "must be 0 when frequency is 0"};
    return {};
  }
  crm::error_info add(const crm_pg_record& r) override {
    if (auto e = check(r.x, r.tx, r.age)) return e;
    if (!std::isfinite(r.weight) || !(r.weight > 0)) return {crm::errc::out_of_range, fit_name, "weight", "must be finite and > 0"};
    double& w = rows[{r.x, r.tx, r.age}];
    // two weights of 1e308 on one row summed to infinity: a state the fit refused and its own bytes
    // read back as corrupted (found by an audit)
    if (!std::isfinite(w + r.weight)) return {crm::errc::overflow, fit_name, "weight", "the weights of one row sum past float8"};
    w += r.weight;
    return {};
  }
  crm::error_info merge(const state_base& o) override {
    const auto& other = static_cast<const fit_state&>(o).rows;
    std::size_t step = 0;
    for (const auto& [k, w] : other) {  // checked whole first: a refused merge changes nothing
      check_cancel(step++);
      const auto it = rows.find(k);
      if (it != rows.end() && !std::isfinite(it->second + w))
        return {crm::errc::overflow, fit_name, "weight", "the weights of one row sum past float8"};
    }
    for (const auto& [k, w] : other) rows[k] += w;  // never cancelled here: all or nothing
    return {};
  }
  std::vector<std::byte> serialize() const override {
    std::vector<std::byte> out;
    crm::detail::byte_writer w(out);
    const std::size_t at = crm::detail::begin_state<double>(w, static_cast<crm::detail::state_kind>(CRM_PG_FIT));
    w.put(static_cast<std::uint64_t>(rows.size()));
    std::size_t step = 0;
    for (const auto& [k, wt] : rows) {
      check_cancel(step++);
      w.put_number(std::get<0>(k));
      w.put_number(std::get<1>(k));
      w.put_number(std::get<2>(k));
      w.put_number(wt);
    }
    crm::detail::end_state(w, at);
    return out;
  }
  static crm::result<fit_state> read(std::span<const std::byte> in) {
    crm::error_info e;
    const auto payload = crm::detail::open_state<double>(in, static_cast<crm::detail::state_kind>(CRM_PG_FIT), fit_name, e);
    if (e) return e;
    crm::detail::byte_reader r(payload, fit_name);
    fit_state s;
    const std::uint64_t n = r.get_count("rows", 32);
    for (std::uint64_t i = 0; i < n && r.ok(); ++i) {
      check_cancel(static_cast<std::size_t>(i));
      const double x = r.get_number<double>("frequency"), tx = r.get_number<double>("recency"),
                   age = r.get_number<double>("T"), wt = r.get_number<double>("weight");
      if (!r.ok()) break;
      if (check(x, tx, age) || !(wt > 0) || !std::isfinite(wt)) {
        r.fail(crm::errc::malformed, "rows", "has an impossible row (corrupted state)");
        break;
      }
      if (!s.rows.emplace(std::tuple{x, tx, age}, wt).second) {
        r.fail(crm::errc::malformed, "rows", "has a row twice (corrupted state)");
        break;
      }
    }
    if (r.ok() && !r.at_end()) r.fail(crm::errc::malformed, "payload", "has bytes after the state");
    if (!r.ok()) return r.error();
    return s;
  }
};

template <class S>
state_base* read_as(std::span<const std::byte> bytes, crm_pg_error* err) {
  auto r = decltype(S::acc)::try_deserialize(bytes);
  if (!r) {
    set_error(err, r.error(), CRM_PG_BAD_STATE);
    return nullptr;
  }
  // moved out of the result: std::move(*r) is a const R&& (result's operator* is const) and copied
  // the whole accumulator, its customer table included, on every read of a state (found by an
  // audit: a second full copy, uninterruptible, in every deserialization)
  return new S(std::move(r).value());
}

const state_base* base(const void* p) { return static_cast<const state_base*>(p); }
// The state for reading, its kept-back records added first (acc_state::pending); nullptr with the
// error of an invalid one. The objects are never const (made by new), so the cast is sound.
state_base* ready(const void* p, crm_pg_error* err) {
  auto* s = const_cast<state_base*>(base(p));
  if (const crm::error_info e = s->flush()) return set_error(err, e), nullptr;
  return s;
}

template <class S>
const S* as(const void* p, int kind, const char* what, crm_pg_error* err) {
  if (base(p)->kind != kind) {
    set_error(err, CRM_PG_BAD_STATE, std::string("crm_metrics: state is not ") + what + " (another kind of state)");
    return nullptr;
  }
  return static_cast<const S*>(p);
}

// Builds a crm_pg_row column by column.
struct row_builder {
  crm_pg_row& row;
  bool numeric = false;  // money as numeric text, not float8
  explicit row_builder(crm_pg_row& r, bool num = false) : row(r), numeric(num) {
    row.n = 0;
    row.text_used = 0;
  }
  row_builder& put(int type, int64_t i, double f) {
    if (row.n < CRM_PG_MAX_COLS) row.col[row.n++] = crm_pg_col{type, i, f};
    return *this;
  }
  row_builder& i8(int64_t v) { return put(CRM_PG_INT8, v, 0); }
  row_builder& i4(int32_t v) { return put(CRM_PG_INT4, v, 0); }
  row_builder& f8(double v) { return put(CRM_PG_FLOAT8, 0, v); }
  row_builder& date(int64_t days) { return put(CRM_PG_DATE, days, 0); }
  row_builder& null() { return put(CRM_PG_NULL, 0, 0); }
  // A covariance matrix (float8[][], row-major), or NULL when the fit has none (size 0).
  row_builder& matrix(const crm::parameter_covariance& c) {
    if (!c.available()) return null();
    for (std::size_t i = 0; i < c.size; ++i)
      for (std::size_t j = 0; j < c.size; ++j) row.matrix[i * c.size + j] = c(i, j);
    return put(CRM_PG_FLOAT8_MATRIX, static_cast<int64_t>(c.size), 0);
  }
  // The value of a metric, or NULL when the library says it is undefined (e.g. zero orders).
  template <class R>
  row_builder& value_or_null(const R& r) { return r ? f8(static_cast<double>(r->value())) : null(); }
  // A money value: float8, or the exact text of the number when numeric.
  template <class T>
  row_builder& money(const T& v) {
    if (!numeric) return f8(static_cast<double>(v));
    if constexpr (std::is_same_v<T, double>) {
      char b[40];
      const auto r = std::to_chars(b, b + sizeof b, v);  // shortest text that reads back as v
      return text(std::string(b, r.ptr));
    } else {
      return text(decimal_text(v));
    }
  }
  // The value to the type's significant digits, trailing zeros of the mantissa dropped (numeric
  // keeps the scale it is given: "2.3210000e+00" would print as 2.3210000).
  template <class T>
  static std::string decimal_text(const T& v) {
    std::string t = v.str(std::numeric_limits<T>::digits10, std::ios_base::scientific);
    const std::size_t e = t.find_first_of("eE");
    std::string mantissa = t.substr(0, e), exponent = e == std::string::npos ? "" : t.substr(e);
    if (mantissa.find('.') != std::string::npos) {
      while (!mantissa.empty() && mantissa.back() == '0') mantissa.pop_back();
      if (!mantissa.empty() && mantissa.back() == '.') mantissa.pop_back();
    }
    return mantissa + exponent;
  }
  template <class R>
  row_builder& money_or_null(const R& r) { return r ? money(r->value()) : null(); }
  // A text at the end of the row's text: the digits of a numeric (CRM_PG_NUMERIC) or a text column (CRM_PG_TEXT).
  row_builder& text(const std::string& t, int type = CRM_PG_NUMERIC) {
    const auto at = static_cast<std::size_t>(row.text_used);
    if (at + t.size() + 1 > sizeof row.text) throw std::length_error("result row text too long");
    std::memcpy(row.text + at, t.c_str(), t.size() + 1);
    row.text_used = static_cast<int>(at + t.size() + 1);
    return put(type, static_cast<int64_t>(at), 0);
  }
  template <class E>
  row_builder& estimate(const E& e) {
    return f8(static_cast<double>(e.point)).f8(static_cast<double>(e.lower)).f8(static_cast<double>(e.upper)).f8(e.level);
  }
};
// point, lower, upper of a rate estimate as plain numbers
template <class T>
crm::value_estimate<T> plain(const crm::rate_estimate<T>& e) {
  return {e.point.value(), e.lower.value(), e.upper.value(), e.level};
}

// Every fit stops at its next likelihood evaluation when the backend is asked to cancel the query
// (statement_timeout, pg_cancel_backend): a long fit used to run to its end (137 s for a Pareto/NBD
// fit of 400 000 distinct rows under a 1 s timeout; found by an audit). glue.c raises the cancel.
// A fit whose likelihood is maximised on a boundary of the parameter space returns its row with the
// boundary named and the nested model (boundary_policy::report; fit_columns below): it was an ERROR
// 22023 where the C++ caller gets the boundary report.
bool pg_cancel(void*) noexcept { return crm_pg_cancel_requested(); }
crm::fit_options pg_fit_options() noexcept {
  crm::fit_options o;
  o.interrupt = &pg_cancel;
  o.on_boundary = crm::boundary_policy::report;
  return o;
}

// A row set: its size and a function that builds row i (rows are built one at a time, as they are
// read, so a million-customer summary is never held twice).
struct row_set {
  std::size_t size = 0;
  std::function<void(std::size_t, crm_pg_row&)> get;
};

}  // namespace

extern "C" {

bool crm_pg_metric(int metric, int numeric, const crm_pg_arg* args, double* out_f, char* out_text, size_t out_cap,
                   crm_pg_error* err) noexcept {
  return guard(err, [&] {
    if (numeric == 0) {
      double v = 0;
      if (const auto e = eval_metric<double>(metric, args, v)) return set_error(err, e), false;
      *out_f = v;
      return true;
    }
    crm::decimal50 v;
    if (const auto e = eval_metric<crm::decimal50>(metric, args, v)) return set_error(err, e), false;
    // the aggregates' numeric text (decimal_text: 51 significant digits, trailing zeros dropped): str(0)
    // gave every digit decimal50 carries, guard digits included ("2.0000...0" with 73 zeros for 2)
    const std::string s = row_builder::decimal_text(v);
    if (s.size() + 1 > out_cap) return set_error(err, CRM_PG_INTERNAL, "crm_metrics: result text too long"), false;
    std::memcpy(out_text, s.c_str(), s.size() + 1);
    return true;
  });
}

bool crm_pg_proportion_interval(int64_t successes, int64_t trials, double level, const char* method, crm_pg_row* out,
                                crm_pg_error* err) noexcept {
  return guard(err, [&] {
    crm::interval_method m;
    const std::string name(method);
    if (name == "wilson") m = crm::interval_method::wilson;
    else if (name == "agresti_coull") m = crm::interval_method::agresti_coull;
    else if (name == "clopper_pearson") m = crm::interval_method::clopper_pearson;
    else if (name == "jeffreys") m = crm::interval_method::jeffreys;
    else
      return set_error(err, {crm::errc::out_of_range, "proportion_interval", "method",
                             "must be wilson, agresti_coull, clopper_pearson or jeffreys"}),
             false;
    const auto r = crm::try_proportion_interval<double>({.successes = successes, .trials = trials}, level, m);
    if (!r) return set_error(err, r.error()), false;
    row_builder(*out).estimate(plain(*r));
    return true;
  });
}

bool crm_pg_nps_interval(int64_t promoters, int64_t passives, int64_t detractors, double level, crm_pg_row* out,
                         crm_pg_error* err) noexcept {
  return guard(err, [&] {
    const auto r = crm::try_nps_interval<double>({.promoters = promoters, .passives = passives, .detractors = detractors}, level);
    if (!r) return set_error(err, r.error()), false;
    row_builder(*out).estimate(*r);
    return true;
  });
}

bool crm_pg_ab_test(int64_t a_successes, int64_t a_trials, int64_t b_successes, int64_t b_trials, double level,
                    crm_pg_row* out, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    const crm::proportion_sample a{.successes = a_successes, .trials = a_trials};
    const crm::proportion_sample b{.successes = b_successes, .trials = b_trials};
    const auto d = crm::try_rate_difference<double>(a, b, level);
    if (!d) return set_error(err, d.error()), false;
    // both arms all successes or all failures: z and X^2 have a zero standard error, undefined: NULL
    // in their columns, as the lift and Fisher's test (the whole row was an error; found by an audit)
    const auto z = crm::try_two_proportion_z_test<double>(a, b);
    if (!z && z.error().code != crm::errc::zero_denominator) return set_error(err, z.error()), false;
    const auto c = crm::try_chi_square_test<double>(a, b);
    if (!c && c.error().code != crm::errc::zero_denominator) return set_error(err, c.error()), false;
    const auto p = crm::try_probability_b_beats_a<double>(a, b);
    if (!p) return set_error(err, p.error()), false;
    const auto l = crm::try_relative_lift<double>(a, b, level);     // undefined when rate a is 0: NULL
    const auto f = crm::try_fisher_exact_test<double>(a, b);        // beyond fisher_exact_max_support: NULL
    row_builder r(*out);
    r.f8(a.observed<double>().value()).f8(b.observed<double>().value());
    const auto de = plain(*d);
    r.f8(de.point).f8(de.lower).f8(de.upper);
    if (l) {
      const auto le = plain(*l);
      r.f8(le.point).f8(le.lower).f8(le.upper);
    } else {
      r.null().null().null();
    }
    if (z) r.f8(z->statistic).f8(z->p_value);
    else r.null().null();
    if (c) r.f8(c->statistic).f8(c->p_value);
    else r.null().null();
    if (f) r.f8(f->p_value);
    else r.null();
    r.f8(p->probability).f8(level);
    return true;
  });
}

}  // extern "C"

namespace {
template <class T>
state_base* new_state(int kind, const crm_pg_options* opt, crm_pg_error* err) {
  switch (kind & ~CRM_PG_DECIMAL) {
    case CRM_PG_TOTALS: return new totals_state<T>({});
    case CRM_PG_EMAIL: return new email_state<T>({});
    case CRM_PG_CUSTOMERS: return new customers_state<T>({});
    case CRM_PG_REPEAT: return new repeat_state<T>({});
    case CRM_PG_SPEND:
      if (opt->unit > 4)
        return set_error(err, {crm::errc::out_of_range, "spend_accumulator", "unit", "must be day, week, month, quarter or year"}),
               nullptr;
      return new spend_state<T>(opt->unit >= 0 ? crm::spend_accumulator<T>(static_cast<crm::period_unit>(opt->unit))
                                               : crm::spend_accumulator<T>());
    case CRM_PG_RFM: {
      crm::rfm_options o{.calibration_end = to_day(opt->day), .time_unit = std::chrono::days{opt->unit}};
      if (opt->holdout) o.observation_end = to_day(opt->end_day);
      auto a = crm::rfm_accumulator<T>::try_create(o);
      if (!a) return set_error(err, a.error()), nullptr;
      return new rfm_state<T>(std::move(a).value());
    }
    case CRM_PG_PERIODS: {
      if (opt->unit < 0 || opt->unit > 4)
        return set_error(err, {crm::errc::out_of_range, "period_accumulator", "unit", "must be day, week, month, quarter or year"}),
               nullptr;
      auto a = crm::period_accumulator<T>::try_create({.unit = static_cast<crm::period_unit>(opt->unit),
                                                       .first = to_day(opt->day), .periods = opt->periods,
                                                       .inactive_periods = opt->inactive, .cohort_revenue = true});
      if (!a) return set_error(err, a.error()), nullptr;
      return new periods_state<T>(std::move(a).value());
    }
    default: break;
  }
  if constexpr (std::is_same_v<T, double>) {
    switch (kind) {
      case CRM_PG_NPS: return new nps_state({});
      case CRM_PG_FIT: return new fit_state();
      case CRM_PG_CSAT: {
        auto a = crm::csat_accumulator::try_create({.lowest = opt->lowest, .highest = opt->highest, .satisfied_from = opt->satisfied_from});
        if (!a) return set_error(err, a.error()), nullptr;
        return new csat_state(std::move(a).value());
      }
      default: break;
    }
  }
  return set_error(err, CRM_PG_INTERNAL, "crm_metrics: unknown state kind"), nullptr;
}

// The little-endian u16 at byte `at` of a serialized state's frame (6: the kind, 8: the number tag).
int frame_u16(std::span<const std::byte> in, std::size_t at) {
  return std::to_integer<int>(in[at]) | (std::to_integer<int>(in[at + 1]) << 8);
}

// The extension's kind of a serialized state: the frame's kind, with CRM_PG_DECIMAL for number tag
// 4 (a decimal number type; the library checks its digits); 0 for fewer than 10 bytes.
int byte_kind(std::span<const std::byte> in) {
  if (in.size() < 10) return 0;
  return frame_u16(in, 6) | (frame_u16(in, 8) == 4 ? CRM_PG_DECIMAL : 0);
}

template <class T>
state_base* read_state(int k, std::span<const std::byte> in, crm_pg_error* err) {
  switch (k) {
    case CRM_PG_TOTALS: return read_as<totals_state<T>>(in, err);
    case CRM_PG_EMAIL: return read_as<email_state<T>>(in, err);
    case CRM_PG_CUSTOMERS: return read_as<customers_state<T>>(in, err);
    case CRM_PG_REPEAT: return read_as<repeat_state<T>>(in, err);
    case CRM_PG_RFM: return read_as<rfm_state<T>>(in, err);
    case CRM_PG_PERIODS: return read_as<periods_state<T>>(in, err);
    case CRM_PG_SPEND: return read_as<spend_state<T>>(in, err);
    default: break;
  }
  if constexpr (std::is_same_v<T, double>) {
    switch (k) {
      case CRM_PG_NPS: return read_as<nps_state>(in, err);
      case CRM_PG_CSAT: return read_as<csat_state>(in, err);
      case CRM_PG_FIT: {
        auto r = fit_state::read(in);
        if (!r) return set_error(err, r.error(), CRM_PG_BAD_STATE), nullptr;
        return new fit_state(std::move(r).value());
      }
      default: break;
    }
  }
  // Let the library name what is wrong with the frame (too short, magic, kind, number type).
  auto r = crm::order_totals_accumulator<double>::try_deserialize(in);
  if (!r) return set_error(err, r.error(), CRM_PG_BAD_STATE), nullptr;
  return set_error(err, CRM_PG_BAD_STATE, "crm_metrics: state is of an unknown kind"), nullptr;
}
}  // namespace

extern "C" {

void* crm_pg_state_new(int kind, const crm_pg_options* opt, crm_pg_error* err) noexcept {
  state_base* s = nullptr;
  guard(err, [&] {
    s = (kind & CRM_PG_DECIMAL) ? new_state<decimal>(kind, opt, err) : new_state<double>(kind, opt, err);
    return s != nullptr;
  });
  return s;
}

void crm_pg_state_free(void* state) noexcept { delete static_cast<state_base*>(state); }
bool crm_pg_state_sync(void* state, crm_pg_error* err) noexcept {
  return guard(err, [&] { return ready(state, err) != nullptr; });
}
void* crm_pg_state_clone(const void* state, crm_pg_error* err) noexcept {
  state_base* s = nullptr;
  guard(err, [&] {
    const state_base* from = ready(state, err);
    if (from == nullptr) return false;
    s = from->clone();
    std::vector<std::byte>().swap(s->flat);
    return true;
  });
  return s;
}
int crm_pg_state_kind(const void* state) noexcept { return base(state)->kind; }

bool crm_pg_state_check_options(const void* state, const crm_pg_options* opt, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    if (const auto e = base(state)->check_options(*opt)) return set_error(err, e), false;
    return true;
  });
}

bool crm_pg_state_add(void* state, const crm_pg_record* rec, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    auto* s = static_cast<state_base*>(state);
    if (!s->flat.empty()) std::vector<std::byte>().swap(s->flat);
    if (const auto e = s->add(*rec)) return set_error(err, e), false;
    return true;
  });
}

bool crm_pg_state_merge(void* state, const void* other, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    state_base* s = ready(state, err);
    const state_base* o = s != nullptr ? ready(other, err) : nullptr;
    if (o == nullptr) return false;
    if (s->kind != o->kind)
      return set_error(err, CRM_PG_BAD_STATE, "crm_metrics: the merged states are of different kinds"), false;
    if (!s->flat.empty()) std::vector<std::byte>().swap(s->flat);
    if (const auto e = s->merge(*o)) return set_error(err, e), false;
    return true;
  });
}

bool crm_pg_state_merge_bytes(void* state, const void* bytes, size_t size, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    state_base* s = ready(state, err);
    if (s == nullptr) return false;
    const std::span<const std::byte> in(static_cast<const std::byte*>(bytes), size);
    if (!s->flat.empty()) std::vector<std::byte>().swap(s->flat);
    crm::error_info e;
    // the library's merge from bytes when the frame names the state's own kind and number type;
    // anything else (and accumulators without it) is read into a state first, which gives the
    // errors of a foreign, other-kind or other-number-type state as before
    if (byte_kind(in) == s->kind && s->merge_bytes(in, e)) {
      if (!e) return true;
      // a fault of the buffer is a malformed state; different options or an overflowing sum are
      // errors of the merge, as crm_pg_state_merge reports them
      const bool of_merge = e.code == crm::errc::overflow || std::string_view(e.field) == "options";
      return set_error(err, e, of_merge ? CRM_PG_BAD_INPUT : CRM_PG_BAD_STATE), false;
    }
    std::unique_ptr<state_base> o(static_cast<state_base*>(crm_pg_state_read(s->kind & ~CRM_PG_DECIMAL, bytes, size, err)));
    if (o == nullptr) return false;
    if (s->kind != o->kind)
      return set_error(err, CRM_PG_BAD_STATE, "crm_metrics: the merged states are of different kinds"), false;
    if (const auto me = s->merge(*o)) return set_error(err, me), false;
    return true;
  });
}

void* crm_pg_state_read(int kind, const void* bytes, size_t size, crm_pg_error* err) noexcept {
  state_base* s = nullptr;
  guard(err, [&] {
    const std::span<const std::byte> in(static_cast<const std::byte*>(bytes), size);
    const int k = size >= 10 ? frame_u16(in, 6) : 0;
    if (kind != 0 && size >= 10 && k != (kind & ~CRM_PG_DECIMAL)) {
      set_error(err, CRM_PG_BAD_STATE, "crm_metrics: state names another kind of accumulator (kind field)");
      return false;
    }
    // number tag 4: a decimal number type (the library checks its digits)
    s = size >= 10 && frame_u16(in, 8) == 4 ? read_state<decimal>(k, in, err) : read_state<double>(k, in, err);
    return s != nullptr;
  });
  return s;
}

bool crm_pg_state_flatten(void* state, size_t* size, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    state_base* s = ready(state, err);
    if (s == nullptr) return false;
    if (s->flat.empty()) s->flat = s->serialize();
    *size = s->flat.size();
    return true;
  });
}

void crm_pg_state_copy_flat(const void* state, void* dest, size_t size) noexcept {
  std::memcpy(dest, base(state)->flat.data(), size);
}
void crm_pg_state_drop_flat(void* state) noexcept { std::vector<std::byte>().swap(static_cast<state_base*>(state)->flat); }
const void* crm_pg_state_flat_bytes(const void* state, size_t* size) noexcept {
  const std::vector<std::byte>& f = base(state)->flat;
  *size = f.size();
  return f.empty() ? nullptr : f.data();
}
size_t crm_pg_state_weight(const void* state) noexcept { return state == nullptr ? 0 : base(state)->weight(); }

}  // extern "C"

namespace {
bool orders_row(const state_base* st, row_builder& out, crm_pg_error* err) {
  const auto write = [&](const auto& t, const auto* c) {
    using T = std::decay_t<decltype(t.revenue())>;
    out.i8(t.orders()).i8(t.returns());
    const crm::repeat_counts rc = c ? c->repeat() : crm::repeat_counts{};
    if (c) out.i8(rc.customers).i8(rc.repeat_customers);
    else out.null().null();
    out.money(t.revenue()).money(t.returned()).money(t.totals().revenue);
    out.money_or_null(crm::try_average_check<T>(t.totals()));
    if (c) {
      out.value_or_null(crm::try_repeat_purchase_share<double>(rc));
      out.value_or_null(crm::try_purchase_frequency<double>(c->purchases()));
      const auto g = crm::try_average_time_between_purchases(c->template gaps<double>());
      if (g) out.f8(g->count());
      else out.null();
    } else {
      out.null().null().null();
    }
    return true;
  };
  if ((st->kind & ~CRM_PG_DECIMAL) == CRM_PG_CUSTOMERS)
    return visit_money<crm::customer_accumulator, CRM_PG_CUSTOMERS>(st, "an order state", err,
                                                                     [&](const auto& c) { return write(c.order_totals_state(), &c); });
  // the purchase counts of crm_repeat_purchase_share and crm_purchase_frequency: no money kept, so
  // the money columns and the days between purchases are NULL
  if ((st->kind & ~CRM_PG_DECIMAL) == CRM_PG_REPEAT)
    return visit_money<crm::repeat_purchase_accumulator, CRM_PG_REPEAT>(st, "an order state", err, [&](const auto& c) {
      const crm::repeat_counts rc = c.repeat();
      out.i8(c.orders()).i8(c.returns()).i8(rc.customers).i8(rc.repeat_customers);
      out.null().null().null().null();
      out.value_or_null(crm::try_repeat_purchase_share<double>(rc));
      out.value_or_null(crm::try_purchase_frequency<double>(c.purchases()));
      out.null();
      return true;
    });
  return visit_money<crm::order_totals_accumulator, CRM_PG_TOTALS>(st, "an order state", err, [&](const auto& t) {
    return write(t, static_cast<const crm::customer_accumulator<std::decay_t<decltype(t.revenue())>>*>(nullptr));
  });
}

template <class T>
bool email_row(const crm::email_campaign<T>& c, row_builder& out) {
  out.i8(c.sent).i8(c.delivered).i8(c.hard_bounces).i8(c.soft_bounces).i8(c.unique_opens).i8(c.unique_clicks);
  out.i8(c.unsubscribed).i8(c.spam_complaints).i8(c.conversions).money(c.revenue);
  out.value_or_null(crm::try_delivery_rate(c)).value_or_null(crm::try_open_rate(c));
  out.value_or_null(crm::try_click_through_rate(c)).value_or_null(crm::try_click_to_open_rate(c));
  out.value_or_null(crm::try_unsubscribe_rate(c)).value_or_null(crm::try_email_bounce_rate(c));
  return true;
}

// crm::compress(rows) (identical (x, t_x, T) rows merged, weights summed, sorted by (x, t_x, T)) by a
// sort that asks the cancel flag: runs of 65,536 rows sorted and merged within, then merged pairwise,
// the flag asked before each run and each merge. The fits compress their rows themselves, by one
// std::sort that no cancel reaches: for the 2 million customers of an RFM state it was the last 0.25 s
// of CPU of the call, which ran to its end under a cancel (found by an audit; test/core_test.cpp);
// given these rows, their sort has only the distinct rows, already in order. The weights are whole
// customers, so their sums do not depend on the order.
std::vector<crm::rfm_row<double>> compressed(std::vector<crm::rfm_row<double>> rows) {
  using row = crm::rfm_row<double>;
  const auto less = [](const row& l, const row& r) {
    if (l.frequency != r.frequency) return l.frequency < r.frequency;
    if (l.recency != r.recency) return l.recency < r.recency;
    return l.age < r.age;
  };
  const auto same = [](const row& l, const row& r) { return l.frequency == r.frequency && l.recency == r.recency && l.age == r.age; };
  const auto ask = [] {
    if (crm_pg_cancel_requested()) throw query_canceled{};
  };
  // appends `r` to `out`, summed into its last row when identical
  const auto put = [&](std::vector<row>& out, const row& r) {
    if (!out.empty() && same(out.back(), r)) out.back().weight += r.weight;
    else out.push_back(r);
  };
  constexpr std::size_t run = std::size_t{1} << 16;
  std::vector<std::vector<row>> runs;
  for (std::size_t at = 0; at < rows.size(); at += run) {
    ask();
    const auto first = rows.begin() + static_cast<std::ptrdiff_t>(at);
    const auto last = rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), at + run));
    std::sort(first, last, less);
    std::vector<row> r;
    for (auto it = first; it != last; ++it) put(r, *it);
    runs.push_back(std::move(r));
  }
  std::vector<row>().swap(rows);
  while (runs.size() > 1) {
    std::vector<std::vector<row>> next;
    for (std::size_t i = 0; i < runs.size(); i += 2) {
      if (i + 1 == runs.size()) {
        next.push_back(std::move(runs[i]));
        break;
      }
      ask();
      const std::vector<row>& a = runs[i];
      const std::vector<row>& b = runs[i + 1];
      std::vector<row> m;
      m.reserve(a.size() + b.size());
      std::size_t j = 0, k = 0;
      while (j < a.size() || k < b.size()) put(m, k == b.size() || (j < a.size() && !less(b[k], a[j])) ? a[j++] : b[k++]);
      std::vector<row>().swap(runs[i]);
      std::vector<row>().swap(runs[i + 1]);
      next.push_back(std::move(m));
    }
    runs.swap(next);
  }
  return runs.empty() ? std::vector<row>() : std::move(runs.front());
}

// The (x, t_x, T) rows of a fit or RFM state (an RFM state's compressed, as the fits would).
bool model_rows(const state_base* st, std::vector<crm::rfm_row<double>>& rows, crm_pg_error* err) {
  if (st->kind == CRM_PG_FIT) {
    for (const auto& [k, w] : static_cast<const fit_state*>(st)->rows) {
      check_cancel(rows.size());
      rows.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), w});
    }
    return true;
  }
  return visit_money<crm::rfm_accumulator, CRM_PG_RFM>(st, "a fit or RFM state", err, [&](const auto& a) {
    rows = compressed(a.template model_rows<double>());
    return true;
  });
}

// ---- fits on a boundary (docs/postgresql.md, "A fit on the boundary") ---------------------------
// The row of a BG/NBD, Pareto/NBD, Gamma-Gamma, BG/BB, sBG or BdW fit: its parameter columns, their standard
// errors, log-likelihood, customers, iterations, then `boundary` (crm::to_string(fit_boundary), NULL
// for an interior fit), the type's columns of the nested model (`extra`: each a value and its SE) and
// the likelihood-ratio test against it (lr_statistic, lr_p_value). At a boundary the parameter
// columns show the model in the limit, not the optimizer's last point: a parameter at its limit as 0
// or Infinity (SE NULL), one the limit leaves unidentified NULL, the others the nested model's
// estimates with their SEs, and log_likelihood the nested model's (the supremum). The last column,
// `covariance`, is the covariance matrix of the natural parameters of the model the predictions use,
// in that model's parameter order (crm::model_parameters): fit_result::covariance for an interior fit,
// boundary_report::nested_covariance (the nested model's estimated parameters) at a boundary that
// predicts from a nested model, NULL where there is none (BG/NBD's b_to_zero and a_and_b_to_zero, a
// nested fit without one, BdW's power law at its kink); sqrt of its diagonal is the SE columns'.
using cell = std::optional<double>;  // a float8 column, or NULL
constexpr double inf = std::numeric_limits<double>::infinity();
struct fit_columns {
  std::vector<cell> params, ses, extra;
  double log_likelihood = 0;
  bool lr = false;  // the LR test columns filled
};
void write_fit(row_builder& out, const fit_columns& c, double customers, int iterations, const crm::boundary_report& b,
               const crm::parameter_covariance& covariance) {
  const auto put = [&](const cell& v) { v ? out.f8(*v) : out.null(); };
  for (const cell& v : c.params) put(v);
  for (const cell& v : c.ses) put(v);
  out.f8(c.log_likelihood).f8(customers).i4(iterations);
  if (b.where == crm::fit_boundary::none) out.null();
  else out.text(crm::to_string(b.where), CRM_PG_TEXT);
  for (const cell& v : c.extra) put(v);
  if (c.lr) out.f8(b.lr_statistic).f8(b.lr_p_value);
  else out.null().null();
  out.matrix(covariance);
}
// A boundary whose nested model failed to fit: the error crm-report gives (the nested model is what
// would be predicted from).
bool nested_failed(const crm::boundary_report& b, const char* model, crm_pg_error* err) {
  set_error(err, CRM_PG_BAD_INPUT, std::string("crm::") + model + ": the likelihood is maximised on the boundary " + b.description +
                                       "; the nested model's fit failed: " + crm::message(b.nested_error));
  return false;
}
bool unexpected_boundary(const crm::boundary_report& b, const char* model, crm_pg_error* err) {
  set_error(err, CRM_PG_INTERNAL, std::string("crm_metrics: crm::") + model + " reported the boundary " + crm::to_string(b.where) +
                                      ", which the extension does not show");
  return false;
}

// A fit's row: the library's error for a failed fit; nested_failed's for a boundary whose nested model
// did not fit (where `needs_nested(where)`); else the columns `columns(params, ses, boundary)` gives,
// nullopt for a boundary the extension does not show. The covariance: the fit's (interior), the limit's at a corner
// whose limit predicts (boundary_report::limit_covariance: r, alpha, pi of the zero-inflated NBD at Pareto/NBD's
// s_and_beta_to_zero, of crm::first_repeat_dropout_nbd at BG/NBD's a_and_b_to_zero and b_to_zero), the nested model's
// where `needs_nested(where)` (a boundary predicted from its nested model), else none.
template <class M, class NeedsNested, class Columns>
bool boundary_fit_row(const crm::result<crm::fit_result<M>>& f, const char* model, NeedsNested needs_nested, Columns columns,
                      row_builder& out, crm_pg_error* err) {
  if (!f) return set_error(err, f.error()), false;
  const crm::boundary_report& b = f->boundary;
  if (b.where != crm::fit_boundary::none && !b.nested_fitted && needs_nested(b.where)) return nested_failed(b, model, err);
  const std::optional<fit_columns> c = columns(f->params, f->standard_errors, b, f->log_likelihood);
  if (!c) return unexpected_boundary(b, model, err);
  const crm::parameter_covariance none{};
  // (at a corner whose limit is itself the model that predicts: that limit's covariance)
  const crm::parameter_covariance& covariance = b.where == crm::fit_boundary::none ? f->covariance
                                                : b.limit_covariance.available() ? b.limit_covariance
                                                : needs_nested(b.where)          ? b.nested_covariance
                                                                                 : none;
  write_fit(out, *c, f->customers, f->report.iterations, b, covariance);
  return true;
}
constexpr auto every_boundary = [](crm::fit_boundary) { return true; };

// The standard errors of a corner's limit (boundary_report::limit_covariance: r, alpha, pi): r's and alpha's, the
// two others NULL; with `with_pi` pi's third. All NULL without that covariance.
std::vector<cell> limit_ses(const crm::boundary_report& b, bool with_pi) {
  const crm::parameter_covariance& c = b.limit_covariance;
  if (!c.available()) return {{}, {}, {}, {}};
  return {std::sqrt(c(0, 0)), std::sqrt(c(1, 1)), with_pi && c(2, 2) > 0 ? cell(std::sqrt(c(2, 2))) : cell(), {}};
}

// crm_bg_nbd: r, alpha, a, b, SEs, ..., boundary, p, se_p, LR test. p = lim a/(a+b), the mean drop-out
// probability per chance: 0 at a_to_zero (the NBD: nobody drops out; b is not identified there, NULL),
// the homogeneous model's p at homogeneous_dropout (a = b = Infinity), 1 at b_to_zero, the share
// dropping out at the first chance at a_and_b_to_zero; at those two r and alpha are the limit's, whose model
// (crm::first_repeat_dropout_nbd, pi = p) predicts, with the limit's SEs and covariance (since 2026-12-06).
bool bg_nbd_row(const crm::result<crm::fit_result<crm::bg_nbd<double>>>& f, row_builder& out, crm_pg_error* err) {
  using B = crm::fit_boundary;
  const auto needs_nested = [](B where) { return where == B::a_to_zero || where == B::homogeneous_dropout; };
  return boundary_fit_row(f, "fit_bg_nbd", needs_nested, [](const crm::bg_nbd<double>& m, const crm::bg_nbd<double>& se,
                                                            const crm::boundary_report& b, double ll) -> std::optional<fit_columns> {
    switch (b.where) {
      case B::none: return fit_columns{{m.r, m.alpha, m.a, m.b}, {se.r, se.alpha, se.a, se.b}, {{}, {}}, ll, false};
      case B::a_to_zero:
        return fit_columns{{b.nested_r, b.nested_alpha, 0.0, {}}, {b.nested_r_se, b.nested_alpha_se, {}, {}}, {0.0, {}}, b.nested_log_likelihood, true};
      case B::homogeneous_dropout:
        return fit_columns{{b.nested_r, b.nested_alpha, inf, inf}, {b.nested_r_se, b.nested_alpha_se, {}, {}}, {b.nested_dropout, b.nested_dropout_se},
                           b.nested_log_likelihood, true};
      // the limit's model (crm::first_repeat_dropout_nbd): r, alpha with their SEs and p = pi with its SE from the limit's
      // covariance (pi = 1 held at b_to_zero)
      case B::b_to_zero: return fit_columns{{m.r, m.alpha, {}, 0.0}, limit_ses(b, false), {1.0, {}}, ll, b.nested_fitted};
      case B::a_and_b_to_zero:
        return fit_columns{{m.r, m.alpha, 0.0, 0.0}, limit_ses(b, false), {m.a / (m.a + m.b), limit_ses(b, true)[2]}, ll, b.nested_fitted};
      default: return std::nullopt;
    }
  }, out, err);
}

// crm_pareto_nbd: r, alpha, s, beta, SEs, ..., boundary, mu, se_mu, LR test. mu = lim s/beta, the mean
// death rate: 0 at the NBD limits s_to_zero (beta not identified, NULL) and beta_to_infinity (s NULL),
// the homogeneous model's mu at homogeneous_death_rate (s = beta = Infinity).
bool pareto_nbd_row(const crm::result<crm::fit_result<crm::pareto_nbd<double>>>& f, row_builder& out, crm_pg_error* err) {
  using B = crm::fit_boundary;
  // (the corner predicts from its limit; its nested NBD is only the likelihood-ratio test's null)
  const auto needs_nested = [](B where) { return where != B::s_and_beta_to_zero; };
  return boundary_fit_row(f, "fit_pareto_nbd", needs_nested, [](const crm::pareto_nbd<double>& m, const crm::pareto_nbd<double>& se,
                                                                const crm::boundary_report& b, double ll) -> std::optional<fit_columns> {
    const std::vector<cell> nbd_ses{b.nested_r_se, b.nested_alpha_se, {}, {}};
    switch (b.where) {
      case B::none: return fit_columns{{m.r, m.alpha, m.s, m.beta}, {se.r, se.alpha, se.s, se.beta}, {{}, {}}, ll, false};
      case B::s_to_zero: return fit_columns{{b.nested_r, b.nested_alpha, 0.0, {}}, nbd_ses, {0.0, {}}, b.nested_log_likelihood, true};
      case B::beta_to_infinity: return fit_columns{{b.nested_r, b.nested_alpha, {}, inf}, nbd_ses, {0.0, {}}, b.nested_log_likelihood, true};
      case B::homogeneous_death_rate:
        return fit_columns{{b.nested_r, b.nested_alpha, inf, inf}, nbd_ses, {b.nested_dropout, b.nested_dropout_se}, b.nested_log_likelihood, true};
      // the corner where a share pi = 1 - e^(-300 s) dies at once: r, alpha of the limit with their SEs (the
      // zero-inflated NBD's covariance, whose third row is pi's), s and beta the library's point on the way
      // (s = -ln(1 - pi)/300, beta = e^-300), mu = lim s/beta = Infinity
      case B::s_and_beta_to_zero: return fit_columns{{m.r, m.alpha, m.s, m.beta}, limit_ses(b, false), {inf, {}}, ll, b.nested_fitted};
      default: return std::nullopt;
    }
  }, out, err);
}

// crm_gamma_gamma: p, q, gamma, SEs, ..., boundary, scale, se_scale, LR test: the nested model
// crm::gamma_gamma_nested's scale. At p_to_infinity p = Infinity, gamma = 0, q the nested q, scale
// c = lim p gamma; at q_to_infinity q = gamma = Infinity, p the nested p, scale theta = lim gamma/q.
bool gamma_gamma_row(const crm::result<crm::fit_result<crm::gamma_gamma<double>>>& f, row_builder& out, crm_pg_error* err) {
  using B = crm::fit_boundary;
  return boundary_fit_row(f, "fit_gamma_gamma", every_boundary, [](const crm::gamma_gamma<double>& m, const crm::gamma_gamma<double>& se,
                                                                  const crm::boundary_report& b, double ll) -> std::optional<fit_columns> {
    const std::vector<cell> scale{b.nested_alpha, b.nested_alpha_se};
    switch (b.where) {
      case B::none: return fit_columns{{m.p, m.q, m.gamma}, {se.p, se.q, se.gamma}, {{}, {}}, ll, false};
      case B::p_to_infinity: return fit_columns{{inf, b.nested_r, 0.0}, {{}, b.nested_r_se, {}}, scale, b.nested_log_likelihood, true};
      case B::q_to_infinity: return fit_columns{{b.nested_r, inf, inf}, {b.nested_r_se, {}, {}}, scale, b.nested_log_likelihood, true};
      default: return std::nullopt;
    }
  }, out, err);
}

// crm_sbg: alpha, beta, SEs, ..., boundary, theta, se_theta, LR test; crm_bdw: alpha, beta, c, SEs,
// ..., boundary, theta, se_theta, k, se_k, tau, se_tau, LR test. theta = lim alpha/(alpha+beta), the
// churn probability at period 1: at homogeneous_churn (alpha = beta = Infinity) the geometric's or the
// discrete Weibull's theta (BdW: c its c); at BdW's power_law_survival (alpha = 0, c = Infinity, beta 0
// for tau < 1 or Infinity for tau >= 1) the share 1 - min(1, tau^k) churning at period 1, with the
// power law's exponent k and scale tau (S(t) = min(1, (tau/t)^k)).
template <class M>
bool contract_row(const crm::result<crm::fit_result<M>>& f, row_builder& out, crm_pg_error* err) {
  constexpr bool weibull = std::is_same_v<M, crm::bdw<double>>;
  using B = crm::fit_boundary;
  return boundary_fit_row(f, weibull ? "fit_bdw" : "fit_sbg", every_boundary, [](const M& m, const M& se, const crm::boundary_report& b,
                                                                                 double ll) -> std::optional<fit_columns> {
    // theta and its SE, then (BdW) k, se_k, tau, se_tau
    const auto extra = [](cell theta, cell theta_se, std::vector<cell> power_law) {
      std::vector<cell> e{theta, theta_se};
      if (weibull) e.insert(e.end(), power_law.begin(), power_law.end());
      return e;
    };
    const std::vector<cell> none4(4);
    switch (b.where) {
      case B::none:
        if constexpr (weibull) return fit_columns{{m.alpha, m.beta, m.c}, {se.alpha, se.beta, se.c}, extra({}, {}, none4), ll, false};
        else return fit_columns{{m.alpha, m.beta}, {se.alpha, se.beta}, extra({}, {}, none4), ll, false};
      case B::homogeneous_churn:
        if constexpr (weibull)
          return fit_columns{{inf, inf, b.nested_shape}, {{}, {}, b.nested_shape_se}, extra(b.nested_dropout, b.nested_dropout_se, none4),
                             b.nested_log_likelihood, true};
        else return fit_columns{{inf, inf}, {{}, {}}, extra(b.nested_dropout, b.nested_dropout_se, none4), b.nested_log_likelihood, true};
      case B::power_law_survival:
        if constexpr (weibull)
          return fit_columns{{0.0, b.nested_alpha < 1.0 ? 0.0 : inf, inf}, {{}, {}, {}},
                             extra(b.nested_dropout, b.nested_dropout_se, {b.nested_shape, b.nested_shape_se, b.nested_alpha, b.nested_alpha_se}),
                             b.nested_log_likelihood, true};
        else return std::nullopt;
      default: return std::nullopt;
    }
  }, out, err);
}

// crm_bg_bb: alpha, beta, gamma, delta, SEs, ..., boundary, theta, se_theta, p, se_p, LR test. theta =
// lim gamma/(gamma+delta), the mean drop-out probability per opportunity: 0 at bb_no_dropout (the
// Beta-Bernoulli; gamma 0, delta not identified, NULL), the common one at bb_homogeneous_dropout (gamma,
// delta Infinity); p = lim alpha/(alpha+beta), the common transaction probability at
// bb_homogeneous_purchase (alpha, beta Infinity; gamma, delta the nested model's) and at the corner
// bb_binomial (alpha, beta Infinity, gamma 0, delta not identified, NULL; theta 0).
bool bg_bb_row(const crm::result<crm::fit_result<crm::bg_bb<double>>>& f, row_builder& out, crm_pg_error* err) {
  using B = crm::fit_boundary;
  return boundary_fit_row(f, "fit_bg_bb", every_boundary, [](const crm::bg_bb<double>& m, const crm::bg_bb<double>& se,
                                                            const crm::boundary_report& b, double ll) -> std::optional<fit_columns> {
    const std::vector<cell> nested_ses{b.nested_r_se, b.nested_alpha_se, {}, {}};
    switch (b.where) {
      case B::none:
        return fit_columns{{m.alpha, m.beta, m.gamma, m.delta}, {se.alpha, se.beta, se.gamma, se.delta}, {{}, {}, {}, {}}, ll, false};
      case B::bb_no_dropout:
        return fit_columns{{b.nested_r, b.nested_alpha, 0.0, {}}, nested_ses, {0.0, {}, {}, {}}, b.nested_log_likelihood, true};
      case B::bb_homogeneous_dropout:
        return fit_columns{{b.nested_r, b.nested_alpha, inf, inf}, nested_ses, {b.nested_dropout, b.nested_dropout_se, {}, {}},
                           b.nested_log_likelihood, true};
      case B::bb_homogeneous_purchase:
        return fit_columns{{inf, inf, b.nested_r, b.nested_alpha}, {{}, {}, b.nested_r_se, b.nested_alpha_se},
                           {{}, {}, b.nested_purchase, b.nested_purchase_se}, b.nested_log_likelihood, true};
      case B::bb_binomial:
        return fit_columns{{inf, inf, 0.0, {}}, {{}, {}, {}, {}}, {0.0, {}, b.nested_purchase, b.nested_purchase_se},
                           b.nested_log_likelihood, true};
      default: return std::nullopt;
    }
  }, out, err);
}

// A whole number of a BG/BB row (frequency, recency, periods, opportunities ahead), or an error naming it.
bool whole(double v, const char* field, crm::count_t& out, crm_pg_error* err) {
  if (!(v >= 0) || v > 1e15 || v != std::floor(v))
    return set_error(err, {crm::errc::out_of_range, "bg_bb", field, "must be a whole number >= 0 (opportunities)"}), false;
  out = static_cast<crm::count_t>(v);
  return true;
}

// The (frequency, recency, periods) rows of a fit state as BG/BB's rows (whole numbers).
bool bg_bb_rows(const state_base* st, std::vector<crm::discrete_row<double>>& rows, crm_pg_error* err) {
  if (st->kind != CRM_PG_FIT)
    return set_error(err, CRM_PG_BAD_STATE, "crm_metrics: state is not a fit state (another kind of state)"), false;
  for (const auto& [k, w] : static_cast<const fit_state*>(st)->rows) {
    check_cancel(rows.size());
    crm::discrete_row<double> r{.weight = w};
    if (!whole(std::get<0>(k), "frequency", r.frequency, err) || !whole(std::get<1>(k), "recency", r.recency, err) ||
        !whole(std::get<2>(k), "periods", r.periods, err))
      return false;
    rows.push_back(r);
  }
  return true;
}

// The customers of an RFM state for the whole base's CLV: (x, t_x, T) and the average spend of the repeat
// purchases (0 without any), identical ones merged; refused when a repeat customer's repeat purchases were all
// free (the spend model refuses an average spend of 0 after repeat purchases: nothing is left out unsaid).
bool clv_base_rows(const state_base* st, crm::rows_with_spend<double>& out, crm_pg_error* err) {
  return visit_money<crm::rfm_accumulator, CRM_PG_RFM>(st, "an RFM state", err, [&](const auto& a) {
    const auto summary = a.rows();  // one walk of the state (zero_spend_repeaters() would be a second)
    std::vector<crm::rfm_row<double>> rows;
    std::vector<double> spends;
    rows.reserve(summary.size());
    spends.reserve(summary.size());
    std::size_t free = 0;
    for (const auto& c : summary) {
      check_cancel(rows.size());
      const double spend = static_cast<double>(c.monetary_value);
      free += c.frequency > 0 && !(spend > 0);
      rows.push_back({static_cast<double>(c.frequency), static_cast<double>(c.recency), static_cast<double>(c.age), 1.0});
      spends.push_back(c.frequency > 0 ? spend : 0.0);
    }
    if (free > 0) {
      constexpr const char* metric = "crm::customer_lifetime_value: ";
      set_error(err, CRM_PG_BAD_INPUT,
                std::string(metric) + "monetary_value is out of range (" + std::to_string(free) +
                    " repeat customers of the state made only free repeat purchases: an average spend of 0, which the spend model refuses)");
      err->prefix = static_cast<int>(std::strlen(metric));
      return false;
    }
    auto merged = crm::try_compress(std::span<const crm::rfm_row<double>>(rows), std::span<const double>(spends));
    if (!merged) return set_error(err, merged.error()), false;
    out = std::move(*merged);
    return true;
  });
}

bool model_fit_row(const state_base* st, int what, row_builder& out, crm_pg_error* err) {
  if (what == CRM_PG_RESULT_BG_BB) {
    std::vector<crm::discrete_row<double>> rows;
    if (!bg_bb_rows(st, rows, err)) return false;
    return bg_bb_row(crm::try_fit_bg_bb<double>(std::span<const crm::discrete_row<double>>(rows), pg_fit_options()), out, err);
  }
  if (what == CRM_PG_RESULT_GAMMA_GAMMA) {
    return visit_money<crm::rfm_accumulator, CRM_PG_RFM>(st, "an RFM state", err, [&](const auto& a) {
      const auto spend = a.template spend_rows<double>();
      return gamma_gamma_row(crm::try_fit_gamma_gamma<double>(crm::repeat_customers<double>(spend), pg_fit_options()), out, err);
    });
  }
  std::vector<crm::rfm_row<double>> rows;
  if (!model_rows(st, rows, err)) return false;
  if (what == CRM_PG_RESULT_PARETO_NBD) return pareto_nbd_row(crm::try_fit_pareto_nbd<double>(rows, pg_fit_options()), out, err);
  return bg_nbd_row(crm::try_fit_bg_nbd<double>(rows, pg_fit_options()), out, err);
}

int32_t day_of(std::chrono::sys_days d) { return static_cast<int32_t>(d.time_since_epoch().count()); }

template <class T>
void rfm_rows(const crm::rfm_accumulator<T>& a, bool numeric, row_set& out) {
  auto rows = std::make_shared<const std::vector<crm::rfm_summary_row<T>>>(a.rows());
  out.size = rows->size();
  out.get = [rows, numeric](std::size_t i, crm_pg_row& row) {
    const auto& r = (*rows)[i];
    row_builder(row, numeric).i8(static_cast<int64_t>(r.customer)).i8(r.frequency).f8(r.recency).f8(r.age)
        .money(r.monetary_value).i8(r.holdout_frequency).money(r.holdout_monetary_value);
  };
}
template <class T>
void cohort_rows(const crm::period_accumulator<T>& a, bool numeric, row_set& out) {
  auto m = std::make_shared<const crm::cohort_matrix<T>>(a.cohorts());
  // (cohort, offset) of every cell of a cohort with customers
  auto cells = std::make_shared<std::vector<std::pair<std::int32_t, std::int32_t>>>();
  for (std::int32_t c = 0; c < m->periods; ++c)
    if (m->sizes[static_cast<std::size_t>(c)] != 0)
      for (std::int32_t k = 0; c + k < m->periods; ++k) {
        check_cancel(cells->size());
        cells->emplace_back(c, k);
      }
  out.size = cells->size();
  out.get = [m, cells, numeric](std::size_t i, crm_pg_row& row) {
    const auto [c, k] = (*cells)[i];
    const crm::cohort_counts cc = m->cell(c, k);
    row_builder b(row, numeric);
    b.date(day_of(crm::period_start(m->unit, m->first_period + c))).i4(k).i8(cc.cohort_size).i8(cc.active_in_period);
    b.value_or_null(crm::try_cohort_retention<double>(cc));
    if (m->revenues.empty()) b.null();
    else b.money(m->revenue(c, k));
  };
}
template <class T>
void period_rows(const crm::period_accumulator<T>& a, bool numeric, row_set& out) {
  const auto unit = a.options().unit;
  auto stats = std::make_shared<const std::vector<crm::period_stats<T>>>(a.stats());
  out.size = stats->size();
  out.get = [stats, unit, numeric](std::size_t i, crm_pg_row& row) {
    const auto& p = (*stats)[i];
    row_builder(row, numeric).date(day_of(crm::period_start(unit, p.period))).i8(p.customers_at_start).i8(p.new_customers)
        .i8(p.returning_customers).i8(p.lost_customers).i8(p.customers_at_end).i8(p.active_customers)
        .i8(p.repeat_customers).i8(p.orders).money(p.revenue);
  };
}
// The period unit of a spend accumulator, or -1 without one (fresh() keeps the unit; there is no
// accessor).
template <class T>
int spend_unit(const crm::spend_accumulator<T>& a) {
  for (int u = 0; u <= 4; ++u)
    if (a.fresh() == crm::spend_accumulator<T>(static_cast<crm::period_unit>(u))) return u;
  return -1;
}
template <class T>
void spend_rows(const crm::spend_accumulator<T>& a, bool by_period, bool numeric, row_set& out) {
  if (by_period) {
    auto v = std::make_shared<const std::vector<std::pair<std::int32_t, T>>>(a.periods());
    const int u = spend_unit(a);
    const auto unit = static_cast<crm::period_unit>(u < 0 ? 0 : u);
    out.size = v->size();
    out.get = [v, unit, numeric](std::size_t i, crm_pg_row& row) {
      row_builder(row, numeric).date(day_of(crm::period_start(unit, (*v)[i].first))).money((*v)[i].second);
    };
  } else {
    auto v = std::make_shared<const std::vector<std::pair<crm::tag_id, T>>>(a.channels());
    out.size = v->size();
    out.get = [v, numeric](std::size_t i, crm_pg_row& row) {
      row_builder(row, numeric).i8((*v)[i].first).money((*v)[i].second);
    };
  }
}

// ---- the model of a prediction: the full one, or the nested one at the fit's boundary ------------
// The last enumerator of crm::fit_boundary (the boundary names are looked up up to it).
constexpr crm::fit_boundary last_boundary = crm::fit_boundary::s_and_beta_to_zero;
// Columns k of a model composite all non-NULL (the first n).
bool has(const crm_pg_model& m, unsigned n) { return (m.nulls & ((1u << n) - 1u)) == 0; }
bool has_all(const crm_pg_model& m, std::initializer_list<int> cols) {
  for (const int k : cols)
    if (m.nulls & (1u << k)) return false;
  return true;
}
// A boundary column that names no boundary of the model (a composite built by hand).
// The boundary a model composite names (crm::to_string of a crm::fit_boundary; none for NULL), or
// nullopt for a name that is none of crm::fit_boundary's.
std::optional<crm::fit_boundary> boundary_named(const crm_pg_model& m) noexcept {
  if (m.boundary == nullptr) return crm::fit_boundary::none;
  for (int k = 1; k <= static_cast<int>(last_boundary); ++k)
    if (std::strcmp(m.boundary, crm::to_string(static_cast<crm::fit_boundary>(k))) == 0) return static_cast<crm::fit_boundary>(k);
  return std::nullopt;
}
// The prediction of the model a composite describes, into `out`: `pick(where, v)` calls it with the
// model for `where` (none: the fitted model; a boundary of `nested`: its nested model) and returns its
// result, or nullopt when a column that model needs is NULL (then *is_null: the prediction is NULL).
// Any other name is an error listing the model's boundaries (in crm::fit_boundary's order). (Since
// 2026-12-06 every boundary of every model predicts: BG/NBD's b_to_zero and a_and_b_to_zero, the last
// without, were answered with 0A000 before.)
template <class Pick, class Out>
bool with_model(const crm_pg_model& m, const char* model, std::initializer_list<crm::fit_boundary> nested, Pick&& pick, bool& is_null,
                Out& out, crm_pg_error* err) {
  const auto in = [](std::initializer_list<crm::fit_boundary> l, crm::fit_boundary b) { return std::find(l.begin(), l.end(), b) != l.end(); };
  const std::optional<crm::fit_boundary> where = boundary_named(m);
  if (!where || (*where != crm::fit_boundary::none && !in(nested, *where))) {
    // the error names the model's boundaries (built only here: a prediction runs once per SQL row)
    std::string names;
    for (int k = 1; k <= static_cast<int>(last_boundary); ++k)
      if (const auto b = static_cast<crm::fit_boundary>(k); in(nested, b))
        names += (names.empty() ? "" : ", ") + std::string(crm::to_string(b));
    set_error(err, CRM_PG_BAD_INPUT, std::string("crm::") + model + ": boundary must be NULL (an interior fit) or one of " + names +
                                         ", not \"" + (m.boundary ? m.boundary : "") + "\"");
    return false;
  }
  const std::optional<crm::result<Out>> r = pick(*where, m.v);
  if ((is_null = !r)) return true;
  if (!*r) return set_error(err, r->error()), false;
  out = **r;
  return true;
}
// f of the model a crm_bg_nbd composite describes: BG/NBD (interior), the NBD (a_to_zero), the
// homogeneous BG/NBD (homogeneous_dropout), the limit's model at b_to_zero and a_and_b_to_zero
// (crm::first_repeat_dropout_nbd with pi = p: a share drops out right after its first repeat purchase; since
// 2026-12-06, before 0A000).
template <class F, class Out>
bool with_bg_nbd(const crm_pg_model& m, bool& is_null, crm_pg_error* err, F&& f, Out& out) {
  using B = crm::fit_boundary;
  const auto pick = [&](B where, const double* p) -> std::optional<crm::result<Out>> {
    if (where == B::a_to_zero) return has(m, 2) ? std::optional(f(crm::nbd<double>{p[0], p[1]})) : std::nullopt;
    if (where == B::homogeneous_dropout)
      return has_all(m, {0, 1, 4}) ? std::optional(f(crm::homogeneous_bg_nbd<double>{p[0], p[1], p[4]})) : std::nullopt;
    if (where == B::b_to_zero || where == B::a_and_b_to_zero)
      return has_all(m, {0, 1, 4}) ? std::optional(f(crm::first_repeat_dropout_nbd<double>{p[0], p[1], p[4]})) : std::nullopt;
    return has(m, 4) ? std::optional(f(crm::bg_nbd<double>{p[0], p[1], p[2], p[3]})) : std::nullopt;
  };
  return with_model(m, "bg_nbd", {B::a_to_zero, B::homogeneous_dropout, B::b_to_zero, B::a_and_b_to_zero}, pick, is_null, out, err);
}
// The same for crm_pareto_nbd: Pareto/NBD, the NBD (s_to_zero, beta_to_infinity), the homogeneous
// Pareto/NBD (homogeneous_death_rate), the zero-inflated NBD at the corner s_and_beta_to_zero (its limit:
// r, alpha, pi = 1 - e^(-300 s), crm::try_zero_inflated_estimates; since 2026-12-06 with intervals, CLV and
// whole-base sums, before point predictions only).
template <class F, class Out>
bool with_pareto_nbd(const crm_pg_model& m, bool& is_null, crm_pg_error* err, F&& f, Out& out) {
  using B = crm::fit_boundary;
  const auto pick = [&](B where, const double* p) -> std::optional<crm::result<Out>> {
    if (where == B::s_to_zero || where == B::beta_to_infinity) return has(m, 2) ? std::optional(f(crm::nbd<double>{p[0], p[1]})) : std::nullopt;
    if (where == B::homogeneous_death_rate)
      return has_all(m, {0, 1, 4}) ? std::optional(f(crm::homogeneous_pareto_nbd<double>{p[0], p[1], p[4]})) : std::nullopt;
    if (where == B::s_and_beta_to_zero)
      return has(m, 3) ? std::optional(f(crm::zero_inflated_nbd<double>{p[0], p[1], crm::detail::pareto_corner_share(p[2])})) : std::nullopt;
    return has(m, 4) ? std::optional(f(crm::pareto_nbd<double>{p[0], p[1], p[2], p[3]})) : std::nullopt;
  };
  return with_model(m, "pareto_nbd", {B::s_to_zero, B::beta_to_infinity, B::homogeneous_death_rate, B::s_and_beta_to_zero}, pick,
                    is_null, out, err);
}
// The same for crm_gamma_gamma: Gamma-Gamma (p, q, gamma), or crm::gamma_gamma_nested at p_to_infinity
// (shape q, scale) and q_to_infinity (shape p, scale).
template <class F, class Out>
bool with_spend_model(const crm_pg_model& m, bool& is_null, crm_pg_error* err, F&& f, Out& out) {
  using B = crm::fit_boundary;
  const auto pick = [&](B where, const double* p) -> std::optional<crm::result<Out>> {
    if (where == B::p_to_infinity) return has_all(m, {1, 3}) ? std::optional(f(crm::gamma_gamma_nested<double>{where, p[1], p[3]})) : std::nullopt;
    if (where == B::q_to_infinity) return has_all(m, {0, 3}) ? std::optional(f(crm::gamma_gamma_nested<double>{where, p[0], p[3]})) : std::nullopt;
    return has(m, 3) ? std::optional(f(crm::gamma_gamma<double>{p[0], p[1], p[2]})) : std::nullopt;
  };
  return with_model(m, "gamma_gamma", {B::p_to_infinity, B::q_to_infinity}, pick, is_null, out, err);
}

// The same for crm_bg_bb: BG/BB (alpha, beta, gamma, delta), or crm::beta_bernoulli at bb_no_dropout
// (alpha, beta; theta 0) and bb_homogeneous_dropout (alpha, beta, theta), crm::beta_geometric_bernoulli at
// bb_homogeneous_purchase (p, gamma, delta) and at the corner bb_binomial (p; gamma 0: nobody drops out).
template <class F, class Out>
bool with_bg_bb(const crm_pg_model& m, bool& is_null, crm_pg_error* err, F&& f, Out& out) {
  using B = crm::fit_boundary;
  const auto pick = [&](B where, const double* p) -> std::optional<crm::result<Out>> {
    if (where == B::bb_no_dropout) return has(m, 2) ? std::optional(f(crm::beta_bernoulli<double>{p[0], p[1], 0.0})) : std::nullopt;
    if (where == B::bb_homogeneous_dropout)
      return has_all(m, {0, 1, 4}) ? std::optional(f(crm::beta_bernoulli<double>{p[0], p[1], p[4]})) : std::nullopt;
    if (where == B::bb_homogeneous_purchase)
      return has_all(m, {2, 3, 5}) ? std::optional(f(crm::beta_geometric_bernoulli<double>{p[5], p[2], p[3]})) : std::nullopt;
    if (where == B::bb_binomial) return has_all(m, {5}) ? std::optional(f(crm::beta_geometric_bernoulli<double>{p[5], 0.0, 1.0})) : std::nullopt;
    return has(m, 4) ? std::optional(f(crm::bg_bb<double>{p[0], p[1], p[2], p[3]})) : std::nullopt;
  };
  return with_model(m, "bg_bb", {B::bb_no_dropout, B::bb_homogeneous_dropout, B::bb_homogeneous_purchase, B::bb_binomial}, pick,
                    is_null, out, err);
}

// The same for crm_sbg (weibull = 0: alpha, beta, theta) and crm_bdw (weibull = 1: alpha, beta, c, theta,
// k, tau; core.h): sBG or BdW, at homogeneous_churn the discrete Weibull (theta, c; sBG: c = 1, the
// geometric), at BdW's power_law_survival the power law (k, tau): crm::try_nested_contract_model's models
// (crm/models/contractual_nested.hpp).
template <class F, class Out>
bool with_contract_model(int weibull, const crm_pg_model& m, bool& is_null, crm_pg_error* err, F&& f, Out& out) {
  using B = crm::fit_boundary;
  const auto pick = [&](B where, const double* p) -> std::optional<crm::result<Out>> {
    if (where == B::none) {
      if (!has(m, weibull ? 3 : 2)) return std::nullopt;
      return weibull ? f(crm::bdw<double>{.alpha = p[0], .beta = p[1], .c = p[2]}) : f(crm::sbg<double>{.alpha = p[0], .beta = p[1]});
    }
    if (where == B::homogeneous_churn) {
      if (!has_all(m, weibull ? std::initializer_list<int>{2, 3} : std::initializer_list<int>{2})) return std::nullopt;
      return f(crm::discrete_weibull_churn<double>{.theta = weibull ? p[3] : p[2], .c = weibull ? p[2] : 1.0});
    }
    if (!has_all(m, {4, 5})) return std::nullopt;
    return f(crm::power_law_survival<double>{.k = p[4], .tau = p[5]});
  };
  if (weibull) return with_model(m, "bdw", {B::homogeneous_churn, B::power_law_survival}, pick, is_null, out, err);
  return with_model(m, "sbg", {B::homogeneous_churn}, pick, is_null, out, err);
}

// ---- prediction intervals (crm/models/intervals.hpp) ------------------------------------------------
// A library-style error "crm::<metric>: <text>" (glue.c names the SQL function in place of its prefix).
bool named_error(crm_pg_error* err, const char* metric, const std::string& text) {
  set_error(err, CRM_PG_BAD_INPUT, std::string("crm::") + metric + ": " + text);
  err->prefix = static_cast<int>(std::strlen("crm::") + std::strlen(metric) + 2);
  return false;
}
// The estimate of `model` (the model a composite describes at `where`: the full one, or the nested one
// at its boundary) from the composite's `covariance` column, the covariance of its natural parameters:
// crm::try_parameter_estimate(model, covariance), C_u[i][j] = C[i][j] / (p_i p_j). A nested model with
// parameters that its fit holds (crm::model_parameters: BG/BB's theta = 0 at bb_no_dropout, gamma = 0 and
// delta = 1 at bb_binomial, sBG's c = 1 at homogeneous_churn) has rows only for the estimated ones, as
// boundary_report::nested_covariance (crm::detail::nested_in_report says how many, from `where` and, for
// the contract models, `nested_parameters`); the held ones get no variance, as
// crm::try_parameter_estimate(nested, boundary_report) gives them (crm::detail::estimate_from_covariance:
// the library has no public form for a covariance of a nested model obtained elsewhere).
// Errors: a NULL covariance; one of another size; then the library's (not symmetric, not positive definite).
template <class M>
crm::result<crm::parameter_estimate<M>> composite_estimate(const M& model, const crm_pg_model& pm, crm::fit_boundary where,
                                                           const char* field = "covariance", int nested_parameters = 0) {
  constexpr std::size_t N = crm::model_parameters<M>::size;
  std::size_t n = N;
  if constexpr (requires(const crm::boundary_report& b) { crm::detail::nested_in_report<M>::estimated(b); }) {
    crm::boundary_report b;
    b.where = where;
    b.nested_parameters = nested_parameters;  // the contract models' nested fit: 1 (sBG) or 2 (BdW)
    n = crm::detail::nested_in_report<M>::estimated(b);
  }
  if (pm.covariance_size == 0)
    return crm::error_info{crm::errc::empty_input, "parameter_estimate", field,
                           "NULL: the model has no covariance of its parameters, which an interval needs (crm_fit_* gives it, "
                           "except on a boundary without one)"};
  if (static_cast<std::size_t>(pm.covariance_size) != n)
    return crm::error_info{crm::errc::out_of_range, "parameter_estimate", field,
                           "must be a square matrix with one row per estimated parameter of the model"};
  std::array<std::array<double, N>, N> c{};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) c[i][j] = pm.covariance[i * n + j];
  // BG/NBD's b_to_zero: pi = 1 held, its row 0 (boundary_report::limit_covariance), as the library's fits hold it
  if constexpr (std::is_same_v<M, crm::first_repeat_dropout_nbd<double>>)
    return crm::detail::estimate_from_covariance(model, c, crm::detail::estimated_parameters<N>(c), "parameter_estimate");
  if (n == N) return crm::try_parameter_estimate(model, c);
  return crm::detail::estimate_from_covariance(model, c, n, "parameter_estimate");
}

// A crm_estimate row: the interval's point, bounds and level.
void write_estimate(crm_pg_row& out, const crm::prediction_interval<double>& r, double level) {
  row_builder(out).f8(r.estimate).f8(r.lower).f8(r.upper).f8(level);
}

// The interval options of a SQL call: `level`, method "delta" or "bootstrap" (crm::interval_options'
// default 2000 draws and seed 42); another method is an error.
bool interval_options_of(double level, const char* method, crm::interval_options& opt, crm_pg_error* err) {
  opt.level = level;
  if (std::strcmp(method, "delta") == 0) opt.method = crm::prediction_interval_method::delta;
  else if (std::strcmp(method, "bootstrap") == 0) opt.method = crm::prediction_interval_method::bootstrap;
  else return named_error(err, "prediction_interval", std::string("method must be delta or bootstrap, not \"") + method + "\"");
  return true;
}

bool survey_row(const state_base* st, int what, double level, row_builder& row, crm_pg_error* err) {
  if (what == CRM_PG_RESULT_NPS) {
    const auto* s = as<nps_state>(st, CRM_PG_NPS, "an NPS state", err);
    if (s == nullptr) return false;
    const crm::nps_counts c = s->acc.tally();
    const auto r = crm::try_nps_interval<double>(c, level);
    if (!r) return set_error(err, r.error()), false;
    row.i8(c.promoters).i8(c.passives).i8(c.detractors).i8(c.promoters + c.passives + c.detractors).estimate(*r);
    return true;
  }
  const auto* s = as<csat_state>(st, CRM_PG_CSAT, "a CSAT state", err);
  if (s == nullptr) return false;
  const crm::csat_counts c = s->acc.tally();
  const auto v = crm::try_csat<double>(c);
  if (!v) return set_error(err, v.error()), false;
  const auto r = crm::try_proportion_interval<double>({.successes = c.satisfied, .trials = c.respondents}, level);
  if (!r) return set_error(err, r.error()), false;
  row.i8(c.satisfied).i8(c.respondents).estimate(plain(*r));
  return true;
}
}  // namespace

// The contract value `what` of crm_pg_contract_value (core.h) of an sBG or BdW model or of a nested one.
template <class M>
static crm::result<double> contract_value_of(const M& m, int what, int64_t n, double d, double margin) noexcept {
  switch (what) {
    case 0: return m.try_survival(n);
    case 1: return m.try_churn_probability(n);
    case 2: return m.try_retention_rate(n);
    case 3: return m.try_expected_lifetime();
    case 7: return m.try_expected_lifetime(n);
    case 4: return m.try_discounted_expected_lifetime(d);
    case 5: return m.try_discounted_expected_residual_lifetime(n, d);
    case 6: return m.try_residual_lifetime_value(n, d, margin);
    default:  // an unknown code was answered as 6 (found by an audit)
      return crm::error_info{crm::errc::out_of_range, "contract_value", "what", "must be 0 to 7, as listed in the sql file"};
  }
}

extern "C" {

bool crm_pg_state_result(const void* state, int what, int numeric, double param, crm_pg_row* out,
                         crm_pg_error* err) noexcept {
  return guard(err, [&] {
    row_builder row(*out, numeric != 0);
    const state_base* st = ready(state, err);
    if (st == nullptr) return false;
    switch (what) {
      case CRM_PG_RESULT_ORDERS: return orders_row(st, row, err);
      case CRM_PG_RESULT_BG_NBD:
      case CRM_PG_RESULT_PARETO_NBD:
      case CRM_PG_RESULT_BG_BB:
      case CRM_PG_RESULT_GAMMA_GAMMA: return model_fit_row(st, what, row, err);
      case CRM_PG_RESULT_EMAIL: {
        return visit_money<crm::email_accumulator, CRM_PG_EMAIL>(st, "an e-mail state", err,
                                                                  [&](const auto& a) { return email_row(a.campaign(0), row); });
      }
      case CRM_PG_RESULT_NPS:
      case CRM_PG_RESULT_CSAT: return survey_row(st, what, param, row, err);
      case CRM_PG_RESULT_SPEND:
        return visit_money<crm::spend_accumulator, CRM_PG_SPEND>(st, "a spend state", err, [&](const auto& a) {
          row.money(a.total()).i8(static_cast<int64_t>(a.channels().size())).i8(static_cast<int64_t>(a.periods().size()));
          return true;
        });
      case CRM_PG_RESULT_RFM:
        return visit_money<crm::rfm_accumulator, CRM_PG_RFM>(st, "an RFM state", err, [&](const auto& a) {
          row.i8(a.customers()).i8(a.holdout_only_customers()).i8(a.returns());
          if (a.options().has_holdout()) row.f8(a.holdout_duration());
          else row.null();
          return true;
        });
      default: return set_error(err, CRM_PG_INTERNAL, "crm_metrics: unknown result"), false;
    }
  });
}

void* crm_pg_state_rows(const void* state, int what, int numeric, size_t* count, crm_pg_error* err) noexcept {
  row_set* out = nullptr;
  guard(err, [&] {
    auto set = std::make_unique<row_set>();
    const state_base* st = ready(state, err);
    if (st == nullptr) return false;
    const bool num = numeric != 0;
    bool ok = false;
    if (what == CRM_PG_ROWS_RFM) {
      ok = visit_money<crm::rfm_accumulator, CRM_PG_RFM>(st, "an RFM state", err, [&](const auto& a) {
        rfm_rows(a, num, *set);
        return true;
      });
    } else if (what == CRM_PG_ROWS_SPEND_CHANNEL || what == CRM_PG_ROWS_SPEND_PERIOD) {
      ok = visit_money<crm::spend_accumulator, CRM_PG_SPEND>(st, "a spend state", err, [&](const auto& a) {
        spend_rows(a, what == CRM_PG_ROWS_SPEND_PERIOD, num, *set);
        return true;
      });
    } else {
      ok = visit_money<crm::period_accumulator, CRM_PG_PERIODS>(st, "a period state", err, [&](const auto& a) {
        if (what == CRM_PG_ROWS_COHORT) cohort_rows(a, num, *set);
        else period_rows(a, num, *set);
        return true;
      });
    }
    if (!ok) return false;
    *count = set->size;
    out = set.release();
    return true;
  });
  return out;
}
bool crm_pg_rows_get(const void* rows, size_t i, crm_pg_row* out, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    check_cancel(i);  // the glue reads every row, a million of them for a large RFM state
    static_cast<const row_set*>(rows)->get(i, *out);
    return true;
  });
}
void crm_pg_rows_free(void* rows) noexcept { delete static_cast<row_set*>(rows); }

bool crm_pg_bg_nbd_predict(const crm_pg_model* model, int what, double x, double tx, double age, double t, double* out,
                           bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    if (what == 2) {
      return with_spend_model(*model, *is_null, err, [&](const auto& gg) {
        return gg.try_conditional_expected_average_spend(x, tx);
      }, *out);
    }
    const crm::rfm_row<double> row{x, tx, age, 1.0};
    return with_bg_nbd(*model, *is_null, err, [&](const auto& m) {
      return what == 0 ? m.try_probability_alive(row) : m.try_conditional_expected_purchases(row, t);
    }, *out);
  });
}

bool crm_pg_pareto_nbd_predict(const crm_pg_model* model, int what, double x, double tx, double age, double t,
                               double* out, bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    const crm::rfm_row<double> row{x, tx, age, 1.0};
    return with_pareto_nbd(*model, *is_null, err, [&](const auto& m) {
      return what == 0 ? m.try_probability_alive(row) : m.try_conditional_expected_purchases(row, t);
    }, *out);
  });
}

bool crm_pg_bg_bb_predict(const crm_pg_model* model, int what, double x, double tx, double n, double t, double* out,
                          bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    crm::discrete_row<double> c;
    if (!whole(x, "frequency", c.frequency, err) || !whole(tx, "recency", c.recency, err) || !whole(n, "periods", c.periods, err))
      return false;
    crm::count_t ahead = 0;
    if (what == 0 && !whole(t, "ahead", ahead, err)) return false;
    return with_bg_bb(*model, *is_null, err, [&](const auto& m) -> crm::result<double> {
      if (what == 0) return m.try_probability_alive(c, ahead);
      if (what == 1) return m.try_conditional_expected_purchases(c, t);
      return m.try_discounted_expected_residual_transactions(c, t);
    }, *out);
  });
}

bool crm_pg_interval(int kind, const crm_pg_model* model, int what, double x, double tx, double age, double t, double level,
                     const char* method, crm_pg_row* out, bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    crm::interval_options opt;
    if (!interval_options_of(level, method, opt, err)) return false;
    using interval = crm::result<crm::prediction_interval<double>>;
    const crm::fit_boundary where = boundary_named(*model).value_or(crm::fit_boundary::none);  // else with_model's error
    crm::prediction_interval<double> r;
    bool ok = false;
    if (kind == 0 || kind == 1) {
      const crm::rfm_row<double> row{x, tx, age, 1.0};
      const auto f = [&](const auto& m) -> interval {
        const auto est = composite_estimate(m, *model, where);
        if (!est) return est.error();
        if (what == 0) return crm::try_probability_alive_interval(*est, row, opt);
        return crm::try_conditional_expected_purchases_interval(*est, row, t, opt);
      };
      ok = kind == 0 ? with_bg_nbd(*model, *is_null, err, f, r) : with_pareto_nbd(*model, *is_null, err, f, r);
    } else if (kind == 2) {
      crm::discrete_row<double> c;
      if (!whole(x, "frequency", c.frequency, err) || !whole(tx, "recency", c.recency, err) || !whole(age, "periods", c.periods, err))
        return false;
      crm::count_t ahead = 0;
      if (what == 0 && !whole(t, "ahead", ahead, err)) return false;
      ok = with_bg_bb(*model, *is_null, err, [&](const auto& m) -> interval {
        const auto est = composite_estimate(m, *model, where);
        if (!est) return est.error();
        // P(alive at n + ahead): the library's try_probability_alive_interval is this with ahead = 1
        if (what == 0)
          return crm::try_prediction_interval(*est, [&](const auto& mm) { return mm.try_probability_alive(c, ahead); },
                                              crm::prediction_scale::logit, opt);
        if (what == 2)  // DERT at discount rate t
          return crm::try_prediction_interval(*est, [&](const auto& mm) { return mm.try_discounted_expected_residual_transactions(c, t); },
                                              crm::prediction_scale::log, opt);
        return crm::try_conditional_expected_purchases_interval(*est, c, t, opt);
      }, r);
    } else {
      ok = with_spend_model(*model, *is_null, err, [&](const auto& m) -> interval {
        const auto est = composite_estimate(m, *model, where);
        if (!est) return est.error();
        return crm::try_expected_average_spend_interval(*est, x, tx, opt);
      }, r);
    }
    if (!ok || *is_null) return ok;
    write_estimate(*out, r, level);
    return true;
  });
}

bool crm_pg_clv_interval(int kind, const crm_pg_model* model, const crm_pg_model* spend, const void* state, double frequency,
                         double recency, double age, double average_spend, int64_t periods, double period_length, double discount_rate,
                         double margin, double level, const char* method, crm_pg_row* out, bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    crm::interval_options opt;
    if (!interval_options_of(level, method, opt, err)) return false;
    crm::rows_with_spend<double> base;  // the whole base's customers, with `state`
    if (state != nullptr) {
      const state_base* st = ready(state, err);
      if (st == nullptr || !clv_base_rows(st, base, err)) return false;
    }
    // the spend model's estimate first (Gamma-Gamma, or its nested model at a boundary), then the
    // transaction model's and crm::try_customer_lifetime_value_interval of both (block-diagonal)
    using spend_estimate = std::variant<crm::parameter_estimate<crm::gamma_gamma<double>>, crm::parameter_estimate<crm::gamma_gamma_nested<double>>>;
    spend_estimate se;
    const crm::fit_boundary spend_where = boundary_named(*spend).value_or(crm::fit_boundary::none);
    if (!with_spend_model(*spend, *is_null, err, [&](const auto& gg) -> crm::result<spend_estimate> {
          auto e = composite_estimate(gg, *spend, spend_where, "spend.covariance");
          if (!e) return e.error();
          return spend_estimate{*e};
        }, se))
      return false;
    if (*is_null) return true;
    const crm::clv_horizon<double> h{.periods = periods, .period_length = period_length, .discount_rate = discount_rate, .margin = margin};
    const crm::fit_boundary where = boundary_named(*model).value_or(crm::fit_boundary::none);
    crm::prediction_interval<double> r;
    const auto interval_of = [&](const auto& m, const auto& row) -> crm::result<crm::prediction_interval<double>> {
      const auto e = composite_estimate(m, *model, where);
      if (!e) return e.error();
      return std::visit([&](const auto& s) -> crm::result<crm::prediction_interval<double>> {
        if constexpr (std::is_same_v<std::decay_t<decltype(row)>, crm::rfm_row<double>>) {  // the whole base: BG/NBD, Pareto/NBD
          if (state != nullptr) {
            const auto all = crm::try_customer_lifetime_value_intervals(*e, s, std::span<const crm::rfm_row<double>>(base.rows),
                                                                        std::span<const double>(base.average_spends), h, opt);
            if (!all) return all.error();
            return all->total;
          }
        }
        return crm::try_customer_lifetime_value_interval(*e, s, row, average_spend, h, opt);
      }, se);
    };
    bool ok = false;
    if (kind == 2) {
      crm::discrete_row<double> d;
      if (!whole(frequency, "frequency", d.frequency, err) || !whole(recency, "recency", d.recency, err) || !whole(age, "periods", d.periods, err))
        return false;
      // (no whole-base form: a fit state keeps no spends, and an RFM state's rows are not BG/BB's opportunities)
      ok = with_bg_bb(*model, *is_null, err, [&](const auto& m) { return interval_of(m, d); }, r);
    } else {
      const crm::rfm_row<double> row{frequency, recency, age, 1.0};
      const auto f = [&](const auto& m) { return interval_of(m, row); };
      ok = kind == 0 ? with_bg_nbd(*model, *is_null, err, f, r) : with_pareto_nbd(*model, *is_null, err, f, r);
    }
    if (!ok || *is_null) return ok;
    write_estimate(*out, r, level);
    return true;
  });
}

bool crm_pg_fit_contract(int weibull, const int64_t* survivors, const size_t* lengths, size_t cohorts, crm_pg_row* out,
                         crm_pg_error* err) noexcept {
  return guard(err, [&] {
    std::vector<std::vector<crm::count_t>> c(cohorts);
    for (std::size_t i = 0, at = 0; i < cohorts; at += lengths[i], ++i) c[i].assign(survivors + at, survivors + at + lengths[i]);
    const std::span<const std::vector<crm::count_t>> s(c);
    row_builder row(*out);
    if (weibull) return contract_row(crm::try_fit_bdw<double>(s, pg_fit_options()), row, err);
    return contract_row(crm::try_fit_sbg<double>(s, pg_fit_options()), row, err);
  });
}

bool crm_pg_contract_value(int weibull, const crm_pg_model* model, int what, int64_t n, double d, double margin,
                           double* out, bool* is_null, crm_pg_error* err) noexcept {
  const auto value = [&](const auto& m) { return contract_value_of(m, what, n, d, margin); };
  return guard(err, [&] { return with_contract_model(weibull, *model, *is_null, err, value, *out); });
}

bool crm_pg_contract_interval(int weibull, const crm_pg_model* model, int what, int64_t n, double d, double margin, double level,
                              const char* method, crm_pg_row* out, bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    crm::interval_options opt;
    if (!interval_options_of(level, method, opt, err)) return false;
    const crm::fit_boundary where = boundary_named(*model).value_or(crm::fit_boundary::none);
    crm::prediction_interval<double> r;
    const bool ok = with_contract_model(weibull, *model, *is_null, err, [&](const auto& m) -> crm::result<crm::prediction_interval<double>> {
      // sBG's geometric at homogeneous_churn estimates theta alone (c = 1 held), BdW's discrete Weibull theta and c
      const auto e = composite_estimate(m, *model, where, "covariance", weibull ? 2 : 1);
      if (!e) return e.error();
      if (what == 0) return crm::try_survival_interval(*e, n, opt);
      if (what == 2) return crm::try_retention_rate_interval(*e, n, opt);
      // the others (a probability on the logit scale, lifetimes and values on the log scale) through the library's
      // interval of any prediction
      const crm::prediction_scale scale = what == 1 ? crm::prediction_scale::logit : crm::prediction_scale::log;
      return crm::try_prediction_interval(*e, [&](const auto& mm) { return contract_value_of(mm, what, n, d, margin); }, scale, opt);
    }, r);
    if (!ok || *is_null) return ok;
    write_estimate(*out, r, level);
    return true;
  });
}

bool crm_pg_total_interval(int kind, const crm_pg_model* model, const void* state, int what, double t, double level, const char* method,
                           crm_pg_row* out, bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    crm::interval_options opt;
    if (!interval_options_of(level, method, opt, err)) return false;
    const state_base* st = ready(state, err);
    if (st == nullptr) return false;
    using interval = crm::result<crm::prediction_interval<double>>;
    const crm::fit_boundary where = boundary_named(*model).value_or(crm::fit_boundary::none);  // else with_model's error
    // the total of the library's whole-base intervals (sum of weight x prediction over the rows, its interval with
    // the correlation through the parameters); the library asks the interrupt hook before each evaluation
    const auto total = [&](const auto& m, auto rows) -> interval {
      const auto est = composite_estimate(m, *model, where);
      if (!est) return est.error();
      const auto r = what == 0 ? crm::try_probability_alive_intervals(*est, rows, opt)
                               : crm::try_conditional_expected_purchases_intervals(*est, rows, t, opt);
      if (!r) return r.error();
      return r->total;
    };
    crm::prediction_interval<double> r;
    bool ok = false;
    if (kind == 2) {
      std::vector<crm::discrete_row<double>> rows;
      if (!bg_bb_rows(st, rows, err)) return false;
      ok = with_bg_bb(*model, *is_null, err, [&](const auto& m) { return total(m, std::span<const crm::discrete_row<double>>(rows)); }, r);
    } else {
      std::vector<crm::rfm_row<double>> rows;
      if (!model_rows(st, rows, err)) return false;
      const auto f = [&](const auto& m) { return total(m, std::span<const crm::rfm_row<double>>(rows)); };
      ok = kind == 0 ? with_bg_nbd(*model, *is_null, err, f, r) : with_pareto_nbd(*model, *is_null, err, f, r);
    }
    if (!ok || *is_null) return ok;
    write_estimate(*out, r, level);
    return true;
  });
}

bool crm_pg_clv(int kind, const crm_pg_model* model, const crm_pg_model* spend, double frequency, double recency,
                double age, double average_spend, int64_t periods, double period_length, double discount_rate,
                double margin, double* out, bool* is_null, crm_pg_error* err) noexcept {
  return guard(err, [&] {
    double expected_spend = 0;
    if (!with_spend_model(*spend, *is_null, err, [&](const auto& gg) {
          return gg.try_conditional_expected_average_spend(frequency, average_spend);
        }, expected_spend))
      return false;
    if (*is_null) return true;
    const crm::clv_horizon<double> h{.periods = periods, .period_length = period_length, .discount_rate = discount_rate,
                                     .margin = margin};
    if (kind == 2) {
      crm::discrete_row<double> d;
      if (!whole(frequency, "frequency", d.frequency, err) || !whole(recency, "recency", d.recency, err) ||
          !whole(age, "periods", d.periods, err))
        return false;
      return with_bg_bb(*model, *is_null, err, [&](const auto& m) { return crm::try_customer_lifetime_value(m, d, expected_spend, h); }, *out);
    }
    const crm::rfm_row<double> row{frequency, recency, age, 1.0};
    const auto clv = [&](const auto& m) { return crm::try_customer_lifetime_value(m, row, expected_spend, h); };
    return kind == 0 ? with_bg_nbd(*model, *is_null, err, clv, *out) : with_pareto_nbd(*model, *is_null, err, clv, *out);
  });
}

}  // extern "C"
