// The values of L2TP AVPs (RFC 2661 §4.4, RFC 3145, RFC 5515) and the codec
// tags of avp_table.hpp: each tag names the field type an AVP decodes into;
// avp_codec.* reads and writes it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/l2tp/avp.hpp"

namespace bras::l2tp {

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

/// Codec tags of avp_table.hpp, each with the control_message field type it fills.
namespace codec {
template <class T>
struct uint {
  using field_type = std::optional<T>;
};
using u16 = uint<std::uint16_t>;
using u32 = uint<std::uint32_t>;
using u64 = uint<std::uint64_t>;
/// Any octets as text; text_nonempty rejects an empty value.
struct text {
  using field_type = std::optional<std::string>;
};
struct text_nonempty {
  using field_type = std::optional<std::string>;
};
struct octets {
  using field_type = std::optional<bytes>;
};
struct octets_nonempty {
  using field_type = std::optional<bytes>;
};
/// An AVP with no value: present or not.
struct flag {
  using field_type = bool;
};
struct digest {
  using field_type = std::optional<wire::md5_digest>;
};
struct result {
  using field_type = std::optional<result_code>;
};
struct version {
  using field_type = std::optional<protocol_version_value>;
};
struct q931 {
  using field_type = std::optional<q931_cause>;
};
struct call_errors {
  using field_type = std::optional<call_errors_value>;
};
struct accm {
  using field_type = std::optional<accm_value>;
};
struct disconnect_cause {
  using field_type = std::optional<ppp_disconnect_cause>;
};
/// Repeatable: one AVP per element.
struct speed_updates {
  using field_type = std::vector<connect_speed_update>;
};
/// Access Loop Encapsulation: data link, encapsulation 1, encapsulation 2.
struct encapsulation {
  using field_type = std::optional<std::array<std::uint8_t, 3>>;
};
}  // namespace codec

}  // namespace bras::l2tp
