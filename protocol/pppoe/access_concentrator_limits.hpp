// The PADI rate limits of the access concentrator: a global token bucket and
// one bucket per client MAC, the per-MAC buckets kept in a bounded LRU so a
// flood of random source MACs cannot grow memory without bound.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <unordered_map>

#include "protocol/common/id_pool.hpp"
#include "protocol/pppoe/ethernet.hpp"

namespace bras::pppoe {

/// A token bucket: `rate` tokens per second, at most `rate` (at least one) stored.
class token_bucket {
 public:
  token_bucket() = default;
  token_bucket(unsigned rate, std::chrono::steady_clock::time_point now) noexcept;

  /// Refills for the time since the last call, then takes one token if there is one.
  [[nodiscard]] bool take(std::chrono::steady_clock::time_point now) noexcept;
  /// True if a take() at `now` would fail (nothing is consumed).
  [[nodiscard]] bool empty_at(std::chrono::steady_clock::time_point now) const noexcept;

 private:
  [[nodiscard]] double level_at(std::chrono::steady_clock::time_point now) const noexcept;

  double rate_ = 0;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

/// Decides whether a PADI is answered at all.
class padi_limiter {
 public:
  enum class verdict : std::uint8_t { pass, over_global, over_per_mac };

  /// Per-MAC buckets beyond this are evicted, least recently seen first.
  static constexpr std::size_t default_tracked_macs = 16384;

  padi_limiter(unsigned global_rate, unsigned per_mac_rate, std::size_t max_tracked = default_tracked_macs);

  [[nodiscard]] verdict admit(const eth::mac_address& mac, std::chrono::steady_clock::time_point now);
  /// MACs with a bucket now (bounded by max_tracked).
  [[nodiscard]] std::size_t tracked() const noexcept { return index_.size(); }

 private:
  struct mac_bucket {
    std::uint64_t mac = 0;
    token_bucket bucket;
  };

  unsigned global_rate_;
  unsigned per_mac_rate_;
  std::size_t max_tracked_;
  bool global_started_ = false;
  token_bucket global_;
  std::list<mac_bucket> lru_;  ///< most recently seen first
  std::unordered_map<std::uint64_t, std::list<mac_bucket>::iterator> index_;
};

/// The SESSION_IDs of one port: unique while held, reused least recently
/// freed first (common::id_pool), and not handed out in counting order: the
/// pool's IDs are multiplied by an odd number mod 2^16, a bijection on
/// 1..65535, of which 0xffff (reserved by RFC 2516) is never handed out. Not a
/// secret, only not sequential.
class session_ids {
 public:
  explicit session_ids(std::uint16_t multiplier = 1) noexcept;

  [[nodiscard]] std::optional<std::uint16_t> allocate();
  /// False if `id` is not held.
  bool release(std::uint16_t id);

 private:
  common::id_pool pool_;
  std::uint16_t multiplier_;
  std::uint16_t inverse_;
};

/// The MAC as a 48-bit number (map keys).
[[nodiscard]] std::uint64_t mac_key(const eth::mac_address& mac) noexcept;

}  // namespace bras::pppoe
