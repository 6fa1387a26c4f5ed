// Asking many session actors for their snapshots at once, with a deadline,
// without blocking the asking actor: the tunnel's part of the query fan-out.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "actors/messages.hpp"

namespace bras::actors {

/// How long a session may take to answer a snapshot request before the
/// tunnel counts it as missing (it is busy or ending).
inline constexpr std::chrono::seconds session_answer_deadline{1};

/// Sends snapshot_atom to every target; calls `each` with every answer and,
/// once all answered or timed out, `done` with the number that did not.
template <class Self>
void gather_sessions(Self* self, const std::vector<caf::actor>& targets, std::function<void(session_snapshot&)> each,
                     std::function<void(std::size_t missing)> done) {
  if (targets.empty()) {
    done(0);
    return;
  }
  struct progress {
    std::size_t pending = 0, missing = 0;
    std::function<void(session_snapshot&)> each;
    std::function<void(std::size_t)> done;
  };
  auto p = std::make_shared<progress>(progress{targets.size(), 0, std::move(each), std::move(done)});
  for (const auto& t : targets) {
    self->request(t, session_answer_deadline, snapshot_atom::value)
        .then(
            [p](session_snapshot& s) {
              p->each(s);
              if (--p->pending == 0) p->done(p->missing);
            },
            [p](caf::error&) {
              ++p->missing;
              if (--p->pending == 0) p->done(p->missing);
            });
  }
}

/// Copies the tunnel-level fields a session's view shows into its snapshot.
inline void inherit_tunnel_fields(session_snapshot& s, const tunnel_snapshot& t) {
  s.local = t.local;
  s.local_gateway_name = t.local_gateway_name;
  s.tunnel_group = t.tunnel_group;
  s.local_name = t.local_name;
  s.remote_name = t.remote_name;
}

}  // namespace bras::actors
