// crm-metrics tests: e-mail events counted unique per recipient per campaign (crm::email_accumulator).
#include <crm/aggregate/email.hpp>
#include <crm/metrics/email.hpp>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catch.hpp"
#include "le_bytes.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace aggregate_email_test {

using namespace std::chrono;
using K = crm::email_event_kind;
using ev = crm::email_event<double>;

namespace {
const crm::time_point t0 = crm::to_time(sys_days{2024y / 5 / 1});
}

TEST_CASE("email_accumulator: unique counts of a small campaign by hand", "[aggregate][email]") {
  // r1: sent, delivered, opened 3 times, clicked twice, bought twice (40 + 60).
  // r2: sent, soft bounce, then delivered on retry, opened.
  // r3: sent, hard bounce.       r4: sent, soft bounce only.
  // r5: a click with no open and no delivered event (tracking pixel blocked), then unsubscribed.
  // r6: sent, delivered, spam complaint.
  std::vector<ev> e = {{1, 7, K::sent, t0, 0},       {1, 7, K::delivered, t0, 0}, {1, 7, K::open, t0, 0},
                       {1, 7, K::open, t0, 0},       {1, 7, K::open, t0, 0},      {1, 7, K::click, t0, 0},
                       {1, 7, K::click, t0, 0},      {1, 7, K::conversion, t0, 40}, {1, 7, K::conversion, t0, 60},
                       {2, 7, K::sent, t0, 0},       {2, 7, K::soft_bounce, t0, 0}, {2, 7, K::delivered, t0, 0},
                       {2, 7, K::open, t0, 0},       {3, 7, K::sent, t0, 0},      {3, 7, K::hard_bounce, t0, 0},
                       {4, 7, K::sent, t0, 0},       {4, 7, K::soft_bounce, t0, 0}, {5, 7, K::click, t0, 0},
                       {5, 7, K::unsubscribe, t0, 0}, {6, 7, K::sent, t0, 0},     {6, 7, K::delivered, t0, 0},
                       {6, 7, K::spam_complaint, t0, 0}, {1, 8, K::sent, t0, 0}};
  crm::email_accumulator<double> acc;
  acc.declare(7, 25.0);
  acc.declare(8);
  CHECK(acc.add(e).used == static_cast<long long>(e.size()));
  const crm::email_campaign<double> c = acc.campaign(7);
  CHECK(c.sent == 6);
  CHECK(c.delivered == 4);  // r1, r2, r5, r6
  CHECK(c.hard_bounces == 1);
  CHECK(c.soft_bounces == 1);  // r4 only: r2 was delivered on retry
  CHECK(c.unique_opens == 3);  // r1, r2, r5 (click)
  CHECK(c.unique_clicks == 2);
  CHECK(c.conversions == 1);
  CHECK(c.unsubscribed == 1);
  CHECK(c.spam_complaints == 1);
  CHECK(c.revenue == 100.0);
  CHECK(c.cost == 25.0);
  CHECK(c.ok());
  CHECK(crm::open_rate(c).fraction == 0.75);
  CHECK(acc.campaign(8).sent == 1);
  CHECK(acc.campaigns().size() == 2);
  CHECK(acc.campaign(99).sent == 0);
}

TEST_CASE("email_accumulator: random event logs against brute-force sets, relations always hold", "[aggregate][email]") {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 30; ++round) {
    std::vector<ev> e;
    const int recipients = 1 + static_cast<int>(rng() % 400);
    for (int i = 0; i < 3000; ++i) {
      const auto k = static_cast<K>(rng() % 9);
      e.push_back({rng() % static_cast<unsigned>(recipients), static_cast<crm::tag_id>(rng() % 3), k, t0,
                   k == K::conversion ? double(rng() % 100) : 0.0});
    }
    crm::email_accumulator<double> acc;
    REQUIRE(acc.add(e).used == 3000);
    std::map<crm::tag_id, std::map<crm::customer_id, std::set<K>>> seen;
    std::map<crm::tag_id, double> revenue;
    for (const ev& x : e) {
      seen[x.campaign][x.recipient].insert(x.kind);
      revenue[x.campaign] += x.revenue;
    }
    for (const auto& [id, who] : seen) {
      crm::email_campaign<double> want;
      for (const auto& recipient : who) {
        const auto& kinds = recipient.second;  // not a structured binding: clang 14 cannot capture those
        const auto has = [&](K k) { return kinds.count(k) > 0; };
        const bool delivered = has(K::delivered) || has(K::open) || has(K::click) || has(K::unsubscribe) || has(K::spam_complaint);
        ++want.sent;
        want.delivered += delivered;
        want.hard_bounces += !delivered && has(K::hard_bounce);
        want.soft_bounces += !delivered && !has(K::hard_bounce) && has(K::soft_bounce);
        want.unique_opens += has(K::open) || has(K::click);
        want.unique_clicks += has(K::click);
        want.unsubscribed += has(K::unsubscribe);
        want.spam_complaints += has(K::spam_complaint);
        want.conversions += has(K::conversion);
      }
      const auto got = acc.campaign(id);
      CHECK(got.sent == want.sent);
      CHECK(got.delivered == want.delivered);
      CHECK(got.hard_bounces == want.hard_bounces);
      CHECK(got.soft_bounces == want.soft_bounces);
      CHECK(got.unique_opens == want.unique_opens);
      CHECK(got.unique_clicks == want.unique_clicks);
      CHECK(got.unsubscribed == want.unsubscribed);
      CHECK(got.spam_complaints == want.spam_complaints);
      CHECK(got.conversions == want.conversions);
      CHECK(got.revenue == revenue[id]);
      CHECK(got.ok());
      CHECK(got.unique_clicks <= got.unique_opens);
    }
  }
}

