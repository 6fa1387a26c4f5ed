// IPv6 addresses and prefixes as text and as values: what the configuration,
// the prefix pools, RADIUS (RFC 3162), the data plane's prefix routes and the
// operator view share. Pure functions; parsing never throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bras::ip {

/// An IPv6 address in network byte order.
using ipv6_address = std::array<std::byte, 16>;

/// A prefix: the address with every bit past `length` zero (normalised by make()).
struct ipv6_prefix {
  ipv6_address address{};
  std::uint8_t length = 0;  ///< 0..128

  /// `address` masked to `length` (bits past it cleared); length above 128 is clamped.
  [[nodiscard]] static ipv6_prefix make(const ipv6_address& address, std::uint8_t length) noexcept;
  [[nodiscard]] bool contains(const ipv6_address& a) const noexcept;
  /// True when `inner` lies inside this prefix (equal counts).
  [[nodiscard]] bool covers(const ipv6_prefix& inner) const noexcept;
  /// The upper 64 bits, host order: the key of a /64 (and of shorter prefixes, masked).
  [[nodiscard]] std::uint64_t high64() const noexcept;
  friend bool operator==(const ipv6_prefix&, const ipv6_prefix&) = default;
};

/// The upper / lower 64 bits of an address, host order.
[[nodiscard]] std::uint64_t high64(const ipv6_address& a) noexcept;
[[nodiscard]] std::uint64_t low64(const ipv6_address& a) noexcept;
/// The address whose upper and lower 64 bits are `high` and `low`.
[[nodiscard]] ipv6_address from_halves(std::uint64_t high, std::uint64_t low) noexcept;

/// fe80::/10.
[[nodiscard]] bool is_link_local(const ipv6_address& a) noexcept;
/// ff00::/8.
[[nodiscard]] bool is_multicast(const ipv6_address& a) noexcept;
/// fe80::IID: the link-local address of an interface identifier (RFC 4291 §2.5.6, RFC 5072 §5).
[[nodiscard]] ipv6_address link_local(std::uint64_t interface_id) noexcept;

/// "2001:db8::1" (RFC 5952 text, as inet_ntop writes it).
[[nodiscard]] std::string to_string(const ipv6_address& a);
/// "2001:db8:100::/56".
[[nodiscard]] std::string to_string(const ipv6_prefix& p);
/// An address in any RFC 4291 §2.2 text form; nullopt if it is not one.
[[nodiscard]] std::optional<ipv6_address> parse_ipv6_address(std::string_view text);
/// "ADDRESS/LENGTH" (LENGTH 0..128); nullopt if malformed or if bits past LENGTH are set
/// (a host address with a length is a typo in a pool, not a prefix).
[[nodiscard]] std::optional<ipv6_prefix> parse_ipv6_prefix(std::string_view text);

}  // namespace bras::ip
