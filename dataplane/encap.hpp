// Encapsulation of what the data plane sends to a subscriber: the L2TP data
// header and the PPP header, written by their codecs (protocol/l2tp/header,
// protocol/ppp/frame) into headroom in front of the payload, so a packet read
// once into a buffer is sent from that same buffer. Also the in-place TCP MSS
// clamp both directions share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dataplane/session_table.hpp"
#include "protocol/common/bytes.hpp"

namespace bras::dataplane {

/// Room readers leave in front of a packet for the headers: L2TP at most 10
/// bytes as we send it (no Length, no Offset; Ns/Nr when sequencing), PPP at
/// most 4; rounded up.
inline constexpr std::size_t encap_headroom = 32;

/// A packet in a writable buffer with free bytes in front of it, for headers
/// to be prepended in place.
class headroom_packet {
 public:
  headroom_packet(std::span<std::byte> buffer, std::size_t offset, std::size_t size) noexcept
      : buffer_{buffer}, offset_{offset <= buffer.size() ? offset : buffer.size()} {
    size_ = size <= buffer_.size() - offset_ ? size : buffer_.size() - offset_;
  }
  /// The bytes from the first header prepended so far (or the packet) to the end.
  [[nodiscard]] std::span<std::byte> bytes() const noexcept { return buffer_.subspan(offset_, size_); }
  [[nodiscard]] std::size_t headroom() const noexcept { return offset_; }
  /// Grows the packet `n` bytes to the front and returns them; empty, and
  /// nothing changed, when the headroom is smaller.
  std::span<std::byte> push_front(std::size_t n) noexcept {
    if (n > offset_) return {};
    offset_ -= n;
    size_ += n;
    return buffer_.subspan(offset_, n);
  }

 private:
  std::span<std::byte> buffer_;
  std::size_t offset_;
  std::size_t size_ = 0;
};

/// Prepends, in place, the PPP header for `protocol` with the session's
/// ACFC/PFC (none when `protocol` is 0: the payload is a whole PPP frame),
/// then the L2TP data header to the peer's tunnel and session (S with the
/// next Ns when the session sequences, RFC 2661 §5.4). False, with nothing
/// consumed, when the headroom is too small.
bool encapsulate(data_session& s, std::uint16_t protocol, headroom_packet& p) noexcept;

/// The session's MSS clamp for one address family: `mss` is for IPv4
/// (MTU - 40); IPv6's header is 20 bytes longer.
[[nodiscard]] constexpr std::uint16_t max_mss(std::uint16_t mss, bool ipv6) noexcept {
  return ipv6 ? static_cast<std::uint16_t>(mss > 20 ? mss - 20 : 0) : mss;
}

/// Lowers the MSS option of a TCP SYN in `packet` to max_mss(mss, ipv6), in
/// place, fixing the checksum; any other packet is left untouched. True if
/// the packet changed.
bool clamp_in_place(std::span<std::byte> packet, bool ipv6, std::uint16_t mss) noexcept;

}  // namespace bras::dataplane
