// What an LAC tells the LNS about a PPPoE subscriber's line (RFC 5515): the
// TR-101 access-line tag (kbit/s) as the Broadband Forum AVPs (bit/s), and the
// line's rates as connect speeds.
#pragma once

#include <cstdint>
#include <optional>

#include "protocol/l2tp/message.hpp"
#include "protocol/pppoe/access_line.hpp"

namespace bras::l2tp {

/// The RFC 5515 access-line AVPs (vendor 3561) for a TR-101 line: rates in bit/s.
[[nodiscard]] access_line_info line_avps(const pppoe::access_line& line);

/// The inverse, on the LNS: the AVPs of an ICRQ (bit/s) as the TR-101 line RADIUS describes
/// (kbit/s, RFC 4679); none when the LAC sent none.
[[nodiscard]] std::optional<pppoe::access_line> tr101_line_of(const access_line_info& a);

/// kbit/s as the bit/s of a connect speed AVP (24, 38), saturated at 2^32 - 1.
[[nodiscard]] std::uint32_t connect_speed_of(std::uint32_t kbits) noexcept;

}  // namespace bras::l2tp
