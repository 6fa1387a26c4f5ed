// One L2TP call (session) as a pure engine, both roles: the LNS answering an
// incoming call (ICRQ -> ICRP -> ICCN) and the LAC placing one (ICRQ on tunnel
// up, ICCN on the ICRP). It runs the RFC 2661 §7.4 table of session_fsm.hpp,
// decides whether a received message is acceptable (check(), the M-bit rule),
// builds ICRQ/ICRP/ICCN/CDN, and answers every event with effects, performed
// in order by the caller: send this message, the call is established (with
// what the LAC said about it), start PPP, the call is gone.
//
// Pure: no I/O, no clock, no logging. The transition and protocol-error
// effects carry what the caller logs and counts.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/l2tp/message.hpp"
#include "protocol/l2tp/session_fsm.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::l2tp {

enum class call_role : std::uint8_t { lns, lac };

/// What the LAC told us about the call (ICRQ/ICCN), or what we tell the LNS.
struct call_facts {
  std::uint32_t serial = 0;
  std::uint32_t bearer = 0;
  std::uint32_t framing = 0;
  std::uint32_t tx_speed = 0;
  std::uint32_t rx_speed = 0;
  std::string calling;
  std::string called;
  friend bool operator==(const call_facts&, const call_facts&) = default;
};

struct call_config {
  call_role role = call_role::lns;
  std::uint16_t local_session_id = 0;
  std::uint16_t peer_session_id = 0;  ///< LNS: from the ICRQ; LAC: learnt from the ICRP
  // LAC: what the ICRQ and ICCN carry.
  std::uint32_t call_serial = 0;
  std::string calling_number;  ///< empty: not sent
  std::string called_number;   ///< empty: not sent
  std::uint32_t tx_connect_speed = 0;
  std::uint32_t rx_connect_speed = 0;  ///< 0 or equal to tx: not sent (RFC 2661: absent means equal)
  ppp::proxy_info proxy;               ///< proxy LCP / authentication AVPs 26-33 for the ICCN
  bool sequencing = false;             ///< Sequencing Required (AVP 39) in the ICCN
  access_line_info access_line;        ///< RFC 5515 access-line AVPs (vendor 3561) for the ICRQ; empty: none
};

/// Send `message` to the peer session `peer_session_id` (the header's Session ID).
struct call_send {
  std::uint16_t peer_session_id = 0;
  control_message message;
};

/// The table moved: for the caller's debug log.
struct call_transition {
  session_state from = session_state::idle;
  session_event event = session_event::local_open;
  session_state to = session_state::idle;
};

/// An event the table does not expect in this state (counted and logged by the caller).
struct call_protocol_error {
  session_state state = session_state::idle;
  session_event event = session_event::local_open;
};

/// A received ICRQ/ICRP/ICCN (or any message with an unknown M-bit AVP) was refused: a CDN follows.
struct call_refused {
  result_code result;
};

/// The peer cleared the call with a CDN (before the call is destroyed).
struct call_peer_cleared {
  std::uint16_t result = 0;
  std::uint16_t cause = ppp::cause::none;  ///< the CDN's RFC 3145 code, if any
};

/// The call is up: data may flow. LNS: the facts and proxy info are the LAC's; LAC: ours.
struct call_established {
  std::uint16_t peer_session_id = 0;
  call_facts facts;
  ppp::proxy_info proxy;
  bool sequencing = false;  ///< data messages carry Ns (RFC 2661 §5.4)
};

/// LNS: run PPP now (after call_established).
struct call_start_ppp {
  ppp::proxy_info proxy;
};

/// The call is gone: free the session. Reported exactly once, last.
struct call_destroyed {
  bool was_established = false;
};

using call_effect = std::variant<call_send, call_transition, call_protocol_error, call_refused, call_peer_cleared,
                                 call_established, call_start_ppp, call_destroyed>;
using call_effects = std::vector<call_effect>;

class call_engine {
 public:
  explicit call_engine(call_config config);

  /// LAC: place the call (the ICRQ goes out on tunnel_up).
  [[nodiscard]] call_effects open();
  /// The tunnel reached established.
  [[nodiscard]] call_effects tunnel_up();
  /// The tunnel is gone: no CDN possible.
  [[nodiscard]] call_effects tunnel_down();
  /// A control message the tunnel routed to this session.
  [[nodiscard]] call_effects receive(const control_message& m);
  /// LAC: the subscriber's line rates changed (bit/s; rx 0: as tx). Once the call is up the LNS is
  /// told with a Connect Speed Update Notification (RFC 5515 CSUN, header Session ID 0, AVP 97
  /// naming its session); before, the ICCN carries the new speeds.
  [[nodiscard]] call_effects line_update(std::uint32_t tx_speed, std::uint32_t rx_speed);
  /// Clear the call from our side: a CDN with `result` and RFC 3145 `cause` (AVP 46) if anything was sent.
  [[nodiscard]] call_effects close(result_code result, std::optional<ppp_disconnect_cause> cause = std::nullopt);

  [[nodiscard]] session_state state() const noexcept { return state_; }
  [[nodiscard]] bool established() const noexcept { return was_established_; }
  [[nodiscard]] std::uint16_t peer_session_id() const noexcept { return peer_session_id_; }
  /// What is known about the call so far (LNS: from the ICRQ on).
  [[nodiscard]] const call_facts& facts() const noexcept { return facts_; }
  [[nodiscard]] bool sequencing() const noexcept { return sequencing_; }

 private:
  call_effects apply(session_event e);
  call_effects refuse(session_event e, std::uint16_t error, std::string why);
  [[nodiscard]] control_message make_icrq() const;
  [[nodiscard]] control_message make_iccn() const;
  /// The proxy AVPs (empty when none).
  [[nodiscard]] const ppp::proxy_info& proxy() const noexcept;

  std::uint16_t local_session_id_;
  std::uint16_t peer_session_id_;  ///< LNS: from the ICRQ; LAC: learnt from the ICRP
  session_state state_ = session_state::idle;
  call_facts facts_;  ///< LAC: what the ICRQ/ICCN carry; LNS: what the LAC told us
  // Shared and immutable, null when empty: most calls carry neither, and an LNS holds many calls.
  std::shared_ptr<const ppp::proxy_info> proxy_;         ///< LAC: sent in the ICCN; LNS: from the ICCN
  std::shared_ptr<const access_line_info> access_line_;  ///< LAC: sent in the ICRQ
  bool sequencing_ = false;
  bool was_established_ = false;
  /// What our CDN will carry: set when we clear the call (or refuse it); most calls live without it.
  struct clearing {
    result_code result{cdn_result::admin, std::nullopt, ""};
    std::optional<ppp_disconnect_cause> cause;
  };
  [[nodiscard]] clearing& cdn();
  std::unique_ptr<clearing> cdn_;
};

}  // namespace bras::l2tp
