// The instance's protocol timers, on one thread and one queue instead of CAF's
// clock (a component the daemon owns, not an actor). CAF 0.17's delayed_send
// allocates a clock entry and a mailbox element per timer and wakes its clock
// thread on every push: with several timers per session set-up that thread
// took a sixth of brasd's CPU, and each pending timer held some 200 bytes. Here
// a timer is a 32-byte entry in a binary heap: the due time, a weak reference
// to the actor, and a function that builds its message when the time comes.
// The thread sleeps until the earliest entry, waking at most once per
// `granularity`, and is woken early only for a timer due more than a
// granularity before its current target (so a burst of set-ups does not wake
// it per timer). A timer is at most about two granularities late. An actor
// that ended before its timer is not kept alive: the timer is dropped.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "actors/messages.hpp"

namespace bras::actors {

class timer_service {
 public:
  using clock = std::chrono::steady_clock;
  /// Sends the timer's message to `to` (called on the timer thread; must not block).
  using fire_fn = void (*)(const caf::strong_actor_ptr& to, std::uint32_t a, std::uint32_t b);

  explicit timer_service(clock::duration granularity = std::chrono::milliseconds{1});
  ~timer_service();
  timer_service(const timer_service&) = delete;
  timer_service& operator=(const timer_service&) = delete;

  /// Calls `fire(to, a, b)` once `after` has passed, if `to` still runs then. The thread starts
  /// on the first call; after stop() nothing is scheduled any more.
  void schedule(clock::duration after, caf::actor_control_block* to, fire_fn fire, std::uint32_t a = 0,
                std::uint32_t b = 0);
  /// Sends `timer` (as a session_input) to the L2TP session `self` after `after` (every session timer goes
  /// this way).
  void schedule(clock::duration after, caf::actor_control_block* self, session_timer timer);

  /// For fire functions: enqueues a message made of `xs` to `to`, from no sender.
  template <class... Ts>
  static void deliver(const caf::strong_actor_ptr& to, Ts&&... xs) {
    to->enqueue(nullptr, caf::make_message_id(), caf::make_message(std::forward<Ts>(xs)...), nullptr);
  }

  /// Stops the thread and drops every pending timer (the daemon calls it once its actors are done).
  void stop();

  /// Timers pending now (fired ones gone; stale ones, which the actor ignores, included).
  [[nodiscard]] std::size_t pending() const;
  /// Timers fired (sent) and dropped (their actor had ended) so far.
  [[nodiscard]] std::uint64_t fired() const;
  [[nodiscard]] std::uint64_t dropped() const;

 private:
  struct entry {
    clock::time_point due;
    caf::weak_actor_ptr to;
    fire_fn fire;
    std::uint32_t a;
    std::uint32_t b;
  };
  static_assert(sizeof(entry) == 32, "a pending timer is 32 bytes (docs/architecture.md, Timers)");
  struct later {  // heap order: the earliest on top
    bool operator()(const entry& x, const entry& y) const noexcept { return x.due > y.due; }
  };

  void run();
  void release_memory_locked();

  clock::duration granularity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<entry> heap_;
  clock::time_point target_ = clock::time_point::max();  ///< when the sleeping thread wakes on its own
  bool started_ = false;
  bool stopping_ = false;
  std::uint64_t fired_ = 0;
  std::uint64_t dropped_ = 0;
  std::thread thread_;
};

}  // namespace bras::actors
