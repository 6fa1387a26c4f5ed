// A session's timers on few actor-clock entries (a component of the session
// actor, not an actor). Every delayed_send in CAF 0.17 allocates a clock entry
// and a mailbox element that live until it fires, even for a timer stopped or
// re-armed since; a session arms its PPP timers many times while it comes up
// (restart timers, authentication, echo). Here each timer is only a due time,
// and the actor is woken by at most a few pending wake-ups: one covering the
// earliest due time, and one more only when a timer is armed earlier than
// every pending wake-up. A wake-up runs every timer due by then, in due order,
// and schedules the next wake-up if no pending one covers the earliest left.
//
// Pure: no clock, no actor. The caller passes the time and schedules the
// wake-ups it is handed (a message carrying the slot and its generation).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace bras::actors {

template <std::size_t N>
class session_timers {
 public:
  using clock = std::chrono::steady_clock;
  /// Pending wake-ups at most; more are never needed unless timers keep being armed earlier.
  static constexpr std::size_t slots = 3;

  /// A wake-up for the caller to schedule: a message carrying `slot` and `generation`, `after` from now.
  struct wake {
    std::uint8_t slot = 0;
    std::uint32_t generation = 0;
    clock::duration after{};
  };

  session_timers() {
    due_.fill(unarmed);
    pending_.fill(unarmed);
  }

  /// Arms (or re-arms) timer `which` to expire `after` from `now`; a wake-up to schedule if no
  /// pending one comes by then.
  [[nodiscard]] std::optional<wake> arm(std::size_t which, clock::time_point now, clock::duration after) {
    if (which >= N) return std::nullopt;
    due_[which] = now + after;
    return cover(now);
  }

  /// Stops timer `which` (a pending wake-up for it then finds nothing due).
  void stop(std::size_t which) noexcept {
    if (which < N) due_[which] = unarmed;
  }

  [[nodiscard]] bool armed(std::size_t which) const noexcept { return which < N && due_[which] != unarmed; }

  /// A wake-up arrived: its slot is free again (a replaced wake-up's stale generation frees nothing).
  void woke(std::uint8_t slot, std::uint32_t generation) noexcept {
    if (slot < slots && generation_[slot] == generation) pending_[slot] = unarmed;
  }

  /// The earliest timer due at `now`, disarmed; none when nothing is due. Call until none, running each.
  [[nodiscard]] std::optional<std::size_t> take_expired(clock::time_point now) noexcept {
    std::optional<std::size_t> first;
    for (std::size_t i = 0; i < N; ++i) {
      if (due_[i] <= now && (!first || due_[i] < due_[*first])) first = i;
    }
    if (first) due_[*first] = unarmed;
    return first;
  }

  /// The wake-up needed for the earliest armed timer, if no pending wake-up comes by then.
  [[nodiscard]] std::optional<wake> cover(clock::time_point now) noexcept {
    auto next = unarmed;
    for (const auto d : due_) next = std::min(next, d);
    if (next == unarmed) return std::nullopt;
    std::size_t free = slots;
    std::size_t latest = 0;
    for (std::size_t s = 0; s < slots; ++s) {
      if (pending_[s] <= next) return std::nullopt;  // it wakes the actor in time
      if (pending_[s] == unarmed) {
        if (free == slots) free = s;
      } else if (pending_[s] > pending_[latest] || pending_[latest] == unarmed) {
        latest = s;
      }
    }
    // Every slot pending later than `next`: the latest one's wake-up becomes spurious (its
    // generation changes) and the slot covers `next` instead.
    const std::size_t s = free != slots ? free : latest;
    pending_[s] = next;
    return wake{static_cast<std::uint8_t>(s), ++generation_[s], next > now ? next - now : clock::duration::zero()};
  }

 private:
  static constexpr clock::time_point unarmed = clock::time_point::max();
  std::array<clock::time_point, N> due_{};
  std::array<clock::time_point, slots> pending_{};
  std::array<std::uint32_t, slots> generation_{};
};

}  // namespace bras::actors
