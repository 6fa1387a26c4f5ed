#include "actors/pppoe_access.hpp"

#include <array>
#include <unordered_map>
#include <utility>

#include "protocol/common/crypto.hpp"
#include "protocol/pppoe/access_concentrator.hpp"

namespace bras::actors {

pppoe::ac_config ac_config_of(const config::pppoe_settings& s, const dataplane::frame_sender& sender) {
  pppoe::ac_config c;
  c.ac_name = s.ac_name;
  c.service_names = s.service_names;
  c.max_payload = s.max_payload;
  c.padi_rate = s.padi_rate;
  c.padi_rate_per_mac = s.padi_rate_per_mac;
  c.max_sessions = s.max_sessions;
  c.max_sessions_per_mac = s.max_sessions_per_mac;
  c.max_starting = s.max_starting;
  for (const auto& step : s.pado_delay) c.pado_delay.emplace_back(step.sessions, step.delay);
  for (std::size_t i = 0; i < s.interfaces.size(); ++i) {
    const auto& in = s.interfaces[i];
    pppoe::port_config p;
    p.mac = sender.mac(static_cast<std::uint16_t>(i));
    p.untagged = in.untagged;
    p.service_names = in.service_names;
    p.max_sessions_per_vlan = in.max_sessions_per_vlan;
    for (const auto& v : in.vlans) {
      p.vlans.push_back({v.outer_first, v.outer_last, v.inner_first, v.inner_last, v.max_sessions, v.service_names});
    }
    c.ports.push_back(std::move(p));
  }
  return c;
}

namespace {

using secret = std::array<std::byte, 32>;

/// A new AC-Cookie secret; none when the random generator fails (then no cookie is made under a
/// predictable secret: discovery is not answered until one can be drawn).
std::optional<secret> fresh_secret() {
  secret s{};
  if (!wire::random_bytes(s)) return std::nullopt;
  return s;
}

std::uint32_t key_of(std::uint16_t port, std::uint16_t session_id) {
  return (std::uint32_t{port} << 16) | session_id;
}

struct pppoe_access_state {
  static constexpr const char* name = "pppoe-access";

  struct session_entry {
    pppoe_session_actor actor;
    data_session_ptr entry;
  };

  pppoe_access_actor::pointer self = nullptr;
  pppoe_access_config cfg;
  std::optional<pppoe::access_concentrator> ac;
  std::unordered_map<std::uint32_t, session_entry> sessions;
  std::uint64_t next_call = 0;
  log_limiter refusal_log;
  bool shutting_down = false;

  model::counters& stats() const { return *cfg.stats; }

  void count_received(wire::byte_span pppoe) {
    auto h = pppoe::decode_header(pppoe);
    const auto code = h ? h.value().code : std::uint8_t{0};
    switch (static_cast<pppoe::packet_code>(code)) {
      case pppoe::packet_code::padi: stats().pppoe_rx_padi.fetch_add(1); return;
      case pppoe::packet_code::padr: stats().pppoe_rx_padr.fetch_add(1); return;
      case pppoe::packet_code::padt: stats().pppoe_rx_padt.fetch_add(1); return;
      default: stats().pppoe_rx_other.fetch_add(1); return;
    }
  }

  void count_sent(pppoe::packet_code code) {
    switch (code) {
      case pppoe::packet_code::pado: stats().pppoe_tx_pado.fetch_add(1); return;
      case pppoe::packet_code::pads: stats().pppoe_tx_pads.fetch_add(1); return;
      case pppoe::packet_code::padt: stats().pppoe_tx_padt.fetch_add(1); return;
      default: return;
    }
  }

