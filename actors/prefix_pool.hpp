// A pool of IPv6 prefixes of one length (a /64 per subscriber for SLAAC, or a
// delegated /56 ...) carved from configured aggregates. Same policy as the
// IPv4 address_pool (fresh prefixes first, then released ones least recently
// freed first), and built on it: prefix number i of the pool is "address" i
// of an address_pool over 1..size, so a pool costs two bits per prefix.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/address_pool.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::actors {

/// What a prefix pool is built from.
struct prefix_pool_config {
  std::string name;
  std::vector<ip::ipv6_prefix> aggregates;  ///< where prefixes are carved from (each no longer than `length`)
  std::uint8_t length = 64;                 ///< of each prefix handed out (<= 64: the data plane routes on 64 bits)
  std::vector<ip::ipv6_prefix> exclude;     ///< never handed out: any prefix of the pool overlapping one of these
};

/// Outcome of prefix_pool::reserve(), as for addresses.
using prefix_reservation = reservation;

class prefix_pool {
 public:
  /// At most this many prefixes (as address_pool::max_size).
  static constexpr std::size_t max_size = address_pool::max_size;

  /// Fails on no aggregate, a length outside 1..64 or shorter than an aggregate's, more than
  /// max_size prefixes, or overlapping aggregates.
  [[nodiscard]] static std::variant<prefix_pool, address_pool_error> make(const prefix_pool_config& config);

  /// A free prefix; nullopt when exhausted.
  [[nodiscard]] std::optional<ip::ipv6_prefix> allocate();
  /// Takes a specific prefix (RADIUS Framed-IPv6-Prefix / Delegated-IPv6-Prefix, a static one).
  /// `outside` when it is not one of this pool's prefixes (another length, outside the aggregates).
  [[nodiscard]] prefix_reservation reserve(const ip::ipv6_prefix& p);
  /// Gives a prefix back; false (and no change) if it is not the pool's or not taken.
  bool release(const ip::ipv6_prefix& p);

  [[nodiscard]] bool contains(const ip::ipv6_prefix& p) const noexcept;
  [[nodiscard]] bool allocated(const ip::ipv6_prefix& p) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] std::size_t in_use() const noexcept;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::uint8_t length() const noexcept { return length_; }
  [[nodiscard]] const std::vector<ip::ipv6_prefix>& aggregates() const noexcept { return aggregates_; }

 private:
  explicit prefix_pool(address_pool indices) : indices_(std::move(indices)) {}
  [[nodiscard]] std::optional<std::uint32_t> index_of(const ip::ipv6_prefix& p) const noexcept;
  [[nodiscard]] ip::ipv6_prefix prefix_of(std::uint32_t index) const noexcept;

  address_pool indices_;  ///< prefix i is "address" i, 1..size (0 is never used)
  std::string name_;
  std::uint8_t length_ = 64;
  std::vector<ip::ipv6_prefix> aggregates_;  ///< in configuration order
  std::vector<std::uint32_t> first_index_;   ///< the index of each aggregate's first prefix
};

}  // namespace bras::actors
