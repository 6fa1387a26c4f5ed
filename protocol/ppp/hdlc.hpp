// RFC 1662 asynchronous HDLC-like framing, as spoken on a pty or a serial
// line (xl2tpd's userspace mode relays PPP to pppd this way; rp-pppoe's
// `pppoe` reads it on stdin). A frame goes out as
//
//   0x7E  escaped(ppp frame + FCS-16, least significant byte first)  0x7E
//
// where escaping replaces 0x7D, 0x7E and every control byte (< 0x20) flagged
// in the Async-Control-Character-Map by 0x7D, byte ^ 0x20 (§4.2, §7.1). The
// FCS is the CRC-16/X.25 of §C.2. The PPP frame is what PPP sees: the
// address/control field (0xFF 0x03) and the protocol, if present.
//
// Pure: no I/O. The encoder and the FCS are free functions; the deframer is
// a byte-stream splitter with bounded memory for arbitrary input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "protocol/common/bytes.hpp"

namespace bras::ppp::hdlc {

/// Flag Sequence (§4.1): starts and ends every frame.
inline constexpr std::uint8_t flag = 0x7e;
/// Control Escape (§4.2): the next byte was XORed with `escape_xor`.
inline constexpr std::uint8_t escape = 0x7d;
inline constexpr std::uint8_t escape_xor = 0x20;

/// The ACCM before LCP negotiates one (§7.1): all 32 control characters escaped.
inline constexpr std::uint32_t default_accm = 0xffffffff;

/// FCS-16 initial value (§C.2).
inline constexpr std::uint16_t fcs_initial = 0xffff;
/// FCS-16 over a frame and its own (transmitted) FCS (§C.2).
inline constexpr std::uint16_t fcs_good = 0xf0b8;
/// Bytes of FCS-16 on the wire.
inline constexpr std::size_t fcs_size = 2;

/// Largest PPP frame (address/control, protocol and payload, FCS excluded)
/// the deframer keeps by default: above any MRU this project negotiates.
inline constexpr std::size_t default_max_frame = 4096;

/// Updates an FCS-16 with `data` (RFC 1662 §C.2, reflected polynomial 0x8408).
/// Start from fcs_initial; the value sent is the complement (~fcs), LSB first.
/// Running it over a frame followed by its FCS gives fcs_good.
[[nodiscard]] std::uint16_t fcs16(wire::byte_span data, std::uint16_t fcs = fcs_initial) noexcept;

/// True if `byte` must be escaped under `accm`: 0x7D and 0x7E always, a
/// control byte (< 0x20) when its bit (1 << byte) is set.
[[nodiscard]] constexpr bool needs_escape(std::uint8_t byte, std::uint32_t accm) noexcept {
  if (byte == flag || byte == escape) return true;
  return byte < 0x20 && ((accm >> byte) & 1u) != 0;
}

/// Appends flag, the escaped frame and FCS, and the closing flag.
void encode(wire::writer& w, wire::byte_span ppp_frame, std::uint32_t accm = default_accm);
/// The whole async HDLC frame for `ppp_frame` (opening and closing flag included).
[[nodiscard]] wire::bytes encode(wire::byte_span ppp_frame, std::uint32_t accm = default_accm);

/// What the deframer dropped and kept.
struct deframer_counters {
  std::uint64_t frames_ok = 0;   ///< frames delivered by next()
  std::uint64_t fcs_errors = 0;  ///< the FCS did not check (noise, garbage between flags)
  std::uint64_t runts = 0;       ///< 1 to 3 bytes between flags: shorter than a protocol byte and the FCS
  std::uint64_t aborted = 0;     ///< Control Escape directly followed by a flag (§4.2 abort sequence)
  std::uint64_t oversize = 0;    ///< longer than max_frame; skipped up to the next flag

  friend bool operator==(const deframer_counters&, const deframer_counters&) = default;
};

/// Splits an async HDLC byte stream, fed in chunks of any size, into PPP
/// frames: removes flags and escapes, checks and strips the FCS. Bad frames
/// are counted and dropped, never reported as errors. Two adjacent flags
/// (idle fill, or one frame's closing flag followed by the next one's
/// opening flag) delimit nothing and are not counted. The stream may start
/// without a flag; bytes up to the first flag then count as a frame.
///
/// Memory: a frame being assembled never holds more than max_frame + 2 bytes;
/// complete frames wait in a queue until next() takes them.
class deframer {
 public:
  /// `max_frame`: largest frame kept (FCS excluded). `rx_accm`: control bytes
  /// whose bit is set are removed when received unescaped (§7.1: they may have
  /// been inserted by intervening equipment); 0 (the default) keeps all of
  /// them, which decodes any sender's ACCM.
  explicit deframer(std::size_t max_frame = default_max_frame, std::uint32_t rx_accm = 0) noexcept
      : max_frame_(max_frame), rx_accm_(rx_accm) {}

  /// Consumes `chunk`; complete good frames are queued for next().
  void feed(wire::byte_span chunk);
  /// The oldest complete frame not taken yet (FCS stripped), if any.
  [[nodiscard]] std::optional<wire::bytes> next();
  /// Frames waiting in the queue.
  [[nodiscard]] std::size_t pending() const noexcept { return ready_.size(); }
  /// Bytes of the frame being assembled (received since the last flag).
  [[nodiscard]] std::size_t partial_size() const noexcept { return current_.size(); }
  [[nodiscard]] const deframer_counters& counters() const noexcept { return counters_; }

 private:
  void end_of_frame();

  std::size_t max_frame_;
  std::uint32_t rx_accm_;
  wire::bytes current_;
  bool escaped_ = false;   // the last byte was 0x7D
  bool too_long_ = false;  // the current frame overflowed: drop until the next flag
  std::deque<wire::bytes> ready_;
  deframer_counters counters_{};
};

}  // namespace bras::ppp::hdlc
