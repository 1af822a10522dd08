// crm-metrics benchmarks: whole-base (batch) predictions of every model for 1M generated customers.
// SPDX-License-Identifier: MIT
//
// Run: build/<dir>/benchmarks/models_batch_bench [--benchmark_filter=...]. The NumPy/SciPy comparison
// is benchmarks/compare_numpy_models.py, driven by scripts/bench-models.sh. Each prediction runs on
// one thread (/threads:1) and on two (/threads:2, batch_options::threads = 2); wall time (real_time)
// and the CPU time of the whole process (cpu_time) are reported. Names ending in _cols are the
// columnar forms (crm::rfm_column_view, crm::spend_column_view) of the prediction without the suffix, on the
// same customers held as columns (what NumPy reads).
//   --write-data=DIR     writes the 1M-customer inputs (seed 2026) as raw little-endian float64 columns
//                        (DIR/<name>.f64) so NumPy reads exactly the same numbers, then exits;
//   --write-results=DIR  writes every prediction's 1M results the same way, then exits.
// Data (all from the library's generators, seed 2026): BG/NBD, modified BG/NBD and Pareto/NBD customers
// at the CDNOW estimates (FHL 2005), ages on CDNOW's day grid (27-39 weeks), purchases in continuous
// time; Gamma-Gamma spend (p 6.25, q 3.74, gamma 15.44) for the BG/NBD customers' frequencies (its
// expected spend per customer is the CLV tasks' spend for all three models, row i with row i); BG/BB
// donors (1.204, 0.750, 0.657, 2.783) over 6 opportunities.
#include <crm/models/batch.hpp>
#include <crm/models/generate.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace {
using rows_t = std::vector<crm::rfm_row<double>>;
constexpr crm::bg_nbd<double> bg{0.243, 4.414, 0.793, 2.426};
constexpr crm::modified_bg_nbd<double> mbg{0.525, 6.183, 0.891, 1.614};
constexpr crm::pareto_nbd<double> pn{0.553, 10.58, 0.606, 11.67};
constexpr crm::gamma_gamma<double> gg{6.25, 3.74, 15.44};
constexpr crm::bg_bb<double> bb{1.204, 0.750, 0.657, 2.783};
constexpr double horizon_weeks = 39.0;
const crm::clv_horizon<double> year{.periods = 12, .period_length = 4.345, .discount_rate = 0.01, .margin = 0.3};
const crm::clv_horizon<double> donations_years{.periods = 5, .period_length = 1, .discount_rate = 0.1, .margin = 1};
constexpr crm::count_t n_customers = 1'000'000;

crm::generate_options<double> options() {
  return {.customers = n_customers, .first_age = 27.0, .last_age = 39.0, .age_step = 1.0 / 7.0, .seed = 2026};
}
const rows_t& bg_rows() {
  static const rows_t r = crm::generate(bg, options());
  return r;
}
const rows_t& mbg_rows() {
  static const rows_t r = crm::generate(mbg, options());
  return r;
}
const rows_t& pn_rows() {
  static const rows_t r = crm::generate(pn, options());
  return r;
}
const std::vector<crm::spend_row<double>>& spend_rows() {
  static const std::vector<crm::spend_row<double>> r = [] {
    std::vector<crm::count_t> x;
    for (const auto& c : bg_rows()) x.push_back(static_cast<crm::count_t>(c.frequency));
    return crm::generate(gg, std::span<const crm::count_t>(x), 2026);
  }();
  return r;
}
const std::vector<double>& spend() {  // E[Z | x, zbar] per BG/NBD customer
  static const std::vector<double> s = crm::batch_conditional_expected_average_spend(gg, spend_rows());
  return s;
}
const std::vector<crm::discrete_row<double>>& bb_rows() {
  static const auto r = crm::generate(bb, {.customers = n_customers, .periods = 6, .seed = 2026});
  return r;
}
// P(X(t) = n) of what each customer did: n = its x, t = its age (BG/BB: x in n opportunities)
struct pairs {
  std::vector<crm::count_t> n;
  std::vector<double> t;
};
pairs pairs_of(const rows_t& rows) {
  pairs p;
  for (const auto& c : rows) p.n.push_back(static_cast<crm::count_t>(c.frequency)), p.t.push_back(c.age);
  return p;
}
const pairs& bg_pairs() {
  static const pairs p = pairs_of(bg_rows());
  return p;
}
const pairs& mbg_pairs() {
  static const pairs p = pairs_of(mbg_rows());
  return p;
}
const pairs& pn_pairs() {
  static const pairs p = pairs_of(pn_rows());
  return p;
}
const std::pair<std::vector<crm::count_t>, std::vector<crm::count_t>>& bb_pairs() {
  static const auto p = [] {
    std::pair<std::vector<crm::count_t>, std::vector<crm::count_t>> v;
    for (const auto& c : bb_rows()) v.first.push_back(c.frequency), v.second.push_back(c.periods);
    return v;
  }();
  return p;
}

