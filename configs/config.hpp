// brasd configuration: the typed settings and the YAML loader. A bad file
// fails fast with file, line, key path and reason; nothing is half-applied.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::config {

using seconds = std::chrono::seconds;
using milliseconds = std::chrono::milliseconds;

/// An IPv4 prefix, host byte order.
struct ipv4_prefix {
  std::uint32_t address = 0;
  std::uint8_t length = 0;
  [[nodiscard]] bool contains(std::uint32_t a) const noexcept {
    return length == 0 || ((a ^ address) >> (32 - length)) == 0;
  }
};

/// A UDP endpoint brasd listens on (a "local gateway" in Junos terms).
struct local_gateway {
  std::string name;
  std::string address;  ///< IPv4 literal
  std::uint16_t port = 1701;
};

/// LNS side: one LAC (or a class of LACs) we accept tunnels from.
struct lac_client {
  std::string host_name = "*";               ///< the LAC's Host Name AVP, or * for any
  std::vector<ipv4_prefix> allowed_sources;  ///< empty: any source address
  std::string secret;                        ///< empty: no tunnel authentication
  unsigned max_tunnels = 0;                  ///< 0: unlimited
  unsigned max_sessions_per_tunnel = 0;      ///< 0: unlimited
  // Per-LAC overrides of the tunnel group's and the global settings.
  std::optional<seconds> hello_interval;
  std::optional<std::uint16_t> receive_window;
  std::optional<milliseconds> retransmit_initial;
  std::optional<milliseconds> retransmit_max;
  std::optional<unsigned> retransmit_count;
};

/// LNS side: a tunnel group (Junos `tunnel-group`).
struct tunnel_group {
  std::string name;
  std::vector<std::string> local_gateways;  ///< names; empty: all
  bool hide_avps = false;
  seconds hello_interval{60};
  std::uint16_t receive_window = 16;
  std::vector<lac_client> clients;
};

/// LAC side: an LNS we may tunnel subscribers to.
struct lns_destination {
  std::string name;
  std::string address;
  std::uint16_t port = 1701;
  std::string local_gateway;  ///< name of the gateway to send from; empty: the first
  std::string secret;
  std::string peer_host_name;  ///< expected Host Name of the LNS; empty: any
  unsigned preference = 0;     ///< lower is preferred
  unsigned weight = 1;
  unsigned max_sessions = 0;  ///< per tunnel; 0: unlimited
  bool hide_avps = false;
  bool sequencing_required = false;  ///< ask the LNS for Ns/Nr on data messages (ICCN AVP 39)
  seconds hello_interval{60};
  std::uint16_t receive_window = 16;
  /// RFC 2868 Tunnel-Assignment-Id: calls with different IDs to the same LNS go in different tunnels.
  std::string assignment_id;
};

/// LAC: a tunnel profile (Junos `access tunnel-profile`): the destinations a
/// call may go to. Selection picks among the reachable destinations of the
/// lowest preference (each destination's `preference`), by weight or in turn.
struct tunnel_profile {
  std::string name;
  std::vector<std::string> destinations;  ///< names in l2tp.destinations
  std::string selection = "weighted";     ///< "weighted" (by each destination's weight) or "round-robin"
};

/// LAC: which tunnel profile a subscriber's realm (the part after the last
/// '@' of the user name) maps to (Junos `access domain map`).
struct domain_map_entry {
  std::string realm;           ///< exact realm (case-insensitive); "*": any realm and none; "": users with no realm
  std::string tunnel_profile;  ///< name in l2tp.tunnel-profiles
};

