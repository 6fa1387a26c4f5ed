// What a router says on a subscriber's point-to-point PPP link besides
// forwarding: Neighbor Discovery's Router Solicitation / Router Advertisement
// (RFC 4861 §4.1-4.2, §6) with Prefix Information, MTU and RDNSS (RFC 8106)
// options; ICMPv6 Echo to the router's own link-local address (RFC 4443
// §4); and the UDP-over-IPv6 framing DHCPv6 travels in (RFC 8200, RFC 768,
// checksum per RFC 8200 §8.1). Both sides: the LNS answers and advertises,
// bras-loadgen solicits and reads the advertisement.
//
// Decoders take whole IPv6 packets as the PPP link delivers them and never
// throw; a packet that is not what they decode gives an error with a reason
// and an offset. Hop limits, checksums and lengths are checked as RFC 4861
// §6.1.1 / §6.1.2 ask (an RS or RA whose hop limit is not 255 is invalid).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::ip::nd {

/// ICMPv6 types used here (RFC 4443, RFC 4861).
namespace icmpv6_type {
inline constexpr std::uint8_t echo_request = 128;
inline constexpr std::uint8_t echo_reply = 129;
inline constexpr std::uint8_t router_solicitation = 133;
inline constexpr std::uint8_t router_advertisement = 134;
inline constexpr std::uint8_t neighbor_solicitation = 135;
inline constexpr std::uint8_t neighbor_advertisement = 136;
}  // namespace icmpv6_type

/// ff02::1 (all nodes), ff02::2 (all routers), ff02::1:2 (All_DHCP_Relay_Agents_and_Servers).
[[nodiscard]] ipv6_address all_nodes() noexcept;
[[nodiscard]] ipv6_address all_routers() noexcept;
[[nodiscard]] ipv6_address all_dhcp_servers() noexcept;

/// How a packet from the subscriber must be handled, by its destination and
/// content (decided on the fast path, so cheap: the fixed header and at most
/// the first 8 bytes of an ICMPv6 / UDP header).
enum class local_kind : std::uint8_t {
  forward,              ///< not for the router itself: anti-spoofing, then tun
  router_solicitation,  ///< ICMPv6 133 to ff02::2 / our link-local
  dhcpv6,               ///< UDP to port 547 at ff02::1:2 / our link-local
  echo_request,         ///< ICMPv6 128 to our link-local address
  neighbor_discovery,   ///< NS/NA (DAD, NUD) and other link-scope ND: nothing to answer on PPP
  other_local,          ///< any other multicast or link-local destination: dropped, counted
};
/// Classifies an IPv6 packet from the subscriber (multicast and link-local destinations are
/// never forwarded; RFC 4291 §2.5.6). Malformed headers classify as `forward` (the forwarding
/// checks drop and count them).
[[nodiscard]] local_kind classify(wire::byte_span packet) noexcept;

/// One Prefix Information option (RFC 4861 §4.6.2).
struct prefix_information {
  ipv6_prefix prefix;
  bool on_link = true;     ///< L
  bool autonomous = true;  ///< A (SLAAC)
  std::uint32_t valid_lifetime = 2592000;
  std::uint32_t preferred_lifetime = 604800;
  friend bool operator==(const prefix_information&, const prefix_information&) = default;
};

/// A Router Advertisement's content (RFC 4861 §4.2), with the options the LNS sends.
struct router_advertisement {
  std::uint8_t cur_hop_limit = 64;
  bool managed = false;                  ///< M: addresses by DHCPv6
  bool other = false;                    ///< O: other configuration (DNS) by DHCPv6
  std::uint16_t router_lifetime = 1800;  ///< seconds; 0: not a default router
  std::uint32_t reachable_time = 0;      ///< ms; 0: unspecified
  std::uint32_t retrans_timer = 0;       ///< ms; 0: unspecified
  std::optional<std::uint32_t> mtu;      ///< MTU option (RFC 4861 §4.6.4)
  std::vector<prefix_information> prefixes;
  std::vector<ipv6_address> rdnss;   ///< RFC 8106 §5.1; none: no RDNSS option
  std::uint32_t rdnss_lifetime = 0;  ///< seconds
  friend bool operator==(const router_advertisement&, const router_advertisement&) = default;
};

/// A whole IPv6 packet carrying `ra`: from `src` (our link-local) to `dst` (ff02::1, or the
/// soliciting address), hop limit 255, ICMPv6 checksum filled in.
[[nodiscard]] wire::bytes encode_router_advertisement(const ipv6_address& src, const ipv6_address& dst,
                                                      const router_advertisement& ra);
/// Decodes an RA packet (the client side; also what tests check): RFC 4861 §6.1.2 validity
/// (hop limit 255, link-local source, checksum, code 0, length >= 16, option lengths > 0).
/// Unknown options are skipped.
[[nodiscard]] wire::result<router_advertisement> decode_router_advertisement(wire::byte_span packet);

/// A Router Solicitation as received (RFC 4861 §4.1, validated per §6.1.1).
struct router_solicitation {
  ipv6_address src{};  ///< unspecified (::) or the subscriber's link-local
};
[[nodiscard]] wire::result<router_solicitation> decode_router_solicitation(wire::byte_span packet);
/// An RS packet from `src` to ff02::2, hop limit 255 (bras-loadgen; no options on PPP).
[[nodiscard]] wire::bytes encode_router_solicitation(const ipv6_address& src);

/// The Echo Reply to an Echo Request for `ours` (our link-local): same identifier, sequence
/// and data, from `ours` to the request's source, hop limit 64. Empty if the request is
/// malformed (bad checksum, truncated) or not addressed to `ours`.
[[nodiscard]] wire::bytes make_echo_reply(wire::byte_span request, const ipv6_address& ours);
/// An ICMPv6 Echo Request packet of `total_size` bytes (at least 48) (bras-loadgen --traffic).
[[nodiscard]] wire::bytes make_echo_request(const ipv6_address& src, const ipv6_address& dst, std::uint16_t identifier,
                                            std::uint16_t sequence, std::size_t total_size = 128);
/// The identifier and sequence of an ICMPv6 Echo Reply packet; nullopt for anything else.
struct echo {
  ipv6_address src{};
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
};
[[nodiscard]] std::optional<echo> parse_echo_reply(wire::byte_span packet);

/// A UDP datagram in an IPv6 packet (no extension headers), checksum verified (a zero UDP
/// checksum is invalid over IPv6: RFC 8200 §8.1).
struct udp_datagram {
  ipv6_address src{};
  ipv6_address dst{};
  std::uint8_t hop_limit = 0;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  wire::byte_span payload;  ///< into the packet given
};
[[nodiscard]] wire::result<udp_datagram> decode_udp(wire::byte_span packet);
/// A whole IPv6 + UDP packet with `payload`, checksum filled in.
[[nodiscard]] wire::bytes encode_udp(const ipv6_address& src, const ipv6_address& dst, std::uint16_t src_port,
                                     std::uint16_t dst_port, wire::byte_span payload, std::uint8_t hop_limit = 255);

}  // namespace bras::ip::nd
