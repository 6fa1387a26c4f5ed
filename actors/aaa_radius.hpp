// The AAA actor's RADIUS backend (a component of the AAA actor, not an actor):
// builds the Access-Request for a session's credentials and line, sends it
// through the RADIUS client without blocking (the AAA actor answers the
// session through a response promise), and turns the outcome into the verdict:
// Access-Accept attributes, Reply-Message of a reject, or why RADIUS could not
// answer. Addresses stay with the AAA actor, which owns the pools.
#pragma once

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "actors/catalogue.hpp"
#include "configs/config.hpp"
#include "model/counters.hpp"
#include "protocol/radius/attributes.hpp"

namespace bras::actors {

/// NAS-Identifier (radius.nas-identifier, default l2tp.host-name) and NAS-IP-Address
/// (radius.nas-ip-address, default the first local gateway's address).
[[nodiscard]] radius::nas_identity nas_identity_of(const config::settings& s);

/// The credentials of a request as RADIUS carries them.
[[nodiscard]] radius::credentials credentials_of(const aaa_request& r);

/// What a RADIUS outcome decides before any address is assigned: a reject, or an accept whose
/// `granted` the AAA actor completes with an address (LNS requests).
struct radius_decision {
  aaa_verdict verdict;
  std::optional<radius::authorization> granted;  ///< set when accepted
};

/// The verdict of `outcome` for a request (`lac`: tunnels, no address). A tunnel group named by the
/// Accept that is a tunnel profile of `l2tp` merges with its destinations (lac_candidates).
[[nodiscard]] radius_decision decide_radius(const radius_outcome& outcome, bool lac, const config::l2tp_settings& l2tp);

struct aaa_radius_config {
  radius_client_actor client;
  radius::nas_identity nas;
  const std::atomic<bool>* accounting_refuses = nullptr;  ///< null: never refuses
  config::l2tp_settings l2tp;                             ///< tunnel profiles and destinations (LAC verdicts)
  /// How long the AAA actor waits for the client (which answers "timeout" itself after its
  /// retries; this only covers a client that is gone).
  std::chrono::milliseconds timeout{std::chrono::seconds{60}};
  model::counters* stats = nullptr;  ///< auth_accepts, auth_rejects, aaa_radius_unavailable
  std::shared_ptr<spdlog::logger> log;
};

class aaa_radius {
 public:
  /// Completes an accepted LNS verdict with its address and IPv6 prefixes and tracks the grant for `holder` (the
  /// session that asked); may turn the verdict into a reject (an unknown Framed-Pool).
  using grant_fn = std::function<void(aaa_verdict& v, const radius::authorization& a, const std::string& user,
                                      const caf::strong_actor_ptr& holder)>;

  aaa_radius(aaa_radius_config cfg, grant_fn grant);

  /// Asks RADIUS for `r` on behalf of the sender of the current message of `self`; the verdict
  /// is delivered later (or at once while accounting refuses new sessions).
  caf::result<aaa_verdict> ask(aaa_actor::pointer self, const aaa_request& r);

 private:
  aaa_verdict finish(const radius_outcome& o, const aaa_request& r, const caf::strong_actor_ptr& holder);

  aaa_radius_config cfg_;
  grant_fn grant_;
};

}  // namespace bras::actors
