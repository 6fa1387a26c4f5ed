// Every message the actors exchange, declared once. CAF 0.17: atoms are
// atom_constant<atom("...")> (at most 10 characters); the structs below are
// only ever sent between local actors, so they are whitelisted instead of
// made serializable. The actors' interfaces (the typed handles some of these
// messages carry) are in actors/catalogue.hpp, included after the atoms and
// the forward declarations it names.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/transport.hpp"
#include "dataplane/session_table.hpp"
#include "model/aaa.hpp"
#include "model/query.hpp"
#include "protocol/l2tp/message.hpp"
#include "protocol/l2tp/tunnel_candidate.hpp"
#include "protocol/ppp/server.hpp"
#include "protocol/pppoe/access_line.hpp"
#include "protocol/radius/attributes.hpp"
#include "protocol/radius/packet.hpp"

namespace bras::actors {

// The plain data (model/) the actors produce and exchange.
using model::aaa_snapshot;
using model::clear_report;
using model::clear_request;
using model::destination_snapshot;
using model::pool_usage;
using model::query_depth;
using model::query_filter;
using model::query_request;
using model::query_snapshot;
using model::session_change;
using model::session_snapshot;
using model::shard_counts;
using model::subscribers_snapshot;
using model::summary_snapshot;
using model::tunnel_report;
using model::tunnel_snapshot;
using model::wall_time;

// ---- atoms ----
using tick_atom = caf::atom_constant<caf::atom("tick")>;             ///< timer wake-up (with a generation)
using close_atom = caf::atom_constant<caf::atom("close")>;           ///< administrative close (tunnel or session)
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;     ///< SIGTERM: StopCCN everywhere
using up_atom = caf::atom_constant<caf::atom("tunnel_up")>;          ///< tunnel -> session: tunnel established
using down_atom = caf::atom_constant<caf::atom("tunnel_dn")>;        ///< tunnel -> session: tunnel gone
using count_atom = caf::atom_constant<caf::atom("count")>;           ///< ask a shard for its shard_counts
using open_tunnel_atom = caf::atom_constant<caf::atom("open_tun")>;  ///< lac -> shard: open a LAC tunnel
/// LNS tunnel -> LAC controller (RFC 2661 §4.4.3): an SCCRQ with this Tie
/// Breaker arrived from `peer`; do we have a tunnel to it being set up?
using tie_atom = caf::atom_constant<caf::atom("tie")>;
/// Ask the AAA actor for pool usage (std::vector<pool_usage>).
using pool_atom = caf::atom_constant<caf::atom("pool")>;
/// Ask a session for its session_snapshot.
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
/// Reset a session's statistics ("clear services l2tp session statistics"): counters restart from 0.
using clear_stats_atom = caf::atom_constant<caf::atom("clr_stats")>;
/// (query_atom, query_request): query actor -> shard -> tunnel, answered
/// with std::vector<tunnel_report> (a tunnel: none or itself); to the query
/// actor itself, answered with a query_snapshot.
using query_atom = caf::atom_constant<caf::atom("query")>;
/// (clear_atom, clear_request): the same path, answered with a clear_report.
using clear_atom = caf::atom_constant<caf::atom("clear")>;
/// Ask the query actor for the aaa_snapshot; ask the RADIUS client, the accounting actor or the
/// CoA server for their part of it (radius_client_snapshot, spool_snapshot, coa_snapshot).
using aaa_stats_atom = caf::atom_constant<caf::atom("aaa_stats")>;
/// daemon -> accounting: send Accounting-Off and answer once it is acknowledged (or gave up), and
/// the spool is flushed (a clean stop).
using acct_off_atom = caf::atom_constant<caf::atom("acct_off")>;

// The messages the interfaces name (defined below), so the catalogue can
// come before the messages that carry its handles.
struct datagram;
struct incoming_sccrq;
struct session_control;
struct session_send;
struct session_gone;
struct tunnel_gone;
struct key_released;
struct line_update;
struct call_request;
struct open_call;
struct call_result;
struct call_cleared;
struct open_tunnel_result;
struct ppp_frame;
struct subscriber_frame;
struct tun_packet;
struct ppp_timer;
struct session_timer;
struct session_input;
struct aaa_request;
struct aaa_verdict;
struct aaa_release;
struct radius_datagram;
struct radius_call;
struct radius_outcome;
struct acct_report;
struct shard_answer;
enum class tie_verdict : std::uint8_t;

}  // namespace bras::actors

#include "actors/catalogue.hpp"

