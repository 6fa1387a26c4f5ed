#include "actors/tunnel_query.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_map>

#include "actors/acct_session_id.hpp"
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

/// Which of a tunnel's sessions a filter can match, known without asking them: none, one, or any.
struct session_scope {
  bool none = false;
  std::optional<std::uint16_t> only;
};

/// A session ID names one session; so do an Acct-Session-Id of ours (it carries its tunnel and
/// session, so a CoA among 100k sessions asks one) and an address (the data plane's table knows
/// its holder). The sessions still check the whole filter on their snapshot.
session_scope scope_of(const query_filter& f, std::uint16_t tunnel_id, const dataplane::session_table* table) {
  session_scope s;
  auto narrow = [&s, tunnel_id](std::uint16_t tid, std::uint16_t sid) {
    if (tid != tunnel_id || (s.only && *s.only != sid)) s.none = true;
    s.only = sid;
  };
  if (f.local_session_id) s.only = *f.local_session_id;
  if (f.acct_session_id) {
    // Not one of ours: no session of ours carries it.
    if (auto r = route_of(*f.acct_session_id)) {
      narrow(r->local_tunnel_id, r->local_session_id);
    } else {
      s.none = true;
    }
  }
  if (f.address && table != nullptr) {
    if (auto holder = table->find_ipv4(*f.address)) {
      narrow(holder->local_tunnel_id, holder->local_session_id);
    } else {
      s.none = true;
    }
  }
  return s;
}

/// The session actors a filter can match (see scope_of).
std::vector<caf::actor> targets(const session_actor_map& sessions, const session_scope& scope) {
  std::vector<caf::actor> v;
  if (scope.none) return v;
  if (scope.only) {
    for (const auto& [id, a] : sessions) {
      if (id == *scope.only) v.push_back(caf::actor_cast<caf::actor>(a));
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
                                                                     const query_request& q,
                                                                     const dataplane::session_table* table) {
  if (!q.filter.matches_tunnel(tunnel)) return reply_now(self, std::vector<tunnel_report>{});
  auto report = std::make_shared<tunnel_report>();
  report->tunnel = std::move(tunnel);
  if (q.depth == query_depth::tunnels || sessions.empty()) {
    return reply_now(self, std::vector<tunnel_report>{std::move(*report)});
  }
  const bool keep = q.depth == query_depth::sessions;
  auto job = ask_sessions(targets(sessions, scope_of(q.filter, report->tunnel.local_tunnel_id, table)));
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
                                                       const std::function<void()>& reset_tunnel_stats,
                                                       const dataplane::session_table* table) {
  clear_report r;
  r.statistics = c.statistics;
  if (!c.filter.matches_tunnel(tunnel)) return reply_now(self, std::move(r));
  if (c.change && c.tunnels) return reply_now(self, std::move(r));  // a CoA changes sessions, never tunnels
  // What each matching session is sent: a CoA's change, a statistics reset, or the close.
  auto act = [change = c.change, stats = c.statistics](auto* from, const session_actor& to) {
    if (change) {
      from->send(to, session_input{*change});
    } else if (stats) {
      from->send(to, session_input{session_signal::clear_stats});
    } else {
      from->send(to, session_input{session_signal::close});
    }
  };
  if (c.tunnels) {
    if (c.filter.local_session_id || c.filter.user) return reply_now(self, std::move(r));  // select no tunnel
    r.tunnels.push_back(tunnel.local_tunnel_id);
    if (c.statistics) {
      reset_tunnel_stats();
      for (const auto& [id, a] : sessions) self->send(a, session_input{session_signal::clear_stats});
    } else {
      self->send(self, close_atom::value);  // StopCCN, then the sessions go with the tunnel
    }
    return reply_now(self, std::move(r));
  }
  if (!c.filter.session_filters()) {
    // Every session of the tunnel matches: no need to ask them first.
    for (const auto& [id, a] : sessions) {
      act(self, a);
      r.sessions.emplace_back(tunnel.local_tunnel_id, id);
    }
    std::sort(r.sessions.begin(), r.sessions.end());
    return reply_now(self, std::move(r));
  }
  auto result = std::make_shared<clear_report>(std::move(r));
  auto by_id = std::make_shared<std::unordered_map<std::uint16_t, session_actor>>(sessions.begin(), sessions.end());
  const auto scope = scope_of(c.filter, tunnel.local_tunnel_id, table);
  if (scope.none) return reply_now(self, std::move(*result));
  auto job = ask_sessions(targets(sessions, scope));
  job.merge = [result, by_id, f = c.filter, act](caf::event_based_actor* g, session_snapshot& s) {
    if (!f.matches_session(s)) return;
    auto it = by_id->find(s.local_session_id);
    if (it == by_id->end()) return;
    act(g, it->second);
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
