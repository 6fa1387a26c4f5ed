// Ethernet II header with up to two 802.1Q / 802.1ad VLAN tags.
//
// Only what a PPPoE access concentrator needs: addresses, the VLAN stack
// (single tag or QinQ) and the ethertype; the payload is a view into the
// input. The FCS is not part of the frame (sockets strip it) and short frames
// are not padded here (the NIC pads to 60 bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "protocol/common/bytes.hpp"

namespace bras::eth {

/// A 48-bit MAC address, transmission order.
using mac_address = std::array<std::uint8_t, 6>;

inline constexpr std::uint16_t tpid_8021q = 0x8100;        ///< C-tag (802.1Q)
inline constexpr std::uint16_t tpid_8021ad = 0x88a8;       ///< S-tag (802.1ad)
inline constexpr std::uint16_t tpid_qinq_legacy = 0x9100;  ///< pre-802.1ad S-tag
inline constexpr std::uint16_t ethertype_pppoe_discovery = 0x8863;
inline constexpr std::uint16_t ethertype_pppoe_session = 0x8864;
/// Values below this in the ethertype position are 802.3 lengths.
inline constexpr std::uint16_t ethertype_min = 0x0600;
inline constexpr std::size_t header_size_untagged = 14;
inline constexpr std::size_t vlan_tag_size = 4;

/// True for the TPIDs recognised as VLAN tags (0x8100, 0x88a8, 0x9100).
[[nodiscard]] constexpr bool is_vlan_tpid(std::uint16_t v) noexcept {
  return v == tpid_8021q || v == tpid_8021ad || v == tpid_qinq_legacy;
}

/// One VLAN tag: TPID and the TCI split into priority, drop-eligible bit and VLAN id.
struct vlan_tag {
  std::uint16_t tpid = tpid_8021q;
  std::uint8_t pcp = 0;  ///< 0..7
  bool dei = false;
  std::uint16_t vid = 0;  ///< 0..4095

  friend bool operator==(const vlan_tag&, const vlan_tag&) = default;
};

/// Ethernet II header. `inner_vlan` is only meaningful with `outer_vlan` (QinQ).
struct header {
  mac_address dst{};
  mac_address src{};
  std::optional<vlan_tag> outer_vlan;
  std::optional<vlan_tag> inner_vlan;
  std::uint16_t ethertype = 0;

  friend bool operator==(const header&, const header&) = default;
};

/// A decoded frame: the header and a view of everything after it.
struct frame {
  header hdr;
  wire::byte_span payload;
};

/// Bytes the header occupies on the wire (14, 18 or 22).
[[nodiscard]] std::size_t header_size(const header& h) noexcept;

/// Decodes an Ethernet II frame (without FCS); at most two VLAN tags.
[[nodiscard]] wire::result<frame> decode(wire::byte_span in, std::size_t base = 0);

/// Appends the header; fails (appending nothing) on a value the decoder could not return.
[[nodiscard]] wire::status encode(const header& h, wire::writer& w);
/// Appends the header and then the payload.
[[nodiscard]] wire::status encode(const header& h, wire::byte_span payload, wire::writer& w);

}  // namespace bras::eth
