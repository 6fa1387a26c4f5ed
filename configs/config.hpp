// brasd configuration: the typed settings and the YAML loader. A bad file
// fails fast with file, line, key path and reason; nothing is half-applied.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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
  seconds hello_interval{60};
  std::uint16_t receive_window = 16;
};

struct l2tp_settings {
  std::string host_name = "brasd";
  milliseconds retransmit_initial{1000};
  milliseconds retransmit_max{8000};
  unsigned retransmit_count = 5;
  milliseconds ack_delay{50};
  unsigned max_tunnels = 0;   ///< 0: unlimited (bounded by the ID space)
  unsigned max_sessions = 0;  ///< global; 0: unlimited
  seconds shutdown_timeout{5};
  seconds destination_lockout{300};  ///< LAC: how long a failed destination is skipped
  unsigned autodial_calls = 0;       ///< LAC: calls to place at start (like xl2tpd's autodial)
  std::vector<local_gateway> local_gateways;
  std::vector<tunnel_group> tunnel_groups;
  std::vector<lns_destination> destinations;
};

struct settings {
  unsigned threads = 2;
  unsigned shards = 2;
  std::string log_level = "info";
  l2tp_settings l2tp;
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

/// Parses and validates YAML text.
[[nodiscard]] load_result load(std::string_view yaml, std::string_view file_name);
/// Reads and loads a file.
[[nodiscard]] load_result load_file(const std::string& path);
/// The embedded default (configs/brasd.yaml).
[[nodiscard]] load_result load_default();

/// Parses "a.b.c.d" or "a.b.c.d/len".
[[nodiscard]] std::optional<ipv4_prefix> parse_prefix(std::string_view text) noexcept;
[[nodiscard]] std::optional<std::uint32_t> parse_ipv4(std::string_view text) noexcept;

}  // namespace bras::config
