#include "actors/aaa.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "actors/aaa_prefixes.hpp"
#include "actors/aaa_radius.hpp"
#include "actors/aaa_route.hpp"
#include "actors/address_pool.hpp"
#include "actors/auth_backoff.hpp"

namespace bras::actors {

namespace {

/// What a session holds until it ends: one of its user's sessions and, unless 0 or none, an address
/// and IPv6 prefixes.
struct grant {
  std::string user;
  std::uint32_t address = 0;
  bool counted = true;  ///< one of the user's sessions (local users; RADIUS has no per-user limit here)
  std::optional<ip::ipv6_prefix> framed_ipv6_prefix;
  std::optional<ip::ipv6_prefix> delegated_ipv6_prefix;
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
  aaa_prefixes prefixes;                             ///< the IPv6 prefix pools and static prefixes
  bool ipv6 = false;                                 ///< ppp.ipv6: sessions get IPv6 prefixes
  /// Grants by the session that asked, which is monitored while it holds any: a
  /// session that ends before its verdict arrives (or after its request timed
  /// out) never learns of its grant, so its end gives the grant back.
  /// One node per grant (a session holds one, two while LCP renegotiates): no vector per session.
  std::unordered_multimap<caf::actor_addr, grant> grants;
  config::aaa_settings routes;                           ///< aaa.method and aaa.domains (no subscribers)
  std::optional<aaa_radius> radius;                      ///< set when a RADIUS client is configured
  auth_backoff backoff;                                  ///< local users' failures (aaa.auth-failure-limit)
  std::function<auth_backoff::clock::time_point()> now;  ///< the back-off's clock
  /// A user backing off may try at will: its refusals are logged like other peer-triggered events.
  log_limiter backoff_log;

  caf::result<aaa_verdict> ask(const aaa_request& r) {
    if (radius && method_for(routes, r.user) == config::aaa_method::radius) return radius->ask(self, r);
    if (r.lac) {
      // The LAC asks only for RADIUS users; a local one is tunnelled by the domain map, as before.
      aaa_verdict v;
      v.accepted = true;
      return v;
    }
    return check(r);
  }

  /// Completes an Access-Accept with its address: Framed-IP-Address reserved like a static address,
  /// else one from Framed-Pool's pool (by name) or the default pool.
  void radius_grant(aaa_verdict& v, const radius::authorization& a, const std::string& user,
                    const caf::strong_actor_ptr& holder) {
    if (a.framed_ip && !a.from_pool) {
      v.address = reserve(*a.framed_ip);
    } else {
      std::size_t from = pool;
      if (!a.framed_pool.empty()) {
        auto it = std::find_if(pools.begin(), pools.end(), [&](const auto& p) { return p.name() == a.framed_pool; });
        if (it == pools.end()) {
          log->warn("aaa-radius-unknown-pool user={} pool={}", user, a.framed_pool);
          v.accepted = false;
          v.reason = "unknown-pool";
          v.message = "authentication failed";
          return;
        }
        from = static_cast<std::size_t>(it - pools.begin());
      }
      v.address = allocate(from);
    }
    assign_ipv6(v, user, {a.framed_ipv6_prefix, a.framed_ipv6_pool}, {a.delegated_ipv6_prefix, a.delegated_ipv6_pool});
    track(holder, grant{user, v.address, false, v.framed_ipv6_prefix, v.delegated_ipv6_prefix});
  }

  /// The session's /64 and delegated prefix (none without ppp.ipv6 or when none is available).
  void assign_ipv6(aaa_verdict& v, const std::string& user, const prefix_request& link,
                   const prefix_request& delegated) {
    if (!ipv6) return;
    v.framed_ipv6_prefix = prefixes.assign(prefix_kind::link, link, user, *stats, *log);
    v.delegated_ipv6_prefix = prefixes.assign(prefix_kind::delegated, delegated, user, *stats, *log);
  }

  aaa_verdict check(const aaa_request& r) {
    auto v = decide(r);
    if (v.accepted) {
      track(self->current_sender(), grant{r.user, v.address, true, v.framed_ipv6_prefix, v.delegated_ipv6_prefix});
    }
    return v;
  }

