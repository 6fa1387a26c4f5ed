// The L2TP control connection of one tunnel (RFC 2661), either role, as a
// pure engine: the caller feeds it events (a received datagram, a timer, an
// API call) with the time, and carries out the effects it returns in order
// (send this datagram, tell that session, wake me at T, count, log). It owns
// the reliable channel, the §7.2 table, the handshake with its checks and
// challenge/response, the tie-breaker question, session IDs and the routing
// of session messages, the LAC's queue of calls waiting for the tunnel, HELLO,
// the closing hold and shutdown. No clock is read and no timer is kept here.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/common/crypto.hpp"
#include "protocol/common/id_pool.hpp"
#include "protocol/l2tp/message.hpp"
#include "protocol/l2tp/reliable.hpp"
#include "protocol/l2tp/tunnel_fsm.hpp"

namespace bras::l2tp {

enum class connection_role : std::uint8_t { lns, lac };

/// Where a datagram came from, compared with the tunnel's peer by the caller.
enum class datagram_source : std::uint8_t {
  peer,          ///< the tunnel's peer, address and port
  peer_address,  ///< the peer's address from another port (an LNS answering an SCCRQ from a new port)
  stranger,      ///< anyone else
};

/// What the configuration says about the peer: a destination (LAC) or the
/// LAC client entry that matched the SCCRQ (LNS).
struct peer_profile {
  std::string secret;  ///< empty: no tunnel authentication
  bool hide_avps = false;
  std::string group_name;  ///< LNS: the accepting tunnel group; LAC: the destination
  std::chrono::seconds hello_interval{60};
  unsigned max_sessions = 0;  ///< per tunnel, 0: no limit
  reliable_config reliable;   ///< timers, retries and our receive window
};

/// LNS: the outcome of matching the SCCRQ's Host Name and source.
struct client_selection {
  peer_profile profile;
  bool over_limit = false;  ///< the client entry already has its maximum of tunnels
};

/// The LAC controller's answer to an SCCRQ's Tie Breaker (RFC 2661 §4.4.3).
enum class tie_outcome : std::uint8_t { no_contest, we_win, we_lose, both_lose };

struct connection_config {
  connection_role role = connection_role::lns;
  std::uint16_t local_tunnel_id = 0;
  std::string host_name;                ///< ours, in SCCRQ/SCCRP
  std::string peer_name;                ///< the peer's address and port, for logs
  std::uint64_t tie_breaker = 0;        ///< LAC: our Tie Breaker AVP (0: none sent)
  std::string expected_peer_host_name;  ///< LAC: the LNS must name itself so (empty: any)
  /// LAC: the destination's settings; LNS: the defaults until the SCCRQ names the LAC.
  peer_profile profile;
  /// LNS: ask the caller (ask_tie_break effect) when an SCCRQ carries a Tie Breaker.
  bool ask_tie_break = false;
  std::chrono::seconds tie_break_timeout{5};  ///< no answer by then: proceed as if uncontested
  /// Whether the debug-level tunnel-fsm lines are wanted now (the level can change at run time); empty: always.
  std::function<bool()> log_transitions;
  /// LNS: the client entry for a message's AVPs (its Host Name, the source);
  /// nullopt when no tunnel group accepts the peer. Asked until one matches.
  std::function<std::optional<client_selection>(wire::byte_span avps)> select_client;
  /// Takes a place under the instance-wide session limit; false when full.
  std::function<bool()> reserve_session;
  /// Gives back a place reserve_session took that no session will use.
  std::function<void()> release_session;
  /// LNS admission control: takes a place under the instance-wide cap on sessions in set-up (ICRQ to
  /// session_ready or its end), given the places this tunnel holds already (`held`: a tunnel's share
  /// of the cap is the caller's to judge); false when full or over the share: the ICRQ is
  /// acknowledged and waits in the tunnel's set-up queue. Empty: no cap.
  std::function<bool(std::size_t held)> admit_setup;
  /// Gives back a place admit_setup took.
  std::function<void()> release_setup;
  /// ICRQs the set-up queue holds; one more is refused with CDN 2/4 (RFC 2661 §4.4.2).
  std::size_t setup_queue_limit = 4096;
  /// While calls wait, how often to look for places freed elsewhere (by other tunnels).
  duration setup_retry = std::chrono::milliseconds{50};
};

// ---- effects, carried out in order by the caller ----

/// Put this control datagram (header and AVPs) on the wire to the peer.
struct send_datagram {
  wire::bytes data;
};
/// Hand this control message to local session `local_session_id`.
struct deliver_to_session {
  std::uint16_t local_session_id = 0;
  control_message msg;
};
/// LNS: an ICRQ was accepted; create session `local_session_id` and give it the ICRQ.
struct create_session {
  std::uint16_t local_session_id = 0;
  std::uint16_t peer_session_id = 0;
  control_message icrq;
};
/// LAC: call `token` (from place_call) gets session `local_session_id`; start it.
struct start_call {
  std::uint64_t token = 0;
  std::uint16_t local_session_id = 0;
  std::uint32_t call_serial = 0;
};
/// LAC: call `token` cannot be placed on this tunnel.
struct call_failed {
  std::uint64_t token = 0;
  std::string reason;
};
/// Tell every session the tunnel is established.
struct tunnel_up {};
/// Tell every session the tunnel is gone; the engine forgot them and their IDs.
struct tunnel_down {};
/// LNS: ask the LAC controller about this Tie Breaker; answer with tie_break().
struct ask_tie_break {
  std::uint64_t peer_tie_breaker = 0;
};
/// Call timer() at `at` (replaces any earlier wake-up request).
struct wake_at {
  time_point at;
};
/// The LAC's datagram source is the peer from now on (it moved off the port we dialled).
struct peer_moved {};
/// The handshake completed.
struct tunnel_established {};
/// The tunnel is gone: free its ID. Nothing follows but call_failed for a call placed afterwards.
struct tunnel_destroyed {};

/// Instance-wide counters the engine asks the caller to increment.
enum class connection_counter : std::uint8_t {
  rx_malformed,
  rx_wrong_peer,
  rx_unknown_session,
  data_rx_unknown_session,
  fsm_protocol_errors,
  tunnels_refused,
  tunnel_auth_failures,
  tunnels_established,
  tunnels_failed,
  tunnels_destroyed,
  sessions_refused,
  calls_deferred,          ///< an ICRQ went to the set-up queue
  calls_refused_queue,     ///< CDN 2/4: set-up queue full
  calls_refused_limit,     ///< CDN 2/4: session limit (tunnel or instance)
  calls_refused_no_id,     ///< CDN 2/4: no free session ID
  calls_deferred_dropped,  ///< a waiting ICRQ dropped: the peer cleared it or the tunnel ended
  control_retransmissions,
  control_rx_duplicates,
  random_failures,  ///< the random generator failed: a tunnel refused or closed rather than weakened
};
struct count {
  connection_counter which;
};

enum class log_level : std::uint8_t { debug, info, warn };
/// The caller's rate limiter a line goes through.
enum class log_limit : std::uint8_t {
  none,       ///< always logged
  malformed,  ///< undecodable or unexpected input
  peer,       ///< refusals a peer can trigger at will
};
/// One log line: a kebab-case event name, then its fields ("tunnel=5 peer=...").
struct log_line {
  log_level level = log_level::info;
  log_limit limit = log_limit::none;
  std::string event;
  std::string fields;
};

using connection_effect =
    std::variant<send_datagram, deliver_to_session, create_session, start_call, call_failed, tunnel_up, tunnel_down,
                 ask_tie_break, wake_at, peer_moved, tunnel_established, tunnel_destroyed, count, log_line>;
using connection_effects = std::vector<connection_effect>;

/// What "show services l2tp tunnel" reports of the control channel itself.
struct control_traffic {
  std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0, retransmissions = 0;
};

class control_connection {
 public:
  explicit control_connection(connection_config cfg);

