#include "actors/tunnel.hpp"

#include <unordered_map>

#include "actors/client_match.hpp"
#include "actors/id_pool.hpp"
#include "actors/session.hpp"
#include "actors/tunnel_query.hpp"
#include "protocol/l2tp/header.hpp"
#include "protocol/l2tp/reliable.hpp"
#include "protocol/l2tp/tunnel_fsm.hpp"

namespace bras::actors {

namespace {

using l2tp::message_type;
using l2tp::tunnel_event;
using l2tp::tunnel_state;
namespace act = l2tp::tunnel_action;

constexpr std::uint16_t firmware_revision = 0x0100;
constexpr const char* vendor_name = "brasd";

struct session_entry {
  caf::actor actor;
  std::uint16_t peer_id = 0;
};

/// Why we stop the tunnel, for the StopCCN we send.
struct stop_reason {
  std::uint16_t result = l2tp::stopccn_result::general_clear;
  std::optional<std::uint16_t> error;
  std::string message;
};

struct tunnel_actor_state {
  static constexpr const char* name = "tunnel";

  explicit tunnel_actor_state(caf::stateful_actor<tunnel_actor_state>* s) : self(s) {}

  caf::stateful_actor<tunnel_actor_state>* self;
  tunnel_args args;
  context* ctx = nullptr;
  tunnel_state state = tunnel_state::idle;
  l2tp::reliable_channel channel;
  std::uint16_t peer_tunnel_id = 0;
  std::string peer_host_name;
  std::string group_name;         ///< LNS: the accepting tunnel group; LAC: the destination
  std::uint16_t peer_window = 4;  ///< the peer's Receive Window Size (RFC 2661 default 4)
  std::string secret;
  bool hide_avps = false;
  std::chrono::seconds hello_interval{60};
  std::uint16_t receive_window = 16;
  unsigned max_sessions = 0;
  std::optional<std::size_t> client_index;  ///< counted in ctx->client_tunnels
  unsigned client_max_tunnels = 0;
  bool over_client_limit = false;                    ///< decided when the client's count was taken
  wire::bytes our_challenge;                         ///< sent to the peer; its response must match
  std::optional<wire::md5_digest> response_to_peer;  ///< for the peer's Challenge
  stop_reason stop;
  bool shutting_down = false;
  bool tie_pending = false;
  bool was_established = false;
  l2tp::duration hold_time{};  ///< one full retransmission cycle with this tunnel's timers  ///< waiting for the LAC
                               ///< controller's tie-break verdict

  id_pool session_ids;
  std::unordered_map<std::uint16_t, session_entry> sessions;
  std::unordered_map<std::uint16_t, std::uint16_t> by_peer_id;  ///< peer session ID -> ours
  std::vector<open_call> waiting_calls;                         ///< LAC: calls queued before the tunnel is up
  std::uint32_t next_call_serial = 1;

  std::optional<l2tp::time_point> hold_until;
  std::optional<l2tp::time_point> armed;
  std::uint64_t timer_generation = 0;

  std::vector<l2tp::outbound_frame> out;

  // What "show services l2tp tunnel" reports of the tunnel itself.
  struct control_counters {
    std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0, retransmissions = 0;
  } control, control_baseline;  ///< baseline: the values at the last statistics clear
  wall_time created_wall = std::chrono::system_clock::now();
  std::optional<wall_time> up_wall;
  wall_time stats_since = created_wall;
  std::optional<std::chrono::steady_clock::time_point> empty_since = std::chrono::steady_clock::now();

  // ------------------------------------------------------------ sending

  void flush() {
    for (auto& f : out) {
      l2tp::header h;
      h.control = true;
      h.tunnel_id = peer_tunnel_id;
      h.session_id = f.session_id;
      h.ns = f.ns;
      h.nr = f.nr;
      auto bytes = l2tp::encode_packet(h, f.avps);
      ++control.tx_packets;
      control.tx_bytes += bytes.size();
      if (f.retransmission) ++control.retransmissions;
      if (!ctx->tx->send(args.gateway, args.peer, bytes)) ctx->stats.tx_failures.fetch_add(1);
    }
    out.clear();
  }

