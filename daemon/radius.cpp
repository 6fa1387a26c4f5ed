// The daemon's RADIUS part: the UDP sockets, the accounting spool, the
// authentication and accounting clients, the accounting actor, the CoA
// server, and Accounting-Off on a clean stop. Nothing here when no radius:
// section is configured.
#include <chrono>
#include <ctime>

#include "actors/accounting.hpp"
#include "actors/coa_server.hpp"
#include "actors/radius_client.hpp"
#include "daemon/daemon.hpp"
#include "io/acct_spool.hpp"
#include "io/radius_socket.hpp"

namespace bras::app {

namespace {

/// "address:port" -> an endpoint; the configuration has validated it.
model::udp_peer endpoint_of(const std::string& text) {
  const auto e = config::parse_ipv4_endpoint(text).value_or(config::ipv4_endpoint{});
  return {e.address, e.port};
}

}  // namespace

radius::nas_identity daemon::nas_identity() const {
  const auto& cfg = ctx_->cfg;
  radius::nas_identity nas;
  nas.identifier = cfg.radius.nas_identifier.empty() ? cfg.l2tp.host_name : cfg.radius.nas_identifier;
  nas.ip_address = cfg.radius.nas_ip_address;
  if (nas.ip_address == 0 && !cfg.l2tp.local_gateways.empty()) {
    nas.ip_address = config::parse_ipv4(cfg.l2tp.local_gateways[0].address).value_or(0);
  }
  return nas;
}

void daemon::build_radius_clients() {
  const auto& rc = ctx_->cfg.radius;
  if (!rc.enabled) {
    // Acct-Session-Ids still tell sessions apart (show, clear): a boot number from the clock.
    ctx_->acct_ids = std::make_unique<actors::acct_session_ids>(static_cast<std::uint32_t>(std::time(nullptr)));
    return;
  }
  radius_sockets_ = std::make_shared<io::radius_sockets>(io_);
  auto client = [&](actors::radius_service service, const config::radius_group_settings& g) {
    actors::radius_client_config c;
    c.service = service;
    c.group = actors::group_config_of(g);
    c.transport = radius_sockets_;
    c.source_address = rc.source_address;
    c.queue_limit = rc.queue_limit;
    c.nas = nas_identity();
    c.log = ctx_->aaa_log;
    auto spawned = actors::spawn_radius_client(*system_, std::move(c));
    if (auto* e = std::get_if<std::string>(&spawned)) throw std::runtime_error("radius: " + *e);
    return std::get<actors::radius_client_actor>(spawned);
  };
  if (!rc.authentication.servers.empty()) {
    ctx_->radius_auth = client(actors::radius_service::authentication, rc.authentication);
    // A session that gave up on AAA before the client tried every server would never see a failover.
    std::chrono::milliseconds failover{0};
    for (const auto& s : rc.authentication.servers) failover += s.timeout * (s.retries + 1);
    const auto needed = std::chrono::ceil<std::chrono::seconds>(failover) + std::chrono::seconds{1};
    if (ctx_->cfg.ppp.aaa_timeout < needed) {
      ctx_->aaa_log->info("aaa-timeout-raised from={}s to={}s: every authentication server is tried first",
                          ctx_->cfg.ppp.aaa_timeout.count(), needed.count());
      ctx_->cfg.ppp.aaa_timeout = needed;
    }
  }
  if (rc.accounting.servers.empty()) {
    ctx_->acct_ids = std::make_unique<actors::acct_session_ids>(static_cast<std::uint32_t>(std::time(nullptr)));
    return;
  }
  auto store = io::open_acct_spool(rc.spool);
  if (auto* e = std::get_if<std::string>(&store)) throw std::runtime_error("radius accounting spool: " + *e);
  std::shared_ptr<actors::accounting_store> spool =
      std::move(std::get<std::unique_ptr<actors::accounting_store>>(store));
  ctx_->acct_ids = std::make_unique<actors::acct_session_ids>(spool->boot());
  ctx_->radius_acct = client(actors::radius_service::accounting, rc.accounting);
  actors::accounting_config ac;
  ac.radius = &rc;
  ac.store = std::move(spool);
  ac.client = ctx_->radius_acct;
  ac.nas = nas_identity();
  ac.refuse_new_sessions = &ctx_->accounting_refuses;
  ac.log = ctx_->aaa_log;
  ctx_->accounting = actors::spawn_accounting(*system_, std::move(ac));
}

void daemon::build_coa() {
  const auto& rc = ctx_->cfg.radius;
  if (!rc.enabled || rc.coa_listen.empty()) return;
  actors::coa_config c;
  c.transport = radius_sockets_;
  c.listen = endpoint_of(rc.coa_listen);
  c.clients = rc.coa_clients;
  c.replay_window = rc.coa_replay_window;
  c.query = query_;
  c.nas = nas_identity();
  c.log = ctx_->aaa_log;
  auto spawned = actors::spawn_coa_server(*system_, std::move(c));
  if (auto* e = std::get_if<std::string>(&spawned)) throw std::runtime_error("radius dynamic-authorization: " + *e);
  ctx_->coa = std::get<actors::coa_actor>(spawned);
  ctx_->aaa_log->info("coa-listening address={}", rc.coa_listen);
}

bool daemon::accounting_off() {
  if (!ctx_->accounting) return true;
  bool acknowledged = false;
  caf::scoped_actor self{*system_};
  self->request(ctx_->accounting, std::chrono::seconds{5}, actors::acct_off_atom::value)
      .receive([&](bool ok) { acknowledged = ok; }, [](caf::error&) {});
  return acknowledged;
}

void daemon::async_accounting_off(std::function<void()> then) {
  if (!ctx_->accounting) return then();
  // The reply arrives on an actor thread while this (I/O) thread keeps the RADIUS sockets served.
  system_->spawn(
      [this](caf::event_based_actor* self, actors::accounting_actor acct, std::function<void()> done) {
        self->request(acct, std::chrono::seconds{5}, actors::acct_off_atom::value)
            .then([this, done](bool) { boost::asio::post(io_, done); },
                  [this, done](caf::error&) { boost::asio::post(io_, done); });
      },
      ctx_->accounting, std::move(then));
}

void daemon::stop_radius() noexcept {
  for (auto* a : {&ctx_->radius_auth, &ctx_->radius_acct}) {
    if (*a) caf::anon_send_exit(*a, caf::exit_reason::user_shutdown);
  }
  if (ctx_->accounting) caf::anon_send_exit(ctx_->accounting, caf::exit_reason::user_shutdown);
  if (ctx_->coa) caf::anon_send_exit(ctx_->coa, caf::exit_reason::user_shutdown);
}

void daemon::forget_radius() noexcept {
  ctx_->radius_auth = nullptr;
  ctx_->radius_acct = nullptr;
  ctx_->accounting = nullptr;
  ctx_->coa = nullptr;
}

}  // namespace bras::app
