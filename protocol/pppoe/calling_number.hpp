// The L2TP Calling Number (AVP 22) a LAC sends for a PPPoE subscriber, built
// from a configured pattern: {mac} {interface} {vlan} {svlan} {cvlan}
// {circuit-id} {remote-id} {session}, and fallbacks such as {circuit-id|mac}
// (the first alternative that is not empty). Unknown placeholders stay as
// written, so a typo shows up in the LNS's logs instead of vanishing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/pppoe/ethernet.hpp"

namespace bras::pppoe {

/// At most this many bytes: the value must fit an AVP and a RADIUS attribute (253).
inline constexpr std::size_t max_calling_number = 253;

/// What a Calling Number may be made of.
struct calling_number_fields {
  eth::mac_address mac{};
  std::string interface;
  std::optional<std::uint16_t> outer_vid;  ///< the single tag, or the outer (S) tag of QinQ
  std::optional<std::uint16_t> inner_vid;  ///< the inner (C) tag of QinQ
  std::string circuit_id;                  ///< TR-101 Agent-Circuit-Id; empty: none
  std::string remote_id;                   ///< TR-101 Agent-Remote-Id; empty: none
  std::uint16_t session_id = 0;            ///< the PPPoE SESSION_ID
};

/// "aa:bb:cc:dd:ee:ff" (lower case).
[[nodiscard]] std::string format_mac(const eth::mac_address& mac);

/// The pattern with its placeholders replaced. {vlan}: the outer or single VID;
/// {svlan}: the outer VID of QinQ; {cvlan}: the inner VID of QinQ, or the single VID.
/// A VLAN that is absent renders empty. Capped at max_calling_number bytes
/// (never cutting a UTF-8 sequence).
[[nodiscard]] std::string format_calling_number(std::string_view pattern, const calling_number_fields& fields);

}  // namespace bras::pppoe
