#include "actors/timer_service.hpp"

#include <pthread.h>

#include <algorithm>

namespace bras::actors {

namespace {

/// Below this many entries the heap keeps its capacity; above it, a heap down to a quarter
/// of its capacity gives the rest back (after a mass teardown).
constexpr std::size_t keep_capacity = 4096;

}  // namespace

timer_service::timer_service(clock::duration granularity) : granularity_(granularity) {}

timer_service::~timer_service() {
  stop();
}

void timer_service::schedule(clock::duration after, caf::actor_control_block* to, fire_fn fire, std::uint32_t a,
                             std::uint32_t b) {
  const auto due = clock::now() + std::max(after, clock::duration::zero());
  bool notify = false;
  {
    std::lock_guard lock{mutex_};
    if (stopping_ || to == nullptr) return;
    if (!started_) {
      started_ = true;
      thread_ = std::thread{[this] { run(); }};
      pthread_setname_np(thread_.native_handle(), "bras.timers");
    }
    heap_.push_back(entry{due, caf::weak_actor_ptr{to}, fire, a, b});
    std::push_heap(heap_.begin(), heap_.end(), later{});
    // Only a timer that would otherwise be late by more than a granularity wakes the thread; the
    // target moves so that the timers after it in the same burst do not wake it again.
    if (due + granularity_ < target_) {
      target_ = due;
      notify = true;
    }
  }
  if (notify) wake_.notify_one();
}

void timer_service::schedule(clock::duration after, caf::actor_control_block* self, session_timer timer) {
  // The kind and the slot in one word, the generation in the other.
  schedule(
      after, self,
      [](const caf::strong_actor_ptr& to, std::uint32_t kind_slot, std::uint32_t generation) {
        deliver(to, session_input{session_timer{static_cast<session_timer::kind>(kind_slot >> 8),
                                                static_cast<std::uint8_t>(kind_slot & 0xff), generation}});
      },
      (static_cast<std::uint32_t>(timer.what) << 8) | timer.slot, timer.generation);
}

void timer_service::run() {
  std::vector<entry> batch;
  std::unique_lock lock{mutex_};
  clock::time_point last_pass{};
  while (!stopping_) {
    if (heap_.empty()) {
      target_ = clock::time_point::max();
      wake_.wait(lock);
      continue;
    }
    const auto now = clock::now();
    const auto next = std::max(heap_.front().due, last_pass + granularity_);
    if (next > now) {
      target_ = next;
      wake_.wait_until(lock, next);
      continue;
    }
    last_pass = now;
    target_ = clock::time_point::min();  // awake: schedule() need not wake us
    while (!heap_.empty() && heap_.front().due <= now) {
      std::pop_heap(heap_.begin(), heap_.end(), later{});
      batch.push_back(std::move(heap_.back()));
      heap_.pop_back();
    }
    release_memory_locked();
    lock.unlock();
    std::uint64_t fired = 0;
    std::uint64_t dropped = 0;
    for (auto& e : batch) {
      if (auto to = e.to.lock()) {
        e.fire(to, e.a, e.b);
        ++fired;
      } else {
        ++dropped;
      }
    }
    batch.clear();  // the weak references go outside the lock
    lock.lock();
    fired_ += fired;
    dropped_ += dropped;
  }
}

void timer_service::release_memory_locked() {
  if (heap_.capacity() > keep_capacity && heap_.size() < heap_.capacity() / 4) heap_.shrink_to_fit();
}

void timer_service::stop() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<entry> gone;
  {
    std::lock_guard lock{mutex_};
    gone.swap(heap_);
  }
}

std::size_t timer_service::pending() const {
  std::lock_guard lock{mutex_};
  return heap_.size();
}

std::uint64_t timer_service::fired() const {
  std::lock_guard lock{mutex_};
  return fired_;
}

std::uint64_t timer_service::dropped() const {
  std::lock_guard lock{mutex_};
  return dropped_;
}

}  // namespace bras::actors
