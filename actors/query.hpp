// The query actor: answers the operator interface and anything else that
// needs a consistent-enough picture of many tunnels and sessions. It fans a
// request out to every shard with a deadline; each shard asks its tunnels,
// each tunnel filters itself and asks only the sessions that can match. No
// global lock, nothing stops: subscribers keep being served while it runs.
//
//   (query_atom, query_request) -> query_snapshot
//   (clear_atom, clear_request) -> clear_report
#pragma once

#include <caf/all.hpp>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"

namespace bras::actors {

/// How long shards may take to answer before the query goes on without them.
inline constexpr std::chrono::seconds shard_answer_deadline{5};

/// What the query actor uses. The pointers are not null and outlive the
/// actor (the daemon owns them and awaits every actor before it goes).
struct query_config {
  std::vector<shard_actor> shards;              ///< asked for their tunnels
  lac_actor lac;                                ///< asked for its destinations' lockouts (none: no LAC)
  const config::l2tp_settings* l2tp = nullptr;  ///< the summary's settings and the configured destinations
  const counters* stats = nullptr;              ///< tunnels_active, sessions_active
  // RADIUS (invalid handles: not configured), asked for their parts of the aaa_snapshot.
  radius_client_actor radius_auth;
  radius_client_actor radius_acct;
  accounting_actor accounting;
  const coa_actor* coa = nullptr;  ///< read on use: the CoA server is spawned after the query actor
};

query_actor spawn_query(caf::actor_system& sys, query_config cfg);

/// Fills `q.summary`, `q.destinations` and `q.subscribers` from the tunnel
/// reports already in `q`, the configuration and the daemon's counters
/// (`lockouts`: seconds of lockout left per configured destination).
void summarize(query_snapshot& q, const config::l2tp_settings& l2, const counters& stats,
               const std::vector<std::int64_t>& lockouts);

}  // namespace bras::actors
