// PPP frame header (RFC 1661 §2, §6.5, §6.6; RFC 1662 §3): the optional
// address/control field 0xFF 0x03 and the 1- or 2-byte protocol field. The
// transport (HDLC, PPPoE, L2TP) has already removed its own framing and FCS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"

namespace bras::ppp {

/// PPP protocol numbers (IANA "PPP DLL Protocol Numbers").
namespace proto {
inline constexpr std::uint16_t ipv4 = 0x0021;
inline constexpr std::uint16_t vj_compressed = 0x002d;
inline constexpr std::uint16_t vj_uncompressed = 0x002f;
inline constexpr std::uint16_t multilink = 0x003d;
inline constexpr std::uint16_t ipv6 = 0x0057;
inline constexpr std::uint16_t compressed_datagram = 0x00fd;
inline constexpr std::uint16_t ipcp = 0x8021;
inline constexpr std::uint16_t ecp = 0x8053;
inline constexpr std::uint16_t ipv6cp = 0x8057;
inline constexpr std::uint16_t ccp = 0x80fd;
inline constexpr std::uint16_t lcp = 0xc021;
inline constexpr std::uint16_t pap = 0xc023;
inline constexpr std::uint16_t lqr = 0xc025;
inline constexpr std::uint16_t bacp = 0xc02b;
inline constexpr std::uint16_t chap = 0xc223;
inline constexpr std::uint16_t eap = 0xc227;
}  // namespace proto

/// RFC 1661 §2: the most significant octet is even and the least significant odd.
[[nodiscard]] constexpr bool is_valid_protocol(std::uint16_t protocol) noexcept {
  return (protocol & 0x0100u) == 0 && (protocol & 0x0001u) != 0;
}

/// A decoded frame header; `payload` views the input (no copy).
struct frame {
  std::uint16_t protocol = 0;
  wire::byte_span payload;
  /// Absolute offset of payload[0]: pass it as `base` to the payload decoder.
  std::size_t payload_offset = 0;
  /// The frame started with 0xFF 0x03 (no address/control field compression).
  bool has_address_control = false;
  /// The protocol field was one byte (protocol field compression).
  bool protocol_compressed = false;

  /// Compares the payload bytes, not the span identity.
  friend bool operator==(const frame& a, const frame& b) noexcept;
};

/// Decodes the header of a frame with or without 0xFF 0x03 and with a 1- or 2-byte protocol.
[[nodiscard]] wire::result<frame> decode_frame(wire::byte_span data, std::size_t base = 0);

/// Which header compressions the peer accepted (LCP options 7 and 8).
struct frame_flags {
  bool acfc = false;  ///< omit 0xFF 0x03
  bool pfc = false;   ///< send protocols below 0x100 in one byte

  friend bool operator==(const frame_flags&, const frame_flags&) = default;
};

/// Appends the address/control and protocol fields. LCP is never compressed
/// (RFC 1661 §6.5, §6.6), nor is protocol 0x00FF (it would read as an address field).
void encode_frame_header(wire::writer& w, std::uint16_t protocol, frame_flags flags = {});
/// Length of the header encode_frame_header() writes for `protocol` with `flags`: 1 to 4 bytes.
[[nodiscard]] std::size_t frame_header_size(std::uint16_t protocol, frame_flags flags = {}) noexcept;
/// Writes the same header into `out`, the frame_header_size() bytes of headroom
/// in front of the payload (no copy of the payload). False, and nothing
/// written, when `out` has another size.
[[nodiscard]] bool encode_frame_header(std::span<std::byte> out, std::uint16_t protocol,
                                       frame_flags flags = {}) noexcept;
/// Appends a whole frame: header then payload.
void encode_frame(wire::writer& w, std::uint16_t protocol, wire::byte_span payload, frame_flags flags = {});

}  // namespace bras::ppp
