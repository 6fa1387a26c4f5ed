// The LNS engine's link: why and how it ends, what happens when a layer goes
// up, down or finishes, the network phase, and its timers.
#include "protocol/ppp/server_impl.hpp"

namespace bras::ppp {

void server_engine::impl::send_pap(const pap::packet& p) {
  auto f = encode_frame_of<pap::packet>(proto::pap, p, &pap::encode);
  if (!f.empty()) out.emplace_back(send_frame{std::move(f)});
}

void server_engine::impl::send_chap(const chap::packet& p) {
  auto f = encode_frame_of<chap::packet>(proto::chap, p, &chap::encode);
  if (!f.empty()) out.emplace_back(send_frame{std::move(f)});
}

void server_engine::impl::set_cause(std::uint16_t code, direction dir, std::string_view message,
                                    std::uint16_t protocol) {
  if (!why) why = std::make_unique<ending>(ending{code, dir, std::string{message}, protocol});
}

void server_engine::impl::set_ncp_cause(std::uint16_t code, direction dir, std::string_view message,
                                        std::uint16_t protocol) {
  if (!ncp_why) ncp_why = std::make_unique<ending>(ending{code, dir, std::string{message}, protocol});
}

std::uint16_t server_engine::impl::protocol_of(const ending& e) const {
  if (e.protocol != 0) return e.protocol;
  if (e.code >= 4 && e.code <= 12) return proto::lcp;
  if (e.code >= cause::auth_fsm_timeout && e.code <= cause::auth_failed && method) {
    return *method == lcp::auth_method::pap ? proto::pap : proto::chap;
  }
  return 0;
}

void server_engine::impl::finish() {
  if (done) return;
  for (std::size_t i = 0; i < timer_count; ++i) stop(static_cast<timer>(i));
  done = true;
  phase = link_phase::dead;
  auto e = why ? *why : ending{cause::none, direction::global, "link-finished"};
  const auto protocol = protocol_of(e);
  out.emplace_back(finished{e.code, e.dir, std::move(e.message), protocol});
}

void server_engine::impl::terminate(std::uint16_t code, direction dir, std::string_view message,
                                    std::uint16_t protocol) {
  set_cause(code, dir, message, protocol);
  if (done) return;
  phase = link_phase::terminate;
  feed(lcp_layer, ppp_event::close);
  // Close in a state that sends nothing (Starting, Stopped...) ends here.
  if (!lcp_layer.neg.timer_running()) finish();
}

void server_engine::impl::this_layer_up(layer<lcp_traits>&) {
  loop_count = 0;
  if (cfg.echo_interval.count() > 0) {
    echo_outstanding = 0;
    arm(timer::echo, cfg.echo_interval);
  }
  begin_authentication();
}

void server_engine::impl::this_layer_down(layer<lcp_traits>&) {
  stop(timer::echo);
  stop(timer::auth);
  // The NCPs run on LCP: they go down with it (and report network_down if they were up).
  if (ipcp_layer.neg.state() != ppp_state::initial && ipcp_layer.neg.state() != ppp_state::starting) {
    feed(ipcp_layer, ppp_event::down);
  }
  if (ipv6cp_layer.neg.state() != ppp_state::initial && ipv6cp_layer.neg.state() != ppp_state::starting) {
    feed(ipv6cp_layer, ppp_event::down);
  }
  auth = auth_state::idle;
  if (phase != link_phase::terminate) phase = link_phase::establish;
}

void server_engine::impl::this_layer_finished(layer<lcp_traits>&) {
  set_cause(cause::lcp_fsm_timeout, direction::at_local, "lcp-negotiation-failed");
  finish();
}

void server_engine::impl::this_layer_up(layer<ipcp_traits>&) {
  peer_address = ipcp_policy.peer_address;
  network_up up;
  up.which = network::ipv4;
  up.local_address = ipcp_policy.local_address;
  up.peer_address = peer_address;
  up.primary_dns = ipcp_policy.primary_dns;
  up.secondary_dns = ipcp_policy.secondary_dns;
  out.emplace_back(up);
}

void server_engine::impl::this_layer_up(layer<ipv6cp_traits>&) {
  network_up up;
  up.which = network::ipv6;
  up.local_interface_id = ipv6cp_policy.local_id;
  up.peer_interface_id = peer_interface_id;
  out.emplace_back(up);
}

void server_engine::impl::network_finished(std::uint16_t last) {
  if (phase != link_phase::network) return;
  if (alive(ipcp_layer) || alive(ipv6cp_layer)) return;
  if (ncp_why) return terminate(ncp_why->code, ncp_why->dir, ncp_why->message, ncp_why->protocol);
  terminate(cause::no_ncp, direction::at_local, "no-network-protocol", last);
}

void server_engine::impl::enter_network() {
  phase = link_phase::network;
  if (!ipcp_layer.enabled && !ipv6cp_layer.enabled) {
    return terminate(cause::no_ncp, direction::at_local, "no-network-protocol-enabled");
  }
  if (ipv6cp_layer.enabled) ipv6cp_policy.peer_id_suggestion = suggestion();
  if (ipcp_layer.enabled) open_ncp(ipcp_layer);
  if (ipv6cp_layer.enabled) open_ncp(ipv6cp_layer);
}

std::uint64_t server_engine::impl::suggestion() {
  std::uint64_t v = 0;
  while (v == 0 || v == ipv6cp_policy.local_id) v = (std::uint64_t{random.next()} << 32) | random.next();
  return v;
}

void server_engine::impl::on_timeout(timer t) {
  if (done) return;
  auto& a = armed[static_cast<std::size_t>(t)];
  if (!a) return;  // stopped meanwhile
  a = false;
  switch (t) {
    case timer::lcp: return feed(lcp_layer, lcp_layer.neg.timeout_event());
    case timer::ipcp: return ncp_timeout(ipcp_layer);
    case timer::ipv6cp: return ncp_timeout(ipv6cp_layer);
    case timer::auth:
      if (auth == auth_state::waiting_peer && method == lcp::auth_method::chap_md5 && auth_waited < cfg.auth_timeout) {
        return send_challenge();
      }
      if (auth == auth_state::waiting_peer) {
        return terminate(cause::auth_fsm_timeout, direction::at_local, "authentication-timeout");
      }
      return;
    case timer::echo:
      if (lcp_layer.neg.state() != ppp_state::opened) return;
      if (echo_outstanding >= cfg.echo_failures) {
        ++counters.echo_timeouts;
        return terminate(cause::echo_timeout, direction::at_local, "echo-timeout");
      }
      ++echo_outstanding;
      ++counters.echo_requests_sent;
      send<lcp_traits>(lcp::packet{lcp::echo_request{echo_id++, lcp_policy.magic, {}}});
      arm(timer::echo, cfg.echo_interval);
      return;
  }
}

}  // namespace bras::ppp