namespace bras::actors {

/// A received UDP datagram (io -> acceptor / shard -> tunnel).
struct datagram {
  std::uint16_t gateway = 0;    ///< index of the local gateway it arrived on
  std::uint16_t tunnel_id = 0;  ///< the header's Tunnel ID, read once by the I/O thread
  udp_peer peer;
  wire::bytes data;
};

/// Identifies a tunnel being set up by its peer before we know its ID:
/// the peer's address and port and the Assigned Tunnel ID in its SCCRQ.
struct tunnel_key {
  udp_peer peer;
  std::uint16_t peer_tunnel_id = 0;
  friend auto operator<=>(const tunnel_key&, const tunnel_key&) = default;
};

/// acceptor -> shard: an SCCRQ for a tunnel that may not exist yet.
struct incoming_sccrq {
  tunnel_key key;
  datagram dgram;
  bool stopccn = false;  ///< a StopCCN from a peer that never learnt our ID, not an SCCRQ
};

/// tunnel -> session: a control message for this session.
struct session_control {
  l2tp::control_message msg;
};

/// session -> tunnel: send this control message for the session whose
/// peer session ID (the header's Session ID) is `peer_session_id`.
struct session_send {
  std::uint16_t local_session_id = 0;
  std::uint16_t peer_session_id = 0;
  l2tp::control_message msg;
};

/// session -> tunnel: the session is gone; its ID can be reused.
struct session_gone {
  std::uint16_t local_session_id = 0;
  bool established = false;
};

/// How a tunnel ended: closed by us (operator, LAC, shutdown), never came up, or died (HELLO timeout,
/// retransmissions exhausted, StopCCN from the peer). The LAC locks a destination out for the last two.
enum class tunnel_end : std::uint8_t { closed, setup_failed, died };

/// tunnel -> shard: the tunnel is destroyed; free its ID (and key).
struct tunnel_gone {
  std::uint16_t local_tunnel_id = 0;
  tunnel_key key;
  bool had_key = false;
  tunnel_end reason = tunnel_end::closed;
};

/// tunnel -> shard: the tunnel is closing (StopCCN sent or received): a new SCCRQ with its key
/// (the peer's address, port and Assigned Tunnel ID) is a new tunnel, not a retransmission
/// (a LAC restarted within the close hold reuses its first tunnel ID).
struct key_released {
  std::uint16_t local_tunnel_id = 0;
  tunnel_key key;
};

/// PPPoE -> LAC session: the subscriber's line rates changed; tell the LNS (RFC 5515 CSUN).
struct line_update {
  std::uint16_t local_session_id = 0;
  pppoe::access_line line;
};

/// The LAC side's internal call API: place a subscriber call.
struct call_request {
  std::uint64_t call_id = 0;   ///< chosen by the requester, echoed in call_result / call_cleared
  std::string calling_number;  ///< e.g. the subscriber's MAC or circuit ID
  std::string called_number;
  std::uint32_t tx_connect_speed = 0;
  std::uint32_t rx_connect_speed = 0;
  ppp::proxy_info proxy;  ///< proxy LCP / authentication AVPs for the ICCN (RFC 2661 §4.4.5)
  /// Receives the PPP frames the LNS sends on this call (as ppp_frame) and
  /// sends the subscriber's frames to the session actor (as subscriber_frame).
  call_subscriber_actor subscriber;
  /// The subscriber's user name as it authenticated (the realm after the last '@' picks
  /// the tunnel profile through the domain map); empty: the default profile.
  std::string user;
  /// Tunnel candidates from AAA (RFC 2868); empty: the domain map decides.
  l2tp::tunnel_candidates aaa_tunnels;
  /// TR-101 access-line information for the ICRQ (RFC 5515 AVPs) and connect speeds.
  std::optional<pppoe::access_line> line;
  /// A PPPoE subscriber's data-plane entry (its `pppoe` leg set): the LAC session fills in
  /// the L2TP fields once the call is up, adds it to the table and sets `relaying`, so frames
  /// flow between the access port and the LNS without an actor. Null: frames go through
  /// `subscriber` as ppp_frame / subscriber_frame (the internal API, bras-loadgen's LAC mode).
  dataplane::data_session_ptr access;
};

/// lac -> tunnel: place this call on the tunnel (now, or once it is up).
struct open_call {
  call_request call;
  call_requester_actor requester;  ///< receives call_result and call_cleared
};

/// Where a placed call ended up.
struct call_result {
  std::uint64_t call_id = 0;
  bool established = false;
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_session_id = 0;
  std::string reason;     ///< why not, when not established
  session_actor session;  ///< the session actor (send it subscriber_frame / close_atom)
};

/// tunnel/session -> requester: the call was cleared.
struct call_cleared {
  std::uint64_t call_id = 0;
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_session_id = 0;
};

/// The answer to tie_atom: proceed, refuse the peer's SCCRQ (ours wins), or both lost
/// (equal values: both attempts are dropped).
enum class tie_verdict : std::uint8_t { no_contest, we_win, we_lose, both_lose };

// ---- PPP and the data plane ----

/// A PPP frame: io -> session (from the peer, in an L2TP data message), and
/// between an LAC session and its subscriber in both directions.
struct ppp_frame {
  wire::bytes frame;
};

/// subscriber -> LAC session: send this PPP frame to the LNS.
struct subscriber_frame {
  wire::bytes frame;
};

/// io -> session (actor data path): an IP packet from tun for this session's subscriber.
struct tun_packet {
  wire::bytes packet;
};

/// session -> itself: a PPP timer wake-up, stale unless `generation` is the slot's current one. The
/// slot is a session_timers wake-up slot (L2TP session) or the ppp::timer itself (PPPoE session).
struct ppp_timer {
  std::uint8_t slot = 0;
  std::uint32_t generation = 0;
};

// ---- AAA ----

/// session -> aaa: check these credentials and assign an address.
struct aaa_request {
  bool chap = false;  ///< CHAP-MD5 (chap_id, challenge, response) or PAP (password)
  std::string user;
  std::string password;
  std::uint8_t chap_id = 0;
  wire::bytes challenge;
  wire::bytes response;
  /// Where the subscriber is (RADIUS NAS-Port, NAS-Port-Id, Calling-/Called-Station-Id, the
  /// RFC 4679 line VSAs); the local backend ignores it.
  radius::subscriber_line line;
  std::string acct_session_id;  ///< the session's Acct-Session-Id (in the Access-Request); may be empty
  /// LAC (PPPoE subscriber to be tunnelled): authenticate and authorize tunnels only; no address
  /// is assigned and the verdict's tunnels place the call.
  bool lac = false;
};

/// aaa -> session: the verdict.
struct aaa_verdict {
  bool accepted = false;
  std::string message;        ///< for the PAP Ack/Nak or CHAP Success/Failure (RADIUS: the Reply-Message)
  std::string reason;         ///< why not (kebab-case, for logs and accounting)
  std::uint32_t address = 0;  ///< assigned IPv4 (host order); 0: none available
  std::optional<std::chrono::seconds> session_timeout;
  std::optional<std::chrono::seconds> idle_timeout;
  // From RADIUS (all empty with the local backend):
  bool radius = false;                                   ///< authorized by RADIUS (Acct-Authentic RADIUS)
  std::optional<std::chrono::seconds> interim_interval;  ///< Acct-Interim-Interval
  std::vector<wire::bytes> classes;                      ///< Class, echoed in accounting
  std::optional<std::uint16_t> framed_mtu;               ///< caps the MRU we accept / the session's MTU
  std::vector<std::uint32_t> dns;                        ///< overrides ppp.dns for this session (IPCP)
  /// The session's IPv6 /64 (SLAAC) and delegated prefix (DHCPv6-PD), assigned by AAA: RADIUS
  /// Framed-/Delegated-IPv6-Prefix or a pool (Framed-IPv6-Pool, Delegated-IPv6-Prefix-Pool, the local
  /// subscriber's, ipv6.prefix-pool / delegated-prefix-pool). None: not available (the session stays
  /// link-local only, or delegates nothing). Pool prefixes go back with aaa_release.
  std::optional<ip::ipv6_prefix> framed_ipv6_prefix;
  std::optional<ip::ipv6_prefix> delegated_ipv6_prefix;
  l2tp::tunnel_candidates tunnels;  ///< LAC: where to tunnel the call (RFC 2868)
};

/// session -> aaa: the session of `user` ended; `address` and its IPv6 prefixes go back to their pools.
struct aaa_release {
  std::string user;
  std::uint32_t address = 0;
  std::optional<ip::ipv6_prefix> framed_ipv6_prefix;
  std::optional<ip::ipv6_prefix> delegated_ipv6_prefix;
};

/// L2TP session -> itself, through the timer service: one of its timers is due. One message
/// for all of them (a handler fewer per kind in every session's behaviour).
struct session_timer {
  enum class kind : std::uint8_t {
    ppp,       ///< a PPP timer wake-up: `slot` and `generation` as in ppp_timer
    ipv6,      ///< the next unsolicited Router Advertisement, stale unless `generation` is current
    lifetime,  ///< check the idle and session timeouts
    interim,   ///< an accounting Interim-Update, stale unless `generation` is current
    aaa,       ///< the AAA question `generation` must have its verdict by now
    call,      ///< LNS: the ICCN is due by now (l2tp.iccn-timeout)
  };
  kind what = kind::ppp;
  std::uint8_t slot = 0;
  std::uint32_t generation = 0;
};

/// tunnel, operator or subscriber -> L2TP session: a signal without data.
enum class session_signal : std::uint8_t {
  tunnel_up,    ///< tunnel: the tunnel is established
  tunnel_down,  ///< tunnel: the tunnel is gone
  close,        ///< operator, LAC subscriber or test: clear the call
  clear_stats,  ///< clear fan-out: restart its statistics
};

/// Every one-way message an L2TP session takes, in one type: CAF keeps some 40 bytes per handler in
/// every actor's behaviour, and the session is the actor there are 100,000 of. Small (56 bytes), so a
/// timer or a signal costs no more to send; the two big ones (a control message, the line's rates)
/// ride behind a pointer, as they are a few in a session's life.
struct session_input {
  std::variant<session_signal,                          ///< see session_signal
               ppp_frame,                               ///< data plane: a PPP frame from the peer
               subscriber_frame,                        ///< LAC subscriber: send this frame to the LNS
               tun_packet,                              ///< data plane (actor mode): an IP packet for the subscriber
               session_timer,                           ///< itself: a PPP, RA, lifetime, interim or AAA timer is due
               session_change,                          ///< clear fan-out (RADIUS CoA): new timeouts / interim
               std::shared_ptr<const session_control>,  ///< tunnel: a control message for this session
               std::shared_ptr<const line_update>>      ///< LAC PPPoE: the line rates changed (CSUN to the LNS)
      what;
};

/// A control message for a session, as the session takes it.
[[nodiscard]] inline session_input control_input(l2tp::control_message m) {
  return session_input{std::make_shared<const session_control>(session_control{std::move(m)})};
}

// ---- RADIUS ----

/// io -> RADIUS client or CoA server: a datagram received on one of its UDP sockets.
struct radius_datagram {
  std::uint32_t socket = 0;  ///< the index radius_transport::open returned
  model::udp_peer from;
  wire::bytes data;
};

/// Which server group a request goes to.
enum class radius_service : std::uint8_t { authentication, accounting };

/// aaa / accounting -> RADIUS client: send this request to the group; answered with radius_outcome.
/// `request` is plain: the client sets identifier and authenticator, hides User-Password and adds
/// Message-Authenticator for each server it is sent to (crypto.hpp seal_request).
struct radius_call {
  radius_service service = radius_service::authentication;
  radius::packet request;
};

/// RADIUS client -> caller: the reply (checked, Tunnel-Password decrypted), or why there is none.
struct radius_outcome {
  bool answered = false;
  radius::packet reply;
  std::string server;  ///< the server that answered (or was tried last)
  /// Why not answered: "timeout" (every server tried), "queue-full", "no-server", "crypto-unavailable".
  std::string error;
};

/// session -> accounting: one record (Start at PPP up, Interim-Update, Stop at the end).
/// Fire and forget: from here on the accounting actor owns it (spool, retries).
struct acct_report {
  radius::accounting_record record;
};

// ---- per-session state and statistics (the show commands' extensive / statistics views) ----

// ---- the query fan-out (query actor -> shards -> tunnels -> sessions) ----

/// shard -> lac: the tunnel opened for (open_tunnel_atom, destination, lac,
/// tie_breaker), which it echoes, or why none was.
struct open_tunnel_result {
  l2tp::tunnel_candidate destination;
  std::uint64_t tie_breaker = 0;
  std::uint16_t local_tunnel_id = 0;
  tunnel_actor tunnel;  ///< none when refused
  caf::error error;     ///< why it was refused
};

/// A shard's answer to a query: its matching tunnels, and how many of its
/// tunnels did not answer in time.
struct shard_answer {
  std::vector<tunnel_report> tunnels;
  std::size_t tunnels_missing = 0;
};

}  // namespace bras::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::datagram)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::incoming_sccrq)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::session_input)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::session_send)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::session_gone)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::tunnel_gone)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::l2tp::tunnel_candidate)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::open_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::key_released)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::call_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::call_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::call_cleared)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::open_tunnel_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::shard_counts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::tie_verdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::session_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::tunnel_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::query_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::shard_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::clear_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::clear_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::query_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<bras::model::tunnel_report>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::ppp_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::tun_packet)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::subscriber_frame)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::ppp_timer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::session_timer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::aaa_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::aaa_verdict)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::aaa_release)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::radius_datagram)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::radius_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::radius_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::actors::acct_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::session_change)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::aaa_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::radius_client_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::spool_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::coa_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(bras::model::pool_usage)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<bras::model::pool_usage>)