  void send(const l2tp::control_message& m, std::uint16_t session_id = 0) {
    l2tp::encode_options opts;
    if (!secret.empty()) {
      opts.secret = secret;
      if (hide_avps) opts.hide_types = l2tp::sensitive_avps;
    }
    wire::bytes avps;
    l2tp::encode_control(avps, m, opts);
    channel.send(std::move(avps), now(), out, session_id);
    flush();
  }

  l2tp::control_message sccrx(message_type type) {
    auto m = l2tp::make_message(type);
    m.protocol_version = l2tp::protocol_version_value{1, 0};
    m.framing_capabilities = l2tp::framing_bits::synchronous | l2tp::framing_bits::asynchronous;
    m.bearer_capabilities = l2tp::bearer_bits::digital | l2tp::bearer_bits::analog;
    m.firmware_revision = firmware_revision;
    m.host_name = ctx->cfg.l2tp.host_name;
    m.vendor_name = vendor_name;
    m.assigned_tunnel_id = args.local_id;
    m.receive_window_size = receive_window;
    if (type == message_type::sccrq && args.tie_breaker != 0) m.tie_breaker = args.tie_breaker;
    if (!secret.empty()) {
      our_challenge.resize(16);
      if (!wire::random_bytes(our_challenge)) our_challenge.assign(16, std::byte{0x33});
      m.challenge = our_challenge;
    }
    return m;
  }

  void send_stopccn() {
    auto m = l2tp::make_message(message_type::stopccn);
    m.assigned_tunnel_id = args.local_id;
    m.result = l2tp::result_code{stop.result, stop.error, stop.error ? stop.message : std::string{}};
    send(m);
  }

  // ------------------------------------------------------------ FSM

  void apply(tunnel_event e) {
    auto from = state;
    auto tr = l2tp::tunnel_step(state, e);
    ctx->log->debug("tunnel-fsm tunnel={} {} + {} -> {}", args.local_id, l2tp::to_string(from), l2tp::to_string(e),
                    l2tp::to_string(tr.next));
    state = tr.next;
    auto a = tr.actions;
    if (a & act::protocol_error) {
      ctx->stats.fsm_protocol_errors.fetch_add(1);
      if (ctx->malformed_log.allow()) {
        ctx->log->warn("tunnel-unexpected-event tunnel={} state={} event={}", args.local_id, l2tp::to_string(from),
                       l2tp::to_string(e));
      }
    }
    if (a & act::send_sccrq) send(sccrx(message_type::sccrq));
    if (a & act::send_sccrp) {
      auto m = sccrx(message_type::sccrp);
      if (response_to_peer) m.challenge_response = *response_to_peer;
      send(m);
    }
    if (a & act::send_scccn) {
      auto m = l2tp::make_message(message_type::scccn);
      if (response_to_peer) m.challenge_response = *response_to_peer;
      send(m);
    }
    if (a & act::send_stopccn) send_stopccn();
    if (a & act::send_hello) send(l2tp::make_message(message_type::hello));
    if (a & act::sessions_up) on_established();
    if (a & act::sessions_down) clear_sessions();
    if (a & act::arm_hold) hold_until = now() + hold_time;
    if (a & act::destroy) destroy();
  }

  void on_established() {
    was_established = true;
    up_wall = std::chrono::system_clock::now();
    ctx->stats.tunnels_established.fetch_add(1);
    ctx->log->info("tunnel-established tunnel={} peer={} peer-tunnel={} host={}", args.local_id, args.peer.to_string(),
                   peer_tunnel_id, peer_host_name);
    for (auto& [id, s] : sessions) self->send(s.actor, up_atom::value);
    auto calls = std::move(waiting_calls);
    waiting_calls.clear();
    for (auto& c : calls) start_call(std::move(c));
  }

  void clear_sessions() {
    for (auto& [id, s] : sessions) {
      self->send(s.actor, down_atom::value);
      session_ids.release(id);
    }
    sessions.clear();
    by_peer_id.clear();
    for (auto& c : waiting_calls) {
      self->send(c.requester, call_result{c.call.call_id, false, args.local_id, 0, "tunnel failed", {}});
    }
    waiting_calls.clear();
  }

  void destroy() {
    clear_sessions();
    if (client_index) ctx->client_tunnels[*client_index].fetch_sub(1);
    ctx->stats.tunnels_destroyed.fetch_add(1);
    ctx->stats.tunnels_active.fetch_sub(1);
    // Tunnels that never came up are the ones a stranger can make: keep them out of info.
    ctx->log->log(was_established ? spdlog::level::info : spdlog::level::debug, "tunnel-destroyed tunnel={} peer={}",
                  args.local_id, args.peer.to_string());
    tunnel_gone g{args.local_id, args.key.value_or(tunnel_key{}), args.key.has_value()};
    self->send(args.shard, g);
    if (args.lac) self->send(args.lac, g);
    self->quit();
  }

