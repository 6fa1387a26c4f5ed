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

/// Result Code AVP (1): StopCCN and CDN result, optional error code and message.
struct result_code {
  std::uint16_t result = 0;
  std::optional<std::uint16_t> error;
  std::string message;  ///< only on the wire when `error` is present
  friend bool operator==(const result_code&, const result_code&) = default;
};

/// StopCCN result codes (RFC 2661 §4.4.2).
namespace stopccn_result {
inline constexpr std::uint16_t general_clear = 1;
inline constexpr std::uint16_t general_error = 2;
inline constexpr std::uint16_t already_exists = 3;
inline constexpr std::uint16_t not_authorized = 4;
inline constexpr std::uint16_t unsupported_version = 5;
inline constexpr std::uint16_t shutting_down = 6;
inline constexpr std::uint16_t fsm_error = 7;
}  // namespace stopccn_result
/// CDN result codes (RFC 2661 §4.4.2).
namespace cdn_result {
inline constexpr std::uint16_t lost_carrier = 1;
inline constexpr std::uint16_t general_error = 2;
inline constexpr std::uint16_t admin = 3;
inline constexpr std::uint16_t no_facilities_temporary = 4;
inline constexpr std::uint16_t no_facilities_permanent = 5;
inline constexpr std::uint16_t invalid_destination = 6;
inline constexpr std::uint16_t no_carrier = 7;
inline constexpr std::uint16_t busy = 8;
inline constexpr std::uint16_t no_dial_tone = 9;
inline constexpr std::uint16_t timeout = 10;
inline constexpr std::uint16_t no_framing = 11;
}  // namespace cdn_result
/// General error codes (RFC 2661 §4.4.2).
namespace error_code {
inline constexpr std::uint16_t none = 0;
inline constexpr std::uint16_t no_control_connection = 1;
inline constexpr std::uint16_t length_wrong = 2;
inline constexpr std::uint16_t value_out_of_range = 3;
inline constexpr std::uint16_t insufficient_resources = 4;
inline constexpr std::uint16_t invalid_session_id = 5;
inline constexpr std::uint16_t vendor_error = 6;
inline constexpr std::uint16_t try_another = 7;
inline constexpr std::uint16_t unknown_mandatory_avp = 8;
}  // namespace error_code

struct protocol_version_value {
  std::uint8_t version = 1;
  std::uint8_t revision = 0;
  friend bool operator==(const protocol_version_value&, const protocol_version_value&) = default;
};

/// Framing (3) and Bearer (4) Capabilities, Bearer (18) and Framing (19) Type bits.
namespace framing_bits {
inline constexpr std::uint32_t synchronous = 0x1;
inline constexpr std::uint32_t asynchronous = 0x2;
}  // namespace framing_bits
namespace bearer_bits {
inline constexpr std::uint32_t digital = 0x1;
inline constexpr std::uint32_t analog = 0x2;
}  // namespace bearer_bits

/// Q.931 Cause Code AVP (12).
struct q931_cause {
  std::uint16_t cause = 0;
  std::uint8_t message = 0;
  std::string advisory;
  friend bool operator==(const q931_cause&, const q931_cause&) = default;
};

/// Proxy Authen Type values (AVP 29).
namespace proxy_auth {
inline constexpr std::uint16_t reserved = 0;
inline constexpr std::uint16_t textual = 1;
inline constexpr std::uint16_t chap = 2;
inline constexpr std::uint16_t pap = 3;
inline constexpr std::uint16_t none = 4;
inline constexpr std::uint16_t mschap_v1 = 5;
}  // namespace proxy_auth

/// Call Errors AVP (34), sent in WEN.
struct call_errors_value {
  std::uint32_t crc_errors = 0;
  std::uint32_t framing_errors = 0;
  std::uint32_t hardware_overruns = 0;
  std::uint32_t buffer_overruns = 0;
  std::uint32_t timeout_errors = 0;
  std::uint32_t alignment_errors = 0;
  friend bool operator==(const call_errors_value&, const call_errors_value&) = default;
};

/// ACCM AVP (35), sent in SLI.
struct accm_value {
  std::uint32_t send = 0xffffffff;
  std::uint32_t receive = 0xffffffff;
  friend bool operator==(const accm_value&, const accm_value&) = default;
};

/// RFC 3145 PPP Disconnect Cause Code AVP (46).
struct ppp_disconnect_cause {
  std::uint16_t code = 0;
  std::uint16_t protocol = 0;  ///< PPP protocol number, 0 for global codes
  std::uint8_t direction = 0;  ///< 0 global, 1 at peer, 2 at local
  std::string message;
  friend bool operator==(const ppp_disconnect_cause&, const ppp_disconnect_cause&) = default;
};