struct l2tp_settings {
  std::string host_name = "brasd";
  milliseconds retransmit_initial{1000};
  milliseconds retransmit_max{8000};
  unsigned retransmit_count = 5;
  milliseconds ack_delay{50};
  unsigned max_tunnels = 0;   ///< 0: unlimited (bounded by the ID space)
  unsigned max_sessions = 0;  ///< global; 0: unlimited
  /// LNS: sessions between ICRQ and their first NCP open, at once (instance-wide); 0: unlimited.
  unsigned max_sessions_in_setup = 2000;
  /// LNS: of those, the places one tunnel may hold at once (its other ICRQs wait); 0: no share.
  unsigned max_sessions_in_setup_per_tunnel = 1000;
  /// LNS: ICRQs a tunnel keeps (acknowledged, unanswered) while set-up is full; beyond, CDN 2/4.
  unsigned setup_queue = 4096;
  /// LNS: admission of new tunnels (actors/tunnel_admission.hpp); 0: unlimited.
  unsigned tunnel_setup_rate = 2000;            ///< per second, every source
  unsigned tunnel_setup_rate_per_source = 500;  ///< per second, one address
  unsigned max_tunnels_in_setup = 4000;         ///< between SCCRQ and SCCCN, every source
  unsigned max_tunnels_in_setup_per_source = 1000;
  seconds iccn_timeout{30};  ///< LNS: an ICRP unanswered by an ICCN this long clears the call
  seconds shutdown_timeout{5};
  seconds destination_lockout{300};  ///< LAC: how long a failed destination is skipped
  unsigned autodial_calls = 0;       ///< LAC: calls to place at start (like xl2tpd's autodial)
  std::vector<local_gateway> local_gateways;
  std::vector<tunnel_group> tunnel_groups;
  std::vector<lns_destination> destinations;
  /// LAC: tunnel profiles; empty: one implicit profile holding every destination.
  std::vector<tunnel_profile> tunnel_profiles;
  /// LAC: realm -> tunnel profile, most specific first (exact realm, then "" / "*"); empty: every
  /// subscriber uses the first profile (or the implicit one).
  std::vector<domain_map_entry> domain_map;
  /// Receive buffers of each local gateway's sockets (bytes requested; the kernel doubles them).
  unsigned control_receive_buffer = 4U << 20;
  unsigned data_receive_buffer = 8U << 20;
  /// Control messages (and PPP control frames) get a socket of their own, read first (io/udp_socket.hpp).
  bool receive_steering = true;
};

/// LNS: PPP termination (RFC 1661 timers and counters, keepalive, authentication, NCPs).
struct ppp_settings {
  std::vector<std::string> authentication{"chap", "pap"};  ///< asked of the peer in this order; empty: none
  std::uint16_t mru = 1500;                                ///< our MRU (requested when not 1500)
  std::uint16_t min_mru = 576;                             ///< a lower peer MRU is Nak'd
  milliseconds restart_timer{3000};
  unsigned max_configure = 10;
  unsigned max_terminate = 2;
  unsigned max_failure = 5;
  /// Control frames (LCP, authentication, NCPs, and RS/DHCPv6 to us) one subscriber may send per second; 0: unlimited.
  unsigned control_frame_rate = 32;
  seconds auth_timeout{30};         ///< waiting for the peer's PAP request / CHAP response
  seconds aaa_timeout{10};          ///< waiting for the AAA verdict
  seconds echo_interval{30};        ///< LCP Echo-Request interval; 0: off
  unsigned echo_failures = 4;       ///< unanswered Echo-Requests that end the session
  bool lcp_renegotiation = true;    ///< always negotiate LCP; false: proxy LCP from the LAC is required
  bool ipv6 = true;                 ///< run IPv6CP
  seconds idle_timeout{0};          ///< no subscriber data for this long ends the session; 0: off
  seconds session_timeout{0};       ///< sessions end after this long; 0: off
  std::uint32_t local_address = 0;  ///< the LNS's IPCP address (host order); 0: not sent
  std::vector<std::uint32_t> dns;   ///< up to two, RFC 1877
  std::string address_pool;         ///< pool for IPCP; empty: the first
};

