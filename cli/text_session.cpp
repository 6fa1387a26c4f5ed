// `show services l2tp session [brief|detail|extensive|statistics]` as text.
// Three layouts, each reproducing its Junos sample (docs/cli.md lists the
// samples and every difference): the MX LNS layout, the M Series LNS layout
// (render_options::session_layout = m_series) and the LAC layout, which Junos
// has on MX only and which every LAC session uses whatever the option says.
#include <string>
#include <string_view>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli::text_detail {
namespace {

using model::query_snapshot;
using model::session_snapshot;

enum class style : std::uint8_t {
  mx_lns,  ///< "show services l2tp session (LNS on MX Series Routers)"
  m_lns,   ///< "(LNS on M Series Routers)": Interface / Tunnel group header, Bundle and Username columns
  lac,     ///< "(LAC)": right-aligned IDs, Policer / overhead lines, no statistics table
};

[[nodiscard]] style style_of(const session_snapshot& s, const render_options& o) {
  if (s.lac) return style::lac;
  return o.session_layout == layout::m_series ? style::m_lns : style::mx_lns;
}

[[nodiscard]] std::string state_of(const session_snapshot& s) {
  return session_state_name(s.state, s.lac);
}

/// Session IDs: "%5u" in the LAC and M Series samples ("Session remote ID:     1"),
/// plain in the MX LNS samples ("Session remote ID: 1").
[[nodiscard]] std::string id(style st, std::uint16_t value) {
  return st == style::mx_lns ? std::to_string(value) : pad5(value);
}

/// The line that opens each group of sessions. The tunnel ID is "%5u" as in
/// the M Series sample ("Tunnel local ID:  8802"), the only one with a short ID.
[[nodiscard]] std::string group_header(style st, const session_snapshot& s) {
  if (st == style::m_lns) {
    return "Interface: " + s.interface_name + ", Tunnel group: " + s.tunnel_group +
           ", Tunnel local ID: " + pad5(s.local_tunnel_id) + '\n';
  }
  return "Tunnel local ID: " + pad5(s.local_tunnel_id) + '\n';
}

// ---- standard / brief: one row per session under a column header ----

[[nodiscard]] std::string column_header(style st) {
  if (st == style::m_lns) {
    return "  Local Remote Interface State               Bundle Username\n"
           "  ID    ID     unit\n";
  }
  return "  Local  Remote   State                Interface         Interface\n"
         "  ID     ID                            unit              Name\n";
}

[[nodiscard]] std::string row(style st, const session_snapshot& s) {
  const std::string local = std::to_string(s.local_session_id);
  const std::string remote = std::to_string(s.peer_session_id);
  const std::string unit = std::to_string(s.interface_unit);
  switch (st) {
    case style::mx_lns:
      return "  " + col(local, 7) + col(remote, 9) + col(state_of(s), 21) + col(unit, 18) + s.interface_name + '\n';
    case style::lac:
      // The LAC sample right-aligns the numbers and pads the name to 20 (trailing spaces included).
      return "  " + rjust(local, 6) + rjust(remote, 7) + "   " + col(state_of(s), 20) + rjust(unit, 10) + "         " +
             ljust(s.interface_name, 20) + '\n';
    case style::m_lns: {
      // Bundle is blank (no multilink); the sample row has no trailing spaces, so trim them.
      std::string line = "  " + rjust(local, 5) + rjust(remote, 7) + rcol(unit, 10) + ' ' + col(state_of(s), 20) +
                         rjust("", 6) + ' ' + s.user;
      line.erase(line.find_last_not_of(' ') + 1);
      return line + '\n';
    }
  }
  return {};
}

// ---- detail ----

[[nodiscard]] std::string addresses_line(const session_snapshot& s) {
  // Local / Remote IP: the PPP (IPCP) addresses; the LAC terminates no PPP, so both are blank there.
  return "    " + field("Local IP", ipv4(s.local_address)) + ", " + field("Remote IP", ipv4(s.address)) + '\n';
}

[[nodiscard]] std::string names_line(const session_snapshot& s) {
  return "    " + field("Local name", s.local_name) + ", " + field("Remote name", s.remote_name) + '\n';
}

/// M Series: the first session of the extensive sample has no names line at
/// all, the second has one; brasd prints it when either name is known.
[[nodiscard]] std::string m_names_line(const session_snapshot& s) {
  if (s.local_name.empty() && s.remote_name.empty()) return {};
  return names_line(s);
}

[[nodiscard]] std::string m_head(const session_snapshot& s) {
  return "  Session local ID: " + pad5(s.local_session_id) + ", Session remote ID: " + pad5(s.peer_session_id) + '\n' +
         "    State: " + state_of(s) + ", " + field("Bundle ID", "") + ", Mode: shared\n" + addresses_line(s) + "    " +
         field("Username", s.user) + ", " + field("Assigned IP address", ipv4(s.address)) + '\n';
}

// ---- IPv6 beyond IPv6CP: brasd lines no Junos sample has, printed only for a session with a
// prefix, so a session without one prints exactly its sample ----

[[nodiscard]] bool has_ipv6_prefix(const session_snapshot& s) {
  return !s.ipv6_prefix.empty() || !s.delegated_prefix.empty();
}

[[nodiscard]] std::string ipv6_prefix_lines(const session_snapshot& s) {
  if (!has_ipv6_prefix(s)) return {};
  std::string delegated = s.delegated_prefix;
  if (!delegated.empty()) delegated += s.delegated_bound ? " (bound)" : " (not bound)";
  return "    " + field("IPv6 prefix", s.ipv6_prefix) + '\n' + "    " + field("Delegated prefix", delegated) + '\n';
}

/// The prefixes, then the Router Advertisement and DHCPv6 counters (extensive).
[[nodiscard]] std::string ipv6_lines(const session_snapshot& s) {
  if (!has_ipv6_prefix(s)) return {};
  return ipv6_prefix_lines(s) + "    Router advertisements sent: " + std::to_string(s.ra_sent) +
         ", Router solicitations received: " + std::to_string(s.rs_received) + '\n' +
         "    DHCPv6 received: " + std::to_string(s.dhcpv6_received) +
         ", DHCPv6 sent: " + std::to_string(s.dhcpv6_sent) + '\n';
}

[[nodiscard]] std::string detail_block(style st, const session_snapshot& s) {
  if (st == style::m_lns) return m_head(s) + m_names_line(s) + ipv6_prefix_lines(s);
  return "  Session local ID: " + id(st, s.local_session_id) + ", Session remote ID: " + id(st, s.peer_session_id) +
         ", Interface unit: " + std::to_string(s.interface_unit) + '\n' + "    State: " + state_of(s) + ", " +
         field("Interface", s.interface_name) + ", Mode: Dedicated\n" + addresses_line(s) + names_line(s) +
         ipv6_prefix_lines(s);
}

// ---- extensive ----

[[nodiscard]] std::string times_lines(const session_snapshot& s, const query_snapshot& q) {
  const std::string up = s.up_since ? elapsed(*s.up_since, q.taken_at) : std::string("N/A");
  const std::string idle = s.idle ? duration_hms(*s.idle) : std::string("N/A");
  return "    Create time: " + junos_date(s.created) + ", Up time: " + up + '\n' + "    Idle time: " + idle + '\n';
}

[[nodiscard]] std::string statistics_lines(const session_snapshot& s) {
  std::string out = "    Statistics since: " + junos_date(s.statistics_since) + '\n';
  append_traffic_table(out, s);
  // The IPv6 share of the Data rows (included in them).
  if (has_ipv6_prefix(s)) {
    append_counter_row(out, {"IPv6 Tx", s.data_tx_v6_packets, s.data_tx_v6_bytes});
    append_counter_row(out, {"IPv6 Rx", s.data_rx_v6_packets, s.data_rx_v6_bytes});
  }
  return out;
}

[[nodiscard]] std::string bearer_line(const session_snapshot& s) {
  return "    Bearer type: " + std::to_string(s.bearer_type) + ", Framing type: " + std::to_string(s.framing_type) +
         '\n';
}

[[nodiscard]] std::string extensive_mx_lns(const session_snapshot& s, const query_snapshot& q) {
  // brasd has no connect-speed updates (RFC 5515), so only the initial speed, as Junos prints without updates.
  return "  Session local ID: " + std::to_string(s.local_session_id) +
         ", Session remote ID: " + std::to_string(s.peer_session_id) + '\n' +
         "    Interface unit: " + std::to_string(s.interface_unit) + '\n' + "    State: " + state_of(s) + '\n' +
         "    " + field("Interface", s.interface_name) + '\n' + "    Mode: Dedicated\n" + addresses_line(s) +
         names_line(s) + "    Tx speed: initial " + std::to_string(s.tx_speed) + '\n' + "    Rx speed: initial " +
         std::to_string(s.rx_speed) + '\n' + bearer_line(s) + "    LCP renegotiation: " + on_off(s.lcp_renegotiation) +
         ", Authentication: " + auth_name(s.auth_protocol) + '\n' +
         "    Call serial number: " + std::to_string(s.call_serial_number) + '\n' + ipv6_lines(s) + times_lines(s, q) +
         statistics_lines(s);
}

[[nodiscard]] std::string extensive_m_lns(const session_snapshot& s, const query_snapshot& q) {
  // No policer, firewall filter, interface-id or multilink in brasd: 0 / blank / N/A. The overhead
  // line is left out, as Junos leaves it out for a session without overhead (second sample).
  return m_head(s) + m_names_line(s) + "    Local MRU: " + std::to_string(s.mru) +
         ", Remote MRU: " + std::to_string(s.peer_mru) + ", Tx speed: " + std::to_string(s.tx_speed) +
         ", Rx speed: " + std::to_string(s.rx_speed) + '\n' + bearer_line(s) +
         "    LCP renegotiation: " + on_off(s.lcp_renegotiation) + ", Authentication: " + auth_name(s.auth_protocol) +
         ", Interface ID: N/A\n" + "    Interface unit: " + std::to_string(s.interface_unit) +
         ", Call serial number: " + std::to_string(s.call_serial_number) + '\n' +
         "    Policer bandwidth: 0, Policer burst size: 0\n" + "    " + field("Firewall filter", "") + '\n' +
         ipv6_lines(s) + times_lines(s, q) + statistics_lines(s);
}

[[nodiscard]] std::string extensive_lac(const session_snapshot& s, const query_snapshot& q) {
  // As the LAC samples: Tx and Rx speed on one line (no speed source in brasd), the QoS lines at
  // their "nothing configured" values, and no statistics table (use `statistics`, XML or JSON).
  return "  Session local ID: " + pad5(s.local_session_id) + ", Session remote ID: " + pad5(s.peer_session_id) + '\n' +
         "    Interface unit: " + std::to_string(s.interface_unit) + '\n' + "    State: " + state_of(s) +
         ", Mode: Dedicated\n" + addresses_line(s) + names_line(s) + "    Tx speed: " + std::to_string(s.tx_speed) +
         ", Rx speed: " + std::to_string(s.rx_speed) + '\n' + bearer_line(s) +
         "    LCP renegotiation: " + on_off(s.lcp_renegotiation) + ", Authentication: " + auth_name(s.auth_protocol) +
         ", Interface ID: N/A\n" + "    Interface unit: " + std::to_string(s.interface_unit) +
         ", Call serial number: " + std::to_string(s.call_serial_number) + '\n' +
         "    Policer bandwidth: 0, Policer burst size: 0\n" +
         "    Policer exclude bandwidth: 0, Firewall filter: 0\n" +
         "    Session encapsulation overhead: 0, Session cell overhead: 0\n" + times_lines(s, q);
}

[[nodiscard]] std::string extensive_block(style st, const session_snapshot& s, const query_snapshot& q) {
  switch (st) {
    case style::mx_lns: return extensive_mx_lns(s, q);
    case style::m_lns: return extensive_m_lns(s, q);
    case style::lac: return extensive_lac(s, q);
  }
  return {};
}

// ---- statistics: the MX sample, unindented, with its tab-separated table ----

[[nodiscard]] std::string statistics_block(const session_snapshot& s) {
  std::string out = "Session local ID: " + std::to_string(s.local_session_id) +
                    ", Session remote ID: " + std::to_string(s.peer_session_id) +
                    ", Interface unit: " + std::to_string(s.interface_unit) + '\n' + "State: " + state_of(s) + '\n' +
                    "Statistics since: " + junos_date(s.statistics_since) + '\n';
  append_tab_table(out,
                   {{"Data Tx", s.data_tx_packets, s.data_tx_bytes}, {"Data Rx", s.data_rx_packets, s.data_rx_bytes}});
  return out;
}

[[nodiscard]] std::string session_block(const command& c, style st, const session_snapshot& s,
                                        const query_snapshot& q) {
  if (c.statistics) return statistics_block(s);
  switch (c.detail) {
    case level::standard:
    case level::brief: return row(st, s);
    case level::detail: return detail_block(st, s);
    case level::extensive: return extensive_block(st, s, q);
  }
  return {};
}

}  // namespace

std::string render_sessions(const command& c, const query_snapshot& s, const render_options& o) {
  // Rows need no separator; per-session blocks are separated by a blank line, and so are the
  // groups (one per tunnel, or per tunnel and interface in the M Series layout).
  const bool rows = !c.statistics && (c.detail == level::standard || c.detail == level::brief);
  std::string out;
  for (const auto& report : s.tunnels) {
    std::string group;  // the group being built; empty until the tunnel's first session
    style current = style::mx_lns;
    std::string_view current_interface;
    for (const auto& session : report.sessions) {
      const style st = style_of(session, o);
      const bool same_group =
          !group.empty() && st == current && (st != style::m_lns || session.interface_name == current_interface);
      if (!same_group) {
        append_block(out, group);
        group = group_header(st, session);
        if (rows) group += column_header(st);
        current = st;
        current_interface = session.interface_name;
      } else if (!rows) {
        group += '\n';
      }
      group += session_block(c, st, session, s);
    }
    append_block(out, group);
  }
  return out;
}

}  // namespace bras::cli::text_detail
