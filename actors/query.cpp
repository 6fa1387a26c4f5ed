#include "actors/query.hpp"

#include <algorithm>
#include <map>
#include <memory>

#include "actors/fan_out.hpp"

namespace bras::actors {

namespace {

struct query_state {
  static constexpr const char* name = "query";
  std::shared_ptr<const query_config> cfg;  ///< shared with the gatherers that summarize
};

/// How long the LAC controller may take to tell its destinations' lockouts.
constexpr std::chrono::seconds lac_answer_deadline{1};

/// Asks every shard (atom, request), within the shards' deadline; `Answer`
/// is their reply.
template <class Answer, class Atom, class Request>
fan_out_job<Answer> ask_shards(const query_config& cfg, Atom atom, const Request& request) {
  fan_out_job<Answer> job;
  job.request = caf::make_message(atom, request);
  for (const auto& s : cfg.shards) job.targets.push_back(caf::actor_cast<caf::actor>(s));
  job.deadline = shard_answer_deadline;
  return job;
}

/// Summarizes `q` with the LAC controller's lockouts (none if it does not
/// answer in time) and delivers it to `reply`: a fan-out to one actor.
void summarize_with_lockouts(caf::event_based_actor* self, std::shared_ptr<const query_config> cfg, query_snapshot q,
                             caf::response_promise reply) {
  fan_out_job<std::vector<std::int64_t>> job;
  job.request = caf::make_message(query_atom::value);
  job.targets = {caf::actor_cast<caf::actor>(cfg->lac)};
  job.deadline = lac_answer_deadline;
  auto snapshot = std::make_shared<query_snapshot>(std::move(q));
  auto lockouts = std::make_shared<std::vector<std::int64_t>>();
  job.merge = [lockouts](caf::event_based_actor*, std::vector<std::int64_t>& left) { *lockouts = std::move(left); };
  job.finish = [cfg, snapshot, lockouts](caf::event_based_actor*, std::size_t, caf::response_promise& to) {
    summarize(*snapshot, *cfg->l2tp, *cfg->stats, *lockouts);
    to.deliver(std::move(*snapshot));
  };
  caf::anon_send(spawn_fan_out(self->system(), std::move(job), std::move(reply)), fan_out_start_atom::value);
}

/// How long each RADIUS actor may take to tell its part of the aaa_snapshot.
constexpr std::chrono::seconds aaa_answer_deadline{1};

/// The aaa_snapshot being gathered: one part per RADIUS actor, delivered when the last answers
/// (or fails, or its deadline passes: that part keeps its defaults).
struct aaa_gathering {
  aaa_snapshot snapshot;
  std::size_t pending = 0;
  caf::typed_response_promise<aaa_snapshot> reply;
  void one_done() {
    if (--pending != 0) return;
    // The AAA actor is the authentication client's only caller: each request the full queue refused
    // was a new session refused.
    snapshot.sessions_refused_queue_full = snapshot.authentication.queue_full;
    reply.deliver(std::move(snapshot));
  }
};

/// Asks `target` for its part, stores it with `store`. At most four requests
/// are in flight (one per RADIUS actor), so request().then is cheap here.
template <class Part, class Self, class Handle, class Store>
void ask_part(Self* self, const Handle& target, const std::shared_ptr<aaa_gathering>& g, Store store) {
  self->request(target, aaa_answer_deadline, aaa_stats_atom::value)
      .then(
          [g, store](Part& part) {
            store(g->snapshot, std::move(part));
            g->one_done();
          },
          [g](caf::error&) { g->one_done(); });
}

/// (aaa_stats_atom): the RADIUS clients', the accounting spool's and the CoA
/// server's snapshots, each asked only if that actor exists, without blocking.
template <class Self>
caf::typed_response_promise<aaa_snapshot> gather_aaa(Self* self, const query_config& cfg) {
  auto g = std::make_shared<aaa_gathering>();
  g->reply = self->template make_response_promise<aaa_snapshot>();
  g->snapshot.taken_at = std::chrono::system_clock::now();
  g->pending = 1;  // held until every request is out, so no answer can finish the gathering early
  // The CoA server is spawned after this actor (it needs its handle): read its slot now.
  const coa_actor coa = cfg.coa != nullptr ? *cfg.coa : coa_actor{};
  g->snapshot.radius = cfg.radius_auth || cfg.radius_acct || cfg.accounting || coa;
  if (cfg.radius_auth) {
    ++g->pending;
    ask_part<model::radius_client_snapshot>(self, cfg.radius_auth, g, [](aaa_snapshot& s, auto&& part) {
      s.authentication = std::forward<decltype(part)>(part);
    });
  }
  if (cfg.radius_acct) {
    ++g->pending;
    ask_part<model::radius_client_snapshot>(self, cfg.radius_acct, g, [](aaa_snapshot& s, auto&& part) {
      s.accounting = std::forward<decltype(part)>(part);
    });
  }
  if (cfg.accounting) {
    ++g->pending;
    ask_part<model::spool_snapshot>(self, cfg.accounting, g,
                                    [](aaa_snapshot& s, auto&& part) { s.spool = std::forward<decltype(part)>(part); });
  }
  if (coa) {
    ++g->pending;
    ask_part<model::coa_snapshot>(self, coa, g,
                                  [](aaa_snapshot& s, auto&& part) { s.coa = std::forward<decltype(part)>(part); });
  }
  auto promise = g->reply;
  g->one_done();
  return promise;
}

void add_counters(destination_snapshot& d, const tunnel_snapshot& t) {
  d.tunnels_total += 1;
  d.tunnels_active += t.state == "established" ? 1 : 0;
  d.sessions_total += t.sessions;
  d.sessions_active += t.sessions;
  d.control_rx_packets += t.tunnel_control_rx_packets;
  d.control_rx_bytes += t.tunnel_control_rx_bytes;
  d.control_tx_packets += t.tunnel_control_tx_packets;
  d.control_tx_bytes += t.tunnel_control_tx_bytes;
  d.data_rx_packets += t.data_rx_packets;
  d.data_rx_bytes += t.data_rx_bytes;
  d.data_tx_packets += t.data_tx_packets;
  d.data_tx_bytes += t.data_tx_bytes;
  d.rx_errors += t.rx_errors;
  d.tx_errors += t.tx_errors;
}

query_actor::behavior_type query_behavior(query_actor::stateful_pointer<query_state> self, query_config config) {
  self->state.cfg = std::make_shared<const query_config>(std::move(config));
  return {
      [self](query_atom, const query_request& req) {
        const auto& cfg = self->state.cfg;
        auto job = ask_shards<shard_answer>(*cfg, query_atom::value, req);
        auto all = std::make_shared<shard_answer>();
        job.merge = [all](caf::event_based_actor*, shard_answer& one) {
          for (auto& r : one.tunnels) all->tunnels.push_back(std::move(r));
          all->tunnels_missing += one.tunnels_missing;
        };
        job.finish = [all, cfg](caf::event_based_actor* gatherer, std::size_t missing, caf::response_promise& reply) {
          query_snapshot q;
          q.taken_at = std::chrono::system_clock::now();
          q.tunnels = std::move(all->tunnels);
          q.tunnels_missing = all->tunnels_missing;
          q.shards_missing = missing;
          std::sort(q.tunnels.begin(), q.tunnels.end(),
                    [](const auto& x, const auto& y) { return x.tunnel.local_tunnel_id < y.tunnel.local_tunnel_id; });
          if (!cfg->lac || cfg->l2tp->destinations.empty()) {
            summarize(q, *cfg->l2tp, *cfg->stats, {});
            reply.deliver(std::move(q));
            return;
          }
          summarize_with_lockouts(gatherer, cfg, std::move(q), reply);
        };
        return fan_out_to<query_snapshot>(self, std::move(job));
      },
      [self](clear_atom, const clear_request& req) {
        auto job = ask_shards<clear_report>(*self->state.cfg, clear_atom::value, req);
        auto all = std::make_shared<clear_report>();
        job.merge = [all](caf::event_based_actor*, clear_report& one) {
          all->sessions.insert(all->sessions.end(), one.sessions.begin(), one.sessions.end());
          all->tunnels.insert(all->tunnels.end(), one.tunnels.begin(), one.tunnels.end());
          all->tunnels_missing += one.tunnels_missing;
          all->sessions_missing += one.sessions_missing;
        };
        job.finish = [all, stats = req.statistics](caf::event_based_actor*, std::size_t missing,
                                                   caf::response_promise& reply) {
          all->statistics = stats;
          all->shards_missing = missing;
          std::sort(all->sessions.begin(), all->sessions.end());
          std::sort(all->tunnels.begin(), all->tunnels.end());
          reply.deliver(std::move(*all));
        };
        return fan_out_to<clear_report>(self, std::move(job));
      },
      [self](aaa_stats_atom) { return gather_aaa(self, *self->state.cfg); },
  };
}

}  // namespace

void summarize(query_snapshot& q, const config::l2tp_settings& l2, const counters& stats,
               const std::vector<std::int64_t>& lockouts) {
  auto& s = q.summary;
  // admin_enabled, failover_within_preference and weighted_load_balancing keep
  // their defaults: brasd has no drain state or failover knob, and its LAC
  // always weighs destinations of equal preference.
  s.tunnel_authentication_challenge =
      std::any_of(l2.destinations.begin(), l2.destinations.end(), [](const auto& d) { return !d.secret.empty(); });
  for (const auto& g : l2.tunnel_groups) {
    for (const auto& c : g.clients) s.tunnel_authentication_challenge |= !c.secret.empty();
  }
  s.retransmit_count = l2.retransmit_count;
  s.retransmit_initial = l2.retransmit_initial;
  s.retransmit_max = l2.retransmit_max;
  s.destination_lockout = l2.destination_lockout;
  // The smallest receive window configured anywhere (tunnel groups, their
  // clients, destinations); RFC 2661's 4 when nothing is configured.
  s.receive_window = 0;
  auto window = [&](std::uint16_t w) { s.receive_window = s.receive_window == 0 ? w : std::min(s.receive_window, w); };
  for (const auto& g : l2.tunnel_groups) {
    window(g.receive_window);
    for (const auto& c : g.clients) {
      if (c.receive_window) window(*c.receive_window);
    }
  }
  for (const auto& d : l2.destinations) window(d.receive_window);
  if (s.receive_window == 0) s.receive_window = 4;
  s.tunnels = static_cast<std::size_t>(std::max<std::int64_t>(0, stats.tunnels_active.load()));
  s.sessions = static_cast<std::size_t>(std::max<std::int64_t>(0, stats.sessions_active.load()));

  // Destinations: the configured LNSs (LAC role), then the LACs that have
  // tunnels to us (LNS role), by address.
  q.destinations.clear();
  for (std::size_t i = 0; i < l2.destinations.size(); ++i) {
    const auto& cd = l2.destinations[i];
    destination_snapshot d;
    d.index = static_cast<std::uint32_t>(q.destinations.size() + 1);
    d.lac = true;
    d.name = cd.name;
    d.peer = {config::parse_ipv4(cd.address).value_or(0), cd.port};
    d.local_gateway_name =
        cd.local_gateway.empty() && !l2.local_gateways.empty() ? l2.local_gateways[0].name : cd.local_gateway;
    for (const auto& gw : l2.local_gateways) {
      if (gw.name == d.local_gateway_name) d.local = {config::parse_ipv4(gw.address).value_or(0), gw.port};
    }
    d.preference = cd.preference;
    d.weight = cd.weight;
    const auto left = i < lockouts.size() ? lockouts[i] : 0;
    d.state = left > 0 ? "Locked out" : "Enabled";
    if (left > 0) d.lockout_remaining = std::chrono::seconds{left};
    for (const auto& r : q.tunnels) {
      if (r.tunnel.lac && r.tunnel.tunnel_group == cd.name) add_counters(d, r.tunnel);
    }
    q.destinations.push_back(std::move(d));
  }
  std::map<std::uint32_t, destination_snapshot> peers;
  for (const auto& r : q.tunnels) {
    if (r.tunnel.lac) continue;
    auto& d = peers[r.tunnel.peer.address];
    d.lac = false;
    if (d.name.empty()) d.name = r.tunnel.remote_name;
    d.peer = {r.tunnel.peer.address, r.tunnel.peer.port};
    d.local = r.tunnel.local;
    d.local_gateway_name = r.tunnel.local_gateway_name;
    d.state = "Enabled";
    add_counters(d, r.tunnel);
  }
  for (auto& [address, d] : peers) {
    d.index = static_cast<std::uint32_t>(q.destinations.size() + 1);
    q.destinations.push_back(std::move(d));
  }
  s.destinations = q.destinations.size();

  // Statistics: the sums of what the tunnels reported.
  for (const auto& r : q.tunnels) {
    const auto& t = r.tunnel;
    s.control_rx_packets += t.tunnel_control_rx_packets;
    s.control_rx_bytes += t.tunnel_control_rx_bytes;
    s.control_tx_packets += t.tunnel_control_tx_packets;
    s.control_tx_bytes += t.tunnel_control_tx_bytes;
    s.data_rx_packets += t.data_rx_packets;
    s.data_rx_bytes += t.data_rx_bytes;
    s.data_tx_packets += t.data_tx_packets;
    s.data_tx_bytes += t.data_tx_bytes;
    s.rx_errors += t.rx_errors;
    s.tx_errors += t.tx_errors;
  }

  // Subscribers by state and client type.
  auto& sub = q.subscribers;
  sub = {};
  for (const auto& r : q.tunnels) {
    for (const auto& ss : r.sessions) {
      (ss.lac ? sub.l2tp_lac : sub.l2tp_lns) += 1;
      if (!ss.ipv6_prefix.empty()) ++(ss.address != 0 ? sub.dual_stack : sub.ipv6_only);
      const bool up = ss.lac ? ss.state == "established" : ss.ppp_phase == "network";
      const bool ending = ss.ppp_phase == "terminate";
      if (up) {
        ++sub.active;
      } else if (ending) {
        ++sub.terminating;
      } else if (ss.state == "established") {
        ++sub.configured;
      } else {
        ++sub.init;
      }
    }
  }
}

query_actor spawn_query(caf::actor_system& sys, query_config cfg) {
  return sys.spawn(query_behavior, std::move(cfg));
}

}  // namespace bras::actors
