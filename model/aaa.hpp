// What the operator and Prometheus see of RADIUS: each server's state and
// counters, the accounting spool, and the CoA/Disconnect listener. Plain
// data: produced by actors/ (radius_client, accounting, coa_server), gathered
// by the query actor, rendered by cli/ and exported by metrics/.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/endpoint.hpp"
#include "model/snapshot.hpp"

namespace bras::model {

/// Upper bounds (seconds) of the RADIUS latency histogram's buckets; +Inf is implied.
inline constexpr std::array<double, 11> radius_latency_bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                              0.5,   1.0,  2.5,   5.0,  10.0};

struct radius_server_snapshot {
  std::string name;
  std::string service;  ///< "authentication" or "accounting"
  udp_peer address;
  std::string state;  ///< "alive", "dead", "probing"
  std::optional<wall_time> dead_until;
  std::string message_authenticator;  ///< the setting: "auto", "yes", "no"
  bool message_authenticator_seen = false;
  unsigned weight = 1;
  unsigned outstanding = 0;
  unsigned max_outstanding = 0;
  std::uint64_t requests = 0;  ///< first transmissions
  std::uint64_t retransmissions = 0;
  std::uint64_t timeouts = 0;                              ///< requests whose every attempt on this server timed out
  std::uint64_t accepts = 0, rejects = 0, challenges = 0;  ///< authentication
  std::uint64_t responses = 0;                             ///< Accounting-Response
  std::uint64_t bad_authenticators = 0;                    ///< replies refused: Response or Message-Authenticator wrong
  std::uint64_t missing_message_authenticator = 0;         ///< replies refused: required and absent
  std::uint64_t malformed = 0;                             ///< undecodable or unmatched replies
  std::uint64_t status_server_sent = 0, status_server_answered = 0;
  /// Latency of answered requests (first send to answer): counts per bucket of radius_latency_bounds
  /// (not cumulative) plus one for +Inf, and the sum.
  std::array<std::uint64_t, radius_latency_bounds.size() + 1> latency_buckets{};
  double latency_sum_seconds = 0;
};

struct radius_client_snapshot {
  std::vector<radius_server_snapshot> servers;
  std::size_t queued = 0;  ///< requests waiting for a server with room
  std::size_t queue_limit = 0;
  std::uint64_t queue_full = 0;  ///< requests refused because the queue was full
  std::uint64_t no_server = 0;   ///< requests that failed on every server
  std::size_t source_ports = 0;  ///< UDP source ports open (256 identifiers each)
};

struct spool_snapshot {
  bool enabled = false;
  std::string directory;
  std::string when_full;    ///< "refuse-new-sessions" or "drop-oldest-interims"
  std::size_t records = 0;  ///< written and not yet acknowledged
  std::uint64_t bytes = 0;  ///< on disk
  std::uint64_t max_bytes = 0;
  std::optional<std::chrono::seconds> oldest_age;  ///< of the oldest unacknowledged record
  bool full = false;
  std::uint64_t written = 0, acknowledged = 0, resent = 0;  ///< records (resent: attempts after the first)
  std::uint64_t replayed = 0;                               ///< found unacknowledged in the spool at start
  std::uint64_t dropped_interims = 0;                       ///< drop-oldest-interims at work
  std::uint64_t refused_sessions = 0;                       ///< refuse-new-sessions at work
  std::uint64_t lost =
      0;  ///< records that could not be written (full past the Stop reserve, a write error) or read back
  std::uint64_t fsyncs = 0;
  std::uint64_t starts = 0, interims = 0, stops = 0;  ///< records written, by kind
  std::size_t memory_bytes = 0;                       ///< what the accounting actor holds in memory for the spool
};

struct coa_snapshot {
  bool enabled = false;
  udp_peer listen;
  std::uint64_t disconnect_requests = 0, coa_requests = 0;
  std::uint64_t acks = 0, naks = 0;
  std::uint64_t unknown_client = 0;     ///< dropped: source not a configured client
  std::uint64_t bad_authenticator = 0;  ///< dropped
  std::uint64_t replayed = 0;           ///< dropped: Event-Timestamp outside the window, or a duplicate
  std::uint64_t malformed = 0;          ///< dropped
};

/// `show network-access aaa statistics` and the brasd_radius_* families.
struct aaa_snapshot {
  wall_time taken_at;
  bool radius = false;  ///< RADIUS is configured at all
  radius_client_snapshot authentication;
  radius_client_snapshot accounting;
  spool_snapshot spool;
  coa_snapshot coa;
  std::uint64_t sessions_refused_queue_full = 0;  ///< new sessions refused: RADIUS queue full (the query actor
                                                  ///< derives it from the authentication group's queue_full)
};

}  // namespace bras::model
