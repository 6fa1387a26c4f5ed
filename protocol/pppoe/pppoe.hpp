// PPPoE (RFC 2516) packets: the 6-byte header, Discovery packets with their
// tags (plus RFC 4638 PPP-Max-Payload) and Session packets.
//
// Decoding is syntax only; check() applies the RFC 2516 §5 rules per packet
// type. Every function here takes the bytes that follow the Ethernet header
// (pass the Ethernet header size as `base` for frame-absolute offsets). Bytes
// after the PPPoE LENGTH are Ethernet padding and ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/bytes.hpp"

namespace bras::pppoe {

/// Values the VER and TYPE nibbles must carry.
inline constexpr std::uint8_t protocol_version = 1;
inline constexpr std::uint8_t protocol_type = 1;
inline constexpr std::size_t header_size = 6;
inline constexpr std::size_t tag_header_size = 4;
/// IANA enterprise number of the Broadband Forum (ex DSL Forum), used by TR-101 tags.
inline constexpr std::uint32_t bbf_vendor_id = 3561;

/// The CODE field.
enum class packet_code : std::uint8_t {
  session = 0x00,
  pado = 0x07,
  padi = 0x09,
  padr = 0x19,
  pads = 0x65,
  padt = 0xa7,
};

/// "PADI", "PADO", ... or "session"; "unknown" for other values.
[[nodiscard]] std::string_view to_string(packet_code c) noexcept;
/// True for the five Discovery codes.
[[nodiscard]] bool is_discovery_code(std::uint8_t c) noexcept;

/// TAG_TYPE values this codec knows.
enum class tag_type : std::uint16_t {
  end_of_list = 0x0000,
  service_name = 0x0101,
  ac_name = 0x0102,
  host_uniq = 0x0103,
  ac_cookie = 0x0104,
  vendor_specific = 0x0105,
  relay_session_id = 0x0110,
  ppp_max_payload = 0x0120,
  service_name_error = 0x0201,
  ac_system_error = 0x0202,
  generic_error = 0x0203,
};

/// True for the tag types that decode to a typed tag (including End-Of-List).
[[nodiscard]] bool is_known_tag(std::uint16_t t) noexcept;

/// Header fields common to both stages plus a view of the LENGTH payload bytes.
struct header_view {
  std::uint8_t code = 0;
  std::uint16_t session_id = 0;
  wire::byte_span payload;
};

/// Decodes the header (VER and TYPE must be 1) and bounds the payload by LENGTH.
[[nodiscard]] wire::result<header_view> decode_header(wire::byte_span in, std::size_t base = 0);

// --- Discovery tags --------------------------------------------------------

/// Service-Name (UTF-8, not NUL-terminated; empty means "any service").
struct service_name {
  std::string name;
  friend bool operator==(const service_name&, const service_name&) = default;
};
/// AC-Name (UTF-8).
struct ac_name {
  std::string name;
  friend bool operator==(const ac_name&, const ac_name&) = default;
};
/// Host-Uniq (opaque, echoed by the AC).
struct host_uniq {
  wire::bytes value;
  friend bool operator==(const host_uniq&, const host_uniq&) = default;
};
/// AC-Cookie (opaque, echoed by the host).
struct ac_cookie {
  wire::bytes value;
  friend bool operator==(const ac_cookie&, const ac_cookie&) = default;
};
/// Vendor-Specific: 32-bit vendor id (high octet zero per RFC 2516) and vendor data.
struct vendor_specific {
  std::uint32_t vendor_id = 0;
  wire::bytes data;
  friend bool operator==(const vendor_specific&, const vendor_specific&) = default;
};
/// Relay-Session-Id (opaque, added by relays).
struct relay_session_id {
  wire::bytes value;
  friend bool operator==(const relay_session_id&, const relay_session_id&) = default;
};
/// PPP-Max-Payload (RFC 4638).
struct ppp_max_payload {
  std::uint16_t value = 0;
  friend bool operator==(const ppp_max_payload&, const ppp_max_payload&) = default;
};
/// Service-Name-Error (optional UTF-8 explanation).
struct service_name_error {
  std::string message;
  friend bool operator==(const service_name_error&, const service_name_error&) = default;
};
/// AC-System-Error (optional UTF-8 explanation).
struct ac_system_error {
  std::string message;
  friend bool operator==(const ac_system_error&, const ac_system_error&) = default;
};
/// Generic-Error (optional UTF-8 explanation).
struct generic_error {
  std::string message;
  friend bool operator==(const generic_error&, const generic_error&) = default;
};
/// Any other tag, kept as type and raw value.
struct unknown_tag {
  std::uint16_t type = 0;
  wire::bytes value;
  friend bool operator==(const unknown_tag&, const unknown_tag&) = default;
};

/// One Discovery tag, typed where known.
using tag = std::variant<service_name, ac_name, host_uniq, ac_cookie, vendor_specific, relay_session_id,
                         ppp_max_payload, service_name_error, ac_system_error, generic_error, unknown_tag>;

/// TAG_TYPE of a tag.
[[nodiscard]] std::uint16_t type_of(const tag& t) noexcept;
/// Bytes the tag occupies on the wire (header + value).
[[nodiscard]] std::size_t wire_size(const tag& t) noexcept;

/// A Discovery packet (PADI, PADO, PADR, PADS or PADT).
struct discovery {
  packet_code code = packet_code::padi;
  std::uint16_t session_id = 0;
  std::vector<tag> tags;     ///< in wire order, End-Of-List excluded
  bool end_of_list = false;  ///< an End-Of-List tag followed `tags` (anything after it is dropped)

