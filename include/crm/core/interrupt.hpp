// crm-metrics: a cooperative interrupt of the long calls over whole accumulator states.
// SPDX-License-Identifier: MIT
// Copyright (c) 2026 crm-metrics contributors
//
// A call over a whole state (reading or writing its bytes, a merge, rows(), cohorts(), stats(),
// model_rows(), ...) walks every customer: about a second for a few million. A host that must be
// able to stop such a call (a database backend on a query cancel, a server on a deadline) installs
// an interrupt hook for its thread; the walks ask it about once per few thousand customers (per part
// of crm::customer_table, every 4096 records read from bytes, per block of a day log), and when it
// answers true the call leaves with crm::interrupted. The model fits have their own per-evaluation
// check (fit_options::interrupt). docs/aggregation.md, "Stopping a long call".
#pragma once

#include <crm/core/config.hpp>

#include <cstddef>
#include <stdexcept>
#include <utility>

CRM_METRICS_BEGIN_NAMESPACE

/// The check asked by the long walks over a state: stop(context) returns true to stop the call.
/// It runs on the thread that installed it (the threads of a call's parallel_options are never
/// asked), must not throw, and should be cheap (it is asked about once per 4096 customers).
struct interrupt_hook {
  bool (*stop)(void* context) noexcept = nullptr;
  void* context = nullptr;
};

/// Thrown out of a call whose walk found the thread's interrupt hook answering true. Not an error
/// of the data: like std::bad_alloc it leaves any function that walks a state, the try_ forms
/// included (their result types cannot say "stopped"). Everything the call allocated is freed; an
/// accumulator that a call was changing when interrupted (try_merge, try_merge_serialized) may hold
/// part of the other state and is only fit to be destroyed or assigned. With exceptions disabled the
/// hook is never asked (there is no way out of the call).
class interrupted : public std::runtime_error {
 public:
  interrupted() : std::runtime_error("crm: interrupted (the thread's interrupt hook asked to stop)") {}
};

namespace detail {
inline thread_local interrupt_hook thread_interrupt_hook{};

/// Asks the thread's hook now; throws crm::interrupted when it answers true.
inline void check_interrupt() {
#if CRM_METRICS_HAS_EXCEPTIONS
  const interrupt_hook h = thread_interrupt_hook;
  if (h.stop != nullptr && h.stop(h.context)) [[unlikely]]
    throw interrupted();
#endif
}
/// Items between two checks of a loop that counts items (check_interrupt_every).
inline constexpr std::size_t interrupt_stride = 4096;
/// check_interrupt() at item 0, 4096, 8192, ... of a loop: one test of the index per item.
inline void check_interrupt_every(std::size_t i) {
  if (i % interrupt_stride == 0) [[unlikely]]
    check_interrupt();
}
}  // namespace detail

/// Installs `h` as the calling thread's interrupt hook (stop == nullptr: none); returns the one it
/// replaces.
inline interrupt_hook set_interrupt_hook(interrupt_hook h) noexcept {
  return std::exchange(detail::thread_interrupt_hook, h);
}

/// Installs a hook for the calling thread for its lifetime, then puts the previous one back.
///
/// **Example**
///     std::atomic<bool> cancel{false};   // set by another thread
///     crm::scoped_interrupt_hook guard({[](void* c) noexcept { return static_cast<std::atomic<bool>*>(c)->load(); }, &cancel});
///     try { rows = acc.rows(); } catch (const crm::interrupted&) { /* stopped */ }
class scoped_interrupt_hook {
 public:
  explicit scoped_interrupt_hook(interrupt_hook h) noexcept : previous_(set_interrupt_hook(h)) {}
  scoped_interrupt_hook(const scoped_interrupt_hook&) = delete;
  scoped_interrupt_hook& operator=(const scoped_interrupt_hook&) = delete;
  ~scoped_interrupt_hook() { set_interrupt_hook(previous_); }

 private:
  interrupt_hook previous_;
};

CRM_METRICS_END_NAMESPACE
