// L2TPv2 header (RFC 2661 §3.1): control and data messages.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |T|L|x|x|S|x|O|P|x|x|x|x|  Ver  |          Length (opt)         |
//  |           Tunnel ID           |           Session ID          |
//  |             Ns (opt)          |             Nr (opt)          |
//  |      Offset Size (opt)        |    Offset pad... (opt)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "protocol/common/bytes.hpp"

namespace bras::l2tp {

using wire::byte_span;
using wire::bytes;

inline constexpr std::uint16_t default_port = 1701;
inline constexpr std::uint8_t l2tp_version = 2;

struct header {
  bool control = false;           ///< T: control (true) or data message
  bool length_present = false;    ///< L: Length field present
  bool sequence_present = false;  ///< S: Ns and Nr present
  bool offset_present = false;    ///< O: Offset Size field present
  bool priority = false;          ///< P: data message should be preferred in queues
  std::uint16_t tunnel_id = 0;
  std::uint16_t session_id = 0;
  std::uint16_t ns = 0;
  std::uint16_t nr = 0;
  std::uint16_t offset_size = 0;  ///< pad bytes after the Offset Size field

  friend bool operator==(const header&, const header&) = default;
};

/// A decoded datagram: its header and the payload (AVPs or a PPP frame),
/// viewing the input buffer.
struct packet {
  header hdr;
  byte_span payload;
  std::size_t payload_offset = 0;  ///< offset of payload[0] in the datagram
};

/// Decodes the header of one UDP payload. Checks the version (2), the
/// control-message bit rules (L and S set, O and P clear), the Length field
/// against the datagram and the offset padding; bytes past Length are ignored.
[[nodiscard]] wire::result<packet> decode_packet(byte_span datagram) noexcept;

/// Length of the header that encode_header() writes for `h`.
[[nodiscard]] std::size_t header_size(const header& h) noexcept;

/// Appends the header; when L is set the Length field covers the header plus
/// `payload_size` bytes (the caller appends the payload next). Offset pad
/// bytes are written as zeros. Control headers always get T, L and S.
void encode_header(bytes& out, const header& h, std::size_t payload_size);

/// Writes the header of a data message (T clear; L, S with Ns/Nr, O with zeroed
/// padding and P as `h` says) into `out`, the header_size(h) bytes of headroom
/// in front of a payload of `payload_size` bytes, so the payload is never
/// copied. False, and nothing written, for a control header, an `out` of
/// another size, or a Length that would not fit 16 bits.
[[nodiscard]] bool encode_data_header(std::span<std::byte> out, const header& h, std::size_t payload_size) noexcept;

/// Header + payload in one buffer.
[[nodiscard]] bytes encode_packet(const header& h, byte_span payload);

}  // namespace bras::l2tp
