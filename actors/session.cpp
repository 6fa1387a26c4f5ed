#include "actors/session.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "actors/address_pool.hpp"
#include "protocol/common/crypto.hpp"
#include "protocol/l2tp/session_fsm.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::actors {

namespace {

using l2tp::message_type;
using l2tp::session_event;
using l2tp::session_state;
namespace act = l2tp::session_action;

/// `text` in double quotes, with quotes, backslashes and control characters escaped: a user name
/// comes from the subscriber and must not break a log line apart.
std::string log_quoted(std::string_view text) {
  std::string out{"\""};
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

struct session_actor_state {
  static constexpr const char* name = "session";

  explicit session_actor_state(caf::stateful_actor<session_actor_state>* s) : self(s) {}

  caf::stateful_actor<session_actor_state>* self;
  session_args args;
  context* ctx = nullptr;
  session_state state = session_state::idle;
  l2tp::result_code cdn_result{l2tp::cdn_result::admin, std::nullopt, ""};
  std::optional<l2tp::ppp_disconnect_cause> cdn_cause;  ///< RFC 3145 AVP 46 for our CDN
  bool was_established = false;

  // ---- PPP (LNS) and the data plane (both roles) ----
  std::optional<ppp::server_engine> ppp;
  ppp::proxy_info proxy;  ///< from the ICCN
  bool sequencing = false;
  std::array<std::uint32_t, ppp::timer_count> timer_generation{};
  data_session_ptr data;
  std::string user;
  std::uint32_t address = 0;  ///< granted by AAA: returned when the session ends
  bool aaa_granted = false;
  std::optional<std::chrono::seconds> session_timeout;
  std::optional<std::chrono::seconds> idle_timeout;
  std::chrono::steady_clock::time_point created = std::chrono::steady_clock::now();
  std::optional<std::chrono::steady_clock::time_point> up_since;
  bool ppp_finished = false;
  std::vector<ppp_frame> early_frames;  ///< LNS: PPP frames that arrived before the ICCN
  bool lower_gone = false;              ///< CDN received or tunnel down: nothing more to send
  ppp::finished end;                    ///< why PPP ended (accounting): RFC 3145 cause, direction, protocol
  std::optional<std::chrono::system_clock::time_point> ended_wall;  ///< when PPP ended
  std::chrono::system_clock::time_point created_wall = std::chrono::system_clock::now();
  std::optional<std::chrono::system_clock::time_point> up_wall;
  std::chrono::system_clock::time_point stats_since = created_wall;
  session_snapshot baseline;  ///< counter values at the last statistics clear
  /// What the LAC told us about the call (ICRQ/ICCN), or what we told the LNS.
  struct call_facts {
    std::uint32_t serial = 0, bearer = 0, framing = 0, tx_speed = 0, rx_speed = 0;
    std::string calling, called;
  } call_info;
  std::uint32_t interface_unit = 0;
  // Control traffic of this session (PPP control frames in data messages).
  std::uint64_t control_rx_packets = 0, control_rx_bytes = 0, control_tx_packets = 0, control_tx_bytes = 0;

  void send(l2tp::control_message m) {
    self->send(args.tunnel, session_send{args.local_id, args.peer_id, std::move(m)});
  }

  void apply(session_event e) {
    auto from = state;
    auto tr = l2tp::session_step(state, e);
    ctx->log->debug("session-fsm tunnel={} session={} {} + {} -> {}", args.local_tunnel_id, args.local_id,
                    l2tp::to_string(from), l2tp::to_string(e), l2tp::to_string(tr.next));
    state = tr.next;
    auto a = tr.actions;
    if (a & act::protocol_error) {
      ctx->stats.fsm_protocol_errors.fetch_add(1);
      if (ctx->malformed_log.allow()) {
        ctx->log->warn("session-unexpected-event tunnel={} session={} state={} event={}", args.local_tunnel_id,
                       args.local_id, l2tp::to_string(from), l2tp::to_string(e));
      }
      if (a & act::send_cdn)
        cdn_result = {l2tp::cdn_result::general_error, l2tp::error_code::vendor_error, "unexpected message"};
    }
    if (a & act::send_icrq) {
      auto m = l2tp::make_message(message_type::icrq);
      m.assigned_session_id = args.local_id;
      m.call_serial_number = args.call_serial;
      m.bearer_type = l2tp::bearer_bits::digital;
      if (!args.call.calling_number.empty()) m.calling_number = args.call.calling_number;
      if (!args.call.called_number.empty()) m.called_number = args.call.called_number;
      send(std::move(m));
    }
    if (a & act::send_icrp) {
      auto m = l2tp::make_message(message_type::icrp);
      m.assigned_session_id = args.local_id;
      send(std::move(m));
    }
    if (a & act::send_iccn) {
      auto m = l2tp::make_message(message_type::iccn);
      m.framing_type = l2tp::framing_bits::synchronous;
      m.tx_connect_speed = args.call.tx_connect_speed;
      if (args.call.rx_connect_speed != 0 && args.call.rx_connect_speed != args.call.tx_connect_speed) {
        m.rx_connect_speed = args.call.rx_connect_speed;
      }
      const auto& px = args.call.proxy;
      m.initial_received_lcp_confreq = px.initial_received_confreq;
      m.last_sent_lcp_confreq = px.last_sent_confreq;
      m.last_received_lcp_confreq = px.last_received_confreq;
      m.proxy_authen_type = px.authen_type;
      m.proxy_authen_name = px.authen_name;
      m.proxy_authen_challenge = px.authen_challenge;
      m.proxy_authen_id = px.authen_id;
      m.proxy_authen_response = px.authen_response;
      m.sequencing_required = args.sequencing;
      send(std::move(m));
    }
    if (a & act::send_cdn) {
      auto m = l2tp::make_message(message_type::cdn);
      m.result = cdn_result;
      m.assigned_session_id = args.local_id;
      m.disconnect_cause = cdn_cause;
      send(std::move(m));
    }
    if (a & (act::start_ppp | act::call_up)) {
      was_established = true;
      ctx->stats.sessions_established.fetch_add(1);
      ctx->log->debug("session-established tunnel={} session={} peer-session={}", args.local_tunnel_id, args.local_id,
                      args.peer_id);
      if (!data) register_data();
      if (args.requester) {
        self->send(args.requester, call_result{args.call.call_id, true, args.local_tunnel_id, args.local_id, "",
                                               caf::actor_cast<caf::actor>(self)});
      }
    }
    if (a & act::start_ppp) start_ppp();
    if (a & act::destroy) destroy();
  }

  // ------------------------------------------------------------ data plane

  void register_data() {
    data = std::make_shared<data_session>();
    data->local_tunnel_id = args.local_tunnel_id;
    data->local_session_id = args.local_id;
    data->peer_tunnel_id = args.peer_tunnel_id;
    data->peer_session_id = args.peer_id;
    data->gateway = args.gateway;
    data->peer = args.peer;
    data->actor = caf::actor_cast<caf::actor>(self);
    data->lac = args.role == session_role::lac;
    data->sequencing.store(sequencing);
    ctx->sessions.add(data);
  }

  void unregister_data() {
    if (!data) return;
    ctx->sessions.remove(*data);
  }

  /// A PPP frame to the peer in an L2TP data message.
  void send_frame(wire::byte_span frame) {
    if (!data || ctx->forwarder == nullptr) return;
    ++control_tx_packets;
    control_tx_bytes += frame.size();
    ctx->forwarder->send_frame(*data, frame);
  }

  // ------------------------------------------------------------ PPP (LNS)

  void start_ppp() {
    const auto& pc = ctx->cfg.ppp;
    ppp::server_config c;
    for (const auto& m : pc.authentication) {
      c.lcp.auth.push_back(m == "pap" ? ppp::lcp::auth_method::pap : ppp::lcp::auth_method::chap_md5);
    }
    c.lcp.mru = pc.mru;
    c.lcp.min_mru = pc.min_mru;
    c.lcp.max_mru = std::max<std::uint16_t>(pc.mru, 1500);
    std::array<std::byte, 32> random{};
    if (!wire::random_bytes(random)) {
      // Without randomness, CHAP challenges would repeat: refuse rather than weaken.
      return end_session(ppp::finished{ppp::cause::none, ppp::direction::at_local, "no-randomness"});
    }
    auto word = [&](std::size_t at) {
      std::uint32_t v = 0;
      for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | std::to_integer<std::uint32_t>(random[at + i]);
      return v;
    };
    c.lcp.magic = word(0) == 0 ? 1 : word(0);
    std::copy_n(random.begin() + 4, 16, c.challenge.begin());
    c.seed = word(20) == 0 ? 1 : word(20);
    c.local_interface_id = (std::uint64_t{word(24)} << 32) | word(28);
    if (c.local_interface_id == 0) c.local_interface_id = 1;
    // IPv6 from tun finds its session by the interface identifier: Nak one another session holds.
    c.interface_id_in_use = [table = &ctx->sessions, mine = data.get()](std::uint64_t id) {
      auto holder = table->find_ipv6(id);
      return holder && holder.get() != mine;
    };
    c.negotiation.restart_timer = pc.restart_timer;
    c.negotiation.max_configure = pc.max_configure;
    c.negotiation.max_terminate = pc.max_terminate;
    c.negotiation.max_failure = pc.max_failure;
    c.name = ctx->cfg.l2tp.host_name;
    c.auth_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(pc.auth_timeout);
    c.echo_interval = std::chrono::duration_cast<std::chrono::milliseconds>(pc.echo_interval);
    c.echo_failures = pc.echo_failures;
    c.lcp_renegotiation = pc.lcp_renegotiation;
    c.ipv6 = pc.ipv6;
    c.local_address = pc.local_address;
    if (!pc.dns.empty()) c.primary_dns = pc.dns[0];
    if (pc.dns.size() > 1) c.secondary_dns = pc.dns[1];
    ppp.emplace(std::move(c));
    perform(ppp->start(proxy));
    // The subscriber may have spoken before our ICCN arrived (its data can overtake the control channel).
    for (auto& f : std::exchange(early_frames, {})) on_ppp_frame(f);
  }

  void perform(ppp::effects fx) {
    for (auto& e : fx) {
      if (auto* f = std::get_if<ppp::send_frame>(&e)) {
        send_frame(f->frame);
      } else if (auto* t = std::get_if<ppp::arm_timer>(&e)) {
        const auto i = static_cast<std::size_t>(t->which);
        self->delayed_send(self, t->after, ppp_timer{static_cast<std::uint8_t>(i), ++timer_generation[i]});
      } else if (auto* st = std::get_if<ppp::stop_timer>(&e)) {
        ++timer_generation[static_cast<std::size_t>(st->which)];
      } else if (auto* au = std::get_if<ppp::authenticate>(&e)) {
        ask_aaa(*au);
      } else if (auto* up = std::get_if<ppp::network_up>(&e)) {
        network_up(*up);
      } else if (auto* dn = std::get_if<ppp::network_down>(&e)) {
        if (!data) continue;
        if (dn->which == ppp::network::ipv4) {
          ctx->sessions.unbind_ipv4(*data);
        } else {
          ctx->sessions.unbind_ipv6(*data);
        }
      } else if (auto* fin = std::get_if<ppp::finished>(&e)) {
        end_session(std::move(*fin));
      }
    }
  }

  void ask_aaa(const ppp::authenticate& a) {
    release_aaa();  // authenticating again (LCP renegotiated): the new verdict replaces the old grant
    user = a.user;
    aaa_request r;
    r.chap = a.kind == ppp::authenticate::method::chap_md5;
    r.user = a.user;
    r.password = a.password;
    r.chap_id = a.chap_id;
    r.challenge = a.challenge;
    r.response = a.response;
    const auto timeout = ctx->cfg.ppp.aaa_timeout;
    self->request(ctx->aaa, timeout, std::move(r))
        .then(
            [this](aaa_verdict& v) {
              if (ppp_finished) {
                // Too late: give the grant back now (the AAA actor would take it once we are gone).
                if (v.accepted) self->send(ctx->aaa, aaa_release{user, v.address});
                return;
              }
              if (v.accepted) {
                aaa_granted = true;
                address = v.address;
                session_timeout = v.session_timeout;
                idle_timeout = v.idle_timeout;
              } else if (ctx->peer_log.allow()) {
                // At info, and the user name is the subscriber's: quoted like session-ended's.
                ctx->ppp_log->info("ppp-auth-rejected tunnel={} session={} user={} reason={}", args.local_tunnel_id,
                                   args.local_id, log_quoted(user), v.reason);
              }
              perform(ppp->auth_result(v.accepted, v.address, v.message));
            },
            [this](caf::error&) {
              // A verdict arriving after this is dropped; the AAA actor takes its grant back when we end.
              ctx->stats.aaa_timeouts.fetch_add(1);
              if (ppp_finished) return;
              perform(ppp->auth_result(false, 0, "authentication unavailable"));
            });
  }

  void network_up(const ppp::network_up& up) {
    if (!data) return;
    const auto& dp = ctx->cfg.data_plane;
    const std::uint16_t mtu = ppp->peer_mru();
    data->mtu.store(mtu);
    data->acfc.store(ppp->tx_flags().acfc);
    data->pfc.store(ppp->tx_flags().pfc);
    // An MSS above what the session's MTU carries would let full-size segments through to be fragmented.
    const auto fits = static_cast<std::uint16_t>(mtu - 40);
    data->tcp_mss.store(dp.tcp_mss_clamp ? (dp.tcp_mss != 0 ? std::min(dp.tcp_mss, fits) : fits) : 0);
    if (up.which == ppp::network::ipv4) {
      if (!ctx->sessions.bind_ipv4(data, up.peer_address, user)) {
        ctx->ppp_log->warn("ppp-address-conflict tunnel={} session={} address={}", args.local_tunnel_id, args.local_id,
                           up.peer_address);
        return perform(ppp->close(ppp::cause::no_acceptable_address, "address-conflict"));
      }
    } else {
      if (!ctx->sessions.bind_ipv6(data, up.peer_interface_id)) {
        // Taken between our Ack and now by a session negotiating at the same time.
        ctx->ppp_log->warn("ppp-interface-id-conflict tunnel={} session={} interface-id={:016x}", args.local_tunnel_id,
                           args.local_id, up.peer_interface_id);
        return perform(ppp->close(ppp::cause::no_acceptable_address, "interface-id-conflict"));
      }
    }
    if (!up_since) {
      up_since = std::chrono::steady_clock::now();
      up_wall = std::chrono::system_clock::now();
      data->last_rx_ns.store(up_since->time_since_epoch().count());
      ctx->stats.ppp_up.fetch_add(1);
      ctx->stats.ppp_active.fetch_add(1);
      ctx->ppp_log->debug("ppp-up tunnel={} session={} user={} address={}", args.local_tunnel_id, args.local_id, user,
                          up.peer_address);
      if (!session_timeout && ctx->cfg.ppp.session_timeout.count() > 0) session_timeout = ctx->cfg.ppp.session_timeout;
      if (!idle_timeout && ctx->cfg.ppp.idle_timeout.count() > 0) idle_timeout = ctx->cfg.ppp.idle_timeout;
      arm_lifetime();
    }
  }

  /// Schedules the next idle / session timeout check.
  void arm_lifetime() {
    using namespace std::chrono;
    if (!up_since || (!session_timeout && !idle_timeout)) return;
    const auto now_t = steady_clock::now();
    auto next = steady_clock::time_point::max();
    if (session_timeout) next = std::min(next, *up_since + *session_timeout);
    if (idle_timeout) {
      const steady_clock::time_point last{steady_clock::duration{data->last_rx_ns.load()}};
      next = std::min(next, last + *idle_timeout);
    }
    auto wait = duration_cast<milliseconds>(next - now_t) + milliseconds{1};
    if (wait.count() < 1) wait = milliseconds{1};
    self->delayed_send(self, wait, lifetime_atom::value);
  }

  void check_lifetime() {
    using namespace std::chrono;
    if (ppp_finished || !up_since) return;
    const auto now_t = steady_clock::now();
    // RFC 3145 cause 3 (normal disconnection: we send the LCP Terminate-Request), direction 2 (local), as
    // JunosE reports session and inactivity timeouts; cause 1 is for an operator's action.
    if (session_timeout && now_t >= *up_since + *session_timeout) {
      return perform(ppp->close(ppp::cause::normal, "session-timeout"));
    }
    if (idle_timeout) {
      const steady_clock::time_point last{steady_clock::duration{data->last_rx_ns.load()}};
      if (now_t >= last + *idle_timeout) return perform(ppp->close(ppp::cause::normal, "idle-timeout"));
    }
    arm_lifetime();
  }

  /// PPP is over (or never started): account, give everything back, clear the call.
  void end_session(ppp::finished fin) {
    if (ppp_finished) return;
    ppp_finished = true;
    end = std::move(fin);
    ended_wall = std::chrono::system_clock::now();
    const auto slot = std::min<std::size_t>(end.cause, ctx->stats.disconnect_causes.size() - 1);
    ctx->stats.disconnect_causes[slot].fetch_add(1);
    if (up_since) ctx->stats.ppp_active.fetch_sub(1);
    unregister_data();
    release_aaa();
    ctx->ppp_log->debug("ppp-finished tunnel={} session={} user={} cause={} reason={}", args.local_tunnel_id,
                        args.local_id, user, end.cause, end.message);
    if (lower_gone) return;
    // Administrative (CDN result 3): the operator's close (cause 1), or a healthy link we ended on
    // purpose (cause 3 from our side: the session and idle timeouts; the peer's own ends are direction 1).
    const bool admin =
        end.cause == ppp::cause::admin || (end.cause == ppp::cause::normal && end.dir == ppp::direction::at_local);
    const bool no_address =
        end.cause == ppp::cause::no_acceptable_address || end.cause == ppp::cause::no_address_permitted;
    cdn_result = {admin        ? l2tp::cdn_result::admin
                  : no_address ? l2tp::cdn_result::no_facilities_temporary
                               : l2tp::cdn_result::general_error,
                  l2tp::error_code::none, end.message};
    cdn_cause = l2tp::ppp_disconnect_cause{end.cause, end.protocol, static_cast<std::uint8_t>(end.dir), end.message};
    apply(session_event::local_close);
  }

  /// Counters as they stand (not relative to the last clear).
  session_snapshot raw_counters() const {
    session_snapshot s;
    s.control_rx_packets = control_rx_packets;
    s.control_rx_bytes = control_rx_bytes;
    s.control_tx_packets = control_tx_packets;
    s.control_tx_bytes = control_tx_bytes;
    if (data) {
      s.data_rx_packets = data->rx_packets.load();
      s.data_rx_bytes = data->rx_bytes.load();
      s.data_tx_packets = data->tx_packets.load();
      s.data_tx_bytes = data->tx_bytes.load();
      s.rx_errors = data->rx_errors.load();
      s.tx_errors = data->tx_errors.load();
      s.spoofed = data->spoofed.load();
      s.mss_clamped = data->mss_clamped.load();
      s.fragmented = data->fragmented.load();
      s.icmp_sent = data->icmp_sent.load();
    }
    if (ppp) {
      const auto& c = ppp->counters();
      s.echo_requests_sent = c.echo_requests_sent;
      s.echo_requests_received = c.echo_requests_received;
      s.echo_replies_sent = c.echo_replies_sent;
      s.echo_replies_received = c.echo_replies_received;
      s.echo_timeouts = c.echo_timeouts;
    }
    return s;
  }

  session_snapshot snapshot() const {
    auto s = raw_counters();
    const auto& b = baseline;
    s.control_rx_packets -= b.control_rx_packets;
    s.control_rx_bytes -= b.control_rx_bytes;
    s.control_tx_packets -= b.control_tx_packets;
    s.control_tx_bytes -= b.control_tx_bytes;
    s.data_rx_packets -= b.data_rx_packets;
    s.data_rx_bytes -= b.data_rx_bytes;
    s.data_tx_packets -= b.data_tx_packets;
    s.data_tx_bytes -= b.data_tx_bytes;
    s.rx_errors -= b.rx_errors;
    s.tx_errors -= b.tx_errors;
    s.spoofed -= b.spoofed;
    s.mss_clamped -= b.mss_clamped;
    s.fragmented -= b.fragmented;
    s.icmp_sent -= b.icmp_sent;
    s.echo_requests_sent -= b.echo_requests_sent;
    s.echo_requests_received -= b.echo_requests_received;
    s.echo_replies_sent -= b.echo_replies_sent;
    s.echo_replies_received -= b.echo_replies_received;
    s.echo_timeouts -= b.echo_timeouts;
    s.lac = args.role == session_role::lac;
    s.local_tunnel_id = args.local_tunnel_id;
    s.local_session_id = args.local_id;
    s.peer_tunnel_id = args.peer_tunnel_id;
    s.peer_session_id = args.peer_id;
    s.peer = args.peer;
    s.gateway = args.gateway;
    s.state = std::string{l2tp::to_string(state)};
    s.calling_number = call_info.calling;
    s.called_number = call_info.called;
    s.call_serial_number = call_info.serial;
    s.bearer_type = call_info.bearer;
    s.framing_type = call_info.framing;
    s.tx_speed = call_info.tx_speed;
    s.rx_speed = call_info.rx_speed;
    s.interface_unit = interface_unit;
    s.interface_name = args.role == session_role::lac ? "pp0" : ctx->cfg.data_plane.tun;
    if (args.role == session_role::lns) {
      s.lcp_renegotiation = ctx->cfg.ppp.lcp_renegotiation;
      s.local_address = ctx->cfg.ppp.local_address;
    }
    s.user = user;
    s.address = data ? data->ipv4.load() : 0;
    s.ipv6_interface_id = data ? data->ipv6_iid.load() : 0;
    if (ppp) {
      s.ppp_phase = std::string{ppp::to_string(ppp->phase())};
      s.lcp_state = std::string{ppp::to_string(ppp->lcp_state())};
      s.ipcp_state = std::string{ppp::to_string(ppp->ipcp_state())};
      s.ipv6cp_state = std::string{ppp::to_string(ppp->ipv6cp_state())};
      s.mru = ppp->mru();
      s.peer_mru = ppp->peer_mru();
      s.auth_protocol = ppp->auth_protocol();
      s.proxied_lcp = ppp->proxied_lcp();
    }
    s.created = created_wall;
    s.up_since = up_wall;
    s.statistics_since = stats_since;
    if (data && up_since) {
      const std::chrono::steady_clock::time_point last{std::chrono::steady_clock::duration{data->last_rx_ns.load()}};
      s.idle = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - last);
    }
    return s;
  }

  void release_aaa() {
    if (!aaa_granted) return;
    aaa_granted = false;
    self->send(ctx->aaa, aaa_release{user, address});
  }

  void on_ppp_frame(ppp_frame& f) {
    if (args.role == session_role::lac) {
      // LAC: relay to the subscriber side.
      ++control_rx_packets;
      control_rx_bytes += f.frame.size();
      if (args.call.subscriber) self->send(args.call.subscriber, std::move(f));
      return;
    }
    if (!ppp) {
      if (!ppp_finished && early_frames.size() < 16) early_frames.push_back(std::move(f));
      return;
    }
    if (ppp_finished) return;
    auto fr = ppp::decode_frame(f.frame);
    if (fr && data && ctx->forwarder != nullptr &&
        (fr.value().protocol == ppp::proto::ipv4 || fr.value().protocol == ppp::proto::ipv6)) {
      // Actor data path: the I/O thread handed us the packet.
      ctx->forwarder->from_subscriber(*data, fr.value().protocol == ppp::proto::ipv6, fr.value().payload);
      return;
    }
    ++control_rx_packets;
    control_rx_bytes += f.frame.size();
    const auto malformed_before = ppp->counters().malformed;
    perform(ppp->receive(f.frame));
    if (ppp && ppp->counters().malformed != malformed_before) {
      ctx->stats.ppp_malformed.fetch_add(1);
      if (ctx->malformed_log.allow()) {
        ctx->ppp_log->warn("ppp-malformed tunnel={} session={}", args.local_tunnel_id, args.local_id);
      }
    }
  }

  void lower_layer_gone(std::uint16_t code, std::string_view why) {
    lower_gone = true;
    if (ppp && !ppp_finished) {
      perform(ppp->lower_down(code, why));
    } else if (!ppp_finished) {
      ppp_finished = true;
      unregister_data();
      release_aaa();
    }
  }

  /// One line per ended LNS session, with what a RADIUS Accounting-Stop carries.
  void log_end() const {
    using namespace std::chrono;
    const auto at = ended_wall.value_or(system_clock::now());
    const auto up = up_wall ? duration_cast<seconds>(at - *up_wall).count() : 0;
    const auto c = raw_counters();
    const auto a = data ? data->ipv4.load() : 0;
    const auto addr = address != 0 ? address : a;
    ctx->ppp_log->info(
        "session-ended tunnel={} session={} user={} address={} cause={} direction={} protocol={:#06x} "
        "reason={} duration={} rx-bytes={} tx-bytes={} rx-packets={} tx-packets={}",
        args.local_tunnel_id, args.local_id, log_quoted(user), dotted(addr), end.cause, static_cast<unsigned>(end.dir),
        end.protocol, log_quoted(end.message), up, c.data_rx_bytes, c.data_tx_bytes, c.data_rx_packets,
        c.data_tx_packets);
  }

  void destroy() {
    if (!ppp_finished) lower_layer_gone(ppp::cause::none, "session-destroyed");
    if (args.role == session_role::lns && ppp) log_end();
    unregister_data();
    release_aaa();
    ctx->stats.sessions_destroyed.fetch_add(1);
    ctx->stats.sessions_active.fetch_sub(1);
    self->send(args.tunnel, session_gone{args.local_id, was_established});
    if (args.requester) {
      if (was_established) {
        self->send(args.requester, call_cleared{args.call.call_id, args.local_tunnel_id, args.local_id});
      } else {
        self->send(
            args.requester,
            call_result{args.call.call_id, false, args.local_tunnel_id, args.local_id, "call not established", {}});
      }
    }
    self->quit();
  }

  void refuse(session_event e, std::uint16_t error, std::string why) {
    cdn_result = {l2tp::cdn_result::general_error, error, std::move(why)};
    ctx->stats.sessions_refused.fetch_add(1);
    apply(e);
  }

  void on_control(l2tp::control_message& m) {
    auto st = m.check();
    if (const auto* u = m.unknown_mandatory(); u != nullptr && m.type != message_type::cdn) {
      // RFC 2661 §4.1: an unrecognized M-bit AVP in a session message clears the session.
      cdn_result = {l2tp::cdn_result::general_error, l2tp::error_code::unknown_mandatory_avp,
                    "unknown mandatory AVP type " + std::to_string(u->type)};
      ctx->stats.sessions_refused.fetch_add(1);
      return apply(m.type == message_type::icrq   ? session_event::recv_icrq_bad
                   : m.type == message_type::icrp ? session_event::recv_icrp_bad
                   : m.type == message_type::iccn ? session_event::recv_iccn_bad
                                                  : session_event::local_close);
    }
    switch (m.type) {
      case message_type::icrq:
        if (!st)
          return refuse(session_event::recv_icrq_bad, l2tp::error_code::vendor_error, std::string{st.err().reason});
        call_info.serial = m.call_serial_number.value_or(0);
        call_info.bearer = m.bearer_type.value_or(0);
        call_info.calling = m.calling_number.value_or("");
        call_info.called = m.called_number.value_or("");
        return apply(session_event::recv_icrq_ok);
      case message_type::icrp:
        if (!st)
          return refuse(session_event::recv_icrp_bad, l2tp::error_code::vendor_error, std::string{st.err().reason});
        if (m.assigned_session_id) args.peer_id = *m.assigned_session_id;
        return apply(session_event::recv_icrp_ok);
      case message_type::iccn:
        if (!st)
          return refuse(session_event::recv_iccn_bad, l2tp::error_code::vendor_error, std::string{st.err().reason});
        proxy.initial_received_confreq = m.initial_received_lcp_confreq;
        proxy.last_sent_confreq = m.last_sent_lcp_confreq;
        proxy.last_received_confreq = m.last_received_lcp_confreq;
        proxy.authen_type = m.proxy_authen_type;
        proxy.authen_name = m.proxy_authen_name;
        proxy.authen_challenge = m.proxy_authen_challenge;
        proxy.authen_id = m.proxy_authen_id;
        proxy.authen_response = m.proxy_authen_response;
        sequencing = m.sequencing_required;
        // The data-plane entry exists since the ICRQ: from now on data to the LAC carries Ns (RFC 2661 §5.4).
        if (data) data->sequencing.store(sequencing);
        call_info.framing = m.framing_type.value_or(0);
        call_info.tx_speed = m.tx_connect_speed.value_or(0);
        call_info.rx_speed = m.rx_connect_speed.value_or(call_info.tx_speed);  // RFC 2661: absent means equal
        return apply(session_event::recv_iccn_ok);
      case message_type::cdn:
        ctx->log->debug("session-cdn-received tunnel={} session={} result={}", args.local_tunnel_id, args.local_id,
                        m.result ? m.result->result : 0);
        lower_layer_gone(m.disconnect_cause ? m.disconnect_cause->code : ppp::cause::none, "cdn-received");
        return apply(session_event::recv_cdn);
      case message_type::wen:
      case message_type::sli:
      case message_type::csun:
      case message_type::csurq: return;  // informational; kept for the data plane and access-line issues
      default: return apply(session_event::recv_unexpected);
    }
  }
};

/// Interface units start where Junos' dynamic subscriber units do, so they
/// look familiar and never collide with a small static unit number.
constexpr std::uint32_t interface_unit_base = 1073741824;

caf::behavior session_behavior(caf::stateful_actor<session_actor_state>* self, session_args args) {
  auto& init = self->state;
  init.args = std::move(args);
  init.ctx = init.args.ctx.get();
  init.ctx->stats.sessions_created.fetch_add(1);
  init.interface_unit = interface_unit_base + init.ctx->interface_units.fetch_add(1);
  if (init.args.role == session_role::lac) {
    init.sequencing = init.args.sequencing;
    const auto& c = init.args.call;
    init.call_info = {init.args.call_serial,
                      l2tp::bearer_bits::digital,
                      l2tp::framing_bits::synchronous,
                      c.tx_connect_speed,
                      c.rx_connect_speed != 0 ? c.rx_connect_speed : c.tx_connect_speed,
                      c.calling_number,
                      c.called_number};
  }
  // sessions_active was reserved by the tunnel under the global limit.
  if (init.args.role == session_role::lac) init.apply(session_event::local_open);
  // LNS: reachable by the data plane from the ICRQ on, so PPP frames that
  // overtake the ICCN are kept, not dropped as "unknown session".
  if (init.args.role == session_role::lns) init.register_data();
  return {
      [self](session_control& c) { self->state.on_control(c.msg); },
      [self](up_atom) { self->state.apply(session_event::tunnel_up); },
      [self](down_atom) {
        self->state.lower_layer_gone(ppp::cause::none, "tunnel-down");
        self->state.apply(session_event::tunnel_down);
      },
      [self](close_atom) {
        auto& st = self->state;
        if (st.ppp && !st.ppp_finished) return st.perform(st.ppp->close(ppp::cause::admin, "admin-close"));
        st.cdn_result = {l2tp::cdn_result::admin, std::nullopt, ""};
        st.apply(session_event::local_close);
      },
      [self](ppp_frame& f) { self->state.on_ppp_frame(f); },
      [self](subscriber_frame& f) { self->state.send_frame(f.frame); },
      [self](tun_packet& p) {
        auto& st = self->state;
        if (st.data && st.ctx->forwarder != nullptr && !st.ppp_finished)
          st.ctx->forwarder->to_subscriber(*st.data, p.packet);
      },
      [self](ppp_timer t) {
        auto& st = self->state;
        if (!st.ppp || st.ppp_finished || t.which >= ppp::timer_count) return;
        if (st.timer_generation[t.which] != t.generation) return;  // stopped or re-armed since
        st.perform(st.ppp->timeout(static_cast<ppp::timer>(t.which)));
      },
      [self](lifetime_atom) { self->state.check_lifetime(); },
      [self](snapshot_atom) -> session_snapshot { return self->state.snapshot(); },
      [self](clear_stats_atom) {
        auto& st = self->state;
        st.baseline = st.raw_counters();
        st.stats_since = std::chrono::system_clock::now();
      },
  };
}

}  // namespace

caf::actor spawn_session(caf::actor_system& sys, session_args args) {
  return sys.spawn(session_behavior, std::move(args));
}

}  // namespace bras::actors
