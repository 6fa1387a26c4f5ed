#include "actors/tunnel_query.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "actors/fan_out.hpp"

namespace bras::actors {

namespace {

/// How long sessions may take to answer before the tunnel counts the rest
/// as missing (busy, or ending).
constexpr std::chrono::seconds session_answer_deadline{1};

/// Copies the tunnel-level fields a session's view shows into its snapshot.
void inherit_tunnel_fields(session_snapshot& s, const tunnel_snapshot& t) {
  s.local = t.local;
  s.local_gateway_name = t.local_gateway_name;
  s.tunnel_group = t.tunnel_group;
  s.local_name = t.local_name;
  s.remote_name = t.remote_name;
}

/// Asks `sessions` for their snapshots, within the sessions' deadline.
fan_out_job<session_snapshot> ask_sessions(std::vector<caf::actor> sessions) {
  fan_out_job<session_snapshot> job;
  job.request = caf::make_message(snapshot_atom::value);
  job.targets = std::move(sessions);
  job.deadline = session_answer_deadline;
  return job;
}

/// The session actors a filter can match (one when it names a session ID).
std::vector<caf::actor> targets(const session_actor_map& sessions, const query_filter& f) {
  std::vector<caf::actor> v;
  if (f.local_session_id) {
    for (const auto& [id, a] : sessions) {
      if (id == *f.local_session_id) v.push_back(caf::actor_cast<caf::actor>(a));
    }
    return v;
  }
  v.reserve(sessions.size());
  for (const auto& [id, a] : sessions) v.push_back(caf::actor_cast<caf::actor>(a));
  return v;
}

/// An answer known at once, as the typed promise the handler returns.
template <class Reply>
caf::typed_response_promise<Reply> reply_now(tunnel_actor::pointer self, Reply reply) {
  auto promise = self->make_response_promise<Reply>();
  promise.deliver(std::move(reply));
  return promise;
}

}  // namespace

caf::typed_response_promise<std::vector<tunnel_report>> answer_query(tunnel_actor::pointer self, tunnel_snapshot tunnel,
                                                                     const session_actor_map& sessions,
                                                                     const query_request& q) {
  if (!q.filter.matches_tunnel(tunnel)) return reply_now(self, std::vector<tunnel_report>{});
  auto report = std::make_shared<tunnel_report>();
  report->tunnel = std::move(tunnel);
  if (q.depth == query_depth::tunnels || sessions.empty()) {
    return reply_now(self, std::vector<tunnel_report>{std::move(*report)});
  }
  const bool keep = q.depth == query_depth::sessions;
  auto job = ask_sessions(targets(sessions, q.filter));
  job.merge = [report, keep, f = q.filter](caf::event_based_actor*, session_snapshot& s) {
    inherit_tunnel_fields(s, report->tunnel);
    report->tunnel.add(s);
    if (keep && f.matches_session(s)) report->sessions.push_back(std::move(s));
  };
  job.finish = [report](caf::event_based_actor*, std::size_t missing, caf::response_promise& reply) {
    report->tunnel.sessions_missing = missing;
    std::sort(report->sessions.begin(), report->sessions.end(),
              [](const auto& x, const auto& y) { return x.local_session_id < y.local_session_id; });
    reply.deliver(std::vector<tunnel_report>{std::move(*report)});
  };
  return fan_out_to<std::vector<tunnel_report>>(self, std::move(job));
}

caf::typed_response_promise<clear_report> answer_clear(tunnel_actor::pointer self, const tunnel_snapshot& tunnel,
                                                       const session_actor_map& sessions, const clear_request& c,
                                                       const std::function<void()>& reset_tunnel_stats) {
  clear_report r;
  r.statistics = c.statistics;
  if (!c.filter.matches_tunnel(tunnel)) return reply_now(self, std::move(r));
  if (c.tunnels) {
    if (c.filter.local_session_id || c.filter.user) return reply_now(self, std::move(r));  // select no tunnel
    r.tunnels.push_back(tunnel.local_tunnel_id);
    if (c.statistics) {
      reset_tunnel_stats();
      for (const auto& [id, a] : sessions) self->send(a, clear_stats_atom::value);
    } else {
      self->send(self, close_atom::value);  // StopCCN, then the sessions go with the tunnel
    }
    return reply_now(self, std::move(r));
  }
  if (!c.filter.session_filters()) {
    // Every session of the tunnel matches: no need to ask them first.
    for (const auto& [id, a] : sessions) {
      c.statistics ? self->send(a, clear_stats_atom::value) : self->send(a, close_atom::value);
      r.sessions.emplace_back(tunnel.local_tunnel_id, id);
    }
    std::sort(r.sessions.begin(), r.sessions.end());
    return reply_now(self, std::move(r));
  }
  auto result = std::make_shared<clear_report>(std::move(r));
  auto by_id = std::make_shared<std::unordered_map<std::uint16_t, session_actor>>(sessions.begin(), sessions.end());
  auto job = ask_sessions(targets(sessions, c.filter));
  job.merge = [result, by_id, f = c.filter, stats = c.statistics](caf::event_based_actor* g, session_snapshot& s) {
    if (!f.matches_session(s)) return;
    auto it = by_id->find(s.local_session_id);
    if (it == by_id->end()) return;
    stats ? g->send(it->second, clear_stats_atom::value) : g->send(it->second, close_atom::value);
    result->sessions.emplace_back(s.local_tunnel_id, s.local_session_id);
  };
  job.finish = [result](caf::event_based_actor*, std::size_t missing, caf::response_promise& reply) {
    result->sessions_missing += missing;
    std::sort(result->sessions.begin(), result->sessions.end());
    reply.deliver(std::move(*result));
  };
  return fan_out_to<clear_report>(self, std::move(job));
}

}  // namespace bras::actors