  /// LAC: dial (SCCRQ).
  [[nodiscard]] connection_effects open(time_point now);
  /// A datagram for this tunnel (control, or data for no known session). `source_name` (address:port,
  /// for logs) is read only when `from` is not the peer, whose name the engine has.
  [[nodiscard]] connection_effects receive(wire::byte_span datagram, datagram_source from, std::string_view source_name,
                                           time_point now);
  /// A wake_at time came (early or late calls are harmless).
  [[nodiscard]] connection_effects timer(time_point now);
  /// Administrative close: StopCCN result 1.
  [[nodiscard]] connection_effects close(time_point now);
  /// Daemon shutdown: StopCCN result 6, destroyed as soon as it is acknowledged.
  [[nodiscard]] connection_effects shutdown(time_point now);
  /// A session's outgoing message, its header carrying `peer_session_id`.
  [[nodiscard]] connection_effects session_send(std::uint16_t local_session_id, std::uint16_t peer_session_id,
                                                const control_message& msg, time_point now);
  /// A session ended: its ID is free again.
  [[nodiscard]] connection_effects session_gone(std::uint16_t local_session_id, time_point now);
  /// LNS: session `local_session_id`'s first network protocol opened: its set-up place is free.
  [[nodiscard]] connection_effects session_ready(std::uint16_t local_session_id, time_point now);
  /// LAC: place call `token` now, or once the tunnel is up.
  [[nodiscard]] connection_effects place_call(std::uint64_t token, time_point now);
  /// LNS: the answer to ask_tie_break.
  [[nodiscard]] connection_effects tie_break(tie_outcome verdict, time_point now);

