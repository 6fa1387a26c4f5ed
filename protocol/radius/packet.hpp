// A RADIUS packet as bytes on the wire (RFC 2865 §3, §5): code, identifier,
// authenticator and attributes, with no meaning attached. The cryptographic
// parts (authenticators, Message-Authenticator, hidden passwords) are in
// crypto.hpp; what the attributes mean to brasd is in attributes.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"
#include "protocol/radius/dictionary.hpp"

namespace bras::radius {

inline constexpr std::size_t header_size = 20;
inline constexpr std::size_t max_packet_size = 4096;
inline constexpr std::size_t max_attribute_value = 253;

using authenticator = std::array<std::byte, 16>;

/// One attribute: its type and its raw value (at most 253 bytes).
struct attribute {
  std::uint8_t type = 0;
  wire::bytes value;
  friend bool operator==(const attribute&, const attribute&) = default;
};

/// One Vendor-Specific sub-attribute (RFC 2865 §5.26, the recommended format).
struct vendor_attribute {
  std::uint32_t vendor = 0;
  std::uint8_t type = 0;
  wire::bytes value;
  friend bool operator==(const vendor_attribute&, const vendor_attribute&) = default;
};

struct packet {
  radius::code code = radius::code::access_request;
  std::uint8_t id = 0;
  radius::authenticator auth{};
  std::vector<attribute> attributes;

  /// The first attribute of `type`, if any.
  [[nodiscard]] const attribute* find(std::uint8_t type) const noexcept;
  /// Every attribute of `type`, in order.
  [[nodiscard]] std::vector<const attribute*> all(std::uint8_t type) const;
  /// The first Vendor-Specific sub-attribute (vendor, type), if any.
  [[nodiscard]] std::optional<vendor_attribute> find_vendor(std::uint32_t vendor, std::uint8_t type) const;
  /// Every Vendor-Specific sub-attribute (malformed Vendor-Specific attributes are skipped).
  [[nodiscard]] std::vector<vendor_attribute> vendor_attributes() const;

  // Appenders (values longer than 253 bytes are cut: callers pass bounded values).
  void add(std::uint8_t type, wire::byte_span value);
  void add_string(std::uint8_t type, std::string_view value);
  void add_u32(std::uint8_t type, std::uint32_t value);
  void add_ipv4(std::uint8_t type, std::uint32_t host_order) { add_u32(type, host_order); }
  void add_vendor(std::uint32_t vendor, std::uint8_t type, wire::byte_span value);
  /// Removes every attribute of `type`.
  void remove(std::uint8_t type);
};

/// Decodes a packet: header, length field (≥ 20, ≤ 4096, ≤ the datagram; bytes past it are
/// ignored as RFC 2865 §3 says), and attributes (each length ≥ 2, inside the packet).
[[nodiscard]] wire::result<packet> decode(wire::byte_span datagram);
/// Encodes a packet as it is (no authenticator or Message-Authenticator computed: see crypto.hpp).
[[nodiscard]] wire::bytes encode(const packet& p);

/// Reads an attribute value as a 32-bit integer or IPv4 address; nullopt unless exactly 4 bytes.
[[nodiscard]] std::optional<std::uint32_t> as_u32(const attribute& a) noexcept;
[[nodiscard]] std::string as_string(const attribute& a);

/// A code's name ("Access-Request"), for logs and the show commands.
[[nodiscard]] std::string_view to_string(radius::code c) noexcept;

}  // namespace bras::radius
