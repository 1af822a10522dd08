// crm-metrics tests: crm::executor and crm::thread_pool (crm/core/executor.hpp). A parallel call
// given an executor starts no thread: its extra parts run as the executor's tasks or on the calling
// thread, and the result is the one thread's whatever the executor does with the tasks (runs them
// on its threads, inline, after the call, or never), also when the call is made from a task of a
// pool whose only thread it is.
#include <crm/aggregate.hpp>
#include <crm/aggregate/csv.hpp>
#include <crm/aggregate/parallel.hpp>
#include <crm/core/executor.hpp>
#include <crm/models.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "catch.hpp"

// The file's own namespace: CMake may compile several test files as one translation unit
// (CRM_METRICS_TEST_UNITY in tests/CMakeLists.txt).
namespace executor_test {

using namespace std::chrono;

namespace {

// Counts the tasks it is given and hands them to a pool.
class counting : public crm::executor {
 public:
  explicit counting(crm::executor& to) : to_(to) {}
  bool execute(std::function<void()> task) noexcept override {
    ++posted;
    return to_.execute(std::move(task));
  }
  std::atomic<int> posted{0};

 private:
  crm::executor& to_;
};
// Runs every task at once, inside execute().
class inline_executor : public crm::executor {
 public:
  bool execute(std::function<void()> task) noexcept override {
    task();
    return true;
  }
};
// Refuses every task: the calling thread runs every part.
class refusing : public crm::executor {
 public:
  bool execute(std::function<void()>) noexcept override { return false; }
};
// Keeps the tasks and runs them only when asked, after the call has returned (they must then do
// nothing: their parts were run by the calling thread; AddressSanitizer sees any use of the call's
// memory).
class deferring : public crm::executor {
 public:
  bool execute(std::function<void()> task) noexcept override {
    tasks.push_back(std::move(task));
    return true;
  }
  void run_all() {
    for (auto& t : tasks) t();
    tasks.clear();
  }
  std::vector<std::function<void()>> tasks;
};

std::vector<crm::order<double>> some_orders(std::size_t n, std::uint64_t customers) {
  std::vector<crm::order<double>> v;
  v.reserve(n);
  const sys_days start = 2024y / 1 / 1d;
  std::uint64_t s = 7;
  for (std::size_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::uint64_t c = (s >> 33) % customers;
    v.push_back({.customer = c * 0x9E3779B97F4A7C15ULL + 1,
                 .time = crm::to_time(start + days{static_cast<long long>(i * 400 / n)}),
                 .amount = static_cast<double>((s >> 20) % 10000) / 100.0});
  }
  return v;
}

// The executors of the tests: a pool of 2, of 1, inline, refusing and deferring.
template <class F>
void for_each_executor(F&& f) {
  crm::thread_pool two(2), one(1);
  inline_executor in;
  refusing no;
  deferring later;
  SECTION("a pool of two threads") { f(static_cast<crm::executor&>(two)); }
  SECTION("a pool of one thread") { f(static_cast<crm::executor&>(one)); }
  SECTION("inline") { f(static_cast<crm::executor&>(in)); }
  SECTION("refusing") { f(static_cast<crm::executor&>(no)); }
  SECTION("deferring") {
    f(static_cast<crm::executor&>(later));
    later.run_all();  // after the call: each task finds its part taken
  }
}

}  // namespace

TEST_CASE("executor: add_parallel through an executor gives one thread's state", "[executor][aggregate]") {
  const auto orders = some_orders(100'000, 15'000);
  crm::repeat_purchase_accumulator<double> r1;
  crm::customer_accumulator<double> c1;
  crm::rfm_accumulator<double> f1({.calibration_end = 2025y / 12 / 31d});
  REQUIRE(r1.try_add(std::span(orders)).rejected == 0);
  REQUIRE(c1.try_add(std::span(orders)).rejected == 0);
  REQUIRE(f1.try_add(std::span(orders)).rejected == 0);
  for_each_executor([&](crm::executor& ex) {
    for (const unsigned threads : {3u}) {
      INFO("threads " << threads);
      const crm::parallel_options p{.threads = threads, .min_records_per_thread = 1000, .round_records = 20'000, .executor = &ex};
      crm::repeat_purchase_accumulator<double> r;
      crm::customer_accumulator<double> c;
      crm::rfm_accumulator<double> f({.calibration_end = 2025y / 12 / 31d});
      CHECK(crm::add_parallel(r, orders, p).used == static_cast<crm::count_t>(orders.size()));
      CHECK(crm::add_parallel(c, orders, p).used == static_cast<crm::count_t>(orders.size()));
      CHECK(crm::add_parallel(f, orders, p).used == static_cast<crm::count_t>(orders.size()));
      CHECK(r == r1);
      // revenue is summed per morsel and merged in input order: the same bits as with std::threads
      // (one thread's may differ in the last bits, docs/aggregation.md "Threads"), the rest one thread's
      crm::customer_accumulator<double> c_threads;
      crm::parallel_options plain = p;
      plain.executor = nullptr;
      CHECK(crm::add_parallel(c_threads, orders, plain).used == static_cast<crm::count_t>(orders.size()));
      CHECK(c == c_threads);
      CHECK(c.repeat().repeat_customers == c1.repeat().repeat_customers);
      CHECK(c.repeat().customers == c1.repeat().customers);
      // the chunks-and-merge path too
      crm::repeat_purchase_accumulator<double> m;
      crm::parallel_options chunks = p;
      chunks.partitioned = false;
      CHECK(crm::add_parallel(m, orders, chunks).used == static_cast<crm::count_t>(orders.size()));
      CHECK(m == r1);
      // rows() on the executor's threads
      CHECK(f == f1);
      CHECK(f.rows(p) == f1.rows());
    }
  });
}

TEST_CASE("executor: the parts of a call run on the executor's threads or the calling one, never a thread of their own", "[executor][csv]") {
  // a sink sees the thread of each parsed batch: with the executor only the pool's threads and
  // this one; without, threads the reader started (none of those)
  std::string text = "customer_id,date,amount\n";
  for (int i = 0; i < 120'000; ++i) text += std::to_string(1000 + i % 977) + ",2024-03-" + std::to_string(10 + i % 9) + ",12.50\n";
  REQUIRE(text.size() > (std::size_t{1} << 20));
  crm::thread_pool pool(2);
  std::set<std::thread::id> pool_threads;
  {
    std::mutex m;
    std::vector<std::promise<void>> started(2);
    std::promise<void> release;
    std::shared_future<void> go = release.get_future().share();
    for (int i = 0; i < 2; ++i)
      REQUIRE(pool.execute([&, i, go] {
        {
          std::lock_guard<std::mutex> lock(m);
          pool_threads.insert(std::this_thread::get_id());
        }
        started[static_cast<std::size_t>(i)].set_value();
        go.wait();  // both threads held until each has said who it is
      }));
    for (auto& s : started) s.get_future().wait();
    release.set_value();
  }
  REQUIRE(pool_threads.size() == 2);
  for (const bool with_pool : {true, false}) {
    counting ex(pool);
    std::mutex m;
    std::set<std::thread::id> seen;
    std::size_t rows = 0;
    crm::csv_format f{.threads = 3, .executor = with_pool ? &ex : nullptr};
    const crm::csv_summary s = crm::try_scan_csv<crm::order<double>>(
        crm::csv_input::from_text(text, "t.csv"), crm::order_columns{}, f, [&](unsigned, std::span<const crm::order<double>> b) {
          std::lock_guard<std::mutex> lock(m);
          seen.insert(std::this_thread::get_id());
          rows += b.size();
          return crm::add_report{.used = static_cast<crm::count_t>(b.size())};
        });
    CHECK_FALSE(s.stopped);
    CHECK(rows == 120'000);
    seen.erase(std::this_thread::get_id());
    if (with_pool) {
      CHECK(ex.posted >= 2);  // the two extra parts of each round are the executor's tasks
      for (const std::thread::id& t : seen) CHECK(pool_threads.count(t) == 1);
    } else {
      CHECK(ex.posted == 0);
      CHECK_FALSE(seen.empty());
      for (const std::thread::id& t : seen) CHECK(pool_threads.count(t) == 0);
    }
  }
}

TEST_CASE("executor: an exception of a part reaches the calling thread, the lowest part's", "[executor][csv]") {
  std::string text = "customer_id,date,amount\n";
  for (int i = 0; i < 120'000; ++i) text += std::to_string(5 + i % 31) + ",2024-05-01,3.25\n";
  for_each_executor([&](crm::executor& ex) {
    crm::csv_format f{.threads = 3, .executor = &ex};
    const auto sink = [](unsigned w, std::span<const crm::order<double>>) -> crm::add_report {
      if (w >= 1) throw std::runtime_error("sink of worker " + std::to_string(w));
      return {};
    };
    try {
      (void)crm::try_scan_csv<crm::order<double>>(crm::csv_input::from_text(text, "t.csv"), crm::order_columns{}, f, sink);
      FAIL("no exception");
    } catch (const std::runtime_error& e) {
      CHECK(std::string(e.what()) == "sink of worker 1");
    }
  });
}

TEST_CASE("executor: batch predictions through an executor equal one thread's", "[executor][models]") {
  const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
  // 70,000 customers on CDNOW's day grid: enough for two threads (2 x 16,384 rows each), with
  // repeated (x, t_x, T) keys, so the grouped forms run their three phases as a team
  const std::vector<crm::rfm_row<double>> rows =
      crm::generate(m, crm::generate_options<double>{.customers = 70'000, .first_age = 27, .last_age = 39, .age_step = 1.0 / 7, .seed = 3});
  const std::vector<double> alive1 = crm::batch_probability_alive(m, rows);
  const std::vector<double> expected1 = crm::batch_conditional_expected_purchases(m, rows, 39.0);
  std::vector<crm::spend_row<double>> spend;
  for (const auto& r : rows) spend.push_back({r.frequency, r.frequency > 0 ? 20.0 + r.recency : 0.0, 1.0});
  const crm::gamma_gamma<double> g{6.25, 3.74, 15.44};
  const std::vector<double> spend1 = crm::batch_conditional_expected_average_spend(g, spend);
  for_each_executor([&](crm::executor& ex) {
    const crm::batch_options o{.threads = 2, .executor = &ex};
    CHECK(crm::batch_probability_alive(m, rows, o) == alive1);
    CHECK(crm::batch_conditional_expected_purchases(m, rows, 39.0, o) == expected1);
    CHECK(crm::batch_conditional_expected_average_spend(g, spend, o) == spend1);
  });
}

TEST_CASE("executor: a call made from the only thread of its pool completes", "[executor]") {
  // The task holds the pool's one thread while the call posts its parts to the same pool: the call
  // runs them itself (a pool that had to run them would wait for itself for ever).
  const auto orders = some_orders(200'000, 10'000);
  crm::repeat_purchase_accumulator<double> whole;
  REQUIRE(whole.try_add(std::span(orders)).rejected == 0);
  const crm::bg_nbd<double> m{0.243, 4.414, 0.793, 2.426};
  const auto rows = crm::generate(m, crm::generate_options<double>{.customers = 70'000, .first_age = 27, .last_age = 39, .age_step = 1.0 / 7});
  const std::vector<double> alive1 = crm::batch_probability_alive(m, rows);
  crm::thread_pool pool(1);
  std::promise<bool> done;
  REQUIRE(pool.execute([&] {
    crm::repeat_purchase_accumulator<double> acc;
    (void)crm::add_parallel(acc, orders, {.threads = 2, .min_records_per_thread = 1000, .executor = &pool});
    const bool same_alive = crm::batch_probability_alive(m, rows, {.threads = 2, .executor = &pool}) == alive1;
    done.set_value(acc == whole && same_alive);
  }));
  std::future<bool> result = done.get_future();
  REQUIRE(result.wait_for(seconds(60)) == std::future_status::ready);
  CHECK(result.get());
}

TEST_CASE("thread_pool: runs every task posted before it is destroyed", "[executor]") {
  std::atomic<int> ran{0};
  {
    crm::thread_pool pool(3);
    CHECK(pool.size() == 3);
    for (int i = 0; i < 1000; ++i) REQUIRE(pool.execute([&ran] { ++ran; }));
  }
  CHECK(ran == 1000);
  crm::thread_pool zero(0);  // at least one thread
  CHECK(zero.size() == 1);
}

}  // namespace executor_test
