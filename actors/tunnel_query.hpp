// The tunnel's part of the query fan-out: answer a query or a clear from
// the tunnel's own snapshot and its sessions, without blocking the tunnel
// (the sessions answer asynchronously, with a deadline).
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "actors/catalogue.hpp"
#include "dataplane/session_table.hpp"

namespace bras::actors {

/// A tunnel's sessions: (local session ID, actor), in any order.
using session_actor_map = std::vector<std::pair<std::uint16_t, session_actor>>;

/// (query_atom, query_request): a std::vector<tunnel_report> of none or one
/// (a fan-out gatherer collects the sessions' answers and replies). With `table`, a filter on an
/// address asks only the session holding it (an Acct-Session-Id of ours names its session anyway).
caf::typed_response_promise<std::vector<tunnel_report>> answer_query(tunnel_actor::pointer self, tunnel_snapshot tunnel,
                                                                     const session_actor_map& sessions,
                                                                     const query_request& q,
                                                                     const dataplane::session_table* table = nullptr);

/// (clear_atom, clear_request): closes the tunnel (close_atom to `self`) or
/// the matching sessions, or resets statistics (`reset_tunnel_stats` for
/// the tunnel's own counters, clear_stats_atom to sessions), or, with `c.change` (a RADIUS CoA),
/// sends the change to the matching sessions (never to the tunnel). `table` as for answer_query.
caf::typed_response_promise<clear_report> answer_clear(tunnel_actor::pointer self, const tunnel_snapshot& tunnel,
                                                       const session_actor_map& sessions, const clear_request& c,
                                                       const std::function<void()>& reset_tunnel_stats,
                                                       const dataplane::session_table* table = nullptr);

}  // namespace bras::actors
