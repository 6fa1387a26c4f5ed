// The text of `show services l2tp summary` and `show subscribers summary`, the
// dispatch of every text show view (sessions in text_session.cpp, tunnels and
// destinations in text_tunnel.cpp), the log levels, and the feedback lines of
// the clear commands. Junos published no sample output for these, so the
// layouts follow the field lists and Junos' habits (docs/cli.md, marked [R]).
#include <string>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli {
namespace {

using model::query_snapshot;
using model::summary_snapshot;
using namespace text_detail;
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
    append_traffic_table(out, m);
  }
  return out;
}

// ---- show subscribers summary ----

/// brasd's section (no Junos sample has one), only when a subscriber has IPv6: a v4-only
/// daemon prints the Junos layout unchanged.
[[nodiscard]] std::string address_families(const model::subscribers_snapshot& b) {
  if (b.dual_stack == 0 && b.ipv6_only == 0) return {};
  const auto line = [](std::string_view label, std::size_t n) {
    return n == 0 ? std::string() : "   " + std::string(label) + ": " + std::to_string(n) + '\n';
  };
  return "\nSubscribers by Address Family\n" + line("Dual-stack", b.dual_stack) + line("IPv6 only", b.ipv6_only) +
         "   Total: " + std::to_string(b.dual_stack + b.ipv6_only) + '\n';
}

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
         "   Total: " + std::to_string(by_type) + '\n' + address_families(b);
}

}  // namespace

std::string render_text(const command& c, const query_snapshot& s, const render_options& o) {
  std::string out;
  switch (c.target) {
    case object::session: out = text_detail::render_sessions(c, s, o); break;
    case object::tunnel: out = text_detail::render_tunnels(c, s); break;
    case object::summary: out = render_summary(c, s.summary); break;
    case object::destination: out = text_detail::render_destinations(c, s); break;
    case object::subscribers_summary: out = render_subscribers(s.subscribers); break;
    case object::log_level:  // not a snapshot view (render_log_levels)
    case object::aaa_statistics:
    case object::aaa_radius_servers:
    case object::aaa_accounting_spool: break;  // not a query snapshot view (render_text of an aaa_snapshot)
  }
  return out + text_detail::snapshot_warnings(s);
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
