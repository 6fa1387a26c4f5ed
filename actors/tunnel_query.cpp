#include "actors/tunnel_query.hpp"

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "actors/fan_out.hpp"

namespace bras::actors {

namespace {

using deadline_atom = caf::atom_constant<caf::atom("deadline")>;

struct gatherer_state {
  static constexpr const char* name = "gatherer";
  gather_job job;
  std::size_t answered = 0;
  caf::response_promise reply;
  bool done = false;
};

caf::behavior gatherer(caf::stateful_actor<gatherer_state>* self, gather_job job) {
  self->state.job = std::move(job);
  auto finish = [self] {
    auto& st = self->state;
    if (st.done) return;
    st.done = true;
    st.reply.deliver(st.job.finish(st.job.targets.size() - st.answered));
    self->quit();
  };
  return {
      [self, finish](gather_atom) {
        auto& st = self->state;
        st.reply = self->make_response_promise();
        for (const auto& t : st.job.targets) self->send(t, snapshot_atom::value);
        if (st.job.targets.empty()) return finish();
        self->delayed_send(self, session_answer_deadline, deadline_atom::value);
      },
      // A session's reply to the plain snapshot_atom message.
      [self, finish](session_snapshot& s) {
        auto& st = self->state;
        if (st.done) return;
        st.job.each(self, s);
        if (++st.answered == st.job.targets.size()) finish();
      },
      [finish](deadline_atom) { finish(); },
  };
}

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

caf::actor spawn_gatherer(caf::actor_system& sys, gather_job job) {
  return sys.spawn(gatherer, std::move(job));
}

caf::result<caf::message> answer_query(caf::event_based_actor* self, tunnel_snapshot tunnel,
                                       const session_actor_map& sessions, const query_request& q) {
  if (!q.filter.matches_tunnel(tunnel)) return caf::make_message(std::vector<tunnel_report>{});
  auto report = std::make_shared<tunnel_report>();
  report->tunnel = std::move(tunnel);
  if (q.depth == query_depth::tunnels || sessions.empty()) {
    return caf::make_message(std::vector<tunnel_report>{std::move(*report)});
  }
  const bool keep = q.depth == query_depth::sessions;
  gather_job job;
  job.targets = targets(sessions, q.filter);
  job.each = [report, keep, f = q.filter](caf::event_based_actor*, session_snapshot& s) {
    inherit_tunnel_fields(s, report->tunnel);
    report->tunnel.add(s);
    if (keep && f.matches_session(s)) report->sessions.push_back(std::move(s));
  };
  job.finish = [report](std::size_t missing) {
    report->tunnel.sessions_missing = missing;
    std::sort(report->sessions.begin(), report->sessions.end(),
              [](const auto& x, const auto& y) { return x.local_session_id < y.local_session_id; });
    return caf::make_message(std::vector<tunnel_report>{std::move(*report)});
  };
  return self->delegate(spawn_gatherer(self->system(), std::move(job)), gather_atom::value);
}

caf::result<caf::message> answer_clear(caf::event_based_actor* self, const tunnel_snapshot& tunnel,
                                       const session_actor_map& sessions, const clear_request& c,
                                       const std::function<void()>& reset_tunnel_stats) {
  clear_report r;
  r.statistics = c.statistics;
  if (!c.filter.matches_tunnel(tunnel)) return caf::make_message(std::move(r));
  if (c.tunnels) {
    if (c.filter.local_session_id || c.filter.user) return caf::make_message(std::move(r));  // select no tunnel
    r.tunnels.push_back(tunnel.local_tunnel_id);
    if (c.statistics) {
      reset_tunnel_stats();
      for (const auto& [id, a] : sessions) self->send(a, clear_stats_atom::value);
    } else {
      self->send(self, close_atom::value);  // StopCCN, then the sessions go with the tunnel
    }
    return caf::make_message(std::move(r));
  }
  if (!c.filter.session_filters()) {
    // Every session of the tunnel matches: no need to ask them first.
    for (const auto& [id, a] : sessions) {
      c.statistics ? self->send(a, clear_stats_atom::value) : self->send(a, close_atom::value);
      r.sessions.emplace_back(tunnel.local_tunnel_id, id);
    }
    std::sort(r.sessions.begin(), r.sessions.end());
    return caf::make_message(std::move(r));
  }
  auto result = std::make_shared<clear_report>(std::move(r));
  auto by_id = std::make_shared<std::unordered_map<std::uint16_t, caf::actor>>(sessions.begin(), sessions.end());
  gather_job job;
  job.targets = targets(sessions, c.filter);
  job.each = [result, by_id, f = c.filter, stats = c.statistics](caf::event_based_actor* g, session_snapshot& s) {
    if (!f.matches_session(s)) return;
    auto it = by_id->find(s.local_session_id);
    if (it == by_id->end()) return;
    stats ? g->send(it->second, clear_stats_atom::value) : g->send(it->second, close_atom::value);
    result->sessions.emplace_back(s.local_tunnel_id, s.local_session_id);
  };
  job.finish = [result](std::size_t missing) {
    result->sessions_missing += missing;
    std::sort(result->sessions.begin(), result->sessions.end());
    return caf::make_message(std::move(*result));
  };
  return self->delegate(spawn_gatherer(self->system(), std::move(job)), gather_atom::value);
}

}  // namespace bras::actors
