#include "actors/session.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "actors/aaa_handoff.hpp"
#include "actors/ppp_host.hpp"
#include "actors/session_accounting.hpp"
#include "protocol/l2tp/call.hpp"
#include "protocol/l2tp/line_avps.hpp"

namespace bras::actors {

namespace {

/// Interface units start where Junos' dynamic subscriber units do, so they
/// look familiar and never collide with a small static unit number.
constexpr std::uint32_t interface_unit_base = 1073741824;

l2tp::call_config call_config_of(const session_args& a) {
  l2tp::call_config c;
  c.role = a.role == session_role::lac ? l2tp::call_role::lac : l2tp::call_role::lns;
  c.local_session_id = a.local_id;
  c.peer_session_id = a.peer_id;
  if (a.role == session_role::lac) {
    c.call_serial = a.call_serial;
    c.calling_number = a.call.calling_number;
    c.called_number = a.call.called_number;
    c.tx_connect_speed = a.call.tx_connect_speed;
    c.rx_connect_speed = a.call.rx_connect_speed;
    c.proxy = a.call.proxy;
    c.sequencing = a.sequencing;
    if (a.call.line) {
      // RFC 5515: the line's AVPs in the ICRQ; its actual rates as the connect speeds.
      c.access_line = l2tp::line_avps(*a.call.line);
      if (a.call.line->actual_rate_down) c.tx_connect_speed = l2tp::connect_speed_of(*a.call.line->actual_rate_down);
      if (a.call.line->actual_rate_up) c.rx_connect_speed = l2tp::connect_speed_of(*a.call.line->actual_rate_up);
    }
  }
  return c;
}

/// Where the subscriber is, for RADIUS: NAS-Port the interface unit, Calling-/Called-Station-Id the
/// L2TP numbers, Connect-Info the connect speeds ("tx" or "tx/rx" bit/s), the LAC's line AVPs, and
/// NAS-Port-Id the Agent-Circuit-Id, else "<tunnel group or peer host>:<tunnel id>:<session id>".
radius::subscriber_line subscriber_line_of(const session_ident& a, const l2tp::call_facts& facts,
                                           const pppoe::access_line* line, std::uint32_t unit) {
  radius::subscriber_line l;
  l.nas_port = unit;
  l.nas_port_type = radius::nas_port_type_virtual;
  l.calling_station_id = facts.calling;
  l.called_station_id = facts.called;
  if (facts.tx_speed != 0) {
    l.connect_info = std::to_string(facts.tx_speed);
    if (facts.rx_speed != 0 && facts.rx_speed != facts.tx_speed) l.connect_info += "/" + std::to_string(facts.rx_speed);
  }
  if (line && line->circuit_id && !line->circuit_id->empty()) {
    l.nas_port_id = *line->circuit_id;
  } else {
    l.nas_port_id = (!a.tunnel_name || a.tunnel_name->empty() ? std::string{"l2tp"} : *a.tunnel_name) + ":" +
                    std::to_string(a.local_tunnel_id) + ":" + std::to_string(a.local_id);
  }
  if (line) l.line = *line;
  return l;
}

/// The CDN that clears the call after PPP ended on its own (not on a CDN or tunnel down).
std::pair<l2tp::result_code, l2tp::ppp_disconnect_cause> cdn_for(const ppp::finished& end) {
  // Administrative (CDN result 3): the operator's close (cause 1), or a healthy link we ended on
  // purpose (cause 3 from our side: the session and idle timeouts; the peer's own ends are direction 1).
  const bool admin =
      end.cause == ppp::cause::admin || (end.cause == ppp::cause::normal && end.dir == ppp::direction::at_local);
  const bool no_address =
      end.cause == ppp::cause::no_acceptable_address || end.cause == ppp::cause::no_address_permitted;
  return {{admin        ? l2tp::cdn_result::admin
           : no_address ? l2tp::cdn_result::no_facilities_temporary
                        : l2tp::cdn_result::general_error,
           l2tp::error_code::none, end.message},
          {end.cause, end.protocol, static_cast<std::uint8_t>(end.dir), end.message}};
}

/// One session: the call engine (protocol/l2tp/call.hpp) and the components that carry out
/// what it decides: the PPP host (ppp_host.hpp) and the AAA hand-off (aaa_handoff.hpp).
struct session_actor_state {
  static constexpr const char* name = "session";

  explicit session_actor_state(session_actor::stateful_pointer<session_actor_state> s)
      : self(s),
        aaa(s, args),
        acct(s, args, aaa),
        host(s, args, aaa, acct, [this](const ppp::finished& end) { ppp_finished(end); }) {}

  session_actor::stateful_pointer<session_actor_state> self;
  session_ident args;
  const session_env* env = nullptr;
  std::optional<l2tp::call_engine> call;
  aaa_handoff aaa;
  session_accounting acct;
  ppp_host host;
  std::uint32_t interface_unit = 0;
  std::unique_ptr<const pppoe::access_line> icrq_line;  ///< LNS: the LAC's RFC 5515 AVPs (for RADIUS), if any
  bool tunnel_down = false;  ///< the tunnel went away under it (the LAC places such a call again)

