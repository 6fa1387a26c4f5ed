// The LAC's choice of an LNS for a call (Junos tunnel selection): among the
// candidates of the call, the lowest preference level that has a destination
// not locked out, and within it a weighted-random or round-robin pick. A
// destination that fails is locked out for every profile that lists it, since
// it is identified by (address, port, assignment ID), not by its profile.
// When every candidate is locked out, the one that failed first is retried
// once. Pure: time comes in as `now`, randomness from a seeded generator.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "protocol/l2tp/reliable.hpp"
#include "protocol/l2tp/tunnel_candidate.hpp"

namespace bras::l2tp {

/// What makes two candidates the same destination (and the same tunnels).
struct destination_key {
  std::uint32_t address = 0;
  std::uint16_t port = 0;
  std::string assignment_id;
  friend auto operator<=>(const destination_key&, const destination_key&) = default;
};

[[nodiscard]] destination_key key_of(const tunnel_candidate& c);

/// How a profile picks within one preference level.
enum class selection_mode : std::uint8_t { weighted, round_robin };

/// "round-robin" is round-robin; anything else ("weighted") is weighted.
[[nodiscard]] selection_mode selection_of(std::string_view name) noexcept;

/// A destination chosen for a call: its index in the candidates, and whether
/// this is the all-failed retry of a locked-out destination.
struct selection {
  std::size_t index = 0;
  bool retry = false;
};

class lac_selector {
 public:
  lac_selector(duration lockout, std::uint64_t seed) : lockout_(lockout), rng_(seed) {}

  /// The destination for a call among `candidates`, skipping those in `tried`
  /// (each call tries a destination once). None reachable: the locked-out
  /// candidate that failed first, once per failure, if `may_retry` (else none).
  [[nodiscard]] std::optional<selection> pick(std::span<const tunnel_candidate> candidates, selection_mode mode,
                                              std::span<const destination_key> tried, bool may_retry, time_point now);

  /// The destination failed (set-up, or an established tunnel died): locked out until now + lockout.
  void failure(const destination_key& d, time_point now);
  /// A tunnel to the destination came up: it is reachable again.
  void success(const destination_key& d);

  [[nodiscard]] bool locked_out(const destination_key& d, time_point now) const;
  /// Time left in the destination's lockout (zero: not locked out).
  [[nodiscard]] duration lockout_left(const destination_key& d, time_point now) const;

 private:
  struct destination_state {
    std::optional<time_point> locked_until;
    time_point failed_at{};
    bool retrying = false;        ///< the all-failed retry was handed out since the last failure
    std::uint64_t last_pick = 0;  ///< round-robin: the least recently picked goes next
  };

  duration lockout_;
  std::mt19937_64 rng_;
  std::uint64_t picks_ = 0;
  std::map<destination_key, destination_state> destinations_;
};

}  // namespace bras::l2tp
