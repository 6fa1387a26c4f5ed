// The one list of scalar configuration settings: key path, type, default,
// range or allowed values, help. It drives the parsing and range checks
// (config.cpp), the --check-config reasons (yaml_walker's wording), the keys
// each section accepts, and a unit test that holds configs/brasd.yaml (what
// --print-default-config prints) to the table, so the two cannot drift.
// The scalar keys of list entries (gateways, tunnel groups, their clients,
// destinations, tunnel profiles, subscribers, PPPoE interfaces, their VLANs,
// PADO delay steps) are tables too, one per entry type, whose
// section names the list ("l2tp.destinations[]"); the entries' addresses,
// prefixes, lists, unique names and cross-key checks stay in config.cpp.
//
//   INTEGER(section, key, member, default, min, max, help)
//   DURATION(section, key, member, default, min, max, help): the key's unit (-ms or seconds)
//     (an std::optional member stays empty when the key is absent: default "")
//   FLAG(section, key, member, default, help)
//   TEXT(section, key, member, default, help)
//   CHOICE(section, key, member, default, "a|b|c", reason, help): `reason` refuses
//     another value, "{}" in it stands for the value; an enum member takes the
//     index of the choice (its enumerators in the same order).
// `member` is the path in `settings` (or in the entry); `default` is the value an absent key
// leaves (the struct's initializer, as YAML text).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "configs/config.hpp"

namespace YAML {
class Node;
}

