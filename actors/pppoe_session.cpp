#include "actors/pppoe_session.hpp"

#include <array>
#include <chrono>
#include <string_view>
#include <utility>

#include "actors/aaa_route.hpp"
#include "actors/ppp_settings.hpp"
#include "actors/pppoe_sinks.hpp"
#include "actors/timer_service.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/pppoe/calling_number.hpp"

namespace bras::actors {

namespace {

/// RFC 2516 §7: PPP over PPPoE carries no address and control field.
wire::byte_span without_address_control(wire::byte_span frame) {
  if (frame.size() >= 2 && frame[0] == std::byte{0xff} && frame[1] == std::byte{0x03}) return frame.subspan(2);
  return frame;
}

/// Our Magic-Number as finally acked (AVP 27's options): the peer may have Nak'd the first one.
std::optional<std::uint32_t> magic_of(const std::optional<wire::bytes>& options) {
  if (!options) return std::nullopt;
  wire::bytes packet{std::byte{1}, std::byte{0}, std::byte{0}, std::byte{0}};
  packet.insert(packet.end(), options->begin(), options->end());
  if (packet.size() > 0xffff) return std::nullopt;
  packet[2] = static_cast<std::byte>(packet.size() >> 8);
  packet[3] = static_cast<std::byte>(packet.size() & 0xff);
  auto decoded = ppp::lcp::decode(packet);
  if (!decoded) return std::nullopt;
  const auto* request = std::get_if<ppp::lcp::configure_request>(&decoded.value());
  if (request == nullptr) return std::nullopt;
  const auto* m = ppp::find_option<ppp::lcp::magic_number>(request->options);
  return m != nullptr ? std::optional<std::uint32_t>{m->value} : std::nullopt;
}

std::int64_t steady_ns() {
  return std::chrono::steady_clock::now().time_since_epoch().count();
}

struct pppoe_session_state {
  static constexpr const char* name = "pppoe-session";

  /// negotiating: LCP and authentication with the subscriber; authorizing: AAA (RADIUS) decides;
  /// calling: the call is being placed; up: the L2TP session relays; ended: reported to the access
  /// actor (waiting only for a pending call).
  enum class phase : std::uint8_t { negotiating, authorizing, calling, up, ended };

  pppoe_session_actor::pointer self = nullptr;
  pppoe_session_args args;
  std::optional<ppp::server_engine> engine;
  std::array<std::uint32_t, ppp::timer_count> timer_generation{};
  phase at = phase::negotiating;
  bool call_pending = false;  ///< a call_request awaits its call_result
  session_actor call;         ///< the L2TP session once the call is up
  std::uint32_t magic = 0;
  std::uint32_t idle_intervals = 0;
  std::uint8_t echo_id = 0;

  [[nodiscard]] const pppoe_session_env& env() const { return *args.env; }
  [[nodiscard]] const dataplane::pppoe_leg& leg() const { return *args.entry->pppoe; }

  void start() {
    send_pads();
    const auto secrets = draw_session_secrets(env().stats);
    if (!secrets) return end(true, "no-randomness");
    auto c = *env().ppp_base;  // a copy: the LAC changes the MRU and captures for proxying
    ppp::apply(c, *secrets);
    c.lac_capture = true;
    c.lcp.mru = args.max_payload;
    c.lcp.max_mru = args.max_payload;
    magic = c.lcp.magic;
    echo_id = static_cast<std::uint8_t>(c.seed);
    args.entry->pppoe->magic.store(magic);
    engine.emplace(std::move(c));
    const auto timeout = env().pppoe->discovery_timeout;
    if (timeout.count() > 0) {
      env().timers->schedule(timeout, self->ctrl(), [](const caf::strong_actor_ptr& to, std::uint32_t, std::uint32_t) {
        timer_service::deliver(to, deadline_atom::value);
      });
    }
    perform(engine->start());
  }

  /// The PADS the access actor handed over (pppoe_session_args::pads), counted as it would have.
  void send_pads() {
    if (args.pads.empty()) return;
    if (env().discovery != nullptr && env().discovery->send(leg().port, args.pads)) {
      env().stats->pppoe_tx_pads.fetch_add(1);
    } else {
      env().stats->pppoe_tx_errors.fetch_add(1);
    }
    wire::bytes{}.swap(args.pads);
  }

