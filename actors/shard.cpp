#include "actors/shard.hpp"

#include <map>
#include <memory>
#include <unordered_map>

#include "actors/fan_out.hpp"
#include "actors/tunnel.hpp"
#include "actors/tunnel_admission.hpp"
#include "protocol/common/id_pool.hpp"

namespace bras::actors {

std::size_t shard_of(const tunnel_key& key, std::size_t shards) noexcept {
  std::uint64_t h = (std::uint64_t{key.peer.address} << 32) ^ (std::uint64_t{key.peer.port} << 16) ^ key.peer_tunnel_id;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<std::size_t>(h % shards);
}

namespace {

struct shard_state {
  static constexpr const char* name = "shard";

  explicit shard_state(shard_actor::stateful_pointer<shard_state> s) : self(s) {}

  shard_actor::stateful_pointer<shard_state> self;
  shard_config cfg;
  common::id_pool tunnel_ids;
  std::unordered_map<std::uint16_t, tunnel_actor> tunnels;
  std::map<tunnel_key, std::uint16_t> by_key;

  /// Forgets `key` if it still routes to `tunnel` (a newer tunnel may hold it by now).
  void release_key(const tunnel_key& key, std::uint16_t tunnel) {
    auto it = by_key.find(key);
    if (it != by_key.end() && it->second == tunnel) by_key.erase(it);
  }
  bool shutting_down = false;

  /// Whether a new tunnel from `source` passes the set-up limits (tunnel_admission.hpp); a
  /// refusal is counted by its reason and the SCCRQ dropped unanswered.
  bool admit(std::uint32_t source, const tunnel_key& key) {
    const auto refusal = cfg.admission->admit(source, tunnel_admission::clock::now());
    if (refusal == admission_refusal::none) return true;
    auto& s = *cfg.stats;
    auto& counter = refusal == admission_refusal::rate              ? s.rx_setup_rate
                    : refusal == admission_refusal::rate_per_source ? s.rx_setup_rate_source
                    : refusal == admission_refusal::in_setup        ? s.rx_tunnels_in_setup
                                                                    : s.rx_tunnels_in_setup_source;
    counter.fetch_add(1);
    if (cfg.malformed_log->allow()) {
      cfg.log->warn("tunnel-refused reason={} peer={}", to_string(refusal), key.peer.to_string());
    }
    return false;
  }

