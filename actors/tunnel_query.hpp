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

namespace bras::actors {

/// A tunnel's sessions: (local session ID, actor), in any order.
using session_actor_map = std::vector<std::pair<std::uint16_t, session_actor>>;

/// (query_atom, query_request): a std::vector<tunnel_report> of none or one
/// (a fan-out gatherer collects the sessions' answers and replies).
caf::typed_response_promise<std::vector<tunnel_report>> answer_query(tunnel_actor::pointer self, tunnel_snapshot tunnel,
                                                                     const session_actor_map& sessions,
                                                                     const query_request& q);

/// (clear_atom, clear_request): closes the tunnel (close_atom to `self`) or
/// the matching sessions, or resets statistics (`reset_tunnel_stats` for
/// the tunnel's own counters, clear_stats_atom to sessions).
caf::typed_response_promise<clear_report> answer_clear(tunnel_actor::pointer self, const tunnel_snapshot& tunnel,
                                                       const session_actor_map& sessions, const clear_request& c,
                                                       const std::function<void()>& reset_tunnel_stats);

}  // namespace bras::actors
