// Immutable snapshots of tunnels, sessions, destinations and the daemon as a
// whole: what the query actor collects (each shard filters locally) and what
// the show-command renderers and the Prometheus export consume. Plain data,
// no CAF: cli/ and metrics/ consume these without including actors/.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/endpoint.hpp"

namespace bras::model {

using wall_time = std::chrono::system_clock::time_point;

/// One session's state and counters (counters since `statistics_since`).
struct session_snapshot {
  bool lac = false;  ///< the role of this end: LAC (subscriber side) or LNS (PPP terminated here)
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t local_session_id = 0;
  std::uint16_t peer_tunnel_id = 0;
  std::uint16_t peer_session_id = 0;
  udp_peer peer;                     ///< the peer gateway (the other end of the tunnel)
  udp_peer local;                    ///< our gateway address and port
  std::uint16_t gateway = 0;         ///< index of the local gateway
  std::string local_gateway_name;    ///< its configured name
  std::string tunnel_group;          ///< LNS: the tunnel group that accepted the tunnel; LAC: the destination's name
  std::string local_name;            ///< our Host Name (AVP 7)
  std::string remote_name;           ///< the peer's Host Name
  std::string interface_name;        ///< LNS: the tun device; LAC: "pp0"
  std::uint32_t interface_unit = 0;  ///< unique per session in this daemon (Junos-style: 1073741824 + n)
  std::string state;                 ///< RFC 2661 session state (l2tp::to_string(session_state)), e.g. "established"
  std::string ppp_phase;             ///< dead, establish, authenticate, network, terminate ("" on the LAC)
  std::string lcp_state, ipcp_state, ipv6cp_state;
  std::string user;
  std::string acct_session_id;                           ///< RADIUS Acct-Session-Id (LNS; empty without accounting ids)
  std::string nas_port_id;                               ///< RADIUS NAS-Port-Id the session was authenticated with
  std::optional<std::chrono::seconds> interim_interval;  ///< accounting Interim-Update interval; none: off
  std::uint32_t address = 0;                             ///< the subscriber's IPv4 address (host order); 0: none
  std::uint32_t local_address = 0;                       ///< our PPP (IPCP) address (host order); 0: none
  std::uint64_t ipv6_interface_id = 0;
  // IPv6 beyond IPv6CP (LNS; brasd additions, Junos has no field): text form, empty when none.
  std::string ipv6_prefix;       ///< the session's /64, advertised for SLAAC ("2001:db8:100:1::/64")
  std::string delegated_prefix;  ///< the prefix delegated by DHCPv6 ("2001:db8:8000:100::/56")
  bool delegated_bound = false;  ///< a DHCPv6 Reply granted it and no Release since (routed to the session)
  std::uint64_t ra_sent = 0, rs_received = 0, dhcpv6_received = 0, dhcpv6_sent = 0;
  // Data counters for IPv6 alone (included in data_*; RADIUS ERX-IPv6-Acct-* accounting).
  std::uint64_t data_rx_v6_packets = 0, data_rx_v6_bytes = 0, data_tx_v6_packets = 0, data_tx_v6_bytes = 0;
  std::uint16_t mru = 0;            ///< ours
  std::uint16_t peer_mru = 0;       ///< the subscriber's (the session's MTU)
  std::uint16_t auth_protocol = 0;  ///< 0xc023 PAP, 0xc223 CHAP, 0: none
  bool proxied_lcp = false;
  std::optional<bool> lcp_renegotiation;  ///< LNS: as configured; LAC: none (N/A)
  std::uint32_t call_serial_number = 0;
  std::uint32_t bearer_type = 0;   ///< RFC 2661 Bearer Type bits (1 digital, 2 analog)
  std::uint32_t framing_type = 0;  ///< RFC 2661 Framing Type bits (1 sync, 2 async)
  std::uint32_t tx_speed = 0;      ///< Tx Connect Speed (bps)
  std::uint32_t rx_speed = 0;      ///< Rx Connect Speed (bps); equal to tx_speed when the LAC sent none
  std::string calling_number, called_number;
  wall_time created;
  std::optional<wall_time> up_since;
  wall_time statistics_since;
  std::optional<std::chrono::seconds> idle;  ///< since the subscriber's last data packet (LNS); none: N/A
  // Control: PPP control frames in L2TP data messages.
  std::uint64_t control_rx_packets = 0, control_rx_bytes = 0, control_tx_packets = 0, control_tx_bytes = 0;
  // Data: IP packets.
  std::uint64_t data_rx_packets = 0, data_rx_bytes = 0, data_tx_packets = 0, data_tx_bytes = 0;
  std::uint64_t rx_errors = 0, tx_errors = 0, spoofed = 0, mss_clamped = 0, fragmented = 0, icmp_sent = 0;
  // LCP keepalive.
  std::uint64_t echo_requests_sent = 0, echo_requests_received = 0, echo_replies_sent = 0, echo_replies_received = 0,
                echo_timeouts = 0;
};

/// A tunnel, its own control-channel counters, and the sums of its sessions'
/// counters (sessions that do not answer in time are counted in
/// `sessions_missing` and left out of the sums).
struct tunnel_snapshot {
  bool lac = false;
  std::uint16_t local_tunnel_id = 0;
  std::uint16_t peer_tunnel_id = 0;
  udp_peer peer;
  udp_peer local;
  std::uint16_t gateway = 0;
  std::string local_gateway_name;
  std::string tunnel_group;  ///< LNS: the accepting tunnel group; LAC: the destination's name
  std::string local_name, remote_name;
  std::string state;           ///< RFC 2661 tunnel state (l2tp::to_string(tunnel_state)), e.g. "established"
  std::string interface_name;  ///< its sessions' interface (LNS: the tun device; LAC: "pp0")
  std::size_t sessions = 0;
  std::size_t sessions_missing = 0;
  unsigned max_sessions = 0;              ///< 0: unlimited
  std::uint16_t receive_window = 0;       ///< ours
  std::uint16_t peer_receive_window = 0;  ///< the peer's (our send window)
  std::chrono::seconds hello_interval{0};
  bool tunnel_authentication = false;  ///< Challenge/Response in use
  wall_time created;
  std::optional<wall_time> up_since;
  wall_time statistics_since;
  std::optional<std::chrono::seconds> idle;  ///< since the last session on it ended, while it has none
  // L2TP control messages of the tunnel itself (including ZLB acknowledgements).
  std::uint64_t tunnel_control_rx_packets = 0, tunnel_control_rx_bytes = 0, tunnel_control_tx_packets = 0,
                tunnel_control_tx_bytes = 0, retransmissions = 0;
  // Sums over the sessions.
  std::uint64_t control_rx_packets = 0, control_rx_bytes = 0, control_tx_packets = 0, control_tx_bytes = 0;
  std::uint64_t data_rx_packets = 0, data_rx_bytes = 0, data_tx_packets = 0, data_tx_bytes = 0;
  std::uint64_t rx_errors = 0, tx_errors = 0;
  void add(const session_snapshot& s) {
    control_rx_packets += s.control_rx_packets;
    control_rx_bytes += s.control_rx_bytes;
    control_tx_packets += s.control_tx_packets;
    control_tx_bytes += s.control_tx_bytes;
    data_rx_packets += s.data_rx_packets;
    data_rx_bytes += s.data_rx_bytes;
    data_tx_packets += s.data_tx_packets;
    data_tx_bytes += s.data_tx_bytes;
    rx_errors += s.rx_errors;
    tx_errors += s.tx_errors;
  }
};

/// A tunnel and the sessions of it that matched the query.
struct tunnel_report {
  tunnel_snapshot tunnel;
  std::vector<session_snapshot> sessions;  ///< sorted by local session ID
};

/// An L2TP destination: on the LAC a configured LNS, on the LNS a peer LAC
/// address with tunnels to us (Junos: "show services l2tp destination").
struct destination_snapshot {
  std::uint32_t index = 0;  ///< stable per daemon: configured order (LAC), then peers in address order
  bool lac = false;         ///< an LNS we dial (LAC role) or a LAC that dials us (LNS role)
  std::string name;         ///< LAC: configured name; LNS: the peer's Host Name
  udp_peer local;           ///< our gateway
  udp_peer peer;
  std::string local_gateway_name;
  std::string transport = "ipUdp";
  std::string state;  ///< "Enabled" or "Locked out"
  std::optional<std::chrono::seconds> lockout_remaining;
  unsigned preference = 0, weight = 0;
  std::size_t tunnels_total = 0, tunnels_active = 0, sessions_total = 0, sessions_active = 0;
  std::uint64_t control_rx_packets = 0, control_rx_bytes = 0, control_tx_packets = 0, control_tx_bytes = 0;
  std::uint64_t data_rx_packets = 0, data_rx_bytes = 0, data_tx_packets = 0, data_tx_bytes = 0;
  std::uint64_t rx_errors = 0, tx_errors = 0;
};

/// Daemon-wide settings and counters for "show services l2tp summary".
struct summary_snapshot {
  bool admin_enabled = true;  ///< false while draining (shutdown)
  bool failover_within_preference = false;
  bool weighted_load_balancing = true;
  bool tunnel_authentication_challenge = false;  ///< any tunnel group or destination has a secret
  std::size_t destinations = 0, tunnels = 0, sessions = 0, switched_sessions = 0;
  unsigned retransmit_count = 0;
  std::chrono::milliseconds retransmit_initial{0}, retransmit_max{0};
  std::chrono::seconds destination_lockout{0};
  std::uint16_t receive_window = 0;
  std::uint64_t control_rx_packets = 0, control_rx_bytes = 0, control_tx_packets = 0, control_tx_bytes = 0;
  std::uint64_t data_rx_packets = 0, data_rx_bytes = 0, data_tx_packets = 0, data_tx_bytes = 0;
  std::uint64_t rx_errors = 0, tx_errors = 0;
};

/// Subscriber counts for "show subscribers summary".
struct subscribers_snapshot {
  std::size_t init = 0, configured = 0, active = 0, terminating = 0;  ///< by state (LNS PPP phase / LAC call)
  std::size_t l2tp_lns = 0;                                           ///< PPP terminated here (Junos client type L2TP)
  std::size_t l2tp_lac = 0;  ///< tunnelled subscribers (Junos counts them as PPPoE)
  /// By address family (LNS; brasd): an IPv4 address and an IPv6 prefix, or a prefix alone.
  std::size_t dual_stack = 0, ipv6_only = 0;
};

}  // namespace bras::model
