// What an operator asks of the daemon and what it gets back: the query
// filter, how deep a query goes, the assembled snapshot, what a clear did,
// and the small reports the Prometheus export reads (pool usage, shard
// counts). Plain data, no CAF: produced by actors/, consumed by cli/,
// metrics/ and the tools.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/snapshot.hpp"

namespace bras::model {

/// What to select. Every set field must match (AND); unset fields match all.
struct query_filter {
  std::optional<std::string> interface;        ///< interface name ("bras0") or "name.unit"
  std::optional<std::uint32_t> local_gateway;  ///< IPv4, host order
  std::optional<std::string> local_gateway_name;
  std::optional<std::uint16_t> local_session_id;
  std::optional<std::uint16_t> local_tunnel_id;
  std::optional<std::uint32_t> peer_gateway;     ///< IPv4, host order
  std::optional<std::string> peer_gateway_name;  ///< the peer's Host Name
  std::optional<std::string> tunnel_group;
  std::optional<std::string> user;
  std::optional<std::uint32_t> address;        ///< the subscriber's IPv4 address (host order)
  std::optional<std::string> acct_session_id;  ///< RADIUS Acct-Session-Id
  std::optional<std::string> nas_port_id;      ///< RADIUS NAS-Port-Id

  /// Fields a tunnel can decide alone (everything but session ID and user;
  /// for the interface, its name without a unit).
  [[nodiscard]] bool matches_tunnel(const tunnel_snapshot& t) const {
    if (local_tunnel_id && *local_tunnel_id != t.local_tunnel_id) return false;
    if (interface && interface->substr(0, interface->find('.')) != t.interface_name) return false;
    if (local_gateway && *local_gateway != t.local.address) return false;
    if (local_gateway_name && *local_gateway_name != t.local_gateway_name) return false;
    if (peer_gateway && *peer_gateway != t.peer.address) return false;
    if (peer_gateway_name && *peer_gateway_name != t.remote_name) return false;
    if (tunnel_group && *tunnel_group != t.tunnel_group) return false;
    return true;
  }
  [[nodiscard]] bool session_filters() const {
    return local_session_id || user || interface || address || acct_session_id || nas_port_id;
  }
  [[nodiscard]] bool matches_session(const session_snapshot& s) const {
    if (local_session_id && *local_session_id != s.local_session_id) return false;
    if (user && *user != s.user) return false;
    if (address && *address != s.address) return false;
    if (acct_session_id && *acct_session_id != s.acct_session_id) return false;
    if (nas_port_id && *nas_port_id != s.nas_port_id) return false;
    if (interface && *interface != s.interface_name &&
        *interface != s.interface_name + "." + std::to_string(s.interface_unit)) {
      return false;
    }
    return true;
  }
};

/// The answer to one query: tunnels sorted by local tunnel ID, each with its
/// matching sessions, taken at `taken_at`.
struct query_snapshot {
  wall_time taken_at;
  std::vector<tunnel_report> tunnels;
  std::vector<destination_snapshot> destinations;
  summary_snapshot summary;
  subscribers_snapshot subscribers;
  std::size_t shards_missing = 0;   ///< shards that did not answer before the deadline
  std::size_t tunnels_missing = 0;  ///< tunnels that did not answer their shard in time (left out)
};

/// What a clear command did: the objects it closed or whose statistics it reset.
struct clear_report {
  bool statistics = false;                                        ///< counters reset, objects kept
  std::vector<std::pair<std::uint16_t, std::uint16_t>> sessions;  ///< (local tunnel ID, local session ID), sorted
  std::vector<std::uint16_t> tunnels;                             ///< local tunnel IDs, sorted
  std::size_t shards_missing = 0;
  std::size_t tunnels_missing = 0;   ///< tunnels that did not answer in time: their sessions were not cleared
  std::size_t sessions_missing = 0;  ///< sessions that did not answer in time (not cleared)
};

/// How deep a query goes: tunnels only, tunnels with their sessions' sums,
/// or the matching sessions themselves.
enum class query_depth : std::uint8_t { tunnels, totals, sessions };

/// A show command's question: which objects, and how deep.
struct query_request {
  query_filter filter;
  query_depth depth = query_depth::sessions;
};

/// What a RADIUS CoA-Request changes in a live session (RFC 5176); unset fields stay.
struct session_change {
  std::optional<std::chrono::seconds> session_timeout;   ///< from now on: counted from the session's start
  std::optional<std::chrono::seconds> idle_timeout;      ///< 0: off
  std::optional<std::chrono::seconds> interim_interval;  ///< 0: no Interim-Updates
};

/// Close matching sessions (or tunnels), or reset their statistics, or change them (CoA).
struct clear_request {
  query_filter filter;
  bool tunnels = false;     ///< tunnels (StopCCN) rather than sessions (CDN)
  bool statistics = false;  ///< reset counters, close nothing
  /// A CoA: apply this to the matching sessions, close nothing (sessions only; `statistics` false).
  std::optional<session_change> change;
};

/// One address pool's size and use.
struct pool_usage {
  std::string name;
  std::size_t size = 0;
  std::size_t in_use = 0;
  /// "ipv4" (addresses), "ipv6-prefix" (a /64 per session) or "delegated-prefix" (DHCPv6-PD).
  std::string family = "ipv4";
  std::uint8_t prefix_length = 32;  ///< of what is handed out (32 for IPv4)
};

/// How many tunnels a shard routes and how many of its IDs are taken (for tests and drain checks).
struct shard_counts {
  std::size_t tunnels = 0;
  std::size_t tunnel_ids_in_use = 0;
  std::size_t mailbox = 0;  ///< datagrams (and SCCRQs) sent to the shard and not yet taken, when it answered
};

}  // namespace bras::model
