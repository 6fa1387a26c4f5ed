// `| display xml` and `| display json`: the element tree of each show view
// (docs/cli-structured.md lists every element); structured_serialize.cpp
// writes it out.
#include "cli/structured.hpp"

#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace bras::cli {
namespace {

using model::destination_snapshot;
using model::query_snapshot;
using model::session_snapshot;
using model::tunnel_report;
using model::tunnel_snapshot;
using model::wall_time;

constexpr std::string_view hex_digits = "0123456789abcdef";

// ---- values ----

std::string num(std::uint64_t v) {
  return std::to_string(v);
}

std::string ipv4(std::uint32_t a) {
  return num(a >> 24) + "." + num((a >> 16) & 0xffu) + "." + num((a >> 8) & 0xffu) + "." + num(a & 0xffu);
}

std::string two_digits(std::int64_t v) {
  return (v < 10 ? "0" : "") + std::to_string(v);
}

std::int64_t epoch_seconds(wall_time t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// Junos puts absolute times in XML as "YYYY-MM-DD HH:MM:SS UTC" (in UTC so
/// output does not depend on the daemon's time zone).
std::string format_date(wall_time t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  char buffer[40];
  if (gmtime_r(&tt, &utc) == nullptr || std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &utc) == 0) {
    return std::to_string(epoch_seconds(t));
  }
  return buffer;
}

/// Elapsed times as HH:MM:SS like the text views; hours are not wrapped.
std::string format_duration(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;  // a clock step back must not print garbage
  return two_digits(seconds / 3600) + ":" + two_digits(seconds / 60 % 60) + ":" + two_digits(seconds % 60);
}

std::string on_off(bool b) {
  return b ? "On" : "Off";
}
std::string enabled(bool b) {
  return b ? "Enabled" : "Disabled";
}

std::string authentication(std::uint16_t protocol) {
  switch (protocol) {
    case 0: return "None";
    case 0xc023: return "PAP";
    case 0xc223: return "CHAP";
    default: break;
  }
  std::string out = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) out += hex_digits[(protocol >> shift) & 0xfu];
  return out;
}

/// The 64-bit IPv6CP interface identifier in the usual four-group form.
std::string interface_id(std::uint64_t id) {
  std::string out;
  for (int group = 3; group >= 0; --group) {
    const auto bits = static_cast<unsigned>((id >> (group * 16)) & 0xffffu);
    std::string part;
    for (int shift = 12; shift >= 0; shift -= 4) part += hex_digits[(bits >> shift) & 0xfu];
    const auto first = part.find_first_not_of('0');
    out += first == std::string::npos ? "0" : part.substr(first);
    if (group != 0) out += ':';
  }
  return out;
}

// ---- tree helpers ----

void add_if(xml_node& parent, std::string name, const std::string& value) {
  if (!value.empty()) parent.add(std::move(name), value);
}

void add_date(xml_node& parent, std::string name, wall_time t) {
  parent.add(std::move(name), format_date(t)).attributes.emplace_back("junos:seconds", num(epoch_seconds(t)));
}

void add_duration(xml_node& parent, std::string name, std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  parent.add(std::move(name), format_duration(seconds)).attributes.emplace_back("junos:seconds", num(seconds));
}

std::int64_t since(wall_time now, wall_time then) {
  return std::chrono::duration_cast<std::chrono::seconds>(now - then).count();
}

/// The view a command asks for: `statistics` overrides the level, and the
/// level with no keyword shows the brief rows (as on Junos).
enum class view : std::uint8_t { brief, detail, extensive, statistics };

view view_of(const command& c) {
  if (c.statistics) return view::statistics;
  switch (c.detail) {
    case level::standard:
    case level::brief: return view::brief;
    case level::detail: return view::detail;
    case level::extensive: return view::extensive;
  }
  return view::brief;
}

/// Junos marks the reply root with the output style it was rendered in.
std::string style_of(const command& c) {
  if (c.statistics) return "statistics";
  switch (c.detail) {
    case level::standard: return "normal";
    case level::brief: return "brief";
    case level::detail: return "detail";
    case level::extensive: return "extensive";
  }
  return "normal";
}

/// The packet/byte table every object's statistics share (the Junos
/// "Control / Data / Errors × Tx / Rx" block).
template <class T>
void add_traffic_counters(xml_node& row, const T& x) {
  row.add("control-tx-packets", num(x.control_tx_packets));
  row.add("control-tx-bytes", num(x.control_tx_bytes));
  row.add("control-rx-packets", num(x.control_rx_packets));
  row.add("control-rx-bytes", num(x.control_rx_bytes));
  row.add("data-tx-packets", num(x.data_tx_packets));
  row.add("data-tx-bytes", num(x.data_tx_bytes));
  row.add("data-rx-packets", num(x.data_rx_packets));
  row.add("data-rx-bytes", num(x.data_rx_bytes));
  row.add("error-tx-packets", num(x.tx_errors));
  row.add("error-rx-packets", num(x.rx_errors));
}

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
  row.add("local-gateway", ipv4(s.local.address));
  row.add("local-gateway-port", num(s.local.port));
  add_if(row, "local-gateway-name", s.local_gateway_name);
  row.add("peer-gateway", ipv4(s.peer.address));
  row.add("peer-gateway-port", num(s.peer.port));
  if (v == view::extensive) add_session_extensive(row, s, now);
}

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
}

