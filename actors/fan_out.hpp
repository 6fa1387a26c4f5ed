// Asking many session actors for their snapshots at once, with a deadline,
// without blocking the tunnel: the tunnel's part of the query fan-out.
//
// A short-lived gatherer actor does the asking with plain messages and one
// timer. Not request(...).then: CAF 0.17 keeps one entry per outstanding
// request in a vector it searches linearly, so 100,000 requests from one
// actor cost seconds of that actor's time (a standalone CAF program, not in
// bench/: 10.4 s, versus 0.29 s with plain messages), during which the
// tunnel would answer no control message and the deadline would not fire.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "actors/messages.hpp"

namespace bras::actors {

/// How long sessions may take to answer before the gatherer counts the rest
/// as missing (busy, or ending).
inline constexpr std::chrono::seconds session_answer_deadline{1};

/// What the gatherer does with the answers. Both callbacks run in the
/// gatherer (they may send from `self`); `finish` delivers the reply.
struct gather_job {
  std::vector<caf::actor> targets;
  std::function<void(caf::event_based_actor* self, session_snapshot& s)> each;
  std::function<caf::message(std::size_t missing)> finish;
};

/// Spawns a gatherer; send it `gather_atom` (or delegate a request to it)
/// and it answers with what `job.finish` returns, then exits.
caf::actor spawn_gatherer(caf::actor_system& sys, gather_job job);

using gather_atom = caf::atom_constant<caf::atom("gather")>;

/// Copies the tunnel-level fields a session's view shows into its snapshot.
inline void inherit_tunnel_fields(session_snapshot& s, const tunnel_snapshot& t) {
  s.local = t.local;
  s.local_gateway_name = t.local_gateway_name;
  s.tunnel_group = t.tunnel_group;
  s.local_name = t.local_name;
  s.remote_name = t.remote_name;
}

}  // namespace bras::actors
