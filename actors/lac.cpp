#include "actors/lac.hpp"

#include <random>
#include <unordered_map>

#include "actors/context.hpp"
#include "actors/messages.hpp"

namespace bras::actors {

namespace {

struct lac_tunnel {
  std::uint16_t id = 0;
  tunnel_actor actor;
  std::size_t calls = 0;  ///< placed and not yet cleared
  bool established = false;
  std::uint64_t tie_breaker = 0;
  bool tie_lost = false;  ///< dropped for the peer's tunnel: not a reason to lock the destination out
};

struct destination_state {
  std::vector<lac_tunnel> tunnels;
  std::size_t opening = 0;                                             ///< tunnel requests in flight
  std::vector<std::pair<call_request, call_requester_actor>> waiting;  ///< calls for a tunnel being requested
  std::optional<l2tp::time_point> locked_until;
};

struct lac_state {
  static constexpr const char* name = "lac";

  explicit lac_state(lac_actor::stateful_pointer<lac_state> s) : self(s) {}

  lac_actor::stateful_pointer<lac_state> self;
  lac_config cfg;
  std::vector<destination_state> destinations;
  std::unordered_map<std::uint64_t, call_requester_actor> requesters;  ///< call_id -> who asked
  std::unordered_map<std::uint64_t, std::uint16_t> call_tunnel;        ///< call_id -> tunnel
  std::size_t next_shard = 0;
  std::mt19937 rng{std::random_device{}()};

  /// Lowest preference among reachable destinations; weighted choice among equals.
  std::optional<std::size_t> pick() {
    const auto& dests = cfg.l2tp->destinations;
    auto t = now();
    std::optional<unsigned> best;
    for (std::size_t i = 0; i < dests.size(); ++i) {
      auto& ds = destinations[i];
      if (ds.locked_until && *ds.locked_until > t) continue;
      if (!best || dests[i].preference < *best) best = dests[i].preference;
    }
    if (!best) return std::nullopt;
    unsigned total = 0;
    for (std::size_t i = 0; i < dests.size(); ++i) {
      auto& ds = destinations[i];
      if ((!ds.locked_until || *ds.locked_until <= t) && dests[i].preference == *best) total += dests[i].weight;
    }
    auto r = std::uniform_int_distribution<unsigned>{0, total - 1}(rng);
    for (std::size_t i = 0; i < dests.size(); ++i) {
      auto& ds = destinations[i];
      if ((ds.locked_until && *ds.locked_until > t) || dests[i].preference != *best) continue;
      if (r < dests[i].weight) return i;
      r -= dests[i].weight;
    }
    return std::nullopt;
  }

  void fail_call(const call_request& c, const call_requester_actor& requester, std::string why) {
    self->send(requester, call_result{c.call_id, false, 0, 0, std::move(why), {}});
  }

  void place(call_request c, call_requester_actor requester) {
    auto d = pick();
    if (!d) return fail_call(c, requester, "no reachable LNS destination");
    auto& ds = destinations[*d];
    auto max = cfg.l2tp->destinations[*d].max_sessions;
    for (auto& t : ds.tunnels) {
      if (max == 0 || t.calls < max) {
        ++t.calls;
        requesters[c.call_id] = requester;
        call_tunnel[c.call_id] = t.id;
        self->send(t.actor, open_call{std::move(c), self});
        return;
      }
    }
    // Calls wait for the tunnel being opened while it has room for them.
    if (ds.opening > 0 && (max == 0 || ds.waiting.size() < max * ds.opening)) {
      ds.waiting.emplace_back(std::move(c), std::move(requester));
      return;
    }
    ds.waiting.emplace_back(std::move(c), std::move(requester));
    open_tunnel(*d);
  }

  void open_tunnel(std::size_t d) {
    auto& ds = destinations[d];
    ++ds.opening;
    const auto& shard = cfg.shards[next_shard++ % cfg.shards.size()];
    auto tie_breaker = std::uniform_int_distribution<std::uint64_t>{}(rng);
    self->send(shard, open_tunnel_atom::value, d, lac_actor{self}, tie_breaker);
  }

  /// The shard's answer to open_tunnel: place the calls that waited for it, or fail them.
  void on_tunnel_opened(const open_tunnel_result& r) {
    auto& dest = destinations[r.destination];
    --dest.opening;
    auto waiting = std::move(dest.waiting);
    dest.waiting.clear();
    if (!r.tunnel) {
      for (auto& [c, req] : waiting) fail_call(c, req, "cannot open a tunnel: " + self->system().render(r.error));
      return;
    }
    dest.tunnels.push_back({r.local_tunnel_id, r.tunnel, 0, false, r.tie_breaker});
    for (auto& [c, req] : waiting) place(std::move(c), std::move(req));
  }

