// Authentication protocols: PAP (RFC 1334 §2) and CHAP (RFC 1994 §4), plus
// the CHAP-MD5 response computation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "protocol/common/bytes.hpp"
#include "protocol/common/crypto.hpp"
#include "protocol/common/result.hpp"

namespace bras::ppp {

namespace pap {

/// PAP codes.
enum class packet_code : std::uint8_t { authenticate_request = 1, authenticate_ack = 2, authenticate_nak = 3 };

/// Authenticate-Request (1): peer id and password, each with a one-byte length.
struct authenticate_request {
  static constexpr packet_code code = packet_code::authenticate_request;
  std::uint8_t identifier = 0;
  std::string peer_id;
  std::string password;
  friend bool operator==(const authenticate_request&, const authenticate_request&) = default;
};

/// Authenticate-Ack (2) or -Nak (3): a message with a one-byte length.
template <packet_code Code>
struct reply {
  static constexpr packet_code code = Code;
  std::uint8_t identifier = 0;
  std::string message;
  friend bool operator==(const reply&, const reply&) = default;
};
/// Authenticate-Ack (2).
using authenticate_ack = reply<packet_code::authenticate_ack>;
/// Authenticate-Nak (3).
using authenticate_nak = reply<packet_code::authenticate_nak>;

/// Any PAP packet.
using packet = std::variant<authenticate_request, authenticate_ack, authenticate_nak>;

/// Decodes a PAP packet (payload of protocol 0xC023). Unknown codes are an
/// error (PAP has no Code-Reject); bytes after the last field are ignored, and
/// an Ack/Nak without Msg-Length (sent by some old peers) has an empty message.
[[nodiscard]] wire::result<packet> decode(wire::byte_span data, std::size_t base = 0);
/// Appends a PAP packet; fails (appending nothing) if a field exceeds 255 bytes.
[[nodiscard]] wire::status encode(wire::writer& w, const packet& p);

}  // namespace pap

namespace chap {

/// CHAP codes.
enum class packet_code : std::uint8_t { challenge = 1, response = 2, success = 3, failure = 4 };

/// Challenge (1) or Response (2): value with a one-byte size, then the name.
template <packet_code Code>
struct value_packet {
  static constexpr packet_code code = Code;
  std::uint8_t identifier = 0;
  wire::bytes value;
  std::string name;
  friend bool operator==(const value_packet&, const value_packet&) = default;
};
/// Challenge (1).
using challenge = value_packet<packet_code::challenge>;
/// Response (2).
using response = value_packet<packet_code::response>;

/// Success (3) or Failure (4): the rest of the packet is a message.
template <packet_code Code>
struct result_packet {
  static constexpr packet_code code = Code;
  std::uint8_t identifier = 0;
  std::string message;
  friend bool operator==(const result_packet&, const result_packet&) = default;
};
/// Success (3).
using success = result_packet<packet_code::success>;
/// Failure (4).
using failure = result_packet<packet_code::failure>;

/// Any CHAP packet.
using packet = std::variant<challenge, response, success, failure>;

/// Decodes a CHAP packet (payload of protocol 0xC223). Unknown codes are an error.
[[nodiscard]] wire::result<packet> decode(wire::byte_span data, std::size_t base = 0);
/// Appends a CHAP packet; fails (appending nothing) if the value exceeds 255 bytes.
[[nodiscard]] wire::status encode(wire::writer& w, const packet& p);

}  // namespace chap

/// A CHAP-MD5 response value.
using md5_digest = wire::md5_digest;

/// MD5(identifier || secret || challenge), RFC 1994 §2; fails only if the
/// crypto library refuses MD5 (e.g. a FIPS-only provider).
[[nodiscard]] wire::result<md5_digest> chap_md5_response(std::uint8_t identifier, wire::byte_span secret,
                                                         wire::byte_span challenge);

}  // namespace bras::ppp
