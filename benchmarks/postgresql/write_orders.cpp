// crm-metrics PostgreSQL benchmark: writes the benchmarks' deterministic order log
// (benchmarks/generate_orders.hpp: N orders over M customers, CSV customer_id,date,amount with a
// header) without needing Google Benchmark. Usage: write_orders FILE N M [seed]
// SPDX-License-Identifier: MIT
#include "../generate_orders.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::cerr << "usage: write_orders FILE N M [seed]\n";
    return 2;
  }
  const auto n = std::strtoull(argv[2], nullptr, 10), m = std::strtoull(argv[3], nullptr, 10);
  const std::uint64_t seed = argc >= 5 ? std::strtoull(argv[4], nullptr, 10) : 20240601;
  return crm_bench::write_orders_csv(crm_bench::generate_orders(n, m, seed), argv[1]) ? 0 : 1;
}