  void perform(l2tp::call_effects fx) {
    for (auto& e : fx) {
      if (auto* s = std::get_if<l2tp::call_send>(&e)) {
        // PPPoE (call.access set): the entry relays before the ICCN goes out, since the LNS may send
        // data as soon as it has the ICCN.
        if (args.lac && args.lac->call.access && s->message.type == l2tp::message_type::iccn) {
          host.call_up(s->peer_session_id, args.lac->sequencing);
        }
        self->send(args.tunnel, session_send{args.local_id, s->peer_session_id, std::move(s->message)});
      } else if (auto* t = std::get_if<l2tp::call_transition>(&e)) {
        env->log()->debug("session-fsm tunnel={} session={} {} + {} -> {}", args.local_tunnel_id, args.local_id,
                          l2tp::to_string(t->from), l2tp::to_string(t->event), l2tp::to_string(t->to));
      } else if (auto* pe = std::get_if<l2tp::call_protocol_error>(&e)) {
        env->stats->fsm_protocol_errors.fetch_add(1);
        if (env->malformed_log->allow()) {
          env->log()->warn("session-unexpected-event tunnel={} session={} state={} event={}", args.local_tunnel_id,
                           args.local_id, l2tp::to_string(pe->state), l2tp::to_string(pe->event));
        }
      } else if (std::holds_alternative<l2tp::call_refused>(e)) {
        env->stats->sessions_refused.fetch_add(1);
      } else if (auto* pc = std::get_if<l2tp::call_peer_cleared>(&e)) {
        env->log()->debug("session-cdn-received tunnel={} session={} result={}", args.local_tunnel_id, args.local_id,
                          pc->result);
        host.lower_layer_gone(pc->cause, "cdn-received");
      } else if (auto* up = std::get_if<l2tp::call_established>(&e)) {
        established(*up);
      } else if (auto* sp = std::get_if<l2tp::call_start_ppp>(&e)) {
        // Built when asked for (each Access-Request and accounting record) from what the session keeps anyway.
        aaa.describe([this] { return subscriber_line_of(args, call->facts(), icrq_line.get(), interface_unit); });
        host.start(sp->proxy);
      } else if (auto* d = std::get_if<l2tp::call_destroyed>(&e)) {
        destroy(d->was_established);
      }
    }
  }

  void established(const l2tp::call_established& up) {
    env->stats->sessions_established.fetch_add(1);
    env->log()->debug("session-established tunnel={} session={} peer-session={}", args.local_tunnel_id, args.local_id,
                      up.peer_session_id);
    host.call_up(up.peer_session_id, up.sequencing);
    if (args.lac && args.lac->requester) {
      self->send(args.lac->requester, call_result{args.lac->call.call_id, true, args.local_tunnel_id, args.local_id, "",
                                                  session_actor{self}});
    }
  }

  /// PPP ended on its own: clear the call towards the peer with how it ended.
  void ppp_finished(const ppp::finished& end) {
    auto [result, cause] = cdn_for(end);
    perform(call->close(std::move(result), std::move(cause)));
  }

  void destroy(bool was_established) {
    host.destroyed();
    env->stats->sessions_destroyed.fetch_add(1);
    env->stats->sessions_active.fetch_sub(1);
    self->send(args.tunnel, session_gone{args.local_id, was_established});
    if (args.lac && args.lac->requester) {
      const auto& to = args.lac->requester;
      const auto call_id = args.lac->call.call_id;
      if (was_established) {
        self->send(to, call_cleared{call_id, args.local_tunnel_id, args.local_id});
      } else if (tunnel_down) {
        // Never up and its tunnel failed: handed back (session 0) for the LAC to place elsewhere.
        self->send(to, call_result{call_id, false, args.local_tunnel_id, 0, "tunnel failed", {}});
      } else {
        self->send(to, call_result{call_id, false, args.local_tunnel_id, args.local_id, "call not established", {}});
      }
    }
    self->quit();
  }

  /// LAC: the subscriber's line rates changed: the new speeds go to the LNS (CSUN once the call is up).
  void line_changed(pppoe::access_line line) {
    if (args.role != session_role::lac || !args.lac) return;
    const auto& facts = call->facts();
    auto tx = line.actual_rate_down ? l2tp::connect_speed_of(*line.actual_rate_down) : facts.tx_speed;
    auto rx = line.actual_rate_up ? l2tp::connect_speed_of(*line.actual_rate_up) : facts.rx_speed;
    args.lac->call.line = std::move(line);
    if (tx == facts.tx_speed && rx == facts.rx_speed) return;
    perform(call->line_update(tx, rx));
  }

  /// The one-way messages (session_input): each to where it belongs.
  /// A control message the tunnel routed to this session.
  void control(const l2tp::control_message& m) {
    if (args.role == session_role::lns && m.type == l2tp::message_type::icrq) {
      if (auto line = l2tp::tr101_line_of(m.access_line)) {
        icrq_line = std::make_unique<const pppoe::access_line>(std::move(*line));
      }
    }
    perform(call->receive(m));
  }

