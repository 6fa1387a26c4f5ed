// L2TP AVPs (RFC 2661 §4): the generic AVP layer — header, M and H bits,
// hidden-AVP ciphering (§4.3) — and tunnel authentication (§4.2, §5.1.1).
//
//   |M|H| rsvd  |      Length       |           Vendor ID           |
//   |         Attribute Type        |        Attribute Value ...
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/common/bytes.hpp"
#include "protocol/common/crypto.hpp"
#include "protocol/l2tp/avp_table.hpp"

namespace bras::l2tp {

using wire::byte_span;
using wire::bytes;

inline constexpr std::uint16_t ietf_vendor = 0;
/// Broadband Forum (formerly DSL Forum): RFC 5515 access-line AVPs.
inline constexpr std::uint16_t broadband_forum_vendor = 3561;
inline constexpr std::size_t avp_header_size = 6;
inline constexpr std::size_t avp_max_size = 1023;  // 10-bit Length field

/// IETF AVP types (Vendor ID 0), from the table in avp_table.hpp.
enum class avp_type : std::uint16_t {
#define BRAS_L2TP_AVP_ENUMERATOR(enumerator, type, ...) enumerator = type,
#define BRAS_L2TP_FRAMING_ENUMERATOR(enumerator, type, ...) enumerator = type,
  BRAS_L2TP_IETF_AVPS(BRAS_L2TP_AVP_ENUMERATOR, BRAS_L2TP_FRAMING_ENUMERATOR)
#undef BRAS_L2TP_AVP_ENUMERATOR
#undef BRAS_L2TP_FRAMING_ENUMERATOR
};

/// Broadband Forum (vendor 3561) access-line AVP types (RFC 5515 §4).
enum class bbf_avp_type : std::uint16_t {
#define BRAS_L2TP_BBF_ENUMERATOR(enumerator, type, ...) enumerator = type,
  BRAS_L2TP_BBF_AVPS(BRAS_L2TP_BBF_ENUMERATOR)
#undef BRAS_L2TP_BBF_ENUMERATOR
};

/// Human name of an IETF AVP type ("Host Name"), "unknown" otherwise.
[[nodiscard]] std::string_view avp_name(std::uint16_t type) noexcept;
/// The M-bit value RFC 2661 §4.4 prescribes for an IETF AVP we send.
[[nodiscard]] bool avp_mandatory_by_rfc(std::uint16_t type) noexcept;
/// False for AVPs the RFC forbids hiding (Message Type, Result Code,
/// Protocol Version, Tie Breaker, Host Name, RWS, Q.931, Random Vector, Sequencing).
[[nodiscard]] bool avp_may_be_hidden(std::uint16_t type) noexcept;

/// One AVP as it sits on the wire; `value` views the input (still ciphered
/// when `hidden`). `offset` is the absolute offset of the AVP header.
struct raw_avp {
  bool mandatory = false;
  bool hidden = false;
  std::uint16_t vendor = 0;
  std::uint16_t type = 0;
  byte_span value;
  std::size_t offset = 0;
};

/// Reads the next AVP header and bounds its value. Errors: length below 6,
/// length past the end of the message.
[[nodiscard]] wire::result<raw_avp> read_avp(wire::reader& r) noexcept;

/// Deciphers a hidden AVP value (RFC 2661 §4.3) with the shared secret and
/// the Random Vector that preceded it. The Original Length subfield is bounded
/// by the ciphered length; padding is dropped. Errors carry `avp.offset`.
[[nodiscard]] wire::result<bytes> unhide(const raw_avp& avp, std::string_view secret, byte_span random_vector);

/// Ciphers `value` for a hidden AVP of `type`, appending `pad` zero bytes
/// of padding before ciphering. Returns the AVP body to put on the wire, or
/// nullopt when libcrypto refuses MD5.
[[nodiscard]] std::optional<bytes> hide(std::uint16_t type, byte_span value, std::string_view secret,
                                        byte_span random_vector, std::size_t pad = 0);

/// Tunnel authentication (RFC 2661 §4.2 Challenge Response, §5.1.1):
/// MD5(message type octet || secret || challenge), where the message type is
/// 2 in an SCCRP and 3 in an SCCCN. nullopt when libcrypto refuses MD5:
/// callers must then treat the peer as not authenticated.
[[nodiscard]] std::optional<wire::md5_digest> challenge_response(std::uint8_t message_type, std::string_view secret,
                                                                 byte_span challenge) noexcept;

/// Appends an AVP header (with its Length) and `value`.
void write_avp(wire::writer& w, bool mandatory, bool hidden, std::uint16_t vendor, std::uint16_t type, byte_span value);

}  // namespace bras::l2tp
