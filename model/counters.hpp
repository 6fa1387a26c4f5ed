// The instance-wide counters: relaxed atomics the hot paths increment in
// place, read by the Prometheus export and the tests. Plain data, no CAF.
//
// BRAS_MODEL_COUNTERS is the one list of them: each line is one member of
// `counters` and one series of the Prometheus family it names
// (metrics/families.cpp renders the list in order; consecutive lines with the
// same family are the series of one family, told apart by their label).
//   COUNTER(member, "family", "help", "label", "label value"): std::uint64_t, only grows
//   GAUGE(member, "family", "help", "label", "label value"): std::int64_t, up and down
//   FAMILIES(slot): where metrics/families.cpp renders families from other
//     inputs (build info, the disconnect causes array, pools, sessions, shards).
// An empty label means a series without labels.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace bras::model {

// clang-format off
#define BRAS_MODEL_COUNTERS(COUNTER, GAUGE, FAMILIES) \
  FAMILIES(build_info) \
  /* L2TP control plane (RFC 3371 vocabulary: control connections are tunnels, calls are sessions) */ \
  GAUGE(tunnels_active, "brasd_l2tp_tunnels", "L2TP tunnels that exist now (being set up, established or closing)", "", "") \
  GAUGE(tunnels_in_setup, "brasd_l2tp_tunnels_in_setup", "LNS tunnels between their SCCRQ and their SCCCN (or their end) now", "", "") \
  COUNTER(tunnels_established, "brasd_l2tp_tunnel_setups_total", "L2TP tunnel set-ups by result", "result", "established") \
  COUNTER(tunnels_refused, "brasd_l2tp_tunnel_setups_total", "L2TP tunnel set-ups by result", "result", "refused") \
  COUNTER(tunnel_auth_failures, "brasd_l2tp_tunnel_setups_total", "L2TP tunnel set-ups by result", "result", "auth-failed") \
  COUNTER(tunnels_created, "brasd_l2tp_tunnels_created_total", "L2TP tunnel actors created (either direction)", "", "") \
  COUNTER(tunnels_destroyed, "brasd_l2tp_tunnels_destroyed_total", "L2TP tunnels ended, for any reason", "", "") \
  COUNTER(tunnels_failed, "brasd_l2tp_tunnel_failures_total", "L2TP tunnels lost to the transport (retransmissions exhausted, HELLO unanswered)", "", "") \
  GAUGE(sessions_active, "brasd_l2tp_sessions", "L2TP sessions that exist now", "", "") \
  COUNTER(sessions_established, "brasd_l2tp_session_setups_total", "L2TP session set-ups by result", "result", "established") \
  COUNTER(sessions_refused, "brasd_l2tp_session_setups_total", "L2TP session set-ups by result", "result", "refused") \
  COUNTER(calls_iccn_timeout, "brasd_l2tp_session_setups_total", "L2TP session set-ups by result", "result", "iccn-timeout") \
  COUNTER(sessions_created, "brasd_l2tp_sessions_created_total", "L2TP session actors created", "", "") \
  COUNTER(sessions_destroyed, "brasd_l2tp_sessions_destroyed_total", "L2TP sessions ended, for any reason", "", "") \
  GAUGE(sessions_in_setup, "brasd_l2tp_sessions_in_setup", "LNS sessions between their ICRQ and their first network protocol opening (or their end)", "", "") \
  GAUGE(calls_waiting, "brasd_l2tp_calls_waiting", "ICRQs acknowledged and waiting for a set-up place now (no session yet)", "", "") \
  COUNTER(calls_deferred, "brasd_l2tp_calls_deferred_total", "ICRQs deferred because max-sessions-in-setup sessions were in set-up", "", "") \
  COUNTER(calls_refused_queue, "brasd_l2tp_calls_refused_total", "incoming calls refused with a CDN, by reason", "reason", "setup-queue-full") \
  COUNTER(calls_refused_limit, "brasd_l2tp_calls_refused_total", "incoming calls refused with a CDN, by reason", "reason", "max-sessions") \
  COUNTER(calls_refused_no_id, "brasd_l2tp_calls_refused_total", "incoming calls refused with a CDN, by reason", "reason", "no-session-id") \
  COUNTER(calls_deferred_dropped, "brasd_l2tp_deferred_calls_dropped_total", "deferred ICRQs dropped unanswered: the LAC cleared them (CDN) or the tunnel ended first", "", "") \
  COUNTER(control_retransmissions, "brasd_l2tp_control_retransmissions_total", "control messages sent again after an acknowledgement timeout", "", "") \
  COUNTER(control_rx_duplicates, "brasd_l2tp_control_duplicates_total", "control messages received again after delivery (the peer retransmitted)", "", "") \
  COUNTER(rx_datagrams, "brasd_l2tp_received_datagrams_total", "UDP datagrams received on the local gateways", "", "") \
  COUNTER(rx_malformed, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "malformed") \
  COUNTER(rx_unknown_tunnel, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "unknown-tunnel") \
  COUNTER(rx_unknown_session, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "unknown-session") \
  COUNTER(rx_wrong_peer, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "wrong-peer") \
  COUNTER(rx_shed, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "shed-for-control") \
  COUNTER(rx_unknown_client, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "unknown-client") \
  COUNTER(rx_setup_rate, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "setup-rate") \
  COUNTER(rx_setup_rate_source, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "setup-rate-per-source") \
  COUNTER(rx_tunnels_in_setup, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "tunnels-in-setup") \
  COUNTER(rx_tunnels_in_setup_source, "brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", "reason", "tunnels-in-setup-per-source") \
  COUNTER(rx_kernel_dropped_control, "brasd_l2tp_socket_dropped_datagrams_total", "datagrams the kernel dropped on a full gateway socket receive buffer (SO_RXQ_OVFL), by socket", "socket", "control") \
  COUNTER(rx_kernel_dropped_data, "brasd_l2tp_socket_dropped_datagrams_total", "datagrams the kernel dropped on a full gateway socket receive buffer (SO_RXQ_OVFL), by socket", "socket", "data") \
  GAUGE(rx_steered_gateways, "brasd_l2tp_steered_gateways", "local gateways whose control messages have a socket of their own, read before data", "", "") \
  COUNTER(tx_failures, "brasd_l2tp_send_failures_total", "datagrams the kernel did not take", "", "") \
  COUNTER(fsm_protocol_errors, "brasd_l2tp_fsm_errors_total", "events the RFC 2661 state tables do not allow in the current state", "", "") \
  /* PPP and AAA */ \
  GAUGE(ppp_active, "brasd_ppp_sessions", "sessions with a network protocol (IPCP or IPv6CP) open now", "", "") \
  COUNTER(ppp_up, "brasd_ppp_sessions_up_total", "sessions whose first network protocol opened", "", "") \
  COUNTER(ppp_setup_timeouts, "brasd_ppp_setup_timeouts_total", "PPP restart and authentication timer expiries before a session's first network protocol opened (requests sent again)", "", "") \
  FAMILIES(disconnect_causes) \
  COUNTER(ppp_malformed, "brasd_ppp_malformed_frames_total", "undecodable PPP control frames (dropped)", "", "") \
  COUNTER(ppp_rate_limited, "brasd_ppp_rate_limited_frames_total", "PPP control frames (and IPv6 RS/DHCPv6 to the LNS) over ppp.control-frame-rate for their session (dropped unread)", "", "") \
  COUNTER(auth_accepts, "brasd_aaa_authentications_total", "authentication verdicts", "result", "accept") \
  COUNTER(auth_rejects, "brasd_aaa_authentications_total", "authentication verdicts", "result", "reject") \
  COUNTER(auth_backoff_refusals, "brasd_aaa_authentications_total", "authentication verdicts", "result", "backoff") \
  COUNTER(aaa_timeouts, "brasd_aaa_authentications_total", "authentication verdicts", "result", "timeout") \
  COUNTER(aaa_radius_unavailable, "brasd_aaa_authentications_total", "authentication verdicts", "result", "unavailable") \
  FAMILIES(address_pools) \
  COUNTER(pool_exhausted, "brasd_address_pool_exhausted_total", "address requests a pool could not serve", "", "") \
  COUNTER(prefix_pool_exhausted, "brasd_prefix_pool_exhausted_total", "IPv6 prefix requests a pool could not serve, by kind", "kind", "ipv6-prefix") \
  COUNTER(delegated_pool_exhausted, "brasd_prefix_pool_exhausted_total", "IPv6 prefix requests a pool could not serve, by kind", "kind", "delegated-prefix") \
  /* IPv6 on the subscribers' links: Neighbor Discovery and DHCPv6 (LNS) */ \
  COUNTER(nd_rs_received, "brasd_ipv6_router_solicitations_total", "Router Solicitations received from subscribers", "", "") \
  COUNTER(nd_ra_solicited, "brasd_ipv6_router_advertisements_total", "Router Advertisements sent, by kind", "kind", "solicited") \
  COUNTER(nd_ra_unsolicited, "brasd_ipv6_router_advertisements_total", "Router Advertisements sent, by kind", "kind", "unsolicited") \
  COUNTER(nd_echo_replies, "brasd_ipv6_echo_replies_total", "ICMPv6 Echo Requests to our link-local address answered", "", "") \
  COUNTER(ipv6_local_malformed, "brasd_ipv6_link_dropped_total", "link-local packets from subscribers dropped, by reason", "reason", "malformed") \
  COUNTER(ipv6_local_rate_limited, "brasd_ipv6_link_dropped_total", "link-local packets from subscribers dropped, by reason", "reason", "rate-limited") \
  COUNTER(ipv6_local_unhandled, "brasd_ipv6_link_dropped_total", "link-local packets from subscribers dropped, by reason", "reason", "not-for-router") \
  COUNTER(dhcpv6_rx_solicit, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "solicit") \
  COUNTER(dhcpv6_rx_request, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "request") \
  COUNTER(dhcpv6_rx_renew, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "renew") \
  COUNTER(dhcpv6_rx_rebind, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "rebind") \
  COUNTER(dhcpv6_rx_release, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "release") \
  COUNTER(dhcpv6_rx_decline, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "decline") \
  COUNTER(dhcpv6_rx_confirm, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "confirm") \
  COUNTER(dhcpv6_rx_information_request, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "information-request") \
  COUNTER(dhcpv6_rx_other, "brasd_dhcpv6_received_total", "DHCPv6 messages received from subscribers, by type", "type", "other") \
  COUNTER(dhcpv6_tx_advertise, "brasd_dhcpv6_sent_total", "DHCPv6 messages sent to subscribers, by type", "type", "advertise") \
  COUNTER(dhcpv6_tx_reply, "brasd_dhcpv6_sent_total", "DHCPv6 messages sent to subscribers, by type", "type", "reply") \
  COUNTER(dhcpv6_drop_malformed, "brasd_dhcpv6_dropped_total", "DHCPv6 messages dropped, by reason", "reason", "malformed") \
  COUNTER(dhcpv6_drop_invalid, "brasd_dhcpv6_dropped_total", "DHCPv6 messages dropped, by reason", "reason", "invalid") \
  COUNTER(dhcpv6_drop_not_for_us, "brasd_dhcpv6_dropped_total", "DHCPv6 messages dropped, by reason", "reason", "not-for-us") \
  GAUGE(dhcpv6_bound, "brasd_dhcpv6_delegated_prefixes", "delegated prefixes bound now (granted by a DHCPv6 Reply, not released)", "", "") \
  /* Data plane (aggregates; the per-session counters live in data_session) */ \
  COUNTER(data_rx_packets, "brasd_data_packets_total", "subscriber IP packets forwarded, by direction", "direction", "from-subscriber") \
  COUNTER(data_tx_packets, "brasd_data_packets_total", "subscriber IP packets forwarded, by direction", "direction", "to-subscriber") \
  COUNTER(data_rx_bytes, "brasd_data_bytes_total", "subscriber IP bytes forwarded, by direction", "direction", "from-subscriber") \
  COUNTER(data_tx_bytes, "brasd_data_bytes_total", "subscriber IP bytes forwarded, by direction", "direction", "to-subscriber") \
  COUNTER(data_rx_unknown_session, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "unknown-session") \
  COUNTER(data_rx_spoofed, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "spoofed-source") \
  COUNTER(data_rx_spoofed_v6, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "spoofed-source-ipv6") \
  COUNTER(data_rx_link_local, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "link-local-source") \
  COUNTER(data_rx_not_up, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "ncp-not-open") \
  COUNTER(data_rx_malformed, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "malformed") \
  COUNTER(data_tun_no_route, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "no-session-for-destination") \
  COUNTER(data_tun_write_errors, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "tun-write") \
  COUNTER(data_tx_errors, "brasd_data_dropped_packets_total", "data packets dropped, by reason", "reason", "send") \
  COUNTER(data_mss_clamped, "brasd_data_mss_clamped_total", "TCP SYNs whose MSS was lowered", "", "") \
  COUNTER(data_fragmented, "brasd_data_fragmented_total", "IPv4 packets fragmented to the subscriber's MTU", "", "") \
  COUNTER(data_icmp_sent, "brasd_data_icmp_too_big_total", "ICMP fragmentation-needed / ICMPv6 packet-too-big sent", "", "") \
  /* PPPoE access (LAC) */ \
  GAUGE(pppoe_sessions, "brasd_pppoe_sessions", "PPPoE sessions that exist now (PADS sent, not yet ended)", "", "") \
  GAUGE(pppoe_starting, "brasd_pppoe_sessions_starting", "PPPoE sessions between PADS and their call being up", "", "") \
  COUNTER(pppoe_rx_padi, "brasd_pppoe_discovery_received_total", "PPPoE discovery packets received, by code", "code", "PADI") \
  COUNTER(pppoe_rx_padr, "brasd_pppoe_discovery_received_total", "PPPoE discovery packets received, by code", "code", "PADR") \
  COUNTER(pppoe_rx_padt, "brasd_pppoe_discovery_received_total", "PPPoE discovery packets received, by code", "code", "PADT") \
  COUNTER(pppoe_rx_other, "brasd_pppoe_discovery_received_total", "PPPoE discovery packets received, by code", "code", "other") \
  COUNTER(pppoe_tx_pado, "brasd_pppoe_discovery_sent_total", "PPPoE discovery packets sent, by code", "code", "PADO") \
  COUNTER(pppoe_tx_pads, "brasd_pppoe_discovery_sent_total", "PPPoE discovery packets sent, by code", "code", "PADS") \
  COUNTER(pppoe_tx_padt, "brasd_pppoe_discovery_sent_total", "PPPoE discovery packets sent, by code", "code", "PADT") \
  COUNTER(pppoe_refused_service, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "service-name") \
  COUNTER(pppoe_refused_cookie, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "bad-cookie") \
  COUNTER(pppoe_refused_padi_rate, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "padi-rate") \
  COUNTER(pppoe_refused_mac_rate, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "padi-rate-per-mac") \
  COUNTER(pppoe_refused_max_sessions, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "max-sessions") \
  COUNTER(pppoe_refused_mac_sessions, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "max-sessions-per-mac") \
  COUNTER(pppoe_refused_vlan_sessions, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "max-sessions-per-vlan") \
  COUNTER(pppoe_refused_starting, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "max-starting") \
  COUNTER(pppoe_refused_no_tunnel, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "no-tunnel") \
  COUNTER(pppoe_refused_auth, "brasd_pppoe_refusals_total", "PADI/PADR refused, by reason", "reason", "auth-failed") \
  COUNTER(pppoe_drop_malformed, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "malformed") \
  COUNTER(pppoe_drop_vlan, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "vlan-not-configured") \
  COUNTER(pppoe_drop_unknown_session, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "unknown-session") \
  COUNTER(pppoe_drop_wrong_mac, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "wrong-mac") \
  COUNTER(pppoe_drop_not_for_us, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "not-for-us") \
  COUNTER(pppoe_drop_unexpected, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "unexpected-code") \
  COUNTER(pppoe_drop_overload, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "overload") \
  COUNTER(pppoe_tx_errors, "brasd_pppoe_dropped_frames_total", "PPPoE frames dropped, by reason", "reason", "send") \
  COUNTER(pppoe_echo_answered, "brasd_pppoe_lcp_echo_answered_total", "LCP Echo-Requests from subscribers the LAC answered itself", "", "") \
  COUNTER(pppoe_dead_subscribers, "brasd_pppoe_dead_subscribers_total", "PPPoE sessions ended because the subscriber stopped answering", "", "") \
  /* The random generator failed: what was refused instead of weakened (a constant challenge, vector, secret or cookie) */ \
  COUNTER(random_failures_l2tp, "brasd_random_failures_total", "Refusals because the random generator failed, by what needed it", "what", "l2tp") \
  COUNTER(random_failures_ppp, "brasd_random_failures_total", "Refusals because the random generator failed, by what needed it", "what", "ppp") \
  COUNTER(random_failures_pppoe, "brasd_random_failures_total", "Refusals because the random generator failed, by what needed it", "what", "pppoe") \
  FAMILIES(sessions_shards_process)