  /// Restarts the control_traffic counters from zero.
  void clear_statistics() noexcept { traffic_baseline_ = traffic_; }

  [[nodiscard]] tunnel_state state() const noexcept { return state_; }
  [[nodiscard]] connection_role role() const noexcept { return cfg_.role; }
  [[nodiscard]] std::uint16_t local_tunnel_id() const noexcept { return cfg_.local_tunnel_id; }
  [[nodiscard]] std::uint16_t peer_tunnel_id() const noexcept { return peer_tunnel_id_; }
  [[nodiscard]] const std::string& peer_host_name() const noexcept { return peer_host_name_; }
  [[nodiscard]] const peer_profile& profile() const noexcept { return cfg_.profile; }
  [[nodiscard]] std::uint16_t receive_window() const noexcept { return cfg_.profile.reliable.receive_window; }
  [[nodiscard]] std::uint16_t peer_window() const noexcept { return peer_window_; }
  [[nodiscard]] std::size_t session_count() const noexcept { return sessions_.size(); }
  [[nodiscard]] bool has_session(std::uint16_t local_session_id) const noexcept {
    return sessions_.count(local_session_id) != 0;
  }
  [[nodiscard]] std::size_t queued_calls() const noexcept { return waiting_calls_.size(); }
  /// LNS: ICRQs waiting in the set-up queue.
  [[nodiscard]] std::size_t deferred_calls() const noexcept { return deferred_.size(); }
  /// LNS: sessions of this tunnel holding a set-up place.
  [[nodiscard]] std::size_t sessions_in_setup() const noexcept { return in_setup_.size(); }
  [[nodiscard]] bool was_established() const noexcept { return was_established_; }
  /// The counters since the last clear_statistics().
  [[nodiscard]] control_traffic traffic() const noexcept;
  [[nodiscard]] const reliable_channel& channel() const noexcept { return channel_; }

 private:
  /// Why we stop the tunnel, for the StopCCN we send.
  struct stop_reason {
    std::uint16_t result = stopccn_result::general_clear;
    std::optional<std::uint16_t> error;
    std::string message;
  };

  // control_connection.cpp: events, the table, timers.
  void begin(time_point now);
  connection_effects finish();
  void apply(tunnel_event e);
  void fail(tunnel_event e, std::uint16_t result, std::optional<std::uint16_t> error, std::string message);
  void on_message(inbound_message& in);
  void on_timer();
  void after_event();
  void on_established();
  void clear_sessions();
  void destroy();
  void emit(connection_effect e) { out_.push_back(std::move(e)); }
  void bump(connection_counter c) { out_.push_back(count{c}); }
  void log(log_level level, log_limit limit, std::string event, std::string fields);
  [[nodiscard]] std::string tunnel_field() const;