  std::atomic<std::uint64_t>& counter_of(pppoe::refusal r) const {
    using pppoe::refusal;
    auto& s = stats();
    switch (r) {
      case refusal::malformed: return s.pppoe_drop_malformed;
      case refusal::vlan_not_configured: return s.pppoe_drop_vlan;
      case refusal::padi_rate: return s.pppoe_refused_padi_rate;
      case refusal::padi_rate_per_mac: return s.pppoe_refused_mac_rate;
      case refusal::service_name: return s.pppoe_refused_service;
      case refusal::bad_cookie: return s.pppoe_refused_cookie;
      case refusal::max_sessions: return s.pppoe_refused_max_sessions;
      case refusal::max_sessions_per_mac: return s.pppoe_refused_mac_sessions;
      case refusal::max_sessions_per_vlan: return s.pppoe_refused_vlan_sessions;
      case refusal::max_starting: return s.pppoe_refused_starting;
      case refusal::not_for_us: return s.pppoe_drop_not_for_us;
      case refusal::unexpected_code: return s.pppoe_drop_unexpected;
      case refusal::unknown_session: return s.pppoe_drop_unknown_session;
    }
    return s.pppoe_drop_malformed;
  }

  void send_now(std::uint16_t port, pppoe::packet_code code, const wire::bytes& frame) {
    if (cfg.sender->send(port, frame)) {
      count_sent(code);
    } else {
      stats().pppoe_tx_errors.fetch_add(1);
    }
  }

  void perform(pppoe::ac_effects fx) {
    // Sessions first: the subscriber may answer the PADS at once, and its first
    // frame must find the session in the table. The new session sends its PADS
    // itself, before its first LCP frame: sent from here, the PADS could follow the
    // Configure-Request the new actor sends at once from another thread, and a
    // client drops PPP before its PADS (a 3 s stall, until LCP's restart timer).
    for (auto& e : fx) {
      if (auto* o = std::get_if<pppoe::open_session>(&e)) open(std::move(*o), take_pads(fx, o->port));
    }
    for (auto& e : fx) {
      if (auto* s = std::get_if<pppoe::send_discovery>(&e)) {
        if (s->frame.empty()) continue;  // a PADS handed to its session
        if (s->delay.count() > 0) {
          self->delayed_send(self, s->delay, delayed_discovery{s->port, s->code, std::move(s->frame)});
        } else {
          send_now(s->port, s->code, s->frame);
        }
      } else if (auto* c = std::get_if<pppoe::close_session>(&e)) {
        auto it = sessions.find(key_of(c->port, c->session_id));
        if (it != sessions.end()) self->send(it->second.actor, padt_atom::value);
      } else if (auto* d = std::get_if<pppoe::dropped>(&e)) {
        counter_of(d->why).fetch_add(1);
        if (refusal_log.allow()) cfg.log->info("pppoe-refused reason={} {}", pppoe::to_string(d->why), d->detail);
      }
    }
  }

  /// The undelayed PADS to `port` among `fx`, moved out (an empty frame stays behind); none: empty.
  static wire::bytes take_pads(pppoe::ac_effects& fx, std::uint16_t port) {
    for (auto& e : fx) {
      auto* s = std::get_if<pppoe::send_discovery>(&e);
      if (s != nullptr && s->code == pppoe::packet_code::pads && s->port == port && s->delay.count() == 0 &&
          !s->frame.empty()) {
        return std::exchange(s->frame, wire::bytes{});
      }
    }
    return {};
  }

  void open(pppoe::open_session o, wire::bytes pads) {
    auto entry = std::make_shared<data_session>();
    entry->lac = true;
    entry->pppoe = std::make_unique<dataplane::pppoe_leg>();
    entry->pppoe->port = o.port;
    entry->pppoe->session_id = o.session_id;
    entry->pppoe->to_client = o.to_client;
    entry->last_rx_ns.store(std::chrono::steady_clock::now().time_since_epoch().count());
    pppoe_session_args a;
    a.env = cfg.session;
    a.access = pppoe_access_actor{self};
    a.entry = entry;
    // The top bit keeps these apart from call IDs bras-loadgen's internal API picks.
    a.call_id = (std::uint64_t{1} << 63) | ++next_call;
    a.max_payload = o.max_payload;
    a.line = std::move(o.line);
    a.pads = std::move(pads);
    auto actor = spawn_pppoe_session(self, std::move(a));
    entry->actor = actor;
    cfg.sessions->add_pppoe(entry);
    sessions[key_of(o.port, o.session_id)] = {actor, entry};
    stats().pppoe_sessions.fetch_add(1);
    stats().pppoe_starting.fetch_add(1);
    cfg.log->debug("pppoe-session-open port={} session={} service={} max-payload={}", o.port, o.session_id,
                   o.service_name, o.max_payload);
  }

