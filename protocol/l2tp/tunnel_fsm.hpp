// RFC 2661 §7.2 control connection state machine, both roles, as data:
// a table state × event → {next state, actions}. One dispatcher looks the
// pair up; the tunnel actor performs the actions (send this message, arm that
// timer, tell the sessions) and logs every transition. Deciding whether a
// received SCCRQ/SCCRP/SCCCN is acceptable (mandatory AVPs, authentication,
// limits) happens before the FSM and picks the *_ok or *_bad event.
#pragma once

#include <cstdint>
#include <string_view>

namespace bras::l2tp {

enum class tunnel_state : std::uint8_t {
  idle,            ///< created, nothing sent or received yet
  wait_ctl_reply,  ///< initiator: SCCRQ sent, waiting for SCCRP
  wait_ctl_conn,   ///< responder: SCCRP sent, waiting for SCCCN
  established,
  closing,  ///< StopCCN sent or received: state held for one retransmission cycle
  destroyed,
};
inline constexpr std::size_t tunnel_state_count = 6;

enum class tunnel_event : std::uint8_t {
  local_open,      ///< we initiate (LAC dialling an LNS)
  recv_sccrq_ok,   ///< acceptable SCCRQ (responder)
  recv_sccrq_bad,  ///< SCCRQ refused: StopCCN with the reason
  recv_sccrp_ok,
  recv_sccrp_bad,
  recv_scccn_ok,
  recv_scccn_bad,
  recv_stopccn,
  recv_session_msg,  ///< ICRQ/ICRP/ICCN/CDN/... for a session of this tunnel
  recv_hello,
  hello_due,         ///< no message from the peer for the hello interval
  local_close,       ///< administrative close, shutdown, last session gone
  transport_failed,  ///< retransmissions exhausted
  hold_expired,      ///< the closing hold time is over
};
inline constexpr std::size_t tunnel_event_count = 14;

/// What the actor must do, as bits (several may apply, in this order).
namespace tunnel_action {
inline constexpr std::uint16_t none = 0;
inline constexpr std::uint16_t send_sccrq = 1u << 0;
inline constexpr std::uint16_t send_sccrp = 1u << 1;
inline constexpr std::uint16_t send_scccn = 1u << 2;
inline constexpr std::uint16_t send_stopccn = 1u << 3;
inline constexpr std::uint16_t send_hello = 1u << 4;
inline constexpr std::uint16_t deliver_to_session = 1u << 5;  ///< route the message to its session
inline constexpr std::uint16_t sessions_up = 1u << 6;         ///< tunnel usable: start waiting sessions
inline constexpr std::uint16_t sessions_down = 1u << 7;       ///< clear every session of the tunnel
inline constexpr std::uint16_t arm_hold = 1u << 8;            ///< start the closing hold timer
inline constexpr std::uint16_t destroy = 1u << 9;             ///< free the tunnel ID and the actor
inline constexpr std::uint16_t protocol_error = 1u << 10;     ///< unexpected in this state: count and log
}  // namespace tunnel_action

struct tunnel_transition {
  tunnel_state next;
  std::uint16_t actions;
};

/// The table lookup. Every state × event pair has an entry.
[[nodiscard]] tunnel_transition tunnel_step(tunnel_state s, tunnel_event e) noexcept;

[[nodiscard]] std::string_view to_string(tunnel_state s) noexcept;
[[nodiscard]] std::string_view to_string(tunnel_event e) noexcept;

}  // namespace bras::l2tp