  void send(wire::byte_span frame) {
    // A failure is counted by to_client itself (pppoe_tx_errors).
    env().to_client(*args.entry, without_address_control(frame));
  }

  void perform(ppp::effects fx) {
    for (auto& e : fx) {
      if (auto* f = std::get_if<ppp::send_frame>(&e)) {
        send(f->frame);
      } else if (auto* t = std::get_if<ppp::arm_timer>(&e)) {
        const auto i = static_cast<std::size_t>(t->which);
        env().timers->schedule(
            t->after, self->ctrl(),
            [](const caf::strong_actor_ptr& to, std::uint32_t which, std::uint32_t generation) {
              timer_service::deliver(to, ppp_timer{static_cast<std::uint8_t>(which), generation});
            },
            static_cast<std::uint32_t>(i), ++timer_generation[i]);
      } else if (auto* st = std::get_if<ppp::stop_timer>(&e)) {
        ++timer_generation[static_cast<std::size_t>(st->which)];
      } else if (auto* fin = std::get_if<ppp::finished>(&e)) {
        // LCP or authentication with the subscriber failed before any call.
        env().log->debug("pppoe-ppp-failed port={} session={} cause={} reason={}", leg().port, leg().session_id,
                         fin->cause, fin->message);
        return end(true, fin->message);
      }
      // authenticate: the capture point, handled below; the rest needs no action at the LAC.
    }
    if (at == phase::negotiating && engine && engine->captured()) {
      if (needs_aaa()) return authorize();
      place_call({});
    }
  }

  /// RADIUS users are authorized at the LAC (the Accept may name their LNS); local ones are left to the LNS.
  [[nodiscard]] bool needs_aaa() const {
    return env().aaa_routes != nullptr && env().aaa &&
           method_for(*env().aaa_routes, engine->user()) == config::aaa_method::radius;
  }

  void authorize() {
    at = phase::authorizing;
    const auto proxy = engine->captured_proxy();
    aaa_request r;
    r.lac = true;
    r.user = engine->user();
    if (proxy.authen_type == ppp::proxy_authen::chap) {
      r.chap = true;
      r.chap_id = static_cast<std::uint8_t>(proxy.authen_id.value_or(0) & 0xff);
      r.challenge = proxy.authen_challenge.value_or(wire::bytes{});
      r.response = proxy.authen_response.value_or(wire::bytes{});
    } else if (proxy.authen_response) {
      r.password = wire::to_string(*proxy.authen_response);  // PAP: the proxy response is the password
    }
    r.line = subscriber_line();
    self->request(env().aaa, env().aaa_timeout, std::move(r))
        .then([this](aaa_verdict& v) { authorized(v); },
              [this](caf::error&) {
                aaa_verdict v;
                v.reason = "aaa-timeout";
                v.message = "authentication unavailable";
                authorized(v);
              });
  }

  void authorized(aaa_verdict& v) {
    if (at != phase::authorizing) return;  // ended meanwhile (PADT, deadline, shutdown)
    if (v.accepted) return place_call(std::move(v.tunnels));
    // Refused: PAP Nak / CHAP Failure with AAA's message, LCP Terminate-Request, then the PADT.
    env().stats->pppoe_refused_auth.fetch_add(1);
    if (env().peer_log->allow()) {
      env().log->info("pppoe-auth-refused port={} session={} user={} reason={}", leg().port, leg().session_id,
                      engine->user(), v.reason);
    }
    for (auto& e : engine->auth_result(false, 0, v.message)) {
      if (auto* f = std::get_if<ppp::send_frame>(&e)) send(f->frame);
    }
    end(true, "auth-failed");
  }

  /// The subscriber's line as RADIUS describes it (NAS-Port-Type, NAS-Port-Id, Calling-Station-Id, TR-101).
  [[nodiscard]] radius::subscriber_line subscriber_line() const;