/// LAC: one VLAN (or range of VLANs) PPPoE subscribers arrive on.
struct pppoe_vlan {
  std::uint16_t outer_first = 0;  ///< the single 802.1Q tag, or the outer (S) tag of QinQ: first..last
  std::uint16_t outer_last = 0;
  std::uint16_t inner_first = 0;  ///< QinQ inner (C) tag range; 0..0: single-tagged
  std::uint16_t inner_last = 0;
  unsigned max_sessions = 0;               ///< per VLAN (each VID pair in the range); 0: the interface's
  std::vector<std::string> service_names;  ///< overrides the interface's; empty: the interface's
};

/// LAC: an Ethernet interface PPPoE subscribers arrive on (AF_PACKET).
struct access_interface {
  std::string name;                        ///< e.g. access0
  bool untagged = true;                    ///< accept untagged frames
  std::vector<pppoe_vlan> vlans;           ///< tagged VLANs accepted (empty: none)
  std::vector<std::string> service_names;  ///< empty: the pppoe section's
  unsigned max_sessions_per_vlan = 0;      ///< 0: unlimited
};

/// One step of the PADO delay: from `sessions` active sessions on, PADOs wait `delay`.
struct pado_delay_step {
  unsigned sessions = 0;
  milliseconds delay{0};
};

/// LAC: PPPoE access (RFC 2516) and what the LAC tells the LNS about it.
struct pppoe_settings {
  std::vector<access_interface> interfaces;  ///< empty: no PPPoE access
  std::string ac_name = "brasd";             ///< AC-Name tag
  std::vector<std::string> service_names;    ///< offered and accepted; empty: any (and the empty name)
  std::uint16_t max_payload = 1500;          ///< RFC 4638 PPP-Max-Payload we grant at most; 1492: not offered
  unsigned padi_rate = 1000;                 ///< PADIs per second accepted, all MACs together; 0: unlimited
  unsigned padi_rate_per_mac = 5;            ///< PADIs per second from one MAC; 0: unlimited
  unsigned max_sessions = 0;                 ///< PPPoE sessions in all; 0: unlimited (bounded by the IDs)
  unsigned max_sessions_per_mac = 4;         ///< 0: unlimited
  unsigned max_starting = 1000;              ///< sessions between PADS and the call being up, at once; 0: unlimited
  std::vector<pado_delay_step> pado_delay;   ///< ascending by sessions; empty: no delay
  seconds cookie_lifetime{60};               ///< the AC-Cookie secret rotates at this interval (two are valid)
  /// Calling Number AVP 22: a pattern of {mac}, {interface}, {vlan}, {svlan}, {cvlan}, {circuit-id},
  /// {remote-id}, {session}; "" : no Calling Number. Junos default: the agent-circuit-id, else the MAC.
  std::string calling_number = "{circuit-id|mac}";
  bool access_line_avps = true;   ///< RFC 5515 access-line AVPs in the ICRQ from the TR-101 tag
  seconds echo_interval{30};      ///< LAC's LCP Echo-Request to an idle subscriber; 0: off
  unsigned echo_failures = 3;     ///< unanswered intervals before the subscriber is declared dead
  seconds discovery_timeout{60};  ///< PADS to call up (LCP, authentication, tunnel) at most
};

/// A named IPv4 address pool.
struct address_pool_settings {
  std::string name;
  std::vector<ipv4_prefix> prefixes;
  std::vector<std::uint32_t> exclude;
};

/// A named pool of IPv6 prefixes of one length: /64s for the subscribers' links (SLAAC), or
/// delegated prefixes (DHCPv6-PD), carved from aggregates.
struct prefix_pool_settings {
  std::string name;
  std::vector<ip::ipv6_prefix> prefixes;  ///< the aggregates
  std::uint8_t prefix_length = 64;        ///< of each prefix handed out (<= 64)
  std::vector<ip::ipv6_prefix> exclude;
};

