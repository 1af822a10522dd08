// crm-metrics tests: string customer ids: the dictionary (dense, reversible) and hash_id (stable).
#include <crm/aggregate/ids.hpp>

#include <set>
#include <string>
#include <utility>

#include "catch.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_ids_test {

TEST_CASE("hash_id: FNV-1a 64 + fmix64, values from scripts/aggregate_hash_id_reference.py", "[aggregate][ids]") {
  STATIC_REQUIRE(crm::hash_id("") == 0xefd01f60ba992926ULL);
  CHECK(crm::hash_id("a") == 0x82a2a958a9bece5bULL);
  CHECK(crm::hash_id("alice@example.com") == 0x53e4b3bc79050458ULL);
  CHECK(crm::hash_id("customer-000001") == 0xe6ff522757b8f3e6ULL);
  std::set<crm::customer_id> seen;
  for (int i = 0; i < 200000; ++i) seen.insert(crm::hash_id("customer-" + std::to_string(i)));
  CHECK(seen.size() == 200000);
}

TEST_CASE("customer_dictionary: dense ids in order of first use, names back, copies independent", "[aggregate][ids]") {
  crm::customer_dictionary d;
  CHECK(d.id("bob") == 0);
  CHECK(d.id("alice") == 1);
  CHECK(d.id("bob") == 0);
  for (int i = 0; i < 10000; ++i) CHECK(d.id("c" + std::to_string(i)) == static_cast<crm::customer_id>(i + 2));
  CHECK(d.size() == 10002);
  CHECK(std::string(d.name(1)) == "alice");  // std::string: Catch2 2.13 built by clang 14 lacks StringMaker<string_view>
  CHECK(d.find("carol") == nullptr);
  crm::customer_dictionary copy;
  {
    crm::customer_dictionary tmp = d;
    copy = tmp;
  }
  CHECK(copy.id("alice") == 1);
  CHECK(std::string(copy.name(9001)) == "c8999");  // std::string: Catch2 2.13 built by clang 14 lacks StringMaker<string_view>
  CHECK(copy.id("new") == 10002);
  CHECK(d.find("new") == nullptr);
  crm::customer_dictionary moved = std::move(copy);
  CHECK(moved.id("c5") == 7);
  CHECK(std::string(moved.name(10002)) == "new");  // std::string: Catch2 2.13 built by clang 14 lacks StringMaker<string_view>
}

}  // namespace aggregate_ids_test
