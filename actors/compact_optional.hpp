// Optionals that cost no more than their value, for state that every session
// holds (100,000 of them): a time point whose clock epoch stands for "none",
// and a whole number of seconds in 32 bits whose largest value does.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

namespace bras::actors {

/// An optional time point of `Clock` in 8 bytes. The clock's epoch is "none": no reading of the
/// steady clock (time since boot) or the system clock (since 1970) is ever exactly that.
template <class Clock>
class optional_time {
 public:
  using time_point = typename Clock::time_point;
  constexpr optional_time() noexcept = default;
  optional_time& operator=(time_point t) noexcept {
    at_ = t;
    return *this;
  }
  [[nodiscard]] explicit operator bool() const noexcept { return at_ != time_point{}; }
  [[nodiscard]] const time_point& operator*() const noexcept { return at_; }
  [[nodiscard]] const time_point* operator->() const noexcept { return &at_; }
  [[nodiscard]] time_point value_or(time_point otherwise) const noexcept { return *this ? at_ : otherwise; }
  [[nodiscard]] std::optional<time_point> get() const noexcept {
    return *this ? std::optional<time_point>{at_} : std::nullopt;
  }
  void reset() noexcept { at_ = time_point{}; }

 private:
  time_point at_{};
};

/// An optional whole number of seconds in 4 bytes (RADIUS timers are 32-bit); longer ones saturate
/// one second short of the largest value, which is "none".
class optional_seconds {
 public:
  constexpr optional_seconds() noexcept = default;
  optional_seconds& operator=(const std::optional<std::chrono::seconds>& s) noexcept {
    if (!s) {
      value_ = none;
    } else if (s->count() < 0) {
      value_ = 0;
    } else {
      value_ = s->count() >= std::int64_t{none} ? none - 1 : static_cast<std::uint32_t>(s->count());
    }
    return *this;
  }
  [[nodiscard]] explicit operator bool() const noexcept { return value_ != none; }
  [[nodiscard]] std::chrono::seconds operator*() const noexcept { return std::chrono::seconds{value_}; }
  [[nodiscard]] std::chrono::seconds::rep count_or_zero() const noexcept { return *this ? value_ : 0; }

 private:
  static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t value_ = none;
};

}  // namespace bras::actors
