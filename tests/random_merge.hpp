// crm-metrics tests: merging accumulator states in random order and grouping (the property tests of
// merge(): the result must equal one accumulator that got every record).
#pragma once

#include <cstddef>
#include <random>
#include <utility>
#include <vector>

namespace crm_test {
/// Merges random pairs of `states` until one is left; returns it. `states` must not be empty.
template <class Acc>
Acc merge_randomly(std::vector<Acc> states, std::mt19937_64& rng) {
  while (states.size() > 1) {
    const std::size_t i = rng() % states.size();
    std::size_t j = rng() % (states.size() - 1);
    if (j >= i) ++j;
    states[i].merge(states[j]);
    states.erase(states.begin() + static_cast<std::ptrdiff_t>(j));
  }
  return std::move(states.front());
}
}  // namespace crm_test