namespace bras::config {

class yaml_walker;

// clang-format off
#define BRAS_CONFIG_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  INTEGER("runtime", "threads", threads, "2", 1, 256, "CAF scheduler worker threads") \
  INTEGER("runtime", "shards", shards, "2", 1, 64, "tunnels and sessions are spread over shards; IDs embed their shard") \
  CHOICE("runtime", "scheduler", scheduler, "sharing", "sharing|stealing", "unknown scheduler {} (sharing, stealing)", "CAF scheduler policy: one shared queue, or a queue per worker with stealing") \
  INTEGER("runtime", "max-throughput", max_throughput, "0", 0, 1000000, "messages an actor handles before its worker moves on; 0: unlimited") \
  CHOICE("log", "level", log_level, "info", "trace|debug|info|warn|error|critical|off", "unknown level {}", "every component's log level") \
  TEXT("l2tp", "host-name", l2tp.host_name, "brasd", "our Host Name AVP") \
  DURATION("l2tp", "retransmit-initial-ms", l2tp.retransmit_initial, "1000", 50, 60000, "first retransmission timeout") \
  DURATION("l2tp", "retransmit-max-ms", l2tp.retransmit_max, "8000", 50, 600000, "retransmission timeout cap") \
  INTEGER("l2tp", "retransmit-count", l2tp.retransmit_count, "5", 1, 100, "retransmissions before the tunnel is lost") \
  DURATION("l2tp", "ack-delay-ms", l2tp.ack_delay, "50", 0, 10000, "wait this long for a message to carry an ack before sending a ZLB") \
  INTEGER("l2tp", "max-tunnels", l2tp.max_tunnels, "0", 0, 65535, "0: unlimited") \
  INTEGER("l2tp", "max-sessions", l2tp.max_sessions, "0", 0, 65535, "0: unlimited") \
  INTEGER("l2tp", "max-sessions-in-setup", l2tp.max_sessions_in_setup, "2000", 0, 1000000, "LNS: sessions from ICRQ to their first NCP open, at once; more ICRQs wait; 0: unlimited") \
  INTEGER("l2tp", "max-sessions-in-setup-per-tunnel", l2tp.max_sessions_in_setup_per_tunnel, "1000", 0, 1000000, "LNS: set-up places one tunnel may hold, so that one LAC's burst or ICRQ flood leaves room for the others' calls; its other ICRQs wait in its queue; 0: no share") \
  INTEGER("l2tp", "tunnel-setup-rate", l2tp.tunnel_setup_rate, "2000", 0, 1000000, "LNS: new tunnels admitted per second from every LAC; beyond, SCCRQs are dropped unanswered; 0: unlimited") \
  INTEGER("l2tp", "tunnel-setup-rate-per-source", l2tp.tunnel_setup_rate_per_source, "500", 0, 1000000, "LNS: new tunnels admitted per second from one address; 0: unlimited") \
  INTEGER("l2tp", "max-tunnels-in-setup", l2tp.max_tunnels_in_setup, "4000", 0, 65535, "LNS: tunnels between SCCRQ and SCCCN at once; beyond, SCCRQs are dropped unanswered; 0: unlimited") \
  INTEGER("l2tp", "max-tunnels-in-setup-per-source", l2tp.max_tunnels_in_setup_per_source, "1000", 0, 65535, "LNS: tunnels in set-up from one address at once; 0: unlimited") \
  INTEGER("l2tp", "setup-queue", l2tp.setup_queue, "4096", 0, 65535, "LNS: ICRQs a tunnel keeps waiting for set-up room; beyond, refused (CDN 2/4)") \
  DURATION("l2tp", "iccn-timeout", l2tp.iccn_timeout, "30", 1, 3600, "LNS: seconds from our ICRP to the LAC's ICCN; then the call is cleared (CDN 2)") \
  DURATION("l2tp", "shutdown-timeout", l2tp.shutdown_timeout, "5", 0, 600, "seconds to wait for StopCCN acks on SIGTERM") \
  DURATION("l2tp", "destination-lockout", l2tp.destination_lockout, "300", 0, 3600, "LAC: seconds a failed destination is skipped") \
  INTEGER("l2tp", "autodial-calls", l2tp.autodial_calls, "0", 0, 65535, "LAC: calls to place at start") \
  INTEGER("l2tp", "control-receive-buffer", l2tp.control_receive_buffer, "4194304", 65536, 1073741824, "bytes of receive buffer for control messages") \
  INTEGER("l2tp", "data-receive-buffer", l2tp.data_receive_buffer, "8388608", 65536, 1073741824, "bytes of receive buffer for data messages") \
  FLAG("l2tp", "receive-steering", l2tp.receive_steering, "true", "control messages get their own socket, read before data") \
  INTEGER("ppp", "mru", ppp.mru, "1500", 576, 65535, "our MRU (requested when not 1500)") \
  INTEGER("ppp", "min-mru", ppp.min_mru, "576", 128, 65535, "a lower peer MRU is Nak'd") \
  DURATION("ppp", "restart-timer-ms", ppp.restart_timer, "3000", 100, 60000, "RFC 1661 restart timer") \
  INTEGER("ppp", "max-configure", ppp.max_configure, "10", 1, 255, "RFC 1661 Max-Configure") \
  INTEGER("ppp", "max-terminate", ppp.max_terminate, "2", 1, 255, "RFC 1661 Max-Terminate") \
  INTEGER("ppp", "max-failure", ppp.max_failure, "5", 1, 255, "RFC 1661 Max-Failure") \
  INTEGER("ppp", "control-frame-rate", ppp.control_frame_rate, "32", 0, 65535, "LNS: control frames one subscriber may send per second; beyond, dropped unread; 0: unlimited") \
  DURATION("ppp", "auth-timeout", ppp.auth_timeout, "30", 1, 3600, "seconds to wait for the subscriber's PAP request / CHAP response") \
  DURATION("ppp", "aaa-timeout", ppp.aaa_timeout, "10", 1, 600, "seconds to wait for the AAA verdict") \
  DURATION("ppp", "echo-interval", ppp.echo_interval, "30", 0, 3600, "LCP keepalive; 0: off") \
  INTEGER("ppp", "echo-failures", ppp.echo_failures, "4", 1, 255, "unanswered Echo-Requests that end the session") \
  FLAG("ppp", "lcp-renegotiation", ppp.lcp_renegotiation, "true", "false: require the LAC's proxy LCP") \
  FLAG("ppp", "ipv6", ppp.ipv6, "true", "IPv6CP") \
  DURATION("ppp", "idle-timeout", ppp.idle_timeout, "0", 0, 4294967295LL, "0: off") \
  DURATION("ppp", "session-timeout", ppp.session_timeout, "0", 0, 4294967295LL, "0: off") \
  TEXT("ppp", "address-pool", ppp.address_pool, "", "pool for IPCP; empty: the first") \
  TEXT("pppoe", "ac-name", pppoe.ac_name, "brasd", "AC-Name tag in our PADOs and PADSs") \
  INTEGER("pppoe", "max-payload", pppoe.max_payload, "1500", 1492, 8992, "RFC 4638 PPP-Max-Payload granted at most; 1492: not offered") \
  INTEGER("pppoe", "padi-rate", pppoe.padi_rate, "1000", 0, 1000000, "PADIs per second, all MACs together; 0: unlimited") \
  INTEGER("pppoe", "padi-rate-per-mac", pppoe.padi_rate_per_mac, "5", 0, 10000, "PADIs per second from one MAC; 0: unlimited") \
  INTEGER("pppoe", "max-sessions", pppoe.max_sessions, "0", 0, 1000000, "PPPoE sessions in all; 0: unlimited") \
  INTEGER("pppoe", "max-sessions-per-mac", pppoe.max_sessions_per_mac, "4", 0, 65535, "0: unlimited") \
  INTEGER("pppoe", "max-starting", pppoe.max_starting, "1000", 0, 65535, "sessions between PADS and the call being up, at once; 0: unlimited") \
  DURATION("pppoe", "cookie-lifetime", pppoe.cookie_lifetime, "60", 1, 86400, "seconds between AC-Cookie secret rotations") \
  TEXT("pppoe", "calling-number", pppoe.calling_number, "{circuit-id|mac}", "Calling Number AVP pattern; empty: none") \
  FLAG("pppoe", "access-line-avps", pppoe.access_line_avps, "true", "RFC 5515 access-line AVPs in the ICRQ") \
  DURATION("pppoe", "echo-interval", pppoe.echo_interval, "30", 0, 3600, "LCP Echo-Request to an idle subscriber; 0: off") \
  INTEGER("pppoe", "echo-failures", pppoe.echo_failures, "3", 1, 255, "unanswered intervals before the subscriber is dead") \
  DURATION("pppoe", "discovery-timeout", pppoe.discovery_timeout, "60", 1, 3600, "seconds from PADS to the call being up, at most") \
  TEXT("data-plane", "tun", data_plane.tun, "", "one tun device for every session; empty: control plane only") \
  CHOICE("data-plane", "mode", data_plane.mode, "fast-path", "fast-path|actors|split", "unknown mode {} (fast-path, actors, split)", "which packets go through the session actors") \
  FLAG("data-plane", "tcp-mss-clamp", data_plane.tcp_mss_clamp, "true", "clamp the MSS of TCP SYNs to fit the session's MTU") \
  INTEGER("data-plane", "tcp-mss", data_plane.tcp_mss, "0", 0, 65495, "0: MTU - 40 (IPv4) / - 60 (IPv6)") \
  INTEGER("data-plane", "tun-queues", data_plane.tun_queues, "2", 1, 64, "tun queues, each read by a thread of its own beyond the first (fewer if the kernel refuses)") \
  TEXT("cli", "socket", cli.socket, "", "bras-cli connects here; empty: none") \
  TEXT("cli", "operator-group", cli.operator_group, "bras", "members may run bras-cli (root always may)") \
  CHOICE("cli", "session-layout", cli.session_layout, "mx", "mx|m-series", "expected mx or m-series", "which Junos layout \"show services l2tp session\" follows") \
  TEXT("metrics", "listen", metrics.listen, "", "Prometheus /metrics address:port; empty: none") \
  FLAG("metrics", "per-session", metrics.per_session, "false", "per-session series: costly at scale") \
  INTEGER("metrics", "per-session-limit", metrics.per_session_limit, "10000", 1, 1000000, "at most this many sessions' series per scrape") \
  TEXT("ipv6", "prefix-pool", ipv6.prefix_pool, "", "prefix pool of the sessions' /64s (SLAAC); empty: none") \
  TEXT("ipv6", "delegated-prefix-pool", ipv6.delegated_prefix_pool, "", "prefix pool of the delegated prefixes (DHCPv6-PD); empty: none") \
  FLAG("ipv6.router-advertisement", "enabled", ipv6.router_advertisement.enabled, "true", "answer Router Solicitations and advertise periodically") \
  DURATION("ipv6.router-advertisement", "max-interval", ipv6.router_advertisement.max_interval, "600", 4, 1800, "MaxRtrAdvInterval") \
  DURATION("ipv6.router-advertisement", "min-interval", ipv6.router_advertisement.min_interval, "200", 3, 1350, "MinRtrAdvInterval, at most 0.75 * max-interval") \
  INTEGER("ipv6.router-advertisement", "initial-count", ipv6.router_advertisement.initial_count, "3", 0, 10, "unsolicited RAs at set-up (MAX_INITIAL_RTR_ADVERTISEMENTS)") \
  DURATION("ipv6.router-advertisement", "initial-interval", ipv6.router_advertisement.initial_interval, "16", 1, 1800, "at most this far apart (MAX_INITIAL_RTR_ADVERT_INTERVAL)") \
  FLAG("ipv6.router-advertisement", "managed", ipv6.router_advertisement.managed, "false", "M flag: addresses by DHCPv6") \
  FLAG("ipv6.router-advertisement", "other-config", ipv6.router_advertisement.other_config, "true", "O flag: other configuration (DNS) by DHCPv6") \
  INTEGER("ipv6.router-advertisement", "router-lifetime", ipv6.router_advertisement.router_lifetime, "1800", 0, 9000, "seconds; 0 or at least max-interval") \
  INTEGER("ipv6.router-advertisement", "reachable-time-ms", ipv6.router_advertisement.reachable_time, "0", 0, 3600000, "0: unspecified") \
  INTEGER("ipv6.router-advertisement", "retrans-timer-ms", ipv6.router_advertisement.retrans_timer, "0", 0, 4294967295LL, "0: unspecified") \
  INTEGER("ipv6.router-advertisement", "hop-limit", ipv6.router_advertisement.hop_limit, "64", 0, 255, "Cur Hop Limit; 0: unspecified") \
  FLAG("ipv6.router-advertisement", "mtu-option", ipv6.router_advertisement.mtu_option, "true", "advertise the session's MTU") \
  INTEGER("ipv6.router-advertisement", "valid-lifetime", ipv6.router_advertisement.valid_lifetime, "2592000", 0, 4294967295LL, "of the /64, seconds") \
  INTEGER("ipv6.router-advertisement", "preferred-lifetime", ipv6.router_advertisement.preferred_lifetime, "604800", 0, 4294967295LL, "of the /64, seconds; at most valid-lifetime") \
  DURATION("ipv6.router-advertisement", "min-delay-between-ras", ipv6.router_advertisement.min_delay_between_ras, "3", 0, 1800, "solicited RAs at most this often (MIN_DELAY_BETWEEN_RAS)") \
  FLAG("ipv6.dhcpv6", "enabled", ipv6.dhcpv6.enabled, "true", "the DHCPv6 server on each session's link") \
  FLAG("ipv6.dhcpv6", "rapid-commit", ipv6.dhcpv6.rapid_commit, "true", "answer a Solicit with Rapid Commit by a Reply (RFC 8415 18.3.1)") \
  INTEGER("ipv6.dhcpv6", "preferred-lifetime", ipv6.dhcpv6.preferred_lifetime, "3600", 0, 4294967295LL, "of the delegated prefix, seconds") \
  INTEGER("ipv6.dhcpv6", "valid-lifetime", ipv6.dhcpv6.valid_lifetime, "7200", 1, 4294967295LL, "of the delegated prefix, seconds") \
  INTEGER("ipv6.dhcpv6", "t1", ipv6.dhcpv6.t1, "1800", 0, 4294967295LL, "seconds until the client renews") \
  INTEGER("ipv6.dhcpv6", "t2", ipv6.dhcpv6.t2, "2880", 0, 4294967295LL, "seconds until the client rebinds") \
  INTEGER("aaa", "auth-failure-limit", aaa.auth_failure_limit, "5", 0, 1000, "local users: failed authentications within auth-failure-window before back-off; 0: off") \
  DURATION("aaa", "auth-failure-window", aaa.auth_failure_window, "60", 1, 86400, "seconds over which failures are counted") \
  DURATION("aaa", "auth-backoff", aaa.auth_backoff, "30", 1, 86400, "seconds the user is refused at once; doubled per failure after one") \
  DURATION("aaa", "auth-backoff-max", aaa.auth_backoff_max, "600", 1, 86400, "the doubled back-off stops here") \
  INTEGER("aaa", "auth-failure-users", aaa.auth_failure_users, "100000", 1, 10000000, "users tracked at most; beyond, the least recently failed is forgotten") \
  TEXT("ipv6.dhcpv6", "server-duid", ipv6.dhcpv6.server_duid, "", "Server Identifier in hex; empty: a DUID-UUID from /etc/machine-id and l2tp.host-name")
// clang-format on

// clang-format off
#define BRAS_CONFIG_GATEWAY_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  INTEGER("l2tp.local-gateways[]", "port", port, "1701", 0, 65535, "UDP port; 0: an ephemeral port (tests, LAC-only)")
#define BRAS_CONFIG_TUNNEL_GROUP_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  FLAG("l2tp.tunnel-groups[]", "hide-avps", hide_avps, "false", "hide AVPs with the tunnel secret") \
  DURATION("l2tp.tunnel-groups[]", "hello-interval", hello_interval, "60", 0, 3600, "seconds of silence before a HELLO") \
  INTEGER("l2tp.tunnel-groups[]", "receive-window", receive_window, "16", 1, 1024, "our Receive Window Size")
#define BRAS_CONFIG_CLIENT_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  TEXT("l2tp.tunnel-groups[].clients[]", "host-name", host_name, "*", "the LAC's Host Name AVP, or * for any") \
  TEXT("l2tp.tunnel-groups[].clients[]", "secret", secret, "", "empty: no tunnel authentication") \
  INTEGER("l2tp.tunnel-groups[].clients[]", "max-tunnels", max_tunnels, "0", 0, 65535, "0: unlimited") \
  INTEGER("l2tp.tunnel-groups[].clients[]", "max-sessions-per-tunnel", max_sessions_per_tunnel, "0", 0, 65535, "0: unlimited") \
  DURATION("l2tp.tunnel-groups[].clients[]", "hello-interval", hello_interval, "", 0, 3600, "absent: the group's") \
  INTEGER("l2tp.tunnel-groups[].clients[]", "receive-window", receive_window, "", 1, 1024, "absent: the group's") \
  DURATION("l2tp.tunnel-groups[].clients[]", "retransmit-initial-ms", retransmit_initial, "", 50, 60000, "absent: l2tp's") \
  DURATION("l2tp.tunnel-groups[].clients[]", "retransmit-max-ms", retransmit_max, "", 50, 600000, "absent: l2tp's") \
  INTEGER("l2tp.tunnel-groups[].clients[]", "retransmit-count", retransmit_count, "", 1, 100, "absent: l2tp's")
#define BRAS_CONFIG_DESTINATION_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  INTEGER("l2tp.destinations[]", "port", port, "1701", 1, 65535, "the LNS's UDP port") \
  TEXT("l2tp.destinations[]", "secret", secret, "", "empty: no tunnel authentication") \
  TEXT("l2tp.destinations[]", "peer-host-name", peer_host_name, "", "expected Host Name of the LNS; empty: any") \
  INTEGER("l2tp.destinations[]", "preference", preference, "0", 0, 2000, "lower is preferred") \
  INTEGER("l2tp.destinations[]", "weight", weight, "1", 1, 1000, "share among destinations of one preference") \
  INTEGER("l2tp.destinations[]", "max-sessions", max_sessions, "0", 0, 65535, "per tunnel; 0: unlimited") \
  FLAG("l2tp.destinations[]", "hide-avps", hide_avps, "false", "hide AVPs with the tunnel secret") \
  FLAG("l2tp.destinations[]", "sequencing-required", sequencing_required, "false", "ask the LNS for Ns/Nr on data messages") \
  DURATION("l2tp.destinations[]", "hello-interval", hello_interval, "60", 0, 3600, "seconds of silence before a HELLO") \
  INTEGER("l2tp.destinations[]", "receive-window", receive_window, "16", 1, 1024, "our Receive Window Size") \
  TEXT("l2tp.destinations[]", "assignment-id", assignment_id, "", "RFC 2868 Tunnel-Assignment-Id: different IDs, different tunnels")
#define BRAS_CONFIG_TUNNEL_PROFILE_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  CHOICE("l2tp.tunnel-profiles[]", "selection", selection, "weighted", "weighted|round-robin", "unknown selection {} (weighted, round-robin)", "how calls are shared within a preference level")
#define BRAS_CONFIG_ACCESS_INTERFACE_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  FLAG("pppoe.interfaces[]", "untagged", untagged, "true", "accept untagged frames") \
  INTEGER("pppoe.interfaces[]", "max-sessions-per-vlan", max_sessions_per_vlan, "0", 0, 65535, "0: unlimited")
#define BRAS_CONFIG_PPPOE_VLAN_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  INTEGER("pppoe.interfaces[].vlans[]", "max-sessions", max_sessions, "0", 0, 65535, "per VLAN; 0: the interface's max-sessions-per-vlan")
#define BRAS_CONFIG_PADO_DELAY_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  INTEGER("pppoe.pado-delay[]", "sessions", sessions, "0", 0, 1000000, "from this many active sessions on ...") \
  DURATION("pppoe.pado-delay[]", "delay-ms", delay, "0", 0, 10000, "... PADOs wait this long")
#define BRAS_CONFIG_SUBSCRIBER_SETTINGS(INTEGER, DURATION, FLAG, TEXT, CHOICE) \
  DURATION("aaa.subscribers[]", "session-timeout", session_timeout, "", 1, 4294967295LL, "absent: ppp.session-timeout") \
  DURATION("aaa.subscribers[]", "idle-timeout", idle_timeout, "", 1, 4294967295LL, "absent: ppp.idle-timeout") \
  INTEGER("aaa.subscribers[]", "max-sessions", max_sessions, "0", 0, 65535, "0: unlimited") \
  TEXT("aaa.subscribers[]", "ipv6-pool", ipv6_pool, "", "Framed-IPv6-Pool; empty: ipv6.prefix-pool") \
  TEXT("aaa.subscribers[]", "delegated-pool", delegated_pool, "", "Delegated-IPv6-Prefix-Pool; empty: ipv6.delegated-prefix-pool")
// clang-format on

enum class setting_kind { integer, duration, flag, text, choice };

/// One line of a settings table as data; `Target` is what its keys fill:
/// `settings`, or one list entry (local_gateway, tunnel_group, ...).
template <class Target>
struct basic_setting_row {
  std::string_view section;
  std::string_view key;
  setting_kind kind;
  std::string_view default_value;  ///< as YAML text: what an absent key leaves
  long long min = 0;               ///< integer, duration
  long long max = 0;
  std::string_view choices;  ///< choice: "a|b|c"
  std::string_view help;
  /// Reads the key from its section's mapping into `s` (range and choice checks included).
  void (*apply)(const YAML::Node& section, const std::string& path, const yaml_walker& w, Target& s);
  /// The value `s` holds, as YAML text ("" for an empty optional).
  std::string (*show)(const Target& s);
};

using setting_row = basic_setting_row<settings>;

/// BRAS_CONFIG_SETTINGS in order.
[[nodiscard]] std::span<const setting_row> setting_rows() noexcept;

/// The table of one list entry type, in order (BRAS_CONFIG_GATEWAY_SETTINGS ...).
template <class Entry>
[[nodiscard]] std::span<const basic_setting_row<Entry>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<local_gateway>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<tunnel_group>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<lac_client>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<lns_destination>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<subscriber>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<tunnel_profile>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<access_interface>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<pppoe_vlan>> entry_rows() noexcept;
template <>
std::span<const basic_setting_row<pado_delay_step>> entry_rows() noexcept;

/// Settings whose value in the embedded default (configs/brasd.yaml) is not the
/// value an absent key leaves: the shipped file turns these on.
inline constexpr std::pair<std::string_view, std::string_view> shipped_defaults[] = {
    {"data-plane.tun", "bras0"},  {"cli.socket", "/run/brasd/cli.sock"}, {"metrics.listen", "127.0.0.1:9101"},
    {"ppp.address-pool", "demo"}, {"ipv6.prefix-pool", "demo-v6"},       {"ipv6.delegated-prefix-pool", "demo-pd"},
};

}  // namespace bras::config
