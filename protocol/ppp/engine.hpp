// What the PPP engines return instead of doing I/O. The LNS's engine
// (server.hpp) and the subscriber's (client.hpp) are driven by calls (a
// received frame, a timer expiry, an AAA answer, an administrative close) and
// answer each call with a list of effects, performed in order by the caller:
// send a frame, (re)arm or stop a timer, ask AAA, report a layer up or down,
// report the end of the link with its RFC 3145 cause.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/common/bytes.hpp"

namespace bras::ppp {

/// The engines' timers. Arming one that runs restarts it.
enum class timer : std::uint8_t {
  lcp,     ///< LCP restart timer (RFC 1661 §4.6)
  auth,    ///< authentication: the authenticator's wait for the peer / the peer's retransmission
  ipcp,    ///< IPCP restart timer
  ipv6cp,  ///< IPv6CP restart timer
  echo,    ///< LCP Echo-Request interval (keepalive)
};
inline constexpr std::size_t timer_count = 5;

/// The network protocols a link carries.
enum class network : std::uint8_t { ipv4, ipv6 };

/// RFC 3145 PPP Disconnect Cause codes (AVP 46), §3.
namespace cause {
inline constexpr std::uint16_t none = 0;                         ///< no information available
inline constexpr std::uint16_t admin = 1;                        ///< administrative disconnect
inline constexpr std::uint16_t lcp_renegotiation_disabled = 2;   ///< LCP renegotiation at LNS disabled
inline constexpr std::uint16_t normal = 3;                       ///< normal disconnection, LCP Terminate-Request
inline constexpr std::uint16_t lcp_fsm_timeout = 5;              ///< LCP: FSM timeout
inline constexpr std::uint16_t lcp_no_packets = 6;               ///< LCP: no recognizable LCP packets received
inline constexpr std::uint16_t lcp_loopback = 7;                 ///< LCP: magic-number error (link looped back)
inline constexpr std::uint16_t echo_timeout = 8;                 ///< LCP: echo-request timeout
inline constexpr std::uint16_t auth_fsm_timeout = 13;            ///< authentication: FSM timeout
inline constexpr std::uint16_t auth_protocol_unacceptable = 15;  ///< authentication: protocol unacceptable
inline constexpr std::uint16_t auth_failed = 16;                 ///< authentication failed
inline constexpr std::uint16_t ncp_fsm_timeout = 17;             ///< NCP: FSM timeout
inline constexpr std::uint16_t no_ncp = 18;                      ///< NCP: no NCPs available
inline constexpr std::uint16_t no_acceptable_address = 19;       ///< NCP: no acceptable addresses
inline constexpr std::uint16_t no_address_permitted = 20;        ///< NCP: user not permitted to use any address
}  // namespace cause

/// RFC 3145 direction: who detected the cause.
enum class direction : std::uint8_t { global = 0, at_peer = 1, at_local = 2 };

/// Send this PPP frame (address/control if not compressed, protocol, payload).
struct send_frame {
  wire::bytes frame;
};

/// (Re)arm `which` to expire after `after`; the caller then calls timeout(which).
struct arm_timer {
  timer which;
  std::chrono::milliseconds after;
};

/// Stop `which`; a timeout already queued for it must not be delivered.
struct stop_timer {
  timer which;
};

/// The authenticator needs a verdict on these credentials (server only):
/// answer with server_engine::auth_result. PAP: user and password. CHAP-MD5:
/// user, chap_id, challenge and response.
struct authenticate {
  enum class method : std::uint8_t { pap, chap_md5 } kind = method::pap;
  std::string user;
  std::string password;
  std::uint8_t chap_id = 0;  ///< the CHAP Response's (or PAP request's) identifier
  wire::bytes challenge;
  wire::bytes response;
  bool proxied = false;  ///< taken from the LAC's proxy authentication AVPs
};

/// The peer (client) accepted our credentials, or refused them with `message`.
struct auth_outcome {
  bool accepted = false;
  std::string message;
};

/// A network layer opened: IPCP (addresses host order) or IPv6CP (identifiers).
struct network_up {
  network which = network::ipv4;
  std::uint32_t local_address = 0;
  std::uint32_t peer_address = 0;
  std::uint32_t primary_dns = 0;
  std::uint32_t secondary_dns = 0;
  std::uint64_t local_interface_id = 0;
  std::uint64_t peer_interface_id = 0;
};

/// A network layer closed while the link stays (the peer closed it, or the link is going down).
struct network_down {
  network which = network::ipv4;
};

/// The link is finished: tear the session down. Reported exactly once.
struct finished {
  std::uint16_t cause = cause::none;  ///< RFC 3145 code
  direction dir = direction::global;
  std::string message;  ///< for the CDN's AVP 46 and the logs (kebab-case event name first)
  /// AVP 46's Control Protocol Number: LCP, PAP/CHAP or the NCP the cause belongs to; 0 for global causes.
  std::uint16_t protocol = 0;
};

using effect =
    std::variant<send_frame, arm_timer, stop_timer, authenticate, auth_outcome, network_up, network_down, finished>;
using effects = std::vector<effect>;

/// Counters both engines keep for the show commands. 32-bit, as every session has them (an Echo a
/// second takes 136 years to wrap one).
struct link_counters {
  std::uint32_t echo_requests_sent = 0;
  std::uint32_t echo_requests_received = 0;
  std::uint32_t echo_replies_sent = 0;
  std::uint32_t echo_replies_received = 0;
  std::uint32_t echo_timeouts = 0;
  std::uint32_t malformed = 0;  ///< undecodable control frames (dropped)
  std::uint32_t protocol_rejects_sent = 0;
  std::uint32_t code_rejects_sent = 0;
  std::uint32_t discarded = 0;  ///< well-formed frames not valid in this phase or state
};

}  // namespace bras::ppp