std::string root_name(object target) {
  switch (target) {
    case object::session: return "service-l2tp-session-information";
    case object::tunnel: return "service-l2tp-tunnel-information";
    case object::summary: return "service-l2tp-summary-information";
    case object::destination: return "service-l2tp-destination-information";
    case object::subscribers_summary: return "subscribers-summary-information";
    case object::log_level: return "log-level-information";  // answered by brasd itself, not from a snapshot
  }
  return "service-l2tp-session-information";
}

xml_node build_root(const command& c, const query_snapshot& s, const render_options& o) {
  xml_node root{root_name(c.target), {}, {}, {}};
  const std::string module = c.target == object::subscribers_summary ? "junos-subscribers" : "junos-l2tp";
  root.attributes.emplace_back("xmlns", "http://xml.juniper.net/junos/" + o.junos_release + "/" + module);
  const view v = view_of(c);
  switch (c.target) {
    case object::session:
      root.attributes.emplace_back("junos:style", style_of(c));
      for (const tunnel_report& r : s.tunnels) {
        // A tunnel whose sessions all failed the filter has nothing to show here.
        if (!r.sessions.empty()) add_session_group(root, r, v, s.taken_at);
      }
      break;
    case object::tunnel:
      root.attributes.emplace_back("junos:style", style_of(c));
      for (const tunnel_report& r : s.tunnels) add_tunnel(root, r.tunnel, v, s.taken_at);
      break;
    case object::destination:
      root.attributes.emplace_back("junos:style", style_of(c));
      for (const destination_snapshot& d : s.destinations) add_destination(root, d, v);
      break;
    case object::summary:
      if (c.statistics) root.attributes.emplace_back("junos:style", "statistics");
      add_summary(root, s.summary, c.statistics);
      break;
    case object::subscribers_summary: add_subscribers(root, s.subscribers); break;
    case object::log_level: break;  // not a snapshot view (render_log_levels)
  }
  return root;
}

}  // namespace

std::string junos_session_state(bool lac, std::string_view rfc_state) {
  if (rfc_state == "established") return "Established";
  if (rfc_state == "destroyed") return "destroyed";
  // The incoming-call states: Junos names the LNS side "lns-ic-*"; the LAC
  // side (never shown by Junos, which lists only Established there) follows
  // the same pattern as "lac-ic-*".
  if (rfc_state == "idle" || rfc_state.starts_with("wait-")) {
    return std::string(lac ? "lac-ic-" : "lns-ic-") + std::string(rfc_state);
  }
  return std::string(rfc_state);  // unknown to us: show what the FSM said
}

std::string junos_tunnel_state(bool lac, std::string_view rfc_state) {
  if (rfc_state == "established") return "Established";
  if (rfc_state == "destroyed") return "destroyed";
  // StopCCN sent or received, state held for a retransmission cycle: "closed",
  // the spelling the text views use too.
  if (rfc_state == "closing") return "closed";
  // The LAC initiates the control connection, the LNS responds (JNX-L2TP-MIB
  // names the responder states; the initiator ones mirror them).
  if (rfc_state == "idle" || rfc_state.starts_with("wait-")) {
    return std::string(lac ? "cc-initiator-" : "cc-responder-") + std::string(rfc_state);
  }
  return std::string(rfc_state);
}

xml_node build_reply(const command& c, const query_snapshot& s, const render_options& o) {
  xml_node reply{"rpc-reply", {}, {{"xmlns:junos", "http://xml.juniper.net/junos/" + o.junos_release + "/junos"}}, {}};
  if (s.shards_missing != 0 || s.tunnels_missing != 0) {
    // Junos reports a partial answer as an xnm:warning beside the data.
    constexpr std::string_view xnm = "http://xml.juniper.net/xnm/1.1/xnm";
    xml_node& warning = reply.add("xnm:warning");
    warning.attributes = {{"xmlns", std::string(xnm)}, {"xmlns:xnm", std::string(xnm)}};
    warning.add("message", std::to_string(s.shards_missing) + " shard(s) and " + std::to_string(s.tunnels_missing) +
                               " tunnel(s) did not answer in time; the output is incomplete");
  }
  reply.children.push_back(build_root(c, s, o));
  reply.add("cli").add("banner");
  return reply;
}

std::string render_xml(const command& c, const query_snapshot& s, const render_options& o) {
  return to_xml(build_reply(c, s, o));
}

std::string render_json(const command& c, const query_snapshot& s, const render_options& o) {
  // Junos' JSON carries the reply's content, not the <rpc-reply> envelope or
  // the CLI banner.
  xml_node reply = build_reply(c, s, o);
  std::vector<xml_node> content;
  for (xml_node& child : reply.children) {
    if (child.name != "cli") content.push_back(std::move(child));
  }
  return to_json(content);
}

}  // namespace bras::cli