  friend bool operator==(const discovery&, const discovery&) = default;
};

/// Decodes a Discovery packet; unknown codes and malformed tags are errors.
[[nodiscard]] wire::result<discovery> decode_discovery(wire::byte_span in, std::size_t base = 0);
/// Appends the packet; fails (appending nothing) if it cannot be represented on the wire.
[[nodiscard]] wire::status encode(const discovery& d, wire::writer& w);

/// First tag of type T, or nullptr.
template <class T>
[[nodiscard]] const T* find(const discovery& d) noexcept {
  for (const tag& t : d.tags) {
    if (const T* p = std::get_if<T>(&t)) return p;
  }
  return nullptr;
}
/// Number of tags of type T.
template <class T>
[[nodiscard]] std::size_t count(const discovery& d) noexcept {
  std::size_t n = 0;
  for (const tag& t : d.tags) n += std::holds_alternative<T>(t) ? 1 : 0;
  return n;
}

/// RFC 2516 §5 rules for the packet's code. Offsets: 2 for SESSION_ID faults,
/// 6 (start of the tags) for missing or repeated tags, plus `base`.
[[nodiscard]] wire::status check(const discovery& d, std::size_t base = 0);
/// PADI: SESSION_ID 0, exactly one Service-Name.
[[nodiscard]] wire::status check_padi(const discovery& d, std::size_t base = 0);
/// PADO: SESSION_ID 0, exactly one AC-Name, at least one Service-Name.
[[nodiscard]] wire::status check_pado(const discovery& d, std::size_t base = 0);
/// PADR: SESSION_ID 0, exactly one Service-Name.
[[nodiscard]] wire::status check_padr(const discovery& d, std::size_t base = 0);
/// PADS: with Service-Name-Error SESSION_ID 0; SESSION_ID 0 with AC-System-Error or Generic-Error is a
/// refusal too; otherwise SESSION_ID non-zero and exactly one Service-Name.
[[nodiscard]] wire::status check_pads(const discovery& d, std::size_t base = 0);
/// PADT: SESSION_ID non-zero.
[[nodiscard]] wire::status check_padt(const discovery& d, std::size_t base = 0);

// --- Session stage ---------------------------------------------------------

/// A Session packet: the SESSION_ID and a view of the PPP frame (protocol field onwards).
struct session_view {
  std::uint16_t session_id = 0;
  wire::byte_span payload;
};

/// Decodes a Session packet (CODE must be 0x00). No copy.
[[nodiscard]] wire::result<session_view> decode_session(wire::byte_span in, std::size_t base = 0);
/// Appends a Session packet carrying `ppp` (at most 65535 bytes).
[[nodiscard]] wire::status encode_session(std::uint16_t session_id, wire::byte_span ppp, wire::writer& w);

}  // namespace bras::pppoe
