// A pool of IPv4 subscriber addresses (host byte order). Fresh addresses are
// handed out first, then released ones least recently freed first, so an
// address just given up (stale routes, late packets, accounting) goes to a new
// subscriber as late as possible. State is two bits per address, a FIFO of
// released addresses and a cursor over the never-used ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "configs/config.hpp"

namespace bras::actors {

/// 192.0.2.1 for 0xc0000201 (host order), as pools and logs write addresses.
[[nodiscard]] std::string dotted(std::uint32_t address);

/// Addresses first..last, inclusive.
struct address_range {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

/// What a pool is built from.
struct address_pool_config {
  std::string name;
  std::vector<config::ipv4_prefix> prefixes;  ///< without network and broadcast below /31
  std::vector<address_range> ranges;          ///< every address, as given
  std::vector<std::uint32_t> exclude;         ///< never handed out (e.g. the LNS's own address)
};

/// Why a pool could not be built.
struct address_pool_error {
  std::string reason;
};

/// Outcome of address_pool::reserve().
enum class reservation {
  reserved,  ///< taken from the pool: release() it later
  in_use,    ///< in the pool but already taken: refused
  excluded,  ///< inside a configured prefix or range but never handed out: refused
  outside,   ///< not the pool's business (a static address): not tracked
};

class address_pool {
 public:
  /// At most this many addresses (a /8), so memory stays bounded.
  static constexpr std::size_t max_size = std::size_t{1} << 24;

  /// Fails on an empty or oversized pool, first > last, or overlapping parts.
  [[nodiscard]] static std::variant<address_pool, address_pool_error> make(const address_pool_config& config);

  /// A free address, fresh ones first, then least recently freed; nullopt when exhausted.
  [[nodiscard]] std::optional<std::uint32_t> allocate();
  /// Takes a specific address (a static one, or RADIUS Framed-IP-Address).
  [[nodiscard]] reservation reserve(std::uint32_t address);
  /// Gives an address back; false (and no change) if it is not in the pool or not taken.
  bool release(std::uint32_t address);

  /// True if the pool may hand out `address` (excluded ones are not contained).
  [[nodiscard]] bool contains(std::uint32_t address) const noexcept { return index_of(address).has_value(); }
  /// True if `address` is in the pool and taken.
  [[nodiscard]] bool allocated(std::uint32_t address) const noexcept;
  /// Addresses the pool can hand out.
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t in_use() const noexcept { return in_use_; }
  [[nodiscard]] std::size_t available() const noexcept { return size_ - in_use_; }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  /// Usable addresses first..last, numbered from `base` in the pool's index space.
  struct segment {
    std::uint32_t first;
    std::uint32_t last;
    std::uint32_t base;
  };

  address_pool() = default;
  [[nodiscard]] std::optional<std::uint32_t> index_of(std::uint32_t address) const noexcept;
  [[nodiscard]] std::uint32_t address_of(std::uint32_t index) const noexcept;
  [[nodiscard]] std::optional<std::uint32_t> pop_freed();
  void take(std::uint32_t index);
  void maybe_compact();

  std::string name_;
  std::vector<address_range> spans_;  ///< as configured, sorted: tells excluded from outside
  std::vector<segment> segments_;     ///< usable addresses, sorted
  std::size_t size_ = 0;
  std::size_t in_use_ = 0;
  std::vector<bool> used_;    ///< by index: taken
  std::vector<bool> queued_;  ///< by index: has an entry in freed_ (the last one counts)
  std::uint32_t next_fresh_ = 0;
  std::deque<std::uint32_t> freed_;  ///< indices in release order
  /// Index -> entries in freed_ older than its last one (superseded by a later release).
  std::unordered_map<std::uint32_t, std::uint32_t> superseded_;
  std::size_t stale_ = 0;  ///< entries in freed_ that will be skipped
};

}  // namespace bras::actors