// clang-format on

/// Instance-wide counters, read by metrics and tests: one member per line of BRAS_MODEL_COUNTERS.
struct counters {
#define BRAS_MODEL_COUNTER_MEMBER(member, ...) std::atomic<std::uint64_t> member{0};
#define BRAS_MODEL_GAUGE_MEMBER(member, ...) std::atomic<std::int64_t> member{0};
#define BRAS_MODEL_NO_MEMBER(slot)
  BRAS_MODEL_COUNTERS(BRAS_MODEL_COUNTER_MEMBER, BRAS_MODEL_GAUGE_MEMBER, BRAS_MODEL_NO_MEMBER)
#undef BRAS_MODEL_COUNTER_MEMBER
#undef BRAS_MODEL_GAUGE_MEMBER
#undef BRAS_MODEL_NO_MEMBER
  /// Sessions ended, by RFC 3145 cause (index = code, 0-20; the last slot counts anything larger).
  /// Rendered at FAMILIES(disconnect_causes) as brasd_ppp_disconnects_total{cause,reason}.
  std::array<std::atomic<std::uint64_t>, 22> disconnect_causes{};
};

/// The FAMILIES(...) slots of BRAS_MODEL_COUNTERS (metrics/families.cpp fills each).
enum class counter_slot { none, build_info, disconnect_causes, address_pools, sessions_shards_process };