  aaa_verdict decide(const aaa_request& r) {
    aaa_verdict v;
    const auto t = now();
    // Backing off: refused without checking the credentials, so guessing gains nothing meanwhile.
    if (const auto left = backoff.refused_for(r.user, t); left != auth_backoff::clock::duration{}) {
      stats->auth_backoff_refusals.fetch_add(1);
      if (backoff_log.allow()) {
        log->debug("aaa-auth-backoff-refused user={} seconds-left={}", r.user,
                   std::chrono::ceil<std::chrono::seconds>(left).count());
      }
      v.reason = "auth-backoff";
      v.message = "authentication failed";
      return v;
    }
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
      // Unknown users count too: a back-off only for known ones would tell which names exist.
      if (const auto started = backoff.failed(r.user, t);
          started != auth_backoff::clock::duration{} && backoff_log.allow()) {
        log->warn("aaa-auth-backoff user={} seconds={} tracked-users={}", r.user,
                  std::chrono::duration_cast<std::chrono::seconds>(started).count(), backoff.tracked());
      }
      return v;
    }
    backoff.succeeded(r.user);
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
    assign_ipv6(v, r.user, {s->ipv6_prefix, s->ipv6_pool}, {s->delegated_prefix, s->delegated_pool});
    return v;
  }

  /// The static address if it is free, else one from the pool; 0 when none is left.
  std::uint32_t assign(std::optional<std::uint32_t> fixed) { return fixed ? reserve(*fixed) : allocate(pool); }

  /// `fixed` if it is free (in a pool or outside every pool); 0 when taken or excluded.
  std::uint32_t reserve(std::uint32_t fixed) {
    for (auto& p : pools) {
      switch (p.reserve(fixed)) {
        case reservation::reserved: return fixed;
        case reservation::in_use:
        case reservation::excluded: return 0;
        case reservation::outside: continue;
      }
    }
    return static_outside.insert(fixed).second ? fixed : 0;
  }

  /// An address from pool `index`; 0 when it is exhausted (or there is no pool).
  std::uint32_t allocate(std::size_t index) {
    if (index >= pools.size()) return 0;
    auto a = pools[index].allocate();
    if (!a) {
      stats->pool_exhausted.fetch_add(1);
      return 0;
    }
    return *a;
  }

  void track(const caf::strong_actor_ptr& holder, grant g) {
    if (!holder) return;  // nobody to watch: an anonymous asker releases by itself
    auto addr = caf::actor_cast<caf::actor_addr>(holder);
    if (grants.find(addr) == grants.end()) self->monitor(holder);
    grants.emplace(std::move(addr), std::move(g));
  }

  /// A session gives its grant back.
  void release(const caf::strong_actor_ptr& holder, const aaa_release& r) {
    if (!holder) return give_back({r.user, r.address, true, r.framed_ipv6_prefix, r.delegated_ipv6_prefix});
    const auto addr = caf::actor_cast<caf::actor_addr>(holder);
    // None held: already taken back (the session's end overtook its release), or never granted.
    const auto [first, last] = grants.equal_range(addr);
    auto g = std::find_if(first, last,
                          [&](const auto& x) { return x.second.user == r.user && x.second.address == r.address; });
    if (g == last) {
      log->debug("aaa-release-unknown user={} address={}", r.user, r.address);
      return;
    }
    give_back(g->second);
    grants.erase(g);
    if (grants.find(addr) == grants.end()) self->demonitor(addr);
  }

