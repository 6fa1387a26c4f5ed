// The tunnel actor: a shell over l2tp::control_connection. It feeds the
// engine datagrams, timers and API calls, and carries out its effects:
// transport sends, session actors, the wake-up timer, counters and logs.
#include "actors/tunnel.hpp"

#include <unordered_map>

#include "actors/session.hpp"
#include "actors/timer_service.hpp"
#include "actors/tunnel_admission.hpp"
#include "actors/tunnel_query.hpp"
#include "actors/tunnel_setup.hpp"

namespace bras::actors {

namespace {

struct tunnel_actor_state {
  static constexpr const char* name = "tunnel";

  explicit tunnel_actor_state(tunnel_actor::stateful_pointer<tunnel_actor_state> s) : self(s) {}
  tunnel_actor_state(const tunnel_actor_state&) = delete;
  tunnel_actor_state& operator=(const tunnel_actor_state&) = delete;
  /// A tunnel killed (a linked session failed) gives back what its engine still holds; one that ended
  /// normally holds nothing by now.
  ~tunnel_actor_state() {
    if (env == nullptr || !engine) return;
    env->stats->sessions_in_setup.fetch_sub(static_cast<std::int64_t>(engine->sessions_in_setup()));
    env->stats->calls_waiting.fetch_sub(static_cast<std::int64_t>(deferred_counted));
  }

  tunnel_actor::stateful_pointer<tunnel_actor_state> self;
  tunnel_args args;
  const tunnel_env* env = nullptr;
  std::optional<l2tp::control_connection> engine;
  std::optional<std::size_t> client_index;                    ///< counted in env->client_tunnels
  std::unordered_map<std::uint16_t, session_actor> sessions;  ///< by local session ID
  std::shared_ptr<const std::string> session_name;            ///< what its sessions name it by (one copy)
  std::unordered_map<std::uint64_t, open_call> calls;         ///< LAC: placed, neither started nor failed yet
  std::uint64_t next_call_token = 1;
  udp_peer source;  ///< of the datagram being processed
  std::optional<l2tp::time_point> armed;
  std::uint64_t timer_generation = 0;
  wall_time created_wall = std::chrono::system_clock::now();
  std::optional<wall_time> up_wall;
  wall_time stats_since = created_wall;
  std::optional<std::chrono::steady_clock::time_point> empty_since = std::chrono::steady_clock::now();
  bool closed_by_us = false;  ///< an operator, the LAC or shutdown closed it: not the LNS's failure

  std::size_t deferred_counted = 0;  ///< this tunnel's share of stats->calls_waiting

  void run(l2tp::connection_effects fx) {
    for (auto& e : fx) std::visit([this](auto& x) { perform(x); }, e);
    // The engine's set-up queue, mirrored in the instance-wide gauge.
    if (auto n = engine->deferred_calls(); n != deferred_counted) {
      env->stats->calls_waiting.fetch_add(static_cast<std::int64_t>(n) - static_cast<std::int64_t>(deferred_counted));
      deferred_counted = n;
    }
  }