  /// Refuse or abort: StopCCN with this reason, then the table's event.
  void fail(tunnel_event e, std::uint16_t result, std::optional<std::uint16_t> error, std::string message) {
    stop = {result, error, std::move(message)};
    if (ctx->peer_log.allow()) {
      ctx->log->warn("tunnel-stop tunnel={} peer={} result={} error={} reason={}", args.local_id, args.peer.to_string(),
                     result, error.value_or(0), stop.message);
    }
    apply(e);
  }

  // ------------------------------------------------------------ receiving

  void on_datagram(datagram& d) {
    auto p = l2tp::decode_packet(d.data);
    if (!p) {
      ctx->stats.rx_malformed.fetch_add(1);
      if (ctx->malformed_log.allow()) {
        ctx->log->warn("l2tp-malformed tunnel={} peer={} reason={} offset={}", args.local_id, d.peer.to_string(),
                       p.err().reason, p.err().offset);
      }
      return;
    }
    if (!(d.peer == args.peer)) {
      // RFC 2661 lets the peer answer an SCCRQ from another port (the LNS
      // moving off 1701); afterwards only the tunnel's peer is accepted.
      if (args.role == tunnel_role::lac && state == tunnel_state::wait_ctl_reply &&
          d.peer.address == args.peer.address) {
        args.peer = d.peer;
      } else {
        ctx->stats.rx_wrong_peer.fetch_add(1);
        return;
      }
    }
    if (!p->hdr.control) {
      // The I/O thread hands data messages of known sessions straight to the
      // data plane; what arrives here is for no session (yet, or any more).
      ctx->stats.data_rx_unknown_session.fetch_add(1);
      return;
    }
    ++control.rx_packets;
    control.rx_bytes += d.data.size();
    std::vector<l2tp::inbound_message> delivered;
    channel.receive(p->hdr.ns, p->hdr.nr, p->payload, now(), delivered, out, p->hdr.session_id);
    flush();
    for (auto& m : delivered) {
      if (state == tunnel_state::destroyed) break;
      on_message(m);
    }
    after_event();
  }

  void on_message(l2tp::inbound_message& in) {
    if (tie_pending) return;  // the peer cannot send more before our SCCRP
    if (args.role == tunnel_role::lns && state == tunnel_state::idle) select_client(in.avps);
    l2tp::decode_options opts;
    if (!secret.empty()) opts.secret = secret;
    auto m = l2tp::decode_control(in.avps, l2tp::header_size(l2tp::header{true}), opts);
    if (!m) {
      ctx->stats.rx_malformed.fetch_add(1);
      if (ctx->malformed_log.allow()) {
        ctx->log->warn("l2tp-bad-message tunnel={} reason={} offset={}", args.local_id, m.err().reason, m.err().offset);
      }
      if (state != tunnel_state::established && state != tunnel_state::closing) {
        fail(setup_failure_event(), l2tp::stopccn_result::general_error, l2tp::error_code::length_wrong,
             std::string{m.err().reason});
      }
      return;
    }
    if (!l2tp::is_known_message(static_cast<std::uint16_t>(m->type))) {
      // RFC 2661 §4.1: an unknown message type with the M bit clears the tunnel.
      if (!m->seen.empty() && m->seen[0].mandatory && state != tunnel_state::closing) {
        fail(tunnel_event::local_close, l2tp::stopccn_result::general_error, l2tp::error_code::unknown_mandatory_avp,
             "unknown mandatory message type");
      }
      return;
    }
    switch (m->type) {
      case message_type::sccrq: return on_sccrq(*m);
      case message_type::sccrp: return on_sccrp(*m);
      case message_type::scccn: return on_scccn(*m);
      case message_type::stopccn:
        // A StopCCN names its sender's tunnel: our acks need it even when no
        // SCCRP ever told us (a refused SCCRQ).
        if (peer_tunnel_id == 0 && m->assigned_tunnel_id) peer_tunnel_id = *m->assigned_tunnel_id;
        ctx->log->info("tunnel-stopccn-received tunnel={} result={}", args.local_id, m->result ? m->result->result : 0);
        return apply(tunnel_event::recv_stopccn);
      case message_type::hello: return apply(tunnel_event::recv_hello);
      default: break;
    }
    // A session message: the table says whether it is deliverable now.
    auto tr = l2tp::tunnel_step(state, tunnel_event::recv_session_msg);
    if (tr.actions & act::deliver_to_session) {
      route_to_session(std::move(*m), in.session_id);
    } else {
      apply(tunnel_event::recv_session_msg);
    }
  }

