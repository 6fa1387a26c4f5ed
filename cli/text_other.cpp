// The text of every show command but the session views (cli/text_session.cpp):
// tunnel, summary, destination, subscribers summary, and the feedback lines
// of the clear commands. Junos published no sample output for these, so the
// layouts follow the field lists and Junos' habits (docs/cli.md, marked [R]).
#include <string>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli {
namespace {

using model::destination_snapshot;
using model::query_snapshot;
using model::summary_snapshot;
using model::tunnel_snapshot;
using namespace text_detail;

// ---- show services l2tp tunnel ----

[[nodiscard]] std::string tunnel_state(const tunnel_snapshot& t) {
  return tunnel_state_name(t.state, t.lac);
}

[[nodiscard]] std::string tunnel_row(const tunnel_snapshot& t) {
  return rjust(std::to_string(t.local_tunnel_id), 11) + rjust(std::to_string(t.peer_tunnel_id), 11) + "  " +
         col(endpoint(t.peer), 21) + rjust(std::to_string(t.sessions), 8) + "  " + tunnel_state(t) + '\n';
}

[[nodiscard]] std::string tunnel_title(const tunnel_snapshot& t) {
  return "Tunnel local ID: " + std::to_string(t.local_tunnel_id) +
         ", Tunnel remote ID: " + std::to_string(t.peer_tunnel_id) + '\n';
}

[[nodiscard]] std::string tunnel_detail(const tunnel_snapshot& t) {
  // LNS tunnels belong to the tunnel group that accepted them; LAC tunnels to the destination they dial.
  return tunnel_title(t) + "    " + field("Remote IP", endpoint(t.peer)) + ", " + field("Local IP", endpoint(t.local)) +
         '\n' + "    Sessions: " + std::to_string(t.sessions) + ", State: " + tunnel_state(t) + '\n' + "    " +
         field(t.lac ? "Destination" : "Tunnel group", t.tunnel_group) + ", " +
         field("Local gateway name", t.local_gateway_name) + '\n' + "    " + field("Local name", t.local_name) + ", " +
         field("Remote name", t.remote_name) + '\n';
}

[[nodiscard]] std::string tunnel_extensive(const tunnel_snapshot& t, const query_snapshot& q) {
  const std::string max = t.max_sessions == 0 ? std::string("unlimited") : std::to_string(t.max_sessions);
  const std::string up = t.up_since ? elapsed(*t.up_since, q.taken_at) : std::string("N/A");
  const std::string idle = t.idle ? duration_hms(*t.idle) : std::string("N/A");
  std::string out = tunnel_detail(t) + "    Maximum sessions: " + max +
                    ", Window size: " + std::to_string(t.receive_window) +
                    ", Hello interval: " + std::to_string(t.hello_interval.count()) + '\n' +
                    "    Send window size: " + std::to_string(t.peer_receive_window) +
                    ", Tunnel authentication: " + on_off(t.tunnel_authentication) + '\n' +
                    "    Create time: " + junos_date(t.created) + ", Up time: " + up + '\n' + "    Idle time: " + idle +
                    '\n' + "    Statistics since: " + junos_date(t.statistics_since) + '\n';
  // Control: the tunnel's own L2TP control messages; Data and Errors: the sums over its sessions.
  append_counter_table(out, {{"Control Tx", t.tunnel_control_tx_packets, t.tunnel_control_tx_bytes},
                             {"Control Rx", t.tunnel_control_rx_packets, t.tunnel_control_rx_bytes},
                             {"Data Tx", t.data_tx_packets, t.data_tx_bytes},
                             {"Data Rx", t.data_rx_packets, t.data_rx_bytes},
                             {"Errors Tx", t.tx_errors, std::nullopt},
                             {"Errors Rx", t.rx_errors, std::nullopt}});
  out += "    Control retransmissions: " + std::to_string(t.retransmissions) + '\n';
  if (t.sessions_missing > 0) {
    out += "    Sessions not answering: " + std::to_string(t.sessions_missing) + " (left out of the statistics)\n";
  }
  return out;
}

[[nodiscard]] std::string tunnel_statistics(const tunnel_snapshot& t) {
  // As the session `statistics` sample: unindented, tab-separated; Control and Data only.
  std::string out = "Tunnel local ID: " + std::to_string(t.local_tunnel_id) +
                    ", Tunnel remote ID: " + std::to_string(t.peer_tunnel_id) + '\n' + "State: " + tunnel_state(t) +
                    '\n' + "Statistics since: " + junos_date(t.statistics_since) + '\n';
  append_tab_table(out, {{"Control Tx", t.tunnel_control_tx_packets, t.tunnel_control_tx_bytes},
                         {"Control Rx", t.tunnel_control_rx_packets, t.tunnel_control_rx_bytes},
                         {"Data Tx", t.data_tx_packets, t.data_tx_bytes},
                         {"Data Rx", t.data_rx_packets, t.data_rx_bytes}});
  return out;
}

[[nodiscard]] std::string render_tunnels(const command& c, const query_snapshot& q) {
  std::string out;
  if (q.tunnels.empty()) return out;
  if (!c.statistics && (c.detail == level::standard || c.detail == level::brief)) {
    out = "  Tunnel ID  Remote ID  Remote IP            Sessions  State\n";
    for (const auto& report : q.tunnels) out += tunnel_row(report.tunnel);
    return out;
  }
  for (const auto& report : q.tunnels) {
    const tunnel_snapshot& t = report.tunnel;
    if (c.statistics) {
      append_block(out, tunnel_statistics(t));
    } else {
      append_block(out, c.detail == level::detail ? tunnel_detail(t) : tunnel_extensive(t, q));
    }
  }
  return out;
}

// ---- show services l2tp summary ----

[[nodiscard]] std::string render_summary(const command& c, const summary_snapshot& m) {
  // Settings as "X is Y" lines (the Junos summary's habit), brasd's own knobs after Junos' four.
  std::string out = std::string("Administrative state is ") + (m.admin_enabled ? "enabled" : "drain") + '\n' +
                    "Failover within a preference level is " + enabled(m.failover_within_preference) + '\n' +
                    "Weighted load balancing is " + enabled(m.weighted_load_balancing) + '\n' +
                    "Destination equal load balancing is Disabled\n" + "Tunnel authentication challenge is " +
                    enabled(m.tunnel_authentication_challenge) + '\n' + "Control message retransmission count is " +
                    std::to_string(m.retransmit_count) + '\n' + "Control message retransmission timeout is " +
                    std::to_string(m.retransmit_initial.count()) + " ms initial, " +
                    std::to_string(m.retransmit_max.count()) + " ms maximum\n" + "Destination lockout timeout is " +
                    std::to_string(m.destination_lockout.count()) + " seconds\n" + "Receive window size is " +
                    std::to_string(m.receive_window) + '\n' + "Destinations: " + std::to_string(m.destinations) +
                    ", Tunnels: " + std::to_string(m.tunnels) + ", Sessions: " + std::to_string(m.sessions) +
                    ", Switched sessions: " + std::to_string(m.switched_sessions) + '\n';
  if (c.statistics) {
    append_counter_table(out, {{"Control Tx", m.control_tx_packets, m.control_tx_bytes},
                               {"Control Rx", m.control_rx_packets, m.control_rx_bytes},
                               {"Data Tx", m.data_tx_packets, m.data_tx_bytes},
                               {"Data Rx", m.data_rx_packets, m.data_rx_bytes},
                               {"Errors Tx", m.tx_errors, std::nullopt},
                               {"Errors Rx", m.rx_errors, std::nullopt}});
  }
  return out;
}

// ---- show services l2tp destination ----

[[nodiscard]] std::string fraction(std::size_t active, std::size_t total) {
  return std::to_string(active) + '/' + std::to_string(total);
}

[[nodiscard]] std::string destination_row(const destination_snapshot& d) {
  return rjust(std::to_string(d.index), 4) + "  " + col(d.name, 20) + col(endpoint(d.peer), 22) +
         col(fraction(d.tunnels_active, d.tunnels_total), 10) + col(fraction(d.sessions_active, d.sessions_total), 11) +
         d.state + '\n';
}

[[nodiscard]] std::string destination_title(const destination_snapshot& d) {
  // destination.lac: we are the LAC, so the peer is an LNS.
  return "Destination ID: " + std::to_string(d.index) + ", " + field("Name", d.name) +
         ", Peer role: " + (d.lac ? "LNS" : "LAC") + '\n';
}

[[nodiscard]] std::string destination_detail(const destination_snapshot& d) {
  const std::string lockout = d.lockout_remaining ? duration_hms(*d.lockout_remaining) : std::string("N/A");
  std::string out = destination_title(d) + "    " + field("Remote IP", endpoint(d.peer)) + ", " +
                    field("Local IP", endpoint(d.local)) + '\n' + "    " +
                    field("Local gateway name", d.local_gateway_name) + ", " + field("Transport", d.transport) + '\n' +
                    "    " + field("State", d.state) + ", Lockout time remaining: " + lockout + '\n';
  // Preference and weight steer the LAC's choice of LNS; they mean nothing for a LAC dialling us.
  if (d.lac) {
    out += "    Preference: " + std::to_string(d.preference) + ", Weight: " + std::to_string(d.weight) + '\n';
  }
  out += "    Tunnels: " + std::to_string(d.tunnels_total) + ", Active tunnels: " + std::to_string(d.tunnels_active) +
         ", Sessions: " + std::to_string(d.sessions_total) + ", Active sessions: " + std::to_string(d.sessions_active) +
         '\n';
  return out;
}

[[nodiscard]] std::string destination_extensive(const destination_snapshot& d) {
  std::string out = destination_detail(d);
  append_counter_table(out, {{"Control Tx", d.control_tx_packets, d.control_tx_bytes},
                             {"Control Rx", d.control_rx_packets, d.control_rx_bytes},
                             {"Data Tx", d.data_tx_packets, d.data_tx_bytes},
                             {"Data Rx", d.data_rx_packets, d.data_rx_bytes},
                             {"Errors Tx", d.tx_errors, std::nullopt},
                             {"Errors Rx", d.rx_errors, std::nullopt}});
  return out;
}

[[nodiscard]] std::string destination_statistics(const destination_snapshot& d) {
  std::string out = "Destination ID: " + std::to_string(d.index) + ", " + field("Name", d.name) + '\n' +
                    field("State", d.state) + '\n';
  append_tab_table(out, {{"Control Tx", d.control_tx_packets, d.control_tx_bytes},
                         {"Control Rx", d.control_rx_packets, d.control_rx_bytes},
                         {"Data Tx", d.data_tx_packets, d.data_tx_bytes},
                         {"Data Rx", d.data_rx_packets, d.data_rx_bytes}});
  return out;
}

[[nodiscard]] std::string render_destinations(const command& c, const query_snapshot& q) {
  std::string out;
  if (q.destinations.empty()) return out;
  if (!c.statistics && (c.detail == level::standard || c.detail == level::brief)) {
    out = "  ID  Name                Remote IP             Tunnels   Sessions   State\n";
    for (const auto& d : q.destinations) out += destination_row(d);
    return out;
  }
  for (const auto& d : q.destinations) {
    if (c.statistics) {
      append_block(out, destination_statistics(d));
    } else {
      append_block(out, c.detail == level::detail ? destination_detail(d) : destination_extensive(d));
    }
  }
  return out;
}

// ---- show subscribers summary ----

[[nodiscard]] std::string render_subscribers(const model::subscribers_snapshot& b) {
  // Junos lists only the states and client types that have subscribers, then the total.
  const auto line = [](std::string_view label, std::size_t n) {
    return n == 0 ? std::string() : "   " + std::string(label) + ": " + std::to_string(n) + '\n';
  };
  const std::size_t by_state = b.init + b.configured + b.active + b.terminating;
  const std::size_t by_type = b.l2tp_lns + b.l2tp_lac;
  return "Subscribers by State\n" + line("Init", b.init) + line("Configured", b.configured) + line("Active", b.active) +
         line("Terminating", b.terminating) + "   Total: " + std::to_string(by_state) +
         "\n\nSubscribers by Client Type\n" + line("L2TP", b.l2tp_lns) + line("PPPoE", b.l2tp_lac) +
         "   Total: " + std::to_string(by_type) + '\n';
}

}  // namespace

