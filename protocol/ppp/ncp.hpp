// Network control protocols: IPCP (RFC 1332, RFC 1877 for DNS/NBNS) and
// IPv6CP (RFC 5072). Both use LCP's packet format with codes 1-7.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "protocol/ppp/control.hpp"

namespace bras::ppp::ipcp {

/// IP-Addresses (1), deprecated by RFC 1332, kept opaque.
using ip_addresses = opaque_option<1>;
/// IP-Compression-Protocol (2), kept opaque.
using ip_compression_protocol = opaque_option<2>;
/// IP-Address (3); 10.0.0.1 is 0x0a000001 (the same for the DNS/NBNS options).
using ip_address = u32_option<3>;
/// Primary DNS Server Address (129, RFC 1877).
using primary_dns = u32_option<129>;
/// Primary NBNS Server Address (130, RFC 1877).
using primary_nbns = u32_option<130>;
/// Secondary DNS Server Address (131, RFC 1877).
using secondary_dns = u32_option<131>;
/// Secondary NBNS Server Address (132, RFC 1877).
using secondary_nbns = u32_option<132>;

/// One IPCP option, in the order it appeared.
using option = std::variant<ip_addresses, ip_compression_protocol, ip_address, primary_dns, primary_nbns, secondary_dns,
                            secondary_nbns, unknown_option>;

/// Configure-Request (1).
using configure_request = configure_packet<control_code::configure_request, option>;
/// Configure-Ack (2).
using configure_ack = configure_packet<control_code::configure_ack, option>;
/// Configure-Nak (3).
using configure_nak = configure_packet<control_code::configure_nak, option>;
/// Configure-Reject (4).
using configure_reject = configure_packet<control_code::configure_reject, option>;

/// Any IPCP packet; codes other than 1-7 decode as unknown_code.
using packet = std::variant<configure_request, configure_ack, configure_nak, configure_reject, terminate_request,
                            terminate_ack, code_reject, unknown_code>;

/// Decodes an IPCP packet (the PPP payload after protocol 0x8021).
[[nodiscard]] wire::result<packet> decode(wire::byte_span data, std::size_t base = 0);
/// Appends an IPCP packet; fails (appending nothing) if an option or the packet is too long.
[[nodiscard]] wire::status encode(wire::writer& w, const packet& p);

}  // namespace bras::ppp::ipcp

namespace bras::ppp::ipv6cp {

/// Interface-Identifier (1): the 64-bit identifier, network order as an integer.
using interface_identifier = u64_option<1>;
/// IPv6-Compression-Protocol (2), kept opaque.
using ipv6_compression_protocol = opaque_option<2>;

/// One IPv6CP option, in the order it appeared.
using option = std::variant<interface_identifier, ipv6_compression_protocol, unknown_option>;

/// Configure-Request (1).
using configure_request = configure_packet<control_code::configure_request, option>;
/// Configure-Ack (2).
using configure_ack = configure_packet<control_code::configure_ack, option>;
/// Configure-Nak (3).
using configure_nak = configure_packet<control_code::configure_nak, option>;
/// Configure-Reject (4).
using configure_reject = configure_packet<control_code::configure_reject, option>;

/// Any IPv6CP packet; codes other than 1-7 decode as unknown_code.
using packet = std::variant<configure_request, configure_ack, configure_nak, configure_reject, terminate_request,
                            terminate_ack, code_reject, unknown_code>;

/// Decodes an IPv6CP packet (the PPP payload after protocol 0x8057).
[[nodiscard]] wire::result<packet> decode(wire::byte_span data, std::size_t base = 0);
/// Appends an IPv6CP packet; fails (appending nothing) if an option or the packet is too long.
[[nodiscard]] wire::status encode(wire::writer& w, const packet& p);

}  // namespace bras::ppp::ipv6cp