  tunnel_event setup_failure_event() const {
    switch (state) {
      case tunnel_state::idle: return tunnel_event::recv_sccrq_bad;
      case tunnel_state::wait_ctl_reply: return tunnel_event::recv_sccrp_bad;
      case tunnel_state::wait_ctl_conn: return tunnel_event::recv_scccn_bad;
      default: return tunnel_event::local_close;
    }
  }

  /// LNS: find the client entry (secret, limits) from the SCCRQ's Host Name.
  void select_client(const wire::bytes& avps) {
    if (client_index) return;
    auto host = peek_host_name(avps).value_or("");
    const auto& gw = ctx->cfg.l2tp.local_gateways[args.gateway];
    auto match = match_client(ctx->cfg.l2tp, gw.name, args.peer.address, host);
    if (!match) return;
    const auto& client = *match->client;
    secret = client.secret;
    hide_avps = match->group->hide_avps;
    group_name = match->group->name;
    hello_interval = client.hello_interval.value_or(match->group->hello_interval);
    receive_window = client.receive_window.value_or(match->group->receive_window);
    max_sessions = match->client->max_sessions_per_tunnel;
    client_max_tunnels = match->client->max_tunnels;
    client_index = match->client_index;
    over_client_limit = ctx->client_tunnels[*client_index].fetch_add(1) >= static_cast<int>(client_max_tunnels) &&
                        client_max_tunnels != 0;
    // The SCCRQ is already in: keep the sequence state, change only the settings.
    auto rc = ctx->reliable(receive_window);
    if (client.retransmit_initial) rc.initial_timeout = *client.retransmit_initial;
    if (client.retransmit_max) rc.max_timeout = *client.retransmit_max;
    if (client.retransmit_count) rc.max_retransmits = *client.retransmit_count;
    channel.reconfigure(rc);
    hold_time = l2tp::full_retransmission_cycle(rc);
  }

  /// Common SCCRQ/SCCRP checks; records what the peer told us.
  bool accept_peer_parameters(const l2tp::control_message& m) {
    if (const auto* u = m.unknown_mandatory()) {
      // RFC 2661 §4.1: an unrecognized AVP with the M bit set clears the tunnel.
      fail(setup_failure_event(), l2tp::stopccn_result::general_error, l2tp::error_code::unknown_mandatory_avp,
           "unknown mandatory AVP vendor " + std::to_string(u->vendor) + " type " + std::to_string(u->type));
      return false;
    }
    if (auto st = m.check(); !st) {
      fail(setup_failure_event(), l2tp::stopccn_result::general_error, l2tp::error_code::vendor_error,
           std::string{st.err().reason});
      return false;
    }
    if (m.protocol_version->version != 1 || m.protocol_version->revision != 0) {
      fail(setup_failure_event(), l2tp::stopccn_result::unsupported_version, std::nullopt, "");
      return false;
    }
    if (*m.assigned_tunnel_id == 0) {
      fail(setup_failure_event(), l2tp::stopccn_result::general_error, l2tp::error_code::value_out_of_range,
           "Assigned Tunnel ID 0");
      return false;
    }
    peer_tunnel_id = *m.assigned_tunnel_id;
    peer_host_name = *m.host_name;
    peer_window = m.receive_window_size.value_or(4);
    channel.set_peer_window(peer_window);
    if (m.challenge) {
      if (secret.empty()) {
        fail(setup_failure_event(), l2tp::stopccn_result::not_authorized, l2tp::error_code::vendor_error,
             "challenged but no shared secret configured");
        ctx->stats.tunnel_auth_failures.fetch_add(1);
        return false;
      }
      auto type = static_cast<std::uint8_t>(m.type == message_type::sccrq ? message_type::sccrp : message_type::scccn);
      response_to_peer = l2tp::challenge_response(type, secret, *m.challenge);
      if (!response_to_peer) {
        fail(setup_failure_event(), l2tp::stopccn_result::not_authorized, l2tp::error_code::vendor_error,
             "MD5 unavailable");
        return false;
      }
    }
    return true;
  }

