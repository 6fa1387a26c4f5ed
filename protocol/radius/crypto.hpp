// RADIUS cryptography (libcrypto MD5 and HMAC-MD5, never hand-written):
// sealing a request for one server (hiding User-Password, the Request or
// Accounting Authenticator, Message-Authenticator), opening and checking its
// reply (Response Authenticator, Message-Authenticator: BlastRADIUS,
// CVE-2024-3596), checking a CoA/Disconnect request and sealing our answer,
// and the RFC 2868 Tunnel-Password salt encryption.
//
// Every function fails closed: when libcrypto refuses MD5 (FIPS), nothing is
// sealed and nothing verifies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"
#include "protocol/radius/packet.hpp"

namespace bras::radius {

/// A fresh random Request Authenticator; nullopt if the generator failed.
[[nodiscard]] std::optional<authenticator> random_authenticator() noexcept;

/// RFC 2865 §5.2: the password padded to a multiple of 16 (at most 128 bytes) and hidden.
[[nodiscard]] wire::bytes hide_password(std::string_view password, std::string_view secret,
                                        const authenticator& request_auth);
/// The inverse (server side and tests): the password with its padding NULs removed.
[[nodiscard]] std::optional<std::string> unhide_password(wire::byte_span hidden, std::string_view secret,
                                                         const authenticator& request_auth);

/// RFC 2868 §3.5 Tunnel-Password: `value` is the attribute value after the tag byte
/// (salt, then the encrypted length-prefixed password). Returns the clear password.
[[nodiscard]] std::optional<std::string> decrypt_tunnel_password(wire::byte_span value, std::string_view secret,
                                                                 const authenticator& request_auth);
/// The inverse (tests and the small test responder): salt (high bit set) + encrypted string.
[[nodiscard]] wire::bytes encrypt_tunnel_password(std::string_view password, std::uint16_t salt,
                                                  std::string_view secret, const authenticator& request_auth);

/// Makes the wire form of a request for one server:
/// - Access-Request and Status-Server: `p.auth` is the random Request Authenticator (the caller's,
///   kept for the reply check); a User-Password attribute holding the clear password is hidden;
///   a Message-Authenticator (RFC 3579 §3.2) is added first among the attributes, replacing any.
/// - Accounting-Request, CoA-Request, Disconnect-Request: the authenticator is
///   MD5(code+id+length+16 zero bytes+attributes+secret) (RFC 2866 §3, RFC 5176 §3.5); `p.auth` is ignored.
/// Returns nullopt when MD5/HMAC is unavailable or the packet exceeds 4096 bytes.
[[nodiscard]] std::optional<wire::bytes> seal_request(packet p, std::string_view secret);

/// How a reply to one of our requests must be authenticated.
enum class message_authenticator_policy : std::uint8_t {
  no,   ///< checked if present, not required
  yes,  ///< required in every reply
};

/// Why a reply was refused (kebab-case, for counters and logs).
enum class reply_refusal : std::uint8_t {
  malformed,                      ///< not a RADIUS packet
  bad_response_authenticator,     ///< the Response Authenticator does not match
  bad_message_authenticator,      ///< present and wrong
  missing_message_authenticator,  ///< required (policy yes) and absent
  crypto_unavailable,             ///< MD5/HMAC refused by libcrypto
};
[[nodiscard]] std::string_view to_string(reply_refusal r) noexcept;

/// A reply that passed the checks; `had_message_authenticator` feeds the per-server `auto` policy.
struct opened_reply {
  packet reply;
  bool had_message_authenticator = false;
};

/// Checks a reply against the request it answers (its code, the request's authenticator and the
/// server's secret): Response Authenticator (RFC 2865 §3), then Message-Authenticator (RFC 3579 §3.2,
/// computed with the request's authenticator) when present or required. Tunnel-Password values
/// are decrypted in place: their value becomes the tag byte followed by the clear password.
/// The identifier match is the caller's.
[[nodiscard]] std::variant<opened_reply, reply_refusal> open_reply(wire::byte_span datagram,
                                                                   const authenticator& request_auth,
                                                                   std::string_view secret,
                                                                   message_authenticator_policy policy);

/// Server side (CoA/Disconnect, RFC 5176 §3.5): checks a request's authenticator
/// (MD5(code+id+length+16 zero bytes+attributes+secret)) and its Message-Authenticator if present.
/// Returns the decoded request or why it was refused (a wrong Request Authenticator is
/// bad_response_authenticator). Accounting-Request is checked the same way (for test servers);
/// an Access-Request or Status-Server must carry a valid Message-Authenticator, its only proof
/// (User-Password stays hidden: unhide_password()); any other code is malformed.
[[nodiscard]] std::variant<packet, reply_refusal> open_request(wire::byte_span datagram, std::string_view secret);

/// Server side: the wire form of our answer to `request_auth` (Response Authenticator; a
/// Message-Authenticator is added when `with_message_authenticator`). nullopt without MD5.
[[nodiscard]] std::optional<wire::bytes> seal_reply(packet reply, const authenticator& request_auth,
                                                    std::string_view secret, bool with_message_authenticator);

}  // namespace bras::radius