TEST_CASE("email_accumulator: bad events", "[aggregate][email]") {
  crm::email_accumulator<double> acc;
  acc.declare(7);
  CHECK(acc.try_declare(7).field == std::string("campaign"));
  CHECK(acc.try_declare(9, -1.0).code == crm::errc::negative);
  const std::vector<ev> e = {{1, 7, K::sent, t0, 0},
                             {1, 8, K::sent, t0, 0},
                             {1, 7, K::open, t0, 5.0},
                             {1, 7, K::conversion, t0, -5.0},
                             {1, 7, K::conversion, t0, std::numeric_limits<double>::quiet_NaN()},
                             {1, 7, static_cast<K>(12), t0, 0},
                             {1, 7, K::open, crm::to_time(sys_days{1899y / 1 / 1}), 0}};
  const auto r = acc.try_add(e, crm::on_bad_record::skip);
  CHECK(r.used == 1);
  CHECK(r.rejected == 6);
  CHECK(r.records() == 7);
  CHECK(crm::message(r.first_rejections[0]) == "crm::email_accumulator: campaign is out of range (is not a declared campaign) (record 1)");
  CHECK(crm::message(r.first_rejections[1]) ==
        "crm::email_accumulator: revenue is malformed (only conversion events carry revenue) (record 2)");
  CHECK(r.first_rejections[2].error.code == crm::errc::negative);
  CHECK(r.first_rejections[3].error.code == crm::errc::not_finite);
  CHECK(std::string(r.first_rejections[4].error.field) == "kind");
  CHECK(std::string(r.first_rejections[5].error.field) == "time");
  CHECK_THROWS_AS(acc.add(e), crm::bad_record);
}

// Campaigns met in any order are kept by id (a std::map: adding 80 000 campaigns in descending order
// took 50 s with the sorted vector before, 0.8 s now with a serialization, a read back and a merge;
// measured by hand, not here): sorted, found, serialized and merged alike.
TEST_CASE("email_accumulator: many campaigns in descending order", "[aggregate][email]") {
  crm::email_accumulator<double> a;
  const auto t = crm::to_time(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1});
  for (crm::tag_id c = 3000; c > 0; --c) {
    a.add(crm::email_event<double>{c, c, crm::email_event_kind::sent, t, 0.0});
    a.add(crm::email_event<double>{c + 1, c, crm::email_event_kind::open, t, 0.0});
  }
  const auto all = a.campaigns();
  REQUIRE(all.size() == 3000);
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].first == static_cast<crm::tag_id>(i + 1));
    CHECK(all[i].second.sent == 2);
    CHECK(all[i].second.unique_opens == 1);
  }
  const auto back = crm::email_accumulator<double>::deserialize(a.serialize());
  CHECK(back == a);
  crm::email_accumulator<double> twice = a;
  twice.merge(back);
  CHECK(twice.campaign(1500).sent == 2);  // the same recipients: counted once
}

