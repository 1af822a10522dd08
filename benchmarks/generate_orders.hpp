// crm-metrics benchmarks: a deterministic order log for the aggregation benchmarks and the
// DuckDB/pandas comparison (benchmarks/compare_duckdb_pandas.py).
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// N orders over M customers, as docs/performance.md describes them (and the peer baselines of
// issue 8 used): customer ids are distinct, sparse, pseudo-random integers below 2^40 (so every
// engine must hash them); each customer's first order day is uniform over the two years
// 2022-01-01 .. 2023-12-31; orders per customer are 1 + Poisson(lambda), lambda ~ Gamma(0.5,
// scale 18) (mean about 10; P(one order) = (1 + 18)^-0.5 = 0.23, about a quarter one-time buyers),
// then nudged by single orders on random customers until they sum to exactly N; repeat orders fall
// uniformly over min(lifetime, days left), lifetime ~ Exponential(mean 300 days); amounts are
// LogNormal(3.5, 0.8) rounded to cents (at least 0.01). The log is sorted by day (stable, so the
// same seed gives the same bytes). Every random draw comes from splitmix64 and samplers written
// here, not from <random>'s distributions (whose output differs between standard libraries).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace crm_bench {

inline constexpr int first_day_2022 = 18993;  // days from 1970-01-01 to 2022-01-01
inline constexpr int days_in_log = 730;       // 2022-01-01 .. 2023-12-31

struct generated_order {
  std::uint64_t customer;
  std::int32_t day;    // days since 1970-01-01
  std::int64_t cents;  // amount in cents
};

class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double open_uniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }  // (0, 1)
  std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * static_cast<double>(n)); }
  double normal() {  // Box-Muller, one of the pair
    return std::sqrt(-2.0 * std::log(open_uniform())) * std::cos(6.283185307179586 * uniform());
  }
  double exponential(double mean) { return -mean * std::log(open_uniform()); }
  double gamma(double shape, double scale) {  // Marsaglia-Tsang; shape < 1 via the u^(1/shape) boost
    if (shape < 1.0) return gamma(shape + 1.0, scale) * std::pow(open_uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x = 0, v = 0;
      do {
        x = normal();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const double u = open_uniform();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v * scale;
    }
  }
  std::uint64_t poisson(double lambda) {  // Knuth's product method, in pieces of at most 30
    std::uint64_t k = 0;
    while (lambda > 30.0) {
      k += poisson(30.0);
      lambda -= 30.0;
    }
    const double limit = std::exp(-lambda);
    double p = uniform();
    while (p > limit) {
      ++k;
      p *= uniform();
    }
    return k;
  }

 private:
  std::uint64_t s_;
};

/// A bijection of [0, 2^40): distinct customers get distinct, scattered ids.
inline std::uint64_t scatter_id(std::uint64_t i) {
  constexpr std::uint64_t mask = (std::uint64_t{1} << 40) - 1;
  std::uint64_t x = i & mask;
  x = (x * 0x9E3779B97F4AULL + 0x5851F42D4C95ULL) & mask;  // odd multiplier: a bijection mod 2^40
  x ^= x >> 19;
  x = (x * 0xD6E8FEB86659FDULL) & mask;
  x ^= x >> 23;
  return (x * 0x2545F4914F6CDD1DULL) & mask;
}

/// The order log: N orders over M customers, sorted by day.
inline std::vector<generated_order> generate_orders(std::uint64_t n_orders, std::uint64_t n_customers,
                                                    std::uint64_t seed = 20240601) {
  splitmix64 rng(seed);
  std::vector<std::uint32_t> count(n_customers);
  std::vector<std::int32_t> first(n_customers);
  std::vector<float> span(n_customers);
  std::uint64_t total = 0;
  for (std::uint64_t c = 0; c < n_customers; ++c) {
    count[c] = static_cast<std::uint32_t>(1 + rng.poisson(rng.gamma(0.5, 18.0)));
    first[c] = static_cast<std::int32_t>(rng.below(days_in_log));
    const double left = days_in_log - 1 - first[c];
    span[c] = static_cast<float>(std::min(rng.exponential(300.0), left));
    total += count[c];
  }
  while (total < n_orders) {  // nudge to exactly N, one order at a time on random customers
    ++count[rng.below(n_customers)];
    ++total;
  }
  while (total > n_orders) {
    const std::uint64_t c = rng.below(n_customers);
    if (count[c] > 1) --count[c], --total;
  }
  std::vector<std::uint64_t> per_day(days_in_log + 1, 0);
  std::vector<generated_order> raw;
  raw.reserve(n_orders);
  for (std::uint64_t c = 0; c < n_customers; ++c) {
    const std::uint64_t id = scatter_id(c);
    for (std::uint32_t k = 0; k < count[c]; ++k) {
      const int d = k == 0 ? first[c]
                           : first[c] + static_cast<int>(std::floor(rng.uniform() * (static_cast<double>(span[c]) + 1)));
      const double amount = std::exp(3.5 + 0.8 * rng.normal());
      const auto cents = std::max<std::int64_t>(1, std::llround(amount * 100.0));
      raw.push_back({id, first_day_2022 + d, cents});
      ++per_day[static_cast<std::size_t>(d) + 1];
    }
  }
  for (std::size_t d = 1; d < per_day.size(); ++d) per_day[d] += per_day[d - 1];  // counting sort by day
  std::vector<generated_order> out(raw.size());
  for (const generated_order& o : raw) out[per_day[static_cast<std::size_t>(o.day - first_day_2022)]++] = o;
  return out;
}

/// Writes "customer_id,date,amount" with ISO dates and two decimals; returns false on an I/O error.
inline bool write_orders_csv(const std::vector<generated_order>& orders, const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  std::string buf = "customer_id,date,amount\n";
  char date[32] = "0000-00-00";
  int last_day = -1;
  for (const generated_order& o : orders) {
    if (o.day != last_day) {  // civil date from days (H. Hinnant's algorithm)
      last_day = o.day;
      const int z = o.day + 719468, era = z / 146097, doe = z - era * 146097;
      const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
      const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
      const int d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
      std::snprintf(date, sizeof date, "%04d-%02d-%02d", y, m, d);
    }
    buf += std::to_string(o.customer);
    buf += ',';
    buf.append(date, 10);
    buf += ',';
    buf += std::to_string(o.cents / 100);
    buf += '.';
    buf += static_cast<char>('0' + o.cents % 100 / 10);
    buf += static_cast<char>('0' + o.cents % 10);
    buf += '\n';
    if (buf.size() > (1u << 20)) {
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) return std::fclose(f), false;
      buf.clear();
    }
  }
  const bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace crm_bench