  void place_call(l2tp::tunnel_candidates aaa_tunnels) {
    at = phase::calling;
    call_pending = true;
    call_request c;
    c.call_id = args.call_id;
    c.calling_number = calling_number();
    c.user = engine->user();
    c.proxy = engine->captured_proxy();
    c.aaa_tunnels = std::move(aaa_tunnels);
    if (auto m = magic_of(c.proxy.last_sent_confreq)) {
      magic = *m;
      args.entry->pppoe->magic.store(magic);
    }
    // pppoe.access-line-avps off: the LNS learns neither the line nor speeds from it.
    if (env().pppoe->access_line_avps) c.line = args.line;
    c.access = args.entry;
    c.subscriber = caf::actor_cast<call_subscriber_actor>(self);
    args.entry->user = c.user;
    env().log->debug("pppoe-call port={} session={} user={}", leg().port, leg().session_id, c.user);
    self->send(env().lac, std::move(c));
  }

  [[nodiscard]] std::string calling_number() const;

  void call_result_arrived(call_result& r) {
    call_pending = false;
    if (at == phase::ended) {
      // The subscriber went away while the call was placed: clear it now.
      if (r.established && r.session) self->send(r.session, session_input{session_signal::close});
      return self->quit();
    }
    if (!r.established) {
      // The subscriber is refused for want of a tunnel (no LNS took the call).
      env().stats->pppoe_refused_no_tunnel.fetch_add(1);
      if (env().peer_log->allow()) {
        env().log->info("pppoe-call-failed port={} session={} user={} reason={}", leg().port, leg().session_id,
                        engine->user(), r.reason);
      }
      terminate_lcp("call-failed");
      return end(true, "call-failed");
    }
    at = phase::up;
    call = r.session;
    self->send(args.access, pppoe_session_up{leg().port, leg().session_id});
    arm_keepalive();
  }

  /// LCP Terminate-Request to the subscriber, not waited for: the PADT that follows ends the session.
  void terminate_lcp(std::string_view why) {
    if (!engine) return;
    for (auto& e : engine->close(ppp::cause::admin, why)) {
      if (auto* f = std::get_if<ppp::send_frame>(&e)) send(f->frame);
    }
  }

  void arm_keepalive() {
    const auto interval = env().pppoe->echo_interval;
    if (interval.count() <= 0) return;
    env().timers->schedule(interval, self->ctrl(), [](const caf::strong_actor_ptr& to, std::uint32_t, std::uint32_t) {
      timer_service::deliver(to, keepalive_atom::value);
    });
  }

  void keepalive() {
    if (at != phase::up) return;
    const auto interval = std::chrono::duration_cast<std::chrono::nanoseconds>(env().pppoe->echo_interval);
    const std::int64_t last = args.entry->last_rx_ns.load();
    if (steady_ns() - last < interval.count()) {
      idle_intervals = 0;
      return arm_keepalive();
    }
    if (idle_intervals >= env().pppoe->echo_failures) {
      env().stats->pppoe_dead_subscribers.fetch_add(1);
      if (env().peer_log->allow()) {
        env().log->info("pppoe-subscriber-dead port={} session={} user={}", leg().port, leg().session_id,
                        engine ? engine->user() : std::string{});
      }
      if (call) self->send(call, session_input{session_signal::close});
      return end(true, "subscriber-dead");
    }
    ++idle_intervals;
    wire::bytes frame;
    wire::writer w{frame};
    ppp::encode_frame_header(w, ppp::proto::lcp, {.acfc = true});
    if (ppp::lcp::encode(w, ppp::lcp::packet{ppp::lcp::echo_request{echo_id++, magic, {}}})) send(frame);
    arm_keepalive();
  }

  /// The subscriber sent PADT: clear the call (CDN), no PADT back.
  void padt() {
    if (call) self->send(call, session_input{session_signal::close});
    end(false, "padt-received");
  }

  void cleared() {
    if (at == phase::ended) return;
    terminate_lcp("call-cleared");
    end(true, "call-cleared");
  }

  void deadline() {
    if (at == phase::up || at == phase::ended) return;
    if (env().peer_log->allow()) {
      env().log->info("pppoe-discovery-timeout port={} session={}", leg().port, leg().session_id);
    }
    terminate_lcp("discovery-timeout");
    end(true, "discovery-timeout");
  }

