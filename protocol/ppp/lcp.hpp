// Link Control Protocol packets and options (RFC 1661 §5, §6; RFC 1570 for
// the opaque ones; RFC 1994 and RFC 2433/2759 for the CHAP algorithm byte).
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "protocol/ppp/control.hpp"

namespace bras::ppp::lcp {

/// Maximum-Receive-Unit (1).
using mru = u16_option<1>;
/// Async-Control-Character-Map (2).
using accm = u32_option<2>;
/// Quality-Protocol (4), kept opaque.
using quality_protocol = opaque_option<4>;
/// Magic-Number (5).
using magic_number = u32_option<5>;
/// Protocol-Field-Compression (7).
using pfc = flag_option<7>;
/// Address-and-Control-Field-Compression (8).
using acfc = flag_option<8>;
/// Multilink MRRU (17, RFC 1990), kept opaque.
using mrru = opaque_option<17>;
/// Endpoint Discriminator (19, RFC 1990), kept opaque.
using endpoint_discriminator = opaque_option<19>;

/// CHAP algorithm byte of the Authentication-Protocol option.
enum class chap_algorithm : std::uint8_t { md5 = 5, ms_chap = 0x80, ms_chap_v2 = 0x81 };

/// Authentication-Protocol (3): protocol number and its data (for CHAP, the algorithm byte).
struct auth_protocol {
  static constexpr std::uint8_t type = 3;
  std::uint16_t protocol = 0;
  wire::bytes data;

  /// The option asking for PAP.
  [[nodiscard]] static auth_protocol pap();
  /// The option asking for CHAP with `algorithm`.
  [[nodiscard]] static auth_protocol chap(chap_algorithm algorithm);
  friend bool operator==(const auth_protocol&, const auth_protocol&) = default;
};

/// One LCP option, in the order it appeared.
using option = std::variant<mru, accm, auth_protocol, quality_protocol, magic_number, pfc, acfc, mrru,
                            endpoint_discriminator, unknown_option>;

/// Configure-Request (1).
using configure_request = configure_packet<control_code::configure_request, option>;
/// Configure-Ack (2).
using configure_ack = configure_packet<control_code::configure_ack, option>;
/// Configure-Nak (3).
using configure_nak = configure_packet<control_code::configure_nak, option>;
/// Configure-Reject (4).
using configure_reject = configure_packet<control_code::configure_reject, option>;

/// Protocol-Reject (8): the rejected protocol and a copy of its information field.
struct protocol_reject {
  static constexpr control_code code = control_code::protocol_reject;
  std::uint8_t identifier = 0;
  std::uint16_t rejected_protocol = 0;
  wire::bytes information;
  friend bool operator==(const protocol_reject&, const protocol_reject&) = default;
};

/// Echo-Request, Echo-Reply and Discard-Request: magic number then data.
template <control_code Code>
struct magic_packet {
  static constexpr control_code code = Code;
  std::uint8_t identifier = 0;
  std::uint32_t magic_number = 0;
  wire::bytes data;
  friend bool operator==(const magic_packet&, const magic_packet&) = default;
};
/// Echo-Request (9).
using echo_request = magic_packet<control_code::echo_request>;
/// Echo-Reply (10).
using echo_reply = magic_packet<control_code::echo_reply>;
/// Discard-Request (11).
using discard_request = magic_packet<control_code::discard_request>;

/// Any LCP packet; codes above 11 (or 0) decode as unknown_code.
using packet =
    std::variant<configure_request, configure_ack, configure_nak, configure_reject, terminate_request, terminate_ack,
                 code_reject, protocol_reject, echo_request, echo_reply, discard_request, unknown_code>;

/// Decodes an LCP packet (the PPP payload after protocol 0xC021).
[[nodiscard]] wire::result<packet> decode(wire::byte_span data, std::size_t base = 0);
/// Appends an LCP packet; fails (appending nothing) if an option or the packet is too long.
[[nodiscard]] wire::status encode(wire::writer& w, const packet& p);

}  // namespace bras::ppp::lcp