  // control_connection_handshake.cpp: sending, SCCRQ/SCCRP/SCCCN, challenge.
  void flush();
  void send(const control_message& m, std::uint16_t session_id = 0);
  [[nodiscard]] control_message sccrx(message_type type);
  /// Our Challenge for the peer when a secret is set (else true and none); false when the random
  /// generator failed: then the tunnel is refused, never challenged with a predictable value.
  [[nodiscard]] bool draw_challenge();
  void send_stopccn();
  [[nodiscard]] tunnel_event setup_failure_event() const;
  void select_client(const wire::bytes& avps);
  [[nodiscard]] bool accept_peer_parameters(const control_message& m);
  [[nodiscard]] bool peer_authenticated(const control_message& m, message_type in) const;
  void on_sccrq(const control_message& m);
  void on_sccrp(const control_message& m);
  void on_scccn(const control_message& m);
  void proceed_after_tie(tie_outcome verdict);

  // control_connection_sessions.cpp: routing and calls.
  void route_to_session(control_message m, std::uint16_t header_session_id, wire::bytes& raw);
  void refuse_call(const control_message& icrq, std::uint16_t result, std::uint16_t error, const std::string& why);
  [[nodiscard]] bool reserve_session();
  void new_incoming_call(control_message icrq, wire::bytes& raw);
  void accept_call(control_message icrq, bool admitted);
  void defer_call(const control_message& icrq, wire::bytes& raw);
  void drain_deferred();
  void drop_deferred(std::uint16_t peer_session_id);
  void leave_setup(std::uint16_t local_session_id);
  void start_waiting_call(std::uint64_t token);

  connection_config cfg_;
  tunnel_state state_ = tunnel_state::idle;
  reliable_channel channel_;
  duration hold_time_{};  ///< one full retransmission cycle with this tunnel's timers
  std::uint16_t peer_tunnel_id_ = 0;
  std::string peer_host_name_;
  std::uint16_t peer_window_ = 4;  ///< the peer's Receive Window Size (RFC 2661 default 4)
  bool client_selected_ = false;   ///< LNS: the profile comes from a client entry
  bool over_client_limit_ = false;
  wire::bytes our_challenge_;                         ///< sent to the peer; its response must match
  std::optional<wire::md5_digest> response_to_peer_;  ///< for the peer's Challenge
  stop_reason stop_;
  bool shutting_down_ = false;
  bool unsendable_ = false;   ///< a message could not be encoded (no randomness to hide AVPs): close after this event
  bool tie_pending_ = false;  ///< waiting for the LAC controller's verdict
  std::optional<time_point> tie_deadline_;
  bool was_established_ = false;
  std::optional<time_point> hold_until_;

  common::id_pool session_ids_;
  std::unordered_map<std::uint16_t, std::uint16_t> sessions_;    ///< our session ID -> the peer's (0: not known yet)
  std::unordered_map<std::uint16_t, std::uint16_t> by_peer_id_;  ///< peer session ID -> ours
  std::vector<std::uint64_t> waiting_calls_;                     ///< LAC: calls queued before the tunnel is up
  /// LNS: an ICRQ acknowledged and waiting for a set-up place (its AVPs as received; no session yet).
  struct deferred_call {
    wire::bytes avps;
    std::uint16_t peer_session_id = 0;
  };
  std::deque<deferred_call> deferred_;                   ///< in arrival order
  std::unordered_set<std::uint16_t> deferred_peer_ids_;  ///< their peer session IDs
  std::unordered_set<std::uint16_t> in_setup_;           ///< our sessions holding a set-up place
  std::optional<time_point> retry_setup_at_;             ///< look for set-up places then
  std::uint32_t next_call_serial_ = 1;

  control_traffic traffic_, traffic_baseline_;
  time_point now_{};
  std::vector<outbound_frame> frames_;
  connection_effects out_;
};

}  // namespace bras::l2tp