/// RFC 5515 Connect Speed Update AVP (97), L2TPv2 layout.
struct connect_speed_update {
  std::uint16_t remote_session_id = 0;
  std::uint32_t tx_speed = 0;
  std::uint32_t rx_speed = 0;
  friend bool operator==(const connect_speed_update&, const connect_speed_update&) = default;
};

/// Broadband Forum (vendor 3561) access-line AVPs (RFC 5515 §4 / TR-101).
struct access_line_info {
  std::optional<std::string> agent_circuit_id;
  std::optional<std::string> agent_remote_id;
  std::optional<std::uint64_t> actual_rate_up, actual_rate_down;
  std::optional<std::uint64_t> minimum_rate_up, minimum_rate_down;
  std::optional<std::uint64_t> attainable_rate_up, attainable_rate_down;
  std::optional<std::uint64_t> maximum_rate_up, maximum_rate_down;
  std::optional<std::uint64_t> minimum_rate_up_low_power, minimum_rate_down_low_power;
  std::optional<std::uint32_t> maximum_interleaving_delay_up, actual_interleaving_delay_up;
  std::optional<std::uint32_t> maximum_interleaving_delay_down, actual_interleaving_delay_down;
  std::optional<std::array<std::uint8_t, 3>> access_loop_encapsulation;  ///< data link, encaps 1, encaps 2
  [[nodiscard]] bool empty() const noexcept { return *this == access_line_info{}; }
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

  // clang-format off
  std::optional<result_code> result;                          // 1
  std::optional<protocol_version_value> protocol_version;     // 2
  std::optional<std::uint32_t> framing_capabilities;          // 3
  std::optional<std::uint32_t> bearer_capabilities;           // 4
  std::optional<std::uint64_t> tie_breaker;                   // 5
  std::optional<std::uint16_t> firmware_revision;             // 6
  std::optional<std::string> host_name;                       // 7
  std::optional<std::string> vendor_name;                     // 8
  std::optional<std::uint16_t> assigned_tunnel_id;            // 9
  std::optional<std::uint16_t> receive_window_size;           // 10
  std::optional<bytes> challenge;                             // 11
  std::optional<q931_cause> q931;                             // 12
  std::optional<wire::md5_digest> challenge_response;         // 13
  std::optional<std::uint16_t> assigned_session_id;           // 14
  std::optional<std::uint32_t> call_serial_number;            // 15
  std::optional<std::uint32_t> minimum_bps;                   // 16
  std::optional<std::uint32_t> maximum_bps;                   // 17
  std::optional<std::uint32_t> bearer_type;                   // 18
  std::optional<std::uint32_t> framing_type;                  // 19
  std::optional<std::string> called_number;                   // 21
  std::optional<std::string> calling_number;                  // 22
  std::optional<std::string> sub_address;                     // 23
  std::optional<std::uint32_t> tx_connect_speed;              // 24
  std::optional<std::uint32_t> physical_channel_id;           // 25
  std::optional<bytes> initial_received_lcp_confreq;          // 26
  std::optional<bytes> last_sent_lcp_confreq;                 // 27
  std::optional<bytes> last_received_lcp_confreq;             // 28
  std::optional<std::uint16_t> proxy_authen_type;             // 29
  std::optional<std::string> proxy_authen_name;               // 30
  std::optional<bytes> proxy_authen_challenge;                // 31
  std::optional<std::uint16_t> proxy_authen_id;               // 32
  std::optional<bytes> proxy_authen_response;                 // 33
  std::optional<call_errors_value> call_errors;               // 34
  std::optional<accm_value> accm;                             // 35
  std::optional<bytes> private_group_id;                      // 37
  std::optional<std::uint32_t> rx_connect_speed;              // 38
  bool sequencing_required = false;                           // 39
  std::optional<ppp_disconnect_cause> disconnect_cause;       // 46
  std::vector<connect_speed_update> speed_updates;            // 97 (repeatable)
  bool connect_speed_update_enable = false;                   // 98
  access_line_info access_line;                               // vendor 3561
  // clang-format on
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
/// first hidden AVP). A ZLB appends nothing.
void encode_control(bytes& out, const control_message& m, const encode_options& opts = {});

/// A complete control datagram: header (T, L, S set) and AVPs.
[[nodiscard]] bytes encode_control_packet(std::uint16_t tunnel_id, std::uint16_t session_id, std::uint16_t ns,
                                          std::uint16_t nr, const control_message& m, const encode_options& opts = {});

}  // namespace bras::l2tp
