// The client engine's link phases (authentication, the network phase), the
// dispatch of received frames by protocol, and its timers.
#include "protocol/ppp/client_impl.hpp"

namespace bras::ppp {

void client_engine::impl::lcp_up() {
  const auto& peer = c.peer_lcp_options_;
  c.tx_flags_ = {find_option<lcp::acfc>(peer) != nullptr, find_option<lcp::pfc>(peer) != nullptr};
  const auto* peer_mru = find_option<lcp::mru>(peer);
  c.peer_mru_ = peer_mru != nullptr ? peer_mru->value : lcp_default_mru;
  if (c.config_.echo_interval.count() > 0) {
    c.echo_unanswered_ = 0;
    arm(timer::echo, c.config_.echo_interval);
  }
  const auto* auth = find_option<lcp::auth_protocol>(peer);
  c.auth_protocol_ = auth != nullptr ? auth->protocol : 0;
  if (c.auth_protocol_ == proto::pap) {
    c.phase_ = client_phase::authenticate;
    c.pap_sent_ = 0;
    c.pap_ids_.reset();
    send_pap();
  } else if (c.auth_protocol_ == proto::chap) {
    c.phase_ = client_phase::authenticate;
    c.chap_response_id_.reset();
    // The authenticator retransmits its Challenge; give it as long as PAP would take.
    arm(timer::auth, c.config_.auth_restart * std::max<std::uint32_t>(1, c.config_.max_auth_requests));
  } else {
    enter_network();
  }
}

void client_engine::impl::send_pap() {
  const std::uint8_t id = c.pap_id_++;
  c.pap_ids_.set(id);
  ++c.pap_sent_;
  send(proto::pap,
       encode_with(&pap::encode, pap::packet{pap::authenticate_request{id, c.config_.user, c.config_.password}}));
  arm(timer::auth, c.config_.auth_restart);
}

void client_engine::impl::authenticated(std::string message) {
  stop(timer::auth);
  c.authenticated_ = true;
  emit(auth_outcome{true, std::move(message)});
  enter_network();
}

void client_engine::impl::refused(std::string_view method, std::string message) {
  stop(timer::auth);
  std::string event{method};
  if (!message.empty()) event += ": " + message;
  emit(auth_outcome{false, std::move(message)});
  local_close({cause::auth_failed, direction::at_peer, std::move(event)});
}

void client_engine::impl::enter_network() {
  c.phase_ = client_phase::network;
  if (!c.config_.ipv4 && !c.config_.ipv6) {
    local_close({cause::no_ncp, direction::at_local, "no-network-layer-configured"});
    return;
  }
  if (c.config_.ipv4) open_ncp(layer::ipcp);
  if (c.config_.ipv6) open_ncp(layer::ipv6cp);
}

void client_engine::impl::open_ncp(layer l) {
  if (fsm(l).state() == ppp_state::initial) step(l, ppp_event::open);
  if (fsm(l).state() == ppp_state::starting) step(l, ppp_event::up);
}

void client_engine::impl::receive(wire::byte_span data) {
  auto f = decode_frame(data);
  if (!f) {
    ++c.counters_.malformed;
    return;
  }
  switch (f->protocol) {
    case proto::lcp: receive_lcp(f->payload); break;
    case proto::pap: receive_pap(f->payload); break;
    case proto::chap: receive_chap(f->payload); break;
    case proto::ipcp:
      if (!c.config_.ipv4) return protocol_reject(f->protocol, f->payload);
      receive_ipcp(f->payload);
      break;
    case proto::ipv6cp:
      if (!c.config_.ipv6) return protocol_reject(f->protocol, f->payload);
      receive_ipv6cp(f->payload);
      break;
    case proto::ipv4:
      // Data is the caller's to deliver; the engine only refuses what it never negotiates.
      if (!c.config_.ipv4) return protocol_reject(f->protocol, f->payload);
      ++c.counters_.discarded;
      break;
    case proto::ipv6:
      if (!c.config_.ipv6) return protocol_reject(f->protocol, f->payload);
      ++c.counters_.discarded;
      break;
    default: protocol_reject(f->protocol, f->payload); break;
  }
}

void client_engine::impl::protocol_reject(std::uint16_t protocol, wire::byte_span information) {
  if (!lcp_opened()) {
    ++c.counters_.discarded;
    return;
  }
  ++c.counters_.protocol_rejects_sent;
  send(proto::lcp, encode_lcp(lcp::protocol_reject{next_id(layer::lcp), protocol,
                                                   wire::to_bytes(truncated(information, 6, c.peer_mru_))}));
}

void client_engine::impl::on_timeout(timer which) {
  switch (which) {
    case timer::lcp: restart_expired(layer::lcp); break;
    case timer::ipcp: restart_expired(layer::ipcp); break;
    case timer::ipv6cp: restart_expired(layer::ipv6cp); break;
    case timer::auth: auth_expired(); break;
    case timer::echo: echo_expired(); break;
  }
}

void client_engine::impl::restart_expired(layer l) {
  const negotiation& f = fsm(l);
  if (!f.timer_running()) return;
  received in;
  const ppp_event e = f.timeout_event();
  if (e == ppp_event::to_minus && negotiating(f.state())) in.ncp_cause = cause::ncp_fsm_timeout;
  step(l, e, in);
}

void client_engine::impl::auth_expired() {
  if (c.phase_ != client_phase::authenticate) return;
  if (c.auth_protocol_ == proto::pap && c.pap_sent_ < std::max<std::uint32_t>(1, c.config_.max_auth_requests)) {
    send_pap();
    return;
  }
  local_close({cause::auth_fsm_timeout, direction::at_local,
               c.auth_protocol_ == proto::pap ? "pap-no-answer" : "chap-no-answer"});
}

void client_engine::impl::echo_expired() {
  if (!lcp_opened()) return;
  if (c.echo_unanswered_ >= std::max<std::uint32_t>(1, c.config_.echo_failures)) {
    ++c.counters_.echo_timeouts;
    finish({cause::echo_timeout, direction::at_local, "echo-timeout"});
    return;
  }
  ++c.echo_unanswered_;
  ++c.counters_.echo_requests_sent;
  send(proto::lcp, encode_lcp(lcp::echo_request{next_id(layer::lcp), c.magic_, {}}));
  arm(timer::echo, c.config_.echo_interval);
}

}  // namespace bras::ppp