  /// An ID and a place under the global tunnel limit (the tunnel gives both back).
  std::optional<std::uint16_t> allocate() {
    if (!try_reserve(cfg.stats->tunnels_active, cfg.tunnels->limits->tunnels())) return std::nullopt;
    auto id = tunnel_ids.allocate();
    if (!id) cfg.stats->tunnels_active.fetch_sub(1);
    return id;
  }
};

/// How long a tunnel may take to answer (its sessions have 1 s).
constexpr std::chrono::seconds tunnel_answer_deadline{3};

/// The tunnels a filter can match (one when it names a tunnel ID).
std::vector<caf::actor> tunnels_to_ask(const shard_state& st, const query_filter& f) {
  std::vector<caf::actor> targets;
  if (f.local_tunnel_id) {
    auto it = st.tunnels.find(*f.local_tunnel_id);
    if (it != st.tunnels.end()) targets.push_back(caf::actor_cast<caf::actor>(it->second));
    return targets;
  }
  targets.reserve(st.tunnels.size());
  for (const auto& [id, t] : st.tunnels) targets.push_back(caf::actor_cast<caf::actor>(t));
  return targets;
}

/// Asks the tunnels that can match `request` (atom, request), within the
/// tunnels' deadline; `Answer` is their reply.
template <class Answer, class Atom, class Request>
fan_out_job<Answer> ask_tunnels(const shard_state& st, Atom atom, const Request& request) {
  fan_out_job<Answer> job;
  job.request = caf::make_message(atom, request);
  job.targets = tunnels_to_ask(st, request.filter);
  job.deadline = tunnel_answer_deadline;
  return job;
}

shard_actor::behavior_type shard_behavior(shard_actor::stateful_pointer<shard_state> self, shard_config cfg) {
  auto& init = self->state;
  init.cfg = std::move(cfg);
  init.tunnel_ids = common::id_pool{init.cfg.shards, init.cfg.index};
  return {
      // A datagram for one of our tunnel IDs.
      [self](datagram& d) {
        auto& st = self->state;
        st.cfg.backlog->fetch_sub(1, std::memory_order_relaxed);
        auto it = st.tunnels.find(d.tunnel_id);  // the tunnel decodes (and validates) the rest
        if (it == st.tunnels.end()) {
          st.cfg.stats->rx_unknown_tunnel.fetch_add(1);
          return;
        }
        self->send(it->second, std::move(d));
      },
      // An SCCRQ (or a StopCCN with tunnel ID 0) for a tunnel in set-up.
      [self](incoming_sccrq& in) {
        auto& st = self->state;
        st.cfg.backlog->fetch_sub(1, std::memory_order_relaxed);
        auto known = st.by_key.find(in.key);
        if (known != st.by_key.end()) {
          auto it = st.tunnels.find(known->second);
          if (it != st.tunnels.end()) self->send(it->second, std::move(in));
          return;
        }
        if (st.shutting_down) return;
        if (in.stopccn) {
          st.cfg.stats->rx_unknown_tunnel.fetch_add(1);  // no tunnel of that key to stop
          return;
        }
        const auto source = in.key.peer.address;
        if (!st.admit(source, in.key)) return;
        auto id = st.allocate();
        if (!id) {
          st.cfg.admission->release(source);
          st.cfg.stats->tunnels_refused.fetch_add(1);
          if (st.cfg.malformed_log->allow()) {
            st.cfg.log->warn("tunnel-refused reason=no-tunnel-id peer={}", in.key.peer.to_string());
          }
          return;
        }
        tunnel_args a;
        a.env = st.cfg.tunnels;
        a.shard = self;
        a.role = tunnel_role::lns;
        a.local_id = *id;
        a.gateway = in.dgram.gateway;
        a.peer = in.dgram.peer;
        a.key = in.key;
        a.admitted_source = source;
        auto t = spawn_tunnel(self->system(), std::move(a));
        self->link_to(t);  // the shard's end (shutdown) takes its tunnels with it
        st.tunnels[*id] = t;
        st.by_key[in.key] = *id;
        self->send(t, std::move(in));
      },
      // The LAC controller asks for a new tunnel to a destination (configured or from AAA).
      [self](open_tunnel_atom, l2tp::tunnel_candidate& dest, const lac_actor& lac, std::uint64_t tie_breaker) {
        auto& st = self->state;
        auto id = st.shutting_down ? std::nullopt : st.allocate();
        if (!id) {
          open_tunnel_result refused{std::move(dest), tie_breaker, 0, {}, {}};
          refused.error = caf::make_error(caf::sec::runtime_error, "no free tunnel ID");
          self->send(lac, std::move(refused));
          return;
        }
        std::uint16_t gateway = 0;
        for (std::size_t i = 0; i < st.cfg.l2tp->local_gateways.size(); ++i) {
          if (st.cfg.l2tp->local_gateways[i].name == dest.local_gateway) gateway = static_cast<std::uint16_t>(i);
        }
        tunnel_args a;
        a.env = st.cfg.tunnels;
        a.shard = self;
        a.role = tunnel_role::lac;
        a.local_id = *id;
        a.gateway = gateway;
        a.peer = udp_peer{dest.address, dest.port};
        a.destination = dest;
        a.lac = lac;
        a.tie_breaker = tie_breaker;
        auto t = spawn_tunnel(self->system(), std::move(a));
        self->link_to(t);
        st.tunnels[*id] = t;
        self->send(lac, open_tunnel_result{std::move(dest), tie_breaker, *id, t, {}});
      },
      [self](const tunnel_gone& g) {
        auto& st = self->state;
        st.tunnels.erase(g.local_tunnel_id);
        st.tunnel_ids.release(g.local_tunnel_id);
        if (g.had_key) st.release_key(g.key, g.local_tunnel_id);
      },
      [self](const key_released& k) { self->state.release_key(k.key, k.local_tunnel_id); },
      // The query fan-out: every tunnel filters itself; tunnels that do not
      // answer in time are left out (counted in tunnels_missing).
      [self](query_atom, const query_request& q) {
        auto job = ask_tunnels<std::vector<tunnel_report>>(self->state, query_atom::value, q);
        auto all = std::make_shared<shard_answer>();
        job.merge = [all](caf::event_based_actor*, std::vector<tunnel_report>& one) {
          for (auto& r : one) all->tunnels.push_back(std::move(r));
        };
        job.finish = [all](caf::event_based_actor*, std::size_t missing, caf::response_promise& reply) {
          all->tunnels_missing += missing;
          reply.deliver(std::move(*all));
        };
        return fan_out_to<shard_answer>(self, std::move(job));
      },
      [self](clear_atom, const clear_request& c) {
        auto job = ask_tunnels<clear_report>(self->state, clear_atom::value, c);
        auto all = std::make_shared<clear_report>();
        job.merge = [all](caf::event_based_actor*, clear_report& one) {
          all->statistics = one.statistics;
          all->sessions.insert(all->sessions.end(), one.sessions.begin(), one.sessions.end());
          all->tunnels.insert(all->tunnels.end(), one.tunnels.begin(), one.tunnels.end());
          all->sessions_missing += one.sessions_missing;
        };
        job.finish = [all](caf::event_based_actor*, std::size_t missing, caf::response_promise& reply) {
          all->tunnels_missing += missing;
          reply.deliver(std::move(*all));
        };
        return fan_out_to<clear_report>(self, std::move(job));
      },
      [self](count_atom) {
        auto& st = self->state;
        const auto backlog = st.cfg.backlog->load(std::memory_order_relaxed);
        return shard_counts{st.tunnels.size(), st.tunnel_ids.in_use(),
                            static_cast<std::size_t>(std::max<std::int64_t>(backlog, 0))};
      },
      [self](shutdown_atom) {
        auto& st = self->state;
        st.shutting_down = true;
        for (auto& [id, t] : st.tunnels) self->send(t, shutdown_atom::value);
      },
      [self](close_atom, std::uint16_t tunnel_id) {
        auto& st = self->state;
        auto it = st.tunnels.find(tunnel_id);
        if (it != st.tunnels.end()) self->send(it->second, close_atom::value);
      },
  };
}

}  // namespace

shard_actor spawn_shard(caf::actor_system& sys, shard_config cfg) {
  return sys.spawn(shard_behavior, std::move(cfg));
}

}  // namespace bras::actors