std::string render_text(const command& c, const query_snapshot& s, const render_options& o) {
  std::string out;
  switch (c.target) {
    case object::session: out = text_detail::render_sessions(c, s, o); break;
    case object::tunnel: out = render_tunnels(c, s); break;
    case object::summary: out = render_summary(c, s.summary); break;
    case object::destination: out = render_destinations(c, s); break;
    case object::subscribers_summary: out = render_subscribers(s.subscribers); break;
    case object::log_level: break;  // not a snapshot view (render_log_levels)
  }
  return out + text_detail::shards_warning(s.shards_missing, "the output may be incomplete") +
         text_detail::shards_warning(s.tunnels_missing, "the output may be incomplete", "tunnel");
}

std::string render_log_levels(const std::vector<std::pair<std::string, std::string>>& levels) {
  std::string out = "Logger  Level\n";
  for (const auto& [logger, level] : levels) {
    out += logger + std::string(logger.size() < 8 ? 8 - logger.size() : 1, ' ') + level + "\n";
  }
  return out;
}

std::string render_clear(const command& /*c*/, const model::clear_report& r) {
  // Junos' feedback (docs/cli.md): closing is indented by two, clearing statistics is not.
  std::string out;
  for (const auto& session : r.sessions) {
    // Junos names a session by its local session ID alone (the pair's second member).
    const std::string id = std::to_string(session.second);
    out += r.statistics ? "Session " + id + " statistics cleared\n" : "  Session " + id + " closed\n";
  }
  for (const auto tunnel : r.tunnels) {
    out += r.statistics ? "Tunnel " + std::to_string(tunnel) + " statistics cleared\n"
                        : "  Tunnel " + std::to_string(tunnel) + " closed\n";
  }
  return out + text_detail::shards_warning(r.shards_missing, "some objects may not have been cleared") +
         text_detail::shards_warning(r.tunnels_missing, "some objects may not have been cleared", "tunnel") +
         text_detail::shards_warning(r.sessions_missing, "they were not cleared", "session");
}

}  // namespace bras::cli