  void shutdown() {
    terminate_lcp("shutdown");
    if (call) self->send(call, session_input{session_signal::close});
    end(true, "shutdown");
  }

  /// Reports the end to the access actor (which frees the ID and sends the PADT);
  /// stays only while a call_result is still to come, to clear that call.
  void end(bool send_padt, std::string_view reason) {
    if (at == phase::ended) return;
    const bool was_up = at == phase::up;
    at = phase::ended;
    args.entry->pppoe->relaying.store(false, std::memory_order_release);
    self->send(args.access, pppoe_session_end{leg().port, leg().session_id, send_padt, was_up, std::string{reason}});
    if (!call_pending) self->quit();
  }
};

std::string pppoe_session_state::calling_number() const {
  const auto& pattern = env().pppoe->calling_number;
  if (pattern.empty()) return {};
  const auto& to = leg().to_client;
  pppoe::calling_number_fields f;
  f.mac = to.dst;
  if (leg().port < env().interface_names.size()) f.interface = env().interface_names[leg().port];
  if (to.outer_vlan) f.outer_vid = to.outer_vlan->vid;
  if (to.inner_vlan) f.inner_vid = to.inner_vlan->vid;
  if (args.line) {
    f.circuit_id = args.line->circuit_id.value_or("");
    f.remote_id = args.line->remote_id.value_or("");
  }
  f.session_id = leg().session_id;
  return pppoe::format_calling_number(pattern, f);
}

radius::subscriber_line pppoe_session_state::subscriber_line() const {
  radius::subscriber_line line;
  const auto& to = leg().to_client;
  line.nas_port = leg().session_id;
  std::string port_id = leg().port < env().interface_names.size() ? env().interface_names[leg().port] : "pppoe";
  if (to.outer_vlan && to.inner_vlan) {
    line.nas_port_type = radius::nas_port_type_pppoe_qinq;
    port_id += ":" + std::to_string(to.outer_vlan->vid) + "." + std::to_string(to.inner_vlan->vid);
  } else if (to.outer_vlan) {
    line.nas_port_type = radius::nas_port_type_pppoe_vlan;
    port_id += ":" + std::to_string(to.outer_vlan->vid);
  } else {
    line.nas_port_type = radius::nas_port_type_pppoe_ethernet;
  }
  line.nas_port_id = std::move(port_id);
  line.calling_station_id = calling_number();
  line.line = args.line;
  return line;
}

pppoe_session_actor::behavior_type pppoe_session_behavior(
    pppoe_session_actor::stateful_pointer<pppoe_session_state> self, pppoe_session_args args) {
  self->state.self = self;
  self->state.args = std::move(args);
  self->state.start();
  return {
      [self](access_ppp& f) {
        auto& st = self->state;
        if (st.at == pppoe_session_state::phase::ended || st.at == pppoe_session_state::phase::up || !st.engine) {
          return;
        }
        st.perform(st.engine->receive(f.frame));
      },
      [self](ppp_frame& f) {
        if (self->state.at != pppoe_session_state::phase::ended) self->state.send(f.frame);
      },
      [self](call_result& r) { self->state.call_result_arrived(r); },
      [self](call_cleared&) { self->state.cleared(); },
      [self](ppp_timer t) {
        auto& st = self->state;
        if (!st.engine || st.at != pppoe_session_state::phase::negotiating || t.slot >= ppp::timer_count) return;
        if (st.timer_generation[t.slot] != t.generation) return;  // stopped or re-armed since
        st.perform(st.engine->timeout(static_cast<ppp::timer>(t.slot)));
      },
      [self](padt_atom) { self->state.padt(); },
      [self](keepalive_atom) { self->state.keepalive(); },
      [self](deadline_atom) { self->state.deadline(); },
      [self](shutdown_atom) { self->state.shutdown(); },
  };
}

}  // namespace

pppoe_session_actor spawn_pppoe_session(pppoe_access_actor::pointer parent, pppoe_session_args args) {
  return parent->spawn<caf::linked>(pppoe_session_behavior, std::move(args));
}

}  // namespace bras::actors
