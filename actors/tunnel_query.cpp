#include "actors/tunnel_query.hpp"

#include <algorithm>
#include <memory>

#include "actors/fan_out.hpp"

namespace bras::actors {

namespace {

/// The session actors a filter can match (one when it names a session ID).
std::vector<caf::actor> targets(const session_actor_map& sessions, const query_filter& f) {
  std::vector<caf::actor> v;
  if (f.local_session_id) {
    for (const auto& [id, a] : sessions) {
      if (id == *f.local_session_id) v.push_back(a);
    }
    return v;
  }
  v.reserve(sessions.size());
  for (const auto& [id, a] : sessions) v.push_back(a);
  return v;
}

}  // namespace

caf::result<std::vector<tunnel_report>> answer_query(caf::event_based_actor* self, tunnel_snapshot tunnel,
                                                     const session_actor_map& sessions, const query_request& q) {
  if (!q.filter.matches_tunnel(tunnel)) return std::vector<tunnel_report>{};
  auto report = std::make_shared<tunnel_report>();
  report->tunnel = std::move(tunnel);
  if (q.depth == query_depth::tunnels || sessions.empty()) return std::vector<tunnel_report>{*report};
  auto rp = self->make_response_promise<std::vector<tunnel_report>>();
  const bool keep = q.depth == query_depth::sessions;
  gather_sessions(
      self, targets(sessions, q.filter),
      [report, keep, f = q.filter](session_snapshot& s) {
        inherit_tunnel_fields(s, report->tunnel);
        report->tunnel.add(s);
        if (keep && f.matches_session(s)) report->sessions.push_back(std::move(s));
      },
      [report, rp](std::size_t missing) mutable {
        report->tunnel.sessions_missing = missing;
        std::sort(report->sessions.begin(), report->sessions.end(),
                  [](const auto& x, const auto& y) { return x.local_session_id < y.local_session_id; });
        rp.deliver(std::vector<tunnel_report>{std::move(*report)});
      });
  return rp;
}

caf::result<clear_report> answer_clear(caf::event_based_actor* self, const tunnel_snapshot& tunnel,
                                       const session_actor_map& sessions, const clear_request& c,
                                       const std::function<void()>& reset_tunnel_stats) {
  clear_report r;
  r.statistics = c.statistics;
  if (!c.filter.matches_tunnel(tunnel)) return r;
  if (c.tunnels) {
    if (c.filter.session_filters()) return r;  // session-level filters select no tunnel
    r.tunnels.push_back(tunnel.local_tunnel_id);
    if (c.statistics) {
      reset_tunnel_stats();
      for (const auto& [id, a] : sessions) self->send(a, clear_stats_atom::value);
    } else {
      self->send(self, close_atom::value);  // StopCCN, then the sessions go with the tunnel
    }
    return r;
  }
  if (!c.filter.session_filters()) {
    // Every session of the tunnel matches: no need to ask them first.
    for (const auto& [id, a] : sessions) {
      c.statistics ? self->send(a, clear_stats_atom::value) : self->send(a, close_atom::value);
      r.sessions.emplace_back(tunnel.local_tunnel_id, id);
    }
    std::sort(r.sessions.begin(), r.sessions.end());
    return r;
  }
  auto rp = self->make_response_promise<clear_report>();
  auto result = std::make_shared<clear_report>(std::move(r));
  auto by_id = std::make_shared<session_actor_map>(sessions);
  gather_sessions(
      self, targets(sessions, c.filter),
      [self, result, by_id, f = c.filter, stats = c.statistics](session_snapshot& s) {
        if (!f.matches_session(s)) return;
        for (const auto& [id, a] : *by_id) {
          if (id != s.local_session_id) continue;
          stats ? self->send(a, clear_stats_atom::value) : self->send(a, close_atom::value);
          result->sessions.emplace_back(s.local_tunnel_id, s.local_session_id);
        }
      },
      [result, rp](std::size_t) mutable {
        std::sort(result->sessions.begin(), result->sessions.end());
        rp.deliver(std::move(*result));
      });
  return rp;
}

}  // namespace bras::actors