  void perform(l2tp::send_datagram& s) {
    if (!env->tx->send(args.gateway, args.peer, s.data)) env->stats->tx_failures.fetch_add(1);
  }
  void perform(l2tp::deliver_to_session& d) {
    if (auto it = sessions.find(d.local_session_id); it != sessions.end()) {
      self->send(it->second, control_input(std::move(d.msg)));
    }
  }
  void perform(l2tp::create_session& c) {
    auto actor = spawn(session_role::lns, c.local_session_id, c.peer_session_id, [](session_args&) {});
    self->send(actor, control_input(std::move(c.icrq)));
  }
  void perform(l2tp::start_call& c) {
    auto it = calls.find(c.token);
    if (it == calls.end()) return;
    auto call = std::move(it->second);
    calls.erase(it);
    auto actor = spawn(session_role::lac, c.local_session_id, 0, [&](session_args& sa) {
      sa.call_serial = c.call_serial;
      sa.call = std::move(call.call);
      sa.requester = call.requester;
      const auto* configured = configured_destination(*env->l2tp, args.destination);
      sa.sequencing = configured != nullptr && configured->sequencing_required;
    });
    self->send(actor, session_input{session_signal::tunnel_up});
  }
  void perform(l2tp::call_failed& f) {
    auto it = calls.find(f.token);
    if (it == calls.end()) return;
    self->send(it->second.requester, call_result{it->second.call.call_id, false, args.local_id, 0, f.reason, {}});
    calls.erase(it);
  }
  void perform(l2tp::tunnel_up&) {
    for (auto& [id, actor] : sessions) self->send(actor, session_input{session_signal::tunnel_up});
  }
  void perform(l2tp::tunnel_down&) {
    for (auto& [id, actor] : sessions) self->send(actor, session_input{session_signal::tunnel_down});
    sessions.clear();
    if (args.key) self->send(args.shard, key_released{args.local_id, *args.key});
  }
  void perform(l2tp::ask_tie_break& t) {
    // A plain message: the LAC controller's handler returns a tie_verdict,
    // which CAF sends back to us as a plain message; the engine's deadline
    // covers a controller that never answers.
    self->send(*env->lac, tie_atom::value, args.peer.address, t.peer_tie_breaker);
  }
  void perform(l2tp::wake_at& w) {
    auto t = now();
    if (armed && *armed <= w.at && *armed > t) return;  // an earlier wake-up is already set
    auto delay = std::max(w.at - t, l2tp::duration::zero());
    armed = w.at;
    const auto g = ++timer_generation;
    env->timers->schedule(
        delay, self->ctrl(),
        [](const caf::strong_actor_ptr& to, std::uint32_t low, std::uint32_t high) {
          timer_service::deliver(to, tick_atom::value, (std::uint64_t{high} << 32) | low);
        },
        static_cast<std::uint32_t>(g), static_cast<std::uint32_t>(g >> 32));
  }
  void perform(l2tp::peer_moved&) { args.peer = source; }
  void perform(l2tp::tunnel_established&) {
    up_wall = std::chrono::system_clock::now();
    leave_setup();
  }
  /// Gives the place the shard admitted this tunnel for back (once: established, or gone before).
  void leave_setup() {
    if (!args.admitted_source) return;
    env->admission->release(*args.admitted_source);
    args.admitted_source.reset();
  }
  void perform(l2tp::tunnel_destroyed&) {
    leave_setup();
    if (client_index) env->client_tunnels[*client_index].fetch_sub(1);
    env->stats->tunnels_active.fetch_sub(1);
    auto reason = closed_by_us                ? tunnel_end::closed
                  : engine->was_established() ? tunnel_end::died
                                              : tunnel_end::setup_failed;
    tunnel_gone g{args.local_id, args.key.value_or(tunnel_key{}), args.key.has_value(), reason};
    self->send(args.shard, g);
    if (args.lac) self->send(args.lac, g);
    self->quit();
  }
  void perform(l2tp::count& c) { counter_for(*env->stats, c.which).fetch_add(1); }
  void perform(l2tp::log_line& l) {
    using limit = l2tp::log_limit;
    if (l.limit == limit::malformed && !env->malformed_log->allow()) return;
    if (l.limit == limit::peer && !env->peer_log->allow()) return;
    auto level = l.level == l2tp::log_level::warn   ? spdlog::level::warn
                 : l.level == l2tp::log_level::info ? spdlog::level::info
                                                    : spdlog::level::debug;
    env->log()->log(level, "{} {}", l.event, l.fields);
  }