  void session_up(const pppoe_session_up& u) {
    if (!sessions.contains(key_of(u.port, u.session_id))) return;
    ac->session_up(u.port, u.session_id);
    stats().pppoe_starting.fetch_sub(1);
  }

  void session_end(const pppoe_session_end& e) {
    auto it = sessions.find(key_of(e.port, e.session_id));
    if (it == sessions.end()) return;
    cfg.sessions->remove_pppoe(*it->second.entry);
    sessions.erase(it);
    stats().pppoe_sessions.fetch_sub(1);
    if (!e.was_up) stats().pppoe_starting.fetch_sub(1);
    cfg.log->debug("pppoe-session-end port={} session={} reason={}", e.port, e.session_id, e.reason);
    perform(ac->session_ended(e.port, e.session_id, e.reason, e.send_padt));
  }

  /// The access concentrator, made on the first secret drawn; false (counted, logged) while the
  /// random generator fails: then nothing is answered.
  bool ready() {
    if (ac) return true;
    if (const auto first = fresh_secret()) {
      ac.emplace(ac_config_of(*cfg.pppoe, *cfg.sender), *first);
      return true;
    }
    no_randomness("discovery-not-answered");
    return false;
  }

  /// The random generator failed: counted and logged (rate-limited) with what was done instead.
  void no_randomness(const char* action) {
    stats().random_failures_pppoe.fetch_add(1);
    if (refusal_log.allow()) cfg.log->error("pppoe-no-randomness action={}", action);
  }

  void rotate() {
    // A failed draw keeps the current secret (random when drawn) one lifetime longer.
    if (ac) {
      if (const auto s = fresh_secret()) {
        ac->rotate_secret(*s);
      } else {
        no_randomness("cookie-secret-kept");
      }
    }
    arm_rotation();
  }

  void arm_rotation() {
    if (cfg.pppoe->cookie_lifetime.count() > 0)
      self->delayed_send(self, cfg.pppoe->cookie_lifetime, rotate_atom::value);
  }
};

pppoe_access_actor::behavior_type pppoe_access_behavior(pppoe_access_actor::stateful_pointer<pppoe_access_state> self,
                                                        pppoe_access_config cfg) {
  auto& init = self->state;
  init.self = self;
  init.cfg = std::move(cfg);
  (void)init.ready();  // else at the first discovery frame
  init.arm_rotation();
  return {
      [self](discovery_frame& f) {
        auto& st = self->state;
        st.cfg.sink->handled();
        st.count_received(f.pppoe);
        if (st.shutting_down || !st.ready()) return;
        st.perform(st.ac->receive(f.port, f.hdr, f.pppoe, pppoe::ac_clock::now()));
      },
      [self](delayed_discovery& d) { self->state.send_now(d.port, d.code, d.frame); },
      [self](pppoe_session_up& u) { self->state.session_up(u); },
      [self](pppoe_session_end& e) { self->state.session_end(e); },
      [self](rotate_atom) { self->state.rotate(); },
      [self](shutdown_atom) {
        auto& st = self->state;
        st.shutting_down = true;
        for (auto& [key, s] : st.sessions) self->send(s.actor, shutdown_atom::value);
      },
  };
}

}  // namespace

pppoe_access_actor spawn_pppoe_access(caf::actor_system& sys, pppoe_access_config cfg) {
  return sys.spawn(pppoe_access_behavior, std::move(cfg));
}

}  // namespace bras::actors
