// Pieces the attributes_*.cpp files share: the NAS identity and port attributes every request
// carries, the RFC 4679 DSL Forum VSAs, and typed reads that report the attribute's index.
// Internal to protocol/radius.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "protocol/radius/attributes.hpp"

namespace bras::radius::detail {

/// NAS-IP-Address and NAS-Identifier (each when set).
void add_nas(packet& p, const nas_identity& nas);
/// NAS-Port, NAS-Port-Id, NAS-Port-Type, Called-/Calling-Station-Id, Connect-Info, then the
/// DSL Forum VSAs of `line.line`.
void add_line(packet& p, const subscriber_line& line);
/// The inverse of add_line (absent attributes stay default; nas_port_type defaults to Virtual).
[[nodiscard]] wire::status read_line(const packet& p, subscriber_line& line);

/// A 4-byte integer value, or an error "reason" at the attribute's index.
[[nodiscard]] wire::result<std::uint32_t> u32_at(const packet& p, std::size_t index, std::string_view reason);

/// Index of `a` within p.attributes (a points into it).
[[nodiscard]] inline std::size_t index_of(const packet& p, const attribute* a) noexcept {
  return static_cast<std::size_t>(a - p.attributes.data());
}

/// One Vendor-Specific sub-attribute and the index of the attribute that holds it.
struct indexed_vendor_attribute {
  std::size_t index = 0;
  vendor_attribute vsa;
};
/// Every well-formed Vendor-Specific sub-attribute, in order (malformed ones are skipped, as
/// packet::vendor_attributes does).
[[nodiscard]] std::vector<indexed_vendor_attribute> indexed_vendor_attributes(const packet& p);

/// Tunnel candidates from the RFC 2868 attributes of an Access-Accept (attributes_tunnel.cpp).
[[nodiscard]] wire::status read_tunnels(const packet& accept, authorization& out);

}  // namespace bras::radius::detail