  /// A session actor linked to us: a tunnel killed (not closed) takes its sessions with it.
  template <class Fill>
  session_actor spawn(session_role role, std::uint16_t local_id, std::uint16_t peer_id, Fill fill) {
    session_args sa;
    sa.env = env->sessions;
    sa.tunnel = self;
    sa.role = role;
    sa.local_tunnel_id = args.local_id;
    sa.local_id = local_id;
    sa.peer_id = peer_id;
    sa.peer_tunnel_id = engine->peer_tunnel_id();
    sa.gateway = args.gateway;
    sa.peer = args.peer;
    const auto& named = engine->profile().group_name.empty() ? engine->peer_host_name() : engine->profile().group_name;
    if (!session_name || *session_name != named) session_name = std::make_shared<const std::string>(named);
    sa.tunnel_name = session_name;
    fill(sa);
    auto actor = spawn_session(self->system(), std::move(sa));
    self->link_to(actor);
    sessions[local_id] = actor;
    return actor;
  }

  void on_datagram(const datagram& d) {
    using src = l2tp::datagram_source;
    auto from = d.peer == args.peer                   ? src::peer
                : d.peer.address == args.peer.address ? src::peer_address
                                                      : src::stranger;
    source = d.peer;
    // The engine knows its peer's name; only another source is named here (not per datagram).
    run(engine->receive(d.data, from, from == src::peer ? std::string{} : d.peer.to_string(), now()));
  }

  /// The tunnel's own view (no session sums yet).
  tunnel_snapshot describe() const {
    const auto& e = *engine;
    tunnel_snapshot t;
    t.lac = args.role == tunnel_role::lac;
    t.local_tunnel_id = args.local_id;
    t.peer_tunnel_id = e.peer_tunnel_id();
    t.peer = args.peer;
    t.local = env->tx->local(args.gateway);
    t.gateway = args.gateway;
    t.local_gateway_name = env->l2tp->local_gateways[args.gateway].name;
    t.tunnel_group = e.profile().group_name;
    t.local_name = env->l2tp->host_name;
    t.remote_name = e.peer_host_name();
    t.state = std::string{l2tp::to_string(e.state())};
    t.interface_name = args.role == tunnel_role::lac ? "pp0" : env->data_plane->tun;
    t.sessions = e.session_count();
    t.max_sessions = e.profile().max_sessions;
    t.receive_window = e.receive_window();
    t.peer_receive_window = e.peer_window();
    t.hello_interval = e.profile().hello_interval;
    t.tunnel_authentication = !e.profile().secret.empty();
    t.created = created_wall;
    t.up_since = up_wall;
    t.statistics_since = stats_since;
    if (e.session_count() == 0 && empty_since) {
      t.idle = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - *empty_since);
    }
    auto traffic = e.traffic();
    t.tunnel_control_rx_packets = traffic.rx_packets;
    t.tunnel_control_rx_bytes = traffic.rx_bytes;
    t.tunnel_control_tx_packets = traffic.tx_packets;
    t.tunnel_control_tx_bytes = traffic.tx_bytes;
    t.retransmissions = traffic.retransmissions;
    return t;
  }

