#include "actors/aaa.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "actors/address_pool.hpp"

namespace bras::actors {

namespace {

/// What a session holds until it ends: one of its user's sessions and, unless 0, an address.
struct grant {
  std::string user;
  std::uint32_t address = 0;
};

struct aaa_state {
  static constexpr const char* name = "aaa";
  explicit aaa_state(aaa_actor::stateful_pointer<aaa_state> s) : self(s) {}

  aaa_actor::stateful_pointer<aaa_state> self;
  counters* stats = nullptr;
  std::shared_ptr<spdlog::logger> log;
  subscriber_db db;
  std::vector<address_pool> pools;
  std::size_t pool = 0;                              ///< the pool IPCP assigns from
  std::unordered_map<std::string, unsigned> active;  ///< sessions per user
  std::unordered_set<std::uint32_t> static_outside;  ///< static addresses outside every pool, in use
  /// Grants by the session that asked, which is monitored while it holds any: a
  /// session that ends before its verdict arrives (or after its request timed
  /// out) never learns of its grant, so its end gives the grant back.
  std::unordered_map<caf::actor_addr, std::vector<grant>> grants;

  aaa_verdict check(const aaa_request& r) {
    auto v = decide(r);
    if (v.accepted) track(self->current_sender(), grant{r.user, v.address});
    return v;
  }

  aaa_verdict decide(const aaa_request& r) {
    aaa_verdict v;
    verdict result = verdict::reject_unknown_user;
    if (r.chap) {
      result = db.check_chap_md5(r.user, r.chap_id, r.challenge, r.response);
    } else {
      result = db.check_pap(r.user, r.password);
    }
    if (result != verdict::accept) {
      stats->auth_rejects.fetch_add(1);
      v.reason = result == verdict::reject_unknown_user ? "unknown-user" : "bad-password";
      v.message = "authentication failed";
      return v;
    }
    const subscriber* s = db.find(r.user);
    auto& count = active[r.user];
    if (s->max_sessions != 0 && count >= s->max_sessions) {
      stats->auth_rejects.fetch_add(1);
      v.reason = "max-sessions";
      v.message = "too many sessions";
      if (count == 0) active.erase(r.user);
      return v;
    }
    ++count;
    stats->auth_accepts.fetch_add(1);
    v.accepted = true;
    v.message = "welcome";
    v.session_timeout = s->session_timeout;
    v.idle_timeout = s->idle_timeout;
    v.address = assign(s->address);
    return v;
  }

  /// The static address if it is free, else one from the pool; 0 when none is left.
  std::uint32_t assign(std::optional<std::uint32_t> fixed) {
    if (fixed) {
      for (auto& p : pools) {
        switch (p.reserve(*fixed)) {
          case reservation::reserved: return *fixed;
          case reservation::in_use:
          case reservation::excluded: return 0;
          case reservation::outside: continue;
        }
      }
      return static_outside.insert(*fixed).second ? *fixed : 0;
    }
    if (pools.empty()) return 0;
    auto a = pools[pool].allocate();
    if (!a) {
      stats->pool_exhausted.fetch_add(1);
      return 0;
    }
    return *a;
  }

  void track(const caf::strong_actor_ptr& holder, grant g) {
    if (!holder) return;  // nobody to watch: an anonymous asker releases by itself
    auto& held = grants[caf::actor_cast<caf::actor_addr>(holder)];
    if (held.empty()) self->monitor(holder);
    held.push_back(std::move(g));
  }

