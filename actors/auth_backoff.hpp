// Authentication-failure back-off per user (aaa.auth-failure-limit and its
// keys, docs/operations.md "Authentication back-off"): a user that failed
// `limit` times within `window` is refused at once, without its credentials
// being checked, for `backoff`; each failure after a back-off doubles it, up to
// `backoff_max`. A success forgets the user. The AAA actor owns one; it is
// plain data (no CAF) so tests drive its clock.
//
// Memory is bounded: a record is forgotten `window` after its last back-off
// ended (or its window, when it never reached the limit), lazily as failures
// come, and at most `max_users` records are kept, the least recently failed
// dropped first. A flood of names therefore costs a bounded map, at the price
// of forgetting (and so lifting) the oldest back-offs early.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bras::actors {

struct auth_backoff_settings {
  unsigned limit = 5;  ///< failures within `window` that start a back-off; 0: off
  std::chrono::seconds window{60};
  std::chrono::seconds backoff{30};       ///< the first back-off
  std::chrono::seconds backoff_max{600};  ///< doubling stops here
  std::size_t max_users = 100000;         ///< records kept at most
};

class auth_backoff {
 public:
  using clock = std::chrono::steady_clock;

  explicit auth_backoff(auth_backoff_settings s = {}) : cfg_(s) {}

  /// How long `user` is still refused at `now` (zero: not backing off).
  [[nodiscard]] clock::duration refused_for(std::string_view user, clock::time_point now);

  /// A failed authentication of `user` at `now`; returns the back-off it starts (zero: none).
  clock::duration failed(std::string_view user, clock::time_point now);

  /// A successful authentication: the user's failures are forgotten.
  void succeeded(std::string_view user);

  [[nodiscard]] std::size_t tracked() const noexcept { return by_user_.size(); }
  [[nodiscard]] const auth_backoff_settings& settings() const noexcept { return cfg_; }

 private:
  struct record {
    std::string user;
    clock::time_point window_start;
    unsigned failures = 0;
    clock::time_point blocked_until;  ///< meaningful once failures reached the limit
    clock::duration next_backoff{};   ///< the back-off the next failure after this one starts
    clock::time_point expires;        ///< forgotten from here on
  };
  using list = std::list<record>;

  /// Drops expired records from the front (the least recently failed), stopping at the first live one.
  void sweep(clock::time_point now);

  auth_backoff_settings cfg_;
  list order_;  ///< least recently failed first
  /// Keys view the records' own names (list nodes do not move).
  std::unordered_map<std::string_view, list::iterator> by_user_;
};

}  // namespace bras::actors
