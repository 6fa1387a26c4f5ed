// The elements of each show object in the structured views: sessions,
// tunnels, destinations, the L2TP summary and the subscribers summary.
#include <string>

#include "cli/structured_tree.hpp"

namespace bras::cli::structured_detail {
namespace {

using model::destination_snapshot;
using model::session_snapshot;
using model::tunnel_report;
using model::tunnel_snapshot;
using model::wall_time;

// ---- sessions ----

void add_session_extensive(xml_node& row, const session_snapshot& s, wall_time now) {
  if (s.mru != 0) row.add("session-local-mru", num(s.mru));
  if (s.peer_mru != 0) row.add("session-remote-mru", num(s.peer_mru));
  row.add("session-tx-speed", num(s.tx_speed));
  row.add("session-rx-speed", num(s.rx_speed));
  row.add("session-bearer-type", num(s.bearer_type));
  row.add("session-framing-type", num(s.framing_type));
  if (s.lcp_renegotiation) row.add("session-lcp-renegotiation", on_off(*s.lcp_renegotiation));
  row.add("session-authentication", authentication(s.auth_protocol));
  if (!s.lac) row.add("session-proxy-lcp", on_off(s.proxied_lcp));
  if (s.ipv6_interface_id != 0) row.add("session-ipv6-interface-id", interface_id(s.ipv6_interface_id));
  if (!s.ipv6_prefix.empty() || !s.delegated_prefix.empty()) {
    row.add("ipv6-ra-sent", num(s.ra_sent));
    row.add("ipv6-rs-received", num(s.rs_received));
    row.add("dhcpv6-received", num(s.dhcpv6_received));
    row.add("dhcpv6-sent", num(s.dhcpv6_sent));
  }
  row.add("session-call-serial-number", num(s.call_serial_number));
  add_if(row, "session-calling-number", s.calling_number);
  add_if(row, "session-called-number", s.called_number);
  add_if(row, "session-ppp-phase", s.ppp_phase);
  add_if(row, "session-lcp-state", s.lcp_state);
  add_if(row, "session-ipcp-state", s.ipcp_state);
  add_if(row, "session-ipv6cp-state", s.ipv6cp_state);
  add_date(row, "session-create-time", s.created);
  if (s.up_since) add_duration(row, "session-up-time", since(now, *s.up_since));
  if (s.idle) add_duration(row, "session-idle-time", s.idle->count());
  add_date(row, "statistics-since", s.statistics_since);
  add_traffic_counters(row, s);
  if (!s.ipv6_prefix.empty() || !s.delegated_prefix.empty()) {
    row.add("data-ipv6-tx-packets", num(s.data_tx_v6_packets));
    row.add("data-ipv6-tx-bytes", num(s.data_tx_v6_bytes));
    row.add("data-ipv6-rx-packets", num(s.data_rx_v6_packets));
    row.add("data-ipv6-rx-bytes", num(s.data_rx_v6_bytes));
  }
  row.add("spoofed-packets", num(s.spoofed));
  row.add("mss-clamped-packets", num(s.mss_clamped));
  row.add("fragmented-packets", num(s.fragmented));
  row.add("icmp-sent-packets", num(s.icmp_sent));
  row.add("lcp-echo-req-tx", num(s.echo_requests_sent));
  row.add("lcp-echo-req-rx", num(s.echo_requests_received));
  row.add("lcp-echo-rep-tx", num(s.echo_replies_sent));
  row.add("lcp-echo-rep-rx", num(s.echo_replies_received));
  row.add("lcp-echo-req-timeout", num(s.echo_timeouts));
}

void add_session(xml_node& group, const session_snapshot& s, view v, wall_time now) {
  xml_node& row = group.add("l2tp-session-information");
  row.add("session-local-id", num(s.local_session_id));
  row.add("session-remote-id", num(s.peer_session_id));
  row.add("session-state", junos_session_state(s.lac, s.state));
  row.add("session-interface-unit", num(s.interface_unit));
  if (v == view::statistics) {
    add_date(row, "statistics-since", s.statistics_since);
    add_traffic_counters(row, s);
    return;
  }
  add_if(row, "session-interface-name", s.interface_name);
  add_if(row, "session-user-name", s.user);
  if (v == view::brief) return;
  // Every brasd session has an interface unit of its own.
  row.add("session-mode", "Dedicated");
  // Local IP / Remote IP are the PPP endpoints (blank on a LAC, as on Junos).
  if (s.local_address != 0) row.add("session-local-ip", ipv4(s.local_address));
  if (s.address != 0) row.add("session-remote-ip", ipv4(s.address));
  if (!s.lac && s.address != 0) row.add("session-assigned-ip-address", ipv4(s.address));
  add_if(row, "session-local-name", s.local_name);
  add_if(row, "session-remote-name", s.remote_name);
  add_if(row, "session-ipv6-prefix", s.ipv6_prefix);
  if (!s.delegated_prefix.empty()) {
    row.add("session-delegated-prefix", s.delegated_prefix);
    row.add("session-delegated-prefix-bound", s.delegated_bound ? "yes" : "no");
  }
  row.add("local-gateway", ipv4(s.local.address));
  row.add("local-gateway-port", num(s.local.port));
  add_if(row, "local-gateway-name", s.local_gateway_name);
  row.add("peer-gateway", ipv4(s.peer.address));
  row.add("peer-gateway-port", num(s.peer.port));
  if (v == view::extensive) add_session_extensive(row, s, now);
}

}  // namespace

/// The per-tunnel group of the session view ("Tunnel local ID: n" and, on
/// the LNS, its tunnel group), holding the session rows.
void add_session_group(xml_node& root, const tunnel_report& r, view v, wall_time now) {
  xml_node& group = root.add("l2tp-session-tunnel-information");
  group.add("tunnel-local-id", num(r.tunnel.local_tunnel_id));
  if (v == view::detail || v == view::extensive) group.add("tunnel-remote-id", num(r.tunnel.peer_tunnel_id));
  add_if(group, r.tunnel.lac ? "tunnel-destination-name" : "tunnel-group-name", r.tunnel.tunnel_group);
  for (const session_snapshot& s : r.sessions) add_session(group, s, v, now);
}

// ---- tunnels ----

namespace {

/// The tunnel's counters. As in the text views, Control is the tunnel's own
/// L2TP control channel while Data and Errors are the sums over its sessions;
/// the sessions' PPP control frames, which the text leaves out, are ppp-control-*.
void add_tunnel_counters(xml_node& row, const tunnel_snapshot& t) {
  add_date(row, "statistics-since", t.statistics_since);
  row.add("control-tx-packets", num(t.tunnel_control_tx_packets));
  row.add("control-tx-bytes", num(t.tunnel_control_tx_bytes));
  row.add("control-rx-packets", num(t.tunnel_control_rx_packets));
  row.add("control-rx-bytes", num(t.tunnel_control_rx_bytes));
  row.add("data-tx-packets", num(t.data_tx_packets));
  row.add("data-tx-bytes", num(t.data_tx_bytes));
  row.add("data-rx-packets", num(t.data_rx_packets));
  row.add("data-rx-bytes", num(t.data_rx_bytes));
  row.add("error-tx-packets", num(t.tx_errors));
  row.add("error-rx-packets", num(t.rx_errors));
  row.add("ppp-control-tx-packets", num(t.control_tx_packets));
  row.add("ppp-control-tx-bytes", num(t.control_tx_bytes));
  row.add("ppp-control-rx-packets", num(t.control_rx_packets));
  row.add("ppp-control-rx-bytes", num(t.control_rx_bytes));
  row.add("control-retransmissions", num(t.retransmissions));
  // Always present (0 included) so a consumer can tell complete sums from partial ones.
  row.add("tunnel-sessions-missing", num(t.sessions_missing));
}

}  // namespace

void add_tunnel(xml_node& root, const tunnel_snapshot& t, view v, wall_time now) {
  xml_node& row = root.add("l2tp-tunnel-information");
  row.add("tunnel-local-id", num(t.local_tunnel_id));
  row.add("tunnel-remote-id", num(t.peer_tunnel_id));
  if (v == view::statistics) {
    row.add("tunnel-state", junos_tunnel_state(t.lac, t.state));
    add_tunnel_counters(row, t);
    return;
  }
  row.add("tunnel-remote-ip", ipv4(t.peer.address));
  row.add("tunnel-remote-port", num(t.peer.port));
  row.add("tunnel-sessions", num(t.sessions));
  row.add("tunnel-state", junos_tunnel_state(t.lac, t.state));
  if (v == view::brief) return;
  // LNS tunnels belong to the tunnel group that accepted them, LAC tunnels to the destination they dial.
  add_if(row, t.lac ? "tunnel-destination-name" : "tunnel-group-name", t.tunnel_group);
  row.add("tunnel-local-ip", ipv4(t.local.address));
  row.add("tunnel-local-port", num(t.local.port));
  add_if(row, "local-gateway-name", t.local_gateway_name);
  add_if(row, "tunnel-local-name", t.local_name);
  add_if(row, "tunnel-remote-name", t.remote_name);
  if (v != view::extensive) return;
  row.add("tunnel-max-sessions", t.max_sessions == 0 ? std::string("unlimited") : num(t.max_sessions));
  row.add("tunnel-window-size", num(t.receive_window));
  row.add("tunnel-hello-interval", num(static_cast<std::uint64_t>(t.hello_interval.count())));
  row.add("tunnel-send-window-size", num(t.peer_receive_window));
  row.add("tunnel-authentication", on_off(t.tunnel_authentication));
  add_date(row, "tunnel-create-time", t.created);
  if (t.up_since) add_duration(row, "tunnel-up-time", since(now, *t.up_since));
  if (t.idle) add_duration(row, "tunnel-idle-time", t.idle->count());
  add_tunnel_counters(row, t);
}

// ---- destinations ----

void add_destination(xml_node& root, const destination_snapshot& d, view v) {
  xml_node& row = root.add("l2tp-destination-information");
  row.add("destination-index", num(d.index));
  add_if(row, "destination-name", d.name);
  row.add("destination-remote-ip", ipv4(d.peer.address));
  row.add("destination-remote-port", num(d.peer.port));
  if (v == view::statistics) {
    row.add("destination-state", d.state);
    add_traffic_counters(row, d);
    return;
  }
  row.add("destination-tunnels-active", num(d.tunnels_active));
  row.add("destination-tunnels-total", num(d.tunnels_total));
  row.add("destination-sessions-active", num(d.sessions_active));
  row.add("destination-sessions-total", num(d.sessions_total));
  row.add("destination-state", d.state);
  if (v == view::brief) return;
  // destination.lac: we are the LAC, so the peer is an LNS.
  row.add("destination-peer-role", d.lac ? "LNS" : "LAC");
  row.add("destination-local-ip", ipv4(d.local.address));
  row.add("destination-local-port", num(d.local.port));
  add_if(row, "local-gateway-name", d.local_gateway_name);
  row.add("destination-transport", d.transport);
  if (d.lockout_remaining) add_duration(row, "destination-lockout-remaining", d.lockout_remaining->count());
  if (d.lac) {
    // Preference and weight steer the LAC's choice of LNS; they mean nothing for a LAC dialling us.
    row.add("destination-preference", num(d.preference));
    row.add("destination-weight", num(d.weight));
  }
  if (v == view::extensive) add_traffic_counters(row, d);
}

// ---- summaries ----

void add_summary(xml_node& root, const model::summary_snapshot& s, bool statistics) {
  root.add("l2tp-administrative-state", s.admin_enabled ? "enabled" : "drain");
  root.add("l2tp-failover-within-preference", enabled(s.failover_within_preference));
  root.add("l2tp-weighted-load-balancing", enabled(s.weighted_load_balancing));
  root.add("l2tp-destination-equal-load-balancing", enabled(false));  // not implemented: always Disabled
  root.add("l2tp-tunnel-authentication-challenge", enabled(s.tunnel_authentication_challenge));
  root.add("l2tp-retransmit-count", num(s.retransmit_count));
  // Timeouts in milliseconds, as the text prints them ("200 ms initial, 8000 ms maximum").
  root.add("l2tp-retransmit-initial-interval", num(static_cast<std::uint64_t>(s.retransmit_initial.count())));
  root.add("l2tp-retransmit-max-interval", num(static_cast<std::uint64_t>(s.retransmit_max.count())));
  root.add("l2tp-destination-lockout-timeout", num(static_cast<std::uint64_t>(s.destination_lockout.count())));
  root.add("l2tp-receive-window", num(s.receive_window));
  xml_node& table = root.add("l2tp-summary-table");
  table.add("l2tp-destinations", num(s.destinations));
  table.add("l2tp-tunnels", num(s.tunnels));
  table.add("l2tp-sessions", num(s.sessions));
  table.add("l2tp-switched-sessions", num(s.switched_sessions));
  if (statistics) add_traffic_counters(root, s);
}

void add_subscribers(xml_node& root, const model::subscribers_snapshot& s) {
  xml_node& counters = root.add("counters");
  counters.add("session-state-init", num(s.init));
  counters.add("session-state-configured", num(s.configured));
  counters.add("session-state-active", num(s.active));
  counters.add("session-state-terminating", num(s.terminating));
  counters.add("session-state-total", num(s.init + s.configured + s.active + s.terminating));
  // Junos counts tunnelled (LAC) subscribers by their access type, PPPoE.
  counters.add("session-type-pppoe", num(s.l2tp_lac));
  counters.add("session-type-l2tp", num(s.l2tp_lns));
  // brasd: the text's "Subscribers by Address Family".
  counters.add("session-family-dual-stack", num(s.dual_stack));
  counters.add("session-family-ipv6-only", num(s.ipv6_only));
}

}  // namespace bras::cli::structured_detail
