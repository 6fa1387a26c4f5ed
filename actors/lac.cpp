#include "actors/lac.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <unordered_map>

#include "actors/context.hpp"
#include "actors/lac_candidates.hpp"
#include "actors/messages.hpp"

namespace bras::actors {

namespace {

struct lac_tunnel {
  std::uint16_t id = 0;
  tunnel_actor actor;
  std::size_t calls = 0;  ///< placed and not yet cleared
  bool established = false;
  std::uint64_t tie_breaker = 0;
  bool tie_lost = false;               ///< dropped for the peer's tunnel: not a reason to lock the destination out
  std::vector<std::uint64_t> orphans;  ///< calls it gave back before it went: placed again once it has
};

/// One LNS destination, (address, port, assignment ID): its tunnels and the calls waiting for one.
struct destination_state {
  l2tp::tunnel_candidate candidate;  ///< as first seen (what its tunnels are opened with)
  std::vector<lac_tunnel> tunnels;
  std::size_t opening = 0;             ///< tunnel requests in flight
  std::vector<std::uint64_t> waiting;  ///< calls for a tunnel being requested
};

/// A call from its request until it is cleared.
struct lac_call {
  call_requester_actor requester;
  std::optional<call_request> request;  ///< kept until the call is up, to place it again
  l2tp::tunnel_candidates candidates;   ///< also kept only until the call is up
  l2tp::selection_mode mode = l2tp::selection_mode::weighted;
  std::vector<l2tp::destination_key> tried;  ///< each destination once ...
  bool retried = false;                      ///< ... but for one all-failed retry
  std::optional<std::uint16_t> tunnel;       ///< where it is placed
};

struct lac_state {
  static constexpr const char* name = "lac";

  explicit lac_state(lac_actor::stateful_pointer<lac_state> s) : self(s) {}

  lac_actor::stateful_pointer<lac_state> self;
  lac_config cfg;
  std::optional<l2tp::lac_selector> selector;
  std::map<l2tp::destination_key, destination_state> destinations;
  std::unordered_map<std::uint64_t, lac_call> calls;                      ///< by call_id
  std::unordered_map<std::uint16_t, l2tp::destination_key> tunnel_owner;  ///< tunnel ID -> its destination
  std::size_t next_shard = 0;
  std::mt19937_64 rng{std::random_device{}()};

  void fail_call(std::uint64_t call_id, std::string why) {
    auto it = calls.find(call_id);
    if (it == calls.end()) return;
    self->send(it->second.requester, call_result{call_id, false, 0, 0, std::move(why), {}});
    calls.erase(it);
  }

  void arrive(call_request c, call_requester_actor requester) {
    lac_call lc;
    lc.requester = std::move(requester);
    if (!c.aaa_tunnels.empty()) {
      lc.candidates = c.aaa_tunnels;
    } else {
      auto cc = candidates_for(*cfg.l2tp, c.user);
      lc.candidates = std::move(cc.candidates);
      lc.mode = cc.mode;
    }
    auto id = c.call_id;
    lc.request = std::move(c);
    calls[id] = std::move(lc);
    place(id);
  }

  /// Picks a destination for the call (one it has not tried) and places it there.
  void place(std::uint64_t call_id) {
    auto& lc = calls.at(call_id);
    lc.tunnel.reset();
    auto sel = selector->pick(lc.candidates, lc.mode, lc.tried, !lc.retried, now());
    if (!sel) return fail_call(call_id, "no reachable LNS destination");
    const auto& cand = lc.candidates[sel->index];
    auto key = l2tp::key_of(cand);
    if (sel->retry) lc.retried = true;
    if (std::find(lc.tried.begin(), lc.tried.end(), key) == lc.tried.end()) lc.tried.push_back(key);
    auto [it, fresh] = destinations.try_emplace(key);
    if (fresh) it->second.candidate = cand;
    assign(call_id, it->second);
  }

