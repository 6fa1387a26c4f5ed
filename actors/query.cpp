#include "actors/query.hpp"

#include <algorithm>
#include <map>
#include <memory>

namespace bras::actors {

namespace {

struct query_state {
  static constexpr const char* name = "query";
  context_ptr ctx;
};

/// Asks every shard, merges with `merge`, then `finish(result, shards_missing)` delivers.
template <class Result, class Request, class Atom, class Merge, class Finish>
void ask_shards(caf::stateful_actor<query_state>* self, Atom atom, const Request& req, Merge merge, Finish finish) {
  const auto& shards = self->state.ctx->shards;
  struct progress {
    std::size_t pending = 0, missing = 0;
    Result result;
  };
  auto p = std::make_shared<progress>();
  p->pending = shards.size();
  if (shards.empty()) return finish(p->result, 0);
  for (const auto& shard : shards) {
    self->request(shard, shard_answer_deadline, atom, req)
        .then(
            [p, merge, finish](Result& one) mutable {
              merge(p->result, one);
              if (--p->pending == 0) finish(p->result, p->missing);
            },
            [p, finish](caf::error&) mutable {
              ++p->missing;
              if (--p->pending == 0) finish(p->result, p->missing);
            });
  }
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

caf::behavior query_behavior(caf::stateful_actor<query_state>* self, context_ptr ctx) {
  self->state.ctx = std::move(ctx);
  return {
      [self](query_atom, const query_request& req) -> caf::result<query_snapshot> {
        auto rp = self->make_response_promise<query_snapshot>();
        auto finish = [self, rp](shard_answer& answers, std::size_t missing) mutable {
          auto q = std::make_shared<query_snapshot>();
          q->taken_at = std::chrono::system_clock::now();
          q->tunnels = std::move(answers.tunnels);
          q->tunnels_missing = answers.tunnels_missing;
          q->shards_missing = missing;
          std::sort(q->tunnels.begin(), q->tunnels.end(),
                    [](const auto& x, const auto& y) { return x.tunnel.local_tunnel_id < y.tunnel.local_tunnel_id; });
          const auto& c = *self->state.ctx;
          if (!c.lac || c.cfg.l2tp.destinations.empty()) {
            summarize(*q, c, {});
            rp.deliver(std::move(*q));
            return;
          }
          self->request(c.lac, std::chrono::seconds{1}, query_atom::value)
              .then(
                  [self, q, rp](std::vector<std::int64_t>& lockouts) mutable {
                    summarize(*q, *self->state.ctx, lockouts);
                    rp.deliver(std::move(*q));
                  },
                  [self, q, rp](caf::error&) mutable {
                    summarize(*q, *self->state.ctx, {});
                    rp.deliver(std::move(*q));
                  });
        };
        ask_shards<shard_answer>(
            self, query_atom::value, req,
            [](shard_answer& all, shard_answer& one) {
              for (auto& r : one.tunnels) all.tunnels.push_back(std::move(r));
              all.tunnels_missing += one.tunnels_missing;
            },
            finish);
        return rp;
      },
      [self](clear_atom, const clear_request& req) -> caf::result<clear_report> {
        auto rp = self->make_response_promise<clear_report>();
        ask_shards<clear_report>(
            self, clear_atom::value, req,
            [](clear_report& all, clear_report& one) {
              all.sessions.insert(all.sessions.end(), one.sessions.begin(), one.sessions.end());
              all.tunnels.insert(all.tunnels.end(), one.tunnels.begin(), one.tunnels.end());
              all.tunnels_missing += one.tunnels_missing;
              all.sessions_missing += one.sessions_missing;
            },
            [rp, stats = req.statistics](clear_report& r, std::size_t missing) mutable {
              r.statistics = stats;
              r.shards_missing = missing;
              std::sort(r.sessions.begin(), r.sessions.end());
              std::sort(r.tunnels.begin(), r.tunnels.end());
              rp.deliver(std::move(r));
            });
        return rp;
      },
  };
}

}  // namespace

void summarize(query_snapshot& q, const context& ctx, const std::vector<std::int64_t>& lockouts) {
  const auto& l2 = ctx.cfg.l2tp;
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
  s.tunnels = static_cast<std::size_t>(std::max<std::int64_t>(0, ctx.stats.tunnels_active.load()));
  s.sessions = static_cast<std::size_t>(std::max<std::int64_t>(0, ctx.stats.sessions_active.load()));

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

caf::actor spawn_query(caf::actor_system& sys, context_ptr ctx) {
  return sys.spawn(query_behavior, std::move(ctx));
}

}  // namespace bras::actors
