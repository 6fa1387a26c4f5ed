// The subscriber's PPP engine. Each layer (LCP, IPCP, IPv6CP) is one RFC 1661
// automaton (automaton.hpp). This file is the engine's API; client_receive.cpp
// decides which event a received packet is, client_automaton.cpp performs the
// actions the automaton returns, client_phases.cpp runs the phases and timers,
// and client_policy.cpp holds the option policy (the inverse of the LNS's in
// negotiate.cpp).
//
// Terminations we start (close(), an authentication failure or timeout, no
// network layer left) go through LCP's Closing state: Terminate-Request, and
// `finished` once the Terminate-Ack arrives or Max-Terminate expires. A
// Terminate-Request from the LNS is acked, and `finished` comes after the
// automaton's zrc pause (one restart-timer period, RFC 1661 §4.4), or at once
// if the lower layer goes first. Echo failures finish at once: the link is dead.
#include "protocol/ppp/client.hpp"

#include "protocol/ppp/client_impl.hpp"

namespace bras::ppp {

/// One call's worth of work: the engine's state and the effects being collected.

// ---- client_engine ----

client_engine::client_engine(client_config config)
    : config_{std::move(config)},
      fsm_{negotiation{config_.negotiation}, negotiation{config_.negotiation}, negotiation{config_.negotiation}},
      next_id_{1, 1, 1},
      pap_id_{1} {
  if (config_.mru != lcp_default_mru) lcp_options_.emplace_back(lcp::mru{config_.mru});
  if (config_.magic != 0) lcp_options_.emplace_back(lcp::magic_number{config_.magic});
  if (config_.request_pfc) lcp_options_.emplace_back(lcp::pfc{});
  if (config_.request_acfc) lcp_options_.emplace_back(lcp::acfc{});
  ipcp_options_.emplace_back(ipcp::ip_address{config_.requested_address});
  if (config_.request_dns) {
    ipcp_options_.emplace_back(ipcp::primary_dns{0});
    ipcp_options_.emplace_back(ipcp::secondary_dns{0});
  }
  if (config_.interface_id != 0) ipv6cp_options_.emplace_back(ipv6cp::interface_identifier{config_.interface_id});
  local_interface_id_ = config_.interface_id;
}

effects client_engine::start() {
  effects out;
  if (started_ || finished_) return out;
  started_ = true;
  phase_ = client_phase::establish;
  impl run{*this, out};
  run.step(layer::lcp, ppp_event::open);
  run.step(layer::lcp, ppp_event::up);
  return out;
}

effects client_engine::receive(wire::byte_span frame) {
  effects out;
  if (finished_) return out;
  if (!started_) {
    ++counters_.discarded;
    return out;
  }
  impl{*this, out}.receive(frame);
  return out;
}

effects client_engine::timeout(timer which) {
  effects out;
  const std::size_t i = index_of(which);
  if (finished_ || i >= timer_count || !armed_[i]) return out;  // stale or never armed
  armed_[i] = false;
  impl{*this, out}.on_timeout(which);
  return out;
}

effects client_engine::close(std::string_view reason) {
  effects out;
  if (finished_) return out;
  impl run{*this, out};
  finished why{cause::normal, direction::at_local, std::string{reason}};
  if (!started_) {
    run.finish(std::move(why));
  } else {
    run.local_close(std::move(why));
  }
  return out;
}

effects client_engine::lower_down() {
  effects out;
  if (finished_) return out;
  impl{*this, out}.finish(ending_ ? *ending_ : finished{cause::none, direction::global, "lower-layer-down"});
  return out;
}

wire::bytes client_engine::frame_ip(network which, wire::byte_span packet) const {
  wire::bytes out;
  wire::writer w{out};
  encode_frame(w, which == network::ipv4 ? proto::ipv4 : proto::ipv6, packet, tx_flags_);
  return out;
}

ppp_state client_engine::lcp_state() const noexcept {
  return fsm_[index_of(layer::lcp)].state();
}
ppp_state client_engine::ipcp_state() const noexcept {
  return fsm_[index_of(layer::ipcp)].state();
}
ppp_state client_engine::ipv6cp_state() const noexcept {
  return fsm_[index_of(layer::ipv6cp)].state();
}

}  // namespace bras::ppp