  /// The peer's Challenge Response to our Challenge, if we sent one.
  bool peer_authenticated(const l2tp::control_message& m, message_type in) {
    if (our_challenge.empty()) return true;
    auto expected = l2tp::challenge_response(static_cast<std::uint8_t>(in), secret, our_challenge);
    return expected && m.challenge_response && *m.challenge_response == *expected;
  }

  void on_sccrq(const l2tp::control_message& m) {
    if (args.role != tunnel_role::lns || state != tunnel_state::idle) return apply(tunnel_event::recv_sccrq_ok);
    if (m.assigned_tunnel_id) peer_tunnel_id = *m.assigned_tunnel_id;  // so a refusal reaches the peer
    if (!client_index) {
      ctx->stats.tunnels_refused.fetch_add(1);
      return fail(tunnel_event::recv_sccrq_bad, l2tp::stopccn_result::not_authorized, l2tp::error_code::vendor_error,
                  "no tunnel group accepts this LAC");
    }
    if (over_client_limit) {
      ctx->stats.tunnels_refused.fetch_add(1);
      return fail(tunnel_event::recv_sccrq_bad, l2tp::stopccn_result::general_error,
                  l2tp::error_code::insufficient_resources, "tunnel limit for this LAC reached");
    }
    if (!accept_peer_parameters(m)) {
      ctx->stats.tunnels_refused.fetch_add(1);
      return;
    }
    if (m.tie_breaker && ctx->lac) {
      // Our LAC may be dialling this peer right now: ask who keeps its tunnel.
      tie_pending = true;
      self->request(ctx->lac, std::chrono::seconds{5}, tie_atom::value, args.peer.address, *m.tie_breaker)
          .then(
              [this](tie_verdict v) {
                tie_pending = false;
                if (state != tunnel_state::idle) return;
                if (v == tie_verdict::we_win || v == tie_verdict::both_lose) {
                  ctx->stats.tunnels_refused.fetch_add(1);
                  fail(tunnel_event::recv_sccrq_bad, l2tp::stopccn_result::already_exists, std::nullopt, "");
                } else {
                  apply(tunnel_event::recv_sccrq_ok);
                }
                after_event();
              },
              [this](caf::error&) {
                tie_pending = false;
                if (state != tunnel_state::idle) return;
                apply(tunnel_event::recv_sccrq_ok);
                after_event();
              });
      return;
    }
    apply(tunnel_event::recv_sccrq_ok);
  }

  void on_sccrp(const l2tp::control_message& m) {
    if (args.role != tunnel_role::lac || state != tunnel_state::wait_ctl_reply) {
      return apply(tunnel_event::recv_sccrp_ok);  // the table flags it as unexpected
    }
    if (!accept_peer_parameters(m)) return;
    const auto& dest = ctx->cfg.l2tp.destinations[args.destination];
    if (!dest.peer_host_name.empty() && dest.peer_host_name != peer_host_name) {
      return fail(tunnel_event::recv_sccrp_bad, l2tp::stopccn_result::not_authorized, l2tp::error_code::vendor_error,
                  "unexpected LNS host name " + peer_host_name);
    }
    if (!peer_authenticated(m, message_type::sccrp)) {
      ctx->stats.tunnel_auth_failures.fetch_add(1);
      return fail(tunnel_event::recv_sccrp_bad, l2tp::stopccn_result::not_authorized, std::nullopt, "");
    }
    apply(tunnel_event::recv_sccrp_ok);
  }

  void on_scccn(const l2tp::control_message& m) {
    if (args.role != tunnel_role::lns || state != tunnel_state::wait_ctl_conn) {
      return apply(tunnel_event::recv_scccn_ok);
    }
    if (!peer_authenticated(m, message_type::scccn)) {
      ctx->stats.tunnel_auth_failures.fetch_add(1);
      return fail(tunnel_event::recv_scccn_bad, l2tp::stopccn_result::not_authorized, std::nullopt, "");
    }
    apply(tunnel_event::recv_scccn_ok);
  }

  // ------------------------------------------------------------ sessions

