#include "actors/tunnel_setup.hpp"

#include "actors/client_match.hpp"

namespace bras::actors {

l2tp::connection_config tunnel_engine_config(const tunnel_env& env, const tunnel_args& args) {
  l2tp::connection_config cc;
  cc.role = args.role == tunnel_role::lac ? l2tp::connection_role::lac : l2tp::connection_role::lns;
  cc.local_tunnel_id = args.local_id;
  cc.host_name = env.l2tp->host_name;
  cc.peer_name = args.peer.to_string();
  cc.tie_breaker = args.tie_breaker;
  std::uint16_t window = cc.profile.reliable.receive_window;
  if (args.role == tunnel_role::lac) {
    const auto& dest = args.destination;
    cc.profile.secret = dest.secret;
    cc.profile.max_sessions = dest.max_sessions;
    cc.profile.group_name = dest.name;
    cc.expected_peer_host_name = dest.server_auth_id;
    if (!dest.client_auth_id.empty()) cc.host_name = dest.client_auth_id;
    // AAA gives no HELLO interval, window or hiding: a configured destination's, else the defaults.
    const config::lns_destination defaults;
    const auto* configured = configured_destination(*env.l2tp, dest);
    const auto& extra = configured != nullptr ? *configured : defaults;
    cc.profile.hide_avps = extra.hide_avps;
    cc.profile.hello_interval = extra.hello_interval;
    window = extra.receive_window;
  }
  cc.profile.reliable = reliable_config_of(*env.l2tp, window);
  cc.setup_queue_limit = env.l2tp->setup_queue;
  cc.ask_tie_break = static_cast<bool>(*env.lac);
  cc.log_transitions = [log = *env.log_slot] { return log->should_log(spdlog::level::debug); };
  return cc;
}

const config::lns_destination* configured_destination(const config::l2tp_settings& l2tp,
                                                      const l2tp::tunnel_candidate& c) {
  for (const auto& d : l2tp.destinations) {
    if (d.name == c.name && d.port == c.port && config::parse_ipv4(d.address) == c.address) return &d;
  }
  return nullptr;
}

std::optional<l2tp::client_selection> select_tunnel_client(const tunnel_env& env, std::uint16_t gateway,
                                                           std::uint32_t source, wire::byte_span avps,
                                                           std::optional<std::size_t>& client_index) {
  auto host = peek_host_name(avps).value_or("");
  const auto& gw = env.l2tp->local_gateways[gateway];
  auto match = match_client(*env.l2tp, gw.name, source, host);
  if (!match) return std::nullopt;
  const auto& client = *match->client;
  l2tp::client_selection s;
  s.profile.secret = client.secret;
  s.profile.hide_avps = match->group->hide_avps;
  s.profile.group_name = match->group->name;
  s.profile.hello_interval = client.hello_interval.value_or(match->group->hello_interval);
  s.profile.max_sessions = client.max_sessions_per_tunnel;
  s.profile.reliable = reliable_config_of(*env.l2tp, client.receive_window.value_or(match->group->receive_window));
  if (client.retransmit_initial) s.profile.reliable.initial_timeout = *client.retransmit_initial;
  if (client.retransmit_max) s.profile.reliable.max_timeout = *client.retransmit_max;
  if (client.retransmit_count) s.profile.reliable.max_retransmits = *client.retransmit_count;
  client_index = match->client_index;
  s.over_limit =
      env.client_tunnels[*client_index].fetch_add(1) >= static_cast<int>(client.max_tunnels) && client.max_tunnels != 0;
  return s;
}

std::atomic<std::uint64_t>& counter_for(counters& stats, l2tp::connection_counter c) noexcept {
  using cc = l2tp::connection_counter;
  switch (c) {
    case cc::rx_malformed: return stats.rx_malformed;
    case cc::rx_wrong_peer: return stats.rx_wrong_peer;
    case cc::rx_unknown_session: return stats.rx_unknown_session;
    case cc::data_rx_unknown_session: return stats.data_rx_unknown_session;
    case cc::fsm_protocol_errors: return stats.fsm_protocol_errors;
    case cc::tunnels_refused: return stats.tunnels_refused;
    case cc::tunnel_auth_failures: return stats.tunnel_auth_failures;
    case cc::tunnels_established: return stats.tunnels_established;
    case cc::tunnels_failed: return stats.tunnels_failed;
    case cc::tunnels_destroyed: return stats.tunnels_destroyed;
    case cc::sessions_refused: return stats.sessions_refused;
    case cc::calls_deferred: return stats.calls_deferred;
    case cc::calls_refused_queue: return stats.calls_refused_queue;
    case cc::calls_refused_limit: return stats.calls_refused_limit;
    case cc::calls_refused_no_id: return stats.calls_refused_no_id;
    case cc::calls_deferred_dropped: return stats.calls_deferred_dropped;
    case cc::control_retransmissions: return stats.control_retransmissions;
    case cc::control_rx_duplicates: return stats.control_rx_duplicates;
    case cc::random_failures: return stats.random_failures_l2tp;
  }
  return stats.fsm_protocol_errors;  // not reached: every counter is listed
}

}  // namespace bras::actors
