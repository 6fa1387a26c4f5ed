// Per-packet helpers for subscriber IP traffic on the LNS data plane: header
// parsing (RFC 791, RFC 8200), the Internet checksum (RFC 1071, RFC 1624),
// TCP MSS clamping (RFC 879, RFC 6691), the ICMP errors sent when a packet
// does not fit a session's MTU (RFC 792 + RFC 1191, RFC 4443) and IPv4
// fragmentation (RFC 791 §3.2).
//
// Every function is safe on arbitrary bytes: truncated headers, bogus lengths
// or option lists give an error, nullopt, false or an empty vector, never a
// crash. Bytes after the IP total length (link padding) are ignored.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::ip {

// IPv6 addresses (ipv6_address, network byte order) are in ipv6_prefix.hpp.
// IPv4 addresses are host-order std::uint32_t (192.0.2.1 is 0xc0000201).

/// IP protocol / IPv6 Next Header numbers (IANA "Assigned Internet Protocol Numbers").
namespace proto {
inline constexpr std::uint8_t hop_by_hop = 0;
inline constexpr std::uint8_t icmp = 1;
inline constexpr std::uint8_t tcp = 6;
inline constexpr std::uint8_t udp = 17;
inline constexpr std::uint8_t routing = 43;
inline constexpr std::uint8_t fragment = 44;
inline constexpr std::uint8_t icmpv6 = 58;
inline constexpr std::uint8_t no_next_header = 59;
inline constexpr std::uint8_t destination_options = 60;
}  // namespace proto

inline constexpr std::size_t ipv4_min_header = 20;
inline constexpr std::size_t ipv6_header_size = 40;
/// RFC 791: every IPv4 link carries at least 68 bytes without fragmenting.
inline constexpr std::uint16_t ipv4_min_mtu = 68;
/// RFC 8200 §5: every IPv6 link carries at least 1280 bytes.
inline constexpr std::uint16_t ipv6_min_mtu = 1280;

// --- Internet checksum ------------------------------------------------------

/// RFC 1071 checksum of `data` (odd lengths padded with a zero byte): the
/// value to store in a checksum field that was zero while summing. Summing a
/// packet whose checksum field is filled in gives 0 when it is correct.
/// `initial` is a running one's-complement sum to continue from, e.g. the sum
/// of a pseudo-header; it need not be folded.
[[nodiscard]] std::uint16_t internet_checksum(wire::byte_span data, std::uint32_t initial = 0) noexcept;

/// Unfolded sum of the RFC 8200 §8.1 pseudo-header, the `initial` of an
/// ICMPv6, UDP or TCP checksum over IPv6.
[[nodiscard]] std::uint32_t ipv6_pseudo_header_sum(const ipv6_address& src, const ipv6_address& dst,
                                                   std::uint32_t length, std::uint8_t next_header) noexcept;

/// RFC 1624 eqn. 3: the checksum after one 16-bit word it covers changed from
/// `old_word` to `new_word`, without summing the data again.
[[nodiscard]] std::uint16_t checksum_update(std::uint16_t checksum, std::uint16_t old_word,
                                            std::uint16_t new_word) noexcept;

// --- Headers ----------------------------------------------------------------

/// The IP version nibble of the first byte, 0 for an empty packet. Cheap
/// dispatch before parse_ipv4() / parse_ipv6().
[[nodiscard]] std::uint8_t ip_version(wire::byte_span packet) noexcept;

/// A decoded IPv4 header (RFC 791 §3.1). Options stay in the packet.
struct ipv4_header {
  std::uint8_t header_length = 0;  ///< bytes: IHL * 4, 20..60
  std::uint8_t tos = 0;
  std::uint16_t total_length = 0;  ///< header + payload; the packet may be longer (link padding)
  std::uint16_t id = 0;
  bool df = false;
  bool mf = false;
  std::uint16_t fragment_offset = 0;  ///< in bytes (the field times 8)
  std::uint8_t ttl = 0;
  std::uint8_t protocol = 0;
  std::uint16_t checksum = 0;
  std::uint32_t src = 0;
  std::uint32_t dst = 0;

  friend bool operator==(const ipv4_header&, const ipv4_header&) = default;
};

/// Decodes and bounds-checks an IPv4 header: version 4, IHL >= 5, the header
/// within the buffer, IHL*4 <= total length <= buffer size. The header
/// checksum is not checked (see ipv4_header_checksum_ok()).
[[nodiscard]] wire::result<ipv4_header> parse_ipv4(wire::byte_span packet);

/// True when the packet has a complete IPv4 header whose checksum verifies.
[[nodiscard]] bool ipv4_header_checksum_ok(wire::byte_span packet) noexcept;

/// A decoded IPv6 fixed header (RFC 8200 §3). Extension headers stay in the packet.
struct ipv6_header {
  std::uint8_t traffic_class = 0;
  std::uint32_t flow_label = 0;
  /// Bytes after the fixed header. 0 is taken literally: jumbograms (RFC 2675)
  /// cannot cross a PPP link, whose MRU is at most 65535.
  std::uint16_t payload_length = 0;
  std::uint8_t next_header = 0;
  std::uint8_t hop_limit = 0;
  ipv6_address src{};
  ipv6_address dst{};

  friend bool operator==(const ipv6_header&, const ipv6_header&) = default;
};

