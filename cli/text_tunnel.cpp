// The text of `show services l2tp tunnel` and `show services l2tp destination`
// (render_text in text_summary.cpp dispatches here). Junos published no sample
// output for these, so the layouts follow the field lists and Junos' habits
// (docs/cli.md, marked [R]).
#include <string>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli::text_detail {
namespace {

using model::destination_snapshot;
using model::query_snapshot;
using model::tunnel_snapshot;

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

}  // namespace

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

namespace {

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
  append_traffic_table(out, d);
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

}  // namespace

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

}  // namespace bras::cli::text_detail
