// L2TP control messages (RFC 2661 §6, RFC 3145, RFC 5515) as typed values.
//
// decode_control() is syntax only: it types every known AVP, deciphers hidden
// ones, and keeps unknown AVPs with their M bit. check() is the semantics:
// known message type, every mandatory AVP present, no unknown AVP with the M
// bit set. The FSMs decide what an error means (StopCCN, CDN, ignore).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/l2tp/avp.hpp"
#include "protocol/l2tp/avp_values.hpp"
#include "protocol/l2tp/header.hpp"

namespace bras::l2tp {

enum class message_type : std::uint16_t {
  zlb = 0,  ///< zero-length body: a header with no AVPs (an explicit ack)
  sccrq = 1,
  sccrp = 2,
  scccn = 3,
  stopccn = 4,
  hello = 6,
  ocrq = 7,
  ocrp = 8,
  occn = 9,
  icrq = 10,
  icrp = 11,
  iccn = 12,
  cdn = 14,
  wen = 15,
  sli = 16,
  csun = 28,   ///< RFC 5515 Connect-Speed-Update-Notification
  csurq = 29,  ///< RFC 5515 Connect-Speed-Update-Request
};

/// "SCCRQ", "ZLB", ... or "unknown".
[[nodiscard]] std::string_view message_name(message_type t) noexcept;
/// True for the types above other than zlb.
[[nodiscard]] bool is_known_message(std::uint16_t t) noexcept;

/// Broadband Forum (vendor 3561) access-line AVPs (RFC 5515 §4 / TR-101).
struct access_line_info {
#define BRAS_L2TP_BBF_FIELD(enumerator, number, member, codec_tag) codec_tag::field_type member{};
  BRAS_L2TP_BBF_AVPS(BRAS_L2TP_BBF_FIELD)
#undef BRAS_L2TP_BBF_FIELD
  [[nodiscard]] bool empty() const noexcept {
    return *this == access_line_info{};
  }
  friend bool operator==(const access_line_info&, const access_line_info&) = default;
};

/// An AVP this codec does not type (other vendors, unassigned types), kept
/// with its bits so the caller can apply the M-bit rule (RFC 2661 §4.1).
struct unknown_avp {
  bool mandatory = false;
  bool hidden = false;  ///< when hidden the value is still ciphered
  std::uint16_t vendor = 0;
  std::uint16_t type = 0;
  bytes value;
  friend bool operator==(const unknown_avp&, const unknown_avp&) = default;
};

/// Where and how an AVP arrived (for diagnostics and the M-bit rule).
struct avp_seen {
  std::uint16_t vendor = 0;
  std::uint16_t type = 0;
  bool mandatory = false;
  bool hidden = false;
  friend bool operator==(const avp_seen&, const avp_seen&) = default;
};

/// The arrival trace of a decoded message. It is diagnostics, not content:
/// two messages with the same AVPs are equal however they arrived (hidden or
/// not, with or without a Random Vector).
struct avp_trace : std::vector<avp_seen> {
  friend bool operator==(const avp_trace&, const avp_trace&) noexcept { return true; }
};

/// One control message of any type; each field is one AVP.
struct control_message {
  /// May hold a value outside the enumerators (an unknown type as received).
  message_type type = message_type::zlb;

  /// One field per AVP of avp_table.hpp, in type order: std::optional<T>
  /// (result, host_name, assigned_tunnel_id, ...), bool for the flags
  /// (sequencing_required, connect_speed_update_enable), a vector for the
  /// repeatable Connect Speed Update (speed_updates).
#define BRAS_L2TP_IETF_FIELD(enumerator, number, name, mandatory, hideable, member, codec_tag) \
  codec_tag::field_type member{};
#define BRAS_L2TP_NO_FIELD(...)
  BRAS_L2TP_IETF_AVPS(BRAS_L2TP_IETF_FIELD, BRAS_L2TP_NO_FIELD)
#undef BRAS_L2TP_IETF_FIELD
#undef BRAS_L2TP_NO_FIELD
  access_line_info access_line;  ///< vendor 3561
  std::vector<unknown_avp> unknown;

  /// Every AVP in arrival order (filled by decode_control; ignored by encode).
  avp_trace seen;

  /// Semantics (RFC 2661 §6): a known type, every mandatory AVP present, no
  /// unknown AVP with the M bit. The error names what is missing or wrong.
  [[nodiscard]] wire::status check() const;
  /// The first unknown AVP with the M bit set, if any (RFC 2661 §4.1: the
  /// tunnel or session must then be torn down).
  [[nodiscard]] const unknown_avp* unknown_mandatory() const noexcept;

  /// Compares the AVP content (`seen` always compares equal).
  friend bool operator==(const control_message&, const control_message&) = default;
};

/// A message of `t` with nothing else set.
[[nodiscard]] control_message make_message(message_type t);

struct decode_options {
  /// Shared secret of the tunnel, to decipher hidden AVPs.
  std::optional<std::string_view> secret;
};

/// Decodes the AVPs of a control message (the payload after the header);
/// `base` is the payload's offset in the datagram, for error offsets. An
/// empty payload is a ZLB.
[[nodiscard]] wire::result<control_message> decode_control(byte_span avps, std::size_t base = 0,
                                                           const decode_options& opts = {});

struct encode_options {
  /// Shared secret; required to hide AVPs.
  std::optional<std::string_view> secret;
  /// IETF AVP types to send hidden when a secret is set (bit n = type n, n < 64);
  /// types the RFC forbids hiding are never hidden.
  std::uint64_t hide_types = 0;
  /// Random Vector to use; a fresh 16-byte vector from the CSPRNG when empty.
  bytes random_vector;
};

/// The IETF AVPs that carry subscriber data: what `hide-avps` hides.
inline constexpr std::uint64_t sensitive_avps = (1ULL << 21) | (1ULL << 22) | (1ULL << 23) | (1ULL << 26) |
                                                (1ULL << 27) | (1ULL << 28) | (1ULL << 29) | (1ULL << 30) |
                                                (1ULL << 31) | (1ULL << 32) | (1ULL << 33) | (1ULL << 37);

/// Appends the AVPs of `m` (Message Type first, a Random Vector before the
/// first hidden AVP). A ZLB appends nothing. False, with `out` cleared, when an AVP
/// to be hidden could not be: no random bytes for the vector (nor, without MD5, for
/// the stand-in value). Then nothing may be sent: never a constant vector, never
/// the value in the clear.
bool encode_control(bytes& out, const control_message& m, const encode_options& opts = {});

/// A complete control datagram: header (T, L, S set) and AVPs; empty when encode_control fails.
[[nodiscard]] bytes encode_control_packet(std::uint16_t tunnel_id, std::uint16_t session_id, std::uint16_t ns,
                                          std::uint16_t nr, const control_message& m, const encode_options& opts = {});

}  // namespace bras::l2tp