/// Decodes and bounds-checks an IPv6 fixed header: version 6, the 40 bytes
/// and the payload length within the buffer.
[[nodiscard]] wire::result<ipv6_header> parse_ipv6(wire::byte_span packet);

/// Source address of a valid IPv4 packet (anti-spoofing check), else nullopt.
[[nodiscard]] std::optional<std::uint32_t> ipv4_source(wire::byte_span packet);
/// Source address of a valid IPv6 packet, else nullopt.
[[nodiscard]] std::optional<ipv6_address> ipv6_source(wire::byte_span packet);

// --- TCP MSS clamping -------------------------------------------------------

/// The MSS that makes a TCP segment fit `mtu`: mtu - 40 for IPv4, mtu - 60
/// for IPv6 (both headers without options), 0 when the MTU is smaller.
[[nodiscard]] std::uint16_t mss_for_mtu(std::uint16_t mtu, bool ipv6) noexcept;

/// Lowers the MSS option of a TCP SYN (IPv4 or IPv6) to `max_mss` when it is
/// larger and fixes the TCP checksum incrementally. Returns true if the packet
/// changed; its length never does. Only the first fragment carries the TCP
/// header; IPv6 Hop-by-Hop, Routing and Destination Options headers are
/// skipped. A SYN without an MSS option is left alone: adding one would grow
/// the packet (Junos and accel-ppp also only rewrite an existing option), and
/// without one the peer assumes 536 (IPv4) or 1220 (IPv6) bytes (RFC 9293
/// §3.7.1), which fits any session MTU. Options before a malformed one are
/// still clamped, as receivers such as Linux honour them; nothing after it is
/// read.
bool clamp_tcp_mss(std::span<std::byte> packet, std::uint16_t max_mss) noexcept;
/// Whether clamp_tcp_mss(packet, max_mss) would change the packet (a SYN whose
/// MSS option is above `max_mss`), without touching it: read-only input is
/// copied only when it has to be rewritten.
[[nodiscard]] bool tcp_mss_above(wire::byte_span packet, std::uint16_t max_mss) noexcept;

// --- ICMP errors ------------------------------------------------------------

/// ICMP Destination Unreachable / Fragmentation Needed (RFC 792 type 3 code 4,
/// RFC 1191 §4 Next-Hop MTU) for an IPv4 packet with DF set that exceeds
/// `next_hop_mtu`: a new IPv4 packet from `our_address` to the original's
/// source, TTL 64, quoting as much of the original as fits in 576 bytes (RFC
/// 1812 §4.3.2.3). Empty when no error may be sent (RFC 1122 §3.2.2): the
/// original is malformed, an ICMP error, a non-first fragment, or has a
/// broadcast/multicast destination or a source that is not one host; also
/// when DF is clear, as such a packet is fragmented instead. `id` is
/// the error's IPv4 Identification: pass a counter (RFC 6864 §4.2).
[[nodiscard]] wire::bytes make_icmp_frag_needed(wire::byte_span original, std::uint16_t next_hop_mtu,
                                                std::uint32_t our_address, std::uint16_t id = 0);

/// ICMPv6 Packet Too Big (RFC 4443 §3.2, type 2 code 0) for an IPv6 packet
/// larger than `mtu`: from `our_address` to the original's source, hop limit
/// 64, quoting as much of the original as fits in 1280 bytes. Empty when the
/// original is malformed, an ICMPv6 error (type < 128), or its source is
/// unspecified or multicast (RFC 4443 §2.4 (e)). Unlike other errors, Packet
/// Too Big is sent for a multicast destination too (§2.4 (e.3)).
[[nodiscard]] wire::bytes make_icmpv6_packet_too_big(wire::byte_span original, std::uint32_t mtu,
                                                     const ipv6_address& our_address);

// --- ICMP echo (test and load traffic) --------------------------------------

/// An ICMP Echo Request (RFC 792 type 8) in an IPv4 packet of `total_size`
/// bytes (at least 28: IPv4 + ICMP headers; the payload is a byte pattern),
/// from `src` to `dst`, TTL 64, DF clear, both checksums filled in.
[[nodiscard]] wire::bytes make_icmp_echo_request(std::uint32_t src, std::uint32_t dst, std::uint16_t identifier,
                                                 std::uint16_t sequence, std::size_t total_size = 128);

/// The identifier and sequence number of an ICMP Echo Reply (type 0) in an
/// IPv4 packet (first fragment, complete ICMP header); nullopt for anything else.
struct icmp_echo {
  std::uint32_t src = 0;
  std::uint16_t identifier = 0;
  std::uint16_t sequence = 0;
};
[[nodiscard]] std::optional<icmp_echo> parse_icmp_echo_reply(wire::byte_span packet);

// --- IPv4 fragmentation -----------------------------------------------------

/// Splits an IPv4 packet without DF into fragments of at most `mtu` bytes
/// (RFC 791 §3.2): payloads are multiples of 8 bytes except the last, offsets
/// continue from the original's own offset, MF is set on all but the last,
/// which keeps the original's MF. The first fragment keeps all options, later
/// ones only those with the copied flag. A packet that fits is returned as
/// one fragment (without link padding). nullopt when DF is set, `mtu` < 68,
/// or the packet is malformed (including a bad header checksum: rewriting
/// the header would hide the corruption).
[[nodiscard]] std::optional<std::vector<wire::bytes>> fragment_ipv4(wire::byte_span packet, std::uint16_t mtu);

}  // namespace bras::ip