/// Router Advertisements on each session's link (RFC 4861 §6.2.1 names and defaults).
struct router_advertisement_settings {
  bool enabled = true;
  seconds max_interval{600};             ///< MaxRtrAdvInterval, 4..1800
  seconds min_interval{200};             ///< MinRtrAdvInterval, 3..0.75 * max
  unsigned initial_count = 3;            ///< MAX_INITIAL_RTR_ADVERTISEMENTS
  seconds initial_interval{16};          ///< MAX_INITIAL_RTR_ADVERT_INTERVAL
  bool managed = false;                  ///< M flag
  bool other_config = true;              ///< O flag (DNS by DHCPv6 Information-Request)
  std::uint16_t router_lifetime = 1800;  ///< seconds (AdvDefaultLifetime)
  std::uint32_t reachable_time = 0;      ///< ms
  std::uint32_t retrans_timer = 0;       ///< ms
  std::uint8_t hop_limit = 64;
  bool mtu_option = true;                     ///< advertise the session's MTU
  std::uint32_t valid_lifetime = 2592000;     ///< of the /64 (AdvValidLifetime)
  std::uint32_t preferred_lifetime = 604800;  ///< (AdvPreferredLifetime)
  seconds min_delay_between_ras{3};           ///< MIN_DELAY_BETWEEN_RAS: solicited RAs at most this often
};

/// The DHCPv6 server on each session's link (RFC 8415).
struct dhcpv6_settings {
  bool enabled = true;
  bool rapid_commit = true;
  std::uint32_t preferred_lifetime = 3600;  ///< of the delegated prefix
  std::uint32_t valid_lifetime = 7200;
  std::uint32_t t1 = 1800;
  std::uint32_t t2 = 2880;
  /// The Server Identifier (hex DUID, e.g. "0004..."); empty: a DUID-UUID derived from
  /// /etc/machine-id and l2tp.host-name, stable across restarts.
  std::string server_duid;
};

/// LNS: IPv6 for subscribers beyond IPv6CP (needs ppp.ipv6).
struct ipv6_settings {
  std::string prefix_pool;            ///< the /64 per session (Framed-IPv6-Pool overrides); empty: none
  std::string delegated_prefix_pool;  ///< the delegated prefix (Delegated-IPv6-Prefix-Pool overrides); empty: none
  std::vector<ip::ipv6_address> dns;  ///< RDNSS and DHCPv6 DNS servers, up to 3
  /// The LNS's address on the tun device (the subscribers' traffic to "the LNS side"); none: not set.
  std::optional<ip::ipv6_address> local_address;
  router_advertisement_settings router_advertisement;
  dhcpv6_settings dhcpv6;
};

/// A local subscriber (the AAA backend without RADIUS).
struct subscriber {
  std::string user;
  std::string password;
  std::optional<std::uint32_t> address;  ///< static IPv4, host byte order
  std::optional<seconds> session_timeout;
  std::optional<seconds> idle_timeout;
  unsigned max_sessions = 0;                        ///< 0: unlimited
  std::optional<ip::ipv6_prefix> ipv6_prefix;       ///< static /64 (Framed-IPv6-Prefix)
  std::optional<ip::ipv6_prefix> delegated_prefix;  ///< static delegated prefix (Delegated-IPv6-Prefix)
  std::string ipv6_pool;                            ///< Framed-IPv6-Pool; empty: ipv6.prefix-pool
  std::string delegated_pool;                       ///< Delegated-IPv6-Prefix-Pool; empty: ipv6.delegated-prefix-pool
};

/// Where a subscriber is authenticated (and accounted).
enum class aaa_method : std::uint8_t { local, radius };

/// One realm's AAA method (the part of the user name after the last '@'; "" no realm, "*" any).
struct aaa_domain {
  std::string realm;
  aaa_method method = aaa_method::local;
};

struct aaa_settings {
  std::string subscribers_file;           ///< YAML file of subscribers (see configs/examples/subscribers.yaml)
  std::vector<subscriber> subscribers;    ///< inline subscribers (added to the file's)
  aaa_method method = aaa_method::local;  ///< aaa.method: for users whose realm no domain names
  std::vector<aaa_domain> domains;        ///< aaa.domains: [{realm, method}], exact realm first, then "*"
  /// Local users' authentication-failure back-off (actors/auth_backoff.hpp).
  unsigned auth_failure_limit = 5;       ///< failures within the window that start a back-off; 0: off
  seconds auth_failure_window{60};       ///< failures are counted over this long
  seconds auth_backoff{30};              ///< the first back-off; doubled per failure after one
  seconds auth_backoff_max{600};         ///< the doubling stops here
  unsigned auth_failure_users = 100000;  ///< users tracked at most (the least recently failed go first)
};

