// crm-metrics: crm::executor, the threads a parallel call of the library runs on when the caller
// owns them, and crm::thread_pool, a small executor that keeps its threads between calls.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// By default a call asked for k threads (parallel_options::threads, batch_options::threads,
// csv_format::threads) starts k - 1 std::threads and joins them before it returns. An application
// with its own thread pool (a server, a database engine) gives the call an executor instead
// (the options' `executor`): the call then starts no thread; it posts its k - 1 extra parts to the
// executor and runs the first part itself. Whatever the executor does with a part (runs it at once,
// later, on its own thread or inline, or never), the call ends with the same result: after its own
// part the calling thread runs every part no task has started yet, and waits only for the parts
// that tasks are running. So an executor whose threads are all busy, or a call made from one of the
// executor's own tasks, cannot deadlock. docs/aggregation.md, "Threads", and docs/batch.md.
#pragma once

#include <crm/core/config.hpp>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

CRM_METRICS_BEGIN_NAMESPACE

/**
 * @brief Where a parallel call of the library runs its extra parts: implement execute() over your
 * own thread pool, or use crm::thread_pool.
 * execute(task) must run task() at most once, on any thread, now (inline, on the calling thread)
 * or later, and return true; or return false without running it (then the part is the calling
 * thread's). It must not throw, and must not wait for a task it runs on another thread (the task
 * may be waiting for the calling thread). A task that runs after its call has ended does nothing; a
 * task never run is simply destroyed. The tasks do not throw (a part's exception is carried back to
 * the calling thread).
 */
class executor {
 public:
  executor() = default;
  executor(const executor&) = delete;
  executor& operator=(const executor&) = delete;
  virtual ~executor() = default;
  /// Runs `task` once (now or later, on any thread) and returns true, or returns false and drops it.
  virtual bool execute(std::function<void()> task) noexcept = 0;
};

/**
 * @brief A fixed set of threads that run posted tasks in the order they are posted: the executor
 * for an application without its own pool, which makes many parallel calls and would otherwise
 * start and join threads in each (tens to hundreds of microseconds per thread on a loaded machine:
 * docs/batch.md, "Threads").
 * The threads start in the constructor and are joined in the destructor, after every task posted
 * before it has run. execute() returns false once the destructor has begun, or when a task cannot
 * be queued (out of memory). With exceptions disabled a thread that cannot be started ends the
 * process, as std::thread does.
 *
 * **Example**
 *     crm::thread_pool pool(2);
 *     crm::add_parallel(acc, orders, {.threads = 3, .executor = &pool});   // no thread started here
 */