/// One line of BRAS_MODEL_COUNTERS as data, for the exporters.
struct counter_row {
  enum class kind { counter, gauge, families };
  kind row_kind;
  std::string_view member;  ///< for a `families` row, the slot name
  std::string_view family;
  std::string_view help;
  std::string_view label;
  std::string_view label_value;
  double (*read)(const counters&);  ///< nullptr for a `families` row
  counter_slot slot = counter_slot::none;
};

// clang-format off
/// BRAS_MODEL_COUNTERS in order.
inline constexpr counter_row counter_rows[] = {
#define BRAS_MODEL_COUNTER_ROW(member, family, help, label, value) \
  {counter_row::kind::counter, #member, family, help, label, value, \
   [](const counters& c) { return static_cast<double>(c.member.load(std::memory_order_relaxed)); }, \
   counter_slot::none},
#define BRAS_MODEL_GAUGE_ROW(member, family, help, label, value) \
  {counter_row::kind::gauge, #member, family, help, label, value, \
   [](const counters& c) { return static_cast<double>(c.member.load(std::memory_order_relaxed)); }, \
   counter_slot::none},
#define BRAS_MODEL_FAMILIES_ROW(slot) {counter_row::kind::families, #slot, {}, {}, {}, {}, nullptr, counter_slot::slot},
    BRAS_MODEL_COUNTERS(BRAS_MODEL_COUNTER_ROW, BRAS_MODEL_GAUGE_ROW, BRAS_MODEL_FAMILIES_ROW)
#undef BRAS_MODEL_COUNTER_ROW
#undef BRAS_MODEL_GAUGE_ROW
#undef BRAS_MODEL_FAMILIES_ROW
};
// clang-format on

/// A family's lines are adjacent and agree on kind and help (one family is one
/// type and one help text).
constexpr bool counter_families_agree() {
  for (std::size_t i = 1; i < std::size(counter_rows); ++i) {
    const auto& row = counter_rows[i];
    if (row.row_kind == counter_row::kind::families) continue;
    const auto& previous = counter_rows[i - 1];
    if (previous.family == row.family) {
      if (previous.row_kind != row.row_kind || previous.help != row.help) return false;
      continue;
    }
    for (std::size_t j = 0; j + 1 < i; ++j) {
      if (counter_rows[j].family == row.family) return false;
    }
  }
  return true;
}
static_assert(counter_families_agree(), "BRAS_MODEL_COUNTERS: a family's lines are apart or differ in kind or help");

}  // namespace bras::model