  /// Places the call on a tunnel of `ds` with room, or waits for one being opened.
  void assign(std::uint64_t call_id, destination_state& ds) {
    auto& lc = calls.at(call_id);
    auto max = ds.candidate.max_sessions;
    for (auto& t : ds.tunnels) {
      if (t.tie_lost || (max != 0 && t.calls >= max)) continue;
      ++t.calls;
      lc.tunnel = t.id;
      self->send(t.actor, open_call{*lc.request, self});
      return;
    }
    ds.waiting.push_back(call_id);
    // Calls wait for the tunnels being opened while they have room for them.
    if (ds.opening > 0 && (max == 0 || ds.waiting.size() <= max * ds.opening)) return;
    open_tunnel(ds);
  }

  void open_tunnel(destination_state& ds) {
    ++ds.opening;
    const auto& shard = cfg.shards[next_shard++ % cfg.shards.size()];
    auto tie_breaker = std::uniform_int_distribution<std::uint64_t>{}(rng);
    self->send(shard, open_tunnel_atom::value, ds.candidate, lac_actor{self}, tie_breaker);
  }

  /// The shard's answer to open_tunnel: place the calls that waited for it, or fail them.
  void on_tunnel_opened(const open_tunnel_result& r) {
    auto key = l2tp::key_of(r.destination);
    auto it = destinations.find(key);
    if (it == destinations.end()) return;
    auto& ds = it->second;
    --ds.opening;
    auto waiting = std::move(ds.waiting);
    ds.waiting.clear();
    if (!r.tunnel) {
      for (auto id : waiting) fail_call(id, "cannot open a tunnel: " + self->system().render(r.error));
      return;
    }
    ds.tunnels.push_back({r.local_tunnel_id, r.tunnel, 0, false, r.tie_breaker, false, {}});
    tunnel_owner[r.local_tunnel_id] = key;
    for (auto id : waiting) {
      if (calls.count(id) != 0) assign(id, ds);
    }
  }

  lac_tunnel* find_tunnel(std::uint16_t id) {
    auto owner = tunnel_owner.find(id);
    if (owner == tunnel_owner.end()) return nullptr;
    for (auto& t : destinations[owner->second].tunnels) {
      if (t.id == id) return &t;
    }
    return nullptr;
  }

  /// The call leaves its tunnel's count.
  void leave_tunnel(lac_call& lc) {
    if (!lc.tunnel) return;
    if (auto* t = find_tunnel(*lc.tunnel); t != nullptr && t->calls > 0) --t->calls;
  }

  void on_result(call_result& r) {
    auto it = calls.find(r.call_id);
    if (it == calls.end()) return;
    auto& lc = it->second;
    if (r.established) {
      if (auto* t = find_tunnel(r.local_tunnel_id); t != nullptr && !t->established) {
        t->established = true;
        selector->success(tunnel_owner[r.local_tunnel_id]);
      }
      // Up: nothing is placed again, so only what clearing needs is kept.
      lc.request.reset();
      lc.candidates = {};
      lc.tried = {};
      self->send(lc.requester, std::move(r));
      return;
    }
    leave_tunnel(lc);
    // Given back by its tunnel before it reached the LNS (the tunnel failed or is closing):
    // placed again, once the tunnel is gone and its destination locked out if it failed.
    if (r.local_session_id == 0 && (r.reason == "tunnel failed" || r.reason == "tunnel closing")) {
      if (auto* t = find_tunnel(r.local_tunnel_id)) {
        t->orphans.push_back(r.call_id);
      } else {
        place(r.call_id);
      }
      return;
    }
    self->send(lc.requester, std::move(r));
    calls.erase(it);
  }

  void on_cleared(call_cleared& c) {
    auto it = calls.find(c.call_id);
    if (it == calls.end()) return;
    leave_tunnel(it->second);
    self->send(it->second.requester, std::move(c));
    calls.erase(it);
  }