/// Whether a server's replies must carry Message-Authenticator (BlastRADIUS, CVE-2024-3596).
enum class message_authenticator_mode : std::uint8_t { automatic, yes, no };

/// One RADIUS server of a group.
struct radius_server_settings {
  std::string name;           ///< default "address:port"
  std::uint32_t address = 0;  ///< host order
  std::uint16_t port = 0;     ///< default 1812 (authentication) / 1813 (accounting)
  std::string secret;         ///< required, not empty
  unsigned weight = 1;
  unsigned max_outstanding = 256;
  milliseconds timeout{3000};  ///< timeout-ms: per attempt
  unsigned retries = 2;        ///< retransmissions before the next server
  message_authenticator_mode message_authenticator = message_authenticator_mode::automatic;
};

/// An authentication or accounting server group.
struct radius_group_settings {
  std::vector<radius_server_settings> servers;
  unsigned dead_after = 3;  ///< requests in a row that time out before a server is dead
  seconds dead_time{30};
  seconds probe_interval{10};  ///< Status-Server to a dead server after its dead time
};

/// Accounting's on-disk spool: every record is written here before it is first sent.
enum class spool_full_policy : std::uint8_t { refuse_new_sessions, drop_oldest_interims };
struct spool_settings {
  std::string directory = "/var/lib/brasd/accounting";
  std::uint64_t max_bytes = 256ull << 20;  ///< max-size-mb
  milliseconds fsync_interval{100};        ///< fsync-interval-ms: batches of writes are fsync'd this often
  spool_full_policy when_full = spool_full_policy::refuse_new_sessions;
};

/// A CoA/Disconnect client (RFC 5176 §2.3: requests are accepted only from these).
struct coa_client_settings {
  std::uint32_t address = 0;  ///< host order
  std::string secret;
};

struct radius_settings {
  bool enabled = false;                          ///< a radius: section is present
  std::string nas_identifier;                    ///< default: l2tp.host-name
  std::uint32_t nas_ip_address = 0;              ///< default: the first local gateway's address
  std::uint32_t source_address = 0;              ///< bind address for requests; 0: any
  std::size_t queue_limit = 4096;                ///< requests waiting for a server; beyond, new sessions are refused
  radius_group_settings authentication;          ///< servers default to port 1812
  radius_group_settings accounting;              ///< servers default to port 1813; none: no accounting
  seconds interim_interval{0};                   ///< accounting.interim-interval unless RADIUS sends one; 0: none
  unsigned acct_max_in_flight = 1024;            ///< accounting.max-in-flight: records sent and not yet answered
  spool_settings spool;                          ///< accounting.spool
  std::string coa_listen;                        ///< dynamic-authorization.listen "address:port"; empty: off
  std::vector<coa_client_settings> coa_clients;  ///< dynamic-authorization.clients
  seconds coa_replay_window{300};                ///< dynamic-authorization.replay-window: Event-Timestamp tolerance
};

/// How subscriber packets are forwarded (issue #4 measures both).
enum class data_path_mode : std::uint8_t {
  fast_path,  ///< the I/O thread handles IP packets itself (session table lookup, in-place counters)
  actors,     ///< every packet goes through the session actor
  split,  ///< subscriber -> tun on the fast path, tun -> subscriber through the actors (the faster of each, measured)
};