// Merging requires the same declared campaigns (docs/aggregation.md, "Exact merges"). Only the
// other side's declarations were checked against this one's: a state declaring {1, 2} took in one
// declaring {1} (and kept declaring 2), while the merge the other way round was refused.
TEST_CASE("email_accumulator: merges with different declarations are refused both ways", "[aggregate][email]") {
  const auto merged = [](crm::email_accumulator<double> a, const crm::email_accumulator<double>& b) {
    const crm::email_accumulator<double> before = a;
    const crm::error_info e = a.try_merge(b);
    if (e) CHECK(a == before);  // a refused merge changes nothing
    return std::make_pair(e, a);
  };
  crm::email_accumulator<double> one, one_two, one_dear, one_nine_undeclared, one_nine_declared;
  one.declare(1, 5.0);
  one.add(ev{10, 1, K::open, t0, 0});
  one_two.declare(1, 5.0);
  one_two.declare(2, 5.0);
  one_two.add(ev{11, 2, K::open, t0, 0});
  one_dear.declare(1, 6.0);
  one_nine_undeclared.add(ev{12, 9, K::click, t0, 0});  // met before the first declaration: stays undeclared
  one_nine_undeclared.declare(1, 5.0);
  one_nine_declared.declare(1, 5.0);
  one_nine_declared.declare(9, 0.0);
  for (const auto* other : {&one_two, &one_dear, &one_nine_declared}) {
    CHECK(merged(one, *other).first.code == crm::errc::malformed);
    CHECK(merged(*other, one).first.code == crm::errc::malformed);
    CHECK(std::string(merged(*other, one).first.field) == "campaign");
  }
  CHECK(merged(one_nine_undeclared, one_nine_declared).first.code == crm::errc::malformed);
  CHECK(merged(one_nine_declared, one_nine_undeclared).first.code == crm::errc::malformed);
  // the same declarations: undeclared campaigns on either side merge, and the order does not matter
  const auto ab = merged(one, one_nine_undeclared);
  const auto ba = merged(one_nine_undeclared, one);
  REQUIRE(!ab.first);
  REQUIRE(!ba.first);
  CHECK(ab.second == ba.second);
  CHECK(ab.second.campaign(9).unique_clicks == 1);
  CHECK(ab.second.campaign(1).unique_opens == 1);
  CHECK(ab.second.campaign(1).cost == 5.0);
  // and the merged state still refuses events of campaigns that were never met nor declared
  crm::email_accumulator<double> m = ab.second;
  CHECK(m.try_add(ev{13, 3, K::open, t0, 0}).code == crm::errc::out_of_range);
}

// States behind a valid checksum that no events, declarations and merges can make (docs/aggregation.md,
// "Serialized states": impossible records are refused): they were read, and an undeclared campaign
// then reported a cost nobody declared, or revenue came without any conversion.
TEST_CASE("email_accumulator: impossible serialized states are refused, reachable ones read back", "[aggregate][email][serialize]") {
  const auto reseal = [](std::vector<std::byte>& b) {
    const std::uint64_t len = b.size() - 32;
    crm_test::put_le(b, 16, len);
    const std::uint64_t sum = crm::detail::checksum(std::span<const std::byte>(b).subspan(24, len));
    crm_test::put_le(b, b.size() - 8, sum);
  };
  const auto field_of = [](const std::vector<std::byte>& b) {
    const auto r = crm::email_accumulator<double>::try_deserialize(b);
    return r ? std::string("accepted") : std::string(r.error().field);
  };
  crm::email_accumulator<double> a;
  a.add(ev{5, 9, K::open, t0, 0});  // campaign 9, undeclared, one recipient
  const std::vector<std::byte> bytes = a.serialize();
  // payload: u8 declared, u64 campaigns, then per campaign u32 id, u8 declared, f64 cost, f64 revenue,
  // u64 recipients, (u64 id, u16 kinds) each
  const std::size_t declared_at = 24, cost_at = 24 + 1 + 8 + 4 + 1, revenue_at = cost_at + 8, recipients_at = revenue_at + 8;
  REQUIRE(bytes.size() == recipients_at + 8 + 10 + 8);
  const double seven = 7.0;
  {
    auto b = bytes;
    crm_test::put_le(b, cost_at, seven);  // a cost on a campaign never declared
    reseal(b);
    CHECK(field_of(b) == "campaign");
  }
  {
    auto b = bytes;
    crm_test::put_le(b, revenue_at, seven);  // revenue, and no recipient converted
    reseal(b);
    CHECK(field_of(b) == "revenue");
  }
  {
    std::vector<std::byte> b(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(recipients_at + 8));
    std::memset(b.data() + recipients_at, 0, 8);  // an undeclared campaign without recipients
    b.resize(b.size() + 8);
    reseal(b);
    CHECK(field_of(b) == "recipients");
  }
  {
    auto b = bytes;
    b[declared_at] = std::byte{1};  // "campaigns are declared", and none is
    reseal(b);
    CHECK(field_of(b) == "declared");
  }
  // what events, declarations and merges do make reads back: a campaign met before the first
  // declaration, a declared one without events, conversions with zero revenue, revenue with one
  crm::email_accumulator<double> ok = a;
  ok.declare(3, 2.5);
  ok.declare(4);
  ok.add(ev{6, 3, K::conversion, t0, 0.0});
  ok.add(ev{7, 4, K::conversion, t0, 19.5});
  const auto back = crm::email_accumulator<double>::try_deserialize(ok.serialize());
  REQUIRE(back.has_value());
  CHECK(*back == ok);
  CHECK(back->campaign(9).cost == 0.0);
  CHECK(back->campaign(4).revenue == 19.5);
  CHECK(crm::email_accumulator<double>::try_deserialize(crm::email_accumulator<double>{}.serialize()).has_value());
}

}  // namespace aggregate_email_test