  /// Its sessions' actors by local session ID.
  session_actor_map session_actors() const { return {sessions.begin(), sessions.end()}; }
};

l2tp::tie_outcome outcome(tie_verdict v) {
  switch (v) {
    case tie_verdict::no_contest: return l2tp::tie_outcome::no_contest;
    case tie_verdict::we_win: return l2tp::tie_outcome::we_win;
    case tie_verdict::we_lose: return l2tp::tie_outcome::we_lose;
    case tie_verdict::both_lose: return l2tp::tie_outcome::both_lose;
  }
  return l2tp::tie_outcome::no_contest;
}

l2tp::connection_config engine_config(tunnel_actor_state& st) {
  const auto* env = st.env;
  auto cc = tunnel_engine_config(*env, st.args);
  cc.select_client = [&st](wire::byte_span avps) {
    return select_tunnel_client(*st.env, st.args.gateway, st.args.peer.address, avps, st.client_index);
  };
  cc.reserve_session = [env] { return try_reserve(env->stats->sessions_active, env->limits->sessions()); };
  cc.release_session = [env] { env->stats->sessions_active.fetch_sub(1); };
  // LNS admission control: the instance-wide cap on sessions between ICRQ and their first NCP open,
  // and the share of it one tunnel may hold (a LAC's burst or ICRQ flood leaves the others room).
  // Always in place (0: no cap, the places still counted), so that a reload may set one.
  if (st.args.role == tunnel_role::lns) {
    cc.admit_setup = [env](std::size_t held) {
      const auto share = env->limits->sessions_in_setup_per_tunnel();
      if (share != 0 && held >= share) return false;
      return try_reserve(env->stats->sessions_in_setup, env->limits->sessions_in_setup());
    };
    cc.release_setup = [env] { env->stats->sessions_in_setup.fetch_sub(1); };
  }
  return cc;
}

tunnel_actor::behavior_type tunnel_behavior(tunnel_actor::stateful_pointer<tunnel_actor_state> self, tunnel_args args) {
  auto& init = self->state;
  init.args = std::move(args);
  init.env = init.args.env;
  init.env->stats->tunnels_created.fetch_add(1);  // tunnels_active was reserved by the shard
  init.engine.emplace(engine_config(init));
  if (init.args.role == tunnel_role::lac) init.run(init.engine->open(now()));
  return {
      [self](datagram& d) { self->state.on_datagram(d); },
      [self](incoming_sccrq& s) { self->state.on_datagram(s.dgram); },
      // Its own state and, as deep as asked, its matching sessions and their sums.
      [self](query_atom, const query_request& q) {
        return answer_query(self, self->state.describe(), self->state.session_actors(), q,
                            self->state.env->sessions->sessions);
      },
      // clear services l2tp session|tunnel [statistics] FILTER.
      [self](clear_atom, const clear_request& c) {
        auto reset = [self] {
          self->state.engine->clear_statistics();
          self->state.stats_since = std::chrono::system_clock::now();
        };
        return answer_clear(self, self->state.describe(), self->state.session_actors(), c, reset,
                            self->state.env->sessions->sessions);
      },
      [self](session_send& s) {
        self->state.run(self->state.engine->session_send(s.local_session_id, s.peer_session_id, s.msg, now()));
      },
      [self](const session_gone& g) {
        auto& st = self->state;
        bool known = st.engine->has_session(g.local_session_id);
        st.sessions.erase(g.local_session_id);
        st.run(st.engine->session_gone(g.local_session_id, now()));
        if (known && st.engine->session_count() == 0) st.empty_since = std::chrono::steady_clock::now();
      },
      // The session's first network protocol opened: its set-up place goes to a waiting call.
      [self](up_atom, std::uint16_t local_session_id) {
        self->state.run(self->state.engine->session_ready(local_session_id, now()));
      },
      [self](open_call& c) {
        auto& st = self->state;
        auto token = st.next_call_token++;
        st.calls.emplace(token, std::move(c));
        st.run(st.engine->place_call(token, now()));
      },
      [self](tie_verdict v) { self->state.run(self->state.engine->tie_break(outcome(v), now())); },
      [self](tick_atom, std::uint64_t generation) {
        auto& st = self->state;
        if (generation != st.timer_generation) return;  // superseded by a later arm
        st.armed.reset();
        st.run(st.engine->timer(now()));
      },
      [self](close_atom) {
        self->state.closed_by_us = true;
        self->state.run(self->state.engine->close(now()));
      },
      [self](shutdown_atom) {
        self->state.closed_by_us = true;
        self->state.run(self->state.engine->shutdown(now()));
      },
  };
}

}  // namespace

tunnel_actor spawn_tunnel(caf::actor_system& sys, tunnel_args args) {
  return sys.spawn(tunnel_behavior, std::move(args));
}

}  // namespace bras::actors