  void route_to_session(l2tp::control_message m, std::uint16_t header_session_id) {
    std::uint16_t local = header_session_id;
    if (local == 0 && m.type == message_type::cdn && m.assigned_session_id) {
      // A CDN sent before the peer learnt our session ID names its own.
      auto it = by_peer_id.find(*m.assigned_session_id);
      if (it != by_peer_id.end()) local = it->second;
    }
    if (local == 0 && m.type == message_type::icrq) return new_incoming_call(std::move(m));
    auto it = sessions.find(local);
    if (it == sessions.end()) {
      ctx->stats.rx_unknown_session.fetch_add(1);
      if (ctx->malformed_log.allow()) {
        ctx->log->debug("session-unknown tunnel={} session={} message={}", args.local_id, local,
                        l2tp::message_name(m.type));
      }
      return;
    }
    if (m.type == message_type::icrp && m.assigned_session_id) {
      it->second.peer_id = *m.assigned_session_id;
      by_peer_id[*m.assigned_session_id] = local;
    }
    self->send(it->second.actor, session_control{std::move(m)});
  }

  void refuse_call(const l2tp::control_message& icrq, std::uint16_t result, std::uint16_t error,
                   const std::string& why) {
    ctx->stats.sessions_refused.fetch_add(1);
    auto cdn = l2tp::make_message(message_type::cdn);
    cdn.result = l2tp::result_code{result, error, why};
    cdn.assigned_session_id = 0;
    send(cdn, icrq.assigned_session_id.value_or(0));
  }

  /// Reserves a place under the global session limit (the session gives it
  /// back when it ends); false when this tunnel or the instance is full.
  bool reserve_session() {
    if (max_sessions != 0 && sessions.size() >= max_sessions) return false;
    return try_reserve(ctx->stats.sessions_active, ctx->cfg.l2tp.max_sessions);
  }

  void new_incoming_call(l2tp::control_message icrq) {
    if (args.role != tunnel_role::lns) {
      return refuse_call(icrq, l2tp::cdn_result::general_error, l2tp::error_code::vendor_error,
                         "this tunnel does not accept incoming calls");
    }
    if (!icrq.assigned_session_id || *icrq.assigned_session_id == 0) {
      ctx->stats.sessions_refused.fetch_add(1);
      return;  // nothing to address a CDN to
    }
    if (by_peer_id.count(*icrq.assigned_session_id)) return;  // the same call again
    if (!reserve_session()) {
      return refuse_call(icrq, l2tp::cdn_result::no_facilities_temporary, l2tp::error_code::insufficient_resources,
                         "session limit reached");
    }
    auto id = session_ids.allocate();
    if (!id) {
      ctx->stats.sessions_active.fetch_sub(1);
      return refuse_call(icrq, l2tp::cdn_result::no_facilities_temporary, l2tp::error_code::insufficient_resources,
                         "no free session ID");
    }
    session_args sa;
    sa.ctx = args.ctx;
    sa.tunnel = self;
    sa.role = session_role::lns;
    sa.local_tunnel_id = args.local_id;
    sa.local_id = *id;
    sa.peer_id = *icrq.assigned_session_id;
    sa.peer_tunnel_id = peer_tunnel_id;
    sa.gateway = args.gateway;
    sa.peer = args.peer;
    auto actor = spawn_session(self->system(), std::move(sa));
    self->link_to(actor);  // a tunnel killed (not closed) takes its sessions with it
    sessions[*id] = {actor, *icrq.assigned_session_id};
    by_peer_id[*icrq.assigned_session_id] = *id;
    self->send(actor, session_control{std::move(icrq)});
  }

