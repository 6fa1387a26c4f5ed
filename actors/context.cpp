#include "actors/context.hpp"

#include "actors/ppp_settings.hpp"

namespace bras::actors {

bool log_limiter::allow() noexcept {
  auto t = std::chrono::steady_clock::now().time_since_epoch().count();
  auto last = last_refill_.load(std::memory_order_relaxed);
  if (t - last >= interval_.count() && last_refill_.compare_exchange_strong(last, t)) {
    tokens_.store(burst_, std::memory_order_relaxed);
  }
  return tokens_.fetch_sub(1, std::memory_order_relaxed) > 0;
}

l2tp::reliable_config reliable_config_of(const config::l2tp_settings& l2tp, std::uint16_t receive_window) {
  l2tp::reliable_config rc;
  rc.initial_timeout = l2tp.retransmit_initial;
  rc.max_timeout = l2tp.retransmit_max;
  rc.max_retransmits = l2tp.retransmit_count;
  rc.ack_delay = l2tp.ack_delay;
  rc.receive_window = receive_window;
  return rc;
}

const ppp::server_config& context::ppp_base() const {
  std::call_once(ppp_base_once_, [this] { ppp_base_ = ppp_base_config(cfg); });
  return ppp_base_;
}

const dhcpv6::server_config& context::dhcpv6_base() const {
  std::call_once(dhcpv6_once_, [this] { dhcpv6_ = dhcpv6_config(cfg, machine_id()); });
  return dhcpv6_;
}

const session_env& context::session_handles() {
  std::call_once(session_env_once_, [this] {
    session_env e;
    e.ppp = &cfg.ppp;
    e.data_plane = &cfg.data_plane;
    e.l2tp = &cfg.l2tp;
    e.ppp_base = &ppp_base();
    e.aaa = &aaa;
    e.sessions = &sessions;
    e.forwarder = &forwarder;
    e.stats = &stats;
    e.log_slot = &log;
    e.ppp_log_slot = &ppp_log;
    e.malformed_log = &malformed_log;
    e.peer_log = &peer_log;
    e.interface_units = &interface_units;
    e.timers = &timers;
    e.accounting = &accounting;
    e.acct_ids = acct_ids.get();
    e.radius = &cfg.radius;
    if (cfg.ppp.ipv6) {
      e.ipv6 = &cfg.ipv6;
      e.dhcpv6 = &dhcpv6_base();
    }
    session_env_ = e;
  });
  return session_env_;
}

const tunnel_env& context::tunnel_handles() {
  const auto& for_sessions = session_handles();
  std::call_once(tunnel_env_once_, [this, &for_sessions] {
    tunnel_env e;
    e.l2tp = &cfg.l2tp;
    e.limits = &limits;
    e.data_plane = &cfg.data_plane;
    e.tx = tx.get();
    e.stats = &stats;
    e.client_tunnels = client_tunnels.get();
    e.admission = admission.get();
    e.lac = &lac;
    e.log_slot = &log;
    e.malformed_log = &malformed_log;
    e.peer_log = &peer_log;
    e.sessions = &for_sessions;
    e.timers = &timers;
    tunnel_env_ = e;
  });
  return tunnel_env_;
}

}  // namespace bras::actors