  void take(session_input& in) {
    struct visitor {
      session_actor_state& st;
      void operator()(session_signal s) const { st.signal(s); }
      void operator()(ppp_frame& f) const { st.host.receive(f); }
      void operator()(subscriber_frame& f) const { st.host.send_frame(f.frame); }
      void operator()(tun_packet& p) const { st.host.from_tun(p); }
      void operator()(session_timer t) const {
        if (t.what == session_timer::kind::call) return st.iccn_due();
        st.host.timer_due(t);
      }
      void operator()(session_change& c) const { st.host.change(c); }
      void operator()(const std::shared_ptr<const session_control>& c) const {
        if (c) st.control(c->msg);
      }
      void operator()(const std::shared_ptr<const line_update>& u) const {
        if (u) st.line_changed(u->line);
      }
    };
    std::visit(visitor{*this}, in.what);
  }

  void signal(session_signal s) {
    switch (s) {
      case session_signal::tunnel_up: return perform(call->tunnel_up());
      case session_signal::tunnel_down:
        tunnel_down = true;
        host.lower_layer_gone(ppp::cause::none, "tunnel-down");
        return perform(call->tunnel_down());
      case session_signal::close: return close();
      case session_signal::clear_stats: return host.clear_statistics();
    }
  }

  /// LNS: a LAC that answers our ICRP with no ICCN would hold the session, its ID and its set-up place
  /// for good (RFC 2661 sets no timer): the call is cleared.
  void iccn_due() {
    if (call->state() != l2tp::session_state::wait_connect) return;
    env->stats->calls_iccn_timeout.fetch_add(1);
    if (env->peer_log->allow()) {
      env->log()->warn("session-iccn-timeout tunnel={} session={} seconds={}", args.local_tunnel_id, args.local_id,
                       env->l2tp->iccn_timeout.count());
    }
    perform(call->close({l2tp::cdn_result::general_error, l2tp::error_code::none, "no ICCN in time"}));
  }

  void close() {
    if (host.close()) return;
    perform(call->close({l2tp::cdn_result::admin, std::nullopt, ""}));
  }

  session_snapshot snapshot() const {
    session_snapshot s;
    host.fill(s);
    s.lac = args.role == session_role::lac;
    s.local_tunnel_id = args.local_tunnel_id;
    s.local_session_id = args.local_id;
    s.peer_tunnel_id = args.peer_tunnel_id;
    s.peer_session_id = call->peer_session_id();
    s.peer = args.peer;
    s.gateway = args.gateway;
    s.state = std::string{l2tp::to_string(call->state())};
    const auto& facts = call->facts();
    s.calling_number = facts.calling;
    s.called_number = facts.called;
    s.call_serial_number = facts.serial;
    s.bearer_type = facts.bearer;
    s.framing_type = facts.framing;
    s.tx_speed = facts.tx_speed;
    s.rx_speed = facts.rx_speed;
    s.interface_unit = interface_unit;
    if (args.lac && s.user.empty()) s.user = args.lac->call.user;
    s.interface_name = args.role == session_role::lac ? "pp0" : env->data_plane->tun;
    if (args.role == session_role::lns) {
      s.lcp_renegotiation = env->ppp->lcp_renegotiation;
      s.local_address = env->ppp->local_address;
    }
    return s;
  }
};

session_actor::behavior_type session_behavior(session_actor::stateful_pointer<session_actor_state> self,
                                              session_args args) {
  auto& init = self->state;
  init.call.emplace(call_config_of(args));
  auto& id = init.args;
  id.env = args.env;
  id.tunnel = std::move(args.tunnel);
  id.role = args.role;
  id.local_tunnel_id = args.local_tunnel_id;
  id.local_id = args.local_id;
  id.peer_id = args.peer_id;
  id.peer_tunnel_id = args.peer_tunnel_id;
  id.gateway = args.gateway;
  id.peer = args.peer;
  id.tunnel_name = std::move(args.tunnel_name);
  if (args.role == session_role::lac) {
    id.lac = std::make_unique<session_lac_part>(
        session_lac_part{std::move(args.call), args.sequencing, std::move(args.requester)});
  }
  init.env = id.env;
  init.env->stats->sessions_created.fetch_add(1);
  init.interface_unit = interface_unit_base + init.env->interface_units->fetch_add(1);
  init.acct.open();
  // sessions_active was reserved by the tunnel under the global limit.
  if (init.args.role == session_role::lac) init.perform(init.call->open());
  // LNS: reachable by the data plane from the ICRQ on, so PPP frames that
  // overtake the ICCN are kept, not dropped as "unknown session".
  if (init.args.role == session_role::lns) {
    init.host.bind_data(init.args.peer_id, false);
    init.env->timers->schedule(init.env->l2tp->iccn_timeout, self->ctrl(),
                               session_timer{session_timer::kind::call, 0, 0});
  }
  return {
      [self](session_input& in) { self->state.take(in); },
      [self](snapshot_atom) -> session_snapshot { return self->state.snapshot(); },
  };
}

}  // namespace

session_actor spawn_session(caf::actor_system& sys, session_args args) {
  return sys.spawn(session_behavior, std::move(args));
}

}  // namespace bras::actors