/// The same customers as columns (the columnar forms' input).
struct rfm_cols {
  std::vector<double> x, tx, age;
  [[nodiscard]] crm::rfm_column_view<double> view() const { return {x, tx, age}; }
};
/// The columns of a set of rows, built once per set (outside the timing: run() calls once first).
const rfm_cols& cols_of(const rows_t& rows) {
  static std::map<const rows_t*, rfm_cols> made;
  auto it = made.find(&rows);
  if (it == made.end()) {
    rfm_cols c;
    for (const auto& r : rows) c.x.push_back(r.frequency), c.tx.push_back(r.recency), c.age.push_back(r.age);
    it = made.emplace(&rows, std::move(c)).first;
  }
  return it->second;
}
struct spend_cols {
  std::vector<double> x, z;
  [[nodiscard]] crm::spend_column_view<double> view() const { return {x, z}; }
};
const spend_cols& gg_cols() {
  static const spend_cols c = [] {
    spend_cols v;
    for (const auto& r : spend_rows()) v.x.push_back(r.frequency), v.z.push_back(r.average_spend);
    return v;
  }();
  return c;
}

/// Every prediction, by name: fills `out` (1M values) with `threads` threads.
using prediction = std::function<bool(std::span<double>, const crm::batch_options&)>;
const std::map<std::string, prediction>& predictions() {
  static const std::map<std::string, prediction> p = {
      {"bg_alive", [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_probability_alive(bg, bg_rows(), o, th)); }},
      {"bg_expected",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_conditional_expected_purchases(bg, bg_rows(), horizon_weeks, o, th)); }},
      {"bg_pmf", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_probability_of_purchases(bg, bg_pairs().n, bg_pairs().t, o, th));
       }},
      {"bg_clv",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_customer_lifetime_value(bg, bg_rows(), spend(), year, o, th)); }},
      {"mbg_alive", [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_probability_alive(mbg, mbg_rows(), o, th)); }},
      {"mbg_expected", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_conditional_expected_purchases(mbg, mbg_rows(), horizon_weeks, o, th));
       }},
      {"mbg_pmf", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_probability_of_purchases(mbg, mbg_pairs().n, mbg_pairs().t, o, th));
       }},
      {"pn_alive", [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_probability_alive(pn, pn_rows(), o, th)); }},
      {"pn_expected",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_conditional_expected_purchases(pn, pn_rows(), horizon_weeks, o, th)); }},
      {"pn_pmf", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_probability_of_purchases(pn, pn_pairs().n, pn_pairs().t, o, th));
       }},
      {"pn_clv",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_customer_lifetime_value(pn, pn_rows(), spend(), year, o, th)); }},
      {"bg_alive_cols", [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_probability_alive(bg, cols_of(bg_rows()).view(), o, th)); }},
      {"mbg_alive_cols",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_probability_alive(mbg, cols_of(mbg_rows()).view(), o, th)); }},
      {"pn_alive_cols", [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_probability_alive(pn, cols_of(pn_rows()).view(), o, th)); }},
      {"bg_expected_cols", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_conditional_expected_purchases(bg, cols_of(bg_rows()).view(), horizon_weeks, o, th));
       }},
      {"mbg_clv",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_customer_lifetime_value(mbg, mbg_rows(), spend(), year, o, th)); }},
      {"pn_expected_cols", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_conditional_expected_purchases(pn, cols_of(pn_rows()).view(), horizon_weeks, o, th));
       }},
      {"bg_clv_cols", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_customer_lifetime_value(bg, cols_of(bg_rows()).view(), spend(), year, o, th));
       }},
      {"mbg_clv_cols", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_customer_lifetime_value(mbg, cols_of(mbg_rows()).view(), spend(), year, o, th));
       }},
      {"pn_clv_cols", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_customer_lifetime_value(pn, cols_of(pn_rows()).view(), spend(), year, o, th));
       }},
      {"gg_spend_cols", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_conditional_expected_average_spend(gg, gg_cols().view(), o, th));
       }},
      {"gg_spend",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_conditional_expected_average_spend(gg, spend_rows(), o, th)); }},
      {"bb_alive", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_probability_alive(bb, bb_rows(), o, crm::count_t{1}, th));
       }},
      {"bb_expected",
       [](std::span<double> o, const crm::batch_options& th) { return bool(crm::try_batch_conditional_expected_purchases(bb, bb_rows(), 5.0, o, th)); }},
      {"bb_pmf", [](std::span<double> o, const crm::batch_options& th) {
         return bool(crm::try_batch_probability_of_purchases(bb, bb_pairs().first, bb_pairs().second, o, th));
       }},
      {"bb_clv", [](std::span<double> o, const crm::batch_options& th) {
         const std::vector<double> s(bb_rows().size(), 25.0);
         return bool(crm::try_batch_customer_lifetime_value(bb, bb_rows(), s, donations_years, o, th));
       }},
  };
  return p;
}

