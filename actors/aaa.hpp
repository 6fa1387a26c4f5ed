// The AAA actor: authentication and address assignment for the LNS's
// sessions, asynchronously (sessions send a request and keep running). The
// backend is chosen per user (aaa_route.hpp: aaa.domains by realm, else
// aaa.method): the local subscriber list (configuration and subscribers file)
// or RADIUS (aaa_radius.hpp, answered later through a response promise; also
// the LAC's tunnel authorization). It also owns the address
// pools, so an address and the user's session count always go back together:
// when the session releases them, or when it ends holding them (it monitors
// every session it granted something to, so a verdict that arrived too late
// for its session is not lost). Local users that keep failing back off
// (auth_backoff.hpp): refused at once, their credentials unchecked, for a while.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include "actors/catalogue.hpp"
#include "actors/context.hpp"
#include "actors/subscriber_db.hpp"

namespace bras::actors {

/// What the AAA actor uses. `settings` is read at spawn only; `stats` is not
/// null and outlives the actor (the daemon owns it and awaits every actor).
struct aaa_config {
  const config::settings* settings = nullptr;  ///< address-pools, ppp.address-pool and ppp.local-address, aaa, radius
  counters* stats = nullptr;            ///< auth_accepts, auth_rejects, auth_backoff_refusals, pool_exhausted, ...
  std::shared_ptr<spdlog::logger> log;  ///< "aaa"
  /// RADIUS authentication (an invalid handle: every user is local, whatever aaa.method says).
  radius_client_actor radius;
  const std::atomic<bool>* accounting_refuses = nullptr;  ///< new sessions are refused while set
  /// The authentication back-off's clock (empty: steady_clock::now); tests drive it.
  std::function<std::chrono::steady_clock::time_point()> now;
};

/// Spawns the AAA actor over `db`; fails (with the reason) if a configured pool is invalid.
[[nodiscard]] std::variant<aaa_actor, std::string> spawn_aaa(caf::actor_system& sys, const aaa_config& cfg,
                                                             subscriber_db db);

/// Builds the subscriber database from the configuration: the inline list,
/// then the subscribers file (a user in both is an error).
[[nodiscard]] std::variant<subscriber_db, std::string> load_subscriber_db(const config::aaa_settings& cfg);

}  // namespace bras::actors