  /// A session gives its grant back.
  void release(const caf::strong_actor_ptr& holder, const aaa_release& r) {
    if (!holder) return give_back({r.user, r.address});
    const auto addr = caf::actor_cast<caf::actor_addr>(holder);
    auto it = grants.find(addr);
    if (it == grants.end()) {
      // Already taken back (the session's end overtook its release), or never granted.
      log->debug("aaa-release-unknown user={} address={}", r.user, r.address);
      return;
    }
    auto& held = it->second;
    auto g = std::find_if(held.begin(), held.end(),
                          [&](const grant& x) { return x.user == r.user && x.address == r.address; });
    if (g == held.end()) {
      log->debug("aaa-release-unknown user={} address={}", r.user, r.address);
      return;
    }
    give_back(*g);
    held.erase(g);
    if (held.empty()) {
      grants.erase(it);
      self->demonitor(addr);
    }
  }

  /// A session ended holding grants (its verdict came too late, or it never released): take them back.
  void on_down(const caf::down_msg& d) {
    auto it = grants.find(d.source);
    if (it == grants.end()) return;
    for (const auto& g : it->second) {
      log->debug("aaa-grant-reclaimed user={} address={}", g.user, g.address);
      give_back(g);
    }
    grants.erase(it);
  }

  void give_back(const grant& r) {
    if (r.address != 0) {
      bool found = false;
      for (auto& p : pools) {
        if (p.contains(r.address)) {
          found = true;
          if (!p.release(r.address)) log->warn("aaa-release-unknown address={}", r.address);
        }
      }
      if (!found) static_outside.erase(r.address);
    }
    if (auto it = active.find(r.user); it != active.end() && --it->second == 0) active.erase(it);
  }
};

aaa_actor::behavior_type aaa_behavior(aaa_actor::stateful_pointer<aaa_state> self, counters* stats,
                                      std::shared_ptr<spdlog::logger> log, subscriber_db db,
                                      std::vector<address_pool> pools, std::size_t pool) {
  auto& init = self->state;
  init.stats = stats;
  init.log = std::move(log);
  init.db = std::move(db);
  init.pools = std::move(pools);
  init.pool = pool;
  self->set_down_handler([self](caf::down_msg& d) { self->state.on_down(d); });
  return {
      [self](aaa_request& r) -> aaa_verdict { return self->state.check(r); },
      [self](aaa_release& r) { self->state.release(self->current_sender(), r); },
      [self](pool_atom) -> std::vector<pool_usage> {
        std::vector<pool_usage> out;
        for (const auto& p : self->state.pools) out.push_back({p.name(), p.size(), p.in_use()});
        return out;
      },
  };
}

}  // namespace

std::variant<subscriber_db, std::string> load_subscriber_db(const config::aaa_settings& cfg) {
  subscriber_db db;
  for (const auto& s : cfg.subscribers) db.add(s);
  if (!cfg.subscribers_file.empty()) {
    auto loaded = load_subscribers_file(cfg.subscribers_file);
    if (auto* e = std::get_if<config::load_error>(&loaded)) return e->to_string();
    auto& file = std::get<subscriber_db>(loaded);
    for (const auto& [user, s] : file.entries()) {
      if (!db.add(s)) return cfg.subscribers_file + ": user " + user + " is also in aaa.subscribers";
    }
  }
  return db;
}

std::variant<aaa_actor, std::string> spawn_aaa(caf::actor_system& sys, const aaa_config& cfg, subscriber_db db) {
  const auto& settings = *cfg.settings;
  std::vector<address_pool> pools;
  std::size_t pool = 0;
  for (const auto& p : settings.address_pools) {
    address_pool_config pc;
    pc.name = p.name;
    pc.prefixes = p.prefixes;
    pc.exclude = p.exclude;
    if (settings.ppp.local_address != 0) pc.exclude.push_back(settings.ppp.local_address);
    auto made = address_pool::make(pc);
    if (auto* e = std::get_if<address_pool_error>(&made)) return "address pool " + p.name + ": " + e->reason;
    if (p.name == settings.ppp.address_pool) pool = pools.size();
    pools.push_back(std::move(std::get<address_pool>(made)));
  }
  return sys.spawn(aaa_behavior, cfg.stats, cfg.log, std::move(db), std::move(pools), pool);
}

}  // namespace bras::actors