class thread_pool final : public executor {
 public:
  /// Starts `threads` threads (at least 1).
  explicit thread_pool(unsigned threads) {
    threads = std::max(1u, threads);
    workers_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  thread_pool(const thread_pool&) = delete;
  thread_pool& operator=(const thread_pool&) = delete;
  /// Runs what is queued, then joins the threads.
  ~thread_pool() override {
    {
      std::lock_guard<std::mutex> lock(m_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  bool execute(std::function<void()> task) noexcept override {
#if CRM_METRICS_HAS_EXCEPTIONS
    try {
#endif
      {
        std::lock_guard<std::mutex> lock(m_);
        if (stopping_) return false;
        queue_.push_back(std::move(task));
      }
      cv_.notify_one();
      return true;
#if CRM_METRICS_HAS_EXCEPTIONS
    } catch (const std::bad_alloc&) {
      return false;
    }
#endif
  }
  /// Number of threads.
  [[nodiscard]] std::size_t size() const noexcept { return workers_.size(); }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

namespace detail {

/// The executor of the parallel call the calling thread is in (set by the aggregation layer's entry
/// points from their options for the helpers they call; nullptr: start std::threads).
inline executor*& scoped_executor() noexcept {
  thread_local executor* e = nullptr;
  return e;
}
/// Sets scoped_executor() for the lifetime of the scope (restores the previous one after).
class executor_scope {
 public:
  explicit executor_scope(executor* e) noexcept : previous_(scoped_executor()) { scoped_executor() = e; }
  executor_scope(const executor_scope&) = delete;
  executor_scope& operator=(const executor_scope&) = delete;
  ~executor_scope() { scoped_executor() = previous_; }

 private:
  executor* previous_;
};

/// Hands `task` to `ex`: true when the executor took it. A task that cannot be made (out of memory)
/// is not posted: its part stays the calling thread's.
template <class Task>
bool post(executor& ex, Task&& task) noexcept {
#if CRM_METRICS_HAS_EXCEPTIONS
  try {
    return ex.execute(std::forward<Task>(task));
  } catch (const std::bad_alloc&) {
    return false;
  }
#else
  return ex.execute(std::forward<Task>(task));
#endif
}

/// The shared state of one fork_join: each part's state, the caller's function and each part's
/// exception. Held by the call and by every task posted for it, so a task that runs after the call
/// ended finds its part already taken and touches nothing else.
struct fork_state {
  enum : int { free_part = 0, task_runs = 1, done = 2, caller_runs = 3 };
  explicit fork_state(std::size_t k) : parts(new std::atomic<int>[k]), errors(k) {
    for (std::size_t i = 0; i < k; ++i) parts[i].store(free_part, std::memory_order_relaxed);
  }
  std::unique_ptr<std::atomic<int>[]> parts;
  std::vector<std::exception_ptr> errors;  // per part (written by the thread that ran it, read after `done`)
  void* fn = nullptr;                      // the caller's function, valid while a part can be taken
  void (*call)(void*, std::size_t) = nullptr;

  // Part i, run by whichever thread takes it first; an exception is kept for the caller.
  void run(std::size_t i) noexcept {
#if CRM_METRICS_HAS_EXCEPTIONS
    try {
      call(fn, i);
    } catch (...) {
      errors[i] = std::current_exception();
    }
#else
    call(fn, i);
#endif
  }
  // A task's turn at part i: runs it unless the calling thread has taken it.
  void task(std::size_t i) noexcept {
    int expected = free_part;
    if (!parts[i].compare_exchange_strong(expected, task_runs, std::memory_order_acq_rel)) return;
    run(i);
    parts[i].store(done, std::memory_order_release);
    parts[i].notify_all();
  }
};

/// Runs f(0) .. f(k - 1), f(0) on the calling thread and the others on `ex`'s threads where its
/// tasks take them first (the calling thread runs the rest after f(0)); returns when all have
/// run. An exception from any f(i) is rethrown here after all have run, the one of the lowest i.
template <class F>
void fork_join(executor& ex, std::size_t k, F& f) {
  if (k == 0) return;
  std::shared_ptr<fork_state> st = std::make_shared<fork_state>(k);
  st->fn = &f;
  st->call = [](void* p, std::size_t i) { (*static_cast<F*>(p))(i); };
  for (std::size_t i = 1; i < k; ++i) (void)post(ex, [st, i] { st->task(i); });
  st->run(0);
  // every part no task has taken, then the wait for those that tasks run
  for (std::size_t i = 1; i < k; ++i) {
    int expected = fork_state::free_part;
    if (st->parts[i].compare_exchange_strong(expected, fork_state::caller_runs, std::memory_order_acq_rel)) st->run(i);
  }
  for (std::size_t i = 1; i < k; ++i)
    for (int s = st->parts[i].load(std::memory_order_acquire); s == fork_state::task_runs; s = st->parts[i].load(std::memory_order_acquire))
      st->parts[i].wait(s);
#if CRM_METRICS_HAS_EXCEPTIONS
  for (const std::exception_ptr& e : st->errors)
    if (e) std::rethrow_exception(e);
#endif
}

/// How long team_join waits for the executor's tasks to join a team before it starts with those
/// that have (a task that joins later does nothing).
inline constexpr std::chrono::microseconds team_join_window{1000};

/// The shared state of one team_join (held by the call and by every task posted for it).
struct team_state {
  std::mutex m;
  std::condition_variable joined_cv, finished_cv;
  bool closed = false;       // no task joins after this
  std::size_t joined = 0;    // tasks that joined: parts 1 .. joined
  std::size_t finished = 0;  // joined tasks whose part has returned
  bool go = false;           // parts and phase are set
  std::size_t parts = 1;
  std::thread::id caller = std::this_thread::get_id();
  std::optional<std::barrier<>> phase;
  void* fn = nullptr;
  void (*call)(void*, std::size_t, std::size_t, team_state&) = nullptr;

  void task() {
    std::size_t k = 0;
    {
      std::unique_lock<std::mutex> lock(m);
      // closed, or run inline by execute() on the calling thread (which cannot start the team while
      // this waits): the task does nothing
      if (closed || std::this_thread::get_id() == caller) return;
      k = ++joined;
      joined_cv.notify_all();
      joined_cv.wait(lock, [this] { return go; });
    }
    call(fn, k, parts, *this);
    std::lock_guard<std::mutex> lock(m);
    ++finished;
    finished_cv.notify_all();
  }
};

/// Runs body(k, parts, sync) for k < parts, the calling thread being part 0 and the others tasks of
/// `ex` that start within team_join_window of being posted (up to threads - 1 of them), all at once:
/// sync() returns when every part has called it (a barrier). `parts` is known only when the team
/// starts, so body must give the same result for any number of parts.
template <class Body>
void team_join(executor& ex, std::size_t threads, Body& body) {
  std::shared_ptr<team_state> st = std::make_shared<team_state>();
  st->fn = &body;
  st->call = [](void* p, std::size_t k, std::size_t parts, team_state& t) {
    (*static_cast<Body*>(p))(k, parts, [&t] { t.phase->arrive_and_wait(); });
  };
  std::size_t posted = 0;
  for (std::size_t i = 1; i < threads; ++i) posted += post(ex, [st] { st->task(); }) ? 1 : 0;
  {
    std::unique_lock<std::mutex> lock(st->m);
    st->joined_cv.wait_for(lock, team_join_window, [&] { return st->joined >= posted; });
    st->closed = true;
    st->parts = st->joined + 1;
    st->phase.emplace(static_cast<std::ptrdiff_t>(st->parts));
    st->go = true;
  }
  st->joined_cv.notify_all();
  body(std::size_t{0}, st->parts, [&st] { st->phase->arrive_and_wait(); });
  std::unique_lock<std::mutex> lock(st->m);
  st->finished_cv.wait(lock, [&] { return st->finished == st->joined; });
}

}  // namespace detail

CRM_METRICS_END_NAMESPACE