  lac_tunnel* find_tunnel(std::uint16_t id) {
    for (auto& ds : destinations) {
      for (auto& t : ds.tunnels) {
        if (t.id == id) return &t;
      }
    }
    return nullptr;
  }

  void call_done(std::uint64_t call_id) {
    auto ct = call_tunnel.find(call_id);
    if (ct != call_tunnel.end()) {
      if (auto* t = find_tunnel(ct->second); t != nullptr && t->calls > 0) --t->calls;
      call_tunnel.erase(ct);
    }
    requesters.erase(call_id);
  }
};

lac_actor::behavior_type lac_behavior(lac_actor::stateful_pointer<lac_state> self, lac_config cfg) {
  auto& init = self->state;
  init.cfg = std::move(cfg);
  init.destinations.resize(init.cfg.l2tp->destinations.size());
  return {
      [self](call_request& c) {
        auto requester = caf::actor_cast<call_requester_actor>(self->current_sender());
        self->state.place(std::move(c), std::move(requester));
      },
      [self](const open_tunnel_result& r) { self->state.on_tunnel_opened(r); },
      [self](call_result& r) {
        auto& st = self->state;
        auto it = st.requesters.find(r.call_id);
        if (it == st.requesters.end()) return;
        auto requester = it->second;
        if (r.established) {
          if (auto* t = st.find_tunnel(r.local_tunnel_id)) t->established = true;
        } else {
          st.call_done(r.call_id);
        }
        if (requester) self->send(requester, std::move(r));
      },
      [self](call_cleared& c) {
        auto& st = self->state;
        auto it = st.requesters.find(c.call_id);
        if (it == st.requesters.end()) return;
        auto requester = it->second;
        st.call_done(c.call_id);
        if (requester) self->send(requester, std::move(c));
      },
      // RFC 2661 §4.4.3: the peer's SCCRQ crossed ours. The lower Tie
      // Breaker wins; the loser drops the tunnel it initiated.
      [self](tie_atom, std::uint32_t peer_address, std::uint64_t theirs) -> tie_verdict {
        auto& st = self->state;
        for (std::size_t d = 0; d < st.destinations.size(); ++d) {
          const auto& dest = st.cfg.l2tp->destinations[d];
          auto address = config::parse_ipv4(dest.address);
          if (!address || *address != peer_address) continue;
          for (auto& t : st.destinations[d].tunnels) {
            if (t.established) continue;
            if (t.tie_breaker < theirs) return tie_verdict::we_win;
            st.cfg.log->info("lac-tie-lost tunnel={} ours={} theirs={}", t.id, t.tie_breaker, theirs);
            t.tie_lost = true;
            self->send(t.actor, close_atom::value);
            return t.tie_breaker == theirs ? tie_verdict::both_lose : tie_verdict::we_lose;
          }
        }
        return tie_verdict::no_contest;
      },
      // For "show services l2tp destination": seconds of lockout left per destination (0: none).
      [self](query_atom) {
        auto& st = self->state;
        auto t = now();
        std::vector<std::int64_t> left;
        for (const auto& ds : st.destinations) {
          left.push_back(ds.locked_until && *ds.locked_until > t
                             ? std::chrono::ceil<std::chrono::seconds>(*ds.locked_until - t).count()
                             : 0);
        }
        return left;
      },
      [self](const tunnel_gone& g) {
        auto& st = self->state;
        for (std::size_t d = 0; d < st.destinations.size(); ++d) {
          auto& ts = st.destinations[d].tunnels;
          for (auto it = ts.begin(); it != ts.end(); ++it) {
            if (it->id != g.local_tunnel_id) continue;
            if (!it->established && !it->tie_lost) {
              // It never came up: skip this destination for a while.
              st.destinations[d].locked_until = now() + st.cfg.l2tp->destination_lockout;
              st.cfg.log->warn("lac-destination-locked-out destination={} seconds={}",
                               st.cfg.l2tp->destinations[d].name, st.cfg.l2tp->destination_lockout.count());
            }
            ts.erase(it);
            return;
          }
        }
      },
  };
}

}  // namespace

lac_actor spawn_lac(caf::actor_system& sys, lac_config cfg) {
  return sys.spawn(lac_behavior, std::move(cfg));
}

}  // namespace bras::actors