  void on_tunnel_gone(const tunnel_gone& g) {
    auto owner = tunnel_owner.find(g.local_tunnel_id);
    if (owner == tunnel_owner.end()) return;
    auto key = owner->second;
    tunnel_owner.erase(owner);
    auto& ds = destinations[key];
    auto& ts = ds.tunnels;
    auto t = std::find_if(ts.begin(), ts.end(), [&](const lac_tunnel& x) { return x.id == g.local_tunnel_id; });
    if (t == ts.end()) return;
    if (!t->tie_lost && g.reason != tunnel_end::closed) {
      selector->failure(key, now());
      cfg.log->warn("lac-destination-locked-out destination={} reason={} seconds={}", ds.candidate.name,
                    g.reason == tunnel_end::died ? "tunnel-died" : "setup-failed",
                    cfg.l2tp->destination_lockout.count());
    }
    auto orphans = std::move(t->orphans);
    // Closed by us (operator clear, shutdown): its calls end; failed or lost a tie: placed again.
    const bool again = t->tie_lost || g.reason != tunnel_end::closed;
    ts.erase(t);
    for (auto id : orphans) {
      auto c = calls.find(id);
      if (c == calls.end()) continue;
      if (again) {
        place(id);
      } else {
        self->send(c->second.requester, call_result{id, false, 0, 0, "tunnel closed", {}});
        calls.erase(c);
      }
    }
  }

  /// RFC 2661 §4.4.3: the peer's SCCRQ crossed ours. The lower Tie Breaker
  /// wins; the loser drops the tunnel it initiated.
  tie_verdict tie(std::uint32_t peer_address, std::uint64_t theirs) {
    for (auto& [key, ds] : destinations) {
      if (key.address != peer_address) continue;
      for (auto& t : ds.tunnels) {
        if (t.established) continue;
        if (t.tie_breaker < theirs) return tie_verdict::we_win;
        cfg.log->info("lac-tie-lost tunnel={} ours={} theirs={}", t.id, t.tie_breaker, theirs);
        t.tie_lost = true;
        self->send(t.actor, close_atom::value);
        return t.tie_breaker == theirs ? tie_verdict::both_lose : tie_verdict::we_lose;
      }
    }
    return tie_verdict::no_contest;
  }

  /// Seconds of lockout left per configured destination (0: none).
  std::vector<std::int64_t> lockouts() const {
    auto t = now();
    std::vector<std::int64_t> left;
    for (const auto& d : cfg.l2tp->destinations) {
      left.push_back(
          std::chrono::ceil<std::chrono::seconds>(selector->lockout_left(l2tp::key_of(candidate_of(d)), t)).count());
    }
    return left;
  }
};

lac_actor::behavior_type lac_behavior(lac_actor::stateful_pointer<lac_state> self, lac_config cfg) {
  auto& init = self->state;
  init.cfg = std::move(cfg);
  auto seed = init.cfg.seed != 0 ? init.cfg.seed : std::random_device{}();
  init.selector.emplace(init.cfg.l2tp->destination_lockout, seed);
  return {
      [self](call_request& c) {
        auto requester = caf::actor_cast<call_requester_actor>(self->current_sender());
        self->state.arrive(std::move(c), std::move(requester));
      },
      [self](const open_tunnel_result& r) { self->state.on_tunnel_opened(r); },
      [self](call_result& r) { self->state.on_result(r); },
      [self](call_cleared& c) { self->state.on_cleared(c); },
      [self](tie_atom, std::uint32_t peer_address, std::uint64_t theirs) -> tie_verdict {
        return self->state.tie(peer_address, theirs);
      },
      // For "show services l2tp destination".
      [self](query_atom) { return self->state.lockouts(); },
      [self](const tunnel_gone& g) { self->state.on_tunnel_gone(g); },
  };
}

}  // namespace

lac_actor spawn_lac(caf::actor_system& sys, lac_config cfg) {
  return sys.spawn(lac_behavior, std::move(cfg));
}

}  // namespace bras::actors