  /// A session ended holding grants (its verdict came too late, or it never released): take them back.
  void on_down(const caf::down_msg& d) {
    const auto [first, last] = grants.equal_range(d.source);
    for (auto it = first; it != last; ++it) {
      log->debug("aaa-grant-reclaimed user={} address={}", it->second.user, it->second.address);
      give_back(it->second);
    }
    grants.erase(first, last);
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
    if (r.framed_ipv6_prefix) prefixes.give_back(*r.framed_ipv6_prefix, *log);
    if (r.delegated_ipv6_prefix) prefixes.give_back(*r.delegated_ipv6_prefix, *log);
    if (!r.counted) return;
    if (auto it = active.find(r.user); it != active.end() && --it->second == 0) active.erase(it);
  }
};

/// What the behavior takes from the configuration (read at spawn).
struct aaa_setup {
  counters* stats = nullptr;
  std::shared_ptr<spdlog::logger> log;
  config::aaa_settings routes;
  std::optional<aaa_radius_config> radius;
  bool ipv6 = false;  ///< ppp.ipv6
  auth_backoff_settings backoff;
  std::function<auth_backoff::clock::time_point()> now;
};

aaa_actor::behavior_type aaa_behavior(aaa_actor::stateful_pointer<aaa_state> self, aaa_setup setup, subscriber_db db,
                                      std::vector<address_pool> pools, std::size_t pool, aaa_prefixes prefixes) {
  auto& init = self->state;
  init.stats = setup.stats;
  init.log = std::move(setup.log);
  init.db = std::move(db);
  init.pools = std::move(pools);
  init.pool = pool;
  init.prefixes = std::move(prefixes);
  init.ipv6 = setup.ipv6;
  init.routes = std::move(setup.routes);
  init.backoff = auth_backoff{setup.backoff};
  init.now = setup.now ? std::move(setup.now) : [] { return auth_backoff::clock::now(); };
  if (setup.radius) {
    init.radius.emplace(std::move(*setup.radius),
                        [self](aaa_verdict& v, const radius::authorization& a, const std::string& user,
                               const caf::strong_actor_ptr& holder) { self->state.radius_grant(v, a, user, holder); });
  }
  self->set_down_handler([self](caf::down_msg& d) { self->state.on_down(d); });
  return {
      [self](aaa_request& r) -> caf::result<aaa_verdict> { return self->state.ask(r); },
      [self](aaa_release& r) { self->state.release(self->current_sender(), r); },
      [self](pool_atom) -> std::vector<pool_usage> {
        std::vector<pool_usage> out;
        for (const auto& p : self->state.pools) out.push_back({p.name(), p.size(), p.in_use()});
        for (auto& p : self->state.prefixes.usage()) out.push_back(std::move(p));
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
  auto prefixes = aaa_prefixes::make(settings);
  if (auto* e = std::get_if<std::string>(&prefixes)) return *e;
  aaa_setup setup;
  setup.ipv6 = settings.ppp.ipv6;
  setup.stats = cfg.stats;
  setup.log = cfg.log;
  setup.routes.method = settings.aaa.method;
  setup.routes.domains = settings.aaa.domains;
  setup.backoff.limit = settings.aaa.auth_failure_limit;
  setup.backoff.window = settings.aaa.auth_failure_window;
  setup.backoff.backoff = settings.aaa.auth_backoff;
  setup.backoff.backoff_max = settings.aaa.auth_backoff_max;
  setup.backoff.max_users = settings.aaa.auth_failure_users;
  setup.now = cfg.now;
  const bool asks_radius = settings.aaa.method == config::aaa_method::radius ||
                           std::any_of(settings.aaa.domains.begin(), settings.aaa.domains.end(),
                                       [](const auto& d) { return d.method == config::aaa_method::radius; });
  if (cfg.radius) {
    aaa_radius_config rc;
    rc.client = cfg.radius;
    rc.nas = nas_identity_of(settings);
    rc.accounting_refuses = cfg.accounting_refuses;
    rc.l2tp = settings.l2tp;
    rc.stats = cfg.stats;
    rc.log = cfg.log;
    setup.radius = std::move(rc);
  } else if (asks_radius && cfg.log) {
    cfg.log->warn(
        "aaa-radius-unconfigured: aaa asks for radius but no RADIUS server is configured; every user is local");
  }
  return sys.spawn(aaa_behavior, std::move(setup), std::move(db), std::move(pools), pool,
                   std::move(std::get<aaa_prefixes>(prefixes)));
}

}  // namespace bras::actors
