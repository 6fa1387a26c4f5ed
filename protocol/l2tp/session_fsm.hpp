// RFC 2661 §7.4 incoming-call state machines (LAC and LNS) as one table:
// state × event → {next state, actions}. Whether a received ICRQ/ICRP/ICCN is
// acceptable is decided before the FSM and picks the *_ok or *_bad event.
// CDNs ride on the tunnel's reliable channel, so a session is gone as soon as
// its CDN is queued.
#pragma once

#include <cstdint>
#include <string_view>

namespace bras::l2tp {

enum class session_state : std::uint8_t {
  idle,
  wait_tunnel,   ///< LAC: call placed, tunnel not yet established
  wait_reply,    ///< LAC: ICRQ sent, waiting for ICRP
  wait_connect,  ///< LNS: ICRP sent, waiting for ICCN
  established,
  destroyed,
};
inline constexpr std::size_t session_state_count = 6;

enum class session_event : std::uint8_t {
  local_open,     ///< LAC: a subscriber call to place
  tunnel_up,      ///< the tunnel reached established
  recv_icrq_ok,   ///< LNS: acceptable ICRQ
  recv_icrq_bad,  ///< LNS: ICRQ refused (limits, missing AVP)
  recv_icrp_ok,
  recv_icrp_bad,
  recv_iccn_ok,
  recv_iccn_bad,
  recv_cdn,
  recv_unexpected,  ///< a session message that makes no sense now
  local_close,      ///< admin clear, PPP ended, subscriber gone
  tunnel_down,      ///< the tunnel went away: no CDN possible
};
inline constexpr std::size_t session_event_count = 12;

namespace session_action {
inline constexpr std::uint16_t none = 0;
inline constexpr std::uint16_t send_icrq = 1u << 0;
inline constexpr std::uint16_t send_icrp = 1u << 1;
inline constexpr std::uint16_t send_iccn = 1u << 2;
inline constexpr std::uint16_t send_cdn = 1u << 3;
inline constexpr std::uint16_t start_ppp = 1u << 4;  ///< LNS: session data may flow, PPP begins
inline constexpr std::uint16_t call_up = 1u << 5;    ///< LAC: tell the subscriber side it is connected
inline constexpr std::uint16_t destroy = 1u << 6;    ///< account, free the session ID
inline constexpr std::uint16_t protocol_error = 1u << 7;
}  // namespace session_action

struct session_transition {
  session_state next;
  std::uint16_t actions;
};

[[nodiscard]] session_transition session_step(session_state s, session_event e) noexcept;
[[nodiscard]] std::string_view to_string(session_state s) noexcept;
[[nodiscard]] std::string_view to_string(session_event e) noexcept;

}  // namespace bras::l2tp