  /// LAC: a call to place on this tunnel (now, or once it is up).
  void start_call(open_call c) {
    if (state == tunnel_state::closing || state == tunnel_state::destroyed) {
      self->send(c.requester, call_result{c.call.call_id, false, args.local_id, 0, "tunnel closing", {}});
      return;
    }
    if (state != tunnel_state::established) {
      waiting_calls.push_back(std::move(c));
      return;
    }
    if (!reserve_session()) {
      self->send(c.requester, call_result{c.call.call_id, false, args.local_id, 0, "session limit reached", {}});
      return;
    }
    auto id = session_ids.allocate();
    if (!id) {
      ctx->stats.sessions_active.fetch_sub(1);
      self->send(c.requester, call_result{c.call.call_id, false, args.local_id, 0, "no free session ID", {}});
      return;
    }
    session_args sa;
    sa.ctx = args.ctx;
    sa.tunnel = self;
    sa.role = session_role::lac;
    sa.local_tunnel_id = args.local_id;
    sa.local_id = *id;
    sa.call_serial = next_call_serial++;
    sa.peer_tunnel_id = peer_tunnel_id;
    sa.gateway = args.gateway;
    sa.peer = args.peer;
    sa.call = std::move(c.call);
    sa.requester = c.requester;
    sa.sequencing = ctx->cfg.l2tp.destinations[args.destination].sequencing_required;
    auto actor = spawn_session(self->system(), std::move(sa));
    self->link_to(actor);
    sessions[*id] = {actor, 0};
    self->send(actor, up_atom::value);
  }

  void on_session_gone(const session_gone& g) {
    auto it = sessions.find(g.local_session_id);
    if (it == sessions.end()) return;
    if (it->second.peer_id != 0) by_peer_id.erase(it->second.peer_id);
    sessions.erase(it);
    session_ids.release(g.local_session_id);
    if (sessions.empty()) empty_since = std::chrono::steady_clock::now();
  }

  // ------------------------------------------------------------ queries

  /// The tunnel's own view (no session sums yet).
  tunnel_snapshot describe() const {
    tunnel_snapshot t;
    t.lac = args.role == tunnel_role::lac;
    t.local_tunnel_id = args.local_id;
    t.peer_tunnel_id = peer_tunnel_id;
    t.peer = args.peer;
    t.local = ctx->tx->local(args.gateway);
    t.gateway = args.gateway;
    t.local_gateway_name = ctx->cfg.l2tp.local_gateways[args.gateway].name;
    t.tunnel_group = group_name;
    t.local_name = ctx->cfg.l2tp.host_name;
    t.remote_name = peer_host_name;
    t.state = std::string{l2tp::to_string(state)};
    t.interface_name = args.role == tunnel_role::lac ? "pp0" : ctx->cfg.data_plane.tun;
    t.sessions = sessions.size();
    t.max_sessions = max_sessions;
    t.receive_window = receive_window;
    t.peer_receive_window = peer_window;
    t.hello_interval = hello_interval;
    t.tunnel_authentication = !secret.empty();
    t.created = created_wall;
    t.up_since = up_wall;
    t.statistics_since = stats_since;
    if (sessions.empty() && empty_since) {
      t.idle = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - *empty_since);
    }
    t.tunnel_control_rx_packets = control.rx_packets - control_baseline.rx_packets;
    t.tunnel_control_rx_bytes = control.rx_bytes - control_baseline.rx_bytes;
    t.tunnel_control_tx_packets = control.tx_packets - control_baseline.tx_packets;
    t.tunnel_control_tx_bytes = control.tx_bytes - control_baseline.tx_bytes;
    t.retransmissions = control.retransmissions - control_baseline.retransmissions;
    return t;
  }

  /// Its sessions' actors by local session ID.
  session_actor_map session_actors() const {
    session_actor_map m;
    m.reserve(sessions.size());
    for (const auto& [id, s] : sessions) m.emplace_back(id, s.actor);
    return m;
  }

  // ------------------------------------------------------------ timers

  void on_timer() {
    auto t = now();
    channel.on_timer(t, out);
    flush();
    if (channel.failed()) {
      ctx->stats.tunnels_failed.fetch_add(1);
      ctx->log->warn("tunnel-transport-failed tunnel={} peer={} state={}", args.local_id, args.peer.to_string(),
                     l2tp::to_string(state));
      apply(tunnel_event::transport_failed);
      return;
    }
    if (hold_until && t >= *hold_until) {
      hold_until.reset();
      apply(tunnel_event::hold_expired);
      return;
    }
    if (shutting_down && state == tunnel_state::closing && channel.idle()) {
      apply(tunnel_event::hold_expired);  // our StopCCN is acknowledged: no need to hold
      return;
    }
    if (state == tunnel_state::established && hello_interval.count() > 0 && channel.idle() &&
        t - channel.last_receive() >= hello_interval) {
      apply(tunnel_event::hello_due);
    }
  }