// `pool`: the threads' parts go to a crm::thread_pool of threads - 1 threads kept between calls
// (batch_options::executor) instead of threads started and joined in every call.
void run(benchmark::State& state, const std::string& name, bool pool) {
  const prediction& f = predictions().at(name);
  std::vector<double> out(static_cast<std::size_t>(n_customers));
  if (!f(out, crm::batch_options{})) return state.SkipWithError("prediction failed");  // also builds the data outside the timing
  const unsigned threads = static_cast<unsigned>(state.range(0));
  std::optional<crm::thread_pool> workers;
  if (pool) workers.emplace(threads - 1);
  const crm::batch_options opt{.threads = threads, .executor = pool ? &*workers : nullptr};
  for (auto _ : state) {
    const bool ok = f(out, opt);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * n_customers);
}

void write_f64(const std::filesystem::path& file, const std::vector<double>& v) {
  std::ofstream o(file, std::ios::binary);
  o.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(double)));
  if (!o) {
    std::fprintf(stderr, "cannot write %s\n", file.c_str());
    std::exit(1);
  }
}
template <class Rows, class F>
std::vector<double> column(const Rows& rows, F&& f) {
  std::vector<double> v;
  v.reserve(rows.size());
  for (const auto& c : rows) v.push_back(static_cast<double>(f(c)));
  return v;
}

void write_data(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::pair<const char*, const rows_t*> sets[] = {{"bg", &bg_rows()}, {"mbg", &mbg_rows()}, {"pn", &pn_rows()}};
  for (const auto& [name, rows] : sets) {
    write_f64(dir / (std::string(name) + "_x.f64"), column(*rows, [](const auto& c) { return c.frequency; }));
    write_f64(dir / (std::string(name) + "_tx.f64"), column(*rows, [](const auto& c) { return c.recency; }));
    write_f64(dir / (std::string(name) + "_T.f64"), column(*rows, [](const auto& c) { return c.age; }));
  }
  write_f64(dir / "gg_x.f64", column(spend_rows(), [](const auto& c) { return c.frequency; }));
  write_f64(dir / "gg_z.f64", column(spend_rows(), [](const auto& c) { return c.average_spend; }));
  write_f64(dir / "bb_x.f64", column(bb_rows(), [](const auto& c) { return c.frequency; }));
  write_f64(dir / "bb_tx.f64", column(bb_rows(), [](const auto& c) { return c.recency; }));
  write_f64(dir / "bb_n.f64", column(bb_rows(), [](const auto& c) { return c.periods; }));
}
void write_results(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const auto& [name, f] : predictions()) {
    std::vector<double> out(static_cast<std::size_t>(n_customers));
    if (!f(out, crm::batch_options{})) {
      std::fprintf(stderr, "%s failed\n", name.c_str());
      std::exit(1);
    }
    write_f64(dir / (name + ".f64"), out);
  }
}
}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--write-data=", 13) == 0) return write_data(argv[i] + 13), 0;
    if (std::strncmp(argv[i], "--write-results=", 16) == 0) return write_results(argv[i] + 16), 0;
  }
  benchmark::AddCustomContext("vector_math", std::string(crm::detail::vector_math_name()) + ", " +
                                                std::to_string(crm::detail::vector_math_lanes_now()) + " lanes");
  for (const auto& [name, f] : predictions()) {
    benchmark::RegisterBenchmark(name.c_str(), [n = name](benchmark::State& s) { run(s, n, false); })
        ->ArgName("threads")
        ->Arg(1)
        ->Arg(2)
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime();
    // NAME@pool/threads:2: the same on a thread_pool (compare_numpy_models.py's last columns)
    benchmark::RegisterBenchmark((name + "@pool").c_str(), [n = name](benchmark::State& s) { run(s, n, true); })
        ->ArgName("threads")
        ->Arg(2)
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime();
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