struct data_plane_settings {
  std::string tun;  ///< tun device name; empty: no data plane (control plane only)
  data_path_mode mode = data_path_mode::fast_path;
  bool tcp_mss_clamp = true;     ///< clamp TCP MSS on SYNs to fit the session's MTU
  std::uint16_t tcp_mss = 0;     ///< the MSS to clamp to; 0: derived from the session's MRU
  std::uint16_t tun_queues = 2;  ///< tun queues (IFF_MULTI_QUEUE), each read by its own thread beyond the first
};

/// The Prometheus endpoint.
struct metrics_settings {
  std::string listen;                  ///< "address:port" for /metrics; empty: no exporter
  bool per_session = false;            ///< export per-session families (session ID and user labels)
  unsigned per_session_limit = 10000;  ///< at most this many sessions' series per scrape
};

/// The operator interface: bras-cli connects to this Unix socket.
struct cli_settings {
  std::string socket;                   ///< path of the Unix socket; empty: no operator interface
  std::string operator_group = "bras";  ///< members may use it (root always may); the socket's group
  std::string session_layout = "mx";    ///< "mx" or "m-series" (Junos session layouts)
};

/// The named loggers, one per component; each event starts with a stable kebab-case name.
inline const std::vector<std::string> log_components{"l2tp", "ppp", "aaa", "io", "cli"};

/// The CAF scheduler's policy (runtime.scheduler).
enum class scheduler_policy : std::uint8_t { sharing, stealing };

struct settings {
  unsigned threads = 2;
  unsigned shards = 2;
  std::string log_level = "info";                     ///< every component's level ...
  std::map<std::string, std::string> log_components;  ///< ... unless set here per component
  l2tp_settings l2tp;
  pppoe_settings pppoe;
  ppp_settings ppp;
  std::vector<address_pool_settings> address_pools;
  std::vector<prefix_pool_settings> prefix_pools;
  ipv6_settings ipv6;
  aaa_settings aaa;
  radius_settings radius;
  data_plane_settings data_plane;
  metrics_settings metrics;
  cli_settings cli;
  scheduler_policy scheduler = scheduler_policy::sharing;
  unsigned max_throughput = 0;  ///< messages an actor handles before yielding its worker; 0: unlimited
};

/// Why a configuration was refused: "file:line: key.path: reason".
struct load_error {
  std::string file;
  int line = 0;  ///< 1-based; 0 when unknown
  std::string path;
  std::string reason;
  [[nodiscard]] std::string to_string() const;
};

using load_result = std::variant<settings, load_error>;

/// Parses and validates YAML text; a relative subscribers file is taken from `file_name`'s directory.
[[nodiscard]] load_result load(std::string_view yaml, std::string_view file_name);
/// Reads and loads a file.
[[nodiscard]] load_result load_file(const std::string& path);
/// Reads a whole file; false with the reason ("PATH: cannot read: strerror") when it cannot.
[[nodiscard]] bool read_text_file(const std::string& path, std::string& text, std::string& reason);
/// The embedded default (configs/brasd.yaml).
[[nodiscard]] load_result load_default();

/// Warnings about how `s`, loaded from `config_file`, keeps its secrets (configs/config_secrets.cpp):
/// a secret shorter than 16 bytes (naming the setting), and a file holding secrets (the
/// configuration, the subscribers file) that its group or others may read (naming the file and its
/// mode). Empty when there is nothing to say.
[[nodiscard]] std::vector<std::string> secret_warnings(const settings& s, const std::string& config_file);

/// Parses "a.b.c.d" or "a.b.c.d/len".
[[nodiscard]] std::optional<ipv4_prefix> parse_prefix(std::string_view text) noexcept;
[[nodiscard]] std::optional<std::uint32_t> parse_ipv4(std::string_view text) noexcept;
/// An IPv4 endpoint: address (host order) and port.
struct ipv4_endpoint {
  std::uint32_t address = 0;
  std::uint16_t port = 0;
};
/// Parses "a.b.c.d:port" with a port of 0 to 65535 (the listen addresses: metrics, CoA).
[[nodiscard]] std::optional<ipv4_endpoint> parse_ipv4_endpoint(std::string_view text) noexcept;

}  // namespace bras::config