  void after_event() {
    if (state == tunnel_state::destroyed) return;
    if (channel.failed()) {
      apply(tunnel_event::transport_failed);
      return;
    }
    if (shutting_down && state == tunnel_state::closing && channel.idle()) {
      apply(tunnel_event::hold_expired);
      return;
    }
    std::optional<l2tp::time_point> next = channel.next_deadline();
    auto earliest = [&](l2tp::time_point t) {
      if (!next || t < *next) next = t;
    };
    if (hold_until) earliest(*hold_until);
    if (state == tunnel_state::established && hello_interval.count() > 0) {
      earliest(channel.last_receive() + hello_interval);
    }
    if (!next) return;
    if (armed && *armed <= *next && *armed > now()) return;  // an earlier wake-up is already set
    auto delay = *next - now();
    if (delay < l2tp::duration::zero()) delay = l2tp::duration::zero();
    armed = *next;
    self->delayed_send(self, std::chrono::duration_cast<std::chrono::microseconds>(delay), tick_atom::value,
                       ++timer_generation);
  }
};

caf::behavior tunnel_behavior(caf::stateful_actor<tunnel_actor_state>* self, tunnel_args args) {
  auto& init = self->state;
  init.args = std::move(args);
  init.ctx = init.args.ctx.get();
  init.ctx->stats.tunnels_created.fetch_add(1);  // tunnels_active was reserved by the shard
  const bool lac = init.args.role == tunnel_role::lac;
  if (lac) {
    const auto& dest = init.ctx->cfg.l2tp.destinations[init.args.destination];
    init.secret = dest.secret;
    init.hide_avps = dest.hide_avps;
    init.hello_interval = dest.hello_interval;
    init.receive_window = dest.receive_window;
    init.max_sessions = dest.max_sessions;
    init.group_name = dest.name;
  }
  // LNS tunnels refine the settings once the SCCRQ names the LAC (select_client).
  auto rc = init.ctx->reliable(init.receive_window);
  init.channel = l2tp::reliable_channel{rc};
  init.hold_time = l2tp::full_retransmission_cycle(rc);
  if (lac) {
    init.apply(tunnel_event::local_open);
    init.after_event();
  }
  return {
      [self](datagram& d) { self->state.on_datagram(d); },
      // Its own state and, as deep as asked, its matching sessions and their sums.
      [self](query_atom, const query_request& q) {
        return answer_query(self, self->state.describe(), self->state.session_actors(), q);
      },
      // clear services l2tp session|tunnel [statistics] FILTER.
      [self](clear_atom, const clear_request& c) {
        auto reset = [self] {
          auto& st = self->state;
          st.control_baseline = st.control;
          st.stats_since = std::chrono::system_clock::now();
        };
        return answer_clear(self, self->state.describe(), self->state.session_actors(), c, reset);
      },
      [self](incoming_sccrq& s) { self->state.on_datagram(s.dgram); },
      [self](session_send& s) {
        auto& st = self->state;
        if (st.state == tunnel_state::destroyed) return;
        if (s.msg.type == message_type::icrp || s.msg.type == message_type::icrq) {
          auto it = st.sessions.find(s.local_session_id);
          if (it == st.sessions.end()) return;  // the session is already gone
        }
        st.send(s.msg, s.peer_session_id);
        st.after_event();
      },
      [self](const session_gone& g) {
        self->state.on_session_gone(g);
        self->state.after_event();
      },
      [self](open_call& c) {
        self->state.start_call(std::move(c));
        self->state.after_event();
      },
      [self](tick_atom, std::uint64_t generation) {
        auto& st = self->state;
        if (generation != st.timer_generation) return;  // superseded by a later arm
        st.armed.reset();
        st.on_timer();
        st.after_event();
      },
      [self](close_atom) {
        auto& st = self->state;
        st.stop = {l2tp::stopccn_result::general_clear, std::nullopt, ""};
        st.apply(tunnel_event::local_close);
        st.after_event();
      },
      [self](shutdown_atom) {
        auto& st = self->state;
        st.shutting_down = true;
        if (st.state == tunnel_state::closing) {
          st.after_event();
          return;
        }
        st.stop = {l2tp::stopccn_result::shutting_down, std::nullopt, ""};
        st.apply(tunnel_event::local_close);
        st.after_event();
      },
  };
}

}  // namespace

caf::actor spawn_tunnel(caf::actor_system& sys, tunnel_args args) {
  return sys.spawn(tunnel_behavior, std::move(args));
}

}  // namespace bras::actors
