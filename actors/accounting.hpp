// The accounting actor: every record a session reports is written to the
// spool (accounting_store) before it is first sent, sent through the
// accounting RADIUS client, resent (with a new identifier and a grown
// Acct-Delay-Time) until a server answers, and only then acknowledged in the
// spool. Records a crash or restart left in the spool are resent at start.
// Accounting-On at start, Accounting-Off on a clean stop. When the spool is
// full: refuse new sessions (the shared flag the AAA actor reads) or drop the
// oldest Interim-Updates, never a Start or a Stop.
#pragma once

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <atomic>
#include <memory>

#include "actors/accounting_store.hpp"
#include "actors/catalogue.hpp"
#include "configs/config.hpp"
#include "protocol/radius/attributes.hpp"

namespace bras::actors {

struct accounting_config {
  const config::radius_settings* radius = nullptr;  ///< acct_max_in_flight, spool (when-full, fsync interval)
  std::shared_ptr<accounting_store> store;          ///< opened by the daemon
  radius_client_actor client;                       ///< the accounting group's client
  radius::nas_identity nas;
  std::atomic<bool>* refuse_new_sessions = nullptr;  ///< set while full under refuse-new-sessions
  std::shared_ptr<spdlog::logger> log;               ///< "aaa"
};

[[nodiscard]] accounting_actor spawn_accounting(caf::actor_system& sys, accounting_config cfg);

}  // namespace bras::actors
